#include "engine.hpp"

#include "families_host.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace nutmeg {

namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;

// Average rows per cell from which the gradient reads rows grouped by cell (below it, rows sorted by level with
// gathers and scatters per row; Model::for_gradient). With one varying term the sorted layout has no scatter (its
// term's gradient is summed per run) and beats blocks cut at every cell's end up to ~300 rows a cell (10^6 rows, one
// thread, CPU ms per call: 100 rows a cell grouped 10.2–10.8, sorted 8.7–9.4; 333: even; 1,000: grouped 6.6–7.1,
// sorted 8.5); with several, the other terms' scatters make sorted ~2x slower at 143 and 286 rows a cell (bench/README.md,
// the levels curve's fourth step).
constexpr std::size_t kMinAverageRun = 64;
constexpr std::size_t kMinAverageRunOneTerm = 256;

// The gradient's row slices (Engine::slice_begin_): at least kSliceRows rows each (whole row blocks), at most
// kMaxSlices of them, and at most kSliceBudget doubles of partial sums for all of them together (a model with many
// levels gets fewer, longer slices). 2,048 rows are ~10 µs of one core's work per chain, far above the cost of
// adding a slice's sums; 64 slices keep up to 16 threads busy on 4 slices each.
constexpr std::size_t kSliceRows = 8 * kRowBlock;
constexpr std::size_t kMaxSlices = 64;
constexpr std::size_t kSliceBudget = std::size_t(1) << 22;

// Level passes (KernelTable::helmert_map and level_prior) over fewer levels × vectors than this run on the calling
// thread: waking the pool's threads costs more than they would save.
constexpr std::size_t kPooledLevelWork = std::size_t(1) << 14;

// Rows [begin, end) of worker w out of `workers`, over `rows` rows: equal contiguous shares.
inline void share(std::size_t rows, unsigned w, unsigned workers, std::size_t& begin, std::size_t& end) {
  begin = rows * w / workers;
  end = rows * (w + 1) / workers;
}
}  // namespace

