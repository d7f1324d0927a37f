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

enum { DTI_MODEL_PERSISTENCE, DTI_MODEL_TREND, DTI_MODEL_PANEL };

int dti_project_model_parse(const char *s, int *model, dti_error *err);
const char *dti_project_model_name(int model);

typedef struct dti_project_obs {
    size_t n, n_years;
    int year[DTI_PROJECT_MAX_YEARS];
    size_t *exact;  /* [t * n + p]: exact rank or 0 */
    size_t *lo, *hi; /* [t * n + p]: rank bounds (1..n when unknown) */
    int complete[DTI_PROJECT_MAX_YEARS]; /* every province's rank is exact that year */
    int upper[DTI_PROJECT_MAX_YEARS];    /* some inexact rank has an upper bound below n */
} dti_project_obs;

/* years: n_years records in increasing year order, all ranking the registry's n provinces. */
int dti_project_obs_init(dti_project_obs *obs, const dti_year *const *years, size_t n_years, const dti_registry *reg,
                         dti_error *err);
void dti_project_obs_clear(dti_project_obs *obs);

typedef struct dti_project_trend {
    size_t n;                      /* exact observations of the province */
    double alpha, beta, tbar, sxx; /* x = alpha + beta (t - tbar) */
} dti_project_trend;

typedef struct dti_project_fit {
    int model;
    size_t n_fit;          /* observed years used (the first n_fit of obs) */
    double a, b, s2, df;   /* panel: x' = a + b x + e, e ~ N(0, s2); trend: pooled s2, df */
    double cov[3];         /* panel: (X'X)^-1 as c00, c01, c11 */
    double se_a, se_b;     /* panel: standard errors of a and b */
    size_t n_pairs;        /* panel: pairs of consecutive exact ranks used */
    dti_project_trend *trend; /* trend: per province (owned) */
} dti_project_fit;

int dti_project_fit_model(const dti_project_obs *obs, size_t n_fit, int model, dti_project_fit *fit, dti_error *err);
void dti_project_fit_clear(dti_project_fit *fit);

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

/* Writes the projection of province `prov` (or of every province when all != 0) with the targets:
 * text (the main job's table), md, csv (one row per province and year) or json. */
typedef struct dti_project_report {
    const dti_project_obs *obs;
    const dti_project_fit *fit;
    const dti_project_settings *set;
    const dti_projection *pr;
    const dti_registry *reg;
    size_t province;
    int all;
    const struct dti_merger *merger; /* NULL: the provinces' frame only */
    int frame;                       /* -1 both frames, else DTI_FRAME_* only */
    const dti_target *targets;
    size_t n_targets;
} dti_project_report;
int dti_project_write(const dti_project_report *rep, int format, FILE *out, dti_error *err);

/* Backtest: fit on the years up to origin, forecast the later observed years, score against them. */
typedef struct dti_backtest_score {
    int model;
    size_t n_exact;       /* exact ranks scored */
    double mae, spearman, coverage80;
    size_t n_top10, n_top15;
    double brier10, brier15, log10, log15;
} dti_backtest_score;
int dti_backtest_run(const dti_project_obs *obs, size_t origin_index, int model, const dti_project_settings *set,
                     dti_backtest_score *score, dti_error *err);

#endif
