/* import.c -- a year record from a published table (import.h): the table's figures become facts with
 * their sources, in the order and format of the shipped records (year_write.c), and what the year loader
 * says of the record written is said again at the table's own cells.  Compute layer: no file is opened.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "import.h"
#include "internal.h"
#include "report.h"
#include "year_write.h"

#define S_EVIDENCE "imported"

/* A header column (wide tables): what it gives. */
typedef struct S_col {
    size_t field;       /* the header field */
    const char *text;   /* its text (borrowed from the csv) */
    size_t node;        /* DTI_NONE: the unit or name column */
    int is_rank;
    const char *source; /* --source-for, else --source */
    size_t facts;
    char *key;          /* the record's key: <id> or <id>_rank */
} S_col;

typedef struct S_fact {
    char value[40];
    size_t line, column; /* the table's cell */
} S_fact;

struct dti_import {
    const dti_framework *fw;
    dti_import_settings s;
    dti_record rec;
    dti_record_entry *entries;
    size_t *entry_line, *entry_column; /* the row's unit cell (0 for entries not in the table) */
    dti_record_fact *facts;
    S_fact *fpos;
    size_t n_facts, n_ranks, n_values, rows;
    S_col *cols;
    size_t n_cols;
    dti_import_column *summary;
    char *comment_text[4];
    const char *comment[5];
};

void dti_import_free(dti_import *im)
{
    if (!im)
        return;
    for (size_t c = 0; c < im->n_cols; c++)
        free(im->cols[c].key);
    for (size_t k = 0; k < 4; k++)
        free(im->comment_text[k]);
    free(im->cols);
    free(im->summary);
    free(im->facts);
    free(im->fpos);
    free(im->entries);
    free(im->entry_line);
    free(im->entry_column);
    free(im);
}

/* ---- the table's columns ------------------------------------------------------------------------- */

static const dti_csv_cell *S_record(const dti_csv *t, size_t r, size_t *n)
{
    *n = t->row[r + 1] - t->row[r];
    return t->cell + t->row[r];
}

/* The record (index) whose first cell is on `line`, or DTI_NONE. */
static size_t S_record_at(const dti_csv *t, size_t line)
{
    for (size_t r = 1; r < t->n_rows; r++)
        if (t->cell[t->row[r]].line == line)
            return r;
    return DTI_NONE;
}

static int S_is_long(const dti_csv *t)
{
    size_t n;
    const dti_csv_cell *h = S_record(t, 0, &n);
    int ind = 0, val = 0;
    for (size_t k = 0; k < n; k++) {
        char *f = dti_name_fold(h[k].text);
        ind |= !strcmp(f, "indicator");
        val |= !strcmp(f, "value");
        free(f);
    }
    return ind && val;
}

/* Node `folded` names (an id), or DTI_NONE. */
static size_t S_node(const dti_framework *fw, const char *folded)
{
    for (size_t i = 0; i < fw->n_nodes; i++) {
        char *f = dti_name_fold(fw->nodes[i].id);
        int same = !strcmp(f, folded);
        free(f);
        if (same)
            return i;
    }
    return DTI_NONE;
}

/* The key of node i: its id, or <id>_rank. */
static char *S_key(const dti_framework *fw, size_t node, int is_rank)
{
    size_t len = strlen(fw->nodes[node].id) + 6;
    char *k = dti_xcalloc(len, 1);
    snprintf(k, len, "%s%s", fw->nodes[node].id, is_rank ? "_rank" : "");
    return k;
}

/* Whether folded name f is a denominator or the imputation group of fw. */
static int S_not_a_fact(const dti_framework *fw, const char *f)
{
    int hit = 0;
    for (size_t d = 0; d < fw->n_denominators && !hit; d++) {
        char *g = dti_name_fold(fw->denominators[d]);
        hit = !strcmp(g, f);
        free(g);
    }
    if (!hit && fw->defaults.impute.group) {
        char *g = dti_name_fold(fw->defaults.impute.group);
        hit = !strcmp(g, f);
        free(g);
    }
    return hit;
}

