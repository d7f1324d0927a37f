/* project_latent.c -- the latent-position models of the projection, fitted by Gibbs sampling.
 *
 * Each province has a position z_{i,t} = mu_i + u_{i,t} every year: mu_i ~ N(0, omega2) a level of its
 * own, u an AR(1) of stationary variance 1 - omega2 whose persistence c_t is rho_b at an edition change
 * and rho_w otherwise; from `units_from` on, each unit of the reorganisation evolves the same way from the
 * mean of its former provinces.  A year whose every value is published observes the positions up to an
 * affine map (z = m_t + s_t y, y the standardised values); a year known by ranks and bounds observes
 * only that the order of z is a ranking within every entity's allowed slots (the extended rank
 * likelihood).  Formulas, priors and the sampler: docs/projection.md.
 *
 * The full conditionals of z, mu and (m, s) are Gaussian in the variable (times s^(n-2) for s): they are
 * read off the log density by evaluating it at three points, so every conditional follows from one
 * function per province and one per unit (S_lp_prov, S_lp_unit) and cannot drift from the joint.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "internal.h"
#include "mc.h"
#include "merger.h"
#include "project.h"

#define S_PHASE_FIT 11UL  /* random-stream family of the chains (dti_stream_seed) */
#define S_ADAPT_EVERY 50  /* burn-in sweeps between step-size adaptations */
#define S_MH_STEPS 10      /* Metropolis proposals per parameter and sweep */
#define S_PARAM_EDGE 1e-6 /* parameters live in (0, 1): proposals this close to an edge are rejected */

void dti_latent_settings_default(dti_latent_settings *s)
{
    memset(s, 0, sizeof *s);
    s->chains = 4;
    s->sweeps = 3000;
    s->burn = 1000;
    s->thin = 2;
    s->seed = 1;
    s->threads = 1;
    s->nu = 4;
    s->units_from = 2025;
}

/* ---- the model's data, shared by the chains ----------------------------------------------------- */

typedef struct {
    const dti_project_obs *obs;
    int pooled, tied, heavy; /* omega2 = 0; rho_b = rho_w; t innovations */
    double nu, kappa;        /* t: nu and the variance factor (nu - 2) / nu; Gaussian: kappa = 1 */
    size_t n, nu_, T, Tp;    /* provinces, units, fitted years, province years */
    size_t rec[DTI_PROJECT_MAX_YEARS]; /* obs index of fitted year t, or DTI_NONE */
    size_t cnt[DTI_PROJECT_MAX_YEARS]; /* entities in fitted year t */
    int brk[DTI_PROJECT_MAX_YEARS];
    int values[DTI_PROJECT_MAX_YEARS]; /* year t is observed by its values */
    size_t *alo, *ahi; /* [t * n + e] the allowed rank slots of entity e in year t (1..SIZE_MAX: any) */
    size_t *unit_of;   /* [n] unit of each province (with units) */
    double *wunit;     /* [n] merger weight / the unit's weight sum */
    size_t *mem, *mem_start; /* members of unit j: mem[mem_start[j] .. mem_start[j+1]) */
} S_ctx;

typedef struct {
    const S_ctx *x;
    double th[3];       /* rho_w, rho_b, omega2 */
    double *mu;         /* [n] */
    double *z;          /* [T * n]: row t holds the year's entities (units use the first nu_) */
    double *lam;        /* [T * n] t model scale mixtures (1 otherwise) */
    double am[DTI_PROJECT_MAX_YEARS], as[DTI_PROJECT_MAX_YEARS]; /* affine map of value years */
    size_t *ord, *pos;  /* [T * n] order of each rank year (descending z) and positions */
    size_t *red;        /* [n] scratch: an order without one entity */
    unsigned char *ok;  /* [2n] scratch */
    double *seg;        /* [4n] scratch: feasible segments and their masses */
    double *mu_save;    /* [n] scratch */
    double step[4];     /* random-walk steps: rho_w, rho_b, omega2, omega2 non-centred */
    /* Without the t model every innovation of year t has the variance v[t] (v[0] the stationary one):
     * v and log v, and log omega2, for the parameters in cache_th (recomputed when they change). */
    double cache_th[3], cache_v[DTI_PROJECT_MAX_YEARS], cache_lv[DTI_PROJECT_MAX_YEARS], cache_lw2;
    int cached;
    unsigned long acc[4], tries[4];
    gsl_rng *rng;
} S_chain;

static double S_c(const S_chain *ch, size_t t) { return ch->x->brk[t] ? ch->th[1] : ch->th[0]; }

/* The variances of the innovations and their logarithms for the current parameters (no t model: then
 * lambda = 1 and the division by it is exact).  The same expressions as below, so the same doubles;
 * this only saves the logarithms, which the single-site updates would otherwise take for every
 * province and year of every conditional (three evaluations each). */
static void S_cache(S_chain *ch)
{
    if (ch->cached && !memcmp(ch->cache_th, ch->th, sizeof ch->th))
        return;
    const S_ctx *x = ch->x;
    double s2 = 1.0 - ch->th[2];
    for (size_t t = 0; t < x->T; t++) {
        double c = S_c(ch, t);
        ch->cache_v[t] = t == 0 ? s2 * x->kappa : s2 * (1.0 - c * c) * x->kappa;
        ch->cache_lv[t] = log(ch->cache_v[t]);
    }
    ch->cache_lw2 = x->pooled ? 0 : log(ch->th[2]);
    memcpy(ch->cache_th, ch->th, sizeof ch->th);
    ch->cached = 1;
}

/* Log density (up to a constant) of everything province i contributes: its level's prior and its
 * positions in the province years. */
