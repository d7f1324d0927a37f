/* test_toolkit.c -- toolkit.h, profile.h and the multi-year data tables (dataset.c, dataset_csv.c,
 * panel.c): ranks within groups with bounds, the nodes of --drop, the weight set of a run, the panel of
 * tests/toolkit/ (SYNTHETIC, tests/gen_toolkit_data.py) through both loaders and the imputation over
 * time, and a profile's history and details on the shipped record.  Expected numbers are worked by hand
 * in the comments. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "internal.h"
#include "panel.h"
#include "profile.h"
#include "ranking.h"
#include "score.h"
#include "testutil.h"
#include "toolkit.h"

#define HAND_TOL 1e-14

static const char *S_path(const char *rel)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", DTI_SRCDIR, rel);
    return buf[k];
}

static dti_framework *S_load_fw(const char *rel)
{
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    int rc = dti_framework_load(S_path(rel), &fw, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    return fw;
}

/* ---- ranks within groups, with bounds ------------------------------------------------------------ */

/* Six units, two groups.  Group 0: A exact 2, B exact 5, C bounded 11..63 (outside the top 10), D exact
 * 12.  Group 1: E exact 1, F unknown.
 *   A: B and D below, C surely below (its best rank 11 > 2): 1.
 *   B: A above; C surely not above (11 >= 5): 2.
 *   D (12): A and B above; C may be 11 (above) or 13+ (below): not determined, 0.
 *   C: no exact rank: 0.   E: F unknown may be above: 0.   F: 0. */
static void test_group_ranks_bounds(void **state)
{
    (void)state;
    size_t group[] = {0, 0, 0, 0, 1, 1};
    int status[] = {DTI_RANK_EXACT, DTI_RANK_EXACT, DTI_RANK_BOUNDED, DTI_RANK_EXACT, DTI_RANK_EXACT, DTI_RANK_UNKNOWN};
    size_t rank[] = {2, 5, 0, 12, 1, 0}, lo[] = {2, 5, 11, 12, 1, 1}, hi[] = {2, 5, 63, 12, 1, 63}, out[6];
    dti_group_ranks(6, group, status, rank, lo, hi, out);
    size_t want[] = {1, 2, 0, 0, 0, 0};
    for (size_t u = 0; u < 6; u++)
        assert_int_equal(out[u], want[u]);
    /* C known to be 20..63 instead: D (12) is now surely above it, so 3; ties share: a second unit of
     * rank 2 in group 0 makes A and it both 1, B 3. */
    lo[2] = 20;
    dti_group_ranks(6, group, status, rank, lo, hi, out);
    assert_int_equal(out[3], 3);
    size_t g2[] = {0, 0, 0, 0, 0}, r2[] = {2, 2, 5, 0, 0}, l2[] = {2, 2, 5, 1, 1}, h2[] = {2, 2, 5, 1, 1};
    int s2[] = {DTI_RANK_EXACT, DTI_RANK_EXACT, DTI_RANK_EXACT, DTI_RANK_BOUNDED, DTI_RANK_BOUNDED};
    /* two units bounded at <= 1 (a degenerate bound, surely above everyone ranked 2 or worse): +2 */
    dti_group_ranks(5, g2, s2, r2, l2, h2, out);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 5);
}

/* The 2024 ranking by region: every province has an exact rank, so every region rank is determined;
 * Thái Nguyên (0.7924, the best of the Northern Midlands and Mountains) is 1 (regions_reference.py
 * checks all 63 against the golden output). */
static void test_region_ranks_2024(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    assert_int_equal(dti_registry_load(S_path("data/provinces.yaml"), &reg, &err), DTI_OK);
    assert_int_equal(dti_year_load(S_path("data/dti/2024.yaml"), reg, S_path("models"), &yr, &err), DTI_OK);
    dti_ranking rk;
    assert_int_equal(dti_ranking_compute(yr, "dti", &rk, &err), DTI_OK);
    dti_region_ranks rr;
    dti_region_ranks_compute(&rk, &rr);
    assert_int_equal(rr.n_regions, 6);
    assert_int_equal(rr.n_determined, 63);
    size_t tn = 0, total = 0;
    while (strcmp(reg->p[rk.row[tn].reg].code, "19") != 0)
        tn++;
    assert_int_equal(rr.rank[tn], 1);
    for (size_t g = 0; g < rr.n_regions; g++)
        total += rr.size[g];
    assert_int_equal(total, 63);
    dti_region_ranks_clear(&rr);
    dti_ranking_clear(&rk);
    dti_year_free(yr);
    dti_registry_free(reg);
}

