/* lookup.c -- the one name lookup of provinces, units and data rows: codes ("19", "019"), Vietnamese
 * names, ASCII names and aliases (data/aliases.yaml), compared folded -- case, diacritics, đ, spaces and
 * punctuation ignored, and a leading "TP."/"Thành phố"/"Tỉnh" or a trailing "city"/"province"
 * dropped -- so "Thái Nguyên", "thai nguyen", "ThaiNguyen" and "19" all name one province.  A name
 * that fits several entries lists them; an unknown one suggests the nearest (edit distance on the
 * folded names).  Used by every loader and command that takes a name (year records, targets, merger
 * maps, --province). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "internal.h"
#include "ynode.h"


char *dti_lookup_key(const char *s)
{
    char *f = dti_name_fold(s);
    const char *k = f;
    static const char *const prefixes[] = {"thanh pho ", "tp ", "tinh "};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (!strncmp(k, prefixes[i], strlen(prefixes[i])) && k[strlen(prefixes[i])]) {
            k += strlen(prefixes[i]);
            break;
        }
    size_t n = strlen(k);
    static const char *const suffixes[] = {" city", " province"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t m = strlen(suffixes[i]);
        if (n > m && !strcmp(k + n - m, suffixes[i])) {
            n -= m;
            break;
        }
    }
    char *key = dti_xcalloc(n + 1, 1);
    size_t o = 0;
    int digits = n > 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] != ' ')
            key[o++] = k[i];
        digits &= isdigit((unsigned char)k[i]) || k[i] == ' ';
    }
    key[o] = '\0';
    if (digits) { /* a code: "6", "06" and "006" are one */
        size_t z = 0;
        while (key[z] == '0' && key[z + 1])
            z++;
        memmove(key, key + z, strlen(key + z) + 1);
    }
    free(f);
    return key;
}

void dti_lookup_init(dti_lookup *l, const char *what)
{
    memset(l, 0, sizeof *l);
    l->what = what;
}

void dti_lookup_clear(dti_lookup *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->key[i]);
    free(l->key);
    free(l->index);
    free(l->next);
    dti_strmap_clear(&l->first);
    memset(l, 0, sizeof *l);
}

size_t dti_lookup_owner(const dti_lookup *l, const char *name)
{
    char *key = dti_lookup_key(name);
    size_t i = dti_strmap_get(&l->first, key);
    free(key);
    return i == DTI_NONE ? DTI_NONE : l->index[i];
}

void dti_lookup_add(dti_lookup *l, const char *name, size_t index)
{
    if (!name || !*name)
        return;
    char *key = dti_lookup_key(name);
    size_t i = dti_strmap_get(&l->first, key), last = DTI_NONE;
    for (; i != DTI_NONE; i = l->next[i]) {
        if (l->index[i] == index) { /* the entry has this key already */
            free(key);
            return;
        }
        last = i;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->key = realloc(l->key, l->cap * sizeof *l->key);
        l->index = realloc(l->index, l->cap * sizeof *l->index);
        l->next = realloc(l->next, l->cap * sizeof *l->next);
        if (!l->key || !l->index || !l->next)
            abort();
    }
    l->key[l->n] = key; /* the map borrows the key: it lives as long as the lookup */
    l->index[l->n] = index;
    l->next[l->n] = DTI_NONE;
    if (last == DTI_NONE)
        dti_strmap_put(&l->first, key, l->n);
    else
        l->next[last] = l->n;
    l->n++;
}

/* The distinct entries whose key is `key` (at most max), their number, in the order they were added. */
static size_t S_matches(const dti_lookup *l, const char *key, size_t *found, size_t max)
{
    size_t n = 0;
    for (size_t i = dti_strmap_get(&l->first, key); i != DTI_NONE; i = l->next[i]) {
        size_t j = 0;
        while (j < n && found[j] != l->index[i])
            j++;
        if (j == n && n < max)
            found[n++] = l->index[i];
    }
    return n;
}

/* Up to max entries nearest to key and close enough (dti_edit_close), nearest first; their number. */
static size_t S_nearest(const dti_lookup *l, const char *key, size_t *found, size_t max)
{
    size_t n = 0, dist[8];
    for (size_t i = 0; i < l->n; i++) {
        size_t d = dti_edit_distance(key, l->key[i]);
        if (!dti_edit_close(d, key))
            continue;
        size_t j = 0;
        while (j < n && found[j] != l->index[i])
            j++;
        if (j < n) { /* the same entry under another key: keep the nearer */
            dist[j] = d < dist[j] ? d : dist[j];
            continue;
        }
        if (n < max) {
            found[n] = l->index[i];
            dist[n++] = d;
        } else if (d < dist[max - 1]) {
            found[max - 1] = l->index[i];
            dist[max - 1] = d;
        } else {
            continue;
        }
        for (size_t a = n - 1; a > 0 && dist[a] < dist[a - 1]; a--) { /* keep the list sorted */
            size_t t = dist[a];
            dist[a] = dist[a - 1];
            dist[a - 1] = t;
            t = found[a];
            found[a] = found[a - 1];
            found[a - 1] = t;
        }
    }
    return n;
}

