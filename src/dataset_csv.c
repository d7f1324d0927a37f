/* dataset_csv.c -- CSV tables -> the engine's data table (dataset.h): the meaning of the cells that
 * csv_read.c reads.  Wide (a unit column, then one column per indicator) or long (unit, indicator,
 * value[, year]); units are the registry's provinces or free codes; every error at the cell's own
 * line and column.  The rules are in docs/methods.md, "CSV tables"; each is mirrored from the YAML
 * table (dataset.c) or the year record (year.c) where those have one.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"

/* What a column (wide) or an indicator cell (long) gives. */
enum S_kind {
    S_KEY,       /* the unit column */
    S_NAME,      /* the units' display names */
    S_VALUE,     /* an indicator's value: index = engine column */
    S_PREVIOUS,  /* previous:ID, the year before's value: index = engine column */
    S_DENOM,     /* denominator:NAME or a denominator's name: index = the framework's denominator */
    S_GROUP,     /* group:NAME or the imputation group's name: index = group column */
    S_PUBLISHED, /* the published value of the index or an aggregate: index = node */
    S_RANK,      /* <id>_rank, a published rank: index = node */
    S_INDICATOR, /* long form: the indicator column */
    S_AMOUNT,    /* long form: the value column */
    S_YEAR       /* long form: the year column */
};

typedef struct S_target {
    int kind; /* enum S_kind */
    size_t index;
} S_target;

/* Names of the unit columns (folded, dti_name_fold); the first S_PROVINCE_KEYS also make the units
 * the registry's provinces. */
static const char *const S_key_names[] = {"province", "tinh", "tinh thanh", "tinh thanh pho", "unit", "unit code",
                                          "code", "ucode", NULL};
#define S_PROVINCE_KEYS 4 /* the first four */
static const char *const S_name_names[] = {"name", "ten", "uname", NULL};
/* Texts that people write for "no value": refused with a message that says to leave the cell empty. */
static const char *const S_missing_words[] = {"na",   "n/a", "#n/a", "nan",     "-nan", "null", "none", "-", "--",
                                              "\xE2\x80\x94", "?", ".",  "..",  "...",    "missing", NULL};
static const char *const S_inf_words[] = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", NULL};

typedef struct S_ctx {
    const char *path;
    const dti_framework *fw;
    const dti_data_options *opt;
    dti_error *err;
    const dti_csv *t;
    size_t nj;         /* the engine's indicator columns */
    size_t *ind;       /* [nj] their nodes */
    char **fold_id;    /* [node] folded node ids */
    char **fold_denom; /* [d] folded denominator names */
    char **group;      /* [g] group column names (owned) */
    size_t n_groups;
    size_t n_cols;     /* header fields */
    S_target *col;     /* [n_cols] */
    size_t key, name, indicator, amount, year; /* fields of those columns, DTI_NONE when absent */
    int is_long;
    int by_province;   /* the unit column is headed province (or tỉnh) */
    const dti_registry *reg; /* the units are its provinces (borrowed), or NULL: free codes */
    int published;     /* a year's published table (dti_dataset_load_published_csv) */
    dti_dataset *ds;
} S_ctx;

/* What the registry's entries are called in messages: the units of a reorganisation, or provinces. */
static const char *S_entry_word(const S_ctx *x)
{
    return x->reg && x->reg->frame ? "unit" : "province";
}

static int S_err(const S_ctx *x, const dti_csv_cell *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int S_err(const S_ctx *x, const dti_csv_cell *c, const char *fmt, ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dti_error_set(x->err, DTI_ERR_INPUT, x->path, c ? c->line : 0, c ? c->column : 0, "%s", msg);
}

/* A cell's text as dti_csv_show makes it safe for a message (a value: usable in one expression). */
typedef struct S_shown {
    char s[200];
} S_shown;

static S_shown S_show(const char *text)
{
    S_shown r;
    dti_csv_show(text, r.s, sizeof r.s);
    return r;
}

static int S_in(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return 1;
    return 0;
}

static const dti_csv_cell *S_cells(const dti_csv *t, size_t r, size_t *n)
{
    *n = t->row[r + 1] - t->row[r];
    return t->cell + t->row[r];
}

/* ---- a small hash index (open addressing), for units and for long rows ------------------------- */

typedef struct S_map {
    size_t cap;   /* a power of two, at least twice the entries */
    size_t *item; /* entry + 1; 0 = free */
} S_map;

static void S_map_init(S_map *m, size_t n)
{
    m->cap = 64;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->item = dti_xcalloc(m->cap, sizeof *m->item);
}

/* The entry equal to `entry` (eq) in the chain of hash h, or DTI_NONE after inserting `entry`. */
static size_t S_map_put(S_map *m, uint64_t h, size_t entry, int (*eq)(const void *, size_t, size_t), const void *ctx)
{
    for (size_t i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->item[i]) {
            m->item[i] = entry + 1;
            return DTI_NONE;
        }
        if (eq(ctx, m->item[i] - 1, entry))
            return m->item[i] - 1;
    }
}

static uint64_t S_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t S_hash_size(size_t k)
{
    uint64_t z = (uint64_t)k * 0x9E3779B97F4A7C15ULL; /* Fibonacci hashing: spreads consecutive keys */
    return z ^ (z >> 29);
}

