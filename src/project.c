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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "internal.h"
#include "merger.h"
#include "project.h"

#define S_BLOCK 1000 /* runs per random-number block: the unit of work and of reproducibility */

static const char *const S_model_names[] = {"persistence", "trend", "panel"};

int dti_project_model_parse(const char *s, int *model, dti_error *err)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, S_model_names[i])) {
            *model = i;
            return DTI_OK;
        }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown model '%s' (use persistence, trend or panel)", s);
}

const char *dti_project_model_name(int model) { return S_model_names[model]; }

/* ---- the observations ------------------------------------------------------------------------- */

int dti_project_obs_init(dti_project_obs *obs, const dti_year *const *years, size_t n_years, const dti_registry *reg,
                         dti_error *err)
{
    memset(obs, 0, sizeof *obs);
    if (n_years == 0 || n_years > DTI_PROJECT_MAX_YEARS)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "need 1 to %d year records", DTI_PROJECT_MAX_YEARS);
    obs->n = reg->n;
    obs->n_years = n_years;
    for (size_t t = 0; t < n_years; t++) {
        const dti_year *yr = years[t];
        if (t > 0 && yr->year <= years[t - 1]->year)
            return dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0, "year records must be in increasing year order");
        if (yr->units != reg->n)
            return dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0,
                                 "ranks among %zu units cannot be projected with a registry of %zu", yr->units,
                                 reg->n);
        obs->year[t] = yr->year;
    }
    obs->exact = dti_xcalloc(n_years * obs->n, sizeof *obs->exact);
    obs->lo = dti_xcalloc(n_years * obs->n, sizeof *obs->lo);
    obs->hi = dti_xcalloc(n_years * obs->n, sizeof *obs->hi);
    for (size_t t = 0; t < n_years; t++) {
        obs->complete[t] = 1;
        for (size_t p = 0; p < obs->n; p++) {
            obs->exact[t * obs->n + p] = dti_year_rank_bounds(years[t], p, years[t]->fw->root, &obs->lo[t * obs->n + p],
                                                               &obs->hi[t * obs->n + p], NULL);
            obs->complete[t] &= obs->exact[t * obs->n + p] != 0;
            obs->upper[t] |= !obs->exact[t * obs->n + p] && obs->hi[t * obs->n + p] < obs->n;
        }
    }
    return DTI_OK;
}

