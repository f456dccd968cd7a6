// The kernels for x86-64 CPUs with AVX2 and FMA. The build compiles this file alone with -mavx2 -mfma; it is
// called only after kernel_select.cpp has checked the CPU (elsewhere it is compiled without those flags).
#define NUTMEG_KERNEL_NS avx2
#define NUTMEG_KERNEL_ISA_NAME "avx2+fma"
#include "kernel_impl.hpp"