/* "A (01), B (02)" from the labels of the entries. */
static void S_list(const size_t *found, size_t n, dti_lookup_label label, const void *ctx, const char *last_sep,
                   char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && o < size; k++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", k == 0 ? "" : k + 1 == n ? last_sep : ", ",
                              label(ctx, found[k]));
}

int dti_lookup_find(const dti_lookup *l, const char *query, dti_lookup_label label, const void *ctx, size_t *index,
                    dti_error *err)
{
    char *key = dti_lookup_key(query);
    size_t found[8], n = *key ? S_matches(l, key, found, 8) : 0;
    char list[400];
    int rc = DTI_OK;
    if (n == 1) {
        *index = found[0];
    } else if (n > 1) {
        S_list(found, n, label, ctx, " or ", list, sizeof list);
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "%s '%s' is ambiguous: %s; give the code", l->what, query,
                           list);
    } else if (*key && isdigit((unsigned char)*key)) { /* a code: no near miss means anything */
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "unknown %s code '%s'", l->what, query);
    } else if (*key && (n = S_nearest(l, key, found, 3)) > 0) {
        S_list(found, n, label, ctx, " or ", list, sizeof list);
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "unknown %s '%s' (did you mean %s?)", l->what, query, list);
    } else {
        rc = dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "unknown %s '%s' (give a code, a Vietnamese or an ASCII name)",
                           l->what, query);
    }
    free(key);
    return rc;
}

/* ---- the registry ------------------------------------------------------------------------------- */

#define S_LABEL 160
/* A label for a message: "Name (code)", or the name alone when the code is empty or the name itself.  From a
 * ring of 8 buffers: a message lists at most 8 names. */
static const char *S_label(const char *name, const char *code)
{
    static char ring[8][S_LABEL];
    static size_t next;
    char *b = ring[next++ % 8];
    if (code && code[0] && strcmp(name, code) != 0)
        snprintf(b, S_LABEL, "%s (%s)", name, code);
    else
        snprintf(b, S_LABEL, "%s", name);
    return b;
}

static const char *S_reg_label(const void *ctx, size_t i)
{
    const dti_registry *reg = ctx;
    return S_label(reg->p[i].name, reg->p[i].code);
}

void dti_registry_index(dti_registry *reg)
{
    if (!reg->names) {
        reg->names = dti_xcalloc(1, sizeof *reg->names);
        dti_lookup_init(reg->names, reg->frame ? "unit" : "province");
    }
    for (size_t i = 0; i < reg->n; i++) {
        dti_lookup_add(reg->names, reg->p[i].code, i);
        dti_lookup_add(reg->names, reg->p[i].name, i);
        dti_lookup_add(reg->names, reg->p[i].ascii, i);
    }
}

int dti_registry_find(const dti_registry *reg, const char *query, size_t *index, dti_error *err)
{
    return dti_lookup_find(reg->names, query, S_reg_label, reg, index, err);
}

int dti_registry_find_unit(const dti_registry *reg, const char *query, size_t *unit, size_t *province, dti_error *err)
{
    const dti_registry *u = reg->units;
    *province = DTI_NONE;
    if (!u)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "no units of a reorganisation are loaded (models/merger.yaml)");
    dti_error quiet;
    dti_error_init(&quiet);
    size_t j, p;
    int by_unit = !dti_registry_find(u, query, &j, &quiet);
    int by_province = !dti_registry_find(reg, query, &p, &quiet);
    if (by_unit && by_province && u->unit_of[p] != j)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                             "'%s' is ambiguous: the unit %s or the former province %s (of unit %s)", query,
                             u->p[j].name, reg->p[p].name, u->p[u->unit_of[p]].name);
    if (by_unit) { /* a unit's name that is also the name of one of its former provinces names both */
        *unit = j;
        *province = by_province ? p : DTI_NONE;
        return DTI_OK;
    }
    if (by_province) {
        *unit = u->unit_of[p];
        *province = p;
        return DTI_OK;
    }
    /* unknown to both: the nearer names of either */
    char *key = dti_lookup_key(query);
    size_t found[3], n = S_nearest(u->names, key, found, 3);
    char list[400];
    if (!n && (n = S_nearest(reg->names, key, found, 3)) > 0)
        S_list(found, n, S_reg_label, reg, " or ", list, sizeof list);
    else
        S_list(found, n, S_reg_label, u, " or ", list, sizeof list);
    free(key);
    if (n)
        return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0, "unknown unit or province '%s' (did you mean %s?)", query,
                             list);
    return dti_error_set(err, DTI_ERR_INPUT, NULL, 0, 0,
                         "unknown unit or province '%s' (give a unit's name, or a province's code or name)", query);
}

