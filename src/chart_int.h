/* chart_int.h -- what the chart files share (not part of chart.h): the SVG writer over a
 * dti_chart_buf (chart_svg.c), the palette, the common layout pieces (header, legend, axes).
 */
#ifndef DTI_CHART_INT_H
#define DTI_CHART_INT_H

#include "chart.h"

/* The palette.  Categories use Okabe & Ito's eight colours ("Color Universal Design", 2008), which
 * stay distinct under the three common colour-vision deficiencies; yellow (#F0E442) is left out of
 * lines and text, too light on white.  Where two categories must also differ in greyscale they are
 * a dark and a light colour (blue/orange), and a highlighted series differs by width, markers and a
 * bold label as well as by colour.  Bands are one hue (Okabe-Ito blue) at two lightnesses.  The
 * heat map uses ColorBrewer's RdBu (Brewer 2003), a diverging scale readable by colour-blind readers
 * whose sign also shows as the printed value. */
#define DTI_C_BLACK "#000000"
#define DTI_C_ORANGE "#E69F00"
#define DTI_C_SKY "#56B4E9"
#define DTI_C_GREEN "#009E73"
#define DTI_C_BLUE "#0072B2"
#define DTI_C_VERMILLION "#D55E00"
#define DTI_C_PURPLE "#CC79A7"
#define DTI_C_BAND80 "#CFE3F1" /* Okabe-Ito blue's hue (202 deg) at 88% lightness */
#define DTI_C_BAND50 "#8CBFE0" /* ... at 71% lightness */
#define DTI_C_TEXT "#222222"
#define DTI_C_MUTED "#555555"
#define DTI_C_GRID "#E4E4E4"
#define DTI_C_AXIS "#8A8A8A"

#define DTI_SVG_FONT "Noto Sans, DejaVu Sans, sans-serif" /* Noto and DejaVu cover Vietnamese */
#define DTI_FS_TITLE 15.0
#define DTI_FS 11.0       /* labels, ticks, legends */
#define DTI_FS_SMALL 10.0 /* values in heat-map cells */
#define DTI_LINE_H(fs) ((DTI_CHART_ASCENT_EM + DTI_CHART_DESCENT_EM) * (fs)) /* a text box's height */
#define DTI_PAD 12.0      /* outer margin */
#define DTI_DEFAULT_W 720.0

enum { DTI_ANCHOR_START, DTI_ANCHOR_MIDDLE, DTI_ANCHOR_END };

/* The writer: appends to b from `start`; a non-finite number sets `bad`, and dti_svg_end then
 * removes everything written since start and fails (no NaN ever reaches a file). */
typedef struct dti_svg {
    dti_chart_buf *b;
    size_t start;
    int bad;
    double width, height;
    int comma; /* numbers with a decimal comma (opts->decimal_comma) */
} dti_svg;

typedef struct dti_svg_area {
    double x0, y0, x1, y1; /* the plot: left, top, right, bottom */
} dti_svg_area;

/* Height of the title and subtitle block of opts (0 without either). */
double dti_svg_header_height(const dti_chart_opts *o);
/* Opens the document or fragment (opts->fragment) of width x height, with <title>, a white
 * background and the visible title and subtitle. */
void dti_svg_begin(dti_svg *s, dti_chart_buf *b, double width, double height, const dti_chart_opts *o);
int dti_svg_end(dti_svg *s, dti_error *err);

void dti_svg_num(dti_svg *s, double v);
/* Text at baseline (x, y); rotate: -90 to write upwards from (x, y).  Escaped once, here. */
void dti_svg_text(dti_svg *s, double x, double y, double size, int anchor, int bold, const char *fill,
                  const char *text);
/* A number's text (a tick or value label) as dti_svg_text, with a decimal comma when s->comma. */
void dti_svg_num_text(dti_svg *s, double x, double y, double size, int anchor, int bold, const char *fill,
                      const char *num);
void dti_svg_text_up(dti_svg *s, double x, double y, double size, const char *fill, const char *text);
void dti_svg_line(dti_svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width,
                  const char *dash);
void dti_svg_rect(dti_svg *s, double x, double y, double w, double h, const char *fill, const char *stroke,
                  double stroke_width);
void dti_svg_circle(dti_svg *s, double cx, double cy, double r, const char *fill, const char *stroke,
                    double stroke_width);
/* A polyline (closed = 0) or polygon (closed = 1) through n points. */
void dti_svg_path(dti_svg *s, const double *px, const double *py, size_t n, int closed, const char *fill,
                  const char *stroke, double width, const char *dash, double opacity);

/* ---- layout pieces -------------------------------------------------------------------------------- */

enum { DTI_LEG_POINT, DTI_LEG_LINE, DTI_LEG_RECT };

typedef struct dti_svg_legend_item {
    const char *label;
    int kind;
    const char *color;
    double width;     /* line width (lines) */
    const char *dash; /* NULL: solid */
    const char *stroke; /* rect outline; NULL: none */
} dti_svg_legend_item;

/* Lays out the legend in rows within [x, x + avail] from top y; draws it when s is not NULL.
 * Returns its height (0 for no items). */
double dti_svg_legend(dti_svg *s, const dti_svg_legend_item *it, size_t n, double x, double y, double avail);

/* A value axis along the left of the plot: gridlines and right-aligned tick labels. */
void dti_svg_axis_left(dti_svg *s, const dti_svg_area *a, const dti_chart_scale *sy, const dti_chart_ticks *t);
/* A value axis along the bottom: gridlines and centred tick labels, a label skipped when it would
 * touch the previous one. */
void dti_svg_axis_bottom(dti_svg *s, const dti_svg_area *a, const dti_chart_scale *sx, const dti_chart_ticks *t);
/* Widest tick label of t in px. */
double dti_svg_ticks_width(const dti_chart_ticks *t);
/* Ticks for an axis of `length` px: about one per `spacing` px, between 2 and 10. */
size_t dti_svg_tick_target(double length, double spacing);
/* "no data" (or opts->empty_text) in the middle of the area. */
void dti_svg_empty(dti_svg *s, const dti_svg_area *a, const dti_chart_opts *o);
/* The axis titles of opts: x under the bottom tick labels, y above the top-left of the plot. */
void dti_svg_axis_titles(dti_svg *s, const dti_svg_area *a, const dti_chart_opts *o);
/* Space that dti_svg_axis_titles needs above the plot and below the x tick labels. */
double dti_svg_ytitle_height(const dti_chart_opts *o);
double dti_svg_xtitle_height(const dti_chart_opts *o);

/* Shared checks of a chart call: 0, or DTI_ERR_INTERNAL with the message (prefixed with `what`). */
int dti_svg_check_years(const double *years, size_t n, const char *what, dti_error *err);

#endif
