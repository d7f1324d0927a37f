/* present_project.c -- the documents of `dtirank project` (the main job) and `dtirank backtest`.
 * Builds report documents (report.h) from computed results (project.h); never prints.
 *
 * project: one data table for CSV and JSON ("projection": a row per frame, unit and year -- observed or
 * forecast -- and a row per target, with rank_min/rank_max, the 50% and 80% intervals, P(top 10),
 * P(top 15), and the targets' probabilities, standard errors and verdicts), then the tables people read:
 * the record and the forecast in the 34-unit frame, the targets, the model dependence, the hypothetical
 * 63-province frame, and the model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lang.h"
#include "merger.h"
#include "present.h"

/* Verbal scale (after the IPCC's "likely"/"unlikely"), judged on the printed two-decimal value so the
 * words never contradict the number beside them; "borderline" when a threshold lies within two
 * Monte Carlo standard errors of the estimate. */
#define S_LIKELY 0.67
#define S_UNLIKELY 0.33

const char *dti_present_verdict(double p, double se, char *buf, size_t size)
{
    double shown = round(p * 100.0) / 100.0;
    const char *word = shown >= S_LIKELY ? "likely" : shown <= S_UNLIKELY ? "unlikely" : "uncertain";
    if (!isnan(se) && (fabs(p - S_LIKELY) < 2 * se || fabs(p - S_UNLIKELY) < 2 * se))
        snprintf(buf, size, "%s (borderline: within two standard errors of %.2f)", word,
                 fabs(p - S_LIKELY) < fabs(p - S_UNLIKELY) ? S_LIKELY : S_UNLIKELY);
    else
        snprintf(buf, size, "%s", word);
    return buf;
}

const char *dti_present_verdict_lang(double p, double se, int lang, int decimal_comma, char *buf, size_t size)
{
    double shown = round(p * 100.0) / 100.0;
    const char *word = dti_lang_text(lang, shown >= S_LIKELY ? DTI_L_LIKELY : shown <= S_UNLIKELY ? DTI_L_UNLIKELY
                                                                                             : DTI_L_UNCERTAIN);
    if (!isnan(se) && (fabs(p - S_LIKELY) < 2 * se || fabs(p - S_UNLIKELY) < 2 * se)) {
        char t[16], why[128];
        snprintf(t, sizeof t, "%.2f", fabs(p - S_LIKELY) < fabs(p - S_UNLIKELY) ? S_LIKELY : S_UNLIKELY);
        if (decimal_comma)
            t[1] = ',';
        dti_lang_format(why, sizeof why, lang, DTI_L_BORDERLINE, t);
        snprintf(buf, size, "%s (%s)", word, why);
    } else {
        snprintf(buf, size, "%s", word);
    }
    return buf;
}

static const char *S_frame_key(int frame) { return frame == DTI_FRAME_UNITS ? "units" : "provinces"; }

static const char *S_name(const dti_project_view *v, int frame, size_t e)
{
    return frame == DTI_FRAME_UNITS ? v->m->unit[e] : v->reg->p[e].name;
}

static size_t S_count(const dti_project_view *v, int frame)
{
    return frame == DTI_FRAME_UNITS ? v->m->n_units : v->reg->n;
}

static size_t S_self(const dti_project_view *v, int frame)
{
    return frame == DTI_FRAME_UNITS ? v->m->unit_of[v->province] : v->province;
}

static int S_shows(const dti_project_view *v, int frame)
{
    if (frame == DTI_FRAME_UNITS && (!v->m || !v->h->pr.n_units))
        return 0;
    return v->frame < 0 || v->frame == frame;
}

/* "A + B" for a unit: its former provinces in registry order. */
static void S_members(const dti_project_view *v, size_t unit, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t p = 0; p < v->m->n_old && o < size; p++)
        if (v->m->unit_of[p] == unit)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? " + " : "", v->reg->p[p].name);
}

/* ---- the data table -------------------------------------------------------------------------------- */

enum {
    C_KIND, C_FRAME, C_UNIT, C_YEAR, C_RMIN, C_RMAX, C_VALUE, C_MEDIAN, C_P50, C_P80, C_TOP10, C_TOP15,
    C_TTOP, C_TFROM, C_PY, C_PYSE, C_PYV, C_PA, C_PASE, C_PAV, C_STATUS, C_NCOLS
};

static dti_table *S_data_table(dti_report *doc)
{
    static const struct {
        const char *name;
        int type;
    } cols[C_NCOLS] = {{"kind", DTI_COL_TEXT},         {"frame", DTI_COL_TEXT},       {"unit", DTI_COL_TEXT},
                       {"year", DTI_COL_INT},          {"rank_min", DTI_COL_INT},     {"rank_max", DTI_COL_INT},
                       {"dti", DTI_COL_NUM},           {"median", DTI_COL_INT},       {"interval50", DTI_COL_INTERVAL},
                       {"interval80", DTI_COL_INTERVAL}, {"p_top10", DTI_COL_NUM},   {"p_top15", DTI_COL_NUM},
                       {"target_top", DTI_COL_INT},    {"target_from", DTI_COL_INT},  {"p_target_year", DTI_COL_NUM},
                       {"p_target_year_se", DTI_COL_NUM}, {"verdict_target_year", DTI_COL_TEXT},
                       {"p_every_year", DTI_COL_NUM},  {"p_every_year_se", DTI_COL_NUM},
                       {"verdict_every_year", DTI_COL_TEXT}, {"status", DTI_COL_TEXT}};
    dti_table *t = dti_report_table(doc, "projection", NULL);
    for (size_t c = 0; c < C_NCOLS; c++) {
        dti_table_col(t, cols[c].name, cols[c].type);
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    }
    return t;
}

