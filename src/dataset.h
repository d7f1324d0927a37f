/* dataset.h -- a data table for the engine (internal): units x indicators of one framework, with the
 * units' group labels and denominators.  Read from a generic table (data/asem.yaml) or adapted from
 * a DTI year record (data/dti/<year>.yaml).  No GSL or libyaml type appears here.
 */
#ifndef DTI_DATASET_H
#define DTI_DATASET_H

#include <stddef.h>

#include "dtirank.h"

typedef struct dti_dataset {
    char *path;
    size_t n_units, n_indicators; /* indicators: the engine's columns of the framework (file order) */
    char **unit;                  /* [u] unit code (owned) */
    char **name;                  /* [u] display name (owned; the code when the file gives none) */
    double *values;               /* [u * n_indicators + j], NaN = missing; categorical indicators hold
                                   * the points of their label */
    double *previous;             /* [u * n_indicators + j] the previous year's values (`previous:`) */
    int has_previous;             /* some unit has a `previous:` mapping */
    size_t n_denominators;        /* = the framework's denominators */
    double *denominators;         /* [u * n_denominators + d], NaN = missing */
    size_t n_group_cols;
    char **group_col;             /* [g] group column names (owned) */
    char **group_text;            /* [g * n_units + u] label (owned) or NULL */
    size_t *line;                 /* [u] line of the unit's entry (0 for year records) */
    /* CSV tables only (NULL / 0 otherwise): */
    size_t *reg_index;            /* [u] registry index, when the units are the registry's provinces */
    size_t n_nodes;               /* the framework's nodes: the width of the two tables below */
    double *published;            /* [u * n_nodes + node] a computed node's published value (a column
                                   * named by the index or an aggregate), NaN = not given */
    double *published_rank;       /* [u * n_nodes + node] a published rank (`<id>_rank`), NaN = not given */
    int year;                     /* a long table's data year, 0 = not given */
    /* A multi-year table (docs/methods.md §2a: a YAML table whose units give `years:`, a long CSV
     * table with a year column): every year's indicator values.  `values` is the slice of the data
     * year (`year`: the latest, or dti_data_options.year) and `previous` the slice of the year before
     * (when the table has it).  n_years 0: a table of one year without years. */
    size_t n_years;
    int *years;                   /* [t] ascending */
    double *panel;                /* [(t * n_units + u) * n_indicators + j], NaN = missing */
    int impute_years;             /* the imputation over time applied (enum dti_panel_method), -1: none */
    size_t n_filled_year;         /* cells of the data year it filled */
    size_t n_filled_panel;        /* cells it filled in every year */
    /* Blocks (block.h): [j] what the recovery did in column j (zero for a column that is no block);
     * NULL when the framework has no block. */
    struct dti_block_tally *block;
    int *derived;                 /* [u * n_indicators + j] 1: recovered by a block's rule; NULL without blocks */
} dti_dataset;

/* Reads `path` for framework `fw` (borrowed: it must outlive nothing here, the dataset copies what it
 * needs).  A generic table has a top-level `units:` list; a DTI year record (`provinces:`) is read
 * through dti_year_load with the registry `reg` and frameworks in models_dir, and adapted by
 * dti_dataset_from_year.  Every error has the file, line and column.  *out is owned by the caller:
 * dti_dataset_free.  The one loader of data tables (with year.c for year records). */
int dti_dataset_load(const char *path, const dti_framework *fw, const dti_registry *reg, const char *models_dir,
                     dti_dataset **out, dti_error *err);
/* The same with the CSV options (NULL = the defaults): a CSV table (dti_csv_sniff decides) is read by
 * dti_dataset_load_csv; for a YAML file the options must be the defaults. */
int dti_dataset_load_with(const char *path, const dti_framework *fw, const dti_registry *reg, const char *models_dir,
                          const dti_data_options *opt, dti_dataset **out, dti_error *err);
