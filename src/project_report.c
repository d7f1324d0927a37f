/* project_report.c -- projection tables (text, Markdown, CSV, JSON) and the backtest scores.
 *
 * CSV keeps one stable shape for scripts: province, year, observed_rank, median_rank, rank_lo,
 * rank_hi (the 80% interval) and p_top<K> for each target K.  JSON carries the same rows plus the
 * model, its fitted parameters, the run count and the seed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "internal.h"
#include "merger.h"
#include "project.h"
#include "report.h"

/* Verbal probability scale (after the IPCC's "likely"/"unlikely"), stated in every text output. */
#define S_LIKELY 0.67
#define S_UNLIKELY 0.33
#define S_Q_LO 0.10 /* the 80% interval: 10th to 90th percentile of the simulated rank */
#define S_Q_HI 0.90
#define S_P_CLIP 1e-4 /* log score: probabilities clipped to [S_P_CLIP, 1 - S_P_CLIP] */

/* The verdict of P as printed (2 decimals), so the words never contradict the number beside them. */
static const char *S_verdict(double p)
{
    double shown = round(p * 100.0) / 100.0;
    return shown >= S_LIKELY ? "likely" : shown <= S_UNLIKELY ? "unlikely" : "uncertain";
}

/* Distinct target k values, ascending (at most 8). */
static size_t S_target_ks(const dti_project_report *rep, size_t *ks)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->n_targets && n < 8; i++) {
        if (!rep->all && rep->targets[i].province != rep->province)
            continue;
        size_t k = rep->targets[i].top, j = 0;
        while (j < n && ks[j] != k)
            j++;
        if (j == n)
            ks[n++] = k;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && ks[j - 1] > ks[j]; j--) {
            size_t t = ks[j];
            ks[j] = ks[j - 1];
            ks[j - 1] = t;
        }
    return n;
}

static void S_observed(const dti_project_report *rep, size_t p, int year, char *buf, size_t size)
{
    const dti_project_obs *obs = rep->obs;
    buf[0] = '\0';
    for (size_t t = 0; t <= rep->set->origin_index; t++) {
        if (obs->year[t] != year)
            continue;
        size_t i = t * obs->n + p;
        if (obs->exact[i])
            snprintf(buf, size, "%zu", obs->exact[i]);
        else if (obs->lo[i] > 1 && obs->hi[i] < obs->n)
            snprintf(buf, size, "%zu\u2013%zu", obs->lo[i], obs->hi[i]);
        else if (obs->lo[i] > 1)
            snprintf(buf, size, "\u2265%zu", obs->lo[i]);
        else if (obs->hi[i] < obs->n)
            snprintf(buf, size, "\u2264%zu", obs->hi[i]);
    }
}

static void S_params_text(const dti_project_report *rep, FILE *out)
{
    const dti_project_fit *f = rep->fit;
    if (f->model == DTI_MODEL_PANEL)
        fprintf(out,
                "Model panel: x[t+1] = a + b x[t] + e on normal scores of ranks; a = %.4f (se %.4f), b = %.4f "
                "(se %.4f), sd(e) = %.4f, from %zu pairs of consecutive exact ranks.\n",
                f->a, f->se_a, f->b, f->se_b, sqrt(f->s2), f->n_pairs);
    else if (f->model == DTI_MODEL_TREND)
        fprintf(out, "Model trend: per-province linear trend of the normal score of rank; pooled sd(e) = %.4f (%g df).\n",
                sqrt(f->s2), f->df);
    else
        fputs("Model persistence: each province keeps its last position (the baseline).\n", out);
}

/* ---- frames: the 63 former provinces, or the units of the merger ------------------------------ */

static size_t S_count(const dti_project_report *rep, int frame)
{
    return frame == DTI_FRAME_UNITS ? rep->merger->n_units : rep->reg->n;
}

static const char *S_name(const dti_project_report *rep, int frame, size_t i)
{
    return frame == DTI_FRAME_UNITS ? rep->merger->unit[i] : rep->reg->p[i].name;
}

/* The entity the report is about in a frame: the province, or the unit it belongs to. */
static size_t S_self(const dti_project_report *rep, int frame)
{
    return frame == DTI_FRAME_UNITS ? rep->merger->unit_of[rep->province] : rep->province;
}

/* First simulated year of a frame. */
static int S_first_year(const dti_project_report *rep, int frame)
{
    int y0 = rep->pr->first_year;
    return frame == DTI_FRAME_UNITS && rep->pr->merge_year > y0 ? rep->pr->merge_year : y0;
}

