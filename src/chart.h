/* chart.h -- a small SVG chart module (issue 11): scales with "nice" ticks, text measured by display
 * width, label placement without overlaps, and six chart types drawn from plain C arrays (fan, bump,
 * bars, tornado, grouped bars, heat map).  A presentation layer: no project or tune structs here, no
 * files, no printing; the report layer (HTML, --format svg) calls it.  Algorithms: docs/charts.md.
 *
 * Output goes to a growable buffer (dti_chart_buf), not a FILE*: the report layer embeds the same
 * chart inline in HTML or writes it as a standalone file, and a failed chart leaves no partial output
 * anywhere (the caller writes the buffer only when the call returned DTI_OK).
 */
#ifndef DTI_CHART_H
#define DTI_CHART_H

#include <stddef.h>

#include "dtirank.h"

#define DTI_CHART_NONE ((size_t)-1) /* "no highlighted series / bar" */

/* ---- the output buffer ---------------------------------------------------------------------------- */

/* A NUL-terminated string that grows as text is appended (aborts on out of memory, as dti_strdup).
 * Caller-owned: dti_chart_buf_init before use, dti_chart_buf_clear to free.  `data` may be NULL
 * while len is 0. */
typedef struct dti_chart_buf {
    char *data;
    size_t len, cap;
} dti_chart_buf;

void dti_chart_buf_init(dti_chart_buf *b);
void dti_chart_buf_clear(dti_chart_buf *b);
/* Appends text exactly as given / XML-escaped (& < > " ' become entities; text is UTF-8 and passes
 * through; control characters other than tab and newline, which XML 1.0 forbids, become U+FFFD). */
void dti_chart_buf_puts(dti_chart_buf *b, const char *s);
void dti_chart_buf_escape(dti_chart_buf *b, const char *s);

/* ---- scales and ticks (chart_scale.c) --------------------------------------------------------- */

/* A linear map from the domain [d0, d1] to the range [r0, r1]; r0 > r1 reverses it (SVG y grows
 * downwards, so a value axis maps [lo, hi] to [bottom, top]; a rank axis maps [1, n] to [top,
 * bottom]).  An empty domain (d0 == d1) maps every value to the middle of the range. */
typedef struct dti_chart_scale {
    double d0, d1, r0, r1;
} dti_chart_scale;

void dti_chart_scale_init(dti_chart_scale *s, double d0, double d1, double r0, double r1);
double dti_chart_scale_map(const dti_chart_scale *s, double v);

#define DTI_CHART_MAX_TICKS 64

/* Tick marks of an axis.  lo..hi is the axis domain to use (the nice bounds for a loose axis, the
 * data bounds for a tight one); v[0..n) the tick values in increasing order; `decimals` the fewest
 * decimals that print every tick exactly. */
typedef struct dti_chart_ticks {
    double lo, hi, step;
    size_t n;
    double v[DTI_CHART_MAX_TICKS];
    int decimals;
} dti_chart_ticks;

enum {
    DTI_CHART_TICKS_LOOSE = 0,   /* widen the domain to the nice bounds around [lo, hi] */
    DTI_CHART_TICKS_TIGHT = 1,   /* keep [lo, hi]; ticks at the multiples of the step inside it */
    DTI_CHART_TICKS_INTEGER = 2, /* flag: step >= 1 (years, counts) */
    DTI_CHART_TICKS_RANK = 4     /* flag (implies TIGHT | INTEGER): a tick at 1 as well (ranks) */
};

/* Heckbert's nice number (Graphics Gems, 1990): the number 1, 2, 5 or 10 times a power of ten
 * closest to x (round = 1) or not below x (round = 0).  x must be finite and > 0. */
double dti_chart_nice_num(double x, int round);
/* About `target` ticks (>= 2) at 1/2/5 x 10^k steps over [lo, hi] (see the flags above).  NaN or
 * infinite bounds, lo > hi (swapped) and lo == hi (widened by one unit around the value, or to
 * [v - 1, v + 1] for integer axes) all give a valid axis.  Never fails. */
void dti_chart_ticks_compute(double lo, double hi, size_t target, int flags, dti_chart_ticks *t);
/* A tick label: v with `decimals` decimals, "-0" printed as "0".  Writes at most size bytes. */
void dti_chart_tick_label(double v, int decimals, char *buf, size_t size);
/* The shortest decimal text of v with at most max_decimals decimals (0.6234 -> "0.6234", 12 ->
 * "12", 0.5 -> "0.5"); NaN gives "". */
void dti_chart_num_label(double v, int max_decimals, char *buf, size_t size);

/* ---- text measurement and label placement (chart_scale.c) --------------------------------------- */

