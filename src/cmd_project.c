/* cmd_project.c -- `dtirank project` (the main job) and `dtirank backtest`: load the whole record,
 * fit, simulate, report (project.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "project.h"

/* Loads every data/dti/<year>.yaml in year order (up to DTI_PROJECT_MAX_YEARS). */
static int S_load_history(const char *home, const dti_registry *reg, dti_year **years, size_t *n, dti_error *err)
{
    char *dir = dti_cli_join(home, "data/dti"), *models = dti_cli_join(home, "models");
    *n = 0;
    int rc = 0;
    for (int y = 1990; y <= 2100 && !rc && *n < DTI_PROJECT_MAX_YEARS; y++) {
        char name[32];
        snprintf(name, sizeof name, "%d.yaml", y);
        char *path = dti_cli_join(dir, name);
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
    "  -j, --threads T     threads, at most 64 (default: the number of cores)\n"
    "  -f, --format F      text (default), md, csv or json\n"
    "  -a, --all           every province (median rank, 80% interval, P(top K))\n"
    "      --units N       63: the former provinces only; 34: the units of the 2025 reorganisation\n"
    "                      only (default: both frames from the merger year, models/merger.yaml)\n"
    "      --merge-weight C  weight the merger mean by the registry number column C\n"
    "  -o, --out FILE      write to FILE atomically\n"
    DTI_CLI_FORCE_HELP
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
    "  -j, --threads T     threads, at most 64 (default: the number of cores)\n"
    "      --home DIR      the directory holding data/ and models/\n"
    "  -h, --help          show this help\n";


/* Progress on stderr, only when it is a terminal and the run is long enough to need it. */
static void S_progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r%3zu%% of %zu runs", done * 100 / (total ? total : 1), total);
    if (done >= total)
        fputs("\r                              \r", stderr);
}

int dti_cmd_project(int argc, char **argv, int backtest)
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
                                         {"force", no_argument, NULL, DTI_OPT_FORCE},
                                         {"out", required_argument, NULL, 'o'},
                                         {"origin", required_argument, NULL, 'y'},
                                         {"units", required_argument, NULL, DTI_OPT_UNITS},
                                         {"merge-weight", required_argument, NULL, DTI_OPT_MERGE_WEIGHT},
                                         {"home", required_argument, NULL, DTI_OPT_HOME},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cmd = backtest ? "backtest" : "project";
    const char *province = NULL, *model_s = NULL, *format_s = "text", *out_path = NULL, *home = NULL;
    const char *merge_weight = NULL;
    size_t units_opt = 0; /* 0: both frames */
    dti_target cli_targets[16];
    size_t n_cli = 0, seed = 1, runs = backtest ? 20000 : 100000, threads = dti_cli_cores(), until = 2030, origin = 0;
    int all = 0, c;
    unsigned out_flags = 0;
    while ((c = getopt_long(argc, argv, ":p:t:u:m:n:s:j:f:ao:y:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': province = optarg; break;
        case 't': {
            int y;
            size_t k;
            char tail;
            if (n_cli == 16 || strchr(optarg, '-') || sscanf(optarg, "%d:%zu%c", &y, &k, &tail) != 2 || k < 1 ||
                y < 1900 || y > 2200)
                return dti_cli_usage_error(cmd, "--target needs YEAR:K, e.g. 2025:15");
            cli_targets[n_cli].year = y;
            cli_targets[n_cli].top = k;
            n_cli++;
            break;
        }
        case 'u':
            if (dti_cli_parse_size(optarg, 1900, 2200, &until))
                return dti_cli_usage_error(cmd, "--until needs a year such as 2030");
            break;
        case 'm': model_s = optarg; break;
        case 'n':
            if (dti_cli_parse_size(optarg, 1, 100000000, &runs))
                return dti_cli_usage_error(cmd, "--runs needs a whole number from 1 to 100000000");
            break;
        case 's':
            if (dti_cli_parse_size(optarg, 0, 4294967295UL, &seed))
                return dti_cli_usage_error(cmd, "--seed needs a whole number from 0 to 4294967295");
            break;
        case 'j':
            if (dti_cli_parse_size(optarg, 1, DTI_THREADS_MAX, &threads))
                return dti_cli_usage_error(cmd, DTI_CLI_THREADS_ERROR);
            break;
        case 'f': format_s = optarg; break;
        case 'a': all = 1; break;
        case 'o': out_path = optarg; break;
        case DTI_OPT_FORCE: out_flags |= DTI_OUTPUT_FORCE; break;
        case 'y':
            if (dti_cli_parse_size(optarg, 1900, 2200, &origin))
                return dti_cli_usage_error(cmd, "--origin needs a year such as 2021");
            break;
        case DTI_OPT_HOME: home = optarg; break;
        case DTI_OPT_UNITS:
            if (dti_cli_parse_size(optarg, 1, 1000, &units_opt))
                return dti_cli_usage_error(cmd, "--units needs a number such as 34");
            break;
        case DTI_OPT_MERGE_WEIGHT: merge_weight = optarg; break;
        case 'h': fputs(backtest ? S_backtest_help : S_project_help, stdout); return 0;
        default: return dti_cli_bad_option(cmd, c, argv);
        }
    }
    if (optind < argc)
        return dti_cli_usage_error(cmd, "unexpected argument");
    if (backtest && !origin)
        return dti_cli_usage_error(cmd, "--origin YEAR is required");
    dti_error err;
    dti_error_init(&err);
    int format, model = DTI_MODEL_PANEL;
    if (dti_format_parse(format_s, &format, &err) || (model_s && dti_project_model_parse(model_s, &model, &err)))
        return dti_cli_fail(&err);
    home = dti_cli_home(home);
    char *reg_path = dti_cli_join(home, "data/provinces.yaml"), *tgt_path = dti_cli_join(home, "models/targets.yaml");
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
        rc = dti_cli_fail(&err);
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
            rc = dti_cli_usage_error(cmd, "--origin must be a year with a record");
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
                rc = dti_cli_fail(&err);
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
            rc = dti_cli_fail(&tmp);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < n_cli; i++)
        if (cli_targets[i].top > dti_registry_count(reg)) {
            char msg[128];
            snprintf(msg, sizeof msg, "--target %d:%zu: K must be at most %zu", cli_targets[i].year, cli_targets[i].top,
                     dti_registry_count(reg));
            rc = dti_cli_usage_error(cmd, msg);
            goto cleanup;
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
        if (dti_cli_load_merger(home, reg, merge_weight, &rule, &merger, &err)) {
            rc = dti_cli_fail(&err);
            goto cleanup;
        }
        if (units_opt == dti_registry_count(reg)) {
            frame = DTI_FRAME_PROVINCES;
        } else if (units_opt == merger.n_units) {
            frame = DTI_FRAME_UNITS;
        } else if (units_opt) {
            dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "--units must be %zu or %zu", dti_registry_count(reg),
                          merger.n_units);
            rc = dti_cli_fail(&err);
            goto cleanup;
        }
        if (frame != DTI_FRAME_PROVINCES) { /* the provinces' frame alone needs no merged ranking */
            set.merger = &merger;
            set.merge_year = rule.from_year;
        }
    }
    if (dti_project_fit_model(&obs, n_years, model, &fit, &err) || dti_project_simulate(&obs, &fit, &set, &pr, &err) ||
        dti_output_open(out_path, out_flags, &out, &err)) {
        rc = dti_cli_fail(&err);
        goto cleanup;
    }
    dti_project_report rep = {.obs = &obs, .fit = &fit, .set = &set, .pr = &pr, .reg = reg, .province = prov,
                              .all = all, .merger = &merger, .frame = frame, .targets = targets,
                              .n_targets = n_targets};
    if (dti_project_write(&rep, format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        rc = dti_cli_fail(&err);
        goto cleanup;
    }
    if (dti_output_commit(out, &err))
        rc = dti_cli_fail(&err);
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

