/* block.c -- blocks (issue 17): a node standing for indicators known only through their mean, with the
 * rule that recovers it from the published index written in the framework.  Reading and checking the
 * rule against the weights (called by framework.c, errors at the YAML node), its text, and the
 * recovery on a year record (dataset.c, tune_fit.c) or on a table with published index values (CSV).
 * Recovered values are derived facts: counted here, shown as such by the presenters.  docs/tuning.md §6.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "dataset.h"
#include "internal.h"
#include "ynode.h"

/* A coefficient agrees with the weights when it is within this share of the rule's largest one: the
 * weights are written as short decimals, so agreement is exact up to double rounding (1e-16), and any
 * real contradiction (a weight of 150 written as 100) is a share of order 1e-2 or more. */
#define S_COEF_TOL 1e-9

static const char *const S_block_keys[] = {"members", "value", "recover", NULL};
static const char *const S_recover_keys[] = {"from", "terms", "divisor", NULL};

void dti_block_free(dti_block *b)
{
    if (!b)
        return;
    free(b->member);
    free(b->term);
    free(b->coef);
    free(b);
}

int dti_framework_has_blocks(const dti_framework *fw)
{
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].block)
            return 1;
    return 0;
}

/* The members: reported nodes of fw, each once and in no other block. */
static int S_members(const dti_yctx *c, const dti_ynode *v, dti_framework *fw, dti_block *b)
{
    const char *id = fw->nodes[b->node].id;
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_SEQUENCE, "members")))
        return rc;
    if (!v->n)
        return dti_y_error(c, v, "block '%s' has no members (list the indicators it stands for)", id);
    b->member = dti_xcalloc(v->n, sizeof *b->member);
    for (size_t k = 0; k < v->n; k++) {
        const dti_ynode *m = v->items[k];
        if (m->kind != DTI_Y_SCALAR || !m->plain)
            return dti_y_error(c, m, "a member of block '%s' must be a node id", id);
        size_t node = dti_framework_node_find(fw, m->text);
        if (node == DTI_NONE)
            return dti_y_error(c, m, "member '%s' of block '%s' is not a node of model %s", m->text, id, fw->name);
        const dti_node *nd = &fw->nodes[node];
        if (nd->role != DTI_NODE_REPORTED)
            return dti_y_error(c, m,
                               "member '%s' of block '%s' is in the scored tree, so it would count twice: a member is "
                               "a node with role: reported",
                               m->text, id);
        for (size_t j = 0; j < b->n_members; j++)
            if (b->member[j] == node)
                return dti_y_error(c, m, "member '%s' of block '%s' is listed twice", m->text, id);
        for (size_t i = 0; i < fw->n_nodes; i++) {
            const dti_block *o = fw->nodes[i].block;
            for (size_t j = 0; o && j < o->n_members; j++)
                if (o->member[j] == node)
                    return dti_y_error(c, m, "member '%s' of block '%s' is already a member of block '%s'", m->text,
                                       id, fw->nodes[i].id);
        }
        b->member[b->n_members++] = node;
    }
    return DTI_OK;
}

/* The rule inverts a weighted arithmetic mean of the values as given: the parent must be one, and the
 * block and every sibling it names must enter it on their own scale. */
static int S_plain(const dti_yctx *c, const dti_ynode *at, const dti_framework *fw, const dti_block *b, size_t i)
{
    const dti_node *nd = &fw->nodes[i];
    const char *why = nd->norm.method != DTI_NORM_NONE             ? "normalised"
                      : nd->transform.method != DTI_TRANSFORM_NONE ? "transformed"
                      : nd->treat.method != DTI_TREAT_NONE         ? "treated for outliers"
                      : nd->denom != DTI_NONE                      ? "divided by a denominator"
                      : nd->categories.n                           ? "categorical"
                      : nd->direction < 0                          ? "of direction lower"
                                                                   : NULL;
    if (!why)
        return DTI_OK;
    return dti_y_error(c, at,
                       "block '%s': the rule inverts the published '%s' on the indicators' own values, but '%s' is %s",
                       fw->nodes[b->node].id, fw->nodes[b->from].id, nd->id, why);
}

