/**
 * The backends a benchmark can run: reference always; native and webgpu when their modules exist and their
 * factories load (the addon is built, an adapter is found). Loaded by path at run time so that the harness builds
 * and runs before those modules land.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend, BackendKind, BackendOptions } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import type { ModelSpec } from '../../src/model/spec.js';
import type { Precision } from '../machine.js';

export type BackendFactory = (spec: ModelSpec, options?: BackendOptions) => Promise<Backend>;

export interface BackendEntry {
  readonly kind: BackendKind;
  readonly create: BackendFactory;
  /** Arithmetic precision of the hot loop, for the physical-limit model. */
  readonly precision: Precision;
}

export interface BackendSkip {
  readonly kind: BackendKind;
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
  kinds: readonly BackendKind[] = ['reference', 'native', 'webgpu'],
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
  return { loaded, skipped };
}
