// The logit-link model shared by every kernel: row data, per-chain parameters, linear predictor and the
// per-row log-likelihood with its derivative. Specialised by the prologue that src/backend/webgpu/shader-source.ts
// puts in front of this file (constants N_ROWS, P, N_TERMS, BINOMIAL, offsets into the packed buffers).
//
// Rows are stored in the backend's row order (sorted by group levels, see row-plan.ts), not in the user's order.
//   rowF: X (N_ROWS × P, row-major) | y (N_ROWS) | trials (N_ROWS, binomial only) | one covariate column per term
//         that has one (TERM_X_OFF[t], NO_COLUMN for an intercept term)
//   rowU: per term: level index (N_ROWS) at TERM_LEVEL_OFF[t], then kernel-specific index columns
//   params: Q values per chain: b_0 … b_{P-1}, then r_t[0 … K_t) for each term t at TERM_R_OFF[t]
//           (group effects on the constrained scale: the host has already multiplied z by sd)

@group(0) @binding(0) var<storage, read> rowF: array<f32>;
@group(0) @binding(1) var<storage, read> rowU: array<u32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;

const NO_COLUMN: u32 = 0xffffffffu;

// Covariate of term t in row i (1 for an intercept term).
fn termCovariate(t: u32, i: u32) -> f32 {
  let off = TERM_X_OFF[t];
  if (off == NO_COLUMN) {
    return 1.0;
  }
  return rowF[off + i];
}

// eta_i for the chain whose parameters start at params[base].
fn linearPredictor(i: u32, base: u32) -> f32 {
  var eta = 0.0;
  for (var j = 0u; j < P; j++) {
    eta += rowF[X_OFF + i * P + j] * params[base + j];
  }
  for (var t = 0u; t < N_TERMS; t++) {
    let level = rowU[TERM_LEVEL_OFF[t] + i];
    eta += termCovariate(t, i) * params[base + TERM_R_OFF[t] + level];
  }
  return eta;
}

// log(1 + x) for x in [0, 1] to f32 accuracy with arithmetic only (WGSL's log has only an absolute error bound near
// 1): log1p(x) = 2 atanh(s), s = x / (2 + x) <= 1/3, by its odd series; the first omitted term is below 3e-9.
fn log1pUnit(x: f32) -> f32 {
  let s = x / (2.0 + x);
  let s2 = s * s;
  var poly = 1.0 / 15.0;
  poly = poly * s2 + 1.0 / 13.0;
  poly = poly * s2 + 1.0 / 11.0;
  poly = poly * s2 + 1.0 / 9.0;
  poly = poly * s2 + 1.0 / 7.0;
  poly = poly * s2 + 1.0 / 5.0;
  poly = poly * s2 + 1.0 / 3.0;
  poly = poly * s2 + 1.0;
  return 2.0 * s * poly;
}

// softplus(±eta) = log(1 + e^±eta) = max(±eta, 0) + log1p(e^-|eta|) and sigmoid(±eta), all from one exponential.
struct Logistic {
  softplusPos: f32,
  softplusNeg: f32,
  sigmoidPos: f32,
  sigmoidNeg: f32,
}

fn logistic(eta: f32) -> Logistic {
  let e = exp(-abs(eta));
  let l = log1pUnit(e);
  let big = 1.0 / (1.0 + e);
  let small = e / (1.0 + e);
  if (eta < 0.0) {
    return Logistic(l, l - eta, small, big);
  }
  return Logistic(eta + l, l, big, small);
}

fn trials(i: u32) -> f32 {
  if (BINOMIAL) {
    return rowF[TRIALS_OFF + i];
  }
  return 1.0;
}

// Log-likelihood of row i without the constant log C(trials, y) (the host adds it in f64), and d/d eta.
struct RowTerm {
  logLik: f32,
  dEta: f32,
}

// y·eta − m·softplus(eta) written as −y·softplus(−eta) − (m − y)·softplus(eta), and y − m·sigmoid(eta) as
// y·sigmoid(−eta) − (m − y)·sigmoid(eta): sums of same-signed terms, so no cancellation when the row fits well.
fn rowTerm(i: u32, eta: f32) -> RowTerm {
  let y = rowF[Y_OFF + i];
  let failures = trials(i) - y;
  let l = logistic(eta);
  return RowTerm(-y * l.softplusNeg - failures * l.softplusPos, y * l.sigmoidNeg - failures * l.sigmoidPos);
}
