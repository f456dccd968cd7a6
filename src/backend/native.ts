/**
 * The native CPU backend: a Node-API addon (native/src, built by scripts/build-native.mjs into
 * build/Release/nutmeg_native.node) that evaluates the likelihood over row blocks on a persistent thread pool, off
 * the event loop.
 *
 * Split of the log density between the two sides, so that each piece of math has one definition:
 *   C++ (native/src/engine.cpp)   the family's log-likelihood (native/src/families.hpp, per-row constants included)
 *                                 and the level priors z_t[k] ~ Normal(0, 1) (non-centered) or r_t[k] ~ Normal(0,
 *                                 sd_t) (centered), with their gradient, and Σ_i ∂ loglik_i / ∂aux for the family's
 *                                 sigma or shape — the parts whose cost grows with rows and levels;
 *   TypeScript (here)             the priors of the fixed effects, of every sd_t and of the aux, the log-Jacobians
 *                                 of sd = exp(u) and aux = exp(u), and the aux's chain rule: addScalarPriors,
 *                                 addAuxPriors and addAuxGradient of src/model/density.ts — O(p + terms) per chain.
 */
import { needsCoordinateMap } from './split-terms.js';
import { hasIndexedFixed } from './indexed-fixed.js';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT_URL } from '../platform/package-root.js';
import type { BackendOptions } from './backend.js';
import { describeEngineModel, EngineBackend, type NativeKernels, type NativeLayout, type NativeModelDescriptor, type NativeModelHandle } from './engine-backend.js';
import type { ModelSpec } from '../model/spec.js';
import { callWork, isSmallWork } from './work-size.js';

export type { NativeKernels, NativeLayout, NativeModelDescriptor, NativeModelHandle } from './engine-backend.js';

export interface NativeBackendOptions extends BackendOptions {
  readonly kernels?: NativeKernels;
  /** Row layout of the gradient (tests and benchmarks); default 'auto'. */
  readonly layout?: NativeLayout;
  /** Gradient calls on the calling thread (true) or off the event loop (false); default: true for a small call (work-size.ts). */
  readonly sync?: boolean;
}

/** Threads for a call of `work` rows × chains when none were asked for: one for a small call, else every core. */
export function defaultNativeThreads(work: number, cores: number = availableParallelism()): number {
  return isSmallWork(work) ? 1 : Math.max(1, cores);
}

export interface NativeAddon {
  readonly NativeModel: new (descriptor: NativeModelDescriptor) => NativeModelHandle;
  cpuFeatures(): { readonly avx2Fma: boolean; readonly avx512: boolean };
}

/** Where the build puts the addon (both cmake-js and node-gyp), relative to the package root. */
export const NATIVE_ADDON_RELATIVE_PATH = 'build/Release/nutmeg_native.node';

/** The addon's path: $NUTMEG_NATIVE_ADDON when set, else the build output under the package root. */
export function nativeAddonPath(): string {
  const override = process.env.NUTMEG_NATIVE_ADDON;
  if (override) return resolve(override);
  return resolve(fileURLToPath(PACKAGE_ROOT_URL), NATIVE_ADDON_RELATIVE_PATH);
}

type LoadResult = { readonly addon: NativeAddon; readonly reason: null } | { readonly addon: null; readonly reason: string };
let loaded: LoadResult | undefined;

function load(): LoadResult {
  if (loaded) return loaded;
  const file = nativeAddonPath();
  if (!existsSync(file)) {
    loaded = { addon: null, reason: `native backend not built (no ${file}; run npm run build)` };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    if (typeof addon.NativeModel !== 'function') throw new Error('it does not export NativeModel');
    loaded = { addon, reason: null };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    loaded = { addon: null, reason: `native backend failed to load from ${file}: ${message}` };
  }
  return loaded;
}

/** The addon, or null when it is not built or does not load (nativeAddonUnavailableReason() says why). */
export function loadNativeAddon(): NativeAddon | null {
  return load().addon;
}

/** Why loadNativeAddon() returns null, in one line; null when the addon is available. */
export function nativeAddonUnavailableReason(): string | null {
  return load().reason;
}

export function describeNative(spec: ModelSpec, options: NativeBackendOptions): NativeModelDescriptor {
  const threads = options.threads === undefined ? defaultNativeThreads(callWork(spec.n, options.maxChains, options.maxDraws)) : Math.max(1, Math.floor(options.threads));
  return describeEngineModel(spec, { ...options, threads });
}

/** The engine through the Node addon (engine-backend.ts does the host side). */
export class NativeBackend extends EngineBackend {
  declare readonly kind: 'native';
  constructor(spec: ModelSpec, handle: NativeModelHandle, sync = false) {
    super('native', spec, handle, sync);
  }
}

/**
 * Prepares the native backend for `spec`: copies the data into the addon's compact storage and starts its threads.
 * Throws when the addon is unavailable (the message says why); callers that can fall back check loadNativeAddon().
 */
export async function createNativeBackend(spec: ModelSpec, options: NativeBackendOptions = {}): Promise<NativeBackend> {
  if (needsCoordinateMap(spec)) {
    throw new Error('createNativeBackend: the spec has split or folded terms or a fixed basis; create the backend with createBackend(), which maps them (src/backend/split-terms.ts)');
  }
  if (hasIndexedFixed(spec)) {
    throw new Error('createNativeBackend: the spec has indexed fixed-effect terms; create the backend with createBackend(), which maps them (src/backend/indexed-fixed.ts)');
  }
  const addon = loadNativeAddon();
  if (!addon) throw new Error(nativeAddonUnavailableReason() ?? 'native backend unavailable');
  if (spec.fixed.priors.length !== spec.fixed.names.length) {
    throw new Error(`native backend: ${spec.fixed.names.length} fixed effects but ${spec.fixed.priors.length} priors`);
  }
  return new NativeBackend(spec, new addon.NativeModel(describeNative(spec, options)), options.sync ?? isSmallWork(callWork(spec.n, options.maxChains, options.maxDraws)));
}
