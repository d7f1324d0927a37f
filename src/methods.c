/* methods.c -- method settings of a framework: the top-level `defaults:` block and the per-node
 * `normalise:`, `treat:`, `aggregate:` and `denominator:` keys, read from the YAML tree with every
 * error at its own file:line:col.  Node settings override the defaults key by key.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ynode.h"

#define S_TREAT_MAX_POINTS 5 /* COINr's default winsorisation limit (PIPELINE.md §4) */
#define S_TREAT_SKEW 2.0     /* JRC rule: |skewness| >= 2 ...          */
#define S_TREAT_KURT 3.5     /* ... and excess kurtosis >= 3.5 to treat */

static const char *const S_norm_names[] = {"none", "minmax", "zscore", "goalposts", "ratio",
                                           "rank", "rank_fractional", "percentile", "blom", "distance", NULL};
static const char *const S_agg_names[] = {"arithmetic", "geometric", "harmonic", "generalised", "copeland", NULL};
static const char *const S_treat_names[] = {"none", "winsor_jrc", NULL};
static const char *const S_impute_names[] = {"none", "mean", "median", "group_mean", "group_median", "previous",
                                             NULL};
static const char *const S_transform_names[] = {"none", "log", "boxcox", NULL};
static const char *const S_distance_names[] = {"ratio", "difference", NULL};

static const char *const S_defaults_keys[] = {"normalise", "transform", "aggregate", "treat", "impute", "screen",
                                              "rank", NULL};
static const char *const S_norm_keys[] = {"method", "min", "max", "low", "high", "mean", "sd", "reference", "mode",
                                          NULL};
static const char *const S_transform_keys[] = {"method", "lambda", NULL};
static const char *const S_agg_keys[] = {"method", "min_coverage", "p", NULL};
static const char *const S_treat_keys[] = {"method", "max_points", "skew", "kurt", NULL};
static const char *const S_impute_keys[] = {"method", "group", NULL};
static const char *const S_screen_keys[] = {"min_availability", NULL};

void dti_methods_init(dti_methods *m)
{
    memset(m, 0, sizeof *m);
    m->norm.method = DTI_NORM_NONE;
    m->norm.min = 0;
    m->norm.max = 1;
    m->norm.low = m->norm.high = NAN;
    m->norm.mean = 0;
    m->norm.sd = 1;
    m->norm.mode = DTI_DISTANCE_RATIO;
    m->transform.method = DTI_TRANSFORM_NONE;
    m->transform.lambda = NAN;
    m->agg.method = DTI_AGG_ARITHMETIC;
    m->agg.min_coverage = DTI_COVERAGE_ALL;
    m->agg.p = NAN;
    m->treat.method = DTI_TREAT_NONE;
    m->treat.max_points = S_TREAT_MAX_POINTS;
    m->treat.skew = S_TREAT_SKEW;
    m->treat.kurt = S_TREAT_KURT;
    m->impute.method = DTI_IMPUTE_NONE;
    m->impute.group = NULL;
    m->screen_min = 0;
    m->rank_rounded = 1;
}

void dti_methods_clear(dti_methods *m)
{
    free(m->impute.group);
    m->impute.group = NULL;
}

const char *dti_norm_method_name(int method) { return S_norm_names[method]; }
const char *dti_agg_method_name(int method) { return S_agg_names[method]; }
const char *dti_transform_method_name(int method) { return S_transform_names[method]; }

void dti_category_clear(dti_category_spec *c)
{
    for (size_t k = 0; k < c->n; k++)
        free(c->label[k]);
    free(c->label);
    free(c->points);
    memset(c, 0, sizeof *c);
}

double dti_category_points(const dti_category_spec *c, const char *text)
{
    for (size_t k = 0; k < c->n; k++)
        if (!strcmp(c->label[k], text))
            return c->points[k];
    return NAN;
}

/* A method name from `names`, with the accepted names in the error. */
static int S_enum(const dti_yctx *c, const dti_ynode *n, const char *what, const char *const *names, int *out)
{
    char *s = NULL;
    int rc = dti_y_string(c, n, what, &s);
    if (rc)
        return rc;
    for (int k = 0; names[k]; k++)
        if (!strcmp(names[k], s)) {
            *out = k;
            free(s);
            return DTI_OK;
        }
    char list[256] = "";
    for (int k = 0; names[k]; k++) {
        strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, names[k], sizeof list - strlen(list) - 1);
    }
    rc = dti_y_error(c, n, "unknown %s '%s' (one of: %s)", what, s, list);
    free(s);
    return rc;
}

