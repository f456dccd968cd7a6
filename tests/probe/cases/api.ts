/**
 * The scoring API (`nutmeg serve`) and `nutmeg score`: valid and invalid rows, field errors named, prototype keys,
 * body and row limits consistent with each other, unknown routes, slow clients cut off without blocking others,
 * and raw Hillstrom rows scored the same alone or in a batch (issue 14, items 9 and 10).
 */
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseContext, CliCase, CustomCase, HttpCase, HttpResponse, Outcome, ProbeCase, Token, Verdict } from '../types.js';
import { csv, random, type Table } from '../data.js';
import { sendRequest } from '../harness.js';

const VALID = { x: 0.5, z: 1.2, g: 'b', h: 'h2' };

function post(name: string, body: unknown, expect: HttpCase['expect'], tokens: Token[] = [], extra: Partial<HttpCase> = {}): HttpCase {
  return { kind: 'http', class: 'api', name: `POST /score: ${name}`, server: 'api', request: { method: 'POST', path: '/score', body }, expect, tokens, ...extra };
}

function json(res: HttpResponse): { rows?: Record<string, unknown>[] } & Record<string, unknown> {
  return JSON.parse(res.body) as { rows?: Record<string, unknown>[] } & Record<string, unknown>;
}

/** Every scored row has a probability in (0, 1). */
function probabilities(n: number): (res: HttpResponse) => Verdict {
  return (res) => {
    const rows = json(res).rows ?? [];
    if (rows.length !== n) return `${rows.length} rows scored, sent ${n}`;
    for (const r of rows) {
      const p = (r.p_convert_mean ?? r.prob_uplift_positive) as unknown;
      if (typeof p !== 'number' || !(p > 0 && p < 1)) return `row without a probability: ${JSON.stringify(r).slice(0, 160)}`;
    }
    return null;
  };
}

/** Raw Hillstrom columns as the original data has them. */
const SEGMENTS: [number, string][] = [
  [100, '1) $0 - $100'],
  [200, '2) $100 - $200'],
  [350, '3) $200 - $350'],
  [500, '4) $350 - $500'],
  [750, '5) $500 - $750'],
  [1000, '6) $750 - $1,000'],
  [Infinity, '7) $1,000 +'],
];

function rawHillstrom(n: number, seed: number): Table {
  const u = random(seed);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const history = i === 0 ? 250.5 : Math.round((29.99 + u() * 1500) * 100) / 100;
    const mens = i === 0 ? 1 : u() < 0.55 ? 1 : 0;
    const womens = i === 0 ? 0 : mens === 1 && u() < 0.8 ? 0 : 1;
    rows.push([
      String(i === 0 ? 6 : 1 + Math.floor(u() * 12)),
      String(history),
      String(mens),
      String(womens),
      String(i === 0 ? 1 : u() < 0.5 ? 1 : 0),
      i === 0 ? 'Urban' : ['Urban', 'Surburban', 'Rural'][Math.floor(u() * 3)],
      i === 0 ? 'Web' : ['Web', 'Phone', 'Multichannel'][Math.floor(u() * 3)],
      (SEGMENTS.find(([top]) => history < top) as [number, string])[1],
    ]);
  }
  return { header: ['recency', 'history', 'mens', 'womens', 'newbie', 'zip_code', 'channel', 'history_segment'], rows };
}

function rawRows(n: number): Record<string, string | number>[] {
  const t = rawHillstrom(n, 5);
  return t.rows.map((r) => Object.fromEntries(t.header.map((h, j) => [h, j < 5 ? Number(r[j]) : r[j]])));
}

/** Row `row` (1-based input row) of a ranked-list CSV written by `nutmeg score --out`, as text cells after `row`. */
function rankedRow(path: string, row: number): string[] | null {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const at = header.indexOf('row');
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (Number(cells[at]) === row) return cells.slice(at + 1);
  }
  return null;
}

/**
 * A client that sends part of a request and stalls: the server must cut it off within ~30 s (we allow 40) and keep
 * answering others meanwhile.
 */
