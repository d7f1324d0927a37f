/* cmd_project.c -- `dtirank project` (the main job) and `dtirank backtest`: load the whole record, the
 * targets and models/projection.yaml; compute (project_run.c, backtest.c); present (present_project.c)
 * through the report layer. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "present.h"
#include "project.h"

static const char S_project_usage[] =
    "Usage: dtirank project [--province P] [--target YEAR:K]... [--until YEAR] [--model M] [OPTIONS]\n"
    "How likely a province is to reach a target rank: the whole field simulated from the public record\n"
    "(values where a year has them all, ranks and bounds elsewhere) by the model of models/projection.yaml,\n"
    "among the 34 units of the 2025 reorganisation and, hypothetically, among the 63 former provinces.\n"
    "\n"
    "  -p, --province P        code, Vietnamese, ASCII name or alias (default: the first province of\n"
    "                          models/targets.yaml, Thái Nguyên)\n"
    "  -t, --target Y:K        rank <= K in year Y; repeatable (default: the province's targets in\n"
    "                          models/targets.yaml: 2025:15 and 2030:10 for Thái Nguyên)\n"
    "  -u, --until Y           last projected year (default: models/projection.yaml, 2030)\n"
    "  -m, --model M           persistence, trend, panel, ar1, ar1-breaks, effects, effects-breaks or\n"
    "                          effects-breaks-t (default: models/projection.yaml; docs/projection.md)\n"
    "  -n, --runs N            simulated runs (default: models/projection.yaml, 100000)\n"
    "      --compare N         runs of each other candidate model for the model dependence (default:\n"
    "                          models/projection.yaml, 20000; 0: none)\n"
    "  -s, --seed S            random seed (default 1); same seed => identical output at any thread count\n"
    "  -j, --threads T         threads, at most 64 (default: the number of cores)\n"
    "  -a, --all               every province and unit (the forecast rows; csv and json)\n"
    "      --units N           34: the units of the 2025 reorganisation only; 63: the former provinces\n"
    "                          only (default: both)\n"
    "      --settings FILE     projection settings (default DIR/models/projection.yaml)\n";

static const char S_backtest_usage[] =
    "Usage: dtirank backtest [--origin YEAR]... [--model M]... [OPTIONS]\n"
    "Forecast honesty: each model fitted on the record up to each origin, its forecasts of every later year\n"
    "of the record scored (log score, 50% and 80% coverage, CRPS, Brier and log scores of top-10 and top-15\n"
    "membership, rank MAE, PIT), among the 63 provinces and, for 2024, the 34 units; then the\n"
    "pre-registered choice of the default model (docs/projection.md).\n"
    "\n"
    "  -y, --origin YEAR       an origin (repeatable; default: models/projection.yaml, 2021 2022 2023)\n"
    "  -m, --model M           only this model (repeatable; default: every candidate)\n"
    "  -n, --runs N            simulated runs per forecast (default: models/projection.yaml, 20000)\n"
    "  -s, --seed S            random seed (default 1)\n"
    "  -j, --threads T         threads, at most 64 (default: the number of cores)\n"
    "      --settings FILE     projection settings (default DIR/models/projection.yaml)\n";

static const char S_backtest_notes[] =
    "Tables: scores (csv/json: every model, frame, origin and target year, and the pooled rows), choice,\n"
    "by_origin, pit.  The fits run the sampler of models/projection.yaml once per model and origin: a\n"
    "minute or two for every candidate.\n";

enum { S_OPT_TARGET, S_OPT_UNTIL, S_OPT_ALL, S_OPT_ORIGIN, S_OPT_SETTINGS, S_OPT_COMPARE, S_OPT_MODEL };

typedef struct S_args {
    dti_target targets[16];
    size_t n_targets, until, compare;
    int origins[DTI_PROJECT_MAX_YEARS];
    size_t n_origins;
    int models[DTI_MODEL_COUNT];
    size_t n_models;
    int all, backtest, compare_given;
    const char *settings;
} S_args;

static const char *S_option(void *ctx, int id, const char *arg)
{
    S_args *a = ctx;
    size_t v;
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
    case S_OPT_SETTINGS:
        a->settings = arg;
        return NULL;
    case S_OPT_COMPARE:
        a->compare_given = 1;
        return dti_cli_parse_size(arg, 0, 100000000, &a->compare) ? "--compare needs a whole number (0: none)" : NULL;
    case S_OPT_MODEL: {
        dti_error err;
        dti_error_init(&err);
        int m;
        if (dti_project_model_parse(arg, &m, &err)) {
            static char msg[sizeof err.e[0].message];
            snprintf(msg, sizeof msg, "%s", err.e[0].message);
            return msg;
        }
        for (size_t k = 0; k < a->n_models; k++)
            if (a->models[k] == m)
                return "--model: each model once";
        a->models[a->n_models++] = m;
        return NULL;
    }
    default:
        if (dti_cli_parse_size(arg, DTI_YEAR_MIN, DTI_YEAR_MAX, &v))
            return "--origin needs a year such as 2021";
        if (a->n_origins == DTI_PROJECT_MAX_YEARS)
            return "--origin: too many";
        a->origins[a->n_origins++] = (int)v;
        return NULL;
    }
}

/* Progress on stderr, only when it is a terminal and the run is long enough to need it. */
static void S_progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r%3zu%% of %zu runs", done * 100 / (total ? total : 1), total);
    if (done >= total)
        fputs("\r                              \r", stderr);
}

