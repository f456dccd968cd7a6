// BG/NBD purchases (Fader, Hardie & Lee 2005, eq. 6) with Gamma-Gamma spend (Fader, Hardie & Lee 2005b) under the
// hierarchical log-normal priors of src/model/clv/clv-model.ts; the reference for tests/model/clv/clv-stan.test.ts.
// Written from the papers' formulas, independently of the TypeScript code.
data {
  int<lower=1> N;
  int<lower=0> x[N];
  vector<lower=0>[N] t_x;
  vector<lower=0>[N] T_age;
  vector<lower=0>[N] m;          // mean repeat spend (ignored where x = 0)
  vector[7] log_center;          // log r, log alpha, log a, log b, log p, log(q - 1), log gamma
  real<lower=0> hyper_scale;
}
parameters {
  real<lower=0> r;
  real<lower=0> alpha;
  real<lower=0> a;
  real<lower=0> b;
  real<lower=0> p;
  real<lower=1> q;
  real<lower=0> gamma;
  real<lower=0> sigma_purchase;
  real<lower=0> sigma_spend;
}
model {
  sigma_purchase ~ normal(0, hyper_scale);
  sigma_spend ~ normal(0, hyper_scale);
  r ~ lognormal(log_center[1], sigma_purchase);
  alpha ~ lognormal(log_center[2], sigma_purchase);
  a ~ lognormal(log_center[3], sigma_purchase);
  b ~ lognormal(log_center[4], sigma_purchase);
  p ~ lognormal(log_center[5], sigma_spend);
  (q - 1) ~ lognormal(log_center[6], sigma_spend);
  gamma ~ lognormal(log_center[7], sigma_spend);
  for (i in 1:N) {
    real common = lbeta(a, b + x[i]) - lbeta(a, b) + lgamma(r + x[i]) - lgamma(r) + r * log(alpha);
    real first = common - (r + x[i]) * log(alpha + T_age[i]);
    if (x[i] > 0) {
      real second = lbeta(a + 1, b + x[i] - 1) - lbeta(a, b) + lgamma(r + x[i]) - lgamma(r) + r * log(alpha)
                    - (r + x[i]) * log(alpha + t_x[i]);
      target += log_sum_exp(first, second);
      // mean of x Gamma(p, nu) spends, nu ~ Gamma(q, gamma): m | x ~ the Gamma-Gamma compound of Gamma(p x, nu x)
      target += lgamma(p * x[i] + q) - lgamma(p * x[i]) - lgamma(q) + q * log(gamma) + (p * x[i] - 1) * log(m[i])
                + p * x[i] * log(x[i]) - (p * x[i] + q) * log(gamma + m[i] * x[i]);
    } else {
      target += first;
    }
  }
}
