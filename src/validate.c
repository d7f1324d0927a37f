/* validate.c -- `dtirank validate`: recognise a file's kind from its top-level keys and load it with
 * the matching loader, collecting every error the loader can report. */
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "internal.h"
#include "merger.h"
#include "project.h"
#include "ynode.h"

int dti_validate_file(const char *path, const dti_registry *reg, const char *models_dir, dti_error *err,
                      dti_error *warnings, const char **kind)
{
    dti_ynode *root = NULL;
    *kind = "file";
    int rc = dti_yaml_load(path, &root, err);
    if (rc)
        return rc;
    int is_framework = dti_ynode_get(root, "nodes") != NULL;
    int is_year = dti_ynode_get(root, "year") != NULL;
    int is_registry = !is_year && dti_ynode_get(root, "provinces") != NULL;
    /* a data table for the engine names its model: `model: asem` -> <models_dir>/asem.yaml */
    const dti_ynode *model = dti_ynode_get(root, "model");
    char *table_model = !is_framework && !is_year && dti_ynode_get(root, "units") && model &&
                                model->kind == DTI_Y_SCALAR && !strchr(model->text, '/')
                            ? dti_strdup(model->text)
                            : NULL;
    const dti_ynode *units = dti_ynode_get(root, "units");
    int is_merger = !table_model && units && units->kind == DTI_Y_SEQUENCE && units->n > 0 &&
                    dti_ynode_get(units->items[0], "old") != NULL;
    int is_targets = dti_ynode_get(root, "targets") != NULL;
    dti_ynode_free(root);
    if ((is_merger || is_targets) && !reg)
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "no province registry to check it against");
    if (is_merger) {
        dti_merger m;
        *kind = "merger map";
        rc = dti_merger_load(path, reg, &m, err);
        if (!rc)
            dti_merger_clear(&m);
        return rc;
    }
    if (is_targets) {
        dti_target *t = NULL;
        size_t n_t;
        *kind = "targets";
        rc = dti_targets_load(path, reg, &t, &n_t, err);
        free(t);
        return rc;
    }
    if (table_model) {
        size_t len = strlen(models_dir) + strlen(table_model) + 8;
        char *mpath = dti_xcalloc(len, 1);
        snprintf(mpath, len, "%s/%s.yaml", models_dir, table_model);
        dti_framework *fw = NULL;
        dti_dataset *ds = NULL;
        *kind = "data table";
        rc = dti_framework_load(mpath, &fw, err);
        if (!rc)
            rc = dti_dataset_load(path, fw, NULL, NULL, &ds, err);
        dti_dataset_free(ds);
        dti_framework_free(fw);
        free(mpath);
        free(table_model);
        return rc;
    }
    if (is_framework) {
        dti_framework *fw = NULL;
        *kind = "framework";
        rc = dti_framework_load(path, &fw, err);
        dti_framework_free(fw);
    } else if (is_year) {
        dti_year *yr = NULL;
        *kind = "year record";
        if (!reg)
            return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "no province registry to check it against");
        rc = dti_year_load(path, reg, models_dir, &yr, err);
        if (!rc)
            for (size_t i = 0; i < yr->warnings.n; i++) {
                const dti_error_entry *e = &yr->warnings.e[i];
                dti_error_set(warnings, e->code, e->path, e->line, e->column, "%s", e->message);
            }
        dti_year_free(yr);
    } else if (is_registry) {
        dti_registry *r = NULL;
        *kind = "province registry";
        rc = dti_registry_load(path, &r, err);
        dti_registry_free(r);
    } else {
        rc = dti_error_set(err, DTI_ERR_INPUT, path, 1, 1,
                           "not a dtirank file: expected a framework (nodes:), a year record (year:), a "
                           "province registry (provinces:), a data table, a merger map or targets");
    }
    return rc;
}
