/* tune_fit.c -- `dtirank tune fit`: the weights implied by a published table.  Non-negative,
 * sum-to-one least squares between the index computed from the indicators and the published index,
 * with an identification check (the SVD of the design) before any estimate is given.  On a loaded
 * year record; above the ranking rule (rank.c); presented by present_tune.c.  Method: docs/tuning.md §1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>

#include "block.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "tune.h"

/* Numerical rank: singular values below this share of the largest are zero.  The design holds values
 * in [0, 1] and a row of ones, so its largest singular value is of order 1..sqrt(rows); 1e-9 is far
 * above double rounding (1e-16) and far below any real column difference (>= 1e-4, the published
 * precision). */
#define S_RANK_TOL 1e-9
/* A multiplier of a bound constraint counts as negative (release the weight) below -S_KKT_TOL times
 * the gradient scale: rounding in X'(Xw - y) is of order 1e-16 of it. */
#define S_KKT_TOL 1e-10
#define S_MAX_ITER_PER_COL 10 /* active-set iterations: each changes the free set; 10 p is ample */

void dti_tune_fit_result_clear(dti_tune_fit_result *res)
{
    free(res->w);
    free(res->se);
    free(res->at_bound);
    free(res->resid);
    free(res->sv);
    free(res->v);
    memset(res, 0, sizeof *res);
}

/* Equality-constrained least squares on the free columns F (m of them): min ||y - X_F u|| subject to
 * sum u = 1, as u = e_last + Z v.  Writes u into z (0 outside F) and (A'A)^-1 of v into cov
 * ((m-1) x (m-1), row-major).  Returns a GSL status. */
static int S_eqls(const double *X, const double *y, size_t n, size_t p, const size_t *F, size_t m, double *z,
                  double *cov)
{
    for (size_t j = 0; j < p; j++)
        z[j] = 0;
    if (m == 1) {
        z[F[0]] = 1;
        return 0;
    }
    size_t q = m - 1, last = F[m - 1];
    gsl_matrix *A = dti_xgsl(gsl_matrix_alloc(n, q)), *C = dti_xgsl(gsl_matrix_alloc(q, q));
    gsl_vector *b = dti_xgsl(gsl_vector_alloc(n)), *wt = dti_xgsl(gsl_vector_alloc(n)), *v = dti_xgsl(gsl_vector_alloc(q));
    gsl_multifit_linear_workspace *ws = dti_xgsl(gsl_multifit_linear_alloc(n, q));
    for (size_t i = 0; i < n; i++) {
        for (size_t a = 0; a < q; a++)
            gsl_matrix_set(A, i, a, X[i * p + F[a]] - X[i * p + last]);
        gsl_vector_set(b, i, y[i] - X[i * p + last]);
    }
    gsl_vector_set_all(wt, 1.0);
    double chisq;
    /* the weighted form returns the unscaled (A'WA)^-1; the residual variance is applied by the caller */
    int st = gsl_multifit_wlinear(A, wt, b, v, C, &chisq, ws);
    if (!st) {
        double sum = 0;
        for (size_t a = 0; a < q; a++) {
            z[F[a]] = gsl_vector_get(v, a);
            sum += z[F[a]];
            for (size_t c = 0; c < q; c++)
                cov[a * q + c] = gsl_matrix_get(C, a, c);
        }
        z[last] = 1 - sum;
    }
    gsl_multifit_linear_free(ws);
    gsl_vector_free(v);
    gsl_vector_free(wt);
    gsl_vector_free(b);
    gsl_matrix_free(C);
    gsl_matrix_free(A);
    return st;
}

/* Singular values and right singular vectors of [X; 1'] (padded with zero rows to at least p rows). */
static int S_svd(const double *X, size_t n, size_t p, dti_tune_fit_result *res)
{
    size_t M = n + 1 > p ? n + 1 : p;
    gsl_matrix *A = dti_xgsl(gsl_matrix_calloc(M, p)), *V = dti_xgsl(gsl_matrix_alloc(p, p));
    gsl_vector *S = dti_xgsl(gsl_vector_alloc(p)), *work = dti_xgsl(gsl_vector_alloc(p));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(A, i, j, X[i * p + j]);
    for (size_t j = 0; j < p; j++)
        gsl_matrix_set(A, n, j, 1.0);
    int st = p > 1 ? gsl_linalg_SV_decomp(A, V, S, work) : 0;
    if (p == 1) { /* one column: the design is a vector; its norm is the singular value */
        double ss = 0;
        for (size_t i = 0; i <= n; i++)
            ss += gsl_matrix_get(A, i, 0) * gsl_matrix_get(A, i, 0);
        gsl_vector_set(S, 0, sqrt(ss));
        gsl_matrix_set(V, 0, 0, 1.0);
    }
    if (!st) {
        res->rank = 0;
        for (size_t k = 0; k < p; k++) {
            res->sv[k] = gsl_vector_get(S, k);
            res->rank += res->sv[k] > S_RANK_TOL * gsl_vector_get(S, 0);
            for (size_t j = 0; j < p; j++)
                res->v[j * p + k] = gsl_matrix_get(V, j, k);
        }
    }
    gsl_vector_free(work);
    gsl_vector_free(S);
    gsl_matrix_free(V);
    gsl_matrix_free(A);
    return st;
}

