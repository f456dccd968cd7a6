#include "model.hpp"

#include "families_host.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace nutmeg {

namespace {

const char* value_type_name(ValueType t) {
  switch (t) {
    case ValueType::Ones: return "ones";
    case ValueType::U8: return "u8";
    case ValueType::F32: return "f32";
    case ValueType::F64: return "f64";
  }
  return "?";
}

const char* index_type_name(IndexType t) {
  switch (t) {
    case IndexType::U8: return "u8";
    case IndexType::U16: return "u16";
    case IndexType::U32: return "u32";
  }
  return "?";
}

}  // namespace

Model::Model(const ModelInput& in)
    : family(in.family),
      likelihood(likelihood_of(in.family, in.link)),
      aux_index(in.aux_index),
      n(in.n),
      p(in.p),
      dim(in.dim),
      order_(in.row_order) {
  if (n > 0 && (in.y == nullptr || (p > 0 && in.X == nullptr))) throw std::invalid_argument("missing data arrays");
  if (aux_index.size() != aux_count(likelihood)) {
    throw std::invalid_argument("the family has " + std::to_string(aux_count(likelihood)) +
                                " auxiliary parameters but the descriptor names " + std::to_string(aux_index.size()));
  }
  for (std::uint32_t a : aux_index) {
    if (a >= dim) throw std::invalid_argument("an auxiliary parameter lies outside the parameter vector");
  }
  if (family == Family::Binomial && (in.trials == nullptr || in.log_choose == nullptr)) {
    throw std::invalid_argument("binomial model without trials or logChoose");
  }
  fixed.reserve(p);
  for (std::uint32_t j = 0; j < p; j++) {
    if (j >= dim) throw std::invalid_argument("more fixed effects than dimensions");
    fixed.push_back(store_column(in.X + j, p, true));
    (fixed.back().type == ValueType::Ones ? ones_columns : stored_columns).push_back(j);
  }
  y = store_column(in.y, 1, false);
  if (family == Family::Binomial) {
    trials = store_column(in.trials, 1, true);
    row_constant.resize(n);
    for (std::size_t k = 0; k < n; k++) row_constant[k] = in.log_choose[source_row(k)];
  } else {
    trials = Column{ValueType::Ones, nullptr};
  }
  const bool counts = family == Family::Poisson || family == Family::NegBinomial;
  const bool positive = family == Family::Gamma || family == Family::Lognormal;
  for (std::size_t i = 0; i < n && (counts || positive); i++) {
    const double v = in.y[i];
    if (counts && !(v >= 0.0 && v == std::floor(v) && v < 4294967296.0)) {
      throw std::invalid_argument("a count outcome is not a whole number >= 0 (row " + std::to_string(i) + ")");
    }
    if (positive && !(v > 0.0 && v < INFINITY)) {
      throw std::invalid_argument("a gamma/lognormal outcome is not positive and finite (row " + std::to_string(i) + ")");
    }
  }
  if (counts || positive) {
    row_constant.resize(n);
    for (std::size_t k = 0; k < n; k++) row_constant[k] = nutmeg::row_constant(family, in.y[source_row(k)]);
  }
  for (double v : row_constant) row_constant_sum += v;
  if (family == Family::Gamma || family == Family::Lognormal) {
    log_y.resize(n);
    for (std::size_t k = 0; k < n; k++) log_y[k] = std::log(in.y[source_row(k)]);
  }
  if (family == Family::NegBinomial) {
    for (std::size_t k = 0; k < n; k++) {
      const std::uint32_t c = static_cast<std::uint32_t>(in.y[k]);
      if (c > max_count) max_count = c;
    }
  }
  for (const TermInput& t : in.terms) {
    if (t.levels == 0) throw std::invalid_argument("a varying term has no levels");
    if (t.sd_index >= dim || t.offset + static_cast<std::uint64_t>(t.levels) > dim) {
      throw std::invalid_argument("a varying term's coordinates lie outside the parameter vector");
    }
    for (std::size_t i = 0; i < n; i++) {
      if (t.index[i] >= t.levels) throw std::invalid_argument("a level index is out of range");
    }
    Term term;
    term.x = t.x == nullptr ? Column{ValueType::Ones, nullptr} : store_column(t.x, 1, true);
    term.index = store_index(t.index, t.levels);
    term.levels = t.levels;
    term.noncentered = t.noncentered;
    term.flat = t.flat;
    term.sd_index = t.sd_index;
    term.offset = t.offset;
    term.level_base = total_levels;
    total_levels += t.levels;
    terms.push_back(term);
  }
  order_ = nullptr;
}

