/* project.h -- rank projections (internal API used by main.c, tests and the bench).
 *
 * Pipeline: dti_project_obs_init (the record as exact ranks and bounds) -> dti_project_fit_model
 * (estimate the model on the years up to an origin) -> dti_project_simulate (Monte Carlo of the whole
 * field to a final year, accumulating rank histograms) -> dti_projection_p_top / _quantile.
 */
#ifndef DTI_PROJECT_H
#define DTI_PROJECT_H

#include "dtirank.h"

#define DTI_PROJECT_MAX_YEARS 64
#define DTI_PROJECT_MAX_CHANGES 16 /* years with a chance of an edition change (models/projection.yaml) */

/* The models.  The first three simulate normal scores of ranks forward from the record (project.c);
 * the latent-position models are fitted by MCMC on ranks and values together (project_latent.c,
 * docs/projection.md). */
enum {
    DTI_MODEL_PERSISTENCE,
    DTI_MODEL_TREND,
    DTI_MODEL_PANEL,
    DTI_MODEL_AR1,              /* pooled, one persistence */
    DTI_MODEL_AR1_BREAKS,       /* pooled, persistence within / across an edition change */
    DTI_MODEL_EFFECTS,          /* province effects, one persistence */
    DTI_MODEL_EFFECTS_BREAKS,   /* province effects, within / across */
    DTI_MODEL_EFFECTS_BREAKS_T, /* the same with Student-t innovations */
    DTI_MODEL_COUNT
};

int dti_project_model_parse(const char *s, int *model, dti_error *err);
const char *dti_project_model_name(int model);
int dti_project_model_is_latent(int model);
/* Number of free parameters (the simplicity order of the model choice, docs/projection.md). */
int dti_project_model_params(int model);

typedef struct dti_project_obs {
    size_t n, n_years; /* n: the registry's provinces */
    int year[DTI_PROJECT_MAX_YEARS];
    size_t *exact;  /* [t * n + p]: exact rank or 0 */
    size_t *lo, *hi; /* [t * n + p]: rank bounds (1..n when unknown) */
    int complete[DTI_PROJECT_MAX_YEARS]; /* every province's rank is exact that year */
    int upper[DTI_PROJECT_MAX_YEARS];    /* some inexact rank has an upper bound below n */
    /* What the latent models read (NULL arrays: exact/lo/hi as slots, no values, provinces only). */
    int frame[DTI_PROJECT_MAX_YEARS];    /* DTI_FRAME_PROVINCES or DTI_FRAME_UNITS (a `frame:` record) */
    size_t count[DTI_PROJECT_MAX_YEARS]; /* entities ranked: n, or the merger's units */
    int edition_change[DTI_PROJECT_MAX_YEARS]; /* the framework differs from the previous record's */
    size_t *wlo, *whi; /* [t * n + p] allowed rank slots: derived and list-order ranks widened by 2 */
    double *value;     /* [t * n + p] the year's values standardised (mean 0, sd 1), when every entity has
                        * one; NaN otherwise */
    int has_values[DTI_PROJECT_MAX_YEARS];
    size_t *unit_rank; /* [t * n_units + j] the units' ranks by the official rule on the merged values in a
                        * province year with every value; 0 otherwise */
    const struct dti_merger *merger; /* borrowed (may be NULL: no units) */
} dti_project_obs;

/* years: n_years records in increasing year order.  A record ranking the units of a reorganisation
 * (`frame:`) needs `merger` (its map; borrowed, must outlive obs); others rank the registry's n
 * provinces.  merger may be NULL when no record ranks units. */
int dti_project_obs_init(dti_project_obs *obs, const dti_year *const *years, size_t n_years, const dti_registry *reg,
                         const struct dti_merger *merger, dti_error *err);
void dti_project_obs_clear(dti_project_obs *obs);

typedef struct dti_project_trend {
    size_t n;                      /* exact observations of the province */
    double alpha, beta, tbar, sxx; /* x = alpha + beta (t - tbar) */
} dti_project_trend;

/* The latent-position models (project_latent.c, docs/projection.md): settings of the sampler. */
typedef struct dti_latent_settings {
    size_t chains;       /* independent chains (also the unit of parallel work) */
    size_t sweeps, burn; /* Gibbs sweeps per chain, of which the first `burn` are discarded */
    size_t thin;         /* keep every thin-th sweep after the burn-in */
    unsigned long seed;
    size_t threads;
    double nu;           /* degrees of freedom of the t model */
    int units_from;      /* first year the units of the merger evolve as one entity (0: never) */
} dti_latent_settings;
void dti_latent_settings_default(dti_latent_settings *s);

