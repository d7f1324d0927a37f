/* present_score.c -- the documents of `dtirank score` (the scores of every unit, with --detail the
 * normalised indicators and the outlier treatment log) and `dtirank audit` (descriptive statistics,
 * correlations, alpha and PCA per aggregate, effective weights).  Builds report documents
 * (report.h) from score.c's and audit.c's results; never prints.  Columns: docs/guide.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "internal.h"
#include "present.h"
#include "score.h"

static const char *const S_action[] = {"none", "winsorise", "log"};


/* ---- blocks: recovered values are derived, and say how ------------------------------------------- */

void dti_present_block_note(dti_report *doc, const dti_framework *fw, size_t node, const dti_block_tally *t,
                            size_t n_rows)
{
    const dti_block *b = fw->nodes[node].block;
    if (!b || !t || !t->recovered)
        return;
    char formula[512], members[512];
    size_t o = 0;
    members[0] = '\0';
    for (size_t k = 0; k < b->n_members && o < sizeof members; k++)
        o += (size_t)snprintf(members + o, sizeof members - o, "%s%s", k ? ", " : "", fw->nodes[b->member[k]].id);
    dti_block_formula(fw, b, formula, sizeof formula);
    dti_report_text(doc,
                    "derived: %s* is the mean of %s (not published one by one),\n"
                    "recovered for %zu of %zu units from the published %s and the %zu other weighted indicators by\n"
                    "  %s\n"
                    "(+-%.2g from the rounding of its inputs).  An index computed with it reproduces the published %s\n"
                    "by construction.",
                    fw->nodes[node].id, members, t->recovered, n_rows, fw->nodes[b->from].id, b->n_terms - 1, formula,
                    b->slack, fw->nodes[b->from].id);
    if (t->checked)
        dti_report_text(doc, "Where its %zu members are published (%zu units), the recovered %s is within %.2g of their mean.",
                        b->n_members, t->checked, fw->nodes[node].id, t->max_gap);
}

int dti_present_block_column(const dti_dataset *ds, size_t j) { return ds->block && ds->block[j].recovered > 0; }

void dti_present_blocks(dti_report *doc, const dti_framework *fw, const dti_dataset *ds)
{
    if (!ds->block)
        return;
    size_t *ind = dti_xcalloc(fw->n_nodes, sizeof *ind), nj = dti_engine_indicators(fw, ind), o = 0;
    char ids[512] = "";
    for (size_t j = 0; j < nj && j < ds->n_indicators; j++)
        if (dti_present_block_column(ds, j)) {
            if (o < sizeof ids)
                o += (size_t)snprintf(ids + o, sizeof ids - o, "%s%s", o ? "," : "", fw->nodes[ind[j]].id);
            dti_present_block_note(doc, fw, ind[j], &ds->block[j], ds->n_units);
        }
    if (ids[0])
        dti_report_meta_text(doc, "derived", ids);
    free(ind);
}

/* The outlier treatment of each indicator (score --detail). */
static void S_treatment(dti_report *doc, const dti_framework *fw, const dti_engine *w, const dti_engine_result *r)
{
    dti_table *t = dti_report_table(doc, "treatment", "Outlier treatment (per indicator, before and after)");
    static const char *const names[] = {"indicator", "skew_before", "kurt_before", "skew_after", "kurt_after",
                                        "action", "nwin", "side"};
    static const int types[] = {DTI_COL_TEXT, DTI_COL_NUM, DTI_COL_NUM, DTI_COL_NUM, DTI_COL_NUM,
                                DTI_COL_TEXT, DTI_COL_INT, DTI_COL_TEXT};
    for (size_t c = 0; c < 8; c++) {
        dti_table_col(t, names[c], types[c]);
        if (types[c] == DTI_COL_NUM) {
            dti_table_col_decimals(t, c, 3);
            dti_table_col_null(t, c, "NA", "undefined: fewer than 3 (skewness) or 4 (kurtosis) values, or no spread");
        }
    }
    for (size_t j = 0; j < r->n_indicators; j++) {
        const dti_treat_log *tl = &r->treat[j];
        size_t row = dti_table_row(t);
        dti_table_text(t, row, 0, fw->nodes[dti_engine_indicator_node(w, j)].id);
        dti_table_num(t, row, 1, tl->skew_before);
        dti_table_num(t, row, 2, tl->kurt_before);
        dti_table_num(t, row, 3, tl->skew_after);
        dti_table_num(t, row, 4, tl->kurt_after);
        dti_table_text(t, row, 5, S_action[tl->action]);
        dti_table_size(t, row, 6, tl->nwin);
        dti_table_text(t, row, 7, tl->n_high && tl->n_low ? "both" : tl->n_high ? "high" : tl->n_low ? "low" : "none");
    }
}

