/**
 * The NUTS tree builder as it was before session 12 (src/sampler/trajectory.ts at commit 4d8832a): every leaf copied
 * into its level slot, every merge copying the pieces it keeps. Kept as an oracle: the optimised builder must give the
 * same draws, bit for bit, for the same streams (tests/sampler/tree-equivalence.test.ts). Not used by the program.
 */
import type { Rng } from '../../../src/rng.js';
import { leapfrogClose, leapfrogOpen } from '../../../src/sampler/integrator.js';
import type { Metric } from '../../../src/sampler/metric.js';
import { logAddExp, takeBiased, takeUniform } from '../../../src/sampler/proposal.js';
import { mergeNoUTurn } from '../../../src/sampler/termination.js';
import * as pm from '../../../src/numeric/portable-math.js';
import type { TreeSettings } from '../../../src/sampler/trajectory.js';

/** One level slot: the pending subtree of that depth, for every chain. */
interface LevelSlot {
  readonly rho: Float64Array;
  readonly psBeg: Float64Array;
  readonly psEnd: Float64Array;
  readonly pBeg: Float64Array;
  readonly pEnd: Float64Array;
  readonly propQ: Float64Array;
  readonly propGrad: Float64Array;
  readonly propLogp: Float64Array;
  readonly propH: Float64Array;
  readonly lsw: Float64Array;
}

/** A phase-space point for every chain (q, p, ∇log π, log π). */
interface PointSet {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly grad: Float64Array;
  readonly logp: Float64Array;
}

function pointSet(n: number, d: number): PointSet {
  return {
    q: new Float64Array(n * d),
    p: new Float64Array(n * d),
    grad: new Float64Array(n * d),
    logp: new Float64Array(n),
  };
}

function copyPoint(from: PointSet, to: PointSet, c: number, d: number): void {
  const o = c * d;
  for (let i = o; i < o + d; i++) {
    to.q[i] = from.q[i];
    to.p[i] = from.p[i];
    to.grad[i] = from.grad[i];
  }
  to.logp[c] = from.logp[c];
}

export class PlainTreeBuilder {
  readonly nChains: number;
  readonly dim: number;
  /** The point being integrated; q, grad and logp are what the target evaluates. */
  readonly work: PointSet;
  /** 1 while chain c is building its trajectory: the `active` mask of the target call. */
  readonly building: Uint8Array;
  /**
   * Each chain's current state: the start of a transition, then the sampled state (p is unused). Set by the caller
   * before the first transition (positions, gradients and log densities of the initial values).
   */
  readonly current: PointSet;

  /** Statistics of each chain's last transition, as Stan reports them. */
  readonly treeDepth: Int32Array;
  readonly nLeapfrog: Int32Array;
  readonly acceptStat: Float64Array;
  readonly divergent: Uint8Array;
  readonly energy: Float64Array;

  private readonly fwd: PointSet;
  private readonly bck: PointSet;
  /** Whole-trajectory ρ and the p♯, p at its forward and backward ends. */
  private readonly rho: Float64Array;
  private readonly psFwd: Float64Array;
  private readonly pFwd: Float64Array;
  private readonly psBck: Float64Array;
  private readonly pBck: Float64Array;
  private readonly levels: LevelSlot[] = [];

  private readonly h0: Float64Array;
  private readonly sampleH: Float64Array;
  private readonly lswTrajectory: Float64Array;
  private readonly sumMetroProb: Float64Array;
  private readonly direction: Int8Array;
  private readonly subtreeDepth: Int32Array;
  private readonly leaf: Int32Array;

