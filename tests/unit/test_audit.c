/* test_audit.c -- `dtirank audit` against independent values: every statistic of the audit of ASEM
 * against tests/reference/asem_expected_audit.csv (numpy/scipy, tests/reference/audit_reference.py; one
 * row per statistic: section,row,column,value), and the statistics on small hand cases, degenerate ones
 * included. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "internal.h"
#include "testutil.h"
#include "testscore.h"

#define REF_REL 1e-9  /* numpy/scipy sum in another order; measured agreement is ~1e-13 */
#define REF_ABS 1e-12 /* correlations and loadings near 0 have no useful relative error */
#define HAND_TOL 1e-15

typedef struct {
    char key[160];
    char value[64];
} S_row;

/* Splits CSV text (no quoted fields) into rows keyed "section,row,column"; skips the header. */
static S_row *S_rows(char *text, size_t *n)
{
    size_t cap = 1024;
    S_row *r = malloc(cap * sizeof *r);
    assert_non_null(r);
    *n = 0;
    char *save = NULL;
    int first = 1;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        if (first) {
            first = 0;
            continue;
        }
        char *last = strrchr(line, ',');
        assert_non_null(last);
        *last = '\0';
        if (*n == cap) {
            cap *= 2;
            r = realloc(r, cap * sizeof *r);
            assert_non_null(r);
        }
        snprintf(r[*n].key, sizeof r[*n].key, "%s", line);
        snprintf(r[*n].value, sizeof r[*n].value, "%s", last + 1);
        (*n)++;
    }
    return r;
}

/* The audit's statistics as the reference's rows: (section, row, column, value), NaN as "NA". */
typedef struct {
    S_row *r;
    size_t n, cap;
} S_long;

static void S_put(S_long *l, const char *section, const char *row, const char *col, double v, const char *text)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->r = realloc(l->r, l->cap * sizeof *l->r);
        assert_non_null(l->r);
    }
    snprintf(l->r[l->n].key, sizeof l->r[l->n].key, "%s,%s,%s", section, row, col);
    if (text)
        snprintf(l->r[l->n].value, sizeof l->r[l->n].value, "%s", text);
    else if (isnan(v))
        snprintf(l->r[l->n].value, sizeof l->r[l->n].value, "NA");
    else
        snprintf(l->r[l->n].value, sizeof l->r[l->n].value, "%.17g", v);
    l->n++;
}

static const char *S_vid(const dti_audit *a, size_t v)
{
    return a->fw->nodes[v < a->nj ? a->ind[v] : a->agg[v - a->nj]].id;
}

static S_row *S_audit_rows(const dti_audit *a, size_t *n)
{
    static const char *const action[] = {"none", "winsorise", "log"};
    static const char *const dn[] = {"n", "missing", "mean", "sd", "min", "max", "skewness", "kurtosis"};
    S_long l = {0};
    size_t nv = a->nj + a->na;
    char row[256], col[32];
    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        double v[8] = {(double)d->n, (double)d->missing, d->mean, d->sd, d->min, d->max, d->skew, d->kurt};
        for (size_t k = 0; k < 8; k++)
            S_put(&l, "describe", S_vid(a, j), dn[k], v[k], NULL);
        S_put(&l, "treat", S_vid(a, j), "action", 0, action[a->r->treat[j].action]);
        S_put(&l, "treat", S_vid(a, j), "nwin", (double)a->r->treat[j].nwin, NULL);
        S_put(&l, "weight", S_vid(a, j), "nominal", a->nominal[j], NULL);
        S_put(&l, "weight", S_vid(a, j), "effective", a->effective[j], NULL);
    }
    for (size_t p = 0; p < nv; p++)
        for (size_t q = 0; q < nv; q++) {
            S_put(&l, "pearson", S_vid(a, p), S_vid(a, q), a->pearson[p * nv + q], NULL);
            S_put(&l, "spearman", S_vid(a, p), S_vid(a, q), a->spearman[p * nv + q], NULL);
        }
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &a->fw->nodes[gr->node];
        S_put(&l, "alpha", nd->id, "alpha", gr->alpha, NULL);
        S_put(&l, "alpha", nd->id, "n_complete", (double)gr->n_complete, NULL);
        for (size_t f = 0; f < gr->k; f++) {
            snprintf(col, sizeof col, "pc%zu", f + 1);
            S_put(&l, "eigenvalue", nd->id, col, gr->eigenvalues[f], NULL);
            S_put(&l, "explained", nd->id, col, gr->eigenvalues[f] / (double)gr->k, NULL);
            for (size_t c = 0; c < gr->k; c++) {
                snprintf(row, sizeof row, "%s/%s", nd->id, a->fw->nodes[nd->children[c]].id);
                S_put(&l, "loading", row, col, gr->loadings[c * gr->k + f], NULL);
            }
        }
    }
    *n = l.n;
    return l.r;
}

static int S_cmp(const void *a, const void *b) { return strcmp(((const S_row *)a)->key, ((const S_row *)b)->key); }

static char *S_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = '\0';
    fclose(f);
    return s;
}

