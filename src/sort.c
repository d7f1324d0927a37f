/* sort.c -- allocation-free sorting and ranking for the engine's hot path: a stable bottom-up merge
 * sort of indices by key, and the official competition ranking on a caller's buffers (rank.c has the
 * allocating version for one-off tables). */
#include <math.h>
#include <stdlib.h>
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

/* ---- the Monte Carlo ranks: a bucketed sort for a few dozen keys ---------------------------------- */

#define S_BUCKETS 2 /* buckets per key: fewer keys share one, and few then move in the insertion sort */

struct dti_sort_ws {
    size_t cap;
    double *val;      /* [cap] the keys in sorted order; val[-1] = +inf, a sentinel (dti_sort_desc_all) */
    size_t *idx;      /* [cap] their indices */
    size_t *count;    /* [cap + 1] bucket starts */
    unsigned *bucket; /* [cap] bucket of each input */
};

dti_sort_ws *dti_sort_ws_alloc(size_t n)
{
    dti_sort_ws *w = dti_xcalloc(1, sizeof *w);
    w->cap = n;
    w->val = (double *)dti_xcalloc(n + 1, sizeof *w->val) + 1;
    w->val[-1] = INFINITY;
    w->idx = dti_xcalloc(n ? n : 1, sizeof *w->idx);
    w->count = dti_xcalloc(S_BUCKETS * n + 1, sizeof *w->count);
    w->bucket = dti_xcalloc(n ? n : 1, sizeof *w->bucket);
    return w;
}

void dti_sort_ws_free(dti_sort_ws *w)
{
    if (!w)
        return;
    free(w->val - 1);
    free(w->idx);
    free(w->count);
    free(w->bucket);
    free(w);
}

/* Bucket of v among n of equal width below hi: floor((hi - v) * scale) in 0..n-1; a value that is not
 * finite goes last (the insertion sort then orders it by the same comparison as everything else). */
static unsigned S_bucket(double hi, double v, double scale, size_t n)
{
    /* hi is the largest key, so b >= 0 (or -0) for every key that is not NaN; above n - 1 (rounding) and
     * NaN (the comparison is false) take the last bucket: one comparison, no branch */
    double b = (hi - v) * scale, top = (double)(n - 1);
    return (unsigned)(b < top ? b : top);
}

/* Insertion sort of the (key, index) pairs by key descending, then index ascending, in place and
 * contiguous: after the buckets only the few that share one move. */
static void S_insertion(double *sv, size_t *si, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = sv[i];
        size_t id = si[i], j = i;
        while (j > 0 && (sv[j - 1] < v || (!(sv[j - 1] > v) && si[j - 1] > id))) {
            sv[j] = sv[j - 1];
            si[j] = si[j - 1];
            j--;
        }
        sv[j] = v;
        si[j] = id;
    }
}

