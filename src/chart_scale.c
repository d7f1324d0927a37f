/* chart_scale.c -- the arithmetic under the charts: linear scales, Heckbert's nice ticks, tick and
 * value labels, text width by display columns, truncation with an ellipsis, label placement without
 * overlaps and band polygons.  Pure functions over numbers and strings (chart.h; docs/charts.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "chart.h"
#include "internal.h"

/* Bounds closer than this (relative to their size) are one value: a scale over them would divide
 * by a rounding error. */
#define S_EMPTY_REL 1e-12
/* A tick at k * step is inside [lo, hi] when it is outside by less than this fraction of the step:
 * k * step carries binary noise (3 * 0.1 = 0.30000000000000004). */
#define S_TICK_SLACK 1e-9
#define S_MAX_TARGET 20 /* more ticks than this are never readable on one axis */

void dti_chart_scale_init(dti_chart_scale *s, double d0, double d1, double r0, double r1)
{
    s->d0 = d0;
    s->d1 = d1;
    s->r0 = r0;
    s->r1 = r1;
}

double dti_chart_scale_map(const dti_chart_scale *s, double v)
{
    double span = s->d1 - s->d0;
    if (!(fabs(span) > S_EMPTY_REL * (fabs(s->d0) + fabs(s->d1))) || !isfinite(span))
        return 0.5 * (s->r0 + s->r1);
    return s->r0 + (v - s->d0) / span * (s->r1 - s->r0);
}

double dti_chart_nice_num(double x, int round)
{
    double e = floor(log10(x));
    double p = pow(10.0, e);
    double f = x / p; /* 1 <= f < 10, give or take log10's last bit */
    double nf;
    if (round)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * p;
}

static void S_push(dti_chart_ticks *t, double v)
{
    if (t->n < DTI_CHART_MAX_TICKS)
        t->v[t->n++] = v;
}

/* Multiples of the step inside [lo, hi] (lo, hi in units of the step, with slack for binary noise). */
static void S_multiples(dti_chart_ticks *t, double lo, double hi, double step)
{
    double k0 = ceil(lo / step - S_TICK_SLACK), k1 = floor(hi / step + S_TICK_SLACK);
    for (double k = k0; k <= k1 && t->n < DTI_CHART_MAX_TICKS; k++)
        S_push(t, k * step);
}

void dti_chart_ticks_compute(double lo, double hi, size_t target, int flags, dti_chart_ticks *t)
{
    memset(t, 0, sizeof *t);
    int rank = (flags & DTI_CHART_TICKS_RANK) != 0;
    int integer = rank || (flags & DTI_CHART_TICKS_INTEGER) != 0;
    int tight = rank || (flags & DTI_CHART_TICKS_TIGHT) != 0;
    if (!isfinite(lo) && !isfinite(hi)) {
        lo = 0;
        hi = 1;
    } else if (!isfinite(lo)) {
        lo = hi;
    } else if (!isfinite(hi)) {
        hi = lo;
    }
    if (lo > hi) {
        double x = lo;
        lo = hi;
        hi = x;
    }
    if (!(hi - lo > S_EMPTY_REL * (fabs(lo) + fabs(hi)))) {
        /* one value: an integer axis puts it in the middle of one unit (one year, rank 1 of 1); a
         * continuous one widens by 10% of the value (or 1 around 0) */
        double v = lo, w = integer ? (tight ? 0.5 : 1.0) : (fabs(v) > 0 ? 0.1 * fabs(v) : 1.0);
        lo = v - w;
        hi = v + w;
    }
    if (target < 2)
        target = 2;
    if (target > S_MAX_TARGET)
        target = S_MAX_TARGET;
    double range = dti_chart_nice_num(hi - lo, 0);
    double step = dti_chart_nice_num(range / (double)(target - 1), 1);
    if (integer && step < 1)
        step = 1;
    t->step = step;
    if (!tight) {
        t->lo = floor(lo / step + S_TICK_SLACK) * step;
        t->hi = ceil(hi / step - S_TICK_SLACK) * step;
        S_multiples(t, t->lo, t->hi, step);
    } else {
        t->lo = lo;
        t->hi = hi;
        if (rank && step < 5) {
            /* steps of 1 or 2 from rank 1: 1, 3, 5, ... reads better than 1, 2, 4, ... */
            double first = lo <= 1 ? 1 : 1 + ceil((lo - 1) / step - S_TICK_SLACK) * step;
            for (double v = first; v <= hi + S_TICK_SLACK * step && t->n < DTI_CHART_MAX_TICKS; v += step)
                S_push(t, v);
        } else {
            /* rank 1 is always worth a tick; the multiples of a step >= 5 stay >= 4 ranks from it */
            if (rank && lo <= 1 && hi >= 1)
                S_push(t, 1);
            S_multiples(t, rank ? fmax(lo, 1 + S_TICK_SLACK) : lo, hi, step);
        }
    }
    /* steps are 1, 2 or 5 x 10^k: a step below 1 needs ceil(-log10(step)) decimals (0.5 -> 1, 0.05 -> 2) */
    t->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - S_TICK_SLACK);
}

