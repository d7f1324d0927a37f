/* framework.c -- index frameworks (models/NAME.yaml): the node tree, weights, directions, precision.
 *
 * A framework is data: a flat list of nodes, each naming its parent.  The one node without a parent
 * is the index; nodes with children are aggregates; the rest are indicators.  Nodes marked
 * `role: reported` are published figures outside the tree (the 2021-23 pillars, whose composition
 * is not known).  `weight: unknown` records that a weight was not published (DTI 2024): the tree is
 * kept, but the index cannot be computed from it.  An indicator may be a `block:` (block.c): it stands
 * for reported members known only through their mean, recovered from the published index by a rule
 * checked against the weights.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "internal.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"name", "title", "legal_basis", "source", "note", "years",
                                          "precision", "range", "nodes", "defaults", "weights", NULL};
static const char *const S_node_keys[] = {"id", "name_vi", "name_en", "parent", "weight", "direction",
                                           "role", "note", "normalise", "aggregate", "treat",
                                           "denominator", "transform", "categories", "block", NULL};

static int S_valid_id(const char *id)
{
    size_t n = strlen(id);
    if (!n || !islower((unsigned char)id[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)id[i]) && !isdigit((unsigned char)id[i]) && id[i] != '_')
            return 0;
    return !(n > 5 && !strcmp(id + n - 5, "_rank"));
}

static int S_load_node(const dti_yctx *c, const dti_ynode *m, dti_node *nd, char **parent_id,
                       const dti_ynode **parent_at)
{
    const dti_ynode *v;
    int rc;
    char *s = NULL;
    if ((rc = dti_y_expect(c, m, DTI_Y_MAPPING, "a node")) || (rc = dti_y_check_keys(c, m, S_node_keys, "a node")))
        return rc;
    nd->line = m->line;
    nd->column = m->column;
    nd->parent = DTI_NONE;
    nd->direction = 1;
    nd->role = DTI_NODE_INDICATOR;
    if ((rc = dti_y_require(c, m, "id", "a node", &v)) || (rc = dti_y_string(c, v, "id", &nd->id)))
        return rc;
    if (strlen(nd->id) > DTI_ID_MAX) /* it names columns: refused, never cut */
        return dti_y_error(c, v, "node id is %zu bytes long; at most %d", strlen(nd->id), DTI_ID_MAX);
    if (!S_valid_id(nd->id))
        return dti_y_error(c, v,
                           "node id '%s' must be lower-case letters, digits and '_', start with a letter "
                           "and not end in '_rank'",
                           nd->id);
    if ((v = dti_ynode_get(m, "name_vi")) && (rc = dti_y_string(c, v, "name_vi", &nd->name_vi)))
        return rc;
    if ((v = dti_ynode_get(m, "name_en")) && (rc = dti_y_string(c, v, "name_en", &nd->name_en)))
        return rc;
    if ((v = dti_ynode_get(m, "note")) && (rc = dti_y_string(c, v, "note", &nd->note)))
        return rc;
    if ((v = dti_ynode_get(m, "role"))) {
        if ((rc = dti_y_string(c, v, "role", &s)))
            return rc;
        int ok = !strcmp(s, "reported");
        free(s);
        if (!ok)
            return dti_y_error(c, v, "role must be 'reported' (other roles follow from the tree)");
        nd->role = DTI_NODE_REPORTED;
    }
    if ((v = dti_ynode_get(m, "direction"))) {
        if ((rc = dti_y_string(c, v, "direction", &s)))
            return rc;
        nd->direction = !strcmp(s, "higher") ? 1 : !strcmp(s, "lower") ? -1 : 0;
        free(s);
        if (!nd->direction)
            return dti_y_error(c, v, "direction must be 'higher' or 'lower', not '%s'", v->text);
    }
    if ((v = dti_ynode_get(m, "parent"))) {
        if (nd->role == DTI_NODE_REPORTED)
            return dti_y_error(c, v, "a reported node has no parent");
        if ((rc = dti_y_string(c, v, "parent", parent_id)))
            return rc;
        *parent_at = v;
    }
    if ((v = dti_ynode_get(m, "weight"))) {
        if (nd->role == DTI_NODE_REPORTED)
            return dti_y_error(c, v, "a reported node has no weight");
        if (v->kind == DTI_Y_SCALAR && v->plain && !strcmp(v->text, "unknown")) {
            nd->weight = NAN; /* not published: see dti_framework_weights_known */
            return DTI_OK;
        }
        if ((rc = dti_y_number(c, v, "weight", &nd->weight)))
            return rc;
        if (nd->weight < 0)
            return dti_y_error(c, v, "weight %s of '%s' is negative", v->text, nd->id);
        if (nd->weight > DTI_WEIGHT_MAX) /* the sum of the weights must not overflow (docs/methods.md) */
            return dti_y_error(c, v, "weight %s of '%s' is above the limit of %g", v->text, nd->id, DTI_WEIGHT_MAX);
    } else if (*parent_id) {
        return dti_y_error(c, m, "missing key 'weight' in node '%s'", nd->id);
    }
    return DTI_OK;
}

