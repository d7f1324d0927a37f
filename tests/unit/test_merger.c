/* test_merger.c -- the 2025 reorganisation: a worked example by hand, merging then ranking equals
 * ranking the merged values, unchanged units keep their values, the weighted rule, and the merged
 * frame of the projection (an identity map reproduces the provinces' own histograms).
 * The small registry, map and year record below are SYNTHETIC, written by this test. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "audit.h"
#include "dataset.h"
#include "internal.h"
#include "merger.h"
#include "project.h"
#include "fixture_abc.h"
#include "testutil.h"

static int S_setup(void **state)
{
    (void)state;
    return S_fixture_abc("/tmp/dti_test_merger");
}

/* Hand arithmetic (points out of 1000):
 *   Alpha: 90 + 80 + 70 + 60 + 50 + 200*0.8 + 150*0.6 + 150*0.4 = 350 + 160 + 90 + 60 = 660 -> 0.660
 *   Beta:  50 + 40 + 30 + 20 + 10 + 200*0.4 + 150*0.2 + 150*0.2 = 150 + 80 + 30 + 30 = 290 -> 0.290
 *   Gamma: 0.6 everywhere -> 0.600
 * Merged indicators are the means: (0.7, 0.6, 0.5, 0.4, 0.3, 0.6, 0.4, 0.3)
 *   -> 70 + 60 + 50 + 40 + 30 + 120 + 60 + 45 = 475 -> 0.475 = (0.660 + 0.290) / 2.
 * Units by value: Gamma 0.600 first, Alpha-Beta 0.475 second; Gamma keeps its own value.
 * Weighted by population (3, 1): (3*0.660 + 1*0.290) / 4 = 2.27 / 4 = 0.5675 -> still below Gamma. */
static void test_merger_worked_example(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(S_path("reg.yaml"), &reg, &err), DTI_OK);
    assert_int_equal(dti_year_load(S_path("year.yaml"), reg, S_path("models"), &yr, &err), DTI_OK);
    assert_int_equal(dti_merger_load(S_path("map.yaml"), reg, &m, &err), DTI_OK);
    assert_int_equal(m.n_units, 2);
    double dti[3], unit[2], pub;
    for (size_t p = 0; p < 3; p++)
        dti_year_values(yr, p, yr->fw->root, &pub, &dti[p]);
    assert_close(dti[0], 0.660, 1e-12, 0);
    assert_close(dti[1], 0.290, 1e-12, 0);
    assert_close(dti[2], 0.600, 1e-12, 0);
    dti_merger_apply(&m, dti, unit);
    assert_close(unit[0], 0.475, 1e-12, 0);
    assert_close(unit[1], 0.600, 1e-12, 0); /* unchanged unit keeps its value */

    /* Merging then ranking equals ranking the merged values computed by hand: Gamma 0.600 first,
     * Alpha-Beta 0.475 second, by value (every unit has one). */
    dti_merger_ranking mr;
    assert_int_equal(dti_merger_ranking_compute(yr, reg, &m, NULL, &mr, &err), DTI_OK);
    assert_int_equal(mr.method, DTI_MERGER_BY_VALUE);
    assert_string_equal(m.unit[mr.order[0]], "Gamma");
    assert_string_equal(m.unit[mr.order[1]], "Alpha-Beta");
    assert_int_equal(mr.rank[mr.order[0]], 1);
    assert_int_equal(mr.rank[mr.order[1]], 2);
    assert_close(mr.value[mr.order[0]], 0.600, 1e-12, 0);
    assert_close(mr.value[mr.order[1]], 0.475, 1e-12, 0);
    assert_int_equal(mr.exact[0], 0); /* the example's record has values, not ranks */
    dti_merger_ranking_clear(&mr);

    assert_int_equal(dti_merger_set_weights(&m, reg, "population", &err), DTI_OK);
    dti_merger_apply(&m, dti, unit);
    assert_close(unit[0], 0.5675, 1e-12, 0);
    assert_int_equal(dti_merger_set_weights(&m, reg, "area", &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "province 'Alpha' has no number 'area' to weight the merger by");
    dti_merger_clear(&m);
    dti_year_free(yr);
    dti_registry_free(reg);
}

/* `score --units`: the same worked example through the engine (main indicators merged, then the
 * framework aggregates): Gamma 0.600 first, Alpha-Beta 0.475 second. */