static int S_eq_code(const void *ctx, size_t a, size_t b)
{
    char *const *code = ctx;
    return !strcmp(code[a], code[b]);
}

static int S_eq_size(const void *ctx, size_t a, size_t b)
{
    const size_t *key = ctx;
    return key[a] == key[b];
}

/* ---- cells -------------------------------------------------------------------------------------- */

/* 1 when s is [+-]digits[<mark>digits][(e|E)[+-]digits] with a digit before the exponent. */
static int S_decimal(const char *s, char mark)
{
    size_t digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == mark)
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A cell's number; an empty cell is missing (NaN).  `what` names the column in messages. */
static int S_number(const S_ctx *x, const dti_csv_cell *c, const char *what, double *out)
{
    char t[80];
    const char *s = c->text;
    S_shown sh = S_show(c->text); /* a local: the message arguments point into it */
    const char *show = sh.s;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *out = NAN;
    if (!n)
        return DTI_OK;
    if (n >= sizeof t)
        return S_err(x, c, "%s: '%s' is not a number", what, show);
    memcpy(t, s, n);
    t[n] = '\0';
    int comma = x->opt->decimal_comma;
    if (S_decimal(t, comma ? ',' : '.')) {
        char *p = strchr(t, ',');
        if (p)
            *p = '.';
        double v = strtod(t, NULL); /* the C locale: the program never calls setlocale */
        if (!isfinite(v))
            return S_err(x, c, "%s: '%s' is out of range (not a finite number)", what, show);
        *out = v;
        return DTI_OK;
    }
    if (!comma && S_decimal(t, ','))
        return S_err(x, c, "%s: '%s' uses a decimal comma; pass --decimal-comma to accept it", what, show);
    if (comma && S_decimal(t, '.'))
        return S_err(x, c, "%s: '%s' has a decimal point, but --decimal-comma makes ',' the decimal mark", what, show);
    for (char *p = t; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (S_in(t, S_missing_words))
        return S_err(x, c, "%s: '%s' is not a number; leave the cell empty for a missing value", what, show);
    if (S_in(t, S_inf_words))
        return S_err(x, c, "%s: '%s' is not a finite number", what, show);
    return S_err(x, c, "%s: '%s' is not a number", what, show);
}

/* A label of categorical indicator `nd` -> its points (empty = missing); unknown labels list the table. */
static int S_label(const S_ctx *x, const dti_csv_cell *c, const dti_node *nd, double *out)
{
    *out = NAN;
    if (!c->text[0])
        return DTI_OK;
    double p = dti_category_points(&nd->categories, c->text);
    if (!isnan(p)) {
        *out = p;
        return DTI_OK;
    }
    char list[256] = "";
    for (size_t k = 0; k < nd->categories.n; k++) {
        strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, nd->categories.label[k], sizeof list - strlen(list) - 1);
    }
    return S_err(x, c, "unknown category '%s' of '%s' (one of: %s)", S_show(c->text).s, nd->id, list);
}

static int S_in_range(const S_ctx *x, const dti_csv_cell *c, const char *what, double v)
{
    const dti_framework *fw = x->fw;
    if (isnan(v) || !fw->has_range || (v >= fw->range_lo && v <= fw->range_hi))
        return DTI_OK;
    return S_err(x, c, "%s %s is outside [%g, %g], the range of model %s", what, S_show(c->text).s, fw->range_lo,
                 fw->range_hi, fw->name);
}

/* An indicator's value (target t of kind S_VALUE or S_PREVIOUS) from cell c. */
static int S_indicator_value(S_ctx *x, const S_target *t, const dti_csv_cell *c, double *v)
{
    const dti_node *nd = &x->fw->nodes[x->ind[t->index]];
    int rc = nd->categories.n ? S_label(x, c, nd, v) : S_number(x, c, nd->id, v);
    return rc ? rc : nd->categories.n ? DTI_OK : S_in_range(x, c, nd->id, *v);
}

/* Cell c of unit u into the table, as target t says; `previous` puts an indicator value into the
 * year before's values (a long table's rows of that year). */
static int S_put(S_ctx *x, const S_target *t, const dti_csv_cell *c, size_t u, int previous)
{
    dti_dataset *ds = x->ds;
    const dti_framework *fw = x->fw;
    double v;
    int rc;
    switch (t->kind) {
    case S_VALUE:
    case S_PREVIOUS: {
        previous |= t->kind == S_PREVIOUS;
        if ((rc = S_indicator_value(x, t, c, &v)))
            return rc;
        (previous ? ds->previous : ds->values)[u * ds->n_indicators + t->index] = v;
        ds->has_previous |= previous && !isnan(v);
        return DTI_OK;
    }
    case S_DENOM:
        return S_number(x, c, fw->denominators[t->index], &ds->denominators[u * ds->n_denominators + t->index]);
    case S_GROUP: {
        const char *s = c->text;
        while (*s == ' ')
            s++;
        if (*s)
            ds->group_text[t->index * ds->n_units + u] = dti_strdup(s);
        return DTI_OK;
    }
    case S_PUBLISHED:
        if ((rc = S_number(x, c, fw->nodes[t->index].id, &v)) || (rc = S_in_range(x, c, fw->nodes[t->index].id, v)))
            return rc;
        ds->published[u * ds->n_nodes + t->index] = v;
        return DTI_OK;
    case S_RANK: {
        char what[96];
        snprintf(what, sizeof what, "%s_rank", fw->nodes[t->index].id);
        if ((rc = S_number(x, c, what, &v)))
            return rc;
        /* a published table may list part of its frame: its ranks go up to the frame's count */
        size_t top = x->published && x->reg ? x->reg->n : ds->n_units;
        if (!isnan(v) && (v < 1 || v > (double)top || floor(v) < v))
            return S_err(x, c, "%s %s is not a rank of 1..%zu (%s)", what, S_show(c->text).s, top,
                         !x->published ? "the table's units"
                         : x->reg->frame ? "the units of the frame"
                                         : "the provinces of the registry");
        ds->published_rank[u * ds->n_nodes + t->index] = v;
        return DTI_OK;
    }
    default:
        return DTI_OK;
    }
}

