# Reference values for the ITS model (src/model/its/model.ts) from rstan, written to tests/fixtures/its/:
#   stan-logprob-<family>.json   log density (with the Jacobian, on the unconstrained scale) at 20 random points
#   stan-posterior-<family>.json posterior mean, sd and se_mean of every parameter (4 chains x 5000 draws)
# Data: tests/fixtures/its/stan-data-<family>.json (written by scripts/reference/its-data.ts).
# Run from the repository root: Rscript scripts/reference/its.R
suppressPackageStartupMessages({ library(rstan); library(jsonlite) })
rstan_options(auto_write = FALSE)
model <- stan_model("scripts/reference/its.stan")
for (family in c("gaussian", "student")) {
  data <- fromJSON(sprintf("tests/fixtures/its/stan-data-%s.json", family))
  data$X <- matrix(unlist(data$X), nrow = data$N, byrow = FALSE)
  if (nrow(data$X) != data$N) data$X <- t(data$X)
  fit <- sampling(model, data = data, chains = 4, iter = 6000, warmup = 1000, seed = 20261202, refresh = 0)
  set.seed(7)
  K <- data$P + 2 + data$student
  points <- lapply(1:20, function(i) {
    u <- c(data$alpha_mean + runif(1, -0.2, 0.2) * data$alpha_sd, runif(data$P, -2, 2), log(1 / data$sigma_rate) + runif(1, -1, 1))
    if (data$student == 1) u <- c(u, runif(1, 0, 4))
    list(u = u, lp = log_prob(fit, u, adjust_transform = TRUE))
  })
  write_json(list(provenance = sprintf("rstan %s, scripts/reference/its.stan, log_prob(adjust_transform = TRUE)", packageVersion("rstan")), points = points),
             sprintf("tests/fixtures/its/stan-logprob-%s.json", family), digits = NA, auto_unbox = TRUE, pretty = TRUE)
  pars <- c("alpha", sprintf("beta[%d]", 1:data$P), "sigma", if (data$student == 1) "nu[1]")
  s <- summary(fit, pars = pars)$summary
  rows <- lapply(pars, function(p) list(variable = p, mean = s[p, "mean"], se_mean = s[p, "se_mean"], sd = s[p, "sd"], rhat = s[p, "Rhat"]))
  write_json(list(provenance = sprintf("rstan %s, 4 chains x 5000 draws after 1000 warm-up, seed 20261202", packageVersion("rstan")), rows = rows),
             sprintf("tests/fixtures/its/stan-posterior-%s.json", family), digits = NA, auto_unbox = TRUE, pretty = TRUE)
  cat(family, "done\n")
}
