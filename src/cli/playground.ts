/**
 * `nutmeg playground`: serves the playground page (dist/web: the page, its script and the fit's Web Worker) on
 * localhost, where the browser fits models with nutmeg's browser build (WebGPU, else the wasm engine, else the
 * TypeScript reference backend). The server makes the page cross-origin isolated (COOP/COEP, serve/playground-server.ts),
 * so the wasm engine runs its threaded build; the same folder works from any static host, single-threaded without them.
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { nonNegativeInt } from './options.js';

interface PlaygroundFlags {
  port: string;
  host: string;
}

async function run(f: PlaygroundFlags): Promise<void> {
  const port = nonNegativeInt('--port', f.port);
  if (port > 65535) throw new UserError(`--port must be at most 65535, got ${port}`);
  const { startPlaygroundServer, WEB_DIR } = await import('../serve/playground-server.js');
  const served = await startPlaygroundServer(port, f.host);
  process.stderr.write(`nutmeg playground: ${served.url} (serving ${WEB_DIR}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      void served.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  program
    .command('playground')
    .description('serve the playground page: fit models in the browser (WebGPU or CPU), see summaries, plots and LOO, download the run')
    .option('--port <n>', 'TCP port (0: any free port)', '8090')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action(run);
}
