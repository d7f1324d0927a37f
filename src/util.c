/* util.c -- small shared helpers: allocation that aborts on exhaustion, Unicode folding and width
 * (through utf8proc), and the rounding key of the published precision. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "internal.h"

static void S_oom(void)
{
    fputs("dtirank: out of memory\n", stderr);
    abort();
}

char *dti_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        S_oom();
    return d;
}

void *dti_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        S_oom();
    return p;
}

void *dti_xgsl(void *p)
{
    if (!p)
        S_oom();
    return p;
}

char *dti_ascii_of(const char *s)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &mapped,
                                        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
    if (len < 0)
        return dti_strdup("");
    char *out = dti_xcalloc((size_t)len + 1, 1);
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(mapped + i, len - i, &cp);
        if (k <= 0)
            break;
        i += k;
        /* Đ/đ have no decomposition (see dti_name_fold) */
        out[o++] = cp == 0x0110 ? 'D' : cp == 0x0111 ? 'd' : cp < 0x80 ? (char)cp : '?';
    }
    free(mapped);
    return out;
}

char *dti_name_fold(const char *s)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &mapped,
                                        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                            UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    if (len < 0) /* invalid UTF-8: fold nothing, the comparison will simply fail */
        return dti_strdup("");
    char *out = dti_xcalloc((size_t)len + 1, 1);
    size_t o = 0;
    int space = 0;
    for (utf8proc_ssize_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(mapped + i, len - i, &cp);
        if (k <= 0)
            break;
        i += k;
        /* đ (U+0111) has no decomposition: Vietnamese readers treat it as d when typing without
         * diacritics ("Da Nang"), so fold it by hand. */
        if (cp == 0x0111)
            cp = 'd';
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            if (space && o > 0)
                out[o++] = ' ';
            space = 0;
            out[o++] = (char)cp;
        } else if (cp < 0x80) {
            space = 1;
        } else { /* other letters (other scripts) are kept as they are, in UTF-8 */
            utf8proc_uint8_t buf[4];
            utf8proc_ssize_t m = utf8proc_encode_char(cp, buf);
            if (space && o > 0)
                out[o++] = ' ';
            space = 0;
            if (o + (size_t)m <= (size_t)len) {
                memcpy(out + o, buf, (size_t)m);
                o += (size_t)m;
            }
        }
    }
    out[o] = '\0';
    free(mapped);
    return out;
}

size_t dti_utf8_width(const char *s)
{
    size_t w = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s);
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, len, &cp);
        if (k <= 0) { /* invalid byte: count it as one column so alignment degrades gracefully */
            w++;
            p++;
            len--;
            continue;
        }
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        p += k;
        len -= k;
    }
    return w;
}

/* round(x), half away from zero, without the library call (the Monte Carlo ranks call it twice per unit
 * per draw): below 2^52 the integer part r = trunc(x) and the fraction x - r are exact, so adding one
 * away from zero when |x - r| >= 1/2 is exactly round(x); the sign of a zero result is x's, as round's.
 * From 2^52 on (and for inf and NaN) x is its own rounding. */
static double S_round(double x)
{
    if (!(fabs(x) < 4503599627370496.0))
        return x;
    double r = (double)(long long)x, f = x - r;
    r += (double)(f >= 0.5) - (double)(f <= -0.5); /* no branch: the fraction is as likely either way */
    return copysign(r, x);
}

double dti_round_scale(int precision)
{
    /* 10^p for p <= 22 is exact in a double (and pow returns it exactly): a table saves a pow() per
     * key, which the Monte Carlo ranks call for every unit of every draw */
    static const double S_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return precision >= 0 && precision <= 22 ? S_pow10[precision] : pow(10.0, precision);
}

double dti_round_scaled(double t)
{
    /* The official rule rounds the decimal value half away from zero.  A double such as 0.69065 is
     * stored a hair below the half, so first snap v*10^p to 1e-6 of the last published digit (far
     * below any real difference, far above binary noise), then round half away from zero. */
    /* From 2^52 on a double has no fractional digit left to round (and inf/NaN stay as they are):
     * the value is its own key, still in the right order. */
    if (!(fabs(t) < 4503599627370496.0))
        return t;
    return S_round(S_round(t * 1e6) / 1e6); /* half away from zero */
}

