/* test_tune.c -- weight tuning (tune.h) against independent answers only: weights known because the
 * test made the table with them (SYNTHETIC tables generated here with a fixed seed), hand arithmetic
 * shown beside each case, the analytic Sobol indices of the Ishigami function and of a linear model,
 * the real 2022 record's structure (5 complete rows for 8 weights), and the rank statistics computed in
 * passes against a full histogram of the same draws counted by the test itself. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "internal.h"
#include "present.h"
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
static char *S_text(const dti_report *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_report_write(doc, DTI_FORMAT_TEXT, NULL, f, &err), DTI_OK);
    fclose(f);
    return buf;
}

static void test_dti_tune_fit_report_2022_not_identified(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    assert_int_equal(dti_year_load(DTI_SRCDIR "/data/dti/2022.yaml", reg, DTI_SRCDIR "/models", &yr, &err), DTI_OK);
    dti_tune_fit_year f;
    int rc = dti_tune_fit_year_compute(yr, NULL, &f, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    assert_int_equal(f.p, 8);
    assert_int_equal(f.n, 5);
    assert_int_equal(f.n_full, 5);
    assert_false(f.res.identified);
    for (size_t u = 0; u < yr->n; u++) /* no weights, so no ranks with them */
        assert_int_equal(f.rank[u], 0);
    dti_report *doc = dti_present_tune_fit(&f);
    char *text = S_text(doc);
    assert_non_null(strstr(text, "all 8 weighted indicators: 5 of 63"));
    assert_non_null(strstr(text, "NOT IDENTIFIED"));
    assert_non_null(strstr(text, "Free directions"));
    assert_null(strstr(text, "Ranks with the fitted weights"));
    free(text);
    dti_report_free(doc);
    dti_tune_fit_year_clear(&f);
    dti_year_free(yr);
    dti_registry_free(reg);
}

/* The real 2022 record against tests/reference/tune_fit_reference.py (numpy's LAPACK SVD of the rows
 * read by PyYAML): 5 complete rows, rank 6 of 8, the six non-zero singular values, and the official
 * weights' RMS and maximum residual as the report prints them. */
#define SV_REL 1e-12 /* two SVD algorithms on a 6 x 8 matrix of 4-decimal values: ~1e-15 apart */

static double S_ref(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s ", key);
    const char *at = strstr(text, pat);
    assert_non_null(at);
    return strtod(at + strlen(pat), NULL);
}

static void test_dti_tune_fit_ls_2022_reference(void **state)
{
    (void)state;
    static char ref[4096];
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/tune_fit_expected.txt", "r");
    assert_non_null(f);
    size_t len = fread(ref, 1, sizeof ref - 1, f);
    ref[len] = '\0';
    fclose(f);
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    assert_int_equal(dti_year_load(DTI_SRCDIR "/data/dti/2022.yaml", reg, DTI_SRCDIR "/models", &yr, &err), DTI_OK);
    static const char *const ids[8] = {"awareness",     "institutions", "infrastructure", "human_resources",
                                       "cybersecurity", "gov_activity", "econ_activity",  "society_activity"};
    const dti_framework *fw = yr->fw;
    size_t nn = fw->n_nodes, col[8], n = 0;
    for (size_t k = 0; k < 8; k++)
        col[k] = dti_framework_node_find(fw, ids[k]);
    double X[63 * 8], y[63];
    for (size_t u = 0; u < yr->n && n < 63; u++) {
        int full = yr->value[u * nn + fw->root].known;
        for (size_t k = 0; k < 8; k++)
            full &= yr->value[u * nn + col[k]].known;
        if (!full)
            continue;
        for (size_t k = 0; k < 8; k++)
            X[n * 8 + k] = yr->value[u * nn + col[k]].value;
        y[n++] = yr->value[u * nn + fw->root].value;
    }
    assert_int_equal(n, (size_t)S_ref(ref, "rows"));
    dti_tune_fit_result res;
    assert_int_equal(dti_tune_fit_ls(X, y, n, 8, &res, &err), DTI_OK);
    assert_int_equal(res.rank, (size_t)S_ref(ref, "rank"));
    assert_false(res.identified);
    for (size_t k = 0; k < res.rank; k++) {
        char key[32];
        snprintf(key, sizeof key, "sv%zu", k);
        assert_close(res.sv[k], S_ref(ref, key), SV_REL, 0);
    }
    dti_tune_fit_result_clear(&res);

    /* the nominal weights' RMS and maximum residual on the same rows */
    dti_tune_fit_year fy;
    assert_int_equal(dti_tune_fit_year_compute(yr, NULL, &fy, &err), DTI_OK);
    assert_close(fy.nominal_rms, S_ref(ref, "nominal_rms"), 1e-9, 0); /* numpy sums in another order */
    assert_close(fy.nominal_max, S_ref(ref, "nominal_max"), 1e-9, 0);
    dti_tune_fit_year_clear(&fy);
    dti_year_free(yr);
    dti_registry_free(reg);
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

/* The Sobol' design: the same tables at 1 and 3 threads (2,500 rows: three blocks, taken out of order),
 * the same for the same seed and others for another (the shift comes from the seed). */
static void test_dti_tune_saltelli_sobol_threads(void **state)
{
    (void)state;
    static const size_t group_of[3] = {0, 1, 2};
    void *st[3] = {NULL, NULL, NULL};
    enum { N = 2500 };
    static double a1[N], b1[N], ab1[3 * N], a3[N], b3[N], ab3[3 * N];
    dti_error err;
    dti_error_init(&err);
    dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 1, .eval = S_ishigami,
                           .state = st, .threads = 1, .seed = 5, .design = DTI_TUNE_DESIGN_SOBOL};
    assert_int_equal(dti_tune_saltelli(&sp, N, a1, b1, ab1, &err), DTI_OK);
    sp.threads = 3;
    assert_int_equal(dti_tune_saltelli(&sp, N, a3, b3, ab3, &err), DTI_OK);
    assert_memory_equal(a1, a3, sizeof a1);
    assert_memory_equal(b1, b3, sizeof b1);
    assert_memory_equal(ab1, ab3, sizeof ab1);
    sp.seed = 6;
    assert_int_equal(dti_tune_saltelli(&sp, N, a3, b3, ab3, &err), DTI_OK);
    assert_true(memcmp(a1, a3, sizeof a1) != 0);
}

