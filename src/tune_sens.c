/* tune_sens.c -- `dtirank tune sensitivity`: Monte Carlo uncertainty analysis of ranks (JRC audit
 * style) and Sobol indices of one unit's rank and score by input group.  Binds the uncertain inputs
 * (read by tune_load.c from models/uncertainty-*.yaml) to the framework, turns each draw of uniforms
 * into engine overrides (engine.h: dti_engine_run_override) and runs them through the sampler of tune_mc.c.
 * Stages 1-5 (impute, treat, normalise) depend only on the discrete choices, so their result is
 * computed once per combination (the memo) and each draw starts at the aggregation.  Among the units
 * of the 2025 reorganisation (--units), each memo is merged once by the rule and each draw aggregates
 * and ranks the units only.  docs/tuning.md §2 and §5. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "merger.h"
#include "tune.h"

#define S_MEMO_MAX 256      /* discrete combinations memoised (each nj x nu doubles) ... */
#define S_MEMO_CELLS ((size_t)1 << 24) /* ... within 128 MB; beyond, every draw runs every stage */

/* One uncertain input bound to the framework (dti_tune_sens_new): the spec's settings, and for
 * weights the nodes it moves. */
typedef struct S_input {
    const char *name; /* borrowed from the spec */
    int kind;         /* enum dti_unc_kind */
    size_t dim, off;  /* uniforms used and their offset in a draw */
    /* weights */
    int dirichlet;
    double noise, alpha;
    size_t *nodes, n_nodes;
    double *share;   /* dirichlet: nominal share of the node among its randomised siblings */
    /* discrete choices */
    dti_norm_spec norm[DTI_UNC_MAX_CHOICES];
    int choice[DTI_UNC_MAX_CHOICES];
    size_t n_choice;
    size_t lo, hi; /* winsorisation limit range */
} S_input;

typedef struct S_state {
    const dti_tune_sens *s;
    dti_engine *w;
    dti_engine *uw;        /* units: the merged units' workspace */
    dti_engine_kernel *k, *uk; /* the replication kernels of the memo paths (provinces, units) */
    double *ubuf, *col;    /* units without a memo: [nj * n_units] merged table, [n_old] scratch */
    double *weight, *gsum; /* [nn] */
    size_t worker;         /* its index among the states (the probe's) */
    uint32_t *cnt;         /* [(u * 3 + q) * s->bins + bin] draws in each bin of each window; in the
                            * first pass, whose three windows of a unit are the same, [u * s->stride0 + b]:
                            * b = 0 the draws that leave u unranked, b >= 1 bin b - 1 */
    size_t *intop;         /* [u] first pass, bins of several ranks: the draws that rank u <= top */
} S_state;

/* The ranks [lo, lo + len) that hold a quantile of one unit, counted in bins of 2^shift ranks; below:
 * the unit's ranked draws at ranks < lo.  len 0: resolved (or never ranked). */
typedef struct S_window {
    size_t lo, len, below;
    unsigned shift;
} S_window;

struct dti_tune_sens {
    const dti_framework *fw;
    const dti_dataset *ds;
    dti_engine_settings set;
    size_t *groups;
    S_input *in;
    size_t n_in, dim;
    size_t *group_of;
    double *nominal;
    double *memo;
    double *logmemo; /* log of every memo cell: the geometric mean's logarithms, once per combination */
    size_t n_memo;
    const dti_merger_frame *mf; /* NULL: the data's units are ranked; else the merger's units */
    dti_engine_settings uset;   /* the units' run: names for messages */
    double *umemo, *ulogmemo;   /* [memo][j * n_units + k] each memo merged by the rule, and its log */
    dti_engine_kernel_cols **memocols, **umemocols; /* [memo] the facts of each memo's columns */
    size_t n_out;               /* units ranked: ds->n_units, or the merger's */
    size_t unit;                /* of the ranked units */
    size_t threads;
    S_state *st;
    void **stp;
    char *path;
    /* the rank statistics (dti_tune_sens_mc) */
    size_t top;
    size_t bins;   /* bins per window: DTI_TUNE_RANK_BINS (tests set fewer) */
    size_t pass;   /* 0: the first pass over the draws */
    size_t stride0; /* the first pass's counters per unit: its bins and the unranked draws */
    S_window *win; /* [u * 3 + q] for quantile q of S_pct */
    dti_tune_rank_stats *stats; /* [n_out] */
    dti_tune_sens_probe_fn probe;
    void *probe_ctx;
};

static const unsigned S_pct[3] = {5, 50, 95}; /* the quantiles of the report: median and 5-95% */

/* ---- the inputs bound to the framework -------------------------------------------------------------- */

