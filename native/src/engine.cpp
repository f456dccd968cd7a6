#include "engine.hpp"

#include "families_host.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nutmeg {

namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;

// Average rows per cell from which the gradient reads rows grouped by cell (below it, rows sorted by level with
// gathers and scatters per row; Model::for_gradient).
constexpr std::size_t kMinAverageRun = 64;

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
  for (ThreadState& s : thread_state_) {
    s.loglik.assign(max_chains_, 0.0);
    s.fixed.assign(max_chains_ * p, 0.0);
    s.levels.assign(max_chains_ * levels, 0.0);
    s.aux.assign(std::max<std::size_t>(1, max_chains_ * n_aux), 0.0);
    s.values.assign((2 + p + 2 + terms + kChainGroup) * kRowBlock, 0.0);
    s.level_block.assign(std::max<std::size_t>(1, terms) * kRowBlock, 0);
    s.run_block.assign(2 * kRowBlock, 0);
    s.fixed_ptrs.assign(std::max<std::size_t>(1, p), nullptr);
    s.term_x_ptrs.assign(std::max<std::size_t>(1, terms), nullptr);
    s.term_level_ptrs.assign(std::max<std::size_t>(1, terms), nullptr);
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

void Engine::gradient_task(void* context, unsigned worker, unsigned workers) {
  Engine& e = *static_cast<Engine*>(context);
  ThreadState& s = e.thread_state_[worker];
  const std::size_t active = e.gradient_call_.n_active;
  std::fill_n(s.loglik.begin(), active, 0.0);
  std::fill_n(s.fixed.begin(), active * e.model_.p, 0.0);
  // s.levels is not zeroed here: it is all zeros between calls (zeroed where Engine::gradient reads it)
  std::fill_n(s.aux.begin(), active * e.model_.aux_index.size(), 0.0);
  std::size_t begin, end;
  share(e.model_.n, worker, workers, begin, end);
  if (begin < end) {
    e.kernels_->gradient(e.gradient_call_, begin, end, GradientSums{s.loglik.data(), s.fixed.data(), s.levels.data(), s.aux.data()},
                         s.scratch());
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
  pool_.run(&Engine::gradient_task, this);

  const std::size_t dim = model_.dim, p = model_.p, levels = model_.total_levels;
  for (std::uint32_t a = 0; a < n_active; a++) {
    const std::uint32_t c = chain_list_[a];
    const double* theta = positions_.data() + c * dim;
    double* g = grad_.data() + c * dim;
    for (std::uint32_t j : other_coordinates_) g[j] = 0.0;  // the terms' coordinates are written below
    double lp = grouped_ ? grouped_->row_constant_sum : model_.row_constant_sum;
    for (const ThreadState& s : thread_state_) lp += s.loglik[a];
    const std::size_t n_aux = model_.aux_index.size();
    for (std::size_t j = 0; j < n_aux; j++) {
      double ga = 0.0;
      for (const ThreadState& s : thread_state_) ga += s.aux[a * n_aux + j];
      aux_grad_[c * n_aux + j] = ga;
    }
    for (std::size_t j = 0; j < p; j++) {
      for (const ThreadState& s : thread_state_) g[j] += s.fixed[a * p + j];
    }
    for (const Term& t : model_.terms) {
      const double u = theta[t.sd_index];
      const double sd = std::exp(u);
      const double* v = theta + t.offset;
      double* gt = g + t.offset;
      const std::size_t from = a * levels + t.level_base;
      // d loglik / d r_t[k] summed over the threads into gt, each thread's slot zeroed for the next call
      for (std::size_t w = 0; w < thread_state_.size(); w++) {
        double* sl = thread_state_[w].levels.data() + from;
        if (w == 0) {
          for (std::uint32_t k = 0; k < t.levels; k++) gt[k] = sl[k];
        } else {
          for (std::uint32_t k = 0; k < t.levels; k++) gt[k] += sl[k];
        }
        std::fill_n(sl, t.levels, 0.0);
      }
      if (t.flat) continue;
      double lp_t = 0.0, g_sd = 0.0;
      if (t.noncentered) {
        for (std::uint32_t k = 0; k < t.levels; k++) {
          const double gr = gt[k];
          lp_t += v[k] * v[k];
          g_sd += (sd * v[k]) * gr;
          gt[k] = sd * gr - v[k];
        }
        lp += -0.5 * lp_t - t.levels * kLogSqrt2Pi;
      } else {
        const double inv_sd = 1.0 / sd;
        for (std::uint32_t k = 0; k < t.levels; k++) {
          const double w = v[k] * inv_sd;
          lp_t += w * w;
          gt[k] -= w * inv_sd;
        }
        lp += -0.5 * lp_t - t.levels * (u + kLogSqrt2Pi);
        g_sd += lp_t - t.levels;
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
