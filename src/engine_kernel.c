/* engine_kernel.c -- the replication kernel of the Monte Carlo over weights and methods (tune
 * sensitivity): from a memoised table of normalised indicators (stages 1-5 done once per discrete
 * choice), aggregate the tree with one draw's weights and method and rank the root.  The arithmetic is
 * dti_engine_run_override's, operation for operation, so every value and rank is the same bit for bit;
 * what goes is the copying (leaves are read where the memo keeps them) and the per-cell branches: an
 * aggregate whose weighted children are complete (and positive, for the geometric and harmonic means)
 * is a weighted sum over contiguous columns with one share per child (the units with a missing or
 * non-positive child recomputed by the engine's own loop), and the ranks come from a bucketed sort with
 * the rounding keys of neighbours only.  The rest -- generalised and Copeland means, a negative child
 * under a mean that refuses it (the engine then words the error) -- is declined and left to the engine.
 * Workspace: O(nodes x units) per kernel, one kernel per thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* A row's facts (DTI_KERNEL_*) and its exceptional units: missing, and present but not positive. */
typedef struct S_rowinfo {
    unsigned facts;
    const size_t *nan, *nonpos;
    size_t n_nan, n_nonpos;
} S_rowinfo;

struct dti_engine_kernel_cols {
    size_t nj;
    S_rowinfo *col; /* [nj] */
    size_t *units;  /* the lists */
};

#define S_FAR 1099511627776.0 /* 2^40: below it a scaled value's rounding error is under 2^-12 */
#define S_DIGIT 1.01           /* scaled values further apart than this have different keys */

struct dti_engine_kernel {
    const dti_framework *fw;
    size_t nu, nn, nj;
    size_t *ind;          /* [nn] node of column j (the first nj entries) */
    size_t *col;          /* [nn] column of a leaf node, or DTI_NONE */
    const double **row;   /* [nn] each node's values in this run */
    const double **lrow;  /* [nn] their logarithms when already known, else NULL */
    S_rowinfo *info;      /* [nn] each row's facts */
    size_t *lists;        /* [nn * 2 * nu] the exceptional units of the rows the kernel scans */
    unsigned char *mark;  /* [nu] units recomputed one by one in the node in hand */
    double *val;          /* [nn * nu] the aggregates' rows */
    double *lval;         /* [nn * nu] logarithms computed on demand */
    double *nanrow;       /* [nu] the row of a node that is neither a column nor an aggregate */
    S_rowinfo naninfo;    /* of nanrow */
    size_t *all;          /* [nu] every unit: nanrow's missing units */
    size_t *kid;          /* [nn] the weighted children of the node in hand */
    const double **src;   /* [nn] the rows (or logarithms) they contribute */
    double *share;        /* [nn] their weights, then their shares */
    size_t *rank, *idx;   /* [nu] */
    dti_sort_ws *sort;
};

dti_engine_kernel *dti_engine_kernel_alloc(const dti_framework *fw, size_t n_units)
{
    if (!n_units)
        return NULL;
    dti_engine_kernel *k = dti_xcalloc(1, sizeof *k);
    size_t nn = fw->n_nodes, nu = n_units;
    k->fw = fw;
    k->nu = nu;
    k->nn = nn;
    k->ind = dti_xcalloc(nn, sizeof *k->ind);
    k->nj = dti_engine_indicators(fw, k->ind);
    k->col = dti_xcalloc(nn, sizeof *k->col);
    for (size_t i = 0; i < nn; i++)
        k->col[i] = DTI_NONE;
    for (size_t j = 0; j < k->nj; j++)
        k->col[k->ind[j]] = j;
    k->row = dti_xcalloc(nn, sizeof *k->row);
    k->lrow = dti_xcalloc(nn, sizeof *k->lrow);
    k->info = dti_xcalloc(nn, sizeof *k->info);
    k->lists = dti_xcalloc(2 * nn * nu, sizeof *k->lists);
    k->mark = dti_xcalloc(nu, 1);
    k->val = dti_xcalloc(nn * nu, sizeof *k->val);
    k->lval = dti_xcalloc(nn * nu, sizeof *k->lval);
    k->nanrow = dti_xcalloc(nu, sizeof *k->nanrow);
    for (size_t u = 0; u < nu; u++)
        k->nanrow[u] = NAN;
    k->all = dti_xcalloc(nu, sizeof *k->all);
    for (size_t u = 0; u < nu; u++)
        k->all[u] = u;
    k->naninfo = (S_rowinfo){.facts = DTI_KERNEL_NAN, .nan = k->all, .nonpos = k->all, .n_nan = nu};
    k->kid = dti_xcalloc(nn, sizeof *k->kid);
    k->src = dti_xcalloc(nn, sizeof *k->src);
    k->share = dti_xcalloc(nn, sizeof *k->share);
    k->rank = dti_xcalloc(nu, sizeof *k->rank);
    k->idx = dti_xcalloc(nu, sizeof *k->idx);
    k->sort = dti_sort_ws_alloc(nu);
    return k;
}

