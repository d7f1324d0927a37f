/* bench_tune.c -- speed of `tune sensitivity`'s Monte Carlo uncertainty analysis (dti_tune_sens_mc) at 1 and
 * 2 threads, on the two workloads of issues 5 and 15:
 *   (a) DTI: 63 provinces x 8 indicators of SYNTHETIC data (fixed-seed GSL generator, uniform on
 *       [0.2, 1] like the published main-indicator values) under the DTI weights, with every weight
 *       (+-25%), the normalisation (none, min-max, z-score) and the aggregation randomised
 *       (models/uncertainty-dti.yaml);
 *   (b) ASEM: models/asem.yaml + data/asem.yaml (51 x 49, 4 levels) with the winsorisation limit
 *       (1-5), the normalisation (min-max or z-score), the weights (+-25% at levels 2 and 3) and the
 *       aggregation randomised (models/uncertainty-asem.yaml).
 * Each figure is the median of S_REPS timings with their spread (min-max): timings move by up to 40% on
 * shared machines, and the load average is printed with them.  Beside each: the goal of issue 15 and the
 * arithmetic limit, the time the floating-point work of a replication would take at one operation per
 * cycle (S_FLOP_RATE per core); and the CPU seconds of all threads (on an idle machine the wall time is about
 * CPU / threads: the figure that survives a loaded machine).  Memory is fixed by the workspaces and the
 * rank counters (3 x 128 per unit), not by the number of replications: the peak resident size is printed
 * after 10^5 and after 10^6.
 * Figures only; no assertion.  `make bench`; `bench_tune a|b RUNS THREADS` times one case once. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "internal.h"

#include "bench_util.h"
#include "tune.h"

#define SEED 20250105UL        /* the synthetic table */
#define RUNS_DTI 1000000       /* goal (a): 10^6 replications ... */
#define GOAL_DTI_SEC 1.0       /* ... in under 1 s on 2 threads (issue 15; issue 5 asked 3 s) */
#define RUNS_ASEM 100000       /* enough for a stable rate */
#define GOAL_ASEM_US 5.0       /* goal (b): at most 5 us per replication on 2 threads (issue 15) */
#define COINR_SEC_PER_REP 0.19 /* COINr 1.1.14 on this machine: 1,000 replications of (b) in 186 s */
#define S_REPS 5
#define S_FLOP_RATE 3e9 /* one floating-point operation per cycle at 3 GHz, per core */
/* The floating-point work of one replication from the memo (stages 1-5 are done once per discrete
 * choice): (a) the weighted sum of 8 x 63 values (2 operations each), the geometric mean's 63 exp()
 * (about 20 operations each) half the time, the rounding keys (63 x 6) and the ranking (about 10 per
 * unit); (b) the same over 49 x 51 values and 10 aggregates x 51 units, with a log() and an exp() per
 * aggregate value half the time, and the ranking of 51. */
#define FLOPS_DTI (2.0 * 8 * 63 + 0.5 * 20 * 63 + 6.0 * 63 + 10.0 * 63)
#define FLOPS_ASEM (2.0 * 59 * 51 + 0.5 * 40 * 11 * 51 + 10.0 * 51)
#define N_UNITS 63

static double S_cpu_last; /* the CPU seconds of the last S_time */

static void S_die(const dti_error *err)
{
    dti_error_print(err, stderr);
    exit(2);
}

static double S_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static double S_time(const dti_framework *fw, const dti_dataset *ds, const char *path, size_t threads, size_t runs)
{
    dti_error err;
    dti_error_init(&err);
    dti_tune_sens *s = NULL;
    dti_uncertainty *unc = NULL;
    if (dti_uncertainty_load(path, &unc, &err) || dti_tune_sens_new(fw, ds, unc, threads, &s, &err))
        S_die(&err);
    double t0 = bench_now(), c0 = bench_cpu();
    if (dti_tune_sens_mc(s, runs, 1, 10, &err))
        S_die(&err);
    double t = bench_now() - t0;
    S_cpu_last = bench_cpu() - c0;
    dti_tune_sens_free(s);
    dti_uncertainty_free(unc);
    return t;
}

/* Median of S_REPS timings of `runs` replications into t[] (sorted); *cpu the median CPU seconds. */
static double S_median(const dti_framework *fw, const dti_dataset *ds, const char *path, size_t threads, size_t runs,
                       double *t, double *cpu)
{
    double c[S_REPS];
    for (int k = 0; k < S_REPS; k++) {
        t[k] = S_time(fw, ds, path, threads, runs);
        c[k] = S_cpu_last;
    }
    qsort(t, S_REPS, sizeof *t, bench_cmp_double);
    qsort(c, S_REPS, sizeof *c, bench_cmp_double);
    *cpu = c[S_REPS / 2];
    return t[S_REPS / 2];
}

