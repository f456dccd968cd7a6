/**
 * The backend over the C++ engine (native/src/engine.hpp), whichever way it is loaded: the Node-API addon (native.ts)
 * or its WebAssembly build (wasm/backend.ts). Both hand the engine the same arrays (describeEngineModel) and receive
 * the same results; this side adds what the engine leaves to TypeScript — see native.ts's file comment for the split
 * of the log density. No Node built-in here: the browser build uses it too.
 */
import { kernelsSupportFamily } from '../model/families/index.js';
import type { Backend, BackendOptions } from './backend.js';
import { addAuxGradient, addAuxPriors, addScalarPriors, scalarPriorConstants } from '../model/density.js';
import type { LinkName } from '../model/families/family.js';
import { levelCount, type Family, type ModelSpec } from '../model/spec.js';
import { splitMean } from '../model/split.js';
import { basisToFixed } from '../model/fixed-basis.js';
import * as pm from '../numeric/portable-math.js';

/** Which compiled kernels to run: 'auto' picks the widest the CPU has (AVX-512, then AVX2+FMA, then baseline). */
export type NativeKernels = 'auto' | 'baseline' | 'avx2' | 'avx512';

/**
 * How the gradient reads the rows (native/src/model.hpp RowLayout): 'auto' chooses from the data — 'grouped' (rows
 * grouped by cell, a run per cell) when cells hold at least 64 rows on average (256 with a single varying
 * term, whose sorted layout needs no scatter), else 'sorted' (rows sorted by the
 * level of the term with the most levels, a gather and a scatter per row); 'rows' keeps the data order.
 */
export type NativeLayout = 'auto' | 'grouped' | 'sorted' | 'rows';

/** What the engine's constructor reads, through the addon's NativeModel or the wasm module (arrays are copied; none is kept). */
export interface NativeModelDescriptor {
  readonly family: Family;
  /** Absent: the family's own link. */
  readonly link?: LinkName;
  /** Coordinates of the family's auxiliary parameters (log sigma, log shape) in the unconstrained vector. */
  readonly aux: readonly number[];
  readonly n: number;
  readonly p: number;
  readonly dim: number;
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly trials: Float64Array | null;
  readonly logChoose: Float64Array | null;
  readonly terms: readonly {
    readonly index: Uint32Array;
    readonly x: Float64Array | null;
    readonly levels: number;
    readonly noncentered: boolean;
    /** No level prior (an indexed fixed-effect term, src/backend/indexed-fixed.ts). */
    readonly flat: boolean;
    readonly sdIndex: number;
    readonly offset: number;
  }[];
  readonly threads: number;
  readonly maxChains: number;
  readonly maxDraws: number;
  readonly kernels: NativeKernels;
  readonly layout?: NativeLayout;
}

export interface NativeModelHandle {
  /**
   * Log-likelihood + level priors and their gradient for the active chains (see the file comment); auxGrad
   * (nChains × the family's aux count) receives ∂ loglik / ∂aux on the constrained scale.
   */
  gradient(
    positions: Float64Array,
    nChains: number,
    active: Uint8Array | null,
    logp: Float64Array,
    grad: Float64Array,
    auxGrad?: Float64Array | null,
  ): Promise<void>;
  /**
   * The same on the calling thread, returning when done (addons built before it existed lack it): for small data,
   * where the asynchronous round trip costs more than the arithmetic (see work-size.ts).
   */
  gradientSync?(
    positions: Float64Array,
    nChains: number,
    active: Uint8Array | null,
    logp: Float64Array,
    grad: Float64Array,
    auxGrad?: Float64Array | null,
  ): void;
  pointwise(draws: Float64Array, nDraws: number, rowStart: number, rowCount: number, out: Float64Array): Promise<void>;
  /**
   * From now on term `term`'s level coordinates arrive Helmert-rotated (Backend.rotateLevels; native/src/engine.hpp
   * set_rotated); not while a call is running. Absent in builds before it existed.
   */
  setRotated?(term: number, rotated: boolean): void;
  /**
   * Rotated term `term`'s mean is folded into fixed coordinate `column` (−1: none): the engine applies the fold's
   * shear where it stages positions and draws (native/src/engine.hpp set_fold). Absent in builds before it existed.
   */
  setFold?(term: number, column: number): void;
  /**
   * The first p coordinates arrive in the fixed basis θ = Lᵀ b (L p x p, row-major; empty: none); the engine maps
   * them where it stages positions and draws (native/src/engine.hpp set_fixed_basis). Absent in builds before it existed.
   */
  setFixedBasis?(L: Float64Array): void;
  dispose(): void;
  /** Kernel instruction set in use: "baseline", "avx2+fma" or "avx512". */
  readonly isa: string;
  readonly threads: number;
  /** How the data are stored, e.g. "X: 1 ones, 4 u8, 2 f64; y u8; term 0 x u8 index u8". */
  readonly storage: string;
  /** The gradient's row layout in use (absent in addons built before it existed). */
  readonly layout?: Exclude<NativeLayout, 'auto'>;
  /** The same in words, e.g. "rows grouped in 63 cells (1015.9 rows a cell)". */
  readonly layoutSummary?: string;
}

