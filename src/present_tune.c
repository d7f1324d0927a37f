/* present_tune.c -- the documents of `dtirank tune fit`, `tune sensitivity`, `tune stability` and
 * `tune goal`.  Builds report documents (report.h) from the tune_*.c results; never prints.  What
 * each column means: docs/tuning.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "dataset.h"
#include "internal.h"
#include "lang.h"
#include "present.h"

/* Direction coefficients smaller than this are left out of a combination (and a weight with less in
 * the free directions counts as determined on its own): below the 4-decimal precision of the data. */
#define S_SHOW_TOL 0.005

/* The merger's rule in words, as the arguments of "%s%s%s": "unweighted mean", or "mean weighted by the
 * registry column 'C'". */
#define S_RULE(m) \
    (m)->weight_column ? "mean weighted by the registry column '" : "unweighted mean", \
        (m)->weight_column ? (m)->weight_column : "", (m)->weight_column ? "'" : ""

/* The frame of an analysis in the metadata: the data's units, or the units of a merger. */
static void S_frame_meta(dti_report *doc, const dti_merger *m)
{
    dti_report_meta_text(doc, "frame", m ? "units" : "data");
    if (m) {
        dti_report_meta_text(doc, "merger_map", m->path);
        dti_report_meta_text(doc, "merger_weight", m->weight_column);
        dti_report_source(doc, "merger map", m->path);
    }
}

/* A path's file name (a chart names its data by it: a chart travels without the directories). */
static const char *S_base(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* ---- tune fit ------------------------------------------------------------------------------------ */

/* "0.707 a - 0.707 b": direction k of the right singular vectors, coefficients above S_SHOW_TOL. */
static void S_direction(const dti_tune_fit_year *f, size_t k, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < f->p && o < size; j++) {
        double c = f->res.v[j * f->p + k];
        if (fabs(c) < S_SHOW_TOL)
            continue;
        o += (size_t)snprintf(buf + o, size - o, "%s%.3f %s", o == 0 ? "" : c < 0 ? " - " : " + ", o == 0 ? c : fabs(c),
                              f->ids[j]);
    }
}

static void S_fit_unidentified(dti_report *doc, const dti_tune_fit_year *f)
{
    const dti_tune_fit_result *res = &f->res;
    size_t p = f->p, n = f->n;
    char buf[1024];
    dti_report_text(doc,
                    "NOT IDENTIFIED: %zu rows and the sum-to-one constraint determine at most %zu independent\n"
                    "combinations of the %zu weights (rank %zu); %zu directions are free, so no unique set of\n"
                    "weights fits best and no weights are given.",
                    n, n + 1 < p ? n + 1 : p, p, res->rank, p - res->rank);
    dti_table *t = dti_report_table(doc, "pinned",
                                    "Combinations the data pin down (right singular vectors of [X; 1'], singular value):");
    dti_table_col(t, "singular_value", DTI_COL_NUM);
    dti_table_col_label(t, 0, "s");
    dti_table_col_digits(t, 0, 4);
    dti_table_col(t, "combination", DTI_COL_TEXT);
    for (size_t k = 0; k < res->rank; k++) {
        size_t r = dti_table_row(t);
        dti_table_num(t, r, 0, res->sv[k]);
        S_direction(f, k, buf, sizeof buf);
        dti_table_text(t, r, 1, buf);
    }
    t = dti_report_table(doc, "free", "Free directions (adding any multiple leaves every fitted row unchanged):");
    dti_table_col(t, "combination", DTI_COL_TEXT);
    for (size_t k = res->rank; k < p; k++) {
        size_t r = dti_table_row(t);
        S_direction(f, k, buf, sizeof buf);
        dti_table_text(t, r, 0, buf);
    }
    size_t o = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < p && o < sizeof buf; j++) {
        double nrm = 0;
        for (size_t k = res->rank; k < p; k++)
            nrm += res->v[j * p + k] * res->v[j * p + k];
        if (sqrt(nrm) < S_SHOW_TOL)
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", o ? ", " : "", f->ids[j]);
    }
    dti_report_text(doc, "Weights determined individually (no component in a free direction): %s",
                    buf[0] ? buf : "none");
    if (n)
        dti_report_text(doc,
                        "The nominal weights of %s fit these %zu rows with RMS residual %.2g and maximum %.2g:\n"
                        "consistent with the record, but not implied by it.",
                        f->fw->name, n, f->nominal_rms, f->nominal_max);
}

