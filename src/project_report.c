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
#include "project.h"

/* Verbal probability scale (after the IPCC's "likely"/"unlikely"), stated in every text output. */
#define S_LIKELY 0.67
#define S_UNLIKELY 0.33
#define S_Q_LO 0.10 /* the 80% interval: 10th to 90th percentile of the simulated rank */
#define S_Q_HI 0.90
#define S_P_CLIP 1e-4 /* log score: probabilities clipped to [S_P_CLIP, 1 - S_P_CLIP] */

static const char *S_verdict(double p)
{
    return p >= S_LIKELY ? "likely" : p <= S_UNLIKELY ? "unlikely" : "uncertain";
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

static void S_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void S_pad(FILE *out, const char *s, size_t width)
{
    fputs(s, out);
    for (size_t w = dti_utf8_width(s); w < width; w++)
        fputc(' ', out);
}

int dti_project_write(const dti_project_report *rep, int format, FILE *out, dti_error *err)
{
    (void)err;
    const dti_project_obs *obs = rep->obs;
    const dti_projection *pr = rep->pr;
    const dti_registry *reg = rep->reg;
    size_t ks[8], n_k = S_target_ks(rep, ks);
    if (n_k == 0) { /* no target: the two thresholds of the mission */
        ks[0] = 10;
        ks[1] = 15;
        n_k = 2;
    }
    size_t first = rep->all ? 0 : rep->province, last = rep->all ? reg->n : rep->province + 1;
    int y0 = pr->first_year, y1 = pr->first_year + (int)pr->n_years - 1;
    char obsbuf[64];
    if (format == DTI_FORMAT_CSV) {
        fputs("province,year,observed_rank,median_rank,rank_lo,rank_hi", out);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, ",p_top%zu", ks[j]);
        fputs("\r\n", out);
        for (size_t p = first; p < last; p++)
            for (int y = y0; y <= y1; y++) {
                S_observed(rep, p, y, obsbuf, sizeof obsbuf);
                int exact = obsbuf[0] && strspn(obsbuf, "0123456789") == strlen(obsbuf);
                fprintf(out, "%s,%d,%s,%zu,%zu,%zu", reg->p[p].name, y, exact ? obsbuf : "",
                        dti_projection_quantile(pr, p, y, 0.5), dti_projection_quantile(pr, p, y, S_Q_LO),
                        dti_projection_quantile(pr, p, y, S_Q_HI));
                for (size_t j = 0; j < n_k; j++)
                    fprintf(out, ",%.4f", dti_projection_p_top(pr, p, y, ks[j]));
                fputs("\r\n", out);
            }
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
        fprintf(out, "},\n  \"runs\": %zu,\n  \"seed\": %lu,\n  \"fitted_years\": [%d, %d],\n  \"rows\": [\n",
                rep->set->runs, rep->set->seed, obs->year[0], obs->year[rep->set->origin_index]);
        int firstrow = 1;
        for (size_t p = first; p < last; p++)
            for (int y = y0; y <= y1; y++) {
                S_observed(rep, p, y, obsbuf, sizeof obsbuf);
                int exact = obsbuf[0] && strspn(obsbuf, "0123456789") == strlen(obsbuf);
                fputs(firstrow ? "    {" : ",\n    {", out);
                firstrow = 0;
                fputs("\"province\": ", out);
                S_json_str(out, reg->p[p].name);
                fprintf(out, ", \"year\": %d, \"observed_rank\": %s, \"median_rank\": %zu, \"rank_lo\": %zu, \"rank_hi\": %zu",
                        y, exact ? obsbuf : "null", dti_projection_quantile(pr, p, y, 0.5),
                        dti_projection_quantile(pr, p, y, S_Q_LO), dti_projection_quantile(pr, p, y, S_Q_HI));
                for (size_t j = 0; j < n_k; j++)
                    fprintf(out, ", \"p_top%zu\": %.4f", ks[j], dti_projection_p_top(pr, p, y, ks[j]));
                fputc('}', out);
            }
        fputs("\n  ]\n}\n", out);
        return DTI_OK;
    }
    /* text and Markdown */
    int md = format == DTI_FORMAT_MD;
    const char *sep = md ? " | " : "  ";
    if (!rep->all) {
        size_t p = rep->province;
        fprintf(out, "%s%s — DTI rank projection from the public record %d–%d (model %s, %zu runs, seed %lu)\n%s",
                md ? "## " : "", reg->p[p].name, obs->year[0], obs->year[rep->set->origin_index],
                dti_project_model_name(rep->fit->model), rep->set->runs, rep->set->seed, md ? "\n" : "");
        fprintf(out, "%syear%sobserved%smedian%s80%% interval", md ? "| " : "", sep, sep, sep);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, "%sP(top %zu)", sep, ks[j]);
        fputs(md ? " |\n" : "\n", out);
        if (md) {
            fputs("|---:|---:|---:|---:", out);
            for (size_t j = 0; j < n_k; j++)
                fputs("|---:", out);
            fputs("|\n", out);
        }
        for (int y = y0; y <= y1; y++) {
            S_observed(rep, p, y, obsbuf, sizeof obsbuf);
            char iv[32];
            snprintf(iv, sizeof iv, "%zu–%zu", dti_projection_quantile(pr, p, y, S_Q_LO),
                     dti_projection_quantile(pr, p, y, S_Q_HI));
            fprintf(out, "%s%d%s", md ? "| " : "", y, sep);
            const char *ob = obsbuf[0] ? obsbuf : "–";
            for (size_t w = dti_utf8_width(ob); w < 8; w++) /* right-align by display width */
                fputc(' ', out);
            fprintf(out, "%s%s%6zu%s", ob, sep, dti_projection_quantile(pr, p, y, 0.5), sep);
            S_pad(out, iv, 12);
            for (size_t j = 0; j < n_k; j++)
                fprintf(out, "%s%*.2f", sep, j + 1 < n_k || md ? 9 : 9, dti_projection_p_top(pr, p, y, ks[j]));
            fputs(md ? " |\n" : "\n", out);
        }
        fputc('\n', out);
        for (size_t i = 0; i < rep->n_targets; i++) {
            const dti_target *t = &rep->targets[i];
            if (t->province != p)
                continue;
            double pt = dti_projection_p_top(pr, p, t->year, t->top);
            if (isnan(pt))
                fprintf(out, "%sTarget %d: top %zu — outside the projected years\n", md ? "- " : "", t->year, t->top);
            else
                fprintf(out, "%sTarget %d: top %zu — P = %.2f (%s)\n", md ? "- " : "", t->year, t->top, pt,
                        S_verdict(pt));
        }
        fprintf(out, "%sThresholds: likely when P >= %.2f, unlikely when P <= %.2f, uncertain between.\n", md ? "\n" : "",
                S_LIKELY, S_UNLIKELY);
        fprintf(out, "Ranks among the %zu provinces of the 2020 resolution; 80%% interval = 10th-90th percentile of the "
                     "simulated rank.\n",
                obs->n);
        S_params_text(rep, out);
        return DTI_OK;
    }
    /* --all in text: every province, each target year (or the last year) */
    int years[8];
    size_t n_y = 0;
    for (size_t i = 0; i < rep->n_targets && n_y < 8; i++) {
        size_t j = 0;
        while (j < n_y && years[j] != rep->targets[i].year)
            j++;
        if (j == n_y && rep->targets[i].year <= y1)
            years[n_y++] = rep->targets[i].year;
    }
    if (n_y == 0)
        years[n_y++] = y1;
    fprintf(out, "%sDTI rank projection for every province from the public record %d–%d (model %s, %zu runs, seed %lu)\n\n",
            md ? "## " : "", obs->year[0], obs->year[rep->set->origin_index], dti_project_model_name(rep->fit->model),
            rep->set->runs, rep->set->seed);
    size_t wname = 8;
    for (size_t p = 0; p < reg->n; p++)
        if (dti_utf8_width(reg->p[p].name) > wname)
            wname = dti_utf8_width(reg->p[p].name);
    for (size_t yi = 0; yi < n_y; yi++) {
        int y = years[yi];
        fprintf(out, "%s%d\n%s", md ? "### " : "", y, md ? "\n| " : "");
        S_pad(out, "province", md ? 0 : wname);
        fprintf(out, "%smedian%s80%% interval", sep, sep);
        for (size_t j = 0; j < n_k; j++)
            fprintf(out, "%sP(top %zu)", sep, ks[j]);
        fputs(md ? " |\n|---|---:|---:" : "\n", out);
        if (md) {
            for (size_t j = 0; j < n_k; j++)
                fputs("|---:", out);
            fputs("|\n", out);
        }
        /* provinces in order of median rank, then registry order */
        size_t *ord = dti_xcalloc(reg->n, sizeof *ord);
        for (size_t p = 0; p < reg->n; p++)
            ord[p] = p;
        for (size_t i = 1; i < reg->n; i++)
            for (size_t j = i; j > 0 && dti_projection_quantile(pr, ord[j - 1], y, 0.5) >
                                          dti_projection_quantile(pr, ord[j], y, 0.5);
                 j--) {
                size_t t = ord[j];
                ord[j] = ord[j - 1];
                ord[j - 1] = t;
            }
        for (size_t i = 0; i < reg->n; i++) {
            size_t p = ord[i];
            char iv[32];
            snprintf(iv, sizeof iv, "%zu–%zu", dti_projection_quantile(pr, p, y, S_Q_LO),
                     dti_projection_quantile(pr, p, y, S_Q_HI));
            if (md)
                fputs("| ", out);
            S_pad(out, reg->p[p].name, md ? 0 : wname);
            fprintf(out, "%s%6zu%s", sep, dti_projection_quantile(pr, p, y, 0.5), sep);
            S_pad(out, iv, 12);
            for (size_t j = 0; j < n_k; j++)
                fprintf(out, "%s%9.2f", sep, dti_projection_p_top(pr, p, y, ks[j]));
            fputs(md ? " |\n" : "\n", out);
        }
        free(ord);
        fputc('\n', out);
    }
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
                size_t md = dti_projection_quantile(&pr, p, y, 0.5);
                med[m] = (double)md;
                act[m] = (double)r;
                abs_err += fabs(med[m] - act[m]);
                inside += r >= dti_projection_quantile(&pr, p, y, S_Q_LO) && r <= dti_projection_quantile(&pr, p, y, S_Q_HI);
                m++;
            }
            /* membership known: in (hi <= k) or out (lo > k) */
            static const size_t K[2] = {10, 15};
            for (int j = 0; j < 2; j++) {
                int known_in = obs->hi[i] <= K[j], known_out = obs->lo[i] > K[j];
                if (!known_in && !known_out)
                    continue;
                double pt = dti_projection_p_top(&pr, p, y, K[j]), o = known_in ? 1.0 : 0.0;
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
