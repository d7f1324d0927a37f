/* fuzz_uncertainty.c -- libFuzzer target for the uncertainty files of tune sensitivity (dti_uncertainty_load
 * in tune_load.c, bound by dti_tune_sens_new), for the ASEM framework and data; when the file loads, a few
 * Monte Carlo draws run through it (memo and all). */
#include "fuzz_common.h"
#include "dataset.h"
#include "tune.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_framework *fw;
    static dti_dataset *ds;
    if (!fw) {
        dti_error err;
        dti_error_init(&err);
        S_fuzz_need(dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw, &err), &err);
        S_fuzz_need(dti_dataset_load(DTI_SRCDIR "/data/asem.yaml", fw, NULL, NULL, &ds, &err), &err);
    }
    const char *path = S_fuzz_file(data, size, ".yaml");
    dti_error err;
    dti_error_init(&err);
    dti_uncertainty *u = NULL;
    dti_tune_sens *s = NULL;
    if (dti_uncertainty_load(path, &u, &err) == DTI_OK && dti_tune_sens_new(fw, ds, u, 1, &s, &err) == DTI_OK) {
        dti_error_init(&err);
        (void)dti_tune_sens_mc(s, 20, 1, 10, &err);
        dti_tune_sens_free(s);
    }
    dti_uncertainty_free(u);
    return 0;
}
