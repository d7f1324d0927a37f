/* backtest_cache.c -- a backtest kept as `dtirank backtest --format json` wrote it (models/backtest.json,
 * made by `make backtest`): the loader (the I/O layer; JSON is read by yaml_io.c, libyaml reads
 * the flow style the JSON writer produces) and the check of the file against the projection settings
 * and the record it should describe.  `dtirank report` shows it instead of running a backtest, which
 * takes minutes.  Every error at the file's line and column. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "project.h"
#include "ynode.h"

/* A metadata text that must be there. */
static int S_meta_text(const dti_yctx *c, const dti_ynode *meta, const char *key, char **out)
{
    const dti_ynode *v;
    int rc = dti_y_require(c, meta, key, "the backtest's metadata", &v);
    return rc ? rc : dti_y_string(c, v, key, out);
}

static int S_meta_int(const dti_yctx *c, const dti_ynode *meta, const char *key, long lo, long hi, long *out)
{
    const dti_ynode *v;
    int rc = dti_y_require(c, meta, key, "the backtest's metadata", &v);
    return rc ? rc : dti_y_integer(c, v, key, lo, hi, out);
}

/* "persistence, trend, ..." -> model codes. */
static int S_models(const dti_yctx *c, const dti_ynode *at, const char *list, dti_backtest_cache *bc)
{
    char *copy = dti_strdup(list), *save = NULL;
    int rc = DTI_OK;
    for (char *tok = strtok_r(copy, ", ", &save); tok && !rc; tok = strtok_r(NULL, ", ", &save)) {
        int m;
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_project_model_parse(tok, &m, &tmp))
            rc = dti_y_error(c, at, "%s", tmp.e[0].message);
        else if (bc->n_models == DTI_MODEL_COUNT)
            rc = dti_y_error(c, at, "more than %d models", DTI_MODEL_COUNT);
        else
            bc->models[bc->n_models++] = m;
    }
    free(copy);
    if (!rc && !bc->n_models)
        rc = dti_y_error(c, at, "no model in 'models'");
    return rc;
}

/* "2021, 2022, 2023" -> years. */
static int S_origins(const dti_yctx *c, const dti_ynode *at, const char *list, dti_backtest_cache *bc)
{
    const char *p = list;
    while (*p) {
        char *end;
        long y = strtol(p, &end, 10);
        if (end == p || y < DTI_YEAR_MIN || y > DTI_YEAR_MAX || bc->n_origins == DTI_PROJECT_MAX_YEARS)
            return dti_y_error(c, at, "'origins' must list years such as \"2021, 2022\"");
        bc->origins[bc->n_origins++] = (int)y;
        p = end + strspn(end, ", ");
    }
    return bc->n_origins ? DTI_OK : dti_y_error(c, at, "'origins' lists no year");
}

/* A number of a row (required). */
static int S_num(const dti_yctx *c, const dti_ynode *row, const char *key, double *out)
{
    const dti_ynode *v;
    int rc = dti_y_require(c, row, key, "a row of the scores", &v);
    return rc ? rc : dti_y_number(c, v, key, out);
}

