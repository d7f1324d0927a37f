/* cli.c -- what every command of the dtirank program shares: the inputs object and its one option
 * table, where the data are, the loaders in the order commands call them, and the way out through the
 * report layer and the atomic writer.  Part of the program, not the library. */
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "panel.h"
#include "project.h"

#ifndef DTI_DATADIR
#define DTI_DATADIR "."
#endif

/* The shared options: long name, value, short letter (0: none), and the help line of those whose
 * meaning is the same in every command (NULL: the command's help describes it). */
static const struct {
    const char *name;
    int has_arg, short_name;
    const char *help;
} S_common[DTI_O_COUNT] = {
    [DTI_O_HOME] = {"home", required_argument, 0, "      --home DIR          the directory holding data/ and models/\n"},
    [DTI_O_REGISTRY] = {"registry", required_argument, 0,
                        "      --registry FILE     province registry (default DIR/data/provinces.yaml)\n"},
    [DTI_O_MODELS] = {"models", required_argument, 0,
                      "      --models DIR        directory of frameworks (default DIR/models)\n"},
    [DTI_O_DATA] = {"data", required_argument, 'd', NULL},
    [DTI_O_YEAR] = {"year", required_argument, 'y', NULL},
    [DTI_O_MODEL] = {"model", required_argument, 'm', NULL},
    [DTI_O_PROVINCE] = {"province", required_argument, 'p', NULL},
    [DTI_O_UNITS] = {"units", required_argument, 0, NULL},
    [DTI_O_MERGE_WEIGHT] = {"merge-weight", required_argument, 0,
                            "      --merge-weight C    weight the merger mean by the registry number column C\n"},
    [DTI_O_FORMAT] = {"format", required_argument, 'f',
                      "  -f, --format F          text (default, aligned for a terminal), md, csv (RFC 4180),\n"
                      "                          json, html (one self-contained page with the charts), svg\n"
                      "                          (the first chart) or xlsx (an Excel workbook, a sheet per\n"
                      "                          table; needs --out); csv and json carry every digit\n"
                      "                          (docs/guide.md)\n"},
    [DTI_O_OUT] = {"out", required_argument, 'o',
                   "  -o, --out FILE          write to FILE atomically (never over an input file); default\n"
                   "                          standard output\n"},
    [DTI_O_FORCE] = {"force", no_argument, 0,
                     "      --force             with --out: replace a symbolic link or a file with other hard\n"
                     "                          links (never an input, a directory or a device)\n"},
    [DTI_O_TABLE] = {"table", required_argument, 0,
                     "      --table NAME        only this table or chart of the output (csv holds one table:\n"
                     "                          the first unless named; json lists them; svg one chart)\n"},
    [DTI_O_BOM] = {"bom", no_argument, 0,
                   "      --bom               csv: start with a UTF-8 byte order mark (Excel then reads the\n"
                   "                          Vietnamese names)\n"},
    [DTI_O_RUNS] = {"runs", required_argument, 'n', NULL},
    [DTI_O_SEED] = {"seed", required_argument, 's', NULL},
    [DTI_O_THREADS] = {"threads", required_argument, 'j', NULL},
    [DTI_O_TOP] = {"top", required_argument, 'k', NULL},
    [DTI_O_DELIMITER] = {"delimiter", required_argument, 0,
                         "      --delimiter C       a CSV table's delimiter: ',', ';' or tab (default: from its\n"
                         "                          header)\n"},
    [DTI_O_DECIMAL_COMMA] = {"decimal-comma", no_argument, 0,
                             "      --decimal-comma     a CSV table writes 0,5267 for 0.5267 (as a Vietnamese Excel\n"
                             "                          does)\n"},
    [DTI_O_WEIGHTS] = {"weights", required_argument, 'w',
                       "  -w, --weights NAME      a weight set of the model's `weights:` block, or pca / balance\n"
                       "                          (computed from the data: docs/methods.md §6a)\n"},
    [DTI_O_TABLE_YEAR] = {"table-year", required_argument, 0,
                          "      --table-year Y      the year of a multi-year data table to use (default: its latest)\n"},
    [DTI_O_IMPUTE_YEARS] = {"impute-years", required_argument, 0,
                            "      --impute-years M    fill a unit's missing values from its other years of a\n"
                            "                          multi-year table: linear, locf or linear-locf (§2a)\n"},
};

