/**
 * The coordinate maps every platform puts around a plain backend (one that evaluates the spec's kernels as they are):
 * correlated blocks (correlated-terms.ts), split or folded terms and a fixed basis (split-terms.ts), an offset
 * (offset-column.ts), fixed terms stored as level indices (indexed-fixed.ts). select.ts (Node) and select.browser.ts
 * (the browser build) differ only in the plain backends they can start; both build the wrapped backend here.
 */
import type { Backend, BackendOptions } from './backend.js';
import { hasCorrelatedTerms, uncorrelatedSpec, wrapCorrelatedTerms } from './correlated-terms.js';
import { hasIndexedFixed, indexedInnerSpec, wrapIndexedFixed } from './indexed-fixed.js';
import { offsetColumnSpec, wrapOffset } from './offset-column.js';
import { centeredSpec, needsCoordinateMap, wrapSplitTerms } from './split-terms.js';
import { wrapSignedScale } from './signed-scale.js';
import { hasSignedScale, unsignedSpec } from '../model/signed-scale.js';
import type { ModelSpec } from '../model/spec.js';

/** Starts a plain backend for `choice` (a spec with no correlated blocks, split terms or offset). */
export type PlainBackendFactory<C> = (
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
) => Promise<Backend>;

/** One coordinate map of the chain: whether a spec needs it, the spec its inner backend is built on, the wrapper. */
interface MapLayer {
  applies(spec: ModelSpec): boolean;
  innerSpec(spec: ModelSpec): ModelSpec;
  wrap(spec: ModelSpec, inner: Backend, options: BackendOptions): Backend;
}

/**
 * The maps, outermost first: signed sds become log sds (signed-scale.ts); correlated blocks get the backend of the spec without them (correlated-terms.ts); split
 * or folded terms and a fixed basis the centered form of the spec (split-terms.ts); indexed fixed-effect terms become
 * flat varying terms (indexed-fixed.ts); an offset becomes a pinned fixed column (offset-column.ts). Each inner spec
 * needs none of the maps before it.
 */
const LAYERS: readonly MapLayer[] = [
  { applies: hasSignedScale, innerSpec: unsignedSpec, wrap: wrapSignedScale },
  { applies: hasCorrelatedTerms, innerSpec: uncorrelatedSpec, wrap: wrapCorrelatedTerms },
  { applies: needsCoordinateMap, innerSpec: centeredSpec, wrap: wrapSplitTerms },
  { applies: hasIndexedFixed, innerSpec: indexedInnerSpec, wrap: wrapIndexedFixed },
  { applies: (spec) => Boolean(spec.offset), innerSpec: offsetColumnSpec, wrap: wrapOffset },
];

/** The backend for `choice`: the plain backend of the innermost spec inside every map the spec needs (LAYERS). */
export async function createWrappedBackend<C>(
  plain: PlainBackendFactory<C>,
  choice: C,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail?: (line: string) => void,
  from = 0,
): Promise<Backend> {
  for (let i = from; i < LAYERS.length; i++) {
    const layer = LAYERS[i];
    if (!layer.applies(spec)) continue;
    const inner = await createWrappedBackend(plain, choice, layer.innerSpec(spec), options, log, detail, i + 1);
    return layer.wrap(spec, inner, options);
  }
  return plain(choice, spec, options, log, detail);
}
