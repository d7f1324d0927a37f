/* backtest.c -- forecast honesty: fit a model on the record up to an origin, forecast the later years
 * of the record, and score every forecast against what was published (docs/projection.md, "Backtest").
 *
 * Scores per item (an entity with an exact observed rank in a later year, in a frame): the log score
 * of the rank, -log(0.99 p(r) + 0.01/n); coverage of the central 80% and 50% intervals; the CRPS on
 * ranks, sum_k (F(k) - 1[r <= k])^2; the absolute error of the median; Brier and log scores of top-10
 * and top-15 membership (log clipped to [1e-4, 1 - 1e-4]); the mid-PIT F(r - 1) + p(r) / 2.
 * Standard errors are over entities: an entity's items are averaged first, then the spread of those
 * means gives the standard error (items of one province in several years are not independent).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merger.h"
#include "project.h"

#define S_FLOOR 0.01   /* the log score mixes 1% of a uniform forecast in: a miss costs log(n / 0.01) */
#define S_P_CLIP 1e-4  /* membership log scores: probabilities clipped to [1e-4, 1 - 1e-4] */

static double S_clip(double p) { return p < S_P_CLIP ? S_P_CLIP : p > 1 - S_P_CLIP ? 1 - S_P_CLIP : p; }

/* Appends an item's scores for entity e (rank r among n) from its forecast histogram h (counts of
 * ranks 0..n, `runs` runs). */
static void S_score_item(dti_backtest_result *res, int origin, int target, int frame, size_t e, size_t r, size_t n,
                         const unsigned long *h, size_t runs)
{
    if (res->n_items == res->cap) {
        res->cap = res->cap ? 2 * res->cap : 512;
        dti_backtest_item *it = realloc(res->items, res->cap * sizeof *it);
        if (!it)
            abort();
        res->items = it;
    }
    dti_backtest_item *it = &res->items[res->n_items++];
    memset(it, 0, sizeof *it);
    it->origin = origin;
    it->target = target;
    it->frame = frame;
    it->entity = e;
    it->rank = r;
    double R = (double)runs, F = 0, crps = 0, p_r = (double)h[r] / R, F_before = 0;
    size_t q[5] = {0, 0, 0, 0, 0}; /* the smallest k with F(k) >= 0.10, 0.25, 0.5, 0.75, 0.90 */
    static const double Q[5] = {0.10, 0.25, 0.5, 0.75, 0.90};
    unsigned long c = 0;
    for (size_t k = 1; k <= n; k++) {
        c += h[k];
        F = (double)c / R;
        if (k == r - 1 || (r == 1 && k == 0))
            F_before = F;
        double o = r <= k ? 1.0 : 0.0;
        crps += (F - o) * (F - o);
        for (int j = 0; j < 5; j++)
            if (!q[j] && (double)c >= Q[j] * R)
                q[j] = k;
    }
    if (r == 1)
        F_before = 0;
    it->log = -log((1 - S_FLOOR) * p_r + S_FLOOR / (double)n);
    it->crps = crps;
    it->in80 = r >= q[0] && r <= q[4];
    it->in50 = r >= q[1] && r <= q[3];
    it->median = q[2];
    it->abs_err = fabs((double)q[2] - (double)r);
    it->pit = F_before + 0.5 * p_r;
    static const size_t K[2] = {10, 15};
    for (int j = 0; j < 2; j++) {
        double pt = 0;
        for (size_t k = 1; k <= K[j] && k <= n; k++)
            pt += (double)h[k] / R;
        double o = r <= K[j] ? 1.0 : 0.0;
        it->brier[j] = (pt - o) * (pt - o);
        it->logk[j] = -log(o > 0 ? S_clip(pt) : 1 - S_clip(pt));
    }
}

