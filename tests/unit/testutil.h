/* testutil.h -- shared helpers for the cmocka unit tests. */
#ifndef DTI_TESTUTIL_H
#define DTI_TESTUTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#ifndef DTI_SRCDIR
#define DTI_SRCDIR "."
#endif

/* |got - want| <= abs_tol + rel_tol * |want|; NaN matches only NaN (cmocka 1.1.5 has no double assert). */
#define assert_close(got, want, rel_tol, abs_tol) \
    S_assert_close((got), (want), (rel_tol), (abs_tol), __FILE__, __LINE__)

static inline void S_assert_close(double got, double want, double rel, double abs_tol, const char *file, int line)
{
    if (isnan(want) || isnan(got)) {
        if (!(isnan(want) && isnan(got)))
            _fail(file, line);
        return;
    }
    if (!(fabs(got - want) <= abs_tol + rel * fabs(want))) {
        print_error("%.17g != %.17g (rel %g, abs %g)\n", got, want, rel, abs_tol);
        _fail(file, line);
    }
}

/* Splits a CSV line of a reference file (no quoted fields there) into at most max fields, in place;
 * returns the count. */
static inline size_t dti_test_split_csv(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

#endif
