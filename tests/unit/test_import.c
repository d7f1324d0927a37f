/* test_import.c -- a year record from a table (import.c, year_write.c) and the xlsx writer's sheet
 * names, by hand: the YAML quoting rules of data/tools/import_shared.py case by case, one record's
 * whole text, the loader's verdict placed at the table's cells, the framework's coverage of a year.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "csv_read.h"
#include "dataset.h"
#include "import.h"
#include "internal.h"
#include "report.h"
#include "year_write.h"

#include "testutil.h"

/* ---- quoting ------------------------------------------------------------------------------------- */

static void test_yaml_scalar_cases(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Thái Nguyên", "Thái Nguyên"},                     /* a letter first, no indicator: plain */
        {"TP. Hồ Chí Minh", "TP. Hồ Chí Minh"},             /* '.' and blanks inside are fine */
        {"Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"},         /* " - " inside too */
        {"Đắk Lắk", "Đắk Lắk"},                             /* Đ is a letter (Lu) */
        {"yes", "\"yes\""},                                 /* YAML 1.1 booleans and null */
        {"No", "\"No\""},
        {"NULL", "\"NULL\""},
        {"a: b", "\"a: b\""},                               /* a mapping indicator */
        {"x #y", "\"x #y\""},                               /* a comment */
        {"1st", "\"1st\""},                                 /* a digit first */
        {"", "\"\""},                                       /* empty */
        {"x  y", "\"x  y\""},                               /* two blanks */
        {"end-", "\"end-\""},                               /* a trailing '-' or '.' */
        {"end.", "\"end.\""},
        {"trail ", "\"trail \""},                           /* a trailing blank */
        {" lead", "\" lead\""},                             /* a leading blank */
        {"say \"hi\"", "\"say \\\"hi\\\"\""},               /* quotes escaped */
        {"back\\slash", "\"back\\\\slash\""},               /* a backslash escaped */
        {"tab\there", "\"tab\\there\""},                    /* \t \n \r as such */
        {"two\nlines", "\"two\\nlines\""},
        {"del\x7f", "\"del\\u007F\""},                      /* DEL, C1 controls: \uXXXX */
        {"c1\xc2\x85", "\"c1\\u0085\""},
        {"ls\xe2\x80\xa8", "\"ls\\u2028\""},                /* U+2028 line separator */
        {"nb\xc2\xa0sp", "\"nb\xc2\xa0sp\""},               /* U+00A0: quoted, kept as it is */
        {"bad\xff", "\"bad\xef\xbf\xbd\""},                 /* not UTF-8: U+FFFD */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = dti_yaml_scalar(cases[i].in);
        if (strcmp(got, cases[i].out)) {
            print_error("case %zu: %s -> %s, want %s\n", i, cases[i].in, got, cases[i].out);
            fail();
        }
        free(got);
    }
    char *q = dti_yaml_quoted("https://dti.gov.vn/xep-hang-2024");
    assert_string_equal(q, "\"https://dti.gov.vn/xep-hang-2024\"");
    free(q);
}

/* ---- the record's text --------------------------------------------------------------------------- */

static void test_record_write_text(void **state)
{
    (void)state;
    dti_record_fact f[] = {{"dti_rank", "1", "imported", "https://a", 0}, {"dti", "0.8000", "imported", "x \"y\"", 0}};
    dti_record_entry e[] = {{"TP. Huế", f, 2, 0}, {"yes", NULL, 0, 0}};
    const char *comment[] = {"one", "", NULL};
    dti_record r = {comment, 2025, "dti-2024", "carried\nforward", "merger-2025", 34, e, 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dti_record_write(out, &r), 0);
    fclose(out);
    assert_string_equal(buf, "# one\n"
                             "#\n"
                             "year: 2025\n"
                             "model: dti-2024\n"
                             "model_assumed: true  # carried forward\n"
                             "frame: merger-2025  # ranked among the units of data/merger-2025.yaml, not the 63 provinces\n"
                             "units: 34\n"
                             "provinces:\n"
                             "  - province: TP. Huế\n"
                             "    dti_rank: {value: 1, evidence: imported, source: \"https://a\"}\n"
                             "    dti: {value: 0.8000, evidence: imported, source: \"x \\\"y\\\"\"}\n"
                             "  - province: \"yes\"\n");
    assert_int_equal(e[0].line, 9);
    assert_int_equal(f[0].line, 10);
    assert_int_equal(f[1].line, 11);
    assert_int_equal(e[1].line, 12);
    free(buf);
}

