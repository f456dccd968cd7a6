/**
 * The scoring API over real HTTP on loopback (port 0): POST /score gives, row by row, exactly what scoreFrame gives
 * for the same customers read from CSV, with the decision table's action; validation errors name the field (400),
 * row-count (400) and body-size (413) limits hold; GET /model describes the model and its diagnostics; GET /report
 * serves RUN_DIR/report.html when present and a page built from the run otherwise; `nutmeg serve` binds to
 * 127.0.0.1 by default and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { probabilityAction } from '../../src/decision/policy.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { scoreFrame, type ScoreResult } from '../../src/decision/scoring.js';
import { loadRun, type LoadedRun } from '../../src/io/run-dir.js';
import { buildServer } from '../../src/serve/server.js';
import { runFixture, type RunFixture } from './run-fixture.js';

const INPUTS = ['recency_z', 'history_z', 'mens', 'womens', 'newbie', 'history_segment'];
/** The same with the raw columns that recency_z and history_z are derived from. */
const RAW_INPUTS = ['recency', 'history', 'mens', 'womens', 'newbie', 'history_segment'];

/** Row i of the frame as a JSON customer (the model's inputs, or other columns, and an id). */
function customer(frame: Frame, i: number, names: readonly string[] = INPUTS): Record<string, number | string> {
  const row: Record<string, number | string> = { id: `c${i + 1}` };
  for (const name of names) {
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

  it('scores raw rows (recency, history) exactly as rows with the derived recency_z, history_z', async () => {
    const raw = Array.from({ length: 40 }, (_, i) => customer(frame, i, RAW_INPUTS));
    const { status, json } = await post(base, { rows: raw });
    expect(status).toBe(200);
    (json.rows as Record<string, unknown>[]).forEach((r, i) => {
      expect(r.uplift_mean).toBe(reference.uplift!.mean[i]);
      expect(r.uplift_p10).toBe(reference.uplift!.low[i]);
      expect(r.p_convert_control).toBe(reference.control![i]);
    });
    // both given: accepted when they agree (these are the training rows), refused by name when not
    const both = await post(base, { rows: [{ ...customer(frame, 0), ...customer(frame, 0, RAW_INPUTS) }] });
    expect(both.status).toBe(200);
    expect((both.json.rows as Record<string, unknown>[])[0].uplift_mean).toBe(reference.uplift!.mean[0]);
    const wrong = await post(base, { rows: [{ ...customer(frame, 0, RAW_INPUTS), recency_z: 0.123 }] });
    expect(wrong.status).toBe(400);
    expect(String(wrong.json.message)).toMatch(/^POST \/score, row 1: column "recency_z" is 0\.123, but the model computes it from "recency" as \(recency − /);
    // neither, or a different choice per row
    const neither = await post(base, { rows: [{ ...customer(frame, 0), history_z: undefined }] });
    expect(neither.status).toBe(400);
    expect(String(neither.json.message)).toBe('rows[0].history: required (the model computes "history_z" from "history"; or send "history_z" itself)');
    const mixed = await post(base, { rows: [customer(frame, 0), customer(frame, 1, RAW_INPUTS)] });
    expect(mixed.status).toBe(400);
    expect(String(mixed.json.message)).toBe('rows[1]: has no field "recency_z" but rows[0] has; send the same fields in every row of a request');
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

  it('answers a body that is not JSON-typed (text/plain) with 415 and what to send', async () => {
    const res = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ rows: [customer(frame, 0)] }) });
    expect(res.status).toBe(415);
    expect(String(((await res.json()) as Record<string, unknown>).message)).toMatch(/Content-Type: application\/json/);
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
    // the raw columns: the run's recipe derives recency_z and history_z (and treatment) with the training constants
    expect((info.inputs as { name: string }[]).map((c) => c.name)).toEqual(['recency', 'history', 'mens', 'womens', 'newbie', 'history_segment']);
    const derived = info.derived as { name: string; from: string[]; computed_as: string }[];
    expect(derived.map((d) => [d.name, d.from])).toEqual([['recency_z', ['recency']], ['history_z', ['history']]]);
    const recencyZ = run.meta.recipe.derived?.find((d) => d.name === 'recency_z')?.recipe;
    if (recencyZ?.kind !== 'scale') throw new Error('recency_z is not derived by scale()');
    expect(derived[0].computed_as).toBe(`(recency − ${recencyZ.center}) / ${recencyZ.scale}, the training data's mean and sd`);
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

describe('a run written before recipes kept derivations', () => {
  it('is served as before: rows carry recency_z and history_z', async () => {
    const fixture = await runFixture();
    const dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-serve-'));
    try {
      await cp(fixture.dir, dir, { recursive: true });
      const metaPath = path.join(dir, 'fit.json');
      const meta = JSON.parse(await readFile(metaPath, 'utf8'));
      delete meta.recipe.derived;
      await writeFile(metaPath, JSON.stringify(meta));
      const frame = readCsv(fixture.csv);
      const reference = scoreFrame(prepareScoring({ recipe: loadRun(fixture.dir).meta.recipe, draws: loadRun(fixture.dir).draws }), frame);
      const app = buildServer(loadRun(dir), { looBackend: 'reference' });
      const url = await listen(app);
      try {
        const info = (await (await fetch(`${url}/model`)).json()) as { inputs: { name: string }[]; derived: unknown[] };
        expect(info.inputs.map((c) => c.name)).toEqual(INPUTS);
        expect(info.derived).toEqual([]);
        const ok = await post(url, { rows: [customer(frame, 5)] });
        expect(ok.status).toBe(200);
        expect((ok.json.rows as { uplift_mean: number }[])[0].uplift_mean).toBe(reference.uplift!.mean[5]);
        const raw = await post(url, { rows: [customer(frame, 5, RAW_INPUTS)] });
        expect(raw.status).toBe(400);
        expect(raw.json.message).toMatch(/^rows\[0\]\.recency_z: /);
      } finally {
        await app.close();
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

/** Starts `nutmeg serve DIR ARGS…` and waits for its start-up line; `line` is that line, `err` all of stderr so far. */
async function startServe(dir: string, args: string[]): Promise<{ child: ChildProcess; line: string; err: string }> {
  const code = "import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(process.argv.slice(0, 1).concat(process.argv.slice(1))); })";
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, 'nutmeg', 'serve', dir, ...args], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address in time; stderr: ${err}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /^nutmeg serve: .*$/m.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on('exit', () => reject(new Error(`exited early; stderr: ${err}`)));
  });
  return { child, line, err };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  child.kill('SIGTERM');
  return exit;
}

describe('nutmeg serve', () => {
  it('binds to 127.0.0.1 by default and stops on SIGTERM', async () => {
    const { dir } = await runFixture();
    const { child, line } = await startServe(dir, ['--port', '0']);
    const address = /^nutmeg serve: (http:\/\/[^\s,]+) \(POST \/score/.exec(line)?.[1] ?? '';
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(address).not.toMatch(/:0$/);
    const res = await fetch(`${address}/model`);
    expect(res.status).toBe(200);
    expect(await stop(child)).toBe(0);
  }, 90_000);

  it('shows the address it is bound to: every interface for --host 0.0.0.0, with the port chosen for --port 0', async () => {
    const { dir } = await runFixture();
    const { child, line, err } = await startServe(dir, ['--host', '0.0.0.0', '--port', '0']);
    try {
      const m = /^nutmeg serve: http:\/\/0\.0\.0\.0:(\d+) \(every interface of this machine\) \(POST \/score/.exec(line);
      expect(m, line).not.toBeNull();
      const port = Number(m?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(err).toContain('warning: listening on 0.0.0.0, reachable from other machines; the API has no authentication');
      expect((await fetch(`http://127.0.0.1:${port}/model`)).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 90_000);
});
