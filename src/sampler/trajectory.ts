/**
 * NUTS tree building for C chains at once, as per-chain iterative state machines over preallocated typed arrays.
 *
 * Stan builds a subtree of depth j recursively (base_nuts::build_tree). Here the same tree is built leaf by leaf:
 * leaf k (1-based) of a depth-j subtree completes as many sub-subtrees as k has trailing zero bits, t = ctz(k). The
 * leaf is written to level slot t, then merged with the pending subtrees in slots 0 … t−1 (latest first), each merge
 * doing what Stan's recursion does after building a "final" subtree: uniform progressive choice of the proposal, the
 * sum of ρ, and the three no-U-turn checks. After the merges slot t holds a finished subtree of depth t, pending
 * until its right sibling is built; when k = 2^j, slot j holds the whole new subtree, which is merged into the
 * trajectory at the top level (biased progressive sampling, the three checks on the whole trajectory). The order of
 * merges and of random draws is the post-order of Stan's recursion, so the sampler is Stan's NUTS, not an
 * approximation of it.
 *
 * Why state machines rather than one async coroutine per chain awaiting a shared batcher: a chain's whole state
 * between two leapfrog steps is a handful of integers and slices of typed arrays, so the run loop can advance every
 * chain with a plain loop and issue ONE target call for all chains still building (the `building` mask is the
 * backend's `active` argument). Coroutines would cost a promise, a closure and a microtask hop per chain per step
 * (thousands per step for 4096 chains) plus a batcher that counts who has asked; here a step allocates nothing and the
 * batch is simply the `building` mask. bench/sampler.bench.ts measures the cost per step.
 *
 * What is kept, and how little is copied (the sampler's own cost is O(d) per leapfrog step per chain, which with
 * 10⁴–10⁵ parameters rivals the gradient): a state's momentum p and velocity p♯ = M⁻¹p are written once, by the
 * closing half of its leapfrog step, into a pair of vectors from a pool, and the subtrees that begin or end at that
 * state name the pair by a per-chain id. A merge keeps the first state of one piece and the last of the other by
 * taking over their ids instead of copying vectors (ids are swapped, so each pair has exactly one owner and nothing
 * needs counting). Proposals are kept the same way: a pending subtree's proposal (q, ∇log π) lives in a pool buffer
 * named per chain; the integration point is copied into one only when the new leaf is the state kept and its subtree
 * stays pending (by the next step's opening pass, which reads q and ∇ anyway), and a merge that keeps an older
 * proposal swaps buffer ids. The sum ρ is written by the no-U-turn check's own pass (termination.ts,
 * mergeNoUTurnSum), and the integrator's halves fuse the momentum, position, velocity and kinetic-energy passes
 * (integrator.ts; with the diagonal metric the closing pass also does the leaf's first merge, leapfrogCloseMerge). Every number is computed by the same operations in the same
 * order as in the plain form that copies every piece (tests/sampler/helpers/plain-tree.ts), and the random draws are
 * the same, so the draws are identical bit for bit (tests/sampler/tree-equivalence.test.ts).
 *
 * Per level slot ℓ (allocated the first time a subtree of depth ≥ ℓ is built) each chain has: ρ (slot 0 holds one
 * state, whose ρ is its p), the pair ids of the subtree's first and last states (in integration order; one id for
 * slot 0), the id of its proposal buffer, the proposal's log π and H, and the log sum of weights. The trajectory has
 * ρ, the pair ids of its two ends (one id for both until the first merge, the other then kept as a spare), and the
 * position, gradient and log π of the end that is not being extended (`work` holds the end being extended).
 */
import type { Rng } from '../rng.js';
import { leapfrogCloseEnergy, leapfrogCloseMerge, leapfrogOpenFrom, leapfrogOpenSaving } from './integrator.js';
import type { Metric } from './metric.js';
import { logAddExp, takeBiased, takeUniform } from './proposal.js';
import { mergeNoUTurnSum, mergeStatesNoUTurn } from './termination.js';
import * as pm from '../numeric/portable-math.js';

export interface TreeSettings {
  /** Largest tree depth (2^depth leapfrog steps at most); Stan's max_depth, default 10. */
  readonly maxTreeDepth: number;
  /** Energy error H − H0 above which a trajectory is divergent; Stan's max_deltaH, 1000. */
  readonly maxDeltaH: number;
}

/** One level slot: the pending subtree of that depth, for every chain. */
interface LevelSlot {
  /** ρ (C × d); empty for slot 0, whose subtree is one state (its ρ is that state's p). */
  readonly rho: Float64Array;
  /** Per chain: the pool pair (p, p♯) of the subtree's first state; for slot 0 its only state. */
  readonly first: Int32Array;
  /** Per chain: the pool pair of its last state (unused for slot 0). */
  readonly last: Int32Array;
  /** Per chain: the pool buffer (q, ∇log π) of its proposal. */
  readonly prop: Int32Array;
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

export class TreeBuilder {
  readonly nChains: number;
  readonly dim: number;
  /**
   * The point being integrated; q, grad and logp are what the target evaluates. (Its p is not used by the tree,
   * whose momenta live in the pair pool; the step-size search integrates in it.)
   */
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