/* ---- a record from a table, and the loader's verdict at its cells -------------------------------- */

typedef struct S_fixture {
    dti_registry *reg;
    dti_framework *fw;
    dti_dataset *ds;
    dti_csv *csv;
    dti_import *im;
    char table[512], record[64]; /* table: a path under DTI_SRCDIR, as long as an error entry's */
} S_fixture;

/* tests/unit/data/import_small.csv: TP. Hà Nội ranked 2 with 0.8000, TP. Huế (an alias of the province
 * Thừa Thiên - Huế) 1 with 0.7000 (SYNTHETIC: a rank that contradicts a value), read for dti-2024 among
 * the provinces. */
static void S_build(S_fixture *x)
{
    memset(x, 0, sizeof *x);
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &x->reg, &err), 0);
    assert_int_equal(dti_registry_load_aliases(x->reg, DTI_SRCDIR "/data/aliases.yaml", &err), 0); /* TP. Huế */
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/dti-2024.yaml", &x->fw, &err), 0);
    snprintf(x->table, sizeof x->table, "%s", DTI_SRCDIR "/tests/unit/data/import_small.csv");
    assert_int_equal(dti_dataset_load_published_csv(x->table, x->fw, x->reg, NULL, &x->ds, &err), 0);
    assert_int_equal(dti_csv_read(x->table, 0, &x->csv, &err), 0);
    dti_import_settings s = {2024, "dti-2024", NULL, NULL, x->table, "r.yaml", "https://example.org/SYNTHETIC",
                             NULL, 0};
    assert_int_equal(dti_import_build(x->fw, x->ds, x->csv, x->reg, &s, &x->im, &err), 0);
}

static void S_clear(S_fixture *x)
{
    dti_import_free(x->im);
    dti_csv_free(x->csv);
    dti_dataset_free(x->ds);
    dti_framework_free(x->fw);
    dti_registry_free(x->reg);
}

static void test_import_verdict_at_cells(void **state)
{
    (void)state;
    S_fixture x;
    S_build(&x);
    char path[] = "/tmp/dtirank-test-import-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(dti_import_write(x.im, f), 0);
    fclose(f);
    dti_error lerr, err;
    dti_error_init(&lerr);
    dti_error_init(&err);
    dti_error_collect(&err);
    dti_year *yr = NULL;
    assert_int_equal(dti_year_load(path, x.reg, DTI_SRCDIR "/models", &yr, &lerr), 0);
    /* the conflict: TP. Hà Nội's rank (line 2; "TP. Hà Nội," is 11 characters: column 12) */
    assert_int_equal(dti_import_verdict(x.im, path, 0, &lerr, yr, &err), DTI_ERR_INPUT);
    assert_int_equal(err.n, 1);
    assert_string_equal(err.e[0].path, x.table);
    assert_int_equal(err.e[0].line, 2);
    assert_int_equal(err.e[0].column, 12);
    assert_string_equal(err.e[0].message,
                        "dti: rank 2 of TP. Hà Nội disagrees with its value 0.8000: Thừa Thiên - Huế has 0.7000 and rank 1");
    /* a load error on the record without a line the table gave, and one in another file */
    dti_error fake, out;
    dti_error_init(&fake);
    dti_error_collect(&fake);
    dti_error_init(&out);
    dti_error_collect(&out);
    dti_error_set(&fake, DTI_ERR_INPUT, path, 1, 1, "first line");
    dti_error_set(&fake, DTI_ERR_INPUT, "models/x.yaml", 3, 4, "in the framework");
    dti_error_set(&fake, DTI_ERR_INPUT, path, 11, 5, "at the entry of TP. Huế");
    assert_int_equal(dti_import_verdict(x.im, path, DTI_ERR_INPUT, &fake, NULL, &out), DTI_ERR_INPUT);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.e[0].line, 0);
    assert_string_equal(out.e[0].message, "the record written from this table: first line");
    assert_string_equal(out.e[1].path, "models/x.yaml");
    assert_int_equal(out.e[1].line, 3);
    /* line 11 of the record: the second entry's `- province:` line (3 comment lines, year, model, units,
     * provinces:, then TP. Hà Nội's entry on line 8 and its 2 facts): the row's unit cell, line 3 column 1 */
    assert_string_equal(out.e[2].path, x.table);
    assert_int_equal(out.e[2].line, 3);
    assert_int_equal(out.e[2].column, 1);
    dti_year_free(yr);
    unlink(path);
    S_clear(&x);
}