void dti_engine_kernel_free(dti_engine_kernel *k)
{
    if (!k)
        return;
    free(k->ind);
    free(k->col);
    free(k->row);
    free(k->lrow);
    free(k->info);
    free(k->lists);
    free(k->mark);
    free(k->val);
    free(k->lval);
    free(k->nanrow);
    free(k->all);
    free(k->kid);
    free(k->src);
    free(k->share);
    free(k->rank);
    free(k->idx);
    dti_sort_ws_free(k->sort);
    free(k);
}

/* Scans a row of n values: its facts, and its missing and non-positive units into nan[] and nonpos[]
 * (room for n each). */
static void S_scan(const double *v, size_t n, size_t *nan, size_t *nonpos, S_rowinfo *ri)
{
    size_t a = 0, b = 0;
    int neg = 0;
    for (size_t u = 0; u < n; u++) {
        if (v[u] > 0)
            continue;
        if (isnan(v[u]))
            nan[a++] = u;
        else
            nonpos[b++] = u;
        neg |= v[u] < 0;
    }
    ri->facts = (a ? DTI_KERNEL_NAN : 0u) | (b ? DTI_KERNEL_NONPOS : 0u) | (neg ? DTI_KERNEL_NEG : 0u);
    ri->nan = nan;
    ri->nonpos = nonpos;
    ri->n_nan = a;
    ri->n_nonpos = b;
}

dti_engine_kernel_cols *dti_engine_kernel_cols_new(const double *normalised, size_t nj, size_t n_units)
{
    dti_engine_kernel_cols *c = dti_xcalloc(1, sizeof *c);
    c->nj = nj;
    c->col = dti_xcalloc(nj ? nj : 1, sizeof *c->col);
    c->units = dti_xcalloc(2 * nj * n_units + 1, sizeof *c->units);
    for (size_t j = 0; j < nj; j++)
        S_scan(normalised + j * n_units, n_units, c->units + 2 * j * n_units, c->units + (2 * j + 1) * n_units,
               &c->col[j]);
    return c;
}

void dti_engine_kernel_cols_free(dti_engine_kernel_cols *c)
{
    if (!c)
        return;
    free(c->col);
    free(c->units);
    free(c);
}

/* The logarithms of node c's row (all of them; a value that is not positive gives -inf or NaN, which
 * the means below never read). */
static const double *S_logs(dti_engine_kernel *k, size_t c)
{
    if (!k->lrow[c]) {
        double *l = k->lval + c * k->nu;
        const double *v = k->row[c];
        for (size_t u = 0; u < k->nu; u++)
            l[u] = log(v[u]);
        k->lrow[c] = l;
    }
    return k->lrow[c];
}

/* One unit of node nd by dti_aggregate_node_log's own loop (a unit with a missing or non-positive
 * weighted child): the same operations in the same order. */
static double S_unit(dti_engine_kernel *k, const dti_node *nd, const double *weight, int meth, size_t need, size_t u)
{
    const dti_framework *fw = k->fw;
    double sw = 0;
    size_t have = 0;
    int zero = 0;
    for (size_t c = 0; c < nd->n_children; c++) {
        size_t ch = nd->children[c];
        double w = weight ? weight[ch] : fw->nodes[ch].weight, v = k->row[ch][u];
        if (!(w > 0) || isnan(v))
            continue;
        zero |= !(v > 0);
        sw += w;
        have++;
    }
    if (have < need)
        return NAN;
    double acc = 0;
    for (size_t c = 0; c < nd->n_children; c++) {
        size_t ch = nd->children[c];
        double w0 = weight ? weight[ch] : fw->nodes[ch].weight, v = k->row[ch][u];
        if (!(w0 > 0) || isnan(v))
            continue;
        double w = w0 / sw;
        switch (meth) {
        case DTI_AGG_GEOMETRIC:
            acc += zero ? 0 : w * (k->lrow[ch] ? k->lrow[ch][u] : log(v));
            break;
        case DTI_AGG_HARMONIC:
            acc += zero ? 0 : w / v;
            break;
        default:
            acc += w * v;
        }
    }
    switch (meth) {
    case DTI_AGG_GEOMETRIC:
        return zero ? 0 : exp(acc);
    case DTI_AGG_HARMONIC:
        return zero ? 0 : 1 / acc;
    default:
        return acc;
    }
}

