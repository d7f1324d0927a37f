/* present_toolkit.c -- the documents of the analyst's toolkit (issue 14): the weight set a run used
 * (`--weights`), `dtirank compare` (two variants side by side; leave-one-out) and `dtirank profile`.
 * Builds report documents (report.h) from toolkit.c's, compare.c's and profile.c's results; never
 * prints.  Columns: docs/guide.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "internal.h"
#include "panel.h"
#include "present.h"
#include "profile.h"

/* "+3", "-2", "0": a shift of places as people read it. */
static void S_show_shift(dti_table *t, size_t r, size_t c, double shift)
{
    if (!isnan(shift))
        dti_table_show(t, r, c, "%s%.0f", shift > 0 ? "+" : "", shift);
}

/* ---- the weight set (--weights) ------------------------------------------------------------------- */

/* The table of the weights a run used (named `key`). */
static void S_weights_table(dti_report *doc, const dti_framework *fw, const dti_weights_choice *wc, const char *key)
{
    char title[128];
    snprintf(title, sizeof title, "Weights used: %s", wc->name);
    dti_table *t = dti_report_table(doc, key, title);
    size_t c_node = dti_table_col(t, "node", DTI_COL_TEXT), c_parent = dti_table_col(t, "parent", DTI_COL_TEXT);
    size_t c_w = dti_table_col(t, "weight", DTI_COL_NUM), c_share = dti_table_col(t, "share", DTI_COL_NUM);
    dti_table_col_digits(t, c_w, 6);
    dti_table_col_decimals(t, c_share, 4);
    dti_table_col_label(t, c_share, "share of parent");
    size_t c_x = 0, c_y = 0;
    if (wc->source == DTI_WEIGHTS_FILE) { /* a set of the file: the nodes it weights otherwise than the model */
        c_x = dti_table_col(t, "default_share", DTI_COL_NUM);
        dti_table_col_decimals(t, c_x, 4);
        dti_table_col_label(t, c_x, "model's share");
        dti_table_note(t, "The nodes the set weights otherwise than the model's own weights (shares among siblings).");
    } else if (wc->source == DTI_WEIGHTS_PCA) {
        c_x = dti_table_col(t, "loading", DTI_COL_NUM);
        c_y = dti_table_col(t, "explained", DTI_COL_NUM);
        dti_table_col_decimals(t, c_x, 4);
        dti_table_col_decimals(t, c_y, 4);
        dti_table_col_null(t, c_x, "", "the node's group has no defined PCA");
        dti_table_col_null(t, c_y, "", "not an aggregate, or its PCA is undefined");
        dti_table_col_label(t, c_y, "explained (own children)");
    } else if (wc->source == DTI_WEIGHTS_BALANCE) {
        c_x = dti_table_col(t, "r_before", DTI_COL_NUM);
        c_y = dti_table_col(t, "r_after", DTI_COL_NUM);
        dti_table_col_decimals(t, c_x, 4);
        dti_table_col_decimals(t, c_y, 4);
        dti_table_col_null(t, c_x, "", "not a node of the balanced level");
        dti_table_col_null(t, c_y, "", "not a node of the balanced level");
        dti_table_col_label(t, c_x, "r with index before");
        dti_table_col_label(t, c_y, "after");
    }
    for (size_t i = 0; i < fw->n_nodes; i++) {
        const dti_node *nd = &fw->nodes[i];
        if (nd->parent == DTI_NONE)
            continue;
        const dti_node *pa = &fw->nodes[nd->parent];
        double sum = 0, dsum = 0;
        for (size_t c = 0; c < pa->n_children; c++) {
            sum += fw->nodes[pa->children[c]].weight;
            dsum += fw->default_weights[pa->children[c]];
        }
        double share = sum > 0 ? nd->weight / sum : NAN, dshare = dsum > 0 ? fw->default_weights[i] / dsum : NAN;
        if (wc->source == DTI_WEIGHTS_FILE && !(fabs(share - dshare) > 1e-12)) /* the same share: not listed */
            continue;
        size_t r = dti_table_row(t);
        dti_table_text(t, r, c_node, nd->id);
        dti_table_text(t, r, c_parent, pa->id);
        dti_table_num(t, r, c_w, nd->weight);
        dti_table_num(t, r, c_share, share);
        if (wc->source == DTI_WEIGHTS_FILE) {
            dti_table_num(t, r, c_x, dshare);
        } else if (wc->source == DTI_WEIGHTS_PCA) {
            dti_table_num(t, r, c_x, wc->pca.loading[i]);
            for (size_t g = 0; g < wc->pca.n_groups; g++)
                if (wc->pca.group[g].node == i && wc->pca.group[g].defined)
                    dti_table_num(t, r, c_y, wc->pca.group[g].explained);
        } else if (wc->source == DTI_WEIGHTS_BALANCE) {
            for (size_t k = 0; k < wc->bal.m; k++)
                if (wc->bal.nodes[k] == i) {
                    dti_table_num(t, r, c_x, wc->bal.r_before[k]);
                    dti_table_num(t, r, c_y, wc->bal.r_after[k]);
                }
        }
    }
}