/* A scalar gives the method; a mapping gives `method` and other keys.  *method_node receives the
 * node naming the method (NULL when the mapping does not name one). */
static int S_method_node(const dti_yctx *c, const dti_ynode *v, const char *what, const char *const *keys,
                         const dti_ynode **method_node)
{
    int rc;
    *method_node = NULL;
    if (v->kind == DTI_Y_SCALAR) {
        *method_node = v;
        return DTI_OK;
    }
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, what)) || (rc = dti_y_check_keys(c, v, keys, what)))
        return rc;
    *method_node = dti_ynode_get(v, "method");
    return DTI_OK;
}

static int S_opt_number(const dti_yctx *c, const dti_ynode *map, const char *key, double *out)
{
    const dti_ynode *v = map->kind == DTI_Y_MAPPING ? dti_ynode_get(map, key) : NULL;
    return v ? dti_y_number(c, v, key, out) : DTI_OK;
}

static int S_load_norm(const dti_yctx *c, const dti_ynode *v, dti_norm_spec *s)
{
    const dti_ynode *mn;
    int rc;
    if ((rc = S_method_node(c, v, "normalise", S_norm_keys, &mn)))
        return rc;
    if (mn && (rc = S_enum(c, mn, "normalisation method", S_norm_names, &s->method)))
        return rc;
    if ((rc = S_opt_number(c, v, "min", &s->min)) || (rc = S_opt_number(c, v, "max", &s->max)) ||
        (rc = S_opt_number(c, v, "low", &s->low)) || (rc = S_opt_number(c, v, "high", &s->high)) ||
        (rc = S_opt_number(c, v, "mean", &s->mean)) || (rc = S_opt_number(c, v, "sd", &s->sd)))
        return rc;
    const dti_ynode *k;
    if (v->kind == DTI_Y_MAPPING && (k = dti_ynode_get(v, "mode")) &&
        (rc = S_enum(c, k, "distance mode", S_distance_names, &s->mode)))
        return rc;
    if (v->kind == DTI_Y_MAPPING && (k = dti_ynode_get(v, "reference"))) {
        char *ref = NULL;
        if ((rc = dti_y_string(c, k, "reference", &ref)))
            return rc;
        size_t len = strlen(ref);
        if (len < sizeof s->reference)
            memcpy(s->reference, ref, len + 1);
        free(ref);
        if (len >= sizeof s->reference)
            return dti_y_error(c, k, "reference unit code longer than %d characters", DTI_REFERENCE_MAX - 1);
    }
    if (!(s->min < s->max))
        return dti_y_error(c, v, "normalise: min must be below max");
    if (!(s->sd > 0))
        return dti_y_error(c, v, "normalise: sd must be positive");
    return DTI_OK;
}

static int S_load_transform(const dti_yctx *c, const dti_ynode *v, dti_transform_spec *s)
{
    const dti_ynode *mn;
    int rc;
    if ((rc = S_method_node(c, v, "transform", S_transform_keys, &mn)))
        return rc;
    if (mn && (rc = S_enum(c, mn, "transform", S_transform_names, &s->method)))
        return rc;
    if ((rc = S_opt_number(c, v, "lambda", &s->lambda)))
        return rc;
    if (s->method == DTI_TRANSFORM_BOXCOX && isnan(s->lambda))
        return dti_y_error(c, v, "transform: boxcox needs 'lambda' (0 means log)");
    if (s->method != DTI_TRANSFORM_BOXCOX && v->kind == DTI_Y_MAPPING && dti_ynode_get(v, "lambda"))
        return dti_y_error(c, dti_ynode_get(v, "lambda"), "transform: 'lambda' is only used by boxcox");
    return DTI_OK;
}

/* `categories: {label: points, ...}`: at least one label, finite points. */
static int S_load_categories(const dti_yctx *c, const dti_ynode *v, dti_category_spec *s)
{
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "categories")))
        return rc;
    if (!v->n)
        return dti_y_error(c, v, "categories needs at least one label: points pair");
    dti_category_clear(s);
    s->label = dti_xcalloc(v->n, sizeof *s->label);
    s->points = dti_xcalloc(v->n, sizeof *s->points);
    for (size_t k = 0; k < v->n; k++) {
        s->label[k] = dti_strdup(v->keys[k]->text);
        s->n = k + 1;
        if ((rc = dti_y_number(c, v->items[k], "points", &s->points[k])))
            return rc;
    }
    return DTI_OK;
}