void dti_project_obs_clear(dti_project_obs *obs)
{
    free(obs->exact);
    free(obs->lo);
    free(obs->hi);
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

int dti_project_fit_model(const dti_project_obs *obs, size_t n_fit, int model, dti_project_fit *fit, dti_error *err)
{
    memset(fit, 0, sizeof *fit);
    fit->model = model;
    fit->n_fit = n_fit;
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
}

/* ---- simulation ------------------------------------------------------------------------------- */

typedef struct {
    double *x, *pred, *score, *alpha, *beta;
    size_t *order, *tmp, *count, *rank, *slot_used, *assigned;
    unsigned *hist; /* [n_sim_years][n][n + 1] */
    double *ux;       /* [n_units] merged latent positions */
    size_t *uorder;   /* [n_units] units by position */
    unsigned *uhist;  /* [n_sim_years][n_units][n_units + 1] */
    gsl_rng *rng;
} S_work;

typedef struct {
    const dti_project_obs *obs;
    const dti_project_fit *fit;
    const dti_project_settings *set;
    size_t n_sim, n_blocks; /* simulated years (first observed .. until), blocks of runs */
    size_t next_block;
    pthread_mutex_t lock;
    S_work *work;
} S_job;

/* Sorts the permutation idx[0..n) by val descending, ties by index.  A counting sort into n buckets
 * of equal width between the extremes does most of the work in O(n) with predictable branches; an
 * insertion sort then puts the few elements that share a bucket in order.  (Measured at n = 63: about
 * twice as fast as insertion sort alone, whose branch mispredictions dominated the Monte Carlo.)  The
 * order (value, then index) is total, so the result does not depend on the starting order.
 * tmp: n entries; count: n + 1 entries. */
/* Bucket of value v: floor((hi - v) * scale) in 0..n-1; a value that is not finite goes last (the
 * insertion sort then orders it by the same comparison as everything else). */
static size_t S_bucket(double hi, double v, double scale, size_t n)
{
    double b = (hi - v) * scale;
    return b >= 0 && b < (double)n ? (size_t)b : n - 1;
}

static void S_sort_desc(const double *val, size_t *idx, size_t *tmp, size_t *count, size_t n)
{
    double lo = val[0], hi = val[0];
    for (size_t i = 1; i < n; i++) {
        lo = val[i] < lo ? val[i] : lo;
        hi = val[i] > hi ? val[i] : hi;
    }
    if (hi > lo && isfinite(hi - lo)) {
        /* the factor keeps hi - lo inside bucket n - 1 */
        double scale = (double)n * (1.0 - 1e-9) / (hi - lo);
        memset(count, 0, (n + 1) * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[S_bucket(hi, val[i], scale, n) + 1]++;
        for (size_t b = 1; b <= n; b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++) /* in index order: ties stay in index order within a bucket */
            tmp[count[S_bucket(hi, val[i], scale, n)]++] = i;
        memcpy(idx, tmp, n * sizeof *idx);
    }
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && (val[idx[j - 1]] < val[v] || (!(val[idx[j - 1]] > val[v]) && idx[j - 1] > v))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

/* Competition ranks of pred (ties share a rank) into rank[]. */
static void S_rank_field(S_work *w, size_t n)
{
    S_sort_desc(w->pred, w->order, w->tmp, w->count, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = w->order[k];
        int tie = k > 0 && !(w->pred[w->order[k - 1]] > w->pred[i]);
        w->rank[i] = tie ? w->rank[w->order[k - 1]] : k + 1;
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
    S_sort_desc(w->pred, w->order, w->tmp, w->count, n);
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
        double z0 = gsl_ran_gaussian_ziggurat(rng, 1.0), z1 = gsl_ran_gaussian_ziggurat(rng, 1.0);
        sigma = sqrt(s2);
        a = fit->a + sigma * l00 * z0;
        b = fit->b + sigma * (l10 * z0 + l11 * z1);
    } else if (fit->model == DTI_MODEL_TREND) {
        double s2 = fit->df > 0 ? fit->s2 * fit->df / gsl_ran_chisq(rng, fit->df) : fit->s2;
        sigma = sqrt(s2);
        for (size_t p = 0; p < n; p++) {
            const dti_project_trend *tr = &fit->trend[p];
            w->alpha[p] = tr->n ? tr->alpha + gsl_ran_gaussian_ziggurat(rng, sigma / sqrt((double)tr->n)) : 0.0;
            w->beta[p] = tr->n >= 2 ? tr->beta + gsl_ran_gaussian_ziggurat(rng, sigma / sqrt(tr->sxx)) : 0.0;
        }
    }
    for (size_t p = 0; p < n; p++)
        w->order[p] = p;
    for (size_t j = 0; set->merger && j < set->merger->n_units; j++)
        w->uorder[j] = j;
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
                w->pred[p] = mean + gsl_ran_gaussian_ziggurat(rng, tr->n ? sigma : 1.0);
            } else if (t == 0) {
                /* No earlier year: persistence knows nothing (all equal, registry order breaks ties);
                 * the panel starts from the stationary field N(0, 1). */
                w->pred[p] = fit->model == DTI_MODEL_PANEL ? gsl_ran_gaussian_ziggurat(rng, 1.0) : 0.0;
            } else if (fit->model == DTI_MODEL_PANEL) {
                w->pred[p] = a + b * w->x[p] + gsl_ran_gaussian_ziggurat(rng, sigma);
            } else {
                w->pred[p] = w->x[p];
            }
        }
        if (ot != DTI_NONE)
            S_rank_observed(w, obs, ot, n);
        else
            S_rank_field(w, n);
    record:;
        unsigned *h = &w->hist[t * n * (n + 1)];
        for (size_t p = 0; p < n; p++) {
            w->x[p] = w->score[w->rank[p]];
            h[p * (n + 1) + w->rank[p]]++;
        }
        if (set->merger && year >= set->merge_year) { /* the merged frame: rank the units' mean positions */
            const dti_merger *m = set->merger;
            size_t nu = m->n_units;
            dti_merger_apply(m, w->x, w->ux);
            unsigned *uh = &w->uhist[t * nu * (nu + 1)];
            S_sort_desc(w->ux, w->uorder, w->tmp, w->count, nu);
            for (size_t k = 0, r = 1; k < nu; k++) {
                if (k > 0 && w->ux[w->uorder[k - 1]] > w->ux[w->uorder[k]])
                    r = k + 1; /* competition rule: a tie keeps the rank of the first */
                uh[w->uorder[k] * (nu + 1) + r]++;
            }
        }
    }
}

