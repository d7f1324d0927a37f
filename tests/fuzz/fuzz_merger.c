/* fuzz_merger.c -- libFuzzer target for the merger files (merger.c): the input as a merger map checked
 * against the real registry given a numbers column by fuzz.sh (build-fuzz/registry-numbers.yaml; the
 * plain registry when absent), and, when it loads, weighted by a present and an absent column; and
 * as a merger rule (models/merger.yaml). */
#include "fuzz_common.h"
#include "merger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_registry *numbered;
    if (!numbered) {
        dti_error err;
        dti_error_init(&err);
        if (dti_registry_load(DTI_SRCDIR "/build-fuzz/registry-numbers.yaml", &numbered, &err))
            numbered = S_fuzz_registry();
    }
    const dti_registry *reg = numbered;
    const char *path = S_fuzz_file(data, size, ".yaml");
    dti_error err;
    dti_error_init(&err);
    dti_merger m;
    if (dti_merger_load(path, reg, &m, &err) == DTI_OK) {
        dti_error_init(&err);
        (void)dti_merger_set_weights(&m, reg, "population", &err);
        dti_error_init(&err);
        (void)dti_merger_set_weights(&m, reg, "households", &err);
        size_t unit;
        dti_error_init(&err);
        (void)dti_merger_find(&m, "Thai Nguyen", &unit, &err);
        dti_registry *units = dti_merger_units_registry(&m, reg, "merger-fuzz");
        dti_registry_free(units);
        dti_merger_clear(&m);
    }
    dti_merger_rule rule;
    dti_error_init(&err);
    if (dti_merger_rule_load(path, &rule, &err) == DTI_OK)
        dti_merger_rule_clear(&rule);
    return 0;
}
