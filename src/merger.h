/* merger.h -- the 2025 reorganisation: former provinces -> provincial units (internal API).
 *
 * A merged unit's value is the mean of its former provinces' values (the Ministry's rule for DTI
 * 2024: unweighted mean of the main indicators, hence of the DTI), optionally weighted by a numeric
 * registry column.  See docs/merger.md.
 */
#ifndef DTI_MERGER_H
#define DTI_MERGER_H

#include "dtirank.h"

typedef struct dti_merger {
    size_t n_old;     /* provinces of the registry */
    size_t n_units;   /* units after the merger */
    char **unit;      /* [n_units] names, in order of first appearance in the map */
    size_t *unit_of;  /* [n_old] unit of each former province */
    size_t *n_former; /* [n_units] former provinces of each unit */
    int *merged;      /* [n_old] the map says the province merged */
    double *weight;   /* [n_old] merger weights: 1 for the unweighted mean */
    double *wsum;     /* [n_units] sum of the weights of each unit's former provinces */
    char *weight_column; /* NULL for the unweighted mean */
    char *path;
} dti_merger;

/* Loads and validates a map (data/merger-2025.yaml): every registry province exactly once, each unit
 * spelled one way, `merged: false` only for units of one former province and `merged: true` only for
 * units of several.  Fills *m (dti_merger_clear). */
int dti_merger_load(const char *path, const dti_registry *reg, dti_merger *m, dti_error *err);
void dti_merger_clear(dti_merger *m);

/* Weights the mean by the registry column `numbers: {column: value}` (NULL = unweighted).  Every
 * province needs a positive, finite value in that column. */
int dti_merger_set_weights(dti_merger *m, const dti_registry *reg, const char *column, dti_error *err);

/* unit_vals[j] = sum_p w_p old_vals[p] / sum_p w_p over the former provinces p of unit j; NaN when any
 * of them is NaN.  Allocates nothing. */
void dti_merger_apply(const dti_merger *m, const double *old_vals, double *unit_vals);

/* The rule setting (models/merger.yaml): which map, unweighted or weighted mean, from which year. */
typedef struct dti_merger_rule {
    char *map;    /* data/<map>.yaml */
    char *weight; /* registry numbers column, NULL for the unweighted mean */
    int from_year;
} dti_merger_rule;
int dti_merger_rule_load(const char *path, dti_merger_rule *rule, dti_error *err);
void dti_merger_rule_clear(dti_merger_rule *rule);

/* A registry of the map's units (names, ASCII names, the former provinces' regions; no codes) whose
 * `frame` is `frame` (the map's name, e.g. "merger-2025"): year records with `frame: <name>` are read
 * against it (dti_registry_attach_units).  Caller frees (dti_registry_free). */
dti_registry *dti_merger_units_registry(const dti_merger *m, const dti_registry *reg, const char *frame);

/* Unit index of a name (Vietnamese or ASCII name of a unit, folded like province names: lookup.c), or
 * DTI_ERR_INPUT. */
int dti_merger_find(const dti_merger *m, const char *query, size_t *unit, dti_error *err);

/* The units' frame over a data table whose rows are the registry's provinces (score, tune --units):
 * the data row of each former province and each unit's display name.  The merger is borrowed and
 * must outlive the frame. */
typedef struct dti_merger_frame {
    const dti_merger *m;
    size_t n_rows;  /* data rows (= m->n_old) */
    size_t *row_of; /* [n_old] data row of each registry province */
    char **name;    /* [n_units] "Alpha + Beta": the former provinces' names in registry order (owned) */
} dti_merger_frame;

/* Matches the data rows (codes[n_rows], e.g. a dataset's unit codes) to the registry: every row a
 * distinct province and every province once, else DTI_ERR_INPUT naming `path`.  *f:
 * dti_merger_frame_clear (also after a failure). */
int dti_merger_frame_init(dti_merger_frame *f, const dti_merger *m, const dti_registry *reg, const char *const *codes,
                          size_t n_rows, const char *path, dti_error *err);
void dti_merger_frame_clear(dti_merger_frame *f);

/* Merges a column-major table by the rule: out[j * n_units + k] from in[j * n_rows + row] for the
 * n_cols columns (dti_merger_apply per column).  col needs n_old doubles.  Allocates nothing. */
void dti_merger_frame_merge(const dti_merger_frame *f, const double *in, size_t n_cols, double *out, double *col);

/* The ranking of a year among the merged units: by the official rule on merged values where every
 * unit has one (DTI_MERGER_BY_VALUE), else by the mean normal score of the former provinces' exact
 * ranks (DTI_MERGER_BY_LATENT, an approximation), else none.  `pub` (may be NULL): the published
 * table of the units that year (a record with `frame:`), compared with the computed one. */
enum { DTI_MERGER_BY_VALUE, DTI_MERGER_BY_LATENT, DTI_MERGER_BY_NONE };
typedef struct dti_merger_ranking {
    const dti_year *yr, *pub;      /* borrowed */
    const dti_merger *m;
    const dti_registry *reg;
    int method;                    /* DTI_MERGER_BY_* */
    double *value, *latent;        /* [n_units] merged value and latent score (NaN: none) */
    size_t *rank, *order;          /* [n_units] rank (0: none) and the units by rank */
    size_t *exact;                 /* [n_old] the former provinces' exact ranks (0: none) */
    size_t *pub_rank;              /* [n_units] published rank (0: none) */
    double *pub_value;             /* [n_units] published value (NaN: none) */
    int *differs;                  /* [n_units] the published rank or value differs from ours */
    size_t n_pub_rank, n_pub_value, rank_ok, value_ok;
    double max_vdiff;              /* largest |published - merged| value */
    double tol;                    /* the difference input rounding explains */
} dti_merger_ranking;
int dti_merger_ranking_compute(const dti_year *yr, const dti_registry *reg, const dti_merger *m, const dti_year *pub,
                               dti_merger_ranking *out, dti_error *err);
void dti_merger_ranking_clear(dti_merger_ranking *r);

/* A score among the merged units: the main indicators (normalised values) of `src`, whose units must
 * be the registry's provinces, are merged by the rule of `m` and aggregated and ranked by the same
 * framework.  *out borrows src's framework and data (free it first): dti_score_free. */
int dti_score_merge(const dti_score *src, const dti_registry *reg, const dti_merger *m, dti_score **out,
                    dti_error *err);

#endif
