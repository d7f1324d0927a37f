/* chart_bars.c -- charts with one row per labelled item: horizontal bars (a ranking table), the
 * tornado of a stability analysis, grouped bars (Sobol indices with intervals) and the heat map of a
 * correlation matrix.  Over the writer of chart_svg.c; called by the report layer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "internal.h"

#define S_LABEL_COLS 30   /* display columns of a row label before the ellipsis */
#define S_BAR_ROW 16.0    /* px per bar: a 13.2 px label box and air */
#define S_TORNADO_ROW 22.0
#define S_GROUP_BAR 9.0   /* px per bar inside a group */
#define S_MAX_SERIES 8    /* grouped bars: Okabe-Ito has eight colours */
#define S_CELL_MIN 16.0   /* heat-map cells: a row label (13.2 px) fits */
#define S_CELL_MAX 44.0
#define S_RAMP_W 220.0    /* the heat map's colour key */
#define S_RAMP_STEPS 21
#define S_SHORTEST_MAX 4  /* value labels in shortest form: at most this many decimals */

static const char *const S_series_color[S_MAX_SERIES] = {DTI_C_BLUE,   DTI_C_ORANGE, DTI_C_GREEN,      DTI_C_PURPLE,
                                                         DTI_C_SKY,    DTI_C_BLACK,  DTI_C_VERMILLION, "#999999"};

/* Row labels cut to S_LABEL_COLS; returns the widest in px.  Free with S_free_labels. */
static char **S_labels(const char *const *in, size_t n, size_t highlight, double *width)
{
    char **out = dti_xcalloc(n + 1, sizeof *out);
    *width = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = dti_chart_truncate(in && in[i] ? in[i] : "", S_LABEL_COLS);
        *width = fmax(*width, dti_chart_text_width(out[i], DTI_FS, i == highlight));
    }
    return out;
}

static void S_free_labels(char **l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i]);
    free(l);
}

static void S_row_label(dti_svg *s, const dti_svg_area *a, double yc, int bold, const char *text)
{
    dti_svg_text(s, a->x0 - 8, yc + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_END, bold, DTI_C_TEXT, text);
}

/* Finite min and max of v[0..n) folded into *lo, *hi. */
static void S_extent(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

/* 1 when every finite v[i] is a whole number (ranks): the axis then gets integer ticks. */
static int S_integers(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]) && fabs(v[i] - round(v[i])) > 0)
            return 0;
    return 1;
}

static int S_need(const void *p, size_t n, const char *what, const char *name, dti_error *err)
{
    if (n > 0 && !p)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "%s: %s missing (%zu expected)", what, name, n);
    return DTI_OK;
}

/* ---- bars ----------------------------------------------------------------------------------------- */

