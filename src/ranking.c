/* ranking.c -- the ranking table of a year, computed: every unit of the record's registry with its
 * published and recomputed value of the ranking node, its rank by the official rule where every unit
 * has a value (published, else computed), else the published rank or its bounds (from rank facts and
 * the top-10 list).  Above the year record (year.c) and the ranking rule (rank.c); presented by
 * present_rank.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ranking.h"

int dti_ranking_is_pillar(const dti_framework *fw, size_t node)
{
    int any_reported = 0;
    for (size_t i = 0; i < fw->n_nodes; i++)
        any_reported |= fw->nodes[i].role == DTI_NODE_REPORTED;
    return any_reported ? fw->nodes[node].role == DTI_NODE_REPORTED : fw->nodes[node].parent == fw->root;
}

static int S_row_cmp(const void *a, const void *b)
{
    const dti_ranking_row *x = a, *y = b;
    if (x->status != y->status)
        return x->status - y->status;
    if (x->status == DTI_RANK_EXACT && x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->status == DTI_RANK_BOUNDED && (x->lo != y->lo || x->hi != y->hi))
        return x->lo != y->lo ? (x->lo < y->lo ? -1 : 1) : (x->hi < y->hi ? -1 : 1);
    /* Ties and unknowns keep the order of the year file (the published list order), then registry. */
    size_t ex = x->entry == DTI_NONE ? SIZE_MAX : x->entry, ey = y->entry == DTI_NONE ? SIZE_MAX : y->entry;
    if (ex != ey)
        return ex < ey ? -1 : 1;
    return x->reg < y->reg ? -1 : x->reg > y->reg;
}

/* Every derived fact of the row, as its column name ("dti, dti_rank"). */
static void S_derived_fields(const dti_year *yr, size_t entry, char *buf, size_t size)
{
    const dti_framework *fw = yr->fw;
    size_t nn = fw->n_nodes, o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < nn && o < size; k++)
        for (int is_rank = 0; is_rank < 2; is_rank++) {
            const dti_fact *f = is_rank ? &yr->rank[entry * nn + k] : &yr->value[entry * nn + k];
            if (f->derived && o < size)
                o += (size_t)snprintf(buf + o, size - o, "%s%s%s", o ? ", " : "", fw->nodes[k].id,
                                      is_rank ? "_rank" : "");
        }
}

static int S_unknown_node(const dti_framework *fw, const char *by, dti_error *err)
{
    char list[512] = "";
    size_t o = 0;
    for (size_t k = 0; k < fw->n_nodes && o < sizeof list; k++)
        if (k == fw->root || dti_ranking_is_pillar(fw, k))
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", fw->nodes[k].id);
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "model %s has no '%s' to rank by (try %s)", fw->name, by,
                         list);
}

int dti_ranking_compute(const dti_year *yr, const char *by, dti_ranking *out, dti_error *err)
{
    memset(out, 0, sizeof *out);
    const dti_framework *fw = yr->fw;
    size_t node = dti_framework_node_find(fw, by);
    if (node == DTI_NONE)
        return S_unknown_node(fw, by, err);
    const dti_registry *reg = yr->reg;
    size_t n = reg->n;
    dti_ranking_row *rows = dti_xcalloc(n, sizeof *rows);
    out->yr = yr;
    out->node = node;
    out->max_diff = NAN;
    for (size_t p = 0; p < n; p++) {
        dti_ranking_row *r = &rows[p];
        r->reg = p;
        r->entry = dti_year_entry(yr, p);
        dti_year_values(yr, p, node, &r->value, &r->computed);
        dti_year_rank_bounds(yr, p, node, &r->lo, &r->hi, &r->derived);
        if (!isnan(r->value) && !isnan(r->computed)) {
            double d = fabs(r->value - r->computed);
            r->flag = d > DTI_RANKING_FLAG_TOL + DTI_RANKING_FLAG_EPS;
            if (isnan(out->max_diff) || d > out->max_diff)
                out->max_diff = d;
        }
        if (r->entry != DTI_NONE) {
            r->conflict = yr->conflict[r->entry];
            S_derived_fields(yr, r->entry, r->derived_fields, sizeof r->derived_fields);
            if (!isnan(r->value))
                out->n_derived += yr->value[r->entry * fw->n_nodes + node].derived ? 1u : 0u;
        }
    }
    /* Ranks from values when every ranked unit has one (published, else computed). */
    double *v = dti_xcalloc(n, sizeof *v);
    size_t *ranks = dti_xcalloc(n, sizeof *ranks), with = 0;
    for (size_t p = 0; p < n; p++) {
        v[p] = !isnan(rows[p].value) ? rows[p].value : rows[p].computed;
        with += isnan(v[p]) ? 0u : 1u;
    }
    int from_values = with >= yr->units && with > 0;
    int rc = from_values ? dti_rank_competition(v, n, fw->precision, ranks, NULL, err) : DTI_OK;
    for (size_t p = 0; p < n && !rc; p++) {
        dti_ranking_row *r = &rows[p];
        if (from_values && ranks[p]) {
            if (r->lo == r->hi)
                r->published_rank = r->lo;
            r->rank = r->lo = r->hi = ranks[p];
            r->computed_rank = 1;
            r->derived = 0;
        } else if (r->lo == r->hi) {
            r->rank = r->lo;
        }
        r->status = r->rank ? DTI_RANK_EXACT : (r->lo > 1 || r->hi < yr->units) ? DTI_RANK_BOUNDED : DTI_RANK_UNKNOWN;
        out->n_exact += r->status == DTI_RANK_EXACT;
        out->n_bounded += r->status == DTI_RANK_BOUNDED;
        out->n_unknown += r->status == DTI_RANK_UNKNOWN;
        out->n_published += isnan(r->value) ? 0u : 1u;
        out->n_computed += isnan(r->computed) ? 0u : 1u;
        out->n_flagged += r->flag ? 1u : 0u;
    }
    free(v);
    free(ranks);
    if (rc) {
        free(rows);
        return rc;
    }
    qsort(rows, n, sizeof *rows, S_row_cmp);
    out->n = n;
    out->row = rows;
    return DTI_OK;
}

void dti_ranking_clear(dti_ranking *rk)
{
    free(rk->row);
    memset(rk, 0, sizeof *rk);
}
