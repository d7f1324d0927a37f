/* present_import.c -- the documents of `dtirank template` (an empty table of a framework, one row per
 * province or unit, to fill and read back) and `dtirank import` (what a new year record holds).  Builds
 * report documents (report.h); never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "present.h"

/* A node's name for people in the label row: Vietnamese, else English, else its id. */
static const char *S_label(const dti_node *nd)
{
    return nd->name_vi ? nd->name_vi : nd->name_en ? nd->name_en : nd->id;
}

dti_report *dti_present_template(const dti_framework *fw, const dti_registry *reg)
{
    int units = reg->frame != NULL;
    dti_report *doc = dti_report_new("template");
    dti_report_meta_text(doc, "model", fw->name);
    dti_report_meta_text(doc, "frame", units ? reg->frame : "provinces");
    dti_report_meta_int(doc, "units", (long long)reg->n);
    dti_report_source(doc, "framework", fw->path);
    dti_report_source(doc, units ? "merger map" : "registry", reg->path);
    dti_report_title(doc, "Template of model %s: %zu %s, one column per %s", fw->name, reg->n,
                     units ? "units of the 2025 reorganisation" : "provinces",
                     fw->n_years ? "published figure and indicator" : "indicator");
    dti_report_text(doc, "Fill a number in each cell you know (an empty cell is a missing value) and read the "
                         "table back with --data (score, audit, tune)%s.  The row whose first cell starts with '#' "
                         "gives the Vietnamese names: the reader skips it.",
                    fw->n_years ? " or dtirank import" : "");
    dti_table *t = dti_report_table(doc, "template", NULL);
    size_t n = fw->n_nodes, *ind = dti_xcalloc(n, sizeof *ind), nj = dti_engine_indicators(fw, ind);
    /* the columns: the unit, then (a published index: a framework with editions) the index and its rank,
     * the indicators in the framework's order, and the denominators the indicators are divided by */
    size_t nc = (fw->n_years ? 3u : 1u) + nj + fw->n_denominators;
    char **name = dti_xcalloc(nc, sizeof *name), **label = dti_xcalloc(nc, sizeof *label);
    size_t k = 0;
    name[k] = dti_strdup(units ? "unit" : "province");
    label[k++] = dti_strdup(units ? "# Tỉnh/thành phố (34 đơn vị từ 1/7/2025)" : "# Tỉnh/thành phố");
    const dti_node *root = &fw->nodes[fw->root];
    if (fw->n_years) {
        size_t len = strlen(root->id) + 6;
        name[k] = dti_xcalloc(len, 1);
        snprintf(name[k], len, "%s_rank", root->id);
        label[k++] = dti_strdup("Xếp hạng");
        name[k] = dti_strdup(root->id);
        label[k++] = dti_strdup(S_label(root));
    }
    for (size_t j = 0; j < nj; j++) {
        name[k] = dti_strdup(fw->nodes[ind[j]].id);
        label[k++] = dti_strdup(S_label(&fw->nodes[ind[j]]));
    }
    for (size_t d = 0; d < fw->n_denominators; d++) {
        size_t len = strlen(fw->denominators[d]) + 16;
        name[k] = dti_xcalloc(len, 1);
        snprintf(name[k], len, "denominator:%s", fw->denominators[d]);
        label[k] = dti_xcalloc(len, 1);
        snprintf(label[k++], len, "Mẫu số: %s", fw->denominators[d]);
    }
    for (size_t c = 0; c < nc; c++)
        dti_table_col(t, name[c], DTI_COL_TEXT);
    size_t r = dti_table_row(t);
    for (size_t c = 0; c < nc; c++)
        dti_table_text(t, r, c, label[c]);
    for (size_t i = 0; i < reg->n; i++)
        dti_table_text(t, dti_table_row(t), 0, reg->p[i].name);
    for (size_t c = 0; c < nc; c++) {
        free(name[c]);
        free(label[c]);
    }
    free(name);
    free(label);
    free(ind);
    return doc;
}

dti_report *dti_present_import(const dti_import_view *v)
{
    dti_report *doc = dti_report_new("import");
    dti_report_meta_int(doc, "year", v->year);
    dti_report_meta_text(doc, "model", v->model);
    dti_report_meta_bool(doc, "model_assumed", v->model_assumed);
    dti_report_meta_text(doc, "frame", v->frame ? v->frame : "provinces");
    dti_report_meta_int(doc, "units", (long long)v->units);
    dti_report_meta_int(doc, "rows", (long long)v->rows);
    dti_report_meta_text(doc, "record", v->record);
    dti_report_meta_bool(doc, "replaced", v->replaced);
    dti_report_source(doc, "table", v->table);
    dti_report_source(doc, "framework", v->framework);
    dti_report_title(doc, "DTI %d %s %s: %zu of the %zu %s, model %s%s", v->year,
                     v->replaced ? "replaced in" : "written to", v->record, v->rows, v->units,
                     v->frame ? "units" : "provinces", v->model, v->model_assumed ? " (assumed)" : "");
    dti_report_text(doc, "%zu facts: %zu ranks, %zu values; each with evidence 'imported' and its source.  Loaded "
                         "back and checked like the shipped records (validate, rank, project read it as it is).",
                    v->n_ranks + v->n_values, v->n_ranks, v->n_values);
    if (v->model_assumed)
        dti_report_text(doc, "The framework of DTI %d is not known: the record carries model %s forward "
                             "(model_assumed: true; --model-name names another).",
                        v->year, v->model);
    dti_table *t = dti_report_table(doc, "columns", NULL);
    dti_table_col(t, "column", DTI_COL_TEXT);
    dti_table_col(t, "key", DTI_COL_TEXT);
    dti_table_col(t, "facts", DTI_COL_INT);
    dti_table_col(t, "source", DTI_COL_TEXT);
    for (size_t i = 0; i < v->n_cols; i++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, v->cols[i].column);
        dti_table_text(t, r, 1, v->cols[i].key);
        dti_table_size(t, r, 2, v->cols[i].facts);
        dti_table_text(t, r, 3, v->cols[i].source);
    }
    return doc;
}
