/* toolkit.c -- the analyst's toolkit at the level of the commands: the weight set of a run (a named set,
 * or PCA / equal-influence weights from the data), the variants of `compare` as dti_variant, and ranks
 * within the registry's regions.  Above weights.c, compare.c, score.c and ranking.c; docs/methods.md
 * §6a, §9. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "score.h"
#include "toolkit.h"

/* ---- the weight set of a run ------------------------------------------------------------------- */

void dti_weights_choice_clear(dti_weights_choice *c)
{
    dti_weights_pca_clear(&c->pca);
    dti_weights_balance_clear(&c->bal);
    memset(c, 0, sizeof *c);
}

/* "unknown weight set 'x' of model m (one of: default, a, b; or computed from the data: pca, balance)" */
static int S_unknown_set(const dti_framework *fw, const char *name, dti_error *err)
{
    char list[400] = "default";
    for (size_t s = 0; s < dti_framework_weight_set_count(fw); s++)
        snprintf(list + strlen(list), sizeof list - strlen(list), ", %s", dti_framework_weight_set_name(fw, s));
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                         "unknown weight set '%s' of model %s (one of: %s; or computed from the data: pca, balance)",
                         name, fw->name, list);
}

int dti_weights_choose(dti_framework *fw, const dti_dataset *ds, const char *name, dti_weights_choice *out,
                       dti_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "default");
    if (!name)
        return DTI_OK;
    int known = !strcmp(name, "default");
    for (size_t s = 0; s < dti_framework_weight_set_count(fw) && !known; s++)
        known = !strcmp(dti_framework_weight_set_name(fw, s), name);
    if (known) /* the framework's own set wins over a computed one of the same name */
        return dti_framework_weights_select(fw, name, err);
    int pca = !strcmp(name, "pca");
    if (!pca && strcmp(name, "balance") != 0)
        return S_unknown_set(fw, name, err);
    int rc = dti_framework_require_weights(fw, err);
    if (rc)
        return rc;
    if (!ds)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "weights '%s' need the data", name);
    /* the normalised indicators do not depend on the weights: one run with the file's own */
    dti_score *sc = NULL;
    if ((rc = dti_score_run(fw, ds, &sc, err)))
        return rc;
    const dti_framework *f;
    const dti_dataset *d;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(sc, &f, &d, &w, &r);
    out->n_units = r->n_units - r->n_removed;
    const double *weight;
    if (pca) {
        out->source = DTI_WEIGHTS_PCA;
        rc = dti_weights_pca_compute(fw, r->normalised, r->n_units, NULL, &out->pca, err);
        weight = out->pca.weight;
    } else {
        dti_weights_balance_spec spec = {0, 0, 0}; /* the indicators; the default stop rule */
        out->source = DTI_WEIGHTS_BALANCE;
        rc = dti_weights_balance_compute(fw, r->normalised, r->n_units, NULL, &spec, &out->bal, err);
        weight = out->bal.weight;
    }
    if (!rc && !(rc = dti_framework_weights_add(fw, name, weight, err)))
        rc = dti_framework_weights_select(fw, name, err);
    dti_score_free(sc);
    return rc;
}

/* ---- variants ---------------------------------------------------------------------------------- */

void dti_variant_data_clear(dti_variant_data *d)
{
    free(d->code);
    free(d->name);
    free(d->score);
    free(d->value);
    free(d->rank);
    memset(d, 0, sizeof *d);
}

static void S_variant_alloc(dti_variant_data *out, size_t n)
{
    memset(out, 0, sizeof *out);
    out->code = dti_xcalloc(n ? n : 1, sizeof *out->code);
    out->name = dti_xcalloc(n ? n : 1, sizeof *out->name);
    out->score = dti_xcalloc(n ? n : 1, sizeof *out->score);
    out->value = dti_xcalloc(n ? n : 1, sizeof *out->value);
    out->rank = dti_xcalloc(n ? n : 1, sizeof *out->rank);
    out->v.n_units = n;
    out->v.unit = out->code;
    out->v.score = out->score;
    out->v.rank = out->rank;
}

const char *dti_framework_name(const dti_framework *fw) { return fw->name; }
size_t dti_framework_node_count(const dti_framework *fw) { return fw->n_nodes; }