static double S_lp_prov(S_chain *ch, size_t i)
{
    const S_ctx *x = ch->x;
    double w2 = ch->th[2], s2 = 1.0 - w2, lp = 0, uprev = 0;
    if (!x->heavy) {
        S_cache(ch);
        if (!x->pooled)
            lp += -0.5 * ch->mu[i] * ch->mu[i] / w2 - 0.5 * ch->cache_lw2;
        for (size_t t = 0; t < x->Tp; t++) {
            double u = ch->z[t * x->n + i] - ch->mu[i], e = t == 0 ? u : u - S_c(ch, t) * uprev;
            lp += -0.5 * e * e / ch->cache_v[t] - 0.5 * ch->cache_lv[t];
            uprev = u;
        }
        return lp;
    }
    if (!x->pooled)
        lp += -0.5 * ch->mu[i] * ch->mu[i] / w2 - 0.5 * log(w2);
    for (size_t t = 0; t < x->Tp; t++) {
        double u = ch->z[t * x->n + i] - ch->mu[i], v, e;
        if (t == 0) {
            v = s2 * x->kappa / ch->lam[i];
            e = u;
        } else {
            double c = S_c(ch, t);
            v = s2 * (1.0 - c * c) * x->kappa / ch->lam[t * x->n + i];
            e = u - c * uprev;
        }
        lp += -0.5 * e * e / v - 0.5 * log(v);
        uprev = u;
    }
    return lp;
}

/* Log density of unit j's positions in the unit years, given its former provinces (its level is their
 * mean level, its start their mean position in the last province year). */
static double S_lp_unit(S_chain *ch, size_t j)
{
    const S_ctx *x = ch->x;
    if (x->T == x->Tp)
        return 0;
    if (!x->heavy)
        S_cache(ch);
    double s2 = 1.0 - ch->th[2], muj = 0, uprev = 0, lp = 0;
    for (size_t k = x->mem_start[j]; k < x->mem_start[j + 1]; k++) {
        size_t i = x->mem[k];
        muj += x->wunit[i] * ch->mu[i];
        uprev += x->wunit[i] * (ch->z[(x->Tp - 1) * x->n + i] - ch->mu[i]);
    }
    for (size_t t = x->Tp; t < x->T; t++) {
        double c = S_c(ch, t), u = ch->z[t * x->n + j] - muj;
        double v = x->heavy ? s2 * (1.0 - c * c) * x->kappa / ch->lam[t * x->n + j] : ch->cache_v[t];
        double e = u - c * uprev;
        lp += -0.5 * e * e / v - 0.5 * (x->heavy ? log(v) : ch->cache_lv[t]);
        uprev = u;
    }
    return lp;
}

/* The whole log density: the sum of S_lp_prov and S_lp_unit over every province and unit.  Without the
 * t model every innovation of a year has the same variance, so the sums are taken year by year with
 * one logarithm a year (the Metropolis steps evaluate this many times per sweep). */
static double S_lp_joint(S_chain *ch)
{
    const S_ctx *x = ch->x;
    double lp = 0;
    if (x->heavy) {
        for (size_t i = 0; i < x->n; i++)
            lp += S_lp_prov(ch, i);
        for (size_t j = 0; j < x->nu_; j++)
            lp += S_lp_unit(ch, j);
        return lp;
    }
    size_t n = x->n;
    double w2 = ch->th[2], s2 = 1.0 - w2;
    const double *mu = ch->mu, *z = ch->z;
    if (!x->pooled) {
        double ss = 0;
        for (size_t i = 0; i < n; i++)
            ss += mu[i] * mu[i];
        lp += -0.5 * ss / w2 - 0.5 * (double)n * log(w2);
    }
    for (size_t t = 0; t < x->Tp; t++) {
        double c = t ? S_c(ch, t) : 0.0, v = s2 * (t ? 1.0 - c * c : 1.0), ss = 0;
        const double *zt = &z[t * n], *zp = t ? &z[(t - 1) * n] : NULL;
        if (t == 0) /* z - mu - 0.0 is z - mu exactly */
            for (size_t i = 0; i < n; i++) {
                double e = zt[i] - mu[i];
                ss += e * e;
            }
        else
            for (size_t i = 0; i < n; i++) {
                double e = zt[i] - mu[i] - c * (zp[i] - mu[i]);
                ss += e * e;
            }
        lp += -0.5 * ss / v - 0.5 * (double)n * log(v);
    }
    for (size_t j = 0; j < x->nu_ && x->T > x->Tp; j++)
        lp += S_lp_unit(ch, j);
    return lp;
}

/* The terms that depend on z[t][e] (or on mu[e] when t == DTI_NONE). */
static double S_lp_local(S_chain *ch, size_t t, size_t e)
{
    const S_ctx *x = ch->x;
    if (t != DTI_NONE && t >= x->Tp)
        return S_lp_unit(ch, e);
    double lp = S_lp_prov(ch, e);
    if (x->T > x->Tp && (t == DTI_NONE || t == x->Tp - 1))
        lp += S_lp_unit(ch, x->unit_of[e]);
    return lp;
}

/* A function f that is quadratic in *var: its maximum and curvature from three evaluations around the
 * current value (exact for a quadratic up to rounding).  Returns the conditional mean and sd; *var is
 * left at its original value. */
typedef double (*S_fn)(S_chain *ch, size_t t, size_t e);
static void S_gauss(S_chain *ch, double *var, S_fn f, size_t t, size_t e, double *mean, double *sd)
{
    double x0 = *var, h = 1.0;
    double f0 = f(ch, t, e);
    *var = x0 + h;
    double fp = f(ch, t, e);
    *var = x0 - h;
    double fm = f(ch, t, e);
    *var = x0;
    double a = (fp + fm - 2 * f0) / (2 * h * h), g = (fp - fm) / (2 * h);
    if (!(a < 0)) { /* cannot happen for a proper model: keep the variable where it is */
        *mean = x0;
        *sd = 0;
        return;
    }
    *mean = x0 - g / (2 * a);
    *sd = sqrt(-1.0 / (2 * a));
}

/* ---- truncated normal on a union of intervals --------------------------------------------------- */

/* Mass of N(0,1) on [a, b] computed on the side of the tail it lies in (no cancellation). */
static double S_mass(double a, double b)
{
    if (a > 0)
        return gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b);
    return gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
}

