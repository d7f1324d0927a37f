/* csv_read.c -- CSV file -> records of cells with positions; the only file that includes <csv.h>.
 *
 * libcsv (strict mode) does the RFC 4180 parsing; it reports fields and records through callbacks
 * but not where they start.  So the bytes are checked first (size, NUL, UTF-8), then fed to libcsv
 * in chunks that each end at a delimiter or a line break: a callback can only fire on such a byte,
 * the last of its chunk, which pins every cell's raw span, and a line:column cursor that only moves
 * forward turns offsets into positions.
 */
#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "csv_read.h"
#include "internal.h"
#include "io.h"

#define S_SNIFF_BYTES 65536 /* the first line of any real header fits */
#define S_SHOW_CHARS 40     /* characters of a cell quoted in a message */

void dti_csv_free(dti_csv *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->row);
    free(t->cell);
    free(t->text);
    free(t);
}

void dti_csv_show(const char *text, char *buf, size_t size)
{
    size_t o = 0, chars = 0;
    const unsigned char *s = (const unsigned char *)text;
    buf[0] = '\0';
    if (size < 8)
        return;
    for (; *s && o + 8 < size; s++) {
        if ((*s & 0xC0) != 0x80 && chars++ == S_SHOW_CHARS) { /* at a character start: never cut inside one */
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            buf[o++] = '\\';
            buf[o++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
        } else if (*s < 0x20 || *s == 0x7F) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", *s);
        } else {
            buf[o++] = (char)*s;
        }
    }
    buf[o] = '\0';
}

/* ---- positions ---------------------------------------------------------------------------------- */

/* (line, column) of byte `off`; moves forward only.  CR, LF and CRLF each end a line (as they end a
 * record for libcsv); a column counts characters, so continuation bytes add nothing. */
typedef struct S_cursor {
    const char *buf;
    size_t base, off, line, column;
} S_cursor;

static void S_cursor_init(S_cursor *c, const char *buf, size_t base)
{
    c->buf = buf;
    c->base = c->off = base;
    c->line = c->column = 1;
}

static void S_cursor_to(S_cursor *c, size_t to)
{
    for (; c->off < to; c->off++) {
        unsigned char b = (unsigned char)c->buf[c->off];
        if (b == '\r' || (b == '\n' && !(c->off > c->base && c->buf[c->off - 1] == '\r'))) {
            c->line++;
            c->column = 1;
        } else if (b != '\n' && (b & 0xC0) != 0x80) {
            c->column++;
        }
    }
}

static int S_blank(char b, char delim)
{
    return b == ' ' || (b == '\t' && delim != '\t');
}

/* libcsv's notion of blanks (trimmed around unquoted cells), one function per delimiter kind: the
 * callback takes no user data. */
static int S_space_tab(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static int S_space(unsigned char c)
{
    return c == ' ';
}

/* ---- checks before parsing ---------------------------------------------------------------------- */

/* The two binary files people pass for a table, named; then NUL bytes (a binary file) and invalid
 * UTF-8, at the first offending byte. */
static int S_check_bytes(const char *path, const char *buf, size_t base, size_t len, dti_error *err)
{
    if (len >= 4 && !memcmp(buf, "PK\x03\x04", 4))
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                             "a ZIP file (an Excel workbook?), not a CSV table: save the sheet as CSV UTF-8");
    if (len >= 2 && (!memcmp(buf, "\xFF\xFE", 2) || !memcmp(buf, "\xFE\xFF", 2)))
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                             "UTF-16 text (Excel's \"Unicode text\"), not UTF-8: save the table as CSV UTF-8");
    const char *nul = memchr(buf + base, '\0', len - base);
    S_cursor c;
    S_cursor_init(&c, buf, base);
    if (nul) {
        S_cursor_to(&c, (size_t)(nul - buf));
        return dti_error_set(err, DTI_ERR_INPUT, path, c.line, c.column,
                             "NUL byte: a binary file, not a CSV table (save it as CSV, UTF-8)");
    }
    for (size_t i = base; i < len;) {
        unsigned char b = (unsigned char)buf[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)buf + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k < 0) {
            S_cursor_to(&c, i);
            return dti_error_set(err, DTI_ERR_INPUT, path, c.line, c.column,
                                 "invalid UTF-8 (byte 0x%02X): save the table as CSV, UTF-8", b);
        }
        i += (size_t)k;
    }
    return DTI_OK;
}

