/* weights.c -- the weights of a framework: selecting a named set (loaded by framework.c), and weights
 * derived from the normalised data -- PCA weights per aggregation group (OECD/JRC Handbook §6.1) and
 * equal-influence weights (COINr's get_opt_weights, optType "balance"), by GSL's Nelder-Mead simplex.
 * After normalisation, beside aggregation; docs/methods.md §6a. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "audit.h"
#include "engine.h"
#include "internal.h"
#include "weights.h"

#define S_BAL_XTOL 1e-10   /* default: stop when a step changes every theta by less than this share */
#define S_BAL_GTOL 1e-12   /* ... or the scaled gradient of f is below this (GSL's test_gradient) */
#define S_BAL_FTOL 0       /* (the residual-change test is off: the gradient test is the sharper one) */
#define S_BAL_MAX_ITER 2000 /* default iteration limit: ASEM's 49 indicators need about 100 */
#define S_BAL_UNDEFINED 1e3 /* a residual where the correlations are undefined or sum to <= 0: far above
                             * any defined one (|c_i - 1/m| stays near 1), so the trust region steps back */

/* ---- named sets -------------------------------------------------------------------------------- */

size_t dti_framework_weight_set_count(const dti_framework *fw) { return fw->n_weight_sets; }
const char *dti_framework_weight_set_name(const dti_framework *fw, size_t k) { return fw->weight_set_names[k]; }

const char *dti_framework_weights_selected(const dti_framework *fw)
{
    return fw->weights_active == DTI_NONE ? "default" : fw->weight_set_names[fw->weights_active];
}

/* The set called `name`: its index, DTI_NONE for "default", or an error listing the names. */
static int S_find_set(const dti_framework *fw, const char *name, size_t *k, dti_error *err)
{
    *k = DTI_NONE;
    if (!name || !strcmp(name, "default"))
        return DTI_OK;
    for (size_t s = 0; s < fw->n_weight_sets; s++)
        if (!strcmp(fw->weight_set_names[s], name)) {
            *k = s;
            return DTI_OK;
        }
    char list[400] = "default";
    for (size_t s = 0; s < fw->n_weight_sets; s++) {
        strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, fw->weight_set_names[s], sizeof list - strlen(list) - 1);
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown weight set '%s' of model %s (one of: %s)", name,
                         fw->name, list);
}

int dti_framework_weight_set(const dti_framework *fw, const char *name, const double **weight, dti_error *err)
{
    size_t k;
    int rc = S_find_set(fw, name, &k, err);
    if (rc)
        return rc;
    *weight = k == DTI_NONE ? fw->default_weights : fw->weight_sets + k * fw->n_nodes;
    return DTI_OK;
}

int dti_framework_weights_select(dti_framework *fw, const char *name, dti_error *err)
{
    const double *w;
    int rc = dti_framework_weight_set(fw, name, &w, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < fw->n_nodes; i++)
        fw->nodes[i].weight = w[i];
    S_find_set(fw, name, &fw->weights_active, err);
    return DTI_OK;
}

int dti_framework_weights_add(dti_framework *fw, const char *name, const double *weight, dti_error *err)
{
    size_t nn = fw->n_nodes;
    int ok = *name != '\0';
    for (const char *p = name; *p; p++)
        ok &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-';
    if (!ok)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "weight set name '%s' must be letters, digits, '_' or '-'",
                             name);
    if (!strcmp(name, "default"))
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                             "'default' names the nodes' own weights; give the set another name");
    for (size_t s = 0; s < fw->n_weight_sets; s++)
        if (!strcmp(fw->weight_set_names[s], name))
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "model %s already has a weight set '%s'", fw->name,
                                 name);
    for (size_t i = 0; i < nn; i++)
        if (fw->nodes[i].parent != DTI_NONE && !(isfinite(weight[i]) && weight[i] >= 0))
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "weight set '%s': weight %g of '%s' is not a "
                                 "non-negative number", name, weight[i], fw->nodes[i].id);
    for (size_t i = 0; i < nn; i++) {
        const dti_node *nd = &fw->nodes[i];
        double sum = 0;
        for (size_t c = 0; c < nd->n_children; c++)
            sum += weight[nd->children[c]];
        if (nd->n_children && !(sum > 0))
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "weight set '%s': the weights of the children of '%s' sum to 0", name, nd->id);
    }
    size_t s = fw->n_weight_sets;
    char **names = realloc(fw->weight_set_names, (s + 1) * sizeof *names);
    double *sets = names ? realloc(fw->weight_sets, (s + 1) * nn * sizeof *sets) : NULL;
    if (!names || !sets)
        abort(); /* out of memory, as dti_xcalloc */
    fw->weight_set_names = names;
    fw->weight_sets = sets;
    for (size_t i = 0; i < nn; i++)
        sets[s * nn + i] = fw->nodes[i].parent == DTI_NONE ? fw->default_weights[i] : weight[i];
    names[s] = dti_strdup(name);
    fw->n_weight_sets = s + 1;
    return DTI_OK;
}