/* A draw of N(0,1) restricted to [a, b] by inversion on the same side. */
static double S_draw_in(gsl_rng *r, double a, double b)
{
    double u = gsl_rng_uniform_pos(r), x;
    if (a > 0) {
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        x = gsl_cdf_ugaussian_Qinv(qb + u * (qa - qb));
    } else {
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    if (!(x > a) || !(x < b)) /* rounding at a tiny interval: its middle */
        x = isfinite(a) && isfinite(b) ? 0.5 * (a + b) : isfinite(a) ? a + 1e-9 : b - 1e-9;
    return x;
}

/* ---- one rank year: the allowed insertion places of an entity ----------------------------------- */

static int S_allowed(const S_ctx *x, size_t t, size_t e, size_t rank)
{
    size_t i = t * x->n + e;
    return rank >= x->alo[i] && rank <= x->ahi[i];
}

/* Draws z[t][e] from N(mean, sd^2) restricted to the places in year t's order where putting e keeps
 * every entity's rank within its allowed slots, then moves e there. */
static void S_update_rank_year(S_chain *ch, size_t t, size_t e, double mean, double sd)
{
    const S_ctx *x = ch->x;
    size_t n = x->n, m = x->cnt[t], *ord = &ch->ord[t * n], *pos = &ch->pos[t * n];
    double *z = &ch->z[t * n];
    if (!(sd > 0))
        return;
    size_t p = pos[e];
    memcpy(ch->red, ord, p * sizeof *ord); /* the order without e */
    memcpy(ch->red + p, ord + p + 1, (m - 1 - p) * sizeof *ord);
    /* ok[q]: every entity above the place q keeps its rank, ok[n+q]: every one below moves down one;
     * each stays 0 from its first 0 on */
    unsigned char *pre = ch->ok, *suf = ch->ok + n;
    size_t q0 = 1;
    pre[0] = 1;
    while (q0 < m && S_allowed(x, t, ch->red[q0 - 1], q0))
        pre[q0++] = 1;
    memset(pre + q0, 0, m - q0);
    suf[m - 1] = 1;
    q0 = m - 1;
    while (q0-- > 0 && S_allowed(x, t, ch->red[q0], q0 + 2))
        suf[q0] = 1;
    if (q0 < m - 1) /* stopped at q0 (not at the start): it and everything before are 0 */
        memset(suf, 0, q0 + 1);
    /* Feasible places merged into segments [lo, hi] of z, standardised; their masses. */
    size_t ns = 0;
    double total = 0;
    for (size_t q = 0; q < m;) {
        if (!(pre[q] && suf[q] && S_allowed(x, t, e, q + 1))) {
            q++;
            continue;
        }
        double hi = q == 0 ? INFINITY : z[ch->red[q - 1]];
        while (q + 1 < m && pre[q + 1] && suf[q + 1] && S_allowed(x, t, e, q + 2))
            q++;
        double lo = q == m - 1 ? -INFINITY : z[ch->red[q]];
        double a = (lo - mean) / sd, b = (hi - mean) / sd, w = S_mass(a, b);
        ch->seg[4 * ns] = a;
        ch->seg[4 * ns + 1] = b;
        ch->seg[4 * ns + 2] = w;
        total += w;
        ns++;
        q++;
    }
    if (ns == 0) /* cannot happen from a feasible state: keep it */
        return;
    size_t s = 0;
    if (total > 0) {
        double u = gsl_rng_uniform(ch->rng) * total;
        while (s + 1 < ns && u >= ch->seg[4 * s + 2]) {
            u -= ch->seg[4 * s + 2];
            s++;
        }
    } else { /* every segment beyond double precision: the one nearest the mean */
        double best = INFINITY;
        for (size_t q = 0; q < ns; q++) {
            double d = fmin(fabs(ch->seg[4 * q]), fabs(ch->seg[4 * q + 1]));
            if (d < best) {
                best = d;
                s = q;
            }
        }
    }
    double v = mean + sd * S_draw_in(ch->rng, ch->seg[4 * s], ch->seg[4 * s + 1]);
    z[e] = v;
    /* reinsert e: its place q among the others by value; only the places between p and q change */
    size_t q = 0;
    while (q < m - 1 && z[ch->red[q]] > v)
        q++;
    size_t lo = q < p ? q : p, hi = q < p ? p : q;
    for (size_t r = lo; r <= hi; r++) {
        size_t who = r == q ? e : ch->red[r < q ? r : r - 1];
        ord[r] = who;
        pos[who] = r;
    }
}

/* Swaps of two entities that are not pinned to one slot: single-site updates cannot exchange the slots
 * of two bounded provinces separated by pinned ones (each would push a pinned province off its slot),
 * so without swaps the chain would keep its starting assignment of the free slots.  For entity e, a
 * partner f drawn uniformly among the other unpinned entities of the year; the proposal exchanges
 * their positions (z values) and is its own inverse, so it is symmetric; accepted with the ratio of
 * the densities when both new ranks are allowed (Metropolis). */
static int S_unpinned(const S_ctx *x, size_t t, size_t e)
{
    size_t i = t * x->n + e;
    return x->alo[i] < x->ahi[i];
}

static void S_swaps(S_chain *ch, size_t t, size_t *free_list)
{
    const S_ctx *x = ch->x;
    size_t n = x->n, m = x->cnt[t], k = 0, *pos = &ch->pos[t * n], *ord = &ch->ord[t * n];
    double *z = &ch->z[t * n];
    for (size_t e = 0; e < m; e++)
        if (S_unpinned(x, t, e))
            free_list[k++] = e;
    if (k < 2)
        return;
    for (size_t a = 0; a < k; a++) {
        size_t e = free_list[a], b = gsl_rng_uniform_int(ch->rng, k - 1), f = free_list[b >= a ? b + 1 : b];
        if (!S_allowed(x, t, e, pos[f] + 1) || !S_allowed(x, t, f, pos[e] + 1))
            continue;
        double l0 = S_lp_local(ch, t, e) + S_lp_local(ch, t, f), ze = z[e], zf = z[f];
        z[e] = zf;
        z[f] = ze;
        double l1 = S_lp_local(ch, t, e) + S_lp_local(ch, t, f);
        if (x->T > x->Tp && t == x->Tp - 1 && x->unit_of[e] == x->unit_of[f]) {
            /* both local sums hold their unit's terms: counted twice on both sides, the ratio is right */
        }
        if (log(gsl_rng_uniform_pos(ch->rng)) < l1 - l0) {
            size_t pe = pos[e];
            pos[e] = pos[f];
            pos[f] = pe;
            ord[pos[e]] = e;
            ord[pos[f]] = f;
        } else {
            z[e] = ze;
            z[f] = zf;
        }
    }
}

/* A year known by ranks only: its positions shifted, or scaled about 0, all together.  Neither changes
 * the order, so every rank stays allowed; they move the year's positions as a block where one-at-a-time
 * updates, each hemmed in by its neighbours, would take many sweeps (the order-preserving moves of the
 * extended rank likelihood).  The scale z -> b z with log b symmetric has the Jacobian b^m. */
#define S_YEAR_SHIFT 0.1
#define S_YEAR_LOGSCALE 0.05
static void S_year_moves(S_chain *ch, size_t t)
{
    const S_ctx *x = ch->x;
    double *z = &ch->z[t * x->n], lp0 = S_lp_joint(ch);
    size_t m = x->cnt[t];
    for (int kind = 0; kind < 2; kind++) {
        double d = gsl_ran_gaussian_ziggurat(ch->rng, 1.0), b = kind ? exp(S_YEAR_LOGSCALE * d) : 1.0;
        double a = kind ? 0.0 : S_YEAR_SHIFT * d;
        for (size_t e = 0; e < m; e++)
            z[e] = a + b * z[e];
        double lp1 = S_lp_joint(ch);
        if (log(gsl_rng_uniform_pos(ch->rng)) < lp1 - lp0 + (double)m * log(b)) {
            lp0 = lp1;
        } else {
            for (size_t e = 0; e < m; e++)
                z[e] = (z[e] - a) / b;
        }
    }
}

/* ---- the affine map of a value year --------------------------------------------------------------- */

static void S_apply_affine(S_chain *ch, size_t t)
{
    const S_ctx *x = ch->x;
    const double *y = &x->obs->value[x->rec[t] * x->obs->n];
    for (size_t e = 0; e < x->cnt[t]; e++)
        ch->z[t * x->n + e] = ch->am[t] + ch->as[t] * y[e];
}

/* log density of s given m: (cnt - 2) log s + the joint, which is quadratic in s (coefficients a2, a1 about s0) */
static double S_logg(double s, double s0, double a2, double a1, double n)
{
    double d = s - s0;
    return n * log(s) + a2 * d * d + a1 * d;
}

static void S_update_affine(S_chain *ch, size_t t)
{
    const S_ctx *x = ch->x;
    double mean, sd;
    /* m | s: Gaussian (the weight s^(n-2) does not involve m) */
    S_apply_affine(ch, t);
    double m0 = ch->am[t], f0 = S_lp_joint(ch);
    ch->am[t] = m0 + 1;
    S_apply_affine(ch, t);
    double fp = S_lp_joint(ch);
    ch->am[t] = m0 - 1;
    S_apply_affine(ch, t);
    double fm = S_lp_joint(ch);
    double a = (fp + fm - 2 * f0) / 2, g = (fp - fm) / 2;
    ch->am[t] = m0;
    if (a < 0) {
        mean = m0 - g / (2 * a);
        sd = sqrt(-1 / (2 * a));
        ch->am[t] = mean + sd * gsl_ran_gaussian_ziggurat(ch->rng, 1.0);
    }
    /* s | m: density s^(n-2) exp(quadratic), log-concave: slice sampling (Neal 2003, stepping out) */
    double s0 = ch->as[t];
    S_apply_affine(ch, t);
    f0 = S_lp_joint(ch);
    double h = 0.25 * s0;
    ch->as[t] = s0 + h;
    S_apply_affine(ch, t);
    fp = S_lp_joint(ch);
    ch->as[t] = s0 - h;
    S_apply_affine(ch, t);
    fm = S_lp_joint(ch);
    /* the observation is the year's positions up to a location and a scale: the maximal invariant of
     * that group has the density  integral of p(m + s y) s^(n-2) dm ds  (n - 2: the standardised y lie on
     * a manifold of dimension n - 2), so (m, s) are sampled with the weight s^(n-2) */
    double a2 = (fp + fm - 2 * f0) / (2 * h * h), a1 = (fp - fm) / (2 * h), n = (double)x->cnt[t] - 2;
    double level = S_logg(s0, s0, a2, a1, n) - gsl_ran_exponential(ch->rng, 1.0);
    double w = 0.5 * s0, lo = s0 - w * gsl_rng_uniform(ch->rng), hi = lo + w;
    if (lo <= 0)
        lo = 1e-12;
    for (int k = 0; k < 50 && lo > 1e-12 && S_logg(lo, s0, a2, a1, n) > level; k++)
        lo = fmax(lo - w, 1e-12);
    for (int k = 0; k < 50 && S_logg(hi, s0, a2, a1, n) > level; k++)
        hi += w;
    double s1 = s0;
    for (int k = 0; k < 200; k++) {
        s1 = lo + (hi - lo) * gsl_rng_uniform_pos(ch->rng);
        if (S_logg(s1, s0, a2, a1, n) > level)
            break;
        if (s1 < s0)
            lo = s1;
        else
            hi = s1;
        s1 = s0;
    }
    ch->as[t] = s1;
    S_apply_affine(ch, t);
}

/* ---- parameters ------------------------------------------------------------------------------- */

static void S_set_param(S_chain *ch, int k, double v)
{
    ch->th[k] = v;
    if (k == 0 && ch->x->tied)
        ch->th[1] = v;
}

static void S_mh_param(S_chain *ch, int k, double *lp)
{
    double old = ch->th[k], prop = old + ch->step[k] * gsl_ran_gaussian_ziggurat(ch->rng, 1.0);
    ch->tries[k]++;
    if (!(prop > S_PARAM_EDGE && prop < 1 - S_PARAM_EDGE))
        return;
    S_set_param(ch, k, prop);
    double lp1 = S_lp_joint(ch);
    if (log(gsl_rng_uniform_pos(ch->rng)) < lp1 - *lp) {
        *lp = lp1;
        ch->acc[k]++;
    } else {
        S_set_param(ch, k, old);
    }
}

/* omega2 with the levels scaled along (mu / omega fixed): mixes where omega2 and the levels are
 * strongly tied (a scale-group move, Liu and Sabatti 2000); the Jacobian is (omega'/omega)^n. */
static void S_mh_scale(S_chain *ch, double *lp)
{
    const S_ctx *x = ch->x;
    double old = ch->th[2], prop = old + ch->step[3] * gsl_ran_gaussian_ziggurat(ch->rng, 1.0);
    ch->tries[3]++;
    if (!(prop > S_PARAM_EDGE && prop < 1 - S_PARAM_EDGE))
        return;
    double f = sqrt(prop / old);
    memcpy(ch->mu_save, ch->mu, x->n * sizeof *ch->mu);
    for (size_t i = 0; i < x->n; i++)
        ch->mu[i] *= f;
    ch->th[2] = prop;
    double lp1 = S_lp_joint(ch);
    if (log(gsl_rng_uniform_pos(ch->rng)) < lp1 - *lp + (double)x->n * log(f)) {
        *lp = lp1;
        ch->acc[3]++;
    } else {
        ch->th[2] = old;
        memcpy(ch->mu, ch->mu_save, x->n * sizeof *ch->mu);
    }
}

/* t model: the scale of each innovation, lambda ~ Gamma((nu + 1) / 2, rate (nu + e^2 / v) / 2) with v the
 * innovation's variance at lambda = 1. */
static void S_update_lambda(S_chain *ch)
{
    const S_ctx *x = ch->x;
    double s2 = 1 - ch->th[2];
    for (size_t i = 0; i < x->n; i++) {
        double uprev = 0;
        for (size_t t = 0; t < x->Tp; t++) {
            double u = ch->z[t * x->n + i] - ch->mu[i], c = t ? S_c(ch, t) : 0;
            double v = s2 * (t ? 1 - c * c : 1.0) * x->kappa, e = u - c * uprev;
            ch->lam[t * x->n + i] = gsl_ran_gamma(ch->rng, 0.5 * (x->nu + 1), 2.0 / (x->nu + e * e / v));
            uprev = u;
        }
    }
    for (size_t j = 0; j < x->nu_ && x->T > x->Tp; j++) {
        double muj = 0, uprev = 0;
        for (size_t k = x->mem_start[j]; k < x->mem_start[j + 1]; k++) {
            size_t i = x->mem[k];
            muj += x->wunit[i] * ch->mu[i];
            uprev += x->wunit[i] * (ch->z[(x->Tp - 1) * x->n + i] - ch->mu[i]);
        }
        for (size_t t = x->Tp; t < x->T; t++) {
            double c = S_c(ch, t), u = ch->z[t * x->n + j] - muj, v = s2 * (1 - c * c) * x->kappa, e = u - c * uprev;
            ch->lam[t * x->n + j] = gsl_ran_gamma(ch->rng, 0.5 * (x->nu + 1), 2.0 / (x->nu + e * e / v));
            uprev = u;
        }
    }
}

/* ---- one sweep -------------------------------------------------------------------------------- */

static void S_sweep(S_chain *ch)
{
    const S_ctx *x = ch->x;
    double mean, sd;
    for (size_t t = 0; t < x->T; t++) {
        if (x->values[t])
            S_update_affine(ch, t);
        else {
            for (size_t e = 0; e < x->cnt[t]; e++) {
                S_gauss(ch, &ch->z[t * x->n + e], S_lp_local, t, e, &mean, &sd);
                S_update_rank_year(ch, t, e, mean, sd);
            }
            S_swaps(ch, t, ch->red);
            S_year_moves(ch, t);
        }
    }
    if (!x->pooled)
        for (size_t i = 0; i < x->n; i++) {
            S_gauss(ch, &ch->mu[i], S_lp_local, DTI_NONE, i, &mean, &sd);
            ch->mu[i] = mean + sd * gsl_ran_gaussian_ziggurat(ch->rng, 1.0);
        }
    if (x->heavy)
        S_update_lambda(ch);
    double lp = S_lp_joint(ch);
    for (int rep = 0; rep < S_MH_STEPS; rep++) {
        S_mh_param(ch, 0, &lp);
        if (!x->tied)
            S_mh_param(ch, 1, &lp);
        if (!x->pooled) {
            S_mh_param(ch, 2, &lp);
            S_mh_scale(ch, &lp);
        }
    }
}

/* ---- initial state ------------------------------------------------------------------------------ */

/* A ranking within every entity's allowed slots, by earliest deadline: each slot in turn goes to the
 * entity with the smallest upper bound among those whose lower bound has been reached.  Returns 0
 * when no such ranking exists (the record contradicts itself). */
static int S_feasible_order(const S_ctx *x, size_t t, size_t *slot_of, unsigned char *taken)
{
    size_t m = x->cnt[t];
    memset(taken, 0, m);
    for (size_t s = 1; s <= m; s++) {
        size_t best = DTI_NONE, best_hi = 0;
        for (size_t e = 0; e < m; e++) {
            if (taken[e] || !S_allowed(x, t, e, s))
                continue;
            size_t hi = s;
            while (hi < m && S_allowed(x, t, e, hi + 1))
                hi++;
            if (best == DTI_NONE || hi < best_hi) {
                best = e;
                best_hi = hi;
            }
        }
        if (best == DTI_NONE)
            return 0;
        taken[best] = 1;
        slot_of[best] = s;
    }
    for (size_t e = 0; e < m; e++) /* nobody missed a deadline */
        if (!S_allowed(x, t, e, slot_of[e]))
            return 0;
    return 1;
}

static int S_chain_init(S_chain *ch, const S_ctx *x, size_t chain, unsigned long seed, dti_error *err)
{
    size_t n = x->n, T = x->T;
    memset(ch, 0, sizeof *ch);
    ch->x = x;
    ch->mu = dti_xcalloc(n, sizeof *ch->mu);
    ch->mu_save = dti_xcalloc(n, sizeof *ch->mu_save);
    ch->z = dti_xcalloc(T * n, sizeof *ch->z);
    ch->lam = dti_xcalloc(T * n, sizeof *ch->lam);
    ch->ord = dti_xcalloc(T * n, sizeof *ch->ord);
    ch->pos = dti_xcalloc(T * n, sizeof *ch->pos);
    ch->red = dti_xcalloc(n, sizeof *ch->red);
    ch->ok = dti_xcalloc(2 * n, 1);
    ch->seg = dti_xcalloc(4 * n, sizeof *ch->seg);
    ch->rng = gsl_rng_alloc(gsl_rng_taus2);
    if (!ch->rng)
        abort();
    gsl_rng_set(ch->rng, dti_stream_seed(seed, chain, S_PHASE_FIT));
    for (size_t k = 0; k < T * n; k++)
        ch->lam[k] = 1.0;
    /* Dispersed starting points, one per chain, so that R-hat can see a chain that has not mixed. */
    ch->th[0] = 0.5 + 0.4 * gsl_rng_uniform(ch->rng);
    ch->th[1] = x->tied ? ch->th[0] : 0.3 + 0.5 * gsl_rng_uniform(ch->rng);
    ch->th[2] = x->pooled ? 0.0 : 0.1 + 0.5 * gsl_rng_uniform(ch->rng);
    ch->step[0] = ch->step[1] = 0.05;
    ch->step[2] = ch->step[3] = 0.1;
    unsigned char *taken = dti_xcalloc(n, 1);
    size_t *slot = dti_xcalloc(n, sizeof *slot);
    int rc = DTI_OK;
    for (size_t t = 0; t < T && !rc; t++) {
        size_t m = x->cnt[t];
        if (x->values[t]) {
            ch->am[t] = 0;
            ch->as[t] = 1;
            S_apply_affine(ch, t);
            continue;
        }
        if (!S_feasible_order(x, t, slot, taken)) {
            rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                               "the record of %d cannot be ranked: no ranking satisfies every rank and bound it gives",
                               x->obs->year[0] + (int)t);
            break;
        }
        for (size_t e = 0; e < m; e++) {
            ch->z[t * n + e] = -gsl_cdf_ugaussian_Pinv(((double)slot[e] - 0.5) / (double)m);
            ch->ord[t * n + slot[e] - 1] = e;
            ch->pos[t * n + e] = slot[e] - 1;
        }
    }
    free(taken);
    free(slot);
    return rc;
}

