/* test_tune.c -- weight tuning (tune.h) against independent answers only: weights known because the
 * test made the table with them (SYNTHETIC tables generated here with a fixed seed), hand arithmetic
 * shown beside each case, the analytic Sobol indices of the Ishigami function and of a linear model,
 * and the real 2022 record's structure (5 complete rows for 8 weights). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"
#include "tune.h"

#define HAND_TOL 1e-10 /* hand answers are exact rationals; the solver works in doubles */
#define SE_BAND 3.0    /* a weight estimate within 3 standard errors: 99.7% of a normal error */

static double S_round4(double v) { return round(v * 1e4) / 1e4; }

/* ---- tune fit ------------------------------------------------------------------------------------ */

/* SYNTHETIC: 63 provinces x 8 indicators, values uniform in [0.2, 1] rounded to 4 decimals (as the
 * official tables print them), the index computed with known weights and rounded to 4 decimals.  The
 * rounding of the index is the only noise: uniform on +-5e-5, sd 1e-4 / sqrt(12) = 2.9e-5. */
static void S_synthetic(const double *w, double *X, double *y, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < 63; i++) {
        double s = 0;
        for (size_t j = 0; j < 8; j++) {
            X[i * 8 + j] = S_round4(0.2 + 0.8 * gsl_rng_uniform(r));
            s += X[i * 8 + j] * w[j];
        }
        y[i] = S_round4(s);
    }
    gsl_rng_free(r);
}

static void test_dti_tune_fit_ls_recovers_synthetic(void **state)
{
    (void)state;
    /* "high-entropy" weights summing to 1: 0.083 + 0.117 + 0.095 + 0.141 + 0.062 + 0.213 + 0.158 + 0.131 */
    static const double w[8] = {0.083, 0.117, 0.095, 0.141, 0.062, 0.213, 0.158, 0.131};
    double X[63 * 8], y[63];
    S_synthetic(w, X, y, 20250105UL);
    dti_tune_fit_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_fit_ls(X, y, 63, 8, &res, &err), DTI_OK);
    assert_true(res.identified);
    assert_int_equal(res.rank, 8);
    assert_int_equal(res.dof, 63 - 7);
    double sum = 0;
    for (size_t j = 0; j < 8; j++) {
        sum += res.w[j];
        assert_false(res.at_bound[j]);
        /* the standard error must be of the size the rounding noise implies: about
         * 2.9e-5 / (sd of a column, 0.23) / sqrt(63) = 1.6e-5, up to collinearity; not 0, not 1e-3 */
        assert_true(res.se[j] > 2e-6 && res.se[j] < 2e-4);
        assert_true(fabs(res.w[j] - w[j]) <= SE_BAND * res.se[j]);
    }
    assert_close(sum, 1.0, 0, HAND_TOL);
    /* residuals are the index rounding: |r| <= 5e-5 + the fitted-weight error times |x| */
    assert_true(res.max_abs < 1e-4);
    assert_true(res.rms > 1e-5 && res.rms < 5e-5);
    dti_tune_fit_result_clear(&res);
}

static void test_dti_tune_fit_ls_zero_weight_at_bound(void **state)
{
    (void)state;
    /* indicator 5 carries no weight; the rest as above rescaled: 0.062 moved to indicator 6 */
    static const double w[8] = {0.083, 0.117, 0.095, 0.141, 0.0, 0.275, 0.158, 0.131};
    double X[63 * 8], y[63];
    S_synthetic(w, X, y, 7UL);
    dti_tune_fit_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_fit_ls(X, y, 63, 8, &res, &err), DTI_OK);
    for (size_t j = 0; j < 8; j++) {
        assert_true(res.w[j] >= 0);
        if (j == 4)
            assert_true(res.at_bound[4] || res.w[4] <= SE_BAND * res.se[4]);
        else
            assert_true(fabs(res.w[j] - w[j]) <= SE_BAND * res.se[j]);
    }
    dti_tune_fit_result_clear(&res);
}

static void test_dti_tune_fit_ls_hand_boundary(void **state)
{
    (void)state;
    /* X = [1 0; 0 1; 1 1], y = (2, -1, 1), w = (t, 1 - t): residuals 2 - t, -1 - (1 - t) = t - 2 and
     * 1 - 1 = 0, so RSS = 2 (t - 2)^2, minimal at t = 2 outside [0, 1]: the answer is t = 1, w = (1, 0),
     * residuals (1, -1, 0), RMS sqrt(2/3), max 1. */
    static const double X[6] = {1, 0, 0, 1, 1, 1}, y[3] = {2, -1, 1};
    dti_tune_fit_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_fit_ls(X, y, 3, 2, &res, &err), DTI_OK);
    assert_true(res.identified);
    assert_close(res.w[0], 1.0, 0, HAND_TOL);
    assert_close(res.w[1], 0.0, 0, HAND_TOL);
    assert_true(res.at_bound[1]);
    assert_close(res.rms, sqrt(2.0 / 3.0), 0, HAND_TOL);
    assert_close(res.max_abs, 1.0, 0, HAND_TOL);
    dti_tune_fit_result_clear(&res);
}

