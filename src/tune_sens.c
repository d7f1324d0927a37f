/* tune_sens.c -- `dtirank tune sensitivity`: Monte Carlo uncertainty analysis of ranks (JRC audit
 * style) and Sobol indices of one unit's rank and score by input group.  Reads the uncertain inputs
 * from an uncertainty file (models/uncertainty-*.yaml), turns each draw of uniforms into engine
 * overrides (engine.h: dti_engine_run_override) and runs them through the sampler of tune_mc.c.
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
#include "ynode.h"

#define S_MEMO_MAX 256      /* discrete combinations memoised (each nj x nu doubles) ... */
#define S_MEMO_CELLS ((size_t)1 << 24) /* ... within 128 MB; beyond, every draw runs every stage */
#define S_BOOT_LEVEL 0.95 /* bootstrap interval level */
#define S_MAX_CHOICES 16    /* alternatives in one discrete input */

enum { S_IN_WEIGHTS, S_IN_NORM, S_IN_AGG, S_IN_TREAT, S_IN_IMPUTE };

typedef struct S_input {
    char *name;
    int kind;
    size_t dim, off; /* uniforms used and their offset in a draw */
    /* weights */
    int dirichlet;
    double noise, alpha;
    unsigned levels; /* bit l: level l randomised (0: all) */
    size_t *nodes, n_nodes;
    double *share;   /* dirichlet: nominal share of the node among its randomised siblings */
    /* discrete choices */
    dti_norm_spec norm[S_MAX_CHOICES];
    int choice[S_MAX_CHOICES];
    size_t n_choice;
    size_t lo, hi; /* winsorisation limit range */
} S_input;

typedef struct S_state {
    const dti_tune_sens *s;
    dti_engine *w;
    dti_engine *uw;        /* units: the merged units' workspace */
    double *ubuf, *col;    /* units without a memo: [nj * n_units] merged table, [n_old] scratch */
    double *weight, *gsum; /* [nn] */
    uint32_t *cnt;         /* [(u * 3 + q) * s->bins + bin] draws in each bin of each window */
    size_t *ranked, *intop; /* [u] draws ranked, and ranked <= top (counted in the first pass) */
} S_state;

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
    size_t n_out;               /* units ranked: ds->n_units, or the merger's */
    size_t unit;                /* of the ranked units */
    size_t threads;
    S_state *st;
    void **stp;
    char *path;
    /* the rank statistics (dti_tune_sens_mc): per unit u and quantile q, at [u * 3 + q], the window of
     * ranks [wlo, wlo + wlen) that holds the quantile, its bin width (0: resolved) and the ranked draws
     * below the window */
    size_t top;
    size_t bins; /* bins per window: DTI_TUNE_RANK_BINS (tests set fewer) */
    int first_pass;
    size_t *wlo, *wlen, *wbin, *below;
    dti_tune_rank_stats *stats;
};

static const unsigned S_pct[3] = {5, 50, 95}; /* the quantiles of the report: median and 5-95% */

static const char *const S_impute_names[] = {"none", "mean", "median", "group_mean", "group_median", NULL};
static const int S_impute_codes[] = {DTI_IMPUTE_NONE, DTI_IMPUTE_MEAN, DTI_IMPUTE_MEDIAN, DTI_IMPUTE_GROUP_MEAN,
                                     DTI_IMPUTE_GROUP_MEDIAN};

/* ---- the uncertainty file ------------------------------------------------------------------------- */

static int S_name_index(const dti_yctx *c, const dti_ynode *n, const char *what, const char *(*name)(int),
                        int count, int *out)
{
    int rc = dti_y_expect(c, n, DTI_Y_SCALAR, what);
    if (rc)
        return rc;
    for (int k = 0; k < count; k++)
        if (!strcmp(name(k), n->text)) {
            *out = k;
            return DTI_OK;
        }
    return dti_y_error(c, n, "unknown %s '%s'", what, n->text);
}

static const char *S_impute_name(int k) { return S_impute_names[k]; }

