/* cmd_toolkit.c -- `dtirank compare` (two variants of an index side by side, leave-one-out) and
 * `dtirank profile` (one province over the record): load (cli.c) -> compute (toolkit.c, compare.c,
 * profile.c) -> present (present_toolkit.c) -> write.  Part of the program, not the library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "present.h"
#include "profile.h"
#include "score.h"

/* ---- compare ------------------------------------------------------------------------------------ */

static const char S_compare_usage[] =
    "Usage: dtirank compare --model FILE (--data FILE | --year Y) --drop NODE[,NODE...]|all [OPTIONS]\n"
    "       dtirank compare --model A --model B (--data FILE | --year Y) [OPTIONS]\n"
    "       dtirank compare --model FILE --weights A --weights B (--data FILE | --year Y) [OPTIONS]\n"
    "       dtirank compare --year Y1 --year Y2 [--model FILE] [OPTIONS]\n"
    "Two variants of an index side by side (docs/methods.md §9): every unit's rank and score under A and\n"
    "B, the shift (places gained under B), Spearman's rho, and the units that cross the top-K line; the\n"
    "summary first.  With --drop, leave-one-out: the index without each node named (weights renormalised\n"
    "among its siblings), every unit's shift and the mean |shift| per node.\n"
    "\n"
    "  -m, --model FILE        the framework; twice: two frameworks on the same data\n"
    "  -d, --data FILE         a data table or a DTI year record (once)\n"
    "  -y, --year Y            the DTI year record DIR/data/dti/Y.yaml; twice: two years (without --model,\n"
    "                          their published rankings; with it, the model's scores on each year's data)\n"
    "      --drop NODES        leave-one-out: indicators or aggregates (comma-separated or repeated), or\n"
    "                          all (every indicator)\n"
    "  -k, --top K             the top-K line of the crossings (default 10)\n";

#define S_MAX_DROP 256

typedef struct S_compare_args {
    char *drop_buf[S_MAX_DROP]; /* owned copies of the --drop values, split at commas */
    const char *drop[S_MAX_DROP];
    size_t n_drop;
} S_compare_args;

static const char *S_compare_option(void *ctx, int id, const char *arg)
{
    S_compare_args *a = ctx;
    (void)id;
    const char *p = arg;
    do {
        size_t len = strcspn(p, ",");
        if (!len)
            return "--drop needs node ids separated by commas, such as lpi,flights";
        if (a->n_drop == S_MAX_DROP)
            return "--drop: too many nodes";
        char *s = strndup(p, len);
        if (!s)
            abort();
        a->drop_buf[a->n_drop] = s;
        a->drop[a->n_drop++] = s;
        p += len;
    } while (*p++ == ',');
    return NULL;
}

/* The variant that varies ("models", "weights", "years"), or NULL for --drop; checks the counts. */
static const char *S_compare_check(const dti_cli_inputs *in, const void *ctx)
{
    const S_compare_args *a = ctx;
    size_t nm = in->n_given[DTI_O_MODEL], nw = in->n_given[DTI_O_WEIGHTS], ny = in->n_given[DTI_O_YEAR];
    static char msg[160];
    if (in->n_given[DTI_O_DATA] > 1)
        return "give --data once: compare sets two variants of one table side by side (two years: --year Y1 --year Y2)";
    if (a->n_drop) {
        if (nm != 1)
            return "--drop needs one --model";
        if (nw > 1 || ny > 1)
            return "--drop takes one --weights and one --year";
        return !in->data && !in->year ? "--drop needs --data or --year" : NULL;
    }
    const char *const what[] = {"--model", "--weights", "--year"};
    size_t n[] = {nm, nw, ny}, doubled = 0;
    for (size_t k = 0; k < 3; k++) {
        if (n[k] > 2) {
            snprintf(msg, sizeof msg, "compare sets two variants side by side: %s given %zu times", what[k], n[k]);
            return msg;
        }
        doubled += n[k] == 2;
    }
    if (!doubled)
        return "compare needs --drop NODE, or two --model, two --weights or two --year";
    if (doubled > 1)
        return "vary one thing at a time: two models, two weight sets or two years, not two of them";
    if (ny == 2)
        return in->given[DTI_O_YEAR][0] && !strcmp(in->given[DTI_O_YEAR][0], in->given[DTI_O_YEAR][1])
                   ? "the two --year are the same year"
                   : NULL;
    if (!nm)
        return "--weights A --weights B needs --model";
    return !in->data && !in->year ? "--data or --year is required" : NULL;
}

