/* aggregate.c -- one level of the tree: a node's value per unit from its children's, by weighted
 * arithmetic, geometric, harmonic or generalised (power) mean, the weights renormalised over the
 * children that have a value, under a minimum-coverage rule; or by the Copeland method, a pairwise
 * majority vote of the children across units.  After normalisation; the engine calls it in
 * post-order.  Formulas and the rules for zeros and negatives: docs/methods.md §6. */
#include <math.h>

#include "engine.h"
#include "internal.h"

#define S_TIE_REL 1e-12 /* Copeland: two weight sums closer than this share of the pair's total weight
                         * are a tie (the same weights summed in another order differ only by rounding) */

int dti_aggregate_node(const dti_framework *fw, size_t node, double *val, size_t n_units,
                       const char *const *unit_names, dti_error *err)
{
    return dti_aggregate_node_with(fw, node, NULL, -1, val, n_units, unit_names, err);
}

int dti_aggregate_node_with(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                            size_t n_units, const char *const *unit_names, dti_error *err)
{
    return dti_aggregate_node_log(fw, node, weight, method, val, NULL, n_units, unit_names, err);
}

/* weight of child c of nd: the override or the framework's */
static double S_w(const dti_framework *fw, const dti_node *nd, const double *weight, size_t c)
{
    return weight ? weight[nd->children[c]] : fw->nodes[nd->children[c]].weight;
}

/* Copeland (COINr's a_copeland over its outranking matrix): for every pair of units a, b with a
 * score, over the positively weighted children both have, a beats b when the weight of the children
 * on which a is higher exceeds the weight of those on which b is higher (equal values count half to
 * each side, so they cancel); the score is wins minus losses.  Units below the coverage have no
 * score and meet no one.  O(n^2 k) per node; allocates nothing. */
static void S_copeland(const dti_framework *fw, const dti_node *nd, const double *weight, size_t need,
                       const double *val, double *out, size_t n_units)
{
    for (size_t u = 0; u < n_units; u++) {
        size_t have = 0;
        for (size_t c = 0; c < nd->n_children; c++)
            have += S_w(fw, nd, weight, c) > 0 && !isnan(val[nd->children[c] * n_units + u]);
        out[u] = have < need ? NAN : 0;
    }
    for (size_t a = 0; a < n_units; a++) {
        if (isnan(out[a]))
            continue;
        for (size_t b = a + 1; b < n_units; b++) {
            if (isnan(out[b]))
                continue;
            double win_a = 0, win_b = 0, tot = 0;
            for (size_t c = 0; c < nd->n_children; c++) {
                double w = S_w(fw, nd, weight, c);
                const double *col = val + nd->children[c] * n_units;
                if (!(w > 0) || isnan(col[a]) || isnan(col[b]))
                    continue;
                tot += w;
                win_a += col[a] > col[b] ? w : 0;
                win_b += col[b] > col[a] ? w : 0;
            }
            double d = win_a - win_b;
            if (!(tot > 0) || fabs(d) <= S_TIE_REL * tot)
                continue; /* nothing in common, or a tie: neither wins */
            out[a] += d > 0 ? 1 : -1;
            out[b] += d > 0 ? -1 : 1;
        }
    }
}

int dti_aggregate_node_log(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                           const double *logv, size_t n_units, const char *const *unit_names, dti_error *err)
{
    const dti_node *nd = &fw->nodes[node];
    int meth = method >= 0 ? method : nd->agg.method;
    double p = nd->agg.p;
    if (meth == DTI_AGG_GENERALISED) {
        if (!isfinite(p))
            return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "generalised mean of '%s' without an order p",
                                 nd->id);
        if (!(p < 0) && !(p > 0))
            meth = DTI_AGG_GEOMETRIC; /* p = 0: the geometric mean itself (the limit p -> 0), not pow(x, 0) */
    }
    size_t n_pos = 0;
    for (size_t c = 0; c < nd->n_children; c++)
        n_pos += S_w(fw, nd, weight, c) > 0;
    /* "all", or more than there are: every weighted child; at least one in any case */
    size_t need = nd->agg.min_coverage > n_pos ? n_pos : nd->agg.min_coverage;
    need = need ? need : 1;
    double *out = val + node * n_units;
    if (meth == DTI_AGG_COPELAND) { /* ranks only: any sign is fine */
        S_copeland(fw, nd, weight, need, val, out, n_units);
        return DTI_OK;
    }
    for (size_t u = 0; u < n_units; u++) {
        double sw = 0, vmax = 0, vmin = INFINITY;
        size_t have = 0;
        int zero = 0;
        for (size_t c = 0; c < nd->n_children; c++) {
            const dti_node *ch = &fw->nodes[nd->children[c]];
            double v = val[nd->children[c] * n_units + u];
            if (!(S_w(fw, nd, weight, c) > 0) || isnan(v)) /* a zero weight needs no value (DTI smart city) */
                continue;
            if (meth != DTI_AGG_ARITHMETIC && v < 0) {
                char buf[32];
                if (!unit_names || !unit_names[u])
                    snprintf(buf, sizeof buf, "unit %zu", u + 1);
                return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                     "%s mean of '%s': '%s' of %s is negative (%g); normalise it onto a "
                                     "non-negative scale",
                                     dti_agg_method_name(meth), nd->id, ch->id,
                                     unit_names && unit_names[u] ? unit_names[u] : buf, v);
            }
            zero |= !(v > 0);
            vmax = v > vmax ? v : vmax;
            vmin = v < vmin ? v : vmin;
            sw += S_w(fw, nd, weight, c);
            have++;
        }
        if (have < need) {
            out[u] = NAN;
            continue;
        }
        /* Generalised mean: computed as s (sum w' (v/s)^p)^(1/p) with s the largest value (p > 0) or the
         * smallest (p < 0), so that large |p| neither overflows nor underflows; the same value in exact
         * arithmetic. */
        double scale = p > 0 ? vmax : vmin;
        double acc = 0;
        for (size_t c = 0; c < nd->n_children; c++) {
            double v = val[nd->children[c] * n_units + u];
            if (!(S_w(fw, nd, weight, c) > 0) || isnan(v))
                continue;
            double w = S_w(fw, nd, weight, c) / sw; /* normalise the weights first, as COINr does */
            switch (meth) {
            case DTI_AGG_GEOMETRIC: /* a leaf's logarithm may come memoised (tune sensitivity) */
                acc += zero ? 0
                     : w * (logv && !fw->nodes[nd->children[c]].n_children ? logv[nd->children[c] * n_units + u]
                                                                            : log(v));
                break;
            case DTI_AGG_HARMONIC:
                acc += zero ? 0 : w / v;
                break;
            case DTI_AGG_GENERALISED:
                acc += (p < 0 && zero) || !(scale > 0) ? 0 : w * pow(v / scale, p);
                break;
            default:
                acc += w * v;
            }
        }
        /* A zero child makes the geometric and harmonic means, and the generalised mean of order p < 0,
         * 0: their limit as that child tends to 0 (no compensation for a zero).  For p > 0 a zero is an
         * ordinary value (0^p = 0); all children 0 give 0. */
        switch (meth) {
        case DTI_AGG_GEOMETRIC:
            out[u] = zero ? 0 : exp(acc);
            break;
        case DTI_AGG_HARMONIC:
            out[u] = zero ? 0 : 1 / acc;
            break;
        case DTI_AGG_GENERALISED:
            out[u] = (p < 0 && zero) || !(scale > 0) ? 0 : scale * pow(acc, 1 / p);
            break;
        default:
            out[u] = acc;
        }
    }
    return DTI_OK;
}
