/*
 * CPU cost of the first writes to fresh anonymous memory (issue 16 item 3, session 10; bench/README.md): 80 MiB
 * mapped and written with memset, three times in one process, for each way of getting the pages:
 *   0  plain 4 KiB pages (what malloc/calloc give a large typed array)
 *   1  madvise(MADV_HUGEPAGE): transparent huge pages (what the addon's largeBuffer does)
 *   2  MAP_POPULATE            3  madvise(MADV_POPULATE_WRITE)   (faulted in by the kernel before the writes)
 * Prints CPU ms (getrusage, user + sys) for the mapping and for the writes.
 *
 *   gcc -O2 bench/micro/first-touch.c -o /tmp/first-touch && for m in 0 1 2 3; do /tmp/first-touch $m; done
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

static double cpu_seconds(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_utime.tv_usec * 1e-6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char** argv) {
  const size_t n = (size_t)80 << 20;
  const int mode = argc > 1 ? atoi(argv[1]) : 0;
  for (int rep = 0; rep < 3; rep++) {
    const double c0 = cpu_seconds();
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (mode == 2 ? MAP_POPULATE : 0);
    char* p = mmap(NULL, n, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return 1;
    if (mode == 1) madvise(p, n, MADV_HUGEPAGE);
    if (mode == 3) madvise(p, n, MADV_POPULATE_WRITE);
    const double c1 = cpu_seconds();
    memset(p, 1, n);
    const double c2 = cpu_seconds();
    printf("mode %d: map %.1f ms, write %.1f ms => %.2f ms per MiB\n", mode, (c1 - c0) * 1e3, (c2 - c1) * 1e3, (c2 - c0) * 1e3 / 80);
    munmap(p, n);
  }
  return 0;
}