  /** The pool of state pairs: momentum p and velocity p♯ of pair j are stateP[j], statePs[j] (C × d each). */
  private readonly stateP: Float64Array[] = [];
  private readonly statePs: Float64Array[] = [];
  /** The pool of proposal buffers (C × d each). */
  private readonly propQ: Float64Array[] = [];
  private readonly propGrad: Float64Array[] = [];
  private readonly levels: LevelSlot[] = [];

  /** Whole-trajectory ρ, and per chain the pair ids of its forward and backward ends and a spare id. */
  private readonly rho: Float64Array;
  private readonly fwdEnd: Int32Array;
  private readonly bckEnd: Int32Array;
  private readonly spare: Int32Array;
  /** The trajectory's end opposite the one `work` holds (q, ∇log π, log π). */
  private readonly otherQ: Float64Array;
  private readonly otherGrad: Float64Array;
  private readonly otherLogp: Float64Array;
  /** 1 while that opposite end is the transition's starting point, still held in `current` only. */
  private readonly startIsOther: Uint8Array;
  /** The pair holding the momentum the next leapfrog step starts from. */
  private readonly fromState: Int32Array;

  private readonly h0: Float64Array;
  private readonly sampleH: Float64Array;
  private readonly lswTrajectory: Float64Array;
  private readonly sumMetroProb: Float64Array;
  private readonly direction: Int8Array;
  private readonly subtreeDepth: Int32Array;
  private readonly leaf: Int32Array;
  /** The two sums of a leaf's first merge when it is fused with the leapfrog step's close (leapfrogCloseMerge). */
  private readonly mergeSums = new Float64Array(2);

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
    this.building = new Uint8Array(n);
    this.treeDepth = new Int32Array(n);
    this.nLeapfrog = new Int32Array(n);
    this.acceptStat = new Float64Array(n);
    this.divergent = new Uint8Array(n);
    this.energy = new Float64Array(n);
    this.rho = new Float64Array(n * d);
    this.fwdEnd = new Int32Array(n).fill(this.newState());
    this.bckEnd = new Int32Array(n).fill(this.newState());
    this.spare = new Int32Array(n).fill(-1);
    this.otherQ = new Float64Array(n * d);
    this.otherGrad = new Float64Array(n * d);
    this.otherLogp = new Float64Array(n);
    this.startIsOther = new Uint8Array(n);
    this.fromState = new Int32Array(n);
    this.h0 = new Float64Array(n);
    this.sampleH = new Float64Array(n);
    this.lswTrajectory = new Float64Array(n);
    this.sumMetroProb = new Float64Array(n);
    this.direction = new Int8Array(n);
    this.subtreeDepth = new Int32Array(n);
    this.leaf = new Int32Array(n);
  }

  /** Adds a pair (p, p♯) to the pool; returns its id. */
  private newState(): number {
    const size = this.nChains * this.dim;
    this.stateP.push(new Float64Array(size));
    this.statePs.push(new Float64Array(size));
    return this.stateP.length - 1;
  }

