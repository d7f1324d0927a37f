/* io.h -- the one door for input files (internal API): every file the library reads is opened by
 * dti_input_open, which refuses what is not a regular file and records what it opened, so that the
 * atomic writer (output.c) can refuse any of them as a destination.
 *
 * Loaders call dti_input_open and nothing else to open a file: yaml_io.c does (every YAML loader
 * goes through dti_yaml_load); a CSV reader must too.  No GSL or libyaml type appears here.
 */
#ifndef DTI_IO_H
#define DTI_IO_H

#include <stdio.h>
#include <sys/types.h>

#include "dtirank.h"

/* Opens `path` for reading.  The file is opened with O_RDONLY | O_NONBLOCK and checked with fstat
 * before anything is read, so a FIFO never blocks: directories, FIFOs, sockets and devices are
 * refused with one line ("PATH: error: is a FIFO, not a regular file"); a missing or unreadable file
 * gives "cannot open: <strerror>".  On success *out is a binary stdio stream positioned at the start
 * (the caller fcloses it) and the file's device and inode are recorded for the life of the process
 * (dti_input_seen).  Safe to call from several threads. */
int dti_input_open(const char *path, FILE **out, dti_error *err);

/* 1 when a file with this device and inode was opened by dti_input_open in this process. */
int dti_input_seen(dev_t dev, ino_t ino);

/* Forgets every recorded input (tests run several commands in one process). */
void dti_input_forget(void);

#endif
