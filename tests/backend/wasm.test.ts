/**
 * The wasm backend (the native engine compiled to WebAssembly, src/backend/wasm/) against the reference backend
 * (src/backend/reference.ts, the float64 TypeScript oracle): log density, every gradient coordinate (the aux
 * coordinate included) and the pointwise log-likelihood agree to 1e-10 relative at random positions — on the random
 * specs of native.test.ts (every kind, every row layout, 16- and 32-bit level indices) and on every family and link the
 * native kernels have (native-families.test.ts's cases and shapes); its gradient equals finite differences of its own
 * log density; two fits with the same seed give the same draws bit for bit; through createBackend('wasm') the
 * coordinate maps work as on the other backends. Skips with a notice when the module is not built (npm run build
 * builds it where emcc is installed; CI does).
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { createWasmBackend } from '../../src/backend/wasm/backend.js';
import { wasmKernelsUnavailableReason } from '../../src/backend/wasm/module-bytes.js';
import { addHillstromFeatures, HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { fitModel } from '../../src/fit/fit.js';
import type { NativeLayout } from '../../src/backend/engine-backend.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { FAMILY_CASES, caseName, familySpec, interceptOnly } from '../helpers/family-specs.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomPositions, randomSpec, type SpecKind } from '../helpers/specs.js';
import {
  addBackendErrors,
  expectWithin as expectWithinTolerance,
  familyPositions as positions,
  referenceValues,
  relative,
  type ParityErrors as Errors,
} from '../helpers/parity.js';

const TOL = 1e-10;
const unavailable = wasmKernelsUnavailableReason();
if (unavailable) console.warn(`NOTICE: wasm backend tests skipped: ${unavailable}`);

/** Largest relative differences between wasm and reference, through both the synchronous and the promise call. */
async function parity(spec: ModelSpec, nChains: number, layout?: NativeLayout): Promise<Errors> {
  const ref = await referenceValues(spec, nChains);
  const wasm = await createWasmBackend(spec, { maxChains: nChains, maxDraws: nChains, ...(layout ? { layout } : {}) });
  const errors: Errors = { logp: 0, grad: 0, pointwise: 0 };
  try {
    expect(wasm.kind).toBe('wasm');
    expect(wasm.logDensityGradientSync).toBeTypeOf('function');
    for (const sync of [true, false]) await addBackendErrors(errors, wasm, ref, sync);
  } finally {
    await wasm.dispose();
  }
  return errors;
}

function expectWithin(e: Errors): void {
  expectWithinTolerance(e, TOL);
}

describe.skipIf(unavailable !== null)('wasm backend: parity with the reference backend on random specs', () => {
  const kinds: SpecKind[] = ['pooled', 'hierarchical', 'crossed', 'binomial', 'manylevels'];
  for (const kind of kinds) {
    const spec = kind === 'manylevels' ? randomSpec(kind, { levels: 1500, n: 4000, seed: 5 }) : randomSpec(kind, { n: 3001, seed: 5 });
    for (const nChains of [1, 4, 64]) {
      it(`${kind}, ${nChains} chain(s)`, async () => {
        expectWithin(await parity(spec, nChains));
      });
    }
  }

  it('every row layout (grouped by cell, sorted by level, data order), and the layout auto chooses', async () => {
    const spec = randomSpec('crossed', { n: 30_001, seed: 6 });
    for (const layout of ['rows', 'sorted', 'grouped'] as const) expectWithin(await parity(spec, 3, layout));
    const wasm = await createWasmBackend(spec, { maxChains: 1 });
    expect(wasm.storage).toMatch(/gradient rows grouped in \d+ cells/);
    expect(wasm.description).toBe('wasm (1 thread, wasm simd128, in-process calls, rows grouped by cell)');
    await wasm.dispose();
  });

  it('level indices stored as 16 and 32 bits (300 and 70,000 levels)', async () => {
    expectWithin(await parity(randomSpec('manylevels', { levels: 300, n: 2000, seed: 3 }), 4));
    const u32 = randomSpec('manylevels', { levels: 70_000, n: 140_000, seed: 3 });
    const wasm = await createWasmBackend(u32, { maxChains: 2 });
    expect(wasm.storage).toContain('index u32');
    await wasm.dispose();
    expectWithin(await parity(u32, 2));
  });

  it('refuses a call after dispose() and more chains than prepared for, with the reason', async () => {
    const spec = randomSpec('pooled', { n: 50, seed: 1 });
    const wasm = await createWasmBackend(spec, { maxChains: 2 });
    const pos = randomPositions(spec, 3, 1);
    await expect(wasm.logDensityGradient(pos, 3, new Float64Array(3), new Float64Array(3 * spec.dim))).rejects.toThrow(
      'wasm backend: more chains than the backend was prepared for',
    );
    await wasm.dispose();
    await expect(wasm.logDensityGradient(pos, 1, new Float64Array(1), new Float64Array(spec.dim))).rejects.toThrow('wasm backend: used after dispose()');
  });

  it("passes on the engine's own refusal of a model as an error (a count outcome that is not a whole number)", async () => {
    const base = familySpec(randomSpec('pooled', { n: 40, seed: 2 }), { family: 'poisson' });
    const y = base.y.slice();
    y[7] = 2.5;
    await expect(createWasmBackend({ ...base, y })).rejects.toThrow('wasm backend: a count outcome is not a whole number >= 0 (row 7)');
  });
});

