/* report_text.c -- the text writer of the report layer: headings and paragraphs as they are, tables
 * aligned by display width (Vietnamese diacritics take one column, not their UTF-8 bytes), two blanks
 * between columns, no trailing blanks.  The blocks and the aligned grid are shared with the Markdown
 * writer (report_md.c), which differs in headings and pipes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report.h"

/* A cell as one line: newlines become blanks in text, "<br>" in Markdown, and '|' is escaped there. */
static char *S_one_line(const char *s, int md)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\n' ? 4 : *p == '|' ? 2 : 1;
    char *o = dti_xcalloc(n + 1, 1), *q = o;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            strcpy(q, md ? "<br>" : " ");
            q += strlen(q);
        } else if (*p == '|' && md) {
            *q++ = '\\';
            *q++ = '|';
        } else if (*p != '\r') {
            *q++ = *p;
        }
    }
    return o;
}

/* Writes `line` (len bytes) without trailing blanks, then a newline. */
static void S_put_trimmed(const char *line, size_t len, FILE *out)
{
    while (len > 0 && line[len - 1] == ' ')
        len--;
    fwrite(line, 1, len, out);
    fputc('\n', out);
}

void dti_report_grid(const dti_table *t, FILE *out, int md)
{
    size_t nc = t->n_cols, nr = t->n_rows, last = 0, any = 0;
    char **cell = dti_xcalloc((nr + 1) * nc + 1, sizeof *cell); /* row 0: the header */
    size_t *width = dti_xcalloc(nc + 1, sizeof *width);
    char buf[128];
    for (size_t c = 0; c < nc; c++) {
        if (!dti_report_col_human(t, c))
            continue;
        last = c;
        any = 1;
        cell[c] = S_one_line(t->col[c].label ? t->col[c].label : t->col[c].name, md);
        width[c] = dti_utf8_width(cell[c]);
        for (size_t r = 0; r < nr; r++) {
            char *s = S_one_line(dti_report_cell_human(t, r, c, buf, sizeof buf), md);
            size_t w = dti_utf8_width(s);
            width[c] = w > width[c] ? w : width[c];
            cell[(r + 1) * nc + c] = s;
        }
        if (md && width[c] < 3) /* some Markdown readers want three characters in the alignment row */
            width[c] = 3;
    }
    char *line = NULL;
    size_t line_len = 0;
    FILE *mem = open_memstream(&line, &line_len);
    if (!mem)
        abort();
    for (size_t r = 0; any && r <= nr; r++) {
        for (int rule = 0; rule < (md && r == 0 ? 2 : 1); rule++) { /* Markdown: the alignment row */
            rewind(mem);
            if (md)
                fputs("| ", mem);
            for (size_t c = 0; c < nc; c++) {
                if (!dti_report_col_human(t, c))
                    continue;
                int right = dti_report_col_right(t, c);
                if (rule) {
                    for (size_t k = 0; k + 1 < width[c]; k++)
                        fputc('-', mem);
                    fputc(right ? ':' : '-', mem);
                } else {
                    dti_report_pad(mem, cell[r * nc + c], !md && c == last && !right ? 0 : width[c], right);
                }
                if (c != last)
                    fputs(md ? " | " : "  ", mem);
            }
            if (md)
                fputs(" |", mem);
            fflush(mem);
            S_put_trimmed(line, (size_t)ftell(mem), out);
        }
    }
    fclose(mem);
    free(line);
    for (size_t k = 0; k < (nr + 1) * nc; k++)
        free(cell[k]);
    free(cell);
    free(width);
}

int dti_report_write_human(const dti_report *doc, const dti_report_options *opt, FILE *out, int md)
{
    int first = 1, titles = 0;
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_block *b = &doc->block[k];
        if (b->chart) /* charts: svg and html */
            continue;
        if (b->table && (!dti_report_table_selected(b->table, opt) || !dti_report_table_human(b->table)))
            continue;
        if (!first)
            fputc('\n', out);
        first = 0;
        if (b->kind == DTI_BLOCK_TITLE && md)
            fprintf(out, "%s %s\n", titles++ ? "###" : "##", b->text);
        else if (!b->table)
            fprintf(out, "%s\n", b->text);
        if (!b->table)
            continue;
        if (b->table->title)
            fprintf(out, md ? "### %s\n\n" : "%s\n", b->table->title);
        dti_report_grid(b->table, out, md);
        for (size_t i = 0; i < b->table->n_notes; i++)
            fprintf(out, "%s%s\n", i && !md ? "" : "\n", b->table->note[i]);
    }
    return DTI_OK;
}

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    (void)err;
    return dti_report_write_human(doc, opt, out, 0);
}

const dti_report_writer dti_report_writer_text = {"text", S_write};
