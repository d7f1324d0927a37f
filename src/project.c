/* project.c -- rank projections from the sparse public record, by Monte Carlo over the whole field.
 *
 * Every year each province has a latent position, the normal score of its rank,
 * x = -Phi^-1((r - 1/2) / n).  A model predicts next year's positions from this year's; observed
 * years are conditioned on what the record holds (exact ranks fixed, bounded and unknown provinces
 * placed in the free rank slots in the order of their predicted positions, within their bounds);
 * later years are ranked from the predictions.  Rank histograms are accumulated per province and
 * year; runs are split in fixed blocks with their own random stream, so results do not depend on the
 * thread count.  Formulas and assumptions: docs/projection.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "engine.h"
#include "internal.h"
#include "mc.h"
#include "merger.h"
#include "project.h"

#define S_BLOCK 1000 /* runs per random-number block: the unit of work and of reproducibility */

static const char *const S_model_names[] = {"persistence", "trend",   "panel",          "ar1",
                                            "ar1-breaks",  "effects", "effects-breaks", "effects-breaks-t"};
/* Free parameters, the simplicity order of the model choice: persistence none; trend two per province
 * (126 among 63); panel b and sigma (its intercept moves no rank); the latent models their persistences
 * and omega^2, and the t model also nu (counted although it is fixed). */
static const int S_model_params[] = {0, 126, 2, 1, 2, 2, 3, 4};

int dti_project_model_parse(const char *s, int *model, dti_error *err)
{
    for (int i = 0; i < DTI_MODEL_COUNT; i++)
        if (!strcmp(s, S_model_names[i])) {
            *model = i;
            return DTI_OK;
        }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                         "unknown model '%s' (use persistence, trend, panel, ar1, ar1-breaks, effects, effects-breaks "
                         "or effects-breaks-t)",
                         s);
}

const char *dti_project_model_name(int model) { return S_model_names[model]; }
int dti_project_model_is_latent(int model) { return model >= DTI_MODEL_AR1 && model < DTI_MODEL_COUNT; }
int dti_project_model_params(int model) { return S_model_params[model]; }

/* ---- the observations ------------------------------------------------------------------------- */

/* The allowed rank slots of the latent models: a derived rank or one read from a list's order is
 * trusted to +-2 places (docs/projection.md), the rest as the record states them. */
#define S_WINDOW 2

static int S_widened(const dti_year *yr, size_t entry, size_t root)
{
    if (entry == DTI_NONE)
        return 0;
    const dti_fact *f = &yr->rank[entry * yr->fw->n_nodes + root];
    return f->known && (f->derived || (f->evidence && !strcmp(f->evidence, "list-order")));
}

/* Values of year t: standardised into obs->value when every entity has one (published, else
 * computed); the units' official ranks (mean of the former provinces' values, on the published
 * precision) for a province year. */
static void S_obs_values(dti_project_obs *obs, const dti_year *yr, size_t t, const dti_merger *m)
{
    size_t n = obs->n, cnt = obs->count[t], root = yr->fw->root;
    double *v = &obs->value[t * n], sum = 0, ss = 0;
    for (size_t p = 0; p < n; p++)
        v[p] = NAN;
    for (size_t p = 0; p < cnt; p++) {
        double pub, comp;
        dti_year_values(yr, p, root, &pub, &comp);
        v[p] = !isnan(pub) ? pub : comp;
        if (isnan(v[p]))
            return; /* not complete: ranks and bounds only */
    }
    if (obs->merger && obs->frame[t] == DTI_FRAME_PROVINCES) {
        size_t nu = m->n_units;
        double *uv = dti_xcalloc(nu, sizeof *uv);
        dti_merger_apply(m, v, uv);
        dti_rank_competition(uv, nu, yr->fw->precision, &obs->unit_rank[t * nu], NULL, NULL);
        free(uv);
    }
    for (size_t p = 0; p < cnt; p++)
        sum += v[p];
    double mean = sum / (double)cnt;
    for (size_t p = 0; p < cnt; p++)
        ss += (v[p] - mean) * (v[p] - mean);
    double sd = sqrt(ss / (double)cnt);
    if (!(sd > 0)) { /* all equal: no scale, use the ranks */
        for (size_t p = 0; p < n; p++)
            v[p] = NAN;
        return;
    }
    for (size_t p = 0; p < cnt; p++)
        v[p] = (v[p] - mean) / sd;
    obs->has_values[t] = 1;
}

