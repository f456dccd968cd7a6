/**
 * The coordinate maps every platform puts around a plain backend (one that evaluates the spec's kernels as they are):
 * correlated blocks (correlated-terms.ts), split or folded terms and a fixed basis (split-terms.ts), an offset
 * (offset-column.ts), fixed terms stored as level indices (indexed-fixed.ts). select.ts (Node) and select.browser.ts (the browser build) differ only in the plain backends
 * they can start; both build the wrapped backend here.
 */
import type { Backend, BackendOptions } from './backend.js';
import { hasCorrelatedTerms, uncorrelatedSpec, wrapCorrelatedTerms } from './correlated-terms.js';
import { hasIndexedFixed, indexedInnerSpec, wrapIndexedFixed } from './indexed-fixed.js';
import { offsetColumnSpec, wrapOffset } from './offset-column.js';
import { centeredSpec, needsCoordinateMap, wrapSplitTerms } from './split-terms.js';
import type { ModelSpec } from '../model/spec.js';

/** Starts a plain backend for `choice` (a spec with no correlated blocks, split terms or offset). */
export type PlainBackendFactory<C> = (
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
) => Promise<Backend>;

/**
 * The backend for `choice`: models with correlated blocks get the backend of the spec without them, wrapped by
 * correlated-terms.ts; models with split or folded terms or a fixed basis get the plain backend built on the
 * centered form of the spec, wrapped by split-terms.ts; a model with an offset gets it built on the spec with the
 * offset as a pinned fixed column, wrapped by offset-column.ts (inside the split map); indexed fixed-effect terms
 * become flat varying terms, wrapped by indexed-fixed.ts (between the two).
 */
export async function createWrappedBackend<C>(
  plain: PlainBackendFactory<C>,
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
): Promise<Backend> {
  if (hasCorrelatedTerms(spec)) {
    return wrapCorrelatedTerms(spec, await createWrappedBackend(plain, choice, uncorrelatedSpec(spec), options, log, detail), options);
  }
  if (!needsCoordinateMap(spec)) return createIndexedBackend(plain, choice, spec, options, log, detail);
  const inner = await createIndexedBackend(plain, choice, centeredSpec(spec), options, log, detail);
  return wrapSplitTerms(spec, inner, options);
}

async function createIndexedBackend<C>(
  plain: PlainBackendFactory<C>,
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
): Promise<Backend> {
  if (!hasIndexedFixed(spec)) return createOffsetBackend(plain, choice, spec, options, log, detail);
  const inner = await createOffsetBackend(plain, choice, indexedInnerSpec(spec), options, log, detail);
  return wrapIndexedFixed(spec, inner, options);
}

async function createOffsetBackend<C>(
  plain: PlainBackendFactory<C>,
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
): Promise<Backend> {
  if (!spec.offset) return plain(choice, spec, options, log, detail);
  const inner = await plain(choice, offsetColumnSpec(spec), options, log, detail);
  return wrapOffset(spec, inner, options);
}
