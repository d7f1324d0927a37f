/* present_report.c -- the document of `dtirank report`: for one province (or its unit), the answer
 * (each target's status and probability in one sentence), the fan chart and the forecast, the rank
 * history of the leaders, the year's table as dti.gov.vn shows it, the calibration (a backtest kept in
 * models/backtest.json), the weights (stability and Sobol indices where a framework has weights) and the
 * sources with the limitations -- in English or Vietnamese (lang.h).  Builds a report document from
 * computed results (project_run.c, overview.c, backtest_cache.c, tune_*.c); never prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lang.h"
#include "merger.h"
#include "overview.h"
#include "present.h"

#define S_BUMP_TOP 15 /* the rank history shows the leaders of the table's year */
#define S_TEXT 4096   /* room for a paragraph of the string table (lang.c: tests/unit/test_lang.c keeps them below) */

/* A number for people in the document's style: `decimals` decimals, a decimal comma when asked. */
static const char *S_fixed(const dti_report_view *v, double x, int decimals, char *buf, size_t size)
{
    char raw[64];
    dti_report_fixed(x, decimals, raw, sizeof raw);
    dti_report_localise(raw, v->decimal_comma, buf, size);
    return buf;
}

/* A count for people: "100,000" / "100.000" (dti_report_localise). */
static const char *S_count(const dti_report_view *v, size_t n, char *buf, size_t size)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%zu", n);
    dti_report_localise(raw, v->decimal_comma, buf, size);
    return buf;
}

static void S_heading(dti_report *doc, const dti_report_view *v, int key)
{
    char buf[S_TEXT];
    dti_lang_format(buf, sizeof buf, v->lang, key);
    dti_report_title(doc, "%s", buf);
}

static const char *S_tr(const dti_report_view *v, int key, char *buf, size_t size)
{
    dti_lang_format(buf, size, v->lang, key);
    return buf;
}

/* The entity the report is about in its frame, and its name. */
static size_t S_self(const dti_report_view *v)
{
    const dti_project_view *pv = v->pv;
    return v->frame == DTI_FRAME_UNITS ? pv->m->unit_of[pv->province] : pv->province;
}

static const char *S_self_name(const dti_report_view *v) { return v->ov->name[S_self(v)]; }

/* ---- 1. the answer ------------------------------------------------------------------------------ */

static void S_target_sentence(const dti_report_view *v, const dti_target_result *tr, char *buf, size_t size)
{
    const dti_project_view *pv = v->pv;
    size_t n = v->ov->n, o;
    char st[256], p[32], se[32], verdict[512], tail[S_TEXT];
    const char *name = S_self_name(v);
    if (tr->decided && tr->last_year == tr->target.year) { /* the target year is on the record */
        S_tr(v, tr->last_rank <= tr->target.top ? DTI_L_MET : DTI_L_MISSED, st, sizeof st);
        dti_lang_format(buf, size, v->lang, DTI_L_ANSWER_DECIDED, tr->target.top, tr->target.year, name, tr->last_rank,
                        n, st);
        o = strlen(buf);
        snprintf(buf + o, size - o, ".");
        return;
    }
    if (tr->last_rank) {
        S_tr(v, tr->last_rank <= tr->target.top ? DTI_L_WITHIN : DTI_L_OUTSIDE, st, sizeof st);
        dti_lang_format(buf, size, v->lang, DTI_L_ANSWER_OPEN, tr->target.top, tr->target.year, name, tr->last_rank, n,
                        tr->last_year, st);
    } else {
        dti_lang_format(buf, size, v->lang, DTI_L_ANSWER_NORANK, tr->target.top, tr->target.year, name);
    }
    if (!isnan(tr->p_year)) {
        dti_present_verdict_lang(tr->p_year, tr->se_year, v->lang, v->decimal_comma, verdict, sizeof verdict);
        dti_lang_format(tail, sizeof tail, v->lang, DTI_L_ANSWER_P, tr->target.top, tr->target.year,
                        S_fixed(v, tr->p_year, 2, p, sizeof p), S_fixed(v, tr->se_year, 3, se, sizeof se), verdict);
        o = strlen(buf);
        snprintf(buf + o, size - o, "%s", tail);
    }
    if (tr->target.year > tr->from && !isnan(tr->p_all)) {
        dti_present_verdict_lang(tr->p_all, tr->se_all, v->lang, v->decimal_comma, verdict, sizeof verdict);
        dti_lang_format(tail, sizeof tail, v->lang, DTI_L_ANSWER_ALL, tr->from, tr->target.year,
                        S_fixed(v, tr->p_all, 2, p, sizeof p), S_fixed(v, tr->se_all, 3, se, sizeof se), verdict);
        o = strlen(buf);
        snprintf(buf + o, size - o, "%s", tail);
    }
    o = strlen(buf);
    snprintf(buf + o, size - o, ".");
    (void)pv;
}

