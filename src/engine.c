/* engine.c -- the workspace and the run: denominate -> impute -> screen -> transform -> treat ->
 * normalise -> aggregate -> rank, on buffers made once by dti_engine_alloc (nothing is allocated per run).
 * The stages themselves live in transform.c, treat.c, normalise.c, aggregate.c and sort.c.
 * Between the stages, and on the way in and out, every value is checked against DTI_VALUE_MAX
 * (internal.h): what overflows becomes an error naming the indicator and the unit, never inf. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

struct dti_engine {
    const dti_framework *fw;
    size_t nu, nj, nn;          /* units, indicator columns, nodes */
    size_t *ind;                /* [j] node of column j */
    double *den, *imp, *trt, *nrm; /* [j * nu + u] */
    double *prv;                /* [j * nu + u] previous year, denominated (impute: previous) */
    double *val;                /* [node * nu + u] */
    double *lval;               /* [node * nu + u] log of the indicators' val (override.log_normalised) */
    size_t *rank, *order;       /* [u] */
    int *kept;                  /* [u] */
    dti_treat_log *tlog;        /* [j] */
    double *dbuf, *dbuf2;       /* [nu] scratch */
    size_t *ibuf, *ibuf2;       /* [nu] scratch */
    double *gsum;               /* [nu] per-group sums */
    size_t *gcnt;               /* [nu] per-group counts */
};

size_t dti_engine_indicators(const dti_framework *fw, size_t *nodes)
{
    size_t m = 0;
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].role == DTI_NODE_INDICATOR && fw->nodes[i].parent != DTI_NONE)
            nodes[m++] = i;
    return m;
}

dti_engine *dti_engine_alloc(const dti_framework *fw, size_t n_units)
{
    if (!n_units)
        return NULL;
    dti_engine *w = dti_xcalloc(1, sizeof *w);
    w->fw = fw;
    w->nu = n_units;
    w->nn = fw->n_nodes;
    w->ind = dti_xcalloc(fw->n_nodes, sizeof *w->ind);
    w->nj = dti_engine_indicators(fw, w->ind);
    size_t cells = w->nj * n_units;
    w->den = dti_xcalloc(cells, sizeof(double));
    w->imp = dti_xcalloc(cells, sizeof(double));
    w->trt = dti_xcalloc(cells, sizeof(double));
    w->nrm = dti_xcalloc(cells, sizeof(double));
    w->prv = dti_xcalloc(cells, sizeof(double));
    w->val = dti_xcalloc(w->nn * n_units, sizeof(double));
    w->lval = dti_xcalloc(w->nn * n_units, sizeof(double));
    w->rank = dti_xcalloc(n_units, sizeof(size_t));
    w->order = dti_xcalloc(n_units, sizeof(size_t));
    w->kept = dti_xcalloc(n_units, sizeof(int));
    w->tlog = dti_xcalloc(w->nj, sizeof *w->tlog);
    w->dbuf = dti_xcalloc(n_units, sizeof(double));
    w->dbuf2 = dti_xcalloc(n_units, sizeof(double));
    w->ibuf = dti_xcalloc(n_units, sizeof(size_t));
    w->ibuf2 = dti_xcalloc(n_units, sizeof(size_t));
    w->gsum = dti_xcalloc(n_units, sizeof(double));
    w->gcnt = dti_xcalloc(n_units, sizeof(size_t));
    return w;
}

void dti_engine_free(dti_engine *w)
{
    if (!w)
        return;
    free(w->ind);
    free(w->den);
    free(w->imp);
    free(w->trt);
    free(w->nrm);
    free(w->prv);
    free(w->val);
    free(w->lval);
    free(w->rank);
    free(w->order);
    free(w->kept);
    free(w->tlog);
    free(w->dbuf);
    free(w->dbuf2);
    free(w->ibuf);
    free(w->ibuf2);
    free(w->gsum);
    free(w->gcnt);
    free(w);
}

/* ---- the limits ----------------------------------------------------------------------------------- */

#define S_LIMIT_TEXT "the engine's limit of 1e+30 in absolute value (docs/methods.md, Limits)"

/* A value that is neither missing (NaN) nor within the limit: inf, or too large. */
static int S_beyond(double v) { return !isnan(v) && !(fabs(v) <= DTI_VALUE_MAX); }