int dti_project_obs_init(dti_project_obs *obs, const dti_year *const *years, size_t n_years, const dti_registry *reg,
                         const dti_merger *merger, dti_error *err)
{
    memset(obs, 0, sizeof *obs);
    if (n_years == 0 || n_years > DTI_PROJECT_MAX_YEARS)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "need 1 to %d year records", DTI_PROJECT_MAX_YEARS);
    obs->n = reg->n;
    obs->n_years = n_years;
    obs->merger = merger;
    if (merger && merger->n_units > reg->n)
        return dti_error_set(err, DTI_ERR_INPUT, merger->path, 0, 0, "more units (%zu) than provinces (%zu)",
                             merger->n_units, reg->n);
    for (size_t t = 0; t < n_years; t++) {
        const dti_year *yr = years[t];
        if (t > 0 && yr->year <= years[t - 1]->year)
            return dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0, "year records must be in increasing year order");
        obs->year[t] = yr->year;
        obs->frame[t] = dti_year_frame(yr) ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
        obs->count[t] = obs->frame[t] == DTI_FRAME_UNITS ? (merger ? merger->n_units : 0) : reg->n;
        if (obs->frame[t] == DTI_FRAME_UNITS && (!merger || yr->reg->n != merger->n_units))
            return dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0,
                                 "this record ranks the units of %s, which the projection has not loaded", yr->reg->frame);
        if (yr->units != obs->count[t])
            return dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0,
                                 "ranks among %zu units cannot be projected with a frame of %zu", yr->units,
                                 obs->count[t]);
        obs->edition_change[t] = t > 0 && strcmp(yr->fw->name, years[t - 1]->fw->name) != 0;
    }
    size_t nn = n_years * obs->n, nu = merger ? merger->n_units : 0;
    obs->exact = dti_xcalloc(nn, sizeof *obs->exact);
    obs->lo = dti_xcalloc(nn, sizeof *obs->lo);
    obs->hi = dti_xcalloc(nn, sizeof *obs->hi);
    obs->wlo = dti_xcalloc(nn, sizeof *obs->wlo);
    obs->whi = dti_xcalloc(nn, sizeof *obs->whi);
    obs->value = dti_xcalloc(nn, sizeof *obs->value);
    obs->unit_rank = dti_xcalloc(n_years * (nu ? nu : 1), sizeof *obs->unit_rank);
    for (size_t t = 0; t < n_years; t++) {
        const dti_year *yr = years[t];
        size_t cnt = obs->count[t], root = yr->fw->root;
        obs->complete[t] = 1;
        for (size_t p = 0; p < obs->n; p++) {
            size_t i = t * obs->n + p;
            if (p >= cnt) { /* beyond a units' year: no entity */
                obs->lo[i] = obs->hi[i] = obs->wlo[i] = obs->whi[i] = 0;
                continue;
            }
            obs->exact[i] = dti_year_rank_bounds(yr, p, root, &obs->lo[i], &obs->hi[i], NULL);
            obs->complete[t] &= obs->exact[i] != 0;
            obs->upper[t] |= !obs->exact[i] && obs->hi[i] < cnt;
            obs->wlo[i] = obs->lo[i];
            obs->whi[i] = obs->hi[i];
            if (obs->exact[i] && S_widened(yr, dti_year_entry(yr, p), root)) {
                /* +-2 places, within the top-10 bound the list gives (listed: <= 10, else >= 11) */
                size_t r = obs->exact[i], lo = r > S_WINDOW ? r - S_WINDOW : 1, hi = r + S_WINDOW < cnt ? r + S_WINDOW : cnt;
                if (yr->has_top10 && cnt > DTI_TOP) {
                    if (r <= DTI_TOP)
                        hi = hi < DTI_TOP ? hi : DTI_TOP;
                    else
                        lo = lo > DTI_TOP + 1 ? lo : DTI_TOP + 1;
                }
                obs->wlo[i] = lo;
                obs->whi[i] = hi;
            }
        }
        /* Published ties: k provinces stated at rank r may take the slots r..r+k-1. */
        size_t *tied = dti_xcalloc(cnt + 1, sizeof *tied);
        for (size_t p = 0; p < cnt; p++) {
            size_t i = t * obs->n + p;
            if (obs->exact[i] && obs->wlo[i] == obs->whi[i])
                tied[obs->exact[i]]++;
        }
        for (size_t p = 0; p < cnt; p++) {
            size_t i = t * obs->n + p, r = obs->exact[i];
            if (r && obs->wlo[i] == obs->whi[i] && tied[r] > 1)
                obs->whi[i] = r + tied[r] - 1 <= cnt ? r + tied[r] - 1 : cnt;
        }
        free(tied);
        S_obs_values(obs, yr, t, merger);
    }
    return DTI_OK;
}

void dti_project_obs_clear(dti_project_obs *obs)
{
    free(obs->exact);
    free(obs->lo);
    free(obs->hi);
    free(obs->wlo);
    free(obs->whi);
    free(obs->value);
    free(obs->unit_rank);
    memset(obs, 0, sizeof *obs);
}

/* Normal score of rank r among n (higher is better). */
static double S_score(size_t r, size_t n)
{
    return -gsl_cdf_ugaussian_Pinv(((double)r - 0.5) / (double)n);
}

/* ---- fitting ---------------------------------------------------------------------------------- */

/* Panel: x[t+1] = a + b x[t] + e over every pair of consecutive years with both ranks exact. */
static int S_fit_panel(const dti_project_obs *obs, size_t n_fit, dti_project_fit *fit, dti_error *err)
{
    size_t cap = obs->n * n_fit, m = 0;
    double *x = dti_xcalloc(cap, sizeof *x), *y = dti_xcalloc(cap, sizeof *y);
    for (size_t t = 0; t + 1 < n_fit; t++) {
        if (obs->year[t + 1] != obs->year[t] + 1) /* a gap would need k-step terms; only annual pairs */
            continue;
        for (size_t p = 0; p < obs->n; p++) {
            size_t r0 = obs->exact[t * obs->n + p], r1 = obs->exact[(t + 1) * obs->n + p];
            if (r0 && r1) {
                x[m] = S_score(r0, obs->n);
                y[m] = S_score(r1, obs->n);
                m++;
            }
        }
    }
    int rc = DTI_OK;
    if (m < 4) {
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                           "the panel model needs at least 4 provinces with exact ranks in two consecutive years "
                           "(found %zu)",
                           m);
    } else {
        double c0, c1, cov00, cov01, cov11, sumsq;
        int st = gsl_fit_linear(x, 1, y, 1, m, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        if (st) {
            free(x);
            free(y);
            return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "the panel regression failed: %s", gsl_strerror(st));
        }
        if (!(sumsq > 0) || !isfinite(c1)) { /* every pair on one line: the noise cannot be estimated */
            free(x);
            free(y);
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "the panel model cannot be fitted: the %zu pairs of consecutive exact ranks lie "
                                 "exactly on a line (no year-to-year change to estimate the noise from); use "
                                 "--model persistence",
                                 m);
        }
        fit->a = c0;
        fit->b = c1;
        fit->df = (double)m - 2;
        fit->s2 = sumsq / fit->df;
        fit->n_pairs = m;
        /* gsl_fit_linear's covariance is s2 (X'X)^-1; keep (X'X)^-1 for drawing with a drawn sigma. */
        fit->cov[0] = cov00 / fit->s2;
        fit->cov[1] = cov01 / fit->s2;
        fit->cov[2] = cov11 / fit->s2;
        fit->se_a = sqrt(cov00);
        fit->se_b = sqrt(cov11);
    }
    free(x);
    free(y);
    return rc;
}

