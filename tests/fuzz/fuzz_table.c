/* fuzz_table.c -- libFuzzer target for the data tables of the engine (dataset.c): the input is read
 * as a table for the ASEM framework and for the SYNTHETIC example-raw framework (categories,
 * denominators, groups, previous values), as YAML and as CSV (the loader decides by the extension), and,
 * when it loads, scored by the engine.  fuzz_csv.c fuzzes the CSV reader alone. */
#include <math.h>

#include "fuzz_common.h"
#include "dataset.h"
#include "engine.h"
#include "internal.h"

static const char *const S_models[] = {DTI_SRCDIR "/models/asem.yaml", DTI_SRCDIR "/models/example-raw.yaml"};

/* The file extensions the table loader is given: YAML and CSV. */
static const char *const S_formats[] = {".yaml", ".csv"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_framework *fw[2];
    if (!fw[0])
        for (size_t k = 0; k < 2; k++) {
            dti_error err;
            dti_error_init(&err);
            S_fuzz_need(dti_framework_load(S_models[k], &fw[k], &err), &err);
        }
    for (size_t f = 0; f < sizeof S_formats / sizeof *S_formats; f++) {
        const char *path = S_fuzz_file(data, size, S_formats[f]);
        for (size_t k = 0; k < 2; k++) {
            dti_error err;
            dti_error_init(&err);
            dti_dataset *ds = NULL;
            if (dti_dataset_load(path, fw[k], S_fuzz_registry(), DTI_SRCDIR "/models", &ds, &err))
                continue;
            dti_engine *w = dti_engine_alloc(fw[k], ds->n_units);
            dti_engine_settings set = {.denominators = ds->denominators,
                                       .unit_names = (const char *const *)ds->unit,
                                       .previous = ds->has_previous ? ds->previous : NULL,
                                       .path = ds->path};
            size_t *groups = dti_xcalloc(ds->n_units, sizeof *groups);
            if (fw[k]->defaults.impute.group &&
                !dti_dataset_groups(ds, fw[k]->defaults.impute.group, groups, &set.n_groups, NULL, &err))
                set.groups = groups;
            dti_engine_result r;
            dti_error_init(&err);
            if (dti_engine_run(w, ds->values, &set, &r, &err) == DTI_OK)
                for (size_t u = 0; u < r.n_units; u++) { /* what leaves the engine: within the limit, or
                                                          * missing and then unranked */
                    double v = r.values[fw[k]->root * r.n_units + u];
                    if (isnan(v) ? r.rank[u] != 0 : (!(fabs(v) <= DTI_VALUE_MAX) || r.rank[u] == 0))
                        abort();
                }
            free(groups);
            dti_engine_free(w);
            dti_dataset_free(ds);
        }
    }
    return 0;
}
