/* tune_mc.c -- the Monte Carlo machinery of `tune sensitivity`, independent of any index: a threaded
 * sampler of a model of `dim` uniform inputs (plain Monte Carlo and Saltelli's A, B, A_B^(g) design, from
 * pseudo-random numbers or a randomly shifted Sobol' sequence), Saltelli 2010 first-order and Jansen
 * total-order estimators, and their bootstrap intervals.  Runs are cut into blocks of DTI_TUNE_BLOCK
 * handed out by the block scheduler of every Monte Carlo (mc.c: dti_mc_run); each block draws from its
 * own taus2 stream seeded from (seed, block, phase), or takes the Sobol' points of its rows, so results
 * do not depend on the thread count (docs/projection.md does the same). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "internal.h"
#include "mc.h"
#include "tune.h"

#define S_PHASE_MC 1UL       /* stream families: plain Monte Carlo ... */
#define S_PHASE_SALTELLI 2UL /* ... the Saltelli design ... */
#define S_PHASE_BOOT 3UL     /* ... the bootstrap ... */
#define S_PHASE_SHIFT 4UL    /* ... and the random shift of the Sobol' design */
#define S_UNIT_FLOOR 0x1p-53 /* a shifted Sobol' coordinate that lands exactly on 0 is taken as this (the
                              * models are given uniforms on (0, 1), as gsl_rng_uniform_pos draws them) */

typedef struct S_job {
    const dti_tune_sampler *sp;
    size_t n;
    int saltelli;
    double *fA, *fB, *fAB;
    double shift[DTI_TUNE_SOBOL_MAX_DIM]; /* Sobol' design: the random shift of each coordinate */
    struct S_work *work;                  /* [threads] */
} S_job;

typedef struct S_work {
    gsl_rng *rng;
    gsl_qrng *q;    /* Sobol' design: the sequence of dimension 2 dim ... */
    size_t q_next;  /* ... and the index of the point it gives next */
    double *x;      /* [2 dim] that point */
    double *a, *b, *ab, *y;
} S_work;

/* The uniforms of Saltelli row r from the Sobol' design: point r of the sequence shifted modulo 1
 * (Cranley and Patterson 1976), its first dim coordinates for A and the next dim for B.  Point 0 is the
 * origin, which GSL's generator skips (it starts at point 1): kept, so that the first 2^m rows are a
 * whole (t, m, s)-net (Owen 2020, "On dropping the first Sobol' point").  A worker's sequence only moves
 * forward (the scheduler hands out blocks in increasing order) and restarts in the rare case it is
 * already past r: row r gets point r whichever worker computes it. */
static void S_sobol_row(const S_job *job, S_work *w, size_t r)
{
    size_t d = job->sp->dim;
    if (r == 0) {
        memset(w->x, 0, 2 * d * sizeof *w->x);
    } else {
        if (w->q_next > r) {
            gsl_qrng_init(w->q);
            w->q_next = 1;
        }
        for (; w->q_next <= r; w->q_next++)
            gsl_qrng_get(w->q, w->x);
    }
    for (size_t i = 0; i < 2 * d; i++) {
        double u = w->x[i] + job->shift[i];
        u = u >= 1 ? u - 1 : u;
        (i < d ? w->a : w->b)[i < d ? i : i - d] = u > 0 ? u : S_UNIT_FLOOR;
    }
}

