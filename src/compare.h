/* compare.h -- comparing variants of an index (internal): two score results side by side (the rank and
 * score of every unit under both, the shift, Spearman's rho, the units crossing a top-K line), and
 * leave-one-out (the index without each of a list of nodes, weights renormalised: COINr's
 * remove_elements).  After the engine has run; docs/methods.md §9.  No GSL or libyaml type appears here.
 *
 * Shifts count places gained: shift = rank under A - rank under B, so +3 means three places higher
 * (better) under B.  For leave-one-out, A is the full index and B the index without the node.
 */
#ifndef DTI_COMPARE_H
#define DTI_COMPARE_H

#include <stddef.h>

#include "dtirank.h"

/* ---- two variants ------------------------------------------------------------------------------ */

/* One variant's results; every pointer is borrowed for the call.  Units are matched by code. */
typedef struct dti_variant {
    size_t n_units;
    const char *const *unit; /* [u] unit codes (unique) */
    const double *score;     /* [u] the index; NaN = no score */
    const size_t *rank;      /* [u] its rank (1 best); 0 = no rank */
} dti_variant;

typedef struct dti_compare_row {
    const char *unit;       /* borrowed from the variant the unit came from */
    size_t ua, ub;          /* index of the unit in A / in B; (size_t)-1 when absent */
    double score_a, score_b; /* NaN when absent or unscored */
    size_t rank_a, rank_b;  /* 0 when absent or unranked */
    double shift;           /* rank_a - rank_b: places gained under B; NaN unless ranked in both */
    int cross;              /* +1: into the top K under B, -1: out of it, 0: neither (or no top K) */
} dti_compare_row;

typedef struct dti_compare {
    size_t n_rows;
    dti_compare_row *rows;  /* A's units in A's order, then the units only B has, in B's order */
    size_t n_both;          /* units ranked under both */
    double spearman;        /* Spearman's rho of the two scores over those units (average ranks of ties,
                             * re-ranked among them); NaN when fewer than 2 or a constant score */
    double mean_abs_shift;  /* mean |shift| over them; NaN when none */
    double max_abs_shift;   /* largest |shift|; 0 when none */
    size_t top_k;           /* the line (0: none) */
    size_t n_entered, n_left; /* rows with cross +1 / -1 */
} dti_compare;

/* Compares variant B with variant A.  top_k > 0 marks the units whose rank is <= top_k under exactly
 * one of them.  *out is filled (caller-owned struct; release with dti_compare_clear); rows borrow the
 * unit codes of a and b, which must outlive it.  Errors: a unit code twice in one variant
 * (DTI_ERR_INPUT). */
int dti_compare_variants(const dti_variant *a, const dti_variant *b, size_t top_k, dti_compare *out, dti_error *err);
void dti_compare_clear(dti_compare *c);

/* ---- ranks within groups (regions) ------------------------------------------------------------- */

/* Competition ranks of values[0..n) within groups, for `rank --by-region`: ranks[u] = 1 + the number of
 * units of u's group with a strictly higher value, compared on values rounded to `precision` decimals
 * (half away from zero, dti_round_key; precision < 0: unrounded) as the official rule; ties share the
 * best rank.  groups[u] is any label number; (size_t)-1 (no group) and a missing value give rank 0.
 * O(n^2) comparisons, allocates nothing. */
void dti_rank_within_groups(const double *values, size_t n, const size_t *groups, int precision, size_t *ranks);

/* ---- leave-one-out ----------------------------------------------------------------------------- */

typedef struct dti_loo dti_loo;

/* A workspace for framework fw (borrowed; it must outlive the workspace) and n_units units, sized for
 * every node of fw.  NULL only when n_units is 0. */
dti_loo *dti_loo_alloc(const dti_framework *fw, size_t n_units);
void dti_loo_free(dti_loo *w);

/* The results of the last dti_loo_run, borrowed from the workspace (valid until the next run or free).
 * Arrays over drops are indexed d = 0 .. n_drop-1 in the order asked. */
typedef struct dti_loo_result {
    size_t n_drop, n_units;
    const size_t *dropped;        /* [d] the node dropped */
    const double *base_score;     /* [u] the index with every node */
    const size_t *base_rank;      /* [u] its rank (0 = none) */
    const double *score;          /* [d * n_units + u] the index without node d */
    const size_t *rank;           /* [d * n_units + u] its rank (0 = none) */
    const double *shift;          /* [d * n_units + u] base rank - rank without: places gained; NaN unless
                                   * ranked both ways */
    const double *mean_abs_shift; /* [d] mean |shift| over the units ranked both ways; NaN when none */
    const double *max_abs_shift;  /* [d] largest |shift| (0 when none) */
} dti_loo_result;

/* The index without each node of drop[0 .. n_drop) in turn (drop NULL: every indicator, in the
 * engine's column order; n_drop is then ignored).  A dropped node gets weight 0, so its siblings'
 * weights are renormalised; a node left without positively weighted children is dropped from its own
 * parent in turn.  Only the dropped node's ancestors are recomputed, from normalised[j * n_units + u]
 * (the engine's normalised indicators) under `weight` (NULL: the framework's), with each node's own
 * method and coverage; ranks follow the framework's rule (rounded to its precision unless `rank:
 * unrounded`).  The screen, imputation and normalisation stay as in the full run.  Allocates nothing.
 * Errors: a node that is not in the tree or is the root (DTI_ERR_INPUT), more drops than nodes, and
 * those of the aggregation. */
int dti_loo_run(dti_loo *w, const double *normalised, const double *weight, const size_t *drop, size_t n_drop,
                dti_loo_result *out, dti_error *err);

#endif
