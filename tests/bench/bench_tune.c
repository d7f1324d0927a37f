/* bench_tune.c -- replications per second of `tune sensitivity`'s Monte Carlo uncertainty analysis
 * (dti_tune_sens_mc), at 1 and 2 threads, on the two workloads of issue 5:
 *   (a) DTI: 63 provinces x 8 indicators of SYNTHETIC data (fixed-seed GSL generator, uniform on
 *       [0.2, 1] like the published main-indicator values) under the DTI weights, with every weight
 *       (+-25%), the normalisation (none, min-max, z-score) and the aggregation randomised
 *       (models/uncertainty-dti.yaml);
 *   (b) ASEM: models/asem.yaml + data/asem.yaml (51 x 49, 4 levels) with the winsorisation limit
 *       (1-5), the normalisation (min-max or z-score), the weights (+-25% at levels 2 and 3) and the
 *       aggregation randomised (models/uncertainty-asem.yaml).
 * Figures only; no assertion.  Memory is fixed by the workspaces and the rank histograms (units^2),
 * not by the number of replications.  `make bench`. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h"
#include "internal.h"
#include "tune.h"

#define SEED 20250105UL       /* the synthetic table */
#define RUNS_DTI 1000000      /* goal (a): 10^6 replications in under 3 s */
#define RUNS_ASEM 100000      /* enough for a stable rate */
#define COINR_SEC_PER_REP 0.19 /* COINr 1.1.14 on this machine: 1,000 replications of (b) in 186 s */
#define GOAL_ASEM_US 40.0      /* goal (b): under 40 us per replication (>= 5,000x COINr) */
#define N_UNITS 63

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void S_die(const dti_error *err)
{
    dti_error_print(err, stderr);
    exit(2);
}

static double S_time(const dti_framework *fw, const dti_dataset *ds, const char *path, size_t threads, size_t runs)
{
    dti_error err;
    dti_error_init(&err);
    dti_tune_sens *s = NULL;
    dti_uncertainty *unc = NULL;
    if (dti_uncertainty_load(path, &unc, &err) || dti_tune_sens_new(fw, ds, unc, threads, &s, &err))
        S_die(&err);
    double t0 = S_now();
    if (dti_tune_sens_mc(s, runs, 1, 10, &err))
        S_die(&err);
    double t = S_now() - t0;
    dti_tune_sens_free(s);
    dti_uncertainty_free(unc);
    return t;
}

int main(void)
{
    gsl_set_error_handler_off();
    dti_error err;
    dti_error_init(&err);
    /* (a) a DTI-shaped framework of 8 scored indicators with the official points */
    static const double points[8] = {100, 100, 100, 100, 100, 200, 150, 150};
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
    dti_dataset ds = {0};
    ds.path = "synthetic";
    ds.n_units = N_UNITS;
    ds.n_indicators = 8;
    ds.unit = calloc(N_UNITS, sizeof *ds.unit);
    ds.name = calloc(N_UNITS, sizeof *ds.name);
    ds.values = calloc(N_UNITS * 8, sizeof *ds.values);
    char codes[N_UNITS][8];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, SEED);
    for (size_t u = 0; u < N_UNITS; u++) {
        snprintf(codes[u], sizeof codes[u], "P%02zu", u + 1);
        ds.unit[u] = ds.name[u] = codes[u];
        for (size_t j = 0; j < 8; j++)
            ds.values[u * 8 + j] = 0.2 + 0.8 * gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
    double a1 = S_time(fw, &ds, DTI_SRCDIR "/models/uncertainty-dti.yaml", 1, RUNS_DTI);
    double a2 = S_time(fw, &ds, DTI_SRCDIR "/models/uncertainty-dti.yaml", 2, RUNS_DTI);

    /* (b) ASEM */
    dti_framework *afw = NULL;
    dti_dataset *ads = NULL;
    if (dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &afw, &err) ||
        dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", afw, NULL, NULL, &ads, &err))
        S_die(&err);
    double b1 = S_time(afw, ads, DTI_SRCDIR "/models/uncertainty-asem.yaml", 1, RUNS_ASEM);
    double b2 = S_time(afw, ads, DTI_SRCDIR "/models/uncertainty-asem.yaml", 2, RUNS_ASEM);

    printf("tune sensitivity, Monte Carlo uncertainty analysis (replications per second)\n");
    printf("%-44s %14s %14s\n", "workload", "1 thread", "2 threads");
    printf("%-44s %10.0f/s   %10.0f/s\n", "(a) DTI 63 x 8 SYNTHETIC (fixed seed)", RUNS_DTI / a1, RUNS_DTI / a2);
    printf("%-44s %11.2f s   %11.2f s   (goal < 3 s)\n", "    10^6 replications", a1 * 1e6 / RUNS_DTI,
           a2 * 1e6 / RUNS_DTI);
    printf("%-44s %10.0f/s   %10.0f/s\n", "(b) ASEM 51 x 49, 4 levels", RUNS_ASEM / b1, RUNS_ASEM / b2);
    printf("%-44s %10.2f us   %10.2f us   (goal < %.0f us; COINr %.0f us)\n", "    per replication",
           b1 * 1e6 / RUNS_ASEM, b2 * 1e6 / RUNS_ASEM, GOAL_ASEM_US, COINR_SEC_PER_REP * 1e6);
    printf("%-44s %10.0fx   %10.0fx\n", "    speed-up over COINr 1.1.14", COINR_SEC_PER_REP / (b1 / RUNS_ASEM),
           COINR_SEC_PER_REP / (b2 / RUNS_ASEM));
    dti_dataset_free(ads);
    dti_framework_free(afw);
    dti_framework_free(fw);
    free(ds.values);
    free(ds.name);
    free(ds.unit);
    return 0;
}
