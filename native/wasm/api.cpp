// The WebAssembly build's C ABI over the engine (engine.hpp): what src/backend/wasm/module.ts calls, in place of the
// Node-API glue of addon.cpp. Built twice (scripts/build-wasm.mjs): without threads, where the engine's pool has size 1
// and starts no thread; and with -pthread, where header[10] threads share each call (the caller's thread is one of
// them; the others are Emscripten pthreads, Web Workers of the pool the glue starts). Every call returns when done. Pointers are 32-bit offsets into the module's memory; the caller allocates
// the input arrays with malloc, and the engine's staging and result buffers are read through the accessors below.
//
//   nutmeg_model_create(header, aux, X, y, trials, log_choose, terms)  -> handle (nullptr only when out of memory)
//       header: family, link, n_aux, n, p, dim, n_terms, max_chains, max_draws, layout (uint32 each; the enums'
//       values as in family.hpp and model.hpp LayoutChoice), threads (ignored without -pthread); terms: per term index, x (0 for an intercept), levels,
//       flags (1 non-centered, 2 flat), sd_index, offset. The arrays are copied: the caller may free them after.
//   nutmeg_model_error(handle)       the message of the last failed call ("" when none)
//   nutmeg_gradient(handle, n_chains) / nutmeg_pointwise(handle, n_draws, row_start, row_count, out)  -> 0, or 1 on
//       failure (the message in nutmeg_model_error)
//   nutmeg_set_rotated(handle, term, rotated)  -> 0, or 1 for a bad term: term's level coordinates arrive
//       Helmert-rotated from now on (engine.hpp set_rotated; the staged positions and draws are mapped in place)
//   nutmeg_set_fold(handle, term, column)  -> 0, or 1 for a bad term or column: the rotated term's mean is folded
//       into fixed coordinate `column` (−1: none; engine.hpp set_fold)
//   nutmeg_positions / active / logp / grad / aux_grad / draws(handle)  the engine's buffers (engine.hpp)
//   nutmeg_isa / layout / layout_summary / storage(handle)            descriptions (NUL-terminated)
//   nutmeg_model_free(handle)
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>

#include <emscripten/emscripten.h>

#include "../src/engine.hpp"

namespace {

struct Handle {
  std::unique_ptr<nutmeg::Engine> engine;
  std::string error;
  std::string storage, layout_summary;
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE Handle* nutmeg_model_create(const std::uint32_t* header, const std::uint32_t* aux, const double* X,
                                                 const double* y, const double* trials, const double* log_choose,
                                                 const std::uint32_t* terms) {
  Handle* h = new (std::nothrow) Handle();
  if (h == nullptr) return nullptr;
  try {
    nutmeg::ModelInput in;
    in.family = static_cast<nutmeg::Family>(header[0]);
    in.link = static_cast<nutmeg::Link>(header[1]);
    for (std::uint32_t a = 0; a < header[2]; a++) in.aux_index.push_back(aux[a]);
    in.n = header[3];
    in.p = header[4];
    in.dim = header[5];
    in.X = X;
    in.y = y;
    in.trials = trials;
    in.log_choose = log_choose;
    for (std::uint32_t t = 0; t < header[6]; t++) {
      const std::uint32_t* row = terms + 6 * t;
      nutmeg::TermInput ti;
      ti.index = reinterpret_cast<const std::uint32_t*>(static_cast<std::uintptr_t>(row[0]));
      ti.x = reinterpret_cast<const double*>(static_cast<std::uintptr_t>(row[1]));
      ti.levels = row[2];
      ti.noncentered = (row[3] & 1u) != 0;
      ti.flat = (row[3] & 2u) != 0;
      ti.sd_index = row[4];
      ti.offset = row[5];
      in.terms.push_back(ti);
    }
    nutmeg::EngineOptions options;
#ifdef __EMSCRIPTEN_PTHREADS__
    options.threads = header[10] == 0 ? 1 : header[10];
#else
    options.threads = 1;
#endif
    options.max_chains = header[7];
    options.max_draws = header[8];
    options.kernels = nutmeg::KernelChoice::Baseline;
    options.layout = static_cast<nutmeg::LayoutChoice>(header[9]);
    h->engine = std::make_unique<nutmeg::Engine>(in, options);
    // the draws' staging buffer now, not on first use: JavaScript keeps views of this memory (module.ts makeViews),
    // which a later growth would detach
    h->engine->draws();
    h->storage = h->engine->storage_summary();
    h->layout_summary = h->engine->layout_summary();
  } catch (const std::exception& e) {
    h->engine.reset();
    h->error = e.what();
  }
  return h;
}

EMSCRIPTEN_KEEPALIVE const char* nutmeg_model_error(Handle* h) { return h->error.c_str(); }

EMSCRIPTEN_KEEPALIVE int nutmeg_gradient(Handle* h, std::uint32_t n_chains) {
  try {
    h->engine->stage_positions(h->engine->positions(), n_chains);  // rotated terms mapped in place
    h->engine->gradient(n_chains);
    return 0;
  } catch (const std::exception& e) {
    h->error = e.what();
    return 1;
  }
}

EMSCRIPTEN_KEEPALIVE int nutmeg_pointwise(Handle* h, std::uint32_t n_draws, std::uint32_t row_start,
                                          std::uint32_t row_count, double* out) {
  try {
    h->engine->stage_draws(h->engine->draws(), n_draws);  // rotated terms mapped in place
    h->engine->pointwise(n_draws, row_start, row_count, out);
    return 0;
  } catch (const std::exception& e) {
    h->error = e.what();
    return 1;
  }
}

EMSCRIPTEN_KEEPALIVE int nutmeg_set_rotated(Handle* h, std::uint32_t term, std::uint32_t rotated) {
  try {
    h->engine->set_rotated(term, rotated != 0);
    return 0;
  } catch (const std::exception& e) {
    h->error = e.what();
    return 1;
  }
}

EMSCRIPTEN_KEEPALIVE int nutmeg_set_fold(Handle* h, std::uint32_t term, std::int32_t column) {
  try {
    h->engine->set_fold(term, column);
    return 0;
  } catch (const std::exception& e) {
    h->error = e.what();
    return 1;
  }
}

EMSCRIPTEN_KEEPALIVE double* nutmeg_positions(Handle* h) { return h->engine->positions(); }
EMSCRIPTEN_KEEPALIVE std::uint8_t* nutmeg_active(Handle* h) { return h->engine->active(); }
EMSCRIPTEN_KEEPALIVE const double* nutmeg_logp(Handle* h) { return h->engine->logp(); }
EMSCRIPTEN_KEEPALIVE const double* nutmeg_grad(Handle* h) { return h->engine->grad(); }
EMSCRIPTEN_KEEPALIVE const double* nutmeg_aux_grad(Handle* h) { return h->engine->aux_grad(); }
EMSCRIPTEN_KEEPALIVE double* nutmeg_draws(Handle* h) { return h->engine->draws(); }
EMSCRIPTEN_KEEPALIVE const char* nutmeg_isa(Handle* h) { return h->engine->isa(); }
EMSCRIPTEN_KEEPALIVE const char* nutmeg_layout(Handle* h) { return h->engine->layout(); }
EMSCRIPTEN_KEEPALIVE const char* nutmeg_layout_summary(Handle* h) { return h->layout_summary.c_str(); }
EMSCRIPTEN_KEEPALIVE const char* nutmeg_storage(Handle* h) { return h->storage.c_str(); }
EMSCRIPTEN_KEEPALIVE void nutmeg_model_free(Handle* h) { delete h; }

}  // extern "C"