static void S_chain_clear(S_chain *ch)
{
    free(ch->mu);
    free(ch->mu_save);
    free(ch->z);
    free(ch->lam);
    free(ch->ord);
    free(ch->pos);
    free(ch->red);
    free(ch->ok);
    free(ch->seg);
    if (ch->rng)
        gsl_rng_free(ch->rng);
}

/* ---- storing a draw ---------------------------------------------------------------------------- */

/* Competition ranks of v[0..m) (higher is better; exact ties share) into r, with order scratch. */
static void S_ranks(const double *v, size_t m, unsigned short *r, size_t *idx)
{
    for (size_t k = 0; k < m; k++)
        idx[k] = k;
    for (size_t k = 1; k < m; k++) { /* insertion sort, descending; m is a few dozen */
        size_t e = idx[k], q = k;
        while (q > 0 && v[idx[q - 1]] < v[e]) {
            idx[q] = idx[q - 1];
            q--;
        }
        idx[q] = e;
    }
    for (size_t k = 0; k < m; k++)
        r[idx[k]] = (unsigned short)(k > 0 && !(v[idx[k - 1]] > v[idx[k]]) ? r[idx[k - 1]] : k + 1);
}

static void S_store(const S_chain *ch, dti_latent_fit *fit, size_t d, double *uz, size_t *idx)
{
    const S_ctx *x = ch->x;
    const dti_project_obs *o = x->obs;
    const dti_merger *m = o->merger;
    size_t n = x->n, nu = x->nu_;
    memcpy(&fit->theta[3 * d], ch->th, sizeof ch->th);
    memcpy(&fit->mu[d * n], ch->mu, n * sizeof *ch->mu);
    memcpy(&fit->zp[d * n], &ch->z[(x->Tp - 1) * n], n * sizeof *ch->z);
    if (x->T > x->Tp)
        memcpy(&fit->zu[d * nu], &ch->z[(x->T - 1) * n], nu * sizeof *ch->z);
    for (size_t t = 0; t < x->T; t++) {
        unsigned short *r = &fit->rank[(d * x->T + t) * n], *ur = nu ? &fit->urank[(d * x->T + t) * nu] : NULL;
        size_t rec = x->rec[t];
        if (t >= x->Tp) { /* a units year: its published ranks where its values are all known */
            memset(r, 0, n * sizeof *r);
            if (rec != DTI_NONE && o->has_values[rec])
                for (size_t j = 0; j < nu; j++)
                    ur[j] = (unsigned short)o->exact[rec * n + j];
            else
                S_ranks(&ch->z[t * n], nu, ur, idx);
            continue;
        }
        if (rec != DTI_NONE && o->has_values[rec]) { /* the published ranks (the official rule) */
            for (size_t i = 0; i < n; i++)
                r[i] = (unsigned short)o->exact[rec * n + i];
        } else {
            S_ranks(&ch->z[t * n], n, r, idx);
        }
        if (!nu)
            continue;
        if (rec != DTI_NONE && o->has_values[rec]) {
            for (size_t j = 0; j < nu; j++)
                ur[j] = (unsigned short)o->unit_rank[rec * nu + j];
        } else { /* the rule on the positions: the units' mean position */
            dti_merger_apply(m, &ch->z[t * n], uz);
            S_ranks(uz, nu, ur, idx);
        }
    }
}

