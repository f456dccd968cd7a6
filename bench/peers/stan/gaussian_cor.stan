// Gaussian model with correlated varying effects, y ~ 1 + x + (1 + x | g) in lme4/brms's sense, written for the
// families comparison with nutmeg (sleepstudy; tests/fixtures/stan/make-family-references.R) and the whole-fit
// benchmark. nutmeg's default priors, passed as data:
//   Intercept ~ student_t(nu, mu, s)  on the intercept of the uncentred design (nutmeg's b_Intercept)
//   b_k       ~ normal(0, scale_k);  sd_m ~ student_t(nu, 0, s), sd > 0;  sigma ~ student_t(nu, 0, s), sigma > 0
//   the correlation's Cholesky factor ~ lkj_corr_cholesky(eta)
// Effects non-centred: r_j = diag(sd) · L · z_j, z ~ Normal(0, I).
data {
  int<lower=1> N;
  int<lower=0> K;                   // fixed columns besides the intercept
  matrix[N, K] X;
  int<lower=1> J;                   // levels of the grouping factor
  int<lower=1, upper=J> g[N];
  int<lower=1> M;                   // varying terms (the first the intercept)
  matrix[N, M] Z;                   // their columns (a column of ones first)
  vector[N] y;
  vector[3] prior_intercept;        // student_t(nu, mu, s)
  vector[K] prior_b_scale;          // normal(0, scale)
  vector[2] prior_sd;               // half student_t(nu, s)
  vector[2] prior_sigma;            // half student_t(nu, s)
  real<lower=0> lkj_eta;
}
parameters {
  real Intercept;
  vector[K] b;
  real<lower=0> sigma;
  vector<lower=0>[M] sd_g;
  cholesky_factor_corr[M] L;
  matrix[M, J] z;
}
transformed parameters {
  matrix[J, M] r = (diag_pre_multiply(sd_g, L) * z)';
}
model {
  vector[N] eta = Intercept + X * b + rows_dot_product(r[g], Z);
  Intercept ~ student_t(prior_intercept[1], prior_intercept[2], prior_intercept[3]);
  b ~ normal(0, prior_b_scale);
  sd_g ~ student_t(prior_sd[1], 0, prior_sd[2]);
  sigma ~ student_t(prior_sigma[1], 0, prior_sigma[2]);
  L ~ lkj_corr_cholesky(lkj_eta);
  to_vector(z) ~ std_normal();
  y ~ normal(eta, sigma);
}
generated quantities {
  corr_matrix[M] Cor = multiply_lower_tri_self_transpose(L);
}
