/**
 * `nutmeg devices`: the WebGPU adapters Dawn offers on this machine (one line each: name, backend, feature level,
 * driver description), and which one `--backend webgpu` would pick. A software adapter (llvmpipe) is marked.
 */
import type { Command } from 'commander';
import { isSoftwareAdapter } from '../backend/select.js';

/** Listing every backend takes longer than `auto`'s probe, and the user asked for it: wait longer. */
const DEVICES_PROBE_TIMEOUT_MS = 30_000;

export function register(program: Command): void {
  program
    .command('devices')
    .description('list the WebGPU adapters (GPUs, or software rasterisers) nutmeg can use')
    .option('--json', 'print the list as JSON')
    .option('--verbose', "also print, on stderr, what Dawn and the drivers said while probing")
    .action(async (opts: { json?: boolean; verbose?: boolean }) => {
      // probed in a child process so Dawn's and the drivers' warnings stay off the terminal (see webgpu/probe.ts)
      const { runProbe, probeChildCommand } = await import('../backend/webgpu/probe.js');
      const probe = await runProbe(probeChildCommand(), DEVICES_PROBE_TIMEOUT_MS);
      if (opts.verbose && probe.output !== '') process.stderr.write(`${probe.output}\n`);
      if (probe.failure !== null) {
        process.stdout.write(opts.json ? '[]\n' : `no WebGPU adapters: ${probe.failure}\n`);
        return;
      }
      const adapters = probe.adapters;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(adapters, null, 2)}\n`);
        return;
      }
      if (adapters.length === 0) {
        process.stdout.write('no WebGPU adapters found; fits use the native or reference backend\n');
        return;
      }
      for (const a of adapters) {
        const kind = isSoftwareAdapter(a.name) ? ' [software]' : '';
        process.stdout.write(`${a.name}${kind}  backend: ${a.backend} (${a.featureLevel})  ${a.description}\n`);
      }
      process.stdout.write('pick one with --backend webgpu --adapter NAME (any part of its name)\n');
    });
}
