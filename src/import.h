/* import.h -- a new year record from a published table (internal API; `dtirank import`).  Compute layer:
 * loaded objects in (the framework, the table read by dti_dataset_load_published_csv, its cells with
 * their positions, the registry of the frame), a record out (year_write.h), and the loader's verdict on
 * the record written mapped back to the table's cells.  No file is opened here.
 */
#ifndef DTI_IMPORT_H
#define DTI_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "csv_read.h"
#include "dataset.h"
#include "dtirank.h"
#include "merger.h"
#include "present.h"

/* A source for one column of the table (--source-for COLUMN=URL). */
typedef struct dti_import_source {
    const char *column, *url;
} dti_import_source;

typedef struct dti_import_settings {
    int year;
    const char *model;         /* the framework's name (the record's `model:`) */
    const char *model_assumed; /* NULL, or why the model is carried forward (the `model_assumed:` comment) */
    const char *frame;         /* NULL: the provinces; else the units' frame (e.g. "merger-2025") */
    const char *table;         /* the table's path, for messages and the record's header */
    const char *record;        /* the record's path, for the summary */
    const char *source;        /* every fact's source unless its column has its own */
    const dti_import_source *source_for;
    size_t n_source_for;
} dti_import_settings;

typedef struct dti_import dti_import;

/* The record of the table: one entry per row in the table's order, then the frame's other entries with
 * no facts (absent = unknown, as in the shipped records); per entry the rank and value of the index,
 * then of every other node, each `{value, evidence: imported, source}`; values with the framework's
 * precision when it gives back the same number (0.8340), else every digit; ranks whole.  `frame_reg`
 * is the registry the table was read against (the provinces, or the units'); `csv` the same file read by
 * dti_csv_read (the cells' positions).  Errors, at the table's cells: a column that is no fact of a year
 * record (group:, denominator:, previous:, a denominator or the imputation group), a long table of
 * another year or with the year before's values, a table without a single figure; DTI_ERR_USAGE for a
 * --source-for column the table does not have.  *out: dti_import_free. */
int dti_import_build(const dti_framework *fw, const dti_dataset *ds, const dti_csv *csv, const dti_registry *frame_reg,
                     const dti_import_settings *s, dti_import **out, dti_error *err);
void dti_import_free(dti_import *im);

/* Writes the record (dti_record_write); -1 when the stream fails. */
int dti_import_write(dti_import *im, FILE *out);

/* The verdict on the record written at `record`, loaded back by dti_year_load: `load_rc`/`load_err` its result,
 * `yr` the record when it loaded.  Every error of the load, and every warning of the record (a rank
 * that contradicts a value: an error here), is set in err at the table's cell that gave the fact (the
 * row's unit cell for an entry); one the table cannot place keeps the loader's words, without position,
 * on the table.  Returns 0 when the record is sound. */
int dti_import_verdict(const dti_import *im, const char *record, int load_rc, const dti_error *load_err,
                       const dti_year *yr, dti_error *err);

/* A table of the units read as provinces: without --units the units' names all resolve among the
 * provinces (every unit is named after one of its former provinces, TP. Huế an alias of Thừa Thiên -
 * Huế), so a table whose rows are exactly the provinces that name the units of m is refused, at its first
 * row, with the advice to import it with --units. */
int dti_import_check_not_units(const dti_import *im, const dti_dataset *ds, const dti_registry *reg,
                               const dti_merger *m, const char *frame, dti_error *err);

/* Whether framework fw describes the edition `year`: DTI_OK with *assumed 0 (it lists the year, or lists
 * no editions), DTI_OK with *assumed 1 (the year comes after every edition it lists: carried forward,
 * `model_assumed: true`), DTI_ERR_USAGE (a year before or between its editions: another framework). */
int dti_import_coverage(const dti_framework *fw, int year, int *assumed, dti_error *err);
/* The name of the framework a loaded record names (`model:`); borrowed from yr. */
const char *dti_import_model_name(const dti_year *yr);

/* What the record holds, for the summary (dti_present_import); valid until dti_import_free. */
void dti_import_summary(dti_import *im, dti_import_view *v);

#endif