/* Level of every node: 1 for indicators, 1 + the highest child level for aggregates (COINr's). */
static void S_levels(const dti_framework *fw, unsigned *level)
{
    for (size_t i = 0; i < fw->n_nodes; i++)
        level[i] = 1;
    for (size_t k = 0; k < fw->n_postorder; k++) {
        const dti_node *nd = &fw->nodes[fw->postorder[k]];
        for (size_t c = 0; c < nd->n_children; c++)
            if (level[nd->children[c]] + 1 > level[fw->postorder[k]])
                level[fw->postorder[k]] = level[nd->children[c]] + 1;
    }
}

/* The weights an input moves: every positive weight at its levels, with its share among its siblings. */
static int S_bind_weights(const dti_uncertainty *u, const dti_unc_input *spec, const dti_framework *fw, S_input *in,
                          dti_error *err)
{
    unsigned *level = dti_xcalloc(fw->n_nodes, sizeof *level);
    S_levels(fw, level);
    in->nodes = dti_xcalloc(fw->n_nodes, sizeof *in->nodes);
    in->share = dti_xcalloc(fw->n_nodes, sizeof *in->share);
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->parent == DTI_NONE || !(nd->weight > 0) || (spec->levels && !(spec->levels & (1u << level[i]))))
            continue;
        in->nodes[in->n_nodes++] = i;
    }
    free(level);
    if (!in->n_nodes)
        return dti_error_set(err, DTI_ERR_INPUT, u->path, spec->line, spec->column,
                             "no weighted node of model %s at these levels", fw->name);
    for (size_t k = 0; k < in->n_nodes; k++) {
        double sum = 0;
        for (size_t q = 0; q < in->n_nodes; q++)
            if (fw->nodes[in->nodes[q]].parent == fw->nodes[in->nodes[k]].parent)
                sum += fw->nodes[in->nodes[q]].weight;
        in->share[k] = fw->nodes[in->nodes[k]].weight / sum;
    }
    in->dim = in->n_nodes;
    return DTI_OK;
}

static int S_bind(const dti_uncertainty *u, const dti_unc_input *spec, const dti_framework *fw, S_input *in,
                  dti_error *err)
{
    in->name = spec->name;
    in->kind = spec->kind;
    in->dirichlet = spec->dirichlet;
    in->noise = spec->noise;
    in->alpha = spec->alpha;
    memcpy(in->norm, spec->norm, sizeof in->norm);
    memcpy(in->choice, spec->choice, sizeof in->choice);
    in->n_choice = spec->n_choice;
    in->lo = spec->lo;
    in->hi = spec->hi;
    if (spec->kind == DTI_UNC_WEIGHTS)
        return S_bind_weights(u, spec, fw, in, err);
    in->dim = 1;
    for (size_t k = 0; spec->kind == DTI_UNC_IMPUTE && k < spec->n_choice; k++)
        if ((spec->choice[k] == DTI_IMPUTE_GROUP_MEAN || spec->choice[k] == DTI_IMPUTE_GROUP_MEDIAN) &&
            !fw->defaults.impute.group)
            return dti_error_set(err, DTI_ERR_INPUT, u->path, spec->choice_line[k], spec->choice_column[k],
                                 "group imputation needs the model's impute group (model %s has none)", fw->name);
    return DTI_OK;
}

static size_t S_pick(double u, size_t n)
{
    size_t c = (size_t)(u * (double)n);
    return c < n ? c : n - 1;
}

/* ---- the model of one draw ---------------------------------------------------------------------- */

/* The outputs of a draw (the unit's rank and score) and, in the plain Monte Carlo, its ranks into the
 * thread's counters: each rank in the bin of each window of its unit that holds it. */
static void S_tally(S_state *t, const size_t *rank, const double *root, int accumulate, double *y)
{
    const dti_tune_sens *s = t->s;
    size_t no = s->n_out, nb = s->bins;
    y[0] = rank[s->unit] ? (double)rank[s->unit] : NAN;
    y[1] = root[s->unit];
    if (!accumulate)
        return;
    if (s->probe)
        s->probe(s->probe_ctx, t->worker, s->pass, rank, no);
    if (!s->pass) { /* every window is [1, no]: one count per unit serves its three quantiles */
        unsigned sh = s->win[0].shift;
        size_t stride = s->stride0, up = ((size_t)1 << sh) - 1;
        if (!sh) { /* bins of one rank: a histogram, of which the ranked draws and P(top) are sums */
            for (size_t v = 0; v < no; v++)
                t->cnt[v * stride + rank[v]]++;
            return;
        }
        for (size_t v = 0; v < no; v++) { /* rank 0 lands in slot 0, and 0 - 1 wraps above top */
            t->cnt[v * stride + ((rank[v] + up) >> sh)]++;
            t->intop[v] += rank[v] - 1 < s->top;
        }
        return;
    }
    for (size_t v = 0; v < no; v++) {
        size_t rk = rank[v];
        for (size_t i = v * 3; rk && i < v * 3 + 3; i++) {
            const S_window *w = &s->win[i];
            if (rk - w->lo < w->len) /* rk < lo wraps around to more than len */
                t->cnt[i * nb + ((rk - w->lo) >> w->shift)]++;
        }
    }
}