static void S_answer(dti_report *doc, const dti_report_view *v)
{
    const dti_project_view *pv = v->pv;
    const dti_project_headline *h = pv->h;
    char buf[S_TEXT], years[128] = "", runs[32], a[16], b[16];
    S_heading(doc, v, DTI_L_H_ANSWER);
    size_t said = 0;
    for (size_t k = 0; k < h->n_targets; k++) {
        const dti_target_result *tr = &h->targets[k];
        if (tr->frame != v->frame || tr->target.province != pv->province)
            continue;
        S_target_sentence(v, tr, buf, sizeof buf);
        dti_report_text_flags(doc, DTI_BLOCK_LEAD, "%s", buf);
        said++;
    }
    if (!said) { /* no target: the next edition's chances of the two ranks the targets usually name */
        size_t e = S_self(v), n = v->ov->n;
        int y = h->last_year + 1;
        const char *file = v->targets_path ? strrchr(v->targets_path, '/') : NULL;
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_ANSWER_NONE, S_self_name(v),
                        file ? file + 1 : v->targets_path ? v->targets_path : "targets.yaml",
                        S_fixed(v, dti_projection_p_top(&h->pr, v->frame, e, y, 10 < n ? 10 : n), 2, a, sizeof a),
                        S_fixed(v, dti_projection_p_top(&h->pr, v->frame, e, y, 15 < n ? 15 : n), 2, b, sizeof b), y);
        dti_report_text_flags(doc, DTI_BLOCK_LEAD, "%s", buf);
    }
    size_t o = 0;
    for (size_t t = 0; t < pv->obs->n_years && o < sizeof years; t++)
        if (pv->obs->has_values[t])
            o += (size_t)snprintf(years + o, sizeof years - o, "%s%d", o ? ", " : "", pv->obs->year[t]);
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_ANSWER_MODEL, dti_project_model_name(h->model), h->first_year,
                    h->last_year, years, S_count(v, h->runs, runs, sizeof runs), h->seed);
    dti_report_text(doc, "%s", buf);
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_ANSWER_SCALE, S_fixed(v, 0.67, 2, a, sizeof a),
                    S_fixed(v, 0.33, 2, b, sizeof b));
    if (v->frame == DTI_FRAME_UNITS) {
        char more[1024];
        dti_lang_format(more, sizeof more, v->lang, DTI_L_ANSWER_OTHER_FRAME, v->ov->n);
        o = strlen(buf);
        snprintf(buf + o, sizeof buf - o, "  %s", more);
    }
    dti_report_text(doc, "%s", buf);
}

/* ---- 2. the fan chart and the forecast ------------------------------------------------------------ */