/* ---- what a name means ------------------------------------------------------------------------- */

/* Group column `name` (copied), an existing one or a new one. */
static size_t S_group(S_ctx *x, const char *name)
{
    for (size_t g = 0; g < x->n_groups; g++)
        if (!strcmp(x->group[g], name))
            return g;
    x->group = realloc(x->group, (x->n_groups + 1) * sizeof *x->group);
    if (!x->group)
        abort();
    x->group[x->n_groups] = dti_strdup(name);
    return x->n_groups++;
}

static size_t S_node_of(const S_ctx *x, const char *folded)
{
    for (size_t i = 0; i < x->fw->n_nodes; i++)
        if (!strcmp(x->fold_id[i], folded))
            return i;
    return DTI_NONE;
}

/* The column of an indicator node, or DTI_NONE. */
static size_t S_column_of(const S_ctx *x, size_t node)
{
    for (size_t j = 0; j < x->nj; j++)
        if (x->ind[j] == node)
            return j;
    return DTI_NONE;
}

/* "unknown column" with the nearest node id when one is close. */
static int S_unknown(const S_ctx *x, const dti_csv_cell *c, const char *what, const char *name)
{
    S_shown show = S_show(name);
    const char **ids = dti_xcalloc(x->fw->n_nodes, sizeof *ids);
    for (size_t i = 0; i < x->fw->n_nodes; i++)
        ids[i] = x->fw->nodes[i].id;
    size_t near = dti_name_nearest(name, ids, x->fw->n_nodes);
    free(ids);
    if (near != DTI_NONE)
        return S_err(x, c, "unknown %s '%s' (model %s has no such node; did you mean '%s'?)", what, show.s,
                     x->fw->name, x->fw->nodes[near].id);
    return S_err(x, c, "unknown %s '%s' (model %s has no such node)", what, show.s, x->fw->name);
}

/* What the name `text` (a wide header, or a long table's indicator cell c) gives: a prefixed
 * name (group:, denominator:, previous:), `<id>_rank`, a node id, a denominator or the imputation
 * group.  Names are matched folded (case, diacritics and punctuation aside). */
static int S_classify(S_ctx *x, const dti_csv_cell *c, const char *what, S_target *t)
{
    const dti_framework *fw = x->fw;
    const char *text = c->text, *colon = strchr(text, ':');
    int rc = DTI_OK;
    t->index = DTI_NONE;
    if (colon) {
        char *prefix = dti_strdup(text);
        prefix[colon - text] = '\0';
        char *p = dti_name_fold(prefix), *rest = dti_name_fold(colon + 1);
        const char *raw = colon + 1;
        while (*raw == ' ')
            raw++;
        const char *ig = fw->defaults.impute.group;
        char *fg = ig ? dti_name_fold(ig) : NULL;
        if (!strcmp(p, "group") && !*raw) {
            rc = S_err(x, c, "group: needs the group's name (group:NAME)");
        } else if (!strcmp(p, "group")) { /* the model's spelling when it names this group */
            t->kind = S_GROUP;
            t->index = S_group(x, fg && !strcmp(fg, rest) ? ig : raw);
        } else if (!strcmp(p, "denominator")) {
            t->kind = S_DENOM;
            for (size_t d = 0; d < fw->n_denominators && t->index == DTI_NONE; d++)
                if (!strcmp(x->fold_denom[d], rest))
                    t->index = d;
            if (t->index == DTI_NONE)
                rc = S_err(x, c, "unknown denominator '%s' (no indicator of model %s is divided by it)", S_show(raw).s,
                           fw->name);
        } else if (!strcmp(p, "previous")) {
            size_t node = S_node_of(x, rest);
            t->kind = S_PREVIOUS;
            t->index = node == DTI_NONE ? DTI_NONE : S_column_of(x, node);
            if (node == DTI_NONE)
                rc = S_unknown(x, c, "indicator", raw);
            else if (t->index == DTI_NONE)
                rc = S_err(x, c, "'%s' is not an indicator of model %s: it has no previous values", S_show(raw).s,
                           fw->name);
        } else {
            rc = S_err(x, c, "unknown %s '%s' (a prefix is group:, denominator: or previous:)", what, S_show(text).s);
        }
        free(fg);
        free(prefix);
        free(p);
        free(rest);
        return rc;
    }
    char *f = dti_name_fold(text);
    size_t n = strlen(f), node = S_node_of(x, f);
    if (node != DTI_NONE) {
        size_t j = S_column_of(x, node);
        t->kind = j != DTI_NONE ? S_VALUE : S_PUBLISHED;
        t->index = j != DTI_NONE ? j : node;
    } else if (n > 5 && !strcmp(f + n - 5, " rank")) {
        f[n - 5] = '\0';
        t->kind = S_RANK;
        if ((t->index = S_node_of(x, f)) == DTI_NONE)
            rc = S_unknown(x, c, what, text);
    } else {
        for (size_t d = 0; d < fw->n_denominators && t->index == DTI_NONE; d++)
            if (!strcmp(x->fold_denom[d], f)) {
                t->kind = S_DENOM;
                t->index = d;
            }
        const char *ig = fw->defaults.impute.group;
        if (t->index == DTI_NONE && ig) {
            char *fg = dti_name_fold(ig);
            if (!strcmp(fg, f)) {
                t->kind = S_GROUP;
                t->index = S_group(x, ig);
            }
            free(fg);
        }
        if (t->index == DTI_NONE)
            rc = S_unknown(x, c, what, text);
    }
    free(f);
    return rc;
}