static int S_eval(void *state, const double *u, int accumulate, double *y, dti_error *err)
{
    S_state *t = state;
    const dti_tune_sens *s = t->s;
    const dti_framework *fw = s->fw;
    size_t nn = fw->n_nodes, nu = s->ds->n_units, nj = s->ds->n_indicators;
    memcpy(t->weight, s->nominal, nn * sizeof *t->weight);
    dti_engine_override ov = {.weight = t->weight, .agg_method = -1, .impute_method = -1};
    size_t memo = 0;
    for (size_t i = 0; i < s->n_in; i++) {
        const S_input *in = &s->in[i];
        const double *ui = u + in->off;
        size_t ch = in->kind == DTI_UNC_WEIGHTS ? 0 : S_pick(ui[0], in->n_choice);
        switch (in->kind) {
        case DTI_UNC_WEIGHTS:
            if (!in->dirichlet) {
                for (size_t k = 0; k < in->n_nodes; k++)
                    t->weight[in->nodes[k]] = s->nominal[in->nodes[k]] * (1 + in->noise * (2 * ui[k] - 1));
                break;
            }
            /* Dirichlet(alpha * nominal shares) per sibling set, by inverse gamma CDFs of the uniforms,
             * rescaled to the siblings' nominal sum */
            for (size_t k = 0; k < in->n_nodes; k++)
                t->gsum[fw->nodes[in->nodes[k]].parent] = 0;
            for (size_t k = 0; k < in->n_nodes; k++) {
                double g = gsl_cdf_gamma_Pinv(ui[k], in->alpha * in->share[k], 1.0);
                t->weight[in->nodes[k]] = g;
                t->gsum[fw->nodes[in->nodes[k]].parent] += g;
            }
            for (size_t k = 0; k < in->n_nodes; k++) {
                size_t nd = in->nodes[k];
                double nomsum = s->nominal[nd] / in->share[k];
                t->weight[nd] = t->weight[nd] / t->gsum[fw->nodes[nd].parent] * nomsum;
            }
            break;
        case DTI_UNC_NORM:
            ov.norm = &in->norm[ch];
            memo = memo * in->n_choice + ch;
            break;
        case DTI_UNC_AGG:
            ov.agg_method = in->choice[ch];
            break;
        case DTI_UNC_TREAT:
            ov.treat_max_points = in->lo + ch;
            memo = memo * in->n_choice + ch;
            break;
        default:
            ov.impute_method = in->choice[ch];
            memo = memo * in->n_choice + ch;
        }
    }
    /* a memo: the replication kernel, unless it declines the draw (then the engine below) */
    dti_engine_kernel_input kin = {.weight = t->weight, .agg_method = ov.agg_method};
    dti_engine_kernel *kern = NULL;
    if (s->mf && s->umemo) {
        kern = t->uk;
        kin.normalised = s->umemo + memo * nj * s->n_out;
        kin.log_normalised = s->ulogmemo + memo * nj * s->n_out;
        kin.cols = s->umemocols[memo];
    } else if (!s->mf && s->memo) {
        kern = t->k;
        kin.normalised = s->memo + memo * nj * nu;
        kin.log_normalised = s->logmemo + memo * nj * nu;
        kin.cols = s->memocols[memo];
    }
    dti_engine_kernel_result kr;
    if (kern && dti_engine_kernel_run(kern, &kin, &kr)) {
        S_tally(t, kr.rank, kr.root, accumulate, y);
        return DTI_OK;
    }
    dti_engine_result r;
    int rc;
    if (s->mf) {
        /* the units: the memo merged once per choice, or this draw's stages 1-5 merged here */
        size_t nk = s->n_out;
        if (s->umemo) {
            ov.normalised = s->umemo + memo * nj * nk;
            ov.log_normalised = s->ulogmemo + memo * nj * nk;
        } else {
            if ((rc = dti_engine_run_override(t->w, s->ds->values, &s->set, &ov, &r, err)))
                return rc;
            dti_merger_frame_merge(s->mf, r.normalised, nj, t->ubuf, t->col);
            ov.normalised = t->ubuf;
        }
        rc = dti_engine_run_override(t->uw, ov.normalised, &s->uset, &ov, &r, err);
    } else {
        if (s->memo) {
            ov.normalised = s->memo + memo * nj * nu;
            ov.log_normalised = s->logmemo + memo * nj * nu;
        }
        rc = dti_engine_run_override(t->w, s->ds->values, &s->set, &ov, &r, err);
    }
    if (rc)
        return rc;
    S_tally(t, r.rank, r.values + fw->root * s->n_out, accumulate, y);
    return DTI_OK;
}

/* ---- set-up ---------------------------------------------------------------------------------------- */