/* Posterior draws of a latent model, fitted on the record's years first_year .. first_year+n_grid-1. */
typedef struct dti_latent_fit {
    size_t n, n_units;      /* provinces; units of the merger (0: none) */
    int first_year;
    size_t n_grid, n_prov;  /* fitted years; the first n_prov of them rank provinces, the rest units */
    size_t chains, per_chain, n_draws;
    double *theta;          /* [d * 3]: rho_w, rho_b, omega2 (rho_b = rho_w, omega2 = 0 where the model ties them) */
    double *mu;             /* [d * n] province effects */
    double *zp;             /* [d * n] positions in the last province year */
    double *zu;             /* [d * n_units] positions in the last units year (when n_grid > n_prov) */
    unsigned short *rank;   /* [(d * n_grid + t) * n] rank of each province (province years; 0 in unit years) */
    unsigned short *urank;  /* [(d * n_grid + t) * n_units] rank of each unit */
    int brk[DTI_PROJECT_MAX_YEARS]; /* edition change at fitted year t */
    int model;
    double nu;              /* t model: degrees of freedom */
    /* Summaries of theta over the draws: mean, 5% and 95% quantiles, split R-hat and effective
     * sample size (NaN for a parameter the model does not have); Metropolis acceptance rates. */
    double mean[3], q05[3], q95[3], rhat[3], ess[3], accept[3];
} dti_latent_fit;

/* Fits a latent model on obs's records 0..n_fit-1 (a consecutive range of years is simulated, with
 * records where they exist).  DTI_ERR_INPUT when the record is inconsistent (no ranking satisfies
 * every rank and bound of a year). */
int dti_latent_fit_run(const dti_project_obs *obs, size_t n_fit, int model, const dti_latent_settings *set,
                       dti_latent_fit *fit, dti_error *err);
void dti_latent_fit_clear(dti_latent_fit *fit);

/* models/projection.yaml (project_settings.c): the default model, the candidates compared, runs and the
 * last year, the sampler, the chance of an edition change beyond the record, the backtest's origins. */
typedef struct dti_projection_config {
    int model;
    int candidates[DTI_MODEL_COUNT];
    size_t n_candidates;
    size_t runs;
    size_t compare_runs; /* runs of each other candidate for the model dependence (0: none) */
    int until;
    dti_latent_settings sampler; /* with nu (t_nu) and units_from */
    size_t n_changes;
    int change_year[DTI_PROJECT_MAX_CHANGES];
    double change_prob[DTI_PROJECT_MAX_CHANGES];
    int origins[DTI_PROJECT_MAX_YEARS];
    size_t n_origins;
    size_t backtest_runs;
} dti_projection_config;
void dti_projection_config_default(dti_projection_config *c);
int dti_projection_config_load(const char *path, dti_projection_config *c, dti_error *err);

typedef struct dti_project_fit {
    int model;
    size_t n_fit;          /* observed years used (the first n_fit of obs) */
    double a, b, s2, df;   /* panel: x' = a + b x + e, e ~ N(0, s2); trend: pooled s2, df */
    double cov[3];         /* panel: (X'X)^-1 as c00, c01, c11 */
    double se_a, se_b;     /* panel: standard errors of a and b */
    size_t n_pairs;        /* panel: pairs of consecutive exact ranks used */
    dti_project_trend *trend; /* trend: per province (owned) */
    dti_latent_fit *latent;   /* latent models: the posterior draws (owned) */
} dti_project_fit;

/* ls: the sampler's settings for latent models (NULL: dti_latent_settings_default). */
int dti_project_fit_model(const dti_project_obs *obs, size_t n_fit, int model, const dti_latent_settings *ls,
                          dti_project_fit *fit, dti_error *err);
void dti_project_fit_clear(dti_project_fit *fit);

/* A joint event counted run by run: the entity's rank is <= top in every year from..to. */
typedef struct dti_project_event {
    int frame;     /* DTI_FRAME_PROVINCES or DTI_FRAME_UNITS */
    size_t entity; /* province or unit index */
    int from, to;
    size_t top;
} dti_project_event;