static void test_merger_score_units(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_score *sc = NULL, *merged = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(S_path("reg.yaml"), &reg, &err), DTI_OK);
    assert_int_equal(dti_merger_load(S_path("map.yaml"), reg, &m, &err), DTI_OK);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    assert_int_equal(dti_framework_load(S_path("models/dti-2022.yaml"), &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(S_path("year.yaml"), fw, reg, S_path("models"), &ds, &err), DTI_OK);
    assert_int_equal(dti_score_run(fw, ds, &sc, &err), DTI_OK);
    assert_int_equal(dti_score_merge(sc, reg, &m, &merged, &err), DTI_OK);
    const dti_framework *mfw;
    const dti_dataset *mds;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(merged, &mfw, &mds, &w, &r);
    assert_int_equal(r->n_units, 2);
    size_t first = r->order[0], second = r->order[1];
    assert_int_equal(r->rank[first], 1);
    assert_string_equal(m.unit[first], "Gamma");
    assert_close(r->values[fw->root * 2 + first], 0.600, 1e-12, 0);
    assert_int_equal(r->rank[second], 2);
    assert_string_equal(m.unit[second], "Alpha-Beta");
    assert_string_equal(dti_score_unit_name(merged, second), "Alpha + Beta");
    assert_close(r->values[fw->root * 2 + second], 0.475, 1e-12, 0);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    dti_score_free(merged);
    dti_score_free(sc);
    dti_merger_clear(&m);
    dti_registry_free(reg);
}

/* With a map where every province is its own unit, the merged frame must reproduce the provinces'
 * own rank distributions exactly (same runs, same ranks). */
static void test_merger_identity_frame(void **state)
{
    (void)state;
    size_t n = 5, ex[5] = {1, 2, 3, 4, 5};
    dti_project_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.n = n;
    obs.n_years = 1;
    obs.year[0] = 2023;
    obs.exact = obs.lo = obs.hi = ex;
    obs.complete[0] = 1;
    dti_merger m;
    memset(&m, 0, sizeof m);
    char *names[5] = {"a", "b", "c", "d", "e"};
    size_t unit_of[5] = {0, 1, 2, 3, 4}, n_former[5] = {1, 1, 1, 1, 1};
    double weight[5] = {1, 1, 1, 1, 1}, wsum[5] = {1, 1, 1, 1, 1};
    m.n_old = m.n_units = n;
    m.unit = names;
    m.unit_of = unit_of;
    m.n_former = n_former;
    m.weight = weight;
    m.wsum = wsum;
    dti_project_fit fit = {.model = DTI_MODEL_PANEL, .a = 0, .b = 0.7, .s2 = 0.5, .df = 0};
    dti_project_settings set = {.runs = 4000, .seed = 3, .threads = 2, .until = 2026, .origin_index = 0,
                                .merger = &m, .merge_year = 2024};
    dti_projection pr;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_project_simulate(&obs, &fit, &set, &pr, &err), DTI_OK);
    for (int y = 2024; y <= 2026; y++)
        for (size_t p = 0; p < n; p++)
            for (size_t k = 1; k <= n; k++)
                assert_close(dti_projection_p_top(&pr, DTI_FRAME_UNITS, p, y, k),
                             dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, p, y, k), 0, 0);
    assert_true(isnan(dti_projection_p_top(&pr, DTI_FRAME_UNITS, 0, 2023, 1))); /* before the merger */
    dti_projection_clear(&pr);
}

/* The real map: 63 provinces -> 34 units; Thái Nguyên's unit is Thái Nguyên + Bắc Kạn. */
static void test_merger_real_map(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    assert_int_equal(dti_merger_load(DTI_SRCDIR "/data/merger-2025.yaml", reg, &m, &err), DTI_OK);
    assert_int_equal(m.n_units, 34);
    size_t tn, bk, u, unchanged = 0;
    assert_int_equal(dti_registry_find(reg, "Thai Nguyen", &tn, &err), DTI_OK);
    assert_int_equal(dti_registry_find(reg, "Bac Kan", &bk, &err), DTI_OK);
    assert_int_equal(dti_merger_find(&m, "Thái Nguyên", &u, &err), DTI_OK);
    assert_int_equal(m.unit_of[tn], u);
    assert_int_equal(m.unit_of[bk], u);
    assert_int_equal(m.n_former[u], 2);
    for (size_t j = 0; j < m.n_units; j++)
        unchanged += m.n_former[j] == 1;
    assert_int_equal(unchanged, 11); /* Resolution 202/2025/QH15: 11 unchanged, 23 merged units */
    dti_merger_clear(&m);
    dti_registry_free(reg);
}

/* `rank --year 2022 --units 34` against tests/reference/merger_2022.py (exact decimal arithmetic on
 * ../shared/data: the unit's DTI is the mean of its former provinces' DTIs, ranked on 4 decimals). */
static void test_merger_units_2022_reference(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    assert_int_equal(dti_year_load(DTI_SRCDIR "/data/dti/2022.yaml", reg, DTI_SRCDIR "/models", &yr, &err), DTI_OK);
    assert_int_equal(dti_merger_load(DTI_SRCDIR "/data/merger-2025.yaml", reg, &m, &err), DTI_OK);
    dti_merger_ranking mr;
    assert_int_equal(dti_merger_ranking_compute(yr, reg, &m, NULL, &mr, &err), DTI_OK);
    assert_int_equal(mr.method, DTI_MERGER_BY_VALUE);
    FILE *ref = fopen(DTI_SRCDIR "/tests/reference/merger_2022_expected.csv", "r");
    assert_non_null(ref);
    char line[512];
    assert_non_null(fgets(line, sizeof line, ref)); /* header */
    int n = 0;
    while (fgets(line, sizeof line, ref)) {
        char *unit = strtok(line, ","), *rank = strtok(NULL, ","), *dti = strtok(NULL, ",\n");
        size_t j = mr.order[n]; /* the reference lists the units in rank order, ties as we order them */
        assert_string_equal(m.unit[j], unit);
        assert_int_equal(mr.rank[j], strtol(rank, NULL, 10));
        assert_close(mr.value[j], strtod(dti, NULL), 0, 1e-12); /* the reference: exact decimals */
        n++;
    }
    fclose(ref);
    assert_int_equal(n, 34);
    dti_merger_ranking_clear(&mr);
    dti_merger_clear(&m);
    dti_year_free(yr);
    dti_registry_free(reg);
}

