/* present_misc.c -- the documents of `dtirank backtest` (the scores of each projection model) and
 * `dtirank validate` (one row per file).  Builds report documents (report.h); never prints. */
#include "internal.h"
#include "present.h"

dti_report *dti_present_backtest(const dti_project_obs *obs, size_t origin, const dti_project_settings *set,
                                 const dti_backtest_score *sc, size_t n)
{
    dti_report *doc = dti_report_new("backtest");
    size_t last = obs->n_years - 1;
    dti_report_meta_int(doc, "fitted_from", obs->year[0]);
    dti_report_meta_int(doc, "fitted_to", obs->year[origin]);
    dti_report_meta_int(doc, "forecast_from", origin + 1 <= last ? obs->year[origin + 1] : obs->year[origin]);
    dti_report_meta_int(doc, "forecast_to", obs->year[last]);
    dti_report_meta_text(doc, "frame", "provinces");
    dti_report_meta_int(doc, "runs", (long long)set->runs);
    dti_report_meta_int(doc, "seed", (long long)set->seed);
    dti_report_title(doc, "Backtest: fit on %d\u2013%d, forecast %d\u2013%d (%zu runs, seed %lu)", obs->year[0],
                     obs->year[origin], origin + 1 <= last ? obs->year[origin + 1] : obs->year[origin],
                     obs->year[last], set->runs, set->seed);
    dti_table *t = dti_report_table(doc, "backtest", NULL);
    static const struct {
        const char *name, *label;
        int type, decimals;
    } cols[] = {{"model", "model", DTI_COL_TEXT, -1},         {"n_exact", "exact", DTI_COL_INT, -1},
                {"rank_mae", "rank MAE", DTI_COL_NUM, 2},     {"spearman", "Spearman", DTI_COL_NUM, 3},
                {"coverage80", "in 80%", DTI_COL_NUM, 2},     {"n_top10", "n(top10)", DTI_COL_INT, -1},
                {"brier10", "Brier10", DTI_COL_NUM, 3},       {"log10", "log10", DTI_COL_NUM, 3},
                {"n_top15", "n(top15)", DTI_COL_INT, -1},     {"brier15", "Brier15", DTI_COL_NUM, 3},
                {"log15", "log15", DTI_COL_NUM, 3}};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        dti_table_col(t, cols[c].name, cols[c].type);
        dti_table_col_label(t, c, cols[c].label);
        dti_table_col_decimals(t, c, cols[c].decimals);
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, dti_project_model_name(sc[i].model));
        dti_table_size(t, r, 1, sc[i].n_exact);
        dti_table_num(t, r, 2, sc[i].mae);
        dti_table_num(t, r, 3, sc[i].spearman);
        dti_table_num(t, r, 4, sc[i].coverage80);
        dti_table_size(t, r, 5, sc[i].n_top10);
        dti_table_num(t, r, 6, sc[i].brier10);
        dti_table_num(t, r, 7, sc[i].log10);
        dti_table_size(t, r, 8, sc[i].n_top15);
        dti_table_num(t, r, 9, sc[i].brier15);
        dti_table_num(t, r, 10, sc[i].log15);
    }
    dti_table_col_null(t, 3, "-", "fewer than three exact ranks to correlate");
    return doc;
}

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