/* Trend: per province x = alpha + beta (t - tbar) + e on its exact ranks, residual variance pooled. */
static void S_fit_trend(const dti_project_obs *obs, size_t n_fit, dti_project_fit *fit)
{
    double ss = 0, df = 0;
    for (size_t p = 0; p < obs->n; p++) {
        double tx[DTI_PROJECT_MAX_YEARS], yx[DTI_PROJECT_MAX_YEARS];
        size_t m = 0;
        for (size_t t = 0; t < n_fit; t++)
            if (obs->exact[t * obs->n + p]) {
                tx[m] = obs->year[t];
                yx[m] = S_score(obs->exact[t * obs->n + p], obs->n);
                m++;
            }
        dti_project_trend *tr = &fit->trend[p];
        tr->n = m;
        tr->alpha = tr->beta = tr->tbar = 0;
        tr->sxx = 0;
        if (m == 0)
            continue;
        for (size_t k = 0; k < m; k++)
            tr->tbar += tx[k] / (double)m;
        double sxy = 0, ybar = 0;
        for (size_t k = 0; k < m; k++)
            ybar += yx[k] / (double)m;
        for (size_t k = 0; k < m; k++) {
            tr->sxx += (tx[k] - tr->tbar) * (tx[k] - tr->tbar);
            sxy += (tx[k] - tr->tbar) * (yx[k] - ybar);
        }
        tr->alpha = ybar;
        tr->beta = m >= 2 ? sxy / tr->sxx : 0;
        if (m >= 3) {
            for (size_t k = 0; k < m; k++) {
                double r = yx[k] - tr->alpha - tr->beta * (tx[k] - tr->tbar);
                ss += r * r;
            }
            df += (double)m - 2;
        }
    }
    fit->df = df;
    fit->s2 = df > 0 ? ss / df : 1.0; /* no residual degrees of freedom: the field's own variance */
}

int dti_project_fit_model(const dti_project_obs *obs, size_t n_fit, int model, const dti_latent_settings *ls,
                          dti_project_fit *fit, dti_error *err)
{
    memset(fit, 0, sizeof *fit);
    fit->model = model;
    fit->n_fit = n_fit;
    if (dti_project_model_is_latent(model)) {
        fit->latent = dti_xcalloc(1, sizeof *fit->latent);
        int rc = dti_latent_fit_run(obs, n_fit, model, ls, fit->latent, err);
        if (rc) {
            free(fit->latent);
            fit->latent = NULL;
        }
        return rc;
    }
    if (model == DTI_MODEL_PANEL)
        return S_fit_panel(obs, n_fit, fit, err);
    if (model == DTI_MODEL_TREND) {
        fit->trend = dti_xcalloc(obs->n, sizeof *fit->trend);
        S_fit_trend(obs, n_fit, fit);
    }
    return DTI_OK;
}

void dti_project_fit_clear(dti_project_fit *fit)
{
    free(fit->trend);
    fit->trend = NULL;
    if (fit->latent)
        dti_latent_fit_clear(fit->latent);
    free(fit->latent);
    fit->latent = NULL;
}

/* ---- simulation ------------------------------------------------------------------------------- */

typedef struct {
    double *x, *pred, *score, *alpha, *beta;
    size_t *order, *tmp, *count, *rank, *slot_used, *assigned;
    unsigned *hist;   /* [n_sim_years][n][n + 1] */
    double *ux;       /* [n_units] merged latent positions */
    unsigned *uhist;  /* [n_sim_years][n_units][n_units + 1] */
    size_t *yrank;    /* [n_sim * n] this run's province ranks (0: none) */
    size_t *yurank;   /* [n_sim * n_units] this run's unit ranks (0: none) */
    double *up, *uu, *muu; /* latent models: the provinces' and units' states, the units' levels */
    double *eps;           /* [n] a year's innovations */
    unsigned long *ev; /* [n_events * n_keys] runs in which each event happened, by batch key */
    dti_sort_ws *sort; /* the ranks' sort (n or n_units keys) */
    gsl_rng *rng;
} S_work;

typedef struct {
    const dti_project_obs *obs;
    const dti_project_fit *fit;
    const dti_project_settings *set;
    size_t n_sim, n_blocks; /* simulated years (first observed .. until), blocks of runs */
    size_t n_units;
    size_t n_keys;          /* batch keys of the event counts: parameter draws, or blocks of runs */
    /* The years each run records (earlier ones, a latent fit's, are the same for every run of a draw and
     * are added to the histograms once per draw, dti_project_simulate): provinces from t_prov, units from
     * t_unit; copy_fit: an event reads a fitted year, so each run copies the draw's fitted ranks. */
    size_t t_prov, t_unit;
    int copy_fit;
    double *wshare; /* [n] a province's weight share in its unit, weight / the unit's sum (with a merger) */
    S_work *work;
} S_job;

/* Competition ranks of pred (ties share a rank) into rank[] (w->rank, or a year's row of the run). */
static void S_rank_field(S_work *w, size_t n, size_t *rank)
{
    /* sorted with the bucketed sort of the engine (sort.c): sv[k] = pred[order[k]] */
    const size_t *order;
    const double *sv = dti_sort_desc_all(w->pred, n, w->sort, &order);
    for (size_t k = 0, r = 1; k < n; k++) { /* a tie (not below the one before) keeps the running rank */
        if (k > 0 && sv[k - 1] > sv[k])
            r = k + 1;
        rank[order[k]] = r;
    }
}

