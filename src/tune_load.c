/* tune_load.c -- the loaders of the tuning settings (the I/O layer of tune_*.c): the uncertain inputs
 * of `tune sensitivity` (models/uncertainty-*.yaml, docs/tuning.md §2) and the costs of `tune goal`.
 * Both are read without a framework, keeping each node's position, so that `validate` checks them
 * alone and the analyses report what does not fit their framework at the file's line and column. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "tune.h"
#include "ynode.h"

static const char *const S_impute_names[] = {"none", "mean", "median", "group_mean", "group_median", NULL};
static const int S_impute_codes[] = {DTI_IMPUTE_NONE, DTI_IMPUTE_MEAN, DTI_IMPUTE_MEDIAN, DTI_IMPUTE_GROUP_MEAN,
                                     DTI_IMPUTE_GROUP_MEDIAN};

const char *dti_uncertainty_impute_name(int method)
{
    for (size_t k = 0; S_impute_names[k]; k++)
        if (S_impute_codes[k] == method)
            return S_impute_names[k];
    return "?";
}

static const char *S_impute_name(int k) { return S_impute_names[k]; }

static int S_name_index(const dti_yctx *c, const dti_ynode *n, const char *what, const char *(*name)(int), int count,
                        int *out)
{
    int rc = dti_y_expect(c, n, DTI_Y_SCALAR, what);
    if (rc)
        return rc;
    for (int k = 0; k < count; k++)
        if (!strcmp(name(k), n->text)) {
            *out = k;
            return DTI_OK;
        }
    return dti_y_error(c, n, "unknown %s '%s'", what, n->text);
}

static int S_norm_spec(const dti_yctx *c, const dti_ynode *v, dti_norm_spec *s)
{
    static const char *const keys[] = {"method", "min", "max", "mean", "sd", NULL};
    memset(s, 0, sizeof *s);
    s->min = 0;
    s->max = 1;
    s->mean = 0;
    s->sd = 1;
    s->low = s->high = NAN;
    const dti_ynode *m = v;
    int rc;
    if (v->kind == DTI_Y_MAPPING) {
        if ((rc = dti_y_check_keys(c, v, keys, "a normalisation")) ||
            (rc = dti_y_require(c, v, "method", "a normalisation", &m)))
            return rc;
        const char *num[] = {"min", "max", "mean", "sd"};
        double *dst[] = {&s->min, &s->max, &s->mean, &s->sd};
        for (size_t k = 0; k < 4; k++) {
            const dti_ynode *x = dti_ynode_get(v, num[k]);
            if (x && (rc = dti_y_number(c, x, num[k], dst[k])))
                return rc;
        }
    }
    if ((rc = S_name_index(c, m, "normalisation method", dti_norm_method_name, DTI_NORM_BLOM + 1, &s->method)))
        return rc;
    if (s->method == DTI_NORM_GOALPOSTS)
        return dti_y_error(c, m, "goalposts need per-indicator limits: not available in an uncertainty set");
    if (!(s->min < s->max))
        return dti_y_error(c, v, "normalise: min must be below max");
    if (!(s->sd > 0))
        return dti_y_error(c, v, "normalise: sd must be positive");
    return DTI_OK;
}

static int S_weights(const dti_yctx *c, const dti_ynode *v, dti_unc_input *in)
{
    static const char *const keys[] = {"noise", "dirichlet", "levels", NULL};
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "weights")) || (rc = dti_y_check_keys(c, v, keys, "weights")))
        return rc;
    const dti_ynode *noise = dti_ynode_get(v, "noise"), *dir = dti_ynode_get(v, "dirichlet");
    const dti_ynode *lv = dti_ynode_get(v, "levels");
    if (!noise == !dir)
        return dti_y_error(c, v, "weights need exactly one of 'noise' (uniform +-share) and 'dirichlet' (concentration)");
    if (noise) {
        if ((rc = dti_y_number(c, noise, "noise", &in->noise)))
            return rc;
        if (!(in->noise >= 0 && in->noise < 1))
            return dti_y_error(c, noise, "noise must be in [0, 1)");
    } else {
        in->dirichlet = 1;
        if ((rc = dti_y_number(c, dir, "dirichlet", &in->alpha)))
            return rc;
        if (!(in->alpha > 0))
            return dti_y_error(c, dir, "the Dirichlet concentration must be positive");
    }
    if (lv) {
        if ((rc = dti_y_expect(c, lv, DTI_Y_SEQUENCE, "levels")))
            return rc;
        for (size_t k = 0; k < lv->n; k++) {
            long l;
            if ((rc = dti_y_integer(c, lv->items[k], "a level", 1, 31, &l)))
                return rc;
            in->levels |= 1u << l;
        }
    }
    return DTI_OK;
}

static int S_input(const dti_yctx *c, const dti_ynode *e, dti_unc_input *in)
{
    static const char *const keys[] = {"name", "weights", "normalise", "aggregate", "winsorise", "impute", NULL};
    int rc;
    const dti_ynode *nm;
    if ((rc = dti_y_expect(c, e, DTI_Y_MAPPING, "an uncertain input")) ||
        (rc = dti_y_check_keys(c, e, keys, "an uncertain input")) ||
        (rc = dti_y_require(c, e, "name", "an uncertain input", &nm)) || (rc = dti_y_string(c, nm, "name", &in->name)))
        return rc;
    const dti_ynode *v = NULL;
    size_t found = 0;
    for (int k = 0; k < 5; k++) {
        const dti_ynode *x = dti_ynode_get(e, keys[k + 1]);
        if (x) {
            v = x;
            in->kind = k;
            found++;
        }
    }
    if (found != 1)
        return dti_y_error(c, e, "an uncertain input needs exactly one of weights, normalise, aggregate, winsorise, "
                                 "impute");
    in->line = v->line;
    in->column = v->column;
    if (in->kind == DTI_UNC_WEIGHTS)
        return S_weights(c, v, in);
    if ((rc = dti_y_expect(c, v, DTI_Y_SEQUENCE, keys[in->kind + 1])))
        return rc;
    if (in->kind == DTI_UNC_TREAT) {
        long lo, hi;
        if (v->n != 2)
            return dti_y_error(c, v, "winsorise needs [lowest, highest] limits in points");
        if ((rc = dti_y_integer(c, v->items[0], "a winsorisation limit", 1, 1000, &lo)) ||
            (rc = dti_y_integer(c, v->items[1], "a winsorisation limit", 1, 1000, &hi)))
            return rc;
        if (hi < lo)
            return dti_y_error(c, v, "winsorise: the lowest limit is above the highest");
        in->lo = (size_t)lo;
        in->hi = (size_t)hi;
        in->n_choice = in->hi - in->lo + 1;
        return DTI_OK;
    }
    if (v->n < 1 || v->n > DTI_UNC_MAX_CHOICES)
        return dti_y_error(c, v, "a set of 1 to %d alternatives is needed", DTI_UNC_MAX_CHOICES);
    in->n_choice = v->n;
    for (size_t k = 0; k < v->n; k++) {
        in->choice_line[k] = v->items[k]->line;
        in->choice_column[k] = v->items[k]->column;
        if (in->kind == DTI_UNC_NORM)
            rc = S_norm_spec(c, v->items[k], &in->norm[k]);
        else if (in->kind == DTI_UNC_AGG)
            rc = S_name_index(c, v->items[k], "aggregation method", dti_agg_method_name, DTI_AGG_HARMONIC + 1,
                              &in->choice[k]);
        else if (!(rc = S_name_index(c, v->items[k], "imputation method", S_impute_name, 5, &in->choice[k])))
            in->choice[k] = S_impute_codes[in->choice[k]];
        if (rc)
            return rc;
    }
    return DTI_OK;
}

void dti_uncertainty_free(dti_uncertainty *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++)
        free(u->in[i].name);
    free(u->in);
    free(u->path);
    free(u);
}

int dti_uncertainty_load(const char *path, dti_uncertainty **out, dti_error *err)
{
    *out = NULL;
    static const char *const top_keys[] = {"inputs", "note", NULL};
    dti_ynode *root = NULL;
    dti_yctx c = {path, err};
    const dti_ynode *list;
    int rc;
    if ((rc = dti_yaml_load(path, &root, err)))
        return rc;
    dti_uncertainty *u = dti_xcalloc(1, sizeof *u);
    u->path = dti_strdup(path);
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "an uncertainty file")) ||
        (rc = dti_y_check_keys(&c, root, top_keys, "an uncertainty file")) ||
        (rc = dti_y_require(&c, root, "inputs", "an uncertainty file", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "inputs")))
        goto cleanup;
    if (!list->n) {
        rc = dti_y_error(&c, list, "no uncertain inputs");
        goto cleanup;
    }
    u->in = dti_xcalloc(list->n, sizeof *u->in);
    for (size_t i = 0; i < list->n && !rc; i++) {
        u->n++; /* counted first: a half-read input is freed too */
        rc = S_input(&c, list->items[i], &u->in[i]);
    }
