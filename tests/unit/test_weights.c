/* test_weights.c -- weights.h: named weight sets (loading with every error at file:line:col,
 * selection, sets added by a program), PCA weights and equal-influence (balance) weights on hand cases
 * worked out in the comments, and on ASEM against tests/reference/toolkit_reference.py (numpy SVD,
 * scipy least_squares). */
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
#include "weights.h"

#define HAND_TOL 1e-14
#define REF_REL 1e-9  /* numpy sums and decomposes in another order; measured agreement ~1e-14 */
#define REF_ABS 1e-12 /* loadings and weights near 0 */

static dti_framework *S_fw(const char *text, char *msg, size_t len)
{
    char path[] = "/tmp/dti_test_weights_XXXXXX";
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
    snprintf(msg, len, "%zu:%zu: %s", rc ? err.e[0].line : 0, rc ? err.e[0].column : 0, rc ? err.e[0].message : "ok");
    return fw;
}

/* ---- named sets -------------------------------------------------------------------------------- */

static const char S_tree[] = "nodes:\n  - id: i\n  - id: p\n    parent: i\n    weight: 1\n  - id: q\n    parent: i\n"
                             "    weight: 1\n  - id: a\n    parent: p\n    weight: 2\n  - id: b\n    parent: p\n"
                             "    weight: 1\n  - id: c\n    parent: q\n    weight: 1\n";

static void test_weight_sets_select(void **state)
{
    (void)state;
    char text[2048], msg[600];
    snprintf(text, sizeof text, "name: t\nweights:\n  equal: {p: 1, q: 1, a: 1, b: 1, c: 1}\n"
                                "  tilted: {p: 3, q: 1, a: 1, b: 0, c: 1}\n%s",
             S_tree);
    dti_framework *fw = S_fw(text, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(dti_framework_weight_set_count(fw), 2);
    assert_string_equal(dti_framework_weight_set_name(fw, 1), "tilted");
    assert_string_equal(dti_framework_weights_selected(fw), "default");
    /* one unit, identity normalisation: a = 0.6, b = 0.2, c = 0.9
     *   default (a 2, b 1; p, q 1):  p = (1.2 + 0.2) / 3 = 7/15, q = 0.9, i = (7/15 + 0.9) / 2 = 41/60
     *   equal:                       p = 0.4, i = (0.4 + 0.9) / 2 = 0.65
     *   tilted (b 0; p 3, q 1):      p = 0.6, i = (3 * 0.6 + 0.9) / 4 = 0.675 */
    double raw[3] = {0.6, 0.2, 0.9};
    dti_engine *w = dti_engine_alloc(fw, 1);
    dti_engine_result r;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_OK);
    assert_close(r.values[fw->root], 41.0 / 60, HAND_TOL, 0);
    const double *ws;
    assert_int_equal(dti_framework_weight_set(fw, "equal", &ws, &err), DTI_OK);
    dti_engine_override ov = {.weight = ws, .agg_method = -1, .impute_method = -1};
    assert_int_equal(dti_engine_run_override(w, raw, NULL, &ov, &r, &err), DTI_OK);
    assert_close(r.values[fw->root], 0.65, HAND_TOL, 0);
    assert_int_equal(dti_framework_weights_select(fw, "tilted", &err), DTI_OK);
    assert_string_equal(dti_framework_weights_selected(fw), "tilted");
    assert_close(fw->nodes[dti_framework_node_find(fw, "b")].weight, 0, 0, 0);
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_OK);
    assert_close(r.values[fw->root], 0.675, HAND_TOL, 0);
    assert_int_equal(dti_framework_weights_select(fw, "default", &err), DTI_OK);
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_OK);
    assert_close(r.values[fw->root], 41.0 / 60, HAND_TOL, 0);
    /* unknown names list the sets */
    assert_int_equal(dti_framework_weights_select(fw, "official", &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "unknown weight set 'official' of model t (one of: default, equal, tilted)");
    /* a set computed by a program: the same rules, without positions */
    double add[6] = {0, 1, 1, 1, 1, 1};
    static const struct {
        const char *name;
        size_t node;
        double w;
        const char *want;
    } bad[] = {
        {"my set", 0, 0, "weight set name 'my set' must be letters, digits, '_' or '-'"},
        {"default", 0, 0, "'default' names the nodes' own weights; give the set another name"},
        {"equal", 0, 0, "model t already has a weight set 'equal'"},
        {"pca", 3, -1, "weight set 'pca': weight -1 of 'a' is not a non-negative number"},
        {"pca", 5, 0, "weight set 'pca': the weights of the children of 'q' sum to 0"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        dti_error_init(&err);
        double keep = add[bad[k].node];
        add[bad[k].node] = bad[k].w;
        assert_int_equal(dti_framework_weights_add(fw, bad[k].name, add, &err), DTI_ERR_INPUT);
        assert_string_equal(err.e[0].message, bad[k].want);
        add[bad[k].node] = keep;
    }
    assert_int_equal(dti_framework_weights_add(fw, "pca", add, &err), DTI_OK);
    assert_int_equal(dti_framework_weights_select(fw, "pca", &err), DTI_OK);
    assert_int_equal(dti_engine_run(w, raw, NULL, &r, &err), DTI_OK);
    assert_close(r.values[fw->root], 0.65, HAND_TOL, 0); /* all 1: as "equal" */
    dti_engine_free(w);
    dti_framework_free(fw);
}

static void test_weight_sets_errors(void **state)
{
    (void)state;
    static const struct {
        const char *sets, *want;
    } cases[] = {
        {"  w: {p: 1, q: 1, a: 1, b: 1, zz: 1}\n", "3:31: weight set 'w': unknown node 'zz'"},
        {"  w: {i: 1, p: 1, q: 1, a: 1, b: 1}\n", "3:7: weight set 'w': 'i' has no parent, so it has no weight"},
        {"  w: {p: 1, q: 1, a: 1, b: -1, c: 1}\n", "3:28: weight set 'w': weight -1 of 'b' is negative"},
        {"  w: {p: 1, q: 1, a: 1, b: \"1\", c: 1}\n", "3:28: weight must be a number, not quoted text \"1\""},
        {"  w: {p: 1, q: 1, a: 1, b: 1}\n", "3:6: weight set 'w' has no weight for 'c' (every node with a parent needs one)"},
        {"  w: {p: 1, q: 1, a: 0, b: 0, c: 1}\n", "3:6: weight set 'w': the weights of the children of 'p' sum to 0"},
        {"  default: {p: 1}\n", "3:3: 'default' names the nodes' own weights; give the set another name"},
        {"  \"my set\": {p: 1}\n", "3:3: weight set name 'my set' must be letters, digits, '_' or '-'"},
        {"  w: [1, 2]\n", "3:6: a weight set must be a mapping, not a list"},
    };
    char text[2048], msg[600];
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(text, sizeof text, "name: t\nweights:\n%s%s", cases[k].sets, S_tree);
        assert_null(S_fw(text, msg, sizeof msg));
        assert_string_equal(msg, cases[k].want);
    }
    snprintf(text, sizeof text, "name: t\nweights: {}\n%s", S_tree);
    assert_null(S_fw(text, msg, sizeof msg));
    assert_string_equal(msg, "2:10: weights needs at least one named set (name: {node: weight, ...})");
}