static const char *S_delim_name(char d)
{
    return d == ',' ? "','" : d == ';' ? "';'" : "a tab";
}

/* What header field k (folded f) is: a unit, name or long-form column, or (wide) S_classify's answer;
 * a second column of the same thing is an error at it. */
static int S_header_column(S_ctx *x, const dti_csv_cell *h, const char *f, size_t k)
{
    static const struct {
        const char *name;
        int kind;
    } S_long_cols[] = {{"indicator", S_INDICATOR}, {"value", S_AMOUNT}, {"year", S_YEAR}};
    S_target *t = &x->col[k];
    size_t *slot = NULL, *slots[] = {&x->indicator, &x->amount, &x->year};
    int rc = DTI_OK;
    if (!f[0])
        return S_err(x, &h[k], "field %zu of the header is empty: every column needs a name", k + 1);
    if (S_in(f, S_key_names)) {
        t->kind = S_KEY;
        slot = &x->key;
    } else if (S_in(f, S_name_names)) {
        t->kind = S_NAME;
        slot = &x->name;
    }
    for (size_t i = 0; x->is_long && !slot && i < 3; i++)
        if (!strcmp(f, S_long_cols[i].name)) {
            t->kind = S_long_cols[i].kind;
            slot = slots[i];
        }
    if (!slot && x->is_long)
        return S_err(x, &h[k], "unknown column '%s' in a long table (its columns: unit, name, indicator, value, year)",
                     S_show(h[k].text).s);
    if (!slot && (rc = S_classify(x, &h[k], "indicator column", t)))
        return rc;
    size_t first = slot ? *slot : DTI_NONE;
    for (size_t i = 0; i < k && !slot && first == DTI_NONE; i++)
        if (x->col[i].kind == t->kind && x->col[i].index == t->index)
            first = i;
    if (first != DTI_NONE)
        return S_err(x, &h[k],
                     t->kind == S_KEY ? "a second unit column '%s': '%s' (field %zu) names the units already"
                                      : "duplicate column '%s': '%s' (field %zu) gives it already",
                     S_show(h[k].text).s, S_show(h[first].text).s, first + 1);
    if (slot)
        *slot = k;
    return DTI_OK;
}

/* The header: the form (long when it has `indicator` and `value` columns), the unit column, and what
 * every other column gives.  Duplicates are errors at the second. */
static int S_header(S_ctx *x)
{
    size_t n;
    const dti_csv_cell *h = S_cells(x->t, 0, &n);
    x->n_cols = n;
    x->col = dti_xcalloc(n, sizeof *x->col);
    x->key = x->name = x->indicator = x->amount = x->year = DTI_NONE;
    char **f = dti_xcalloc(n, sizeof *f);
    int rc = DTI_OK, has_ind = 0, has_val = 0;
    for (size_t k = 0; k < n; k++) {
        f[k] = dti_name_fold(h[k].text);
        has_ind |= !strcmp(f[k], "indicator");
        has_val |= !strcmp(f[k], "value");
    }
    x->is_long = has_ind && has_val;
    for (const char *d = ",;\t"; n == 1 && *d && !rc; d++) /* a forced delimiter that is not the file's */
        if (*d != x->t->delimiter && strchr(h[0].text, *d))
            rc = S_err(x, &h[0], "the header is one field that contains %s: is that the delimiter (not %s)?",
                       S_delim_name(*d), S_delim_name(x->t->delimiter));
    for (size_t k = 0; k < n && !rc; k++)
        rc = S_header_column(x, h, f[k], k);
    if (!rc && x->key == DTI_NONE && x->name != DTI_NONE) { /* a name column alone names the units */
        x->key = x->name;
        x->col[x->key].kind = S_KEY;
        x->name = DTI_NONE;
    }
    if (!rc && x->key == DTI_NONE)
        rc = S_err(x, &h[0], "no unit column: the header needs one of unit, code, unit_code, province (or name)");
    if (!rc && !x->is_long) {
        size_t k = 0;
        while (k < n && x->col[k].kind != S_VALUE &&
               !(x->published && (x->col[k].kind == S_PUBLISHED || x->col[k].kind == S_RANK)))
            k++;
        if (k == n)
            rc = x->published ? S_err(x, &h[0], "no column of model %s: a published table needs the index (%s), "
                                                "its rank (%s_rank) or an indicator",
                                      x->fw->name, x->fw->nodes[x->fw->root].id, x->fw->nodes[x->fw->root].id)
                              : S_err(x, &h[0], "no column of an indicator of model %s", x->fw->name);
    }
    for (size_t i = 0; !rc && i < S_PROVINCE_KEYS; i++)
        x->by_province |= !strcmp(f[x->key], S_key_names[i]);
    for (size_t k = 0; k < n; k++)
        free(f[k]);
    free(f);
    return rc;
}

