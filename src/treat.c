/* treat.c -- outlier treatment, the JRC rule as COINr applies it (PIPELINE.md §4): type-2 skewness and
 * excess kurtosis, iterative winsorisation of every point tied at the extreme up to a limit, and the
 * log_CT transform of the original column when winsorisation does not cure it.  Between imputation
 * (and the screen) and normalisation; direction plays no part. */
#include <math.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

#define S_LOG_CT_SHIFT 0.01 /* log_CT: ln(x - min + 0.01 * range), COINr's constant */

void dti_treat_skew_kurt(const double *x, size_t n, double *g1, double *g2)
{
    double sum = 0, cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            cnt += 1;
        }
    *g1 = *g2 = NAN;
    if (cnt < 3)
        return;
    double m = sum / cnt, s2 = 0, s3 = 0, s4 = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            double d = x[i] - m;
            s2 += d * d;
            s3 += pow(d, 3);
            s4 += pow(d, 4);
        }
    if (!(s2 > 0)) /* constant column: 0/0, undefined */
        return;
    *g1 = sqrt(cnt) * s3 / pow(s2, 1.5) * sqrt(cnt * (cnt - 1)) / (cnt - 2);
    if (cnt < 4)
        return;
    double r = cnt * s4 / (s2 * s2);
    *g2 = ((cnt + 1) * (r - 3) + 6) * (cnt - 1) / ((cnt - 2) * (cnt - 3));
}

/* 0: the column passes, 1: it needs treatment, -1: the check is undefined (three-valued "or"). */
static int S_check(const double *x, size_t n, const dti_treat_spec *s, double *g1, double *g2)
{
    dti_treat_skew_kurt(x, n, g1, g2);
    int a_true = !isnan(*g1) && fabs(*g1) < s->skew, b_true = !isnan(*g2) && *g2 < s->kurt;
    if (a_true || b_true)
        return 0;
    return isnan(*g1) || isnan(*g2) ? -1 : 1;
}

/* Flattens every point at the current maximum (high = 1) or minimum onto the next value in; returns
 * how many points it replaced (0 when there is no other value). */
static size_t S_flatten(double *w, size_t n, int high)
{
    double ext = NAN, next = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(w[i]) && (isnan(ext) || (high ? w[i] > ext : w[i] < ext)))
            ext = w[i];
    for (size_t i = 0; i < n; i++) {
        int at_ext = !(w[i] < ext) && !(w[i] > ext);
        if (!isnan(w[i]) && !at_ext && (isnan(next) || (high ? w[i] > next : w[i] < next)))
            next = w[i];
    }
    if (isnan(next))
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(w[i]) && !(w[i] < ext) && !(w[i] > ext)) {
            w[i] = next;
            k++;
        }
    return k;
}

void dti_treat_column(const double *x, size_t n, const dti_treat_spec *s, double *out, double *work,
                      dti_treat_log *tl)
{
    memset(tl, 0, sizeof *tl);
    memcpy(out, x, n * sizeof *out);
    int st = S_check(x, n, s, &tl->skew_before, &tl->kurt_before);
    tl->skew_after = tl->skew_before;
    tl->kurt_after = tl->kurt_before;
    if (s->method == DTI_TREAT_NONE || st != 1)
        return;
    memcpy(work, x, n * sizeof *work);
    double g1 = tl->skew_before, g2 = tl->kurt_before;
    while (st == 1 && tl->nwin < s->max_points) {
        size_t k = S_flatten(work, n, g1 >= 0);
        if (!k)
            break;
        if (g1 >= 0)
            tl->n_high = k;
        else
            tl->n_low = k;
        tl->nwin = tl->n_high + tl->n_low;
        st = S_check(work, n, s, &g1, &g2);
    }
    if (st == 0) {
        memcpy(out, work, n * sizeof *out);
        tl->action = DTI_TREAT_ACTION_WINSORISE;
        tl->skew_after = g1;
        tl->kurt_after = g2;
        return;
    }
    if (st == -1) { /* undefined after winsorising: the original column, as COINr does */
        tl->nwin = tl->n_high = tl->n_low = 0;
        return;
    }
    double lo = NAN, hi = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            lo = isnan(lo) || x[i] < lo ? x[i] : lo;
            hi = isnan(hi) || x[i] > hi ? x[i] : hi;
        }
    for (size_t i = 0; i < n; i++)
        out[i] = isnan(x[i]) ? NAN : log(x[i] - lo + S_LOG_CT_SHIFT * (hi - lo));
    tl->action = DTI_TREAT_ACTION_LOG;
    S_check(out, n, s, &tl->skew_after, &tl->kurt_after);
}
