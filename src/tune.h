/* tune.h -- weight tuning (internal API, issue 5): the weights implied by a published table
 * (tune_fit.c), Monte Carlo uncertainty and Sobol sensitivity analysis (tune_sens.c over the generic
 * threaded sampler of tune_mc.c), the stability intervals of each weight and goal seeking
 * (tune_what.c).  Above the engine (engine.h), below main.c.  Formulas: docs/tuning.md.
 * No GSL or libyaml type appears here.
 */
#ifndef DTI_TUNE_H
#define DTI_TUNE_H

#include <stddef.h>
#include <stdio.h>

#include "dtirank.h"

struct dti_merger;       /* merger.h: the 2025 reorganisation (--units) */
struct dti_merger_frame;

/* ---- implied weights: non-negative, sum-to-one least squares (tune_fit.c) ---------------------- */

typedef struct dti_tune_fit_result {
    size_t n_rows, n_cols;
    size_t rank;       /* numerical rank of the design [X; 1'] (rows and the sum-to-one constraint) */
    int identified;    /* rank == n_cols: one set of weights fits best */
    double *w;         /* [n_cols] fitted weights (NaN when not identified) */
    double *se;        /* [n_cols] standard errors (NaN at the bound 0, or without residual dof) */
    int *at_bound;     /* [n_cols] 1 when the weight sits at its bound 0 */
    double *resid;     /* [n_rows] y - X w */
    double rms, max_abs;
    size_t max_row;    /* row of the largest absolute residual */
    size_t dof;        /* residual degrees of freedom: rows - (free weights - 1) */
    double *sv;        /* [n_cols] singular values of [X; 1'], descending */
    double *v;         /* [n_cols * n_cols] right singular vectors: direction k is v[j * n_cols + k] */
} dti_tune_fit_result;

/* Solves min ||y - X w||^2 subject to w >= 0 and sum w = 1 (X row-major n x p, no NaN) by a primal
 * active-set method whose subproblems are equality-constrained least squares on the free weights,
 * reparametrised w_F = e_last + Z v (Z's columns e_k - e_last) and solved with GSL's SVD least squares.
 * Standard errors are conditional on the active set: s^2 Z (A'A)^-1 Z' with s^2 = RSS / dof.  When
 * [X; 1'] has rank < p the weights are not identified: only the singular value decomposition is
 * filled (w, se NaN).  *res is caller-owned: dti_tune_fit_result_clear.  Fails only for p = 0. */
int dti_tune_fit_ls(const double *X, const double *y, size_t n, size_t p, dti_tune_fit_result *res, dti_error *err);
void dti_tune_fit_result_clear(dti_tune_fit_result *res);

/* `dtirank tune fit`: loads the year record at data_path (its framework, or model_path when not NULL,
 * resolved by indicator id), fits the weights of the indicators with positive nominal weight on the
 * provinces with all of them and the published index, and writes the report (docs/tuning.md). */
int dti_tune_fit_report(const char *model_path, const char *data_path, const char *reg_path, const char *models_dir,
                        FILE *out, dti_error *err);

/* ---- the Monte Carlo machinery (tune_mc.c) ---------------------------------------------------- */

#define DTI_TUNE_BLOCK 1000 /* evaluations (or Saltelli rows) per random stream: the unit of reproducibility */

/* A model of `dim` inputs uniform on (0, 1): writes n_out outputs into y.  `accumulate` is 1 for the
 * plain Monte Carlo draws (the model may add them to its own per-thread tallies) and 0 in the
 * Saltelli design.  Must not allocate; returns 0 or a dti_status with err filled. */
typedef int (*dti_tune_eval_fn)(void *state, const double *u, int accumulate, double *y, dti_error *err);

typedef struct dti_tune_sampler {
    size_t dim;             /* uniforms per evaluation */
    size_t n_groups;        /* Sobol input groups */
    const size_t *group_of; /* [dim] group of each uniform (< n_groups) */
    size_t n_out;           /* outputs per evaluation */
    dti_tune_eval_fn eval;
    void **state;           /* [threads] one model state per thread (borrowed) */
    size_t threads;         /* >= 1 */
    unsigned long seed;
} dti_tune_sampler;