/* ---- units -------------------------------------------------------------------------------------- */

/* The province named by cell c (an unknown name gets the lookup's "did you mean"). */
static int S_province(const S_ctx *x, const dti_csv_cell *c, size_t *p)
{
    dti_error tmp;
    dti_error_init(&tmp);
    if (!dti_registry_find(x->reg, c->text, p, &tmp))
        return DTI_OK;
    return S_err(x, c, "%s", tmp.e[0].message); /* the lookup names the nearest provinces */
}

static int S_empty_unit(const S_ctx *x, const dti_csv_cell *c)
{
    return S_err(x, c, "the unit cell is empty: every row needs its unit");
}

/* Cell c of row r (its unit u) in the name column: a free table's display name; a table of
 * provinces checks that it names the row's province. */
static int S_name(S_ctx *x, const dti_csv_cell *c, size_t u)
{
    dti_dataset *ds = x->ds;
    char show[200], had[200];
    if (!c->text[0])
        return DTI_OK;
    dti_csv_show(c->text, show, sizeof show);
    if (!x->reg && ds->name[u] && strcmp(ds->name[u], c->text)) {
        dti_csv_show(ds->name[u], had, sizeof had);
        return S_err(x, c, "name '%s' of unit %s differs from '%s' on an earlier row", show, ds->unit[u], had);
    }
    if (!x->reg) {
        if (!ds->name[u])
            ds->name[u] = dti_strdup(c->text);
        return DTI_OK;
    }
    size_t p;
    dti_error tmp;
    dti_error_init(&tmp);
    if (dti_registry_find(x->reg, c->text, &p, &tmp))
        return S_err(x, c, "name '%s' is not a %s of the registry (the row's unit is %s)", show, S_entry_word(x),
                     ds->name[u]);
    if (p != ds->reg_index[u])
        return S_err(x, c, "name '%s' is %s, but the row's unit is %s", show, x->reg->p[p].name, ds->name[u]);
    return DTI_OK;
}

/* ---- the two forms ------------------------------------------------------------------------------ */

/* The table of nu units, with the CSV-only parts and the group columns named. */
static dti_dataset *S_new(S_ctx *x, size_t nu)
{
    dti_dataset *ds = x->ds = dti_dataset_new(x->path, x->fw, nu, x->n_groups);
    ds->n_nodes = x->fw->n_nodes;
    ds->published = dti_xcalloc(nu * ds->n_nodes, sizeof *ds->published);
    ds->published_rank = dti_xcalloc(nu * ds->n_nodes, sizeof *ds->published_rank);
    for (size_t k = 0; k < nu * ds->n_nodes; k++)
        ds->published[k] = ds->published_rank[k] = NAN;
    if (x->reg)
        ds->reg_index = dti_xcalloc(nu, sizeof *ds->reg_index);
    for (size_t g = 0; g < x->n_groups; g++)
        ds->group_col[g] = dti_strdup(x->group[g]);
    ds->n_group_cols = x->n_groups;
    return ds;
}

static int S_ragged(const S_ctx *x, const dti_csv_cell *c, size_t n)
{
    return S_err(x, n > x->n_cols ? &c[x->n_cols] : &c[0], "a row of %zu fields under a header of %zu", n,
                 x->n_cols);
}

static int S_wide(S_ctx *x)
{
    const dti_csv *t = x->t;
    size_t nu = t->n_rows - 1;
    dti_dataset *ds = S_new(x, nu);
    S_map units;
    S_map_init(&units, nu);
    size_t *seen = x->reg ? dti_xcalloc(x->reg->n, sizeof *seen) : NULL; /* province -> row + 1 */
    int rc = DTI_OK;
    for (size_t u = 0; u < nu && !rc; u++) {
        size_t n;
        const dti_csv_cell *c = S_cells(t, u + 1, &n), *k = &c[x->key];
        if (n != x->n_cols) {
            rc = S_ragged(x, c, n);
            break;
        }
        ds->line[u] = c[0].line;
        if (!k->text[0]) {
            rc = S_empty_unit(x, k);
            break;
        }
        if (x->reg) {
            size_t p;
            if ((rc = S_province(x, k, &p)))
                break;
            if (seen[p]) {
                const dti_csv_cell *f = &S_cells(t, seen[p], &n)[x->key];
                char a[200], b[200];
                dti_csv_show(k->text, a, sizeof a);
                dti_csv_show(f->text, b, sizeof b);
                rc = strcmp(k->text, f->text)
                         ? S_err(x, k, "duplicate %s %s: '%s' here, '%s' at line %zu", S_entry_word(x),
                                 x->reg->p[p].name, a, b, f->line)
                         : S_err(x, k, "duplicate %s %s (first at line %zu)", S_entry_word(x), x->reg->p[p].name,
                                 f->line);
                break;
            }
            seen[p] = u + 1;
            ds->reg_index[u] = p;
            ds->unit[u] = dti_strdup(x->reg->p[p].code);
            ds->name[u] = dti_strdup(x->reg->p[p].name);
        } else {
            ds->unit[u] = dti_strdup(k->text);
            size_t first = S_map_put(&units, S_hash(k->text), u, S_eq_code, ds->unit);
            if (first != DTI_NONE) {
                char a[200];
                dti_csv_show(k->text, a, sizeof a);
                rc = S_err(x, k, "duplicate unit '%s' (first at line %zu)", a, ds->line[first]);
                break;
            }
        }
        for (size_t j = 0; j < n && !rc; j++)
            rc = j == x->name ? S_name(x, &c[j], u) : S_put(x, &x->col[j], &c[j], u, 0);
        if (!ds->name[u])
            ds->name[u] = dti_strdup(ds->unit[u]);
    }
    free(seen);
    free(units.item);
    return rc;
}

