/* report_md.c -- the Markdown writer of the report layer: the first heading "## ", later ones and
 * table titles "### ", paragraphs as they are, tables as pipe tables (report_text.c's grid, with '|'
 * escaped and newlines as <br>). */
#include "report.h"

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    (void)err;
    int first = 1, titles = 0;
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_block *b = &doc->block[k];
        if (b->table && !dti_report_table_selected(b->table, opt))
            continue;
        if (!first)
            fputc('\n', out);
        first = 0;
        if (b->kind == DTI_BLOCK_TITLE) {
            fprintf(out, "%s %s\n", titles++ ? "###" : "##", b->text);
        } else if (b->kind == DTI_BLOCK_TEXT) {
            fprintf(out, "%s\n", b->text);
        } else {
            if (b->table->title)
                fprintf(out, "### %s\n\n", b->table->title);
            dti_report_grid(b->table, out, 1);
            for (size_t i = 0; i < b->table->n_notes; i++)
                fprintf(out, "\n%s\n", b->table->note[i]);
        }
    }
    return DTI_OK;
}

const dti_report_writer dti_report_writer_md = {"md", S_write};
