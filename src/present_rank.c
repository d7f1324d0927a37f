/* present_rank.c -- the documents of `dtirank rank` (the ranking of a year, among the provinces or
 * among the units of the 2025 reorganisation) and `dtirank units` (the names).  Builds report
 * documents (report.h) from ranking.c's and merger.c's results; never prints.  Columns: docs/guide.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "present.h"

/* What people see in the rank column: the rank, "12*" when derived, bounds, "?" when unknown. */
static void S_show_rank(dti_table *t, size_t r, size_t c, const dti_ranking_row *row, size_t units)
{
    if (row->status == DTI_RANK_EXACT)
        dti_table_show(t, r, c, "%zu%s", row->rank, row->derived ? "*" : "");
    else if (row->status == DTI_RANK_UNKNOWN)
        dti_table_show(t, r, c, "?");
    else if (row->lo > 1 && row->hi < units)
        dti_table_show(t, r, c, "%zu\u2013%zu", row->lo, row->hi);
    else if (row->lo > 1)
        dti_table_show(t, r, c, "\u2265%zu", row->lo);
    else
        dti_table_show(t, r, c, "\u2264%zu", row->hi);
}

/* The note of a row: what a reader should know about its rank and value. */
static void S_note(const dti_ranking *rk, const dti_ranking_row *r, char *buf, size_t size)
{
    const dti_year *yr = rk->yr;
    size_t o = 0;
    buf[0] = '\0';
#define S_APPEND(...) \
    do { \
        if (o < size) \
            o += (size_t)snprintf(buf + o, size - o, "%s", o ? "; " : ""); \
        if (o < size) \
            o += (size_t)snprintf(buf + o, size - o, __VA_ARGS__); \
    } while (0)
    if (r->status == DTI_RANK_UNKNOWN)
        S_APPEND("rank unknown");
    if (r->status == DTI_RANK_BOUNDED && rk->node == yr->fw->root && yr->has_top10 && r->lo == DTI_TOP + 1)
        S_APPEND("not in the top 10");
    if (r->computed_rank && r->published_rank && r->published_rank != r->rank)
        S_APPEND("published rank %zu", r->published_rank);
    if (r->flag)
        S_APPEND("computed differs by %.5f", fabs(r->value - r->computed));
    if (r->conflict)
        S_APPEND("rank/value conflict in the record");
    if (r->derived_fields[0]) /* facts derived from a stated change, not stated themselves */
        S_APPEND("derived: %s", r->derived_fields);
#undef S_APPEND
}

/* rank --by-region for people: one table per region (rank in the region, national rank, the unit, its
 * value, its note), in the registry's order of the regions. */