/* A long table's row r: its year role (0 the data year, 1 the year before) from its year cell. */
static int S_year(const S_ctx *x, const dti_csv_cell *c, long *year)
{
    double v;
    int rc = S_number(x, c, "year", &v);
    if (rc)
        return rc;
    if (isnan(v))
        return S_err(x, c, "the year cell is empty: every row of a table with a year column needs one");
    if (v < 1900 || v > 2200 || floor(v) < v)
        return S_err(x, c, "year %s is not a year of 1900..2200", S_show(c->text).s);
    *year = (long)v;
    return DTI_OK;
}

/* A long table's rows after the first pass. */
typedef struct S_rows {
    size_t n;           /* rows */
    long *year, latest; /* [r] the row's year (0 without a year column); the latest */
    long data;          /* the data year: dti_data_options.year, else the latest */
    size_t *year_of;    /* [r] the index of the row's year in the table's years (ds->years) */
    size_t *unit;       /* [r] the row's unit */
    S_target *what;     /* [r] what its indicator cell gives */
    size_t nu;          /* units, in the order of their first row */
    size_t *first_row;  /* [u] record of that row */
    char **code;        /* [u] free codes (owned until the table takes them) */
    size_t *prov;       /* [u] provinces */
} S_rows;

static void S_rows_clear(S_rows *w)
{
    for (size_t u = 0; u < w->nu; u++)
        free(w->code[u]);
    free(w->code);
    free(w->prov);
    free(w->first_row);
    free(w->what);
    free(w->unit);
    free(w->year);
    free(w->year_of);
}

/* Pass 1: each row's shape, year, unit (a new one in order of first appearance) and indicator. */
static int S_long_scan(S_ctx *x, S_rows *w)
{
    const dti_csv *t = x->t;
    size_t n, nr = w->n = t->n_rows - 1;
    w->year = dti_xcalloc(nr, sizeof *w->year);
    w->unit = dti_xcalloc(nr, sizeof *w->unit);
    w->what = dti_xcalloc(nr, sizeof *w->what);
    w->first_row = dti_xcalloc(nr, sizeof *w->first_row);
    w->code = dti_xcalloc(nr, sizeof *w->code);
    w->prov = dti_xcalloc(nr, sizeof *w->prov);
    size_t *unit_of_prov = x->reg ? dti_xcalloc(x->reg->n, sizeof *unit_of_prov) : NULL; /* unit + 1 */
    S_map units;
    S_map_init(&units, nr);
    int rc = DTI_OK;
    for (size_t r = 0; r < nr && !rc; r++) {
        const dti_csv_cell *c = S_cells(t, r + 1, &n), *k = &c[x->key], *ic;
        if (n != x->n_cols) {
            rc = S_ragged(x, c, n);
            break;
        }
        if (x->year != DTI_NONE && (rc = S_year(x, &c[x->year], &w->year[r])))
            break;
        if (w->year[r] > w->latest)
            w->latest = w->year[r];
        if (!k->text[0]) {
            rc = S_empty_unit(x, k);
            break;
        }
        size_t p, u = DTI_NONE;
        if (x->reg) {
            if ((rc = S_province(x, k, &p)))
                break;
            if (unit_of_prov[p]) {
                u = unit_of_prov[p] - 1;
            } else {
                w->prov[w->nu] = p;
                unit_of_prov[p] = w->nu + 1;
            }
        } else {
            w->code[w->nu] = dti_strdup(k->text);
            if ((u = S_map_put(&units, S_hash(k->text), w->nu, S_eq_code, w->code)) != DTI_NONE) {
                free(w->code[w->nu]);
                w->code[w->nu] = NULL;
            }
        }
        if (u == DTI_NONE) {
            w->first_row[w->nu] = r + 1;
            u = w->nu++;
        }
        w->unit[r] = u;
        ic = &c[x->indicator];
        rc = ic->text[0] ? S_classify(x, ic, "indicator", &w->what[r]) : S_err(x, ic, "the indicator cell is empty");
    }
    free(units.item);
    free(unit_of_prov);
    return rc;
}