static int S_norm_spec(const dti_yctx *c, const dti_ynode *v, dti_norm_spec *s)
{
    static const char *const keys[] = {"method", "min", "max", "mean", "sd", NULL};
    memset(s, 0, sizeof *s);
    s->min = 0;
    s->max = 1;
    s->mean = 0;
    s->sd = 1;
    s->low = s->high = NAN;
    const dti_ynode *m = v;
    int rc;
    if (v->kind == DTI_Y_MAPPING) {
        if ((rc = dti_y_check_keys(c, v, keys, "a normalisation")) ||
            (rc = dti_y_require(c, v, "method", "a normalisation", &m)))
            return rc;
        const char *num[] = {"min", "max", "mean", "sd"};
        double *dst[] = {&s->min, &s->max, &s->mean, &s->sd};
        for (size_t k = 0; k < 4; k++) {
            const dti_ynode *x = dti_ynode_get(v, num[k]);
            if (x && (rc = dti_y_number(c, x, num[k], dst[k])))
                return rc;
        }
    }
    if ((rc = S_name_index(c, m, "normalisation method", dti_norm_method_name, DTI_NORM_BLOM + 1, &s->method)))
        return rc;
    if (s->method == DTI_NORM_GOALPOSTS)
        return dti_y_error(c, m, "goalposts need per-indicator limits: not available in an uncertainty set");
    if (!(s->min < s->max))
        return dti_y_error(c, v, "normalise: min must be below max");
    if (!(s->sd > 0))
        return dti_y_error(c, v, "normalise: sd must be positive");
    return DTI_OK;
}

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

static int S_load_weights(const dti_yctx *c, const dti_ynode *v, const dti_framework *fw, S_input *in)
{
    static const char *const keys[] = {"noise", "dirichlet", "levels", NULL};
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "weights")) || (rc = dti_y_check_keys(c, v, keys, "weights")))
        return rc;
    const dti_ynode *noise = dti_ynode_get(v, "noise"), *dir = dti_ynode_get(v, "dirichlet");
    const dti_ynode *lv = dti_ynode_get(v, "levels");
    if (!noise == !dir)
        return dti_y_error(c, v, "weights need exactly one of 'noise' (uniform +-share) and 'dirichlet' (concentration)");
    if (noise) {
        if ((rc = dti_y_number(c, noise, "noise", &in->noise)))
            return rc;
        if (!(in->noise >= 0 && in->noise < 1))
            return dti_y_error(c, noise, "noise must be in [0, 1)");
    } else {
        in->dirichlet = 1;
        if ((rc = dti_y_number(c, dir, "dirichlet", &in->alpha)))
            return rc;
        if (!(in->alpha > 0))
            return dti_y_error(c, dir, "the Dirichlet concentration must be positive");
    }
    if (lv) {
        if ((rc = dti_y_expect(c, lv, DTI_Y_SEQUENCE, "levels")))
            return rc;
        for (size_t k = 0; k < lv->n; k++) {
            long l;
            if ((rc = dti_y_integer(c, lv->items[k], "a level", 1, 31, &l)))
                return rc;
            in->levels |= 1u << l;
        }
    }
    unsigned *level = dti_xcalloc(fw->n_nodes, sizeof *level);
    S_levels(fw, level);
    in->nodes = dti_xcalloc(fw->n_nodes, sizeof *in->nodes);
    in->share = dti_xcalloc(fw->n_nodes, sizeof *in->share);
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->parent == DTI_NONE || !(nd->weight > 0) || (in->levels && !(in->levels & (1u << level[i]))))
            continue;
        in->nodes[in->n_nodes++] = i;
    }
    free(level);
    if (!in->n_nodes)
        return dti_y_error(c, v, "no weighted node at these levels");
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

