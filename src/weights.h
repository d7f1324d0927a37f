/* weights.h -- the weights of a framework (internal): named sets (`weights:` in the framework file,
 * read by framework.c) and weights derived from the data after normalisation -- PCA weights (first
 * principal component per aggregation group) and equal-influence weights (COINr's get_opt_weights,
 * optType "balance").  Formulas, rules and references: docs/methods.md §6a.  No GSL or libyaml type
 * appears here.
 *
 * A weight vector is indexed by node (n_nodes doubles, as dti_engine_override.weight): a node's weight
 * in its parent's aggregation; only the ratios among siblings matter.
 */
#ifndef DTI_WEIGHTS_H
#define DTI_WEIGHTS_H

#include <stddef.h>

#include "dtirank.h"

/* ---- named sets -------------------------------------------------------------------------------- */

/* The sets of the framework's `weights:` block, in file order (the nodes' own weights, "default", are
 * not counted).  Names are borrowed from fw. */
size_t dti_framework_weight_set_count(const dti_framework *fw);
const char *dti_framework_weight_set_name(const dti_framework *fw, size_t k);

/* The weights of set `name` (NULL or "default": the nodes' own `weight:` as loaded): *weight receives
 * n_nodes doubles owned by fw, valid until dti_framework_free or the next dti_framework_weights_add.
 * Pass them as dti_engine_override.weight for one run.  An unknown name is DTI_ERR_USAGE, the message
 * listing the names ("unknown weight set 'x' of model asem (one of: default, equal)"). */
int dti_framework_weight_set(const dti_framework *fw, const char *name, const double **weight, dti_error *err);

/* Makes set `name` the framework's weights (every node's `weight`), so that every analysis run on fw
 * afterwards -- score, audit, tune, rank -- uses it; "default" restores the file's own.  This is the
 * library call behind `--weights NAME`.  Errors as dti_framework_weight_set. */
int dti_framework_weights_select(dti_framework *fw, const char *name, dti_error *err);
/* The name of the selected set ("default" until dti_framework_weights_select). */
const char *dti_framework_weights_selected(const dti_framework *fw);

/* Adds a set computed elsewhere (PCA, balance) under `name` (letters, digits, '_', '-'; not "default"
 * nor a name already used).  weight[n_nodes]: finite, >= 0 for every node with a parent, not all 0
 * among the children of a node; nodes without a parent keep their own.  DTI_ERR_INPUT otherwise. */
int dti_framework_weights_add(dti_framework *fw, const char *name, const double *weight, dti_error *err);

/* ---- PCA weights ------------------------------------------------------------------------------- */

typedef struct dti_weights_group {
    size_t node;       /* the aggregate */
    size_t k;          /* its children with a positive input weight: the variables of the PCA */
    size_t n_complete; /* units with a value in all k */
    double eigenvalue; /* the first (largest) eigenvalue of their correlation matrix; NaN when undefined */
    double explained;  /* eigenvalue / k: the share of the children's total variance the component explains */
    int defined;       /* 0: k < 2, fewer than 3 complete units or a constant child -- input weights kept */
} dti_weights_group;

typedef struct dti_weights_pca {
    size_t n_nodes, n_groups;
    double *weight;           /* [node] the PCA weight set: within each group the squared loadings of the
                               * first component, which sum to 1; zero-weight children stay 0; an undefined
                               * group keeps its input weights, as shares summing to 1 */
    double *loading;          /* [node] the child's component of the first unit-length eigenvector of its
                               * group, signed so that the components sum to >= 0; NaN outside defined groups */
    dti_weights_group *group; /* [n_groups] every aggregate, children before parents */
} dti_weights_pca;

/* PCA weights of every aggregation group, bottom-up: a group's children are its indicators' normalised
 * values or the values of its child aggregates computed with the PCA weights found below them (and the
 * node's own aggregation method).  normalised[j * n_units + u] are the engine's normalised indicators
 * (dti_engine_result.normalised; NaN = missing), `weight` the input weights (NULL: the framework's),
 * whose zeros mark the children left out.  *out is filled (caller-owned struct; release with
 * dti_weights_pca_clear).  Errors: those of the aggregation (a negative value under a geometric mean)
 * and GSL failures (DTI_ERR_INTERNAL). */
