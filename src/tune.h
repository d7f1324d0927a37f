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
#include "methods.h"

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

/* `dtirank tune fit` on a year record: the weights of the indicators with positive nominal weight
 * fitted on the provinces with all of them and the published index (dti_tune_fit_ls), the nominal
 * weights on the same rows, and the ranks the fitted weights give (docs/tuning.md §1). */
typedef struct dti_tune_fit_year {
    const dti_year *yr;          /* borrowed */
    const dti_framework *fw;     /* the model whose weights are fitted (the record's, or another) */
    size_t p;                    /* weighted indicators (the unknowns) */
    const char **ids;            /* [p] their ids (borrowed from fw) */
    double *nominal;             /* [p] their nominal shares of the index */
    size_t n, n_full;            /* rows fitted (every indicator and the published index); rows with every
                                  * indicator */
    size_t *row;                 /* [n] the record entries fitted */
    dti_tune_fit_result res;
    double nominal_rms, nominal_max; /* residuals of the nominal weights on the same rows (NaN: no row) */
    double *fitted;              /* [yr->n] index with the fitted weights, NaN without every indicator or
                                  * when not identified */
    size_t *rank, *order;        /* [yr->n] official-rule ranks of `fitted` (0: none), entries by rank */
    struct dti_block_tally *block; /* [p] per fitted column, what its block's recovery did (block.h); NULL
                                  * when the model has no block */
    size_t circular;             /* fitted columns recovered from the fitted index itself: the fit is then
                                  * an identity (the rule's weights fit every row exactly, docs/tuning.md §6) */
} dti_tune_fit_year;

/* Fits on record yr (model: NULL for the record's own framework, else one resolved by indicator id;
 * it must be linear).  *out: dti_tune_fit_year_clear. */
int dti_tune_fit_year_compute(const dti_year *yr, const dti_framework *model, dti_tune_fit_year *out, dti_error *err);
void dti_tune_fit_year_clear(dti_tune_fit_year *f);

/* ---- the Monte Carlo machinery (tune_mc.c) ---------------------------------------------------- */

#define DTI_TUNE_BLOCK 1000 /* evaluations (or Saltelli rows) per random stream: the unit of reproducibility */

/* A model of `dim` inputs uniform on (0, 1): writes n_out outputs into y.  `accumulate` is 1 for the
 * plain Monte Carlo draws (the model may add them to its own per-thread tallies) and 0 in the
 * Saltelli design.  Must not allocate; returns 0 or a dti_status with err filled. */
typedef int (*dti_tune_eval_fn)(void *state, const double *u, int accumulate, double *y, dti_error *err);

/* The points of the Saltelli design: pseudo-random (taus2 streams), or a Sobol' sequence (gsl_qrng_sobol)
 * of dimension 2 dim shifted modulo 1 by a random vector drawn from the seed (docs/tuning.md §2); AUTO
 * (tune sensitivity's options only): Sobol' when the inputs fit its dimensions, else random. */
enum { DTI_TUNE_DESIGN_RANDOM, DTI_TUNE_DESIGN_SOBOL, DTI_TUNE_DESIGN_AUTO };
#define DTI_TUNE_SOBOL_MAX_DIM 40 /* GSL's Sobol' sequence: at most 40 dimensions, so 20 uniform inputs */

typedef struct dti_tune_sampler {
    size_t dim;             /* uniforms per evaluation */
    size_t n_groups;        /* Sobol input groups */
    const size_t *group_of; /* [dim] group of each uniform (< n_groups) */
    size_t n_out;           /* outputs per evaluation */
    dti_tune_eval_fn eval;
    void **state;           /* [threads] one model state per thread (borrowed) */
    size_t threads;         /* >= 1 */
    unsigned long seed;
    int design;             /* DTI_TUNE_DESIGN_* of the Saltelli design (the plain Monte Carlo is random) */
} dti_tune_sampler;

/* `runs` plain Monte Carlo evaluations (accumulate = 1).  Each block of DTI_TUNE_BLOCK runs draws from
 * its own taus2 stream seeded from (seed, block): the states see the same draws at any thread count,
 * and tallies that are sums of integers come out identical. */
int dti_tune_mc(const dti_tune_sampler *sp, size_t runs, dti_error *err);
/* Saltelli's design with base sample n: rows j of A and B (2 dim uniforms from the block's stream, or
 * point j of the shifted Sobol' sequence: DTI_ERR_USAGE when 2 dim > DTI_TUNE_SOBOL_MAX_DIM),
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

/* ---- the tuning settings (tune_load.c) ------------------------------------------------------------ */