  /** Allocates level slots 0 … depth (once; slots are reused by every later transition). */
  private ensureLevels(depth: number): void {
    const n = this.nChains;
    const size = n * this.dim;
    while (this.levels.length <= depth) {
      const l = this.levels.length;
      this.propQ.push(new Float64Array(size));
      this.propGrad.push(new Float64Array(size));
      this.levels.push({
        rho: new Float64Array(l === 0 ? 0 : size),
        first: new Int32Array(n).fill(this.newState()),
        last: new Int32Array(n).fill(l === 0 ? -1 : this.newState()),
        prop: new Int32Array(n).fill(this.propQ.length - 1),
        propLogp: new Float64Array(n),
        propH: new Float64Array(n),
        lsw: new Float64Array(n),
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
    this.startIsOther[c] = 1;
    // both ends are the starting state, one pair; the other id waits as the spare (it still is one when the last
    // transition ended before its first merge)
    if (this.fwdEnd[c] !== this.bckEnd[c]) {
      this.spare[c] = this.bckEnd[c];
      this.bckEnd[c] = this.fwdEnd[c];
    }
    const x = this.fwdEnd[c];
    const p = this.stateP[x];
    metric.sampleMomentum(c, rng, p, o);
    const h0 = -work.logp[c] + metric.kineticVelocity(c, p, o, this.statePs[x], o);
    this.h0[c] = h0;
    this.sampleH[c] = h0;
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
    const dir = forward ? 1 : -1;
    // work holds the end the last subtree grew; turning round, it trades places with the other end
    if (depth > 0 && dir !== this.direction[c]) this.switchEnds(c);
    this.direction[c] = dir;
    this.fromState[c] = forward ? this.fwdEnd[c] : this.bckEnd[c];
    this.subtreeDepth[c] = depth;
    this.leaf[c] = 0;
    this.openLeapfrog(c);
  }

  /** Swaps chain c's integration point (q, ∇, log π) with the trajectory's other end. */
  private switchEnds(c: number): void {
    const d = this.dim;
    const o = c * d;
    const { work, otherQ, otherGrad } = this;
    if (this.startIsOther[c]) {
      const { current } = this;
      for (let i = o; i < o + d; i++) {
        otherQ[i] = work.q[i];
        otherGrad[i] = work.grad[i];
        work.q[i] = current.q[i];
        work.grad[i] = current.grad[i];
      }
      this.otherLogp[c] = work.logp[c];
      work.logp[c] = current.logp[c];
      this.startIsOther[c] = 0;
      return;
    }
    for (let i = o; i < o + d; i++) {
      const q = work.q[i];
      work.q[i] = otherQ[i];
      otherQ[i] = q;
      const g = work.grad[i];
      work.grad[i] = otherGrad[i];
      otherGrad[i] = g;
    }
    const lp = work.logp[c];
    work.logp[c] = this.otherLogp[c];
    this.otherLogp[c] = lp;
  }

  /**
   * Opens leaf k's leapfrog step, its momentum going to the pair of the slot it will be written to (t = ctz(k)); with
   * a proposal slot `keep`, the integration point is first kept as that slot's proposal, in the same pass.
   */
  private openLeapfrog(c: number, keep: LevelSlot | null = null): void {
    const k = ++this.leaf[c];
    const t = 31 - Math.clz32(k & -k);
    const s = this.levels[t];
    const to = t === 0 ? s.first[c] : s.last[c];
    const { work } = this;
    const eps = this.direction[c] * this.stepSize[c];
    const pFrom = this.stateP[this.fromState[c]];
    if (keep === null) leapfrogOpenFrom(this.metric, c, eps, work.q, pFrom, this.stateP[to], work.grad, c * this.dim);
    else leapfrogOpenSaving(this.metric, c, eps, work.q, pFrom, this.stateP[to], work.grad, c * this.dim, this.propQ[keep.prop[c]], this.propGrad[keep.prop[c]]);
    this.fromState[c] = to;
  }

  /**
   * Continues chain c after the target has evaluated work.q: closes the leapfrog step, adds the new state to the
   * tree, merges finished subtrees, and either opens the next leapfrog step or ends the transition (building[c] = 0,
   * current = the sampled state, statistics written).
   */
  advance(c: number, rng: Rng): void {
    const d = this.dim;
    const o = c * d;
    const { work, levels, stateP, statePs } = this;
    const k = this.leaf[c];
    const t = 31 - Math.clz32(k & -k);
    const s = levels[t];
    // the new leaf is a subtree of depth 0, written to the slot of the depth it will have after its merges
    const leafState = this.fromState[c];
    const pLeaf = stateP[leafState];
    const psLeaf = statePs[leafState];
    const eps = this.direction[c] * this.stepSize[c];
    // with the diagonal metric a leaf that merges (t > 0) does its first merge's check in its closing pass
    const fused = t > 0 && this.metric.kind === 'diag';
    const a0first = levels[0].first[c];
    const kinetic = fused
      ? leapfrogCloseMerge(this.metric, c, eps, pLeaf, work.grad, psLeaf, o, stateP[a0first], statePs[a0first], s.rho, this.mergeSums)
      : leapfrogCloseEnergy(this.metric, c, eps, pLeaf, work.grad, psLeaf, o);
    let h = -work.logp[c] + kinetic;
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
    s.lsw[c] = logWeight;
    s.propLogp[c] = work.logp[c];
    s.propH[c] = h;
    /** The slot whose proposal the merged subtree keeps; −1: the new leaf's (in work). */
    let from = -1;
    if (t > 0) {
      // merge the pending subtree of depth l (a, earlier in integration order) with the new piece (later, also of
      // depth l), for l = 0 … t−1; the merged piece's ρ is built in slot t's ρ, its last state is the leaf
      const a0 = levels[0];
      if (!takeUniform(a0.lsw[c], s.lsw[c], rng)) {
        from = 0;
        s.propLogp[c] = a0.propLogp[c];
        s.propH[c] = a0.propH[c];
      }
      s.lsw[c] = logAddExp(a0.lsw[c], s.lsw[c]);
      let first = a0first;
      const persist0 = fused ? this.mergeSums[0] > 0 && this.mergeSums[1] > 0 : mergeStatesNoUTurn(d, o, stateP[first], statePs[first], pLeaf, psLeaf, s.rho);
      if (!persist0) {
        this.finish(c);
        return;
      }
      for (let l = 1; l < t; l++) {
        const a = levels[l];
        if (!takeUniform(a.lsw[c], s.lsw[c], rng)) {
          from = l;
          s.propLogp[c] = a.propLogp[c];
          s.propH[c] = a.propH[c];
        }
        s.lsw[c] = logAddExp(a.lsw[c], s.lsw[c]);
        const aFirst = a.first[c];
        const aLast = a.last[c];
        const persist = mergeNoUTurnSum(
          d,
          o,
          a.rho,
          statePs[aFirst],
          statePs[aLast],
          stateP[aLast],
          s.rho,
          statePs[first],
          psLeaf,
          stateP[first],
          s.rho,
        );
        first = aFirst;
        if (!persist) {
          this.finish(c);
          return;
        }
      }
      // slot t's first state is slot t−1's: take its pair, giving slot t−1 (now merged away) slot t's free one
      const below = levels[t - 1];
      below.first[c] = s.first[c];
      s.first[c] = first;
    }
    if (t < this.subtreeDepth[c]) {
      // slot t stays pending: its proposal must outlive the integration point (kept by the next step's open pass)
      if (from >= 0) {
        const mine = s.prop[c];
        s.prop[c] = levels[from].prop[c];
        levels[from].prop[c] = mine;
      }
      this.openLeapfrog(c, from < 0 ? s : null);
      return;
    }
    this.mergeSubtree(c, s, t, from, rng);
  }

  /**
   * Top-level merge of a finished, valid subtree (slot t) into chain c's trajectory (the loop body of Stan's
   * transition); its proposal is in slot `from`'s buffer, or in work when from < 0.
   */
  private mergeSubtree(c: number, s: LevelSlot, t: number, from: number, rng: Rng): void {
    const d = this.dim;
    const o = c * d;
    const { current, stateP, statePs } = this;
    this.treeDepth[c]++;
    if (takeBiased(this.lswTrajectory[c], s.lsw[c], rng)) {
      if (this.startIsOther[c]) this.saveStart(c);
      const q = from < 0 ? this.work.q : this.propQ[this.levels[from].prop[c]];
      const g = from < 0 ? this.work.grad : this.propGrad[this.levels[from].prop[c]];
      for (let i = o; i < o + d; i++) {
        current.q[i] = q[i];
        current.grad[i] = g[i];
      }
      current.logp[c] = s.propLogp[c];
      this.sampleH[c] = s.propH[c];
    }
    this.lswTrajectory[c] = logAddExp(this.lswTrajectory[c], s.lsw[c]);
    const forward = this.direction[c] > 0;
    // A = the trajectory so far (inner end = the end the subtree grew from), B = the new subtree
    const outer = forward ? this.bckEnd[c] : this.fwdEnd[c];
    const inner = forward ? this.fwdEnd[c] : this.bckEnd[c];
    const firstMerge = this.treeDepth[c] === 1;
    const bFirst = s.first[c];
    const bLast = t === 0 ? bFirst : s.last[c];
    const persist = mergeNoUTurnSum(
      d,
      o,
      firstMerge ? stateP[inner] : this.rho, // before the first merge the trajectory is one state, ρ = its p
      statePs[outer],
      statePs[inner],
      stateP[inner],
      t === 0 ? stateP[bFirst] : s.rho,
      statePs[bFirst],
      statePs[bLast],
      stateP[bFirst],
      this.rho,
    );
    // the subtree's last state becomes the trajectory's end on this side: the slot takes the pair it replaces, or
    // the spare while both ends were still one pair
    const freed = firstMerge ? this.spare[c] : inner;
    if (forward) this.fwdEnd[c] = bLast;
    else this.bckEnd[c] = bLast;
    if (t === 0) s.first[c] = freed;
    else s.last[c] = freed;
    if (!persist || this.treeDepth[c] >= this.settings.maxTreeDepth) {
      this.finish(c);
      return;
    }
    this.beginSubtree(c, rng);
  }

  /** The starting point is about to leave `current` while it is still the trajectory's other end: keep it there. */
  private saveStart(c: number): void {
    const d = this.dim;
    const o = c * d;
    const { current, otherQ, otherGrad } = this;
    for (let i = o; i < o + d; i++) {
      otherQ[i] = current.q[i];
      otherGrad[i] = current.grad[i];
    }
    this.otherLogp[c] = current.logp[c];
    this.startIsOther[c] = 0;
  }

  private finish(c: number): void {
    this.building[c] = 0;
    this.acceptStat[c] = this.sumMetroProb[c] / this.nLeapfrog[c];
    this.energy[c] = this.sampleH[c];
  }
}
