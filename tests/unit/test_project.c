/* test_project.c -- projection statistics with known answers, on synthetic panels generated here
 * (SYNTHETIC data: fixed-seed GSL draws, not DTI observations), and invariants on the real record. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "internal.h"
#include "mc.h"
#include "project.h"
#include "testutil.h"

/* Builds a synthetic record of n provinces over T years, all ranks exact, from the panel model
 * x[t+1] = b x[t] + e with the field re-ranked every year (as the simulation does). */
static void S_synthetic(dti_project_obs *obs, size_t n, size_t T, double b, double sigma, unsigned long seed)
{
    memset(obs, 0, sizeof *obs);
    obs->n = n;
    obs->n_years = T;
    obs->exact = calloc(n * T, sizeof(size_t));
    obs->lo = calloc(n * T, sizeof(size_t));
    obs->hi = calloc(n * T, sizeof(size_t));
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    double *x = calloc(n, sizeof *x), *v = calloc(n, sizeof *v);
    size_t *rk = calloc(n, sizeof *rk);
    for (size_t p = 0; p < n; p++)
        v[p] = gsl_ran_gaussian(rng, 1.0);
    for (size_t t = 0; t < T; t++) {
        obs->year[t] = 2000 + (int)t;
        if (t > 0)
            for (size_t p = 0; p < n; p++)
                v[p] = b * x[p] + gsl_ran_gaussian(rng, sigma);
        dti_rank_competition(v, n, -1, rk, NULL, NULL);
        for (size_t p = 0; p < n; p++) {
            obs->exact[t * n + p] = obs->lo[t * n + p] = obs->hi[t * n + p] = rk[p];
            x[p] = -gsl_cdf_ugaussian_Pinv(((double)rk[p] - 0.5) / (double)n);
        }
        obs->complete[t] = 1;
    }
    free(x);
    free(v);
    free(rk);
    gsl_rng_free(rng);
}

/* A simulated panel with known b is recovered within its standard error (3 se: a 0.3% false alarm). */
static void test_project_fit_panel_recovers_b(void **state)
{
    (void)state;
    static const double bs[] = {0.9, 0.6};
    for (size_t k = 0; k < 2; k++) {
        dti_project_obs obs;
        double sigma = sqrt(1 - bs[k] * bs[k]); /* stationary field: var x = 1 */
        S_synthetic(&obs, 300, 6, bs[k], sigma, 20260 + k);
        dti_project_fit fit;
        dti_error err;
        dti_error_init(&err);
        assert_int_equal(dti_project_fit_model(&obs, obs.n_years, DTI_MODEL_PANEL, NULL, &fit, &err), DTI_OK);
        assert_int_equal(fit.n_pairs, 300 * 5);
        /* Ranks -> normal scores change the scale a little: allow 3 se plus 0.02 for that. */
        assert_close(fit.b, bs[k], 0, 3 * fit.se_b + 0.02);
        assert_close(sqrt(fit.s2), sigma, 0, 0.05);
        dti_project_fit_clear(&fit);
        dti_project_obs_clear(&obs);
    }
}

/* Two provinces, fixed parameters (df = 0: no parameter draw): P(A ranks first next year) is
 * Phi(b (xA - xB) / (sigma sqrt 2)), with xA = -Phi^-1(0.25) = 0.6745, xB = -0.6745. */
static void test_project_two_province_closed_form(void **state)
{
    (void)state;
    dti_project_obs obs;
    memset(&obs, 0, sizeof obs);
    size_t ex[2] = {1, 2};
    obs.n = 2;
    obs.n_years = 1;
    obs.year[0] = 2023;
    obs.exact = ex;
    obs.lo = ex;
    obs.hi = ex;
    obs.complete[0] = 1;
    dti_project_fit fit = {.model = DTI_MODEL_PANEL, .a = 0.3, .b = 0.8, .s2 = 0.25, .df = 0};
    dti_project_settings set = {.runs = 200000, .seed = 7, .threads = 2, .until = 2024, .origin_index = 0};
    dti_projection pr;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_project_simulate(&obs, &fit, &set, &pr, &err), DTI_OK);
    double xa = -gsl_cdf_ugaussian_Pinv(0.25);
    double want = gsl_cdf_ugaussian_P(0.8 * 2 * xa / (0.5 * sqrt(2.0))); /* = Phi(2.1586) = 0.98456 */
    double got = dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, 0, 2024, 1);
    double se = sqrt(want * (1 - want) / (double)set.runs);
    assert_close(got, want, 0, 4 * se);
    assert_close(dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, 0, 2023, 1), 1.0, 0, 0); /* observed year kept exactly */
    dti_projection_clear(&pr);
}