/* The help: the command's own text, the shared options' lines (in a fixed order), its notes. */
static void S_help(const dti_cli_spec *spec)
{
    static const int order[] = {DTI_O_WEIGHTS, DTI_O_TABLE_YEAR, DTI_O_IMPUTE_YEARS, DTI_O_DELIMITER, DTI_O_DECIMAL_COMMA,
                                DTI_O_FORMAT, DTI_O_OUT, DTI_O_FORCE, DTI_O_TABLE,
                                DTI_O_BOM, DTI_O_MERGE_WEIGHT, DTI_O_REGISTRY, DTI_O_MODELS, DTI_O_HOME};
    fputs(spec->usage, stdout);
    for (size_t k = 0; k < sizeof order / sizeof *order; k++)
        if (spec->accepts & (1u << order[k]))
            fputs(S_common[order[k]].help, stdout);
    fputs("  -h, --help              show this help\n", stdout);
    if (spec->notes)
        printf("\n%s", spec->notes);
}

#define S_VAL_COMMON 256 /* getopt_long values of options without a short letter: base + id */
#define S_VAL_EXTRA 512
#define S_MAX_OPTS (DTI_O_COUNT + 32)

int dti_cli_usage(const char *cmd, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dti_error err; /* the message may echo an argument: printed through the error object, made safe */
    dti_error_init(&err);
    dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "%s", msg);
    dti_error_print(&err, stderr);
    fprintf(stderr, "Try 'dtirank %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return 1;
}

int dti_cli_fail(const dti_error *err)
{
    dti_error_print(err, stderr);
    return err->code == DTI_ERR_INTERNAL ? 2 : 1;
}

int dti_cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || *s == '-' || *s == '+' || *s == ' ' || v < lo || v > hi)
        return -1;
    *out = (size_t)v;
    return 0;
}

size_t dti_cli_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (size_t)n > DTI_THREADS_MAX ? DTI_THREADS_MAX : (size_t)n;
}

/* "a/b", malloc'ed (aborts when out of memory). */
static char *S_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s/%s", a, b);
    return s;
}

