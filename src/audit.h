/* audit.h -- `dtirank audit` (internal): a statistical audit of a composite index on its data, after
 * the engine has run -- descriptive statistics, the outlier log, Pearson and Spearman correlations,
 * Cronbach's alpha and PCA per aggregate, effective against nominal weights (docs/methods.md §8).
 * No GSL or libyaml type appears here.
 */
#ifndef DTI_AUDIT_H
#define DTI_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#include "dataset.h"
#include "dtirank.h"
#include "engine.h"
#include "score.h"

typedef struct dti_audit_desc {
    size_t n, missing;       /* observed / missing denominated raw values, over all units */
    double mean, sd;         /* sd with n - 1; NaN when n < 2 */
    double min, max;         /* NaN when n = 0 */
    double skew, kurt;       /* type-2 G1 and excess kurtosis G2 (as the outlier rule); NaN when undefined */
} dti_audit_desc;

typedef struct dti_audit_group {
    size_t node;             /* the aggregate */
    size_t k;                /* its children */
    size_t n_complete;       /* units with a value for every child */
    double alpha;            /* Cronbach's alpha; NaN when k < 2, n_complete < 2 or zero total variance */
    double *eigenvalues;     /* [k] of the children's correlation matrix, descending (NaN when undefined) */
    double *loadings;        /* [c * k + f]: child c on component f, unit-length eigenvectors */
} dti_audit_group;

typedef struct dti_audit {
    dti_score *sc;           /* the engine run (owned); the framework and data are borrowed */
    const dti_framework *fw;
    const dti_dataset *ds;
    const dti_engine_result *r;
    size_t nj, na, nu;       /* indicators, aggregates (root first, then file order), units */
    size_t *ind, *agg;       /* nodes */
    dti_audit_desc *desc;    /* [nj] */
    double *pearson, *spearman; /* [(nj + na) x (nj + na)]: indicators then aggregates, pairwise complete */
    dti_audit_group *grp;    /* [na] */
    double *nominal;         /* [nj] product of the normalised weights from the index down (shares) */
    double *effective;       /* [nj] r(indicator, index)^2 / sum over indicators */
} dti_audit;

/* Runs the model on the data (as `score` does: dti_score_run) and computes the audit.  model and data
 * are borrowed and must outlive the audit.  *out is owned by the caller: dti_audit_free. */
int dti_audit_compute(const dti_framework *model, const dti_dataset *data, dti_audit **out, dti_error *err);
void dti_audit_free(dti_audit *a);

/* The statistics, on their own (NaN = missing; pairwise deletion).  scratch: 4n doubles, idx/tmp n. */
double dti_audit_pearson(const double *x, const double *y, size_t n);
double dti_audit_spearman(const double *x, const double *y, size_t n, double *scratch, size_t *idx, size_t *tmp);
/* Cronbach's alpha of the k columns cols[c][0..n) over the units complete in all of them. */
double dti_audit_alpha(const double *const *cols, size_t k, size_t n, size_t *n_complete);

#endif
