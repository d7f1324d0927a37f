/* validate.c -- `dtirank validate`: recognise a file's kind from its top-level keys and load it with the
 * matching loader (the one every command uses), collecting every error the loader can report.  One
 * table of kinds: adding a file kind (e.g. the projection settings) is adding a loader and one row. */
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "dataset.h"
#include "internal.h"
#include "merger.h"
#include "project.h"
#include "tune.h"
#include "ynode.h"

typedef struct S_kind {
    const char *name;
    int (*detect)(const dti_ynode *root);
    int (*check)(const char *path, const dti_validate_options *o, dti_error *err, dti_error *warnings);
} S_kind;

static const dti_ynode *S_get(const dti_ynode *root, const char *key)
{
    return root && root->kind == DTI_Y_MAPPING ? dti_ynode_get(root, key) : NULL;
}

/* The first entry of a sequence under `key` has `inner`. */
static int S_list_of(const dti_ynode *root, const char *key, const char *inner)
{
    const dti_ynode *list = S_get(root, key);
    return list && list->kind == DTI_Y_SEQUENCE && list->n > 0 && list->items[0]->kind == DTI_Y_MAPPING &&
           dti_ynode_get(list->items[0], inner) != NULL;
}

static int S_needs_registry(const char *path, const dti_validate_options *o, dti_error *err)
{
    if (o->reg)
        return DTI_OK;
    return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "no province registry to check it against");
}

/* ---- the kinds ------------------------------------------------------------------------------------- */

static int S_is_framework(const dti_ynode *r) { return S_get(r, "nodes") != NULL; }
static int S_check_framework(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)o;
    (void)w;
    dti_framework *fw = NULL;
    int rc = dti_framework_load(path, &fw, err);
    dti_framework_free(fw);
    return rc;
}

static int S_is_year(const dti_ynode *r) { return S_get(r, "year") != NULL; }
static int S_check_year(const char *path, const dti_validate_options *o, dti_error *err, dti_error *warnings)
{
    int rc = S_needs_registry(path, o, err);
    if (rc)
        return rc;
    dti_year *yr = NULL;
    rc = dti_year_load(path, o->reg, o->models_dir, &yr, err);
    if (!rc)
        for (size_t i = 0; i < yr->warnings.n; i++) {
            const dti_error_entry *e = &yr->warnings.e[i];
            dti_error_set(warnings, e->code, e->path, e->line, e->column, "%s", e->message);
        }
    dti_year_free(yr);
    return rc;
}

static int S_is_registry(const dti_ynode *r) { return S_get(r, "provinces") && !S_get(r, "year"); }
static int S_check_registry(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)o;
    (void)w;
    dti_registry *reg = NULL;
    int rc = dti_registry_load(path, &reg, err);
    dti_registry_free(reg);
    return rc;
}

static int S_is_merger_map(const dti_ynode *r) { return S_list_of(r, "units", "old"); }
static int S_check_merger_map(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    int rc = S_needs_registry(path, o, err);
    dti_merger m;
    if (!rc && !(rc = dti_merger_load(path, o->reg, &m, err)))
        dti_merger_clear(&m);
    return rc;
}

/* A data table: `units:` entries with `unit:`; with `model: name` (or validate --model) checked against
 * that framework, else its structure only (every unit once, values that are numbers or labels). */
static int S_is_table(const dti_ynode *r) { return S_list_of(r, "units", "unit"); }

/* The cells of a unit's mapping v (maps index k: 1 denominators, >= 2 values): numbers or labels. */
static int S_table_cells(const dti_yctx *c, const dti_ynode *v, size_t k, const char *what)
{
    int rc = dti_y_expect(c, v, DTI_Y_MAPPING, what);
    for (size_t i = 0; i < v->n && !rc; i++) {
        const dti_ynode *x = v->items[i];
        double d;
        if (x->kind != DTI_Y_SCALAR)
            rc = dti_y_error(c, x, "'%s' must be a number or a label, not %s", v->keys[i]->text, dti_y_kind_name(x));
        else if (k == 1 && !dti_y_is_null(x)) /* denominators are numbers */
            rc = dti_y_number(c, x, v->keys[i]->text, &d);
        else if (k >= 2 && x->plain && !dti_y_is_null(x) && strchr("0123456789-+.", x->text[0]))
            rc = dti_y_number(c, x, v->keys[i]->text, &d); /* looks numeric: must be a number */
    }
    return rc;
}

