/* engine.h -- the composite-index engine (internal API): raw indicator table -> denominate -> impute
 * -> screen -> treat outliers -> normalise -> aggregate level by level -> rank.
 *
 * A workspace is made once per (framework, number of units) with dti_engine_alloc; dti_engine_run then
 * allocates nothing, so it can be called millions of times (bench, Monte Carlo).  The methods come
 * from the framework (methods.h: `defaults:` and per-node settings); the data-side inputs
 * (denominators, unit groups, unit names for messages) come with each run.  Formulas and the rules
 * for degenerate cases: docs/methods.md.  No GSL or libyaml type appears here.
 */
#ifndef DTI_ENGINE_H
#define DTI_ENGINE_H

#include <stddef.h>

#include "dtirank.h"

typedef struct dti_engine dti_engine;

/* Steps a run may skip (dti_engine_settings.skip), e.g. for timing normalise + aggregate + rank. */
enum {
    DTI_ENGINE_SKIP_DENOMINATE = 1u << 0,
    DTI_ENGINE_SKIP_IMPUTE = 1u << 1,
    DTI_ENGINE_SKIP_SCREEN = 1u << 2,
    DTI_ENGINE_SKIP_TREAT = 1u << 3
};

/* What happened to one indicator in the outlier step (PIPELINE.md §4). */
enum dti_treat_action { DTI_TREAT_ACTION_NONE, DTI_TREAT_ACTION_WINSORISE, DTI_TREAT_ACTION_LOG };

typedef struct dti_treat_log {
    double skew_before, kurt_before; /* type-2 skewness and excess kurtosis; NaN when undefined */
    double skew_after, kurt_after;   /* of the column output (= before when untreated) */
    int action;                      /* enum dti_treat_action */
    size_t nwin;                     /* points winsorised (the last high step + the last low step) */
    size_t n_high, n_low;            /* of which at the high / low side */
} dti_treat_log;

/* The data-side inputs of a run.  Every pointer may be NULL; all are borrowed for the call only. */
typedef struct dti_engine_settings {
    const double *denominators;     /* [u * n_denominators + d], the framework's denominator order */
    const size_t *groups;           /* [u] impute-group label < n_groups, or (size_t)-1 for none */
    size_t n_groups;                /* at most n_units */
    const char *const *unit_names;  /* [u] unit codes: error messages ("unit 7" when NULL) and the
                                     * reference unit of distance normalisation */
    const double *previous;         /* [u * n_indicators + j] the previous year's raw values (NaN =
                                     * missing), for impute: previous; NULL when the data give none */
    unsigned skip;                  /* DTI_ENGINE_SKIP_* bits */
    const char *path;               /* the data's file, for messages (NULL: none) */
} dti_engine_settings;

/* Limits: DTI_VALUE_MAX and DTI_WEIGHT_MAX (internal.h) bound what enters and leaves a run. */

/* The results of the last run.  Every pointer is borrowed from the workspace: valid until the next
 * dti_engine_run or dti_engine_free.  Tables are column-major: cell (unit u, indicator j) is at
 * [j * n_units + u]; node values at [node * n_units + u].  Missing = NaN. */
typedef struct dti_engine_result {
    size_t n_units, n_indicators, n_nodes;
    const double *denominated; /* raw / denominator (or raw) */
    const double *imputed;     /* after imputation (all units) */
    const double *treated;     /* after the screen and outlier treatment (removed units NaN) */
    const double *normalised;  /* after normalisation, direction applied */
    const double *values;      /* every node: indicators normalised, aggregates computed */
    const size_t *rank;        /* [u] competition rank of the root (1 best), 0 = no rank */
    const size_t *order;       /* units by rank, ties and unranked in unit order */
    const int *kept;           /* [u] 1 when the unit passed the screen */
    const dti_treat_log *treat; /* [j] */
    size_t n_imputed;          /* cells filled by imputation (any method, previous year included) */
    size_t n_still_missing;    /* cells still missing after imputation */
    size_t n_removed;          /* units removed by the screen */
} dti_engine_result;

/* Makes a workspace for `fw` and n_units units (n_units >= 1).  `fw` is borrowed and must outlive
 * the workspace.  Returns NULL only when n_units is 0 (out of memory aborts). */
dti_engine *dti_engine_alloc(const dti_framework *fw, size_t n_units);
void dti_engine_free(dti_engine *w);

/* The indicator columns: the framework's indicator nodes (leaves of the tree) in file order. */
size_t dti_engine_indicator_count(const dti_engine *w);
size_t dti_engine_indicator_node(const dti_engine *w, size_t j);
/* The same list without a workspace: fills nodes[] (room for fw node count) and returns the count. */
size_t dti_engine_indicators(const dti_framework *fw, size_t *nodes);

