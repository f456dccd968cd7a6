/**
 * The model report (`nutmeg fit --report`, `nutmeg report`) of a simulated run with a 100,000-level varying
 * intercept, kept small in draws (2 chains × 4): the "Effects by group" section plots and tabulates the 10 lowest and
 * 10 highest levels, not 100,000, says so and where every level is, and the written page stays small. The draws are
 * built so the extremes are known: level k's effect is (k − K/2)/K plus a per-draw wiggle that averages to zero, so
 * the lowest means are levels 0…9 and the highest K−10…K−1 (level names L<k>). A varying slope whose covariate is a
 * fixed effect is plotted as b + r: checked on a small term, every level shown, mean of b + r exact.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectsSection } from '../../src/report/model-report.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import type { DrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { writeReport } from '../../src/report/html.js';

const K = 100_000;
const H = 5;
const C = 2;
const D = 4;

function model() {
  const n = K;
  const y = Float64Array.from({ length: n }, (_, i) => ((i * 7) % 10 < 3 ? 1 : 0));
  const x = Float64Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 50 - 1);
  const g = Uint32Array.from({ length: n }, (_, i) => i % K);
  const h = Uint32Array.from({ length: n }, (_, i) => i % H);
  const frame = frameFromColumns(
    [
      numericColumn('y', y),
      numericColumn('x', x),
      categoricalColumn('g', g, Array.from({ length: K }, (_, k) => `L${k}`)),
      categoricalColumn('h', h, Array.from({ length: H }, (_, k) => `H${k}`)),
    ],
    'many levels',
  );
  return buildModel(frame, 'y ~ x + (1 | g) + (0 + x | h)', { parameterization: { g: 'centered', h: 'centered' } }).spec;
}

/** Draw (c, d) of every variable: r_g[k] = (k − K/2)/K ± 0.001, r_h[k] = k, b_x = 10 + (c·D + d); others 0. */
function draws(names: readonly string[]): DrawSet {
  const S = C * D;
  const values = new Float64Array(names.length * S);
  names.forEach((n, v) => {
    const g = /^r_g__Intercept\[(\d+)\]$/.exec(n);
    const h = /^r_h__x\[(\d+)\]$/.exec(n);
    for (let s = 0; s < S; s++) {
      const wiggle = s % 2 === 0 ? 0.001 : -0.001;
      values[v * S + s] = g ? (Number(g[1]) - 1 - K / 2) / K + wiggle : h ? Number(h[1]) - 1 : n === 'b_x' ? 10 + s : 0;
    }
  });
  return { names, nChains: C, nDraws: D, values };
}

describe('model report of a 100,000-level run', () => {
  it('shows the extreme levels only, says where every level is, and writes a small page', async () => {
    const spec = model();
    const section = effectsSection({ spec, draws: draws(constrainedNames(spec)), effectsWhere: 'nutmeg summary runs/big' });
    expect(section).not.toBeNull();
    const { tables, plots, text } = section!;
    expect(text).toContain('every level: nutmeg summary runs/big --vars r_g__Intercept');
    expect(text).not.toContain('r_h__x');
    expect(tables).toHaveLength(1);
    expect(tables[0].caption).toBe('Intercept by g (group effects r): the 10 lowest and highest of 100,000 levels');
    const levels = tables[0].rows.map((r) => r[0]);
    expect(levels).toEqual([...Array.from({ length: 10 }, (_, k) => `L${k}`), ...Array.from({ length: 10 }, (_, k) => `L${K - 10 + k}`)]);
    expect(tables[0].rows[0][1]).toBeCloseTo(-0.5, 12);
    expect(plots).toHaveLength(2);
    // the slope by h is b_x + r_h[k]: means 10 + (C·D − 1)/2 + k, every one of the 5 levels plotted
    const slope = JSON.stringify(plots?.[1]);
    expect(slope).toContain('Effect of x by h (b + r)');
    for (let k = 0; k < H; k++) expect(slope).toContain(`"label":"H${k}","mean":${10 + (C * D - 1) / 2 + k}`);

    const path = join(mkdtempSync(join(tmpdir(), 'nutmeg-levels-report-')), 'report.html');
    await writeReport(path, [section!], { title: 'many levels' });
    const html = readFileSync(path, 'utf8');
    expect(new Set(html.match(/>L\d+</g)).size).toBe(20);
    expect(html.length).toBeLessThan(500_000);
  }, 60_000);
});
