/* cmd_score.c -- `dtirank score` (the composite-index engine, also among the merged units) and
 * `dtirank audit`: load (cli.c: framework, data) -> compute (score.c, audit.c) -> write. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "present.h"
#include "toolkit.h"

static const char S_score_usage[] =
    "Usage: dtirank score --model FILE (--data FILE | --year Y) [--detail] [--weights NAME] [--units 34]\n"
    "                     [--table-year Y] [--impute-years M] [--format F] [--out FILE]\n"
    "Composite scores of every unit with the methods of the model (docs/methods.md): denominate,\n"
    "impute, screen, treat outliers, normalise, aggregate level by level, rank (ties share the best rank).\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/asem.yaml, models/dti-2022.yaml)\n"
    "  -d, --data FILE         a data table (units:, e.g. data/asem.yaml) or a DTI year record\n"
    "                          (provinces:, e.g. data/dti/2022.yaml)\n"
    "  -y, --year Y            the DTI year record DIR/data/dti/Y.yaml (instead of --data)\n"
    "      --detail            add every normalised indicator (and the outlier treatment log)\n"
    "      --units N           34: scores of the units of the 2025 reorganisation (main indicators merged\n"
    "                          by the rule of models/merger.yaml, then aggregated; docs/merger.md)\n";

static const char *S_detail_option(void *ctx, int id, const char *arg)
{
    (void)id;
    (void)arg;
    *(int *)ctx = 1;
    return NULL;
}

static const char *S_check(const dti_cli_inputs *in, const void *ctx)
{
    (void)ctx;
    return !in->model || (!in->data && !in->year) ? "--model and --data (or --year) are required" : NULL;
}

/* score (detail >= 0: 1 with --detail) or audit (detail < 0; matrices: --matrices): the framework, the
 * data table and the weight set (--weights), then the engine (and the merger's units for score --units
 * 34), then the document. */
static int S_run(dti_cli_inputs *in, int detail, int matrices)
{
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    struct dti_dataset *ds = NULL;
    dti_score *sc = NULL, *merged = NULL;
    dti_audit *au = NULL;
    dti_report *doc = NULL;
    dti_weights_choice wc = {0};
    int units = 0;
    if (dti_cli_year_path(in, &err) || dti_framework_load(in->model, &fw, &err) ||
        dti_cli_dataset(in, fw, &ds, &err) || dti_weights_choose(fw, ds, in->weights, &wc, &err))
        goto done;
    if (detail < 0) {
        if (!dti_audit_compute(fw, ds, &au, &err))
            doc = dti_present_audit(au, matrices);
    } else if (!dti_score_run(fw, ds, &sc, &err) && !dti_cli_units(in, &units, &err) &&
               !(units && dti_score_merge(sc, in->reg, &in->merger, &merged, &err))) {
        doc = dti_present_score(merged ? merged : sc, detail, merged ? &in->merger : NULL);
    }
    if (doc && in->weights)
        dti_present_weights(doc, fw, &wc, "weights");
done:;
    int rc = doc ? dti_cli_emit(in, doc) : dti_cli_fail(&err);
    dti_weights_choice_clear(&wc);
    dti_report_free(doc);
    dti_audit_free(au);
    dti_score_free(merged); /* borrows from sc */
    dti_score_free(sc);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    return rc;
}

static int S_score(dti_cli_inputs *in, void *ctx) { return S_run(in, *(int *)ctx, 0); }
static int S_audit(dti_cli_inputs *in, void *ctx) { return S_run(in, -1, *(int *)ctx); }

int dti_cmd_score(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"detail", no_argument, 0, 0}};
    static const dti_cli_spec spec = {"score",
                                      DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN(DATA) | DTI_IN(YEAR) | DTI_IN_CSV |
                                          DTI_IN_MERGER | DTI_IN(WEIGHTS) | DTI_IN_PANEL,
                                      extra, 1, S_detail_option, 0, S_check, S_score_usage, NULL};
    int detail = 0;
    return dti_cli_run(&spec, &detail, S_score, argc, argv);
}

static const char S_audit_usage[] =
    "Usage: dtirank audit --model FILE (--data FILE | --year Y) [--matrices] [--format F] [--out FILE]\n"
    "Statistical audit of a composite index on its data (docs/methods.md, sections 8 and 8a): first the\n"
    "flags (availability below 65%, skewness and kurtosis beyond the JRC bounds, Cronbach's alpha\n"
    "negative or below 0.7, |r| > 0.9 within a group, negative correlation with the parent, statistics\n"
    "on fewer than 10 units); then per indicator n, missing, mean, sd, min, max, skewness, kurtosis and\n"
    "the outlier treatment; Cronbach's alpha and PCA of each aggregate's children; effective weights\n"
    "(squared correlation with the index, as shares) beside the nominal ones.  Pearson and Spearman\n"
    "correlations of the normalised indicators and aggregates: as long tables (row, column, r) in csv\n"
    "and json, as square matrices for people with --matrices.\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/asem.yaml)\n"
    "  -d, --data FILE         a data table or a DTI year record, as for score\n"
    "  -y, --year Y            the DTI year record DIR/data/dti/Y.yaml (instead of --data)\n"
    "      --matrices          text and md: the full correlation matrices too\n";

int dti_cmd_audit(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"matrices", no_argument, 0, 0}};
    static const dti_cli_spec spec = {"audit",
                                      DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN(DATA) | DTI_IN(YEAR) | DTI_IN_CSV |
                                          DTI_IN(WEIGHTS) | DTI_IN_PANEL,
                                      extra, 1, S_detail_option, 0, S_check, S_audit_usage, NULL};
    int matrices = 0;
    return dti_cli_run(&spec, &matrices, S_audit, argc, argv);
}
