/* bench_sobol.c -- convergence of the Sobol indices of `tune sensitivity` under its two Saltelli designs
 * (pseudo-random and a randomly shifted Sobol' sequence), against analytic values: the Ishigami function
 * (a = 7, b = 0.1; Saltelli et al. 2008, §4.7) and the linear model 1 X1 + 2 X2 + 3.5 X3 (both derived in
 * tests/unit/test_tune.c).  For each base sample N and design: the mean absolute error of the three
 * first-order and of the three total-order indices, averaged over SEEDS seeds, with the standard error
 * of that average over the seeds.  Prints the Markdown table of docs/tuning.md §2.  `make bench`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "internal.h"
#include "tune.h"

#define SEEDS 100
#define S_PI 3.14159265358979323846

static int S_ishigami(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    double x1 = S_PI * (2 * u[0] - 1), x2 = S_PI * (2 * u[1] - 1), x3 = S_PI * (2 * u[2] - 1);
    y[0] = sin(x1) + 7.0 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
    return 0;
}

static int S_linear(void *state, const double *u, int acc, double *y, dti_error *err)
{
    (void)state, (void)acc, (void)err;
    y[0] = 1.0 * u[0] + 2.0 * u[1] + 3.5 * u[2];
    return 0;
}

/* Mean over seeds of the mean absolute error of S1 (e1) and ST (et), and their standard errors. */
static void S_errors(dti_tune_eval_fn f, const double *S1, const double *ST, size_t n, int design, double *e1,
                     double *se1, double *et, double *set)
{
    static const size_t group_of[3] = {0, 1, 2};
    void *st[1] = {NULL};
    double *fA = malloc(n * sizeof *fA), *fB = malloc(n * sizeof *fB), *fAB = malloc(3 * n * sizeof *fAB);
    double s1[SEEDS], s2[SEEDS];
    dti_error err;
    dti_error_init(&err);
    if (!fA || !fB || !fAB)
        abort();
    for (size_t k = 0; k < SEEDS; k++) {
        dti_tune_sampler sp = {.dim = 3, .n_groups = 3, .group_of = group_of, .n_out = 1, .eval = f, .state = st,
                               .threads = 1, .seed = 1000 + k, .design = design};
        if (dti_tune_saltelli(&sp, n, fA, fB, fAB, &err))
            abort();
        double a[3], b[3];
        dti_tune_sobol(fA, fB, fAB, n, 3, 1, 0, a, b);
        s1[k] = s2[k] = 0;
        for (size_t i = 0; i < 3; i++) {
            s1[k] += fabs(a[i] - S1[i]) / 3;
            s2[k] += fabs(b[i] - ST[i]) / 3;
        }
    }
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0;
    for (size_t k = 0; k < SEEDS; k++) {
        m1 += s1[k] / SEEDS;
        m2 += s2[k] / SEEDS;
    }
    for (size_t k = 0; k < SEEDS; k++) {
        v1 += (s1[k] - m1) * (s1[k] - m1) / (SEEDS - 1);
        v2 += (s2[k] - m2) * (s2[k] - m2) / (SEEDS - 1);
    }
    *e1 = m1;
    *et = m2;
    *se1 = sqrt(v1 / SEEDS);
    *set = sqrt(v2 / SEEDS);
    free(fAB);
    free(fB);
    free(fA);
}

int main(void)
{
    gsl_set_error_handler_off();
    double pi4 = pow(S_PI, 4), pi8 = pow(S_PI, 8);
    double V = 49.0 / 8 + 0.1 * pi4 / 5 + 0.01 * pi8 / 18 + 0.5;
    double V1 = 0.5 * pow(1 + 0.1 * pi4 / 5, 2), V2 = 49.0 / 8, V13 = 0.01 * pi8 * (1.0 / 18 - 1.0 / 50);
    const double iS1[3] = {V1 / V, V2 / V, 0}, iST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    const double lS[3] = {1 / 17.25, 4 / 17.25, 12.25 / 17.25};
    static const size_t Ns[] = {100, 200, 500, 1000, 5000};
    printf("Sobol indices: mean absolute error of S1 and ST (3 inputs) over %d seeds, +- its standard error\n\n",
           SEEDS);
    printf("| function | N | S1 random | S1 Sobol' | ST random | ST Sobol' |\n|---|---|---|---|---|---|\n");
    for (int fn = 0; fn < 2; fn++)
        for (size_t i = 0; i < sizeof Ns / sizeof *Ns; i++) {
            double e[2][4];
            for (int d = 0; d < 2; d++)
                S_errors(fn ? S_linear : S_ishigami, fn ? lS : iS1, fn ? lS : iST, Ns[i],
                         d ? DTI_TUNE_DESIGN_SOBOL : DTI_TUNE_DESIGN_RANDOM, &e[d][0], &e[d][1], &e[d][2], &e[d][3]);
            printf("| %s | %zu | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f |\n", fn ? "linear" : "Ishigami",
                   Ns[i], e[0][0], e[0][1], e[1][0], e[1][1], e[0][2], e[0][3], e[1][2], e[1][3]);
        }
    return 0;
}
