/* test_compare.c -- compare.h and panel.h: leave-one-out and two variants side by side on hand cases
 * worked out in the comments and on ASEM against tests/reference/toolkit_reference.py (which re-runs
 * the whole independent pipeline without each indicator, and ranks with scipy); imputation over time
 * on a hand panel. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "compare.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "panel.h"
#include "testutil.h"
#include "testscore.h"
#include "weights.h"

#define HAND_TOL 1e-14
#define REF_REL 1e-9 /* the reference sums in another order; measured agreement ~1e-13 */

static dti_framework *S_fw(const char *text)
{
    char path[] = "/tmp/dti_test_compare_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    int rc = dti_framework_load(path, &fw, &err);
    unlink(path);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    return fw;
}

/* ---- leave-one-out ----------------------------------------------------------------------------- */

static void test_loo_hand(void **state)
{
    (void)state;
    /* i = (p1 + p2) / 2, p1 = (a + b) / 2, p2 = c (its only child) */
    dti_framework *fw = S_fw("name: t\nnodes:\n  - id: i\n  - id: p1\n    parent: i\n    weight: 1\n"
                             "  - id: p2\n    parent: i\n    weight: 1\n  - id: a\n    parent: p1\n    weight: 1\n"
                             "  - id: b\n    parent: p1\n    weight: 1\n  - id: c\n    parent: p2\n    weight: 1\n");
    /* columns a, b, c over units U1, U2, U3 */
    const double nrm[9] = {0.9, 0.1, 0.5, /* a */ 0.1, 0.7, 0.3, /* b */ 0.2, 0.4, 0.6 /* c */};
    /* full: p1 = 0.5, 0.4, 0.4; i = 0.35, 0.4, 0.5: ranks 3, 2, 1.
     * without a: p1 = b; i = 0.15, 0.55, 0.45: ranks 3, 1, 2; shifts (full - without) 0, +1, -1;
     *   mean |shift| 2/3, max 1.
     * without b: p1 = a; i = 0.55, 0.25, 0.55: ranks 1, 3, 1 (a tie); shifts +2, -1, 0: mean 1, max 2.
     * without c: p2 has no weighted child left and leaves i: i = p1 = 0.5, 0.4, 0.4: ranks 1, 2, 2;
     *   shifts +2, 0, -1: mean 1, max 2.
     * without p1: i = c: ranks 3, 2, 1: no shift. */
    dti_loo *w = dti_loo_alloc(fw, 3);
    dti_loo_result r;
    dti_error err;
    dti_error_init(&err);
    size_t drop[4] = {dti_framework_node_find(fw, "a"), dti_framework_node_find(fw, "b"),
                      dti_framework_node_find(fw, "c"), dti_framework_node_find(fw, "p1")};
    assert_int_equal(dti_loo_run(w, nrm, NULL, drop, 4, &r, &err), DTI_OK);
    assert_int_equal(r.n_drop, 4);
    const size_t base[3] = {3, 2, 1};
    const double score[4][3] = {{0.15, 0.55, 0.45}, {0.55, 0.25, 0.55}, {0.5, 0.4, 0.4}, {0.2, 0.4, 0.6}};
    const size_t rank[4][3] = {{3, 1, 2}, {1, 3, 1}, {1, 2, 2}, {3, 2, 1}};
    const double shift[4][3] = {{0, 1, -1}, {2, -1, 0}, {2, 0, -1}, {0, 0, 0}};
    const double mean[4] = {2.0 / 3, 1, 1, 0}, max[4] = {1, 2, 2, 0};
    for (size_t u = 0; u < 3; u++)
        assert_int_equal(r.base_rank[u], base[u]);
    assert_close(r.base_score[0], 0.35, HAND_TOL, 0);
    for (size_t d = 0; d < 4; d++) {
        assert_int_equal(r.dropped[d], drop[d]);
        for (size_t u = 0; u < 3; u++) {
            assert_close(r.score[d * 3 + u], score[d][u], HAND_TOL, 0);
            assert_int_equal(r.rank[d * 3 + u], rank[d][u]);
            assert_close(r.shift[d * 3 + u], shift[d][u], 0, 0);
        }
        assert_close(r.mean_abs_shift[d], mean[d], HAND_TOL, 0);
        assert_close(r.max_abs_shift[d], max[d], 0, 0);
    }
    /* every indicator (drop NULL): a, b, c in the engine's column order, the same numbers */
    assert_int_equal(dti_loo_run(w, nrm, NULL, NULL, 0, &r, &err), DTI_OK);
    assert_int_equal(r.n_drop, 3);
    assert_close(r.mean_abs_shift[2], 1, HAND_TOL, 0);
    /* under other weights: c 0 in its own group is refused by nothing, p1 twice as heavy */
    double wt[6];
    for (size_t i = 0; i < 6; i++)
        wt[i] = fw->nodes[i].weight;
    wt[drop[3]] = 3; /* i = (3 p1 + p2) / 4: 0.425, 0.4, 0.45 -> ranks 2, 3, 1 */
    assert_int_equal(dti_loo_run(w, nrm, wt, drop, 1, &r, &err), DTI_OK);
    assert_close(r.base_score[0], 0.425, HAND_TOL, 0);
    assert_int_equal(r.base_rank[1], 3);
    /* errors */
    size_t root = fw->root;
    assert_int_equal(dti_loo_run(w, nrm, NULL, &root, 1, &r, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message,
                        "leave-one-out: 'i' is not weighted in model t (the index itself, or a reported node)");
    dti_error_init(&err);
    size_t many[7] = {0};
    assert_int_equal(dti_loo_run(w, nrm, NULL, many, 7, &r, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "leave-one-out: 7 nodes to drop, but model t has 6");
    dti_loo_free(w);
    dti_loo_free(NULL);
    assert_null(dti_loo_alloc(fw, 0));
    dti_framework_free(fw);
}

static dti_score *S_asem(const char *agg_line)
{
    const char *path = DTI_SRCDIR "/models/asem.yaml";
    char tmp[] = "/tmp/dti_test_compare_XXXXXX";
    if (agg_line) { /* models/asem.yaml with the defaults' aggregation replaced */
        static const char from[] = "  aggregate: {method: arithmetic, min_coverage: 1}\n";
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char text[1 << 16];
        size_t len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[len] = '\0';
        char *at = strstr(text, from);
        assert_non_null(at);
        int fd = mkstemp(tmp);
        assert_true(fd >= 0);
        FILE *o = fdopen(fd, "w");
        assert_non_null(o);
        fprintf(o, "%.*s%s%s", (int)(at - text), text, agg_line, at + strlen(from));
        fclose(o);
        path = tmp;
    }
    dti_error err;
    dti_error_init(&err);
    dti_score *sc = NULL;
    int rc = dti_test_score(path, DTI_SRCDIR "/data/asem.yaml", &sc, &err);
    if (agg_line)
        unlink(tmp);
    assert_int_equal(rc, DTI_OK);
    return sc;
}

static void test_loo_asem_reference(void **state)
{
    (void)state;
    dti_score *sc = S_asem(NULL);
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *e;
    const dti_engine_result *er;
    dti_score_parts(sc, &fw, &ds, &e, &er);
    dti_loo *w = dti_loo_alloc(fw, er->n_units);
    dti_loo_result r;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_loo_run(w, er->normalised, NULL, NULL, 0, &r, &err), DTI_OK);
    assert_int_equal(r.n_drop, 49);
    for (size_t u = 0; u < er->n_units; u++) { /* the base is the engine's own run */
        assert_close(r.base_score[u], er->values[fw->root * er->n_units + u], 0, 0);
        assert_int_equal(r.base_rank[u], er->rank[u]);
    }
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_loo.csv", "r");
    assert_non_null(f);
    char line[256], *v[5];
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 5) != 5 || !strcmp(v[0], "dropped"))
            continue;
        size_t d = 0, u = 0;
        while (d < r.n_drop && strcmp(fw->nodes[r.dropped[d]].id, v[0]) != 0)
            d++;
        while (u < ds->n_units && strcmp(ds->unit[u], v[1]) != 0)
            u++;
        assert_true(d < r.n_drop && u < ds->n_units);
        assert_close(r.score[d * r.n_units + u], strtod(v[2], NULL), REF_REL, 0);
        assert_int_equal(r.rank[d * r.n_units + u], strtoul(v[3], NULL, 10));
        assert_close(r.shift[d * r.n_units + u], strtod(v[4], NULL), 0, 0);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 49 * 51);
    f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_loo_summary.csv", "r");
    assert_non_null(f);
    rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 3) != 3 || !strcmp(v[0], "dropped"))
            continue;
        size_t d = 0;
        while (d < r.n_drop && strcmp(fw->nodes[r.dropped[d]].id, v[0]) != 0)
            d++;
        assert_true(d < r.n_drop);
        assert_close(r.mean_abs_shift[d], strtod(v[1], NULL), 1e-15, 0);
        assert_close(r.max_abs_shift[d], strtod(v[2], NULL), 0, 0);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 49);
    dti_loo_free(w);
    dti_test_score_free(sc);
}

