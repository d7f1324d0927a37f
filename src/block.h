/* block.h -- a block (internal API, issue 17): a framework node standing for a set of indicators whose
 * individual values are unknown but whose mean is known, because a rule written in the framework
 * recovers it from the published index and the other indicators.  framework.c reads the rule (block.c
 * checks it against the weights); dataset.c and tune_fit.c recover the values, marked derived; the
 * presenters say so.  Format and the arithmetic behind the check: docs/tuning.md §6.  No GSL or libyaml
 * type appears here.
 */
#ifndef DTI_BLOCK_H
#define DTI_BLOCK_H

#include <stddef.h>

#include "dtirank.h"

struct dti_yctx;
struct dti_ynode;
struct dti_dataset;

/* `block: {members: [...], value: mean, recover: {from: P, terms: {id: c, ...}, divisor: d}}` on an
 * indicator B whose parent P is a weighted arithmetic mean: P = sum_c w_c v_c / W, so
 *     v_B = (W P - sum_{c != B} w_c v_c) / w_B,
 * and the rule must be that up to one factor k > 0: terms[P] = k W, terms[c] = -k w_c for every other
 * child with a positive weight (a child of weight 0 may be left out), divisor = k w_B. */
typedef struct dti_block {
    size_t node;          /* the block's node */
    size_t n_members;
    size_t *member;       /* [n_members] `role: reported` nodes: unknown individually, mean = the block */
    size_t from;          /* the node whose published value the rule inverts (the block's parent) */
    size_t n_terms;
    size_t *term;         /* [n_terms] from and the block's siblings, in the file's order */
    double *coef;         /* [n_terms] */
    double divisor;
    /* The most a recovered value can differ from the exact one when every input is rounded to the
     * framework's precision p: 0.5 10^-p sum |coef| / divisor (0.0002 for the DTI rule). */
    double slack;
    size_t line, column;  /* of the `block:` mapping */
} dti_block;

/* What a recovery did for one block column (every count over the rows of one table). */
typedef struct dti_block_tally {
    size_t recovered;  /* values recovered by the rule (derived) */
    size_t checked;    /* of those, rows whose members are all published: the rule checked against them */
    double max_gap;    /* largest |recovered - mean of the published members| over them (NaN: none) */
} dti_block_tally;

/* Reads the `block:` mapping v of node i (after the tree and the nodes' methods are known) into
 * fw->nodes[i].block and checks it against the framework's own weights; every error at the offending
 * key or value.  0 or DTI_ERR_INPUT. */
int dti_block_load(const struct dti_yctx *c, const struct dti_ynode *v, dti_framework *fw, size_t i);
void dti_block_free(dti_block *b);
/* 1 when some node of fw is a block. */
int dti_framework_has_blocks(const dti_framework *fw);
/* The rule as text: "foundation = (1000*dti - 100*infrastructure - ...) / 400". */
void dti_block_formula(const dti_framework *fw, const dti_block *b, char *buf, size_t size);

/* The block's value for every entry of record yr (model fw, whose node the block is; the record's own
 * model may be another: every id is looked up in it).  out[e]: the record's own fact when its model
 * has the block's node and gives it (derived[e] = 0), else the rule's value from the record's facts
 * (derived[e] = 1), NaN when one of them is missing.  A recovered value outside the framework's range
 * by more than b->slack, or farther than b->slack + half a unit of the last digit from the mean of
 * members the record does publish, is an inconsistency of the record: DTI_ERR_INPUT at the record's
 * fact of `from` for that province, never clipped.  A term the record's model lacks is DTI_ERR_INPUT.
 * tally may be NULL.  No allocation beyond a scratch array. */
int dti_block_recover_year(const dti_framework *fw, const dti_block *b, const dti_year *yr, double *out, int *derived,
                           dti_block_tally *tally, dti_error *err);

/* Fills the missing cells of every block column of ds (a table read for fw, with the published index
 * values of a CSV table in ds->published) by the rule, with the same checks (errors at the unit's row
 * of the table), and counts them in ds->block.  Nothing happens without blocks or published values. */
int dti_block_recover_table(const dti_framework *fw, struct dti_dataset *ds, dti_error *err);

#endif
