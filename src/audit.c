/* audit.c -- `dtirank audit`: statistics of a composite index on its data, after the engine has run
 * (score.c): descriptive statistics of the raw indicators, the outlier log, Pearson and Spearman
 * correlations of indicators and aggregates, Cronbach's alpha and a principal component analysis of
 * each aggregate's children (gsl_eigen_symmv on their correlation matrix), effective against nominal
 * weights.  OECD/JRC Handbook (2008) §1.4 (multivariate analysis) and §1.9 (weights).  Formulas and
 * degenerate cases: docs/methods.md §8. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#include "audit.h"
#include "internal.h"
#include "report.h"

#define S_SIGN_TOL 1e-12 /* an eigenvector whose components sum to less than this is "balanced": its
                          * sign is then set by its largest component instead */

double dti_audit_pearson(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            sx += x[i];
            sy += y[i];
            m += 1;
        }
    if (m < 2)
        return NAN;
    double mx = sx / m, my = sy / m, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
    if (!(sxx > 0) || !(syy > 0)) /* a constant column: undefined */
        return NAN;
    return sxy / sqrt(sxx * syy);
}

/* Average ranks (1-based, ties share the mean place) of v[0..m) into out. */
static void S_avg_ranks(const double *v, size_t m, double *out, size_t *idx, size_t *tmp)
{
    for (size_t k = 0; k < m; k++)
        idx[k] = k;
    dti_sort_index(v, idx, m, tmp);
    for (size_t a = 0; a < m;) {
        size_t b = a + 1;
        while (b < m && !(v[idx[a]] < v[idx[b]]))
            b++;
        for (size_t k = a; k < b; k++)
            out[idx[k]] = 0.5 * (double)(a + 1 + b);
        a = b;
    }
}

double dti_audit_spearman(const double *x, const double *y, size_t n, double *scratch, size_t *idx, size_t *tmp)
{
    double *px = scratch, *py = scratch + n, *rx = scratch + 2 * n, *ry = scratch + 3 * n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            px[m] = x[i];
            py[m] = y[i];
            m++;
        }
    S_avg_ranks(px, m, rx, idx, tmp);
    S_avg_ranks(py, m, ry, idx, tmp);
    return dti_audit_pearson(rx, ry, m);
}

double dti_audit_alpha(const double *const *cols, size_t k, size_t n, size_t *n_complete)
{
    size_t m = 0;
    double sum_var = 0, tot_s = 0, tot_ss = 0;
    for (size_t i = 0; i < n; i++) {
        int full = 1;
        for (size_t c = 0; c < k && full; c++)
            full = !isnan(cols[c][i]);
        m += (size_t)full;
    }
    *n_complete = m;
    if (k < 2 || m < 2)
        return NAN;
    /* alpha = k/(k-1) (1 - sum var(x_c) / var(sum_c x_c)), variances with n - 1 (Cronbach 1951) */
    for (size_t c = 0; c < k; c++) {
        double s = 0, ss = 0;
        for (size_t i = 0; i < n; i++) {
            int full = 1;
            for (size_t d = 0; d < k && full; d++)
                full = !isnan(cols[d][i]);
            if (full)
                s += cols[c][i];
        }
        double mean = s / (double)m;
        for (size_t i = 0; i < n; i++) {
            int full = 1;
            for (size_t d = 0; d < k && full; d++)
                full = !isnan(cols[d][i]);
            if (full)
                ss += (cols[c][i] - mean) * (cols[c][i] - mean);
        }
        sum_var += ss / (double)(m - 1);
    }
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        int full = 1;
        for (size_t d = 0; d < k && full; d++)
            full = !isnan(cols[d][i]);
        if (!full)
            continue;
        for (size_t c = 0; c < k; c++)
            t += cols[c][i];
        tot_s += t;
    }
    double tmean = tot_s / (double)m;
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        int full = 1;
        for (size_t d = 0; d < k && full; d++)
            full = !isnan(cols[d][i]);
        if (!full)
            continue;
        for (size_t c = 0; c < k; c++)
            t += cols[c][i];
        tot_ss += (t - tmean) * (t - tmean);
    }
    double tvar = tot_ss / (double)(m - 1);
    if (!(tvar > 0))
        return NAN;
    return (double)k / (double)(k - 1) * (1 - sum_var / tvar);
}