static void S_forecast(dti_report *doc, const dti_report_view *v)
{
    const dti_project_view *pv = v->pv;
    const dti_project_headline *h = pv->h;
    const dti_projection *pr = &h->pr;
    size_t e = S_self(v), n = v->ov->n;
    char buf[S_TEXT];
    S_heading(doc, v, DTI_L_H_FAN);
    dti_present_project_fan(doc, pv, v->frame);
    dti_table *t = dti_report_table(doc, "forecast", NULL);
    size_t c_year = dti_table_col(t, "year", DTI_COL_INT), c_med = dti_table_col(t, "median", DTI_COL_INT);
    size_t c50 = dti_table_col(t, "interval50", DTI_COL_INTERVAL), c80 = dti_table_col(t, "interval80", DTI_COL_INTERVAL);
    size_t c10 = dti_table_col(t, "p_top10", DTI_COL_NUM), c15 = dti_table_col(t, "p_top15", DTI_COL_NUM);
    static const int keys[4] = {DTI_L_YEAR, DTI_L_MEDIAN_COL, DTI_L_INT50_COL, DTI_L_INT80_COL};
    for (size_t c = 0; c < 4; c++)
        dti_table_col_label(t, c, S_tr(v, keys[c], buf, sizeof buf));
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_P_TOP, (size_t)10);
    dti_table_col_label(t, c10, buf);
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_P_TOP, (size_t)15);
    dti_table_col_label(t, c15, buf);
    dti_table_col_decimals(t, c50, 0);
    dti_table_col_decimals(t, c80, 0);
    dti_table_col_decimals(t, c10, 2);
    dti_table_col_decimals(t, c15, 2);
    for (int y = h->last_year + 1; y <= h->until; y++) {
        size_t r = dti_table_row(t);
        dti_table_int(t, r, c_year, y);
        dti_table_size(t, r, c_med, dti_projection_quantile(pr, v->frame, e, y, 0.5));
        dti_table_interval(t, r, c50, (double)dti_projection_quantile(pr, v->frame, e, y, 0.25),
                           (double)dti_projection_quantile(pr, v->frame, e, y, 0.75));
        dti_table_interval(t, r, c80, (double)dti_projection_quantile(pr, v->frame, e, y, 0.10),
                           (double)dti_projection_quantile(pr, v->frame, e, y, 0.90));
        dti_table_num(t, r, c10, dti_projection_p_top(pr, v->frame, e, y, 10 < n ? 10 : n));
        dti_table_num(t, r, c15, dti_projection_p_top(pr, v->frame, e, y, 15 < n ? 15 : n));
    }
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_FORECAST_NOTE, n);
    dti_table_note(t, "%s", buf);
}

/* ---- 3. the rank history -------------------------------------------------------------------------- */

static void S_history(dti_report *doc, const dti_report_view *v)
{
    const dti_overview *ov = v->ov;
    size_t n = ov->n, ny = ov->n_years, self = S_self(v), t_last = ny ? ny - 1 : 0;
    char title[256], sub[256], buf[S_TEXT];
    S_heading(doc, v, DTI_L_H_HISTORY);
    /* the leaders of the table's year by rank, then the province when it is not among them */
    size_t *pick = dti_xcalloc(S_BUMP_TOP + 2, sizeof *pick), np = 0, hl = DTI_CHART_NONE;
    for (size_t k = 0; k < n && np < S_BUMP_TOP; k++) {
        size_t e = ov->order[k];
        if (ov->t_rank[e] && ov->t_rank[e] <= S_BUMP_TOP)
            pick[np++] = e;
    }
    for (size_t k = 0; k < np; k++)
        if (pick[k] == self)
            hl = k;
    if (hl == DTI_CHART_NONE) {
        hl = np;
        pick[np++] = self;
    }
    /* from the first year in which one of them has a rank (the units have none before 2022) */
    size_t t0 = 0;
    for (int any = 0; t0 < ny && !any; t0 += !any)
        for (size_t k = 0; k < np && !any; k++)
            any = ov->rank[t0 * n + pick[k]] != 0;
    if (t0 == ny)
        t0 = 0;
    ny -= t0;
    const char **names = dti_xcalloc(np + 1, sizeof *names);
    double *years = dti_xcalloc(ny + 1, sizeof *years), *rank = dti_xcalloc(np * ny + 1, sizeof *rank);
    for (size_t t = 0; t < ny; t++)
        years[t] = ov->year[t0 + t];
    for (size_t k = 0; k < np; k++) {
        names[k] = ov->name[pick[k]];
        for (size_t t = 0; t < ny; t++) {
            size_t r = ov->rank[(t0 + t) * n + pick[k]];
            rank[k * ny + t] = r ? (double)r : NAN;
        }
    }
    dti_lang_format(title, sizeof title, v->lang, DTI_L_BUMP_TITLE, ny ? ov->year[t0] : 0, ny ? ov->year[t_last] : 0,
                    (size_t)S_BUMP_TOP, ov->table_year, S_self_name(v));
    dti_lang_format(sub, sizeof sub, v->lang, DTI_L_BUMP_SUB, n);
    dti_chart_bump in = {ny, years, np, names, rank, n, hl};
    dti_chart_opts o = {.title = title, .subtitle = sub, .y_label = S_tr(v, DTI_L_RANK_AXIS, buf, sizeof buf)};
    dti_report_chart_bump(doc, "bump", &in, &o);
    dti_report_text(doc, "%s", S_tr(v, v->frame == DTI_FRAME_UNITS ? DTI_L_HISTORY_UNITS : DTI_L_HISTORY_PROVINCES, buf,
                                    sizeof buf));
    free(names);
    free(years);
    free(rank);
    free(pick);
}

