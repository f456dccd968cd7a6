// Node-API surface of the native backend (the TypeScript side is src/backend/native.ts).
//
//   new NativeModel(descriptor)    copies the model's data (see ModelDescriptor in native.ts), starts the pool
//   model.gradient(positions, nChains, active | null, logp, grad, auxGrad?): Promise<void>
//       log-likelihood + level priors and their gradient (see engine.hpp) for the active chains, and into auxGrad
//       (nChains x the family's aux count, when given) d loglik / d aux on the constrained scale; other chains'
//       outputs are not touched
//   model.gradientSync(positions, nChains, active | null, logp, grad, auxGrad?): void
//       the same on the calling thread (with the pool), for small data where the asynchronous round trip (a libuv
//       worker thread and a promise, tens of microseconds) costs more than the arithmetic
//   model.pointwise(draws, nDraws, rowStart, rowCount, out): Promise<void>
//   model.setRotated(term, rotated): void
//       from now on term `term`'s level coordinates arrive Helmert-rotated (engine.hpp set_rotated); not during a call
//   model.setFold(term, column): void
//       rotated term `term`'s mean is folded into fixed coordinate `column` (−1: none; engine.hpp set_fold)
//   model.setFixedBasis(L): void
//       the first p coordinates arrive in the fixed basis θ = Lᵀ b (L: p x p Float64Array, p = √length; engine.hpp
//       set_fixed_basis; an empty array clears it)
//   model.dispose()                joins the pool's threads and frees the data
//   model.isa, model.threads, model.storage, model.layout ('grouped' | 'sorted' | 'rows'), model.layoutSummary
//   cpuFeatures(): { avx2Fma: boolean, avx512: boolean }
//   largeBuffer(bytes): ArrayBuffer   zeroed memory for a large column (src/platform/large-buffer.ts): on Linux an
//       anonymous mapping advised for transparent huge pages, so that its first writes fault 2 MiB at a time instead
//       of 4 KiB (on the project's VMs ~0.1 against ~3.5 ms of CPU per MB); elsewhere an ordinary ArrayBuffer
//   new PsisLoo({ nDraws, nChains, order, blom, threads })   PSIS-LOO per observation (psis.hpp; native-psis.ts)
//   psis.run(values, count, rEff | null, outputs): Promise<number>   a block, off the event loop
//   psis.runSync(values, count, rEff | null, outputs): number        the same on the calling thread (with the pool)
//       outputs = { elpdLoo, mcseElpdLoo, pLoo, looic, paretoK, rEff, nEff }: Float64Arrays of >= count entries;
//       the result is -1, or j * nDraws + s of the first non-finite value. The arrays are read and written in place
//       (not copied): the caller leaves them alone until the promise settles.
//   psis.dispose(), psis.threads
//
// Inputs are copied on the JavaScript thread when a call starts; the computation runs on a libuv worker thread with
// the pool, so the event loop keeps turning; the gradient is written straight into the caller's grad array (held by a
// reference until the promise settles, like pointwise's out), logp and auxGrad are copied when the call ends. One call
// at a time per model: a second call before the first settles throws (the TypeScript wrapper queues calls).
#include <napi.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine.hpp"
#include "psis.hpp"

namespace nutmeg {
namespace {

Napi::Float64Array float64_array(const Napi::Env& env, const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a Float64Array");
  }
  return v.As<Napi::Float64Array>();
}

const double* optional_float64(const Napi::Env& env, const Napi::Value& v, const char* what, std::size_t length) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  Napi::Float64Array a = float64_array(env, v, what);
  if (a.ElementLength() < length) throw Napi::RangeError::New(env, std::string(what) + " is too short");
  return a.Data();
}

std::uint32_t uint32_value(const Napi::Env& env, const Napi::Value& v, const char* what) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(what) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0 && d == static_cast<double>(static_cast<std::uint32_t>(d)))) {
    throw Napi::RangeError::New(env, std::string(what) + " must be a non-negative integer");
  }
  return static_cast<std::uint32_t>(d);
}