static const char *S_who(const dti_engine_settings *s, size_t u, char *buf, size_t len)
{
    if (s->unit_names && s->unit_names[u])
        return s->unit_names[u];
    snprintf(buf, len, "unit %zu", u + 1);
    return buf;
}

/* The first cell of column col (nu values) beyond the limit, or DTI_NONE. */
static size_t S_first_beyond(const double *col, size_t nu)
{
    for (size_t u = 0; u < nu; u++)
        if (S_beyond(col[u]))
            return u;
    return DTI_NONE;
}

/* Entry checks: raw and previous values, and the denominators the indicators use. */
static int S_check_inputs(const dti_engine *w, const double *raw, const dti_engine_settings *s, dti_error *err)
{
    const dti_framework *fw = w->fw;
    char buf[32];
    for (size_t u = 0; u < w->nu; u++)
        for (size_t j = 0; j < w->nj; j++) {
            const dti_node *nd = &fw->nodes[w->ind[j]];
            double x = raw[u * w->nj + j], p = s->previous ? s->previous[u * w->nj + j] : NAN;
            if (S_beyond(x) || S_beyond(p))
                return dti_error_set(err, DTI_ERR_INPUT, s->path, 0, 0, "%sindicator '%s' of %s is %g, beyond " S_LIMIT_TEXT,
                                     S_beyond(x) ? "" : "the previous value of ", nd->id, S_who(s, u, buf, sizeof buf),
                                     S_beyond(x) ? x : p);
            if (nd->denom == DTI_NONE || !s->denominators || (s->skip & DTI_ENGINE_SKIP_DENOMINATE))
                continue;
            double d = s->denominators[u * fw->n_denominators + nd->denom];
            if (S_beyond(d))
                return dti_error_set(err, DTI_ERR_INPUT, s->path, 0, 0, "denominator '%s' of %s is %g, beyond " S_LIMIT_TEXT,
                                     fw->denominators[nd->denom], S_who(s, u, buf, sizeof buf), d);
            if ((!isnan(x) || !isnan(p)) && !isnan(d) && !(fabs(d) > 0))
                return dti_error_set(err, DTI_ERR_INPUT, s->path, 0, 0,
                                     "indicator '%s' of %s is divided by '%s', which is 0", nd->id,
                                     S_who(s, u, buf, sizeof buf), fw->denominators[nd->denom]);
        }
    return DTI_OK;
}

/* Method parameters that take part in the arithmetic (output ranges, goalposts, z-score targets). */
static int S_check_norm(const dti_engine *w, const dti_node *nd, const dti_norm_spec *ns, int own, dti_error *err)
{
    const double v[6] = {ns->min, ns->max, ns->low, ns->high, ns->mean, ns->sd};
    static const char *const name[6] = {"min", "max", "low", "high", "mean", "sd"};
    for (size_t k = 0; k < 6; k++)
        if (S_beyond(v[k]))
            return dti_error_set(err, DTI_ERR_INPUT, own ? w->fw->path : NULL, own ? nd->line : 0,
                                 own ? nd->column : 0, "normalisation of '%s': %s %g is beyond " S_LIMIT_TEXT, nd->id,
                                 name[k], v[k]);
    return DTI_OK;
}

/* A column after a stage: the first value beyond the limit is an error naming the stage. */
static int S_check_column(const dti_engine *w, const double *col, const dti_node *nd, const char *stage,
                          const dti_engine_settings *s, dti_error *err)
{
    size_t u = S_first_beyond(col, w->nu);
    if (u == DTI_NONE)
        return DTI_OK;
    char buf[32];
    return dti_error_set(err, DTI_ERR_INPUT, s->path, 0, 0, "indicator '%s' of %s is %g after %s, beyond " S_LIMIT_TEXT,
                         nd->id, S_who(s, u, buf, sizeof buf), col[u], stage);
}

