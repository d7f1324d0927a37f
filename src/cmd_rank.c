/* cmd_rank.c -- `dtirank rank` (ranking tables, also among the merged units) and `dtirank validate`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char S_rank_help[] =
    "Usage: dtirank rank [--year Y] [--by NODE] [--format text|md|csv|json] [--out FILE]\n"
    "The ranking table of year Y (default: the latest year with data).\n"
    "\n"
    "  -y, --year Y        the year (reads DIR/data/dti/Y.yaml)\n"
    "  -d, --data FILE     read this year record instead\n"
    "  -b, --by NODE       rank by dti (default), gov, econ, society or any node of the model\n"
    "  -f, --format F      text (default, aligned for a terminal), md, csv (RFC 4180) or json\n"
    "  -o, --out FILE      write to FILE atomically (never an input file); default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --units N       63 (default: the provinces of the registry) or 34 (the units of the 2025\n"
    "                      reorganisation, by the rule of models/merger.yaml; see docs/merger.md)\n"
    "      --merge-weight C  weight the merger mean by the registry number column C (e.g. population)\n"
    "      --registry FILE province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n"
    "\n"
    "Ranks follow the official rule: values rounded to the published precision, ties share a rank\n"
    "and the next is skipped.  Where every province has a value, ranks are computed from values;\n"
    "otherwise the published ranks are shown, with bounds (\u226511 when outside the top 10) and '?'\n"
    "for unknowns.  Where the main indicators are known, the index is recomputed from the model and\n"
    "shown beside the published value; differences above 0.0001 are flagged.\n";

int dti_cmd_rank(int argc, char **argv)
{
    static const struct option opts[] = {{"year", required_argument, NULL, 'y'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"units", required_argument, NULL, DTI_OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, DTI_OPT_MERGE_WEIGHT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *units_s = NULL, *merge_weight = NULL;
    const char *year_s = NULL, *data = NULL, *by = "dti", *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    unsigned out_flags = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:b:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'y': year_s = optarg; break;
        case 'd': data = optarg; break;
        case 'b': by = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case DTI_OPT_FORCE: out_flags |= DTI_OUTPUT_FORCE; break;
        case DTI_OPT_REGISTRY: registry = optarg; break;
        case DTI_OPT_MODELS: models = optarg; break;
        case DTI_OPT_HOME: home = optarg; break;
        case DTI_OPT_UNITS: units_s = optarg; break;
        case DTI_OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case 'h': fputs(S_rank_help, stdout); return 0;
        default: return dti_cli_bad_option("rank", c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error("rank", "unexpected argument");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return dti_cli_fail(&err);
    home = dti_cli_home(home);
    char *reg_path = registry ? strdup(registry) : dti_cli_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : dti_cli_join(home, "models");
    char *dti_dir = dti_cli_join(home, "data/dti");
    char *data_path = NULL;
    dti_registry *reg = NULL;
    dti_year *yr = NULL;
    dti_output *out = NULL;
    int rc = 0;
    if (data) {
        data_path = strdup(data);
    } else {
        int year = 0;
        if (year_s) {
            char *end;
            long y = strtol(year_s, &end, 10);
            if (*end || y < 1900 || y > 2200) {
                rc = dti_cli_usage_error("rank", "--year needs a year such as 2022");
                goto cleanup;
            }
            year = (int)y;
        } else if (!(year = dti_cli_latest_year(dti_dir))) {
            dti_error_set(&err, DTI_ERR_INPUT, dti_dir, 0, 0, "no year records found");
            rc = dti_cli_fail(&err);
            goto cleanup;
        }
        char name[32];
        snprintf(name, sizeof name, "%d.yaml", year);
        data_path = dti_cli_join(dti_dir, name);
    }
    if (dti_registry_load(reg_path, &reg, &err) || dti_year_load(data_path, reg, models_dir, &yr, &err) ||
        dti_output_open(out_path, out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
        goto cleanup;
    }
    size_t units = reg ? dti_registry_count(reg) : 0;
    if (units_s && (dti_cli_parse_size(units_s, 1, 1000, &units) || !units)) {
        dti_output_abort(out);
        rc = dti_cli_usage_error("rank", "--units needs a number such as 34");
        goto cleanup;
    }
    if (units != dti_registry_count(reg) || merge_weight) {
        dti_merger_rule rule;
        dti_merger m;
        memset(&m, 0, sizeof m);
        if (dti_cli_load_merger(home, reg, merge_weight, &rule, &m, &err)) {
            dti_output_abort(out);
            rc = dti_cli_fail(&err);
            goto cleanup;
        }
        int bad = m.n_units != units;
        if (bad)
            dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "the merger map has %zu units, not %zu", m.n_units, units);
        else if (strcmp(by, "dti") != 0)
            bad = dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "--units ranks by dti only");
        else
            bad = dti_table_write_units(yr, reg, &m, format, dti_output_stream(out), &err);
        dti_merger_clear(&m);
        dti_merger_rule_clear(&rule);
        if (bad) {
            dti_output_abort(out);
            rc = dti_cli_fail(&err);
            goto cleanup;
        }
    } else if (dti_table_write(yr, reg, by, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
        goto cleanup;
    }
    if (dti_output_commit(out, &err))
        rc = dti_cli_fail(&err);
cleanup:
    dti_year_free(yr);
    dti_registry_free(reg);
    free(reg_path);
    free(models_dir);
    free(dti_dir);
    free(data_path);
    return rc;
}

static const char S_validate_help[] =
    "Usage: dtirank validate FILE...\n"
    "Checks frameworks (models/*.yaml), year records (data/dti/*.yaml) and the province registry.\n"
    "Prints every error as FILE:LINE:COLUMN: error: MESSAGE, warnings likewise, and 'FILE: ok' for\n"
    "each valid file.  Exit status 1 if any file has an error.\n"
    "\n"
    "      --registry FILE province registry for year records (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

int dti_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {{"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *registry = NULL, *models = NULL, *home = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case DTI_OPT_REGISTRY: registry = optarg; break;
        case DTI_OPT_MODELS: models = optarg; break;
        case DTI_OPT_HOME: home = optarg; break;
        case 'h': fputs(S_validate_help, stdout); return 0;
        default: return dti_cli_bad_option("validate", c, argv);
        }
    }
    if (optind >= argc)
        return dti_cli_usage_error("validate", "no file to validate");
    home = dti_cli_home(home);
    char *reg_path = registry ? strdup(registry) : dti_cli_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : dti_cli_join(home, "models");
    dti_registry *reg = NULL;
    dti_error reg_err;
    dti_error_init(&reg_err);
    (void)dti_registry_load(reg_path, &reg, &reg_err); /* only needed for year records */
    int status = 0;
    for (int i = optind; i < argc; i++) {
        dti_error err, warn;
        dti_error_init(&err);
        dti_error_collect(&err);
        dti_error_init(&warn);
        dti_error_collect(&warn);
        const char *kind;
        int rc = dti_validate_file(argv[i], reg, models_dir, &err, &warn, &kind);
        if (rc && !reg && err.n && strstr(err.e[0].message, "no province registry")) {
            dti_error_print(&reg_err, stderr);
        }
        dti_error_print(&err, stderr);
        dti_error_print_kind(&warn, stderr, "warning");
        if (rc) {
            status = rc == DTI_ERR_INTERNAL ? 2 : status > 1 ? status : 1;
        } else {
            printf("%s: ok (%s%s)\n", argv[i], kind, warn.n ? ", with warnings" : "");
        }
    }
    dti_registry_free(reg);
    free(reg_path);
    free(models_dir);
    return status;
}

