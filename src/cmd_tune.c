/* cmd_tune.c -- `dtirank tune fit|sensitivity|stability|goal`: load (cli.c) -> compute (tune.h) ->
 * write, like the other cmd_*.c files.  Part of the program, not the library. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "present.h"
#include "toolkit.h"
#include "tune.h"

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

#define S_TUNE_IN (DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN(DATA) | DTI_IN(YEAR) | DTI_IN_CSV)
/* sensitivity, stability and goal (not fit, which estimates the weights): a weight set, a multi-year table */
#define S_TUNE_WEIGHTS (DTI_IN(WEIGHTS) | DTI_IN_PANEL)

/* The usage errors the tune commands share: NULL, or the message. */
static const char *S_check_fit(const dti_cli_inputs *in, const void *ctx)
{
    (void)ctx;
    return !in->data && !in->year ? "--data or --year is required" : NULL;
}

static const char *S_check(const dti_cli_inputs *in, const void *ctx)
{
    return !in->model ? "--model is required" : S_check_fit(in, ctx);
}

/* The model (--model, when given) and the data (--data or --year; ds NULL: only its path). */
static int S_load(dti_cli_inputs *in, dti_framework **fw, struct dti_dataset **ds, dti_error *err)
{
    int rc = dti_cli_year_path(in, err);
    if (!rc && in->model)
        rc = dti_framework_load(in->model, fw, err);
    if (!rc && ds)
        rc = dti_cli_dataset(in, *fw, ds, err);
    return rc;
}

/* The merger when --units / --merge-weight ask for the units of the 2025 reorganisation, else NULL. */
static const dti_merger *S_merger(dti_cli_inputs *in, dti_error *err)
{
    int units = 0;
    if (dti_cli_units(in, &units, err) || !units)
        return NULL;
    return &in->merger;
}

/* ---- tune fit ---------------------------------------------------------------------------------- */

static const char S_fit_usage[] =
    "Usage: dtirank tune fit (--year Y | --data FILE) [--model FILE] [--out FILE]\n"
    "The weights implied by a published year table: least squares between the index computed from\n"
    "the indicators and the published index, weights >= 0 summing to one.  Prints the fitted weights,\n"
    "their standard errors, RMS and maximum residual and the ranks they give; when the rows cannot\n"
    "identify the weights it says so and prints the combinations the data do pin down.\n"
    "\n"
    "  -y, --year Y            the year record DIR/data/dti/Y.yaml\n"
    "  -d, --data FILE         a year record (provinces:) instead\n"
    "  -m, --model FILE        the framework (default: the record's own model); must be linear\n";

/* The record of tune fit: a YAML year record, or a CSV table of provinces read for --model. */
static int S_fit_year(dti_cli_inputs *in, dti_year **yr, dti_error *err)
{
    int rc = dti_cli_registry(in, err);
    return rc ? rc : dti_dataset_load_year(in->data_path, in->model, &in->csv, in->reg, in->models_dir, yr, err);
}

static int S_fit(dti_cli_inputs *in, void *ctx)
{
    (void)ctx;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_year *yr = NULL;
    dti_tune_fit_year f;
    int rc;
    if (S_load(in, &fw, NULL, &err) || S_fit_year(in, &yr, &err) ||
        dti_tune_fit_year_compute(yr, fw, &f, &err)) {
        rc = dti_cli_fail(&err);
    } else {
        dti_report *doc = dti_present_tune_fit(&f);
        rc = dti_cli_emit(in, doc);
        dti_report_free(doc);
        dti_tune_fit_year_clear(&f);
    }
    dti_year_free(yr);
    dti_framework_free(fw);
    return rc;
}

/* ---- tune sensitivity --------------------------------------------------------------------------- */

