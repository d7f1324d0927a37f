/* mc.h -- the block scheduler shared by the Monte Carlo computations (mc.c). */
#ifndef DTI_MC_H
#define DTI_MC_H

#include <stddef.h>

#include "dtirank.h"

typedef struct dti_mc_job {
    size_t n_blocks;
    size_t threads; /* workers (0 = 1); worker k uses the caller's state number k */
    /* Computes block `block` with worker `worker`'s state; returns 0 or a dti_status with err set. */
    int (*run)(void *ctx, size_t worker, size_t block, dti_error *err);
    void *ctx;
    /* Optional, called under the scheduler's lock after each block: blocks done, total. */
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
} dti_mc_job;

/* Runs every block (or stops at the first failure, whose error is copied to *err). */
int dti_mc_run(const dti_mc_job *job, dti_error *err);

#endif
