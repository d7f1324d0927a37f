/* tune_what.c -- `dtirank tune stability` and `dtirank tune goal`: what-if questions about one unit.
 * Stability: for each weight, the interval of its share (siblings rescaled in proportion) on which
 * the unit's rank, or its top-K membership, does not change -- exact crossings of the score lines
 * when aggregation is linear, grid and bisection on the engine otherwise.  Goal: the cheapest
 * increases of the unit's indicators that bring it into the top K (a fractional knapsack).  Above the
 * engine (engine.h), below cmd_tune.c.  Formulas and proofs: docs/tuning.md §3-4. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "merger.h"
#include "tune.h"

/* A score is linear in the moving share when a + t b reproduces the engine at two further shares
 * within this relative tolerance: the engine's own rounding is ~1e-15, while the renormalisation
 * over missing children (the only non-linearity of arithmetic means) moves scores by far more. */
#define S_LIN_TOL 1e-9
/* dti_round_key flips from key k to k + 1 where the score, in units of the last published digit,
 * passes k + 1/2 (up to its 1e-6 snap, 5e-11 in score on 4 decimals): the candidate breakpoints. */
#define S_HALF 0.5
#define S_GOAL_MARGIN 0.01      /* of a published digit: above rounding noise and 6-decimal printing */
#define S_GOAL_MARGIN_ABS 1e-9  /* relative margin over the rival when ranks are unrounded */
/* Pieces between candidate events shorter than this (in share) are isolated points: two lines that
 * cross p's at the same share in exact arithmetic (5/14 in the unit test) land 1e-16 apart. */
#define S_PIECE_TOL 1e-12
/* An increase within this of the room left counts as fitting under the cap (rounding of g / c). */
#define S_ROOM_TOL 1e-12

/* ---- shared: the nominal run, the ranked set, scores under other weights ------------------------- */

typedef struct S_ctx {
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_merger_frame *mf; /* NULL: the data's units are ranked; else the merged units */
    size_t nu;       /* units ranked: the data's, or the merger's */
    const char *const *code, *const *name; /* [nu] of the ranked units (borrowed) */
    dti_engine *w;   /* the ranked units' workspace */
    dti_engine *pw;  /* with mf: the provinces' workspace (stages 1-5, then merged) */
    double *col;     /* with mf: [n_old] scratch of dti_merger_frame_merge */
    dti_engine_settings set;
    size_t *groups;
    double *memo;    /* [j * nu + u] stages 1-5 of the nominal run: weights do not affect them; with mf,
                      * the provinces' normalised main indicators merged by the rule */
    double *weight;  /* [nn] scratch weights */
    double *nominal; /* [nu] nominal scores */
    double *score;   /* [nu] scratch scores */
    size_t *rank;    /* [nu] nominal engine ranks */
    size_t *in;      /* [n_in] the ranked set: units with a nominal score */
    size_t n_in;
    int prec;        /* ranking precision, -1 = unrounded */
} S_ctx;

static void S_ctx_clear(S_ctx *c)
{
    dti_engine_free(c->w);
    dti_engine_free(c->pw);
    free(c->col);
    free(c->groups);
    free(c->memo);
    free(c->weight);
    free(c->nominal);
    free(c->score);
    free(c->rank);
    free(c->in);
    memset(c, 0, sizeof *c);
}

/* Stages 1-5 of the provinces' run on raw, merged by the rule into c->memo, then the units' run. */
static int S_units_run(S_ctx *c, const double *raw, dti_engine_result *r, dti_error *err)
{
    dti_engine_result pr;
    int rc = dti_engine_run(c->pw, raw, &c->set, &pr, err);
    if (rc)
        return rc;
    dti_merger_frame_merge(c->mf, pr.normalised, pr.n_indicators, c->memo, c->col);
    dti_engine_override ov = {.agg_method = -1, .impute_method = -1, .normalised = c->memo};
    return dti_engine_run_override(c->w, c->memo, NULL, &ov, r, err);
}