/* A record where every province keeps its rank: the pairs lie exactly on a line, so the noise cannot
 * be estimated and the panel model must refuse (it once drew NaN parameters and ranked everyone 1st). */
static void test_project_fit_panel_exact_line(void **state)
{
    (void)state;
    size_t n = 6, ex[12] = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6};
    dti_project_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.n = n;
    obs.n_years = 2;
    obs.year[0] = 2022;
    obs.year[1] = 2023;
    obs.exact = obs.lo = obs.hi = ex;
    dti_project_fit fit;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_project_fit_model(&obs, 2, DTI_MODEL_PANEL, NULL, &fit, &err), DTI_ERR_INPUT);
    assert_non_null(strstr(err.e[0].message, "lie exactly on a line"));
}

/* Upper bounds are honoured in every draw: of 20 provinces, 1..12 have exact ranks, A and B are known
 * to be 13th-14th, and the 6 others only >= 13.  Whatever the predictions, A and B take slots 13 and 14
 * (an earlier rule let a better-predicted '>= 13' province take slot 13 and pushed one of them to 15). */
static void test_project_upper_bounds_honoured(void **state)
{
    (void)state;
    size_t n = 20, ex[20] = {0}, lo[20], hi[20];
    dti_project_obs obs;
    memset(&obs, 0, sizeof obs);
    for (size_t p = 0; p < n; p++) {
        ex[p] = p < 12 ? p + 1 : 0;
        lo[p] = p < 12 ? p + 1 : 13;
        hi[p] = p < 12 ? p + 1 : p < 14 ? 14 : n;
    }
    obs.n = n;
    obs.n_years = 1;
    obs.year[0] = 2023;
    obs.exact = ex;
    obs.lo = lo;
    obs.hi = hi;
    obs.upper[0] = 1;
    dti_project_fit fit = {.model = DTI_MODEL_PANEL, .a = 0, .b = 0.7, .s2 = 0.5, .df = 0};
    dti_project_settings set = {.runs = 5000, .seed = 5, .threads = 2, .until = 2023, .origin_index = 0};
    dti_projection pr;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_project_simulate(&obs, &fit, &set, &pr, &err), DTI_OK);
    for (size_t p = 12; p < 14; p++) {
        assert_close(dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, p, 2023, 14), 1.0, 0, 0);
        assert_close(dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, p, 2023, 12), 0.0, 0, 0);
    }
    for (size_t p = 14; p < n; p++) /* the others fill 15..20 */
        assert_close(dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, p, 2023, 14), 0.0, 0, 0);
    dti_projection_clear(&pr);
}

static dti_registry *S_reg;
static dti_year *S_years[8];
static size_t S_n_years;

static int S_setup(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    if (dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &S_reg, &err))
        return -1;
    for (int y = 2020; y <= 2023; y++) {
        char path[256];
        snprintf(path, sizeof path, DTI_SRCDIR "/data/dti/%d.yaml", y);
        if (dti_year_load(path, S_reg, DTI_SRCDIR "/models", &S_years[S_n_years++], &err))
            return -1;
    }
    return 0;
}

static int S_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < S_n_years; i++)
        dti_year_free(S_years[i]);
    dti_registry_free(S_reg);
    return 0;
}

/* Real record: bounds honoured in every draw (Thái Nguyên 2023 is outside the top 10, so no mass at
 * ranks 1..10), exact ranks reproduced, persistence carries 2022 forward exactly, and the same seed
 * gives identical histograms with 1 and 2 threads. */