static char *S_dup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* A shared option's value into in; NULL or a usage message. */
static const char *S_common_value(dti_cli_inputs *in, int id, const char *arg)
{
    size_t v;
    switch (id) {
    case DTI_O_HOME: in->home_opt = arg; break;
    case DTI_O_REGISTRY: in->registry_opt = arg; break;
    case DTI_O_MODELS: in->models_opt = arg; break;
    case DTI_O_DATA: in->data = arg; break;
    case DTI_O_YEAR:
        if (dti_cli_parse_size(arg, DTI_YEAR_MIN, DTI_YEAR_MAX, &v))
            return "--year needs a year such as 2022";
        in->year = (int)v;
        break;
    case DTI_O_MODEL: in->model = arg; break;
    case DTI_O_PROVINCE: in->province = arg; break;
    case DTI_O_UNITS:
        if (dti_cli_parse_size(arg, 1, 1000, &in->units))
            return "--units needs a number such as 34";
        break;
    case DTI_O_MERGE_WEIGHT: in->merge_weight = arg; break;
    case DTI_O_FORMAT: {
        dti_error err;
        dti_error_init(&err);
        if (dti_format_parse(arg, &in->format, &err)) {
            static char msg[sizeof err.e[0].message];
            snprintf(msg, sizeof msg, "%s", err.e[0].message);
            return msg;
        }
        in->format_given = 1;
        break;
    }
    case DTI_O_OUT: in->out = arg; break;
    case DTI_O_FORCE: in->force = 1; break;
    case DTI_O_TABLE: in->report.table = arg; break;
    case DTI_O_BOM: in->report.bom = 1; break;
    case DTI_O_RUNS:
        if (dti_cli_parse_size(arg, 1, 100000000, &in->runs))
            return "--runs needs a whole number from 1 to 100000000";
        in->runs_given = 1;
        break;
    case DTI_O_SEED:
        if (dti_cli_parse_size(arg, 0, 4294967295UL, &in->seed))
            return "--seed needs a whole number from 0 to 4294967295";
        in->seed_given = 1;
        break;
    case DTI_O_THREADS:
        if (dti_cli_parse_size(arg, 1, DTI_THREADS_MAX, &in->threads))
            return "--threads needs a whole number from 1 to 64";
        in->threads_given = 1;
        break;
    case DTI_O_DELIMITER: {
        dti_error err;
        dti_error_init(&err);
        if (dti_delimiter_parse(arg, &in->csv.delimiter, &err)) {
            static char msg[sizeof err.e[0].message];
            snprintf(msg, sizeof msg, "%s", err.e[0].message);
            return msg;
        }
        break;
    }
    case DTI_O_DECIMAL_COMMA: in->csv.decimal_comma = 1; break;
    case DTI_O_WEIGHTS: in->weights = arg; break;
    case DTI_O_TABLE_YEAR:
        if (dti_cli_parse_size(arg, DTI_YEAR_MIN, DTI_YEAR_MAX, &v))
            return "--table-year needs a year such as 2022";
        in->csv.year = (int)v;
        break;
    case DTI_O_IMPUTE_YEARS:
        if (!strcmp(arg, "locf"))
            in->impute_years = DTI_PANEL_LOCF;
        else if (!strcmp(arg, "linear"))
            in->impute_years = DTI_PANEL_LINEAR;
        else if (!strcmp(arg, "linear-locf"))
            in->impute_years = DTI_PANEL_LINEAR_LOCF;
        else
            return "--impute-years needs linear, locf or linear-locf";
        break;
    default:
        if (dti_cli_parse_size(arg, 1, 1000, &in->top))
            return "--top needs a whole number from 1 to 1000";
    }
    return NULL;
}