/* ---- the nodes of --drop --------------------------------------------------------------------------- */

static void test_loo_nodes(void **state)
{
    (void)state;
    dti_framework *fw = S_load_fw("models/asem.yaml");
    size_t nodes[128], n;
    dti_error err;
    dti_error_init(&err);
    const char *all[] = {"all"};
    assert_int_equal(dti_loo_nodes(fw, all, 1, nodes, &n, &err), DTI_OK);
    assert_int_equal(n, 49); /* ASEM's indicators */
    const char *two[] = {"lpi", "conn", "lpi"}; /* a node named twice counts once; an aggregate is allowed */
    assert_int_equal(dti_loo_nodes(fw, two, 3, nodes, &n, &err), DTI_OK);
    assert_int_equal(n, 2);
    assert_string_equal(fw->nodes[nodes[1]].id, "conn");
    const char *bad[] = {"lpii"};
    assert_int_equal(dti_loo_nodes(fw, bad, 1, nodes, &n, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "--drop: model asem has no node 'lpii' (did you mean lpi?)");
    dti_framework_free(fw);
}

/* ---- the weight set of a run --------------------------------------------------------------------- */

/* asem-sets.yaml's sust3 gives conn 1 and sust 3: their shares of the index become 1/4 and 3/4. */
static void test_weights_choose_set(void **state)
{
    (void)state;
    dti_framework *fw = S_load_fw("tests/toolkit/asem-sets.yaml");
    dti_weights_choice wc;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_weights_choose(fw, NULL, "sust3", &wc, &err), DTI_OK);
    assert_int_equal(wc.source, DTI_WEIGHTS_FILE);
    size_t conn = dti_framework_node_find(fw, "conn"), sust = dti_framework_node_find(fw, "sust");
    assert_close(fw->nodes[conn].weight / (fw->nodes[conn].weight + fw->nodes[sust].weight), 0.25, 0, HAND_TOL);
    assert_string_equal(dti_framework_weights_selected(fw), "sust3");
    dti_weights_choice_clear(&wc);
    assert_int_equal(dti_weights_choose(fw, NULL, "sust", &wc, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "unknown weight set 'sust' of model asem-sets (one of: default, sust3, nopol; "
                                          "or computed from the data: pca, balance)");
    dti_weights_choice_clear(&wc);
    dti_framework_free(fw);
}

/* ---- multi-year tables --------------------------------------------------------------------------- */

static dti_dataset *S_panel(const char *rel, const dti_framework *fw, int year, int expect)
{
    dti_error err;
    dti_error_init(&err);
    dti_dataset *ds = NULL;
    dti_data_options opt = {0, 0, year};
    int rc = dti_dataset_load_with(S_path(rel), fw, NULL, NULL, &opt, &ds, &err);
    if (rc != expect)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, expect);
    return ds;
}

/* The panel of tests/gen_toolkit_data.py: U1 a = 1, NA, 4 and c = 1, 1, NA in 2020, 2021, 2023; U2 a =
 * NA, 3, 5; U3 b = NA, NA, 6.  Columns a, b, c (j = 0, 1, 2), units U1..U4 (u = 0..3). */
static void S_check_panel(const dti_dataset *ds)
{
    assert_int_equal(ds->n_years, 3);
    assert_int_equal(ds->years[0], 2020);
    assert_int_equal(ds->years[2], 2023);
    assert_int_equal(ds->year, 2023);
    size_t cells = ds->n_units * ds->n_indicators; /* 12 */
    assert_int_equal(cells, 12);
    assert_close(ds->panel[0 * cells + 0 * 3 + 0], 1, 0, 0);     /* U1 a 2020 */
    assert_true(isnan(ds->panel[1 * cells + 0 * 3 + 0]));        /* U1 a 2021 */
    assert_close(ds->values[0 * 3 + 0], 4, 0, 0);                /* U1 a 2023, the data year */
    assert_true(isnan(ds->values[0 * 3 + 2]));                   /* U1 c 2023 */
    assert_close(ds->panel[2 * cells + 2 * 3 + 1], 6, 0, 0);     /* U3 b 2023 */
    assert_false(ds->has_previous);                              /* 2022 is not in the table */
}

