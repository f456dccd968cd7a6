// A binomial (logit) regression with one varying intercept, non-centred, for the small-models benchmark
// (bench/small-models.bench.ts: lme4's cbpp, incidence | trials(size) ~ factor(period) + (1 | herd)), with nutmeg's
// default priors for bernoulli/binomial (README "Priors"):
//   Intercept ~ normal(-3, 1)   b ~ normal(0, 0.5)   sd ~ halfnormal(0.5)   z ~ normal(0, 1), r = sd · z
data {
  int<lower=1> N;
  int<lower=0> K;                   // fixed columns besides the intercept
  matrix[N, K] X;
  int<lower=1> G;
  int<lower=1, upper=G> g[N];
  int<lower=0> trials[N];
  int<lower=0> y[N];
}
parameters {
  real Intercept;
  vector[K] b;
  real<lower=0> sd_g;
  vector[G] z;
}
model {
  Intercept ~ normal(-3, 1);
  b ~ normal(0, 0.5);
  sd_g ~ normal(0, 0.5);
  z ~ std_normal();
  y ~ binomial_logit(trials, Intercept + X * b + sd_g * z[g]);
}
