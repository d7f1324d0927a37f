/* internal.h -- the library's own view of its data structures (not installed).
 *
 * The public header keeps these opaque; modules inside the library use the fields directly.
 */
#ifndef DTI_INTERNAL_H
#define DTI_INTERNAL_H

#include <stdint.h>

#include "dtirank.h"
#include "methods.h"

#define DTI_NONE SIZE_MAX /* "no index": no parent, not found */
/* Names that become parts of file names or column names are refused beyond these lengths (never
 * cut: a cut name could name another file or column).  A node id also names columns ("<id>_rank",
 * "<id>_computed" in table.c, "<parent>/<child>" in audit.c, whose buffers hold two ids of this). */
#define DTI_ID_MAX 100
/* The engine's limit on magnitudes (docs/methods.md, "Limits"): every value that enters a run (raw
 * values, previous values, denominators, method parameters) and every value a stage produces must be
 * finite and at most this in absolute value.  Within it no intermediate of any method can overflow
 * (the fourth powers of the kurtosis stay below 1e130 for 10^8 units), so a result is either right or
 * refused with an error naming the file, the indicator and the unit -- never inf, never NaN passed
 * off as missing.  Weights (framework, overrides) must be finite, >= 0 and at most DTI_WEIGHT_MAX. */
#define DTI_VALUE_MAX 1e30
#define DTI_WEIGHT_MAX 1e30
/* Costs of tune goal (one unit of an indicator): positive and at most this, so that a plan's total,
 * a sum of cost x increase, cannot overflow. */
#define DTI_COST_MAX 1e30
#define DTI_FILE_STEM_MAX 200

/* One published fact: a value or a rank, with its evidence.  A rank may be known only by bounds. */
typedef struct dti_fact {
    int known;     /* 0: absent (unknown) */
    double value;  /* the value, or the exact rank; NaN when only bounds are known */
    double lo, hi; /* rank bounds (lo = hi = value for an exact rank) */
    int derived;   /* derived by arithmetic from a stated figure, not stated itself */
    char *source, *evidence, *how, *note;
    size_t line, column;
} dti_fact;

/* A string -> index map by open addressing (FNV-1a): the duplicate checks of the loaders in O(n)
 * instead of comparing every pair.  Keys are borrowed: they must outlive the map. */
typedef struct dti_strmap {
    size_t cap, n;     /* slots (a power of two), keys stored */
    const char **key;  /* [cap] NULL = empty */
    size_t *val;       /* [cap] */
} dti_strmap;
void dti_strmap_init(dti_strmap *m, size_t expected);
void dti_strmap_clear(dti_strmap *m);
/* Stores key -> val and returns DTI_NONE, or, when key is already there, leaves it and returns the
 * value stored first (the first occurrence wins, for "first at line N" messages). */
size_t dti_strmap_put(dti_strmap *m, const char *key, size_t val);
/* The value stored for key, or DTI_NONE. */
size_t dti_strmap_get(const dti_strmap *m, const char *key);

typedef struct dti_province {
    char *code, *name, *ascii, *region, *successor;
    char *key_name, *key_ascii; /* folded forms used by dti_registry_find */
    char *key_code;             /* the code without leading zeros ("06" -> "6") */
    size_t n_numbers;           /* user columns under `numbers:` (e.g. population) */
    char **number_names;
    double *numbers;
    size_t line, column;
} dti_province;

struct dti_registry {
    char *path;
    size_t n;
    dti_province *p;
    dti_strmap *by_code, *by_name; /* key_code -> i; key_name and key_ascii without "tp " -> i */
};

typedef struct dti_node {
    char *id, *name_vi, *name_en, *note;
    size_t parent; /* DTI_NONE for the root and for reported nodes */
    double weight;
    int direction; /* +1 higher is better, -1 lower is better */
    int role;      /* enum dti_node_role */
    size_t *children, n_children;
    size_t line, column;
    /* method settings, resolved against the framework defaults (methods.c) */
    dti_norm_spec norm;   /* indicators */
    dti_transform_spec transform; /* indicators */
    dti_category_spec categories; /* indicators given as labels (owned), n = 0 otherwise */
    dti_treat_spec treat; /* indicators */
    dti_agg_spec agg;     /* aggregates */
    size_t denom;         /* index in framework denominators, DTI_NONE when not denominated */
} dti_node;

#define DTI_MAX_YEARS 32

