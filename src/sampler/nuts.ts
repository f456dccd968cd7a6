/**
 * The NUTS kernel (Hoffman & Gelman 2014, with Stan's multinomial sampling and generalized no-U-turn criterion):
 * one transition of every chain, in lockstep (the sampling run, run.ts, drives TreeBuilder itself so that chains need
 * not wait for each other between transitions). Each round issues ONE target call for all chains still building their
 * trajectory (the others are masked out through `active`), then advances every such chain by one leapfrog step.
 * The target may answer synchronously or asynchronously (a GPU readback): the loop always awaits it.
 */
import type { Backend } from '../backend/backend.js';
import type { Rng } from '../rng.js';
import type { Metric } from './metric.js';
import { TreeBuilder, type TreeSettings } from './trajectory.js';

/**
 * What the sampler needs of a model: the batched log density and gradient of the Backend interface, and its
 * calling-thread form when the backend has one (the run loop then calls it without a promise per round).
 */
export type LogDensityTarget = Pick<Backend, 'dim' | 'logDensityGradient' | 'logDensityGradientSync'>;

export const DEFAULT_TREE_SETTINGS: TreeSettings = { maxTreeDepth: 10, maxDeltaH: 1000 };

export class NutsKernel {
  readonly tree: TreeBuilder;
  /** Target calls made by transitions so far (one per lockstep leapfrog round). */
  targetCalls = 0;

  constructor(
    private readonly target: LogDensityTarget,
    readonly nChains: number,
    metric: Metric,
    stepSize: Float64Array,
    settings: TreeSettings = DEFAULT_TREE_SETTINGS,
  ) {
    this.tree = new TreeBuilder(nChains, target.dim, metric, stepSize, settings);
  }

  /**
   * One NUTS transition of every chain from tree.current; afterwards tree.current holds the new states and
   * tree.treeDepth / nLeapfrog / acceptStat / divergent / energy their statistics. rngs[c] is chain c's stream.
   */
  async transition(rngs: readonly Rng[]): Promise<void> {
    const { tree, nChains, target } = this;
    const { work, building } = tree;
    for (let c = 0; c < nChains; c++) tree.begin(c, rngs[c]);
    let stillBuilding = nChains;
    while (stillBuilding > 0) {
      await target.logDensityGradient(work.q, nChains, work.logp, work.grad, building);
      this.targetCalls++;
      stillBuilding = 0;
      for (let c = 0; c < nChains; c++) {
        if (building[c] === 0) continue;
        tree.advance(c, rngs[c]);
        stillBuilding += building[c];
      }
    }
  }
}
