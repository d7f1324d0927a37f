/* merger.c -- the 2025 reorganisation: the 63 -> 34 map, merged values, and tables among the units.
 *
 * The Ministry's rule (DTI 2024, verified on published figures): a merged unit's main indicators are
 * the unweighted mean of its former provinces' main indicators, so its DTI is the mean of their
 * DTIs; units that did not merge keep their values.  Where the record holds only ranks, a unit's
 * position is approximated by the mean normal score of its former provinces' ranks (docs/merger.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "internal.h"
#include "merger.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"source", "note", "units", NULL};
static const char *const S_keys[] = {"old", "new", "merged", "source", "note", NULL};

/* Each unit's sum of merger weights, the divisor of dti_merger_apply. */
static void S_weight_sums(dti_merger *m)
{
    for (size_t j = 0; j < m->n_units; j++)
        m->wsum[j] = 0.0;
    for (size_t p = 0; p < m->n_old; p++)
        m->wsum[m->unit_of[p]] += m->weight[p];
}

void dti_merger_clear(dti_merger *m)
{
    for (size_t j = 0; j < m->n_units; j++)
        free(m->unit[j]);
    free(m->unit);
    free(m->unit_of);
    free(m->n_former);
    free(m->merged);
    free(m->weight);
    free(m->wsum);
    free(m->weight_column);
    free(m->path);
    memset(m, 0, sizeof *m);
}

int dti_merger_load(const char *path, const dti_registry *reg, dti_merger *m, dti_error *err)
{
    memset(m, 0, sizeof *m);
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *list;
    size_t *line_of = NULL, *unit_line = NULL; /* where each province / unit was first named */
    char **folded = NULL;
    dti_strmap by_key; /* folded unit name -> unit: one lookup per entry */
    dti_strmap_init(&by_key, reg->n);
    m->path = dti_strdup(path);
    m->n_old = reg->n;
    m->unit_of = dti_xcalloc(reg->n, sizeof *m->unit_of);
    m->merged = dti_xcalloc(reg->n, sizeof *m->merged);
    m->weight = dti_xcalloc(reg->n, sizeof *m->weight);
    m->unit = dti_xcalloc(reg->n, sizeof *m->unit);
    m->n_former = dti_xcalloc(reg->n, sizeof *m->n_former);
    line_of = dti_xcalloc(reg->n, sizeof *line_of);
    unit_line = dti_xcalloc(reg->n, sizeof *unit_line);
    folded = dti_xcalloc(reg->n, sizeof *folded);
    for (size_t p = 0; p < reg->n; p++) {
        m->unit_of[p] = DTI_NONE;
        m->weight[p] = 1.0;
    }
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a merger map")) ||
        (rc = dti_y_check_keys(&c, root, S_top_keys, "a merger map")) ||
        (rc = dti_y_require(&c, root, "units", "a merger map", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "units")))
        goto cleanup;
    const dti_ynode **merged_at = dti_xcalloc(reg->n, sizeof *merged_at);
    for (size_t i = 0; i < list->n && !rc; i++) {
        const dti_ynode *e = list->items[i], *v;
        char *name = NULL;
        size_t p;
        if ((rc = dti_y_expect(&c, e, DTI_Y_MAPPING, "a merger entry")) ||
            (rc = dti_y_check_keys(&c, e, S_keys, "a merger entry")) ||
            (rc = dti_y_require(&c, e, "old", "a merger entry", &v)) || (rc = dti_y_string(&c, v, "old", &name)))
            break;
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_registry_find(reg, name, &p, &tmp))
            rc = dti_y_error(&c, v, "%s", tmp.e[0].message);
        else if (m->unit_of[p] != DTI_NONE)
            rc = dti_y_error(&c, v, "province '%s' is mapped twice (first at line %zu)", reg->p[p].name, line_of[p]);
        else
            line_of[p] = v->line;
        free(name);
        if (rc || (rc = dti_y_require(&c, e, "new", "a merger entry", &v)) || (rc = dti_y_string(&c, v, "new", &name)))
            break;
        /* One spelling per unit: the same folded name written two ways is an error. */
        char *key = dti_name_fold(name);
        size_t j = dti_strmap_get(&by_key, key);
        if (j == DTI_NONE)
            j = m->n_units;
        if (j < m->n_units && strcmp(m->unit[j], name) != 0)
            rc = dti_y_error(&c, v, "unit '%s' is spelled '%s' at line %zu", name, m->unit[j], unit_line[j]);
        if (j == m->n_units && !rc) {
            m->unit[j] = name;
            folded[j] = key;
            dti_strmap_put(&by_key, key, j);
            unit_line[j] = v->line;
            m->n_units++;
            name = NULL;
            key = NULL;
        }
        free(name);
        free(key);
        if (rc)
            break;
        m->unit_of[p] = j;
        m->n_former[j]++;
        if ((v = dti_ynode_get(e, "merged"))) {
            if ((rc = dti_y_bool(&c, v, "merged", &m->merged[p])))
                break;
            merged_at[p] = v;
        } else {
            m->merged[p] = -1; /* not stated: follows from the map */
        }
    }
    for (size_t p = 0; p < reg->n && !rc; p++) {
        if (m->unit_of[p] == DTI_NONE) {
            rc = dti_y_error(&c, list, "province '%s' (code %s) is not in the map", reg->p[p].name, reg->p[p].code);
            break;
        }
        size_t k = m->n_former[m->unit_of[p]];
        if (m->merged[p] == 1 && k < 2)
            rc = dti_y_error(&c, merged_at[p], "'%s' is marked merged but its unit '%s' has no other former province",
                             reg->p[p].name, m->unit[m->unit_of[p]]);
        else if (m->merged[p] == 0 && k > 1)
            rc = dti_y_error(&c, merged_at[p], "'%s' is marked not merged but its unit '%s' has %zu former provinces",
                             reg->p[p].name, m->unit[m->unit_of[p]], k);
        else if (m->merged[p] < 0)
            m->merged[p] = k > 1;
    }
    free(merged_at);
    m->wsum = dti_xcalloc(reg->n, sizeof *m->wsum);
    if (!rc)
        S_weight_sums(m);