/* A DTI-shaped framework of 8 scored indicators with the official points, and SYNTHETIC data. */
static dti_framework *S_dti(dti_dataset *ds, char (*codes)[8])
{
    static const double points[8] = {100, 100, 100, 100, 100, 200, 150, 150};
    dti_error err;
    dti_error_init(&err);
    char path[] = "/tmp/dti_bench_tune_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        abort();
    fputs("name: synthetic-dti\nprecision: 4\nnodes:\n  - id: dti\n", f);
    for (size_t j = 0; j < 8; j++)
        fprintf(f, "  - id: i%zu\n    parent: dti\n    weight: %g\n", j, points[j]);
    fclose(f);
    dti_framework *fw = NULL;
    if (dti_framework_load(path, &fw, &err))
        S_die(&err);
    unlink(path);
    memset(ds, 0, sizeof *ds);
    ds->path = "synthetic";
    ds->n_units = N_UNITS;
    ds->n_indicators = 8;
    ds->unit = calloc(N_UNITS, sizeof *ds->unit);
    ds->name = calloc(N_UNITS, sizeof *ds->name);
    ds->values = calloc(N_UNITS * 8, sizeof *ds->values);
    if (!ds->unit || !ds->name || !ds->values)
        abort();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, SEED);
    for (size_t u = 0; u < N_UNITS; u++) {
        snprintf(codes[u], 8, "P%02zu", u + 1);
        ds->unit[u] = ds->name[u] = codes[u];
        for (size_t j = 0; j < 8; j++)
            ds->values[u * 8 + j] = 0.2 + 0.8 * gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
    return fw;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    dti_error err;
    dti_error_init(&err);
    dti_dataset ds;
    char codes[N_UNITS][8];
    dti_framework *fw = S_dti(&ds, codes);
    dti_framework *afw = NULL;
    dti_dataset *ads = NULL;
    if (dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &afw, &err) ||
        dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", afw, NULL, NULL, &ads, &err))
        S_die(&err);
    const char *udti = DTI_SRCDIR "/models/uncertainty-dti.yaml", *uasem = DTI_SRCDIR "/models/uncertainty-asem.yaml";
    if (argc > 3) { /* one timing, e.g. under a profiler */
        size_t runs = strtoul(argv[2], NULL, 10), threads = strtoul(argv[3], NULL, 10);
        int a = argv[1][0] == 'a';
        double t = S_time(a ? fw : afw, a ? &ds : ads, a ? udti : uasem, threads, runs);
        printf("(%s) %zu replications, %zu threads: %.3f s, %.3f us per replication\n", a ? "a" : "b", runs, threads,
               t, t * 1e6 / (double)runs);
    } else {
        printf("tune sensitivity, Monte Carlo uncertainty analysis: median of %d timings (min-max); load average "
               "%.2f\n", S_REPS, bench_load());
        double t[S_REPS], cpu;
        S_time(fw, &ds, udti, 2, RUNS_DTI / 10);
        double rss5 = S_rss_mb();
        for (size_t th = 1; th <= 2; th++) {
            double m = S_median(fw, &ds, udti, th, RUNS_DTI, t, &cpu);
            printf("(a) DTI 63 x 8 SYNTHETIC, 10^6 replications, %zu thread%s: %6.3f s (%.3f-%.3f; CPU %.3f s)   ", th,
                   th > 1 ? "s" : " ", m, t[0], t[S_REPS - 1], cpu);
            if (th == 2)
                printf("goal < %.0f s; arithmetic limit %.2f s\n", GOAL_DTI_SEC, FLOPS_DTI * RUNS_DTI / S_FLOP_RATE / 2);
            else
                printf("(%.2f us per replication)\n", m * 1e6 / RUNS_DTI);
        }
        printf("    peak resident memory: %.1f MB after 10^5 replications, %.1f MB after 10^6\n", rss5, S_rss_mb());
        for (size_t th = 1; th <= 2; th++) {
            double m = S_median(afw, ads, uasem, th, RUNS_ASEM, t, &cpu) * 1e6 / RUNS_ASEM;
            printf("(b) ASEM 51 x 49, 4 levels, per replication, %zu thread%s: %6.2f us (%.2f-%.2f; CPU %.2f us)   ", th,
                   th > 1 ? "s" : " ", m, t[0] * 1e6 / RUNS_ASEM, t[S_REPS - 1] * 1e6 / RUNS_ASEM, cpu * 1e6 / RUNS_ASEM);
            if (th == 2)
                printf("goal <= %.0f us; arithmetic limit %.2f us; COINr %.0f us (%.0fx)\n", GOAL_ASEM_US,
                       FLOPS_ASEM / S_FLOP_RATE / 2 * 1e6, COINR_SEC_PER_REP * 1e6, COINR_SEC_PER_REP * 1e6 / m);
            else
                printf("(COINr 1.1.14: %.0f us, %.0fx)\n", COINR_SEC_PER_REP * 1e6, COINR_SEC_PER_REP * 1e6 / m);
        }
    }
    dti_dataset_free(ads);
    dti_framework_free(afw);
    dti_framework_free(fw);
    free(ds.values);
    free(ds.name);
    free(ds.unit);
    return 0;
}
