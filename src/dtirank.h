/* dtirank.h -- the public interface of libdtirank.
 *
 * The library reads DTI frameworks, the province registry and yearly records from YAML, computes index
 * values and official-style rankings, and formats tables.  It never prints and never exits: every
 * function that can fail returns an int status (0 = DTI_OK) and fills the dti_error passed last.
 * No GSL or libyaml type appears here.
 */
#ifndef DTIRANK_H
#define DTIRANK_H

#include <stddef.h>
#include <stdio.h>

#define DTI_VERSION "0.1.0"
/* The libraries the library was built against, for `dtirank --version`: "GSL 2.7.1, libyaml 0.2.5,
 * utf8proc 2.8.0, libxlsxwriter 1.1.4", each followed by " (running X)" when the shared library loaded
 * at run time is another release.  Writes at most size bytes (NUL-terminated when size > 0) and
 * returns the length of the whole text, as snprintf does. */
size_t dti_version_libraries(char *buf, size_t size);

/* The years a record, a target or an option may name (a sanity range, not a claim about DTI). */
#define DTI_YEAR_MIN 1900
#define DTI_YEAR_MAX 2200

/* ---- errors ---------------------------------------------------------------------------------------- */

enum dti_status {
    DTI_OK = 0,
    DTI_ERR_INPUT = 1,    /* bad input data: syntax or semantic error, with a position */
    DTI_ERR_USAGE = 2,    /* bad command-line use */
    DTI_ERR_IO = 3,       /* a file could not be read or written */
    DTI_ERR_INTERNAL = 4  /* a bug or an impossible numeric state */
};

#define DTI_ERROR_MAX 64 /* entries kept in collect mode; later ones are counted, not stored */

typedef struct dti_error_entry {
    int code;
    char path[512];
    size_t line;   /* 1-based; 0 when the error has no position */
    size_t column; /* 1-based; 0 when the error has no position */
    char message[512];
} dti_error_entry;

/* The error object.  By default the first error wins and later ones are ignored.  In collect mode
 * (dti_error_collect) up to DTI_ERROR_MAX errors are kept, so `validate` can report them all. */
typedef struct dti_error {
    int code; /* the first error's code, DTI_OK if none */
    int collect;
    size_t n;       /* entries stored */
    size_t dropped; /* entries beyond DTI_ERROR_MAX */
    dti_error_entry e[DTI_ERROR_MAX];
} dti_error;

