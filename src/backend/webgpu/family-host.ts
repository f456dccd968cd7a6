/**
 * The float64 host side of the WGSL family functions (shaders/families/, interface in family.wgsl). The device
 * computes, per row, only the part of log p(y | η, aux) that depends on η, in a form that keeps its f32 digits; the
 * host adds the rest in f64:
 *   - per row, from the data alone (rowConstant): log C(n, y); y log y − y − log y! (poisson); −log y! (negbinomial);
 *     −log y (gamma, lognormal);
 *   - per chain, from the auxiliary parameter (and, for negbinomial, the distinct counts): −½ log 2π − log σ per row
 *     (gaussian, lognormal), α log α − α − lgamma(α) per row (gamma), the row's log-likelihood at μ = y less
 *     −log y! (negbinomial, from lgamma(y + φ) − lgamma(φ)), and their derivatives with respect to the parameter;
 *   - the per-chain values the family function reads (1/σ, α, φ and log φ), so no row recomputes them.
 * The algebra of each split is written next to the family function in its .wgsl file; the whole log-likelihood is
 * the TypeScript family module's (src/model/families/), against which tests/backend/webgpu-families.test.ts checks
 * every function. One DeviceFamily per backend: its scratch (the negbinomial table) is its own.
 */
import { digamma } from '../../numeric/digamma.js';
import { logFactorial } from '../../model/log-choose.js';
import { digammaRising, logRising, SMALL_COUNT } from '../../model/families/negbinomial.js';
import { familyModule } from '../../model/families/index.js';
import { lgamma } from '../../numeric/log-gamma.js';
import type { ModelSpec } from '../../model/spec.js';
import type { FamilyShader } from './shader-source.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** negbinomial: the smallest shape whose small counts take the deviance form (shaders/families/negbinomial.wgsl). */
const DEVIANCE_MIN_SHAPE = 8;

