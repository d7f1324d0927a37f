/* score.c -- `dtirank score`: load a framework and a data table, run the engine once, write the
 * scores.  The last stage of the pipeline (engine.c does the arithmetic); text and md for people,
 * csv and json at full precision (%.17g) for programs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "engine.h"
#include "audit.h"
#include "internal.h"
#include "merger.h"

struct dti_score {
    dti_framework *fw;
    dti_dataset *ds;
    dti_engine *w;
    dti_engine_result r;
    size_t *cols;  /* nodes shown: the root, then the other aggregates in file order */
    size_t n_cols;
    const char *const *code, *const *name; /* [u] the rows' codes and names (the data's, or the units') */
    char **owned_names;                    /* merged scores: "A + B" per unit (owned) */
    int merged;                            /* rows are the units of a merger, not the data's */
};

void dti_score_free(dti_score *sc)
{
    if (!sc)
        return;
    dti_engine_free(sc->w);
    if (sc->owned_names) {
        for (size_t u = 0; u < sc->r.n_units; u++)
            free(sc->owned_names[u]);
        free(sc->owned_names);
    }
    if (!sc->merged) { /* a merged score borrows the framework and data of its source */
        dti_dataset_free(sc->ds);
        dti_framework_free(sc->fw);
    }
    free(sc->cols);
    free(sc);
}

/* The columns shown: the root, then the other aggregates in file order. */
static void S_columns(dti_score *sc)
{
    const dti_framework *fw = sc->fw;
    sc->cols = dti_xcalloc(fw->n_nodes, sizeof *sc->cols);
    sc->cols[sc->n_cols++] = fw->root;
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (i != fw->root && fw->nodes[i].role == DTI_NODE_AGGREGATE)
            sc->cols[sc->n_cols++] = i;
}

int dti_score_compute(const char *model_path, const char *data_path, const char *reg_path, const char *models_dir,
                      dti_score **out, dti_error *err)
{
    *out = NULL;
    dti_score *sc = dti_xcalloc(1, sizeof *sc);
    size_t *groups = NULL;
    int rc;
    if ((rc = dti_framework_load(model_path, &sc->fw, err)) ||
        (rc = dti_dataset_load(data_path, sc->fw, reg_path, models_dir, &sc->ds, err)))
        goto cleanup;
    const dti_framework *fw = sc->fw;
    const dti_dataset *ds = sc->ds;
    dti_engine_settings set = {0};
    set.denominators = ds->denominators;
    set.path = ds->path;
    set.unit_names = (const char *const *)ds->unit;
    set.previous = ds->has_previous ? ds->previous : NULL;
    const dti_impute_spec *im = &fw->defaults.impute;
    if (im->method == DTI_IMPUTE_GROUP_MEAN || im->method == DTI_IMPUTE_GROUP_MEDIAN) {
        groups = dti_xcalloc(ds->n_units, sizeof *groups);
        if ((rc = dti_dataset_groups(ds, im->group, groups, &set.n_groups, NULL, err)))
            goto cleanup;
        set.groups = groups;
    }
    sc->w = dti_engine_alloc(fw, ds->n_units);
    if ((rc = dti_engine_run(sc->w, ds->values, &set, &sc->r, err))) {
        /* the engine names the indicator and unit; the file is where the data came from */
        dti_error_locate(err, data_path);
        goto cleanup;
    }
    S_columns(sc);
    sc->code = (const char *const *)ds->unit;
    sc->name = (const char *const *)ds->name;
cleanup:
    free(groups);
    if (rc) {
        dti_score_free(sc);
        return rc;
    }
    *out = sc;
    return DTI_OK;
}

/* Text cells of one row: rank, unit, name, then the numbers. */
static void S_cell(const dti_score *sc, size_t u, size_t c, int full, char *buf, size_t len)
{
    const dti_engine_result *r = &sc->r;
    size_t nj = r->n_indicators, nu = r->n_units;
    double v = c < sc->n_cols ? r->values[sc->cols[c] * nu + u] : r->normalised[(c - sc->n_cols) * nu + u];
    (void)nj;
    if (isnan(v))
        snprintf(buf, len, "%s", full ? "" : "NA");
    else if (full)
        snprintf(buf, len, "%.17g", v);
    else /* the rounding of the ranking rule, so equal-looking values are ties */
        snprintf(buf, len, "%.*f", sc->fw->precision, dti_round_key(v, sc->fw->precision) / pow(10.0, sc->fw->precision));
}

