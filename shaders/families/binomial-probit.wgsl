// bernoulli and binomial, probit link (src/model/families/binomial-probit.ts). row.y: successes, row.extra: trials
// (1 for bernoulli). The host adds log C(trials, y).
//   log p = y·log Φ(eta) + (m − y)·log Φ(−eta),   d/d eta = y·M(eta) − (m − y)·M(−eta),   M(z) = φ(z)/Φ(z)
// Both tails come from the upper tail Q(x) = 1 − Φ(x) at x = |eta| in log form,
//   Q(x) = ½ erfc(x/√2),  erfc(v) = t·exp(−v² + P(t)),  t = 1/(1 + v/2),
// with P the Chebyshev fit of Press et al., Numerical Recipes in C (2nd ed.), §6.2 ("erfcc"), whose fractional
// error is below 1.2e-7 for every v ≥ 0. Then log Φ(−x) = log Q(x) without underflow, log Φ(x) = log1p(−Q(x)) with
// Q ≤ ½, M(−x) = φ(x)/Q(x) = √(2/π)·exp(−P(t))/t (the e^{−x²/2} cancels analytically) and M(x) = φ(x)/(1 − Q(x)).

struct UpperTail {
  logQ: f32,
  q: f32,
  millsLower: f32, // φ(x)/Q(x) = M(−x)
}

fn upperTail(x: f32) -> UpperTail {
  let v = x * 0.70710678118654752;
  let t = 1.0 / (1.0 + 0.5 * v);
  var p = 0.17087277;
  p = p * t - 0.82215223;
  p = p * t + 1.48851587;
  p = p * t - 1.13520398;
  p = p * t + 0.27886807;
  p = p * t - 0.18628806;
  p = p * t + 0.09678418;
  p = p * t + 0.37409196;
  p = p * t + 1.00002368;
  p = p * t - 1.26551223;
  let logQ = log(0.5 * t) - v * v + p;
  return UpperTail(logQ, exp(logQ), 0.79788456080286536 * exp(-p) / t);
}

fn familyRow(row: Row, eta: f32, chain: vec4<f32>) -> RowTerm {
  let y = row.y;
  let failures = row.extra - y;
  let x = abs(eta);
  let tail = upperTail(x);
  let logCdfBig = log1pSmall(-tail.q);                              // log Φ(x)
  let millsBig = 0.39894228040143268 * exp(-0.5 * x * x) / (1.0 - tail.q); // M(x)
  var logUp = logCdfBig;       // log Φ(eta)
  var logDown = tail.logQ;     // log Φ(−eta)
  var millsUp = millsBig;      // M(eta)
  var millsDown = tail.millsLower; // M(−eta)
  if (eta < 0.0) {
    logUp = tail.logQ;
    logDown = logCdfBig;
    millsUp = tail.millsLower;
    millsDown = millsBig;
  }
  var ll = 0.0;
  var d = 0.0;
  if (y > 0.0) {
    ll += y * logUp;
    d += y * millsUp;
  }
  if (failures > 0.0) {
    ll += failures * logDown;
    d -= failures * millsDown;
  }
  return RowTerm(ll, d, 0.0);
}