/* score --detail: one table per stage of the pipeline, as COINr's export_to_excel writes one sheet per
 * data set (Raw, Denominated, Imputed, Treated, Normalised, Aggregated): the units in the scores' order,
 * one column per indicator (per computed node for the aggregates).  Data only: CSV (--table), JSON and
 * xlsx carry them; text and Markdown show the scores. */
static void S_stages(dti_report *doc, const dti_framework *fw, const dti_dataset *ds, const dti_engine *w,
                     const dti_engine_result *r, const dti_score *sc)
{
    static const char *const names[] = {"raw", "denominated", "imputed", "treated", "normalised", "aggregated"};
    size_t nu = r->n_units, nj = r->n_indicators;
    for (size_t k = 0; k < 6; k++) {
        if (k == 1 && !fw->n_denominators) /* no denominator: the raw values again */
            continue;
        dti_table *t = dti_report_table(doc, names[k], NULL);
        dti_table_col(t, "unit", DTI_COL_TEXT);
        dti_table_col(t, "name", DTI_COL_TEXT);
        size_t *node = dti_xcalloc(fw->n_nodes, sizeof *node), n = 0;
        for (size_t i = 0; k == 5 && i < fw->n_nodes; i++)
            if (fw->nodes[i].n_children)
                node[n++] = i;
        for (size_t j = 0; k < 5 && j < nj; j++)
            node[n++] = dti_engine_indicator_node(w, j);
        for (size_t c = 0; c < n; c++)
            dti_table_col(t, fw->nodes[node[c]].id, DTI_COL_NUM);
        for (size_t c = 0; c < t->n_cols; c++)
            dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
        const double *stage[] = {NULL, r->denominated, r->imputed, r->treated, r->normalised, r->values};
        for (size_t q = 0; q < nu; q++) {
            size_t u = r->order[q], row = dti_table_row(t);
            dti_table_text(t, row, 0, dti_score_unit_code(sc, u));
            dti_table_text(t, row, 1, dti_score_unit_name(sc, u));
            for (size_t c = 0; c < n; c++)
                dti_table_num(t, row, 2 + c,
                              k == 0   ? ds->values[u * ds->n_indicators + c]
                              : k == 5 ? stage[k][node[c] * nu + u]
                                       : stage[k][c * nu + u]);
        }
        free(node);
    }
}