void dti_tune_sens_free(dti_tune_sens *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->threads && s->st; k++) {
        dti_engine_free(s->st[k].w);
        dti_engine_free(s->st[k].uw);
        dti_engine_kernel_free(s->st[k].k);
        dti_engine_kernel_free(s->st[k].uk);
        free(s->st[k].ubuf);
        free(s->st[k].col);
        free(s->st[k].weight);
        free(s->st[k].gsum);
        free(s->st[k].cnt);
        free(s->st[k].intop);
    }
    free(s->win);
    free(s->stats);
    for (size_t i = 0; i < s->n_in; i++) {
        free(s->in[i].nodes);
        free(s->in[i].share);
    }
    free(s->in);
    free(s->st);
    free(s->stp);
    free(s->group_of);
    free(s->nominal);
    free(s->memo);
    free(s->logmemo);
    free(s->umemo);
    free(s->ulogmemo);
    for (size_t m = 0; m < s->n_memo; m++) {
        dti_engine_kernel_cols_free(s->memocols ? s->memocols[m] : NULL);
        dti_engine_kernel_cols_free(s->umemocols ? s->umemocols[m] : NULL);
    }
    free(s->memocols);
    free(s->umemocols);
    free(s->groups);
    free(s->path);
    free(s);
}

int dti_tune_sens_check(const dti_framework *fw, const dti_uncertainty *u, dti_error *err)
{
    int rc = DTI_OK;
    for (size_t i = 0; i < u->n && !rc; i++) {
        S_input in;
        memset(&in, 0, sizeof in);
        rc = S_bind(u, &u->in[i], fw, &in, err);
        free(in.nodes);
        free(in.share);
    }
    return rc;
}

void dti_tune_sens_set_bins(dti_tune_sens *s, size_t bins)
{
    s->bins = bins < 2 ? 2 : bins > DTI_TUNE_RANK_BINS ? DTI_TUNE_RANK_BINS : bins;
}

void dti_tune_sens_set_probe(dti_tune_sens *s, dti_tune_sens_probe_fn fn, void *ctx)
{
    s->probe = fn;
    s->probe_ctx = ctx;
}

/* (Re)makes the rank tallies for n ranked units: O(n) per thread. */
static void S_tallies(dti_tune_sens *s, size_t n)
{
    s->n_out = n;
    for (size_t k = 0; k < s->threads; k++) {
        S_state *t = &s->st[k];
        free(t->cnt);
        free(t->intop);
        t->cnt = dti_xcalloc(3 * n * DTI_TUNE_RANK_BINS + 1, sizeof *t->cnt);
        t->intop = dti_xcalloc(n + 1, sizeof *t->intop);
    }
    free(s->win);
    free(s->stats);
    s->win = dti_xcalloc(3 * n + 1, sizeof *s->win);
    s->stats = dti_xcalloc(n + 1, sizeof *s->stats);
}

/* Builds the memo: stages 1-5 for every combination of the discrete inputs that affect them. */
static int S_memo(dti_tune_sens *s, dti_error *err)
{
    size_t combos = 1, cells = s->ds->n_units * s->ds->n_indicators;
    for (size_t i = 0; i < s->n_in; i++)
        if (s->in[i].kind == DTI_UNC_NORM || s->in[i].kind == DTI_UNC_TREAT || s->in[i].kind == DTI_UNC_IMPUTE)
            combos *= s->in[i].n_choice;
    if (combos > S_MEMO_MAX || combos * cells > S_MEMO_CELLS)
        return DTI_OK;
    s->n_memo = combos;
    s->memo = dti_xcalloc(combos * cells, sizeof *s->memo);
    s->logmemo = dti_xcalloc(combos * cells, sizeof *s->logmemo);
    s->memocols = dti_xcalloc(combos, sizeof *s->memocols);
    dti_engine *w = s->st[0].w;
    for (size_t m = 0; m < combos; m++) {
        dti_engine_override ov = {.agg_method = -1, .impute_method = -1};
        size_t rest = m;
        for (size_t i = s->n_in; i-- > 0;) { /* the mixed radix of S_eval, last input fastest */
            const S_input *in = &s->in[i];
            if (in->kind != DTI_UNC_NORM && in->kind != DTI_UNC_TREAT && in->kind != DTI_UNC_IMPUTE)
                continue;
            size_t ch = rest % in->n_choice;
            rest /= in->n_choice;
            if (in->kind == DTI_UNC_NORM)
                ov.norm = &in->norm[ch];
            else if (in->kind == DTI_UNC_TREAT)
                ov.treat_max_points = in->lo + ch;
            else
                ov.impute_method = in->choice[ch];
        }
        dti_engine_result r;
        int rc = dti_engine_run_override(w, s->ds->values, &s->set, &ov, &r, err);
        if (rc)
            return rc;
        memcpy(s->memo + m * cells, r.normalised, cells * sizeof *s->memo);
        /* log() of a non-positive value (-inf, NaN) is never read: the geometric mean refuses
         * negatives and returns 0 for a zero child before it would use it */
        for (size_t k = 0; k < cells; k++)
            s->logmemo[m * cells + k] = r.normalised[k] > 0 ? log(r.normalised[k]) : NAN;
        s->memocols[m] = dti_engine_kernel_cols_new(s->memo + m * cells, s->ds->n_indicators, s->ds->n_units);
    }
    for (size_t k = 0; k < s->threads; k++)
        s->st[k].k = dti_engine_kernel_alloc(s->fw, s->ds->n_units);
    return DTI_OK;
}