typedef struct dti_project_settings {
    size_t runs;
    unsigned long seed;
    size_t threads;
    int until;           /* last simulated year */
    size_t origin_index; /* the observed years used are obs->year[0..origin_index] */
    /* Optional merged frame: each run also ranks the units of `merger` (a dti_merger, borrowed) from
     * `merge_year` on, each unit at the (weighted) mean latent position of its former provinces. */
    const struct dti_merger *merger;
    int merge_year;
    /* Latent models: the first year the units evolve as one entity (0: never), and the probability
     * that the edition changes in a simulated year beyond the record (drawn once per run; a year of
     * the record has its own framework). */
    int units_from;
    size_t n_changes;
    int change_year[DTI_PROJECT_MAX_CHANGES];
    double change_prob[DTI_PROJECT_MAX_CHANGES];
    /* Joint events counted per run (borrowed). */
    const dti_project_event *events;
    size_t n_events;
    /* Optional: called (serialised) as blocks of runs are handed out; the library prints nothing. */
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
} dti_project_settings;

typedef struct dti_projection {
    size_t n, n_years, runs;
    int first_year;
    unsigned long *hist; /* [(year - first_year) * n + p][rank 0..n]: counts (owned) */
    /* The merged frame (when dti_project_settings.merger is set): units ranked from merge_year on. */
    size_t n_units;
    int merge_year;
    unsigned long *unit_hist; /* [(year - first_year) * n_units + j][rank 0..n_units] (owned) */
    /* The events of the settings: runs in which each happened, and the Monte Carlo standard error of
     * its probability (batch means over the runs' parameter draws, or over blocks of runs). */
    size_t n_events;
    unsigned long *event_hits; /* [n_events] (owned) */
    double *event_se;          /* [n_events] (owned) */
} dti_projection;

enum { DTI_FRAME_PROVINCES, DTI_FRAME_UNITS };

int dti_project_simulate(const dti_project_obs *obs, const dti_project_fit *fit, const dti_project_settings *set,
                         dti_projection *out, dti_error *err);
void dti_projection_clear(dti_projection *pr);
/* P(rank <= k) of province p (frame DTI_FRAME_PROVINCES) or unit p (DTI_FRAME_UNITS) in `year`;
 * NaN outside the simulated years (or before the merger, for units). */
double dti_projection_p_top(const dti_projection *pr, int frame, size_t p, int year, size_t k);
/* The smallest rank r with P(rank <= r) >= q; 0 when not simulated. */
size_t dti_projection_quantile(const dti_projection *pr, int frame, size_t p, int year, double q);

typedef struct dti_target {
    size_t province; /* registry index */
    int year;
    size_t top;
} dti_target;

/* Loads models/targets.yaml; *out (n_out entries) is owned by the caller (free). */
int dti_targets_load(const char *path, const dti_registry *reg, dti_target **out, size_t *n_out, dti_error *err);



/* ---- the main job (project_run.c) ------------------------------------------------------------------ */

#define DTI_HEADLINE_MAX_TARGETS 32 /* target x frame rows of one headline */

/* A target in one frame: its status on the record and the probabilities of meeting it. */
typedef struct dti_target_result {
    dti_target target;
    int frame;          /* DTI_FRAME_UNITS or DTI_FRAME_PROVINCES */
    size_t entity;      /* unit or province */
    int last_year;      /* the last year up to the target's with a known rank (0: none) */
    size_t last_rank;
    int decided;        /* the target year is in the record */
    int from;           /* the first year after the record */
    double p_year, se_year; /* P(rank <= top in the target year), Monte Carlo standard error */
    double p_all, se_all;   /* P(rank <= top in every year from `from` to the target year) */
} dti_target_result;

/* The headline probabilities of one model (indexed like the targets). */
typedef struct dti_model_line {
    int model;
    size_t runs;
    double p_year[DTI_HEADLINE_MAX_TARGETS], se_year[DTI_HEADLINE_MAX_TARGETS];
    double p_all[DTI_HEADLINE_MAX_TARGETS], se_all[DTI_HEADLINE_MAX_TARGETS];
} dti_model_line;

typedef struct dti_headline_request {
    int model;                /* the model of the tables (the default of models/projection.yaml) */
    const dti_target *targets; /* borrowed */
    size_t n_targets;
    int frame;                /* -1 both frames, else DTI_FRAME_* only */
    size_t runs, compare_runs; /* runs of the model, and of each other candidate */
    int compare;              /* also every candidate of the settings (the model dependence) */
    unsigned long seed;
    size_t threads;
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
} dti_headline_request;