/* ',' or ';', whichever occurs more often outside quotes in the first record; ',' when neither does. */
static int S_detect(const char *path, const char *buf, size_t base, size_t len, char *delim, dti_error *err)
{
    size_t i = base, commas = 0, semis = 0;
    while (i < len && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' ' || buf[i] == '\t'))
        i++;
    size_t start = i;
    for (int quoted = 0; i < len && (quoted || (buf[i] != '\r' && buf[i] != '\n')); i++) {
        if (buf[i] == '"')
            quoted = !quoted;
        else if (!quoted && buf[i] == ',')
            commas++;
        else if (!quoted && buf[i] == ';')
            semis++;
    }
    if (commas && commas == semis) {
        S_cursor c;
        S_cursor_init(&c, buf, base);
        S_cursor_to(&c, start);
        return dti_error_set(err, DTI_ERR_INPUT, path, c.line, c.column,
                             "the header has as many ',' as ';' (%zu): cannot tell the delimiter; give it "
                             "(--delimiter)", commas);
    }
    *delim = semis > commas ? ';' : ',';
    return DTI_OK;
}

/* ---- the parse ---------------------------------------------------------------------------------- */

typedef struct S_parse {
    const char *buf;
    size_t len;
    char delim;
    S_cursor cur;
    size_t field_start; /* raw start of the field being read; SIZE_MAX between records */
    size_t at;          /* offset of the chunk's last byte, where a callback fires (len at the end) */
    dti_csv *t;
    size_t cap_cells, cap_rows, row_first, text_used, max_cells;
    int over;                      /* more than max_cells */
    size_t over_line, over_column; /* where the first cell beyond them starts */
} S_parse;

/* Display start of the field whose raw span is [field_start, end): its first non-blank byte. */
static size_t S_field_begin(const S_parse *p, size_t end)
{
    size_t s = p->field_start;
    while (s < end && S_blank(p->buf[s], p->delim))
        s++;
    return s < end ? s : p->field_start;
}

static void S_on_field(void *s, size_t n, void *data)
{
    S_parse *p = data;
    dti_csv *t = p->t;
    if (p->over)
        return;
    if (t->n_cells == p->max_cells) {
        p->over = 1;
        S_cursor_to(&p->cur, S_field_begin(p, p->at));
        p->over_line = p->cur.line;
        p->over_column = p->cur.column;
        return;
    }
    if (t->n_cells == p->cap_cells) {
        p->cap_cells = p->cap_cells ? 2 * p->cap_cells : 256;
        dti_csv_cell *c = realloc(t->cell, p->cap_cells * sizeof *c);
        if (!c) {
            fputs("dtirank: out of memory\n", stderr);
            abort();
        }
        t->cell = c;
    }
    dti_csv_cell *c = &t->cell[t->n_cells++];
    S_cursor_to(&p->cur, S_field_begin(p, p->at));
    c->line = p->cur.line;
    c->column = p->cur.column;
    /* the unescaped text is no longer than its raw span, which ends in a byte of its own (delimiter,
     * line break) or at the end: the storage of len + 1 bytes always has room */
    char *dst = t->text + p->text_used;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
    c->text = dst;
    p->text_used += n + 1;
    p->field_start = p->at + 1;
}

static void S_on_record(int ch, void *data)
{
    (void)ch;
    S_parse *p = data;
    dti_csv *t = p->t;
    p->field_start = SIZE_MAX;
    if (p->over || t->n_cells == p->row_first)
        return;
    if (t->n_rows + 2 > p->cap_rows) {
        p->cap_rows = p->cap_rows ? 2 * p->cap_rows : 64;
        size_t *r = realloc(t->row, p->cap_rows * sizeof *r);
        if (!r) {
            fputs("dtirank: out of memory\n", stderr);
            abort();
        }
        t->row = r;
    }
    t->row[t->n_rows++] = p->row_first;
    t->row[t->n_rows] = p->row_first = t->n_cells;
}

