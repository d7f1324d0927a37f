/* year.c -- a year's public record (data/dti/<year>.yaml): facts per province with their sources.
 *
 * Every key of a province entry is a framework node id (its value) or `<id>_rank` (its rank); a
 * fact is a number or a mapping {value | min/max, evidence, derived, how, source, note}.  Absent
 * means unknown.  After reading, the record is checked for consistency: ranks against the top-10
 * list, ties against the ranks that follow them, and ranks against published values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"year",      "model", "model_assumed", "frame", "units",
                                          "published", "note",  "top10",         "provinces", NULL};
static const char *const S_fact_keys[] = {"value", "min", "max", "evidence", "derived", "how", "source", "note", NULL};
static const char *const S_top10_keys[] = {"province", "source", "note", NULL};


static void S_fact_clear(dti_fact *f)
{
    free(f->source);
    free(f->evidence);
    free(f->how);
    free(f->note);
    memset(f, 0, sizeof *f);
}

/* Reads a value fact (is_rank = 0) or a rank fact (is_rank = 1, ranks in 1..units). */
static int S_load_fact(const dti_yctx *c, const dti_ynode *n, const char *what, int is_rank, long units,
                       const dti_framework *fw, dti_fact *f)
{
    int rc;
    const dti_ynode *v = n, *lo = NULL, *hi = NULL;
    f->line = n->line;
    f->column = n->column;
    f->value = f->lo = f->hi = NAN;
    if (n->kind == DTI_Y_MAPPING) {
        if ((rc = dti_y_check_keys(c, n, S_fact_keys, what)))
            return rc;
        v = dti_ynode_get(n, "value");
        lo = dti_ynode_get(n, "min");
        hi = dti_ynode_get(n, "max");
        if (!is_rank && (lo || hi))
            return dti_y_error(c, lo ? lo : hi, "only a rank can be given by bounds (min/max)");
        if (v && (lo || hi))
            return dti_y_error(c, lo ? lo : hi, "give either an exact value or bounds (min/max), not both");
        if (!v && !lo && !hi)
            return dti_y_error(c, n, "missing key 'value' in %s", what);
        const dti_ynode *t;
        if ((t = dti_ynode_get(n, "source")) && (rc = dti_y_string(c, t, "source", &f->source)))
            return rc;
        if ((t = dti_ynode_get(n, "evidence")) && (rc = dti_y_string(c, t, "evidence", &f->evidence)))
            return rc;
        if ((t = dti_ynode_get(n, "how")) && (rc = dti_y_string(c, t, "how", &f->how)))
            return rc;
        if ((t = dti_ynode_get(n, "note")) && (rc = dti_y_string(c, t, "note", &f->note)))
            return rc;
        if ((t = dti_ynode_get(n, "derived")) && (rc = dti_y_bool(c, t, "derived", &f->derived)))
            return rc;
    }
    f->known = 1;
    if (is_rank) {
        long r;
        if (v) {
            if ((rc = dti_y_integer(c, v, what, 1, units, &r)))
                return rc;
            f->value = f->lo = f->hi = (double)r;
            return DTI_OK;
        }
        f->lo = 1;
        f->hi = (double)units;
        if (lo) {
            if ((rc = dti_y_integer(c, lo, "rank minimum", 1, units, &r)))
                return rc;
            f->lo = (double)r;
        }
        if (hi) {
            if ((rc = dti_y_integer(c, hi, "rank maximum", 1, units, &r)))
                return rc;
            f->hi = (double)r;
        }
        if (f->lo > f->hi)
            return dti_y_error(c, hi, "inconsistent rank bounds: min %.0f is above max %.0f", f->lo, f->hi);
        return DTI_OK;
    }
    if ((rc = dti_y_number(c, v, what, &f->value)))
        return rc;
    if (fw->has_range && (f->value < fw->range_lo || f->value > fw->range_hi))
        return dti_y_error(c, v, "%s %s is outside [%g, %g]", what, v->text, fw->range_lo, fw->range_hi);
    return DTI_OK;
}

