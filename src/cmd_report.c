/* cmd_report.c -- `dtirank report`: one self-contained HTML report of a province.  Load the record as
 * `project` does (cmd_project.c), the published units' table of the year and the backtest kept in
 * models/backtest.json; compute the projection (project_run.c), the record's overview (overview.c) and,
 * where a framework has weights, the stability and Sobol indices (tune_*.c); present
 * (present_report.c) through the report layer, HTML by default. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lang.h"
#include "overview.h"
#include "present.h"
#include "score.h"
#include "tune.h"

static const char S_usage[] =
    "Usage: dtirank report [--province P] [--units 34|63] [--year Y] [--lang vi|en] [--out report.html]\n"
    "One self-contained HTML file about a province (inline CSS and SVG, no script, no network: it opens\n"
    "from a USB stick and prints): the answer (each target's status and probability in one sentence),\n"
    "the fan chart of its rank to 2030, the rank history of the leaders, the year's table with the main\n"
    "indicators, the calibration of the projection (the backtest kept in models/backtest.json), the\n"
    "weights' stability and Sobol indices where a framework has weights, and the sources.\n"
    "\n"
    "  -p, --province P        code, Vietnamese, ASCII name or alias (default: the first province of\n"
    "                          models/targets.yaml, Thái Nguyên)\n"
    "      --units N           34 (default): among the units of the 2025 reorganisation (the province's\n"
    "                          unit); 63: among the former provinces (hypothetical from 2025)\n"
    "  -y, --year Y            the year of the table and the end of the rank history (default: the\n"
    "                          latest year of the record)\n"
    "      --lang L            vi (default: Vietnamese) or en; numbers in the HTML follow the language\n"
    "                          (0,67 and 100.000 in Vietnamese), never in csv or json\n"
    "  -n, --runs N            simulated runs of the projection (default: models/projection.yaml, 100000)\n"
    "  -s, --seed S            random seed (default 1)\n"
    "  -j, --threads T         threads (default: the number of cores)\n"
    "      --settings FILE     projection settings (default DIR/models/projection.yaml)\n"
    "      --backtest FILE     the backtest to show (default DIR/models/backtest.json, made by\n"
    "                          `make backtest`: a backtest takes minutes, so the report reads one)\n";

static const char S_notes[] =
    "The default format is html; md, text and json give the same document without its charts, svg its\n"
    "first chart (the fan chart).  Charts: fan_units or fan_provinces, bump, pit, tornado, sobol_bars\n"
    "(--table NAME with svg).\n";

#define S_SENS_RUNS 2000 /* Monte Carlo draws of the report's uncertainty analysis */
#define S_SENS_SOBOL 500 /* its Saltelli base sample: (k + 2) x 500 evaluations */
#define S_SENS_BOOT 500  /* bootstrap resamples of its Sobol intervals */

enum { S_OPT_LANG, S_OPT_SETTINGS, S_OPT_BACKTEST };

typedef struct S_args {
    int lang;
    const char *settings, *backtest;
} S_args;

static const char *S_option(void *ctx, int id, const char *arg)
{
    S_args *a = ctx;
    if (id == S_OPT_LANG) {
        dti_error err;
        dti_error_init(&err);
        return dti_lang_parse(arg, &a->lang, &err) ? "--lang needs vi or en" : NULL;
    }
    if (id == S_OPT_SETTINGS)
        a->settings = arg;
    else
        a->backtest = arg;
    return NULL;
}

/* What the weights section computed (the tune results), released by S_weights_clear. */
typedef struct S_weights {
    dti_dataset *ds;
    dti_merger_frame mf;
    dti_tune_what what;
    dti_tune_stab_result stab;
    int has_stab;
    dti_uncertainty *unc;
    dti_tune_sens_options so;
    dti_tune_sens_result sens;
    int has_sens;
    char *unc_path;
} S_weights;

static void S_weights_clear(S_weights *w)
{
    if (w->has_sens)
        dti_tune_sens_result_clear(&w->sens);
    if (w->has_stab)
        dti_tune_stab_result_clear(&w->stab);
    dti_uncertainty_free(w->unc);
    free(w->unc_path);
    dti_merger_frame_clear(&w->mf);
    dti_dataset_free(w->ds);
}

/* Units (of the frame) with a score on ds by fw, and whether `self` has one. */
static int S_scored(dti_cli_inputs *in, const dti_framework *fw, const dti_dataset *ds, int units, size_t self,
                    size_t *n_scored, size_t *n, int *self_scored, dti_error *err)
{
    dti_score *sc = NULL, *msc = NULL;
    int rc = dti_score_run(fw, ds, &sc, err);
    if (!rc && units)
        rc = dti_score_merge(sc, in->reg, &in->merger, &msc, err);
    if (!rc) {
        const dti_framework *f;
        const dti_dataset *d;
        const dti_engine *e;
        const dti_engine_result *r;
        dti_score_parts(msc ? msc : sc, &f, &d, &e, &r);
        *n = units ? in->merger.n_units : ds->n_units;
        *n_scored = 0;
        for (size_t u = 0; u < *n; u++)
            *n_scored += r->rank[u] ? 1u : 0u;
        *self_scored = self < *n && r->rank[self] != 0;
    }
    dti_score_free(msc);
    dti_score_free(sc);
    return rc;
}

