// gaussian (row.y + row.yLo = y) and lognormal (= log y, computed on the host in f64), identity link on that scale
// (src/model/families/gaussian.ts). chain = (1/σ, unused…). With u = (row.y − eta)/σ:
//   log p = [−½ log 2π − log σ] (− log y, lognormal) − ½u²
//   d/d eta = u/σ,   d/dσ = [−1/σ] + u²/σ
// The bracketed terms are per chain (the host adds them times the row count, in f64), −log y per row.
fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let invSigma = chain.x;
  let u = ((row.y - eta) + row.yLo) * invSigma;
  return RowTerm(-0.5 * u * u, u * invSigma, u * u * invSigma);
}
