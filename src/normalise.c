/* normalise.c -- one indicator column onto a common scale, direction applied (x' = direction * x, so
 * higher is always better afterwards): identity, min-max, z-score, goalposts, ratio to the best unit,
 * competition and fractional rank, percentile rank, Blom's rank-based inverse normal, distance to a
 * reference unit (ratio or difference).  After outlier
 * treatment, before aggregation.  Formulas and degenerate cases: docs/methods.md. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "engine.h"
#include "internal.h"

#define S_BLOM_A 0.375 /* Blom (1958): p = (r - 3/8) / (n + 1/4) */
#define S_BLOM_B 0.25

static const char *S_unit(const char *const *names, size_t u, char *buf, size_t len)
{
    if (names && names[u])
        return names[u];
    snprintf(buf, len, "unit %zu", u + 1);
    return buf;
}

/* Ranks of the non-missing x' (ascending): competition ("min") ranks into out when fractional = 0,
 * average ranks of ties otherwise.  Returns the number of non-missing values. */
static size_t S_ranks(const double *x, size_t n, int direction, double *out, size_t *idx, size_t *tmp, double *keys,
                      int fractional)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NAN;
        if (!isnan(x[i])) {
            keys[i] = direction * x[i];
            idx[m++] = i;
        }
    }
    dti_sort_index(keys, idx, m, tmp);
    for (size_t a = 0; a < m;) {
        size_t b = a + 1;
        while (b < m && !(keys[idx[a]] < keys[idx[b]]))
            b++;
        /* positions a..b-1 (0-based) tie: min rank a+1, average rank (a+1 + b) / 2 */
        double r = fractional ? 0.5 * (double)(a + 1 + b) : (double)(a + 1);
        for (size_t k = a; k < b; k++)
            out[idx[k]] = r;
        a = b;
    }
    return m;
}

int dti_normalise_column(const double *x, size_t n, const dti_norm_spec *s, int direction, double *out,
                         size_t *idx, size_t *tmp, double *keys, const char *id, const char *const *unit_names,
                         dti_error *err)
{
    double d = direction < 0 ? -1.0 : 1.0, span = s->max - s->min;
    double lo = NAN, hi = NAN, sum = 0, cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            double v = d * x[i];
            lo = isnan(lo) || v < lo ? v : lo;
            hi = isnan(hi) || v > hi ? v : hi;
            sum += v;
            cnt += 1;
        }
    switch (s->method) {
    case DTI_NORM_NONE:
        for (size_t i = 0; i < n; i++)
            out[i] = x[i];
        return DTI_OK;
    case DTI_NORM_MINMAX:
        /* a constant column gives 0/0 = NaN for every unit, as COINr does (PIPELINE.md §5) */
        for (size_t i = 0; i < n; i++)
            out[i] = (d * x[i] - lo) / (hi - lo) * span + s->min;
        return DTI_OK;
    case DTI_NORM_ZSCORE: {
        double m = sum / cnt, ss = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                ss += (d * x[i] - m) * (d * x[i] - m);
        double sd = cnt > 1 ? sqrt(ss / (cnt - 1)) : NAN;
        for (size_t i = 0; i < n; i++) /* sd = 0 or NaN gives NaN, like min-max */
            out[i] = sd > 0 ? (d * x[i] - m) / sd * s->sd + s->mean : NAN;
        return DTI_OK;
    }
    case DTI_NORM_GOALPOSTS: {
        double g0 = d > 0 ? s->low : -s->high, g1 = d > 0 ? s->high : -s->low;
        for (size_t i = 0; i < n; i++) {
            double t = (d * x[i] - g0) / (g1 - g0);
            t = t < 0 ? 0 : t > 1 ? 1 : t; /* NaN passes through both tests unchanged */
            out[i] = t * span + s->min;
        }
        return DTI_OK;
    }
    case DTI_NORM_RATIO: {
        char buf[32];
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]) && (d > 0 ? x[i] < 0 : !(x[i] > 0)))
                return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                     "indicator '%s': ratio to the best unit needs values %s 0, but %s has %g", id,
                                     d > 0 ? ">=" : ">", S_unit(unit_names, i, buf, sizeof buf), x[i]);
        double best = d > 0 ? hi : -hi; /* the largest x, or the smallest x when lower is better */
        if (d > 0 && !(best > 0)) {
            for (size_t i = 0; i < n; i++) /* every value 0: no best to divide by */
                out[i] = NAN;
            return DTI_OK;
        }
        for (size_t i = 0; i < n; i++)
            out[i] = (d > 0 ? x[i] / best : best / x[i]) * span + s->min;
        return DTI_OK;
    }
    case DTI_NORM_RANK:
    case DTI_NORM_RANK_FRACTIONAL:
        S_ranks(x, n, direction, out, idx, tmp, keys, s->method == DTI_NORM_RANK_FRACTIONAL);
        return DTI_OK;
    case DTI_NORM_PERCENTILE: {
        size_t m = S_ranks(x, n, direction, out, idx, tmp, keys, 1);
        for (size_t i = 0; i < n; i++) /* one unit: (1 - 1) / 0, undefined -> NaN */
            out[i] = m > 1 ? (out[i] - 1) / (double)(m - 1) * span + s->min : NAN;
        return DTI_OK;
    }
    case DTI_NORM_BLOM: {
        size_t m = S_ranks(x, n, direction, out, idx, tmp, keys, 1);
        for (size_t i = 0; i < n; i++)
            if (!isnan(out[i]))
                out[i] = gsl_cdf_ugaussian_Pinv((out[i] - S_BLOM_A) / ((double)m + S_BLOM_B));
        return DTI_OK;
    }
    case DTI_NORM_DISTANCE: {
        /* the reference is found by its code among the run's units (no allocation) */
        size_t r = 0;
        while (unit_names && r < n && !(unit_names[r] && !strcmp(unit_names[r], s->reference)))
            r++;
        if (!unit_names || r == n)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "indicator '%s': the reference unit '%s' is not in the data", id, s->reference);
        if (isnan(x[r]))
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "indicator '%s': the reference unit '%s' has no value (missing or screened out)", id,
                                 s->reference);
        if (s->mode == DTI_DISTANCE_DIFFERENCE) {
            for (size_t i = 0; i < n; i++) /* x' - x'_ref: 0 at the reference, > 0 when better */
                out[i] = d * (x[i] - x[r]);
            return DTI_OK;
        }
        char buf[32];
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]) && !(x[i] > 0))
                return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                     "indicator '%s': distance as a ratio to '%s' needs values > 0, but %s has %g", id,
                                     s->reference, S_unit(unit_names, i, buf, sizeof buf), x[i]);
        for (size_t i = 0; i < n; i++) /* 1 at the reference, > 1 when better, then onto [a, b] */
            out[i] = (d > 0 ? x[i] / x[r] : x[r] / x[i]) * span + s->min;
        return DTI_OK;
    }
    default:
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "unknown normalisation method %d", s->method);
    }
}