Engine::Engine(const ModelInput& input, const EngineOptions& options)
    : model_(input),
      view_(model_.view()),
      grouped_(Model::for_gradient(input, input.terms.size() == 1 ? kMinAverageRunOneTerm : kMinAverageRun, options.layout)),
      kernels_(select_kernels(options.kernels)),
      max_chains_(std::max<std::uint32_t>(1, options.max_chains)),
      max_draws_(std::max<std::uint32_t>(1, options.max_draws)),
      pool_(std::max(1u, options.threads)) {
  if (kernels_ == nullptr) throw std::invalid_argument("this CPU lacks the requested kernels' instruction set");
  if (grouped_) grouped_view_ = grouped_->view();
  const std::size_t dim = model_.dim, levels = model_.total_levels;
  positions_.assign(max_chains_ * dim, 0.0);
  logp_.assign(max_chains_, 0.0);
  grad_.assign(max_chains_ * dim, 0.0);
  const std::size_t slots = std::max(max_chains_, max_draws_);
  scales_.assign(std::max<std::size_t>(1, slots * model_.terms.size()), 1.0);
  const std::size_t n_aux = model_.aux_index.size();
  aux_grad_.assign(std::max<std::size_t>(1, max_chains_ * n_aux), 0.0);
  aux_chains_.assign(slots, AuxChain{});
  if (model_.likelihood == Likelihood::NegBinomial) aux_tables_.assign(slots * 2 * (kSmallCount + 1), 0.0);
  std::vector<bool> level_coordinate(dim, false);
  for (const Term& t : model_.terms) std::fill_n(level_coordinate.begin() + t.offset, t.levels, true);
  for (std::uint32_t j = 0; j < dim; j++) {
    if (!level_coordinate[j]) other_coordinates_.push_back(j);
  }
  active_.assign(max_chains_, 1);
  chain_list_.assign(max_chains_, 0);
  thread_state_.resize(pool_.size());
  const std::size_t p = model_.p, terms = model_.terms.size();
  const std::size_t n = model_.n;
  direct_term_ = grouped_ && grouped_->layout == RowLayout::SortedByLevel ? static_cast<std::int32_t>(grouped_->sorted_term) : -1;
  const std::size_t level_slots = direct_term_ >= 0 && terms == 1 ? 0 : levels;
  // slice_stride_ rounded up to a cache line (8 doubles), so threads writing neighbouring slices share no line
  slice_stride_ = (max_chains_ * (1 + p + n_aux + level_slots) + 7) / 8 * 8;
  std::size_t slices = std::max<std::size_t>(1, (n + kSliceRows - 1) / kSliceRows);
  slices = std::min({slices, kMaxSlices, std::max<std::size_t>(1, kSliceBudget / slice_stride_)});
  const std::size_t slice_rows =
      std::max<std::size_t>(kRowBlock, ((n + slices - 1) / slices + kRowBlock - 1) / kRowBlock * kRowBlock);
  slice_begin_.assign(1, 0);
  for (std::size_t b = slice_rows; b < n; b += slice_rows) {
    std::size_t cut = b;
    if (direct_term_ >= 0) {
      // the first level boundary at or after b (a level's rows never span two slices)
      const std::vector<std::uint32_t>& ends = grouped_->level_run_ends;
      cut = *std::lower_bound(ends.begin(), ends.end(), static_cast<std::uint32_t>(b));
    }
    if (cut > slice_begin_.back() && cut < n) slice_begin_.push_back(cut);
  }
  slice_begin_.push_back(n);
  slices_ = static_cast<std::uint32_t>(slice_begin_.size() - 1);
  slice_sums_.assign(slices_ * slice_stride_, 0.0);
  slice_levels_.assign(2 * static_cast<std::size_t>(slices_) * terms, 0);
  const std::uint32_t* order = grouped_ ? grouped_->row_order.data() : nullptr;
  if (direct_term_ >= 0) {
    // the direct term's levels without rows, and each slice's share of them: slice k owns the levels from its first
    // row's (0 for the first slice) to the next slice's first row's (all of them for the last)
    const TermInput& key = input.terms[direct_term_];
    std::vector<std::uint8_t> has_rows(key.levels, 0);
    for (std::size_t i = 0; i < n; i++) has_rows[key.index[i]] = 1;
    for (std::uint32_t k = 0; k < key.levels; k++) {
      if (!has_rows[k]) direct_empty_.push_back(k);
    }
    slice_empty_.assign(slices_ + 1, static_cast<std::uint32_t>(direct_empty_.size()));
    for (std::uint32_t k = 0; k < slices_; k++) {
      const std::uint32_t first = k == 0 ? 0 : key.index[order[slice_begin_[k]]];
      slice_empty_[k] = static_cast<std::uint32_t>(std::lower_bound(direct_empty_.begin(), direct_empty_.end(), first) - direct_empty_.begin());
    }
  }
  direct_ptrs_.assign(max_chains_, nullptr);
  for (std::uint32_t k = 0; k < slices_; k++) {
    const std::size_t begin = slice_begin_[k], end = slice_begin_[k + 1];
    for (std::size_t t = 0; t < terms; t++) {
      if (static_cast<std::int32_t>(t) == direct_term_) continue;  // its range stays empty: no slice sums
      const std::uint32_t* index = input.terms[t].index;
      std::uint32_t lo = model_.terms[t].levels, hi = 0;
      for (std::size_t i = begin; i < end; i++) {
        const std::uint32_t level = index[order ? order[i] : i];
        lo = std::min(lo, level);
        hi = std::max(hi, level + 1);
      }
      std::uint32_t* range = slice_levels_.data() + 2 * (k * terms + t);
      range[0] = std::min(lo, hi);
      range[1] = hi;
    }
  }
  const std::size_t pass_slots = std::max<std::size_t>(1, slots * terms);
  map_from_.assign(pass_slots, nullptr);
  map_to_.assign(pass_slots, nullptr);
  map_scale_.assign(pass_slots, 1.0);
  prior_chains_.assign(pass_slots, LevelPriorChain{});
  level_terms_.reserve(terms);
  helmert_.resize(terms);
  fold_column_.assign(terms, -1);
  rotated_u_.assign(std::max<std::size_t>(1, max_chains_ * terms), 0.0);
  update_copy_ranges();
  for (ThreadState& s : thread_state_) {
    s.values.assign((2 + p + 2 + terms + kChainGroup) * kRowBlock, 0.0);
    s.level_block.assign(std::max<std::size_t>(1, terms) * kRowBlock, 0);
    s.run_block.assign(2 * kRowBlock, 0);
    s.fixed_ptrs.assign(std::max<std::size_t>(1, p), nullptr);
    s.term_x_ptrs.assign(std::max<std::size_t>(1, terms), nullptr);
    s.term_level_ptrs.assign(std::max<std::size_t>(1, terms), nullptr);
  }
}

