/**
 * Runs probe cases and classifies what happened (see types.ts for the outcomes). Each CLI case spawns the built CLI
 * (`node bin/nutmeg.js`, which runs dist/) in its own temporary directory, with a wall-clock limit and a memory
 * watchdog, and captures exit code or signal, stdout and stderr.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type {
  CaseContext,
  CaseOutcome,
  CliCase,
  CliOptions,
  Expect,
  Fixtures,
  HttpCase,
  HttpRequest,
  HttpResponse,
  Outcome,
  ProbeCase,
  RunResult,
  Token,
  Verdict,
} from './types.js';
import { GOOD_OUTCOMES, OUTCOMES, PROBE_CLASSES } from './types.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'bin', 'nutmeg.js');

/** Per-case wall-clock limit: past it the case is a hang. */
export const CASE_TIMEOUT_MS = 30_000;
/** Resident memory past which a process is killed and counted as a hang ("grew without bound"). */
export const MEMORY_LIMIT_BYTES = 2.5 * 2 ** 30;
/** Most bytes of stdout or stderr kept per process. */
const CAPTURE_LIMIT = 4 << 20;

function residentBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Spawns `node bin/nutmeg.js ARGS…` in `cwd` and resolves when it ends (or is killed at the time limit). */
export function runCli(args: readonly string[], cwd: string, options: CliOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? CASE_TIMEOUT_MS;
  const start = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      // its own process group, so that a timeout also ends anything it started
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    });
    const pid = child.pid as number;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let grewTo: number | null = null;
    let sentSignal: string | null = null;
    let stdoutClosed = false;
    const closeStdout = (): void => {
      if (stdoutClosed) return;
      stdoutClosed = true;
      child.stdout.destroy();
    };
    // past the capture limit only the last CAPTURE_LIMIT characters are kept as well, so a check can see how it ended
    let tail = '';
    let cut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < CAPTURE_LIMIT) stdout += chunk.toString('utf8');
      else {
        cut = true;
        tail = (tail + chunk.toString('utf8')).slice(-CAPTURE_LIMIT);
      }
      if (options.closeStdout === 'after-first-chunk') closeStdout();
    });
    if (options.closeStdout === 'at-start') closeStdout();
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < CAPTURE_LIMIT) stderr += chunk.toString('utf8');
    });
    const timers: NodeJS.Timeout[] = [];
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup(pid, 'SIGKILL');
      }, timeoutMs),
    );
    const watch = setInterval(() => {
      const rss = residentBytes(pid);
      if (rss !== null && rss > MEMORY_LIMIT_BYTES) {
        grewTo = rss;
        killGroup(pid, 'SIGKILL');
      }
    }, 200);
    if (options.signal) {
      const { name, waitFor, delayMs, maxWaitMs = 8000 } = options.signal;
      const send = (): void => {
        timers.push(
          setTimeout(() => {
            sentSignal = name;
            // Ctrl-C signals the whole foreground group; kill(1) signals the one process
            if (name === 'SIGINT') killGroup(pid, name);
            else {
              try {
                process.kill(pid, name);
              } catch {
                // already gone
              }
            }
          }, delayMs),
        );
      };
      if (waitFor === undefined) send();
      else {
        let sent = false;
        const once = (): void => {
          if (!sent) {
            sent = true;
            send();
          }
        };
        child.stderr.on('data', () => {
          if (waitFor.test(stderr)) once();
        });
        timers.push(setTimeout(once, maxWaitMs));
      }
    }
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      clearInterval(watch);
      killGroup(pid, 'SIGKILL'); // stray grandchildren
      done({
        code,
        signal,
        stdout: cut ? `${stdout}\n…\n${tail}` : stdout,
        stderr,
        seconds: (performance.now() - start) / 1000,
        timedOut,
        grewTo,
        sentSignal,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// classification

/**
 * A JavaScript stack frame as V8 prints it (`    at f (file:///…/x.js:12:5)`, `    at node:internal/…:3:9`). Native
 * libraries' own "at" lines (Dawn's `at operator() (…/BackendVk.cpp:368)`) have no column and are not counted here.
 */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;
/** An uncaught error's first line as Node prints it (`TypeError: …`, `Error [ERR_…]: …`). */
const UNCAUGHT = /^(Uncaught )?([A-Z]\w*)?Error( \[\w+\])?: /m;
/** Lines nutmeg may print before a failure besides warnings (notices of progress). */
const NOTICE = /^(warning\b|note: |data: |model: |backend\b|auto\b|iteration |interrupted|nutmeg serve: )/;

export function stderrLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}

function tokenMatches(text: string, token: Token): boolean {
  return typeof token === 'string' ? text.toLowerCase().includes(token.toLowerCase()) : token.test(text);
}

export function missingTokens(text: string, tokens: readonly Token[] = []): Token[] {
  return tokens.filter((t) => !tokenMatches(text, t));
}

function showTokens(tokens: readonly Token[]): string {
  return tokens.map((t) => (typeof t === 'string' ? JSON.stringify(t) : String(t))).join(', ');
}

function firstLine(text: string): string {
  return stderrLines(text)[0] ?? '';
}

function clip(text: string, n = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** Whether stderr is one clear error: one `nutmeg: ` line with the tokens, nothing else but notices. */
export function judgeError(stderr: string, tokens: readonly Token[] = []): { clear: boolean; why: string } {
  const lines = stderrLines(stderr);
  const errors = lines.filter((l) => l.startsWith('nutmeg: '));
  if (errors.length !== 1) return { clear: false, why: `${errors.length} "nutmeg: " lines; stderr: ${clip(stderr)}` };
  const stray = lines.filter((l) => !l.startsWith('nutmeg: ') && !NOTICE.test(l));
  if (stray.length > 0) return { clear: false, why: `more than one line: ${clip(stray.join(' | '))} | ${clip(errors[0])}` };
  const missing = missingTokens(errors[0], tokens);
  if (missing.length > 0) return { clear: false, why: `does not name ${showTokens(missing)}: ${clip(errors[0], 240)}` };
  return { clear: true, why: clip(errors[0], 240) };
}

function verdictOutcome(v: Verdict, fallback: Outcome): { outcome: Outcome; why: string } | null {
  if (v === null) return null;
  return typeof v === 'string' ? { outcome: fallback, why: v } : v;
}

/** Exit codes meaning "ended by signal n as the CLI documents it": 128 + n, or 130 (as Ctrl-C). */
export function signalExitCodes(name: NodeJS.Signals): number[] {
  const n = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGPIPE: 13 }[name as string] ?? 0;
  return [128 + n, 130];
}

/** Classifies a CLI result against its case. */
export async function classifyCli(c: CliCase, r: RunResult, ctx: CaseContext): Promise<{ outcome: Outcome; why: string }> {
  const tokens = c.tokens ?? [];
  if (r.grewTo !== null) return { outcome: 'hang', why: `memory grew past ${(r.grewTo / 2 ** 30).toFixed(1)} GiB; killed` };
  if (r.timedOut) return { outcome: 'hang', why: `no exit within ${((c.options?.timeoutMs ?? c.timeoutMs ?? CASE_TIMEOUT_MS) / 1000).toFixed(0)} s` };
  const both = r.stderr + '\n' + r.stdout;
  if (STACK_FRAME.test(r.stderr) || (r.code !== 0 && r.code !== 2 && UNCAUGHT.test(r.stderr))) {
    const at = stderrLines(r.stderr).find((l) => UNCAUGHT.test(l)) ?? firstLine(r.stderr);
    return { outcome: 'stack-trace', why: clip(at) };
  }
  if (STACK_FRAME.test(r.stdout) && UNCAUGHT.test(both)) return { outcome: 'stack-trace', why: 'stack trace on stdout' };
  const success = [0, ...(c.successCodes ?? [])];
  const check = async (fallback: Outcome): Promise<{ outcome: Outcome; why: string } | null> =>
    c.check ? verdictOutcome(await c.check(r, ctx), fallback) : null;

  if (r.signal !== null) {
    if (r.signal !== r.sentSignal) return { outcome: 'crash', why: `killed by ${r.signal}` };
    // it died of the signal the probe sent: nothing was done to keep what it had
    const found = await check('lost-output');
    return found ?? { outcome: 'lost-output', why: `died of ${r.signal} without handling it` };
  }
  const code = r.code as number;
  if (!success.includes(code) && code !== 2) {
    return { outcome: 'crash', why: `exit ${code}${r.sentSignal ? ` after ${r.sentSignal}` : ''}: ${clip(firstLine(r.stderr))}` };
  }
  const expect: Expect = c.expect;
  if (expect === 'error') {
    if (code !== 2) return { outcome: 'silent-wrong', why: `exit ${code}; stdout: ${clip(r.stdout, 100)}; stderr: ${clip(r.stderr, 100)}` };
    const judged = judgeError(r.stderr, tokens);
    if (!judged.clear) return { outcome: 'unclear-error', why: judged.why };
    return (await check('unclear-error')) ?? { outcome: 'clear-error', why: judged.why };
  }
  if (code === 2) {
    const judged = judgeError(r.stderr, tokens);
    // an allowed refusal: the case's check is about the success, so it does not apply
    if (expect === 'either') return { outcome: judged.clear ? 'clear-error' : 'unclear-error', why: judged.why };
    return judged.clear ? { outcome: 'refused', why: judged.why } : { outcome: 'unclear-error', why: judged.why };
  }
  const found = await check('silent-wrong');
  if (found) return found;
  if (expect === 'warn') {
    const warnings = stderrLines(r.stderr).filter((l) => /^warning\b/.test(l));
    const hit = warnings.find((w) => missingTokens(w, tokens).length === 0);
    if (!hit) return { outcome: 'silent-wrong', why: `no warning naming ${showTokens(tokens)}; warnings: ${clip(warnings.join(' | ') || '(none)', 200)}` };
    return { outcome: 'warned', why: clip(hit, 200) };
  }
  return { outcome: 'ok', why: clip(firstLine(r.stderr)) };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

/** One request with a time limit; rejects on a network error, resolves null on timeout. */
export function sendRequest(base: string, req: HttpRequest, timeoutMs = 15_000): Promise<HttpResponse | null> {
  const url = new URL(req.path, base);
  const isBytes = typeof req.body === 'string' || req.body instanceof Uint8Array;
  const payload = req.body === undefined ? undefined : isBytes ? (req.body as string | Uint8Array) : JSON.stringify(req.body);
  const headers: Record<string, string> = { ...(req.body !== undefined && !isBytes ? { 'content-type': 'application/json' } : {}), ...req.headers };
  const start = performance.now();
  return new Promise((done, fail) => {
    let answered = false;
    const r = httpRequest(url, { method: req.method, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      const finish = (): void => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, seconds: (performance.now() - start) / 1000 });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', finish);
      // the server may close right after answering a body it refuses
      res.on('error', finish);
    });
    r.setTimeout(timeoutMs, () => {
      r.destroy();
      done(null);
    });
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (!answered) fail(e);
    });
    if (payload !== undefined) r.end(payload);
    else r.end();
  });
}