static int S_ctx_init(S_ctx *c, const dti_framework *fw, const dti_dataset *ds, const dti_merger_frame *mf,
                      dti_error *err)
{
    memset(c, 0, sizeof *c);
    c->fw = fw;
    c->ds = ds;
    c->mf = mf;
    c->nu = mf ? mf->m->n_units : ds->n_units;
    c->code = mf ? (const char *const *)mf->m->unit : (const char *const *)ds->unit;
    c->name = mf ? (const char *const *)mf->name : (const char *const *)ds->name;
    size_t nu = c->nu, nn = fw->n_nodes;
    c->set.denominators = ds->denominators;
    c->set.path = ds->path;
    c->set.unit_names = (const char *const *)ds->unit;
    c->set.previous = ds->has_previous ? ds->previous : NULL;
    const dti_impute_spec *im = &fw->defaults.impute;
    if (im->method == DTI_IMPUTE_GROUP_MEAN || im->method == DTI_IMPUTE_GROUP_MEDIAN) {
        c->groups = dti_xcalloc(ds->n_units, sizeof *c->groups); /* one label per data unit (province) */
        int rc = dti_dataset_groups(ds, im->group, c->groups, &c->set.n_groups, NULL, err);
        if (rc)
            return rc;
        c->set.groups = c->groups;
    }
    c->w = dti_engine_alloc(fw, nu);
    if (mf) {
        c->pw = dti_engine_alloc(fw, ds->n_units);
        c->col = dti_xcalloc(mf->m->n_old, sizeof *c->col);
    }
    c->weight = dti_xcalloc(nn, sizeof *c->weight);
    c->nominal = dti_xcalloc(nu, sizeof *c->nominal);
    c->score = dti_xcalloc(nu, sizeof *c->score);
    c->rank = dti_xcalloc(nu, sizeof *c->rank);
    c->in = dti_xcalloc(nu, sizeof *c->in);
    c->prec = fw->defaults.rank_rounded ? fw->precision : -1;
    dti_engine_result r;
    size_t cells = ds->n_indicators * nu;
    c->memo = dti_xcalloc(cells ? cells : 1, sizeof *c->memo);
    int rc = mf ? S_units_run(c, ds->values, &r, err) : dti_engine_run(c->w, ds->values, &c->set, &r, err);
    if (rc)
        return rc;
    memcpy(c->memo, r.normalised, cells * sizeof *c->memo);
    for (size_t u = 0; u < nu; u++) {
        c->nominal[u] = r.values[fw->root * nu + u];
        c->rank[u] = r.rank[u];
        if (r.rank[u])
            c->in[c->n_in++] = u;
    }
    return DTI_OK;
}

/* Root scores of every unit under c->weight (stages 1-5 from the memo). */
static int S_scores(S_ctx *c, double *s, dti_error *err)
{
    dti_engine_override ov = {.weight = c->weight, .agg_method = -1, .impute_method = -1, .normalised = c->memo};
    dti_engine_result r;
    int rc = dti_engine_run_override(c->w, c->mf ? c->memo : c->ds->values, c->mf ? NULL : &c->set, &ov, &r, err);
    if (rc)
        return rc;
    memcpy(s, r.values + c->fw->root * c->nu, c->nu * sizeof *s);
    return DTI_OK;
}

/* su ranks strictly above sp by the rule (competition ranks: a tie is not above). */
static int S_above(double su, double sp, int prec)
{
    if (isnan(su))
        return 0;
    if (prec >= 0)
        return dti_round_key(su, prec) > dti_round_key(sp, prec);
    return su > sp;
}

/* Rank of unit p among the ranked set, scores s[u]. */
static size_t S_rank_of(const S_ctx *c, const double *s, size_t p)
{
    size_t r = 1;
    for (size_t i = 0; i < c->n_in; i++)
        r += c->in[i] != p && S_above(s[c->in[i]], s[p], c->prec);
    return r;
}

static size_t S_class(size_t rank, size_t top) { return top ? (size_t)(rank <= top) : rank; }

static int S_no_score(const S_ctx *c, size_t unit, dti_error *err)
{
    if (c->mf)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                             "unit %s (%s) has no score: a former province lacks a weighted indicator (%zu of %zu "
                             "units have a score)",
                             c->code[unit], c->name[unit], c->n_in, c->nu);
    return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                         "%s (%s) has no score: it lacks a weighted indicator (%zu of %zu units have a score)",
                         c->name[unit], c->code[unit], c->n_in, c->nu);
}

/* ---- stability ------------------------------------------------------------------------------------ */

