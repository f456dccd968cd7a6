/**
 * POST /score on a poisson run (tests/serve/family-run.ts): rows get expected_mean/p10/p90 exactly as scoreFrame
 * gives them, for each `new_levels` mode of the body (with its seed), rows at an unseen store list it in new_levels,
 * and a bad new_levels or seed is a 400 naming the field.
 */
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { scoreFrame, type ScoreOptions } from '../../src/decision/scoring.js';
import { loadRun, type LoadedRun } from '../../src/io/run-dir.js';
import { buildServer } from '../../src/serve/server.js';
import { poissonRun, type FamilyRun } from './family-run.js';

const ROWS = [
  { id: 'a', x: 0.5, store: 'north' },
  { id: 'b', x: -1, store: 'pluto' },
  { id: 'c', x: 1, store: 'east' },
  { id: 'd', x: 2, store: 'pluto' },
];

describe('POST /score on a poisson run, new levels', () => {
  let fixture: FamilyRun;
  let run: LoadedRun;
  let app: FastifyInstance;
  let base = '';
  beforeAll(async () => {
    fixture = await poissonRun();
    run = loadRun(fixture.dir);
    app = buildServer(run, { looBackend: 'reference' });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    if (fixture) await rm(fixture.root, { recursive: true, force: true });
  });

  it('GET /report gives the group effects on the log scale of the mean, with no log-odds wording', async () => {
    const html = await (await fetch(`${base}/report`)).text();
    expect(html).toContain('Posterior mean and 10%–90% interval per level, on the log scale of the mean (exp(b) multiplies the mean).');
    expect(html).not.toContain('log-odds');
  }, 60_000);

  const post = async (body: unknown) => {
    const res = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  /** scoreFrame on the same rows, for comparison. */
  const reference = (options: ScoreOptions) => {
    const frame = frameFromColumns(
      [numericColumn('x', Float64Array.from(ROWS, (r) => r.x)), categoricalColumn('store', Uint32Array.from(ROWS, (r) => ['north', 'pluto', 'east'].indexOf(r.store)), ['north', 'pluto', 'east'])],
      'rows',
    );
    return scoreFrame(prepareScoring({ recipe: run.meta.recipe, draws: run.draws }), frame, options);
  };

  for (const [body, options] of [
    [{}, {}],
    [{ new_levels: 'zero' }, { newLevels: 'zero' }],
    [{ new_levels: 'sample', seed: 12 }, { newLevels: 'sample', seed: 12 }],
    [{ new_levels: 'uncertainty' }, { newLevels: 'uncertainty', seed: 1 }],
  ] as [Record<string, unknown>, ScoreOptions][]) {
    it(`gives scoreFrame's expected counts with ${JSON.stringify(body)}`, async () => {
      const { status, json } = await post({ rows: ROWS, ...body });
      expect(status, JSON.stringify(json)).toBe(200);
      const want = reference(options);
      expect(json.new_levels).toBe(options.newLevels ?? 'zero');
      expect(json.seed).toBe(options.newLevels === 'sample' || options.newLevels === 'uncertainty' ? options.seed : undefined);
      const out = json.rows as Record<string, unknown>[];
      out.forEach((row, i) => {
        expect(row.id).toBe(ROWS[i].id);
        expect(row.expected_mean).toBe(want.expected!.mean[i]);
        expect(row.expected_p10).toBe(want.expected!.low[i]);
        expect(row.expected_p90).toBe(want.expected!.high[i]);
        expect(row.p_convert_mean).toBeUndefined();
        expect(row.new_levels).toEqual(ROWS[i].store === 'pluto' ? ['store'] : undefined);
      });
    });
  }

  it('GET /model says the rows get expected values and which new_levels modes a body may ask for', async () => {
    const info = (await (await fetch(`${base}/model`)).json()) as Record<string, unknown>;
    expect(info.family).toBe('poisson');
    expect(info.scores).toEqual({ measure: 'expected', new_levels: ['zero', 'sample', 'uncertainty'], new_levels_default: 'zero' });
  });

  it('refuses a bad new_levels or seed with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ new_levels: 'gaussian' }, 'new_levels: must be zero, sample or uncertainty, got "gaussian"'],
      [{ new_levels: 1 }, 'new_levels: must be zero, sample or uncertainty, got 1'],
      [{ new_levels: 'sample', seed: -3 }, 'seed: must be a whole number from 0 to 2^53 − 1'],
      [{ new_levels: 'sample', seed: 1.5 }, 'seed: must be a whole number from 0 to 2^53 − 1'],
      [{ seed: 'abc' }, 'seed: must be a whole number from 0 to 2^53 − 1'],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await post({ rows: ROWS, ...body });
      expect(status).toBe(400);
      expect(json.message).toBe(message);
    }
  });
});