/* Average advance of one display column in em, from the fonts' metrics (digits 0.57 em in Noto Sans,
 * 0.64 in DejaVu Sans; lower case about 0.53 and 0.60): 0.62 errs on the wide side for most labels;
 * short words of wide glyphs (m, W) exceed it, which the browser test measures (docs/charts.md). */
#define DTI_CHART_GLYPH_EM 0.62
#define DTI_CHART_ASCENT_EM 0.95  /* baseline to the top of a stacked Vietnamese capital (Ấ, Ỗ) */
#define DTI_CHART_DESCENT_EM 0.25 /* baseline to the bottom of g, y, ọ */

#define DTI_CHART_GLYPH_EM_BOLD 0.68 /* the same for bold (DejaVu Sans Bold digits 0.70 em) */

/* Estimated width in px of UTF-8 text at font size `size` px: display columns (dti_utf8_width)
 * times DTI_CHART_GLYPH_EM (or _BOLD) times size. */
double dti_chart_text_width(const char *s, double size, int bold);
/* A copy of s cut to at most max_cols display columns, ending with "…" when it was cut (combining
 * marks stay with their letter).  Returns a heap string: the caller frees it. */
char *dti_chart_truncate(const char *s, size_t max_cols);

/* Places n labels of height h along one axis without overlaps: label i wants its centre at want[i]
 * (NaN: not placed, pos[i] = NaN); pos[i] receives the centre.  Rule: sort by want, then merge
 * overlapping labels into clusters, each cluster centred on the mean of its wants, until no two
 * clusters overlap (consecutive centres >= h apart); then shift clusters into [lo, hi].  Returns 0, or
 * -1 when n * h exceeds hi - lo (labels are then stacked from lo at spacing h, past hi: they still
 * never overlap, and the caller should grow the chart).  Allocates a scratch index array. */
int dti_chart_place_labels(const double *want, size_t n, double h, double lo, double hi, double *pos);

/* The polygon of a band between lo[i] and hi[i] over x[i], i = 0..n-1 (all finite): the points
 * (sx(x[0]), sy(hi[0])) ... (sx(x[n-1]), sy(hi[n-1])), then back (sx(x[n-1]), sy(lo[n-1])) ...
 * (sx(x[0]), sy(lo[0])).  px, py hold 2n points.  Returns 2n. */
size_t dti_chart_band_polygon(const dti_chart_scale *sx, const dti_chart_scale *sy, const double *x,
                              const double *lo, const double *hi, size_t n, double *px, double *py);

/* ---- charts (chart_plot.c, chart_bars.c) ------------------------------------------------------------- */

/* Common options; a zeroed struct gives the defaults.  Strings are borrowed for the call. */
typedef struct dti_chart_opts {
    const char *title;    /* the heading and the SVG <title>; NULL: none */
    const char *subtitle; /* a second, smaller line (sources, model); NULL: none */
    const char *x_label;  /* axis titles; NULL: none */
    const char *y_label;
    double width;   /* px; 0: 720 */
    double height;  /* px; 0: the chart's default (bars, bump and heat maps grow with n) */
    int fragment;   /* 1: an inline <svg> for HTML (no XML declaration); 0: a standalone document */
    const char *empty_text; /* shown when there is nothing to draw; NULL: "no data" */
    int decimal_comma; /* 1: numbers drawn with a decimal comma (0,67: Vietnamese); 0: a point */
} dti_chart_opts;

/* Fan chart of one unit's rank: x = years, y = rank from 1 (top) to n_units.  Observed ranks are
 * points; the projection a median line inside a 50% and an 80% band (one hue, two lightnesses);
 * targets are dashed horizontal lines labelled at the right.  Arrays have n_years entries, NaN where
 * absent (a band is drawn over each run of years where both its bounds are known).  Labels default to
 * English when NULL. */
typedef struct dti_chart_fan {
    size_t n_years;
    const double *years; /* strictly increasing */
    const double *observed;
    const double *median, *lo50, *hi50, *lo80, *hi80;
    size_t n_units;      /* the rank axis runs 1..n_units (>= 1) */
    size_t n_targets;
    const double *target_rank;       /* [n_targets] */
    const char *const *target_label; /* [n_targets], e.g. "top 15"; NULL: "top <rank>" */
    const char *label_observed, *label_median, *label_band50, *label_band80;
} dti_chart_fan;

/* Bump chart: the rank history of n_series series (rank[s * n_years + t], NaN = not known or known
 * only as a bound: such years are gaps in the line).  One series may be highlighted (vermillion,
 * thicker, larger markers, bold label); the others are muted colours, each labelled at the right end
 * beside its last known rank, labels spread apart with leader lines when they would collide.  The
 * rank axis runs 1..rank_max (0: the largest rank in the data); the chart grows taller when the
 * labels need it. */
