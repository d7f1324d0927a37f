/* ynode.c -- typed access to the YAML tree, with errors at each node's own position.
 *
 * The rules for scalars live here, once: quoted text is never a number, numbers must be whole and
 * finite, a decimal comma gets an error that says so, and `~`/`null`/empty mean missing.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ynode.h"

const dti_ynode *dti_ynode_get(const dti_ynode *map, const char *key)
{
    if (!map || map->kind != DTI_Y_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

int dti_y_error(const dti_yctx *c, const dti_ynode *at, const char *fmt, ...)
{
    char msg[4096]; /* dti_error_set cuts and cleans what is stored */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dti_error_set(c->err, DTI_ERR_INPUT, c->path, at ? at->line : 0, at ? at->column : 0, "%s", msg);
}

const char *dti_y_kind_name(const dti_ynode *n)
{
    switch (n->kind) {
    case DTI_Y_MAPPING:
        return "a mapping";
    case DTI_Y_SEQUENCE:
        return "a list";
    default:
        return dti_y_is_null(n) ? "an empty value" : "a single value";
    }
}

int dti_y_expect(const dti_yctx *c, const dti_ynode *n, int kind, const char *what)
{
    if (n->kind == kind)
        return DTI_OK;
    const char *want = kind == DTI_Y_MAPPING ? "a mapping" : kind == DTI_Y_SEQUENCE ? "a list" : "a single value";
    return dti_y_error(c, n, "%s must be %s, not %s", what, want, dti_y_kind_name(n));
}

int dti_y_check_keys(const dti_yctx *c, const dti_ynode *map, const char *const *allowed, const char *what)
{
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->text;
        size_t j = 0;
        while (allowed[j] && strcmp(allowed[j], k) != 0)
            j++;
        if (!allowed[j])
            return dti_y_error(c, map->keys[i], "unknown key '%s' in %s", k, what);
    }
    return DTI_OK;
}

int dti_y_require(const dti_yctx *c, const dti_ynode *map, const char *key, const char *what,
                  const dti_ynode **out)
{
    *out = dti_ynode_get(map, key);
    if (!*out)
        return dti_y_error(c, map, "missing key '%s' in %s", key, what);
    return DTI_OK;
}

int dti_y_is_null(const dti_ynode *n)
{
    if (n->kind != DTI_Y_SCALAR || !n->plain)
        return 0;
    const char *t = n->text;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

int dti_y_string(const dti_yctx *c, const dti_ynode *n, const char *what, char **out)
{
    if (n->kind != DTI_Y_SCALAR || dti_y_is_null(n))
        return dti_y_error(c, n, "%s must be text, not %s", what, dti_y_kind_name(n));
    *out = strdup(n->text);
    if (!*out)
        abort();
    return DTI_OK;
}

int dti_y_number(const dti_yctx *c, const dti_ynode *n, const char *what, double *out)
{
    if (n->kind != DTI_Y_SCALAR || dti_y_is_null(n))
        return dti_y_error(c, n, "%s must be a number, not %s", what, dti_y_kind_name(n));
    if (!n->plain)
        return dti_y_error(c, n, "%s must be a number, not quoted text \"%s\"", what, n->text);
    const char *t = n->text;
    int comma = 0, other = 0;
    for (const char *p = t; *p; p++) {
        if (*p == ',')
            comma = 1;
        else if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p))
            other = 1;
    }
    if (comma && !other)
        return dti_y_error(c, n, "%s: '%s' uses a decimal comma; write a decimal point", what, t);
    char *end = NULL;
    double v = other ? NAN : strtod(t, &end);
    if (other || end == t || *end)
        return dti_y_error(c, n, "%s: '%s' is not a number", what, t);
    if (!isfinite(v))
        return dti_y_error(c, n, "%s: '%s' is not a finite number", what, t);
    *out = v;
    return DTI_OK;
}

int dti_y_integer(const dti_yctx *c, const dti_ynode *n, const char *what, long lo, long hi, long *out)
{
    double v;
    int rc = dti_y_number(c, n, what, &v);
    if (rc)
        return rc;
    if (v < (double)lo || v > (double)hi)
        return dti_y_error(c, n, "%s %s is outside %ld..%ld", what, n->text, lo, hi);
    if (floor(v) < v)
        return dti_y_error(c, n, "%s must be a whole number, not %s", what, n->text);
    *out = (long)v;
    return DTI_OK;
}

int dti_y_bool(const dti_yctx *c, const dti_ynode *n, const char *what, int *out)
{
    if (n->kind == DTI_Y_SCALAR && n->plain) {
        if (!strcmp(n->text, "true")) {
            *out = 1;
            return DTI_OK;
        }
        if (!strcmp(n->text, "false")) {
            *out = 0;
            return DTI_OK;
        }
    }
    return dti_y_error(c, n, "%s must be true or false", what);
}
