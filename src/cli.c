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
    dti_error err; /* the message may echo an argument: printed through the error object, made safe */
    dti_error_init(&err);
    dti_error_set(&err, DTI_ERR_USAGE, NULL, 0, 0, "%s", msg);
    dti_error_print(&err, stderr);
    fprintf(stderr, "Try 'dtirank %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
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
    return n < 1 ? 1 : (size_t)n > DTI_THREADS_MAX ? DTI_THREADS_MAX : (size_t)n;
}

/* The latest year with a file data/dti/<year>.yaml, or 0. */
int dti_cli_latest_year(const char *dir)
{
    DIR *d = opendir(dir);
    int best = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        int y;
        char tail[8];
        if (sscanf(e->d_name, "%4d.%7s", &y, tail) == 2 && !strcmp(tail, "yaml") && y > best)
            best = y;
    }
    closedir(d);
    return best;
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
    /* data/<map>.yaml, built at its full length: a cut name could name another file */
    char *data_dir = dti_cli_join(home, "data"), *map_path = dti_cli_join(data_dir, rule->map);
    size_t len = strlen(map_path) + sizeof ".yaml";
    char *map_file = malloc(len);
    if (!map_file)
        abort();
    snprintf(map_file, len, "%s.yaml", map_path);
    rc = dti_merger_load(map_file, reg, m, err);
    free(map_file);
    free(map_path);
    free(data_dir);
    if (!rc && (rc = dti_merger_set_weights(m, reg, weight ? weight : rule->weight, err)))
        dti_merger_clear(m);
    if (rc) /* nothing stays loaded on failure */
        dti_merger_rule_clear(rule);
    return rc;
}

