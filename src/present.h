/* present.h -- the presenters (internal API): each turns the results of one command family into a
 * report document (report.h) and never prints.  present_rank.c (rank, units), present_score.c
 * (score, audit), present_tune.c (tune fit, sensitivity, stability, goal), present_misc.c (validate,
 * backtest).  Every function returns a new document (dti_report_free) and cannot fail.
 */
#ifndef DTI_PRESENT_H
#define DTI_PRESENT_H

#include <stddef.h>

#include "audit.h"
#include "merger.h"
#include "project.h"
#include "ranking.h"
#include "report.h"
#include "toolkit.h"
#include "tune.h"

/* `dtirank rank`: the ranking of a year; `latest` != 0 says the year is the latest of the record
 * (no --year was given); rr the ranks within regions (columns region and region_rank of csv and json);
 * by_region: for people, one table per region (rank --by-region), and the data rows region by region. */
dti_report *dti_present_rank(const dti_ranking *rk, int latest, const dti_region_ranks *rr, int by_region);
/* --format svg/html of `rank`: the bar chart of the values in the table's order ("bars"), the entry of
 * registry index `highlight` (of the ranking's registry; (size_t)-1: none) highlighted. */
void dti_present_rank_chart(dti_report *doc, const dti_ranking *rk, size_t highlight);
/* The same among the units: `highlight` a unit of the merger, or (size_t)-1. */
void dti_present_rank_units_chart(dti_report *doc, const dti_merger_ranking *mr, size_t highlight);
/* `dtirank rank --units 34`: the ranking among the units of the 2025 reorganisation. */
dti_report *dti_present_rank_units(const dti_merger_ranking *mr, int latest);
/* `dtirank units`: the registry's provinces (codes, names, ASCII names, region, 2025 unit, aliases), or
 * with `units` the units of its reorganisation (names, ASCII names, region, former provinces);
 * aliases_path: where the aliases came from (NULL: none). */
dti_report *dti_present_units(const dti_registry *reg, int units, const char *aliases_path);

/* `dtirank score`: the scores of every unit (with `detail` every normalised indicator and the outlier
 * treatment); `m` (may be NULL): the merger whose units the score ranks (dti_score_merge). */
dti_report *dti_present_score(const dti_score *sc, int detail, const dti_merger *m);
/* `dtirank audit`: the flags first; the square correlation matrices for people only with `matrices`
 * (csv and json always have them as long tables). */
dti_report *dti_present_audit(const dti_audit *a, int matrices);
/* A paragraph on a multi-year data table (its years, the data year, the imputation over time), when
 * dti_dataset_multiyear says one is due; nothing otherwise. */
struct dti_dataset;
void dti_present_years_note(dti_report *doc, const struct dti_dataset *ds);
/* Blocks (block.h): for the block of fw at `node`, when its tally recovered values, the paragraph that
 * marks them derived (the members, the formula, the rounding bound, the check against published
 * members, and that an index computed with it reproduces the published one).  n_rows: the rows the
 * tally counts over. */
void dti_present_block_note(dti_report *doc, const dti_framework *fw, size_t node, const struct dti_block_tally *t,
                            size_t n_rows);
/* The same for every block column of a data table, and the metadata `derived` (the block ids). */
void dti_present_blocks(dti_report *doc, const dti_framework *fw, const struct dti_dataset *ds);
/* 1 when column j of ds holds values recovered by a block (shown as "id*" to people). */
int dti_present_block_column(const struct dti_dataset *ds, size_t j);
/* `dtirank tune fit`. */
dti_report *dti_present_tune_fit(const dti_tune_fit_year *f);
/* `dtirank tune sensitivity`: o the options of the run (its inputs), r its result; via: how the name
 * given was resolved, or NULL. */
dti_report *dti_present_tune_sens(const dti_tune_sens_options *o, const dti_tune_sens_result *r, const char *via);

/* What the presenters of `tune stability` and `tune goal` need to name the unit and its frame. */
typedef struct dti_tune_what {
    const dti_framework *fw;
    const struct dti_dataset *ds;
    const dti_merger *merger;                /* NULL: the data's units are ranked */
    const char *code, *name;                 /* the unit analysed */
    const char *const *codes, *const *names; /* [n_units] the ranked units (the rival of a goal) */
    size_t n_units;
    const char *via; /* how the name given was resolved ("Bắc Kạn is a former province of ..."), or NULL */
} dti_tune_what;
dti_report *dti_present_tune_stability(const dti_tune_what *w, const dti_tune_stab_result *res);
/* The tornado of a stability result ("tornado"): per weight, how far its share can fall and rise (in
 * percentage points) before the rank (or top-K membership) changes; `data` names the data in the
 * subtitle; words in `lang` (lang.h). */