/* The error libcsv's strict mode stopped at, byte x. */
static int S_syntax_error(const S_parse *p, size_t x, dti_error *err)
{
    S_cursor c = p->cur;
    S_cursor_to(&c, x);
    if (p->buf[x] == '"')
        return dti_error_set(err, DTI_ERR_INPUT, p->t->path, c.line, c.column,
                             "a quote inside an unquoted cell: quote the whole cell and double the quote (\"\")");
    return dti_error_set(err, DTI_ERR_INPUT, p->t->path, c.line, c.column,
                         "text after the closing quote of a quoted cell: quote the whole cell and double the quotes "
                         "inside it (\"\")");
}

/* Feeds buf[i, len) in chunks ending at a delimiter or a line break (see the file comment). */
static int S_feed(S_parse *p, struct csv_parser *cp, size_t i, dti_error *err)
{
    const char *buf = p->buf;
    while (i < p->len) {
        if (p->field_start == SIZE_MAX) { /* a new record begins on the line of its first non-blank byte */
            size_t line = i;
            for (size_t j = i; j < p->len; j++) {
                if (buf[j] == '\r' || buf[j] == '\n')
                    line = j + 1;
                else if (!S_blank(buf[j], p->delim))
                    break;
            }
            p->field_start = line;
        }
        size_t j = i;
        while (j < p->len && buf[j] != p->delim && buf[j] != '\r' && buf[j] != '\n')
            j++;
        size_t end = j < p->len ? j + 1 : p->len;
        p->at = end - 1;
        size_t k = csv_parse(cp, buf + i, end - i, S_on_field, S_on_record, p);
        if (p->over)
            break;
        if (k < end - i) {
            if (csv_error(cp) == CSV_EPARSE)
                return S_syntax_error(p, i + k, err);
            return dti_error_set(err, DTI_ERR_INTERNAL, p->t->path, 0, 0, "libcsv: %s", csv_strerror(csv_error(cp)));
        }
        i = end;
    }
    if (!p->over) {
        p->at = p->len;
        if (csv_fini(cp, S_on_field, S_on_record, p)) {
            S_cursor_to(&p->cur, S_field_begin(p, p->len));
            return dti_error_set(err, DTI_ERR_INPUT, p->t->path, p->cur.line, p->cur.column,
                                 "a quoted cell starts here and is never closed (a quote is missing)");
        }
    }
    if (p->over)
        return dti_error_set(err, DTI_ERR_INPUT, p->t->path, p->over_line, p->over_column,
                             "more than %zu cells: a CSV table may have at most %zu", p->max_cells, p->max_cells);
    return DTI_OK;
}

int dti_csv_parse(const char *path, const char *buf, size_t len, char delimiter, const dti_csv_limits *lim,
                  dti_csv **out, dti_error *err)
{
    *out = NULL;
    dti_csv_limits def = {DTI_CSV_MAX_BYTES, DTI_CSV_MAX_CELLS};
    if (!lim)
        lim = &def;
    if (len > lim->max_bytes)
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                             "the file has %zu bytes: a CSV table may have at most %zu (%zu MiB)", len, lim->max_bytes,
                             lim->max_bytes >> 20);
    size_t base = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    int rc;
    if ((rc = S_check_bytes(path, buf, base, len, err)))
        return rc;
    if (!delimiter && (rc = S_detect(path, buf, base, len, &delimiter, err)))
        return rc;
    if (delimiter != ',' && delimiter != ';' && delimiter != '\t')
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "the delimiter must be ',', ';' or a tab");

    dti_csv *t = dti_xcalloc(1, sizeof *t);
    t->path = dti_strdup(path);
    t->delimiter = delimiter;
    t->bom = base > 0;
    t->text = dti_xcalloc(len + 2, 1); /* never reallocated: cells point into it (see S_on_field) */
    S_parse p = {0};
    p.buf = buf;
    p.len = len;
    p.delim = delimiter;
    p.t = t;
    p.field_start = SIZE_MAX;
    p.max_cells = lim->max_cells;
    S_cursor_init(&p.cur, buf, base);
    t->row = dti_xcalloc(1, sizeof *t->row);
    p.cap_rows = 1;

    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
        dti_csv_free(t);
        return dti_error_set(err, DTI_ERR_INTERNAL, path, 0, 0, "libcsv: cannot initialise the parser");
    }
    csv_set_delim(&cp, (unsigned char)delimiter);
    csv_set_space_func(&cp, delimiter == '\t' ? S_space : S_space_tab);
    rc = S_feed(&p, &cp, base, err);
    csv_free(&cp);
    if (rc) {
        dti_csv_free(t);
        return rc;
    }
    *out = t;
    return DTI_OK;
}

