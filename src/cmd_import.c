/* cmd_import.c -- `dtirank template` (an empty table of a framework, to fill in a spreadsheet) and
 * `dtirank import` (a published table -> data/dti/<year>.yaml): load (cli.c, the CSV loaders) -> compute
 * (import.c) -> write the record through the atomic writer, loaded back and checked before it replaces
 * anything -> present (present_import.c). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csv_read.h"
#include "import.h"
#include "present.h"

/* ---- template ------------------------------------------------------------------------------------ */

static const char S_template_usage[] =
    "Usage: dtirank template --model M [--units 34] [--format csv|xlsx] [--out FILE]\n"
    "An empty table of framework M to fill: a header of the framework's codes (for a DTI framework the\n"
    "index and its rank first, then the indicators), a second row with their Vietnamese names, marked\n"
    "'#' in its first cell so that the reader skips it, and one row per province (or unit).  Read it\n"
    "back with --data (score, audit, tune) or dtirank import.\n"
    "\n"
    "  -m, --model M           a framework file, or the name of one in DIR/models (dti-2024)\n"
    "      --units N           63 (default: the provinces of the registry) or 34 (the units of the 2025\n"
    "                          reorganisation: a table for dtirank import --units 34)\n";

static const char S_template_notes[] =
    "The format is csv unless --format says otherwise; --format xlsx needs --out.\n";

/* The framework --model names: a file, else DIR/models/<name>.yaml.  NULL (and a message) otherwise. */
static char *S_model_path(const dti_cli_inputs *in, const char *m, dti_error *err)
{
    if (access(m, F_OK) == 0)
        return strdup(m);
    size_t len = strlen(in->models_dir) + strlen(m) + 8;
    char *p = malloc(len);
    if (!p)
        abort();
    snprintf(p, len, "%s/%s.yaml", in->models_dir, m);
    if (!strchr(m, '/') && access(p, F_OK) == 0)
        return p;
    free(p);
    dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown model '%s': no such file, nor %s/%s.yaml", m,
                  in->models_dir, m);
    return NULL;
}

static const char *S_template_check(const dti_cli_inputs *in, const void *ctx)
{
    (void)ctx;
    return in->model ? NULL : "--model is required";
}

static int S_template(dti_cli_inputs *in, void *ctx)
{
    if (!*(const int *)ctx) /* the default format of a table to fill */
        in->format = DTI_FORMAT_CSV;
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_report *doc = NULL;
    int units = 0;
    char *path = S_model_path(in, in->model, &err);
    if (path && !dti_framework_load(path, &fw, &err) && !dti_cli_registry(in, &err) &&
        !dti_cli_units(in, &units, &err)) {
        const dti_registry *reg = units ? dti_registry_units(in->reg) : in->reg;
        if (!reg)
            dti_error_set(&err, DTI_ERR_INPUT, in->reg_path, 0, 0, "the units of the reorganisation are not loaded");
        else
            doc = dti_present_template(fw, reg);
    }
    int rc = doc ? dti_cli_emit(in, doc) : dti_cli_fail(&err);
    dti_report_free(doc);
    dti_framework_free(fw);
    free(path);
    return rc;
}

/* Whether argv gives --format (the template's default is csv, the other commands' text). */
static int S_format_given(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "-f") || !strncmp(argv[i], "--format", 8) || !strncmp(argv[i], "-f", 2))
            return 1;
    }
    return 0;
}

int dti_cmd_template(int argc, char **argv)
{
    static const dti_cli_spec spec = {"template", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN(UNITS),
                                      NULL, 0, NULL, 0, S_template_check, S_template_usage, S_template_notes};
    int given = S_format_given(argc, argv);
    return dti_cli_run(&spec, &given, S_template, argc, argv);
}

/* ---- import -------------------------------------------------------------------------------------- */

static const char S_import_usage[] =
    "Usage: dtirank import --year Y [--units 34] TABLE.csv --source URL [--source-for COLUMN=URL]...\n"
    "                      [--model-name NAME] [--force]\n"
    "A published DTI table -> DIR/data/dti/Y.yaml, in the format of the shipped records: per row the\n"
    "index's rank and value and whichever indicators the table has (columns named by the framework's\n"
    "codes, as `dtirank template` writes them), each fact with its source and evidence 'imported'.  The\n"
    "record is loaded back and checked like the shipped ones before it is written (atomically); a rank\n"
    "that contradicts a value is an error.  rank, project and backtest then read it as it is.\n"
    "\n"
    "  -y, --year Y            the edition (2025 for DTI 2025)\n"
    "      --units N           34: the table ranks the units of the 2025 reorganisation (frame:\n"
    "                          merger-2025; needed for every edition after 2024); DTI 2024, published in\n"
    "                          both frames, then goes to DIR/data/dti/2024-34.yaml, beside the record of\n"
    "                          the provinces\n"
    "      --source URL        where the figures come from (required; every fact records it)\n"
    "      --source-for C=URL  the source of column C instead (repeatable)\n"
    "      --model-name NAME   the edition's framework (DIR/models/NAME.yaml; default: the model of the\n"
    "                          latest earlier record).  A framework that lists its editions (years:) and\n"
    "                          not this one is carried forward (model_assumed: true) when the year comes\n"
    "                          after them: DTI 2025's framework is not known yet\n"
    "      --force             replace an existing record of the year\n";

