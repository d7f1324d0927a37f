/* probe.c -- a program of someone else's, built against the installed libdtirank with pkg-config
 * (tests/install/run.sh): the installed registry, a name looked up, the official ranking rule. */
#include <dtirank.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    size_t i, ranks[4];
    const double v[4] = {0.61, 0.7385, 0.61, 0.5}; /* ties share a rank, the next is skipped: 2 1 2 4 */
    if (argc != 2 || dti_registry_load(argv[1], &reg, &err) || dti_registry_find(reg, "thai nguyen", &i, &err) ||
        dti_rank_competition(v, 4, 4, ranks, NULL, &err)) {
        dti_error_print(&err, stderr);
        return 1;
    }
    printf("%zu provinces; %s = %s (%s); ranks %zu %zu %zu %zu\n", dti_registry_count(reg), dti_registry_code(reg, i),
           dti_registry_name(reg, i), dti_registry_ascii(reg, i), ranks[0], ranks[1], ranks[2], ranks[3]);
    dti_registry_free(reg);
    return 0;
}
