/* toolkit.h -- the analyst's toolkit at the level of the commands (internal): the weight set a command
 * runs with (`--weights NAME`: a set of the framework, or PCA / equal-influence weights computed from
 * the data), the variants `compare` sets side by side (a score, or a year's published ranking), and
 * ranks within the registry's regions of a year's ranking (`rank --by-region`, `profile`).  Above
 * weights.c, compare.c, score.c and ranking.c; presented by present_toolkit.c.  Never prints.
 */
#ifndef DTI_TOOLKIT_H
#define DTI_TOOLKIT_H

#include <stddef.h>

#include "compare.h"
#include "dataset.h"
#include "dtirank.h"
#include "ranking.h"
#include "weights.h"

/* ---- the weight set of a run (--weights NAME) ---------------------------------------------------- */

enum dti_weights_source { DTI_WEIGHTS_FILE, DTI_WEIGHTS_PCA, DTI_WEIGHTS_BALANCE };

typedef struct dti_weights_choice {
    char name[64];          /* the set selected ("default", a set of the framework, "pca", "balance") */
    int source;             /* enum dti_weights_source */
    size_t n_units;         /* data-driven sets: the units of the data they were computed on */
    dti_weights_pca pca;    /* source PCA (dti_weights_pca_clear) */
    dti_weights_balance bal; /* source BALANCE */
} dti_weights_choice;

/* Makes `name` (NULL: nothing to do, the choice says "default") the weights of fw: a set of the
 * framework's `weights:` block or "default" (dti_framework_weights_select); otherwise "pca" or
 * "balance" are computed from the data ds -- the engine's normalised indicators with the file's own
 * weights, PCA weights per aggregation group or equal-influence weights at the indicators' level
 * (docs/methods.md §6a) -- added to fw under that name and selected.  Any other name is
 * DTI_ERR_USAGE listing the sets and the two computed ones.  ds may be NULL when name is a set of the
 * framework.  *out is filled (dti_weights_choice_clear). */
int dti_weights_choose(dti_framework *fw, const dti_dataset *ds, const char *name, dti_weights_choice *out,
                       dti_error *err);
void dti_weights_choice_clear(dti_weights_choice *c);

/* ---- the variants of `compare` ------------------------------------------------------------------ */

/* A variant with its arrays (owned), and the display names of its units. */
typedef struct dti_variant_data {
    dti_variant v;      /* borrows the arrays below */
    const char *model;  /* the framework's name (borrowed) */
    int precision;      /* its published precision */
    const char **code;  /* [u] (borrowed from the score or registry) */
    const char **name;  /* [u] display names (borrowed) */
    double *score;      /* [u] what Spearman's rho compares: the index of a score; minus the exact rank of a
                         * published ranking (its values may be unknown where its ranks are not) */
    double *value;      /* [u] the index shown (NaN: unknown) */
    size_t *rank;       /* [u] */
    size_t n_scored;    /* units with a rank */
} dti_variant_data;

struct dti_score;
/* The index and its rank of every unit of a score (dti_score_run).  sc must outlive out. */
void dti_variant_from_score(const struct dti_score *sc, dti_variant_data *out);
/* The published ranking of a year (dti_ranking_compute by the index): exact ranks only (a bounded or
 * unknown rank is no rank); rho is of the ranks; the value shown is the published one (else the
 * recomputed one). */
void dti_variant_from_ranking(const dti_ranking *rk, dti_variant_data *out);
void dti_variant_data_clear(dti_variant_data *d);
/* The published ranking of year record yr by its index (dti_ranking_compute into *rk, which the
 * variant borrows: dti_ranking_clear after it), as dti_variant_from_ranking. */
int dti_variant_from_year(const dti_year *yr, dti_ranking *rk, dti_variant_data *out, dti_error *err);

/* A framework's name (`name:`), borrowed; its number of nodes. */
const char *dti_framework_name(const dti_framework *fw);
size_t dti_framework_node_count(const dti_framework *fw);

/* ---- leave-one-out of a score (compare --drop) -------------------------------------------------- */

/* The nodes of fw that names[0..n) give, into nodes (room for fw's node count), *n_nodes their count;
 * "all" alone gives every indicator.  A name that is no node is DTI_ERR_USAGE naming the nearest id; the
 * index itself and reported nodes (not weighted) are DTI_ERR_USAGE too; a node named twice counts once. */
int dti_loo_nodes(const dti_framework *fw, const char *const *names, size_t n, size_t *nodes, size_t *n_nodes,
                  dti_error *err);

typedef struct dti_loo_compare {
    dti_loo *w;             /* the workspace (owned) */
    dti_loo_result res;     /* borrowed from w */
    dti_compare *cmp;       /* [n_drop] the full index (A) against the index without node d (B) */
    dti_variant_data base;  /* the full index */
} dti_loo_compare;

/* Leave-one-out on a score (dti_loo_run with the framework's weights on the engine's normalised
 * indicators), each drop also compared with the full index (dti_compare_variants: rho, crossings of the
 * top_k line).  sc must outlive out.  *out: dti_loo_compare_clear (also after a failure). */
int dti_loo_compare_run(const struct dti_score *sc, const size_t *nodes, size_t n_nodes, size_t top_k,
                        dti_loo_compare *out, dti_error *err);
void dti_loo_compare_clear(dti_loo_compare *c);

/* ---- ranks within regions ----------------------------------------------------------------------- */

typedef struct dti_region_ranks {
    size_t n_regions;
    const char **region; /* [g] labels, in the registry's order of first appearance (borrowed) */
    size_t *size;        /* [g] units of the region */
    size_t *region_of;   /* [row] region of ranking row `row` ((size_t)-1: none) */
    size_t *rank;        /* [row] rank within the region; 0 when not determined */
    size_t n_determined; /* rows with a region rank */
} dti_region_ranks;

/* The rank of every row of a year's ranking among the units of its region (the registry's `region:`):
 * 1 + the number of units of the region ranked strictly above it -- dti_rank_within_groups on the
 * national exact ranks, which follow the official rule (ties share the best rank).  A unit of the
 * region known only by bounds counts when it is surely above (its worst possible rank is better than
 * the row's); when it may or may not be above, the row's region rank is not determined (0).  A row
 * without an exact rank has none.  *out: dti_region_ranks_clear. */
void dti_region_ranks_compute(const dti_ranking *rk, dti_region_ranks *out);
/* The rule above on plain arrays: n units, group[u] a label ((size_t)-1: none), status[u] an enum
 * dti_rank_status, rank[u] the exact rank, lo[u]..hi[u] the bounds; out[u] the rank in the group (0:
 * none or not determined).  Used for regions and for groups of similar size. */
void dti_group_ranks(size_t n, const size_t *group, const int *status, const size_t *rank, const size_t *lo,
                     const size_t *hi, size_t *out);
void dti_region_ranks_clear(dti_region_ranks *r);

#endif
