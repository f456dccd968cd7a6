/**
 * The scoring API over real HTTP on loopback (port 0): POST /score gives, row by row, exactly what scoreFrame gives
 * for the same customers read from CSV, with the decision table's action; validation errors name the field (400),
 * row-count (400) and body-size (413) limits hold; GET /model describes the model and its diagnostics; GET /report
 * serves RUN_DIR/report.html when present and a page built from the run otherwise; `nutmeg serve` binds to
 * 127.0.0.1 by default and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { probabilityAction } from '../../src/decision/policy.js';
import { prepareScoring, scoreFrame, type ScoreResult } from '../../src/decision/scoring.js';
import { loadRun, type LoadedRun } from '../../src/io/run-dir.js';
import { buildServer } from '../../src/serve/server.js';
import { runFixture, type RunFixture } from './run-fixture.js';

const INPUTS = ['recency_z', 'history_z', 'mens', 'womens', 'newbie', 'history_segment'];

/** Row i of the frame as a JSON customer (the model's inputs and an id). */
function customer(frame: Frame, i: number): Record<string, number | string> {
  const row: Record<string, number | string> = { id: `c${i + 1}` };
  for (const name of INPUTS) {
    const c = frame.columns.get(name);
    if (!c) throw new Error(name);
    row[name] = c.kind === 'categorical' ? c.levels[c.codes[i]] : c.values[i];
  }
  return row;
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function post(base: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('scoring API', () => {
  let fixture: RunFixture;
  let run: LoadedRun;
  let frame: Frame;
  let reference: ScoreResult;
  let app: FastifyInstance;
  let base = '';

  beforeAll(async () => {
    fixture = await runFixture();
    run = loadRun(fixture.dir);
    frame = readCsv(fixture.csv);
    reference = scoreFrame(prepareScoring({ recipe: run.meta.recipe, draws: run.draws }), frame);
    app = buildServer(run, { maxRows: 500, bodyLimit: 200_000, looBackend: 'reference' });
    base = await listen(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('scores rows exactly as scoreFrame does, with the action of the decision table', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => customer(frame, i));
    const { status, json } = await post(base, { rows });
    expect(status).toBe(200);
    expect(json.draws).toBe(300);
    const out = json.rows as Record<string, unknown>[];
    expect(out).toHaveLength(60);
    out.forEach((r, i) => {
      expect(r.id).toBe(`c${i + 1}`);
      expect(r.p_convert_treated).toBe(reference.treated![i]);
      expect(r.p_convert_control).toBe(reference.control![i]);
      expect(r.uplift_mean).toBe(reference.uplift!.mean[i]);
      expect(r.uplift_p10).toBe(reference.uplift!.low[i]);
      expect(r.uplift_p90).toBe(reference.uplift!.high[i]);
      expect(r.prob_uplift_positive).toBe(reference.probUpliftPositive![i]);
      const p = reference.probUpliftPositive![i];
      expect(r.action).toBe(p >= 0.9 ? 'target' : p >= 0.7 ? 'test more' : 'deprioritise');
      expect(r.action).toBe(probabilityAction(p));
      expect(r.new_levels).toBeUndefined();
    });
  });

  it('marks rows at unseen group levels', async () => {
    const row = { ...customer(frame, 0), history_segment: '8) unknown' };
    const { status, json } = await post(base, { rows: [row] });
    expect(status).toBe(200);
    expect((json.rows as Record<string, unknown>[])[0].new_levels).toEqual(['history_segment']);
  });

  it('rejects bad input with 400 and the field named', async () => {
    const good = customer(frame, 0);
    const cases: [unknown, RegExp][] = [
      [{ rows: [good, { ...good, history_z: 'high' }] }, /^rows\[1\]\.history_z: .*expected number/],
      [{ rows: [{ ...good, mens: undefined }] }, /^rows\[0\]\.mens: /],
      [{ rows: [{ ...good, history_segment: null }] }, /^rows\[0\]\.history_segment: /],
      [{ rows: [] }, /^rows: send at least one row/],
      [{ customers: [good] }, /^rows: /],
      [[good], /^body: |^rows: /],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await post(base, body);
      expect(status).toBe(400);
      expect(String(json.message)).toMatch(message);
    }
    const broken = await post(base, '{"rows": [');
    expect(broken.status).toBe(400);
  });

  it('limits rows per request (400) and body size (413)', async () => {
    const many = await post(base, { rows: Array.from({ length: 501 }, (_, i) => customer(frame, i)) });
    expect(many.status).toBe(400);
    expect(String(many.json.message)).toMatch(/at most 500 rows/);
    const padding = 'x'.repeat(250_000);
    const big = await post(base, { rows: [{ ...customer(frame, 0), note: padding }] });
    expect(big.status).toBe(413);
  });

  it('describes the model and its diagnostics', async () => {
    const res = await fetch(`${base}/model`);
    expect(res.status).toBe(200);
    const info = (await res.json()) as Record<string, unknown>;
    expect(info.formula).toBe(run.meta.formula);
    expect(info.chains).toBe(2);
    expect(info.draws_per_chain).toBe(150);
    expect(info.treatment).toBe('treatment');
    expect((info.inputs as { name: string }[]).map((c) => c.name)).toEqual(INPUTS);
    const summary = info.summary as { variable: string; rhat: number | null }[];
    expect(summary.map((r) => r.variable)).toContain('b_treatment');
    expect(summary.map((r) => r.variable)).toContain('sd_history_segment__treatment');
    expect(summary.every((r) => typeof r.rhat === 'number')).toBe(true);
    expect((info.sampler as { draws: number }).draws).toBe(300);
    expect(Array.isArray(info.warnings)).toBe(true);
  });

  it('serves a report built from the run', async () => {
    const res = await fetch(`${base}/report`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    // trace, rank, one forest plot and the Pareto k plot (the run's data, sim:hillstrom, can be rebuilt)
    expect(html.match(/<figure class="plot"/g)).toHaveLength(4);
    expect(html).toContain('Effect of treatment by history_segment');
    expect(html).toContain('PSIS-LOO: Pareto k by observation');
    expect(html).toContain('<caption>Pareto k</caption>');
  }, 60_000);

  it('serves RUN_DIR/report.html when the run has one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-serve-'));
    try {
      await cp(fixture.dir, dir, { recursive: true });
      await writeFile(path.join(dir, 'report.html'), '<!doctype html><title>analysis report</title>');
      const other = buildServer(loadRun(dir));
      const url = await listen(other);
      try {
        const res = await fetch(`${url}/report`);
        expect(await res.text()).toBe('<!doctype html><title>analysis report</title>');
      } finally {
        await other.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('report of a run whose data is gone', () => {
  it('says why PSIS-LOO is missing and still shows the other plots', async () => {
    const { dir: source } = await runFixture();
    const dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-serve-'));
    try {
      await cp(source, dir, { recursive: true });
      const metaPath = path.join(dir, 'fit.json');
      const meta = JSON.parse(await readFile(metaPath, 'utf8'));
      meta.data = { source: path.join(dir, 'moved-away.csv'), seed: null, rows: meta.data.rows };
      await writeFile(metaPath, JSON.stringify(meta));
      const app = buildServer(loadRun(dir), { looBackend: 'reference' });
      const url = await listen(app);
      try {
        const html = await (await fetch(`${url}/report`)).text();
        expect(html).toMatch(/<h2>PSIS-LOO<\/h2>\n<p>Not computed: .*moved-away\.csv/);
        expect(html.match(/<figure class="plot"/g)).toHaveLength(3);
      } finally {
        await app.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('nutmeg serve', () => {
  it('binds to 127.0.0.1 by default and stops on SIGTERM', async () => {
    const { dir } = await runFixture();
    const code = "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(process.argv.slice(0, 1).concat(process.argv.slice(1))); })";
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, 'nutmeg', 'serve', dir, '--port', '0'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in time; stderr: ${err}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const m = /nutmeg serve: (http:\/\/[^\s]+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', () => reject(new Error(`exited early; stderr: ${err}`)));
    });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${address}/model`);
    expect(res.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 90_000);
});