int dti_tune_fit_ls(const double *X, const double *y, size_t n, size_t p, dti_tune_fit_result *res, dti_error *err)
{
    memset(res, 0, sizeof *res);
    if (!p)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "no weights to fit");
    res->n_rows = n;
    res->n_cols = p;
    res->w = dti_xcalloc(p, sizeof *res->w);
    res->se = dti_xcalloc(p, sizeof *res->se);
    res->at_bound = dti_xcalloc(p, sizeof *res->at_bound);
    res->resid = dti_xcalloc(n ? n : 1, sizeof *res->resid);
    res->sv = dti_xcalloc(p, sizeof *res->sv);
    res->v = dti_xcalloc(p * p, sizeof *res->v);
    for (size_t j = 0; j < p; j++)
        res->w[j] = res->se[j] = NAN;
    res->rms = res->max_abs = NAN;
    int st = S_svd(X, n, p, res);
    if (st)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "the singular value decomposition failed: %s",
                             gsl_strerror(st));
    res->identified = res->rank == p;
    if (!res->identified)
        return DTI_OK;

    size_t *F = dti_xcalloc(p, sizeof *F), m = p;
    int *free_ = dti_xcalloc(p, sizeof *free_);
    double *w = dti_xcalloc(p, sizeof *w), *z = dti_xcalloc(p, sizeof *z), *g = dti_xcalloc(p, sizeof *g);
    double *cov = dti_xcalloc(p * p, sizeof *cov);
    int rc = DTI_OK;
    for (size_t j = 0; j < p; j++) { /* start inside the simplex, every weight free */
        free_[j] = 1;
        w[j] = 1.0 / (double)p;
    }
    size_t iter = 0;
    for (;; iter++) {
        if (iter > S_MAX_ITER_PER_COL * p) {
            rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "the active-set method did not converge");
            goto cleanup;
        }
        m = 0;
        for (size_t j = 0; j < p; j++)
            if (free_[j])
                F[m++] = j;
        if ((st = S_eqls(X, y, n, p, F, m, z, cov))) {
            rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "least squares on the free weights failed: %s",
                               gsl_strerror(st));
            goto cleanup;
        }
        int feasible = 1;
        for (size_t a = 0; a < m; a++)
            feasible &= z[F[a]] > 0;
        if (!feasible) {
            /* move from w towards z until the first free weight reaches 0; it joins the bound set */
            double alpha = 1;
            for (size_t a = 0; a < m; a++) {
                size_t j = F[a];
                if (!(z[j] > 0) && w[j] - z[j] > 0) {
                    double t = w[j] / (w[j] - z[j]);
                    alpha = t < alpha ? t : alpha;
                }
            }
            size_t hit = DTI_NONE;
            double low = INFINITY;
            for (size_t a = 0; a < m; a++) {
                size_t j = F[a];
                w[j] += alpha * (z[j] - w[j]);
                if (!(z[j] > 0) && w[j] < low) {
                    low = w[j];
                    hit = j;
                }
            }
            free_[hit] = 0;
            w[hit] = 0;
            continue;
        }
        memcpy(w, z, p * sizeof *w);
        /* KKT: g = X'(Xw - y); the free weights share g_F = -mu; a bound weight may stay at 0 only if
         * its multiplier g_j - g_F is non-negative */
        double scale = 0, gF = 0;
        for (size_t j = 0; j < p; j++) {
            g[j] = 0;
            for (size_t i = 0; i < n; i++) {
                double r = -y[i];
                for (size_t k = 0; k < p; k++)
                    r += X[i * p + k] * w[k];
                g[j] += X[i * p + j] * r;
            }
            scale = fabs(g[j]) > scale ? fabs(g[j]) : scale;
        }
        for (size_t a = 0; a < m; a++)
            gF += g[F[a]] / (double)m;
        size_t release = DTI_NONE;
        double most = -S_KKT_TOL * (1 + scale);
        for (size_t j = 0; j < p; j++)
            if (!free_[j] && g[j] - gF < most) {
                most = g[j] - gF;
                release = j;
            }
        if (release == DTI_NONE)
            break;
        free_[release] = 1;
    }

    /* residuals, and standard errors conditional on the final free set */
    double rss = 0;
    res->max_abs = 0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i];
        for (size_t k = 0; k < p; k++)
            r -= X[i * p + k] * w[k];
        res->resid[i] = r;
        rss += r * r;
        if (fabs(r) > res->max_abs) {
            res->max_abs = fabs(r);
            res->max_row = i;
        }
    }
    res->rms = n ? sqrt(rss / (double)n) : NAN;
    res->dof = n + 1 > m ? n + 1 - m : 0;
    double s2 = res->dof ? rss / (double)res->dof : NAN;
    size_t q = m - 1;
    for (size_t j = 0; j < p; j++) {
        res->w[j] = w[j];
        res->at_bound[j] = !free_[j];
    }
    /* Var(u_a) = s^2 (Z C Z')_aa with Z = [I; -1']: C_aa for a < q, the sum of C for the last */
    for (size_t a = 0; a < m; a++) {
        double var = 0;
        if (a < q)
            var = cov[a * q + a];
        else
            for (size_t b = 0; b < q * q; b++)
                var += cov[b];
        res->se[F[a]] = m > 1 ? sqrt(s2 * var) : 0;
    }
