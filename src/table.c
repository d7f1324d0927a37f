/* table.c -- official-style ranking tables of a year in text, Markdown, CSV (RFC 4180) and JSON.
 *
 * The table is built once as typed cells (number, text, boolean, null) and then written by one small
 * writer per format, so every format carries the same facts.  Text and Markdown show a readable
 * subset of the columns; CSV and JSON carry all of them (see docs/guide.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A computed index is flagged when it differs from the published one by more than this: the
 * published main indicators are rounded to 4 decimals, so an honest recomputation can differ by up
 * to half a unit in the 4th decimal of each weighted input (at most 0.00005 in total). */
#define S_FLAG_TOL 1e-4
#define S_FLAG_EPS 1e-9 /* binary noise allowance on top of S_FLAG_TOL */

enum { C_NULL, C_NUM, C_STR, C_BOOL };

typedef struct {
    int type;
    char *text; /* owned; for C_BOOL "true"/"false" */
} S_cell;

typedef struct {
    char *name;
    int text_col; /* shown in text/md */
    int right;    /* right-aligned in text */
} S_col;

typedef struct {
    S_col *cols;
    size_t n_cols, cap_cols;
    S_cell *cells; /* n_rows * n_cols */
    size_t n_rows;
} S_table;

enum { R_EXACT, R_BOUNDED, R_UNKNOWN };

typedef struct {
    size_t reg, entry; /* registry index; entry in the year file or DTI_NONE */
    double value, computed;
    size_t rank, lo, hi;
    int status, derived, flag, computed_rank;
    size_t units;
    size_t published_rank; /* when ranks are computed: the published one, if any, for the note */
} S_row;

static void S_add_col(S_table *t, const char *name, int text_col, int right)
{
    if (t->n_cols == t->cap_cols) {
        t->cap_cols = t->cap_cols ? 2 * t->cap_cols : 32;
        S_col *c = realloc(t->cols, t->cap_cols * sizeof *c);
        if (!c)
            abort();
        t->cols = c;
    }
    t->cols[t->n_cols].name = dti_strdup(name);
    t->cols[t->n_cols].text_col = text_col;
    t->cols[t->n_cols].right = right;
    t->n_cols++;
}

static void S_set(S_table *t, size_t r, size_t c, int type, const char *text)
{
    S_cell *cell = &t->cells[r * t->n_cols + c];
    free(cell->text);
    cell->type = type;
    cell->text = text ? dti_strdup(text) : NULL;
}

static void S_set_num(S_table *t, size_t r, size_t c, double v, int decimals)
{
    if (isnan(v))
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (fabs(strtod(buf, NULL) - v) > 1e-12) /* more digits than the precision: print them all */
        snprintf(buf, sizeof buf, "%.15g", v);
    S_set(t, r, c, C_NUM, buf);
}

static void S_set_int(S_table *t, size_t r, size_t c, size_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", v);
    S_set(t, r, c, C_NUM, buf);
}

static void S_table_free(S_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i].text);
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->cols[i].name);
    free(t->cells);
    free(t->cols);
}

static int S_row_cmp(const void *a, const void *b)
{
    const S_row *x = a, *y = b;
    if (x->status != y->status)
        return x->status - y->status;
    if (x->status == R_EXACT && x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->status == R_BOUNDED && (x->lo != y->lo || x->hi != y->hi))
        return x->lo != y->lo ? (x->lo < y->lo ? -1 : 1) : (x->hi < y->hi ? -1 : 1);
    /* Ties and unknowns keep the order of the year file (the published list order), then registry. */
    size_t ex = x->entry == DTI_NONE ? SIZE_MAX : x->entry, ey = y->entry == DTI_NONE ? SIZE_MAX : y->entry;
    if (ex != ey)
        return ex < ey ? -1 : 1;
    return x->reg < y->reg ? -1 : x->reg > y->reg;
}

