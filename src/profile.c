/* profile.c -- `dtirank profile`: one province or unit over the loaded record -- the history of its rank
 * and value, its rank in its region and among units of similar size, its main indicators in one year
 * (value, rank, distance to the top-10 line, change since the year before), its strengths and
 * weaknesses.  Above the year records (ranking.c for the provinces' and the units' published tables,
 * merger.c for the units' computed ones) and toolkit.c (ranks within groups); docs/guide.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "profile.h"
#include "ranking.h"
#include "toolkit.h"

/* One node of one year for every unit of the frame: its rank (status, bounds) and value. */
typedef struct S_cols {
    size_t n;
    int *status, *rderived, *vderived;
    size_t *rank, *lo, *hi;
    double *value;
    const char *method; /* how the ranks were found (the index) */
} S_cols;

static void S_cols_init(S_cols *c, size_t n)
{
    c->n = n;
    c->status = dti_xcalloc(3 * (n + 1), sizeof *c->status);
    c->rderived = c->status + n + 1;
    c->vderived = c->rderived + n + 1;
    c->rank = dti_xcalloc(3 * (n + 1), sizeof *c->rank);
    c->lo = c->rank + n + 1;
    c->hi = c->lo + n + 1;
    c->value = dti_xcalloc(n + 1, sizeof *c->value);
    c->method = "";
}

static void S_cols_clear(S_cols *c)
{
    free(c->status);
    free(c->rank);
    free(c->value);
    memset(c, 0, sizeof *c);
}

/* The frame of one year: the record of the provinces, and with a merger the units' published record
 * (or NULL: their table is computed by the merger rule). */
typedef struct S_year {
    const dti_year *yr, *pub;
    const dti_registry *reg;
    const dti_merger *m;
} S_year;

static size_t S_units(const S_year *y) { return y->m ? y->m->n_units : y->yr->reg->n; }

/* The ranking of node `id` of a record (dti_ranking_compute) into c, by registry index. */
static int S_from_record(const dti_year *yr, const char *id, S_cols *c, dti_error *err)
{
    dti_ranking rk;
    int rc = dti_ranking_compute(yr, id, &rk, err);
    if (rc)
        return rc;
    size_t node = rk.node, nn = yr->fw->n_nodes, computed = 0;
    for (size_t i = 0; i < rk.n; i++) {
        const dti_ranking_row *row = &rk.row[i];
        size_t u = row->reg;
        c->status[u] = row->status;
        c->rank[u] = row->rank;
        c->lo[u] = row->lo;
        c->hi[u] = row->hi;
        c->rderived[u] = row->derived;
        c->value[u] = !isnan(row->value) ? row->value : row->computed;
        c->vderived[u] = row->entry != DTI_NONE && !isnan(row->value) && yr->value[row->entry * nn + node].derived;
        computed += row->computed_rank ? 1u : 0u;
    }
    c->method = computed ? "computed from the values (official rule)" : "published";
    dti_ranking_clear(&rk);
    return DTI_OK;
}

/* Node `id` of the provinces merged into the units by the rule of y->m: each unit's value the mean of
 * its former provinces' (NaN when one is unknown); ranks by the official rule when every unit has one. */
static int S_merged(const S_year *y, const char *id, S_cols *c, dti_error *err)
{
    const dti_year *yr = y->yr;
    const dti_framework *fw = yr->fw;
    size_t node = dti_framework_node_find(fw, id), n_old = y->m->n_old, nu = y->m->n_units;
    double *old = dti_xcalloc(n_old + 1, sizeof *old);
    for (size_t p = 0; p < n_old; p++) {
        double pub = NAN, comp = NAN;
        if (node != DTI_NONE)
            dti_year_values(yr, p, node, &pub, &comp);
        old[p] = !isnan(pub) ? pub : comp;
    }
    dti_merger_apply(y->m, old, c->value);
    free(old);
    size_t known = 0;
    for (size_t j = 0; j < nu; j++) {
        known += isnan(c->value[j]) ? 0u : 1u;
        c->status[j] = DTI_RANK_UNKNOWN;
        c->lo[j] = 1;
        c->hi[j] = nu;
    }
    c->method = "not determined (a former province has no value)";
    if (known < nu || !nu)
        return DTI_OK;
    int rc = dti_rank_competition(c->value, nu, fw->precision, c->rank, NULL, err);
    for (size_t j = 0; j < nu && !rc; j++) {
        c->status[j] = DTI_RANK_EXACT;
        c->lo[j] = c->hi[j] = c->rank[j];
    }
    c->method = "merged values (the merger rule)";
    return rc;
}

