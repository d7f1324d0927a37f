/* aggregate.c -- one level of the tree: a node's value per unit from its children's, by weighted
 * arithmetic, geometric or harmonic mean, the weights renormalised over the children that have a
 * value, under a minimum-coverage rule.  After normalisation; the engine calls it in post-order. */
#include <math.h>

#include "engine.h"
#include "internal.h"

int dti_aggregate_node(const dti_framework *fw, size_t node, double *val, size_t n_units,
                       const char *const *unit_names, dti_error *err)
{
    return dti_aggregate_node_with(fw, node, NULL, -1, val, n_units, unit_names, err);
}

/* weight of child c of nd: the override or the framework's */
#define S_W(c) (weight ? weight[nd->children[c]] : fw->nodes[nd->children[c]].weight)

int dti_aggregate_node_with(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                            size_t n_units, const char *const *unit_names, dti_error *err)
{
    return dti_aggregate_node_log(fw, node, weight, method, val, NULL, n_units, unit_names, err);
}

int dti_aggregate_node_log(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                           const double *logv, size_t n_units, const char *const *unit_names, dti_error *err)
{
    const dti_node *nd = &fw->nodes[node];
    int meth = method >= 0 ? method : nd->agg.method;
    size_t n_pos = 0;
    for (size_t c = 0; c < nd->n_children; c++)
        n_pos += S_W(c) > 0;
    /* "all", or more than there are: every weighted child; at least one in any case */
    size_t need = nd->agg.min_coverage > n_pos ? n_pos : nd->agg.min_coverage;
    need = need ? need : 1;
    double *out = val + node * n_units;
    for (size_t u = 0; u < n_units; u++) {
        double sw = 0;
        size_t have = 0;
        int zero = 0;
        for (size_t c = 0; c < nd->n_children; c++) {
            const dti_node *ch = &fw->nodes[nd->children[c]];
            double v = val[nd->children[c] * n_units + u];
            if (!(S_W(c) > 0) || isnan(v)) /* a zero weight needs no value (DTI smart city) */
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
            sw += S_W(c);
            have++;
        }
        if (have < need) {
            out[u] = NAN;
            continue;
        }
        double acc = 0;
        for (size_t c = 0; c < nd->n_children; c++) {
            double v = val[nd->children[c] * n_units + u];
            if (!(S_W(c) > 0) || isnan(v))
                continue;
            double w = S_W(c) / sw; /* normalise the weights first, as COINr does */
            switch (meth) {
            case DTI_AGG_GEOMETRIC: /* a leaf's logarithm may come memoised (tune sensitivity) */
                acc += zero ? 0
                     : w * (logv && !fw->nodes[nd->children[c]].n_children ? logv[nd->children[c] * n_units + u]
                                                                            : log(v));
                break;
            case DTI_AGG_HARMONIC:
                acc += zero ? 0 : w / v;
                break;
            default:
                acc += w * v;
            }
        }
        /* A zero child makes the geometric and harmonic means 0: their limit as that child tends to 0. */
        out[u] = meth == DTI_AGG_GEOMETRIC ? (zero ? 0 : exp(acc))
               : meth == DTI_AGG_HARMONIC  ? (zero ? 0 : 1 / acc)
                                                     : acc;
    }
    return DTI_OK;
}