function slowClient(name: string, partial: string): CustomCase {
  return {
    kind: 'custom',
    class: 'api',
    name,
    expect: 'ok',
    background: true,
    timeoutMs: 45_000,
    run: async (ctx: CaseContext): Promise<{ outcome: Outcome; why: string }> => {
      const base = ctx.fixtures.api;
      if (base === null) return { outcome: 'crash', why: `server did not start: ${ctx.fixtures.serveError ?? '?'}` };
      const url = new URL(base);
      const start = performance.now();
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      // cut off = the server answered 408 (Request Timeout), ended its side, or closed the connection
      const closed = new Promise<number>((done) => {
        const at = (): void => done((performance.now() - start) / 1000);
        socket.on('data', (d: Buffer) => {
          answer += d.toString('utf8').split('\r\n')[0];
          if (/^HTTP\/1\.[01] 408/.test(answer)) at();
        });
        socket.on('end', at);
        socket.on('close', at);
        socket.on('error', () => undefined);
      });
      socket.write(partial);
      await new Promise((r) => setTimeout(r, 1000));
      const other = await sendRequest(base, { method: 'GET', path: '/model' }, 5000).catch(() => null);
      if (other === null || other.status !== 200) {
        socket.destroy();
        return { outcome: 'hang', why: 'GET /model got no answer while a slow client was connected' };
      }
      const limit = new Promise<null>((done) => setTimeout(() => done(null), 40_000));
      const seconds = await Promise.race([closed, limit]);
      socket.destroy();
      if (seconds === null) return { outcome: 'hang', why: `the stalled connection was still open after 40 s (it was answered: ${answer || 'nothing'})` };
      return { outcome: 'ok', why: `cut off after ${seconds.toFixed(1)} s; GET /model answered in ${other.seconds.toFixed(2)} s meanwhile` };
    },
  };
}