static void S_regions(dti_report *doc, const dti_ranking *rk, const dti_region_ranks *rr, const char *bid)
{
    const dti_year *yr = rk->yr;
    const dti_registry *reg = yr->reg;
    const char *who = reg->frame ? "unit" : "province";
    char title[256], buf[512];
    size_t undetermined = 0;
    for (size_t g = 0; g <= rr->n_regions; g++) {
        size_t members = 0;
        for (size_t i = 0; i < rk->n; i++)
            members += g < rr->n_regions ? rr->region_of[i] == g : rr->region_of[i] == (size_t)-1;
        if (!members)
            continue;
        if (g < rr->n_regions)
            snprintf(title, sizeof title, "%s (%zu %s%s)", rr->region[g], members, who, members == 1 ? "" : "s");
        else
            snprintf(title, sizeof title, "Without a region (%zu)", members);
        snprintf(buf, sizeof buf, "region_%zu", g + 1);
        dti_table *t = dti_report_table(doc, buf, title);
        size_t c_rr = dti_table_col(t, "region_rank", DTI_COL_INT), c_rank = dti_table_col(t, "rank", DTI_COL_INT);
        dti_table_col_label(t, c_rr, "in region");
        dti_table_col_label(t, c_rank, "national");
        dti_table_col_null(t, c_rr, "?", NULL);
        dti_table_col_null(t, c_rank, "?", NULL);
        size_t c_name = dti_table_col(t, who, DTI_COL_TEXT), c_value = dti_table_col(t, bid, DTI_COL_NUM);
        dti_table_col_decimals(t, c_value, yr->fw->precision);
        size_t c_note = dti_table_col(t, "note", DTI_COL_TEXT);
        for (size_t c = 0; c < t->n_cols; c++)
            dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
        for (size_t i = 0; i < rk->n; i++) {
            if (g < rr->n_regions ? rr->region_of[i] != g : rr->region_of[i] != (size_t)-1)
                continue;
            const dti_ranking_row *row = &rk->row[i];
            size_t r = dti_table_row(t);
            if (rr->rank[i])
                dti_table_size(t, r, c_rr, rr->rank[i]);
            undetermined += !rr->rank[i] && row->status == DTI_RANK_EXACT;
            if (row->status == DTI_RANK_EXACT)
                dti_table_size(t, r, c_rank, row->rank);
            S_show_rank(t, r, c_rank, row, yr->units);
            dti_table_text(t, r, c_name, reg->p[row->reg].name);
            dti_table_num_prec(t, r, c_value, row->value, yr->fw->precision);
            S_note(rk, row, buf, sizeof buf);
            if (buf[0])
                dti_table_text(t, r, c_note, buf);
        }
    }
    dti_report_text_flags(doc, DTI_BLOCK_HUMAN_ONLY,
                          "In region: 1 + the number of the region's units ranked above (the official rule: ties share "
                          "a rank); ? = not determined (%zu with an exact national rank: a unit of their region known "
                          "only by bounds may be above them).",
                          undetermined);
}

/* Metadata and sources every ranking shares. */
static void S_meta(dti_report *doc, const dti_year *yr, const char *frame, size_t units, int latest)
{
    dti_report_meta_int(doc, "year", yr->year);
    dti_report_meta_bool(doc, "latest_year_by_default", latest);
    dti_report_meta_text(doc, "frame", frame);
    dti_report_meta_int(doc, "units", (long long)units);
    dti_report_meta_text(doc, "model", yr->fw->name);
    dti_report_source(doc, "year record", yr->path);
    dti_report_source(doc, "framework", yr->fw->path);
    dti_report_source(doc, "registry", yr->reg->path);
    if (latest)
        dti_report_text_flags(doc, DTI_BLOCK_HUMAN_ONLY, "%d is the latest year in the record (--year to choose another).",
                              yr->year);
}