/** The `message` of a JSON error body, else the body itself. */
export function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : body;
  } catch {
    return body;
  }
}

export async function classifyHttp(c: HttpCase, ctx: CaseContext): Promise<{ outcome: Outcome; why: string }> {
  const base = ctx.fixtures[c.server];
  if (base === null) return { outcome: 'crash', why: `server did not start: ${ctx.fixtures.serveError ?? '?'}` };
  const req = typeof c.request === 'function' ? c.request(ctx) : c.request;
  let res: HttpResponse | null;
  try {
    res = await sendRequest(base, req, c.timeoutMs ?? CASE_TIMEOUT_MS);
  } catch (e) {
    // A server may answer an over-limit body by closing the connection before the client has sent it all (RFC 9110
    // 15.5.14): the client then sees EPIPE or a reset instead of the 413. That is a refusal, provided the server goes on.
    const code = (e as NodeJS.ErrnoException).code;
    if (c.status?.includes(413) && (code === 'EPIPE' || code === 'ECONNRESET')) {
      const after = await sendRequest(base, { method: 'GET', path: '/model' }, 10_000).catch(() => null);
      if (after !== null && after.status === 200) return { outcome: 'clear-error', why: `connection closed while the over-limit body was sent (${code}); the server went on answering` };
    }
    return { outcome: 'crash', why: `${req.method} ${req.path}: ${(e as Error).message}` };
  }
  if (res === null) return { outcome: 'hang', why: `${req.method} ${req.path}: no answer in time` };
  if (res.status >= 500) return { outcome: 'crash', why: `${res.status}: ${clip(res.body)}` };
  if (STACK_FRAME.test(res.body)) return { outcome: 'stack-trace', why: `stack in the response: ${clip(res.body)}` };
  const check = async (fallback: Outcome): Promise<{ outcome: Outcome; why: string } | null> =>
    c.check ? verdictOutcome(await c.check(res as HttpResponse, ctx), fallback) : null;
  const ok = res.status >= 200 && res.status < 300;
  const message = errorMessage(res.body);
  if (c.expect === 'error' || (c.expect === 'either' && !ok)) {
    if (ok) return { outcome: 'silent-wrong', why: `${res.status}: ${clip(res.body)}` };
    const missing = missingTokens(message, c.tokens);
    if (c.status && !c.status.includes(res.status)) return { outcome: 'unclear-error', why: `status ${res.status}, expected ${c.status.join('/')}: ${clip(message)}` };
    if (missing.length > 0) return { outcome: 'unclear-error', why: `${res.status} does not name ${showTokens(missing)}: ${clip(message, 240)}` };
    if (c.expect === 'either') return { outcome: 'clear-error', why: `${res.status} ${clip(message, 200)}` };
    return (await check('unclear-error')) ?? { outcome: 'clear-error', why: `${res.status} ${clip(message, 200)}` };
  }
  if (!ok) return { outcome: 'refused', why: `${res.status}: ${clip(message, 240)}` };
  return (await check('silent-wrong')) ?? { outcome: 'ok', why: `${res.status} in ${res.seconds.toFixed(2)} s` };
}

