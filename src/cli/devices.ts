/**
 * `nutmeg devices`: the WebGPU adapters Dawn offers on this machine (one line each: name, backend, feature level,
 * driver description), and which one `--backend webgpu` would pick. A software adapter (llvmpipe) is marked.
 */
import type { Command } from 'commander';
import { isSoftwareAdapter } from '../backend/select.js';

export function register(program: Command): void {
  program
    .command('devices')
    .description('list the WebGPU adapters (GPUs, or software rasterisers) nutmeg can use')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listAdapters } = await import('../backend/webgpu/device.js');
      const { isBackendUnavailable } = await import('../backend/webgpu/errors.js');
      let adapters;
      try {
        adapters = await listAdapters();
      } catch (e) {
        if (!isBackendUnavailable(e)) throw e;
        process.stdout.write(opts.json ? '[]\n' : `no WebGPU adapters: ${e.message}\n`);
        return;
      }
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