int dti_audit_pca(const double *const *cols, size_t k, size_t n, const char *what, double *eigenvalues,
                  double *vectors, size_t *n_complete, dti_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int full = 1;
        for (size_t e = 0; e < k && full; e++)
            full = !isnan(cols[e][i]);
        m += (size_t)full;
    }
    if (n_complete)
        *n_complete = m;
    for (size_t f = 0; f < k * k; f++)
        vectors[f] = NAN;
    for (size_t f = 0; f < k; f++)
        eigenvalues[f] = NAN;
    if (k < 2 || m < 3)
        return DTI_OK;
    gsl_matrix *cm = dti_xgsl(gsl_matrix_alloc(k, k)), *ev = dti_xgsl(gsl_matrix_alloc(k, k));
    gsl_vector *val = dti_xgsl(gsl_vector_alloc(k));
    gsl_eigen_symmv_workspace *ws = dti_xgsl(gsl_eigen_symmv_alloc(k));
    double *x = dti_xcalloc(2 * n, sizeof *x), *y = x + n;
    int rc = DTI_OK, defined = 1;
    for (size_t c = 0; c < k && defined; c++)
        for (size_t d = 0; d < k && defined; d++) {
            /* complete cases only: a unit missing any column is left out of every pair */
            for (size_t i = 0; i < n; i++) {
                int full = 1;
                for (size_t e = 0; e < k && full; e++)
                    full = !isnan(cols[e][i]);
                x[i] = full ? cols[c][i] : NAN;
                y[i] = full ? cols[d][i] : NAN;
            }
            double r = c == d ? 1.0 : dti_audit_pearson(x, y, n);
            if (c == d && isnan(dti_audit_pearson(x, x, n)))
                r = NAN; /* a constant column: no correlation matrix */
            defined = !isnan(r);
            gsl_matrix_set(cm, c, d, r);
        }
    if (defined) {
        int st = gsl_eigen_symmv(cm, val, ev, ws);
        if (st) {
            rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "PCA of '%s': %s", what, gsl_strerror(st));
        } else {
            gsl_eigen_symmv_sort(val, ev, GSL_EIGEN_SORT_VAL_DESC);
            for (size_t f = 0; f < k; f++) {
                double s = 0, big = 0;
                for (size_t c = 0; c < k; c++) {
                    double v = gsl_matrix_get(ev, c, f);
                    s += v;
                    big = fabs(v) > fabs(big) ? v : big;
                }
                double sign = fabs(s) > S_SIGN_TOL ? (s > 0 ? 1 : -1) : (big >= 0 ? 1 : -1);
                eigenvalues[f] = gsl_vector_get(val, f);
                for (size_t c = 0; c < k; c++)
                    vectors[c * k + f] = sign * gsl_matrix_get(ev, c, f);
            }
        }
    }
    free(x);
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(val);
    gsl_matrix_free(ev);
    gsl_matrix_free(cm);
    return rc;
}

void dti_audit_free(dti_audit *a)
{
    if (!a)
        return;
    for (size_t g = 0; a->grp && g < a->na; g++) {
        free(a->grp[g].eigenvalues);
        free(a->grp[g].loadings);
    }
    free(a->grp);
    free(a->ind);
    free(a->agg);
    free(a->desc);
    free(a->pearson);
    free(a->spearman);
    free(a->nominal);
    free(a->effective);
    dti_score_free(a->sc);
    free(a);
}

/* The column of variable v (indicators first, then aggregates): node values of the run. */
static const double *S_col(const dti_audit *a, size_t v)
{
    size_t node = v < a->nj ? a->ind[v] : a->agg[v - a->nj];
    return a->r->values + node * a->nu;
}