/* Competition ranks (a tie keeps the rank of the first) of the nu values v into urank. */
static void S_rank_units(S_work *w, const double *v, size_t nu, size_t *urank)
{
    const size_t *order;
    const double *sv = dti_sort_desc_all(v, nu, w->sort, &order);
    for (size_t k = 0, r = 1; k < nu; k++) {
        if (k > 0 && sv[k - 1] > sv[k])
            r = k + 1;
        urank[order[k]] = r;
    }
}

/* An observed year: exact ranks fixed; the others fill the free slots in order of prediction, each
 * within its bounds (a province whose upper bound is reached takes the slot first). */
static void S_rank_observed(S_work *w, const dti_project_obs *obs, size_t t, size_t n)
{
    const size_t *ex = &obs->exact[t * n], *lo = &obs->lo[t * n], *hi = &obs->hi[t * n];
    memset(w->slot_used, 0, (n + 1) * sizeof *w->slot_used);
    for (size_t p = 0; p < n; p++) {
        w->assigned[p] = 0;
        if (ex[p]) {
            w->rank[p] = ex[p];
            w->assigned[p] = 1;
            w->slot_used[ex[p]]++;
        }
    }
    /* k provinces tied at rank r also fill slots r+1..r+k-1 */
    for (size_t r = 1; r <= n; r++)
        for (size_t k = 1; k < w->slot_used[r] && r + k <= n; k++)
            w->slot_used[r + k] = 1;
    dti_sort_desc(w->pred, w->order, n, w->sort);
    size_t start = 0; /* order[0..start) are all assigned */
    for (size_t s = 1; s <= n; s++) {
        if (w->slot_used[s])
            continue;
        while (start < n && w->assigned[w->order[start]])
            start++;
        /* With upper bounds this year, find the smallest tight deadline h >= s: as many unplaced
         * provinces must be placed by h (upper bound <= h) as there are free slots in s..h, so slot s
         * must go to one of them or a bound would be missed (earliest-deadline feasibility).  Without
         * one, the best prediction among the eligible takes the slot. */
        size_t tight = n + 1;
        if (obs->upper[t]) {
            memset(w->count, 0, (n + 1) * sizeof *w->count);
            for (size_t p = 0; p < n; p++)
                if (!w->assigned[p])
                    w->count[hi[p]]++;
            for (size_t h = s, free_slots = 0, need = 0; h <= n; h++) {
                free_slots += w->slot_used[h] ? 0u : 1u;
                need += w->count[h];
                if (need > 0 && need >= free_slots) {
                    tight = h;
                    break;
                }
            }
        }
        size_t pick = DTI_NONE;
        for (size_t k = start; k < n && pick == DTI_NONE; k++) {
            size_t p = w->order[k];
            if (!w->assigned[p] && lo[p] <= s && hi[p] <= tight)
                pick = p;
        }
        if (pick == DTI_NONE) /* no province may take this slot: bounds were inconsistent */
            continue;
        w->rank[pick] = s;
        w->assigned[pick] = 1;
    }
    for (size_t p = 0; p < n; p++) /* left over only under inconsistent bounds: keep them last */
        if (!w->assigned[p])
            w->rank[p] = n;
}

/* Ranks every unit by the mean position x of its former provinces (the rule on the value scale). */
static void S_rank_units_rule(S_work *w, const dti_merger *m, const double *x, size_t *urank)
{
    dti_merger_apply(m, x, w->ux);
    S_rank_units(w, w->ux, m->n_units, urank);
}

/* The models that simulate normal scores of ranks from the first record on (persistence, trend, panel). */
static void S_run_one(S_job *job, S_work *w)
{
    const dti_project_obs *obs = job->obs;
    const dti_project_fit *fit = job->fit;
    const dti_project_settings *set = job->set;
    size_t n = obs->n, n_obs = set->origin_index + 1;
    gsl_rng *rng = w->rng;
    double a = 0, b = 1, sigma = 0;
    if (fit->model == DTI_MODEL_PANEL && !(fit->df > 0)) { /* given parameters, no uncertainty */
        a = fit->a;
        b = fit->b;
        sigma = sqrt(fit->s2);
    } else if (fit->model == DTI_MODEL_PANEL) {
        /* Normal-inverse-chi-square draw: sigma^2 = s2 df / chi2_df; (a, b) ~ N(fit, sigma^2 (X'X)^-1). */
        double s2 = fit->s2 * fit->df / gsl_ran_chisq(rng, fit->df);
        double l00 = sqrt(fit->cov[0]), l10 = fit->cov[1] / l00;
        double l11 = sqrt(fmax(fit->cov[2] - l10 * l10, 0.0));
        double z0 = dti_gauss(rng, 1.0), z1 = dti_gauss(rng, 1.0);
        sigma = sqrt(s2);
        a = fit->a + sigma * l00 * z0;
        b = fit->b + sigma * (l10 * z0 + l11 * z1);
    } else if (fit->model == DTI_MODEL_TREND) {
        double s2 = fit->df > 0 ? fit->s2 * fit->df / gsl_ran_chisq(rng, fit->df) : fit->s2;
        sigma = sqrt(s2);
        for (size_t p = 0; p < n; p++) {
            const dti_project_trend *tr = &fit->trend[p];
            w->alpha[p] = tr->n ? tr->alpha + dti_gauss(rng, sigma / sqrt((double)tr->n)) : 0.0;
            w->beta[p] = tr->n >= 2 ? tr->beta + dti_gauss(rng, sigma / sqrt(tr->sxx)) : 0.0;
        }
    }
    for (size_t p = 0; p < n; p++)
        w->order[p] = p;
    for (size_t t = 0; t < job->n_sim; t++) {
        int year = obs->year[0] + (int)t;
        size_t ot = DTI_NONE; /* index of this year among the observed years used */
        for (size_t k = 0; k < n_obs; k++)
            if (obs->year[k] == year)
                ot = k;
        if (ot != DTI_NONE && obs->complete[ot]) { /* every rank known: nothing to draw */
            memcpy(w->rank, &obs->exact[ot * n], n * sizeof *w->rank);
            goto record;
        }
        for (size_t p = 0; p < n; p++) {
            if (fit->model == DTI_MODEL_TREND) {
                const dti_project_trend *tr = &fit->trend[p];
                double mean = tr->n ? w->alpha[p] + w->beta[p] * (year - tr->tbar) : 0.0;
                w->pred[p] = mean + dti_gauss(rng, tr->n ? sigma : 1.0);
            } else if (t == 0) {
                /* No earlier year: persistence knows nothing (all equal, registry order breaks ties);
                 * the panel starts from the stationary field N(0, 1). */
                w->pred[p] = fit->model == DTI_MODEL_PANEL ? dti_gauss(rng, 1.0) : 0.0;
            } else if (fit->model == DTI_MODEL_PANEL) {
                w->pred[p] = a + b * w->x[p] + dti_gauss(rng, sigma);
            } else {
                w->pred[p] = w->x[p];
            }
        }
        if (ot != DTI_NONE)
            S_rank_observed(w, obs, ot, n);
        else
            S_rank_field(w, n, w->rank);
    record:
        for (size_t p = 0; p < n; p++) {
            w->x[p] = w->score[w->rank[p]];
            w->yrank[t * n + p] = w->rank[p];
        }
        if (set->merger && year >= set->merge_year) /* the merged frame: rank the units' mean positions */
            S_rank_units_rule(w, set->merger, w->x, &w->yurank[t * job->n_units]);
    }
}

