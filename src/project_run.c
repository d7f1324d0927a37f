/* project_run.c -- the main job's computation: fit the default model, simulate both frames, evaluate
 * the targets (their status on the record, the probability of meeting them in the target edition and
 * in every edition up to it, with Monte Carlo standard errors), and the same headline probabilities
 * under every candidate model (the model dependence).  Objects in, results out; nothing is printed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merger.h"
#include "project.h"

/* The last year up to `year` in which entity e of `frame` has a known rank, and that rank (0: none).
 * Provinces: exact ranks of the province records; units: a units record, or the rule on a province
 * year whose every value is known, from the merger year on. */
static size_t S_last_rank(const dti_project_obs *obs, int frame, size_t e, int year, int merge_year, int *at)
{
    *at = 0;
    size_t r = 0;
    for (size_t t = 0; t < obs->n_years && obs->year[t] <= year; t++) {
        size_t k = 0;
        if (frame == DTI_FRAME_PROVINCES && obs->frame[t] == DTI_FRAME_PROVINCES)
            k = obs->exact[t * obs->n + e];
        else if (frame == DTI_FRAME_UNITS && obs->frame[t] == DTI_FRAME_UNITS)
            k = obs->exact[t * obs->n + e];
        else if (frame == DTI_FRAME_UNITS && obs->merger && obs->has_values[t] && obs->year[t] >= merge_year)
            k = obs->unit_rank[t * obs->merger->n_units + e];
        if (k) {
            r = k;
            *at = obs->year[t];
        }
    }
    return r;
}

/* Events of a target in one frame: rank <= top in the target year, and in every year from the first
 * simulated one after the record up to it. */
static size_t S_events(const dti_project_headline *h, dti_project_event *ev)
{
    size_t n = 0;
    for (size_t k = 0; k < h->n_targets; k++) {
        const dti_target_result *tr = &h->targets[k];
        ev[n++] = (dti_project_event){tr->frame, tr->entity, tr->target.year, tr->target.year, tr->target.top};
        ev[n++] = (dti_project_event){tr->frame, tr->entity, tr->from, tr->target.year, tr->target.top};
    }
    return n;
}

static void S_settings(const dti_projection_config *cfg, const dti_project_obs *obs, const dti_merger *m, int merge_year,
                       size_t runs, unsigned long seed, size_t threads, dti_project_settings *s)
{
    memset(s, 0, sizeof *s);
    s->runs = runs;
    s->seed = seed;
    s->threads = threads;
    s->until = cfg->until;
    s->origin_index = obs->n_years - 1;
    s->merger = m;
    s->merge_year = merge_year;
    s->units_from = cfg->sampler.units_from;
    s->n_changes = cfg->n_changes;
    memcpy(s->change_year, cfg->change_year, sizeof s->change_year);
    memcpy(s->change_prob, cfg->change_prob, sizeof s->change_prob);
}

