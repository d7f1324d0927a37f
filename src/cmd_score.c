/* cmd_score.c -- `dtirank score` (the composite-index engine, also among the merged units) and
 * `dtirank audit`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"

static const char S_score_help[] =
    "Usage: dtirank score --model FILE (--data FILE | --year Y) [--format text|md|csv|json] [--out FILE]\n"
    "                     [--detail]\n"
    "Composite scores of every unit with the methods of the model (docs/methods.md): denominate,\n"
    "impute, screen, treat outliers, normalise, aggregate level by level, rank (ties share the best rank).\n"
    "\n"
    "  -m, --model FILE    the framework (e.g. models/asem.yaml, models/dti-2022.yaml)\n"
    "  -d, --data FILE     a data table (units:, e.g. data/asem.yaml) or a DTI year record\n"
    "                      (provinces:, e.g. data/dti/2022.yaml)\n"
    "  -y, --year Y        the DTI year record DIR/data/dti/Y.yaml (instead of --data)\n"
    "  -f, --format F      text (default), md, csv or json; csv and json carry full precision\n"
    "  -o, --out FILE      write to FILE atomically (never an input file); default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --detail        add every normalised indicator (and, in json, the outlier treatment log)\n"
    "      --units N       34: scores of the units of the 2025 reorganisation (main indicators merged\n"
    "                      by the rule of models/merger.yaml, then aggregated; docs/merger.md)\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "      --registry FILE province registry for year records (default DIR/data/provinces.yaml)\n"
    "      --models DIR    frameworks named by year records (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

int dti_cmd_score(int argc, char **argv)
{
    enum { OPT_DETAIL = 512 };
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"detail", no_argument, NULL, OPT_DETAIL},
                                         {"units", required_argument, NULL, DTI_OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, DTI_OPT_MERGE_WEIGHT},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *model = NULL, *data = NULL, *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    const char *year_s = NULL, *units_s = NULL, *merge_weight = NULL;
    int c, detail = 0;
    unsigned out_flags = 0;
    while ((c = getopt_long(argc, argv, ":m:d:y:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'y': year_s = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case DTI_OPT_FORCE: out_flags |= DTI_OUTPUT_FORCE; break;
        case OPT_DETAIL: detail = 1; break;
        case DTI_OPT_UNITS: units_s = optarg; break;
        case DTI_OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case DTI_OPT_REGISTRY: registry = optarg; break;
        case DTI_OPT_MODELS: models = optarg; break;
        case DTI_OPT_HOME: home = optarg; break;
        case 'h': fputs(S_score_help, stdout); return 0;
        default: return dti_cli_bad_option("score", c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error("score", "unexpected argument");
    if (year_s && data)
        return dti_cli_usage_error("score", "give --data or --year, not both");
    char *end = NULL;
    long year = year_s ? strtol(year_s, &end, 10) : 0;
    if (year_s && (!*year_s || *end || year < 1900 || year > 2200))
        return dti_cli_usage_error("score", "--year needs a year such as 2022");
    if (!model || (!data && !year_s))
        return dti_cli_usage_error("score", "--model and --data (or --year) are required");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return dti_cli_fail(&err);
    home = dti_cli_home(home);
    char *reg_path = registry ? strdup(registry) : dti_cli_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : dti_cli_join(home, "models");
    char *year_path = NULL;
    if (year_s) {
        char rel[64];
        snprintf(rel, sizeof rel, "data/dti/%ld.yaml", year);
        data = year_path = dti_cli_join(home, rel);
    }
    dti_score *sc = NULL, *merged = NULL;
    dti_output *out = NULL;
    dti_registry *reg = NULL;
    dti_merger merger = {0};
    dti_merger_rule rule = {0};
    size_t units = 0;
    int rc = 0;
    if (units_s && dti_cli_parse_size(units_s, 1, 1000, &units)) {
        free(year_path);
        free(reg_path);
        free(models_dir);
        return dti_cli_usage_error("score", "--units needs a number such as 34");
    }
    if (dti_score_compute(model, data, reg_path, models_dir, &sc, &err)) {
        rc = dti_cli_fail(&err);
    } else if ((units || merge_weight) &&
               (dti_registry_load(reg_path, &reg, &err) || dti_cli_load_merger(home, reg, merge_weight, &rule, &merger, &err) ||
                (units && units != merger.n_units &&
                 dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "the merger map has %zu units, not %zu", merger.n_units,
                               units)) ||
                dti_score_merge(sc, reg, &merger, &merged, &err))) {
        rc = dti_cli_fail(&err);
    } else if (dti_output_open(out_path, out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
    } else if (dti_score_write(merged ? merged : sc, format, detail, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = dti_cli_fail(&err);
    }
    dti_score_free(merged); /* borrows from sc: freed first */
    dti_score_free(sc);
    dti_merger_clear(&merger);
    dti_merger_rule_clear(&rule);
    dti_registry_free(reg);
    free(year_path);
    free(reg_path);
    free(models_dir);
    return rc;
}

static const char S_audit_help[] =
    "Usage: dtirank audit --model FILE --data FILE [--format text|csv|json] [--out FILE]\n"
    "Statistical audit of a composite index on its data (docs/methods.md, section 8): per indicator n,\n"
    "missing, mean, sd, min, max, skewness and kurtosis of the denominated raw values and the outlier\n"
    "treatment; Pearson and Spearman correlations of the normalised indicators and the aggregates;\n"
    "Cronbach's alpha and PCA of each aggregate's children; effective weights (squared correlation\n"
    "with the index, as shares) beside the nominal ones.\n"
    "\n"
    "  -m, --model FILE    the framework (e.g. models/asem.yaml)\n"
    "  -d, --data FILE     a data table or a DTI year record, as for score\n"
    "  -f, --format F      text (default), csv (section,row,column,value) or json; csv and json carry\n"
    "                      full precision\n"
    "  -o, --out FILE      write to FILE atomically (never an input file); default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --registry FILE province registry for year records (default DIR/data/provinces.yaml)\n"
    "      --models DIR    frameworks named by year records (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

int dti_cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *model = NULL, *data = NULL, *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    unsigned out_flags = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":m:d:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case DTI_OPT_FORCE: out_flags |= DTI_OUTPUT_FORCE; break;
        case DTI_OPT_REGISTRY: registry = optarg; break;
        case DTI_OPT_MODELS: models = optarg; break;
        case DTI_OPT_HOME: home = optarg; break;
        case 'h': fputs(S_audit_help, stdout); return 0;
        default: return dti_cli_bad_option("audit", c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error("audit", "unexpected argument");
    if (!model || !data)
        return dti_cli_usage_error("audit", "--model and --data are required");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return dti_cli_fail(&err);
    if (format == DTI_FORMAT_MD) {
        dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "audit writes text, csv or json");
        return dti_cli_fail(&err);
    }
    home = dti_cli_home(home);
    char *reg_path = registry ? strdup(registry) : dti_cli_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : dti_cli_join(home, "models");
    dti_audit *au = NULL;
    dti_output *out = NULL;
    int rc = 0;
    if (dti_audit_compute(model, data, reg_path, models_dir, &au, &err) ||
        dti_output_open(out_path, out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
    } else if (dti_audit_write(au, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = dti_cli_fail(&err);
    }
    dti_audit_free(au);
    free(reg_path);
    free(models_dir);
    return rc;
}