dti_report *dti_present_rank(const dti_ranking *rk, int latest, const dti_region_ranks *rr, int by_region)
{
    const dti_year *yr = rk->yr;
    const dti_framework *fw = yr->fw;
    const dti_registry *reg = yr->reg;
    size_t nn = fw->n_nodes, by = rk->node;
    const char *bid = fw->nodes[by].id, *who = reg->frame ? "unit" : "province";
    dti_report *doc = dti_report_new("rank");
    S_meta(doc, yr, reg->frame ? reg->frame : "provinces", yr->units, latest);
    dti_report_meta_text(doc, "by", bid);
    dti_report_title(doc, "DTI %d: ranking by %s (%s), model %s, %zu units", yr->year, bid,
                     dti_framework_node_name(fw, by, 1), fw->name, yr->units);
    char diff[160] = "", weights[256] = "";
    if (!isnan(rk->max_diff))
        snprintf(diff, sizeof diff, " (largest |published - computed| %.6f; %zu above %.4f)", rk->max_diff,
                 rk->n_flagged, DTI_RANKING_FLAG_TOL);
    if (!dti_framework_weights_known(fw))
        snprintf(weights, sizeof weights,
                 " (model %s: the weights of the indicators are not published, so the index is not recomputed; "
                 "ranks follow the published values)",
                 fw->name);
    dti_report_text(doc, "%zu exact ranks, %zu bounded, %zu unknown; %s known for %zu of %zu units (%zu derived), "
                         "computed for %zu%s%s",
                    rk->n_exact, rk->n_bounded, rk->n_unknown, bid, rk->n_published, rk->n, rk->n_derived,
                    rk->n_computed, diff, weights);
    dti_table *t = dti_report_table(doc, "ranking", NULL);
    size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, c_rank, "?", "no exact rank: see rank_min and rank_max");
    size_t c_min = dti_table_col(t, "rank_min", DTI_COL_INT), c_max = dti_table_col(t, "rank_max", DTI_COL_INT);
    size_t c_status = dti_table_col(t, "rank_status", DTI_COL_TEXT);
    size_t c_derived = dti_table_col(t, "rank_derived", DTI_COL_BOOL);
    size_t c_name = dti_table_col(t, who, DTI_COL_TEXT), c_code = dti_table_col(t, "code", DTI_COL_TEXT);
    size_t c_value = dti_table_col(t, bid, DTI_COL_NUM);
    char name[160];
    snprintf(name, sizeof name, "%s_computed", bid);
    size_t c_comp = dti_table_col(t, name, DTI_COL_NUM);
    dti_table_col_decimals(t, c_value, fw->precision);
    dti_table_col_decimals(t, c_comp, fw->precision + 2);
    dti_table_col_null(t, c_comp, NULL, dti_framework_weights_known(fw) ? "an input of the index is unknown"
                                                                        : "the weights are not published");
    size_t c_nodes = t->n_cols;
    for (size_t k = 0; k < nn; k++) {
        if (k == by)
            continue;
        snprintf(name, sizeof name, "%s_rank", fw->nodes[k].id);
        size_t c = dti_table_col(t, name, DTI_COL_INT);
        if (!(dti_ranking_is_pillar(fw, k) || k == fw->root))
            dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
        c = dti_table_col(t, fw->nodes[k].id, DTI_COL_NUM);
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    }
    size_t c_dfields = dti_table_col(t, "derived_fields", DTI_COL_TEXT);
    size_t c_note = dti_table_col(t, "note", DTI_COL_TEXT);
    size_t c_source = dti_table_col(t, "rank_source", DTI_COL_TEXT);
    size_t c_region = dti_table_col(t, "region", DTI_COL_TEXT), c_rrank = dti_table_col(t, "region_rank", DTI_COL_INT);
    dti_table_col_null(t, c_rrank, NULL, "not determined: no exact rank, or a unit of the region known only by "
                                         "bounds may be above it");
    unsigned data_only[] = {(unsigned)c_min,     (unsigned)c_max,    (unsigned)c_status, (unsigned)c_derived,
                            (unsigned)c_code,    (unsigned)c_dfields, (unsigned)c_source, (unsigned)c_region,
                            (unsigned)c_rrank};
    for (size_t k = 0; k < sizeof data_only / sizeof *data_only; k++)
        dti_table_col_flags(t, data_only[k], DTI_COL_DATA_ONLY);
    if (by_region) /* the people's tables are the regions' own, below */
        for (size_t c = 0; c < t->n_cols; c++)
            dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    /* the rows: in rank order, or region by region (each in rank order), then the units without one */
    size_t *order = dti_xcalloc(rk->n + 1, sizeof *order), n_order = 0;
    for (size_t g = 0; g <= rr->n_regions; g++)
        for (size_t i = 0; i < rk->n; i++)
            if (!by_region ? g == 0 : g < rr->n_regions ? rr->region_of[i] == g : rr->region_of[i] == (size_t)-1)
                order[n_order++] = i;
    if (fw->nodes[by].n_children == 0)
        dti_table_col_flags(t, c_comp, DTI_COL_DATA_ONLY);
    static const char *const status[] = {"exact", "bounded", "unknown"};
    char buf[512];
    for (size_t o = 0; o < n_order; o++) {
        size_t i = order[o];
        const dti_ranking_row *row = &rk->row[i];
        size_t r = dti_table_row(t);
        if (rr->region_of[i] != (size_t)-1)
            dti_table_text(t, r, c_region, rr->region[rr->region_of[i]]);
        if (rr->rank[i])
            dti_table_size(t, r, c_rrank, rr->rank[i]);
        if (row->status == DTI_RANK_EXACT)
            dti_table_size(t, r, c_rank, row->rank);
        S_show_rank(t, r, c_rank, row, yr->units);
        if (row->status != DTI_RANK_UNKNOWN) {
            dti_table_size(t, r, c_min, row->lo);
            dti_table_size(t, r, c_max, row->hi);
        }
        dti_table_text(t, r, c_status, status[row->status]);
        dti_table_bool(t, r, c_derived, row->derived);
        dti_table_text(t, r, c_name, reg->p[row->reg].name);
        dti_table_text(t, r, c_code, reg->p[row->reg].code);
        dti_table_num_prec(t, r, c_value, row->value, fw->precision);
        dti_table_num(t, r, c_comp, row->computed);
        size_t c = c_nodes;
        for (size_t k = 0; k < nn; k++) {
            if (k == by)
                continue;
            if (row->entry != DTI_NONE) {
                const dti_fact *fr = &yr->rank[row->entry * nn + k], *fv = &yr->value[row->entry * nn + k];
                if (fr->known && !isnan(fr->value))
                    dti_table_size(t, r, c, (size_t)fr->value);
                if (fv->known)
                    dti_table_num_prec(t, r, c + 1, fv->value, fw->precision);
            }
            c += 2;
        }
        if (row->derived_fields[0])
            dti_table_text(t, r, c_dfields, row->derived_fields);
        S_note(rk, row, buf, sizeof buf);
        if (buf[0])
            dti_table_text(t, r, c_note, buf);
        if (row->entry != DTI_NONE) {
            const dti_fact *fr = &yr->rank[row->entry * nn + by];
            if (fr->known && fr->source)
                dti_table_text(t, r, c_source, fr->source);
        }
    }
    free(order);
    if (by_region)
        S_regions(doc, rk, rr, bid);
    dti_report_text(doc, "Ranks: ties share a rank and the next is skipped; * = derived from a stated change; "
                         "\u2265/\u2264 = known bounds; ? = unknown.  Source: %s",
                    yr->path);
    return doc;
}

