/**
 * The native kernels of every family and link (native/src/families.hpp) against the reference backend
 * (src/model/density.ts with the TypeScript family modules, the oracle): log density, gradient (the aux coordinate
 * included: the kernel's Σ ∂loglik/∂aux through the host's chain rule and prior) and pointwise log-likelihood agree
 * to 1e-10 relative, for 1, 4 and 64 chains, on random specs — pooled, intercept-only, a non-centered slope (rows
 * grouped by cell), crossed centered and non-centered terms in data order and grouped by cell — through both the in-process
 * and the asynchronous gradient calls; and the native gradient equals central finite differences of the native log
 * density (1e-6 relative).
 */
import { describe, expect, it } from 'vitest';
import { createNativeBackend, loadNativeAddon, nativeAddonUnavailableReason, type NativeKernels } from '../../src/backend/native.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { FAMILY_CASES, caseName, familySpec, interceptOnly, type FamilyCase } from '../helpers/family-specs.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomSpec } from '../helpers/specs.js';
import { addBackendErrors, expectWithin as expectWithinTolerance, familyPositions as positions, referenceValues, type ParityErrors as Errors } from '../helpers/parity.js';

const TOL = 1e-10;
const addon = loadNativeAddon();
if (!addon) console.warn(`NOTICE: native family tests skipped: ${nativeAddonUnavailableReason()}`);
const features = addon?.cpuFeatures();
const KERNELS: NativeKernels[] = ['baseline', ...(features?.avx2Fma ? (['avx2'] as const) : []), ...(features?.avx512 ? (['avx512'] as const) : [])];

/** Largest relative differences from the reference; `grouped` (when given) is checked against the addon's storage. */
async function parity(spec: ModelSpec, nChains: number, kernels: NativeKernels = 'auto', threads = 2, grouped?: boolean): Promise<Errors> {
  const ref = await referenceValues(spec, nChains);
  const errors: Errors = { logp: 0, grad: 0, pointwise: 0 };
  for (const sync of [true, false]) {
    const native = await createNativeBackend(spec, { maxChains: nChains, maxDraws: nChains, threads, kernels, sync });
    try {
      if (grouped !== undefined) expect(native.storage.includes('gradient rows grouped in')).toBe(grouped);
      await addBackendErrors(errors, native, ref);
    } finally {
      await native.dispose();
    }
  }
  return errors;
}

function expectWithin(e: Errors): void {
  expectWithinTolerance(e, TOL);
}

/**
 * The crossed spec with its zip and channel levels tied to the segment (segment mod 3, mod 5): 7 cells, so that its
 * rows are grouped by cell at a few hundred rows, every level of every term still present.
 */
function fewCells(spec: ModelSpec): ModelSpec {
  const [segment, zip, channel] = spec.groups;
  return {
    ...spec,
    groups: [segment, { ...zip, index: segment.index.map((k) => k % 3) }, { ...channel, index: segment.index.map((k) => k % 5) }],
  };
}

/** The spec shapes every family is checked on, with whether the gradient kernel reads their rows grouped by cell. */
function shapes(c: FamilyCase): { name: string; spec: ModelSpec; grouped: boolean }[] {
  const kind = c.family === 'binomial' ? 'binomial' : 'crossed';
  const pooled = c.family === 'binomial' ? randomSpec('binomial', { n: 700, seed: 9 }) : randomSpec('pooled', { n: 700, seed: 9 });
  return [
    { name: 'pooled', spec: familySpec(pooled, c), grouped: false },
    { name: 'intercept only', spec: familySpec(interceptOnly(pooled), c), grouped: false },
    // 7 levels over 2,000 rows: ~286 rows a cell, above the 256 from which a single term's rows are grouped by cell
    ...(c.family === 'binomial' ? [] : [{ name: 'non-centered slope', spec: familySpec(randomSpec('hierarchical', { n: 2000, seed: 4 }), c), grouped: true }]),
    { name: 'crossed centered and non-centered terms, 105 cells', spec: familySpec(randomSpec(kind, { n: 1200, seed: 6 }), c), grouped: false },
    { name: 'the same terms, 7 cells', spec: familySpec(fewCells(randomSpec(kind, { n: 900, seed: 8 })), c), grouped: true },
  ];
}

describe.skipIf(!addon)('native family kernels: parity with the reference backend', () => {
  for (const c of FAMILY_CASES) {
    describe(caseName(c), () => {
      for (const { name, spec, grouped } of shapes(c)) {
        for (const nChains of [1, 4, 64]) {
          it(`${name} (${grouped ? 'rows grouped by cell' : 'data order'}), ${nChains} chain(s)`, async () => {
            expectWithin(await parity(spec, nChains, 'auto', 2, grouped));
          });
        }
      }
      it(`every kernel set (${KERNELS.join(', ')}) and 3 threads`, async () => {
        const spec = shapes(c).at(-2)!.spec;
        for (const kernels of KERNELS) expectWithin(await parity(spec, 4, kernels, 3));
      });
    });
  }
});

describe.skipIf(!addon)('native family kernels: gradient against finite differences', () => {
  for (const c of FAMILY_CASES) {
    it(`${caseName(c)} (aux coordinate included)`, async () => {
      const base = c.family === 'binomial' ? randomSpec('binomial', { n: 400, seed: 2 }) : randomSpec('crossed', { n: 400, seed: 2 });
      const spec = familySpec(base, c);
      const native = await createNativeBackend(spec, { maxChains: 1, threads: 1 });
      try {
        const pos = positions(spec, 1, 5);
        const lp = new Float64Array(1);
        const grad = new Float64Array(spec.dim);
        await native.logDensityGradient(pos, 1, lp, grad);
        const fd = await maxFiniteDifferenceError(spec, (p, n, l, g) => native.logDensityGradient(p, n, l, g), pos, grad);
        expect(fd).toBeLessThan(1e-6);
      } finally {
        await native.dispose();
      }
    });
  }
});