/* ---- shared ------------------------------------------------------------------------------------ */

int dti_weights_aggregate(const dti_framework *fw, const double *normalised, size_t n_units, const double *weight,
                          double *val, dti_error *err)
{
    size_t j = 0;
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->role == DTI_NODE_INDICATOR && nd->parent != DTI_NONE) /* the engine's column order */
            memcpy(val + i * n_units, normalised + j++ * n_units, n_units * sizeof *val);
        else
            for (size_t u = 0; u < n_units; u++)
                val[i * n_units + u] = NAN;
    }
    for (size_t k = 0; k < fw->n_postorder; k++) {
        size_t node = fw->postorder[k];
        if (!fw->nodes[node].n_children)
            continue;
        int rc = dti_aggregate_node_with(fw, node, weight, -1, val, n_units, NULL, err);
        if (rc)
            return rc;
    }
    return DTI_OK;
}

static double S_weight(const dti_framework *fw, const double *weight, size_t i)
{
    return weight ? weight[i] : fw->nodes[i].weight;
}

/* ---- PCA weights ------------------------------------------------------------------------------- */

void dti_weights_pca_clear(dti_weights_pca *p)
{
    free(p->weight);
    free(p->loading);
    free(p->group);
    memset(p, 0, sizeof *p);
}

int dti_weights_pca_compute(const dti_framework *fw, const double *normalised, size_t n_units, const double *weight,
                            dti_weights_pca *out, dti_error *err)
{
    size_t nn = fw->n_nodes, nu = n_units;
    memset(out, 0, sizeof *out);
    out->n_nodes = nn;
    out->weight = dti_xcalloc(nn, sizeof *out->weight);
    out->loading = dti_xcalloc(nn, sizeof *out->loading);
    out->group = dti_xcalloc(nn, sizeof *out->group);
    for (size_t i = 0; i < nn; i++) {
        out->weight[i] = S_weight(fw, weight, i);
        out->loading[i] = NAN;
    }
    double *val = dti_xcalloc(nn * nu, sizeof *val);
    double *ev = dti_xcalloc(nn, sizeof *ev), *vec = dti_xcalloc(nn * nn, sizeof *vec);
    size_t *kid = dti_xcalloc(nn, sizeof *kid);
    const double **cols = dti_xcalloc(nn, sizeof *cols);
    /* the indicators; every aggregate is recomputed below as soon as its children's weights are known */
    int rc = dti_weights_aggregate(fw, normalised, nu, out->weight, val, err);
    for (size_t q = 0; q < fw->n_postorder && !rc; q++) {
        size_t node = fw->postorder[q];
        const dti_node *nd = &fw->nodes[node];
        if (!nd->n_children)
            continue;
        dti_weights_group *g = &out->group[out->n_groups++];
        g->node = node;
        g->eigenvalue = g->explained = NAN;
        double sw = 0;
        for (size_t c = 0; c < nd->n_children; c++)
            if (out->weight[nd->children[c]] > 0) {
                kid[g->k] = nd->children[c];
                cols[g->k++] = val + nd->children[c] * nu;
                sw += out->weight[nd->children[c]];
            }
        if ((rc = dti_audit_pca(cols, g->k, nu, nd->id, ev, vec, &g->n_complete, err)))
            break;
        g->defined = !isnan(ev[0]);
        if (g->defined) {
            /* w_c = e_c^2 / sum e^2 (= e_c^2: unit length): the squared loadings normalised to 1 */
            double ss = 0;
            for (size_t c = 0; c < g->k; c++)
                ss += vec[c * g->k] * vec[c * g->k];
            g->eigenvalue = ev[0];
            g->explained = ev[0] / (double)g->k;
            for (size_t c = 0; c < g->k; c++) {
                out->loading[kid[c]] = vec[c * g->k];
                out->weight[kid[c]] = vec[c * g->k] * vec[c * g->k] / ss;
            }
        } else {
            for (size_t c = 0; c < g->k; c++)
                out->weight[kid[c]] /= sw;
        }
        rc = dti_aggregate_node_with(fw, node, out->weight, -1, val, nu, NULL, err);
    }
    free(cols);
    free(kid);
    free(vec);
    free(ev);
    free(val);
    if (rc)
        dti_weights_pca_clear(out);
    return rc;
}

