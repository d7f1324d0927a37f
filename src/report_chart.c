/* report_chart.c -- the chart blocks of the report layer (report.h): a presenter hands the chart
 * module's input (chart.h) built from its computed results; the document keeps a deep copy (every
 * array and string), so the presenter's arrays may be temporaries; the svg and html writers draw it
 * through the chart module.  Below the writers, above chart_*.c. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report.h"

enum { S_FAN, S_BUMP, S_BARS, S_TORNADO, S_GROUPED, S_HEATMAP, S_HISTOGRAM };

struct dti_report_chart {
    char *name;
    int type;
    dti_chart_opts opts; /* its strings owned */
    union {
        dti_chart_fan fan;
        dti_chart_bump bump;
        dti_chart_bars bars;
        dti_chart_tornado tornado;
        dti_chart_grouped grouped;
        dti_chart_heatmap heatmap;
        dti_chart_histogram histogram;
    } in;
    /* everything the copies own, freed together */
    void **owned;
    size_t n_owned;
};

static void *S_own(dti_report_chart *c, void *p)
{
    if (!p)
        return NULL;
    void **o = realloc(c->owned, (c->n_owned + 1) * sizeof *o);
    if (!o)
        abort();
    c->owned = o;
    c->owned[c->n_owned++] = p;
    return p;
}

static const char *S_str(dti_report_chart *c, const char *s)
{
    return s ? S_own(c, dti_strdup(s)) : NULL;
}

static const double *S_nums(dti_report_chart *c, const double *v, size_t n)
{
    if (!v)
        return NULL;
    double *copy = dti_xcalloc(n ? n : 1, sizeof *copy);
    if (n)
        memcpy(copy, v, n * sizeof *copy);
    return S_own(c, copy);
}

static const char *const *S_strs(dti_report_chart *c, const char *const *v, size_t n)
{
    if (!v)
        return NULL;
    const char **copy = S_own(c, dti_xcalloc(n ? n : 1, sizeof *copy));
    for (size_t i = 0; i < n; i++)
        copy[i] = S_str(c, v[i]);
    return copy;
}

/* A new chart block: name and the options' strings copied. */
static dti_report_chart *S_chart(dti_report *doc, const char *name, int type, const dti_chart_opts *o)
{
    dti_report_chart *c = dti_xcalloc(1, sizeof *c);
    c->name = dti_strdup(name);
    c->type = type;
    if (o) {
        c->opts = *o;
        c->opts.title = S_str(c, o->title);
        c->opts.subtitle = S_str(c, o->subtitle);
        c->opts.x_label = S_str(c, o->x_label);
        c->opts.y_label = S_str(c, o->y_label);
        c->opts.empty_text = S_str(c, o->empty_text);
    }
    dti_report_block_new(doc, DTI_BLOCK_CHART)->chart = c;
    return c;
}

void dti_report_chart_fan(dti_report *doc, const char *name, const dti_chart_fan *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_FAN, o);
    dti_chart_fan *f = &c->in.fan;
    size_t n = in->n_years;
    *f = *in;
    f->years = S_nums(c, in->years, n);
    f->observed = S_nums(c, in->observed, n);
    f->median = S_nums(c, in->median, n);
    f->lo50 = S_nums(c, in->lo50, n);
    f->hi50 = S_nums(c, in->hi50, n);
    f->lo80 = S_nums(c, in->lo80, n);
    f->hi80 = S_nums(c, in->hi80, n);
    f->target_rank = S_nums(c, in->target_rank, in->n_targets);
    f->target_label = S_strs(c, in->target_label, in->n_targets);
    f->label_observed = S_str(c, in->label_observed);
    f->label_median = S_str(c, in->label_median);
    f->label_band50 = S_str(c, in->label_band50);
    f->label_band80 = S_str(c, in->label_band80);
}

