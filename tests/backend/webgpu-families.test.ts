/**
 * The WebGPU backend for every family and link, against the TypeScript family modules (src/model/families/) and the
 * reference backend (float64, the oracle). On machines without a GPU the adapter is Dawn's OpenGL backend on Mesa
 * llvmpipe (EGL_PLATFORM=surfaceless, compatibility feature level; src/backend/webgpu/device.ts).
 *
 * 1. The family functions themselves (shaders/families/*.wgsl), compiled alone into a small compute shader
 *    (family-grid.wgsl) and evaluated on a grid of y, eta and aux, plus the host's f64 constants
 *    (src/backend/webgpu/family-host.ts), against the module's logLik, dEta and dAux at the same (f32-rounded) eta.
 *    Error of a value v against the module's r: |v − r| / max(|r|, 1): relative, and absolute below 1 where a
 *    derivative crosses zero (eta at the row's fit) — the f32 inputs (eta, log y, 1/σ) alone move such a value by
 *    ~1e-7 of its terms' size.
 * 2. The backend on random specs per family (pooled, hierarchical and crossed terms; tests/helpers/family-truth-specs.ts)
 *    with 1, 4 and 64 chains through one backend, at positions jittered around the truth the data were drawn at
 *    (less for large counts, whose posterior is narrow: there η's own f32 rounding, ~1e-7·|η|, moves a row's
 *    log-likelihood by (y − μ)·δη, which far from the fit exceeds 1e-5 of it), measured as webgpu.test.ts does:
 *      logp:      |lp − lp_ref| / |lp_ref|
 *      gradient:  ‖g − g_ref‖₂ / ‖g_ref‖₂ per chain (norm-relative: single coordinates can be near zero)
 *      aux:       |g_a − g_a,ref| / ‖g_ref‖₂ for the log-aux coordinate (its own check, on the gradient's scale: at
 *                 positions near the truth this coordinate is a sum of per-row terms of size ~1 that nearly cancel,
 *                 so its relative error, printed for the record as "aux rel", can reach 1e-4 with f32 rows)
 *      pointwise: |l − l_ref| / max(|l_ref|, floor), floor 1e-6 for the discrete families (as webgpu.test.ts) and 1
 *                 for gaussian, gamma and lognormal: a continuous outcome's log density crosses zero (where it does
 *                 depends on the units of y), and there the host's f64 constants and the device's f32 part cancel,
 *                 so its error is measured against the size of the terms instead
 *    all below 1e-5 (issue 15).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { createWebGpuBackend } from '../../src/backend/webgpu/backend.js';
import { acquireDevice } from '../../src/backend/webgpu/device.js';
import { deviceFamily } from '../../src/backend/webgpu/family-host.js';
import { familySource, prologue } from '../../src/backend/webgpu/shader-source.js';
import { familyModule } from '../../src/model/families/index.js';
import type { LinkName } from '../../src/model/families/family.js';
import { logChoose } from '../../src/model/log-choose.js';
import type { Family, ModelSpec } from '../../src/model/spec.js';
import { familySpec, randomFamilyPositions, type FamilyCase } from '../helpers/family-truth-specs.js';
import { relDiff, type SpecKind } from '../helpers/specs.js';

const TOL = 1e-5;
const seen: string[] = [];
afterAll(() => {
  for (const line of seen) console.log(line); // the measured agreement, for the record
});

// ---------------------------------------------------------------------------------------------------------------
// 1. the family functions on a grid

interface GridCase {
  readonly family: Family;
  readonly link?: LinkName;
  readonly ys: readonly number[];
  /** eta offsets from the row's fit (link(y), or 0 for the binomial families) */
  readonly etas: readonly number[];
  readonly auxes: readonly number[];
}

