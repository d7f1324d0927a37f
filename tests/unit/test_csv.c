/* test_csv.c -- CSV tables: the reader (csv_read.c: quoting, line breaks, BOM, positions, delimiter
 * detection, limits, the checks of the bytes) and the data-table loader (dataset_csv.c: wide and
 * long forms, free codes and registry provinces, the CSV options, the year record of tune fit), and
 * the edit distance behind every "did you mean".  Every expected position and value is worked out
 * by hand beside its case; the tables are SYNTHETIC (written here) except where a shipped file is
 * named. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_read.h"
#include "dataset.h"
#include "internal.h"
#include "testutil.h"

static char S_dir[64]; /* a fresh temporary directory per run */

static const char *S_file(const char *name, const char *text, size_t len)
{
    static char path[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", S_dir, name);
    FILE *f = fopen(path[k], "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path[k];
}

#define S_FILE(name, lit) S_file(name, lit, sizeof lit - 1)

/* Parses a literal (sizeof - 1: NULs inside count); msg receives "line:col: message" or "ok". */
static dti_csv *S_parse(const char *text, size_t len, char delim, const dti_csv_limits *lim, char *msg, size_t size)
{
    dti_error err;
    dti_error_init(&err);
    dti_csv *t = NULL;
    int rc = dti_csv_parse("t.csv", text, len, delim, lim, &t, &err);
    snprintf(msg, size, "%zu:%zu: %s", rc ? err.e[0].line : 0, rc ? err.e[0].column : 0, rc ? err.e[0].message : "ok");
    return t;
}

#define S_PARSE(lit, delim, msg) S_parse(lit, sizeof lit - 1, delim, NULL, msg, sizeof msg)

static void S_cell(const dti_csv *t, size_t r, size_t k, const char *text, size_t line, size_t column)
{
    assert_true(r < t->n_rows);
    assert_true(t->row[r] + k < t->row[r + 1]);
    const dti_csv_cell *c = &t->cell[t->row[r] + k];
    assert_string_equal(c->text, text);
    assert_int_equal(c->line, line);
    assert_int_equal(c->column, column);
}

/* ---- the reader --------------------------------------------------------------------------------- */

static void test_dti_csv_parse_quoting(void **state)
{
    (void)state;
    char msg[600];
    /* a,"b,c","d""e"  /  x, "y" ,z   (blanks around cells go, quoted ones stay) */
    dti_csv *t = S_PARSE("a,\"b,c\",\"d\"\"e\"\nx, \"y \" , z\n", 0, msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->delimiter, ',');
    S_cell(t, 0, 0, "a", 1, 1);
    S_cell(t, 0, 1, "b,c", 1, 3); /* the opening quote */
    S_cell(t, 0, 2, "d\"e", 1, 9);
    S_cell(t, 1, 0, "x", 2, 1);
    S_cell(t, 1, 1, "y ", 2, 4);   /* x,_"y_"_ : the quote is the 4th character */
    S_cell(t, 1, 2, "z", 2, 11);   /* x, "y " , z */
    dti_csv_free(t);
    /* a trailing delimiter is an empty last cell; an empty quoted cell is empty */
    t = S_PARSE("a,b,\n\"\",1,2", 0, msg);
    assert_int_equal(t->row[1] - t->row[0], 3);
    S_cell(t, 0, 2, "", 1, 5);
    S_cell(t, 1, 0, "", 2, 1);
    S_cell(t, 1, 2, "2", 2, 6);
    dti_csv_free(t);
}

/* Line breaks inside quotes count for the positions after them, whatever the line ending. */
static void test_dti_csv_parse_embedded_newlines(void **state)
{
    (void)state;
    char msg[600];
    /* x,"1\n2",y\nz,w: the quoted cell spans lines 1-2; 'y' is on line 2 after '2",' (column 4) */
    dti_csv *t = S_PARSE("x,\"1\n2\",y\nz,w\n", 0, msg);
    assert_string_equal(msg, "0:0: ok");
    S_cell(t, 0, 1, "1\n2", 1, 3);
    S_cell(t, 0, 2, "y", 2, 4);
    S_cell(t, 1, 0, "z", 3, 1);
    dti_csv_free(t);
    /* the same with CRLF everywhere (a CRLF is one line break, inside quotes too) */
    t = S_PARSE("x,\"1\r\n2\",y\r\nz,w\r\n", 0, msg);
    S_cell(t, 0, 1, "1\r\n2", 1, 3);
    S_cell(t, 0, 2, "y", 2, 4);
    S_cell(t, 1, 0, "z", 3, 1);
    S_cell(t, 1, 1, "w", 3, 3);
    dti_csv_free(t);
    /* old Mac line ends (CR alone) and blank lines, also of blanks, between records */
    t = S_PARSE("a,b\r\r\n  \n\t\n1,2\r3,4", 0, msg);
    assert_int_equal(t->n_rows, 3);
    S_cell(t, 1, 0, "1", 5, 1); /* lines: 1 a,b; 2 (CR LF); 3 blanks; 4 tab; 5 1,2 */
    S_cell(t, 2, 1, "4", 6, 3);
    dti_csv_free(t);
}

/* A byte order mark is skipped and not counted; columns count characters, not bytes. */
static void test_dti_csv_parse_bom_utf8(void **state)
{
    (void)state;
    char msg[600];
    dti_csv *t = S_PARSE("\xEF\xBB\xBFTỉnh,b\r\nĐà Nẵng,x\r\n", 0, msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(t->bom, 1);
    S_cell(t, 0, 0, "Tỉnh", 1, 1);
    S_cell(t, 0, 1, "b", 1, 6);  /* T ỉ n h , : four characters, nine bytes, before 'b' */
    S_cell(t, 1, 1, "x", 2, 9);  /* Đ à _ N ẵ n g , */
    dti_csv_free(t);
}

static void test_dti_csv_parse_delimiter(void **state)
{
    (void)state;
    char msg[600];
    dti_csv *t = S_PARSE("a;b;\"c,d\"\n1,5;2;3\n", 0, msg); /* 2 ';' against no unquoted ',' */
    assert_int_equal(t->delimiter, ';');
    S_cell(t, 1, 0, "1,5", 2, 1);
    dti_csv_free(t);
    t = S_PARSE("a,b;c,d\n", 0, msg); /* 2 ',' against 1 ';' */
    assert_int_equal(t->delimiter, ',');
    S_cell(t, 0, 1, "b;c", 1, 3);
    dti_csv_free(t);
    t = S_PARSE("a,b\n", ';', msg); /* forced */
    assert_int_equal(t->row[1] - t->row[0], 1);
    dti_csv_free(t);
    t = S_PARSE("a\tb c\n1\t 2\n", '\t', msg); /* a tab delimiter: blanks are spaces only */
    S_cell(t, 0, 1, "b c", 1, 3);
    S_cell(t, 1, 1, "2", 2, 4);
    dti_csv_free(t);
    t = S_PARSE("\n\n a,b;c\n", 0, msg);
    assert_null(t);
    assert_string_equal(msg, "3:2: the header has as many ',' as ';' (1): cannot tell the delimiter; give it "
                             "(--delimiter)");
    t = S_PARSE("a\nb\n", 0, msg); /* one column: ',' by default */
    assert_int_equal(t->delimiter, ',');
    assert_int_equal(t->n_rows, 2);
    dti_csv_free(t);
    t = S_PARSE("", 0, msg);
    assert_int_equal(t->n_rows, 0);
    dti_csv_free(t);
}

static void test_dti_csv_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
        const char *want;
    } cases[] = {
#define C(lit, want) {lit, sizeof lit - 1, want}
        C("a,b\n1,\"2\n", "2:3: a quoted cell starts here and is never closed (a quote is missing)"),
        C("a,b\n1,  \"2", "2:5: a quoted cell starts here and is never closed (a quote is missing)"),
        C("a,b\n1,2\"3\n", "2:4: a quote inside an unquoted cell: quote the whole cell and double the quote (\"\")"),
        C("a,b\n\"1\" x,2\n", "2:5: text after the closing quote of a quoted cell: quote the whole cell and double "
                               "the quotes inside it (\"\")"),
        C("a,b\n1,\0\n", "2:3: NUL byte: a binary file, not a CSV table (save it as CSV, UTF-8)"),
        C("a,b\nÀ,\xC3\x28\n", "2:3: invalid UTF-8 (byte 0xC3): save the table as CSV, UTF-8"),
        C("a\n\xED\xA0\x80\n", "2:1: invalid UTF-8 (byte 0xED): save the table as CSV, UTF-8"), /* a surrogate */
        C("a\n\xC0\xAF\n", "2:1: invalid UTF-8 (byte 0xC0): save the table as CSV, UTF-8"),     /* overlong '/' */
        C("PK\x03\x04rest", "0:0: a ZIP file (an Excel workbook?), not a CSV table: save the sheet as CSV UTF-8"),
        C("\xFF\xFE" "a\0", "0:0: UTF-16 text (Excel's \"Unicode text\"), not UTF-8: save the table as CSV UTF-8"),
#undef C
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[600];
        dti_csv *t = S_parse(cases[i].text, cases[i].len, 0, NULL, msg, sizeof msg);
        assert_null(t);
        assert_string_equal(msg, cases[i].want);
    }
}

/* The limits: bytes before anything is read, cells at the first one beyond. */
static void test_dti_csv_parse_limits(void **state)
{
    (void)state;
    char msg[600];
    dti_csv_limits lim = {64, 5};
    dti_csv *t = S_parse("a,b\n1,2\n3,4\n", 12, 0, &lim, msg, sizeof msg); /* the 6th cell: '4' at 3:3 */
    assert_null(t);
    assert_string_equal(msg, "3:3: more than 5 cells: a CSV table may have at most 5");
    lim.max_cells = 6;
    t = S_parse("a,b\n1,2\n3,4\n", 12, 0, &lim, msg, sizeof msg);
    assert_non_null(t);
    assert_int_equal(t->n_cells, 6);
    dti_csv_free(t);
    lim.max_bytes = 11;
    t = S_parse("a,b\n1,2\n3,4\n", 12, 0, &lim, msg, sizeof msg);
    assert_null(t);
    assert_string_equal(msg, "0:0: the file has 12 bytes: a CSV table may have at most 11 (0 MiB)");
}

/* Many records through the chunked feeding: every cell where it should be. */
static void test_dti_csv_parse_many(void **state)
{
    (void)state;
    size_t n = 5000, len = 0;
    char *buf = dti_xcalloc(n * 32, 1);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, i % 2 ? "u%zu,\"%zu\n\",%zu\r\n" : "u%zu,%zu,%zu\n", i, i, i);
    char msg[600];
    dti_csv *t = S_parse(buf, len, 0, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(t->n_rows, n);
    size_t line = 1;
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "u%zu", i);
        const dti_csv_cell *c = &t->cell[t->row[i]];
        assert_string_equal(c[0].text, want);
        assert_int_equal(c[0].line, line);
        assert_int_equal(c[2].line, line + (i % 2)); /* after the quoted line break */
        line += 1 + i % 2;
    }
    dti_csv_free(t);
    free(buf);
}