/* Pass 2: the cells into the table, each (unit, what, year) once. */
static int S_long_fill(S_ctx *x, S_rows *w)
{
    const dti_csv *t = x->t;
    const dti_framework *fw = x->fw;
    size_t n, nj = x->nj, nd = fw->n_denominators, ng = x->n_groups, nn = fw->n_nodes;
    /* a slot per (kind, index): values, previous, denominators, groups, published, ranks */
    size_t base[] = {0, 0, 0, nj, 2 * nj, 2 * nj + nd, 2 * nj + nd + ng, 2 * nj + nd + ng + nn};
    size_t slots = 2 * nj + nd + ng + 2 * nn;
    size_t *key = dti_xcalloc(w->n, sizeof *key);
    S_map cells;
    S_map_init(&cells, w->n);
    int rc = DTI_OK;
    for (size_t r = 0; r < w->n && !rc; r++) {
        const dti_csv_cell *c = S_cells(t, r + 1, &n);
        const S_target *what = &w->what[r];
        int previous = x->year != DTI_NONE && w->year[r] == w->data - 1;
        int other = x->year != DTI_NONE && !previous && w->year[r] != w->data; /* another year of a panel */
        if ((previous || other) && what->kind != S_VALUE && (other || what->kind != S_PREVIOUS))
            continue; /* other years count for indicator values (impute: previous, panels) only */
        size_t u = w->unit[r];
        key[r] = u * slots + base[what->kind] + (previous && what->kind == S_VALUE ? nj : 0) + what->index;
        if (other) /* a key of its own per year, above the data year's */
            key[r] = ((w->year_of[r] + 1) * x->ds->n_units + u) * slots + what->index;
        size_t first = S_map_put(&cells, S_hash_size(key[r]), r, S_eq_size, key);
        if (first != DTI_NONE) {
            char of[32] = "";
            if (previous || other)
                snprintf(of, sizeof of, previous ? " of the year before" : " of %ld", w->year[r]);
            rc = S_err(x, &c[x->indicator], "duplicate row: unit %s, '%s'%s already at line %zu", x->ds->unit[u],
                       S_show(c[x->indicator].text).s, of, S_cells(t, first + 1, &n)[0].line);
            break;
        }
        if (x->name != DTI_NONE && (rc = S_name(x, &c[x->name], u)))
            break;
        if (!other) {
            rc = S_put(x, what, &c[x->amount], u, previous);
        } else {
            double v;
            if (!(rc = S_indicator_value(x, what, &c[x->amount], &v)))
                x->ds->panel[(w->year_of[r] * x->ds->n_units + u) * nj + what->index] = v;
        }
    }
    free(cells.item);
    free(key);
    return rc;
}

static int S_cmp_long(const void *a, const void *b)
{
    long p = *(const long *)a, q = *(const long *)b;
    return (p > q) - (p < q);
}

/* The table's years (ascending, distinct) into ds, the data year and each row's year index; a table of
 * more than one year gets a panel (dataset.h). */