export const apiCases: ProbeCase[] = [
  post('valid row', { rows: [VALID] }, 'ok', [], { check: probabilities(1) }),
  post('valid row with an id', { rows: [{ id: 'c1', ...VALID }] }, 'ok', [], { check: (res) => (json(res).rows?.[0]?.id === 'c1' ? null : 'id not echoed') }),
  post('three rows', { rows: [VALID, { ...VALID, x: -1 }, { ...VALID, g: 'd' }] }, 'ok', [], { check: probabilities(3) }),
  post('missing field', { rows: [{ x: 0.5, g: 'b', h: 'h2' }] }, 'error', [/rows\[0\]\.z/], { status: [400] }),
  post('wrong type', { rows: [{ ...VALID, x: 'abc' }] }, 'error', [/rows\[0\]\.x/], { status: [400] }),
  post('null value', { rows: [{ ...VALID, x: null }] }, 'error', [/rows\[0\]\.x/], { status: [400] }),
  post('number as a string', { rows: [{ ...VALID, x: '1.5' }] }, 'either', [/rows\[0\]\.x/], { check: probabilities(1) }),
  post('overflowing number', '{"rows":[{"x":1e309,"z":1.2,"g":"b","h":"h2"}]}', 'error', [/rows\[0\]\.x/], { status: [400], request: { method: 'POST', path: '/score', body: '{"rows":[{"x":1e309,"z":1.2,"g":"b","h":"h2"}]}', headers: { 'content-type': 'application/json' } } }),
  post('unknown level of a factor', { rows: [{ ...VALID, g: 'zz' }] }, 'error', [/rows\[0\]\.g/], { status: [400] }),
  post('second row bad', { rows: [VALID, { ...VALID, z: 'x' }] }, 'error', [/rows\[1\]\.z/], { status: [400] }),
  post('unseen group level', { rows: [{ ...VALID, h: 'h99' }] }, 'ok', [], {
    check: (res) => {
      const row = json(res).rows?.[0];
      return Array.isArray(row?.new_levels) && (row?.new_levels as string[]).includes('h') ? null : `no new_levels: ${JSON.stringify(row)}`;
    },
  }),
  post('unseen group level, new_levels sample with a seed', { rows: [{ ...VALID, h: 'h99' }], new_levels: 'sample', seed: 3 }, 'ok', [], { check: probabilities(1) }),
  post('unseen group level, new_levels uncertainty', { rows: [{ ...VALID, h: 'h99' }], new_levels: 'uncertainty' }, 'ok', [], { check: probabilities(1) }),
  post('bad new_levels', { rows: [VALID], new_levels: 'gaussian' }, 'error', [/new_levels/], { status: [400] }),
  post('bad seed', { rows: [VALID], new_levels: 'sample', seed: -1 }, 'error', [/seed/], { status: [400] }),
  post('unknown extra field (ignored)', { rows: [{ ...VALID, shoe_size: 42 }] }, 'ok', [], { check: probabilities(1) }),
  post('empty rows', { rows: [] }, 'error', ['rows'], { status: [400] }),
  post('rows not an array', { rows: { a: 1 } }, 'error', ['rows'], { status: [400] }),
  post('no rows field', {}, 'error', ['rows'], { status: [400] }),
  post('a JSON array body', [VALID], 'error', [/rows|body|object/i], { status: [400] }),
  post('a JSON string body', '"hello"', 'error', [/rows|body|object/i], { status: [400], request: { method: 'POST', path: '/score', body: '"hello"', headers: { 'content-type': 'application/json' } } }),
  post('body not JSON', '{"rows": [', 'error', [/json/i], { status: [400], request: { method: 'POST', path: '/score', body: '{"rows": [', headers: { 'content-type': 'application/json' } } }),
  post('__proto__ key in a row', '', 'error', ['__proto__'], {
    status: [400],
    request: { method: 'POST', path: '/score', body: '{"rows":[{"x":0.5,"z":1.2,"g":"b","h":"h2","__proto__":{"x":1}}]}', headers: { 'content-type': 'application/json' } },
  }),
  post('__proto__ key at the top', '', 'error', ['__proto__'], {
    status: [400],
    request: { method: 'POST', path: '/score', body: '{"__proto__":{"rows":[]},"rows":[{"x":0.5,"z":1.2,"g":"b","h":"h2"}]}', headers: { 'content-type': 'application/json' } },
  }),
  post('constructor key in a row', '', 'error', ['constructor'], {
    status: [400],
    request: { method: 'POST', path: '/score', body: '{"rows":[{"x":0.5,"z":1.2,"g":"b","h":"h2","constructor":{"prototype":{"y":1}}}]}', headers: { 'content-type': 'application/json' } },
  }),
  post('deeply nested JSON', '', 'error', [], {
    status: [400, 413],
    request: { method: 'POST', path: '/score', body: '{"rows":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}', headers: { 'content-type': 'application/json' } },
  }),
  post('a 50 MB body', '', 'error', [], {
    status: [413],
    request: { method: 'POST', path: '/score', body: '{"rows":["' + 'a'.repeat(50 << 20) + '"]}', headers: { 'content-type': 'application/json' } },
  }),
  post('10,001 rows (one over the limit)', { rows: Array.from({ length: 10_001 }, () => VALID) }, 'error', [/10,?000/], { status: [400] }),
  post('10,000 rows (the limit)', { rows: Array.from({ length: 10_000 }, (_, i) => ({ ...VALID, x: (i % 100) / 50 - 1 })) }, 'ok', [], { check: probabilities(10_000) }),
  post('text/plain content type', '', 'either', [/content-type|json|media|unsupported/i], {
    request: { method: 'POST', path: '/score', body: JSON.stringify({ rows: [VALID] }), headers: { 'content-type': 'text/plain' } },
    check: probabilities(1),
  }),
  { kind: 'http', class: 'api', name: 'GET an unknown path', server: 'api', request: { method: 'GET', path: '/nope' }, expect: 'error', status: [404] },
  { kind: 'http', class: 'api', name: 'GET /score (wrong method)', server: 'api', request: { method: 'GET', path: '/score' }, expect: 'error', status: [404, 405] },
  { kind: 'http', class: 'api', name: 'DELETE /model (wrong method)', server: 'api', request: { method: 'DELETE', path: '/model' }, expect: 'error', status: [404, 405] },
  {
    kind: 'http',
    class: 'api',
    name: 'GET /model',
    server: 'api',
    request: { method: 'GET', path: '/model' },
    expect: 'ok',
    check: (res) => (/y ~ x \+ z \+ g \+ \(1 \| h\)/.test(res.body) ? null : `no formula in ${res.body.slice(0, 120)}`),
  },
  {
    kind: 'http',
    class: 'api',
    name: 'GET /report',
    server: 'api',
    request: { method: 'GET', path: '/report' },
    expect: 'ok',
    timeoutMs: 30_000,
    check: (res) => (/text\/html/.test(String(res.headers['content-type'])) && /<html|<!doctype/i.test(res.body) ? null : 'not an HTML page'),
  },
  {
    kind: 'http',
    class: 'api',
    name: 'POST /score: one raw Hillstrom row',
    server: 'hillstromApi',
    request: { method: 'POST', path: '/score', body: { rows: rawRows(1) } },
    expect: 'ok',
    check: (res) => {
      const row = json(res).rows?.[0];
      const p = row?.prob_uplift_positive;
      return typeof p === 'number' && p >= 0 && p <= 1 && typeof row?.uplift_mean === 'number' ? null : `not an uplift score: ${JSON.stringify(row)}`;
    },
  },
  {
    kind: 'http',
    class: 'api',
    name: 'POST /score: 10,000 raw Hillstrom rows (the row limit fits the body limit)',
    server: 'hillstromApi',
    request: { method: 'POST', path: '/score', body: { rows: rawRows(10_000).map((r, i) => ({ id: `customer-${i}`, ...r })) } },
    expect: 'ok',
    check: (res) => ((json(res).rows ?? []).length === 10_000 ? null : 'not 10,000 rows back'),
  },
  {
    kind: 'http',
    class: 'api',
    name: 'POST /score: raw Hillstrom row with a bad recency',
    server: 'hillstromApi',
    request: { method: 'POST', path: '/score', body: { rows: [{ ...rawRows(1)[0], recency: 'six' }] } },
    expect: 'error',
    status: [400],
    tokens: [/rows\[0\]\.recency/],
  },
  slowClient('slow client: headers never finished', 'POST /score HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'),
  slowClient('slow client: body never finished', 'POST /score HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"rows":['),
  ...scoreCases(),
];

