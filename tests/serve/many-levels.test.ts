/**
 * A served run with a 1,200-level grouping factor (issue 16 item 5): GET /report plots (and tabulates) the 10
 * lowest and 10 highest levels of the term (not 1,200) and says where every level is; GET /model gives the factor's level count,
 * not its 1,200 names. The selection itself is tested in tests/report/summary-condense.test.ts (extremeIndices).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { readCsv } from '../../src/data/csv.js';
import { fitModel } from '../../src/fit/fit.js';
import { effectsMeta, loadRun, runMeta, writeRun } from '../../src/io/run-dir.js';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { isPerLevelName } from '../../src/io/variable-names.js';
import { FOREST_MAX_LEVELS, forestLevels } from '../../src/report/effect-forest.js';
import { MODEL_LEVELS_LISTED } from '../../src/serve/model-info.js';
import { buildServer } from '../../src/serve/server.js';

const LEVELS = 1200;
let root = '';

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nutmeg-serve-levels-'));
  let text = 'y,x,g\n';
  for (let i = 0; i < 2 * LEVELS; i++) text += `${(i * 7) % 10 < 3 ? 1 : 0},${(((i * 37) % 101) / 50 - 1).toFixed(2)},L${i % LEVELS}\n`;
  const csv = path.join(root, 'data.csv');
  writeFileSync(csv, text);
  const frame = readCsv(csv);
  const fit = await fitModel(frame, 'y ~ x + (1 | g)', {
    backend: loadNativeAddon() ? 'native' : 'reference', chains: 1, warmup: 20, draws: 20, seed: 1, maxTreeDepth: 3,
  });
  try {
    const meta = runMeta(fit, { source: csv, seed: null, rows: frame.nRows }, 'test');
    writeRun(path.join(root, 'run'), fit, meta);
    // the same fit saved as --save-effects summary writes it: the effects' draws in effects-draws.bin
    const effects = summarizeDraws(fit.draws).rows.filter((r) => isPerLevelName(r.variable));
    writeRun(path.join(root, 'run-summary'), fit, { ...meta, ...effectsMeta('summary', effects, 0.94, fit.draws.names) }, { effects });
  } finally {
    await fit.dispose();
  }
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('serving a run with 1,200 levels', () => {
  it('caps the forest plot at the extreme levels and /model at a level count', async () => {
    expect(LEVELS).toBeGreaterThan(MODEL_LEVELS_LISTED);
    const app = buildServer(loadRun(path.join(root, 'run')), { looBackend: 'reference' });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const info = (await (await fetch(`${url}/model`)).json()) as { inputs: { name: string; levels?: string[]; n_levels?: number }[] };
      expect(info.inputs.find((i) => i.name === 'g')).toEqual({ name: 'g', kind: 'group', n_levels: LEVELS });
      const html = await (await fetch(`${url}/report`)).text();
      expect(html).toContain('<caption>Intercept by g (group effects r): the 10 lowest and highest of 1,200 levels</caption>');
      expect(html).toContain('<th scope="col">level</th><th scope="col">mean</th><th scope="col">q10</th><th scope="col">q90</th>');
      expect(html).toMatch(/every level: nutmeg summary .*run --vars r_g__Intercept/);
      // level names appear as axis labels and table cells: 20 distinct ones, not 1,200
      const labels = new Set(html.match(/>L\d+</g));
      expect(labels.size).toBe(20);
      expect(html.length).toBeLessThan(2_000_000);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('serves a run saved with --save-effects summary as the same run saved whole', async () => {
    const whole = loadRun(path.join(root, 'run'));
    const compact = loadRun(path.join(root, 'run-summary'));
    expect(compact.meta.saveEffects).toBe('summary');
    expect([...compact.draws.names].sort()).toEqual([...whole.draws.names].sort());
    const app = buildServer(compact, { looBackend: 'reference' });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const html = await (await fetch(`${url}/report`)).text();
      expect(new Set(html.match(/>L\d+</g)).size).toBe(20);
      const body = { rows: [{ x: 0.5, g: 'L7' }, { x: -1, g: 'L1199' }] };
      const res = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      const wholeApp = buildServer(whole, { looBackend: 'reference' });
      const wholeUrl = await wholeApp.listen({ port: 0, host: '127.0.0.1' });
      try {
        const ref = await fetch(`${wholeUrl}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const a = (await res.json()) as { rows: { p?: number }[] };
        const b = (await ref.json()) as { rows: { p?: number }[] };
        expect(JSON.stringify(a).length).toBeGreaterThan(20);
        const num = (o: unknown): number[] => JSON.stringify(o).match(/-?\d+\.\d+(e-?\d+)?/g)!.map(Number);
        const [x, y] = [num(a), num(b)];
        expect(x.length).toBe(y.length);
        x.forEach((v, i) => expect(Math.abs(v - y[i])).toBeLessThanOrEqual(1e-5 * Math.abs(y[i]) + 1e-9));
      } finally {
        await wholeApp.close();
      }
    } finally {
      await app.close();
    }
  }, 120_000);

  it('plots every level of a term up to the limit, in level order', () => {
    expect(forestLevels([3, 1, 2])).toEqual([0, 1, 2]);
    const many = Array.from({ length: FOREST_MAX_LEVELS + 1 }, (_, k) => k % 2 === 0 ? k : -k);
    const chosen = forestLevels(many);
    expect(chosen.length).toBe(20);
    expect(chosen.map((k) => many[k])).toEqual([...chosen.map((k) => many[k])].sort((a, b) => a - b));
  });
});