static void test_dti_tune_fit_ls_hand_interior(void **state)
{
    (void)state;
    /* X = [1 0; 0 1; 1 1], y = (0.3, 0.8, 1.0), w = (t, 1 - t): RSS = (0.3 - t)^2 + (t - 0.2)^2 + 0,
     * d/dt = 0 at t = 0.25: w = (0.25, 0.75), residuals (0.05, 0.05, 0), RSS = 0.005, dof = 3 - 1 = 2,
     * s^2 = 0.0025; Var t = s^2 / (A'A) with A = x1 - x2 = (1, -1, 0): 0.0025 / 2, se = 0.035355. */
    static const double X[6] = {1, 0, 0, 1, 1, 1}, y[3] = {0.3, 0.8, 1.0};
    dti_tune_fit_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_fit_ls(X, y, 3, 2, &res, &err), DTI_OK);
    assert_close(res.w[0], 0.25, 0, HAND_TOL);
    assert_close(res.w[1], 0.75, 0, HAND_TOL);
    assert_close(res.se[0], sqrt(0.0025 / 2), 0, HAND_TOL);
    assert_close(res.se[1], sqrt(0.0025 / 2), 0, HAND_TOL);
    assert_int_equal(res.dof, 2);
    dti_tune_fit_result_clear(&res);
}

static void test_dti_tune_fit_ls_not_identified(void **state)
{
    (void)state;
    /* 2 rows for 4 weights: [X; 1'] has 3 rows, rank 3 < 4, one free direction orthogonal to the
     * rows and to 1; no weights are returned. */
    static const double X[8] = {0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875, 0.5}, y[2] = {0.4, 0.6};
    dti_tune_fit_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_fit_ls(X, y, 2, 4, &res, &err), DTI_OK);
    assert_false(res.identified);
    assert_int_equal(res.rank, 3);
    assert_true(isnan(res.w[0]));
    /* the free direction (last right singular vector) is orthogonal to both rows and to 1 */
    for (size_t i = 0; i < 3; i++) {
        double dot = 0;
        for (size_t j = 0; j < 4; j++)
            dot += (i < 2 ? X[i * 4 + j] : 1.0) * res.v[j * 4 + 3];
        assert_close(dot, 0, 0, 1e-12);
    }
    dti_tune_fit_result_clear(&res);
}

/* The real 2022 record: five provinces with all eight values, so 6 equations (with sum = 1) for 8
 * unknowns: the report must refuse an answer and show the directions. */
static void test_dti_tune_fit_report_2022_not_identified(void **state)
{
    (void)state;
    char path[] = "/tmp/dti_test_tune_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    dti_error err;
    dti_error_init(&err);
    int rc = dti_tune_fit_report(NULL, DTI_SRCDIR "/data/dti/2022.yaml", DTI_SRCDIR "/data/provinces.yaml",
                                 DTI_SRCDIR "/models", f, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    rewind(f);
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "all 8 weighted indicators: 5 of 63"));
    assert_non_null(strstr(text, "NOT IDENTIFIED"));
    assert_non_null(strstr(text, "Free directions"));
    assert_null(strstr(text, "Ranks with the fitted weights"));
}

/* ---- Sobol estimators ---------------------------------------------------------------------------- */

#define S_PI 3.14159265358979323846
#define ISHIGAMI_A 7.0
#define ISHIGAMI_B 0.1
#define SOBOL_N 32768 /* base sample: estimator errors of order 1/sqrt(N) ~ 0.006 times the output's
                       * coefficient of variation; checked against the bootstrap interval below */
#define SOBOL_BOOT 200
#define CI_WIDEN 2.0     /* the truth must lie within twice the 95% half-width (about 4 standard errors) */
#define SOBOL_ABS 0.03   /* and within 0.03 in any case: a loose absolute bound for the reader */

static int S_ishigami(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    double x1 = S_PI * (2 * u[0] - 1), x2 = S_PI * (2 * u[1] - 1), x3 = S_PI * (2 * u[2] - 1);
    y[0] = sin(x1) + ISHIGAMI_A * sin(x2) * sin(x2) + ISHIGAMI_B * pow(x3, 4) * sin(x1);
    return 0;
}

static const double S_lin_c[3] = {1.0, 2.0, 3.5};

