/* bench_engine.c -- time per evaluation of the composite-index engine on SYNTHETIC data: 63 units x 8
 * and x 50 indicators drawn from a fixed-seed GSL generator (log-normal, a few cells missing).  Prints
 * the median over repeated batches of the time of one dti_engine_run, for normalise + aggregate +
 * rank alone and for the whole pipeline (impute, JRC outlier treatment included); then leave-one-out
 * over the 49 indicators of the real ASEM example (compare.h).  `make bench`. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "compare.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"

#include "bench_util.h"

#define SEED 20240601UL     /* fixed: every run times the same synthetic table */
#define BATCHES 21          /* the median of 21 batches ... */
#define MIN_BATCH_SEC 0.02  /* ... each at least 20 ms long */
#define MISSING_SHARE 0.02  /* share of missing cells, to exercise the re-weighting */
#define N_UNITS 63          /* provinces of Vietnam before the 2025 merger */

/* A framework of n_ind indicators in pillars of at most 10, written to a temporary file and loaded. */
static dti_framework *S_framework(size_t n_ind, int full)
{
    char path[] = "/tmp/dti_bench_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        abort();
    fprintf(f, "name: synthetic\ndefaults:\n  normalise: {method: minmax, min: 0, max: 100}\n"
               "  aggregate: {method: arithmetic, min_coverage: 1}\n  rank: unrounded\n");
    if (full)
        fprintf(f, "  treat: {method: winsor_jrc, max_points: 5}\n  impute: mean\n");
    fprintf(f, "nodes:\n  - id: index\n");
    size_t n_pil = (n_ind + 9) / 10;
    for (size_t p = 0; p < n_pil; p++)
        fprintf(f, "  - id: p%zu\n    parent: index\n    weight: %zu\n", p, p + 1);
    for (size_t j = 0; j < n_ind; j++)
        fprintf(f, "  - id: i%zu\n    parent: p%zu\n    weight: 1\n    direction: %s\n", j, j % n_pil,
                j % 3 ? "higher" : "lower");
    fclose(f);
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    if (dti_framework_load(path, &fw, &err)) {
        dti_error_print(&err, stderr);
        abort();
    }
    unlink(path);
    return fw;
}

static void S_bench(size_t n_ind, int full)
{
    dti_framework *fw = S_framework(n_ind, full);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, SEED);
    double *raw = malloc(N_UNITS * n_ind * sizeof *raw);
    if (!raw)
        abort();
    for (size_t k = 0; k < N_UNITS * n_ind; k++)
        raw[k] = gsl_rng_uniform(rng) < MISSING_SHARE ? NAN : gsl_ran_lognormal(rng, 0, 1);
    dti_engine *w = dti_engine_alloc(fw, N_UNITS);
    dti_engine_settings s = {0};
    s.skip = full ? 0 : DTI_ENGINE_SKIP_DENOMINATE | DTI_ENGINE_SKIP_IMPUTE | DTI_ENGINE_SKIP_SCREEN |
                            DTI_ENGINE_SKIP_TREAT;
    dti_engine_result r;
    dti_error err;
    dti_error_init(&err);
    size_t reps = 1;
    for (;;) { /* calibrate a batch to at least MIN_BATCH_SEC */
        double t0 = bench_now();
        for (size_t k = 0; k < reps; k++)
            if (dti_engine_run(w, raw, &s, &r, &err))
                abort();
        if (bench_now() - t0 >= MIN_BATCH_SEC)
            break;
        reps *= 2;
    }
    double per[BATCHES];
    for (size_t b = 0; b < BATCHES; b++) {
        double t0 = bench_now();
        for (size_t k = 0; k < reps; k++)
            if (dti_engine_run(w, raw, &s, &r, &err))
                abort();
        per[b] = (bench_now() - t0) / (double)reps;
    }
    qsort(per, BATCHES, sizeof *per, bench_cmp_double);
    printf("engine %2d x %-2zu %-34s %9.2f us/eval  (median of %d batches of %zu; min %.2f, max %.2f)\n",
           N_UNITS, n_ind, full ? "full pipeline (impute, treat, ...)" : "normalise + aggregate + rank",
           per[BATCHES / 2] * 1e6, BATCHES, reps, per[0] * 1e6, per[BATCHES - 1] * 1e6);
    dti_engine_free(w);
    free(raw);
    gsl_rng_free(rng);
    dti_framework_free(fw);
}

/* Leave-one-out over the 49 ASEM indicators with ranks (the issue-14 target: under 50 ms), alone and
 * with the engine run that gives its normalised values. */
static void S_bench_loo(void)
{
    dti_error err;
    dti_error_init(&err);
    dti_framework *afw = NULL;
    dti_dataset *ads = NULL;
    dti_score *sc = NULL;
    if (dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &afw, &err) ||
        dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", afw, NULL, NULL, &ads, &err) ||
        dti_score_run(afw, ads, &sc, &err)) {
        dti_error_print(&err, stderr);
        abort();
    }
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(sc, &fw, &ds, &w, &r);
    dti_loo *loo = dti_loo_alloc(fw, r->n_units);
    dti_loo_result lr;
    dti_engine *e = dti_engine_alloc(fw, ds->n_units);
    size_t *groups = calloc(ds->n_units, sizeof *groups);
    dti_engine_settings s = {0};
    s.denominators = ds->denominators;
    s.unit_names = (const char *const *)ds->unit;
    if (!groups || dti_dataset_groups(ds, fw->defaults.impute.group, groups, &s.n_groups, NULL, &err))
        abort();
    s.groups = groups;
    dti_engine_result er;
    for (int with_engine = 0; with_engine < 2; with_engine++) {
        size_t reps = 1;
        double per[BATCHES];
        for (size_t b = 0; b < BATCHES + 1; b++) {
            double t0 = bench_now();
            for (size_t k = 0; k < reps; k++) {
                if (with_engine && dti_engine_run(e, ds->values, &s, &er, &err))
                    abort();
                if (dti_loo_run(loo, with_engine ? er.normalised : r->normalised, NULL, NULL, 0, &lr, &err))
                    abort();
            }
            double dt = bench_now() - t0;
            if (!b) { /* the first batch calibrates: at least MIN_BATCH_SEC per batch */
                reps = dt < MIN_BATCH_SEC ? (size_t)(MIN_BATCH_SEC / (dt > 0 ? dt : 1e-9)) + 1 : 1;
                continue;
            }
            per[b - 1] = dt / (double)reps;
        }
        qsort(per, BATCHES, sizeof *per, bench_cmp_double);
        printf("leave-one-out ASEM 51 x 49, %-28s %9.3f ms      (median of %d batches of %zu; min %.3f, max %.3f)\n",
               with_engine ? "with the full engine run" : "every indicator, with ranks", per[BATCHES / 2] * 1e3,
               BATCHES, reps, per[0] * 1e3, per[BATCHES - 1] * 1e3);
    }
    free(groups);
    dti_engine_free(e);
    dti_loo_free(loo);
    dti_score_free(sc);
    dti_dataset_free(ads);
    dti_framework_free(afw);
}

int main(void)
{
    gsl_set_error_handler_off();
    printf("SYNTHETIC data (GSL mt19937, seed %lu): log-normal values, %.0f%% missing\n", SEED, MISSING_SHARE * 100);
    S_bench(8, 0);
    S_bench(50, 0);
    S_bench(8, 1);
    S_bench(50, 1);
    S_bench_loo();
    return 0;
}