/* Builds children lists and a post-order (children first) without recursion. */
static void S_build_tree(dti_framework *fw)
{
    for (size_t i = 0; i < fw->n_nodes; i++) {
        dti_node *nd = &fw->nodes[i];
        if (nd->parent != DTI_NONE)
            fw->nodes[nd->parent].n_children++;
    }
    for (size_t i = 0; i < fw->n_nodes; i++) {
        fw->nodes[i].children = dti_xcalloc(fw->nodes[i].n_children, sizeof(size_t));
        fw->nodes[i].n_children = 0;
    }
    for (size_t i = 0; i < fw->n_nodes; i++) {
        size_t p = fw->nodes[i].parent;
        if (p != DTI_NONE)
            fw->nodes[p].children[fw->nodes[p].n_children++] = i;
    }
    /* Post-order by an explicit stack of (node, next child). */
    fw->postorder = dti_xcalloc(fw->n_nodes, sizeof(size_t));
    size_t *stack = dti_xcalloc(fw->n_nodes, sizeof(size_t)), *next = dti_xcalloc(fw->n_nodes, sizeof(size_t));
    size_t top = 0;
    stack[top++] = fw->root;
    while (top) {
        size_t u = stack[top - 1];
        if (next[u] < fw->nodes[u].n_children) {
            stack[top++] = fw->nodes[u].children[next[u]++];
        } else {
            fw->postorder[fw->n_postorder++] = u;
            top--;
        }
    }
    free(stack);
    free(next);
    for (size_t i = 0; i < fw->n_nodes; i++) {
        dti_node *nd = &fw->nodes[i];
        if (nd->role == DTI_NODE_REPORTED)
            continue;
        nd->role = i == fw->root ? DTI_NODE_INDEX : nd->n_children ? DTI_NODE_AGGREGATE : DTI_NODE_INDICATOR;
    }
}

static int S_load_header(const dti_yctx *c, const dti_ynode *root, dti_framework *fw)
{
    const dti_ynode *v;
    int rc;
    if ((rc = dti_y_require(c, root, "name", "a framework", &v)) || (rc = dti_y_string(c, v, "name", &fw->name)))
        return rc;
    if ((v = dti_ynode_get(root, "title")) && (rc = dti_y_string(c, v, "title", &fw->title)))
        return rc;
    if ((v = dti_ynode_get(root, "legal_basis")) && (rc = dti_y_string(c, v, "legal_basis", &fw->legal_basis)))
        return rc;
    if ((v = dti_ynode_get(root, "source")) && (rc = dti_y_string(c, v, "source", &fw->source)))
        return rc;
    if ((v = dti_ynode_get(root, "note")) && (rc = dti_y_string(c, v, "note", &fw->note)))
        return rc;
    fw->precision = 4;
    if ((v = dti_ynode_get(root, "precision"))) {
        long p;
        if ((rc = dti_y_integer(c, v, "precision", 0, 12, &p)))
            return rc;
        fw->precision = (int)p;
    }
    if ((v = dti_ynode_get(root, "range"))) {
        if ((rc = dti_y_expect(c, v, DTI_Y_SEQUENCE, "range")))
            return rc;
        if (v->n != 2)
            return dti_y_error(c, v, "range must be a list of two numbers [min, max]");
        if ((rc = dti_y_number(c, v->items[0], "range minimum", &fw->range_lo)) ||
            (rc = dti_y_number(c, v->items[1], "range maximum", &fw->range_hi)))
            return rc;
        if (!(fw->range_lo < fw->range_hi))
            return dti_y_error(c, v, "range minimum must be below its maximum");
        if (!(fabs(fw->range_lo) <= DTI_VALUE_MAX && fabs(fw->range_hi) <= DTI_VALUE_MAX))
            return dti_y_error(c, v, "range [%g, %g] goes beyond the limit of %g in absolute value", fw->range_lo,
                               fw->range_hi, DTI_VALUE_MAX);
        fw->has_range = 1;
    }
    if ((v = dti_ynode_get(root, "years"))) {
        if ((rc = dti_y_expect(c, v, DTI_Y_SEQUENCE, "years")))
            return rc;
        if (v->n > DTI_MAX_YEARS)
            return dti_y_error(c, v, "more than %d years", DTI_MAX_YEARS);
        for (size_t i = 0; i < v->n; i++)
            if ((rc = dti_y_integer(c, v->items[i], "year", DTI_YEAR_MIN, DTI_YEAR_MAX, &fw->years[fw->n_years++])))
                return rc;
    }
    return DTI_OK;
}

