/* test_harden.c -- issue 13: the atomic writer (refused destinations, kept mode, links, signals), the
 * one door for inputs (FIFOs, sockets, devices), message sanitising, the string map behind the O(n)
 * duplicate checks, the engine's limits at its stage boundaries, ranks at +-1e308, and the loaders'
 * refusals (folded names, long names, costs).  The rank statistics of tune sensitivity in several passes
 * are tested in test_tune.c (test_dti_tune_sens_passes).
 * Every expected message is pinned; every number comes from the arithmetic in the comment beside it. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dataset.h"
#include "engine.h"
#include "internal.h"
#include "io.h"
#include "merger.h"
#include "testutil.h"
#include "tune.h"

/* ---- helpers ------------------------------------------------------------------------------------ */

/* A fresh directory for one test (removed by S_rmdir). */
static void S_dir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/dti_test_harden_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void S_rmdir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void S_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The content of a file ("" when absent), in buf. */
static const char *S_read(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return buf;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Number of entries of a directory (without . and ..). */
static size_t S_count(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0;
    assert_int_equal(fscanf(p, "%zu", &n), 1);
    pclose(p);
    return n;
}

static void S_join(char *out, size_t len, const char *dir, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

/* Opens path as an output, writes text, commits; returns the status and the first message. */
static int S_out(const char *path, unsigned flags, const char *text, char *msg, size_t len)
{
    dti_error err;
    dti_error_init(&err);
    dti_output *o = NULL;
    int rc = dti_output_open(path, flags, &o, &err);
    if (!rc) {
        fputs(text, dti_output_stream(o));
        rc = dti_output_commit(o, &err);
    }
    snprintf(msg, len, "%s", err.n ? err.e[0].message : "");
    return rc;
}

/* Records path as an input, as the loaders do. */
static void S_as_input(const char *path)
{
    dti_error err;
    dti_error_init(&err);
    FILE *f = NULL;
    assert_int_equal(dti_input_open(path, &f, &err), DTI_OK);
    fclose(f);
}

/* ---- the atomic writer (D1, D2, D7, D9) ----------------------------------------------------------- */

static void test_dti_output_refuses_inputs(void **state)
{
    (void)state;
    char dir[64], in[128], link2[128], later[128], msg[512], buf[64];
    S_dir(dir, sizeof dir);
    S_join(in, sizeof in, dir, "in.yaml");
    S_join(link2, sizeof link2, dir, "other-name.yaml");
    S_join(later, sizeof later, dir, "later.yaml");
    S_write(in, "input\n");
    S_write(later, "read after the open\n");
    assert_int_equal(link(in, link2), 0);
    dti_input_forget();
    S_as_input(in);
    assert_int_equal(S_out(in, 0, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "refusing to overwrite an input file");
    /* the same file under another name (a hard link) is still the input, even with --force */
    assert_int_equal(S_out(link2, DTI_OUTPUT_FORCE, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "refusing to overwrite an input file");
    /* an input read after the output was opened is refused at the commit */
    dti_error err;
    dti_error_init(&err);
    dti_output *o = NULL;
    assert_int_equal(dti_output_open(later, 0, &o, &err), DTI_OK);
    fputs("x", dti_output_stream(o));
    S_as_input(later);
    assert_int_equal(dti_output_commit(o, &err), DTI_ERR_USAGE);
    assert_string_equal(err.e[0].message, "refusing to overwrite an input file");
    assert_string_equal(S_read(in, buf, sizeof buf), "input\n");
    assert_string_equal(S_read(later, buf, sizeof buf), "read after the open\n");
    assert_int_equal(S_count(dir), 3); /* no temporary file left */
    dti_input_forget();
    S_rmdir(dir);
}

static void test_dti_output_special_destinations(void **state)
{
    (void)state;
    char dir[64], msg[512], sub[128];
    S_dir(dir, sizeof dir);
    assert_int_equal(S_out("/dev/null", 0, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "is not a regular file (a device, FIFO or socket): refusing to replace it");
    assert_int_equal(S_out(dir, 0, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "is a directory");
    S_join(sub, sizeof sub, dir, "fifo");
    assert_int_equal(mkfifo(sub, 0600), 0);
    assert_int_equal(S_out(sub, DTI_OUTPUT_FORCE, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "is not a regular file (a device, FIFO or socket): refusing to replace it");
    S_join(sub, sizeof sub, dir, "no/such/dir/file");
    assert_int_equal(S_out(sub, 0, "x", msg, sizeof msg), DTI_ERR_IO);
    assert_string_equal(msg, "cannot write here: No such file or directory");
    S_join(sub, sizeof sub, dir, "dir/");
    assert_int_equal(S_out(sub, 0, "x", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "names a directory, not a file");
    /* "-" and /dev/stdout are standard output */
    dti_error err;
    dti_error_init(&err);
    dti_output *o = NULL;
    assert_int_equal(dti_output_open("/dev/stdout", 0, &o, &err), DTI_OK);
    assert_ptr_equal(dti_output_stream(o), stdout);
    dti_output_abort(o);
    assert_int_equal(dti_output_open("-", 0, &o, &err), DTI_OK);
    assert_ptr_equal(dti_output_stream(o), stdout);
    dti_output_abort(o);
    assert_int_equal(S_count(dir), 1);
    S_rmdir(dir);
}

static void test_dti_output_mode_and_links(void **state)
{
    (void)state;
    char dir[64], p[128], target[128], lnk[128], hard[128], msg[512], buf[64];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "p.csv");
    S_write(p, "old\n");
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(S_out(p, 0, "new\n", msg, sizeof msg), DTI_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600); /* D9: the old mode, not 0644 */
    assert_string_equal(S_read(p, buf, sizeof buf), "new\n");
    /* a symbolic link: refused; with force the link itself is replaced and its target is untouched */
    S_join(target, sizeof target, dir, "target.txt");
    S_join(lnk, sizeof lnk, dir, "link.txt");
    S_write(target, "target\n");
    assert_int_equal(symlink(target, lnk), 0);
    assert_int_equal(S_out(lnk, 0, "x\n", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "is a symbolic link: refusing to replace it (--force replaces the link itself)");
    assert_int_equal(S_out(lnk, DTI_OUTPUT_FORCE, "x\n", msg, sizeof msg), DTI_OK);
    assert_int_equal(lstat(lnk, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_string_equal(S_read(lnk, buf, sizeof buf), "x\n");
    assert_string_equal(S_read(target, buf, sizeof buf), "target\n");
    /* a file with another hard link: refused; with force, a new file under this name only */
    S_join(hard, sizeof hard, dir, "hard.txt");
    assert_int_equal(link(target, hard), 0);
    assert_int_equal(S_out(hard, 0, "y\n", msg, sizeof msg), DTI_ERR_USAGE);
    assert_string_equal(msg, "has 2 hard links: refusing to replace it (--force writes a new file under this name)");
    assert_int_equal(S_out(hard, DTI_OUTPUT_FORCE, "y\n", msg, sizeof msg), DTI_OK);
    assert_string_equal(S_read(hard, buf, sizeof buf), "y\n");
    assert_string_equal(S_read(target, buf, sizeof buf), "target\n");
    assert_int_equal(S_count(dir), 4); /* p.csv, target.txt, link.txt, hard.txt: no temporary file */
    S_rmdir(dir);
}

static void test_dti_output_no_file_before_commit(void **state)
{
    (void)state;
    char dir[64], p[128], buf[64];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "out.txt");
    S_write(p, "before\n");
    dti_error err;
    dti_error_init(&err);
    dti_output *o = NULL;
    assert_int_equal(dti_output_open(p, 0, &o, &err), DTI_OK);
    fputs("a result being computed\n", dti_output_stream(o));
    assert_int_equal(S_count(dir), 1); /* D7: nothing beside the destination while computing */
    dti_output_abort(o);
    assert_string_equal(S_read(p, buf, sizeof buf), "before\n");
    assert_int_equal(S_count(dir), 1);
    S_rmdir(dir);
}

/* The checked commit: the check reads the complete temporary file before the rename; its refusal is
 * returned as it is, the destination keeps its old content and no temporary file is left.  An accepted
 * check commits as dti_output_commit does. */
typedef struct S_seen {
    char text[64];
    int refuse;
    dti_error *err;
} S_seen;

static int S_check_text(const char *tmp, void *ctx)
{
    S_seen *s = ctx;
    S_read(tmp, s->text, sizeof s->text);
    return s->refuse ? dti_error_set(s->err, DTI_ERR_INPUT, tmp, 3, 7, "refused by the check") : DTI_OK;
}

static void test_dti_output_commit_checked(void **state)
{
    (void)state;
    char dir[64], p[128], buf[64];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "out.txt");
    S_write(p, "before\n");
    for (int refuse = 1; refuse >= 0; refuse--) {
        dti_error err;
        dti_error_init(&err);
        dti_output *o = NULL;
        assert_int_equal(dti_output_open(p, 0, &o, &err), DTI_OK);
        fputs("the new record\n", dti_output_stream(o));
        S_seen seen = {"", refuse, &err};
        dti_output_check check = {S_check_text, &seen};
        int rc = dti_output_commit_checked(o, &check, &err);
        assert_string_equal(seen.text, "the new record\n"); /* the whole file, before the rename */
        assert_int_equal(S_count(dir), 1);                    /* no temporary file left either way */
        if (refuse) {
            assert_int_equal(rc, DTI_ERR_INPUT);
            assert_int_equal(err.n, 1);
            assert_string_equal(err.e[0].message, "refused by the check");
            assert_string_equal(S_read(p, buf, sizeof buf), "before\n");
        } else {
            assert_int_equal(rc, DTI_OK);
            assert_int_equal(err.n, 0);
            assert_string_equal(S_read(p, buf, sizeof buf), "the new record\n");
        }
    }
    S_rmdir(dir);
}

static void S_raise_term(const char *tmp)
{
    (void)tmp;
    raise(SIGTERM);
}

/* D7: SIGTERM while the temporary file exists: the handler removes it and the process dies of the
 * signal; the destination keeps its old content. */
static void test_dti_output_signal_removes_tmp(void **state)
{
    (void)state;
    char dir[64], p[128], buf[64];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "out.txt");
    S_write(p, "before\n");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dti_error err;
        dti_error_init(&err);
        dti_output *o = NULL;
        if (dti_output_open(p, 0, &o, &err))
            _exit(3);
        fputs("the new result\n", dti_output_stream(o));
        dti_output_test_hook(S_raise_term);
        dti_output_commit(o, &err);
        _exit(4); /* not reached: the signal kills the process */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(S_count(dir), 1);
    assert_string_equal(S_read(p, buf, sizeof buf), "before\n");
    S_rmdir(dir);
}

/* ---- inputs (D15) --------------------------------------------------------------------------------- */

static void test_dti_input_open_refuses_special_files(void **state)
{
    (void)state;
    char dir[64], fifo[128], sock[128];
    S_dir(dir, sizeof dir);
    S_join(fifo, sizeof fifo, dir, "fifo");
    S_join(sock, sizeof sock, dir, "sock");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(sfd >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    assert_true(strlen(sock) < sizeof sa.sun_path);
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
    const char *paths[] = {fifo, sock, "/dev/null", dir, "/no/such/file"};
    const char *want[] = {"is a FIFO, not a regular file", "is a socket, not a regular file",
                          "is a character device, not a regular file", "is a directory, not a regular file",
                          "cannot open: No such file or directory"};
    alarm(10); /* a FIFO must not block: SIGALRM would end the test */
    for (size_t k = 0; k < 5; k++) {
        dti_error err;
        dti_error_init(&err);
        FILE *f = NULL;
        assert_int_equal(dti_input_open(paths[k], &f, &err), DTI_ERR_INPUT);
        assert_null(f);
        assert_string_equal(err.e[0].message, want[k]);
        assert_string_equal(err.e[0].path, paths[k]);
    }
    /* and through a loader */
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    assert_int_equal(dti_registry_load(fifo, &reg, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "is a FIFO, not a regular file");
    alarm(0);
    close(sfd);
    S_rmdir(dir);
}

/* More inputs than the static list holds (64): all are still refused. */
static void test_dti_input_many(void **state)
{
    (void)state;
    char dir[64], p[128], msg[512];
    S_dir(dir, sizeof dir);
    dti_input_forget();
    for (int k = 0; k < 150; k++) {
        snprintf(p, sizeof p, "%s/in%d", dir, k);
        S_write(p, "x");
        S_as_input(p);
    }
    for (int k = 0; k < 150; k += 37) {
        snprintf(p, sizeof p, "%s/in%d", dir, k);
        assert_int_equal(S_out(p, 0, "y", msg, sizeof msg), DTI_ERR_USAGE);
        assert_string_equal(msg, "refusing to overwrite an input file");
    }
    dti_input_forget();
    snprintf(p, sizeof p, "%s/in%d", dir, 149);
    assert_int_equal(S_out(p, 0, "y", msg, sizeof msg), DTI_OK); /* forgotten: an ordinary file again */
    S_rmdir(dir);
}

/* ---- messages (D10) ------------------------------------------------------------------------------- */

static void test_dti_error_set_sanitises(void **state)
{
    (void)state;
    dti_error err;
    dti_error_init(&err);
    dti_error_collect(&err);
    /* ESC [2J (clear screen), BEL, a newline, DEL, C1 NEL (U+0085), RLO (U+202E), an invalid byte */
    dti_error_set(&err, DTI_ERR_INPUT, "a\nb.yaml", 1, 2, "unknown province '%s'",
                  "x\x1b[2J\x07y\nz\x7f\xc2\x85\xe2\x80\xae\xff Đà Nẵng");
    assert_string_equal(err.e[0].message,
                        "unknown province 'x\\x1b[2J\\x07y\\x0az\\x7f\\x85\\u202e\\xff Đà Nẵng'");
    assert_string_equal(err.e[0].path, "a\\x0ab.yaml");
    /* a long message is cut at a character boundary and says so */
    char longs[2000];
    for (size_t k = 0; k + 2 < sizeof longs; k += 2)
        memcpy(longs + k, "\xc3\xa0", 2); /* à, two bytes */
    longs[sizeof longs - 2] = '\0';
    dti_error_set(&err, DTI_ERR_INPUT, NULL, 0, 0, "%s", longs);
    const char *m = err.e[1].message;
    size_t n = strlen(m);
    assert_true(n < sizeof err.e[1].message);
    assert_string_equal(m + n - 3, "...");
    assert_int_equal(((unsigned char)m[n - 4]) & 0xC0, 0x80); /* ends after a whole character */
    assert_int_equal((unsigned char)m[n - 5], 0xC3);
}

/* ---- the string map (D6) -------------------------------------------------------------------------- */

static void test_dti_strmap_put_get(void **state)
{
    (void)state;
    enum { N = 100000 };
    char (*keys)[16] = calloc(N, sizeof *keys);
    assert_non_null(keys);
    dti_strmap m;
    dti_strmap_init(&m, 4); /* grows as needed */
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        assert_int_equal(dti_strmap_put(&m, keys[i], i), DTI_NONE);
    }
    assert_int_equal(m.n, N);
    for (size_t i = 0; i < N; i += 997)
        assert_int_equal(dti_strmap_get(&m, keys[i]), i);
    assert_int_equal(dti_strmap_put(&m, "k42", 7), 42); /* the first stays */
    assert_int_equal(dti_strmap_get(&m, "k42"), 42);
    assert_int_equal(dti_strmap_get(&m, "absent"), DTI_NONE);
    dti_strmap_clear(&m);
    assert_int_equal(dti_strmap_get(&m, "k1"), DTI_NONE);
    free(keys);
}

/* A registry of 40,000 provinces (SYNTHETIC, written here) whose last entry repeats the first code:
 * found at its line, through the hash maps (the pairwise loop took 9 s). */
static void test_dti_registry_large_duplicate(void **state)
{
    (void)state;
    char dir[64], p[128];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "reg.yaml");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("# SYNTHETIC registry (test_harden.c)\nprovinces:\n", f);
    for (size_t i = 0; i < 40000; i++)
        fprintf(f, "  - {code: \"%zu\", name: \"Province %zu\", ascii: \"Province %zu\"}\n", i + 1, i + 1, i + 1);
    fputs("  - {code: \"0001\", name: \"Another\", ascii: \"Another\"}\n", f);
    fclose(f);
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    assert_int_equal(dti_registry_load(p, &reg, &err), DTI_ERR_INPUT);
    /* line 40,003: the comment, "provinces:", then 40,000 entries; column 12 is the code's value (its
     * opening quote, after '  - {code: ') */
    assert_int_equal(err.e[0].line, 40003);
    assert_int_equal(err.e[0].column, 12);
    assert_string_equal(err.e[0].message, "duplicate province code '0001' (first at line 3)");
    S_rmdir(dir);
}

/* D14: two names that fold to one (the leading "TP." dropped) are refused, not left ambiguous. */
static void test_dti_registry_folded_collision(void **state)
{
    (void)state;
    char dir[64], p[128];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "reg.yaml");
    S_write(p, "provinces:\n"
               "  - {code: \"48\", name: \"TP. Đà Nẵng\", ascii: \"Da Nang City\"}\n"
               "  - {code: \"49\", name: \"Đà Nẵng\", ascii: \"Da Nang 2\"}\n");
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    assert_int_equal(dti_registry_load(p, &reg, &err), DTI_ERR_INPUT);
    assert_int_equal(err.e[0].line, 3); /* the name's value: after '  - {code: "49", name: ' */
    assert_int_equal(err.e[0].column, 24);
    assert_string_equal(err.e[0].message, "'Đà Nẵng' and 'TP. Đà Nẵng' (line 2) are one name once case, diacritics, "
                                          "spaces and 'TP.' are ignored: a lookup of either would be ambiguous");
    /* the same names in different provinces' ascii and name fields */
    S_write(p, "provinces:\n"
               "  - {code: \"1\", name: \"Alpha\", ascii: \"Beta\"}\n"
               "  - {code: \"2\", name: \"BETA\", ascii: \"Gamma\"}\n");
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(p, &reg, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "duplicate province 'BETA' (first at line 2)");
    /* lookups by code ignore leading zeros; names by folding */
    S_write(p, "provinces:\n"
               "  - {code: \"06\", name: \"Bắc Kạn\", ascii: \"Bac Kan\"}\n"
               "  - {code: \"19\", name: \"Thái Nguyên\", ascii: \"Thai Nguyen\"}\n");
    dti_error_init(&err);
    assert_int_equal(dti_registry_load(p, &reg, &err), DTI_OK);
    size_t i = 99;
    assert_int_equal(dti_registry_find(reg, "6", &i, &err), DTI_OK);
    assert_int_equal(i, 0);
    assert_int_equal(dti_registry_find(reg, "TP. thai-nguyen", &i, &err), DTI_OK);
    assert_int_equal(i, 1);
    assert_int_equal(dti_registry_find(reg, "007", &i, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "unknown province code '007'");
    dti_registry_free(reg);
    S_rmdir(dir);
}

/* ---- ranks at the ends of the double range (D4) ------------------------------------------------- */

static void test_dti_rank_competition_huge(void **state)
{
    (void)state;
    /* higher is better: DBL_MAX 1st, 1.5e308 2nd, the two 1e308 tie at 3rd, 0 5th, -1e308 6th,
     * -DBL_MAX 7th; NaN unranked.  At 4 decimals v * 1e4 overflows for every one of them but 0: the old
     * key (inf) tied them all. */
    const double v[8] = {1e308, -1e308, 1.5e308, NAN, 1e308, 0, -DBL_MAX, DBL_MAX};
    const size_t want[8] = {3, 6, 2, 0, 3, 5, 7, 1};
    size_t rank[8], order[8], ws_rank[8], ws_order[8], tmp[8];
    double keys[8];
    for (int prec = -1; prec <= 12; prec += 13) {
        dti_error err;
        dti_error_init(&err);
        assert_int_equal(dti_rank_competition(v, 8, prec, rank, order, &err), DTI_OK);
        dti_rank_competition_ws(v, 8, prec, ws_rank, ws_order, keys, tmp);
        for (size_t i = 0; i < 8; i++) {
            assert_int_equal(rank[i], want[i]);
            assert_int_equal(ws_rank[i], want[i]);
        }
        assert_int_equal(order[0], 7);
        assert_int_equal(ws_order[7], 3); /* NaN last */
    }
    /* the key keeps the ties of the published precision: 0.12345 and 0.12346 both round to 0.1235,
     * 0.12344 to 0.1234 (half away from zero) */
    double k1 = dti_rank_key(0.12345, 4), k2 = dti_rank_key(0.12346, 4);
    assert_memory_equal(&k1, &k2, sizeof k1);
    assert_true(dti_rank_key(0.12344, 4) < dti_rank_key(0.12345, 4));
    assert_true(dti_rank_key(1e308, 4) < dti_rank_key(1.0000000000000002e308, 4));
}

/* ---- the engine's limits (D3, D4) ------------------------------------------------------------------ */

static const char S_lim_fw[] = "name: lim\n"
                               "nodes:\n"
                               "  - id: idx\n"
                               "  - id: a\n"
                               "    parent: idx\n"
                               "    weight: 1\n"
                               "    denominator: pop\n"
                               "  - id: b\n"
                               "    parent: idx\n"
                               "    weight: 1\n"
                               "    transform: {method: boxcox, lambda: 10}\n";

/* Runs the engine on two units (U1, U2) of S_lim_fw: raw[u * 2 + j], den[u]. */
static int S_lim_run(const double raw[4], const double den[2], const double *prev, const double *weight,
                     dti_error *err)
{
    char dir[64], p[128];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "lim.yaml");
    S_write(p, S_lim_fw);
    dti_framework *fw = NULL;
    assert_int_equal(dti_framework_load(p, &fw, err), DTI_OK);
    dti_engine *w = dti_engine_alloc(fw, 2);
    const char *names[2] = {"U1", "U2"};
    dti_engine_settings set = {.denominators = den, .unit_names = names, .previous = prev, .path = "data.yaml"};
    dti_engine_override ov = {.weight = weight, .agg_method = -1, .impute_method = -1};
    dti_engine_result r;
    int rc = dti_engine_run_override(w, raw, &set, weight ? &ov : NULL, &r, err);
    dti_engine_free(w);
    dti_framework_free(fw);
    S_rmdir(dir);
    return rc;
}

static void test_dti_engine_limits(void **state)
{
    (void)state;
    static const char limit[] = "beyond the engine's limit of 1e+30 in absolute value (docs/methods.md, Limits)";
    struct {
        double raw[4], den[2];
        int prev, weight;
        const char *msg;
    } cases[] = {
        /* D3: a denominator of 0 (x / 0 was inf, ranked first, written as bare inf) */
        {{1, 2, 3, 4}, {5, 0}, 0, 0, "indicator 'a' of U2 is divided by 'pop', which is 0"},
        /* D4: 1e308 in the data */
        {{1e308, 2, 3, 4}, {5, 6}, 0, 0, "indicator 'a' of U1 is 1e+308, %s"},
        {{1, 2, 3, 4}, {1e31, 6}, 0, 0, "denominator 'pop' of U1 is 1e+31, %s"},
        /* 1e30 / 1e-10 = 1e40 */
        {{1e30, 2, 3, 4}, {1e-10, 6}, 0, 0, "indicator 'a' of U1 is 1e+40 after the division by its denominator, %s"},
        /* Box-Cox with lambda 10 of b = 1e10: (1e100 - 1) / 10 = 1e99 */
        {{1, 1e10, 3, 4}, {5, 6}, 0, 0, "indicator 'b' of U1 is 1e+99 after the Box-Cox transform, %s"},
        {{1, 2, 3, 4}, {5, 6}, 1, 0, "the previous value of indicator 'b' of U2 is inf, %s"},
        {{1, 2, 3, 4}, {5, 6}, 0, 1, "the weight of 'b' is inf: a weight must be between 0 and 1e+30"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        dti_error err;
        dti_error_init(&err);
        const double prev[4] = {NAN, NAN, NAN, INFINITY};
        const double weight[3] = {0, 1, INFINITY};
        assert_int_equal(S_lim_run(cases[k].raw, cases[k].den, cases[k].prev ? prev : NULL,
                                   cases[k].weight ? weight : NULL, &err),
                         DTI_ERR_INPUT);
        char want[512]; /* "%s" at the end of a pattern stands for the limit's text */
        size_t len = strlen(cases[k].msg);
        int tail = len > 2 && !strcmp(cases[k].msg + len - 2, "%s");
        snprintf(want, sizeof want, "%.*s%s", (int)(tail ? len - 2 : len), cases[k].msg, tail ? limit : "");
        assert_string_equal(err.e[0].message, want);
        /* the data's file, when the weights are not the culprit */
        assert_string_equal(err.e[0].path, cases[k].weight ? "" : "data.yaml");
    }
    /* within the limit: 1e30 / 1 and b = 1e2 (Box-Cox (1e20 - 1) / 10 = 1e19) run */
    dti_error err;
    dti_error_init(&err);
    const double raw[4] = {1e30, 1e2, -1e30, 4}, den[2] = {1, 1};
    assert_int_equal(S_lim_run(raw, den, NULL, NULL, &err), DTI_OK);
}

/* A framework that would overflow the sum of its weights, or a range beyond the limit. */
static void test_dti_framework_limits(void **state)
{
    (void)state;
    char dir[64], p[128];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "fw.yaml");
    S_write(p, "name: big\nnodes:\n  - id: idx\n  - id: a\n    parent: idx\n    weight: 1e308\n"
               "  - id: b\n    parent: idx\n    weight: 1e308\n");
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    assert_int_equal(dti_framework_load(p, &fw, &err), DTI_ERR_INPUT);
    assert_int_equal(err.e[0].line, 6);
    assert_int_equal(err.e[0].column, 13);
    assert_string_equal(err.e[0].message, "weight 1e308 of 'a' is above the limit of 1e+30");
    S_write(p, "name: big\nrange: [-1e308, 1e308]\nnodes:\n  - id: idx\n");
    dti_error_init(&err);
    assert_int_equal(dti_framework_load(p, &fw, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "range [-1e+308, 1e+308] goes beyond the limit of 1e+30 in absolute value");
    /* a node id that would be cut in a column name is refused */
    char text[512];
    snprintf(text, sizeof text, "name: long\nnodes:\n  - id: %0101d\n", 0);
    text[strlen("name: long\nnodes:\n  - id: ")] = 'a';
    S_write(p, text);
    dti_error_init(&err);
    assert_int_equal(dti_framework_load(p, &fw, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "node id is 101 bytes long; at most 100");
    S_rmdir(dir);
}

/* ---- long names (D16) ----------------------------------------------------------------------------- */

static void test_dti_merger_rule_long_map(void **state)
{
    (void)state;
    char dir[64], p[128], text[600];
    S_dir(dir, sizeof dir);
    S_join(p, sizeof p, dir, "merger.yaml");
    /* 253 characters: cut at 255 bytes with "data/" and ".yaml" around it, it named another file */
    char name[254];
    memset(name, 'm', 253);
    name[253] = '\0';
    snprintf(text, sizeof text, "map: %s\nrule: mean\n", name);
    S_write(p, text);
    dti_error err;
    dti_error_init(&err);
    dti_merger_rule rule;
    assert_int_equal(dti_merger_rule_load(p, &rule, &err), DTI_ERR_INPUT);
    assert_int_equal(err.e[0].line, 1);
    assert_int_equal(err.e[0].column, 6);
    assert_string_equal(err.e[0].message, "map name is 253 bytes long; at most 200");
    S_rmdir(dir);
}

/* Merger weights from a registry column: 1e308 made a unit's sum of weights inf and its value 0. */
static void test_dti_merger_weight_limit(void **state)
{
    (void)state;
    char dir[64], rp[128], mp[128];
    S_dir(dir, sizeof dir);
    S_join(rp, sizeof rp, dir, "reg.yaml");
    S_join(mp, sizeof mp, dir, "map.yaml");
    S_write(rp, "provinces:\n"
                "  - {code: \"1\", name: Alpha, ascii: Alpha, numbers: {pop: 1e308}}\n"
                "  - {code: \"2\", name: Beta, ascii: Beta, numbers: {pop: 2}}\n");
    S_write(mp, "units:\n  - {old: Alpha, new: AB}\n  - {old: Beta, new: AB}\n");
    dti_error err;
    dti_error_init(&err);
    dti_registry *reg = NULL;
    dti_merger m;
    assert_int_equal(dti_registry_load(rp, &reg, &err), DTI_OK);
    assert_int_equal(dti_merger_load(mp, reg, &m, &err), DTI_OK);
    assert_int_equal(dti_merger_set_weights(&m, reg, "pop", &err), DTI_ERR_INPUT);
    assert_int_equal(err.e[0].line, 2);
    assert_string_equal(err.e[0].message, "merger weight 'pop' of 'Alpha' is above the limit of 1e+30");
    dti_merger_clear(&m);
    dti_registry_free(reg);
    S_rmdir(dir);
}

/* ---- tune goal: costs (D13) ------------------------------------------------------------------------ */

/* Costs near the limit: by hand on a two-indicator model (a weight 1, b weight 3, no normalisation):
 * the score is (a + 3b)/4, so one unit of a gives 0.25 and of b 0.75.  Costs a = 1e29, b = 1e30 cost
 * 4e29 and 1.333e30 per unit of score: a first.  Unit X has a = b = 0, Y has a = b = 0.5 (score 0.5);
 * X needs 0.5 + 0.01 digit... at 4 decimals the rival's edge is 0.49995, plus the 0.01-digit margin
 * = 0.499951; a alone (room 0.5 to the cap 0.5, the best value) gives at most 0.125, then b the rest:
 * 0.499951 - 0.125 = 0.374951 = 0.75 b, b = 0.499934667 (<= 0.5).  Total 1e29 x 0.5 + 1e30 x 0.49993...
 * = 5.4993e29, finite (the old code summed 1e308-sized costs to inf). */
static void test_dti_tune_goal_costs_near_limit(void **state)
{
    (void)state;
    char dir[64], fwp[128], dp[128];
    S_dir(dir, sizeof dir);
    S_join(fwp, sizeof fwp, dir, "two.yaml");
    S_join(dp, sizeof dp, dir, "data.yaml");
    S_write(fwp, "name: two\nnodes:\n  - id: idx\n  - id: a\n    parent: idx\n    weight: 1\n"
                 "  - id: b\n    parent: idx\n    weight: 3\n");
    S_write(dp, "units:\n  - {unit: X, values: {a: 0, b: 0}}\n  - {unit: Y, values: {a: 0.5, b: 0.5}}\n");
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    assert_int_equal(dti_framework_load(fwp, &fw, &err), DTI_OK);
    assert_int_equal(dti_dataset_load(dp, fw, NULL, NULL, &ds, &err), DTI_OK);
    const double cost[2] = {1e29, 1e30};
    dti_tune_goal_result res;
    assert_int_equal(dti_tune_goal(fw, ds, 0, 1, cost, &res, &err), DTI_OK);
    assert_true(res.reachable);
    assert_int_equal(res.rank_after, 1);
    assert_close(res.needed, 0.499951, 1e-12, 1e-12);
    assert_close(res.delta[0], 0.5, 1e-12, 0);
    assert_close(res.delta[1], (0.499951 - 0.125) / 0.75, 1e-9, 0);
    assert_close(res.plan_cost, 1e29 * 0.5 + 1e30 * (0.499951 - 0.125) / 0.75, 1e-9, 0);
    dti_tune_goal_result_clear(&res);
    const double dear[2] = {1e29, 1e308};
    dti_error_init(&err);
    assert_int_equal(dti_tune_goal(fw, ds, 0, 1, dear, &res, &err), DTI_ERR_INPUT);
    assert_string_equal(err.e[0].message, "the cost of 'b' is 1e+308: a cost must be above 0 and at most 1e+30");
    dti_dataset_free(ds);
    dti_framework_free(fw);
    S_rmdir(dir);
}

/* ---- the YAML node limit (D17) ------------------------------------------------------------------- */

/* A table of 20,000 units x 50 indicators (SYNTHETIC, written here) loads: about 2.1 million nodes,
 * beyond the old limit of 1,000,000. */
static void test_dti_yaml_large_table(void **state)
{
    (void)state;
    char dir[64], fwp[128], dp[128];
    S_dir(dir, sizeof dir);
    S_join(fwp, sizeof fwp, dir, "fifty.yaml");
    S_join(dp, sizeof dp, dir, "table.yaml");
    FILE *f = fopen(fwp, "w");
    assert_non_null(f);
    fputs("name: fifty\nnodes:\n  - id: idx\n", f);
    for (int j = 0; j < 50; j++)
        fprintf(f, "  - {id: i%d, parent: idx, weight: 1}\n", j);
    fclose(f);
    f = fopen(dp, "w");
    assert_non_null(f);
    fputs("# SYNTHETIC\nunits:\n", f);
    for (int u = 0; u < 20000; u++) {
        fprintf(f, "  - unit: u%d\n    values: {", u);
        for (int j = 0; j < 50; j++)
            fprintf(f, "%si%d: %d.%d", j ? ", " : "", j, (u * 7 + j * 13) % 100, j % 10);
        fputs("}\n", f);
    }
    fclose(f);
    dti_error err;
    dti_error_init(&err);
    dti_framework *fw = NULL;
    dti_dataset *ds = NULL;
    assert_int_equal(dti_framework_load(fwp, &fw, &err), DTI_OK);
    int rc = dti_dataset_load(dp, fw, NULL, NULL, &ds, &err);
    if (rc)
        dti_error_print(&err, stderr);
    assert_int_equal(rc, DTI_OK);
    assert_int_equal(ds->n_units, 20000);
    assert_int_equal(ds->n_indicators, 50);
    /* unit u19999, indicator i49: (19999 * 7 + 49 * 13) % 100 = (139993 + 637) % 100 = 30, ".9" */
    assert_close(ds->values[19999 * 50 + 49], 30.9, 0, 1e-12);
    dti_dataset_free(ds);
    dti_framework_free(fw);
    S_rmdir(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_output_refuses_inputs),
        cmocka_unit_test(test_dti_output_special_destinations),
        cmocka_unit_test(test_dti_output_mode_and_links),
        cmocka_unit_test(test_dti_output_no_file_before_commit),
        cmocka_unit_test(test_dti_output_commit_checked),
        cmocka_unit_test(test_dti_output_signal_removes_tmp),
        cmocka_unit_test(test_dti_input_open_refuses_special_files),
        cmocka_unit_test(test_dti_input_many),
        cmocka_unit_test(test_dti_error_set_sanitises),
        cmocka_unit_test(test_dti_strmap_put_get),
        cmocka_unit_test(test_dti_registry_large_duplicate),
        cmocka_unit_test(test_dti_registry_folded_collision),
        cmocka_unit_test(test_dti_rank_competition_huge),
        cmocka_unit_test(test_dti_engine_limits),
        cmocka_unit_test(test_dti_framework_limits),
        cmocka_unit_test(test_dti_merger_rule_long_map),
        cmocka_unit_test(test_dti_merger_weight_limit),
        cmocka_unit_test(test_dti_tune_goal_costs_near_limit),
        cmocka_unit_test(test_dti_yaml_large_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