static void S_fix_minus_zero(char *buf)
{
    /* "-0", "-0.00": a rounding of a tiny negative value reads as 0 */
    if (buf[0] != '-')
        return;
    for (const char *p = buf + 1; *p; p++)
        if (*p != '0' && *p != '.')
            return;
    memmove(buf, buf + 1, strlen(buf));
}

void dti_chart_tick_label(double v, int decimals, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%.*f", decimals < 0 ? 0 : decimals, v);
    S_fix_minus_zero(buf);
}

void dti_chart_num_label(double v, int max_decimals, char *buf, size_t size)
{
    dti_chart_tick_label(v, max_decimals, buf, size);
    if (!strchr(buf, '.'))
        return;
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    S_fix_minus_zero(buf);
}

double dti_chart_text_width(const char *s, double size, int bold)
{
    return (double)dti_utf8_width(s) * (bold ? DTI_CHART_GLYPH_EM_BOLD : DTI_CHART_GLYPH_EM) * size;
}

char *dti_chart_truncate(const char *s, size_t max_cols)
{
    if (dti_utf8_width(s) <= max_cols)
        return dti_strdup(s);
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */
    size_t len = strlen(s), keep = 0, cols = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (keep < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + keep, (utf8proc_ssize_t)(len - keep), &cp);
        int cw = k > 0 ? utf8proc_charwidth(cp) : 1;
        size_t w = cw > 0 ? (size_t)cw : 0;
        /* room for the ellipsis; a zero-width mark always follows its letter */
        if (w > 0 && cols + w + 1 > max_cols)
            break;
        cols += w;
        keep += k > 0 ? (size_t)k : 1;
    }
    char *out = dti_xcalloc(keep + sizeof ellipsis, 1);
    memcpy(out, s, keep);
    memcpy(out + keep, ellipsis, sizeof ellipsis);
    return out;
}

typedef struct {
    double want;
    size_t i;
} S_label;

static int S_label_cmp(const void *a, const void *b)
{
    const S_label *x = a, *y = b;
    if (x->want < y->want)
        return -1;
    if (x->want > y->want)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i; /* equal wants keep the callers' order */
}

int dti_chart_place_labels(const double *want, size_t n, double h, double lo, double hi, double *pos)
{
    S_label *lab = dti_xcalloc(n ? n : 1, sizeof *lab);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        pos[i] = NAN;
        if (isfinite(want[i]))
            lab[m++] = (S_label){want[i], i};
    }
    qsort(lab, m, sizeof *lab, S_label_cmp);
    /* Clusters of consecutive labels (in sorted order) stacked at spacing h, the first label of
     * cluster c at top[c]: a cluster of wants w_1..w_k sits where the squared displacements are
     * least, top = mean(w) - (k - 1) h / 2.  Merging the last two clusters while they overlap
     * (the pool-adjacent-violators step of isotonic regression) ends with no overlaps. */
    double *top = dti_xcalloc(m ? m : 1, sizeof *top), *sum = dti_xcalloc(m ? m : 1, sizeof *sum);
    size_t *cnt = dti_xcalloc(m ? m : 1, sizeof *cnt), nc = 0;
    for (size_t k = 0; k < m; k++) {
        top[nc] = sum[nc] = lab[k].want;
        cnt[nc++] = 1;
        while (nc >= 2 && top[nc - 2] + (double)cnt[nc - 2] * h > top[nc - 1]) {
            /* sum holds the plain wants; the offsets 0..k-1 of the stacked labels subtract
             * (k - 1) h / 2 from their mean */
            sum[nc - 2] += sum[nc - 1];
            cnt[nc - 2] += cnt[nc - 1];
            nc--;
            double k2 = (double)cnt[nc - 1];
            top[nc - 1] = sum[nc - 1] / k2 - (k2 - 1) * h / 2;
        }
    }
    for (size_t c = 0, k = 0; c < nc; c++)
        for (size_t j = 0; j < cnt[c]; j++, k++)
            pos[lab[k].i] = top[c] + (double)j * h;
    free(cnt);
    free(sum);
    free(top);
    /* into [lo, hi]: push down from lo, then up from hi (consecutive centres stay >= h apart) */
    int fits = (double)m * h <= hi - lo + S_TICK_SLACK * h;
    for (size_t k = 0; k < m; k++) {
        double min = k == 0 ? lo + h / 2 : pos[lab[k - 1].i] + h;
        if (pos[lab[k].i] < min)
            pos[lab[k].i] = min;
    }
    if (fits)
        for (size_t k = m; k-- > 0;) {
            double max = k == m - 1 ? hi - h / 2 : pos[lab[k + 1].i] - h;
            if (pos[lab[k].i] > max)
                pos[lab[k].i] = max;
        }
    free(lab);
    return fits ? 0 : -1;
}

size_t dti_chart_band_polygon(const dti_chart_scale *sx, const dti_chart_scale *sy, const double *x,
                              const double *lo, const double *hi, size_t n, double *px, double *py)
{
    for (size_t i = 0; i < n; i++) {
        px[i] = dti_chart_scale_map(sx, x[i]);
        py[i] = dti_chart_scale_map(sy, hi[i]);
        px[2 * n - 1 - i] = px[i];
        py[2 * n - 1 - i] = dti_chart_scale_map(sy, lo[i]);
    }
    return 2 * n;
}