int dti_backtest_model(const dti_project_obs *obs, int model, const dti_backtest_settings *bs,
                       dti_backtest_result *res, dti_error *err)
{
    memset(res, 0, sizeof *res);
    res->model = model;
    for (size_t k = 0; k < bs->n_origins; k++) {
        size_t oi = 0;
        while (oi < obs->n_years && obs->year[oi] != bs->origins[k])
            oi++;
        if (oi == obs->n_years)
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "origin %d is not a year of the record", bs->origins[k]);
        if (oi + 1 >= obs->n_years)
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no year of the record after the origin %d to score",
                                 bs->origins[k]);
        dti_project_fit fit;
        int rc = dti_project_fit_model(obs, oi + 1, model, &bs->sampler, &fit, err);
        if (rc) {
            dti_backtest_result_clear(res);
            return rc;
        }
        dti_project_settings s = bs->sim;
        s.origin_index = oi;
        s.until = obs->year[obs->n_years - 1];
        s.events = NULL;
        s.n_events = 0;
        dti_projection pr;
        rc = dti_project_simulate(obs, &fit, &s, &pr, err);
        dti_project_fit_clear(&fit);
        if (rc) {
            dti_backtest_result_clear(res);
            return rc;
        }
        const dti_merger *m = s.merger;
        for (size_t t = oi + 1; t < obs->n_years; t++) {
            int y = obs->year[t];
            if (obs->frame[t] != DTI_FRAME_PROVINCES) /* a units record: its ranks are the units' frame */
                continue;
            size_t ty = (size_t)(y - pr.first_year), n = obs->n;
            for (size_t p = 0; p < n; p++) {
                size_t r = obs->exact[t * n + p];
                if (r)
                    S_score_item(res, bs->origins[k], y, DTI_FRAME_PROVINCES, p, r, n,
                                 &pr.hist[(ty * n + p) * (n + 1)], pr.runs);
            }
            /* the units' official ranks, by the rule, where the year's values are all known */
            if (m && obs->has_values[t] && y >= s.merge_year) {
                size_t nu = m->n_units;
                for (size_t j = 0; j < nu; j++) {
                    size_t r = obs->unit_rank[t * nu + j];
                    if (r)
                        S_score_item(res, bs->origins[k], y, DTI_FRAME_UNITS, j, r, nu,
                                     &pr.unit_hist[(ty * nu + j) * (nu + 1)], pr.runs);
                }
            }
        }
        dti_projection_clear(&pr);
    }
    return DTI_OK;
}

void dti_backtest_result_clear(dti_backtest_result *res)
{
    free(res->items);
    memset(res, 0, sizeof *res);
}

/* ---- summaries --------------------------------------------------------------------------------- */

/* Mean and entity-clustered standard error of a per-item quantity over the items `sel` selects. */
static void S_mean_se(const dti_backtest_result *res, const dti_backtest_select *sel, double (*get)(const dti_backtest_item *),
                      size_t n_entities, double *mean, double *se, size_t *n_items)
{
    double *sum = dti_xcalloc(n_entities, sizeof *sum);
    size_t *cnt = dti_xcalloc(n_entities, sizeof *cnt), m = 0;
    double tot = 0;
    for (size_t i = 0; i < res->n_items; i++) {
        const dti_backtest_item *it = &res->items[i];
        if (!dti_backtest_selected(sel, it) || it->entity >= n_entities)
            continue;
        double v = get(it);
        sum[it->entity] += v;
        cnt[it->entity]++;
        tot += v;
        m++;
    }
    *n_items = m;
    *mean = m ? tot / (double)m : NAN;
    /* the mean of a cluster sample: sum_c (S_c - mean n_c)^2 * C / (C - 1) / m^2 */
    size_t C = 0;
    double ss = 0;
    for (size_t e = 0; e < n_entities; e++)
        if (cnt[e]) {
            double d = sum[e] - *mean * (double)cnt[e];
            ss += d * d;
            C++;
        }
    *se = C > 1 ? sqrt(ss * (double)C / (double)(C - 1)) / (double)m : NAN;
    free(sum);
    free(cnt);
}

int dti_backtest_selected(const dti_backtest_select *sel, const dti_backtest_item *it)
{
    return it->frame == sel->frame && (!sel->origin || it->origin == sel->origin) &&
           (!sel->target || it->target == sel->target);
}

static double S_get_log(const dti_backtest_item *it) { return it->log; }
static double S_get_in80(const dti_backtest_item *it) { return it->in80; }
static double S_get_in50(const dti_backtest_item *it) { return it->in50; }
static double S_get_crps(const dti_backtest_item *it) { return it->crps; }
static double S_get_abs(const dti_backtest_item *it) { return it->abs_err; }
static double S_get_b10(const dti_backtest_item *it) { return it->brier[0]; }
static double S_get_b15(const dti_backtest_item *it) { return it->brier[1]; }
static double S_get_l10(const dti_backtest_item *it) { return it->logk[0]; }
static double S_get_l15(const dti_backtest_item *it) { return it->logk[1]; }

