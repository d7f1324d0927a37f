/* bench_project.c -- speed of the projection on the embedded record: the sampler's fit of every latent
 * model, and the Monte Carlo of the default model (100,000 runs, both frames to 2030) at 1 and 2 threads.
 * Each figure is the median of 5 timings with the spread (min-max): timings move by up to 40% on these
 * shared machines.  Printed next to the goals of issues 9 and 15; no assertion (make bench). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "internal.h"
#include "merger.h"
#include "project.h"

#define S_REPS 5

static double S_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int S_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void S_report(const char *what, double *t, const char *goal)
{
    qsort(t, S_REPS, sizeof *t, S_cmp);
    printf("  %-44s %7.3f s  (min %.3f, max %.3f)   %s\n", what, t[S_REPS / 2], t[0], t[S_REPS - 1], goal);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *home = argc > 1 ? argv[1] : DTI_SRCDIR;
    size_t runs = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    char path[1024];
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_merger m;
    snprintf(path, sizeof path, "%s/data/provinces.yaml", home);
    if (dti_registry_load(path, &reg, &err))
        goto fail;
    snprintf(path, sizeof path, "%s/data/merger-2025.yaml", home);
    if (dti_merger_load(path, reg, &m, &err))
        goto fail;
    dti_registry_attach_units(reg, dti_merger_units_registry(&m, reg, "merger-2025"));
    dti_year *years[DTI_PROJECT_MAX_YEARS];
    size_t ny = 0;
    for (int y = 2020; y <= 2024; y++) {
        snprintf(path, sizeof path, "%s/data/dti/%d.yaml", home, y);
        char models[1024];
        snprintf(models, sizeof models, "%s/models", home);
        if (dti_year_load(path, reg, models, &years[ny], &err))
            goto fail;
        ny++;
    }
    dti_project_obs obs;
    if (dti_project_obs_init(&obs, (const dti_year *const *)years, ny, reg, &m, &err))
        goto fail;
    dti_projection_config cfg;
    snprintf(path, sizeof path, "%s/models/projection.yaml", home);
    if (dti_projection_config_load(path, &cfg, &err))
        goto fail;
    printf("projection bench: the record 2020-2024, median of %d timings (min, max)\n", S_REPS);
    /* the sampler: every latent model, 2 threads (its chains run in parallel) */
    dti_project_fit fit = {0};
    for (int model = DTI_MODEL_AR1; model < DTI_MODEL_COUNT; model++) {
        double t[S_REPS];
        for (int k = 0; k < S_REPS; k++) {
            dti_latent_settings ls = cfg.sampler;
            ls.threads = 2;
            double t0 = S_now();
            if (dti_project_fit_model(&obs, ny, model, &ls, &fit, &err))
                goto fail;
            t[k] = S_now() - t0;
            if (model != cfg.model || k < S_REPS - 1)
                dti_project_fit_clear(&fit);
        }
        char what[96];
        snprintf(what, sizeof what, "fit %s (%zu chains x %zu sweeps, 2 threads)", dti_project_model_name(model),
                 cfg.sampler.chains, cfg.sampler.sweeps);
        S_report(what, t, "(part of the command's time)");
        if (model == cfg.model) /* keep the default's fit for the Monte Carlo below */
            break;
    }
    for (size_t threads = 1; threads <= 2; threads++) {
        double t[S_REPS];
        for (int k = 0; k < S_REPS; k++) {
            dti_project_settings set = {.runs = runs, .seed = 1, .threads = threads, .until = cfg.until,
                                        .origin_index = ny - 1, .merger = &m, .merge_year = 2024,
                                        .units_from = cfg.sampler.units_from, .n_changes = cfg.n_changes};
            memcpy(set.change_year, cfg.change_year, sizeof set.change_year);
            memcpy(set.change_prob, cfg.change_prob, sizeof set.change_prob);
            dti_projection pr;
            double t0 = S_now();
            if (dti_project_simulate(&obs, &fit, &set, &pr, &err))
                goto fail;
            t[k] = S_now() - t0;
            dti_projection_clear(&pr);
        }
        char what[96];
        snprintf(what, sizeof what, "simulate %s: %zu runs, both frames, %zu thread%s", dti_project_model_name(cfg.model),
                 runs, threads, threads > 1 ? "s" : "");
        S_report(what, t, threads == 2 ? "goal < 1 s (issue 9), < 0.5 s (issue 15)" : "");
    }
    dti_project_fit_clear(&fit);
    dti_project_obs_clear(&obs);
    for (size_t i = 0; i < ny; i++)
        dti_year_free(years[i]);
    dti_merger_clear(&m);
    dti_registry_free(reg);
    return 0;
fail:
    dti_error_print(&err, stderr);
    return 1;
}