static const char S_sens_usage[] =
    "Usage: dtirank tune sensitivity --model FILE (--data FILE | --year Y) [OPTIONS]\n"
    "Monte Carlo uncertainty analysis (JRC style): every unit's nominal and median rank, 5-95% rank\n"
    "interval and P(top K) when the inputs of the uncertainty file vary; Sobol first- and total-order\n"
    "indices of one unit's rank and score by input group (Saltelli design, bootstrap intervals).\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/asem.yaml, models/dti-2022.yaml)\n"
    "  -d, --data FILE         a data table, a DTI year record or a CSV table (docs/methods.md)\n"
    "  -y, --year Y            the year record DIR/data/dti/Y.yaml\n"
    "      --uncertainty FILE  the uncertain inputs (default DIR/models/uncertainty-dti.yaml for DTI\n"
    "                          models, DIR/models/uncertainty-NAME.yaml otherwise)\n"
    "  -p, --province P        the unit of the Sobol indices (default Thai Nguyen where ranked)\n"
    "  -n, --runs N            Monte Carlo draws (default 10000)\n"
    "      --sobol N           Saltelli base sample, 100 or more; N (k + 2) evaluations (default 2000; 0: none)\n"
    "      --design D          the points of the Saltelli design: sobol (a randomly shifted Sobol'\n"
    "                          sequence, which converges faster; at most 20 uniform inputs) or random\n"
    "                          (pseudo-random numbers); default sobol when the inputs fit, else random\n"
    "  -k, --top K             P(rank <= K) (default 10)\n"
    "  -s, --seed S            random seed (default 1)\n"
    "  -j, --threads T         threads, at most 64 (default: the number of cores); the output is the\n"
    "                          same at any count\n"
    "      --units N           34: ranks among the units of the 2025 reorganisation (each draw's\n"
    "                          normalised main indicators merged by the rule of models/merger.yaml,\n"
    "                          then aggregated; docs/merger.md); --province then names a province\n"
    "                          (its unit) or a unit; the data's units must be the registry's provinces\n";

#define S_BOOT_RESAMPLES 1000 /* bootstrap resamples of the Sobol indices */
enum { S_OPT_UNCERTAINTY, S_OPT_SOBOL, S_OPT_COSTS, S_OPT_DESIGN };

typedef struct S_sens_args {
    const char *uncertainty;
    size_t sobol;
    int design;
} S_sens_args;

static const char *S_sens_option(void *ctx, int id, const char *arg)
{
    S_sens_args *a = ctx;
    if (id == S_OPT_UNCERTAINTY) {
        a->uncertainty = arg;
        return NULL;
    }
    if (id == S_OPT_DESIGN) {
        if (strcmp(arg, "sobol") && strcmp(arg, "random"))
            return "--design needs sobol or random";
        a->design = strcmp(arg, "sobol") ? DTI_TUNE_DESIGN_RANDOM : DTI_TUNE_DESIGN_SOBOL;
        return NULL;
    }
    /* fewer than 100 base rows give degenerate estimates and bootstrap intervals */
    if (dti_cli_parse_size(arg, 0, 10000000, &a->sobol) || (a->sobol > 0 && a->sobol < 100))
        return "--sobol needs 0 (none) or a number from 100 to 10000000";
    return NULL;
}

/* models/uncertainty-dti.yaml for dti-*, models/uncertainty-<file stem>.yaml otherwise (malloc'ed). */
static char *S_uncertainty_path(const dti_cli_inputs *in)
{
    const char *base = strrchr(in->model, '/');
    base = base ? base + 1 : in->model;
    size_t len = strlen(in->models_dir) + strlen(base) + 32;
    char *path = calloc(len, 1);
    if (!path)
        abort();
    if (!strncmp(base, "dti", 3))
        snprintf(path, len, "%s/uncertainty-dti.yaml", in->models_dir);
    else
        snprintf(path, len, "%s/uncertainty-%.*s.yaml", in->models_dir, (int)strcspn(base, "."), base);
    return path;
}

