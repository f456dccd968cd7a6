/**
 * The map between the sampler's unconstrained coordinates u and a density model's constrained parameter vector x
 * (types.ts): block by block, x = T(u), the log |Jacobian| of T, and the chain rule that turns the gradient of
 * log p(x) into the gradient of log p(T(u)) + log |J(u)| with respect to u. The transforms are Stan's (Stan
 * Reference Manual, "Constraint transforms"): exp for a lower bound, the scaled logistic for an interval, and the
 * stick-breaking simplex with its log(K − k) offset, so that u = 0 is the uniform simplex.
 */
import { UserError } from '../../errors.js';
import type { DensityModel, ParameterBlock, Transform } from './types.js';

const STAN_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** logistic(x) without overflow. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Where each block sits in the unconstrained and constrained vectors. */
export interface BlockLayout {
  readonly block: ParameterBlock;
  /** Offset in the unconstrained vector and its length there (size − 1 for a simplex). */
  readonly uStart: number;
  readonly uSize: number;
  /** Offset in the constrained vector (length block.size). */
  readonly xStart: number;
}

/** The lower and upper bound of a bounded transform (upper = Infinity for lower-bounded). */
function bounds(t: Transform): { lower: number; upper: number } {
  switch (t.kind) {
    case 'positive':
      return { lower: 0, upper: Infinity };
    case 'lower':
      return { lower: t.lower, upper: Infinity };
    case 'unit':
      return { lower: 0, upper: 1 };
    case 'interval':
      return { lower: t.lower, upper: t.upper };
    default:
      return { lower: -Infinity, upper: Infinity };
  }
}

/**
 * A model's parameter layout: checked once (names, sizes, bounds), then used on the sampler's hot path with no
 * allocation. `where` names the model in error messages (e.g. "its model").
 */
export class DensityLayout {
  readonly blocks: readonly BlockLayout[];
  /** Unconstrained dimension: Σ sizes minus one per simplex. */
  readonly dim: number;
  /** Constrained dimension: Σ sizes. */
  readonly constrainedDim: number;

  constructor(parameters: readonly ParameterBlock[], where = 'density model') {
    const seen = new Set<string>();
    let u = 0;
    let x = 0;
    const blocks: BlockLayout[] = [];
    for (const block of parameters) {
      if (!STAN_IDENTIFIER.test(block.name)) {
        throw new UserError(`${where}: parameter name '${block.name}' is not an identifier (a letter, then letters, digits, _)`);
      }
      if (seen.has(block.name)) throw new UserError(`${where}: parameter '${block.name}' is declared twice`);
      seen.add(block.name);
      if (!Number.isInteger(block.size) || block.size < 1) {
        throw new UserError(`${where}: parameter '${block.name}' has size ${block.size}; give a whole number ≥ 1`);
      }
      if (block.coordinates !== undefined && block.coordinates.length !== block.size) {
        throw new UserError(`${where}: parameter '${block.name}' has ${block.coordinates.length} coordinates for ${block.size} values`);
      }
      const t = block.transform;
      if (t.kind === 'simplex' && block.size < 2) {
        throw new UserError(`${where}: simplex '${block.name}' needs at least 2 values, has ${block.size}`);
      }
      if (t.kind === 'interval' && !(t.lower < t.upper && Number.isFinite(t.lower) && Number.isFinite(t.upper))) {
        throw new UserError(`${where}: interval of '${block.name}' is (${t.lower}, ${t.upper}); give finite lower < upper`);
      }
      if (t.kind === 'lower' && !Number.isFinite(t.lower)) {
        throw new UserError(`${where}: lower bound of '${block.name}' is ${t.lower}; give a finite number`);
      }
      const uSize = t.kind === 'simplex' ? block.size - 1 : block.size;
      blocks.push({ block, uStart: u, uSize, xStart: x });
      u += uSize;
      x += block.size;
    }
    this.blocks = blocks;
    this.dim = u;
    this.constrainedDim = x;
  }

  /** Writes x = T(u) (length constrainedDim) and returns log |J(u)|. */
  constrain(u: Float64Array, x: Float64Array): number {
    let logJ = 0;
    for (const { block, uStart, uSize, xStart } of this.blocks) {
      const t = block.transform;
      if (t.kind === 'real') {
        for (let j = 0; j < uSize; j++) x[xStart + j] = u[uStart + j];
      } else if (t.kind === 'simplex') {
        logJ += simplexConstrain(u, uStart, block.size, x, xStart);
      } else {
        const { lower, upper } = bounds(t);
        if (upper === Infinity) {
          for (let j = 0; j < uSize; j++) {
            const v = u[uStart + j];
            x[xStart + j] = lower + Math.exp(v);
            logJ += v;
          }
        } else {
          const w = upper - lower;
          const logW = Math.log(w);
          for (let j = 0; j < uSize; j++) {
            const v = u[uStart + j];
            x[xStart + j] = lower + w * sigmoid(v);
            // log s + log(1 − s) = −|v| − 2 log(1 + e^{−|v|})
            logJ += logW - Math.abs(v) - 2 * log1pExp(-Math.abs(v));
          }
        }
      }
    }
    return logJ;
  }