Column Model::store_column(const double* values, std::size_t stride, bool allow_ones) {
  bool ones = allow_ones, bytes = true, singles = true;
  for (std::size_t i = 0; i < n; i++) {
    const double v = values[source_row(i) * stride];
    if (v != 1.0) ones = false;
    if (!(v >= 0.0 && v <= 255.0 && v == std::floor(v))) bytes = false;
    if (static_cast<double>(static_cast<float>(v)) != v && !std::isnan(v)) singles = false;
    if (!ones && !bytes && !singles) break;
  }
  if (ones) return Column{ValueType::Ones, nullptr};
  if (bytes) {
    std::vector<std::uint8_t> buf(n);
    for (std::size_t i = 0; i < n; i++) buf[i] = static_cast<std::uint8_t>(values[source_row(i) * stride]);
    storage_.push_back(std::move(buf));
    return Column{ValueType::U8, storage_.back().data()};
  }
  const std::size_t width = singles ? sizeof(float) : sizeof(double);
  std::vector<std::uint8_t> buf(n * width);
  for (std::size_t i = 0; i < n; i++) {
    const double v = values[source_row(i) * stride];
    if (singles) {
      const float f = static_cast<float>(v);
      std::memcpy(buf.data() + i * width, &f, width);
    } else {
      std::memcpy(buf.data() + i * width, &v, width);
    }
  }
  storage_.push_back(std::move(buf));
  return Column{singles ? ValueType::F32 : ValueType::F64, storage_.back().data()};
}

LevelIndex Model::store_index(const std::uint32_t* index, std::uint32_t levels) {
  const std::size_t width = levels <= 256 ? 1 : levels <= 65536 ? 2 : 4;
  std::vector<std::uint8_t> buf(n * width);
  for (std::size_t i = 0; i < n; i++) {
    const std::uint32_t level = index[source_row(i)];
    if (width == 1) {
      buf[i] = static_cast<std::uint8_t>(level);
    } else if (width == 2) {
      const std::uint16_t v = static_cast<std::uint16_t>(level);
      std::memcpy(buf.data() + 2 * i, &v, 2);
    } else {
      std::memcpy(buf.data() + 4 * i, &level, 4);
    }
  }
  storage_.push_back(std::move(buf));
  const IndexType type = width == 1 ? IndexType::U8 : width == 2 ? IndexType::U16 : IndexType::U32;
  return LevelIndex{type, storage_.back().data()};
}

std::unique_ptr<Model> Model::for_gradient(const ModelInput& in, std::size_t min_average_run, LayoutChoice choice) {
  const std::size_t n = in.n, terms = in.terms.size();
  if (terms == 0 || n == 0 || choice == LayoutChoice::DataOrder) return nullptr;
  for (const TermInput& t : in.terms) {
    for (std::size_t i = 0; i < n; i++) {
      if (t.index[i] >= t.levels) throw std::invalid_argument("a level index is out of range");
    }
  }
  // Cells: sort by every term's level (stable: data order within a cell) and count the runs.
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; i++) order[i] = static_cast<std::uint32_t>(i);
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    for (const TermInput& t : in.terms) {
      if (t.index[a] != t.index[b]) return t.index[a] < t.index[b];
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<std::uint32_t> ends, level_ends;
  for (std::size_t k = 1; k <= n; k++) {
    if (k == n || less(order[k - 1], order[k])) ends.push_back(static_cast<std::uint32_t>(k));
  }
  const std::size_t cells = ends.size();
  RowLayout layout = RowLayout::GroupedByCell;
  std::uint32_t widest = 0;
  const bool short_runs = cells * min_average_run > n;
  if (choice == LayoutChoice::SortedByLevel || (choice == LayoutChoice::Auto && short_runs)) {
    // Short runs: sort by the level of the term with the most levels only (a counting sort, stable).
    layout = RowLayout::SortedByLevel;
    ends.clear();
    for (std::uint32_t t = 1; t < terms; t++) {
      if (in.terms[t].levels > in.terms[widest].levels) widest = t;
    }
    const TermInput& key = in.terms[widest];
    std::vector<std::size_t> start(static_cast<std::size_t>(key.levels) + 1, 0);
    for (std::size_t i = 0; i < n; i++) start[key.index[i] + 1]++;
    for (std::uint32_t k = 0; k < key.levels; k++) start[k + 1] += start[k];
    for (std::size_t i = 0; i < n; i++) order[start[key.index[i]]++] = static_cast<std::uint32_t>(i);
    // start[k] is now the end of level k's rows: the ends of the non-empty levels are the runs
    for (std::uint32_t k = 0; k < key.levels; k++) {
      if (start[k] > (k == 0 ? 0 : start[k - 1])) level_ends.push_back(static_cast<std::uint32_t>(start[k]));
    }
  }
  ModelInput sorted = in;
  sorted.row_order = order.data();
  auto model = std::make_unique<Model>(sorted);
  model->row_order = std::move(order);
  model->run_ends = std::move(ends);
  model->level_run_ends = std::move(level_ends);
  model->layout = layout;
  model->sorted_term = widest;
  model->cells = cells;
  return model;
}