static const char *S_col_id(const dti_score *sc, size_t c)
{
    size_t node = c < sc->n_cols ? sc->cols[c] : dti_engine_indicator_node(sc->w, c - sc->n_cols);
    return sc->fw->nodes[node].id;
}

static void S_write_json(const dti_score *sc, int detail, size_t n_c, FILE *out)
{
    const dti_engine_result *r = &sc->r;
    char buf[64];
    fputs("{\n  \"model\": ", out);
    dti_fmt_json_string(out, sc->fw->name);
    fputs(",\n  \"data\": ", out);
    dti_fmt_json_string(out, sc->ds->path);
    fprintf(out, ",\n  \"units\": %zu,\n  \"imputed\": %zu,\n  \"still_missing\": %zu,\n  \"removed\": %zu,\n",
            r->n_units, r->n_imputed, r->n_still_missing, r->n_removed);
    fputs("  \"scores\": [\n", out);
    for (size_t k = 0; k < r->n_units; k++) {
        size_t u = r->order[k];
        fputs("    {\"rank\": ", out);
        if (r->rank[u])
            fprintf(out, "%zu", r->rank[u]);
        else
            fputs("null", out);
        fputs(", \"unit\": ", out);
        dti_fmt_json_string(out, sc->code[u]);
        fputs(", \"name\": ", out);
        dti_fmt_json_string(out, sc->name[u]);
        fprintf(out, ", \"kept\": %s", r->kept[u] ? "true" : "false");
        for (size_t c = 0; c < n_c; c++) {
            S_cell(sc, u, c, 1, buf, sizeof buf);
            fputs(", ", out);
            dti_fmt_json_string(out, S_col_id(sc, c));
            fprintf(out, ": %s", buf[0] ? buf : "null");
        }
        fprintf(out, "}%s\n", k + 1 < r->n_units ? "," : "");
    }
    fputs("  ]", out);
    if (detail) {
        static const char *const action[] = {"none", "winsorise", "log"};
        fputs(",\n  \"treatment\": [\n", out);
        for (size_t j = 0; j < r->n_indicators; j++) {
            const dti_treat_log *t = &r->treat[j];
            const char *side = t->n_high && t->n_low ? "both" : t->n_high ? "high" : t->n_low ? "low" : "none";
            fputs("    {\"indicator\": ", out);
            dti_fmt_json_string(out, sc->fw->nodes[dti_engine_indicator_node(sc->w, j)].id);
            double v[4] = {t->skew_before, t->kurt_before, t->skew_after, t->kurt_after};
            static const char *const names[4] = {"skew_before", "kurt_before", "skew_after", "kurt_after"};
            for (size_t k = 0; k < 4; k++) {
                if (isnan(v[k]))
                    fprintf(out, ", \"%s\": null", names[k]);
                else
                    fprintf(out, ", \"%s\": %.17g", names[k], v[k]);
            }
            fprintf(out, ", \"action\": \"%s\", \"nwin\": %zu, \"side\": \"%s\"}%s\n", action[t->action], t->nwin, side,
                    j + 1 < r->n_indicators ? "," : "");
        }
        fputs("  ]", out);
    }
    fputs("\n}\n", out);
}