static void S_fit_weights(dti_report *doc, const dti_tune_fit_year *f)
{
    const dti_tune_fit_result *res = &f->res;
    const dti_year *yr = f->yr;
    const dti_registry *reg = yr->reg;
    dti_table *t = dti_report_table(doc, "weights", NULL);
    dti_table_col(t, "indicator", DTI_COL_TEXT);
    static const char *const num[] = {"nominal", "fitted", "se"};
    for (size_t c = 0; c < 3; c++) {
        dti_table_col(t, num[c], DTI_COL_NUM);
        dti_table_col_decimals(t, 1 + c, 4);
    }
    dti_table_col_digits(t, 3, 2);
    dti_table_col_null(t, 3, "-", "no residual degrees of freedom, or the weight is at its bound 0");
    dti_table_col(t, "at_bound", DTI_COL_BOOL);
    dti_table_col_flags(t, 4, DTI_COL_DATA_ONLY);
    for (size_t k = 0; k < f->p; k++) {
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, f->ids[k]);
        dti_table_num(t, r, 1, f->nominal[k]);
        dti_table_num(t, r, 2, res->w[k]);
        dti_table_bool(t, r, 4, res->at_bound[k]);
        if (!res->at_bound[k])
            dti_table_num(t, r, 3, res->se[k]);
        else
            dti_table_show(t, r, 3, "(bound)");
    }
    dti_report_text(doc,
                    "RMS residual %.3g, maximum %.3g (%s); residual degrees of freedom %zu\n"
                    "Nominal weights on the same rows: RMS residual %.3g, maximum %.3g",
                    res->rms, res->max_abs, f->n ? reg->p[yr->prov[f->row[res->max_row]]].name : "-", res->dof,
                    f->nominal_rms, f->nominal_max);
    char title[160];
    snprintf(title, sizeof title, "Ranks with the fitted weights (%zu provinces with every weighted indicator):",
             f->n_full);
    t = dti_report_table(doc, "ranks", title);
    dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col(t, "fitted", DTI_COL_NUM);
    dti_table_col_decimals(t, 1, 4);
    dti_table_col(t, "published", DTI_COL_NUM);
    dti_table_col_null(t, 2, "-", "not published");
    dti_table_col(t, "published_rank", DTI_COL_INTERVAL);
    dti_table_col_label(t, 3, "pub.rank");
    dti_table_col_decimals(t, 3, 0);
    dti_table_col(t, "province", DTI_COL_TEXT);
    size_t nn = yr->fw->n_nodes, root = yr->fw->root;
    for (size_t k = 0; k < yr->n; k++) {
        size_t u = f->order[k];
        if (!f->rank[u])
            continue;
        size_t r = dti_table_row(t), lo, hi;
        size_t exact = dti_year_rank_bounds(yr, yr->prov[u], root, &lo, &hi, NULL);
        const dti_fact *pub = &yr->value[u * nn + root];
        dti_table_size(t, r, 0, f->rank[u]);
        dti_table_num(t, r, 1, f->fitted[u]);
        if (pub->known)
            dti_table_num_prec(t, r, 2, pub->value, yr->fw->precision);
        dti_table_interval(t, r, 3, (double)lo, (double)hi);
        if (exact)
            dti_table_show(t, r, 3, "%zu", exact);
        dti_table_text(t, r, 4, reg->p[yr->prov[u]].name);
    }
}

/* Recovered block columns: derived, and the fit is circular when they come from the fitted index. */
static void S_fit_blocks(dti_report *doc, const dti_tune_fit_year *f)
{
    char ids[512] = "";
    size_t o = 0;
    for (size_t k = 0; f->block && k < f->p; k++) {
        size_t node = dti_framework_node_find(f->fw, f->ids[k]);
        if (!f->block[k].recovered)
            continue;
        if (o < sizeof ids)
            o += (size_t)snprintf(ids + o, sizeof ids - o, "%s%s", o ? "," : "", f->ids[k]);
        dti_present_block_note(doc, f->fw, node, &f->block[k], f->yr->n);
    }
    if (ids[0])
        dti_report_meta_text(doc, "derived", ids);
    dti_report_meta_bool(doc, "circular", f->circular > 0);
    if (f->circular)
        dti_report_text(doc,
                        "CIRCULAR: %s recovered from the published %s by a rule written with the weights of\n"
                        "%s, so those weights fit every row exactly whatever the data (the residuals are\n"
                        "floating-point rounding): this fit is no evidence for the weights.  The evidence is the\n"
                        "check of the rule where the members are published (docs/tuning.md §6).",
                        f->circular > 1 ? "these blocks are" : "the block is", f->fw->nodes[f->fw->root].id,
                        f->fw->name);
}

