// One prepared model: its compact data, its kernels, its thread pool and every buffer a call needs, all sized at
// construction. A call copies its inputs into the engine's buffers (on the JavaScript thread), computes (on a worker
// thread, with the pool), and its outputs are copied out (on the JavaScript thread). One call at a time.
//
// What the engine computes for a chain at unconstrained position theta:
//   the log-likelihood of the model's family (per-row constants included: log C(trials, y), −log y!, −log y)
//   + the level priors:  non-centered z_t[k] ~ Normal(0, 1);  centered r_t[k] ~ Normal(0, sd_t)
// and the gradient of that sum with respect to theta, except along the family's auxiliary parameter (sigma, shape):
// for it, d loglik / d aux on the constrained scale (aux_grad). The priors of the fixed effects, of the sd_t and of
// the aux, the log-Jacobians of sd = exp(u) and aux = exp(u), and the chain rule to the aux's coordinate are added in
// TypeScript (src/model/density.ts; O(p + terms) per chain). A term set rotated (set_rotated) has Helmert coordinates
// [u, e] in theta instead of its effects or z; the engine maps them where it stages positions and pulls the gradient
// back in the level prior's pass (the split map of src/backend/split-terms.ts, without its Jacobian).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel.hpp"
#include "model.hpp"
#include "thread_pool.hpp"

namespace nutmeg {

struct EngineOptions {
  unsigned threads;
  std::uint32_t max_chains;
  std::uint32_t max_draws;
  KernelChoice kernels;
  LayoutChoice layout = LayoutChoice::Auto;
};

class Engine {
 public:
  // Throws std::invalid_argument for bad input or a kernel choice the CPU cannot run.
  Engine(const ModelInput& input, const EngineOptions& options);

  const Model& model() const { return model_; }
  // The model's storage_summary, plus how the gradient reads its rows (e.g. "; gradient rows grouped in 63 cells …").
  std::string storage_summary() const;
  // How the gradient reads the rows: "grouped" (by cell), "sorted" (by one term's level, a gather per row) or "rows"
  // (data order: no varying terms), and the same in words (Model::layout_summary).
  const char* layout() const;
  std::string layout_summary() const;
  const char* isa() const { return kernels_->isa; }
  unsigned threads() const { return pool_.size(); }
  std::uint32_t max_chains() const { return max_chains_; }
  std::uint32_t max_draws() const { return max_draws_; }

  // Staging for a gradient call: positions (max_chains x dim) and the active flags (max_chains). Positions are staged
  // through stage_positions, which maps rotated terms' coordinates (set_rotated).
  double* positions() { return positions_.data(); }
  // Copies n_chains positions (dim each) from src into positions(), a rotated term's coordinates [u, e] mapped to its
  // effects on the way (see set_rotated); src may be positions() itself (then the map is applied in place).
  void stage_positions(const double* src, std::uint32_t n_chains);
  // From now on term t's level coordinates arrive Helmert-rotated (src/model/split.ts): [u, e] with the effects
  // r = s·u/√K·1 + Q e (centered term: s = sd, so r are the effects; non-centered: s = 1, r are the z), Q the
  // Helmert basis of the K − 1 contrasts. The gradient is returned with respect to [u, e] (and log sd, including
  // ∂r/∂log sd at fixed [u, e] for a centered term); the log density has no Jacobian (the caller adds log sd for a
  // centered term). Pointwise draws are mapped the same way. Throws std::invalid_argument for a bad term index.
  void set_rotated(std::uint32_t term, bool rotated);
  // From now on rotated term t's mean is folded into coordinate `column` (a fixed effect; src/backend/split-terms.ts):
  // where positions and draws are staged, b_column = coordinate − sd·u/√K (sd = exp(log sd), for a centered and a
  // non-centered term alike), the fold's shear, so the caller passes its coordinates unchanged; the gradient stays
  // with respect to b_column (the caller pulls the shear back: O(1) per chain). column < 0: no fold. Throws
  // std::invalid_argument for a term that is not rotated or a column that is not a fixed effect.
  void set_fold(std::uint32_t term, std::int64_t column);
  // From now on the first p coordinates arrive in a fixed basis (src/model/fixed-basis.ts): θ = Lᵀ b with L lower
  // triangular (p x p, row-major); where positions and draws are staged, b = L⁻ᵀ θ (basisToFixed's back substitution,
  // before the folds' shears, which act on b), so the caller passes θ unchanged; the gradient stays with respect to
  // b. p = 0 clears it. Throws std::invalid_argument for p above the fixed effects or a zero on L's diagonal.
  void set_fixed_basis(const double* L, std::uint32_t p);
  std::uint8_t* active() { return active_.data(); }
  // Computes for chains [0, n_chains) whose active flag is set; results in logp() / grad(), or the gradient in
  // grad_out (n_chains x dim; other chains' rows untouched) when given: the caller's array, written in place of a
  // copy out of grad() afterwards (a pass over every level of every chain saved).
  void gradient(std::uint32_t n_chains, double* grad_out = nullptr);
  const double* logp() const { return logp_.data(); }
  const double* grad() const { return grad_.data(); }
  // d loglik / d aux per chain (max_chains x n_aux), on the constrained scale.
  const double* aux_grad() const { return aux_grad_.data(); }
  std::uint32_t n_aux() const { return static_cast<std::uint32_t>(model_.aux_index.size()); }