static int S_block(void *ctx, size_t worker, size_t blk, dti_error *err)
{
    S_job *job = ctx;
    S_work *w = &job->work[worker];
    const dti_tune_sampler *sp = job->sp;
    void *st = sp->state[worker];
    size_t d = sp->dim, no = sp->n_out;
    int sobol = job->saltelli && sp->design == DTI_TUNE_DESIGN_SOBOL && d > 0;
    if (!sobol)
        gsl_rng_set(w->rng, dti_stream_seed(sp->seed, blk, job->saltelli ? S_PHASE_SALTELLI : S_PHASE_MC));
    size_t first = blk * DTI_TUNE_BLOCK, last = first + DTI_TUNE_BLOCK;
    last = last > job->n ? job->n : last;
    for (size_t r = first; r < last; r++) {
        if (sobol) {
            S_sobol_row(job, w, r);
        } else {
            for (size_t i = 0; i < d; i++)
                w->a[i] = gsl_rng_uniform_pos(w->rng);
            if (!job->saltelli) {
                int rc = sp->eval(st, w->a, 1, w->y, err);
                if (rc)
                    return rc;
                continue;
            }
            for (size_t i = 0; i < d; i++)
                w->b[i] = gsl_rng_uniform_pos(w->rng);
        }
        int rc = sp->eval(st, w->a, 0, job->fA + r * no, err);
        rc = rc ? rc : sp->eval(st, w->b, 0, job->fB + r * no, err);
        for (size_t g = 0; g < sp->n_groups && !rc; g++) {
            /* A_B^(g): A with the columns of group g taken from B */
            for (size_t i = 0; i < d; i++)
                w->ab[i] = sp->group_of[i] == g ? w->b[i] : w->a[i];
            rc = sp->eval(st, w->ab, 0, job->fAB + (g * job->n + r) * no, err);
        }
        if (rc)
            return rc;
    }
    return DTI_OK;
}

static int S_run(S_job *job, dti_error *err)
{
    const dti_tune_sampler *sp = job->sp;
    size_t threads = sp->threads ? sp->threads : 1, d = sp->dim ? sp->dim : 1;
    int sobol = job->saltelli && sp->design == DTI_TUNE_DESIGN_SOBOL && sp->dim > 0;
    /* GSL allocates a longer sequence without complaint but has direction numbers for 40 dimensions only */
    if (sobol && (2 * sp->dim > DTI_TUNE_SOBOL_MAX_DIM || 2 * sp->dim > gsl_qrng_sobol->max_dimension))
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                             "the Sobol' design takes at most %d uniform inputs (its sequence has %d dimensions "
                             "for A and B together); these inputs need %zu: use --design random",
                             DTI_TUNE_SOBOL_MAX_DIM / 2, DTI_TUNE_SOBOL_MAX_DIM, sp->dim);
    if (sobol) { /* one shift per coordinate, from the seed: --seed keeps its meaning */
        gsl_rng *r = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
        gsl_rng_set(r, dti_stream_seed(sp->seed, 0, S_PHASE_SHIFT));
        for (size_t i = 0; i < 2 * sp->dim; i++)
            job->shift[i] = gsl_rng_uniform(r);
        gsl_rng_free(r);
    }
    S_work *w = dti_xcalloc(threads, sizeof *w);
    job->work = w;
    for (size_t k = 0; k < threads; k++) { /* per-thread workspaces: O(dim), whatever the run count */
        w[k].rng = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
        w[k].q = sobol ? dti_xgsl(gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * sp->dim))) : NULL;
        w[k].q_next = 1; /* GSL's first point is point 1 */
        w[k].x = dti_xcalloc(2 * d, sizeof(double));
        w[k].a = dti_xcalloc(d, sizeof(double));
        w[k].b = dti_xcalloc(d, sizeof(double));
        w[k].ab = dti_xcalloc(d, sizeof(double));
        w[k].y = dti_xcalloc(sp->n_out ? sp->n_out : 1, sizeof(double));
    }
    dti_mc_job mj = {.n_blocks = (job->n + DTI_TUNE_BLOCK - 1) / DTI_TUNE_BLOCK, .threads = threads, .run = S_block,
                     .ctx = job};
    int rc = dti_mc_run(&mj, err);
    for (size_t k = 0; k < threads; k++) {
        gsl_rng_free(w[k].rng);
        if (w[k].q)
            gsl_qrng_free(w[k].q);
        free(w[k].x);
        free(w[k].a);
        free(w[k].b);
        free(w[k].ab);
        free(w[k].y);
    }
    free(w);
    return rc;
}

int dti_tune_mc(const dti_tune_sampler *sp, size_t runs, dti_error *err)
{
    S_job job = {.sp = sp, .n = runs};
    return S_run(&job, err);
}

int dti_tune_saltelli(const dti_tune_sampler *sp, size_t n, double *fA, double *fB, double *fAB, dti_error *err)
{
    S_job job = {.sp = sp, .n = n, .saltelli = 1, .fA = fA, .fB = fB, .fAB = fAB};
    return S_run(&job, err);
}

/* ---- estimators ----------------------------------------------------------------------------------- */

