/* report.h -- the one report layer (internal API): a document of headings, paragraphs, typed tables
 * and charts, built by the presenters (present_*.c, which never print) and written by one writer per
 * format (report_text.c, report_md.c, report_csv.c, report_json.c, report_svg.c, report_html.c), as
 * cmark has one tree and one renderer per output format.  The only code that writes a command's
 * results.
 *
 * A presenter:
 *     dti_report *doc = dti_report_new("rank");
 *     dti_report_meta_int(doc, "year", 2022);              // JSON "metadata" (not shown to people)
 *     dti_report_source(doc, "year record", yr->path);     // JSON "sources"
 *     dti_report_title(doc, "DTI %d: ranking by %s", ...); // a heading ("## " in Markdown)
 *     dti_report_text(doc, "%zu of %zu units have a value", ...);   // a paragraph (JSON "notes")
 *     dti_table *t = dti_report_table(doc, "ranking", NULL);
 *     size_t c_rank = dti_table_col(t, "rank", DTI_COL_INT);
 *     size_t c_dti = dti_table_col(t, "dti", DTI_COL_NUM);
 *     dti_table_col_decimals(t, c_dti, 4);                 // what people see; data keep every digit
 *     size_t r = dti_table_row(t);                         // a row of nulls
 *     dti_table_size(t, r, c_rank, 3);
 *     dti_table_num_prec(t, r, c_dti, 0.6924, 4);          // a published figure: "0.6924" everywhere
 *     dti_table_show(t, r, c_rank, "%zu*", 3);             // people see "3*", data the integer 3
 * and the program writes it: dti_report_write(doc, DTI_FORMAT_JSON, &opt, out, &err).
 *
 * Numbers: a cell with a precision (a published figure) is written with that many decimals when they
 * give back the same double, else like any other number: the shortest decimal that round-trips
 * (%.15g, then %.16g, then %.17g).  People see a published figure as published, other numbers with
 * the column's decimals (rounded half away from zero like the ranking rule: dti_round_key) or
 * significant digits.  "-0" is written "0"; NaN and
 * infinities are never written: the cell is null (JSON null, an empty CSV field, the column's null text
 * for people), and the column may say what null means.
 *
 * Adding a format: a file report_<name>.c defining a dti_report_writer, its DTI_FORMAT_ value before
 * DTI_FORMAT_COUNT and one line in report.c's writer table.  Writers read the document through the
 * structures below (read-only); presenters use only the functions.
 */
#ifndef DTI_REPORT_H
#define DTI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "chart.h"
#include "dtirank.h"

/* Output formats, in the order of --format's list. */
enum dti_format { DTI_FORMAT_TEXT, DTI_FORMAT_MD, DTI_FORMAT_CSV, DTI_FORMAT_JSON, DTI_FORMAT_SVG, DTI_FORMAT_HTML,
                  DTI_FORMAT_XLSX, DTI_FORMAT_COUNT };

/* "text", "md", "csv", "json" -> *format; DTI_ERR_USAGE listing the names otherwise. */
int dti_format_parse(const char *s, int *format, dti_error *err);
const char *dti_format_name(int format);

/* ---- building a document (presenters) ------------------------------------------------------------- */

typedef struct dti_report dti_report;
typedef struct dti_table dti_table;

/* A column's type: how data formats write its cells and how people see them (numbers right-aligned).
 * An interval holds two numbers: people see "lo–hi", CSV and JSON get <name>_lo and <name>_hi. */
enum dti_col_type { DTI_COL_TEXT, DTI_COL_INT, DTI_COL_NUM, DTI_COL_BOOL, DTI_COL_INTERVAL };

/* Column flags (dti_table_col_flags). */
enum {
    DTI_COL_DATA_ONLY = 1u << 0,  /* in CSV and JSON only: not shown to people (text, md) */
    DTI_COL_HUMAN_ONLY = 1u << 1, /* shown to people only */
    DTI_COL_LEFT = 1u << 2,       /* left-aligned although numeric */
    DTI_COL_RIGHT = 1u << 3,      /* right-aligned although text */
    DTI_COL_BAR = 1u << 4         /* HTML: an inline bar beside the number, its length the value's share of
                                   * the column's range (dti_table_col_range; default 0 to the largest) */
};

/* Block flags (dti_report_text_flags): which formats show a paragraph, and how. */
enum {
    DTI_BLOCK_HUMAN_ONLY = 1u << 0, /* text, md and html only, not in JSON "notes" */
    DTI_BLOCK_LEAD = 1u << 1        /* HTML: an emphasised paragraph (the answer a reader came for) */
};