/* The index of a year for every unit of the frame. */
static int S_index(const S_year *y, S_cols *c, dti_error *err)
{
    const dti_framework *fw = y->yr->fw;
    const char *root = fw->nodes[fw->root].id;
    if (!y->m)
        return S_from_record(y->yr, root, c, err);
    if (y->pub) {
        int rc = S_from_record(y->pub, root, c, err);
        c->method = "published (the units' own table)";
        return rc;
    }
    dti_merger_ranking mr;
    int rc = dti_merger_ranking_compute(y->yr, y->reg, y->m, NULL, &mr, err);
    if (rc)
        return rc;
    for (size_t j = 0; j < y->m->n_units; j++) {
        int has = mr.method != DTI_MERGER_BY_NONE && mr.rank[j];
        c->status[j] = has ? DTI_RANK_EXACT : DTI_RANK_UNKNOWN;
        c->rank[j] = has ? mr.rank[j] : 0;
        c->lo[j] = has ? mr.rank[j] : 1;
        c->hi[j] = has ? mr.rank[j] : y->m->n_units;
        c->value[j] = mr.value[j];
    }
    c->method = mr.method == DTI_MERGER_BY_VALUE    ? "merged values (the merger rule)"
                : mr.method == DTI_MERGER_BY_LATENT ? "latent score of the former provinces' ranks (approximation)"
                                                    : "not determined";
    dti_merger_ranking_clear(&mr);
    return DTI_OK;
}

/* A main node of the year: with a merger always merged from the provinces (the units' records publish
 * the index only). */
static int S_node(const S_year *y, const char *id, S_cols *c, dti_error *err)
{
    return y->m ? S_merged(y, id, c, err) : S_from_record(y->yr, id, c, err);
}

/* The region label of every unit of the frame, as group numbers; *labels the label strings. */
static void S_regions(const S_year *y, size_t *group, const char **labels, size_t *n_labels)
{
    const dti_registry *reg = y->m ? y->reg->units : y->yr->reg;
    size_t n = S_units(y);
    *n_labels = 0;
    for (size_t u = 0; u < n; u++) {
        const char *r = reg && u < reg->n ? reg->p[u].region : NULL;
        group[u] = DTI_NONE;
        if (!r || !*r)
            continue;
        size_t g = 0;
        while (g < *n_labels && strcmp(labels[g], r) != 0)
            g++;
        if (g == *n_labels)
            labels[(*n_labels)++] = r;
        group[u] = g;
    }
}

void dti_profile_clear(dti_profile *p)
{
    free(p->hist);
    free(p->node);
    free(p->peer);
    memset(p, 0, sizeof *p);
}

/* The main nodes of a framework: the index's children with a weight other than 0 (an unknown weight
 * counts), then the reported pillars. */
static size_t S_main_nodes(const dti_framework *fw, size_t *nodes)
{
    size_t n = 0;
    const dti_node *root = &fw->nodes[fw->root];
    for (size_t c = 0; c < root->n_children; c++)
        if (!(fw->nodes[root->children[c]].weight >= 0 && fw->nodes[root->children[c]].weight <= 0))
            nodes[n++] = root->children[c];
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].role == DTI_NODE_REPORTED)
            nodes[n++] = i;
    return n;
}