/* The weights of a run (override or framework's): finite, >= 0, at most DTI_WEIGHT_MAX. */
static int S_check_weights(const dti_engine *w, const double *weight, dti_error *err)
{
    for (size_t i = 0; i < w->nn; i++) {
        double x = weight ? weight[i] : w->fw->nodes[i].weight;
        if (w->fw->nodes[i].parent != DTI_NONE && !(x >= 0 && x <= DTI_WEIGHT_MAX))
            return dti_error_set(err, DTI_ERR_INPUT, weight ? NULL : w->fw->path, weight ? 0 : w->fw->nodes[i].line,
                                 weight ? 0 : w->fw->nodes[i].column,
                                 "the weight of '%s' is %g: a weight must be between 0 and %g", w->fw->nodes[i].id, x,
                                 DTI_WEIGHT_MAX);
    }
    return DTI_OK;
}

/* A stage's own error (it names the indicator and the unit) gets the data's file. */
static int S_located(int rc, const dti_engine_settings *s, dti_error *err)
{
    dti_error_locate(err, s->path);
    return rc;
}

size_t dti_engine_indicator_count(const dti_engine *w) { return w->nj; }
size_t dti_engine_indicator_node(const dti_engine *w, size_t j) { return w->ind[j]; }

/* Median of the m values in v (sorted in place through idx/tmp); NaN when m = 0. */
static double S_median(dti_engine *w, double *v, size_t m)
{
    if (!m)
        return NAN;
    for (size_t k = 0; k < m; k++)
        w->ibuf[k] = k;
    dti_sort_index(v, w->ibuf, m, w->ibuf2);
    return m % 2 ? v[w->ibuf[m / 2]] : 0.5 * (v[w->ibuf[m / 2 - 1]] + v[w->ibuf[m / 2]]);
}

/* Fills the missing cells of column col (all units) by the method; counts them.  prev: the column's
 * previous-year values (impute: previous). */
static void S_impute_column(dti_engine *w, double *col, const double *prev, int method, const size_t *groups,
                            size_t n_groups, size_t *n_imputed)
{
    size_t nu = w->nu;
    if (method == DTI_IMPUTE_PREVIOUS) {
        for (size_t u = 0; u < nu; u++)
            if (isnan(col[u]) && !isnan(prev[u])) { /* no previous value: left missing */
                col[u] = prev[u];
                (*n_imputed)++;
            }
        return;
    }
    int grouped = method == DTI_IMPUTE_GROUP_MEAN || method == DTI_IMPUTE_GROUP_MEDIAN;
    int median = method == DTI_IMPUTE_MEDIAN || method == DTI_IMPUTE_GROUP_MEDIAN;
    size_t ng = grouped ? n_groups : 1;
    size_t missing = 0;
    for (size_t u = 0; u < nu; u++)
        missing += isnan(col[u]) != 0;
    if (!missing)
        return;
    /* gsum[g] receives the fill value of group g: the mean or median of its observed values. */
    for (size_t g = 0; g < ng; g++) {
        size_t m = 0;
        double sum = 0;
        for (size_t u = 0; u < nu; u++) {
            size_t gu = grouped ? groups[u] : 0;
            if (gu != g || isnan(col[u]))
                continue;
            if (median)
                w->dbuf[m] = col[u];
            sum += col[u];
            m++;
        }
        w->gcnt[g] = m;
        w->gsum[g] = median ? S_median(w, w->dbuf, m) : m ? sum / (double)m : NAN;
    }
    for (size_t u = 0; u < nu; u++) {
        size_t g = grouped ? groups[u] : 0;
        if (!isnan(col[u]) || g == DTI_NONE || !w->gcnt[g])
            continue; /* an empty group (or no label) leaves the cell missing (PIPELINE.md §2) */
        col[u] = w->gsum[g];
        (*n_imputed)++;
    }
}

int dti_engine_run(dti_engine *w, const double *raw, const dti_engine_settings *s, dti_engine_result *out,
                   dti_error *err)
{
    return dti_engine_run_override(w, raw, s, NULL, out, err);
}

