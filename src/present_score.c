/* present_score.c -- the documents of `dtirank score` (the scores of every unit, with --detail the
 * normalised indicators and the outlier treatment log) and `dtirank audit` (descriptive statistics,
 * correlations, alpha and PCA per aggregate, effective weights).  Builds report documents
 * (report.h) from score.c's and audit.c's results; never prints.  Columns: docs/guide.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
    if (detail && !dti_score_merged(sc))
        S_treatment(doc, fw, w, r);
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

/* A correlation matrix: one row per variable (indicators, then aggregates), one column per variable. */
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
    for (size_t p = 0; p < nv; p++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, S_vid(a, p));
        for (size_t q = 0; q < nv; q++)
            dti_table_num(t, r, 1 + q, m[p * nv + q]);
    }
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

dti_report *dti_present_audit(const dti_audit *a)
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
    dti_present_blocks(doc, a->fw, a->ds);
    S_indicators(doc, a);
    S_matrix(doc, a, "pearson", "Pearson correlations (normalised indicators and aggregates, pairwise complete)",
             a->pearson);
    S_matrix(doc, a, "spearman", "Spearman correlations (normalised indicators and aggregates, pairwise complete)",
             a->spearman);
    S_aggregates(doc, a);
    return doc;
}