/* The terms, then their agreement with the weights (see block.h). */
static int S_terms(const dti_yctx *c, const dti_ynode *v, dti_framework *fw, dti_block *b)
{
    const char *id = fw->nodes[b->node].id, *from = fw->nodes[b->from].id;
    const dti_node *par = &fw->nodes[b->from];
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "terms")))
        return rc;
    b->term = dti_xcalloc(v->n + 1, sizeof *b->term);
    b->coef = dti_xcalloc(v->n + 1, sizeof *b->coef);
    for (size_t k = 0; k < v->n; k++) {
        const char *t = v->keys[k]->text;
        size_t node = dti_framework_node_find(fw, t);
        if (node == b->node)
            return dti_y_error(c, v->keys[k], "block '%s': the rule cannot use the block's own value", id);
        if (node == DTI_NONE || (node != b->from && fw->nodes[node].parent != b->from))
            return dti_y_error(c, v->keys[k], "block '%s': term '%s' is neither '%s' nor another child of it", id, t,
                               from);
        if ((rc = dti_y_number(c, v->items[k], t, &b->coef[k])))
            return rc;
        b->term[b->n_terms++] = node;
        if (node != b->from && (rc = S_plain(c, v->keys[k], fw, b, node)))
            return rc;
    }
    double W = 0, wb = fw->nodes[b->node].weight, k = b->divisor / wb;
    for (size_t j = 0; j < par->n_children; j++)
        W += fw->nodes[par->children[j]].weight;
    double tol = S_COEF_TOL * k * W;
    for (size_t j = 0; j <= par->n_children; j++) { /* the children, then `from` itself */
        size_t node = j < par->n_children ? par->children[j] : b->from;
        if (node == b->node)
            continue;
        double w = node == b->from ? W : fw->nodes[node].weight, want = node == b->from ? k * W : -k * w;
        size_t t = 0;
        while (t < b->n_terms && b->term[t] != node)
            t++;
        if (t == b->n_terms) {
            if (!(w > 0))
                continue; /* an unscored sibling (weight 0) adds nothing */
            if (node == b->from)
                return dti_y_error(c, v, "block '%s': the rule has no term for '%s', the index it is recovered from",
                                   id, from);
            return dti_y_error(c, v,
                               "block '%s': the rule has no term for '%s' (weight %g): it must subtract every other "
                               "weighted child of '%s'",
                               id, fw->nodes[node].id, w, from);
        }
        if (fabs(b->coef[t] - want) > tol) {
            if (node == b->from)
                return dti_y_error(c, v->items[t],
                                   "block '%s': coefficient %s of '%s' contradicts the weights: with divisor %g (%g x "
                                   "the weight %g of '%s') it must be %g x the children's total weight %g, i.e. %g",
                                   id, v->items[t]->text, from, b->divisor, k, wb, id, k, W, want);
            return dti_y_error(c, v->items[t],
                               "block '%s': coefficient %s of '%s' contradicts the weights: with divisor %g (%g x the "
                               "weight %g of '%s') it must be -%g x its weight %g, i.e. %g",
                               id, v->items[t]->text, fw->nodes[node].id, b->divisor, k, wb, id, k, w, want);
        }
    }
    return DTI_OK;
}

static int S_recover(const dti_yctx *c, const dti_ynode *rec, dti_framework *fw, dti_block *b)
{
    const char *id = fw->nodes[b->node].id;
    const dti_ynode *v;
    int rc;
    if ((rc = dti_y_expect(c, rec, DTI_Y_MAPPING, "recover")) ||
        (rc = dti_y_check_keys(c, rec, S_recover_keys, "recover")) ||
        (rc = dti_y_require(c, rec, "from", "recover", &v)))
        return rc;
    if (v->kind != DTI_Y_SCALAR || !v->plain)
        return dti_y_error(c, v, "recover: from must be a node id");
    b->from = dti_framework_node_find(fw, v->text);
    size_t parent = fw->nodes[b->node].parent;
    if (b->from != parent)
        return dti_y_error(c, v, "block '%s': recover from '%s', but the rule inverts the block's parent '%s'", id,
                           v->text, fw->nodes[parent].id);
    const dti_node *par = &fw->nodes[parent];
    if (par->agg.method != DTI_AGG_ARITHMETIC)
        return dti_y_error(c, v, "block '%s': '%s' is aggregated by the %s mean; the rule inverts an arithmetic mean",
                           id, par->id, dti_agg_method_name(par->agg.method));
    if ((rc = S_plain(c, v, fw, b, b->node)))
        return rc;
    const dti_ynode *d, *terms;
    if ((rc = dti_y_require(c, rec, "divisor", "recover", &d)) || (rc = dti_y_number(c, d, "divisor", &b->divisor)))
        return rc;
    if (!(b->divisor > 0))
        return dti_y_error(c, d, "block '%s': divisor %s must be positive", id, d->text);
    if ((rc = dti_y_require(c, rec, "terms", "recover", &terms)) || (rc = S_terms(c, terms, fw, b)))
        return rc;
    double sum = 0;
    for (size_t t = 0; t < b->n_terms; t++)
        sum += fabs(b->coef[t]);
    b->slack = 0.5 * pow(10.0, -fw->precision) * sum / b->divisor;
    return DTI_OK;
}