/* The columns of a wide table (what the loader accepted): the unit and name columns, and those of a
 * node's value or rank; anything else has no place in a year record. */
static int S_columns(dti_import *im, const dti_csv *t, dti_error *err)
{
    const dti_framework *fw = im->fw;
    size_t n;
    const dti_csv_cell *h = S_record(t, 0, &n);
    im->cols = dti_xcalloc(n, sizeof *im->cols);
    for (size_t k = 0; k < n; k++) {
        S_col *c = &im->cols[im->n_cols++];
        c->field = k;
        c->text = h[k].text;
        c->node = DTI_NONE;
        char *f = dti_name_fold(h[k].text);
        size_t len = strlen(f);
        c->node = S_node(fw, f);
        if (c->node == DTI_NONE && len > 5 && !strcmp(f + len - 5, " rank")) {
            f[len - 5] = '\0';
            c->node = S_node(fw, f);
            c->is_rank = c->node != DTI_NONE;
            f[len - 5] = ' ';
        }
        int bad = strchr(h[k].text, ':') || (c->node == DTI_NONE && S_not_a_fact(fw, f));
        free(f);
        if (bad)
            return dti_error_set(err, DTI_ERR_INPUT, t->path, h[k].line, h[k].column,
                                 "column '%s' is no figure of a year record (the index, an aggregate or an "
                                 "indicator of model %s, or its rank): leave it out of the table to import",
                                 h[k].text, fw->name);
        if (c->node != DTI_NONE)
            c->key = S_key(fw, c->node, c->is_rank);
    }
    return DTI_OK;
}

/* The sources: --source-for COLUMN (a column with figures, by its folded name) or --source. */
static int S_sources(dti_import *im, int is_long, dti_error *err)
{
    const dti_import_settings *s = &im->s;
    for (size_t c = 0; c < im->n_cols; c++)
        im->cols[c].source = s->source;
    for (size_t i = 0; i < s->n_source_for; i++) {
        char *f = dti_name_fold(s->source_for[i].column);
        size_t hit = DTI_NONE;
        for (size_t c = 0; c < im->n_cols && hit == DTI_NONE; c++) {
            char *g = dti_name_fold(is_long ? im->cols[c].key : im->cols[c].text);
            if (im->cols[c].node != DTI_NONE && !strcmp(f, g))
                hit = c;
            free(g);
        }
        free(f);
        for (size_t j = 0; j < i && hit != DTI_NONE; j++) {
            char *a = dti_name_fold(s->source_for[j].column), *b = dti_name_fold(s->source_for[i].column);
            int same = !strcmp(a, b);
            free(a);
            free(b);
            if (same)
                return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--source-for names the column '%s' twice",
                                     s->source_for[i].column);
        }
        if (hit == DTI_NONE) {
            char list[400] = "";
            for (size_t c = 0; c < im->n_cols; c++)
                if (im->cols[c].node != DTI_NONE) {
                    size_t o = strlen(list);
                    snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", is_long ? im->cols[c].key : im->cols[c].text);
                }
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                                 "--source-for %s=...: %s has no column '%s' (its columns of figures: %s)",
                                 s->source_for[i].column, s->table, s->source_for[i].column, list);
        }
        im->cols[hit].source = s->source_for[i].url;
    }
    return DTI_OK;
}

/* ---- the record -------------------------------------------------------------------------------------- */

/* The figure of (row u, node, rank?) in the table, NaN when the cell is empty or absent. */
static double S_figure(const dti_dataset *ds, const size_t *col_of, size_t u, size_t node, int is_rank)
{
    size_t nn = ds->n_nodes;
    if (is_rank)
        return ds->published_rank ? ds->published_rank[u * nn + node] : NAN;
    if (col_of[node] != DTI_NONE)
        return ds->values[u * ds->n_indicators + col_of[node]];
    return ds->published ? ds->published[u * nn + node] : NAN;
}

