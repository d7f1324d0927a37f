/* fuzz_common.h -- what the libFuzzer harnesses share: the input bytes as a file (the loaders read
 * paths, through dti_input_open like any input) and the shipped fixtures they are checked against.
 * Each harness is one parser; `make fuzz` builds them all with clang -fsanitize=fuzzer,address,undefined
 * and runs each FUZZ_TIME seconds on a corpus seeded from the shipped files and tests/bad/files. */
#ifndef DTI_FUZZ_COMMON_H
#define DTI_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dtirank.h"

#ifndef DTI_SRCDIR
#define DTI_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input written to a per-process file (the same inode every time: the input tracker of io.c
 * keeps one entry); returns its path. */
static const char *S_fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
    static char path[96];
    /* tmpfs when there is one: rewriting a file of ext4 at every input starts a writeback each time */
    snprintf(path, sizeof path, "%s/dti_fuzz_%ld%s", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (long)getpid(),
             ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return path;
}

/* A fixture that must load: the harness is useless otherwise. */
static void S_fuzz_need(int rc, const dti_error *err)
{
    if (rc) {
        dti_error_print(err, stderr);
        abort();
    }
}

static dti_registry *S_fuzz_registry(void)
{
    static dti_registry *reg;
    if (!reg) {
        dti_error err;
        dti_error_init(&err);
        S_fuzz_need(dti_registry_load(DTI_SRCDIR "/data/provinces.yaml", &reg, &err), &err);
    }
    return reg;
}

#endif
