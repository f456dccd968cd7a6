/**
 * Discovers the other engineers' benchmark modules (bench/*.bench.ts, each exporting `run(options)`) and runs each,
 * turning an unavailable backend (import error, missing addon, no adapter) into a one-line skip notice.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModuleOutcome } from './results.js';

export interface BenchModuleOptions {
  /** Small sizes, one iteration: CI's check that the module still runs. */
  readonly quick: boolean;
}

/**
 * What a bench module exports. When its backend is unavailable, run() throws an error whose message says so (it is
 * reported as skipped when the message mentions 'unavailable', 'not built', 'no adapter' or 'not found').
 */
export interface BenchModule {
  run(options: BenchModuleOptions): Promise<unknown>;
}

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

export function discoverModules(dir = benchDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Drops values JSON cannot carry (typed arrays become plain arrays; functions vanish). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v)) ?? 'null');
}

export async function runModule(file: string, options: BenchModuleOptions, dir = benchDir): Promise<ModuleOutcome> {
  const start = performance.now();
  const seconds = (): number => (performance.now() - start) / 1000;
  let mod: Partial<BenchModule>;
  try {
    mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<BenchModule>;
  } catch (e) {
    return { name: file, status: 'skipped', notice: `cannot load: ${oneLine(e)}`, seconds: seconds() };
  }
  if (typeof mod.run !== 'function') return { name: file, status: 'skipped', notice: 'exports no run()', seconds: seconds() };
  try {
    const result = await mod.run(options);
    return { name: file, status: 'ok', seconds: seconds(), result: jsonSafe(result) };
  } catch (e) {
    const unavailable = /not built|unavailable|no adapter|not found|cannot find/i.test(oneLine(e));
    return { name: file, status: unavailable ? 'skipped' : 'failed', notice: oneLine(e), seconds: seconds() };
  }
}
