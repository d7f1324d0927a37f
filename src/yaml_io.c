/* yaml_io.c -- YAML file -> dti_ynode tree, the only file that includes <yaml.h>.
 *
 * Event-driven, iterative (no recursion), so depth and size are bounded by our own limits, not by the
 * C stack.  Anchors and aliases are refused outright: no input of ours needs them, and refusing them
 * removes the "billion laughs" expansion attack.  libyaml's 0-based marks become 1-based here.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"
#include "io.h"
#include "ynode.h"

/* A node; a scalar's text (len bytes) is copied into the same allocation. */
static dti_ynode *S_node_new(int kind, const yaml_mark_t *mark, const char *text, size_t len)
{
    dti_ynode *n = calloc(1, sizeof *n + (text ? len + 1 : 0));
    if (!n) {
        fputs("dtirank: out of memory\n", stderr);
        abort();
    }
    n->kind = (unsigned char)kind;
    n->line = mark->line + 1;
    n->column = mark->column + 1;
    if (text) {
        n->text = (char *)(n + 1);
        memcpy(n->text, text, len);
    }
    return n;
}

void dti_ynode_free(dti_ynode *node)
{
    if (!node)
        return;
    /* Iterative free with an explicit worklist: a deep tree must not overflow the C stack. */
    size_t cap = 64, top = 0;
    dti_ynode **stack = malloc(cap * sizeof *stack);
    if (!stack)
        abort();
    stack[top++] = node;
    while (top) {
        dti_ynode *n = stack[--top];
        for (size_t i = 0; i < n->n; i++) {
            if (top + 2 > cap) {
                cap *= 2;
                dti_ynode **s = realloc(stack, cap * sizeof *stack);
                if (!s)
                    abort();
                stack = s;
            }
            if (n->items && n->items[i])
                stack[top++] = n->items[i];
            if (n->keys && n->keys[i])
                stack[top++] = n->keys[i];
        }
        free(n->items);
        free(n->keys);
        free(n);
    }
    free(stack);
}

/* Appends child (and key, for mappings) to parent. */
static void S_append(dti_ynode *parent, dti_ynode *key, dti_ynode *child)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
        dti_ynode **items = realloc(parent->items, cap * sizeof *items);
        if (!items)
            abort();
        parent->items = items;
        if (parent->kind == DTI_Y_MAPPING) {
            dti_ynode **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys)
                abort();
            parent->keys = keys;
        }
        parent->cap = cap;
    }
    if (parent->kind == DTI_Y_MAPPING)
        parent->keys[parent->n] = key;
    parent->items[parent->n++] = child;
}

/* Line and column (1-based, in characters) of byte `offset` of the file f, read again from its start
 * (the same open file: not a second open of a path that may have changed). */
static void S_position_of(FILE *f, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    if (fseek(f, 0, SEEK_SET) != 0)
        return;
    for (size_t i = 0; i < offset; i++) {
        int ch = fgetc(f);
        if (ch == EOF)
            break;
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) { /* count characters, not UTF-8 continuation bytes */
            (*col)++;
        }
    }
}

static int S_syntax_error(const char *path, FILE *f, const yaml_parser_t *p, dti_error *err)
{
    const yaml_mark_t *m = &p->problem_mark;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a line: find the line ourselves. */
        size_t line, col;
        S_position_of(f, p->problem_offset, &line, &col);
        return dti_error_set(err, DTI_ERR_INPUT, path, line, col, "invalid input: %s (byte %zu)", problem,
                             p->problem_offset);
    }
    if (p->context)
        return dti_error_set(err, DTI_ERR_INPUT, path, m->line + 1, m->column + 1, "YAML syntax: %s %s",
                             problem, p->context);
    return dti_error_set(err, DTI_ERR_INPUT, path, m->line + 1, m->column + 1, "YAML syntax: %s", problem);
}

/* One open collection on the parse stack; for a mapping, `key` is the pending key or NULL. */
typedef struct {
    dti_ynode *node;
    dti_ynode *key;
    dti_strmap seen; /* the mapping's keys once it has S_HASH_FROM of them (cap 0 before) */
} S_frame;

/* Mappings up to this many keys check duplicates by comparing; larger ones through a hash map, so a
 * mapping of n keys costs O(n), not O(n^2). */
#define S_HASH_FROM 16

/* Index of a key equal to `text` among the keys of the frame's mapping, or DTI_NONE; records it. */
static size_t S_key_seen(S_frame *top, const char *text)
{
    const dti_ynode *map = top->node;
    if (map->n < S_HASH_FROM) {
        for (size_t i = 0; i < map->n; i++)
            if (strcmp(map->keys[i]->text, text) == 0)
                return i;
        return DTI_NONE;
    }
    if (!top->seen.cap) {
        dti_strmap_init(&top->seen, 2 * map->n);
        for (size_t i = 0; i < map->n; i++)
            dti_strmap_put(&top->seen, map->keys[i]->text, i);
    }
    return dti_strmap_put(&top->seen, text, map->n);
}