cleanup:
    dti_ynode_free(root);
    if (rc) {
        dti_uncertainty_free(u);
        return rc;
    }
    *out = u;
    return DTI_OK;
}

/* ---- goal costs -------------------------------------------------------------------------------------- */

void dti_costs_free(dti_costs *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->id[i]);
    free(c->id);
    free(c->cost);
    free(c->line);
    free(c->column);
    free(c->path);
    free(c);
}

int dti_costs_load(const char *path, dti_costs **out, dti_error *err)
{
    *out = NULL;
    static const char *const top_keys[] = {"costs", "note", NULL};
    dti_ynode *root = NULL;
    dti_yctx c = {path, err};
    const dti_ynode *map;
    int rc;
    if ((rc = dti_yaml_load(path, &root, err)))
        return rc;
    dti_costs *k = dti_xcalloc(1, sizeof *k);
    k->path = dti_strdup(path);
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a costs file")) ||
        (rc = dti_y_check_keys(&c, root, top_keys, "a costs file")) ||
        (rc = dti_y_require(&c, root, "costs", "a costs file", &map)) ||
        (rc = dti_y_expect(&c, map, DTI_Y_MAPPING, "costs")))
        goto cleanup;
    k->id = dti_xcalloc(map->n, sizeof *k->id);
    k->cost = dti_xcalloc(map->n, sizeof *k->cost);
    k->line = dti_xcalloc(map->n, sizeof *k->line);
    k->column = dti_xcalloc(map->n, sizeof *k->column);
    for (size_t i = 0; i < map->n && !rc; i++) {
        const dti_ynode *key = map->keys[i];
        double v;
        if ((rc = dti_y_number(&c, map->items[i], "a cost", &v)))
            break;
        if (!(v > 0)) {
            rc = dti_y_error(&c, map->items[i], "the cost of '%s' must be positive, not %g", key->text, v);
            break;
        }
        if (v > DTI_COST_MAX) { /* a plan's total, the sum of cost x increase, must not overflow */
            rc = dti_y_error(&c, map->items[i], "the cost of '%s' is above the limit of %g", key->text, DTI_COST_MAX);
            break;
        }
        k->id[k->n] = dti_strdup(key->text);
        k->cost[k->n] = v;
        k->line[k->n] = key->line;
        k->column[k->n++] = key->column;
    }
cleanup:
    dti_ynode_free(root);
    if (rc) {
        dti_costs_free(k);
        return rc;
    }
    *out = k;
    return DTI_OK;
}

int dti_costs_apply(const dti_costs *costs, const dti_framework *fw, double *cost, dti_error *err)
{
    size_t *ind = dti_xcalloc(fw->n_nodes + 1, sizeof *ind), nj = dti_engine_indicators(fw, ind);
    int rc = DTI_OK;
    for (size_t j = 0; j < nj; j++)
        cost[j] = 1.0;
    for (size_t i = 0; costs && i < costs->n && !rc; i++) {
        size_t j = 0;
        while (j < nj && strcmp(fw->nodes[ind[j]].id, costs->id[i]) != 0)
            j++;
        if (j == nj)
            rc = dti_error_set(err, DTI_ERR_INPUT, costs->path, costs->line[i], costs->column[i],
                               "'%s' is not an indicator of %s", costs->id[i], fw->name);
        else
            cost[j] = costs->cost[i];
    }
    free(ind);
    return rc;
}
