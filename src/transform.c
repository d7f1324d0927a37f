/* transform.c -- monotone transforms of one indicator column before outlier treatment and
 * normalisation: natural log and Box-Cox with a given lambda (Handbook §1.5, Box & Cox 1964).
 * After imputation and the screen; both need positive values and refuse any other with an error
 * naming the indicator and the unit. */
#include <math.h>

#include "engine.h"
#include "internal.h"

int dti_transform_column(double *x, size_t n, const dti_transform_spec *s, const char *id,
                         const char *const *unit_names, dti_error *err)
{
    if (s->method == DTI_TRANSFORM_NONE)
        return DTI_OK;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !(x[i] > 0)) {
            char buf[32];
            const char *unit = unit_names && unit_names[i] ? unit_names[i] : buf;
            if (unit == buf)
                snprintf(buf, sizeof buf, "unit %zu", i + 1);
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "indicator '%s': the %s transform needs values > 0, but %s has %g", id,
                                 dti_transform_method_name(s->method), unit, x[i]);
        }
    /* lambda = 0 is the limit of (x^lambda - 1) / lambda: ln x, as Box and Cox define it */
    int ln = s->method == DTI_TRANSFORM_LOG || !(fabs(s->lambda) > 0);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] = ln ? log(x[i]) : (pow(x[i], s->lambda) - 1) / s->lambda;
    return DTI_OK;
}