/* A row of a forecast year (or an observed year, from the record's history) of entity e. */
static void S_year_row(const dti_project_view *v, dti_table *t, int frame, size_t e, int year, const dti_history_point *obs)
{
    const dti_projection *pr = &v->h->pr;
    size_t r = dti_table_row(t), n = S_count(v, frame);
    dti_table_text(t, r, C_KIND, obs ? "observed" : "forecast");
    dti_table_text(t, r, C_FRAME, S_frame_key(frame));
    dti_table_text(t, r, C_UNIT, S_name(v, frame, e));
    dti_table_int(t, r, C_YEAR, year);
    if (obs) {
        if (obs->rank || obs->lo > 1 || obs->hi < obs->n) {
            dti_table_size(t, r, C_RMIN, obs->rank ? obs->rank : obs->lo);
            dti_table_size(t, r, C_RMAX, obs->rank ? obs->rank : obs->hi);
        }
        if (obs->precision)
            dti_table_num(t, r, C_VALUE, obs->value); /* by the rule: the mean keeps its digits */
        else
            dti_table_num_prec(t, r, C_VALUE, obs->value, 4);
        dti_table_text(t, r, C_STATUS, obs->published ? "published" : "by the rule on the published values");
        return;
    }
    size_t q10 = dti_projection_quantile(pr, frame, e, year, 0.10), q90 = dti_projection_quantile(pr, frame, e, year, 0.90);
    dti_table_size(t, r, C_RMIN, dti_projection_quantile(pr, frame, e, year, 0.0 + 1e-12));
    dti_table_size(t, r, C_RMAX, dti_projection_quantile(pr, frame, e, year, 1.0));
    dti_table_size(t, r, C_MEDIAN, dti_projection_quantile(pr, frame, e, year, 0.5));
    dti_table_interval(t, r, C_P50, (double)dti_projection_quantile(pr, frame, e, year, 0.25),
                       (double)dti_projection_quantile(pr, frame, e, year, 0.75));
    dti_table_interval(t, r, C_P80, (double)q10, (double)q90);
    dti_table_num(t, r, C_TOP10, dti_projection_p_top(pr, frame, e, year, 10 < n ? 10 : n));
    dti_table_num(t, r, C_TOP15, dti_projection_p_top(pr, frame, e, year, 15 < n ? 15 : n));
}

static void S_target_status(const dti_project_view *v, const dti_target_result *tr, char *buf, size_t size)
{
    size_t n = S_count(v, tr->frame);
    if (tr->decided && tr->last_year == tr->target.year)
        snprintf(buf, size, "%s: %zu of %zu in %d", tr->last_rank <= tr->target.top ? "met" : "missed", tr->last_rank, n,
                 tr->last_year);
    else if (tr->last_rank)
        snprintf(buf, size, "%zu of %zu in %d: %s", tr->last_rank, n, tr->last_year,
                 tr->last_rank <= tr->target.top ? "within it" : "outside it");
    else
        snprintf(buf, size, "no rank on the record");
}

static void S_target_row(const dti_project_view *v, dti_table *t, const dti_target_result *tr)
{
    char buf[160];
    size_t r = dti_table_row(t);
    dti_table_text(t, r, C_KIND, "target");
    dti_table_text(t, r, C_FRAME, S_frame_key(tr->frame));
    dti_table_text(t, r, C_UNIT, S_name(v, tr->frame, tr->entity));
    dti_table_int(t, r, C_YEAR, tr->target.year);
    dti_table_size(t, r, C_TTOP, tr->target.top);
    dti_table_int(t, r, C_TFROM, tr->from);
    dti_table_num(t, r, C_PY, tr->p_year);
    dti_table_num(t, r, C_PYSE, tr->se_year);
    if (!isnan(tr->p_year))
        dti_table_text(t, r, C_PYV, dti_present_verdict(tr->p_year, tr->se_year, buf, sizeof buf));
    if (tr->target.year > tr->from) {
        dti_table_num(t, r, C_PA, tr->p_all);
        dti_table_num(t, r, C_PASE, tr->se_all);
        if (!isnan(tr->p_all))
            dti_table_text(t, r, C_PAV, dti_present_verdict(tr->p_all, tr->se_all, buf, sizeof buf));
    }
    S_target_status(v, tr, buf, sizeof buf);
    dti_table_text(t, r, C_STATUS, buf);
}

/* ---- the tables people read ---------------------------------------------------------------------- */

static void S_record_table(const dti_project_view *v, dti_report *doc, int frame, const dti_history *hs)
{
    char name[32], title[160];
    snprintf(name, sizeof name, "record_%s", S_frame_key(frame));
    snprintf(title, sizeof title, "The record of %s%s", S_name(v, frame, S_self(v, frame)),
             frame == DTI_FRAME_UNITS ? " (the unit; before 2024, what the rule gives)" : "");
    dti_table *t = dti_report_table(doc, name, title);
    size_t c_year = dti_table_col(t, "year", DTI_COL_INT), c_rank = dti_table_col(t, "rank", DTI_COL_TEXT);
    size_t c_value = dti_table_col(t, "dti", DTI_COL_NUM), c_how = dti_table_col(t, "source", DTI_COL_TEXT);
    dti_table_col_decimals(t, c_value, 4);
    dti_table_col_flags(t, c_rank, DTI_COL_RIGHT);
    for (size_t c = 0; c < 4; c++)
        dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
    for (size_t k = 0; k < hs->n; k++) {
        const dti_history_point *pt = &hs->point[k];
        size_t r = dti_table_row(t);
        dti_table_int(t, r, c_year, pt->year);
        char buf[96];
        if (pt->rank)
            snprintf(buf, sizeof buf, "%zu%s of %zu", pt->rank, pt->derived ? "*" : "", pt->n);
        else if (pt->lo > 1 && pt->hi < pt->n)
            snprintf(buf, sizeof buf, "%zu\u2013%zu of %zu", pt->lo, pt->hi, pt->n);
        else if (pt->lo > 1)
            snprintf(buf, sizeof buf, "\u2265%zu of %zu", pt->lo, pt->n);
        else if (pt->hi < pt->n)
            snprintf(buf, sizeof buf, "\u2264%zu of %zu", pt->hi, pt->n);
        else
            snprintf(buf, sizeof buf, "? of %zu", pt->n);
        dti_table_text(t, r, c_rank, buf);
        dti_table_num(t, r, c_value, pt->value);
        dti_table_text(t, r, c_how, pt->published && pt->precision ? (pt->pub_value ? "by the rule; rank and value published"
                                                                                     : "by the rule; rank published")
                                    : pt->published ? "published"
                                                    : "by the rule: mean of the former provinces");
    }
    if (frame == DTI_FRAME_PROVINCES || !hs->n_near)
        return;
    /* the distance to the neighbours in the last year computed by the rule */
    char buf[1024];
    size_t o = 0;
    double own = NAN;
    for (size_t k = 0; k < hs->n; k++)
        if (hs->point[k].year == hs->near_year)
            own = hs->point[k].value;
    for (size_t k = 0; k < hs->n_near && o < sizeof buf; k++) {
        const dti_history_near *nb = &hs->near[k];
        double d = nb->value - own;
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%zu. %s %.4f (%s%.4f)", k ? "; " : "", nb->rank,
                              S_name(v, frame, nb->entity), nb->value, d > 0 ? "+" : "\u2212", fabs(d));
    }
    dti_table_note(t, "Neighbours in %d (their DTI, and the distance from %s's %.4f): %s.", hs->near_year,
                   S_name(v, frame, S_self(v, frame)), own, buf);
}

