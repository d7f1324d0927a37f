/* cli.h -- shared helpers of the dtirank program's commands (cli.c) and the commands themselves
 * (cmd_*.c), dispatched by main.c.  Exit status of every command: 0 success, 1 bad input or usage,
 * 2 internal error. */
#ifndef DTI_CLI_H
#define DTI_CLI_H

#include <stddef.h>

#include "dtirank.h"
#include "merger.h"

/* Long options without a short form, shared by several commands (getopt_long values). */
enum {
    DTI_OPT_REGISTRY = 256,
    DTI_OPT_MODELS,
    DTI_OPT_HOME,
    DTI_OPT_UNITS,
    DTI_OPT_MERGE_WEIGHT,
    DTI_OPT_FORCE,
    DTI_OPT_FIRST_FREE
};

#define DTI_CLI_THREADS_ERROR "--threads needs a whole number from 1 to 64"

/* The help line of --force (every command with --out). */
#define DTI_CLI_FORCE_HELP "      --force         with --out: replace a symbolic link or a file with other hard links\n"

/* The directory holding data/ and models/: --home, else $DTIRANK_HOME, else the build directory. */
const char *dti_cli_home(const char *opt);
/* "a/b", malloc'ed (aborts when out of memory). */
char *dti_cli_join(const char *a, const char *b);
/* Prints the errors and returns the exit status (1, or 2 for internal errors). */
int dti_cli_fail(const dti_error *err);
/* "dtirank: error: MSG" and "Try 'dtirank CMD --help'." on stderr; returns 1. */
int dti_cli_usage_error(const char *cmd, const char *msg);
/* The usage error for getopt_long's ':' (missing value) or '?' (unknown option). */
int dti_cli_bad_option(const char *cmd, int c, char **argv);
/* A whole number in lo..hi, or -1. */
int dti_cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out);
/* Online processors, at most DTI_THREADS_MAX (the default thread count). */
size_t dti_cli_cores(void);
/* The latest year with a file <dir>/<year>.yaml, or 0. */
int dti_cli_latest_year(const char *dir);
/* models/merger.yaml -> data/<map>.yaml -> weights (weight overrides the rule's column).  On failure
 * nothing stays loaded. */
int dti_cli_load_merger(const char *home, const dti_registry *reg, const char *weight, dti_merger_rule *rule,
                        dti_merger *m, dti_error *err);

int dti_cmd_rank(int argc, char **argv);
int dti_cmd_validate(int argc, char **argv);
int dti_cmd_score(int argc, char **argv);
int dti_cmd_audit(int argc, char **argv);
int dti_cmd_project(int argc, char **argv, int backtest);
int dti_cmd_tune(int argc, char **argv);

#endif