/* ---- 4. the table ------------------------------------------------------------------------------------ */

static void S_table(dti_report *doc, const dti_report_view *v)
{
    const dti_overview *ov = v->ov;
    const dti_framework *fw = ov->fw;
    size_t n = ov->n, self = S_self(v);
    int english = v->lang != DTI_LANG_VI;
    char buf[S_TEXT], list[1024] = "";
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_H_TABLE, ov->table_year);
    dti_report_title(doc, "%s", buf);
    size_t o = 0;
    for (size_t k = 0; k < ov->n_ind && o < sizeof list; k++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "",
                              dti_framework_node_name(fw, ov->ind_node[k], english));
    if (!list[0])
        S_tr(v, DTI_L_NO_INDICATORS, list, sizeof list);
    dti_lang_format(buf, sizeof buf, v->lang, v->frame == DTI_FRAME_UNITS ? DTI_L_TABLE_UNITS : DTI_L_TABLE_PROVINCES,
                    ov->table_year, list);
    dti_report_text(doc, "%s", buf);
    if (ov->pub_path && (ov->pub_ranks || ov->pub_values)) {
        const char *base = strrchr(ov->pub_path, '/');
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_TABLE_PUBLISHED, ov->pub_ranks, ov->pub_values,
                        base ? base + 1 : ov->pub_path, ov->pub_rank_ok, ov->pub_value_ok);
        dti_report_text(doc, "%s", buf);
    }
    dti_table *t = dti_report_table(doc, "table", NULL);
    size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    size_t c_name = dti_table_col(t, v->frame == DTI_FRAME_UNITS ? "unit" : "province", DTI_COL_TEXT);
    size_t c_dti = dti_table_col(t, "dti", DTI_COL_NUM);
    dti_table_col_label(t, c_rank, S_tr(v, DTI_L_RANK_COL, buf, sizeof buf));
    dti_table_col_label(t, c_name, S_tr(v, v->frame == DTI_FRAME_UNITS ? DTI_L_UNIT_COL : DTI_L_PROVINCE_COL, buf,
                                        sizeof buf));
    dti_table_col_label(t, c_dti, S_tr(v, DTI_L_DTI_COL, buf, sizeof buf));
    dti_table_col_null(t, c_rank, "?", "no exact rank");
    size_t c_ind[DTI_OVERVIEW_MAX_IND];
    double lo = fw->has_range ? fw->range_lo : 0, hi = fw->has_range ? fw->range_hi : NAN;
    dti_table_col_decimals(t, c_dti, 4);
    dti_table_col_flags(t, c_dti, DTI_COL_BAR);
    dti_table_col_range(t, c_dti, lo, hi);
    for (size_t k = 0; k < ov->n_ind; k++) {
        c_ind[k] = dti_table_col(t, fw->nodes[ov->ind_node[k]].id, DTI_COL_NUM);
        dti_table_col_label(t, c_ind[k], dti_framework_node_name(fw, ov->ind_node[k], english));
        dti_table_col_decimals(t, c_ind[k], 4);
        dti_table_col_flags(t, c_ind[k], DTI_COL_BAR);
        dti_table_col_range(t, c_ind[k], lo, hi);
    }
    size_t c_change = 0;
    if (ov->prev_year) {
        c_change = dti_table_col(t, "rank_change", DTI_COL_INT);
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_CHANGE_COL, ov->prev_year);
        dti_table_col_label(t, c_change, buf);
        dti_table_col_null(t, c_change, "", "no exact rank in one of the two years");
    }
    size_t c_region = dti_table_col(t, "region", DTI_COL_TEXT);
    dti_table_col_label(t, c_region, S_tr(v, DTI_L_REGION_COL, buf, sizeof buf));
    for (size_t k = 0; k < n; k++) {
        size_t e = ov->order[k], r = dti_table_row(t);
        if (ov->t_rank[e])
            dti_table_size(t, r, c_rank, ov->t_rank[e]);
        dti_table_text(t, r, c_name, ov->name[e]);
        if (ov->t_precision >= 0)
            dti_table_num_prec(t, r, c_dti, ov->t_value[e], ov->t_precision);
        else
            dti_table_num(t, r, c_dti, ov->t_value[e]);
        for (size_t i = 0; i < ov->n_ind; i++)
            dti_table_num(t, r, c_ind[i], ov->ind[i * n + e]);
        if (ov->prev_year && ov->t_rank[e] && ov->prev_rank[e]) {
            /* positive: up the table (a smaller rank than the year before) */
            long long d = (long long)ov->prev_rank[e] - (long long)ov->t_rank[e];
            dti_table_int(t, r, c_change, d);
            if (d > 0)
                dti_table_show(t, r, c_change, "\u25B2 %lld", d);
            else if (d < 0)
                dti_table_show(t, r, c_change, "\u25BC %lld", -d);
            else
                dti_table_show(t, r, c_change, "=");
        }
        dti_lang_region(v->lang, ov->region[e], buf, sizeof buf);
        dti_table_text(t, r, c_region, buf);
        if (e == self)
            dti_table_row_flags(t, r, DTI_ROW_HIGHLIGHT);
    }
}

