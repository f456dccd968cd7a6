// Copied verbatim from the shared golden reference (golden/stan/crossed.stan, Stan 2.21 via rstan; nutmeg reference analysis).
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
  real<lower=0> sigma_zip; vector[Z] z_zip; real<lower=0> sigma_ch; vector[C] z_ch;
}
transformed parameters {
  vector[G] beta_t_group = mu_t + z_t * sigma_t;
  vector[Z] a_zip = z_zip * sigma_zip;
  vector[C] a_ch = z_ch * sigma_ch;
}
model {
  alpha ~ normal(-3, 1);
  beta ~ normal(0, 0.5);
  mu_t ~ normal(0, 0.5);
  sigma_t ~ normal(0, 0.5);
  sigma_zip ~ normal(0, 0.5);
  sigma_ch ~ normal(0, 0.5);
  z_t ~ std_normal(); z_zip ~ std_normal(); z_ch ~ std_normal();
  y ~ bernoulli_logit_glm(X, alpha + beta_t_group[g] .* treat + a_zip[zip] + a_ch[ch], beta);
}
