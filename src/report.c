/* report.c -- the document of the report layer (report.h): metadata, headings, paragraphs and typed
 * tables built by the presenters (charts: report_chart.c), the number rules every writer shares, and
 * the table of writers (one file per format: report_text.c, report_md.c, report_csv.c, report_json.c,
 * report_svg.c, report_html.c). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report.h"

static const dti_report_writer *const S_writers[DTI_FORMAT_COUNT] = {
    &dti_report_writer_text, &dti_report_writer_md, &dti_report_writer_csv, &dti_report_writer_json,
    &dti_report_writer_svg, &dti_report_writer_html, &dti_report_writer_xlsx};

int dti_format_parse(const char *s, int *format, dti_error *err)
{
    char list[128] = "";
    for (int i = 0; i < DTI_FORMAT_COUNT; i++) {
        if (!strcmp(s, S_writers[i]->name)) {
            *format = i;
            return DTI_OK;
        }
        size_t o = strlen(list);
        snprintf(list + o, sizeof list - o, "%s%s", i ? (i + 1 < DTI_FORMAT_COUNT ? ", " : " or ") : "",
                 S_writers[i]->name);
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown format '%s' (use %s)", s, list);
}

const char *dti_format_name(int format)
{
    return format >= 0 && format < DTI_FORMAT_COUNT ? S_writers[format]->name : "?";
}

/* printf into a new string (aborts when out of memory). */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 0)))
#endif
static char *S_vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = dti_xcalloc((size_t)(n > 0 ? n : 0) + 1, 1);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    return s;
}

/* Grows *p (n used, *cap room) by one element of `size` bytes, zeroed. */
static void *S_grow(void *p, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    size_t c = *cap ? 2 * *cap : 8;
    char *q = realloc(p, c * size);
    if (!q)
        abort();
    memset(q + *cap * size, 0, (c - *cap) * size);
    *cap = c;
    return q;
}

dti_report *dti_report_new(const char *command)
{
    dti_report *doc = dti_xcalloc(1, sizeof *doc);
    doc->command = dti_strdup(command);
    doc->lang = dti_strdup("en");
    return doc;
}

void dti_report_lang(dti_report *doc, const char *lang, int decimal_comma)
{
    free(doc->lang);
    doc->lang = dti_strdup(lang);
    doc->decimal_comma = decimal_comma != 0;
}

void dti_report_page_per_section(dti_report *doc, int on) { doc->page_per_section = on != 0; }

static void S_table_free(dti_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cell[i].text);
        free(t->cell[i].show);
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        free(t->col[c].name);
        free(t->col[c].label);
        free(t->col[c].null_shown);
        free(t->col[c].null_meaning);
    }
    for (size_t k = 0; k < t->n_notes; k++)
        free(t->note[k]);
    free(t->note);
    free(t->row_flags);
    free(t->cell);
    free(t->col);
    free(t->name);
    free(t->title);
    free(t);
}

void dti_report_free(dti_report *doc)
{
    if (!doc)
        return;
    for (size_t k = 0; k < doc->n_meta; k++) {
        free(doc->meta[k].key);
        free(doc->meta[k].text);
    }
    for (size_t k = 0; k < doc->n_sources; k++) {
        free(doc->source_role[k]);
        free(doc->source_path[k]);
    }
    for (size_t k = 0; k < doc->n_blocks; k++) {
        free(doc->block[k].text);
        S_table_free(doc->block[k].table);
        dti_report_chart_free(doc->block[k].chart);
    }
    free(doc->meta);
    free(doc->source_role);
    free(doc->source_path);
    free(doc->block);
    free(doc->command);
    free(doc->lang);
    free(doc);
}

/* The entry of `key` (replaced) or a new one at the end. */
static dti_report_meta *S_meta(dti_report *doc, const char *key)
{
    for (size_t k = 0; k < doc->n_meta; k++)
        if (!strcmp(doc->meta[k].key, key)) {
            free(doc->meta[k].text);
            doc->meta[k].text = NULL;
            return &doc->meta[k];
        }
    doc->meta = realloc(doc->meta, (doc->n_meta + 1) * sizeof *doc->meta);
    if (!doc->meta)
        abort();
    dti_report_meta *m = &doc->meta[doc->n_meta++];
    memset(m, 0, sizeof *m);
    m->key = dti_strdup(key);
    return m;
}

