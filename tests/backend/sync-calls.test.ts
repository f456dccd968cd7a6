// Calling-thread evaluation (Backend.logDensityGradientSync, issue 16 item 6): present exactly when the evaluation
// can run on the calling thread (the reference backend, the native one for small calls, and the split, offset and
// correlated and indexed-fixed wrappers around either), and bit-identical to the promise form, which is the reference here.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createNativeBackend, loadNativeAddon } from '../../src/backend/native.js';
import { createBackend } from '../../src/backend/select.js';
import { hasCorrelatedTerms } from '../../src/backend/correlated-terms.js';
import { hasIndexedFixed } from '../../src/backend/indexed-fixed.js';
import { centeredSpec, needsCoordinateMap, wrapSplitTerms } from '../../src/backend/split-terms.js';
import { buildModel } from '../../src/model/build.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { correlatedFrame } from '../helpers/frames.js';

const frame = correlatedFrame(300);
const FORMULAS = {
  'folded intercept and fixed basis': 'y ~ a + x + (1 | g)',
  offset: 'y ~ x + offset(a) + (1 | g)',
  'correlated intercept and slope': 'y ~ x + (1 + x | g)',
  'indexed fixed factor': 'y ~ x + g',
} as const;
/** What makes each spec go through its wrapper (so that the test does not pass on a plain backend). */
const WRAPPED: Record<keyof typeof FORMULAS, (spec: ModelSpec) => boolean> = {
  'folded intercept and fixed basis': (spec) => spec.fixedBasis != null && needsCoordinateMap(spec),
  offset: (spec) => spec.offset != null,
  'correlated intercept and slope': (spec) => hasCorrelatedTerms(spec),
  'indexed fixed factor': (spec) => hasIndexedFixed(spec),
};

function positions(spec: ModelSpec, chains: number): Float64Array {
  const rng = new Rng(9, 2);
  return Float64Array.from({ length: chains * spec.dim }, () => 0.4 * rng.normal());
}

async function bothForms(backend: Backend, q: Float64Array, chains: number, active?: Uint8Array) {
  const dim = backend.dim;
  const viaPromise = { logp: new Float64Array(chains).fill(7), grad: new Float64Array(chains * dim).fill(7) };
  const viaSync = { logp: new Float64Array(chains).fill(7), grad: new Float64Array(chains * dim).fill(7) };
  await backend.logDensityGradient(q, chains, viaPromise.logp, viaPromise.grad, active);
  backend.logDensityGradientSync!(q, chains, viaSync.logp, viaSync.grad, active);
  return { viaPromise, viaSync };
}

const kinds = loadNativeAddon() ? (['reference', 'native'] as const) : (['reference'] as const);

describe('calling-thread gradient calls', () => {
  for (const kind of kinds) {
    for (const what of Object.keys(FORMULAS) as (keyof typeof FORMULAS)[]) {
      it(`${kind}, ${what}: the synchronous form gives the promise form's values, active chains only`, async () => {
        // indexedAbove 1: the factor g is stored as a level index whatever its size (src/model/indexed-fixed.ts)
        const { spec } = buildModel(frame, FORMULAS[what], { indexedAbove: 1 });
        expect(WRAPPED[what](spec)).toBe(true);
        const backend = await createBackend(kind, spec, { maxChains: 4 });
        try {
          expect(typeof backend.logDensityGradientSync).toBe('function');
          const q = positions(spec, 4);
          const active = Uint8Array.from([1, 0, 1, 1]);
          const { viaPromise, viaSync } = await bothForms(backend, q, 4, active);
          expect(Array.from(viaSync.logp)).toEqual(Array.from(viaPromise.logp));
          expect(Array.from(viaSync.grad)).toEqual(Array.from(viaPromise.grad));
          // chain 1 was inactive: its outputs are left as they were
          expect(viaSync.logp[1]).toBe(7);
          expect(Number.isFinite(viaSync.logp[0])).toBe(true);
        } finally {
          await backend.dispose();
        }
      });
    }
  }

  it.skipIf(!loadNativeAddon())('native: no synchronous form when calls run off the event loop, nor on a wrapper around it; refused after dispose', async () => {
    const { spec } = buildModel(frame, FORMULAS['folded intercept and fixed basis']);
    const asyncOnly = await createNativeBackend(centeredSpec(spec), { maxChains: 4, sync: false });
    const wrapped = wrapSplitTerms(spec, asyncOnly);
    expect(asyncOnly.logDensityGradientSync).toBeUndefined();
    expect(wrapped.logDensityGradientSync).toBeUndefined();
    await wrapped.dispose();
    const sync = await createNativeBackend(centeredSpec(spec), { maxChains: 4, sync: true });
    const q = positions(spec, 4);
    await sync.dispose();
    expect(() => sync.logDensityGradientSync!(q, 4, new Float64Array(4), new Float64Array(4 * spec.dim))).toThrow(/after dispose/);
  });
});
