/* mc.c -- the block scheduler of the Monte Carlo work: n blocks handed to up to `threads` workers in
 * any order, each block computed by the caller's function with that worker's state.  Results depend
 * on the block only (each block seeds its own stream from (seed, block, phase): dti_stream_seed), so
 * they do not depend on the thread count or on which worker took which block.  The first failure is
 * kept and stops the handing out of blocks. */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"
#include "mc.h"

typedef struct {
    const dti_mc_job *job;
    size_t next, done;
    int failed;
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
        if (rc && !s->failed) {
            s->failed = 1;
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
