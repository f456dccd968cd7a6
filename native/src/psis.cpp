// See psis.hpp. Each function names the TypeScript function it ports; the comments there give the statistics and
// their sources. Where JavaScript semantics matter (Math.min/max propagate NaN, typed-array reads past the end give
// NaN), the port keeps them. One deliberate difference: the raw weights e^lw (lw <= 0 after truncation) come from
// vmath::exp_nonpos, a branch-free loop the compiler vectorises (about 1 ulp, and 0 instead of a subnormal below
// e^-708), instead of one libm call per draw; elpd_loo and n_eff are well conditioned in the weights. The likelihood
// ratios e^(ll - max ll) and exp(log_lik) for r_eff keep libm's exp, as JavaScript's Math.exp agrees with it nearly
// always to the bit: p_loo = lpd - elpd_loo cancels when both are near 0, and r_eff amplifies the rounding of
// exp(log_lik) when log_lik is near 0, so there a 1-ulp difference would show far above 1e-10.
#include "psis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "vmath.hpp"

namespace nutmeg {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();  // Number.EPSILON

// Adjacent observations gathered at once: 8 doubles, one cache line of each draw's row.
constexpr std::size_t kTile = 8;
// psis.ts MIN_TAIL_LENGTH
constexpr double kMinTailLength = 5;
// relative-eff.ts DIRECT_LAGS
constexpr std::size_t kDirectLags = 64;
// gpd.ts: minGridPoints default, PRIOR_N, PRIOR_K, GRID_PRIOR
constexpr double kMinGridPoints = 30;
constexpr double kPriorN = 10;
constexpr double kPriorK = 0.5;
constexpr double kGridPrior = 3;

// JavaScript's Math.min / Math.max of two numbers: NaN when either is NaN.
inline double js_min(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : (b < a ? b : a); }
inline double js_max(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : (b > a ? b : a); }

// psis.ts paretoTailLength
inline double pareto_tail_length(double r_eff, double n_draws) {
  return std::ceil(js_min(0.2 * n_draws, 3 * std::sqrt(n_draws / r_eff)));
}

// relative-eff.ts fftNextGoodSize
std::size_t fft_next_good_size(std::size_t n) {
  if (n <= 2) return 2;
  for (std::size_t size = n;; size++) {
    std::size_t m = size;
    while (m % 2 == 0) m /= 2;
    while (m % 3 == 0) m /= 3;
    while (m % 5 == 0) m /= 5;
    if (m <= 1) return size;
  }
}

std::size_t next_power_of_two(std::size_t n) {
  std::size_t m = 1;
  while (m < n) m *= 2;
  return m;
}

// select.ts partialSortSmallest: a[0 … k) become the k smallest values, sorted; the rest unordered (Hoare
// quickselect with a median-of-three pivot, the same steps, so the unordered rest is in the same order too).
void partial_sort_smallest(double* a, std::size_t n, std::size_t k) {
  if (k == 0) return;
  if (k >= n) {
    std::sort(a, a + n);
    return;
  }
  const std::ptrdiff_t target = static_cast<std::ptrdiff_t>(k) - 1;
  std::ptrdiff_t lo = 0;
  std::ptrdiff_t hi = static_cast<std::ptrdiff_t>(n) - 1;
  while (hi > lo) {
    const std::ptrdiff_t mid = (lo + hi) / 2;
    const double x = a[lo], y = a[mid], z = a[hi];
    const double pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    std::ptrdiff_t i = lo;
    std::ptrdiff_t j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        std::swap(a[i], a[j]);
        i++;
        j--;
      }
    }
    if (target <= j) {
      hi = j;
    } else if (target >= i) {
      lo = i;
    } else {
      break;
    }
  }
  std::sort(a, a + k);
}