dti_report *dti_present_score(const dti_score *sc, int detail, const dti_merger *m)
{
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine *w;
    const dti_engine_result *r;
    dti_score_parts(sc, &fw, &ds, &w, &r);
    size_t n_cols, nu = r->n_units, nj = r->n_indicators, scored = 0;
    const size_t *cols = dti_score_columns(sc, &n_cols);
    for (size_t u = 0; u < nu; u++)
        scored += r->rank[u] ? 1u : 0u;
    dti_report *doc = dti_report_new("score");
    dti_report_meta_text(doc, "model", fw->name);
    dti_report_meta_text(doc, "data", ds->path);
    dti_report_meta_text(doc, "frame", m ? "units" : "data");
    dti_report_meta_int(doc, "units", (long long)nu);
    dti_report_meta_int(doc, "scored", (long long)scored);
    dti_report_meta_int(doc, "imputed", (long long)r->n_imputed);
    dti_report_meta_int(doc, "still_missing", (long long)r->n_still_missing);
    dti_report_meta_int(doc, "removed", (long long)r->n_removed);
    dti_report_source(doc, "framework", fw->path);
    dti_report_source(doc, "data", ds->path);
    if (m) {
        dti_report_meta_text(doc, "merger_map", m->path);
        dti_report_meta_text(doc, "merger_weight", m->weight_column);
        dti_report_source(doc, "merger map", m->path);
        dti_report_title(doc, "%s among the %zu units of the 2025 reorganisation: %zu imputed cells, %zu removed by "
                              "the screen",
                         dti_framework_title(fw), nu, r->n_imputed, r->n_removed);
        dti_report_text(doc, "A unit's main indicators are the %s mean of its former provinces' normalised main "
                             "indicators (map %s%s%s), then aggregated by the model.",
                        m->weight_column ? "weighted" : "unweighted", m->path, m->weight_column ? ", weights: " : "",
                        m->weight_column ? m->weight_column : "");
    } else {
        dti_report_title(doc, "%s: %zu units, %zu imputed cells, %zu removed by the screen", dti_framework_title(fw), nu,
                         r->n_imputed, r->n_removed);
    }
    dti_report_text(doc, "%zu of %zu units have a score (every input the model needs).", scored, nu);
    dti_present_years_note(doc, ds);
    dti_present_blocks(doc, fw, ds);
    dti_table *t = dti_report_table(doc, "scores", NULL);
    size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, c_rank, "-", "no score: an input the model needs is missing, or the screen removed the unit");
    size_t c_unit = dti_table_col(t, "unit", DTI_COL_TEXT), c_name = dti_table_col(t, "name", DTI_COL_TEXT);
    size_t c_kept = dti_table_col(t, "kept", DTI_COL_BOOL);
    dti_table_col_flags(t, c_kept, DTI_COL_DATA_ONLY);
    size_t c0 = t->n_cols, n_c = n_cols + (detail ? nj : 0);
    for (size_t c = 0; c < n_c; c++) {
        size_t node = c < n_cols ? cols[c] : dti_engine_indicator_node(w, c - n_cols);
        size_t k = dti_table_col(t, fw->nodes[node].id, DTI_COL_NUM);
        dti_table_col_decimals(t, k, fw->precision);
        dti_table_col_null(t, k, "NA", "missing: an input is missing and the aggregation needs it");
        if (c >= n_cols && dti_present_block_column(ds, c - n_cols)) {
            char label[160];
            snprintf(label, sizeof label, "%s*", fw->nodes[node].id);
            dti_table_col_label(t, k, label);
        }
    }
    /* a block's recovered values (block.h): "id*" to people, an `<id>_derived` column in data formats */
    size_t c_der = t->n_cols, n_der = 0, der_col[64];
    for (size_t j = 0; detail && !dti_score_merged(sc) && j < nj && n_der < 64; j++)
        if (dti_present_block_column(ds, j)) {
            char name[160];
            snprintf(name, sizeof name, "%s_derived", fw->nodes[dti_engine_indicator_node(w, j)].id);
            dti_table_col_flags(t, dti_table_col(t, name, DTI_COL_BOOL), DTI_COL_DATA_ONLY);
            der_col[n_der++] = j;
        }
    for (size_t k = 0; k < nu; k++) {
        size_t u = r->order[k], row = dti_table_row(t);
        if (r->rank[u])
            dti_table_size(t, row, c_rank, r->rank[u]);
        dti_table_text(t, row, c_unit, dti_score_unit_code(sc, u));
        dti_table_text(t, row, c_name, dti_score_unit_name(sc, u));
        dti_table_bool(t, row, c_kept, r->kept[u]);
        for (size_t c = 0; c < n_c; c++)
            dti_table_num(t, row, c0 + c,
                          c < n_cols ? r->values[cols[c] * nu + u] : r->normalised[(c - n_cols) * nu + u]);
        for (size_t d = 0; d < n_der; d++)
            dti_table_bool(t, row, c_der + d, ds->derived[u * ds->n_indicators + der_col[d]]);
    }
    if (detail && !dti_score_merged(sc)) {
        S_stages(doc, fw, ds, w, r, sc);
        S_treatment(doc, fw, w, r);
    }
    return doc;
}

/* ---- audit ---------------------------------------------------------------------------------------- */

static const char *S_vid(const dti_audit *a, size_t v)
{
    return a->fw->nodes[v < a->nj ? a->ind[v] : a->agg[v - a->nj]].id;
}