int dti_cli_parse(dti_cli_inputs *in, const dti_cli_spec *spec, void *ctx, int argc, char **argv)
{
    const char *cmd = spec->cmd;
    unsigned accepts = spec->accepts;
    const dti_cli_opt *extra = spec->extra;
    size_t n_extra = spec->n_extra;
    memset(in, 0, sizeof *in);
    in->cmd = cmd;
    in->format = DTI_FORMAT_TEXT;
    in->seed = 1;
    in->threads = dti_cli_cores(); /* the output is the same at any count */
    in->impute_years = -1;
    struct option opts[S_MAX_OPTS + 2];
    char shorts[3 * S_MAX_OPTS + 4] = ":h";
    size_t n = 0, o = 2;
    if (n_extra > 32)
        abort(); /* a programming error: S_MAX_OPTS */
    for (int id = 0; id < DTI_O_COUNT; id++) {
        if (!(accepts & (1u << id)))
            continue;
        int sc = S_common[id].short_name;
        opts[n++] = (struct option){S_common[id].name, S_common[id].has_arg, NULL, sc ? sc : S_VAL_COMMON + id};
        if (sc) {
            shorts[o++] = (char)sc;
            if (S_common[id].has_arg)
                shorts[o++] = ':';
        }
    }
    for (size_t k = 0; k < n_extra; k++) {
        int sc = extra[k].short_name;
        opts[n++] = (struct option){extra[k].name, extra[k].has_arg, NULL, sc ? sc : S_VAL_EXTRA + (int)k};
        if (sc) {
            shorts[o++] = (char)sc;
            if (extra[k].has_arg)
                shorts[o++] = ':';
        }
    }
    shorts[o] = '\0';
    opts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[n] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
        if (c == 'h') {
            S_help(spec);
            return 0;
        }
        if (c == ':' || c == '?') { /* getopt_long's own messages are off: one message of ours */
            const char *opt = argv[optind - 1];
            if (c == ':')
                return dti_cli_usage(cmd, "option '%s' needs a value", opt);
            return dti_cli_usage(cmd, "unknown option '%s'", opt);
        }
        const char *msg = NULL;
        int done = 0;
        for (int id = 0; id < DTI_O_COUNT && !done; id++)
            if ((accepts & (1u << id)) && (c == S_VAL_COMMON + id || (S_common[id].short_name && c == S_common[id].short_name))) {
                msg = S_common_value(in, id, optarg);
                if (!msg && in->n_given[id] < DTI_CLI_REPEAT)
                    in->given[id][in->n_given[id]++] = optarg;
                done = 1;
            }
        for (size_t k = 0; k < n_extra && !done; k++)
            if (c == S_VAL_EXTRA + (int)k || (extra[k].short_name && c == extra[k].short_name)) {
                msg = spec->on(ctx, extra[k].id, optarg);
                done = 1;
            }
        if (msg)
            return dti_cli_usage(cmd, "%s", msg);
    }
    if (optind < argc && !spec->positional)
        return dti_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    in->args = argv + optind;
    in->n_args = (size_t)(argc - optind);
    if (in->report.bom && in->format != DTI_FORMAT_CSV)
        return dti_cli_usage(cmd, "--bom goes with --format csv");
    if (in->format == DTI_FORMAT_XLSX && (!in->out || !strcmp(in->out, "-")))
        return dti_cli_usage(cmd, "--format xlsx writes a binary file: give it a name (--out FILE.xlsx)");
    if (in->data && in->year)
        return dti_cli_usage(cmd, "give --data or --year, not both");
    const char *msg = spec->check ? spec->check(in, ctx) : NULL;
    if (msg)
        return dti_cli_usage(cmd, "%s", msg);
    in->home = in->home_opt ? in->home_opt : dti_cli_home();
    in->reg_path = in->registry_opt ? S_dup(in->registry_opt) : S_join(in->home, "data/provinces.yaml");
    in->models_dir = in->models_opt ? S_dup(in->models_opt) : S_join(in->home, "models");
    in->dti_dir = S_join(in->home, "data/dti");
    return -1;
}

const char *dti_cli_home(void)
{
    const char *env = getenv("DTIRANK_HOME");
    return env && *env ? env : DTI_DATADIR;
}

int dti_cli_run(const dti_cli_spec *spec, void *ctx, dti_cli_main run, int argc, char **argv)
{
    dti_cli_inputs in;
    int rc = dti_cli_parse(&in, spec, ctx, argc, argv);
    if (rc >= 0)
        return rc;
    rc = run(&in, ctx);
    dti_cli_clear(&in);
    return rc;
}

void dti_cli_clear(dti_cli_inputs *in)
{
    if (in->has_merger) {
        dti_merger_clear(&in->merger);
        dti_merger_rule_clear(&in->rule);
    }
    dti_registry_free(in->reg);
    free(in->reg_path);
    free(in->models_dir);
    free(in->dti_dir);
    free(in->data_path);
    free(in->aliases_path);
    memset(in, 0, sizeof *in);
}

static int S_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t dti_cli_years(const dti_cli_inputs *in, int *years, size_t max)
{
    DIR *d = opendir(in->dti_dir);
    size_t n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y, len = 0;
        if (sscanf(e->d_name, "%4d.yaml%n", &y, &len) == 1 && len == 9 && e->d_name[9] == '\0' && y >= DTI_YEAR_MIN &&
            y <= DTI_YEAR_MAX && n < max)
            years[n++] = y;
    }
    closedir(d);
    qsort(years, n, sizeof *years, S_cmp_int);
    return n;
}

