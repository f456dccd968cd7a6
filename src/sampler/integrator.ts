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
 *
 * The tree builder uses the fused forms below (leapfrogOpenFrom, leapfrogCloseEnergy): the same operations on each
 * coordinate, so the same numbers bit for bit, with fewer passes over the d-vectors (one each way for the diagonal
 * metric instead of two and three) and the momentum read from where the previous state keeps it.
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

/**
 * The open half reading the momentum from pFrom and writing the half-step momentum to p (p may be pFrom):
 * p ← pFrom + (ε/2) ∇log π(q);  q ← q + ε M⁻¹ p. For the diagonal metric both updates of a coordinate are made in one
 * pass (q_i needs p_i only); otherwise as leapfrogOpen.
 */
export function leapfrogOpenFrom(
  metric: Metric,
  c: number,
  eps: number,
  q: Float64Array,
  pFrom: Float64Array,
  p: Float64Array,
  grad: Float64Array,
  off: number,
): void {
  const d = metric.dim;
  const half = 0.5 * eps;
  if (metric.kind === 'diag') {
    const m = metric.inverse;
    const mo = c * d;
    for (let i = 0; i < d; i++) {
      const pi = pFrom[off + i] + half * grad[off + i];
      p[off + i] = pi;
      q[off + i] += eps * m[mo + i] * pi;
    }
    return;
  }
  for (let i = 0; i < d; i++) p[off + i] = pFrom[off + i] + half * grad[off + i];
  metric.addScaledVelocity(c, eps, p, q, off);
}

/**
 * The close half together with what the tree needs of the new state: p ← p + (ε/2) ∇log π(q), ps ← M⁻¹ p (the
 * velocity p♯), and the kinetic energy ½ pᵀ M⁻¹ p as the return value (Metric.kineticVelocity). One pass for the
 * diagonal metric.
 */
export function leapfrogCloseEnergy(
  metric: Metric,
  c: number,
  eps: number,
  p: Float64Array,
  grad: Float64Array,
  ps: Float64Array,
  off: number,
): number {
  const d = metric.dim;
  const half = 0.5 * eps;
  if (metric.kind === 'diag') {
    const m = metric.inverse;
    const mo = c * d;
    let k = 0;
    for (let i = 0; i < d; i++) {
      const pi = p[off + i] + half * grad[off + i];
      p[off + i] = pi;
      const v = m[mo + i] * pi;
      ps[off + i] = v;
      k += v * pi;
    }
    return 0.5 * k;
  }
  for (let i = 0; i < d; i++) p[off + i] += half * grad[off + i];
  return metric.kineticVelocity(c, p, off, ps, off);
}

/**
 * leapfrogOpenFrom that first keeps the current point (q and ∇log π, which the pass reads anyway) in saveQ and
 * saveGrad: the tree builder's copy of a proposal that must outlive the integration point, made in the same pass.
 */
export function leapfrogOpenSaving(
  metric: Metric,
  c: number,
  eps: number,
  q: Float64Array,
  pFrom: Float64Array,
  p: Float64Array,
  grad: Float64Array,
  off: number,
  saveQ: Float64Array,
  saveGrad: Float64Array,
): void {
  const d = metric.dim;
  if (metric.kind === 'diag') {
    const half = 0.5 * eps;
    const m = metric.inverse;
    const mo = c * d;
    for (let i = 0; i < d; i++) {
      const g = grad[off + i];
      const qi = q[off + i];
      saveQ[off + i] = qi;
      saveGrad[off + i] = g;
      const pi = pFrom[off + i] + half * g;
      p[off + i] = pi;
      q[off + i] = qi + eps * m[mo + i] * pi;
    }
    return;
  }
  for (let i = off; i < off + d; i++) {
    saveQ[i] = q[i];
    saveGrad[i] = grad[i];
  }
  leapfrogOpenFrom(metric, c, eps, q, pFrom, p, grad, off);
}

/**
 * Diagonal metric only: leapfrogCloseEnergy fused with the no-U-turn check of the new state against the single state
 * a before it (termination.ts, mergeStatesNoUTurn: ρ = p_a + p written to rhoOut, sums[0] = p♯_a·ρ, sums[1] = p♯·ρ),
 * which needs only the new p and p♯ of the same coordinate. Three independent sums in one pass instead of one sum in
 * each of two; each accumulated in the same order as in the two functions, so the same numbers. Returns ½ pᵀ M⁻¹ p.
 */
export function leapfrogCloseMerge(
  metric: Metric,
  c: number,
  eps: number,
  p: Float64Array,
  grad: Float64Array,
  ps: Float64Array,
  off: number,
  pA: Float64Array,
  psA: Float64Array,
  rhoOut: Float64Array,
  sums: Float64Array,
): number {
  const d = metric.dim;
  const half = 0.5 * eps;
  const m = metric.inverse;
  const mo = c * d;
  let k = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < d; i++) {
    const j = off + i;
    const pi = p[j] + half * grad[j];
    p[j] = pi;
    const v = m[mo + i] * pi;
    ps[j] = v;
    k += v * pi;
    const whole = pA[j] + pi;
    rhoOut[j] = whole;
    a += psA[j] * whole;
    b += v * whole;
  }
  sums[0] = a;
  sums[1] = b;
  return 0.5 * k;
}