void Engine::set_rotated(std::uint32_t term, bool rotated) {
  if (term >= model_.terms.size()) throw std::invalid_argument("no such term");
  const Term& t = model_.terms[term];
  if (t.flat && rotated) throw std::invalid_argument("a flat term cannot be rotated");
  std::vector<double>& a = helmert_[term];
  a.clear();
  if (rotated) {
    a.assign(std::max<std::uint32_t>(1, t.levels), 0.0);
    for (std::uint32_t k = 1; k < t.levels; k++) a[k] = 1.0 / std::sqrt(static_cast<double>(k) * (k + 1));
  }
  if (!rotated) fold_column_[term] = -1;
  update_copy_ranges();
}

void Engine::set_fold(std::uint32_t term, std::int64_t column) {
  if (term >= model_.terms.size()) throw std::invalid_argument("no such term");
  if (column >= 0 && helmert_[term].empty()) throw std::invalid_argument("a fold needs a rotated term");
  if (column >= static_cast<std::int64_t>(model_.p)) throw std::invalid_argument("the fold's column is no fixed effect");
  fold_column_[term] = column < 0 ? -1 : column;
}

void Engine::set_fixed_basis(const double* L, std::uint32_t p) {
  if (p > model_.p) throw std::invalid_argument("the basis is larger than the fixed effects");
  for (std::uint32_t i = 0; i < p; i++) {
    if (!(L[static_cast<std::size_t>(i) * p + i] != 0.0)) throw std::invalid_argument("the basis has a zero on its diagonal");
  }
  basis_.assign(L, L + static_cast<std::size_t>(p) * p);
  basis_p_ = p;
}

void Engine::update_copy_ranges() {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> held;
  for (std::size_t t = 0; t < model_.terms.size(); t++) {
    if (!helmert_[t].empty()) held.emplace_back(model_.terms[t].offset, model_.terms[t].offset + model_.terms[t].levels);
  }
  std::sort(held.begin(), held.end());
  copy_ranges_.clear();
  std::uint32_t at = 0;
  for (const auto& [from, to] : held) {
    if (from > at) copy_ranges_.insert(copy_ranges_.end(), {at, from});
    at = std::max(at, to);
  }
  if (model_.dim > at) copy_ranges_.insert(copy_ranges_.end(), {at, model_.dim});
}