static int S_load_agg(const dti_yctx *c, const dti_ynode *v, dti_agg_spec *s)
{
    const dti_ynode *mn, *k;
    int rc;
    if ((rc = S_method_node(c, v, "aggregate", S_agg_keys, &mn)))
        return rc;
    if (mn && (rc = S_enum(c, mn, "aggregation method", S_agg_names, &s->method)))
        return rc;
    if (v->kind == DTI_Y_MAPPING && (k = dti_ynode_get(v, "min_coverage"))) {
        if (k->kind == DTI_Y_SCALAR && k->plain && !strcmp(k->text, "all")) {
            s->min_coverage = DTI_COVERAGE_ALL;
        } else {
            long n;
            if ((rc = dti_y_integer(c, k, "min_coverage", 1, 1000000, &n)))
                return rc;
            s->min_coverage = (size_t)n;
        }
    }
    if ((rc = S_opt_number(c, v, "p", &s->p)))
        return rc;
    if (s->method == DTI_AGG_GENERALISED && isnan(s->p))
        return dti_y_error(c, v, "aggregate: generalised needs 'p' (1 arithmetic, 0 geometric, -1 harmonic)");
    if (s->method != DTI_AGG_GENERALISED && v->kind == DTI_Y_MAPPING && dti_ynode_get(v, "p"))
        return dti_y_error(c, dti_ynode_get(v, "p"), "aggregate: 'p' is only used by generalised");
    if (s->method != DTI_AGG_GENERALISED)
        s->p = NAN; /* a node switching away from the defaults' generalised mean drops its order */
    return DTI_OK;
}

static int S_load_treat(const dti_yctx *c, const dti_ynode *v, dti_treat_spec *s)
{
    const dti_ynode *mn, *k;
    int rc;
    if ((rc = S_method_node(c, v, "treat", S_treat_keys, &mn)))
        return rc;
    if (mn && (rc = S_enum(c, mn, "treatment method", S_treat_names, &s->method)))
        return rc;
    if (v->kind == DTI_Y_MAPPING && (k = dti_ynode_get(v, "max_points"))) {
        long n;
        if ((rc = dti_y_integer(c, k, "max_points", 1, 1000000, &n)))
            return rc;
        s->max_points = (size_t)n;
    }
    if ((rc = S_opt_number(c, v, "skew", &s->skew)) || (rc = S_opt_number(c, v, "kurt", &s->kurt)))
        return rc;
    return DTI_OK;
}

static int S_load_impute(const dti_yctx *c, const dti_ynode *v, dti_impute_spec *s)
{
    const dti_ynode *mn, *g;
    int rc;
    if ((rc = S_method_node(c, v, "impute", S_impute_keys, &mn)))
        return rc;
    if (mn && (rc = S_enum(c, mn, "imputation method", S_impute_names, &s->method)))
        return rc;
    if (v->kind == DTI_Y_MAPPING && (g = dti_ynode_get(v, "group"))) {
        free(s->group);
        s->group = NULL;
        if ((rc = dti_y_string(c, g, "group", &s->group)))
            return rc;
    }
    int grouped = s->method == DTI_IMPUTE_GROUP_MEAN || s->method == DTI_IMPUTE_GROUP_MEDIAN;
    if (grouped && !s->group)
        return dti_y_error(c, v, "impute: method %s needs 'group' (a unit group column)", S_impute_names[s->method]);
    if (!grouped && s->group)
        return dti_y_error(c, dti_ynode_get(v, "group"), "impute: 'group' is only used by group_mean and group_median");
    return DTI_OK;
}

int dti_methods_load_defaults(const dti_yctx *c, const dti_ynode *v, dti_methods *m)
{
    const dti_ynode *k;
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "defaults")) ||
        (rc = dti_y_check_keys(c, v, S_defaults_keys, "defaults")))
        return rc;
    if ((k = dti_ynode_get(v, "normalise")) && (rc = S_load_norm(c, k, &m->norm)))
        return rc;
    if ((k = dti_ynode_get(v, "transform")) && (rc = S_load_transform(c, k, &m->transform)))
        return rc;
    if ((k = dti_ynode_get(v, "aggregate")) && (rc = S_load_agg(c, k, &m->agg)))
        return rc;
    if ((k = dti_ynode_get(v, "treat")) && (rc = S_load_treat(c, k, &m->treat)))
        return rc;
    if ((k = dti_ynode_get(v, "impute")) && (rc = S_load_impute(c, k, &m->impute)))
        return rc;
    if ((k = dti_ynode_get(v, "screen"))) {
        const dti_ynode *a;
        if ((rc = dti_y_expect(c, k, DTI_Y_MAPPING, "screen")) ||
            (rc = dti_y_check_keys(c, k, S_screen_keys, "screen")) ||
            (rc = dti_y_require(c, k, "min_availability", "screen", &a)) ||
            (rc = dti_y_number(c, a, "min_availability", &m->screen_min)))
            return rc;
        if (m->screen_min < 0 || m->screen_min > 1)
            return dti_y_error(c, a, "min_availability %s is outside [0, 1]", a->text);
    }
    if ((k = dti_ynode_get(v, "rank"))) {
        static const char *const names[] = {"unrounded", "rounded", NULL};
        if ((rc = S_enum(c, k, "rank rule", names, &m->rank_rounded)))
            return rc;
    }
    return DTI_OK;
}

