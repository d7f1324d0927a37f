/* cmd_project.c -- `dtirank project` (the main job) and `dtirank backtest`: load the whole record,
 * fit, simulate, report (project.h; the backtest through present_misc.c and the report layer). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "present.h"
#include "project.h"

/* Loads every data/dti/<year>.yaml in year order (up to DTI_PROJECT_MAX_YEARS). */
static int S_load_history(dti_cli_inputs *in, dti_year **years, size_t *n, char **paths, dti_error *err)
{
    int list[DTI_PROJECT_MAX_YEARS];
    size_t n_list = dti_cli_years(in, list, DTI_PROJECT_MAX_YEARS);
    *n = 0;
    int rc = 0;
    for (size_t k = 0; k < n_list && !rc; k++) {
        size_t len = strlen(in->dti_dir) + 16;
        paths[k] = calloc(len, 1);
        if (!paths[k])
            abort();
        snprintf(paths[k], len, "%s/%d.yaml", in->dti_dir, list[k]);
        if (!(rc = dti_cli_year(in, paths[k], &years[*n], err)))
            (*n)++;
    }
    if (!rc && *n == 0)
        rc = dti_error_set(err, DTI_ERR_INPUT, in->dti_dir, 0, 0, "no year records found");
    return rc;
}

static const char S_project_usage[] =
    "Usage: dtirank project [--province P] [--target YEAR:K]... [--until YEAR] [--model M]\n"
    "                       [--runs N] [--seed S] [--threads T] [--format F] [--all] [--out FILE]\n"
    "How likely a province is to reach a target rank: Monte Carlo of the whole field of provinces\n"
    "from the public record (every exact rank, every bound, the top-10 lists) to a future year.\n"
    "\n"
    "  -p, --province P        code, Vietnamese or ASCII name (default: the first province of\n"
    "                          models/targets.yaml, Thái Nguyên)\n"
    "  -t, --target Y:K        P(rank <= K) in year Y; repeatable (default: the province's targets in\n"
    "                          models/targets.yaml: 2025:15 and 2030:10 for Thái Nguyên)\n"
    "  -u, --until Y           last projected year (default 2030)\n"
    "  -m, --model M           persistence, trend or panel (default panel; see docs/projection.md)\n"
    "  -n, --runs N            simulated runs (default 100000)\n"
    "  -s, --seed S            random seed (default 1); same seed => identical output at any thread count\n"
    "  -j, --threads T         threads (default: the number of cores)\n"
    "  -a, --all               every province (median rank, 80% interval, P(top K))\n"
    "      --units N           63: the former provinces only; 34: the units of the 2025 reorganisation\n"
    "                          only (default: both frames from the merger year, models/merger.yaml)\n";

static const char S_backtest_usage[] =
    "Usage: dtirank backtest --origin YEAR [--model M] [--runs N] [--seed S] [--threads T]\n"
    "Fits each model on the years up to YEAR and scores its forecasts of the later observed years:\n"
    "rank mean absolute error and Spearman rho (median vs observed exact ranks), share of observed\n"
    "ranks inside the 80% interval, Brier and log scores of top-10 and top-15 membership (where the\n"
    "record decides membership).  All models are shown side by side unless --model is given.\n"
    "\n"
    "  -y, --origin YEAR       last year used for fitting\n"
    "  -m, --model M           only this model (persistence, trend, panel)\n"
    "  -n, --runs N            simulated runs (default 20000)\n"
    "  -s, --seed S            random seed (default 1)\n"
    "  -j, --threads T         threads (default: the number of cores)\n";

/* Progress on stderr, only when it is a terminal and the run is long enough to need it. */
static void S_progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r%3zu%% of %zu runs", done * 100 / (total ? total : 1), total);
    if (done >= total)
        fputs("\r                              \r", stderr);
}

enum { S_OPT_TARGET, S_OPT_UNTIL, S_OPT_ALL, S_OPT_ORIGIN };

typedef struct S_args {
    dti_target targets[16];
    size_t n_targets, until, origin;
    int all, backtest;
} S_args;