void dti_variant_from_score(const dti_score *sc, dti_variant_data *out)
{
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(sc, &fw, &ds, &w, &r);
    size_t n = r->n_units;
    S_variant_alloc(out, n);
    out->model = fw->name;
    out->precision = fw->precision;
    for (size_t u = 0; u < n; u++) {
        out->code[u] = dti_score_unit_code(sc, u);
        out->name[u] = dti_score_unit_name(sc, u);
        out->score[u] = out->value[u] = r->values[fw->root * n + u];
        out->rank[u] = r->rank[u];
        out->n_scored += r->rank[u] ? 1u : 0u;
    }
}

void dti_variant_from_ranking(const dti_ranking *rk, dti_variant_data *out)
{
    const dti_registry *reg = rk->yr->reg;
    S_variant_alloc(out, rk->n);
    out->model = rk->yr->fw->name;
    out->precision = rk->yr->fw->precision;
    for (size_t i = 0; i < rk->n; i++) {
        const dti_ranking_row *row = &rk->row[i];
        out->code[i] = reg->p[row->reg].code ? reg->p[row->reg].code : reg->p[row->reg].name;
        out->name[i] = reg->p[row->reg].name;
        out->value[i] = !isnan(row->value) ? row->value : row->computed;
        out->rank[i] = row->status == DTI_RANK_EXACT ? row->rank : 0;
        out->score[i] = out->rank[i] ? -(double)out->rank[i] : NAN;
        out->n_scored += out->rank[i] ? 1u : 0u;
    }
}

int dti_variant_from_year(const dti_year *yr, dti_ranking *rk, dti_variant_data *out, dti_error *err)
{
    int rc = dti_ranking_compute(yr, yr->fw->nodes[yr->fw->root].id, rk, err);
    if (!rc)
        dti_variant_from_ranking(rk, out);
    return rc;
}

/* ---- leave-one-out of a score ------------------------------------------------------------------ */

int dti_loo_nodes(const dti_framework *fw, const char *const *names, size_t n, size_t *nodes, size_t *n_nodes,
                  dti_error *err)
{
    *n_nodes = 0;
    if (n == 1 && !strcmp(names[0], "all")) {
        for (size_t i = 0; i < fw->n_nodes; i++)
            if (fw->nodes[i].role == DTI_NODE_INDICATOR && fw->nodes[i].parent != DTI_NONE)
                nodes[(*n_nodes)++] = i;
        return DTI_OK;
    }
    for (size_t k = 0; k < n; k++) {
        size_t node = dti_framework_node_find(fw, names[k]);
        if (node == DTI_NONE) {
            const char **ids = dti_xcalloc(fw->n_nodes, sizeof *ids);
            for (size_t i = 0; i < fw->n_nodes; i++)
                ids[i] = fw->nodes[i].id;
            size_t near = dti_name_nearest(names[k], ids, fw->n_nodes);
            free(ids);
            if (!strcmp(names[k], "all"))
                return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--drop all stands alone (every indicator)");
            if (near != DTI_NONE)
                return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--drop: model %s has no node '%s' (did you mean "
                                     "%s?)", fw->name, names[k], fw->nodes[near].id);
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--drop: model %s has no node '%s'", fw->name,
                                 names[k]);
        }
        if (fw->nodes[node].parent == DTI_NONE)
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--drop: '%s' is %s of model %s, not a weighted part "
                                 "of it", names[k], node == fw->root ? "the index itself" : "a reported figure",
                                 fw->name);
        int seen = 0;
        for (size_t j = 0; j < *n_nodes; j++)
            seen |= nodes[j] == node;
        if (!seen)
            nodes[(*n_nodes)++] = node;
    }
    return DTI_OK;
}

void dti_loo_compare_clear(dti_loo_compare *c)
{
    for (size_t d = 0; c->cmp && d < c->res.n_drop; d++)
        dti_compare_clear(&c->cmp[d]);
    free(c->cmp);
    dti_loo_free(c->w);
    dti_variant_data_clear(&c->base);
    memset(c, 0, sizeof *c);
}