dti_report *dti_present_tune_fit(const dti_tune_fit_year *f)
{
    const dti_year *yr = f->yr;
    dti_report *doc = dti_report_new("tune fit");
    dti_report_meta_text(doc, "model", f->fw->name);
    dti_report_meta_int(doc, "year", yr->year);
    dti_report_meta_int(doc, "rows", (long long)f->n);
    dti_report_meta_int(doc, "units", (long long)yr->n);
    dti_report_meta_int(doc, "unknowns", (long long)f->p);
    dti_report_meta_int(doc, "design_rank", (long long)f->res.rank);
    dti_report_meta_bool(doc, "identified", f->res.identified);
    dti_report_meta_num(doc, "rms", f->res.identified ? f->res.rms : NAN);
    dti_report_meta_num(doc, "nominal_rms", f->nominal_rms);
    dti_report_source(doc, "year record", yr->path);
    dti_report_source(doc, "framework", f->fw->path);
    dti_report_title(doc, "Implied weights: model %s, data %s (%d)", f->fw->name, yr->path, yr->year);
    dti_report_text(doc,
                    "Rows with the published index and all %zu weighted indicators: %zu of %zu; unknowns: %zu weights "
                    "(>= 0, sum 1)\nRank of the design [X; 1'] (rows + the sum-to-one constraint): %zu of %zu",
                    f->p, f->n, yr->n, f->p, f->res.rank, f->p);
    S_fit_blocks(doc, f);
    if (f->res.identified)
        S_fit_weights(doc, f);
    else
        S_fit_unidentified(doc, f);
    return doc;
}

/* ---- tune sensitivity ------------------------------------------------------------------------------ */

/* One line per uncertain input: what varies and how. */
static void S_describe(const dti_unc_input *in, size_t moved, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "  %-16s ", in->name);
#define S_ADD(...) \
    do { \
        if (o < size) \
            o += (size_t)snprintf(buf + o, size - o, __VA_ARGS__); \
    } while (0)
    switch (in->kind) {
    case DTI_UNC_WEIGHTS:
        if (in->dirichlet)
            S_ADD("Dirichlet around the nominal shares, concentration %g, %zu weights", in->alpha, moved);
        else
            S_ADD("uniform +-%g%% around nominal, %zu weights", 100 * in->noise, moved);
        if (in->levels) {
            S_ADD(" (levels");
            for (unsigned l = 1; l < 32; l++)
                if (in->levels & (1u << l))
                    S_ADD(" %u", l);
            S_ADD(")");
        }
        break;
    case DTI_UNC_TREAT:
        S_ADD("winsorisation limit %zu to %zu points", in->lo, in->hi);
        break;
    default:
        S_ADD("one of:");
        for (size_t k = 0; k < in->n_choice; k++) {
            const dti_norm_spec *ns = &in->norm[k];
            if (in->kind == DTI_UNC_NORM && ns->method == DTI_NORM_ZSCORE)
                S_ADD(" zscore(%g, %g)", ns->mean, ns->sd);
            else if (in->kind == DTI_UNC_NORM && ns->method == DTI_NORM_MINMAX)
                S_ADD(" minmax[%g, %g]", ns->min, ns->max);
            else if (in->kind == DTI_UNC_NORM)
                S_ADD(" %s", dti_norm_method_name(ns->method));
            else if (in->kind == DTI_UNC_AGG)
                S_ADD(" %s", dti_agg_method_name(in->choice[k]));
            else
                S_ADD(" %s", dti_uncertainty_impute_name(in->choice[k]));
        }
    }
#undef S_ADD
}

