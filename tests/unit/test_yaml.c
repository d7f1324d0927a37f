/* test_yaml.c -- the YAML layer: positions of syntax and semantic errors, refused aliases and depth,
 * and the scalar rules (quoted text is not a number, decimal commas, NaN, whole numbers). */
#include <stdlib.h>
#include <string.h>

#include "ynode.h"
#include <gsl/gsl_errno.h>

#include "testutil.h"

static char S_path[64];

/* Writes `text` to a temporary file and loads it; returns the status and fills err. */
static int S_load(const char *text, dti_ynode **root, dti_error *err)
{
    strcpy(S_path, "/tmp/dti_test_yaml_XXXXXX");
    int fd = mkstemp(S_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    dti_error_init(err);
    int rc = dti_yaml_load(S_path, root, err);
    remove(S_path);
    return rc;
}

static void S_expect_error(const char *text, size_t line, size_t col, const char *msg)
{
    dti_ynode *root = NULL;
    dti_error err;
    assert_int_equal(S_load(text, &root, &err), DTI_ERR_INPUT);
    assert_null(root);
    assert_int_equal(err.e[0].line, line);
    assert_int_equal(err.e[0].column, col);
    assert_string_equal(err.e[0].message, msg);
}

static void test_yaml_load_errors(void **state)
{
    (void)state;
    S_expect_error("a: 1\nb: *x\n", 2, 4, "YAML aliases are not allowed (*x)");
    S_expect_error("a: &x [1, 2]\n", 1, 4, "YAML anchors are not allowed (&x)");
    S_expect_error("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first at line 1)");
    S_expect_error("? [1]\n: 2\n", 1, 3, "a mapping key must be a plain value, not a sequence");
    S_expect_error("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document in the file");
    S_expect_error("a: [1, 2\n", 2, 1, "YAML syntax: did not find expected ',' or ']' while parsing a flow sequence");
}

static void test_yaml_load_depth(void **state)
{
    (void)state;
    /* 10,000 nested lists: refused at the 65th level, without recursion. */
    size_t n = 10000;
    char *text = malloc(2 * n + 2);
    memset(text, '[', n);
    memset(text + n, ']', n);
    text[2 * n] = '\n';
    text[2 * n + 1] = '\0';
    S_expect_error(text, 1, DTI_YAML_MAX_DEPTH + 1, "nesting deeper than 64 levels");
    free(text);
}

static void test_yaml_scalars(void **state)
{
    (void)state;
    dti_ynode *root = NULL;
    dti_error err;
    assert_int_equal(S_load("a: 0,6924\nb: \"0.5\"\nc: .nan\nd: 8.5\ne: 0.6924\nf: ~\ng: 1e-3\n", &root, &err), DTI_OK);
    dti_yctx c = {"f.yaml", &err};
    double v;
    long k;
    dti_error_init(&err);
    assert_int_equal(dti_y_number(&c, dti_ynode_get(root, "a"), "dti", &v), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "dti: '0,6924' uses a decimal comma; write a decimal point");
    assert_int_equal(err.e[0].line, 1);
    assert_int_equal(err.e[0].column, 4);
    dti_error_init(&err);
    assert_int_equal(dti_y_number(&c, dti_ynode_get(root, "b"), "dti", &v), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "dti must be a number, not quoted text \"0.5\"");
    dti_error_init(&err);
    assert_int_equal(dti_y_number(&c, dti_ynode_get(root, "c"), "dti", &v), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "dti: '.nan' is not a number");
    dti_error_init(&err);
    assert_int_equal(dti_y_integer(&c, dti_ynode_get(root, "d"), "rank", 1, 63, &k), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "rank must be a whole number, not 8.5");
    dti_error_init(&err);
    assert_int_equal(dti_y_number(&c, dti_ynode_get(root, "e"), "dti", &v), DTI_OK);
    assert_close(v, 0.6924, 0, 0);
    assert_true(dti_y_is_null(dti_ynode_get(root, "f")));
    assert_int_equal(dti_y_number(&c, dti_ynode_get(root, "g"), "x", &v), DTI_OK);
    assert_close(v, 0.001, 0, 0);
    dti_ynode_free(root);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_load_errors),
        cmocka_unit_test(test_yaml_load_depth),
        cmocka_unit_test(test_yaml_scalars),
    };
    return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
