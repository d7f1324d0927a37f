/* fuzz_csv.c -- libFuzzer target for CSV tables: every input goes through the reader from memory
 * (dti_csv_parse, delimiter detected and forced) and through the data-table loader as a file, for a
 * generic framework (asem: free codes, groups, denominators) and a DTI one (dti-2022: provinces of the
 * registry, a range), with and without --decimal-comma.  Any crash, leak or sanitizer report is a bug.
 * Build and run: make fuzz-csv (clang; corpus: the tables of tests/csv and tests/bad/files/csv_*). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "csv_read.h"
#include "dataset.h"

#ifndef DTI_SRCDIR
#define DTI_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_framework *fw[2];
    static dti_registry *reg;
    static char path[64];
    if (!fw[0]) {
        dti_error err;
        dti_error_init(&err);
        if (dti_framework_load(DTI_SRCDIR "/models/asem.yaml", &fw[0], &err) ||
            dti_framework_load(DTI_SRCDIR "/models/dti-2022.yaml", &fw[1], &err) ||
            dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err))
            abort();
        snprintf(path, sizeof path, "/tmp/dti_fuzz_%ld.csv", (long)getpid());
    }
    static const char delims[] = {0, ';'};
    for (size_t k = 0; k < 2; k++) {
        dti_error err;
        dti_error_init(&err);
        dti_csv *t = NULL;
        if (dti_csv_parse("fuzz.csv", (const char *)data, size, delims[k], NULL, &t, &err) == DTI_OK)
            dti_csv_free(t);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    for (size_t k = 0; k < 4; k++) {
        dti_error err;
        dti_error_init(&err);
        dti_dataset *ds = NULL;
        dti_data_options opt = {0, (int)(k / 2), 0};
        if (dti_dataset_load_csv(path, fw[k % 2], reg, &opt, &ds, &err) == DTI_OK)
            dti_dataset_free(ds);
    }
    return 0;
}
