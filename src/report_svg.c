/* report_svg.c -- the SVG writer of the report layer: the document's first chart, or the one --table
 * names, as one standalone SVG 1.1 document (it opens in a browser and imports into Word and
 * LibreOffice); headings, paragraphs and tables are left out.  Numbers with a decimal point whatever
 * the document's language (the chart's labels are translated by its presenter). */
#include "internal.h"
#include "report.h"

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_chart *c = doc->block[k].chart;
        if (!c || !dti_report_chart_selected(c, opt))
            continue;
        dti_chart_buf b;
        dti_chart_buf_init(&b);
        int rc = dti_report_chart_svg(c, 0, 0, &b, err);
        if (!rc)
            fwrite(b.data, 1, b.len, out);
        dti_chart_buf_clear(&b);
        return rc;
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                         "this output has no chart to write as svg (charts: project, rank, tune stability, "
                         "tune sensitivity, audit, report)");
}

const dti_report_writer dti_report_writer_svg = {"svg", S_write};