/* Row flags (dti_table_row_flags). */
enum { DTI_ROW_HIGHLIGHT = 1u << 0 /* HTML: the row stands out (the province the document is about) */ };

/* A new empty document of `command` (e.g. "tune sensitivity").  Caller frees: dti_report_free.  The
 * functions below abort when out of memory (as dti_xcalloc) and never fail otherwise. */
dti_report *dti_report_new(const char *command);
void dti_report_free(dti_report *doc);

/* Metadata (JSON "metadata", in the order given; a key given twice keeps the last value). */
void dti_report_meta_text(dti_report *doc, const char *key, const char *value); /* NULL: null */
void dti_report_meta_int(dti_report *doc, const char *key, long long value);
void dti_report_meta_num(dti_report *doc, const char *key, double value);         /* NaN: null */
void dti_report_meta_bool(dti_report *doc, const char *key, int value);
/* An input file (JSON "sources": role and path). */
void dti_report_source(dti_report *doc, const char *role, const char *path);
/* The document's language (HTML lang: "en" by default, "vi") and its number style in HTML: with
 * decimal_comma, numbers in tables and charts are written 0,67 and 100.000 (Vietnamese); else 0.67 and
 * 100,000.  Only HTML reads the style: text, md, csv, json and svg always write 0.67. */
void dti_report_lang(dti_report *doc, const char *lang, int decimal_comma);
/* HTML for print: each heading after the first starts a new page. */
void dti_report_page_per_section(dti_report *doc, int on);

/* Blocks, in reading order: a heading (the first is the JSON "title"), a paragraph (its lines as
 * given; JSON "notes"), a table.  Blocks are separated by one empty line in text and Markdown. */