int dti_project_headline_run(const dti_project_obs *obs, const dti_projection_config *cfg, const dti_merger *m,
                             int merge_year, const dti_headline_request *req, dti_project_headline *h, dti_error *err)
{
    memset(h, 0, sizeof *h);
    h->model = req->model;
    h->runs = req->runs;
    h->seed = req->seed;
    h->first_year = obs->year[0];
    h->last_year = obs->year[obs->n_years - 1];
    h->until = cfg->until;
    if (h->until <= h->last_year)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--until %d: the record already reaches %d", h->until,
                             h->last_year);
    /* the targets, in each frame asked for */
    size_t cap = 2 * (req->n_targets ? req->n_targets : 1);
    h->targets = dti_xcalloc(cap, sizeof *h->targets);
    for (size_t k = 0; k < req->n_targets; k++)
        for (int frame = DTI_FRAME_UNITS; frame >= DTI_FRAME_PROVINCES; frame--) {
            if ((frame == DTI_FRAME_UNITS && (!m || req->frame == DTI_FRAME_PROVINCES)) ||
                (frame == DTI_FRAME_PROVINCES && req->frame == DTI_FRAME_UNITS))
                continue;
            dti_target_result *tr = &h->targets[h->n_targets++];
            tr->target = req->targets[k];
            tr->frame = frame;
            tr->entity = frame == DTI_FRAME_UNITS ? m->unit_of[req->targets[k].province] : req->targets[k].province;
            tr->last_rank = S_last_rank(obs, frame, tr->entity, tr->target.year, merge_year, &tr->last_year);
            tr->decided = tr->target.year <= h->last_year;
            tr->from = h->last_year + 1;
            tr->p_year = tr->se_year = tr->p_all = tr->se_all = NAN;
        }
    dti_project_event *ev = dti_xcalloc(2 * h->n_targets + 1, sizeof *ev);
    size_t n_ev = S_events(h, ev);
    /* Every model to compare (the default first): fit, simulate, read the events.  The default keeps
     * its fit and projection for the tables. */
    size_t n_models = 1;
    int models[DTI_MODEL_COUNT];
    models[0] = req->model;
    for (size_t k = 0; req->compare && k < cfg->n_candidates; k++)
        if (cfg->candidates[k] != req->model)
            models[n_models++] = cfg->candidates[k];
    h->lines = dti_xcalloc(n_models, sizeof *h->lines);
    int rc = DTI_OK;
    for (size_t k = 0; k < n_models && !rc; k++) {
        dti_latent_settings ls = cfg->sampler;
        ls.seed = req->seed;
        ls.threads = req->threads;
        dti_project_fit fit;
        dti_project_settings set;
        S_settings(cfg, obs, m, merge_year, k == 0 ? req->runs : req->compare_runs, req->seed, req->threads, &set);
        set.events = ev;
        set.n_events = n_ev;
        if (k == 0) {
            set.progress = req->progress;
            set.progress_ctx = req->progress_ctx;
        }
        dti_projection pr;
        if ((rc = dti_project_fit_model(obs, obs->n_years, models[k], &ls, &fit, err)))
            break;
        if ((rc = dti_project_simulate(obs, &fit, &set, &pr, err))) {
            dti_project_fit_clear(&fit);
            break;
        }
        dti_model_line *ln = &h->lines[h->n_lines++];
        ln->model = models[k];
        ln->runs = set.runs;
        for (size_t e = 0; e < n_ev && e / 2 < DTI_HEADLINE_MAX_TARGETS; e++) {
            double p = (double)pr.event_hits[e] / (double)pr.runs;
            if (e % 2 == 0) {
                ln->p_year[e / 2] = p;
                ln->se_year[e / 2] = pr.event_se[e];
            } else {
                ln->p_all[e / 2] = p;
                ln->se_all[e / 2] = pr.event_se[e];
            }
        }
        if (k == 0) {
            h->fit = fit;
            h->pr = pr;
            h->settings = set;
            h->settings.events = NULL;
            h->settings.n_events = 0;
            for (size_t t = 0; t < h->n_targets; t++) {
                dti_target_result *tr = &h->targets[t];
                tr->p_year = ln->p_year[t];
                tr->se_year = ln->se_year[t];
                tr->p_all = ln->p_all[t];
                tr->se_all = ln->se_all[t];
            }
        } else {
            dti_projection_clear(&pr);
            dti_project_fit_clear(&fit);
        }
    }
    free(ev);
    if (rc)
        dti_project_headline_clear(h);
    return rc;
}

void dti_project_headline_clear(dti_project_headline *h)
{
    if (h->n_lines) {
        dti_projection_clear(&h->pr);
        dti_project_fit_clear(&h->fit);
    }
    free(h->targets);
    free(h->lines);
    memset(h, 0, sizeof *h);
}

int dti_latent_rule_check(const dti_project_obs *obs, const dti_latent_fit *fit, size_t *n_units, size_t *n_draws_all,
                          int *year)
{
    *n_units = *n_draws_all = 0;
    *year = 0;
    const dti_merger *m = obs->merger;
    if (!m || !fit || fit->n_prov == 0)
        return 0;
    size_t t = fit->n_prov - 1, rec = DTI_NONE, nu = m->n_units, n = obs->n;
    for (size_t k = 0; k < obs->n_years; k++)
        if (obs->year[k] == fit->first_year + (int)t)
            rec = k;
    if (rec == DTI_NONE || !obs->has_values[rec])
        return 0;
    *year = obs->year[rec];
    *n_units = nu;
    double *uz = dti_xcalloc(nu, sizeof *uz);
    size_t *rank = dti_xcalloc(nu, sizeof *rank);
    for (size_t d = 0; d < fit->n_draws; d++) {
        dti_merger_apply(m, &fit->zp[d * n], uz);
        /* ranked on the positions themselves (no rounding), against the official table of the year */
        dti_rank_competition(uz, nu, -1, rank, NULL, NULL);
        size_t same = 0;
        for (size_t j = 0; j < nu; j++)
            same += rank[j] == obs->unit_rank[rec * nu + j];
        *n_draws_all += same == nu;
    }
    free(uz);
    free(rank);
    return 1;
}