cleanup:
    free(cov);
    free(g);
    free(z);
    free(w);
    free(free_);
    free(F);
    return rc;
}

/* ---- the report ----------------------------------------------------------------------------------- */

/* Effective weight of indicator node i in the index: the product down the path of each node's
 * weight over the positive weights of its siblings. */
static double S_path_weight(const dti_framework *fw, size_t i)
{
    double w = 1;
    for (size_t k = i; fw->nodes[k].parent != DTI_NONE; k = fw->nodes[k].parent) {
        const dti_node *par = &fw->nodes[fw->nodes[k].parent];
        double sw = 0;
        for (size_t c = 0; c < par->n_children; c++)
            sw += fw->nodes[par->children[c]].weight > 0 ? fw->nodes[par->children[c]].weight : 0;
        w *= fw->nodes[k].weight / sw;
    }
    return w;
}

void dti_tune_fit_year_clear(dti_tune_fit_year *f)
{
    dti_tune_fit_result_clear(&f->res);
    free(f->ids);
    free(f->nominal);
    free(f->row);
    free(f->fitted);
    free(f->rank);
    free(f->order);
    free(f->block);
    memset(f, 0, sizeof *f);
}

/* Refuses a model the least squares cannot fit: normalised indicators, other means than arithmetic. */
static int S_linear(const dti_framework *fw, dti_error *err)
{
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->role == DTI_NODE_INDICATOR && nd->parent != DTI_NONE && nd->norm.method != DTI_NORM_NONE)
            return dti_error_set(err, DTI_ERR_INPUT, fw->path, nd->line, nd->column,
                                 "tune fit needs a linear model: indicator '%s' is normalised (%s)", nd->id,
                                 dti_norm_method_name(nd->norm.method));
        if (nd->n_children && nd->agg.method != DTI_AGG_ARITHMETIC)
            return dti_error_set(err, DTI_ERR_INPUT, fw->path, nd->line, nd->column,
                                 "tune fit needs a linear model: '%s' is aggregated by the %s mean", nd->id,
                                 dti_agg_method_name(nd->agg.method));
    }
    return DTI_OK;
}

/* Value of a fitted column for record entry u: the record's fact of node `node`, or (node DTI_NONE) the
 * block's recovered value; NaN when unknown. */
static double S_cell(const dti_year *yr, size_t node, const double *block, size_t u)
{
    if (node == DTI_NONE)
        return block[u];
    const dti_fact *fa = &yr->value[u * yr->fw->n_nodes + node];
    return fa->known ? fa->value : NAN;
}