typedef struct dti_project_headline {
    int model;
    size_t runs;
    unsigned long seed;
    int first_year, last_year, until;
    dti_project_fit fit;      /* of the model (owned) */
    dti_projection pr;        /* its runs (owned) */
    dti_project_settings settings;
    dti_target_result *targets; /* [n_targets] (owned) */
    size_t n_targets;
    dti_model_line *lines;    /* [n_lines]: the model first, then the other candidates (owned) */
    size_t n_lines;
} dti_project_headline;

/* Fits and simulates the model (and each candidate when req->compare) on the whole record `obs`
 * (units: `m`, ranked from merge_year), evaluating the targets in both frames (or req->frame).
 * *h: dti_project_headline_clear. */
int dti_project_headline_run(const dti_project_obs *obs, const dti_projection_config *cfg, const struct dti_merger *m,
                             int merge_year, const dti_headline_request *req, dti_project_headline *h, dti_error *err);
void dti_project_headline_clear(dti_project_headline *h);

/* The official rule reproduced from the positions: in the last province year of a latent fit (when its
 * values are all known), the units' ranks by their members' mean position in every draw against the
 * official table.  *n_units units; *n_draws_all draws in which all of them agree; *year the year.
 * Returns 0 when there is nothing to check (no merger, or that year is not a value year). */
int dti_latent_rule_check(const dti_project_obs *obs, const dti_latent_fit *fit, size_t *n_units, size_t *n_draws_all,
                          int *year);

/* The record of one entity (a province, or a unit by the rule on its former provinces' values): each
 * year's rank (exact, or bounds), value and whether it is published, and the units ranked within
 * DTI_HISTORY_NEAR / 2 places of it in the last year computed by the rule. */
#define DTI_HISTORY_NEAR 4
typedef struct dti_history_point {
    int year;
    size_t n;            /* entities ranked that year */
    size_t rank, lo, hi; /* exact rank (0: only the bounds lo..hi) */
    int derived;         /* the rank is derived from a stated change */
    double value;        /* NaN: unknown */
    int precision;       /* 0 for a published value (its own digits), else the rule's published precision */
    int published;       /* the rank is the record's own (or a published table of the units agrees with it) */
    int pub_value;       /* a unit's value is published too (in its units' table) */
} dti_history_point;
typedef struct dti_history_near {
    size_t entity, rank;
    double value;
} dti_history_near;
typedef struct dti_history {
    dti_history_point point[DTI_PROJECT_MAX_YEARS];
    size_t n;
    dti_history_near near[DTI_HISTORY_NEAR];
    size_t n_near;
    int near_year;
} dti_history;
/* pub (n_pub, may be NULL): the units' own published tables (records with `frame:`, such as
 * data/dti/2024-34.yaml), which mark a unit's rank computed by the rule as published where they agree. */
int dti_project_history(const dti_year *const *years, size_t n_years, const dti_year *const *pub, size_t n_pub,
                        const struct dti_merger *m, int frame, size_t entity, dti_history *h);

/* ---- backtest (backtest.c) --------------------------------------------------------------------- */

/* One forecast scored: entity `entity` (province or unit, by frame) in year `target`, forecast from
 * the record up to `origin`, observed at rank `rank`. */
typedef struct dti_backtest_item {
    int origin, target, frame;
    size_t entity, rank, median;
    double log;         /* -log(0.99 p(rank) + 0.01 / n) */
    double crps;        /* sum_k (F(k) - 1[rank <= k])^2 */
    double in80, in50;  /* 1 inside the central interval, else 0 */
    double abs_err;     /* |median - rank| */
    double brier[2], logk[2]; /* top-10 and top-15 membership */
    double pit;         /* F(rank - 1) + p(rank) / 2 */
} dti_backtest_item;

typedef struct dti_backtest_result {
    int model;
    size_t n_items, cap;
    dti_backtest_item *items; /* in origin, target, frame, entity order (owned) */
} dti_backtest_result;

typedef struct dti_backtest_settings {
    const int *origins;
    size_t n_origins;
    dti_latent_settings sampler;
    dti_project_settings sim; /* runs, seed, threads, merger and merge_year, units_from */
} dti_backtest_settings;

/* Fits `model` on the record up to each origin and scores its forecasts of every later year of the
 * record: the provinces' exact ranks, and the units' ranks by the rule where a year's values are all
 * known (from the merger year on).  *res: dti_backtest_result_clear. */