static void test_audit_asem_reference(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_audit *a = NULL;
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", fw, NULL, NULL, &ds, &err), DTI_OK);
    int rc = dti_audit_compute(fw, ds, &a, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    char *want_text = S_slurp(DTI_SRCDIR "/tests/reference/asem_expected_audit.csv");
    size_t ng, nw;
    S_row *got = S_audit_rows(a, &ng), *want = S_rows(want_text, &nw);
    assert_int_equal(ng, nw); /* 8295 rows: every statistic is checked */
    qsort(got, ng, sizeof *got, S_cmp);
    qsort(want, nw, sizeof *want, S_cmp);
    for (size_t k = 0; k < nw; k++) {
        if (strcmp(got[k].key, want[k].key) != 0)
            print_error("row %zu: got %s, want %s\n", k, got[k].key, want[k].key);
        assert_string_equal(got[k].key, want[k].key);
        if (!strncmp(want[k].key, "treat,", 6) && strstr(want[k].key, ",action")) {
            assert_string_equal(got[k].value, want[k].value);
            continue;
        }
        double g = !strcmp(got[k].value, "NA") ? NAN : strtod(got[k].value, NULL);
        double w = !strcmp(want[k].value, "NA") ? NAN : strtod(want[k].value, NULL);
        if (!(fabs(g - w) <= REF_ABS + REF_REL * fabs(w)) && !(isnan(g) && isnan(w)))
            print_error("%s: got %s, want %s\n", want[k].key, got[k].value, want[k].value);
        assert_close(g, w, REF_REL, REF_ABS);
    }
    free(got);
    free(want);
    free(want_text);
    dti_audit_free(a);
    dti_dataset_free(ds);
    dti_framework_free(fw);
}

static void test_audit_statistics_hand(void **state)
{
    (void)state;
    /* x = 1, 2, 3, 4; y = 2, 4, 5, 9 (the 5th pair is incomplete): sxy 11, sxx 5, syy 26 */
    const double x[] = {1, 2, 3, 4, NAN}, y[] = {2, 4, 5, 9, 7};
    assert_close(dti_audit_pearson(x, y, 5), 11 / sqrt(5.0 * 26), HAND_TOL, 0);
    double scratch[20];
    size_t idx[5], tmp[5];
    assert_close(dti_audit_spearman(x, y, 5, scratch, idx, tmp), 1, HAND_TOL, 0); /* monotone */
    /* ties: average ranks; x = 1, 1, 2 and y = 1, 2, 3 -> ranks 1.5, 1.5, 3 and 1, 2, 3:
     * sxy 1.5, sxx 1.5, syy 2, r = 1.5 / sqrt(3) */
    const double tx[] = {1, 1, 2}, ty[] = {1, 2, 3};
    assert_close(dti_audit_spearman(tx, ty, 3, scratch, idx, tmp), 1.5 / sqrt(3.0), HAND_TOL, 0);
    /* degenerate: one pair, a constant column */
    const double one[] = {1, NAN}, c[] = {5, 5, 5, 5, 5};
    assert_close(dti_audit_pearson(one, one, 2), NAN, 0, 0);
    assert_close(dti_audit_pearson(x, c, 5), NAN, 0, 0);
    /* alpha of two columns: k/(k-1) (1 - (var a + var b) / var(a + b)); a = x, b = y over the 4 complete
     * units: var a = 5/3, var b = 26/3, a + b = 3, 6, 8, 13: var 53/3 -> 2 (1 - 31/53) */
    const double *cols[2] = {x, y};
    size_t n_complete;
    assert_close(dti_audit_alpha(cols, 2, 5, &n_complete), 2 * (1 - 31.0 / 53), HAND_TOL, 0);
    assert_int_equal(n_complete, 4);
    assert_close(dti_audit_alpha(cols, 1, 5, &n_complete), NAN, 0, 0);
    const double *same[2] = {c, c};
    assert_close(dti_audit_alpha(same, 2, 5, &n_complete), NAN, 0, 0); /* zero total variance */
}


/* ---- flags ------------------------------------------------------------------------------------- */

static const char *S_id(const dti_audit *a, size_t node) { return node == DTI_NONE ? "" : a->fw->nodes[node].id; }

static void test_audit_flags_asem_reference(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_audit *a = NULL;
    assert_int_equal(dti_test_audit(DTI_SRCDIR "/models/asem.yaml", DTI_SRCDIR "/data/asem.yaml", &a, &err),
                     DTI_OK);
    dti_audit_flags fl;
    assert_int_equal(dti_audit_flags_compute(a, NULL, &fl, &err), DTI_OK);
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_flags.csv", "r");
    assert_non_null(f);
    char line[512], *v[7];
    size_t k = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 7) != 7 || !strcmp(v[0], "kind"))
            continue;
        assert_true(k < fl.n);
        const dti_audit_flag *g = &fl.flag[k++];
        assert_string_equal(dti_audit_flag_kind_name(g->kind), v[0]);
        assert_string_equal(S_id(a, g->node), v[1]);
        assert_string_equal(S_id(a, g->other), v[2]);
        assert_string_equal(g->unit == DTI_NONE ? "" : a->ds->unit[g->unit], v[3]);
        assert_close(g->value, strtod(v[4], NULL), REF_REL, REF_ABS);
        assert_close(g->value2, !strcmp(v[5], "NA") ? NAN : strtod(v[5], NULL), REF_REL, REF_ABS);
        assert_int_equal(g->n, strtoul(v[6], NULL, 10));
    }
    fclose(f);
    assert_int_equal(k, fl.n); /* 22: no flag more, none less */
    dti_audit_flags_clear(&fl);
    dti_test_audit_free(a);
}

