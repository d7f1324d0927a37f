/* fixture_abc.h -- the SYNTHETIC three-province example shared by test_merger.c and
 * test_tune_units.c: a registry (Alpha, Beta, Gamma with populations 3, 1, 2), a map merging Alpha and
 * Beta into Alpha-Beta, and a 2022 year record under models/dti-2022.yaml, written by the test into a
 * fresh temporary directory.  Hand arithmetic (points out of 1000):
 *   Alpha 0.660, Beta 0.290, Gamma 0.600; Alpha-Beta = mean of the main indicators = 0.475. */
#ifndef DTI_FIXTURE_ABC_H
#define DTI_FIXTURE_ABC_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char S_dir[64]; /* a fresh temporary directory per run */

/* Path of `name` in the fixture directory (a few rotating buffers: several may be live at once). */
static const char *S_path(const char *name)
{
    static char path[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/%s", S_dir, name);
    return path[k];
}

static void S_write(const char *name, const char *text)
{
    FILE *f = fopen(S_path(name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Makes the directory (prefix e.g. "/tmp/dti_test_merger") and writes reg.yaml, map.yaml, year.yaml
 * and models/dti-2022.yaml.  Returns 0, or -1 for the cmocka setup to fail. */
static int S_fixture_abc(const char *prefix)
{
    snprintf(S_dir, sizeof S_dir, "%s_XXXXXX", prefix);
    if (!mkdtemp(S_dir))
        return -1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/models && cp %s/models/dti-2022.yaml %s/models/", S_dir, DTI_SRCDIR, S_dir);
    if (system(cmd) != 0)
        return -1;
    S_write("reg.yaml", "# SYNTHETIC registry (tests/unit/fixture_abc.h)\n"
                        "provinces:\n"
                        "  - {code: \"01\", name: Alpha, ascii: Alpha, numbers: {population: 3}}\n"
                        "  - {code: \"02\", name: Beta, ascii: Beta, numbers: {population: 1}}\n"
                        "  - {code: \"03\", name: Gamma, ascii: Gamma, numbers: {population: 2}}\n");
    S_write("map.yaml", "# SYNTHETIC merger map\n"
                        "units:\n"
                        "  - {old: Alpha, new: Alpha-Beta, merged: true}\n"
                        "  - {old: Beta, new: Alpha-Beta, merged: true}\n"
                        "  - {old: Gamma, new: Gamma, merged: false}\n");
    /* The 2022 framework (weights 100,100,100,100,100,0,200,150,150) on three provinces. */
    S_write("year.yaml", "# SYNTHETIC year record\n"
                         "year: 2022\nmodel: dti-2022\nunits: 3\nprovinces:\n"
                         "  - province: Alpha\n"
                         "    awareness: 0.9\n    institutions: 0.8\n    infrastructure: 0.7\n"
                         "    human_resources: 0.6\n    cybersecurity: 0.5\n    gov_activity: 0.8\n"
                         "    econ_activity: 0.6\n    society_activity: 0.4\n"
                         "  - province: Beta\n"
                         "    awareness: 0.5\n    institutions: 0.4\n    infrastructure: 0.3\n"
                         "    human_resources: 0.2\n    cybersecurity: 0.1\n    gov_activity: 0.4\n"
                         "    econ_activity: 0.2\n    society_activity: 0.2\n"
                         "  - province: Gamma\n"
                         "    awareness: 0.6\n    institutions: 0.6\n    infrastructure: 0.6\n"
                         "    human_resources: 0.6\n    cybersecurity: 0.6\n    gov_activity: 0.6\n"
                         "    econ_activity: 0.6\n    society_activity: 0.6\n");
    return 0;
}

static int S_fixture_remove(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", S_dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
