/* main.c -- the dtirank command line: argv -> library calls -> output and exit status, nothing else.
 * Exit status: 0 success, 1 bad input or usage, 2 internal error. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "dtirank.h"

#ifndef DTI_DATADIR
#define DTI_DATADIR "."
#endif

static const char *S_home(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("DTIRANK_HOME");
    return env && *env ? env : DTI_DATADIR;
}

static char *S_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int S_fail(const dti_error *err)
{
    dti_error_print(err, stderr);
    return err->code == DTI_ERR_INTERNAL ? 2 : 1;
}

static int S_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "dtirank: error: %s\nTry 'dtirank %s%s--help'.\n", msg, cmd ? cmd : "", cmd ? " " : "");
    return 1;
}

/* The latest year with a file data/dti/<year>.yaml, or 0. */
static int S_latest_year(const char *dir)
{
    DIR *d = opendir(dir);
    int best = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y;
        char tail[8];
        if (sscanf(e->d_name, "%4d.%7s", &y, tail) == 2 && !strcmp(tail, "yaml") && y > best)
            best = y;
    }
    closedir(d);
    return best;
}

static const char S_main_help[] =
    "Usage: dtirank COMMAND [OPTIONS]\n"
    "Rankings and projections of Vietnam's provincial Digital Transformation Index (DTI).\n"
    "\n"
    "Commands:\n"
    "  rank       the ranking table of a year (official rule: ties share a rank)\n"
    "  validate   check data and model files and report every error found\n"
    "\n"
    "Options:\n"
    "  -h, --help      show this help (and 'dtirank COMMAND --help' for a command)\n"
    "  -V, --version   show the version\n"
    "\n"
    "Data are read from DIR/data and DIR/models, where DIR is --home, $DTIRANK_HOME or the\n"
    "directory dtirank was built in.  See docs/guide.md.\n";

static const char S_rank_help[] =
    "Usage: dtirank rank [--year Y] [--by NODE] [--format text|md|csv|json] [--out FILE]\n"
    "The ranking table of year Y (default: the latest year with data).\n"
    "\n"
    "  -y, --year Y        the year (reads DIR/data/dti/Y.yaml)\n"
    "  -d, --data FILE     read this year record instead\n"
    "  -b, --by NODE       rank by dti (default), gov, econ, society or any node of the model\n"
    "  -f, --format F      text (default, aligned for a terminal), md, csv (RFC 4180) or json\n"
    "  -o, --out FILE      write to FILE atomically (never an input file); default standard output\n"
    "      --registry FILE province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n"
    "\n"
    "Ranks follow the official rule: values rounded to the published precision, ties share a rank\n"
    "and the next is skipped.  Where every province has a value, ranks are computed from values;\n"
    "otherwise the published ranks are shown, with bounds (>=11 when outside the top 10) and '?'\n"
    "for unknowns.  Where the main indicators are known, the index is recomputed from the model and\n"
    "shown beside the published value; differences above 0.0001 are flagged.\n";

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

enum { OPT_REGISTRY = 256, OPT_MODELS, OPT_HOME };

static int S_cmd_rank(int argc, char **argv)
{
    static const struct option opts[] = {{"year", required_argument, NULL, 'y'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, OPT_REGISTRY},
                                         {"models", required_argument, NULL, OPT_MODELS},
                                         {"home", required_argument, NULL, OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *year_s = NULL, *data = NULL, *by = "dti", *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "y:d:b:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'y': year_s = optarg; break;
        case 'd': data = optarg; break;
        case 'b': by = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case 'h': fputs(S_rank_help, stdout); return 0;
        default: return S_usage_error("rank", "bad option");
        }
    }
    if (optind < argc)
        return S_usage_error("rank", "unexpected argument");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return S_fail(&err);
    home = S_home(home);
    char *reg_path = registry ? strdup(registry) : S_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : S_join(home, "models");
    char *dti_dir = S_join(home, "data/dti");
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
                rc = S_usage_error("rank", "--year needs a year such as 2022");
                goto cleanup;
            }
            year = (int)y;
        } else if (!(year = S_latest_year(dti_dir))) {
            dti_error_set(&err, DTI_ERR_INPUT, dti_dir, 0, 0, "no year records found");
            rc = S_fail(&err);
            goto cleanup;
        }
        char name[32];
        snprintf(name, sizeof name, "%d.yaml", year);
        data_path = S_join(dti_dir, name);
    }
    const char *inputs[] = {reg_path, data_path};
    if (dti_registry_load(reg_path, &reg, &err) || dti_year_load(data_path, reg, models_dir, &yr, &err) ||
        dti_output_open(out_path, inputs, 2, &out, &err)) {
        rc = S_fail(&err);
        goto cleanup;
    }
    if (dti_table_write(yr, reg, by, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = S_fail(&err);
        goto cleanup;
    }
    if (dti_output_commit(out, &err))
        rc = S_fail(&err);
cleanup:
    dti_year_free(yr);
    dti_registry_free(reg);
    free(reg_path);
    free(models_dir);
    free(dti_dir);
    free(data_path);
    return rc;
}

static int S_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {{"registry", required_argument, NULL, OPT_REGISTRY},
                                         {"models", required_argument, NULL, OPT_MODELS},
                                         {"home", required_argument, NULL, OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *registry = NULL, *models = NULL, *home = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case 'h': fputs(S_validate_help, stdout); return 0;
        default: return S_usage_error("validate", "bad option");
        }
    }
    if (optind >= argc)
        return S_usage_error("validate", "no file to validate");
    home = S_home(home);
    char *reg_path = registry ? strdup(registry) : S_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : S_join(home, "models");
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

int main(int argc, char **argv)
{
    if (argc < 2)
        return S_usage_error(NULL, "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(S_main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("dtirank %s\n", DTI_VERSION);
        return 0;
    }
    /* getopt_long sees the command's own arguments, with the command name as argv[0]. */
    if (!strcmp(cmd, "rank"))
        return S_cmd_rank(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return S_cmd_validate(argc - 1, argv + 1);
    char msg[256];
    snprintf(msg, sizeof msg, "unknown command '%s'", cmd);
    return S_usage_error(NULL, msg);
}
