// PSIS-LOO per observation (the TypeScript side is src/loo/native-psis.ts): for each observation of a block of S
// log-likelihood draws, r_eff (as R loo 2.5.1's relative_eff of exp(log_lik)), the Pareto tail, the Zhang-Stephens
// generalized Pareto fit with loo's weakly informative prior, smoothing, truncation, normalised weights, and from
// them elpd_loo, p_loo, looic, Pareto k, PSIS n_eff and the Monte Carlo SE of elpd_loo.
//
// This is a step-for-step port of the TypeScript oracle (src/loo/pointwise.ts, psis.ts, gpd.ts, relative-eff.ts,
// select.ts), the same operations in the same order, so that the two agree to rounding of the math library; the
// references for the statistics are cited there. Observations are shared among the pool's workers in tiles of
// adjacent observations (one cache line of each draw's row); each worker owns scratch sized for S at construction,
// so a block allocates nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "thread_pool.hpp"

namespace nutmeg {

// Where the per-observation results go: entry j for observation j of the block.
struct PsisOutputs {
  double* elpd_loo;
  double* mcse_elpd_loo;
  double* p_loo;
  double* looic;
  double* pareto_k;
  double* r_eff;
  double* n_eff;
};

class PsisLoo {
 public:
  // order[c * draws_per_chain + d] = index of the d-th draw of chain c (n_draws = n_chains * draws_per_chain);
  // blom: the normal scores the MCSE pushes through the log (src/loo/pointwise.ts blomScores). Both are copied.
  // Throws std::invalid_argument for inconsistent sizes.
  PsisLoo(std::uint32_t n_draws, std::uint32_t n_chains, const std::uint32_t* order, const double* blom,
          std::size_t n_blom, unsigned threads);

  std::uint32_t n_draws() const { return n_draws_; }
  unsigned threads() const { return pool_.size(); }

  // Observations j = 0 … count of values[s * count + j]. r_eff_given: null to compute r_eff from the chains, else
  // r_eff_given[j]. Returns -1, or j * n_draws + s for the first non-finite value (smallest j, then smallest s); the
  // outputs of such an observation are not written. One call at a time.
  std::int64_t block(const double* values, std::size_t count, const double* r_eff_given, const PsisOutputs& out);

 private:
  struct Scratch {
    std::vector<double> tile;                       // kTile x S: the tile's columns, gathered
    std::vector<double> ll, lw, lik, tail;          // S each
    std::vector<double> exceedances, grid;          // GPD fit
    std::vector<double> values, centered, chain_mean, acov, rho, fft_re, fft_im;  // r_eff
    std::vector<double> blom_logs;
    std::size_t lags_done = 0;
  };

  static void task(void* context, unsigned worker, unsigned workers);
  void observation(Scratch& w, const double* column, double r_eff_given, bool from_chains, std::size_t j,
                   const PsisOutputs& out) const;
  double relative_eff(Scratch& w, const double* column) const;
  double ess_mean(Scratch& w) const;
  double autocovariance(Scratch& w, std::size_t lag) const;
  void fft_autocovariance(Scratch& w) const;
  void fft(double* re, double* im) const;

  std::uint32_t n_draws_, n_chains_, draws_per_chain_;
  std::vector<std::uint32_t> order_;
  std::vector<double> blom_;
  double acov_scale_;
  // FFT of length fft_size_ (power of two >= 2 * draws_per_chain): twiddles by stage and bit-reversal swaps
  std::size_t fft_size_;
  std::vector<double> fft_cos_, fft_sin_;
  std::vector<std::uint32_t> fft_swaps_;
  std::vector<Scratch> scratch_;

  // The call in progress
  const double* values_ = nullptr;
  std::size_t count_ = 0;
  const double* r_eff_given_ = nullptr;
  PsisOutputs out_{};
  std::atomic<std::size_t> next_tile_{0};
  std::atomic<std::int64_t> first_bad_{0};

  ThreadPool pool_;
};

}  // namespace nutmeg
