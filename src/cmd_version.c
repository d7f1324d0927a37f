/* cmd_version.c -- `dtirank --version`: the version, the vintage of the data the program reads (the
 * years of the record in HOME/data/dti) and the libraries it was built against.  Part of the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int dti_cmd_version(void)
{
    const char *home = dti_cli_home();
    size_t len = strlen(home) + sizeof "/data/dti";
    char *dir = malloc(len);
    if (!dir)
        abort();
    snprintf(dir, len, "%s/data/dti", home);
    dti_cli_inputs in;
    memset(&in, 0, sizeof in);
    in.dti_dir = dir;
    int years[256];
    size_t n = dti_cli_years(&in, years, sizeof years / sizeof *years);
    printf("dtirank %s\n", DTI_VERSION);
    if (n > 1)
        printf("data: the DTI record to %d (%d-%d, %zu yearly records) in %s\n", years[n - 1], years[0], years[n - 1], n,
               dir);
    else if (n)
        printf("data: the DTI record to %d (1 yearly record) in %s\n", years[0], dir);
    else
        printf("data: no yearly record in %s\n", dir);
    char libs[512];
    dti_version_libraries(libs, sizeof libs);
    printf("built against: %s\n", libs);
    free(dir);
    return 0;
}