int dti_tune_sens_new(const dti_framework *fw, const dti_dataset *ds, const dti_uncertainty *u, size_t threads,
                      dti_tune_sens **out, dti_error *err)
{
    *out = NULL;
    if (threads > DTI_THREADS_MAX) /* every thread has its own workspace and counters */
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "at most %d threads, not %zu", DTI_THREADS_MAX, threads);
    dti_tune_sens *s = dti_xcalloc(1, sizeof *s);
    s->fw = fw;
    s->ds = ds;
    s->path = dti_strdup(u->path);
    s->threads = threads ? threads : 1;
    s->bins = DTI_TUNE_RANK_BINS;
    int rc = DTI_OK;
    s->in = dti_xcalloc(u->n, sizeof *s->in);
    for (size_t i = 0; i < u->n && !rc; i++) {
        s->n_in++; /* counted first: a half-bound input is freed too */
        if (!(rc = S_bind(u, &u->in[i], fw, &s->in[i], err))) {
            s->in[i].off = s->dim;
            s->dim += s->in[i].dim;
        }
    }
    if (rc)
        goto cleanup;
    s->set.denominators = ds->denominators; /* the data are needed from here on */
    s->set.unit_names = (const char *const *)ds->unit;
    s->group_of = dti_xcalloc(s->dim, sizeof *s->group_of);
    for (size_t i = 0; i < s->n_in; i++)
        for (size_t k = 0; k < s->in[i].dim; k++)
            s->group_of[s->in[i].off + k] = i;
    s->nominal = dti_xcalloc(fw->n_nodes, sizeof *s->nominal);
    for (size_t i = 0; i < fw->n_nodes; i++)
        s->nominal[i] = fw->nodes[i].weight;
    /* group labels for group imputation, by the model's column */
    if (fw->defaults.impute.group) {
        s->groups = dti_xcalloc(ds->n_units, sizeof *s->groups);
        int need = fw->defaults.impute.method == DTI_IMPUTE_GROUP_MEAN ||
                   fw->defaults.impute.method == DTI_IMPUTE_GROUP_MEDIAN;
        for (size_t i = 0; i < s->n_in; i++)
            for (size_t k = 0; s->in[i].kind == DTI_UNC_IMPUTE && k < s->in[i].n_choice; k++)
                need |= s->in[i].choice[k] == DTI_IMPUTE_GROUP_MEAN || s->in[i].choice[k] == DTI_IMPUTE_GROUP_MEDIAN;
        if (need && (rc = dti_dataset_groups(ds, fw->defaults.impute.group, s->groups, &s->set.n_groups, NULL, err)))
            goto cleanup;
        s->set.groups = need ? s->groups : NULL;
    }
    size_t nu = ds->n_units;
    s->st = dti_xcalloc(s->threads, sizeof *s->st);
    s->stp = dti_xcalloc(s->threads, sizeof *s->stp);
    for (size_t k = 0; k < s->threads; k++) {
        s->st[k].s = s;
        s->st[k].w = dti_engine_alloc(fw, nu);
        s->st[k].weight = dti_xcalloc(fw->n_nodes, sizeof(double));
        s->st[k].gsum = dti_xcalloc(fw->n_nodes, sizeof(double));
        s->st[k].worker = k;
        s->stp[k] = &s->st[k];
    }
    S_tallies(s, nu);
    rc = S_memo(s, err);
cleanup:
    if (rc) {
        dti_tune_sens_free(s);
        return rc;
    }
    *out = s;
    return DTI_OK;
}

static dti_tune_sampler S_sampler(const dti_tune_sens *s, unsigned long seed)
{
    dti_tune_sampler sp = {.dim = s->dim, .n_groups = s->n_in, .group_of = s->group_of, .n_out = 2, .eval = S_eval,
                           .state = s->stp, .threads = s->threads, .seed = seed};
    return sp;
}