/* `runs` plain Monte Carlo evaluations (accumulate = 1).  Each block of DTI_TUNE_BLOCK runs draws from
 * its own taus2 stream seeded from (seed, block): the states see the same draws at any thread count,
 * and tallies that are sums of integers come out identical. */
int dti_tune_mc(const dti_tune_sampler *sp, size_t runs, dti_error *err);
/* Saltelli's design with base sample n: rows j of A and B (2 dim uniforms from the block's stream),
 * fA[j * n_out + o], fB[...] and fAB[(g * n + j) * n_out + o] for A_B^(g), A with the columns of group g
 * from B.  n (k + 2) evaluations; every output lands at its own index, so the tables are identical at
 * any thread count. */
int dti_tune_saltelli(const dti_tune_sampler *sp, size_t n, double *fA, double *fB, double *fAB, dti_error *err);
/* First-order (Saltelli et al. 2010: V_g = 1/n sum fB (fAB_g - fA)) and total-order (Jansen 1999:
 * V_Tg = 1/(2n) sum (fA - fAB_g)^2) indices of output o, each over V(Y) of the 2n draws of A and B.
 * NaN when V(Y) = 0.  stride = n_out. */
void dti_tune_sobol(const double *fA, const double *fB, const double *fAB, size_t n, size_t k, size_t stride, size_t o,
                    double *S1, double *ST);
/* Percentile bootstrap intervals at `level` (e.g. 0.95) from n_boot resamples of the n rows (the same
 * rows for A, B and every A_B^(g)); deterministic for a given seed. */
void dti_tune_sobol_boot(const double *fA, const double *fB, const double *fAB, size_t n, size_t k, size_t stride,
                         size_t o, size_t n_boot, unsigned long seed, double level, double *S1_lo, double *S1_hi,
                         double *ST_lo, double *ST_hi);

/* ---- uncertainty and sensitivity of ranks (tune_sens.c) ----------------------------------------- */

struct dti_dataset;
typedef struct dti_tune_sens dti_tune_sens;

/* Reads the uncertain inputs of `uncertainty_path` (docs/tuning.md §2) for framework fw and data ds
 * (both borrowed; they must outlive the object), makes one engine workspace per thread and memoises
 * stages 1-5 for every combination of the discrete inputs that affect them.  Errors carry the file's
 * line and column.  *out: dti_tune_sens_free. */
int dti_tune_sens_new(const dti_framework *fw, const struct dti_dataset *ds, const char *uncertainty_path,
                      size_t threads, dti_tune_sens **out, dti_error *err);
void dti_tune_sens_free(dti_tune_sens *s);
/* Ranks among the units of a merger frame (borrowed; it must outlive s) from now on: the memo of each
 * discrete choice is merged once by the rule, and every draw runs only the units' workspace on it
 * with the draw's weights and aggregation (without a memo: the provinces' run, merged into per-thread
 * scratch, then the units').  *unit is the unit whose rank and score feed the Sobol indices. */
void dti_tune_sens_set_units(dti_tune_sens *s, const struct dti_merger_frame *mf, size_t unit);
/* What the Monte Carlo draws say about one unit's rank. */
typedef struct dti_tune_rank_stats {
    size_t ranked;        /* draws in which the unit has a rank */
    size_t top;           /* draws in which its rank is <= the `top` of dti_tune_sens_mc */
    size_t q05, q50, q95; /* the smallest rank r whose draws at ranks <= r reach 5%, 50%, 95% of the
                           * ranked draws; 0 when never ranked */
} dti_tune_rank_stats;

/* Counters per unit and quantile in one pass: memory is 3 x DTI_TUNE_RANK_BINS x 4 bytes per unit
 * and thread, whatever the number of units (a full rank histogram would be units^2). */
#define DTI_TUNE_RANK_BINS 128

/* `runs` Monte Carlo draws (at most 4294967295), and each unit's rank statistics.  The quantiles are
 * exact: each pass counts the draws in DTI_TUNE_RANK_BINS bins of the window that holds a quantile,
 * and the next pass runs the same draws again (same seed, same streams) on the bin that holds it, so
 * n units take ceil(log_128 n) passes: one up to 128 units, two up to 16,384, three up to 2,097,152.
 * The statistics are sums of integers: the same at any thread count. */
