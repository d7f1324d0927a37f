/* cmd_data.c -- `dtirank validate` (every file kind the project reads, every error found) and
 * `dtirank units` (the names a command accepts). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "present.h"

static const char S_validate_usage[] =
    "Usage: dtirank validate [--format F] FILE...\n"
    "Checks frameworks (models/*.yaml), year records (data/dti/*.yaml) and the province registry.\n"
    "Prints every error as FILE:LINE:COLUMN: error: MESSAGE, warnings likewise, and 'FILE: ok' for\n"
    "each valid file.  Exit status 1 if any file has an error.\n"
    "\n";

int dti_cmd_validate(int argc, char **argv)
{
    static const dti_cli_spec spec = {"validate", DTI_IN_PLACES, NULL, 0, NULL, 1, S_validate_usage, NULL};
    dti_cli_inputs in;
    int rc = dti_cli_parse(&in, &spec, NULL, argc, argv);
    if (rc >= 0)
        return rc;
    if (!in.n_args)
        return dti_cli_refuse(&in, "no file to validate");
    dti_error reg_err;
    dti_error_init(&reg_err);
    (void)dti_cli_registry(&in, &reg_err); /* only needed for year records */
    int status = 0;
    for (size_t i = 0; i < in.n_args; i++) {
        dti_error err, warn;
        dti_error_init(&err);
        dti_error_collect(&err);
        dti_error_init(&warn);
        dti_error_collect(&warn);
        const char *kind;
        rc = dti_validate_file(in.args[i], in.reg, in.models_dir, &err, &warn, &kind);
        if (rc && !in.reg && err.n && strstr(err.e[0].message, "no province registry"))
            dti_error_print(&reg_err, stderr);
        dti_error_print(&err, stderr);
        dti_error_print_kind(&warn, stderr, "warning");
        if (rc)
            status = rc == DTI_ERR_INTERNAL ? 2 : status > 1 ? status : 1;
        else
            printf("%s: ok (%s%s)\n", in.args[i], kind, warn.n ? ", with warnings" : "");
    }
    dti_cli_clear(&in);
    return status;
}