static void S_sobol(dti_report *doc, const dti_tune_sens_options *o, const dti_tune_sens_result *r)
{
    char title[512];
    size_t u = r->unit, k = r->k;
    if (o->merger)
        snprintf(title, sizeof title, "Sobol indices of unit %s (%s): nominal rank %zu among the units, score %.4f",
                 r->code[u], r->name[u], r->nominal_rank[u], r->nominal_score[u]);
    else
        snprintf(title, sizeof title, "Sobol indices of %s (%s): nominal rank %zu, score %.4f", r->name[u], r->code[u],
                 r->nominal_rank[u], r->nominal_score[u]);
    dti_table *t = dti_report_table(doc, "sobol", title);
    dti_table_col(t, "input", DTI_COL_TEXT);
    static const char *const names[4] = {"s1_rank", "st_rank", "s1_score", "st_score"};
    static const char *const labels[4] = {"S1 rank", "ST rank", "S1 score", "ST score"};
    for (size_t q = 0; q < 4; q++) {
        char ci[32];
        size_t c = dti_table_col(t, names[q], DTI_COL_NUM);
        dti_table_col_label(t, c, labels[q]);
        dti_table_col_decimals(t, c, 3);
        dti_table_col_null(t, c, "-", "undefined: the output does not vary over the draws");
        snprintf(ci, sizeof ci, "%s_ci", names[q]);
        c = dti_table_col(t, ci, DTI_COL_INTERVAL);
        dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    }
    for (size_t g = 0; g < k; g++) {
        size_t row = dti_table_row(t);
        dti_table_text(t, row, 0, o->unc->in[g].name);
        for (size_t q = 0; q < 4; q++) {
            const double *x = r->sobol + ((q / 2) * k + g) * 6; /* q: S1 rank, ST rank, S1 score, ST score */
            double v = x[q % 2], lo = x[2 + 2 * (q % 2)], hi = x[3 + 2 * (q % 2)];
            size_t c = 1 + 2 * q;
            dti_table_num(t, row, c, v);
            dti_table_interval(t, row, c + 1, lo, hi);
            if (!isnan(v)) {
                char a[32], b[32], d[32];
                dti_report_fixed(v, 3, a, sizeof a);
                dti_report_fixed(lo, 2, b, sizeof b);
                dti_report_fixed(hi, 2, d, sizeof d);
                dti_table_show(t, row, c, "%s [%s, %s]", a, b, d);
            }
        }
    }
    dti_table_note(t,
                   "Saltelli design (%s), base sample %zu: %zu model evaluations; first order: Saltelli 2010, total "
                   "order: Jansen; %.0f%% percentile bootstrap intervals (%zu resamples)",
                   r->design == DTI_TUNE_DESIGN_SOBOL ? "Sobol' sequence, randomly shifted"
                   : o->design == DTI_TUNE_DESIGN_AUTO ? "pseudo-random: more than 20 uniform inputs for a Sobol' sequence"
                                                       : "pseudo-random",
                   r->sobol_n, r->evaluations, 100 * DTI_TUNE_SENS_LEVEL, o->n_boot);
}

void dti_present_sobol_chart(dti_report *doc, const dti_tune_sens_options *o, const dti_tune_sens_result *r,
                             const char *data, int lang)
{
    size_t k = r->k;
    double *a = dti_xcalloc(6 * k + 1, sizeof *a), *val = a, *lo = a + 2 * k, *hi = a + 4 * k;
    const char **groups = dti_xcalloc(k + 1, sizeof *groups);
    for (size_t g = 0; g < k; g++) {
        /* in English the file's names; in Vietnamese the kind of input (the names are the file's words) */
        static const int kind_key[] = {DTI_L_UNC_WEIGHTS, DTI_L_UNC_NORM, DTI_L_UNC_AGG, DTI_L_UNC_TREAT,
                                       DTI_L_UNC_IMPUTE};
        int kind = o->unc->in[g].kind;
        groups[g] = lang == DTI_LANG_EN || kind < 0 || kind > DTI_UNC_IMPUTE ? o->unc->in[g].name
                                                                           : dti_lang_text(lang, kind_key[kind]);
        const double *x = r->sobol + g * 6; /* output 0: the rank */
        val[2 * g] = x[0];
        val[2 * g + 1] = x[1];
        lo[2 * g] = x[2];
        hi[2 * g] = x[3];
        lo[2 * g + 1] = x[4];
        hi[2 * g + 1] = x[5];
    }
    char s1[64], st[64], title[256], sub[512];
    dti_lang_format(s1, sizeof s1, lang, DTI_L_SOBOL_S1);
    dti_lang_format(st, sizeof st, lang, DTI_L_SOBOL_ST);
    /* among the units the name is the unit's ("A + B" lists its former provinces) */
    dti_lang_format(title, sizeof title, lang, DTI_L_SOBOL_TITLE, o->merger ? r->code[r->unit] : r->name[r->unit]);
    dti_lang_format(sub, sizeof sub, lang, DTI_L_CHART_SUB, o->fw->name, data);
    const char *series[2] = {s1, st};
    char x[128];
    dti_lang_format(x, sizeof x, lang, DTI_L_SOBOL_X);
    dti_chart_grouped in = {k, 2, groups, series, val, lo, hi};
    dti_chart_opts opts = {.title = title, .subtitle = sub, .x_label = x};
    dti_report_chart_grouped(doc, "sobol_bars", &in, &opts);
    free(groups);
    free(a);
}