Family family_value(const Napi::Env& env, const Napi::Value& v) {
  const std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s == "bernoulli") return Family::Bernoulli;
  if (s == "binomial") return Family::Binomial;
  if (s == "gaussian") return Family::Gaussian;
  if (s == "poisson") return Family::Poisson;
  if (s == "negbinomial") return Family::NegBinomial;
  if (s == "gamma") return Family::Gamma;
  if (s == "lognormal") return Family::Lognormal;
  throw Napi::RangeError::New(env, "unknown family " + s);
}

// The link, or the family's own when none is given (src/model/families/index.ts defaultLink).
Link link_value(const Napi::Env& env, const Napi::Value& v, Family family) {
  if (v.IsUndefined() || v.IsNull()) {
    switch (family) {
      case Family::Bernoulli:
      case Family::Binomial: return Link::Logit;
      case Family::Gaussian:
      case Family::Lognormal: return Link::Identity;
      default: return Link::Log;
    }
  }
  const std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s == "logit") return Link::Logit;
  if (s == "probit") return Link::Probit;
  if (s == "identity") return Link::Identity;
  if (s == "log") return Link::Log;
  throw Napi::RangeError::New(env, "unknown link " + s);
}

KernelChoice kernel_choice(const Napi::Env& env, const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return KernelChoice::Auto;
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "auto") return KernelChoice::Auto;
  if (s == "baseline") return KernelChoice::Baseline;
  if (s == "avx2") return KernelChoice::Avx2;
  if (s == "avx512") return KernelChoice::Avx512;
  throw Napi::RangeError::New(env, "kernels must be 'auto', 'baseline', 'avx2' or 'avx512'");
}

// The gradient's row layout (model.hpp RowLayout): "auto" (from the data), "grouped", "sorted" or "rows".
LayoutChoice layout_choice(const Napi::Env& env, const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return LayoutChoice::Auto;
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "auto") return LayoutChoice::Auto;
  if (s == "grouped") return LayoutChoice::GroupedByCell;
  if (s == "sorted") return LayoutChoice::SortedByLevel;
  if (s == "rows") return LayoutChoice::DataOrder;
  throw Napi::RangeError::New(env, "layout must be 'auto', 'grouped', 'sorted' or 'rows'");
}

class NativeModel : public Napi::ObjectWrap<NativeModel> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeModel",
                       {
                           InstanceMethod<&NativeModel::Gradient>("gradient"),
                           InstanceMethod<&NativeModel::GradientSync>("gradientSync"),
                           InstanceMethod<&NativeModel::Pointwise>("pointwise"),
                           InstanceMethod<&NativeModel::Dispose>("dispose"),
                           InstanceMethod<&NativeModel::SetRotated>("setRotated"),
                           InstanceMethod<&NativeModel::SetFold>("setFold"),
                           InstanceMethod<&NativeModel::SetFixedBasis>("setFixedBasis"),
                           InstanceAccessor<&NativeModel::Isa>("isa"),
                           InstanceAccessor<&NativeModel::Threads>("threads"),
                           InstanceAccessor<&NativeModel::Storage>("storage"),
                           InstanceAccessor<&NativeModel::Layout>("layout"),
                           InstanceAccessor<&NativeModel::LayoutSummary>("layoutSummary"),
                       });
  }

  explicit NativeModel(const Napi::CallbackInfo& info);

  Engine& engine() { return *engine_; }
  void finish() { busy_ = false; }

 private:
  Napi::Value Gradient(const Napi::CallbackInfo& info);
  Napi::Value GradientSync(const Napi::CallbackInfo& info);
  std::uint32_t start_gradient(const Napi::CallbackInfo& info);
  Napi::Value Pointwise(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value SetRotated(const Napi::CallbackInfo& info);
  Napi::Value SetFold(const Napi::CallbackInfo& info);
  Napi::Value SetFixedBasis(const Napi::CallbackInfo& info);
  Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), live(info.Env()).isa()); }
  Napi::Value Threads(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), live(info.Env()).threads());
  }
  Napi::Value Storage(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), live(info.Env()).storage_summary());
  }
  Napi::Value Layout(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), live(info.Env()).layout());
  }
  Napi::Value LayoutSummary(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), live(info.Env()).layout_summary());
  }

  Engine& live(const Napi::Env& env) {
    if (!engine_) throw Napi::Error::New(env, "native backend: used after dispose()");
    return *engine_;
  }
  void begin(const Napi::Env& env) {
    live(env);
    if (busy_) throw Napi::Error::New(env, "native backend: a call is still running; await it before the next");
    busy_ = true;
  }

  std::unique_ptr<Engine> engine_;
  bool busy_ = false;
};

