/* output.c -- atomic output files: write to a temporary file beside the target, rename on success,
 * delete on failure, and never accept an input file as the target. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct dti_output {
    FILE *f;
    char *path, *tmp; /* NULL for stdout */
};

int dti_output_open(const char *path, const char *const *inputs, size_t n_inputs, dti_output **out, dti_error *err)
{
    *out = NULL;
    dti_output *o = dti_xcalloc(1, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        *out = o;
        return DTI_OK;
    }
    struct stat st;
    if (stat(path, &st) == 0) {
        for (size_t i = 0; i < n_inputs; i++) {
            struct stat si;
            if (inputs[i] && stat(inputs[i], &si) == 0 && si.st_dev == st.st_dev && si.st_ino == st.st_ino) {
                free(o);
                return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "refusing to overwrite an input file");
            }
        }
        if (S_ISDIR(st.st_mode)) {
            free(o);
            return dti_error_set(err, DTI_ERR_USAGE, path, 0, 0, "is a directory");
        }
    }
    size_t len = strlen(path) + 16;
    o->path = dti_strdup(path);
    o->tmp = dti_xcalloc(len, 1);
    snprintf(o->tmp, len, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->path);
        free(o->tmp);
        free(o);
        return dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot create the output file: %s", strerror(e));
    }
    mode_t mask = umask(0); /* mkstemp makes 0600; give the file the mode a plain fopen would */
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) { /* not fatal: the file is still correct, only private */
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        free(o);
        return dti_error_set(err, DTI_ERR_IO, path, 0, 0, "cannot open the output file");
    }
    *out = o;
    return DTI_OK;
}

FILE *dti_output_stream(dti_output *o) { return o->f; }

const char *dti_output_temp_path(const dti_output *o) { return o->tmp; }

int dti_output_commit(dti_output *o, dti_error *err)
{
    int rc = DTI_OK;
    if (!o->tmp) {
        if (fflush(o->f) != 0 || ferror(o->f))
            rc = dti_error_set(err, DTI_ERR_IO, NULL, 0, 0, "cannot write to standard output");
        free(o);
        return rc;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f);
    bad = fclose(o->f) != 0 || bad;
    if (bad || rename(o->tmp, o->path) != 0) {
        int e = errno;
        unlink(o->tmp);
        rc = dti_error_set(err, DTI_ERR_IO, o->path, 0, 0, "cannot write the output file: %s", strerror(e));
    }
    free(o->tmp);
    free(o->path);
    free(o);
    return rc;
}

void dti_output_abort(dti_output *o)
{
    if (!o)
        return;
    if (o->tmp) {
        fclose(o->f);
        unlink(o->tmp);
    }
    free(o->tmp);
    free(o->path);
    free(o);
}
