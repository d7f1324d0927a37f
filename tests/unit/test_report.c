/* test_report.c -- the report layer (report.h): the number rules (published precision, the shortest
 * decimal that round-trips, -0, NaN and infinities), and each writer on one small document whose whole
 * output is written out by hand below: text alignment by display width, Markdown escaping, RFC 4180
 * quoting with CRLF and the byte order mark, JSON escaping (quotes, control characters, bytes that are
 * not UTF-8), intervals and nulls, --table; chart blocks (a deep copy, drawn by svg and html only), the
 * HTML writer (escaping, number style, highlighted rows, inline bars, links, sections) and HTML's
 * number localisation. */
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
    assert_string_equal(err.e[0].message, "unknown format 'xml' (use text, md, csv, json, svg, html or xlsx)");
    assert_int_equal(dti_format_parse("md", &format, &err), DTI_OK);
    assert_int_equal(format, DTI_FORMAT_MD);
    dti_report_free(doc);
}

/* HTML's number style: a decimal comma and thousands grouped from five digits (years stay 2024). */
static void test_report_localise(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int comma;
        const char *want;
    } cases[] = {
        {"0.67", 1, "0,67"},         {"0.67", 0, "0.67"},           {"100000", 1, "100.000"},
        {"100000", 0, "100,000"},    {"2024", 1, "2024"},           {"12345", 1, "12.345"},
        {"-12345.5", 1, "-12.345,5"}, {"1234567", 0, "1,234,567"},  {"12*", 1, "12*"},
        {"1e-05", 1, "1e-05"},       {"", 1, ""},                   {"-", 1, "-"},
        {"0.", 1, "0."},             {"3\u20137", 1, "3\u20137"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char buf[64];
        dti_report_localise(cases[k].in, cases[k].comma, buf, sizeof buf);
        assert_string_equal(buf, cases[k].want);
    }
}

/* S_doc with a bar chart after the first table and a histogram at the end. */
static dti_report *S_doc_charts(double *values)
{
    dti_report *doc = S_doc();
    const char *labels[2] = {"Hà Nội", "Huế"};
    dti_chart_bars bars = {2, labels, values, 1, 2};
    dti_chart_opts o = {.title = "Bars"};
    dti_report_chart_bars(doc, "bars", &bars, &o);
    double count[3] = {1, 2, 3};
    dti_chart_histogram h = {3, count, 0, 1, 2, NULL, NULL};
    dti_report_chart_histogram(doc, "pit", &h, NULL);
    return doc;
}