// gpd.ts gpdFitSorted with the weakly informative prior: x[0 … n) sorted ascending, grid has room for
// 2 * (30 + ⌊√n⌋). Returns k (+Infinity when the fit fails) and sets sigma.
double gpd_fit_sorted(const double* x, std::size_t n, double* grid, double& sigma) {
  const double nd = static_cast<double>(n);
  const std::size_t m = static_cast<std::size_t>(kMinGridPoints + std::floor(std::sqrt(nd)));
  const double md = static_cast<double>(m);
  double* theta = grid;
  double* log_lik = grid + m;
  const double x_max = x[n - 1];
  const double x_star = x[static_cast<std::size_t>(std::floor(nd / 4 + 0.5)) - 1];
  double max_log_lik = -kInf;
  for (std::size_t j = 0; j < m; j++) {
    const double t = 1 / x_max + (1 - std::sqrt(md / (static_cast<double>(j) + 0.5))) / kGridPrior / x_star;
    theta[j] = t;
    const double a = -t;
    double s = 0;
    for (std::size_t i = 0; i < n; i++) s += std::log1p(a * x[i]);
    const double k_theta = s / nd;
    const double l = nd * (std::log(a / k_theta) - k_theta - 1);
    log_lik[j] = l;
    if (std::isnan(l)) {
      sigma = kNaN;
      return kInf;
    }
    if (l > max_log_lik) max_log_lik = l;
  }
  double sum_w = 0;
  for (std::size_t j = 0; j < m; j++) sum_w += std::exp(log_lik[j] - max_log_lik);
  const double log_norm = max_log_lik + std::log(sum_w);
  double theta_hat = 0;
  for (std::size_t j = 0; j < m; j++) theta_hat += theta[j] * std::exp(log_lik[j] - log_norm);
  double s = 0;
  for (std::size_t i = 0; i < n; i++) s += std::log1p(-theta_hat * x[i]);
  double k = s / nd;
  sigma = -k / theta_hat;
  k = (k * nd) / (nd + kPriorN) + (kPriorN * kPriorK) / (nd + kPriorN);
  if (std::isnan(k)) k = kInf;
  return k;
}

// gpd.ts gpdQuantile
inline double gpd_quantile(double p, double k, double sigma) {
  if (!(sigma > 0)) return kNaN;
  return (sigma * std::expm1(-k * std::log1p(-p))) / k;
}

// psis.ts smoothTail: tail[0 … m) ascending, smoothed in place; returns Pareto k.
double smooth_tail(double* tail, std::size_t m, double cutoff, double* exceedances, double* grid) {
  if (static_cast<double>(m) < kMinTailLength || std::fabs(tail[m - 1] - tail[0]) < kEpsilon / 100) return kInf;
  const double exp_cutoff = std::exp(cutoff);
  for (std::size_t j = 0; j < m; j++) exceedances[j] = std::exp(tail[j]) - exp_cutoff;
  double sigma;
  const double k = gpd_fit_sorted(exceedances, m, grid, sigma);
  if (std::isfinite(k)) {
    const double md = static_cast<double>(m);
    for (std::size_t j = 0; j < m; j++) {
      tail[j] = std::log(gpd_quantile((static_cast<double>(j) + 0.5) / md, k, sigma) + exp_cutoff);
    }
  }
  return k;
}

// pointwise.ts logNormalScoresVariance
double log_normal_scores_variance(double mean, double sd, const double* z, std::size_t nz, double* logs) {
  std::size_t n = 0;
  double sum = 0;
  for (std::size_t r = 0; r < nz; r++) {
    const double v = mean + sd * z[r];
    if (v > 0) sum += logs[n++] = std::log(v);
  }
  if (n < 2) return kNaN;
  const double avg = sum / static_cast<double>(n);
  double ss = 0;
  for (std::size_t r = 0; r < n; r++) ss += (logs[r] - avg) * (logs[r] - avg);
  return ss / static_cast<double>(n - 1);
}

// relative-eff.ts sampleVariance
double sample_variance(const double* x, std::size_t n) {
  double mean = 0;
  for (std::size_t i = 0; i < n; i++) mean += x[i];
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return ss / static_cast<double>(n - 1);
}

}  // namespace

