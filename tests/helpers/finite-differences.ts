/** Gradient check against central finite differences (with one Richardson step), shared by the backend tests. */
import type { ModelSpec } from '../../src/model/spec.js';

type LogDensityGradient = (pos: Float64Array, n: number, logp: Float64Array, grad: Float64Array) => Promise<void>;

/**
 * Largest relative error of `grad` against central differences with one Richardson step (error O(h^4)), relative to
 * max(|g_j|, 1e-3 · max_k |g_k|) so that components that are zero up to rounding are judged on the gradient's scale.
 */
export async function maxFiniteDifferenceError(
  spec: ModelSpec,
  f: LogDensityGradient,
  pos: Float64Array,
  grad: Float64Array,
): Promise<number> {
  const lp = new Float64Array(1);
  const scratch = new Float64Array(spec.dim);
  const at = async (theta: Float64Array) => {
    await f(theta, 1, lp, scratch);
    return lp[0];
  };
  const central = async (j: number, h: number) => {
    const plus = pos.slice(0, spec.dim);
    const minus = pos.slice(0, spec.dim);
    plus[j] += h;
    minus[j] -= h;
    return ((await at(plus)) - (await at(minus))) / (2 * h);
  };
  let scale = 0;
  for (let j = 0; j < spec.dim; j++) scale = Math.max(scale, Math.abs(grad[j]));
  let worst = 0;
  for (let j = 0; j < spec.dim; j++) {
    const h = 1e-3 * Math.max(1, Math.abs(pos[j]));
    const fd = (4 * (await central(j, h / 2)) - (await central(j, h))) / 3;
    const err = Math.abs(fd - grad[j]) / Math.max(Math.abs(grad[j]), 1e-3 * scale);
    worst = Math.max(worst, err);
  }
  return worst;
}