int dti_engine_run_override(dti_engine *w, const double *raw, const dti_engine_settings *s,
                            const dti_engine_override *ov, dti_engine_result *out, dti_error *err)
{
    static const dti_engine_settings none = {0};
    const dti_framework *fw = w->fw;
    const dti_methods *dm = &fw->defaults;
    size_t nu = w->nu, nj = w->nj;
    if (!s)
        s = &none;
    memset(out, 0, sizeof *out);
    int rc = dti_framework_require_weights(fw, err); /* unpublished weights: no index to compute */
    if (rc)
        return rc;
    if ((rc = S_check_weights(w, ov ? ov->weight : NULL, err)))
        return rc;
    if (ov && ov->normalised) { /* stages 1-5 memoised by the caller for the same choices */
        for (size_t k = 0; k < w->nn * nu; k++)
            w->val[k] = NAN;
        memcpy(w->nrm, ov->normalised, nj * nu * sizeof *w->nrm);
        for (size_t j = 0; j < nj; j++)
            memcpy(w->val + w->ind[j] * nu, w->nrm + j * nu, nu * sizeof(double));
        for (size_t u = 0; u < nu; u++) /* the memo carries removed units as missing values */
            w->kept[u] = 1;
        if (ov->log_normalised)
            for (size_t j = 0; j < nj; j++)
                memcpy(w->lval + w->ind[j] * nu, ov->log_normalised + j * nu, nu * sizeof(double));
        goto aggregate;
    }

    if ((rc = S_check_inputs(w, raw, s, err)))
        return rc;

    /* 1. denominate: y = x / d, no scale factor (PIPELINE.md §1) */
    for (size_t j = 0; j < nj; j++) {
        const dti_node *nd = &fw->nodes[w->ind[j]];
        int divide = nd->denom != DTI_NONE && !(s->skip & DTI_ENGINE_SKIP_DENOMINATE);
        if (divide && !s->denominators)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "indicator '%s' is divided by '%s', but the data give no denominators", nd->id,
                                 fw->denominators[nd->denom]);
        double *col = w->den + j * nu, *pcol = w->prv + j * nu;
        for (size_t u = 0; u < nu; u++) {
            double x = raw[u * nj + j], p = s->previous ? s->previous[u * nj + j] : NAN;
            double dv = divide ? s->denominators[u * fw->n_denominators + nd->denom] : 1;
            col[u] = divide ? x / dv : x;
            pcol[u] = divide ? p / dv : p; /* the previous year's value by this year's denominator */
        }
        if (divide && ((rc = S_check_column(w, col, nd, "the division by its denominator", s, err)) ||
                       (rc = S_check_column(w, pcol, nd, "the division of its previous value", s, err))))
            return rc;
    }

    /* 2. impute, column by column, over all units */
    memcpy(w->imp, w->den, nj * nu * sizeof *w->imp);
    int im = s->skip & DTI_ENGINE_SKIP_IMPUTE          ? DTI_IMPUTE_NONE
           : ov && ov->impute_method >= 0 ? ov->impute_method
                                           : dm->impute.method;
    if (im == DTI_IMPUTE_GROUP_MEAN || im == DTI_IMPUTE_GROUP_MEDIAN) {
        if (!s->groups)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "imputation by group '%s' needs the units' group labels", dm->impute.group);
        if (s->n_groups > nu)
            return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "%zu groups for %zu units", s->n_groups, nu);
        for (size_t u = 0; u < nu; u++)
            if (s->groups[u] != DTI_NONE && s->groups[u] >= s->n_groups)
                return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "group label %zu out of range", s->groups[u]);
    }
    if (im == DTI_IMPUTE_PREVIOUS && !s->previous)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                             "imputation by the previous year needs the units' previous values (`previous:` in the "
                             "data)");
    if (im != DTI_IMPUTE_NONE)
        for (size_t j = 0; j < nj; j++)
            S_impute_column(w, w->imp + j * nu, w->prv + j * nu, im, s->groups, s->n_groups, &out->n_imputed);
    for (size_t k = 0; k < nj * nu; k++)
        out->n_still_missing += isnan(w->imp[k]) != 0;

    /* 3. screen: keep a unit when 1 - missing/indicators >= the threshold (PIPELINE.md §3) */
    for (size_t u = 0; u < nu; u++) {
        size_t miss = 0;
        for (size_t j = 0; j < nj; j++)
            miss += isnan(w->imp[j * nu + u]) != 0;
        double avail = nj ? 1.0 - (double)miss / (double)nj : 1.0;
        w->kept[u] = (s->skip & DTI_ENGINE_SKIP_SCREEN) || !(avail < dm->screen_min);
        out->n_removed += !w->kept[u];
    }

    for (size_t k = 0; k < w->nn * nu; k++) /* nodes outside the tree (reported) stay missing */
        w->val[k] = NAN;

    /* 3a. transform, 4. treat and 5. normalise, column by column over the kept units */
    for (size_t j = 0; j < nj; j++) {
        const dti_node *nd = &fw->nodes[w->ind[j]];
        double *x = w->dbuf2, *t = w->trt + j * nu;
        for (size_t u = 0; u < nu; u++)
            x[u] = w->kept[u] ? w->imp[j * nu + u] : NAN;
        int trc = dti_transform_column(x, nu, &nd->transform, nd->id, s->unit_names, err);
        if (trc)
            return S_located(trc, s, err);
        if (nd->transform.method != DTI_TRANSFORM_NONE &&
            (rc = S_check_column(w, x, nd, nd->transform.method == DTI_TRANSFORM_LOG ? "the log transform"
                                                                                     : "the Box-Cox transform",
                                 s, err)))
            return rc;
        if (s->skip & DTI_ENGINE_SKIP_TREAT) { /* not even the statistics: the log says NaN */
            memcpy(t, x, nu * sizeof *t);
            memset(&w->tlog[j], 0, sizeof w->tlog[j]);
            w->tlog[j].skew_before = w->tlog[j].kurt_before = w->tlog[j].skew_after = w->tlog[j].kurt_after = NAN;
        } else {
            dti_treat_spec ts = nd->treat;
            if (ov && ov->treat_max_points)
                ts.max_points = ov->treat_max_points;
            dti_treat_column(x, nu, &ts, t, w->dbuf, &w->tlog[j]);
        }
        const dti_norm_spec *ns = ov && ov->norm ? ov->norm : &nd->norm;
        if ((rc = S_check_column(w, t, nd, "the outlier treatment", s, err)) ||
            (rc = S_check_norm(w, nd, ns, ns == &nd->norm, err)))
            return rc;
        rc = dti_normalise_column(t, nu, ns, nd->direction, w->nrm + j * nu, w->ibuf, w->ibuf2, w->dbuf, nd->id,
                                  s->unit_names, err);
        if (rc)
            return S_located(rc, s, err);
        if ((rc = S_check_column(w, w->nrm + j * nu, nd, "normalisation", s, err)))
            return rc;
        memcpy(w->val + w->ind[j] * nu, w->nrm + j * nu, nu * sizeof(double));
    }

    /* 6. aggregate level by level (children before parents) */