/* "Pillars" shown in text: the reported nodes when the framework has them, else the root's children. */
static int S_is_pillar(const dti_framework *fw, size_t node)
{
    int any_reported = 0;
    for (size_t i = 0; i < fw->n_nodes; i++)
        any_reported |= fw->nodes[i].role == DTI_NODE_REPORTED;
    return any_reported ? fw->nodes[node].role == DTI_NODE_REPORTED : fw->nodes[node].parent == fw->root;
}

/* Builds the rows: published and computed values, ranks (computed by the official rule when every
 * unit has a value, published otherwise), bounds from rank facts and the top-10 list. */
static S_row *S_build_rows(const dti_year *yr, const dti_registry *reg, size_t by, size_t *n_rows, double *max_diff)
{
    const dti_framework *fw = yr->fw;
    size_t n = reg->n;
    S_row *rows = dti_xcalloc(n, sizeof *rows);
    *max_diff = NAN;
    for (size_t p = 0; p < n; p++) {
        S_row *r = &rows[p];
        r->reg = p;
        r->entry = dti_year_entry(yr, p);
        r->units = yr->units;
        dti_year_values(yr, p, by, &r->value, &r->computed);
        dti_year_rank_bounds(yr, p, by, &r->lo, &r->hi, &r->derived);
        if (!isnan(r->value) && !isnan(r->computed)) {
            double d = fabs(r->value - r->computed);
            r->flag = d > S_FLAG_TOL + S_FLAG_EPS;
            if (isnan(*max_diff) || d > *max_diff)
                *max_diff = d;
        }
    }
    /* Ranks from values when every ranked unit has one (published, else computed). */
    double *v = dti_xcalloc(n, sizeof *v);
    size_t *ranks = dti_xcalloc(n, sizeof *ranks), with = 0;
    for (size_t p = 0; p < n; p++) {
        v[p] = !isnan(rows[p].value) ? rows[p].value : rows[p].computed;
        with += isnan(v[p]) ? 0u : 1u;
    }
    int from_values = with >= yr->units && with > 0;
    if (from_values)
        dti_rank_competition(v, n, fw->precision, ranks, NULL, NULL);
    for (size_t p = 0; p < n; p++) {
        S_row *r = &rows[p];
        if (from_values && ranks[p]) {
            if (r->lo == r->hi)
                r->published_rank = r->lo;
            r->rank = r->lo = r->hi = ranks[p];
            r->computed_rank = 1;
            r->derived = 0;
        } else if (r->lo == r->hi) {
            r->rank = r->lo;
        }
        r->status = r->rank ? R_EXACT : (r->lo > 1 || r->hi < yr->units) ? R_BOUNDED : R_UNKNOWN;
    }
    free(v);
    free(ranks);
    qsort(rows, n, sizeof *rows, S_row_cmp);
    *n_rows = n;
    return rows;
}

static void S_rank_text(const S_row *r, char *buf, size_t size)
{
    if (r->status == R_EXACT)
        snprintf(buf, size, "%zu%s", r->rank, r->derived ? "*" : "");
    else if (r->status == R_UNKNOWN)
        snprintf(buf, size, "?");
    else if (r->lo > 1 && r->hi < r->units)
        snprintf(buf, size, "%zu\u2013%zu", r->lo, r->hi);
    else if (r->lo > 1)
        snprintf(buf, size, "\u2265%zu", r->lo);
    else
        snprintf(buf, size, "\u2264%zu", r->hi);
}

static void S_note(const dti_year *yr, const S_row *r, int by_root, const char *derived, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t o = 0;
#define S_APPEND(...) \
    do { \
        if (o < size) \
            o += (size_t)snprintf(buf + o, size - o, "%s", o ? "; " : ""); \
        if (o < size) \
            o += (size_t)snprintf(buf + o, size - o, __VA_ARGS__); \
    } while (0)
    if (r->status == R_UNKNOWN)
        S_APPEND("rank unknown");
    if (r->status == R_BOUNDED && by_root && yr->has_top10 && r->lo == DTI_TOP + 1)
        S_APPEND("not in the top 10");
    if (r->computed_rank && r->published_rank && r->published_rank != r->rank)
        S_APPEND("published rank %zu", r->published_rank);
    if (r->flag)
        S_APPEND("computed differs by %.5f", fabs(r->value - r->computed));
    if (r->entry != DTI_NONE && yr->conflict[r->entry])
        S_APPEND("rank/value conflict in the record");
    if (derived[0]) /* facts derived from a stated change, not stated themselves */
        S_APPEND("derived: %s", derived);
#undef S_APPEND
}

