/* fuzz_costs.c -- libFuzzer target for the costs file of tune goal (dti_costs_load in tune_load.c,
 * then dti_costs_apply for the DTI 2022 framework): every cost that loads is in (0, DTI_COST_MAX]. */
#include "fuzz_common.h"
#include "engine.h"
#include "internal.h"
#include "tune.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dti_framework *fw;
    static double *cost;
    static size_t nj;
    if (!fw) {
        dti_error err;
        dti_error_init(&err);
        S_fuzz_need(dti_framework_load(DTI_SRCDIR "/models/dti-2022.yaml", &fw, &err), &err);
        size_t *ind = dti_xcalloc(fw->n_nodes, sizeof *ind);
        nj = dti_engine_indicators(fw, ind);
        free(ind);
        cost = dti_xcalloc(nj + 1, sizeof *cost);
    }
    const char *path = S_fuzz_file(data, size, ".yaml");
    dti_error err;
    dti_error_init(&err);
    dti_costs *cs = NULL;
    if (dti_costs_load(path, &cs, &err) == DTI_OK && dti_costs_apply(cs, fw, cost, &err) == DTI_OK)
        for (size_t j = 0; j < nj; j++)
            if (!(cost[j] > 0 && cost[j] <= DTI_COST_MAX))
                abort();
    dti_costs_free(cs);
    return 0;
}