/* The weights section: the latest year up to the table's whose framework has weights, its stability
 * and Sobol indices when the province (or unit) has a score that year. */
static int S_weights_run(dti_cli_inputs *in, const dti_cli_record *rec, int table_year, int units, size_t prov,
                         dti_report_view *v, S_weights *w, dti_error *err)
{
    size_t at = dti_overview_weights_year((const dti_year *const *)rec->years, rec->n_years, table_year);
    v->w_state = DTI_REPORT_W_NO_FRAMEWORK;
    if (at == (size_t)-1)
        return DTI_OK;
    const dti_framework *fw = dti_overview_framework(rec->years[at]);
    v->w_fw = fw;
    v->w_year = dti_year_year(rec->years[at]);
    v->w_state = DTI_REPORT_W_NO_DATA;
    int rc = dti_dataset_load_with(rec->paths[at], fw, in->reg, in->models_dir, NULL, &w->ds, err);
    if (rc)
        return rc;
    size_t self = units ? in->merger.unit_of[prov] : prov;
    if (!units && (rc = dti_dataset_find(w->ds, in->reg, dti_registry_code(in->reg, prov), &self, err)))
        return rc;
    int scored = 0;
    if ((rc = S_scored(in, fw, w->ds, units, self, &v->w_scored, &v->w_units, &scored, err)) || !scored)
        return rc;
    if (units && (rc = dti_merger_frame_init(&w->mf, &in->merger, in->reg, (const char *const *)w->ds->unit,
                                             w->ds->n_units, w->ds->path, err)))
        return rc;
    const dti_merger *m = units ? &in->merger : NULL;
    w->what = (dti_tune_what){fw, w->ds, m, units ? m->unit[self] : w->ds->unit[self],
                              units ? w->mf.name[self] : w->ds->name[self],
                              units ? (const char *const *)m->unit : (const char *const *)w->ds->unit,
                              units ? (const char *const *)w->mf.name : (const char *const *)w->ds->name,
                              units ? m->n_units : w->ds->n_units, NULL};
    if ((rc = dti_tune_stability_units(fw, w->ds, units ? &w->mf : NULL, self, 0, &w->stab, err)))
        return rc;
    w->has_stab = 1;
    size_t len = strlen(in->models_dir) + 32;
    w->unc_path = calloc(len, 1);
    if (!w->unc_path)
        abort();
    snprintf(w->unc_path, len, "%s/uncertainty-dti.yaml", in->models_dir);
    if ((rc = dti_uncertainty_load(w->unc_path, &w->unc, err)))
        return rc;
    w->so = (dti_tune_sens_options){.fw = fw, .ds = w->ds, .unc = w->unc, .unit = self, .preferred = (size_t)-1,
                                    .runs = S_SENS_RUNS, .sobol_n = S_SENS_SOBOL, .n_boot = S_SENS_BOOT, .top = 10,
                                    .threads = in->threads_given ? in->threads : dti_cli_cores(),
                                    .seed = (unsigned long)in->seed, .merger = m, .reg = in->reg};
    if ((rc = dti_tune_sensitivity(&w->so, &w->sens, err)))
        return rc;
    w->has_sens = 1;
    v->w_state = DTI_REPORT_W_DONE;
    v->w_what = &w->what;
    v->w_stab = &w->stab;
    v->w_so = &w->so;
    v->w_sens = &w->sens;
    return DTI_OK;
}

/* The published record of the units in `year` (DIR/data/dti/<year>-<units>.yaml), when there is one;
 * *path (the caller frees it after the output: it is one of the inputs) NULL otherwise. */