static int S_load_input(const dti_yctx *c, const dti_ynode *e, const dti_framework *fw, S_input *in)
{
    static const char *const keys[] = {"name", "weights", "normalise", "aggregate", "winsorise", "impute", NULL};
    int rc;
    const dti_ynode *nm;
    if ((rc = dti_y_expect(c, e, DTI_Y_MAPPING, "an uncertain input")) ||
        (rc = dti_y_check_keys(c, e, keys, "an uncertain input")) ||
        (rc = dti_y_require(c, e, "name", "an uncertain input", &nm)) || (rc = dti_y_string(c, nm, "name", &in->name)))
        return rc;
    const dti_ynode *v = NULL;
    size_t found = 0;
    for (int k = 0; k < 5; k++) {
        const dti_ynode *x = dti_ynode_get(e, keys[k + 1]);
        if (x) {
            v = x;
            in->kind = k;
            found++;
        }
    }
    if (found != 1)
        return dti_y_error(c, e, "an uncertain input needs exactly one of weights, normalise, aggregate, winsorise, "
                                 "impute");
    if (in->kind == S_IN_WEIGHTS)
        return S_load_weights(c, v, fw, in);
    if ((rc = dti_y_expect(c, v, DTI_Y_SEQUENCE, keys[in->kind + 1])))
        return rc;
    in->dim = 1;
    if (in->kind == S_IN_TREAT) {
        long lo, hi;
        if (v->n != 2)
            return dti_y_error(c, v, "winsorise needs [lowest, highest] limits in points");
        if ((rc = dti_y_integer(c, v->items[0], "a winsorisation limit", 1, 1000, &lo)) ||
            (rc = dti_y_integer(c, v->items[1], "a winsorisation limit", 1, 1000, &hi)))
            return rc;
        if (hi < lo)
            return dti_y_error(c, v, "winsorise: the lowest limit is above the highest");
        in->lo = (size_t)lo;
        in->hi = (size_t)hi;
        in->n_choice = in->hi - in->lo + 1;
        return DTI_OK;
    }
    if (v->n < 1 || v->n > S_MAX_CHOICES)
        return dti_y_error(c, v, "a set of 1 to %d alternatives is needed", S_MAX_CHOICES);
    in->n_choice = v->n;
    for (size_t k = 0; k < v->n; k++) {
        if (in->kind == S_IN_NORM)
            rc = S_norm_spec(c, v->items[k], &in->norm[k]);
        else if (in->kind == S_IN_AGG)
            rc = S_name_index(c, v->items[k], "aggregation method", dti_agg_method_name, DTI_AGG_HARMONIC + 1,
                              &in->choice[k]);
        else if (!(rc = S_name_index(c, v->items[k], "imputation method", S_impute_name, 5, &in->choice[k])))
            in->choice[k] = S_impute_codes[in->choice[k]];
        if (rc)
            return rc;
        if (in->kind == S_IN_IMPUTE && (in->choice[k] == DTI_IMPUTE_GROUP_MEAN || in->choice[k] == DTI_IMPUTE_GROUP_MEDIAN) &&
            !fw->defaults.impute.group)
            return dti_y_error(c, v->items[k], "group imputation needs the model's impute group");
    }
    return DTI_OK;
}

static size_t S_pick(double u, size_t n)
{
    size_t c = (size_t)(u * (double)n);
    return c < n ? c : n - 1;
}

/* ---- the model of one draw ---------------------------------------------------------------------- */

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
        size_t ch = in->kind == S_IN_WEIGHTS ? 0 : S_pick(ui[0], in->n_choice);
        switch (in->kind) {
        case S_IN_WEIGHTS:
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
        case S_IN_NORM:
            ov.norm = &in->norm[ch];
            memo = memo * in->n_choice + ch;
            break;
        case S_IN_AGG:
            ov.agg_method = in->choice[ch];
            break;
        case S_IN_TREAT:
            ov.treat_max_points = in->lo + ch;
            memo = memo * in->n_choice + ch;
            break;
        default:
            ov.impute_method = in->choice[ch];
            memo = memo * in->n_choice + ch;
        }
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
    size_t no = s->n_out;
    y[0] = r.rank[s->unit] ? (double)r.rank[s->unit] : NAN;
    y[1] = r.values[fw->root * no + s->unit];
    if (!accumulate)
        return DTI_OK;
    for (size_t v = 0; v < no; v++) {
        size_t rk = r.rank[v];
        if (!rk)
            continue;
        if (s->first_pass) {
            t->ranked[v]++;
            t->intop[v] += rk <= s->top;
        }
        for (size_t q = 0; q < 3; q++) {
            size_t i = v * 3 + q, b = s->wbin[i];
            if (b && rk >= s->wlo[i] && rk - s->wlo[i] < s->wlen[i])
                t->cnt[i * s->bins + (rk - s->wlo[i]) / b]++;
        }
    }
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
        free(s->st[k].ubuf);
        free(s->st[k].col);
        free(s->st[k].weight);
        free(s->st[k].gsum);
        free(s->st[k].cnt);
        free(s->st[k].ranked);
        free(s->st[k].intop);
    }
    free(s->wlo);
    free(s->wlen);
    free(s->wbin);
    free(s->below);
    free(s->stats);
    for (size_t i = 0; i < s->n_in; i++) {
        free(s->in[i].name);
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
    free(s->groups);
    free(s->path);
    free(s);
}

