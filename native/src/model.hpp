// Compact, backend-owned copy of a ModelSpec's data: what the kernels read. Built once at prepare.
//
// Storage rules (chosen per column, exact only — the kernels must reproduce the float64 model):
//   a column of ones               -> Ones (nothing stored)
//   integers 0…255                 -> U8
//   values exactly representable   -> F32
//   in float32
//   anything else                  -> F64
// Level indices are stored as U8 / U16 / U32 by the number of levels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "family.hpp"

namespace nutmeg {

enum class ValueType : std::uint8_t { Ones, U8, F32, F64 };

// How the gradient reads the rows (Model::for_gradient):
//   DataOrder      rows as given, a gather and a scatter per row and term (no varying terms: nothing to choose);
//   SortedByLevel  rows sorted by the level of the term with the most levels, a gather and a scatter per row: the
//                  level arrays are walked in order instead of at random, so 10^5 levels (800 KB per chain) cost
//                  what 10 do instead of a cache miss per row;
//   GroupedByCell  rows sorted by cell (the level of every term) and each cell's rows read as one run: a term's effect
//                  is one number per run, added like a fixed effect; only worth it when runs are long.
enum class RowLayout : std::uint8_t { DataOrder, SortedByLevel, GroupedByCell };
// The layout asked for: chosen from the data (Auto), or one of them (for tests and benchmarks).
enum class LayoutChoice : std::uint8_t { Auto, DataOrder, SortedByLevel, GroupedByCell };
enum class IndexType : std::uint8_t { U8, U16, U32 };

struct Column {
  ValueType type = ValueType::Ones;
  const void* data = nullptr;  // points into Model::storage_
};

struct LevelIndex {
  IndexType type = IndexType::U8;
  const void* data = nullptr;
};

struct Term {
  Column x;              // covariate (Ones for an intercept term)
  LevelIndex index;      // level of each row
  std::uint32_t levels;  // K
  bool noncentered;
  bool flat = false;          // no level prior (an indexed fixed-effect term: src/backend/indexed-fixed.ts)
  std::uint32_t sd_index;     // position of log sd in the unconstrained vector
  std::uint32_t offset;       // position of the first level's coordinate
  std::uint32_t level_base;   // position of this term's levels in the per-chain level arrays
};

// What the kernels read: raw pointers only, so that the kernel translation units instantiate no library templates
// (a template compiled with AVX2 flags could otherwise be shared, through the linker, with the baseline kernels).
struct ModelView {
  Family family;
  Likelihood likelihood;
  std::uint32_t n_aux;       // the family's auxiliary parameters (0 or 1)
  std::size_t n;
  std::uint32_t p;
  std::uint32_t dim;
  std::uint32_t total_levels;
  std::uint32_t n_terms;
  const Column* fixed;       // p
  const std::uint32_t* ones_columns;    // indices j of the fixed columns of ones
  std::uint32_t n_ones;
  const std::uint32_t* stored_columns;  // indices j of the other fixed columns
  std::uint32_t n_stored;
  const Term* terms;         // n_terms
  Column y;
  Column trials;             // Ones for bernoulli
  // Per-row terms of the log-likelihood that no parameter changes (log C(n, y) for binomial, −log y! for the counts,
  // −log y for gamma and lognormal: families_host.hpp row_constant), or nullptr when they are all 0.
  const double* row_constant;
  const double* log_y;       // gamma and lognormal: log y per row, else nullptr
  bool large_counts;         // negbinomial: some count above kSmallCount
  // Rows grouped by cell (see Model::grouped_by_cell): run k is rows [run_ends[k-1], run_ends[k]), every level index
  // constant within a run. n_runs = 0: rows in data order, levels vary row by row.
  const std::uint32_t* run_ends;
  std::uint32_t n_runs;
  // Rows sorted by the level of this term (RowLayout::SortedByLevel), or -1: its gradient is summed per run of one
  // level within a block instead of scattered row by row.
  std::int32_t sorted_term;
  // With sorted_term >= 0: the ends of the runs of one level of that term over all rows (run k is rows
  // [level_run_ends[k-1], level_run_ends[k])), so that a block finds its runs without comparing levels row by row.
  const std::uint32_t* level_run_ends;
  std::uint32_t n_level_runs;
};

// Raw float64 input as handed over by JavaScript (borrowed only for the duration of Model's constructor).
struct TermInput {
  const std::uint32_t* index;
  const double* x;  // nullptr for an intercept
  std::uint32_t levels;
  bool noncentered;
  bool flat = false;
  std::uint32_t sd_index;
  std::uint32_t offset;
};

struct ModelInput {
  Family family;
  Link link = Link::Logit;
  // Positions of the family's auxiliary parameters (log sigma / log shape) in the unconstrained vector.
  std::vector<std::uint32_t> aux_index;
  std::size_t n;
  std::uint32_t p;
  std::uint32_t dim;
  const double* X;  // n x p row-major
  const double* y;
  const double* trials;      // nullptr for bernoulli
  const double* log_choose;  // nullptr for bernoulli
  std::vector<TermInput> terms;
  // Row k of the stored model is input row row_order[k] (nullptr: the input's order). Length n.
  const std::uint32_t* row_order = nullptr;
};

class Model {
 public:
  // Validates and copies the data; throws std::invalid_argument on inconsistent input.
  explicit Model(const ModelInput& input);
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  Family family;
  Likelihood likelihood;
  std::vector<std::uint32_t> aux_index;
  std::size_t n;
  std::uint32_t p;
  std::uint32_t dim;
  std::vector<Column> fixed;  // p columns, column-major storage
  std::vector<std::uint32_t> ones_columns, stored_columns;
  Column y;
  Column trials;                     // Ones for bernoulli
  std::vector<double> row_constant;  // see ModelView (empty when every row's is 0)
  double row_constant_sum = 0.0;
  std::vector<double> log_y;         // gamma and lognormal only
  std::uint32_t max_count = 0;       // negbinomial: the largest count
  std::vector<Term> terms;
  std::uint32_t total_levels = 0;

