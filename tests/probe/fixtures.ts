/**
 * The shared fixtures of the probe: a data file, three small runs (for summary, loo, compare, score and serve),
 * a run of the Hillstrom hierarchical model on simulated data, and two `nutmeg serve` processes on free ports.
 * A fixture that cannot be built is recorded, not thrown: the cases that need it then fail on their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli } from './harness.js';
import { csv, table } from './data.js';
import type { Fixtures } from './types.js';

const FIT = ['--chains', '2', '--warmup', '20', '--draws', '20', '--backend', 'reference', '--seed', '3', '--quiet'];

export interface StartedFixtures {
  readonly fixtures: Fixtures;
  /** Stops the servers. */
  stop(): Promise<void>;
}

/** Starts `nutmeg serve RUN --port 0` and resolves to its base URL from the start-up line. */
function serve(run: string, cwd: string, servers: ChildProcess[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'serve', run, '--port', '0'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    servers.push(child);
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`no start-up line in 30 s: ${stderr.slice(0, 300)}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const m = /nutmeg serve: (https?:\/\/[^\s,()]+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        // a wildcard address is reachable on loopback
        done(m[1].replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]'));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited ${code} before listening: ${stderr.slice(0, 300)}`));
    });
  });
}

export async function startFixtures(root: string): Promise<StartedFixtures> {
  const dir = join(root, 'fixtures');
  mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  const data = join(dir, 'data.csv');
  const data50 = join(dir, 'data50.csv');
  const full = table(120, 11);
  writeFileSync(data, csv(full));
  writeFileSync(data50, csv({ header: full.header, rows: full.rows.slice(0, 50) }));
  const fit = async (name: string, args: string[]): Promise<string> => {
    const out = join(dir, name);
    const r = await runCli(['fit', ...args, ...FIT, '--out', out], dir, { timeoutMs: 60_000 });
    if (r.code !== 0) problems.push(`${name}: exit ${r.code ?? r.signal}: ${r.stderr.split('\n').find((l) => l.trim() !== '') ?? ''}`);
    return out;
  };
  const [run, runPooled, runSmall, hillstromRun] = await Promise.all([
    fit('run', ['--data', data, '--formula', 'y ~ x + z + g + (1 | h)']),
    fit('run-pooled', ['--data', data, '--formula', 'y ~ x']),
    fit('run-small', ['--data', data50, '--formula', 'y ~ x']),
    fit('hillstrom', ['--data', 'sim:hillstrom', '--rows', '2000', '--model', 'hierarchical']),
  ]);
  const servers: ChildProcess[] = [];
  let api: string | null = null;
  let hillstromApi: string | null = null;
  let serveError: string | null = null;
  try {
    [api, hillstromApi] = await Promise.all([serve(run, dir, servers), serve(hillstromRun, dir, servers)]);
  } catch (e) {
    serveError = (e as Error).message;
    problems.push(`serve: ${serveError}`);
  }
  const stop = async (): Promise<void> => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((done) => {
            if (s.exitCode !== null || s.signalCode !== null) return done();
            s.once('exit', () => done());
            s.kill('SIGKILL');
          }),
      ),
    );
  };
  return { fixtures: { dir, data, run, runPooled, runSmall, hillstromRun, api, hillstromApi, serveError, problems }, stop };
}