void dti_tune_sens_set_bins(dti_tune_sens *s, size_t bins)
{
    s->bins = bins < 2 ? 2 : bins > DTI_TUNE_RANK_BINS ? DTI_TUNE_RANK_BINS : bins;
}

/* (Re)makes the rank tallies for n ranked units: O(n) per thread. */
static void S_tallies(dti_tune_sens *s, size_t n)
{
    s->n_out = n;
    for (size_t k = 0; k < s->threads; k++) {
        S_state *t = &s->st[k];
        free(t->cnt);
        free(t->ranked);
        free(t->intop);
        t->cnt = dti_xcalloc(n * 3 * DTI_TUNE_RANK_BINS, sizeof *t->cnt);
        t->ranked = dti_xcalloc(n, sizeof *t->ranked);
        t->intop = dti_xcalloc(n, sizeof *t->intop);
    }
    free(s->wlo);
    free(s->wlen);
    free(s->wbin);
    free(s->below);
    free(s->stats);
    s->wlo = dti_xcalloc(3 * n, sizeof *s->wlo);
    s->wlen = dti_xcalloc(3 * n, sizeof *s->wlen);
    s->wbin = dti_xcalloc(3 * n, sizeof *s->wbin);
    s->below = dti_xcalloc(3 * n, sizeof *s->below);
    s->stats = dti_xcalloc(n, sizeof *s->stats);
}

/* Builds the memo: stages 1-5 for every combination of the discrete inputs that affect them. */
static int S_memo(dti_tune_sens *s, dti_error *err)
{
    size_t combos = 1, cells = s->ds->n_units * s->ds->n_indicators;
    for (size_t i = 0; i < s->n_in; i++)
        if (s->in[i].kind == S_IN_NORM || s->in[i].kind == S_IN_TREAT || s->in[i].kind == S_IN_IMPUTE)
            combos *= s->in[i].n_choice;
    if (combos > S_MEMO_MAX || combos * cells > S_MEMO_CELLS)
        return DTI_OK;
    s->n_memo = combos;
    s->memo = dti_xcalloc(combos * cells, sizeof *s->memo);
    s->logmemo = dti_xcalloc(combos * cells, sizeof *s->logmemo);
    dti_engine *w = s->st[0].w;
    for (size_t m = 0; m < combos; m++) {
        dti_engine_override ov = {.agg_method = -1, .impute_method = -1};
        size_t rest = m;
        for (size_t i = s->n_in; i-- > 0;) { /* the mixed radix of S_eval, last input fastest */
            const S_input *in = &s->in[i];
            if (in->kind != S_IN_NORM && in->kind != S_IN_TREAT && in->kind != S_IN_IMPUTE)
                continue;
            size_t ch = rest % in->n_choice;
            rest /= in->n_choice;
            if (in->kind == S_IN_NORM)
                ov.norm = &in->norm[ch];
            else if (in->kind == S_IN_TREAT)
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
    }
    return DTI_OK;
}

int dti_tune_sens_new(const dti_framework *fw, const dti_dataset *ds, const char *uncertainty_path, size_t threads,
                      dti_tune_sens **out, dti_error *err)
{
    *out = NULL;
    if (threads > DTI_THREADS_MAX) /* every thread has its own workspace */
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "at most %d threads, not %zu", DTI_THREADS_MAX, threads);
    dti_tune_sens *s = dti_xcalloc(1, sizeof *s);
    s->fw = fw;
    s->ds = ds;
    s->path = dti_strdup(uncertainty_path);
    s->threads = threads ? threads : 1;
    s->bins = DTI_TUNE_RANK_BINS;
    dti_ynode *root = NULL;
    dti_yctx c = {uncertainty_path, err};
    const dti_ynode *list;
    static const char *const top_keys[] = {"inputs", "note", NULL};
    int rc;
    if ((rc = dti_yaml_load(uncertainty_path, &root, err)) ||
        (rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "an uncertainty file")) ||
        (rc = dti_y_check_keys(&c, root, top_keys, "an uncertainty file")) ||
        (rc = dti_y_require(&c, root, "inputs", "an uncertainty file", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "inputs")))
        goto cleanup;
    if (!list->n) {
        rc = dti_y_error(&c, list, "no uncertain inputs");
        goto cleanup;
    }
    s->in = dti_xcalloc(list->n, sizeof *s->in);
    for (size_t i = 0; i < list->n; i++) {
        s->n_in++; /* counted first: a half-read input is freed too */
        if ((rc = S_load_input(&c, list->items[i], fw, &s->in[i])))
            goto cleanup;
        s->in[i].off = s->dim;
        s->dim += s->in[i].dim;
    }
    s->n_in = list->n;
    s->set.denominators = ds->denominators; /* the data are needed from here on */
    s->set.path = ds->path;
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
            for (size_t k = 0; s->in[i].kind == S_IN_IMPUTE && k < s->in[i].n_choice; k++)
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
        s->stp[k] = &s->st[k];
    }
    S_tallies(s, nu);
    rc = S_memo(s, err);
