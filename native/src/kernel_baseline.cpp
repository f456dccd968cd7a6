// The kernels for any CPU of the target architecture (SSE2 on x86-64): no extra target flags.
#define NUTMEG_KERNEL_NS baseline
#define NUTMEG_KERNEL_ISA_NAME "baseline"
#include "kernel_impl.hpp"
