/* cmd_data.c -- `dtirank validate` (every file kind the project reads, every error found) and
 * `dtirank units` (the names a command accepts): load (cli.c) -> check / list -> present. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "present.h"

static const char S_validate_usage[] =
    "Usage: dtirank validate [--model FILE] [--format F] FILE...\n"
    "Checks every kind of file dtirank reads -- frameworks, year records, the province registry and its\n"
    "aliases, data tables, merger maps and the merger rule, targets, uncertain inputs, goal costs -- with\n"
    "the loader the commands use, and reports every error found.  Errors and warnings go to standard\n"
    "error as FILE:LINE:COLUMN: error: MESSAGE; the table of files (kind, result) to standard output.\n"
    "Exit status 1 if any file has an error.\n"
    "\n"
    "  -m, --model FILE        check data tables, uncertain inputs and goal costs against this framework\n"
    "                          (default: a data table's own `model:`, else its structure alone; a CSV\n"
    "                          table needs it)\n";

static const char *S_validate_check(const dti_cli_inputs *in, const void *ctx)
{
    (void)ctx;
    return in->n_args ? NULL : "no file to validate";
}

static int S_validate(dti_cli_inputs *in, void *ctx)
{
    (void)ctx;
    dti_error reg_err;
    dti_error_init(&reg_err);
    dti_framework *model = NULL;
    (void)dti_cli_registry(in, &reg_err); /* needed by year records, merger maps, targets, aliases */
    if (in->model && dti_framework_load(in->model, &model, &reg_err))
        return dti_cli_fail(&reg_err);
    dti_validate_options vo = {in->reg, in->models_dir, model, &in->csv};
    dti_validate_row *rows = calloc(in->n_args, sizeof *rows);
    dti_error *err = malloc(sizeof *err), *warn = malloc(sizeof *warn);
    if (!rows || !err || !warn)
        abort();
    int status = 0, registry_said = 0, rc;
    for (size_t i = 0; i < in->n_args; i++) {
        dti_error_init(err);
        dti_error_collect(err);
        dti_error_init(warn);
        dti_error_collect(warn);
        const char *kind;
        rc = dti_validate_file(in->args[i], &vo, err, warn, &kind);
        if (rc && !in->reg && !registry_said && err->n && strstr(err->e[0].message, "no province registry")) {
            dti_error_print(&reg_err, stderr); /* why there is none, once */
            registry_said = 1;
        }
        dti_error_print(err, stderr);
        dti_error_print_kind(warn, stderr, "warning");
        rows[i] = (dti_validate_row){in->args[i], strcmp(kind, "file") ? kind : NULL, rc ? err->n + err->dropped : 0,
                                     warn->n + warn->dropped};
        if (rc)
            status = rc == DTI_ERR_INTERNAL ? 2 : status > 1 ? status : 1;
    }
    /* the table when some file is valid; when none is, the errors on standard error are the whole answer
     * (bad input leaves no output) */
    size_t ok = 0;
    for (size_t i = 0; i < in->n_args; i++)
        ok += rows[i].errors == 0;
    rc = 0;
    if (ok) {
        dti_report *doc = dti_present_validate(rows, in->n_args);
        rc = dti_cli_emit(in, doc);
        dti_report_free(doc);
    }
    free(rows);
    free(err);
    free(warn);
    dti_framework_free(model);
    return rc ? rc : status;
}

int dti_cmd_validate(int argc, char **argv)
{
    static const dti_cli_spec spec = {"validate", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(MODEL) | DTI_IN_CSV, NULL, 0, NULL, 1,
                                      S_validate_check, S_validate_usage, NULL};
    return dti_cli_run(&spec, NULL, S_validate, argc, argv);
}

static const char S_units_usage[] =
    "Usage: dtirank units [--units 34] [--format F] [--out FILE]\n"
    "The names every command accepts: the provinces of the registry (code, Vietnamese and ASCII name,\n"
    "region, unit from 2025, other names from data/aliases.yaml), or with --units 34 the units of the 2025\n"
    "reorganisation and their former provinces.  Names are matched ignoring case, diacritics, spaces and\n"
    "punctuation; with --units 34 a former province's name gives its unit.\n"
    "\n"
    "      --units N           63 (default: the provinces) or 34 (the units of models/merger.yaml)\n";

static int S_cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* `units --complete` (hidden: for the shell's completion, completion/dtirank): every name --province
 * accepts, one a line, sorted, each once -- the codes, Vietnamese and ASCII names and aliases of the
 * provinces and the names of the units of 2025 when the merger fits the registry. */
static int S_units_complete(const dti_registry *reg)
{
    const dti_registry *u = dti_registry_units(reg);
    size_t n = 3 * dti_registry_count(reg) + dti_registry_alias_count(reg) + (u ? 3 * dti_registry_count(u) : 0), k = 0;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names)
        abort();
    for (const dti_registry *r = reg; r; r = r == reg ? u : NULL)
        for (size_t i = 0; i < dti_registry_count(r); i++) {
            names[k++] = dti_registry_code(r, i);
            names[k++] = dti_registry_name(r, i);
            names[k++] = dti_registry_ascii(r, i);
        }
    for (size_t i = 0; i < dti_registry_alias_count(reg); i++)
        names[k++] = dti_registry_alias(reg, i, NULL);
    qsort(names, k, sizeof *names, S_cmp_str);
    for (size_t i = 0; i < k; i++)
        if (names[i] && *names[i] && !strchr(names[i], '\n') && (i == 0 || !names[i - 1] || strcmp(names[i], names[i - 1])))
            printf("%s\n", names[i]);
    free(names);
    return fflush(stdout) || ferror(stdout) ? 2 : 0;
}

static const char *S_units_opt(void *ctx, int id, const char *arg)
{
    (void)id;
    (void)arg;
    *(int *)ctx = 1;
    return NULL;
}

static int S_units(dti_cli_inputs *in, void *ctx)
{
    dti_error err;
    dti_error_init(&err);
    int units = 0;
    if (dti_cli_registry(in, &err))
        return dti_cli_fail(&err);
    if (*(int *)ctx)
        return S_units_complete(in->reg);
    if (dti_cli_units(in, &units, &err))
        return dti_cli_fail(&err);
    dti_report *doc = dti_present_units(in->reg, units, in->aliases_path);
    int rc = dti_cli_emit(in, doc);
    dti_report_free(doc);
    return rc;
}

int dti_cmd_units(int argc, char **argv)
{
    /* --complete is not in the help: it serves completion/dtirank, not people */
    static const dti_cli_opt extra[] = {{"complete", no_argument, 0, 0}};
    static const dti_cli_spec spec = {"units", DTI_IN_PLACES | DTI_IN_OUTPUT | DTI_IN(UNITS), extra, 1, S_units_opt, 0, NULL,
                                      S_units_usage, NULL};
    int complete = 0;
    return dti_cli_run(&spec, &complete, S_units, argc, argv);
}