/* A CSV table (docs/methods.md, "CSV tables"): wide (a unit column, then one column per indicator,
 * optional name, group:, denominator:, previous: columns, published index/aggregate values and
 * `<id>_rank` columns) or long (unit, indicator, value[, year]).  The units are the provinces of `reg`
 * (borrowed) when the unit column is headed `province` (or `tỉnh`) or the framework has `years:` (a DTI
 * framework); free codes otherwise.  Every error has the file, line and column. */
int dti_dataset_load_csv(const char *path, const dti_framework *fw, const dti_registry *reg,
                         const dti_data_options *opt, dti_dataset **out, dti_error *err);
/* A year's published table (dtirank import): the same reader, with three differences.  The units
 * are always the entries of `reg` (the provinces, or the units of a reorganisation: pass the units'
 * registry), a table may hold the index and its ranks alone (no indicator column), and a rank may go
 * up to the registry's count (a table may list part of the frame). */
int dti_dataset_load_published_csv(const char *path, const dti_framework *fw, const dti_registry *reg,
                                   const dti_data_options *opt, dti_dataset **out, dti_error *err);
/* A loaded year record as a data table for `fw`: its provinces become the units (code and Vietnamese
 * name from the registry), the framework's indicators are looked up by id in the record's model; a
 * block of fw (block.h) is recovered by its rule from the record's facts (derived, counted in
 * ds->block; an inconsistent province is an error at its record line).  No I/O.  *out:
 * dti_dataset_free. */
int dti_dataset_from_year(const dti_year *yr, const dti_framework *fw, dti_dataset **out, dti_error *err);
void dti_dataset_free(dti_dataset *ds);
/* An empty table of n_units units for fw (NaN everywhere, room for n_groups group columns), for the
 * loaders.  Column j of indicator node `id`: dti_dataset_column. */
dti_dataset *dti_dataset_new(const char *path, const dti_framework *fw, size_t n_units, size_t n_groups);
/* Engine column of node `id` of fw, or DTI_NONE (not an indicator); *node receives the node index
 * (DTI_NONE when fw has no such node). */
size_t dti_dataset_column(const dti_framework *fw, const char *id, size_t *node);

/* The year record of `tune fit`: a YAML record through dti_year_load, or a CSV table of provinces
 * read for the framework at model_path (required for CSV: a table names no model) and turned into a
 * record: indicators and published index values, ranks from `<id>_rank` columns, year 0 unless the
 * long form gives one, units = the table's rows.  reg must outlive the record. */
int dti_dataset_load_year(const char *path, const char *model_path, const dti_data_options *opt,
                          const dti_registry *reg, const char *models_dir, dti_year **out,
                          dti_error *err);

/* The years of a multi-year table ds (n_years > 0) for a dataset loader: the data year is `want`
 * (0: the latest), values and previous are copied from the panel.  DTI_ERR_USAGE when `want` is not
 * a year of the table. */
int dti_dataset_set_year(dti_dataset *ds, int want, dti_error *err);
/* Whether a note about the years is due: more than two years, a data year other than the latest, or
 * an imputation over time (a table of a data year and the year before is an ordinary table). */
int dti_dataset_multiyear(const dti_dataset *ds);

/* Labels of group column `name` as small integers: labels[u] < *n_groups, (size_t)-1 when the unit has
 * no label; `texts` (may be NULL, room for n_units) receives the label strings (borrowed).  Returns 0
 * or DTI_ERR_INPUT when the data have no such column. */
int dti_dataset_groups(const dti_dataset *ds, const char *name, size_t *labels, size_t *n_groups,
                       const char **texts, dti_error *err);

/* The row of the unit a query names (lookup.c): by code or name; when the data's units are the
 * provinces of `reg` (a year record; reg may be NULL), by the registry's lookup, aliases included.
 * DTI_ERR_INPUT with the candidates or the nearest names otherwise. */
int dti_dataset_find(const dti_dataset *ds, const dti_registry *reg, const char *query, size_t *row, dti_error *err);

#endif
