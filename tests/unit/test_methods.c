/* test_methods.c -- the engine methods added after the ASEM pipeline: log and Box-Cox transforms,
 * distance to a reference unit, categorical tiers, carrying the previous year forward.  Hand values
 * are worked out beside each case; every error is pinned with its message (and file:line:col for
 * the YAML ones). */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "testutil.h"
#include "testscore.h"

#define HAND_TOL 1e-14 /* hand values are given to 16-17 significant digits */

static void S_tmp(const char *text, char *path, size_t len)
{
    snprintf(path, len, "/tmp/dti_test_methods_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Loads a framework (rc 0) or returns its first error as "line:col: message" in msg. */
static dti_framework *S_fw(const char *text, char *msg, size_t len)
{
    char path[64];
    S_tmp(text, path, sizeof path);
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    int rc = dti_framework_load(path, &fw, &err);
    unlink(path);
    if (msg)
        snprintf(msg, len, "%zu:%zu: %s", rc ? err.e[0].line : 0, rc ? err.e[0].column : 0,
                 rc ? err.e[0].message : "ok");
    return fw;
}

static dti_dataset *S_ds(const char *text, const dti_framework *fw, char *msg, size_t len)
{
    char path[64];
    S_tmp(text, path, sizeof path);
    dti_error err;
    dti_error_init(&err);
    dti_dataset *ds = NULL;
    int rc = dti_dataset_load(path, fw, NULL, NULL, &ds, &err);
    unlink(path);
    if (msg)
        snprintf(msg, len, "%zu:%zu: %s", rc ? err.e[0].line : 0, rc ? err.e[0].column : 0,
                 rc ? err.e[0].message : "ok");
    return ds;
}

/* ---- transforms ------------------------------------------------------------------------------- */

static void test_transform_column_log_boxcox(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    double x[4] = {1, 2.385, NAN, 10};
    dti_transform_spec s = {DTI_TRANSFORM_LOG, NAN};
    assert_int_equal(dti_transform_column(x, 4, &s, "a", NULL, &err), DTI_OK);
    assert_close(x[0], 0, 0, 0);
    assert_close(x[1], 0.86919912434030444, HAND_TOL, 0); /* ln 2.385 */
    assert_close(x[2], NAN, 0, 0);
    assert_close(x[3], 2.3025850929940459, HAND_TOL, 0); /* ln 10 */
    /* Box-Cox lambda = 0.5: (sqrt(x) - 1) / 0.5 = 2 (sqrt(x) - 1) */
    double y[3] = {4, 2.385, 0.25};
    s.method = DTI_TRANSFORM_BOXCOX;
    s.lambda = 0.5;
    assert_int_equal(dti_transform_column(y, 3, &s, "a", NULL, &err), DTI_OK);
    assert_close(y[0], 2, HAND_TOL, 0);
    assert_close(y[1], 1.0886890422961, HAND_TOL, 0); /* 2 (sqrt(2.385) - 1) */
    assert_close(y[2], -1, HAND_TOL, 0);
    /* lambda = 0 is ln x; lambda = -1 is 1 - 1/x */
    double z[2] = {2.385, 4};
    s.lambda = 0;
    assert_int_equal(dti_transform_column(z, 2, &s, "a", NULL, &err), DTI_OK);
    assert_close(z[0], 0.86919912434030444, HAND_TOL, 0);
    s.lambda = -1;
    double q[1] = {4};
    assert_int_equal(dti_transform_column(q, 1, &s, "a", NULL, &err), DTI_OK);
    assert_close(q[0], 0.75, HAND_TOL, 0);
    /* non-positive values: the indicator and the unit are named */
    static const char *const names[] = {"AUS", "BEL"};
    double bad[2] = {3, 0};
    s.method = DTI_TRANSFORM_LOG;
    assert_int_equal(dti_transform_column(bad, 2, &s, "flights", names, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "indicator 'flights': the log transform needs values > 0, but BEL has 0");
    dti_error_init(&err);
    double neg[2] = {-2.5, 1};
    s.method = DTI_TRANSFORM_BOXCOX;
    assert_int_equal(dti_transform_column(neg, 2, &s, "gas", NULL, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "indicator 'gas': the boxcox transform needs values > 0, but unit 1 has -2.5");
}

/* ---- distance to a reference unit -------------------------------------------------------------- */

static void test_normalise_distance_ratio_difference(void **state)
{
    (void)state;
    static const char *const names[] = {"A", "B", "C", "D"};
    double x[4] = {2, 5, NAN, 8}, out[4];
    size_t idx[4], tmp[4];
    double keys[4];
    dti_error err;
    dti_error_init(&err);
    dti_norm_spec s = {DTI_NORM_DISTANCE, 0, 1, NAN, NAN, 0, 1, DTI_DISTANCE_RATIO, "B"};
    assert_int_equal(dti_normalise_column(x, 4, &s, 1, out, idx, tmp, keys, "a", names, &err), DTI_OK);
    assert_close(out[0], 0.4, HAND_TOL, 0);
    assert_close(out[1], 1, 0, 0);
    assert_close(out[2], NAN, 0, 0);
    assert_close(out[3], 1.6, HAND_TOL, 0);
    /* lower is better: x_ref / x, onto [0, 100] */
    s.max = 100;
    assert_int_equal(dti_normalise_column(x, 4, &s, -1, out, idx, tmp, keys, "a", names, &err), DTI_OK);
    assert_close(out[0], 250, HAND_TOL, 0);
    assert_close(out[3], 62.5, HAND_TOL, 0);
    /* difference: D (x - x_ref), not rescaled */
    s.mode = DTI_DISTANCE_DIFFERENCE;
    assert_int_equal(dti_normalise_column(x, 4, &s, -1, out, idx, tmp, keys, "a", names, &err), DTI_OK);
    assert_close(out[0], 3, 0, 0);
    assert_close(out[1], 0, 0, 0);
    assert_close(out[3], -3, 0, 0);
    /* errors */
    static const struct {
        const char *ref;
        int mode;
        double x0;
        const char *want;
    } cases[] = {
        {"Z", DTI_DISTANCE_RATIO, 2, "indicator 'a': the reference unit 'Z' is not in the data"},
        {"C", DTI_DISTANCE_DIFFERENCE, 2, "indicator 'a': the reference unit 'C' has no value (missing or screened out)"},
        {"B", DTI_DISTANCE_RATIO, -1, "indicator 'a': distance as a ratio to 'B' needs values > 0, but A has -1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        dti_error_init(&err);
        snprintf(s.reference, sizeof s.reference, "%s", cases[k].ref);
        s.mode = cases[k].mode;
        x[0] = cases[k].x0;
        assert_int_equal(dti_normalise_column(x, 4, &s, 1, out, idx, tmp, keys, "a", names, &err), DTI_ERR_INPUT);
        assert_string_equal(err.e[0].message, cases[k].want);
    }
    dti_error_init(&err);
    assert_int_equal(dti_normalise_column(x, 4, &s, 1, out, idx, tmp, keys, "a", NULL, &err), DTI_ERR_INPUT);
}

/* ---- settings: errors at file:line:col ----------------------------------------------------------- */

static void test_framework_new_settings_errors(void **state)
{
    (void)state;
    static const char head[] = "name: t\nnodes:\n  - id: i\n  - id: a\n    parent: i\n    weight: 1\n";
    static const struct {
        const char *tail, *want;
    } cases[] = {
        {"    transform: boxcox\n", "7:16: transform: boxcox needs 'lambda' (0 means log)"},
        {"    transform: {method: boxcox}\n", "7:16: transform: boxcox needs 'lambda' (0 means log)"},
        {"    transform: {method: log, lambda: 2}\n", "7:38: transform: 'lambda' is only used by boxcox"},
        {"    transform: sqrt\n", "7:16: unknown transform 'sqrt' (one of: none, log, boxcox)"},
        {"    transform: {method: boxcox, lambda: \"0.5\"}\n", "7:41: lambda must be a number, not quoted text \"0.5\""},
        {"    normalise: distance\n", "7:16: distance of 'a' needs 'reference' (a unit code)"},
        {"    normalise: {method: distance, reference: VNM, mode: divide}\n",
         "7:57: unknown distance mode 'divide' (one of: ratio, difference)"},
        {"    normalise: {method: distance, reference: [VNM]}\n", "7:46: reference must be text, not a list"},
        {"    categories: {yes: 1, partial: high, no: 0}\n", "7:35: points: 'high' is not a number"},
        {"    categories: {}\n", "7:17: categories needs at least one label: points pair"},
        {"    categories: [yes, no]\n", "7:17: categories must be a mapping, not a list"},
    };
    char text[1024], msg[600];
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(text, sizeof text, "%s%s", head, cases[k].tail);
        dti_framework *fw = S_fw(text, msg, sizeof msg);
        assert_null(fw);
        assert_string_equal(msg, cases[k].want);
    }
    /* aggregates refuse indicator-only keys; defaults give every indicator a transform */
    dti_framework *fw = S_fw("name: t\nnodes:\n  - id: i\n    categories: {yes: 1}\n  - id: a\n    parent: i\n"
                             "    weight: 1\n",
                             msg, sizeof msg);
    assert_null(fw);
    assert_string_equal(msg, "4:5: 'categories' applies to indicators; 'i' is an aggregate");
    fw = S_fw("name: t\ndefaults:\n  transform: {method: boxcox, lambda: 0.25}\n  impute: previous\nnodes:\n"
              "  - id: i\n  - id: a\n    parent: i\n    weight: 1\n  - id: b\n    parent: i\n    weight: 1\n"
              "    transform: none\n",
              msg, sizeof msg);
    assert_non_null(fw);
    size_t a = dti_framework_node_find(fw, "a"), b = dti_framework_node_find(fw, "b");
    assert_int_equal(fw->nodes[a].transform.method, DTI_TRANSFORM_BOXCOX);
    assert_close(fw->nodes[a].transform.lambda, 0.25, 0, 0);
    assert_int_equal(fw->nodes[b].transform.method, DTI_TRANSFORM_NONE);
    assert_int_equal(fw->defaults.impute.method, DTI_IMPUTE_PREVIOUS);
    dti_framework_free(fw);
}

/* ---- categorical tiers and the previous year, through the data loader and the engine ------------- */

static const char S_cat_model[] = "name: t\n"
                                  "defaults:\n"
                                  "  impute: previous\n"
                                  "nodes:\n"
                                  "  - id: i\n"
                                  "  - id: portal\n"
                                  "    parent: i\n"
                                  "    weight: 1\n"
                                  "    categories: {yes: 1, partial: 0.5, no: 0}\n"
                                  "  - id: users\n"
                                  "    parent: i\n"
                                  "    weight: 3\n";

static void test_dataset_categories_previous(void **state)
{
    (void)state;
    char msg[600];
    dti_framework *fw = S_fw(S_cat_model, msg, sizeof msg);
    assert_non_null(fw);
    dti_dataset *ds = S_ds("units:\n"
                           "  - unit: A\n    values: {portal: yes, users: 40}\n"
                           "  - unit: B\n    values: {portal: \"partial\", users: ~}\n    previous: {users: 36.5}\n"
                           "  - unit: C\n    values: {portal: ~}\n    previous: {portal: no, users: 10}\n"
                           "  - unit: D\n    values: {users: 12}\n",
                           fw, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(ds->has_previous, 1);
    assert_close(ds->values[0], 1, 0, 0);
    assert_close(ds->values[2], 0.5, 0, 0);
    assert_close(ds->previous[4], 0, 0, 0);
    dti_engine *w = dti_engine_alloc(fw, ds->n_units);
    dti_engine_settings s = {0};
    s.unit_names = (const char *const *)ds->unit;
    s.previous = ds->previous;
    dti_engine_result r;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_engine_run(w, ds->values, &s, &r, &err), DTI_OK);
    /* B's users and C's portal and users come from the previous year; D's portal stays missing */
    assert_int_equal(r.n_imputed, 3);
    assert_int_equal(r.n_still_missing, 1);
    assert_close(r.imputed[1 * 4 + 1], 36.5, 0, 0);
    assert_close(r.imputed[0 * 4 + 2], 0, 0, 0);
    assert_close(r.imputed[1 * 4 + 2], 10, 0, 0);
    /* identity normalisation, weights 1 and 3: B = (0.5 + 3 * 36.5) / 4 */
    size_t root = fw->root;
    assert_close(r.values[root * 4 + 0], 30.25, HAND_TOL, 0);
    assert_close(r.values[root * 4 + 1], 27.5, HAND_TOL, 0);
    assert_close(r.values[root * 4 + 2], 7.5, HAND_TOL, 0);
    assert_close(r.values[root * 4 + 3], NAN, 0, 0);
    /* no previous values at all: an error, not a silent no-op */
    dti_error_init(&err);
    s.previous = NULL;
    assert_int_equal(dti_engine_run(w, ds->values, &s, &r, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message,
                        "imputation by the previous year needs the units' previous values (`previous:` in the data)");
    dti_engine_free(w);
    dti_dataset_free(ds);

    static const struct {
        const char *text, *want;
    } cases[] = {
        {"units:\n  - unit: A\n    values: {portal: maybe}\n",
         "3:22: unknown category 'maybe' of 'portal' (one of: yes, partial, no)"},
        {"units:\n  - unit: A\n    values: {portal: 1}\n", "3:22: unknown category '1' of 'portal' (one of: yes, partial, no)"},
        {"units:\n  - unit: A\n    previous:\n      portal: [yes]\n",
         "4:15: 'portal' is categorical: its value must be a label, not a list"},
        {"units:\n  - unit: A\n    previous: {users: yes}\n", "3:23: users: 'yes' is not a number"},
        {"units:\n  - unit: A\n    previous: {i: 3}\n", "3:16: 'i' is not an indicator of model t (its value is computed)"},
        {"units:\n  - unit: A\n    previous: 3\n", "3:15: previous must be a mapping, not a single value"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ds = S_ds(cases[k].text, fw, msg, sizeof msg);
        assert_null(ds);
        assert_string_equal(msg, cases[k].want);
    }
    dti_framework_free(fw);
}

/* The transform sits between the screen and the outlier step: a log of a column with a missing and a
 * screened-out unit, then min-max. */
static void test_engine_transform_then_minmax(void **state)
{
    (void)state;
    char msg[600];
    dti_framework *fw = S_fw("name: t\ndefaults:\n  normalise: {method: minmax, min: 0, max: 100}\nnodes:\n"
                             "  - id: i\n  - id: a\n    parent: i\n    weight: 1\n    transform: log\n",
                             msg, sizeof msg);
    assert_non_null(fw);
    dti_engine *w = dti_engine_alloc(fw, 3);
    double raw[3] = {1, 10, 100};
    dti_engine_result r;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_OK);
    /* ln 1, ln 10, ln 100 -> 0, 50, 100 */
    assert_close(r.normalised[0], 0, 0, 1e-12);
    assert_close(r.normalised[1], 50, HAND_TOL, 0);
    assert_close(r.normalised[2], 100, HAND_TOL, 0);
    raw[1] = -4;
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "indicator 'a': the log transform needs values > 0, but unit 2 has -4");
    dti_engine_free(w);
    dti_framework_free(fw);
}

/* ---- the SYNTHETIC raw-data example against tests/reference/example_raw_reference.py ---------- */

#define EXAMPLE_REL 1e-12 /* the reference sums in another order (numpy); measured: 4e-16 */
#define EXAMPLE_ABS 0     /* exact zeros (min-max minimum, the reference itself) come out exactly */

/* Compares every row of a reference CSV (unit, node ids..., [rank]) with the run's values. */
static size_t S_compare_csv(const char *path, const dti_framework *fw, const dti_dataset *ds,
                            const dti_engine_result *r)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char head[2048], line[4096], *hf[64], *vf[64];
    assert_non_null(fgets(head, sizeof head, f));
    size_t nh = dti_test_split_csv(head, hf, 64), rows = 0;
    while (fgets(line, sizeof line, f)) {
        size_t nv = dti_test_split_csv(line, vf, 64);
        assert_int_equal(nv, nh);
        size_t u = 0;
        while (u < ds->n_units && strcmp(ds->unit[u], vf[0]) != 0)
            u++;
        assert_true(u < ds->n_units);
        for (size_t k = 1; k < nh; k++) {
            if (!strcmp(hf[k], "rank")) {
                assert_int_equal(r->rank[u], vf[k][0] ? strtoul(vf[k], NULL, 10) : 0);
                continue;
            }
            size_t node = dti_framework_node_find(fw, hf[k]);
            assert_true(node != DTI_NONE);
            double want = !strcmp(vf[k], "NA") ? NAN : strtod(vf[k], NULL);
            assert_close(r->values[node * r->n_units + u], want, EXAMPLE_REL, EXAMPLE_ABS);
        }
        rows++;
    }
    fclose(f);
    return rows;
}

static void test_engine_example_raw_reference(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/example-raw.yaml", &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(DTI_SRCDIR "/data/example-raw.yaml", fw, NULL, NULL, &ds, &err), DTI_OK);
    assert_int_equal(ds->n_units, 63);
    dti_engine *w = dti_engine_alloc(fw, ds->n_units);
    dti_engine_settings s = {0};
    s.denominators = ds->denominators;
    s.unit_names = (const char *const *)ds->unit;
    s.previous = ds->previous;
    dti_engine_result r;
    int rc = dti_engine_run(w, ds->values, &s, &r, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    assert_int_equal(S_compare_csv(DTI_SRCDIR "/tests/reference/example_raw_expected_scores.csv", fw, ds, &r), 63);
    assert_int_equal(S_compare_csv(DTI_SRCDIR "/tests/reference/example_raw_expected_normalised.csv", fw, ds, &r), 63);
    /* counts and the treatment log */
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/example_raw_expected_summary.csv", "r");
    assert_non_null(f);
    char line[256], *v[3];
    static const char *const action[] = {"none", "winsorise", "log"};
    size_t checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 3) != 3 || !strcmp(v[0], "key"))
            continue;
        if (!strcmp(v[0], "imputed"))
            assert_int_equal(r.n_imputed, strtoul(v[1], NULL, 10));
        else if (!strcmp(v[0], "still_missing"))
            assert_int_equal(r.n_still_missing, strtoul(v[1], NULL, 10));
        else if (!strcmp(v[0], "removed"))
            assert_int_equal(r.n_removed, strtoul(v[1], NULL, 10));
        else {
            assert_true(!strncmp(v[0], "treat:", 6));
            size_t j = 0;
            while (j < r.n_indicators && strcmp(fw->nodes[dti_engine_indicator_node(w, j)].id, v[0] + 6) != 0)
                j++;
            assert_true(j < r.n_indicators);
            assert_string_equal(action[r.treat[j].action], v[1]);
            assert_int_equal(r.treat[j].nwin, strtoul(v[2], NULL, 10));
        }
        checked++;
    }
    fclose(f);
    assert_int_equal(checked, 3 + r.n_indicators);
    dti_engine_free(w);
    dti_dataset_free(ds);
    dti_framework_free(fw);
}


/* ---- generalised mean and Copeland (docs/methods.md §6) ------------------------------------------ */

static const char S_two_model[] = "name: t\nnodes:\n  - id: i\n    aggregate: {method: generalised, p: 2, min_coverage: 1}\n"
                                  "  - id: a\n    parent: i\n    weight: 1\n  - id: b\n    parent: i\n    weight: 3\n";

/* Runs node i of fw (children a, b) over 5 units: a = 4, 0, NaN, 0, 1; b = 1, 2.385, 3, 0, 1. */
static int S_two_run(dti_framework *fw, double p, double *out, dti_error *err)
{
    size_t i = fw->root, a = dti_framework_node_find(fw, "a"), b = dti_framework_node_find(fw, "b");
    double val[3 * 5];
    const double av[5] = {4, 0, NAN, 0, 1}, bv[5] = {1, 2.385, 3, 0, 1};
    for (size_t u = 0; u < 5; u++) {
        val[a * 5 + u] = av[u];
        val[b * 5 + u] = bv[u];
        val[i * 5 + u] = -7; /* overwritten */
    }
    fw->nodes[i].agg.p = p;
    int rc = dti_aggregate_node(fw, i, val, 5, NULL, err);
    memcpy(out, val + i * 5, 5 * sizeof *out);
    return rc;
}

static void test_aggregate_generalised_hand(void **state)
{
    (void)state;
    char msg[600];
    dti_framework *fw = S_fw(S_two_model, msg, sizeof msg);
    assert_non_null(fw);
    assert_int_equal(fw->nodes[fw->root].agg.method, DTI_AGG_GENERALISED);
    assert_close(fw->nodes[fw->root].agg.p, 2, 0, 0);
    dti_error err;
    dti_error_init(&err);
    double out[5];
    /* weights 1 and 3: w' = 0.25, 0.75.  Unit 1 (a = 4, b = 1):
     *   p = 2:    sqrt(0.25 * 16 + 0.75 * 1) = sqrt(4.75)
     *   p = 0.5:  (0.25 * 2 + 0.75 * 1)^2 = 1.25^2 = 1.5625
     *   p = 1:    0.25 * 4 + 0.75 = 1.75 (arithmetic)
     *   p = 0:    4^0.25 * 1^0.75 = sqrt(2) (geometric)
     *   p = -1:   1 / (0.25 / 4 + 0.75 / 1) = 1 / 0.8125 (harmonic)
     * Unit 2 (a = 0, b = 2.385): p = 2: sqrt(0.75) * 2.385; p = 0.5: 0.75^2 * 2.385 = 1.3415625;
     *   p <= 0: 0 (the limit as a -> 0).
     * Unit 3 (a missing, min_coverage 1): b alone, 3 for every p.  Unit 4 (both 0): 0 for every p.
     * Unit 5 (a = b = 1): 1 for every p. */
    static const struct {
        double p, u1, u2;
    } cases[] = {
        {2, 2.1794494717703370, 2.0654705880258862},
        {0.5, 1.5625, 1.3415625},
        {1, 1.75, 1.78875},
        {0, 1.4142135623730951, 0},
        {-1, 1.2307692307692308, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        assert_int_equal(S_two_run(fw, cases[k].p, out, &err), DTI_OK);
        assert_close(out[0], cases[k].u1, HAND_TOL, 0);
        assert_close(out[1], cases[k].u2, HAND_TOL, 0);
        assert_close(out[2], 3, HAND_TOL, 0);
        assert_close(out[3], 0, 0, 0);
        assert_close(out[4], 1, HAND_TOL, 0);
    }
    /* p = 0 is the geometric mean itself: bit for bit the same as method geometric */
    double geo[5];
    assert_int_equal(S_two_run(fw, 0, out, &err), DTI_OK);
    fw->nodes[fw->root].agg.method = DTI_AGG_GEOMETRIC;
    assert_int_equal(S_two_run(fw, NAN, geo, &err), DTI_OK);
    assert_memory_equal(out, geo, sizeof out);
    /* large |p| approaches the maximum and the minimum without overflow: 4 * 0.25^(1/400) and
     * 1 * (0.75 + 0.25 * 4^-400)^(-1/400) = 0.75^(-1/400) */
    fw->nodes[fw->root].agg.method = DTI_AGG_GENERALISED;
    assert_int_equal(S_two_run(fw, 400, out, &err), DTI_OK);
    assert_close(out[0], 4 * pow(0.25, 1.0 / 400), HAND_TOL, 0);
    assert_int_equal(S_two_run(fw, -400, out, &err), DTI_OK);
    assert_close(out[0], pow(0.75, -1.0 / 400), HAND_TOL, 0);
    /* every weighted child required: unit 3 has no score */
    fw->nodes[fw->root].agg.min_coverage = DTI_COVERAGE_ALL;
    assert_int_equal(S_two_run(fw, 2, out, &err), DTI_OK);
    assert_close(out[2], NAN, 0, 0);
    /* a negative child is refused for every p, naming the node, the child and the unit */
    size_t a = dti_framework_node_find(fw, "a");
    double val[3 * 1] = {0};
    val[a] = -0.5;
    val[dti_framework_node_find(fw, "b")] = 2;
    static const char *const names[] = {"VNM"};
    assert_int_equal(dti_aggregate_node(fw, fw->root, val, 1, names, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message,
                        "generalised mean of 'i': 'a' of VNM is negative (-0.5); normalise it onto a non-negative scale");
    /* an order lost by a program (the loader never allows it) is an internal error, not a NaN */
    dti_error_init(&err);
    assert_int_equal(S_two_run(fw, NAN, out, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "generalised mean of 'i' without an order p");
    dti_framework_free(fw);
}

static void test_aggregate_copeland_hand(void **state)
{
    (void)state;
    char msg[600];
    dti_framework *fw = S_fw("name: t\nnodes:\n  - id: i\n    aggregate: {method: copeland, min_coverage: 1}\n"
                             "  - id: c1\n    parent: i\n    weight: 1\n  - id: c2\n    parent: i\n    weight: 1\n"
                             "  - id: c3\n    parent: i\n    weight: 2\n",
                             msg, sizeof msg);
    assert_non_null(fw);
    /* units A, B, C, D:  c1 = 3, 1, 2, -;  c2 = 1, 2, 2, 5;  c3 (weight 2) = 1, 1, 3, 0.
     * A-B: c1 A, c2 B, c3 tie -> 1 : 1, a tie.     A-C: c1 A; c2, c3 C -> 1 : 3, C wins.
     * A-D (c2, c3 only): c2 D, c3 A -> 1 : 2, A.   B-C: c1 C, c2 tie, c3 C -> 0 : 3, C.
     * B-D: c2 D, c3 B -> 1 : 2, B.                 C-D: c2 D, c3 C -> 1 : 2, C.
     * Wins - losses: A 0, B 0, C 3, D -3 (they sum to 0).  Negative values are fine: only order counts. */
    size_t i = fw->root, c1 = dti_framework_node_find(fw, "c1"), c2 = dti_framework_node_find(fw, "c2"),
           c3 = dti_framework_node_find(fw, "c3");
    double val[4 * 4];
    const double v1[4] = {3, 1, 2, NAN}, v2[4] = {1, 2, 2, 5}, v3[4] = {-1, -1, 3, -2};
    memcpy(val + c1 * 4, v1, sizeof v1);
    memcpy(val + c2 * 4, v2, sizeof v2);
    memcpy(val + c3 * 4, v3, sizeof v3);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_aggregate_node(fw, i, val, 4, NULL, &err), DTI_OK);
    const double want[4] = {0, 0, 3, -3};
    for (size_t u = 0; u < 4; u++)
        assert_close(val[i * 4 + u], want[u], 0, 0);
    /* every child required: D (2 of 3) has no score and meets no one: A -1, B -1, C 2 */
    fw->nodes[i].agg.min_coverage = DTI_COVERAGE_ALL;
    assert_int_equal(dti_aggregate_node(fw, i, val, 4, NULL, &err), DTI_OK);
    const double want2[4] = {-1, -1, 2, NAN};
    for (size_t u = 0; u < 4; u++)
        assert_close(val[i * 4 + u], want2[u], 0, 0);
    /* weights whose sums differ only by rounding are a tie: 0.1 + 0.2 against 0.3 */
    fw->nodes[c1].weight = 0.1;
    fw->nodes[c2].weight = 0.2;
    fw->nodes[c3].weight = 0.3;
    const double t1[2] = {1, 0}, t2[2] = {1, 0}, t3[2] = {0, 1};
    memcpy(val + c1 * 2, t1, sizeof t1);
    memcpy(val + c2 * 2, t2, sizeof t2);
    memcpy(val + c3 * 2, t3, sizeof t3);
    assert_int_equal(dti_aggregate_node(fw, i, val, 2, NULL, &err), DTI_OK);
    assert_close(val[i * 2 + 0], 0, 0, 0);
    assert_close(val[i * 2 + 1], 0, 0, 0);
    dti_framework_free(fw);
}

static void test_aggregate_settings_errors(void **state)
{
    (void)state;
    static const struct {
        const char *agg, *want;
    } cases[] = {
        {"generalised", "4:16: aggregate: generalised needs 'p' (1 arithmetic, 0 geometric, -1 harmonic)"},
        {"{method: generalised}", "4:16: aggregate: generalised needs 'p' (1 arithmetic, 0 geometric, -1 harmonic)"},
        {"{method: arithmetic, p: 2}", "4:40: aggregate: 'p' is only used by generalised"},
        {"{method: generalised, p: \"2\"}", "4:41: p must be a number, not quoted text \"2\""},
        {"{method: generalised, p: 1e999}", "4:41: p: '1e999' is not a finite number"},
        {"{method: borda}",
         "4:25: unknown aggregation method 'borda' (one of: arithmetic, geometric, harmonic, generalised, copeland)"},
    };
    char text[1024], msg[600];
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(text, sizeof text, "name: t\nnodes:\n  - id: i\n    aggregate: %s\n  - id: a\n    parent: i\n"
                                    "    weight: 1\n",
                 cases[k].agg);
        dti_framework *fw = S_fw(text, msg, sizeof msg);
        assert_null(fw);
        assert_string_equal(msg, cases[k].want);
    }
    /* the defaults' order is kept by a node that only changes the coverage, dropped by one that
     * switches method */
    dti_framework *fw = S_fw("name: t\ndefaults:\n  aggregate: {method: generalised, p: 0.5}\nnodes:\n  - id: i\n"
                             "  - id: g\n    parent: i\n    weight: 1\n    aggregate: {min_coverage: 1}\n"
                             "  - id: h\n    parent: i\n    weight: 1\n    aggregate: copeland\n"
                             "  - id: a\n    parent: g\n    weight: 1\n  - id: b\n    parent: h\n    weight: 1\n",
                             msg, sizeof msg);
    assert_non_null(fw);
    size_t g = dti_framework_node_find(fw, "g"), h = dti_framework_node_find(fw, "h");
    assert_int_equal(fw->nodes[g].agg.method, DTI_AGG_GENERALISED);
    assert_close(fw->nodes[g].agg.p, 0.5, 0, 0);
    assert_int_equal(fw->nodes[g].agg.min_coverage, 1);
    assert_int_equal(fw->nodes[h].agg.method, DTI_AGG_COPELAND);
    assert_close(fw->nodes[h].agg.p, NAN, 0, 0);
    assert_close(fw->nodes[fw->root].agg.p, 0.5, 0, 0);
    dti_framework_free(fw);
}

/* ASEM with every aggregate by another method, from the raw data through the whole engine, against
 * tests/reference/toolkit_reference.py (asem_expected_aggregate.csv). */
#define ASEM_AGG_REL 1e-9 /* the reference re-aggregates the independent normalised values (numpy) */

static const char S_asem_agg[] = "  aggregate: {method: arithmetic, min_coverage: 1}\n";

/* models/asem.yaml with its defaults' aggregation line replaced by `agg`, scored on data/asem.yaml. */
static dti_score *S_asem_with(const char *agg)
{
    FILE *f = fopen(DTI_SRCDIR "/models/asem.yaml", "rb");
    assert_non_null(f);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *at = strstr(text, S_asem_agg);
    assert_non_null(at);
    char *out = malloc(len + 256);
    assert_non_null(out);
    snprintf(out, len + 256, "%.*s%s%s", (int)(at - text), text, agg, at + strlen(S_asem_agg));
    char path[64];
    S_tmp(out, path, sizeof path);
    free(out);
    dti_error err;
    dti_error_init(&err);
    dti_score *sc = NULL;
    int rc = dti_test_score(path, DTI_SRCDIR "/data/asem.yaml", &sc, &err);
    unlink(path);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    return sc;
}

static void test_engine_asem_generalised_copeland_reference(void **state)
{
    (void)state;
    static const struct {
        const char *name, *agg;
    } methods[] = {
        {"generalised_0.5", "  aggregate: {method: generalised, p: 0.5, min_coverage: 1}\n"},
        {"generalised_2", "  aggregate: {method: generalised, p: 2, min_coverage: 1}\n"},
        {"generalised_-1", "  aggregate: {method: generalised, p: -1, min_coverage: 1}\n"},
        {"copeland", "  aggregate: {method: copeland, min_coverage: 1}\n"},
    };
    size_t checked = 0;
    for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
        dti_score *sc = S_asem_with(methods[m].agg);
        const dti_framework *fw;
        const dti_dataset *ds;
        const dti_engine *w;
        const dti_engine_result *r;
        dti_score_parts(sc, &fw, &ds, &w, &r);
        FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_aggregate.csv", "r");
        assert_non_null(f);
        char line[256], *v[4];
        while (fgets(line, sizeof line, f)) {
            if (dti_test_split_csv(line, v, 4) != 4 || strcmp(v[0], methods[m].name) != 0)
                continue;
            size_t u = 0;
            while (u < ds->n_units && strcmp(ds->unit[u], v[1]) != 0)
                u++;
            assert_true(u < ds->n_units);
            if (!strcmp(v[2], "rank")) {
                assert_int_equal(r->rank[u], strtoul(v[3], NULL, 10));
            } else {
                size_t node = dti_framework_node_find(fw, v[2]);
                assert_true(node != DTI_NONE);
                assert_close(r->values[node * r->n_units + u], strtod(v[3], NULL), ASEM_AGG_REL, 0);
            }
            checked++;
        }
        fclose(f);
        dti_test_score_free(sc);
    }
    assert_int_equal(checked, 4 * 51 * 12); /* 11 aggregates and the rank, 51 units, 4 methods */
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transform_column_log_boxcox),
        cmocka_unit_test(test_normalise_distance_ratio_difference),
        cmocka_unit_test(test_framework_new_settings_errors),
        cmocka_unit_test(test_dataset_categories_previous),
        cmocka_unit_test(test_engine_transform_then_minmax),
        cmocka_unit_test(test_engine_example_raw_reference),
        cmocka_unit_test(test_aggregate_generalised_hand),
        cmocka_unit_test(test_aggregate_copeland_hand),
        cmocka_unit_test(test_aggregate_settings_errors),
        cmocka_unit_test(test_engine_asem_generalised_copeland_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
