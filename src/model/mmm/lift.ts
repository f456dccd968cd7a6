/**
 * Lift-test calibration of the media-mix model (issue 19 item 4): a measured lift for a channel as an extra gaussian
 * likelihood term on the lift the model implies, as PyMC-Marketing's `add_lift_test_measurements` does.
 *
 * A lift test moves a channel's weekly spend from x to x + Δx and measures the weekly change in the outcome, Δy, with
 * standard error σ_Δ. With spend held at a level for long enough, the normalised geometric adstock of a constant
 * series is that constant (its weights sum to 1), so the model's implied weekly lift is
 *
 *   lift_c(θ) = β_c · (s_c((x + Δx)/m_c) − s_c(x/m_c))          (scaled outcome units; m_c the channel's max spend)
 *
 * and each test adds  log Normal(Δy/Y | lift_c(θ), σ_Δ/Y)  to the log density (Y the outcome's scale; constants
 * dropped). The decay does not enter. The gradient is with respect to β_c and the saturation parameters.
 */
import type { MmmDesign } from './design.js';
import { saturationWithDerivatives } from './media.js';

/** One lift test, in original units: weekly spend before the test, its weekly change, the measured weekly lift ± se. */
export interface MmmLiftTest {
  /** Index of the channel in design.channels. */
  readonly channel: number;
  readonly spend: number;
  readonly deltaSpend: number;
  readonly lift: number;
  readonly se: number;
}

/** The tests in the model's scaled units, one entry per test (flat typed arrays for the hot path). */
export interface ScaledLiftTests {
  readonly count: number;
  readonly channel: Int32Array;
  /** Scaled spend before and after the change. */
  readonly x0: Float64Array;
  readonly x1: Float64Array;
  /** Measured lift and its standard error, divided by the outcome's scale. */
  readonly lift: Float64Array;
  readonly se: Float64Array;
}

export function scaleLiftTests(design: MmmDesign, tests: readonly MmmLiftTest[]): ScaledLiftTests {
  const n = tests.length;
  const out = {
    count: n,
    channel: new Int32Array(n),
    x0: new Float64Array(n),
    x1: new Float64Array(n),
    lift: new Float64Array(n),
    se: new Float64Array(n),
  };
  tests.forEach((t, i) => {
    const m = design.spendScale[t.channel];
    out.channel[i] = t.channel;
    out.x0[i] = t.spend / m;
    out.x1[i] = (t.spend + t.deltaSpend) / m;
    out.lift[i] = t.lift / design.yScale;
    out.se[i] = t.se / design.yScale;
  });
  return out;
}

/** Positions of a channel's parameters in the constrained vector (from the model's layout). */
export interface LiftLayout {
  readonly beta: number;
  readonly sat1: number;
  /** −1 for logistic saturation. */
  readonly sat2: number;
}

/**
 * The model-implied weekly lift of test i (scaled units) at theta; with sat (length 4) as scratch.
 */
export function impliedLift(
  tests: ScaledLiftTests,
  i: number,
  kind: MmmDesign['settings']['saturation'],
  layout: LiftLayout,
  theta: Float64Array,
  sat: Float64Array,
): number {
  const c = tests.channel[i];
  const p1 = theta[layout.sat1 + c];
  const p2 = layout.sat2 >= 0 ? theta[layout.sat2 + c] : 0;
  saturationWithDerivatives(kind, tests.x1[i], p1, p2, sat);
  const s1 = sat[0];
  saturationWithDerivatives(kind, tests.x0[i], p1, p2, sat);
  return theta[layout.beta + c] * (s1 - sat[0]);
}

/**
 * Σ_i log Normal(lift_i | implied_i(θ), se_i) without its constants; adds its gradient to grad. sat is scratch of
 * length 8.
 */
export function liftLogLik(
  tests: ScaledLiftTests,
  kind: MmmDesign['settings']['saturation'],
  layout: LiftLayout,
  theta: Float64Array,
  grad: Float64Array,
  sat: Float64Array,
): number {
  let ll = 0;
  const s0 = sat.subarray(0, 4);
  const s1 = sat.subarray(4, 8);
  for (let i = 0; i < tests.count; i++) {
    const c = tests.channel[i];
    const beta = theta[layout.beta + c];
    const p1 = theta[layout.sat1 + c];
    const p2 = layout.sat2 >= 0 ? theta[layout.sat2 + c] : 0;
    saturationWithDerivatives(kind, tests.x0[i], p1, p2, s0);
    saturationWithDerivatives(kind, tests.x1[i], p1, p2, s1);
    const implied = beta * (s1[0] - s0[0]);
    const inv = 1 / (tests.se[i] * tests.se[i]);
    const e = tests.lift[i] - implied;
    ll -= 0.5 * e * e * inv;
    // d/d implied of the term: e/se²
    const r = e * inv;
    grad[layout.beta + c] += r * (s1[0] - s0[0]);
    grad[layout.sat1 + c] += r * beta * (s1[2] - s0[2]);
    if (layout.sat2 >= 0) grad[layout.sat2 + c] += r * beta * (s1[3] - s0[3]);
  }
  return ll;
}