static void test_panel_loaders(void **state)
{
    (void)state;
    dti_framework *fw = S_load_fw("tests/toolkit/panel-model.yaml");
    dti_dataset *y = S_panel("tests/toolkit/panel.yaml", fw, 0, DTI_OK);
    dti_dataset *c = S_panel("tests/toolkit/panel_long.csv", fw, 0, DTI_OK);
    S_check_panel(y);
    S_check_panel(c);
    for (size_t k = 0; k < 3 * 12; k++) /* both loaders give the same panel */
        assert_close(c->panel[k], y->panel[k], 0, 0);
    assert_false(dti_dataset_multiyear(y) == 0); /* three years: a note is due */
    dti_dataset_free(y);
    dti_dataset_free(c);
    /* 2021 as the data year: the year before (2020) is in the table, so it is `previous` */
    y = S_panel("tests/toolkit/panel.yaml", fw, 2021, DTI_OK);
    assert_int_equal(y->year, 2021);
    assert_true(y->has_previous);
    assert_close(y->previous[0 * 3 + 0], 1, 0, 0); /* U1 a 2020 */
    assert_true(isnan(y->values[0 * 3 + 0]));      /* U1 a 2021 */
    dti_dataset_free(y);
    assert_null(S_panel("tests/toolkit/panel.yaml", fw, 2022, DTI_ERR_USAGE));
    dti_framework_free(fw);
}

/* Imputation of the panel, by hand:
 *   locf, data year 2023: U1 c 2023 = c 2021 = 1; U1 a 2021 = a 2020 = 1; U2 a 2020 and U3 b 2020, 2021
 *     stay missing (before the first observation) -> 2 cells in all years, 1 of them in 2023.
 *   linear: U1 a 2021 = 1 + (4 - 1)(2021 - 2020)/(2023 - 2020) = 2 (the calendar years: 2022 is absent);
 *     U1 c 2023 has no later observation: missing -> 1 cell, none in 2023.
 *   linear-locf: U1 a 2021 = 2 and U1 c 2023 = 1 -> 2 cells, 1 in 2023. */
static void test_panel_impute(void **state)
{
    (void)state;
    dti_framework *fw = S_load_fw("tests/toolkit/panel-model.yaml");
    dti_error err;
    dti_error_init(&err);
    static const struct {
        int method;
        size_t all, year;
        double u1a2021, u1c2023;
    } cases[] = {{DTI_PANEL_LOCF, 2, 1, 1, 1}, {DTI_PANEL_LINEAR, 1, 0, 2, NAN}, {DTI_PANEL_LINEAR_LOCF, 2, 1, 2, 1}};
    for (size_t k = 0; k < 3; k++) {
        dti_dataset *ds = S_panel("tests/toolkit/panel_long.csv", fw, 0, DTI_OK);
        assert_int_equal(dti_dataset_impute_years(ds, cases[k].method, 0, &err), DTI_OK);
        assert_int_equal(ds->n_filled_panel, cases[k].all);
        assert_int_equal(ds->n_filled_year, cases[k].year);
        assert_close(ds->panel[1 * 12 + 0], cases[k].u1a2021, 0, HAND_TOL);
        assert_close(ds->values[2], cases[k].u1c2023, 0, HAND_TOL);
        assert_true(isnan(ds->panel[0 * 12 + 1 * 3 + 0])); /* U2 a 2020: never carried backward */
        /* the score of U1 in 2023 with the filled c: (4 + 2 + 2 * 1) / 4 = 2 */
        dti_score *sc = NULL;
        assert_int_equal(dti_score_run(fw, ds, &sc, &err), DTI_OK);
        const dti_framework *f;
        const dti_dataset *d;
        const dti_engine *w;
        const dti_engine_result *r;
        dti_score_parts(sc, &f, &d, &w, &r);
        assert_close(r->values[fw->root * 4 + 0], cases[k].method == DTI_PANEL_LINEAR ? NAN : 2.0, 0, HAND_TOL);
        dti_score_free(sc);
        dti_dataset_free(ds);
    }
    dti_dataset *one = NULL;
    dti_framework *asem = S_load_fw("models/asem.yaml");
    assert_int_equal(dti_dataset_load_with(S_path("data/asem.yaml"), asem, NULL, NULL, NULL, &one, &err), DTI_OK);
    dti_error_init(&err);
    assert_int_equal(dti_dataset_impute_years(one, DTI_PANEL_LOCF, 0, &err), DTI_ERR_USAGE);
    dti_dataset_free(one);
    dti_framework_free(asem);
    dti_framework_free(fw);
}

