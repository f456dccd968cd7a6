# Stan peer for nutmeg's benchmark: fits one of the Hillstrom models, or one of the families peers (sleepstudy:
# gaussian with correlated intercept and slope on lme4's sleepstudy; hillstrom_spend: lognormal on the Hillstrom
# converters' spend), or one of the small models (cbpp: lme4's cbpp, binomial with a varying intercept per herd;
# logistic: y ~ x1 + x2 + x3 on bench/small-data.ts's simulated rows), with rstan and prints one JSON object (wall
# time, gradient count, minimum bulk-ESS, ESS/s) on stdout. Run by bench/peers/stan.ts; usable by hand (--cores N
# caps the parallel chains, default all cores):
#   Rscript bench/peers/stan.R --model pooled --data ../shared/data/hillstrom.csv --rows 0 \
#     --warmup 1000 --draws 1000 --chains 4 --seed 1 --cache /tmp/nutmeg-stan-cache
# Data preparation follows golden/README.md: treat = any e-mail; recency_z and history_z standardised with the
# sample sd over all rows of the file; group levels numbered in sorted (byte) order of their names. --rows N > 0
# keeps the first N rows after standardising (quick mode).

args <- commandArgs(trailingOnly = TRUE)
opt <- list(model = "pooled", data = "", rows = "0", warmup = "1000", draws = "1000", chains = "4",
            seed = "1", cache = file.path(tempdir(), "stan-cache"), stan_dir = "", cores = "64")
i <- 1
while (i <= length(args)) {
  key <- sub("^--", "", args[i])
  key <- gsub("-", "_", key)
  if (!(key %in% names(opt)) || i == length(args)) stop(sprintf("stan.R: unknown or incomplete option '%s'", args[i]))
  opt[[key]] <- args[i + 1]
  i <- i + 2
}
if (opt$stan_dir == "") {
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  opt$stan_dir <- file.path(dirname(normalizePath(sub("^--file=", "", file_arg[1]))), "stan")
}
rows <- as.integer(opt$rows); warmup <- as.integer(opt$warmup); draws <- as.integer(opt$draws)
chains <- as.integer(opt$chains); seed <- as.integer(opt$seed)

suppressPackageStartupMessages({ library(rstan); library(posterior) })

raw <- read.csv(opt$data, stringsAsFactors = FALSE)
sorted_levels <- function(v) sort(unique(v), method = "radix")   # byte order, as nutmeg orders text levels
levels_index <- function(v) match(v, sorted_levels(v))
program <- opt$model
if (opt$model %in% c("sleepstudy", "hillstrom_spend")) {
  # the families peers (bench/peers/stan/gaussian_cor.stan, glm_vi.stan) with nutmeg's default priors
  # (family-priors.R); --rows does not apply (all rows: sleepstudy's 180, Hillstrom's 578 converters)
  source(file.path(dirname(opt$stan_dir), "family-priors.R"))
  if (opt$model == "sleepstudy") {
    # Reaction ~ Days + (1 + Days | Subject), gaussian, correlated
    program <- "gaussian_cor"
    X <- model.matrix(~ Days, raw)
    terms <- c("Subject__Intercept", "Subject__Days")
    priors <- nutmeg_default_priors("gaussian", raw$Reaction, X, terms)
    subject <- levels_index(raw$Subject)
    data <- nutmeg_stan_data(program, "gaussian", raw$Reaction, X, subject, max(subject), priors, terms, slope = raw$Days)
  } else {
    # spend ~ segment + (1 | history_segment), lognormal, on the rows with spend > 0
    program <- "glm_vi"
    d <- raw[raw$spend > 0, ]
    d$segment <- factor(d$segment, levels = sorted_levels(d$segment))
    X <- model.matrix(~ segment, d)
    terms <- "history_segment__Intercept"
    priors <- nutmeg_default_priors("lognormal", d$spend, X, terms)
    g <- levels_index(d$history_segment)
    data <- nutmeg_stan_data(program, "lognormal", d$spend, X, g, max(g), priors, terms)
  }
  N <- data$N
} else if (opt$model %in% c("cbpp", "logistic")) {
  # the small models (bench/small-models.bench.ts) with nutmeg's default bernoulli/binomial priors: lme4's cbpp,
  # incidence | trials(size) ~ factor(period) + (1 | herd) (binomial_vi.stan); a logistic regression
  # y ~ x1 + x2 + x3 (pooled.stan, whose priors are the same defaults); every row, --rows does not apply
  if (opt$model == "cbpp") {
    program <- "binomial_vi"
    X <- model.matrix(~ factor(period), raw)[, -1, drop = FALSE]
    herd <- levels_index(raw$herd)
    data <- list(N = nrow(raw), K = ncol(X), X = X, G = max(herd), g = herd, trials = as.integer(raw$size),
                 y = as.integer(raw$incidence))
  } else {
    program <- "pooled"
    X <- as.matrix(raw[, c("x1", "x2", "x3")])
    data <- list(N = nrow(raw), K = ncol(X), X = X, y = as.integer(raw$y))
  }
  N <- data$N
} else {
  standardise <- function(v) (v - mean(v)) / sd(v)
  treat <- as.numeric(raw$segment != "No E-Mail")
  recency_z <- standardise(raw$recency)
  history_z <- standardise(raw$history)
  keep <- if (rows > 0 && rows < nrow(raw)) seq_len(rows) else seq_len(nrow(raw))
  X5 <- cbind(recency_z, history_z, raw$mens, raw$womens, raw$newbie)[keep, , drop = FALSE]
  y <- as.integer(raw$conversion[keep])
  N <- length(keep)
  data <- switch(opt$model,
    pooled = list(N = N, K = 6L, X = cbind(treat[keep], X5), y = y),
    hierarchical = list(N = N, K = 5L, G = 7L, X = X5, treat = treat[keep],
                        g = levels_index(raw$history_segment)[keep], y = y),
    crossed = , crossed_centered = list(N = N, K = 5L, G = 7L, Z = 3L, C = 3L, X = X5, treat = treat[keep],
                        g = levels_index(raw$history_segment)[keep], zip = levels_index(raw$zip_code)[keep],
                        ch = levels_index(raw$channel)[keep], y = y),
    stop(sprintf("stan.R: unknown model '%s' (pooled, hierarchical, crossed, crossed_centered, sleepstudy, hillstrom_spend, cbpp, logistic)",
                 opt$model)))
}