dti_report *dti_present_rank_units(const dti_merger_ranking *mr, int latest)
{
    const dti_year *yr = mr->yr, *pub = mr->pub;
    const dti_merger *m = mr->m;
    const dti_registry *reg = mr->reg;
    const dti_framework *fw = yr->fw;
    size_t nu = m->n_units, n = reg->n;
    dti_report *doc = dti_report_new("rank");
    const char *base = strrchr(m->path, '/');
    base = base ? base + 1 : m->path;
    S_meta(doc, yr, "units", nu, latest);
    dti_report_meta_text(doc, "merger_map", m->path);
    dti_report_meta_text(doc, "merger_weight", m->weight_column);
    static const char *const method_name[] = {"value", "latent", "unknown"};
    dti_report_meta_text(doc, "rank_method", method_name[mr->method]);
    dti_report_source(doc, "merger map", m->path);
    if (pub)
        dti_report_source(doc, "published units' record", pub->path);
    dti_report_title(doc, "DTI %d among the %zu units of the 2025 reorganisation (map %s, %s mean%s%s)", yr->year, nu,
                     base, m->weight_column ? "weighted" : "unweighted", m->weight_column ? " by " : "",
                     m->weight_column ? m->weight_column : "");
    size_t ranked = 0;
    for (size_t j = 0; j < nu; j++)
        ranked += mr->method != DTI_MERGER_BY_NONE && mr->rank[j] ? 1u : 0u;
    const char *rule = mr->method == DTI_MERGER_BY_VALUE
                           ? "official rule on the merged values (mean of the former provinces' values)"
                       : mr->method == DTI_MERGER_BY_LATENT
                           ? "APPROXIMATION: mean normal score of the former provinces' ranks among 63 "
                             "(the record has ranks, not values; docs/merger.md)"
                           : "not determined: some former provinces have no exact rank this year (use "
                             "`dtirank project --units 34` for a distribution)";
    dti_report_text(doc, "Ranked by: %s.\n%zu of %zu units have a rank.", rule, ranked, nu);
    if (pub)
        dti_report_text(doc,
                        "Published table %s: %zu ranks and %zu values; %zu/%zu ranks and %zu/%zu values reproduced "
                        "(largest value difference %.5f; up to %.4f is input rounding: every value is published to "
                        "%d decimals).",
                        pub->path, mr->n_pub_rank, mr->n_pub_value, mr->rank_ok, mr->n_pub_rank, mr->value_ok,
                        mr->n_pub_value, mr->max_vdiff, mr->tol, fw->precision);
    dti_table *t = dti_report_table(doc, "units", NULL);
    size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, c_rank, "?", "not determined: a former province has no value or exact rank");
    size_t c_method = dti_table_col(t, "rank_method", DTI_COL_TEXT);
    size_t c_unit = dti_table_col(t, "unit", DTI_COL_TEXT);
    size_t c_dti = dti_table_col(t, fw->nodes[fw->root].id, DTI_COL_NUM);
    dti_table_col_decimals(t, c_dti, fw->precision + 2);
    size_t c_shown = pub ? dti_table_col(t, "published", DTI_COL_TEXT) : 0;
    char label[64];
    snprintf(label, sizeof label, "former provinces (rank among %zu)", yr->units);
    size_t c_former = dti_table_col(t, "former_provinces", DTI_COL_TEXT);
    dti_table_col_label(t, c_former, label);
    size_t c_lat = dti_table_col(t, "latent_score", DTI_COL_NUM);
    size_t c_prank = dti_table_col(t, "published_rank", DTI_COL_INT);
    size_t c_pdti = dti_table_col(t, "published_dti", DTI_COL_NUM);
    dti_table_col_flags(t, c_method, DTI_COL_DATA_ONLY);
    dti_table_col_flags(t, c_lat, DTI_COL_DATA_ONLY);
    dti_table_col_flags(t, c_prank, DTI_COL_DATA_ONLY);
    dti_table_col_flags(t, c_pdti, DTI_COL_DATA_ONLY);
    if (pub)
        dti_table_col_flags(t, c_shown, DTI_COL_HUMAN_ONLY);
    char former[4096], pv[32];
    for (size_t k = 0; k < nu; k++) {
        size_t j = mr->order[k], o = 0;
        size_t r = dti_table_row(t);
        if (mr->method != DTI_MERGER_BY_NONE && mr->rank[j])
            dti_table_size(t, r, c_rank, mr->rank[j]);
        dti_table_text(t, r, c_method, method_name[mr->method]);
        dti_table_text(t, r, c_unit, m->unit[j]);
        dti_table_num(t, r, c_dti, mr->value[j]);
        dti_table_num(t, r, c_lat, mr->latent[j]);
        former[0] = '\0';
        for (size_t p = 0; p < n && o + 1 < sizeof former; p++) {
            if (m->unit_of[p] != j)
                continue;
            if (mr->exact[p])
                o += (size_t)snprintf(former + o, sizeof former - o, "%s%s (%zu)", o ? ", " : "", reg->p[p].name,
                                      mr->exact[p]);
            else
                o += (size_t)snprintf(former + o, sizeof former - o, "%s%s (?)", o ? ", " : "", reg->p[p].name);
        }
        dti_table_text(t, r, c_former, former);
        if (!pub)
            continue;
        if (mr->pub_rank[j])
            dti_table_size(t, r, c_prank, mr->pub_rank[j]);
        dti_table_num_prec(t, r, c_pdti, mr->pub_value[j], fw->precision);
        char shown[96] = "";
        snprintf(pv, sizeof pv, "%.*f", fw->precision, mr->pub_value[j]);
        if (mr->pub_rank[j] && isnan(mr->pub_value[j]))
            snprintf(shown, sizeof shown, "%zu", mr->pub_rank[j]);
        else if (mr->pub_rank[j])
            snprintf(shown, sizeof shown, "%zu (%s)", mr->pub_rank[j], pv);
        else if (!isnan(mr->pub_value[j]))
            snprintf(shown, sizeof shown, "%s", pv);
        if (shown[0])
            dti_table_show(t, r, c_shown, "%s%s", shown, mr->differs[j] ? " DIFFERS" : "");
    }
    return doc;
}

