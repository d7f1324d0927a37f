/* fmt.c -- the small writers every output format shares: JSON strings, RFC 4180 CSV fields, and
 * padding by display width (Vietnamese diacritics take one column, not their UTF-8 bytes). */
#include <string.h>

#include "internal.h"

void dti_fmt_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

void dti_fmt_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void dti_fmt_pad(FILE *out, const char *s, size_t width, int right)
{
    size_t w = dti_utf8_width(s);
    if (right)
        for (size_t k = w; k < width; k++)
            fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (size_t k = w; k < width; k++)
            fputc(' ', out);
}
