/* report_md.c -- the Markdown writer of the report layer: the first heading "## ", later ones and
 * table titles "### ", paragraphs as they are, tables as pipe tables ('|' escaped, newlines as <br>,
 * an alignment row): report_text.c's blocks and grid with md set. */
#include "report.h"

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    (void)err;
    return dti_report_write_human(doc, opt, out, 1);
}

const dti_report_writer dti_report_writer_md = {"md", S_write};