/* ---- the bar charts of a ranking -------------------------------------------------------------------- */

/* "12 Thái Nguyên": the rank people see (S_show_rank's form) before the name. */
static char *S_bar_label(const char *rank, const char *name)
{
    size_t n = strlen(rank) + strlen(name) + 3;
    char *s = dti_xcalloc(n, 1);
    snprintf(s, n, "%s%s%s", rank, rank[0] ? "  " : "", name);
    return s;
}

static void S_bars(dti_report *doc, char **labels, const double *values, size_t n, size_t highlight, int decimals,
                   const char *title, const char *sub)
{
    dti_chart_bars in = {n, (const char *const *)labels, values, highlight, decimals};
    dti_chart_opts o = {.title = title, .subtitle = sub};
    dti_report_chart_bars(doc, "bars", &in, &o);
    for (size_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
}

void dti_present_rank_chart(dti_report *doc, const dti_ranking *rk, size_t highlight)
{
    const dti_year *yr = rk->yr;
    const dti_framework *fw = yr->fw;
    char **labels = dti_xcalloc(rk->n + 1, sizeof *labels), rank[32], title[256], sub[512];
    double *values = dti_xcalloc(rk->n + 1, sizeof *values);
    size_t hl = DTI_CHART_NONE;
    for (size_t i = 0; i < rk->n; i++) {
        const dti_ranking_row *row = &rk->row[i];
        if (row->status == DTI_RANK_EXACT)
            snprintf(rank, sizeof rank, "%zu%s", row->rank, row->derived ? "*" : "");
        else if (row->status == DTI_RANK_UNKNOWN)
            snprintf(rank, sizeof rank, "?");
        else if (row->lo > 1)
            snprintf(rank, sizeof rank, "\u2265%zu", row->lo);
        else
            snprintf(rank, sizeof rank, "\u2264%zu", row->hi);
        labels[i] = S_bar_label(rank, yr->reg->p[row->reg].name);
        values[i] = row->value;
        if (row->reg == highlight)
            hl = i;
    }
    snprintf(title, sizeof title, "DTI %d: %s", yr->year, dti_framework_node_name(fw, rk->node, 1));
    snprintf(sub, sizeof sub, "%zu %s, model %s; the published values in the table's order (a dash: not published)",
             yr->units, yr->reg->frame ? "units" : "provinces", fw->name);
    S_bars(doc, labels, values, rk->n, hl, fw->precision, title, sub);
    free(values);
}

void dti_present_rank_units_chart(dti_report *doc, const dti_merger_ranking *mr, size_t highlight)
{
    const dti_merger *m = mr->m;
    const dti_framework *fw = mr->yr->fw;
    size_t nu = m->n_units;
    char **labels = dti_xcalloc(nu + 1, sizeof *labels), rank[32], title[256], sub[512];
    double *values = dti_xcalloc(nu + 1, sizeof *values);
    size_t hl = DTI_CHART_NONE;
    for (size_t k = 0; k < nu; k++) {
        size_t j = mr->order[k];
        if (mr->method != DTI_MERGER_BY_NONE && mr->rank[j])
            snprintf(rank, sizeof rank, "%zu", mr->rank[j]);
        else
            snprintf(rank, sizeof rank, "?");
        labels[k] = S_bar_label(rank, m->unit[j]);
        values[k] = mr->value[j];
        if (j == highlight)
            hl = k;
    }
    snprintf(title, sizeof title, "DTI %d among the %zu units of the 2025 reorganisation", mr->yr->year, nu);
    snprintf(sub, sizeof sub, "a unit's value: the %s of its former provinces' (the official rule); model %s",
             m->weight_column ? "weighted mean" : "mean", fw->name);
    S_bars(doc, labels, values, nu, hl, fw->precision, title, sub);
    free(values);
}

/* ---- units ------------------------------------------------------------------------------------------ */

/* "A, B, C": the names of the entries of `of` equal to i (aliases of a province, former provinces of
 * a unit). */
static void S_names_of(char *const *names, const size_t *of, size_t n, size_t i, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && o < size; k++)
        if (of[k] == i)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "", names[k]);
}

