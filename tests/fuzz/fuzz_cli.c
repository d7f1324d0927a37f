/* fuzz_cli.c -- libFuzzer target for the command line: the input is split into arguments (one per
 * line) and given to the program's own dispatch, in process (main.c is included with its main renamed),
 * so every command's option parsing, loading and output run as from a shell.  In process is possible
 * because the commands return instead of exiting and free what they allocate (a leak is a finding);
 * getopt is reset before each input (optind = 0).
 *
 * The commands run in a sandbox: a copy of data/, models/ and tests/bad/files/ in a directory of its
 * own, which is the working directory and DTIRANK_HOME.  So that nothing outside it can be written or
 * read, an argument holding '/' is kept only when it is (or, after '=', ends in) a relative path under
 * data/, models/, tests/ or out/ without "..".  After each input the files a command wrote at the top
 * of the sandbox or in out/ are removed, and the sandbox is copied afresh (and entered again) when a
 * command changed data/, models/ or tests/ (a directory's modification time moved).  So that each input runs in well under a
 * second, numbers are at most 3 digits or a year (1900-2200), project, backtest and tune sensitivity
 * need an explicit --runs (tune sensitivity also --sobol), and the sandbox's models/projection.yaml is
 * a tiny sampler (tests/fuzz/projection-fuzz.yaml).  Run it with -close_fd_mask=3.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define main dti_fuzz_cli_main
#include "../../src/main.c"
#undef main

#ifndef DTI_SRCDIR
#define DTI_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define S_MAX_ARGS 40
#define S_MAX_ARG 300

static char S_box[128];
static const char *const S_dirs[] = {"", "/data", "/data/dti", "/models", "/tests", "/tests/bad", "/tests/bad/files",
                                     "/tests/bad/files/models", "/out"};
#define S_NDIRS (sizeof S_dirs / sizeof *S_dirs)
static struct timespec S_mtime[S_NDIRS];

static void S_snapshot(void)
{
    for (size_t i = 0; i < S_NDIRS; i++) {
        char p[256];
        struct stat st;
        snprintf(p, sizeof p, "%s%s", S_box, S_dirs[i]);
        if (stat(p, &st) == 0)
            S_mtime[i] = st.st_mtim;
    }
}

static void S_make_box(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s/tests/bad' '%s/out' && cp -R '" DTI_SRCDIR "/data' '" DTI_SRCDIR
             "/models' '%s/' && cp -R '" DTI_SRCDIR "/tests/bad/files' '%s/tests/bad/' && cp '" DTI_SRCDIR
             "/tests/fuzz/projection-fuzz.yaml' '%s/models/projection.yaml'",
             S_box, S_box, S_box, S_box, S_box, S_box);
    if (system(cmd) != 0 || chdir(S_box) != 0) /* the old working directory was removed */
        abort();
    S_snapshot();
}

/* Removes what a command wrote at the top of the sandbox (anything but its four directories) and in
 * out/, then takes the directories' times again. */
static void S_clean(void)
{
    static const char *const keep[] = {".", "..", "data", "models", "tests", "out"};
    const char *dirs[2] = {".", "out"};
    for (size_t d = 0; d < 2; d++) {
        DIR *dir = opendir(dirs[d]);
        if (!dir)
            abort();
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t k = 0;
            while (k < 6 && strcmp(e->d_name, keep[k]))
                k++;
            if (k < (d ? 2u : 6u))
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dirs[d], e->d_name);
            unlink(p);
        }
        closedir(dir);
    }
    S_snapshot();
}

/* 1 when a command changed data/, models/ or tests/ (wrote or replaced a file there). */
static int S_changed(void)
{
    for (size_t i = 0; i < S_NDIRS; i++) {
        if (!strcmp(S_dirs[i], "") || !strcmp(S_dirs[i], "/out"))
            continue;
        char p[256];
        struct stat st;
        snprintf(p, sizeof p, "%s%s", S_box, S_dirs[i]);
        if (stat(p, &st) != 0 || st.st_mtim.tv_sec != S_mtime[i].tv_sec || st.st_mtim.tv_nsec != S_mtime[i].tv_nsec)
            return 1;
    }
    return 0;
}

/* A path the sandbox allows: relative, under data/, models/, tests/ or out/, no "..". */
static int S_safe_path(const char *p)
{
    if (strncmp(p, "data/", 5) && strncmp(p, "models/", 7) && strncmp(p, "tests/", 6) && strncmp(p, "out/", 4))
        return 0;
    return !strstr(p, "..") && !strstr(p, "//");
}

static int S_allowed(const char *a)
{
    const char *slash = strchr(a, '/'), *eq = strchr(a, '=');
    if (slash && !S_safe_path(a) && !(eq && slash > eq && S_safe_path(eq + 1)))
        return 0;
    for (const char *s = a; *s;) { /* numbers: at most 3 digits, or a year */
        if (*s < '0' || *s > '9') {
            s++;
            continue;
        }
        const char *e = s;
        while (*e >= '0' && *e <= '9')
            e++;
        size_t len = (size_t)(e - s);
        long v = len <= 9 ? strtol(s, NULL, 10) : 0;
        if (len > 4 || (len == 4 && (v < 1900 || v > 2200)))
            return 0;
        s = e;
    }
    return 1;
}

static int S_has(char **argv, int argc, const char *a, const char *b)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], a) || (b && !strcmp(argv[i], b)) || (!strncmp(argv[i], a, strlen(a)) && argv[i][strlen(a)] == '='))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!S_box[0]) {
        snprintf(S_box, sizeof S_box, "%s/dti_fuzz_cli_%ld", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
                 (long)getpid());
        S_make_box();
        if (setenv("DTIRANK_HOME", S_box, 1) != 0)
            abort();
    }
    static char buf[S_MAX_ARGS][S_MAX_ARG + 1];
    char *argv[S_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "dtirank";
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && data[i] != '\n')
            continue;
        size_t len = i - start;
        if (argc > S_MAX_ARGS || len > S_MAX_ARG)
            return 0;
        if (i < size || len) {
            memcpy(buf[argc - 1], data + start, len);
            buf[argc - 1][len] = '\0';
            if (memchr(data + start, '\0', len)) /* an argument cannot hold NUL */
                return 0;
            if (!S_allowed(buf[argc - 1]))
                return 0;
            argv[argc] = buf[argc - 1];
            argc++;
        }
        start = i + 1;
    }
    argv[argc] = NULL;
    if (argc >= 2) { /* the slow commands only with a small number of runs */
        int mc = !strcmp(argv[1], "project") || !strcmp(argv[1], "backtest") ||
                 (argc >= 3 && !strcmp(argv[1], "tune") && !strcmp(argv[2], "sensitivity"));
        if (mc && !S_has(argv, argc, "--runs", "-n"))
            return 0;
        if (argc >= 3 && !strcmp(argv[1], "tune") && !strcmp(argv[2], "sensitivity") && !S_has(argv, argc, "--sobol", NULL))
            return 0;
    }
    optind = 0; /* GNU getopt: start afresh */
    (void)dti_fuzz_cli_main(argc, argv);
    fflush(stdout);
    S_clean();
    if (S_changed())
        S_make_box();
    return 0;
}
