/* dataset.c -- data tables for the engine: the generic units x indicators file (data/asem.yaml), with
 * group labels and denominators, and the adapter from a DTI year record; CSV tables are read by
 * dataset_csv.c, chosen here by dti_csv_sniff.  Sits between the YAML tree (ynode.c) and the engine;
 * every semantic error is reported at the node's own position.
 *
 *   units:
 *     - unit: AUS
 *       name: Australia
 *       groups: {EurAsia_group: Asia}
 *       denominators: {GDP: 1339.5}
 *       values: {lpi: 3.75, flights: ~}     # missing = key absent or ~
 *       previous: {lpi: 3.70}                # last year's values, for impute: previous
 *
 * or, for a multi-year table (docs/methods.md §2a), in place of values: and previous:
 *       years: {2022: {lpi: 3.70}, 2023: {lpi: 3.75}}
 *
 * A categorical indicator (`categories:` in the model) takes a label of its table, plain or quoted
 * (`egov: partial`), and the table's points become its value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "csv_read.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"name", "title", "source", "note", "model", "units", NULL};
static const char *const S_unit_keys[] = {"unit", "name", "groups", "denominators", "values", "previous", "years",
                                          NULL};

void dti_dataset_free(dti_dataset *ds)
{
    if (!ds)
        return;
    for (size_t u = 0; u < ds->n_units; u++) {
        free(ds->unit[u]);
        free(ds->name[u]);
    }
    for (size_t g = 0; g < ds->n_group_cols; g++) {
        free(ds->group_col[g]);
        for (size_t u = 0; u < ds->n_units; u++)
            free(ds->group_text[g * ds->n_units + u]);
    }
    free(ds->unit);
    free(ds->name);
    free(ds->values);
    free(ds->previous);
    free(ds->denominators);
    free(ds->group_col);
    free(ds->group_text);
    free(ds->line);
    free(ds->reg_index);
    free(ds->published);
    free(ds->published_rank);
    free(ds->years);
    free(ds->panel);
    free(ds->block);
    free(ds->derived);
    free(ds->path);
    free(ds);
}

dti_dataset *dti_dataset_new(const char *path, const dti_framework *fw, size_t n_units, size_t n_groups)
{
    dti_dataset *ds = dti_xcalloc(1, sizeof *ds);
    size_t *ind = dti_xcalloc(fw->n_nodes, sizeof *ind);
    ds->path = dti_strdup(path);
    ds->n_units = n_units;
    ds->n_indicators = dti_engine_indicators(fw, ind);
    free(ind);
    ds->unit = dti_xcalloc(n_units, sizeof *ds->unit);
    ds->name = dti_xcalloc(n_units, sizeof *ds->name);
    ds->line = dti_xcalloc(n_units, sizeof *ds->line);
    ds->values = dti_xcalloc(n_units * ds->n_indicators, sizeof *ds->values);
    ds->previous = dti_xcalloc(n_units * ds->n_indicators, sizeof *ds->previous);
    for (size_t k = 0; k < n_units * ds->n_indicators; k++)
        ds->values[k] = ds->previous[k] = NAN;
    ds->n_denominators = fw->n_denominators;
    ds->denominators = dti_xcalloc(n_units * fw->n_denominators, sizeof *ds->denominators);
    for (size_t k = 0; k < n_units * fw->n_denominators; k++)
        ds->denominators[k] = NAN;
    ds->group_col = dti_xcalloc(n_groups, sizeof *ds->group_col);
    ds->group_text = dti_xcalloc(n_groups * n_units, sizeof *ds->group_text);
    ds->impute_years = -1;
    return ds;
}

int dti_dataset_set_year(dti_dataset *ds, int want, dti_error *err)
{
    size_t nt = ds->n_years, cells = ds->n_units * ds->n_indicators, t = 0;
    while (t < nt && ds->years[t] != (want ? want : ds->years[nt - 1]))
        t++;
    size_t tp = t < nt && t > 0 && ds->years[t - 1] == ds->years[t] - 1 ? t - 1 : nt; /* the year before */
    if (t == nt) {
        char list[256] = "";
        for (size_t k = 0; k < nt; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", k ? ", " : "", ds->years[k]);
        return dti_error_set(err, DTI_ERR_USAGE, ds->path, 0, 0, "no data of %d in this table (its years: %s)", want,
                             list);
    }
    ds->year = ds->years[t];
    memcpy(ds->values, ds->panel + t * cells, cells * sizeof *ds->values);
    ds->has_previous = 0;
    for (size_t k = 0; k < cells; k++) {
        ds->previous[k] = tp < nt ? ds->panel[tp * cells + k] : NAN;
        ds->has_previous |= !isnan(ds->previous[k]);
    }
    return DTI_OK;
}

