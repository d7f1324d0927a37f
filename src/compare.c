/* compare.c -- two variants of an index side by side (ranks, scores, shifts, Spearman's rho, the top-K
 * line), and leave-one-out: the index recomputed without each of a list of nodes (COINr's
 * remove_elements), only the dropped node's ancestors re-aggregated, in a workspace made once.
 * After the engine; docs/methods.md §9. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "compare.h"
#include "engine.h"
#include "internal.h"
#include "weights.h"

/* ---- two variants ------------------------------------------------------------------------------ */

void dti_compare_clear(dti_compare *c)
{
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static size_t S_find(const dti_variant *v, const char *code)
{
    for (size_t u = 0; u < v->n_units; u++)
        if (!strcmp(v->unit[u], code))
            return u;
    return DTI_NONE;
}

static int S_unique(const dti_variant *v, const char *which, dti_error *err)
{
    for (size_t u = 0; u < v->n_units; u++)
        if (S_find(v, v->unit[u]) != u)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "variant %s lists unit '%s' twice", which, v->unit[u]);
    return DTI_OK;
}

int dti_compare_variants(const dti_variant *a, const dti_variant *b, size_t top_k, dti_compare *out, dti_error *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    if ((rc = S_unique(a, "A", err)) || (rc = S_unique(b, "B", err)))
        return rc;
    size_t cap = a->n_units + b->n_units;
    out->rows = dti_xcalloc(cap ? cap : 1, sizeof *out->rows);
    out->top_k = top_k;
    for (size_t pass = 0; pass < 2; pass++) { /* A's units, then those only B has */
        const dti_variant *v = pass ? b : a;
        for (size_t u = 0; u < v->n_units; u++) {
            size_t other = S_find(pass ? a : b, v->unit[u]);
            if (pass && other != DTI_NONE)
                continue;
            dti_compare_row *r = &out->rows[out->n_rows++];
            r->unit = v->unit[u];
            r->ua = pass ? DTI_NONE : u;
            r->ub = pass ? u : other;
            r->score_a = r->ua != DTI_NONE ? a->score[r->ua] : NAN;
            r->score_b = r->ub != DTI_NONE ? b->score[r->ub] : NAN;
            r->rank_a = r->ua != DTI_NONE ? a->rank[r->ua] : 0;
            r->rank_b = r->ub != DTI_NONE ? b->rank[r->ub] : 0;
            r->shift = r->rank_a && r->rank_b ? (double)r->rank_a - (double)r->rank_b : NAN;
            int top_a = top_k && r->rank_a && r->rank_a <= top_k, top_b = top_k && r->rank_b && r->rank_b <= top_k;
            r->cross = top_b - top_a;
            out->n_entered += r->cross > 0;
            out->n_left += r->cross < 0;
        }
    }
    /* Spearman's rho and the shifts over the units scored under both */
    size_t n = out->n_rows;
    double *x = dti_xcalloc(6 * (n ? n : 1), sizeof *x), *y = x + n, *scratch = x + 2 * n;
    size_t *idx = dti_xcalloc(2 * (n ? n : 1), sizeof *idx), *tmp = idx + n;
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        const dti_compare_row *r = &out->rows[k];
        if (isnan(r->score_a) || isnan(r->score_b) || isnan(r->shift))
            continue;
        x[out->n_both] = r->score_a;
        y[out->n_both] = r->score_b;
        out->n_both++;
        sum += fabs(r->shift);
        out->max_abs_shift = fabs(r->shift) > out->max_abs_shift ? fabs(r->shift) : out->max_abs_shift;
    }
    out->mean_abs_shift = out->n_both ? sum / (double)out->n_both : NAN;
    out->spearman = out->n_both >= 2 ? dti_audit_spearman(x, y, out->n_both, scratch, idx, tmp) : NAN;
    free(idx);
    free(x);
    return DTI_OK;
}

/* ---- ranks within groups ----------------------------------------------------------------------- */