int dti_cli_year_path(dti_cli_inputs *in, dti_error *err)
{
    if (in->data) {
        in->data_path = S_dup(in->data);
        return DTI_OK;
    }
    int years[256];
    size_t n = dti_cli_years(in, years, 256);
    if (!in->year) {
        if (!n)
            return dti_error_set(err, DTI_ERR_INPUT, in->dti_dir, 0, 0, "no year records found");
        in->year = years[n - 1];
        in->latest = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (years[i] == in->year) {
            char name[32];
            snprintf(name, sizeof name, "%d.yaml", in->year);
            in->data_path = S_join(in->dti_dir, name);
            return DTI_OK;
        }
    char list[1024] = "";
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%d", i ? ", " : "", years[i]);
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no record for %d in %s (years: %s)", in->year, in->dti_dir,
                         n ? list : "none");
}

/* The merger setting of HOME into rule and m for registry reg (weight, when not NULL, overrides the
 * rule's column). */
static int S_load_merger(const char *home, const char *weight, const dti_registry *reg, dti_merger_rule *rule,
                         dti_merger *m, dti_error *err)
{
    char *rule_path = S_join(home, "models/merger.yaml");
    int rc = dti_merger_rule_load(rule_path, rule, err);
    free(rule_path);
    if (rc)
        return rc;
    /* data/<map>.yaml, built at its full length: a cut name could name another file */
    char *data_dir = S_join(home, "data"), *stem = S_join(data_dir, rule->map);
    size_t len = strlen(stem) + sizeof ".yaml";
    char *map_path = malloc(len);
    if (!map_path)
        abort();
    snprintf(map_path, len, "%s.yaml", stem);
    rc = dti_merger_load(map_path, reg, m, err);
    free(stem);
    free(map_path);
    free(data_dir);
    if (!rc && (rc = dti_merger_set_weights(m, reg, weight ? weight : rule->weight, err)))
        dti_merger_clear(m);
    if (rc) /* nothing stays loaded on failure */
        dti_merger_rule_clear(rule);
    return rc;
}

int dti_cli_registry(dti_cli_inputs *in, dti_error *err)
{
    if (in->reg)
        return DTI_OK;
    int rc = dti_registry_load(in->reg_path, &in->reg, err);
    if (rc)
        return rc;
    /* the aliases beside the registry (data/aliases.yaml), when there are */
    const char *slash = strrchr(in->reg_path, '/');
    size_t dir = slash ? (size_t)(slash - in->reg_path) : 0;
    char *aliases = malloc(dir + 16);
    if (!aliases)
        abort();
    snprintf(aliases, dir + 16, "%.*s%saliases.yaml", (int)dir, in->reg_path, slash ? "/" : "");
    if (access(aliases, F_OK) == 0) {
        if ((rc = dti_registry_load_aliases(in->reg, aliases, err))) {
            free(aliases);
            dti_registry_free(in->reg);
            in->reg = NULL;
            return rc;
        }
        in->aliases_path = aliases;
    } else {
        free(aliases);
    }
    /* The units of the reorganisation, for records that rank them (`frame:`).  A registry the
     * shipped map does not fit (a user's own) simply has none: such records then say so. */
    dti_error quiet;
    dti_error_init(&quiet);
    dti_merger_rule rule;
    dti_merger m;
    memset(&m, 0, sizeof m);
    if (!S_load_merger(in->home, NULL, in->reg, &rule, &m, &quiet)) { /* names do not depend on weights */
        dti_registry_attach_units(in->reg, dti_merger_units_registry(&m, in->reg, rule.map));
        dti_merger_clear(&m);
        dti_merger_rule_clear(&rule);
    }
    return DTI_OK;
}

int dti_cli_merger(dti_cli_inputs *in, dti_error *err)
{
    if (in->has_merger)
        return DTI_OK;
    int rc = dti_cli_registry(in, err);
    if (rc || (rc = S_load_merger(in->home, in->merge_weight, in->reg, &in->rule, &in->merger, err)))
        return rc;
    in->has_merger = 1;
    return DTI_OK;
}

