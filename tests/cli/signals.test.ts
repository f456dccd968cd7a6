/**
 * Signals and closed pipes on a real `nutmeg` process (src/cli/signals.ts), run from the sources through tsx (a
 * devDependency) with the same entry as bin/nutmeg.js: SIGTERM and SIGHUP stop a fit as Ctrl-C does — draws kept and
 * written, marked incomplete, exit 128 + signal — and a reader that closes the pipe early gets a quiet exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietOnClosedPipes, signalExitCode, trapStopSignals } from '../../src/cli/signals.js';

const root = resolve(import.meta.dirname, '../..');
const ENTRY = "import('./src/cli/main.ts').then((m) => m.runCli(process.argv))";

function nutmeg(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', '-e', ENTRY, 'nutmeg', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (child: ReturnType<typeof nutmeg>): Promise<number | null> => new Promise((r) => child.on('exit', (code) => r(code)));

describe('stop signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s during sampling: draws written, marked incomplete, exit %d', async (signal, code) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nutmeg-signal-')), 'run');
    // long enough never to finish: the first plain progress line comes at a tenth of the run, in sampling
    const child = nutmeg(['fit', '--rows', '200', '--model', 'pooled', '--chains', '2', '--warmup', '20', '--draws', '200000', '--backend', 'reference', '--out', dir]);
    let err = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (!sent && /^iteration \d+\/\d+ /m.test(err)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stdout.resume();
    expect(await exited(child)).toBe(code);
    expect(sent).toBe(true);
    expect(err).toContain(`interrupted (${signal}): finishing the current iteration`);
    expect(err).toMatch(/warning: sampling was interrupted after \d+ of 200000 draws/);
    expect(err).not.toMatch(/^\s+at /m);
    expect(readdirSync(dir).sort()).toEqual(['chain-1.csv', 'chain-2.csv', 'fit.json']);
    const meta = JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8')) as { incomplete: boolean };
    expect(meta.incomplete).toBe(true);
    expect(readFileSync(join(dir, 'chain-1.csv'), 'utf8')).toMatch(/^# {3}incomplete = 1$/m);
  }, 120_000);
});

describe('closed pipes', () => {
  it('nutmeg summary | head -1: head exits after the first line; nutmeg exits 0 quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-pipe-'));
    // 1500 variables: a table of ~150 kB, far beyond a pipe's 64 kB buffer, so writes meet the closed end
    const names = Array.from({ length: 1500 }, (_, j) => `v${j}`);
    let text = `chain,draw,${names.join(',')}\n`;
    for (let c = 1; c <= 2; c++) for (let d = 1; d <= 20; d++) text += `${c},${d},${names.map((_, j) => ((j * 7 + d * 13 + c) % 17) / 3).join(',')}\n`;
    writeFileSync(join(dir, 'draws.csv'), text);
    // a real `| head -1` (the shell reports nutmeg's own exit status): head exits after one line, closing the pipe
    // while nutmeg is still writing; reading the pipe from here instead would drain it before closing
    const script = `'${process.execPath}' --import tsx -e "${ENTRY.replace(/"/g, '\\"')}" nutmeg summary '${join(dir, 'draws.csv')}' | head -1; echo "nutmeg exit \${PIPESTATUS[0]}" >&2`;
    const child = spawn('bash', ['-c', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let first = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (first += chunk.toString()));
    expect(await exited(child)).toBe(0);
    expect(first).toMatch(/^variable +mean[^\n]*\n$/);
    expect(err).toMatch(/nutmeg exit 0\n$/);
    expect(err).not.toMatch(/Error|EPIPE|^\s+at /m);
  }, 120_000);

  it('quietOnClosedPipes: EPIPE on stdout exits 0, errors on stderr are swallowed, others rethrown', () => {
    type Listener = (e: Error) => void;
    const listeners: Record<string, Listener> = {};
    const stream = (name: string) => ({ on: (_event: 'error', l: Listener) => void (listeners[name] = l) });
    const exit = vi.fn();
    quietOnClosedPipes(stream('out'), stream('err'), exit);
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    listeners.out(epipe);
    expect(exit).toHaveBeenCalledWith(0);
    expect(() => listeners.err(epipe)).not.toThrow();
    expect(() => listeners.out(Object.assign(new Error('write EIO'), { code: 'EIO' }))).toThrow('write EIO');
  });
});

describe('trapStopSignals', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the first signal calls onFirst; a second cleans up and exits with 128 + its number', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const first = vi.fn();
    const cleanup = vi.fn();
    const trap = trapStopSignals(first, cleanup);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(first).toHaveBeenCalledWith('SIGTERM');
      expect(trap.caught()).toBe('SIGTERM');
      expect(exit).not.toHaveBeenCalled();
      process.emit('SIGINT', 'SIGINT');
      expect(cleanup).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      trap.release();
    }
    expect(process.listenerCount('SIGHUP')).toBe(0);
    expect([signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGHUP')]).toEqual([130, 143, 129]);
  });
});