static const char *S_option(void *ctx, int id, const char *arg)
{
    S_args *a = ctx;
    switch (id) {
    case S_OPT_TARGET: {
        int y;
        size_t k;
        char tail;
        if (a->n_targets == 16 || strchr(arg, '-') || sscanf(arg, "%d:%zu%c", &y, &k, &tail) != 2 || k < 1 ||
            y < DTI_YEAR_MIN || y > DTI_YEAR_MAX)
            return "--target needs YEAR:K, e.g. 2025:15";
        a->targets[a->n_targets].year = y;
        a->targets[a->n_targets].top = k;
        a->n_targets++;
        return NULL;
    }
    case S_OPT_UNTIL:
        return dti_cli_parse_size(arg, DTI_YEAR_MIN, DTI_YEAR_MAX, &a->until) ? "--until needs a year such as 2030"
                                                                               : NULL;
    case S_OPT_ALL:
        a->all = 1;
        return NULL;
    default:
        return dti_cli_parse_size(arg, DTI_YEAR_MIN, DTI_YEAR_MAX, &a->origin) ? "--origin needs a year such as 2021"
                                                                                : NULL;
    }
}

/* The backtest of each model (or of --model's) from the origin year. */
static int S_backtest(dti_cli_inputs *in, const dti_project_obs *obs, size_t n_years, const dti_project_settings *set,
                      size_t origin, int model, dti_error *err)
{
    size_t oi = 0;
    while (oi < n_years && obs->year[oi] != (int)origin)
        oi++;
    if (oi == n_years)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--origin must be a year with a record");
    dti_backtest_score sc[3];
    size_t n = 0;
    for (int mdl = 0; mdl < 3; mdl++) {
        if (in->model && mdl != model)
            continue;
        int rc = dti_backtest_run(obs, oi, mdl, set, &sc[n++], err);
        if (rc)
            return rc;
    }
    dti_report *doc = dti_present_backtest(obs, oi, set, sc, n);
    int status = dti_cli_emit(in, doc);
    dti_report_free(doc);
    return status ? -1 : DTI_OK;
}

static const char *S_check(const dti_cli_inputs *in, const void *ctx)
{
    (void)in;
    const S_args *a = ctx;
    return a->backtest && !a->origin ? "--origin YEAR is required" : NULL;
}