/* ---- two variants ------------------------------------------------------------------------------ */

static void test_compare_variants_hand(void **state)
{
    (void)state;
    /* A: X 0.9, Y 0.5, Z 0.7, V unscored -> ranks X 1, Z 2, Y 3.
     * B: Y 0.8, Z 0.6, W 0.7, X 0.3 -> ranks Y 1, W 2, Z 3, X 4.
     * Rows: X (1, 4: shift -3), Y (3, 1: +2), Z (2, 3: -1), V (only A, unranked), W (only B, rank 2).
     * Top 2: X and Z leave, Y and W enter.  Over X, Y, Z: mean |shift| 2, max 3; Spearman of
     * (0.9, 0.5, 0.7) and (0.3, 0.8, 0.6): ranks (3, 1, 2) and (1, 3, 2), rho = -1. */
    static const char *const ua[] = {"X", "Y", "Z", "V"}, *const ub[] = {"Y", "Z", "W", "X"};
    const double sa[] = {0.9, 0.5, 0.7, NAN}, sb[] = {0.8, 0.6, 0.7, 0.3};
    const size_t ra[] = {1, 3, 2, 0}, rb[] = {1, 3, 2, 4};
    dti_variant a = {4, ua, sa, ra}, b = {4, ub, sb, rb};
    dti_compare c;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_compare_variants(&a, &b, 2, &c, &err), DTI_OK);
    assert_int_equal(c.n_rows, 5);
    static const char *const unit[] = {"X", "Y", "Z", "V", "W"};
    const size_t rka[] = {1, 3, 2, 0, 0}, rkb[] = {4, 1, 3, 0, 2};
    const double shift[] = {-3, 2, -1, NAN, NAN};
    const int cross[] = {-1, 1, -1, 0, 1};
    for (size_t k = 0; k < 5; k++) {
        assert_string_equal(c.rows[k].unit, unit[k]);
        assert_int_equal(c.rows[k].rank_a, rka[k]);
        assert_int_equal(c.rows[k].rank_b, rkb[k]);
        assert_close(c.rows[k].shift, shift[k], 0, 0);
        assert_int_equal(c.rows[k].cross, cross[k]);
    }
    assert_int_equal(c.rows[3].ub, DTI_NONE);
    assert_int_equal(c.rows[4].ua, DTI_NONE);
    assert_close(c.rows[4].score_b, 0.7, 0, 0);
    assert_int_equal(c.n_both, 3);
    assert_close(c.spearman, -1, HAND_TOL, 0);
    assert_close(c.mean_abs_shift, 2, HAND_TOL, 0);
    assert_close(c.max_abs_shift, 3, 0, 0);
    assert_int_equal(c.n_entered, 2);
    assert_int_equal(c.n_left, 2);
    dti_compare_clear(&c);
    /* no top K; a variant with one common unit: rho undefined */
    dti_variant one = {1, ua, sa, ra};
    assert_int_equal(dti_compare_variants(&one, &b, 0, &c, &err), DTI_OK);
    assert_int_equal(c.n_both, 1);
    assert_close(c.spearman, NAN, 0, 0);
    assert_int_equal(c.n_entered + c.n_left, 0);
    dti_compare_clear(&c);
    static const char *const dup[] = {"Y", "Z", "Y", "X"};
    dti_variant bad = {4, dup, sb, rb};
    assert_int_equal(dti_compare_variants(&a, &bad, 2, &c, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "variant B lists unit 'Y' twice");
}