/* One variant: framework `model` with weight set `weights` (NULL: its own) on the data at `path`. */
typedef struct S_variant {
    dti_framework *fw;
    struct dti_dataset *ds;
    dti_score *sc;
    dti_weights_choice wc;
    dti_year *yr; /* a published ranking */
    dti_ranking rk;
    int has_rk;
    dti_variant_data vd;
} S_variant;

static void S_variant_clear(S_variant *v)
{
    dti_variant_data_clear(&v->vd);
    if (v->has_rk)
        dti_ranking_clear(&v->rk);
    dti_year_free(v->yr);
    dti_weights_choice_clear(&v->wc);
    dti_score_free(v->sc);
    dti_dataset_free(v->ds);
    dti_framework_free(v->fw);
    memset(v, 0, sizeof *v);
}

static int S_variant_score(dti_cli_inputs *in, S_variant *v, const char *model, const char *weights, const char *path,
                           dti_error *err)
{
    int rc;
    if ((rc = dti_framework_load(model, &v->fw, err)) || (rc = dti_cli_dataset_at(in, path, v->fw, &v->ds, err)) ||
        (rc = dti_weights_choose(v->fw, v->ds, weights, &v->wc, err)) || (rc = dti_score_run(v->fw, v->ds, &v->sc, err)))
        return rc;
    dti_variant_from_score(v->sc, &v->vd);
    return DTI_OK;
}

/* The record of year y (DIR/data/dti/Y.yaml), malloc'ed. */
static char *S_year_path(dti_cli_inputs *in, int y, dti_error *err)
{
    int save = in->year;
    char *save_path = in->data_path;
    in->year = y;
    in->data_path = NULL;
    char *path = NULL;
    if (!dti_cli_year_path(in, err))
        path = in->data_path;
    in->year = save;
    in->data_path = save_path;
    return path;
}

static int S_compare_loo(dti_cli_inputs *in, const S_compare_args *a, dti_error *err)
{
    S_variant v = {0};
    dti_loo_compare lc = {0};
    dti_report *doc = NULL;
    size_t *nodes = NULL, n_nodes = 0, top = in->top ? in->top : 10;
    int rc = 0;
    if (!S_variant_score(in, &v, in->model, in->weights, in->data_path, err)) {
        nodes = calloc(dti_framework_node_count(v.fw) + 1, sizeof *nodes);
        if (!nodes)
            abort();
        if (!dti_loo_nodes(v.fw, a->drop, a->n_drop, nodes, &n_nodes, err) &&
            !dti_loo_compare_run(v.sc, nodes, n_nodes, top, &lc, err)) {
            const dti_engine_result *r;
            const dti_framework *fw;
            const struct dti_dataset *ds;
            const dti_engine *w;
            dti_score_parts(v.sc, &fw, &ds, &w, &r);
            const char *roles[] = {"framework", "data"}, *paths[] = {in->model, in->data_path};
            dti_loo_view lv = {v.fw, &lc.res, lc.cmp, lc.base.code, lc.base.name, r->order, top, roles, paths, 2,
                               NULL, 0};
            doc = dti_present_loo(&lv);
            dti_present_weights(doc, v.fw, &v.wc, "weights");
            rc = dti_cli_emit(in, doc);
        }
    }
    if (err->n)
        rc = dti_cli_fail(err);
    dti_report_free(doc);
    dti_loo_compare_clear(&lc);
    free(nodes);
    S_variant_clear(&v);
    return rc;
}