static int S_project(dti_cli_inputs *in, void *ctx)
{
    S_args *a = ctx;
    int backtest = a->backtest, rc;
    dti_error err;
    dti_error_init(&err);
    int model = DTI_MODEL_PANEL;
    if (in->model && dti_project_model_parse(in->model, &model, &err))
        return dti_cli_fail(&err);
    char *tgt_path = calloc(strlen(in->models_dir) + 16, 1), *paths[DTI_PROJECT_MAX_YEARS] = {0};
    if (!tgt_path)
        abort();
    sprintf(tgt_path, "%s/targets.yaml", in->models_dir);
    dti_year *years[DTI_PROJECT_MAX_YEARS] = {0};
    size_t n_years = 0, n_targets = 0;
    dti_target *targets = NULL;
    dti_project_obs obs = {0};
    dti_project_fit fit = {0};
    dti_projection pr = {0};
    dti_output *out = NULL;
    int frame = -1;
    rc = 0;
    if (dti_cli_registry(in, &err) || S_load_history(in, years, &n_years, paths, &err) ||
        dti_targets_load(tgt_path, in->reg, &targets, &n_targets, &err) ||
        dti_project_obs_init(&obs, (const dti_year *const *)years, n_years, in->reg, &err))
        goto cleanup;
    dti_cli_input(in, tgt_path);
    dti_project_settings set = {.runs = in->runs_given ? in->runs : backtest ? 20000 : 100000,
                                .seed = (unsigned long)in->seed,
                                .threads = in->threads_given ? in->threads : dti_cli_cores(),
                                .until = (int)a->until,
                                .origin_index = n_years - 1};
    if (isatty(STDERR_FILENO) && set.runs >= 100000)
        set.progress = S_progress;
    if (backtest) {
        int r = S_backtest(in, &obs, n_years, &set, a->origin, model, &err);
        rc = r < 0 ? 1 : 0;
        goto cleanup;
    }
    size_t prov = n_targets ? targets[0].province : 0;
    if (in->province) {
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_registry_find(in->reg, in->province, &prov, &tmp)) {
            rc = dti_cli_fail(&tmp);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < a->n_targets; i++)
        if (a->targets[i].top > dti_registry_count(in->reg)) {
            char msg[128];
            snprintf(msg, sizeof msg, "--target %d:%zu: K must be at most %zu", a->targets[i].year, a->targets[i].top,
                     dti_registry_count(in->reg));
            rc = dti_cli_usage(in->cmd, "%s", msg);
            goto cleanup;
        }
    if (a->n_targets) { /* command-line targets replace the file's, for the chosen province */
        for (size_t i = 0; i < a->n_targets; i++)
            a->targets[i].province = prov;
        free(targets);
        targets = malloc(a->n_targets * sizeof *targets);
        if (!targets)
            abort();
        memcpy(targets, a->targets, a->n_targets * sizeof *targets);
        n_targets = a->n_targets;
    }
    /* the merged frame, by the rule of models/merger.yaml */
    int units = 0;
    if (dti_cli_merger(in, &err) || dti_cli_units(in, &units, &err))
        goto cleanup;
    frame = !in->units ? -1 : units ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
    if (frame != DTI_FRAME_PROVINCES) { /* the provinces' frame alone needs no merged ranking */
        set.merger = &in->merger;
        set.merge_year = in->rule.from_year;
    }
    if (dti_project_fit_model(&obs, n_years, model, &fit, &err) || dti_project_simulate(&obs, &fit, &set, &pr, &err) ||
        dti_cli_output(in, &out, &err))
        goto cleanup;
    dti_project_report rep = {.obs = &obs, .fit = &fit, .set = &set, .pr = &pr, .reg = in->reg, .province = prov,
                              .all = a->all, .merger = &in->merger, .frame = frame, .targets = targets,
                              .n_targets = n_targets};
    if (dti_project_write(&rep, in->format, dti_output_stream(out), &err)) {
        dti_output_abort(out);
        goto cleanup;
    }
    dti_output_commit(out, &err);
cleanup:
    if (err.n && !rc)
        rc = dti_cli_fail(&err);
    dti_projection_clear(&pr);
    dti_project_fit_clear(&fit);
    dti_project_obs_clear(&obs);
    free(targets);
    for (size_t i = 0; i < n_years; i++)
        dti_year_free(years[i]);
    for (size_t i = 0; i < DTI_PROJECT_MAX_YEARS; i++)
        free(paths[i]);
    free(tgt_path);
    return rc;
}

int dti_cmd_project(int argc, char **argv, int backtest)
{
    static const dti_cli_opt pro[] = {{"target", required_argument, 't', S_OPT_TARGET},
                                      {"until", required_argument, 'u', S_OPT_UNTIL},
                                      {"all", no_argument, 'a', S_OPT_ALL}};
    static const dti_cli_opt bt[] = {{"origin", required_argument, 'y', S_OPT_ORIGIN}};
    static const dti_cli_spec spec_project = {
        "project", DTI_IN_PLACES | DTI_IN(FORMAT) | DTI_IN(OUT) | DTI_IN(BOM) | DTI_IN(PROVINCE) | DTI_IN(MODEL) |
                       DTI_IN_MC | DTI_IN_MERGER,
        pro, 3, S_option, 0, NULL, S_project_usage, NULL};
    static const dti_cli_spec spec_backtest = {"backtest", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN_MC,
                                               bt, 1, S_option, 0, S_check, S_backtest_usage, NULL};
    S_args a = {.until = 2030, .backtest = backtest};
    return dti_cli_run(backtest ? &spec_backtest : &spec_project, &a, S_project, argc, argv);
}