static const char S_import_notes[] =
    "The summary of what was written goes to standard output (--format: text, md, csv or json).\n";

enum { S_OPT_SOURCE, S_OPT_SOURCE_FOR, S_OPT_MODEL_NAME, S_OPT_FORCE };
#define S_MAX_SOURCE_FOR 64

typedef struct S_import_args {
    const char *source, *model_name;
    const char *source_for[S_MAX_SOURCE_FOR]; /* COLUMN=URL as given */
    size_t n_source_for;
    int force;
} S_import_args;

static const char *S_import_option(void *ctx, int id, const char *arg)
{
    S_import_args *a = ctx;
    switch (id) {
    case S_OPT_SOURCE:
        if (!arg[0])
            return "--source needs the URL (or the name) of the publication";
        a->source = arg;
        return NULL;
    case S_OPT_SOURCE_FOR: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || !eq[1])
            return "--source-for needs COLUMN=URL, e.g. dti_rank=https://dti.gov.vn/...";
        if (a->n_source_for == S_MAX_SOURCE_FOR)
            return "--source-for: at most 64";
        a->source_for[a->n_source_for++] = arg;
        return NULL;
    }
    case S_OPT_MODEL_NAME:
        if (!arg[0] || strchr(arg, '/') || arg[0] == '.')
            return "--model-name needs a framework's plain name such as dti-2024 (DIR/models/NAME.yaml)";
        a->model_name = arg;
        return NULL;
    default:
        a->force = 1;
        return NULL;
    }
}

static const char *S_import_check(const dti_cli_inputs *in, const void *ctx)
{
    const S_import_args *a = ctx;
    if (in->n_args != 1)
        return in->n_args ? "import reads one table" : "no table to import (dtirank import --year Y TABLE.csv --source URL)";
    if (!in->year)
        return "--year is required";
    if (!a->source)
        return "--source is required: the URL of the published table (every fact records its source)";
    return NULL;
}

/* The model of the latest record before `year` (the edition the new one follows); *path receives the
 * record's path. */
static int S_default_model(dti_cli_inputs *in, int year, char **path_out, char *name, size_t size, dti_error *err)
{
    int years[256];
    size_t n = dti_cli_years(in, years, 256), k = n;
    while (k > 0 && years[k - 1] >= year)
        k--;
    if (k == 0)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                             "no record before %d in %s to take the model from: give it (--model-name)", year,
                             in->dti_dir);
    char file[32];
    snprintf(file, sizeof file, "%d.yaml", years[k - 1]);
    size_t len = strlen(in->dti_dir) + 40;
    char *path = malloc(len);
    if (!path)
        abort();
    snprintf(path, len, "%s/%s", in->dti_dir, file);
    *path_out = path;
    dti_year *yr = NULL;
    int rc = dti_cli_year(in, path, &yr, err);
    if (!rc)
        snprintf(name, size, "%s", dti_import_model_name(yr));
    dti_year_free(yr);
    return rc;
}

typedef struct S_import_run {
    char *model_path, *record, *previous; /* previous: the record the default model comes from */
    dti_import_source source_for[S_MAX_SOURCE_FOR]; /* columns owned */
    dti_framework *fw;
    dti_dataset *ds;
    dti_csv *csv;
    dti_import *im;
    dti_year *back;
    dti_output *out;
} S_import_run;

static void S_import_clear(S_import_run *x)
{
    dti_output_abort(x->out);
    dti_year_free(x->back);
    dti_import_free(x->im);
    dti_csv_free(x->csv);
    dti_dataset_free(x->ds);
    dti_framework_free(x->fw);
    for (size_t i = 0; i < S_MAX_SOURCE_FOR; i++)
        free((char *)x->source_for[i].column);
    free(x->model_path);
    free(x->record);
    free(x->previous);
}