/* A model that returns its own uniforms: the Sobol' design's rows are stratified.  The first 2^m points
 * of a Sobol' sequence (the origin included) take each value k / 2^m once in every coordinate; shifted
 * by s modulo 1 they still put exactly one point in each interval [k / 2^m, (k + 1) / 2^m).  So with
 * N = 512 rows every coordinate of A and of B has one point per interval of width 1/512, which
 * independent uniforms almost never do (the chance is 512! / 512^512). */
static int S_echo(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    for (size_t i = 0; i < 3; i++)
        y[i] = u[i];
    return 0;
}

static void test_dti_tune_saltelli_sobol_stratified(void **state)
{
    (void)state;
    static const size_t group_of[3] = {0, 1, 2};
    void *st[2] = {NULL, NULL};
    enum { N = 512 };
    static double a[3 * N], b[3 * N], ab[9 * N];
    dti_error err;
    dti_error_init(&err);
    for (int design = DTI_TUNE_DESIGN_RANDOM; design <= DTI_TUNE_DESIGN_SOBOL; design++) {
        dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 3, .eval = S_echo,
                               .state = st, .threads = 2, .seed = 11, .design = design};
        assert_int_equal(dti_tune_saltelli(&sp, N, a, b, ab, &err), DTI_OK);
        size_t full = 0;
        for (size_t c = 0; c < 6; c++) {
            unsigned char hit[N] = {0};
            size_t once = 0;
            for (size_t r = 0; r < N; r++) {
                double u = (c < 3 ? a : b)[r * 3 + c % 3];
                assert_true(u > 0 && u < 1);
                hit[(size_t)(u * N)]++;
            }
            for (size_t k = 0; k < N; k++)
                once += hit[k] == 1;
            full += once == N;
        }
        assert_int_equal(full, design == DTI_TUNE_DESIGN_SOBOL ? 6 : 0);
        /* A_B^(g) takes group g's column from B and the others from A */
        for (size_t g = 0; g < 3; g++)
            for (size_t r = 0; r < N; r++)
                for (size_t i = 0; i < 3; i++)
                    assert_memory_equal(&ab[(g * N + r) * 3 + i], i == g ? &b[r * 3 + i] : &a[r * 3 + i],
                                        sizeof *ab);
    }
    /* more uniform inputs than the sequence has dimensions for A and B together */
    size_t many[21] = {0};
    dti_tune_sampler sp = {.dim = 21, .n_groups = 1, .group_of = many, .n_out = 3, .eval = S_echo, .state = st,
                           .threads = 1, .seed = 1, .design = DTI_TUNE_DESIGN_SOBOL};
    assert_int_equal(dti_tune_saltelli(&sp, 100, a, b, ab, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "the Sobol' design takes at most 20 uniform inputs (its sequence has 40 "
                                          "dimensions for A and B together); these inputs need 21: use --design "
                                          "random");
}

/* The quasi-random design converges faster: at N = 500, averaged over 20 seeds, the mean absolute error
 * of the three first-order and three total-order indices of the Ishigami function and of the linear
 * model is smaller than the pseudo-random design's (docs/tuning.md §2 has the whole table: about half at
 * N = 500 and a quarter at N = 5,000). */
static double S_design_error(dti_tune_eval_fn f, const double *S1, const double *ST, int design)
{
    static const size_t group_of[3] = {0, 1, 2};
    void *st[1] = {NULL};
    enum { N = 500, SEEDS = 20 };
    static double fA[N], fB[N], fAB[3 * N];
    dti_error err;
    dti_error_init(&err);
    double e = 0;
    for (unsigned long seed = 1; seed <= SEEDS; seed++) {
        dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 1, .eval = f, .state = st,
                               .threads = 1, .seed = seed, .design = design};
        assert_int_equal(dti_tune_saltelli(&sp, N, fA, fB, fAB, &err), DTI_OK);
        double a[3], b[3];
        dti_tune_sobol(fA, fB, fAB, N, 3, 1, 0, a, b);
        for (size_t i = 0; i < 3; i++)
            e += (fabs(a[i] - S1[i]) + fabs(b[i] - ST[i])) / (6.0 * SEEDS);
    }
    return e;
}

