/* testscore.h -- the engine run on a framework file and a data file, for the tests that only need a
 * score: the framework and the data must outlive the score (dti_score_run borrows them), so the three
 * are kept together and freed together (dti_test_score_free). */
#ifndef DTI_TESTSCORE_H
#define DTI_TESTSCORE_H

#include "audit.h"
#include "dataset.h"
#include "internal.h"

#define DTI_TEST_MAX_SCORES 16

typedef struct {
    dti_score *sc;
    dti_audit *a;
    dti_framework *fw;
    dti_dataset *ds;
} dti_test_scored;

static dti_test_scored dti_test_scores[DTI_TEST_MAX_SCORES];

static inline dti_test_scored *dti_test_slot(void)
{
    for (size_t k = 0; k < DTI_TEST_MAX_SCORES; k++)
        if (!dti_test_scores[k].fw)
            return &dti_test_scores[k];
    return NULL;
}

/* Loads model and data (no registry: generic tables) into a free slot; 0 or the loader's status. */
static inline int dti_test_load(const char *model, const char *data, dti_test_scored **slot, dti_error *err)
{
    dti_test_scored *s = dti_test_slot();
    if (!s)
        return dti_error_set(err, DTI_ERR_INTERNAL, NULL, 0, 0, "testscore.h: no free slot");
    int rc = dti_framework_load(model, &s->fw, err);
    if (!rc && (rc = dti_dataset_load(data, s->fw, NULL, NULL, &s->ds, err))) {
        dti_framework_free(s->fw);
        s->fw = NULL;
    }
    *slot = rc ? NULL : s;
    return rc;
}

/* The score of `data` under `model` (dti_score_run); free it with dti_test_score_free. */
static inline int dti_test_score(const char *model, const char *data, dti_score **out, dti_error *err)
{
    dti_test_scored *s = NULL;
    *out = NULL;
    int rc = dti_test_load(model, data, &s, err);
    if (!rc && (rc = dti_score_run(s->fw, s->ds, &s->sc, err))) {
        dti_dataset_free(s->ds);
        dti_framework_free(s->fw);
        memset(s, 0, sizeof *s);
    }
    if (!rc)
        *out = s->sc;
    return rc;
}

/* The audit of `data` under `model` (dti_audit_compute); free it with dti_test_audit_free. */
static inline int dti_test_audit(const char *model, const char *data, dti_audit **out, dti_error *err)
{
    dti_test_scored *s = NULL;
    *out = NULL;
    int rc = dti_test_load(model, data, &s, err);
    if (!rc && (rc = dti_audit_compute(s->fw, s->ds, &s->a, err))) {
        dti_dataset_free(s->ds);
        dti_framework_free(s->fw);
        memset(s, 0, sizeof *s);
    }
    if (!rc)
        *out = s->a;
    return rc;
}

static inline void dti_test_score_free(dti_score *sc)
{
    for (size_t k = 0; k < DTI_TEST_MAX_SCORES; k++)
        if (dti_test_scores[k].fw && dti_test_scores[k].sc == sc) {
            dti_score_free(sc);
            dti_dataset_free(dti_test_scores[k].ds);
            dti_framework_free(dti_test_scores[k].fw);
            memset(&dti_test_scores[k], 0, sizeof dti_test_scores[k]);
        }
}

static inline void dti_test_audit_free(dti_audit *a)
{
    for (size_t k = 0; k < DTI_TEST_MAX_SCORES; k++)
        if (dti_test_scores[k].fw && dti_test_scores[k].a == a) {
            dti_audit_free(a);
            dti_dataset_free(dti_test_scores[k].ds);
            dti_framework_free(dti_test_scores[k].fw);
            memset(&dti_test_scores[k], 0, sizeof dti_test_scores[k]);
        }
}

#endif
