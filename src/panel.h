/* panel.h -- imputation over time for multi-year data (internal): a unit's missing value of an
 * indicator in one year filled from its own values in other years, by linear interpolation between
 * the observed years around it or by carrying its last observation forward (COINr's impute_panel).
 * A step before the engine, which then scores each year's table; docs/methods.md §2a.
 */
#ifndef DTI_PANEL_H
#define DTI_PANEL_H

#include <stddef.h>

#include "dataset.h"
#include "dtirank.h"

enum dti_panel_method {
    DTI_PANEL_LOCF,        /* the last observed value before the year, carried forward */
    DTI_PANEL_LINEAR,      /* linear in the year between the observed years before and after */
    DTI_PANEL_LINEAR_LOCF  /* linear between observations, then carried forward after the last one */
};

/* Fills the missing cells (NaN) of the panel x[(t * n_units + u) * n_ind + j] -- year t, unit u,
 * indicator j: each year a unit-major table as the engine takes -- in place, from observed cells only
 * (a filled value never serves as a source).  years[t] are the calendar years, strictly increasing.
 * A cell is filled only from observations at most max_gap years away (0: no limit): for LOCF the
 * last one; for linear both neighbours.  Cells before a unit's first observation are never filled
 * (no carrying backward).  filled (may be NULL; n_years * n_units * n_ind entries) receives 1 where a
 * cell was filled, 0 elsewhere; *n_filled (may be NULL) the count.  Allocates nothing.  Errors: years
 * not increasing, an unknown method (DTI_ERR_INPUT). */
int dti_panel_impute(double *x, size_t n_years, size_t n_units, size_t n_ind, const int *years, int method,
                     size_t max_gap, unsigned char *filled, size_t *n_filled, dti_error *err);

/* Imputation over time of a multi-year data table (dataset.h: n_years >= 2): dti_panel_impute on its
 * panel, then the data year's values taken from it again (`previous` keeps the observed values).
 * Records the method and the counts in ds (impute_years, n_filled_year, n_filled_panel).  Errors: a
 * table of one year (DTI_ERR_USAGE), those of dti_panel_impute. */
int dti_dataset_impute_years(dti_dataset *ds, int method, size_t max_gap, dti_error *err);
/* "locf", "linear", "linear-locf". */
const char *dti_panel_method_name(int method);

#endif
