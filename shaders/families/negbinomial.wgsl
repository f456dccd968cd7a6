// negbinomial (NB2), log link, shape φ (src/model/families/negbinomial.ts). row.y: the count y.
// chain = (φ, log φ, 1/φ, unused). With t = eta − log φ:
//   log p = [lgamma(y + φ) − lgamma(φ) − log y!] − φ·softplus(t) − y·softplus(−t)
//   d/d eta = y·σ(−t) − φ·σ(t)
//   d/dφ = [ψ(y + φ) − ψ(φ)] − (softplus(t) − σ(t)) − y·σ(−t)/φ
// The bracketed terms depend on y and φ only: the host sums them in f64 over the distinct counts, per chain
// (src/backend/webgpu/family-host.ts), so lgamma and digamma never run in f32. The device part is a sum of
// same-signed terms; softplus(t) − σ(t) = −log(1 − s) − s with s = σ(t) is its series Σ_{k≥2} s^k/k for s < 1/4
// (which would otherwise cancel when μ ≪ φ) and the plain difference above.
// Accuracy: the device part's relative error is a few f32 ulps, so a row's log-likelihood is accurate to about
// 1e-7·(φ·softplus(t) + y·softplus(−t))/|log p|, which grows for near-Poisson data (φ ≫ μ) with large counts.

fn softplusMinusSigmoid(l: Logistic) -> f32 {
  let s = l.sigmoidPos;
  if (s >= 0.25) {
    return l.softplusPos - s;
  }
  var p = 1.0 / 16.0;
  p = p * s + 1.0 / 15.0;
  p = p * s + 1.0 / 14.0;
  p = p * s + 1.0 / 13.0;
  p = p * s + 1.0 / 12.0;
  p = p * s + 1.0 / 11.0;
  p = p * s + 1.0 / 10.0;
  p = p * s + 1.0 / 9.0;
  p = p * s + 1.0 / 8.0;
  p = p * s + 1.0 / 7.0;
  p = p * s + 1.0 / 6.0;
  p = p * s + 1.0 / 5.0;
  p = p * s + 1.0 / 4.0;
  p = p * s + 1.0 / 3.0;
  p = p * s + 0.5;
  return p * s * s;
}

fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let y = row.y;
  let phi = chain.x;
  let l = logistic(eta - chain.y);
  var ll = -phi * l.softplusPos;
  var d = -phi * l.sigmoidPos;
  var dPhi = -softplusMinusSigmoid(l);
  if (y > 0.0) {
    ll -= y * l.softplusNeg;
    d += y * l.sigmoidNeg;
    dPhi -= y * l.sigmoidNeg * chain.z;
  }
  return RowTerm(ll, d, dPhi);
}