void dti_report_chart_bump(dti_report *doc, const char *name, const dti_chart_bump *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_BUMP, o);
    dti_chart_bump *b = &c->in.bump;
    *b = *in;
    b->years = S_nums(c, in->years, in->n_years);
    b->names = S_strs(c, in->names, in->n_series);
    b->rank = S_nums(c, in->rank, in->n_series * in->n_years);
}

void dti_report_chart_bars(dti_report *doc, const char *name, const dti_chart_bars *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_BARS, o);
    dti_chart_bars *b = &c->in.bars;
    *b = *in;
    b->labels = S_strs(c, in->labels, in->n);
    b->values = S_nums(c, in->values, in->n);
}

void dti_report_chart_tornado(dti_report *doc, const char *name, const dti_chart_tornado *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_TORNADO, o);
    dti_chart_tornado *t = &c->in.tornado;
    *t = *in;
    t->labels = S_strs(c, in->labels, in->n);
    t->at_low = S_nums(c, in->at_low, in->n);
    t->at_high = S_nums(c, in->at_high, in->n);
    t->label_low = S_str(c, in->label_low);
    t->label_high = S_str(c, in->label_high);
    t->label_nominal = S_str(c, in->label_nominal);
}

void dti_report_chart_grouped(dti_report *doc, const char *name, const dti_chart_grouped *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_GROUPED, o);
    dti_chart_grouped *g = &c->in.grouped;
    size_t nv = in->n_groups * in->n_series;
    *g = *in;
    g->groups = S_strs(c, in->groups, in->n_groups);
    g->series = S_strs(c, in->series, in->n_series);
    g->value = S_nums(c, in->value, nv);
    g->ci_lo = S_nums(c, in->ci_lo, nv);
    g->ci_hi = S_nums(c, in->ci_hi, nv);
}

void dti_report_chart_heatmap(dti_report *doc, const char *name, const dti_chart_heatmap *in, const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_HEATMAP, o);
    dti_chart_heatmap *h = &c->in.heatmap;
    *h = *in;
    h->rows = S_strs(c, in->rows, in->n_rows);
    h->cols = S_strs(c, in->cols, in->n_cols);
    h->value = S_nums(c, in->value, in->n_rows * in->n_cols);
}

void dti_report_chart_histogram(dti_report *doc, const char *name, const dti_chart_histogram *in,
                                const dti_chart_opts *o)
{
    dti_report_chart *c = S_chart(doc, name, S_HISTOGRAM, o);
    dti_chart_histogram *h = &c->in.histogram;
    *h = *in;
    h->count = S_nums(c, in->count, in->n_bins);
    h->label_count = S_str(c, in->label_count);
    h->label_reference = S_str(c, in->label_reference);
}

const char *dti_report_chart_name(const dti_report_chart *c) { return c->name; }
const char *dti_report_chart_title(const dti_report_chart *c) { return c->opts.title; }

int dti_report_chart_svg(const dti_report_chart *c, int fragment, int decimal_comma, dti_chart_buf *out,
                         dti_error *err)
{
    dti_chart_opts o = c->opts;
    o.fragment = fragment;
    o.decimal_comma = decimal_comma;
    switch (c->type) {
    case S_FAN: return dti_chart_fan_svg(out, &c->in.fan, &o, err);
    case S_BUMP: return dti_chart_bump_svg(out, &c->in.bump, &o, err);
    case S_BARS: return dti_chart_bars_svg(out, &c->in.bars, &o, err);
    case S_TORNADO: return dti_chart_tornado_svg(out, &c->in.tornado, &o, err);
    case S_GROUPED: return dti_chart_grouped_svg(out, &c->in.grouped, &o, err);
    case S_HEATMAP: return dti_chart_heatmap_svg(out, &c->in.heatmap, &o, err);
    default: return dti_chart_histogram_svg(out, &c->in.histogram, &o, err);
    }
}

void dti_report_chart_free(dti_report_chart *c)
{
    if (!c)
        return;
    for (size_t k = 0; k < c->n_owned; k++)
        free(c->owned[k]);
    free(c->owned);
    free(c->name);
    free(c);
}