int dti_dataset_multiyear(const dti_dataset *ds)
{
    return ds->n_years > 2 || (ds->n_years && ds->year != ds->years[ds->n_years - 1]) || ds->impute_years >= 0;
}

size_t dti_dataset_column(const dti_framework *fw, const char *id, size_t *node)
{
    *node = dti_framework_node_find(fw, id);
    if (*node == DTI_NONE)
        return DTI_NONE;
    size_t j = 0;
    for (size_t i = 0; i < fw->n_nodes; i++) {
        int ind = fw->nodes[i].role == DTI_NODE_INDICATOR && fw->nodes[i].parent != DTI_NONE;
        if (i == *node)
            return ind ? j : DTI_NONE;
        j += ind != 0;
    }
    return DTI_NONE;
}

/* A label of categorical indicator `nd` -> its points; unknown labels are errors listing the table. */
static int S_category(const dti_yctx *c, const dti_ynode *v, const dti_node *nd, double *out)
{
    if (v->kind != DTI_Y_SCALAR)
        return dti_y_error(c, v, "'%s' is categorical: its value must be a label, not %s", nd->id, dti_y_kind_name(v));
    double p = dti_category_points(&nd->categories, v->text);
    if (!isnan(p)) {
        *out = p;
        return DTI_OK;
    }
    char list[256] = "";
    for (size_t k = 0; k < nd->categories.n; k++) {
        strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, nd->categories.label[k], sizeof list - strlen(list) - 1);
    }
    return dti_y_error(c, v, "unknown category '%s' of '%s' (one of: %s)", v->text, nd->id, list);
}

/* `values:` or `previous:` (what) of unit u into dst[u * n_indicators + j]. */
static int S_load_values(const dti_yctx *c, const dti_ynode *m, const dti_framework *fw, dti_dataset *ds, size_t u,
                         double *dst, const char *what)
{
    int rc;
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, what)))
        return rc;
    for (size_t k = 0; k < m->n; k++) {
        const char *id = m->keys[k]->text;
        size_t node, j = dti_dataset_column(fw, id, &node);
        if (node == DTI_NONE)
            return dti_y_error(c, m->keys[k], "unknown indicator '%s' (model %s has no node '%s')", id, fw->name, id);
        if (j == DTI_NONE)
            return dti_y_error(c, m->keys[k], "'%s' is not an indicator of model %s (its value is computed)", id,
                               fw->name);
        if (dti_y_is_null(m->items[k]))
            continue;
        double *cell = &dst[u * ds->n_indicators + j];
        if (fw->nodes[node].categories.n ? (rc = S_category(c, m->items[k], &fw->nodes[node], cell))
                                         : (rc = dti_y_number(c, m->items[k], id, cell)))
            return rc;
    }
    return DTI_OK;
}

static int S_load_denominators(const dti_yctx *c, const dti_ynode *m, const dti_framework *fw, dti_dataset *ds,
                               size_t u)
{
    int rc;
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "denominators")))
        return rc;
    for (size_t k = 0; k < m->n; k++) {
        const char *name = m->keys[k]->text;
        size_t d = 0;
        while (d < fw->n_denominators && strcmp(fw->denominators[d], name) != 0)
            d++;
        if (d == fw->n_denominators)
            return dti_y_error(c, m->keys[k], "unknown denominator '%s' (no indicator of model %s is divided by it)",
                               name, fw->name);
        if (dti_y_is_null(m->items[k]))
            continue;
        if ((rc = dti_y_number(c, m->items[k], name, &ds->denominators[u * ds->n_denominators + d])))
            return rc;
    }
    return DTI_OK;
}

