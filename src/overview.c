/* overview.c -- the record as `dtirank report` shows it beside the projection (overview.h): rank
 * histories (project_run.c's dti_project_history per entity), the table of a year (ranking.c for the
 * provinces, merger.c's ranking by the official rule for the units) with its main indicators and the
 * change since the year before, and the web addresses each record cites.  Compute layer: objects in,
 * results out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merger.h"
#include "overview.h"
#include "ranking.h"

void dti_overview_clear(dti_overview *ov)
{
    free(ov->name);
    free(ov->region);
    free(ov->rank);
    free(ov->order);
    free(ov->t_rank);
    free(ov->t_value);
    free(ov->prev_rank);
    free(ov->ind);
    memset(ov, 0, sizeof *ov);
}

/* The record of `year` among years (NULL: none). */
static const dti_year *S_year(const dti_year *const *years, size_t n, int year)
{
    for (size_t t = 0; t < n; t++)
        if (years[t]->year == year)
            return years[t];
    return NULL;
}

/* Ranks of the frame's entities in yr (0: unknown); the values and order when asked. */
static int S_ranks(const dti_year *yr, const dti_registry *reg, const dti_merger *m, const dti_year *pub, int frame,
                   size_t *rank, double *value, size_t *order, dti_overview *ov, dti_error *err)
{
    size_t n = frame == DTI_FRAME_UNITS ? m->n_units : reg->n;
    if (frame == DTI_FRAME_UNITS) {
        dti_merger_ranking mr;
        int rc = dti_merger_ranking_compute(yr, reg, m, pub, &mr, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < n; j++) {
            /* a rank by the official rule only: the latent approximation is not a published figure */
            rank[j] = mr.method == DTI_MERGER_BY_VALUE ? mr.rank[j] : 0;
            if (value)
                value[j] = mr.value[j];
            if (order)
                order[j] = mr.order[j];
        }
        if (ov) {
            ov->by_rule = mr.method == DTI_MERGER_BY_VALUE;
            ov->pub_path = pub ? pub->path : NULL;
            ov->pub_ranks = mr.n_pub_rank;
            ov->pub_values = mr.n_pub_value;
            ov->pub_rank_ok = mr.rank_ok;
            ov->pub_value_ok = mr.value_ok;
        }
        dti_merger_ranking_clear(&mr);
        return DTI_OK;
    }
    dti_ranking rk;
    int rc = dti_ranking_compute(yr, "dti", &rk, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < rk.n; i++) {
        const dti_ranking_row *row = &rk.row[i];
        rank[row->reg] = row->status == DTI_RANK_EXACT ? row->rank : 0;
        if (value)
            value[row->reg] = row->value;
        if (order)
            order[i] = row->reg;
    }
    dti_ranking_clear(&rk);
    return DTI_OK;
}

/* The main indicators (the index's children) every entity has a value of, merged by the rule for the
 * units. */
static void S_indicators(const dti_year *yr, const dti_merger *m, int frame, dti_overview *ov)
{
    const dti_framework *fw = yr->fw;
    const dti_node *root = &fw->nodes[fw->root];
    size_t n = ov->n, np = yr->reg->n;
    double *pv = dti_xcalloc(np + 1, sizeof *pv), *uv = dti_xcalloc(n + 1, sizeof *uv);
    ov->ind = dti_xcalloc(DTI_OVERVIEW_MAX_IND * n + 1, sizeof *ov->ind);
    for (size_t c = 0; c < root->n_children && ov->n_ind < DTI_OVERVIEW_MAX_IND; c++) {
        size_t node = root->children[c];
        for (size_t p = 0; p < np; p++) {
            double pub, comp;
            dti_year_values(yr, p, node, &pub, &comp);
            pv[p] = pub;
        }
        if (frame == DTI_FRAME_UNITS)
            dti_merger_apply(m, pv, uv);
        else
            memcpy(uv, pv, n * sizeof *uv);
        int all = 1;
        for (size_t e = 0; e < n && all; e++)
            all = !isnan(uv[e]);
        if (!all)
            continue;
        memcpy(ov->ind + ov->n_ind * n, uv, n * sizeof *uv);
        ov->ind_node[ov->n_ind++] = node;
    }
    free(pv);
    free(uv);
}