function scoreCases(): CliCase[] {
  const one = csv(rawHillstrom(1, 5));
  const many = csv(rawHillstrom(10_000, 5));
  return [
    {
      class: 'api',
      name: 'score: a run on its own data',
      args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--json', '--quiet'],
      expect: 'ok',
      check: (r) => {
        try {
          const parsed = JSON.parse(r.stdout) as { rows?: number; metrics?: { rows?: number; roc_auc?: number } };
          return parsed.rows === 120 && typeof parsed.metrics?.roc_auc === 'number' ? null : `rows ${parsed.rows}, metrics ${JSON.stringify(parsed.metrics)}`;
        } catch {
          return 'stdout is not JSON';
        }
      },
    },
    {
      class: 'api',
      name: 'score: data without a column the model needs',
      files: { 'd.csv': 'x,g,h\n0.5,a,h1\n' },
      args: (ctx) => ['score', ctx.fixtures.run, '--data', 'd.csv', '--quiet'],
      expect: 'error',
      tokens: [/\bz\b/],
    },
    {
      class: 'api',
      name: 'score: typo cell in a numeric column',
      files: { 'd.csv': 'x,z,g,h\n0.5,1.2,a,h1\n0.3,x7,b,h2\n' },
      args: (ctx) => ['score', ctx.fixtures.run, '--data', 'd.csv', '--quiet'],
      expect: 'error',
      tokens: [/\bz\b/, /line 3\b/, 'x7'],
    },
    {
      class: 'api',
      name: 'score: unknown factor level',
      files: { 'd.csv': 'x,z,g,h\n0.5,1.2,zz,h1\n' },
      args: (ctx) => ['score', ctx.fixtures.run, '--data', 'd.csv', '--quiet'],
      expect: 'error',
      tokens: [/\bg\b/, 'zz'],
    },
    { class: 'api', name: 'score: nonexistent run', files: { 'd.csv': 'x\n1\n' }, args: ['score', 'nope', '--data', 'd.csv'], expect: 'error', tokens: ['nope'] },
    {
      class: 'api',
      name: 'score: a raw Hillstrom row alone and in 10,000 rows gives the same numbers',
      files: { 'one.csv': one, 'many.csv': many },
      args: (ctx) => ['score', ctx.fixtures.hillstromRun, '--data', 'one.csv', '--out', 'one-ranked.csv', '--quiet'],
      expect: 'ok',
      check: async (_r, ctx) => {
        const batch = await ctx.cli(['score', ctx.fixtures.hillstromRun, '--data', 'many.csv', '--out', 'many-ranked.csv', '--quiet']);
        if (batch.code !== 0) return `scoring 10,000 rows failed: ${batch.stderr.split('\n')[0]}`;
        const alone = rankedRow(join(ctx.dir, 'one-ranked.csv'), 1);
        const inBatch = rankedRow(join(ctx.dir, 'many-ranked.csv'), 1);
        if (alone === null || inBatch === null) return { outcome: 'lost-output', why: 'row 1 missing from a ranked list' };
        return JSON.stringify(alone) === JSON.stringify(inBatch) ? null : `alone ${alone.join(',')} vs in the batch ${inBatch.join(',')}`;
      },
    },
  ];
}