static void S_build_table(const dti_year *yr, const dti_registry *reg, size_t by, const S_row *rows, size_t n, S_table *t)
{
    const dti_framework *fw = yr->fw;
    size_t nn = fw->n_nodes;
    const char *bid = fw->nodes[by].id;
    char name[160];
    S_add_col(t, "rank", 1, 1);
    S_add_col(t, "rank_min", 0, 1);
    S_add_col(t, "rank_max", 0, 1);
    S_add_col(t, "rank_status", 0, 0);
    S_add_col(t, "rank_derived", 0, 0);
    S_add_col(t, "province", 1, 0);
    S_add_col(t, "code", 0, 0);
    S_add_col(t, bid, 1, 1);
    snprintf(name, sizeof name, "%s_computed", bid);
    S_add_col(t, name, fw->nodes[by].n_children > 0, 1);
    size_t first_node = t->n_cols;
    for (size_t k = 0; k < nn; k++) {
        if (k == by)
            continue;
        snprintf(name, sizeof name, "%s_rank", fw->nodes[k].id);
        S_add_col(t, name, S_is_pillar(fw, k) || k == fw->root, 1);
        S_add_col(t, fw->nodes[k].id, 0, 1);
    }
    S_add_col(t, "derived_fields", 0, 0);
    S_add_col(t, "note", 1, 0);
    S_add_col(t, "rank_source", 0, 0);
    t->n_rows = n;
    t->cells = dti_xcalloc(n * t->n_cols, sizeof *t->cells);
    char buf[512];
    for (size_t i = 0; i < n; i++) {
        const S_row *r = &rows[i];
        size_t c = 0;
        if (r->status == R_EXACT)
            S_set_int(t, i, c, r->rank);
        c++;
        if (r->status != R_UNKNOWN) {
            S_set_int(t, i, 1, r->lo);
            S_set_int(t, i, 2, r->hi);
        }
        c = 3;
        S_set(t, i, c++, C_STR, r->status == R_EXACT ? "exact" : r->status == R_BOUNDED ? "bounded" : "unknown");
        S_set(t, i, c++, C_BOOL, r->derived ? "true" : "false");
        S_set(t, i, c++, C_STR, reg->p[r->reg].name);
        S_set(t, i, c++, C_STR, reg->p[r->reg].code);
        S_set_num(t, i, c++, r->value, fw->precision);
        S_set_num(t, i, c++, r->computed, fw->precision + 2);
        c = first_node;
        for (size_t k = 0; k < nn; k++) {
            if (k == by)
                continue;
            if (r->entry != DTI_NONE) {
                const dti_fact *fr = &yr->rank[r->entry * nn + k], *fv = &yr->value[r->entry * nn + k];
                if (fr->known && !isnan(fr->value))
                    S_set_int(t, i, c, (size_t)fr->value);
                if (fv->known)
                    S_set_num(t, i, c + 1, fv->value, fw->precision);
            }
            c += 2;
        }
        char derived[256] = "";
        if (r->entry != DTI_NONE) { /* every derived fact of the row, as its column name */
            size_t o = 0;
            for (size_t k = 0; k < nn && o < sizeof buf; k++)
                for (int is_rank = 0; is_rank < 2; is_rank++) {
                    const dti_fact *f = is_rank ? &yr->rank[r->entry * nn + k] : &yr->value[r->entry * nn + k];
                    if (f->derived && o < sizeof derived)
                        o += (size_t)snprintf(derived + o, sizeof derived - o, "%s%s%s", o ? ", " : "",
                                              fw->nodes[k].id, is_rank ? "_rank" : "");
                }
            if (derived[0])
                S_set(t, i, c, C_STR, derived);
        }
        c++;
        S_note(yr, r, by == fw->root, derived, buf, sizeof buf);
        if (buf[0])
            S_set(t, i, c, C_STR, buf);
        c++;
        if (r->entry != DTI_NONE) {
            const dti_fact *fr = &yr->rank[r->entry * nn + by];
            if (fr->known && fr->source)
                S_set(t, i, c, C_STR, fr->source);
        }
    }
}

