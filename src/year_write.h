/* year_write.h -- writing a year record (data/dti/<year>.yaml) in the format of the shipped ones
 * (internal API): the text data/tools/import_shared.py writes, with its quoting rules, so that a record
 * dtirank import writes reads like the generated ones and loads with the same loader (year.c).
 *
 * Written by hand rather than through libyaml's emitter: the emitter writes no comments (the shipped
 * records carry a header and the `frame:` comment), puts a block sequence at its key's indentation
 * (`provinces:` then `- province:` in column 1, where the records indent it by two) and picks each
 * scalar's style itself.  The format is small and fixed; the quoting is the generator's (a plain scalar
 * only when it is unambiguous, otherwise double-quoted with escapes), and every record written is loaded
 * back through libyaml (dti_year_load) before it replaces anything.
 */
#ifndef DTI_YEAR_WRITE_H
#define DTI_YEAR_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* One fact of an entry: `key: {value: V, evidence: E, source: "S"}`. */
typedef struct dti_record_fact {
    const char *key;      /* a node id, or `<id>_rank` */
    const char *value;    /* the number as written (e.g. "0.8373", "12") */
    const char *evidence; /* e.g. "imported" */
    const char *source;   /* a URL or any text (always double-quoted) */
    size_t line;          /* out: the line the fact is written on (1-based) */
} dti_record_fact;

typedef struct dti_record_entry {
    const char *name; /* `province:` (a province's or a unit's name) */
    dti_record_fact *facts;
    size_t n_facts;
    size_t line; /* out: the line of `  - province:` */
} dti_record_entry;

typedef struct dti_record {
    const char *const *comment; /* header comment lines, without "# " (NULL-terminated; NULL: none) */
    int year;
    const char *model;
    const char *model_assumed; /* NULL: the model covers the year; else `model_assumed: true  # TEXT` */
    const char *frame;         /* NULL: the provinces; else `frame: F  # ...` */
    size_t units;
    dti_record_entry *entries;
    size_t n_entries;
} dti_record;

/* Writes the record to out and fills the `line` fields.  Returns 0, or -1 when the stream fails. */
int dti_record_write(FILE *out, dti_record *r);

/* A YAML scalar for `s`: plain when unambiguous (import_shared.py's rule: starts with a letter, none of
 * the indicator characters, not a reserved word such as yes/no/null, no double blank, no trailing
 * '-' or '.'), else double-quoted.  Returns a new string (free). */
char *dti_yaml_scalar(const char *s);
/* Always double-quoted: '\\' '"' and control characters escaped (\n \t \r, else \uXXXX, as are DEL,
 * C1 controls, U+2028, U+2029 and U+FEFF); bytes that are not UTF-8 become U+FFFD.  New string. */
char *dti_yaml_quoted(const char *s);

#endif