/* A weight set's name: a word the command line can carry (letters, digits, '_', '-'). */
static int S_valid_set_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* One set of `weights:` into w[0..n_nodes): every node with a parent, nothing else, non-negative, not
 * all zero among the children of a node.  Errors at the offending key or value, or at the set. */
static int S_load_weight_set(const dti_yctx *c, const char *name, const dti_ynode *set, dti_framework *fw, double *w)
{
    int rc;
    if ((rc = dti_y_expect(c, set, DTI_Y_MAPPING, "a weight set")))
        return rc;
    for (size_t i = 0; i < fw->n_nodes; i++)
        w[i] = fw->nodes[i].parent == DTI_NONE ? fw->nodes[i].weight : NAN;
    for (size_t k = 0; k < set->n; k++) {
        const char *id = set->keys[k]->text;
        size_t i = dti_framework_node_find(fw, id);
        if (i == DTI_NONE)
            return dti_y_error(c, set->keys[k], "weight set '%s': unknown node '%s'", name, id);
        if (fw->nodes[i].parent == DTI_NONE)
            return dti_y_error(c, set->keys[k], "weight set '%s': '%s' has no parent, so it has no weight", name, id);
        if ((rc = dti_y_number(c, set->items[k], "weight", &w[i])))
            return rc;
        if (w[i] < 0)
            return dti_y_error(c, set->items[k], "weight set '%s': weight %s of '%s' is negative", name,
                               set->items[k]->text, id);
    }
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (isnan(w[i]))
            return dti_y_error(c, set, "weight set '%s' has no weight for '%s' (every node with a parent needs one)",
                               name, fw->nodes[i].id);
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        double sum = 0;
        for (size_t k = 0; k < nd->n_children; k++)
            sum += w[nd->children[k]];
        if (nd->n_children && !(sum > 0))
            return dti_y_error(c, set, "weight set '%s': the weights of the children of '%s' sum to 0", name, nd->id);
    }
    return DTI_OK;
}

/* `weights: {NAME: {node: weight, ...}, ...}` (after the tree is built). */
static int S_load_weight_sets(const dti_yctx *c, const dti_ynode *v, dti_framework *fw)
{
    int rc;
    if ((rc = dti_y_expect(c, v, DTI_Y_MAPPING, "weights")))
        return rc;
    if (!v->n)
        return dti_y_error(c, v, "weights needs at least one named set (name: {node: weight, ...})");
    fw->weight_set_names = dti_xcalloc(v->n, sizeof *fw->weight_set_names);
    fw->weight_sets = dti_xcalloc(v->n * fw->n_nodes, sizeof *fw->weight_sets);
    for (size_t s = 0; s < v->n; s++) {
        const char *name = v->keys[s]->text;
        if (!S_valid_set_name(name))
            return dti_y_error(c, v->keys[s], "weight set name '%s' must be letters, digits, '_' or '-'", name);
        if (!strcmp(name, "default"))
            return dti_y_error(c, v->keys[s], "'default' names the nodes' own weights; give the set another name");
        if ((rc = S_load_weight_set(c, name, v->items[s], fw, fw->weight_sets + s * fw->n_nodes)))
            return rc;
        fw->weight_set_names[s] = dti_strdup(name);
        fw->n_weight_sets = s + 1;
    }
    return DTI_OK;
}

