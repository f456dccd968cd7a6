// The media-mix model of src/model/mmm/model.ts, written independently in Stan for the reference values of
// tests/analyses/mmm/stan-reference.test.ts (see mmm.R). Scaled data as nutmeg builds it (design.ts).
data {
  int<lower=1> T;
  int<lower=1> C;
  int<lower=1> L;
  matrix[C, T] x;               // spend / max spend, per channel
  vector[T] y;                  // outcome / max |outcome|
  int<lower=0, upper=1> hill;   // 0: logistic saturation, 1: Hill
  int<lower=0, upper=1> has_trend;
  vector[T] trend_col;
  int<lower=0> K;
  matrix[T, K] Z;               // controls
  int<lower=0> F;
  matrix[T, F] fourier;
}
parameters {
  real intercept;
  vector<lower=0>[C] beta;
  vector<lower=0, upper=1>[C] decay;
  vector<lower=0>[C] sat1;      // lambda (logistic) or kappa (Hill)
  vector<lower=0>[hill ? C : 0] slope;
  real trend[has_trend];
  vector[K] gamma_control;
  vector[F] gamma_fourier;
  real<lower=0> sigma;
}
model {
  vector[T] mu = rep_vector(intercept, T);
  if (K > 0) mu += Z * gamma_control;
  if (F > 0) mu += fourier * gamma_fourier;
  if (has_trend) mu += trend[1] * trend_col;
  for (c in 1:C) {
    vector[L] w;
    for (l in 1:L) w[l] = pow(decay[c], l - 1);
    w /= sum(w);
    for (t in 1:T) {
      real a;
      real s;
      a = 0;
      for (l in 1:min(L, t)) a += w[l] * x[c, t - l + 1];
      if (hill) s = a > 0 ? pow(a, slope[c]) / (pow(a, slope[c]) + pow(sat1[c], slope[c])) : 0;
      else s = (1 - exp(-sat1[c] * a)) / (1 + exp(-sat1[c] * a));
      mu[t] += beta[c] * s;
    }
  }
  intercept ~ normal(0, 2);
  beta ~ normal(0, hill ? 1.5 : 2);
  decay ~ beta(1, 3);
  if (hill) {
    sat1 ~ normal(0, 1.5);
    slope ~ normal(0, 1.5);
  } else {
    sat1 ~ gamma(3, 1);
  }
  trend ~ normal(0, 2);
  gamma_control ~ normal(0, 2);
  gamma_fourier ~ double_exponential(0, 1);
  sigma ~ normal(0, 2);
  y ~ normal(mu, sigma);
}