int dti_chart_bars_svg(dti_chart_buf *out, const dti_chart_bars *in, const dti_chart_opts *opts, dti_error *err)
{
    int rc = S_need(in->values, in->n, "bar chart", "values", err);
    if (rc)
        return rc;
    size_t n = in->n;
    int dec = in->decimals < 0 ? S_SHORTEST_MAX : in->decimals;
    double lw, vw = 0, lo = 0, hi = 0;
    char **lab = S_labels(in->labels, n, in->highlight, &lw);
    char **val = dti_xcalloc(n + 1, sizeof *val);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        if (in->decimals < 0)
            dti_chart_num_label(in->values[i], dec, buf, sizeof buf);
        else
            dti_chart_tick_label(in->values[i], dec, buf, sizeof buf);
        val[i] = dti_strdup(isfinite(in->values[i]) ? buf : "\xe2\x80\x93"); /* en dash */
        vw = fmax(vw, dti_chart_text_width(val[i], DTI_FS, i == in->highlight));
    }
    S_extent(in->values, n, &lo, &hi);
    int neg = lo < 0;
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W;
    dti_svg_area a;
    a.y0 = dti_svg_header_height(opts) + dti_svg_ytitle_height(opts) + 8;
    a.y1 = a.y0 + fmax((double)n, 1) * S_BAR_ROW;
    double H = a.y1 + 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    a.x0 = DTI_PAD + lw + 8;
    a.x1 = fmax(W - DTI_PAD - vw - 6, a.x0 + (neg ? vw + 6 : 0) + 80);
    W = a.x1 + vw + 6 + DTI_PAD;
    dti_chart_ticks t;
    double inner0 = a.x0 + (neg ? vw + 6 : 0); /* room for the labels of negative bars */
    dti_chart_ticks_compute(lo, hi, dti_svg_tick_target(a.x1 - inner0, 70), DTI_CHART_TICKS_LOOSE, &t);
    dti_chart_scale sx;
    dti_chart_scale_init(&sx, t.lo, t.hi, inner0, a.x1);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_axis_bottom(&s, &a, &sx, &t);
    dti_svg_axis_titles(&s, &a, opts);
    double x0 = dti_chart_scale_map(&sx, 0);
    for (size_t i = 0; i < n; i++) {
        int h = i == in->highlight;
        double yc = a.y0 + ((double)i + 0.5) * S_BAR_ROW, v = in->values[i];
        S_row_label(&s, &a, yc, h, lab[i]);
        double xv = isfinite(v) ? dti_chart_scale_map(&sx, v) : x0;
        if (isfinite(v))
            dti_svg_rect(&s, x0, yc - 5.5, xv - x0, 11, h ? DTI_C_VERMILLION : DTI_C_SKY, h ? DTI_C_BLACK : NULL, 1.2);
        int left = isfinite(v) && v < 0;
        dti_svg_num_text(&s, left ? xv - 4 : xv + 4, yc + 0.35 * DTI_FS, DTI_FS, left ? DTI_ANCHOR_END : DTI_ANCHOR_START,
                         h, DTI_C_TEXT, val[i]);
    }
    dti_svg_line(&s, x0, a.y0, x0, a.y1, DTI_C_AXIS, 1, NULL);
    if (n == 0)
        dti_svg_empty(&s, &a, opts);
    S_free_labels(lab, n);
    S_free_labels(val, n);
    return dti_svg_end(&s, err);
}

/* ---- tornado -------------------------------------------------------------------------------------- */

typedef struct {
    double width;
    size_t i;
} S_order;