static void S_forecast_table(const dti_project_view *v, dti_report *doc, int frame)
{
    const dti_project_headline *h = v->h;
    char name[32];
    snprintf(name, sizeof name, "forecast_%s", S_frame_key(frame));
    dti_table *t = dti_report_table(doc, name, "The forecast");
    size_t c_year = dti_table_col(t, "year", DTI_COL_INT), c_med = dti_table_col(t, "median", DTI_COL_INT);
    size_t c50 = dti_table_col(t, "interval50", DTI_COL_INTERVAL), c80 = dti_table_col(t, "interval80", DTI_COL_INTERVAL);
    size_t c10 = dti_table_col(t, "p_top10", DTI_COL_NUM), c15 = dti_table_col(t, "p_top15", DTI_COL_NUM);
    dti_table_col_label(t, c50, "50% interval");
    dti_table_col_label(t, c80, "80% interval");
    dti_table_col_label(t, c10, "P(top 10)");
    dti_table_col_label(t, c15, "P(top 15)");
    dti_table_col_decimals(t, c50, 0);
    dti_table_col_decimals(t, c80, 0);
    dti_table_col_decimals(t, c10, 2);
    dti_table_col_decimals(t, c15, 2);
    for (size_t c = 0; c < 6; c++)
        dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
    size_t e = S_self(v, frame);
    for (int y = h->last_year + 1; y <= h->until; y++) {
        const dti_projection *pr = &h->pr;
        size_t r = dti_table_row(t);
        dti_table_int(t, r, c_year, y);
        dti_table_size(t, r, c_med, dti_projection_quantile(pr, frame, e, y, 0.5));
        dti_table_interval(t, r, c50, (double)dti_projection_quantile(pr, frame, e, y, 0.25),
                           (double)dti_projection_quantile(pr, frame, e, y, 0.75));
        dti_table_interval(t, r, c80, (double)dti_projection_quantile(pr, frame, e, y, 0.10),
                           (double)dti_projection_quantile(pr, frame, e, y, 0.90));
        dti_table_num(t, r, c10, dti_projection_p_top(pr, frame, e, y, 10));
        dti_table_num(t, r, c15, dti_projection_p_top(pr, frame, e, y, 15));
    }
    dti_table_note(t, "Ranks among %zu; the 50%% and 80%% intervals are the 25th-75th and 10th-90th percentiles of the "
                      "simulated rank.",
                   S_count(v, frame));
}

/* --all: every unit of each frame shown, in the first forecast year and the last. */
static void S_all_table(const dti_project_view *v, dti_report *doc)
{
    const dti_project_headline *h = v->h;
    const dti_projection *pr = &h->pr;
    int y0 = h->last_year + 1, y1 = h->until;
    char name[64];
    dti_table *t = dti_report_table(doc, "all", "Every unit");
    size_t c_f = dti_table_col(t, "among", DTI_COL_TEXT), c_u = dti_table_col(t, "unit", DTI_COL_TEXT);
    snprintf(name, sizeof name, "median %d", y0);
    size_t c_m0 = dti_table_col(t, name, DTI_COL_INT);
    snprintf(name, sizeof name, "80%% interval %d", y0);
    size_t c_i0 = dti_table_col(t, name, DTI_COL_INTERVAL);
    snprintf(name, sizeof name, "P(top 10) %d", y0);
    size_t c_a0 = dti_table_col(t, name, DTI_COL_NUM);
    snprintf(name, sizeof name, "P(top 15) %d", y0);
    size_t c_b0 = dti_table_col(t, name, DTI_COL_NUM);
    snprintf(name, sizeof name, "median %d", y1);
    size_t c_m1 = dti_table_col(t, name, DTI_COL_INT);
    snprintf(name, sizeof name, "P(top 10) %d", y1);
    size_t c_a1 = dti_table_col(t, name, DTI_COL_NUM);
    for (size_t c = 0; c <= c_a1; c++) {
        dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
        dti_table_col_decimals(t, c, c == c_i0 ? 0 : 2);
    }
    for (int frame = DTI_FRAME_UNITS; frame >= DTI_FRAME_PROVINCES; frame--) {
        if (!S_shows(v, frame))
            continue;
        for (size_t e = 0; e < S_count(v, frame); e++) {
            size_t r = dti_table_row(t);
            dti_table_text(t, r, c_f, frame == DTI_FRAME_UNITS ? "34 units" : "63 provinces");
            dti_table_text(t, r, c_u, S_name(v, frame, e));
            dti_table_size(t, r, c_m0, dti_projection_quantile(pr, frame, e, y0, 0.5));
            dti_table_interval(t, r, c_i0, (double)dti_projection_quantile(pr, frame, e, y0, 0.10),
                               (double)dti_projection_quantile(pr, frame, e, y0, 0.90));
            dti_table_num(t, r, c_a0, dti_projection_p_top(pr, frame, e, y0, 10));
            dti_table_num(t, r, c_b0, dti_projection_p_top(pr, frame, e, y0, 15));
            dti_table_size(t, r, c_m1, dti_projection_quantile(pr, frame, e, y1, 0.5));
            dti_table_num(t, r, c_a1, dti_projection_p_top(pr, frame, e, y1, 10));
        }
    }
    dti_table_note(t, "Every year's rows: --format csv or json.");
}