void dti_present_weights(dti_report *doc, const dti_framework *fw, const dti_weights_choice *wc, const char *key)
{
    dti_report_meta_text(doc, key, wc->name);
    if (!strcmp(wc->name, "default"))
        return;
    char title[128];
    snprintf(title, sizeof title, "%s_source", key);
    dti_report_meta_text(doc, title, wc->source == DTI_WEIGHTS_FILE ? "model" :
                                     wc->source == DTI_WEIGHTS_PCA ? "pca" : "balance");
    if (wc->source == DTI_WEIGHTS_FILE) {
        dti_report_text(doc, "Weights: the set '%s' of the model's weights: block (%s).", wc->name, fw->path);
    } else if (wc->source == DTI_WEIGHTS_PCA) {
        char buf[1024] = "";
        size_t o = 0, undefined = 0;
        for (size_t g = 0; g < wc->pca.n_groups && o < sizeof buf; g++) {
            const dti_weights_group *gr = &wc->pca.group[g];
            if (gr->defined)
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %.1f%% (%zu children, %zu complete units)",
                                      o ? "; " : "", fw->nodes[gr->node].id, 100 * gr->explained, gr->k,
                                      gr->n_complete);
            else
                undefined++;
        }
        dti_report_text(doc, "Weights: PCA weights computed from the data (%zu units): per aggregate, the squared "
                             "loadings of the first principal component of its children (docs/methods.md §6a).  "
                             "Share of the children's variance the component explains: %s.%s",
                        wc->n_units, o ? buf : "none defined",
                        undefined ? "  Aggregates whose PCA is undefined (fewer than 2 children, fewer than 3 "
                                    "complete units or a constant child) keep their weights." : "");
        if (wc->n_units < 10)
            dti_report_text(doc, "Warning: the PCA rests on %zu units (fewer than 10): the weights are fragile.",
                            wc->n_units);
    } else {
        const dti_weights_balance *b = &wc->bal;
        dti_report_text(doc, "Weights: equal-influence (balance) weights computed from the data (%zu units) at the "
                             "indicators' level (docs/methods.md §6a): objective %.6g at the model's weights, %.6g "
                             "at the weights found, after %zu iterations (%s: %s).",
                        wc->n_units, b->objective_before, b->objective, b->iterations,
                        b->converged ? "converged" : "NOT converged", b->stop);
        if (wc->n_units < 10)
            dti_report_text(doc, "Warning: the correlations rest on %zu units (fewer than 10): the weights are "
                                 "fragile.", wc->n_units);
    }
    S_weights_table(doc, fw, wc, key);
}

/* ---- compare: two variants ---------------------------------------------------------------------- */

/* "A, B and 3 more" from the names of the rows whose cross is `dir`, into buf. */
static void S_crossers(const dti_compare_view *v, int dir, char *buf, size_t size)
{
    size_t o = 0, shown = 0, more = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < v->c->n_rows; k++) {
        const dti_compare_row *r = &v->c->rows[k];
        if (r->cross != dir)
            continue;
        const char *name = r->ub != (size_t)-1 ? v->b->name[r->ub] : v->a->name[r->ua];
        if (shown < 12 && o < size) {
            o += (size_t)snprintf(buf + o, size - o, "%s%s", shown ? ", " : "", name);
            shown++;
        } else {
            more++;
        }
    }
    if (more && o < size)
        snprintf(buf + o, size - o, " and %zu more", more);
}

/* The rows' order for people: by rank under B, then under A, the unranked last (in their own order). */
static int S_row_before(const dti_compare_row *x, const dti_compare_row *y)
{
    size_t xb = x->rank_b ? x->rank_b : SIZE_MAX, yb = y->rank_b ? y->rank_b : SIZE_MAX;
    if (xb != yb)
        return xb < yb;
    size_t xa = x->rank_a ? x->rank_a : SIZE_MAX, ya = y->rank_a ? y->rank_a : SIZE_MAX;
    return xa < ya;
}

