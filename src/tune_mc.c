/* tune_mc.c -- the Monte Carlo machinery of `tune sensitivity`, independent of any index: a threaded
 * sampler of a model of `dim` uniform inputs (plain Monte Carlo and Saltelli's A, B, A_B^(g) design),
 * Saltelli 2010 first-order and Jansen total-order estimators, and their bootstrap intervals.
 * Runs are cut into blocks of DTI_TUNE_BLOCK with their own taus2 stream seeded from (seed, block,
 * phase), so results do not depend on the thread count (docs/projection.md does the same). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "internal.h"
#include "tune.h"

#define S_PHASE_MC 1UL       /* stream families: plain Monte Carlo ... */
#define S_PHASE_SALTELLI 2UL /* ... the Saltelli design ... */
#define S_PHASE_BOOT 3UL     /* ... and the bootstrap */

typedef struct S_job {
    const dti_tune_sampler *sp;
    size_t n, n_blocks, next_block;
    int saltelli;
    double *fA, *fB, *fAB;
    pthread_mutex_t lock;
    int failed;
    dti_error_entry first; /* the first failure (one entry: a dti_error is 67 KB, never copied whole) */
} S_job;

typedef struct S_work {
    S_job *job;
    size_t k; /* thread number: state sp->state[k] */
    gsl_rng *rng;
    double *a, *b, *ab, *y;
} S_work;

static void S_fail(S_job *job, const dti_error *err)
{
    pthread_mutex_lock(&job->lock);
    if (!job->failed && err->n)
        job->first = err->e[0];
    else if (!job->failed)
        job->first.code = DTI_ERR_INTERNAL;
    job->failed = 1;
    pthread_mutex_unlock(&job->lock);
}

static void *S_worker(void *arg)
{
    S_work *w = arg;
    S_job *job = w->job;
    const dti_tune_sampler *sp = job->sp;
    void *st = sp->state[w->k];
    size_t d = sp->dim, no = sp->n_out;
    dti_error err;
    dti_error_init(&err);
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t blk = job->next_block++;
        int stop = job->failed;
        pthread_mutex_unlock(&job->lock);
        if (stop || blk >= job->n_blocks)
            break;
        gsl_rng_set(w->rng, dti_stream_seed(sp->seed, blk, job->saltelli ? S_PHASE_SALTELLI : S_PHASE_MC));
        size_t first = blk * DTI_TUNE_BLOCK, last = first + DTI_TUNE_BLOCK;
        last = last > job->n ? job->n : last;
        for (size_t r = first; r < last; r++) {
            for (size_t i = 0; i < d; i++)
                w->a[i] = gsl_rng_uniform_pos(w->rng);
            if (!job->saltelli) {
                if (sp->eval(st, w->a, 1, w->y, &err)) {
                    S_fail(job, &err);
                    return NULL;
                }
                continue;
            }
            for (size_t i = 0; i < d; i++)
                w->b[i] = gsl_rng_uniform_pos(w->rng);
            int rc = sp->eval(st, w->a, 0, job->fA + r * no, &err) || sp->eval(st, w->b, 0, job->fB + r * no, &err);
            for (size_t g = 0; g < sp->n_groups && !rc; g++) {
                /* A_B^(g): A with the columns of group g taken from B */
                for (size_t i = 0; i < d; i++)
                    w->ab[i] = sp->group_of[i] == g ? w->b[i] : w->a[i];
                rc = sp->eval(st, w->ab, 0, job->fAB + (g * job->n + r) * no, &err);
            }
            if (rc) {
                S_fail(job, &err);
                return NULL;
            }
        }
    }
    return NULL;
}

static int S_run(S_job *job, dti_error *err)
{
    const dti_tune_sampler *sp = job->sp;
    size_t threads = sp->threads ? sp->threads : 1;
    job->n_blocks = (job->n + DTI_TUNE_BLOCK - 1) / DTI_TUNE_BLOCK;
    pthread_mutex_init(&job->lock, NULL);
    memset(&job->first, 0, sizeof job->first);
    S_work *w = dti_xcalloc(threads, sizeof *w);
    pthread_t *tid = dti_xcalloc(threads, sizeof *tid);
    int *started = dti_xcalloc(threads, sizeof *started);
    size_t d = sp->dim ? sp->dim : 1;
    for (size_t k = 0; k < threads; k++) {
        w[k].job = job;
        w[k].k = k;
        w[k].rng = dti_xgsl(gsl_rng_alloc(gsl_rng_taus2));
        w[k].a = dti_xcalloc(d, sizeof(double));
        w[k].b = dti_xcalloc(d, sizeof(double));
        w[k].ab = dti_xcalloc(d, sizeof(double));
        w[k].y = dti_xcalloc(sp->n_out ? sp->n_out : 1, sizeof(double));
    }
    for (size_t k = 1; k < threads; k++)
        started[k] = pthread_create(&tid[k], NULL, S_worker, &w[k]) == 0;
    S_worker(&w[0]);
    for (size_t k = 1; k < threads; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
    for (size_t k = 0; k < threads; k++) {
        gsl_rng_free(w[k].rng);
        free(w[k].a);
        free(w[k].b);
        free(w[k].ab);
        free(w[k].y);
    }
    free(started);
    free(tid);
    free(w);
    pthread_mutex_destroy(&job->lock);
    if (job->failed) {
        const dti_error_entry *e = &job->first;
        int code = e->code ? e->code : DTI_ERR_INTERNAL;
        if (e->message[0])
            return dti_error_set(err, code, e->path[0] ? e->path : NULL, e->line, e->column, "%s", e->message);
        return dti_error_set(err, code, NULL, 0, 0, "a Monte Carlo worker failed");
    }
    return DTI_OK;
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
