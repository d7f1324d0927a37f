/* io.c -- opening input files: the one place that does (io.h).  Refuses special files without
 * blocking and remembers every file it opened (device + inode) for the atomic writer, which must
 * never write over something the command has read, directly or through another file. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "io.h"

typedef struct S_id {
    dev_t dev;
    ino_t ino;
} S_id;

/* The inputs opened so far.  A command opens a handful of files (a few thousand at most with a
 * framework per year record), so a linear list is enough; the writer looks it up once or twice.  The
 * first S_FIXED live in static storage (a command allocates nothing for them); a longer list moves to
 * the heap, freed at exit. */
#define S_FIXED 64
static pthread_mutex_t S_lock = PTHREAD_MUTEX_INITIALIZER;
static S_id S_fixed[S_FIXED];
static S_id *S_ids = S_fixed;
static size_t S_n, S_cap = S_FIXED;

static void S_release(void)
{
    if (S_ids != S_fixed)
        free(S_ids);
    S_ids = S_fixed;
    S_cap = S_FIXED;
}

static void S_record(dev_t dev, ino_t ino)
{
    pthread_mutex_lock(&S_lock);
    size_t i = 0;
    while (i < S_n && !(S_ids[i].dev == dev && S_ids[i].ino == ino))
        i++;
    if (i == S_n) {
        if (S_n == S_cap) {
            static int registered;
            size_t cap = 2 * S_cap;
            S_id *ids = malloc(cap * sizeof *ids);
            if (!ids) {
                fputs("dtirank: out of memory\n", stderr);
                abort();
            }
            memcpy(ids, S_ids, S_n * sizeof *ids);
            if (S_ids != S_fixed)
                free(S_ids);
            S_ids = ids;
            S_cap = cap;
            if (!registered) /* valgrind: nothing left reachable at exit */
                registered = atexit(S_release) == 0;
        }
        S_ids[S_n].dev = dev;
        S_ids[S_n].ino = ino;
        S_n++;
    }
    pthread_mutex_unlock(&S_lock);
}

int dti_input_seen(dev_t dev, ino_t ino)
{
    pthread_mutex_lock(&S_lock);
    int seen = 0;
    for (size_t i = 0; i < S_n && !seen; i++)
        seen = S_ids[i].dev == dev && S_ids[i].ino == ino;
    pthread_mutex_unlock(&S_lock);
    return seen;
}

void dti_input_forget(void)
{
    pthread_mutex_lock(&S_lock);
    S_release();
    S_n = 0;
    pthread_mutex_unlock(&S_lock);
}

/* What a non-regular file is, for the message. */
static const char *S_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    return "a special file";
}

int dti_input_open(const char *path, FILE **out, dti_error *err)
{
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat could
     * tell us what it is.  Regular files ignore the flag; it is cleared before reading anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        struct stat ls;
        if (stat(path, &ls) == 0 && !S_ISREG(ls.st_mode)) /* a socket cannot be opened at all (ENXIO) */
            return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "is %s, not a regular file", S_kind(ls.st_mode));
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "is %s, not a regular file", S_kind(st.st_mode));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(e));
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return dti_error_set(err, DTI_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(e));
    }
    S_record(st.st_dev, st.st_ino);
    *out = f;
    return DTI_OK;
}
