// Copied verbatim from the shared golden reference (golden/stan/pooled.stan, Stan 2.21 via rstan; nutmeg reference analysis).
data {
  int<lower=0> N; int<lower=0> K;
  matrix[N, K] X;              // treatment, recency_z, history_z, mens, womens, newbie
  int<lower=0, upper=1> y[N];
}
parameters { real alpha; vector[K] beta; }
model {
  alpha ~ normal(-3, 1);
  beta ~ normal(0, 0.5);
  y ~ bernoulli_logit_glm(X, alpha, beta);
}
