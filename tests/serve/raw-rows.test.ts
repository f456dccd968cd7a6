/**
 * Scoring raw Hillstrom rows is exact and independent of the batch (issue 14, item 9): runs written by
 * `nutmeg analyze hillstrom --out` (simulated data) and by a plain `nutmeg fit --data FILE --out` on a file with the
 * Hillstrom schema are scored from the original columns only (recency, history, mens, womens, newbie, zip_code,
 * channel, history_segment) — POST /score answers 200, and a row gets the same numbers, to the last bit, alone and
 * inside a request or a file of 10,000 rows, through the API and `nutmeg score` alike.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { runNutmeg } from '../helpers/cli.js';
import { writeCsv } from '../../src/data/csv-write.js';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { HILLSTROM_FORMULAS } from '../../src/data/hillstrom.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { loadRun } from '../../src/io/run-dir.js';
import { buildServer } from '../../src/serve/server.js';

const RAW = ['recency', 'history', 'mens', 'womens', 'newbie', 'zip_code', 'channel', 'history_segment'];
const BATCH = 10_000;
const PICKED = [0, 1234, 9999];
const BACKEND = loadNativeAddon() ? 'native' : 'reference';
const TINY = ['--chains', '1', '--warmup', '60', '--draws', '60', '--backend', BACKEND, '--quiet'];
const FIELDS = ['p_convert_treated', 'p_convert_control', 'uplift_mean', 'uplift_p10', 'uplift_p90', 'prob_uplift_positive', 'action'];

/** Row i as a JSON customer: an id and the raw columns only. */
function rawRow(frame: Frame, i: number): Record<string, string | number> {
  const row: Record<string, string | number> = { id: `customer-${i + 1}` };
  for (const name of RAW) {
    const c = frame.columns.get(name);
    if (!c) throw new Error(name);
    row[name] = c.kind === 'categorical' ? c.levels[c.codes[i]] : c.values[i];
  }
  return row;
}

/** The rows as CSV with a customer id column. */
function csvOf(rows: readonly Record<string, string | number>[]): string {
  const quote = (v: string | number): string => (typeof v === 'string' && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  const names = ['id', ...RAW];
  return [names.join(','), ...rows.map((r) => names.map((n) => quote(r[n])).join(','))].join('\n') + '\n';
}

/** The ranked list written by `nutmeg score --out`, as rows keyed by customer id. */
function rankedById(file: string): Map<string, Record<string, string | number>> {
  const frame = readCsv(file);
  const out = new Map<string, Record<string, string | number>>();
  for (let i = 0; i < frame.nRows; i++) {
    const row: Record<string, string | number> = {};
    for (const [name, c] of frame.columns) row[name] = c.kind === 'categorical' ? c.levels[c.codes[i]] : c.values[i];
    out.set(String(row.id), row);
  }
  return out;
}

describe('scoring raw Hillstrom rows', () => {
  let dir = '';
  const customers = simulateHillstrom({ seed: 21, n: BATCH }).frame;
  const rows = Array.from({ length: BATCH }, (_, i) => rawRow(customers, i));
  let batchCsv = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-raw-rows-'));
    const analysis = await runNutmeg(['analyze', 'hillstrom', '--rows', '1000', '--seed', '3', '--out', path.join(dir, 'analysis'), ...TINY]);
    expect(analysis.err).toBe('');
    expect(analysis.code).toBe(0);
    // a file with the Hillstrom schema and no derived columns: nutmeg fit adds treatment, recency_z, history_z
    const train = path.join(dir, 'train.csv');
    writeCsv(simulateHillstrom({ seed: 5, n: 1000 }).frame, train);
    expect(readFileSync(train, 'utf8').split('\n')[0]).not.toContain('recency_z');
    const fit = await runNutmeg(['fit', '--data', train, '--formula', HILLSTROM_FORMULAS.hierarchical, '--out', path.join(dir, 'fit'), ...TINY]);
    expect(fit.code).toBe(0);
    batchCsv = path.join(dir, 'batch.csv');
    writeFileSync(batchCsv, csvOf(rows));
  }, 300_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const run of ['analysis/hierarchical', 'analysis/pooled', 'fit']) {
    it(`${run}: POST /score takes a raw row and scores it alone as inside 10,000 rows`, async () => {
      const loaded = loadRun(path.join(dir, run));
      expect(loaded.meta.recipe.derived?.map((d) => d.name)).toEqual(['treatment', 'recency_z', 'history_z']);
      const app = buildServer(loaded); // defaults: 10,000 rows per request, a body limit to hold them
      try {
        const base = await app.listen({ port: 0, host: '127.0.0.1' });
        const post = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
          const res = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          return { status: res.status, json: (await res.json()) as Record<string, unknown> };
        };
        const all = await post({ rows });
        expect(all.status).toBe(200);
        const batch = all.json.rows as Record<string, unknown>[];
        expect(batch).toHaveLength(BATCH);
        for (const i of PICKED) {
          const alone = await post({ rows: [rows[i]] });
          expect(alone.status).toBe(200);
          const one = (alone.json.rows as Record<string, unknown>[])[0];
          expect(one.id).toBe(`customer-${i + 1}`);
          for (const field of FIELDS) expect(one[field]).toBe(batch[i][field]);
          expect(typeof one.uplift_mean).toBe('number');
        }
        // rows differ, so equality above is not that of a constant
        expect(new Set(batch.map((r) => r.uplift_mean)).size).toBeGreaterThan(100);

        // nutmeg score: the same numbers from a file of 10,000 rows, from a file of one row, and from the API
        const ranked = path.join(dir, `${run.replace('/', '-')}-batch.csv`);
        const scored = await runNutmeg(['score', path.join(dir, run), '--data', batchCsv, '--id', 'id', '--out', ranked, '--quiet']);
        expect(scored.err).toBe('');
        expect(scored.code).toBe(0);
        const fromBatch = rankedById(ranked);
        expect(fromBatch.size).toBe(BATCH);
        for (const i of PICKED) {
          const single = path.join(dir, `one-${i}.csv`);
          writeFileSync(single, csvOf([rows[i]]));
          const out = path.join(dir, `${run.replace('/', '-')}-one-${i}.csv`);
          const r = await runNutmeg(['score', path.join(dir, run), '--data', single, '--id', 'id', '--out', out, '--quiet']);
          expect(r.code).toBe(0);
          const alone = rankedById(out).get(`customer-${i + 1}`);
          const inBatch = fromBatch.get(`customer-${i + 1}`);
          expect(alone).toBeDefined();
          for (const field of ['uplift_mean', 'uplift_10%', 'uplift_90%', 'p_treated', 'p_control', 'prob_uplift_positive', 'action']) {
            expect(alone?.[field]).toBe(inBatch?.[field]);
          }
          expect(inBatch?.uplift_mean).toBe(batch[i].uplift_mean);
          expect(inBatch?.p_treated).toBe(batch[i].p_convert_treated);
        }
      } finally {
        await app.close();
      }
    }, 120_000);
  }
});
