// Indexed fixed-effect terms (src/model/indexed-fixed.ts) and their map around every backend
// (src/backend/indexed-fixed.ts). References: the same model with the same terms as dense treatment-coded columns
// (R's model.matrix coding, src/model/design.ts) evaluated by the reference backend — the same numbers up to rounding
// order; central finite differences for the gradient.
import { describe, expect, it } from 'vitest';
import { createBackend, type BackendChoice } from '../../src/backend/select.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import type { Backend } from '../../src/backend/backend.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';
import { ModelDensity } from '../../src/model/density.js';
import { unconstrainedNames } from '../../src/model/layout.js';
import { denseFixedCount, type ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { relDiff } from '../helpers/specs.js';
import { levelsFrame } from '../helpers/frames.js';

/** Positions of `from` rewritten in the coordinate order of `to`, matched by parameter name. */
function permutation(from: ModelSpec, to: ModelSpec): Int32Array {
  const fromNames = new Map(unconstrainedNames(from).map((name, j) => [name, j]));
  return Int32Array.from(unconstrainedNames(to), (name) => {
    const j = fromNames.get(name);
    if (j === undefined) throw new Error(`no coordinate ${name}`);
    return j;
  });
}

function positions(spec: ModelSpec, nChains: number, seed: number): Float64Array {
  const rng = new Rng(seed, 5);
  const out = new Float64Array(nChains * spec.dim);
  for (let k = 0; k < out.length; k++) out[k] = 0.3 * rng.normal();
  return out;
}

async function evaluate(backend: Backend, pos: Float64Array, nChains: number): Promise<{ logp: Float64Array; grad: Float64Array }> {
  const logp = new Float64Array(nChains);
  const grad = new Float64Array(nChains * backend.dim);
  await backend.logDensityGradient(pos, nChains, logp, grad);
  return { logp, grad };
}

const FORMULA = 'y ~ x + s + c + x:s + c:s + (1 | g)';
const natural: BuildOptions = { fixedBasis: 'natural' };

describe('indexed fixed-effect terms: design', () => {
  const frame = levelsFrame(1200, 40);
  const dense = buildModel(frame, FORMULA, { ...natural, indexedAbove: Infinity }).spec;
  const indexed = buildModel(frame, FORMULA, { ...natural, indexedAbove: 0 }).spec;

  it('keeps the dense coding’s parameter names and priors, with only the dense columns in X', () => {
    expect([...indexed.fixed.names].sort()).toEqual([...dense.fixed.names].sort());
    expect(indexed.fixed.indexed?.map((t) => t.label)).toEqual(['s', 'c', 'x:s', 's:c']);
    expect(denseFixedCount(indexed.fixed)).toBe(2);
    expect(indexed.fixed.X.length).toBe(1200 * 2);
    // 1 + 1 + 39 + 2 + 39 + 78 dense columns: R's model.matrix count for this formula
    expect(dense.fixed.names.length).toBe(160);
    const priorOf = (spec: ModelSpec) => new Map(spec.fixed.names.map((n, j) => [n, JSON.stringify(spec.fixed.priors[j])]));
    expect(priorOf(indexed)).toEqual(priorOf(dense));
  });

  it('the default rule keeps a 3-level factor dense and indexes a 40-level one', () => {
    const spec = buildModel(frame, 'y ~ x + s + c', natural).spec;
    expect(spec.fixed.indexed?.map((t) => t.label)).toEqual(['s']);
    expect(spec.fixed.names.slice(0, 4)).toEqual(['Intercept', 'x', 'cgreen', 'cblue']);
    expect(spec.fixed.names[4]).toBe('sL01');
  });

  it('a poly() part of a wide term is a one-line error naming the term', () => {
    expect(() => buildModel(frame, 'y ~ poly(x, 2):s', { indexedAbove: 0 })).toThrow(/formula term 'poly\(x, 2\):s' would have 80 columns/);
  });
});

describe('indexed fixed-effect terms: every backend against the dense coding', () => {
  const frame = levelsFrame(1200, 40);
  const dense = buildModel(frame, FORMULA, { ...natural, indexedAbove: Infinity }).spec;
  const indexed = buildModel(frame, FORMULA, { ...natural, indexedAbove: 0 }).spec;
  const toDense = permutation(indexed, dense);
  const nChains = 3;
  const pos = positions(indexed, nChains, 11);
  const densePos = new Float64Array(nChains * dense.dim);
  for (let c = 0; c < nChains; c++) for (let j = 0; j < dense.dim; j++) densePos[c * dense.dim + j] = pos[c * indexed.dim + toDense[j]];

  const kinds: BackendChoice[] = ['reference', ...(loadNativeAddon() ? (['native'] as const) : []), 'webgpu'];
  for (const kind of kinds) {
    it(`${kind}: log density and gradient equal the dense model's (reference) at 3 positions`, async () => {
      const want = await evaluate(await createBackend('reference', dense), densePos, nChains);
      const backend = await createBackend(kind, indexed, { maxChains: nChains });
      expect(backend.kind).toBe(kind);
      const got = await evaluate(backend, pos, nChains);
      // float64 backends agree to rounding; WebGPU computes the rows in float32 (its parity tolerance, 1e-5)
      const tol = kind === 'webgpu' ? 1e-5 : 1e-11;
      let gradScale = 0;
      for (const v of want.grad) gradScale = Math.max(gradScale, Math.abs(v));
      for (let c = 0; c < nChains; c++) {
        expect(relDiff(got.logp[c], want.logp[c])).toBeLessThan(tol);
        for (let j = 0; j < dense.dim; j++) {
          const a = got.grad[c * indexed.dim + toDense[j]];
          const b = want.grad[c * dense.dim + j];
          expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-3 * gradScale)).toBeLessThan(kind === 'webgpu' ? 1e-3 : 1e-9);
        }
      }
      const rows = 50;
      const out = new Float64Array(nChains * rows);
      const wantOut = new Float64Array(nChains * rows);
      await backend.pointwiseLogLik(pos, nChains, 100, rows, out);
      await (await createBackend('reference', dense)).pointwiseLogLik(densePos, nChains, 100, rows, wantOut);
      for (let k = 0; k < out.length; k++) expect(Math.abs(out[k] - wantOut[k])).toBeLessThan(kind === 'webgpu' ? 1e-4 : 1e-12);
      await backend.dispose();
    });
  }

  it('the reference density evaluates the indexed spec directly, equal to the mapped backends', async () => {
    // a centered varying term: no coordinate map but the indexed one
    const plain = buildModel(frame, FORMULA, { ...natural, indexedAbove: 0, parameterization: { g: 'centered' } }).spec;
    const density = new ModelDensity(plain);
    const grad = new Float64Array(indexed.dim);
    const lp = density.evaluate(pos, 0, grad);
    const mapped = await evaluate(await createBackend('reference', plain, { maxChains: nChains }), pos, nChains);
    expect(relDiff(lp, mapped.logp[0])).toBeLessThan(1e-12);
    for (let j = 0; j < indexed.dim; j++) expect(Math.abs(grad[j] - mapped.grad[j])).toBeLessThan(1e-9 * Math.max(1, Math.abs(grad[j])));
  });

  it.each<BackendChoice>(['reference', ...(loadNativeAddon() ? (['native'] as const) : [])])('%s: the gradient matches finite differences, QR basis on the dense columns', async (kind) => {
    const spec = buildModel(frame, FORMULA, { indexedAbove: 0 }).spec;
    expect(spec.fixedBasis?.length).toBe(4);
    const backend = await createBackend(kind, spec, { maxChains: 1 });
    const at = positions(spec, 1, 3);
    const { grad } = await evaluate(backend, at, 1);
    const err = await maxFiniteDifferenceError(spec, (p, n, lp, g) => backend.logDensityGradient(p, n, lp, g), at, grad);
    expect(err).toBeLessThan(1e-6);
  });
});