/* out[u] = sum_p share[p] * src[p][u] (harmonic: share[p] / src[p][u]), each sum from 0 in the order
 * of p as the engine adds; four units at a time in registers. */
static void S_sum(double *out, size_t nu, const double *const *src, const double *share, size_t n, int harmonic)
{
    size_t u = 0;
    for (; u + 4 <= nu; u += 4) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (size_t p = 0; p < n; p++) {
            const double *v = src[p] + u;
            double s = share[p];
            if (harmonic) {
                a0 += s / v[0];
                a1 += s / v[1];
                a2 += s / v[2];
                a3 += s / v[3];
            } else {
                a0 += s * v[0];
                a1 += s * v[1];
                a2 += s * v[2];
                a3 += s * v[3];
            }
        }
        out[u] = a0;
        out[u + 1] = a1;
        out[u + 2] = a2;
        out[u + 3] = a3;
    }
    for (; u < nu; u++) {
        double a = 0;
        for (size_t p = 0; p < n; p++)
            a += harmonic ? share[p] / src[p][u] : share[p] * src[p][u];
        out[u] = a;
    }
}

/* Recomputes unit u one by one unless it is done already. */
static void S_fix(dti_engine_kernel *k, const dti_node *nd, const double *weight, int meth, size_t need, size_t u,
                  double *out)
{
    if (k->mark[u])
        return;
    k->mark[u] = 1;
    out[u] = S_unit(k, nd, weight, meth, need, u);
}

/* Aggregates node `node` into its row; 0 when the kernel declines it.  Every unit is first computed as
 * if its weighted children were all present (and positive, for the geometric and harmonic means): then
 * the engine's weight sum is the same for every unit, and each child's share w / sum is computed once.
 * The units where a child is missing (or not positive) are then recomputed by the engine's own loop. */
static int S_node(dti_engine_kernel *k, size_t node, const double *weight, int method)
{
    const dti_framework *fw = k->fw;
    const dti_node *nd = &fw->nodes[node];
    size_t nu = k->nu;
    int meth = method >= 0 ? method : nd->agg.method;
    if (meth == DTI_AGG_GENERALISED && !(nd->agg.p < 0) && !(nd->agg.p > 0) && isfinite(nd->agg.p))
        meth = DTI_AGG_GEOMETRIC; /* p = 0: the geometric mean, as the engine has it */
    if (meth != DTI_AGG_ARITHMETIC && meth != DTI_AGG_GEOMETRIC && meth != DTI_AGG_HARMONIC)
        return 0;
    size_t n_pos = 0;
    unsigned facts = 0;
    double sw = 0;
    for (size_t c = 0; c < nd->n_children; c++) {
        size_t ch = nd->children[c];
        double w = weight ? weight[ch] : fw->nodes[ch].weight;
        if (!(w > 0))
            continue;
        k->kid[n_pos] = ch;
        k->share[n_pos++] = w;
        facts |= k->info[ch].facts;
        sw += w; /* in child order: the engine's sum when no child is missing */
    }
    if (meth != DTI_AGG_ARITHMETIC && (facts & DTI_KERNEL_NEG))
        return 0; /* the engine refuses a negative child under this mean, with its message */
    size_t need = nd->agg.min_coverage > n_pos ? n_pos : nd->agg.min_coverage;
    need = need ? need : 1;
    double *out = k->val + node * nu;
    k->row[node] = out;
    k->lrow[node] = NULL;
    if (n_pos < need) {
        for (size_t u = 0; u < nu; u++)
            out[u] = NAN;
    } else {
        for (size_t p = 0; p < n_pos; p++)
            k->share[p] = k->share[p] / sw; /* the engine's w / sw */
        for (size_t p = 0; p < n_pos; p++)
            k->src[p] = meth == DTI_AGG_GEOMETRIC ? S_logs(k, k->kid[p]) : k->row[k->kid[p]];
        S_sum(out, nu, k->src, k->share, n_pos, meth == DTI_AGG_HARMONIC);
        if (meth == DTI_AGG_GEOMETRIC)
            for (size_t u = 0; u < nu; u++)
                out[u] = exp(out[u]);
        else if (meth == DTI_AGG_HARMONIC)
            for (size_t u = 0; u < nu; u++)
                out[u] = 1 / out[u];
        for (size_t p = 0; p < n_pos; p++) {
            const S_rowinfo *ri = &k->info[k->kid[p]];
            for (size_t q = 0; q < ri->n_nan; q++)
                S_fix(k, nd, weight, meth, need, ri->nan[q], out);
            for (size_t q = 0; meth != DTI_AGG_ARITHMETIC && q < ri->n_nonpos; q++)
                S_fix(k, nd, weight, meth, need, ri->nonpos[q], out);
        }
        for (size_t p = 0; p < n_pos; p++) { /* clear the marks */
            const S_rowinfo *ri = &k->info[k->kid[p]];
            for (size_t q = 0; q < ri->n_nan; q++)
                k->mark[ri->nan[q]] = 0;
            for (size_t q = 0; q < ri->n_nonpos; q++)
                k->mark[ri->nonpos[q]] = 0;
        }
    }
    if (node != fw->root) /* the root's row is only ranked */
        S_scan(out, nu, k->lists + 2 * node * nu, k->lists + (2 * node + 1) * nu, &k->info[node]);
    return 1;
}