static void test_dti_csv_show(void **state)
{
    (void)state;
    char buf[200];
    dti_csv_show("a\nb\t\x01", buf, sizeof buf);
    assert_string_equal(buf, "a\\nb\\t\\x01");
    dti_csv_show("0123456789012345678901234567890123456789ĐĐĐ", buf, sizeof buf); /* 40 characters, then cut */
    assert_string_equal(buf, "0123456789012345678901234567890123456789...");
    dti_csv_show("ĐĐĐ", buf, sizeof buf);
    assert_string_equal(buf, "ĐĐĐ");
}

static void test_dti_csv_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int csv;
    } cases[] = {
        {"units:\n  - unit: A\n", 0},      {"# comment\nunit,a\n", 0},     {"---\nx: 1\n", 0},
        {"- a\n", 0},                       {"{a: 1}\n", 0},                {"year: 2022\n", 0},
        {"key:\n", 0},                      {"unit,a\nA,1\n", 1},            {"\xEF\xBB\xBF\r\n\r\nTỉnh;a\n", 1},
        {"unit,group:EurAsia_group\n", 1}, {"\"Tỉnh: tên\",a\n", 1},        {"", 1},
        {"-1,2\n", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(dti_csv_sniff(S_file("t", cases[i].text, strlen(cases[i].text))), cases[i].csv);
    assert_int_equal(dti_csv_sniff(S_FILE("t.CSV", "units:\n")), 1); /* the name first */
    assert_int_equal(dti_csv_sniff(S_FILE("t.yml", "unit,a\n")), 0);
    assert_int_equal(dti_csv_sniff("/nonexistent/t"), 0);
    char d = 0;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_delimiter_parse("tab", &d, &err), DTI_OK);
    assert_int_equal(d, '\t');
    assert_int_equal(dti_delimiter_parse(";", &d, &err), DTI_OK);
    assert_int_equal(d, ';');
    assert_int_equal(dti_delimiter_parse("|", &d, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "unknown delimiter '|' (use ',', ';' or tab)");
}

/* ---- edit distance and suggestions ------------------------------------------------------------ */

static void test_dti_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(dti_edit_distance("kitten", "sitting"), 3); /* k->s, e->i, +g */
    assert_int_equal(dti_edit_distance("", "abc"), 3);
    assert_int_equal(dti_edit_distance("abc", ""), 3);
    assert_int_equal(dti_edit_distance("flaw", "lawn"), 2); /* -f, +n */
    assert_int_equal(dti_edit_distance("same", "same"), 0);
    assert_int_equal(dti_edit_distance("fligths", "flights"), 1); /* a transposition counts one */
    assert_true(dti_edit_close(1, "awarness"));   /* 8 characters: up to 2 */
    assert_true(dti_edit_close(2, "awarness"));
    assert_false(dti_edit_close(3, "awarness"));
    assert_false(dti_edit_close(2, "gas"));       /* 3 characters: 1 */
    const char *ids[] = {"lpi", "flights", "Human_Resources"};
    assert_int_equal(dti_name_nearest("fligths", ids, 3), 1);     /* one transposition of 7 */
    assert_int_equal(dti_name_nearest("human resource", ids, 3), 2); /* folded: one deletion */
    assert_int_equal(dti_name_nearest("gdp", ids, 3), DTI_NONE);

    dti_registry *reg = NULL;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    size_t p;
    /* the lookup suggests the nearest names (lookup.c): "hanoii" is one slip from "hanoi" */
    assert_int_equal(dti_registry_find(reg, "Ha Noii", &p, &err), DTI_ERR_INPUT);
    assert_non_null(strstr(err.e[0].message, "TP. Hà Nội"));
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(reg, "Thái Nguyen", &p, &err), DTI_OK); /* diacritics ignored */
    assert_string_equal(dti_registry_code(reg, p), "19");
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(reg, "Atlantis", &p, &err), DTI_ERR_INPUT);
    assert_null(strstr(err.e[0].message, "did you mean"));
    dti_registry_free(reg);
}

