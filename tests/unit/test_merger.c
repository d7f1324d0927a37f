/* test_merger.c -- the 2025 reorganisation: a worked example by hand, merging then ranking equals
 * ranking the merged values, unchanged units keep their values, the weighted rule, and the merged
 * frame of the projection (an identity map reproduces the provinces' own histograms).
 * The small registry, map and year record below are SYNTHETIC, written by this test. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

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

    /* Merging then ranking (the table) equals ranking the merged values computed by hand. */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dti_table_write_units(yr, reg, &m, NULL, DTI_FORMAT_CSV, out, &err), DTI_OK);
    fclose(out);
    assert_string_equal(buf, "rank,rank_method,unit,former_provinces,dti,latent_score,published_rank,published_dti\r\n"
                             "1,value,Gamma,Gamma (?),0.600000,,,\r\n"
                             "2,value,Alpha-Beta,\"Alpha (?), Beta (?)\",0.475000,,,\r\n");
    free(buf);

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
    assert_int_equal(dti_score_compute(S_path("models/dti-2022.yaml"), S_path("year.yaml"), NULL, S_path("reg.yaml"),
                                       S_path("models"), &sc, &err),
                     DTI_OK);
    assert_int_equal(dti_score_merge(sc, reg, &m, &merged, &err), DTI_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dti_score_write(merged, DTI_FORMAT_CSV, 0, out, &err), DTI_OK);
    fclose(out);
    char unit1[32], unit2[32], name1[64], name2[64];
    double v1, v2;
    int r1, r2;
    const char *row = strstr(buf, "\r\n") + 2;
    assert_int_equal(sscanf(row, "%d,%31[^,],%63[^,],%lf", &r1, unit1, name1, &v1), 4);
    row = strstr(row, "\r\n") + 2;
    assert_int_equal(sscanf(row, "%d,%31[^,],%63[^,],%lf", &r2, unit2, name2, &v2), 4);
    assert_int_equal(r1, 1);
    assert_string_equal(unit1, "Gamma");
    assert_close(v1, 0.600, 1e-12, 0);
    assert_int_equal(r2, 2);
    assert_string_equal(unit2, "Alpha-Beta");
    assert_string_equal(name2, "Alpha + Beta");
    assert_close(v2, 0.475, 1e-12, 0);
    free(buf);
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
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dti_table_write_units(yr, reg, &m, NULL, DTI_FORMAT_CSV, out, &err), DTI_OK);
    fclose(out);
    FILE *ref = fopen(DTI_SRCDIR "/tests/reference/merger_2022_expected.csv", "r");
    assert_non_null(ref);
    char line[512];
    assert_non_null(fgets(line, sizeof line, ref)); /* header */
    const char *row = strstr(buf, "\r\n") + 2;    /* our first data row */
    int n = 0;
    while (fgets(line, sizeof line, ref)) {
        char *unit = strtok(line, ","), *rank = strtok(NULL, ","), *dti = strtok(NULL, ",\n");
        /* our row: rank,value,<unit>,"former...",dti,latent,published_rank,published_dti */
        char want[128];
        snprintf(want, sizeof want, "%s,value,%s,", rank, unit);
        assert_memory_equal(row, want, strlen(want));
        const char *end = strstr(row, "\r\n");
        const char *q = end; /* dti is the fourth field from the end */
        for (int k = 0; k < 4; k++)
            while (*--q != ',')
                ;
        assert_close(strtod(q + 1, NULL), strtod(dti, NULL), 0, 5e-7); /* printed with 6 decimals */
        row = end + 2;
        n++;
    }
    fclose(ref);
    assert_int_equal(n, 34);
    free(buf);
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
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dti_table_write_units(yr, reg, &m, pub, DTI_FORMAT_TEXT, out, &err), DTI_OK);
    fclose(out);
    assert_non_null(strstr(buf, "13 ranks and 8 values; 13/13 ranks and 8/8 values reproduced "
                                "(largest value difference 0.00007;"));
    assert_null(strstr(buf, "DIFFERS"));
    free(buf);
    buf = NULL;
    out = open_memstream(&buf, &len);
    assert_int_equal(dti_table_write_units(yr, reg, &m, pub, DTI_FORMAT_CSV, out, &err), DTI_OK);
    fclose(out);
    const char *tn = strstr(buf, "\r\n8,value,Thái Nguyên,\"Bắc Kạn (32), Thái Nguyên (6)\",0.752100,");
    assert_non_null(tn);
    assert_memory_equal(strstr(tn + 2, "\r\n") - 3, ",8,", 3); /* published 8th, no published value */
    const char *hcm = strstr(buf, "\r\n4,value,TP. Hồ Chí Minh,");
    assert_non_null(hcm);
    assert_non_null(strstr(hcm, ",0.776933,"));
    assert_memory_equal(strstr(hcm + 2, "\r\n") - 9, ",4,0.7770", 9);
    /* every published rank and value, row by row: rank == published_rank, |dti - published| <= 1e-4 */
    size_t checked_r = 0, checked_v = 0;
    for (const char *row = strstr(buf, "\r\n") + 2; *row; row = strstr(row, "\r\n") + 2) {
        const char *end = strstr(row, "\r\n"), *q = end;
        const char *f[4];
        for (int k = 3; k >= 0; k--) {
            while (*--q != ',')
                ;
            f[k] = q + 1;
        }
        long rank = strtol(row, NULL, 10);
        if (f[2] != f[3] - 1) { /* a published rank */
            assert_int_equal(strtol(f[2], NULL, 10), rank);
            checked_r++;
        }
        if (f[3] != end) { /* a published value */
            assert_close(strtod(f[0], NULL), strtod(f[3], NULL), 0, 1e-4 + 1e-9);
            checked_v++;
        }
    }
    assert_int_equal(checked_r, 13);
    assert_int_equal(checked_v, 8);
    free(buf);
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