int dti_weights_pca_compute(const dti_framework *fw, const double *normalised, size_t n_units, const double *weight,
                            dti_weights_pca *out, dti_error *err);
void dti_weights_pca_clear(dti_weights_pca *p);

/* ---- equal-influence weights (balance) ---------------------------------------------------------- */

/* The nodes of aggregation level `level` with a positive weight (weight NULL: the framework's), in
 * file order, into nodes[] (room for n_nodes); returns their count.  Level 1 is the indicators, 2 the
 * nodes whose children are all indicators, and so on: a node's level is 1 + its height (the longest
 * path down to an indicator), as COINr numbers levels.  The root is never counted. */
size_t dti_weights_level_nodes(const dti_framework *fw, const double *weight, size_t level, size_t *nodes);

/* The balance objective at `weight` (NULL: the framework's): with r_i the Pearson correlation of node
 * i of the level with the index (over the units having both) and c_i = r_i / sum_k r_k,
 *     f = sum_i (c_i - 1/m)^2    over the m nodes of the level.
 * *objective receives f (+Inf when an r_i is undefined or sum r <= 0); r (may be NULL; room for the
 * level's node count) the correlations; *m (may be NULL) the count. */
int dti_weights_balance_objective(const dti_framework *fw, const double *normalised, size_t n_units,
                                  const double *weight, size_t level, double *objective, double *r, size_t *m,
                                  dti_error *err);

typedef struct dti_weights_balance_spec {
    size_t level;    /* the level whose weights move (0 or 1: the indicators) */
    double tol;      /* stop when a step changes every theta by less than this share (0: 1e-10) */
    size_t max_iter; /* iteration limit (0: 2000) */
} dti_weights_balance_spec;

typedef struct dti_weights_balance {
    size_t n_nodes, m;
    double *weight;           /* [node] the balanced set: at the level, every child of a balanced node's
                               * parent as a share summing to 1; every other node its input weight */
    size_t *nodes;            /* [m] the nodes balanced (dti_weights_level_nodes) */
    double *r_before, *r_after; /* [m] their correlation with the index at the input and the found weights */
    double objective_before;  /* f at the input weights */
    double objective;         /* f at the found weights */
    size_t iterations;        /* trust-region iterations */
    int converged;            /* stopped on the step or gradient test, not on max_iter or lack of progress */
    const char *stop;         /* why it stopped: "step", "gradient", "iterations" or "no progress" (static) */
} dti_weights_balance;

/* Equal-influence weights: minimises f above over the level's weights, w_i = theta_i^2 (so that they
 * stay non-negative and can reach 0), as a nonlinear least-squares problem in the residuals
 * c_i - 1/m: GSL's trust-region Levenberg-Marquardt (gsl_multifit_nlinear_trust, forward-difference
 * Jacobian) from the input weights (theta_i = sqrt of the share among siblings).  Stops when a step
 * changes every theta by less than `tol` relative, or the gradient test of GSL passes at 1e-12, or
 * after max_iter iterations (converged = 0).  Deterministic.  *out is filled (release with
 * dti_weights_balance_clear).  Errors: fewer than 2 nodes at the level, an undefined objective at the
 * start (DTI_ERR_INPUT), GSL failures (DTI_ERR_INTERNAL). */
int dti_weights_balance_compute(const dti_framework *fw, const double *normalised, size_t n_units,
                                const double *weight, const dti_weights_balance_spec *spec,
                                dti_weights_balance *out, dti_error *err);
void dti_weights_balance_clear(dti_weights_balance *b);

/* ---- shared ---------------------------------------------------------------------------------- */

/* Values of every node for the weights `weight` (NULL: the framework's): val[node * n_units + u] gets
 * the normalised indicators (normalised[j * n_units + u]) and every aggregate in post-order with its
 * own method.  Allocates nothing.  Errors: those of dti_aggregate_node_with. */
int dti_weights_aggregate(const dti_framework *fw, const double *normalised, size_t n_units, const double *weight,
                          double *val, dti_error *err);

#endif
