/**
 * The leapfrog (Störmer–Verlet) integrator for H(q, p) = −log π(q) + ½ pᵀ M⁻¹ p, split in two halves around the
 * gradient evaluation so that the gradients of all chains can be computed in one batched call between them:
 *
 *   open:   p ← p + (ε/2) ∇log π(q);   q ← q + ε M⁻¹ p
 *   (the caller evaluates log π and ∇log π at the new q, for every chain at once)
 *   close:  p ← p + (ε/2) ∇log π(q)
 *
 * A negative ε integrates backwards in time (Stan's `sign * epsilon`). Both halves work in place on one chain's
 * slice [off, off + d) of the C × d arrays; nothing is allocated.
 */
import type { Metric } from './metric.js';

export function leapfrogOpen(
  metric: Metric,
  c: number,
  eps: number,
  q: Float64Array,
  p: Float64Array,
  grad: Float64Array,
  off: number,
): void {
  const d = metric.dim;
  const half = 0.5 * eps;
  for (let i = 0; i < d; i++) p[off + i] += half * grad[off + i];
  metric.addScaledVelocity(c, eps, p, q, off);
}

export function leapfrogClose(dim: number, eps: number, p: Float64Array, grad: Float64Array, off: number): void {
  const half = 0.5 * eps;
  for (let i = 0; i < dim; i++) p[off + i] += half * grad[off + i];
}