/* ---- 5. the calibration ------------------------------------------------------------------------------ */

static void S_calibration(dti_report *doc, const dti_report_view *v)
{
    const dti_backtest_cache *bt = v->bt;
    const dti_project_headline *h = v->pv->h;
    char buf[S_TEXT], origins[256] = "", runs[32], num[32], se[32];
    S_heading(doc, v, DTI_L_H_CALIBRATION);
    if (!bt) {
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_CAL_MISSING, v->bt_path);
        dti_report_text(doc, "%s", buf);
        return;
    }
    size_t o = 0;
    for (size_t k = 0; k < bt->n_origins && o < sizeof origins; k++)
        o += (size_t)snprintf(origins + o, sizeof origins - o, "%s%d", k ? ", " : "", bt->origins[k]);
    const char *base = strrchr(bt->path, '/');
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_CAL_MADE, base ? base + 1 : bt->path, bt->made ? bt->made : "?",
                    bt->version, bt->n_models, origins, S_count(v, bt->runs, runs, sizeof runs),
                    bt->sampler ? bt->sampler : "?");
    dti_report_text(doc, "%s", buf);
    if (v->bt_stale) {
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_CAL_STALE, v->bt_stale);
        dti_report_text(doc, "%s", buf);
    }
    dti_table *t = dti_report_table(doc, "backtest", NULL);
    static const int keys[7] = {DTI_L_MODEL_COL, DTI_L_LOG_COL, DTI_L_IN80_COL, DTI_L_IN50_COL,
                                DTI_L_CRPS_COL, DTI_L_MAE_COL, DTI_L_NOTE_COL};
    static const char *const names[7] = {"model", "log_score", "in80", "in50", "crps", "rank_error", "note"};
    static const int types[7] = {DTI_COL_TEXT, DTI_COL_NUM, DTI_COL_NUM, DTI_COL_NUM, DTI_COL_NUM, DTI_COL_NUM,
                                 DTI_COL_TEXT};
    static const int decimals[7] = {-1, 3, 2, 2, 2, 2, -1};
    for (size_t c = 0; c < 7; c++) {
        dti_table_col(t, names[c], types[c]);
        dti_table_col_label(t, c, S_tr(v, keys[c], buf, sizeof buf));
        dti_table_col_decimals(t, c, decimals[c]);
    }
    for (size_t m = 0; m < bt->n_models; m++) {
        const dti_backtest_row *row = dti_backtest_cache_row(bt, bt->models[m], DTI_FRAME_PROVINCES);
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, dti_project_model_name(bt->models[m]));
        dti_table_num(t, r, 1, row->log);
        dti_table_show(t, r, 1, "%s \u00b1 %s", S_fixed(v, row->log, 3, num, sizeof num),
                       S_fixed(v, row->log_se, 3, se, sizeof se));
        dti_table_num(t, r, 2, row->in80);
        dti_table_num(t, r, 3, row->in50);
        dti_table_num(t, r, 4, row->crps);
        dti_table_num(t, r, 5, row->mae);
        buf[0] = '\0';
        if (bt->models[m] == h->model)
            S_tr(v, DTI_L_CAL_DEFAULT, buf, sizeof buf);
        if (bt->chosen && !strcmp(bt->chosen, dti_project_model_name(bt->models[m]))) {
            o = strlen(buf);
            snprintf(buf + o, sizeof buf - o, "%s", o ? "; " : "");
            o = strlen(buf);
            S_tr(v, DTI_L_CAL_CHOSEN, buf + o, sizeof buf - o);
        }
        if (buf[0])
            dti_table_text(t, r, 6, buf);
        if (bt->models[m] == h->model)
            dti_table_row_flags(t, r, DTI_ROW_HIGHLIGHT);
    }
    dti_table_note(t, "%s", S_tr(v, DTI_L_CAL_READ, buf, sizeof buf));
    const dti_backtest_row *own = dti_backtest_cache_row(bt, h->model, DTI_FRAME_PROVINCES);
    if (!own)
        return;
    double total = 0;
    for (int b = 0; b < DTI_BT_PIT_BINS; b++)
        total += own->pit[b];
    char title[256], x[256], cnt[64], ref[128];
    dti_lang_format(title, sizeof title, v->lang, DTI_L_PIT_TITLE, dti_project_model_name(h->model));
    dti_chart_histogram in = {DTI_BT_PIT_BINS, own->pit, 0, 1, total / DTI_BT_PIT_BINS, S_tr(v, DTI_L_PIT_COUNT, cnt,
                                                                                               sizeof cnt),
                              S_tr(v, DTI_L_PIT_REF, ref, sizeof ref)};
    dti_chart_opts co = {.title = title, .x_label = S_tr(v, DTI_L_PIT_X, x, sizeof x), .height = 300};
    dti_report_chart_histogram(doc, "pit", &in, &co);
    dti_report_text(doc, "%s", S_tr(v, DTI_L_CAL_PIT_NOTE, buf, sizeof buf));
}

