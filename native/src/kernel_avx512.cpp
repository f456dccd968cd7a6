// The kernels for x86-64 CPUs with AVX-512 (F, DQ, VL) and FMA. The build compiles this file alone with those
// flags; it is called only after kernel_select.cpp has checked the CPU (elsewhere it is compiled without them).
// Its gain over AVX2 comes mostly from 32 vector registers: the exp/log1p polynomials' constants stay in registers.
#define NUTMEG_KERNEL_NS avx512
#define NUTMEG_KERNEL_ISA_NAME "avx512"
#include "kernel_impl.hpp"
