/** Small frames and fit measures shared by the fit tests. */
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import type { Column, Frame } from '../../src/data/frame.js';
import type { Fit } from '../../src/fit/fit.js';
import { Rng } from '../../src/rng.js';

/** n rows: y ~ Bernoulli(logit⁻¹(−1 + 0.3 a + 0.2 b + 0.5 x)), a + b = 1 on 99% of rows, group g with 4 levels. */
export function correlatedFrame(n: number, extraColumns = 0) {
  const rng = new Rng(3, 0);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const g = new Uint32Array(n);
  const extra = Array.from({ length: extraColumns }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    a[i] = rng.uniform() < 0.5 ? 1 : 0;
    b[i] = rng.uniform() < 0.99 ? 1 - a[i] : a[i];
    x[i] = rng.normal();
    g[i] = i % 4;
    for (const e of extra) e[i] = rng.normal();
    const eta = -1 + 0.3 * a[i] + 0.2 * b[i] + 0.5 * x[i];
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return frameFromColumns(
    [
      numericColumn('y', y),
      numericColumn('a', a),
      numericColumn('b', b),
      numericColumn('x', x),
      categoricalColumn('g', g, ['g1', 'g2', 'g3', 'g4']),
      ...extra.map((e, k) => numericColumn(`e${k}`, e)),
    ],
    'correlated test frame',
  );
}

/** Gradient evaluations per post-warm-up draw, over all chains. */
export function gradientsPerDraw(fit: Fit): number {
  return fit.sample.samplingGradientEvaluations.reduce((s, g) => s + g, 0) / (fit.sample.nChains * fit.sample.samplingDone);
}

/** A numeric column from plain numbers. */
export function num(name: string, values: number[]): Column {
  return numericColumn(name, Float64Array.from(values));
}

/** A categorical column from level names (levels sorted unless given). */
export function cat(name: string, values: string[], levels = [...new Set(values)].sort()): Column {
  return categoricalColumn(name, Uint32Array.from(values, (v) => levels.indexOf(v)), levels);
}

/** A frame of the given columns, named "test frame" in messages. */
export function frame(...columns: Column[]): Frame {
  return frameFromColumns(columns, 'test frame');
}

/** n rows: x numeric, s with S levels, c with 3, g with 5; y ~ Bernoulli(logit⁻¹(−0.5 + 0.4x + a_s + 0.3c + 0.2x·s)). */
export function levelsFrame(n: number, S: number, seed = 4): Frame {
  const rng = new Rng(seed, 0);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const s = new Uint32Array(n);
  const c = new Uint32Array(n);
  const g = new Uint32Array(n);
  const a = Float64Array.from({ length: S }, () => 0.5 * rng.normal());
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    // every level of s present at least once
    s[i] = i < S ? i : Math.floor(rng.uniform() * S);
    c[i] = Math.floor(rng.uniform() * 3);
    g[i] = i % 5;
    const eta = -0.5 + 0.4 * x[i] + a[s[i]] + 0.3 * c[i] + 0.2 * x[i] * (s[i] % 3);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const pad = String(S).length;
  return frameFromColumns(
    [
      numericColumn('y', y),
      numericColumn('x', x),
      categoricalColumn('s', s, Array.from({ length: S }, (_, k) => `L${String(k).padStart(pad, '0')}`)),
      categoricalColumn('c', c, ['red', 'green', 'blue']),
      categoricalColumn('g', g, ['g1', 'g2', 'g3', 'g4', 'g5']),
    ],
    'levels test frame',
  );
}