/* Runs the pipeline on raw[u * n_indicators + j] (unit-major; NaN = missing).  Allocates nothing.
 * Returns 0, or DTI_ERR_INPUT when the data do not fit a method (a negative value under ratio-to-best,
 * geometric or harmonic aggregation, a missing denominator table, a group label out of range) or a
 * value breaks DTI_VALUE_MAX (a denominator of 0, a ratio or a transform beyond it, an infinite
 * input); the message names the indicator or node and the unit, and the error carries s->path.
 * *out is filled on success. */
int dti_engine_run(dti_engine *w, const double *raw, const dti_engine_settings *s, dti_engine_result *out,
                   dti_error *err);

/* Per-run overrides of the framework's methods, for Monte Carlo over methods and weights (tune_sens.c).
 * Every field has a "keep the framework's" value; all pointers are borrowed for the call only. */
typedef struct dti_engine_override {
    const double *weight;              /* [node] weights used by the aggregation (NULL: the framework's) */
    const struct dti_norm_spec *norm;  /* one normalisation for every indicator (NULL: each node's own) */
    int agg_method;                    /* enum dti_agg_method for every aggregate, or -1 */
    int impute_method;                 /* enum dti_impute_method (group column: the framework's), or -1 */
    size_t treat_max_points;           /* winsorisation limit of every treated indicator, or 0 */
    const double *normalised;          /* [j * n_units + u] a memo of stages 1-5 for these choices (a
                                        * previous result's `normalised`): the run starts at the
                                        * aggregation, and denominated/imputed/treated/kept/treat are
                                        * not filled; NULL: run every stage */
    const double *log_normalised;      /* [j * n_units + u] log of `normalised` (with it only): the
                                        * geometric mean reads the indicators' logarithms from here
                                        * instead of calling log() every run (the same values, so the
                                        * results are bit-for-bit the same); NULL: computed */
} dti_engine_override;

/* dti_engine_run with overrides (ov may be NULL = none).  Allocates nothing. */
int dti_engine_run_override(dti_engine *w, const double *raw, const dti_engine_settings *s,
                            const dti_engine_override *ov, dti_engine_result *out, dti_error *err);

/* ---- the replication kernel (engine_kernel.c): aggregate + rank from a memo, for the Monte Carlo ---- */

/* Facts of a row of values, as bits: some value is missing, some non-missing value is not positive,
 * some value is negative. */
enum { DTI_KERNEL_NAN = 1u << 0, DTI_KERNEL_NONPOS = 1u << 1, DTI_KERNEL_NEG = 1u << 2 };
/* The facts of each column of a table [j * n_units + u] and its missing and non-positive units,
 * computed once per memo rather than once per draw.  The table is read only here. */
typedef struct dti_engine_kernel_cols dti_engine_kernel_cols;
dti_engine_kernel_cols *dti_engine_kernel_cols_new(const double *normalised, size_t nj, size_t n_units);
void dti_engine_kernel_cols_free(dti_engine_kernel_cols *c);

typedef struct dti_engine_kernel dti_engine_kernel;
/* A kernel for `fw` (borrowed; it must outlive the kernel) and n_units >= 1 units (NULL for 0). */
dti_engine_kernel *dti_engine_kernel_alloc(const dti_framework *fw, size_t n_units);
void dti_engine_kernel_free(dti_engine_kernel *k);

typedef struct dti_engine_kernel_input {
    const double *normalised;     /* [j * n_units + u] stages 1-5 (a memo), as dti_engine_override's */
    const double *log_normalised; /* its logarithms, or NULL (as dti_engine_override's) */
    const dti_engine_kernel_cols *cols; /* of `normalised` (borrowed), or NULL: scanned in every run */
    const double *weight;         /* [node] weights, or NULL: the framework's */
    int agg_method;               /* every aggregate's method, or -1: each node's own */
} dti_engine_kernel_input;

typedef struct dti_engine_kernel_result {
    const size_t *rank; /* [u] competition rank of the root (1 best), 0 = no rank */
    const double *root; /* [u] the root's values */
} dti_engine_kernel_result;

/* Aggregates and ranks as dti_engine_run_override does with override.normalised (the same values and
 * ranks, bit for bit; no `order`).  Returns 1 with *out filled (borrowed from k: valid until the next
 * run), or 0 when the kernel declines the draw -- a generalised or Copeland mean, or a negative child
 * under the geometric or harmonic mean -- and the caller must run the engine (which computes it, or
 * words the error).  Allocates nothing. */
int dti_engine_kernel_run(dti_engine_kernel *k, const dti_engine_kernel_input *in, dti_engine_kernel_result *out);

