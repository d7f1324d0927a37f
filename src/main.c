/* main.c -- the dtirank command line: argv -> library calls -> output and exit status, nothing else.
 * Exit status: 0 success, 1 bad input or usage, 2 internal error. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "audit.h"
#include "dtirank.h"
#include "merger.h"
#include "project.h"

int dti_tune_main(int argc, char **argv); /* main_tune.c: `dtirank tune ...` */

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

/* getopt_long's own messages are off (opterr = 0): one message of ours names the option. */
static int S_bad_option(const char *cmd, int c, char **argv)
{
    char msg[256];
    const char *opt = argv[optind - 1];
    if (c == ':')
        snprintf(msg, sizeof msg, "option '%s' needs a value", opt);
    else
        snprintf(msg, sizeof msg, "unknown option '%s'", opt);
    return S_usage_error(cmd, msg);
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
    "  score      composite scores of a model on a data table (normalise, treat, aggregate, rank)\n"
    "  audit      statistics of a model on its data: correlations, alpha, PCA, effective weights\n"
    "  project    P(top k) and rank intervals of a province in future years (the main job)\n"
    "  backtest   forecast honesty: fit up to an origin year, score the later observed years\n"
    "  tune       weight tuning: implied weights, uncertainty and sensitivity, stability, goals\n"
    "\n"
    "Options:\n"
    "  -h, --help      show this help (and 'dtirank COMMAND --help' for a command)\n"
    "  -V, --version   show the version\n"
    "\n"
    "Data are read from DIR/data and DIR/models, where DIR is --home, $DTIRANK_HOME or the\n"
    "directory dtirank was built in.  See docs/guide.md.\n";

static int S_parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || *s == '-' || v < lo || v > hi)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* The merger setting: models/merger.yaml names the map (data/<map>.yaml) and the rule; --merge-weight
 * overrides the rule's weight column. */
static int S_load_merger(const char *home, const dti_registry *reg, const char *weight, dti_merger_rule *rule,
                         dti_merger *m, dti_error *err)
{
    char *rule_path = S_join(home, "models/merger.yaml");
    int rc = dti_merger_rule_load(rule_path, rule, err);
    free(rule_path);
    if (rc)
        return rc;
    char name[256];
    snprintf(name, sizeof name, "data/%s.yaml", rule->map);
    char *map_path = S_join(home, name);
    rc = dti_merger_load(map_path, reg, m, err);
    free(map_path);
    if (!rc && (rc = dti_merger_set_weights(m, reg, weight ? weight : rule->weight, err)))
        dti_merger_clear(m);
    if (rc) /* nothing stays loaded on failure */
        dti_merger_rule_clear(rule);
    return rc;
}

static const char S_rank_help[] =
    "Usage: dtirank rank [--year Y] [--by NODE] [--format text|md|csv|json] [--out FILE]\n"
    "The ranking table of year Y (default: the latest year with data).\n"
    "\n"
    "  -y, --year Y        the year (reads DIR/data/dti/Y.yaml)\n"
    "  -d, --data FILE     read this year record instead\n"
    "  -b, --by NODE       rank by dti (default), gov, econ, society or any node of the model\n"
    "  -f, --format F      text (default, aligned for a terminal), md, csv (RFC 4180) or json\n"
    "  -o, --out FILE      write to FILE atomically (never an input file); default standard output\n"
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