dti_report *dti_present_tune_sens(const dti_tune_sens_options *o, const dti_tune_sens_result *r, const char *via)
{
    const dti_framework *fw = o->fw;
    const dti_dataset *ds = o->ds;
    dti_report *doc = dti_report_new("tune sensitivity");
    dti_report_meta_text(doc, "model", fw->name);
    dti_report_meta_text(doc, "data", ds->path);
    S_frame_meta(doc, o->merger);
    dti_report_meta_int(doc, "units", (long long)r->n);
    dti_report_meta_int(doc, "scored", (long long)r->n_scored);
    dti_report_meta_int(doc, "runs", (long long)o->runs);
    dti_report_meta_int(doc, "seed", (long long)o->seed);
    dti_report_meta_int(doc, "top", (long long)o->top);
    dti_report_meta_int(doc, "sobol_base_sample", (long long)o->sobol_n);
    if (o->sobol_n)
        dti_report_meta_text(doc, "sobol_design", r->design == DTI_TUNE_DESIGN_SOBOL ? "sobol" : "random");
    dti_report_meta_text(doc, "sobol_unit", r->code[r->unit]);
    dti_report_source(doc, "framework", fw->path);
    dti_report_source(doc, "data", ds->path);
    dti_report_source(doc, "uncertainty", o->unc->path);
    dti_report_title(doc, "Uncertainty and sensitivity analysis: model %s, data %s", fw->name, ds->path);
    if (via)
        dti_report_text(doc, "%s", via);
    char lines[4096], line[512];
    size_t off = (size_t)snprintf(lines, sizeof lines, "Uncertain inputs (%s), each a Sobol group:", o->unc->path);
    for (size_t i = 0; i < o->unc->n && off < sizeof lines; i++) {
        S_describe(&o->unc->in[i], r->moved[i], line, sizeof line);
        off += (size_t)snprintf(lines + off, sizeof lines - off, "\n%s", line);
    }
    dti_report_text(doc, "%s", lines);
    dti_report_text(doc, "Monte Carlo: %zu runs, seed %lu; stages before aggregation memoised for %zu combinations",
                    o->runs, o->seed, r->n_memo);
    if (o->merger)
        dti_report_text(doc,
                        "Ranks among the %zu units of the 2025 reorganisation (map %s).\n"
                        "Each draw's normalised main indicators of the %zu provinces are merged by the rule (%s%s%s),\n"
                        "then aggregated and ranked among the units.",
                        r->n, o->merger->path, o->merger->n_old, S_RULE(o->merger));
    dti_report_text(doc, "%zu of %zu units have a nominal score%s.", r->n_scored, r->n,
                    o->merger ? " (every former province with every weighted indicator)" : "");
    dti_present_blocks(doc, fw, ds);
    if (r->unit_default && o->preferred != DTI_NONE && o->preferred != r->unit)
        dti_report_text(doc, "%s has no nominal score: the Sobol indices are those of %s, the first unit with one.",
                        r->name[o->preferred], r->name[r->unit]);
    dti_table *t = dti_report_table(doc, "ranks", NULL);
    char topk[32];
    snprintf(topk, sizeof topk, "P(top %zu)", o->top);
    size_t c_nom = dti_table_col(t, "nominal_rank", DTI_COL_INT);
    dti_table_col_label(t, c_nom, "nominal");
    dti_table_col_null(t, c_nom, "-", "no score at the nominal settings");
    size_t c_med = dti_table_col(t, "median_rank", DTI_COL_INT);
    dti_table_col_label(t, c_med, "median");
    size_t c_iv = dti_table_col(t, "rank_5_95", DTI_COL_INTERVAL);
    dti_table_col_label(t, c_iv, "5%-95%");
    dti_table_col_decimals(t, c_iv, 0);
    size_t c_p = dti_table_col(t, "p_top", DTI_COL_NUM);
    dti_table_col_label(t, c_p, topk);
    dti_table_col_decimals(t, c_p, 3);
    size_t c_code = dti_table_col(t, "unit", DTI_COL_TEXT);
    size_t c_name = dti_table_col(t, "name", DTI_COL_TEXT);
    if (o->merger)
        dti_table_col_label(t, c_name, "former provinces");
    for (size_t q = 0; q < r->n; q++) {
        size_t v = r->order[q];
        if (!r->nominal_rank[v] && !r->ranked[v])
            continue; /* never ranked: nothing to show */
        size_t row = dti_table_row(t);
        if (r->nominal_rank[v])
            dti_table_size(t, row, c_nom, r->nominal_rank[v]);
        if (r->median[v]) {
            dti_table_size(t, row, c_med, r->median[v]);
            dti_table_interval(t, row, c_iv, (double)r->q05[v], (double)r->q95[v]);
        }
        dti_table_num(t, row, c_p, r->p_top[v]);
        dti_table_text(t, row, c_code, r->code[v]);
        dti_table_text(t, row, c_name, r->name[v]);
    }
    if (r->sobol_n) {
        S_sobol(doc, o, r);
        dti_present_sobol_chart(doc, o, r, S_base(o->ds->path), DTI_LANG_EN);
    }
    return doc;
}

/* ---- tune stability and tune goal ------------------------------------------------------------------- */