/* A pooled row (every origin and target) of the scores table. */
static int S_row(const dti_yctx *c, const dti_ynode *row, dti_backtest_cache *bc)
{
    const dti_ynode *v;
    char *s = NULL;
    int rc;
    if ((rc = dti_y_expect(c, row, DTI_Y_MAPPING, "a row of the scores")))
        return rc;
    const dti_ynode *origin = dti_ynode_get(row, "origin"), *target = dti_ynode_get(row, "target");
    if (!origin || !target || !dti_y_is_null(origin) || !dti_y_is_null(target))
        return DTI_OK; /* one origin or one target year: the report shows the pooled rows only */
    if (bc->n_rows == 2 * DTI_MODEL_COUNT)
        return dti_y_error(c, row, "more than %d pooled rows", 2 * DTI_MODEL_COUNT);
    dti_backtest_row *r = &bc->rows[bc->n_rows];
    memset(r, 0, sizeof *r);
    if ((rc = dti_y_require(c, row, "model", "a row of the scores", &v)) || (rc = dti_y_string(c, v, "model", &s)))
        return rc;
    dti_error tmp;
    dti_error_init(&tmp);
    if (dti_project_model_parse(s, &r->model, &tmp))
        rc = dti_y_error(c, v, "%s", tmp.e[0].message);
    free(s);
    s = NULL;
    if (rc || (rc = dti_y_require(c, row, "frame", "a row of the scores", &v)) || (rc = dti_y_string(c, v, "frame", &s)))
        return rc;
    r->frame = !strcmp(s, "units") ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
    if (strcmp(s, "units") && strcmp(s, "provinces"))
        rc = dti_y_error(c, v, "'frame' must be provinces or units, not '%s'", s);
    free(s);
    s = NULL;
    long n;
    if (rc || (rc = dti_y_require(c, row, "n", "a row of the scores", &v)) ||
        (rc = dti_y_integer(c, v, "n", 1, 100000000, &n)))
        return rc;
    r->n = (size_t)n;
    if ((rc = S_num(c, row, "log", &r->log)) || (rc = S_num(c, row, "log_se", &r->log_se)) ||
        (rc = S_num(c, row, "in80", &r->in80)) || (rc = S_num(c, row, "in50", &r->in50)) ||
        (rc = S_num(c, row, "crps", &r->crps)) || (rc = S_num(c, row, "mae", &r->mae)))
        return rc;
    if ((rc = dti_y_require(c, row, "pit_histogram", "a row of the scores", &v)) ||
        (rc = dti_y_string(c, v, "pit_histogram", &s)))
        return rc;
    const char *p = s;
    for (int b = 0; b < DTI_BT_PIT_BINS && !rc; b++) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || !(x >= 0))
            rc = dti_y_error(c, v, "'pit_histogram' must hold %d counts", DTI_BT_PIT_BINS);
        r->pit[b] = x;
        p = end;
    }
    if (!rc && p[strspn(p, " ")])
        rc = dti_y_error(c, v, "'pit_histogram' must hold %d counts", DTI_BT_PIT_BINS);
    free(s);
    if (!rc)
        bc->n_rows++;
    return rc;
}

