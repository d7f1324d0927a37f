/* ranking.h -- the ranking tables of a year (internal API): ranking.c computes the rows of a year
 * record ranked by one node (ranks from values by the official rule where every unit has a value,
 * else the published ranks and their bounds); merger.c computes the table among the units of the
 * 2025 reorganisation (dti_merger_ranking).  Presented by present_rank.c.  No printing here.
 */
#ifndef DTI_RANKING_H
#define DTI_RANKING_H

#include <stddef.h>

#include "dtirank.h"

/* A computed index is flagged when it differs from the published one by more than this: the
 * published main indicators are rounded to 4 decimals, so an honest recomputation can differ by up
 * to half a unit in the 4th decimal of each weighted input (at most 0.00005 in total). */
#define DTI_RANKING_FLAG_TOL 1e-4
#define DTI_RANKING_FLAG_EPS 1e-9 /* binary noise allowance on top of DTI_RANKING_FLAG_TOL */

enum dti_rank_status { DTI_RANK_EXACT, DTI_RANK_BOUNDED, DTI_RANK_UNKNOWN };

typedef struct dti_ranking_row {
    size_t reg, entry;     /* registry index; entry in the year file or (size_t)-1 */
    double value, computed; /* published and recomputed value of the node (NaN: none) */
    size_t rank, lo, hi;   /* exact rank (0: none) and bounds */
    int status;            /* enum dti_rank_status */
    int derived;           /* the rank is derived from a stated change */
    int flag;              /* |value - computed| > DTI_RANKING_FLAG_TOL */
    int computed_rank;     /* the rank comes from the values, not the record */
    size_t published_rank; /* with computed_rank: the published exact rank, 0 if none */
    int conflict;          /* the record says a rank contradicts a value */
    char derived_fields[256]; /* the row's facts derived from a stated change: "dti, dti_rank" */
} dti_ranking_row;

typedef struct dti_ranking {
    const dti_year *yr;    /* borrowed */
    size_t node;           /* ranked by this node */
    size_t n;              /* rows: every unit of the record's registry */
    dti_ranking_row *row;  /* exact ranks, then bounded, then unknown (record order within ties) */
    double max_diff;       /* largest |published - computed|, NaN when none has both */
    size_t n_exact, n_bounded, n_unknown, n_published, n_derived, n_computed, n_flagged;
} dti_ranking;

/* Ranks the units of yr's registry by node `by` (an id of its framework; DTI_ERR_USAGE listing the
 * index and pillars when there is none).  *out: dti_ranking_clear. */
int dti_ranking_compute(const dti_year *yr, const char *by, dti_ranking *out, dti_error *err);
void dti_ranking_clear(dti_ranking *rk);
/* "Pillars": the reported nodes when the framework has them, else the root's children. */
int dti_ranking_is_pillar(const dti_framework *fw, size_t node);

#endif