/** How to prepare the engine: everything but the model itself. */
export interface EngineSettings {
  readonly threads: number;
  readonly maxChains?: number;
  readonly maxDraws?: number;
  readonly kernels?: NativeKernels;
  readonly layout?: NativeLayout;
}

/** The engine's view of `spec` (the arrays are the spec's own, not copies). Throws for a family the kernels lack. */
export function describeEngineModel(spec: ModelSpec, settings: EngineSettings): NativeModelDescriptor {
  const family = spec.family;
  if (!kernelsSupportFamily('native', family, spec.link)) {
    throw new Error(`the native kernel has no ${family} family${spec.link ? ` with ${spec.link} link` : ''} in this version`);
  }
  return {
    family,
    ...(spec.link ? { link: spec.link } : {}),
    aux: (spec.aux ?? []).map((a) => a.index),
    n: spec.n,
    p: spec.fixed.names.length,
    dim: spec.dim,
    X: spec.fixed.X,
    y: spec.y,
    trials: spec.trials,
    logChoose: spec.logChoose,
    terms: spec.terms.map((term, t) => ({
      index: spec.groups[term.group].index,
      x: term.x,
      levels: levelCount(spec, t),
      noncentered: term.parameterization === 'noncentered',
      flat: term.flat === true,
      sdIndex: term.sdIndex,
      offset: term.offset,
    })),
    threads: settings.threads,
    maxChains: settings.maxChains ?? 4,
    maxDraws: settings.maxDraws ?? 256,
    kernels: settings.kernels ?? 'auto',
    ...(settings.layout ? { layout: settings.layout } : {}),
  };
}

/** A backend over one engine handle: calls in order, the engine's results finished with the scalar and aux priors. */
export class EngineBackend implements Backend {
  readonly description: string;
  readonly layout: string | undefined;
  readonly dim: number;
  /** Calls run one at a time, in order: each waits for the previous one to settle. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls queued or running off the event loop. */
  private pending = 0;
  private disposed = false;
  /** Whether gradient calls run on the calling thread (when nothing is queued); see work-size.ts. */
  readonly sync: boolean;
  /** Present when `sync`: the calling-thread evaluation without a promise (Backend.logDensityGradientSync). */
  readonly logDensityGradientSync?: (positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array) => void;
  /** The family's aux count, and per call ∂ loglik / ∂aux (chains × nAux) with one chain's aux and gradient. */
  private readonly nAux: number;
  private auxGrad: Float64Array;
  private readonly aux: Float64Array;
  private readonly auxGradOne: Float64Array;
  /**
   * The folds the engine shears (rotateLevels with folds): the fixed coordinate, and the term's log sd, u and level
   * count. The positions arrive unsheared, so the fixed effects' priors are evaluated at the sheared b_j
   * (finishGradient), as the split map's toInner would have handed them over.
   */
  private folds: { column: number; sdIndex: number; offset: number; K: number }[] = [];
  /** The fixed basis the engine maps (rotateLevels with basis), or null; the priors are evaluated at b = L⁻ᵀ θ. */
  private basis: { readonly L: Float64Array; readonly p: number } | null = null;
  /** scalarPriorConstants(spec): the priors' logarithms and log-gamma values, once rather than per chain and call. */
  private readonly priorConstants: Float64Array;

  constructor(
    readonly kind: 'native' | 'wasm',
    readonly spec: ModelSpec,
    private readonly handle: NativeModelHandle,
    sync = false,
  ) {
    this.dim = spec.dim;
    this.sync = sync && typeof handle.gradientSync === 'function';
    this.nAux = spec.aux?.length ?? 0;
    this.auxGrad = new Float64Array(this.nAux * 4);
    this.aux = new Float64Array(this.nAux);
    this.auxGradOne = new Float64Array(this.nAux);
    this.priorConstants = scalarPriorConstants(spec);
    this.layout = handle.layoutSummary;
    const rows = handle.layout === 'grouped' ? ', rows grouped by cell' : handle.layout === 'sorted' ? ', rows sorted by level' : '';
    this.description = `${kind} (${handle.threads} thread${handle.threads === 1 ? '' : 's'}, ${handle.isa}${this.sync ? ', in-process calls' : ''}${rows})`;
    if (this.sync) this.logDensityGradientSync = (positions, nChains, logp, grad, active) => this.gradientNow(positions, nChains, logp, grad, active);
  }

