/**
 * The WebGPU backend against the reference backend (src/backend/reference.ts, the float64 TypeScript oracle).
 * Runs on whatever adapter acquireDevice finds: in CI and on machines without a GPU that is Dawn's OpenGL backend on
 * Mesa llvmpipe. The device computes in f32, so agreement is measured as
 *   logp:      |lp − lp_ref| / |lp_ref|                          (max over chains)
 *   gradient:  ‖g − g_ref‖₂ / ‖g_ref‖₂ per chain (norm-relative, since single coordinates can be near zero)
 *   pointwise: |l − l_ref| / max(|l_ref|, 1e-6)                   (max over draws and rows)
 * and must stay below 1e-5 (issue 7), also on the real Hillstrom data at Stan posterior draws.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { createWebGpuBackend } from '../../src/backend/webgpu/backend.js';
import { acquireDevice, listAdapters } from '../../src/backend/webgpu/device.js';
import { main } from '../../src/cli/main.js';
import { BackendUnavailableError } from '../../src/backend/webgpu/errors.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom } from '../../src/data/hillstrom.js';
import { buildModel } from '../../src/model/build.js';
import { centeredSpec } from '../../src/backend/split-terms.js';
import { unconstrainedNames } from '../../src/model/layout.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';
import { randomPositions, randomSpec, relDiff, type SpecKind } from '../helpers/specs.js';

const TOL = 1e-5;

interface Errors {
  logp: number;
  grad: number;
  pointwise: number;
}

const seen: Record<string, Errors> = {};
afterAll(() => {
  // the measured agreement, for the record (visible in the test output)
  for (const [what, e] of Object.entries(seen)) {
    console.log(
      `webgpu parity ${what}: logp ${e.logp.toExponential(1)}, gradient ${e.grad.toExponential(1)}, pointwise ${e.pointwise.toExponential(1)}`,
    );
  }
});

function normRelative(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Compares webgpu with reference at `positions` (nChains × dim), including a pointwise block that starts and ends off
 * the tile edges (and spans several of the backend's 16 MiB row chunks on the 100,000-level model).
 */
async function parity(
  spec: ModelSpec,
  nChains: number,
  positions: Float64Array,
  gpuOptions: { maxChains?: number; maxDraws?: number; workgroupBytes?: number; workgroupSize?: number; rowsPerThread?: number } = {},
  pointwiseDraws = Math.min(nChains, 3),
): Promise<Errors> {
  const gpu = await createWebGpuBackend(spec, { maxChains: nChains, ...gpuOptions });
  const ref = await createReferenceBackend(spec);
  try {
    const d = spec.dim;
    const lpG = new Float64Array(nChains);
    const lpR = new Float64Array(nChains);
    const gG = new Float64Array(nChains * d);
    const gR = new Float64Array(nChains * d);
    await gpu.logDensityGradient(positions, nChains, lpG, gG);
    await ref.logDensityGradient(positions, nChains, lpR, gR);
    let logp = 0;
    let grad = 0;
    for (let c = 0; c < nChains; c++) {
      expect(Number.isFinite(lpR[c])).toBe(true);
      logp = Math.max(logp, relDiff(lpG[c], lpR[c]));
      grad = Math.max(grad, normRelative(gG.subarray(c * d, (c + 1) * d), gR.subarray(c * d, (c + 1) * d)));
    }
    const rowStart = Math.floor(spec.n / 3) + 1;
    const rowCount = spec.n - rowStart - 3;
    const pwG = new Float64Array(pointwiseDraws * rowCount);
    const pwR = new Float64Array(pointwiseDraws * rowCount);
    await gpu.pointwiseLogLik(positions, pointwiseDraws, rowStart, rowCount, pwG);
    await ref.pointwiseLogLik(positions, pointwiseDraws, rowStart, rowCount, pwR);
    const pointwise = pwG.reduce((m, v, k) => Math.max(m, relDiff(v, pwR[k], 1e-6)), 0);
    return { logp, grad, pointwise };
  } finally {
    await gpu.dispose();
  }
}

function expectWithin(what: string, e: Errors): void {
  seen[what] = e;
  expect(e.logp).toBeLessThan(TOL);
  expect(e.grad).toBeLessThan(TOL);
  expect(e.pointwise).toBeLessThan(TOL);
}