/* ---- chains in parallel ---------------------------------------------------------------------- */

typedef struct {
    const S_ctx *x;
    const dti_latent_settings *set;
    dti_latent_fit *fit;
    double *accept; /* [chain * 3 + k] acceptance of the centred moves, per chain */
} S_fitjob;

static int S_run_chain(void *p, size_t worker, size_t chain, dti_error *err)
{
    (void)worker;
    S_fitjob *job = p;
    const dti_latent_settings *set = job->set;
    S_chain ch;
    int rc = S_chain_init(&ch, job->x, chain, set->seed, err);
    double *uz = dti_xcalloc(job->x->n, sizeof *uz);
    size_t *idx = dti_xcalloc(job->x->n, sizeof *idx);
    size_t kept = 0;
    for (size_t s = 0; s < set->sweeps && !rc; s++) {
        S_sweep(&ch);
        if (s < set->burn && (s + 1) % S_ADAPT_EVERY == 0) {
            /* Robbins-Monro-like tuning towards acceptance 0.25-0.5, during burn-in only */
            for (int k = 0; k < 4; k++) {
                if (!ch.tries[k])
                    continue;
                double a = (double)ch.acc[k] / (double)ch.tries[k];
                ch.step[k] *= a > 0.5 ? 1.5 : a < 0.25 ? 1 / 1.5 : 1.0;
                ch.step[k] = fmin(ch.step[k], 0.5);
                ch.acc[k] = ch.tries[k] = 0;
            }
        }
        if (s == set->burn - 1 || (set->burn == 0 && s == 0))
            for (int k = 0; k < 4; k++)
                ch.acc[k] = ch.tries[k] = 0;
        if (s >= set->burn && (s - set->burn + 1) % set->thin == 0 && kept < job->fit->per_chain)
            S_store(&ch, job->fit, chain * job->fit->per_chain + kept++, uz, idx);
    }
    if (!rc)
        for (int k = 0; k < 3; k++) /* acceptance of the centred moves; averaged over chains below */
            job->accept[chain * 3 + (size_t)k] = ch.tries[k] ? (double)ch.acc[k] / (double)ch.tries[k] : NAN;
    free(uz);
    free(idx);
    S_chain_clear(&ch);
    return rc;
}

