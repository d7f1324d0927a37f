/* chart_plot.c -- charts over years with a rank axis (rank 1 at the top): the fan chart of one unit's
 * observed and projected rank, and the bump chart of many units' rank histories.  Over the writer of
 * chart_svg.c; called by the report layer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "internal.h"

#define S_FAN_H 420.0       /* default height of a fan chart */
#define S_BUMP_PLOT_H 300.0 /* least plot height of a bump chart */
#define S_BUMP_PITCH 12.0   /* px per rank on a bump chart's axis: a line per row stays readable */
#define S_BUMP_MAX 64       /* series a bump chart can tell apart (labels, colours x dashes) */
#define S_BUMP_COLS 24      /* display columns of a series label */
#define S_TARGET_COLS 20    /* ... of a target label */
#define S_X_PAD 0.35        /* years of air left and right of the first and last year */
#define S_MIN_PLOT 80.0     /* a plot never gets smaller than this, whatever the options say */

/* The x axis over years: a scale with air at both ends and integer ticks that fit the width. */
static void S_year_axis(const double *years, size_t n, double x0, double x1, dti_chart_scale *sx, dti_chart_ticks *t)
{
    double lo = n ? years[0] : 0, hi = n ? years[n - 1] : 1;
    dti_chart_scale_init(sx, lo - S_X_PAD, hi + S_X_PAD, x0, x1);
    dti_chart_ticks_compute(lo, hi, dti_svg_tick_target(x1 - x0, 48), DTI_CHART_TICKS_TIGHT | DTI_CHART_TICKS_INTEGER, t);
}

/* The rank axis 1..n (rank 1 at the top); ticks fit the height. */
static void S_rank_axis(size_t n, double y0, double y1, dti_chart_scale *sy, dti_chart_ticks *t)
{
    dti_chart_ticks_compute(1, (double)(n ? n : 1), dti_svg_tick_target(y1 - y0, 30), DTI_CHART_TICKS_RANK, t);
    /* half a rank of air at both ends: markers at rank 1 and rank n stay inside the plot */
    dti_chart_scale_init(sy, t->lo - 0.5, t->hi + 0.5, y0, y1);
}

static double S_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- fan chart ------------------------------------------------------------------------------------ */

/* The runs of years where both bounds are known, each as one polygon. */
static void S_fan_band(dti_svg *s, const dti_chart_fan *in, const dti_chart_scale *sx, const dti_chart_scale *sy,
                       const double *lo, const double *hi, const char *fill, double *px, double *py)
{
    if (!lo || !hi)
        return;
    size_t n = in->n_years;
    double rmax = (double)in->n_units;
    double *clo = dti_xcalloc(n + 1, sizeof *clo), *chi = dti_xcalloc(n + 1, sizeof *chi);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && isfinite(lo[j]) && isfinite(hi[j])) {
            clo[j - i] = S_clamp(lo[j], 1, rmax);
            chi[j - i] = S_clamp(hi[j], 1, rmax);
            j++;
        }
        if (j > i) /* px, py hold 2n points */
            dti_svg_path(s, px, py, dti_chart_band_polygon(sx, sy, in->years + i, clo, chi, j - i, px, py), 1, fill,
                         NULL, 0, NULL, 1);
        i = j > i ? j : i + 1;
    }
    free(clo);
    free(chi);
}

/* The runs of known values of v as polylines. */
static void S_runs(dti_svg *s, const double *x, const double *v, size_t n, double vmax, const dti_chart_scale *sx,
                   const dti_chart_scale *sy, const char *stroke, double width, const char *dash, double opacity,
                   double *px, double *py)
{
    for (size_t i = 0; i < n;) {
        size_t m = 0;
        while (i < n && isfinite(v[i])) {
            px[m] = dti_chart_scale_map(sx, x[i]);
            py[m] = dti_chart_scale_map(sy, S_clamp(v[i], 1, vmax));
            m++;
            i++;
        }
        if (m >= 2)
            dti_svg_path(s, px, py, m, 0, NULL, stroke, width, dash, opacity);
        if (m == 0)
            i++;
    }
}

static int S_any(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]))
            return 1;
    return 0;
}

