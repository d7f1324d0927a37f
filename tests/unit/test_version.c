/* test_version.c -- dti_version_libraries (dtirank --version): the text and its length as snprintf
 * gives them, whatever the buffer.  The full line against dpkg's versions is tests/version/run.sh. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <string.h>

#include "dtirank.h"
#include "testutil.h"

/* The whole text: GSL first, with the version of the header this test was built with. */
static void test_dti_version_libraries_text(void **state)
{
    (void)state;
    char buf[512];
    size_t n = dti_version_libraries(buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    assert_int_equal(strncmp(buf, "GSL " GSL_VERSION ", libyaml ", strlen("GSL " GSL_VERSION ", libyaml ")), 0);
    assert_non_null(strstr(buf, ", utf8proc "));
    assert_non_null(strstr(buf, ", libxlsxwriter "));
    assert_null(strstr(buf, "(running")); /* built and run against the same libraries here */
}

/* A short buffer: the first size - 1 bytes, terminated, and the length of the whole text; size 0
 * writes nothing (the sentinel stays). */
static void test_dti_version_libraries_truncates(void **state)
{
    (void)state;
    char full[512], shortbuf[8], none[1] = {'x'};
    size_t n = dti_version_libraries(full, sizeof full);
    assert_int_equal(dti_version_libraries(shortbuf, sizeof shortbuf), n);
    assert_int_equal(strlen(shortbuf), 7);
    assert_int_equal(strncmp(shortbuf, full, 7), 0);
    assert_int_equal(dti_version_libraries(none, 0), n);
    assert_int_equal(none[0], 'x');
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_version_libraries_text),
        cmocka_unit_test(test_dti_version_libraries_truncates),
    };
    return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