static int S_load_framework(const dti_yctx *c, const dti_ynode *v, const char *models_dir, dti_year *yr)
{
    char *model = NULL;
    int rc = dti_y_string(c, v, "model", &model);
    if (rc)
        return rc;
    for (const char *s = model; *s; s++)
        if (*s == '/' || *s == '\\' || (s == model && *s == '.')) {
            rc = dti_y_error(c, v, "model '%s' must be a plain name such as dti-2022", model);
            free(model);
            return rc;
        }
    size_t len = strlen(models_dir) + strlen(model) + 8;
    char *path = dti_xcalloc(len, 1);
    snprintf(path, len, "%s/%s.yaml", models_dir, model);
    rc = dti_framework_load(path, &yr->fw, c->err);
    if (!rc && strcmp(yr->fw->name, model) != 0)
        rc = dti_y_error(c, v, "model file %s is named '%s', not '%s'", path, yr->fw->name, model);
    free(path);
    free(model);
    return rc;
}

static int S_find_province(const dti_yctx *c, const dti_ynode *v, const dti_registry *reg, size_t *idx)
{
    char *name = NULL;
    int rc = dti_y_string(c, v, "province", &name);
    if (rc)
        return rc;
    dti_error tmp;
    dti_error_init(&tmp);
    rc = dti_registry_find(reg, name, idx, &tmp);
    if (rc)
        rc = dti_y_error(c, v, "%s", tmp.e[0].message);
    free(name);
    return rc;
}

static int S_load_entry(const dti_yctx *c, const dti_ynode *m, dti_year *yr, size_t i)
{
    const dti_framework *fw = yr->fw;
    int rc;
    yr->prov[i] = DTI_NONE; /* until resolved: a failed entry must not look like a province */
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "a province entry")))
        return rc;
    const dti_ynode *pv;
    if ((rc = dti_y_require(c, m, "province", "a province entry", &pv)) ||
        (rc = S_find_province(c, pv, yr->reg, &yr->prov[i])))
        return rc;
    if (yr->entry_of[yr->prov[i]] != DTI_NONE)
        return dti_y_error(c, pv, "duplicate province '%s' (also listed earlier in this file)",
                           yr->reg->p[yr->prov[i]].name);
    yr->entry_of[yr->prov[i]] = i;
    for (size_t k = 0; k < m->n; k++) {
        const char *key = m->keys[k]->text;
        if (!strcmp(key, "province"))
            continue;
        size_t len = strlen(key), node;
        int is_rank = len > 5 && !strcmp(key + len - 5, "_rank");
        char *id = dti_strdup(key);
        if (is_rank)
            id[len - 5] = '\0';
        node = dti_framework_node_find(fw, id);
        free(id);
        if (node == DTI_NONE)
            return dti_y_error(c, m->keys[k], "unknown key '%s' in a province entry (model %s has no node '%.*s')",
                               key, fw->name, (int)(is_rank ? len - 5 : len), key);
        dti_fact *f = is_rank ? &yr->rank[i * fw->n_nodes + node] : &yr->value[i * fw->n_nodes + node];
        if ((rc = S_load_fact(c, m->items[k], key, is_rank, (long)yr->units, fw, f)))
            return rc;
    }
    return DTI_OK;
}

static int S_load_top10(const dti_yctx *c, const dti_ynode *list, dti_year *yr, size_t *members, size_t *n_members)
{
    int rc;
    if ((rc = dti_y_expect(c, list, DTI_Y_SEQUENCE, "top10")))
        return rc;
    if (list->n > yr->units)
        return dti_y_error(c, list, "top10 lists %zu provinces, more than the %zu units", list->n, yr->units);
    char *listed = dti_xcalloc(yr->reg->n, 1); /* duplicates in O(n) */
    for (size_t i = 0; i < list->n && !rc; i++) {
        const dti_ynode *m = list->items[i], *pv;
        if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "a top10 entry")) ||
            (rc = dti_y_check_keys(c, m, S_top10_keys, "a top10 entry")) ||
            (rc = dti_y_require(c, m, "province", "a top10 entry", &pv)) ||
            (rc = S_find_province(c, pv, yr->reg, &members[i])))
            break;
        if (listed[members[i]]) {
            rc = dti_y_error(c, pv, "duplicate province '%s' in top10", yr->reg->p[members[i]].name);
            break;
        }
        listed[members[i]] = 1;
        const dti_ynode *s = dti_ynode_get(m, "source");
        char *src = NULL;
        if (s && (rc = dti_y_string(c, s, "source", &src)))
            break;
        yr->top10_source[members[i]] = src;
        *n_members = i + 1;
    }
    free(listed);
    return rc;
}