/* The row (a data unit) or the unit of the merger a name gives; with the merger, *province is the
 * former province named ((size_t)-1 for a unit's own name) and `via` may say how it was resolved. */
static int S_find(dti_cli_inputs *in, const struct dti_dataset *ds, const dti_merger *m, const char *query,
                  size_t *unit, size_t *province, char *via, size_t size, dti_error *err)
{
    via[0] = '\0';
    if (m)
        return dti_cli_find_unit(in, query, unit, province, via, size, err);
    *province = (size_t)-1;
    return dti_dataset_find(ds, in->reg, query, unit, err);
}

/* The unit to prefer when none is named: the project's (models/targets.yaml), where the data have it. */
static size_t S_preferred(dti_cli_inputs *in, const struct dti_dataset *ds, const dti_merger *m)
{
    size_t p = dti_cli_default_province(in), unit;
    if (p == (size_t)-1)
        return p;
    if (m)
        return m->unit_of[p];
    dti_error quiet;
    dti_error_init(&quiet);
    return dti_dataset_find(ds, in->reg, dti_registry_code(in->reg, p), &unit, &quiet) ? (size_t)-1 : unit;
}

static int S_sensitivity(dti_cli_inputs *in, void *ctx)
{
    const S_sens_args *a = ctx;
    int rc = 0;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    struct dti_dataset *ds = NULL;
    dti_uncertainty *unc = NULL;
    char *unc_path = NULL, via[512] = "";
    dti_tune_sens_options so = {0};
    dti_weights_choice wc = {0};
    so.unit = so.preferred = (size_t)-1;
    if (!S_load(in, &fw, &ds, &err) && !dti_weights_choose(fw, ds, in->weights, &wc, &err)) {
        unc_path = a->uncertainty ? strdup(a->uncertainty) : S_uncertainty_path(in);
        so.merger = S_merger(in, &err);
        size_t prov;
        if (!err.n && !dti_uncertainty_load(unc_path, &unc, &err) && in->province)
            S_find(in, ds, so.merger, in->province, &so.unit, &prov, via, sizeof via, &err);
    }
    if (!err.n) {
        dti_tune_sens_result res;
        so.fw = fw;
        so.ds = ds;
        so.unc = unc;
        so.preferred = in->province ? (size_t)-1 : S_preferred(in, ds, so.merger);
        so.runs = in->runs_given ? in->runs : 10000;
        so.sobol_n = a->sobol;
        so.design = a->design;
        so.n_boot = S_BOOT_RESAMPLES;
        so.top = in->top ? in->top : 10;
        so.threads = in->threads;
        so.seed = (unsigned long)in->seed;
        so.reg = in->reg;
        if (!dti_tune_sensitivity(&so, &res, &err)) {
            dti_report *doc = dti_present_tune_sens(&so, &res, via[0] ? via : NULL);
            if (in->weights)
                dti_present_weights(doc, fw, &wc, "weights");
            rc = dti_cli_emit(in, doc);
            dti_report_free(doc);
            dti_tune_sens_result_clear(&res);
        }
    }
    if (err.n)
        rc = dti_cli_fail(&err);
    dti_uncertainty_free(unc);
    free(unc_path);
    dti_weights_choice_clear(&wc);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    return rc;
}

/* ---- tune stability and tune goal ---------------------------------------------------------------- */