int dti_framework_load(const char *path, dti_framework **out, dti_error *err)
{
    *out = NULL;
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    dti_framework *fw = dti_xcalloc(1, sizeof *fw);
    fw->path = dti_strdup(path);
    dti_methods_init(&fw->defaults);
    const dti_ynode *list = NULL, *defaults = NULL;
    char **parent_ids = NULL;
    const dti_ynode **parent_at = NULL;
    dti_strmap ids = {0};
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a framework")) ||
        (rc = dti_y_check_keys(&c, root, S_top_keys, "a framework")) || (rc = S_load_header(&c, root, fw)) ||
        ((defaults = dti_ynode_get(root, "defaults")) && (rc = dti_methods_load_defaults(&c, defaults, &fw->defaults))) ||
        (rc = dti_y_require(&c, root, "nodes", "a framework", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "nodes")))
        goto cleanup;
    if (list->n == 0) {
        rc = dti_y_error(&c, list, "a framework needs at least one node");
        goto cleanup;
    }
    fw->nodes = dti_xcalloc(list->n, sizeof *fw->nodes);
    parent_ids = dti_xcalloc(list->n, sizeof *parent_ids);
    parent_at = dti_xcalloc(list->n, sizeof *parent_at);
    dti_strmap_init(&ids, list->n); /* id -> node: duplicates and parents in O(n) */
    for (size_t i = 0; i < list->n; i++) {
        fw->n_nodes = i + 1;
        if ((rc = S_load_node(&c, list->items[i], &fw->nodes[i], &parent_ids[i], &parent_at[i])))
            goto cleanup;
        size_t j = dti_strmap_put(&ids, fw->nodes[i].id, i);
        if (j != DTI_NONE) {
            rc = dti_y_error(&c, dti_ynode_get(list->items[i], "id"), "duplicate node id '%s' (first at line %zu)",
                             fw->nodes[i].id, fw->nodes[j].line);
            goto cleanup;
        }
    }
    /* Resolve parents, find the one root, refuse cycles. */
    fw->root = DTI_NONE;
    fw->unknown_weight = DTI_NONE;
    for (size_t i = 0; i < fw->n_nodes; i++) {
        dti_node *nd = &fw->nodes[i];
        if (parent_ids[i]) {
            nd->parent = dti_strmap_get(&ids, parent_ids[i]);
            if (nd->parent == DTI_NONE) {
                rc = dti_y_error(&c, parent_at[i], "unknown parent '%s' of node '%s'", parent_ids[i], nd->id);
                goto cleanup;
            }
            if (fw->nodes[nd->parent].role == DTI_NODE_REPORTED) {
                rc = dti_y_error(&c, parent_at[i], "parent '%s' is a reported node", parent_ids[i]);
                goto cleanup;
            }
        } else if (nd->role != DTI_NODE_REPORTED) {
            if (fw->root != DTI_NONE) {
                rc = dti_y_error(&c, list->items[i], "node '%s' has no parent, but '%s' (line %zu) is already the root",
                                 nd->id, fw->nodes[fw->root].id, fw->nodes[fw->root].line);
                goto cleanup;
            }
            fw->root = i;
        }
    }
    if (fw->root == DTI_NONE) {
        rc = dti_y_error(&c, list, "no root node (a node without a parent)");
        goto cleanup;
    }
    /* Cycles: walk up from each node, marking the path (1) until a node known to reach the root (2);
     * meeting the path itself is a cycle.  Every node is walked once: O(n). */
    char *state = dti_xcalloc(fw->n_nodes, 1);
    for (size_t i = 0; i < fw->n_nodes && !rc; i++) {
        size_t u = i;
        while (u != DTI_NONE && !state[u]) {
            state[u] = 1;
            u = fw->nodes[u].parent;
        }
        if (u != DTI_NONE && state[u] == 1)
            rc = dti_y_error(&c, parent_at[u], "node '%s' is its own ancestor (a cycle)", fw->nodes[u].id);
        for (u = i; u != DTI_NONE && state[u] == 1; u = fw->nodes[u].parent)
            state[u] = 2;
    }
    free(state);
    if (rc)
        goto cleanup;
    S_build_tree(fw);
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->role == DTI_NODE_REPORTED || nd->n_children == 0)
            continue;
        double sum = 0;
        size_t unknown = 0;
        for (size_t k = 0; k < nd->n_children; k++) {
            double w = fw->nodes[nd->children[k]].weight;
            if (isnan(w)) {
                if (fw->unknown_weight == DTI_NONE)
                    fw->unknown_weight = nd->children[k];
                unknown++;
            } else {
                sum += w;
            }
        }
        if (unknown && unknown < nd->n_children) {
            const dti_node *ch = &fw->nodes[fw->unknown_weight];
            rc = dti_y_error(&c, list->items[i],
                             "the children of '%s' mix known and unknown weights ('%s' at line %zu is unknown): "
                             "give all or none",
                             nd->id, ch->id, ch->line);
            goto cleanup;
        }
        if (!unknown && !(sum > 0)) {
            rc = dti_y_error(&c, list->items[i], "the weights of the children of '%s' sum to 0", nd->id);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < fw->n_nodes; i++)
        if ((rc = dti_methods_load_node(&c, list->items[i], fw, i)))
            goto cleanup;
    for (size_t i = 0; i < fw->n_nodes; i++) { /* blocks last: their rules name other nodes and their methods */
        const dti_ynode *b = dti_ynode_get(list->items[i], "block");
        if (b && (rc = dti_block_load(&c, b, fw, i)))
            goto cleanup;
    }
    fw->default_weights = dti_xcalloc(fw->n_nodes, sizeof *fw->default_weights);
    for (size_t i = 0; i < fw->n_nodes; i++)
        fw->default_weights[i] = fw->nodes[i].weight;
    fw->weights_active = DTI_NONE;
    const dti_ynode *sets = dti_ynode_get(root, "weights");
    if (sets && (rc = S_load_weight_sets(&c, sets, fw)))
        goto cleanup;
