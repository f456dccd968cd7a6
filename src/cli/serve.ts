/**
 * `nutmeg serve RUN_DIR`: the scoring API (src/serve/server.ts) on 127.0.0.1:8080 unless told otherwise; runs until
 * SIGINT or SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { DEFAULT_THRESHOLDS, checkThresholds } from '../decision/policy.js';
import { UserError } from '../errors.js';
import { loadRun } from '../io/run-dir.js';
import { BODY_BYTES_PER_ROW, defaultBodyLimit, SERVE_DEFAULTS } from '../serve/limits.js';
import { nonNegativeInt, positiveInt } from './options.js';

interface ServeFlags {
  port: string;
  host: string;
  maxRows: string;
  bodyLimit?: string;
  requestTimeout: string;
  targetProb: string;
  testProb: string;
}

/** A compact Hillstrom row with an id and every column is about 250 bytes; the --body-limit warning uses 300. */
const TYPICAL_ROW_BYTES = 300;

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

async function run(runDir: string, f: ServeFlags): Promise<void> {
  const port = nonNegativeInt('--port', f.port);
  if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`);
  const thresholds = checkThresholds({ target: Number(f.targetProb), test: Number(f.testProb) });
  const maxRows = positiveInt('--max-rows', f.maxRows);
  const bodyLimit = f.bodyLimit === undefined ? defaultBodyLimit(maxRows) : positiveInt('--body-limit', f.bodyLimit);
  const requestTimeout = positiveInt('--request-timeout', f.requestTimeout);
  if (requestTimeout > 3600) throw new UserError(`--request-timeout must be at most 3600 seconds, got ${requestTimeout}`);
  if (bodyLimit < maxRows * TYPICAL_ROW_BYTES) {
    say(
      `warning: --body-limit ${bodyLimit} bytes holds about ${Math.floor(bodyLimit / TYPICAL_ROW_BYTES)} rows of ${TYPICAL_ROW_BYTES} bytes, ` +
        `fewer than --max-rows ${maxRows}; larger requests get 413`,
    );
  }
  // fastify and the report code load only when a server is started (issue 16 item 6)
  const { buildServer } = await import('../serve/server.js');
  const app = buildServer(loadRun(runDir, 'nutmeg serve'), { maxRows, bodyLimit, thresholds, requestTimeoutMs: requestTimeout * 1000 });
  try {
    await app.listen({ port, host: f.host });
  } catch (e) {
    throw new UserError(`cannot listen on ${f.host}:${port}: ${(e as Error).message}; pick another --port or --host`);
  }
  const bound = app.addresses().filter((a): a is AddressInfo => typeof a !== 'string');
  if (bound.some((a) => !isLoopback(a.address))) {
    say(`warning: listening on ${f.host}, reachable from other machines; the API has no authentication`);
  }
  const urls = bound.map((a) => `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
  const all = bound.some((a) => a.address === '0.0.0.0' || a.address === '::') ? ' (every interface of this machine)' : '';
  say(`nutmeg serve: ${urls.join(', ')}${all} (POST /score, GET /model, GET /report); Ctrl-C stops`);
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
    .option('--body-limit <bytes>', `largest request body (default: ${BODY_BYTES_PER_ROW} bytes per --max-rows row, at least 1 MiB)`)
    .option('--request-timeout <s>', 'seconds a client has to send a whole request; slower clients are cut off', String(SERVE_DEFAULTS.requestTimeoutMs / 1000))
    .option('--target-prob <p>', 'P(uplift > 0) at or above which the action is "target"', String(DEFAULT_THRESHOLDS.target))
    .option('--test-prob <p>', 'P(uplift > 0) at or above which the action is "test more"', String(DEFAULT_THRESHOLDS.test))
    .addHelpText(
      'after',
      `
Example:
  nutmeg serve runs/hier --port 8080
  curl -s localhost:8080/score -H 'content-type: application/json' \\
    -d '{"rows":[{"id":"c1","recency":3,"history":120.5,"mens":1,"womens":0,"newbie":1,"history_segment":"2) $100 - $200"}]}'`,
    )
    .action(run);
}