/* Targets: dashed lines across the plot, labels (tl) at the right, spread apart with leaders. */
static void S_fan_targets(dti_svg *s, const dti_chart_fan *in, const dti_svg_area *a, const dti_chart_scale *sy,
                          char **tl)
{
    double rmax = (double)in->n_units;
    double *want = dti_xcalloc(in->n_targets + 1, sizeof *want), *pos = dti_xcalloc(in->n_targets + 1, sizeof *pos);
    for (size_t k = 0; k < in->n_targets; k++) {
        double r = in->target_rank[k];
        want[k] = isfinite(r) && r >= 1 && r <= rmax ? dti_chart_scale_map(sy, r) : NAN;
        if (isfinite(want[k]))
            dti_svg_line(s, a->x0, want[k], a->x1, want[k], DTI_C_MUTED, 1.2, "6 4");
    }
    dti_chart_place_labels(want, in->n_targets, DTI_LINE_H(DTI_FS) + 1, a->y0 - 8, a->y1 + 8, pos);
    for (size_t k = 0; k < in->n_targets; k++) {
        if (!isfinite(pos[k]))
            continue;
        if (fabs(pos[k] - want[k]) > 0.5)
            dti_svg_line(s, a->x1, want[k], a->x1 + 6, pos[k], DTI_C_MUTED, 1, NULL);
        dti_svg_text(s, a->x1 + 8, pos[k] + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_START, 0, DTI_C_TEXT, tl[k]);
    }
    free(want);
    free(pos);
}

static int S_fan_check(const dti_chart_fan *in, dti_error *err)
{
    if (in->n_units == 0)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "fan chart: the rank axis needs at least 1 unit");
    if (in->n_years > 0 && !in->observed && !in->median)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "fan chart: neither observed nor projected ranks given");
    if (in->n_targets > 0 && !in->target_rank)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "fan chart: %zu targets without ranks", in->n_targets);
    return dti_svg_check_years(in->years, in->n_years, "fan chart", err);
}

int dti_chart_fan_svg(dti_chart_buf *out, const dti_chart_fan *in, const dti_chart_opts *opts, dti_error *err)
{
    int rc = S_fan_check(in, err);
    if (rc)
        return rc;
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W, H = opts->height > 0 ? opts->height : S_FAN_H;
    /* the legend names what is drawn, nothing else */
    dti_svg_legend_item leg[4];
    size_t nleg = 0, n = in->n_years;
    if (S_any(in->observed, n))
        leg[nleg++] = (dti_svg_legend_item){in->label_observed ? in->label_observed : "observed", DTI_LEG_POINT,
                                            DTI_C_BLACK, 0, NULL, NULL};
    if (S_any(in->median, n))
        leg[nleg++] = (dti_svg_legend_item){in->label_median ? in->label_median : "projected median", DTI_LEG_LINE,
                                            DTI_C_BLUE, 2.5, NULL, NULL};
    if (S_any(in->lo50, n) && S_any(in->hi50, n))
        leg[nleg++] = (dti_svg_legend_item){in->label_band50 ? in->label_band50 : "50% interval", DTI_LEG_RECT,
                                            DTI_C_BAND50, 0, NULL, NULL};
    if (S_any(in->lo80, n) && S_any(in->hi80, n))
        leg[nleg++] = (dti_svg_legend_item){in->label_band80 ? in->label_band80 : "80% interval", DTI_LEG_RECT,
                                            DTI_C_BAND80, 0, NULL, NULL};
    double top = dti_svg_header_height(opts);
    double leg_h = dti_svg_legend(NULL, leg, nleg, DTI_PAD, top, W - 2 * DTI_PAD);

    /* target labels, cut to a readable width, set the right margin */
    char **tl = dti_xcalloc(in->n_targets + 1, sizeof *tl);
    double tw = 0;
    for (size_t k = 0; k < in->n_targets; k++) {
        char buf[64];
        snprintf(buf, sizeof buf, "top %g", in->target_rank[k]);
        tl[k] = dti_chart_truncate(in->target_label && in->target_label[k] ? in->target_label[k] : buf, S_TARGET_COLS);
        tw = fmax(tw, dti_chart_text_width(tl[k], DTI_FS, 0));
    }
    dti_svg_area a;
    a.y0 = top + leg_h + 8 + dti_svg_ytitle_height(opts) + 8;
    a.y1 = fmax(H - DTI_PAD - 22 - dti_svg_xtitle_height(opts), a.y0 + S_MIN_PLOT);
    H = a.y1 + 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    dti_chart_scale sx, sy;
    dti_chart_ticks tx, ty;
    S_rank_axis(in->n_units, a.y0, a.y1, &sy, &ty);
    a.x0 = DTI_PAD + dti_svg_ticks_width(&ty) + 8;
    a.x1 = fmax(W - DTI_PAD - (tw > 0 ? tw + 10 : 18), a.x0 + S_MIN_PLOT);
    W = a.x1 + DTI_PAD + (tw > 0 ? tw + 10 : 18);
    S_year_axis(in->years, in->n_years, a.x0, a.x1, &sx, &tx);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_legend(&s, leg, nleg, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_axis_left(&s, &a, &sy, &ty);
    if (in->n_years > 0)
        dti_svg_axis_bottom(&s, &a, &sx, &tx);
    dti_svg_axis_titles(&s, &a, opts);
    double rmax = (double)in->n_units;
    double *px = dti_xcalloc(2 * n + 2, sizeof *px), *py = dti_xcalloc(2 * n + 2, sizeof *py);
    S_fan_band(&s, in, &sx, &sy, in->lo80, in->hi80, DTI_C_BAND80, px, py);
    S_fan_band(&s, in, &sx, &sy, in->lo50, in->hi50, DTI_C_BAND50, px, py);

    S_fan_targets(&s, in, &a, &sy, tl);
    if (in->median)
        S_runs(&s, in->years, in->median, n, rmax, &sx, &sy, DTI_C_BLUE, 2.5, NULL, 1, px, py);
    if (in->observed) {
        S_runs(&s, in->years, in->observed, n, rmax, &sx, &sy, DTI_C_BLACK, 1.2, NULL, 1, px, py);
        for (size_t i = 0; i < n; i++)
            if (isfinite(in->observed[i]))
                dti_svg_circle(&s, dti_chart_scale_map(&sx, in->years[i]),
                               dti_chart_scale_map(&sy, S_clamp(in->observed[i], 1, rmax)), 4, DTI_C_BLACK, "#FFFFFF", 1);
    }
    if (nleg == 0)
        dti_svg_empty(&s, &a, opts);
    for (size_t k = 0; k < in->n_targets; k++)
        free(tl[k]);
    free(tl);
    free(px);
    free(py);
    return dti_svg_end(&s, err);
}

/* ---- bump chart ----------------------------------------------------------------------------------- */

/* Muted categories: Okabe-Ito without vermillion (the highlight) and yellow; with three dash
 * patterns they give 18 combinations that differ in greyscale too. */
static const char *const S_bump_color[] = {DTI_C_BLUE, DTI_C_GREEN, DTI_C_PURPLE, DTI_C_ORANGE, DTI_C_SKY, "#666666"};
static const char *const S_bump_dash[] = {NULL, "6 3", "2 2"};
#define S_NCOLOR (sizeof S_bump_color / sizeof *S_bump_color)

static int S_bump_check(const dti_chart_bump *in, dti_error *err)
{
    if (in->n_series > S_BUMP_MAX)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "bump chart: %zu series, at most %d can be told apart",
                             in->n_series, S_BUMP_MAX);
    if (in->n_series > 0 && in->n_years > 0 && (!in->rank || !in->names))
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "bump chart: ranks or names missing");
    if (in->highlight != DTI_CHART_NONE && in->highlight >= in->n_series)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "bump chart: highlighted series %zu of %zu",
                             in->highlight + 1, in->n_series);
    return dti_svg_check_years(in->years, in->n_years, "bump chart", err);
}

