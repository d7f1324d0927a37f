/* test_registry.c -- the province registry and the one name lookup (lookup.c): code, Vietnamese,
 * ASCII, any case, no diacritics or spaces, aliases (data/aliases.yaml), the units of the 2025
 * reorganisation, ambiguous names and suggestions. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtirank.h"
#include "internal.h"
#include "merger.h"
#include <gsl/gsl_errno.h>

#include "testutil.h"

static dti_registry *S_reg;

static int S_setup(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    int rc = dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &S_reg, &err);
    if (!rc)
        rc = dti_registry_load_aliases(S_reg, DTI_SRCDIR "/data/aliases.yaml", &err);
    dti_merger m;
    if (!rc && !(rc = dti_merger_load(DTI_SRCDIR "/data/merger-2025.yaml", S_reg, &m, &err))) {
        dti_registry_attach_units(S_reg, dti_merger_units_registry(&m, S_reg, "merger-2025"));
        dti_merger_clear(&m);
    }
    return rc;
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
        /* spaces and prefixes: "Hanoi", "HaNoi", "Tỉnh Thái Nguyên", "Da Nang city" */
        {"Hanoi", "TP. Hà Nội"}, {"HaNoi", "TP. Hà Nội"}, {"Tỉnh Thái Nguyên", "Thái Nguyên"},
        {"Da Nang city", "TP. Đà Nẵng"}, {"Thành phố Cần Thơ", "TP. Cần Thơ"},
        /* data/aliases.yaml */
        {"HCM", "TP. Hồ Chí Minh"}, {"TP.HCM", "TP. Hồ Chí Minh"}, {"Saigon", "TP. Hồ Chí Minh"},
        {"Sài Gòn", "TP. Hồ Chí Minh"}, {"Huế", "Thừa Thiên - Huế"}, {"TP. Huế", "Thừa Thiên - Huế"},
        {"hue", "Thừa Thiên - Huế"}, {"Danang", "TP. Đà Nẵng"},
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
    /* near misses: one transposition in a long name, one letter in a short one */
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(S_reg, "Thai Ngyuen", &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown province 'Thai Ngyuen' (did you mean Thái Nguyên (19)?)");
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(S_reg, "Hanam", &i, &err), DTI_OK); /* Hà Nam itself */
    assert_int_equal(dti_registry_find(S_reg, "Ha Nom", &i, &err), DTI_ERR_INPUT);
    /* "hanom" is one letter from both "hanam" and "hanoi": both are offered, in registry order */
    assert_string_equal(err.e[0].message, "unknown province 'Ha Nom' (did you mean TP. Hà Nội (01) or Hà Nam (35)?)");
    dti_error_init(&err);
    assert_int_equal(dti_registry_find(S_reg, "99", &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown province code '99'");
    assert_null(S_find("Thai"));
}

/* Every unit of the 2025 reorganisation by name: in the provinces' frame the province of that name
 * (TP. Huế through its alias), among the units the unit itself; a former province gives its unit. */
static void test_registry_units_by_name(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    const dti_registry *u = S_reg->units;
    assert_non_null(u);
    assert_int_equal(dti_registry_count(u), 34);
    for (size_t j = 0; j < 34; j++) {
        size_t p, unit, prov;
        const char *name = dti_registry_name(u, j);
        if (dti_registry_find(S_reg, name, &p, &err))
            print_error("unit name %s is no province name or alias\n", name);
        assert_int_equal(dti_registry_find(S_reg, name, &p, &err), DTI_OK);
        assert_string_equal(dti_registry_successor(S_reg, p), name); /* the province of that name is in it */
        assert_int_equal(dti_registry_find_unit(S_reg, name, &unit, &prov, &err), DTI_OK);
        assert_int_equal(unit, j);
        if (prov != (size_t)-1) /* also a former province's name: one of this unit's */
            assert_string_equal(dti_registry_successor(S_reg, prov), name);
        assert_int_equal(dti_registry_find_unit(S_reg, dti_registry_ascii(u, j), &unit, &prov, &err), DTI_OK);
        assert_int_equal(unit, j);
    }
    size_t unit, prov, bk;
    assert_int_equal(dti_registry_find(S_reg, "Bac Kan", &bk, &err), DTI_OK);
    assert_int_equal(dti_registry_find_unit(S_reg, "Bắc Kạn", &unit, &prov, &err), DTI_OK);
    assert_string_equal(dti_registry_name(u, unit), "Thái Nguyên");
    assert_int_equal(prov, bk);
    assert_int_equal(dti_registry_find_unit(S_reg, "Saigon", &unit, &prov, &err), DTI_OK); /* an alias */
    assert_string_equal(dti_registry_name(u, unit), "TP. Hồ Chí Minh");
    assert_int_equal(dti_registry_find_unit(S_reg, "Hue", &unit, &prov, &err), DTI_OK);
    assert_string_equal(dti_registry_name(u, unit), "TP. Huế");
    assert_string_equal(dti_registry_name(S_reg, prov), "Thừa Thiên - Huế"); /* through the alias */
}

static const char *S_names[] = {"Ha Noi (01)", "Hanoi (02)", "Hue (03)"};
static const char *S_name_label(const void *ctx, size_t i)
{
    (void)ctx;
    return S_names[i];
}

/* Two entries whose names fold alike ("Ha Noi", "Hanoi"): a query of the lookup lists both.  A
 * registry refuses such provinces at the second name's value (line 3; '  - {code: "02", name: ' is 23
 * characters, so column 24); an alias that names another province is refused at its position. */
static void test_registry_ambiguous_and_bad_aliases(void **state)
{
    (void)state;
    dti_lookup l;
    dti_lookup_init(&l, "province");
    dti_lookup_add(&l, "Ha Noi", 0);
    dti_lookup_add(&l, "Hanoi", 1);
    dti_lookup_add(&l, "Hue", 2);
    dti_error err;
    dti_error_init(&err);
    size_t i;
    assert_int_equal(dti_lookup_find(&l, "ha-noi", S_name_label, NULL, &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "province 'ha-noi' is ambiguous: Ha Noi (01) or Hanoi (02); give the code");
    dti_error_init(&err);
    assert_int_equal(dti_lookup_find(&l, "HUE", S_name_label, NULL, &i, &err), DTI_OK);
    assert_int_equal(i, 2);
    dti_lookup_clear(&l);

    char reg_path[] = "/tmp/dti_test_reg_XXXXXX", al_path[] = "/tmp/dti_test_al_XXXXXX";
    int fd = mkstemp(reg_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("provinces:\n  - {code: \"01\", name: Ha Noi, ascii: Ha Noi}\n"
          "  - {code: \"02\", name: Hanoi, ascii: Hanoi}\n  - {code: \"03\", name: Hue, ascii: Hue}\n", f);
    fclose(f);
    dti_registry *reg = NULL;
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(reg_path, &reg, &err), DTI_ERR_INPUT);
    assert_int_equal(err.e[0].line, 3);
    assert_int_equal(err.e[0].column, 24);
    assert_string_equal(err.e[0].message, "'Hanoi' and 'Ha Noi' (line 2) are one name once case, diacritics, spaces "
                                          "and 'TP.' are ignored: a lookup of either would be ambiguous");
    f = fopen(reg_path, "w");
    fputs("provinces:\n  - {code: \"01\", name: Ha Noi, ascii: Ha Noi}\n"
          "  - {code: \"02\", name: Hai Phong, ascii: Hai Phong}\n  - {code: \"03\", name: Hue, ascii: Hue}\n", f);
    fclose(f);
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(reg_path, &reg, &err), DTI_OK);
    unlink(reg_path);
    fd = mkstemp(al_path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("aliases:\n  \"03\": [Huế city, HANOI]\n", f);
    fclose(f);
    dti_error_init(&err);
    assert_int_equal(dti_registry_load_aliases(reg, al_path, &err), DTI_ERR_INPUT);
    unlink(al_path);
    assert_int_equal(err.e[0].line, 2);
    assert_int_equal(err.e[0].column, 20); /* '  "03": [Huế city, ' is 19 characters (Huế's ế is one) */
    assert_string_equal(err.e[0].message, "alias 'HANOI' of Hue already names Ha Noi");
    dti_registry_free(reg);
}

/* Optimal string alignment distance by hand: kitten -> sitting is 3 (k->s, e->i, +g); a transposition
 * is one edit; the empty string is as far as the other's length. */
static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(dti_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(dti_edit_distance("ca", "ac"), 1);
    assert_int_equal(dti_edit_distance("thainguyen", "thaingyuen"), 1);
    assert_int_equal(dti_edit_distance("", "abc"), 3);
    assert_int_equal(dti_edit_distance("abc", "abc"), 0);
    assert_int_equal(dti_edit_distance("delta", "beta"), 2);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_load_counts),
        cmocka_unit_test(test_registry_find_forms),
        cmocka_unit_test(test_registry_find_unknown),
        cmocka_unit_test(test_registry_units_by_name),
        cmocka_unit_test(test_registry_ambiguous_and_bad_aliases),
        cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests_name("registry", tests, S_setup, S_teardown);
}
