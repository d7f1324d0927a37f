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

/* PCA of group g: correlation matrix of the children over the complete units, eigen-decomposed. */
static int S_pca(dti_audit *a, dti_audit_group *g, const double *const *cols, double *buf, dti_error *err)
{
    size_t k = g->k, n = a->nu;
    for (size_t f = 0; f < k * k; f++)
        g->loadings[f] = NAN;
    for (size_t f = 0; f < k; f++)
        g->eigenvalues[f] = NAN;
    if (k < 2 || g->n_complete < 3)
        return DTI_OK;
    gsl_matrix *cm = gsl_matrix_alloc(k, k), *ev = gsl_matrix_alloc(k, k);
    gsl_vector *val = gsl_vector_alloc(k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
    int rc = DTI_OK, defined = 1;
    double *x = buf, *y = buf + n;
    for (size_t c = 0; c < k && defined; c++)
        for (size_t d = 0; d < k && defined; d++) {
            /* complete cases only: a unit missing any child is left out of every pair */
            for (size_t i = 0; i < n; i++) {
                int full = 1;
                for (size_t e = 0; e < k && full; e++)
                    full = !isnan(cols[e][i]);
                x[i] = full ? cols[c][i] : NAN;
                y[i] = full ? cols[d][i] : NAN;
            }
            double r = c == d ? 1.0 : dti_audit_pearson(x, y, n);
            if (c == d && isnan(dti_audit_pearson(x, x, n)))
                r = NAN; /* a constant child: no correlation matrix */
            defined = !isnan(r);
            gsl_matrix_set(cm, c, d, r);
        }
    if (defined) {
        int st = gsl_eigen_symmv(cm, val, ev, ws);
        if (st) {
            rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "PCA of '%s': %s", a->fw->nodes[g->node].id,
                               gsl_strerror(st));
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
                g->eigenvalues[f] = gsl_vector_get(val, f);
                for (size_t c = 0; c < k; c++)
                    g->loadings[c * k + f] = sign * gsl_matrix_get(ev, c, f);
            }
        }
    }
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

int dti_audit_compute(const char *model_path, const char *data_path, const char *reg_path, const char *models_dir,
                      dti_audit **out, dti_error *err)
{
    *out = NULL;
    dti_audit *a = dti_xcalloc(1, sizeof *a);
    const dti_engine *w;
    int rc = dti_score_compute(model_path, data_path, reg_path, models_dir, &a->sc, err);
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
        rc = S_pca(a, gr, cols, scratch, err);
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

/* ---- output ------------------------------------------------------------------------------------ */

static const char *S_vid(const dti_audit *a, size_t v)
{
    return a->fw->nodes[v < a->nj ? a->ind[v] : a->agg[v - a->nj]].id;
}

static void S_num(FILE *out, double v, int json)
{
    if (!isfinite(v)) /* JSON has no inf or NaN */
        fputs(json ? "null" : "NA", out);
    else
        fprintf(out, "%.17g", v);
}

static const char *const S_action[] = {"none", "winsorise", "log"};

static void S_csv_row(FILE *out, const char *section, const char *row, const char *col, double v)
{
    fprintf(out, "%s,%s,%s,", section, row, col);
    S_num(out, v, 0);
    fputs("\r\n", out);
}

static void S_write_csv(const dti_audit *a, FILE *out)
{
    size_t nv = a->nj + a->na;
    fputs("section,row,column,value\r\n", out);
    static const char *const dn[] = {"n", "missing", "mean", "sd", "min", "max", "skewness", "kurtosis"};
    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        double v[8] = {(double)d->n, (double)d->missing, d->mean, d->sd, d->min, d->max, d->skew, d->kurt};
        for (size_t k = 0; k < 8; k++)
            S_csv_row(out, "describe", S_vid(a, j), dn[k], v[k]);
    }
    for (size_t j = 0; j < a->nj; j++) {
        const dti_treat_log *t = &a->r->treat[j];
        fprintf(out, "treat,%s,action,%s\r\n", S_vid(a, j), S_action[t->action]);
        S_csv_row(out, "treat", S_vid(a, j), "nwin", (double)t->nwin);
    }
    for (size_t p = 0; p < nv; p++)
        for (size_t q = 0; q < nv; q++)
            S_csv_row(out, "pearson", S_vid(a, p), S_vid(a, q), a->pearson[p * nv + q]);
    for (size_t p = 0; p < nv; p++)
        for (size_t q = 0; q < nv; q++)
            S_csv_row(out, "spearman", S_vid(a, p), S_vid(a, q), a->spearman[p * nv + q]);
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &a->fw->nodes[gr->node];
        char col[32];
        S_csv_row(out, "alpha", nd->id, "alpha", gr->alpha);
        S_csv_row(out, "alpha", nd->id, "n_complete", (double)gr->n_complete);
        for (size_t f = 0; f < gr->k; f++) {
            snprintf(col, sizeof col, "pc%zu", f + 1);
            S_csv_row(out, "eigenvalue", nd->id, col, gr->eigenvalues[f]);
            S_csv_row(out, "explained", nd->id, col, gr->eigenvalues[f] / (double)gr->k);
        }
        for (size_t c = 0; c < gr->k; c++)
            for (size_t f = 0; f < gr->k; f++) {
                char row[256];
                snprintf(col, sizeof col, "pc%zu", f + 1);
                snprintf(row, sizeof row, "%s/%s", nd->id, a->fw->nodes[nd->children[c]].id);
                S_csv_row(out, "loading", row, col, gr->loadings[c * gr->k + f]);
            }
    }
    for (size_t j = 0; j < a->nj; j++) {
        S_csv_row(out, "weight", S_vid(a, j), "nominal", a->nominal[j]);
        S_csv_row(out, "weight", S_vid(a, j), "effective", a->effective[j]);
    }
}