int dti_tune_sens_mc(dti_tune_sens *s, size_t runs, unsigned long seed, size_t top, dti_error *err);
/* Tests: the bins per window (2..DTI_TUNE_RANK_BINS), so that a few units take several passes. */
void dti_tune_sens_set_bins(dti_tune_sens *s, size_t bins);
/* The statistics after dti_tune_sens_mc: [u] for each unit ranked (the data's, or the merger's), *n
 * of them.  Borrowed from s. */
const dti_tune_rank_stats *dti_tune_sens_stats(const dti_tune_sens *s, size_t *n);

typedef struct dti_tune_sens_options {
    const char *model_path, *data_path, *reg_path, *models_dir, *uncertainty_path;
    const char *province; /* NULL: Thái Nguyên where the data rank it, else the first ranked unit */
    size_t runs;          /* Monte Carlo draws for the rank distributions */
    size_t sobol_n;       /* Saltelli base sample (0: no Sobol indices) */
    size_t n_boot;        /* bootstrap resamples */
    size_t top;           /* P(rank <= top) */
    size_t threads;
    unsigned long seed;
    const struct dti_merger *merger; /* NULL; or rank among its units (data units = the registry's
                                      * provinces; `province` may name a province or a unit) */
    const dti_registry *reg;         /* with merger (borrowed) */
} dti_tune_sens_options;

/* `dtirank tune sensitivity`: loads, runs and writes the report.  The output does not depend on the
 * thread count. */
int dti_tune_sensitivity_report(const dti_tune_sens_options *o, FILE *out, dti_error *err);

/* ---- stability intervals of each weight and goal seeking (tune_what.c) --------------------------- */

/* One weight: its node moves as a share t of its siblings' total, the other siblings rescaled in
 * proportion, t in [0, 1]; [lower, upper] is the interval around the nominal share on which the
 * unit's rank (or, with top > 0, its membership of the top `top`) stays what it is at the nominal
 * weights, ignoring isolated points of exact ties. */
typedef struct dti_tune_stab_row {
    size_t node;           /* the weight's node in the framework */
    double nominal;        /* nominal share among the positive-weight siblings */
    double lower, upper;   /* the interval (shares) */
    size_t rank_below;     /* rank just below `lower`; 0 when lower is the domain end 0 */
    size_t rank_above;     /* rank just above `upper`; 0 when upper is the domain end 1 */
    int exact;             /* 1: breakpoints from the crossing lines; 0: grid and bisection on the engine */
} dti_tune_stab_row;

typedef struct dti_tune_stab_result {
    size_t unit;       /* the unit (dataset index) */
    size_t rank;       /* its nominal rank among the units with a score */
    size_t n_scored;   /* units with a score at the nominal weights: the ranked set */
    size_t top;        /* 0: rank; K: top-K membership */
    size_t n_rows;
    dti_tune_stab_row *row; /* [n_rows] every positive weight that has a positive-weight sibling */
} dti_tune_stab_result;

/* Grid steps on each side of the nominal share and the bisection tolerance (in share units) of the
 * general (non-linear) case: a change of rank that reverts within one grid step can be missed. */
#define DTI_TUNE_STAB_GRID 400
#define DTI_TUNE_STAB_BISECT_TOL 1e-9

/* Computes the intervals for unit `unit` of ds (framework fw, both borrowed).  The ranked set is
 * fixed to the units with a score at the nominal weights; ranks follow the framework's rule
 * (competition, on the published precision unless `rank: unrounded`).  With arithmetic aggregation
 * every score is linear in t and the breakpoints are exact (docs/tuning.md §3); otherwise the engine
 * is run on a grid and the breakpoints are bisected to DTI_TUNE_STAB_BISECT_TOL.  Fails
 * (DTI_ERR_INPUT) when the unit has no score.  *res: dti_tune_stab_result_clear. */
int dti_tune_stability(const dti_framework *fw, const struct dti_dataset *ds, size_t unit, size_t top,
                       dti_tune_stab_result *res, dti_error *err);
/* The same among the units of a merger (mf NULL: dti_tune_stability): stages 1-5 run on the data's
 * provinces, their normalised main indicators are merged by the rule (dti_merger_frame_merge) and
 * the units' scores aggregated from them; `unit` indexes the merger's units, and so do the ranks. */