/* ---- PCA weights ------------------------------------------------------------------------------- */

static void test_weights_pca_hand(void **state)
{
    (void)state;
    char msg[600];
    /* index i: g (x weight 1, y weight 3) and z; the framework's w (zero) is left out */
    dti_framework *fw = S_fw("name: t\nnodes:\n  - id: i\n  - id: g\n    parent: i\n    weight: 1\n"
                             "  - id: z\n    parent: i\n    weight: 1\n  - id: x\n    parent: g\n    weight: 1\n"
                             "  - id: y\n    parent: g\n    weight: 3\n  - id: w\n    parent: g\n    weight: 0\n",
                             msg, sizeof msg);
    assert_non_null(fw);
    /* engine columns in file order: z, x, y, w (4 units) */
    double nrm[4 * 4] = {1, 3, 2, 5, /* z */ 1, 2, 3, 4, /* x */ 2, 4, 5, 9, /* y */ 7, 1, 7, 1 /* w */};
    dti_error err;
    dti_error_init(&err);
    dti_weights_pca p;
    assert_int_equal(dti_weights_pca_compute(fw, nrm, 4, NULL, &p, &err), DTI_OK);
    size_t g = dti_framework_node_find(fw, "g"), x = dti_framework_node_find(fw, "x"),
           y = dti_framework_node_find(fw, "y"), z = dti_framework_node_find(fw, "z"),
           wn = dti_framework_node_find(fw, "w");
    assert_int_equal(p.n_groups, 2);
    assert_int_equal(p.group[0].node, g); /* children first */
    /* g: x and y (w has weight 0).  sxy 11, sxx 5, syy 26: r = 11/sqrt(130).  The correlation matrix
     * [[1, r], [r, 1]] has eigenvalues 1 + r, 1 - r; the first eigenvector (1, 1)/sqrt(2): weights 1/2. */
    double r = 11 / sqrt(130.0);
    assert_int_equal(p.group[0].k, 2);
    assert_int_equal(p.group[0].n_complete, 4);
    assert_int_equal(p.group[0].defined, 1);
    assert_close(p.group[0].eigenvalue, 1 + r, HAND_TOL, 0);
    assert_close(p.group[0].explained, (1 + r) / 2, HAND_TOL, 0);
    assert_close(p.loading[x], sqrt(0.5), HAND_TOL, 0);
    assert_close(p.loading[y], sqrt(0.5), HAND_TOL, 0);
    assert_close(p.weight[x], 0.5, HAND_TOL, 0);
    assert_close(p.weight[y], 0.5, HAND_TOL, 0);
    assert_close(p.weight[wn], 0, 0, 0);
    assert_close(p.loading[wn], NAN, 0, 0);
    /* i: g recomputed with the PCA weights, (x + y)/2 = 1.5, 3, 4, 6.5, against z = 1, 3, 2, 5:
     * deviations -2.25, -0.75, 0.25, 2.75 and -1.75, 0.25, -0.75, 2.25: sxy 9.75, sxx 13.25, syy 8.75.
     * (With the file's weights, g = 1.75, 3.5, 4.5, 7.75, the correlation would differ.) */
    double rg = 9.75 / sqrt(13.25 * 8.75);
    assert_close(p.group[1].eigenvalue, 1 + rg, HAND_TOL, 0);
    assert_close(p.weight[g], 0.5, HAND_TOL, 0);
    assert_close(p.weight[z], 0.5, HAND_TOL, 0);
    dti_weights_pca_clear(&p);
    /* a negative correlation: y reversed, r = -11/sqrt(130); eigenvalue 1 + |r|, the eigenvector
     * (1, -1)/sqrt(2) -- opposite signs, equal weights */
    const double yrev[4] = {9, 5, 4, 2};
    memcpy(nrm + 8, yrev, sizeof yrev);
    assert_int_equal(dti_weights_pca_compute(fw, nrm, 4, NULL, &p, &err), DTI_OK);
    assert_close(p.group[0].eigenvalue, 1 + r, HAND_TOL, 0);
    assert_close(p.loading[x] * p.loading[y], -0.5, HAND_TOL, 0);
    assert_close(p.weight[x], 0.5, HAND_TOL, 0);
    dti_weights_pca_clear(&p);
    /* a constant z: the index group is undefined and keeps its input weights as shares (1, 1); fewer
     * than 3 complete units: undefined too */
    const double zc[4] = {2, 2, 2, 2};
    memcpy(nrm, zc, sizeof zc);
    assert_int_equal(dti_weights_pca_compute(fw, nrm, 4, NULL, &p, &err), DTI_OK);
    assert_int_equal(p.group[1].defined, 0);
    assert_close(p.group[1].eigenvalue, NAN, 0, 0);
    assert_close(p.weight[g], 0.5, 0, 0);
    assert_close(p.loading[g], NAN, 0, 0);
    dti_weights_pca_clear(&p);
    nrm[4] = nrm[5] = NAN; /* x missing for two units: 2 complete units in g */
    assert_int_equal(dti_weights_pca_compute(fw, nrm, 4, NULL, &p, &err), DTI_OK);
    assert_int_equal(p.group[0].n_complete, 2);
    assert_int_equal(p.group[0].defined, 0);
    assert_close(p.weight[x], 0.25, HAND_TOL, 0); /* the input 1 : 3 as shares */
    assert_close(p.weight[y], 0.75, HAND_TOL, 0);
    dti_weights_pca_clear(&p);
    dti_framework_free(fw);
}

