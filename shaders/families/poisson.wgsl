// poisson, log link (src/model/families/poisson.ts). row.extra: the count y; row.y + row.yLo: log y (0 when y = 0).
// With w = eta − log y (eta − row.y is exact near the fit, Sterbenz), y·eta − e^eta = (y log y − y) − y·(e^w − 1 − w): the host adds y log y − y − log y! in
// f64, the device returns −y·expm1mx(w), which is small when the row fits (no cancellation between y·eta, e^eta
// and log y!, each about y log y). d/d eta = y − e^eta = −y·expm1(w). y = 0: −e^eta and its derivative.
fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let y = row.extra;
  if (y > 0.0) {
    let w = (eta - row.y) - row.yLo;
    return RowTerm(-y * expm1mx(w), -y * expm1f(w), 0.0);
  }
  let mu = exp(eta);
  return RowTerm(-mu, -mu, 0.0);
}
