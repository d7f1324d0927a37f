/* cmd_tune.c -- `dtirank tune fit|sensitivity|stability|goal`: argv -> library calls (tune.h) ->
 * output and exit status, like the other cmd_*.c files.  Part of the program, not the library. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "tune.h"

/* The options every tune command shares. */
typedef struct S_common {
    const char *model, *data, *year, *out, *registry, *models, *home;
    unsigned out_flags; /* DTI_OUTPUT_FORCE with --force */
    const char *units, *merge_weight; /* sensitivity, stability, goal: the merged units */
} S_common;

/* The merged units of --units N / --merge-weight C: the registry and the merger of the rule. */
typedef struct S_units {
    dti_registry *reg;
    dti_merger m;
    dti_merger_rule rule;
    int on;
} S_units;

/* Loads the registry at reg_path and models/merger.yaml's map when --units or --merge-weight is
 * given (as `score --units`); --units must match the map's unit count.  Returns an exit status. */
static int S_units_load(const char *cmd, const S_common *o, const char *reg_path, S_units *u)
{
    memset(u, 0, sizeof *u);
    size_t units = 0;
    if (!o->units && !o->merge_weight)
        return 0;
    if (o->units && dti_cli_parse_size(o->units, 1, 1000, &units))
        return dti_cli_usage_error(cmd, "--units needs a number such as 34");
    dti_error err;
    dti_error_init(&err);
    if (dti_registry_load(reg_path, &u->reg, &err) ||
        dti_cli_load_merger(dti_cli_home(o->home), u->reg, o->merge_weight, &u->rule, &u->m, &err))
        return dti_cli_fail(&err);
    u->on = 1;
    if (units && units != u->m.n_units) {
        dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "the merger map has %zu units, not %zu", u->m.n_units, units);
        return dti_cli_fail(&err);
    }
    return 0;
}

static void S_units_clear(S_units *u)
{
    if (u->on) {
        dti_merger_clear(&u->m);
        dti_merger_rule_clear(&u->rule);
    }
    dti_registry_free(u->reg);
    memset(u, 0, sizeof *u);
}

enum { OPT_UNCERTAINTY = DTI_OPT_FIRST_FREE, OPT_SOBOL, OPT_COSTS, OPT_FORMAT };

/* Resolves --data / --year into a path (owned) and the registry and models paths. */
static int S_paths(const char *cmd, const S_common *o, char **data, char **reg, char **models)
{
    const char *home = dti_cli_home(o->home);
    *data = *reg = *models = NULL;
    if (o->data) {
        *data = strdup(o->data);
    } else if (o->year) {
        size_t y;
        if (dti_cli_parse_size(o->year, 1900, 2200, &y))
            return dti_cli_usage_error(cmd, "--year needs a year such as 2022");
        char rel[64];
        snprintf(rel, sizeof rel, "data/dti/%zu.yaml", y);
        *data = dti_cli_join(home, rel);
    } else {
        return dti_cli_usage_error(cmd, "--data or --year is required");
    }
    *reg = o->registry ? strdup(o->registry) : dti_cli_join(home, "data/provinces.yaml");
    *models = o->models ? strdup(o->models) : dti_cli_join(home, "models");
    return 0;
}

/* S_paths, then the merger frame when --units asks for it; on failure nothing stays allocated. */
static int S_open(const char *cmd, const S_common *o, char **data, char **reg, char **models, S_units *un)
{
    int rc = S_paths(cmd, o, data, reg, models);
    if (rc)
        return rc;
    if ((rc = S_units_load(cmd, o, *reg, un))) {
        S_units_clear(un);
        free(*data);
        free(*reg);
        free(*models);
    }
    return rc;
}

static const char S_tune_help[] =
    "Usage: dtirank tune COMMAND [OPTIONS]\n"
    "Weight tuning (docs/tuning.md).\n"
    "\n"
    "Commands:\n"
    "  fit           the weights implied by a published table (non-negative, sum to one)\n"
    "  sensitivity   Monte Carlo uncertainty of ranks and Sobol indices (weights, methods)\n"
    "  stability     per weight, the interval of its share over which a unit's rank holds\n"
    "  goal          the cheapest indicator improvements that bring a unit into the top K\n"
    "\n"
    "  -h, --help    show this help (and 'dtirank tune COMMAND --help')\n";