/* Weights with node k at share t of its positive siblings' total W, the others scaled by
 * (1 - t) / (1 - t0): the parent's total stays W and the others keep their proportions. */
static void S_move(S_ctx *c, size_t k, double t, double t0)
{
    const dti_framework *fw = c->fw;
    const dti_node *par = &fw->nodes[fw->nodes[k].parent];
    double W = 0;
    for (size_t i = 0; i < fw->n_nodes; i++)
        c->weight[i] = fw->nodes[i].weight;
    for (size_t q = 0; q < par->n_children; q++)
        W += fw->nodes[par->children[q]].weight > 0 ? fw->nodes[par->children[q]].weight : 0;
    for (size_t q = 0; q < par->n_children; q++) {
        size_t j = par->children[q];
        if (fw->nodes[j].weight > 0)
            c->weight[j] = j == k ? t * W : fw->nodes[j].weight * (1 - t) / (1 - t0);
    }
}

/* Rank of unit p among the set when the scores are A[i] + B[i] tau (i over the set, p its index). */
static size_t S_lin_rank(const double *A, const double *B, size_t n, size_t p, double tau, int prec)
{
    double sp = A[p] + B[p] * tau;
    size_t r = 1;
    for (size_t i = 0; i < n; i++)
        r += i != p && S_above(A[i] + B[i] * tau, sp, prec);
    return r;
}

static int S_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Walks tau from 0 to tmax over the scores A + B tau and returns the first tau after which the class
 * of p's rank differs from cls0 (tmax when it never does); *beyond gets the rank just after it.
 * Between candidate events the rank is constant, so it is evaluated once per piece, at the middle.
 * Unrounded ranks change only where a line crosses p's line.  Rounded ranks change only where p's
 * rounded score steps (at half a published digit) or, while it is constant at key m, where another
 * line passes (m + 1/2) digits -- both exact solutions of a linear equation. */
static double S_walk(const double *A, const double *B, size_t n, size_t p, double tmax, int prec, size_t top,
                     size_t cls0, double *ev, size_t *beyond)
{
    double h = prec >= 0 ? pow(10.0, -prec) : 0;
    double lo = 0;
    *beyond = 0;
    while (lo < tmax) {
        double hi = tmax;
        if (prec >= 0 && fabs(B[p]) > 0) { /* the next step of p's own rounded score */
            double k = dti_round_key(A[p] + B[p] * lo, prec), sgn = B[p] > 0 ? 1.0 : -1.0;
            for (int tries = 0; tries < 4; tries++, k += sgn) {
                double tb = ((k + sgn * S_HALF) * h - A[p]) / B[p];
                if (tb > lo) {
                    hi = tb < tmax ? tb : tmax;
                    break;
                }
            }
        }
        double thr = prec >= 0 ? (dti_round_key(A[p] + B[p] * (0.5 * (lo + hi)), prec) + S_HALF) * h : 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (i == p)
                continue;
            double d = prec >= 0 ? B[i] : B[i] - B[p], t;
            if (!(fabs(d) > 0))
                continue; /* parallel: the relation cannot change inside the piece */
            t = prec >= 0 ? (thr - A[i]) / d : (A[p] - A[i]) / d;
            if (t > lo && t < hi)
                ev[m++] = t;
        }
        qsort(ev, m, sizeof *ev, S_cmp_double);
        double from = lo;
        for (size_t q = 0; q <= m; q++) {
            double to = q < m ? ev[q] : hi;
            if (!(to - from > S_PIECE_TOL) && (q < m || !(to > from)))
                continue; /* merged into the next piece */
            size_t r = S_lin_rank(A, B, n, p, 0.5 * (from + to), prec);
            if (S_class(r, top) != cls0) {
                *beyond = r;
                return from;
            }
            from = to;
        }
        lo = hi;
    }
    return tmax;
}

/* The general case: the engine on a grid of DTI_TUNE_STAB_GRID steps from t0 towards the end dir,
 * then bisection between the last step of the same class and the first of another. */
