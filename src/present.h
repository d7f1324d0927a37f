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
#include "tune.h"

/* `dtirank rank`: the ranking of a year; `latest` != 0 says the year is the latest of the record
 * (no --year was given). */
dti_report *dti_present_rank(const dti_ranking *rk, int latest);
/* `dtirank rank --units 34`: the ranking among the units of the 2025 reorganisation. */
dti_report *dti_present_rank_units(const dti_merger_ranking *mr, int latest);
/* `dtirank units`: the registry's provinces (codes, names, ASCII names, region, 2025 unit, aliases), or
 * with `units` the units of its reorganisation (names, ASCII names, region, former provinces);
 * aliases_path: where the aliases came from (NULL: none). */
dti_report *dti_present_units(const dti_registry *reg, int units, const char *aliases_path);

/* `dtirank score`: the scores of every unit (with `detail` every normalised indicator and the outlier
 * treatment); `m` (may be NULL): the merger whose units the score ranks (dti_score_merge). */
dti_report *dti_present_score(const dti_score *sc, int detail, const dti_merger *m);
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
/* `dtirank audit`. */
dti_report *dti_present_audit(const dti_audit *a);
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
/* costs_path: the costs file, NULL when every cost is 1. */
dti_report *dti_present_tune_goal(const dti_tune_what *w, const dti_tune_goal_result *res, const char *costs_path);

/* `dtirank validate`: one row per file (kind NULL: not recognised). */
typedef struct dti_validate_row {
    const char *file, *kind;
    size_t errors, warnings;
} dti_validate_row;
dti_report *dti_present_validate(const dti_validate_row *rows, size_t n);

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
} dti_project_view;
dti_report *dti_present_project(const dti_project_view *v);

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
} dti_backtest_view;
dti_report *dti_present_backtest(const dti_backtest_view *v);
/* likely / unlikely / uncertain, "borderline" within two standard errors of a threshold */
const char *dti_present_verdict(double p, double se, char *buf, size_t size);


#endif