// ---------------------------------------------------------------------------------------------------------------
// running

export function caseDir(root: string, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  return mkdtempSync(join(root, `${safe}-`));
}

export function makeContext(dir: string, fixtures: Fixtures): CaseContext {
  return { dir, fixtures, cli: (args, options) => runCli(args, dir, options) };
}

export async function runCase(c: ProbeCase, root: string, fixtures: Fixtures): Promise<CaseOutcome> {
  const start = performance.now();
  const dir = caseDir(root, `${c.class}-${c.name}`);
  const ctx = makeContext(dir, fixtures);
  let result: { outcome: Outcome; why: string };
  try {
    if (c.kind === 'http') result = await classifyHttp(c, ctx);
    else if (c.kind === 'custom') result = await c.run(ctx);
    else {
      for (const [name, content] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), content);
      }
      await c.prepare?.(ctx);
      const args = typeof c.args === 'function' ? c.args(ctx) : c.args;
      const r = await runCli(args, dir, { timeoutMs: c.timeoutMs, ...c.options });
      result = await classifyCli(c, r, ctx);
    }
  } catch (e) {
    // a failure of the probe itself is reported as such, never as a pass
    result = { outcome: 'crash', why: `probe error: ${(e as Error).stack?.split('\n').slice(0, 2).join(' ') ?? String(e)}` };
  }
  return { class: c.class, name: c.name, expect: c.expect, outcome: result.outcome, why: result.why, seconds: (performance.now() - start) / 1000 };
}