/* ---- the record around an entity ---------------------------------------------------------------- */

int dti_project_history(const dti_year *const *years, size_t n_years, const dti_year *const *pub, size_t n_pub,
                        const dti_merger *m, int frame, size_t entity, dti_history *h)
{
    memset(h, 0, sizeof *h);
    for (size_t t = 0; t < n_years && h->n < DTI_PROJECT_MAX_YEARS; t++) {
        const dti_year *yr = years[t];
        int units_rec = dti_year_frame(yr) != NULL;
        if ((frame == DTI_FRAME_PROVINCES && units_rec) || (frame == DTI_FRAME_UNITS && !m))
            continue;
        dti_history_point *pt = &h->point[h->n];
        memset(pt, 0, sizeof *pt);
        pt->year = yr->year;
        pt->value = NAN;
        size_t root = yr->fw->root, cnt = yr->reg->n;
        if (frame == DTI_FRAME_PROVINCES || units_rec) { /* the entity is an entry of the record */
            pt->n = cnt;
            pt->rank = dti_year_rank_bounds(yr, entity, root, &pt->lo, &pt->hi, &pt->derived);
            double pv, comp;
            dti_year_values(yr, entity, root, &pv, &comp);
            pt->value = !isnan(pv) ? pv : comp;
            pt->published = 1;
            h->n++;
            continue;
        }
        /* a unit in a province year: by the rule, where every former province has a value (before the
         * reorganisation too: what the rule would have given) */
        size_t n = yr->reg->n, nu = m->n_units;
        double *v = dti_xcalloc(n, sizeof *v), *uv = dti_xcalloc(nu, sizeof *uv);
        for (size_t p = 0; p < n; p++) {
            double pv, comp;
            dti_year_values(yr, p, root, &pv, &comp);
            v[p] = !isnan(pv) ? pv : comp;
        }
        dti_merger_apply(m, v, uv);
        size_t *rank = dti_xcalloc(nu, sizeof *rank);
        int all = 1;
        for (size_t j = 0; j < nu; j++)
            all &= !isnan(uv[j]);
        if (all) {
            dti_rank_competition(uv, nu, yr->fw->precision, rank, NULL, NULL);
            pt->n = nu;
            pt->rank = pt->lo = pt->hi = rank[entity];
            pt->value = uv[entity];
            pt->precision = yr->fw->precision;
            for (size_t k = 0; k < n_pub; k++) /* the units' own table of that year, where it is published */
                if (pub[k]->year == yr->year && pub[k]->reg->n == nu) {
                    size_t lo, hi;
                    double pv, pc;
                    size_t r = dti_year_rank_bounds(pub[k], entity, pub[k]->fw->root, &lo, &hi, NULL);
                    dti_year_values(pub[k], entity, pub[k]->fw->root, &pv, &pc);
                    pt->published = r == rank[entity] ? 1 : 0;
                    pt->pub_value = !isnan(pv);
                }
            /* the neighbours of the last such year: the entities ranked just above and below */
            h->n_near = 0;
            for (size_t j = 0; j < nu && h->n_near < DTI_HISTORY_NEAR; j++) {
                if (j == entity)
                    continue;
                size_t d = rank[j] > rank[entity] ? rank[j] - rank[entity] : rank[entity] - rank[j];
                if (d <= DTI_HISTORY_NEAR / 2 && rank[j] != rank[entity]) {
                    h->near[h->n_near].entity = j;
                    h->near[h->n_near].rank = rank[j];
                    h->near[h->n_near].value = uv[j];
                    h->n_near++;
                }
            }
            h->near_year = yr->year;
            h->n++;
        }
        free(rank);
        free(v);
        free(uv);
    }
    /* the neighbours in order of rank */
    for (size_t i = 1; i < h->n_near; i++)
        for (size_t j = i; j > 0 && h->near[j - 1].rank > h->near[j].rank; j--) {
            dti_history_near tmp = h->near[j];
            h->near[j] = h->near[j - 1];
            h->near[j - 1] = tmp;
        }
    return DTI_OK;
}