/* compare: every unit by its rank under B (table `units`). */
static void S_compare_units(dti_report *doc, const dti_compare_view *v)
{
    const dti_compare *c = v->c;
    dti_table *t = dti_report_table(doc, "units", NULL);
    char label[96];
    size_t c_rb = dti_table_col(t, "rank_b", DTI_COL_INT), c_ra = dti_table_col(t, "rank_a", DTI_COL_INT);
    snprintf(label, sizeof label, "rank %s", v->label_b);
    dti_table_col_label(t, c_rb, label);
    snprintf(label, sizeof label, "rank %s", v->label_a);
    dti_table_col_label(t, c_ra, label);
    dti_table_col_null(t, c_rb, "-", "no rank under B");
    dti_table_col_null(t, c_ra, "-", "no rank under A");
    size_t c_shift = dti_table_col(t, "shift", DTI_COL_INT);
    dti_table_col_null(t, c_shift, "", "not ranked under both");
    dti_table_col_label(t, c_shift, "shift");
    size_t c_unit = dti_table_col(t, "unit", DTI_COL_TEXT), c_name = dti_table_col(t, "name", DTI_COL_TEXT);
    dti_table_col_flags(t, c_unit, DTI_COL_DATA_ONLY);
    size_t c_sb = dti_table_col(t, "score_b", DTI_COL_NUM), c_sa = dti_table_col(t, "score_a", DTI_COL_NUM);
    snprintf(label, sizeof label, "%s", v->label_b);
    dti_table_col_label(t, c_sb, label);
    snprintf(label, sizeof label, "%s", v->label_a);
    dti_table_col_label(t, c_sa, label);
    dti_table_col_decimals(t, c_sb, v->precision);
    dti_table_col_decimals(t, c_sa, v->precision);
    dti_table_col_null(t, c_sb, "NA", "no score under B");
    dti_table_col_null(t, c_sa, "NA", "no score under A");
    size_t c_cross = dti_table_col(t, "cross", DTI_COL_TEXT);
    dti_table_col_label(t, c_cross, "top-K line");
    size_t *order = dti_xcalloc(c->n_rows + 1, sizeof *order);
    for (size_t k = 0; k < c->n_rows; k++) { /* insertion sort: stable, n is small */
        size_t j = k;
        while (j > 0 && S_row_before(&c->rows[k], &c->rows[order[j - 1]])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = k;
    }
    for (size_t k = 0; k < c->n_rows; k++) {
        const dti_compare_row *x = &c->rows[order[k]];
        size_t r = dti_table_row(t);
        if (x->rank_b)
            dti_table_size(t, r, c_rb, x->rank_b);
        if (x->rank_a)
            dti_table_size(t, r, c_ra, x->rank_a);
        if (!isnan(x->shift)) {
            dti_table_int(t, r, c_shift, (long long)x->shift);
            S_show_shift(t, r, c_shift, x->shift);
        }
        dti_table_text(t, r, c_unit, x->unit);
        dti_table_text(t, r, c_name, x->ub != (size_t)-1 ? v->b->name[x->ub] : v->a->name[x->ua]);
        dti_table_num(t, r, c_sb, x->ub != (size_t)-1 ? v->b->value[x->ub] : NAN);
        dti_table_num(t, r, c_sa, x->ua != (size_t)-1 ? v->a->value[x->ua] : NAN);
        if (x->cross)
            dti_table_text(t, r, c_cross, x->cross > 0 ? "enters" : "leaves");
    }
    free(order);
}

dti_report *dti_present_compare(const dti_compare_view *v)
{
    const dti_compare *c = v->c;
    dti_report *doc = dti_report_new("compare");
    static const char *const mode[] = {"models", "weights", "years", "drop"};
    dti_report_meta_text(doc, "mode", mode[v->mode]);
    dti_report_meta_text(doc, "a", v->label_a);
    dti_report_meta_text(doc, "b", v->label_b);
    dti_report_meta_int(doc, "units_both", (long long)c->n_both);
    dti_report_meta_num(doc, "spearman", c->spearman);
    dti_report_meta_num(doc, "mean_abs_shift", c->mean_abs_shift);
    dti_report_meta_num(doc, "max_abs_shift", c->n_both ? c->max_abs_shift : NAN);
    dti_report_meta_int(doc, "top", (long long)c->top_k);
    dti_report_meta_int(doc, "entered", (long long)c->n_entered);
    dti_report_meta_int(doc, "left", (long long)c->n_left);
    for (size_t k = 0; k < v->n_sources; k++)
        dti_report_source(doc, v->source_role[k], v->source_path[k]);
    dti_report_title(doc, "%s: A = %s, B = %s", v->what, v->label_a, v->label_b);
    /* the summary first: rho, mean |shift|, the crossings */
    if (c->n_both >= 2) {
        const dti_compare_row *w = NULL; /* the first unit with the largest shift */
        for (size_t k = 0; k < c->n_rows && !w; k++)
            if (!isnan(c->rows[k].shift) && c->max_abs_shift > 0 && !(fabs(c->rows[k].shift) < c->max_abs_shift))
                w = &c->rows[k];
        dti_report_text(doc, "Spearman's rho %.4f %s over the %zu units ranked under both; mean |shift| %.2f places, "
                             "largest %.0f%s%s%s.",
                        c->spearman, v->rho_of_ranks ? "of the ranks" : "of the scores", c->n_both, c->mean_abs_shift, c->max_abs_shift, w ? " (" : "",
                        w ? v->b->name[w->ub] : "", w ? ")" : "");
    } else {
        dti_report_text(doc, "%zu units are ranked under both: too few to compare the rankings.", c->n_both);
    }
    char in[2048], out[2048];
    S_crossers(v, 1, in, sizeof in);
    S_crossers(v, -1, out, sizeof out);
    if (c->top_k)
        dti_report_text(doc, "Top %zu under B: %zu %s%s%s%s; %zu %s%s%s%s.", c->top_k, c->n_entered,
                        c->n_entered == 1 ? "unit enters" : "units enter", c->n_entered ? " (" : "", in,
                        c->n_entered ? ")" : "", c->n_left, c->n_left == 1 ? "leaves" : "leave", c->n_left ? " (" : "",
                        out, c->n_left ? ")" : "");
    size_t only_a = 0, only_b = 0;
    for (size_t k = 0; k < c->n_rows; k++) {
        only_a += c->rows[k].rank_a && !c->rows[k].rank_b;
        only_b += c->rows[k].rank_b && !c->rows[k].rank_a;
    }
    if (only_a || only_b)
        dti_report_text(doc, "%zu of %zu units ranked under A, %zu of %zu under B; %zu under A only and %zu under B "
                             "only have no shift and do not enter rho (for the top-K line, no rank counts as outside).",
                        v->a->n_scored, v->a->v.n_units, v->b->n_scored, v->b->v.n_units, only_a, only_b);
    else
        dti_report_text(doc, "%zu of %zu units ranked under A, %zu of %zu under B.", v->a->n_scored, v->a->v.n_units,
                        v->b->n_scored, v->b->v.n_units);
    for (size_t k = 0; k < v->n_notes; k++)
        dti_report_text(doc, "%s", v->notes[k]);
    S_compare_units(doc, v);
    dti_report_text(doc, "shift = rank under A - rank under B: places gained under B (+3: three places higher).");
    return doc;
}

/* ---- compare --drop: leave-one-out -------------------------------------------------------------- */

#define S_LOO_WIDE 8 /* more dropped nodes than this: their columns go to csv and json only */

/* compare --drop: per dropped node (table `drops`). */
static void S_loo_drops(dti_report *doc, const dti_loo_view *v)
{
    const dti_loo_result *lr = v->res;
    const dti_framework *fw = v->fw;
    size_t nu = lr->n_units, nd = lr->n_drop;
    dti_table *t = dti_report_table(doc, "drops", NULL);
    size_t c_id = dti_table_col(t, "dropped", DTI_COL_TEXT), c_par = dti_table_col(t, "parent", DTI_COL_TEXT);
    size_t c_share = dti_table_col(t, "share", DTI_COL_NUM);
    dti_table_col_decimals(t, c_share, 4);
    dti_table_col_label(t, c_share, "share of parent");
    size_t c_mean = dti_table_col(t, "mean_abs_shift", DTI_COL_NUM), c_max = dti_table_col(t, "max_abs_shift", DTI_COL_INT);
    dti_table_col_decimals(t, c_mean, 2);
    dti_table_col_label(t, c_mean, "mean |shift|");
    dti_table_col_label(t, c_max, "max |shift|");
    dti_table_col_null(t, c_mean, "NA", "no unit ranked both ways");
    size_t c_moved = dti_table_col(t, "moved", DTI_COL_INT);
    dti_table_col_label(t, c_moved, "units moved");
    size_t c_rho = dti_table_col(t, "spearman", DTI_COL_NUM);
    dti_table_col_decimals(t, c_rho, 4);
    dti_table_col_null(t, c_rho, "NA", "fewer than 2 units ranked both ways, or a constant score");
    size_t c_in = dti_table_col(t, "entered", DTI_COL_INT), c_out = dti_table_col(t, "left", DTI_COL_INT);
    char label[64];
    snprintf(label, sizeof label, "into top %zu", v->top_k);
    dti_table_col_label(t, c_in, label);
    snprintf(label, sizeof label, "out of top %zu", v->top_k);
    dti_table_col_label(t, c_out, label);
    for (size_t d = 0; d < nd; d++) {
        size_t node = lr->dropped[d], r = dti_table_row(t), moved = 0;
        const dti_node *n = &fw->nodes[node], *pa = &fw->nodes[n->parent];
        double sum = 0;
        for (size_t c = 0; c < pa->n_children; c++)
            sum += fw->nodes[pa->children[c]].weight;
        for (size_t u = 0; u < nu; u++) {
            double s = lr->shift[d * nu + u];
            moved += !isnan(s) && fabs(s) > 0 ? 1u : 0u;
        }
        dti_table_text(t, r, c_id, n->id);
        dti_table_text(t, r, c_par, pa->id);
        dti_table_num(t, r, c_share, sum > 0 ? n->weight / sum : NAN);
        dti_table_num(t, r, c_mean, lr->mean_abs_shift[d]);
        dti_table_size(t, r, c_max, (size_t)lr->max_abs_shift[d]);
        dti_table_size(t, r, c_moved, moved);
        dti_table_num(t, r, c_rho, v->cmp[d].spearman);
        dti_table_size(t, r, c_in, v->cmp[d].n_entered);
        dti_table_size(t, r, c_out, v->cmp[d].n_left);
    }
    dti_table_note(t, "shift = rank with every node - rank without: places gained without it (+3: three places "
                      "higher); share: the node's nominal weight among its siblings.");
}

/* compare --drop: every unit's rank and its shift without each node (table `units`). */
static void S_loo_units(dti_report *doc, const dti_loo_view *v)
{
    const dti_loo_result *lr = v->res;
    const dti_framework *fw = v->fw;
    size_t nu = lr->n_units, nd = lr->n_drop;
    dti_table *u = dti_report_table(doc, "units", "Rank shifts of every unit (places gained without the node)");
    size_t c_rank = dti_table_col(u, "rank", DTI_COL_INT);
    dti_table_col_null(u, c_rank, "-", "no score");
    size_t c_code = dti_table_col(u, "unit", DTI_COL_TEXT), c_name = dti_table_col(u, "name", DTI_COL_TEXT);
    dti_table_col_flags(u, c_code, DTI_COL_DATA_ONLY);
    size_t c_score = dti_table_col(u, "score", DTI_COL_NUM);
    dti_table_col_decimals(u, c_score, fw->precision);
    dti_table_col_null(u, c_score, "NA", "no score");
    int wide = nd > S_LOO_WIDE;
    size_t c_big = 0;
    if (wide) {
        c_big = dti_table_col(u, "largest_shift", DTI_COL_TEXT);
        dti_table_col_flags(u, c_big, DTI_COL_HUMAN_ONLY);
        dti_table_col_label(u, c_big, "largest shift");
    }
    size_t c0 = u->n_cols;
    char name[160];
    for (size_t d = 0; d < nd; d++) {
        const char *id = fw->nodes[lr->dropped[d]].id;
        size_t c = dti_table_col(u, id, DTI_COL_INT);
        dti_table_col_null(u, c, "", "not ranked both ways");
        if (wide)
            dti_table_col_flags(u, c, DTI_COL_DATA_ONLY);
        snprintf(name, sizeof name, "%s_rank", id);
        c = dti_table_col(u, name, DTI_COL_INT);
        dti_table_col_null(u, c, "", "no rank without the node");
        dti_table_col_flags(u, c, DTI_COL_DATA_ONLY);
        snprintf(name, sizeof name, "%s_score", id);
        c = dti_table_col(u, name, DTI_COL_NUM);
        dti_table_col_flags(u, c, DTI_COL_DATA_ONLY);
    }
    for (size_t k = 0; k < nu; k++) {
        size_t x = v->order[k], r = dti_table_row(u), big = (size_t)-1;
        if (lr->base_rank[x])
            dti_table_size(u, r, c_rank, lr->base_rank[x]);
        dti_table_text(u, r, c_code, v->code[x]);
        dti_table_text(u, r, c_name, v->name[x]);
        dti_table_num(u, r, c_score, lr->base_score[x]);
        for (size_t d = 0; d < nd; d++) {
            double s = lr->shift[d * nu + x];
            if (!isnan(s)) {
                dti_table_int(u, r, c0 + 3 * d, (long long)s);
                S_show_shift(u, r, c0 + 3 * d, s);
                if (big == (size_t)-1 || fabs(s) > fabs(lr->shift[big * nu + x]))
                    big = d;
            }
            if (lr->rank[d * nu + x])
                dti_table_size(u, r, c0 + 3 * d + 1, lr->rank[d * nu + x]);
            dti_table_num(u, r, c0 + 3 * d + 2, lr->score[d * nu + x]);
        }
        if (wide && big != (size_t)-1) {
            double s = lr->shift[big * nu + x];
            char text[192] = "0";
            if (fabs(s) > 0)
                snprintf(text, sizeof text, "%s%.0f without %s", s > 0 ? "+" : "", s, fw->nodes[lr->dropped[big]].id);
            dti_table_text(u, r, c_big, text);
        }
    }
    if (wide)
        dti_table_note(u, "%zu nodes dropped: the shift of every unit without each is in --format csv --table units "
                          "and --format json (columns <node>, <node>_rank, <node>_score).",
                       nd);
}

dti_report *dti_present_loo(const dti_loo_view *v)
{
    const dti_loo_result *lr = v->res;
    const dti_framework *fw = v->fw;
    size_t nu = lr->n_units, nd = lr->n_drop;
    dti_report *doc = dti_report_new("compare");
    dti_report_meta_text(doc, "mode", "drop");
    dti_report_meta_text(doc, "model", fw->name);
    dti_report_meta_int(doc, "dropped", (long long)nd);
    dti_report_meta_int(doc, "units", (long long)nu);
    dti_report_meta_int(doc, "top", (long long)v->top_k);
    for (size_t k = 0; k < v->n_sources; k++)
        dti_report_source(doc, v->source_role[k], v->source_path[k]);
    size_t scored = 0;
    for (size_t u = 0; u < nu; u++)
        scored += lr->base_rank[u] ? 1u : 0u;
    size_t n_ind = 0;
    for (size_t d = 0; d < nd; d++)
        n_ind += fw->nodes[lr->dropped[d]].role == DTI_NODE_INDICATOR;
    const char *kind = n_ind == nd ? (nd == 1 ? "indicator" : "indicators") : (nd == 1 ? "node" : "nodes");
    if (nd == 1)
        dti_report_title(doc, "Leave-one-out: %s without %s (weights renormalised)", dti_framework_title(fw),
                         fw->nodes[lr->dropped[0]].id);
    else
        dti_report_title(doc, "Leave-one-out: %s without each of %zu %s in turn (weights renormalised)",
                         dti_framework_title(fw), nd, kind);
    /* the summary first: the nodes that move the ranking most and least */
    size_t most = (size_t)-1, least = (size_t)-1;
    for (size_t d = 0; d < nd; d++) {
        if (isnan(lr->mean_abs_shift[d]))
            continue;
        if (most == (size_t)-1 || lr->mean_abs_shift[d] > lr->mean_abs_shift[most])
            most = d;
        if (least == (size_t)-1 || lr->mean_abs_shift[d] < lr->mean_abs_shift[least])
            least = d;
    }
    if (most != (size_t)-1 && nd > 1)
        dti_report_text(doc, "Without %s the ranks move most: mean |shift| %.2f places, largest %.0f (Spearman's rho "
                             "%.4f).  Without %s they move least: mean |shift| %.2f.",
                        fw->nodes[lr->dropped[most]].id, lr->mean_abs_shift[most], lr->max_abs_shift[most],
                        v->cmp[most].spearman, fw->nodes[lr->dropped[least]].id, lr->mean_abs_shift[least]);
    else if (most != (size_t)-1)
        dti_report_text(doc, "Without %s: mean |shift| %.2f places, largest %.0f, Spearman's rho %.4f.",
                        fw->nodes[lr->dropped[most]].id, lr->mean_abs_shift[most], lr->max_abs_shift[most],
                        v->cmp[most].spearman);
    dti_report_text(doc, "%zu of %zu units have a score.  The screen, imputation, treatment and normalisation stay as "
                         "in the full index; only the dropped node's ancestors are recomputed (docs/methods.md §9).",
                    scored, nu);
    if (scored < 10)
        dti_report_text(doc, "Warning: fewer than 10 units are ranked: shifts and rho rest on few units.");
    for (size_t k = 0; k < v->n_notes; k++)
        dti_report_text(doc, "%s", v->notes[k]);
    S_loo_drops(doc, v);
    S_loo_units(doc, v);
    return doc;
}

/* ---- a multi-year table ------------------------------------------------------------------------ */

void dti_present_years_note(dti_report *doc, const dti_dataset *ds)
{
    if (!dti_dataset_multiyear(ds))
        return;
    char years[256] = "";
    for (size_t t = 0; t < ds->n_years; t++)
        snprintf(years + strlen(years), sizeof years - strlen(years), "%s%d", t ? ", " : "", ds->years[t]);
    dti_report_meta_int(doc, "data_year", ds->year);
    dti_report_meta_text(doc, "impute_years", ds->impute_years >= 0 ? dti_panel_method_name(ds->impute_years) : NULL);
    dti_report_meta_int(doc, "filled_from_other_years", (long long)ds->n_filled_year);
    if (ds->impute_years >= 0)
        dti_report_text(doc, "A table of the years %s: the data of %d, %zu missing cells filled from the unit's own "
                             "values of other years (%s; %zu in all years; docs/methods.md §2a).",
                        years, ds->year, ds->n_filled_year, dti_panel_method_name(ds->impute_years), ds->n_filled_panel);
    else
        dti_report_text(doc, "A table of the years %s: the data of %d (--table-year to choose another, "
                             "--impute-years to fill missing values from other years).",
                        years, ds->year);
}

/* ---- profile ----------------------------------------------------------------------------------- */

/* A rank as people read it: "6", "12*" (derived), "≥11", "11–20", "?". */
static void S_rank_text(int status, size_t rank, size_t lo, size_t hi, size_t units, int derived, char *buf, size_t size)
{
    if (status == DTI_RANK_EXACT)
        snprintf(buf, size, "%zu%s", rank, derived ? "*" : "");
    else if (status == DTI_RANK_UNKNOWN)
        snprintf(buf, size, "?");
    else if (lo > 1 && hi < units)
        snprintf(buf, size, "%zu\u2013%zu", lo, hi);
    else if (lo > 1)
        snprintf(buf, size, "\u2265%zu", lo);
    else
        snprintf(buf, size, "\u2264%zu", hi);
}

static const char *S_ordinal(size_t n)
{
    size_t m = n % 100;
    return m >= 11 && m <= 13 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static const char *const S_status_name[] = {"exact", "bounded", "unknown"};

/* The headline: the year's rank and value, the rank in the region, the change since the year before. */
static void S_profile_summary(dti_report *doc, const dti_profile *p)
{
    const dti_profile_year *h = &p->hist[p->cur];
    char rank[64], val[64] = "unknown", reg[256] = "";
    S_rank_text(h->status, h->rank, h->lo, h->hi, h->units, h->rank_derived, rank, sizeof rank);
    if (!isnan(h->value))
        snprintf(val, sizeof val, "%.4f%s", h->value, h->value_derived ? " (derived)" : "");
    if (p->region && h->region_rank)
        snprintf(reg, sizeof reg, "; %zu%s of %zu in %s", h->region_rank, S_ordinal(h->region_rank), h->region_size,
                 p->region);
    else if (p->region)
        snprintf(reg, sizeof reg, "; rank in %s (%zu units) not determined", p->region, h->region_size);
    dti_report_text(doc, "%d: rank %s of %zu, DTI %s%s.", h->year, rank, h->units, val, reg);
    if (p->prev == (size_t)-1) {
        dti_report_text(doc, "%d is the first year of the record: no change to show.", h->year);
        return;
    }
    const dti_profile_year *q = &p->hist[p->prev];
    char was[64], move[256] = "", dv[160] = "";
    S_rank_text(q->status, q->rank, q->lo, q->hi, q->units, q->rank_derived, was, sizeof was);
    if (h->status == DTI_RANK_EXACT && q->status == DTI_RANK_EXACT) {
        long d = (long)q->rank - (long)h->rank;
        if (d)
            snprintf(move, sizeof move, "%s %ld place%s (%s \u2192 %s)", d > 0 ? "up" : "down", d > 0 ? d : -d,
                     (d > 0 ? d : -d) == 1 ? "" : "s", was, rank);
        else
            snprintf(move, sizeof move, "same rank (%s)", rank);
    } else {
        snprintf(move, sizeof move, "rank %s \u2192 %s", was, rank);
    }
    if (!isnan(h->value) && !isnan(q->value))
        snprintf(dv, sizeof dv, "; DTI %.4f \u2192 %.4f (%+.4f)", q->value, h->value, h->value - q->value);
    dti_report_text(doc, "Since %d: %s%s.", q->year, move, dv);
    if (p->models_differ)
        dti_report_text(doc, "%d used model %s and %d model %s: ranks compare, values do not (docs/data.md).", q->year,
                        q->model, h->year, h->model);
}

/* Strengths, weaknesses, unknowns, size. */
static void S_profile_notes(dti_report *doc, const dti_profile *p)
{
    const dti_profile_year *h = &p->hist[p->cur];
    char buf[1024];
    size_t o = 0;
    int all_same = p->n_strengths && p->node[p->strength[0]].rank == p->node[p->weakness[0]].rank;
    if (all_same) {
        dti_report_text(doc, "Every ranked indicator ranks %zu in %d: no strength or weakness stands out.",
                        p->node[p->strength[0]].rank, h->year);
    } else if (p->n_strengths) {
        buf[0] = '\0';
        for (size_t k = 0; k < p->n_strengths && o < sizeof buf; k++) {
            const dti_profile_node *x = &p->node[p->strength[k]];
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s (%zu)", k ? ", " : "", x->id, x->rank);
        }
        size_t o2 = 0;
        char w[1024] = "";
        for (size_t k = 0; k < p->n_weaknesses && o2 < sizeof w; k++) {
            const dti_profile_node *x = &p->node[p->weakness[k]];
            o2 += (size_t)snprintf(w + o2, sizeof w - o2, "%s%s (%zu)", k ? ", " : "", x->id, x->rank);
        }
        dti_report_text(doc, "Strengths (best ranks among the indicators): %s.  Weaknesses (worst): %s.", buf, w);
    } else {
        dti_report_text(doc, "Strengths and weaknesses: fewer than two main indicators have a rank in %d.", h->year);
    }
    o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < p->n_nodes && o < sizeof buf; k++)
        if (!p->node[k].pillar && isnan(p->node[k].value))
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", o ? ", " : "", p->node[k].id);
    if (p->weights_unknown)
        dti_report_text(doc, "Model %s does not publish the weights of its indicators: their shares are unknown, the "
                             "DTI and the indicators shown are the published ones.%s%s%s",
                        h->model, o ? "  Not published for this unit in that year: " : "", buf, o ? "." : "");
    else if (o)
        dti_report_text(doc, "Not known for this unit in %d: %s.", h->year, buf);
    if (!p->has_size)
        dti_report_text(doc, "Units of similar size: no size data -- the registry has no '%s' figure for every "
                             "province (numbers: %s in data/provinces.yaml), so there is no rank among them.",
                        DTI_PROFILE_SIZE_COLUMN, DTI_PROFILE_SIZE_COLUMN);
    else if (p->size_rank)
        dti_report_text(doc, "Units of similar size (the %s third by %s, %zu units): %zu%s.",
                        p->size_group == 0 ? "smallest" : p->size_group + 1 == DTI_PROFILE_SIZE_GROUPS ? "largest" : "middle",
                        DTI_PROFILE_SIZE_COLUMN, p->size_members, p->size_rank, S_ordinal(p->size_rank));
    else
        dti_report_text(doc, "Units of similar size (the %s third by %s, %zu units): rank not determined.",
                        p->size_group == 0 ? "smallest" : p->size_group + 1 == DTI_PROFILE_SIZE_GROUPS ? "largest" : "middle",
                        DTI_PROFILE_SIZE_COLUMN, p->size_members);
}

static void S_profile_history(dti_report *doc, const dti_profile *p)
{
    dti_table *t = dti_report_table(doc, "history", "Every year of the record");
    size_t c_year = dti_table_col(t, "year", DTI_COL_INT), c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, c_rank, "?", "no exact rank: see rank_min and rank_max");
    size_t c_min = dti_table_col(t, "rank_min", DTI_COL_INT), c_max = dti_table_col(t, "rank_max", DTI_COL_INT);
    size_t c_status = dti_table_col(t, "rank_status", DTI_COL_TEXT), c_rd = dti_table_col(t, "rank_derived", DTI_COL_BOOL);
    size_t c_units = dti_table_col(t, "units", DTI_COL_INT);
    dti_table_col_label(t, c_units, "of");
    size_t c_val = dti_table_col(t, "dti", DTI_COL_NUM), c_vd = dti_table_col(t, "dti_derived", DTI_COL_BOOL);
    dti_table_col_decimals(t, c_val, 4);
    dti_table_col_null(t, c_val, "", "not known");
    size_t c_rr = dti_table_col(t, "region_rank", DTI_COL_INT), c_rs = dti_table_col(t, "region_units", DTI_COL_INT);
    dti_table_col_label(t, c_rr, "in region");
    dti_table_col_label(t, c_rs, "of");
    dti_table_col_null(t, c_rr, "?", "not determined");
    size_t c_model = dti_table_col(t, "model", DTI_COL_TEXT), c_method = dti_table_col(t, "ranked_by", DTI_COL_TEXT);
    dti_table_col_label(t, c_method, "ranks");
    unsigned data_only[] = {(unsigned)c_min, (unsigned)c_max, (unsigned)c_status, (unsigned)c_rd, (unsigned)c_vd};
    for (size_t k = 0; k < sizeof data_only / sizeof *data_only; k++)
        dti_table_col_flags(t, data_only[k], DTI_COL_DATA_ONLY);
    char buf[64];
    for (size_t k = 0; k < p->n_hist; k++) {
        const dti_profile_year *h = &p->hist[k];
        size_t r = dti_table_row(t);
        dti_table_int(t, r, c_year, h->year);
        if (h->status == DTI_RANK_EXACT)
            dti_table_size(t, r, c_rank, h->rank);
        S_rank_text(h->status, h->rank, h->lo, h->hi, h->units, h->rank_derived, buf, sizeof buf);
        dti_table_show(t, r, c_rank, "%s", buf);
        if (h->status != DTI_RANK_UNKNOWN) {
            dti_table_size(t, r, c_min, h->lo);
            dti_table_size(t, r, c_max, h->hi);
        }
        dti_table_text(t, r, c_status, S_status_name[h->status]);
        dti_table_bool(t, r, c_rd, h->rank_derived);
        dti_table_size(t, r, c_units, h->units);
        dti_table_num(t, r, c_val, h->value);
        if (!isnan(h->value) && h->value_derived) {
            dti_report_fixed(h->value, 4, buf, sizeof buf);
            dti_table_show(t, r, c_val, "%s*", buf);
        }
        dti_table_bool(t, r, c_vd, h->value_derived);
        if (h->region_rank)
            dti_table_size(t, r, c_rr, h->region_rank);
        dti_table_size(t, r, c_rs, h->region_size);
        dti_table_text(t, r, c_model, h->model);
        dti_table_text(t, r, c_method, h->method);
    }
    dti_table_note(t, "Marks: * = derived from a stated change (docs/data.md); \u2265 = a bound (outside the published top 10); "
                      "? = unknown or not determined.");
}

