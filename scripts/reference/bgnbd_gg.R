# Reference values of the BG/NBD + Gamma-Gamma model from Stan (scripts/reference/bgnbd_gg.stan) on the data of
# tests/fixtures/clv/stan-data.csv (written by scripts/reference/export-clv-data.ts): the log density (no Jacobian) at
# 20 random points, and the posterior summary (mean, sd, MCSE of the mean; 4 chains × 2,000 draws after 1,000 warm-up).
# Writes tests/fixtures/clv/stan-reference.json.   Rscript scripts/reference/bgnbd_gg.R
suppressMessages({ library(rstan); library(posterior) })
d <- read.csv("tests/fixtures/clv/stan-data.csv")
mean_spend <- mean(d$m[d$x > 0])
log_center <- log(c(1, 10, 1, 3, 2, 3 - 1, mean_spend))
standata <- list(N = nrow(d), x = as.integer(round(d$x)), t_x = d$t_x, T_age = d$T, m = d$m, log_center = log_center, hyper_scale = 1)
model <- stan_model("scripts/reference/bgnbd_gg.stan")
fit <- sampling(model, data = standata, chains = 4, iter = 3000, warmup = 1000, seed = 20261202, refresh = 0)
names <- c("r", "alpha", "a", "b", "p", "q", "gamma", "sigma_purchase", "sigma_spend")
s <- summarise_draws(as_draws_df(as.array(fit, pars = names)), mean, sd, mcse_mean, rhat, ess_bulk)
print(s)
set.seed(42)
points <- lapply(1:20, function(k) {
  th <- c(r = runif(1, 0.2, 1.5), alpha = runif(1, 1, 10), a = runif(1, 0.3, 2), b = runif(1, 0.5, 5), p = runif(1, 1, 8),
          q = runif(1, 1.5, 6), gamma = runif(1, 5, 40), sigma_purchase = runif(1, 0.2, 1.5), sigma_spend = runif(1, 0.2, 1.5))
  u <- unconstrain_pars(fit, as.list(th))
  list(theta = unname(th), lp = log_prob(fit, u, adjust_transform = FALSE))
})
num <- function(v) paste(formatC(v, digits = 17, format = "g"), collapse = ", ")
json <- paste0('{\n  "source": "scripts/reference/bgnbd_gg.R (rstan ', packageVersion("rstan"), ', posterior ', packageVersion("posterior"),
  '; 4 chains x 2000 draws after 1000 warm-up, seed 20261202)",\n',
  '  "logCenter": [', num(log_center), '],\n  "hyperScale": 1,\n',
  '  "points": [\n', paste(vapply(points, function(p) paste0('    {"theta": [', num(p$theta), '], "lp": ', num(p$lp), '}'), ""), collapse = ",\n"), '\n  ],\n',
  '  "summary": [\n', paste(vapply(seq_len(nrow(s)), function(i) paste0('    {"name": "', s$variable[i], '", "mean": ', num(s$mean[i]), ', "sd": ', num(s$sd[i]),
    ', "mcse_mean": ', num(s$mcse_mean[i]), ', "rhat": ', num(s$rhat[i]), ', "ess_bulk": ', num(s$ess_bulk[i]), '}'), ""), collapse = ",\n"), '\n  ]\n}\n')
writeLines(json, "tests/fixtures/clv/stan-reference.json", sep = "")
