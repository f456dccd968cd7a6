/**
 * Diagonal vs low-rank (`--metric lowrank`) vs dense metric on two standard harder posteriors, in gradient counts
 * (independent of machine load): gradients per min bulk-ESS (all gradients of the fit, warm-up included, and those
 * after warm-up only), gradients per draw, divergences, largest R-hat.
 *
 * - gauss: a 50-d Gaussian, covariance Q diag(λ) Qᵀ with λ log-spaced over 10⁻² … 10² (condition number 10⁴) and Q a
 *   random rotation (seeded);
 * - hier100: a 100-d non-centered hierarchical normal model, 98 groups with one summary observation each,
 *   y_j ~ N(μ + τ z_j, 0.5), μ ~ N(0, 5), τ ~ HalfNormal(2) (sampled as log τ), z_j ~ N(0, 1); y simulated with
 *   μ = 1, τ = 2 — the data pin every group down, so the posterior has no funnel.
 *
 *   npx tsx bench/metric-lowrank.ts [--targets gauss,hier100] [--metrics diag,lowrank,dense] [--seeds 1,2]
 *                                   [--adapt default,stan,fisher (default: sample()'s, fisher except for lowrank)]
 *
 * Prints one JSON line per fit.
 */
import { parseArgs } from 'node:util';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { rhat } from '../src/diagnostics/rhat.js';
import { makeDrawSet } from '../src/draws.js';
import { Rng } from '../src/rng.js';
import type { AdaptScheme } from '../src/sampler/adaptation/warmup.js';
import type { MetricKind } from '../src/sampler/metric.js';
import type { LogDensityTarget } from '../src/sampler/nuts.js';
import { sample } from '../src/sampler/run.js';
import { list, sum } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    targets: { type: 'string', default: 'gauss,hier100' },
    metrics: { type: 'string', default: 'diag,lowrank,dense' },
    seeds: { type: 'string', default: '1,2' },
    adapt: { type: 'string', default: 'default' },
  },
});

function gaussian(): LogDensityTarget {
  const d = 50;
  const rng = new Rng(2024);
  // random rotation: Gram–Schmidt of a Gaussian matrix
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) q[j * d + i] = rng.normal();
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[k * d + i] * q[j * d + i];
      for (let i = 0; i < d; i++) q[j * d + i] -= dot * q[k * d + i];
    }
    const n = Math.hypot(...q.subarray(j * d, (j + 1) * d));
    for (let i = 0; i < d; i++) q[j * d + i] /= n;
  }
  const precision = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const inv = 1 / 10 ** (-2 + (4 * k) / (d - 1));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) precision[i * d + j] += inv * q[k * d + i] * q[k * d + j];
  }
  return {
    dim: d,
    async logDensityGradient(x, n, logp, grad, active) {
      for (let c = 0; c < n; c++) {
        if (active && !active[c]) continue;
        let lp = 0;
        for (let i = 0; i < d; i++) {
          let row = 0;
          for (let j = 0; j < d; j++) row += precision[i * d + j] * x[c * d + j];
          grad[c * d + i] = -row;
          lp -= 0.5 * x[c * d + i] * row;
        }
        logp[c] = lp;
      }
    },
  };
}

function hierarchical(): LogDensityTarget {
  const J = 98;
  const d = J + 2;
  const sigma = 0.5;
  const rng = new Rng(99);
  const y = Float64Array.from({ length: J }, () => 1 + 2 * rng.normal() + sigma * rng.normal());
  return {
    dim: d,
    async logDensityGradient(x, n, logp, grad, active) {
      for (let c = 0; c < n; c++) {
        if (active && !active[c]) continue;
        const o = c * d;
        const mu = x[o];
        const logTau = x[o + 1];
        const tau = Math.exp(logTau);
        // priors: μ ~ N(0, 5); τ ~ HalfNormal(2) with the log-Jacobian log τ
        let lp = -0.5 * (mu / 5) ** 2 - 0.5 * (tau / 2) ** 2 + logTau;
        let gMu = -mu / 25;
        let gLogTau = -(tau * tau) / 4 + 1;
        for (let j = 0; j < J; j++) {
          const z = x[o + 2 + j];
          const r = (y[j] - mu - tau * z) / sigma;
          lp += -0.5 * z * z - 0.5 * r * r;
          const dr = r / sigma; // d/dθ of −½ r² where θ = μ + τ z
          gMu += dr;
          gLogTau += dr * tau * z;
          grad[o + 2 + j] = -z + dr * tau;
        }
        grad[o] = gMu;
        grad[o + 1] = gLogTau;
        logp[c] = Number.isFinite(lp) ? lp : -Infinity;
      }
    },
  };
}

const targets: Record<string, () => LogDensityTarget> = { gauss: gaussian, hier100: hierarchical };

for (const name of list(a.targets)) {
  const target = targets[name]();
  for (const seed of list(a.seeds).map(Number)) {
    for (const [metric, adapt] of (list(a.metrics) as MetricKind[]).flatMap((m) => list(a.adapt).map((d) => [m, d] as const))) {
      if (adapt === 'fisher' && metric === 'lowrank') continue; // the low-rank estimate lives in Stan's windows
      const t0 = performance.now();
      const r = await sample(target, { chains: 4, warmup: 1000, draws: 1000, seed, metric, ...(adapt === 'default' ? {} : { adapt: adapt as AdaptScheme }) });
      const wall = (performance.now() - t0) / 1000;
      const names = Array.from({ length: r.dim }, (_, i) => `x${i}`);
      const ds = makeDrawSet(names, r.nChains, r.nDraws);
      for (let c = 0; c < r.nChains; c++) {
        for (let s = 0; s < r.nDraws; s++) for (let i = 0; i < r.dim; i++) ds.values[(i * r.nChains + c) * r.nDraws + s] = r.draws[c][s * r.dim + i];
      }
      let minEss = Infinity;
      let maxRhat = 0;
      for (let v = 0; v < r.dim; v++) {
        const x = variableChains(ds, v);
        minEss = Math.min(minEss, essBulk(x) ?? Infinity);
        maxRhat = Math.max(maxRhat, rhat(x) ?? Infinity);
      }
      const total = sum(r.gradientEvaluations);
      const sampling = sum(r.samplingGradientEvaluations);
      console.log(JSON.stringify({
        target: name, metric, adapt: r.settings.adapt, seed, minEss: Math.round(minEss), maxRhat: Number(maxRhat.toFixed(3)),
        gradientsPerEss: Number((total / minEss).toFixed(1)), samplingGradientsPerEss: Number((sampling / minEss).toFixed(1)),
        warmupGradients: total - sampling, perDraw: Number((sampling / (r.nChains * r.nDraws)).toFixed(1)),
        divergences: sum(r.divergences), wallSeconds: Number(wall.toFixed(1)),
      }));
    }
  }
}