int dti_score_write(const dti_score *sc, int format, int detail, FILE *out, dti_error *err)
{
    const dti_engine_result *r = &sc->r;
    size_t n_c = sc->n_cols + (detail ? r->n_indicators : 0);
    char buf[64];
    if (format == DTI_FORMAT_JSON) {
        S_write_json(sc, detail, n_c, out);
    } else if (format == DTI_FORMAT_CSV) {
        fputs("rank,unit,name", out);
        for (size_t c = 0; c < n_c; c++)
            fprintf(out, ",%s", S_col_id(sc, c));
        fputs("\r\n", out);
        for (size_t k = 0; k < r->n_units; k++) {
            size_t u = r->order[k];
            if (r->rank[u])
                fprintf(out, "%zu", r->rank[u]);
            fputc(',', out);
            dti_fmt_csv_field(out, sc->code[u]);
            fputc(',', out);
            dti_fmt_csv_field(out, sc->name[u]);
            for (size_t c = 0; c < n_c; c++) {
                S_cell(sc, u, c, 1, buf, sizeof buf);
                fprintf(out, ",%s", buf);
            }
            fputs("\r\n", out);
        }
    } else {
        /* text and md: widths from the longest cell of each column (names by display width) */
        int md = format == DTI_FORMAT_MD;
        size_t wname = 4, wunit = 4, wnum = 5;
        for (size_t u = 0; u < r->n_units; u++) {
            size_t a = dti_utf8_width(sc->name[u]), b = dti_utf8_width(sc->code[u]);
            wname = a > wname ? a : wname;
            wunit = b > wunit ? b : wunit;
            for (size_t c = 0; c < n_c; c++) {
                S_cell(sc, u, c, 0, buf, sizeof buf);
                wnum = strlen(buf) > wnum ? strlen(buf) : wnum;
            }
        }
        for (size_t c = 0; c < n_c; c++)
            wnum = strlen(S_col_id(sc, c)) > wnum ? strlen(S_col_id(sc, c)) : wnum;
        const char *sep = md ? " | " : "  ";
        if (!md)
            fprintf(out, "%s: %zu units, %zu imputed cells, %zu removed by the screen\n\n",
                    dti_framework_title(sc->fw), r->n_units, r->n_imputed, r->n_removed);
        fprintf(out, "%s%4s%s", md ? "| " : "", "rank", sep);
        dti_fmt_pad(out, "unit", wunit, 0);
        fputs(sep, out);
        dti_fmt_pad(out, "name", wname, 0);
        for (size_t c = 0; c < n_c; c++)
            fprintf(out, "%s%*s", sep, (int)wnum, S_col_id(sc, c));
        fputs(md ? " |\n" : "\n", out);
        if (md) {
            fputs("|---:|:---|:---|", out);
            for (size_t c = 0; c < n_c; c++)
                fputs("---:|", out);
            fputc('\n', out);
        }
        for (size_t k = 0; k < r->n_units; k++) {
            size_t u = r->order[k];
            char rk[24];
            snprintf(rk, sizeof rk, "%zu", r->rank[u]);
            fprintf(out, "%s%4s%s", md ? "| " : "", r->rank[u] ? rk : "-", sep);
            dti_fmt_pad(out, sc->code[u], wunit, 0);
            fputs(sep, out);
            dti_fmt_pad(out, sc->name[u], wname, 0);
            for (size_t c = 0; c < n_c; c++) {
                S_cell(sc, u, c, 0, buf, sizeof buf);
                fprintf(out, "%s%*s", sep, (int)wnum, buf);
            }
            fputs(md ? " |\n" : "\n", out);
        }
    }
    if (ferror(out))
        return dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write the scores");
    return DTI_OK;
}

void dti_score_parts(const dti_score *sc, const dti_framework **fw, const dti_dataset **ds, const dti_engine **w,
                     const dti_engine_result **r)
{
    *fw = sc->fw;
    *ds = sc->ds;
    *w = sc->w;
    *r = &sc->r;
}

int dti_score_merge(const dti_score *src, const dti_registry *reg, const dti_merger *m, dti_score **out, dti_error *err)
{
    *out = NULL;
    const dti_engine_result *r = &src->r;
    size_t nj = r->n_indicators;
    dti_merger_frame f;
    int rc = dti_merger_frame_init(&f, m, reg, src->code, r->n_units, src->ds->path, err);
    if (rc) {
        dti_merger_frame_clear(&f);
        return rc;
    }
    /* The official rule merges the main indicators (the normalised values), then aggregates. */
    size_t n_units = m->n_units;
    double *merged = dti_xcalloc(nj * n_units, sizeof *merged), *col = dti_xcalloc(m->n_old, sizeof *col);
    dti_merger_frame_merge(&f, r->normalised, nj, merged, col);
    dti_score *sc = dti_xcalloc(1, sizeof *sc);
    sc->merged = 1;
    sc->fw = src->fw;
    sc->ds = src->ds;
    sc->w = dti_engine_alloc(src->fw, n_units);
    dti_engine_override ov = {.agg_method = -1, .impute_method = -1, .normalised = merged};
    rc = dti_engine_run_override(sc->w, merged, NULL, &ov, &sc->r, err);
    if (!rc) {
        S_columns(sc);
        sc->owned_names = f.name; /* taken over from the frame */
        f.name = NULL;
        sc->code = (const char *const *)m->unit;
        sc->name = (const char *const *)sc->owned_names;
    }
    free(merged);
    free(col);
    dti_merger_frame_clear(&f);
    if (rc) {
        dti_score_free(sc);
        return rc;
    }
    *out = sc;
    return DTI_OK;
}