static void S_targets_table(const dti_project_view *v, dti_report *doc)
{
    const dti_project_headline *h = v->h;
    dti_table *t = dti_report_table(doc, "targets", "The targets");
    size_t c_t = dti_table_col(t, "target", DTI_COL_TEXT), c_f = dti_table_col(t, "among", DTI_COL_TEXT);
    size_t c_s = dti_table_col(t, "on the record", DTI_COL_TEXT), c_p = dti_table_col(t, "P(that edition)", DTI_COL_TEXT);
    size_t c_a = dti_table_col(t, "P(every edition)", DTI_COL_TEXT);
    for (size_t c = 0; c <= c_a; c++)
        dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
    char buf[160], vb[128];
    for (size_t k = 0; k < h->n_targets; k++) {
        const dti_target_result *tr = &h->targets[k];
        if (!S_shows(v, tr->frame) || (!v->all && tr->target.province != v->province))
            continue;
        size_t r = dti_table_row(t);
        snprintf(buf, sizeof buf, "top %zu by %d", tr->target.top, tr->target.year);
        dti_table_text(t, r, c_t, buf);
        snprintf(buf, sizeof buf, "%zu %s", S_count(v, tr->frame),
                 tr->frame == DTI_FRAME_UNITS ? "units" : "provinces (hypothetical)");
        dti_table_text(t, r, c_f, buf);
        S_target_status(v, tr, buf, sizeof buf);
        dti_table_text(t, r, c_s, buf);
        if (!isnan(tr->p_year)) {
            snprintf(buf, sizeof buf, "%.2f \u00b1 %.3f, %s", tr->p_year, tr->se_year,
                     dti_present_verdict(tr->p_year, tr->se_year, vb, sizeof vb));
            dti_table_text(t, r, c_p, buf);
        }
        if (tr->target.year > tr->from && !isnan(tr->p_all)) {
            snprintf(buf, sizeof buf, "%.2f \u00b1 %.3f (%d\u2013%d), %s", tr->p_all, tr->se_all, tr->from,
                     tr->target.year, dti_present_verdict(tr->p_all, tr->se_all, vb, sizeof vb));
            dti_table_text(t, r, c_a, buf);
        }
    }
    dti_table_note(t, "P(that edition): the probability of a rank <= K in the target year's edition; P(every edition): "
                      "in every edition from the first after the record to the target year.  \u00b1 one Monte Carlo "
                      "standard error.  Likely when P >= 0.67, unlikely when P <= 0.33, uncertain between; borderline "
                      "when a threshold is within two standard errors.");
}

static void S_models_table(const dti_project_view *v, dti_report *doc)
{
    const dti_project_headline *h = v->h;
    if (h->n_lines < 2)
        return;
    dti_table *t = dti_report_table(doc, "models", "How much the answer depends on the model");
    size_t c_m = dti_table_col(t, "model", DTI_COL_TEXT), c_r = dti_table_col(t, "runs", DTI_COL_INT);
    dti_table_col_flags(t, c_m, DTI_COL_HUMAN_ONLY);
    dti_table_col_flags(t, c_r, DTI_COL_HUMAN_ONLY);
    size_t cols[DTI_HEADLINE_MAX_TARGETS * 2], nc = 0, which[DTI_HEADLINE_MAX_TARGETS * 2];
    int all_kind[DTI_HEADLINE_MAX_TARGETS * 2];
    char name[128];
    for (size_t k = 0; k < h->n_targets && nc + 2 <= sizeof cols / sizeof *cols; k++) {
        const dti_target_result *tr = &h->targets[k];
        /* the units' frame (the official one) when it is shown, else the provinces' */
        int want = S_shows(v, DTI_FRAME_UNITS) ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
        if (tr->frame != want || tr->target.province != v->province)
            continue;
        for (int a = 0; a < (tr->target.year > tr->from ? 2 : 1); a++) {
            if (a)
                snprintf(name, sizeof name, "P(top %zu every year %d\u2013%d)", tr->target.top, tr->from, tr->target.year);
            else
                snprintf(name, sizeof name, "P(top %zu in %d)", tr->target.top, tr->target.year);
            cols[nc] = dti_table_col(t, name, DTI_COL_NUM);
            dti_table_col_decimals(t, cols[nc], 2);
            dti_table_col_flags(t, cols[nc], DTI_COL_HUMAN_ONLY);
            which[nc] = k;
            all_kind[nc] = a;
            nc++;
        }
    }
    for (size_t l = 0; l < h->n_lines; l++) {
        const dti_model_line *ln = &h->lines[l];
        size_t r = dti_table_row(t);
        snprintf(name, sizeof name, "%s%s", dti_project_model_name(ln->model), l == 0 ? " (the model above)" : "");
        dti_table_text(t, r, c_m, name);
        dti_table_size(t, r, c_r, ln->runs);
        for (size_t c = 0; c < nc; c++)
            dti_table_num(t, r, cols[c], all_kind[c] ? ln->p_all[which[c]] : ln->p_year[which[c]]);
    }
    dti_table_note(t, "Every candidate of models/projection.yaml fitted on the same record (persistence is a point "
                      "forecast: the last rank carried forward).  The backtest (dtirank backtest, docs/projection.md) "
                      "finds them within noise of each other on the published record.");
}

