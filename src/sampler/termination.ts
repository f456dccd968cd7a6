/**
 * The generalized no-U-turn criterion (Betancourt 2017, "A conceptual introduction to Hamiltonian Monte Carlo",
 * §A.4.2; Stan's base_nuts::compute_criterion): a trajectory with summed momentum ρ = Σ p and end velocities
 * p♯⁻, p♯⁺ (p♯ = M⁻¹ p) may keep growing while p♯⁻·ρ > 0 and p♯⁺·ρ > 0.
 *
 * When two adjacent trajectories A | B are merged (A's inner end touches B's inner end), Stan (≥ 2.26) checks the
 * merged trajectory and, in addition, two extended sub-trajectories that straddle the seam, which catches U-turns
 * that fall between the two halves:
 *   1. all of A ∪ B:             ρ_A + ρ_B        with p♯(A outer), p♯(B outer)
 *   2. A plus B's first point:   ρ_A + p(B inner) with p♯(A outer), p♯(B inner)
 *   3. B plus A's last point:    ρ_B + p(A inner) with p♯(A inner), p♯(B outer)
 * The test is symmetric in A and B, so "A" may be the earlier or the later piece in time.
 */

/** p♯⁻·ρ > 0 and p♯⁺·ρ > 0, for one chain's slices starting at the given offsets. */
export function noUTurn(
  dim: number,
  psMinus: Float64Array,
  iMinus: number,
  psPlus: Float64Array,
  iPlus: number,
  rho: Float64Array,
  iRho: number,
): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < dim; i++) {
    a += psMinus[iMinus + i] * rho[iRho + i];
    b += psPlus[iPlus + i] * rho[iRho + i];
  }
  return a > 0 && b > 0;
}

/**
 * The three checks above for merging A and B, all arrays indexed from offset `o` (one chain's slice). True when the
 * merged trajectory may keep growing.
 */
export function mergeNoUTurn(
  dim: number,
  o: number,
  rhoA: Float64Array,
  psAOuter: Float64Array,
  psAInner: Float64Array,
  pAInner: Float64Array,
  rhoB: Float64Array,
  psBInner: Float64Array,
  psBOuter: Float64Array,
  pBInner: Float64Array,
): boolean {
  let whole1 = 0; // p♯(A outer) · (ρA + ρB)
  let whole2 = 0; // p♯(B outer) · (ρA + ρB)
  let left1 = 0; // p♯(A outer) · (ρA + p(B inner))
  let left2 = 0; // p♯(B inner) · (ρA + p(B inner))
  let right1 = 0; // p♯(A inner) · (ρB + p(A inner))
  let right2 = 0; // p♯(B outer) · (ρB + p(A inner))
  for (let i = o; i < o + dim; i++) {
    const whole = rhoA[i] + rhoB[i];
    const left = rhoA[i] + pBInner[i];
    const right = rhoB[i] + pAInner[i];
    whole1 += psAOuter[i] * whole;
    whole2 += psBOuter[i] * whole;
    left1 += psAOuter[i] * left;
    left2 += psBInner[i] * left;
    right1 += psAInner[i] * right;
    right2 += psBOuter[i] * right;
  }
  return whole1 > 0 && whole2 > 0 && left1 > 0 && left2 > 0 && right1 > 0 && right2 > 0;
}

/**
 * mergeNoUTurn that also writes the merged trajectory's ρ_A + ρ_B to rhoOut (which may be rhoA or rhoB: each
 * coordinate is read before it is written), so that the sum costs no pass of its own.
 */
export function mergeNoUTurnSum(
  dim: number,
  o: number,
  rhoA: Float64Array,
  psAOuter: Float64Array,
  psAInner: Float64Array,
  pAInner: Float64Array,
  rhoB: Float64Array,
  psBInner: Float64Array,
  psBOuter: Float64Array,
  pBInner: Float64Array,
  rhoOut: Float64Array,
): boolean {
  let whole1 = 0;
  let whole2 = 0;
  let left1 = 0;
  let left2 = 0;
  let right1 = 0;
  let right2 = 0;
  for (let i = o; i < o + dim; i++) {
    const whole = rhoA[i] + rhoB[i];
    const left = rhoA[i] + pBInner[i];
    const right = rhoB[i] + pAInner[i];
    rhoOut[i] = whole;
    whole1 += psAOuter[i] * whole;
    whole2 += psBOuter[i] * whole;
    left1 += psAOuter[i] * left;
    left2 += psBInner[i] * left;
    right1 += psAInner[i] * right;
    right2 += psBOuter[i] * right;
  }
  return whole1 > 0 && whole2 > 0 && left1 > 0 && left2 > 0 && right1 > 0 && right2 > 0;
}

/**
 * The three checks for merging two single states a | b (two subtrees of depth 0): each is its own ρ, p and both
 * ends, so ρ_A + ρ_B = ρ_A + p(B inner) = ρ_B + p(A inner) = p_a + p_b (addition commutes exactly) and the six sums of
 * mergeNoUTurn are two: p♯_a·(p_a + p_b) and p♯_b·(p_a + p_b), each accumulated in the same order as there. Writes
 * p_a + p_b to rhoOut.
 */
export function mergeStatesNoUTurn(
  dim: number,
  o: number,
  pA: Float64Array,
  psA: Float64Array,
  pB: Float64Array,
  psB: Float64Array,
  rhoOut: Float64Array,
): boolean {
  let a = 0;
  let b = 0;
  for (let i = o; i < o + dim; i++) {
    const whole = pA[i] + pB[i];
    rhoOut[i] = whole;
    a += psA[i] * whole;
    b += psB[i] * whole;
  }
  return a > 0 && b > 0;
}