cleanup:
    dti_ynode_free(root);
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
    free(col);
}

const dti_tune_rank_stats *dti_tune_sens_stats(const dti_tune_sens *s, size_t *n)
{
    *n = s->n_out;
    return s->stats;
}

/* After a pass: narrows each unresolved window to the bin holding its quantile; returns how many are
 * still unresolved. */
static size_t S_narrow(dti_tune_sens *s)
{
    const uint32_t *cnt = s->st[0].cnt;
    size_t pending = 0;
    for (size_t i = 0; i < 3 * s->n_out; i++) {
        size_t b = s->wbin[i], total = s->stats[i / 3].ranked;
        if (!b)
            continue;
        if (!total) { /* never ranked: no quantile */
            s->wbin[i] = 0;
            continue;
        }
        size_t cum = s->below[i], nbins = (s->wlen[i] + b - 1) / b;
        for (size_t k = 0; k < nbins; k++) {
            size_t c = cnt[i * s->bins + k];
            if ((cum + c) * 100 < (size_t)S_pct[i % 3] * total) {
                cum += c;
                continue;
            }
            size_t lo = s->wlo[i] + k * b, end = s->wlo[i] + s->wlen[i], len = end - lo < b ? end - lo : b;
            size_t *q = i % 3 == 0 ? &s->stats[i / 3].q05 : i % 3 == 1 ? &s->stats[i / 3].q50 : &s->stats[i / 3].q95;
            if (len == 1) {
                *q = lo;
                s->wbin[i] = 0;
            } else { /* the next pass counts this bin rank by rank, or in finer bins */
                s->wlo[i] = lo;
                s->wlen[i] = len;
                s->wbin[i] = (len + s->bins - 1) / s->bins;
                s->below[i] = cum;
                pending++;
            }
            break;
        }
    }
    return pending;
}

int dti_tune_sens_mc(dti_tune_sens *s, size_t runs, unsigned long seed, size_t top, dti_error *err)
{
    size_t nu = s->n_out;
    if (runs > UINT32_MAX) /* the bins count in 32 bits */
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "at most %lu Monte Carlo runs", (unsigned long)UINT32_MAX);
    s->top = top;
    memset(s->stats, 0, nu * sizeof *s->stats);
    for (size_t i = 0; i < 3 * nu; i++) { /* the first window: every rank */
        s->wlo[i] = 1;
        s->wlen[i] = nu;
        s->wbin[i] = (nu + s->bins - 1) / s->bins;
        s->below[i] = 0;
    }
    s->first_pass = 1;
    dti_tune_sampler sp = S_sampler(s, seed);
    int rc = DTI_OK;
    for (size_t pending = 3 * nu; pending && !rc;) {
        for (size_t k = 0; k < s->threads; k++) {
            memset(s->st[k].cnt, 0, nu * 3 * s->bins * sizeof *s->st[k].cnt);
            memset(s->st[k].ranked, 0, nu * sizeof *s->st[k].ranked);
            memset(s->st[k].intop, 0, nu * sizeof *s->st[k].intop);
        }
        if ((rc = dti_tune_mc(&sp, runs, err)))
            break;
        S_state *t0 = &s->st[0];
        for (size_t k = 1; k < s->threads; k++) { /* integer sums: the same at any thread count */
            for (size_t i = 0; i < nu * 3 * s->bins; i++)
                t0->cnt[i] += s->st[k].cnt[i];
            for (size_t v = 0; v < nu; v++) {
                t0->ranked[v] += s->st[k].ranked[v];
                t0->intop[v] += s->st[k].intop[v];
            }
        }
        if (s->first_pass)
            for (size_t v = 0; v < nu; v++) {
                s->stats[v].ranked = t0->ranked[v];
                s->stats[v].top = t0->intop[v];
            }
        s->first_pass = 0;
        pending = S_narrow(s);
    }
    return rc;
}

