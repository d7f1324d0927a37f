/* cli.c -- what every command of the dtirank program shares: where the data are, paths, one-line
 * usage errors, option values, and loading the merger setting.  Part of the program, not the library. */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"

#ifndef DTI_DATADIR
#define DTI_DATADIR "."
#endif

const char *dti_cli_home(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("DTIRANK_HOME");
    return env && *env ? env : DTI_DATADIR;
}

char *dti_cli_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s/%s", a, b);
    return s;
}

int dti_cli_fail(const dti_error *err)
{
    dti_error_print(err, stderr);
    return err->code == DTI_ERR_INTERNAL ? 2 : 1;
}

int dti_cli_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "dtirank: error: %s\nTry 'dtirank %s%s--help'.\n", msg, cmd ? cmd : "", cmd ? " " : "");
    return 1;
}

/* getopt_long's own messages are off (opterr = 0): one message of ours names the option. */
int dti_cli_bad_option(const char *cmd, int c, char **argv)
{
    char msg[256];
    const char *opt = argv[optind - 1];
    if (c == ':')
        snprintf(msg, sizeof msg, "option '%s' needs a value", opt);
    else
        snprintf(msg, sizeof msg, "unknown option '%s'", opt);
    return dti_cli_usage_error(cmd, msg);
}

int dti_cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || *s == '-' || v < lo || v > hi)
        return -1;
    *out = (size_t)v;
    return 0;
}

size_t dti_cli_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static int S_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t dti_cli_years(const char *dir, int *years, size_t max)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y, len = 0;
        if (sscanf(e->d_name, "%4d.yaml%n", &y, &len) == 1 && len == 9 && e->d_name[9] == '\0' && y >= DTI_YEAR_MIN &&
            y <= DTI_YEAR_MAX && n < max)
            years[n++] = y;
    }
    closedir(d);
    qsort(years, n, sizeof *years, S_cmp_int);
    return n;
}

int dti_cli_latest_year(const char *dir)
{
    int years[256];
    size_t n = dti_cli_years(dir, years, 256);
    return n ? years[n - 1] : 0;
}

int dti_cli_year_path(const char *dti_dir, int year, char **path, dti_error *err)
{
    int years[256];
    size_t n = dti_cli_years(dti_dir, years, 256);
    for (size_t i = 0; i < n; i++)
        if (years[i] == year) {
            char name[32];
            snprintf(name, sizeof name, "%d.yaml", year);
            *path = dti_cli_join(dti_dir, name);
            return DTI_OK;
        }
    char list[1024] = "";
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%d", i ? ", " : "", years[i]);
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no record for %d in %s (years: %s)", year, dti_dir,
                         n ? list : "none");
}

int dti_cli_load_registry(const char *home, const char *reg_path, dti_registry **reg, dti_error *err)
{
    int rc = dti_registry_load(reg_path, reg, err);
    if (rc)
        return rc;
    /* The units of the reorganisation, for records that rank them (`frame:`).  A registry the
     * shipped map does not fit (a user's own) simply has none: such records then say so. */
    dti_error quiet;
    dti_error_init(&quiet);
    dti_merger_rule rule;
    dti_merger m;
    memset(&m, 0, sizeof m);
    if (!dti_cli_load_merger(home, *reg, NULL, &rule, &m, &quiet)) {
        dti_registry_attach_units(*reg, dti_merger_units_registry(&m, *reg, rule.map));
        dti_merger_clear(&m);
        dti_merger_rule_clear(&rule);
    }
    return DTI_OK;
}

/* The merger setting: models/merger.yaml names the map (data/<map>.yaml) and the rule; --merge-weight
 * overrides the rule's weight column. */
int dti_cli_load_merger(const char *home, const dti_registry *reg, const char *weight, dti_merger_rule *rule,
                        dti_merger *m, dti_error *err)
{
    char *rule_path = dti_cli_join(home, "models/merger.yaml");
    int rc = dti_merger_rule_load(rule_path, rule, err);
    free(rule_path);
    if (rc)
        return rc;
    char name[256];
    snprintf(name, sizeof name, "data/%s.yaml", rule->map);
    char *map_path = dti_cli_join(home, name);
    rc = dti_merger_load(map_path, reg, m, err);
    free(map_path);
    if (!rc && (rc = dti_merger_set_weights(m, reg, weight ? weight : rule->weight, err)))
        dti_merger_clear(m);
    if (rc) /* nothing stays loaded on failure */
        dti_merger_rule_clear(rule);
    return rc;
}

