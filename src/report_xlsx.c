/* report_xlsx.c -- the Excel writer of the report layer (libxlsxwriter; the only file that includes
 * <xlsxwriter.h>): a first sheet "about" with the document's title, paragraphs, metadata and sources,
 * then one sheet per table (the --table filter applies) holding the fields CSV writes: a header row of
 * column names (frozen), numbers as numbers shown with their published precision or the column's
 * decimals, integers and booleans as such, nulls as empty cells, columns as wide as their widest text
 * (display width).  libxlsxwriter writes to a file name, so the workbook goes to a temporary file
 * that is copied to the stream (the atomic writer's) and removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <xlsxwriter.h>

#include "internal.h"
#include "report.h"

#define S_SHEET_CHARS 31     /* Excel's limit on a sheet name */
#define S_MAX_ROWS 1048576   /* Excel's rows per sheet */
#define S_MAX_TEXT 32767     /* Excel's characters per cell: longer text is cut */
#define S_MAX_WIDTH 80.0     /* widest column, in characters (long sources and notes overflow) */
#define S_GENERAL_DIGITS 11  /* Excel's General format shows at most about 11 characters of a number */
#define S_MAX_DECIMALS 17

typedef struct S_book {
    lxw_workbook *wb;
    lxw_format *bold, *title, *integer, *fixed[S_MAX_DECIMALS + 1];
    lxw_error error; /* the first failure */
    char **sheet_names;
    size_t n_sheets;
} S_book;

/* ---- cells -------------------------------------------------------------------------------------- */

/* Valid UTF-8 of at most S_MAX_TEXT bytes: bytes that are not UTF-8 become U+FFFD.  New string. */
static char *S_clean(const char *s)
{
    size_t len = strlen(s), o = 0;
    char *d = dti_xcalloc(3 * len + 1, 1);
    for (size_t i = 0; i < len && o + 4 <= S_MAX_TEXT;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (k < 0) {
            memcpy(d + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(d + o, s + i, (size_t)k);
            o += (size_t)k;
            i += (size_t)k;
        }
    }
    d[o] = '\0';
    return d;
}

static void S_check(S_book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->error == LXW_NO_ERROR)
        b->error = e;
}

static void S_text(S_book *b, lxw_worksheet *ws, size_t r, size_t c, const char *s, lxw_format *f)
{
    char *t = S_clean(s);
    S_check(b, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, t, f));
    free(t);
}

/* The number format of `decimals` decimals ("0", "0.0", ...), made once per workbook. */
static lxw_format *S_fixed(S_book *b, int decimals)
{
    if (decimals < 0)
        return NULL;
    if (decimals > S_MAX_DECIMALS)
        decimals = S_MAX_DECIMALS;
    if (!b->fixed[decimals]) {
        char fmt[S_MAX_DECIMALS + 4] = "0";
        if (decimals) {
            fmt[1] = '.';
            memset(fmt + 2, '0', (size_t)decimals);
            fmt[2 + decimals] = '\0';
        }
        b->fixed[decimals] = workbook_add_format(b->wb);
        format_set_num_format(b->fixed[decimals], fmt);
    }
    return b->fixed[decimals];
}

/* ---- sheet names ---------------------------------------------------------------------------------- */

static int S_same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

void dti_report_sheet_name(const char *want, const char *const *taken, size_t n_taken, char *out, size_t size)
{
    char base[4 * S_SHEET_CHARS + 1];
    size_t o = 0, chars = 0;
    for (const unsigned char *s = (const unsigned char *)want; *s && chars < S_SHEET_CHARS - 3; chars++) {
        size_t len = *s < 0xC0 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : 4, k = 0; /* whole characters only */
        if (*s < 0x80 && (strchr("[]:*?/\\'", *s) || *s < 0x20)) {
            base[o++] = '_';
            s++;
            continue;
        }
        while (k < len && s[k])
            k++;
        memcpy(base + o, s, k);
        o += k;
        s += k;
    }
    base[o] = '\0';
    if (!o || S_same_name(base, "history"))
        snprintf(base + o, sizeof base - o, "%s", o ? "_" : "table");
    snprintf(out, size, "%s", base);
    for (int k = 2;; k++) {
        int used = 0;
        for (size_t i = 0; i < n_taken && !used; i++)
            used = S_same_name(taken[i], out);
        if (!used)
            return;
        snprintf(out, size, "%s_%d", base, k);
    }
}