// Copies a gradient call's results for the active chains: logp and, when asked for, d loglik / d aux (the engine
// wrote the gradient straight into the caller's array: Engine::gradient's grad_out).
void deliver_gradient(Engine& e, std::uint32_t n_chains, double* logp, double* aux_grad) {
  const std::size_t n_aux = e.n_aux();
  for (std::uint32_t c = 0; c < n_chains; c++) {
    if (!e.active()[c]) continue;
    logp[c] = e.logp()[c];
    if (aux_grad != nullptr && n_aux > 0) std::memcpy(aux_grad + c * n_aux, e.aux_grad() + c * n_aux, n_aux * sizeof(double));
  }
}

// Base for the two calls: holds the model object and the output arrays alive until the promise settles.
class Call : public Napi::AsyncWorker {
 public:
  Call(Napi::Env env, NativeModel* model, Napi::Object self, const char* name)
      : Napi::AsyncWorker(env, name), model_(model), deferred_(Napi::Promise::Deferred::New(env)) {
    self_ = Napi::Persistent(self);
  }
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      compute();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    deliver();
    model_->finish();
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& error) override {
    model_->finish();
    deferred_.Reject(error.Value());
  }
  virtual void compute() = 0;
  virtual void deliver() {}

  NativeModel* model_;

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference self_;
};

class GradientCallWork : public Call {
 public:
  GradientCallWork(Napi::Env env, NativeModel* model, Napi::Object self, std::uint32_t n_chains,
                   Napi::Float64Array logp, Napi::Float64Array grad, Napi::Value aux_grad)
      : Call(env, model, self, "nutmeg:gradient"), n_chains_(n_chains), has_aux_grad_(aux_grad.IsTypedArray()) {
    logp_ = Napi::Persistent(logp);
    grad_ = Napi::Persistent(grad);
    grad_data_ = grad.Data();  // kept alive by grad_; written by the engine off the JavaScript thread
    if (has_aux_grad_) aux_grad_ = Napi::Persistent(aux_grad.As<Napi::Float64Array>());
  }

 protected:
  void compute() override { model_->engine().gradient(n_chains_, grad_data_); }
  void deliver() override {
    deliver_gradient(model_->engine(), n_chains_, logp_.Value().Data(),
                     has_aux_grad_ ? aux_grad_.Value().Data() : nullptr);
  }

 private:
  std::uint32_t n_chains_;
  bool has_aux_grad_;
  double* grad_data_;
  Napi::Reference<Napi::Float64Array> logp_, grad_, aux_grad_;
};

class PointwiseCallWork : public Call {
 public:
  PointwiseCallWork(Napi::Env env, NativeModel* model, Napi::Object self, std::uint32_t n_draws,
                    std::size_t row_start, std::size_t row_count, Napi::Float64Array out)
      : Call(env, model, self, "nutmeg:pointwise"),
        n_draws_(n_draws),
        row_start_(row_start),
        row_count_(row_count),
        out_data_(out.Data()) {
    out_ = Napi::Persistent(out);
  }

