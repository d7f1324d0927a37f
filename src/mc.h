/* mc.h -- the block scheduler shared by the Monte Carlo computations (mc.c). */
#ifndef DTI_MC_H
#define DTI_MC_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

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

/* Runs every block, or stops handing them out at a failure: *err is then the error of the lowest block
 * that failed (the same at any thread count). */
int dti_mc_run(const dti_mc_job *job, dti_error *err);

/* A normal deviate of mean 0 and standard deviation sigma: exactly the number gsl_ran_gaussian_ziggurat(r,
 * sigma) returns, from the same draws of r (so the stream and every result stay the same), in about a
 * third of the time for a taus2 generator: the ziggurat's common case (one draw of the generator, 99% of
 * the time) is computed inline, the rest left to GSL.  The tables of the common case are read from GSL
 * itself at the first call and the whole is checked against it on 10^5 draws; if anything differs the
 * function is gsl_ran_gaussian_ziggurat.  Thread-safe. */
double dti_gauss(gsl_rng *r, double sigma);
/* x[0..n) = n successive dti_gauss(r, sigma): the same numbers, the generator's state kept in registers
 * between them. */
void dti_gauss_fill(gsl_rng *r, double sigma, double *x, size_t n);
/* 1 when the inline path is in use (it agreed with GSL here), 0 when every deviate is GSL's call. */
int dti_gauss_inline(void);

#endif
