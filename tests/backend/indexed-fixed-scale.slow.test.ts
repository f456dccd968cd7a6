// Categorical fixed effects of 10⁴ and 10⁵ levels on 200,000 bernoulli rows (src/model/indexed-fixed.ts): the
// model builds without an n × levels matrix, and native and WebGPU agree with the reference density (float64, the
// oracle), native also with central finite differences on a sample of coordinates. WebGPU runs on 20,000 rows (llvmpipe).
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { createBackend, type BackendChoice } from '../../src/backend/select.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { buildModel } from '../../src/model/build.js';
import { ModelDensity } from '../../src/model/density.js';
import { denseFixedCount, type ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { relDiff } from '../helpers/specs.js';

/** y ~ Bernoulli(logit⁻¹(−1 + 0.5x + a4[s4] + a5[s5])), s4 with 10⁴ levels and s5 with 10⁵, every level present. */
function bigFrame(n: number) {
  const rng = new Rng(41, 0);
  const a4 = Float64Array.from({ length: 1e4 }, () => 0.3 * rng.normal());
  const a5 = Float64Array.from({ length: 1e5 }, () => 0.3 * rng.normal());
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const s4 = new Uint32Array(n);
  const s5 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    s4[i] = i < 1e4 ? i : Math.floor(rng.uniform() * 1e4);
    s5[i] = i < 1e5 ? i : Math.floor(rng.uniform() * 1e5);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(1 - 0.5 * x[i] - a4[s4[i]] - a5[s5[i]])) ? 1 : 0;
  }
  return frameFromColumns(
    [
      numericColumn('y', y),
      numericColumn('x', x),
      categoricalColumn('s4', s4, Array.from({ length: 1e4 }, (_, k) => `A${k}`)),
      categoricalColumn('s5', s5, Array.from({ length: 1e5 }, (_, k) => `B${k}`)),
    ],
    'levels scale frame',
  );
}

function position(spec: ModelSpec): Float64Array {
  const rng = new Rng(5, 5);
  const theta = Float64Array.from({ length: spec.dim }, () => 0.2 * rng.normal());
  theta[0] = -1;
  return theta;
}

async function check(spec: ModelSpec, kind: BackendChoice, tol: number): Promise<void> {
  const theta = position(spec);
  const wantGrad = new Float64Array(spec.dim);
  const want = new ModelDensity(spec).evaluate(theta, 0, wantGrad);
  const backend = await createBackend(kind, spec, { maxChains: 1, maxDraws: 4 });
  expect(backend.kind).toBe(kind);
  const logp = new Float64Array(1);
  const grad = new Float64Array(spec.dim);
  await backend.logDensityGradient(theta, 1, logp, grad);
  expect(relDiff(logp[0], want)).toBeLessThan(tol);
  let scale = 0;
  for (const g of wantGrad) scale = Math.max(scale, Math.abs(g));
  for (let j = 0; j < spec.dim; j++) expect(Math.abs(grad[j] - wantGrad[j]) / Math.max(Math.abs(wantGrad[j]), 1e-3 * scale)).toBeLessThan(tol * 100);
  // central differences on the intercept, x, and level coefficients of both factors (first, middle, last); not on
  // WebGPU, whose float32 log density (about 10⁴ in size) leaves differences at any usable step to rounding
  if (kind === 'webgpu') {
    await backend.dispose();
    return;
  }
  const q = denseFixedCount(spec.fixed);
  const sample = [0, 1, q, q + 5000, q + 9998, q + 9999, q + 60_000, spec.dim - 1];
  const at = new Float64Array(1);
  const scratch = new Float64Array(spec.dim);
  for (const j of sample) {
    const h = 1e-4;
    const plus = theta.slice();
    const minus = theta.slice();
    plus[j] += h;
    minus[j] -= h;
    await backend.logDensityGradient(plus, 1, at, scratch);
    const up = at[0];
    await backend.logDensityGradient(minus, 1, at, scratch);
    const fd = (up - at[0]) / (2 * h);
    expect(Math.abs(fd - grad[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(grad[j])));
  }
  await backend.dispose();
}

describe('categorical fixed effects of 10⁴ and 10⁵ levels', () => {
  const n = 200_000;
  const frame = bigFrame(n);
  // the natural basis: ModelDensity reads the coordinates as b (the QR basis is a map around backends)
  const spec = buildModel(frame, 'y ~ x + s4 + s5', { fixedBasis: 'natural' }).spec;

  it('stores both factors as level indices: X holds 2 columns, 110,000 coefficients', () => {
    expect(spec.fixed.indexed?.map((t) => [t.label, t.levels])).toEqual([
      ['s4', 1e4],
      ['s5', 1e5],
    ]);
    expect(spec.fixed.X.length).toBe(n * 2);
    expect(spec.fixed.names.length).toBe(2 + 9999 + 99_999);
    expect(spec.fixed.names[2]).toBe('s4A1');
    expect(buildModel(frame, 'y ~ x + s4 + s5').spec.fixedBasis?.length).toBe(4);
  });

  it.skipIf(!loadNativeAddon())('native: equal to the reference density, gradient matches finite differences', async () => {
    await check(spec, 'native', 1e-10);
  });

  it('webgpu (20,000 rows): equal to the reference density within float32 rounding', async () => {
    const small = buildModel(bigFrame(20_000), 'y ~ x + s4 + s5', { fixedBasis: 'natural' }).spec;
    expect(small.fixed.names.length).toBe(2 + 9999 + 99_999);
    await check(small, 'webgpu', 1e-5);
  });
});
