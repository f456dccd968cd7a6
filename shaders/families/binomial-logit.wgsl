// bernoulli and binomial, logit link (src/model/families/binomial-logit.ts). row.y: successes, row.extra: trials
// (1 for bernoulli). The host adds log C(trials, y).
//   y·eta − m·softplus(eta) written as −y·softplus(−eta) − (m − y)·softplus(eta), and y − m·sigmoid(eta) as
//   y·sigmoid(−eta) − (m − y)·sigmoid(eta): sums of same-signed terms, so no cancellation when the row fits well.
fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let y = row.y;
  let failures = row.extra - y;
  let l = logistic(eta);
  return RowTerm(-y * l.softplusNeg - failures * l.softplusPos, y * l.sigmoidNeg - failures * l.sigmoidPos, 0.0);
}