void dti_report_title(dti_report *doc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void dti_report_text(dti_report *doc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void dti_report_text_flags(dti_report *doc, unsigned flags, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A table `name` (a key: lower case, for --table and JSON) with an optional title (a heading above
 * it; NULL for none).  Borrowed: valid until dti_report_free. */
dti_table *dti_report_table(dti_report *doc, const char *name, const char *title);
/* A paragraph printed under the table (JSON: the table's "notes"). */
void dti_table_note(dti_table *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Columns: name (the CSV/JSON key) and type; returns the column's index.  Columns are added before
 * the first row. */
size_t dti_table_col(dti_table *t, const char *name, int type);
void dti_table_col_label(dti_table *t, size_t c, const char *label); /* header shown to people */
void dti_table_col_decimals(dti_table *t, size_t c, int decimals);   /* shown to people; -1: all */
void dti_table_col_digits(dti_table *t, size_t c, int digits);       /* shown: significant digits */
void dti_table_col_flags(dti_table *t, size_t c, unsigned flags);
/* What people see in a null cell (default "") and what null means (JSON column "null"; NULL: none). */
void dti_table_col_null(dti_table *t, size_t c, const char *shown, const char *meaning);

/* DTI_COL_BAR: the values the bar spans, lo (no bar) to hi (the whole bar). */
void dti_table_col_range(dti_table *t, size_t c, double lo, double hi);

/* Rows: a new row of nulls; returns its index. */
size_t dti_table_row(dti_table *t);
void dti_table_row_flags(dti_table *t, size_t r, unsigned flags);
void dti_table_text(dti_table *t, size_t r, size_t c, const char *s); /* NULL: null */
void dti_table_int(dti_table *t, size_t r, size_t c, long long v);
void dti_table_size(dti_table *t, size_t r, size_t c, size_t v);
void dti_table_num(dti_table *t, size_t r, size_t c, double v);                 /* not finite: null */
void dti_table_num_prec(dti_table *t, size_t r, size_t c, double v, int prec);  /* published decimals */
void dti_table_bool(dti_table *t, size_t r, size_t c, int v);
void dti_table_interval(dti_table *t, size_t r, size_t c, double lo, double hi);
/* What people see in cell (r, c) instead of its value (text, md); data formats keep the value. */
void dti_table_show(dti_table *t, size_t r, size_t c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Charts: a chart block `name` (a key like a table's, for --table) drawn from a copy of its input (the
 * chart module's structures, chart.h: every array and string is copied, so the presenter's arrays
 * may be temporaries).  The title and subtitle of `o` head the chart; its width and height are kept;
 * `fragment` and `decimal_comma` are the writer's.  --format svg writes the document's first chart
 * (or the one --table names) as a standalone SVG; html draws every chart inline; text, md, csv and
 * json leave charts out (their data are the tables beside them). */
void dti_report_chart_fan(dti_report *doc, const char *name, const dti_chart_fan *in, const dti_chart_opts *o);
void dti_report_chart_bump(dti_report *doc, const char *name, const dti_chart_bump *in, const dti_chart_opts *o);
void dti_report_chart_bars(dti_report *doc, const char *name, const dti_chart_bars *in, const dti_chart_opts *o);
void dti_report_chart_tornado(dti_report *doc, const char *name, const dti_chart_tornado *in,
                              const dti_chart_opts *o);
void dti_report_chart_grouped(dti_report *doc, const char *name, const dti_chart_grouped *in,
                              const dti_chart_opts *o);
void dti_report_chart_heatmap(dti_report *doc, const char *name, const dti_chart_heatmap *in,
                              const dti_chart_opts *o);
void dti_report_chart_histogram(dti_report *doc, const char *name, const dti_chart_histogram *in,
                                const dti_chart_opts *o);

/* A number as people see it with `decimals` decimals (rounded half away from zero on the decimal
 * value, "-0.000" written "0.000"), for presenters that compose a cell's text (dti_table_show). */
void dti_report_fixed(double v, int decimals, char *buf, size_t size);

/* ---- writing a document --------------------------------------------------------------------------- */

typedef struct dti_report_options {
    int bom;           /* CSV: start with a UTF-8 byte order mark (Excel then reads UTF-8) */
    const char *table; /* NULL: every table (CSV: the first); else only the table of this name */
} dti_report_options;

/* Writes doc in `format` to out (opt may be NULL).  DTI_ERR_USAGE for an unknown --table name (the
 * message lists the tables and charts), a chart named for a format that does not draw charts, a
 * table named for svg, or svg of a document without a chart; DTI_ERR_INTERNAL when a chart cannot be
 * drawn; DTI_ERR_IO when the stream fails. */
int dti_report_write(const dti_report *doc, int format, const dti_report_options *opt, FILE *out, dti_error *err);

/* ---- for writers (report_*.c): the document, read-only ----------------------------------------- */

enum { DTI_BLOCK_TITLE, DTI_BLOCK_TEXT, DTI_BLOCK_TABLE, DTI_BLOCK_CHART };
enum { DTI_META_NULL, DTI_META_TEXT, DTI_META_INT, DTI_META_NUM, DTI_META_BOOL };

typedef struct dti_report_meta {
    char *key;
    int type;
    char *text;
    long long i;
    double x;
} dti_report_meta;

typedef struct dti_report_col {
    char *name, *label;
    int type;
    int decimals; /* for people; -1: as data */
    int digits;   /* for people: significant digits (%.*g) when > 0 */
    unsigned flags;
    char *null_shown, *null_meaning;
    double bar_lo, bar_hi; /* DTI_COL_BAR: the range (NaN: 0 and the column's largest value) */
} dti_report_col;

typedef struct dti_report_cell {
    int set;      /* 0: null */
    long long i;  /* int, bool */
    double x, y;  /* number (x), interval (x, y) */
    int prec;     /* published decimals of x, -1: none */
    char *text;   /* text cells */
    char *show;   /* what people see, NULL: from the value */
} dti_report_cell;

struct dti_table {
    char *name, *title;
    dti_report_col *col;
    size_t n_cols, cap_cols;
    dti_report_cell *cell; /* [r * n_cols + c] */
    size_t n_rows, cap_rows;
    unsigned *row_flags;   /* [n_rows] DTI_ROW_* */
    char **note;
    size_t n_notes;
};

/* A chart block: its name, its type and a deep copy of its input (report_chart.c). */
typedef struct dti_report_chart dti_report_chart;

typedef struct dti_report_block {
    int kind;
    unsigned flags;
    char *text;       /* title, paragraph */
    dti_table *table; /* DTI_BLOCK_TABLE (owned) */
    dti_report_chart *chart; /* DTI_BLOCK_CHART (owned) */
} dti_report_block;

struct dti_report {
    char *command;
    char *lang;        /* "en" unless dti_report_lang */
    int decimal_comma; /* HTML numbers: 0,67 */
    int page_per_section;
    dti_report_meta *meta;
    size_t n_meta;
    char **source_role, **source_path;
    size_t n_sources;
    dti_report_block *block;
    size_t n_blocks;
};

typedef struct dti_report_writer {
    const char *name; /* the --format name */
    int (*write)(const dti_report *doc, const dti_report_options *opt, FILE *out, dti_error *err);
} dti_report_writer;

extern const dti_report_writer dti_report_writer_text, dti_report_writer_md, dti_report_writer_csv,
    dti_report_writer_json, dti_report_writer_svg, dti_report_writer_html;
extern const dti_report_writer dti_report_writer_xlsx; /* binary: to a file (--out), never a terminal */
/* The xlsx writer's name for the sheet of table `want` (report_xlsx.c): Excel's forbidden characters
 * ([]:*?/\') and control characters as '_', at most 28 characters (room for a suffix within Excel's
 * 31), never empty ("table") nor "History" (Excel's own), unique ignoring ASCII case among `taken`
 * ("_2", "_3", ...).  out needs 140 bytes. */
void dti_report_sheet_name(const char *want, const char *const *taken, size_t n_taken, char *out, size_t size);

/* ---- charts, for writers (report_chart.c) -------------------------------------------------------- */

/* A new block at the end of the document (report_chart.c adds its charts with it). */
dti_report_block *dti_report_block_new(dti_report *doc, int kind);

/* The chart's key (--table) and its title (may be NULL). */
const char *dti_report_chart_name(const dti_report_chart *c);
const char *dti_report_chart_title(const dti_report_chart *c);
/* Draws the chart into out: a standalone document, or an inline <svg> fragment (HTML); numbers with a
 * decimal comma when asked.  The chart module's errors (DTI_ERR_INTERNAL) with out as it was. */
int dti_report_chart_svg(const dti_report_chart *c, int fragment, int decimal_comma, dti_chart_buf *out,
                         dti_error *err);
void dti_report_chart_free(dti_report_chart *c);
/* Whether chart c is written (the --table filter). */
int dti_report_chart_selected(const dti_report_chart *c, const dti_report_options *opt);

/* Whether table t is written (the --table filter). */
int dti_report_table_selected(const dti_table *t, const dti_report_options *opt);
/* Column c is shown to people / written to data formats. */
int dti_report_col_human(const dti_table *t, size_t c);
int dti_report_col_data(const dti_table *t, size_t c);
/* Table t has a column shown to people / written to data formats: a table whose every column is
 * DTI_COL_DATA_ONLY is left out of text and Markdown, one of HUMAN_ONLY columns out of CSV and JSON. */
int dti_report_table_human(const dti_table *t);
int dti_report_table_data(const dti_table *t);
/* A number's human text in HTML's number style: '.' -> ',' with a decimal comma, and the integer
 * part of five digits or more grouped by thousands ("100.000" / "100,000"; years stay 2024); text
 * that is not a plain number is copied as it is.  out needs size bytes (64 is enough). */
void dti_report_localise(const char *in, int decimal_comma, char *out, size_t size);
/* A number as data: with `prec` decimals when they round-trip, else the shortest decimal that does;
 * "-0" -> "0".  `buf` needs 32 bytes; not finite -> "" (writers write null). */
void dti_report_number(double v, int prec, char *buf, size_t size);
/* Cell (r, c) for people (never NULL: the null text for a null cell) and as data (NULL for null;
 * part 0/1 = the ends of an interval).  `buf` needs 64 bytes; the result may point into the table. */
const char *dti_report_cell_human(const dti_table *t, size_t r, size_t c, char *buf, size_t size);
const char *dti_report_cell_data(const dti_table *t, size_t r, size_t c, int part, char *buf, size_t size);
/* The fields of a table as data formats write them: its data columns, an interval as two fields
 * (<name>_lo, <name>_hi).  f needs room for 2 n_cols; returns the count. */
typedef struct dti_report_field {
    size_t col;
    int part;       /* interval end: 0 lo, 1 hi */
    char name[256]; /* the CSV header / JSON key */
} dti_report_field;
size_t dti_report_fields(const dti_table *t, dti_report_field *f);
/* Writes s padded with blanks to `width` display columns (dti_utf8_width), right-aligned or not. */
void dti_report_pad(FILE *out, const char *s, size_t width, int right);
/* A JSON string with its escapes (report_json.c: the one JSON escaper; bytes that are not UTF-8 become
 * U+FFFD), for writers that are not on the layer yet (project_report.c). */
void dti_report_json_string(FILE *out, const char *s);
/* Numbers and intervals are right-aligned unless DTI_COL_LEFT; text left unless DTI_COL_RIGHT. */
int dti_report_col_right(const dti_table *t, size_t c);
/* The table's columns for people, aligned by display width: plain text (two blanks between columns),
 * or a Markdown pipe table (md: '|' escaped, newlines as <br>, the alignment row). */
void dti_report_grid(const dti_table *t, FILE *out, int md);
/* The document for people (report_text.c): text, or Markdown (the first heading "## ", later ones and
 * table titles "### ", pipe tables). */
int dti_report_write_human(const dti_report *doc, const dti_report_options *opt, FILE *out, int md);

#endif
