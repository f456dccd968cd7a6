import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNativeBackend, defaultNativeThreads, loadNativeAddon, type NativeBackend } from '../../src/backend/native.js';
import { SMALL_WORK_LIMIT, callWork, isSmallWork } from '../../src/backend/work-size.js';
import { createBackend, isSoftwareAdapter, vulkanLoaderPresent } from '../../src/backend/select.js';
import { UserError } from '../../src/errors.js';
import type { BackendOptions } from '../../src/backend/backend.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { PROBE_MARKER, parseProbeAnswer, probeChildCommand, probeGpu, resetGpuProbe, runProbe } from '../../src/backend/webgpu/probe.js';
import { familyLinks, kernelsSupportFamily } from '../../src/model/families/index.js';
import { FAMILIES } from '../../src/model/spec.js';
import { familySpec } from '../helpers/family-specs.js';
import { randomSpec } from '../helpers/specs.js';

describe('backend selection', () => {
  it('recognises software rasterisers by adapter name', () => {
    expect(isSoftwareAdapter('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareAdapter('SwiftShader Device (Subzero)')).toBe(true);
    expect(isSoftwareAdapter('NVIDIA H100 80GB HBM3')).toBe(false);
  });

  it('finds the Vulkan loader on LD_LIBRARY_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-vk-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: dir })).toBe(true);
  });

  it('auto picks the native backend on a machine without a GPU, saying why in one line', async () => {
    const lines: string[] = [];
    const backend = await createBackend('auto', randomSpec('pooled', { n: 100 }), {}, (l) => lines.push(l));
    expect(backend.kind).toBe(loadNativeAddon() ? 'native' : 'reference');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    await backend.dispose();
  });

  it('an explicitly requested backend that cannot start is a user error, not a fallback', async () => {
    const spec = randomSpec('pooled', { n: 100 });
    await expect(createBackend('webgpu', spec, { adapter: 'no-such-adapter-anywhere' })).rejects.toBeInstanceOf(UserError);
  });

  it('auto falls back to the wasm engine when the native addon is missing, saying why in one line', async () => {
    // the addon's loader is replaced by one that fails as a missing build does (src/backend/native.ts's reason)
    const missing = async (): Promise<never> => {
      throw new Error('native backend not built (no /nowhere/nutmeg_native.node; run npm run build)');
    };
    const wasm = async (spec: ModelSpec, options: BackendOptions) => (await import('../../src/backend/wasm/backend.js')).createWasmBackend(spec, options);
    const spec = randomSpec('hierarchical', { n: 300 });
    const lines: string[] = [];
    const backend = await createBackend('auto', spec, { maxChains: 2 }, (l) => lines.push(l), undefined, { native: missing, wasm });
    const reference = await createBackend('reference', spec, { maxChains: 2 });
    try {
      expect(lines).toEqual([
        'backend: wasm (300 rows × 2 chains: too small for a GPU to pay off, not probed; native addon unavailable: native backend not built (no /nowhere/nutmeg_native.node; run npm run build))',
      ]);
      expect(backend.kind).toBe('wasm');
      // it is the wasm engine that answers: its log density and gradient agree with the reference backend's
      const theta = Float64Array.from({ length: 2 * spec.dim }, (_, i) => 0.1 * Math.sin(i + 1));
      const got = { logp: new Float64Array(2), grad: new Float64Array(2 * spec.dim) };
      const want = { logp: new Float64Array(2), grad: new Float64Array(2 * spec.dim) };
      await backend.logDensityGradient(theta, 2, got.logp, got.grad);
      await reference.logDensityGradient(theta, 2, want.logp, want.grad);
      for (let c = 0; c < 2; c++) expect(Math.abs(got.logp[c] - want.logp[c])).toBeLessThan(1e-9 * Math.abs(want.logp[c]));
      for (let j = 0; j < want.grad.length; j++) expect(Math.abs(got.grad[j] - want.grad[j])).toBeLessThan(1e-8 * (1 + Math.abs(want.grad[j])));
    } finally {
      await Promise.all([backend.dispose(), reference.dispose()]);
    }
    // with the wasm engine missing too, the reference backend runs and the line names both reasons
    const none: string[] = [];
    const noWasm = async (): Promise<never> => {
      throw new Error('wasm kernels not built (no /nowhere/nutmeg_kernels.wasm; install emscripten and run npm run build)');
    };
    const last = await createBackend('auto', spec, { maxChains: 2 }, (l) => none.push(l), undefined, { native: missing, wasm: noWasm });
    await last.dispose();
    expect(last.kind).toBe('reference');
    expect(none).toHaveLength(1);
    expect(none[0]).toMatch(/^backend: reference \(300 rows × 2 chains: .*; native addon unavailable: native backend not built .*; wasm: wasm kernels not built .*\)$/);
  });

  it('auto names the chosen backend in one line of its own format', async () => {
    const lines: string[] = [];
    const backend = await createBackend('auto', randomSpec('pooled', { n: 100 }), {}, (l) => lines.push(l));
    await backend.dispose();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^backend: ${backend.kind} \\((no GPU: .*|webgpu on .* failed: .*|100 rows × 4 chains: too small .*)\\)$`));
  });
});

describe('backend choice by data size (issue 16 item 6)', () => {
  /** Runs `body` with a fake Vulkan loader on LD_LIBRARY_PATH, so that `auto` would probe for a GPU if it chose to. */
  async function withVulkanLoader<T>(body: () => Promise<T>): Promise<T> {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-vk-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    const saved = process.env.LD_LIBRARY_PATH;
    process.env.LD_LIBRARY_PATH = saved ? `${dir}:${saved}` : dir;
    try {
      return await body();
    } finally {
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
      else process.env.LD_LIBRARY_PATH = saved;
    }
  }

  it('the small-call limit is where a call is too small for a GPU or a second thread', () => {
    expect(callWork(56, 4)).toBe(224);
    expect(callWork(3000, undefined)).toBe(12_000);
    expect(isSmallWork(callWork(3000, 4))).toBe(true);
    expect(isSmallWork(SMALL_WORK_LIMIT - 1)).toBe(true);
    expect(isSmallWork(SMALL_WORK_LIMIT)).toBe(false);
    expect(isSmallWork(callWork(64_000, 4))).toBe(false);
    // LOO prepares one chain and pointwise blocks of 256 draws: its calls are rows × 256
    expect(callWork(3000, 1, 256)).toBe(768_000);
    expect(isSmallWork(callWork(3000, 1, 256))).toBe(false);
    expect(defaultNativeThreads(callWork(3000, 1, 256), 16)).toBe(16);
  });

  it('auto does not probe for a GPU when the data are small, and says so', async () => {
    resetGpuProbe();
    const lines: string[] = [];
    const details: string[] = [];
    const backend = await withVulkanLoader(() =>
      createBackend('auto', randomSpec('hierarchical', { n: 56 }), { maxChains: 4 }, (l) => lines.push(l), (l) => details.push(l)),
    );
    await backend.dispose();
    expect(details.filter((l) => l.startsWith('gpu probe'))).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backend: (native|reference) \(56 rows × 4 chains: too small for a GPU to pay off, not probed[);]/);
  });

  it('auto probes for a GPU when the data are large enough for one to pay off', async () => {
    resetGpuProbe();
    const details: string[] = [];
    const backend = await withVulkanLoader(() =>
      createBackend('auto', randomSpec('pooled', { n: SMALL_WORK_LIMIT / 4 }), { maxChains: 4 }, () => {}, (l) => details.push(l)),
    );
    await backend.dispose();
    resetGpuProbe();
    expect(details.filter((l) => l.startsWith('gpu probe: '))).toHaveLength(1);
  }, 60_000);

  it.skipIf(!loadNativeAddon())('native: small data run on one thread with in-process calls, large data on every core', async () => {
    const small = (await createNativeBackend(randomSpec('hierarchical', { n: 56 }), { maxChains: 4 })) as NativeBackend;
    const large = (await createNativeBackend(randomSpec('pooled', { n: SMALL_WORK_LIMIT / 4 }), { maxChains: 4 })) as NativeBackend;
    const asked = (await createNativeBackend(randomSpec('hierarchical', { n: 56 }), { maxChains: 4, threads: 2 })) as NativeBackend;
    try {
      expect(small.sync).toBe(true);
      // the row layout chosen from the data follows (native/src/model.hpp): a 56-row model has short cells
      expect(small.description).toMatch(/^native \(1 thread, .*, in-process calls, rows sorted by level\)$/);
      expect(large.sync).toBe(false);
      expect(large.description).toContain(`(${defaultNativeThreads(SMALL_WORK_LIMIT)} thread`);
      expect(defaultNativeThreads(SMALL_WORK_LIMIT, 16)).toBe(16);
      expect(defaultNativeThreads(SMALL_WORK_LIMIT - 1, 16)).toBe(1);
      // an explicit --threads is kept
      expect(asked.description).toMatch(/^native \(2 threads, /);
    } finally {
      await Promise.all([small.dispose(), large.dispose(), asked.dispose()]);
    }
  });
});

/** A probe child given as inline code: `node -e CODE`. */
const inline = (code: string) => ({ command: process.execPath, args: ['-e', code] });

describe('GPU probe in a child process', () => {
  it('reads the marked answer and keeps everything else as captured output, never printing it', async () => {
    const listing = { name: 'Test GPU', description: 'd', backend: 'vulkan', featureLevel: 'core', vendor: 'v', architecture: 'a' };
    const code =
      `console.error('Warning: Couldn\\'t load Vulkan (BackendVk.cpp:368)'); console.log('dawn noise');` +
      `console.log(${JSON.stringify(PROBE_MARKER)} + JSON.stringify({ adapters: [${JSON.stringify(listing)}] }))`;
    const probe = await runProbe(inline(code), 10_000);
    expect(probe.failure).toBeNull();
    expect(probe.adapters).toEqual([listing]);
    expect(probe.output).toContain('BackendVk.cpp');
    expect(probe.output).toContain('dawn noise');
    expect(probe.output).not.toContain(PROBE_MARKER);
  });

  it('a child that prints garbage, crashes or hangs gives a clean reason and no adapters', async () => {
    const garbage = await runProbe(inline(`console.log('garbage'); console.log(${JSON.stringify(PROBE_MARKER)} + '{not json')`), 10_000);
    expect(garbage).toMatchObject({ adapters: [], failure: 'the GPU probe gave no answer (exit code 0)' });
    const wrongShape = await runProbe(inline(`console.log(${JSON.stringify(PROBE_MARKER)} + JSON.stringify({ adapters: [{ name: 1 }] }))`), 10_000);
    expect(wrongShape.failure).toBe('the GPU probe gave no answer (exit code 0)');
    const crash = await runProbe(inline(`console.error('Segmentation fault in dawn.node'); process.kill(process.pid, 'SIGSEGV')`), 10_000);
    expect(crash).toMatchObject({ adapters: [], failure: 'the GPU probe crashed (SIGSEGV)' });
    expect(crash.output).toContain('Segmentation fault');
    const exit = await runProbe(inline(`process.exit(3)`), 10_000);
    expect(exit.failure).toBe('the GPU probe gave no answer (exit code 3)');
    const t = performance.now();
    const hang = await runProbe(inline(`console.error('waiting'); setInterval(() => {}, 1000)`), 500);
    expect(hang).toMatchObject({ adapters: [], failure: 'the GPU probe did not answer within 1 s' });
    expect(performance.now() - t).toBeLessThan(5_000);
    const missing = await runProbe({ command: '/nonexistent/node-binary', args: [] }, 10_000);
    expect(missing.failure).toMatch(/^the GPU probe could not start \(/);
    const dawnError = await runProbe(inline(`console.log(${JSON.stringify(PROBE_MARKER)} + JSON.stringify({ error: 'cannot load dawn.node' }))`), 10_000);
    expect(dawnError.failure).toBe('WebGPU unavailable: cannot load dawn.node');
  });

  it('parses only a well-formed answer line', () => {
    expect(parseProbeAnswer('noise\n')).toBeNull();
    expect(parseProbeAnswer(`${PROBE_MARKER}{"adapters":[]}\n`)).toEqual({ adapters: [] });
    expect(parseProbeAnswer(`${PROBE_MARKER}null`)).toBeNull();
  });

  it('the real child lists adapters (or fails cleanly) and the answer is cached for the process', async () => {
    resetGpuProbe();
    expect(probeChildCommand().args.at(-1)).toMatch(/probe-child\.ts$/);
    const first = probeGpu();
    const second = probeGpu();
    expect(second).toBe(first);
    const probe = await first;
    expect(probe.failure === null || typeof probe.failure === 'string').toBe(true);
    for (const a of probe.adapters) expect(typeof a.name).toBe('string');
    expect(await probeGpu()).toBe(probe);
    resetGpuProbe();
  }, 30_000);
});

describe('families on the kernel backends', () => {
  const gaussianSpec = () => familySpec(randomSpec('pooled', { n: 50 }), { family: 'gaussian' });

  it('every family and link has native and WebGPU kernels in this version', () => {
    for (const family of FAMILIES) {
      for (const link of familyLinks(family)) {
        expect(kernelsSupportFamily('native', family, link), `${family}/${link}`).toBe(true);
        expect(kernelsSupportFamily('webgpu', family, link), `${family}/${link}`).toBe(true);
      }
    }
  });

  it.skipIf(!loadNativeAddon())('auto picks the native backend for a gaussian model on small data, no GPU probed', async () => {
    const lines: string[] = [];
    const backend = await createBackend('auto', gaussianSpec(), {}, (l) => lines.push(l));
    expect(backend.kind).toBe('native');
    expect(lines).toEqual(['backend: native (50 rows × 4 chains: too small for a GPU to pay off, not probed)']);
    await backend.dispose();
  });
});

describe('the probit link', () => {
  it.skipIf(!loadNativeAddon())('runs on the native backend', async () => {
    const spec = { ...randomSpec('pooled', { n: 50 }), link: 'probit' as const };
    const backend = await createBackend('native', spec);
    expect(backend.kind).toBe('native');
    await backend.dispose();
  });
});
