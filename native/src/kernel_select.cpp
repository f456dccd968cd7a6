#include "kernel.hpp"

namespace nutmeg {

// __builtin_cpu_supports also checks that the operating system saves the vector registers (XGETBV).
bool cpu_has_avx2_fma() {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  __builtin_cpu_init();
  return cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
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
    case KernelChoice::Avx512:
      return cpu_has_avx512() ? &avx512::kernels : nullptr;
    case KernelChoice::Auto:
      return cpu_has_avx512() ? &avx512::kernels : cpu_has_avx2_fma() ? &avx2::kernels : &baseline::kernels;
  }
  return nullptr;
}

}  // namespace nutmeg