  constructor(
    nChains: number,
    dim: number,
    private readonly metric: Metric,
    /** Step size per chain; the adaptation changes it in place between transitions. */
    private readonly stepSize: Float64Array,
    private readonly settings: TreeSettings,
  ) {
    const n = nChains;
    const d = dim;
    this.nChains = n;
    this.dim = d;
    this.work = pointSet(n, d);
    this.current = pointSet(n, d);
    this.fwd = pointSet(n, d);
    this.bck = pointSet(n, d);
    this.building = new Uint8Array(n);
    this.treeDepth = new Int32Array(n);
    this.nLeapfrog = new Int32Array(n);
    this.acceptStat = new Float64Array(n);
    this.divergent = new Uint8Array(n);
    this.energy = new Float64Array(n);
    this.rho = new Float64Array(n * d);
    this.psFwd = new Float64Array(n * d);
    this.pFwd = new Float64Array(n * d);
    this.psBck = new Float64Array(n * d);
    this.pBck = new Float64Array(n * d);
    this.h0 = new Float64Array(n);
    this.sampleH = new Float64Array(n);
    this.lswTrajectory = new Float64Array(n);
    this.sumMetroProb = new Float64Array(n);
    this.direction = new Int8Array(n);
    this.subtreeDepth = new Int32Array(n);
    this.leaf = new Int32Array(n);
  }

  /** Allocates level slots 0 … depth (once; slots are reused by every later transition). */
  private ensureLevels(depth: number): void {
    const size = this.nChains * this.dim;
    while (this.levels.length <= depth) {
      this.levels.push({
        rho: new Float64Array(size),
        psBeg: new Float64Array(size),
        psEnd: new Float64Array(size),
        pBeg: new Float64Array(size),
        pEnd: new Float64Array(size),
        propQ: new Float64Array(size),
        propGrad: new Float64Array(size),
        propLogp: new Float64Array(this.nChains),
        propH: new Float64Array(this.nChains),
        lsw: new Float64Array(this.nChains),
      });
    }
  }

  /**
   * Starts chain c's transition from its current state: draws the momentum, and opens the first leapfrog step.
   * Afterwards building[c] = 1 and work.q holds the position to evaluate.
   */
  begin(c: number, rng: Rng): void {
    const d = this.dim;
    const o = c * d;
    const { metric, work, current } = this;
    for (let i = o; i < o + d; i++) {
      work.q[i] = current.q[i];
      work.grad[i] = current.grad[i];
    }
    work.logp[c] = current.logp[c];
    metric.sampleMomentum(c, rng, work.p, o);
    const h0 = -work.logp[c] + metric.kinetic(c, work.p, o);
    this.h0[c] = h0;
    this.sampleH[c] = h0;
    copyPoint(work, this.fwd, c, d);
    copyPoint(work, this.bck, c, d);
    metric.velocity(c, work.p, o, this.psFwd, o);
    for (let i = o; i < o + d; i++) {
      this.psBck[i] = this.psFwd[i];
      this.pFwd[i] = work.p[i];
      this.pBck[i] = work.p[i];
      this.rho[i] = work.p[i];
    }
    this.lswTrajectory[c] = 0; // log weight of the initial state, exp(H0 − H0)
    this.sumMetroProb[c] = 0;
    this.nLeapfrog[c] = 0;
    this.treeDepth[c] = 0;
    this.divergent[c] = 0;
    this.building[c] = 1;
    this.beginSubtree(c, rng);
  }

  /** Chooses the direction of the next subtree (depth = current tree depth) and opens its first leapfrog step. */
  private beginSubtree(c: number, rng: Rng): void {
    const depth = this.treeDepth[c];
    this.ensureLevels(depth);
    const forward = rng.uniform() > 0.5;
    this.direction[c] = forward ? 1 : -1;
    copyPoint(forward ? this.fwd : this.bck, this.work, c, this.dim);
    this.subtreeDepth[c] = depth;
    this.leaf[c] = 0;
    this.openLeapfrog(c);
  }

  private openLeapfrog(c: number): void {
    this.leaf[c]++;
    const { work } = this;
    leapfrogOpen(this.metric, c, this.direction[c] * this.stepSize[c], work.q, work.p, work.grad, c * this.dim);
  }