static int S_order_cmp(const void *a, const void *b)
{
    const S_order *x = a, *y = b;
    if (x->width > y->width)
        return -1;
    if (x->width < y->width)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Items by the width of [min, max] of (low, high, nominal), widest first; unknown ones last. */
static S_order *S_tornado_order(const dti_chart_tornado *in)
{
    S_order *o = dti_xcalloc(in->n + 1, sizeof *o);
    for (size_t i = 0; i < in->n; i++) {
        double l = in->at_low[i], h = in->at_high[i];
        o[i].i = i;
        o[i].width = isfinite(l) && isfinite(h) ? fmax(fmax(l, h), in->nominal) - fmin(fmin(l, h), in->nominal) : -1;
    }
    qsort(o, in->n, sizeof *o, S_order_cmp);
    return o;
}

/* One row: a bar from the nominal value to each end, labels at the outer ends of the interval. */
static void S_tornado_row(dti_svg *s, const dti_chart_tornado *in, const dti_chart_scale *sx, size_t i, double yc)
{
    double l = in->at_low[i], h = in->at_high[i], nom = in->nominal;
    double xn = dti_chart_scale_map(sx, nom);
    if (!isfinite(l) || !isfinite(h)) { /* unknown: a dash beside the nominal line */
        dti_svg_text(s, xn + 4, yc + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_START, 0, DTI_C_MUTED, "\xe2\x80\x93");
        return;
    }
    double xl = dti_chart_scale_map(sx, l), xh = dti_chart_scale_map(sx, h);
    /* the longer bar first, so a shorter one on the same side stays visible */
    int low_first = fabs(xl - xn) >= fabs(xh - xn);
    for (int k = 0; k < 2; k++) {
        int low = (k == 0) == low_first;
        double x = low ? xl : xh;
        dti_svg_rect(s, xn, yc - 7, x - xn, 14, low ? DTI_C_BLUE : DTI_C_ORANGE, NULL, 0);
    }
    /* labels at the outer ends of the interval; an end that is the nominal value itself needs none */
    char buf[64];
    int low_left = xl <= xh, dec = in->max_decimals > 0 ? in->max_decimals : S_SHORTEST_MAX;
    double xmin = low_left ? xl : xh, xmax = low_left ? xh : xl;
    if (xmin < xn - 0.5) {
        dti_chart_num_label(low_left ? l : h, dec, buf, sizeof buf);
        dti_svg_num_text(s, xmin - 4, yc + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_END, 0, DTI_C_TEXT, buf);
    }
    if (xmax > xn + 0.5) {
        dti_chart_num_label(low_left ? h : l, dec, buf, sizeof buf);
        dti_svg_num_text(s, xmax + 4, yc + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_START, 0, DTI_C_TEXT, buf);
    }
}

int dti_chart_tornado_svg(dti_chart_buf *out, const dti_chart_tornado *in, const dti_chart_opts *opts,
                          dti_error *err)
{
    int rc = S_need(in->at_low, in->n, "tornado chart", "low values", err);
    if (!rc)
        rc = S_need(in->at_high, in->n, "tornado chart", "high values", err);
    if (!rc && !isfinite(in->nominal))
        rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "tornado chart: the nominal value is not a number");
    if (rc)
        return rc;
    size_t n = in->n;
    double lw, lo = in->nominal, hi = in->nominal, vw = 0;
    char **lab = S_labels(in->labels, n, DTI_CHART_NONE, &lw);
    S_extent(in->at_low, n, &lo, &hi);
    S_extent(in->at_high, n, &lo, &hi);
    char buf[64], nom[160];
    int dec = in->max_decimals > 0 ? in->max_decimals : S_SHORTEST_MAX;
    for (size_t i = 0; i < n; i++) {
        dti_chart_num_label(in->at_low[i], dec, buf, sizeof buf);
        vw = fmax(vw, dti_chart_text_width(buf, DTI_FS, 0));
        dti_chart_num_label(in->at_high[i], dec, buf, sizeof buf);
        vw = fmax(vw, dti_chart_text_width(buf, DTI_FS, 0));
    }
    dti_chart_num_label(in->nominal, dec, buf, sizeof buf);
    for (char *p = buf; opts->decimal_comma && *p; p++) /* the legend is text: its number localised here */
        if (*p == '.')
            *p = ',';
    if (in->hide_nominal)
        snprintf(nom, sizeof nom, "%s", in->label_nominal ? in->label_nominal : "nominal");
    else
        snprintf(nom, sizeof nom, "%s (%s)", in->label_nominal ? in->label_nominal : "nominal", buf);
    dti_svg_legend_item leg[3] = {{in->label_low ? in->label_low : "low", DTI_LEG_RECT, DTI_C_BLUE, 0, NULL, NULL},
                                  {in->label_high ? in->label_high : "high", DTI_LEG_RECT, DTI_C_ORANGE, 0, NULL, NULL},
                                  {nom, DTI_LEG_LINE, DTI_C_BLACK, 1.5, "5 3", NULL}};
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W, top = dti_svg_header_height(opts);
    double leg_h = dti_svg_legend(NULL, leg, 3, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_area a;
    a.y0 = top + leg_h + dti_svg_ytitle_height(opts) + 10;
    a.y1 = a.y0 + fmax((double)n, 1) * S_TORNADO_ROW;
    double H = a.y1 + 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    a.x0 = DTI_PAD + lw + 8;
    a.x1 = fmax(W - DTI_PAD, a.x0 + 2 * (vw + 6) + 80);
    W = a.x1 + DTI_PAD;
    /* the value labels sit outside the bars: the scale leaves their width free at both ends */
    double in0 = a.x0 + vw + 6, in1 = a.x1 - vw - 6;
    dti_chart_ticks t;
    int integer = S_integers(&in->nominal, 1) && S_integers(in->at_low, n) && S_integers(in->at_high, n);
    dti_chart_ticks_compute(lo, hi, dti_svg_tick_target(in1 - in0, 70),
                            integer ? DTI_CHART_TICKS_LOOSE | DTI_CHART_TICKS_INTEGER : DTI_CHART_TICKS_LOOSE, &t);
    dti_chart_scale sx;
    dti_chart_scale_init(&sx, t.lo, t.hi, in->reverse ? in1 : in0, in->reverse ? in0 : in1);
    S_order *o = S_tornado_order(in);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_legend(&s, leg, 3, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_axis_bottom(&s, &a, &sx, &t);
    dti_svg_axis_titles(&s, &a, opts);
    for (size_t k = 0; k < n; k++) {
        double yc = a.y0 + ((double)k + 0.5) * S_TORNADO_ROW;
        S_row_label(&s, &a, yc, 0, lab[o[k].i]);
        S_tornado_row(&s, in, &sx, o[k].i, yc);
    }
    double xn = dti_chart_scale_map(&sx, in->nominal);
    dti_svg_line(&s, xn, a.y0 - 4, xn, a.y1, DTI_C_BLACK, 1.5, "5 3");
    if (n == 0)
        dti_svg_empty(&s, &a, opts);
    free(o);
    S_free_labels(lab, n);
    return dti_svg_end(&s, err);
}

/* ---- grouped bars --------------------------------------------------------------------------------- */

int dti_chart_grouped_svg(dti_chart_buf *out, const dti_chart_grouped *in, const dti_chart_opts *opts,
                          dti_error *err)
{
    size_t ng = in->n_groups, ns = in->n_series, nv = ng * ns;
    if (ns > S_MAX_SERIES)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "grouped bars: %zu series, at most %d", ns,
                             S_MAX_SERIES);
    int rc = S_need(in->value, nv, "grouped bars", "values", err);
    if (rc)
        return rc;
    if ((in->ci_lo == NULL) != (in->ci_hi == NULL))
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "grouped bars: an interval needs both bounds");
    double lw, lo = 0, hi = 0;
    char **lab = S_labels(in->groups, ng, DTI_CHART_NONE, &lw);
    S_extent(in->value, nv, &lo, &hi);
    S_extent(in->ci_lo, nv, &lo, &hi);
    S_extent(in->ci_hi, nv, &lo, &hi);
    dti_svg_legend_item leg[S_MAX_SERIES];
    char **sname = S_labels(in->series, ns, DTI_CHART_NONE, &(double){0});
    for (size_t k = 0; k < ns; k++)
        leg[k] = (dti_svg_legend_item){sname[k], DTI_LEG_RECT, S_series_color[k], 0, NULL, NULL};
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W, top = dti_svg_header_height(opts);
    double leg_h = dti_svg_legend(NULL, leg, ns, DTI_PAD, top, W - 2 * DTI_PAD);
    double row = (double)(ns ? ns : 1) * S_GROUP_BAR + 10;
    row = fmax(row, DTI_LINE_H(DTI_FS) + 4);
    dti_svg_area a;
    a.y0 = top + leg_h + dti_svg_ytitle_height(opts) + 10;
    a.y1 = a.y0 + fmax((double)ng, 1) * row;
    double H = a.y1 + 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    a.x0 = DTI_PAD + lw + 8;
    a.x1 = fmax(W - DTI_PAD - 12, a.x0 + 80);
    W = a.x1 + DTI_PAD + 12;
    dti_chart_ticks t;
    dti_chart_ticks_compute(lo, hi, dti_svg_tick_target(a.x1 - a.x0, 70), DTI_CHART_TICKS_LOOSE, &t);
    dti_chart_scale sx;
    dti_chart_scale_init(&sx, t.lo, t.hi, a.x0, a.x1);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_legend(&s, leg, ns, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_axis_bottom(&s, &a, &sx, &t);
    dti_svg_axis_titles(&s, &a, opts);
    double x0 = dti_chart_scale_map(&sx, 0);
    for (size_t g = 0; g < ng; g++) {
        double yg = a.y0 + (double)g * row;
        S_row_label(&s, &a, yg + row / 2, 0, lab[g]);
        for (size_t k = 0; k < ns; k++) {
            double v = in->value[g * ns + k], yc = yg + 5 + ((double)k + 0.5) * S_GROUP_BAR;
            if (isfinite(v))
                dti_svg_rect(&s, x0, yc - S_GROUP_BAR / 2 + 0.5, dti_chart_scale_map(&sx, v) - x0, S_GROUP_BAR - 1,
                             S_series_color[k], NULL, 0);
            if (!in->ci_lo || !isfinite(in->ci_lo[g * ns + k]) || !isfinite(in->ci_hi[g * ns + k]))
                continue;
            double xl = dti_chart_scale_map(&sx, in->ci_lo[g * ns + k]), xh = dti_chart_scale_map(&sx, in->ci_hi[g * ns + k]);
            dti_svg_line(&s, xl, yc, xh, yc, DTI_C_BLACK, 1, NULL);
            dti_svg_line(&s, xl, yc - 3, xl, yc + 3, DTI_C_BLACK, 1, NULL);
            dti_svg_line(&s, xh, yc - 3, xh, yc + 3, DTI_C_BLACK, 1, NULL);
        }
    }
    dti_svg_line(&s, x0, a.y0, x0, a.y1, DTI_C_AXIS, 1, NULL);
    if (ng == 0 || ns == 0)
        dti_svg_empty(&s, &a, opts);
    S_free_labels(lab, ng);
    S_free_labels(sname, ns);
    return dti_svg_end(&s, err);
}

/* ---- heat map ------------------------------------------------------------------------------------- */

/* ColorBrewer RdBu (7 classes) at -1, -2/3, ..., 1, interpolated linearly in sRGB. */
static void S_diverging(double v, char *buf, size_t size, double *luminance)
{
    static const unsigned char rgb[7][3] = {{0x21, 0x66, 0xAC}, {0x67, 0xA9, 0xCF}, {0xD1, 0xE5, 0xF0}, {0xF7, 0xF7, 0xF7},
                                            {0xFD, 0xDB, 0xC7}, {0xEF, 0x8A, 0x62}, {0xB2, 0x18, 0x2B}};
    double u = (fmax(-1, fmin(1, v)) + 1) * 3; /* 0..6 */
    size_t k = u >= 6 ? 5 : (size_t)u;
    double f = u - (double)k, c[3];
    for (int j = 0; j < 3; j++)
        c[j] = (1 - f) * rgb[k][j] + f * rgb[k + 1][j];
    snprintf(buf, size, "#%02X%02X%02X", (unsigned)lround(c[0]), (unsigned)lround(c[1]), (unsigned)lround(c[2]));
    /* Rec. 709 weights on the gamma-encoded values: enough to choose black or white text */
    *luminance = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
}

static void S_ramp(dti_svg *s, double x, double y)
{
    double w = S_RAMP_W / S_RAMP_STEPS, lum;
    char col[16], buf[16];
    for (int k = 0; k < S_RAMP_STEPS; k++) {
        S_diverging(-1 + 2.0 * (k + 0.5) / S_RAMP_STEPS, col, sizeof col, &lum);
        dti_svg_rect(s, x + k * w, y, w + 0.3, 10, col, NULL, 0); /* + 0.3: no hairline gaps */
    }
    for (int k = 0; k <= 4; k++) {
        double xv = x + S_RAMP_W * k / 4.0;
        dti_svg_line(s, xv, y + 10, xv, y + 13, DTI_C_AXIS, 1, NULL);
        dti_chart_num_label(-1 + 0.5 * k, 1, buf, sizeof buf);
        dti_svg_num_text(s, xv, y + 14 + DTI_CHART_ASCENT_EM * DTI_FS, DTI_FS, DTI_ANCHOR_MIDDLE, 0, DTI_C_MUTED, buf);
    }
}

int dti_chart_heatmap_svg(dti_chart_buf *out, const dti_chart_heatmap *in, const dti_chart_opts *opts,
                          dti_error *err)
{
    size_t nr = in->n_rows, nc = in->n_cols;
    int rc = S_need(in->value, nr * nc, "heat map", "values", err);
    if (rc)
        return rc;
    int dec = in->decimals < 0 ? 2 : in->decimals;
    double rw, cw;
    char **rl = S_labels(in->rows, nr, DTI_CHART_NONE, &rw), **cl = S_labels(in->cols, nc, DTI_CHART_NONE, &cw);
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W, top = dti_svg_header_height(opts);
    dti_svg_area a;
    a.x0 = DTI_PAD + rw + 8;
    double cell = nc ? (W - DTI_PAD - a.x0) / (double)nc : S_CELL_MAX;
    cell = fmax(S_CELL_MIN, fmin(S_CELL_MAX, cell));
    a.x1 = a.x0 + cell * (double)nc;
    a.y0 = top + cw + 10;
    a.y1 = a.y0 + cell * (double)nr;
    /* the colour key's end labels ("-1", "1") stick out half their width past the ramp */
    double half = dti_chart_text_width("-1", DTI_FS, 0);
    double ramp_x = a.x0 + half;
    W = fmax(W, fmax(a.x1, ramp_x + S_RAMP_W + half) + DTI_PAD);
    double H = a.y1 + 16 + 14 + DTI_LINE_H(DTI_FS) + DTI_PAD;

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    char col[16], buf[64];
    for (size_t c = 0; c < nc; c++)
        dti_svg_text_up(&s, a.x0 + ((double)c + 0.5) * cell + 0.35 * DTI_FS, a.y0 - 6, DTI_FS, DTI_C_TEXT, cl[c]);
    for (size_t r = 0; r < nr; r++) {
        double y = a.y0 + (double)r * cell;
        S_row_label(&s, &a, y + cell / 2, 0, rl[r]);
        for (size_t c = 0; c < nc; c++) {
            double v = in->value[r * nc + c], lum = 0.8, x = a.x0 + (double)c * cell;
            if (isfinite(v))
                S_diverging(v, col, sizeof col, &lum);
            else
                snprintf(col, sizeof col, "#D9D9D9");
            dti_svg_rect(&s, x, y, cell, cell, col, "#FFFFFF", 1);
            if (isfinite(v))
                dti_chart_tick_label(v, dec, buf, sizeof buf);
            else
                snprintf(buf, sizeof buf, "\xe2\x80\x93");
            if (dti_chart_text_width(buf, DTI_FS_SMALL, 0) <= cell - 4 && DTI_LINE_H(DTI_FS_SMALL) <= cell - 2)
                dti_svg_num_text(&s, x + cell / 2, y + cell / 2 + 0.35 * DTI_FS_SMALL, DTI_FS_SMALL, DTI_ANCHOR_MIDDLE,
                                 0, lum < 0.45 ? "#FFFFFF" : DTI_C_TEXT, buf);
        }
    }
    if (nr == 0 || nc == 0)
        dti_svg_empty(&s, &(dti_svg_area){a.x0, a.y0, a.x0 + S_RAMP_W, a.y0 + 40}, opts);
    else
        S_ramp(&s, ramp_x, a.y1 + 16);
    S_free_labels(rl, nr);
    S_free_labels(cl, nc);
    return dti_svg_end(&s, err);
}

/* ---- histogram ------------------------------------------------------------------------------------ */

#define S_HIST_H 300.0    /* default height */
#define S_MIN_PLOT_H 80.0 /* a plot never gets lower than this, whatever the options say */

int dti_chart_histogram_svg(dti_chart_buf *out, const dti_chart_histogram *in, const dti_chart_opts *opts,
                            dti_error *err)
{
    int rc = S_need(in->count, in->n_bins, "histogram", "counts", err);
    if (rc)
        return rc;
    if (!isfinite(in->lo) || !isfinite(in->hi) || !(in->hi > in->lo))
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "histogram: the bins' range [%g, %g] is empty",
                             in->lo, in->hi);
    size_t n = in->n_bins;
    double top_v = 0, lo_v = 0;
    S_extent(in->count, n, &lo_v, &top_v);
    int ref = isfinite(in->reference);
    if (ref)
        top_v = fmax(top_v, in->reference);
    dti_svg_legend_item leg[2] = {
        {in->label_count ? in->label_count : "count", DTI_LEG_RECT, DTI_C_SKY, 0, NULL, NULL},
        {in->label_reference ? in->label_reference : "expected if calibrated", DTI_LEG_LINE, DTI_C_BLACK, 1.5, "5 3",
         NULL}};
    size_t nleg = ref ? 2 : 1;
    double W = opts->width > 0 ? opts->width : DTI_DEFAULT_W, H = opts->height > 0 ? opts->height : S_HIST_H;
    double top = dti_svg_header_height(opts);
    double leg_h = dti_svg_legend(NULL, leg, nleg, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_area a;
    a.y0 = top + leg_h + 8 + dti_svg_ytitle_height(opts) + 8;
    a.y1 = fmax(H - DTI_PAD - 22 - dti_svg_xtitle_height(opts), a.y0 + S_MIN_PLOT_H);
    H = a.y1 + 22 + dti_svg_xtitle_height(opts) + DTI_PAD;
    dti_chart_ticks ty, tx;
    dti_chart_ticks_compute(0, top_v > 0 ? top_v : 1, dti_svg_tick_target(a.y1 - a.y0, 40),
                            S_integers(in->count, n) ? DTI_CHART_TICKS_LOOSE | DTI_CHART_TICKS_INTEGER
                                                     : DTI_CHART_TICKS_LOOSE,
                            &ty);
    a.x0 = DTI_PAD + dti_svg_ticks_width(&ty) + 8;
    a.x1 = fmax(W - DTI_PAD - 14, a.x0 + 80); /* half of the last x label */
    W = a.x1 + DTI_PAD + 14;
    dti_chart_scale sx, sy;
    dti_chart_scale_init(&sy, ty.lo, ty.hi, a.y1, a.y0);
    /* the bins start 10 px right of the value axis: the first x label then clears the "0" of the y axis */
    dti_chart_scale_init(&sx, in->lo, in->hi, a.x0 + 10, a.x1);
    /* one tick per 48 px, as on year axes: bins of 0.1 over [0, 1] get ticks every 0.2 at 240 px */
    dti_chart_ticks_compute(in->lo, in->hi, dti_svg_tick_target(a.x1 - a.x0 - 10, 48), DTI_CHART_TICKS_TIGHT, &tx);

    dti_svg s;
    dti_svg_begin(&s, out, W, H, opts);
    dti_svg_legend(&s, leg, nleg, DTI_PAD, top, W - 2 * DTI_PAD);
    dti_svg_axis_left(&s, &a, &sy, &ty);
    dti_svg_axis_bottom(&s, &a, &sx, &tx);
    dti_svg_axis_titles(&s, &a, opts);
    double w = (in->hi - in->lo) / (double)(n ? n : 1), y0 = dti_chart_scale_map(&sy, 0);
    for (size_t b = 0; b < n; b++) {
        if (!isfinite(in->count[b]))
            continue;
        double x0 = dti_chart_scale_map(&sx, in->lo + (double)b * w), x1 = dti_chart_scale_map(&sx, in->lo + (double)(b + 1) * w);
        /* one pixel of white on each side keeps neighbouring columns apart */
        dti_svg_rect(&s, x0 + 1, dti_chart_scale_map(&sy, in->count[b]), x1 - x0 - 2,
                     y0 - dti_chart_scale_map(&sy, in->count[b]), DTI_C_SKY, NULL, 0);
    }
    if (ref) {
        double yr = dti_chart_scale_map(&sy, in->reference);
        dti_svg_line(&s, dti_chart_scale_map(&sx, in->lo), yr, a.x1, yr, DTI_C_BLACK, 1.5, "5 3");
    }
    if (n == 0)
        dti_svg_empty(&s, &a, opts);
    return dti_svg_end(&s, err);
}
