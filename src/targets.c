/* targets.c -- models/targets.yaml: provinces' official rank targets (year, top k) with sources. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "project.h"
#include "ynode.h"

static const char *const S_top_keys[] = {"targets", "note", NULL};
static const char *const S_keys[] = {"province", "year", "top", "source", "note", NULL};

int dti_targets_load(const char *path, const dti_registry *reg, dti_target **out, size_t *n_out, dti_error *err)
{
    *out = NULL;
    *n_out = 0;
    dti_ynode *root = NULL;
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    dti_yctx c = {path, err};
    const dti_ynode *list;
    dti_target *t = NULL;
    if ((rc = dti_y_expect(&c, root, DTI_Y_MAPPING, "a targets file")) ||
        (rc = dti_y_check_keys(&c, root, S_top_keys, "a targets file")) ||
        (rc = dti_y_require(&c, root, "targets", "a targets file", &list)) ||
        (rc = dti_y_expect(&c, list, DTI_Y_SEQUENCE, "targets")))
        goto cleanup;
    t = dti_xcalloc(list->n, sizeof *t);
    for (size_t i = 0; i < list->n; i++) {
        const dti_ynode *m = list->items[i], *v;
        long x;
        char *name = NULL;
        if ((rc = dti_y_expect(&c, m, DTI_Y_MAPPING, "a target")) || (rc = dti_y_check_keys(&c, m, S_keys, "a target")) ||
            (rc = dti_y_require(&c, m, "province", "a target", &v)) || (rc = dti_y_string(&c, v, "province", &name)))
            goto cleanup;
        dti_error tmp;
        dti_error_init(&tmp);
        if (dti_registry_find(reg, name, &t[i].province, &tmp))
            rc = dti_y_error(&c, v, "%s", tmp.e[0].message);
        free(name);
        if (rc || (rc = dti_y_require(&c, m, "year", "a target", &v)) || (rc = dti_y_integer(&c, v, "year", DTI_YEAR_MIN, DTI_YEAR_MAX, &x)))
            goto cleanup;
        t[i].year = (int)x;
        if ((rc = dti_y_require(&c, m, "top", "a target", &v)) ||
            (rc = dti_y_integer(&c, v, "top", 1, (long)reg->n, &x)))
            goto cleanup;
        t[i].top = (size_t)x;
    }
    *n_out = list->n;
cleanup:
    dti_ynode_free(root);
    if (rc) {
        free(t);
        return rc;
    }
    *out = t;
    return DTI_OK;
}