/* ---- 6. the weights ------------------------------------------------------------------------------------ */

static void S_weights(dti_report *doc, const dti_report_view *v)
{
    char buf[S_TEXT];
    S_heading(doc, v, DTI_L_H_WEIGHTS);
    if (v->w_state == DTI_REPORT_W_NO_FRAMEWORK) {
        dti_report_text(doc, "%s", S_tr(v, DTI_L_W_NO_FRAMEWORK, buf, sizeof buf));
        return;
    }
    if (v->w_year != v->ov->table_year) {
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_W_YEAR, v->ov->table_year, v->w_fw->name, v->w_year);
        dti_report_text(doc, "%s", buf);
    }
    if (v->w_state == DTI_REPORT_W_NO_DATA) {
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_W_NONE, v->w_fw->name, v->w_year, v->w_scored, v->w_units);
        dti_report_text(doc, "%s", buf);
        return;
    }
    char data[32];
    snprintf(data, sizeof data, "%d", v->w_year);
    dti_present_stability_chart(doc, v->w_what, v->w_stab, data, v->lang);
    if (v->w_sens)
        dti_present_sobol_chart(doc, v->w_so, v->w_sens, data, v->lang);
    dti_report_text(doc, "%s", S_tr(v, DTI_L_W_STABILITY_NOTE, buf, sizeof buf));
}

/* ---- 7. the sources -------------------------------------------------------------------------------------- */