void dti_cli_record_clear(dti_cli_record *l)
{
    dti_project_obs_clear(&l->obs);
    free(l->targets);
    for (size_t i = 0; i < l->n_years; i++)
        dti_year_free(l->years[i]);
    for (size_t i = 0; i < l->n_pub; i++)
        dti_year_free(l->pub[i]);
    for (size_t i = 0; i < DTI_PROJECT_MAX_YEARS; i++) {
        free(l->paths[i]);
        free(l->pub_paths[i]);
    }
    free(l->tgt_path);
    free(l->cfg_path);
}

static char *S_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (!p)
        abort();
    snprintf(p, len, "%s/%s", dir, name);
    return p;
}

/* (cli.h) */
int dti_cli_record_load(dti_cli_inputs *in, const char *settings, dti_cli_record *l, dti_error *err)
{
    memset(l, 0, sizeof *l);
    l->tgt_path = S_path(in->models_dir, "targets.yaml");
    l->cfg_path = settings ? strdup(settings) : S_path(in->models_dir, "projection.yaml");
    if (!l->cfg_path)
        abort();
    int rc = dti_cli_registry(in, err);
    if (rc || (rc = dti_cli_merger(in, err)))
        return rc;
    /* every data/dti/<year>.yaml in year order: the province records and, from the reorganisation on,
     * the records of the units */
    int list[DTI_PROJECT_MAX_YEARS];
    size_t n_list = dti_cli_years(in, list, DTI_PROJECT_MAX_YEARS);
    for (size_t k = 0; k < n_list && !rc; k++) {
        char name[32];
        snprintf(name, sizeof name, "%d.yaml", list[k]);
        l->paths[k] = S_path(in->dti_dir, name);
        if (!(rc = dti_cli_year(in, l->paths[k], &l->years[l->n_years], err)))
            l->n_years++;
    }
    if (!rc && l->n_years == 0)
        rc = dti_error_set(err, DTI_ERR_INPUT, in->dti_dir, 0, 0, "no year records found");
    for (size_t k = 0; k < n_list && !rc; k++) { /* a year's table of the units, beside its provinces' one */
        char name[48];
        snprintf(name, sizeof name, "%d-%zu.yaml", list[k], in->merger.n_units);
        char *p = S_path(in->dti_dir, name);
        if (access(p, F_OK) != 0) {
            free(p);
            continue;
        }
        l->pub_paths[l->n_pub] = p;
        if (!(rc = dti_cli_year(in, p, &l->pub[l->n_pub], err)))
            l->n_pub++;
    }
    if (rc)
        return rc;
    return (rc = dti_targets_load(l->tgt_path, in->reg, &l->targets, &l->n_targets, err)) ||
                   (rc = dti_projection_config_load(l->cfg_path, &l->cfg, err)) ||
                   (rc = dti_project_obs_init(&l->obs, (const dti_year *const *)l->years, l->n_years, in->reg,
                                              &in->merger, err))
               ? rc
               : DTI_OK;
}

static size_t S_threads(const dti_cli_inputs *in) { return in->threads; }

/* Today's date (UTC) as YYYY-MM-DD, or the date of $SOURCE_DATE_EPOCH when it is set (the
 * reproducible-builds convention: the golden tests set it, so the output does not change by the day). */
static void S_today(char *buf, size_t size)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long v = e && *e ? strtoll(e, &end, 10) : 0;
    time_t t = e && *e && end && !*end && v >= 0 ? (time_t)v : time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, size, "%Y-%m-%d", &tm);
    else
        snprintf(buf, size, "unknown");
}