static int S_walk_engine(S_ctx *c, size_t k, size_t p, double t0, double dir, size_t top, size_t cls0,
                         double *bound, size_t *beyond, dti_error *err)
{
    double tmax = dir > 0 ? 1 - t0 : t0, same = 0;
    *beyond = 0;
    *bound = tmax;
    for (size_t g = 1; g <= DTI_TUNE_STAB_GRID; g++) {
        double tau = tmax * (double)g / DTI_TUNE_STAB_GRID;
        S_move(c, k, t0 + dir * tau, t0);
        int rc = S_scores(c, c->score, err);
        if (rc)
            return rc;
        size_t r = S_rank_of(c, c->score, p);
        if (S_class(r, top) == cls0) {
            same = tau;
            continue;
        }
        double diff = tau;
        *beyond = r;
        while (diff - same > DTI_TUNE_STAB_BISECT_TOL) {
            double mid = 0.5 * (same + diff);
            S_move(c, k, t0 + dir * mid, t0);
            if ((rc = S_scores(c, c->score, err)))
                return rc;
            size_t rm = S_rank_of(c, c->score, p);
            if (S_class(rm, top) == cls0) {
                same = mid;
            } else {
                diff = mid;
                *beyond = rm;
            }
        }
        *bound = same;
        return DTI_OK;
    }
    return DTI_OK;
}

void dti_tune_stab_result_clear(dti_tune_stab_result *res)
{
    free(res->row);
    memset(res, 0, sizeof *res);
}

int dti_tune_stability(const dti_framework *fw, const dti_dataset *ds, size_t unit, size_t top,
                       dti_tune_stab_result *res, dti_error *err)
{
    return dti_tune_stability_units(fw, ds, NULL, unit, top, res, err);
}

int dti_tune_stability_units(const dti_framework *fw, const dti_dataset *ds, const dti_merger_frame *mf, size_t unit,
                             size_t top, dti_tune_stab_result *res, dti_error *err)
{
    memset(res, 0, sizeof *res);
    S_ctx c;
    double *A = NULL, *B = NULL, *s0 = NULL, *s1 = NULL, *ev = NULL;
    int rc = S_ctx_init(&c, fw, ds, mf, err);
    if (rc)
        goto cleanup;
    if (!c.rank[unit]) {
        rc = S_no_score(&c, unit, err);
        goto cleanup;
    }
    size_t nu = c.nu, n = c.n_in, p = 0;
    for (size_t i = 0; i < n; i++)
        if (c.in[i] == unit)
            p = i;
    res->unit = unit;
    res->top = top;
    res->n_scored = n;
    res->rank = S_rank_of(&c, c.nominal, unit);
    size_t cls0 = S_class(res->rank, top);
    int arithmetic = 1;
    for (size_t i = 0; i < fw->n_nodes; i++)
        arithmetic &= !fw->nodes[i].n_children || fw->nodes[i].agg.method == DTI_AGG_ARITHMETIC;
    res->row = dti_xcalloc(fw->n_nodes, sizeof *res->row);
    A = dti_xcalloc(n, sizeof *A);
    B = dti_xcalloc(n, sizeof *B);
    ev = dti_xcalloc(n, sizeof *ev);
    s0 = dti_xcalloc(nu, sizeof *s0);
    s1 = dti_xcalloc(nu, sizeof *s1);
    for (size_t k = 0; k < fw->n_nodes; k++) {
        const dti_node *nd = &fw->nodes[k];
        if (nd->parent == DTI_NONE || !(nd->weight > 0))
            continue;
        const dti_node *par = &fw->nodes[nd->parent];
        double W = 0;
        size_t n_pos = 0;
        for (size_t q = 0; q < par->n_children; q++)
            if (fw->nodes[par->children[q]].weight > 0) {
                W += fw->nodes[par->children[q]].weight;
                n_pos++;
            }
        if (n_pos < 2)
            continue; /* an only child's share is 1 whatever its weight */
        double t0 = nd->weight / W;
        dti_tune_stab_row *row = &res->row[res->n_rows++];
        row->node = k;
        row->nominal = t0;
        /* linear? scores at t = 0 and 1 give a and b; a + t b must reproduce t0 and t0 / 2 */
        int linear = arithmetic;
        if (linear) {
            S_move(&c, k, 0, t0);
            if ((rc = S_scores(&c, s0, err)))
                goto cleanup;
            S_move(&c, k, 1, t0);
            if ((rc = S_scores(&c, s1, err)))
                goto cleanup;
            S_move(&c, k, 0.5 * t0, t0);
            if ((rc = S_scores(&c, c.score, err)))
                goto cleanup;
            for (size_t i = 0; i < n && linear; i++) {
                size_t u = c.in[i];
                A[i] = s0[u];
                B[i] = s1[u] - s0[u];
                double at0 = A[i] + t0 * B[i], ath = A[i] + 0.5 * t0 * B[i];
                linear = isfinite(A[i]) && isfinite(B[i]) &&
                         fabs(at0 - c.nominal[u]) <= S_LIN_TOL * (1 + fabs(c.nominal[u])) &&
                         fabs(ath - c.score[u]) <= S_LIN_TOL * (1 + fabs(c.score[u]));
            }
        }
        row->exact = linear;
        if (linear) {
            /* tau = |t - t0| towards each end: scores a + t0 b +- b tau */
            double *Ar = s0, *Br = s1; /* reuse as set-indexed buffers (n <= nu) */
            for (size_t i = 0; i < n; i++) {
                Ar[i] = A[i] + t0 * B[i];
                Br[i] = B[i];
            }
            row->upper = t0 + S_walk(Ar, Br, n, p, 1 - t0, c.prec, top, cls0, ev, &row->rank_above);
            for (size_t i = 0; i < n; i++)
                Br[i] = -B[i];
            row->lower = t0 - S_walk(Ar, Br, n, p, t0, c.prec, top, cls0, ev, &row->rank_below);
        } else {
            double tau;
            if ((rc = S_walk_engine(&c, k, unit, t0, 1, top, cls0, &tau, &row->rank_above, err)))
                goto cleanup;
            row->upper = t0 + tau;
            if ((rc = S_walk_engine(&c, k, unit, t0, -1, top, cls0, &tau, &row->rank_below, err)))
                goto cleanup;
            row->lower = t0 - tau;
        }
    }
cleanup:
    free(s1);
    free(s0);
    free(ev);
    free(B);
    free(A);
    S_ctx_clear(&c);
    if (rc)
        dti_tune_stab_result_clear(res);
    return rc;
}