/* ---- the stages, usable on their own (one column of n values, NaN = missing) ---- */
struct dti_treat_spec;
struct dti_norm_spec;

/* Type-2 (sample-adjusted) skewness G1 and excess kurtosis G2 of the non-missing values
 * (PIPELINE.md §4.1): NaN when fewer than 3 (resp. 4) values or zero variance. */
void dti_treat_skew_kurt(const double *x, size_t n, double *g1, double *g2);
/* The JRC/COINr outlier rule of PIPELINE.md §4.3 on column x into out (x and out may not alias);
 * `work` needs n doubles. */
void dti_treat_column(const double *x, size_t n, const struct dti_treat_spec *s, double *out, double *work,
                      dti_treat_log *log);
struct dti_transform_spec;
/* Applies the log or Box-Cox transform to the non-missing values of x in place (docs/methods.md §3a).
 * Fails (DTI_ERR_INPUT) when a value is not positive; `id` and unit_names name the culprit. */
int dti_transform_column(double *x, size_t n, const struct dti_transform_spec *s, const char *id,
                         const char *const *unit_names, dti_error *err);
/* Normalises column x into out with `direction` (+1 / -1).  idx and tmp need n entries, keys n
 * doubles.  Fails (DTI_ERR_INPUT) only for ratio-to-best on values it cannot divide; `id` and
 * unit_names name the culprit. */
int dti_normalise_column(const double *x, size_t n, const struct dti_norm_spec *s, int direction, double *out,
                         size_t *idx, size_t *tmp, double *keys, const char *id, const char *const *unit_names,
                         dti_error *err);

/* Aggregates node `node` of fw for every unit from its children's values, val[child * n_units + u],
 * into val[node * n_units + u], with the node's method and minimum coverage (docs/methods.md).  Fails
 * (DTI_ERR_INPUT) on a negative child value under the geometric or harmonic mean. */
int dti_aggregate_node(const dti_framework *fw, size_t node, double *val, size_t n_units,
                       const char *const *unit_names, dti_error *err);
/* The same with the children's weights from weight[child] (NULL: the framework's) and `method` in
 * place of the node's own (-1: the node's). */
int dti_aggregate_node_with(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                            size_t n_units, const char *const *unit_names, dti_error *err);
/* The same with logv[child * n_units + u] = log(val[...]) given for the children that are indicators
 * (leaves; logv NULL: none): the geometric mean uses them in place of log(). */
int dti_aggregate_node_log(const dti_framework *fw, size_t node, const double *weight, int method, double *val,
                           const double *logv, size_t n_units, const char *const *unit_names, dti_error *err);

/* Stable ascending merge sort of the indices idx[0..n) by keys[idx[k]] (no NaN among them); tmp
 * needs n entries.  Allocates nothing. */
void dti_sort_index(const double *keys, size_t *idx, size_t n, size_t *tmp);
/* A workspace for dti_sort_desc of up to n keys (n >= 0); dti_sort_ws_free(NULL) does nothing. */
typedef struct dti_sort_ws dti_sort_ws;
dti_sort_ws *dti_sort_ws_alloc(size_t n);
void dti_sort_ws_free(dti_sort_ws *w);
/* Sorts the n indices idx[0..n) (n <= the workspace's size) so that key[idx[k]] descends, equal keys by
 * index ascending: a total order on finite keys, so the result does not depend on the order idx came
 * in.  A counting sort into n buckets of equal width between the extremes does most of the work in
 * O(n) with predictable branches, then an insertion sort on contiguous (key, index) pairs orders the
 * few that share a bucket (at n = 63 several times faster than a merge sort, whose mispredicted
 * branches dominated the Monte Carlo ranks).  Returns the sorted keys (borrowed from w, valid until its
 * next use).  Allocates nothing. */
const double *dti_sort_desc(const double *key, size_t *idx, size_t n, dti_sort_ws *w);
/* dti_sort_desc of all the indices 0..n-1 (the keys read in place, no index array to fill first):
 * *order is set to the sorted indices, borrowed from w like the returned keys.  The same buckets, but
 * each key is inserted into its bucket's part as it comes instead of an insertion sort of the whole
 * array afterwards (one pass less; the same result, the order being total); keys with a NaN take the
 * scatter and the whole-array insertion sort, so that their result is dti_sort_desc's from 0..n-1. */
const double *dti_sort_desc_all(const double *key, size_t n, dti_sort_ws *w, const size_t **order);
/* dti_rank_competition without allocation: keys needs n doubles, tmp n entries; order is required. */
void dti_rank_competition_ws(const double *values, size_t n, int precision, size_t *ranks, size_t *order,
                             double *keys, size_t *tmp);

#endif
