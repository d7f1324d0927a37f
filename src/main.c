/* main.c -- the dtirank command line: the command name -> its function in cmd_*.c, nothing else.
 * Exit status: 0 success, 1 bad input or usage, 2 internal error. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static const char S_main_help[] =
    "Usage: dtirank COMMAND [OPTIONS]\n"
    "Rankings and projections of Vietnam's provincial Digital Transformation Index (DTI).\n"
    "\n"
    "Commands:\n"
    "  rank       the ranking table of a year (official rule: ties share a rank)\n"
    "  validate   check data and model files and report every error found\n"
    "  units      the names of the provinces and of the units of the 2025 reorganisation\n"
    "  score      composite scores of a model on a data table (normalise, treat, aggregate, rank)\n"
    "  audit      statistics of a model on its data: correlations, alpha, PCA, effective weights\n"
    "  project    P(top k) and rank intervals of a province in future years (the main job)\n"
    "  backtest   forecast honesty: fit up to an origin year, score the later observed years\n"
    "  tune       weight tuning: implied weights, uncertainty and sensitivity, stability, goals\n"
    "  report     one self-contained HTML report of a province: targets, charts, table, sources\n"
    "  template   an empty table of a framework to fill (csv or xlsx), one row per province or unit\n"
    "  import     a published table (CSV) -> a new year record data/dti/YEAR.yaml\n"
    "  compare    two variants side by side (models, weight sets, years); leave-one-out (--drop)\n"
    "  profile    one province over the record: ranks, region, indicators, strengths, changes\n"
    "\n"
    "Options:\n"
    "  -h, --help      show this help (and 'dtirank COMMAND --help' for a command)\n"
    "  -V, --version   show the version\n"
    "\n"
    "Data are read from DIR/data and DIR/models, where DIR is --home, $DTIRANK_HOME or the\n"
    "directory dtirank was built in.  See docs/guide.md.\n";

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; the library checks every GSL status and reports it through dti_error */
    gsl_set_error_handler_off();
    if (argc < 2)
        return dti_cli_usage(NULL, "no command given");
    const char *cmd = argv[1];
    opterr = 0;
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        fputs(S_main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        return dti_cmd_version();
    }
    /* getopt_long sees the command's own arguments, with the command name as argv[0]. */
    if (!strcmp(cmd, "rank"))
        return dti_cmd_rank(argc - 1, argv + 1);
    if (!strcmp(cmd, "score"))
        return dti_cmd_score(argc - 1, argv + 1);
    if (!strcmp(cmd, "audit"))
        return dti_cmd_audit(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return dti_cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "units"))
        return dti_cmd_units(argc - 1, argv + 1);
    if (!strcmp(cmd, "project"))
        return dti_cmd_project(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "backtest"))
        return dti_cmd_project(argc - 1, argv + 1, 1);
    if (!strcmp(cmd, "tune"))
        return dti_cmd_tune(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return dti_cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "template"))
        return dti_cmd_template(argc - 1, argv + 1);
    if (!strcmp(cmd, "import"))
        return dti_cmd_import(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return dti_cmd_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "profile"))
        return dti_cmd_profile(argc - 1, argv + 1);
    return dti_cli_usage(NULL, "unknown command '%s'", cmd);
}