static int S_backtest(dti_cli_inputs *in, const S_args *a, dti_cli_record *l, dti_error *err)
{
    const dti_projection_config *cfg = &l->cfg;
    dti_backtest_settings bs;
    memset(&bs, 0, sizeof bs);
    bs.origins = a->n_origins ? a->origins : cfg->origins;
    bs.n_origins = a->n_origins ? a->n_origins : cfg->n_origins;
    bs.sampler = cfg->sampler;
    bs.sampler.seed = (unsigned long)in->seed;
    bs.sampler.threads = S_threads(in);
    bs.sim.runs = in->runs_given ? in->runs : cfg->backtest_runs;
    bs.sim.seed = (unsigned long)in->seed;
    bs.sim.threads = S_threads(in);
    bs.sim.merger = &in->merger;
    bs.sim.merge_year = in->rule.from_year;
    bs.sim.units_from = cfg->sampler.units_from;
    bs.sim.n_changes = cfg->n_changes;
    memcpy(bs.sim.change_year, cfg->change_year, sizeof bs.sim.change_year);
    memcpy(bs.sim.change_prob, cfg->change_prob, sizeof bs.sim.change_prob);
    /* an origin whose later years are all records of the units (DTI 2025 on) has nothing the backtest
     * scores yet (backtest.c scores the provinces' years and the units' ranks the rule gives in them):
     * refused in one line rather than shown as NaN */
    for (size_t k = 0; k < bs.n_origins; k++) {
        int scored = 0, last_units = 0;
        for (size_t t = 0; t < l->obs.n_years; t++)
            if (l->obs.year[t] > bs.origins[k]) {
                scored |= l->obs.frame[t] == DTI_FRAME_PROVINCES;
                last_units = l->obs.year[t];
            }
        if (!scored && last_units)
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                                 "origin %d: the later years of the record (to %d) rank the %zu units, which the "
                                 "backtest does not score yet (it scores the years of the provinces): give an "
                                 "earlier origin",
                                 bs.origins[k], last_units, in->merger.n_units);
    }
    const int *models = a->n_models ? a->models : cfg->candidates;
    size_t n_models = a->n_models ? a->n_models : cfg->n_candidates;
    dti_backtest_result res[DTI_MODEL_COUNT];
    size_t done = 0;
    int rc = DTI_OK;
    for (size_t k = 0; k < n_models && !rc; k++)
        if (!(rc = dti_backtest_model(&l->obs, models[k], &bs, &res[done], err)))
            done++;
    int last = bs.origins[bs.n_origins - 1];
    dti_backtest_choice choice;
    char made[32];
    S_today(made, sizeof made);
    if (!rc)
        dti_backtest_choose(res, done, l->obs.n, last, &choice);
    /* the rule on the positions, from the default model fitted on the whole record */
    dti_backtest_view v = {.obs = &l->obs, .origins = bs.origins, .n_origins = bs.n_origins, .res = res,
                           .n_models = done, .choice = &choice, .n_units = in->merger.n_units, .runs = bs.sim.runs,
                           .seed = bs.sim.seed, .sources = (const char *const *)l->paths, .n_sources = l->n_years,
                           .sampler = &bs.sampler, .made = made};
    dti_project_fit fit = {0};
    if (!rc && dti_project_model_is_latent(cfg->model) &&
        !(rc = dti_project_fit_model(&l->obs, l->obs.n_years, cfg->model, &bs.sampler, &fit, err))) {
        size_t nu, nd;
        int year;
        if (dti_latent_rule_check(&l->obs, fit.latent, &nu, &nd, &year)) {
            v.rule_units = nu;
            v.rule_draws = nd;
            v.rule_n_draws = fit.latent->n_draws;
            v.rule_year = year;
            v.rule_model = cfg->model;
        }
        dti_project_fit_clear(&fit);
    }
    if (!rc) {
        dti_report *doc = dti_present_backtest(&v);
        rc = dti_cli_emit(in, doc) ? -1 : DTI_OK;
        dti_report_free(doc);
    }
    for (size_t k = 0; k < done; k++)
        dti_backtest_result_clear(&res[k]);
    return rc;
}