/* Metadata and the paragraph every what-if analysis shares: which unit, among whom. */
static void S_what_head(dti_report *doc, const dti_tune_what *w, size_t rank, size_t n_scored, size_t n_units)
{
    dti_report_meta_text(doc, "model", w->fw->name);
    dti_report_meta_text(doc, "data", w->ds->path);
    S_frame_meta(doc, w->merger);
    dti_report_meta_text(doc, "unit", w->code);
    dti_report_meta_text(doc, "name", w->name);
    dti_report_meta_int(doc, "rank", (long long)rank);
    dti_report_meta_int(doc, "scored", (long long)n_scored);
    dti_report_meta_int(doc, "units", (long long)n_units);
    dti_report_source(doc, "framework", w->fw->path);
    dti_report_source(doc, "data", w->ds->path);
    if (w->via)
        dti_report_text(doc, "%s", w->via);
    dti_present_blocks(doc, w->fw, w->ds);
}

void dti_present_stability_chart(dti_report *doc, const dti_tune_what *w, const dti_tune_stab_result *res,
                                 const char *data, int lang)
{
    const dti_framework *fw = w->fw;
    size_t n = res->n_rows;
    double *a = dti_xcalloc(2 * n + 1, sizeof *a), *low = a, *high = a + n;
    const char **labels = dti_xcalloc(n + 1, sizeof *labels);
    for (size_t i = 0; i < n; i++) {
        const dti_tune_stab_row *s = &res->row[i];
        labels[i] = dti_framework_node_name(fw, s->node, lang != DTI_LANG_VI);
        low[i] = 100 * (s->lower - s->nominal); /* percentage points of the weight's share */
        high[i] = 100 * (s->upper - s->nominal);
    }
    char title[256], sub[512], x[128], lo[64], hi[64], nom[64];
    const char *who = w->merger ? w->code : w->name; /* a unit by its name, not its former provinces' */
    if (res->top)
        dti_lang_format(title, sizeof title, lang, res->rank <= res->top ? DTI_L_TORNADO_IN : DTI_L_TORNADO_OUT, who,
                        res->top);
    else
        dti_lang_format(title, sizeof title, lang, DTI_L_TORNADO_TITLE, who, res->rank, res->n_scored);
    dti_lang_format(sub, sizeof sub, lang, DTI_L_CHART_SUB, fw->name, data);
    dti_lang_format(x, sizeof x, lang, DTI_L_TORNADO_X);
    dti_lang_format(lo, sizeof lo, lang, DTI_L_TORNADO_LOW);
    dti_lang_format(hi, sizeof hi, lang, DTI_L_TORNADO_HIGH);
    dti_lang_format(nom, sizeof nom, lang, DTI_L_TORNADO_NOMINAL);
    /* percentage points to one decimal: the breakpoints are shares, 0.001 of a share is 0.1 point */
    dti_chart_tornado in = {n, labels, low, high, 0, lo, hi, nom, 0, 1, 1};
    dti_chart_opts o = {.title = title, .subtitle = sub, .x_label = x};
    dti_report_chart_tornado(doc, "tornado", &in, &o);
    free(labels);
    free(a);
}

