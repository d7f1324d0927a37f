/* output.c -- the atomic writer: the one way the program writes a result file (dtirank.h).
 *
 * The result is written to memory while it is computed; only when the command commits it does a
 * temporary file appear beside the destination, to be filled, fsync'ed and renamed over it (then the
 * directory is fsync'ed).  A signal (SIGINT, SIGTERM, SIGHUP) arriving meanwhile removes the temporary
 * file before the process dies.  The destination is refused when it is a file the process has read
 * (io.c records every input by device and inode), when it is not a regular file (except "-" and
 * "/dev/stdout"), and, unless DTI_OUTPUT_FORCE, when it is a symbolic link or has other hard links.
 * The old file's permission bits are kept.
 */
#define _XOPEN_SOURCE 700 /* realpath (XSI) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "io.h"

struct dti_output {
    FILE *f;          /* stdout, or the memory stream */
    char *buf;        /* the memory stream's buffer (open_memstream) */
    size_t len;
    char *path;       /* as given, for messages; NULL for stdout */
    char *dir, *dest; /* the resolved directory and destination (realpath of the directory + name) */
    unsigned flags;
};

/* ---- the temporary file and the signals -------------------------------------------------------- */

/* The temporary file that exists right now (one at a time: commits are not concurrent).  The handler
 * reads S_tmp only when S_tmp_live is set, and both are changed with the signals blocked. */
static char S_tmp[PATH_MAX + 32];
static volatile sig_atomic_t S_tmp_live;
static const int S_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define S_NSIG (sizeof S_signals / sizeof S_signals[0])
static struct sigaction S_old[S_NSIG];
static int S_installed[S_NSIG];

/* Async-signal-safe: unlink the temporary file, restore the default action, re-raise. */
static void S_on_signal(int sig)
{
    if (S_tmp_live)
        unlink(S_tmp);
    S_tmp_live = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void S_block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < S_NSIG; i++)
        sigaddset(&set, S_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Installs the handler for the signals whose action is the default (an ignored SIGHUP, under nohup,
 * stays ignored); called with the signals blocked. */
static void S_install(void)
{
    for (size_t i = 0; i < S_NSIG; i++) {
        S_installed[i] = 0;
        if (sigaction(S_signals[i], NULL, &S_old[i]) != 0 || S_old[i].sa_handler != SIG_DFL)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = S_on_signal;
        sigemptyset(&sa.sa_mask);
        S_installed[i] = sigaction(S_signals[i], &sa, NULL) == 0;
    }
}

static void S_uninstall(void)
{
    for (size_t i = 0; i < S_NSIG; i++)
        if (S_installed[i])
            sigaction(S_signals[i], &S_old[i], NULL);
}

/* A test hook run once the temporary file exists and the handler is in place (tests only). */
static void (*S_hook)(const char *tmp);
void dti_output_test_hook(void (*hook)(const char *tmp)) { S_hook = hook; }

/* ---- checking the destination ------------------------------------------------------------------ */

static int S_is_stdout(const char *path) { return !path || !strcmp(path, "-") || !strcmp(path, "/dev/stdout"); }

/* Resolves the directory of o->path (realpath) and joins the last component. */
static int S_resolve(dti_output *o, dti_error *err)
{
    const char *path = o->path;
    size_t n = strlen(path);
    if (!n || path[n - 1] == '/')
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "names a directory, not a file");
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!strcmp(base, ".") || !strcmp(base, ".."))
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "names a directory, not a file");
    if (strlen(base) > NAME_MAX - 16) /* room for ".tmp.XXXXXX" */
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "the file name is too long (%zu bytes; at most %d)",
                             strlen(base), NAME_MAX - 16);
    char *dir = slash ? dti_strdup(path) : dti_strdup(".");
    if (slash)
        dir[slash == path ? 1 : (size_t)(slash - path)] = '\0'; /* "/x" -> "/" */
    char *real = realpath(dir, NULL);
    int e = errno;
    free(dir);
    if (!real)
        return dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot write here: %s", strerror(e));
    size_t len = strlen(real) + strlen(base) + 2;
    if (len > PATH_MAX) {
        free(real);
        return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "the path is too long (at most %d bytes)", PATH_MAX);
    }
    o->dir = real;
    o->dest = dti_xcalloc(len, 1);
    snprintf(o->dest, len, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
    return DTI_OK;
}

/* The checks on what the destination is now; *mode receives the permission bits to give the file.
 * Run when the output is opened (to fail before a long computation) and again at commit. */
