/**
 * PSIS-LOO of a fitted model: the backend computes the pointwise log-likelihood of the fit's draws block by block
 * (blocksFromBackend) and PSIS consumes each block, so the S × N matrix is never held. Draws are taken chain by chain,
 * which gives the chain of each draw for r_eff.
 */
import type { Backend } from '../backend/backend.js';
import type { SampleResult } from '../sampler/run.js';
import { blocksFromBackend } from './backend-blocks.js';
import { type LogLikBlock, type LooOptions, type LooResult, psisLooStream } from './loo.js';

export interface FitLooOptions extends LooOptions {
  /** Observations per block (memory: S × blockRows values). Default 256. */
  readonly blockRows?: number;
  /** Draws per backend call; at most the backend's maxDraws. Default 256. */
  readonly maxDrawsPerCall?: number;
}

/** What LOO needs of a fit (src/fit/fit.ts's Fit has both). */
export interface FitForLoo {
  readonly backend: Backend;
  readonly sample: Pick<SampleResult, 'nChains' | 'nDraws' | 'dim' | 'draws'>;
}

/**
 * The pointwise log-likelihood of a fit's draws in blocks of observations (all draws, chain by chain, × blockRows
 * observations; one buffer reused from block to block), as PSIS-LOO and the NetCDF log_likelihood group read it.
 */
export function fitLogLikBlocks(fit: FitForLoo, blockRows: number, maxDrawsPerCall?: number): { blocks: AsyncGenerator<LogLikBlock>; chainOfDraw: Uint32Array } {
  const { nChains, nDraws: perChain, dim, draws } = fit.sample;
  const nDraws = nChains * perChain;
  const chainOfDraw = new Uint32Array(nDraws);
  for (let c = 0; c < nChains; c++) chainOfDraw.fill(c, c * perChain, (c + 1) * perChain);
  if (draws.some((d) => d.length < perChain * dim)) {
    throw new Error('LOO of a fit needs its unconstrained draws; this one released them (FitOptions.keepUnconstrained: false)');
  }
  // the chains are read where they are (not copied into one nDraws × dim array: 3.2 GB for 10⁵ parameters × 4,000 draws)
  return { blocks: blocksFromBackend(fit.backend, draws.slice(0, nChains), nDraws, blockRows, { maxDrawsPerCall }), chainOfDraw };
}

export async function looOfFit(fit: FitForLoo, options: FitLooOptions = {}): Promise<LooResult> {
  const { blocks, chainOfDraw } = fitLogLikBlocks(fit, options.blockRows ?? 256, options.maxDrawsPerCall);
  return psisLooStream(fit.backend.spec.n, chainOfDraw.length, chainOfDraw, blocks, options);
}