static void S_model_text(const dti_project_view *v, dti_report *doc)
{
    const dti_project_headline *h = v->h;
    const dti_latent_fit *lf = h->fit.latent;
    if (lf) {
        static const char *const nm[3] = {"\u03c1_w (persistence within an edition)",
                                          "\u03c1_b (across an edition change)", "\u03c9\u00b2 (share of own level)"};
        static const char *const nm_tied = "\u03c1 (persistence, the same across an edition change)";
        char buf[1024];
        size_t o = 0;
        for (int k = 0; k < 3 && o < sizeof buf; k++)
            if (!isnan(lf->mean[k]))
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %.2f [%.2f, %.2f] (R-hat %.3f, ESS %.0f)",
                                      o ? "; " : "", k == 0 && isnan(lf->mean[1]) ? nm_tied : nm[k], lf->mean[k],
                                      lf->q05[k], lf->q95[k], lf->rhat[k], lf->ess[k]);
        dti_report_text(doc, "Model %s (latent positions; docs/projection.md): posterior mean [90%% interval] %s; "
                             "%zu chains, %zu draws; every run uses one draw, so parameter uncertainty is propagated.",
                        dti_project_model_name(h->model), buf, lf->chains, lf->n_draws);
        if (v->rule_units)
            dti_report_text(doc, "The official rule on the positions: the %d ranks of the %zu units computed from their "
                                 "members' positions equal the published table in %zu of %zu draws.",
                            v->rule_year, v->rule_units, v->rule_draws, lf->n_draws);
    } else {
        dti_report_text(doc, "Model %s (a baseline; docs/projection.md).", dti_project_model_name(h->model));
    }
    char years[256] = "";
    size_t o = 0;
    for (size_t t = 0; t < v->obs->n_years && o < sizeof years; t++)
        if (v->obs->has_values[t])
            o += (size_t)snprintf(years + o, sizeof years - o, "%s%d", o ? ", " : "", v->obs->year[t]);
    dti_report_text(doc, "Data: the record %d\u2013%d (values of every province in %s; ranks and bounds otherwise); "
                         "%zu runs, seed %lu.  From %d each unit evolves as one province; whether %d is a new "
                         "edition is drawn in each run for the models with an edition break (models/projection.yaml).  "
                         "Limitations: docs/projection.md.",
                    h->first_year, h->last_year, years[0] ? years : "no year", h->runs, h->seed,
                    v->cfg->sampler.units_from, v->cfg->n_changes ? v->cfg->change_year[0] : h->last_year + 1);
}

void dti_present_project_fan(dti_report *doc, const dti_project_view *v, int frame)
{
    const dti_project_headline *h = v->h;
    const dti_projection *pr = &h->pr;
    const dti_history *hs = frame == DTI_FRAME_UNITS ? v->hist_units : v->hist_prov;
    size_t e = S_self(v, frame), n = S_count(v, frame);
    /* from the first year with a rank in this frame (the units have none before 2022) */
    int y0 = h->last_year, y1 = h->until;
    for (size_t k = 0; k < hs->n; k++)
        if (hs->point[k].rank && hs->point[k].year < y0)
            y0 = hs->point[k].year;
    size_t ny = (size_t)(y1 - y0 + 1);
    double *a = dti_xcalloc(7 * ny, sizeof *a);
    double *years = a, *obs = a + ny, *med = a + 2 * ny, *lo50 = a + 3 * ny, *hi50 = a + 4 * ny, *lo80 = a + 5 * ny,
           *hi80 = a + 6 * ny;
    for (size_t i = 0; i < ny; i++) {
        years[i] = y0 + (int)i;
        obs[i] = med[i] = lo50[i] = hi50[i] = lo80[i] = hi80[i] = NAN;
    }
    for (size_t k = 0; k < hs->n; k++) /* exact ranks only: a bound is not a position */
        if (hs->point[k].rank && hs->point[k].year >= y0 && hs->point[k].year <= y1)
            obs[hs->point[k].year - y0] = (double)hs->point[k].rank;
    /* the fan opens at the last observed rank, so that the projection reads as its continuation */
    size_t last = (size_t)(h->last_year - y0);
    if (last < ny && isfinite(obs[last]))
        med[last] = lo50[last] = hi50[last] = lo80[last] = hi80[last] = obs[last];
    for (int y = h->last_year + 1; y <= y1; y++) {
        size_t i = (size_t)(y - y0);
        med[i] = (double)dti_projection_quantile(pr, frame, e, y, 0.5);
        lo50[i] = (double)dti_projection_quantile(pr, frame, e, y, 0.25);
        hi50[i] = (double)dti_projection_quantile(pr, frame, e, y, 0.75);
        lo80[i] = (double)dti_projection_quantile(pr, frame, e, y, 0.10);
        hi80[i] = (double)dti_projection_quantile(pr, frame, e, y, 0.90);
    }
    double rank[DTI_HEADLINE_MAX_TARGETS];
    char label[DTI_HEADLINE_MAX_TARGETS][96];
    const char *labels[DTI_HEADLINE_MAX_TARGETS];
    size_t nt = 0;
    for (size_t k = 0; k < h->n_targets && nt < DTI_HEADLINE_MAX_TARGETS; k++) {
        const dti_target_result *tr = &h->targets[k];
        if (tr->frame != frame || tr->target.province != v->province)
            continue;
        rank[nt] = (double)tr->target.top;
        dti_lang_format(label[nt], sizeof label[nt], v->lang, DTI_L_TARGET, tr->target.top, tr->target.year);
        labels[nt] = label[nt];
        nt++;
    }
    char title[256], sub[256], runs[32], rl[32], obs_l[64], med_l[64], b50[64], b80[64], axis[64];
    dti_lang_format(title, sizeof title, v->lang, frame == DTI_FRAME_UNITS ? DTI_L_FAN_UNITS : DTI_L_FAN_PROVINCES,
                    S_name(v, frame, e), n);
    snprintf(rl, sizeof rl, "%zu", h->runs);
    dti_report_localise(rl, v->decimal_comma, runs, sizeof runs);
    dti_lang_format(sub, sizeof sub, v->lang, DTI_L_FAN_SUB, y0, h->last_year,
                    dti_project_model_name(h->model), runs);
    dti_lang_format(obs_l, sizeof obs_l, v->lang, DTI_L_OBSERVED);
    dti_lang_format(med_l, sizeof med_l, v->lang, DTI_L_MEDIAN);
    dti_lang_format(b50, sizeof b50, v->lang, DTI_L_BAND50);
    dti_lang_format(b80, sizeof b80, v->lang, DTI_L_BAND80);
    dti_lang_format(axis, sizeof axis, v->lang, DTI_L_RANK_AXIS);
    dti_chart_fan in = {ny, years, obs, med, lo50, hi50, lo80, hi80, n, nt, rank, labels, obs_l, med_l, b50, b80};
    dti_chart_opts o = {.title = title, .subtitle = sub, .y_label = axis};
    dti_report_chart_fan(doc, frame == DTI_FRAME_UNITS ? "fan_units" : "fan_provinces", &in, &o);
    free(a);
}