 protected:
  void compute() override { model_->engine().pointwise(n_draws_, row_start_, row_count_, out_data_); }

 private:
  std::uint32_t n_draws_;
  std::size_t row_start_, row_count_;
  double* out_data_;
  Napi::Reference<Napi::Float64Array> out_;
};

NativeModel::NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "NativeModel needs a model descriptor object");
  const Napi::Object d = info[0].As<Napi::Object>();

  ModelInput in;
  in.family = family_value(env, d.Get("family"));
  in.link = link_value(env, d.Get("link"), in.family);
  const Napi::Value aux_value = d.Get("aux");
  if (!aux_value.IsUndefined() && !aux_value.IsNull()) {
    if (!aux_value.IsArray()) throw Napi::TypeError::New(env, "aux must be an array of coordinate indices");
    const Napi::Array aux = aux_value.As<Napi::Array>();
    for (std::uint32_t a = 0; a < aux.Length(); a++) in.aux_index.push_back(uint32_value(env, aux.Get(a), "aux"));
  }
  in.n = uint32_value(env, d.Get("n"), "n");
  in.p = uint32_value(env, d.Get("p"), "p");
  in.dim = uint32_value(env, d.Get("dim"), "dim");
  Napi::Float64Array X = float64_array(env, d.Get("X"), "X");
  if (X.ElementLength() != in.n * in.p) throw Napi::RangeError::New(env, "X must have n x p entries");
  in.X = X.Data();
  Napi::Float64Array y = float64_array(env, d.Get("y"), "y");
  if (y.ElementLength() != in.n) throw Napi::RangeError::New(env, "y must have n entries");
  in.y = y.Data();
  in.trials = optional_float64(env, d.Get("trials"), "trials", in.n);
  in.log_choose = optional_float64(env, d.Get("logChoose"), "logChoose", in.n);

  const Napi::Value terms_value = d.Get("terms");
  if (!terms_value.IsArray()) throw Napi::TypeError::New(env, "terms must be an array");
  const Napi::Array terms = terms_value.As<Napi::Array>();
  for (std::uint32_t t = 0; t < terms.Length(); t++) {
    const Napi::Object o = terms.Get(t).As<Napi::Object>();
    const Napi::Value index_value = o.Get("index");
    if (!index_value.IsTypedArray() || index_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      throw Napi::TypeError::New(env, "a term's index must be a Uint32Array");
    }
    Napi::Uint32Array index = index_value.As<Napi::Uint32Array>();
    if (index.ElementLength() != in.n) throw Napi::RangeError::New(env, "a term's index must have n entries");
    TermInput ti;
    ti.index = index.Data();
    ti.x = optional_float64(env, o.Get("x"), "a term's x", in.n);
    ti.levels = uint32_value(env, o.Get("levels"), "levels");
    ti.noncentered = o.Get("noncentered").ToBoolean().Value();
    ti.flat = o.Get("flat").ToBoolean().Value();
    ti.sd_index = uint32_value(env, o.Get("sdIndex"), "sdIndex");
    ti.offset = uint32_value(env, o.Get("offset"), "offset");
    in.terms.push_back(ti);
  }

  EngineOptions options;
  options.threads = uint32_value(env, d.Get("threads"), "threads");
  options.max_chains = uint32_value(env, d.Get("maxChains"), "maxChains");
  options.max_draws = uint32_value(env, d.Get("maxDraws"), "maxDraws");
  options.kernels = kernel_choice(env, d.Get("kernels"));
  options.layout = layout_choice(env, d.Get("layout"));
  try {
    engine_ = std::make_unique<Engine>(in, options);
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, std::string("native backend: ") + e.what());
  }
}

