/* test_rank.c -- the official ranking rule against tests/reference/rank_expected.txt, which
 * tests/reference/competition_rank.py computes independently (decimal rounding, half away from zero). */
#include <stdlib.h>
#include <string.h>

#include "dtirank.h"
#include <gsl/gsl_errno.h>

#include "testutil.h"

static void test_rank_competition_reference_cases(void **state)
{
    (void)state;
    FILE *f = fopen(DTI_SRCDIR "/tests/reference/rank_expected.txt", "r");
    assert_non_null(f);
    char line[4096];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char *semi = strchr(line, ';');
        if (line[0] == '#' || !semi)
            continue;
        *semi = '\0';
        double v[64];
        size_t want[64], got[64], order[64], n = 0, m = 0;
        for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ","))
            v[n++] = (!strcmp(tok, "NA") || !strcmp(tok, "nan")) ? NAN : strtod(tok, NULL);
        for (char *tok = strtok(semi + 1, ", \n"); tok; tok = strtok(NULL, ", \n"))
            want[m++] = strcmp(tok, "NA") ? (size_t)strtoul(tok, NULL, 10) : 0;
        assert_int_equal(n, m);
        assert_int_equal(dti_rank_competition(v, n, 4, got, order, NULL), DTI_OK);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(got[i], want[i]);
        for (size_t k = 1; k < n; k++) /* order: by rank, NaN (rank 0) last */
            if (got[order[k]])
                assert_true(got[order[k - 1]] && got[order[k - 1]] <= got[order[k]]);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 10);
}

/* Hand check of the rule: 1, 2, 2, 4, and the tie decided on 4 decimals (0.80017 and 0.80024 are
 * both 0.8002), while unrounded they differ. */
static void test_rank_competition_ties(void **state)
{
    (void)state;
    double v[] = {0.9, 0.8, 0.8, 0.7};
    size_t r[4];
    dti_rank_competition(v, 4, 4, r, NULL, NULL);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 2);
    assert_int_equal(r[2], 2);
    assert_int_equal(r[3], 4);
    double w[] = {0.80017, 0.80024};
    dti_rank_competition(w, 2, 4, r, NULL, NULL);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 1);
    dti_rank_competition(w, 2, -1, r, NULL, NULL);
    assert_int_equal(r[0], 2);
    assert_int_equal(r[1], 1);
}

/* Values too large to have decimals at the published precision keep their order (the rounding key
 * once overflowed and ranked 1e300 and 1e16 last). */
static void test_rank_competition_huge(void **state)
{
    (void)state;
    double v[] = {5.0, 1e16, 1e300, 0.5};
    size_t r[4];
    dti_rank_competition(v, 4, 4, r, NULL, NULL);
    assert_int_equal(r[0], 3);
    assert_int_equal(r[1], 2);
    assert_int_equal(r[2], 1);
    assert_int_equal(r[3], 4);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_competition_reference_cases),
        cmocka_unit_test(test_rank_competition_ties),
        cmocka_unit_test(test_rank_competition_huge),
    };
    return cmocka_run_group_tests_name("rank", tests, NULL, NULL);
}
