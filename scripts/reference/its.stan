// The interrupted-time-series regression of src/model/its/model.ts, written independently from its description:
// pre-period rows only; gaussian (student = 0) or student-t (student = 1) errors; nu is declared either way (size
// 0 or 1) so the unconstrained layout matches nutmeg's: alpha, beta[1..P], log sigma, log nu.
data {
  int<lower=1> N;
  int<lower=1> P;
  matrix[N, P] X;
  vector[N] y;
  int<lower=0, upper=1> student;
  real alpha_mean;
  real<lower=0> alpha_sd;
  real<lower=0> beta_sd;
  real<lower=0> sigma_rate;
  real<lower=0> nu_shape;
  real<lower=0> nu_rate;
}
parameters {
  real alpha;
  vector[P] beta;
  real<lower=0> sigma;
  real<lower=0> nu[student];  // rstan 2.21 (Debian) syntax
}
model {
  alpha ~ normal(alpha_mean, alpha_sd);
  beta ~ normal(0, beta_sd);
  sigma ~ exponential(sigma_rate);
  if (student == 1) {
    nu[1] ~ gamma(nu_shape, nu_rate);
    y ~ student_t(nu[1], alpha + X * beta, sigma);
  } else {
    y ~ normal(alpha + X * beta, sigma);
  }
}