enum { OPT_REGISTRY = 256, OPT_MODELS, OPT_HOME, OPT_UNITS, OPT_MERGE_WEIGHT };

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
                                         {"units", required_argument, NULL, OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, OPT_MERGE_WEIGHT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *units_s = NULL, *merge_weight = NULL;
    const char *year_s = NULL, *data = NULL, *by = "dti", *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:b:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'y': year_s = optarg; break;
        case 'd': data = optarg; break;
        case 'b': by = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case OPT_UNITS: units_s = optarg; break;
        case OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case 'h': fputs(S_rank_help, stdout); return 0;
        default: return S_bad_option("rank", c, argv);
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
    size_t units = reg ? dti_registry_count(reg) : 0;
    if (units_s && (S_parse_size(units_s, 1, 1000, &units) || !units)) {
        dti_output_abort(out);
        rc = S_usage_error("rank", "--units needs a number such as 34");
        goto cleanup;
    }
    if (units != dti_registry_count(reg) || merge_weight) {
        dti_merger_rule rule;
        dti_merger m;
        memset(&m, 0, sizeof m);
        if (S_load_merger(home, reg, merge_weight, &rule, &m, &err)) {
            dti_output_abort(out);
            rc = S_fail(&err);
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
            rc = S_fail(&err);
            goto cleanup;
        }
    } else if (dti_table_write(yr, reg, by, format, dti_output_stream(out), &err)) {
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

/* Loads every data/dti/<year>.yaml in year order (up to DTI_PROJECT_MAX_YEARS). */
static int S_load_history(const char *home, const dti_registry *reg, dti_year **years, size_t *n, dti_error *err)
{
    char *dir = S_join(home, "data/dti"), *models = S_join(home, "models");
    *n = 0;
    int rc = 0;
    for (int y = 1990; y <= 2100 && !rc && *n < DTI_PROJECT_MAX_YEARS; y++) {
        char name[32];
        snprintf(name, sizeof name, "%d.yaml", y);
        char *path = S_join(dir, name);
        if (access(path, R_OK) == 0) {
            rc = dti_year_load(path, reg, models, &years[*n], err);
            if (!rc)
                (*n)++;
        }
        free(path);
    }
    if (!rc && *n == 0)
        rc = dti_error_set(err, DTI_ERR_INPUT, dir, 0, 0, "no year records found");
    free(dir);
    free(models);
    return rc;
}

static const char S_project_help[] =
    "Usage: dtirank project [--province P] [--target YEAR:K]... [--until YEAR] [--model M]\n"
    "                       [--runs N] [--seed S] [--threads T] [--format F] [--all] [--out FILE]\n"
    "How likely a province is to reach a target rank: Monte Carlo of the whole field of provinces\n"
    "from the public record (every exact rank, every bound, the top-10 lists) to a future year.\n"
    "\n"
    "  -p, --province P    code, Vietnamese or ASCII name (default: the first province of\n"
    "                      models/targets.yaml, Thái Nguyên)\n"
    "  -t, --target Y:K    P(rank <= K) in year Y; repeatable (default: the province's targets in\n"
    "                      models/targets.yaml: 2025:15 and 2030:10 for Thái Nguyên)\n"
    "  -u, --until Y       last projected year (default 2030)\n"
    "  -m, --model M       persistence, trend or panel (default panel; see docs/projection.md)\n"
    "  -n, --runs N        simulated runs (default 100000)\n"
    "  -s, --seed S        random seed (default 1); same seed => identical output at any thread count\n"
    "  -j, --threads T     threads (default: the number of cores)\n"
    "  -f, --format F      text (default), md, csv or json\n"
    "  -a, --all           every province (median rank, 80% interval, P(top K))\n"
    "      --units N       63: the former provinces only; 34: the units of the 2025 reorganisation\n"
    "                      only (default: both frames from the merger year, models/merger.yaml)\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "  -o, --out FILE      write to FILE atomically\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

static const char S_backtest_help[] =
    "Usage: dtirank backtest --origin YEAR [--model M] [--runs N] [--seed S] [--threads T]\n"
    "Fits each model on the years up to YEAR and scores its forecasts of the later observed years:\n"
    "rank mean absolute error and Spearman rho (median vs observed exact ranks), share of observed\n"
    "ranks inside the 80% interval, Brier and log scores of top-10 and top-15 membership (where the\n"
    "record decides membership).  All models are shown side by side unless --model is given.\n"
    "\n"
    "  -y, --origin YEAR   last year used for fitting\n"
    "  -m, --model M       only this model (persistence, trend, panel)\n"
    "  -n, --runs N        simulated runs (default 20000)\n"
    "  -s, --seed S        random seed (default 1)\n"
    "  -j, --threads T     threads (default: the number of cores)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";


static size_t S_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

/* Progress on stderr, only when it is a terminal and the run is long enough to need it. */
static void S_progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r%3zu%% of %zu runs", done * 100 / (total ? total : 1), total);
    if (done >= total)
        fputs("\r                              \r", stderr);
}

static int S_cmd_project(int argc, char **argv, int backtest)
{
    static const struct option opts[] = {{"province", required_argument, NULL, 'p'},
                                         {"target", required_argument, NULL, 't'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"runs", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"all", no_argument, NULL, 'a'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"origin", required_argument, NULL, 'y'},
                                         {"units", required_argument, NULL, OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, OPT_MERGE_WEIGHT},
                                         {"home", required_argument, NULL, OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = backtest ? "backtest" : "project";
    const char *province = NULL, *model_s = NULL, *format_s = "text", *out_path = NULL, *home = NULL;
    const char *merge_weight = NULL;
    size_t units_opt = 0; /* 0: both frames */
    dti_target cli_targets[16];
    size_t n_cli = 0, seed = 1, runs = backtest ? 20000 : 100000, threads = S_cores(), until = 2030, origin = 0;
    int all = 0, c;
    while ((c = getopt_long(argc, argv, ":p:t:u:m:n:s:j:f:ao:y:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': province = optarg; break;
        case 't': {
            int y;
            size_t k;
            char tail;
            if (n_cli == 16 || sscanf(optarg, "%d:%zu%c", &y, &k, &tail) != 2 || k < 1 || y < 1900 || y > 2200)
                return S_usage_error(cmd, "--target needs YEAR:K, e.g. 2025:15");
            cli_targets[n_cli].year = y;
            cli_targets[n_cli].top = k;
            n_cli++;
            break;
        }
        case 'u':
            if (S_parse_size(optarg, 1900, 2200, &until))
                return S_usage_error(cmd, "--until needs a year such as 2030");
            break;
        case 'm': model_s = optarg; break;
        case 'n':
            if (S_parse_size(optarg, 1, 100000000, &runs))
                return S_usage_error(cmd, "--runs needs a whole number from 1 to 100000000");
            break;
        case 's':
            if (S_parse_size(optarg, 0, 4294967295UL, &seed))
                return S_usage_error(cmd, "--seed needs a whole number from 0 to 4294967295");
            break;
        case 'j':
            if (S_parse_size(optarg, 1, 256, &threads))
                return S_usage_error(cmd, "--threads needs a whole number from 1 to 256");
            break;
        case 'f': format_s = optarg; break;
        case 'a': all = 1; break;
        case 'o': out_path = optarg; break;
        case 'y':
            if (S_parse_size(optarg, 1900, 2200, &origin))
                return S_usage_error(cmd, "--origin needs a year such as 2021");
            break;
        case OPT_HOME: home = optarg; break;
        case OPT_UNITS:
            if (S_parse_size(optarg, 1, 1000, &units_opt))
                return S_usage_error(cmd, "--units needs a number such as 34");
            break;
        case OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case 'h': fputs(backtest ? S_backtest_help : S_project_help, stdout); return 0;
        default: return S_bad_option(cmd, c, argv);
        }
    }
    if (optind < argc)
        return S_usage_error(cmd, "unexpected argument");
    if (backtest && !origin)
        return S_usage_error(cmd, "--origin YEAR is required");
    dti_error err;
    dti_error_init(&err);
    int format, model = DTI_MODEL_PANEL;
    if (dti_format_parse(format_s, &format, &err) || (model_s && dti_project_model_parse(model_s, &model, &err)))
        return S_fail(&err);
    home = S_home(home);
    char *reg_path = S_join(home, "data/provinces.yaml"), *tgt_path = S_join(home, "models/targets.yaml");
    dti_registry *reg = NULL;
    dti_year *years[DTI_PROJECT_MAX_YEARS] = {0};
    size_t n_years = 0, n_targets = 0;
    dti_target *targets = NULL;
    dti_project_obs obs = {0};
    dti_project_fit fit = {0};
    dti_projection pr = {0};
    dti_output *out = NULL;
    dti_merger merger = {0};
    dti_merger_rule rule = {0};
    int rc = 0, frame = -1;
    if (dti_registry_load(reg_path, &reg, &err) || S_load_history(home, reg, years, &n_years, &err) ||
        dti_targets_load(tgt_path, reg, &targets, &n_targets, &err) ||
        dti_project_obs_init(&obs, (const dti_year *const *)years, n_years, reg, &err)) {
        rc = S_fail(&err);
        goto cleanup;
    }
    dti_project_settings set = {.runs = runs, .seed = (unsigned long)seed, .threads = threads, .until = (int)until,
                                .origin_index = n_years - 1};
    if (isatty(STDERR_FILENO) && runs >= 100000)
        set.progress = S_progress;
    if (backtest) {
        size_t oi = 0;
        while (oi < n_years && obs.year[oi] != (int)origin)
            oi++;
        if (oi == n_years) {
            rc = S_usage_error(cmd, "--origin must be a year with a record");
            goto cleanup;
        }
        printf("Backtest: fit on %d–%d, forecast %d–%d (%zu runs, seed %zu)\n\n", obs.year[0], obs.year[oi],
               oi + 1 < n_years ? obs.year[oi + 1] : obs.year[oi], obs.year[n_years - 1], runs, seed);
        printf("model        exact  rank MAE  Spearman  in 80%%  n(top10)  Brier10  log10  n(top15)  Brier15  log15\n");
        for (int mdl = 0; mdl < 3; mdl++) {
            if (model_s && mdl != model)
                continue;
            dti_backtest_score sc;
            if (dti_backtest_run(&obs, oi, mdl, &set, &sc, &err)) {
                rc = S_fail(&err);
                goto cleanup;
            }
            printf("%-11s  %5zu  %8.2f  %8.3f  %6.2f  %8zu  %7.3f  %5.3f  %8zu  %7.3f  %5.3f\n", dti_project_model_name(mdl),
                   sc.n_exact, sc.mae, sc.spearman, sc.coverage80, sc.n_top10, sc.brier10, sc.log10, sc.n_top15,
                   sc.brier15, sc.log15);
        }
        goto cleanup;
    }
    size_t prov = n_targets ? targets[0].province : 0;
    if (province) {
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_registry_find(reg, province, &prov, &tmp)) {
            rc = S_fail(&tmp);
            goto cleanup;
        }
    }
    if (n_cli) { /* command-line targets replace the file's, for the chosen province */
        for (size_t i = 0; i < n_cli; i++)
            cli_targets[i].province = prov;
        free(targets);
        targets = malloc(n_cli * sizeof *targets);
        if (!targets)
            abort();
        memcpy(targets, cli_targets, n_cli * sizeof *targets);
        n_targets = n_cli;
    }
    if (!backtest) { /* the merged frame, by the rule of models/merger.yaml */
        if (S_load_merger(home, reg, merge_weight, &rule, &merger, &err)) {
            rc = S_fail(&err);
            goto cleanup;
        }
        if (units_opt == dti_registry_count(reg)) {
            frame = DTI_FRAME_PROVINCES;
        } else if (units_opt == merger.n_units) {
            frame = DTI_FRAME_UNITS;
        } else if (units_opt) {
            dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "--units must be %zu or %zu", dti_registry_count(reg),
                          merger.n_units);
            rc = S_fail(&err);
            goto cleanup;
        }
        if (frame != DTI_FRAME_PROVINCES) { /* the provinces' frame alone needs no merged ranking */
            set.merger = &merger;
            set.merge_year = rule.from_year;
        }
    }
    const char *inputs[] = {reg_path, tgt_path};
    if (dti_project_fit_model(&obs, n_years, model, &fit, &err) || dti_project_simulate(&obs, &fit, &set, &pr, &err) ||
        dti_output_open(out_path, inputs, 2, &out, &err)) {
        rc = S_fail(&err);
        goto cleanup;
    }
    dti_project_report rep = {.obs = &obs, .fit = &fit, .set = &set, .pr = &pr, .reg = reg, .province = prov,
                              .all = all, .merger = &merger, .frame = frame, .targets = targets,
                              .n_targets = n_targets};
    if (dti_project_write(&rep, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = S_fail(&err);
        goto cleanup;
    }
    if (dti_output_commit(out, &err))
        rc = S_fail(&err);
cleanup:
    dti_merger_clear(&merger);
    dti_merger_rule_clear(&rule);
    dti_projection_clear(&pr);
    dti_project_fit_clear(&fit);
    dti_project_obs_clear(&obs);
    free(targets);
    for (size_t i = 0; i < n_years; i++)
        dti_year_free(years[i]);
    dti_registry_free(reg);
    free(reg_path);
    free(tgt_path);
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
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case 'h': fputs(S_validate_help, stdout); return 0;
        default: return S_bad_option("validate", c, argv);
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
    "      --detail        add every normalised indicator (and, in json, the outlier treatment log)\n"
    "      --units N       34: scores of the units of the 2025 reorganisation (main indicators merged\n"
    "                      by the rule of models/merger.yaml, then aggregated; docs/merger.md)\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "      --registry FILE province registry for year records (default DIR/data/provinces.yaml)\n"
    "      --models DIR    frameworks named by year records (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

static int S_cmd_score(int argc, char **argv)
{
    enum { OPT_DETAIL = 512 };
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"detail", no_argument, NULL, OPT_DETAIL},
                                         {"units", required_argument, NULL, OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, OPT_MERGE_WEIGHT},
                                         {"registry", required_argument, NULL, OPT_REGISTRY},
                                         {"models", required_argument, NULL, OPT_MODELS},
                                         {"home", required_argument, NULL, OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *model = NULL, *data = NULL, *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    const char *year_s = NULL, *units_s = NULL, *merge_weight = NULL;
    int c, detail = 0;
    while ((c = getopt_long(argc, argv, ":m:d:y:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'y': year_s = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_DETAIL: detail = 1; break;
        case OPT_UNITS: units_s = optarg; break;
        case OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case 'h': fputs(S_score_help, stdout); return 0;
        default: return S_bad_option("score", c, argv);
        }
    }
    if (optind < argc)
        return S_usage_error("score", "unexpected argument");
    if (year_s && data)
        return S_usage_error("score", "give --data or --year, not both");
    char *end = NULL;
    long year = year_s ? strtol(year_s, &end, 10) : 0;
    if (year_s && (!*year_s || *end || year < 1900 || year > 2200))
        return S_usage_error("score", "--year needs a year such as 2022");
    if (!model || (!data && !year_s))
        return S_usage_error("score", "--model and --data (or --year) are required");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return S_fail(&err);
    home = S_home(home);
    char *reg_path = registry ? strdup(registry) : S_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : S_join(home, "models");
    char *year_path = NULL;
    if (year_s) {
        char rel[64];
        snprintf(rel, sizeof rel, "data/dti/%ld.yaml", year);
        data = year_path = S_join(home, rel);
    }
    const char *inputs[] = {model, data, reg_path};
    dti_score *sc = NULL, *merged = NULL;
    dti_output *out = NULL;
    dti_registry *reg = NULL;
    dti_merger merger = {0};
    dti_merger_rule rule = {0};
    size_t units = 0;
    int rc = 0;
    if (units_s && S_parse_size(units_s, 1, 1000, &units)) {
        free(year_path);
        free(reg_path);
        free(models_dir);
        return S_usage_error("score", "--units needs a number such as 34");
    }
    if (dti_score_compute(model, data, reg_path, models_dir, &sc, &err)) {
        rc = S_fail(&err);
    } else if ((units || merge_weight) &&
               (dti_registry_load(reg_path, &reg, &err) || S_load_merger(home, reg, merge_weight, &rule, &merger, &err) ||
                (units && units != merger.n_units &&
                 dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "the merger map has %zu units, not %zu", merger.n_units,
                               units)) ||
                dti_score_merge(sc, reg, &merger, &merged, &err))) {
        rc = S_fail(&err);
    } else if (dti_output_open(out_path, inputs, 3, &out, &err)) {
        rc = S_fail(&err);
    } else if (dti_score_write(merged ? merged : sc, format, detail, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = S_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = S_fail(&err);
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
    "      --registry FILE province registry for year records (default DIR/data/provinces.yaml)\n"
    "      --models DIR    frameworks named by year records (default DIR/models)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";

static int S_cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"registry", required_argument, NULL, OPT_REGISTRY},
                                         {"models", required_argument, NULL, OPT_MODELS},
                                         {"home", required_argument, NULL, OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *model = NULL, *data = NULL, *format_s = "text", *out_path = NULL;
    const char *registry = NULL, *models = NULL, *home = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":m:d:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 'f': format_s = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_REGISTRY: registry = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_HOME: home = optarg; break;
        case 'h': fputs(S_audit_help, stdout); return 0;
        default: return S_bad_option("audit", c, argv);
        }
    }
    if (optind < argc)
        return S_usage_error("audit", "unexpected argument");
    if (!model || !data)
        return S_usage_error("audit", "--model and --data are required");
    dti_error err;
    dti_error_init(&err);
    int format;
    if (dti_format_parse(format_s, &format, &err))
        return S_fail(&err);
    if (format == DTI_FORMAT_MD) {
        dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "audit writes text, csv or json");
        return S_fail(&err);
    }
    home = S_home(home);
    char *reg_path = registry ? strdup(registry) : S_join(home, "data/provinces.yaml");
    char *models_dir = models ? strdup(models) : S_join(home, "models");
    const char *inputs[] = {model, data, reg_path};
    dti_audit *au = NULL;
    dti_output *out = NULL;
    int rc = 0;
    if (dti_audit_compute(model, data, reg_path, models_dir, &au, &err) ||
        dti_output_open(out_path, inputs, 3, &out, &err)) {
        rc = S_fail(&err);
    } else if (dti_audit_write(au, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = S_fail(&err);
    } else if (dti_output_commit(out, &err)) {
        rc = S_fail(&err);
    }
    dti_audit_free(au);
    free(reg_path);
    free(models_dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return S_usage_error(NULL, "no command given");
    const char *cmd = argv[1];
    opterr = 0;
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
    if (!strcmp(cmd, "score"))
        return S_cmd_score(argc - 1, argv + 1);
    if (!strcmp(cmd, "audit"))
        return S_cmd_audit(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return S_cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "project"))
        return S_cmd_project(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "backtest"))
        return S_cmd_project(argc - 1, argv + 1, 1);
    if (!strcmp(cmd, "tune"))
        return dti_tune_main(argc - 1, argv + 1); /* main_tune.c */
    char msg[256];
    snprintf(msg, sizeof msg, "unknown command '%s'", cmd);
    return S_usage_error(NULL, msg);
}