static const char S_stab_usage[] =
    "Usage: dtirank tune stability --model FILE (--data FILE | --year Y) --province P [OPTIONS]\n"
    "For each weight, the interval of its share (the other weights of the same parent rescaled in\n"
    "proportion, so the shares still sum to 1) over which P's rank -- or, with --top K, its membership\n"
    "of the top K -- does not change: weight, nominal share, lower and upper end, and the rank just\n"
    "beyond each end (a tornado chart).  Exact breakpoints for arithmetic means; otherwise a grid and\n"
    "bisection on the engine.  Only units with a score (every weighted indicator) are ranked.\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/dti-2022.yaml)\n"
    "  -d, --data FILE         a data table or a DTI year record\n"
    "  -y, --year Y            the year record DIR/data/dti/Y.yaml\n"
    "  -p, --province P        the unit (code, name, or name without diacritics)\n"
    "  -k, --top K             the interval of top-K membership instead of the rank\n"
    "      --units N           34: P's unit's rank among the units of the 2025 reorganisation (normalised\n"
    "                          main indicators merged by the rule of models/merger.yaml, then aggregated;\n"
    "                          docs/merger.md); P names a province (its unit) or a unit; the data's units\n"
    "                          must be the registry's provinces\n";

static const char S_goal_usage[] =
    "Usage: dtirank tune goal --model FILE (--data FILE | --year Y) --province P --top K [OPTIONS]\n"
    "The smallest improvements of P's indicator values that bring it into the top K, all else fixed:\n"
    "the cheapest plan (minimum of sum cost x increase, each indicator capped at the model's range or,\n"
    "without one, at the best observed value; ties by the official rule) and, for each indicator\n"
    "alone, the increase needed or 'cannot reach'.  Linear models only (identity normalisation,\n"
    "arithmetic means, as the official DTI).\n"
    "\n"
    "  -m, --model FILE        the framework (e.g. models/dti-2022.yaml)\n"
    "  -d, --data FILE         a data table or a DTI year record\n"
    "  -y, --year Y            the year record DIR/data/dti/Y.yaml\n"
    "  -p, --province P        the unit (code, name, or name without diacritics)\n"
    "  -k, --top K             the target: rank K or better\n"
    "      --costs FILE        cost per unit of each indicator (costs: {id: cost}; default 1)\n"
    "      --units N           34: bring P's unit into the top K among the units of the 2025\n"
    "                          reorganisation by raising the indicators of the former province P alone\n"
    "                          (main indicators merged by the rule of models/merger.yaml; docs/merger.md);\n"
    "                          the data's units must be the registry's provinces\n";

typedef struct S_what_args {
    const char *costs;
    int goal;
} S_what_args;

static const char *S_costs_option(void *ctx, int id, const char *arg)
{
    (void)id;
    ((S_what_args *)ctx)->costs = arg;
    return NULL;
}

static const char *S_costs_check(const dti_cli_inputs *in, const void *ctx)
{
    const S_what_args *a = ctx;
    const char *missing = S_check(in, ctx);
    if (!missing && !in->province)
        missing = "--province is required";
    if (!missing && a->goal && !in->top)
        missing = "--top is required";
    return missing;
}

