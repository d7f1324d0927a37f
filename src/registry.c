/* registry.c -- the province registry (data/provinces.yaml); names are looked up by lookup.c.
 *
 * A province is named by code, Vietnamese name or ASCII name; the lookup (lookup.c) ignores case,
 * diacritics, spaces and punctuation, so "thai nguyen", "Thái Nguyên" and "19" all work.  The loader
 * refuses two provinces that this folding makes one name (or one code), so a lookup of a province's
 * own name is never ambiguous; checks and lookups go through a hash map (O(1) each).
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
    const char *field[2] = {"name", "ascii"}, *text[2] = {p->name, p->ascii};
    for (size_t k = 0; k < 2; k++) {
        char *key = dti_lookup_key(text[k]);
        int empty = !*key;
        free(key);
        if (empty) /* nothing a lookup could match */
            return dti_y_error(c, dti_ynode_get(m, field[k]), "name '%s' has no letter or digit to look it up by",
                               text[k]);
    }
    return DTI_OK;
}

/* Adds province i to the name lookup; a code or a folded name that another province has is an error
 * at the entry `at` (in collect mode the loader goes on with the next province). */
static int S_index(const dti_yctx *c, dti_registry *reg, size_t i, const dti_ynode *at)
{
    const dti_province *b = &reg->p[i];
    size_t j = dti_lookup_owner(reg->names, b->code);
    if (j != DTI_NONE && j != i)
        return dti_y_error(c, dti_ynode_get(at, "code"), "duplicate province code '%s' (first at line %zu)", b->code,
                           reg->p[j].line);
    const char *text[2] = {b->name, b->ascii}, *key[2] = {b->key_name, b->key_ascii}, *field[2] = {"name", "ascii"};
    for (size_t k = 0; k < 2; k++) {
        j = dti_lookup_owner(reg->names, text[k]);
        if (j == DTI_NONE || j == i)
            continue;
        const dti_province *a = &reg->p[j];
        if (!strcmp(a->key_name, key[k]) || !strcmp(a->key_ascii, key[k])) /* the same name, but for case */
            return dti_y_error(c, dti_ynode_get(at, field[k]), "duplicate province '%s' (first at line %zu)",
                               text[k], a->line);
        return dti_y_error(c, dti_ynode_get(at, field[k]),
                           "'%s' and '%s' (line %zu) are one name once case, diacritics, spaces and 'TP.' are "
                           "ignored: a lookup of either would be ambiguous",
                           text[k], a->name, a->line);
    }
    dti_lookup_add(reg->names, b->code, i);
    dti_lookup_add(reg->names, b->name, i);
    dti_lookup_add(reg->names, b->ascii, i);
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
    reg->names = dti_xcalloc(1, sizeof *reg->names);
    dti_lookup_init(reg->names, "province");
    for (size_t i = 0; i < list->n; i++) {
        int r = S_load_province(&c, list->items[i], &reg->p[i]);
        reg->n = i + 1;
        if (!r)
            r = S_index(&c, reg, i, list->items[i]);
        if (r) {
            rc = r;
            if (!err->collect)
                goto cleanup;
        }
    }
cleanup:
    dti_ynode_free(root);
    if (rc) {
        dti_registry_free(reg);
        return rc;
    }
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

size_t dti_registry_alias_count(const dti_registry *reg) { return reg->n_aliases; }

const char *dti_registry_alias(const dti_registry *reg, size_t i, size_t *province)
{
    if (province)
        *province = reg->alias_of[i];
    return reg->alias[i];
}