/* ---- equal-influence weights ------------------------------------------------------------------- */

size_t dti_weights_level_nodes(const dti_framework *fw, const double *weight, size_t level, size_t *nodes)
{
    /* nodes[i] first holds the height of node i (post-order: children first); the list then overwrites
     * the slots from the front, each only after it has been read (m <= i) */
    for (size_t q = 0; q < fw->n_postorder; q++) {
        const dti_node *nd = &fw->nodes[fw->postorder[q]];
        size_t h = 0;
        for (size_t c = 0; c < nd->n_children; c++)
            h = nodes[nd->children[c]] + 1 > h ? nodes[nd->children[c]] + 1 : h;
        nodes[fw->postorder[q]] = h;
    }
    size_t m = 0;
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].parent != DTI_NONE && nodes[i] + 1 == level && S_weight(fw, weight, i) > 0)
            nodes[m++] = i;
    return m;
}

/* The state of the balance objective: buffers made once, so an evaluation allocates nothing. */
typedef struct S_bal {
    const dti_framework *fw;
    const double *normalised;
    size_t nu, m;
    const size_t *nodes; /* [m] */
    double *weight;      /* [nn] the weights tried */
    double *vw;          /* [nn] the weights val was computed with (NaN: not yet) */
    unsigned char *dirty; /* [nn] aggregates to recompute */
    double *val;         /* [nn * nu] node values */
    double *r;           /* [m] */
    dti_error *err;
    int rc;              /* the first aggregation failure */
} S_bal;

/* f = sum_i (r_i / sum r - 1/m)^2 at s->weight; +Inf when undefined (or the aggregation failed).  Only
 * the ancestors of the nodes whose weight changed since the last call are recomputed (a finite-
 * difference Jacobian moves one weight at a time): the same values as a full aggregation. */
static double S_bal_eval(S_bal *s)
{
    const dti_framework *fw = s->fw;
    for (size_t i = 0; i < s->m; i++) {
        size_t nd = s->nodes[i];
        if (!(s->weight[nd] < s->vw[nd]) && !(s->weight[nd] > s->vw[nd]) && !isnan(s->vw[nd]))
            continue;
        s->vw[nd] = s->weight[nd];
        for (size_t p = fw->nodes[nd].parent; p != DTI_NONE && !s->dirty[p]; p = fw->nodes[p].parent)
            s->dirty[p] = 1;
    }
    for (size_t q = 0; q < fw->n_postorder; q++) {
        size_t node = fw->postorder[q];
        if (!s->dirty[node])
            continue;
        s->dirty[node] = 0;
        int rc = dti_aggregate_node_with(fw, node, s->weight, -1, s->val, s->nu, NULL, s->err);
        if (rc) {
            s->rc = s->rc ? s->rc : rc;
            return INFINITY;
        }
    }
    const double *index = s->val + fw->root * s->nu;
    double sum = 0;
    for (size_t i = 0; i < s->m; i++) {
        s->r[i] = dti_audit_pearson(s->val + s->nodes[i] * s->nu, index, s->nu);
        sum += s->r[i];
    }
    if (!(sum > 0)) /* NaN included */
        return INFINITY;
    double f = 0, t = 1.0 / (double)s->m;
    for (size_t i = 0; i < s->m; i++)
        f += (s->r[i] / sum - t) * (s->r[i] / sum - t);
    return f;
}