describe.skipIf(unavailable !== null)('wasm backend: every family and link of the native kernels', () => {
  for (const c of FAMILY_CASES) {
    it(`${caseName(c)}: pooled, intercept only, crossed terms; 1 and 4 chains; finite differences`, async () => {
      const kind = c.family === 'binomial' ? 'binomial' : 'crossed';
      const pooled = c.family === 'binomial' ? randomSpec('binomial', { n: 700, seed: 9 }) : randomSpec('pooled', { n: 700, seed: 9 });
      for (const spec of [familySpec(pooled, c), familySpec(interceptOnly(pooled), c), familySpec(randomSpec(kind, { n: 1200, seed: 6 }), c)]) {
        for (const nChains of [1, 4]) expectWithin(await parity(spec, nChains));
      }
      const spec = familySpec(randomSpec(kind, { n: 400, seed: 2 }), c);
      const wasm = await createWasmBackend(spec, { maxChains: 1 });
      try {
        const pos = positions(spec, 1, 5);
        const lp = new Float64Array(1);
        const grad = new Float64Array(spec.dim);
        await wasm.logDensityGradient(pos, 1, lp, grad);
        const fd = await maxFiniteDifferenceError(spec, (p, n, l, g) => wasm.logDensityGradient(p, n, l, g), pos, grad);
        expect(fd).toBeLessThan(1e-6);
      } finally {
        await wasm.dispose();
      }
    });
  }
});

describe.skipIf(unavailable !== null)('wasm backend in a fit', () => {
  it('the same seed gives the same draws bit for bit; the hierarchical model through createBackend(wasm) matches the reference', async () => {
    const frame = addHillstromFeatures(simulateHillstrom({ seed: 3, n: 400 }).frame);
    const settings = { chains: 2, warmup: 60, draws: 40, seed: 7, backend: 'wasm' as const };
    const a = await fitModel(frame, HILLSTROM_FORMULAS.hierarchical, { ...settings, priors: HILLSTROM_PRIORS.hierarchical });
    const b = await fitModel(frame, HILLSTROM_FORMULAS.hierarchical, { ...settings, priors: HILLSTROM_PRIORS.hierarchical });
    await a.dispose();
    await b.dispose();
    expect(a.backend.kind).toBe('wasm');
    expect(a.draws.values.length).toBeGreaterThan(0);
    let differing = 0;
    for (let i = 0; i < a.draws.values.length; i++) if (!Object.is(a.draws.values[i], b.draws.values[i])) differing++;
    expect(differing).toBe(0);
  }, 120_000);

  it('createBackend(wasm) wraps the coordinate maps (split terms, correlated blocks) like the other backends', async () => {
    const frame = addHillstromFeatures(simulateHillstrom({ seed: 4, n: 300 }).frame);
    const { buildModel } = await import('../../src/model/build.js');
    for (const formula of [HILLSTROM_FORMULAS.hierarchical, 'conversion ~ 1 + treatment + (1 + treatment | history_segment)']) {
      const { spec } = buildModel(frame, formula, {});
      const wasm = await createBackend('wasm', spec, { maxChains: 2 });
      const reference = await createBackend('reference', spec, { maxChains: 2 });
      const pos = randomPositions(spec, 2, 3).map((v) => v * 0.3);
      const [lpW, lpR] = [new Float64Array(2), new Float64Array(2)];
      const [gW, gR] = [new Float64Array(2 * spec.dim), new Float64Array(2 * spec.dim)];
      await wasm.logDensityGradient(pos, 2, lpW, gW);
      await reference.logDensityGradient(pos, 2, lpR, gR);
      for (let c = 0; c < 2; c++) expect(relative(lpW[c], lpR[c], 0)).toBeLessThan(TOL);
      const scale = gR.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let k = 0; k < gR.length; k++) expect(relative(gW[k], gR[k], 1e-6 * scale)).toBeLessThan(TOL);
      expect(wasm.kind).toBe('wasm');
      await wasm.dispose();
      await reference.dispose();
    }
  }, 60_000);
});