/* The key node of `key` in mapping `m` (errors about a misplaced key point at the key itself). */
static const dti_ynode *S_key(const dti_ynode *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->keys[i]->text, key))
            return m->keys[i];
    return NULL;
}

int dti_methods_load_node(const dti_yctx *c, const dti_ynode *m, dti_framework *fw, size_t i)
{
    dti_node *nd = &fw->nodes[i];
    const dti_ynode *v;
    int rc;
    nd->norm = fw->defaults.norm;
    nd->transform = fw->defaults.transform;
    nd->treat = fw->defaults.treat;
    nd->agg = fw->defaults.agg;
    nd->denom = DTI_NONE;
    int leaf = nd->role == DTI_NODE_INDICATOR, agg = nd->role == DTI_NODE_INDEX || nd->role == DTI_NODE_AGGREGATE;
    static const char *const leaf_keys[] = {"normalise", "transform", "treat", "denominator", "categories"};
    for (size_t k = 0; k < sizeof leaf_keys / sizeof *leaf_keys; k++)
        if (!leaf && S_key(m, leaf_keys[k]))
            return dti_y_error(c, S_key(m, leaf_keys[k]), "'%s' applies to indicators; '%s' is %s", leaf_keys[k],
                               nd->id, agg ? "an aggregate" : "a reported node");
    if (!agg && S_key(m, "aggregate"))
        return dti_y_error(c, S_key(m, "aggregate"), "'aggregate' applies to nodes with children; '%s' has none",
                           nd->id);
    if ((v = dti_ynode_get(m, "normalise")) && (rc = S_load_norm(c, v, &nd->norm)))
        return rc;
    if ((v = dti_ynode_get(m, "treat")) && (rc = S_load_treat(c, v, &nd->treat)))
        return rc;
    if ((v = dti_ynode_get(m, "transform")) && (rc = S_load_transform(c, v, &nd->transform)))
        return rc;
    if ((v = dti_ynode_get(m, "categories")) && (rc = S_load_categories(c, v, &nd->categories)))
        return rc;
    if ((v = dti_ynode_get(m, "aggregate")) && (rc = S_load_agg(c, v, &nd->agg)))
        return rc;
    if (leaf && nd->norm.method == DTI_NORM_GOALPOSTS) {
        const dti_ynode *at = dti_ynode_get(m, "normalise") ? dti_ynode_get(m, "normalise") : m;
        if (isnan(nd->norm.low) || isnan(nd->norm.high))
            return dti_y_error(c, at, "goalposts of '%s' need 'low' and 'high'", nd->id);
        if (!(nd->norm.low < nd->norm.high))
            return dti_y_error(c, at, "goalposts of '%s': low must be below high (direction says which is best)",
                               nd->id);
    }
    if (leaf && nd->norm.method == DTI_NORM_DISTANCE && !nd->norm.reference[0]) {
        const dti_ynode *at = dti_ynode_get(m, "normalise") ? dti_ynode_get(m, "normalise") : m;
        return dti_y_error(c, at, "distance of '%s' needs 'reference' (a unit code)", nd->id);
    }
    if ((v = dti_ynode_get(m, "denominator"))) {
        char *name = NULL;
        if ((rc = dti_y_string(c, v, "denominator", &name)))
            return rc;
        size_t d = 0;
        while (d < fw->n_denominators && strcmp(fw->denominators[d], name) != 0)
            d++;
        if (d == fw->n_denominators) {
            char **grown = realloc(fw->denominators, (d + 1) * sizeof *grown);
            if (!grown)
                abort();
            fw->denominators = grown;
            fw->denominators[fw->n_denominators++] = name;
        } else {
            free(name);
        }
        nd->denom = d;
    }
    return DTI_OK;
}