struct dti_framework {
    char *path, *name, *title, *legal_basis, *source, *note;
    int precision;
    int has_range;
    double range_lo, range_hi;
    long years[DTI_MAX_YEARS];
    size_t n_years;
    dti_node *nodes;
    size_t n_nodes;
    size_t root;
    size_t *postorder; /* node indices, children before parents (for aggregation) */
    size_t n_postorder;
    dti_methods defaults;  /* `defaults:` (methods.h) */
    char **denominators;   /* distinct `denominator:` names of the nodes, in first-use order */
    size_t n_denominators;
};

struct dti_year {
    char *path;
    int year;
    size_t units; /* number of ranked provinces that year */
    dti_framework *fw;
    const dti_registry *reg;
    size_t n;         /* province entries, in file order */
    size_t *prov;     /* registry index of entry i */
    size_t *entry_of; /* [reg->n] entry of registry province p, DTI_NONE when absent */
    dti_fact *value;  /* [i * fw->n_nodes + node] */
    dti_fact *rank;   /* [i * fw->n_nodes + node] */
    int has_top10;
    int *top10;       /* per entry: listed in the official top 10 */
    char **top10_source;
    int *conflict;        /* per entry: a published rank disagrees with a published value */
    dti_error warnings;   /* such disagreements, with their positions (collect mode) */
};

#define DTI_TOP 10              /* the official list published every year is a top ten */
#define DTI_MAX_NODES_STACK 256 /* frameworks up to this size compute without allocating */

/* Entry of registry province p in the year file, or DTI_NONE. */
size_t dti_year_entry(const dti_year *yr, size_t p);
/* Rank bounds of province p for `node` from its rank fact and, for the index, the top-10 list
 * (listed: <= 10; not listed: >= 11).  Returns the exact rank, or 0.  *derived may be NULL. */
size_t dti_year_rank_bounds(const dti_year *yr, size_t p, size_t node, size_t *lo, size_t *hi, int *derived);
/* Published value of `node` for province p and the value computed from its known inputs (NaN when
 * absent or, for computed, when an input with positive weight is unknown). */
void dti_year_values(const dti_year *yr, size_t p, size_t node, double *published, double *computed);

char *dti_strdup(const char *s);     /* aborts on out of memory, as cmark does */
void *dti_xcalloc(size_t n, size_t size);
/* Folds a name for lookup: NFD, case fold, strip marks, đ -> d, non-alphanumerics -> one space. */
char *dti_name_fold(const char *s);
/* Display width in terminal columns of a UTF-8 string (utf8proc_charwidth). */
size_t dti_utf8_width(const char *s);
/* Output helpers (fmt.c): a JSON string with escapes, an RFC 4180 CSV field (quoted when needed),
 * and `s` padded with blanks to `width` display columns (right-aligned when `right`). */
void dti_fmt_json_string(FILE *out, const char *s);
void dti_fmt_csv_field(FILE *out, const char *s);
void dti_fmt_pad(FILE *out, const char *s, size_t width, int right);
/* The rounding key of the official rule: v * 10^precision rounded half away from zero (after
 * snapping binary noise), as a double holding an integer; values too large to have decimals are their
 * own key.  Equal keys are ties. */
double dti_round_key(double v, int precision);
/* The key to compare values by under the ranking rule, for every finite v: dti_round_key(v, p)
 * scaled by 2^-64 (an exact scaling, so ties and order are the same), computed so that it never
 * overflows -- dti_round_key itself is inf beyond DBL_MAX / 10^p, where 1e308 and 1.5e308 would tie.
 * precision < 0: v itself.  Only for comparisons: divide dti_round_key, not this, to print. */
double dti_rank_key(double v, int precision);
/* The seed of random stream `block` of family `phase` for a user's seed (splitmix64, 32 bits, never 0):
 * one stream per block of runs, so results do not depend on the thread count. */
unsigned long dti_stream_seed(unsigned long seed, size_t block, unsigned long phase);
/* Gives the last error the file it is about when it names none (the engine knows the indicator and
 * the unit, its caller the file the data came from). */
void dti_error_locate(dti_error *err, const char *path);

/* Tests only: hook(tmp) runs once the atomic writer's temporary file exists and its signal handler
 * is in place (output.c); NULL removes it. */
void dti_output_test_hook(void (*hook)(const char *tmp));

/* Index value of every node of `fw` from the leaf values vals[node] (NaN = unknown): weighted
 * arithmetic mean of the children with weight > 0, NaN when one of them is unknown. */
void dti_framework_compute(const dti_framework *fw, double *vals);

#endif
