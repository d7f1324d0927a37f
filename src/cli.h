/* cli.h -- what the dtirank program's commands (cmd_*.c, dispatched by main.c) share: one inputs
 * object holding every option a command may take and what it resolves to (paths, the registry, the
 * merger), one option table and parser, the loaders in the order the commands call them, the name
 * lookup on the command line, and one way out (dti_cli_emit: the report layer through the atomic
 * writer).  Exit status of every command: 0 success, 1 bad input or usage, 2 internal error. */
#ifndef DTI_CLI_H
#define DTI_CLI_H

#include <stddef.h>

#include "dataset.h"
#include "dtirank.h"
#include "merger.h"
#include "project.h"
#include "report.h"

/* The options every command shares, by id; a command accepts a set of them (DTI_IN bits). */
enum dti_cli_opt_id {
    DTI_O_HOME, DTI_O_REGISTRY, DTI_O_MODELS, DTI_O_DATA, DTI_O_YEAR, DTI_O_MODEL, DTI_O_PROVINCE, DTI_O_UNITS,
    DTI_O_MERGE_WEIGHT, DTI_O_FORMAT, DTI_O_OUT, DTI_O_FORCE, DTI_O_TABLE, DTI_O_BOM, DTI_O_RUNS, DTI_O_SEED,
    DTI_O_THREADS, DTI_O_TOP, DTI_O_DELIMITER, DTI_O_DECIMAL_COMMA,
    DTI_O_WEIGHTS, DTI_O_TABLE_YEAR, DTI_O_IMPUTE_YEARS, /* issue 14: weight sets, multi-year tables */
    DTI_O_COUNT
};
#define DTI_IN(id) (1u << DTI_O_##id)
/* Where the data are; how the result is written (every command). */
#define DTI_IN_PLACES (DTI_IN(HOME) | DTI_IN(REGISTRY) | DTI_IN(MODELS))
#define DTI_IN_OUTPUT (DTI_IN(FORMAT) | DTI_IN(OUT) | DTI_IN(FORCE) | DTI_IN(TABLE) | DTI_IN(BOM))
#define DTI_IN_MERGER (DTI_IN(UNITS) | DTI_IN(MERGE_WEIGHT))
#define DTI_IN_MC (DTI_IN(RUNS) | DTI_IN(SEED) | DTI_IN(THREADS))
/* How a CSV data table is read (every command that reads --data). */
#define DTI_IN_CSV (DTI_IN(DELIMITER) | DTI_IN(DECIMAL_COMMA))
/* Which year of a multi-year data table, and its imputation over time (docs/methods.md §2a). */
#define DTI_IN_PANEL (DTI_IN(TABLE_YEAR) | DTI_IN(IMPUTE_YEARS))
#define DTI_CLI_REPEAT 4 /* values kept of an option given more than once (compare takes two) */

/* The inputs of one command: the options as given, then what they resolve to.  Filled by
 * dti_cli_parse and the loaders below; released by dti_cli_clear. */
typedef struct dti_cli_inputs {
    const char *cmd; /* "rank", "tune sensitivity": for messages */
    /* ---- the options as given (NULL / 0: not given) ---- */
    const char *home_opt, *registry_opt, *models_opt;
    const char *data;         /* --data FILE */
    int year;                 /* --year Y (DTI_YEAR_MIN..DTI_YEAR_MAX) */
    const char *model;        /* --model: a framework file (score, audit, tune) or a projection model */
    const char *province;     /* --province P */
    size_t units;             /* --units N: the registry's count or the merger's */
    const char *merge_weight; /* --merge-weight C */
    int format;               /* --format (DTI_FORMAT_TEXT by default) */
    int format_given;         /* --format was given (a command may have another default: report's html) */
    const char *out;          /* --out FILE */
    int force;                /* --force: --out may replace a symbolic link or a file with other links */
    dti_report_options report; /* --table NAME, --bom */
    size_t runs, seed, threads, top; /* with runs_given etc. */
    int runs_given, seed_given, threads_given;
    dti_data_options csv;     /* --delimiter, --decimal-comma */
    const char *weights;      /* --weights NAME: a weight set of the model, or pca / balance */
    int impute_years;         /* --impute-years: enum dti_panel_method, -1 when not given */
    /* every value of each shared option, in the order given (at most DTI_CLI_REPEAT; a later value
     * also replaces the single field above): `compare --model A --model B` */
    const char *given[DTI_O_COUNT][DTI_CLI_REPEAT];
    size_t n_given[DTI_O_COUNT];
    /* the positional arguments after the options */
    char **args;
    size_t n_args;
    /* ---- resolved ---- */
    const char *home;   /* --home, $DTIRANK_HOME or the build directory */
    char *reg_path;     /* --registry or HOME/data/provinces.yaml */
    char *models_dir;   /* --models or HOME/models */
    char *dti_dir;      /* HOME/data/dti */
    char *data_path;    /* the data: --data, or the year record of --year (dti_cli_year_path) */
    char *aliases_path; /* the aliases loaded with the registry (aliases.yaml beside it), or NULL */
    int latest;         /* no --year: data_path is the latest year of the record */
    dti_registry *reg;  /* dti_cli_registry: with the units of the 2025 reorganisation attached */
    dti_merger_rule rule; /* dti_cli_merger */
    dti_merger merger;
    int has_merger;
} dti_cli_inputs;