PsisLoo::PsisLoo(std::uint32_t n_draws, std::uint32_t n_chains, const std::uint32_t* order, const double* blom,
                 std::size_t n_blom, unsigned threads)
    : n_draws_(n_draws),
      n_chains_(n_chains),
      draws_per_chain_(n_chains == 0 ? 0 : n_draws / n_chains),
      order_(order, order + n_draws),
      blom_(blom, blom + n_blom),
      pool_(std::max(1u, threads)) {
  if (n_draws < 2) throw std::invalid_argument("PSIS needs at least two draws");
  if (n_chains == 0 || static_cast<std::uint64_t>(n_chains) * draws_per_chain_ != n_draws) {
    throw std::invalid_argument("the draws must split into chains of equal length");
  }
  for (std::uint32_t s = 0; s < n_draws; s++) {
    if (order_[s] >= n_draws) throw std::invalid_argument("the chain order names a draw that does not exist");
  }
  const std::size_t n = draws_per_chain_;
  acov_scale_ = static_cast<double>(fft_next_good_size(n)) / (static_cast<double>(n) * static_cast<double>(n));

  // FFT plan (src/diagnostics/fft.ts plan): twiddles of the stage of half-size h at offset h - 1
  fft_size_ = next_power_of_two(2 * n);
  const std::size_t m = fft_size_;
  fft_cos_.assign(m > 1 ? m - 1 : 0, 0.0);
  fft_sin_.assign(m > 1 ? m - 1 : 0, 0.0);
  for (std::size_t h = 1; h < m; h *= 2) {
    for (std::size_t j = 0; j < h; j++) {
      const double angle = (-kPi * static_cast<double>(j)) / static_cast<double>(h);
      fft_cos_[h - 1 + j] = std::cos(angle);
      fft_sin_[h - 1 + j] = std::sin(angle);
    }
  }
  unsigned bits = 0;
  while ((std::size_t{1} << bits) < m) bits++;
  for (std::size_t i = 0; i < m; i++) {
    std::size_t r = 0;
    for (unsigned b = 0, v = static_cast<unsigned>(i); b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    if (r > i) {
      fft_swaps_.push_back(static_cast<std::uint32_t>(i));
      fft_swaps_.push_back(static_cast<std::uint32_t>(r));
    }
  }

  const std::size_t s = n_draws;
  const std::size_t grid = 2 * (30 + static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(s)))) + 1);
  scratch_.resize(pool_.size());
  for (Scratch& w : scratch_) {
    w.tile.assign(kTile * s, 0.0);
    w.ll.assign(s, 0.0);
    w.lw.assign(s, 0.0);
    w.lik.assign(s, 0.0);
    w.tail.assign(s, 0.0);
    w.exceedances.assign(s, 0.0);
    w.grid.assign(grid, 0.0);
    w.values.assign(s, 0.0);
    w.centered.assign(s, 0.0);
    w.chain_mean.assign(n_chains, 0.0);
    w.acov.assign(n + 2, 0.0);
    w.rho.assign(n + 2, 0.0);
    w.fft_re.assign(m, 0.0);
    w.fft_im.assign(m, 0.0);
    w.blom_logs.assign(n_blom, 0.0);
  }
}

std::int64_t PsisLoo::block(const double* values, std::size_t count, const double* r_eff_given,
                            const PsisOutputs& out) {
  if (count == 0) return -1;
  values_ = values;
  count_ = count;
  r_eff_given_ = r_eff_given;
  out_ = out;
  next_tile_.store(0, std::memory_order_relaxed);
  first_bad_.store(std::numeric_limits<std::int64_t>::max(), std::memory_order_relaxed);
  pool_.run(&PsisLoo::task, this);
  const std::int64_t bad = first_bad_.load(std::memory_order_relaxed);
  return bad == std::numeric_limits<std::int64_t>::max() ? -1 : bad;
}