static void test_dti_tune_sobol_design_converges(void **state)
{
    (void)state;
    /* the analytic values of test_dti_tune_sobol_ishigami and test_dti_tune_sobol_linear */
    double pi4 = pow(S_PI, 4), pi8 = pow(S_PI, 8);
    double V = ISHIGAMI_A * ISHIGAMI_A / 8 + ISHIGAMI_B * pi4 / 5 + ISHIGAMI_B * ISHIGAMI_B * pi8 / 18 + 0.5;
    double V1 = 0.5 * pow(1 + ISHIGAMI_B * pi4 / 5, 2), V2 = ISHIGAMI_A * ISHIGAMI_A / 8;
    double V13 = ISHIGAMI_B * ISHIGAMI_B * pi8 * (1.0 / 18 - 1.0 / 50);
    double iS1[3] = {V1 / V, V2 / V, 0}, iST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    double lS[3] = {1 / 17.25, 4 / 17.25, 12.25 / 17.25};
    double ir = S_design_error(S_ishigami, iS1, iST, DTI_TUNE_DESIGN_RANDOM);
    double is = S_design_error(S_ishigami, iS1, iST, DTI_TUNE_DESIGN_SOBOL);
    double lr = S_design_error(S_linear, lS, lS, DTI_TUNE_DESIGN_RANDOM);
    double ls = S_design_error(S_linear, lS, lS, DTI_TUNE_DESIGN_SOBOL);
    print_message("N = 500, 20 seeds: Ishigami random %.4f, Sobol' %.4f; linear random %.4f, Sobol' %.4f\n", ir, is,
                  lr, ls);
    assert_true(is < ir);
    assert_true(ls < lr);
}

/* A model that fails at two rows, the last of block 1 and the first of block 2 (it knows them by their
 * first uniform, recorded by a first pass that echoes it): the error reported is row 1,999's at any
 * thread count -- with 3 threads block 2 fails almost at once, long before block 1 reaches its last row,
 * and the scheduler keeps the lowest failing block's error, not the first in time. */
static double S_fail_at[2];

static int S_echo1(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    y[0] = u[0];
    return DTI_OK;
}

static int S_fails_at(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc;
    volatile double spin = 0; /* a few microseconds per evaluation, so that the blocks overlap in time */
    for (int q = 0; q < 3000; q++)
        spin = spin + 1.0;
    for (int k = 0; k < 2; k++)
        if (!memcmp(&u[0], &S_fail_at[k], sizeof *u))
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "row %s", k ? "2000" : "1999");
    y[0] = u[0];
    return DTI_OK;
}

static void test_dti_tune_mc_first_failure(void **state)
{
    (void)state;
    static const size_t group_of[1] = {0};
    enum { N = 3000 };
    static double fA[N], fB[N], fAB[N];
    void *st[3] = {NULL, NULL, NULL};
    dti_error err;
    dti_error_init(&err);
    dti_tune_sampler sp = {.dim = 1, .n_groups = 1, .group_of = group_of, .n_out = 1, .eval = S_echo1, .state = st,
                           .threads = 1, .seed = 77, .design = DTI_TUNE_DESIGN_SOBOL};
    assert_int_equal(dti_tune_saltelli(&sp, N, fA, fB, fAB, &err), DTI_OK);
    S_fail_at[0] = fA[1999];
    S_fail_at[1] = fA[2000];
    sp.eval = S_fails_at;
    for (size_t threads = 1; threads <= 3; threads++)
        for (int rep = 0; rep < 5; rep++) {
            sp.threads = threads;
            dti_error_init(&err);
            assert_int_equal(dti_tune_saltelli(&sp, N, fA, fB, fAB, &err), DTI_ERR_INPUT);
            assert_string_equal(err.e[0].message, "row 1999");
        }
}

/* The whole analysis (ASEM, every input randomised) is the same at 1 and 2 threads, bit for bit, and so
 * is its document. */
static void S_sens(size_t threads, dti_tune_sens_result *r, char **text)
{
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    dti_uncertainty *u = NULL;
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", fw, NULL, NULL, &ds, &err), DTI_OK);
    assert_int_equal(dti_uncertainty_load(DTI_SRCDIR "/models/uncertainty-asem.yaml", &u, &err), DTI_OK);
    dti_tune_sens_options o = {.fw = fw, .ds = ds, .unc = u, .unit = (size_t)-1, .preferred = (size_t)-1,
                               .runs = 2500, .sobol_n = 1200, .n_boot = 50, .top = 10, .threads = threads, .seed = 3};
    int rc = dti_tune_sensitivity(&o, r, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    dti_report *doc = dti_present_tune_sens(&o, r, NULL);
    *text = S_text(doc);
    dti_report_free(doc);
    dti_uncertainty_free(u);
    dti_dataset_free(ds);
    dti_framework_free(fw);
}

static void test_dti_tune_sensitivity_threads(void **state)
{
    (void)state;
    dti_tune_sens_result r1, r2;
    char *t1, *t2;
    S_sens(1, &r1, &t1);
    S_sens(2, &r2, &t2);
    assert_int_equal(r1.n, 51);
    assert_int_equal(r1.n_scored, 51);
    assert_int_equal(r1.evaluations, 7200); /* 1200 (4 + 2) */
    assert_memory_equal(r1.median, r2.median, r1.n * sizeof *r1.median);
    assert_memory_equal(r1.q05, r2.q05, r1.n * sizeof *r1.q05);
    assert_memory_equal(r1.q95, r2.q95, r1.n * sizeof *r1.q95);
    assert_memory_equal(r1.p_top, r2.p_top, r1.n * sizeof *r1.p_top);
    assert_memory_equal(r1.sobol, r2.sobol, 2 * r1.k * 6 * sizeof *r1.sobol);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "7200 model evaluations"));
    free(t1);
    free(t2);
    dti_tune_sens_result_clear(&r1);
    dti_tune_sens_result_clear(&r2);
}