static const char S_fit_help[] =
    "Usage: dtirank tune fit (--year Y | --data FILE) [--model FILE] [--out FILE]\n"
    "The weights implied by a published year table: least squares between the index computed from\n"
    "the indicators and the published index, weights >= 0 summing to one.  Prints the fitted weights,\n"
    "their standard errors, RMS and maximum residual and the ranks they give; when the rows cannot\n"
    "identify the weights it says so and prints the combinations the data do pin down.\n"
    "\n"
    "  -y, --year Y        the year record DIR/data/dti/Y.yaml\n"
    "  -d, --data FILE     a year record (provinces:) instead\n"
    "  -m, --model FILE    the framework (default: the record's own model); must be linear\n"
    "  -o, --out FILE      write to FILE atomically; default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --registry FILE province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

static int S_cmd_fit(int argc, char **argv)
{
    static const struct option opts[] = {{"year", required_argument, NULL, 'y'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    S_common o = {0};
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:m:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'y': o.year = optarg; break;
        case 'd': o.data = optarg; break;
        case 'm': o.model = optarg; break;
        case 'o': o.out = optarg; break;
        case DTI_OPT_FORCE: o.out_flags |= DTI_OUTPUT_FORCE; break;
        case DTI_OPT_REGISTRY: o.registry = optarg; break;
        case DTI_OPT_MODELS: o.models = optarg; break;
        case DTI_OPT_HOME: o.home = optarg; break;
        case 'h': fputs(S_fit_help, stdout); return 0;
        default: return dti_cli_bad_option("tune fit", c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error("tune fit", "unexpected argument");
    char *data, *reg, *models;
    int rc = S_paths("tune fit", &o, &data, &reg, &models);
    if (rc)
        return rc;
    dti_error err;
    dti_error_init(&err);
    dti_output *out = NULL;
    if (dti_output_open(o.out, o.out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
    } else if (dti_tune_fit_report(o.model, data, reg, models, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = dti_cli_fail(&err);
    }
    free(data);
    free(reg);
    free(models);
    return rc;
}

static const char S_sens_help[] =
    "Usage: dtirank tune sensitivity --model FILE (--data FILE | --year Y) [OPTIONS]\n"
    "Monte Carlo uncertainty analysis (JRC style): every unit's nominal and median rank, 5-95% rank\n"
    "interval and P(top K) when the inputs of the uncertainty file vary; Sobol first- and total-order\n"
    "indices of one unit's rank and score by input group (Saltelli design, bootstrap intervals).\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/asem.yaml, models/dti-2022.yaml)\n"
    "  -d, --data FILE         a data table or a DTI year record\n"
    "  -y, --year Y            the year record DIR/data/dti/Y.yaml\n"
    "      --uncertainty FILE  the uncertain inputs (default DIR/models/uncertainty-dti.yaml for DTI\n"
    "                          models, DIR/models/uncertainty-NAME.yaml otherwise)\n"
    "  -p, --province P        the unit of the Sobol indices (default Thai Nguyen where ranked)\n"
    "  -n, --runs N            Monte Carlo draws (default 10000)\n"
    "      --sobol N           Saltelli base sample, 100 or more; N (k + 2) evaluations (default 2000; 0: none)\n"
    "  -k, --top K             P(rank <= K) (default 10)\n"
    "  -s, --seed S            random seed (default 1)\n"
    "  -j, --threads T         threads, at most 64 (default: the number of cores); the output is the\n"
    "                          same at any count\n"
    "      --units N           34: ranks among the units of the 2025 reorganisation (each draw's\n"
    "                          normalised main indicators merged by the rule of models/merger.yaml,\n"
    "                          then aggregated; docs/merger.md); --province then names a province\n"
    "                          (its unit) or a unit; the data's units must be the registry's provinces\n"
    "      --merge-weight C    weight the merger mean by the registry number column C\n"
    "  -o, --out FILE          write to FILE atomically; default standard output\n"
    "      --force             with --out: replace a symbolic link or a file with other hard links\n"
    "      --registry FILE     province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR        directory of frameworks (default DIR/models)\n"
    "      --home DIR          the directory holding data/ and models/\n"
    "  -h, --help              show this help\n";

#define S_BOOT_RESAMPLES 1000 /* bootstrap resamples of the Sobol indices */

static int S_cmd_sensitivity(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"uncertainty", required_argument, NULL, OPT_UNCERTAINTY},
                                         {"province", required_argument, NULL, 'p'},
                                         {"runs", required_argument, NULL, 'n'},
                                         {"sobol", required_argument, NULL, OPT_SOBOL},
                                         {"top", required_argument, NULL, 'k'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"units", required_argument, NULL, DTI_OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, DTI_OPT_MERGE_WEIGHT},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = "tune sensitivity";
    S_common o = {0};
    dti_tune_sens_options so = {0};
    so.runs = 10000;
    so.sobol_n = 2000;
    so.n_boot = S_BOOT_RESAMPLES;
    so.top = 10;
    so.threads = dti_cli_cores();
    so.seed = 1;
    const char *unc = NULL;
    size_t seed = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":m:d:y:p:n:k:s:j:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o.model = optarg; break;
        case 'd': o.data = optarg; break;
        case 'y': o.year = optarg; break;
        case OPT_UNCERTAINTY: unc = optarg; break;
        case 'p': so.province = optarg; break;
        case 'n':
            if (dti_cli_parse_size(optarg, 1, 100000000, &so.runs))
                return dti_cli_usage_error(cmd, "--runs needs a number from 1 to 100000000");
            break;
        case OPT_SOBOL:
            /* fewer than 100 base rows give degenerate estimates and bootstrap intervals */
            if (dti_cli_parse_size(optarg, 0, 10000000, &so.sobol_n) || (so.sobol_n > 0 && so.sobol_n < 100))
                return dti_cli_usage_error(cmd, "--sobol needs 0 (none) or a number from 100 to 10000000");
            break;
        case 'k':
            if (dti_cli_parse_size(optarg, 1, 1000, &so.top))
                return dti_cli_usage_error(cmd, "--top needs a number from 1 to 1000");
            break;
        case 's':
            if (dti_cli_parse_size(optarg, 0, 4294967295UL, &seed))
                return dti_cli_usage_error(cmd, "--seed needs a number from 0 to 4294967295");
            so.seed = (unsigned long)seed;
            break;
        case 'j':
            if (dti_cli_parse_size(optarg, 1, DTI_THREADS_MAX, &so.threads))
                return dti_cli_usage_error(cmd, DTI_CLI_THREADS_ERROR);
            break;
        case DTI_OPT_UNITS: o.units = optarg; break;
        case DTI_OPT_MERGE_WEIGHT: o.merge_weight = optarg; break;
        case 'o': o.out = optarg; break;
        case DTI_OPT_FORCE: o.out_flags |= DTI_OUTPUT_FORCE; break;
        case DTI_OPT_REGISTRY: o.registry = optarg; break;
        case DTI_OPT_MODELS: o.models = optarg; break;
        case DTI_OPT_HOME: o.home = optarg; break;
        case 'h': fputs(S_sens_help, stdout); return 0;
        default: return dti_cli_bad_option(cmd, c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error(cmd, "unexpected argument");
    if (!o.model)
        return dti_cli_usage_error(cmd, "--model is required");
    char *data, *reg, *models;
    S_units un;
    int rc = S_open(cmd, &o, &data, &reg, &models, &un);
    if (rc)
        return rc;
    so.merger = un.on ? &un.m : NULL;
    so.reg = un.reg;
    char *unc_path = NULL;
    if (unc) {
        unc_path = strdup(unc);
    } else { /* models/uncertainty-dti.yaml for dti-*, models/uncertainty-<file stem>.yaml otherwise */
        const char *base = strrchr(o.model, '/');
        base = base ? base + 1 : o.model;
        size_t len = strlen(base) + sizeof "models/uncertainty-.yaml"; /* the whole stem: never cut */
        char *name = malloc(len);
        if (!name)
            abort();
        if (!strncmp(base, "dti", 3))
            snprintf(name, len, "models/uncertainty-dti.yaml");
        else
            snprintf(name, len, "models/uncertainty-%.*s.yaml", (int)strcspn(base, "."), base);
        unc_path = dti_cli_join(dti_cli_home(o.home), name);
        free(name);
    }
    so.model_path = o.model;
    so.data_path = data;
    so.reg_path = reg;
    so.models_dir = models;
    so.uncertainty_path = unc_path;
    dti_error err;
    dti_error_init(&err);
    dti_output *out = NULL;
    if (dti_output_open(o.out, o.out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
    } else if (dti_tune_sensitivity_report(&so, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = dti_cli_fail(&err);
    }
    free(unc_path);
    S_units_clear(&un);
    free(data);
    free(reg);
    free(models);
    return rc;
}

static const char S_stab_help[] =
    "Usage: dtirank tune stability --model FILE (--data FILE | --year Y) --province P [OPTIONS]\n"
    "For each weight, the interval of its share (the other weights of the same parent rescaled in\n"
    "proportion, so the shares still sum to 1) over which P's rank -- or, with --top K, its membership\n"
    "of the top K -- does not change: weight, nominal share, lower and upper end, and the rank just\n"
    "beyond each end (a tornado chart).  Exact breakpoints for arithmetic means; otherwise a grid and\n"
    "bisection on the engine.  Only units with a score (every weighted indicator) are ranked.\n"
    "\n"
    "  -m, --model FILE    the framework (e.g. models/dti-2022.yaml)\n"
    "  -d, --data FILE     a data table or a DTI year record\n"
    "  -y, --year Y        the year record DIR/data/dti/Y.yaml\n"
    "  -p, --province P    the unit (code, name, or name without diacritics)\n"
    "  -k, --top K         the interval of top-K membership instead of the rank\n"
    "      --units N       34: P's unit's rank among the units of the 2025 reorganisation (normalised\n"
    "                      main indicators merged by the rule of models/merger.yaml, then aggregated;\n"
    "                      docs/merger.md); P names a province (its unit) or a unit; the data's units\n"
    "                      must be the registry's provinces\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "  -f, --format F      text (default), csv or json\n"
    "  -o, --out FILE      write to FILE atomically; default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --registry FILE province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

static const char S_goal_help[] =
    "Usage: dtirank tune goal --model FILE (--data FILE | --year Y) --province P --top K [OPTIONS]\n"
    "The smallest improvements of P's indicator values that bring it into the top K, all else fixed:\n"
    "the cheapest plan (minimum of sum cost x increase, each indicator capped at the model's range or,\n"
    "without one, at the best observed value; ties by the official rule) and, for each indicator\n"
    "alone, the increase needed or 'cannot reach'.  Linear models only (identity normalisation,\n"
    "arithmetic means, as the official DTI).\n"
    "\n"
    "  -m, --model FILE    the framework (e.g. models/dti-2022.yaml)\n"
    "  -d, --data FILE     a data table or a DTI year record\n"
    "  -y, --year Y        the year record DIR/data/dti/Y.yaml\n"
    "  -p, --province P    the unit (code, name, or name without diacritics)\n"
    "  -k, --top K         the target: rank K or better\n"
    "      --costs FILE    cost per unit of each indicator (costs: {id: cost}; default 1)\n"
    "      --units N       34: bring P's unit into the top K among the units of the 2025\n"
    "                      reorganisation by raising the indicators of the former province P alone\n"
    "                      (main indicators merged by the rule of models/merger.yaml; docs/merger.md);\n"
    "                      the data's units must be the registry's provinces\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "  -o, --out FILE      write to FILE atomically; default standard output\n"
    DTI_CLI_FORCE_HELP
    "      --registry FILE province registry (default DIR/data/provinces.yaml)\n"
    "      --models DIR    directory of frameworks (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

/* tune stability (goal = 0) and tune goal (goal = 1): the same options but --format / --costs. */
static int S_cmd_what(int argc, char **argv, int goal)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"province", required_argument, NULL, 'p'},
                                         {"top", required_argument, NULL, 'k'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"costs", required_argument, NULL, OPT_COSTS},
                                         {"units", required_argument, NULL, DTI_OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, DTI_OPT_MERGE_WEIGHT},
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, DTI_OPT_REGISTRY},
                                         {"models", required_argument, NULL, DTI_OPT_MODELS},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = goal ? "tune goal" : "tune stability";
    S_common o = {0};
    dti_tune_what_options wo = {0};
    wo.format = DTI_FORMAT_TEXT;
    int c;
    while ((c = getopt_long(argc, argv, ":m:d:y:p:k:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o.model = optarg; break;
        case 'd': o.data = optarg; break;
        case 'y': o.year = optarg; break;
        case 'p': wo.province = optarg; break;
        case 'k':
            if (dti_cli_parse_size(optarg, 1, 1000, &wo.top))
                return dti_cli_usage_error(cmd, "--top needs a number from 1 to 1000");
            break;
        case 'f':
            if (goal)
                return dti_cli_usage_error(cmd, "unknown option '--format'");
            if (!strcmp(optarg, "text"))
                wo.format = DTI_FORMAT_TEXT;
            else if (!strcmp(optarg, "csv"))
                wo.format = DTI_FORMAT_CSV;
            else if (!strcmp(optarg, "json"))
                wo.format = DTI_FORMAT_JSON;
            else
                return dti_cli_usage_error(cmd, "--format needs text, csv or json");
            break;
        case OPT_COSTS:
            if (!goal)
                return dti_cli_usage_error(cmd, "unknown option '--costs'");
            wo.costs_path = optarg;
            break;
        case DTI_OPT_UNITS: o.units = optarg; break;
        case DTI_OPT_MERGE_WEIGHT: o.merge_weight = optarg; break;
        case 'o': o.out = optarg; break;
        case DTI_OPT_FORCE: o.out_flags |= DTI_OUTPUT_FORCE; break;
        case DTI_OPT_REGISTRY: o.registry = optarg; break;
        case DTI_OPT_MODELS: o.models = optarg; break;
        case DTI_OPT_HOME: o.home = optarg; break;
        case 'h': fputs(goal ? S_goal_help : S_stab_help, stdout); return 0;
        default: return dti_cli_bad_option(cmd, c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error(cmd, "unexpected argument");
    if (!o.model)
        return dti_cli_usage_error(cmd, "--model is required");
    if (!wo.province)
        return dti_cli_usage_error(cmd, "--province is required");
    if (goal && !wo.top)
        return dti_cli_usage_error(cmd, "--top is required");
    char *data, *reg, *models;
    S_units un;
    int rc = S_open(cmd, &o, &data, &reg, &models, &un);
    if (rc)
        return rc;
    wo.merger = un.on ? &un.m : NULL;
    wo.reg = un.reg;
    wo.model_path = o.model;
    wo.data_path = data;
    wo.reg_path = reg;
    wo.models_dir = models;
    dti_error err;
    dti_error_init(&err);
    dti_output *out = NULL;
    if (dti_output_open(o.out, o.out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
    } else if ((goal ? dti_tune_goal_report : dti_tune_stability_report)(&wo, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = dti_cli_fail(&err);
    }
    S_units_clear(&un);
    free(data);
    free(reg);
    free(models);
    return rc;
}

int dti_cmd_tune(int argc, char **argv)
{
    if (argc < 2)
        return dti_cli_usage_error("tune", "no tune command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(S_tune_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "fit"))
        return S_cmd_fit(argc - 1, argv + 1);
    if (!strcmp(cmd, "sensitivity"))
        return S_cmd_sensitivity(argc - 1, argv + 1);
    if (!strcmp(cmd, "stability"))
        return S_cmd_what(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "goal"))
        return S_cmd_what(argc - 1, argv + 1, 1);
    char msg[256];
    snprintf(msg, sizeof msg, "unknown tune command '%s'", cmd);
    return dti_cli_usage_error("tune", msg);
}