static void S_profile_indicators(dti_report *doc, const dti_profile *p)
{
    const dti_profile_year *h = &p->hist[p->cur];
    char title[160];
    snprintf(title, sizeof title, "Main indicators and pillars in %d (top-%zu line: the %zu%s highest value)", h->year,
             p->top, p->top, S_ordinal(p->top));
    dti_table *t = dti_report_table(doc, "indicators", title);
    size_t c_id = dti_table_col(t, "indicator", DTI_COL_TEXT), c_kind = dti_table_col(t, "kind", DTI_COL_TEXT);
    size_t c_share = dti_table_col(t, "share", DTI_COL_NUM);
    dti_table_col_decimals(t, c_share, 3);
    dti_table_col_null(t, c_share, "?", "the weight is not published (or a pillar, outside the index)");
    size_t c_val = dti_table_col(t, "value", DTI_COL_NUM), c_vd = dti_table_col(t, "value_derived", DTI_COL_BOOL);
    dti_table_col_decimals(t, c_val, 4);
    dti_table_col_null(t, c_val, "?", "not known");
    size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, c_rank, "?", "no exact rank");
    size_t c_status = dti_table_col(t, "rank_status", DTI_COL_TEXT);
    size_t c_known = dti_table_col(t, "units_known", DTI_COL_INT);
    dti_table_col_label(t, c_known, "known for");
    size_t c_thr = dti_table_col(t, "top_line", DTI_COL_NUM), c_gap = dti_table_col(t, "gap", DTI_COL_NUM);
    snprintf(title, sizeof title, "top-%zu line", p->top);
    dti_table_col_label(t, c_thr, title);
    dti_table_col_decimals(t, c_thr, 4);
    dti_table_col_decimals(t, c_gap, 4);
    dti_table_col_null(t, c_thr, "", "not every unit has a value: the line is not known");
    dti_table_col_null(t, c_gap, "", "the value or the line is not known");
    size_t c_pv = dti_table_col(t, "prev_value", DTI_COL_NUM), c_dv = dti_table_col(t, "value_change", DTI_COL_NUM);
    size_t c_pr = dti_table_col(t, "prev_rank", DTI_COL_INT), c_dr = dti_table_col(t, "rank_change", DTI_COL_INT);
    dti_table_col_decimals(t, c_pv, 4);
    dti_table_col_decimals(t, c_dv, 4);
    char lab[64];
    int py = p->prev != (size_t)-1 ? p->hist[p->prev].year : 0;
    snprintf(lab, sizeof lab, "%d", py);
    dti_table_col_label(t, c_pv, lab);
    dti_table_col_label(t, c_dv, "change");
    snprintf(lab, sizeof lab, "rank %d", py);
    dti_table_col_label(t, c_pr, lab);
    dti_table_col_label(t, c_dr, "places");
    dti_table_col_null(t, c_pv, "", "not known the year before");
    dti_table_col_null(t, c_dv, "", "a value is missing in one of the years");
    dti_table_col_null(t, c_pr, "", "no exact rank the year before");
    dti_table_col_null(t, c_dr, "", "no exact rank in one of the years");
    dti_table_col_flags(t, c_vd, DTI_COL_DATA_ONLY);
    dti_table_col_flags(t, c_status, DTI_COL_DATA_ONLY);
    if (p->prev == (size_t)-1)
        for (size_t c = c_pv; c <= c_dr; c++)
            dti_table_col_flags(t, c, DTI_COL_DATA_ONLY);
    char buf[64];
    for (size_t k = 0; k < p->n_nodes; k++) {
        const dti_profile_node *x = &p->node[k];
        size_t r = dti_table_row(t);
        dti_table_text(t, r, c_id, x->id);
        dti_table_text(t, r, c_kind, x->pillar ? "pillar" : "indicator");
        dti_table_num(t, r, c_share, x->share);
        dti_table_num(t, r, c_val, x->value);
        if (!isnan(x->value) && x->value_derived) {
            dti_report_fixed(x->value, 4, buf, sizeof buf);
            dti_table_show(t, r, c_val, "%s*", buf);
        }
        dti_table_bool(t, r, c_vd, x->value_derived);
        if (x->status == DTI_RANK_EXACT)
            dti_table_size(t, r, c_rank, x->rank);
        S_rank_text(x->status, x->rank, x->lo, x->hi, p->hist[p->cur].units, 0, buf, sizeof buf);
        dti_table_show(t, r, c_rank, "%s", buf);
        dti_table_text(t, r, c_status, S_status_name[x->status]);
        dti_table_size(t, r, c_known, x->n_known);
        dti_table_num(t, r, c_thr, x->threshold);
        dti_table_num(t, r, c_gap, x->gap);
        if (!isnan(x->gap))
            dti_table_show(t, r, c_gap, "%+.4f", x->gap);
        if (x->has_prev) {
            dti_table_num(t, r, c_pv, x->prev_value);
            dti_table_num(t, r, c_dv, x->value - x->prev_value);
            if (!isnan(x->value - x->prev_value))
                dti_table_show(t, r, c_dv, "%+.4f", x->value - x->prev_value);
            if (x->prev_rank)
                dti_table_size(t, r, c_pr, x->prev_rank);
            if (x->prev_rank && x->status == DTI_RANK_EXACT) {
                long d = (long)x->prev_rank - (long)x->rank;
                dti_table_int(t, r, c_dr, d);
                dti_table_show(t, r, c_dr, "%s%ld", d > 0 ? "+" : "", d);
            }
        }
    }
    if (py)
        dti_table_note(t, "gap = value - the top-%zu line (>= 0: in the top %zu); places: ranks gained since %d; share: "
                          "the indicator's nominal weight in the index.",
                       p->top, p->top, py);
    else
        dti_table_note(t, "gap = value - the top-%zu line (>= 0: in the top %zu); share: the indicator's nominal weight "
                          "in the index.",
                       p->top, p->top);
}