/* ---- the rank statistics in passes (linear memory) ------------------------------------------------- */

#define PASS_RUNS 1000  /* ASEM draws: the ranks spread, and some cumulative count lands exactly on a
                         * quantile's share (both checked below) */
#define PASS_SEED 5UL
#define PASS_TOP 10
#define PASS_UNITS 51   /* ASEM's countries */
#define PASS_MAX 8      /* passes the probe records: 51 units in windows of 2 bins take at most 6
                         * (51 -> 32 -> 16 -> 8 -> 4 -> 2 -> 1 ranks) */
#define PASS_THREADS 3

/* The probe's own count of every draw's ranks, per worker and pass: the full histograms
 * [u * (PASS_UNITS + 1) + rank], counted here, outside the library's tallies. */
typedef struct S_probe {
    size_t hist[PASS_THREADS][PASS_MAX][PASS_UNITS * (PASS_UNITS + 1)];
    size_t draws[PASS_THREADS][PASS_MAX];
    size_t bad; /* calls outside the arrays */
} S_probe;

static void S_probe_fn(void *ctx, size_t worker, size_t pass, const size_t *rank, size_t n)
{
    S_probe *p = ctx;
    if (worker >= PASS_THREADS || pass >= PASS_MAX || n != PASS_UNITS) {
        p->bad++; /* racy, but only ever expected to stay 0 */
        return;
    }
    p->draws[worker][pass]++;
    for (size_t u = 0; u < n; u++)
        p->hist[worker][pass][u * (n + 1) + rank[u]]++;
}

/* Pass `pass`'s histograms summed over the workers, into h; returns its draws. */
static size_t S_probe_sum(const S_probe *p, size_t pass, size_t *h)
{
    size_t draws = 0;
    memset(h, 0, PASS_UNITS * (PASS_UNITS + 1) * sizeof *h);
    for (size_t w = 0; w < PASS_THREADS; w++) {
        draws += p->draws[w][pass];
        for (size_t i = 0; i < PASS_UNITS * (PASS_UNITS + 1); i++)
            h[i] += p->hist[w][pass][i];
    }
    return draws;
}

/* The definition of the report, on a full histogram h[0..n] of one unit (h[0]: unranked): the smallest
 * rank r whose draws at ranks <= r reach pct% of the ranked draws, 0 when never ranked. */
static size_t S_hist_quantile(const size_t *h, size_t n, unsigned pct)
{
    size_t total = 0, cum = 0;
    for (size_t r = 1; r <= n; r++)
        total += h[r];
    for (size_t r = 1; r <= n && total; r++) {
        cum += h[r];
        if (cum * 100 >= pct * total)
            return r;
    }
    return 0;
}

static void S_hist_stats(const size_t *hist, size_t n, size_t top, dti_tune_rank_stats *want)
{
    for (size_t u = 0; u < n; u++) {
        const size_t *h = hist + u * (n + 1);
        memset(&want[u], 0, sizeof want[u]);
        for (size_t r = 1; r <= n; r++) {
            want[u].ranked += h[r];
            want[u].top += r <= top ? h[r] : 0;
        }
        want[u].q05 = S_hist_quantile(h, n, 5);
        want[u].q50 = S_hist_quantile(h, n, 50);
        want[u].q95 = S_hist_quantile(h, n, 95);
    }
}

/* ASEM with every input randomised.  The reference is a full histogram of the draws counted by the probe
 * (one pass of 128 bins for 51 units: bins of one rank); with 2, 3 or 4 bins per window the units take
 * several passes, each of which must replay exactly the draws of the first (the probe's histogram of
 * every pass is the reference), and the statistics must be those of the full histogram, at 1 and 3
 * threads; so must tune sensitivity's under either Saltelli design (the rank statistics come from the
 * plain Monte Carlo's draws, not from the design's rows). */