/* The table against the frame's registry; a table of the provinces read as units is said so. */
static int S_read_table(dti_cli_inputs *in, S_import_run *x, const dti_registry *frame_reg, int units,
                        dti_error *err)
{
    const char *table = in->args[0];
    if (!dti_csv_sniff(table))
        return dti_error_set(err, DTI_ERR_INPUT, table, 0, 0,
                             "a YAML file, not a CSV table: import reads a published table saved as CSV");
    int rc = dti_dataset_load_published_csv(table, x->fw, frame_reg, &in->csv, &x->ds, err);
    if (rc && units && rc == DTI_ERR_INPUT && err->e[0].line && strstr(err->e[0].message, "unknown unit")) {
        /* a province's name where a unit's is expected: a table of the provinces, or a former province */
        dti_error quiet;
        dti_error_init(&quiet);
        dti_csv *t = NULL;
        const char *name = NULL;
        size_t p = 0;
        if (!dti_csv_read(table, in->csv.delimiter, &t, &quiet))
            for (size_t i = 0; i < t->n_cells && !name; i++)
                if (t->cell[i].line == err->e[0].line && t->cell[i].column == err->e[0].column)
                    name = t->cell[i].text;
        if (name && !dti_registry_find(in->reg, name, &p, &quiet)) {
            dti_dataset *as_prov = NULL;
            int provinces = !dti_dataset_load_published_csv(table, x->fw, in->reg, &in->csv, &as_prov, &quiet) &&
                            as_prov->n_units > dti_registry_count(frame_reg);
            dti_dataset_free(as_prov);
            dti_error_entry e = err->e[0];
            dti_error_init(err);
            if (provinces)
                rc = dti_error_set(err, DTI_ERR_INPUT, e.path, e.line, e.column,
                                   "this table names the %zu provinces of the registry, not the %zu units of %s: "
                                   "import it without --units",
                                   dti_registry_count(in->reg), dti_registry_count(frame_reg), in->rule.map);
            else
                rc = dti_error_set(err, DTI_ERR_INPUT, e.path, e.line, e.column,
                                   "'%s' is a province of the registry, not a unit of %s: name its unit, %s", name,
                                   in->rule.map, in->merger.unit[in->merger.unit_of[p]]);
        }
        dti_csv_free(t);
    }
    if (!rc)
        rc = dti_csv_read(table, in->csv.delimiter, &x->csv, err);
    return rc;
}

/* The record as written, loaded back (the checked commit's step before the rename): any error of the
 * loader is the import's verdict, at the table's cells. */
typedef struct S_load_back {
    dti_cli_inputs *in;
    S_import_run *x;
    dti_error *err;
} S_load_back;

static int S_check_record(const char *tmp, void *ctx)
{
    S_load_back *lb = ctx;
    dti_error *lerr = malloc(sizeof *lerr);
    if (!lerr)
        abort();
    dti_error_init(lerr);
    dti_error_collect(lerr);
    int lrc = dti_year_load(tmp, lb->in->reg, lb->in->models_dir, &lb->x->back, lerr);
    dti_error_collect(lb->err);
    int rc = dti_import_verdict(lb->x->im, tmp, lrc, lerr, lb->x->back, lb->err);
    free(lerr);
    return rc;
}