int dti_block_load(const dti_yctx *c, const dti_ynode *v, dti_framework *fw, size_t i)
{
    const dti_node *nd = &fw->nodes[i];
    const dti_ynode *m;
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "block")) || (rc = dti_y_check_keys(c, v, S_block_keys, "block")))
        return rc;
    if (nd->role != DTI_NODE_INDICATOR || nd->parent == DTI_NONE)
        return dti_y_error(c, v, "block '%s' must be an indicator of the tree (a node with a parent and no children)",
                           nd->id);
    /* also refuses `weight: unknown`: the framework allows no mix, so its siblings' are unknown too and
     * no rule could be checked */
    if (!(nd->weight > 0))
        return dti_y_error(c, v, "block '%s' needs a positive weight", nd->id);
    dti_block *b = dti_xcalloc(1, sizeof *b);
    b->node = i;
    b->line = v->line;
    b->column = v->column;
    fw->nodes[i].block = b; /* owned by the node from here on, freed with the framework */
    if ((rc = dti_y_require(c, v, "members", "block", &m)) || (rc = S_members(c, m, fw, b)) ||
        (rc = dti_y_require(c, v, "value", "block", &m)))
        return rc;
    if (m->kind != DTI_Y_SCALAR || strcmp(m->text, "mean") != 0)
        return dti_y_error(c, m,
                           "block '%s': value must be 'mean' (the block enters its parent as the mean of its members, "
                           "with their total weight)",
                           nd->id);
    if ((rc = dti_y_require(c, v, "recover", "block", &m)))
        return rc;
    return S_recover(c, m, fw, b);
}

void dti_block_formula(const dti_framework *fw, const dti_block *b, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "%s = (", fw->nodes[b->node].id);
    for (size_t t = 0; t < b->n_terms && o < size; t++) {
        double x = b->coef[t];
        const char *sign = t == 0 ? (x < 0 ? "-" : "") : (x < 0 ? " - " : " + ");
        o += (size_t)snprintf(buf + o, size - o, "%s%g*%s", sign, fabs(x), fw->nodes[b->term[t]].id);
    }
    if (o < size)
        snprintf(buf + o, size - o, ") / %g", b->divisor);
}

/* ---- recovery ------------------------------------------------------------------------------------- */

/* The rule on the term values x[t]. */
static double S_apply(const dti_block *b, const double *x)
{
    double s = 0;
    for (size_t t = 0; t < b->n_terms; t++)
        s += b->coef[t] * x[t];
    return s / b->divisor;
}

/* Range and members checks of one recovered value: 0, or DTI_ERR_INPUT at (path, line, column). */
static int S_check(const dti_framework *fw, const dti_block *b, double v, double members_mean, const char *path,
                   size_t line, size_t column, const char *where, double from_value, dti_error *err)
{
    const char *id = fw->nodes[b->node].id;
    if (fw->has_range && (v < fw->range_lo - b->slack || v > fw->range_hi + b->slack))
        return dti_error_set(err, DTI_ERR_INPUT, path, line, column,
                             "%s: '%s' recovered as %.6f (the mean of its %zu members) is outside [%g, %g] by more "
                             "than the rounding of its inputs (%.2g): the record is inconsistent (%s %.*f with the "
                             "other indicators); the value is not clipped",
                             where, id, v, b->n_members, fw->range_lo, fw->range_hi, b->slack, fw->nodes[b->from].id,
                             fw->precision, from_value);
    double bound = b->slack + 0.5 * pow(10.0, -fw->precision);
    if (!isnan(members_mean) && fabs(v - members_mean) > bound)
        return dti_error_set(err, DTI_ERR_INPUT, path, line, column,
                             "%s: '%s' recovered as %.6f, but its %zu published members have the mean %.6f: more apart "
                             "than the rounding of the inputs (%.2g), so the rule's weights and the record disagree",
                             where, id, v, b->n_members, members_mean, bound);
    return DTI_OK;
}

static void S_tally(dti_block_tally *t, double v, double members_mean)
{
    if (!t)
        return;
    t->recovered++;
    if (isnan(members_mean))
        return;
    double gap = fabs(v - members_mean);
    t->checked++;
    if (isnan(t->max_gap) || gap > t->max_gap)
        t->max_gap = gap;
}

