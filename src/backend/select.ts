/**
 * Backend selection. `auto` prefers a hardware GPU through WebGPU, then the native CPU addon, then — when the addon is
 * not built or does not load — the wasm backend (the same C++ engine compiled to WebAssembly), then the reference
 * backend; every step that is skipped says why in one line (through `log`). A software rasteriser (llvmpipe,
 * SwiftShader) is never chosen automatically — it is correct but slower than the native CPU path; ask for it with
 * `--backend webgpu`. An explicitly requested backend that cannot start is an error, not a silent fallback.
 * `auto` asks for the adapters in a child process (webgpu/probe.ts), so the GPU libraries' own output stays out of
 * the terminal; an explicit `--backend webgpu` loads Dawn in this process (it must, to run), and Dawn's warnings then
 * go straight to stderr. A small model (rows × chains under SMALL_WORK_LIMIT, work-size.ts) is not probed for a GPU
 * at all: `auto` goes to the native backend, which runs such calls on the calling thread. `wasm` (the native engine
 * compiled to WebAssembly, the browser's CPU path) is chosen automatically in Node only when the addon is missing: the
 * addon, with AVX2/AVX-512 and threads, is faster, but wasm is still 3–4× the TypeScript reference.
 */
import { kernelsSupportFamily } from '../model/families/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, BackendKind, BackendOptions } from './backend.js';
import { createReferenceBackend } from './reference.js';
import { createWrappedBackend } from './wrapped.js';
import { callWork, isSmallWork } from './work-size.js';
import { groupedInteger } from '../report/integer-text.js';
import { UserError } from '../errors.js';
import type { ModelSpec } from '../model/spec.js';

export type BackendChoice = BackendKind | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'native', 'reference', 'wasm'];

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

export function isSoftwareAdapter(name: string): boolean {
  return SOFTWARE_ADAPTER.test(name);
}

async function createNative(spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  const native = await import('./native.js');
  return native.createNativeBackend(spec, options);
}

async function createWasm(spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  const wasm = await import('./wasm/backend.js');
  return wasm.createWasmBackend(spec, options);
}

/**
 * How the CPU backends are started (each throws with a one-line reason when it cannot start). Tests pass their own to
 * see what `auto` does when the addon is missing, without touching the build.
 */
export interface CpuStarters {
  readonly native: (spec: ModelSpec, options: BackendOptions) => Promise<Backend>;
  readonly wasm: (spec: ModelSpec, options: BackendOptions) => Promise<Backend>;
}

const CPU_STARTERS: CpuStarters = { native: createNative, wasm: createWasm };

async function createWebGpu(spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  const webgpu = await import('./webgpu/backend.js');
  return webgpu.createWebGpuBackend(spec, options);
}

/** "family bernoulli" or "family bernoulli with the probit link", for the lines that say why a kernel is missing. */
function familyWords(spec: ModelSpec): string {
  return `family ${spec.family}${spec.link ? ` with the ${spec.link} link` : ''}`;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

const LINUX_LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib'];

/**
 * On Linux a hardware GPU reaches Dawn through Vulkan only; without the Vulkan loader there is nothing to probe (and
 * probing would make Dawn print its own warnings), so `auto` goes straight to the CPU.
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LINUX_LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

interface GpuFinding {
  /** The hardware adapter's name, or null. */
  readonly name: string | null;
  /** Why there is none (empty when there is one). */
  readonly reason: string;
  /** The probe's wall time, seconds; null when nothing was probed. */
  readonly probeSeconds: number | null;
}

/**
 * A hardware WebGPU adapter's name, or null with the reason. The adapters are listed by a child process
 * (webgpu/probe.ts) so that Dawn's and the drivers' warnings never reach the user's terminal; `detail` (--verbose)
 * gets what the child printed.
 */
async function hardwareAdapter(options: BackendOptions, detail?: (line: string) => void): Promise<GpuFinding> {
  if (process.platform === 'linux' && !vulkanLoaderPresent()) {
    return { name: null, reason: 'no Vulkan loader (libvulkan.so.1)', probeSeconds: null };
  }
  const { probeGpu } = await import('./webgpu/probe.js');
  const probe = await probeGpu();
  if (detail) {
    detail(`gpu probe: ${probe.failure ?? `${probe.adapters.length} adapter(s)`} in ${probe.seconds.toFixed(1)} s`);
    for (const line of probe.output.split('\n')) if (line.trim() !== '') detail(`gpu probe output: ${line}`);
  }
  const probeSeconds = probe.seconds;
  if (probe.failure !== null) return { name: null, reason: probe.failure, probeSeconds };
  const wanted = probe.adapters.filter((a) => !options.adapter || a.name.toLowerCase().includes(options.adapter.toLowerCase()));
  const hardware = wanted.find((a) => !isSoftwareAdapter(a.name));
  if (hardware) return { name: hardware.name, reason: '', probeSeconds };
  if (wanted.length === 0) return { name: null, reason: 'no GPU adapter', probeSeconds };
  return { name: null, reason: `only a software adapter, ${wanted[0].name}`, probeSeconds };
}