  // Staging for a pointwise call: draws (max_draws x dim), staged through stage_draws (as stage_positions). Allocated
  // on first use: a fit's backend never evaluates pointwise, and at 10^5 levels the buffer is 256 x 10^5 doubles (205 MB).
  double* draws() { return draws_buffer(); }
  void stage_draws(const double* src, std::uint32_t n_draws);
  // The same for a pointwise call on rows [row_start, row_start + row_count) only: without rotated terms, just the
  // coordinates those rows read (every coordinate that is no term's level, and each term's levels the rows have), so
  // a block of 256 rows costs its rows' levels per draw, not all 10^5 of them; the other staged coordinates are left
  // as they were (pointwise on these rows never reads them). With a rotated term every coordinate is staged.
  void stage_draws(const double* src, std::uint32_t n_draws, std::size_t row_start, std::size_t row_count);
  // Writes out[s * row_count + (i - row_start)] for the staged draws; `out` is written from the pool's threads.
  void pointwise(std::uint32_t n_draws, std::size_t row_start, std::size_t row_count, double* out);

 private:
  // One worker's block scratch (see BlockScratch).
  struct ThreadState {
    std::vector<double> values;
    std::vector<std::uint32_t> level_block, run_block;
    std::vector<const double*> fixed_ptrs, term_x_ptrs;
    std::vector<const std::uint32_t*> term_level_ptrs;
    BlockScratch scratch() {
      return BlockScratch{values.data(), level_block.data(), run_block.data(), fixed_ptrs.data(), term_x_ptrs.data(),
                          term_level_ptrs.data()};
    }
  };
  void compute_scales(const double* thetas, std::uint32_t count, const std::uint32_t* which);
  // Copies count vectors (dim each) from src to dst, rotated terms mapped (set_rotated); when `u` is given, u[c *
  // terms + t] receives rotated term t's coordinate u of vector c. src == dst maps in place.
  void map_rotated(const double* src, double* dst, std::uint32_t count, double* u);
  // The level passes of map_rotated and gradient over the listed terms' vectors (level_terms_), on the pool's threads
  // when they are long enough to pay for it (each thread a contiguous share of every term's vectors).
  void run_level_passes(std::size_t elements);
  static void level_task(void* context, unsigned worker, unsigned workers);
  // The coordinate ranges [copy_ranges_[2i], copy_ranges_[2i + 1]) of a vector that no rotated term holds.
  void update_copy_ranges();
  // aux_chains_[c] (families_host.hpp prepare_aux_chain) for the same chains, once per call.
  void compute_aux(const double* thetas, std::uint32_t count, const std::uint32_t* which);
  static void gradient_task(void* context, unsigned worker, unsigned workers);
  static void pointwise_task(void* context, unsigned worker, unsigned workers);

