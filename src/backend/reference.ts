/**
 * The reference backend: plain TypeScript in float64, written for clarity. It is the oracle every other backend is
 * tested against; the log density itself is src/model/density.ts (the model as documented in src/model/spec.ts),
 * so this file only adapts it to the Backend interface.
 */
import { hasSignedScale } from '../model/signed-scale.js';
import { needsCoordinateMap } from './split-terms.js';
import type { Backend, BackendOptions } from './backend.js';
import { ModelDensity } from '../model/density.js';
import type { ModelSpec } from '../model/spec.js';

export class ReferenceBackend implements Backend {
  readonly kind = 'reference' as const;
  readonly description = 'reference (TypeScript, float64)';
  readonly dim: number;
  private readonly density: ModelDensity;

  constructor(readonly spec: ModelSpec) {
    this.dim = spec.dim;
    this.density = new ModelDensity(spec);
  }

  async logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    this.density.logDensityGradient(positions, nChains, logp, grad, active);
  }

  readonly logDensityGradientSync = (
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): void => {
    this.density.logDensityGradient(positions, nChains, logp, grad, active);
  };

  async pointwiseLogLik(
    draws: Float64Array,
    nDraws: number,
    rowStart: number,
    rowCount: number,
    out: Float64Array,
  ): Promise<void> {
    this.density.pointwiseLogLik(draws, nDraws, rowStart, rowCount, out);
  }

  async dispose(): Promise<void> {}
}

export async function createReferenceBackend(spec: ModelSpec, _options: BackendOptions = {}): Promise<Backend> {
  if (hasSignedScale(spec)) {
    throw new Error('createReferenceBackend: the spec has terms with a signed sd; create the backend with createBackend(), which maps them (src/backend/signed-scale.ts)');
  }
  if (needsCoordinateMap(spec)) {
    throw new Error('createReferenceBackend: the spec has split or folded terms or a fixed basis; create the backend with createBackend(), which maps them (src/backend/split-terms.ts)');
  }
  return new ReferenceBackend(spec);
}
