/**
 * Backend selection. `auto` prefers a hardware GPU through WebGPU, then the native CPU addon, then the reference
 * backend; every step that is skipped says why in one line (through `log`). A software rasteriser (llvmpipe,
 * SwiftShader) is never chosen automatically — it is correct but slower than the native CPU path; ask for it with
 * `--backend webgpu`. An explicitly requested backend that cannot start is an error, not a silent fallback.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend, BackendKind, BackendOptions } from './backend.js';
import { createReferenceBackend } from './reference.js';
import { centeredSpec, needsCoordinateMap, wrapSplitTerms } from './split-terms.js';
import { UserError } from '../errors.js';
import type { ModelSpec } from '../model/spec.js';

export type BackendChoice = BackendKind | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'native', 'reference'];

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

export function isSoftwareAdapter(name: string): boolean {
  return SOFTWARE_ADAPTER.test(name);
}

async function createNative(spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  const native = await import('./native.js');
  return native.createNativeBackend(spec, options);
}

async function createWebGpu(spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  const webgpu = await import('./webgpu/backend.js');
  return webgpu.createWebGpuBackend(spec, options);
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

/** A hardware WebGPU adapter's name, or null with the reason. */
async function hardwareAdapter(options: BackendOptions): Promise<{ name: string | null; reason: string }> {
  if (process.platform === 'linux' && !vulkanLoaderPresent()) {
    return { name: null, reason: 'no Vulkan loader (libvulkan.so.1), so no GPU' };
  }
  try {
    const { listAdapters } = await import('./webgpu/device.js');
    const adapters = await listAdapters();
    const wanted = adapters.filter((a) => !options.adapter || a.name.toLowerCase().includes(options.adapter.toLowerCase()));
    const hardware = wanted.find((a) => !isSoftwareAdapter(a.name));
    if (hardware) return { name: hardware.name, reason: '' };
    if (wanted.length === 0) return { name: null, reason: 'no WebGPU adapter' };
    return { name: null, reason: `only a software WebGPU adapter (${wanted[0].name})` };
  } catch (e) {
    return { name: null, reason: `WebGPU unavailable: ${firstLine(e)}` };
  }
}

/**
 * The backend for `choice` (see the module comment). Models with split terms get the chosen backend built on the
 * centered form of the spec, wrapped by src/backend/split-terms.ts.
 */
export async function createBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions = {},
  log: (line: string) => void = () => {},
): Promise<Backend> {
  if (!needsCoordinateMap(spec)) return createPlainBackend(choice, spec, options, log);
  const inner = await createPlainBackend(choice, centeredSpec(spec), options, log);
  return wrapSplitTerms(spec, inner, options);
}

async function createPlainBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
): Promise<Backend> {
  if (choice === 'reference') return createReferenceBackend(spec, options);
  if (choice === 'native') {
    try {
      return await createNative(spec, options);
    } catch (e) {
      throw new UserError(`--backend native: ${firstLine(e)} (run "npm run build" to build the addon, or use --backend reference)`);
    }
  }
  if (choice === 'webgpu') {
    try {
      return await createWebGpu(spec, options);
    } catch (e) {
      throw new UserError(`--backend webgpu: ${firstLine(e)} (use --backend native or reference)`);
    }
  }
  // auto
  const gpu = await hardwareAdapter(options);
  if (gpu.name) {
    try {
      return await createWebGpu(spec, options);
    } catch (e) {
      log(`backend: webgpu on ${gpu.name} failed (${firstLine(e)}); falling back to native`);
    }
  } else {
    log(`backend: ${gpu.reason}; using the CPU`);
  }
  try {
    return await createNative(spec, options);
  } catch (e) {
    log(`backend: native unavailable (${firstLine(e)}); falling back to the reference backend`);
  }
  return createReferenceBackend(spec, options);
}