static void S_sources(dti_report *doc, const dti_report_view *v)
{
    char buf[S_TEXT];
    S_heading(doc, v, DTI_L_H_SOURCES);
    const dti_framework *seen[DTI_PROJECT_MAX_YEARS];
    size_t n_seen = 0;
    for (size_t k = 0; k <= v->n_years; k++) {
        const dti_year *yr = k < v->n_years ? v->years[k] : v->pub;
        if (!yr)
            continue;
        char **urls = NULL;
        size_t n = dti_overview_sources(yr, &urls), len = 1;
        const char *base = strrchr(yr->path, '/');
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_SOURCE_YEAR, yr->year, base ? base + 1 : yr->path);
        len += strlen(buf);
        for (size_t i = 0; i < n; i++)
            len += strlen(urls[i]) + 1;
        char *text = dti_xcalloc(len + 1, 1);
        strcpy(text, buf);
        for (size_t i = 0; i < n; i++) {
            strcat(text, "\n");
            strcat(text, urls[i]);
            free(urls[i]);
        }
        free(urls);
        dti_report_text(doc, "%s", text);
        free(text);
        int known = 0;
        for (size_t i = 0; i < n_seen; i++)
            known |= seen[i] == yr->fw || !strcmp(seen[i]->name, yr->fw->name);
        if (!known && n_seen < DTI_PROJECT_MAX_YEARS) {
            seen[n_seen++] = yr->fw;
            dti_lang_format(buf, sizeof buf, v->lang, DTI_L_SOURCE_FRAMEWORK, yr->year,
                            yr->fw->title ? yr->fw->title : yr->fw->name, yr->fw->source ? yr->fw->source : "");
            dti_report_text(doc, "%s", buf);
        }
    }
    dti_report_text(doc, "%s", S_tr(v, DTI_L_LIMITS, buf, sizeof buf));
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_MADE_BY, DTI_VERSION);
    dti_report_text(doc, "%s", buf);
}

dti_report *dti_present_report(const dti_report_view *v)
{
    const dti_project_view *pv = v->pv;
    const dti_project_headline *h = pv->h;
    dti_report *doc = dti_report_new("report");
    dti_report_lang(doc, dti_lang_code(v->lang), v->decimal_comma);
    dti_report_page_per_section(doc, 1);
    dti_report_meta_text(doc, "province", pv->reg->p[pv->province].name);
    dti_report_meta_text(doc, "frame", v->frame == DTI_FRAME_UNITS ? "units" : "provinces");
    dti_report_meta_text(doc, "entity", S_self_name(v));
    dti_report_meta_text(doc, "lang", dti_lang_code(v->lang));
    dti_present_project_meta(doc, h);
    dti_report_meta_int(doc, "table_year", v->ov->table_year);
    dti_report_meta_text(doc, "backtest", v->bt ? v->bt->path : NULL);
    dti_report_meta_text(doc, "backtest_made", v->bt ? v->bt->made : NULL);
    for (size_t k = 0; k < v->n_years; k++)
        dti_report_source(doc, "year record", v->years[k]->path);
    if (v->pub)
        dti_report_source(doc, "published units' record", v->pub->path);
    if (v->targets_path)
        dti_report_source(doc, "targets", v->targets_path);
    if (v->settings_path)
        dti_report_source(doc, "projection settings", v->settings_path);
    if (v->bt)
        dti_report_source(doc, "backtest", v->bt->path);
    char buf[S_TEXT], members[512] = "";
    dti_lang_format(buf, sizeof buf, v->lang, DTI_L_H1, S_self_name(v));
    dti_report_title(doc, "%s", buf);
    if (v->frame == DTI_FRAME_UNITS) {
        size_t u = S_self(v), o = 0;
        for (size_t p = 0; p < pv->m->n_old && o < sizeof members; p++)
            if (pv->m->unit_of[p] == u)
                o += (size_t)snprintf(members + o, sizeof members - o, "%s%s", o ? " + " : "", pv->reg->p[p].name);
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_FRAME_UNITS, v->ov->n, S_self_name(v), members);
    } else {
        dti_lang_format(buf, sizeof buf, v->lang, DTI_L_FRAME_PROVINCES, v->ov->n);
    }
    dti_report_text(doc, "%s", buf);
    S_answer(doc, v);
    S_forecast(doc, v);
    S_history(doc, v);
    S_table(doc, v);
    S_calibration(doc, v);
    S_weights(doc, v);
    S_sources(doc, v);
    return doc;
}