  /**
   * Continues chain c after the target has evaluated work.q: closes the leapfrog step, adds the new state to the
   * tree, merges finished subtrees, and either opens the next leapfrog step or ends the transition (building[c] = 0,
   * current = the sampled state, statistics written).
   */
  advance(c: number, rng: Rng): void {
    const d = this.dim;
    const o = c * d;
    const { metric, work, levels } = this;
    leapfrogClose(d, this.direction[c] * this.stepSize[c], work.p, work.grad, o);
    let h = -work.logp[c] + metric.kinetic(c, work.p, o);
    if (Number.isNaN(h)) h = Infinity;
    const h0 = this.h0[c];
    this.nLeapfrog[c]++;
    const logWeight = h0 - h;
    this.sumMetroProb[c] += logWeight > 0 ? 1 : pm.exp(logWeight);
    if (h - h0 > this.settings.maxDeltaH) {
      this.divergent[c] = 1;
      this.finish(c);
      return;
    }

    // the new leaf is a subtree of depth 0, written to the slot of the depth it will have after its merges
    const k = this.leaf[c];
    const t = 31 - Math.clz32(k & -k);
    const s = levels[t];
    s.lsw[c] = logWeight;
    s.propLogp[c] = work.logp[c];
    s.propH[c] = h;
    metric.velocity(c, work.p, o, s.psBeg, o);
    for (let i = o; i < o + d; i++) {
      const p = work.p[i];
      s.psEnd[i] = s.psBeg[i];
      s.rho[i] = p;
      s.pBeg[i] = p;
      s.pEnd[i] = p;
      s.propQ[i] = work.q[i];
      s.propGrad[i] = work.grad[i];
    }
    for (let l = 0; l < t; l++) {
      // merge the pending subtree of depth l (a, earlier in integration order) with s (later, also of depth l)
      const a = levels[l];
      if (!takeUniform(a.lsw[c], s.lsw[c], rng)) {
        for (let i = o; i < o + d; i++) {
          s.propQ[i] = a.propQ[i];
          s.propGrad[i] = a.propGrad[i];
        }
        s.propLogp[c] = a.propLogp[c];
        s.propH[c] = a.propH[c];
      }
      s.lsw[c] = logAddExp(a.lsw[c], s.lsw[c]);
      const persist = mergeNoUTurn(d, o, a.rho, a.psBeg, a.psEnd, a.pEnd, s.rho, s.psBeg, s.psEnd, s.pBeg);
      for (let i = o; i < o + d; i++) {
        s.rho[i] += a.rho[i];
        s.psBeg[i] = a.psBeg[i];
        s.pBeg[i] = a.pBeg[i];
      }
      if (!persist) {
        this.finish(c);
        return;
      }
    }
    if (t < this.subtreeDepth[c]) {
      this.openLeapfrog(c);
      return;
    }
    this.mergeSubtree(c, s, rng);
  }

  /** Top-level merge of a finished, valid subtree into chain c's trajectory (the loop body of Stan's transition). */
  private mergeSubtree(c: number, s: LevelSlot, rng: Rng): void {
    const d = this.dim;
    const o = c * d;
    const { current } = this;
    this.treeDepth[c]++;
    if (takeBiased(this.lswTrajectory[c], s.lsw[c], rng)) {
      for (let i = o; i < o + d; i++) {
        current.q[i] = s.propQ[i];
        current.grad[i] = s.propGrad[i];
      }
      current.logp[c] = s.propLogp[c];
      this.sampleH[c] = s.propH[c];
    }
    this.lswTrajectory[c] = logAddExp(this.lswTrajectory[c], s.lsw[c]);
    const forward = this.direction[c] > 0;
    // A = the trajectory so far (inner end = the end the subtree grew from), B = the new subtree
    const psAOuter = forward ? this.psBck : this.psFwd;
    const psAInner = forward ? this.psFwd : this.psBck;
    const pAInner = forward ? this.pFwd : this.pBck;
    const persist = mergeNoUTurn(d, o, this.rho, psAOuter, psAInner, pAInner, s.rho, s.psBeg, s.psEnd, s.pBeg);
    for (let i = o; i < o + d; i++) {
      this.rho[i] += s.rho[i];
      psAInner[i] = s.psEnd[i];
      pAInner[i] = s.pEnd[i];
    }
    copyPoint(this.work, forward ? this.fwd : this.bck, c, d);
    if (!persist || this.treeDepth[c] >= this.settings.maxTreeDepth) {
      this.finish(c);
      return;
    }
    this.beginSubtree(c, rng);
  }

  private finish(c: number): void {
    this.building[c] = 0;
    this.acceptStat[c] = this.sumMetroProb[c] / this.nLeapfrog[c];
    this.energy[c] = this.sampleH[c];
  }
}