void dti_rank_within_groups(const double *values, size_t n, const size_t *groups, int precision, size_t *ranks)
{
    for (size_t u = 0; u < n; u++) {
        ranks[u] = 0;
        if (isnan(values[u]) || groups[u] == DTI_NONE)
            continue;
        double ku = precision >= 0 ? dti_round_key(values[u], precision) : values[u];
        size_t higher = 0;
        for (size_t v = 0; v < n; v++)
            if (groups[v] == groups[u] && !isnan(values[v]) &&
                (precision >= 0 ? dti_round_key(values[v], precision) : values[v]) > ku)
                higher++;
        ranks[u] = higher + 1;
    }
}

/* ---- leave-one-out ----------------------------------------------------------------------------- */

struct dti_loo {
    const dti_framework *fw;
    size_t nu, nn;
    double *bw, *w;         /* [nn] base weights, the weights of one drop */
    double *base, *val;     /* [nn * nu] node values with every node, and of one drop */
    size_t *anc;            /* [nn] the ancestors of the node dropped, bottom-up */
    size_t *drop;           /* [nn] */
    double *score, *shift;  /* [nn * nu] */
    size_t *rank;           /* [nn * nu] */
    double *base_score;     /* [nu] */
    size_t *base_rank;      /* [nu] */
    double *mas, *mxs;      /* [nn] */
    size_t *order, *tmp;    /* [nu] ranking scratch */
    double *keys;           /* [nu] */
};

dti_loo *dti_loo_alloc(const dti_framework *fw, size_t n_units)
{
    if (!n_units)
        return NULL;
    dti_loo *w = dti_xcalloc(1, sizeof *w);
    size_t nn = fw->n_nodes, nu = n_units;
    w->fw = fw;
    w->nu = nu;
    w->nn = nn;
    w->bw = dti_xcalloc(nn, sizeof *w->bw);
    w->w = dti_xcalloc(nn, sizeof *w->w);
    w->base = dti_xcalloc(nn * nu, sizeof *w->base);
    w->val = dti_xcalloc(nn * nu, sizeof *w->val);
    w->anc = dti_xcalloc(nn, sizeof *w->anc);
    w->drop = dti_xcalloc(nn, sizeof *w->drop);
    w->score = dti_xcalloc(nn * nu, sizeof *w->score);
    w->shift = dti_xcalloc(nn * nu, sizeof *w->shift);
    w->rank = dti_xcalloc(nn * nu, sizeof *w->rank);
    w->base_score = dti_xcalloc(nu, sizeof *w->base_score);
    w->base_rank = dti_xcalloc(nu, sizeof *w->base_rank);
    w->mas = dti_xcalloc(nn, sizeof *w->mas);
    w->mxs = dti_xcalloc(nn, sizeof *w->mxs);
    w->order = dti_xcalloc(nu, sizeof *w->order);
    w->tmp = dti_xcalloc(nu, sizeof *w->tmp);
    w->keys = dti_xcalloc(nu, sizeof *w->keys);
    return w;
}

void dti_loo_free(dti_loo *w)
{
    if (!w)
        return;
    free(w->bw);
    free(w->w);
    free(w->base);
    free(w->val);
    free(w->anc);
    free(w->drop);
    free(w->score);
    free(w->shift);
    free(w->rank);
    free(w->base_score);
    free(w->base_rank);
    free(w->mas);
    free(w->mxs);
    free(w->order);
    free(w->tmp);
    free(w->keys);
    free(w);
}

/* Ranks of the root values in val by the framework's rule into ranks[nu]. */
static void S_rank(dti_loo *w, const double *val, size_t *ranks)
{
    const dti_framework *fw = w->fw;
    dti_rank_competition_ws(val + fw->root * w->nu, w->nu, fw->defaults.rank_rounded ? fw->precision : -1, ranks,
                            w->order, w->keys, w->tmp);
}