static int S_shows(const dti_project_report *rep, int frame)
{
    if (frame == DTI_FRAME_UNITS && (!rep->merger || !rep->pr->n_units))
        return 0;
    return rep->frame < 0 || rep->frame == frame;
}

/* One CSV or JSON row. */
static void S_row(const dti_project_report *rep, int frame, size_t i, int y, const size_t *ks, size_t n_k, int json,
                  FILE *out)
{
    const dti_projection *pr = rep->pr;
    char obsbuf[64] = "";
    if (frame == DTI_FRAME_PROVINCES)
        S_observed(rep, i, y, obsbuf, sizeof obsbuf);
    int exact = obsbuf[0] && strspn(obsbuf, "0123456789") == strlen(obsbuf);
    size_t md = dti_projection_quantile(pr, frame, i, y, 0.5), lo = dti_projection_quantile(pr, frame, i, y, S_Q_LO),
           hi = dti_projection_quantile(pr, frame, i, y, S_Q_HI);
    if (json) {
        fputs(frame == DTI_FRAME_UNITS ? "{\"unit\": " : "{\"province\": ", out);
        dti_report_json_string(out, S_name(rep, frame, i));
        fprintf(out, ", \"year\": %d, \"observed_rank\": %s, \"median_rank\": %zu, \"rank_lo\": %zu, \"rank_hi\": %zu", y,
                exact ? obsbuf : "null", md, lo, hi);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, ", \"p_top%zu\": %.4f", ks[j], dti_projection_p_top(pr, frame, i, y, ks[j]));
        fputc('}', out);
    } else {
        fprintf(out, "%s,%d,%s,%zu,%zu,%zu", S_name(rep, frame, i), y, exact ? obsbuf : "", md, lo, hi);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, ",%.4f", dti_projection_p_top(pr, frame, i, y, ks[j]));
        fputs("\r\n", out);
    }
}

static void S_json_rows(const dti_project_report *rep, int frame, const size_t *ks, size_t n_k, FILE *out)
{
    int y1 = rep->pr->first_year + (int)rep->pr->n_years - 1, first = 1;
    size_t a = rep->all ? 0 : S_self(rep, frame), b = rep->all ? S_count(rep, frame) : a + 1;
    for (size_t i = a; i < b; i++)
        for (int y = S_first_year(rep, frame); y <= y1; y++) {
            fputs(first ? "\n    " : ",\n    ", out);
            first = 0;
            S_row(rep, frame, i, y, ks, n_k, 1, out);
        }
    fputs("\n  ]", out);
}

/* Text or Markdown table of one entity over the years of a frame. */
static void S_text_years(const dti_project_report *rep, int frame, const size_t *ks, size_t n_k, int md, FILE *out)
{
    const dti_projection *pr = rep->pr;
    const char *sep = md ? " | " : "  ";
    size_t i = S_self(rep, frame);
    int y1 = pr->first_year + (int)pr->n_years - 1;
    fprintf(out, "%syear%s%s%smedian%s80%% interval", md ? "| " : "", sep,
            frame == DTI_FRAME_PROVINCES ? "observed" : "", frame == DTI_FRAME_PROVINCES ? sep : "", sep);
    for (size_t j = 0; j < n_k; j++)
        fprintf(out, "%sP(top %zu)", sep, ks[j]);
    fputs(md ? " |\n" : "\n", out);
    if (md) {
        fputs(frame == DTI_FRAME_PROVINCES ? "|---:|---:|---:|---:" : "|---:|---:|---:", out);
        for (size_t j = 0; j < n_k; j++)
            fputs("|---:", out);
        fputs("|\n", out);
    }
    for (int y = S_first_year(rep, frame); y <= y1; y++) {
        char iv[32], obsbuf[64] = "";
        snprintf(iv, sizeof iv, "%zu–%zu", dti_projection_quantile(pr, frame, i, y, S_Q_LO),
                 dti_projection_quantile(pr, frame, i, y, S_Q_HI));
        fprintf(out, "%s%d%s", md ? "| " : "", y, sep);
        if (frame == DTI_FRAME_PROVINCES) {
            S_observed(rep, i, y, obsbuf, sizeof obsbuf);
            dti_report_pad(out, obsbuf[0] ? obsbuf : "–", 8, 1);
            fputs(sep, out);
        }
        fprintf(out, "%6zu%s", dti_projection_quantile(pr, frame, i, y, 0.5), sep);
        dti_report_pad(out, iv, 12, 0);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, "%s%9.2f", sep, dti_projection_p_top(pr, frame, i, y, ks[j]));
        fputs(md ? " |\n" : "\n", out);
    }
}