static const char *S_sheet_name(S_book *b, const char *want)
{
    char name[4 * S_SHEET_CHARS + 16];
    dti_report_sheet_name(want, (const char *const *)b->sheet_names, b->n_sheets, name, sizeof name);
    b->sheet_names = realloc(b->sheet_names, (b->n_sheets + 1) * sizeof *b->sheet_names);
    if (!b->sheet_names)
        abort();
    return b->sheet_names[b->n_sheets++] = dti_strdup(name);
}

/* ---- widths --------------------------------------------------------------------------------------- */

static void S_widen(double *w, const char *s)
{
    double x = (double)dti_utf8_width(s) + 2;
    if (x > *w)
        *w = x > S_MAX_WIDTH ? S_MAX_WIDTH : x;
}

/* ---- a table -------------------------------------------------------------------------------------- */

/* Cell (r, field f) of t at sheet row `row`; its shown text widens the column. */
static void S_cell(S_book *b, lxw_worksheet *ws, const dti_table *t, size_t r, const dti_report_field *f, size_t row,
                   size_t c, double *width)
{
    const dti_report_cell *x = &t->cell[r * t->n_cols + f->col];
    const dti_report_col *col = &t->col[f->col];
    char buf[64];
    if (!x->set)
        return;
    switch (col->type) {
    case DTI_COL_TEXT:
        S_text(b, ws, row, c, x->text, NULL);
        S_widen(width, x->text);
        return;
    case DTI_COL_BOOL:
        S_check(b, worksheet_write_boolean(ws, (lxw_row_t)row, (lxw_col_t)c, (int)x->i, NULL));
        S_widen(width, x->i ? "TRUE" : "FALSE");
        return;
    case DTI_COL_INT:
        S_check(b, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)c, (double)x->i, b->integer));
        snprintf(buf, sizeof buf, "%lld", x->i);
        S_widen(width, buf);
        return;
    default: { /* a number, or an end of an interval: shown with its precision or the column's decimals */
        double v = col->type == DTI_COL_INTERVAL && f->part ? x->y : x->x;
        int decimals = col->type == DTI_COL_NUM && x->prec >= 0 ? x->prec : col->decimals;
        S_check(b, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)c, v, S_fixed(b, decimals)));
        if (decimals >= 0)
            snprintf(buf, sizeof buf, "%.*f", decimals > S_MAX_DECIMALS ? S_MAX_DECIMALS : decimals, v);
        else
            dti_report_number(v, -1, buf, sizeof buf);
        if (decimals < 0 && strlen(buf) > S_GENERAL_DIGITS)
            buf[S_GENERAL_DIGITS] = '\0';
        S_widen(width, buf);
    }
    }
}

static int S_table(S_book *b, const dti_table *t, const char *sheet, dti_error *err)
{
    if (t->n_rows + 1 > S_MAX_ROWS)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "table '%s' has %zu rows: a sheet holds at most %d",
                             t->name, t->n_rows, S_MAX_ROWS - 1);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    if (!ws)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "libxlsxwriter: cannot add the sheet '%s'", sheet);
    dti_report_field *f = dti_xcalloc(2 * t->n_cols + 1, sizeof *f);
    size_t n = dti_report_fields(t, f);
    double *width = dti_xcalloc(n + 1, sizeof *width);
    for (size_t k = 0; k < n; k++) {
        S_text(b, ws, 0, k, f[k].name, b->bold);
        S_widen(&width[k], f[k].name);
    }
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t k = 0; k < n; k++)
            S_cell(b, ws, t, r, &f[k], r + 1, k, &width[k]);
    for (size_t k = 0; k < n; k++)
        S_check(b, worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, width[k], NULL));
    worksheet_freeze_panes(ws, 1, 0);
    free(width);
    free(f);
    return DTI_OK;
}