static void S_frame_section(const dti_project_view *v, dti_report *doc, int frame)
{
    char members[512];
    if (frame == DTI_FRAME_UNITS) {
        size_t u = S_self(v, DTI_FRAME_UNITS);
        S_members(v, u, members, sizeof members);
        dti_report_title(doc, "Among the %zu provincial units (the official frame from DTI 2025 on)", S_count(v, frame));
        dti_report_text(doc, "%s = %s: a unit's DTI is the mean of its former provinces' values (the official rule).",
                        v->m->unit[u], members);
    } else {
        dti_report_title(doc, "If the %zu former provinces were still ranked (hypothetical)", S_count(v, frame));
    }
    S_record_table(v, doc, frame, frame == DTI_FRAME_UNITS ? v->hist_units : v->hist_prov);
    S_forecast_table(v, doc, frame);
    dti_present_project_fan(doc, v, frame);
}

/* The run's metadata shared by project and report: the model, the record's years, the horizon, the
 * runs and the seed. */
void dti_present_project_meta(dti_report *doc, const dti_project_headline *h)
{
    dti_report_meta_text(doc, "model", dti_project_model_name(h->model));
    dti_report_meta_int(doc, "record_from", h->first_year);
    dti_report_meta_int(doc, "record_to", h->last_year);
    dti_report_meta_int(doc, "until", h->until);
    dti_report_meta_int(doc, "runs", (long long)h->runs);
    dti_report_meta_int(doc, "seed", (long long)h->seed);
}

dti_report *dti_present_project(const dti_project_view *v)
{
    const dti_project_headline *h = v->h;
    dti_report *doc = dti_report_new("project");
    dti_report_meta_text(doc, "province", v->reg->p[v->province].name);
    if (v->m)
        dti_report_meta_text(doc, "unit", v->m->unit[v->m->unit_of[v->province]]);
    dti_present_project_meta(doc, h);
    dti_report_meta_text(doc, "intervals", "interval50: 25th-75th percentile; interval80: 10th-90th percentile");
    for (size_t k = 0; k < v->n_sources; k++)
        dti_report_source(doc, "input", v->sources[k]);
    dti_report_title(doc, "%s \u2014 DTI rank projection %d\u2013%d from the record %d\u2013%d", v->reg->p[v->province].name,
                     h->last_year + 1, h->until, h->first_year, h->last_year);
    /* the data table: every row CSV and JSON carry */
    dti_table *t = S_data_table(doc);
    for (int frame = DTI_FRAME_UNITS; frame >= DTI_FRAME_PROVINCES; frame--) {
        if (!S_shows(v, frame))
            continue;
        size_t n = S_count(v, frame);
        for (size_t e = 0; e < n; e++) {
            if (!v->all && e != S_self(v, frame))
                continue;
            if (!v->all) {
                const dti_history *hs = frame == DTI_FRAME_UNITS ? v->hist_units : v->hist_prov;
                for (size_t k = 0; k < hs->n; k++)
                    S_year_row(v, t, frame, e, hs->point[k].year, &hs->point[k]);
            }
            for (int y = h->last_year + 1; y <= h->until; y++)
                S_year_row(v, t, frame, e, y, NULL);
        }
    }
    for (size_t k = 0; k < h->n_targets; k++)
        if (S_shows(v, h->targets[k].frame) && (v->all || h->targets[k].target.province == v->province))
            S_target_row(v, t, &h->targets[k]);
    /* what people read */
    if (v->all) {
        S_all_table(v, doc);
    } else {
        if (S_shows(v, DTI_FRAME_UNITS))
            S_frame_section(v, doc, DTI_FRAME_UNITS);
        S_targets_table(v, doc);
        S_models_table(v, doc);
        if (S_shows(v, DTI_FRAME_PROVINCES))
            S_frame_section(v, doc, DTI_FRAME_PROVINCES);
    }
    S_model_text(v, doc);
    return doc;
}

/* ---- backtest --------------------------------------------------------------------------------------- */

static const char *const S_score_names[DTI_BT_NSCORES] = {"log", "in80", "in50", "crps", "mae",
                                                           "brier10", "log10", "brier15", "log15"};

