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
/* `dtirank units`: the registry's provinces (codes, names, ASCII names, region, 2025 unit), or with
 * `units` the units of its reorganisation (names, ASCII names, region, former provinces). */
dti_report *dti_present_units(const dti_registry *reg, int units);

/* `dtirank score`: the scores of every unit (with `detail` every normalised indicator and the outlier
 * treatment); `m` (may be NULL): the merger whose units the score ranks (dti_score_merge). */
dti_report *dti_present_score(const dti_score *sc, int detail, const dti_merger *m);
/* `dtirank audit`. */
dti_report *dti_present_audit(const dti_audit *a);
/* `dtirank backtest`: the scores of n models fitted on the years up to obs->year[origin]. */
dti_report *dti_present_backtest(const dti_project_obs *obs, size_t origin, const dti_project_settings *set,
                                 const dti_backtest_score *sc, size_t n);

#endif