void dti_error_init(dti_error *err);
void dti_error_collect(dti_error *err);
/* Records an error (printf-style message) and returns code.  `path` may be NULL; line/column 0 = none. */
int dti_error_set(dti_error *err, int code, const char *path, size_t line, size_t column, const char *fmt,
                  ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Writes each stored error as "path:line:column: error: message\n" (or "dtirank: error: message"). */
void dti_error_print(const dti_error *err, FILE *out);
/* The same with another word in place of "error" (e.g. "warning"). */
void dti_error_print_kind(const dti_error *err, FILE *out, const char *kind);

/* ---- province registry ----------------------------------------------------------------------------- */

typedef struct dti_registry dti_registry;

/* Loads a registry (data/provinces.yaml).  *out is owned by the caller: dti_registry_free. */
int dti_registry_load(const char *path, dti_registry **out, dti_error *err);
void dti_registry_free(dti_registry *reg);
size_t dti_registry_count(const dti_registry *reg);
/* Borrowed strings, valid until dti_registry_free.  The library's own modules read the structures
 * (internal.h); programs above it (cmd_*.c) use these functions only. */
const char *dti_registry_name(const dti_registry *reg, size_t i);
const char *dti_registry_code(const dti_registry *reg, size_t i);
const char *dti_registry_ascii(const dti_registry *reg, size_t i);
const char *dti_registry_successor(const dti_registry *reg, size_t i);
/* Finds a province by code ("19", "019"), Vietnamese name, ASCII name or alias (data/aliases.yaml),
 * ignoring case, diacritics, spaces, punctuation, a leading "TP."/"Thành phố"/"Tỉnh" and a trailing
 * "city"/"province".  Returns 0 and sets *index, or DTI_ERR_INPUT with a message that names the query
 * and the candidates when it is ambiguous, or the nearest names when it is unknown (lookup.c). */
int dti_registry_find(const dti_registry *reg, const char *query, size_t *index, dti_error *err);
/* With the units of a reorganisation attached (dti_registry_attach_units): the unit a query names --
 * a unit's name, or a former province's (its unit).  *province: the former province the query also
 * names (its index), else (size_t)-1 ("TP. Huế" names the unit only; "Bắc Kạn" and "Thái Nguyên"
 * name a province of the unit Thái Nguyên too). */
int dti_registry_find_unit(const dti_registry *reg, const char *query, size_t *unit, size_t *province,
                           dti_error *err);
/* Adds the aliases of `path` (data/aliases.yaml: `aliases: {code: [name, ...]}`) to the lookup of reg;
 * an alias naming another province is an error at its position. */
int dti_registry_load_aliases(dti_registry *reg, const char *path, dti_error *err);
/* The aliases loaded into reg, as written: their count, and the i-th (borrowed, lives as long as reg)
 * with the index of its province in *province (when not NULL). */
size_t dti_registry_alias_count(const dti_registry *reg);
const char *dti_registry_alias(const dti_registry *reg, size_t i, size_t *province);
/* Attaches the registry of the units of a reorganisation (built by the merger module) to a provinces'
 * registry, which then owns it: year records with `frame: <map>` are read against it. */
void dti_registry_attach_units(dti_registry *reg, dti_registry *units);
/* The units' registry attached to reg, or NULL. */
const dti_registry *dti_registry_units(const dti_registry *reg);

/* ---- frameworks (models/dti-*.yaml) ---------------------------------------------------------------- */

typedef struct dti_framework dti_framework;

enum dti_node_role {
    DTI_NODE_INDEX,     /* the root: the index itself */
    DTI_NODE_AGGREGATE, /* a pillar or sub-index computed from its children */
    DTI_NODE_INDICATOR, /* an input (a leaf of the tree) */
    DTI_NODE_REPORTED   /* published but not computed by this framework (e.g. 2021-23 pillars) */
};

int dti_framework_load(const char *path, dti_framework **out, dti_error *err);
void dti_framework_free(dti_framework *fw);
const char *dti_framework_title(const dti_framework *fw);
/* Index of the node with this id, or (size_t)-1. */
size_t dti_framework_node_find(const dti_framework *fw, const char *id);
const char *dti_framework_node_name(const dti_framework *fw, size_t i, int english);
/* 0 when some weight is `unknown` (not published, e.g. DTI 2024): the index cannot be computed from
 * the indicators, tables rank on the published index. */
int dti_framework_weights_known(const dti_framework *fw);
/* DTI_OK, or DTI_ERR_INPUT at the first unknown weight (for analyses that need the weights). */
int dti_framework_require_weights(const dti_framework *fw, dti_error *err);

/* ---- yearly records (data/dti/<year>.yaml) --------------------------------------------------------- */

typedef struct dti_year dti_year;

/* Loads a year record.  The framework it names (`model: dti-2022`) is read from
 * <models_dir>/<model>.yaml and owned by the record.  Provinces are resolved against `reg`, which
 * must outlive the record; a record with `frame: <map>` ranks the units of a reorganisation and is
 * resolved against the units' registry attached to `reg` (dti_registry_attach_units). */
int dti_year_load(const char *path, const dti_registry *reg, const char *models_dir, dti_year **out,
                  dti_error *err);
void dti_year_free(dti_year *yr);
int dti_year_year(const dti_year *yr);
/* The reorganisation whose units the record ranks (e.g. "merger-2025"), NULL for the provinces. */
const char *dti_year_frame(const dti_year *yr);
/* The registry the record's entries index: the provinces', or the attached units' one. */
const dti_registry *dti_year_registry(const dti_year *yr);

/* ---- ranking rule ---------------------------------------------------------------------------------- */

/* Standard competition ranking ("1, 2, 2, 4") of n values, higher is better, decided on the values
 * rounded to `precision` decimals (half away from zero; precision < 0 = unrounded).  NaN values get
 * rank 0 (= no rank) and do not count.  ranks[i] receives the rank of values[i]; `order` (n entries,
 * may be NULL) receives the indices sorted by rank, ties in index order, NaN last. */
int dti_rank_competition(const double *values, size_t n, int precision, size_t *ranks, size_t *order,
                         dti_error *err);

/* ---- data tables in CSV (docs/methods.md, "CSV tables") ------------------------------------------ */

/* How a CSV data table is read; all zero (or a NULL pointer) = the defaults.  Given for a YAML file,
 * the delimiter or the decimal comma is an error (it would silently do nothing); `year` applies to
 * every multi-year table (docs/methods.md §2a). */
typedef struct dti_data_options {
    char delimiter;    /* 0: ',' or ';' detected from the header; else ',', ';' or '\t' */
    int decimal_comma; /* accept 0,5267 as 0.5267 (then a decimal point is refused) */
    int year;          /* a multi-year table's data year (`--table-year`); 0: its latest */
} dti_data_options;

/* Parses "," ";" "tab" (or a tab character) into *delimiter; returns 0 or DTI_ERR_USAGE. */
int dti_delimiter_parse(const char *s, char *delimiter, dti_error *err);

/* ---- composite scores (the engine: docs/methods.md) ------------------------------------------------- */

typedef struct dti_score dti_score;

/* Runs the composite-index engine (docs/methods.md) once: the methods of the framework's `defaults:`
 * and node settings (denominate, impute, screen, treat, normalise, aggregate), then competition ranks
 * of the index, on a loaded data table (dataset.h: dti_dataset_load).  fw and the data are borrowed and
 * must outlive the score.  *out is owned by the caller: dti_score_free. */
struct dti_dataset;
int dti_score_run(const dti_framework *fw, const struct dti_dataset *data, dti_score **out, dti_error *err);
void dti_score_free(dti_score *sc);

/* ---- validation ----------------------------------------------------------------------------------- */

/* What a file is checked against: the registry (year records, merger maps, targets, aliases; may be
 * NULL), the frameworks a year record or data table names, and a framework given by the user for data
 * tables, uncertain inputs and goal costs (NULL: data tables are checked against the model they name,
 * or for their structure alone). */
typedef struct dti_validate_options {
    const dti_registry *reg;
    const char *models_dir;
    const dti_framework *model;
    const dti_data_options *csv; /* how a CSV table is read (NULL: the defaults) */
} dti_validate_options;

/* Recognises the kind of `path` from its top-level keys (framework, year record, registry, data table,
 * merger map, merger rule, targets, uncertain inputs, goal costs, aliases) -- or a CSV data table
 * (dti_csv_sniff), read for o->model, which it then needs --, loads it with the loader
 * every command uses and records every error found in `err` (use collect mode) and record warnings in
 * `warnings`.  *kind names what was checked. */
int dti_validate_file(const char *path, const dti_validate_options *o, dti_error *err, dti_error *warnings,
                      const char **kind);

/* ---- threads -------------------------------------------------------------------------------------- */

/* The most worker threads a computation takes (project, backtest, tune sensitivity): every thread has
 * its own workspace, so memory grows with the count; results do not depend on it. */
#define DTI_THREADS_MAX 64

/* ---- output files ---------------------------------------------------------------------------------- */

/* The atomic writer: every result file goes through it.
 *
 * dti_output_open checks the destination and returns a stream; what is written to it is held in
 * memory until dti_output_commit, which writes a temporary file beside the destination, fsyncs it,
 * renames it over the destination and fsyncs the directory.  So no temporary file exists while the
 * result is computed, and a failed or interrupted command leaves the destination as it was: the
 * temporary file is removed on failure and on SIGINT, SIGTERM or SIGHUP (a handler that only unlinks
 * and re-raises, installed for the few moments the file exists).  dti_output_abort discards it all.
 *
 * The destination path is resolved (realpath of its directory) and refused, with DTI_ERR_USAGE, when
 *   - it is a file this process has read (any file opened by the loaders, directly or named by another
 *     file: io.h records each by device and inode; checked again at commit);
 *   - it is a directory, a device, a FIFO or a socket;
 *   - it is a symbolic link, or a file with more than one hard link, unless flags has DTI_OUTPUT_FORCE
 *     (which then replaces the link, or this one name, by a new regular file).
 * The old file's permission bits are kept; a new file gets 0666 & ~umask.  path NULL, "-" or
 * "/dev/stdout" write straight to standard output.  *out is freed by commit or abort. */
typedef struct dti_output dti_output;
enum { DTI_OUTPUT_FORCE = 1u << 0 };
int dti_output_open(const char *path, unsigned flags, dti_output **out, dti_error *err);
FILE *dti_output_stream(dti_output *o);
int dti_output_commit(dti_output *o, dti_error *err);
/* The same with a check of the file as written: once the temporary file is complete and before it is
 * renamed, fn(its path, ctx) may read it back; a non-zero return (fn has filled the caller's error)
 * removes it, leaves the destination as it was and is returned.  Standard output is not checked. */
typedef struct dti_output_check {
    int (*fn)(const char *tmp_path, void *ctx);
    void *ctx;
} dti_output_check;
int dti_output_commit_checked(dti_output *o, const dti_output_check *check, dti_error *err);
void dti_output_abort(dti_output *o);

#endif