void dti_tune_sens_set_units(dti_tune_sens *s, const dti_merger_frame *mf, size_t unit)
{
    size_t nk = mf->m->n_units, nj = s->ds->n_indicators, cells = nj * nk;
    s->mf = mf;
    s->unit = unit;
    s->uset.unit_names = (const char *const *)mf->m->unit;
    S_tallies(s, nk);
    for (size_t k = 0; k < s->threads; k++) {
        S_state *t = &s->st[k];
        t->uw = dti_engine_alloc(s->fw, nk);
        if (!s->memo) {
            t->ubuf = dti_xcalloc(cells ? cells : 1, sizeof *t->ubuf);
            t->col = dti_xcalloc(mf->m->n_old, sizeof *t->col);
        }
    }
    if (!s->memo)
        return;
    /* each memo merged once: the draws of that choice only aggregate and rank the units */
    double *col = dti_xcalloc(mf->m->n_old, sizeof *col);
    size_t pcells = nj * s->ds->n_units;
    s->umemo = dti_xcalloc(s->n_memo * cells + 1, sizeof *s->umemo);
    s->ulogmemo = dti_xcalloc(s->n_memo * cells + 1, sizeof *s->ulogmemo);
    for (size_t m = 0; m < s->n_memo; m++)
        dti_merger_frame_merge(mf, s->memo + m * pcells, nj, s->umemo + m * cells, col);
    for (size_t k = 0; k < s->n_memo * cells; k++) /* as S_memo: a non-positive value's log is never read */
        s->ulogmemo[k] = s->umemo[k] > 0 ? log(s->umemo[k]) : NAN;
    s->umemocols = dti_xcalloc(s->n_memo, sizeof *s->umemocols);
    for (size_t m = 0; m < s->n_memo; m++)
        s->umemocols[m] = dti_engine_kernel_cols_new(s->umemo + m * cells, nj, nk);
    for (size_t k = 0; k < s->threads; k++)
        s->st[k].uk = dti_engine_kernel_alloc(s->fw, nk);
    free(col);
}

const dti_tune_rank_stats *dti_tune_sens_stats(const dti_tune_sens *s, size_t *n)
{
    *n = s->n_out;
    return s->stats;
}

/* The smallest shift such that bins of 2^shift ranks cover len >= 1 ranks in at most `bins` bins: a shift,
 * not a division, in the tally of every rank. */
static unsigned S_shift(size_t len, size_t bins)
{
    unsigned sh = 0;
    while (((len - 1) >> sh) + 1 > bins)
        sh++;
    return sh;
}

/* After a pass (the counters summed into the first state): each window still open narrows to the bin
 * that holds its quantile, the smallest rank whose cumulative count reaches pct% of the unit's ranked
 * draws, or resolves it when that bin is one rank.  Returns the windows still open. */
static size_t S_narrow(dti_tune_sens *s)
{
    const uint32_t *cnt = s->st[0].cnt;
    size_t pending = 0, nb = s->bins;
    for (size_t i = 0; i < 3 * s->n_out; i++) {
        S_window *w = &s->win[i];
        dti_tune_rank_stats *st = &s->stats[i / 3];
        if (!w->len)
            continue;
        if (!st->ranked) { /* never ranked: no quantile (0) */
            w->len = 0;
            continue;
        }
        const uint32_t *c = s->pass ? cnt + i * nb : cnt + i / 3 * s->stride0 + 1;
        size_t b = (size_t)1 << w->shift, nbins = ((w->len - 1) >> w->shift) + 1, cum = w->below, k = 0;
        /* the window holds the quantile (the draws below and in it reach the share): its last bin is
         * taken when no earlier one reaches it */
        for (; k + 1 < nbins && (cum + c[k]) * 100 < (size_t)S_pct[i % 3] * st->ranked; k++)
            cum += c[k];
        size_t lo = w->lo + k * b, end = w->lo + w->len, len = end - lo < b ? end - lo : b;
        if (len == 1) {
            size_t *q = i % 3 == 0 ? &st->q05 : i % 3 == 1 ? &st->q50 : &st->q95;
            *q = lo;
            w->len = 0;
        } else { /* the next pass counts this bin rank by rank, or in finer bins */
            w->lo = lo;
            w->len = len;
            w->shift = S_shift(len, nb);
            w->below = cum;
            pending++;
        }
    }
    return pending;
}

int dti_tune_sens_mc(dti_tune_sens *s, size_t runs, unsigned long seed, size_t top, dti_error *err)
{
    size_t nu = s->n_out, nb = s->bins;
    if (runs > UINT32_MAX) /* the bins count in 32 bits */
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "at most %lu Monte Carlo runs", (unsigned long)UINT32_MAX);
    s->top = top;
    memset(s->stats, 0, nu * sizeof *s->stats);
    unsigned sh = nu ? S_shift(nu, nb) : 0;
    s->stride0 = nu ? ((nu - 1) >> sh) + 2 : 1; /* <= nb + 1 <= 3 nb: within the counters */
    for (size_t i = 0; i < 3 * nu; i++) { /* the first window: every rank */
        s->win[i].lo = 1;
        s->win[i].len = nu;
        s->win[i].shift = sh;
        s->win[i].below = 0;
    }
    dti_tune_sampler sp = S_sampler(s, seed);
    int rc = DTI_OK;
    /* every pass replays the same draws: the same seed, the same stream per block; the first always runs
     * (its draws' errors are the analysis's) */
    for (size_t pass = 0;; pass++) {
        s->pass = pass;
        size_t len = pass ? 3 * nu * nb : nu * s->stride0;
        for (size_t k = 0; k < s->threads; k++) {
            memset(s->st[k].cnt, 0, len * sizeof *s->st[k].cnt);
            memset(s->st[k].intop, 0, nu * sizeof *s->st[k].intop);
        }
        if ((rc = dti_tune_mc(&sp, runs, err)))
            break;
        S_state *t0 = &s->st[0];
        for (size_t k = 1; k < s->threads; k++) { /* integer sums: the same at any thread count */
            for (size_t i = 0; i < len; i++)
                t0->cnt[i] += s->st[k].cnt[i];
            for (size_t v = 0; v < nu && !pass; v++)
                t0->intop[v] += s->st[k].intop[v];
        }
        for (size_t v = 0; v < nu && !pass; v++) {
            const uint32_t *c = t0->cnt + v * s->stride0;
            for (size_t b = 1; b < s->stride0; b++)
                s->stats[v].ranked += c[b];
            if (sh)
                s->stats[v].top = t0->intop[v];
            else
                for (size_t b = 1; b <= top && b < s->stride0; b++)
                    s->stats[v].top += c[b];
        }
        if (!S_narrow(s))
            break;
    }
    s->pass = 0;
    return rc;
}