/* Whether the edition changes in `year`: the record says so for its years; beyond it, a draw with the
 * settings' probability (none given: no change). */
static int S_edition_change(const S_job *job, int year, gsl_rng *rng)
{
    const dti_project_obs *obs = job->obs;
    for (size_t k = 0; k < obs->n_years; k++)
        if (obs->year[k] == year)
            return obs->edition_change[k];
    const dti_project_settings *set = job->set;
    for (size_t k = 0; k < set->n_changes; k++)
        if (set->change_year[k] == year)
            return gsl_rng_uniform(rng) < set->change_prob[k];
    return 0;
}

/* The parameter draw of run r: chains taken in turn, each chain's draws in order, so that a few runs
 * already use every chain. */
static size_t S_draw_of(const dti_latent_fit *lf, size_t r)
{
    return (r % lf->chains) * lf->per_chain + (r / lf->chains) % lf->per_chain;
}

/* The year's m standardised innovations into w->eps, in the stream's order: normal deviates, each divided
 * by the square root of a Gamma(nu/2, 2/nu) draw under the t model. */
static void S_innovations(S_work *w, gsl_rng *rng, int heavy, double nu_t, size_t m)
{
    if (!heavy) {
        dti_gauss_fill(rng, 1.0, w->eps, m);
        return;
    }
    for (size_t q = 0; q < m; q++) {
        double e = dti_gauss(rng, 1.0);
        w->eps[q] = e / sqrt(gsl_ran_gamma(rng, 0.5 * nu_t, 2.0 / nu_t));
    }
}

/* Latent models: the fitted years from the posterior draw, then the dynamics forward (docs/projection.md):
 * the provinces on their own, the units as the mean of their provinces until units_from, then each unit
 * as one entity from its members' mean state and level. */
static void S_run_latent(S_job *job, S_work *w, size_t run)
{
    const dti_project_obs *obs = job->obs;
    const dti_latent_fit *lf = job->fit->latent;
    const dti_project_settings *set = job->set;
    const dti_merger *m = set->merger;
    size_t n = obs->n, nu = job->n_units, d = S_draw_of(lf, run);
    const double *th = &lf->theta[3 * d], *mu = &lf->mu[d * n];
    int heavy = lf->model == DTI_MODEL_EFFECTS_BREAKS_T;
    double nu_t = lf->nu, kappa = heavy ? (nu_t - 2) / nu_t : 1.0;
    double s2 = 1 - th[2];
    gsl_rng *rng = w->rng;
    int first = lf->first_year, yp = first + (int)lf->n_prov - 1, yf = first + (int)lf->n_grid - 1;
    for (size_t t = 0; job->copy_fit && t < lf->n_grid; t++) {
        const unsigned short *r = &lf->rank[(d * lf->n_grid + t) * n];
        const unsigned short *ur = nu ? &lf->urank[(d * lf->n_grid + t) * nu] : NULL;
        for (size_t p = 0; p < n; p++)
            w->yrank[t * n + p] = r[p];
        for (size_t j = 0; j < nu; j++)
            w->yurank[t * nu + j] = first + (int)t >= set->merge_year ? ur[j] : 0;
    }
    for (size_t p = 0; p < n; p++)
        w->up[p] = lf->zp[d * n + p] - mu[p];
    int units_started = 0;
    if (m) {
        for (size_t j = 0; j < nu; j++)
            w->muu[j] = 0;
        for (size_t p = 0; p < n; p++)
            w->muu[m->unit_of[p]] += job->wshare[p] * mu[p];
        if (yf > yp) { /* units fitted as one entity: start from their last fitted position */
            for (size_t j = 0; j < nu; j++)
                w->uu[j] = lf->zu[d * nu + j] - w->muu[j];
            units_started = 1;
        }
    }
    for (int y = yp + 1; y <= set->until; y++) {
        size_t t = (size_t)(y - first);
        double c = S_edition_change(job, y, rng) ? th[1] : th[0], sd = sqrt(s2 * (1 - c * c) * kappa);
        if (m && y > yf && set->units_from && y >= set->units_from && !units_started) {
            /* the units begin as one entity from their members' state of the year before */
            for (size_t j = 0; j < nu; j++)
                w->uu[j] = 0;
            for (size_t p = 0; p < n; p++)
                w->uu[m->unit_of[p]] += job->wshare[p] * w->up[p];
            units_started = 1;
        }
        S_innovations(w, rng, heavy, nu_t, n);
        for (size_t p = 0; p < n; p++) {
            w->up[p] = c * w->up[p] + sd * w->eps[p];
            w->pred[p] = mu[p] + w->up[p];
        }
        S_rank_field(w, n, &w->yrank[t * n]);
        if (!m || y <= yf)
            continue;
        if (!units_started) { /* before units_from: the rule on the positions */
            S_rank_units_rule(w, m, w->pred, &w->yurank[t * nu]);
            if (y < set->merge_year)
                memset(&w->yurank[t * nu], 0, nu * sizeof *w->yurank);
            continue;
        }
        S_innovations(w, rng, heavy, nu_t, nu);
        for (size_t j = 0; j < nu; j++) {
            w->uu[j] = c * w->uu[j] + sd * w->eps[j];
            w->ux[j] = w->muu[j] + w->uu[j];
        }
        S_rank_units(w, w->ux, nu, &w->yurank[t * nu]);
    }
}

