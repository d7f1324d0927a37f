/* score.c -- `dtirank score`: run the engine once on a loaded framework and data table (engine.c does
 * the arithmetic), and the same among the units of a merger.  Presented by present_score.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "engine.h"
#include "audit.h"
#include "internal.h"
#include "report.h"
#include "merger.h"

struct dti_score {
    const dti_framework *fw; /* borrowed */
    const dti_dataset *ds;   /* borrowed */
    dti_engine *w;
    dti_engine_result r;
    size_t *cols;  /* nodes shown: the root, then the other aggregates in file order */
    size_t n_cols;
    const char *const *code, *const *name; /* [u] the rows' codes and names (the data's, or the units') */
    char **owned_names;                    /* merged scores: "A + B" per unit (owned) */
    int merged;                            /* rows are the units of a merger, not the data's */
};

void dti_score_free(dti_score *sc)
{
    if (!sc)
        return;
    dti_engine_free(sc->w);
    if (sc->owned_names) {
        for (size_t u = 0; u < sc->r.n_units; u++)
            free(sc->owned_names[u]);
        free(sc->owned_names);
    }
    free(sc->cols);
    free(sc);
}

/* The columns shown: the root, then the other aggregates in file order. */
static void S_columns(dti_score *sc)
{
    const dti_framework *fw = sc->fw;
    sc->cols = dti_xcalloc(fw->n_nodes, sizeof *sc->cols);
    sc->cols[sc->n_cols++] = fw->root;
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (i != fw->root && fw->nodes[i].role == DTI_NODE_AGGREGATE)
            sc->cols[sc->n_cols++] = i;
}

int dti_score_run(const dti_framework *fw, const dti_dataset *ds, dti_score **out, dti_error *err)
{
    *out = NULL;
    dti_score *sc = dti_xcalloc(1, sizeof *sc);
    size_t *groups = NULL;
    int rc;
    sc->fw = fw;
    sc->ds = ds;
    dti_engine_settings set = {0};
    set.denominators = ds->denominators;
    set.path = ds->path;
    set.unit_names = (const char *const *)ds->unit;
    set.previous = ds->has_previous ? ds->previous : NULL;
    const dti_impute_spec *im = &fw->defaults.impute;
    if (im->method == DTI_IMPUTE_GROUP_MEAN || im->method == DTI_IMPUTE_GROUP_MEDIAN) {
        groups = dti_xcalloc(ds->n_units, sizeof *groups);
        if ((rc = dti_dataset_groups(ds, im->group, groups, &set.n_groups, NULL, err)))
            goto cleanup;
        set.groups = groups;
    }
    sc->w = dti_engine_alloc(fw, ds->n_units);
    if ((rc = dti_engine_run(sc->w, ds->values, &set, &sc->r, err))) {
        /* the engine names the indicator and unit; the file is where the data came from */
        dti_error_locate(err, ds->path);
        goto cleanup;
    }
    S_columns(sc);
    sc->code = (const char *const *)ds->unit;
    sc->name = (const char *const *)ds->name;
cleanup:
    free(groups);
    if (rc) {
        dti_score_free(sc);
        return rc;
    }
    *out = sc;
    return DTI_OK;
}

void dti_score_parts(const dti_score *sc, const dti_framework **fw, const dti_dataset **ds, const dti_engine **w,
                     const dti_engine_result **r)
{
    *fw = sc->fw;
    *ds = sc->ds;
    *w = sc->w;
    *r = &sc->r;
}

const char *dti_score_unit_code(const dti_score *sc, size_t u) { return sc->code[u]; }
int dti_score_merged(const dti_score *sc) { return sc->merged; }

const size_t *dti_score_columns(const dti_score *sc, size_t *n)
{
    *n = sc->n_cols;
    return sc->cols;
}
const char *dti_score_unit_name(const dti_score *sc, size_t u) { return sc->name[u]; }

int dti_score_merge(const dti_score *src, const dti_registry *reg, const dti_merger *m, dti_score **out, dti_error *err)
{
    *out = NULL;
    const dti_engine_result *r = &src->r;
    size_t nj = r->n_indicators;
    dti_merger_frame f;
    int rc = dti_merger_frame_init(&f, m, reg, src->code, r->n_units, src->ds->path, err);
    if (rc) {
        dti_merger_frame_clear(&f);
        return rc;
    }
    /* The official rule merges the main indicators (the normalised values), then aggregates. */
    size_t n_units = m->n_units;
    double *merged = dti_xcalloc(nj * n_units, sizeof *merged), *col = dti_xcalloc(m->n_old, sizeof *col);
    dti_merger_frame_merge(&f, r->normalised, nj, merged, col);
    dti_score *sc = dti_xcalloc(1, sizeof *sc);
    sc->merged = 1;
    sc->fw = src->fw;
    sc->ds = src->ds;
    sc->w = dti_engine_alloc(src->fw, n_units);
    dti_engine_override ov = {.agg_method = -1, .impute_method = -1, .normalised = merged};
    rc = dti_engine_run_override(sc->w, merged, NULL, &ov, &sc->r, err);
    if (!rc) {
        S_columns(sc);
        sc->owned_names = f.name; /* taken over from the frame */
        f.name = NULL;
        sc->code = (const char *const *)m->unit;
        sc->name = (const char *const *)sc->owned_names;
    }
    free(merged);
    free(col);
    dti_merger_frame_clear(&f);
    if (rc) {
        dti_score_free(sc);
        return rc;
    }
    *out = sc;
    return DTI_OK;
}
