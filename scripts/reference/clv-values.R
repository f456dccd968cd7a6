# Reference values for src/numeric/hypergeometric-2f1.ts and src/analyses/clv/predictions.ts, computed in base R by
# adaptive quadrature (integrate, rel.tol 1e-13) rather than by a series, so that the check is independent of the
# method under test. Writes tests/fixtures/clv/clv-values.json.
#   Rscript scripts/reference/clv-values.R
#
# 2F1 by Euler's integral (c > b > 0, z < 1):
#   2F1(a, b; c; z) = Γ(c) / (Γ(b) Γ(c − b)) ∫₀¹ t^(b−1) (1 − t)^(c−b−1) (1 − z t)^(−a) dt
# BG/NBD expected purchases in (T, T + t] given x, t_x, T (Fader, Hardie & Lee 2005) as a one-dimensional integral:
# alive at T, λ | data ~ Gamma(r + x, α + T) and p | data ~ Beta(a, b + x), and E[X(t) | λ, p] = (1 − e^(−λ p t)) / p, so
#   E[Y(t) | x, t_x, T] = P(alive) ∫₀¹ Beta(p; a, b + x) (1 − ((α + T) / (α + T + p t))^(r + x)) / p dp.

# ∫₀¹ t^(u−1) (1 − t)^(v−1) g(t) dt / B(u, v) for smooth g, split at ½ with t = s^(1/u) on the left and 1 − t = s^(1/v) on
# the right so that the endpoint powers (u or v below 1) leave smooth integrands.
beta_integral <- function(u, v, g) {
  q <- function(f, hi) integrate(f, 0, hi, rel.tol = 1e-13, abs.tol = 0, subdivisions = 2000L)$value
  left <- q(function(s) { t <- s^(1 / u); (1 - t)^(v - 1) * g(t) / u }, 0.5^u)
  right <- q(function(s) { w <- s^(1 / v); t <- 1 - w; t^(u - 1) * g(t) / v }, 0.5^v)
  (left + right) / beta(u, v)
}
euler_2f1 <- function(a, b, c, z) beta_integral(b, c - b, function(t) (1 - z * t)^(-a))

hyp <- list(
  c(1, 1, 2, 0.5), c(0.5, 0.5, 1.5, 0.25), c(2.3, 1.7, 4.1, 0.3), c(2.3, 1.7, 4.1, 0.9),
  c(0.7, 3.2, 5.5, -0.6), c(0.7, 3.2, 5.5, -4), c(12.4, 14.1, 15.9, 0.8), c(40.2, 42.5, 43.1, 0.5),
  c(0.24, 2.43, 3.6, 0.95), c(3, 2.5, 3.2, 0.99)
)
hyp_rows <- lapply(hyp, function(p) list(a = p[1], b = p[2], c = p[3], z = p[4], value = euler_2f1(p[1], p[2], p[3], p[4])))

p_alive <- function(r, alpha, a, b, x, tx, T) {
  if (x == 0) return(1)
  1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx))^(r + x))
}
expected <- function(r, alpha, a, b, x, tx, T, t) {
  g <- function(p) -expm1(-(r + x) * log1p(p * t / (alpha + T))) / p
  p_alive(r, alpha, a, b, x, tx, T) * beta_integral(a, b + x, g)
}
# CDNOW-like parameters (Fader, Hardie & Lee 2005, table: r = 0.243, α = 4.414, a = 0.793, b = 2.426) and others.
pars <- list(c(0.243, 4.414, 0.793, 2.426), c(1.3, 6.5, 2.2, 5.1), c(0.6, 0.9, 0.4, 0.7), c(2.5, 12, 1.6, 1.2))
cust <- list(c(0, 0, 38.86), c(2, 30.43, 38.86), c(7, 35, 39), c(1, 2, 52), c(20, 51, 52), c(0, 0, 0.5), c(5, 3, 70))
exp_rows <- list()
for (p in pars) for (cu in cust) for (t in c(26, 52, 104)) {
  exp_rows[[length(exp_rows) + 1]] <- list(r = p[1], alpha = p[2], a = p[3], b = p[4], x = cu[1], t_x = cu[2], T = cu[3], t = t,
    p_alive = p_alive(p[1], p[2], p[3], p[4], cu[1], cu[2], cu[3]),
    expected = expected(p[1], p[2], p[3], p[4], cu[1], cu[2], cu[3], t))
}
num <- function(v) formatC(v, digits = 17, format = "g")
row_json <- function(row) paste0("{", paste0('"', names(row), '": ', vapply(row, num, ""), collapse = ", "), "}")
out <- paste0('{\n  "source": "scripts/reference/clv-values.R (R ', R.version$major, '.', R.version$minor, ', integrate rel.tol 1e-13)",\n',
  '  "hyp2f1": [\n    ', paste(vapply(hyp_rows, row_json, ""), collapse = ",\n    "), '\n  ],\n',
  '  "bgnbd": [\n    ', paste(vapply(exp_rows, row_json, ""), collapse = ",\n    "), '\n  ]\n}\n')
writeLines(out, "tests/fixtures/clv/clv-values.json", sep = "")
