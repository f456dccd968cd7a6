/**
 * `nutmeg serve RUN_DIR`: the scoring API (src/serve/server.ts) on 127.0.0.1:8080 unless told otherwise; runs until
 * SIGINT or SIGTERM.
 */
import type { Command } from 'commander';
import { DEFAULT_THRESHOLDS, checkThresholds } from '../decision/policy.js';
import { UserError } from '../errors.js';
import { loadRun } from '../io/run-dir.js';
import { buildServer, SERVE_DEFAULTS } from '../serve/server.js';
import { nonNegativeInt, positiveInt } from './options.js';

interface ServeFlags {
  port: string;
  host: string;
  maxRows: string;
  bodyLimit: string;
  targetProb: string;
  testProb: string;
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

async function run(runDir: string, f: ServeFlags): Promise<void> {
  const port = nonNegativeInt('--port', f.port);
  if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`);
  const thresholds = checkThresholds({ target: Number(f.targetProb), test: Number(f.testProb) });
  const app = buildServer(loadRun(runDir), {
    maxRows: positiveInt('--max-rows', f.maxRows),
    bodyLimit: positiveInt('--body-limit', f.bodyLimit),
    thresholds,
  });
  let address: string;
  try {
    address = await app.listen({ port, host: f.host });
  } catch (e) {
    throw new UserError(`cannot listen on ${f.host}:${port}: ${(e as Error).message}; pick another --port or --host`);
  }
  if (f.host !== '127.0.0.1' && f.host !== 'localhost' && f.host !== '::1') {
    say(`warning: listening on ${f.host}, reachable from other machines; the API has no authentication`);
  }
  say(`nutmeg serve: ${address} (POST /score, GET /model, GET /report); Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      void app.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve a fitted run over HTTP: POST /score, GET /model, GET /report')
    .argument('<run_dir>', 'a run written by nutmeg fit --out')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <address>', 'address to bind; other than loopback exposes the API to the network', '127.0.0.1')
    .option('--max-rows <n>', 'most rows per POST /score request', String(SERVE_DEFAULTS.maxRows))
    .option('--body-limit <bytes>', 'largest request body', String(SERVE_DEFAULTS.bodyLimit))
    .option('--target-prob <p>', 'P(uplift > 0) at or above which the action is "target"', String(DEFAULT_THRESHOLDS.target))
    .option('--test-prob <p>', 'P(uplift > 0) at or above which the action is "test more"', String(DEFAULT_THRESHOLDS.test))
    .addHelpText(
      'after',
      `
Example:
  nutmeg serve runs/hier --port 8080
  curl -s localhost:8080/score -H 'content-type: application/json' \\
    -d '{"rows":[{"id":"c1","recency_z":0.2,"history_z":-0.4,"mens":1,"womens":0,"newbie":1,"history_segment":"1) $0 - $100"}]}'`,
    )
    .action(run);
}
