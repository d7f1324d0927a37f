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
    size_t n_numbers;           /* user columns under `numbers:` (e.g. population) */
    char **number_names;
    double *numbers;
    size_t line, column;
} dti_province;

/* A name lookup (lookup.c): folded keys -> entry index.  `what` names the entries in messages. */
typedef struct dti_lookup {
    char **key;
    size_t *index;
    size_t *next;     /* the next entry with the same key, DTI_NONE at the end (insertion order) */
    dti_strmap first; /* key -> its first entry: a lookup is O(1) */
    size_t n, cap;
    const char *what; /* "province", "unit" */
} dti_lookup;
/* How an entry is named in a message ("Thái Nguyên (19)"); the string lives until the 8th next call. */
typedef const char *(*dti_lookup_label)(const void *ctx, size_t index);
/* The folded key of a name: dti_name_fold, a leading "tp "/"thanh pho "/"tinh " and a trailing
 * " city"/" province" dropped, no spaces; a code without its leading zeros.  Caller frees. */
char *dti_lookup_key(const char *s);
void dti_lookup_init(dti_lookup *l, const char *what);
void dti_lookup_clear(dti_lookup *l);
/* Adds `name` for entry `index` (nothing for an empty name).  Two entries may share a key: a query
 * of that key is then ambiguous. */
void dti_lookup_add(dti_lookup *l, const char *name, size_t index);
/* The entry a name's key already names (the first), or DTI_NONE. */
size_t dti_lookup_owner(const dti_lookup *l, const char *name);
/* The one entry whose key is the query's, else DTI_ERR_INPUT: ambiguous (the candidates listed by
 * `label`), or unknown with the nearest names (dti_edit_distance on the keys). */
int dti_lookup_find(const dti_lookup *l, const char *query, dti_lookup_label label, const void *ctx, size_t *index,
                    dti_error *err);
/* Builds reg->names from the codes, names and ASCII names (dti_registry_load builds it as it reads,
 * refusing two provinces that share a key). */
void dti_registry_index(dti_registry *reg);
/* Optimal string alignment distance (Levenshtein with adjacent transpositions) of two byte strings;
 * (size_t)-1 when either is longer than 255 bytes. */
size_t dti_edit_distance(const char *a, const char *b);

struct dti_registry {
    char *path;
    size_t n;
    dti_province *p;
    dti_lookup *names; /* codes, names, ASCII names, aliases (lookup.c) */
    size_t n_aliases;  /* the aliases as written (dti_registry_load_aliases), for listing */
    char **alias;
    size_t *alias_of;  /* [n_aliases] the province of each */
    size_t *unit_of;   /* a units' registry: [provinces of the registry it is attached to] unit of each */
    /* A registry of the 34 units of a reorganisation is built from its map (dti_merger_units_registry):
     * `frame` is then the map's name (e.g. "merger-2025"), the name a year record gives as `frame:`;
     * NULL for the provinces' registry. */
    char *frame;
    /* The units' registry attached to a provinces' registry (owned; dti_registry_attach_units), used
     * by year records that rank units (`frame:`). */
    dti_registry *units;
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
    struct dti_block *block; /* `block:` (block.h): an indicator recovered by a rule (owned), or NULL */
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
    size_t unknown_weight; /* first node with `weight: unknown` (NaN weight), DTI_NONE if none */
    /* named weight sets (`weights:`, weights.h): set s gives node i weight_sets[s * n_nodes + i]; nodes
     * without a parent keep their own.  default_weights holds the nodes' own `weight:` as loaded (the
     * set "default"); nodes[i].weight is the selected set (dti_framework_weights_select). */
    size_t n_weight_sets;
    char **weight_set_names; /* [s] (owned) */
    double *weight_sets;     /* [s * n_nodes + i] (owned) */
    double *default_weights; /* [i] (owned) */
    size_t weights_active;   /* the selected set, or DTI_NONE for "default" */
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
    int model_assumed;    /* `model_assumed: true`: the edition's framework is unknown, fw is carried forward */
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
/* p, or abort with "out of memory" when a GSL allocation returned NULL (the program turns GSL's
 * error handler off, so an allocation failure comes back as NULL, as calloc's does). */
void *dti_xgsl(void *p);
/* Folds a name for lookup: NFD, case fold, strip marks, đ -> d, non-alphanumerics -> one space. */
char *dti_name_fold(const char *s);
/* The ASCII form of a Vietnamese name, case kept: diacritics dropped, Đ/đ -> D/d ("Thái Nguyên" ->
 * "Thai Nguyen"); other non-ASCII characters become '?'.  Caller frees. */
char *dti_ascii_of(const char *s);
/* Whether a name at `distance` from the folded query `key` is close enough to suggest ("did you
 * mean"): at most 1 edit up to 5 characters, 2 up to 10, 3 beyond.  One rule for every suggestion
 * (names, indicator columns). */
int dti_edit_close(size_t distance, const char *key);
/* Index of the name nearest to `query` by edit distance on folded forms (dti_name_fold), the first on
 * a tie, or DTI_NONE when none is close (dti_edit_close). */
size_t dti_name_nearest(const char *query, const char *const *names, size_t n);
/* Display width in terminal columns of a UTF-8 string (utf8proc_charwidth). */
size_t dti_utf8_width(const char *s);
/* The rounding key of the official rule: v * 10^precision rounded half away from zero (after
 * snapping binary noise), as a double holding an integer; values too large to have decimals are their
 * own key.  Equal keys are ties. */
double dti_round_key(double v, int precision);
/* The key to compare values by under the ranking rule, for every finite v: dti_round_key(v, p)
 * scaled by 2^-64 (an exact scaling, so ties and order are the same), computed so that it never
 * overflows -- dti_round_key itself is inf beyond DBL_MAX / 10^p, where 1e308 and 1.5e308 would tie.
 * precision < 0: v itself.  Only for comparisons: divide dti_round_key, not this, to print. */
double dti_rank_key(double v, int precision);
/* dti_round_key in two steps, for a loop over many values of one precision:
 * dti_round_key(v, p) == dti_round_scaled(v * dti_round_scale(p)). */
double dti_round_scale(int precision);
double dti_round_scaled(double t);
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