static int S_load_groups(const dti_yctx *c, const dti_ynode *m, dti_dataset *ds, size_t u, size_t max_cols)
{
    int rc;
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "groups")))
        return rc;
    for (size_t k = 0; k < m->n; k++) {
        const char *col = m->keys[k]->text;
        size_t g = 0;
        while (g < ds->n_group_cols && strcmp(ds->group_col[g], col) != 0)
            g++;
        if (g == ds->n_group_cols) {
            if (g == max_cols) /* cannot happen: max_cols counts every key of the file */
                return dti_y_error(c, m->keys[k], "too many group columns");
            ds->group_col[ds->n_group_cols++] = dti_strdup(col);
        }
        const dti_ynode *v = m->items[k];
        if (dti_y_is_null(v))
            continue;
        if (v->kind != DTI_Y_SCALAR)
            return dti_y_error(c, v, "group '%s' must be a label, not %s", col, dti_y_kind_name(v));
        ds->group_text[g * ds->n_units + u] = dti_strdup(v->text);
    }
    return DTI_OK;
}

/* The key node `name` of mapping m, or NULL. */
static const dti_ynode *S_key(const dti_ynode *m, const char *name)
{
    for (size_t k = 0; k < m->n; k++)
        if (m->keys[k]->kind == DTI_Y_SCALAR && !strcmp(m->keys[k]->text, name))
            return m->keys[k];
    return NULL;
}

static int S_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* A key of `years:` as a year. */
static int S_year_key(const dti_yctx *c, const dti_ynode *k, int *year)
{
    long v;
    int rc = dti_y_integer(c, k, "year", DTI_YEAR_MIN, DTI_YEAR_MAX, &v);
    if (!rc)
        *year = (int)v;
    return rc;
}

/* The years of the units' `years:` mappings, ascending and distinct, into ds (nothing when no unit
 * has one); a unit with `years:` and `values:` or `previous:`, or a table mixing the two forms, is an
 * error at the second form's key. */
static int S_panel_years(const dti_yctx *c, const dti_ynode *list, dti_dataset *ds)
{
    size_t cap = 0, n = 0;
    const dti_ynode *first_years = NULL, *first_values = NULL, *v;
    for (size_t u = 0; u < list->n; u++) {
        const dti_ynode *m = list->items[u];
        if (m->kind != DTI_Y_MAPPING)
            continue; /* reported by the unit's own check */
        if ((v = dti_ynode_get(m, "years"))) {
            int rc = dti_y_expect(c, v, DTI_Y_MAPPING, "years");
            if (rc)
                return rc;
            first_years = first_years ? first_years : S_key(m, "years");
            cap += v->n;
        }
        const dti_ynode *vk = S_key(m, "values") ? S_key(m, "values") : S_key(m, "previous");
        if (vk && !first_values)
            first_values = vk;
        if (v && vk)
            return dti_y_error(c, vk, "a unit with years: gives its values by year, not with %s:", vk->text);
    }
    if (!first_years)
        return DTI_OK;
    if (first_values)
        return dti_y_error(c, first_values->line > first_years->line ? first_values : first_years,
                           "a table gives every unit's values by year (years:) or none (values:), not both");
    ds->years = dti_xcalloc(cap, sizeof *ds->years);
    for (size_t u = 0; u < list->n; u++) {
        if (list->items[u]->kind != DTI_Y_MAPPING || !(v = dti_ynode_get(list->items[u], "years")))
            continue;
        for (size_t k = 0; k < v->n; k++) {
            int y, rc = S_year_key(c, v->keys[k], &y);
            if (rc)
                return rc;
            ds->years[n++] = y;
        }
    }
    qsort(ds->years, n, sizeof *ds->years, S_cmp_int);
    size_t d = 0;
    for (size_t k = 0; k < n; k++)
        if (!d || ds->years[d - 1] != ds->years[k])
            ds->years[d++] = ds->years[k];
    ds->n_years = d;
    size_t cells = d * ds->n_units * ds->n_indicators;
    ds->panel = dti_xcalloc(cells ? cells : 1, sizeof *ds->panel);
    for (size_t k = 0; k < cells; k++)
        ds->panel[k] = NAN;
    return DTI_OK;
}

/* Unit u's `years:` into the panel. */
static int S_load_years(const dti_yctx *c, const dti_ynode *m, const dti_framework *fw, dti_dataset *ds, size_t u)
{
    for (size_t k = 0; k < m->n; k++) {
        int y, rc = S_year_key(c, m->keys[k], &y);
        if (rc)
            return rc;
        size_t t = 0;
        while (ds->years[t] != y)
            t++;
        if ((rc = S_load_values(c, m->items[k], fw, ds, u, ds->panel + t * ds->n_units * ds->n_indicators,
                                "the values of a year")))
            return rc;
    }
    return DTI_OK;
}

