/* report_json.c -- the JSON writer of the report layer: one object (RFC 8259) with the command, the
 * version, the title, the metadata, the input files, the notes and the tables (columns with their
 * types, rows as objects keyed by column name).  The one place where JSON strings are escaped; numbers
 * as data (report.h), never NaN or infinity: null.  Shape: docs/guide.md. */
#include <stdlib.h>
#include <utf8proc.h>

#include "internal.h"
#include "report.h"

/* A JSON string: quotes, backslashes and control characters escaped; a byte that is not UTF-8
 * becomes U+FFFD, so the output is always valid JSON whatever a path on the command line holds. */
void dti_report_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) {
            fputs("\xEF\xBF\xBD", out);
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (char)cp);
        else if (cp == '\n')
            fputs("\\n", out);
        else if (cp == '\t')
            fputs("\\t", out);
        else if (cp < 0x20 || cp == 0x7f)
            fprintf(out, "\\u%04x", (unsigned)cp);
        else
            fwrite(p, 1, (size_t)k, out);
        p += k;
    }
    fputc('"', out);
}

static const char *S_type_name(int type)
{
    static const char *const names[] = {"text", "integer", "number", "boolean", "number"};
    return names[type];
}

/* A cell: strings quoted, numbers and booleans bare, null. */
static void S_cell(FILE *out, const dti_table *t, size_t r, size_t c, int part)
{
    char buf[64];
    const char *s = dti_report_cell_data(t, r, c, part, buf, sizeof buf);
    if (!s || !*s)
        fputs(s && t->col[c].type == DTI_COL_TEXT ? "\"\"" : "null", out);
    else if (t->col[c].type == DTI_COL_TEXT)
        dti_report_json_string(out, s);
    else
        fputs(s, out);
}

static void S_notes(FILE *out, char *const *note, size_t n, const char *indent)
{
    fputc('[', out);
    for (size_t k = 0; k < n; k++) {
        fprintf(out, "%s\n%s  ", k ? "," : "", indent);
        dti_report_json_string(out, note[k]);
    }
    if (n)
        fprintf(out, "\n%s", indent);
    fputc(']', out);
}

static void S_table(FILE *out, const dti_table *t)
{
    fputs("    {\n      \"name\": ", out);
    dti_report_json_string(out, t->name);
    fputs(",\n      \"title\": ", out);
    if (t->title)
        dti_report_json_string(out, t->title);
    else
        fputs("null", out);
    fputs(",\n      \"columns\": [", out);
    dti_report_field *f = dti_xcalloc(2 * t->n_cols + 1, sizeof *f);
    size_t n = dti_report_fields(t, f);
    for (size_t k = 0; k < n; k++) {
        const dti_report_col *col = &t->col[f[k].col];
        fputs(k ? ",\n        {\"name\": " : "\n        {\"name\": ", out);
        dti_report_json_string(out, f[k].name);
        fprintf(out, ", \"type\": \"%s\"", S_type_name(col->type));
        if (col->label) {
            fputs(", \"label\": ", out);
            dti_report_json_string(out, col->label);
        }
        if (col->null_meaning) {
            fputs(", \"null\": ", out);
            dti_report_json_string(out, col->null_meaning);
        }
        fputc('}', out);
    }
    fputs(n ? "\n      ],\n      \"rows\": [" : "],\n      \"rows\": [", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs(r ? ",\n        {" : "\n        {", out);
        for (size_t k = 0; k < n; k++) {
            fputs(k ? ", " : "", out);
            dti_report_json_string(out, f[k].name);
            fputs(": ", out);
            S_cell(out, t, r, f[k].col, f[k].part);
        }
        fputc('}', out);
    }
    free(f);
    fputs(t->n_rows ? "\n      ],\n      \"notes\": " : "],\n      \"notes\": ", out);
    S_notes(out, t->note, t->n_notes, "      ");
    fputs("\n    }", out);
}

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    (void)err;
    fputs("{\n  \"command\": ", out);
    dti_report_json_string(out, doc->command);
    fputs(",\n  \"version\": ", out);
    dti_report_json_string(out, DTI_VERSION);
    const char *title = NULL;
    size_t n_notes = 0;
    char **notes = dti_xcalloc(doc->n_blocks + 1, sizeof *notes);
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_block *b = &doc->block[k];
        if (b->kind == DTI_BLOCK_TITLE && !title)
            title = b->text;
        else if (b->kind != DTI_BLOCK_TABLE && b->kind != DTI_BLOCK_CHART && !(b->flags & DTI_BLOCK_HUMAN_ONLY))
            notes[n_notes++] = b->text;
    }
    fputs(",\n  \"title\": ", out);
    if (title)
        dti_report_json_string(out, title);
    else
        fputs("null", out);
    fputs(",\n  \"metadata\": {", out);
    for (size_t k = 0; k < doc->n_meta; k++) {
        const dti_report_meta *m = &doc->meta[k];
        fputs(k ? ",\n    " : "\n    ", out);
        dti_report_json_string(out, m->key);
        fputs(": ", out);
        char buf[32];
        if (m->type == DTI_META_TEXT) {
            dti_report_json_string(out, m->text);
        } else if (m->type == DTI_META_INT) {
            fprintf(out, "%lld", m->i);
        } else if (m->type == DTI_META_BOOL) {
            fputs(m->i ? "true" : "false", out);
        } else if (m->type == DTI_META_NUM) {
            dti_report_number(m->x, -1, buf, sizeof buf);
            fputs(buf, out);
        } else {
            fputs("null", out);
        }
    }
    fputs(doc->n_meta ? "\n  },\n  \"sources\": [" : "},\n  \"sources\": [", out);
    for (size_t k = 0; k < doc->n_sources; k++) {
        fputs(k ? ",\n    {\"role\": " : "\n    {\"role\": ", out);
        dti_report_json_string(out, doc->source_role[k]);
        fputs(", \"path\": ", out);
        dti_report_json_string(out, doc->source_path[k]);
        fputc('}', out);
    }
    fputs(doc->n_sources ? "\n  ],\n  \"notes\": " : "],\n  \"notes\": ", out);
    S_notes(out, notes, n_notes, "  ");
    free(notes);
    fputs(",\n  \"tables\": [", out);
    int first = 1;
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_table *t = doc->block[k].table;
        if (!t || !dti_report_table_selected(t, opt) || !dti_report_table_data(t))
            continue;
        fputs(first ? "\n" : ",\n", out);
        first = 0;
        S_table(out, t);
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
    return DTI_OK;
}

const dti_report_writer dti_report_writer_json = {"json", S_write};
