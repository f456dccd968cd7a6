/**
 * Comparing a kernel backend's log density, gradient and pointwise log-likelihood with the reference backend's
 * (tests/backend/native-families.test.ts, wasm.test.ts): positions on each family's scale and relative differences
 * with a floor on the gradient's scale.
 */
import { expect } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { randomPositions } from './specs.js';

/**
 * |a − b| relative to max(|a|, |b|, floor): the floor is 1e-6 of the largest gradient component of the chain, so
 * that a component that is zero up to cancellation (an aux gradient is a difference of two sums over rows) is judged
 * on the gradient's scale.
 */
export function relative(a: number, b: number, floor: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor, 1e-300);
}

/** Positions with the aux coordinate (if any) spread around log 1: sigma/shape between about 0.3 and 3. */
export function familyPositions(spec: ModelSpec, nChains: number, seed: number): Float64Array {
  const pos = randomPositions(spec, nChains, seed);
  for (const a of spec.aux ?? []) {
    for (let c = 0; c < nChains; c++) pos[c * spec.dim + a.index] = 0.6 * Math.sin(1.7 * c + seed);
  }
  // η near the outcome's scale for the log and identity links (randomPositions aims at rare-event logits)
  if (spec.family !== 'bernoulli' && spec.family !== 'binomial') for (let c = 0; c < nChains; c++) pos[c * spec.dim] = -0.4 + 0.1 * Math.cos(c);
  return pos;
}

export interface ParityErrors {
  logp: number;
  grad: number;
  pointwise: number;
}

/** Raises errors.logp and errors.grad to the largest relative differences of (logp, grad) from the reference's. */
export function addGradientErrors(
  errors: ParityErrors,
  nChains: number,
  dim: number,
  logp: Float64Array,
  grad: Float64Array,
  logpRef: Float64Array,
  gradRef: Float64Array,
): void {
  for (let c = 0; c < nChains; c++) {
    errors.logp = Math.max(errors.logp, relative(logp[c], logpRef[c], 0));
    let scale = 0;
    for (let j = 0; j < dim; j++) scale = Math.max(scale, Math.abs(gradRef[c * dim + j]));
    for (let j = 0; j < dim; j++) errors.grad = Math.max(errors.grad, relative(grad[c * dim + j], gradRef[c * dim + j], 1e-6 * scale));
  }
}

/** Raises errors.pointwise to the largest relative difference of `values` from the reference's. */
export function addPointwiseErrors(errors: ParityErrors, values: Float64Array, reference: Float64Array): void {
  for (let k = 0; k < values.length; k++) errors.pointwise = Math.max(errors.pointwise, relative(values[k], reference[k], 0));
}

/** The reference backend's values at familyPositions(spec, nChains, 11 + nChains), and a pointwise block off the block boundaries. */
export interface ReferenceValues {
  readonly nChains: number;
  readonly positions: Float64Array;
  readonly logp: Float64Array;
  readonly grad: Float64Array;
  readonly rowStart: number;
  readonly rowCount: number;
  readonly pointwise: Float64Array;
}

export async function referenceValues(spec: ModelSpec, nChains: number): Promise<ReferenceValues> {
  const positions = familyPositions(spec, nChains, 11 + nChains);
  const reference = await createReferenceBackend(spec);
  const logp = new Float64Array(nChains);
  const grad = new Float64Array(nChains * spec.dim);
  await reference.logDensityGradient(positions, nChains, logp, grad);
  for (const v of [...logp, ...grad]) expect(Number.isFinite(v)).toBe(true);
  const rowStart = Math.floor(spec.n / 3);
  const rowCount = spec.n - rowStart - 5;
  const pointwise = new Float64Array(nChains * rowCount);
  await reference.pointwiseLogLik(positions, nChains, rowStart, rowCount, pointwise);
  return { nChains, positions, logp, grad, rowStart, rowCount, pointwise };
}

/** Raises `errors` to `backend`'s largest relative differences from `ref` (its gradient through logDensityGradientSync when `sync`). */
export async function addBackendErrors(errors: ParityErrors, backend: Backend, ref: ReferenceValues, sync = false): Promise<void> {
  const { nChains, positions } = ref;
  const logp = new Float64Array(nChains);
  const grad = new Float64Array(nChains * backend.dim);
  if (sync) backend.logDensityGradientSync!(positions, nChains, logp, grad);
  else await backend.logDensityGradient(positions, nChains, logp, grad);
  addGradientErrors(errors, nChains, backend.dim, logp, grad, ref.logp, ref.grad);
  const pointwise = new Float64Array(nChains * ref.rowCount);
  await backend.pointwiseLogLik(positions, nChains, ref.rowStart, ref.rowCount, pointwise);
  addPointwiseErrors(errors, pointwise, ref.pointwise);
}

/** Every error below `tolerance`. */
export function expectWithin(e: ParityErrors, tolerance: number): void {
  expect(e.logp).toBeLessThan(tolerance);
  expect(e.grad).toBeLessThan(tolerance);
  expect(e.pointwise).toBeLessThan(tolerance);
}