/* ---- the loader --------------------------------------------------------------------------------- */

/* A SYNTHETIC framework with every kind of column: a denominator, a categorical indicator, the
 * imputation group; its indicators are a, b, c (engine columns 0, 1, 2). */
static const char S_tiny[] = "name: tiny\n"
                             "defaults:\n"
                             "  impute: {method: group_mean, group: region}\n"
                             "nodes:\n"
                             "  - id: idx\n"
                             "  - {id: pillar, parent: idx, weight: 1}\n"
                             "  - {id: a, parent: pillar, weight: 1, denominator: pop}\n"
                             "  - {id: b, parent: pillar, weight: 1, categories: {yes: 1, no: 0}}\n"
                             "  - {id: c, parent: idx, weight: 2}\n";

static dti_framework *S_framework(const char *text)
{
    dti_framework *fw = NULL;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_framework_load(S_file("fw.yaml", text, strlen(text)), &fw, &err), DTI_OK);
    return fw;
}

static dti_dataset *S_load(const char *path, const dti_framework *fw, const dti_data_options *opt, char *msg,
                           size_t size)
{
    dti_error err;
    dti_error_init(&err);
    dti_dataset *ds = NULL;
    static dti_registry *reg; /* loaded once, freed at exit by the process */
    if (!reg && dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err))
        fail_msg("registry: %s", err.e[0].message);
    int rc = dti_dataset_load_with(path, fw, reg, DTI_SRCDIR "/models", opt, &ds, &err);
    snprintf(msg, size, "%zu:%zu: %s", rc ? err.e[0].line : 0, rc ? err.e[0].column : 0, rc ? err.e[0].message : "ok");
    return ds;
}