int dti_loo_compare_run(const dti_score *sc, const size_t *nodes, size_t n_nodes, size_t top_k, dti_loo_compare *out,
                        dti_error *err)
{
    memset(out, 0, sizeof *out);
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(sc, &fw, &ds, &w, &r);
    size_t nu = r->n_units;
    dti_variant_from_score(sc, &out->base);
    out->w = dti_loo_alloc(fw, nu);
    int rc = dti_loo_run(out->w, r->normalised, NULL, nodes, n_nodes, &out->res, err);
    if (rc)
        return rc;
    out->cmp = dti_xcalloc(out->res.n_drop + 1, sizeof *out->cmp);
    for (size_t d = 0; d < out->res.n_drop && !rc; d++) {
        dti_variant b = {nu, out->base.v.unit, out->res.score + d * nu, out->res.rank + d * nu};
        rc = dti_compare_variants(&out->base.v, &b, top_k, &out->cmp[d], err);
    }
    return rc;
}

/* ---- ranks within regions ---------------------------------------------------------------------- */

void dti_region_ranks_clear(dti_region_ranks *r)
{
    free(r->region);
    free(r->size);
    free(r->region_of);
    free(r->rank);
    memset(r, 0, sizeof *r);
}

void dti_region_ranks_compute(const dti_ranking *rk, dti_region_ranks *out)
{
    const dti_registry *reg = rk->yr->reg;
    size_t n = rk->n;
    memset(out, 0, sizeof *out);
    out->region = dti_xcalloc(reg->n + 1, sizeof *out->region);
    out->size = dti_xcalloc(reg->n + 1, sizeof *out->size);
    out->region_of = dti_xcalloc(n + 1, sizeof *out->region_of);
    out->rank = dti_xcalloc(n + 1, sizeof *out->rank);
    /* the regions in registry order, then each row's */
    size_t *of_prov = dti_xcalloc(reg->n + 1, sizeof *of_prov);
    for (size_t p = 0; p < reg->n; p++) {
        const char *label = reg->p[p].region;
        of_prov[p] = DTI_NONE;
        if (!label || !*label)
            continue;
        size_t g = 0;
        while (g < out->n_regions && strcmp(out->region[g], label) != 0)
            g++;
        if (g == out->n_regions)
            out->region[out->n_regions++] = label;
        of_prov[p] = g;
    }
    int *status = dti_xcalloc(n + 1, sizeof *status);
    size_t *rank = dti_xcalloc(3 * (n + 1), sizeof *rank), *lo = rank + n + 1, *hi = lo + n + 1;
    for (size_t i = 0; i < n; i++) {
        const dti_ranking_row *row = &rk->row[i];
        out->region_of[i] = of_prov[row->reg];
        if (out->region_of[i] != DTI_NONE)
            out->size[out->region_of[i]]++;
        status[i] = row->status;
        rank[i] = row->rank;
        lo[i] = row->lo;
        hi[i] = row->hi;
    }
    dti_group_ranks(n, out->region_of, status, rank, lo, hi, out->rank);
    for (size_t i = 0; i < n; i++)
        out->n_determined += out->rank[i] ? 1u : 0u;
    free(rank);
    free(status);
    free(of_prov);
}

void dti_group_ranks(size_t n, const size_t *group, const int *status, const size_t *rank, const size_t *lo,
                     const size_t *hi, size_t *out)
{
    double *key = dti_xcalloc(n + 1, sizeof *key);
    for (size_t i = 0; i < n; i++) /* the national exact rank, negated so that higher is better */
        key[i] = status[i] == DTI_RANK_EXACT ? -(double)rank[i] : NAN;
    dti_rank_within_groups(key, n, group, -1, out);
    /* units of the group without an exact rank: each must be surely above the row (its worst possible
     * rank better than the row's) or surely not above (its best possible rank no better) */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n && out[i]; j++) {
            if (j == i || group[j] != group[i] || status[j] == DTI_RANK_EXACT)
                continue;
            if (status[j] == DTI_RANK_BOUNDED && hi[j] < rank[i])
                out[i]++; /* surely above */
            else if (!(status[j] == DTI_RANK_BOUNDED && lo[j] >= rank[i]))
                out[i] = 0; /* may or may not be above: not determined */
        }
    }
    free(key);
}