function probed(gpu: GpuFinding): string {
  return gpu.probeSeconds === null ? '' : `; probed in ${gpu.probeSeconds.toFixed(1)} s`;
}

/** The backend for `choice` (see the module comment), with its coordinate maps (src/backend/wrapped.ts). */
export async function createBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions = {},
  log: (line: string) => void = () => {},
  detail?: (line: string) => void,
  starters: CpuStarters = CPU_STARTERS,
): Promise<Backend> {
  const plain = (c: BackendChoice, s: ModelSpec, o: BackendOptions, l: (line: string) => void, d?: (line: string) => void) =>
    createPlainBackend(c, s, o, l, d, starters);
  return createWrappedBackend(plain, choice, spec, options, log, detail);
}

async function createPlainBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
  detail: ((line: string) => void) | undefined,
  starters: CpuStarters,
): Promise<Backend> {
  if (choice === 'reference') return createReferenceBackend(spec, options);
  // a backend without a kernel function for the family (src/model/families/index.ts) is skipped or refused
  const what = familyWords(spec);
  if (choice !== 'auto' && !kernelsSupportFamily(choice, spec.family, spec.link)) {
    const other = choice === 'native' ? 'webgpu' : 'native';
    const others = kernelsSupportFamily(other, spec.family, spec.link) ? `${other}, reference or auto` : 'reference or auto';
    throw new UserError(`--backend ${choice}: ${what} has no ${choice} kernel in this version; use --backend ${others}`);
  }
  if (choice === 'native') {
    try {
      return await starters.native(spec, options);
    } catch (e) {
      throw new UserError(`--backend native: ${firstLine(e)} (run "npm run build" to build the addon, or use --backend reference)`);
    }
  }
  if (choice === 'wasm') {
    try {
      return await starters.wasm(spec, options);
    } catch (e) {
      throw new UserError(`--backend wasm: ${firstLine(e)} (use --backend native or reference)`);
    }
  }
  if (choice === 'webgpu') {
    try {
      return await createWebGpu(spec, options);
    } catch (e) {
      throw new UserError(`--backend webgpu: ${firstLine(e)} (use --backend native or reference)`);
    }
  }
  // auto: one line says which backend was chosen and why
  const rows = spec.n;
  const chains = options.maxChains ?? 4;
  // a small call is over before a GPU's dispatch and readback would be (work-size.ts): no probe, no GPU library loaded
  const small = isSmallWork(callWork(rows, chains, options.maxDraws));
  const gpuKernels = kernelsSupportFamily('webgpu', spec.family, spec.link);
  const gpu: GpuFinding = small || !gpuKernels ? { name: null, reason: '', probeSeconds: null } : await hardwareAdapter(options, detail);
  const perCall = (options.maxDraws ?? 0) > chains ? `${options.maxDraws} draws per call` : `${chains} chain${chains === 1 ? '' : 's'}`;
  let why = small
    ? `${groupedInteger(rows)} rows × ${perCall}: too small for a GPU to pay off, not probed`
    : !gpuKernels
      ? `${what} has no webgpu kernels in this version, not probed`
      : `no GPU: ${gpu.reason}${probed(gpu)}`;
  if (gpu.name) {
    try {
      const backend = await createWebGpu(spec, options);
      log(`backend: webgpu (${gpu.name}${probed(gpu)})`);
      return backend;
    } catch (e) {
      why = `webgpu on ${gpu.name} failed: ${firstLine(e)}`;
    }
  }
  return cpuBackend(spec, options, why, log, starters);
}

/**
 * The CPU side of `auto`: the native addon, else the wasm engine (the addon not built or not loading), else the
 * reference backend; one line says which ran and why the ones before it did not.
 */
async function cpuBackend(spec: ModelSpec, options: BackendOptions, why: string, log: (line: string) => void, starters: CpuStarters): Promise<Backend> {
  const what = familyWords(spec);
  const skipped: string[] = [];
  if (!kernelsSupportFamily('native', spec.family, spec.link)) {
    skipped.push(`${what} has no native kernel in this version`);
  } else {
    try {
      const backend = await starters.native(spec, options);
      log(`backend: native (${why})`);
      return backend;
    } catch (e) {
      skipped.push(`native addon unavailable: ${firstLine(e)}`);
    }
  }
  if (!kernelsSupportFamily('wasm', spec.family, spec.link)) {
    skipped.push(`${what} has no wasm kernel in this version`);
  } else {
    try {
      const backend = await starters.wasm(spec, options);
      log(`backend: wasm (${why}; ${skipped.join('; ')})`);
      return backend;
    } catch (e) {
      skipped.push(`wasm: ${firstLine(e)}`);
    }
  }
  log(`backend: reference (${why}; ${skipped.join('; ')})`);
  return createReferenceBackend(spec, options);
}