aggregate:
    for (size_t k = 0; k < fw->n_postorder; k++) {
        size_t node = fw->postorder[k];
        if (!fw->nodes[node].n_children)
            continue;
        const double *logv = ov && ov->normalised && ov->log_normalised ? w->lval : NULL;
        rc = dti_aggregate_node_log(fw, node, ov ? ov->weight : NULL, ov ? ov->agg_method : -1, w->val, logv, nu,
                                    s->unit_names, err);
        if (rc)
            return S_located(rc, s, err);
        /* a weighted mean lies between its children, so this cannot fail unless a mean overflowed */
        size_t u = S_first_beyond(w->val + node * nu, nu);
        if (u != DTI_NONE) {
            char buf[32];
            return dti_error_set(err, DTI_ERR_INPUT, s->path, 0, 0, "'%s' of %s is %g, beyond " S_LIMIT_TEXT,
                                 fw->nodes[node].id, S_who(s, u, buf, sizeof buf), w->val[node * nu + u]);
        }
    }

    /* 7. rank by the root: competition rule, on the published precision unless the model says not */
    dti_rank_competition_ws(w->val + fw->root * nu, nu, dm->rank_rounded ? fw->precision : -1, w->rank, w->order,
                            w->dbuf, w->ibuf2);

    out->n_units = nu;
    out->n_indicators = nj;
    out->n_nodes = w->nn;
    out->denominated = w->den;
    out->imputed = w->imp;
    out->treated = w->trt;
    out->normalised = w->nrm;
    out->values = w->val;
    out->rank = w->rank;
    out->order = w->order;
    out->kept = w->kept;
    out->treat = w->tlog;
    return DTI_OK;
}
