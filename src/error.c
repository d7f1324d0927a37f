/* error.c -- the error object: first error wins, or collect up to DTI_ERROR_MAX for `validate`. */
#include <stdarg.h>
#include <string.h>

#include "dtirank.h"

/* Only the header and the first entry are cleared: an entry is written whole when it is set, and
 * clearing all DTI_ERROR_MAX entries (67 KB) was a fifth of a year record's load time (the record
 * looks each province up with a quiet error object). */
void dti_error_init(dti_error *err)
{
    err->code = DTI_OK;
    err->collect = 0;
    err->n = 0;
    err->dropped = 0;
    memset(&err->e[0], 0, sizeof err->e[0]);
}

void dti_error_collect(dti_error *err)
{
    err->collect = 1;
}

int dti_error_set(dti_error *err, int code, const char *path, size_t line, size_t column, const char *fmt, ...)
{
    if (!err)
        return code;
    if (err->n > 0 && !err->collect)
        return code;
    if (err->n == DTI_ERROR_MAX) {
        err->dropped++;
        return code;
    }
    dti_error_entry *e = &err->e[err->n++];
    if (err->code == DTI_OK)
        err->code = code;
    e->code = code;
    snprintf(e->path, sizeof e->path, "%s", path ? path : "");
    e->line = line;
    e->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

void dti_error_print(const dti_error *err, FILE *out)
{
    dti_error_print_kind(err, out, "error");
}

void dti_error_print_kind(const dti_error *err, FILE *out, const char *kind)
{
    for (size_t i = 0; i < err->n; i++) {
        const dti_error_entry *e = &err->e[i];
        if (e->path[0] && e->line)
            fprintf(out, "%s:%zu:%zu: %s: %s\n", e->path, e->line, e->column, kind, e->message);
        else if (e->path[0])
            fprintf(out, "%s: %s: %s\n", e->path, kind, e->message);
        else
            fprintf(out, "dtirank: %s: %s\n", kind, e->message);
    }
    if (err->dropped)
        fprintf(out, "dtirank: %zu more %ss not shown\n", err->dropped, kind);
}