/* ---- profile ------------------------------------------------------------------------------------- */

/* Thái Nguyên (19) over the shipped record: ranks 12, 8, 8, 16, 6 in 2020-2024 (the published tables,
 * ../shared/data/dti_*.csv); in 2024 infrastructure 1.0000 is the best value (rank 1) and society_activity
 * 0.5462 its worst rank (27 provinces higher: 28).  gov_activity, counted by hand from dti_2023.csv and
 * dti_2024.csv: 0.7702 in 2023 with 24 provinces higher (rank 25), 0.8036 in 2024 with one higher (rank
 * 2); the 10th highest gov_activity of 2024 is 0.6974. */
static void test_profile_thai_nguyen(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    assert_int_equal(dti_registry_load(S_path("data/provinces.yaml"), &reg, &err), DTI_OK);
    const int years[] = {2020, 2021, 2022, 2023, 2024};
    dti_year *yr[5];
    for (size_t t = 0; t < 5; t++) {
        char rel[64];
        snprintf(rel, sizeof rel, "data/dti/%d.yaml", years[t]);
        assert_int_equal(dti_year_load(S_path(rel), reg, S_path("models"), &yr[t], &err), DTI_OK);
    }
    size_t p;
    assert_int_equal(dti_registry_find(reg, "19", &p, &err), DTI_OK);
    dti_profile_input in = {(const dti_year *const *)yr, 5, reg, NULL, NULL, p, 0, 10};
    dti_profile pr;
    assert_int_equal(dti_profile_compute(&in, &pr, &err), DTI_OK);
    const size_t ranks[] = {12, 8, 8, 16, 6};
    for (size_t t = 0; t < 5; t++)
        assert_int_equal(pr.hist[t].rank, ranks[t]);
    assert_int_equal(pr.cur, 4);
    assert_int_equal(pr.prev, 3);
    assert_true(pr.models_differ);      /* dti-2022 then dti-2024 */
    assert_true(pr.weights_unknown);    /* dti-2024 */
    assert_false(pr.has_size);          /* the shipped registry has no population */
    assert_string_equal(pr.node[pr.strength[0]].id, "infrastructure");
    assert_string_equal(pr.node[pr.weakness[0]].id, "society_activity");
    for (size_t k = 0; k < pr.n_nodes; k++)
        if (!strcmp(pr.node[k].id, "gov_activity")) {
            assert_int_equal(pr.node[k].rank, 2);
            assert_int_equal(pr.node[k].prev_rank, 25);
            /* 0.8036 - 0.6974 (the 10th highest gov_activity of 2024, read from the record) */
            assert_close(pr.node[k].gap, 0.8036 - 0.6974, 0, 1e-12);
        }
    dti_profile_clear(&pr);
    in.year = 2019;
    assert_int_equal(dti_profile_compute(&in, &pr, &err), DTI_ERR_USAGE);
    for (size_t t = 0; t < 5; t++)
        dti_year_free(yr[t]);
    dti_registry_free(reg);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_ranks_bounds),  cmocka_unit_test(test_region_ranks_2024),
        cmocka_unit_test(test_loo_nodes),           cmocka_unit_test(test_weights_choose_set),
        cmocka_unit_test(test_panel_loaders),       cmocka_unit_test(test_panel_impute),
        cmocka_unit_test(test_profile_thai_nguyen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