/* Sets w->w for dropping `node` and lists the ancestors to recompute in w->anc; returns their count. */
static size_t S_drop_weights(dti_loo *w, size_t node)
{
    const dti_framework *fw = w->fw;
    memcpy(w->w, w->bw, w->nn * sizeof *w->w);
    w->w[node] = 0;
    size_t na = 0;
    for (size_t p = fw->nodes[node].parent, c = node; p != DTI_NONE; c = p, p = fw->nodes[p].parent) {
        w->anc[na++] = p;
        /* an aggregate left without a positively weighted child is dropped from its parent too */
        int empty = w->w[c] > 0 ? 0 : 1;
        for (size_t k = 0; k < fw->nodes[p].n_children && empty; k++)
            empty = !(w->w[fw->nodes[p].children[k]] > 0);
        if (empty && fw->nodes[p].parent != DTI_NONE)
            w->w[p] = 0;
    }
    return na;
}

int dti_loo_run(dti_loo *w, const double *normalised, const double *weight, const size_t *drop, size_t n_drop,
                dti_loo_result *out, dti_error *err)
{
    const dti_framework *fw = w->fw;
    size_t nu = w->nu, nn = w->nn;
    memset(out, 0, sizeof *out);
    if (!drop) {
        n_drop = 0;
        for (size_t i = 0; i < nn; i++)
            if (fw->nodes[i].role == DTI_NODE_INDICATOR && fw->nodes[i].parent != DTI_NONE)
                w->drop[n_drop++] = i;
    } else {
        if (n_drop > nn)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "leave-one-out: %zu nodes to drop, but model %s has %zu",
                                 n_drop, fw->name, nn);
        for (size_t d = 0; d < n_drop; d++) {
            if (drop[d] >= nn || fw->nodes[drop[d]].parent == DTI_NONE)
                return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                     "leave-one-out: '%s' is not weighted in model %s (the index itself, or a "
                                     "reported node)",
                                     drop[d] < nn ? fw->nodes[drop[d]].id : "?", fw->name);
            w->drop[d] = drop[d];
        }
    }
    for (size_t i = 0; i < nn; i++)
        w->bw[i] = weight ? weight[i] : fw->nodes[i].weight;
    int rc = dti_weights_aggregate(fw, normalised, nu, w->bw, w->base, err);
    if (rc)
        return rc;
    memcpy(w->val, w->base, nn * nu * sizeof *w->val);
    memcpy(w->base_score, w->base + fw->root * nu, nu * sizeof *w->base_score);
    S_rank(w, w->base, w->base_rank);
    for (size_t d = 0; d < n_drop; d++) {
        size_t na = S_drop_weights(w, w->drop[d]);
        for (size_t k = 0; k < na; k++)
            if ((rc = dti_aggregate_node_with(fw, w->anc[k], w->w, -1, w->val, nu, NULL, err)))
                return rc;
        double *score = w->score + d * nu, *shift = w->shift + d * nu;
        size_t *rank = w->rank + d * nu, n = 0;
        memcpy(score, w->val + fw->root * nu, nu * sizeof *score);
        S_rank(w, w->val, rank);
        double sum = 0;
        w->mxs[d] = 0;
        for (size_t u = 0; u < nu; u++) {
            shift[u] = w->base_rank[u] && rank[u] ? (double)w->base_rank[u] - (double)rank[u] : NAN;
            if (isnan(shift[u]))
                continue;
            sum += fabs(shift[u]);
            w->mxs[d] = fabs(shift[u]) > w->mxs[d] ? fabs(shift[u]) : w->mxs[d];
            n++;
        }
        w->mas[d] = n ? sum / (double)n : NAN;
        for (size_t k = 0; k < na; k++) /* back to the full index for the next drop */
            memcpy(w->val + w->anc[k] * nu, w->base + w->anc[k] * nu, nu * sizeof *w->val);
    }
    out->n_drop = n_drop;
    out->n_units = nu;
    out->dropped = w->drop;
    out->base_score = w->base_score;
    out->base_rank = w->base_rank;
    out->score = w->score;
    out->rank = w->rank;
    out->shift = w->shift;
    out->mean_abs_shift = w->mas;
    out->max_abs_shift = w->mxs;
    return DTI_OK;
}