void Engine::map_rotated(const double* src, double* dst, std::uint32_t count, double* u) {
  const std::size_t dim = model_.dim, terms = model_.terms.size();
  const std::size_t slots = std::max(max_chains_, max_draws_);
  if (src != dst) {
    for (std::uint32_t c = 0; c < count; c++) {
      for (std::size_t i = 0; i < copy_ranges_.size(); i += 2) {
        const std::size_t lo = c * dim + copy_ranges_[i];
        std::memcpy(dst + lo, src + lo, (copy_ranges_[i + 1] - copy_ranges_[i]) * sizeof(double));
      }
    }
  }
  if (basis_p_ > 0) {
    // b = L⁻ᵀ θ in place, as src/model/fixed-basis.ts basisToFixed (the same operations in the same order)
    const std::uint32_t pb = basis_p_;
    const double* L = basis_.data();
    for (std::uint32_t c = 0; c < count; c++) {
      double* x = dst + static_cast<std::size_t>(c) * dim;
      for (std::uint32_t i = pb; i-- > 0;) {
        double s = x[i];
        for (std::uint32_t k = i + 1; k < pb; k++) s -= L[k * pb + i] * x[k];
        x[i] = s / L[i * pb + i];
      }
    }
  }
  level_pass_ = LevelPass::Map;
  level_terms_.clear();
  level_count_ = count;
  std::size_t elements = 0;
  for (std::size_t t = 0; t < terms; t++) {
    if (helmert_[t].empty()) continue;
    const Term& term = model_.terms[t];
    level_terms_.push_back(static_cast<std::uint32_t>(t));
    elements += static_cast<std::size_t>(term.levels) * count;
    for (std::uint32_t c = 0; c < count; c++) {
      const std::size_t base = c * dim;
      const std::size_t slot = t * slots + c;
      map_from_[slot] = src + base + term.offset;
      map_to_[slot] = dst + base + term.offset;
      // centered: r = sd·u/√K·1 + Q e; non-centered: z = u/√K·1 + Q e
      map_scale_[slot] = term.noncentered ? 1.0 : std::exp(src[base + term.sd_index]);
      if (u != nullptr) u[c * terms + t] = src[base + term.offset];
      // the fold's shear (set_fold), as split-terms.ts toInner: b_j −= splitMean(sd, u, K); the fixed effects are
      // copied above (or in place), u is read before the map overwrites it
      if (fold_column_[t] >= 0) {
        const double sd = std::exp(src[base + term.sd_index]);
        dst[base + fold_column_[t]] -= (sd * src[base + term.offset]) / std::sqrt(static_cast<double>(term.levels));
      }
    }
  }
  if (!level_terms_.empty()) run_level_passes(elements);
}

void Engine::run_level_passes(std::size_t elements) {
  if (elements >= kPooledLevelWork && pool_.size() > 1) {
    pool_.run(&Engine::level_task, this);
  } else {
    level_task(this, 0, 1);
  }
}

// Worker w's contiguous share of every listed term's vectors. Each vector's arithmetic is the same whatever its
// share (level_passes_impl.hpp), so the thread count changes no bits.
void Engine::level_task(void* context, unsigned worker, unsigned workers) {
  Engine& e = *static_cast<Engine*>(context);
  std::size_t begin, end;
  share(e.level_count_, worker, workers, begin, end);
  if (begin >= end) return;
  const std::size_t slots = std::max(e.max_chains_, e.max_draws_);
  const std::uint32_t n = static_cast<std::uint32_t>(end - begin);
  for (std::uint32_t t : e.level_terms_) {
    const Term& term = e.model_.terms[t];
    const std::size_t first = t * slots + begin;
    const double* a = e.helmert_[t].empty() ? nullptr : e.helmert_[t].data();
    if (e.level_pass_ == LevelPass::Map) {
      e.kernels_->helmert_map(e.map_from_.data() + first, e.map_to_.data() + first, e.map_scale_.data() + first, n,
                              term.levels, a);
    } else {
      e.kernels_->level_prior(e.prior_chains_.data() + first, n, term.levels, term.noncentered, a);
    }
  }
}

void Engine::stage_positions(const double* src, std::uint32_t n_chains) {
  if (n_chains > max_chains_) throw std::invalid_argument("more chains than the backend was prepared for");
  map_rotated(src, positions_.data(), n_chains, rotated_u_.data());
}

void Engine::stage_draws(const double* src, std::uint32_t n_draws) {
  if (n_draws > max_draws_) throw std::invalid_argument("more draws than the backend was prepared for");
  map_rotated(src, draws_buffer(), n_draws, nullptr);
}

namespace {

// dst[offset + level(i)] = src[offset + level(i)] for rows i of [begin, end) of one term's level index.
template <typename Index>
void copy_levels_of_rows(const Index* level, std::size_t begin, std::size_t end, std::uint32_t offset, const double* src,
                         double* dst) {
  for (std::size_t i = begin; i < end; i++) {
    const std::size_t j = offset + static_cast<std::size_t>(level[i]);
    dst[j] = src[j];
  }
}

}  // namespace