/* ---- summaries ------------------------------------------------------------------------------- */

/* Split R-hat (Gelman et al., BDA3 section 11.4) and effective sample size from the chains'
 * autocorrelations (Geyer's initial positive sequence), for parameter k. */
static void S_diagnostics(dti_latent_fit *fit, int k)
{
    size_t C = fit->chains, N = fit->per_chain, h = N / 2;
    double *x = dti_xcalloc(fit->n_draws, sizeof *x);
    for (size_t d = 0; d < fit->n_draws; d++)
        x[d] = fit->theta[3 * d + (size_t)k];
    fit->mean[k] = gsl_stats_mean(x, 1, fit->n_draws);
    double *srt = dti_xcalloc(fit->n_draws, sizeof *srt);
    memcpy(srt, x, fit->n_draws * sizeof *x);
    gsl_sort(srt, 1, fit->n_draws);
    fit->q05[k] = gsl_stats_quantile_from_sorted_data(srt, 1, fit->n_draws, 0.05);
    fit->q95[k] = gsl_stats_quantile_from_sorted_data(srt, 1, fit->n_draws, 0.95);
    free(srt);
    fit->rhat[k] = fit->ess[k] = NAN;
    if (h >= 2) {
        size_t M = 2 * C;
        double W = 0, B = 0, grand = 0;
        double *means = dti_xcalloc(M, sizeof *means);
        for (size_t c = 0; c < M; c++) {
            const double *s = &x[(c / 2) * N + (c % 2) * h];
            means[c] = gsl_stats_mean(s, 1, h);
            W += gsl_stats_variance_m(s, 1, h, means[c]) / (double)M;
            grand += means[c] / (double)M;
        }
        for (size_t c = 0; c < M; c++)
            B += (means[c] - grand) * (means[c] - grand) * (double)h / (double)(M - 1);
        double var = (double)(h - 1) / (double)h * W + B / (double)h;
        fit->rhat[k] = W > 0 ? sqrt(var / W) : NAN;
        /* ESS: n / (1 + 2 sum of autocorrelations), the sum over lags stopped at the first
         * non-positive pair (Geyer 1992), autocorrelations averaged over the chains */
        double rho_sum = 0;
        for (size_t lag = 1; lag + 1 < N; lag += 2) {
            double pair = 0;
            for (size_t l = lag; l <= lag + 1; l++) {
                double ac = 0;
                for (size_t c = 0; c < C; c++) {
                    const double *s = &x[c * N];
                    double m = gsl_stats_mean(s, 1, N), v = gsl_stats_variance_m(s, 1, N, m), cov = 0;
                    if (!(v > 0))
                        continue;
                    for (size_t i = 0; i + l < N; i++)
                        cov += (s[i] - m) * (s[i + l] - m);
                    ac += cov / ((double)(N - 1) * v) / (double)C;
                }
                pair += ac;
            }
            if (pair <= 0)
                break;
            rho_sum += pair;
        }
        fit->ess[k] = (double)fit->n_draws / (1 + 2 * rho_sum);
        free(means);
    }
    free(x);
}