/* ---- the first sheet: what the document says besides its tables ---------------------------------- */

/* The lines of a paragraph, each in a row of column A; returns the next row. */
static size_t S_lines(S_book *b, lxw_worksheet *ws, size_t row, const char *text, lxw_format *f)
{
    const char *s = text;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char *line = dti_xcalloc(len + 1, 1);
        memcpy(line, s, len);
        if (len)
            S_text(b, ws, row, 0, line, f);
        free(line);
        row++;
        if (!nl)
            return row;
        s = nl + 1;
    }
}

static void S_about(S_book *b, const dti_report *doc, const char *const *sheet_of)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "about"); /* reserved by S_build */
    if (!ws) {
        S_check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    double wa = 12, wb = 12;
    size_t row = 0;
    int titled = 0;
    if (!doc->n_blocks || doc->block[0].kind != DTI_BLOCK_TITLE) { /* a document without a heading: its command */
        char head[256];
        snprintf(head, sizeof head, "dtirank %s", doc->command);
        row = S_lines(b, ws, row, head, b->title);
        titled = 1;
    }
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_report_block *bl = &doc->block[k];
        if (bl->kind == DTI_BLOCK_TITLE) {
            row = S_lines(b, ws, row + (titled ? 1 : 0), bl->text, titled ? b->bold : b->title);
            titled = 1;
        } else if (bl->kind == DTI_BLOCK_TEXT) {
            row = S_lines(b, ws, row, bl->text, NULL);
        } else if (sheet_of[k]) {
            const dti_table *t = bl->table;
            char line[512];
            snprintf(line, sizeof line, "Table %s%s%s: sheet '%s', %zu rows", t->name, t->title ? " -- " : "",
                     t->title ? t->title : "", sheet_of[k], t->n_rows);
            row = S_lines(b, ws, row, line, NULL);
            for (size_t i = 0; i < t->n_notes; i++)
                row = S_lines(b, ws, row, t->note[i], NULL);
        }
    }
    row++;
    S_text(b, ws, row++, 0, "metadata", b->bold);
    S_text(b, ws, row, 0, "command", NULL);
    S_text(b, ws, row++, 1, doc->command, NULL);
    S_text(b, ws, row, 0, "version", NULL);
    S_text(b, ws, row++, 1, DTI_VERSION, NULL);
    for (size_t k = 0; k < doc->n_meta; k++, row++) {
        const dti_report_meta *m = &doc->meta[k];
        S_text(b, ws, row, 0, m->key, NULL);
        S_widen(&wa, m->key);
        char buf[64];
        switch (m->type) {
        case DTI_META_TEXT:
            S_text(b, ws, row, 1, m->text, NULL);
            S_widen(&wb, m->text);
            break;
        case DTI_META_INT:
            S_check(b, worksheet_write_number(ws, (lxw_row_t)row, 1, (double)m->i, b->integer));
            snprintf(buf, sizeof buf, "%lld", m->i);
            S_widen(&wb, buf);
            break;
        case DTI_META_NUM:
            S_check(b, worksheet_write_number(ws, (lxw_row_t)row, 1, m->x, NULL));
            dti_report_number(m->x, -1, buf, sizeof buf);
            S_widen(&wb, buf);
            break;
        case DTI_META_BOOL:
            S_check(b, worksheet_write_boolean(ws, (lxw_row_t)row, 1, (int)m->i, NULL));
            break;
        default: /* null: an empty cell */
            break;
        }
    }
    if (doc->n_sources) {
        row++;
        S_text(b, ws, row++, 0, "sources", b->bold);
        for (size_t k = 0; k < doc->n_sources; k++, row++) {
            S_text(b, ws, row, 0, doc->source_role[k], NULL);
            S_text(b, ws, row, 1, doc->source_path[k], NULL);
            S_widen(&wa, doc->source_role[k]);
            S_widen(&wb, doc->source_path[k]);
        }
    }
    S_check(b, worksheet_set_column(ws, 0, 0, wa, NULL));
    S_check(b, worksheet_set_column(ws, 1, 1, wb, NULL));
}