/* The column of (node, rank?), adding one for a long table's figures. */
static S_col *S_col_of(dti_import *im, size_t node, int is_rank, int is_long)
{
    for (size_t c = 0; c < im->n_cols; c++)
        if (im->cols[c].node == node && im->cols[c].is_rank == is_rank)
            return &im->cols[c];
    if (!is_long)
        return NULL; /* the loader fills no figure without a column */
    S_col *c = &im->cols[im->n_cols++];
    c->field = DTI_NONE;
    c->node = node;
    c->is_rank = is_rank;
    c->key = S_key(im->fw, node, is_rank);
    c->text = c->key;
    return c;
}

/* Nodes in the record's order: the index first, then the others in the framework's order. */
static size_t S_nth_node(const dti_framework *fw, size_t i)
{
    if (i == 0)
        return fw->root;
    return i <= fw->root ? i - 1 : i;
}

static void S_comments(dti_import *im)
{
    const dti_import_settings *s = &im->s;
    size_t len = strlen(s->table) + 128;
    im->comment_text[0] = dti_xcalloc(len, 1);
    snprintf(im->comment_text[0], len, "Written by dtirank import (dtirank %s) from %s.", DTI_VERSION, s->table);
    im->comment_text[1] = dti_strdup("Every fact is a figure of that table (evidence: imported) with the source given to the "
                                     "import;");
    im->comment_text[2] = dti_strdup("an absent key means the value is unknown.  Import again with --force rather than "
                                     "edit by hand.");
    for (size_t k = 0; k < 3; k++)
        im->comment[k] = im->comment_text[k];
    im->comment[3] = NULL;
}

