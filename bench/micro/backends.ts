/**
 * The backends a benchmark can run: reference always; native and webgpu when their modules exist and their
 * factories load (the addon is built, an adapter is found). Loaded by path at run time so that the harness builds
 * and runs before those modules land. Besides nutmeg's backends, the comparison kernel written with gpu.js
 * (bench/micro/gpujs.ts, an optional dependency) in each of its modes that loads here, as "gpu.js <mode>".
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend, BackendKind, BackendOptions } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import type { ModelSpec } from '../../src/model/spec.js';
import type { Precision } from '../machine.js';
import { GPUJS_MODES, gpuJsFactory, loadGpuJs } from './gpujs.js';

/** What the micro benchmark calls: a nutmeg Backend, or a comparison kernel with the same call. */
export type MicroBackend = Pick<Backend, 'description' | 'logDensityGradient' | 'dispose'>;

export type BackendFactory = (spec: ModelSpec, options?: BackendOptions) => Promise<MicroBackend>;

/** A nutmeg backend, or 'gpu.js' for the gpu.js comparison kernel in every mode that loads. */
export type MicroKind = BackendKind | 'gpu.js';

export const MICRO_KINDS: readonly MicroKind[] = ['reference', 'native', 'webgpu', 'gpu.js'];

export interface BackendEntry {
  /** A BackendKind, or "gpu.js <mode>" for the comparison kernel. */
  readonly kind: string;
  readonly create: BackendFactory;
  /** Arithmetic precision of the hot loop, for the physical-limit model. */
  readonly precision: Precision;
}

export interface BackendSkip {
  readonly kind: string;
  readonly notice: string;
}

const srcBackend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/backend');

const CANDIDATES: { kind: BackendKind; files: string[]; factory: string; precision: Precision }[] = [
  { kind: 'native', files: ['native.ts'], factory: 'createNativeBackend', precision: 'f64' },
  { kind: 'webgpu', files: ['webgpu.ts', 'webgpu/index.ts', 'webgpu/backend.ts'], factory: 'createWebGpuBackend', precision: 'f32' },
];

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Loads every backend whose module is present, and tries each on `probe` (a tiny spec) so that an unbuilt addon or
 * a missing adapter becomes a skip notice here rather than an error mid-benchmark.
 */
export async function loadBackends(
  probe: ModelSpec,
  kinds: readonly MicroKind[] = MICRO_KINDS,
): Promise<{ loaded: BackendEntry[]; skipped: BackendSkip[] }> {
  const loaded: BackendEntry[] = kinds.includes('reference')
    ? [{ kind: 'reference', create: createReferenceBackend, precision: 'f64' }]
    : [];
  const skipped: BackendSkip[] = [];
  for (const candidate of CANDIDATES.filter((c) => kinds.includes(c.kind))) {
    const file = candidate.files.map((f) => path.join(srcBackend, f)).find((f) => existsSync(f));
    if (!file) {
      skipped.push({ kind: candidate.kind, notice: `src/backend/${candidate.files[0]} not present` });
      continue;
    }
    try {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const factory = mod[candidate.factory];
      if (typeof factory !== 'function') {
        skipped.push({ kind: candidate.kind, notice: `${path.relative(srcBackend, file)} exports no ${candidate.factory}` });
        continue;
      }
      const create = factory as BackendFactory;
      const backend = await create(probe, { maxChains: 1 });
      await backend.dispose();
      loaded.push({ kind: candidate.kind, create, precision: candidate.precision });
    } catch (e) {
      skipped.push({ kind: candidate.kind, notice: `unavailable: ${firstLine(e)}` });
    }
  }
  if (kinds.includes('gpu.js')) await loadGpuJsModes(probe, loaded, skipped);
  return { loaded, skipped };
}

/**
 * The gpu.js comparison kernel in each mode that loads and evaluates the probe; one skip line when gpu.js itself
 * is missing, else one per mode that does not load.
 */
async function loadGpuJsModes(probe: ModelSpec, loaded: BackendEntry[], skipped: BackendSkip[]): Promise<void> {
  try {
    loadGpuJs();
  } catch (e) {
    skipped.push({ kind: 'gpu.js', notice: firstLine(e) });
    return;
  }
  for (const mode of GPUJS_MODES) {
    const kind = `gpu.js ${mode}`;
    const create = gpuJsFactory(mode);
    try {
      const kernel = await create(probe);
      try {
        const logp = new Float64Array(1);
        await kernel.logDensityGradient(new Float64Array(probe.dim), 1, logp, new Float64Array(probe.dim));
        if (!Number.isFinite(logp[0])) throw new Error(`log density at 0 is ${logp[0]}`);
      } finally {
        await kernel.dispose();
      }
      loaded.push({ kind, create, precision: 'f32' });
    } catch (e) {
      skipped.push({ kind, notice: firstLine(e) });
    }
  }
}
