/* test_audit.c -- `dtirank audit` against independent values: every statistic of the audit of ASEM
 * against tests/reference/asem_expected_audit.csv (numpy/scipy, tests/reference/audit_reference.py; one
 * row per statistic: section,row,column,value), and the statistics on small hand cases, degenerate ones
 * included. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "internal.h"
#include "testutil.h"

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

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_asem_reference),
        cmocka_unit_test(test_audit_statistics_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