/* The residuals c_i - 1/m at theta = x (w_i = theta_i^2), for GSL's nonlinear least squares. */
static int S_bal_residuals(const gsl_vector *x, void *params, gsl_vector *f)
{
    S_bal *s = params;
    for (size_t i = 0; i < s->m; i++)
        s->weight[s->nodes[i]] = gsl_vector_get(x, i) * gsl_vector_get(x, i);
    double sum = isfinite(S_bal_eval(s)) ? 0 : NAN;
    for (size_t i = 0; i < s->m && !isnan(sum); i++)
        sum += s->r[i];
    for (size_t i = 0; i < s->m; i++)
        gsl_vector_set(f, i, isnan(sum) ? S_BAL_UNDEFINED : s->r[i] / sum - 1.0 / (double)s->m);
    return GSL_SUCCESS;
}

static void S_bal_init(S_bal *s, const dti_framework *fw, const double *normalised, size_t nu, const double *weight,
                       size_t level, size_t *nodes, dti_error *err)
{
    memset(s, 0, sizeof *s);
    s->fw = fw;
    s->normalised = normalised;
    s->nu = nu;
    s->err = err;
    s->m = dti_weights_level_nodes(fw, weight, level ? level : 1, nodes);
    s->nodes = nodes;
    s->weight = dti_xcalloc(fw->n_nodes, sizeof *s->weight);
    for (size_t i = 0; i < fw->n_nodes; i++)
        s->weight[i] = S_weight(fw, weight, i);
    s->vw = dti_xcalloc(fw->n_nodes, sizeof *s->vw);
    for (size_t i = 0; i < fw->n_nodes; i++)
        s->vw[i] = NAN;
    s->dirty = dti_xcalloc(fw->n_nodes, sizeof *s->dirty);
    s->val = dti_xcalloc(fw->n_nodes * nu, sizeof *s->val);
    s->r = dti_xcalloc(fw->n_nodes, sizeof *s->r);
    s->rc = dti_weights_aggregate(fw, normalised, nu, s->weight, s->val, err);
}

static void S_bal_clear(S_bal *s)
{
    free(s->vw);
    free(s->dirty);
    free(s->weight);
    free(s->val);
    free(s->r);
}

int dti_weights_balance_objective(const dti_framework *fw, const double *normalised, size_t n_units,
                                  const double *weight, size_t level, double *objective, double *r, size_t *m,
                                  dti_error *err)
{
    size_t *nodes = dti_xcalloc(fw->n_nodes, sizeof *nodes);
    S_bal s;
    S_bal_init(&s, fw, normalised, n_units, weight, level, nodes, err);
    *objective = s.m ? S_bal_eval(&s) : INFINITY;
    if (r)
        memcpy(r, s.r, s.m * sizeof *r);
    if (m)
        *m = s.m;
    int rc = s.rc;
    S_bal_clear(&s);
    free(nodes);
    return rc;
}

void dti_weights_balance_clear(dti_weights_balance *b)
{
    free(b->weight);
    free(b->nodes);
    free(b->r_before);
    free(b->r_after);
    memset(b, 0, sizeof *b);
}