static int S_table_structure(const char *path, dti_error *err)
{
    static const char *const top[] = {"name", "title", "source", "note", "model", "units", NULL};
    static const char *const keys[] = {"unit", "name", "groups", "denominators", "values", "previous", "years", NULL};
    static const char *const maps[] = {"groups", "denominators", "values", "previous"};
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *list = dti_ynode_get(root, "units");
    if ((rc = dti_y_check_keys(&c, root, top, "a data table")))
        goto done;
    for (size_t u = 0; u < list->n && !rc; u++) {
        const dti_ynode *m = list->items[u], *id, *v;
        if ((rc = dti_y_expect(&c, m, DTI_Y_MAPPING, "a unit")) || (rc = dti_y_check_keys(&c, m, keys, "a unit")) ||
            (rc = dti_y_require(&c, m, "unit", "a unit", &id)) || (rc = dti_y_expect(&c, id, DTI_Y_SCALAR, "unit")))
            break;
        for (size_t k = 0; k < u && !rc; k++) {
            const dti_ynode *other = dti_ynode_get(list->items[k], "unit");
            if (other && other->kind == DTI_Y_SCALAR && !strcmp(other->text, id->text))
                rc = dti_y_error(&c, id, "duplicate unit '%s' (first at line %zu)", id->text, list->items[k]->line);
        }
        for (size_t k = 0; k < 4 && !rc; k++)
            if ((v = dti_ynode_get(m, maps[k])))
                rc = S_table_cells(&c, v, k, maps[k]);
        if (!rc && (v = dti_ynode_get(m, "years")) && !(rc = dti_y_expect(&c, v, DTI_Y_MAPPING, "years")))
            for (size_t y = 0; y < v->n && !rc; y++) /* a multi-year table: {year: values} */
                rc = S_table_cells(&c, v->items[y], 2, "the values of a year");
    }
done:
    dti_ynode_free(root);
    return rc;
}

static int S_check_table(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    const dti_ynode *model = dti_ynode_get(root, "model");
    char *name = model && model->kind == DTI_Y_SCALAR && !strchr(model->text, '/') ? dti_strdup(model->text) : NULL;
    dti_ynode_free(root);
    dti_framework *own = NULL;
    const dti_framework *fw = o->model;
    if (!fw && name && o->models_dir) {
        size_t len = strlen(o->models_dir) + strlen(name) + 8;
        char *mpath = dti_xcalloc(len, 1);
        snprintf(mpath, len, "%s/%s.yaml", o->models_dir, name);
        rc = dti_framework_load(mpath, &own, err);
        free(mpath);
        fw = own;
    }
    free(name);
    if (!rc && fw) {
        dti_dataset *ds = NULL;
        rc = dti_dataset_load(path, fw, o->reg, o->models_dir, &ds, err);
        dti_dataset_free(ds);
    } else if (!rc) {
        rc = S_table_structure(path, err);
    }
    dti_framework_free(own);
    return rc;
}

static int S_is_targets(const dti_ynode *r) { return S_get(r, "targets") != NULL; }
static int S_check_targets(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    int rc = S_needs_registry(path, o, err);
    dti_target *t = NULL;
    size_t n;
    if (!rc)
        rc = dti_targets_load(path, o->reg, &t, &n, err);
    free(t);
    return rc;
}

static int S_is_merger_rule(const dti_ynode *r) { return S_get(r, "map") && S_get(r, "rule"); }
static int S_check_merger_rule(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)o;
    (void)w;
    dti_merger_rule rule;
    int rc = dti_merger_rule_load(path, &rule, err);
    if (!rc)
        dti_merger_rule_clear(&rule);
    return rc;
}

static int S_is_uncertainty(const dti_ynode *r) { return S_get(r, "inputs") != NULL; }
static int S_check_uncertainty(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    dti_uncertainty *u = NULL;
    int rc = dti_uncertainty_load(path, &u, err);
    if (!rc && o->model) /* and what must fit the model */
        rc = dti_tune_sens_check(o->model, u, err);
    dti_uncertainty_free(u);
    return rc;
}

