#include "kernel.hpp"

namespace nutmeg {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
#if defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
#else
  return false;
#endif
}

const KernelTable* select_kernels(KernelChoice choice) {
  switch (choice) {
    case KernelChoice::Baseline:
      return &baseline::kernels;
    case KernelChoice::Avx2:
      return cpu_has_avx2_fma() ? &avx2::kernels : nullptr;
    case KernelChoice::Auto:
      return cpu_has_avx2_fma() ? &avx2::kernels : &baseline::kernels;
  }
  return nullptr;
}

}  // namespace nutmeg