static void S_indicators(dti_report *doc, const dti_audit *a)
{
    dti_table *t = dti_report_table(doc, "indicators",
                                    "Indicators (denominated raw values, before imputation; sd with n-1; type-2 "
                                    "skewness and excess kurtosis; treatment by the model's outlier rule)");
    static const struct {
        const char *name, *label;
        int type, decimals, digits;
    } cols[] = {{"indicator", NULL, DTI_COL_TEXT, -1, 0},      {"n", NULL, DTI_COL_INT, -1, 0},
                {"missing", "miss", DTI_COL_INT, -1, 0},        {"mean", NULL, DTI_COL_NUM, -1, 6},
                {"sd", NULL, DTI_COL_NUM, -1, 6},               {"min", NULL, DTI_COL_NUM, -1, 6},
                {"max", NULL, DTI_COL_NUM, -1, 6},              {"skewness", "skew", DTI_COL_NUM, 3, 0},
                {"kurtosis", "kurt", DTI_COL_NUM, 3, 0},        {"treatment", "treated", DTI_COL_TEXT, -1, 0},
                {"nwin", NULL, DTI_COL_INT, -1, 0},             {"nominal_weight", "nominal", DTI_COL_NUM, 4, 0},
                {"effective_weight", "effect.", DTI_COL_NUM, 4, 0}};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        dti_table_col(t, cols[c].name, cols[c].type);
        if (cols[c].label)
            dti_table_col_label(t, c, cols[c].label);
        dti_table_col_decimals(t, c, cols[c].decimals);
        dti_table_col_digits(t, c, cols[c].digits);
        if (cols[c].type == DTI_COL_NUM)
            dti_table_col_null(t, c, "NA", "undefined: too few values, or no spread");
    }
    for (size_t j = 0; j < a->nj; j++) {
        const dti_audit_desc *d = &a->desc[j];
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, S_vid(a, j));
        dti_table_size(t, r, 1, d->n);
        dti_table_size(t, r, 2, d->missing);
        double v[] = {d->mean, d->sd, d->min, d->max, d->skew, d->kurt};
        for (size_t k = 0; k < 6; k++)
            dti_table_num(t, r, 3 + k, v[k]);
        dti_table_text(t, r, 9, S_action[a->r->treat[j].action]);
        dti_table_size(t, r, 10, a->r->treat[j].nwin);
        dti_table_num(t, r, 11, a->nominal[j]);
        dti_table_num(t, r, 12, a->effective[j]);
    }
}

/* A correlation matrix for people (--matrices): one row per variable (indicators, then aggregates), one
 * column per variable. */
static void S_matrix(dti_report *doc, const dti_audit *a, const char *name, const char *title, const double *m)
{
    size_t nv = a->nj + a->na;
    dti_table *t = dti_report_table(doc, name, title);
    dti_table_col(t, "variable", DTI_COL_TEXT);
    dti_table_col_label(t, 0, "");
    for (size_t q = 0; q < nv; q++) {
        size_t c = dti_table_col(t, S_vid(a, q), DTI_COL_NUM);
        dti_table_col_decimals(t, c, 3);
        dti_table_col_null(t, c, "NA", "undefined: fewer than 2 complete pairs, or a constant variable");
    }
    for (size_t c = 0; c < t->n_cols; c++)
        dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
    for (size_t p = 0; p < nv; p++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, S_vid(a, p));
        for (size_t q = 0; q < nv; q++)
            dti_table_num(t, r, 1 + q, m[p * nv + q]);
    }
}

/* A correlation matrix as data: the long table (row, column, r), every cell of the square matrix. */
static void S_long_matrix(dti_report *doc, const dti_audit *a, const char *name, const double *m)
{
    size_t nv = a->nj + a->na;
    dti_table *t = dti_report_table(doc, name, NULL);
    dti_table_col(t, "row", DTI_COL_TEXT);
    dti_table_col(t, "column", DTI_COL_TEXT);
    dti_table_col(t, "r", DTI_COL_NUM);
    dti_table_col_null(t, 2, NULL, "undefined: fewer than 2 complete pairs, or a constant variable");
    for (size_t c = 0; c < 3; c++)
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    for (size_t p = 0; p < nv; p++)
        for (size_t q = 0; q < nv; q++) {
            size_t r = dti_table_row(t);
            dti_table_text(t, r, 0, S_vid(a, p));
            dti_table_text(t, r, 1, S_vid(a, q));
            dti_table_num(t, r, 2, m[p * nv + q]);
        }
}

