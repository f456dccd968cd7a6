/**
 * The server side of bench/serve.bench.ts, in its own process as it would be deployed: `nutmeg serve`'s
 * buildServer on RUN_DIR, port 0 on 127.0.0.1; prints `listening <url>` on stdout and runs until SIGTERM.
 * Usage: node --import tsx bench/serve-server.ts RUN_DIR
 */
import { loadRun } from '../src/io/run-dir.js';
import { buildServer } from '../src/serve/server.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: serve-server.ts RUN_DIR');
const app = buildServer(loadRun(dir));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