static int S_linear(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    y[0] = S_lin_c[0] * u[0] + S_lin_c[1] * u[1] + S_lin_c[2] * u[2];
    return 0;
}

static void S_check_sobol(dti_tune_eval_fn f, const double *S1_true, const double *ST_true, size_t threads)
{
    static const size_t group_of[3] = {0, 1, 2};
    void *st[4] = {NULL, NULL, NULL, NULL};
    dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 1, .eval = f, .state = st,
                           .threads = threads, .seed = 12345};
    double *fA = malloc(SOBOL_N * sizeof *fA), *fB = malloc(SOBOL_N * sizeof *fB);
    double *fAB = malloc(3 * SOBOL_N * sizeof *fAB);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_saltelli(&sp, SOBOL_N, fA, fB, fAB, &err), DTI_OK);
    double S1[3], ST[3], l1[3], h1[3], lt[3], ht[3];
    dti_tune_sobol(fA, fB, fAB, SOBOL_N, 3, 1, 0, S1, ST);
    dti_tune_sobol_boot(fA, fB, fAB, SOBOL_N, 3, 1, 0, SOBOL_BOOT, 99, 0.95, l1, h1, lt, ht);
    for (size_t i = 0; i < 3; i++) {
        print_message("S1[%zu] = %.4f (true %.4f, 95%% [%.4f, %.4f]); ST[%zu] = %.4f (true %.4f, [%.4f, %.4f])\n", i,
                      S1[i], S1_true[i], l1[i], h1[i], i, ST[i], ST_true[i], lt[i], ht[i]);
        assert_true(fabs(S1[i] - S1_true[i]) <= CI_WIDEN * 0.5 * (h1[i] - l1[i]) + 1e-3);
        assert_true(fabs(ST[i] - ST_true[i]) <= CI_WIDEN * 0.5 * (ht[i] - lt[i]) + 1e-3);
        assert_true(fabs(S1[i] - S1_true[i]) < SOBOL_ABS);
        assert_true(fabs(ST[i] - ST_true[i]) < SOBOL_ABS);
    }
    free(fAB);
    free(fB);
    free(fA);
}

static void test_dti_tune_sobol_ishigami(void **state)
{
    (void)state;
    /* Ishigami, X_i ~ U(-pi, pi), a = 7, b = 0.1 (Saltelli et al. 2008, §4.7):
     *   V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 6.125 + 1.948182 + 5.271406 + 0.5 = 13.844588
     *   V1  = (1 + b pi^4/5)^2 / 2 = 2.948182^2 / 2 = 4.345888        S1 = 0.3139
     *   V2  = a^2/8 = 6.125                                            S2 = 0.4424
     *   V3  = 0                                                         S3 = 0
     *   V13 = b^2 pi^8 (1/18 - 1/50) = 94.88531 * 0.0355556 = 3.373700
     *   ST1 = (V1 + V13)/V = 0.5576,  ST2 = S2 = 0.4424,  ST3 = V13/V = 0.2437 */
    double pi4 = pow(S_PI, 4), pi8 = pow(S_PI, 8);
    double V = ISHIGAMI_A * ISHIGAMI_A / 8 + ISHIGAMI_B * pi4 / 5 + ISHIGAMI_B * ISHIGAMI_B * pi8 / 18 + 0.5;
    double V1 = 0.5 * pow(1 + ISHIGAMI_B * pi4 / 5, 2), V2 = ISHIGAMI_A * ISHIGAMI_A / 8;
    double V13 = ISHIGAMI_B * ISHIGAMI_B * pi8 * (1.0 / 18 - 1.0 / 50);
    double S1[3] = {V1 / V, V2 / V, 0}, ST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    assert_close(S1[0], 0.3139, 0, 1e-4);
    assert_close(S1[1], 0.4424, 0, 1e-4);
    assert_close(ST[0], 0.5576, 0, 1e-4);
    assert_close(ST[2], 0.2437, 0, 1e-4);
    S_check_sobol(S_ishigami, S1, ST, 1);
}

static void test_dti_tune_sobol_linear(void **state)
{
    (void)state;
    /* Y = 1 X1 + 2 X2 + 3.5 X3, X_i ~ U(0, 1) independent: V_i = c_i^2 / 12, additive, so
     * S_i = ST_i = c_i^2 / sum c^2 = 1/17.25, 4/17.25, 12.25/17.25 = 0.0580, 0.2319, 0.7101 */
    double sum = 0, S[3];
    for (size_t i = 0; i < 3; i++)
        sum += S_lin_c[i] * S_lin_c[i];
    for (size_t i = 0; i < 3; i++)
        S[i] = S_lin_c[i] * S_lin_c[i] / sum;
    S_check_sobol(S_linear, S, S, 2);
}