int dti_backtest_model(const dti_project_obs *obs, int model, const dti_backtest_settings *bs,
                       dti_backtest_result *res, dti_error *err);
void dti_backtest_result_clear(dti_backtest_result *res);

/* Which items a summary covers: a frame, and an origin and a target year (0: all). */
typedef struct dti_backtest_select {
    int frame, origin, target;
} dti_backtest_select;
int dti_backtest_selected(const dti_backtest_select *sel, const dti_backtest_item *it);

enum { DTI_BT_LOG, DTI_BT_IN80, DTI_BT_IN50, DTI_BT_CRPS, DTI_BT_MAE, DTI_BT_BRIER10, DTI_BT_LOG10, DTI_BT_BRIER15,
       DTI_BT_LOG15, DTI_BT_NSCORES };
#define DTI_BT_PIT_BINS 10

typedef struct dti_backtest_summary {
    size_t n;
    double mean[DTI_BT_NSCORES], se[DTI_BT_NSCORES]; /* se: over entities (items of one entity averaged) */
    size_t pit[DTI_BT_PIT_BINS];
} dti_backtest_summary;
void dti_backtest_summarise(const dti_backtest_result *res, const dti_backtest_select *sel, size_t n_entities,
                            dti_backtest_summary *s);
/* The pre-registered choice (docs/projection.md): over the provinces' items of every origin, the best
 * mean log score; each model's difference from it with its standard error; calibration (pooled 80%
 * coverage and that of origin calib_origin alone in [0.70, 0.90]); the chosen model is the simplest
 * calibrated one within one standard error of the best (fewest parameters, then the lower log score).
 * Indices refer to res[]; chosen is -1 when no model qualifies. */
typedef struct dti_backtest_choice {
    int best, chosen;
    double log[DTI_MODEL_COUNT], diff[DTI_MODEL_COUNT], diff_se[DTI_MODEL_COUNT];
    double cover80[DTI_MODEL_COUNT], cover80_last[DTI_MODEL_COUNT];
    int within[DTI_MODEL_COUNT], calibrated[DTI_MODEL_COUNT];
} dti_backtest_choice;
int dti_backtest_choose(const dti_backtest_result *res, size_t n_models, size_t n_entities, int calib_origin,
                        dti_backtest_choice *ch);

/* Mean log-score difference a - b over the selected items (*diff) and its standard error over entities. */
double dti_backtest_paired_se(const dti_backtest_result *a, const dti_backtest_result *b, const dti_backtest_select *sel,
                              size_t n_entities, double *diff);

/* ---- a backtest kept in a file (backtest_cache.c) ------------------------------------------------------ */

/* The pooled scores (every origin and target year) of one model in one frame. */
typedef struct dti_backtest_row {
    int model, frame;
    size_t n;
    double log, log_se, in80, in50, crps, mae;
    double pit[DTI_BT_PIT_BINS];
} dti_backtest_row;

/* What `dtirank backtest --format json` wrote (models/backtest.json, made by `make backtest`): the
 * settings it ran with and the pooled rows of its table "scores".  Strings owned. */
typedef struct dti_backtest_cache {
    char *path, *version;
    char *made, *sampler, *chosen; /* NULL when the file does not say */
    int models[DTI_MODEL_COUNT];
    size_t n_models;
    int origins[DTI_PROJECT_MAX_YEARS];
    size_t n_origins;
    int record_to;
    size_t runs;
    unsigned long seed;
    dti_backtest_row rows[2 * DTI_MODEL_COUNT];
    size_t n_rows;
} dti_backtest_cache;

/* Reads the file (JSON, through the YAML reader); every error at its line and column.  *bc:
 * dti_backtest_cache_clear (nothing to clear after a failure). */
int dti_backtest_cache_load(const char *path, dti_backtest_cache *bc, dti_error *err);
void dti_backtest_cache_clear(dti_backtest_cache *bc);
/* The pooled row of `model` in `frame`, or NULL. */
const dti_backtest_row *dti_backtest_cache_row(const dti_backtest_cache *bc, int model, int frame);
/* 1 when the file describes the settings' candidates and backtest origins on the record to record_to;
 * else 0 and `why` says what differs. */
int dti_backtest_cache_check(const dti_backtest_cache *bc, const dti_projection_config *cfg, int record_to, char *why,
                             size_t size);

#endif