/* ---- writers ---------------------------------------------------------------------------------- */

/* Text of a cell as shown to a person: ranks keep bounds and the derived mark. */
static const char *S_show(const S_table *t, const S_row *rows, size_t r, size_t c, char *buf, size_t size)
{
    if (c == 0) {
        S_rank_text(&rows[r], buf, size);
        return buf;
    }
    const S_cell *cell = &t->cells[r * t->n_cols + c];
    return cell->type == C_NULL ? "" : cell->text;
}

/* Writes `line` without trailing blanks (a padded empty last column leaves some). */
static void S_put_trimmed(char *line, size_t len, FILE *out)
{
    while (len > 0 && line[len - 1] == ' ')
        len--;
    fwrite(line, 1, len, out);
    fputc('\n', out);
}

static void S_write_text(const S_table *t, const S_row *rows, FILE *final_out, int md)
{
    char *line = NULL;
    size_t line_len = 0;
    FILE *out = open_memstream(&line, &line_len);
    if (!out)
        abort();
    size_t *width = dti_xcalloc(t->n_cols, sizeof *width);
    char buf[64];
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!t->cols[c].text_col)
            continue;
        width[c] = dti_utf8_width(t->cols[c].name);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t w = dti_utf8_width(S_show(t, rows, r, c, buf, sizeof buf));
            if (w > width[c])
                width[c] = w;
        }
    }
    size_t last = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].text_col)
            last = c;
    for (int header = 1; header >= 0; header--) {
        if (md)
            fputs("| ", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            if (!t->cols[c].text_col)
                continue;
            int trailing = !md && c == last; /* no trailing blanks in plain text */
            if (header)
                dti_fmt_pad(out, t->cols[c].name, trailing ? 0 : width[c], t->cols[c].right);
            else if (md) {
                for (size_t k = 0; k + 1 < width[c]; k++)
                    fputc('-', out);
                fputc(t->cols[c].right ? ':' : '-', out);
            } else
                break;
            if (c != last)
                fputs(md ? " | " : "  ", out);
        }
        if (md)
            fputs(" |", out);
        if (header || md) {
            fflush(out);
            S_put_trimmed(line, line_len, final_out);
            rewind(out);
        }
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        if (md)
            fputs("| ", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            if (!t->cols[c].text_col)
                continue;
            const char *s = S_show(t, rows, r, c, buf, sizeof buf);
            int trailing = !md && c == last;
            dti_fmt_pad(out, s, trailing ? 0 : width[c], t->cols[c].right);
            if (c != last)
                fputs(md ? " | " : "  ", out);
        }
        if (md)
            fputs(" |", out);
        fflush(out);
        S_put_trimmed(line, line_len, final_out);
        rewind(out);
    }
    fclose(out);
    free(line);
    free(width);
}

static void S_write_csv(const S_table *t, FILE *out)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            fputc(',', out);
        dti_fmt_csv_field(out, t->cols[c].name);
    }
    fputs("\r\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const S_cell *cell = &t->cells[r * t->n_cols + c];
            if (c)
                fputc(',', out);
            if (cell->type != C_NULL)
                dti_fmt_csv_field(out, cell->text);
        }
        fputs("\r\n", out);
    }
}