void dti_report_meta_text(dti_report *doc, const char *key, const char *value)
{
    dti_report_meta *m = S_meta(doc, key);
    m->type = value ? DTI_META_TEXT : DTI_META_NULL;
    m->text = value ? dti_strdup(value) : NULL;
}

void dti_report_meta_int(dti_report *doc, const char *key, long long value)
{
    dti_report_meta *m = S_meta(doc, key);
    m->type = DTI_META_INT;
    m->i = value;
}

void dti_report_meta_num(dti_report *doc, const char *key, double value)
{
    dti_report_meta *m = S_meta(doc, key);
    m->type = isfinite(value) ? DTI_META_NUM : DTI_META_NULL;
    m->x = value;
}

void dti_report_meta_bool(dti_report *doc, const char *key, int value)
{
    dti_report_meta *m = S_meta(doc, key);
    m->type = DTI_META_BOOL;
    m->i = value != 0;
}

void dti_report_source(dti_report *doc, const char *role, const char *path)
{
    for (size_t k = 0; k < doc->n_sources; k++) /* one entry per file */
        if (!strcmp(doc->source_path[k], path))
            return;
    size_t n = doc->n_sources + 1;
    doc->source_role = realloc(doc->source_role, n * sizeof *doc->source_role);
    doc->source_path = realloc(doc->source_path, n * sizeof *doc->source_path);
    if (!doc->source_role || !doc->source_path)
        abort();
    doc->source_role[n - 1] = dti_strdup(role);
    doc->source_path[n - 1] = dti_strdup(path);
    doc->n_sources = n;
}