static int S_report(dti_cli_inputs *in, S_args *a, dti_cli_record *rec, dti_error *err)
{
    dti_projection_config cfg = rec->cfg;
    size_t prov = rec->n_targets ? rec->targets[0].province : 0;
    int rc = DTI_OK, units = 1;
    if (in->province && (rc = dti_registry_find(in->reg, in->province, &prov, err)))
        return rc;
    if (in->units && (rc = dti_cli_units(in, &units, err)))
        return rc;
    int frame = units ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
    int last = dti_year_year(rec->years[rec->n_years - 1]), table_year = in->year ? in->year : last;
    int found = 0;
    for (size_t t = 0; t < rec->n_years; t++)
        found |= dti_year_year(rec->years[t]) == table_year;
    if (!found)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "--year %d: no record of that year in %s", table_year,
                             in->dti_dir);
    dti_target tg[DTI_HEADLINE_MAX_TARGETS];
    size_t n_tg = 0;
    for (size_t i = 0; i < rec->n_targets && n_tg < DTI_HEADLINE_MAX_TARGETS / 2; i++)
        if (rec->targets[i].province == prov)
            tg[n_tg++] = rec->targets[i];
    dti_headline_request req = {.model = cfg.model, .targets = tg, .n_targets = n_tg, .frame = frame,
                                .runs = in->runs_given ? in->runs : cfg.runs, .compare = 0,
                                .seed = (unsigned long)in->seed,
                                .threads = in->threads_given ? in->threads : dti_cli_cores()};
    dti_project_headline h;
    if ((rc = dti_project_headline_run(&rec->obs, &cfg, &in->merger, in->rule.from_year, &req, &h, err)))
        return rc;
    const dti_year *const *years = (const dti_year *const *)rec->years, *const *pubs = (const dti_year *const *)rec->pub;
    dti_history hu, hp;
    dti_project_history(years, rec->n_years, pubs, rec->n_pub, &in->merger, DTI_FRAME_UNITS, in->merger.unit_of[prov],
                        &hu);
    dti_project_history(years, rec->n_years, pubs, rec->n_pub, &in->merger, DTI_FRAME_PROVINCES, prov, &hp);
    int comma = a->lang == DTI_LANG_VI && in->format == DTI_FORMAT_HTML; /* decimal commas in HTML only */
    dti_project_view pv = {.h = &h, .obs = &rec->obs, .reg = in->reg, .m = &in->merger, .cfg = &cfg, .province = prov,
                           .frame = frame, .hist_units = &hu, .hist_prov = &hp,
                           .sources = (const char *const *)rec->paths, .n_sources = rec->n_years, .lang = a->lang,
                           .decimal_comma = comma};
    const dti_year *pub = NULL; /* the units' own published table of the table's year, if any */
    for (size_t k = 0; units && k < rec->n_pub; k++)
        if (dti_year_year(rec->pub[k]) == table_year)
            pub = rec->pub[k];
    dti_overview ov;
    memset(&ov, 0, sizeof ov);
    dti_backtest_cache bt;
    int has_bt = 0;
    char *bt_path = NULL, stale[512];
    S_weights w;
    memset(&w, 0, sizeof w);
    dti_report_view v = {.lang = a->lang, .decimal_comma = comma, .frame = frame, .pv = &pv, .ov = &ov,
                         .years = years, .n_years = rec->n_years, .targets_path = rec->tgt_path,
                         .settings_path = rec->cfg_path};
    if (!(rc = dti_overview_compute(years, rec->n_years, pub, in->reg, &in->merger, frame,
                                    table_year, &ov, err)) &&
        !(rc = S_weights_run(in, rec, table_year, units, prov, &v, &w, err))) {
        size_t len = strlen(in->models_dir) + 32;
        bt_path = a->backtest ? strdup(a->backtest) : calloc(len, 1);
        if (!bt_path)
            abort();
        if (!a->backtest)
            snprintf(bt_path, len, "%s/backtest.json", in->models_dir);
        dti_error quiet; /* a missing or broken backtest is said in the report, not fatal */
        dti_error_init(&quiet);
        has_bt = !dti_backtest_cache_load(bt_path, &bt, &quiet);
        v.bt = has_bt ? &bt : NULL;
        v.bt_path = bt_path;
        if (has_bt && !dti_backtest_cache_check(&bt, &cfg, last, stale, sizeof stale))
            v.bt_stale = stale;
        v.pub = pub;
        dti_report *doc = dti_present_report(&v);
        rc = dti_cli_emit(in, doc) ? -1 : DTI_OK;
        dti_report_free(doc);
    }
    if (has_bt)
        dti_backtest_cache_clear(&bt);
    free(bt_path);
    S_weights_clear(&w);
    dti_overview_clear(&ov);
    dti_project_headline_clear(&h);
    return rc;
}

static int S_run(dti_cli_inputs *in, void *ctx)
{
    S_args *a = ctx;
    dti_error err;
    dti_error_init(&err);
    if (!in->format_given)
        in->format = DTI_FORMAT_HTML;
    dti_cli_record rec;
    int rc = dti_cli_record_load(in, a->settings, &rec, &err);
    if (!rc)
        rc = S_report(in, a, &rec, &err);
    dti_cli_record_clear(&rec);
    if (rc == -1) /* dti_cli_emit printed its error */
        return 1;
    return rc ? dti_cli_fail(&err) : 0;
}

int dti_cmd_report(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"lang", required_argument, 0, S_OPT_LANG},
                                        {"settings", required_argument, 0, S_OPT_SETTINGS},
                                        {"backtest", required_argument, 0, S_OPT_BACKTEST}};
    static const dti_cli_spec spec = {"report",
                                      DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(PROVINCE) | DTI_IN(YEAR) | DTI_IN_MC |
                                          DTI_IN_MERGER,
                                      extra,
                                      3,
                                      S_option,
                                      0,
                                      NULL,
                                      S_usage,
                                      S_notes};
    S_args a = {.lang = DTI_LANG_VI};
    return dti_cli_run(&spec, &a, S_run, argc, argv);
}