void PsisLoo::task(void* context, unsigned worker, unsigned /*workers*/) {
  PsisLoo& p = *static_cast<PsisLoo*>(context);
  Scratch& w = p.scratch_[worker];
  const std::size_t s_count = p.n_draws_, count = p.count_;
  const std::size_t tiles = (count + kTile - 1) / kTile;
  for (;;) {
    const std::size_t t = p.next_tile_.fetch_add(1, std::memory_order_relaxed);
    if (t >= tiles) break;
    const std::size_t j0 = t * kTile;
    const std::size_t width = std::min(kTile, count - j0);
    double* tile = w.tile.data();
    for (std::size_t s = 0; s < s_count; s++) {
      const double* row = p.values_ + s * count + j0;
      for (std::size_t q = 0; q < width; q++) tile[q * s_count + s] = row[q];
    }
    for (std::size_t q = 0; q < width; q++) {
      const double* column = tile + q * s_count;
      const std::size_t j = j0 + q;
      std::size_t s = 0;
      while (s < s_count && std::isfinite(column[s])) s++;
      if (s < s_count) {
        const std::int64_t bad = static_cast<std::int64_t>(j * s_count + s);
        std::int64_t seen = p.first_bad_.load(std::memory_order_relaxed);
        while (bad < seen && !p.first_bad_.compare_exchange_weak(seen, bad, std::memory_order_relaxed)) {
        }
        continue;
      }
      const bool from_chains = p.r_eff_given_ == nullptr;
      p.observation(w, column, from_chains ? 0.0 : p.r_eff_given_[j], from_chains, j, p.out_);
    }
  }
}

// pointwise.ts PointwiseLoo.compute
void PsisLoo::observation(Scratch& w, const double* column, double r_eff, bool from_chains, std::size_t j,
                          const PsisOutputs& out) const {
  const std::size_t s = n_draws_;
  const double sd = static_cast<double>(s);
  if (from_chains) r_eff = relative_eff(w, column);
  double* ll = w.ll.data();
  double* lw = w.lw.data();
  double* lik = w.lik.data();
  std::copy(column, column + s, ll);
  // the largest log ratios -ll are the smallest ll: the tail is ll[0 … m), the cutoff ll[m]
  const double m_real = pareto_tail_length(r_eff, sd);
  const bool smoothed = m_real >= kMinTailLength;
  const std::size_t m = smoothed ? static_cast<std::size_t>(m_real) : 0;
  if (smoothed) partial_sort_smallest(ll, s, m + 1);
  double ll_min = ll[0], ll_max = ll[0];
  for (std::size_t t = 1; t < s; t++) {
    if (ll[t] < ll_min) ll_min = ll[t];
    if (ll[t] > ll_max) ll_max = ll[t];
  }
  for (std::size_t t = 0; t < s; t++) lw[t] = ll_min - ll[t];
  double k = kInf;
  if (smoothed) {
    double* tail = w.tail.data();
    for (std::size_t q = 0; q < m; q++) tail[q] = lw[m - 1 - q];
    k = smooth_tail(tail, m, lw[m], w.exceedances.data(), w.grid.data());
    for (std::size_t q = 0; q < m; q++) lw[m - 1 - q] = tail[q];
  }
  // truncation at the largest raw weight, then normalised weights
  for (std::size_t t = 0; t < s; t++) lw[t] = vmath::exp_nonpos(lw[t] > 0 ? 0.0 : lw[t]);
  for (std::size_t t = 0; t < s; t++) lik[t] = std::exp(ll[t] - ll_max);
  double sum_w = 0;
  for (std::size_t t = 0; t < s; t++) sum_w += lw[t];
  double sum_lik = 0, sum_w_lik = 0, sum_w2 = 0;
  for (std::size_t t = 0; t < s; t++) {
    const double wt = (lw[t] /= sum_w);
    const double q = lik[t];
    sum_lik += q;
    sum_w_lik += wt * q;
    sum_w2 += wt * wt;
  }
  const double elpd = ll_max + std::log(sum_w_lik);
  const double lpd = ll_max + std::log(sum_lik) - std::log(sd);

  // Monte Carlo SE (loo's mcse_elpd)
  const double expected_lik = std::exp(elpd);
  const double lik_scale = std::exp(ll_max);
  double var_lik = 0;
  for (std::size_t t = 0; t < s; t++) {
    const double dev = lik[t] * lik_scale - expected_lik;
    var_lik += lw[t] * lw[t] * dev * dev;
  }
  const double var_elpd =
      log_normal_scores_variance(expected_lik, std::sqrt(var_lik), blom_.data(), blom_.size(), w.blom_logs.data());

  out.elpd_loo[j] = elpd;
  out.mcse_elpd_loo[j] = std::sqrt(var_elpd / r_eff);
  out.p_loo[j] = lpd - elpd;
  out.looic[j] = -2 * elpd;
  out.pareto_k[j] = k;
  out.r_eff[j] = r_eff;
  out.n_eff[j] = (1 / sum_w2) * r_eff;
}