static void *S_worker(void *arg)
{
    S_job *job = ((void **)arg)[0];
    S_work *w = ((void **)arg)[1];
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t blk = job->next_block++;
        if (job->set->progress && blk <= job->n_blocks)
            job->set->progress(blk < job->n_blocks ? blk * S_BLOCK : job->set->runs, job->set->runs,
                               job->set->progress_ctx);
        pthread_mutex_unlock(&job->lock);
        if (blk >= job->n_blocks)
            break;
        /* One stream per block, seeded from (seed, block): the same runs whatever thread takes it. */
        gsl_rng_set(w->rng, dti_stream_seed(job->set->seed, blk, 0));
        size_t first = blk * S_BLOCK, last = first + S_BLOCK;
        if (last > job->set->runs)
            last = job->set->runs;
        for (size_t r = first; r < last; r++)
            S_run_one(job, w);
    }
    return NULL;
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
    S_job job = {.obs = obs, .fit = fit, .set = set};
    job.n_sim = (size_t)(set->until - obs->year[0] + 1);
    job.n_blocks = (set->runs + S_BLOCK - 1) / S_BLOCK;
    pthread_mutex_init(&job.lock, NULL);
    size_t threads = set->threads ? set->threads : 1;
    S_work *w = dti_xcalloc(threads, sizeof *w);
    size_t hist_len = job.n_sim * n * (n + 1);
    size_t nu = set->merger ? set->merger->n_units : 0, uhist_len = job.n_sim * nu * (nu + 1);
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
        w[k].ux = dti_xcalloc(nu, sizeof(double));
        w[k].uorder = dti_xcalloc(nu, sizeof(size_t));
        w[k].uhist = dti_xcalloc(uhist_len, sizeof(unsigned));
        w[k].score = score;
        w[k].rng = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
        if (!w[k].rng)
            abort();
    }
    pthread_t *tid = dti_xcalloc(threads, sizeof *tid);
    void **args = dti_xcalloc(2 * threads, sizeof *args);
    for (size_t k = 0; k < threads; k++) {
        args[2 * k] = &job;
        args[2 * k + 1] = &w[k];
        if (k > 0 && pthread_create(&tid[k], NULL, S_worker, &args[2 * k]) != 0)
            abort();
    }
    S_worker(&args[0]);
    for (size_t k = 1; k < threads; k++)
        pthread_join(tid[k], NULL);
    /* Integer counts summed in thread order: the sum is exact, so identical for any thread count. */
    out->n = n;
    out->first_year = obs->year[0];
    out->n_years = job.n_sim;
    out->runs = set->runs;
    out->hist = dti_xcalloc(hist_len, sizeof *out->hist);
    out->n_units = nu;
    out->merge_year = set->merge_year;
    out->unit_hist = dti_xcalloc(uhist_len, sizeof *out->unit_hist);
    for (size_t k = 0; k < threads; k++) {
        for (size_t i = 0; i < hist_len; i++)
            out->hist[i] += w[k].hist[i];
        for (size_t i = 0; i < uhist_len; i++)
            out->unit_hist[i] += w[k].uhist[i];
        free(w[k].ux);
        free(w[k].uorder);
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
        gsl_rng_free(w[k].rng);
    }
    free(score);
    free(w);
    free(tid);
    free(args);
    pthread_mutex_destroy(&job.lock);
    return DTI_OK;
}

void dti_projection_clear(dti_projection *pr)
{
    free(pr->hist);
    free(pr->unit_hist);
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