int dti_engine_kernel_run(dti_engine_kernel *k, const dti_engine_kernel_input *in, dti_engine_kernel_result *out)
{
    const dti_framework *fw = k->fw;
    size_t nu = k->nu;
    for (size_t i = 0; i < k->nn; i++) { /* the engine's val: NaN but for the columns and the aggregates */
        size_t j = k->col[i];
        k->row[i] = j == DTI_NONE ? k->nanrow : in->normalised + j * nu;
        k->lrow[i] = j != DTI_NONE && in->log_normalised ? in->log_normalised + j * nu : NULL;
        if (j == DTI_NONE)
            k->info[i] = k->naninfo;
        else if (in->cols)
            k->info[i] = in->cols->col[j];
        else
            S_scan(k->row[i], nu, k->lists + 2 * i * nu, k->lists + (2 * i + 1) * nu, &k->info[i]);
    }
    for (size_t q = 0; q < fw->n_postorder; q++) {
        size_t node = fw->postorder[q];
        if (fw->nodes[node].n_children && !S_node(k, node, in->weight, in->agg_method))
            return 0;
    }
    /* the root's competition ranks, on the published precision unless the model says not: a unit's rank
     * is 1 + the number of units with a greater key.  Rounding is monotone, so the units sorted by their
     * values are sorted by their keys too, and a tie of keys is a run of neighbours there: the keys of two
     * neighbours are compared only when their scaled values are within one digit (else they cannot tie,
     * as a key is within 0.5 + 1e-6 of the scaled value). */
    const double *r = k->row[fw->root];
    int prec = fw->defaults.rank_rounded ? fw->precision : -1;
    double scale = dti_round_scale(prec);
    size_t m = 0;
    for (size_t u = 0; u < nu; u++) {
        k->rank[u] = 0;
        if (!isnan(r[u]))
            k->idx[m++] = u;
    }
    const double *sv = dti_sort_desc(r, k->idx, m, k->sort);
    for (size_t q = 0; q < m; q++) {
        int tie = 0;
        if (q > 0 && prec < 0) {
            tie = !(sv[q - 1] > sv[q]);
        } else if (q > 0) {
            double a = sv[q - 1] * scale, b = sv[q] * scale;
            tie = !(fabs(a) < S_FAR && fabs(b) < S_FAR && a - b > S_DIGIT) &&
                  !(dti_round_scaled(a) > dti_round_scaled(b));
        }
        k->rank[k->idx[q]] = tie ? k->rank[k->idx[q - 1]] : q + 1;
    }
    out->rank = k->rank;
    out->root = r;
    return 1;
}
