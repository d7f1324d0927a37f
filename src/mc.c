/* mc.c -- the block scheduler of the Monte Carlo work: n blocks handed to up to `threads` workers in
 * any order, each block computed by the caller's function with that worker's state.  Results depend
 * on the block only (each block seeds its own stream from (seed, block, phase): dti_stream_seed), so
 * they do not depend on the thread count or on which worker took which block.  A failure stops the
 * handing out of blocks; the error kept is that of the lowest failing block (blocks are handed out in
 * increasing order, so every lower block has run to its end), hence the same at any thread count. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "internal.h"
#include "mc.h"

typedef struct {
    const dti_mc_job *job;
    size_t next, done;
    int failed;
    size_t failed_block; /* the lowest block that failed, whose error err is */
    dti_error err;
    pthread_mutex_t lock;
} S_sched;

typedef struct {
    S_sched *s;
    size_t worker;
} S_arg;

static void *S_worker(void *p)
{
    S_arg *a = p;
    S_sched *s = a->s;
    const dti_mc_job *job = s->job;
    dti_error err;
    dti_error_init(&err);
    for (;;) {
        pthread_mutex_lock(&s->lock);
        size_t blk = s->next++;
        int stop = s->failed || blk >= job->n_blocks;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        int rc = job->run(job->ctx, a->worker, blk, &err);
        pthread_mutex_lock(&s->lock);
        if (rc && (!s->failed || blk < s->failed_block)) {
            s->failed = 1;
            s->failed_block = blk;
            s->err = err;
        }
        s->done++;
        if (job->progress)
            job->progress(s->done, job->n_blocks, job->progress_ctx);
        pthread_mutex_unlock(&s->lock);
        if (rc)
            break;
    }
    return NULL;
}

int dti_mc_run(const dti_mc_job *job, dti_error *err)
{
    size_t threads = job->threads ? job->threads : 1;
    if (threads > job->n_blocks)
        threads = job->n_blocks ? job->n_blocks : 1;
    S_sched s = {.job = job};
    dti_error_init(&s.err);
    pthread_mutex_init(&s.lock, NULL);
    pthread_t *tid = dti_xcalloc(threads, sizeof *tid);
    S_arg *args = dti_xcalloc(threads, sizeof *args);
    size_t started = 1;
    for (size_t k = 0; k < threads; k++) {
        args[k].s = &s;
        args[k].worker = k;
    }
    for (size_t k = 1; k < threads; k++) {
        if (pthread_create(&tid[k], NULL, S_worker, &args[k]) != 0)
            break; /* fewer threads: the others take the blocks */
        started++;
    }
    S_worker(&args[0]);
    for (size_t k = 1; k < started; k++)
        pthread_join(tid[k], NULL);
    free(tid);
    free(args);
    pthread_mutex_destroy(&s.lock);
    if (s.failed) {
        if (err)
            *err = s.err;
        return s.err.code ? s.err.code : DTI_ERR_INTERNAL;
    }
    return DTI_OK;
}

/* ---- normal deviates: GSL's ziggurat with its common case inline ---------------------------------- */

/* GSL's gsl_ran_gaussian_ziggurat (Marsaglia and Tsang 2000, with 128 strips) draws k from a generator of
 * 32-bit range, takes the strip i and the sign from its low byte and j from the next 24 bits, and
 * returns +-sigma * j * w[i] at once when j < k[i]; otherwise it draws more.  w and k are read here from
 * GSL through a generator that returns chosen values (a strip's w is the result for j = 1; k[i] is the
 * first j at which a second draw is asked for), so nothing of GSL's source is copied, and the inline
 * path is then checked against GSL. */
#define S_STRIPS 128
#define S_J_LIMIT (1UL << 24)
#define S_CHECK_DRAWS 100000

typedef struct {
    unsigned long value; /* the first draw */
    unsigned long calls;
} S_probe;

static void S_probe_set(void *state, unsigned long seed)
{
    S_probe *p = state;
    p->value = seed;
    p->calls = 0;
}

static unsigned long S_probe_get(void *state)
{
    S_probe *p = state;
    return p->calls++ ? 0UL : p->value; /* then 0: GSL's slow path ends at once */
}

static double S_probe_double(void *state) { return (double)S_probe_get(state) / 4294967296.0; }

static const gsl_rng_type S_probe_type = {"dti-probe", 0xffffffffUL, 0, sizeof(S_probe), S_probe_set, S_probe_get,
                                          S_probe_double};

/* taus2 (L'Ecuyer 1996, "Maximally equidistributed combined Tausworthe generators"), one step: the state
 * is GSL's three 32-bit components, checked against gsl_rng_get below. */
typedef struct {
    unsigned long s1, s2, s3;
} S_taus;

#define S_TAUS(s, a, b, c, d) ((((s) & (c)) << (d)) & 0xffffffffUL) ^ (((((s) << (a)) & 0xffffffffUL) ^ (s)) >> (b))

static double S_w[S_STRIPS];
static unsigned long S_k[S_STRIPS];
static int S_fast; /* the inline path agreed with GSL */
static pthread_once_t S_once = PTHREAD_ONCE_INIT;