int dti_yaml_load(const char *path, dti_ynode **root, dti_error *err)
{
    *root = NULL;
    FILE *f = NULL;
    int rc = dti_input_open(path, &f, err);
    if (rc)
        return rc;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return dti_error_set(err, DTI_ERR_INTERNAL, path, 0, 0, "cannot initialise the YAML parser");
    }
    yaml_parser_set_input_file(&parser, f);

    S_frame stack[DTI_YAML_MAX_DEPTH + 1];
    size_t depth = 0, n_nodes = 0, n_docs = 0;
    dti_ynode *doc = NULL;
    int done = 0;

    while (!done && rc == DTI_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = S_syntax_error(path, f, &parser, err);
            break;
        }
        const yaml_mark_t *mark = &ev.start_mark;
        dti_ynode *node = NULL;
        const char *anchor = NULL;

        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++n_docs > 1)
                rc = dti_error_set(err, DTI_ERR_INPUT, path, mark->line + 1, mark->column + 1,
                                   "more than one YAML document in the file");
            break;
        case YAML_ALIAS_EVENT:
            rc = dti_error_set(err, DTI_ERR_INPUT, path, mark->line + 1, mark->column + 1,
                               "YAML aliases are not allowed (*%s)", (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            anchor = (const char *)ev.data.scalar.anchor;
            if (!anchor) {
                if (strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length) {
                    rc = dti_error_set(err, DTI_ERR_INPUT, path, mark->line + 1, mark->column + 1,
                                       "NUL character in a string");
                    break;
                }
                node = S_node_new(DTI_Y_SCALAR, mark, (const char *)ev.data.scalar.value, ev.data.scalar.length);
                node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
            anchor = (const char *)ev.data.sequence_start.anchor;
            if (!anchor)
                node = S_node_new(DTI_Y_SEQUENCE, mark, NULL, 0);
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = (const char *)ev.data.mapping_start.anchor;
            if (!anchor)
                node = S_node_new(DTI_Y_MAPPING, mark, NULL, 0);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            dti_strmap_clear(&stack[depth].seen);
            break;
        default:
            break;
        }
        if (anchor && rc == DTI_OK)
            rc = dti_error_set(err, DTI_ERR_INPUT, path, mark->line + 1, mark->column + 1,
                               "YAML anchors are not allowed (&%s)", anchor);
        yaml_event_delete(&ev);
        if (!node || rc != DTI_OK) {
            dti_ynode_free(node);
            continue;
        }

        if (++n_nodes > DTI_YAML_MAX_NODES) {
            rc = dti_error_set(err, DTI_ERR_INPUT, path, node->line, node->column,
                               "document too large (more than %d nodes; see docs/guide.md)", DTI_YAML_MAX_NODES);
            dti_ynode_free(node);
            break;
        }
        /* Attach the new node to its parent, or make it the document root. */
        if (depth == 0) {
            doc = node;
        } else {
            S_frame *top = &stack[depth - 1];
            if (top->node->kind == DTI_Y_SEQUENCE) {
                S_append(top->node, NULL, node);
            } else if (!top->key) {
                if (node->kind != DTI_Y_SCALAR) {
                    rc = dti_error_set(err, DTI_ERR_INPUT, path, node->line, node->column,
                                       "a mapping key must be a plain value, not a %s",
                                       node->kind == DTI_Y_MAPPING ? "mapping" : "sequence");
                    dti_ynode_free(node);
                    break;
                }
                size_t first = S_key_seen(top, node->text);
                if (first != DTI_NONE)
                    rc = dti_error_set(err, DTI_ERR_INPUT, path, node->line, node->column,
                                       "duplicate key '%s' (first at line %zu)", node->text,
                                       top->node->keys[first]->line);
                if (rc != DTI_OK) {
                    dti_ynode_free(node);
                    break;
                }
                top->key = node;
                continue; /* a key is not a collection: nothing to push */
            } else {
                S_append(top->node, top->key, node);
                top->key = NULL;
            }
        }
        if (node->kind != DTI_Y_SCALAR) {
            if (depth == DTI_YAML_MAX_DEPTH) {
                rc = dti_error_set(err, DTI_ERR_INPUT, path, node->line, node->column,
                                   "nesting deeper than %d levels", DTI_YAML_MAX_DEPTH);
                break;
            }
            stack[depth].node = node;
            stack[depth].key = NULL;
            memset(&stack[depth].seen, 0, sizeof stack[depth].seen);
            depth++;
        }
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc != DTI_OK) {
        for (size_t i = 0; i < depth; i++) { /* keys still waiting for their value */
            dti_ynode_free(stack[i].key);
            dti_strmap_clear(&stack[i].seen);
        }
        dti_ynode_free(doc);
        return rc;
    }
    if (!doc) { /* an empty file is an empty mapping: the loaders then report what is missing */
        yaml_mark_t m = {0, 0, 0};
        doc = S_node_new(DTI_Y_MAPPING, &m, NULL, 0);
    }
    *root = doc;
    return DTI_OK;
}

const char *dti_yaml_version_linked(void)
{
    return yaml_get_version_string();
}