/* Where a flag is: "lpi", "goods ~ services", "fdi -> conecfin", or the unit. */
static void S_flag_where(const dti_audit *a, const dti_audit_flag *f, char *buf, size_t size)
{
    const dti_framework *fw = a->fw;
    if (f->unit != (size_t)-1)
        snprintf(buf, size, "%s", dti_score_unit_name(a->sc, f->unit));
    else if (f->other == (size_t)-1)
        snprintf(buf, size, "%s", fw->nodes[f->node].id);
    else
        snprintf(buf, size, "%s %s %s", fw->nodes[f->node].id,
                 (f->kind == DTI_FLAG_NEGATIVE_PARENT || f->statistic == DTI_FLAG_NEGATIVE_PARENT) ? "->" : "~",
                 fw->nodes[f->other].id);
}

#define S_FLAGS_SHOWN 6 /* unit flags and few-units warnings of one kind listed one by one for people; more
                          * are summed up in one row naming the first S_FLAGS_NAMED */
#define S_FLAGS_NAMED 2

/* The flags for people (table `flag_list`): one line each, long runs of unit flags or few-units warnings
 * of one kind summed up in one line. */
static void S_flag_list(dti_report *doc, const dti_audit *a, const dti_audit_flags *fl)
{
    dti_table *h = dti_report_table(doc, "flag_list", "Flags (docs/methods.md §8a)");
    static const char *const hn[] = {"flag", "where", "value", "bound", "units"};
    for (size_t c = 0; c < 5; c++) {
        dti_table_col(h, hn[c], c < 2 ? DTI_COL_TEXT : c == 4 ? DTI_COL_INT : DTI_COL_NUM);
        dti_table_col_flags(h, c, DTI_COL_HUMAN_ONLY);
    }
    dti_table_col_decimals(h, 2, 3);
    dti_table_col_digits(h, 3, 3);
    dti_table_col_null(h, 2, "", NULL);
    char where[512], label[64];
    for (size_t k = 0; k < fl->n; k++) {
        const dti_audit_flag *f = &fl->flag[k];
        /* the flags of this kind (and statistic), counted once at the first */
        size_t same = 0, seen = 0;
        for (size_t j = 0; j < fl->n; j++)
            if (fl->flag[j].kind == f->kind && fl->flag[j].statistic == f->statistic) {
                same++;
                seen += j < k;
            }
        if (f->kind == DTI_FLAG_FEW_UNITS)
            snprintf(label, sizeof label, "few units: %s", dti_audit_flag_kind_name(f->statistic));
        else
            snprintf(label, sizeof label, "%s", dti_audit_flag_kind_name(f->kind));
        if (same > S_FLAGS_SHOWN && (f->kind == DTI_FLAG_FEW_UNITS || f->kind == DTI_FLAG_UNIT_AVAILABILITY)) {
            if (seen)
                continue;
            size_t o = 0, shown = 0, lo = SIZE_MAX, hi = 0;
            for (size_t j = 0; j < fl->n && o < sizeof where; j++) {
                const dti_audit_flag *g = &fl->flag[j];
                if (g->kind != f->kind || g->statistic != f->statistic)
                    continue;
                lo = g->n < lo ? g->n : lo;
                hi = g->n > hi ? g->n : hi;
                if (shown++ < S_FLAGS_NAMED) {
                    char one[160];
                    S_flag_where(a, g, one, sizeof one);
                    o += (size_t)snprintf(where + o, sizeof where - o, "%s%s", o ? ", " : "", one);
                }
            }
            if (o < sizeof where)
                snprintf(where + o, sizeof where - o, " and %zu more", same - S_FLAGS_NAMED);
            size_t r = dti_table_row(h);
            dti_table_text(h, r, 0, label);
            dti_table_text(h, r, 1, where);
            dti_table_num(h, r, 3, f->threshold);
            dti_table_size(h, r, 4, lo);
            if (hi > lo)
                dti_table_show(h, r, 4, "%zu-%zu", lo, hi);
            continue;
        }
        S_flag_where(a, f, where, sizeof where);
        size_t r = dti_table_row(h);
        dti_table_text(h, r, 0, label);
        dti_table_text(h, r, 1, where);
        dti_table_num(h, r, 2, f->value);
        if (f->kind == DTI_FLAG_SKEW_KURT)
            dti_table_show(h, r, 2, "%.3f / %.3f", f->value, f->value2);
        dti_table_num(h, r, 3, f->threshold);
        dti_table_size(h, r, 4, f->n);
    }
    if (!fl->n)
        dti_table_note(h, "No flags.");
    else
        dti_table_note(h, "value: the statistic (availability share, skewness / kurtosis, alpha, r); bound: the "
                          "threshold crossed; units: the units it rests on.  few units: a statistic on fewer than "
                          "10 units (fragile).");
}