  Model model_;
  ModelView view_;
  // The gradient's copy of the data with its rows reordered (Model::for_gradient), or nullptr: then the gradient
  // reads model_. Pointwise log-likelihoods are asked for by row, so they always read model_.
  std::unique_ptr<Model> grouped_;
  ModelView grouped_view_{};
  const KernelTable* kernels_;
  std::uint32_t max_chains_;
  std::uint32_t max_draws_;
  std::vector<double> positions_, logp_, grad_, aux_grad_, draws_, scales_;
  // draws_, allocated (max_draws x dim, zeros) the first time it is asked for.
  double* draws_buffer() {
    if (draws_.empty()) draws_.assign(static_cast<std::size_t>(max_draws_) * model_.dim, 0.0);
    return draws_.data();
  }
  // The coordinates that are no term's level (fixed effects, log sds, auxiliary parameters).
  std::vector<std::uint32_t> other_coordinates_;
  std::vector<AuxChain> aux_chains_;  // per chain or draw
  std::vector<double> aux_tables_;    // negbinomial: 2 x (kSmallCount + 1) per chain or draw
  std::vector<std::uint8_t> active_;
  std::vector<std::uint32_t> chain_list_;
  std::vector<ThreadState> thread_state_;
  // The gradient's rows in slices of about the same length (whole row blocks), a partition fixed by the model and
  // max_chains, never by the thread count: each slice's partial sums start from zero in its own region of
  // slice_sums_ (slice_stride_ doubles: loglik max_chains, fixed max_chains x p, aux max_chains x n_aux, levels
  // max_chains x total_levels, or none when the direct term is the only term) and are added in slice order, so 1 or
  // T threads give the same bits. Threads take slices in turn from next_slice_.
  // Slice k is rows [slice_begin_[k], slice_begin_[k + 1]). With rows sorted by a term's level (direct_term_ >= 0)
  // the cuts fall between levels, so each slice owns whole levels of that term: the kernel writes their gradient
  // straight into the output (GradientSums::direct), without slice sums, reduction or zeroing; its levels that no row
  // has (direct_empty_, ascending; slice k's are [slice_empty_[k], slice_empty_[k + 1])) are zeroed by their slice.
  std::vector<std::size_t> slice_begin_;
  std::int32_t direct_term_ = -1;
  std::vector<std::uint32_t> direct_empty_, slice_empty_;
  std::vector<double*> direct_ptrs_;  // per slot: the direct term's gradient in this call's output
  std::uint32_t slices_ = 1;
  std::size_t slice_stride_ = 0;
  std::vector<double> slice_sums_;
  // slice_levels_[2 * (k * terms + t)] and [... + 1]: the first level of term t that a row of slice k has, and one
  // past the last (within the term; lo = hi when the slice has no row). Fixed by the model like the slices: the
  // reduction adds and zeroes only these ranges of each slice's level sums (the rest stay zero), so it costs the
  // levels once, not the levels times the slices. With rows sorted or grouped by a term's level, that term's ranges
  // barely overlap.
  std::vector<std::uint32_t> slice_levels_;
  std::atomic<std::uint32_t> next_slice_{0};
  // Rotated terms (set_rotated): per term its Helmert scales a[k] = 1/√(k(k+1)) (empty when not rotated), the
  // ranges copied unmapped, and per chain and term the coordinate u of the staged positions.
  std::vector<std::vector<double>> helmert_;
  std::vector<std::int64_t> fold_column_;  // per term: set_fold's column, or -1
  std::vector<double> basis_;              // set_fixed_basis's L (basis_p_ x basis_p_), or empty
  std::uint32_t basis_p_ = 0;
  std::vector<std::uint32_t> copy_ranges_;
  std::vector<double> rotated_u_;
  // One call's level passes (run_level_passes): per term t listed in level_terms_, level_count_ vectors, the k-th
  // described by entry t * slots + k of map_from_, map_to_ and map_scale_ (the Helmert map) or of prior_chains_ (the
  // level prior), slots = max(max_chains, max_draws).
  enum class LevelPass { Map, Prior };
  LevelPass level_pass_ = LevelPass::Map;
  std::vector<std::uint32_t> level_terms_;
  std::uint32_t level_count_ = 0;
  std::vector<const double*> map_from_;
  std::vector<double*> map_to_;
  std::vector<double> map_scale_;
  std::vector<LevelPriorChain> prior_chains_;
  GradientCall gradient_call_{};
  PointwiseCall pointwise_call_{};
  ThreadPool pool_;
};

}  // namespace nutmeg