static int S_is_costs(const dti_ynode *r) { return S_get(r, "costs") != NULL; }
static int S_check_costs(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    dti_costs *c = NULL;
    int rc = dti_costs_load(path, &c, err);
    if (!rc && o->model) {
        double *cost = dti_xcalloc(o->model->n_nodes + 1, sizeof *cost);
        rc = dti_costs_apply(c, o->model, cost, err);
        free(cost);
    }
    dti_costs_free(c);
    return rc;
}

static int S_is_projection(const dti_ynode *r)
{
    return S_get(r, "candidates") || S_get(r, "sampler") || S_get(r, "edition_change") || S_get(r, "units_from");
}
static int S_check_projection(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)o;
    (void)w;
    dti_projection_config c;
    return dti_projection_config_load(path, &c, err);
}

/* `dtirank backtest --format json` (models/backtest.json) */
static int S_is_backtest(const dti_ynode *r)
{
    const dti_ynode *c = S_get(r, "command");
    return c && c->kind == DTI_Y_SCALAR && !strcmp(c->text, "backtest");
}
static int S_check_backtest(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)o;
    (void)w;
    dti_backtest_cache bc;
    int rc = dti_backtest_cache_load(path, &bc, err);
    if (!rc)
        dti_backtest_cache_clear(&bc);
    return rc;
}

static int S_is_aliases(const dti_ynode *r) { return S_get(r, "aliases") != NULL; }
static int S_check_aliases(const char *path, const dti_validate_options *o, dti_error *err, dti_error *w)
{
    (void)w;
    int rc = S_needs_registry(path, o, err);
    if (rc)
        return rc;
    dti_registry *plain = NULL; /* the registry without the aliases it may carry already */
    if (!(rc = dti_registry_load(o->reg->path, &plain, err)))
        rc = dti_registry_load_aliases(plain, path, err);
    dti_registry_free(plain);
    return rc;
}

/* Most specific first: a year record has `provinces:` like a registry; a merger map and a data table
 * both have `units:`. */
static const S_kind S_kinds[] = {
    {"framework", S_is_framework, S_check_framework},
    {"year record", S_is_year, S_check_year},
    {"province registry", S_is_registry, S_check_registry},
    {"merger map", S_is_merger_map, S_check_merger_map},
    {"projection settings", S_is_projection, S_check_projection},
    {"data table", S_is_table, S_check_table},
    {"targets", S_is_targets, S_check_targets},
    {"merger rule", S_is_merger_rule, S_check_merger_rule},
    {"uncertainty", S_is_uncertainty, S_check_uncertainty},
    {"goal costs", S_is_costs, S_check_costs},
    {"aliases", S_is_aliases, S_check_aliases},
    {"backtest", S_is_backtest, S_check_backtest},
};

int dti_validate_file(const char *path, const dti_validate_options *o, dti_error *err, dti_error *warnings,
                      const char **kind)
{
    dti_ynode *root = NULL;
    *kind = "file";
    if (dti_csv_sniff(path)) { /* a CSV data table (docs/methods.md): the framework gives its columns meaning */
        *kind = "data table (CSV)";
        if (!o->model)
            return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "a CSV table names no framework: give it (--model)");
        dti_dataset *ds = NULL;
        int rc = dti_dataset_load_csv(path, o->model, o->reg, o->csv, &ds, err);
        dti_dataset_free(ds);
        return rc;
    }
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    const S_kind *k = NULL;
    for (size_t i = 0; i < sizeof S_kinds / sizeof *S_kinds && !k; i++)
        if (S_kinds[i].detect(root))
            k = &S_kinds[i];
    dti_ynode_free(root);
    if (!k)
        return dti_error_set(err, DTI_ERR_INPUT, path, 1, 1,
                             "not a dtirank file: expected a framework (nodes:), a year record (year:), a province "
                             "registry (provinces:), a data table or merger map (units:), targets (targets:), a merger "
                             "rule (map:, rule:), uncertain inputs (inputs:), goal costs (costs:), aliases (aliases:), "
                             "projection settings (sampler:, candidates:) or a backtest (\"command\": \"backtest\")");
    *kind = k->name;
    return k->check(path, o, err, warnings);
}