// Checks a gradient call's arguments, marks the model busy and copies the positions and active flags in; returns
// the chain count. Shared by gradient() and gradientSync().
std::uint32_t NativeModel::start_gradient(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Engine& e = live(env);
  Napi::Float64Array positions = float64_array(env, info[0], "positions");
  const std::uint32_t n_chains = uint32_value(env, info[1], "nChains");
  Napi::Float64Array logp = float64_array(env, info[3], "logp");
  Napi::Float64Array grad = float64_array(env, info[4], "grad");
  const std::size_t dim = e.model().dim;
  if (n_chains > e.max_chains()) {
    throw Napi::RangeError::New(env, "native backend: " + std::to_string(n_chains) +
                                         " chains, but it was prepared for at most " + std::to_string(e.max_chains()) +
                                         " (BackendOptions.maxChains)");
  }
  if (positions.ElementLength() < n_chains * dim || logp.ElementLength() < n_chains ||
      grad.ElementLength() < n_chains * dim) {
    throw Napi::RangeError::New(env, "native backend: positions, logp or grad is shorter than nChains needs");
  }
  const Napi::Value aux_grad = info[5];
  if (!aux_grad.IsNull() && !aux_grad.IsUndefined()) {
    Napi::Float64Array a = float64_array(env, aux_grad, "auxGrad");
    if (a.ElementLength() < static_cast<std::size_t>(n_chains) * e.n_aux()) {
      throw Napi::RangeError::New(env, "native backend: auxGrad is shorter than nChains x the family's aux count");
    }
  }
  const Napi::Value active = info[2];
  if (!active.IsNull() && !active.IsUndefined()) {
    if (!active.IsTypedArray() || active.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        active.As<Napi::Uint8Array>().ElementLength() < n_chains) {
      throw Napi::TypeError::New(env, "native backend: active must be a Uint8Array of at least nChains entries");
    }
  }
  begin(env);
  e.stage_positions(positions.Data(), n_chains);
  if (active.IsNull() || active.IsUndefined()) {
    std::memset(e.active(), 1, n_chains);
  } else {
    const std::uint8_t* a = active.As<Napi::Uint8Array>().Data();
    for (std::uint32_t c = 0; c < n_chains; c++) e.active()[c] = a[c] != 0;
  }
  return n_chains;
}

Napi::Value NativeModel::Gradient(const Napi::CallbackInfo& info) {
  const std::uint32_t n_chains = start_gradient(info);
  auto* work = new GradientCallWork(info.Env(), this, Value(), n_chains, info[3].As<Napi::Float64Array>(),
                                    info[4].As<Napi::Float64Array>(), info[5]);
  Napi::Promise promise = work->promise();
  work->Queue();
  return promise;
}

Napi::Value NativeModel::GradientSync(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const std::uint32_t n_chains = start_gradient(info);
  Engine& e = *engine_;
  try {
    e.gradient(n_chains, info[4].As<Napi::Float64Array>().Data());
  } catch (const std::exception& ex) {
    busy_ = false;
    throw Napi::Error::New(env, ex.what());
  }
  busy_ = false;
  deliver_gradient(e, n_chains, info[3].As<Napi::Float64Array>().Data(),
                   info[5].IsTypedArray() ? info[5].As<Napi::Float64Array>().Data() : nullptr);
  return env.Undefined();
}

Napi::Value NativeModel::Pointwise(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Engine& e = live(env);
  Napi::Float64Array draws = float64_array(env, info[0], "draws");
  const std::uint32_t n_draws = uint32_value(env, info[1], "nDraws");
  const std::uint32_t row_start = uint32_value(env, info[2], "rowStart");
  const std::uint32_t row_count = uint32_value(env, info[3], "rowCount");
  Napi::Float64Array out = float64_array(env, info[4], "out");
  const std::size_t dim = e.model().dim;
  if (n_draws > e.max_draws()) {
    throw Napi::RangeError::New(env, "native backend: " + std::to_string(n_draws) +
                                         " draws, but it was prepared for at most " + std::to_string(e.max_draws()) +
                                         " (BackendOptions.maxDraws)");
  }
  if (static_cast<std::size_t>(row_start) + row_count > e.model().n) {
    throw Napi::RangeError::New(env, "native backend: rows " + std::to_string(row_start) + " + " +
                                         std::to_string(row_count) + " exceed the model's " +
                                         std::to_string(e.model().n) + " rows");
  }
  if (draws.ElementLength() < n_draws * dim ||
      out.ElementLength() < static_cast<std::size_t>(n_draws) * row_count) {
    throw Napi::RangeError::New(env, "native backend: draws or out is shorter than the block needs");
  }
  begin(env);
  e.stage_draws(draws.Data(), n_draws, row_start, row_count);  // only the coordinates these rows read
  auto* work = new PointwiseCallWork(env, this, Value(), n_draws, row_start, row_count, out);
  Napi::Promise promise = work->promise();
  work->Queue();
  return promise;
}