static int S_load_table(const char *path, const dti_ynode *root, const dti_framework *fw, int want_year,
                        dti_dataset **out, dti_error *err)
{
    dti_yctx c = {path, err};
    const dti_ynode *list, *v;
    int rc;
    if ((rc = dti_y_check_keys(&c, root, S_top_keys, "a data table")) ||
        (rc = dti_y_require(&c, root, "units", "a data table", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "units")))
        return rc;
    if (!list->n)
        return dti_y_error(&c, list, "a data table needs at least one unit");
    size_t max_cols = 0;
    for (size_t u = 0; u < list->n; u++)
        if ((v = dti_ynode_get(list->items[u], "groups")) && v->kind == DTI_Y_MAPPING)
            max_cols += v->n;
    dti_dataset *ds = dti_dataset_new(path, fw, list->n, max_cols);
    dti_strmap seen; /* unit code -> first row: duplicates in O(n) */
    dti_strmap_init(&seen, list->n);
    rc = S_panel_years(&c, list, ds);
    for (size_t u = 0; u < list->n && !rc; u++) {
        const dti_ynode *m = list->items[u], *id;
        if ((rc = dti_y_expect(&c, m, DTI_Y_MAPPING, "a unit")) ||
            (rc = dti_y_check_keys(&c, m, S_unit_keys, "a unit")) ||
            (rc = dti_y_require(&c, m, "unit", "a unit", &id)) || (rc = dti_y_string(&c, id, "unit", &ds->unit[u])))
            break;
        ds->line[u] = m->line;
        size_t first = dti_strmap_put(&seen, ds->unit[u], u);
        if (first != DTI_NONE) {
            rc = dti_y_error(&c, id, "duplicate unit '%s' (first at line %zu)", ds->unit[u], ds->line[first]);
            break;
        }
        if ((v = dti_ynode_get(m, "name")) && (rc = dti_y_string(&c, v, "name", &ds->name[u])))
            break;
        if (!ds->name[u])
            ds->name[u] = dti_strdup(ds->unit[u]);
        if ((v = dti_ynode_get(m, "groups")) && (rc = S_load_groups(&c, v, ds, u, max_cols)))
            break;
        if ((v = dti_ynode_get(m, "denominators")) && (rc = S_load_denominators(&c, v, fw, ds, u)))
            break;
        if ((v = dti_ynode_get(m, "values")) && (rc = S_load_values(&c, v, fw, ds, u, ds->values, "values")))
            break;
        if ((v = dti_ynode_get(m, "previous"))) {
            ds->has_previous = 1;
            if ((rc = S_load_values(&c, v, fw, ds, u, ds->previous, "previous")))
                break;
        }
        if ((v = dti_ynode_get(m, "years")) && (rc = S_load_years(&c, v, fw, ds, u)))
            break;
    }
    dti_strmap_clear(&seen);
    if (!rc && ds->n_years)
        rc = dti_dataset_set_year(ds, want_year, err);
    else if (!rc && want_year)
        rc = dti_error_set(err, DTI_ERR_USAGE, path, 0, 0,
                           "--table-year: this table is of one year (a multi-year table gives its units' years:)");
    if (rc) {
        dti_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return DTI_OK;
}

int dti_dataset_from_year(const dti_year *yr, const dti_framework *fw, dti_dataset **out, dti_error *err)
{
    *out = NULL;
    const dti_registry *reg = yr->reg;
    int rc = DTI_OK;
    dti_dataset *ds = dti_dataset_new(yr->path, fw, yr->n, 0);
    size_t *ind = dti_xcalloc(fw->n_nodes, sizeof *ind);
    dti_engine_indicators(fw, ind);
    int *derived = NULL;
    double *bv = NULL;
    if (dti_framework_has_blocks(fw)) {
        ds->block = dti_xcalloc(ds->n_indicators, sizeof *ds->block);
        ds->derived = dti_xcalloc(yr->n * ds->n_indicators + 1, sizeof *ds->derived);
        derived = dti_xcalloc(yr->n + 1, sizeof *derived);
        bv = dti_xcalloc(yr->n + 1, sizeof *bv);
    }
    for (size_t j = 0; j < ds->n_indicators && !rc; j++) {
        const dti_block *b = fw->nodes[ind[j]].block;
        if (b) { /* recovered by its rule (or given, when the record's own model has the block) */
            if (!(rc = dti_block_recover_year(fw, b, yr, bv, derived, &ds->block[j], err)))
                for (size_t u = 0; u < yr->n; u++) {
                    ds->values[u * ds->n_indicators + j] = bv[u];
                    ds->derived[u * ds->n_indicators + j] = derived[u];
                }
            continue;
        }
        size_t node = dti_framework_node_find(yr->fw, fw->nodes[ind[j]].id);
        if (node == DTI_NONE) {
            rc = dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0, "model %s of this record has no node '%s' (model %s)",
                               yr->fw->name, fw->nodes[ind[j]].id, fw->name);
            break;
        }
        for (size_t u = 0; u < yr->n; u++) {
            const dti_fact *f = &yr->value[u * yr->fw->n_nodes + node];
            if (f->known)
                ds->values[u * ds->n_indicators + j] = f->value;
        }
    }
    for (size_t u = 0; u < yr->n; u++) {
        ds->unit[u] = dti_strdup(reg->p[yr->prov[u]].code);
        ds->name[u] = dti_strdup(reg->p[yr->prov[u]].name);
    }
    if (!rc && fw->n_denominators)
        rc = dti_error_set(err, DTI_ERR_INPUT, yr->path, 0, 0,
                           "a year record has no denominators (model %s divides by '%s')", fw->name,
                           fw->denominators[0]);
    free(bv);
    free(derived);
    free(ind);
    if (rc) {
        dti_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return DTI_OK;
}

/* A year record: loaded with the registry, its provinces become the units. */
static int S_from_year(const char *path, const dti_framework *fw, const dti_registry *reg, const char *models_dir,
                       dti_dataset **out, dti_error *err)
{
    dti_year *yr = NULL;
    if (!reg)
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "a year record needs the province registry");
    int rc = dti_year_load(path, reg, models_dir, &yr, err);
    if (!rc)
        rc = dti_dataset_from_year(yr, fw, out, err);
    dti_year_free(yr);
    return rc;
}