int dti_block_recover_year(const dti_framework *fw, const dti_block *b, const dti_year *yr, double *out, int *derived,
                           dti_block_tally *tally, dti_error *err)
{
    const dti_framework *rf = yr->fw;
    size_t nn = rf->n_nodes, own = dti_framework_node_find(rf, fw->nodes[b->node].id);
    size_t *term = dti_xcalloc(b->n_terms + b->n_members, sizeof *term), *mem = term + b->n_terms;
    double *x = dti_xcalloc(b->n_terms + 1, sizeof *x);
    int rc = DTI_OK;
    if (tally) {
        memset(tally, 0, sizeof *tally);
        tally->max_gap = NAN;
    }
    for (size_t t = 0; t < b->n_terms && !rc; t++)
        if ((term[t] = dti_framework_node_find(rf, fw->nodes[b->term[t]].id)) == DTI_NONE)
            rc = dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0,
                               "model %s of this record has no node '%s', which the rule of block '%s' (%s:%zu) needs",
                               rf->name, fw->nodes[b->term[t]].id, fw->nodes[b->node].id, fw->path, b->line);
    for (size_t k = 0; k < b->n_members; k++)
        mem[k] = dti_framework_node_find(rf, fw->nodes[b->member[k]].id);
    size_t from = DTI_NONE; /* the record's node of `from`: its fact locates an inconsistency */
    for (size_t t = 0; t < b->n_terms && !rc; t++)
        if (b->term[t] == b->from)
            from = term[t];
    for (size_t e = 0; e < yr->n && !rc; e++) {
        const dti_fact *f = &yr->value[e * nn];
        out[e] = NAN;
        derived[e] = 0;
        if (own != DTI_NONE && f[own].known) { /* the record gives the block itself */
            out[e] = f[own].value;
            continue;
        }
        int known = 1;
        for (size_t t = 0; t < b->n_terms; t++) {
            known &= f[term[t]].known;
            x[t] = f[term[t]].value;
        }
        if (!known)
            continue;
        double v = S_apply(b, x), mean = 0;
        for (size_t k = 0; k < b->n_members && !isnan(mean); k++)
            mean = mem[k] != DTI_NONE && f[mem[k]].known ? mean + f[mem[k]].value / (double)b->n_members : NAN;
        char where[256];
        snprintf(where, sizeof where, "%d, %s", yr->year, yr->reg->p[yr->prov[e]].name);
        rc = S_check(fw, b, v, mean, yr->path, f[from].line, f[from].column, where, f[from].value, err);
        out[e] = v;
        derived[e] = 1;
        S_tally(tally, v, mean);
    }
    free(x);
    free(term);
    return rc;
}

int dti_block_recover_table(const dti_framework *fw, dti_dataset *ds, dti_error *err)
{
    if (!dti_framework_has_blocks(fw))
        return DTI_OK;
    size_t nj = ds->n_indicators, nn = fw->n_nodes;
    if (!ds->block) {
        ds->block = dti_xcalloc(nj, sizeof *ds->block);
        for (size_t j = 0; j < nj; j++)
            ds->block[j].max_gap = NAN;
        ds->derived = dti_xcalloc(ds->n_units * nj + 1, sizeof *ds->derived);
    }
    if (!ds->published || ds->n_nodes != nn)
        return DTI_OK; /* no published index: a block column is whatever the table gives */
    int rc = DTI_OK;
    for (size_t i = 0; i < nn && !rc; i++) {
        const dti_block *b = fw->nodes[i].block;
        size_t node, j = b ? dti_dataset_column(fw, fw->nodes[i].id, &node) : DTI_NONE;
        if (j == DTI_NONE)
            continue;
        double *x = dti_xcalloc(b->n_terms + 1, sizeof *x);
        for (size_t u = 0; u < ds->n_units && !rc; u++) {
            double *cell = &ds->values[u * nj + j];
            if (!isnan(*cell))
                continue;
            int known = 1;
            for (size_t t = 0; t < b->n_terms; t++) {
                size_t tn = b->term[t], tj = tn == b->from ? DTI_NONE : dti_dataset_column(fw, fw->nodes[tn].id, &node);
                x[t] = tj == DTI_NONE ? ds->published[u * nn + tn] : ds->values[u * nj + tj];
                known &= !isnan(x[t]);
            }
            if (!known)
                continue;
            double v = S_apply(b, x);
            char where[256];
            snprintf(where, sizeof where, "%s", ds->name[u] ? ds->name[u] : ds->unit[u]);
            rc = S_check(fw, b, v, NAN, ds->path, ds->line[u], 1, where, ds->published[u * nn + b->from], err);
            *cell = v;
            ds->derived[u * nj + j] = 1;
            S_tally(&ds->block[j], v, NAN);
        }
        free(x);
    }
    return rc;
}