static void test_compare_variants_asem_reference(void **state)
{
    (void)state;
    dti_score *sa = S_asem(NULL), *sb = S_asem("  aggregate: {method: generalised, p: 0.5, min_coverage: 1}\n");
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *e;
    const dti_engine_result *ra, *rb;
    dti_score_parts(sb, &fw, &ds, &e, &rb);
    dti_score_parts(sa, &fw, &ds, &e, &ra);
    size_t nu = ra->n_units;
    const char *const *units = (const char *const *)ds->unit;
    dti_variant a = {nu, units, ra->values + fw->root * nu, ra->rank};
    dti_variant b = {nu, units, rb->values + fw->root * nu, rb->rank};
    dti_compare c;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_compare_variants(&a, &b, 10, &c, &err), DTI_OK);
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_compare.csv", "r");
    assert_non_null(f);
    char line[256], *v[5];
    size_t rows = 0, entered = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 5) != 5 || !strcmp(v[0], "unit"))
            continue;
        if (!strcmp(v[0], "spearman")) {
            assert_close(c.spearman, strtod(v[1], NULL), REF_REL, 0);
            assert_int_equal(c.n_both, strtoul(v[2], NULL, 10));
            continue;
        }
        size_t k = 0;
        while (k < c.n_rows && strcmp(c.rows[k].unit, v[0]) != 0)
            k++;
        assert_true(k < c.n_rows);
        assert_int_equal(c.rows[k].rank_a, strtoul(v[1], NULL, 10));
        assert_int_equal(c.rows[k].rank_b, strtoul(v[2], NULL, 10));
        assert_close(c.rows[k].shift, strtod(v[3], NULL), 0, 0);
        assert_int_equal(c.rows[k].cross, atoi(v[4]));
        entered += atoi(v[4]) > 0;
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 51);
    assert_int_equal(c.n_entered, entered);
    dti_compare_clear(&c);
    dti_test_score_free(sb);
    dti_test_score_free(sa);
}