describe('webgpu backend: parity with the reference backend on random specs', () => {
  const kinds: SpecKind[] = ['pooled', 'hierarchical', 'crossed', 'binomial'];
  for (const kind of kinds) {
    for (const chains of [1, 4]) {
      it(`${kind}, ${chains} chain(s)`, async () => {
        const spec = randomSpec(kind, { n: 3000, seed: 3 });
        expectWithin(`${kind} × ${chains}`, await parity(spec, chains, randomPositions(spec, chains, 20 + chains)));
      });
    }
  }

  it('hierarchical, 256 chains in one call', async () => {
    const spec = randomSpec('hierarchical', { n: 2000, seed: 5 });
    expectWithin('hierarchical × 256', await parity(spec, 256, randomPositions(spec, 256, 9)));
  });

  it('crossed, 7 chains in batches of 3, pointwise draws in batches of 2', async () => {
    const spec = randomSpec('crossed', { n: 1500, seed: 8 });
    expectWithin('crossed × 7 batched', await parity(spec, 7, randomPositions(spec, 7, 4), { maxChains: 3, maxDraws: 2 }, 5));
  });

  // the adapter picks the layout (software adapters: many rows per invocation); check the others on any adapter
  for (const [workgroupSize, rowsPerThread] of [[256, 4], [256, 1], [128, 1], [32, 7]]) {
    it(`crossed, 4 chains, ${workgroupSize} invocations × ${rowsPerThread} row(s) per workgroup`, async () => {
      const spec = randomSpec('crossed', { n: 2500, seed: 11 });
      const e = await parity(spec, 4, randomPositions(spec, 4, 13), { workgroupSize, rowsPerThread });
      expectWithin(`crossed × 4, ${workgroupSize}×${rowsPerThread}`, e);
    });
  }

  it('crossed, fixed-effect reduction one vec4 chunk per pass (workgroup memory for a single chunk)', async () => {
    const spec = randomSpec('crossed', { n: 1500, seed: 9 });
    expectWithin('crossed × 3, chunk per pass', await parity(spec, 3, randomPositions(spec, 3, 5), { workgroupBytes: 0 }));
  });

  it('100,000-level intercept (200,000 rows), 2 chains', async () => {
    const spec = randomSpec('manylevels', { seed: 2 });
    expect(spec.groups[0].levels.length).toBe(100_000);
    expectWithin('manylevels × 2', await parity(spec, 2, randomPositions(spec, 2, 6)));
  });
});

