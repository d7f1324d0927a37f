/* year_write.c -- a year record as text, in the format of the shipped records (year_write.h): the
 * writer behind `dtirank import`.  The quoting rules are data/tools/import_shared.py's (`scalar`,
 * `dq`), so both writers agree on every name; year.c reads what this writes.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "year_write.h"

/* A growing string (aborts when out of memory, as dti_xcalloc). */
typedef struct S_buf {
    char *s;
    size_t n, cap;
} S_buf;

static void S_put(S_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            abort();
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* The code points that are escaped in a double-quoted scalar (and never written plain). */
static int S_escaped(utf8proc_int32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || c == 0xFEFF;
}

char *dti_yaml_quoted(const char *s)
{
    S_buf b = {0};
    S_put(&b, "\"", 1);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (k < 0) { /* not UTF-8: the replacement character, one per byte */
            S_put(&b, "\xEF\xBF\xBD", 3);
            i++;
            continue;
        }
        char esc[16];
        if (c == '\\' || c == '"') {
            esc[0] = '\\';
            esc[1] = (char)c;
            S_put(&b, esc, 2);
        } else if (c == '\n' || c == '\t' || c == '\r') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
            S_put(&b, esc, 2);
        } else if (S_escaped(c)) {
            int n = snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
            S_put(&b, esc, (size_t)n);
        } else {
            S_put(&b, s + i, (size_t)k);
        }
        i += (size_t)k;
    }
    S_put(&b, "\"", 1);
    return b.s;
}

/* YAML 1.1 words a plain scalar would turn into a boolean or null (import_shared.py's RESERVED). */
static const char *const S_reserved[] = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", NULL};

static int S_plain(const char *s)
{
    size_t len = strlen(s);
    if (!len || strstr(s, "  ") || s[len - 1] == '-' || s[len - 1] == '.' || s[len - 1] == ' ')
        return 0;
    char *lower = dti_xcalloc(len + 1, 1);
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    int reserved = 0;
    for (size_t k = 0; S_reserved[k]; k++)
        reserved |= !strcmp(lower, S_reserved[k]);
    free(lower);
    if (reserved)
        return 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
        if (k < 0)
            return 0;
        if (i == 0) { /* a letter first: no indicator, digit, blank or quote can start it */
            utf8proc_category_t cat = utf8proc_category(c);
            if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
                return 0;
        }
        /* YAML's indicators anywhere, and blanks other than ' ' (a tab, U+00A0) or line breaks, which
         * would change or end the scalar */
        if (S_escaped(c) || c == '\t' || (c < 0x80 && strchr(":#{}[],&*!|>'\"%@`\\", (int)c)) ||
            (c != ' ' && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS))
            return 0;
        i += (size_t)k;
    }
    return 1;
}

char *dti_yaml_scalar(const char *s) { return S_plain(s) ? dti_strdup(s) : dti_yaml_quoted(s); }

/* ---- the record ------------------------------------------------------------------------------------ */

static void S_line(S_buf *b, size_t *line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void S_line(S_buf *b, size_t *line, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = dti_xcalloc((size_t)(n > 0 ? n : 0) + 1, 1);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    S_put(b, s, strlen(s));
    S_put(b, "\n", 1);
    free(s);
    (*line)++;
}

/* A comment line's text: line breaks and other control characters would end the comment. */
static char *S_comment(const char *s)
{
    char *c = dti_strdup(s);
    for (char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    return c;
}

int dti_record_write(FILE *out, dti_record *r)
{
    S_buf b = {0};
    size_t line = 0;
    for (size_t k = 0; r->comment && r->comment[k]; k++) {
        char *c = S_comment(r->comment[k]);
        S_line(&b, &line, "#%s%s", c[0] ? " " : "", c);
        free(c);
    }
    S_line(&b, &line, "year: %d", r->year);
    char *model = dti_yaml_scalar(r->model);
    S_line(&b, &line, "model: %s", model);
    free(model);
    if (r->model_assumed) {
        char *c = S_comment(r->model_assumed);
        S_line(&b, &line, "model_assumed: true  # %s", c);
        free(c);
    }
    if (r->frame) {
        char *frame = dti_yaml_scalar(r->frame), *c = S_comment(r->frame);
        S_line(&b, &line, "frame: %s  # ranked among the units of data/%s.yaml, not the 63 provinces", frame, c);
        free(frame);
        free(c);
    }
    S_line(&b, &line, "units: %zu", r->units);
    S_line(&b, &line, "provinces:");
    for (size_t i = 0; i < r->n_entries; i++) {
        dti_record_entry *e = &r->entries[i];
        char *name = dti_yaml_scalar(e->name);
        S_line(&b, &line, "  - province: %s", name);
        e->line = line;
        free(name);
        for (size_t k = 0; k < e->n_facts; k++) {
            dti_record_fact *f = &e->facts[k];
            char *ev = dti_yaml_scalar(f->evidence), *src = dti_yaml_quoted(f->source);
            S_line(&b, &line, "    %s: {value: %s, evidence: %s, source: %s}", f->key, f->value, ev, src);
            f->line = line;
            free(ev);
            free(src);
        }
    }
    int rc = b.n && fwrite(b.s, 1, b.n, out) != b.n ? -1 : 0;
    free(b.s);
    return rc;
}
