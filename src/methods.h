/* methods.h -- the method settings a framework carries (internal): how each indicator is treated and
 * normalised, how each aggregate combines its children, how missing values are imputed.
 *
 * framework.c reads them (defaults at the top level, overrides per node, through methods.c); the
 * engine (engine.c) applies them.  See docs/methods.md for the formulas.
 */
#ifndef DTI_METHODS_H
#define DTI_METHODS_H

#include <stddef.h>

enum dti_norm_method {
    DTI_NORM_NONE,            /* identity: the value as given (the official DTI) */
    DTI_NORM_MINMAX,          /* (x' - min) / (max - min) * (b - a) + a */
    DTI_NORM_ZSCORE,          /* (x' - mean) / sd * s + m */
    DTI_NORM_GOALPOSTS,       /* (x' - low') / (high' - low'), capped to [0, 1], then to [a, b] */
    DTI_NORM_RATIO,           /* x / best, mapped to [a, b] */
    DTI_NORM_RANK,            /* competition rank, ascending in x' (the worst unit gets 1) */
    DTI_NORM_RANK_FRACTIONAL, /* average rank of ties, ascending in x' */
    DTI_NORM_PERCENTILE,      /* (fractional rank - 1) / (n - 1), mapped to [a, b] */
    DTI_NORM_BLOM,            /* inverse normal of (fractional rank - 3/8) / (n + 1/4) */
    DTI_NORM_DISTANCE         /* to a reference unit: x / x_ref (then [a, b]) or x' - x'_ref */
};

enum dti_distance_mode { DTI_DISTANCE_RATIO, DTI_DISTANCE_DIFFERENCE };

#define DTI_REFERENCE_MAX 64 /* longest reference-unit code + 1 (kept inline: specs are copied by value) */

typedef struct dti_norm_spec {
    int method;       /* enum dti_norm_method */
    double min, max;  /* output range [a, b] of minmax, goalposts, ratio, percentile (default [0, 1]) */
    double low, high; /* goalposts (in the indicator's own units; NaN = not given) */
    double mean, sd;  /* z-score target mean and standard deviation (default 0, 1) */
    int mode;         /* distance: enum dti_distance_mode */
    char reference[DTI_REFERENCE_MAX]; /* distance: the reference unit's code ("" = not given) */
} dti_norm_spec;

/* A monotone transform of an indicator before outlier treatment and normalisation. */
enum dti_transform_method { DTI_TRANSFORM_NONE, DTI_TRANSFORM_LOG, DTI_TRANSFORM_BOXCOX };

typedef struct dti_transform_spec {
    int method;    /* enum dti_transform_method */
    double lambda; /* Box-Cox: (x^lambda - 1) / lambda, ln x when lambda = 0 (NaN = not given) */
} dti_transform_spec;

/* Categorical tiers of one indicator: the data give a label, the engine sees its points. */
typedef struct dti_category_spec {
    size_t n;       /* 0: the indicator is numeric */
    char **label;   /* [k] (owned) */
    double *points; /* [k] (owned) */
} dti_category_spec;

enum dti_agg_method {
    DTI_AGG_ARITHMETIC,
    DTI_AGG_GEOMETRIC,
    DTI_AGG_HARMONIC,
    DTI_AGG_GENERALISED, /* power mean of order p: (sum w' v^p)^(1/p); p = 0 is the geometric mean */
    DTI_AGG_COPELAND     /* pairwise majority over the children: wins minus losses (COINr a_copeland) */
};

#define DTI_COVERAGE_ALL ((size_t)-1) /* every child with a positive weight must have a value */

typedef struct dti_agg_spec {
    int method;          /* enum dti_agg_method */
    size_t min_coverage; /* children (weight > 0) with a value needed, or DTI_COVERAGE_ALL */
    double p;            /* order of the generalised mean (NaN for the other methods) */
} dti_agg_spec;

enum dti_treat_method { DTI_TREAT_NONE, DTI_TREAT_WINSOR_JRC };

typedef struct dti_treat_spec {
    int method;        /* enum dti_treat_method */
    size_t max_points; /* winsorise up to this many points (COINr default 5) */
    double skew, kurt; /* thresholds: treat when |skew| >= skew and kurt >= kurt (2 and 3.5) */
} dti_treat_spec;

enum dti_impute_method {
    DTI_IMPUTE_NONE,
    DTI_IMPUTE_MEAN,
    DTI_IMPUTE_MEDIAN,
    DTI_IMPUTE_GROUP_MEAN,
    DTI_IMPUTE_GROUP_MEDIAN,
    DTI_IMPUTE_PREVIOUS /* the unit's own value of the previous year (data: `previous:`) */
};

typedef struct dti_impute_spec {
    int method;  /* enum dti_impute_method */
    char *group; /* the unit group column of the group methods (owned), NULL otherwise */
} dti_impute_spec;

/* The framework-wide settings (`defaults:`).  Without a `defaults` block a framework means the
 * official DTI arithmetic: identity normalisation, weighted arithmetic mean needing every weighted
 * child, no treatment, no imputation, no screen, ranks on the published precision. */
typedef struct dti_methods {
    dti_norm_spec norm;
    dti_transform_spec transform;
    dti_agg_spec agg;
    dti_treat_spec treat;
    dti_impute_spec impute;
    double screen_min; /* minimum data availability of a unit (0 = keep every unit) */
    int rank_rounded;  /* 1: rank on values rounded to the framework precision; 0: unrounded */
} dti_methods;

/* Built-in defaults (see dti_methods). */
void dti_methods_init(dti_methods *m);
void dti_methods_clear(dti_methods *m);
const char *dti_norm_method_name(int method);
const char *dti_agg_method_name(int method);
const char *dti_transform_method_name(int method);
void dti_category_clear(dti_category_spec *c);
/* Points of label `text` in c, or NaN when c has no such label. */
double dti_category_points(const dti_category_spec *c, const char *text);

/* ---- reading from a framework file (methods.c; errors at the node's file:line:col) ---- */
struct dti_yctx;
struct dti_ynode;
struct dti_framework;

/* Reads the top-level `defaults:` mapping into *m (which holds the built-in defaults). */
int dti_methods_load_defaults(const struct dti_yctx *c, const struct dti_ynode *v, dti_methods *m);
/* Resolves the settings of node i from the defaults and its own `normalise`, `transform`, `treat`,
 * `aggregate`, `categories` and `denominator` keys (mapping `m`); refuses settings that do not fit the node's role.  Needs the
 * tree built (roles known).  Adds new denominator names to fw->denominators. */
int dti_methods_load_node(const struct dti_yctx *c, const struct dti_ynode *m, struct dti_framework *fw,
                          size_t i);

#endif
