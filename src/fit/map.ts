/**
 * Posterior mode on the unconstrained scale by L-BFGS on −log density (Jacobian included, as the sampler sees it).
 * Used by `--method map` and as the sampler's starting point (`--init map`).
 */
import type { Backend } from '../backend/backend.js';
import { minimizeLbfgs, type LbfgsResult } from '../optimize/lbfgs.js';

export interface ModeResult {
  /** Unconstrained position of the mode. */
  readonly theta: Float64Array;
  /** Log density at the mode. */
  readonly logDensity: number;
  readonly optimizer: LbfgsResult;
}

export async function findMode(backend: Pick<Backend, 'dim' | 'logDensityGradient'>, start?: Float64Array): Promise<ModeResult> {
  const logp = new Float64Array(1);
  const objective = async (x: Float64Array, grad: Float64Array): Promise<number> => {
    await backend.logDensityGradient(x, 1, logp, grad);
    for (let j = 0; j < grad.length; j++) grad[j] = -grad[j];
    return -logp[0];
  };
  const x0 = start ?? new Float64Array(backend.dim);
  const optimizer = await minimizeLbfgs(objective, x0, { gradTolerance: 1e-6, maxIterations: 2000 });
  return { theta: optimizer.x, logDensity: -optimizer.value, optimizer };
}
