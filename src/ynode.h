/* ynode.h -- a small owned YAML tree with source positions (internal).
 *
 * yaml_io.c turns a file into this tree (the only code that sees libyaml, opening it through
 * dti_input_open); the loaders (registry.c, framework.c, year.c, dataset.c, merger.c, ...) walk it and
 * report semantic errors at a node's own 1-based line and column.
 */
#ifndef DTI_YNODE_H
#define DTI_YNODE_H

#include "dtirank.h"

#define DTI_YAML_MAX_DEPTH 64        /* deeper nesting is refused: no real input comes close */
/* Nodes (keys, values, lists, mappings) in one document: pathological documents are refused before
 * they exhaust memory.  A node costs about 100 bytes, so the limit is about 1 GB; a data table of
 * U units x I indicators takes about U x (I + 5) x 2 nodes (50,000 x 50 = 5.5 million). */
#define DTI_YAML_MAX_NODES 10000000

enum dti_ynode_kind { DTI_Y_SCALAR, DTI_Y_SEQUENCE, DTI_Y_MAPPING };

/* Kept small: a data table of 50,000 units x 50 indicators is 5 million nodes.  A scalar's text
 * lives in the same allocation as its node. */
typedef struct dti_ynode dti_ynode;
struct dti_ynode {
    size_t line, column; /* 1-based start of the node */
    char *text;          /* scalar text (part of the node's allocation), NULL otherwise */
    /* sequences: items; mappings: keys[i] -> items[i] */
    dti_ynode **items;
    dti_ynode **keys;
    size_t n, cap;
    unsigned char kind;  /* enum dti_ynode_kind */
    unsigned char plain; /* scalar was plain (unquoted, not a block literal) */
};

/* Parses the one document in `path`.  Aliases, anchors of anything, more than one document,
 * duplicate mapping keys, non-scalar keys and nesting deeper than DTI_YAML_MAX_DEPTH are errors.
 * *root is owned by the caller (dti_ynode_free).  An empty file gives an empty mapping. */
int dti_yaml_load(const char *path, dti_ynode **root, dti_error *err);
/* The version of the libyaml loaded at run time ("0.2.5"; static storage). */
const char *dti_yaml_version_linked(void);
void dti_ynode_free(dti_ynode *node);

/* Value of key `key` in mapping `map`, or NULL. */
const dti_ynode *dti_ynode_get(const dti_ynode *map, const char *key);

/* ---- typed reading, each reporting at the node's own position ---- */
typedef struct dti_yctx {
    const char *path;
    dti_error *err;
} dti_yctx;

int dti_y_error(const dti_yctx *c, const dti_ynode *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
const char *dti_y_kind_name(const dti_ynode *n);
int dti_y_expect(const dti_yctx *c, const dti_ynode *n, int kind, const char *what);
/* Rejects keys of `map` not in the NULL-terminated list `allowed` ("unknown key 'x' in <what>"). */
int dti_y_check_keys(const dti_yctx *c, const dti_ynode *map, const char *const *allowed, const char *what);
/* Fails when `key` is absent ("missing key 'x' in <what>", at the mapping). */
int dti_y_require(const dti_yctx *c, const dti_ynode *map, const char *key, const char *what,
                  const dti_ynode **out);
int dti_y_string(const dti_yctx *c, const dti_ynode *n, const char *what, char **out); /* strdup'ed */
int dti_y_number(const dti_yctx *c, const dti_ynode *n, const char *what, double *out);
int dti_y_integer(const dti_yctx *c, const dti_ynode *n, const char *what, long lo, long hi, long *out);
int dti_y_bool(const dti_yctx *c, const dti_ynode *n, const char *what, int *out);
/* A plain `~`, `null`, `Null`, `NULL` or empty scalar. */
int dti_y_is_null(const dti_ynode *n);

#endif
