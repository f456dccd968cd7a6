// The model shared by every kernel: row data, per-chain parameters, linear predictor, and the row's log-likelihood
// from the family function compiled in before this file (shaders/families/, interface in families/family.wgsl).
// Specialised by the prologue that src/backend/webgpu/shader-source.ts puts in front (constants N_ROWS, P, N_TERMS,
// HAS_Y_LO, HAS_EXTRA, N_CHAIN_VALUES, offsets into the packed buffers).
//
// Rows are stored in the backend's row order (sorted by group levels, see row-plan.ts), not in the user's order.
//   rowF: X (N_ROWS × P, row-major) | the family's row.y (N_ROWS) | row.yLo (N_ROWS, when HAS_Y_LO; 0 otherwise)
//         | row.extra (N_ROWS, when HAS_EXTRA; 1 otherwise) | one covariate column per term that has one
//         (TERM_X_OFF[t], NO_COLUMN for an intercept term)
//   rowU: per term: level index (N_ROWS) at TERM_LEVEL_OFF[t], then kernel-specific index columns
//   params: Q values per chain: b_0 … b_{P-1}, then r_t[0 … K_t) for each term t at TERM_R_OFF[t]
//           (group effects on the constrained scale: the host has already multiplied z by sd), then the family's
//           N_CHAIN_VALUES per-chain values at CHAIN_OFF

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

// The family's data of row i.
fn rowData(i: u32) -> Row {
  var lo = 0.0;
  if (HAS_Y_LO) {
    lo = rowF[Y_LO_OFF + i];
  }
  var extra = 1.0;
  if (HAS_EXTRA) {
    extra = rowF[EXTRA_OFF + i];
  }
  return Row(rowF[Y_OFF + i], lo, extra);
}

// The family's per-chain values of the chain whose parameters start at params[base].
fn chainValues(base: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var k = 0u; k < N_CHAIN_VALUES; k++) {
    v[k] = params[base + CHAIN_OFF + k];
  }
  return v;
}

// Log-likelihood of row i without the host's constants, d/d eta and d/d aux (shaders/families/family.wgsl).
fn rowTerm(i: u32, eta: f32, chain: vec4<f32>) -> RowTerm {
  return familyRow(rowData(i), eta, chain);
}