/* ---- the workbook --------------------------------------------------------------------------------- */

/* The creation time written in the file: $SOURCE_DATE_EPOCH when set (reproducible files), else now. */
static time_t S_created(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    if (e && *e) {
        long long t = strtoll(e, &end, 10);
        if (!*end && t > 0)
            return (time_t)t;
    }
    return time(NULL);
}

static int S_build(const dti_report *doc, const dti_report_options *opt, const char *path, dti_error *err)
{
    S_book b;
    memset(&b, 0, sizeof b);
    b.wb = workbook_new(path);
    if (!b.wb)
        return dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "libxlsxwriter: cannot create the workbook");
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    const char *title = NULL;
    for (size_t k = 0; k < doc->n_blocks && !title; k++)
        if (doc->block[k].kind == DTI_BLOCK_TITLE)
            title = doc->block[k].text;
    char *clean_title = S_clean(title ? title : doc->command);
    props.title = clean_title;
    props.comments = "dtirank " DTI_VERSION;
    props.created = S_created();
    workbook_set_properties(b.wb, &props);
    b.bold = workbook_add_format(b.wb);
    format_set_bold(b.bold);
    b.title = workbook_add_format(b.wb);
    format_set_bold(b.title);
    format_set_font_size(b.title, 13);
    b.integer = S_fixed(&b, 0);
    /* the sheets' names first (the first sheet lists them), "about" taken by the first */
    const char **sheet_of = dti_xcalloc(doc->n_blocks + 1, sizeof *sheet_of);
    b.sheet_names = dti_xcalloc(1, sizeof *b.sheet_names);
    b.sheet_names[b.n_sheets++] = dti_strdup("about");
    size_t n_tables = 0;
    for (size_t k = 0; k < doc->n_blocks; k++) {
        const dti_table *t = doc->block[k].table;
        if (t && dti_report_table_selected(t, opt) && dti_report_table_data(t)) {
            sheet_of[k] = S_sheet_name(&b, t->name);
            n_tables++;
        }
    }
    int rc = DTI_OK;
    if (!n_tables)
        rc = dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "this output has no table to write as xlsx");
    if (!rc)
        S_about(&b, doc, sheet_of);
    for (size_t k = 0; k < doc->n_blocks && !rc; k++)
        if (sheet_of[k])
            rc = S_table(&b, doc->block[k].table, sheet_of[k], err);
    lxw_error e = workbook_close(b.wb);
    if (!rc && b.error != LXW_NO_ERROR)
        rc = dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "libxlsxwriter: %s", lxw_strerror(b.error));
    if (!rc && e != LXW_NO_ERROR)
        rc = dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "libxlsxwriter: %s", lxw_strerror(e));
    for (size_t i = 0; i < b.n_sheets; i++)
        free(b.sheet_names[i]);
    free(b.sheet_names);
    free(sheet_of);
    free(clean_title);
    return rc;
}

static int S_write(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    dir = dir && *dir ? dir : "/tmp";
    snprintf(path, sizeof path, "%s/dtirank-xlsx-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot create a temporary file in %s (the workbook is "
                             "built there; TMPDIR names another directory): %s", dir, strerror(errno));
    close(fd);
    int rc = S_build(doc, opt, path, err);
    FILE *in = rc ? NULL : fopen(path, "rb");
    if (!rc && !in)
        rc = dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot read the workbook back: %s", strerror(errno));
    if (in) {
        char buf[65536];
        size_t k;
        while ((k = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, k, out) != k) {
                rc = dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write the workbook");
                break;
            }
        if (!rc && ferror(in))
            rc = dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot read the workbook back");
        fclose(in);
    }
    unlink(path);
    return rc;
}

const dti_report_writer dti_report_writer_xlsx = {"xlsx", S_write};