cleanup:
    dti_strmap_clear(&by_key);
    for (size_t j = 0; j < reg->n; j++)
        free(folded[j]);
    free(folded);
    free(line_of);
    free(unit_line);
    dti_ynode_free(root);
    if (rc)
        dti_merger_clear(m);
    return rc;
}

int dti_merger_set_weights(dti_merger *m, const dti_registry *reg, const char *column, dti_error *err)
{
    free(m->weight_column);
    m->weight_column = NULL;
    for (size_t p = 0; p < m->n_old; p++)
        m->weight[p] = 1.0;
    if (!column) {
        S_weight_sums(m);
        return DTI_OK;
    }
    for (size_t p = 0; p < m->n_old; p++) {
        const dti_province *pr = &reg->p[p];
        size_t k = 0;
        while (k < pr->n_numbers && strcmp(pr->number_names[k], column) != 0)
            k++;
        if (k == pr->n_numbers)
            return dti_error_set(err, DTI_ERR_INPUT, reg->path, pr->line, pr->column,
                                 "province '%s' has no number '%s' to weight the merger by", pr->name, column);
        if (!(pr->numbers[k] > 0))
            return dti_error_set(err, DTI_ERR_INPUT, reg->path, pr->line, pr->column,
                                 "merger weight '%s' of '%s' must be positive", column, pr->name);
        if (pr->numbers[k] > DTI_WEIGHT_MAX) /* a unit's sum of weights must not overflow (docs/methods.md) */
            return dti_error_set(err, DTI_ERR_INPUT, reg->path, pr->line, pr->column,
                                 "merger weight '%s' of '%s' is above the limit of %g", column, pr->name,
                                 DTI_WEIGHT_MAX);
        m->weight[p] = pr->numbers[k];
    }
    m->weight_column = dti_strdup(column);
    S_weight_sums(m);
    return DTI_OK;
}

void dti_merger_apply(const dti_merger *m, const double *old_vals, double *unit_vals)
{
    for (size_t j = 0; j < m->n_units; j++)
        unit_vals[j] = 0.0;
    for (size_t p = 0; p < m->n_old; p++)
        unit_vals[m->unit_of[p]] += m->weight[p] * old_vals[p];
    for (size_t j = 0; j < m->n_units; j++)
        unit_vals[j] /= m->wsum[j]; /* NaN propagates from any unknown former province */
}