const double *dti_sort_desc(const double *key, size_t *idx, size_t n, dti_sort_ws *w)
{
    double *sv = w->val;
    size_t *si = w->idx;
    if (!n)
        return sv;
    double lo = key[idx[0]], hi = lo;
    for (size_t k = 1; k < n; k++) {
        double v = key[idx[k]];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (hi > lo && isfinite(hi - lo)) {
        /* counting sort into n buckets of equal width (the factor keeps hi - lo inside bucket n - 1),
         * stable: the buckets keep the input order */
        size_t nb = S_BUCKETS * n;
        double scale = (double)nb * (1.0 - 1e-9) / (hi - lo);
        memset(w->count, 0, (nb + 1) * sizeof *w->count);
        for (size_t k = 0; k < n; k++) {
            unsigned b = S_bucket(hi, key[idx[k]], scale, nb);
            w->bucket[k] = b;
            w->count[b + 1]++;
        }
        for (size_t b = 1; b <= nb; b++)
            w->count[b] += w->count[b - 1];
        for (size_t k = 0; k < n; k++) {
            size_t p = w->count[w->bucket[k]]++;
            sv[p] = key[idx[k]];
            si[p] = idx[k];
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            sv[k] = key[idx[k]];
            si[k] = idx[k];
        }
    }
    S_insertion(sv, si, n);
    memcpy(idx, si, n * sizeof *idx);
    return sv;
}

/* dti_sort_desc_all as it was first written (a scatter into the buckets, then an insertion sort of the
 * whole array): kept for keys with a NaN, whose place depends on the comparisons made. */
static const double *S_sort_all_scatter(const double *key, size_t n, dti_sort_ws *w, const size_t **order)
{
    double *sv = w->val;
    size_t *si = w->idx;
    *order = si;
    if (!n)
        return sv;
    double lo = key[0], hi = lo;
    for (size_t k = 1; k < n; k++) {
        lo = key[k] < lo ? key[k] : lo;
        hi = key[k] > hi ? key[k] : hi;
    }
    if (hi > lo && isfinite(hi - lo)) { /* as dti_sort_desc, with the keys read in place */
        size_t nb = S_BUCKETS * n;
        double scale = (double)nb * (1.0 - 1e-9) / (hi - lo);
        memset(w->count, 0, (nb + 1) * sizeof *w->count);
        for (size_t k = 0; k < n; k++) {
            unsigned b = S_bucket(hi, key[k], scale, nb);
            w->bucket[k] = b;
            w->count[b + 1]++;
        }
        for (size_t b = 1; b <= nb; b++)
            w->count[b] += w->count[b - 1];
        for (size_t k = 0; k < n; k++) {
            size_t p = w->count[w->bucket[k]]++;
            sv[p] = key[k];
            si[p] = k;
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            sv[k] = key[k];
            si[k] = k;
        }
    }
    S_insertion(sv, si, n);
    return sv;
}

const double *dti_sort_desc_all(const double *key, size_t n, dti_sort_ws *w, const size_t **order)
{
    double *sv = w->val;
    size_t *si = w->idx;
    *order = si;
    if (!n)
        return sv;
    double lo = key[0], hi = lo;
    for (size_t k = 1; k < n; k++) {
        lo = key[k] < lo ? key[k] : lo;
        hi = key[k] > hi ? key[k] : hi;
    }
    if (!(hi > lo && isfinite(hi - lo)))
        return S_sort_all_scatter(key, n, w, order);
    size_t nb = S_BUCKETS * n, *count = w->count;
    double scale = (double)nb * (1.0 - 1e-9) / (hi - lo);
    memset(count, 0, (nb + 1) * sizeof *count);
    for (size_t k = 0; k < n; k++) {
        unsigned b = S_bucket(hi, key[k], scale, nb);
        w->bucket[k] = b;
        count[b + 1]++;
    }
    size_t b = 1, acc = 0;
    for (; b + 3 <= nb; b += 4) { /* the running sums, four at a time (the loop's own work halves) */
        size_t c1 = acc + count[b], c2 = c1 + count[b + 1], c3 = c2 + count[b + 2];
        acc = c3 + count[b + 3];
        count[b] = c1;
        count[b + 1] = c2;
        count[b + 2] = c3;
        count[b + 3] = acc;
    }
    for (; b <= nb; b++) {
        acc += count[b];
        count[b] = acc;
    }
    size_t last = count[nb - 1]; /* where the last bucket, the only one a NaN can fall in, begins */
    /* Each key inserted into its bucket's part as it comes (in index order: equal keys stay in index
     * order).  A bucket's keys are all below those of the buckets before it, and the slots not yet filled
     * hold a NaN and val[-1] +inf, neither below a key: the insertion stops at the bucket's start without a
     * bound check. */
    memset(sv, 0xff, n * sizeof *sv); /* all bits set: a NaN, which no comparison passes either */
    for (size_t k = 0; k < n; k++) {
        double v = key[k];
        size_t p = count[w->bucket[k]]++;
        while (sv[p - 1] < v) {
            sv[p] = sv[p - 1];
            si[p] = si[p - 1];
            p--;
        }
        sv[p] = v;
        si[p] = k;
    }
    for (size_t p = last; p < n; p++)
        if (isnan(sv[p]))
            return S_sort_all_scatter(key, n, w, order);
    return sv;
}
