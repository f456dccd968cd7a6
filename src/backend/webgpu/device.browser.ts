/**
 * device.ts for the browser build (swapped in by scripts/build-browser.mjs): the page's own WebGPU
 * (navigator.gpu) instead of Dawn's node bindings. Core feature level first, then compatibility (what a software
 * adapter may offer); every wait has a timeout; every failure is a BackendUnavailableError.
 */
import type { AcquireOptions, AcquiredDevice } from './device.js';
import { BackendUnavailableError, causeOf, withTimeout } from './errors.js';

const ADAPTER_TIMEOUT_MS = 20_000;

/** navigator.gpu of a page or worker, or null where the browser has no WebGPU. */
export function browserGpu(): GPU | null {
  return (globalThis as { navigator?: NavigatorGPU }).navigator?.gpu ?? null;
}

function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== '').join(' ') || 'unnamed adapter';
}

export interface BrowserAdapter {
  readonly adapter: GPUAdapter;
  readonly featureLevel: 'core' | 'compatibility';
  readonly name: string;
  /** The browser's software adapter (GPUAdapterInfo.isFallbackAdapter; SwiftShader in Chromium). */
  readonly fallback: boolean;
}

/** The first adapter that answers (core, then compatibility feature level), or null with nothing thrown. */
export async function browserAdapter(): Promise<BrowserAdapter | null> {
  const gpu = browserGpu();
  if (gpu === null) return null;
  for (const featureLevel of ['core', 'compatibility'] as const) {
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await withTimeout(gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS, 'requestAdapter');
    } catch {
      adapter = null;
    }
    if (adapter) {
      return { adapter, featureLevel, name: adapterName(adapter), fallback: adapter.info.isFallbackAdapter === true };
    }
  }
  return null;
}

/** The adapter's maxima for the limits the kernels lean on (as device.ts asks Dawn for them). */
function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const l = adapter.limits;
  return {
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
}

export async function acquireDevice(options: AcquireOptions = {}): Promise<AcquiredDevice> {
  const gpu = browserGpu();
  if (gpu === null) throw new BackendUnavailableError('WebGPU: this browser has no navigator.gpu');
  const found = await browserAdapter();
  if (found === null) throw new BackendUnavailableError('WebGPU: the browser offers no adapter');
  if (options.adapter !== undefined && !found.name.toLowerCase().includes(options.adapter.toLowerCase())) {
    throw new BackendUnavailableError(`WebGPU: the browser's adapter "${found.name}" does not match "${options.adapter}"`);
  }
  let device: GPUDevice;
  try {
    device = await withTimeout(found.adapter.requestDevice({ requiredLimits: requiredLimits(found.adapter) }), ADAPTER_TIMEOUT_MS, 'requestDevice');
  } catch (e) {
    throw new BackendUnavailableError(`WebGPU: the adapter refused a device (${causeOf(e)})`);
  }
  return { device, instance: gpu, adapterName: found.name, backend: 'browser', featureLevel: found.featureLevel, limits: device.limits };
}
