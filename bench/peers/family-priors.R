# nutmeg's default priors for the families other than bernoulli/binomial (README "Priors", src/model/family-priors.ts),
# computed in R so that a Stan program fits the model nutmeg fits. Sourced by tests/fixtures/stan/make-family-references.R
# and bench/peers/stan.R. With the outcome's centre c and scale s on the link scale (gaussian: mean and sd of y;
# lognormal: of log y; log-link families: c = log mean(y), s = 1), each rounded to 4 significant digits:
#   b_Intercept ~ student_t(3, c, 2.5 s)        b_x ~ normal(0, signif(2.5 s / sd(x), 4))
#   sd_<group>__<term> ~ halfstudent_t(3, 2.5 s)   sigma ~ halfstudent_t(3, 2.5 s)   shape ~ gamma(0.01, 0.01)

nutmeg_outcome_scale <- function(family, y) {
  positive <- function(s) if (is.finite(s) && s > 0) s else 1
  r <- switch(family,
    gaussian = list(center = mean(y), scale = positive(sd(y))),
    lognormal = list(center = mean(log(y)), scale = positive(sd(log(y)))),
    list(center = log(max(mean(y), 1 / (2 * length(y)))), scale = 1))
  list(center = signif(r$center, 4), scale = signif(r$scale, 4))
}

# One row per parameter (parameter, family, p1, p2, p3) for design X (intercept column first, R's column names) and
# varying terms named "<group>__<term>".
nutmeg_default_priors <- function(family, y, X, terms) {
  s <- nutmeg_outcome_scale(family, y)
  row <- function(parameter, fam, p1, p2, p3 = NA) data.frame(parameter = parameter, family = fam, p1 = p1, p2 = p2, p3 = p3)
  rows <- list(row("b_Intercept", "student_t", 3, s$center, 2.5 * s$scale))
  for (j in seq_len(ncol(X))[-1]) {
    sx <- sd(X[, j])
    rows[[length(rows) + 1]] <- row(paste0("b_", colnames(X)[j]), "normal", 0,
                                    signif(if (sx > 0) 2.5 * s$scale / sx else 2.5 * s$scale, 4))
  }
  for (t in terms) rows[[length(rows) + 1]] <- row(paste0("sd_", t), "halfstudent_t", 3, 2.5 * s$scale)
  if (family %in% c("gaussian", "lognormal")) rows[[length(rows) + 1]] <- row("sigma", "halfstudent_t", 3, 2.5 * s$scale)
  if (family %in% c("negbinomial", "gamma")) rows[[length(rows) + 1]] <- row("shape", "gamma", 0.01, 0.01)
  do.call(rbind, rows)
}

nutmeg_prior_of <- function(priors, name) {
  p <- priors[priors$parameter == name, c("p1", "p2", "p3")]
  if (nrow(p) != 1) stop("no prior for ", name)
  unlist(p)
}

# Data for bench/peers/stan/glm_vi.stan (one varying intercept or none) or gaussian_cor.stan (varying intercept and
# one slope, correlated): family, outcome y, design X (intercept first), group indices gi (1…J, or empty), the
# varying slope's column (gaussian_cor only), and the priors.
nutmeg_stan_data <- function(program, family, y, X, gi, J, priors, terms, slope = NULL) {
  Xf <- X[, -1, drop = FALSE]
  N <- nrow(Xf); K <- ncol(Xf)
  pb <- array(vapply(colnames(Xf), function(n) nutmeg_prior_of(priors, paste0("b_", n))[["p2"]], numeric(1)), K)
  if (length(terms) > 1) for (t in terms[-1]) stopifnot(identical(unname(nutmeg_prior_of(priors, paste0("sd_", t))),
                                                                  unname(nutmeg_prior_of(priors, paste0("sd_", terms[1])))))
  prior_sd <- if (length(terms) > 0) nutmeg_prior_of(priors, paste0("sd_", terms[1]))[1:2] else c(3, 1)
  if (program == "gaussian_cor") {
    return(list(N = N, K = K, X = Xf, J = J, g = gi, M = 2L, Z = cbind(1, slope), y = as.numeric(y),
                prior_intercept = nutmeg_prior_of(priors, "b_Intercept"), prior_b_scale = pb, prior_sd = prior_sd,
                prior_sigma = nutmeg_prior_of(priors, "sigma")[1:2], lkj_eta = 1))
  }
  counts <- family %in% c("poisson", "negbinomial")
  aux <- if (family %in% c("negbinomial", "gamma")) nutmeg_prior_of(priors, "shape")[1:2]
         else if (family == "poisson") c(1, 1) else nutmeg_prior_of(priors, "sigma")[1:2]
  list(family = match(family, c("gaussian", "poisson", "negbinomial", "gamma", "lognormal")), N = N, K = K, X = Xf,
       G = J, Ng = length(gi), g = gi, y = as.numeric(y), Ny = if (counts) N else 0L,
       y_count = if (counts) as.integer(y) else integer(0), prior_intercept = nutmeg_prior_of(priors, "b_Intercept"),
       prior_b_scale = pb, prior_sd = prior_sd, prior_aux = aux)
}