/* The flags: every one as data (table `flags`), for people the same with long runs of one kind summed
 * up (table `flag_list`). */
static void S_flags(dti_report *doc, const dti_audit *a, const dti_audit_flags *fl)
{
    const dti_framework *fw = a->fw;
    dti_table *t = dti_report_table(doc, "flags", NULL);
    static const char *const names[] = {"kind", "node", "other", "unit", "statistic", "value", "value2", "threshold", "n"};
    static const int types[] = {DTI_COL_TEXT, DTI_COL_TEXT, DTI_COL_TEXT, DTI_COL_TEXT, DTI_COL_TEXT,
                                DTI_COL_NUM,  DTI_COL_NUM,  DTI_COL_NUM,  DTI_COL_INT};
    for (size_t c = 0; c < 9; c++) {
        dti_table_col(t, names[c], types[c]);
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    }
    dti_table_col_null(t, 5, NULL, "undefined (a few_units warning of a statistic that cannot be computed)");
    dti_table_col_null(t, 6, NULL, "only skew_kurt has a second value (the kurtosis)");
    for (size_t k = 0; k < fl->n; k++) {
        const dti_audit_flag *f = &fl->flag[k];
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, dti_audit_flag_kind_name(f->kind));
        if (f->node != (size_t)-1)
            dti_table_text(t, r, 1, fw->nodes[f->node].id);
        if (f->other != (size_t)-1)
            dti_table_text(t, r, 2, fw->nodes[f->other].id);
        if (f->unit != (size_t)-1)
            dti_table_text(t, r, 3, dti_score_unit_code(a->sc, f->unit));
        dti_table_text(t, r, 4, dti_audit_flag_kind_name(f->statistic));
        dti_table_num(t, r, 5, f->value);
        dti_table_num(t, r, 6, f->value2);
        dti_table_num(t, r, 7, f->threshold);
        dti_table_size(t, r, 8, f->n);
    }
    S_flag_list(doc, a, fl);
}

/* Alpha of every aggregate, then the PCA of its children: one table per aggregate. */
static void S_aggregates(dti_report *doc, const dti_audit *a)
{
    dti_table *t = dti_report_table(doc, "aggregates",
                                    "Aggregates: Cronbach's alpha and PCA of the children (correlation matrix, "
                                    "complete units; loadings are unit-length eigenvectors, sign chosen so that "
                                    "they sum to >= 0)");
    dti_table_col(t, "aggregate", DTI_COL_TEXT);
    dti_table_col(t, "children", DTI_COL_INT);
    dti_table_col(t, "complete_units", DTI_COL_INT);
    dti_table_col_label(t, 2, "complete");
    dti_table_col(t, "alpha", DTI_COL_NUM);
    dti_table_col_decimals(t, 3, 4);
    dti_table_col_null(t, 3, "NA", "undefined: fewer than 2 children or 2 complete units, or no total variance");
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, a->fw->nodes[gr->node].id);
        dti_table_size(t, r, 1, gr->k);
        dti_table_size(t, r, 2, gr->n_complete);
        dti_table_num(t, r, 3, gr->alpha);
    }
    char name[160], title[256];
    for (size_t g = 0; g < a->na; g++) {
        const dti_audit_group *gr = &a->grp[g];
        const dti_node *nd = &a->fw->nodes[gr->node];
        snprintf(name, sizeof name, "pca_%s", nd->id);
        snprintf(title, sizeof title, "PCA of %s: %zu children, %zu complete units", nd->id, gr->k, gr->n_complete);
        dti_table *p = dti_report_table(doc, name, title);
        dti_table_col(p, "row", DTI_COL_TEXT);
        dti_table_col_label(p, 0, "component");
        for (size_t f = 0; f < gr->k; f++) {
            char col[32];
            snprintf(col, sizeof col, "pc%zu", f + 1);
            size_t c = dti_table_col(p, col, DTI_COL_NUM);
            dti_table_col_decimals(p, c, 4);
            dti_table_col_null(p, c, "NA", "undefined: fewer than 2 children or 3 complete units, or a constant child");
        }
        for (size_t k = 0; k < gr->k + 2; k++) { /* eigenvalue, explained share, then one loading per child */
            size_t r = dti_table_row(p);
            dti_table_text(p, r, 0, k == 0 ? "eigenvalue" : k == 1 ? "explained" : a->fw->nodes[nd->children[k - 2]].id);
            for (size_t f = 0; f < gr->k; f++)
                dti_table_num(p, r, 1 + f,
                              k == 0   ? gr->eigenvalues[f]
                              : k == 1 ? gr->eigenvalues[f] / (double)gr->k
                                       : gr->loadings[(k - 2) * gr->k + f]);
        }
    }
}