void Engine::stage_draws(const double* src, std::uint32_t n_draws, std::size_t row_start, std::size_t row_count) {
  if (n_draws > max_draws_) throw std::invalid_argument("more draws than the backend was prepared for");
  if (row_start > model_.n || row_count > model_.n - row_start) throw std::invalid_argument("rows out of range");
  const bool rotated = std::any_of(helmert_.begin(), helmert_.end(), [](const std::vector<double>& a) { return !a.empty(); });
  if (rotated) {
    map_rotated(src, draws_buffer(), n_draws, nullptr);
    return;
  }
  const std::size_t dim = model_.dim, end = row_start + row_count;
  double* const staged = draws_buffer();
  for (std::uint32_t s = 0; s < n_draws; s++) {
    const double* from = src + s * dim;
    double* to = staged + s * dim;
    for (std::uint32_t j : other_coordinates_) to[j] = from[j];
    for (const Term& t : model_.terms) {
      switch (t.index.type) {
        case IndexType::U8: copy_levels_of_rows(static_cast<const std::uint8_t*>(t.index.data), row_start, end, t.offset, from, to); break;
        case IndexType::U16: copy_levels_of_rows(static_cast<const std::uint16_t*>(t.index.data), row_start, end, t.offset, from, to); break;
        case IndexType::U32: copy_levels_of_rows(static_cast<const std::uint32_t*>(t.index.data), row_start, end, t.offset, from, to); break;
      }
    }
  }
}

// scales_[c * terms + t]: the factor of term t's coordinates in its effects at theta_c (exp(log sd) non-centered, 1
// centered), for c = which[0..count) (or 0..count when null); the kernels read the coordinates in place.
void Engine::compute_scales(const double* thetas, std::uint32_t count, const std::uint32_t* which) {
  const std::size_t dim = model_.dim, terms = model_.terms.size();
  for (std::uint32_t slot = 0; slot < count; slot++) {
    const std::uint32_t c = which ? which[slot] : slot;
    const double* theta = thetas + c * dim;
    for (std::size_t t = 0; t < terms; t++) {
      const Term& term = model_.terms[t];
      scales_[c * terms + t] = term.noncentered ? std::exp(theta[term.sd_index]) : 1.0;
    }
  }
}

void Engine::compute_aux(const double* thetas, std::uint32_t count, const std::uint32_t* which) {
  if (model_.aux_index.empty()) return;
  const std::size_t dim = model_.dim, table = 2 * (kSmallCount + 1);
  const std::uint32_t index = model_.aux_index[0];
  for (std::uint32_t slot = 0; slot < count; slot++) {
    const std::uint32_t c = which ? which[slot] : slot;
    double* tables = aux_tables_.empty() ? nullptr : aux_tables_.data() + c * table;
    prepare_aux_chain(model_.likelihood, thetas[c * dim + index], model_.max_count, tables, aux_chains_[c]);
  }
}

void Engine::gradient_task(void* context, unsigned worker, unsigned /*workers*/) {
  Engine& e = *static_cast<Engine*>(context);
  ThreadState& s = e.thread_state_[worker];
  const std::size_t active = e.gradient_call_.n_active, chains = e.max_chains_, p = e.model_.p;
  const std::size_t n_aux = e.model_.aux_index.size(), n = e.model_.n;
  for (;;) {
    const std::uint32_t k = e.next_slice_.fetch_add(1, std::memory_order_relaxed);
    if (k >= e.slices_) return;
    double* base = e.slice_sums_.data() + k * e.slice_stride_;
    double* const* direct = e.direct_term_ >= 0 ? e.direct_ptrs_.data() : nullptr;
    const GradientSums sums{base, base + chains, base + chains * (1 + p + n_aux), base + chains * (1 + p), direct};
    std::fill_n(sums.loglik, active, 0.0);
    std::fill_n(sums.fixed, active * p, 0.0);
    // sums.levels is not zeroed here: it is all zeros between calls (zeroed where Engine::gradient reads it)
    std::fill_n(sums.aux, active * n_aux, 0.0);
    if (direct != nullptr) {
      for (std::uint32_t q = e.slice_empty_[k]; q < e.slice_empty_[k + 1]; q++) {
        for (std::size_t a = 0; a < active; a++) direct[a][e.direct_empty_[q]] = 0.0;
      }
    }
    const std::size_t begin = e.slice_begin_[k], end = std::min(n, e.slice_begin_[k + 1]);
    if (begin < end) e.kernels_->gradient(e.gradient_call_, begin, end, sums, s.scratch());
  }
}