/* The 'top'-th highest of n values, NaN unless every one is known (and n >= top). */
static double S_threshold(const double *v, size_t n, size_t top)
{
    if (n < top || !top)
        return NAN;
    double *s = dti_xcalloc(n, sizeof *s);
    for (size_t u = 0; u < n; u++) {
        if (isnan(v[u])) {
            free(s);
            return NAN;
        }
        s[u] = -v[u];
    }
    size_t *idx = dti_xcalloc(2 * n, sizeof *idx);
    for (size_t u = 0; u < n; u++)
        idx[u] = u;
    dti_sort_index(s, idx, n, idx + n);
    double t = -s[idx[top - 1]];
    free(idx);
    free(s);
    return t;
}

/* Strengths and weaknesses: the ranked main indicators (not pillars) by rank, the best and the worst. */
static void S_strengths(dti_profile *p)
{
    size_t order[64], n = 0;
    for (size_t k = 0; k < p->n_nodes && n < 64; k++)
        if (!p->node[k].pillar && p->node[k].status == DTI_RANK_EXACT)
            order[n++] = k;
    for (size_t a = 1; a < n; a++) /* insertion sort by rank, stable */
        for (size_t b = a; b > 0 && p->node[order[b]].rank < p->node[order[b - 1]].rank; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    if (n < 2)
        return;
    size_t ns = (n + 1) / 2 < DTI_PROFILE_STRENGTHS ? (n + 1) / 2 : DTI_PROFILE_STRENGTHS;
    size_t nw = n - ns < DTI_PROFILE_STRENGTHS ? n - ns : DTI_PROFILE_STRENGTHS;
    for (size_t k = 0; k < ns; k++)
        p->strength[p->n_strengths++] = order[k];
    for (size_t k = 0; k < nw; k++)
        p->weakness[p->n_weaknesses++] = order[n - 1 - k];
}

/* The unit's size and its rank among the units of its third by size (DTI_PROFILE_SIZE_GROUPS). */
static void S_size(const S_year *y, const S_cols *c, size_t unit, dti_profile *p)
{
    const dti_registry *reg = y->reg;
    size_t n = S_units(y), col = DTI_NONE;
    double *size = dti_xcalloc(n + 1, sizeof *size);
    p->has_size = reg->n > 0;
    for (size_t q = 0; q < reg->n && p->has_size; q++) {
        col = DTI_NONE;
        for (size_t k = 0; k < reg->p[q].n_numbers; k++)
            if (!strcmp(reg->p[q].number_names[k], DTI_PROFILE_SIZE_COLUMN))
                col = k;
        if (col == DTI_NONE || !(reg->p[q].numbers[col] > 0)) {
            p->has_size = 0;
            break;
        }
        size[y->m ? y->m->unit_of[q] : q] += reg->p[q].numbers[col];
    }
    if (p->has_size) {
        double *key = dti_xcalloc(n + 1, sizeof *key);
        size_t *idx = dti_xcalloc(2 * (n + 1), sizeof *idx), *group = dti_xcalloc(2 * (n + 1), sizeof *group);
        size_t *in = group + n + 1;
        for (size_t u = 0; u < n; u++) {
            key[u] = size[u];
            idx[u] = u;
        }
        dti_sort_index(key, idx, n, idx + n + 1); /* ascending size, ties in unit order */
        for (size_t k = 0; k < n; k++)
            group[idx[k]] = k * DTI_PROFILE_SIZE_GROUPS / n;
        dti_group_ranks(n, group, c->status, c->rank, c->lo, c->hi, in);
        p->size_group = group[unit];
        p->size_rank = in[unit];
        p->size_value = size[unit];
        for (size_t u = 0; u < n; u++)
            p->size_members += group[u] == group[unit];
        free(key);
        free(idx);
        free(group);
    }
    free(size);
}

/* The details of year t (hist index cur) and the changes since the year before. */
static int S_details(const S_year *ys, size_t t, size_t prev, size_t unit, const S_cols *idx, dti_profile *p,
                     dti_error *err)
{
    const dti_framework *fw = ys[t].yr->fw, *pf = prev != DTI_NONE ? ys[prev].yr->fw : NULL;
    size_t *nodes = dti_xcalloc(fw->n_nodes + 1, sizeof *nodes), n = S_main_nodes(fw, nodes), nu = S_units(&ys[t]);
    p->node = dti_xcalloc(n + 1, sizeof *p->node);
    p->weights_unknown = !dti_framework_weights_known(fw);
    int rc = DTI_OK;
    double sum = 0;
    const dti_node *root = &fw->nodes[fw->root];
    for (size_t c = 0; c < root->n_children; c++)
        sum += fw->nodes[root->children[c]].weight;
    for (size_t k = 0; k < n && !rc; k++) {
        const dti_node *nd = &fw->nodes[nodes[k]];
        dti_profile_node *x = &p->node[p->n_nodes++];
        x->id = nd->id;
        x->name = nd->name_en ? nd->name_en : nd->id;
        x->pillar = nd->role == DTI_NODE_REPORTED;
        x->share = !x->pillar && sum > 0 ? nd->weight / sum : NAN;
        S_cols c;
        S_cols_init(&c, nu);
        if (!(rc = S_node(&ys[t], nd->id, &c, err))) {
            x->value = c.value[unit];
            x->value_derived = c.vderived[unit];
            x->status = c.status[unit];
            x->rank = c.rank[unit];
            x->lo = c.lo[unit];
            x->hi = c.hi[unit];
            for (size_t u = 0; u < nu; u++)
                x->n_known += isnan(c.value[u]) ? 0u : 1u;
            x->threshold = S_threshold(c.value, nu, p->top);
            x->gap = x->value - x->threshold;
        }
        S_cols_clear(&c);
        x->prev_value = NAN;
        if (!rc && pf && dti_framework_node_find(pf, nd->id) != DTI_NONE) {
            S_cols_init(&c, S_units(&ys[prev]));
            if (!(rc = S_node(&ys[prev], nd->id, &c, err))) {
                x->has_prev = 1;
                x->prev_value = c.value[unit];
                x->prev_status = c.status[unit];
                x->prev_rank = c.status[unit] == DTI_RANK_EXACT ? c.rank[unit] : 0;
            }
            S_cols_clear(&c);
        }
    }
    free(nodes);
    if (rc)
        return rc;
    S_strengths(p);
    /* the region's units this year, by rank in the region */
    size_t *group = dti_xcalloc(2 * (nu + 1), sizeof *group), *rr = group + nu + 1, n_labels;
    const char **labels = dti_xcalloc(nu + 1, sizeof *labels);
    S_regions(&ys[t], group, labels, &n_labels);
    dti_group_ranks(nu, group, idx->status, idx->rank, idx->lo, idx->hi, rr);
    const dti_registry *reg = ys[t].m ? ys[t].reg->units : ys[t].yr->reg;
    p->peer = dti_xcalloc(nu + 1, sizeof *p->peer);
    for (size_t u = 0; u < nu; u++) {
        if (group[unit] == DTI_NONE || group[u] != group[unit])
            continue;
        dti_profile_peer *q = &p->peer[p->n_peers++];
        q->name = reg->p[u].name;
        q->self = u == unit;
        q->status = idx->status[u];
        q->rank = idx->rank[u];
        q->lo = idx->lo[u];
        q->hi = idx->hi[u];
        q->region_rank = rr[u];
        q->value = idx->value[u];
    }
    for (size_t a = 1; a < p->n_peers; a++) /* by national rank (or best bound), stable */
        for (size_t b = a; b > 0; b--) {
            dti_profile_peer *x = &p->peer[b], *w = &p->peer[b - 1];
            size_t kx = x->status == DTI_RANK_UNKNOWN ? SIZE_MAX : x->lo, kw = w->status == DTI_RANK_UNKNOWN ? SIZE_MAX : w->lo;
            if (!(kx < kw))
                break;
            dti_profile_peer tmp = *x;
            *x = *w;
            *w = tmp;
        }
    free(labels);
    free(group);
    S_size(&ys[t], idx, unit, p);
    return DTI_OK;
}

int dti_profile_compute(const dti_profile_input *in, dti_profile *out, dti_error *err)
{
    memset(out, 0, sizeof *out);
    out->top = in->top ? in->top : DTI_TOP;
    out->prev = DTI_NONE;
    if (!in->n_years)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "no year records to profile");
    size_t cur = in->n_years - 1;
    if (in->year) {
        cur = 0;
        while (cur < in->n_years && in->years[cur]->year != in->year)
            cur++;
        if (cur == in->n_years) {
            char list[256] = "";
            for (size_t t = 0; t < in->n_years; t++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", t ? ", " : "", in->years[t]->year);
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no record for %d (years: %s)", in->year, list);
        }
    }
    const dti_registry *reg = in->reg, *units = in->m ? reg->units : NULL;
    out->frame = in->m ? "units" : "provinces";
    out->name = in->m ? in->m->unit[in->unit] : reg->p[in->unit].name;
    out->code = in->m ? NULL : reg->p[in->unit].code;
    out->region = in->m ? (units ? units->p[in->unit].region : NULL) : reg->p[in->unit].region;
    S_year *ys = dti_xcalloc(in->n_years, sizeof *ys);
    out->hist = dti_xcalloc(in->n_years, sizeof *out->hist);
    int rc = DTI_OK;
    S_cols keep = {0}; /* the index of the year of the details */
    for (size_t t = 0; t < in->n_years && !rc; t++) {
        S_year *y = &ys[t];
        y->yr = in->years[t];
        y->reg = reg;
        y->m = in->m;
        y->pub = in->m && in->unit_years ? in->unit_years[t] : NULL;
        size_t nu = S_units(y), *group = dti_xcalloc(2 * (nu + 1), sizeof *group), *rr = group + nu + 1, n_labels;
        const char **labels = dti_xcalloc(nu + 1, sizeof *labels);
        S_cols c;
        S_cols_init(&c, nu);
        if (!(rc = S_index(y, &c, err))) {
            dti_profile_year *h = &out->hist[out->n_hist++];
            size_t u = in->unit;
            h->year = y->yr->year;
            h->model = (y->pub ? y->pub : y->yr)->fw->name;
            h->units = y->pub ? y->pub->units : in->m ? nu : y->yr->units;
            h->status = c.status[u];
            h->rank = c.rank[u];
            h->lo = c.lo[u];
            h->hi = c.hi[u];
            h->rank_derived = c.rderived[u];
            h->value = c.value[u];
            h->value_derived = c.vderived[u];
            h->method = c.method;
            S_regions(y, group, labels, &n_labels);
            dti_group_ranks(nu, group, c.status, c.rank, c.lo, c.hi, rr);
            h->region_rank = rr[u];
            for (size_t v = 0; v < nu; v++)
                h->region_size += group[u] != DTI_NONE && group[v] == group[u];
        }
        free(labels);
        free(group);
        if (t == cur)
            keep = c;
        else
            S_cols_clear(&c);
    }
    if (!rc) {
        out->cur = cur;
        out->prev = cur > 0 ? cur - 1 : DTI_NONE;
        out->models_differ = out->prev != DTI_NONE && strcmp(out->hist[cur].model, out->hist[out->prev].model) != 0;
        rc = S_details(ys, cur, out->prev, in->unit, &keep, out, err);
    }
    S_cols_clear(&keep);
    free(ys);
    if (rc)
        dti_profile_clear(out);
    return rc;
}