int dti_weights_balance_compute(const dti_framework *fw, const double *normalised, size_t n_units,
                                const double *weight, const dti_weights_balance_spec *spec,
                                dti_weights_balance *out, dti_error *err)
{
    static const dti_weights_balance_spec none = {0};
    spec = spec ? spec : &none;
    double xtol = spec->tol > 0 ? spec->tol : S_BAL_XTOL;
    size_t max_iter = spec->max_iter ? spec->max_iter : S_BAL_MAX_ITER, level = spec->level ? spec->level : 1;
    size_t nn = fw->n_nodes;
    memset(out, 0, sizeof *out);
    out->n_nodes = nn;
    out->nodes = dti_xcalloc(nn, sizeof *out->nodes);
    S_bal s;
    S_bal_init(&s, fw, normalised, n_units, weight, level, out->nodes, err);
    size_t m = out->m = s.m;
    out->weight = dti_xcalloc(nn, sizeof *out->weight);
    out->r_before = dti_xcalloc(m ? m : 1, sizeof *out->r_before);
    out->r_after = dti_xcalloc(m ? m : 1, sizeof *out->r_after);
    gsl_multifit_nlinear_workspace *nl = NULL;
    gsl_vector *x = NULL;
    int rc = DTI_OK;
    if (m < 2) {
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                           "balance weights: level %zu has %zu weighted node%s; at least 2 are needed", level, m,
                           m == 1 ? "" : "s");
        goto cleanup;
    }
    out->objective_before = S_bal_eval(&s);
    memcpy(out->r_before, s.r, m * sizeof *s.r);
    if ((rc = s.rc))
        goto cleanup;
    if (!isfinite(out->objective_before)) {
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                           "balance weights: the correlations with the index are undefined or do not sum to a "
                           "positive number at the starting weights (a constant indicator, or too few units)");
        goto cleanup;
    }
    /* theta = sqrt of each node's share among its siblings at the start */
    x = gsl_vector_alloc(m);
    for (size_t i = 0; i < m; i++) {
        const dti_node *p = &fw->nodes[fw->nodes[out->nodes[i]].parent];
        double sw = 0;
        for (size_t c = 0; c < p->n_children; c++)
            sw += s.weight[p->children[c]] > 0 ? s.weight[p->children[c]] : 0;
        gsl_vector_set(x, i, sqrt(s.weight[out->nodes[i]] / sw));
    }
    /* Levenberg-Marquardt trust region on the m residuals, Jacobian by forward differences */
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.fdtype = GSL_MULTIFIT_NLINEAR_CTRDIFF;
    nl = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, m, m);
    gsl_multifit_nlinear_fdf fdf = {S_bal_residuals, NULL, NULL, m, m, &s, 0, 0, 0};
    int info = 0, st = gsl_multifit_nlinear_init(x, &fdf, nl);
    if (!st)
        st = gsl_multifit_nlinear_driver(max_iter, xtol, S_BAL_GTOL, S_BAL_FTOL, NULL, NULL, &info, nl);
    if ((rc = s.rc))
        goto cleanup;
    if (st && st != GSL_EMAXITER && st != GSL_ENOPROG) {
        rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "balance weights: %s", gsl_strerror(st));
        goto cleanup;
    }
    out->iterations = gsl_multifit_nlinear_niter(nl);
    out->converged = st == GSL_SUCCESS;
    out->stop = st == GSL_SUCCESS ? (info == 1 ? "step" : "gradient") : st == GSL_EMAXITER ? "iterations" : "no progress";
    gsl_vector_memcpy(x, gsl_multifit_nlinear_position(nl));
    /* the final point, its correlations and f; weights as shares among siblings */
    for (size_t i = 0; i < m; i++)
        s.weight[out->nodes[i]] = gsl_vector_get(x, i) * gsl_vector_get(x, i);
    out->objective = S_bal_eval(&s);
    memcpy(out->r_after, s.r, m * sizeof *s.r);
    if ((rc = s.rc))
        goto cleanup;
    memcpy(out->weight, s.weight, nn * sizeof *out->weight);
    for (size_t i = 0; i < m; i++) { /* every child of a balanced node's parent, as a share */
        const dti_node *p = &fw->nodes[fw->nodes[out->nodes[i]].parent];
        double sw = 0;
        for (size_t c = 0; c < p->n_children; c++)
            sw += s.weight[p->children[c]] > 0 ? s.weight[p->children[c]] : 0;
        for (size_t c = 0; c < p->n_children; c++)
            out->weight[p->children[c]] = s.weight[p->children[c]] / sw;
    }
cleanup:
    gsl_vector_free(x);
    gsl_multifit_nlinear_free(nl);
    S_bal_clear(&s);
    if (rc)
        dti_weights_balance_clear(out);
    return rc;
}