static int S_check(const dti_output *o, mode_t *mode, dti_error *err)
{
    struct stat ls, st;
    mode_t mask = umask(0);
    umask(mask);
    *mode = 0666 & ~mask; /* a new file gets the mode a plain fopen would give it */
    if (lstat(o->dest, &ls) != 0) {
        if (errno == ENOENT)
            return DTI_OK;
        return dti_error_set(err, DTI_ERR_IO, o->path, 0, 0, "cannot write the output file: %s", strerror(errno));
    }
    int force = (o->flags & DTI_OUTPUT_FORCE) != 0;
    if (S_ISLNK(ls.st_mode)) {
        if (stat(o->dest, &st) == 0 && dti_input_seen(st.st_dev, st.st_ino))
            return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0, "refusing to overwrite an input file");
        if (!force)
            return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0,
                                 "is a symbolic link: refusing to replace it (--force replaces the link itself)");
        return DTI_OK;
    }
    if (S_ISDIR(ls.st_mode))
        return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0, "is a directory");
    if (!S_ISREG(ls.st_mode))
        return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0,
                             "is not a regular file (a device, FIFO or socket): refusing to replace it");
    if (dti_input_seen(ls.st_dev, ls.st_ino))
        return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0, "refusing to overwrite an input file");
    if (ls.st_nlink > 1 && !force)
        return dti_error_set(err, DTI_ERR_USAGE, o->path, 0, 0,
                             "has %lu hard links: refusing to replace it (--force writes a new file under this name)",
                             (unsigned long)ls.st_nlink);
    *mode = ls.st_mode & 07777;
    return DTI_OK;
}

static void S_free(dti_output *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    free(o->buf);
    free(o->path);
    free(o->dir);
    free(o->dest);
    free(o);
}

int dti_output_open(const char *path, unsigned flags, dti_output **out, dti_error *err)
{
    *out = NULL;
    dti_output *o = dti_xcalloc(1, sizeof *o);
    o->flags = flags;
    if (S_is_stdout(path)) {
        o->f = stdout;
        *out = o;
        return DTI_OK;
    }
    o->path = dti_strdup(path);
    mode_t mode;
    int rc = S_resolve(o, err);
    if (!rc)
        rc = S_check(o, &mode, err);
    if (!rc && !(o->f = open_memstream(&o->buf, &o->len)))
        rc = dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot open the output: %s", strerror(errno));
    if (rc) {
        S_free(o);
        return rc;
    }
    *out = o;
    return DTI_OK;
}

FILE *dti_output_stream(dti_output *o) { return o->f; }

/* Writes all of buf to fd. */
static int S_write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t k = write(fd, buf, len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += k;
        len -= (size_t)k;
    }
    return 0;
}

/* Creates the temporary file, fills it, lets `check` (if any) read it back and renames it over the
 * destination; *e receives errno and *what the step that failed, or *check_rc the check's refusal. */
static int S_commit_file(dti_output *o, mode_t mode, const dti_output_check *check, int *e, const char **what,
                         int *check_rc)
{
    sigset_t old;
    int n = snprintf(S_tmp, sizeof S_tmp, "%s.tmp.XXXXXX", o->dest);
    if (n < 0 || (size_t)n >= sizeof S_tmp) {
        *e = ENAMETOOLONG;
        *what = "cannot create the output file";
        return -1;
    }
    S_block(&old);
    int fd = mkstemp(S_tmp);
    if (fd >= 0) {
        S_tmp_live = 1;
        S_install();
    }
    *e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        *what = "cannot create the output file";
        return -1;
    }
    if (S_hook)
        S_hook(S_tmp);
    (void)fchmod(fd, mode); /* not fatal (a file system without modes): the file is then private */
    *what = "cannot write the output file";
    int bad = S_write_all(fd, o->buf, o->len) != 0 || fsync(fd) != 0;
    *e = errno;
    bad = close(fd) != 0 || bad;
    if (!bad && check && (*check_rc = check->fn(S_tmp, check->ctx)) != 0)
        bad = 1; /* the file as written is refused: it never replaces the destination */
    S_block(&old);
    if (!bad && rename(S_tmp, o->dest) != 0) {
        bad = 1;
        *e = errno;
    }
    if (bad)
        unlink(S_tmp);
    S_tmp_live = 0;
    S_uninstall();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (bad)
        return -1;
    /* the rename itself reaches the disk when the directory is synced */
    int dfd = open(o->dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0 && errno != EINVAL) { /* some file systems cannot sync a directory */
            *e = errno;
            *what = "cannot sync the output directory";
            close(dfd);
            return -1;
        }
        close(dfd);
    }
    return 0;
}

int dti_output_commit_checked(dti_output *o, const dti_output_check *check, dti_error *err)
{
    int rc = DTI_OK;
    if (o->f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write to standard output");
        S_free(o);
        return rc;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f);
    bad = fclose(o->f) != 0 || bad;
    o->f = NULL;
    mode_t mode;
    if (bad)
        rc = dti_error_set(err, DTI_ERR_IO, o->path, 0, 0, "cannot hold the output in memory");
    else if (!(rc = S_check(o, &mode, err))) { /* inputs read since the open are refused too */
        int e = 0, check_rc = 0;
        const char *what = NULL;
        if (S_commit_file(o, mode, check, &e, &what, &check_rc) != 0)
            rc = check_rc ? check_rc : dti_error_set(err, DTI_ERR_IO, o->path, 0, 0, "%s: %s", what, strerror(e));
    }
    S_free(o);
    return rc;
}

int dti_output_commit(dti_output *o, dti_error *err) { return dti_output_commit_checked(o, NULL, err); }

void dti_output_abort(dti_output *o)
{
    if (o)
        S_free(o);
}
