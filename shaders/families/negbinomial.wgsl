// negbinomial (NB2), log link, shape φ (src/model/families/negbinomial.ts). row.extra: the count y; row.y + row.yLo:
// log y (0 when y = 0). chain = (φ, log φ, 1/φ, cut), cut = min(⌊φ⌋, 2^22) + ½ for φ ≥ 8, else 0. With μ = e^eta,
// t = eta − log φ,
// w = eta − log y and u = (y − μ)/(μ + φ) = −y·expm1(w)·σ(−t)/φ (u = −σ(t) when y = 0), a row takes one of two
// forms, by its count (so the host knows which, and adds the matching constant):
//  y < cut (counts below a shape of 8 or more): around the row's value at μ = y, as the deviance
//   log p = H(y, φ) − y·(e^w − 1 − w) + (μ + φ)·((1 + u)·log1p(u) − u)
//   H(y, φ) = lgamma(y + φ) − lgamma(φ) − log y! − y·log1p(φ/y) − φ·log1p(y/φ)   (log p at μ = y)
//   d/dφ = [ψ(y + φ) − ψ(φ) − log1p(y/φ)] + log1p(u) − u
//  y ≥ cut (counts beyond the shape; the reference's form):
//   log p = [lgamma(y + φ) − lgamma(φ) − log y!] − φ·softplus(t) − y·softplus(−t)
//   d/dφ = [ψ(y + φ) − ψ(φ)] − (softplus(t) − σ(t)) − y·σ(−t)/φ
//  both: d/d eta = (y − μ)·σ(−t) = φ·u;  y = 0: log p = −φ·softplus(t) (H(0, φ) = 0).
// The bracketed terms depend on y and φ only: the host computes them in f64 per distinct count and chain
// (src/backend/webgpu/family-host.ts), so lgamma and digamma never run in f32. Why two forms: the deviance terms
// are of the size of the deviance times 1 + μ/φ (they are Poisson's deviance and the NB's excess over it), small
// when φ is large against the count (near-Poisson data, where the reference form's φ·softplus(t) and
// y·softplus(−t) ≈ y·log(φ/μ) dwarf log p); the reference form's terms are small when φ is small against the count
// (overdispersed data, where μ far from y makes the two deviance terms large and nearly equal: their size is the
// deviance times 1 + μ/φ, which for φ < 8 comes close to 1 + μ/φ times log p itself even at moderate μ/φ).
// q(u) = (1 + u)·log1p(u) − u and log1p(u) − u are their alternating series Σ_{k≥2} (−u)^k/(k(k − 1)) and
// −Σ_{k≥2} (−u)^k/k for |u| < 1/4 and the plain differences beyond (at most a factor 10 lost there);
// softplus(t) − σ(t) = −log(1 − s) − s, s = σ(t), is Σ_{k≥2} s^k/k for s < 1/4.
// Accuracy: a few f32 ulps of the form's device terms, plus eta's own f32 rounding times (y − μ).

fn softplusMinusSigmoid(l: Logistic) -> f32 {
  let s = l.sigmoidPos;
  if (s >= 0.25) {
    return l.softplusPos - s;
  }
  var p = 1.0 / 16.0;
  for (var k = 15.0; k >= 2.0; k -= 1.0) {
    p = p * s + 1.0 / k;
  }
  return p * s * s;
}

// log1p(x) for x > −1.
fn log1pAny(x: f32) -> f32 {
  if (x >= -0.5 && x <= 1.0) {
    return log1pSmall(x);
  }
  return log(1.0 + x);
}

struct Deviance {
  q: f32,         // (1 + u)·log1p(u) − u
  logMinusU: f32, // log1p(u) − u
}

fn deviance(u: f32) -> Deviance {
  if (abs(u) >= 0.25) {
    let l = log1pAny(u);
    return Deviance((1.0 + u) * l - u, l - u);
  }
  // q(u) = Σ_{k≥2} (−u)^k / (k(k − 1)),  log1p(u) − u = −Σ_{k≥2} (−u)^k / k,  to k = 16
  var q = 1.0 / 240.0;
  var m = 1.0 / 16.0;
  for (var k = 15.0; k >= 2.0; k -= 1.0) {
    q = -q * u + 1.0 / (k * (k - 1.0));
    m = -m * u + 1.0 / k;
  }
  return Deviance(q * u * u, -m * u * u);
}

fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let y = row.extra;
  let phi = chain.x;
  let l = logistic(eta - chain.y);
  if (y == 0.0) {
    return RowTerm(-phi * l.softplusPos, -phi * l.sigmoidPos, -softplusMinusSigmoid(l));
  }
  let w = (eta - row.y) - row.yLo;
  let u = -y * expm1f(w) * l.sigmoidNeg * chain.z;
  if (y < chain.w) {
    let dev = deviance(u);
    return RowTerm((phi / l.sigmoidNeg) * dev.q - y * expm1mx(w), phi * u, dev.logMinusU);
  }
  let ll = -phi * l.softplusPos - y * l.softplusNeg;
  return RowTerm(ll, phi * u, -softplusMinusSigmoid(l) - y * l.sigmoidNeg * chain.z);
}