/* data/aliases.yaml: other names of provinces, by code.
 *   aliases:
 *     "79": [HCM, Saigon, Sài Gòn]
 * An alias must not name another province (after folding); naming its own is allowed. */
int dti_registry_load_aliases(dti_registry *reg, const char *path, dti_error *err)
{
    static const char *const top_keys[] = {"aliases", "note", NULL};
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *map;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "an aliases file")) ||
        (rc = dti_y_check_keys(&c, root, top_keys, "an aliases file")) ||
        (rc = dti_y_require(&c, root, "aliases", "an aliases file", &map)) ||
        (rc = dti_y_expect(&c, map, DTI_Y_MAPPING, "aliases")))
        goto cleanup;
    for (size_t k = 0; k < map->n && !rc; k++) {
        const dti_ynode *code = map->keys[k], *list = map->items[k];
        size_t p = 0;
        while (p < reg->n && strcmp(reg->p[p].code, code->text) != 0)
            p++;
        if (p == reg->n) {
            rc = dti_y_error(&c, code, "no province has the code '%s'", code->text);
            break;
        }
        if ((rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "a list of aliases")))
            break;
        for (size_t a = 0; a < list->n && !rc; a++) {
            char *name = NULL;
            if ((rc = dti_y_string(&c, list->items[a], "an alias", &name)))
                break;
            char *key = dti_lookup_key(name);
            size_t at = dti_lookup_owner(reg->names, name);
            if (!*key)
                rc = dti_y_error(&c, list->items[a], "an alias must name something (letters or digits)");
            else if (at != DTI_NONE && at != p)
                rc = dti_y_error(&c, list->items[a], "alias '%s' of %s already names %s", name, reg->p[p].name,
                                 reg->p[at].name);
            free(key);
            if (rc) {
                free(name);
                break;
            }
            reg->alias = realloc(reg->alias, (reg->n_aliases + 1) * sizeof *reg->alias);
            reg->alias_of = realloc(reg->alias_of, (reg->n_aliases + 1) * sizeof *reg->alias_of);
            if (!reg->alias || !reg->alias_of)
                abort();
            dti_lookup_add(reg->names, name, p);
            reg->alias[reg->n_aliases] = name;
            reg->alias_of[reg->n_aliases++] = p;
        }
    }
cleanup:
    dti_ynode_free(root);
    return rc;
}

/* ---- the rows of a data table ---------------------------------------------------------------------- */

static const char *S_row_label(const void *ctx, size_t u)
{
    const dti_dataset *ds = ctx;
    return S_label(ds->name[u], ds->unit[u]);
}

int dti_dataset_find(const dti_dataset *ds, const dti_registry *reg, const char *query, size_t *row, dti_error *err)
{
    /* The data's units are the registry's provinces (a year record): the registry's lookup, aliases
     * included, then the province's row. */
    size_t p;
    dti_error quiet;
    dti_error_init(&quiet);
    int year_record = reg && ds->n_units > 0;
    for (size_t u = 0; u < ds->n_units && year_record; u++) {
        size_t q;
        year_record = !dti_registry_find(reg, ds->unit[u], &q, &quiet) && !strcmp(reg->p[q].code, ds->unit[u]);
    }
    if (year_record) {
        int rc = dti_registry_find(reg, query, &p, err);
        if (rc)
            return rc;
        for (size_t u = 0; u < ds->n_units; u++)
            if (!strcmp(ds->unit[u], reg->p[p].code)) {
                *row = u;
                return DTI_OK;
            }
        return dti_error_set(err, DTI_ERR_INPUT, ds->path, 0, 0, "%s is not in this data table",
                             S_reg_label(reg, p));
    }
    dti_lookup l;
    dti_lookup_init(&l, "unit");
    for (size_t u = 0; u < ds->n_units; u++) {
        dti_lookup_add(&l, ds->unit[u], u);
        dti_lookup_add(&l, ds->name[u], u);
    }
    int rc = dti_lookup_find(&l, query, S_row_label, ds, row, err);
    dti_lookup_clear(&l);
    if (rc && err && err->n && !err->e[err->n - 1].path[0]) /* which data the unit is missing from */
        snprintf(err->e[err->n - 1].path, sizeof err->e[err->n - 1].path, "%s", ds->path);
    return rc;
}
