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
import { createReferenceBackend } from '../../src/backend/reference.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { FAMILY_CASES, caseName, familySpec, interceptOnly, type FamilyCase } from '../helpers/family-specs.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomPositions, randomSpec } from '../helpers/specs.js';

const TOL = 1e-10;
const addon = loadNativeAddon();
if (!addon) console.warn(`NOTICE: native family tests skipped: ${nativeAddonUnavailableReason()}`);
const features = addon?.cpuFeatures();
const KERNELS: NativeKernels[] = ['baseline', ...(features?.avx2Fma ? (['avx2'] as const) : []), ...(features?.avx512 ? (['avx512'] as const) : [])];

/**
 * |a − b| relative to max(|a|, |b|, floor): the floor is 1e-6 of the largest gradient component of the chain, so
 * that a component that is zero up to cancellation (an aux gradient is a difference of two sums over rows) is judged
 * on the gradient's scale.
 */
function relative(a: number, b: number, floor: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor, 1e-300);
}

/** Positions with the aux coordinate (if any) spread around log 1: sigma/shape between about 0.3 and 3. */
function positions(spec: ModelSpec, nChains: number, seed: number): Float64Array {
  const pos = randomPositions(spec, nChains, seed);
  for (const a of spec.aux ?? []) {
    for (let c = 0; c < nChains; c++) pos[c * spec.dim + a.index] = 0.6 * Math.sin(1.7 * c + seed);
  }
  // η near the outcome's scale for the log and identity links (randomPositions aims at rare-event logits)
  if (spec.family !== 'bernoulli' && spec.family !== 'binomial') for (let c = 0; c < nChains; c++) pos[c * spec.dim] = -0.4 + 0.1 * Math.cos(c);
  return pos;
}

interface Errors {
  logp: number;
  grad: number;
  pointwise: number;
}

/** Largest relative differences from the reference; `grouped` (when given) is checked against the addon's storage. */
async function parity(spec: ModelSpec, nChains: number, kernels: NativeKernels = 'auto', threads = 2, grouped?: boolean): Promise<Errors> {
  const pos = positions(spec, nChains, 11 + nChains);
  const reference = await createReferenceBackend(spec);
  const d = spec.dim;
  const lpR = new Float64Array(nChains);
  const gR = new Float64Array(nChains * d);
  await reference.logDensityGradient(pos, nChains, lpR, gR);
  for (const v of [...lpR, ...gR]) expect(Number.isFinite(v)).toBe(true);
  const rowStart = Math.floor(spec.n / 3);
  const rowCount = spec.n - rowStart - 5;
  const pwR = new Float64Array(nChains * rowCount);
  await reference.pointwiseLogLik(pos, nChains, rowStart, rowCount, pwR);
  const errors: Errors = { logp: 0, grad: 0, pointwise: 0 };
  for (const sync of [true, false]) {
    const native = await createNativeBackend(spec, { maxChains: nChains, maxDraws: nChains, threads, kernels, sync });
    try {
      if (grouped !== undefined) expect(native.storage.includes('gradient rows grouped in')).toBe(grouped);
      const lpN = new Float64Array(nChains);
      const gN = new Float64Array(nChains * d);
      await native.logDensityGradient(pos, nChains, lpN, gN);
      for (let c = 0; c < nChains; c++) {
        errors.logp = Math.max(errors.logp, relative(lpN[c], lpR[c], 0));
        let scale = 0;
        for (let j = 0; j < d; j++) scale = Math.max(scale, Math.abs(gR[c * d + j]));
        for (let j = 0; j < d; j++) errors.grad = Math.max(errors.grad, relative(gN[c * d + j], gR[c * d + j], 1e-6 * scale));
      }
      const pwN = new Float64Array(nChains * rowCount);
      await native.pointwiseLogLik(pos, nChains, rowStart, rowCount, pwN);
      for (let k = 0; k < pwN.length; k++) errors.pointwise = Math.max(errors.pointwise, relative(pwN[k], pwR[k], 0));
    } finally {
      await native.dispose();
    }
  }
  return errors;
}

function expectWithin(e: Errors): void {
  expect(e.logp).toBeLessThan(TOL);
  expect(e.grad).toBeLessThan(TOL);
  expect(e.pointwise).toBeLessThan(TOL);
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
    ...(c.family === 'binomial' ? [] : [{ name: 'non-centered slope', spec: familySpec(randomSpec('hierarchical', { n: 700, seed: 4 }), c), grouped: true }]),
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