  // Row k of this model's storage is row row_order[k] of the input (empty: the input's order).
  std::vector<std::uint32_t> row_order;
  // Ends of the runs of equal level indices when rows are grouped by cell (empty otherwise).
  std::vector<std::uint32_t> run_ends;
  // Ends of the runs of one level of the sorted term when rows are sorted by level (empty otherwise).
  std::vector<std::uint32_t> level_run_ends;
  // How the gradient reads this copy's rows, and with SortedByLevel the term whose level orders them.
  RowLayout layout = RowLayout::DataOrder;
  std::uint32_t sorted_term = 0;
  // The number of cells (distinct combinations of every term's level); 0 without varying terms.
  std::size_t cells = 0;

  ModelView view() const;

  // The gradient's copy of the model, its rows reordered by the layout the data call for (see RowLayout), in data
  // order within a cell or level: GroupedByCell when the cells (the same level of every varying term) hold at least
  // min_average_run rows on average, so that inside a run each term's effect is one number, added like a fixed
  // effect and its gradient summed like one; SortedByLevel otherwise. Returns nullptr when the model has no varying
  // terms (the gradient then reads the model as given, DataOrder). `choice` other than Auto forces a layout (DataOrder:
  // nullptr).
  static std::unique_ptr<Model> for_gradient(const ModelInput& input, std::size_t min_average_run,
                                             LayoutChoice choice = LayoutChoice::Auto);

  // e.g. "rows grouped in 63 cells (1016 rows a cell on average)" or "rows sorted by term 0's 100000 levels (...)".
  std::string layout_summary() const;

  // e.g. "X: 1 ones, 4 u8, 2 f64; y u8; index u8" — for the backend description and the benchmark.
  std::string storage_summary() const;

 private:
  // Input row of stored row k.
  std::size_t source_row(std::size_t k) const { return order_ == nullptr ? k : order_[k]; }
  Column store_column(const double* values, std::size_t stride, bool allow_ones);
  LevelIndex store_index(const std::uint32_t* index, std::uint32_t levels);
  const std::uint32_t* order_ = nullptr;  // only during construction
  std::vector<std::vector<std::uint8_t>> storage_;
};

}  // namespace nutmeg