static void test_project_record_invariants(void **state)
{
    (void)state;
    dti_project_obs obs;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_project_obs_init(&obs, (const dti_year *const *)S_years, S_n_years, S_reg, NULL, &err), DTI_OK);
    size_t tn;
    assert_int_equal(dti_registry_find(S_reg, "Thái Nguyên", &tn, &err), DTI_OK);
    for (int model = 0; model < 3; model++) {
        dti_project_fit fit;
        assert_int_equal(dti_project_fit_model(&obs, obs.n_years, model, NULL, &fit, &err), DTI_OK);
        dti_project_settings set = {.runs = 3000, .seed = 11, .threads = 1, .until = 2026, .origin_index = 3};
        dti_projection one, two;
        assert_int_equal(dti_project_simulate(&obs, &fit, &set, &one, &err), DTI_OK);
        set.threads = 2;
        assert_int_equal(dti_project_simulate(&obs, &fit, &set, &two, &err), DTI_OK);
        size_t len = one.n_years * one.n * (one.n + 1);
        assert_memory_equal(one.hist, two.hist, len * sizeof *one.hist);
        assert_close(dti_projection_p_top(&one, DTI_FRAME_PROVINCES, tn, 2023, 10), 0.0, 0, 0);
        for (size_t p = 0; p < obs.n; p++)
            for (size_t t = 0; t < obs.n_years; t++) {
                size_t r = obs.exact[t * obs.n + p];
                if (r) /* all mass on the observed rank */
                    assert_close(dti_projection_p_top(&one, DTI_FRAME_PROVINCES, p, obs.year[t], r) -
                                     (r > 1 ? dti_projection_p_top(&one, DTI_FRAME_PROVINCES, p, obs.year[t], r - 1) : 0.0),
                                 1.0, 0, 0);
                else /* all mass within the bounds */
                    assert_close(dti_projection_p_top(&one, DTI_FRAME_PROVINCES, p, obs.year[t], obs.hi[t * obs.n + p]) -
                                     dti_projection_p_top(&one, DTI_FRAME_PROVINCES, p, obs.year[t], obs.lo[t * obs.n + p] - 1),
                                 1.0, 0, 0);
            }
        if (model == DTI_MODEL_PERSISTENCE) /* 2022 (complete) carried to 2023's bounded provinces... */
            for (size_t p = 0; p < obs.n; p++) /* ...and 2023 carried to 2024-2026 unchanged */
                for (int y = 2024; y <= 2026; y++)
                    assert_int_equal(dti_projection_quantile(&one, DTI_FRAME_PROVINCES, p, y, 0.0001),
                                     dti_projection_quantile(&one, DTI_FRAME_PROVINCES, p, 2023, 0.0001));
        dti_projection_clear(&one);
        dti_projection_clear(&two);
        dti_project_fit_clear(&fit);
    }
    dti_project_obs_clear(&obs);
}

/* dti_gauss and dti_gauss_fill promise gsl_ran_gaussian_ziggurat's numbers from the same draws (mc.h):
 * 10^6 deviates in batches of 1 to 97 and one at a time, sigma 1 and not, against GSL on a twin stream,
 * with the generators' states equal at the end; a generator that is not taus2 is handed to GSL. */
static void test_gauss_is_gsl_ziggurat(void **state)
{
    (void)state;
    gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *b = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(a, 987654321UL);
    gsl_rng_set(b, 987654321UL);
    double x[97], tail = 0;
    size_t drawn = 0, batch = 1;
    while (drawn < 1000000) {
        double sigma = batch % 3 ? 1.0 : 2.385;
        dti_gauss_fill(b, sigma, x, batch);
        for (size_t q = 0; q < batch; q++) {
            double want = gsl_ran_gaussian_ziggurat(a, sigma);
            assert_memory_equal(&x[q], &want, sizeof want);
            tail += fabs(want / sigma) > 3.5; /* GSL's slow paths: the base strip's tail among them */
        }
        double one = dti_gauss(b, 0.5), want = gsl_ran_gaussian_ziggurat(a, 0.5);
        assert_memory_equal(&one, &want, sizeof want);
        drawn += batch + 1;
        batch = batch % 97 + 1;
    }
    assert_memory_equal(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a));
    assert_true(tail > 100); /* P(|z| > 3.5) = 4.7e-4: about 470 of 10^6 */
    gsl_rng_free(a);
    gsl_rng_free(b);
    a = gsl_rng_alloc(gsl_rng_mt19937);
    b = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(a, 5);
    gsl_rng_set(b, 5);
    dti_gauss_fill(b, 1.0, x, 50);
    for (size_t q = 0; q < 50; q++) {
        double want = gsl_ran_gaussian_ziggurat(a, 1.0);
        assert_memory_equal(&x[q], &want, sizeof want);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_project_fit_panel_recovers_b),
        cmocka_unit_test(test_project_two_province_closed_form),
        cmocka_unit_test(test_project_fit_panel_exact_line),
        cmocka_unit_test(test_project_upper_bounds_honoured),
        cmocka_unit_test(test_project_record_invariants),
        cmocka_unit_test(test_gauss_is_gsl_ziggurat),
    };
    return cmocka_run_group_tests_name("project", tests, S_setup, S_teardown);
}