static unsigned long S_probe_calls(gsl_rng *p, unsigned long k, double *x)
{
    gsl_rng_set(p, k);
    *x = gsl_ran_gaussian_ziggurat(p, 1.0);
    return ((S_probe *)p->state)->calls;
}

static double S_inline(gsl_rng *r, double sigma, int *fast)
{
    S_taus *st = r->state;
    unsigned long s1 = S_TAUS(st->s1, 13, 19, 4294967294UL, 12), s2 = S_TAUS(st->s2, 2, 25, 4294967288UL, 4);
    unsigned long s3 = S_TAUS(st->s3, 3, 11, 4294967280UL, 17), k = s1 ^ s2 ^ s3;
    unsigned long i = k & 0x7f, j = (k >> 8) & 0xffffff;
    *fast = j < S_k[i];
    if (!*fast)
        return 0; /* the state is untouched: GSL draws k again and goes on */
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
    const double sign[2] = {-sigma, sigma}; /* GSL's sign * sigma, chosen without a branch (a coin flip) */
    return sign[(k >> 7) & 1] * ((double)j * S_w[i]);
}

static void S_gauss_init(void)
{
    gsl_rng *p = gsl_rng_alloc(&S_probe_type);
    gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *b = gsl_rng_alloc(gsl_rng_taus2);
    int ok = p && a && b && gsl_rng_taus2->max == 0xffffffffUL && gsl_rng_taus2->min == 0 &&
             gsl_rng_taus2->size == sizeof(S_taus);
    for (unsigned long i = 0; ok && i < S_STRIPS; i++) {
        double x;
        unsigned long lo = 0, hi = S_J_LIMIT; /* k[i]: the first j that needs a second draw */
        while (lo < hi) {
            unsigned long mid = lo + (hi - lo) / 2;
            if (S_probe_calls(p, (mid << 8) | i, &x) > 1)
                hi = mid;
            else
                lo = mid + 1;
        }
        S_k[i] = lo;
        S_w[i] = 0;
        if (S_k[i] > 1 && S_probe_calls(p, (1UL << 8) | 0x80 | i, &x) == 1)
            S_w[i] = x; /* +1 * 1 * w[i] */
        ok = S_k[i] <= 1 || S_w[i] > 0;
    }
    /* the inline path against GSL on one stream: every number and the generator's state after it */
    if (ok) {
        gsl_rng_set(a, 20251127UL);
        gsl_rng_set(b, 20251127UL);
    }
    for (long n = 0; ok && n < S_CHECK_DRAWS; n++) {
        double sigma = n % 3 ? 1.0 : 0.37, want = gsl_ran_gaussian_ziggurat(a, sigma), got;
        int fast;
        got = S_inline(b, sigma, &fast);
        if (!fast)
            got = gsl_ran_gaussian_ziggurat(b, sigma);
        ok = !memcmp(&got, &want, sizeof got) && !memcmp(a->state, b->state, sizeof(S_taus));
    }
    S_fast = ok;
    if (p)
        gsl_rng_free(p);
    if (a)
        gsl_rng_free(a);
    if (b)
        gsl_rng_free(b);
}

double dti_gauss(gsl_rng *r, double sigma)
{
    pthread_once(&S_once, S_gauss_init);
    if (S_fast && r->type == gsl_rng_taus2) {
        int fast;
        double x = S_inline(r, sigma, &fast);
        if (fast)
            return x;
    }
    return gsl_ran_gaussian_ziggurat(r, sigma);
}

void dti_gauss_fill(gsl_rng *r, double sigma, double *x, size_t n)
{
    pthread_once(&S_once, S_gauss_init);
    if (!S_fast || r->type != gsl_rng_taus2) {
        for (size_t q = 0; q < n; q++)
            x[q] = gsl_ran_gaussian_ziggurat(r, sigma);
        return;
    }
    S_taus *st = r->state;
    unsigned long s1 = st->s1, s2 = st->s2, s3 = st->s3;
    const double sign[2] = {-sigma, sigma}; /* GSL's sign * sigma, chosen without a branch (a coin flip) */
    for (size_t q = 0; q < n; q++) {
        unsigned long t1 = S_TAUS(s1, 13, 19, 4294967294UL, 12), t2 = S_TAUS(s2, 2, 25, 4294967288UL, 4);
        unsigned long t3 = S_TAUS(s3, 3, 11, 4294967280UL, 17), k = t1 ^ t2 ^ t3;
        unsigned long i = k & 0x7f, j = (k >> 8) & 0xffffff;
        if (j < S_k[i]) {
            s1 = t1;
            s2 = t2;
            s3 = t3;
            x[q] = sign[(k >> 7) & 1] * ((double)j * S_w[i]);
            continue;
        }
        st->s1 = s1; /* GSL from the state before this draw */
        st->s2 = s2;
        st->s3 = s3;
        x[q] = gsl_ran_gaussian_ziggurat(r, sigma);
        s1 = st->s1;
        s2 = st->s2;
        s3 = st->s3;
    }
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
}

int dti_gauss_inline(void)
{
    pthread_once(&S_once, S_gauss_init);
    return S_fast;
}
