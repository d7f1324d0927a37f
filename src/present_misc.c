/* present_misc.c -- the document of `dtirank validate` (one row per file).  Builds report documents (report.h); never prints. */
#include "internal.h"
#include "present.h"

dti_report *dti_present_validate(const dti_validate_row *rows, size_t n)
{
    dti_report *doc = dti_report_new("validate");
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += rows[i].errors ? 1u : 0u;
    dti_report_meta_int(doc, "files", (long long)n);
    dti_report_meta_int(doc, "with_errors", (long long)bad);
    dti_table *t = dti_report_table(doc, "files", NULL);
    dti_table_col(t, "file", DTI_COL_TEXT);
    dti_table_col(t, "kind", DTI_COL_TEXT);
    dti_table_col_null(t, 1, "?", "not recognised");
    dti_table_col(t, "result", DTI_COL_TEXT);
    dti_table_col(t, "errors", DTI_COL_INT);
    dti_table_col(t, "warnings", DTI_COL_INT);
    for (size_t i = 0; i < n; i++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, rows[i].file);
        dti_table_text(t, r, 1, rows[i].kind);
        dti_table_text(t, r, 2, rows[i].errors ? "errors" : rows[i].warnings ? "ok, with warnings" : "ok");
        dti_table_size(t, r, 3, rows[i].errors);
        dti_table_size(t, r, 4, rows[i].warnings);
    }
    dti_report_text(doc, "%zu of %zu files have errors (on standard error, as FILE:LINE:COLUMN: error: MESSAGE).", bad, n);
    return doc;
}