static void S_profile_region(dti_report *doc, const dti_profile *p)
{
    if (!p->region || !p->n_peers)
        return;
    const dti_profile_year *h = &p->hist[p->cur];
    char title[256], buf[64];
    snprintf(title, sizeof title, "%s in %d (%zu units)", p->region, h->year, p->n_peers);
    dti_table *t = dti_report_table(doc, "region", title);
    size_t c_rr = dti_table_col(t, "region_rank", DTI_COL_INT), c_rank = dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_label(t, c_rr, "in region");
    dti_table_col_label(t, c_rank, "national");
    dti_table_col_null(t, c_rr, "?", "not determined");
    dti_table_col_null(t, c_rank, "?", "no exact rank");
    size_t c_name = dti_table_col(t, "name", DTI_COL_TEXT), c_val = dti_table_col(t, "dti", DTI_COL_NUM);
    dti_table_col_decimals(t, c_val, 4);
    dti_table_col_null(t, c_val, "", "not known");
    size_t c_self = dti_table_col(t, "self", DTI_COL_BOOL);
    dti_table_col_flags(t, c_self, DTI_COL_DATA_ONLY);
    for (size_t k = 0; k < p->n_peers; k++) {
        const dti_profile_peer *q = &p->peer[k];
        size_t r = dti_table_row(t);
        if (q->region_rank)
            dti_table_size(t, r, c_rr, q->region_rank);
        if (q->status == DTI_RANK_EXACT)
            dti_table_size(t, r, c_rank, q->rank);
        S_rank_text(q->status, q->rank, q->lo, q->hi, h->units, 0, buf, sizeof buf);
        dti_table_show(t, r, c_rank, "%s", buf);
        dti_table_text(t, r, c_name, q->name);
        if (q->self)
            dti_table_show(t, r, c_name, "%s  <--", q->name);
        dti_table_num(t, r, c_val, q->value);
        dti_table_bool(t, r, c_self, q->self);
    }
}