# compile once per program into the cache directory (rstan's auto_write keeps the .rds beside the .stan copy)
dir.create(opt$cache, recursive = TRUE, showWarnings = FALSE)
source_file <- file.path(opt$stan_dir, paste0(program, ".stan"))
program_file <- file.path(opt$cache, paste0(program, ".stan"))
# copy only when changed, so that rstan's cached .rds beside it stays valid
if (!file.exists(program_file) || !identical(readLines(program_file), readLines(source_file))) {
  invisible(file.copy(source_file, program_file, overwrite = TRUE))
}
rstan_options(auto_write = TRUE)
compile_s <- system.time(sm <- stan_model(program_file, model_name = program))[["elapsed"]]

cores <- min(chains, parallel::detectCores(), as.integer(opt$cores))
sample_s <- system.time(
  fit <- sampling(sm, data = data, chains = chains, iter = warmup + draws, warmup = warmup, seed = seed,
                  cores = cores, refresh = 0, show_messages = FALSE)
)[["elapsed"]]

sp <- get_sampler_params(fit, inc_warmup = TRUE)
gradients <- sum(vapply(sp, function(s) sum(s[, "n_leapfrog__"]), numeric(1)))
divergences <- sum(vapply(sp, function(s) sum(s[(warmup + 1):(warmup + draws), "divergent__"]), numeric(1)))
chain_s <- get_elapsed_time(fit)
arr <- as_draws_array(fit)
arr <- subset_draws(arr, variable = setdiff(variables(arr), "lp__"))
ess <- summarise_draws(arr, ess_bulk)
rhat <- summarise_draws(arr, rhat)
min_ess <- min(ess$ess_bulk, na.rm = TRUE)

cat(sprintf(paste0('{"peer":"stan","model":"%s","rows":%d,"chains":%d,"warmup":%d,"draws":%d,"seed":%d,',
                   '"compileSeconds":%.3f,"wallSeconds":%.3f,"warmupSeconds":%.3f,"samplingSeconds":%.3f,',
                   '"chainSeconds":[%s],',
                   '"cores":%d,"gradients":%d,"minEssBulk":%.3f,"essPerSecond":%.5f,"maxRhat":%.5f,',
                   '"divergences":%d,"versions":{"rstan":"%s","stan":"%s","posterior":"%s","R":"%s"}}\n'),
            opt$model, as.integer(N), chains, warmup, draws, seed, compile_s, sample_s, sum(chain_s[, "warmup"]),
            sum(chain_s[, "sample"]), paste(sprintf("%.3f", chain_s[, "warmup"] + chain_s[, "sample"]), collapse = ","),
            as.integer(cores), as.integer(gradients), min_ess, min_ess / sample_s,
            max(rhat$rhat, na.rm = TRUE), as.integer(divergences), as.character(packageVersion("rstan")),
            stan_version(), as.character(packageVersion("posterior")),
            paste(R.version$major, R.version$minor, sep = ".")))
