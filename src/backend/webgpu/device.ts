/**
 * Finding a WebGPU device through Dawn's node bindings (`webgpu` package, loaded lazily so that nothing else pays
 * for the native module). Order: the platform's default adapter (Vulkan on Linux), then Dawn's OpenGL backend with
 * the compatibility feature level (Mesa llvmpipe on machines without a GPU; needs EGL_PLATFORM=surfaceless, which
 * is set here when unset). Every wait has a timeout; every failure is a BackendUnavailableError.
 */
import { BackendUnavailableError, causeOf, withTimeout } from './errors.js';

const ADAPTER_TIMEOUT_MS = 20_000;

/** Dawn backends worth probing per platform, for listing adapters. */
const PLATFORM_BACKENDS: Record<string, readonly string[]> = {
  linux: ['vulkan', 'opengl', 'opengles'],
  darwin: ['metal'],
  win32: ['d3d12', 'd3d11', 'vulkan'],
};

export interface AcquireOptions {
  /** Substring of the adapter's name (Dawn matches it against the driver's adapter name). */
  readonly adapter?: string;
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /**
   * The Dawn instance the device came from. Hold it as long as the device: dawn.node does not keep it alive, and a
   * collected instance makes the next event processing crash the process (seen with node 20 + webgpu 0.6.2).
   */
  readonly instance: GPU;
  /** The adapter's device name as the driver reports it, e.g. "llvmpipe-llvm-15-0-6-256-bits-". */
  readonly adapterName: string;
  /** "default" (the platform's preferred backend) or the Dawn backend asked for, e.g. "opengl". */
  readonly backend: string;
  readonly featureLevel: 'core' | 'compatibility';
  /** Limits the device was created with (the adapter's maxima for the ones the backend needs). */
  readonly limits: GPUSupportedLimits;
}

export interface AdapterListing {
  readonly name: string;
  readonly description: string;
  readonly backend: string;
  readonly featureLevel: 'core' | 'compatibility';
  readonly vendor: string;
  readonly architecture: string;
}

interface Attempt {
  readonly flags: string[];
  readonly backend: string;
  readonly featureLevel: 'core' | 'compatibility';
}

type CreateGpu = (flags: string[]) => GPU;

let createGpu: CreateGpu | undefined;

async function loadDawn(): Promise<CreateGpu> {
  if (createGpu) return createGpu;
  try {
    const dawn = (await import('webgpu')) as { create: CreateGpu; globals: object };
    // GPUBufferUsage, GPUMapMode, GPUShaderStage… as globals, as in a browser
    for (const [key, value] of Object.entries(dawn.globals)) {
      if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
    }
    createGpu = dawn.create;
    return createGpu;
  } catch (e) {
    throw new BackendUnavailableError(`WebGPU: cannot load Dawn's node bindings (${causeOf(e)})`);
  }
}

/**
 * Where to look, in order. With a name filter each backend is tried twice: its first adapter (kept if its reported
 * name contains the filter, as `nutmeg devices` lists it) and Dawn's own pick by name (which matches the driver's
 * raw adapter name and can choose among several GPUs).
 */
function attempts(filter: string | undefined): Attempt[] {
  const named = filter === undefined ? [] : [[`adapter=${filter}`]];
  return [
    ...[[], ...named].map((flags) => ({ flags, backend: 'default', featureLevel: 'core' as const })),
    ...[[], ...named].map((flags) => ({ flags: ['backend=opengl', ...flags], backend: 'opengl', featureLevel: 'compatibility' as const })),
  ];
}

function adapterName(adapter: GPUAdapter): string {
  return adapter.info.device || adapter.info.description || 'unnamed adapter';
}

function matches(adapter: GPUAdapter, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  const f = filter.toLowerCase();
  return adapterName(adapter).toLowerCase().includes(f) || adapter.info.description.toLowerCase().includes(f);
}

interface Found {
  readonly instance: GPU;
  readonly adapter: GPUAdapter;
}

async function requestAdapter(
  create: CreateGpu,
  attempt: Attempt,
  powerPreference?: GPUPowerPreference,
): Promise<Found | null> {
  if (attempt.backend.startsWith('opengl')) process.env.EGL_PLATFORM ??= 'surfaceless';
  let gpu: GPU;
  try {
    gpu = create(attempt.flags);
  } catch {
    return null; // Dawn throws when the backend or the named adapter does not exist
  }
  const options: GPURequestAdapterOptions = { featureLevel: attempt.featureLevel, powerPreference };
  try {
    const adapter = await withTimeout(gpu.requestAdapter(options), ADAPTER_TIMEOUT_MS, 'requestAdapter');
    return adapter ? { instance: gpu, adapter } : null;
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw e;
    return null;
  }
}

/** The adapter's maxima for the limits the kernels lean on. */
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

/**
 * A device on the default adapter, else on Dawn's OpenGL backend (compatibility). With `adapter`, only adapters
 * whose name contains it are considered.
 */
export async function acquireDevice(options: AcquireOptions = {}): Promise<AcquiredDevice> {
  const create = await loadDawn();
  for (const attempt of attempts(options.adapter)) {
    const found = await requestAdapter(create, attempt, 'high-performance');
    if (!found) continue;
    const { adapter, instance } = found;
    const pickedByDawn = attempt.flags.some((f) => f.startsWith('adapter='));
    if (!pickedByDawn && !matches(adapter, options.adapter)) continue;
    let device: GPUDevice;
    try {
      device = await withTimeout(
        adapter.requestDevice({ requiredLimits: requiredLimits(adapter) }),
        ADAPTER_TIMEOUT_MS,
        'requestDevice',
      );
    } catch (e) {
      throw new BackendUnavailableError(`WebGPU: the adapter refused a device (${causeOf(e)})`);
    }
    return {
      device,
      instance,
      adapterName: adapterName(adapter),
      backend: attempt.backend,
      featureLevel: attempt.featureLevel,
      limits: device.limits,
    };
  }
  throw new BackendUnavailableError(
    options.adapter === undefined
      ? 'WebGPU: no adapter found (neither the default backend nor OpenGL answered)'
      : `WebGPU: no adapter whose name contains "${options.adapter}" (run \`nutmeg devices\` to list them)`,
  );
}

/** Every adapter Dawn offers on this platform, probed backend by backend (slow: one instance per probe). */
export async function listAdapters(): Promise<AdapterListing[]> {
  const create = await loadDawn();
  const listed: AdapterListing[] = [];
  const seen = new Set<string>();
  for (const backend of PLATFORM_BACKENDS[process.platform] ?? []) {
    // Dawn's OpenGL backends offer only the compatibility level; power preference matters on multi-GPU machines
    const gl = backend.startsWith('opengl');
    for (const featureLevel of gl ? (['compatibility'] as const) : (['core', 'compatibility'] as const)) {
      for (const powerPreference of gl ? (['high-performance'] as const) : (['high-performance', 'low-power'] as const)) {
        const found = await requestAdapter(create, { flags: [`backend=${backend}`], backend, featureLevel }, powerPreference);
        if (!found) continue;
        const { adapter } = found;
        const name = adapterName(adapter);
        const key = `${backend}\u0000${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        listed.push({
          name,
          description: adapter.info.description,
          backend,
          featureLevel,
          vendor: adapter.info.vendor,
          architecture: adapter.info.architecture,
        });
      }
    }
  }
  return listed;
}