static int S_cmp_size(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

/* Consistency of the ranks of one node: top-10 membership, ties, and order of published values. */
static int S_check_ranks(const dti_yctx *c, dti_year *yr, size_t node)
{
    const dti_framework *fw = yr->fw;
    size_t nn = fw->n_nodes;
    int rc = DTI_OK;
    if (node == fw->root && yr->has_top10) {
        for (size_t i = 0; i < yr->n; i++) {
            const dti_fact *r = &yr->rank[i * nn + node];
            if (!r->known)
                continue;
            int in = yr->top10[i];
            if (in && r->lo > DTI_TOP)
                return dti_error_set(c->err, DTI_ERR_INPUT, c->path, r->line, r->column,
                                     "rank %.0f of %s contradicts the top-10 list, which names it", r->lo,
                                     yr->reg->p[yr->prov[i]].name);
            if (!in && r->hi <= DTI_TOP)
                return dti_error_set(c->err, DTI_ERR_INPUT, c->path, r->line, r->column,
                                     "rank %.0f of %s contradicts the top-10 list, which does not name it",
                                     r->hi, yr->reg->p[yr->prov[i]].name);
        }
    }
    /* Ties: k provinces sharing rank r occupy places r..r+k-1, so the next known rank is >= r+k. */
    size_t *rk = dti_xcalloc(yr->n, sizeof *rk), m = 0;
    for (size_t i = 0; i < yr->n; i++) {
        const dti_fact *r = &yr->rank[i * nn + node];
        if (r->known && !isnan(r->value))
            rk[m++] = (size_t)r->value;
    }
    qsort(rk, m, sizeof *rk, S_cmp_size);
    for (size_t a = 0; a < m && !rc;) {
        size_t b = a;
        while (b < m && rk[b] == rk[a])
            b++;
        size_t k = b - a;
        if (rk[a] + k - 1 > yr->units || (b < m && rk[b] < rk[a] + k)) {
            size_t bad = b < m ? rk[b] : rk[a];
            for (size_t i = 0; i < yr->n; i++) { /* report at the offending province */
                const dti_fact *r = &yr->rank[i * nn + node];
                if (r->known && !isnan(r->value) && (size_t)r->value == bad) {
                    rc = dti_error_set(c->err, DTI_ERR_INPUT, c->path, r->line, r->column,
                                       "rank %zu of %s is impossible: %zu provinces share rank %zu, so the "
                                       "next rank is %zu or more",
                                       bad, yr->reg->p[yr->prov[i]].name, k, rk[a], rk[a] + k);
                    break;
                }
            }
        }
        a = b;
    }
    free(rk);
    if (rc)
        return rc;
    /* Published values and ranks should agree: a higher (rounded) value never has a worse rank.  The
     * public record does break this (derived 2021 pillar figures), so it is a warning on the record,
     * kept with the year and shown in tables, not a refusal to load the facts we hold. */
    for (size_t i = 0; i < yr->n; i++) {
        const dti_fact *ri = &yr->rank[i * nn + node], *vi = &yr->value[i * nn + node];
        if (!ri->known || isnan(ri->value) || !vi->known)
            continue;
        for (size_t j = 0; j < yr->n; j++) {
            const dti_fact *rj = &yr->rank[j * nn + node], *vj = &yr->value[j * nn + node];
            if (j == i || !rj->known || isnan(rj->value) || !vj->known)
                continue;
            double ki = dti_rank_key(vi->value, fw->precision), kj = dti_rank_key(vj->value, fw->precision);
            if (ki > kj && ri->value > rj->value) {
                dti_error_set(&yr->warnings, DTI_ERR_INPUT, c->path, ri->line, ri->column,
                              "%s: rank %.0f of %s disagrees with its value %.*f: %s has %.*f and rank %.0f",
                              fw->nodes[node].id, ri->value, yr->reg->p[yr->prov[i]].name, fw->precision,
                              vi->value, yr->reg->p[yr->prov[j]].name, fw->precision, vj->value, rj->value);
                yr->conflict[i] = yr->conflict[j] = 1;
            }
        }
    }
    return DTI_OK;
}

int dti_year_load(const char *path, const dti_registry *reg, const char *models_dir, dti_year **out, dti_error *err)
{
    *out = NULL;
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    dti_year *yr = dti_xcalloc(1, sizeof *yr);
    yr->path = dti_strdup(path);
    yr->reg = reg;
    const dti_ynode *v, *list;
    size_t *members = NULL, n_members = 0;
    long x;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a year record")) ||
        (rc = dti_y_check_keys(&c, root, S_top_keys, "a year record")) ||
        (rc = dti_y_require(&c, root, "year", "a year record", &v)) ||
        (rc = dti_y_integer(&c, v, "year", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
        goto cleanup;
    yr->year = (int)x;
    if ((v = dti_ynode_get(root, "frame"))) { /* ranked among the units of a reorganisation */
        char *frame = NULL;
        if ((rc = dti_y_string(&c, v, "frame", &frame)))
            goto cleanup;
        if (!reg->units || strcmp(reg->units->frame, frame) != 0)
            rc = reg->units ? dti_y_error(&c, v, "frame '%s' is not the reorganisation loaded ('%s', models/merger.yaml)",
                                          frame, reg->units->frame)
                            : dti_y_error(&c, v, "frame '%s': the units of this reorganisation are not loaded", frame);
        free(frame);
        if (rc)
            goto cleanup;
        yr->reg = reg = reg->units;
    }
    if ((rc = dti_y_require(&c, root, "units", "a year record", &v)) ||
        (rc = dti_y_integer(&c, v, "units", 1, (long)reg->n, &x)))
        goto cleanup;
    yr->units = (size_t)x;
    if ((rc = dti_y_require(&c, root, "model", "a year record", &v)) || (rc = S_load_framework(&c, v, models_dir, yr)))
        goto cleanup;
    /* `model_assumed: true`: the edition's framework is not known, and the record carries the model of
     * an earlier edition forward (dtirank import writes it for a year after every year the model
     * lists); it never stands for a year before or between them. */
    const dti_ynode *assumed = dti_ynode_get(root, "model_assumed");
    int is_assumed = 0;
    if (assumed && (rc = dti_y_bool(&c, assumed, "model_assumed", &is_assumed)))
        goto cleanup;
    if (yr->fw->n_years) {
        size_t k = 0;
        long last = yr->fw->years[0];
        for (size_t j = 1; j < yr->fw->n_years; j++)
            last = yr->fw->years[j] > last ? yr->fw->years[j] : last;
        while (k < yr->fw->n_years && yr->fw->years[k] != yr->year)
            k++;
        if (k == yr->fw->n_years && !(is_assumed && yr->year > last)) {
            rc = is_assumed ? dti_y_error(&c, assumed, "model_assumed: model %s describes editions up to %ld, and %d is "
                                                       "not after them", yr->fw->name, last, yr->year)
                            : dti_y_error(&c, v, "model %s does not cover the year %d", yr->fw->name, yr->year);
            goto cleanup;
        }
        if (k < yr->fw->n_years && is_assumed) {
            rc = dti_y_error(&c, assumed, "model_assumed: model %s lists the year %d: it is not assumed",
                             yr->fw->name, yr->year);
            goto cleanup;
        }
    }
    yr->model_assumed = is_assumed;
    if ((v = dti_ynode_get(root, "published")) && v->kind != DTI_Y_SCALAR) {
        rc = dti_y_error(&c, v, "published must be a date such as 12/7/2023");
        goto cleanup;
    }
    if ((v = dti_ynode_get(root, "note")) && v->kind != DTI_Y_SCALAR) {
        rc = dti_y_error(&c, v, "note must be text, not %s", dti_y_kind_name(v));
        goto cleanup;
    }
    yr->top10_source = dti_xcalloc(reg->n, sizeof *yr->top10_source);
    if ((v = dti_ynode_get(root, "top10"))) {
        members = dti_xcalloc(v->n ? v->n : 1, sizeof *members);
        if ((rc = S_load_top10(&c, v, yr, members, &n_members)))
            goto cleanup;
        yr->has_top10 = 1;
    }
    if ((rc = dti_y_require(&c, root, "provinces", "a year record", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "provinces")))
        goto cleanup;
    size_t nn = yr->fw->n_nodes;
    yr->prov = dti_xcalloc(list->n, sizeof *yr->prov);
    yr->entry_of = dti_xcalloc(reg->n, sizeof *yr->entry_of);
    for (size_t p = 0; p < reg->n; p++)
        yr->entry_of[p] = DTI_NONE;
    yr->value = dti_xcalloc(list->n * nn, sizeof *yr->value);
    yr->rank = dti_xcalloc(list->n * nn, sizeof *yr->rank);
    yr->top10 = dti_xcalloc(list->n, sizeof *yr->top10);
    yr->conflict = dti_xcalloc(list->n, sizeof *yr->conflict);
    dti_error_init(&yr->warnings);
    dti_error_collect(&yr->warnings);
    for (size_t i = 0; i < list->n; i++) {
        yr->n = i + 1;
        int r = S_load_entry(&c, list->items[i], yr, i);
        if (r) {
            rc = r;
            if (!err->collect)
                goto cleanup;
        }
    }
    if (rc)
        goto cleanup;
    for (size_t k = 0; k < n_members; k++) {
        size_t i = yr->entry_of[members[k]];
        if (i == DTI_NONE) {
            rc = dti_y_error(&c, v->items[k], "top10 names %s, which is not in provinces", reg->p[members[k]].name);
            goto cleanup;
        }
        yr->top10[i] = 1;
    }
    for (size_t node = 0; node < nn && !rc; node++)
        rc = S_check_ranks(&c, yr, node);
cleanup:
    free(members);
    dti_ynode_free(root);
    if (rc) {
        dti_year_free(yr);
        return rc;
    }
    *out = yr;
    return DTI_OK;
}

void dti_year_free(dti_year *yr)
{
    if (!yr)
        return;
    if (yr->fw) {
        size_t total = yr->n * yr->fw->n_nodes;
        for (size_t k = 0; k < total; k++) {
            S_fact_clear(&yr->value[k]);
            S_fact_clear(&yr->rank[k]);
        }
    }
    if (yr->top10_source)
        for (size_t i = 0; i < yr->reg->n; i++)
            free(yr->top10_source[i]);
    free(yr->top10_source);
    free(yr->value);
    free(yr->rank);
    free(yr->prov);
    free(yr->entry_of);
    free(yr->top10);
    free(yr->conflict);
    free(yr->path);
    dti_framework_free(yr->fw);
    free(yr);
}

size_t dti_year_entry(const dti_year *yr, size_t p)
{
    return yr->entry_of && p < yr->reg->n ? yr->entry_of[p] : DTI_NONE;
}

size_t dti_year_rank_bounds(const dti_year *yr, size_t p, size_t node, size_t *lo, size_t *hi, int *derived)
{
    const dti_framework *fw = yr->fw;
    size_t e = dti_year_entry(yr, p);
    *lo = 1;
    *hi = yr->units;
    if (derived)
        *derived = 0;
    if (e != DTI_NONE) {
        const dti_fact *f = &yr->rank[e * fw->n_nodes + node];
        if (f->known) {
            *lo = (size_t)f->lo;
            *hi = (size_t)f->hi;
            if (derived)
                *derived = f->derived;
        }
    }
    if (node == fw->root && yr->has_top10) { /* the published top ten bounds everyone else at >= 11 */
        int in = e != DTI_NONE && yr->top10[e];
        if (in && *hi > DTI_TOP)
            *hi = DTI_TOP;
        if (!in && *lo <= DTI_TOP)
            *lo = DTI_TOP + 1;
    }
    return *lo == *hi ? *lo : 0;
}

void dti_year_values(const dti_year *yr, size_t p, size_t node, double *published, double *computed)
{
    const dti_framework *fw = yr->fw;
    size_t e = dti_year_entry(yr, p), nn = fw->n_nodes;
    *published = *computed = NAN;
    if (e == DTI_NONE)
        return;
    const dti_fact *f = &yr->value[e * nn];
    if (f[node].known)
        *published = f[node].value;
    if (fw->nodes[node].n_children == 0)
        return;
    double vals[DTI_MAX_NODES_STACK], *v = nn <= DTI_MAX_NODES_STACK ? vals : dti_xcalloc(nn, sizeof *v);
    for (size_t k = 0; k < nn; k++)
        v[k] = f[k].known && fw->nodes[k].n_children == 0 ? f[k].value : NAN;
    dti_framework_compute(fw, v);
    *computed = v[node];
    if (v != vals)
        free(v);
}

int dti_year_year(const dti_year *yr) { return yr->year; }
const char *dti_year_frame(const dti_year *yr) { return yr->reg->frame; }
const dti_registry *dti_year_registry(const dti_year *yr) { return yr->reg; }
