/* error.c -- the error object: first error wins, or collect up to DTI_ERROR_MAX for `validate`.
 *
 * Every message and path is made safe here, once, as it is stored: input text echoed in a message
 * (a name, a key, a file name) may hold terminal control sequences or line breaks, so control
 * characters, invalid UTF-8 and the invisible bidirectional controls are written as escapes (\x1b,
 * \u202e).  A message is then one line of plain text wherever it is printed. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define S_FORMAT_MAX 4096 /* a message before cleaning; longer ones are cut (and marked) below */

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

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length and *cp, or 0 when invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid too). */
static size_t S_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t c = len == 1 ? s[0] : len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3Fu);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* Code points shown as escapes: C0 and C1 controls, DEL, and the characters that reorder or break
 * the line of a terminal (bidirectional controls, line and paragraph separators). */
static int S_hidden(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

/* Copies src into dst (cap bytes) with the hidden characters escaped; a text too long for dst is cut
 * at a character boundary and ends with "...". */
static void S_clean(char *dst, size_t cap, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src), o = 0, room = cap - 4; /* keep room for "..." and the NUL */
    for (size_t i = 0; i < n;) {
        char esc[8];
        size_t elen = 0;
        uint32_t c = 0;
        size_t len = S_utf8(s + i, n - i, &c);
        if (!len) { /* a byte that is not UTF-8 */
            esc[0] = '\\', esc[1] = 'x', esc[2] = hex[s[i] >> 4], esc[3] = hex[s[i] & 15];
            elen = 4;
            len = 1;
        } else if (S_hidden(c) && c < 0x100) {
            esc[0] = '\\', esc[1] = 'x', esc[2] = hex[c >> 4], esc[3] = hex[c & 15];
            elen = 4;
        } else if (S_hidden(c)) {
            esc[0] = '\\', esc[1] = 'u';
            for (int k = 0; k < 4; k++)
                esc[2 + k] = hex[(c >> (12 - 4 * k)) & 15];
            elen = 6;
        }
        size_t add = elen ? elen : len;
        if (o + add > room) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(dst + o, elen ? esc : (const char *)s + i, add);
        o += add;
        i += len;
    }
    dst[o] = '\0';
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
    S_clean(e->path, sizeof e->path, path ? path : "");
    e->line = line;
    e->column = column;
    char raw[S_FORMAT_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof raw) /* cut before cleaning: mark it, the cleaner cannot know */
        memcpy(raw + sizeof raw - 4, "...", 4);
    S_clean(e->message, sizeof e->message, raw);
    return code;
}

void dti_error_locate(dti_error *err, const char *path)
{
    if (err && err->n && !err->e[err->n - 1].path[0])
        S_clean(err->e[err->n - 1].path, sizeof err->e[err->n - 1].path, path ? path : "");
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
