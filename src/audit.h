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
/* PCA of the k columns cols[c][0..n) over the units complete in all of them: the eigen-decomposition of
 * their correlation matrix (gsl_eigen_symmv), eigenvalues descending into eigenvalues[k], unit-length
 * eigenvectors into vectors[c * k + f] (column c, component f), each signed so that its components sum
 * to >= 0 (its largest component positive when the sum is 0).  All NaN when k < 2, fewer than 3
 * complete units or a constant column.  *n_complete (may be NULL) receives the complete units.
 * Returns 0, or DTI_ERR_INTERNAL when GSL fails (the message names `what`). */
int dti_audit_pca(const double *const *cols, size_t k, size_t n, const char *what, double *eigenvalues,
                  double *vectors, size_t *n_complete, dti_error *err);

/* ---- flags: the short list an analyst reads first (COINr get_stats / get_corr_flags style) -------- */

enum dti_audit_flag_kind {
    DTI_FLAG_AVAILABILITY,      /* an indicator observed for fewer than `availability` of the units */
    DTI_FLAG_SKEW_KURT,         /* an indicator with |skewness| > `skew` and kurtosis > `kurt` */
    DTI_FLAG_ALPHA_NEGATIVE,    /* Cronbach's alpha of an aggregate's children below 0 */
    DTI_FLAG_ALPHA_LOW,         /* ... in [0, `alpha`) */
    DTI_FLAG_COLLINEAR,         /* |Pearson r| > `collinear` between two children of one aggregate */
    DTI_FLAG_NEGATIVE_PARENT,   /* Pearson r < 0 between a node and its parent */
    DTI_FLAG_UNIT_AVAILABILITY, /* a unit with fewer than `availability` of the indicators observed */
    DTI_FLAG_FEW_UNITS          /* a warning: the statistic `statistic` of this node (pair) rests on fewer
                                 * than `min_units` units */
};

typedef struct dti_audit_thresholds {
    double availability; /* 0.65 (COINr get_stats t_avail) */
    double skew, kurt;   /* 2 and 3.5 (the JRC rule; COINr t_skew, t_kurt) */
    double alpha;        /* 0.7 (Nunnally's rule of thumb for Cronbach's alpha) */
    double collinear;    /* 0.9 (COINr get_corr_flags cor_thresh) */
    size_t min_units;    /* 10: fewer units make a statistic fragile */
} dti_audit_thresholds;

/* The defaults above. */
void dti_audit_thresholds_init(dti_audit_thresholds *t);

typedef struct dti_audit_flag {
    int kind;         /* enum dti_audit_flag_kind */
    size_t node;      /* the indicator or aggregate; (size_t)-1 for a unit flag */
    size_t other;     /* COLLINEAR: the other child; NEGATIVE_PARENT: the parent; FEW_UNITS of a pair:
                       * the second node; (size_t)-1 otherwise */
    size_t unit;      /* UNIT_AVAILABILITY: the unit; (size_t)-1 otherwise */
    double value;     /* availability share, skewness, alpha or r (FEW_UNITS: the statistic, may be NaN) */
    double value2;    /* SKEW_KURT: the kurtosis; NaN otherwise */
    double threshold; /* the bound crossed (FEW_UNITS: min_units) */
    size_t n;         /* the units the statistic rests on */
    int statistic;    /* FEW_UNITS: the kind of statistic concerned (a flag kind); otherwise = kind */
} dti_audit_flag;

typedef struct dti_audit_flags {
    size_t n;
    dti_audit_flag *flag; /* indicators in file order (availability, skewness), then the aggregates as the
                           * audit lists them (alpha, collinear pairs, children against the parent), then
                           * the units; each FEW_UNITS warning follows the statistic it concerns */
} dti_audit_flags;

/* The flags of an audit as data (the presenter prints them; docs/methods.md §8a).  Statistics as in
 * the audit: availability, skewness and kurtosis of the denominated raw values before imputation,
 * Pearson correlations of the normalised indicators and aggregates (pairwise complete), alpha over the
 * complete units.  t NULL: the defaults.  *out is filled (release with dti_audit_flags_clear). */
int dti_audit_flags_compute(const dti_audit *a, const dti_audit_thresholds *t, dti_audit_flags *out, dti_error *err);
void dti_audit_flags_clear(dti_audit_flags *f);
/* "availability", "skew_kurt", "alpha_negative", "alpha_low", "collinear", "negative_parent",
 * "unit_availability", "few_units". */
const char *dti_audit_flag_kind_name(int kind);

#endif