int dti_tune_stability_units(const dti_framework *fw, const struct dti_dataset *ds, const struct dti_merger_frame *mf,
                             size_t unit, size_t top, dti_tune_stab_result *res, dti_error *err);
void dti_tune_stab_result_clear(dti_tune_stab_result *res);

/* The cheapest improvement of one unit's indicators into the top K (linear models only). */
typedef struct dti_tune_goal_result {
    size_t unit, top;       /* unit: in the ranked frame (the data's units, or the merger's) */
    size_t row;             /* the data row whose indicators move (= unit without a merger) */
    double share;           /* a unit of increase of that row moves the ranked unit's main indicator by
                             * `share` (w_P / sum of its unit's weights; 1 without a merger) */
    size_t rank;            /* nominal rank */
    double score;           /* nominal score */
    double needed;          /* the smallest score that reaches rank <= top (ties by the official rule) */
    size_t rival;           /* the unit whose score sets `needed` (DTI_NONE when already in) */
    double rival_score;
    int already;            /* the unit is already in the top K */
    int reachable;          /* the plan reaches it within the caps */
    size_t n;               /* indicator columns (engine order) */
    size_t *node;           /* [n] */
    double *value, *cap;    /* [n] the unit's value and the cap of each indicator */
    double *coef;           /* [n] score gained per unit of the indicator (effective weight x share) */
    double *cost;           /* [n] cost per unit of the indicator */
    double *delta;          /* [n] the cheapest plan */
    double *single;         /* [n] the increase needed with this indicator alone; NaN: cannot reach */
    double plan_cost;       /* sum cost * delta */
    double score_after;     /* score with the plan (the maximum reachable when not reachable) */
    size_t rank_after;      /* rank with the plan, recomputed by the engine */
} dti_tune_goal_result;

/* Solves min sum cost_j d_j subject to score(x + d) >= needed and 0 <= d_j <= cap_j - x_j, for a
 * linear model (identity normalisation, no denominator, transform or treatment, arithmetic means):
 * a fractional knapsack, filled in increasing cost per unit of score (docs/tuning.md §4).  cost
 * [n] (engine indicator order) may be NULL (all 1).  Caps: the framework range's upper end, else the
 * largest value of the column.  *res: dti_tune_goal_result_clear. */
int dti_tune_goal(const dti_framework *fw, const struct dti_dataset *ds, size_t unit, size_t top, const double *cost,
                  dti_tune_goal_result *res, dti_error *err);
/* The same among the units of a merger (mf NULL: dti_tune_goal with unit = who): the plan raises the
 * indicators of ONE former province, `who` (a registry index), whose unit must enter the top K among
 * the units; each increase moves the unit's main indicator by w_P / sum w (docs/tuning.md §5).  The
 * plan is checked by the engine: provinces' stages 1-5, merged, aggregated, ranked among units. */
int dti_tune_goal_units(const dti_framework *fw, const struct dti_dataset *ds, const struct dti_merger_frame *mf,
                        size_t who, size_t top, const double *cost, dti_tune_goal_result *res, dti_error *err);
void dti_tune_goal_result_clear(dti_tune_goal_result *res);

/* Reads a costs file (`costs: {indicator id: cost > 0}`; unnamed indicators cost 1) into cost[j] for
 * the engine's indicator columns of fw.  Errors carry the file's line and column. */
int dti_tune_costs_load(const char *path, const dti_framework *fw, double *cost, dti_error *err);

typedef struct dti_tune_what_options {
    const char *model_path, *data_path, *reg_path, *models_dir;
    const char *province; /* required */
    size_t top;           /* stability: 0 = rank; goal: K >= 1 */
    const char *costs_path; /* goal: NULL = every cost 1 */
    int format;           /* DTI_FORMAT_TEXT, _CSV or _JSON */
    const struct dti_merger *merger; /* NULL; or rank among its units (the data's units must be the
                                      * registry's provinces) -- borrowed, with reg */
    const dti_registry *reg;
} dti_tune_what_options;

/* `dtirank tune stability` and `dtirank tune goal`: load, compute, write (docs/tuning.md §3-4). */
int dti_tune_stability_report(const dti_tune_what_options *o, FILE *out, dti_error *err);
int dti_tune_goal_report(const dti_tune_what_options *o, FILE *out, dti_error *err);

#endif