int dti_audit_compute(const dti_framework *model, const dti_dataset *data, dti_audit **out, dti_error *err)
{
    *out = NULL;
    dti_audit *a = dti_xcalloc(1, sizeof *a);
    const dti_engine *w;
    int rc = dti_score_run(model, data, &a->sc, err);
    if (rc) {
        dti_audit_free(a);
        return rc;
    }
    dti_score_parts(a->sc, &a->fw, &a->ds, &w, &a->r);
    const dti_framework *fw = a->fw;
    a->nu = a->r->n_units;
    a->nj = a->r->n_indicators;
    a->ind = dti_xcalloc(a->nj, sizeof *a->ind);
    for (size_t j = 0; j < a->nj; j++)
        a->ind[j] = dti_engine_indicator_node(w, j);
    a->agg = dti_xcalloc(fw->n_nodes, sizeof *a->agg);
    a->agg[a->na++] = fw->root;
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].role == DTI_NODE_AGGREGATE)
            a->agg[a->na++] = i;
    size_t nu = a->nu, nv = a->nj + a->na;
    double *scratch = dti_xcalloc(4 * nu, sizeof *scratch);
    size_t *idx = dti_xcalloc(nu, sizeof *idx), *tmp = dti_xcalloc(nu, sizeof *tmp);
    const double **cols = dti_xcalloc(fw->n_nodes, sizeof *cols);

    /* descriptive statistics of the denominated raw values, all units, before imputation */
    a->desc = dti_xcalloc(a->nj, sizeof *a->desc);
    for (size_t j = 0; j < a->nj; j++) {
        const double *x = a->r->denominated + j * nu;
        dti_audit_desc *d = &a->desc[j];
        double s = 0, ss = 0;
        d->min = d->max = NAN;
        for (size_t u = 0; u < nu; u++) {
            if (isnan(x[u]))
                continue;
            d->n++;
            s += x[u];
            d->min = isnan(d->min) || x[u] < d->min ? x[u] : d->min;
            d->max = isnan(d->max) || x[u] > d->max ? x[u] : d->max;
        }
        d->missing = nu - d->n;
        d->mean = d->n ? s / (double)d->n : NAN;
        for (size_t u = 0; u < nu; u++)
            if (!isnan(x[u]))
                ss += (x[u] - d->mean) * (x[u] - d->mean);
        d->sd = d->n > 1 ? sqrt(ss / (double)(d->n - 1)) : NAN;
        dti_treat_skew_kurt(x, nu, &d->skew, &d->kurt);
    }

    /* correlations of every pair of variables, pairwise complete */
    a->pearson = dti_xcalloc(nv * nv, sizeof *a->pearson);
    a->spearman = dti_xcalloc(nv * nv, sizeof *a->spearman);
    for (size_t p = 0; p < nv; p++)
        for (size_t q = p; q < nv; q++) {
            double r1 = dti_audit_pearson(S_col(a, p), S_col(a, q), nu);
            double r2 = dti_audit_spearman(S_col(a, p), S_col(a, q), nu, scratch, idx, tmp);
            a->pearson[p * nv + q] = a->pearson[q * nv + p] = r1;
            a->spearman[p * nv + q] = a->spearman[q * nv + p] = r2;
        }

    /* per aggregate: alpha and PCA of its children (weight 0 included: they are measured) */
    a->grp = dti_xcalloc(a->na, sizeof *a->grp);
    for (size_t g = 0; g < a->na && !rc; g++) {
        dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &fw->nodes[a->agg[g]];
        gr->node = a->agg[g];
        gr->k = nd->n_children;
        for (size_t c = 0; c < gr->k; c++)
            cols[c] = a->r->values + nd->children[c] * nu;
        gr->alpha = dti_audit_alpha(cols, gr->k, nu, &gr->n_complete);
        gr->eigenvalues = dti_xcalloc(gr->k, sizeof *gr->eigenvalues);
        gr->loadings = dti_xcalloc(gr->k * gr->k, sizeof *gr->loadings);
        rc = dti_audit_pca(cols, gr->k, nu, nd->id, gr->eigenvalues, gr->loadings, NULL, err);
    }

    /* nominal shares: the product of w / (sum of positive sibling weights) from the index down;
     * effective: r(indicator, index)^2 as a share of the sum (indicators with r undefined left out) */
    a->nominal = dti_xcalloc(a->nj, sizeof *a->nominal);
    a->effective = dti_xcalloc(a->nj, sizeof *a->effective);
    double tot = 0;
    for (size_t j = 0; j < a->nj; j++) {
        double share = 1;
        for (size_t i = a->ind[j]; fw->nodes[i].parent != DTI_NONE; i = fw->nodes[i].parent) {
            const dti_node *p = &fw->nodes[fw->nodes[i].parent];
            double sw = 0;
            for (size_t c = 0; c < p->n_children; c++)
                sw += fw->nodes[p->children[c]].weight > 0 ? fw->nodes[p->children[c]].weight : 0;
            share *= fw->nodes[i].weight / sw;
        }
        a->nominal[j] = share;
        double r = a->pearson[j * nv + a->nj]; /* aggregate 0 is the index */
        a->effective[j] = r * r;
        tot += isnan(r) ? 0 : r * r;
    }
    for (size_t j = 0; j < a->nj; j++)
        a->effective[j] = tot > 0 ? a->effective[j] / tot : NAN;

    free(cols);
    free(scratch);
    free(idx);
    free(tmp);
    if (rc) {
        dti_audit_free(a);
        return rc;
    }
    *out = a;
    return DTI_OK;
}