static int S_compare(dti_cli_inputs *in, void *ctx)
{
    const S_compare_args *a = ctx;
    dti_error err;
    dti_error_init(&err);
    if (a->n_drop)
        return dti_cli_year_path(in, &err) ? dti_cli_fail(&err) : S_compare_loo(in, a, &err);
    int mode = in->n_given[DTI_O_MODEL] == 2     ? DTI_COMPARE_MODELS
               : in->n_given[DTI_O_WEIGHTS] == 2 ? DTI_COMPARE_WEIGHTS
                                                 : DTI_COMPARE_YEARS;
    S_variant v[2] = {{0}, {0}};
    char *path[2] = {NULL, NULL}, label[2][64], what[256];
    const char *roles[6], *paths[6];
    size_t n_src = 0;
    int rc = 0;
    dti_report *doc = NULL;
    dti_compare c = {0};
    if (mode != DTI_COMPARE_YEARS) /* one table for both */
        dti_cli_year_path(in, &err);
    for (int k = 0; k < 2 && !err.n; k++) {
        const char *model = mode == DTI_COMPARE_MODELS ? in->given[DTI_O_MODEL][k] : in->model;
        const char *weights = mode == DTI_COMPARE_WEIGHTS ? in->given[DTI_O_WEIGHTS][k] : in->weights;
        path[k] = mode == DTI_COMPARE_YEARS ? S_year_path(in, atoi(in->given[DTI_O_YEAR][k]), &err)
                                            : strdup(in->data_path);
        if (err.n)
            break;
        if (!path[k])
            abort();
        if (mode == DTI_COMPARE_YEARS && !model) {
            if (!dti_cli_year(in, path[k], &v[k].yr, &err) &&
                !dti_variant_from_year(v[k].yr, &v[k].rk, &v[k].vd, &err))
                v[k].has_rk = 1;
        } else {
            S_variant_score(in, &v[k], model, weights, path[k], &err);
        }
        if (err.n)
            break;
        if (mode == DTI_COMPARE_MODELS)
            snprintf(label[k], sizeof label[k], "%s", v[k].vd.model);
        else if (mode == DTI_COMPARE_WEIGHTS)
            snprintf(label[k], sizeof label[k], "%s", weights);
        else
            snprintf(label[k], sizeof label[k], "%s", in->given[DTI_O_YEAR][k]);
        if (model) {
            roles[n_src] = k ? "framework B" : "framework A";
            paths[n_src++] = model;
        }
        roles[n_src] = k ? "data B" : "data A";
        paths[n_src++] = path[k];
    }
    if (!err.n && !dti_compare_variants(&v[0].vd.v, &v[1].vd.v, in->top ? in->top : 10, &c, &err)) {
        if (mode == DTI_COMPARE_MODELS)
            snprintf(what, sizeof what, "Two models on %s", path[0]);
        else if (mode == DTI_COMPARE_WEIGHTS)
            snprintf(what, sizeof what, "Two weight sets of model %s on %s", v[0].vd.model, path[0]);
        else if (in->model)
            snprintf(what, sizeof what, "Model %s on two years", v[0].vd.model);
        else
            snprintf(what, sizeof what, "The published rankings of two years");
        const char *notes[2];
        size_t n_notes = 0;
        if (mode == DTI_COMPARE_YEARS && !in->model)
            notes[n_notes++] = "Published ranks as `rank` shows them (rho is of the ranks); a unit known only by bounds "
                               "(>=11) has no rank here.  Values of different models are not comparable across years; "
                               "ranks are.";
        if (mode == DTI_COMPARE_YEARS && v[0].vd.model && v[1].vd.model && strcmp(v[0].vd.model, v[1].vd.model) != 0)
            notes[n_notes++] = "The two years use different models: compare the ranks, not the values.";
        int precision = v[0].vd.precision > v[1].vd.precision ? v[0].vd.precision : v[1].vd.precision;
        dti_compare_view cv = {mode, what, label[0], label[1], &v[0].vd, &v[1].vd, &c, precision,
                               mode == DTI_COMPARE_YEARS && !in->model, roles, paths, n_src, notes, n_notes};
        doc = dti_present_compare(&cv);
        if (mode != DTI_COMPARE_YEARS || in->model)
            for (int k = 0; k < (mode == DTI_COMPARE_WEIGHTS ? 2 : 1); k++)
                dti_present_weights(doc, v[k].fw, &v[k].wc,
                                    mode == DTI_COMPARE_WEIGHTS ? (k ? "weights_b" : "weights_a") : "weights");
        rc = dti_cli_emit(in, doc);
    }
    if (err.n)
        rc = dti_cli_fail(&err);
    dti_report_free(doc);
    dti_compare_clear(&c);
    for (int k = 0; k < 2; k++) {
        S_variant_clear(&v[k]);
        free(path[k]);
    }
    return rc;
}

int dti_cmd_compare(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"drop", required_argument, 0, 0}};
    static const dti_cli_spec spec = {"compare",
                                      DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN(DATA) | DTI_IN(YEAR) |
                                          DTI_IN(WEIGHTS) | DTI_IN(TOP) | DTI_IN_CSV | DTI_IN_PANEL,
                                      extra, 1, S_compare_option, 0, S_compare_check, S_compare_usage, NULL};
    S_compare_args a;
    memset(&a, 0, sizeof a);
    int rc = dti_cli_run(&spec, &a, S_compare, argc, argv);
    for (size_t k = 0; k < a.n_drop; k++)
        free(a.drop_buf[k]);
    return rc;
}

