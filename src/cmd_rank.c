/* cmd_rank.c -- `dtirank rank` (ranking tables, also among the merged units): load (cli.c) ->
 * compute (ranking.c, merger.c) -> present (present_rank.c) -> write (cli.c, the report layer). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "present.h"
#include "toolkit.h"

static const char S_rank_usage[] =
    "Usage: dtirank rank [--year Y] [--by NODE] [--by-region] [--units 63|34] [--format F] [--out FILE]\n"
    "The ranking table of year Y (default: the latest year in the record, which the output says).\n"
    "\n"
    "  -y, --year Y            the year (reads DIR/data/dti/Y.yaml)\n"
    "  -d, --data FILE         read this year record instead\n"
    "  -b, --by NODE           rank by dti (default), gov, econ, society or any node of the model\n"
    "  -p, --province P        highlight this province (or, with --units 34, its unit) in the bar\n"
    "                          chart of --format svg and html\n"
    "      --by-region         one table per socio-economic region of the registry, with the rank in the\n"
    "                          region (csv and json: the columns region and region_rank, always there)\n"
    "      --units N           63 (default: the provinces of the registry) or 34 (the units of the 2025\n"
    "                          reorganisation, by the rule of models/merger.yaml; see docs/merger.md).\n"
    "                          Where the year also has a published table of the units\n"
    "                          (data/dti/Y-34.yaml), its ranks and values are shown beside the computed ones.\n";

static const char S_rank_notes[] =
    "Ranks follow the official rule: values rounded to the published precision, ties share a rank\n"
    "and the next is skipped.  Where every province has a value, ranks are computed from values;\n"
    "otherwise the published ranks are shown, with bounds (\u226511 when outside the top 10) and '?'\n"
    "for unknowns.  Where the main indicators are known, the index is recomputed from the model and\n"
    "shown beside the published value; differences above 0.0001 are flagged.\n";

typedef struct S_rank_args {
    const char *by;
    int by_region;
} S_rank_args;

static const char *S_rank_option(void *ctx, int id, const char *arg)
{
    S_rank_args *a = ctx;
    if (id == 0)
        a->by = arg;
    else
        a->by_region = 1;
    return NULL;
}

/* The ranking among the units of the merger: with the published table of the units when the year
 * has one (data/dti/<year>-<units>.yaml) and the command names no other data or weights. */
static int S_units_table(dti_cli_inputs *in, const dti_year *yr, const char *by, dti_report **doc, dti_error *err)
{
    if (strcmp(by, "dti") != 0)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--units ranks by dti only");
    dti_year *pub = NULL;
    char *pub_path = NULL;
    int rc = DTI_OK;
    if (!in->data && !in->merge_weight) {
        size_t len = strlen(in->dti_dir) + 32;
        pub_path = calloc(len, 1);
        if (!pub_path)
            abort();
        snprintf(pub_path, len, "%s/%d-%zu.yaml", in->dti_dir, dti_year_year(yr), in->merger.n_units);
        if (access(pub_path, F_OK) == 0)
            rc = dti_cli_year(in, pub_path, &pub, err);
    }
    dti_merger_ranking mr;
    size_t unit = (size_t)-1, prov;
    char via[512];
    if (!rc && in->province)
        rc = dti_cli_find_unit(in, in->province, &unit, &prov, via, sizeof via, err);
    if (!rc && !(rc = dti_merger_ranking_compute(yr, in->reg, &in->merger, pub, &mr, err))) {
        *doc = dti_present_rank_units(&mr, in->latest);
        dti_present_rank_units_chart(*doc, &mr, unit);
        dti_merger_ranking_clear(&mr);
    }
    dti_year_free(pub);
    free(pub_path);
    return rc;
}

static int S_rank(dti_cli_inputs *in, void *ctx)
{
    const S_rank_args *a = ctx;
    const char *by = a->by;
    dti_error err;
    dti_error_init(&err);
    dti_year *yr = NULL;
    dti_report *doc = NULL;
    int units = 0, rc;
    if (dti_cli_year_path(in, &err) || dti_cli_year(in, in->data_path, &yr, &err))
        goto done;
    const dti_registry *yreg = dti_year_registry(yr);
    if (dti_year_frame(yr)) { /* a record of the units themselves */
        if (in->merge_weight)
            dti_error_set(&err, DTI_ERR_USAGE, in->data_path, 0, 0,
                          "this record ranks the %zu units of %s; --merge-weight does not apply",
                          dti_registry_count(yreg), dti_year_frame(yr));
        else if (in->units && in->units != dti_registry_count(yreg))
            dti_error_set(&err, DTI_ERR_USAGE, in->data_path, 0, 0, "this record ranks the %zu units of %s; --units %zu does not apply",
                          dti_registry_count(yreg), dti_year_frame(yr), in->units);
    } else if (!dti_cli_units(in, &units, &err) && (units || in->merge_weight)) {
        dti_cli_merger(in, &err);
        if (!err.n)
            S_units_table(in, yr, by, &doc, &err);
    }
    if (!err.n && doc && a->by_region)
        dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0,
                      "--by-region ranks the units of a record; --units %zu computes a merged ranking without regions",
                      in->units);
    if (!err.n && !doc) {
        dti_ranking rk;
        size_t hl = (size_t)-1;
        if ((!in->province || !dti_registry_find(yreg, in->province, &hl, &err)) &&
            !dti_ranking_compute(yr, by, &rk, &err)) {
            dti_region_ranks rr;
            dti_region_ranks_compute(&rk, &rr);
            doc = dti_present_rank(&rk, in->latest, &rr, a->by_region);
            dti_region_ranks_clear(&rr);
            dti_present_rank_chart(doc, &rk, hl);
            dti_ranking_clear(&rk);
        }
    }
done:
    rc = err.n ? dti_cli_fail(&err) : dti_cli_emit(in, doc);
    dti_report_free(doc);
    dti_year_free(yr);
    return rc;
}

int dti_cmd_rank(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"by", required_argument, 'b', 0}, {"by-region", no_argument, 0, 1}};
    static const dti_cli_spec spec = {"rank",
                                      DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(DATA) | DTI_IN(YEAR) | DTI_IN_MERGER |
                                          DTI_IN(PROVINCE),
                                      extra, 2, S_rank_option, 0, NULL, S_rank_usage, S_rank_notes};
    S_rank_args a = {"dti", 0};
    return dti_cli_run(&spec, &a, S_rank, argc, argv);
}