export interface DeviceFamily {
  readonly shader: FamilyShader;
  /** row.y of the family function, per user row. */
  readonly rowY: Float64Array;
  /** Whether row.y goes to the device as an f32 pair (row.y, row.yLo) of about 48 bits (non-integer values). */
  readonly splitY: boolean;
  /** row.extra per user row; null: the kernel reads 1. */
  readonly rowExtra: Float64Array | null;
  /** f32 values per chain after the coefficients (0 … 4). */
  readonly chainValueCount: number;
  /** Whether the family has an auxiliary parameter, whose derivative the kernel sums over rows. */
  readonly hasAux: boolean;
  /** Per-row constants (user row order), or null when there are none; and their sum. */
  readonly rowConstant: Float64Array | null;
  readonly rowConstantSum: number;
  /** Writes the per-chain values for the constrained auxiliary parameters `aux` into out[at …]. */
  packChain(aux: Float64Array, out: Float32Array, at: number): void;
  /**
   * The η-free, aux-dependent part summed over all rows into sums[0], its derivative with respect to aux[0] into
   * sums[1] (both 0 without an auxiliary parameter).
   */
  chainSums(aux: Float64Array, sums: Float64Array): void;
  /**
   * Adds the η-free, aux-dependent part of rows rowStart … rowStart + count − 1 into out[outAt …] (the pointwise
   * log-likelihood), and its derivative with respect to aux[0] into dAux[outAt …] when given.
   */
  addChainRowTerms(aux: Float64Array, rowStart: number, count: number, out: Float64Array, outAt: number, dAux?: Float64Array): void;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function perRow(spec: ModelSpec, f: (y: number, i: number) => number): Float64Array {
  return Float64Array.from(spec.y, f);
}

interface Parts {
  readonly shader: FamilyShader;
  readonly rowY: Float64Array;
  readonly splitY?: boolean;
  readonly rowExtra?: Float64Array | null;
  readonly rowConstant?: Float64Array | null;
  readonly chainValueCount?: number;
  readonly packChain?: DeviceFamily['packChain'];
  /** The per-row, aux-dependent constant and its derivative, the same for every row. */
  readonly chainRow?: (aux: Float64Array, out: Float64Array) => void;
}

function assemble(spec: ModelSpec, parts: Parts): DeviceFamily {
  const rowConstant = parts.rowConstant ?? null;
  const chainRow = parts.chainRow;
  const pair = new Float64Array(2);
  return {
    shader: parts.shader,
    rowY: parts.rowY,
    splitY: parts.splitY ?? false,
    rowExtra: parts.rowExtra ?? null,
    chainValueCount: parts.chainValueCount ?? 0,
    hasAux: chainRow !== undefined,
    rowConstant,
    rowConstantSum: rowConstant ? sum(rowConstant) : 0,
    packChain: parts.packChain ?? (() => {}),
    chainSums(aux, sums) {
      if (!chainRow) {
        sums[0] = 0;
        sums[1] = 0;
        return;
      }
      chainRow(aux, sums);
      sums[0] *= spec.n;
      sums[1] *= spec.n;
    },
    addChainRowTerms(aux, rowStart, count, out, outAt, dAux) {
      if (!chainRow) return;
      chainRow(aux, pair);
      for (let j = 0; j < count; j++) out[outAt + j] += pair[0];
      if (dAux) for (let j = 0; j < count; j++) dAux[outAt + j] += pair[1];
    },
  };
}

/**
 * negbinomial: the device writes a row with a count below the shape's cut around its value at μ = y, the others in
 * the reference's form (shaders/families/negbinomial.wgsl). The host's part, lgamma(y + φ) − lgamma(φ) and
 * ψ(y + φ) − ψ(φ), less y·log1p(φ/y) + φ·log1p(y/φ) and log1p(y/φ) below the cut, depends on the row only through
 * y, so it is evaluated once per distinct count per chain (lgamma(y + φ) − lgamma(φ) and ψ(y + φ) − ψ(φ) by the reference's logRising and digammaRising, the finite
 * sums for counts up to SMALL_COUNT accumulated along the sorted counts: at most SMALL_COUNT logarithms per chain)
 * and summed with the counts' multiplicities.
 */
function negbinomial(spec: ModelSpec): DeviceFamily {
  const values = Float64Array.from(new Set(spec.y)).sort();
  const slotOf = new Map<number, number>();
  values.forEach((v, k) => slotOf.set(v, k));
  const slot = Uint32Array.from(spec.y, (y) => slotOf.get(y)!);
  const multiplicity = new Float64Array(values.length);
  for (let i = 0; i < spec.n; i++) multiplicity[slot[i]]++;
  // counts below cut(φ) take the deviance form (none when φ < 8); a half-integer below 2^23 (or 0), exact in f32, so
  // host and device agree on every row's form
  const cut = (phi: number): number => (phi < DEVIANCE_MIN_SHAPE ? 0 : Math.min(Math.floor(phi), 2 ** 22) + 0.5);
  const atFit = new Float64Array(values.length);
  const dAtFit = new Float64Array(values.length);
  let tablePhi = NaN;
  const fill = (phi: number): void => {
    if (phi === tablePhi) return;
    let m = 0;
    let logSum = 0;
    let invSum = 0;
    for (let k = 0; k < values.length; k++) {
      const y = values[k];
      let rising: number;
      let digammas: number;
      if (y > SMALL_COUNT) {
        rising = logRising(y, phi);
        digammas = digammaRising(y, phi);
      } else {
        for (; m < y; m++) {
          logSum += Math.log(phi + m);
          invSum += 1 / (phi + m);
        }
        rising = logSum;
        digammas = invSum;
      }
      const deviance = y > 0 && y < cut(phi);
      const l = deviance ? Math.log1p(y / phi) : 0;
      atFit[k] = deviance ? rising - y * Math.log1p(phi / y) - phi * l : rising;
      dAtFit[k] = digammas - l;
    }
    tablePhi = phi;
  };
  const rowConstant = perRow(spec, (y) => -logFactorial(y));
  return {
    shader: 'negbinomial',
    rowY: perRow(spec, (y) => (y > 0 ? Math.log(y) : 0)),
    splitY: true,
    rowExtra: spec.y,
    chainValueCount: 4,
    hasAux: true,
    rowConstant,
    rowConstantSum: sum(rowConstant),
    packChain(aux, out, at) {
      out[at] = aux[0];
      out[at + 1] = Math.log(aux[0]);
      out[at + 2] = 1 / aux[0];
      out[at + 3] = cut(aux[0]);
    },
    chainSums(aux, sums) {
      fill(aux[0]);
      let ll = 0;
      let d = 0;
      for (let k = 0; k < values.length; k++) {
        ll += multiplicity[k] * atFit[k];
        d += multiplicity[k] * dAtFit[k];
      }
      sums[0] = ll;
      sums[1] = d;
    },
    addChainRowTerms(aux, rowStart, count, out, outAt, dAux) {
      fill(aux[0]);
      for (let j = 0; j < count; j++) out[outAt + j] += atFit[slot[rowStart + j]];
      if (dAux) for (let j = 0; j < count; j++) dAux[outAt + j] += dAtFit[slot[rowStart + j]];
    },
  };
}

function normal(spec: ModelSpec, onLog: boolean): DeviceFamily {
  return assemble(spec, {
    shader: 'normal',
    rowY: onLog ? perRow(spec, (y) => Math.log(y)) : spec.y,
    splitY: true,
    rowConstant: onLog ? perRow(spec, (y) => -Math.log(y)) : null,
    chainValueCount: 1,
    packChain: (aux, out, at) => {
      out[at] = 1 / aux[0];
    },
    chainRow: (aux, out) => {
      out[0] = -HALF_LOG_2PI - Math.log(aux[0]);
      out[1] = -1 / aux[0];
    },
  });
}

/** The host side of `spec`'s family function. */
export function deviceFamily(spec: ModelSpec): DeviceFamily {
  const link = familyModule(spec.family, spec.link).link;
  switch (spec.family) {
    case 'bernoulli':
    case 'binomial':
      return assemble(spec, {
        shader: link === 'probit' ? 'binomial-probit' : 'binomial-logit',
        rowY: spec.y,
        rowExtra: spec.trials,
        rowConstant: spec.logChoose,
      });
    case 'poisson':
      return assemble(spec, {
        shader: 'poisson',
        rowY: perRow(spec, (y) => (y > 0 ? Math.log(y) : 0)),
        splitY: true,
        rowExtra: spec.y,
        rowConstant: perRow(spec, (y) => (y > 0 ? y * Math.log(y) - y - logFactorial(y) : 0)),
      });
    case 'negbinomial':
      return negbinomial(spec);
    case 'gamma':
      return assemble(spec, {
        shader: 'gamma',
        rowY: perRow(spec, (y) => Math.log(y)),
        splitY: true,
        rowConstant: perRow(spec, (y) => -Math.log(y)),
        chainValueCount: 1,
        packChain: (aux, out, at) => {
          out[at] = aux[0];
        },
        chainRow: (aux, out) => {
          const a = aux[0];
          out[0] = a * Math.log(a) - a - lgamma(a);
          out[1] = Math.log(a) - digamma(a);
        },
      });
    case 'gaussian':
      return normal(spec, false);
    case 'lognormal':
      return normal(spec, true);
  }
}