dti_registry *dti_merger_units_registry(const dti_merger *m, const dti_registry *reg, const char *frame)
{
    dti_registry *u = dti_xcalloc(1, sizeof *u);
    u->path = dti_strdup(m->path);
    u->frame = dti_strdup(frame);
    u->n = m->n_units;
    u->p = dti_xcalloc(m->n_units, sizeof *u->p);
    for (size_t j = 0; j < m->n_units; j++) {
        dti_province *q = &u->p[j];
        q->code = dti_strdup(""); /* the units have no code in our sources */
        q->name = dti_strdup(m->unit[j]);
        q->successor = dti_strdup(m->unit[j]);
        q->ascii = NULL;
        /* The former provinces' regions, in registry order, each once ("A / B" across regions); the
         * ASCII name of the former province of the same name, else the name without diacritics. */
        size_t len = 1;
        for (size_t p = 0; p < m->n_old; p++)
            if (m->unit_of[p] == j && reg->p[p].region)
                len += strlen(reg->p[p].region) + 3;
        q->region = dti_xcalloc(len, 1);
        for (size_t p = 0; p < m->n_old; p++) {
            if (m->unit_of[p] != j)
                continue;
            if (!q->ascii && !strcmp(reg->p[p].name, m->unit[j]))
                q->ascii = dti_strdup(reg->p[p].ascii);
            const char *r = reg->p[p].region;
            if (r && !strstr(q->region, r)) {
                if (q->region[0])
                    strcat(q->region, " / ");
                strcat(q->region, r);
            }
        }
        if (!q->ascii)
            q->ascii = dti_ascii_of(m->unit[j]);
        q->key_name = dti_name_fold(q->name);
        q->key_ascii = dti_name_fold(q->ascii);
        q->line = 0;
    }
    u->unit_of = dti_xcalloc(m->n_old, sizeof *u->unit_of);
    memcpy(u->unit_of, m->unit_of, m->n_old * sizeof *u->unit_of);
    dti_registry_index(u);
    return u;
}

static const char *S_unit_label(const void *ctx, size_t j) { return ((const dti_merger *)ctx)->unit[j]; }

int dti_merger_find(const dti_merger *m, const char *query, size_t *unit, dti_error *err)
{
    dti_lookup l;
    dti_lookup_init(&l, "unit");
    for (size_t j = 0; j < m->n_units; j++)
        dti_lookup_add(&l, m->unit[j], j);
    int rc = dti_lookup_find(&l, query, S_unit_label, m, unit, err);
    dti_lookup_clear(&l);
    return rc;
}

int dti_merger_frame_init(dti_merger_frame *f, const dti_merger *m, const dti_registry *reg, const char *const *codes,
                          size_t n_rows, const char *path, dti_error *err)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    f->n_rows = n_rows;
    size_t no = m->n_old;
    if (no != reg->n || n_rows != no)
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                             "--units needs the %zu provinces of the registry as the data's units (found %zu)", no,
                             n_rows);
    f->row_of = dti_xcalloc(no, sizeof *f->row_of);
    for (size_t p = 0; p < no; p++)
        f->row_of[p] = DTI_NONE;
    for (size_t u = 0; u < n_rows; u++) {
        size_t p;
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_registry_find(reg, codes[u], &p, &tmp) || f->row_of[p] != DTI_NONE)
            return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "unit '%s' is not a distinct province of the registry",
                                 codes[u]);
        f->row_of[p] = u;
    }
    f->name = dti_xcalloc(m->n_units, sizeof *f->name);
    for (size_t j = 0; j < m->n_units; j++) {
        size_t len = 1, o = 0;
        for (size_t p = 0; p < no; p++)
            if (m->unit_of[p] == j)
                len += strlen(reg->p[p].name) + 3;
        f->name[j] = dti_xcalloc(len, 1);
        for (size_t p = 0; p < no; p++)
            if (m->unit_of[p] == j)
                o += (size_t)snprintf(f->name[j] + o, len - o, "%s%s", o ? " + " : "", reg->p[p].name);
    }
    return DTI_OK;
}

