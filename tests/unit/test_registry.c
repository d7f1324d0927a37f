/* test_registry.c -- the province registry and name lookup (code, Vietnamese, ASCII, any case). */
#include <string.h>

#include "dtirank.h"
#include "testutil.h"

static dti_registry *S_reg;

static int S_setup(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    return dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &S_reg, &err);
}

static int S_teardown(void **state)
{
    (void)state;
    dti_registry_free(S_reg);
    return 0;
}

static const char *S_find(const char *q)
{
    dti_error err;
    dti_error_init(&err);
    size_t i;
    if (dti_registry_find(S_reg, q, &i, &err))
        return NULL;
    return dti_registry_name(S_reg, i);
}

static void test_registry_load_counts(void **state)
{
    (void)state;
    assert_int_equal(dti_registry_count(S_reg), 63);
}

static void test_registry_find_forms(void **state)
{
    (void)state;
    static const struct {
        const char *query, *name;
    } cases[] = {
        {"thai nguyen", "Thái Nguyên"}, {"Thái Nguyên", "Thái Nguyên"}, {"19", "Thái Nguyên"},
        {"THAI NGUYEN", "Thái Nguyên"}, {"6", "Bắc Kạn"},            {"06", "Bắc Kạn"},
        {"Da Nang", "TP. Đà Nẵng"},     {"tp. đà nẵng", "TP. Đà Nẵng"}, {"Ho Chi Minh", "TP. Hồ Chí Minh"},
        {"thua thien hue", "Thừa Thiên - Huế"}, {"Ba Ria-Vung Tau", "Bà Rịa - Vũng Tàu"},
        /* NFD input (decomposed diacritics) folds like NFC */
        {"Tha\xcc\x81i Nguye\xcc\x82n", "Thái Nguyên"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *got = S_find(cases[k].query);
        assert_non_null(got);
        assert_string_equal(got, cases[k].name);
    }
}

static void test_registry_find_unknown(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    size_t i;
    assert_int_equal(dti_registry_find(S_reg, "Atlantis", &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown province 'Atlantis' (give a code, a Vietnamese or an ASCII name)");
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(S_reg, "99", &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown province code '99'");
    assert_null(S_find("Thai"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_load_counts),
        cmocka_unit_test(test_registry_find_forms),
        cmocka_unit_test(test_registry_find_unknown),
    };
    return cmocka_run_group_tests_name("registry", tests, S_setup, S_teardown);
}