dti_report_block *dti_report_block_new(dti_report *doc, int kind)
{
    doc->block = realloc(doc->block, (doc->n_blocks + 1) * sizeof *doc->block);
    if (!doc->block)
        abort();
    dti_report_block *b = &doc->block[doc->n_blocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

void dti_report_title(dti_report *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dti_report_block_new(doc, DTI_BLOCK_TITLE)->text = S_vfmt(fmt, ap);
    va_end(ap);
}

void dti_report_text(dti_report *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dti_report_block_new(doc, DTI_BLOCK_TEXT)->text = S_vfmt(fmt, ap);
    va_end(ap);
}

void dti_report_text_flags(dti_report *doc, unsigned flags, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dti_report_block *b = dti_report_block_new(doc, DTI_BLOCK_TEXT);
    b->text = S_vfmt(fmt, ap);
    b->flags = flags;
    va_end(ap);
}

dti_table *dti_report_table(dti_report *doc, const char *name, const char *title)
{
    dti_table *t = dti_xcalloc(1, sizeof *t);
    t->name = dti_strdup(name);
    t->title = title ? dti_strdup(title) : NULL;
    dti_report_block_new(doc, DTI_BLOCK_TABLE)->table = t;
    return t;
}

void dti_table_note(dti_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t->note = realloc(t->note, (t->n_notes + 1) * sizeof *t->note);
    if (!t->note)
        abort();
    t->note[t->n_notes++] = S_vfmt(fmt, ap);
    va_end(ap);
}

size_t dti_table_col(dti_table *t, const char *name, int type)
{
    if (t->n_rows) /* a programming error: the cells of earlier rows would be misplaced */
        abort();
    t->col = S_grow(t->col, t->n_cols, &t->cap_cols, sizeof *t->col);
    dti_report_col *c = &t->col[t->n_cols];
    c->name = dti_strdup(name);
    c->type = type;
    c->decimals = -1;
    c->bar_lo = c->bar_hi = NAN;
    return t->n_cols++;
}

void dti_table_col_label(dti_table *t, size_t c, const char *label)
{
    free(t->col[c].label);
    t->col[c].label = dti_strdup(label);
}

void dti_table_col_decimals(dti_table *t, size_t c, int decimals) { t->col[c].decimals = decimals; }
void dti_table_col_digits(dti_table *t, size_t c, int digits) { t->col[c].digits = digits; }

void dti_table_col_flags(dti_table *t, size_t c, unsigned flags) { t->col[c].flags = flags; }

void dti_table_col_null(dti_table *t, size_t c, const char *shown, const char *meaning)
{
    free(t->col[c].null_shown);
    free(t->col[c].null_meaning);
    t->col[c].null_shown = shown ? dti_strdup(shown) : NULL;
    t->col[c].null_meaning = meaning ? dti_strdup(meaning) : NULL;
}

void dti_table_col_range(dti_table *t, size_t c, double lo, double hi)
{
    t->col[c].bar_lo = lo;
    t->col[c].bar_hi = hi;
}

size_t dti_table_row(dti_table *t)
{
    size_t cap = t->cap_rows;
    if (t->n_rows == cap) {
        size_t nc = t->n_cols ? t->n_cols : 1;
        t->cap_rows = cap ? 2 * cap : 16;
        t->cell = realloc(t->cell, t->cap_rows * nc * sizeof *t->cell);
        t->row_flags = realloc(t->row_flags, t->cap_rows * sizeof *t->row_flags);
        if (!t->cell || !t->row_flags)
            abort();
    }
    t->row_flags[t->n_rows] = 0;
    dti_report_cell *row = &t->cell[t->n_rows * t->n_cols];
    memset(row, 0, t->n_cols * sizeof *row);
    for (size_t c = 0; c < t->n_cols; c++)
        row[c].prec = -1;
    return t->n_rows++;
}

void dti_table_row_flags(dti_table *t, size_t r, unsigned flags)
{
    if (r >= t->n_rows)
        abort(); /* a programming error */
    t->row_flags[r] = flags;
}

/* Cell (r, c), emptied. */
static dti_report_cell *S_cell(dti_table *t, size_t r, size_t c)
{
    if (r >= t->n_rows || c >= t->n_cols)
        abort(); /* a programming error */
    dti_report_cell *x = &t->cell[r * t->n_cols + c];
    free(x->text);
    free(x->show);
    memset(x, 0, sizeof *x);
    x->prec = -1;
    return x;
}

void dti_table_text(dti_table *t, size_t r, size_t c, const char *s)
{
    dti_report_cell *x = S_cell(t, r, c);
    if (s) {
        x->set = 1;
        x->text = dti_strdup(s);
    }
}

void dti_table_int(dti_table *t, size_t r, size_t c, long long v)
{
    dti_report_cell *x = S_cell(t, r, c);
    x->set = 1;
    x->i = v;
}

void dti_table_size(dti_table *t, size_t r, size_t c, size_t v) { dti_table_int(t, r, c, (long long)v); }

void dti_table_num(dti_table *t, size_t r, size_t c, double v) { dti_table_num_prec(t, r, c, v, -1); }

void dti_table_num_prec(dti_table *t, size_t r, size_t c, double v, int prec)
{
    dti_report_cell *x = S_cell(t, r, c);
    if (!isfinite(v))
        return;
    x->set = 1;
    x->x = v;
    x->prec = prec;
}

void dti_table_bool(dti_table *t, size_t r, size_t c, int v)
{
    dti_report_cell *x = S_cell(t, r, c);
    x->set = 1;
    x->i = v != 0;
}

void dti_table_interval(dti_table *t, size_t r, size_t c, double lo, double hi)
{
    dti_report_cell *x = S_cell(t, r, c);
    if (!isfinite(lo) || !isfinite(hi))
        return;
    x->set = 1;
    x->x = lo;
    x->y = hi;
}

void dti_table_show(dti_table *t, size_t r, size_t c, const char *fmt, ...)
{
    dti_report_cell *x = &t->cell[r * t->n_cols + c];
    va_list ap;
    va_start(ap, fmt);
    free(x->show);
    x->show = S_vfmt(fmt, ap);
    va_end(ap);
}

/* ---- the rules every writer shares ---------------------------------------------------------------- */

/* "-0", "-0.000": the same number as "0", written without the sign. */
static void S_unsign_zero(char *buf)
{
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

/* The same double back from its text (no == on doubles: -Wfloat-equal). */
static int S_roundtrips(const char *buf, double v)
{
    double b = strtod(buf, NULL);
    return !(b < v) && !(b > v);
}

void dti_report_number(double v, int prec, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!isfinite(v))
        return;
    if (prec >= 0) {
        snprintf(buf, size, "%.*f", prec, v);
        if (S_roundtrips(buf, v)) {
            S_unsign_zero(buf);
            return;
        }
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (S_roundtrips(buf, v))
            break;
    }
    S_unsign_zero(buf);
}

void dti_report_fixed(double v, int decimals, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", decimals, dti_round_key(v, decimals) / pow(10.0, decimals));
    S_unsign_zero(buf);
}

/* A number for people: a published figure as published, else the column's decimals (rounded half away
 * from zero on the decimal value, as the ranking rule does: 0.69065 shows 0.6907 at 4 decimals) or
 * significant digits, else as data. */
static void S_human_number(const dti_report_col *col, double v, int prec, char *buf, size_t size)
{
    if (prec >= 0 || (col->decimals < 0 && col->digits <= 0)) {
        dti_report_number(v, prec, buf, size);
        return;
    }
    if (col->digits > 0) {
        snprintf(buf, size, "%.*g", col->digits, v);
        S_unsign_zero(buf);
    } else {
        dti_report_fixed(v, col->decimals, buf, size);
    }
}

const char *dti_report_cell_human(const dti_table *t, size_t r, size_t c, char *buf, size_t size)
{
    const dti_report_cell *x = &t->cell[r * t->n_cols + c];
    const dti_report_col *col = &t->col[c];
    if (x->show)
        return x->show;
    if (!x->set)
        return col->null_shown ? col->null_shown : "";
    if (col->type == DTI_COL_BOOL)
        return x->i ? "yes" : "no";
    if (col->type == DTI_COL_INTERVAL) {
        char a[32], b[32];
        S_human_number(col, x->x, -1, a, sizeof a);
        S_human_number(col, x->y, -1, b, sizeof b);
        snprintf(buf, size, "%s\u2013%s", a, b);
        return buf;
    }
    if (col->type == DTI_COL_NUM) {
        S_human_number(col, x->x, x->prec, buf, size);
        return buf;
    }
    return dti_report_cell_data(t, r, c, 0, buf, size); /* text and integers read the same */
}

const char *dti_report_cell_data(const dti_table *t, size_t r, size_t c, int part, char *buf, size_t size)
{
    const dti_report_cell *x = &t->cell[r * t->n_cols + c];
    if (!x->set)
        return NULL;
    switch (t->col[c].type) {
    case DTI_COL_TEXT:
        return x->text;
    case DTI_COL_INT:
        snprintf(buf, size, "%lld", x->i);
        return buf;
    case DTI_COL_BOOL:
        return x->i ? "true" : "false";
    case DTI_COL_INTERVAL:
        dti_report_number(part ? x->y : x->x, -1, buf, size);
        return buf;
    default:
        dti_report_number(x->x, x->prec, buf, size);
        return buf;
    }
}

void dti_report_localise(const char *in, int decimal_comma, char *out, size_t size)
{
    /* a plain number: optional sign, digits, optional fraction; anything else is copied */
    const char *p = in + (in[0] == '-');
    size_t int_digits = strspn(p, "0123456789");
    const char *q = p + int_digits;
    int plain = int_digits > 0 && (*q == '\0' || (*q == '.' && q[1] && strspn(q + 1, "0123456789") == strlen(q + 1)));
    if (!plain || size < 2) {
        snprintf(out, size, "%s", in);
        return;
    }
    size_t o = 0;
    char group = decimal_comma ? '.' : ',', point = decimal_comma ? ',' : '.';
    if (in[0] == '-' && o + 1 < size)
        out[o++] = '-';
    for (size_t i = 0; i < int_digits && o + 2 < size; i++) {
        out[o++] = p[i];
        size_t left = int_digits - 1 - i;
        if (int_digits >= 5 && left > 0 && left % 3 == 0)
            out[o++] = group;
    }
    for (; *q && o + 1 < size; q++)
        out[o++] = *q == '.' ? point : *q;
    out[o] = '\0';
}

size_t dti_report_fields(const dti_table *t, dti_report_field *f)
{
    size_t n = 0;
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!dti_report_col_data(t, c))
            continue;
        for (int part = 0; part < (t->col[c].type == DTI_COL_INTERVAL ? 2 : 1); part++) {
            f[n].col = c;
            f[n].part = part;
            if (t->col[c].type == DTI_COL_INTERVAL)
                snprintf(f[n].name, sizeof f[n].name, "%s_%s", t->col[c].name, part ? "hi" : "lo");
            else
                snprintf(f[n].name, sizeof f[n].name, "%s", t->col[c].name);
            n++;
        }
    }
    return n;
}