void dti_merger_frame_clear(dti_merger_frame *f)
{
    for (size_t j = 0; f->name && j < f->m->n_units; j++)
        free(f->name[j]);
    free(f->name);
    free(f->row_of);
    memset(f, 0, sizeof *f);
}

void dti_merger_frame_merge(const dti_merger_frame *f, const double *in, size_t n_cols, double *out, double *col)
{
    size_t no = f->m->n_old, nr = f->n_rows, nu = f->m->n_units;
    for (size_t j = 0; j < n_cols; j++) {
        for (size_t p = 0; p < no; p++)
            col[p] = in[j * nr + f->row_of[p]];
        dti_merger_apply(f->m, col, out + j * nu);
    }
}

static const char *const S_rule_keys[] = {"map", "rule", "weight", "from_year", "note", NULL};

int dti_merger_rule_load(const char *path, dti_merger_rule *rule, dti_error *err)
{
    memset(rule, 0, sizeof *rule);
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *v;
    char *kind = NULL;
    long y;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a merger rule")) ||
        (rc = dti_y_check_keys(&c, root, S_rule_keys, "a merger rule")) ||
        (rc = dti_y_require(&c, root, "map", "a merger rule", &v)) || (rc = dti_y_string(&c, v, "map", &rule->map)))
        goto cleanup;
    if (strchr(rule->map, '/') || rule->map[0] == '.' || !rule->map[0]) {
        rc = dti_y_error(&c, v, "map '%s' must be a plain name such as merger-2025", rule->map);
        goto cleanup;
    }
    if (strlen(rule->map) > DTI_FILE_STEM_MAX) { /* names data/<map>.yaml: refused, never cut */
        rc = dti_y_error(&c, v, "map name is %zu bytes long; at most %d", strlen(rule->map), DTI_FILE_STEM_MAX);
        goto cleanup;
    }
    if ((rc = dti_y_require(&c, root, "rule", "a merger rule", &v)) || (rc = dti_y_string(&c, v, "rule", &kind)))
        goto cleanup;
    if (strcmp(kind, "mean") != 0 && strcmp(kind, "weighted") != 0) {
        rc = dti_y_error(&c, v, "rule must be 'mean' or 'weighted', not '%s'", kind);
        goto cleanup;
    }
    const dti_ynode *w = dti_ynode_get(root, "weight");
    if (!strcmp(kind, "weighted")) {
        if (!w) {
            rc = dti_y_error(&c, v, "rule 'weighted' needs a 'weight' column");
            goto cleanup;
        }
        if ((rc = dti_y_string(&c, w, "weight", &rule->weight)))
            goto cleanup;
    } else if (w) {
        rc = dti_y_error(&c, w, "'weight' needs rule: weighted");
        goto cleanup;
    }
    rule->from_year = 2024;
    if ((v = dti_ynode_get(root, "from_year"))) {
        if ((rc = dti_y_integer(&c, v, "from_year", DTI_YEAR_MIN, DTI_YEAR_MAX, &y)))
            goto cleanup;
        rule->from_year = (int)y;
    }
cleanup:
    free(kind);
    dti_ynode_free(root);
    if (rc)
        dti_merger_rule_clear(rule);
    return rc;
}

void dti_merger_rule_clear(dti_merger_rule *rule)
{
    free(rule->map);
    free(rule->weight);
    memset(rule, 0, sizeof *rule);
}

/* ---- the ranking among the units ------------------------------------------------------------- */

/* The largest difference between a unit value computed by the rule from rounded inputs and the published
 * (rounded) unit value that rounding alone explains: the mean of values each within 0.5e-p of the truth
 * is within 0.5e-p, and the published value adds another 0.5e-p. */
static double S_rounding_tolerance(int precision) { return pow(10.0, -precision); }
#define S_TOL_EPS 1e-9 /* binary noise on top of the rounding tolerance */

void dti_merger_ranking_clear(dti_merger_ranking *r)
{
    free(r->value);
    free(r->latent);
    free(r->rank);
    free(r->order);
    free(r->exact);
    free(r->pub_rank);
    free(r->pub_value);
    free(r->differs);
    memset(r, 0, sizeof *r);
}