/** Runs the cases, `concurrency` at a time (background cases alongside), in the order given. */
export async function runAll(cases: readonly ProbeCase[], root: string, fixtures: Fixtures, concurrency = 2): Promise<CaseOutcome[]> {
  const results: CaseOutcome[] = new Array(cases.length);
  const background = cases.map((c, i) => [c, i] as const).filter(([c]) => c.kind === 'custom' && c.background);
  const pooled = cases.map((c, i) => [c, i] as const).filter(([c]) => !(c.kind === 'custom' && c.background));
  const side = background.map(async ([c, i]) => {
    results[i] = await runCase(c, root, fixtures);
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pooled.length) {
      const [c, i] = pooled[next++];
      results[i] = await runCase(c, root, fixtures);
    }
  };
  await Promise.all([...Array.from({ length: concurrency }, worker), ...side]);
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// report

export function countTable(results: readonly CaseOutcome[]): { columns: string[]; rows: (string | number)[][] } {
  const columns = ['class', ...OUTCOMES, 'total'];
  const rows: (string | number)[][] = [];
  for (const cls of [...PROBE_CLASSES, 'all'] as const) {
    const mine = results.filter((r) => cls === 'all' || r.class === cls);
    rows.push([cls, ...OUTCOMES.map((o) => mine.filter((r) => r.outcome === o).length), mine.length]);
  }
  return { columns, rows };
}

export function textTable(t: { columns: string[]; rows: (string | number)[][] }): string {
  const widths = t.columns.map((c, j) => Math.max(c.length, ...t.rows.map((r) => String(r[j]).length)));
  const line = (cells: (string | number)[]): string => cells.map((c, j) => (j === 0 ? String(c).padEnd(widths[j]) : String(c).padStart(widths[j]))).join('  ');
  return [line(t.columns), ...t.rows.map(line)].join('\n');
}

export function markdownReport(results: readonly CaseOutcome[], skipped: readonly string[], seconds: number): string {
  const t = countTable(results);
  const md: string[] = [];
  md.push(`# nutmeg robustness probe`, '', `${results.length} cases in ${seconds.toFixed(0)} s.`, '');
  md.push(`| ${t.columns.join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`);
  for (const r of t.rows) md.push(`| ${r.join(' | ')} |`);
  const bad = results.filter((r) => !GOOD_OUTCOMES.includes(r.outcome));
  md.push('', `## Cases not ok (${bad.length})`, '', '| class | case | expected | outcome | why |', '| --- | --- | --- | --- | --- |');
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  for (const r of bad) md.push(`| ${r.class} | ${esc(r.name)} | ${r.expect} | ${r.outcome} | ${esc(r.why)} |`);
  if (skipped.length > 0) md.push('', '## Skipped', '', ...skipped.map((s) => `- ${s}`));
  return md.join('\n') + '\n';
}

export function probeRoot(): string {
  return mkdtempSync(join(tmpdir(), 'nutmeg-probe-'));
}