/* ---- ranks within groups ----------------------------------------------------------------------- */

static void test_rank_within_groups_hand(void **state)
{
    (void)state;
    /* groups: North = U1, U3, U4, U6; South = U2, U5; U7 has none; U6 has no value.
     * North: 0.71241 (U1), 0.71238 (U3: both 0.7124 at 4 decimals), 0.9 (U4): ranks 2, 2, 1.
     * Unrounded: U1 > U3, so U1 2, U3 3.  South: 0.5 and 0.5: both 1. */
    const double v[7] = {0.71241, 0.5, 0.71238, 0.9, 0.5, NAN, 0.99};
    const size_t g[7] = {0, 1, 0, 0, 1, 0, DTI_NONE};
    size_t r[7];
    dti_rank_within_groups(v, 7, g, 4, r);
    const size_t want[7] = {2, 1, 2, 1, 1, 0, 0};
    for (size_t u = 0; u < 7; u++)
        assert_int_equal(r[u], want[u]);
    dti_rank_within_groups(v, 7, g, -1, r);
    assert_int_equal(r[0], 2);
    assert_int_equal(r[2], 3);
}

/* ---- imputation over time ---------------------------------------------------------------------- */

static void test_panel_impute_hand(void **state)
{
    (void)state;
    /* years 2019, 2020, 2022, 2023; units U1..U4; indicator 0 (and for U1 an indicator 1):
     *   U1: 1, -, 4, -      linear 2020: 1 + 3 * 1/3 = 2;  LOCF: 1 and 4 (2023)
     *   U2: -, 5, -, 8      linear 2022: 5 + 3 * 2/3 = 7;  LOCF 5; 2019 never filled (no backward)
     *   U3: all missing     nothing
     *   U4: 2, -, -, 10     linear: 2 + 8 * 1/4 = 4 and 2 + 8 * 3/4 = 8;  LOCF 2, 2
     *   U1 indicator 1: 10, 20, -, 40   linear 2022: 20 + 20 * 2/3;  LOCF 20 */
    const int years[4] = {2019, 2020, 2022, 2023};
    const double N = NAN;
    const double in[4][4][2] = {
        {{1, 10}, {N, N}, {N, N}, {2, N}},
        {{N, 20}, {5, N}, {N, N}, {N, N}},
        {{4, N}, {N, N}, {N, N}, {N, N}},
        {{N, 40}, {8, N}, {N, N}, {10, N}},
    };
    static const struct {
        int method;
        size_t max_gap, n;
        double u1_2020, u1_2023, u2_2022, u4_2020, u4_2022, u1j1_2022;
    } cases[] = {
        {DTI_PANEL_LINEAR, 0, 5, 2, NAN, 7, 4, 8, 20 + 40.0 / 3},
        {DTI_PANEL_LOCF, 0, 6, 1, 4, 5, 2, 2, 20},
        {DTI_PANEL_LINEAR_LOCF, 0, 6, 2, 4, 7, 4, 8, 20 + 40.0 / 3},
        /* at most 1 year away: U1 2020 (1 back), U1 2023 (1 back); not U2 2022 (2), U4 2022 (3), U1 j1
         * 2022 (2) */
        {DTI_PANEL_LOCF, 1, 3, 1, 4, NAN, 2, NAN, NAN},
        /* linear within 2 years both ways: U1 2020 (1, 2), U2 2022 (2, 1), U1 j1 2022 (2, 1); not U4 */
        {DTI_PANEL_LINEAR, 2, 3, 2, NAN, 7, NAN, NAN, 20 + 40.0 / 3},
    };
    dti_error err;
    dti_error_init(&err);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        double x[32];
        unsigned char filled[32];
        memcpy(x, in, sizeof x);
        size_t n;
        assert_int_equal(dti_panel_impute(x, 4, 4, 2, years, cases[k].method, cases[k].max_gap, filled, &n, &err),
                         DTI_OK);
        /* cell (t, u, j) at (t * 4 + u) * 2 + j */
        assert_int_equal(n, cases[k].n);
        assert_close(x[(1 * 4 + 0) * 2], cases[k].u1_2020, HAND_TOL, 0);
        assert_close(x[(3 * 4 + 0) * 2], cases[k].u1_2023, HAND_TOL, 0);
        assert_close(x[(2 * 4 + 1) * 2], cases[k].u2_2022, HAND_TOL, 0);
        assert_close(x[(1 * 4 + 3) * 2], cases[k].u4_2020, HAND_TOL, 0);
        assert_close(x[(2 * 4 + 3) * 2], cases[k].u4_2022, HAND_TOL, 0);
        assert_close(x[(2 * 4 + 0) * 2 + 1], cases[k].u1j1_2022, HAND_TOL, 0);
        assert_close(x[(0 * 4 + 1) * 2], NAN, 0, 0); /* U2 2019: before its first observation */
        assert_close(x[(2 * 4 + 2) * 2], NAN, 0, 0); /* U3: nothing observed */
        assert_close(x[(2 * 4 + 0) * 2], 4, 0, 0);   /* observed values never change */
        size_t marks = 0;
        for (size_t c = 0; c < 32; c++)
            marks += filled[c];
        assert_int_equal(marks, n);
        assert_int_equal(filled[(1 * 4 + 0) * 2], !isnan(cases[k].u1_2020));
    }
    double x[2] = {1, NAN};
    const int bad[2] = {2020, 2020};
    assert_int_equal(dti_panel_impute(x, 2, 1, 1, bad, DTI_PANEL_LOCF, 0, NULL, NULL, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "panel years must increase: 2020 comes after 2020");
    dti_error_init(&err);
    assert_int_equal(dti_panel_impute(x, 2, 1, 1, years, 7, 0, NULL, NULL, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown panel imputation method 7");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loo_hand),
        cmocka_unit_test(test_loo_asem_reference),
        cmocka_unit_test(test_compare_variants_hand),
        cmocka_unit_test(test_compare_variants_asem_reference),
        cmocka_unit_test(test_rank_within_groups_hand),
        cmocka_unit_test(test_panel_impute_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