/* A command's own option: the long name, whether it takes a value, a short letter (0: none) and an id
 * handed to the command's handler. */
typedef struct dti_cli_opt {
    const char *name;
    int has_arg;
    int short_name;
    int id;
} dti_cli_opt;
/* Called for each of a command's own options; returns NULL or a usage message (static storage). */
typedef const char *(*dti_cli_handler)(void *ctx, int id, const char *arg);

struct dti_cli_inputs;
/* A command's own check of the options once parsed: NULL, or a usage message ("--model is required"). */
typedef const char *(*dti_cli_check)(const struct dti_cli_inputs *in, const void *ctx);
/* A command's work on its parsed inputs (ctx: what its own options filled); returns the exit status. */
typedef int (*dti_cli_main)(struct dti_cli_inputs *in, void *ctx);

/* A command's command line: the shared options it accepts (DTI_IN bits), its own options, whether it
 * takes positional arguments, a check of the parsed options, and its help: `usage` (usage line, what
 * it does, the options whose meaning is its own), then the shared options' lines (one text for every
 * command), then `notes`. */
typedef struct dti_cli_spec {
    const char *cmd; /* "rank", "tune sensitivity" */
    unsigned accepts;
    const dti_cli_opt *extra;
    size_t n_extra;
    dti_cli_handler on;
    int positional;
    dti_cli_check check; /* NULL: none */
    const char *usage;
    const char *notes; /* NULL: none */
} dti_cli_spec;

/* Parses argv (argv[0] the command name) by spec: the shared options fill `in`, each of the command's
 * own calls spec->on(ctx, id, value), -h/--help prints the help.  Returns -1 to go on, else the exit
 * status to return (0 after --help, 1 for a usage error, printed). */
int dti_cli_parse(dti_cli_inputs *in, const dti_cli_spec *spec, void *ctx, int argc, char **argv);
void dti_cli_clear(dti_cli_inputs *in);
/* Every command: parse argv by spec (help and usage errors end here), then run(in, ctx), then clear
 * the inputs.  Returns the exit status. */
int dti_cli_run(const dti_cli_spec *spec, void *ctx, dti_cli_main run, int argc, char **argv);

/* The home when --home is not given: $DTIRANK_HOME, else the directory dtirank was built (or installed)
 * for (static storage or the environment's). */
const char *dti_cli_home(void);
/* `dtirank --version`: the version, the data vintage (the years of HOME/data/dti) and the libraries. */
int dti_cmd_version(void);

/* "dtirank: error: MSG" and "Try 'dtirank CMD --help'." on stderr; returns 1. */
int dti_cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints the errors and returns the exit status (1, or 2 for internal errors). */
int dti_cli_fail(const dti_error *err);
/* A whole number in lo..hi, or -1. */
int dti_cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out);
/* Online processors, at most DTI_THREADS_MAX (the default thread count). */
size_t dti_cli_cores(void);

/* The years with a record <dti_dir>/<year>.yaml, ascending (at most max). */
size_t dti_cli_years(const dti_cli_inputs *in, int *years, size_t max);
/* in->data_path: --data, else the record of --year, else the latest year (in->latest).  DTI_ERR_USAGE
 * listing the years when --year has no record. */