int dti_overview_compute(const dti_year *const *years, size_t n_years, const dti_year *pub, const dti_registry *reg,
                         const dti_merger *m, int frame, int table_year, dti_overview *ov,
                         dti_error *err)
{
    memset(ov, 0, sizeof *ov);
    if (frame == DTI_FRAME_UNITS && !m)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "overview: the units' frame needs the merger");
    const dti_year *yr = S_year(years, n_years, table_year);
    if (!yr)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no record of %d", table_year);
    size_t n = frame == DTI_FRAME_UNITS ? m->n_units : reg->n;
    const dti_registry *names = frame == DTI_FRAME_UNITS ? dti_registry_units(reg) : reg;
    ov->frame = frame;
    ov->n = n;
    ov->name = dti_xcalloc(n + 1, sizeof *ov->name);
    ov->region = dti_xcalloc(n + 1, sizeof *ov->region);
    for (size_t e = 0; e < n; e++) {
        ov->name[e] = frame == DTI_FRAME_UNITS ? m->unit[e] : reg->p[e].name;
        ov->region[e] = names && e < names->n && names->p[e].region ? names->p[e].region : "";
    }
    /* the history: every year of the record up to the table's */
    ov->rank = dti_xcalloc(n * (n_years + 1), sizeof *ov->rank);
    for (size_t t = 0; t < n_years && years[t]->year <= table_year; t++)
        ov->year[ov->n_years++] = years[t]->year;
    const dti_year *pubs[1] = {pub};
    for (size_t e = 0; e < n; e++) {
        dti_history h;
        dti_project_history(years, n_years, pub ? pubs : NULL, pub ? 1 : 0, m, frame, e, &h);
        for (size_t k = 0; k < h.n; k++)
            for (size_t t = 0; t < ov->n_years; t++)
                if (ov->year[t] == h.point[k].year)
                    ov->rank[t * n + e] = h.point[k].rank;
    }
    /* the table */
    ov->table_year = table_year;
    ov->fw = yr->fw;
    ov->t_precision = frame == DTI_FRAME_UNITS ? -1 : yr->fw->precision;
    ov->order = dti_xcalloc(n + 1, sizeof *ov->order);
    ov->t_rank = dti_xcalloc(n + 1, sizeof *ov->t_rank);
    ov->t_value = dti_xcalloc(n + 1, sizeof *ov->t_value);
    ov->prev_rank = dti_xcalloc(n + 1, sizeof *ov->prev_rank);
    int rc = S_ranks(yr, reg, m, pub, frame, ov->t_rank, ov->t_value, ov->order, ov, err);
    const dti_year *prev = NULL;
    for (size_t t = 0; t < n_years; t++)
        if (years[t]->year < table_year)
            prev = years[t];
    if (!rc && prev) {
        ov->prev_year = prev->year;
        rc = S_ranks(prev, reg, m, NULL, frame, ov->prev_rank, NULL, NULL, NULL, err);
    }
    if (!rc)
        S_indicators(yr, m, frame, ov);
    if (rc)
        dti_overview_clear(ov);
    return rc;
}

/* Adds s to the list when it is a web address not there yet. */
static void S_add_url(char ***urls, size_t *n, const char *s)
{
    if (!s || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
        return;
    for (size_t k = 0; k < *n; k++)
        if (!strcmp((*urls)[k], s))
            return;
    char **u = realloc(*urls, (*n + 1) * sizeof *u);
    if (!u)
        abort();
    u[(*n)++] = dti_strdup(s);
    *urls = u;
}

size_t dti_overview_sources(const dti_year *yr, char ***urls)
{
    size_t n = 0, nn = yr->fw->n_nodes;
    *urls = NULL;
    for (size_t i = 0; i < yr->n; i++) {
        if (yr->has_top10 && yr->top10 && yr->top10[i] && yr->top10_source)
            S_add_url(urls, &n, yr->top10_source[i]);
        for (size_t k = 0; k < nn; k++) {
            S_add_url(urls, &n, yr->rank[i * nn + k].known ? yr->rank[i * nn + k].source : NULL);
            S_add_url(urls, &n, yr->value[i * nn + k].known ? yr->value[i * nn + k].source : NULL);
        }
    }
    return n;
}

size_t dti_overview_weights_year(const dti_year *const *years, size_t n_years, int table_year)
{
    size_t at = (size_t)-1;
    for (size_t t = 0; t < n_years; t++)
        if (years[t]->year <= table_year && dti_framework_weights_known(years[t]->fw))
            at = t;
    return at;
}

const dti_framework *dti_overview_framework(const dti_year *yr) { return yr->fw; }