dti_report *dti_present_tune_stability(const dti_tune_what *w, const dti_tune_stab_result *res)
{
    const dti_framework *fw = w->fw;
    dti_report *doc = dti_report_new("tune stability");
    if (w->merger) {
        dti_report_title(doc, "Stability of the weights among the units of the 2025 reorganisation: model %s, data %s",
                         fw->name, w->ds->path);
    } else {
        dti_report_title(doc, "Stability of the weights: model %s, data %s", fw->name, w->ds->path);
    }
    S_what_head(doc, w, res->rank, res->n_scored, w->n_units);
    dti_report_meta_int(doc, "top", (long long)res->top);
    if (w->merger)
        dti_report_text(doc,
                        "Unit %s (%s): rank %zu among the %zu of %zu units with a score (every former province with\n"
                        "every weighted indicator).  A unit's main indicators are the %s%s%s of its former provinces'\n"
                        "normalised main indicators (map %s), then aggregated and ranked among the units.",
                        w->code, w->name, res->rank, res->n_scored, w->n_units, S_RULE(w->merger), w->merger->path);
    else
        dti_report_text(doc, "%s (%s): rank %zu among the %zu of %zu units with a score (every weighted indicator)",
                        w->name, w->code, res->rank, res->n_scored, w->n_units);
    if (res->top)
        dti_report_text(doc, "Interval: where %s stays %s the top %zu.", w->code, res->rank <= res->top ? "in" : "out of",
                        res->top);
    else
        dti_report_text(doc, "Interval: where its rank stays %zu.", res->rank);
    dti_report_text(doc, "Each weight moves as a share of its siblings' total, the others rescaled in proportion; 'rank'\n"
                         "beside an end is the rank just beyond it ('-': the end of the range 0..1).  Breakpoints are exact\n"
                         "(crossing score lines) for arithmetic means, else bisected on the engine (docs/tuning.md §3).");
    dti_table *t = dti_report_table(doc, "weights", NULL);
    static const struct {
        const char *name, *label;
        int type;
    } cols[] = {{"weight", NULL, DTI_COL_TEXT},    {"parent", NULL, DTI_COL_TEXT},     {"nominal", NULL, DTI_COL_NUM},
                {"lower", NULL, DTI_COL_NUM},      {"rank_below", "rank", DTI_COL_INT}, {"upper", NULL, DTI_COL_NUM},
                {"rank_above", "rank", DTI_COL_INT}, {"method", NULL, DTI_COL_TEXT}};
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        dti_table_col(t, cols[c].name, cols[c].type);
        if (cols[c].label)
            dti_table_col_label(t, c, cols[c].label);
        if (cols[c].type == DTI_COL_NUM)
            dti_table_col_decimals(t, c, 4);
    }
    dti_table_col_null(t, 4, "-", "the interval reaches the end of the range (share 0)");
    dti_table_col_null(t, 6, "-", "the interval reaches the end of the range (share 1)");
    for (size_t i = 0; i < res->n_rows; i++) {
        const dti_tune_stab_row *s = &res->row[i];
        size_t r = dti_table_row(t);
        dti_table_text(t, r, 0, fw->nodes[s->node].id);
        dti_table_text(t, r, 1, fw->nodes[fw->nodes[s->node].parent].id);
        dti_table_num(t, r, 2, s->nominal);
        dti_table_num(t, r, 3, s->lower);
        if (s->rank_below)
            dti_table_size(t, r, 4, s->rank_below);
        dti_table_num(t, r, 5, s->upper);
        if (s->rank_above)
            dti_table_size(t, r, 6, s->rank_above);
        dti_table_text(t, r, 7, s->exact ? "exact" : "bisection");
    }
    dti_present_stability_chart(doc, w, res, S_base(w->ds->path), DTI_LANG_EN);
    return doc;
}

/* An indicator's id; "id*" to people when its value was recovered by a block's rule (derived). */
static void S_indicator_cell(dti_table *t, size_t r, const dti_tune_what *w, const dti_tune_goal_result *res, size_t j)
{
    const dti_dataset *ds = w->ds;
    dti_table_text(t, r, 0, w->fw->nodes[res->node[j]].id);
    if (ds->derived && ds->derived[res->row * ds->n_indicators + j])
        dti_table_show(t, r, 0, "%s*", w->fw->nodes[res->node[j]].id);
}

/* The plan: each indicator with a positive weight, its value, cap, weight, cost and increase. */
static void S_plan(dti_report *doc, const dti_tune_what *w, const dti_tune_goal_result *res)
{
    dti_table *t = dti_report_table(doc, "plan",
                                    res->already ? "The indicators (no increase: already in the top K):"
                                                 : "Cheapest plan (min sum cost x increase; filled in increasing cost "
                                                   "per unit of score):");
    static const struct {
        const char *name, *label;
        int decimals, digits;
    } cols[] = {{"value", NULL, 4, 0},  {"cap", NULL, 4, 0},      {"weight", NULL, 4, 0}, {"cost", NULL, -1, 4},
                {"cost_per_score", "cost/score", -1, 4}, {"increase", NULL, 6, 0}, {"new", NULL, 6, 0}};
    dti_table_col(t, "indicator", DTI_COL_TEXT);
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        dti_table_col(t, cols[c].name, DTI_COL_NUM);
        if (cols[c].label)
            dti_table_col_label(t, 1 + c, cols[c].label);
        dti_table_col_decimals(t, 1 + c, cols[c].decimals);
        dti_table_col_digits(t, 1 + c, cols[c].digits);
    }
    for (size_t j = 0; j < res->n; j++) {
        if (!(res->coef[j] > 0))
            continue;
        size_t r = dti_table_row(t);
        S_indicator_cell(t, r, w, res, j);
        double v[] = {res->value[j], res->cap[j], res->coef[j], res->cost[j], res->cost[j] / res->coef[j],
                      res->delta[j], res->value[j] + res->delta[j]};
        for (size_t c = 0; c < 7; c++)
            dti_table_num(t, r, 1 + c, v[c]);
    }
}