static void test_dti_tune_sens_passes(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    dti_uncertainty *u = NULL;
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", fw, NULL, NULL, &ds, &err), DTI_OK);
    assert_int_equal(dti_uncertainty_load(DTI_SRCDIR "/models/uncertainty-asem.yaml", &u, &err), DTI_OK);
    S_probe *p = calloc(1, sizeof *p);
    size_t *ref = calloc(PASS_UNITS * (PASS_UNITS + 1), sizeof *ref), *h = calloc(PASS_UNITS * (PASS_UNITS + 1),
                                                                                   sizeof *h);
    assert_true(p && ref && h);

    /* the reference: one pass, counted by the probe */
    dti_tune_sens *s = NULL;
    assert_int_equal(dti_tune_sens_new(fw, ds, u, 1, &s, &err), DTI_OK);
    dti_tune_sens_set_probe(s, S_probe_fn, p);
    assert_int_equal(dti_tune_sens_mc(s, PASS_RUNS, PASS_SEED, PASS_TOP, &err), DTI_OK);
    assert_int_equal(S_probe_sum(p, 0, ref), PASS_RUNS);
    assert_int_equal(S_probe_sum(p, 1, h), 0); /* 51 units in 128 bins: one pass */
    assert_int_equal(p->bad, 0);
    dti_tune_rank_stats want[PASS_UNITS];
    S_hist_stats(ref, PASS_UNITS, PASS_TOP, want);
    size_t n, spread = 0, never = 0;
    const dti_tune_rank_stats *got = dti_tune_sens_stats(s, &n);
    assert_int_equal(n, PASS_UNITS);
    assert_memory_equal(got, want, sizeof want);
    for (size_t v = 0; v < PASS_UNITS; v++) {
        spread += want[v].q95 - want[v].q05;
        never += ref[v * (PASS_UNITS + 1)];
    }
    assert_true(spread > 3 * PASS_UNITS); /* ranks do move: the windows narrow over several ranks */
    assert_int_equal(never, 0);           /* ASEM ranks every country in every draw */
    /* the boundary of the definition occurs: a unit whose draws at ranks <= r are exactly 5%, 50% or 95%
     * of its ranked draws (then r is the quantile, not the next rank) */
    size_t exact = 0;
    for (size_t v = 0; v < PASS_UNITS; v++)
        for (size_t r = 1, cum = 0; r <= PASS_UNITS; r++) {
            cum += ref[v * (PASS_UNITS + 1) + r];
            exact += ref[v * (PASS_UNITS + 1) + r] &&
                     (cum * 100 == 5 * PASS_RUNS || cum * 100 == 50 * PASS_RUNS || cum * 100 == 95 * PASS_RUNS);
        }
    assert_true(exact > 0);
    dti_tune_sens_free(s);

    for (size_t threads = 1; threads <= PASS_THREADS; threads += PASS_THREADS - 1)
        for (size_t bins = 2; bins <= 4; bins++) {
            memset(p, 0, sizeof *p);
            assert_int_equal(dti_tune_sens_new(fw, ds, u, threads, &s, &err), DTI_OK);
            dti_tune_sens_set_bins(s, bins);
            dti_tune_sens_set_probe(s, S_probe_fn, p);
            assert_int_equal(dti_tune_sens_mc(s, PASS_RUNS, PASS_SEED, PASS_TOP, &err), DTI_OK);
            got = dti_tune_sens_stats(s, &n);
            assert_memory_equal(got, want, sizeof want);
            size_t passes = 0;
            while (passes < PASS_MAX && S_probe_sum(p, passes, h) == PASS_RUNS) {
                assert_memory_equal(h, ref, PASS_UNITS * (PASS_UNITS + 1) * sizeof *h);
                passes++;
            }
            assert_true(passes < PASS_MAX);
            assert_int_equal(S_probe_sum(p, passes, h), 0); /* no draw beyond the last pass */
            assert_int_equal(p->bad, 0);
            /* bins of a power of two ranks, at most `bins` of them: with 2 or 3 a window of 51 ranks
             * narrows to 32 -> 16 -> 8 -> 4 -> 2 -> 1, 6 passes at most; with 4 to 16 -> 4 -> 1, 3 passes,
             * which a mid-table median (in ranks 17-32, then 4 of them) does take */
            assert_true(passes >= 3 && passes <= (bins == 4 ? 3u : 6u));
            dti_tune_sens_free(s);
        }

    /* the whole analysis, either design, passes of 2 bins, 1 and 3 threads */
    for (int design = DTI_TUNE_DESIGN_RANDOM; design <= DTI_TUNE_DESIGN_SOBOL; design++)
        for (size_t threads = 1; threads <= PASS_THREADS; threads += PASS_THREADS - 1) {
            dti_tune_sens_options o = {.fw = fw, .ds = ds, .unc = u, .unit = (size_t)-1, .preferred = (size_t)-1,
                                       .runs = PASS_RUNS, .sobol_n = 64, .n_boot = 10, .design = design,
                                       .top = PASS_TOP, .threads = threads, .seed = PASS_SEED, .rank_bins = 2};
            dti_tune_sens_result r;
            assert_int_equal(dti_tune_sensitivity(&o, &r, &err), DTI_OK);
            assert_int_equal(r.design, design);
            assert_int_equal(r.n, PASS_UNITS);
            for (size_t v = 0; v < PASS_UNITS; v++) {
                assert_int_equal(r.ranked[v], want[v].ranked);
                assert_int_equal(r.q05[v], want[v].q05);
                assert_int_equal(r.median[v], want[v].q50);
                assert_int_equal(r.q95[v], want[v].q95);
                assert_close(r.p_top[v], (double)want[v].top / PASS_RUNS, 0, 0);
            }
            dti_tune_sens_result_clear(&r);
        }

    /* the bins count in 32 bits */
    assert_int_equal(dti_tune_sens_new(fw, ds, u, 1, &s, &err), DTI_OK);
    dti_error_init(&err);
    assert_int_equal(dti_tune_sens_mc(s, (size_t)UINT32_MAX + 1, PASS_SEED, PASS_TOP, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "at most 4294967295 Monte Carlo runs");
    dti_tune_sens_free(s);
    free(h);
    free(ref);
    free(p);
    dti_uncertainty_free(u);
    dti_dataset_free(ds);
    dti_framework_free(fw);
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
        dti_uncertainty *u = NULL;
        dti_error_init(&err);
        int rc = dti_uncertainty_load(path, &u, &err);
        unlink(path);
        assert_int_equal(rc, DTI_ERR_INPUT);
        assert_null(u);
        char msg[600];
        snprintf(msg, sizeof msg, "%zu:%zu: %s", err.e[0].line, err.e[0].column, err.e[0].message);
        assert_string_equal(msg, cases[i].want);
    }
    dti_framework_free(fw);

    /* what does not fit the model is found when the inputs are bound to it, at the same positions:
     * ASEM's weights have levels 1 to 4 (no node at level 9); example-raw imputes from the previous
     * year and has no impute group.  Columns by hand: "    weights: {" puts '{' at 14; "    impute: [none, "
     * puts 'g' at 20. */
    static const struct {
        const char *model, *data, *text, *want;
    } bind[] = {
        {"asem", "asem", "inputs:\n  - name: w\n    weights: {noise: 0.1, levels: [9]}\n",
         "3:14: no weighted node of model asem at these levels"},
        {"example-raw", "example-raw", "inputs:\n  - name: i\n    impute: [none, group_mean]\n",
         "3:20: group imputation needs the model's impute group (model example-raw has none)"},
    };
    for (size_t i = 0; i < sizeof bind / sizeof bind[0]; i++) {
        char path[] = "/tmp/dti_test_tune_XXXXXX", mpath[256], dpath[256];
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fputs(bind[i].text, f);
        fclose(f);
        snprintf(mpath, sizeof mpath, DTI_SRCDIR "/models/%s.yaml", bind[i].model);
        snprintf(dpath, sizeof dpath, DTI_SRCDIR "/data/%s.yaml", bind[i].data);
        dti_dataset *ds = NULL;
        dti_uncertainty *u = NULL;
        dti_tune_sens *sn = NULL;
        dti_error_init(&err);
        assert_int_equal(dti_framework_load(mpath, &fw, &err), DTI_OK);
        assert_int_equal(dti_dataset_load(dpath, fw, NULL, NULL, &ds, &err), DTI_OK);
        assert_int_equal(dti_uncertainty_load(path, &u, &err), DTI_OK);
        unlink(path);
        /* the library's own limit, whatever the caller parsed: DTI_THREADS_MAX = 64 */
        assert_int_equal(dti_tune_sens_new(fw, ds, u, 65, &sn, &err), DTI_ERR_USAGE);
        assert_null(sn);
        assert_string_equal(err.e[0].message, "at most 64 threads, not 65");
        dti_error_init(&err);
        assert_int_equal(dti_tune_sens_new(fw, ds, u, 1, &sn, &err), DTI_ERR_INPUT);
        assert_null(sn);
        char msg[600];
        snprintf(msg, sizeof msg, "%zu:%zu: %s", err.e[0].line, err.e[0].column, err.e[0].message);
        assert_string_equal(msg, bind[i].want);
        assert_string_equal(err.e[0].path, u->path);
        dti_uncertainty_free(u);
        dti_dataset_free(ds);
        dti_framework_free(fw);
    }
}