double dti_round_key(double v, int precision)
{
    return dti_round_scaled(v * dti_round_scale(precision));
}

double dti_rank_key(double v, int precision)
{
    if (precision < 0)
        return v;
    double p10 = precision <= 22 ? 1.0 : pow(10.0, precision);
    if (precision <= 22) /* exact powers of ten, as in dti_round_key */
        for (int k = 0; k < precision; k++)
            p10 *= 10.0;
    double t = v * p10;
    if (isfinite(t))
        return dti_round_key(v, precision) * 0x1p-64; /* a power of two: exact, no underflow for integers */
    /* |v| * 10^p beyond DBL_MAX: no decimal is left to round, and scaling before multiplying gives
     * the same rounding of the product as in an unbounded exponent range */
    return (v * 0x1p-64) * p10;
}

unsigned long dti_stream_seed(unsigned long seed, size_t block, unsigned long phase)
{
    /* splitmix64 (Steele, Lea & Flood 2014) of (seed, phase, block): distinct seeds give unrelated
     * streams, which a linear seed * k + block would not (generators keep only 32 bits of it). */
    uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + (uint64_t)phase * 0xD1B54A32D192ED03ULL + (uint64_t)block;
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    unsigned long s = (unsigned long)(z & 0xFFFFFFFFUL);
    return s ? s : 1UL; /* 0 would select the generator's default seed */
}

size_t dti_edit_distance(const char *a, const char *b)
{
    /* Damerau's optimal string alignment (Boytsov 2011, "Indexing methods for approximate dictionary
     * searching"): three rows of the dynamic programme, so no allocation. */
    size_t n = strlen(a), m = strlen(b);
    if (n > 255 || m > 255)
        return (size_t)-1;
    size_t rows[3][256], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1], d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d)
                d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

int dti_edit_close(size_t distance, const char *key)
{
    /* one slip in a short name, two in a name of 6 to 10 letters, three beyond (a transposition counts
     * one): "awarness" -> "awareness", "hanoii" -> "hanoi"; not "gas" -> "co2" */
    size_t len = strlen(key);
    return distance <= (len <= 5 ? 1u : len <= 10 ? 2u : 3u);
}

size_t dti_name_nearest(const char *query, const char *const *names, size_t n)
{
    char *q = dti_name_fold(query);
    size_t best = DTI_NONE, best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        char *k = dti_name_fold(names[i]);
        size_t d = dti_edit_distance(q, k);
        free(k);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    int close = best != DTI_NONE && dti_edit_close(best_d, q);
    free(q);
    return close ? best : DTI_NONE;
}

/* ---- string -> index map ---------------------------------------------------------------------- */

static uint64_t S_fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 (Fowler, Noll, Vo) */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void dti_strmap_init(dti_strmap *m, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected + 2) /* at most half full: short probe sequences */
        cap *= 2;
    m->cap = cap;
    m->n = 0;
    m->key = dti_xcalloc(cap, sizeof *m->key);
    m->val = dti_xcalloc(cap, sizeof *m->val);
}

void dti_strmap_clear(dti_strmap *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t S_slot(const dti_strmap *m, const char *key)
{
    size_t i = (size_t)S_fnv1a(key) & (m->cap - 1);
    while (m->key[i] && strcmp(m->key[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

size_t dti_strmap_put(dti_strmap *m, const char *key, size_t val)
{
    if (2 * (m->n + 1) > m->cap) { /* grow: rehash into twice the slots */
        dti_strmap big;
        dti_strmap_init(&big, m->cap);
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) {
                size_t j = S_slot(&big, m->key[i]);
                big.key[j] = m->key[i];
                big.val[j] = m->val[i];
                big.n++;
            }
        dti_strmap_clear(m);
        *m = big;
    }
    size_t i = S_slot(m, key);
    if (m->key[i])
        return m->val[i];
    m->key[i] = key;
    m->val[i] = val;
    m->n++;
    return DTI_NONE;
}

size_t dti_strmap_get(const dti_strmap *m, const char *key)
{
    if (!m->cap)
        return DTI_NONE;
    size_t i = S_slot(m, key);
    return m->key[i] ? m->val[i] : DTI_NONE;
}