/* ---- the report ------------------------------------------------------------------------------------ */

static void S_describe(FILE *out, const dti_tune_sens *s, const S_input *in)
{
    fprintf(out, "  %-16s ", in->name);
    switch (in->kind) {
    case S_IN_WEIGHTS:
        if (in->dirichlet)
            fprintf(out, "Dirichlet around the nominal shares, concentration %g, %zu weights", in->alpha, in->n_nodes);
        else
            fprintf(out, "uniform +-%g%% around nominal, %zu weights", 100 * in->noise, in->n_nodes);
        if (in->levels) {
            fputs(" (levels", out);
            for (unsigned l = 1; l < 32; l++)
                if (in->levels & (1u << l))
                    fprintf(out, " %u", l);
            fputc(')', out);
        }
        break;
    case S_IN_TREAT:
        fprintf(out, "winsorisation limit %zu to %zu points", in->lo, in->hi);
        break;
    default:
        fputs("one of:", out);
        for (size_t k = 0; k < in->n_choice; k++) {
            const dti_norm_spec *ns = &in->norm[k];
            if (in->kind == S_IN_NORM && ns->method == DTI_NORM_ZSCORE)
                fprintf(out, " zscore(%g, %g)", ns->mean, ns->sd);
            else if (in->kind == S_IN_NORM && ns->method == DTI_NORM_MINMAX)
                fprintf(out, " minmax[%g, %g]", ns->min, ns->max);
            else if (in->kind == S_IN_NORM)
                fprintf(out, " %s", dti_norm_method_name(ns->method));
            else if (in->kind == S_IN_AGG)
                fprintf(out, " %s", dti_agg_method_name(in->choice[k]));
            else
                fprintf(out, " %s", S_impute_names[in->choice[k] - DTI_IMPUTE_NONE]);
        }
    }
    (void)s;
    fputc('\n', out);
}

static void S_ci(char *buf, size_t len, double v, double lo, double hi)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.3f [%.2f, %.2f]", v, lo, hi);
}

/* Finds the unit: code, exact name, or folded name; *v = DTI_NONE when absent. */
static void S_find_unit(const dti_dataset *ds, const char *q, size_t *v)
{
    char *fq = dti_name_fold(q);
    *v = DTI_NONE;
    for (size_t u = 0; u < ds->n_units && *v == DTI_NONE; u++) {
        char *fn = dti_name_fold(ds->name[u]);
        if (!strcmp(ds->unit[u], q) || !strcmp(ds->name[u], q) || !strcmp(fn, fq))
            *v = u;
        free(fn);
    }
    free(fq);
}

