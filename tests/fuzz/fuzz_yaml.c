/* fuzz_yaml.c -- libFuzzer target for the YAML loaders: every input goes through the tree loader and
 * then through each file kind's loader (framework, registry, year record against the real registry).
 * Any crash, leak or sanitizer report is a bug; errors are the expected outcome for most inputs.
 * Build and run: make fuzz (clang with -fsanitize=fuzzer,address,undefined; corpus: data/ and models/). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dtirank.h"
#include "ynode.h"

#ifndef DTI_SRCDIR
#define DTI_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_registry *reg;
    static char path[64];
    if (!reg) {
        dti_error err;
        dti_error_init(&err);
        if (dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err))
            abort();
        snprintf(path, sizeof path, "/tmp/dti_fuzz_%ld.yaml", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
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
    return 0;
}