/* ---- flags ------------------------------------------------------------------------------------- */

#define S_FLAG_AVAILABILITY 0.65 /* COINr get_stats: t_avail */
#define S_FLAG_SKEW 2.0          /* the JRC rule, as the outlier treatment (COINr t_skew) ... */
#define S_FLAG_KURT 3.5          /* ... and t_kurt */
#define S_FLAG_ALPHA 0.7         /* Nunnally (1978): alpha below 0.7 is a weak scale */
#define S_FLAG_COLLINEAR 0.9     /* COINr get_corr_flags: cor_thresh */
#define S_FLAG_MIN_UNITS 10      /* fewer units: a correlation or a skewness says little */

static const char *const S_flag_names[] = {"availability", "skew_kurt", "alpha_negative", "alpha_low",
                                           "collinear", "negative_parent", "unit_availability", "few_units"};

const char *dti_audit_flag_kind_name(int kind) { return S_flag_names[kind]; }

void dti_audit_thresholds_init(dti_audit_thresholds *t)
{
    t->availability = S_FLAG_AVAILABILITY;
    t->skew = S_FLAG_SKEW;
    t->kurt = S_FLAG_KURT;
    t->alpha = S_FLAG_ALPHA;
    t->collinear = S_FLAG_COLLINEAR;
    t->min_units = S_FLAG_MIN_UNITS;
}

void dti_audit_flags_clear(dti_audit_flags *f)
{
    free(f->flag);
    memset(f, 0, sizeof *f);
}

static dti_audit_flag *S_flag(dti_audit_flags *f, size_t *cap, int kind, size_t node, size_t other, double value,
                              double threshold, size_t n)
{
    if (f->n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        dti_audit_flag *grown = realloc(f->flag, *cap * sizeof *grown);
        if (!grown)
            abort();
        f->flag = grown;
    }
    dti_audit_flag *g = &f->flag[f->n++];
    g->kind = g->statistic = kind;
    g->node = node;
    g->other = other;
    g->unit = DTI_NONE;
    g->value = value;
    g->value2 = NAN;
    g->threshold = threshold;
    g->n = n;
    return g;
}

/* A FEW_UNITS warning about statistic `kind` of node (and other) when it rests on fewer units. */
static void S_few(dti_audit_flags *f, size_t *cap, const dti_audit_thresholds *t, int kind, size_t node,
                  size_t other, double value, size_t n)
{
    if (n < t->min_units)
        S_flag(f, cap, DTI_FLAG_FEW_UNITS, node, other, value, (double)t->min_units, n)->statistic = kind;
}