  /**
   * The gradient on the unconstrained scale: gu = J(u)ᵀ gx + ∇ log |J(u)|, from x = T(u) (as constrain wrote it) and
   * gx = ∇ₓ log p(x).
   */
  chainGradient(u: Float64Array, x: Float64Array, gx: Float64Array, gu: Float64Array): void {
    for (const { block, uStart, uSize, xStart } of this.blocks) {
      const t = block.transform;
      if (t.kind === 'real') {
        for (let j = 0; j < uSize; j++) gu[uStart + j] = gx[xStart + j];
      } else if (t.kind === 'simplex') {
        simplexGradient(u, uStart, block.size, x, xStart, gx, gu);
      } else {
        const { lower, upper } = bounds(t);
        if (upper === Infinity) {
          for (let j = 0; j < uSize; j++) gu[uStart + j] = gx[xStart + j] * (x[xStart + j] - lower) + 1;
        } else {
          const w = upper - lower;
          for (let j = 0; j < uSize; j++) {
            const s = sigmoid(u[uStart + j]);
            gu[uStart + j] = gx[xStart + j] * w * s * (1 - s) + 1 - 2 * s;
          }
        }
      }
    }
  }

  /**
   * Writes u = T⁻¹(x). Values on or outside a bound map to ±Infinity (the caller checks); a simplex is taken as
   * given (its last value is implied by the others).
   */
  unconstrain(x: Float64Array, u: Float64Array): void {
    for (const { block, uStart, uSize, xStart } of this.blocks) {
      const t = block.transform;
      if (t.kind === 'real') {
        for (let j = 0; j < uSize; j++) u[uStart + j] = x[xStart + j];
      } else if (t.kind === 'simplex') {
        const K = block.size;
        let stick = 1;
        for (let k = 0; k < K - 1; k++) {
          const z = x[xStart + k] / stick;
          u[uStart + k] = Math.log(z) - Math.log1p(-z) + Math.log(K - k - 1);
          stick -= x[xStart + k];
        }
      } else {
        const { lower, upper } = bounds(t);
        for (let j = 0; j < uSize; j++) {
          const v = x[xStart + j];
          if (upper === Infinity) u[uStart + j] = Math.log(v - lower);
          else {
            const p = (v - lower) / (upper - lower);
            u[uStart + j] = Math.log(p) - Math.log1p(-p);
          }
        }
      }
    }
  }
}

/**
 * Stan's stick-breaking simplex: for k = 1 … K − 1, z_k = logistic(u_k − log(K − k)), x_k = stick_k · z_k,
 * stick_{k+1} = stick_k − x_k = stick_k · logistic(−(u_k − log(K − k))) (stick_1 = 1), x_K = stick_K; log |J| = Σ_k log z_k + log(1 − z_k) + log stick_k.
 */
function simplexConstrain(u: Float64Array, uStart: number, K: number, x: Float64Array, xStart: number): number {
  let stick = 1;
  let logJ = 0;
  for (let k = 0; k < K - 1; k++) {
    const a = u[uStart + k] - Math.log(K - k - 1);
    logJ += -Math.abs(a) - 2 * log1pExp(-Math.abs(a)) + Math.log(stick);
    x[xStart + k] = stick * sigmoid(a);
    // stick · (1 − z) with 1 − z = logistic(−a): no cancellation when z is near 1
    stick *= sigmoid(-a);
  }
  x[xStart + K - 1] = stick;
  return logJ;
}

/**
 * Reverse pass through the stick-breaking map: with A the adjoint of stick_{k+1} (starting from gx_K),
 * ∂/∂u_k = stick_k (gx_k − A) z_k (1 − z_k) + 1 − 2 z_k, then A ← A (1 − z_k) + gx_k z_k + 1 / stick_k.
 * The sticks are recovered from x (stick_k = 1 − Σ_{j<k} x_j), going backwards as stick_k = stick_{k+1} + x_k.
 */
function simplexGradient(
  u: Float64Array,
  uStart: number,
  K: number,
  x: Float64Array,
  xStart: number,
  gx: Float64Array,
  gu: Float64Array,
): void {
  let adj = gx[xStart + K - 1];
  let stickNext = x[xStart + K - 1];
  for (let k = K - 2; k >= 0; k--) {
    const stick = stickNext + x[xStart + k];
    const a = u[uStart + k] - Math.log(K - k - 1);
    const z = sigmoid(a);
    const zc = sigmoid(-a);
    const g = gx[xStart + k];
    gu[uStart + k] = stick * (g - adj) * z * zc + zc - z;
    adj = adj * zc + g * z + 1 / stick;
    stickNext = stick;
  }
}

/**
 * Output names of a model's constrained parameters, then its generated quantities: `name` for a scalar block without
 * coordinates, `name[1]` … `name[size]` otherwise (the CmdStan CSV writer spells them name.1 …; a block's coordinate
 * labels, when it has them, are recorded beside the draws by densityCoordinates).
 */
export function densityNames(model: DensityModel): string[] {
  const names: string[] = [];
  for (const b of model.parameters) {
    if (b.size === 1 && b.coordinates === undefined) names.push(b.name);
    else for (let j = 1; j <= b.size; j++) names.push(`${b.name}[${j}]`);
  }
  if (model.generated) names.push(...model.generated.names);
  return names;
}

/** The coordinate labels of the blocks that have them (fit.json's `coordinates`, as for formula fits' levels). */
export function densityCoordinates(model: DensityModel): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const b of model.parameters) if (b.coordinates !== undefined) out[b.name] = b.coordinates;
  return out;
}