/* ---- tune stability and tune goal (hand-worked 4-unit example) ------------------------------------ */

/* Three indicators with weights 2, 1, 1 (shares 0.5, 0.25, 0.25), range [0, 1], 4 decimals:
 *        i1   i2   i3   score
 *   A   0.9  0.3  0.5   0.45 + 0.075 + 0.125 = 0.65   rank 1
 *   P   0.6  0.6  0.6   0.6 whatever the weights      rank 2
 *   B   0.4  0.9  0.5   0.2  + 0.225 + 0.125 = 0.55   rank 3
 *   C   0.2  0.5  0.6   0.1  + 0.125 + 0.15  = 0.375  rank 4 */
static const double S_hand[4 * 3] = {0.9, 0.3, 0.5, 0.6, 0.6, 0.6, 0.4, 0.9, 0.5, 0.2, 0.5, 0.6};
#define HAND_A 0
#define HAND_P 1
#define HAND_C 3
#define STAB_TOL 1e-12 /* exact breakpoints: a ratio of two differences of doubles near 1 */

static dti_framework *S_hand_model(const char *extra)
{
    char path[] = "/tmp/dti_test_tune_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "name: hand\nprecision: 4\nrange: [0, 1]\n%snodes:\n  - id: idx\n", extra);
    static const int w[3] = {2, 1, 1};
    for (size_t j = 0; j < 3; j++)
        fprintf(f, "  - id: i%zu\n    parent: idx\n    weight: %d\n", j + 1, w[j]);
    fclose(f);
    dti_framework *fw = NULL;
    dti_error err;
    dti_error_init(&err);
    int rc = dti_framework_load(path, &fw, &err);
    if (rc)
        dti_error_print(&err, stderr);
    unlink(path);
    assert_int_equal(rc, DTI_OK);
    return fw;
}

static char *S_hand_codes[4] = {"A", "P", "B", "C"};

static dti_dataset S_hand_data(double *values)
{
    dti_dataset ds = {0};
    ds.path = "hand";
    ds.n_units = 4;
    ds.n_indicators = 3;
    ds.unit = ds.name = S_hand_codes;
    memcpy(values, S_hand, sizeof S_hand);
    ds.values = values;
    return ds;
}