static int S_project(dti_cli_inputs *in, S_args *a, dti_cli_record *l, dti_error *err)
{
    dti_projection_config cfg = l->cfg;
    if (a->until)
        cfg.until = (int)a->until;
    int model = cfg.model;
    if (in->model && dti_project_model_parse(in->model, &model, err))
        return DTI_ERR_USAGE;
    size_t prov = l->n_targets ? l->targets[0].province : 0;
    if (in->province && dti_registry_find(in->reg, in->province, &prov, err))
        return DTI_ERR_INPUT;
    for (size_t i = 0; i < a->n_targets; i++)
        if (a->targets[i].top > dti_registry_count(in->reg))
            return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--target %d:%zu: K must be at most %zu",
                                 a->targets[i].year, a->targets[i].top, dti_registry_count(in->reg));
    /* the targets: the command line's for the province, else the file's for it */
    dti_target tg[DTI_HEADLINE_MAX_TARGETS];
    size_t n_tg = 0;
    for (size_t i = 0; i < a->n_targets && n_tg < DTI_HEADLINE_MAX_TARGETS / 2; i++) {
        tg[n_tg] = a->targets[i];
        tg[n_tg++].province = prov;
    }
    for (size_t i = 0; !a->n_targets && i < l->n_targets && n_tg < DTI_HEADLINE_MAX_TARGETS / 2; i++)
        if (l->targets[i].province == prov || a->all)
            tg[n_tg++] = l->targets[i];
    int units = 0, rc = dti_cli_units(in, &units, err);
    if (rc)
        return rc;
    dti_headline_request req = {.model = model, .targets = tg, .n_targets = n_tg,
                                .frame = !in->units ? -1 : units ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES,
                                .runs = in->runs_given ? in->runs : cfg.runs,
                                .compare_runs = a->compare_given ? a->compare : cfg.compare_runs,
                                .compare = (a->compare_given ? a->compare : cfg.compare_runs) > 0,
                                .seed = (unsigned long)in->seed,
                                .threads = S_threads(in)};
    if (isatty(STDERR_FILENO) && req.runs >= 100000) {
        req.progress = S_progress;
    }
    dti_project_headline h;
    if ((rc = dti_project_headline_run(&l->obs, &cfg, &in->merger, in->rule.from_year, &req, &h, err)))
        return rc;
    dti_history hu, hp;
    dti_project_history((const dti_year *const *)l->years, l->n_years, (const dti_year *const *)l->pub, l->n_pub,
                        &in->merger, DTI_FRAME_UNITS,
                        in->merger.unit_of[prov], &hu);
    dti_project_history((const dti_year *const *)l->years, l->n_years, (const dti_year *const *)l->pub, l->n_pub,
                        &in->merger,
                        DTI_FRAME_PROVINCES, prov, &hp);
    dti_project_view v = {.h = &h, .obs = &l->obs, .reg = in->reg, .m = &in->merger, .cfg = &cfg, .province = prov,
                          .all = a->all, .frame = req.frame, .hist_units = &hu, .hist_prov = &hp,
                          .sources = (const char *const *)l->paths, .n_sources = l->n_years};
    dti_latent_rule_check(&l->obs, h.fit.latent, &v.rule_units, &v.rule_draws, &v.rule_year);
    dti_report *doc = dti_present_project(&v);
    rc = dti_cli_emit(in, doc) ? -1 : DTI_OK;
    dti_report_free(doc);
    dti_project_headline_clear(&h);
    return rc;
}

static int S_run(dti_cli_inputs *in, void *ctx)
{
    S_args *a = ctx;
    dti_error err;
    dti_error_init(&err);
    dti_cli_record l;
    int rc = dti_cli_record_load(in, a->settings, &l, &err);
    if (!rc)
        rc = a->backtest ? S_backtest(in, a, &l, &err) : S_project(in, a, &l, &err);
    dti_cli_record_clear(&l);
    if (rc == -1) /* dti_cli_emit printed its error */
        return 1;
    return rc ? dti_cli_fail(&err) : 0;
}

int dti_cmd_project(int argc, char **argv, int backtest)
{
    static const dti_cli_opt pro[] = {{"target", required_argument, 't', S_OPT_TARGET},
                                      {"until", required_argument, 'u', S_OPT_UNTIL},
                                      {"all", no_argument, 'a', S_OPT_ALL},
                                      {"compare", required_argument, 0, S_OPT_COMPARE},
                                      {"settings", required_argument, 0, S_OPT_SETTINGS}};
    static const dti_cli_opt bt[] = {{"origin", required_argument, 'y', S_OPT_ORIGIN},
                                     {"model", required_argument, 'm', S_OPT_MODEL},
                                     {"settings", required_argument, 0, S_OPT_SETTINGS}};
    static const dti_cli_spec spec_project = {"project",
                                              DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(PROVINCE) | DTI_IN(MODEL) |
                                                  DTI_IN_MC | DTI_IN_MERGER,
                                              pro,
                                              5,
                                              S_option,
                                              0,
                                              NULL,
                                              S_project_usage,
                                              NULL};
    static const dti_cli_spec spec_backtest = {"backtest", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN_MC,
                                               bt,          3,
                                               S_option,    0,
                                               NULL,        S_backtest_usage,
                                               S_backtest_notes};
    S_args a = {.backtest = backtest};
    return dti_cli_run(backtest ? &spec_backtest : &spec_project, &a, S_run, argc, argv);
}