int dti_cli_year_path(dti_cli_inputs *in, dti_error *err);
/* in->reg: the registry (--registry), data/aliases.yaml beside the default one, and the units of the
 * 2025 reorganisation (models/merger.yaml and its map) when they fit it. */
int dti_cli_registry(dti_cli_inputs *in, dti_error *err);
/* in->rule, in->merger: models/merger.yaml -> data/<map>.yaml -> weights (--merge-weight overrides the
 * rule's column); needs in->reg.  Nothing stays loaded on failure. */
int dti_cli_merger(dti_cli_inputs *in, dti_error *err);
/* --units N: 0 (not given, or the registry's count: the provinces) or 1 (the merger's units; the
 * merger is then loaded).  DTI_ERR_USAGE for another N.  --merge-weight alone loads the merger too. */
int dti_cli_units(dti_cli_inputs *in, int *units, dti_error *err);
/* Loaders of the files that need the registry (every input file is recorded by io.c). */
int dti_cli_year(dti_cli_inputs *in, const char *path, dti_year **yr, dti_error *err);
/* The data table at in->data_path for framework fw: a generic table, or a year record (read with
 * in->reg, loaded on demand). */
int dti_cli_dataset(dti_cli_inputs *in, const dti_framework *fw, dti_dataset **ds, dti_error *err);
/* The same for the data at `path` (compare: one table per variant). */
int dti_cli_dataset_at(dti_cli_inputs *in, const char *path, const dti_framework *fw, dti_dataset **ds,
                       dti_error *err);

/* The unit (of the 2025 reorganisation) a name gives: a unit's name, or a former province's
 * (dti_registry_find_unit; needs the merger).  When a former province is named for a unit of several,
 * `via` receives a sentence that says so ("" otherwise). */
int dti_cli_find_unit(dti_cli_inputs *in, const char *query, size_t *unit, size_t *province, char *via, size_t size,
                      dti_error *err);
/* The province an analysis is about when none is named: the first of models/targets.yaml (the project's
 * default), or (size_t)-1 when there is none. */
size_t dti_cli_default_province(dti_cli_inputs *in);

/* What project, backtest and report read (cmd_project.c): every data/dti/<year>.yaml, the units' own
 * published tables beside them (data/dti/<year>-34.yaml), the targets, the projection settings
 * (`settings`, NULL: DIR/models/projection.yaml) and the record as the projection sees it; the registry
 * and the merger are loaded into `in`.  dti_cli_record_clear. */
typedef struct dti_cli_record {
    dti_year *years[DTI_PROJECT_MAX_YEARS];
    char *paths[DTI_PROJECT_MAX_YEARS];
    size_t n_years;
    dti_year *pub[DTI_PROJECT_MAX_YEARS]; /* the units' own published tables */
    char *pub_paths[DTI_PROJECT_MAX_YEARS];
    size_t n_pub;
    dti_target *targets;
    size_t n_targets;
    char *tgt_path, *cfg_path;
    dti_projection_config cfg;
    dti_project_obs obs;
} dti_cli_record;
int dti_cli_record_load(dti_cli_inputs *in, const char *settings, dti_cli_record *l, dti_error *err);
void dti_cli_record_clear(dti_cli_record *l);

/* Writes doc in in->format to --out (atomically, never over a file the process has read: io.c) or
 * standard output; returns the exit status.  doc is not freed. */
int dti_cli_emit(dti_cli_inputs *in, const dti_report *doc);

int dti_cmd_rank(int argc, char **argv);
int dti_cmd_units(int argc, char **argv);
int dti_cmd_validate(int argc, char **argv);
int dti_cmd_score(int argc, char **argv);
int dti_cmd_audit(int argc, char **argv);
int dti_cmd_project(int argc, char **argv, int backtest);
int dti_cmd_report(int argc, char **argv);
int dti_cmd_tune(int argc, char **argv);
int dti_cmd_template(int argc, char **argv);
int dti_cmd_import(int argc, char **argv);
int dti_cmd_compare(int argc, char **argv);
int dti_cmd_profile(int argc, char **argv);

#endif