typedef struct dti_chart_bump {
    size_t n_years;
    const double *years; /* strictly increasing */
    size_t n_series;
    const char *const *names;
    const double *rank;
    size_t rank_max;
    size_t highlight; /* DTI_CHART_NONE: none */
} dti_chart_bump;

/* Horizontal bars, one row per label in the given order (sort first), value labels at the bar
 * ends; one bar may be highlighted.  The height grows with n (16 px a row).  NaN values show an
 * empty row with the label "–". */
typedef struct dti_chart_bars {
    size_t n;
    const char *const *labels;
    const double *values;
    size_t highlight; /* DTI_CHART_NONE: none */
    int decimals;     /* value labels: at most this many decimals, shortest form; < 0: 4 */
} dti_chart_bars;

/* Tornado: per item the output at the low and at the high end of its input's range around one
 * nominal output (a vertical line); bars run from the nominal value to each end, in two colours,
 * items sorted by the width of their interval (widest on top; ties keep the given order). */
typedef struct dti_chart_tornado {
    size_t n;
    const char *const *labels;
    const double *at_low, *at_high; /* NaN: the item is listed with no bar */
    double nominal;
    const char *label_low, *label_high, *label_nominal; /* legend; NULL: "low", "high", "nominal" */
    int reverse; /* 1: the value axis decreases to the right (ranks: 1 at the right) */
    int max_decimals;     /* value labels: at most this many decimals, shortest form; 0: 4 */
    int hide_nominal;     /* 1: the legend names the nominal line without its value */
} dti_chart_tornado;

/* Grouped horizontal bars: n_groups rows (e.g. inputs), n_series bars each (e.g. first-order and
 * total Sobol indices), value[g * n_series + s]; optional confidence intervals ci_lo/ci_hi (same
 * layout, NULL: none) drawn as whiskers. */
typedef struct dti_chart_grouped {
    size_t n_groups, n_series;
    const char *const *groups;
    const char *const *series; /* legend */
    const double *value, *ci_lo, *ci_hi;
} dti_chart_grouped;

/* Heat map of an n_rows x n_cols matrix (value[r * n_cols + c]) on a diverging scale from -1 (blue)
 * through 0 (white) to +1 (red); values are printed in cells wide enough for them; NaN cells are
 * grey and say "–".  Column labels are written vertically above the columns. */
typedef struct dti_chart_heatmap {
    size_t n_rows, n_cols;
    const char *const *rows;
    const char *const *cols;
    const double *value;
    int decimals; /* printed in cells; < 0: 2 */
} dti_chart_heatmap;

/* Histogram of counts over n_bins equal bins of [lo, hi] (a PIT histogram: 10 bins over [0, 1]):
 * vertical columns from 0, a dashed horizontal reference line at `reference` (the count a calibrated
 * forecast expects in every bin; NaN: none) named in a legend.  NaN counts are empty bins. */
typedef struct dti_chart_histogram {
    size_t n_bins;
    const double *count; /* [n_bins] */
    double lo, hi;       /* lo < hi, both finite */
    double reference;
    const char *label_count, *label_reference; /* legend; NULL: "count", "expected if calibrated" */
} dti_chart_histogram;

/* Each appends one SVG (a document or a fragment, see opts) to `out` and returns DTI_OK, or
 * DTI_ERR_INTERNAL for a malformed call (NULL arrays with n > 0, years not increasing, more series
 * than the function supports) with `out` left as it was.  Degenerate data (no points, one year, all
 * values equal, NaN) always gives a valid chart. */
int dti_chart_fan_svg(dti_chart_buf *out, const dti_chart_fan *in, const dti_chart_opts *opts, dti_error *err);
int dti_chart_bump_svg(dti_chart_buf *out, const dti_chart_bump *in, const dti_chart_opts *opts, dti_error *err);
int dti_chart_bars_svg(dti_chart_buf *out, const dti_chart_bars *in, const dti_chart_opts *opts, dti_error *err);
int dti_chart_tornado_svg(dti_chart_buf *out, const dti_chart_tornado *in, const dti_chart_opts *opts,
                          dti_error *err);
int dti_chart_grouped_svg(dti_chart_buf *out, const dti_chart_grouped *in, const dti_chart_opts *opts,
                          dti_error *err);
int dti_chart_heatmap_svg(dti_chart_buf *out, const dti_chart_heatmap *in, const dti_chart_opts *opts,
                          dti_error *err);
int dti_chart_histogram_svg(dti_chart_buf *out, const dti_chart_histogram *in, const dti_chart_opts *opts,
                            dti_error *err);

#endif