void dti_present_stability_chart(dti_report *doc, const dti_tune_what *w, const dti_tune_stab_result *res,
                                 const char *data, int lang);
/* The Sobol indices of the rank of r->unit, first and total order with their intervals ("sobol"). */
void dti_present_sobol_chart(dti_report *doc, const dti_tune_sens_options *o, const dti_tune_sens_result *r,
                             const char *data, int lang);
/* costs_path: the costs file, NULL when every cost is 1. */
dti_report *dti_present_tune_goal(const dti_tune_what *w, const dti_tune_goal_result *res, const char *costs_path);

/* `dtirank validate`: one row per file (kind NULL: not recognised). */
typedef struct dti_validate_row {
    const char *file, *kind;
    size_t errors, warnings;
} dti_validate_row;
dti_report *dti_present_validate(const dti_validate_row *rows, size_t n);

/* ---- the analyst's toolkit (present_toolkit.c) ---- */

/* The weight set a run used (--weights): metadata `key` ("weights"), and unless it is "default" a
 * paragraph (for data-driven sets: the variance explained or the convergence) and the table `key`. */
void dti_present_weights(dti_report *doc, const dti_framework *fw, const dti_weights_choice *wc, const char *key);

/* `dtirank compare` of two variants. */
enum dti_compare_mode { DTI_COMPARE_MODELS, DTI_COMPARE_WEIGHTS, DTI_COMPARE_YEARS, DTI_COMPARE_DROP };
typedef struct dti_compare_view {
    int mode;                     /* enum dti_compare_mode */
    const char *what;             /* the title: "Two models on data/asem.yaml" */
    const char *label_a, *label_b; /* "asem", "2022", "equal" */
    const dti_variant_data *a, *b;
    const dti_compare *c;
    int precision;                /* decimals of the scores shown */
    int rho_of_ranks;             /* the variants' scores are their ranks (published rankings) */
    const char *const *source_role, *const *source_path;
    size_t n_sources;
    const char *const *notes;     /* paragraphs after the summary */
    size_t n_notes;
} dti_compare_view;
dti_report *dti_present_compare(const dti_compare_view *v);

/* `dtirank compare --drop`: leave-one-out; cmp[d] compares the full index (A) with the index without
 * dropped node d (B) (Spearman's rho, the top-K crossings); order: the units by their full rank. */
typedef struct dti_loo_view {
    const dti_framework *fw;
    const dti_loo_result *res;
    const dti_compare *cmp;       /* [n_drop] */
    const char *const *code, *const *name; /* [u] */
    const size_t *order;          /* [u] */
    size_t top_k;
    const char *const *source_role, *const *source_path;
    size_t n_sources;
    const char *const *notes;
    size_t n_notes;
} dti_loo_view;
dti_report *dti_present_loo(const dti_loo_view *v);

/* `dtirank profile`; via: how the name given was resolved (or NULL); sources: the year records read. */
struct dti_profile;
dti_report *dti_present_profile(const struct dti_profile *p, const char *via, const char *const *sources,
                                size_t n_sources);

/* ---- project and backtest (present_project.c) ---- */
typedef struct dti_project_view {
    const dti_project_headline *h;
    const dti_project_obs *obs;
    const dti_registry *reg;
    const struct dti_merger *m;
    const dti_projection_config *cfg;
    size_t province;
    int all, frame; /* every entity; -1 both frames, else DTI_FRAME_* */
    const dti_history *hist_units, *hist_prov;
    size_t rule_units, rule_draws; /* dti_latent_rule_check */
    int rule_year;
    const char *const *sources;
    size_t n_sources;
    int lang;          /* the charts' words (lang.h); 0: English */
    int decimal_comma; /* the charts' numbers as HTML shows them (dti_report_lang) */
} dti_project_view;
dti_report *dti_present_project(const dti_project_view *v);
/* The run's metadata that project and report share (model, record_from/to, until, runs, seed). */
void dti_present_project_meta(dti_report *doc, const dti_project_headline *h);
/* The fan chart of the province in `frame` (its unit for DTI_FRAME_UNITS): the record's exact ranks as
 * points, the projection's median and 50% and 80% intervals from the last observed year on, the
 * targets of that frame as lines; "fan_units" or "fan_provinces". */