const OFFSETS = [-2, -0.5, -0.05, 0, 0.05, 0.5, 2];
const LOGIT_ETAS = [-9, -3, -1, -0.2, 0, 0.4, 1.5, 3, 9];
const GRID: readonly GridCase[] = [
  { family: 'bernoulli', ys: [0, 1], etas: LOGIT_ETAS, auxes: [NaN] },
  { family: 'bernoulli', link: 'probit', ys: [0, 1], etas: [-8, -4, -2.5, -1, -0.2, 0, 0.4, 1.5, 3.2, 8], auxes: [NaN] },
  { family: 'binomial', ys: [0, 3, 12], etas: LOGIT_ETAS, auxes: [NaN] },
  { family: 'binomial', link: 'probit', ys: [0, 3, 12], etas: [-6, -2, -0.3, 0, 0.7, 2.5, 6], auxes: [NaN] },
  { family: 'poisson', ys: [0, 1, 3, 10, 40, 200, 1000], etas: OFFSETS, auxes: [NaN] },
  // both forms of shaders/families/negbinomial.wgsl: counts below the shape and at or above it
  { family: 'negbinomial', ys: [0, 1, 3, 10, 40, 200], etas: OFFSETS, auxes: [0.3, 2, 30, 300, 1e4, 1e7] },
  { family: 'gamma', ys: [0.05, 1, 7.5, 300], etas: OFFSETS, auxes: [0.5, 3, 40] },
  { family: 'gaussian', ys: [-3, 0.2, 5], etas: OFFSETS, auxes: [0.3, 1, 4] },
  { family: 'lognormal', ys: [0.05, 1, 20], etas: OFFSETS, auxes: [0.3, 1, 4] },
];

/** A ModelSpec with one row per grid point and nothing but the outcome (all deviceFamily reads). */
function gridSpec(c: GridCase, ys: Float64Array): ModelSpec {
  const trials = c.family === 'binomial' ? new Float64Array(ys.length).fill(12) : null;
  return {
    formula: 'grid',
    family: c.family,
    link: c.link,
    n: ys.length,
    outcome: 'y',
    y: ys,
    trials,
    logChoose: trials ? logChoose(trials, ys) : null,
    fixed: { names: [], X: new Float64Array(0), interceptColumn: -1, priors: [] },
    groups: [],
    terms: [],
    dim: 0,
  };
}

/** The eta at which row y fits (the link of y; 0 for the binomial families, whose grid is absolute). */
function fitEta(c: GridCase, y: number): number {
  if (c.family === 'bernoulli' || c.family === 'binomial') return 0;
  return c.family === 'gaussian' ? y : Math.log(Math.max(y, 0.5));
}

async function runGrid(device: GPUDevice, c: GridCase): Promise<{ ll: number; dEta: number; dAux: number }> {
  const ys: number[] = [];
  const etas: number[] = [];
  const auxes: number[] = [];
  for (const y of c.ys) {
    for (const a of c.auxes) {
      for (const e of c.etas) {
        ys.push(y);
        auxes.push(a);
        const scale = c.family === 'gaussian' || c.family === 'lognormal' ? a : 1;
        etas.push(Math.fround(fitEta(c, y) + scale * e));
      }
    }
  }
  const spec = gridSpec(c, Float64Array.from(ys));
  const family = deviceFamily(spec);
  const module = familyModule(c.family, c.link);
  const n = ys.length;
  const points = new Float32Array(8 * n);
  const aux = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    aux[0] = auxes[i];
    points[8 * i] = family.rowY[i];
    points[8 * i + 1] = family.splitY ? family.rowY[i] - points[8 * i] : 0;
    points[8 * i + 2] = family.rowExtra ? family.rowExtra[i] : 1;
    points[8 * i + 3] = etas[i];
    family.packChain(aux, points.subarray(8 * i + 4, 8 * i + 8), 0);
  }
  const code = [prologue({ N_POINTS: { u32: n } }), familySource(family.shader), readFileSync(new URL('./family-grid.wgsl', import.meta.url), 'utf8')].join('\n');
  const input = device.createBuffer({ size: points.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, points);
  const bytes = 12 * n;
  const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const error = await device.popErrorScope();
  expect(error?.message ?? null).toBeNull();
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [input, output].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  encoder.copyBufferToBuffer(output, 0, read, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const results = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [input, output, read]) b.destroy();

  const worst = { ll: 0, dEta: 0, dAux: 0 };
  const ll = new Float64Array(1);
  const dAux = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    aux[0] = auxes[i];
    ll[0] = results[3 * i] + (family.rowConstant ? family.rowConstant[i] : 0);
    dAux[0] = results[3 * i + 2];
    family.addChainRowTerms(aux, i, 1, ll, 0, dAux);
    const at = `${c.family}${c.link ? `/${c.link}` : ''} y ${ys[i]} eta ${etas[i]} aux ${auxes[i]}`;
    const err = (v: number, r: number): number => Math.abs(v - r) / Math.max(Math.abs(r), 1);
    const eLl = err(ll[0], module.logLik(spec, i, etas[i], aux));
    const eDEta = err(results[3 * i + 1], module.dEta(spec, i, etas[i], aux));
    expect(eLl, `logLik at ${at}`).toBeLessThan(TOL);
    expect(eDEta, `dEta at ${at}`).toBeLessThan(TOL);
    worst.ll = Math.max(worst.ll, eLl);
    worst.dEta = Math.max(worst.dEta, eDEta);
    if (family.hasAux) {
      const eDAux = err(dAux[0], module.dAux(spec, i, etas[i], aux, 0));
      expect(eDAux, `dAux at ${at}`).toBeLessThan(TOL);
      worst.dAux = Math.max(worst.dAux, eDAux);
    } else {
      expect(results[3 * i + 2]).toBe(0);
    }
  }
  return worst;
}

