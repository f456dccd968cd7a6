/**
 * The longest event-loop stall during one 10,000-row POST /score (issue 14 item 10: a large request must not block
 * others for more than ~50 ms), and the time of each step of the request done whole, for comparison.
 * Run: npx tsx bench/serve-stall.ts [repeats] [--curl: the client is curl, another process] [--trace: what ran in each gap]
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { readCsv } from '../src/data/csv.js';
import type { Frame } from '../src/data/frame.js';
import { prepareScoring } from '../src/decision/scoring-model.js';
import { loadRun } from '../src/io/run-dir.js';
import { withDerivedColumns } from '../src/model/derived.js';
import { applyRecipe } from '../src/model/recipe.js';
import { numericColumn, withColumns } from '../src/data/frame-build.js';
import { requestInputs } from '../src/serve/inputs.js';
import { rowsToFrame } from '../src/serve/rows-frame.js';
import { requestColumns, scoreRequestValidator, type ScoreRow } from '../src/serve/schema.js';
import { buildServer, SERVE_DEFAULTS } from '../src/serve/server.js';
import { runFixture } from '../tests/serve/run-fixture.js';

function fullRow(frame: Frame, i: number): Record<string, number | string> {
  const row: Record<string, number | string> = { id: `customer-${String(i + 1).padStart(10, '0')}` };
  for (const [name, c] of frame.columns) row[name] = c.kind === 'categorical' ? c.levels[c.codes[i]] : c.values[i];
  return row;
}

/** Starts a 1 ms interval probe; stop() gives the largest gap between ticks (ms). */
function gapProbe(): { stop: () => number } {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > 20) events.push([last, `gap ${(now - last).toFixed(1)} ms ends`]);
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  return { stop: () => (clearInterval(timer), max) };
}

// with --trace: what ran during each gap over 20 ms (long JSON calls, GC pauses, the request's phases)
const trace = process.argv.includes('--trace');
const events: [number, string][] = [];
if (trace) {
  for (const name of ['parse', 'stringify'] as const) {
    const original = JSON[name] as (...a: unknown[]) => unknown;
    (JSON as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      const t = performance.now();
      const out = original(...a);
      if (performance.now() - t > 5) events.push([t, `JSON.${name} ${(performance.now() - t).toFixed(1)} ms`]);
      return out;
    };
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 5) events.push([e.startTime, `GC ${e.duration.toFixed(1)} ms`]);
  }).observe({ entryTypes: ['gc'] });
}

const repeats = Number(process.argv[2] ?? 3);
const fixture = await runFixture();
const run = loadRun(fixture.dir);
const frame = readCsv(fixture.csv);
const rows = Array.from({ length: SERVE_DEFAULTS.maxRows }, (_, i) => fullRow(frame, i % frame.nRows));
const body = JSON.stringify({ rows });
console.log(`body: ${(body.length / 1e6).toFixed(2)} MB, ${rows.length} rows`);

const external = process.argv.includes('--curl');
const bodyFile = join(tmpdir(), `nutmeg-serve-stall-${process.pid}.json`);
if (external) writeFileSync(bodyFile, body);
const exec = promisify(execFile);
const app = buildServer(run, { looBackend: 'reference' });
if (trace) {
  for (const hook of ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'onSend', 'onResponse'] as const) {
    app.addHook(hook, async () => void events.push([performance.now(), hook]));
  }
}
const base = await app.listen({ port: 0, host: '127.0.0.1' });
for (let r = 0; r < repeats; r++) {
  const probe = gapProbe();
  const t = performance.now();
  let status = 0;
  if (external) {
    // the client in another process (curl), so that only the server's own stalls are counted
    const out = await exec('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'content-type: application/json', '--data-binary', `@${bodyFile}`, `${base}/score`]);
    status = Number(out.stdout);
  } else {
    const res = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    status = res.status;
  }
  if (trace) for (const [t, what] of events.splice(0).sort((x, y) => x[0] - y[0])) console.log(`    ${t.toFixed(1)} ${what}`);
  console.log(`POST /score${external ? ' (curl)' : ''}: ${status} in ${(performance.now() - t).toFixed(0)} ms, largest event-loop gap ${probe.stop().toFixed(1)} ms`);
}
await app.close();
if (external) rmSync(bodyFile);

// each step done whole, once (what a stall would be without slicing)
const time = <T>(label: string, f: () => T): T => {
  const t = performance.now();
  const out = f();
  console.log(`  ${label}: ${(performance.now() - t).toFixed(1)} ms`);
  return out;
};
const model = prepareScoring({ recipe: run.meta.recipe, draws: run.draws });
const inputs = requestInputs(run.meta.recipe, model.treatment);
const parsed = time('JSON.parse whole body', () => JSON.parse(body) as { rows: ScoreRow[] });
const valid = await scoreRequestValidator(inputs, SERVE_DEFAULTS.maxRows).validate(parsed);
if ('message' in valid) throw new Error(valid.message);
const t0 = performance.now();
const f = await rowsToFrame(valid.rows, requestColumns(valid.rows, inputs), 'bench');
console.log(`  rowsToFrame (no pauses): ${(performance.now() - t0).toFixed(1)} ms`);
const input = time('withDerivedColumns', () => withDerivedColumns(model.recipe, f, new Set(model.treatment ? [model.treatment] : [])));
const treated = model.treatment ? withColumns(input, [numericColumn(model.treatment, new Float64Array(input.nRows).fill(1))]) : input;
time('applyRecipe (one design)', () => applyRecipe(model.recipe, treated));
