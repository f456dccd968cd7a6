// The kernels of the WebAssembly build: kernel_impl.hpp compiled once, as the baseline table, with the build's flags
// (-msimd128: clang vectorises the block loops to 128-bit lanes, two doubles each). The x86 tables that
// kernel_select.cpp names are empty here: its CPU checks answer false outside x86, so they are never chosen.
#define NUTMEG_KERNEL_NS baseline
// The threaded build (-pthread) says so in its name, which the backend's description shows.
#ifdef __EMSCRIPTEN_PTHREADS__
#define NUTMEG_KERNEL_THREADS_NAME " + pthreads"
#else
#define NUTMEG_KERNEL_THREADS_NAME ""
#endif
#ifdef __wasm_simd128__
#define NUTMEG_KERNEL_ISA_NAME "wasm simd128" NUTMEG_KERNEL_THREADS_NAME
#else
#define NUTMEG_KERNEL_ISA_NAME "wasm scalar" NUTMEG_KERNEL_THREADS_NAME
#endif
#include "../src/kernel_impl.hpp"

namespace nutmeg {
namespace avx2 {
const KernelTable kernels{"avx2+fma (absent in WebAssembly)", nullptr, nullptr, nullptr, nullptr};
}
namespace avx512 {
const KernelTable kernels{"avx512 (absent in WebAssembly)", nullptr, nullptr, nullptr, nullptr};
}
}  // namespace nutmeg