static int S_load(const dti_yctx *c, const dti_ynode *root, dti_backtest_cache *bc)
{
    const dti_ynode *v, *meta, *tables;
    char *s = NULL;
    int rc;
    if ((rc = dti_y_expect(c, root, DTI_Y_MAPPING, "a backtest")) ||
        (rc = dti_y_require(c, root, "command", "a backtest", &v)) || (rc = dti_y_string(c, v, "command", &s)))
        return rc;
    if (strcmp(s, "backtest"))
        rc = dti_y_error(c, v, "the output of 'dtirank %s', not of 'dtirank backtest'", s);
    free(s);
    if (rc || (rc = dti_y_require(c, root, "version", "a backtest", &v)) ||
        (rc = dti_y_string(c, v, "version", &bc->version)) ||
        (rc = dti_y_require(c, root, "metadata", "a backtest", &meta)) ||
        (rc = dti_y_expect(c, meta, DTI_Y_MAPPING, "the backtest's metadata")))
        return rc;
    long x;
    char *models = NULL, *origins = NULL;
    if ((rc = S_meta_text(c, meta, "models", &models)) ||
        (rc = S_models(c, dti_ynode_get(meta, "models"), models, bc)) ||
        (rc = S_meta_text(c, meta, "origins", &origins)) ||
        (rc = S_origins(c, dti_ynode_get(meta, "origins"), origins, bc)) ||
        (rc = S_meta_int(c, meta, "record_to", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
        goto done;
    bc->record_to = (int)x;
    if ((rc = S_meta_int(c, meta, "runs", 1, 100000000, &x)))
        goto done;
    bc->runs = (size_t)x;
    if ((rc = S_meta_int(c, meta, "seed", 0, 4294967295L, &x)))
        goto done;
    bc->seed = (unsigned long)x;
    /* optional: what a backtest of an older dtirank did not say */
    if ((v = dti_ynode_get(meta, "sampler")) && !dti_y_is_null(v) && (rc = dti_y_string(c, v, "sampler", &bc->sampler)))
        goto done;
    if ((v = dti_ynode_get(meta, "made")) && !dti_y_is_null(v) && (rc = dti_y_string(c, v, "made", &bc->made)))
        goto done;
    if ((v = dti_ynode_get(meta, "chosen")) && !dti_y_is_null(v) && (rc = dti_y_string(c, v, "chosen", &bc->chosen)))
        goto done;
    if ((rc = dti_y_require(c, root, "tables", "a backtest", &tables)) ||
        (rc = dti_y_expect(c, tables, DTI_Y_SEQUENCE, "the backtest's tables")))
        goto done;
    const dti_ynode *scores = NULL;
    for (size_t k = 0; k < tables->n && !scores; k++) {
        const dti_ynode *t = tables->items[k], *name = t->kind == DTI_Y_MAPPING ? dti_ynode_get(t, "name") : NULL;
        if (name && name->kind == DTI_Y_SCALAR && !strcmp(name->text, "scores"))
            scores = t;
    }
    if (!scores) {
        rc = dti_y_error(c, tables, "no table 'scores' (the file of 'dtirank backtest --format json' has one)");
        goto done;
    }
    const dti_ynode *rows;
    if ((rc = dti_y_require(c, scores, "rows", "the table 'scores'", &rows)) ||
        (rc = dti_y_expect(c, rows, DTI_Y_SEQUENCE, "the rows of 'scores'")))
        goto done;
    for (size_t k = 0; k < rows->n && !rc; k++)
        rc = S_row(c, rows->items[k], bc);
    /* every model named has its pooled row among the provinces */
    for (size_t m = 0; m < bc->n_models && !rc; m++)
        if (!dti_backtest_cache_row(bc, bc->models[m], DTI_FRAME_PROVINCES))
            rc = dti_y_error(c, rows, "no pooled row (origin and target null) of the model %s among the provinces",
                             dti_project_model_name(bc->models[m]));
done:
    free(models);
    free(origins);
    return rc;
}

int dti_backtest_cache_load(const char *path, dti_backtest_cache *bc, dti_error *err)
{
    memset(bc, 0, sizeof *bc);
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    bc->path = dti_strdup(path);
    if ((rc = S_load(&c, root, bc)))
        dti_backtest_cache_clear(bc);
    dti_ynode_free(root);
    return rc;
}

void dti_backtest_cache_clear(dti_backtest_cache *bc)
{
    free(bc->path);
    free(bc->version);
    free(bc->sampler);
    free(bc->made);
    free(bc->chosen);
    memset(bc, 0, sizeof *bc);
}

const dti_backtest_row *dti_backtest_cache_row(const dti_backtest_cache *bc, int model, int frame)
{
    for (size_t k = 0; k < bc->n_rows; k++)
        if (bc->rows[k].model == model && bc->rows[k].frame == frame)
            return &bc->rows[k];
    return NULL;
}

int dti_backtest_cache_check(const dti_backtest_cache *bc, const dti_projection_config *cfg, int record_to, char *why,
                             size_t size)
{
    why[0] = '\0';
    int same = bc->n_models == cfg->n_candidates;
    for (size_t k = 0; same && k < bc->n_models; k++)
        same = bc->models[k] == cfg->candidates[k];
    if (!same) {
        size_t o = (size_t)snprintf(why, size, "its models are");
        for (size_t k = 0; k < bc->n_models && o < size; k++)
            o += (size_t)snprintf(why + o, size - o, "%s %s", k ? "," : "", dti_project_model_name(bc->models[k]));
        for (size_t k = 0; k < cfg->n_candidates && o < size; k++)
            o += (size_t)snprintf(why + o, size - o, "%s %s", k ? "," : "; the candidates now:",
                                  dti_project_model_name(cfg->candidates[k]));
        return 0;
    }
    same = bc->n_origins == cfg->n_origins;
    for (size_t k = 0; same && k < bc->n_origins; k++)
        same = bc->origins[k] == cfg->origins[k];
    if (!same) {
        snprintf(why, size, "its origins differ from the settings' backtest origins");
        return 0;
    }
    if (bc->record_to != record_to) {
        snprintf(why, size, "it scored the record to %d; the record now reaches %d", bc->record_to, record_to);
        return 0;
    }
    return 1;
}