dti_report *dti_present_audit(const dti_audit *a, int matrices)
{
    size_t kept = a->nu - a->r->n_removed;
    dti_report *doc = dti_report_new("audit");
    dti_report_meta_text(doc, "model", a->fw->name);
    dti_report_meta_text(doc, "data", a->ds->path);
    dti_report_meta_int(doc, "units", (long long)a->nu);
    dti_report_meta_int(doc, "kept", (long long)kept);
    dti_report_meta_int(doc, "indicators", (long long)a->nj);
    dti_report_meta_int(doc, "aggregates", (long long)a->na);
    dti_report_source(doc, "framework", a->fw->path);
    dti_report_source(doc, "data", a->ds->path);
    dti_report_title(doc, "Audit of %s: %zu units, %zu kept by the screen, %zu indicators, %zu aggregates",
                     dti_framework_title(a->fw), a->nu, kept, a->nj, a->na);
    size_t scored = 0;
    for (size_t u = 0; u < a->nu; u++)
        scored += a->r->rank[u] ? 1u : 0u;
    dti_report_text(doc, "%zu of %zu units have a score; correlations use the pairs where both values are known.",
                    scored, a->nu);
    dti_present_years_note(doc, a->ds);
    dti_present_blocks(doc, a->fw, a->ds);
    dti_audit_flags fl;
    dti_error quiet;
    dti_error_init(&quiet);
    if (dti_audit_flags_compute(a, NULL, &fl, &quiet))
        memset(&fl, 0, sizeof fl);
    size_t few = 0;
    for (size_t k = 0; k < fl.n; k++)
        few += fl.flag[k].kind == DTI_FLAG_FEW_UNITS;
    dti_report_meta_int(doc, "flags", (long long)(fl.n - few));
    dti_report_meta_int(doc, "few_units_warnings", (long long)few);
    dti_report_text(doc, "%zu flags, %zu warnings of statistics on fewer than 10 units.", fl.n - few, few);
    if (scored < 10)
        dti_report_text(doc, "Warning: %zu units have a score (fewer than 10): alpha, PCA, correlations and effective "
                             "weights rest on few units and are fragile.",
                        scored);
    S_flags(doc, a, &fl);
    dti_audit_flags_clear(&fl);
    S_indicators(doc, a);
    /* the Pearson matrix as a heat map (--format svg and html) */
    size_t nv = a->nj + a->na;
    const char **ids = dti_xcalloc(nv + 1, sizeof *ids);
    for (size_t v = 0; v < nv; v++)
        ids[v] = S_vid(a, v);
    dti_chart_heatmap hm = {nv, nv, ids, ids, a->pearson, 2};
    char sub[512];
    const char *base = strrchr(a->ds->path, '/');
    snprintf(sub, sizeof sub, "%s, data %s; normalised indicators, then aggregates; pairwise complete", a->fw->name,
             base ? base + 1 : a->ds->path);
    dti_chart_opts o = {.title = "Pearson correlations", .subtitle = sub};
    dti_report_chart_heatmap(doc, "heatmap", &hm, &o);
    free(ids);
    S_aggregates(doc, a);
    S_long_matrix(doc, a, "pearson", a->pearson);
    S_long_matrix(doc, a, "spearman", a->spearman);
    if (matrices) {
        S_matrix(doc, a, "pearson_matrix", "Pearson correlations (normalised indicators and aggregates, pairwise complete)",
                 a->pearson);
        S_matrix(doc, a, "spearman_matrix",
                 "Spearman correlations (normalised indicators and aggregates, pairwise complete)", a->spearman);
    } else {
        dti_report_text_flags(doc, DTI_BLOCK_HUMAN_ONLY,
                              "Pearson and Spearman correlations: --matrices (or --format csv --table pearson|spearman, "
                              "long tables).");
    }
    return doc;
}