int dti_report_col_human(const dti_table *t, size_t c) { return !(t->col[c].flags & DTI_COL_DATA_ONLY); }
int dti_report_col_data(const dti_table *t, size_t c) { return !(t->col[c].flags & DTI_COL_HUMAN_ONLY); }

int dti_report_col_right(const dti_table *t, size_t c)
{
    const dti_report_col *col = &t->col[c];
    if (col->flags & (DTI_COL_LEFT | DTI_COL_RIGHT))
        return (col->flags & DTI_COL_RIGHT) != 0;
    return col->type == DTI_COL_INT || col->type == DTI_COL_NUM || col->type == DTI_COL_INTERVAL;
}

void dti_report_pad(FILE *out, const char *s, size_t width, int right)
{
    size_t w = dti_utf8_width(s);
    for (size_t k = w; right && k < width; k++)
        fputc(' ', out);
    fputs(s, out);
    for (size_t k = w; !right && k < width; k++)
        fputc(' ', out);
}

int dti_report_table_human(const dti_table *t)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (dti_report_col_human(t, c))
            return 1;
    return 0;
}

int dti_report_table_data(const dti_table *t)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (dti_report_col_data(t, c))
            return 1;
    return 0;
}

int dti_report_table_selected(const dti_table *t, const dti_report_options *opt)
{
    return !opt || !opt->table || !strcmp(opt->table, t->name);
}