/* ---- goal seeking ---------------------------------------------------------------------------------- */

void dti_tune_goal_result_clear(dti_tune_goal_result *res)
{
    free(res->node);
    free(res->value);
    free(res->cap);
    free(res->coef);
    free(res->cost);
    free(res->delta);
    free(res->single);
    memset(res, 0, sizeof *res);
}

/* Effective weight of node i in the root: the product down the path of the node's weight over the
 * positive weights of its siblings (0 for an unscored node). */
static double S_path_weight(const dti_framework *fw, size_t i)
{
    double w = 1;
    for (size_t k = i; fw->nodes[k].parent != DTI_NONE; k = fw->nodes[k].parent) {
        const dti_node *par = &fw->nodes[fw->nodes[k].parent];
        double sw = 0;
        for (size_t q = 0; q < par->n_children; q++)
            sw += fw->nodes[par->children[q]].weight > 0 ? fw->nodes[par->children[q]].weight : 0;
        w *= fw->nodes[k].weight > 0 ? fw->nodes[k].weight / sw : 0;
    }
    return w;
}

static int S_linear_model(const dti_framework *fw, const char *what, dti_error *err)
{
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        const char *why = NULL;
        if (nd->n_children && nd->agg.method != DTI_AGG_ARITHMETIC)
            why = dti_agg_method_name(nd->agg.method);
        else if (nd->role == DTI_NODE_INDICATOR && nd->parent != DTI_NONE) {
            if (nd->norm.method != DTI_NORM_NONE)
                why = dti_norm_method_name(nd->norm.method);
            else if (nd->transform.method != DTI_TRANSFORM_NONE)
                why = dti_transform_method_name(nd->transform.method);
            else if (nd->treat.method != DTI_TREAT_NONE)
                why = "outlier treatment";
            else if (nd->denom != DTI_NONE)
                why = "a denominator";
        }
        if (why)
            return dti_error_set(err, DTI_ERR_INPUT, fw->path, nd->line, nd->column,
                                 "%s needs a linear model (identity normalisation, arithmetic means): '%s' uses %s",
                                 what, nd->id, why);
    }
    return DTI_OK;
}