dti_report *dti_present_profile(const dti_profile *p, const char *via, const char *const *sources, size_t n_sources)
{
    const dti_profile_year *h = &p->hist[p->cur];
    dti_report *doc = dti_report_new("profile");
    dti_report_meta_text(doc, "frame", p->frame);
    dti_report_meta_text(doc, "name", p->name);
    dti_report_meta_text(doc, "code", p->code);
    dti_report_meta_text(doc, "region", p->region);
    dti_report_meta_int(doc, "year", h->year);
    dti_report_meta_text(doc, "model", h->model);
    dti_report_meta_int(doc, "units", (long long)h->units);
    if (h->status == DTI_RANK_EXACT)
        dti_report_meta_int(doc, "rank", (long long)h->rank);
    else
        dti_report_meta_text(doc, "rank", NULL);
    dti_report_meta_num(doc, "dti", h->value);
    if (h->region_rank)
        dti_report_meta_int(doc, "region_rank", (long long)h->region_rank);
    else
        dti_report_meta_text(doc, "region_rank", NULL);
    dti_report_meta_int(doc, "region_units", (long long)h->region_size);
    dti_report_meta_bool(doc, "size_data", p->has_size);
    dti_report_meta_int(doc, "top", (long long)p->top);
    for (size_t k = 0; k < n_sources; k++)
        dti_report_source(doc, "year record", sources[k]);
    if (p->code)
        dti_report_title(doc, "Profile of %s (%s), %s: DTI %d", p->name, p->code, p->region ? p->region : "no region",
                         h->year);
    else
        dti_report_title(doc, "Profile of the unit %s (2025 reorganisation), %s: DTI %d", p->name,
                         p->region ? p->region : "no region", h->year);
    if (via && *via)
        dti_report_text(doc, "%s", via);
    if (!p->code)
        dti_report_text(doc, "A unit's rank is its published one where the year has a table of the units, else the "
                             "merger rule's (models/merger.yaml); its indicators are the mean of its former "
                             "provinces' values, unknown when one of them is (docs/merger.md).");
    S_profile_summary(doc, p);
    S_profile_notes(doc, p);
    S_profile_history(doc, p);
    S_profile_indicators(doc, p);
    S_profile_region(doc, p);
    return doc;
}