/* ---- the fit ------------------------------------------------------------------------------------ */

int dti_latent_fit_run(const dti_project_obs *obs, size_t n_fit, int model, const dti_latent_settings *set,
                       dti_latent_fit *fit, dti_error *err)
{
    memset(fit, 0, sizeof *fit);
    dti_latent_settings def;
    if (!set) {
        dti_latent_settings_default(&def);
        set = &def;
    }
    if (!dti_project_model_is_latent(model))
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "not a latent model");
    if (n_fit == 0 || n_fit > obs->n_years)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no record to fit");
    if (set->chains == 0 || set->thin == 0 || set->sweeps <= set->burn)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "the sampler needs chains, thin >= 1 and sweeps > burn-in");
    if (obs->n > 65535)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "more than 65535 provinces");
    S_ctx x;
    memset(&x, 0, sizeof x);
    x.obs = obs;
    x.pooled = model == DTI_MODEL_AR1 || model == DTI_MODEL_AR1_BREAKS;
    x.tied = model == DTI_MODEL_AR1 || model == DTI_MODEL_EFFECTS;
    x.heavy = model == DTI_MODEL_EFFECTS_BREAKS_T;
    x.nu = set->nu;
    if (x.heavy && !(set->nu > 2))
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "the t model needs nu > 2 (variance)");
    x.kappa = x.heavy ? (x.nu - 2) / x.nu : 1.0;
    x.n = obs->n;
    int first = obs->year[0], last = obs->year[n_fit - 1];
    if (last - first + 1 > DTI_PROJECT_MAX_YEARS)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "more than %d years", DTI_PROJECT_MAX_YEARS);
    x.T = (size_t)(last - first + 1);
    for (size_t t = 0; t < x.T; t++)
        x.rec[t] = DTI_NONE;
    for (size_t k = 0; k < n_fit; k++)
        x.rec[obs->year[k] - first] = k;
    /* province years: before units_from; a record of the other frame on the wrong side is refused */
    x.Tp = x.T;
    if (set->units_from && set->units_from <= last)
        x.Tp = set->units_from > first ? (size_t)(set->units_from - first) : 0;
    if (x.Tp == 0)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "the record must start before %d (units_from)", set->units_from);
    for (size_t t = 0; t < x.T; t++) {
        size_t r = x.rec[t];
        int want = t < x.Tp ? DTI_FRAME_PROVINCES : DTI_FRAME_UNITS;
        if (r != DTI_NONE && obs->frame[r] != want)
            return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                                 "the record of %d ranks the %s, but the units evolve as one from %d (units_from)",
                                 obs->year[r], obs->frame[r] == DTI_FRAME_UNITS ? "units" : "provinces",
                                 set->units_from);
    }
    const dti_merger *m = obs->merger;
    if (x.T > x.Tp && !m)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "records of the units need the merger map");
    x.nu_ = m ? m->n_units : 0;
    /* edition changes: where a record's framework differs from the previous record's */
    for (size_t t = 0; t < x.T; t++) {
        size_t r = x.rec[t];
        x.cnt[t] = t < x.Tp ? x.n : x.nu_;
        x.values[t] = r != DTI_NONE && obs->has_values[r];
        x.brk[t] = r != DTI_NONE && obs->edition_change[r];
    }
    /* the allowed slots of every entity and fitted year, read once (S_allowed is in the inner loops) */
    x.alo = dti_xcalloc(x.T * x.n, sizeof *x.alo);
    x.ahi = dti_xcalloc(x.T * x.n, sizeof *x.ahi);
    for (size_t t = 0; t < x.T; t++)
        for (size_t e = 0; e < x.n; e++) {
            size_t r = x.rec[t], i = r * obs->n + e, k = t * x.n + e;
            x.alo[k] = r == DTI_NONE ? 1 : obs->wlo ? obs->wlo[i] : obs->lo[i];
            x.ahi[k] = r == DTI_NONE ? SIZE_MAX : obs->whi ? obs->whi[i] : obs->hi[i];
        }
    if (m) {
        x.unit_of = dti_xcalloc(x.n, sizeof *x.unit_of);
        x.wunit = dti_xcalloc(x.n, sizeof *x.wunit);
        x.mem = dti_xcalloc(x.n, sizeof *x.mem);
        x.mem_start = dti_xcalloc(x.nu_ + 1, sizeof *x.mem_start);
        for (size_t i = 0; i < x.n; i++) {
            x.unit_of[i] = m->unit_of[i];
            x.wunit[i] = m->weight[i] / m->wsum[m->unit_of[i]];
            x.mem_start[m->unit_of[i] + 1]++;
        }
        for (size_t j = 0; j < x.nu_; j++)
            x.mem_start[j + 1] += x.mem_start[j];
        size_t *fill = dti_xcalloc(x.nu_, sizeof *fill);
        for (size_t i = 0; i < x.n; i++)
            x.mem[x.mem_start[x.unit_of[i]] + fill[x.unit_of[i]]++] = i;
        free(fill);
    }
    fit->n = x.n;
    fit->model = model;
    fit->nu = x.nu;
    fit->n_units = x.nu_;
    fit->first_year = first;
    fit->n_grid = x.T;
    fit->n_prov = x.Tp;
    fit->chains = set->chains;
    fit->per_chain = (set->sweeps - set->burn) / set->thin;
    fit->n_draws = fit->chains * fit->per_chain;
    memcpy(fit->brk, x.brk, sizeof x.brk);
    int rc = DTI_OK;
    if (fit->per_chain == 0) {
        rc = dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no draw is kept: sweeps - burn-in < thin");
        goto done;
    }
    size_t D = fit->n_draws;
    fit->theta = dti_xcalloc(3 * D, sizeof *fit->theta);
    fit->mu = dti_xcalloc(D * x.n, sizeof *fit->mu);
    fit->zp = dti_xcalloc(D * x.n, sizeof *fit->zp);
    fit->zu = dti_xcalloc(D * (x.nu_ ? x.nu_ : 1), sizeof *fit->zu);
    fit->rank = dti_xcalloc(D * x.T * x.n, sizeof *fit->rank);
    fit->urank = dti_xcalloc(D * x.T * (x.nu_ ? x.nu_ : 1), sizeof *fit->urank);
    S_fitjob job = {&x, set, fit, dti_xcalloc(3 * set->chains, sizeof(double))};
    dti_mc_job mj = {.n_blocks = set->chains, .threads = set->threads, .run = S_run_chain, .ctx = &job};
    rc = dti_mc_run(&mj, err);
    for (size_t c = 0; c < set->chains; c++)
        for (int k = 0; k < 3; k++)
            fit->accept[k] += job.accept[c * 3 + (size_t)k] / (double)set->chains;
    free(job.accept);
    if (rc)
        goto done;
    for (int k = 0; k < 3; k++) {
        int has = k == 0 || (k == 1 && !x.tied) || (k == 2 && !x.pooled);
        if (has)
            S_diagnostics(fit, k);
        else
            fit->mean[k] = fit->q05[k] = fit->q95[k] = fit->rhat[k] = fit->ess[k] = fit->accept[k] = NAN;
    }
done:
    free(x.alo);
    free(x.ahi);
    free(x.unit_of);
    free(x.wunit);
    free(x.mem);
    free(x.mem_start);
    if (rc)
        dti_latent_fit_clear(fit);
    return rc;
}

void dti_latent_fit_clear(dti_latent_fit *fit)
{
    free(fit->theta);
    free(fit->mu);
    free(fit->zp);
    free(fit->zu);
    free(fit->rank);
    free(fit->urank);
    memset(fit, 0, sizeof *fit);
}
