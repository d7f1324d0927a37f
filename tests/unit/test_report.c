/* test_report.c -- the report layer (report.h): the number rules (published precision, the shortest
 * decimal that round-trips, -0, NaN and infinities), and each writer on one small document whose whole
 * output is written out by hand below: text alignment by display width, Markdown escaping, RFC 4180
 * quoting with CRLF and the byte order mark, JSON escaping (quotes, control characters, bytes that are
 * not UTF-8), intervals and nulls, --table. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "testutil.h"

static void test_report_number(void **state)
{
    (void)state;
    static const struct {
        double v;
        int prec;
        const char *want;
    } cases[] = {
        {0.6924, 4, "0.6924"},               /* a published figure: its 4 decimals give it back */
        {0.54146, 4, "0.54146"},             /* 4 decimals would lose a digit: the shortest instead */
        {0.1, -1, "0.1"},                    /* %.15g gives it back */
        {0.7024450000000002, -1, "0.7024450000000002"}, /* needs 16 digits: %.15g reads back 0.702445 */
        {1.0 / 3.0, -1, "0.3333333333333333"}, /* 16 digits suffice */
        {0.1 + 0.2, -1, "0.30000000000000004"}, /* 17 digits */
        {-0.0, -1, "0"},                     /* -0 is 0 */
        {-0.0, 4, "0.0000"},
        {1e308, -1, "1e+308"},
        {NAN, -1, ""},                       /* never written */
        {INFINITY, 3, ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char buf[32];
        dti_report_number(cases[k].v, cases[k].prec, buf, sizeof buf);
        assert_string_equal(buf, cases[k].want);
    }
    char buf[32];
    dti_report_fixed(-0.00004, 4, buf, sizeof buf); /* rounds to -0.0000: written 0.0000 */
    assert_string_equal(buf, "0.0000");
    dti_report_fixed(0.69065, 4, buf, sizeof buf); /* stored a hair below the half: the rule rounds up */
    assert_string_equal(buf, "0.6907");
}

/* The document of every writer test: a title, a paragraph, one table of five columns and three rows. */
static dti_report *S_doc(void)
{
    dti_report *doc = dti_report_new("test");
    dti_report_meta_int(doc, "year", 2022);
    dti_report_meta_text(doc, "model", "a \"quoted\" name");
    dti_report_meta_num(doc, "missing", NAN);
    dti_report_meta_bool(doc, "flag", 1);
    dti_report_source(doc, "data", "x.yaml");
    dti_report_title(doc, "Title");
    dti_report_text(doc, "Two\nlines");
    dti_table *t = dti_report_table(doc, "main", NULL);
    dti_table_col(t, "rank", DTI_COL_INT);
    dti_table_col_null(t, 0, "?", "no rank");
    dti_table_col(t, "name", DTI_COL_TEXT);
    dti_table_col(t, "value", DTI_COL_NUM);
    dti_table_col_decimals(t, 2, 2);
    dti_table_col(t, "range", DTI_COL_INTERVAL);
    dti_table_col_decimals(t, 3, 0);
    dti_table_col(t, "hidden", DTI_COL_BOOL);
    dti_table_col_flags(t, 4, DTI_COL_DATA_ONLY);
    size_t r = dti_table_row(t);
    dti_table_size(t, r, 0, 1);
    dti_table_text(t, r, 1, "Đà Nẵng");
    dti_table_num(t, r, 2, 0.125);
    dti_table_interval(t, r, 3, 1, 3);
    dti_table_bool(t, r, 4, 1);
    r = dti_table_row(t);
    dti_table_show(t, r, 0, "\u226511");
    dti_table_text(t, r, 1, "a,b \"c\"|d");
    dti_table_num(t, r, 2, -0.001);
    r = dti_table_row(t);
    dti_table_size(t, r, 0, 12);
    dti_table_text(t, r, 1, "bad \xff byte");
    dti_table_num(t, r, 2, NAN);
    dti_table_note(t, "A note.");
    dti_table *u = dti_report_table(doc, "second", "Second");
    dti_table_col(u, "x", DTI_COL_NUM);
    dti_table_num_prec(u, dti_table_row(u), 0, 0.5, 4);
    return doc;
}

static char *S_write(const dti_report *doc, int format, const dti_report_options *opt, int want_rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_report_write(doc, format, opt, f, &err), want_rc);
    fclose(f);
    return buf;
}

/* Text: "Đà Nẵng" is 7 columns wide (diacritics take none) and "bad \xff byte" 10 (a byte that is not UTF-8
 * counts one), so "name" pads to 10; "≥11" is 3 wide; 0.125
 * shows 0.13 (half away from zero), -0.001 shows 0.00 (not -0.00), NaN the empty cell; the interval
 * "1–3"; the data-only column is not shown; no trailing blanks. */
static void test_report_text(void **state)
{
    (void)state;
    dti_report *doc = S_doc();
    char *got = S_write(doc, DTI_FORMAT_TEXT, NULL, DTI_OK);
    assert_string_equal(got, "Title\n"
                             "\n"
                             "Two\nlines\n"
                             "\n"
                             "rank  name        value  range\n"
                             "   1  Đà Nẵng      0.13    1\u20133\n"
                             " \u226511  a,b \"c\"|d    0.00\n"
                             "  12  bad \xff byte\n"
                             "\n"
                             "A note.\n"
                             "\n"
                             "Second\n"
                             "     x\n"
                             "0.5000\n");
    free(got);
    dti_report_free(doc);
}