/* Adds the run's ranks to the histograms and its events to the counts of batch `key`. */
static void S_record(S_job *job, S_work *w, size_t key)
{
    size_t n = job->obs->n, nu = job->n_units;
    int first = job->obs->year[0];
    for (size_t t = job->t_prov; t < job->n_sim; t++) {
        unsigned *h = &w->hist[t * n * (n + 1)];
        const size_t *r = &w->yrank[t * n];
        for (size_t p = 0; p < n; p++)
            if (r[p])
                h[p * (n + 1) + r[p]]++;
    }
    for (size_t t = job->t_unit; t < job->n_sim; t++) {
        unsigned *uh = &w->uhist[t * nu * (nu + 1)];
        const size_t *r = &w->yurank[t * nu];
        for (size_t j = 0; j < nu; j++)
            if (r[j])
                uh[j * (nu + 1) + r[j]]++;
    }
    const dti_project_settings *set = job->set;
    for (size_t e = 0; e < set->n_events; e++) {
        const dti_project_event *ev = &set->events[e];
        int hit = ev->from >= first && ev->to < first + (int)job->n_sim && ev->from <= ev->to;
        for (int y = ev->from; hit && y <= ev->to; y++) {
            size_t t = (size_t)(y - first);
            size_t r = ev->frame == DTI_FRAME_UNITS ? (ev->entity < nu ? w->yurank[t * nu + ev->entity] : 0)
                                                    : (ev->entity < n ? w->yrank[t * n + ev->entity] : 0);
            hit = r >= 1 && r <= ev->top;
        }
        if (hit)
            w->ev[e * job->n_keys + key]++;
    }
}

/* The histograms of the fitted years (before t_prov for provinces, t_unit for units): the ranks of
 * draw d, runs_of[d] times -- integer counts, the same as adding them run by run. */
static void S_record_fit(const S_job *job, const size_t *runs_of, dti_projection *out)
{
    const dti_latent_fit *lf = job->fit->latent;
    size_t n = job->obs->n, nu = job->n_units;
    for (size_t d = 0; d < lf->n_draws; d++) {
        unsigned long c = runs_of[d];
        if (!c)
            continue;
        for (size_t t = 0; t < job->t_prov; t++) {
            const unsigned short *r = &lf->rank[(d * lf->n_grid + t) * n];
            for (size_t p = 0; p < n; p++)
                if (r[p])
                    out->hist[(t * n + p) * (n + 1) + r[p]] += c;
        }
        for (size_t t = 0; nu && lf->n_units == nu && t < job->t_unit; t++) {
            if (lf->first_year + (int)t < job->set->merge_year)
                continue;
            const unsigned short *r = &lf->urank[(d * lf->n_grid + t) * nu];
            for (size_t j = 0; j < nu; j++)
                if (r[j])
                    out->unit_hist[(t * nu + j) * (nu + 1) + r[j]] += c;
        }
    }
}

static int S_block(void *ctx, size_t worker, size_t blk, dti_error *err)
{
    (void)err;
    S_job *job = ctx;
    S_work *w = &job->work[worker];
    /* One stream per block, seeded from (seed, block): the same runs whatever thread takes it. */
    gsl_rng_set(w->rng, dti_stream_seed(job->set->seed, blk, 0));
    size_t first = blk * S_BLOCK, last = first + S_BLOCK;
    if (last > job->set->runs)
        last = job->set->runs;
    for (size_t r = first; r < last; r++) {
        if (!job->fit->latent) { /* a latent run writes every rank it records (S_run_latent) */
            memset(w->yrank, 0, job->n_sim * job->obs->n * sizeof *w->yrank);
            memset(w->yurank, 0, job->n_sim * job->n_units * sizeof *w->yurank);
        }
        if (job->fit->latent) {
            S_run_latent(job, w, r);
            S_record(job, w, S_draw_of(job->fit->latent, r));
        } else {
            S_run_one(job, w);
            S_record(job, w, blk);
        }
    }
    return DTI_OK;
}

typedef struct {
    const dti_project_settings *set;
} S_progress_ctx;

static void S_progress(size_t done, size_t total, void *ctx)
{
    const dti_project_settings *set = ((S_progress_ctx *)ctx)->set;
    set->progress(done < total ? done * S_BLOCK : set->runs, set->runs, set->progress_ctx);
}

