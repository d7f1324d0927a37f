/* test_cache.c -- the backtest kept for `dtirank report` (backtest_cache.c): the shipped
 * models/backtest.json parses and describes the current settings (the candidates and the backtest
 * origins of models/projection.yaml) and the record as it is (its last year); the check says what
 * differs; broken files are refused at their line and column. */
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"
#include "testutil.h"

/* The last year with a record DIR/data/dti/<year>.yaml. */
static int S_last_year(void)
{
    DIR *d = opendir(DTI_SRCDIR "/data/dti");
    assert_non_null(d);
    int last = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y, len = 0;
        if (sscanf(e->d_name, "%4d.yaml%n", &y, &len) == 1 && len == 9 && !e->d_name[9] && y > last)
            last = y;
    }
    closedir(d);
    return last;
}

static void test_backtest_cache_shipped(void **state)
{
    (void)state;
    dti_backtest_cache bc;
    dti_projection_config cfg;
    dti_error err;
    dti_error_init(&err);
    if (dti_backtest_cache_load(DTI_SRCDIR "/models/backtest.json", &bc, &err))
        fail_msg("%s:%zu:%zu: %s", err.e[0].path, err.e[0].line, err.e[0].column, err.e[0].message);
    assert_int_equal(dti_projection_config_load(DTI_SRCDIR "/models/projection.yaml", &cfg, &err), DTI_OK);
    char why[512];
    if (!dti_backtest_cache_check(&bc, &cfg, S_last_year(), why, sizeof why))
        fail_msg("models/backtest.json is stale (%s): run `make backtest`", why);
    /* every candidate has its pooled row in both frames, with a PIT histogram of its n forecasts */
    for (size_t m = 0; m < cfg.n_candidates; m++)
        for (int frame = DTI_FRAME_PROVINCES; frame <= DTI_FRAME_UNITS; frame++) {
            const dti_backtest_row *r = dti_backtest_cache_row(&bc, cfg.candidates[m], frame);
            assert_non_null(r);
            double total = 0;
            for (int b = 0; b < DTI_BT_PIT_BINS; b++)
                total += r->pit[b];
            assert_close(total, (double)r->n, 0, 0.5);
            assert_true(r->in80 >= 0 && r->in80 <= 1 && r->in50 <= r->in80);
        }
    assert_non_null(bc.made);
    assert_non_null(bc.sampler);
    dti_backtest_cache_clear(&bc);
}

/* The check against settings and a record that moved on, by hand. */
static void test_backtest_cache_check_stale(void **state)
{
    (void)state;
    dti_backtest_cache bc;
    memset(&bc, 0, sizeof bc);
    bc.models[0] = DTI_MODEL_PANEL;
    bc.models[1] = DTI_MODEL_EFFECTS;
    bc.n_models = 2;
    bc.origins[0] = 2021;
    bc.n_origins = 1;
    bc.record_to = 2024;
    dti_projection_config cfg;
    dti_projection_config_default(&cfg);
    cfg.candidates[0] = DTI_MODEL_PANEL;
    cfg.candidates[1] = DTI_MODEL_EFFECTS;
    cfg.n_candidates = 2;
    cfg.origins[0] = 2021;
    cfg.n_origins = 1;
    char why[512];
    assert_int_equal(dti_backtest_cache_check(&bc, &cfg, 2024, why, sizeof why), 1);
    assert_string_equal(why, "");
    assert_int_equal(dti_backtest_cache_check(&bc, &cfg, 2025, why, sizeof why), 0);
    assert_string_equal(why, "it scored the record to 2024; the record now reaches 2025");
    cfg.candidates[1] = DTI_MODEL_AR1;
    assert_int_equal(dti_backtest_cache_check(&bc, &cfg, 2024, why, sizeof why), 0);
    assert_string_equal(why, "its models are panel, effects; the candidates now: panel, ar1");
    cfg.candidates[1] = DTI_MODEL_EFFECTS;
    cfg.origins[0] = 2022;
    assert_int_equal(dti_backtest_cache_check(&bc, &cfg, 2024, why, sizeof why), 0);
    assert_string_equal(why, "its origins differ from the settings' backtest origins");
}

/* A file written here, loaded, its first error compared. */
static void S_bad(const char *text, const char *want)
{
    char path[] = "/tmp/dti_test_cache_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    dti_backtest_cache bc;
    dti_error err;
    dti_error_init(&err);
    assert_int_equal(dti_backtest_cache_load(path, &bc, &err), DTI_ERR_INPUT);
    char got[1024];
    snprintf(got, sizeof got, "%zu:%zu: %s", err.e[0].line, err.e[0].column, err.e[0].message);
    assert_string_equal(got, want);
    remove(path);
}

#define S_META "\"metadata\": {\"origins\": \"2021\", \"record_to\": 2024, \"runs\": 10, \"seed\": 1, "

/* Columns counted by hand: on line 2 the value of "models" starts at 86 (a blank, then "metadata": { 13
 * characters, the four metadata pairs 19 + 19 + 12 + 11, "models": 10); on line 3 the value of "tables"
 * at 12 and that of "rows" at 40; on line 4 the value of "pit_histogram" at 173. */
static void test_backtest_cache_refuses(void **state)
{
    (void)state;
    S_bad("{\"command\": \"rank\"}\n", "1:13: the output of 'dtirank rank', not of 'dtirank backtest'");
    S_bad("{\"command\": \"backtest\", \"version\": \"0.1.0\"}\n",
          "1:1: missing key 'metadata' in a backtest");
    S_bad("{\"command\": \"backtest\", \"version\": \"0.1.0\",\n " S_META "\"models\": \"panel, nope\"}}\n",
          "2:86: unknown model 'nope' (use persistence, trend, panel, ar1, ar1-breaks, effects, effects-breaks or "
          "effects-breaks-t)");
    S_bad("{\"command\": \"backtest\", \"version\": \"0.1.0\",\n " S_META "\"models\": \"panel\"},\n"
          " \"tables\": [{\"name\": \"choice\"}]}\n",
          "3:12: no table 'scores' (the file of 'dtirank backtest --format json' has one)");
    S_bad("{\"command\": \"backtest\", \"version\": \"0.1.0\",\n " S_META "\"models\": \"panel\"},\n"
          " \"tables\": [{\"name\": \"scores\", \"rows\": [\n"
          "  {\"model\": \"panel\", \"frame\": \"provinces\", \"origin\": null, \"target\": null, \"n\": 3, \"log\": 1, "
          "\"log_se\": 0.1, \"in80\": 0.8, \"in50\": 0.5, \"crps\": 2, \"mae\": 2, \"pit_histogram\": \"1 1 1\"}]}]}\n",
          "4:173: 'pit_histogram' must hold 10 counts");
    S_bad("{\"command\": \"backtest\", \"version\": \"0.1.0\",\n " S_META "\"models\": \"panel, ar1\"},\n"
          " \"tables\": [{\"name\": \"scores\", \"rows\": [\n"
          "  {\"model\": \"panel\", \"frame\": \"provinces\", \"origin\": null, \"target\": null, \"n\": 3, \"log\": 1, "
          "\"log_se\": 0.1, \"in80\": 0.8, \"in50\": 0.5, \"crps\": 2, \"mae\": 2, \"pit_histogram\": \"1 0 0 0 0 0 0 0 1 1\"}]}]}\n",
          "3:40: no pooled row (origin and target null) of the model ar1 among the provinces");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backtest_cache_shipped),
        cmocka_unit_test(test_backtest_cache_check_stale),
        cmocka_unit_test(test_backtest_cache_refuses),
    };
    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