Napi::Value NativeModel::SetRotated(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Engine& e = live(env);
  if (busy_) throw Napi::Error::New(env, "native backend: a call is still running; await it before the next");
  const std::uint32_t term = uint32_value(env, info[0], "term");
  try {
    e.set_rotated(term, info[1].ToBoolean().Value());
  } catch (const std::invalid_argument& ex) {
    throw Napi::RangeError::New(env, std::string("native backend: setRotated: ") + ex.what());
  }
  return env.Undefined();
}

Napi::Value NativeModel::SetFold(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Engine& e = live(env);
  if (busy_) throw Napi::Error::New(env, "native backend: a call is still running; await it before the next");
  const std::uint32_t term = uint32_value(env, info[0], "term");
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "native backend: setFold: column must be a number");
  try {
    e.set_fold(term, static_cast<std::int64_t>(info[1].As<Napi::Number>().Int64Value()));
  } catch (const std::invalid_argument& ex) {
    throw Napi::RangeError::New(env, std::string("native backend: setFold: ") + ex.what());
  }
  return env.Undefined();
}

Napi::Value NativeModel::SetFixedBasis(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  Engine& e = live(env);
  if (busy_) throw Napi::Error::New(env, "native backend: a call is still running; await it before the next");
  const Napi::Float64Array L = float64_array(env, info[0], "native backend: setFixedBasis: L");
  const std::size_t length = L.ElementLength();
  std::uint32_t p = 0;
  while (static_cast<std::size_t>(p + 1) * (p + 1) <= length) p++;
  if (static_cast<std::size_t>(p) * p != length) throw Napi::RangeError::New(env, "native backend: setFixedBasis: L is not square");
  try {
    e.set_fixed_basis(L.Data(), p);
  } catch (const std::invalid_argument& ex) {
    throw Napi::RangeError::New(env, std::string("native backend: setFixedBasis: ") + ex.what());
  }
  return env.Undefined();
}

Napi::Value NativeModel::Dispose(const Napi::CallbackInfo& info) {
  if (busy_) throw Napi::Error::New(info.Env(), "native backend: dispose() while a call is running");
  engine_.reset();
  return info.Env().Undefined();
}

// PSIS-LOO (psis.hpp): one object per LOO run, with its own pool and per-thread scratch sized for nDraws.
class PsisLooObject : public Napi::ObjectWrap<PsisLooObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "PsisLoo",
                       {
                           InstanceMethod<&PsisLooObject::Run>("run"),
                           InstanceMethod<&PsisLooObject::RunSync>("runSync"),
                           InstanceMethod<&PsisLooObject::Dispose>("dispose"),
                           InstanceAccessor<&PsisLooObject::Threads>("threads"),
                       });
  }

  explicit PsisLooObject(const Napi::CallbackInfo& info);
  PsisLoo& psis() { return *psis_; }
  void finish() { busy_ = false; }

 private:
  // The arrays of one call, checked; `refs` keeps them alive for an asynchronous call.
  struct Args {
    const double* values;
    std::size_t count;
    const double* r_eff;
    PsisOutputs out;
  };
  Args args(const Napi::CallbackInfo& info, std::vector<Napi::Reference<Napi::Value>>* refs);
  PsisLoo& live(const Napi::Env& env) {
    if (!psis_) throw Napi::Error::New(env, "native PSIS: used after dispose()");
    if (busy_) throw Napi::Error::New(env, "native PSIS: a call is still running; await it before the next");
    return *psis_;
  }
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunSync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Threads(const Napi::CallbackInfo& info) {
    if (!psis_) throw Napi::Error::New(info.Env(), "native PSIS: used after dispose()");
    return Napi::Number::New(info.Env(), psis_->threads());
  }

  std::unique_ptr<PsisLoo> psis_;
  bool busy_ = false;
};