// relative-eff.ts relativeEff
double PsisLoo::relative_eff(Scratch& w, const double* column) const {
  double* v = w.values.data();
  for (std::size_t i = 0; i < n_draws_; i++) v[i] = std::exp(column[order_[i]]);
  return ess_mean(w) / static_cast<double>(n_draws_);
}

// relative-eff.ts EssWorkspace.essMean on w.values (chain-major)
double PsisLoo::ess_mean(Scratch& w) const {
  const std::size_t chains = n_chains_, n = draws_per_chain_;
  const double nd = static_cast<double>(n);
  const double* values = w.values.data();
  double* centered = w.centered.data();
  double* chain_mean = w.chain_mean.data();
  for (std::size_t c = 0; c < chains; c++) {
    double sum = 0;
    for (std::size_t d = 0; d < n; d++) sum += values[c * n + d];
    double mean = sum / nd;
    double correction = 0;
    for (std::size_t d = 0; d < n; d++) correction += values[c * n + d] - mean;
    mean += correction / nd;
    chain_mean[c] = mean;
    for (std::size_t d = 0; d < n; d++) centered[c * n + d] = values[c * n + d] - mean;
  }
  w.lags_done = 0;
  const double mean_var = (autocovariance(w, 0) * nd) / (nd - 1);
  double var_plus = (mean_var * (nd - 1)) / nd;
  if (chains > 1) var_plus += sample_variance(chain_mean, chains);

  double* rho = w.rho.data();
  std::fill(w.rho.begin(), w.rho.end(), 0.0);
  std::size_t t = 0;
  double rho_even = 1;
  rho[0] = rho_even;
  double rho_odd = 1 - (mean_var - autocovariance(w, 1)) / var_plus;
  rho[1] = rho_odd;
  // Geyer's initial positive sequence (t < n - 5 as JavaScript numbers: never true for n <= 5)
  while (t + 5 < n && !std::isnan(rho_even + rho_odd) && rho_even + rho_odd > 0) {
    t += 2;
    rho_even = 1 - (mean_var - autocovariance(w, t)) / var_plus;
    rho_odd = 1 - (mean_var - autocovariance(w, t + 1)) / var_plus;
    if (rho_even + rho_odd >= 0) {
      rho[t] = rho_even;
      rho[t + 1] = rho_odd;
    }
  }
  const std::size_t max_t = t;
  if (rho_even > 0) rho[max_t] = rho_even;
  // Geyer's initial monotone sequence
  t = 0;
  while (t + 4 <= max_t) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  double sum = 0;
  if (max_t == 0) {
    sum = rho[0];
  } else {
    for (std::size_t i = 0; i < max_t; i++) sum += rho[i];
  }
  const double total = static_cast<double>(chains * n);
  const double tau = js_max(-1 + 2 * sum + rho[max_t], 1 / std::log10(total));
  return total / tau;
}

// relative-eff.ts EssWorkspace.autocovariance. A lag past the chain length reads past the end of the JavaScript
// typed array, which gives NaN.
double PsisLoo::autocovariance(Scratch& w, std::size_t lag) const {
  const std::size_t chains = n_chains_, n = draws_per_chain_;
  if (lag >= n) return kNaN;
  const double* centered = w.centered.data();
  double* acov = w.acov.data();
  if (lag >= kDirectLags && w.lags_done <= lag) fft_autocovariance(w);
  while (w.lags_done <= lag) {
    const std::size_t l = w.lags_done;
    double total = 0;
    for (std::size_t c = 0; c < chains; c++) {
      const std::size_t base = c * n;
      double s = 0;
      for (std::size_t d = 0; d + l < n; d++) s += centered[base + d] * centered[base + d + l];
      total += s * acov_scale_;
    }
    acov[l] = total / static_cast<double>(chains);
    w.lags_done++;
  }
  return acov[lag];
}