static size_t S_pairs(const double *x, const double *y, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += isnan(x[i]) || isnan(y[i]) ? 0 : 1;
    return m;
}

int dti_audit_flags_compute(const dti_audit *a, const dti_audit_thresholds *t, dti_audit_flags *out, dti_error *err)
{
    (void)err;
    dti_audit_thresholds def;
    if (!t) {
        dti_audit_thresholds_init(&def);
        t = &def;
    }
    memset(out, 0, sizeof *out);
    size_t cap = 0, nu = a->nu, nv = a->nj + a->na;
    const dti_framework *fw = a->fw;
    size_t *var = dti_xcalloc(fw->n_nodes, sizeof *var); /* node -> variable of the correlation matrices */
    for (size_t i = 0; i < fw->n_nodes; i++)
        var[i] = DTI_NONE;
    for (size_t v = 0; v < nv; v++)
        var[v < a->nj ? a->ind[v] : a->agg[v - a->nj]] = v;

    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        double avail = nu ? (double)d->n / (double)nu : NAN;
        if (avail < t->availability)
            S_flag(out, &cap, DTI_FLAG_AVAILABILITY, a->ind[j], DTI_NONE, avail, t->availability, nu);
        if (fabs(d->skew) > t->skew && d->kurt > t->kurt) /* NaN compares false: no flag */
            S_flag(out, &cap, DTI_FLAG_SKEW_KURT, a->ind[j], DTI_NONE, d->skew, t->skew, d->n)->value2 = d->kurt;
        S_few(out, &cap, t, DTI_FLAG_SKEW_KURT, a->ind[j], DTI_NONE, d->skew, d->n);
    }
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &fw->nodes[gr->node];
        if (gr->alpha < 0)
            S_flag(out, &cap, DTI_FLAG_ALPHA_NEGATIVE, gr->node, DTI_NONE, gr->alpha, 0, gr->n_complete);
        else if (gr->alpha < t->alpha)
            S_flag(out, &cap, DTI_FLAG_ALPHA_LOW, gr->node, DTI_NONE, gr->alpha, t->alpha, gr->n_complete);
        if (gr->k >= 2)
            S_few(out, &cap, t, DTI_FLAG_ALPHA_LOW, gr->node, DTI_NONE, gr->alpha, gr->n_complete);
        for (size_t c = 0; c < nd->n_children; c++)
            for (size_t e = c + 1; e < nd->n_children; e++) {
                size_t p = var[nd->children[c]], q = var[nd->children[e]];
                double r = a->pearson[p * nv + q];
                size_t n = S_pairs(S_col(a, p), S_col(a, q), nu);
                if (fabs(r) > t->collinear)
                    S_flag(out, &cap, DTI_FLAG_COLLINEAR, nd->children[c], nd->children[e], r, t->collinear, n);
                S_few(out, &cap, t, DTI_FLAG_COLLINEAR, nd->children[c], nd->children[e], r, n);
            }
        for (size_t c = 0; c < nd->n_children; c++) {
            size_t p = var[nd->children[c]], q = var[gr->node];
            double r = a->pearson[p * nv + q];
            size_t n = S_pairs(S_col(a, p), S_col(a, q), nu);
            if (r < 0)
                S_flag(out, &cap, DTI_FLAG_NEGATIVE_PARENT, nd->children[c], gr->node, r, 0, n);
            S_few(out, &cap, t, DTI_FLAG_NEGATIVE_PARENT, nd->children[c], gr->node, r, n);
        }
    }
    for (size_t u = 0; u < nu && a->nj; u++) {
        size_t have = 0;
        for (size_t j = 0; j < a->nj; j++)
            have += isnan(a->r->denominated[j * nu + u]) ? 0 : 1;
        double avail = (double)have / (double)a->nj;
        if (avail < t->availability)
            S_flag(out, &cap, DTI_FLAG_UNIT_AVAILABILITY, DTI_NONE, DTI_NONE, avail, t->availability, a->nj)->unit = u;
    }
    free(var);
    return DTI_OK;
}