static void S_write(const char *text, char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_audit_flags_hand(void **state)
{
    (void)state;
    char model[] = "/tmp/dti_test_audit_XXXXXX", data[] = "/tmp/dti_test_audit_XXXXXX";
    S_write("name: t\ndefaults:\n  normalise: {method: minmax, min: 0, max: 100}\n"
            "  aggregate: {method: arithmetic, min_coverage: 1}\nnodes:\n  - id: i\n"
            "  - id: a\n    parent: i\n    weight: 1\n  - id: b\n    parent: i\n    weight: 1\n"
            "  - id: c\n    parent: i\n    weight: 1\n",
            model);
    S_write("units:\n  - unit: U1\n    values: {a: 1, b: 2, c: 5}\n  - unit: U2\n    values: {a: 2, b: 4}\n"
            "  - unit: U3\n    values: {a: 3, b: 6}\n  - unit: U4\n    values: {a: 4, b: 8.5}\n"
            "  - unit: U5\n    values: {b: 10}\n",
            data);
    dti_error err;
    dti_error_init(&err);
    dti_audit *a = NULL;
    int rc = dti_test_audit(model, data, &a, &err);
    unlink(model);
    unlink(data);
    assert_int_equal(rc, DTI_OK);
    dti_audit_flags fl;
    assert_int_equal(dti_audit_flags_compute(a, NULL, &fl, &err), DTI_OK);
    /* 5 units, so every statistic rests on fewer than 10 and carries a few_units warning:
     *   a (4 values), b (5), c (1: availability 1/5 = 0.2 < 0.65);
     *   i: alpha over 0 complete units (c has one value, a single min-max value is 0/0); the pairs a-b
     *   (4 units: r = 10.75 / sqrt(5 * 23.1875) > 0.9, collinear), a-c and b-c (0); the children against
     *   i (a 4, b 5, c 0 units);
     *   U5: 1 of 3 indicators observed. */
    static const struct {
        const char *kind, *node, *other, *statistic;
        size_t n;
    } want[] = {
        {"few_units", "a", "", "skew_kurt", 4},
        {"few_units", "b", "", "skew_kurt", 5},
        {"availability", "c", "", "availability", 5},
        {"few_units", "c", "", "skew_kurt", 1},
        {"few_units", "i", "", "alpha_low", 0},
        {"collinear", "a", "b", "collinear", 4},
        {"few_units", "a", "b", "collinear", 4},
        {"few_units", "a", "c", "collinear", 0},
        {"few_units", "b", "c", "collinear", 0},
        {"few_units", "a", "i", "negative_parent", 4},
        {"few_units", "b", "i", "negative_parent", 5},
        {"few_units", "c", "i", "negative_parent", 0},
        {"unit_availability", "", "", "unit_availability", 3},
    };
    assert_int_equal(fl.n, sizeof want / sizeof *want);
    for (size_t k = 0; k < fl.n; k++) {
        const dti_audit_flag *g = &fl.flag[k];
        assert_string_equal(dti_audit_flag_kind_name(g->kind), want[k].kind);
        assert_string_equal(S_id(a, g->node), want[k].node);
        assert_string_equal(S_id(a, g->other), want[k].other);
        assert_string_equal(dti_audit_flag_kind_name(g->statistic), want[k].statistic);
        assert_int_equal(g->n, want[k].n);
    }
    assert_close(fl.flag[2].value, 0.2, HAND_TOL, 0);
    assert_close(fl.flag[5].value, 10.75 / sqrt(5 * 23.1875), 1e-14, 0);
    assert_close(fl.flag[5].threshold, 0.9, 0, 0);
    assert_close(fl.flag[12].value, 1.0 / 3, HAND_TOL, 0);
    assert_int_equal(fl.flag[12].unit, 4);
    dti_audit_flags_clear(&fl);
    /* other thresholds: alpha and availability bounds move, few_units off */
    dti_audit_thresholds t;
    dti_audit_thresholds_init(&t);
    t.min_units = 0;
    t.availability = 0.1;
    t.collinear = 0.999;
    assert_int_equal(dti_audit_flags_compute(a, &t, &fl, &err), DTI_OK);
    assert_int_equal(fl.n, 0);
    dti_audit_flags_clear(&fl);
    dti_test_audit_free(a);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_asem_reference),
        cmocka_unit_test(test_audit_statistics_hand),
        cmocka_unit_test(test_audit_flags_asem_reference),
        cmocka_unit_test(test_audit_flags_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