int dti_cli_units(dti_cli_inputs *in, int *units, dti_error *err)
{
    *units = 0;
    if (!in->units && !in->merge_weight)
        return DTI_OK;
    int rc = dti_cli_registry(in, err);
    if (rc || (in->units == dti_registry_count(in->reg) && !in->merge_weight))
        return rc;
    if ((rc = dti_cli_merger(in, err)))
        return rc;
    if (in->units && in->units != dti_registry_count(in->reg) && in->units != in->merger.n_units)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                             "--units must be %zu (the provinces) or %zu (the units of %s), not %zu", dti_registry_count(in->reg),
                             in->merger.n_units, in->merger.path, in->units);
    *units = in->units != dti_registry_count(in->reg);
    return DTI_OK;
}

int dti_cli_year(dti_cli_inputs *in, const char *path, dti_year **yr, dti_error *err)
{
    int rc = dti_cli_registry(in, err);
    if (rc)
        return rc;
    return dti_year_load(path, in->reg, in->models_dir, yr, err);
}

int dti_cli_dataset_at(dti_cli_inputs *in, const char *path, const dti_framework *fw, dti_dataset **ds,
                       dti_error *err)
{
    int rc = dti_cli_registry(in, err);
    if (rc || (rc = dti_dataset_load_with(path, fw, in->reg, in->models_dir, &in->csv, ds, err)))
        return rc;
    if (in->impute_years >= 0 && (rc = dti_dataset_impute_years(*ds, in->impute_years, 0, err))) {
        dti_dataset_free(*ds);
        *ds = NULL;
    }
    return rc;
}

int dti_cli_dataset(dti_cli_inputs *in, const dti_framework *fw, dti_dataset **ds, dti_error *err)
{
    return dti_cli_dataset_at(in, in->data_path, fw, ds, err);
}

int dti_cli_find_unit(dti_cli_inputs *in, const char *query, size_t *unit, size_t *province, char *via, size_t size,
                      dti_error *err)
{
    via[0] = '\0';
    int rc = dti_cli_merger(in, err);
    if (rc || (rc = dti_registry_find_unit(in->reg, query, unit, province, err)) || *province == (size_t)-1)
        return rc;
    size_t named;
    dti_error quiet;
    dti_error_init(&quiet);
    if (!dti_registry_find(dti_registry_units(in->reg), query, &named, &quiet)) /* the unit's own name: nothing to say */
        return DTI_OK;
    size_t n_former = 0;
    for (size_t p = 0; p < dti_registry_count(in->reg); p++)
        n_former += in->merger.unit_of[p] == *unit;
    if (n_former > 1 || strcmp(dti_registry_name(in->reg, *province), in->merger.unit[*unit]) != 0)
        snprintf(via, size, "%s is a former province of the unit %s (%zu former provinces, %s): the analysis is the "
                            "unit's.",
                 dti_registry_name(in->reg, *province), in->merger.unit[*unit], n_former, in->merger.path);
    return DTI_OK;
}

size_t dti_cli_default_province(dti_cli_inputs *in)
{
    dti_error quiet;
    dti_error_init(&quiet);
    if (dti_cli_registry(in, &quiet))
        return (size_t)-1;
    char *path = S_join(in->models_dir, "targets.yaml");
    dti_target *t = NULL;
    size_t n = 0, p = (size_t)-1;
    if (!dti_targets_load(path, in->reg, &t, &n, &quiet) && n)
        p = t[0].province;
    free(t);
    free(path);
    return p;
}

int dti_cli_emit(dti_cli_inputs *in, const dti_report *doc)
{
    dti_error err;
    dti_error_init(&err);
    dti_output *out = NULL;
    if (dti_output_open(in->out, in->force ? DTI_OUTPUT_FORCE : 0u, &out, &err))
        return dti_cli_fail(&err);
    if (dti_report_write(doc, in->format, &in->report, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        return dti_cli_fail(&err);
    }
    if (dti_output_commit(out, &err))
        return dti_cli_fail(&err);
    return 0;
}