class PsisCallWork : public Napi::AsyncWorker {
 public:
  PsisCallWork(Napi::Env env, PsisLooObject* owner, Napi::Object self, const double* values, std::size_t count,
               const double* r_eff, const PsisOutputs& out, std::vector<Napi::Reference<Napi::Value>> refs)
      : Napi::AsyncWorker(env, "nutmeg:psis"),
        owner_(owner),
        deferred_(Napi::Promise::Deferred::New(env)),
        values_(values),
        count_(count),
        r_eff_(r_eff),
        out_(out),
        refs_(std::move(refs)) {
    self_ = Napi::Persistent(self);
  }
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_ = owner_->psis().block(values_, count_, r_eff_, out_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    owner_->finish();
    deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(result_)));
  }
  void OnError(const Napi::Error& error) override {
    owner_->finish();
    deferred_.Reject(error.Value());
  }

 private:
  PsisLooObject* owner_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference self_;
  const double* values_;
  std::size_t count_;
  const double* r_eff_;
  PsisOutputs out_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
  std::int64_t result_ = -1;
};

PsisLooObject::PsisLooObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PsisLooObject>(info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "PsisLoo needs an options object");
  const Napi::Object o = info[0].As<Napi::Object>();
  const std::uint32_t n_draws = uint32_value(env, o.Get("nDraws"), "nDraws");
  const std::uint32_t n_chains = uint32_value(env, o.Get("nChains"), "nChains");
  const Napi::Value order_value = o.Get("order");
  if (!order_value.IsTypedArray() || order_value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      order_value.As<Napi::Uint32Array>().ElementLength() != n_draws) {
    throw Napi::TypeError::New(env, "order must be a Uint32Array of nDraws entries");
  }
  Napi::Float64Array blom = float64_array(env, o.Get("blom"), "blom");
  const unsigned threads = uint32_value(env, o.Get("threads"), "threads");
  try {
    psis_ = std::make_unique<PsisLoo>(n_draws, n_chains, order_value.As<Napi::Uint32Array>().Data(), blom.Data(),
                                      blom.ElementLength(), threads);
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, std::string("native PSIS: ") + e.what());
  }
}

PsisLooObject::Args PsisLooObject::args(const Napi::CallbackInfo& info,
                                        std::vector<Napi::Reference<Napi::Value>>* refs) {
  const Napi::Env env = info.Env();
  const PsisLoo& p = live(env);
  Napi::Float64Array values = float64_array(env, info[0], "values");
  const std::uint32_t count = uint32_value(env, info[1], "count");
  if (values.ElementLength() < static_cast<std::size_t>(p.n_draws()) * count) {
    throw Napi::RangeError::New(env, "native PSIS: values has fewer than nDraws x count entries");
  }
  const double* r_eff = optional_float64(env, info[2], "rEff", count);
  if (!info[3].IsObject()) throw Napi::TypeError::New(env, "native PSIS: outputs must be an object of Float64Arrays");
  const Napi::Object o = info[3].As<Napi::Object>();
  auto output = [&](const char* name) {
    Napi::Float64Array a = float64_array(env, o.Get(name), name);
    if (a.ElementLength() < count) throw Napi::RangeError::New(env, std::string(name) + " is shorter than count");
    if (refs) refs->push_back(Napi::Persistent(static_cast<Napi::Value>(a)));
    return a.Data();
  };
  Args a{values.Data(), count, r_eff, {}};
  a.out = PsisOutputs{output("elpdLoo"), output("mcseElpdLoo"), output("pLoo"), output("looic"),
                      output("paretoK"),  output("rEff"),        output("nEff")};
  if (refs) {
    refs->push_back(Napi::Persistent(static_cast<Napi::Value>(values)));
    if (r_eff) refs->push_back(Napi::Persistent(info[2]));
  }
  return a;
}

