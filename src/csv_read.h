/* csv_read.h -- CSV tables (internal): RFC 4180 records read with libcsv, every cell with its
 * 1-based line and column.  csv_read.c is the only file that includes <csv.h>; the data-table
 * loader (dataset.c) gives the cells their meaning.  No libcsv type appears here.
 */
#ifndef DTI_CSV_READ_H
#define DTI_CSV_READ_H

#include <stddef.h>

#include "dtirank.h"

/* Limits of one table, enforced before memory runs out: the file is held in memory (twice: the
 * bytes and the cell texts), so 64 MiB costs at most ~130 MiB plus 32 bytes a cell.  Real tables are
 * far smaller: the DTI (63 x 10) is 5 KB, COINr's ASEM example (51 x 60) 30 KB. */
#define DTI_CSV_MAX_BYTES ((size_t)64 << 20)
#define DTI_CSV_MAX_CELLS ((size_t)1000000)

typedef struct dti_csv_limits {
    size_t max_bytes, max_cells;
} dti_csv_limits;

typedef struct dti_csv_cell {
    const char *text;    /* unescaped, NUL-terminated; blanks around an unquoted cell removed */
    size_t line, column; /* 1-based start: the cell's first non-blank character (the opening quote of
                          * a quoted cell).  Columns count characters (code points), as the YAML
                          * loader's do; a byte order mark is not counted. */
} dti_csv_cell;

typedef struct dti_csv {
    char *path;
    char delimiter; /* the one used: given, or detected from the header record */
    int bom;        /* the file began with a UTF-8 byte order mark (skipped) */
    size_t n_rows;  /* records, the header included; blank lines are no records */
    size_t *row;    /* [n_rows + 1]: record r is cell[row[r]] .. cell[row[r + 1] - 1] */
    size_t n_cells;
    dti_csv_cell *cell;
    char *text; /* storage of the cell texts */
} dti_csv;

/* Reads the CSV file at `path`.  delimiter 0 detects ',' or ';' from the header record (the one
 * that occurs more often outside quotes; a tie between them is an error), else ',' ';' or '\t'.
 * The rules (docs/methods.md, "CSV tables"): RFC 4180 quoting (delimiters, quotes as "", line
 * breaks inside quotes), records ended by CRLF, LF or CR, blank lines skipped, blanks around unquoted
 * cells removed, UTF-8 with or without a byte order mark.  Errors, each with the file and (but for
 * the size) the line and column: more than DTI_CSV_MAX_BYTES bytes, a ZIP file (an .xlsx workbook) or UTF-16 text
 * (Excel's "Unicode text"), a NUL byte (a binary file),
 * invalid UTF-8, a tie between ',' and ';', a quote inside an unquoted cell, text after a closing
 * quote, a quote never closed, more than DTI_CSV_MAX_CELLS cells.  *out: dti_csv_free. */
int dti_csv_read(const char *path, char delimiter, dti_csv **out, dti_error *err);
/* The same on len bytes at buf (`path` names them in errors); lim NULL = the limits above. */
int dti_csv_parse(const char *path, const char *buf, size_t len, char delimiter, const dti_csv_limits *lim,
                  dti_csv **out, dti_error *err);
void dti_csv_free(dti_csv *t);

/* Whether the file at `path` is read as CSV (1) or YAML (0).  By the name first: *.csv is CSV,
 * *.yaml and *.yml are YAML.  Otherwise by the first line that is not blank (after a byte order
 * mark): YAML when it starts with '#', '%', '---', '- ', '{' or '[', or has a ':' followed by a blank
 * or the end of the line outside double quotes (a mapping key); CSV otherwise, an empty file and
 * a binary one included (the CSV reader then refuses them with their own message).  A file that
 * cannot be opened, or is no regular file (a pipe would lose what is read), is YAML here unless named
 * *.csv (the YAML loader reports it, as before). */
int dti_csv_sniff(const char *path);

/* `text` made safe for a one-line message in buf: control characters as \n, \r, \t or \xHH, cut to
 * about 40 characters with "..." (never inside a UTF-8 sequence). */
void dti_csv_show(const char *text, char *buf, size_t size);

#endif