/* The Saltelli tables do not depend on the thread count: 2,500 rows (three blocks) at 1 and 3 threads. */
static void test_dti_tune_saltelli_threads(void **state)
{
    (void)state;
    static const size_t group_of[3] = {0, 1, 2};
    void *st[3] = {NULL, NULL, NULL};
    enum { N = 2500 };
    static double a1[N], b1[N], ab1[3 * N], a3[N], b3[N], ab3[3 * N];
    dti_error err;
    dti_error_init(&err);
    dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 1, .eval = S_ishigami,
                           .state = st, .threads = 1, .seed = 5};
    assert_int_equal(dti_tune_saltelli(&sp, N, a1, b1, ab1, &err), DTI_OK);
    sp.threads = 3;
    assert_int_equal(dti_tune_saltelli(&sp, N, a3, b3, ab3, &err), DTI_OK);
    assert_memory_equal(a1, a3, sizeof a1);
    assert_memory_equal(b1, b3, sizeof b1);
    assert_memory_equal(ab1, ab3, sizeof ab1);
}

/* The whole report (ASEM, every input randomised) is byte-identical at 1 and 2 threads. */
static void S_report(size_t threads, char *text, size_t len)
{
    char path[] = "/tmp/dti_test_tune_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    dti_tune_sens_options o = {.model_path = DTI_SRCDIR "/models/asem.yaml",
                               .data_path = DTI_SRCDIR "/data/asem.yaml",
                               .reg_path = DTI_SRCDIR "/data/provinces.yaml",
                               .models_dir = DTI_SRCDIR "/models",
                               .uncertainty_path = DTI_SRCDIR "/models/uncertainty-asem.yaml",
                               .runs = 2500, .sobol_n = 1200, .n_boot = 50, .top = 10, .threads = threads, .seed = 3};
    dti_error err;
    dti_error_init(&err);
    int rc = dti_tune_sensitivity_report(&o, f, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    rewind(f);
    size_t n = fread(text, 1, len - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
}

static void test_dti_tune_sensitivity_report_threads(void **state)
{
    (void)state;
    static char t1[65536], t2[65536];
    S_report(1, t1, sizeof t1);
    S_report(2, t2, sizeof t2);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "7200 model evaluations")); /* 1200 (4 + 2) */
}

/* Uncertainty-file errors are reported at their line and column. */
static void test_dti_tune_sens_new_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"inputs:\n  - name: w\n    weights: {noise: 1.5}\n", "3:22: noise must be in [0, 1)"},
        {"inputs:\n  - name: n\n    normalise: [minmax, zscor]\n", "3:25: unknown normalisation method 'zscor'"},
        {"inputs:\n  - name: a\n    aggregate: [arithmetic]\n    impute: [none]\n",
         "2:5: an uncertain input needs exactly one of weights, normalise, aggregate, winsorise, impute"},
        {"inputs: []\n", "1:9: no uncertain inputs"},
        {"inputs:\n  - name: t\n    winsorise: [5, 1]\n", "3:16: winsorise: the lowest limit is above the highest"},
        {"input: []\n", "1:1: unknown key 'input' in an uncertainty file"},
    };
    dti_error err;
    dti_framework *fw = NULL;
    dti_error_init(&err);
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw, &err), DTI_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[] = "/tmp/dti_test_tune_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fputs(cases[i].text, f);
        fclose(f);
        dti_tune_sens *s = NULL;
        dti_error_init(&err);
        int rc = dti_tune_sens_new(fw, NULL, path, 1, &s, &err);
        unlink(path);
        assert_int_equal(rc, DTI_ERR_INPUT);
        assert_null(s);
        char msg[600];
        snprintf(msg, sizeof msg, "%zu:%zu: %s", err.e[0].line, err.e[0].column, err.e[0].message);
        assert_string_equal(msg, cases[i].want);
    }
    dti_framework_free(fw);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_tune_fit_ls_recovers_synthetic),
        cmocka_unit_test(test_dti_tune_fit_ls_zero_weight_at_bound),
        cmocka_unit_test(test_dti_tune_fit_ls_hand_boundary),
        cmocka_unit_test(test_dti_tune_fit_ls_hand_interior),
        cmocka_unit_test(test_dti_tune_fit_ls_not_identified),
        cmocka_unit_test(test_dti_tune_fit_report_2022_not_identified),
        cmocka_unit_test(test_dti_tune_sobol_ishigami),
        cmocka_unit_test(test_dti_tune_sobol_linear),
        cmocka_unit_test(test_dti_tune_saltelli_threads),
        cmocka_unit_test(test_dti_tune_sensitivity_report_threads),
        cmocka_unit_test(test_dti_tune_sens_new_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