static void S_write_json(const S_table *t, FILE *out)
{
    fputs("[\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("  {", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            const S_cell *cell = &t->cells[r * t->n_cols + c];
            if (c)
                fputs(", ", out);
            dti_fmt_json_string(out, t->cols[c].name);
            fputs(": ", out);
            if (cell->type == C_NULL)
                fputs("null", out);
            else if (cell->type == C_STR)
                dti_fmt_json_string(out, cell->text);
            else
                fputs(cell->text, out);
        }
        fputs(r + 1 < t->n_rows ? "},\n" : "}\n", out);
    }
    fputs("]\n", out);
}

int dti_format_parse(const char *s, int *format, dti_error *err)
{
    static const char *const names[] = {"text", "md", "csv", "json"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) {
            *format = i;
            return DTI_OK;
        }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown format '%s' (use text, md, csv or json)", s);
}

int dti_table_write(const dti_year *yr, const dti_registry *reg, const char *by, int format, FILE *out, dti_error *err)
{
    const dti_framework *fw = yr->fw;
    size_t node = dti_framework_node_find(fw, by);
    if (node == DTI_NONE) {
        char list[512] = "";
        size_t o = 0;
        for (size_t k = 0; k < fw->n_nodes && o < sizeof list; k++)
            if (k == fw->root || S_is_pillar(fw, k))
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", fw->nodes[k].id);
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "model %s has no '%s' to rank by (try %s)", fw->name, by,
                             list);
    }
    size_t n;
    double max_diff;
    S_row *rows = S_build_rows(yr, reg, node, &n, &max_diff);
    S_table t = {0};
    S_build_table(yr, reg, node, rows, n, &t);
    if (format == DTI_FORMAT_TEXT || format == DTI_FORMAT_MD) {
        size_t exact = 0, bounded = 0, unknown = 0, published = 0, computed = 0, flagged = 0, derived = 0;
        for (size_t i = 0; i < n; i++) {
            if (rows[i].entry != DTI_NONE && !isnan(rows[i].value))
                derived += yr->value[rows[i].entry * fw->n_nodes + node].derived ? 1u : 0u;
            exact += rows[i].status == R_EXACT;
            bounded += rows[i].status == R_BOUNDED;
            unknown += rows[i].status == R_UNKNOWN;
            published += isnan(rows[i].value) ? 0u : 1u;
            computed += isnan(rows[i].computed) ? 0u : 1u;
            flagged += rows[i].flag ? 1u : 0u;
        }
        const char *h = format == DTI_FORMAT_MD ? "## " : "";
        fprintf(out, "%sDTI %d: ranking by %s (%s), model %s, %zu units\n", h, yr->year, fw->nodes[node].id,
                dti_framework_node_name(fw, node, 1), fw->name, yr->units);
        if (format == DTI_FORMAT_MD)
            fputc('\n', out);
        fprintf(out, "%zu exact ranks, %zu bounded, %zu unknown; %s known for %zu (%zu derived), computed for %zu",
                exact, bounded, unknown, fw->nodes[node].id, published, derived, computed);
        if (!isnan(max_diff))
            fprintf(out, " (largest |published - computed| %.6f; %zu above %.4f)", max_diff, flagged, S_FLAG_TOL);
        if (!dti_framework_weights_known(fw))
            fprintf(out, " (model %s: the weights of the indicators are not published, so the index is not "
                         "recomputed; ranks follow the published values)",
                    fw->name);
        fputs(format == DTI_FORMAT_MD ? "\n\n" : "\n\n", out);
        S_write_text(&t, rows, out, format == DTI_FORMAT_MD);
        fprintf(out, "%sRanks: ties share a rank and the next is skipped; * = derived from a stated change; "
                     "\u2265/\u2264 = known bounds; ? = unknown.  Source: %s\n",
                format == DTI_FORMAT_MD ? "\n" : "\n", yr->path);
    } else if (format == DTI_FORMAT_CSV) {
        S_write_csv(&t, out);
    } else {
        S_write_json(&t, out);
    }
    S_table_free(&t);
    free(rows);
    return DTI_OK;
}
