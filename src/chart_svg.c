/* chart_svg.c -- the SVG writer under the charts: the growable buffer, XML escaping (the one place
 * text is escaped), the drawing primitives with their number format, and the layout pieces every
 * chart shares (header, legend, axes, axis titles).  Above chart_scale.c, below chart_plot.c and
 * chart_bars.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "chart_int.h"
#include "internal.h"

/* ---- buffer and escaping -------------------------------------------------------------------------- */

void dti_chart_buf_init(dti_chart_buf *b)
{
    memset(b, 0, sizeof *b);
}

void dti_chart_buf_clear(dti_chart_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void S_append(dti_chart_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            abort(); /* out of memory: as dti_strdup */
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dti_chart_buf_puts(dti_chart_buf *b, const char *s)
{
    S_append(b, s, strlen(s));
}

void dti_chart_buf_escape(dti_chart_buf *b, const char *s)
{
    static const char fffd[] = "\xef\xbf\xbd"; /* U+FFFD: what XML cannot carry */
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* invalid UTF-8 byte */
            S_append(b, fffd, 3);
            i++;
            continue;
        }
        switch (cp) {
        case '&': S_append(b, "&amp;", 5); break;
        case '<': S_append(b, "&lt;", 4); break;
        case '>': S_append(b, "&gt;", 4); break;
        case '"': S_append(b, "&quot;", 6); break;
        case '\'': S_append(b, "&apos;", 6); break;
        default:
            /* XML 1.0 Char: tab, newline, carriage return, and no other C0 control, no U+FFFE/FFFF */
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
                S_append(b, fffd, 3);
            else
                S_append(b, s + i, (size_t)k);
        }
        i += (size_t)k;
    }
}

/* ---- primitives ----------------------------------------------------------------------------------- */

static void S_puts(dti_svg *s, const char *t)
{
    dti_chart_buf_puts(s->b, t);
}

void dti_svg_num(dti_svg *s, double v)
{
    /* two decimals are a hundredth of a pixel; trailing zeros are dropped to keep files small */
    if (!isfinite(v)) {
        s->bad = 1;
        v = 0;
    }
    char buf[64];
    dti_chart_num_label(v, 2, buf, sizeof buf);
    S_puts(s, buf);
}

static void S_attr_num(dti_svg *s, const char *name, double v)
{
    S_puts(s, " ");
    S_puts(s, name);
    S_puts(s, "=\"");
    dti_svg_num(s, v);
    S_puts(s, "\"");
}

static void S_attr(dti_svg *s, const char *name, const char *v)
{
    if (!v)
        return;
    S_puts(s, " ");
    S_puts(s, name);
    S_puts(s, "=\"");
    dti_chart_buf_escape(s->b, v);
    S_puts(s, "\"");
}

void dti_svg_text(dti_svg *s, double x, double y, double size, int anchor, int bold, const char *fill,
                  const char *text)
{
    S_puts(s, "<text");
    S_attr_num(s, "x", x);
    S_attr_num(s, "y", y);
    S_attr_num(s, "font-size", size);
    if (anchor == DTI_ANCHOR_MIDDLE)
        S_puts(s, " text-anchor=\"middle\"");
    else if (anchor == DTI_ANCHOR_END)
        S_puts(s, " text-anchor=\"end\"");
    if (bold)
        S_puts(s, " font-weight=\"bold\"");
    S_attr(s, "fill", fill ? fill : DTI_C_TEXT);
    S_puts(s, ">");
    dti_chart_buf_escape(s->b, text);
    S_puts(s, "</text>\n");
}

void dti_svg_num_text(dti_svg *s, double x, double y, double size, int anchor, int bold, const char *fill,
                      const char *num)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", num);
    for (char *p = buf; s->comma && *p; p++)
        if (*p == '.')
            *p = ',';
    dti_svg_text(s, x, y, size, anchor, bold, fill, buf);
}

