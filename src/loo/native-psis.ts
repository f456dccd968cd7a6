/**
 * The native PSIS-LOO engine: the per-observation pipeline of pointwise.ts (r_eff from the chains, Pareto tail, GPD
 * fit, smoothing, truncation, elpd_loo, p_loo, Pareto k, n_eff, MCSE) ported step for step to C++
 * (native/src/psis.cpp, in the addon the native backend builds), run over observations on a thread pool. The
 * TypeScript code stays the oracle (tests/loo/native-psis.test.ts holds the two to 1e-10) and the fallback.
 *
 * Engine choice (LooOptions.engine): 'auto' uses the addon when it is built and loads, else TypeScript; 'typescript'
 * never loads it; 'native' insists (UserError when it is unavailable).
 */
import { loadNativeAddon, nativeAddonUnavailableReason } from '../backend/native.js';
import { UserError } from '../errors.js';
import { hardwareThreads } from '../platform/host.js';
import { MCSE_SAMPLES, type PointwiseLooArrays, blomScores } from './pointwise.js';
import type { ChainLayout } from './relative-eff.js';

export type PsisEngineChoice = 'auto' | 'typescript' | 'native';
export const PSIS_ENGINE_CHOICES: readonly PsisEngineChoice[] = ['auto', 'typescript', 'native'];

/** The addon's PsisLoo object (native/src/addon.cpp). */
interface NativePsisHandle {
  /** Observations j < count of values[s · count + j]; resolves to -1 or j · nDraws + s of the first non-finite value. */
  run(values: Float64Array, count: number, rEff: Float64Array | null, out: PointwiseLooArrays): Promise<number>;
  runSync(values: Float64Array, count: number, rEff: Float64Array | null, out: PointwiseLooArrays): number;
  dispose(): void;
  readonly threads: number;
}

interface NativePsisAddon {
  readonly PsisLoo: new (options: {
    readonly nDraws: number;
    readonly nChains: number;
    readonly order: Uint32Array;
    readonly blom: Float64Array;
    readonly threads: number;
  }) => NativePsisHandle;
}

function hasPsis(addon: object): addon is NativePsisAddon {
  return typeof (addon as Partial<NativePsisAddon>).PsisLoo === 'function';
}

/** The addon's PSIS constructor, or the reason there is none. */
function nativePsisAddon(): NativePsisAddon | string {
  const addon = loadNativeAddon();
  if (!addon) return nativeAddonUnavailableReason() ?? 'native addon unavailable';
  if (!hasPsis(addon)) {
    return 'the native addon was built from older sources without PSIS; rebuild it (node scripts/build-native.mjs)';
  }
  return addon;
}

/** Why the native engine cannot run here, or null when it can. */
export function nativePsisUnavailableReason(): string | null {
  const a = nativePsisAddon();
  return typeof a === 'string' ? a : null;
}

/** Where a non-finite value was found, 0-based within the block. */
export interface NonFinite {
  readonly observation: number;
  readonly draw: number;
}

/** One LOO run's native engine: a thread pool and per-thread scratch for nDraws draws; dispose() when done. */
export class NativePsis {
  private disposed = false;

  private constructor(
    private readonly handle: NativePsisHandle,
    readonly nDraws: number,
  ) {}

  /**
   * The native engine for `engine`, or null when TypeScript is to run ('typescript', or 'auto' without the addon).
   * Throws UserError when 'native' is asked for and cannot run.
   */
  static open(engine: PsisEngineChoice, layout: ChainLayout, threads?: number): NativePsis | null {
    if (engine === 'typescript') return null;
    const addon = nativePsisAddon();
    if (typeof addon === 'string') {
      if (engine === 'auto') return null;
      throw new UserError(`PSIS engine 'native' is unavailable: ${addon}; or use engine 'auto' or 'typescript'`);
    }
    const nDraws = layout.order.length;
    const handle = new addon.PsisLoo({
      nDraws,
      nChains: layout.nChains,
      order: layout.order,
      blom: blomScores(MCSE_SAMPLES),
      threads: Math.max(1, Math.floor(threads ?? hardwareThreads())),
    });
    return new NativePsis(handle, nDraws);
  }

  get threads(): number {
    return this.handle.threads;
  }

  /**
   * Fills entries start … start + count - 1 of `out` from values[s · count + j] (j < count), off the event loop.
   * rEff: r_eff of the block's observations (rEff[j]), or null to compute it from the chains. The arrays must not be
   * touched until the promise settles. Returns null, or the first non-finite value (whose outputs are not written).
   */
  async block(
    values: Float64Array,
    count: number,
    rEff: Float64Array | null,
    out: PointwiseLooArrays,
    start: number,
  ): Promise<NonFinite | null> {
    return this.where(await this.handle.run(values, count, rEff, this.slice(out, start, count)));
  }

  /** The same as block(), on the calling thread (the pool still does the work). */
  blockSync(
    values: Float64Array,
    count: number,
    rEff: Float64Array | null,
    out: PointwiseLooArrays,
    start: number,
  ): NonFinite | null {
    return this.where(this.handle.runSync(values, count, rEff, this.slice(out, start, count)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.handle.dispose();
  }

  private slice(out: PointwiseLooArrays, start: number, count: number): PointwiseLooArrays {
    const view = (a: Float64Array): Float64Array => a.subarray(start, start + count);
    return {
      elpdLoo: view(out.elpdLoo),
      mcseElpdLoo: view(out.mcseElpdLoo),
      pLoo: view(out.pLoo),
      looic: view(out.looic),
      paretoK: view(out.paretoK),
      rEff: view(out.rEff),
      nEff: view(out.nEff),
    };
  }

  private where(index: number): NonFinite | null {
    if (index < 0) return null;
    return { observation: Math.floor(index / this.nDraws), draw: index % this.nDraws };
  }
}
