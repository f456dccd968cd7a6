// f32 helpers shared by the family functions (shaders/families/). WGSL's exp and log have relative error bounds
// except log near 1 (an absolute bound of 2^-21 on [0.5, 2]), so nothing here takes the log of a number close to 1:
// log1pSmall, expm1f and expm1mx keep their relative accuracy where the plain formulas would cancel.

// log(1 + x) for x in [-1/2, 1] to f32 accuracy with arithmetic only: log1p(x) = 2 atanh(s), s = x / (2 + x),
// |s| <= 1/3, by its odd series; the first omitted term is below 3e-9 relative.
fn log1pSmall(x: f32) -> f32 {
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

// e^x − 1: its Taylor series to x^10/10! for |x| < 1/2 (omitted terms below 1e-9 relative), exp(x) − 1 beyond
// (which loses at most a factor 2.6 there).
fn expm1f(x: f32) -> f32 {
  if (abs(x) >= 0.5) {
    return exp(x) - 1.0;
  }
  var p = 1.0 / 3628800.0;
  p = p * x + 1.0 / 362880.0;
  p = p * x + 1.0 / 40320.0;
  p = p * x + 1.0 / 5040.0;
  p = p * x + 1.0 / 720.0;
  p = p * x + 1.0 / 120.0;
  p = p * x + 1.0 / 24.0;
  p = p * x + 1.0 / 6.0;
  p = p * x + 0.5;
  p = p * x + 1.0;
  return p * x;
}

// e^x − 1 − x ≥ 0 (the deviance kernel of the log-link families): its Taylor series x²/2! + … + x^13/13! for
// |x| < 1 (omitted terms below 3e-11 relative), (e^x − 1) − x beyond (which loses at most a factor 4 there).
fn expm1mx(x: f32) -> f32 {
  if (abs(x) >= 1.0) {
    return (exp(x) - 1.0) - x;
  }
  var p = 1.0 / 6227020800.0;
  p = p * x + 1.0 / 479001600.0;
  p = p * x + 1.0 / 39916800.0;
  p = p * x + 1.0 / 3628800.0;
  p = p * x + 1.0 / 362880.0;
  p = p * x + 1.0 / 40320.0;
  p = p * x + 1.0 / 5040.0;
  p = p * x + 1.0 / 720.0;
  p = p * x + 1.0 / 120.0;
  p = p * x + 1.0 / 24.0;
  p = p * x + 1.0 / 6.0;
  p = p * x + 0.5;
  return p * x * x;
}

// softplus(±t) = log(1 + e^±t) = max(±t, 0) + log1p(e^-|t|) and sigmoid(±t), all from one exponential.
struct Logistic {
  softplusPos: f32,
  softplusNeg: f32,
  sigmoidPos: f32,
  sigmoidNeg: f32,
}

fn logistic(t: f32) -> Logistic {
  let e = exp(-abs(t));
  let l = log1pSmall(e);
  let big = 1.0 / (1.0 + e);
  let small = e / (1.0 + e);
  if (t < 0.0) {
    return Logistic(l, l - t, small, big);
  }
  return Logistic(t + l, l, big, small);
}