void dti_present_project_fan(dti_report *doc, const dti_project_view *v, int frame);

typedef struct dti_backtest_view {
    const dti_project_obs *obs;
    const int *origins;
    size_t n_origins;
    const dti_backtest_result *res;
    size_t n_models;
    const dti_backtest_choice *choice;
    size_t n_units;
    size_t runs;
    unsigned long seed;
    size_t rule_units, rule_draws, rule_n_draws;
    int rule_year, rule_model;
    const char *const *sources;
    size_t n_sources;
    const dti_latent_settings *sampler; /* the fits' sampler (metadata; NULL: not said) */
    const char *made;                   /* the date of the run, YYYY-MM-DD (metadata; NULL: not said) */
} dti_backtest_view;
dti_report *dti_present_backtest(const dti_backtest_view *v);
/* likely / unlikely / uncertain, "borderline" within two standard errors of a threshold */
const char *dti_present_verdict(double p, double se, char *buf, size_t size);
/* The same in `lang` (lang.h), the threshold written with a decimal comma when asked. */
const char *dti_present_verdict_lang(double p, double se, int lang, int decimal_comma, char *buf, size_t size);

/* ---- the composite report (present_report.c) ---- */
struct dti_overview;
enum { DTI_REPORT_W_NO_FRAMEWORK, DTI_REPORT_W_NO_DATA, DTI_REPORT_W_DONE };
typedef struct dti_report_view {
    int lang, decimal_comma; /* the words (lang.h) and HTML's number style */
    int frame;               /* DTI_FRAME_UNITS or DTI_FRAME_PROVINCES */
    const dti_project_view *pv;      /* the projection, with pv->lang and pv->decimal_comma as above */
    const struct dti_overview *ov;   /* the record: histories and the table (overview.h) */
    /* the calibration: the backtest kept in a file */
    const dti_backtest_cache *bt;    /* NULL: none could be read */
    const char *bt_path;
    const char *bt_stale;            /* NULL: it fits the settings and the record; else why not */
    /* the weights */
    int w_state;                     /* DTI_REPORT_W_* */
    int w_year;                      /* the year whose framework has weights */
    const dti_framework *w_fw;
    size_t w_scored, w_units;        /* units with a score (every weighted indicator) */
    const dti_tune_what *w_what;
    const dti_tune_stab_result *w_stab;
    const dti_tune_sens_options *w_so;
    const dti_tune_sens_result *w_sens; /* NULL: no Sobol indices */
    /* the sources */
    const dti_year *const *years;    /* the province records */
    size_t n_years;
    const dti_year *pub;             /* the published units' record of the table year, or NULL */
    const char *targets_path, *settings_path;
} dti_report_view;
/* `dtirank report`: the answer, the fan chart, the rank history, the table, the calibration, the
 * weights and the sources, in v->lang (docs/guide.md). */
dti_report *dti_present_report(const dti_report_view *v);

/* ---- template and import (present_import.c) ---- */
/* `dtirank template`: a table "template" of text columns -- the unit (`province`, or `unit` for a
 * registry of units), for a framework with editions (`years:`) the index's rank and value, the
 * indicators, the denominators -- whose first row is the label row (first cell "# ...": the reader
 * skips it) and then one row per entry of reg with its name. */
dti_report *dti_present_template(const dti_framework *fw, const dti_registry *reg);

/* `dtirank import`: what the record holds, one row per column of the table that gave facts. */
typedef struct dti_import_column {
    const char *column, *key, *source; /* as in the table's header; the record's key; its source */
    size_t facts;
} dti_import_column;
typedef struct dti_import_view {
    int year, model_assumed, replaced;
    const char *model, *frame; /* frame NULL: the provinces */
    size_t units, rows;        /* the frame's count; the table's rows */
    size_t n_ranks, n_values;
    const char *table, *record, *framework;
    const dti_import_column *cols;
    size_t n_cols;
} dti_import_view;
dti_report *dti_present_import(const dti_import_view *v);

#endif