void dti_svg_text_up(dti_svg *s, double x, double y, double size, const char *fill, const char *text)
{
    S_puts(s, "<text");
    S_attr_num(s, "x", x);
    S_attr_num(s, "y", y);
    S_attr_num(s, "font-size", size);
    S_attr(s, "fill", fill ? fill : DTI_C_TEXT);
    S_puts(s, " transform=\"rotate(-90 ");
    dti_svg_num(s, x);
    S_puts(s, " ");
    dti_svg_num(s, y);
    S_puts(s, ")\">");
    dti_chart_buf_escape(s->b, text);
    S_puts(s, "</text>\n");
}

void dti_svg_line(dti_svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width,
                  const char *dash)
{
    S_puts(s, "<line");
    S_attr_num(s, "x1", x1);
    S_attr_num(s, "y1", y1);
    S_attr_num(s, "x2", x2);
    S_attr_num(s, "y2", y2);
    S_attr(s, "stroke", stroke);
    S_attr_num(s, "stroke-width", width);
    S_attr(s, "stroke-dasharray", dash);
    S_puts(s, "/>\n");
}

void dti_svg_rect(dti_svg *s, double x, double y, double w, double h, const char *fill, const char *stroke,
                  double stroke_width)
{
    if (w < 0) { /* SVG refuses negative sizes: draw the same rectangle from its other corner */
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    S_puts(s, "<rect");
    S_attr_num(s, "x", x);
    S_attr_num(s, "y", y);
    S_attr_num(s, "width", w);
    S_attr_num(s, "height", h);
    S_attr(s, "fill", fill ? fill : "none");
    if (stroke) {
        S_attr(s, "stroke", stroke);
        S_attr_num(s, "stroke-width", stroke_width);
    }
    S_puts(s, "/>\n");
}

void dti_svg_circle(dti_svg *s, double cx, double cy, double r, const char *fill, const char *stroke,
                    double stroke_width)
{
    S_puts(s, "<circle");
    S_attr_num(s, "cx", cx);
    S_attr_num(s, "cy", cy);
    S_attr_num(s, "r", r);
    S_attr(s, "fill", fill ? fill : "none");
    if (stroke) {
        S_attr(s, "stroke", stroke);
        S_attr_num(s, "stroke-width", stroke_width);
    }
    S_puts(s, "/>\n");
}

void dti_svg_path(dti_svg *s, const double *px, const double *py, size_t n, int closed, const char *fill,
                  const char *stroke, double width, const char *dash, double opacity)
{
    if (n == 0)
        return;
    S_puts(s, closed ? "<polygon points=\"" : "<polyline points=\"");
    for (size_t i = 0; i < n; i++) {
        if (i)
            S_puts(s, " ");
        dti_svg_num(s, px[i]);
        S_puts(s, ",");
        dti_svg_num(s, py[i]);
    }
    S_puts(s, "\"");
    S_attr(s, "fill", fill ? fill : "none");
    if (stroke) {
        S_attr(s, "stroke", stroke);
        S_attr_num(s, "stroke-width", width);
        S_puts(s, " stroke-linejoin=\"round\" stroke-linecap=\"round\"");
    }
    S_attr(s, "stroke-dasharray", dash);
    if (opacity < 1)
        S_attr_num(s, "opacity", opacity);
    S_puts(s, "/>\n");
}

/* ---- document ------------------------------------------------------------------------------------- */

double dti_svg_header_height(const dti_chart_opts *o)
{
    double h = 0;
    if (o->title && o->title[0])
        h += 24;
    if (o->subtitle && o->subtitle[0])
        h += 17;
    return h > 0 ? h + 8 : 0;
}

/* The visible heading, cut with an ellipsis to the width (the full text stays in <title>). */
static void S_heading(dti_svg *s, double y, double size, int bold, const char *fill, const char *text)
{
    double em = bold ? DTI_CHART_GLYPH_EM_BOLD : DTI_CHART_GLYPH_EM;
    double cols = floor((s->width - 2 * DTI_PAD) / (em * size));
    char *t = dti_chart_truncate(text, cols > 1 ? (size_t)cols : 1);
    dti_svg_text(s, DTI_PAD, y, size, DTI_ANCHOR_START, bold, fill, t);
    free(t);
}

void dti_svg_begin(dti_svg *s, dti_chart_buf *b, double width, double height, const dti_chart_opts *o)
{
    s->b = b;
    s->start = b->len;
    s->bad = 0;
    s->width = width;
    s->height = height;
    s->comma = o->decimal_comma != 0;
    if (!o->fragment)
        S_puts(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    S_puts(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
    S_attr_num(s, "width", width);
    S_attr_num(s, "height", height);
    S_puts(s, " viewBox=\"0 0 ");
    dti_svg_num(s, width);
    S_puts(s, " ");
    dti_svg_num(s, height);
    S_puts(s, "\" font-family=\"" DTI_SVG_FONT "\" role=\"img\">\n");
    S_puts(s, "<title>");
    dti_chart_buf_escape(b, o->title && o->title[0] ? o->title : "chart");
    S_puts(s, "</title>\n");
    dti_svg_rect(s, 0, 0, width, height, "#FFFFFF", NULL, 0);
    double y = 8;
    if (o->title && o->title[0]) {
        S_heading(s, y + DTI_FS_TITLE, DTI_FS_TITLE, 1, DTI_C_TEXT, o->title);
        y += 24;
    }
    if (o->subtitle && o->subtitle[0])
        S_heading(s, y + DTI_FS, DTI_FS, 0, DTI_C_MUTED, o->subtitle);
}

int dti_svg_end(dti_svg *s, dti_error *err)
{
    S_puts(s, "</svg>\n");
    if (!s->bad)
        return DTI_OK;
    s->b->len = s->start; /* nothing of a bad chart stays */
    if (s->b->data)
        s->b->data[s->start] = '\0';
    return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "chart: a coordinate is not a finite number");
}

/* ---- layout pieces -------------------------------------------------------------------------------- */

#define S_SWATCH 18.0  /* legend symbol width */
#define S_LEG_GAP 5.0  /* symbol to text */
#define S_LEG_SEP 16.0 /* between items */
#define S_LEG_ROW 17.0

static void S_swatch(dti_svg *s, const dti_svg_legend_item *it, double x, double yc)
{
    switch (it->kind) {
    case DTI_LEG_POINT:
        dti_svg_circle(s, x + S_SWATCH / 2, yc, 3.5, it->color, NULL, 0);
        break;
    case DTI_LEG_LINE:
        dti_svg_line(s, x, yc, x + S_SWATCH, yc, it->color, it->width > 0 ? it->width : 2, it->dash);
        break;
    default:
        dti_svg_rect(s, x, yc - 5, S_SWATCH, 10, it->color, it->stroke, 1);
    }
}

double dti_svg_legend(dti_svg *s, const dti_svg_legend_item *it, size_t n, double x, double y, double avail)
{
    if (n == 0)
        return 0;
    double cx = x, rows = 1;
    for (size_t i = 0; i < n; i++) {
        double w = S_SWATCH + S_LEG_GAP + dti_chart_text_width(it[i].label, DTI_FS, 0);
        if (cx > x && cx + w > x + avail) { /* wrap */
            cx = x;
            rows++;
        }
        double yc = y + (rows - 1) * S_LEG_ROW + S_LEG_ROW / 2;
        if (s) {
            S_swatch(s, &it[i], cx, yc);
            dti_svg_text(s, cx + S_SWATCH + S_LEG_GAP, yc + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_START, 0,
                         DTI_C_TEXT, it[i].label);
        }
        cx += w + S_LEG_SEP;
    }
    return rows * S_LEG_ROW;
}

double dti_svg_ticks_width(const dti_chart_ticks *t)
{
    double w = 0;
    char buf[64];
    for (size_t i = 0; i < t->n; i++) {
        dti_chart_tick_label(t->v[i], t->decimals, buf, sizeof buf);
        w = fmax(w, dti_chart_text_width(buf, DTI_FS, 0));
    }
    return w;
}

size_t dti_svg_tick_target(double length, double spacing)
{
    double n = floor(length / spacing) + 1;
    return n < 2 ? 2 : n > 10 ? 10 : (size_t)n;
}

void dti_svg_axis_left(dti_svg *s, const dti_svg_area *a, const dti_chart_scale *sy, const dti_chart_ticks *t)
{
    char buf[64];
    for (size_t i = 0; i < t->n; i++) {
        double y = dti_chart_scale_map(sy, t->v[i]);
        if (y < a->y0 - 0.5 || y > a->y1 + 0.5)
            continue;
        dti_svg_line(s, a->x0, y, a->x1, y, DTI_C_GRID, 1, NULL);
        dti_chart_tick_label(t->v[i], t->decimals, buf, sizeof buf);
        /* 0.35 em below the line puts the middle of the digits on it */
        dti_svg_num_text(s, a->x0 - 6, y + 0.35 * DTI_FS, DTI_FS, DTI_ANCHOR_END, 0, DTI_C_MUTED, buf);
    }
}

void dti_svg_axis_bottom(dti_svg *s, const dti_svg_area *a, const dti_chart_scale *sx, const dti_chart_ticks *t)
{
    char buf[64];
    double last_right = -INFINITY;
    dti_svg_line(s, a->x0, a->y1, a->x1, a->y1, DTI_C_AXIS, 1, NULL);
    /* left to right on screen, whichever way the scale runs, so that skipping compares neighbours */
    int rev = sx->r1 < sx->r0;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = rev ? t->n - 1 - k : k;
        double x = dti_chart_scale_map(sx, t->v[i]);
        if (x < fmin(a->x0, a->x1) - 0.5 || x > fmax(a->x0, a->x1) + 0.5)
            continue;
        dti_svg_line(s, x, a->y0, x, a->y1, DTI_C_GRID, 1, NULL);
        dti_svg_line(s, x, a->y1, x, a->y1 + 4, DTI_C_AXIS, 1, NULL);
        dti_chart_tick_label(t->v[i], t->decimals, buf, sizeof buf);
        double w = dti_chart_text_width(buf, DTI_FS, 0);
        if (x - w / 2 < last_right + 6) /* would touch the previous label: skip this one */
            continue;
        dti_svg_num_text(s, x, a->y1 + 6 + DTI_CHART_ASCENT_EM * DTI_FS, DTI_FS, DTI_ANCHOR_MIDDLE, 0, DTI_C_MUTED, buf);
        last_right = x + w / 2;
    }
}

void dti_svg_empty(dti_svg *s, const dti_svg_area *a, const dti_chart_opts *o)
{
    dti_svg_text(s, 0.5 * (a->x0 + a->x1), 0.5 * (a->y0 + a->y1), DTI_FS, DTI_ANCHOR_MIDDLE, 0, DTI_C_MUTED,
                 o->empty_text ? o->empty_text : "no data");
}

double dti_svg_ytitle_height(const dti_chart_opts *o)
{
    return o->y_label && o->y_label[0] ? 18 : 0;
}

double dti_svg_xtitle_height(const dti_chart_opts *o)
{
    return o->x_label && o->x_label[0] ? 18 : 0;
}

void dti_svg_axis_titles(dti_svg *s, const dti_svg_area *a, const dti_chart_opts *o)
{
    if (o->y_label && o->y_label[0])
        dti_svg_text(s, DTI_PAD, a->y0 - 10, DTI_FS, DTI_ANCHOR_START, 0, DTI_C_MUTED, o->y_label);
    if (o->x_label && o->x_label[0])
        dti_svg_text(s, 0.5 * (a->x0 + a->x1), a->y1 + 22 + 18 * 0.95, DTI_FS, DTI_ANCHOR_MIDDLE, 0,
                     DTI_C_MUTED, o->x_label);
}

int dti_svg_check_years(const double *years, size_t n, const char *what, dti_error *err)
{
    if (n > 0 && !years)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "%s: no years given for %zu points", what, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(years[i]))
            return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "%s: year %zu is not a number", what, i + 1);
        if (i > 0 && !(years[i] > years[i - 1]))
            return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "%s: years must increase (%g after %g)", what,
                                 years[i], years[i - 1]);
    }
    return DTI_OK;
}
