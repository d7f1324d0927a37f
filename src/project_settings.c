/* project_settings.c -- models/projection.yaml: the default model and the candidates, the sampler,
 * the reorganisation's start and the chance of an edition change (the I/O layer of the projection). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "project.h"
#include "ynode.h"

static const char *const S_keys[] = {"model", "candidates", "runs", "compare_runs", "until", "sampler", "t_nu", "units_from",
                                     "edition_change", "backtest", "note", NULL};
static const char *const S_sampler_keys[] = {"chains", "sweeps", "burn", "thin", NULL};
static const char *const S_backtest_keys[] = {"origins", "runs", NULL};

void dti_projection_config_default(dti_projection_config *c)
{
    memset(c, 0, sizeof *c);
    c->model = DTI_MODEL_EFFECTS;
    for (int m = 0; m < DTI_MODEL_COUNT; m++)
        c->candidates[c->n_candidates++] = m;
    c->runs = 100000;
    c->compare_runs = 20000;
    c->until = 2030;
    dti_latent_settings_default(&c->sampler);
    c->n_origins = 3;
    c->origins[0] = 2021;
    c->origins[1] = 2022;
    c->origins[2] = 2023;
    c->backtest_runs = 20000;
}

static int S_model(const dti_yctx *c, const dti_ynode *v, int *model)
{
    char *s = NULL;
    int rc = dti_y_string(c, v, "model", &s);
    if (rc)
        return rc;
    dti_error tmp;
    dti_error_init(&tmp);
    if (dti_project_model_parse(s, model, &tmp))
        rc = dti_y_error(c, v, "%s", tmp.e[0].message);
    free(s);
    return rc;
}

static int S_size(const dti_yctx *c, const dti_ynode *map, const char *key, long lo, long hi, size_t *out)
{
    const dti_ynode *v = dti_ynode_get(map, key);
    long x;
    if (!v)
        return DTI_OK;
    int rc = dti_y_integer(c, v, key, lo, hi, &x);
    if (!rc)
        *out = (size_t)x;
    return rc;
}

int dti_projection_config_load(const char *path, dti_projection_config *cfg, dti_error *err)
{
    dti_projection_config_default(cfg);
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *v, *w;
    long x;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "projection settings")) ||
        (rc = dti_y_check_keys(&c, root, S_keys, "projection settings")))
        goto done;
    if ((v = dti_ynode_get(root, "model")) && (rc = S_model(&c, v, &cfg->model)))
        goto done;
    if ((v = dti_ynode_get(root, "candidates"))) {
        if ((rc = dti_y_expect(&c, v, DTI_Y_SEQUENCE, "candidates")))
            goto done;
        if (v->n == 0 || v->n > DTI_MODEL_COUNT) {
            rc = dti_y_error(&c, v, "candidates: give 1 to %d models", DTI_MODEL_COUNT);
            goto done;
        }
        cfg->n_candidates = 0;
        for (size_t i = 0; i < v->n; i++) {
            int m;
            if ((rc = S_model(&c, v->items[i], &m)))
                goto done;
            for (size_t k = 0; k < cfg->n_candidates; k++)
                if (cfg->candidates[k] == m) {
                    rc = dti_y_error(&c, v->items[i], "candidate '%s' is listed twice", dti_project_model_name(m));
                    goto done;
                }
            cfg->candidates[cfg->n_candidates++] = m;
        }
    }
    if ((rc = S_size(&c, root, "runs", 1, 100000000, &cfg->runs)) ||
        (rc = S_size(&c, root, "compare_runs", 0, 100000000, &cfg->compare_runs)))
        goto done;
    if ((v = dti_ynode_get(root, "until"))) {
        if ((rc = dti_y_integer(&c, v, "until", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
            goto done;
        cfg->until = (int)x;
    }
    if ((v = dti_ynode_get(root, "sampler"))) {
        dti_latent_settings *s = &cfg->sampler;
        if ((rc = dti_y_expect(&c, v, DTI_Y_MAPPING, "sampler")) ||
            (rc = dti_y_check_keys(&c, v, S_sampler_keys, "sampler")) ||
            (rc = S_size(&c, v, "chains", 1, 64, &s->chains)) || (rc = S_size(&c, v, "sweeps", 2, 10000000, &s->sweeps)) ||
            (rc = S_size(&c, v, "burn", 0, 10000000, &s->burn)) || (rc = S_size(&c, v, "thin", 1, 100000, &s->thin)))
            goto done;
        if (s->burn >= s->sweeps || (s->sweeps - s->burn) / s->thin == 0) {
            rc = dti_y_error(&c, v, "sampler: keep at least one draw (burn < sweeps, (sweeps - burn) / thin >= 1)");
            goto done;
        }
    }
    if ((v = dti_ynode_get(root, "t_nu"))) {
        if ((rc = dti_y_number(&c, v, "t_nu", &cfg->sampler.nu)))
            goto done;
        if (!(cfg->sampler.nu > 2) || cfg->sampler.nu > 1000) {
            rc = dti_y_error(&c, v, "t_nu must be above 2 (a finite variance) and at most 1000");
            goto done;
        }
    }
    if ((v = dti_ynode_get(root, "units_from"))) {
        if ((rc = dti_y_integer(&c, v, "units_from", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
            goto done;
        cfg->sampler.units_from = (int)x;
    }
    if ((v = dti_ynode_get(root, "edition_change"))) {
        if ((rc = dti_y_expect(&c, v, DTI_Y_MAPPING, "edition_change")))
            goto done;
        if (v->n > DTI_PROJECT_MAX_CHANGES) {
            rc = dti_y_error(&c, v, "edition_change: at most %d years", DTI_PROJECT_MAX_CHANGES);
            goto done;
        }
        for (size_t i = 0; i < v->n; i++) {
            double p;
            if ((rc = dti_y_integer(&c, v->keys[i], "a year", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)) ||
                (rc = dti_y_number(&c, v->items[i], "a probability", &p)))
                goto done;
            if (!(p >= 0 && p <= 1)) {
                rc = dti_y_error(&c, v->items[i], "edition_change %ld: %s is not a probability in [0, 1]", x,
                                 v->items[i]->text);
                goto done;
            }
            cfg->change_year[cfg->n_changes] = (int)x;
            cfg->change_prob[cfg->n_changes++] = p;
        }
    }
    if ((v = dti_ynode_get(root, "backtest"))) {
        if ((rc = dti_y_expect(&c, v, DTI_Y_MAPPING, "backtest")) ||
            (rc = dti_y_check_keys(&c, v, S_backtest_keys, "backtest")) ||
            (rc = S_size(&c, v, "runs", 1, 100000000, &cfg->backtest_runs)))
            goto done;
        if ((w = dti_ynode_get(v, "origins"))) {
            if ((rc = dti_y_expect(&c, w, DTI_Y_SEQUENCE, "origins")))
                goto done;
            if (w->n == 0 || w->n > DTI_PROJECT_MAX_YEARS) {
                rc = dti_y_error(&c, w, "origins: give 1 to %d years", DTI_PROJECT_MAX_YEARS);
                goto done;
            }
            cfg->n_origins = 0;
            for (size_t i = 0; i < w->n; i++) {
                if ((rc = dti_y_integer(&c, w->items[i], "an origin", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
                    goto done;
                cfg->origins[cfg->n_origins++] = (int)x;
            }
        }
    }
done:
    dti_ynode_free(root);
    return rc;
}