  /** Backend.rotateLevels: the engine maps the terms' Helmert coordinates when the build can and no call is queued. */
  rotateLevels(terms: readonly number[], folds?: readonly number[], basis?: { readonly L: Float64Array; readonly p: number }): boolean {
    const { handle } = this;
    if (typeof handle.setRotated !== 'function' || this.pending > 0 || this.disposed) return false;
    const folding = folds !== undefined && folds.some((column) => column >= 0);
    if (folding && (typeof handle.setFold !== 'function' || folds.length !== terms.length)) return false;
    if (basis && (typeof handle.setFixedBasis !== 'function' || basis.p > this.spec.fixed.names.length || basis.L.length !== basis.p * basis.p)) return false;
    for (const [i, t] of terms.entries()) {
      if (t < 0 || t >= this.spec.terms.length || this.spec.terms[t].flat === true) return false;
      if (folding && !(folds[i] < this.spec.fixed.names.length)) return false;
    }
    for (const t of terms) handle.setRotated(t, true);
    if (folding) {
      terms.forEach((t, i) => {
        handle.setFold!(t, folds[i]);
        const term = this.spec.terms[t];
        if (folds[i] >= 0) this.folds.push({ column: folds[i], sdIndex: term.sdIndex, offset: term.offset, K: levelCount(this.spec, t) });
      });
    }
    if (basis) {
      handle.setFixedBasis!(basis.L);
      this.basis = basis;
    }
    if (folding || basis) this.fixedSaved = new Float64Array(this.spec.fixed.names.length);
    return true;
  }

  /** How the data are stored in the engine (for benchmarks and diagnostics). */
  get storage(): string {
    return this.handle.storage;
  }

  logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    if (this.sync && this.pending === 0 && !this.disposed) {
      try {
        this.gradientNow(positions, nChains, logp, grad, active);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.enqueue(async () => {
      await this.handle.gradient(positions, nChains, active ?? null, logp, grad, this.auxGradFor(nChains));
      this.finishGradient(positions, nChains, logp, grad, active);
    });
  }

  /** The gradient on the calling thread; refused after dispose() or while an asynchronous call is queued. */
  private gradientNow(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): void {
    if (this.disposed) throw new Error(`${this.kind} backend: used after dispose()`);
    if (this.pending > 0) throw new Error(`${this.kind} backend: a calling-thread gradient while an asynchronous call is queued`);
    this.handle.gradientSync!(positions, nChains, active ?? null, logp, grad, this.auxGradFor(nChains));
    this.finishGradient(positions, nChains, logp, grad, active);
  }

  /** The buffer the addon writes ∂ loglik / ∂aux into (grown once to the largest chain count asked for), or null. */
  private auxGradFor(nChains: number): Float64Array | null {
    if (this.nAux === 0) return null;
    if (this.auxGrad.length < nChains * this.nAux) this.auxGrad = new Float64Array(nChains * this.nAux);
    return this.auxGrad;
  }

  /**
   * addScalarPriors at chain offset `at`; with a basis or folds mapped by the engine, at the mapped b: the fixed
   * coordinates are mapped in place as the split map's toInner does (b = L⁻ᵀ θ, then b_j −= splitMean(sd, u, K)) and
   * restored to the caller's values afterwards (the engine's call is over; nothing else reads the positions meanwhile).
   */
  private scalarPriors(positions: Float64Array, at: number, grad: Float64Array): number {
    const { folds, basis, fixedSaved } = this;
    if (folds.length === 0 && !basis) return addScalarPriors(this.spec, positions, at, grad, this.priorConstants);
    const p = fixedSaved.length;
    for (let j = 0; j < p; j++) fixedSaved[j] = positions[at + j];
    if (basis) basisToFixed(basis.L, basis.p, positions, at);
    for (const { column, sdIndex, offset, K } of folds) {
      positions[at + column] -= splitMean(pm.exp(positions[at + sdIndex]), positions[at + offset], K);
    }
    const lp = addScalarPriors(this.spec, positions, at, grad, this.priorConstants);
    for (let j = 0; j < p; j++) positions[at + j] = fixedSaved[j];
    return lp;
  }
  private fixedSaved = new Float64Array(0);

  /** Adds the scalar and aux priors and the aux's chain rule to what the addon wrote (see the file comment). */
  private finishGradient(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): void {
    const { spec, nAux, aux, auxGradOne, priorConstants } = this;
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      const at = c * this.dim;
      let lp = logp[c] + this.scalarPriors(positions, at, grad);
      if (nAux > 0) {
        lp += addAuxPriors(spec, positions, at, grad, aux, priorConstants);
        for (let a = 0; a < nAux; a++) auxGradOne[a] = this.auxGrad[c * nAux + a];
        addAuxGradient(spec, at, aux, auxGradOne, grad);
      }
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }

  pointwiseLogLik(
    draws: Float64Array,
    nDraws: number,
    rowStart: number,
    rowCount: number,
    out: Float64Array,
  ): Promise<void> {
    return this.enqueue(() => this.handle.pointwise(draws, nDraws, rowStart, rowCount, out));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.tail;
    this.handle.dispose();
  }

  private enqueue(call: () => Promise<void>): Promise<void> {
    if (this.disposed) return Promise.reject(new Error(`${this.kind} backend: used after dispose()`));
    this.pending++;
    const run = this.tail.then(call).finally(() => {
      this.pending--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}