/* Output o of row j of a table with n_out outputs per row. */
#define S_AT(f, j) ((f)[(j) * stride + o])

/* The estimators on the rows idx[0..n) (idx NULL: rows 0..n-1), for one output. */
static void S_sobol_rows(const double *fA, const double *fB, const double *fAB, size_t n, size_t k, size_t stride,
                         size_t o, const size_t *idx, double *S1, double *ST)
{
    /* V(Y) from the 2n independent draws of A and B (Saltelli et al. 2010, Table 2) */
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < n; r++) {
        size_t j = idx ? idx[r] : r;
        double a = S_AT(fA, j), b = S_AT(fB, j);
        sum += a + b;
        sum2 += a * a + b * b;
    }
    double m = sum / (2.0 * (double)n), var = sum2 / (2.0 * (double)n) - m * m;
    for (size_t g = 0; g < k; g++) {
        const double *fg = fAB + g * n * stride;
        double s1 = 0, st = 0;
        for (size_t r = 0; r < n; r++) {
            size_t j = idx ? idx[r] : r;
            double a = S_AT(fA, j), b = S_AT(fB, j), ab = S_AT(fg, j);
            /* Saltelli 2010: V_i = 1/N sum f(B)(f(A_B^i) - f(A)), with f(B) centred on the mean: the
             * same expectation (E[f(A_B^i) - f(A)] = 0) and far less variance when |mean| >> sd */
            s1 += (b - m) * (ab - a);
            st += (a - ab) * (a - ab); /* Jansen 1999: V_Ti = 1/(2N) sum (f(A) - f(A_B^i))^2 */
        }
        S1[g] = var > 0 ? s1 / (double)n / var : NAN;
        ST[g] = var > 0 ? st / (2.0 * (double)n) / var : NAN;
    }
}

void dti_tune_sobol(const double *fA, const double *fB, const double *fAB, size_t n, size_t k, size_t stride, size_t o,
                    double *S1, double *ST)
{
    S_sobol_rows(fA, fB, fAB, n, k, stride, o, NULL, S1, ST);
}

static double S_quantile_sorted(const double *v, size_t m, double q)
{
    if (!m)
        return NAN;
    double h = q * (double)(m - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < m ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

void dti_tune_sobol_boot(const double *fA, const double *fB, const double *fAB, size_t n, size_t k, size_t stride,
                         size_t o, size_t n_boot, unsigned long seed, double level, double *S1_lo, double *S1_hi,
                         double *ST_lo, double *ST_hi)
{
    size_t *idx = dti_xcalloc(n ? n : 1, sizeof *idx);
    double *s1 = dti_xcalloc(k * n_boot + 1, sizeof *s1), *st = dti_xcalloc(k * n_boot + 1, sizeof *st);
    double *t1 = dti_xcalloc(k + 1, sizeof *t1), *tt = dti_xcalloc(k + 1, sizeof *tt);
    double *col = dti_xcalloc(n_boot + 1, sizeof *col);
    gsl_rng *r = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
    gsl_rng_set(r, dti_stream_seed(seed, 0, S_PHASE_BOOT));
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = (size_t)gsl_rng_uniform_int(r, n);
        S_sobol_rows(fA, fB, fAB, n, k, stride, o, idx, t1, tt);
        for (size_t g = 0; g < k; g++) {
            s1[g * n_boot + b] = t1[g];
            st[g * n_boot + b] = tt[g];
        }
    }
    double a = (1 - level) / 2;
    for (size_t g = 0; g < k; g++) {
        double *lo[2] = {S1_lo, ST_lo}, *hi[2] = {S1_hi, ST_hi};
        const double *src[2] = {s1 + g * n_boot, st + g * n_boot};
        for (size_t e = 0; e < 2; e++) {
            size_t m = 0;
            for (size_t b = 0; b < n_boot; b++) /* a resample with zero variance has no index */
                if (!isnan(src[e][b]))
                    col[m++] = src[e][b];
            gsl_sort(col, 1, m);
            lo[e][g] = S_quantile_sorted(col, m, a);
            hi[e][g] = S_quantile_sorted(col, m, 1 - a);
        }
    }
    gsl_rng_free(r);
    free(col);
    free(tt);
    free(t1);
    free(st);
    free(s1);
    free(idx);
}
