/* fuzz_targets.c -- libFuzzer target for the targets file (targets.c, models/targets.yaml), checked
 * against the real registry. */
#include "fuzz_common.h"
#include "project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dti_registry *reg = S_fuzz_registry();
    const char *path = S_fuzz_file(data, size, ".yaml");
    dti_error err;
    dti_error_init(&err);
    dti_target *t = NULL;
    size_t n = 0;
    if (dti_targets_load(path, reg, &t, &n, &err) == DTI_OK)
        for (size_t i = 0; i < n; i++)
            if (t[i].province >= dti_registry_count(reg) || t[i].top < 1 || t[i].top > dti_registry_count(reg))
                abort();
    free(t);
    return 0;
}