/* The ASEM run (stages 1-5) and its framework. */
static dti_score *S_asem(const dti_framework **fw, const dti_engine_result **r)
{
    dti_error err;
    dti_error_init(&err);
    dti_score *sc = NULL;
    assert_int_equal(dti_test_score(DTI_SRCDIR "/models/asem.yaml", DTI_SRCDIR "/data/asem.yaml", &sc, &err),
                     DTI_OK);
    const dti_dataset *ds;
    const dti_engine *w;
    dti_score_parts(sc, fw, &ds, &w, r);
    return sc;
}

static void test_weights_pca_asem_reference(void **state)
{
    (void)state;
    const dti_framework *fw;
    const dti_engine_result *r;
    dti_score *sc = S_asem(&fw, &r);
    dti_error err;
    dti_error_init(&err);
    dti_weights_pca p;
    assert_int_equal(dti_weights_pca_compute(fw, r->normalised, r->n_units, NULL, &p, &err), DTI_OK);
    assert_int_equal(p.n_groups, 11);
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_pca.csv", "r");
    assert_non_null(f);
    char line[256], *v[4];
    size_t checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (dti_test_split_csv(line, v, 4) != 4 || !strcmp(v[0], "section") || !strcmp(v[0], "index"))
            continue;
        size_t node = dti_framework_node_find(fw, v[1]);
        assert_true(node != DTI_NONE);
        double want = strtod(v[3], NULL);
        if (!strcmp(v[0], "weight")) {
            assert_close(!strcmp(v[2], "weight") ? p.weight[node] : p.loading[node], want, REF_REL, REF_ABS);
        } else {
            size_t g = 0;
            while (g < p.n_groups && p.group[g].node != node)
                g++;
            assert_true(g < p.n_groups);
            assert_int_equal(p.group[g].defined, 1);
            double got = !strcmp(v[2], "eigenvalue") ? p.group[g].eigenvalue
                       : !strcmp(v[2], "explained")  ? p.group[g].explained
                                                     : (double)p.group[g].n_complete;
            assert_close(got, want, REF_REL, 0);
        }
        checked++;
    }
    fclose(f);
    assert_int_equal(checked, 11 * 3 + 2 * 59); /* 3 rows per group; weight and loading of 59 children */
    dti_weights_pca_clear(&p);
    dti_test_score_free(sc);
}