static void test_report_md(void **state)
{
    (void)state;
    dti_report *doc = S_doc();
    dti_report_options opt = {0, "main"};
    char *got = S_write(doc, DTI_FORMAT_MD, &opt, DTI_OK);
    assert_string_equal(got, "## Title\n"
                             "\n"
                             "Two\nlines\n"
                             "\n"
                             "| rank | name       | value | range |\n"
                             "| ---: | ---------- | ----: | ----: |\n"
                             "|    1 | Đà Nẵng    |  0.13 |   1\u20133 |\n"
                             "|  \u226511 | a,b \"c\"\\|d |  0.00 |       |\n"
                             "|   12 | bad \xff byte |       |       |\n"
                             "\n"
                             "A note.\n");
    free(got);
    dti_report_free(doc);
}

/* CSV: the first table; the interval as range_lo,range_hi; the quoted field doubles its quotes; nulls
 * are empty; CRLF; the byte order mark first with bom. */
static void test_report_csv(void **state)
{
    (void)state;
    dti_report *doc = S_doc();
    dti_report_options opt = {1, NULL};
    char *got = S_write(doc, DTI_FORMAT_CSV, &opt, DTI_OK);
    assert_string_equal(got, "\xEF\xBB\xBF"
                             "rank,name,value,range_lo,range_hi,hidden\r\n"
                             "1,Đà Nẵng,0.125,1,3,true\r\n"
                             ",\"a,b \"\"c\"\"|d\",-0.001,,,\r\n"
                             "12,bad \xff byte,,,,\r\n");
    free(got);
    opt = (dti_report_options){0, "second"};
    got = S_write(doc, DTI_FORMAT_CSV, &opt, DTI_OK);
    assert_string_equal(got, "x\r\n0.5000\r\n"); /* published to 4 decimals: "0.5000" reads back as 0.5 */
    free(got);
    dti_report_free(doc);
}

/* JSON: quotes escaped, the newline as \n, the byte 0xFF as U+FFFD, NaN as null, the null meaning in
 * the columns, keys in column order. */
static void test_report_json(void **state)
{
    (void)state;
    dti_report *doc = S_doc();
    dti_report_options opt = {0, "main"};
    char *got = S_write(doc, DTI_FORMAT_JSON, &opt, DTI_OK);
    assert_string_equal(got, "{\n"
                             "  \"command\": \"test\",\n"
                             "  \"version\": \"" DTI_VERSION "\",\n"
                             "  \"title\": \"Title\",\n"
                             "  \"metadata\": {\n"
                             "    \"year\": 2022,\n"
                             "    \"model\": \"a \\\"quoted\\\" name\",\n"
                             "    \"missing\": null,\n"
                             "    \"flag\": true\n"
                             "  },\n"
                             "  \"sources\": [\n"
                             "    {\"role\": \"data\", \"path\": \"x.yaml\"}\n"
                             "  ],\n"
                             "  \"notes\": [\n"
                             "    \"Two\\nlines\"\n"
                             "  ],\n"
                             "  \"tables\": [\n"
                             "    {\n"
                             "      \"name\": \"main\",\n"
                             "      \"title\": null,\n"
                             "      \"columns\": [\n"
                             "        {\"name\": \"rank\", \"type\": \"integer\", \"null\": \"no rank\"},\n"
                             "        {\"name\": \"name\", \"type\": \"text\"},\n"
                             "        {\"name\": \"value\", \"type\": \"number\"},\n"
                             "        {\"name\": \"range_lo\", \"type\": \"number\"},\n"
                             "        {\"name\": \"range_hi\", \"type\": \"number\"},\n"
                             "        {\"name\": \"hidden\", \"type\": \"boolean\"}\n"
                             "      ],\n"
                             "      \"rows\": [\n"
                             "        {\"rank\": 1, \"name\": \"Đà Nẵng\", \"value\": 0.125, \"range_lo\": 1, \"range_hi\": 3, "
                             "\"hidden\": true},\n"
                             "        {\"rank\": null, \"name\": \"a,b \\\"c\\\"|d\", \"value\": -0.001, \"range_lo\": null, "
                             "\"range_hi\": null, \"hidden\": null},\n"
                             "        {\"rank\": 12, \"name\": \"bad \xEF\xBF\xBD byte\", \"value\": null, \"range_lo\": null, "
                             "\"range_hi\": null, \"hidden\": null}\n"
                             "      ],\n"
                             "      \"notes\": [\n"
                             "        \"A note.\"\n"
                             "      ]\n"
                             "    }\n"
                             "  ]\n"
                             "}\n");
    free(got);
    dti_report_free(doc);
}

static void test_report_table_and_format_errors(void **state)
{
    (void)state;
    dti_report *doc = S_doc();
    dti_report_options opt = {0, "nope"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_report_write(doc, DTI_FORMAT_CSV, &opt, f, &err), DTI_ERR_USAGE);
    fclose(f);
    assert_string_equal(buf, ""); /* nothing written */
    assert_string_equal(err.e[0].message, "no table 'nope' in this output (tables: main, second)");
    free(buf);
    int format;
    dti_error_init(&err);
    assert_int_equal(dti_format_parse("xml", &format, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "unknown format 'xml' (use text, md, csv, json or xlsx)");
    assert_int_equal(dti_format_parse("md", &format, &err), DTI_OK);
    assert_int_equal(format, DTI_FORMAT_MD);
    dti_report_free(doc);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_number),
        cmocka_unit_test(test_report_text),
        cmocka_unit_test(test_report_md),
        cmocka_unit_test(test_report_csv),
        cmocka_unit_test(test_report_json),
        cmocka_unit_test(test_report_table_and_format_errors),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