int dti_tune_fit_year_compute(const dti_year *yr, const dti_framework *model, dti_tune_fit_year *f, dti_error *err)
{
    memset(f, 0, sizeof *f);
    const dti_framework *rf = yr->fw, *fw = model ? model : rf;
    size_t nn = rf->n_nodes, *ind = NULL, *col = NULL;
    double *X = NULL, *y = NULL, *bv = NULL; /* bv[k * n + u]: column k's recovered block values */
    int *derived = NULL;
    f->yr = yr;
    f->fw = fw;
    int rc = S_linear(fw, err);
    if (rc)
        return rc;
    ind = dti_xcalloc(fw->n_nodes, sizeof *ind);
    col = dti_xcalloc(fw->n_nodes, sizeof *col);
    f->ids = dti_xcalloc(fw->n_nodes, sizeof *f->ids);
    f->nominal = dti_xcalloc(fw->n_nodes, sizeof *f->nominal);
    size_t nj = dti_engine_indicators(fw, ind), p = 0;
    for (size_t j = 0; j < nj; j++) {
        double wj = S_path_weight(fw, ind[j]);
        if (!(wj > 0))
            continue; /* an unscored indicator (DTI smart city) is no unknown */
        size_t node = dti_framework_node_find(rf, fw->nodes[ind[j]].id);
        if (node == DTI_NONE && !fw->nodes[ind[j]].block) {
            rc = dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0, "the record's model %s has no indicator '%s'",
                               rf->name, fw->nodes[ind[j]].id);
            goto cleanup;
        }
        col[p] = fw->nodes[ind[j]].block ? DTI_NONE : node;
        ind[p] = ind[j]; /* from here on: the fitted columns' nodes in fw (p <= j) */
        f->ids[p] = fw->nodes[ind[j]].id;
        f->nominal[p++] = wj;
    }
    f->p = p;
    /* A block column is recovered by its rule from the record's facts (block.h).  When the rule inverts
     * the very index being fitted, the fit is an identity: the rule's weights fit every row exactly. */
    if (dti_framework_has_blocks(fw)) {
        bv = dti_xcalloc(p * yr->n + 1, sizeof *bv);
        derived = dti_xcalloc(yr->n + 1, sizeof *derived);
        f->block = dti_xcalloc(p, sizeof *f->block);
        for (size_t k = 0; k < p && !rc; k++) {
            const dti_block *b = fw->nodes[ind[k]].block;
            if (!b)
                continue;
            rc = dti_block_recover_year(fw, b, yr, bv + k * yr->n, derived, &f->block[k], err);
            f->circular += b->from == fw->root && f->block[k].recovered > 0;
        }
        if (rc)
            goto cleanup;
    }
    X = dti_xcalloc(yr->n * p + 1, sizeof *X);
    y = dti_xcalloc(yr->n + 1, sizeof *y);
    f->row = dti_xcalloc(yr->n + 1, sizeof *f->row);
    for (size_t u = 0; u < yr->n; u++) {
        int full = 1;
        for (size_t k = 0; k < p; k++) {
            double x = S_cell(yr, col[k], bv ? bv + k * yr->n : NULL, u);
            full &= !isnan(x);
            X[f->n * p + k] = x;
        }
        if (!full)
            continue;
        f->n_full++;
        const dti_fact *pub = &yr->value[u * nn + rf->root];
        if (!pub->known)
            continue;
        y[f->n] = pub->value;
        f->row[f->n++] = u;
    }
    if ((rc = dti_tune_fit_ls(X, y, f->n, p, &f->res, err)))
        goto cleanup;
    /* the nominal weights on the same rows: a consistency check, not an estimate */
    double rss0 = 0, max0 = 0;
    for (size_t i = 0; i < f->n; i++) {
        double r = y[i];
        for (size_t k = 0; k < p; k++)
            r -= X[i * p + k] * f->nominal[k];
        rss0 += r * r;
        max0 = fabs(r) > max0 ? fabs(r) : max0;
    }
    f->nominal_rms = f->n ? sqrt(rss0 / (double)f->n) : NAN;
    f->nominal_max = f->n ? max0 : NAN;
    /* the ranks the fitted weights give, among the provinces with every weighted indicator */
    f->fitted = dti_xcalloc(yr->n + 1, sizeof *f->fitted);
    f->rank = dti_xcalloc(yr->n + 1, sizeof *f->rank);
    f->order = dti_xcalloc(yr->n + 1, sizeof *f->order);
    for (size_t u = 0; u < yr->n; u++) {
        int full = f->res.identified;
        double sc = 0;
        for (size_t k = 0; k < p; k++) {
            double x = S_cell(yr, col[k], bv ? bv + k * yr->n : NULL, u);
            full &= !isnan(x);
            sc += !isnan(x) ? x * f->res.w[k] : 0;
        }
        f->fitted[u] = full ? sc : NAN;
    }
    rc = dti_rank_competition(f->fitted, yr->n, fw->precision, f->rank, f->order, err);
cleanup:
    free(derived);
    free(bv);
    free(y);
    free(X);
    free(col);
    free(ind);
    if (rc)
        dti_tune_fit_year_clear(f);
    return rc;
}