void dti_backtest_summarise(const dti_backtest_result *res, const dti_backtest_select *sel, size_t n_entities,
                            dti_backtest_summary *s)
{
    memset(s, 0, sizeof *s);
    double (*get[DTI_BT_NSCORES])(const dti_backtest_item *) = {S_get_log,  S_get_in80, S_get_in50,
                                                                 S_get_crps, S_get_abs,  S_get_b10,
                                                                 S_get_l10,  S_get_b15,  S_get_l15};
    for (int k = 0; k < DTI_BT_NSCORES; k++)
        S_mean_se(res, sel, get[k], n_entities, &s->mean[k], &s->se[k], &s->n);
    for (size_t i = 0; i < res->n_items; i++) {
        const dti_backtest_item *it = &res->items[i];
        if (!dti_backtest_selected(sel, it))
            continue;
        size_t b = (size_t)(it->pit * DTI_BT_PIT_BINS);
        s->pit[b < DTI_BT_PIT_BINS ? b : DTI_BT_PIT_BINS - 1]++;
    }
}

double dti_backtest_paired_se(const dti_backtest_result *a, const dti_backtest_result *b, const dti_backtest_select *sel,
                              size_t n_entities, double *diff)
{
    /* the same items in the same order: both results come from the same record and origins */
    dti_backtest_result d;
    memset(&d, 0, sizeof d);
    d.n_items = d.cap = a->n_items < b->n_items ? a->n_items : b->n_items;
    d.items = dti_xcalloc(d.cap + 1, sizeof *d.items);
    for (size_t i = 0; i < d.n_items; i++) {
        d.items[i] = a->items[i];
        d.items[i].log = a->items[i].log - b->items[i].log;
    }
    double mean, se;
    size_t m;
    S_mean_se(&d, sel, S_get_log, n_entities, &mean, &se, &m);
    free(d.items);
    *diff = mean;
    return se;
}

int dti_backtest_choose(const dti_backtest_result *res, size_t n_models, size_t n_entities, int calib_origin,
                        dti_backtest_choice *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->best = ch->chosen = -1;
    if (n_models == 0)
        return -1;
    dti_backtest_select all = {DTI_FRAME_PROVINCES, 0, 0};
    double best = INFINITY;
    for (size_t k = 0; k < n_models; k++) {
        dti_backtest_summary s;
        dti_backtest_summarise(&res[k], &all, n_entities, &s);
        ch->log[k] = s.mean[DTI_BT_LOG];
        ch->cover80[k] = s.mean[DTI_BT_IN80];
        if (s.mean[DTI_BT_LOG] < best) {
            best = s.mean[DTI_BT_LOG];
            ch->best = (int)k;
        }
        /* the last origin alone: it crosses the 2024 edition change, as 2024 -> 2025 may */
        dti_backtest_select last = {DTI_FRAME_PROVINCES, calib_origin, 0};
        dti_backtest_summarise(&res[k], &last, n_entities, &s);
        ch->cover80_last[k] = s.mean[DTI_BT_IN80];
    }
    if (ch->best < 0) /* no model has a score among the provinces (every origin's later years are units') */
        return -1;
    int chosen = -1;
    for (size_t k = 0; k < n_models; k++) {
        ch->diff_se[k] = k == (size_t)ch->best ? 0.0
                                               : dti_backtest_paired_se(&res[k], &res[ch->best], &all, n_entities,
                                                                        &ch->diff[k]);
        ch->within[k] = k == (size_t)ch->best || ch->diff[k] < ch->diff_se[k];
        ch->calibrated[k] = ch->cover80[k] >= 0.70 && ch->cover80[k] <= 0.90 && ch->cover80_last[k] >= 0.70 &&
                            ch->cover80_last[k] <= 0.90;
        if (!ch->within[k] || !ch->calibrated[k])
            continue;
        if (chosen < 0) {
            chosen = (int)k;
            continue;
        }
        int pk = dti_project_model_params(res[k].model), pc = dti_project_model_params(res[chosen].model);
        if (pk < pc || (pk == pc && ch->log[k] < ch->log[chosen]))
            chosen = (int)k;
    }
    ch->chosen = chosen;
    return chosen;
}
