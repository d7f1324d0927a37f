/* registry.c -- the province registry (data/provinces.yaml); names are looked up by lookup.c.
 *
 * A province is named by code, Vietnamese name or ASCII name; the lookup (lookup.c) ignores case,
 * diacritics, spaces and punctuation, so "thai nguyen", "Thái Nguyên" and "19" all work.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"source", "note", "provinces", NULL};
static const char *const S_prov_keys[] = {"code", "name", "ascii", "region", "successor_2025", "numbers", NULL};

static int S_load_province(const dti_yctx *c, const dti_ynode *m, dti_province *p)
{
    const dti_ynode *v;
    int rc;
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "a province entry")) ||
        (rc = dti_y_check_keys(c, m, S_prov_keys, "a province entry")))
        return rc;
    p->line = m->line;
    p->column = m->column;
    if ((rc = dti_y_require(c, m, "code", "a province entry", &v)) || (rc = dti_y_string(c, v, "code", &p->code)))
        return rc;
    for (const char *s = p->code; *s; s++)
        if (!isdigit((unsigned char)*s))
            return dti_y_error(c, v, "code '%s' must be digits (write it quoted, e.g. \"06\")", p->code);
    if ((rc = dti_y_require(c, m, "name", "a province entry", &v)) || (rc = dti_y_string(c, v, "name", &p->name)))
        return rc;
    if ((rc = dti_y_require(c, m, "ascii", "a province entry", &v)) ||
        (rc = dti_y_string(c, v, "ascii", &p->ascii)))
        return rc;
    for (const char *s = p->ascii; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return dti_y_error(c, v, "ascii name '%s' contains non-ASCII characters", p->ascii);
    if ((v = dti_ynode_get(m, "region")) && (rc = dti_y_string(c, v, "region", &p->region)))
        return rc;
    if ((v = dti_ynode_get(m, "successor_2025")) && (rc = dti_y_string(c, v, "successor_2025", &p->successor)))
        return rc;
    if ((v = dti_ynode_get(m, "numbers"))) { /* user columns, e.g. population for a weighted merger */
        if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "numbers")))
            return rc;
        p->number_names = dti_xcalloc(v->n, sizeof *p->number_names);
        p->numbers = dti_xcalloc(v->n, sizeof *p->numbers);
        for (size_t k = 0; k < v->n; k++) {
            p->number_names[k] = dti_strdup(v->keys[k]->text);
            p->n_numbers = k + 1;
            if ((rc = dti_y_number(c, v->items[k], v->keys[k]->text, &p->numbers[k])))
                return rc;
        }
    }
    p->key_name = dti_name_fold(p->name);
    p->key_ascii = dti_name_fold(p->ascii);
    return DTI_OK;
}

int dti_registry_load(const char *path, dti_registry **out, dti_error *err)
{
    *out = NULL;
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    dti_registry *reg = dti_xcalloc(1, sizeof *reg);
    reg->path = dti_strdup(path);
    const dti_ynode *list = NULL;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a province registry")) ||
        (rc = dti_y_check_keys(&c, root, S_top_keys, "a province registry")) ||
        (rc = dti_y_require(&c, root, "provinces", "a province registry", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "provinces")))
        goto cleanup;
    if (list->n == 0) {
        rc = dti_y_error(&c, list, "the registry lists no province");
        goto cleanup;
    }
    reg->p = dti_xcalloc(list->n, sizeof *reg->p);
    for (size_t i = 0; i < list->n; i++) {
        int r = S_load_province(&c, list->items[i], &reg->p[i]);
        reg->n = i + 1;
        if (r) {
            rc = r;
            if (!err->collect)
                goto cleanup;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const dti_province *a = &reg->p[j], *b = &reg->p[i];
            if (!a->code || !a->key_name)
                continue;
            const dti_ynode *at = list->items[i];
            if (!strcmp(a->code, b->code))
                rc = dti_y_error(&c, dti_ynode_get(at, "code"), "duplicate province code '%s' (first at line %zu)",
                                 b->code, a->line);
            else if (!strcmp(a->key_name, b->key_name) || !strcmp(a->key_ascii, b->key_ascii))
                rc = dti_y_error(&c, dti_ynode_get(at, "name"), "duplicate province '%s' (first at line %zu)",
                                 b->name, a->line);
        }
        if (rc && !err->collect)
            goto cleanup;
    }
cleanup:
    dti_ynode_free(root);
    if (rc) {
        dti_registry_free(reg);
        return rc;
    }
    dti_registry_index(reg);
    *out = reg;
    return DTI_OK;
}

void dti_registry_free(dti_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++) {
        dti_province *p = &reg->p[i];
        free(p->code);
        free(p->name);
        free(p->ascii);
        free(p->region);
        free(p->successor);
        free(p->key_name);
        free(p->key_ascii);
        for (size_t k = 0; k < p->n_numbers; k++)
            free(p->number_names[k]);
        free(p->number_names);
        free(p->numbers);
    }
    free(reg->p);
    if (reg->names)
        dti_lookup_clear(reg->names);
    free(reg->names);
    free(reg->unit_of);
    for (size_t k = 0; k < reg->n_aliases; k++)
        free(reg->alias[k]);
    free(reg->alias);
    free(reg->alias_of);
    free(reg->path);
    free(reg->frame);
    dti_registry_free(reg->units);
    free(reg);
}

void dti_registry_attach_units(dti_registry *reg, dti_registry *units)
{
    dti_registry_free(reg->units);
    reg->units = units;
}

const dti_registry *dti_registry_units(const dti_registry *reg) { return reg->units; }
size_t dti_registry_count(const dti_registry *reg) { return reg->n; }
const char *dti_registry_name(const dti_registry *reg, size_t i) { return reg->p[i].name; }
const char *dti_registry_code(const dti_registry *reg, size_t i) { return reg->p[i].code; }
const char *dti_registry_ascii(const dti_registry *reg, size_t i) { return reg->p[i].ascii; }
const char *dti_registry_successor(const dti_registry *reg, size_t i)
{
    return reg->p[i].successor ? reg->p[i].successor : "";
}