int dti_dataset_load(const char *path, const dti_framework *fw, const dti_registry *reg, const char *models_dir,
                     dti_dataset **out, dti_error *err)
{
    return dti_dataset_load_with(path, fw, reg, models_dir, NULL, out, err);
}

int dti_dataset_load_with(const char *path, const dti_framework *fw, const dti_registry *reg, const char *models_dir,
                          const dti_data_options *opt, dti_dataset **out, dti_error *err)
{
    *out = NULL;
    if (dti_csv_sniff(path)) {
        int rc = dti_dataset_load_csv(path, fw, reg, opt, out, err);
        if (!rc && opt && opt->year && (*out)->year != opt->year) { /* a wide table (a long one has checked) */
            dti_dataset_free(*out);
            *out = NULL;
            rc = dti_error_set(err, DTI_ERR_USAGE, path, 0, 0,
                               "--table-year: this table is of one year (a multi-year CSV table is long, with a "
                               "year column)");
        } else if (!rc && (rc = dti_block_recover_table(fw, *out, err))) { /* blocks from the published index */
            dti_dataset_free(*out);
            *out = NULL;
        }
        return rc;
    }
    if (opt && (opt->delimiter || opt->decimal_comma))
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0,
                             "--delimiter and --decimal-comma are for CSV tables, and this file is YAML");
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a data table"))) {
        dti_ynode_free(root);
        return rc;
    }
    int year_record = dti_ynode_get(root, "provinces") != NULL; /* a year record also has units: N */
    if (!year_record)
        rc = S_load_table(path, root, fw, opt ? opt->year : 0, out, err);
    dti_ynode_free(root);
    if (year_record && opt && opt->year)
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0,
                             "--table-year is for multi-year data tables; a year record is one year (use --year)");
    if (year_record)
        rc = S_from_year(path, fw, reg, models_dir, out, err);
    return rc;
}