/* Batch means over the batch keys (parameter draws in chain order, or blocks of runs): the keys are cut
 * into up to 20 contiguous batches; the standard error of the overall proportion is the spread of the
 * batches' proportions.  Runs per key: runs_of[key]. */
#define S_BATCHES 20
static double S_batch_se(const unsigned long *hits, const size_t *runs_of, size_t n_keys, size_t runs)
{
    size_t used = 0;
    for (size_t k = 0; k < n_keys; k++)
        used += runs_of[k] > 0;
    unsigned long total = 0;
    for (size_t k = 0; k < n_keys; k++)
        total += hits[k];
    double p = runs ? (double)total / (double)runs : NAN;
    size_t B = used < S_BATCHES ? used : S_BATCHES;
    if (B < 2)
        return sqrt(p * (1 - p) / (double)runs);
    double var = 0;
    size_t k = 0;
    for (size_t b = 0; b < B; b++) { /* batch b: the keys in used-order [b*used/B, (b+1)*used/B) */
        size_t lo = b * used / B, hi = (b + 1) * used / B, seen = 0, r = 0;
        unsigned long h = 0;
        while (k < n_keys && seen < hi - lo) {
            if (runs_of[k]) {
                r += runs_of[k];
                h += hits[k];
                seen++;
            }
            k++;
        }
        double pb = (double)h / (double)r, wb = (double)B * (double)r / (double)runs;
        var += wb * (pb - p) * (pb - p);
    }
    return sqrt(var / (double)(B - 1) / (double)B);
}

int dti_project_simulate(const dti_project_obs *obs, const dti_project_fit *fit, const dti_project_settings *set,
                         dti_projection *out, dti_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = obs->n;
    if (set->until < obs->year[set->origin_index])
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--until %d is before the last year used (%d)", set->until,
                             obs->year[set->origin_index]);
    if (set->runs == 0)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--runs must be at least 1");
    if (set->until - obs->year[0] + 1 > DTI_PROJECT_MAX_YEARS)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--until %d: more than %d years from %d", set->until,
                             DTI_PROJECT_MAX_YEARS, obs->year[0]);
    if (fit->latent && set->merger != obs->merger && fit->latent->n_units)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "the projection's merger is not the fit's");
    if (!fit->latent)
        for (size_t k = 0; k <= set->origin_index; k++)
            if (obs->frame[k] == DTI_FRAME_UNITS)
                return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                                     "model %s cannot use the record of %d, which ranks the units; use a latent model "
                                     "(e.g. effects-breaks)",
                                     dti_project_model_name(fit->model), obs->year[k]);
    S_job job = {.obs = obs, .fit = fit, .set = set};
    job.n_sim = (size_t)(set->until - obs->year[0] + 1);
    job.n_blocks = (set->runs + S_BLOCK - 1) / S_BLOCK;
    job.n_units = set->merger ? set->merger->n_units : 0;
    job.n_keys = fit->latent ? fit->latent->n_draws : job.n_blocks;
    if (set->merger) { /* the same quotient every run computed */
        job.wshare = dti_xcalloc(n, sizeof *job.wshare);
        for (size_t p = 0; p < n; p++)
            job.wshare[p] = set->merger->weight[p] / set->merger->wsum[set->merger->unit_of[p]];
    }
    if (fit->latent) { /* the fitted years come from the draw: recorded once per draw, below */
        const dti_latent_fit *lf = fit->latent;
        job.t_prov = lf->n_prov < job.n_sim ? lf->n_prov : job.n_sim;
        job.t_unit = lf->n_grid < job.n_sim ? lf->n_grid : job.n_sim;
        for (size_t e = 0; e < set->n_events; e++)
            job.copy_fit |= set->events[e].from < obs->year[0] + (int)lf->n_grid;
    }
    size_t threads = set->threads ? set->threads : 1, nu = job.n_units, ne = set->n_events;
    S_work *w = dti_xcalloc(threads, sizeof *w);
    job.work = w;
    size_t hist_len = job.n_sim * n * (n + 1), uhist_len = job.n_sim * nu * (nu + 1);
    double *score = dti_xcalloc(n + 1, sizeof *score);
    for (size_t r = 1; r <= n; r++)
        score[r] = S_score(r, n);
    for (size_t k = 0; k < threads; k++) { /* every buffer sized up front: the runs allocate nothing */
        w[k].x = dti_xcalloc(n, sizeof(double));
        w[k].pred = dti_xcalloc(n, sizeof(double));
        w[k].alpha = dti_xcalloc(n, sizeof(double));
        w[k].beta = dti_xcalloc(n, sizeof(double));
        w[k].order = dti_xcalloc(n, sizeof(size_t));
        w[k].tmp = dti_xcalloc(n, sizeof(size_t));
        w[k].count = dti_xcalloc(n + 1, sizeof(size_t));
        w[k].rank = dti_xcalloc(n, sizeof(size_t));
        w[k].assigned = dti_xcalloc(n, sizeof(size_t));
        w[k].slot_used = dti_xcalloc(n + 1, sizeof(size_t));
        w[k].hist = dti_xcalloc(hist_len, sizeof(unsigned));
        w[k].ux = dti_xcalloc(nu + 1, sizeof(double));
        w[k].uhist = dti_xcalloc(uhist_len + 1, sizeof(unsigned));
        w[k].yrank = dti_xcalloc(job.n_sim * n, sizeof(size_t));
        w[k].yurank = dti_xcalloc(job.n_sim * nu + 1, sizeof(size_t));
        w[k].up = dti_xcalloc(n, sizeof(double));
        w[k].uu = dti_xcalloc(nu + 1, sizeof(double));
        w[k].muu = dti_xcalloc(nu + 1, sizeof(double));
        w[k].ev = dti_xcalloc(ne * job.n_keys + 1, sizeof(unsigned long));
        w[k].sort = dti_sort_ws_alloc(n > nu ? n : nu);
        w[k].eps = dti_xcalloc(n > nu ? n : nu, sizeof(double));
        w[k].score = score;
        w[k].rng = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
        if (!w[k].rng)
            abort();
    }
    S_progress_ctx pctx = {set};
    dti_mc_job mj = {.n_blocks = job.n_blocks, .threads = threads, .run = S_block, .ctx = &job,
                     .progress = set->progress ? S_progress : NULL, .progress_ctx = &pctx};
    int rc = dti_mc_run(&mj, err);
    /* Integer counts summed in thread order: the sum is exact, so identical for any thread count. */
    out->n = n;
    out->first_year = obs->year[0];
    out->n_years = job.n_sim;
    out->runs = set->runs;
    out->hist = dti_xcalloc(hist_len, sizeof *out->hist);
    out->n_units = nu;
    out->merge_year = set->merge_year;
    out->unit_hist = dti_xcalloc(uhist_len + 1, sizeof *out->unit_hist);
    out->n_events = ne;
    out->event_hits = dti_xcalloc(ne + 1, sizeof *out->event_hits);
    out->event_se = dti_xcalloc(ne + 1, sizeof *out->event_se);
    unsigned long *ev = dti_xcalloc(ne * job.n_keys + 1, sizeof *ev);
    for (size_t k = 0; k < threads; k++) {
        for (size_t i = 0; i < hist_len; i++)
            out->hist[i] += w[k].hist[i];
        for (size_t i = 0; i < uhist_len; i++)
            out->unit_hist[i] += w[k].uhist[i];
        for (size_t i = 0; i < ne * job.n_keys; i++)
            ev[i] += w[k].ev[i];
        free(w[k].ux);
        free(w[k].uhist);
        free(w[k].x);
        free(w[k].pred);
        free(w[k].alpha);
        free(w[k].beta);
        free(w[k].order);
        free(w[k].tmp);
        free(w[k].count);
        free(w[k].rank);
        free(w[k].assigned);
        free(w[k].slot_used);
        free(w[k].hist);
        free(w[k].yrank);
        free(w[k].yurank);
        free(w[k].up);
        free(w[k].uu);
        free(w[k].muu);
        free(w[k].ev);
        dti_sort_ws_free(w[k].sort);
        free(w[k].eps);
        gsl_rng_free(w[k].rng);
    }
    size_t *runs_of = dti_xcalloc(job.n_keys + 1, sizeof *runs_of);
    for (size_t k = 0; k < job.n_keys; k++) {
        if (fit->latent) { /* the runs of draw k: r with S_draw_of(r) = k */
            const dti_latent_fit *lf = fit->latent;
            size_t c = k / lf->per_chain, i = k % lf->per_chain, D = lf->n_draws;
            size_t first_run = i * lf->chains + c; /* then every D runs */
            runs_of[k] = first_run < set->runs ? (set->runs - first_run - 1) / D + 1 : 0;
        } else {
            runs_of[k] = k + 1 < job.n_keys ? S_BLOCK : set->runs - k * S_BLOCK;
        }
    }
    if (fit->latent && !rc) /* the fitted years: each draw's ranks, as often as runs took the draw */
        S_record_fit(&job, runs_of, out);
    for (size_t e = 0; e < ne; e++) {
        for (size_t k = 0; k < job.n_keys; k++)
            out->event_hits[e] += ev[e * job.n_keys + k];
        out->event_se[e] = S_batch_se(&ev[e * job.n_keys], runs_of, job.n_keys, set->runs);
    }
    free(runs_of);
    free(job.wshare);
    free(ev);
    free(score);
    free(w);
    if (rc)
        dti_projection_clear(out);
    return rc;
}

