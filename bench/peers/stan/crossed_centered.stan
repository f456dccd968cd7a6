// Copied verbatim from the shared golden reference (golden/stan/crossed_centered.stan, Stan 2.21 via rstan; nutmeg reference analysis).
data {
  int<lower=0> N; int<lower=0> K; int<lower=1> G; int<lower=1> Z; int<lower=1> C;
  matrix[N, K] X;              // recency_z, history_z, mens, womens, newbie
  vector[N] treat;
  int<lower=1, upper=G> g[N];   // history_segment: varying treatment slope
  int<lower=1, upper=Z> zip[N]; // zip_code: varying intercept
  int<lower=1, upper=C> ch[N]; // channel: varying intercept
  int<lower=0, upper=1> y[N];
}
parameters {
  real alpha; vector[K] beta; real mu_t; real<lower=0> sigma_t; vector[G] z_t;
  real<lower=0> sigma_zip; vector[Z] a_zip; real<lower=0> sigma_ch; vector[C] a_ch;
}
transformed parameters {
  vector[G] beta_t_group = mu_t + z_t * sigma_t;
}
model {
  alpha ~ normal(-3, 1);
  beta ~ normal(0, 0.5);
  mu_t ~ normal(0, 0.5);
  sigma_t ~ normal(0, 0.5);
  sigma_zip ~ normal(0, 0.5);
  sigma_ch ~ normal(0, 0.5);
  z_t ~ std_normal();
  a_zip ~ normal(0, sigma_zip);   // centered: each level has ~20,000 rows, so the data pin it down
  a_ch ~ normal(0, sigma_ch);
  y ~ bernoulli_logit_glm(X, alpha + beta_t_group[g] .* treat + a_zip[zip] + a_ch[ch], beta);
}