static void test_dti_dataset_load_csv_wide(void **state)
{
    (void)state;
    dti_framework *fw = S_framework(S_tiny);
    char msg[600];
    /* columns in any order; names matched folded (A, Previous:C); region is the imputation group */
    dti_dataset *ds = S_load(S_FILE("w.csv", "unit,Name,C,A,b,region,denominator:pop,Previous:C,idx,pillar_rank\n"
                                             "u1,\"One, the first\",2.5,10,yes,north,4,2,0.75,1\n"
                                             "u2,,,-3e1,no,,2.5,,,\n"
                                             "u3,Three,0,,,north,,1.25,,2\n"),
                             fw, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(ds->n_units, 3);
    assert_int_equal(ds->n_indicators, 3);
    assert_string_equal(ds->unit[0], "u1");
    assert_string_equal(ds->name[0], "One, the first");
    assert_string_equal(ds->name[1], "u2"); /* no name: the code */
    assert_int_equal(ds->line[2], 4);
    double want[] = {10, 1, 2.5, -30, 0, NAN, NAN, NAN, 0}; /* [u * 3 + j]: a, b (yes = 1, no = 0), c */
    for (size_t k = 0; k < 9; k++)
        assert_close(ds->values[k], want[k], 0, 0);
    assert_true(ds->has_previous);
    assert_close(ds->previous[0 * 3 + 2], 2, 0, 0);
    assert_close(ds->previous[2 * 3 + 2], 1.25, 0, 0);
    assert_true(isnan(ds->previous[1 * 3 + 2]));
    assert_close(ds->denominators[0], 4, 0, 0);
    assert_close(ds->denominators[1], 2.5, 0, 0);
    assert_true(isnan(ds->denominators[2]));
    size_t labels[3], ng = 0;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_dataset_groups(ds, "region", labels, &ng, NULL, &err), DTI_OK);
    assert_int_equal(ng, 1);
    assert_int_equal(labels[0], 0);
    assert_int_equal(labels[1], DTI_NONE);
    assert_int_equal(labels[2], 0);
    assert_null(ds->reg_index); /* free codes */
    size_t idx = dti_framework_node_find(fw, "idx"), pillar = dti_framework_node_find(fw, "pillar");
    assert_close(ds->published[0 * ds->n_nodes + idx], 0.75, 0, 0);
    assert_true(isnan(ds->published[1 * ds->n_nodes + idx]));
    assert_close(ds->published_rank[2 * ds->n_nodes + pillar], 2, 0, 0);
    dti_dataset_free(ds);

    /* ';' and decimal commas with the option (a quoted cell too) */
    dti_data_options opt = {0, 1, 0};
    ds = S_load(S_FILE("w.csv", "code;a;c\nx;\"1,5\";-0,25\ny;2;1e2\n"), fw, &opt, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_close(ds->values[0], 1.5, 0, 0);
    assert_close(ds->values[2], -0.25, 0, 0);
    assert_close(ds->values[3 + 2], 100, 0, 0);
    dti_dataset_free(ds);
    /* group:REGION is the model's group 'region' (its spelling kept); other groups keep theirs */
    ds = S_load(S_FILE("w.csv", "unit,a,group:REGION,group:Size\nx,1,n,L\n"), fw, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_string_equal(ds->group_col[0], "region");
    assert_string_equal(ds->group_col[1], "Size");
    dti_dataset_free(ds);
    ds = S_load(S_FILE("w.csv", "unit,a,group:\nx,1,n\n"), fw, NULL, msg, sizeof msg);
    assert_null(ds);
    assert_string_equal(msg, "1:8: group: needs the group's name (group:NAME)");
    opt.decimal_comma = 0;
    opt.delimiter = ';'; /* forced, on a file whose header has more ',' */
    ds = S_load(S_FILE("w.csv", "unit;a,b\nx;1\n"), fw, &opt, msg, sizeof msg);
    assert_null(ds);
    assert_string_equal(msg, "1:6: unknown indicator column 'a,b' (model tiny has no such node)");
    dti_framework_free(fw);
}

static void test_dti_dataset_load_csv_long(void **state)
{
    (void)state;
    dti_framework *fw = S_framework(S_tiny);
    char msg[600];
    /* the latest year (2024) is the data; 2023 the year before (indicator values only: its region
     * row is ignored); units in order of first appearance */
    dti_dataset *ds = S_load(S_FILE("l.csv", "Unit,Indicator,Value,Year,Name\n"
                                             "u2,a,3,2024,Two\n"
                                             "u1,c,7.5,2024,\n"
                                             "u2,a,2,2023,Two\n"
                                             "u2,group:region,south,2024,\n"
                                             "u2,region,east,2023,\n"
                                             "u1,b,no,2024,One\n"
                                             "u1,pop,12,2024,\n"
                                             "u2,idx_rank,1,2024,\n"),
                             fw, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_int_equal(ds->year, 2024);
    assert_int_equal(ds->n_units, 2);
    assert_string_equal(ds->unit[0], "u2");
    assert_string_equal(ds->name[0], "Two");
    assert_string_equal(ds->name[1], "One");
    assert_int_equal(ds->line[1], 3);
    double want[] = {3, NAN, NAN, NAN, 0, 7.5};
    for (size_t k = 0; k < 6; k++)
        assert_close(ds->values[k], want[k], 0, 0);
    assert_close(ds->previous[0], 2, 0, 0);
    assert_true(ds->has_previous);
    assert_close(ds->denominators[1], 12, 0, 0);
    assert_string_equal(ds->group_text[0 * 2 + 0], "south");
    assert_null(ds->group_text[1]);
    assert_close(ds->published_rank[0 * ds->n_nodes + dti_framework_node_find(fw, "idx")], 1, 0, 0);
    assert_null(ds->published);
    dti_dataset_free(ds);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"unit,indicator,value\nu1,,1\n", "2:4: the indicator cell is empty"},
        {"unit,indicator,value,year\nu1,a,1,\n", "2:8: the year cell is empty: every row of a table with a year "
                                                 "column needs one"},
        {"unit,indicator,value,year\nu1,a,1,20.5\n", "2:8: year 20.5 is not a year of 1900..2200"},
        {"unit,indicator,value,year\nu1,a,1,2024\nu1,a,2,2023\nu1,a,3,2023\n",
         "4:4: duplicate row: unit u1, 'a' of the year before already at line 3"},
        {"unit,name,indicator,value\nu1,One,a,1\nu1,Uno,c,2\n",
         "3:4: name 'Uno' of unit u1 differs from 'One' on an earlier row"},
        {"unit,indicator,value,weight\n", "1:22: unknown column 'weight' in a long table (its columns: unit, "
                                          "name, indicator, value, year)"},
        {"name,indicator,value\nu1,zz,1\n", "2:4: unknown indicator 'zz' (model tiny has no such node)"},
        {"unit,indicator,value\nu1,b,1\n", "2:6: unknown category '1' of 'b' (one of: yes, no)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ds = S_load(S_file("l.csv", bad[i].text, strlen(bad[i].text)), fw, NULL, msg, sizeof msg);
        assert_null(ds);
        assert_string_equal(msg, bad[i].want);
    }
    dti_framework_free(fw);
}

/* The units are the registry's provinces with a DTI framework (years:) or a `province` header. */
static void test_dti_dataset_load_csv_provinces(void **state)
{
    (void)state;
    dti_framework *fw = NULL;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/dti-2022.yaml", &fw, &err), DTI_OK);
    char msg[600];
    /* a code, a Vietnamese name, an ASCII name without "TP."; the name column must agree */
    dti_dataset *ds = S_load(S_FILE("p.csv", "unit,name,awareness\n19,Thái Nguyên,0.5\nĐà Nẵng,,0.25\n"
                                             "Ho Chi Minh,TP. Hồ Chí Minh,\n"),
                             fw, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_string_equal(ds->unit[0], "19");
    assert_string_equal(ds->name[0], "Thái Nguyên");
    assert_string_equal(ds->unit[1], "48");
    assert_string_equal(ds->name[1], "TP. Đà Nẵng");
    assert_string_equal(ds->unit[2], "79");
    assert_non_null(ds->reg_index);
    assert_string_equal(ds->unit[2], "79");
    assert_true(isnan(ds->values[2 * ds->n_indicators + 0]));
    dti_dataset_free(ds);
    /* a generic framework with a `province` header: provinces too */
    dti_framework *tiny = S_framework(S_tiny);
    ds = S_load(S_FILE("p.csv", "province,a\nHa Giang,1\n"), tiny, NULL, msg, sizeof msg);
    assert_string_equal(msg, "0:0: ok");
    assert_string_equal(ds->unit[0], "02");
    dti_dataset_free(ds);
    ds = S_load(S_FILE("p.csv", "unit,a\nHa Giang,1\n"), tiny, NULL, msg, sizeof msg); /* free code */
    assert_string_equal(ds->unit[0], "Ha Giang");
    assert_null(ds->reg_index);
    dti_dataset_free(ds);
    dti_framework_free(tiny);
    /* no registry to resolve them (as validate calls the loader) */
    dti_error_init(&err);
    ds = NULL;
    assert_int_equal(dti_dataset_load_csv(S_FILE("p.csv", "province,awareness\n01,1\n"), fw, NULL, NULL, &ds, &err),
                     DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "a table of provinces needs the province registry");
    /* YAML with CSV options */
    dti_data_options opt = {';', 0, 0};
    ds = S_load(DTI_SRCDIR "/data/dti/2022.yaml", fw, &opt, msg, sizeof msg);
    assert_null(ds);
    assert_string_equal(msg, "0:0: --delimiter and --decimal-comma are for CSV tables, and this file is YAML");
    dti_framework_free(fw);
}

/* tune fit's record from a CSV table: indicator and published values become facts, ranks too. */
static void test_dti_dataset_load_year_csv(void **state)
{
    (void)state;
    dti_registry *reg = NULL;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), DTI_OK);
    const char *path = S_FILE("y.csv", "province,indicator,value,year\n"
                                       "Quang Ninh,dti,0.7024,2022\nQuang Ninh,dti_rank,1,2022\n"
                                       "Quang Ninh,awareness,0.9581,2022\nBac Ninh,awareness,0.5,2022\n"
                                       "Bac Ninh,awareness,0.4,2021\n");
    dti_year *yr = NULL;
    assert_int_equal(dti_dataset_load_year(path, DTI_SRCDIR "/models/dti-2022.yaml", NULL, reg, DTI_SRCDIR "/models",
                                           &yr, &err),
                     DTI_OK);
    assert_int_equal(dti_year_year(yr), 2022);
    assert_int_equal(yr->units, 2);
    const dti_framework *fw = yr->fw;
    size_t root = fw->root, aw = dti_framework_node_find(fw, "awareness");
    assert_string_equal(dti_registry_code(reg, yr->prov[0]), "22"); /* Quảng Ninh */
    assert_true(yr->value[0 * fw->n_nodes + root].known);
    assert_close(yr->value[0 * fw->n_nodes + root].value, 0.7024, 0, 0);
    assert_close(yr->value[1 * fw->n_nodes + aw].value, 0.5, 0, 0);
    assert_false(yr->value[1 * fw->n_nodes + root].known);
    size_t lo, hi;
    assert_int_equal(dti_year_rank_bounds(yr, yr->prov[0], root, &lo, &hi, NULL), 1);
    assert_int_equal(dti_year_rank_bounds(yr, yr->prov[1], root, &lo, &hi, NULL), 0);
    assert_int_equal(hi, 2);
    dti_year_free(yr);
    /* a CSV table needs --model; free codes are no provinces */
    yr = NULL;
    dti_error_init(&err);
    assert_int_equal(dti_dataset_load_year(path, NULL, NULL, reg, NULL, &yr, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "a CSV table names no framework: give it (--model)");
    dti_error_init(&err);
    const char *fw_path = S_file("fw.yaml", S_tiny, strlen(S_tiny));
    assert_int_equal(dti_dataset_load_year(S_FILE("y.csv", "unit,a\nx,1\n"), fw_path, NULL, reg, NULL, &yr, &err),
                     DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "the units of a year record are provinces: head the unit column 'province'");
    dti_registry_free(reg);
}

static int S_setup(void **state)
{
    (void)state;
    snprintf(S_dir, sizeof S_dir, "/tmp/dti_test_csv_XXXXXX");
    return mkdtemp(S_dir) ? 0 : -1;
}

static int S_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", S_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_csv_parse_quoting),
        cmocka_unit_test(test_dti_csv_parse_embedded_newlines),
        cmocka_unit_test(test_dti_csv_parse_bom_utf8),
        cmocka_unit_test(test_dti_csv_parse_delimiter),
        cmocka_unit_test(test_dti_csv_parse_errors),
        cmocka_unit_test(test_dti_csv_parse_limits),
        cmocka_unit_test(test_dti_csv_parse_many),
        cmocka_unit_test(test_dti_csv_show),
        cmocka_unit_test(test_dti_csv_sniff),
        cmocka_unit_test(test_dti_edit_distance),
        cmocka_unit_test(test_dti_dataset_load_csv_wide),
        cmocka_unit_test(test_dti_dataset_load_csv_long),
        cmocka_unit_test(test_dti_dataset_load_csv_provinces),
        cmocka_unit_test(test_dti_dataset_load_year_csv),
    };
    return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