void dti_projection_clear(dti_projection *pr)
{
    free(pr->hist);
    free(pr->unit_hist);
    free(pr->event_hits);
    free(pr->event_se);
    memset(pr, 0, sizeof *pr);
}

/* Counts of ranks 0..n of entity p in `year` for a frame, or NULL when not simulated. */
static const unsigned long *S_hist(const dti_projection *pr, int frame, size_t p, int year, size_t *n)
{
    if (year < pr->first_year || year >= pr->first_year + (int)pr->n_years)
        return NULL;
    size_t t = (size_t)(year - pr->first_year);
    if (frame == DTI_FRAME_UNITS) {
        if (!pr->n_units || year < pr->merge_year || p >= pr->n_units)
            return NULL;
        *n = pr->n_units;
        return &pr->unit_hist[(t * pr->n_units + p) * (pr->n_units + 1)];
    }
    *n = pr->n;
    return &pr->hist[(t * pr->n + p) * (pr->n + 1)];
}

double dti_projection_p_top(const dti_projection *pr, int frame, size_t p, int year, size_t k)
{
    size_t n;
    const unsigned long *h = S_hist(pr, frame, p, year, &n);
    if (!h)
        return NAN;
    unsigned long c = 0;
    for (size_t r = 1; r <= k && r <= n; r++)
        c += h[r];
    return (double)c / (double)pr->runs;
}

size_t dti_projection_quantile(const dti_projection *pr, int frame, size_t p, int year, double q)
{
    size_t n;
    const unsigned long *h = S_hist(pr, frame, p, year, &n);
    if (!h)
        return 0;
    /* The smallest rank r with P(rank <= r) >= q (counts compared in integers: no rounding). */
    double need = q * (double)pr->runs;
    unsigned long c = 0;
    for (size_t r = 1; r <= n; r++) {
        c += h[r];
        if ((double)c >= need)
            return r;
    }
    return n;
}
