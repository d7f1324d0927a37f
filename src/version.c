/* version.c -- the libraries libdtirank was built against and those it runs with (dtirank --version).
 * Base of the library, beside error.c: no I/O, nothing allocated. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_version.h>
#include <utf8proc.h>
#include <xlsxwriter.h>

#include "internal.h"
#include "ynode.h"

/* libyaml's header has no version macro: the Makefile passes pkg-config's (yaml-0.1 --modversion). */
#ifndef DTI_YAML_BUILD_VERSION
#define DTI_YAML_BUILD_VERSION NULL
#endif

#define S_STR(x) #x
#define S_XSTR(x) S_STR(x)
#define S_UTF8PROC_BUILD                                                                                     \
    S_XSTR(UTF8PROC_VERSION_MAJOR) "." S_XSTR(UTF8PROC_VERSION_MINOR) "." S_XSTR(UTF8PROC_VERSION_PATCH)

/* Appends "NAME BUILT" at o and, when the shared library loaded at run time is another release,
 * " (running LINKED)"; returns the new length of the whole text (beyond size when cut, as snprintf). */
static size_t S_one(char *buf, size_t size, size_t o, const char *name, const char *built, const char *linked)
{
    char *at = o < size ? buf + o : NULL; /* past the end: only counted */
    size_t room = o < size ? size - o : 0;
    const char *sep = o ? ", " : "";
    int n;
    if (!built || !*built) /* not known at build time: the one loaded */
        n = snprintf(at, room, "%s%s %s", sep, name, linked);
    else if (linked && strcmp(built, linked))
        n = snprintf(at, room, "%s%s %s (running %s)", sep, name, built, linked);
    else
        n = snprintf(at, room, "%s%s %s", sep, name, built);
    return o + (n > 0 ? (size_t)n : 0);
}

size_t dti_version_libraries(char *buf, size_t size)
{
    size_t o = 0;
    if (size)
        buf[0] = '\0';
    o = S_one(buf, size, o, "GSL", GSL_VERSION, gsl_version);
    o = S_one(buf, size, o, "libyaml", DTI_YAML_BUILD_VERSION, dti_yaml_version_linked());
    o = S_one(buf, size, o, "utf8proc", S_UTF8PROC_BUILD, utf8proc_version());
    o = S_one(buf, size, o, "libxlsxwriter", LXW_VERSION, lxw_version());
    return o;
}
