// Copied verbatim from the shared golden reference (golden/stan/hierarchical.stan, Stan 2.21 via rstan; nutmeg reference analysis).
data {
  int<lower=0> N; int<lower=0> K; int<lower=1> G;
  matrix[N, K] X;              // recency_z, history_z, mens, womens, newbie
  vector[N] treat;
  int<lower=1, upper=G> g[N];
  int<lower=0, upper=1> y[N];
}
parameters { real alpha; vector[K] beta; real mu_t; real<lower=0> sigma_t; vector[G] z_t; }
transformed parameters { vector[G] beta_t_group = mu_t + z_t * sigma_t; }
model {
  alpha ~ normal(-3, 1);
  beta ~ normal(0, 0.5);
  mu_t ~ normal(0, 0.5);
  sigma_t ~ normal(0, 0.5);
  z_t ~ std_normal();
  y ~ bernoulli_logit_glm(X, alpha + beta_t_group[g] .* treat, beta);
}
