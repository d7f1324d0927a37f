/* rank.c -- the official ranking rule: standard competition ranking ("1, 2, 2, 4") on values
 * rounded to the published precision, higher is better, missing values unranked and last. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

typedef struct {
    double key; /* the rounded value scaled to an integer, or the raw value when unrounded */
    size_t idx;
    int missing;
} S_item;

static int S_cmp(const void *a, const void *b)
{
    const S_item *x = a, *y = b;
    if (x->missing != y->missing)
        return x->missing - y->missing;
    if (!x->missing && (x->key < y->key || x->key > y->key))
        return x->key > y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int S_same(const S_item *a, const S_item *b)
{
    return !a->missing && !b->missing && !(a->key < b->key) && !(a->key > b->key);
}

int dti_rank_competition(const double *values, size_t n, int precision, size_t *ranks, size_t *order,
                         dti_error *err)
{
    (void)err;
    S_item *it = dti_xcalloc(n, sizeof *it);
    for (size_t i = 0; i < n; i++) {
        it[i].idx = i;
        it[i].missing = isnan(values[i]);
        it[i].key = it[i].missing ? 0.0 : dti_rank_key(values[i], precision); /* finite even at +-1e308 */
    }
    qsort(it, n, sizeof *it, S_cmp);
    for (size_t k = 0; k < n; k++) {
        size_t i = it[k].idx;
        if (order)
            order[k] = i;
        if (it[k].missing)
            ranks[i] = 0;
        else if (k > 0 && S_same(&it[k - 1], &it[k]))
            ranks[i] = ranks[it[k - 1].idx];
        else
            ranks[i] = k + 1;
    }
    free(it);
    return DTI_OK;
}