/* The uncertain inputs of `tune sensitivity` (models/uncertainty-*.yaml, docs/tuning.md §2), read
 * without a framework: each input is one Sobol group. */
enum dti_unc_kind { DTI_UNC_WEIGHTS, DTI_UNC_NORM, DTI_UNC_AGG, DTI_UNC_TREAT, DTI_UNC_IMPUTE };
#define DTI_UNC_MAX_CHOICES 16 /* alternatives in one discrete input */

typedef struct dti_unc_input {
    char *name;
    int kind;                 /* enum dti_unc_kind */
    size_t line, column;      /* the input's value (weights: its mapping), for errors against a model */
    /* weights */
    int dirichlet;            /* 0: uniform noise */
    double noise, alpha;      /* +-share; Dirichlet concentration */
    unsigned levels;          /* bit l: level l randomised (0: all) */
    /* discrete choices: normalise (norm), aggregate and impute (choice); winsorise: lo..hi points */
    dti_norm_spec norm[DTI_UNC_MAX_CHOICES];
    int choice[DTI_UNC_MAX_CHOICES];
    size_t choice_line[DTI_UNC_MAX_CHOICES], choice_column[DTI_UNC_MAX_CHOICES];
    size_t n_choice;
    size_t lo, hi;
} dti_unc_input;

typedef struct dti_uncertainty {
    char *path;
    dti_unc_input *in;
    size_t n;
} dti_uncertainty;

/* Reads an uncertainty file; every error at its line and column.  *out: dti_uncertainty_free. */
int dti_uncertainty_load(const char *path, dti_uncertainty **out, dti_error *err);
void dti_uncertainty_free(dti_uncertainty *u);
/* "none", "mean", ... of an imputation method code. */
const char *dti_uncertainty_impute_name(int method);

/* The costs of `tune goal` (`costs: {indicator id: cost > 0}`), read without a framework. */
typedef struct dti_costs {
    char *path;
    size_t n;
    char **id;
    double *cost;
    size_t *line, *column; /* of each id */
} dti_costs;
int dti_costs_load(const char *path, dti_costs **out, dti_error *err);
void dti_costs_free(dti_costs *c);
/* cost[j] for the engine's indicator columns of fw: the file's, 1 for an indicator it does not name
 * (costs NULL: all 1); an id that is no indicator of fw is an error at its position. */
int dti_costs_apply(const dti_costs *costs, const dti_framework *fw, double *cost, dti_error *err);

/* ---- uncertainty and sensitivity of ranks (tune_sens.c) ----------------------------------------- */

struct dti_dataset;
typedef struct dti_tune_sens dti_tune_sens;

/* Binds the uncertain inputs u to framework fw and data ds (all borrowed; they must outlive the
 * object): what does not fit the model (no weighted node at the levels, group imputation without the
 * model's group) is an error at u's line and column.  Makes one engine workspace per thread and
 * memoises stages 1-5 for every combination of the discrete inputs that affect them.  ds may be NULL
 * to check u against fw alone.  *out: dti_tune_sens_free. */
int dti_tune_sens_new(const dti_framework *fw, const struct dti_dataset *ds, const dti_uncertainty *u, size_t threads,
                      dti_tune_sens **out, dti_error *err);
void dti_tune_sens_free(dti_tune_sens *s);
/* Binds u to fw as dti_tune_sens_new does, without data: what does not fit the model is an error at u's
 * line and column (validate --model). */
int dti_tune_sens_check(const dti_framework *fw, const dti_uncertainty *u, dti_error *err);
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

/* Bins per window of the rank statistics: memory is 3 x DTI_TUNE_RANK_BINS x 4 bytes per unit and
 * thread, whatever the number of units (a full rank histogram would be units^2). */
#define DTI_TUNE_RANK_BINS 128

/* `runs` Monte Carlo draws (at most 4294967295: DTI_ERR_USAGE beyond), and each unit's rank statistics.
 * The quantiles are exact: a pass counts each unit's draws in at most DTI_TUNE_RANK_BINS bins (of a
 * power of two ranks) of the window that holds a quantile, and the next pass replays the same draws
 * (same seed, same stream per block: the plain Monte Carlo's, whatever the Saltelli design) on the bin
 * that holds it, so n units take ceil(log_128 n) passes: one up to 128 units, two up to 16,384, three up
 * to 2,097,152.  The statistics are sums of integers: the same at any thread count. */
