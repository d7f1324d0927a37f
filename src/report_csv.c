/* report_csv.c -- the CSV writer of the report layer (RFC 4180): one table -- the document's first,
 * or the one --table names -- with a header row of column names, fields quoted when they hold a
 * comma, a quote or a line break, CRLF line ends, nulls as empty fields, numbers as data
 * (report.h), and optionally a UTF-8 byte order mark so that Excel reads the Vietnamese names. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report.h"

static void S_field(FILE *out, const char *s)
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

static void S_table(const dti_table *t, FILE *out)
{
    dti_report_field *f = dti_xcalloc(2 * t->n_cols + 1, sizeof *f);
    size_t n = dti_report_fields(t, f);
    char buf[64];
    for (size_t k = 0; k < n; k++) {
        fputs(k ? "," : "", out);
        S_field(out, f[k].name);
    }
    fputs("\r\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t k = 0; k < n; k++) {
            const char *s = dti_report_cell_data(t, r, f[k].col, f[k].part, buf, sizeof buf);
            fputs(k ? "," : "", out);
            if (s)
                S_field(out, s);
        }
        fputs("\r\n", out);
    }
    free(f);
}

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_table *t = doc->block[k].table;
        if (t && dti_report_table_selected(t, opt) && dti_report_table_data(t)) {
            if (opt && opt->bom)
                fputs("\xEF\xBB\xBF", out);
            S_table(t, out);
            return DTI_OK;
        }
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "this output has no table to write as csv");
}

const dti_report_writer dti_report_writer_csv = {"csv", S_write};
