/* bench_util.h -- what every benchmark of tests/bench needs: wall and CPU clocks, the comparison for
 * medians, and the machine's load average (printed beside each figure: timings move by up to 40% on
 * shared machines). */
#ifndef DTI_BENCH_UTIL_H
#define DTI_BENCH_UTIL_H

#include <stdio.h>
#include <time.h>

/* Wall-clock seconds (monotonic). */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the whole process (every thread): on an idle machine wall time ~ CPU / threads; on a
 * loaded one the wall time also holds the waits for a core. */
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort's comparison of doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The 1-minute load average (/proc/loadavg; -1 where there is none): the machine's other work. */
static inline double bench_load(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

#endif