describe('webgpu backend: call semantics', () => {
  it('evaluates only active chains and leaves the others untouched', async () => {
    const spec = randomSpec('crossed', { n: 1000, seed: 4 });
    const C = 5;
    const d = spec.dim;
    const positions = randomPositions(spec, C, 12);
    const active = Uint8Array.from([1, 0, 1, 0, 1]);
    const gpu = await createWebGpuBackend(spec, { maxChains: C });
    const ref = await createReferenceBackend(spec);
    try {
      const lpG = new Float64Array(C).fill(123);
      const gG = new Float64Array(C * d).fill(456);
      const lpR = new Float64Array(C);
      const gR = new Float64Array(C * d);
      await gpu.logDensityGradient(positions, C, lpG, gG, active);
      await ref.logDensityGradient(positions, C, lpR, gR);
      for (let c = 0; c < C; c++) {
        const g = gG.subarray(c * d, (c + 1) * d);
        if (active[c]) {
          expect(relDiff(lpG[c], lpR[c])).toBeLessThan(TOL);
          expect(normRelative(g, gR.subarray(c * d, (c + 1) * d))).toBeLessThan(TOL);
        } else {
          expect(lpG[c]).toBe(123);
          expect(g.every((v) => v === 456)).toBe(true);
        }
      }
    } finally {
      await gpu.dispose();
    }
  });

  it('reports a non-finite log density as -Infinity and keeps other chains right', async () => {
    const spec = randomSpec('hierarchical', { n: 500, seed: 6 });
    const positions = randomPositions(spec, 2, 3);
    positions[spec.dim + 1] = Number.NaN;
    const gpu: Backend = await createWebGpuBackend(spec, { maxChains: 2 });
    const ref = await createReferenceBackend(spec);
    try {
      const lp = new Float64Array(2);
      const lpR = new Float64Array(2);
      await gpu.logDensityGradient(positions, 2, lp, new Float64Array(2 * spec.dim));
      await ref.logDensityGradient(positions, 2, lpR, new Float64Array(2 * spec.dim));
      expect(relDiff(lp[0], lpR[0])).toBeLessThan(TOL);
      expect(lp[1]).toBe(-Infinity);
    } finally {
      await gpu.dispose();
    }
  });

  it('gives the same answer when calls overlap (they are queued)', async () => {
    const spec = randomSpec('hierarchical', { n: 800, seed: 7 });
    const a = randomPositions(spec, 2, 1);
    const b = randomPositions(spec, 2, 2);
    const gpu = await createWebGpuBackend(spec, { maxChains: 2 });
    try {
      const lpA = new Float64Array(2);
      const lpB = new Float64Array(2);
      const lpA2 = new Float64Array(2);
      const g = () => new Float64Array(2 * spec.dim);
      await Promise.all([gpu.logDensityGradient(a, 2, lpA, g()), gpu.logDensityGradient(b, 2, lpB, g())]);
      await gpu.logDensityGradient(a, 2, lpA2, g());
      expect(lpA).toEqual(lpA2);
      expect(lpA[0]).not.toBe(lpB[0]);
    } finally {
      await gpu.dispose();
    }
  });

  it('picks an adapter by any part of the name `nutmeg devices` lists', async () => {
    const adapters = await listAdapters();
    expect(adapters.length).toBeGreaterThan(0);
    const name = adapters[0].name;
    const acquired = await acquireDevice({ adapter: name.slice(0, Math.max(4, Math.floor(name.length / 2))).toUpperCase() });
    try {
      expect(acquired.adapterName).toBe(name);
    } finally {
      acquired.device.destroy();
    }
  });

  it('`nutmeg devices --json` lists the adapters', async () => {
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await main(['node', 'nutmeg', 'devices', '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const listed = JSON.parse(out) as { name: string; backend: string }[];
    expect(listed.map((a) => a.name)).toEqual((await listAdapters()).map((a) => a.name));
  });

  it('fails with BackendUnavailableError when no adapter matches the requested name', async () => {
    const spec = randomSpec('pooled', { n: 100 });
    await expect(createWebGpuBackend(spec, { adapter: 'no-such-adapter-xyzzy' })).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});

/** Stan's constrained values (golden/stan, names per its README) → nutmeg's unconstrained position for `spec`. */
function stanPosition(spec: ModelSpec, header: string[], row: number[]): Float64Array {
  const v = (name: string): number => {
    const k = header.indexOf(`"${name}"`);
    if (k < 0) throw new Error(`no ${name} in the Stan draws`);
    return row[k];
  };
  const fixed: Record<string, string> = {
    b_Intercept: 'alpha',
    b_treatment: 'mu_t',
    b_recency_z: 'beta[1]',
    b_history_z: 'beta[2]',
    b_mens: 'beta[3]',
    b_womens: 'beta[4]',
    b_newbie: 'beta[5]',
  };
  const sd: Record<string, string> = {
    history_segment__treatment: 'sigma_t',
    zip_code__Intercept: 'sigma_zip',
    channel__Intercept: 'sigma_ch',
  };
  const effect = (label: string, k: number): number => {
    if (label === 'history_segment__treatment') return v(`beta_t_group[${k}]`) - v('mu_t');
    return v(`${label === 'zip_code__Intercept' ? 'a_zip' : 'a_ch'}[${k}]`);
  };
  return Float64Array.from(unconstrainedNames(spec), (name) => {
    if (name in fixed) return v(fixed[name]);
    if (name.startsWith('sd_')) return Math.log(v(sd[name.slice(3)]));
    const m = /^([zr])_(.+)\[(\d+)\]$/.exec(name);
    if (!m) throw new Error(`unexpected parameter ${name}`);
    const r = effect(m[2], Number(m[3]));
    return m[1] === 'z' ? r / v(sd[m[2]]) : r;
  });
}

const hillstrom = hillstromPathOrNotice('webgpu parity on the real Hillstrom data');
describe.skipIf(hillstrom === null)('webgpu backend: parity on the real Hillstrom data (64,000 rows)', () => {
  const frame = hillstrom === null ? null : loadHillstrom(hillstrom);
  for (const [model, draws] of [
    ['hierarchical', 'hierarchical'],
    ['crossed', 'crossed_centered'],
  ] as const) {
    it(`${model} model at 8 Stan posterior draws`, async () => {
      // Stan's draws are in the centered layout; the kernels see split terms as centered (src/backend/split-terms.ts)
      const spec = centeredSpec(buildModel(frame!, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model] }).spec);
      const lines = readFileSync(new URL(`../fixtures/webgpu/${draws}.draws8.csv`, import.meta.url), 'utf8').trim().split('\n');
      const header = lines[0].split(',');
      const rows = lines.slice(1).map((l) => l.split(',').map(Number));
      const positions = new Float64Array(rows.length * spec.dim);
      rows.forEach((row, c) => positions.set(stanPosition(spec, header, row), c * spec.dim));
      expectWithin(`Hillstrom ${model} × 8`, await parity(spec, rows.length, positions));
    });
  }
});
