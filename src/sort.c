/* sort.c -- allocation-free sorting and ranking for the engine's hot path: a stable bottom-up merge
 * sort of indices by key, and the official competition ranking on a caller's buffers (rank.c has the
 * allocating version for one-off tables). */
#include <math.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

void dti_sort_index(const double *keys, size_t *idx, size_t n, size_t *tmp)
{
    /* Small runs by insertion first (cheap for the 50-80 units of a real index), then merges of
     * doubling width, ping-ponging between idx and tmp. */
    enum { RUN = 16 };
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t k = lo + 1; k < hi; k++) {
            size_t v = idx[k], m = k;
            while (m > lo && keys[idx[m - 1]] > keys[v]) {
                idx[m] = idx[m - 1];
                m--;
            }
            idx[m] = v;
        }
    }
    size_t *src = idx, *dst = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                dst[o++] = keys[src[b]] < keys[src[a]] ? src[b++] : src[a++]; /* ties keep a first */
            while (a < mid)
                dst[o++] = src[a++];
            while (b < hi)
                dst[o++] = src[b++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
}

void dti_rank_competition_ws(const double *values, size_t n, int precision, size_t *ranks, size_t *order,
                             double *keys, size_t *tmp)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            ranks[i] = 0;
            continue;
        }
        /* Sorting ascending on the negated key gives "higher is better" with ties in unit order
         * (negation is exact; dti_rank_key keeps ties and order and never overflows). */
        keys[i] = -dti_rank_key(values[i], precision);
        order[m++] = i;
    }
    dti_sort_index(keys, order, m, tmp);
    for (size_t k = 0; k < m; k++) {
        size_t i = order[k];
        int tie = k > 0 && !(keys[order[k - 1]] < keys[i]);
        ranks[i] = tie ? ranks[order[k - 1]] : k + 1;
    }
    for (size_t i = 0, k = m; i < n; i++) /* unranked last, in unit order */
        if (isnan(values[i]))
            order[k++] = i;
}
