/* panel.c -- imputation over time: a unit's missing value in one year from its own observed values in
 * the other years, linear between the years around it or the last observation carried forward
 * (COINr's impute_panel).  Before the engine; docs/methods.md §2a. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "panel.h"

int dti_panel_impute(double *x, size_t n_years, size_t n_units, size_t n_ind, const int *years, int method,
                     size_t max_gap, unsigned char *filled, size_t *n_filled, dti_error *err)
{
    if (method < DTI_PANEL_LOCF || method > DTI_PANEL_LINEAR_LOCF)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "unknown panel imputation method %d", method);
    for (size_t t = 1; t < n_years; t++)
        if (years[t] <= years[t - 1])
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "panel years must increase: %d comes after %d",
                                 years[t], years[t - 1]);
    size_t stride = n_units * n_ind, count = 0; /* cell (t, u, j) is at t * stride + u * n_ind + j */
    if (filled)
        memset(filled, 0, n_years * stride);
    int linear = method != DTI_PANEL_LOCF, carry = method != DTI_PANEL_LINEAR;
    for (size_t u = 0; u < n_units; u++)
        for (size_t j = 0; j < n_ind; j++) {
            double *cell = x + u * n_ind + j;
            size_t last = n_years; /* the last observed year so far (n_years: none) */
            for (size_t t = 0; t < n_years; t++) {
                if (!isnan(cell[t * stride])) {
                    last = t;
                    continue;
                }
                if (last == n_years)
                    continue; /* before the first observation: left missing */
                double v = NAN;
                size_t next = t + 1; /* cells after t are not filled yet: a value there is observed */
                while (next < n_years && isnan(cell[next * stride]))
                    next++;
                long gap_back = (long)years[t] - years[last];
                if (linear && next < n_years &&
                    (!max_gap || ((size_t)gap_back <= max_gap && (size_t)(years[next] - years[t]) <= max_gap))) {
                    double a = cell[last * stride], b = cell[next * stride];
                    /* a + (b - a) (y_t - y_last) / (y_next - y_last) */
                    v = a + (b - a) * (double)gap_back / (double)(years[next] - years[last]);
                } else if (carry && (next == n_years || !linear) && (!max_gap || (size_t)gap_back <= max_gap)) {
                    v = cell[last * stride];
                }
                if (isnan(v))
                    continue;
                cell[t * stride] = v;
                count++;
                if (filled)
                    filled[t * stride + u * n_ind + j] = 1;
            }
        }
    if (n_filled)
        *n_filled = count;
    return DTI_OK;
}

const char *dti_panel_method_name(int method)
{
    return method == DTI_PANEL_LOCF ? "locf" : method == DTI_PANEL_LINEAR ? "linear" : "linear-locf";
}

int dti_dataset_impute_years(dti_dataset *ds, int method, size_t max_gap, dti_error *err)
{
    if (ds->n_years < 2)
        return dti_error_set(err, DTI_ERR_USAGE, ds->path, 0, 0,
                             "--impute-years needs a table of several years (docs/methods.md §2a); this one has %s",
                             ds->n_years ? "one" : "no years");
    size_t cells = ds->n_units * ds->n_indicators, nt = ds->n_years, t = 0;
    while (ds->years[t] != ds->year)
        t++;
    unsigned char *filled = dti_xcalloc(nt * cells, 1);
    size_t n = 0;
    int rc = dti_panel_impute(ds->panel, nt, ds->n_units, ds->n_indicators, ds->years, method, max_gap, filled, &n, err);
    if (!rc) {
        memcpy(ds->values, ds->panel + t * cells, cells * sizeof *ds->values);
        ds->impute_years = method;
        ds->n_filled_panel = n;
        ds->n_filled_year = 0;
        for (size_t k = 0; k < cells; k++)
            ds->n_filled_year += filled[t * cells + k];
    }
    free(filled);
    return rc;
}