/* DTI 2024 among the 34 units, computed by the official rule from the 63-province table, against the
 * published 34-unit figures (../shared/data/dti_2024_34.csv, via data/dti/2024-34.yaml): every one of
 * the 13 published ranks and 8 published values is reproduced.  By hand (METHODOLOGY.md §4, §7):
 * Thái Nguyên = (Thái Nguyên 0.7924 + Bắc Kạn 0.7118) / 2 = 0.7521, 8th; TP. Hồ Chí Minh = (0.8373 +
 * Bình Dương 0.7093 + Bà Rịa - Vũng Tàu 0.7842) / 3 = 2.3308 / 3 = 0.776933..., published 0.7770: the
 * difference 0.000067 is within input rounding (each input +-0.00005, the published value +-0.00005). */
static void test_merger_units_2024_published(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_year *yr = NULL, *pub = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    assert_int_equal(dti_merger_load(DTI_SRCDIR "/data/merger-2025.yaml", reg, &m, &err), DTI_OK);
    dti_registry_attach_units(reg, dti_merger_units_registry(&m, reg, "merger-2025"));
    assert_int_equal(dti_year_load(DTI_SRCDIR "/data/dti/2024.yaml", reg, DTI_SRCDIR "/models", &yr, &err), DTI_OK);
    assert_int_equal(dti_year_load(DTI_SRCDIR "/data/dti/2024-34.yaml", reg, DTI_SRCDIR "/models", &pub, &err), DTI_OK);
    assert_string_equal(dti_year_frame(pub), "merger-2025");
    assert_int_equal(dti_registry_count(dti_year_registry(pub)), 34);
    dti_merger_ranking mr;
    assert_int_equal(dti_merger_ranking_compute(yr, reg, &m, pub, &mr, &err), DTI_OK);
    assert_int_equal(mr.n_pub_rank, 13);
    assert_int_equal(mr.n_pub_value, 8);
    assert_int_equal(mr.rank_ok, 13);
    assert_int_equal(mr.value_ok, 8);
    assert_close(mr.max_vdiff, 0.0000666667, 0, 1e-9); /* TP. Hồ Chí Minh: 0.7770 - 0.776933... */
    size_t tn, hcm, checked_r = 0, checked_v = 0;
    assert_int_equal(dti_merger_find(&m, "Thái Nguyên", &tn, &err), DTI_OK);
    assert_int_equal(dti_merger_find(&m, "TP. Hồ Chí Minh", &hcm, &err), DTI_OK);
    assert_int_equal(mr.rank[tn], 8);
    assert_close(mr.value[tn], 0.7521, 0, 1e-12);
    assert_int_equal(mr.pub_rank[tn], 8); /* published 8th, no published value */
    assert_true(isnan(mr.pub_value[tn]));
    assert_int_equal(mr.rank[hcm], 4);
    assert_close(mr.value[hcm], 2.3308 / 3, 0, 1e-12);
    assert_int_equal(mr.pub_rank[hcm], 4);
    assert_close(mr.pub_value[hcm], 0.7770, 0, 0);
    /* every published rank and value, unit by unit: rank == published rank, |dti - published| <= 1e-4 */
    for (size_t j = 0; j < m.n_units; j++) {
        assert_false(mr.differs[j]);
        if (mr.pub_rank[j]) {
            assert_int_equal(mr.rank[j], mr.pub_rank[j]);
            checked_r++;
        }
        if (!isnan(mr.pub_value[j])) {
            assert_close(mr.value[j], mr.pub_value[j], 0, 1e-4 + 1e-9);
            checked_v++;
        }
    }
    assert_int_equal(checked_r, 13);
    assert_int_equal(checked_v, 8);
    dti_merger_ranking_clear(&mr);
    dti_year_free(pub);
    dti_year_free(yr);
    dti_merger_clear(&m);
    dti_registry_free(reg);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merger_worked_example),
        cmocka_unit_test(test_merger_score_units),
        cmocka_unit_test(test_merger_identity_frame),
        cmocka_unit_test(test_merger_real_map),
        cmocka_unit_test(test_merger_units_2022_reference),
        cmocka_unit_test(test_merger_units_2024_published),
    };
    return cmocka_run_group_tests_name("merger", tests, S_setup, S_fixture_remove);
}