/* ---- the analysis ----------------------------------------------------------------------------------- */

void dti_tune_sens_result_clear(dti_tune_sens_result *r)
{
    for (size_t v = 0; r->code && v < r->n; v++) {
        free(r->code[v]);
        free(r->name[v]);
    }
    free(r->code);
    free(r->name);
    free(r->nominal_rank);
    free(r->nominal_score);
    free(r->order);
    free(r->median);
    free(r->q05);
    free(r->q95);
    free(r->ranked);
    free(r->p_top);
    free(r->moved);
    free(r->sobol);
    memset(r, 0, sizeof *r);
}

/* The nominal run: the data's units, or (with a merger frame) the provinces' normalised main
 * indicators merged by the rule, then aggregated and ranked among the units.  Fills the rows of r. */
static int S_nominal(const dti_tune_sens_options *o, const dti_tune_sens *s, const dti_merger_frame *mf,
                     dti_tune_sens_result *r, dti_error *err)
{
    const dti_framework *fw = o->fw;
    const dti_dataset *ds = o->ds;
    dti_engine *w = dti_engine_alloc(fw, ds->n_units), *uw = NULL;
    double *merged = NULL, *col = NULL;
    dti_engine_result nom;
    int rc = dti_engine_run(w, ds->values, &s->set, &nom, err);
    size_t nu = ds->n_units;
    if (!rc && mf) {
        size_t nk = o->merger->n_units, nj = ds->n_indicators;
        merged = dti_xcalloc(nj * nk + 1, sizeof *merged);
        col = dti_xcalloc(o->merger->n_old, sizeof *col);
        dti_merger_frame_merge(mf, nom.normalised, nj, merged, col);
        uw = dti_engine_alloc(fw, nk);
        dti_engine_override ov = {.agg_method = -1, .impute_method = -1, .normalised = merged};
        dti_engine_settings us = {.unit_names = (const char *const *)o->merger->unit};
        rc = dti_engine_run_override(uw, merged, &us, &ov, &nom, err);
        nu = nk;
    }
    if (!rc) {
        r->n = nu;
        r->code = dti_xcalloc(nu, sizeof *r->code);
        r->name = dti_xcalloc(nu, sizeof *r->name);
        r->nominal_rank = dti_xcalloc(nu, sizeof *r->nominal_rank);
        r->nominal_score = dti_xcalloc(nu, sizeof *r->nominal_score);
        r->order = dti_xcalloc(nu, sizeof *r->order);
        for (size_t v = 0; v < nu; v++) {
            r->code[v] = dti_strdup(mf ? o->merger->unit[v] : ds->unit[v]);
            r->name[v] = dti_strdup(mf ? mf->name[v] : ds->name[v]);
            r->nominal_rank[v] = nom.rank[v];
            r->nominal_score[v] = nom.values[fw->root * nu + v];
            r->order[v] = nom.order[v];
            r->n_scored += nom.rank[v] ? 1u : 0u;
        }
    }
    free(col);
    free(merged);
    dti_engine_free(uw);
    dti_engine_free(w);
    return rc;
}

/* The unit of the Sobol indices: the one asked for (refused without a score), else the preferred one
 * when it has a score, else the first unit with one. */