static int S_import_work(dti_cli_inputs *in, const S_import_args *a, S_import_run *x, dti_error *err)
{
    int units = 0, rc;
    if ((rc = dti_cli_registry(in, err)) || (rc = dti_cli_units(in, &units, err)))
        return rc;
    dti_error quiet;
    dti_error_init(&quiet);
    int has_merger = !dti_cli_merger(in, &quiet); /* the frame of the editions from the reorganisation on */
    const dti_registry *frame_reg = units ? dti_registry_units(in->reg) : in->reg;
    const char *frame = units ? in->rule.map : NULL;
    if (units && !frame_reg)
        return dti_error_set(err, DTI_ERR_INPUT, in->reg_path, 0, 0, "the units of the reorganisation are not loaded");
    /* the frames by edition (models/merger.yaml): the provinces up to from_year, the units from it (both
     * in from_year, DTI 2024), the units alone after it */
    if (!units && has_merger && in->year > in->rule.from_year)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                             "DTI %d ranks the %zu units of %s (every edition after %d, models/merger.yaml): import "
                             "it with --units %zu",
                             in->year, in->merger.n_units, in->rule.map, in->rule.from_year, in->merger.n_units);
    if (units && in->year < in->rule.from_year)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0,
                             "DTI %d ranks the %zu provinces (the tables of the units of %s begin with DTI %d, "
                             "models/merger.yaml): import it without --units",
                             in->year, dti_registry_count(in->reg), in->rule.map, in->rule.from_year);
    /* the record: Y.yaml; the units' table of the year both frames were published (DTI 2024) is Y-34.yaml,
     * beside the provinces' record (rank --units 34 shows it) */
    size_t len = strlen(in->dti_dir) + 48;
    x->record = malloc(len);
    if (!x->record)
        abort();
    if (units && in->year == in->rule.from_year)
        snprintf(x->record, len, "%s/%d-%zu.yaml", in->dti_dir, in->year, dti_registry_count(frame_reg));
    else
        snprintf(x->record, len, "%s/%d.yaml", in->dti_dir, in->year);
    int exists = access(x->record, F_OK) == 0;
    if (exists && !a->force)
        return dti_error_set(err, DTI_ERR_USAGE, x->record, 0, 0,
                             "a record of %d exists already: give --force to replace it", in->year);
    /* the framework */
    char model[256];
    if (a->model_name)
        snprintf(model, sizeof model, "%s", a->model_name);
    else if ((rc = S_default_model(in, in->year, &x->previous, model, sizeof model, err)))
        return rc;
    size_t mlen = strlen(in->models_dir) + strlen(model) + 8;
    x->model_path = malloc(mlen);
    if (!x->model_path)
        abort();
    snprintf(x->model_path, mlen, "%s/%s.yaml", in->models_dir, model);
    if (access(x->model_path, F_OK) != 0)
        return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "no framework '%s' (%s)", model, x->model_path);
    int assumed = 0;
    if ((rc = dti_framework_load(x->model_path, &x->fw, err)) || (rc = dti_import_coverage(x->fw, in->year, &assumed, err)))
        return rc;
    if ((rc = S_read_table(in, x, frame_reg, units, err)))
        return rc;
    char why[512];
    snprintf(why, sizeof why, "the framework of DTI %d is not known: model %s is carried forward (--model-name)",
             in->year, model);
    dti_import_settings s = {in->year, model, assumed ? why : NULL, frame, in->args[0], x->record, a->source,
                             x->source_for, a->n_source_for};
    if ((rc = dti_import_build(x->fw, x->ds, x->csv, frame_reg, &s, &x->im, err)))
        return rc;
    if (!units && has_merger &&
        (rc = dti_import_check_not_units(x->im, x->ds, in->reg, &in->merger, in->rule.map, err)))
        return rc;
    /* write, load back from the temporary file, then replace */
    if ((rc = dti_output_open(x->record, 0u, &x->out, err)))
        return rc;
    FILE *f = dti_output_stream(x->out);
    if (dti_import_write(x->im, f))
        return dti_error_set(err, DTI_ERR_IO, x->record, 0, 0, "cannot write the record");
    S_load_back lb = {in, x, err};
    dti_output_check check = {S_check_record, &lb};
    rc = dti_output_commit_checked(x->out, &check, err);
    x->out = NULL;
    if (rc)
        return rc;
    dti_import_view v;
    dti_import_summary(x->im, &v);
    v.replaced = exists;
    dti_report *doc = dti_present_import(&v);
    rc = dti_cli_emit(in, doc) ? -1 : DTI_OK;
    dti_report_free(doc);
    return rc;
}

static int S_import(dti_cli_inputs *in, void *ctx)
{
    S_import_args *a = ctx;
    dti_error *err = malloc(sizeof *err);
    if (!err)
        abort();
    dti_error_init(err);
    S_import_run x;
    memset(&x, 0, sizeof x);
    for (size_t i = 0; i < a->n_source_for; i++) { /* COLUMN=URL, checked by the option's handler */
        const char *eq = strchr(a->source_for[i], '=');
        char *column = strdup(a->source_for[i]);
        if (!column)
            abort();
        column[eq - a->source_for[i]] = '\0';
        x.source_for[i] = (dti_import_source){column, eq + 1};
    }
    int rc = S_import_work(in, a, &x, err);
    S_import_clear(&x);
    int status = rc == -1 ? 1 : rc ? dti_cli_fail(err) : 0;
    free(err);
    return status;
}

int dti_cmd_import(int argc, char **argv)
{
    static const dti_cli_opt extra[] = {{"source", required_argument, 0, S_OPT_SOURCE},
                                        {"source-for", required_argument, 0, S_OPT_SOURCE_FOR},
                                        {"model-name", required_argument, 0, S_OPT_MODEL_NAME},
                                        {"force", no_argument, 0, S_OPT_FORCE}};
    static const dti_cli_spec spec = {"import",
                                      DTI_IN_PLACES | DTI_IN(FORMAT) | DTI_IN(YEAR) | DTI_IN(UNITS) | DTI_IN_CSV,
                                      extra,
                                      4,
                                      S_import_option,
                                      1,
                                      S_import_check,
                                      S_import_usage,
                                      S_import_notes};
    S_import_args a;
    memset(&a, 0, sizeof a);
    return dti_cli_run(&spec, &a, S_import, argc, argv);
}