dti_report *dti_present_backtest(const dti_backtest_view *v)
{
    dti_report *doc = dti_report_new("backtest");
    char buf[512];
    size_t o = 0;
    for (size_t k = 0; k < v->n_origins && o < sizeof buf; k++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", k ? ", " : "", v->origins[k]);
    dti_report_meta_text(doc, "origins", buf);
    dti_report_meta_int(doc, "record_to", v->obs->year[v->obs->n_years - 1]);
    dti_report_meta_int(doc, "runs", (long long)v->runs);
    dti_report_meta_int(doc, "seed", (long long)v->seed);
    /* what a cached backtest (models/backtest.json, read by `dtirank report`) must say about itself */
    o = 0;
    for (size_t m = 0; m < v->n_models && o < sizeof buf; m++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", m ? ", " : "", dti_project_model_name(v->res[m].model));
    dti_report_meta_text(doc, "models", buf);
    dti_report_meta_text(doc, "chosen", v->choice->chosen >= 0 ? dti_project_model_name(v->res[v->choice->chosen].model)
                                                               : NULL);
    if (v->sampler) {
        snprintf(buf, sizeof buf, "%zu chains, %zu sweeps (%zu burn-in), thin %zu", v->sampler->chains,
                 v->sampler->sweeps, v->sampler->burn, v->sampler->thin);
        dti_report_meta_text(doc, "sampler", buf);
    }
    if (v->made)
        dti_report_meta_text(doc, "made", v->made);
    for (size_t k = 0; k < v->n_sources; k++)
        dti_report_source(doc, "input", v->sources[k]);
    o = 0;
    for (size_t k = 0; k < v->n_origins && o < sizeof buf; k++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", k ? ", " : "", v->origins[k]);
    dti_report_title(doc, "Backtest: each model fitted on the record up to %s, forecasting every later year to %d", buf,
                     v->obs->year[v->obs->n_years - 1]);
    /* the data table: every (model, frame, origin, target) cell and the pooled rows */
    dti_table *t = dti_report_table(doc, "scores", NULL);
    size_t c_model = dti_table_col(t, "model", DTI_COL_TEXT), c_frame = dti_table_col(t, "frame", DTI_COL_TEXT);
    size_t c_origin = dti_table_col(t, "origin", DTI_COL_INT), c_target = dti_table_col(t, "target", DTI_COL_INT);
    size_t c_n = dti_table_col(t, "n", DTI_COL_INT), c_sc[DTI_BT_NSCORES], c_se[DTI_BT_NSCORES], c_pit;
    for (int k = 0; k < DTI_BT_NSCORES; k++) {
        char name[32];
        c_sc[k] = dti_table_col(t, S_score_names[k], DTI_COL_NUM);
        snprintf(name, sizeof name, "%s_se", S_score_names[k]);
        c_se[k] = dti_table_col(t, name, DTI_COL_NUM);
    }
    c_pit = dti_table_col(t, "pit_histogram", DTI_COL_TEXT);
    for (size_t c = 0; c <= c_pit; c++)
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    dti_table_col_null(t, c_origin, "", "every origin pooled");
    dti_table_col_null(t, c_target, "", "every target year pooled");
    for (size_t m = 0; m < v->n_models; m++)
        for (int frame = DTI_FRAME_PROVINCES; frame <= DTI_FRAME_UNITS; frame++) {
            size_t ne = frame == DTI_FRAME_UNITS ? v->n_units : v->obs->n;
            int last = v->obs->year[v->obs->n_years - 1];
            for (size_t oi = 0; oi <= v->n_origins; oi++)
                for (int target = oi < v->n_origins ? v->origins[oi] + 1 : 0;
                     oi < v->n_origins ? target <= last : target == 0; target++) {
                    /* oi == n_origins: the pooled row (every origin and target) */
                    dti_backtest_select sel = {frame, oi < v->n_origins ? v->origins[oi] : 0, target};
                    dti_backtest_summary s;
                    dti_backtest_summarise(&v->res[m], &sel, ne, &s);
                    if (!s.n)
                        continue;
                    size_t r = dti_table_row(t);
                    dti_table_text(t, r, c_model, dti_project_model_name(v->res[m].model));
                    dti_table_text(t, r, c_frame, S_frame_key(frame));
                    if (oi < v->n_origins)
                        dti_table_int(t, r, c_origin, v->origins[oi]);
                    if (target)
                        dti_table_int(t, r, c_target, target);
                    dti_table_size(t, r, c_n, s.n);
                    for (int k = 0; k < DTI_BT_NSCORES; k++) {
                        dti_table_num(t, r, c_sc[k], s.mean[k]);
                        dti_table_num(t, r, c_se[k], s.se[k]);
                    }
                    size_t q = 0;
                    for (int b = 0; b < DTI_BT_PIT_BINS && q < sizeof buf; b++)
                        q += (size_t)snprintf(buf + q, sizeof buf - q, "%s%zu", b ? " " : "", s.pit[b]);
                    dti_table_text(t, r, c_pit, buf);
                }
        }
    /* the choice: the pooled provinces' scores, side by side */
    const dti_backtest_choice *ch = v->choice;
    dti_table *c = dti_report_table(doc, "choice", "Every origin pooled, among the 63 provinces (the rule's view)");
    static const struct {
        const char *name;
        int type, dec;
    } cc[] = {{"model", DTI_COL_TEXT, -1},          {"parameters", DTI_COL_INT, -1}, {"log score", DTI_COL_TEXT, -1},
              {"vs best", DTI_COL_TEXT, -1},        {"in 80%", DTI_COL_NUM, 2},     {"in 80% (last origin)", DTI_COL_NUM, 2},
              {"in 50%", DTI_COL_NUM, 2},           {"CRPS", DTI_COL_NUM, 2},       {"rank MAE", DTI_COL_NUM, 2},
              {"Brier10", DTI_COL_NUM, 3},          {"Brier15", DTI_COL_NUM, 3},    {"", DTI_COL_TEXT, -1}};
    for (size_t k = 0; k < sizeof cc / sizeof *cc; k++) {
        dti_table_col(c, cc[k].name[0] ? cc[k].name : "verdict", cc[k].type);
        if (!cc[k].name[0])
            dti_table_col_label(c, k, "");
        dti_table_col_decimals(c, k, cc[k].dec);
        dti_table_col_flags(c, k, DTI_COL_HUMAN_ONLY);
    }
    dti_backtest_select all = {DTI_FRAME_PROVINCES, 0, 0};
    for (size_t m = 0; m < v->n_models; m++) {
        dti_backtest_summary s;
        dti_backtest_summarise(&v->res[m], &all, v->obs->n, &s);
        size_t r = dti_table_row(c);
        dti_table_text(c, r, 0, dti_project_model_name(v->res[m].model));
        dti_table_int(c, r, 1, dti_project_model_params(v->res[m].model));
        snprintf(buf, sizeof buf, "%.3f \u00b1 %.3f", s.mean[DTI_BT_LOG], s.se[DTI_BT_LOG]);
        dti_table_text(c, r, 2, buf);
        if ((int)m == ch->best)
            snprintf(buf, sizeof buf, "best");
        else if (ch->best < 0) /* no score among the provinces: nothing to compare */
            snprintf(buf, sizeof buf, "-");
        else
            snprintf(buf, sizeof buf, "+%.4f \u00b1 %.4f", ch->diff[m], ch->diff_se[m]);
        dti_table_text(c, r, 3, buf);
        dti_table_num(c, r, 4, s.mean[DTI_BT_IN80]);
        dti_table_num(c, r, 5, ch->cover80_last[m]);
        dti_table_num(c, r, 6, s.mean[DTI_BT_IN50]);
        dti_table_num(c, r, 7, s.mean[DTI_BT_CRPS]);
        dti_table_num(c, r, 8, s.mean[DTI_BT_MAE]);
        dti_table_num(c, r, 9, s.mean[DTI_BT_BRIER10]);
        dti_table_num(c, r, 10, s.mean[DTI_BT_BRIER15]);
        snprintf(buf, sizeof buf, "%s%s%s", (int)m == ch->chosen ? "CHOSEN; " : "",
                 ch->within[m] ? "within noise" : "worse", ch->calibrated[m] ? "" : "; not calibrated");
        dti_table_text(c, r, 11, buf);
    }
    dti_table_note(c, "Log score: -log(0.99 p(r) + 0.01/63) per forecast rank, lower is better (uniform: 4.14); \u00b1 "
                      "one standard error over provinces.  vs best: the paired difference and its standard error.  "
                      "Calibrated: 80%% coverage in [0.70, 0.90], pooled and from the last origin (%d).",
                   v->origins[v->n_origins - 1]);
    if (ch->chosen >= 0)
        dti_report_text(doc, "The pre-registered rule (docs/projection.md) chooses %s: the simplest calibrated model whose "
                             "log score is within one standard error of the best (%s).",
                        dti_project_model_name(v->res[ch->chosen].model), dti_project_model_name(v->res[ch->best].model));
    else if (ch->best < 0)
        dti_report_text(doc, "No model has a score among the 63 provinces at these origins: the rule cannot choose.");
    else
        dti_report_text(doc, "No model meets the pre-registered rule (calibrated and within one standard error of the best).");
    /* per origin and target */
    dti_table *d = dti_report_table(doc, "by_origin", "By origin and target year");
    const char *dn[] = {"model", "frame", "origin", "target", "n", "log score", "in 80%", "in 50%", "CRPS", "rank MAE"};
    for (size_t k = 0; k < 10; k++) {
        dti_table_col(d, dn[k], k < 2 ? DTI_COL_TEXT : k < 5 ? DTI_COL_INT : DTI_COL_NUM);
        dti_table_col_decimals(d, k, k == 5 ? 3 : 2);
        dti_table_col_flags(d, k, DTI_COL_HUMAN_ONLY);
    }
    for (int frame = DTI_FRAME_PROVINCES; frame <= DTI_FRAME_UNITS; frame++)
        for (size_t oi = 0; oi < v->n_origins; oi++)
            for (int target = v->origins[oi] + 1; target <= v->obs->year[v->obs->n_years - 1]; target++)
                for (size_t m = 0; m < v->n_models; m++) {
                    dti_backtest_select sel = {frame, v->origins[oi], target};
                    dti_backtest_summary s;
                    dti_backtest_summarise(&v->res[m], &sel, frame == DTI_FRAME_UNITS ? v->n_units : v->obs->n, &s);
                    if (!s.n)
                        continue;
                    size_t r = dti_table_row(d);
                    dti_table_text(d, r, 0, dti_project_model_name(v->res[m].model));
                    dti_table_text(d, r, 1, S_frame_key(frame));
                    dti_table_int(d, r, 2, v->origins[oi]);
                    dti_table_int(d, r, 3, target);
                    dti_table_size(d, r, 4, s.n);
                    dti_table_num(d, r, 5, s.mean[DTI_BT_LOG]);
                    dti_table_num(d, r, 6, s.mean[DTI_BT_IN80]);
                    dti_table_num(d, r, 7, s.mean[DTI_BT_IN50]);
                    dti_table_num(d, r, 8, s.mean[DTI_BT_CRPS]);
                    dti_table_num(d, r, 9, s.mean[DTI_BT_MAE]);
                }
    /* PIT histograms: a calibrated forecast spreads the observed ranks evenly over the 10 bins */
    dti_table *p = dti_report_table(doc, "pit", "PIT histograms, every origin pooled, 63 provinces (10 bins of 0.1)");
    dti_table_col(p, "model", DTI_COL_TEXT);
    dti_table_col(p, "histogram", DTI_COL_TEXT);
    dti_table_col_flags(p, 0, DTI_COL_HUMAN_ONLY);
    dti_table_col_flags(p, 1, DTI_COL_HUMAN_ONLY);
    static const char *const bars[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    for (size_t m = 0; m < v->n_models; m++) {
        dti_backtest_summary s;
        dti_backtest_summarise(&v->res[m], &all, v->obs->n, &s);
        size_t mx = 1, q = 0;
        for (int b = 0; b < DTI_BT_PIT_BINS; b++)
            mx = s.pit[b] > mx ? s.pit[b] : mx;
        for (int b = 0; b < DTI_BT_PIT_BINS && q < sizeof buf; b++)
            q += (size_t)snprintf(buf + q, sizeof buf - q, "%s", bars[(s.pit[b] * 8 + mx / 2) / mx]);
        q += (size_t)snprintf(buf + q, sizeof buf - q, "  ");
        for (int b = 0; b < DTI_BT_PIT_BINS && q < sizeof buf; b++)
            q += (size_t)snprintf(buf + q, sizeof buf - q, "%s%zu", b ? " " : "", s.pit[b]);
        size_t r = dti_table_row(p);
        dti_table_text(p, r, 0, dti_project_model_name(v->res[m].model));
        dti_table_text(p, r, 1, buf);
    }
    if (v->rule_units)
        dti_report_text(doc, "The rule on the positions: the %d ranks of the %zu units computed from the members' "
                             "positions equal the official table in %zu of %zu posterior draws (%s, whole record).",
                        v->rule_year, v->rule_units, v->rule_draws, v->rule_n_draws, dti_project_model_name(v->rule_model));
    return doc;
}
