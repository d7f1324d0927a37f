/* test_lang.c -- the string table of the translated documents (lang.h): every key has both languages,
 * both take the same printf conversions in the same order (a mismatch would read the wrong argument),
 * every text is valid UTF-8 in precomposed form (NFC: "ế" one code point, as Vietnamese fonts and
 * searches expect), the languages' names and the regions. */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lang.h"
#include "testutil.h"

/* The conversions of a printf format as one string: "%zu%d%s" for "top %zu in %d (%s)"; "%%" is a
 * literal and no conversion; a '%' that starts no known conversion gives "?" (a bug in the table). */
static void S_conversions(const char *fmt, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        static const char *const known[] = {"%zu", "%lu", "%lld", "%d", "%s", "%.*s"};
        const char *hit = NULL;
        for (size_t k = 0; k < sizeof known / sizeof *known && !hit; k++)
            if (!strncmp(p, known[k], strlen(known[k])))
                hit = known[k];
        o += (size_t)snprintf(out + o, size - o, "%s", hit ? hit : "?");
        if (hit)
            p += strlen(hit) - 1;
    }
}

static void test_dti_lang_text_pairs(void **state)
{
    (void)state;
    for (int key = 0; key < DTI_L_COUNT; key++) {
        const char *en = dti_lang_text(DTI_LANG_EN, key), *vi = dti_lang_text(DTI_LANG_VI, key);
        char ce[128], cv[128];
        S_conversions(en, ce, sizeof ce);
        S_conversions(vi, cv, sizeof cv);
        if (strcmp(ce, cv) || strchr(ce, '?'))
            fail_msg("key %d: conversions '%s' (en) and '%s' (vi):\n  %s\n  %s", key, ce, cv, en, vi);
        for (int l = 0; l < DTI_LANG_COUNT; l++) {
            const char *s = dti_lang_text(l, key);
            utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
            if (!nfc || strcmp((const char *)nfc, s))
                fail_msg("key %d (%s): not valid UTF-8 in NFC: %s", key, dti_lang_code(l), s);
            free(nfc);
        }
        /* present_report.c formats a text into 4096 bytes; with its arguments it stays below */
        if (strlen(en) > 2048 || strlen(vi) > 2048)
            fail_msg("key %d: longer than 2048 bytes", key);
        /* only the two column headings that are empty on purpose may be empty */
        if (key != DTI_L_NOTE_COL && (!en[0] || !vi[0]))
            fail_msg("key %d: an empty text", key);
    }
}

static void test_dti_lang_format_and_parse(void **state)
{
    (void)state;
    char buf[256];
    dti_lang_format(buf, sizeof buf, DTI_LANG_VI, DTI_L_TARGET, (size_t)15, 2025);
    assert_string_equal(buf, "top 15 năm 2025");
    dti_lang_format(buf, sizeof buf, DTI_LANG_EN, DTI_L_BAND50);
    assert_string_equal(buf, "50% interval"); /* %% in the table */
    dti_lang_format(buf, sizeof buf, DTI_LANG_VI, DTI_L_H_SOURCES);
    assert_string_equal(buf, "Nguồn dữ liệu và hạn chế");
    int lang = -1;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_lang_parse("vi", &lang, &err), DTI_OK);
    assert_int_equal(lang, DTI_LANG_VI);
    assert_string_equal(dti_lang_code(lang), "vi");
    assert_int_equal(dti_lang_parse("fr", &lang, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "unknown language 'fr' (use en or vi)");
    assert_string_equal(dti_lang_text(DTI_LANG_EN, DTI_L_COUNT), "");
}

static void test_dti_lang_region(void **state)
{
    (void)state;
    char buf[256];
    dti_lang_region(DTI_LANG_VI, "Northern Midlands and Mountains / Red River Delta", buf, sizeof buf);
    assert_string_equal(buf, "Trung du và miền núi phía Bắc / Đồng bằng sông Hồng");
    dti_lang_region(DTI_LANG_VI, "Mekong River Delta", buf, sizeof buf);
    assert_string_equal(buf, "Đồng bằng sông Cửu Long");
    dti_lang_region(DTI_LANG_VI, "Atlantis", buf, sizeof buf); /* not one of the six: kept */
    assert_string_equal(buf, "Atlantis");
    dti_lang_region(DTI_LANG_EN, "Southeast / Mekong River Delta", buf, sizeof buf);
    assert_string_equal(buf, "Southeast / Mekong River Delta");
    dti_lang_region(DTI_LANG_VI, "", buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_lang_text_pairs),
        cmocka_unit_test(test_dti_lang_format_and_parse),
        cmocka_unit_test(test_dti_lang_region),
    };
    return cmocka_run_group_tests_name("lang", tests, NULL, NULL);
}