static void S_json_matrix(const dti_audit *a, FILE *out, const char *name, const double *m)
{
    size_t nv = a->nj + a->na;
    fprintf(out, "  \"%s\": {\n", name);
    for (size_t p = 0; p < nv; p++) {
        fprintf(out, "    \"%s\": [", S_vid(a, p));
        for (size_t q = 0; q < nv; q++) {
            fputs(q ? ", " : "", out);
            S_num(out, m[p * nv + q], 1);
        }
        fprintf(out, "]%s\n", p + 1 < nv ? "," : "");
    }
    fputs("  },\n", out);
}

static void S_write_json(const dti_audit *a, FILE *out)
{
    size_t nv = a->nj + a->na;
    fprintf(out, "{\n  \"model\": \"%s\",\n  \"units\": %zu,\n  \"kept\": %zu,\n", a->fw->name, a->nu,
            a->nu - a->r->n_removed);
    fputs("  \"variables\": [", out);
    for (size_t v = 0; v < nv; v++)
        fprintf(out, "%s\"%s\"", v ? ", " : "", S_vid(a, v));
    fputs("],\n  \"indicators\": [\n", out);
    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        const dti_treat_log *t = &a->r->treat[j];
        fprintf(out, "    {\"id\": \"%s\", \"n\": %zu, \"missing\": %zu", S_vid(a, j), d->n, d->missing);
        static const char *const names[] = {"mean", "sd", "min", "max", "skewness", "kurtosis", "nominal_weight",
                                            "effective_weight"};
        double v[8] = {d->mean, d->sd, d->min, d->max, d->skew, d->kurt, a->nominal[j], a->effective[j]};
        for (size_t k = 0; k < 8; k++) {
            fprintf(out, ", \"%s\": ", names[k]);
            S_num(out, v[k], 1);
        }
        fprintf(out, ", \"treatment\": \"%s\", \"nwin\": %zu}%s\n", S_action[t->action], t->nwin,
                j + 1 < a->nj ? "," : "");
    }
    fputs("  ],\n", out);
    S_json_matrix(a, out, "pearson", a->pearson);
    S_json_matrix(a, out, "spearman", a->spearman);
    fputs("  \"aggregates\": [\n", out);
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &a->fw->nodes[gr->node];
        fprintf(out, "    {\"id\": \"%s\", \"children\": [", nd->id);
        for (size_t c = 0; c < gr->k; c++)
            fprintf(out, "%s\"%s\"", c ? ", " : "", a->fw->nodes[nd->children[c]].id);
        fprintf(out, "], \"n_complete\": %zu, \"alpha\": ", gr->n_complete);
        S_num(out, gr->alpha, 1);
        fputs(", \"eigenvalues\": [", out);
        for (size_t f = 0; f < gr->k; f++) {
            fputs(f ? ", " : "", out);
            S_num(out, gr->eigenvalues[f], 1);
        }
        fputs("], \"loadings\": [", out);
        for (size_t c = 0; c < gr->k; c++) {
            fputs(c ? ", [" : "[", out);
            for (size_t f = 0; f < gr->k; f++) {
                fputs(f ? ", " : "", out);
                S_num(out, gr->loadings[c * gr->k + f], 1);
            }
            fputs("]", out);
        }
        fprintf(out, "]}%s\n", g + 1 < a->na ? "," : "");
    }
    fputs("  ]\n}\n", out);
}