int dti_dataset_groups(const dti_dataset *ds, const char *name, size_t *labels, size_t *n_groups, const char **texts,
                       dti_error *err)
{
    size_t g = 0;
    while (g < ds->n_group_cols && strcmp(ds->group_col[g], name) != 0)
        g++;
    if (g == ds->n_group_cols)
        return dti_error_set(err, DTI_ERR_INPUT, ds->path, 0, 0, "no unit has a group '%s'", name);
    const char *const *col = (const char *const *)ds->group_text + g * ds->n_units;
    *n_groups = 0;
    dti_strmap seen; /* label -> group: O(n) */
    dti_strmap_init(&seen, ds->n_units);
    for (size_t u = 0; u < ds->n_units; u++) {
        labels[u] = DTI_NONE;
        if (!col[u])
            continue;
        labels[u] = dti_strmap_put(&seen, col[u], *n_groups);
        if (labels[u] == DTI_NONE) {
            if (texts)
                texts[*n_groups] = col[u];
            labels[u] = (*n_groups)++;
        }
    }
    dti_strmap_clear(&seen);
    return DTI_OK;
}

/* A year record of the table's provinces: its values and ranks become facts (no sources). */
static dti_year *S_year_of(const dti_dataset *ds, dti_framework *fw, const dti_registry *reg)
{
    dti_year *yr = dti_xcalloc(1, sizeof *yr);
    size_t nn = fw->n_nodes, n = ds->n_units;
    yr->path = dti_strdup(ds->path);
    yr->year = ds->year;
    yr->units = n;
    yr->fw = fw;
    yr->reg = reg;
    yr->n = n;
    yr->prov = dti_xcalloc(n, sizeof *yr->prov);
    yr->entry_of = dti_xcalloc(reg->n, sizeof *yr->entry_of);
    for (size_t p = 0; p < reg->n; p++)
        yr->entry_of[p] = DTI_NONE;
    yr->value = dti_xcalloc(n * nn, sizeof *yr->value);
    yr->rank = dti_xcalloc(n * nn, sizeof *yr->rank);
    yr->top10 = dti_xcalloc(n, sizeof *yr->top10);
    yr->conflict = dti_xcalloc(n, sizeof *yr->conflict);
    dti_error_init(&yr->warnings);
    dti_error_collect(&yr->warnings);
    size_t *ind = dti_xcalloc(nn, sizeof *ind);
    dti_engine_indicators(fw, ind);
    for (size_t u = 0; u < n; u++) {
        yr->prov[u] = ds->reg_index[u];
        yr->entry_of[yr->prov[u]] = u; /* the loader refused two rows of one province */
        for (size_t node = 0; node < nn; node++) {
            dti_fact *v = &yr->value[u * nn + node], *r = &yr->rank[u * nn + node];
            v->value = v->lo = v->hi = r->value = r->lo = r->hi = NAN;
            v->line = r->line = ds->line[u];
            double pv = ds->published ? ds->published[u * nn + node] : NAN;
            double pr = ds->published_rank ? ds->published_rank[u * nn + node] : NAN;
            if (!isnan(pv)) {
                v->known = 1;
                v->value = pv;
            }
            if (!isnan(pr)) {
                r->known = 1;
                r->value = r->lo = r->hi = pr;
            }
        }
        for (size_t j = 0; j < ds->n_indicators; j++) {
            dti_fact *v = &yr->value[u * nn + ind[j]];
            double x = ds->values[u * ds->n_indicators + j];
            if (!isnan(x)) {
                v->known = 1;
                v->value = x;
            }
        }
    }
    free(ind);
    return yr;
}

int dti_dataset_load_year(const char *path, const char *model_path, const dti_data_options *opt,
                          const dti_registry *reg, const char *models_dir, dti_year **out,
                          dti_error *err)
{
    *out = NULL;
    if (!dti_csv_sniff(path)) {
        if (opt && (opt->delimiter || opt->decimal_comma))
            return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0,
                                 "--delimiter and --decimal-comma are for CSV tables, and this file is YAML");
        return dti_year_load(path, reg, models_dir, out, err);
    }
    if (!model_path)
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "a CSV table names no framework: give it (--model)");
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    int rc;
    if ((rc = dti_framework_load(model_path, &fw, err)) ||
        (rc = dti_dataset_load_csv(path, fw, reg, opt, &ds, err))) {
        dti_framework_free(fw);
        return rc;
    }
    if (!ds->reg_index) {
        rc = dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                           "the units of a year record are provinces: head the unit column 'province'");
        dti_framework_free(fw);
    } else {
        *out = S_year_of(ds, fw, reg); /* takes fw over */
    }
    dti_dataset_free(ds);
    return rc;
}
