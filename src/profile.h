/* profile.h -- `dtirank profile` (internal): one province (or one unit of the 2025 reorganisation) over
 * the record -- its rank and value every year, its rank within its socio-economic region and among
 * units of similar size where the registry has sizes, each main indicator's value and rank in a year
 * with the distance to the top-10 line, its strengths and weaknesses, and what changed since the year
 * before.  Computed from loaded year records (ranking.c, merger.c, toolkit.c); presented by
 * present_toolkit.c; docs/guide.md ("Profile of a province").  Never prints.
 */
#ifndef DTI_PROFILE_H
#define DTI_PROFILE_H

#include <stddef.h>

#include "dtirank.h"
#include "merger.h"

#define DTI_PROFILE_SIZE_COLUMN "population" /* the registry's `numbers:` column of sizes */
#define DTI_PROFILE_SIZE_GROUPS 3            /* units of similar size: thirds by that column */
#define DTI_PROFILE_STRENGTHS 3              /* best and worst indicators listed */

typedef struct dti_profile_input {
    const dti_year *const *years; /* [n_years] the record of the provinces, ascending years */
    size_t n_years;
    const dti_registry *reg;      /* the provinces (the records' registry) */
    const dti_merger *m;          /* NULL: a province; else a unit of this merger */
    const dti_year *const *unit_years; /* [n_years] (with m) the published record of the units that year, or
                                        * NULL (then the ranking is computed by the merger rule) */
    size_t unit;                  /* a registry index (provinces) or a unit index of m */
    int year;                     /* the year of the details (0: the latest) */
    size_t top;                   /* the line of the distance (10) */
} dti_profile_input;

/* One year of the history. */
typedef struct dti_profile_year {
    int year;
    const char *model;          /* the framework of the year (borrowed) */
    size_t units;               /* units ranked that year */
    int status;                 /* enum dti_rank_status */
    size_t rank, lo, hi;        /* exact rank (0: none) and bounds */
    int rank_derived;           /* derived from a stated change */
    double value;               /* the index (NaN: unknown) */
    int value_derived;
    const char *method;         /* "published", "computed from values", "merged values", "latent (approximation)",
                                 * "not determined" */
    size_t region_rank, region_size; /* rank within the region (0: not determined) and its units */
} dti_profile_year;

/* One main indicator (a child of the index) or pillar (a reported figure) in the year of the details. */
typedef struct dti_profile_node {
    const char *id, *name;      /* borrowed from the year's framework */
    int pillar;                 /* a reported pillar, not an input of the index */
    double share;               /* its nominal share of the index (NaN: weight unknown; pillars NaN) */
    double value;               /* NaN: unknown */
    int value_derived;
    int status;                 /* its rank among the units (enum dti_rank_status) */
    size_t rank, lo, hi;
    size_t n_known;             /* units with a value */
    double threshold;           /* the top-th highest value (NaN unless every unit has a value) */
    double gap;                 /* value - threshold (>= 0: at or above the line); NaN when either is */
    int has_prev;               /* the year before has this node */
    double prev_value;          /* NaN: unknown */
    int prev_status;
    size_t prev_rank;           /* exact rank the year before, 0: none */
} dti_profile_node;

/* A unit of the region in the year of the details. */
typedef struct dti_profile_peer {
    const char *name;
    int self;
    int status;
    size_t rank, lo, hi, region_rank;
    double value;
} dti_profile_peer;

typedef struct dti_profile {
    const char *name, *code, *region; /* borrowed (code NULL for a unit) */
    const char *frame;                /* "provinces" or "units" */
    size_t n_hist;
    dti_profile_year *hist;           /* every year of the record */
    size_t cur, prev;                 /* the year of the details and the year before in hist (prev (size_t)-1: none) */
    int models_differ;                /* the two years' models differ: values are not comparable */
    size_t n_nodes;
    dti_profile_node *node;
    size_t n_strengths, n_weaknesses;
    size_t strength[DTI_PROFILE_STRENGTHS], weakness[DTI_PROFILE_STRENGTHS]; /* indices into node */
    int weights_unknown;              /* the year's model does not publish its weights */
    size_t n_peers;
    dti_profile_peer *peer;           /* the region's units, by rank in the region */
    int has_size;                     /* the registry has DTI_PROFILE_SIZE_COLUMN for every province */
    size_t size_group, size_members, size_rank; /* third (0 smallest), its units, the rank in it (0: none) */
    double size_value;                /* the unit's size */
    size_t top;
} dti_profile;

/* Computes the profile.  The records, registry and merger must outlive *out.  Errors: no record, a year
 * not in the record (DTI_ERR_USAGE listing the years), a province without any fact in the record
 * (DTI_ERR_INPUT: nothing to profile), those of the rankings.  *out: dti_profile_clear. */
int dti_profile_compute(const dti_profile_input *in, dti_profile *out, dti_error *err);
void dti_profile_clear(dti_profile *p);

#endif