static void S_fixed(FILE *out, double v, int width, int prec)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "NA");
    else
        fprintf(out, " %*.*f", width, prec, v);
}

static void S_general(FILE *out, double v)
{
    if (isnan(v))
        fprintf(out, " %12s", "NA");
    else
        fprintf(out, " %12.6g", v); /* raw units differ by orders of magnitude: significant digits */
}

static void S_write_text(const dti_audit *a, FILE *out)
{
    size_t nv = a->nj + a->na, wid = 9;
    for (size_t v = 0; v < nv; v++)
        wid = strlen(S_vid(a, v)) > wid ? strlen(S_vid(a, v)) : wid;
    int w = (int)wid;
    fprintf(out, "Audit of %s: %zu units, %zu kept by the screen, %zu indicators, %zu aggregates\n\n",
            dti_framework_title(a->fw), a->nu, a->nu - a->r->n_removed, a->nj, a->na);
    fputs("Indicators (denominated raw values, before imputation; sd with n-1; type-2 skewness and excess\n"
          "kurtosis; treatment by the model's outlier rule)\n",
          out);
    fprintf(out, "%-*s %4s %4s %12s %12s %12s %12s %8s %8s  %-9s %4s %8s %8s\n", w, "indicator", "n", "miss", "mean",
            "sd", "min", "max", "skew", "kurt", "treated", "nwin", "nominal", "effect.");
    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        fprintf(out, "%-*s %4zu %4zu", w, S_vid(a, j), d->n, d->missing);
        S_general(out, d->mean);
        S_general(out, d->sd);
        S_general(out, d->min);
        S_general(out, d->max);
        S_fixed(out, d->skew, 8, 3);
        S_fixed(out, d->kurt, 8, 3);
        fprintf(out, "  %-9s %4zu", S_action[a->r->treat[j].action], a->r->treat[j].nwin);
        S_fixed(out, a->nominal[j], 8, 4);
        S_fixed(out, a->effective[j], 8, 4);
        fputc('\n', out);
    }
    const double *mats[2] = {a->pearson, a->spearman};
    static const char *const mname[2] = {"Pearson", "Spearman"};
    for (size_t m = 0; m < 2; m++) {
        fprintf(out, "\n%s correlations (normalised indicators and aggregates, pairwise complete)\n%-*s", mname[m],
                w, "");
        for (size_t q = 0; q < nv; q++)
            fprintf(out, " %*s", w, S_vid(a, q));
        fputc('\n', out);
        for (size_t p = 0; p < nv; p++) {
            fprintf(out, "%-*s", w, S_vid(a, p));
            for (size_t q = 0; q < nv; q++)
                S_fixed(out, mats[m][p * nv + q], w, 3);
            fputc('\n', out);
        }
    }
    fputs("\nAggregates: Cronbach's alpha and PCA of the children (correlation matrix, complete units;\n"
          "loadings are unit-length eigenvectors, sign chosen so that they sum to >= 0)\n",
          out);
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &a->fw->nodes[gr->node];
        fprintf(out, "\n%s: %zu children, %zu complete units, alpha", nd->id, gr->k, gr->n_complete);
        S_fixed(out, gr->alpha, 6, 4);
        fprintf(out, "\n%-*s", w, "component");
        for (size_t f = 0; f < gr->k; f++) {
            char col[32];
            snprintf(col, sizeof col, "pc%zu", f + 1);
            fprintf(out, " %8s", col);
        }
        fprintf(out, "\n%-*s", w, "eigenvalue");
        for (size_t f = 0; f < gr->k; f++)
            S_fixed(out, gr->eigenvalues[f], 8, 4);
        fprintf(out, "\n%-*s", w, "explained");
        for (size_t f = 0; f < gr->k; f++)
            S_fixed(out, gr->eigenvalues[f] / (double)gr->k, 8, 4);
        fputc('\n', out);
        for (size_t c = 0; c < gr->k; c++) {
            fprintf(out, "%-*s", w, a->fw->nodes[nd->children[c]].id);
            for (size_t f = 0; f < gr->k; f++)
                S_fixed(out, gr->loadings[c * gr->k + f], 8, 4);
            fputc('\n', out);
        }
    }
}

int dti_audit_write(const dti_audit *a, int format, FILE *out, dti_error *err)
{
    if (format == DTI_FORMAT_CSV)
        S_write_csv(a, out);
    else if (format == DTI_FORMAT_JSON)
        S_write_json(a, out);
    else if (format == DTI_FORMAT_TEXT)
        S_write_text(a, out);
    else
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "audit writes text, csv or json");
    if (ferror(out))
        return dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write the audit");
    return DTI_OK;
}