/* Last year with a known rank of series k, or DTI_CHART_NONE. */
static size_t S_last_known(const dti_chart_bump *in, size_t k)
{
    for (size_t t = in->n_years; t-- > 0;)
        if (isfinite(in->rank[k * in->n_years + t]))
            return t;
    return DTI_CHART_NONE;
}

static void S_bump_series(dti_svg *s, const dti_chart_bump *in, size_t k, double rmax, const dti_chart_scale *sx,
                          const dti_chart_scale *sy, double *px, double *py)
{
    int hi = k == in->highlight;
    const double *r = in->rank + k * in->n_years;
    const char *color = hi ? DTI_C_VERMILLION : S_bump_color[k % S_NCOLOR];
    const char *dash = hi ? NULL : S_bump_dash[(k / S_NCOLOR) % 3];
    S_runs(s, in->years, r, in->n_years, rmax, sx, sy, color, hi ? 3.5 : 1.6, dash, hi ? 1 : 0.8, px, py);
    for (size_t t = 0; t < in->n_years; t++) {
        if (!isfinite(r[t]))
            continue;
        double x = dti_chart_scale_map(sx, in->years[t]), y = dti_chart_scale_map(sy, S_clamp(r[t], 1, rmax));
        dti_svg_circle(s, x, y, hi ? 5 : 3, color, "#FFFFFF", hi ? 1.5 : 0.8);
    }
}

