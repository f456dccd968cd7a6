// A generalised linear model with at most one varying intercept, written for the families comparison with nutmeg
// (tests/fixtures/stan/make-family-references.R) and the whole-fit benchmark (bench/peers/stan.R). The likelihoods
// are nutmeg's (src/model/families); the priors are nutmeg's defaults, passed as data so that both fit one model:
//   Intercept ~ student_t(nu, mu, s)  on the intercept of the uncentred design (nutmeg's b_Intercept)
//   b_k       ~ normal(0, scale_k)
//   sd        ~ student_t(nu, 0, s), sd > 0
//   sigma     ~ student_t(nu, 0, s), sigma > 0        (gaussian, lognormal)
//   shape     ~ gamma(a, b)                           (negbinomial, gamma)
// The varying intercept is non-centred: r = sd · z, z ~ Normal(0, 1).
data {
  int<lower=1, upper=5> family;     // 1 gaussian, 2 poisson, 3 negbinomial (NB2), 4 gamma (log link), 5 lognormal
  int<lower=1> N;
  int<lower=0> K;                   // fixed columns besides the intercept
  matrix[N, K] X;
  int<lower=0> G;                   // levels of the varying intercept; 0: none
  int<lower=0> Ng;                  // N when G > 0, else 0
  int<lower=1> g[Ng];
  vector[N] y;                      // the outcome (gaussian, gamma, lognormal)
  int<lower=0> Ny;                  // N for the count families, else 0
  int<lower=0> y_count[Ny];         // the outcome (poisson, negbinomial)
  vector[3] prior_intercept;        // student_t(nu, mu, s)
  vector[K] prior_b_scale;          // normal(0, scale)
  vector[2] prior_sd;               // half student_t(nu, s)
  vector[2] prior_aux;              // sigma: half student_t(nu, s); shape: gamma(shape, rate)
}
parameters {
  real Intercept;
  vector[K] b;
  real<lower=0> sd_g[G > 0];
  vector[G] z;
  real<lower=0> aux[family != 2];   // sigma or shape
}
transformed parameters {
  vector[G] r;
  if (G > 0) r = sd_g[1] * z;
}
model {
  vector[N] eta = Intercept + X * b;
  if (G > 0) {
    eta += r[g];
    sd_g ~ student_t(prior_sd[1], 0, prior_sd[2]);
    z ~ std_normal();
  }
  Intercept ~ student_t(prior_intercept[1], prior_intercept[2], prior_intercept[3]);
  b ~ normal(0, prior_b_scale);
  if (family == 1 || family == 5) aux ~ student_t(prior_aux[1], 0, prior_aux[2]);
  if (family == 3 || family == 4) aux ~ gamma(prior_aux[1], prior_aux[2]);
  if (family == 1) y ~ normal(eta, aux[1]);
  else if (family == 2) y_count ~ poisson_log(eta);
  else if (family == 3) y_count ~ neg_binomial_2_log(eta, aux[1]);
  else if (family == 4) y ~ gamma(aux[1], aux[1] * exp(-eta));
  else y ~ lognormal(eta, aux[1]);
}
