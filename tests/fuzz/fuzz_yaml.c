/* fuzz_yaml.c -- libFuzzer target for the YAML loaders: every input goes through the tree loader and
 * then through each file kind's loader (framework, registry, year record against the real registry,
 * validate's recognition of the kind).  Any crash, leak or sanitizer report is a bug; errors are the
 * expected outcome for most inputs.  Build and run: make fuzz (tests/fuzz/fuzz.sh). */
#include "fuzz_common.h"
#include "ynode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dti_registry *reg = S_fuzz_registry();
    const char *path = S_fuzz_file(data, size, ".yaml");
    dti_error err;
    dti_error_init(&err);
    dti_ynode *root = NULL;
    if (dti_yaml_load(path, &root, &err) == DTI_OK)
        dti_ynode_free(root);
    dti_framework *fw = NULL;
    dti_error_init(&err);
    if (dti_framework_load(path, &fw, &err) == DTI_OK)
        dti_framework_free(fw);
    dti_registry *r = NULL;
    dti_error_init(&err);
    if (dti_registry_load(path, &r, &err) == DTI_OK)
        dti_registry_free(r);
    dti_year *yr = NULL;
    dti_error_init(&err);
    if (dti_year_load(path, reg, DTI_SRCDIR "/models", &yr, &err) == DTI_OK)
        dti_year_free(yr);
    dti_error warn;
    const char *kind;
    dti_error_init(&err);
    dti_error_collect(&err);
    dti_error_init(&warn);
    dti_error_collect(&warn);
    dti_validate_options o = {reg, DTI_SRCDIR "/models", NULL};
    (void)dti_validate_file(path, &o, &err, &warn, &kind);
    return 0;
}