int dti_import_build(const dti_framework *fw, const dti_dataset *ds, const dti_csv *csv, const dti_registry *frame_reg,
                     const dti_import_settings *s, dti_import **out, dti_error *err)
{
    *out = NULL;
    dti_import *im = dti_xcalloc(1, sizeof *im);
    im->fw = fw;
    im->s = *s;
    size_t nn = fw->n_nodes, nu = ds->n_units;
    int is_long = S_is_long(csv), rc = DTI_OK;
    if (ds->year && ds->year != s->year)
        rc = dti_error_set(err, DTI_ERR_INPUT, s->table, 0, 0, "the table's year column gives %d, not %d (--year)",
                           ds->year, s->year);
    else if (ds->has_previous)
        rc = dti_error_set(err, DTI_ERR_INPUT, s->table, 0, 0,
                           "the table gives values of the year before (previous:): a year record holds one year");
    if (rc)
        goto fail;
    if (is_long)
        im->cols = dti_xcalloc(2 * nn, sizeof *im->cols);
    else if ((rc = S_columns(im, csv, err)))
        goto fail;
    size_t *col_of = dti_xcalloc(nn, sizeof *col_of), *ind = dti_xcalloc(nn, sizeof *ind);
    for (size_t i = 0; i < nn; i++)
        col_of[i] = DTI_NONE;
    size_t nj = dti_engine_indicators(fw, ind);
    for (size_t j = 0; j < nj; j++)
        col_of[ind[j]] = j;
    free(ind);
    /* count, then fill: the facts point into arrays that must not move */
    for (size_t u = 0; u < nu; u++)
        for (size_t i = 0; i < nn; i++)
            for (int r = 1; r >= 0; r--)
                if (!isnan(S_figure(ds, col_of, u, S_nth_node(fw, i), r)))
                    im->n_facts++;
    if (!im->n_facts) {
        free(col_of);
        rc = dti_error_set(err, DTI_ERR_INPUT, s->table, 0, 0,
                           "no figure to import: every cell of the index, its rank and the indicators is empty");
        goto fail;
    }
    size_t n_entries = frame_reg->n;
    im->facts = dti_xcalloc(im->n_facts, sizeof *im->facts);
    im->fpos = dti_xcalloc(im->n_facts, sizeof *im->fpos);
    im->entries = dti_xcalloc(n_entries, sizeof *im->entries);
    im->entry_line = dti_xcalloc(n_entries, sizeof *im->entry_line);
    im->entry_column = dti_xcalloc(n_entries, sizeof *im->entry_column);
    int *listed = dti_xcalloc(frame_reg->n, sizeof *listed);
    size_t k = 0, e = 0;
    for (size_t u = 0; u < nu; u++, e++) {
        size_t rec = S_record_at(csv, ds->line[u]), n = 0;
        const dti_csv_cell *cells = rec != DTI_NONE ? S_record(csv, rec, &n) : NULL;
        dti_record_entry *en = &im->entries[e];
        en->name = frame_reg->p[ds->reg_index[u]].name;
        listed[ds->reg_index[u]] = 1;
        en->facts = &im->facts[k];
        im->entry_line[e] = ds->line[u];
        im->entry_column[e] = 1;
        for (size_t c = 0; cells && c < im->n_cols; c++)
            if (im->cols[c].node == DTI_NONE && im->cols[c].field < n) { /* the unit column: the first */
                im->entry_column[e] = cells[im->cols[c].field].column;
                break;
            }
        for (size_t i = 0; i < nn; i++) {
            size_t node = S_nth_node(fw, i);
            for (int r = 1; r >= 0; r--) {
                double v = S_figure(ds, col_of, u, node, r);
                if (isnan(v))
                    continue;
                S_col *col = S_col_of(im, node, r, is_long);
                S_fact *p = &im->fpos[k];
                dti_record_fact *f = &im->facts[k++];
                if (r)
                    snprintf(p->value, sizeof p->value, "%.0f", v);
                else
                    dti_report_number(v, fw->precision, p->value, sizeof p->value);
                f->key = col->key;
                f->value = p->value;
                f->evidence = S_EVIDENCE;
                f->source = col->source ? col->source : s->source;
                col->facts++;
                p->line = ds->line[u];
                p->column = cells && col->field != DTI_NONE && col->field < n ? cells[col->field].column
                                                                                : im->entry_column[e];
                en->n_facts++;
                im->n_ranks += (size_t)r;
                im->n_values += (size_t)!r;
            }
        }
    }
    free(col_of);
    im->rows = nu;
    for (size_t p = 0; p < frame_reg->n; p++)
        if (!listed[p])
            im->entries[e++].name = frame_reg->p[p].name;
    free(listed);
    if ((rc = S_sources(im, is_long, err)))
        goto fail;
    for (size_t f = 0; f < im->n_facts; f++) /* the sources, now that --source-for is known */
        for (size_t c = 0; c < im->n_cols; c++)
            if (im->cols[c].key && !strcmp(im->cols[c].key, im->facts[f].key))
                im->facts[f].source = im->cols[c].source;
    S_comments(im);
    im->rec = (dti_record){im->comment, s->year, s->model, s->model_assumed, s->frame, frame_reg->n, im->entries, e};
    *out = im;
    return DTI_OK;
fail:
    dti_import_free(im);
    return rc;
}

int dti_import_write(dti_import *im, FILE *out) { return dti_record_write(out, &im->rec); }

/* ---- the verdict ------------------------------------------------------------------------------------- */

/* Entry e of one loader message at the table's cell that gave its line of the record. */
static void S_place(const dti_import *im, const dti_error_entry *x, const char *record, dti_error *err)
{
    if (strcmp(x->path, record) != 0) { /* another file (the framework): its own words and place */
        dti_error_set(err, x->code, x->path, x->line, x->column, "%s", x->message);
        return;
    }
    for (size_t f = 0; f < im->n_facts && x->line; f++)
        if (im->facts[f].line == x->line) {
            dti_error_set(err, DTI_ERR_INPUT, im->s.table, im->fpos[f].line, im->fpos[f].column, "%s", x->message);
            return;
        }
    for (size_t e = 0; e < im->rec.n_entries && x->line; e++)
        if (im->entries[e].line == x->line && im->entry_line[e]) {
            dti_error_set(err, DTI_ERR_INPUT, im->s.table, im->entry_line[e], im->entry_column[e], "%s", x->message);
            return;
        }
    dti_error_set(err, x->code ? x->code : DTI_ERR_INPUT, im->s.table, 0, 0, "the record written from this table: %s",
                  x->message);
}