static int S_long_years(S_ctx *x, S_rows *w)
{
    dti_dataset *ds = x->ds;
    w->data = x->opt->year ? x->opt->year : w->latest;
    if (x->year == DTI_NONE)
        return x->opt->year ? dti_error_set(x->err, DTI_ERR_USAGE, x->path, 0, 0,
                                            "--table-year: this table has no year column (a multi-year long "
                                            "table has one)")
                            : DTI_OK;
    long *ys = dti_xcalloc(w->n, sizeof *ys);
    memcpy(ys, w->year, w->n * sizeof *ys);
    qsort(ys, w->n, sizeof *ys, S_cmp_long);
    size_t nt = 0;
    for (size_t r = 0; r < w->n; r++)
        if (!nt || ys[nt - 1] != ys[r])
            ys[nt++] = ys[r];
    ds->years = dti_xcalloc(nt, sizeof *ds->years);
    for (size_t t = 0; t < nt; t++)
        ds->years[t] = (int)ys[t];
    free(ys);
    w->year_of = dti_xcalloc(w->n, sizeof *w->year_of);
    for (size_t r = 0; r < w->n; r++)
        while (ds->years[w->year_of[r]] != w->year[r])
            w->year_of[r]++;
    size_t t = 0;
    while (t < nt && ds->years[t] != w->data)
        t++;
    if (t == nt) {
        char list[256] = "";
        for (size_t k = 0; k < nt; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", k ? ", " : "", ds->years[k]);
        free(ds->years);
        ds->years = NULL;
        return dti_error_set(x->err, DTI_ERR_USAGE, x->path, 0, 0, "no data of %ld in this table (its years: %s)",
                             w->data, list);
    }
    ds->year = (int)w->data;
    if (nt < 2) { /* one year: an ordinary table */
        free(ds->years);
        ds->years = NULL;
        return DTI_OK;
    }
    ds->n_years = nt;
    size_t cells = nt * ds->n_units * ds->n_indicators;
    ds->panel = dti_xcalloc(cells, sizeof *ds->panel);
    for (size_t k = 0; k < cells; k++)
        ds->panel[k] = NAN;
    return DTI_OK;
}

/* The data year and the year before into the panel (the other years went there directly). */
static void S_long_panel(dti_dataset *ds)
{
    size_t cells = ds->n_units * ds->n_indicators;
    for (size_t t = 0; t < ds->n_years; t++)
        if (ds->years[t] == ds->year || ds->years[t] == ds->year - 1)
            memcpy(ds->panel + t * cells, ds->years[t] == ds->year ? ds->values : ds->previous,
                   cells * sizeof *ds->panel);
}

static int S_long(S_ctx *x)
{
    S_rows w = {0};
    int rc = S_long_scan(x, &w);
    if (!rc) {
        size_t n;
        dti_dataset *ds = S_new(x, w.nu);
        for (size_t u = 0; u < w.nu; u++) {
            ds->line[u] = S_cells(x->t, w.first_row[u], &n)[0].line;
            if (x->reg) {
                ds->reg_index[u] = w.prov[u];
                ds->unit[u] = dti_strdup(x->reg->p[w.prov[u]].code);
                ds->name[u] = dti_strdup(x->reg->p[w.prov[u]].name);
            } else {
                ds->unit[u] = w.code[u];
                w.code[u] = NULL;
            }
        }
        ds->year = (int)w.latest;
        rc = S_long_years(x, &w);
        if (!rc)
            rc = S_long_fill(x, &w);
        if (!rc && ds->n_years)
            S_long_panel(ds);
        for (size_t u = 0; u < w.nu && !rc; u++)
            if (!ds->name[u])
                ds->name[u] = dti_strdup(ds->unit[u]);
    }
    S_rows_clear(&w);
    return rc;
}

/* ---- the loader --------------------------------------------------------------------------------- */

/* The label row of a template (dtirank template): the record right after the header, when its first
 * cell starts with '#', names the columns for people (their Vietnamese names) and is no data: it is
 * dropped here, before the header is read.  Only that record: a '#' anywhere else is a unit's name and
 * is looked up like any other. */
static void S_drop_label_row(dti_csv *t)
{
    if (t->n_rows < 2 || t->cell[t->row[1]].text[0] != '#')
        return;
    size_t k = t->row[2] - t->row[1]; /* its cells: the later records move down over them */
    memmove(&t->cell[t->row[1]], &t->cell[t->row[2]], (t->n_cells - t->row[2]) * sizeof *t->cell);
    for (size_t r = 2; r <= t->n_rows; r++)
        t->row[r - 1] = t->row[r] - k;
    t->n_cells -= k;
    t->n_rows--;
}

static int S_load(const char *path, const dti_framework *fw, const dti_registry *reg, const dti_data_options *opt,
                  int published, dti_dataset **out, dti_error *err)
{
    *out = NULL;
    static const dti_data_options def = {0, 0, 0};
    S_ctx x = {0};
    x.path = path;
    x.fw = fw;
    x.opt = opt ? opt : &def;
    x.err = err;
    dti_csv *t = NULL;
    int rc = dti_csv_read(path, x.opt->delimiter, &t, err);
    if (rc)
        return rc;
    S_drop_label_row(t);
    x.t = t;
    x.published = published;
    x.ind = dti_xcalloc(fw->n_nodes, sizeof *x.ind);
    x.nj = dti_engine_indicators(fw, x.ind);
    x.fold_id = dti_xcalloc(fw->n_nodes, sizeof *x.fold_id);
    for (size_t i = 0; i < fw->n_nodes; i++)
        x.fold_id[i] = dti_name_fold(fw->nodes[i].id);
    x.fold_denom = dti_xcalloc(fw->n_denominators + 1, sizeof *x.fold_denom);
    for (size_t d = 0; d < fw->n_denominators; d++)
        x.fold_denom[d] = dti_name_fold(fw->denominators[d]);
    if (!t->n_rows) {
        rc = S_err(&x, NULL, "the file is empty: a CSV table needs a header and a row per unit");
        goto cleanup;
    }
    if ((rc = S_header(&x)))
        goto cleanup;
    if (t->n_rows == 1) {
        rc = S_err(&x, &t->cell[0], "a header but no rows: a CSV table needs a row per unit");
        goto cleanup;
    }
    if (x.by_province || fw->n_years || published) {
        if (!reg) {
            rc = dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "a table of provinces needs the province registry");
            goto cleanup;
        }
        x.reg = reg;
    }
    rc = x.is_long ? S_long(&x) : S_wide(&x);
    if (!rc) {
        dti_dataset *ds = x.ds;
        int any_pub = 0, any_rank = 0;
        for (size_t k = 0; k < ds->n_units * ds->n_nodes; k++) {
            any_pub |= !isnan(ds->published[k]);
            any_rank |= !isnan(ds->published_rank[k]);
        }
        if (!any_pub) {
            free(ds->published);
            ds->published = NULL;
        }
        if (!any_rank) {
            free(ds->published_rank);
            ds->published_rank = NULL;
        }
        *out = ds;
        x.ds = NULL;
    }
cleanup:
    dti_dataset_free(x.ds);
    for (size_t g = 0; g < x.n_groups; g++)
        free(x.group[g]);
    free(x.group);
    for (size_t i = 0; i < fw->n_nodes; i++)
        free(x.fold_id[i]);
    free(x.fold_id);
    for (size_t d = 0; d < fw->n_denominators; d++)
        free(x.fold_denom[d]);
    free(x.fold_denom);
    free(x.col);
    free(x.ind);
    dti_csv_free(t);
    return rc;
}

int dti_dataset_load_csv(const char *path, const dti_framework *fw, const dti_registry *reg,
                         const dti_data_options *opt, dti_dataset **out, dti_error *err)
{
    return S_load(path, fw, reg, opt, 0, out, err);
}

int dti_dataset_load_published_csv(const char *path, const dti_framework *fw, const dti_registry *reg,
                                   const dti_data_options *opt, dti_dataset **out, dti_error *err)
{
    return S_load(path, fw, reg, opt, 1, out, err);
}