/* tune stability (goal = 0) and tune goal (goal = 1): the same options but --costs. */
static int S_what(dti_cli_inputs *in, void *ctx)
{
    const S_what_args *a = ctx;
    const char *costs = a->costs;
    int goal = a->goal, rc = 0;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    struct dti_dataset *ds = NULL;
    dti_costs *cs = NULL;
    dti_merger_frame mf = {0};
    const dti_merger *m = NULL;
    char via[512] = "";
    size_t unit = 0, prov = 0;
    dti_weights_choice wc = {0};
    if (!S_load(in, &fw, &ds, &err) && !dti_weights_choose(fw, ds, in->weights, &wc, &err) &&
        (m = S_merger(in, &err), !err.n) &&
        !(m && dti_merger_frame_init(&mf, m, in->reg, (const char *const *)ds->unit, ds->n_units, ds->path, &err)) &&
        !S_find(in, ds, m, in->province, &unit, &prov, via, sizeof via, &err) &&
        !(costs && dti_costs_load(costs, &cs, &err))) {
        dti_tune_what w = {fw, ds, m, m ? m->unit[unit] : ds->unit[unit], m ? mf.name[unit] : ds->name[unit],
                           m ? (const char *const *)m->unit : (const char *const *)ds->unit,
                           m ? (const char *const *)mf.name : (const char *const *)ds->name,
                           m ? m->n_units : ds->n_units, via[0] ? via : NULL};
        dti_report *doc = NULL;
        if (!goal) {
            dti_tune_stab_result res;
            if (!dti_tune_stability_units(fw, ds, m ? &mf : NULL, unit, in->top, &res, &err)) {
                doc = dti_present_tune_stability(&w, &res);
                dti_tune_stab_result_clear(&res);
            }
        } else if (m && prov == (size_t)-1) { /* the plan moves one former province's indicators */
            dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0,
                          "tune goal --units improves the indicators of one former province: name a province of "
                          "unit '%s' (%s)",
                          m->unit[unit], mf.name[unit]);
        } else {
            double *cost = calloc(ds->n_indicators + 1, sizeof *cost);
            dti_tune_goal_result res;
            if (!cost)
                abort();
            if (!dti_costs_apply(cs, fw, cost, &err) &&
                !dti_tune_goal_units(fw, ds, m ? &mf : NULL, m ? prov : unit, in->top, cs ? cost : NULL, &res, &err)) {
                doc = dti_present_tune_goal(&w, &res, costs);
                dti_tune_goal_result_clear(&res);
            }
            free(cost);
        }
        if (doc && in->weights)
            dti_present_weights(doc, fw, &wc, "weights");
        if (doc)
            rc = dti_cli_emit(in, doc);
        dti_report_free(doc);
    }
    if (err.n)
        rc = dti_cli_fail(&err);
    dti_weights_choice_clear(&wc);
    dti_costs_free(cs);
    dti_merger_frame_clear(&mf);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    return rc;
}


static int S_cmd_what(int argc, char **argv, int goal)
{
    static const dti_cli_opt extra[] = {{"costs", required_argument, 0, S_OPT_COSTS}};
    static const dti_cli_spec stab = {"tune stability",
                                      S_TUNE_IN | DTI_IN(PROVINCE) | DTI_IN(TOP) | DTI_IN_MERGER | S_TUNE_WEIGHTS, NULL, 0,
                                      NULL, 0, S_costs_check, S_stab_usage, NULL};
    static const dti_cli_spec gl = {"tune goal", S_TUNE_IN | DTI_IN(PROVINCE) | DTI_IN(TOP) | DTI_IN_MERGER | S_TUNE_WEIGHTS,
                                    extra, 1, S_costs_option, 0, S_costs_check, S_goal_usage, NULL};
    S_what_args a = {NULL, goal};
    return dti_cli_run(goal ? &gl : &stab, &a, S_what, argc, argv);
}

static int S_cmd_fit(int argc, char **argv)
{
    static const dti_cli_spec spec = {"tune fit", S_TUNE_IN, NULL, 0, NULL, 0, S_check_fit, S_fit_usage, NULL};
    return dti_cli_run(&spec, NULL, S_fit, argc, argv);
}

static int S_cmd_sensitivity(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"uncertainty", required_argument, 0, S_OPT_UNCERTAINTY},
                                        {"sobol", required_argument, 0, S_OPT_SOBOL},
                                        {"design", required_argument, 0, S_OPT_DESIGN}};
    static const dti_cli_spec spec = {"tune sensitivity",
                                      S_TUNE_IN | DTI_IN(PROVINCE) | DTI_IN_MC | DTI_IN(TOP) | DTI_IN_MERGER | S_TUNE_WEIGHTS,
                                      extra, 3, S_sens_option, 0, S_check, S_sens_usage, NULL};
    S_sens_args a = {NULL, 2000, DTI_TUNE_DESIGN_AUTO};
    return dti_cli_run(&spec, &a, S_sensitivity, argc, argv);
}

int dti_cmd_tune(int argc, char **argv)
{
    if (argc < 2)
        return dti_cli_usage("tune", "no tune command given");
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
    return dti_cli_usage("tune", "unknown tune command '%s'", cmd);
}