dti_report *dti_present_units(const dti_registry *reg, int units, const char *aliases_path)
{
    dti_report *doc = dti_report_new("units");
    const dti_registry *u = reg->units;
    char buf[1024];
    dti_report_source(doc, "registry", reg->path);
    if (aliases_path)
        dti_report_source(doc, "aliases", aliases_path);
    if (units && u) {
        dti_report_meta_text(doc, "frame", "units");
        dti_report_meta_int(doc, "units", (long long)u->n);
        dti_report_source(doc, "merger map", u->path);
        dti_report_title(doc, "The %zu units of the 2025 reorganisation (%s)", u->n, u->path);
        dti_table *t = dti_report_table(doc, "units", NULL);
        static const char *const cols[] = {"unit", "ascii", "region", "former_provinces", "former_codes"};
        for (size_t c = 0; c < 5; c++)
            dti_table_col(t, cols[c], DTI_COL_TEXT);
        dti_table_col_label(t, 3, "former provinces");
        dti_table_col_flags(t, 4, DTI_COL_DATA_ONLY);
        char **names = dti_xcalloc(reg->n + 1, sizeof *names), **codes = dti_xcalloc(reg->n + 1, sizeof *codes);
        for (size_t p = 0; p < reg->n; p++) {
            names[p] = reg->p[p].name;
            codes[p] = reg->p[p].code;
        }
        for (size_t j = 0; j < u->n; j++) {
            size_t r = dti_table_row(t);
            dti_table_text(t, r, 0, u->p[j].name);
            dti_table_text(t, r, 1, u->p[j].ascii);
            dti_table_text(t, r, 2, u->p[j].region);
            S_names_of(names, u->unit_of, reg->n, j, buf, sizeof buf);
            dti_table_text(t, r, 3, buf);
            S_names_of(codes, u->unit_of, reg->n, j, buf, sizeof buf);
            dti_table_text(t, r, 4, buf);
        }
        free(names);
        free(codes);
        dti_report_text(doc, "A unit is named by its name, its ASCII name or the name of any of its former provinces.");
        return doc;
    }
    dti_report_meta_text(doc, "frame", "provinces");
    dti_report_meta_int(doc, "units", (long long)reg->n);
    dti_report_title(doc, "The %zu provinces of the registry (%s)", reg->n, reg->path);
    dti_table *t = dti_report_table(doc, "provinces", NULL);
    static const char *const cols[] = {"code", "name", "ascii", "region", "unit_2025", "aliases"};
    for (size_t c = 0; c < 6; c++)
        dti_table_col(t, cols[c], DTI_COL_TEXT);
    dti_table_col_label(t, 4, "unit from 2025");
    dti_table_col_label(t, 5, "other names");
    for (size_t p = 0; p < reg->n; p++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, reg->p[p].code);
        dti_table_text(t, r, 1, reg->p[p].name);
        dti_table_text(t, r, 2, reg->p[p].ascii);
        dti_table_text(t, r, 3, reg->p[p].region);
        dti_table_text(t, r, 4, reg->p[p].successor);
        S_names_of(reg->alias, reg->alias_of, reg->n_aliases, p, buf, sizeof buf);
        if (buf[0])
            dti_table_text(t, r, 5, buf);
    }
    dti_report_text(doc, "A province is named by its code, its Vietnamese or ASCII name or another name, in any case, "
                         "with or without diacritics and spaces.");
    return doc;
}