static void test_dti_tune_stability_hand_rounded(void **state)
{
    (void)state;
    dti_framework *fw = S_hand_model("");
    double v[12];
    dti_dataset ds = S_hand_data(v);
    dti_tune_stab_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_stability(fw, &ds, HAND_P, 0, &res, &err), DTI_OK);
    assert_int_equal(res.rank, 2);
    assert_int_equal(res.n_scored, 4);
    assert_int_equal(res.n_rows, 3);
    /* i1 at share t, i2 and i3 at (1 - t)/2 each: A = 0.4 + 0.5 t, B = 0.7 - 0.3 t, C = 0.55 - 0.35 t,
     * P = 0.6.  On 4 decimals a unit is above P (key 6000) when its score reaches 0.60005: A for
     * t >= 0.0002 / 0.5 + 0.4 = 0.4001, B for t <= 0.09995 / 0.3 = 0.33316667, C never.  Rank 2 (A
     * alone above) from 0.4001 to 1; just below 0.4001 nobody is above: rank 1. */
    assert_close(res.row[0].nominal, 0.5, 0, STAB_TOL);
    assert_close(res.row[0].lower, 0.4001, 0, STAB_TOL);
    assert_int_equal(res.row[0].rank_below, 1);
    assert_close(res.row[0].upper, 1.0, 0, STAB_TOL);
    assert_int_equal(res.row[0].rank_above, 0);
    assert_true(res.row[0].exact);
    /* i2 at share t, i1 at 2/3 (1 - t), i3 at 1/3 (1 - t): A = 2.3/3 - 1.4/3 t, B = 1.3/3 + 1.4/3 t,
     * C = 1/3 + 0.5/3 t.  A above while 2.3/3 - 1.4/3 t >= 0.60005, i.e. t <= (0.5/3 - 0.00005) 3/1.4
     * = 5/14 - 3/28000 = 0.357035714...; B above from 5/14 + 3/28000: in between both tie P on 4
     * decimals and P is first.  Unrounded the two lines cross P at the same t = 5/14 and the rank
     * would never change. */
    assert_close(res.row[1].nominal, 0.25, 0, STAB_TOL);
    assert_close(res.row[1].lower, 0.0, 0, STAB_TOL);
    assert_int_equal(res.row[1].rank_below, 0);
    assert_close(res.row[1].upper, 5.0 / 14 - 3.0 / 28000, 0, STAB_TOL);
    assert_int_equal(res.row[1].rank_above, 1);
    /* i3 at share t, i1 at 2/3 (1 - t), i2 at 1/3 (1 - t): A = 0.7 - 0.2 t, above while
     * 0.7 - 0.2 t >= 0.60005, t <= 0.49975; B = 1.7/3 - 0.2/3 t and C = 0.3 + 0.3 t never above. */
    assert_close(res.row[2].upper, 0.49975, 0, STAB_TOL);
    assert_int_equal(res.row[2].rank_above, 1);
    assert_close(res.row[2].lower, 0.0, 0, STAB_TOL);
    dti_tune_stab_result_clear(&res);

    /* top-2 membership: P is 1st or 2nd for every share of i1 (C never above, B and A never both) */
    assert_int_equal(dti_tune_stability(fw, &ds, HAND_P, 2, &res, &err), DTI_OK);
    assert_close(res.row[0].lower, 0.0, 0, STAB_TOL);
    assert_close(res.row[0].upper, 1.0, 0, STAB_TOL);
    dti_tune_stab_result_clear(&res);
    dti_framework_free(fw);
}

static void test_dti_tune_stability_hand_unrounded(void **state)
{
    (void)state;
    dti_framework *fw = S_hand_model("defaults:\n  rank: unrounded\n");
    double v[12];
    dti_dataset ds = S_hand_data(v);
    dti_tune_stab_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_stability(fw, &ds, HAND_P, 0, &res, &err), DTI_OK);
    /* the lines of the rounded case crossing P itself: i1 from 0.4 (A = P) to 1; i2 over all of
     * [0, 1] (A leaves and B enters at the same 5/14: an isolated tie); i3 up to 0.5 (A = P) */
    assert_close(res.row[0].lower, 0.4, 0, STAB_TOL);
    assert_int_equal(res.row[0].rank_below, 1);
    assert_close(res.row[1].lower, 0.0, 0, STAB_TOL);
    assert_close(res.row[1].upper, 1.0, 0, STAB_TOL);
    assert_close(res.row[2].upper, 0.5, 0, STAB_TOL);
    dti_tune_stab_result_clear(&res);
    dti_framework_free(fw);
}

static void test_dti_tune_stability_hand_geometric(void **state)
{
    (void)state;
    dti_framework *fw = S_hand_model("defaults:\n  rank: unrounded\n  aggregate: {method: geometric}\n");
    double v[12];
    dti_dataset ds = S_hand_data(v);
    dti_tune_stab_result res;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_tune_stability(fw, &ds, HAND_P, 0, &res, &err), DTI_OK);
    /* Geometric mean, i1 at share t and i2, i3 at (1 - t)/2: ln s = t ln x1 + (1 - t)/2 ln(x2 x3),
     * P = 0.6.  A above P when t ln 0.9 + (1 - t)/2 ln 0.15 > ln 0.6, i.e. t > (ln 0.6 - ln(0.15)/2) /
     * (ln 0.9 - ln(0.15)/2) = 0.5191; B above when t < (ln 0.6 - ln(0.45)/2) / (ln 0.4 - ln(0.45)/2)
     * = 0.2158; C (ln 0.2, ln 0.3) never for t in [0, 1].  At t0 = 0.5 P is first: [0.2158, 0.5191]. */
    double lo = (log(0.6) - 0.5 * log(0.45)) / (log(0.4) - 0.5 * log(0.45));
    double hi = (log(0.6) - 0.5 * log(0.15)) / (log(0.9) - 0.5 * log(0.15));
    assert_int_equal(res.rank, 1);
    assert_false(res.row[0].exact);
    assert_close(res.row[0].lower, lo, 0, 2 * DTI_TUNE_STAB_BISECT_TOL);
    assert_close(res.row[0].upper, hi, 0, 2 * DTI_TUNE_STAB_BISECT_TOL);
    assert_int_equal(res.row[0].rank_below, 2);
    assert_int_equal(res.row[0].rank_above, 2);
    dti_tune_stab_result_clear(&res);
    dti_framework_free(fw);
}