int dti_tune_sensitivity_report(const dti_tune_sens_options *o, FILE *out, dti_error *err)
{
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    dti_tune_sens *s = NULL;
    dti_engine *w = NULL, *uw = NULL;
    double *fA = NULL, *fB = NULL, *fAB = NULL, *merged = NULL, *col = NULL;
    dti_merger_frame mf = {0};
    int rc;
    if ((rc = dti_framework_load(o->model_path, &fw, err)) ||
        (rc = dti_dataset_load(o->data_path, fw, o->reg_path, o->models_dir, &ds, err)) ||
        (o->merger && (rc = dti_merger_frame_init(&mf, o->merger, o->reg, (const char *const *)ds->unit, ds->n_units,
                                                  ds->path, err))) ||
        (rc = dti_tune_sens_new(fw, ds, o->uncertainty_path, o->threads, &s, err)))
        goto cleanup;
    size_t nu = ds->n_units, nn = fw->n_nodes;
    /* the nominal run */
    w = dti_engine_alloc(fw, nu);
    dti_engine_result nom;
    if ((rc = dti_engine_run(w, ds->values, &s->set, &nom, err)))
        goto cleanup;
    /* the rows of the report: the data's units, or the merger's */
    const char *const *code = (const char *const *)ds->unit, *const *name = (const char *const *)ds->name;
    if (o->merger) { /* the nominal units: the provinces' normalised main indicators merged, aggregated */
        size_t nk = o->merger->n_units, nj = ds->n_indicators;
        merged = dti_xcalloc(nj * nk + 1, sizeof *merged);
        col = dti_xcalloc(o->merger->n_old, sizeof *col);
        dti_merger_frame_merge(&mf, nom.normalised, nj, merged, col);
        uw = dti_engine_alloc(fw, nk);
        dti_engine_override ov = {.agg_method = -1, .impute_method = -1, .normalised = merged};
        dti_engine_settings us = {.unit_names = (const char *const *)o->merger->unit};
        if ((rc = dti_engine_run_override(uw, merged, &us, &ov, &nom, err)))
            goto cleanup;
        nu = nk;
        code = (const char *const *)o->merger->unit;
        name = (const char *const *)mf.name;
        size_t unit = 0, prov;
        if (o->province) {
            if ((rc = dti_merger_query(o->merger, o->reg, o->province, &unit, &prov, err)))
                goto cleanup;
        } else { /* Thái Nguyên's unit where ranked, else the first ranked unit */
            dti_error tmp;
            dti_error_init(&tmp);
            if (dti_merger_query(o->merger, o->reg, "Thai Nguyen", &unit, &prov, &tmp) || !nom.rank[unit])
                for (unit = 0; unit < nu && !nom.rank[unit]; unit++)
                    ;
            if (unit == nu)
                unit = 0;
        }
        dti_tune_sens_set_units(s, &mf, unit);
    } else if (o->province) {
        S_find_unit(ds, o->province, &s->unit);
        if (s->unit == DTI_NONE) {
            rc = dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no unit '%s' in %s", o->province, o->data_path);
            goto cleanup;
        }
    } else { /* Thái Nguyên where the data rank it, else the first ranked unit */
        S_find_unit(ds, "Thai Nguyen", &s->unit);
        if (s->unit == DTI_NONE || !nom.rank[s->unit])
            for (s->unit = 0; s->unit < nu && !nom.rank[s->unit]; s->unit++)
                ;
        if (s->unit == nu)
            s->unit = 0;
    }
    if ((rc = dti_tune_sens_mc(s, o->runs, o->seed, o->top, err)))
        goto cleanup;
    size_t k = s->n_in, n = o->sobol_n;
    if (n) {
        fA = dti_xcalloc(2 * n, sizeof *fA);
        fB = dti_xcalloc(2 * n, sizeof *fB);
        fAB = dti_xcalloc(2 * n * k, sizeof *fAB);
        dti_tune_sampler sp = S_sampler(s, o->seed);
        if ((rc = dti_tune_saltelli(&sp, n, fA, fB, fAB, err)))
            goto cleanup;
    }

    fprintf(out, "Uncertainty and sensitivity analysis: model %s, data %s\n", fw->name, o->data_path);
    fprintf(out, "Uncertain inputs (%s), each a Sobol group:\n", o->uncertainty_path);
    for (size_t i = 0; i < s->n_in; i++)
        S_describe(out, s, &s->in[i]);
    fprintf(out, "Monte Carlo: %zu runs, seed %lu; stages before aggregation memoised for %zu combinations\n",
            o->runs, o->seed, s->n_memo);
    size_t wcode = 8;
    if (o->merger) {
        size_t n_scored = 0;
        for (size_t v = 0; v < nu; v++) {
            size_t wv = dti_utf8_width(code[v]);
            wcode = wv > wcode ? wv : wcode;
            n_scored += nom.rank[v] ? 1u : 0u;
        }
        fprintf(out, "Ranks among the %zu units of the 2025 reorganisation (map %s).\n"
                     "Each draw's normalised main indicators of the %zu provinces are merged by the rule (%s),\n"
                     "then aggregated and ranked among the units; %zu units have a nominal score (every former\n"
                     "province with every weighted indicator)\n",
                nu, o->merger->path, o->merger->n_old,
                o->merger->weight_column ? "mean weighted by the registry column" : "unweighted mean", n_scored);
        if (o->merger->weight_column)
            fprintf(out, "Merger weights: registry column '%s'\n", o->merger->weight_column);
    }
    fputc('\n', out);
    char topk[32];
    snprintf(topk, sizeof topk, "P(top %zu)", o->top);
    fprintf(out, "%7s %6s %9s %9s  ", "nominal", "median", "5%-95%", topk);
    dti_fmt_pad(out, "unit", wcode, 0);
    fprintf(out, " %s\n", o->merger ? "former provinces" : "name");
    for (size_t q = 0; q < nu; q++) {
        size_t v = nom.order[q];
        const dti_tune_rank_stats *st = &s->stats[v];
        if (!nom.rank[v] && !st->ranked)
            continue;
        char nr[24], iv[48];
        snprintf(nr, sizeof nr, "%zu", nom.rank[v]);
        snprintf(iv, sizeof iv, "%zu-%zu", st->q05, st->q95);
        fprintf(out, "%7s %6zu %9s %9.3f  ", nom.rank[v] ? nr : "-", st->q50, iv,
                o->runs ? (double)st->top / (double)o->runs : NAN);
        dti_fmt_pad(out, code[v], wcode, 0);
        fprintf(out, " %s\n", name[v]);
    }
    if (n) {
        if (o->merger)
            fprintf(out, "\nSobol indices of unit %s (%s): nominal rank %zu among the units, score %.4f\n",
                    code[s->unit], name[s->unit], nom.rank[s->unit], nom.values[fw->root * nu + s->unit]);
        else
            fprintf(out, "\nSobol indices of %s (%s): nominal rank %zu, score %.4f\n", name[s->unit], code[s->unit],
                    nom.rank[s->unit], nom.values[fw->root * nu + s->unit]);
        fprintf(out, "Saltelli design, base sample %zu: %zu model evaluations; first order: Saltelli 2010,\n"
                     "total order: Jansen; %.0f%% percentile bootstrap intervals (%zu resamples)\n",
                n, n * (k + 2), 100 * S_BOOT_LEVEL, o->n_boot);
        double *S1 = dti_xcalloc(4 * k * 3, sizeof *S1);
        for (size_t oi = 0; oi < 2; oi++) {
            double *b = S1 + oi * 6 * k;
            dti_tune_sobol(fA, fB, fAB, n, k, 2, oi, b, b + k);
            dti_tune_sobol_boot(fA, fB, fAB, n, k, 2, oi, o->n_boot, o->seed, S_BOOT_LEVEL, b + 2 * k, b + 3 * k,
                                b + 4 * k, b + 5 * k);
        }
        fprintf(out, "%-16s %-22s %-22s %-22s %-22s\n", "input", "S1 rank", "ST rank", "S1 score", "ST score");
        for (size_t g = 0; g < k; g++) {
            char c1[64], c2[64], c3[64], c4[64];
            double *r = S1, *sc = S1 + 6 * k;
            S_ci(c1, sizeof c1, r[g], r[2 * k + g], r[3 * k + g]);
            S_ci(c2, sizeof c2, r[k + g], r[4 * k + g], r[5 * k + g]);
            S_ci(c3, sizeof c3, sc[g], sc[2 * k + g], sc[3 * k + g]);
            S_ci(c4, sizeof c4, sc[k + g], sc[4 * k + g], sc[5 * k + g]);
            fprintf(out, "%-16s %-22s %-22s %-22s %-22s\n", s->in[g].name, c1, c2, c3, c4);
        }
        free(S1);
    }
    (void)nn;
cleanup:
    free(fAB);
    free(fB);
    free(fA);
    free(col);
    free(merged);
    dti_engine_free(uw);
    dti_engine_free(w);
    dti_tune_sens_free(s);
    dti_merger_frame_clear(&mf);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    return rc;
}