int dti_csv_read(const char *path, char delimiter, dti_csv **out, dti_error *err)
{
    *out = NULL;
    FILE *f = NULL;
    int rc = dti_input_open(path, &f, err); /* a regular file only (io.c), recorded as an input */
    if (rc)
        return rc;
    struct stat st;
    if (fstat(fileno(f), &st)) {
        int e = errno;
        fclose(f);
        return dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot read: %s", strerror(e));
    }
    /* a file too large is refused before a byte is read */
    if ((uintmax_t)st.st_size > DTI_CSV_MAX_BYTES) {
        fclose(f);
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0,
                             "the file has %jd bytes: a CSV table may have at most %zu (%zu MiB)", (intmax_t)st.st_size,
                             DTI_CSV_MAX_BYTES, DTI_CSV_MAX_BYTES >> 20);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = dti_xcalloc(cap, 1);
    for (;;) {
        if (len == cap) {
            cap = cap * 2 > DTI_CSV_MAX_BYTES + 1 ? DTI_CSV_MAX_BYTES + 1 : cap * 2;
            char *b = realloc(buf, cap);
            if (!b) {
                fputs("dtirank: out of memory\n", stderr);
                abort();
            }
            buf = b;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0 || len > DTI_CSV_MAX_BYTES)
            break;
    }
    int bad = ferror(f);
    int e = errno;
    fclose(f);
    rc = bad ? dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot read: %s", strerror(e))
             : dti_csv_parse(path, buf, len, delimiter, NULL, out, err);
    free(buf);
    return rc;
}

/* ---- CSV or YAML -------------------------------------------------------------------------------- */

static int S_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if ((s[n - k + i] | 0x20) != suffix[i])
            return 0;
    return 1;
}

int dti_csv_sniff(const char *path)
{
    if (S_ends_with(path, ".csv"))
        return 1;
    if (S_ends_with(path, ".yaml") || S_ends_with(path, ".yml"))
        return 0;
    FILE *f = NULL;
    dti_error quiet; /* not a regular file, or not there: the YAML loader says so in its own words */
    dti_error_init(&quiet);
    if (dti_input_open(path, &f, &quiet))
        return 0;
    char *buf = dti_xcalloc(S_SNIFF_BYTES + 1, 1);
    size_t len = fread(buf, 1, S_SNIFF_BYTES, f);
    fclose(f);
    size_t i = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < len && buf[i] && strchr(" \t\r\n", buf[i]))
        i++;
    const char *s = buf + i;
    size_t n = i;
    while (n < len && buf[n] != '\n' && buf[n] != '\r')
        n++;
    n -= i;
    int yaml = n && (strchr("#%{[", s[0]) || (n >= 3 && !memcmp(s, "---", 3)) ||
                     (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '\t')));
    int quoted = 0;
    for (size_t k = 0; k < n && !yaml; k++) {
        if (s[k] == '"')
            quoted = !quoted;
        else if (!quoted && s[k] == ':' && (k + 1 == n || s[k + 1] == ' ' || s[k + 1] == '\t'))
            yaml = 1;
    }
    free(buf);
    return !yaml;
}

int dti_delimiter_parse(const char *s, char *delimiter, dti_error *err)
{
    if (!strcmp(s, ",") || !strcmp(s, ";") || !strcmp(s, "\t")) {
        *delimiter = s[0];
        return DTI_OK;
    }
    if (!strcmp(s, "tab")) {
        *delimiter = '\t';
        return DTI_OK;
    }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown delimiter '%s' (use ',', ';' or tab)", s);
}