/* Text or Markdown table of every entity of a frame in one year, by median rank. */
static void S_text_all(const dti_project_report *rep, int frame, int y, const size_t *ks, size_t n_k, int md, FILE *out)
{
    const dti_projection *pr = rep->pr;
    const char *sep = md ? " | " : "  ";
    size_t n = S_count(rep, frame), wname = 8;
    for (size_t i = 0; i < n; i++)
        if (dti_utf8_width(S_name(rep, frame, i)) > wname)
            wname = dti_utf8_width(S_name(rep, frame, i));
    fprintf(out, "%s%d, among the %zu %s\n%s", md ? "### " : "", y, n,
            frame == DTI_FRAME_UNITS ? "units of the 2025 reorganisation" : "provinces", md ? "\n| " : "");
    dti_report_pad(out, frame == DTI_FRAME_UNITS ? "unit" : "province", md ? 0 : wname, 0);
    fprintf(out, "%smedian%s80%% interval", sep, sep);
    for (size_t j = 0; j < n_k; j++)
        fprintf(out, "%sP(top %zu)", sep, ks[j]);
    fputs(md ? " |\n|---|---:|---:" : "\n", out);
    if (md) {
        for (size_t j = 0; j < n_k; j++)
            fputs("|---:", out);
        fputs("|\n", out);
    }
    size_t *ord = dti_xcalloc(n, sizeof *ord), *med = dti_xcalloc(n, sizeof *med);
    for (size_t i = 0; i < n; i++) {
        ord[i] = i;
        med[i] = dti_projection_quantile(pr, frame, i, y, 0.5);
    }
    for (size_t i = 1; i < n; i++) /* by median rank, then registry / map order (insertion: stable) */
        for (size_t j = i; j > 0 && med[ord[j - 1]] > med[ord[j]]; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k];
        char iv[32];
        snprintf(iv, sizeof iv, "%zu–%zu", dti_projection_quantile(pr, frame, i, y, S_Q_LO),
                 dti_projection_quantile(pr, frame, i, y, S_Q_HI));
        if (md)
            fputs("| ", out);
        dti_report_pad(out, S_name(rep, frame, i), md ? 0 : wname, 0);
        fprintf(out, "%s%6zu%s", sep, med[i], sep);
        dti_report_pad(out, iv, 12, 0);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, "%s%9.2f", sep, dti_projection_p_top(pr, frame, i, y, ks[j]));
        fputs(md ? " |\n" : "\n", out);
    }
    free(ord);
    free(med);
    fputc('\n', out);
}

/* "Former provinces: A + B" of the report's unit. */
static void S_former(const dti_project_report *rep, FILE *out)
{
    size_t u = S_self(rep, DTI_FRAME_UNITS), k = 0;
    for (size_t p = 0; p < rep->reg->n; p++)
        if (rep->merger->unit_of[p] == u)
            fprintf(out, "%s%s", k++ ? " + " : "", rep->reg->p[p].name);
}