int dti_chart_bump_svg(dti_chart_buf *out, const dti_chart_bump *in, const dti_chart_opts *opts, dti_error *err)
{
    int rc = S_bump_check(in, err);
    if (rc)
        return rc;
    size_t ns = in->n_series, ny = in->n_years, nl = 0;
    double rmax = (double)in->rank_max;
    char **lab = dti_xcalloc(ns + 1, sizeof *lab);
    double lw = 0;
    for (size_t k = 0; k < ns && ny > 0; k++) {
        for (size_t t = 0; t < ny; t++)
            if (in->rank_max == 0 && isfinite(in->rank[k * ny + t]))
                rmax = fmax(rmax, ceil(in->rank[k * ny + t]));
        if (S_last_known(in, k) == DTI_CHART_NONE)
            continue;
        lab[k] = dti_chart_truncate(in->names[k] ? in->names[k] : "", S_BUMP_COLS);
        lw = fmax(lw, dti_chart_text_width(lab[k], DTI_FS, k == in->highlight));
        nl++;
    }
    if (!(rmax >= 1))
        rmax = 1;
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W;
    double top = dti_svg_header_height(opts), lab_h = DTI_LINE_H(DTI_FS) + 1;
    dti_svg_area a;
    a.y0 = top + dti_svg_ytitle_height(opts) + 16;
    double bottom = 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    double plot_h = opts->height > 0 ? opts->height - a.y0 - bottom : fmax(S_BUMP_PLOT_H, (rmax - 1) * S_BUMP_PITCH);
    plot_h = fmax(plot_h, fmax((double)nl * lab_h, S_MIN_PLOT));
    a.y1 = a.y0 + plot_h;
    double H = a.y1 + bottom;
    dti_chart_scale sx, sy;
    dti_chart_ticks tx, ty;
    S_rank_axis((size_t)rmax, a.y0, a.y1, &sy, &ty);
    a.x0 = DTI_PAD + dti_svg_ticks_width(&ty) + 8;
    double right = lw > 0 ? lw + 26 : 18; /* leader (22) + gap + labels */
    a.x1 = fmax(W - DTI_PAD - right, a.x0 + S_MIN_PLOT);
    W = a.x1 + right + DTI_PAD;
    S_year_axis(in->years, ny, a.x0, a.x1, &sx, &tx);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_axis_left(&s, &a, &sy, &ty);
    if (ny > 0)
        dti_svg_axis_bottom(&s, &a, &sx, &tx);
    dti_svg_axis_titles(&s, &a, opts);
    double *px = dti_xcalloc(ny + 1, sizeof *px), *py = dti_xcalloc(ny + 1, sizeof *py);
    double *want = dti_xcalloc(ns + 1, sizeof *want), *pos = dti_xcalloc(ns + 1, sizeof *pos);
    for (size_t k = 0; k < ns; k++) {
        size_t t = lab[k] ? S_last_known(in, k) : DTI_CHART_NONE;
        want[k] = t == DTI_CHART_NONE ? NAN : dti_chart_scale_map(&sy, S_clamp(in->rank[k * ny + t], 1, rmax));
        if (k != in->highlight && lab[k])
            S_bump_series(&s, in, k, rmax, &sx, &sy, px, py);
    }
    if (in->highlight != DTI_CHART_NONE && lab[in->highlight])
        S_bump_series(&s, in, in->highlight, rmax, &sx, &sy, px, py);
    dti_chart_place_labels(want, ns, lab_h, a.y0 - 6, a.y1 + 6, pos);
    for (size_t k = 0; k < ns; k++) {
        if (!lab[k])
            continue;
        int hi = k == in->highlight;
        size_t t = S_last_known(in, k);
        /* the leader: dotted across years after the last known rank (not known, not "unchanged") */
        const char *color = hi ? DTI_C_VERMILLION : S_bump_color[k % S_NCOLOR];
        double xs = dti_chart_scale_map(&sx, in->years[t]) + (hi ? 6 : 4);
        dti_svg_line(&s, xs, want[k], a.x1 + 8, want[k], color, hi ? 1.5 : 1, t + 1 < ny ? "1 3" : NULL);
        dti_svg_line(&s, a.x1 + 8, want[k], a.x1 + 20, pos[k], color, hi ? 1.5 : 1, NULL);
        dti_svg_text(&s, a.x1 + 24, pos[k] + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_START, hi,
                     hi ? DTI_C_VERMILLION : DTI_C_TEXT, lab[k]);
    }
    if (nl == 0)
        dti_svg_empty(&s, &a, opts);
    for (size_t k = 0; k < ns; k++)
        free(lab[k]);
    free(lab);
    free(want);
    free(pos);
    free(px);
    free(py);
    return dti_svg_end(&s, err);
}