std::string Model::layout_summary() const {
  const double per_cell = cells > 0 ? static_cast<double>(n) / static_cast<double>(cells) : 0.0;
  char average[32];
  std::snprintf(average, sizeof average, "%.1f", per_cell);
  switch (layout) {
    case RowLayout::DataOrder: return "rows in data order";
    case RowLayout::GroupedByCell:
      return "rows grouped in " + std::to_string(cells) + " cells (" + average + " rows a cell)";
    case RowLayout::SortedByLevel:
      return "rows sorted by term " + std::to_string(sorted_term) + "'s " + std::to_string(terms[sorted_term].levels) +
             " levels, gathered per row (" + std::to_string(cells) + " cells, " + average + " rows a cell)";
  }
  return "?";
}

ModelView Model::view() const {
  ModelView v;
  v.family = family;
  v.likelihood = likelihood;
  v.n_aux = static_cast<std::uint32_t>(aux_index.size());
  v.n = n;
  v.p = p;
  v.dim = dim;
  v.total_levels = total_levels;
  v.n_terms = static_cast<std::uint32_t>(terms.size());
  v.fixed = fixed.data();
  v.ones_columns = ones_columns.data();
  v.n_ones = static_cast<std::uint32_t>(ones_columns.size());
  v.stored_columns = stored_columns.data();
  v.n_stored = static_cast<std::uint32_t>(stored_columns.size());
  v.terms = terms.data();
  v.y = y;
  v.trials = trials;
  v.row_constant = row_constant.empty() ? nullptr : row_constant.data();
  v.log_y = log_y.empty() ? nullptr : log_y.data();
  v.large_counts = max_count > kSmallCount;
  v.run_ends = run_ends.empty() ? nullptr : run_ends.data();
  v.n_runs = static_cast<std::uint32_t>(run_ends.size());
  v.sorted_term = layout == RowLayout::SortedByLevel ? static_cast<std::int32_t>(sorted_term) : -1;
  v.level_run_ends = level_run_ends.empty() ? nullptr : level_run_ends.data();
  v.n_level_runs = static_cast<std::uint32_t>(level_run_ends.size());
  return v;
}

std::string Model::storage_summary() const {
  int counts[4] = {0, 0, 0, 0};
  for (const Column& c : fixed) counts[static_cast<int>(c.type)]++;
  std::string s = "X:";
  const ValueType order[4] = {ValueType::Ones, ValueType::U8, ValueType::F32, ValueType::F64};
  bool first = true;
  for (ValueType t : order) {
    if (counts[static_cast<int>(t)] == 0) continue;
    s += first ? " " : ", ";
    s += std::to_string(counts[static_cast<int>(t)]) + " " + value_type_name(t);
    first = false;
  }
  if (first) s += " none";
  s += std::string("; y ") + value_type_name(y.type);
  if (family == Family::Binomial) s += std::string("; trials ") + value_type_name(trials.type);
  for (std::size_t t = 0; t < terms.size(); t++) {
    s += "; term " + std::to_string(t) + " x " + value_type_name(terms[t].x.type) + " index " +
         index_type_name(terms[t].index.type);
  }
  return s;
}

}  // namespace nutmeg