int dti_tune_goal(const dti_framework *fw, const dti_dataset *ds, size_t unit, size_t top, const double *cost,
                  dti_tune_goal_result *res, dti_error *err)
{
    return dti_tune_goal_units(fw, ds, NULL, unit, top, cost, res, err);
}

int dti_tune_goal_units(const dti_framework *fw, const dti_dataset *ds, const dti_merger_frame *mf, size_t who,
                        size_t top, const double *cost, dti_tune_goal_result *res, dti_error *err)
{
    memset(res, 0, sizeof *res);
    S_ctx c;
    memset(&c, 0, sizeof c);
    double *raw = NULL, *key = NULL;
    size_t *order = NULL;
    int rc;
    int im = fw->defaults.impute.method;
    if ((rc = S_linear_model(fw, "tune goal", err)))
        return rc;
    if (im != DTI_IMPUTE_NONE && im != DTI_IMPUTE_PREVIOUS) /* "all else fixed" would be false */
        return dti_error_set(err, DTI_ERR_INPUT, fw->path, 0, 0,
                             "tune goal needs the other units' values fixed, but the model imputes missing values "
                             "from other units (impute: none or previous)");
    if ((rc = S_ctx_init(&c, fw, ds, mf, err)))
        goto cleanup;
    /* the data row whose values move, and the share of each of its increases in the ranked unit's
     * main indicators: w_P / sum of the unit's weights under the merger rule (1 without a merger) */
    size_t unit = mf ? mf->m->unit_of[who] : who, row = mf ? mf->row_of[who] : who;
    double share = mf ? mf->m->weight[who] / mf->m->wsum[unit] : 1.0;
    if (!c.rank[unit]) {
        rc = S_no_score(&c, unit, err);
        goto cleanup;
    }
    size_t nu = c.nu, nr = ds->n_units, nj = ds->n_indicators;
    res->unit = unit;
    res->row = row;
    res->share = share;
    res->top = top;
    res->n_scored = c.n_in;
    res->n_units = c.nu;
    res->n = nj;
    res->score = c.nominal[unit];
    res->rank = S_rank_of(&c, c.nominal, unit);
    res->rival = DTI_NONE;
    res->node = dti_xcalloc(nj + 1, sizeof *res->node);
    res->value = dti_xcalloc(nj + 1, sizeof *res->value);
    res->cap = dti_xcalloc(nj + 1, sizeof *res->cap);
    res->coef = dti_xcalloc(nj + 1, sizeof *res->coef);
    res->cost = dti_xcalloc(nj + 1, sizeof *res->cost);
    res->delta = dti_xcalloc(nj + 1, sizeof *res->delta);
    res->single = dti_xcalloc(nj + 1, sizeof *res->single);
    dti_engine_indicators(fw, res->node);
    for (size_t j = 0; j < nj; j++) {
        res->value[j] = ds->values[row * nj + j];
        res->coef[j] = S_path_weight(fw, res->node[j]) * share;
        res->cost[j] = cost ? cost[j] : 1.0;
        if (!(res->cost[j] > 0 && res->cost[j] <= DTI_COST_MAX)) {
            rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "the cost of '%s' is %g: a cost must be above 0 and at most %g",
                               fw->nodes[res->node[j]].id, res->cost[j], DTI_COST_MAX);
            goto cleanup;
        }
        res->single[j] = NAN;
        if (fw->has_range) {
            res->cap[j] = fw->range_hi;
        } else { /* no range: no better than the best value observed */
            res->cap[j] = NAN;
            for (size_t u = 0; u < nr; u++) {
                double v = ds->values[u * nj + j];
                if (!isnan(v) && (isnan(res->cap[j]) || v > res->cap[j]))
                    res->cap[j] = v;
            }
        }
        if (res->coef[j] > 0 && isnan(res->value[j])) {
            rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "%s (%s) has no value of '%s'", ds->name[row],
                               ds->unit[row], fw->nodes[res->node[j]].id);
            goto cleanup;
        }
    }
    /* the score to reach: the top-th best of the other units, by the rule (a tie shares the rank) */
    size_t n_other = 0;
    order = dti_xcalloc((nu > nj ? nu : nj) + 1, sizeof *order); /* the other units, then the columns */
    for (size_t i = 0; i < c.n_in; i++)
        if (c.in[i] != unit)
            order[n_other++] = c.in[i];
    res->already = res->rank <= top || n_other < top;
    res->needed = res->score;
    if (!res->already) {
        /* the others by score, best first (insertion sort: stable, file order on ties) */
        for (size_t a = 1; a < n_other; a++) {
            size_t v = order[a], b = a;
            for (; b > 0 && c.nominal[order[b - 1]] < c.nominal[v]; b--)
                order[b] = order[b - 1];
            order[b] = v;
        }
        res->rival = order[top - 1];
        double rv = res->rival_score = c.nominal[res->rival];
        /* The score to reach: with ranks on the published precision, just above the lower edge of the
         * rival's rounded score (a tie shares the rank; the edge is half a digit below it, inclusive
         * for positive scores and exclusive for negative ones under half-away-from-zero rounding);
         * unrounded, just above the rival's own score.  The margin keeps the plan in the top K when its
         * increases are printed to 6 decimals and applied as printed. */
        res->needed = c.prec >= 0 ? (dti_round_key(rv, c.prec) - S_HALF + S_GOAL_MARGIN) * pow(10.0, -c.prec)
                                  : rv + S_GOAL_MARGIN_ABS * fmax(1.0, fabs(rv));
    }
    /* the cheapest plan: fill in increasing cost per unit of score (fractional knapsack) */
    size_t m = 0;
    for (size_t j = 0; j < nj; j++)
        if (res->coef[j] > 0 && res->cap[j] - res->value[j] > 0)
            order[m++] = j;
    /* cost per unit of score; when one of them overflows (a tiny effective weight), all are compared
     * by their logarithms instead, which cannot: inf = inf would put a dear indicator first */
    key = dti_xcalloc(nj + 1, sizeof *key);
    int logs = 0;
    for (size_t a = 0; a < m; a++) {
        key[order[a]] = res->cost[order[a]] / res->coef[order[a]];
        logs |= !isfinite(key[order[a]]) || !(key[order[a]] > 0);
    }
    for (size_t a = 0; a < m && logs; a++)
        key[order[a]] = log(res->cost[order[a]]) - log(res->coef[order[a]]);
    for (size_t a = 1; a < m; a++) { /* insertion sort: stable, so ties keep the column order */
        size_t j = order[a], b = a;
        for (; b > 0 && key[order[b - 1]] > key[j]; b--)
            order[b] = order[b - 1];
        order[b] = j;
    }
    double need = res->needed - res->score;
    res->reachable = 1;
    if (!res->already) {
        for (size_t a = 0; a < m && need > 0; a++) {
            size_t j = order[a];
            double room = res->cap[j] - res->value[j];
            if (res->coef[j] * room >= need) {
                res->delta[j] = need / res->coef[j];
                need = 0;
            } else {
                res->delta[j] = room;
                need -= res->coef[j] * room;
            }
        }
        res->reachable = !(need > 0);
        for (size_t j = 0; j < nj; j++) {
            double d = res->coef[j] > 0 ? (res->needed - res->score) / res->coef[j] : INFINITY;
            if (d <= res->cap[j] - res->value[j] + S_ROOM_TOL)
                res->single[j] = d;
        }
    }
    res->score_after = res->score;
    for (size_t j = 0; j < nj; j++) {
        res->plan_cost += res->cost[j] * res->delta[j];
        res->score_after += res->coef[j] * res->delta[j];
    }
    /* check the plan with the engine: the unit's new values, everything else as it was */
    raw = dti_xcalloc(nr * nj + 1, sizeof *raw);
    memcpy(raw, ds->values, nr * nj * sizeof *raw);
    for (size_t j = 0; j < nj; j++)
        raw[row * nj + j] += res->delta[j];
    dti_engine_result r;
    if ((rc = mf ? S_units_run(&c, raw, &r, err) : dti_engine_run(c.w, raw, &c.set, &r, err)))
        goto cleanup;
    res->score_after = r.values[fw->root * nu + unit];
    for (size_t u = 0; u < nu; u++)
        c.score[u] = c.rank[u] ? r.values[fw->root * nu + u] : NAN;
    res->rank_after = S_rank_of(&c, c.score, unit);
cleanup:
    free(key);
    free(order);
    free(raw);
    S_ctx_clear(&c);
    if (rc)
        dti_tune_goal_result_clear(res);
    return rc;
}