static void test_dti_tune_goal_hand(void **state)
{
    (void)state;
    dti_framework *fw = S_hand_model("");
    double v[12];
    dti_dataset ds = S_hand_data(v);
    dti_tune_goal_result res;
    dti_error err;
    dti_error_init(&err);
    /* P (0.6, rank 2) into the top 1: A's 0.65 is key 6500, whose lower edge is 0.64995 (half a digit
     * below); the target adds a margin of 0.01 digit (S_GOAL_MARGIN): 0.649951.  The gain 0.049951 is
     * cheapest through i1 (cost per point 1 / 0.5 = 2, against 4 and 4): +0.049951 / 0.5 = +0.099902;
     * alone, i2 or i3 need +0.049951 / 0.25 = 0.199804 (room 0.4: they fit). */
    assert_int_equal(dti_tune_goal(fw, &ds, HAND_P, 1, NULL, &res, &err), DTI_OK);
    assert_false(res.already);
    assert_int_equal(res.rival, HAND_A);
    assert_close(res.needed, 0.649951, 0, HAND_TOL);
    assert_close(res.delta[0], 0.099902, 0, HAND_TOL);
    assert_close(res.delta[1], 0.0, 0, HAND_TOL);
    assert_close(res.plan_cost, 0.099902, 0, HAND_TOL);
    assert_close(res.single[1], 0.199804, 0, HAND_TOL);
    assert_close(res.single[2], 0.199804, 0, HAND_TOL);
    assert_int_equal(res.rank_after, 1); /* a tie with A on 4 decimals shares rank 1 */
    dti_tune_goal_result_clear(&res);

    /* C (0.375, rank 4) into the top 1 with costs (5, 1, 2): cost per point 10, 4, 8.  Gain needed
     * 0.649951 - 0.375 = 0.274951: i2 to its cap (+0.5, gain 0.125), i3 to its cap (+0.4, gain 0.1),
     * then i1 +0.049951 / 0.5 = +0.099902.  Cost 5 (0.099902) + 1 (0.5) + 2 (0.4) = 1.79951.  Alone: i1
     * +0.549902 (room 0.8); i2 and i3 would need +1.099804 > their room: cannot reach. */
    static const double cost[3] = {5, 1, 2};
    assert_int_equal(dti_tune_goal(fw, &ds, HAND_C, 1, cost, &res, &err), DTI_OK);
    assert_true(res.reachable);
    assert_close(res.delta[0], 0.099902, 0, HAND_TOL);
    assert_close(res.delta[1], 0.5, 0, HAND_TOL);
    assert_close(res.delta[2], 0.4, 0, HAND_TOL);
    assert_close(res.plan_cost, 1.79951, 0, HAND_TOL);
    assert_close(res.single[0], 0.549902, 0, HAND_TOL);
    assert_true(isnan(res.single[1]));
    assert_true(isnan(res.single[2]));
    assert_int_equal(res.rank_after, 1);
    dti_tune_goal_result_clear(&res);

    /* already there: P into the top 2 */
    assert_int_equal(dti_tune_goal(fw, &ds, HAND_P, 2, NULL, &res, &err), DTI_OK);
    assert_true(res.already);
    assert_close(res.plan_cost, 0.0, 0, HAND_TOL);
    dti_tune_goal_result_clear(&res);
    dti_framework_free(fw);

    /* a non-linear model is refused at the node */
    fw = S_hand_model("defaults:\n  aggregate: {method: geometric}\n");
    dti_error_init(&err);
    assert_int_equal(dti_tune_goal(fw, &ds, HAND_P, 1, NULL, &res, &err), DTI_ERR_INPUT);
    assert_non_null(strstr(err.e[0].message, "needs a linear model"));
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
        cmocka_unit_test(test_dti_tune_fit_ls_2022_reference),
        cmocka_unit_test(test_dti_tune_sobol_ishigami),
        cmocka_unit_test(test_dti_tune_sobol_linear),
        cmocka_unit_test(test_dti_tune_saltelli_threads),
        cmocka_unit_test(test_dti_tune_saltelli_sobol_threads),
        cmocka_unit_test(test_dti_tune_saltelli_sobol_stratified),
        cmocka_unit_test(test_dti_tune_sobol_design_converges),
        cmocka_unit_test(test_dti_tune_mc_first_failure),
        cmocka_unit_test(test_dti_tune_sensitivity_threads),
        cmocka_unit_test(test_dti_tune_sens_passes),
        cmocka_unit_test(test_dti_tune_sens_new_errors),
        cmocka_unit_test(test_dti_tune_stability_hand_rounded),
        cmocka_unit_test(test_dti_tune_stability_hand_unrounded),
        cmocka_unit_test(test_dti_tune_stability_hand_geometric),
        cmocka_unit_test(test_dti_tune_goal_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
