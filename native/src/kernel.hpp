// The row kernels: one table of function pointers per instruction set, compiled from the same source
// (kernel_impl.hpp) in separate translation units with different target flags, picked at run time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "family.hpp"
#include "model.hpp"

namespace nutmeg {

// Rows per block: each block's columns are widened to float64 once, then every chain (or draw) passes over them.
constexpr std::size_t kRowBlock = 256;
// Chains whose residuals of a block are kept side by side when rows are sorted by a level (kernel_impl.hpp).
constexpr std::size_t kChainGroup = 4;

// Per-thread scratch for one block, allocated once by the engine:
//   values: (2 + p + 2 + terms + kChainGroup) x kRowBlock doubles (eta, d loglik / d eta, widened columns, then the
//           residuals of a group of chains)
//   levels: terms x kRowBlock widened level indices
//   runs: 2 x kRowBlock (rows sorted by level: the block's runs of one level, their ends and their levels)
//   fixed: p pointers, term_x and term_level: one pointer per term (the block's columns)
struct BlockScratch {
  double* values;
  std::uint32_t* levels;
  std::uint32_t* runs;
  const double** fixed;
  const double** term_x;
  const std::uint32_t** term_level;
};

// Likelihood and its gradient with respect to eta's coefficients, for the listed chains over a range of rows.
struct GradientCall {
  const ModelView* model;
  const double* positions;       // chains x dim (unconstrained)
  // chains x terms: term t's effects are r_t[k] = scales[c * terms + t] * positions[c * dim + offset_t + k] (exp of
  // log sd for a non-centered term, 1 for a centered one), read in place instead of copied out per call
  const double* scales;
  const std::uint32_t* chains;   // indices of the chains to evaluate
  std::uint32_t n_active;        // length of `chains`
  const AuxChain* aux;           // per chain: the family's auxiliary parameter (unused entries for families without)
};

// One row slice's partial sums (engine.hpp slice_sums_), indexed by slot a (the a-th active chain).
struct GradientSums {
  double* loglik;  // n_active
  double* fixed;   // n_active x p          d loglik / d b_j
  double* levels;  // n_active x total_levels   d loglik / d r_t[k]
  double* aux;     // n_active x n_aux          d loglik / d aux (constrained scale)
  // Rows sorted by a term's level with the slice owning whole levels (Engine's direct term): per slot a, the final
  // gradient of that term's levels (the caller's array, chain's row, at the term's offset), written by the kernel
  // instead of added into `levels`: the first run of a level writes it, a run continuing it from the previous block
  // adds. nullptr otherwise.
  double* const* direct;
};

// Pointwise log-likelihood (per-row constants such as log C(trials, y) included) for draws over a range of rows.
struct PointwiseCall {
  const ModelView* model;
  const double* draws;    // n_draws x dim
  const double* scales;   // n_draws x terms, as GradientCall::scales over draws
  const AuxChain* aux;    // n_draws
  std::uint32_t n_draws;
  std::size_t row_start;  // first row of the requested block
  std::size_t row_count;  // rows in the requested block (out's row stride)
  double* out;            // n_draws x row_count
};

// One chain's level prior of one term (KernelTable::level_prior): its coordinates (the effects r of a centered term,
// the z of a non-centered one, as staged), its gradient with respect to them (d loglik / d r on entry), sd, the
// coordinate u of a rotated term; lp_t and g_sd are results (Σ z² or Σ (r/sd)², and the gradient with respect to
// log sd).
struct LevelPriorChain {
  const double* v;
  double* g;
  double sd;
  double u;
  double lp_t;
  double g_sd;
};

struct KernelTable {
  const char* isa;
  // Adds the partial sums of rows [row_begin, row_end) into `sums` (which the caller zeroes).
  void (*gradient)(const GradientCall& call, std::size_t row_begin, std::size_t row_end, const GradientSums& sums,
                   const BlockScratch& scratch);
  // Writes rows [row_begin, row_end) (absolute row numbers within the requested block) of `out`.
  void (*pointwise)(const PointwiseCall& call, std::size_t row_begin, std::size_t row_end,
                    const BlockScratch& scratch);
  // The passes over a rotated term's levels (level_passes_impl.hpp), for `count` vectors or chains: its coordinates
  // [u, e] to effects r = s·u/√K·1 + Q e (from[j] == to[j] allowed), and the level prior's log density terms and
  // gradient, pulled back to [u, e] when `a` (the Helmert scales) is given.
  void (*helmert_map)(const double* const* from, double* const* to, const double* s, std::uint32_t count, std::uint32_t K,
                      const double* a);
  void (*level_prior)(LevelPriorChain* chains, std::uint32_t count, std::uint32_t K, bool noncentered, const double* a);
};

namespace baseline {
extern const KernelTable kernels;
}
namespace avx2 {
extern const KernelTable kernels;
}
namespace avx512 {
extern const KernelTable kernels;
}

enum class KernelChoice { Auto, Baseline, Avx2, Avx512 };

// The table for `choice`; Auto picks the widest set the CPU runs (AVX-512, then AVX2+FMA, then baseline). Returns
// nullptr when `choice` names an instruction set this CPU lacks.
const KernelTable* select_kernels(KernelChoice choice);

bool cpu_has_avx2_fma();
bool cpu_has_avx512();

}  // namespace nutmeg