int dti_merger_ranking_compute(const dti_year *yr, const dti_registry *reg, const dti_merger *m, const dti_year *pub,
                               dti_merger_ranking *out, dti_error *err)
{
    memset(out, 0, sizeof *out);
    if (m->n_old != reg->n)
        return dti_error_set(err, DTI_ERR_INPUT, m->path, 0, 0, "the merger map does not match the registry");
    if (pub && (pub->reg->n != m->n_units || pub->year != yr->year))
        return dti_error_set(err, DTI_ERR_INPUT, pub->path, 0, 0, "the published units' record does not match (%zu units, %d)",
                             pub->reg->n, pub->year);
    const dti_framework *fw = yr->fw;
    size_t n = reg->n, nu = m->n_units, root = fw->root;
    out->yr = yr;
    out->pub = pub;
    out->m = m;
    out->reg = reg;
    double *val = dti_xcalloc(n, sizeof *val), *lat = dti_xcalloc(n, sizeof *lat);
    out->value = dti_xcalloc(nu, sizeof *out->value);
    out->latent = dti_xcalloc(nu, sizeof *out->latent);
    out->exact = dti_xcalloc(n, sizeof *out->exact);
    out->rank = dti_xcalloc(nu, sizeof *out->rank);
    out->order = dti_xcalloc(nu, sizeof *out->order);
    for (size_t p = 0; p < n; p++) {
        double pv, comp;
        size_t lo, hi;
        dti_year_values(yr, p, root, &pv, &comp);
        val[p] = !isnan(pv) ? pv : comp;
        out->exact[p] = dti_year_rank_bounds(yr, p, root, &lo, &hi, NULL);
        lat[p] = out->exact[p] ? -gsl_cdf_ugaussian_Pinv(((double)out->exact[p] - 0.5) / (double)yr->units) : NAN;
    }
    dti_merger_apply(m, val, out->value);
    dti_merger_apply(m, lat, out->latent);
    free(val);
    free(lat);
    size_t with_val = 0, with_lat = 0;
    for (size_t j = 0; j < nu; j++) {
        with_val += isnan(out->value[j]) ? 0u : 1u;
        with_lat += isnan(out->latent[j]) ? 0u : 1u;
    }
    out->method = with_val == nu ? DTI_MERGER_BY_VALUE : with_lat == nu ? DTI_MERGER_BY_LATENT : DTI_MERGER_BY_NONE;
    int rc = DTI_OK;
    if (out->method == DTI_MERGER_BY_VALUE)
        rc = dti_rank_competition(out->value, nu, fw->precision, out->rank, out->order, err);
    else if (out->method == DTI_MERGER_BY_LATENT)
        rc = dti_rank_competition(out->latent, nu, -1, out->rank, out->order, err);
    else
        for (size_t j = 0; j < nu; j++)
            out->order[j] = j;
    /* The published table of the units, where there is one: its ranks and values beside ours. */
    out->pub_rank = dti_xcalloc(nu, sizeof *out->pub_rank);
    out->pub_value = dti_xcalloc(nu, sizeof *out->pub_value);
    out->differs = dti_xcalloc(nu, sizeof *out->differs);
    out->tol = S_rounding_tolerance(fw->precision);
    for (size_t j = 0; j < nu; j++) {
        out->pub_value[j] = NAN;
        if (!pub)
            continue;
        double comp;
        size_t lo, hi;
        out->pub_rank[j] = dti_year_rank_bounds(pub, j, pub->fw->root, &lo, &hi, NULL);
        dti_year_values(pub, j, pub->fw->root, &out->pub_value[j], &comp);
        if (out->pub_rank[j]) {
            out->n_pub_rank++;
            int same = out->method != DTI_MERGER_BY_NONE && out->rank[j] == out->pub_rank[j];
            out->rank_ok += (size_t)same;
            out->differs[j] |= !same;
        }
        if (!isnan(out->pub_value[j])) {
            out->n_pub_value++;
            double d = fabs(out->pub_value[j] - out->value[j]);
            int same = d <= out->tol + S_TOL_EPS;
            out->value_ok += (size_t)same;
            out->differs[j] |= !same;
            out->max_vdiff = d > out->max_vdiff ? d : out->max_vdiff;
        }
    }
    if (rc)
        dti_merger_ranking_clear(out);
    return rc;
}