/* Each indicator alone: the increase needed, or why it cannot reach. */
static void S_single(dti_report *doc, const dti_tune_what *w, const dti_tune_goal_result *res)
{
    dti_table *t = dti_report_table(doc, "single",
                                    "Single-indicator alternatives (that indicator alone, the others as they are):");
    dti_table_col(t, "indicator", DTI_COL_TEXT);
    static const char *const names[] = {"increase", "to", "cost", "needed", "room"};
    for (size_t c = 0; c < 5; c++) {
        dti_table_col(t, names[c], DTI_COL_NUM);
        dti_table_col_decimals(t, 1 + c, 6);
    }
    dti_table_col_digits(t, 3, 6);
    dti_table_col_null(t, 1, "cannot reach", "the indicator alone cannot reach the score needed within its cap");
    dti_table_col_flags(t, 4, DTI_COL_DATA_ONLY);
    dti_table_col_flags(t, 5, DTI_COL_DATA_ONLY);
    for (size_t j = 0; j < res->n; j++) {
        if (!(res->coef[j] > 0))
            continue;
        size_t r = dti_table_row(t);
        double needed = (res->needed - res->score) / res->coef[j];
        S_indicator_cell(t, r, w, res, j);
        dti_table_num(t, r, 4, needed);
        dti_table_num(t, r, 5, res->cap[j] - res->value[j]);
        if (isnan(res->single[j])) {
            dti_table_show(t, r, 1, "cannot reach (needs +%.6f, room %.6f)", needed, res->cap[j] - res->value[j]);
            continue;
        }
        dti_table_num(t, r, 1, res->single[j]);
        dti_table_num(t, r, 2, res->value[j] + res->single[j]);
        dti_table_num(t, r, 3, res->cost[j] * res->single[j]);
    }
}

dti_report *dti_present_tune_goal(const dti_tune_what *w, const dti_tune_goal_result *res, const char *costs_path)
{
    const dti_framework *fw = w->fw;
    const dti_dataset *ds = w->ds;
    dti_report *doc = dti_report_new("tune goal");
    if (w->merger)
        dti_report_title(doc, "Goal: unit %s (%s) into the top %zu among the units of the 2025 reorganisation; model %s, "
                              "data %s",
                         w->code, w->name, res->top, fw->name, ds->path);
    else
        dti_report_title(doc, "Goal: %s (%s) into the top %zu; model %s, data %s", w->name, w->code, res->top, fw->name,
                         ds->path);
    S_what_head(doc, w, res->rank, res->n_scored, res->n_units);
    dti_report_meta_int(doc, "top", (long long)res->top);
    dti_report_meta_num(doc, "score", res->score);
    dti_report_meta_bool(doc, "already", res->already);
    dti_report_meta_bool(doc, "reachable", res->already || res->reachable);
    if (costs_path)
        dti_report_source(doc, "costs", costs_path);
    if (w->merger)
        dti_report_text(doc,
                        "The plan raises the indicators of the former province %s (%s) alone; the unit's other\n"
                        "former provinces stay as they are.  A unit's main indicators are the %s%s%s of its former\n"
                        "provinces' (map %s): +1 in %s's value is +%.4g in the unit's,\n"
                        "so 'weight' below is the effective weight times %.4g.",
                        ds->name[res->row], ds->unit[res->row], S_RULE(w->merger), w->merger->path, ds->name[res->row],
                        res->share, res->share);
    dti_report_text(doc, "Score %.*f, rank %zu among the %zu of %zu units with a score; costs: %s", fw->precision + 1,
                    res->score, res->rank, res->n_scored, res->n_units,
                    costs_path ? costs_path : "1 per unit of every indicator");
    if (res->already) {
        dti_report_text(doc, "Already in the top %zu: nothing to improve.", res->top);
        S_plan(doc, w, res);
        return doc;
    }
    const char *rname = w->names[res->rival], *rcode = w->codes[res->rival];
    if (fw->defaults.rank_rounded)
        dti_report_text(doc, "Needed: score %.*f, which rounds to the published score of %s (%s, %.*f): a tie shares the rank",
                        fw->precision + 2, res->needed, rname, rcode, fw->precision,
                        dti_round_key(res->rival_score, fw->precision) / pow(10.0, fw->precision));
    else
        dti_report_text(doc, "Needed: score %.10g, just above the score of %s (%s, %.10g)", res->needed, rname, rcode,
                        res->rival_score);
    S_plan(doc, w, res);
    if (res->reachable && res->rank_after <= res->top)
        dti_report_text(doc, "Total cost %.6g; score %.*f, rank %zu (recomputed by the engine)", res->plan_cost,
                        fw->precision + 2, res->score_after, res->rank_after);
    else if (res->reachable) /* should not happen with the margin; never give a plan that fails as if it worked */
        dti_report_text(doc, "WARNING: the engine ranks this plan %zu, outside the top %zu (score %.*f): do not rely on it",
                        res->rank_after, res->top, fw->precision + 2, res->score_after);
    else
        dti_report_text(doc, "CANNOT REACH the top %zu: every indicator at its cap gives score %.*f, rank %zu", res->top,
                        fw->precision + 1, res->score_after, res->rank_after);
    S_single(doc, w, res);
    return doc;
}