static void test_import_coverage(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL, *asem = NULL;
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/dti-2024.yaml", &fw, &err), 0);
    assert_int_equal(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &asem, &err), 0);
    int assumed = -1;
    assert_int_equal(dti_import_coverage(fw, 2024, &assumed, &err), 0);
    assert_int_equal(assumed, 0);
    assert_int_equal(dti_import_coverage(fw, 2025, &assumed, &err), 0);
    assert_int_equal(assumed, 1);
    assert_int_equal(dti_import_coverage(asem, 2025, &assumed, &err), 0); /* no editions listed */
    assert_int_equal(assumed, 0);
    assert_int_equal(dti_import_coverage(fw, 2023, &assumed, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message,
                        "model dti-2024 describes the editions up to 2024, not 2023: give the edition's model (--model-name)");
    dti_framework_free(fw);
    dti_framework_free(asem);
}

/* ---- the xlsx writer's sheet names --------------------------------------------------------------- */

static void test_sheet_names(void **state)
{
    (void)state;
    const char *taken[] = {"about", "Scores", "x_2"};
    char out[140];
    static const struct {
        const char *want, *got;
    } cases[] = {
        {"ranking", "ranking"},
        {"about", "about_2"},      /* the first sheet's name is taken */
        {"scores", "scores_2"},    /* ignoring case */
        {"a[b]:c*d?e/f\\g'h", "a_b__c_d_e_f_g_h"},
        {"", "table"},
        {"History", "History_"},   /* Excel's own */
        {"abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz01"}, /* 28 characters */
        {"đđđđđđđđđđđđđđđđđđđđđđđđđđđđđđ", "đđđđđđđđđđđđđđđđđđđđđđđđđđđđ"},            /* whole characters */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dti_report_sheet_name(cases[i].want, taken, 3, out, sizeof out);
        if (strcmp(out, cases[i].got)) {
            print_error("case %zu: %s -> %s, want %s\n", i, cases[i].want, out, cases[i].got);
            fail();
        }
    }
    const char *xs[] = {"x", "X_2"};
    dti_report_sheet_name("x", xs, 2, out, sizeof out);
    assert_string_equal(out, "x_3");
}

/* A document whose tables are all for people has nothing for a workbook. */
static void test_xlsx_no_table(void **state)
{
    (void)state;
    dti_report *doc = dti_report_new("test");
    dti_table *t = dti_report_table(doc, "people", NULL);
    size_t c = dti_table_col(t, "x", DTI_COL_TEXT);
    dti_table_col_flags(t, c, DTI_COL_HUMAN_ONLY);
    dti_table_text(t, dti_table_row(t), c, "a");
    dti_error err;
    dti_error_init(&err);
    FILE *out = tmpfile();
    assert_int_equal(dti_report_write(doc, DTI_FORMAT_XLSX, NULL, out, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "this output has no table to write as xlsx");
    fclose(out);
    dti_report_free(doc);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_scalar_cases),   cmocka_unit_test(test_record_write_text),
        cmocka_unit_test(test_import_verdict_at_cells), cmocka_unit_test(test_import_coverage),
        cmocka_unit_test(test_sheet_names),         cmocka_unit_test(test_xlsx_no_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