int dti_tune_sens_mc(dti_tune_sens *s, size_t runs, unsigned long seed, size_t top, dti_error *err);
/* Tests: at most `bins` bins per window (clamped to 2..DTI_TUNE_RANK_BINS), so that a few units take
 * several passes. */
void dti_tune_sens_set_bins(dti_tune_sens *s, size_t bins);
/* Tests: fn(ctx, worker, pass, rank, n) is called with the ranks of every Monte Carlo draw of every pass
 * (rank[n], 0 = unranked; borrowed for the call), from the worker (0 .. threads - 1) that ran it, from
 * several threads at once; fn NULL: none. */
typedef void (*dti_tune_sens_probe_fn)(void *ctx, size_t worker, size_t pass, const size_t *rank, size_t n);
void dti_tune_sens_set_probe(dti_tune_sens *s, dti_tune_sens_probe_fn fn, void *ctx);
/* The statistics after dti_tune_sens_mc: [u] for each unit ranked (the data's, or the merger's), *n of
 * them.  Borrowed from s. */
const dti_tune_rank_stats *dti_tune_sens_stats(const dti_tune_sens *s, size_t *n);

typedef struct dti_tune_sens_options {
    const dti_framework *fw;              /* the model (borrowed) */
    const struct dti_dataset *ds;         /* the data (borrowed) */
    const dti_uncertainty *unc;           /* the uncertain inputs (borrowed) */
    size_t unit;          /* the unit of the Sobol indices (a data row, or a merger unit); (size_t)-1: the
                           * preferred one when it has a score, else the first unit with one */
    size_t preferred;     /* (size_t)-1: none */
    size_t runs;          /* Monte Carlo draws for the rank distributions */
    size_t sobol_n;       /* Saltelli base sample (0: no Sobol indices) */
    size_t n_boot;        /* bootstrap resamples */
    int design;           /* DTI_TUNE_DESIGN_* of the Saltelli design (0: random; AUTO: Sobol' when the
                           * uniform inputs number at most DTI_TUNE_SOBOL_MAX_DIM / 2) */
    size_t top;           /* P(rank <= top) */
    size_t threads;
    unsigned long seed;
    const struct dti_merger *merger; /* NULL; or rank among its units (data units = the registry's
                                      * provinces) */
    const dti_registry *reg;         /* with merger (borrowed) */
    size_t rank_bins;     /* tests: dti_tune_sens_set_bins (0: DTI_TUNE_RANK_BINS) */
} dti_tune_sens_options;

/* The result of `tune sensitivity` (every array [n], owned). */
typedef struct dti_tune_sens_result {
    size_t n;                 /* units ranked: the data's, or the merger's */
    char **code, **name;      /* of each unit (merger: the unit's name, "A + B") */
    size_t *nominal_rank;     /* 0: no score at the nominal settings */
    double *nominal_score;
    size_t *order;            /* units by nominal rank, unranked last */
    size_t *median, *q05, *q95; /* rank quantiles of the draws that rank the unit (0: never ranked) */
    size_t *ranked;           /* draws that rank the unit */
    double *p_top;            /* share of the draws with rank <= top */
    size_t n_scored;          /* units with a nominal score */
    size_t unit;              /* the unit of the Sobol indices */
    int unit_default;         /* chosen by default, not asked for */
    size_t n_memo;            /* combinations memoised */
    size_t k;                 /* inputs (Sobol groups) */
    size_t *moved;            /* [k] weights each input moves (0: not a weights input) */
    size_t sobol_n, evaluations;
    int design;               /* the Saltelli design used: DTI_TUNE_DESIGN_RANDOM or _SOBOL */
    size_t dim;               /* uniform inputs of a draw */
    double *sobol;            /* [(output * k + g) * 6 + s], output 0 rank, 1 score; s: S1, ST, S1 lo,
                               * S1 hi, ST lo, ST hi (NaN when the output does not vary) */
} dti_tune_sens_result;

#define DTI_TUNE_SENS_LEVEL 0.95 /* bootstrap interval level of the Sobol indices */

/* `dtirank tune sensitivity`: the nominal run, the Monte Carlo rank distributions and the Sobol
 * indices.  A unit asked for (o->unit) without a nominal score is refused (DTI_ERR_INPUT), never
 * reported as rank 0.  The result does not depend on the thread count.  *out:
 * dti_tune_sens_result_clear. */
int dti_tune_sensitivity(const dti_tune_sens_options *o, dti_tune_sens_result *out, dti_error *err);
void dti_tune_sens_result_clear(dti_tune_sens_result *r);

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
    size_t n_scored, n_units; /* units with a nominal score (the ranked set) and units of the frame */
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

#endif