void Engine::gradient(std::uint32_t n_chains, double* grad_out) {
  if (n_chains > max_chains_) throw std::invalid_argument("more chains than the backend was prepared for");
  std::uint32_t n_active = 0;
  for (std::uint32_t c = 0; c < n_chains; c++) {
    if (active_[c]) chain_list_[n_active++] = c;
  }
  if (n_active == 0) return;
  compute_scales(positions_.data(), n_active, chain_list_.data());
  compute_aux(positions_.data(), n_active, chain_list_.data());
  const ModelView* view = grouped_ ? &grouped_view_ : &view_;
  double* const grad = grad_out != nullptr ? grad_out : grad_.data();
  if (direct_term_ >= 0) {
    for (std::uint32_t a = 0; a < n_active; a++) {
      direct_ptrs_[a] = grad + static_cast<std::size_t>(chain_list_[a]) * model_.dim + model_.terms[direct_term_].offset;
    }
  }
  gradient_call_ =
      GradientCall{view, positions_.data(), scales_.data(), chain_list_.data(), n_active, aux_chains_.data()};
  next_slice_.store(0, std::memory_order_relaxed);  // published to the workers by pool_.run's release
  pool_.run(&Engine::gradient_task, this);

  const std::size_t dim = model_.dim, p = model_.p, levels = model_.total_levels;
  const std::size_t n_aux = model_.aux_index.size(), chains = max_chains_, terms = model_.terms.size();
  const double* loglik = slice_sums_.data();
  const double* fixed = loglik + chains;
  const double* aux = loglik + chains * (1 + p);
  double* level_sums = slice_sums_.data() + chains * (1 + p + n_aux);
  for (std::uint32_t a = 0; a < n_active; a++) {
    const std::uint32_t c = chain_list_[a];
    double* g = grad + c * dim;
    for (std::uint32_t j : other_coordinates_) g[j] = 0.0;  // the terms' coordinates are written below
    // the slices' partial sums in slice order (see slice_sums_)
    double lp = grouped_ ? grouped_->row_constant_sum : model_.row_constant_sum;
    for (std::uint32_t k = 0; k < slices_; k++) lp += loglik[k * slice_stride_ + a];
    logp_[c] = lp;  // the level priors are added below, term by term
    for (std::size_t j = 0; j < n_aux; j++) {
      double ga = 0.0;
      for (std::uint32_t k = 0; k < slices_; k++) ga += aux[k * slice_stride_ + a * n_aux + j];
      aux_grad_[c * n_aux + j] = ga;
    }
    for (std::size_t j = 0; j < p; j++) {
      for (std::uint32_t k = 0; k < slices_; k++) g[j] += fixed[k * slice_stride_ + a * p + j];
    }
    for (std::size_t term = 0; term < terms; term++) {
      if (static_cast<std::int32_t>(term) == direct_term_) continue;  // written by the kernel (GradientSums::direct)
      const Term& t = model_.terms[term];
      double* gt = g + t.offset;
      const std::size_t from = a * levels + t.level_base;
      // d loglik / d r_t[k] summed over the slices into gt, in slice order, from the levels each slice's rows have
      // (slice_levels_; elsewhere a slice's sums are zero), each slice's range zeroed for the next call. gt[0, done)
      // is written so far: a slice's levels below `done` are added, the rest written (0 + sum, the same bits as
      // adding to a zeroed gt) and levels no slice has so far set to 0, so gt is written once, not zeroed first.
      std::uint32_t done = 0;
      for (std::uint32_t w = 0; w < slices_; w++) {
        const std::uint32_t* range = slice_levels_.data() + 2 * (static_cast<std::size_t>(w) * terms + term);
        const std::uint32_t lo = range[0], hi = range[1];
        if (lo >= hi) continue;
        double* sl = level_sums + w * slice_stride_ + from;
        if (lo > done) {
          std::fill(gt + done, gt + lo, 0.0);
          done = lo;
        }
        const std::uint32_t mid = std::min(hi, done);
        for (std::uint32_t k = lo; k < mid; k++) gt[k] += sl[k];
        for (std::uint32_t k = std::max(lo, done); k < hi; k++) gt[k] = 0.0 + sl[k];
        std::fill(sl + lo, sl + hi, 0.0);
        done = std::max(done, hi);
      }
      std::fill(gt + done, gt + t.levels, 0.0);
    }
  }
  // the level priors (KernelTable::level_prior), every term's chains, on the pool when long enough
  const std::size_t slots = std::max(max_chains_, max_draws_);
  level_pass_ = LevelPass::Prior;
  level_terms_.clear();
  level_count_ = n_active;
  std::size_t elements = 0;
  for (std::size_t term = 0; term < terms; term++) {
    const Term& t = model_.terms[term];
    if (t.flat) continue;
    level_terms_.push_back(static_cast<std::uint32_t>(term));
    elements += static_cast<std::size_t>(t.levels) * n_active;
    for (std::uint32_t a = 0; a < n_active; a++) {
      const std::uint32_t c = chain_list_[a];
      const double* theta = positions_.data() + c * dim;
      prior_chains_[term * slots + a] = LevelPriorChain{theta + t.offset, grad + c * dim + t.offset,
                                                        std::exp(theta[t.sd_index]), rotated_u_[c * terms + term], 0.0, 0.0};
    }
  }
  if (level_terms_.empty()) return;
  run_level_passes(elements);
  for (std::uint32_t term : level_terms_) {
    const Term& t = model_.terms[term];
    for (std::uint32_t a = 0; a < n_active; a++) {
      const std::uint32_t c = chain_list_[a];
      const LevelPriorChain& ch = prior_chains_[term * slots + a];
      const double u = positions_[c * dim + t.sd_index];
      const double K = t.levels;
      logp_[c] += t.noncentered ? -0.5 * ch.lp_t - K * kLogSqrt2Pi : -0.5 * ch.lp_t - K * (u + kLogSqrt2Pi);
      grad[c * dim + t.sd_index] += ch.g_sd;
    }
  }
}

