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
// gathers and scatters per row; Model::for_gradient).
constexpr std::size_t kMinAverageRun = 64;

// The gradient's row slices (Engine::slice_rows_): at least kSliceRows rows each (whole row blocks), at most
// kMaxSlices of them, and at most kSliceBudget doubles of partial sums for all of them together (a model with many
// levels gets fewer, longer slices). 2,048 rows are ~10 µs of one core's work per chain, far above the cost of
// adding a slice's sums; 64 slices keep up to 16 threads busy on 4 slices each.
constexpr std::size_t kSliceRows = 8 * kRowBlock;
constexpr std::size_t kMaxSlices = 64;
constexpr std::size_t kSliceBudget = std::size_t(1) << 22;

// Rows [begin, end) of worker w out of `workers`, over `rows` rows: equal contiguous shares.
inline void share(std::size_t rows, unsigned w, unsigned workers, std::size_t& begin, std::size_t& end) {
  begin = rows * w / workers;
  end = rows * (w + 1) / workers;
}
}  // namespace

Engine::Engine(const ModelInput& input, const EngineOptions& options)
    : model_(input),
      view_(model_.view()),
      grouped_(Model::for_gradient(input, kMinAverageRun, options.layout)),
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
  draws_.assign(max_draws_ * dim, 0.0);
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
  // slice_stride_ rounded up to a cache line (8 doubles), so threads writing neighbouring slices share no line
  slice_stride_ = (max_chains_ * (1 + p + n_aux + levels) + 7) / 8 * 8;
  std::size_t slices = std::max<std::size_t>(1, (n + kSliceRows - 1) / kSliceRows);
  slices = std::min({slices, kMaxSlices, std::max<std::size_t>(1, kSliceBudget / slice_stride_)});
  slice_rows_ = std::max<std::size_t>(kRowBlock, ((n + slices - 1) / slices + kRowBlock - 1) / kRowBlock * kRowBlock);
  slices_ = static_cast<std::uint32_t>(std::max<std::size_t>(1, (n + slice_rows_ - 1) / slice_rows_));
  slice_sums_.assign(slices_ * slice_stride_, 0.0);
  slice_levels_.assign(2 * static_cast<std::size_t>(slices_) * terms, 0);
  const std::uint32_t* order = grouped_ ? grouped_->row_order.data() : nullptr;
  for (std::uint32_t k = 0; k < slices_; k++) {
    const std::size_t begin = k * slice_rows_, end = std::min(n, begin + slice_rows_);
    for (std::size_t t = 0; t < terms; t++) {
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
  helmert_.resize(terms);
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
  update_copy_ranges();
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

// The map of src/model/split.ts splitToEffects, term by term, in the same arithmetic (so the same bits as there).
void Engine::map_rotated(const double* src, double* dst, std::uint32_t count, double* u) const {
  const std::size_t dim = model_.dim, terms = model_.terms.size();
  for (std::uint32_t c = 0; c < count; c++) {
    const double* from = src + c * dim;
    double* to = dst + c * dim;
    if (from != to) {
      for (std::size_t i = 0; i < copy_ranges_.size(); i += 2) {
        std::memcpy(to + copy_ranges_[i], from + copy_ranges_[i], (copy_ranges_[i + 1] - copy_ranges_[i]) * sizeof(double));
      }
    }
    for (std::size_t t = 0; t < terms; t++) {
      const double* a = helmert_[t].data();
      if (helmert_[t].empty()) continue;
      const Term& term = model_.terms[t];
      const std::uint32_t K = term.levels;
      const double* coords = from + term.offset;
      double* r = to + term.offset;
      // r = s·u/√K·1 + Q e: level k receives e_j·a[j+1]… from every column j ≥ k and −k·a[k]·e_{k−1} from column
      // k − 1; going down from the last level, so that src == dst works (coordinate k is read before r_k is written)
      const double s = term.noncentered ? 1.0 : std::exp(from[term.sd_index]);
      if (u != nullptr) u[c * terms + t] = coords[0];
      const double mean = (s * coords[0]) / std::sqrt(static_cast<double>(K));
      double suffix = 0.0;
      for (std::uint32_t k = K - 1; k >= 1; k--) {
        const double e = coords[k];
        r[k] = mean + (suffix - k * a[k] * e);
        suffix += e * a[k];
      }
      r[0] = mean + suffix;
    }
  }
}

void Engine::stage_positions(const double* src, std::uint32_t n_chains) {
  if (n_chains > max_chains_) throw std::invalid_argument("more chains than the backend was prepared for");
  map_rotated(src, positions_.data(), n_chains, rotated_u_.data());
}

void Engine::stage_draws(const double* src, std::uint32_t n_draws) {
  if (n_draws > max_draws_) throw std::invalid_argument("more draws than the backend was prepared for");
  map_rotated(src, draws_.data(), n_draws, nullptr);
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
    const GradientSums sums{base, base + chains, base + chains * (1 + p + n_aux), base + chains * (1 + p)};
    std::fill_n(sums.loglik, active, 0.0);
    std::fill_n(sums.fixed, active * p, 0.0);
    // sums.levels is not zeroed here: it is all zeros between calls (zeroed where Engine::gradient reads it)
    std::fill_n(sums.aux, active * n_aux, 0.0);
    const std::size_t begin = k * e.slice_rows_, end = std::min(n, begin + e.slice_rows_);
    if (begin < end) e.kernels_->gradient(e.gradient_call_, begin, end, sums, s.scratch());
  }
}

void Engine::gradient(std::uint32_t n_chains) {
  if (n_chains > max_chains_) throw std::invalid_argument("more chains than the backend was prepared for");
  std::uint32_t n_active = 0;
  for (std::uint32_t c = 0; c < n_chains; c++) {
    if (active_[c]) chain_list_[n_active++] = c;
  }
  if (n_active == 0) return;
  compute_scales(positions_.data(), n_active, chain_list_.data());
  compute_aux(positions_.data(), n_active, chain_list_.data());
  const ModelView* view = grouped_ ? &grouped_view_ : &view_;
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
    const double* theta = positions_.data() + c * dim;
    double* g = grad_.data() + c * dim;
    for (std::uint32_t j : other_coordinates_) g[j] = 0.0;  // the terms' coordinates are written below
    // the slices' partial sums in slice order (see slice_sums_)
    double lp = grouped_ ? grouped_->row_constant_sum : model_.row_constant_sum;
    for (std::uint32_t k = 0; k < slices_; k++) lp += loglik[k * slice_stride_ + a];
    for (std::size_t j = 0; j < n_aux; j++) {
      double ga = 0.0;
      for (std::uint32_t k = 0; k < slices_; k++) ga += aux[k * slice_stride_ + a * n_aux + j];
      aux_grad_[c * n_aux + j] = ga;
    }
    for (std::size_t j = 0; j < p; j++) {
      for (std::uint32_t k = 0; k < slices_; k++) g[j] += fixed[k * slice_stride_ + a * p + j];
    }
    for (std::size_t term = 0; term < terms; term++) {
      const Term& t = model_.terms[term];
      const double u = theta[t.sd_index];
      const double sd = std::exp(u);
      const double* v = theta + t.offset;
      double* gt = g + t.offset;
      const std::size_t from = a * levels + t.level_base;
      // d loglik / d r_t[k] summed over the slices into gt, in slice order, from the levels each slice's rows have
      // (slice_levels_; elsewhere a slice's sums are zero), each slice's range zeroed for the next call
      std::fill_n(gt, t.levels, 0.0);
      for (std::uint32_t w = 0; w < slices_; w++) {
        const std::uint32_t* range = slice_levels_.data() + 2 * (static_cast<std::size_t>(w) * terms + term);
        double* sl = level_sums + w * slice_stride_ + from;
        for (std::uint32_t k = range[0]; k < range[1]; k++) gt[k] += sl[k];
        std::fill(sl + range[0], sl + range[1], 0.0);
      }
      if (t.flat) continue;
      double lp_t = 0.0, g_sd = 0.0;
      const double* a = helmert_[term].data();
      const std::uint32_t K = t.levels;
      if (t.noncentered) {
        if (helmert_[term].empty()) {
          for (std::uint32_t k = 0; k < K; k++) {
            const double gr = gt[k];
            lp_t += v[k] * v[k];
            g_sd += (sd * v[k]) * gr;
            gt[k] = sd * gr - v[k];
          }
        } else {
          // the same, and the gradient pulled back to [u, e] (split.ts pullBackSplitGradient with s = 1) in the same
          // pass: e_{k−1} ← (Σ_{l<k} g_l − k·g_k)·a[k] going up, u ← Σ g / √K
          double gr = gt[0];
          lp_t += v[0] * v[0];
          g_sd += (sd * v[0]) * gr;
          double prefix = sd * gr - v[0];
          for (std::uint32_t k = 1; k < K; k++) {
            gr = gt[k];
            lp_t += v[k] * v[k];
            g_sd += (sd * v[k]) * gr;
            const double gk = sd * gr - v[k];
            gt[k] = (prefix - k * gk) * a[k];
            prefix += gk;
          }
          gt[0] = (1.0 / std::sqrt(static_cast<double>(K))) * prefix;
        }
        lp += -0.5 * lp_t - K * kLogSqrt2Pi;
      } else {
        const double inv_sd = 1.0 / sd;
        if (helmert_[term].empty()) {
          for (std::uint32_t k = 0; k < K; k++) {
            const double w = v[k] * inv_sd;
            lp_t += w * w;
            gt[k] -= w * inv_sd;
          }
          g_sd += lp_t - K;
        } else {
          // the same, pulled back to [u, e] with s = sd in the same pass; ∂r/∂log sd at fixed [u, e] is
          // sd·u/√K·1, which adds (sd·u/√K)·Σ g to log sd's gradient
          double w = v[0] * inv_sd;
          lp_t += w * w;
          double prefix = gt[0] - w * inv_sd;
          for (std::uint32_t k = 1; k < K; k++) {
            w = v[k] * inv_sd;
            lp_t += w * w;
            const double gk = gt[k] - w * inv_sd;
            gt[k] = (prefix - k * gk) * a[k];
            prefix += gk;
          }
          const double root = std::sqrt(static_cast<double>(K));
          gt[0] = (sd / root) * prefix;
          g_sd += (lp_t - K) + ((sd * rotated_u_[c * terms + term]) / root) * prefix;
        }
        lp += -0.5 * lp_t - K * (u + kLogSqrt2Pi);
      }
      g[t.sd_index] += g_sd;
    }
    logp_[c] = lp;
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
  compute_scales(draws_.data(), n_draws, nullptr);
  compute_aux(draws_.data(), n_draws, nullptr);
  pointwise_call_ =
      PointwiseCall{&view_, draws_.data(), scales_.data(), aux_chains_.data(), n_draws, row_start, row_count, out};
  pool_.run(&Engine::pointwise_task, this);
}

}  // namespace nutmeg