int dti_report_chart_selected(const dti_report_chart *c, const dti_report_options *opt)
{
    return !opt || !opt->table || !strcmp(opt->table, dti_report_chart_name(c));
}

/* "a, b" of the names of the document's tables (charts = 0) or charts (charts = 1). */
static void S_names(const dti_report *doc, int charts, char *list, size_t size)
{
    list[0] = '\0';
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_block *b = &doc->block[k];
        const char *name = charts ? (b->chart ? dti_report_chart_name(b->chart) : NULL) : (b->table ? b->table->name : NULL);
        size_t o = strlen(list);
        if (name && o + 1 < size)
            snprintf(list + o, size - o, "%s%s", o ? ", " : "", name);
    }
}

/* --table names a table or a chart of the document, one that the format writes. */
static int S_check_table(const dti_report *doc, int format, const char *name, dti_error *err)
{
    int table = 0, chart = 0;
    for (size_t k = 0; k < doc->n_blocks; k++) {
        table |= doc->block[k].table && !strcmp(doc->block[k].table->name, name);
        chart |= doc->block[k].chart && !strcmp(dti_report_chart_name(doc->block[k].chart), name);
    }
    char tables[512], charts[512];
    S_names(doc, 0, tables, sizeof tables);
    S_names(doc, 1, charts, sizeof charts);
    if (!table && !chart)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no table '%s' in this output (tables: %s%s%s)", name,
                             tables[0] ? tables : "none", charts[0] ? "; charts: " : "", charts);
    if (chart && format != DTI_FORMAT_SVG && format != DTI_FORMAT_HTML)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "'%s' is a chart: --format svg or html draws it", name);
    if (table && format == DTI_FORMAT_SVG)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "'%s' is a table: --format svg draws a chart (charts: %s)",
                             name, charts[0] ? charts : "none");
    return DTI_OK;
}

int dti_report_write(const dti_report *doc, int format, const dti_report_options *opt, FILE *out, dti_error *err)
{
    if (format < 0 || format >= DTI_FORMAT_COUNT)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "unknown output format %d", format);
    if (opt && opt->table) {
        int rc = S_check_table(doc, format, opt->table, err);
        if (rc)
            return rc;
    }
    int rc = S_writers[format]->write(doc, opt, out, err);
    if (!rc && ferror(out))
        rc = dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write the output");
    return rc;
}
