// gamma, log link, shape α, mean e^eta (src/model/families/gamma.ts). row.y + row.yLo: log y. chain = (α, unused…).
// With w = log y − eta:
//   log p = [α log α − α − lgamma(α)] − log y − α·(e^w − 1 − w)
//   d/d eta = α·(e^w − 1),   d/dα = [log α − ψ(α)] − (e^w − 1 − w)
// The bracketed terms are per chain (the host adds them times the row count, in f64) and −log y per row; the device
// returns −α·expm1mx(w), small when the row fits, so nothing of size α·log α cancels in f32.
fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let alpha = chain.x;
  let w = (row.y - eta) + row.yLo;
  let g = expm1mx(w);
  return RowTerm(-alpha * g, alpha * expm1f(w), -g);
}