describe('WGSL family functions on a grid of y, eta and aux, against the TypeScript family modules', () => {
  it('every family and link agrees to 1e-5 (relative, absolute below 1), host constants included', async () => {
    const acquired = await acquireDevice();
    try {
      for (const c of GRID) {
        const worst = await runGrid(acquired.device, c);
        seen.push(
          `webgpu family function ${c.family}${c.link ? `/${c.link}` : ''}: logLik ${worst.ll.toExponential(1)}, dEta ${worst.dEta.toExponential(1)}, dAux ${worst.dAux.toExponential(1)}`,
        );
      }
    } finally {
      acquired.device.destroy();
    }
  });

  it('the per-chain sums over distinct counts equal the per-row host terms summed (negbinomial, counts past 64)', () => {
    const ys = Float64Array.from([0, 3, 3, 70, 1, 200, 70, 3, 64, 65]);
    const spec = gridSpec({ family: 'negbinomial', ys: [], etas: [], auxes: [] }, ys);
    const family = deviceFamily(spec);
    for (const phi of [0.4, 5, 300]) {
      const aux = Float64Array.of(phi);
      const ll = new Float64Array(ys.length);
      const d = new Float64Array(ys.length);
      family.addChainRowTerms(aux, 0, ys.length, ll, 0, d);
      const sums = new Float64Array(2);
      family.chainSums(aux, sums);
      expect(relDiff(sums[0], ll.reduce((a, b) => a + b, 0))).toBeLessThan(1e-14);
      expect(relDiff(sums[1], d.reduce((a, b) => a + b, 0))).toBeLessThan(1e-14);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. the backend against the reference backend

interface ParityCase extends FamilyCase {
  readonly kind: Exclude<SpecKind, 'binomial' | 'manylevels'>;
  readonly label: string;
}

const CASES: readonly ParityCase[] = [
  { label: 'bernoulli logit', family: 'bernoulli', kind: 'hierarchical', intercept: -1 },
  { label: 'bernoulli probit', family: 'bernoulli', link: 'probit', kind: 'crossed', intercept: -0.6 },
  { label: 'binomial logit', family: 'binomial', kind: 'pooled', intercept: -0.5 },
  { label: 'binomial probit', family: 'binomial', link: 'probit', kind: 'hierarchical', intercept: -0.4 },
  { label: 'gaussian', family: 'gaussian', kind: 'crossed', intercept: 0.5, aux: 1.5 },
  { label: 'poisson', family: 'poisson', kind: 'hierarchical', intercept: 1.5 },
  { label: 'poisson, counts ~150', family: 'poisson', kind: 'pooled', intercept: 5 },
  { label: 'negbinomial', family: 'negbinomial', kind: 'crossed', intercept: 1.5, aux: 2 },
  { label: 'negbinomial, counts ~90, shape 8', family: 'negbinomial', kind: 'hierarchical', intercept: 4.5, aux: 8 },
  { label: 'negbinomial, counts ~90, shape 1e4 (near-Poisson)', family: 'negbinomial', kind: 'pooled', intercept: 4.5, aux: 1e4 },
  { label: 'gamma', family: 'gamma', kind: 'hierarchical', intercept: 1, aux: 3 },
  { label: 'lognormal', family: 'lognormal', kind: 'crossed', intercept: 1, aux: 0.7 },
];

function normRelative(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('webgpu backend: parity with the reference backend for every family, 1, 4 and 64 chains', () => {
  CASES.forEach((c, caseIndex) => {
    it(`${c.label} (${c.kind})`, async () => {
      const f = familySpec(c.kind, c, 1200, 40 + caseIndex);
      const { spec } = f;
      const gpu = await createWebGpuBackend(spec, { maxChains: 64, maxDraws: 64 });
      const ref = await createReferenceBackend(spec);
      const d = spec.dim;
      const worst = { logp: 0, grad: 0, aux: 0, auxRel: 0, pointwise: 0 };
      try {
        for (const chains of [1, 4, 64]) {
          const positions = randomFamilyPositions(f, c, chains, 7 * chains + caseIndex);
          const lpG = new Float64Array(chains);
          const lpR = new Float64Array(chains);
          const gG = new Float64Array(chains * d);
          const gR = new Float64Array(chains * d);
          await gpu.logDensityGradient(positions, chains, lpG, gG);
          await ref.logDensityGradient(positions, chains, lpR, gR);
          for (let k = 0; k < chains; k++) {
            expect(Number.isFinite(lpR[k])).toBe(true);
            const g = gG.subarray(k * d, (k + 1) * d);
            const r = gR.subarray(k * d, (k + 1) * d);
            worst.logp = Math.max(worst.logp, relDiff(lpG[k], lpR[k]));
            worst.grad = Math.max(worst.grad, normRelative(g, r));
            for (const a of spec.aux ?? []) {
              const diff = Math.abs(g[a.index] - r[a.index]);
              worst.aux = Math.max(worst.aux, diff / Math.hypot(...r));
              worst.auxRel = Math.max(worst.auxRel, diff / Math.abs(r[a.index]));
            }
          }
          // pointwise: a block of rows off the tile edges, at up to 64 draws
          const rowStart = 101;
          const rowCount = spec.n - rowStart - 7;
          const pwG = new Float64Array(chains * rowCount);
          const pwR = new Float64Array(chains * rowCount);
          await gpu.pointwiseLogLik(positions, chains, rowStart, rowCount, pwG);
          await ref.pointwiseLogLik(positions, chains, rowStart, rowCount, pwR);
          const floor = c.family === 'gaussian' || c.family === 'gamma' || c.family === 'lognormal' ? 1 : 1e-6;
          worst.pointwise = Math.max(worst.pointwise, pwG.reduce((m, v, k) => Math.max(m, relDiff(v, pwR[k], floor)), 0));
        }
      } finally {
        await gpu.dispose();
      }
      seen.push(
        `webgpu parity ${c.label}: logp ${worst.logp.toExponential(1)}, gradient ${worst.grad.toExponential(1)}, aux ${worst.aux.toExponential(1)} (aux rel ${worst.auxRel.toExponential(1)}), pointwise ${worst.pointwise.toExponential(1)}`,
      );
      expect(worst.logp).toBeLessThan(TOL);
      expect(worst.grad).toBeLessThan(TOL);
      expect(worst.aux).toBeLessThan(TOL);
      expect(worst.pointwise).toBeLessThan(TOL);
    });
  });
});