static int S_pick_unit(const dti_tune_sens_options *o, const dti_merger_frame *mf, dti_tune_sens_result *r,
                       dti_error *err)
{
    if (o->unit != DTI_NONE) {
        r->unit = o->unit;
        if (r->nominal_rank[o->unit])
            return DTI_OK;
        if (mf)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "unit %s (%s) has no score: a former province lacks a weighted indicator (%zu of %zu "
                                 "units have a score)",
                                 r->code[o->unit], r->name[o->unit], r->n_scored, r->n);
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                             "%s (%s) has no score: it lacks a weighted indicator (%zu of %zu units have a score)",
                             r->name[o->unit], r->code[o->unit], r->n_scored, r->n);
    }
    r->unit_default = 1;
    if (o->preferred != DTI_NONE && r->nominal_rank[o->preferred]) {
        r->unit = o->preferred;
        return DTI_OK;
    }
    for (r->unit = 0; r->unit < r->n && !r->nominal_rank[r->unit]; r->unit++)
        ;
    if (r->unit == r->n)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "no unit has a score (0 of %zu): nothing to analyse", r->n);
    return DTI_OK;
}

int dti_tune_sensitivity(const dti_tune_sens_options *o, dti_tune_sens_result *r, dti_error *err)
{
    memset(r, 0, sizeof *r);
    const dti_dataset *ds = o->ds;
    dti_tune_sens *s = NULL;
    double *fA = NULL, *fB = NULL, *fAB = NULL;
    dti_merger_frame mf = {0};
    int rc;
    if ((o->merger && (rc = dti_merger_frame_init(&mf, o->merger, o->reg, (const char *const *)ds->unit, ds->n_units,
                                                  ds->path, err))) ||
        (rc = dti_tune_sens_new(o->fw, ds, o->unc, o->threads, &s, err)) ||
        (rc = S_nominal(o, s, o->merger ? &mf : NULL, r, err)) ||
        (rc = S_pick_unit(o, o->merger ? &mf : NULL, r, err)))
        goto cleanup;
    if (o->merger)
        dti_tune_sens_set_units(s, &mf, r->unit);
    else
        s->unit = r->unit;
    if (o->rank_bins)
        dti_tune_sens_set_bins(s, o->rank_bins);
    if ((rc = dti_tune_sens_mc(s, o->runs, o->seed, o->top, err)))
        goto cleanup;
    size_t nu = r->n, k = s->n_in, n = o->sobol_n;
    r->n_memo = s->n_memo;
    r->k = k;
    r->moved = dti_xcalloc(k, sizeof *r->moved);
    for (size_t g = 0; g < k; g++)
        r->moved[g] = s->in[g].kind == DTI_UNC_WEIGHTS ? s->in[g].n_nodes : 0;
    r->median = dti_xcalloc(nu, sizeof *r->median);
    r->q05 = dti_xcalloc(nu, sizeof *r->q05);
    r->q95 = dti_xcalloc(nu, sizeof *r->q95);
    r->ranked = dti_xcalloc(nu, sizeof *r->ranked);
    r->p_top = dti_xcalloc(nu, sizeof *r->p_top);
    for (size_t v = 0; v < nu; v++) {
        const dti_tune_rank_stats *st = &s->stats[v];
        r->ranked[v] = st->ranked;
        r->median[v] = st->q50;
        r->q05[v] = st->q05;
        r->q95[v] = st->q95;
        r->p_top[v] = o->runs ? (double)st->top / (double)o->runs : NAN;
    }
    r->sobol_n = n;
    r->dim = s->dim;
    if (n) {
        r->evaluations = n * (k + 2);
        fA = dti_xcalloc(2 * n, sizeof *fA);
        fB = dti_xcalloc(2 * n, sizeof *fB);
        fAB = dti_xcalloc(2 * n * k, sizeof *fAB);
        dti_tune_sampler sp = S_sampler(s, o->seed);
        sp.design = o->design;
        if (sp.design == DTI_TUNE_DESIGN_AUTO)
            sp.design = 2 * s->dim <= DTI_TUNE_SOBOL_MAX_DIM ? DTI_TUNE_DESIGN_SOBOL : DTI_TUNE_DESIGN_RANDOM;
        r->design = sp.design;
        if ((rc = dti_tune_saltelli(&sp, n, fA, fB, fAB, err)))
            goto cleanup;
        r->sobol = dti_xcalloc(2 * k * 6, sizeof *r->sobol);
        double *b = dti_xcalloc(6 * k, sizeof *b); /* S1[k], ST[k], S1 lo, S1 hi, ST lo, ST hi */
        for (size_t oi = 0; oi < 2; oi++) {
            dti_tune_sobol(fA, fB, fAB, n, k, 2, oi, b, b + k);
            dti_tune_sobol_boot(fA, fB, fAB, n, k, 2, oi, o->n_boot, o->seed, DTI_TUNE_SENS_LEVEL, b + 2 * k,
                                b + 3 * k, b + 4 * k, b + 5 * k);
            for (size_t g = 0; g < k; g++)
                for (size_t q = 0; q < 6; q++)
                    r->sobol[(oi * k + g) * 6 + q] = b[q * k + g];
        }
        free(b);
    }
cleanup:
    free(fAB);
    free(fB);
    free(fA);
    dti_tune_sens_free(s);
    dti_merger_frame_clear(&mf);
    if (rc)
        dti_tune_sens_result_clear(r);
    return rc;
}