Napi::Value PsisLooObject::Run(const Napi::CallbackInfo& info) {
  std::vector<Napi::Reference<Napi::Value>> refs;
  const Args a = args(info, &refs);
  busy_ = true;
  auto* work = new PsisCallWork(info.Env(), this, Value(), a.values, a.count, a.r_eff, a.out, std::move(refs));
  Napi::Promise promise = work->promise();
  work->Queue();
  return promise;
}

Napi::Value PsisLooObject::RunSync(const Napi::CallbackInfo& info) {
  const Args a = args(info, nullptr);
  return Napi::Number::New(info.Env(), static_cast<double>(psis_->block(a.values, a.count, a.r_eff, a.out)));
}

Napi::Value PsisLooObject::Dispose(const Napi::CallbackInfo& info) {
  if (busy_) throw Napi::Error::New(info.Env(), "native PSIS: dispose() while a call is running");
  psis_.reset();
  return info.Env().Undefined();
}

Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("avx2Fma", Napi::Boolean::New(info.Env(), cpu_has_avx2_fma()));
  o.Set("avx512", Napi::Boolean::New(info.Env(), cpu_has_avx512()));
  return o;
}

#if defined(__linux__)
constexpr std::size_t kHugePage = std::size_t{1} << 21;

/** A mapping made by LargeBuffer: where it starts and its length, for munmap when the ArrayBuffer is collected. */
struct Mapping {
  void* base;
  std::size_t length;
};
#endif

Napi::Value LargeBuffer(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "largeBuffer: bytes must be a number");
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  if (!(requested >= 0 && requested <= 9007199254740991.0) || requested != static_cast<double>(static_cast<std::uint64_t>(requested))) {
    throw Napi::RangeError::New(env, "largeBuffer: bytes must be a non-negative integer");
  }
  const auto bytes = static_cast<std::size_t>(requested);
#if defined(__linux__)
  if (bytes >= kHugePage) {
    // one huge page more than needed, so that the buffer can start on a 2 MiB boundary (THP maps aligned 2 MiB ranges)
    const std::size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage + kHugePage;
    void* base = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base != MAP_FAILED) {
      const auto address = reinterpret_cast<std::uintptr_t>(base);
      auto* start = reinterpret_cast<void*>((address + kHugePage - 1) / kHugePage * kHugePage);
      madvise(start, length - kHugePage, MADV_HUGEPAGE);  // (advice: where it is refused, pages stay 4 KiB)
      auto* mapping = new Mapping{base, length};
      return Napi::ArrayBuffer::New(
          env, start, bytes,
          [](Napi::Env, void*, Mapping* m) {
            munmap(m->base, m->length);
            delete m;
          },
          mapping);
    }
  }
#endif
  return Napi::ArrayBuffer::New(env, bytes);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeModel", NativeModel::Define(env));
  exports.Set("PsisLoo", PsisLooObject::Define(env));
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures, "cpuFeatures"));
  exports.Set("largeBuffer", Napi::Function::New(env, LargeBuffer, "largeBuffer"));
  return exports;
}

}  // namespace
}  // namespace nutmeg

static Napi::Object InitNutmegNative(Napi::Env env, Napi::Object exports) { return nutmeg::Init(env, exports); }

NODE_API_MODULE(nutmeg_native, InitNutmegNative)