// relative-eff.ts EssWorkspace.fftAutocovariance
void PsisLoo::fft_autocovariance(Scratch& w) const {
  const std::size_t chains = n_chains_, n = draws_per_chain_, m = fft_size_;
  const double md = static_cast<double>(m), cd = static_cast<double>(chains);
  double* re = w.fft_re.data();
  double* im = w.fft_im.data();
  double* acov = w.acov.data();
  const std::size_t from = w.lags_done;
  std::fill(acov + from, acov + n, 0.0);
  for (std::size_t c = 0; c < chains; c++) {
    std::fill(re, re + m, 0.0);
    std::fill(im, im + m, 0.0);
    std::copy(w.centered.data() + c * n, w.centered.data() + (c + 1) * n, re);
    fft(re, im);
    for (std::size_t k = 0; k < m; k++) {
      re[k] = re[k] * re[k] + im[k] * im[k];
      im[k] = 0;
    }
    fft(re, im);
    for (std::size_t l = from; l < n; l++) acov[l] += ((re[l] / md) * acov_scale_) / cd;
  }
  w.lags_done = n;
}

// src/diagnostics/fft.ts fft: in-place forward transform of length fft_size_, radix-2 pairs of stages
void PsisLoo::fft(double* re, double* im) const {
  const std::size_t n = fft_size_;
  if (n == 1) return;
  const double* cos = fft_cos_.data();
  const double* sin = fft_sin_.data();
  for (std::size_t k = 0; k < fft_swaps_.size(); k += 2) {
    const std::size_t i = fft_swaps_[k], j = fft_swaps_[k + 1];
    std::swap(re[i], re[j]);
    std::swap(im[i], im[j]);
  }
  unsigned bits = 0;
  while ((std::size_t{1} << bits) < n) bits++;
  std::size_t half = 1;
  if (bits % 2 == 1) {
    for (std::size_t a = 0; a < n; a += 2) {
      const double br = re[a + 1], bi = im[a + 1];
      re[a + 1] = re[a] - br;
      im[a + 1] = im[a] - bi;
      re[a] += br;
      im[a] += bi;
    }
    half = 2;
  }
  for (; half < n; half *= 4) {
    const std::size_t h = half, size = 4 * h, off1 = h - 1, off2 = 2 * h - 1;
    for (std::size_t start = 0; start < n; start += size) {
      for (std::size_t j = 0; j < h; j++) {
        const std::size_t i0 = start + j, i1 = i0 + h, i2 = i1 + h, i3 = i2 + h;
        const double w1r = cos[off1 + j], w1i = sin[off1 + j];
        const double w2r = cos[off2 + j], w2i = sin[off2 + j];
        double xr = re[i1], xi = im[i1];
        double tr = w1r * xr - w1i * xi;
        double ti = w1r * xi + w1i * xr;
        const double b0r = re[i0] + tr, b0i = im[i0] + ti;
        const double b1r = re[i0] - tr, b1i = im[i0] - ti;
        xr = re[i3];
        xi = im[i3];
        tr = w1r * xr - w1i * xi;
        ti = w1r * xi + w1i * xr;
        const double b2r = re[i2] + tr, b2i = im[i2] + ti;
        const double b3r = re[i2] - tr, b3i = im[i2] - ti;
        tr = w2r * b2r - w2i * b2i;
        ti = w2r * b2i + w2i * b2r;
        re[i0] = b0r + tr;
        im[i0] = b0i + ti;
        re[i2] = b0r - tr;
        im[i2] = b0i - ti;
        const double ur = w2r * b3r - w2i * b3i;
        const double ui = w2r * b3i + w2i * b3r;
        re[i1] = b1r + ui;
        im[i1] = b1i - ur;
        re[i3] = b1r - ui;
        im[i3] = b1i + ur;
      }
    }
  }
}

}  // namespace nutmeg