int dti_import_verdict(const dti_import *im, const char *record, int load_rc, const dti_error *load_err,
                       const dti_year *yr, dti_error *err)
{
    if (load_rc) {
        for (size_t i = 0; i < load_err->n; i++)
            S_place(im, &load_err->e[i], record, err);
        return load_rc;
    }
    /* a rank against a value: refused here, the first pair at its cell and the count of the others (a
     * rank out of place contradicts every value it jumps over) */
    size_t n = yr->warnings.n + yr->warnings.dropped;
    if (!n)
        return DTI_OK;
    S_place(im, &yr->warnings.e[0], record, err);
    if (n > 1)
        dti_error_set(err, DTI_ERR_INPUT, im->s.table, 0, 0, "%zu more pairs of a rank and a value disagree", n - 1);
    return DTI_ERR_INPUT;
}

/* ---- a table of the units without --units ----------------------------------------------------------- */

int dti_import_check_not_units(const dti_import *im, const dti_dataset *ds, const dti_registry *reg,
                               const dti_merger *m, const char *frame, dti_error *err)
{
    if (!m || ds->n_units != m->n_units)
        return DTI_OK;
    int *namesake = dti_xcalloc(reg->n, sizeof *namesake), all = 1;
    for (size_t j = 0; j < m->n_units; j++) {
        size_t p;
        dti_error quiet;
        dti_error_init(&quiet);
        if (!dti_registry_find(reg, m->unit[j], &p, &quiet))
            namesake[p] = 1;
    }
    for (size_t u = 0; u < ds->n_units && all; u++)
        all = namesake[ds->reg_index[u]];
    free(namesake);
    if (!all)
        return DTI_OK;
    return dti_error_set(err, DTI_ERR_INPUT, im->s.table, im->entry_line[0], im->entry_column[0],
                         "the table lists the %zu units of %s (every row names a unit, none a province that merged "
                         "into another): import it with --units %zu",
                         m->n_units, frame, m->n_units);
}

void dti_import_summary(dti_import *im, dti_import_view *v)
{
    memset(v, 0, sizeof *v);
    v->year = im->s.year;
    v->model = im->s.model;
    v->model_assumed = im->s.model_assumed != NULL;
    v->frame = im->s.frame;
    v->units = im->rec.units;
    v->rows = im->rows;
    v->n_ranks = im->n_ranks;
    v->n_values = im->n_values;
    v->table = im->s.table;
    v->record = im->s.record;
    v->framework = im->fw->path;
    free(im->summary);
    im->summary = dti_xcalloc(im->n_cols + 1, sizeof *im->summary);
    for (size_t c = 0; c < im->n_cols; c++)
        if (im->cols[c].node != DTI_NONE && im->cols[c].facts)
            im->summary[v->n_cols++] = (dti_import_column){im->cols[c].text, im->cols[c].key,
                                                          im->cols[c].source ? im->cols[c].source : im->s.source,
                                                          im->cols[c].facts};
    v->cols = im->summary;
}

int dti_import_coverage(const dti_framework *fw, int year, int *assumed, dti_error *err)
{
    long last = 0;
    *assumed = 0;
    for (size_t k = 0; k < fw->n_years; k++) {
        if (fw->years[k] == year)
            return DTI_OK;
        last = fw->years[k] > last ? fw->years[k] : last;
    }
    if (!fw->n_years)
        return DTI_OK;
    if (year > last) {
        *assumed = 1;
        return DTI_OK;
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                         "model %s describes the editions up to %ld, not %d: give the edition's model (--model-name)",
                         fw->name, last, year);
}

const char *dti_import_model_name(const dti_year *yr) { return yr->fw->name; }