int dti_project_write(const dti_project_report *rep, int format, FILE *out, dti_error *err)
{
    (void)err;
    const dti_project_obs *obs = rep->obs;
    const dti_projection *pr = rep->pr;
    size_t ks[8], n_k = S_target_ks(rep, ks);
    if (n_k == 0) { /* no target: the two thresholds of the mission */
        ks[0] = 10;
        ks[1] = 15;
        n_k = 2;
    }
    int y1 = pr->first_year + (int)pr->n_years - 1;
    int frames[2] = {DTI_FRAME_PROVINCES, DTI_FRAME_UNITS};
    if (format == DTI_FORMAT_CSV) {
        /* One stable shape: the provinces' rows, or (with --units 34 only) the units' rows. */
        int frame = rep->frame == DTI_FRAME_UNITS && rep->merger ? DTI_FRAME_UNITS : DTI_FRAME_PROVINCES;
        fputs(frame == DTI_FRAME_UNITS ? "unit" : "province", out);
        fputs(",year,observed_rank,median_rank,rank_lo,rank_hi", out);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, ",p_top%zu", ks[j]);
        fputs("\r\n", out);
        size_t a = rep->all ? 0 : S_self(rep, frame), b = rep->all ? S_count(rep, frame) : a + 1;
        for (size_t i = a; i < b; i++)
            for (int y = S_first_year(rep, frame); y <= y1; y++)
                S_row(rep, frame, i, y, ks, n_k, 0, out);
        return DTI_OK;
    }
    if (format == DTI_FORMAT_JSON) {
        const dti_project_fit *f = rep->fit;
        fprintf(out, "{\n  \"model\": \"%s\",\n  \"parameters\": {", dti_project_model_name(f->model));
        if (f->model == DTI_MODEL_PANEL)
            fprintf(out, "\"a\": %.17g, \"b\": %.17g, \"se_a\": %.17g, \"se_b\": %.17g, \"sigma\": %.17g, \"pairs\": %zu",
                    f->a, f->b, f->se_a, f->se_b, sqrt(f->s2), f->n_pairs);
        else if (f->model == DTI_MODEL_TREND)
            fprintf(out, "\"sigma\": %.17g, \"df\": %.17g", sqrt(f->s2), f->df);
        fprintf(out, "},\n  \"runs\": %zu,\n  \"seed\": %lu,\n  \"fitted_years\": [%d, %d]", rep->set->runs,
                rep->set->seed, obs->year[0], obs->year[rep->set->origin_index]);
        if (S_shows(rep, DTI_FRAME_PROVINCES)) {
            fputs(",\n  \"rows\": [", out);
            S_json_rows(rep, DTI_FRAME_PROVINCES, ks, n_k, out);
        }
        if (S_shows(rep, DTI_FRAME_UNITS)) {
            fprintf(out, ",\n  \"merger\": {\"units\": %zu, \"from_year\": %d, \"weight\": ", rep->merger->n_units,
                    pr->merge_year);
            if (rep->merger->weight_column)
                dti_report_json_string(out, rep->merger->weight_column);
            else
                fputs("null", out);
            fputs("},\n  \"unit_rows\": [", out);
            S_json_rows(rep, DTI_FRAME_UNITS, ks, n_k, out);
        }
        fputs("\n}\n", out);
        return DTI_OK;
    }
    /* text and Markdown */
    int md = format == DTI_FORMAT_MD;
    fprintf(out, "%s%s — DTI rank projection from the public record %d–%d (model %s, %zu runs, seed %lu)\n\n",
            md ? "## " : "", !rep->all ? rep->reg->p[rep->province].name
                             : rep->frame == DTI_FRAME_UNITS ? "Every unit" : "Every province", obs->year[0],
            obs->year[rep->set->origin_index], dti_project_model_name(rep->fit->model), rep->set->runs, rep->set->seed);
    for (int fi = 0; fi < 2; fi++) {
        int frame = frames[fi];
        if (!S_shows(rep, frame))
            continue;
        if (frame == DTI_FRAME_UNITS) {
            fprintf(out, "%sAmong the %zu units of the 2025 reorganisation, DTI %d on (", md ? "### " : "",
                    rep->merger->n_units, pr->merge_year);
            if (!rep->all) {
                fprintf(out, "%s = ", S_name(rep, frame, S_self(rep, frame)));
                S_former(rep, out);
                fputs("; ", out);
            }
            fprintf(out, "%s mean of the former provinces' latent positions; an approximation, docs/merger.md)\n%s",
                    rep->merger->weight_column ? "weighted" : "unweighted", md ? "\n" : "");
        } else if (S_shows(rep, DTI_FRAME_UNITS)) {
            fprintf(out, "%sAmong the %zu provinces (the frame of the 2020 resolution)\n%s", md ? "### " : "",
                    S_count(rep, frame), md ? "\n" : "");
        }
        if (!rep->all) {
            S_text_years(rep, frame, ks, n_k, md, out);
        } else {
            int years[8];
            size_t n_y = 0;
            for (size_t i = 0; i < rep->n_targets && n_y < 8; i++) {
                size_t j = 0;
                while (j < n_y && years[j] != rep->targets[i].year)
                    j++;
                if (j == n_y && rep->targets[i].year <= y1 && rep->targets[i].year >= S_first_year(rep, frame))
                    years[n_y++] = rep->targets[i].year;
            }
            if (n_y == 0)
                years[n_y++] = y1;
            for (size_t yi = 0; yi < n_y; yi++)
                S_text_all(rep, frame, years[yi], ks, n_k, md, out);
        }
        fputc('\n', out);
    }
    if (!rep->all) {
        for (size_t i = 0; i < rep->n_targets; i++) {
            const dti_target *t = &rep->targets[i];
            if (t->province != rep->province)
                continue;
            fprintf(out, "%sTarget %d: top %zu", md ? "- " : "", t->year, t->top);
            int shown = 0;
            for (int fi = 0; fi < 2; fi++) {
                int frame = frames[fi];
                double pt = S_shows(rep, frame) ? dti_projection_p_top(pr, frame, S_self(rep, frame), t->year, t->top) : NAN;
                if (isnan(pt))
                    continue;
                char label[64] = "";
                if (S_shows(rep, DTI_FRAME_UNITS) && S_shows(rep, DTI_FRAME_PROVINCES) && t->year >= pr->merge_year)
                    snprintf(label, sizeof label, "among the %zu %s: ", S_count(rep, frame),
                             frame == DTI_FRAME_UNITS ? "units" : "former provinces");
                fprintf(out, "%s%sP = %.2f (%s)", shown ? "; " : " — ", label, pt, S_verdict(pt));
                shown = 1;
            }
            fputs(shown ? "\n" : " — outside the projected years\n", out);
        }
    }
    fprintf(out, "%sThresholds: likely when P >= %.2f, unlikely when P <= %.2f, uncertain between.\n", md ? "\n" : "",
            S_LIKELY, S_UNLIKELY);
    fputs("80% interval = 10th-90th percentile of the simulated rank.\n", out);
    S_params_text(rep, out);
    return DTI_OK;
}