static void test_report_charts(void **state)
{
    (void)state;
    double values[2] = {0.75, 0.5};
    dti_report *plain = S_doc(), *doc = S_doc_charts(values);
    /* the document keeps a copy: what the presenter does with its arrays afterwards changes nothing */
    values[0] = -1;
    values[1] = NAN;
    /* text, md, csv and json leave the charts out: the same output as without them */
    for (int f = DTI_FORMAT_TEXT; f <= DTI_FORMAT_JSON; f++) {
        char *want = S_write(plain, f, NULL, DTI_OK), *got = S_write(doc, f, NULL, DTI_OK);
        assert_string_equal(got, want);
        free(want);
        free(got);
    }
    /* svg: the first chart as a standalone document, the one the chart module draws */
    const char *labels[2] = {"Hà Nội", "Huế"};
    double orig[2] = {0.75, 0.5};
    dti_chart_bars bars = {2, labels, orig, 1, 2};
    dti_chart_opts o = {.title = "Bars"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    assert_int_equal(dti_chart_bars_svg(&b, &bars, &o, &err), DTI_OK);
    char *got = S_write(doc, DTI_FORMAT_SVG, NULL, DTI_OK);
    assert_string_equal(got, b.data);
    assert_non_null(strstr(got, ">0.75</text>"));
    free(got);
    dti_chart_buf_clear(&b);
    dti_report_options opt = {0, "pit"};
    got = S_write(doc, DTI_FORMAT_SVG, &opt, DTI_OK);
    assert_non_null(strstr(got, ">expected if calibrated</text>"));
    assert_null(strstr(got, ">0.75</text>"));
    free(got);
    /* the errors of --table and of svg without a chart, nothing written */
    static const struct {
        int format;
        const char *table, *message;
    } bad[] = {
        {DTI_FORMAT_SVG, "main", "'main' is a table: --format svg draws a chart (charts: bars, pit)"},
        {DTI_FORMAT_CSV, "bars", "'bars' is a chart: --format svg or html draws it"},
        {DTI_FORMAT_TEXT, "pit", "'pit' is a chart: --format svg or html draws it"},
        {DTI_FORMAT_HTML, "nope", "no table 'nope' in this output (tables: main, second; charts: bars, pit)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        dti_error_init(&err);
        opt.table = bad[k].table;
        assert_int_equal(dti_report_write(doc, bad[k].format, &opt, f, &err), DTI_ERR_USAGE);
        fclose(f);
        assert_string_equal(buf, "");
        assert_string_equal(err.e[0].message, bad[k].message);
        free(buf);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dti_error_init(&err);
    assert_int_equal(dti_report_write(plain, DTI_FORMAT_SVG, NULL, f, &err), DTI_ERR_USAGE);
    fclose(f);
    assert_string_equal(buf, "");
    assert_string_equal(err.e[0].message, "this output has no chart to write as svg (charts: project, rank, tune "
                                          "stability, tune sensitivity, audit, report)");
    free(buf);
    dti_report_free(plain);
    dti_report_free(doc);
}

/* HTML: the blocks in order, escaping (quotes, <, a byte that is not UTF-8), numbers in the Vietnamese
 * style, the data-only column left out, notes, a highlighted row, an inline bar, a link, sections, a
 * chart inline without its XML declaration, and no script anywhere. */
static void test_report_html(void **state)
{
    (void)state;
    double values[2] = {0.75, 0.5};
    dti_report *doc = S_doc_charts(values);
    dti_report_lang(doc, "vi", 1);
    dti_report_text(doc, "see https://dti.gov.vn/xep-hang-2024. <script>");
    dti_report_page_per_section(doc, 1);
    dti_report_title(doc, "Second heading");
    dti_report_title(doc, "Third heading");
    dti_table *t = dti_report_table(doc, "barred", NULL);
    dti_table_col(t, "v", DTI_COL_NUM);
    dti_table_col_flags(t, 0, DTI_COL_BAR);
    dti_table_col_range(t, 0, 0, 1);
    dti_table_num(t, dti_table_row(t), 0, 0.75);
    size_t r = dti_table_row(t);
    dti_table_num(t, r, 0, 123456.5);
    dti_table_row_flags(t, r, DTI_ROW_HIGHLIGHT);
    char *got = S_write(doc, DTI_FORMAT_HTML, NULL, DTI_OK);
    static const char *const want[] = {
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>Title</title>",
        "<h1>Title</h1>\n<p>Two<br>\nlines</p>\n",
        "<thead><tr><th class=\"n\">rank</th><th>name</th><th class=\"n\">value</th><th class=\"n\">range</th></tr></thead>",
        "<tr><td class=\"n\">1</td><td>Đà Nẵng</td><td class=\"n\">0,13</td><td class=\"n\">1\u20133</td></tr>",
        "<tr><td class=\"n\">\u226511</td><td>a,b &quot;c&quot;|d</td><td class=\"n\">0,00</td><td class=\"n\"></td></tr>",
        "<td>bad \xEF\xBF\xBD byte</td>",
        "<p class=\"note\">A note.</p>",
        "<h3>Second</h3>",
        "<td class=\"n\">0,5000</td>",
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
        "<p>see <a href=\"https://dti.gov.vn/xep-hang-2024\">https://dti.gov.vn/xep-hang-2024</a>. &lt;script&gt;</p>",
        "<section>\n<h2>Second heading</h2>\n</section>\n<section class=\"page\">\n<h2>Third heading</h2>",
        "<tr><td class=\"n\"><span class=\"bar\"><span style=\"width:75.0%\"></span></span>0,75</td></tr>",
        "<tr class=\"hl\"><td class=\"n\"><span class=\"bar\"><span style=\"width:100.0%\"></span></span>123.456,5</td></tr>",
        "</section>\n</main>\n<footer>dtirank " DTI_VERSION " \u00b7 test \u00b7 x.yaml</footer>\n</body>\n</html>\n",
    };
    const char *at = got;
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) { /* each piece, in this order */
        const char *p = strstr(at, want[k]);
        if (!p)
            fail_msg("html: missing, or out of order: %s", want[k]);
        at = p + strlen(want[k]);
    }
    assert_null(strstr(got, "hidden"));  /* the data-only column */
    assert_null(strstr(got, "<script")); /* escaped, and no script of ours */
    assert_null(strstr(got, "<?xml"));   /* charts inline */
    assert_non_null(strstr(got, ">0,75</text>")); /* the chart's numbers in the same style */
    free(got);
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
        cmocka_unit_test(test_report_localise),
        cmocka_unit_test(test_report_charts),
        cmocka_unit_test(test_report_html),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