/* ---- profile ------------------------------------------------------------------------------------ */

static const char S_profile_usage[] =
    "Usage: dtirank profile --province P [--year Y] [--units 34] [--format F] [--out FILE]\n"
    "One province over the whole record (DIR/data/dti/*.yaml): its rank and DTI every year (derived\n"
    "figures marked), its rank within its socio-economic region and among units of similar size where\n"
    "the registry has sizes, and for year Y each main indicator's value and rank with its distance to\n"
    "the top-10 line (the 10th highest value), its strengths and weaknesses (best and worst indicator\n"
    "ranks) and what changed since the year before.\n"
    "\n"
    "  -p, --province P        the province (code, name, or name without diacritics)\n"
    "  -y, --year Y            the year of the details (default: the latest of the record)\n"
    "      --units N           34: the unit of the 2025 reorganisation P belongs to (its published table\n"
    "                          where there is one, else the merger rule of models/merger.yaml)\n";

static const char *S_profile_check(const dti_cli_inputs *in, const void *ctx)
{
    (void)ctx;
    return in->province ? NULL : "--province is required";
}

#define S_MAX_YEARS 64

static int S_profile(dti_cli_inputs *in, void *ctx)
{
    (void)ctx;
    dti_error err;
    dti_error_init(&err);
    int years[S_MAX_YEARS], units = 0, rc = 0;
    size_t n = dti_cli_years(in, years, S_MAX_YEARS), unit = 0, prov;
    dti_year *yr[S_MAX_YEARS] = {0}, *pub[S_MAX_YEARS] = {0};
    char *path[2 * S_MAX_YEARS] = {0}, via[512] = "";
    dti_profile p = {0};
    dti_report *doc = NULL;
    if (!n)
        dti_error_set(&err, DTI_ERR_INPUT, in->dti_dir, 0, 0, "no year records found");
    if (!err.n && !dti_cli_registry(in, &err) && !dti_cli_units(in, &units, &err)) {
        if (units)
            dti_cli_find_unit(in, in->province, &unit, &prov, via, sizeof via, &err);
        else
            dti_registry_find(in->reg, in->province, &unit, &err);
    }
    for (size_t t = 0; t < n && !err.n; t++) {
        size_t len = strlen(in->dti_dir) + 32;
        path[2 * t] = calloc(len, 1);
        path[2 * t + 1] = calloc(len, 1);
        if (!path[2 * t] || !path[2 * t + 1])
            abort();
        snprintf(path[2 * t], len, "%s/%d.yaml", in->dti_dir, years[t]);
        if (dti_cli_year(in, path[2 * t], &yr[t], &err))
            break;
        snprintf(path[2 * t + 1], len, "%s/%d-%zu.yaml", in->dti_dir, years[t], units ? in->merger.n_units : 0);
        if (units && access(path[2 * t + 1], F_OK) == 0)
            dti_cli_year(in, path[2 * t + 1], &pub[t], &err);
    }
    if (!err.n) {
        dti_profile_input pi = {(const dti_year *const *)yr, n, in->reg, units ? &in->merger : NULL,
                                (const dti_year *const *)pub, unit, in->year, 10};
        if (!dti_profile_compute(&pi, &p, &err)) {
            const char *src[2 * S_MAX_YEARS];
            size_t ns = 0;
            for (size_t t = 0; t < n; t++) {
                src[ns++] = path[2 * t];
                if (pub[t])
                    src[ns++] = path[2 * t + 1];
            }
            doc = dti_present_profile(&p, via, src, ns);
            rc = dti_cli_emit(in, doc);
            dti_profile_clear(&p);
        }
    }
    if (err.n)
        rc = dti_cli_fail(&err);
    dti_report_free(doc);
    for (size_t t = 0; t < n; t++) {
        dti_year_free(yr[t]);
        dti_year_free(pub[t]);
        free(path[2 * t]);
        free(path[2 * t + 1]);
    }
    return rc;
}

int dti_cmd_profile(int argc, char **argv)
{
    static const dti_cli_spec spec = {"profile", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(PROVINCE) | DTI_IN(YEAR) | DTI_IN_MERGER,
                                      NULL, 0, NULL, 0, S_profile_check, S_profile_usage, NULL};
    return dti_cli_run(&spec, NULL, S_profile, argc, argv);
}