std::string Engine::storage_summary() const {
  std::string s = model_.storage_summary();
  if (grouped_) s += "; gradient " + grouped_->layout_summary();
  return s;
}

const char* Engine::layout() const {
  if (!grouped_) return "rows";
  return grouped_->layout == RowLayout::GroupedByCell ? "grouped" : "sorted";
}

std::string Engine::layout_summary() const { return grouped_ ? grouped_->layout_summary() : model_.layout_summary(); }

void Engine::pointwise_task(void* context, unsigned worker, unsigned workers) {
  Engine& e = *static_cast<Engine*>(context);
  std::size_t begin, end;
  share(e.pointwise_call_.row_count, worker, workers, begin, end);
  if (begin < end) e.kernels_->pointwise(e.pointwise_call_, begin, end, e.thread_state_[worker].scratch());
}

void Engine::pointwise(std::uint32_t n_draws, std::size_t row_start, std::size_t row_count, double* out) {
  if (n_draws > max_draws_) throw std::invalid_argument("more draws than the backend was prepared for");
  if (row_start > model_.n || row_count > model_.n - row_start) throw std::invalid_argument("rows out of range");
  if (n_draws == 0 || row_count == 0) return;
  compute_scales(draws_buffer(), n_draws, nullptr);
  compute_aux(draws_buffer(), n_draws, nullptr);
  pointwise_call_ =
      PointwiseCall{&view_, draws_buffer(), scales_.data(), aux_chains_.data(), n_draws, row_start, row_count, out};
  pool_.run(&Engine::pointwise_task, this);
}

}  // namespace nutmeg