/* ---- equal-influence weights ------------------------------------------------------------------- */

static void test_weights_balance_hand(void **state)
{
    (void)state;
    char msg[600];
    dti_framework *fw = S_fw("name: t\nnodes:\n  - id: i\n  - id: a\n    parent: i\n    weight: 1\n"
                             "  - id: b\n    parent: i\n    weight: 1\n",
                             msg, sizeof msg);
    assert_non_null(fw);
    /* a = 7, 3, 7, 3 and b = 6, 6, 4, 4: uncorrelated, sd(a) = 2 sd(b).  With shares w_a, w_b the index
     * is w_a a + w_b b and r_a = w_a sd_a / sd_y: equal correlations need w_a sd_a = w_b sd_b, so
     * shares 1/3 and 2/3.  At equal weights r_a = 2/sqrt(5), r_b = 1/sqrt(5): c = 2/3, 1/3 and
     * f = (2/3 - 1/2)^2 + (1/3 - 1/2)^2 = 1/18. */
    double nrm[8] = {7, 3, 7, 3, 6, 6, 4, 4};
    dti_error err;
    dti_error_init(&err);
    double f, rr[2];
    size_t m;
    assert_int_equal(dti_weights_balance_objective(fw, nrm, 4, NULL, 1, &f, rr, &m, &err), DTI_OK);
    assert_int_equal(m, 2);
    assert_close(f, 1.0 / 18, HAND_TOL, 0);
    assert_close(rr[0], 2 / sqrt(5.0), HAND_TOL, 0);
    assert_close(rr[1], 1 / sqrt(5.0), HAND_TOL, 0);
    dti_weights_balance b;
    assert_int_equal(dti_weights_balance_compute(fw, nrm, 4, NULL, NULL, &b, &err), DTI_OK);
    assert_int_equal(b.converged, 1);
    assert_close(b.objective_before, 1.0 / 18, HAND_TOL, 0);
    assert_true(b.objective < 1e-20);
    size_t a = dti_framework_node_find(fw, "a"), bn = dti_framework_node_find(fw, "b");
    assert_close(b.weight[a], 1.0 / 3, 1e-8, 0);
    assert_close(b.weight[bn], 2.0 / 3, 1e-8, 0);
    assert_close(b.r_after[0], sqrt(0.5), 1e-8, 0);
    dti_weights_balance_clear(&b);
    /* errors: a level without two weighted nodes; correlations undefined at the start */
    dti_weights_balance_spec sp = {2, 0, 0};
    assert_int_equal(dti_weights_balance_compute(fw, nrm, 4, NULL, &sp, &b, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "balance weights: level 2 has 0 weighted nodes; at least 2 are needed");
    dti_error_init(&err);
    const double flat[4] = {5, 5, 5, 5};
    memcpy(nrm, flat, sizeof flat);
    assert_int_equal(dti_weights_balance_compute(fw, nrm, 4, NULL, NULL, &b, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message,
                        "balance weights: the correlations with the index are undefined or do not sum to a positive "
                        "number at the starting weights (a constant indicator, or too few units)");
    dti_framework_free(fw);
}

#define BAL_OPT_REL 1e-6 /* the optimum: ours within this share above scipy's (measured: 8e-8) */

static void test_weights_balance_asem_reference(void **state)
{
    (void)state;
    const dti_framework *fw;
    const dti_engine_result *r;
    dti_score *sc = S_asem(&fw, &r);
    size_t nn = fw->n_nodes, *lv = calloc(nn, sizeof *lv);
    assert_int_equal(dti_weights_level_nodes(fw, NULL, 1, lv), 49);
    assert_int_equal(dti_weights_level_nodes(fw, NULL, 2, lv), 8);
    assert_int_equal(dti_weights_level_nodes(fw, NULL, 3, lv), 2);
    assert_int_equal(dti_weights_level_nodes(fw, NULL, 4, lv), 0);
    free(lv);
    /* the objective and the correlations at the reference's fixed weights */
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/asem_expected_balance.csv", "r");
    assert_non_null(f);
    char line[256], *v[4], cur[32] = "";
    double *w = calloc(nn, sizeof *w), want_f = NAN, opt = NAN, rr[64], want_r[64];
    size_t cases = 0, m = 0;
    dti_error err;
    dti_error_init(&err);
    for (int more = 1; more;) {
        more = fgets(line, sizeof line, f) != NULL;
        size_t nf = more ? dti_test_split_csv(line, v, 4) : 0;
        if (more && (nf != 4 || !strcmp(v[0], "case")))
            continue;
        if (cur[0] && (!more || strcmp(v[0], cur) != 0) && strcmp(cur, "optimum") != 0) {
            double got;
            assert_int_equal(dti_weights_balance_objective(fw, r->normalised, r->n_units, w, 1, &got, rr, &m, &err),
                             DTI_OK);
            assert_int_equal(m, 49);
            assert_close(got, want_f, 1e-10, 0);
            for (size_t k = 0; k < m; k++)
                assert_close(rr[k], want_r[k], 1e-10, 0);
            cases++;
        }
        if (!more)
            break;
        if (strcmp(v[0], cur) != 0) {
            snprintf(cur, sizeof cur, "%s", v[0]);
            for (size_t i = 0; i < nn; i++)
                w[i] = fw->nodes[i].weight;
            m = 0;
        }
        if (!strcmp(v[0], "optimum")) {
            if (!strcmp(v[2], "objective"))
                opt = strtod(v[3], NULL);
            continue;
        }
        size_t node = v[1][0] ? dti_framework_node_find(fw, v[1]) : DTI_NONE;
        if (!strcmp(v[2], "weight"))
            w[node] = strtod(v[3], NULL);
        else if (!strcmp(v[2], "r"))
            want_r[m++] = strtod(v[3], NULL); /* the reference lists the indicators in file order */
        else
            want_f = strtod(v[3], NULL);
    }
    fclose(f);
    assert_int_equal(cases, 4);
    free(w);
    /* the optimum: converged, at least as low as scipy's (within BAL_OPT_REL), correlations closer */
    dti_weights_balance b;
    assert_int_equal(dti_weights_balance_compute(fw, r->normalised, r->n_units, NULL, NULL, &b, &err), DTI_OK);
    assert_int_equal(b.converged, 1);
    assert_true(b.objective <= opt * (1 + BAL_OPT_REL));
    assert_true(b.objective < b.objective_before);
    double f_check;
    assert_int_equal(dti_weights_balance_objective(fw, r->normalised, r->n_units, b.weight, 1, &f_check, NULL, NULL,
                                                   &err),
                     DTI_OK);
    assert_close(f_check, b.objective, 1e-12, 0); /* the shares give the same f as the raw theta^2 */
    dti_weights_balance_clear(&b);
    dti_test_score_free(sc);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weight_sets_select),
        cmocka_unit_test(test_weight_sets_errors),
        cmocka_unit_test(test_weights_pca_hand),
        cmocka_unit_test(test_weights_pca_asem_reference),
        cmocka_unit_test(test_weights_balance_hand),
        cmocka_unit_test(test_weights_balance_asem_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
