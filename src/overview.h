/* overview.h -- what `dtirank report` shows of the record besides the projection (internal API of
 * overview.c): every entity's rank history in one frame (the 34 units by the official rule, or the 63
 * provinces), the table of one year as dti.gov.vn shows it (rank, value, the main indicators known for
 * every entity, the change of rank since the year before, the region) and the sources of every year.
 * Objects in, results out; no printing.
 */
#ifndef DTI_OVERVIEW_H
#define DTI_OVERVIEW_H

#include <stddef.h>

#include "dtirank.h"
#include "project.h"

struct dti_merger;

#define DTI_OVERVIEW_MAX_IND 32 /* main indicators in a table */

typedef struct dti_overview {
    int frame;           /* DTI_FRAME_UNITS or DTI_FRAME_PROVINCES */
    size_t n;            /* entities of the frame */
    const char **name;   /* [n] borrowed from the merger or the registry */
    const char **region; /* [n] borrowed from the registries */
    /* the rank history: exact ranks (0: not known, or known only as bounds) */
    size_t n_years;
    int year[DTI_PROJECT_MAX_YEARS];
    size_t *rank; /* [t * n + e] */
    /* the table of table_year */
    int table_year, prev_year;  /* prev_year: 0 when the record has no year before it */
    const dti_framework *fw;    /* the framework of table_year's record (borrowed) */
    int by_rule;                /* units: ranks and values by the official rule on the provinces' values */
    size_t *order;              /* [n] entities by rank, those without a rank last */
    size_t *t_rank;             /* [n] rank in table_year (0: unknown) */
    double *t_value;            /* [n] DTI (NaN: unknown) */
    int t_precision;            /* decimals the values are published with (-1: a mean by the rule) */
    size_t *prev_rank;          /* [n] rank in prev_year (0: unknown) */
    size_t n_ind;
    size_t ind_node[DTI_OVERVIEW_MAX_IND]; /* the main indicators every entity has a value of */
    double *ind;                /* [k * n + e] */
    /* the published table of the units that year (data/dti/<year>-34.yaml), against the rule */
    const char *pub_path;       /* NULL: none */
    size_t pub_ranks, pub_values, pub_rank_ok, pub_value_ok;
} dti_overview;

/* years: the province records in year order (n_years of them); pub: the published record of the units
 * in table_year (may be NULL); m: the merger (needed for the units' frame); frame: whose table and
 * history.  *ov: dti_overview_clear (also after a failure). */
int dti_overview_compute(const dti_year *const *years, size_t n_years, const dti_year *pub, const dti_registry *reg,
                         const struct dti_merger *m, int frame, int table_year, dti_overview *ov,
                         dti_error *err);
void dti_overview_clear(dti_overview *ov);

/* The latest record up to table_year whose framework has published weights (the report's weights
 * section): its index in years, or (size_t)-1.  The framework of a record (borrowed). */
size_t dti_overview_weights_year(const dti_year *const *years, size_t n_years, int table_year);
const dti_framework *dti_overview_framework(const dti_year *yr);

/* The web addresses a year record cites (every fact's source and the top-10 list's), each once, in the
 * order of the file.  *urls: free each, then the array. */
size_t dti_overview_sources(const dti_year *yr, char ***urls);

#endif