/* ---- backtest --------------------------------------------------------------------------------- */

static double S_clip(double p)
{
    return p < S_P_CLIP ? S_P_CLIP : p > 1 - S_P_CLIP ? 1 - S_P_CLIP : p;
}

int dti_backtest_run(const dti_project_obs *obs, size_t origin_index, int model, const dti_project_settings *set,
                     dti_backtest_score *sc, dti_error *err)
{
    memset(sc, 0, sizeof *sc);
    sc->model = model;
    if (origin_index + 1 >= obs->n_years)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no observed year after the origin %d to score",
                             obs->year[origin_index]);
    dti_project_fit fit;
    int rc = dti_project_fit_model(obs, origin_index + 1, model, &fit, err);
    if (rc)
        return rc;
    dti_project_settings s = *set;
    s.origin_index = origin_index;
    s.until = obs->year[obs->n_years - 1];
    dti_projection pr;
    rc = dti_project_simulate(obs, &fit, &s, &pr, err);
    dti_project_fit_clear(&fit);
    if (rc)
        return rc;
    size_t n = obs->n, cap = n * obs->n_years, m = 0, inside = 0;
    double *med = dti_xcalloc(cap, sizeof *med), *act = dti_xcalloc(cap, sizeof *act);
    double *work = dti_xcalloc(2 * cap, sizeof *work);
    double abs_err = 0;
    for (size_t t = origin_index + 1; t < obs->n_years; t++) {
        int y = obs->year[t];
        for (size_t p = 0; p < n; p++) {
            size_t i = t * n + p, r = obs->exact[i];
            if (r) {
                size_t md = dti_projection_quantile(&pr, DTI_FRAME_PROVINCES, p, y, 0.5);
                med[m] = (double)md;
                act[m] = (double)r;
                abs_err += fabs(med[m] - act[m]);
                inside += r >= dti_projection_quantile(&pr, DTI_FRAME_PROVINCES, p, y, S_Q_LO) && r <= dti_projection_quantile(&pr, DTI_FRAME_PROVINCES, p, y, S_Q_HI);
                m++;
            }
            /* membership known: in (hi <= k) or out (lo > k) */
            static const size_t K[2] = {10, 15};
            for (int j = 0; j < 2; j++) {
                int known_in = obs->hi[i] <= K[j], known_out = obs->lo[i] > K[j];
                if (!known_in && !known_out)
                    continue;
                double pt = dti_projection_p_top(&pr, DTI_FRAME_PROVINCES, p, y, K[j]), o = known_in ? 1.0 : 0.0;
                double brier = (pt - o) * (pt - o), logs = -log(known_in ? S_clip(pt) : 1 - S_clip(pt));
                if (j == 0) {
                    sc->brier10 += brier;
                    sc->log10 += logs;
                    sc->n_top10++;
                } else {
                    sc->brier15 += brier;
                    sc->log15 += logs;
                    sc->n_top15++;
                }
            }
        }
    }
    sc->n_exact = m;
    sc->mae = m ? abs_err / (double)m : NAN;
    sc->coverage80 = m ? (double)inside / (double)m : NAN;
    sc->spearman = m > 2 ? gsl_stats_spearman(med, 1, act, 1, m, work) : NAN;
    if (sc->n_top10) {
        sc->brier10 /= (double)sc->n_top10;
        sc->log10 /= (double)sc->n_top10;
    }
    if (sc->n_top15) {
        sc->brier15 /= (double)sc->n_top15;
        sc->log15 /= (double)sc->n_top15;
    }
    free(med);
    free(act);
    free(work);
    dti_projection_clear(&pr);
    return DTI_OK;
}