cleanup:
    dti_strmap_clear(&ids);
    if (parent_ids)
        for (size_t i = 0; i < list->n; i++)
            free(parent_ids[i]);
    free(parent_ids);
    free(parent_at);
    dti_ynode_free(root);
    if (rc) {
        dti_framework_free(fw);
        return rc;
    }
    *out = fw;
    return DTI_OK;
}

void dti_framework_free(dti_framework *fw)
{
    if (!fw)
        return;
    for (size_t i = 0; i < fw->n_nodes; i++) {
        dti_node *nd = &fw->nodes[i];
        free(nd->id);
        free(nd->name_vi);
        free(nd->name_en);
        free(nd->note);
        free(nd->children);
        dti_category_clear(&nd->categories);
        dti_block_free(nd->block);
    }
    free(fw->nodes);
    free(fw->postorder);
    for (size_t d = 0; d < fw->n_denominators; d++)
        free(fw->denominators[d]);
    free(fw->denominators);
    for (size_t k = 0; k < fw->n_weight_sets; k++)
        free(fw->weight_set_names[k]);
    free(fw->weight_set_names);
    free(fw->weight_sets);
    free(fw->default_weights);
    dti_methods_clear(&fw->defaults);
    free(fw->path);
    free(fw->name);
    free(fw->title);
    free(fw->legal_basis);
    free(fw->source);
    free(fw->note);
    free(fw);
}

void dti_framework_compute(const dti_framework *fw, double *vals)
{
    for (size_t k = 0; k < fw->n_postorder; k++) {
        const dti_node *nd = &fw->nodes[fw->postorder[k]];
        if (nd->n_children == 0)
            continue;
        double sw = 0, swv = 0;
        for (size_t c = 0; c < nd->n_children; c++) {
            size_t ch = nd->children[c];
            double w = fw->nodes[ch].weight;
            if (!(w > 0)) /* a zero weight (the unscored smart-city indicator) needs no value */
                continue;
            sw += w;
            swv += w * vals[ch];
        }
        /* NaN propagates from any unknown child; unknown weights (NaN) leave sw = 0, hence NaN */
        vals[fw->postorder[k]] = sw > 0 ? swv / sw : NAN;
    }
}

/* The first scored node whose weight is unknown under the weights in use (a named set may supply them). */
static size_t S_unknown_weight(const dti_framework *fw)
{
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].parent != DTI_NONE && isnan(fw->nodes[i].weight))
            return i;
    return DTI_NONE;
}

int dti_framework_weights_known(const dti_framework *fw) { return S_unknown_weight(fw) == DTI_NONE; }

int dti_framework_require_weights(const dti_framework *fw, dti_error *err)
{
    size_t u = S_unknown_weight(fw);
    if (u == DTI_NONE)
        return DTI_OK;
    const dti_node *nd = &fw->nodes[u];
    return dti_error_set(err, DTI_ERR_INPUT, fw->path, nd->line, nd->column,
                         "the weight of '%s' is unknown (weight: unknown): model %s ranks on the published index "
                         "and cannot compute one from its indicators",
                         nd->id, fw->name);
}
const char *dti_framework_title(const dti_framework *fw) { return fw->title ? fw->title : fw->name; }

const char *dti_framework_node_name(const dti_framework *fw, size_t i, int english)
{
    const dti_node *nd = &fw->nodes[i];
    const char *s = english ? nd->name_en : nd->name_vi;
    return s ? s : nd->id;
}

size_t dti_framework_node_find(const dti_framework *fw, const char *id)
{
    for (size_t i = 0; i < fw->n_nodes; i++)
        if (fw->nodes[i].id && !strcmp(fw->nodes[i].id, id))
            return i;
    return DTI_NONE;
}
