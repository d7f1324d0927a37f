/* test_chart.c -- the chart module (chart.h) against hand-worked answers: Heckbert's nice numbers and
 * ticks, scales (reversed for ranks), band polygons, label placement (clusters at their least-squares
 * centre, no overlaps on dense input), truncation by display width, XML escaping, and the refusals
 * of malformed calls.  Structure and overlaps of whole SVGs: tests/chart/check_svg.py.
 */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "testutil.h"

#define HAND_TOL 1e-12 /* hand answers are short decimals; the code adds binary noise only */

/* ---- nice numbers and ticks ----------------------------------------------------------------------- */

static void test_dti_chart_nice_num_hand(void **state)
{
    (void)state;
    static const struct {
        double x;
        int round;
        double want;
    } cases[] = {
        {0.351, 0, 0.5}, /* f = 3.51: not rounded, the next of 1, 2, 5, 10 not below it is 5 */
        {0.125, 1, 0.1}, /* f = 1.25 < 1.5 rounds to 1 */
        {62, 0, 100},    /* f = 6.2 > 5: 10 x 10^1 */
        {25, 1, 20},     /* f = 2.5 < 3: 2 x 10^1 */
        {1.5, 1, 2},     /* f = 1.5 is not < 1.5: 2 */
        {7, 1, 10},      /* f = 7 is not < 7: 10 */
        {5, 0, 5},       /* f = 5 <= 5 */
        {0.004, 0, 0.005},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_close(dti_chart_nice_num(cases[i].x, cases[i].round), cases[i].want, HAND_TOL, 0);
}

static void S_assert_ticks(const dti_chart_ticks *t, double lo, double hi, double step, int decimals,
                           const double *v, size_t n)
{
    assert_close(t->lo, lo, HAND_TOL, HAND_TOL);
    assert_close(t->hi, hi, HAND_TOL, HAND_TOL);
    assert_close(t->step, step, HAND_TOL, 0);
    assert_int_equal(t->decimals, decimals);
    assert_int_equal(t->n, n);
    for (size_t i = 0; i < n; i++)
        assert_close(t->v[i], v[i], HAND_TOL, HAND_TOL);
}

static void test_dti_chart_ticks_compute_loose(void **state)
{
    (void)state;
    dti_chart_ticks t;
    /* [0.512, 0.863], 5 ticks: range = nice(0.351, 0) = 0.5; step = nice(0.5 / 4 = 0.125, 1) = 0.1;
     * bounds floor(5.12) 0.1 = 0.5 and ceil(8.63) 0.1 = 0.9: 0.5 0.6 0.7 0.8 0.9, one decimal */
    dti_chart_ticks_compute(0.512, 0.863, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, 0.5, 0.9, 0.1, 1, (double[]){0.5, 0.6, 0.7, 0.8, 0.9}, 5);
    /* [-0.31, 0.42]: range nice(0.73, 0) = 1; step nice(0.25, 1) = 0.2; floor(-1.55) = -2, ceil(2.1) = 3 */
    dti_chart_ticks_compute(-0.31, 0.42, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, -0.4, 0.6, 0.2, 1, (double[]){-0.4, -0.2, 0, 0.2, 0.4, 0.6}, 6);
    /* swapped bounds are the same axis */
    dti_chart_ticks_compute(0.863, 0.512, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, 0.5, 0.9, 0.1, 1, (double[]){0.5, 0.6, 0.7, 0.8, 0.9}, 5);
}

static void test_dti_chart_ticks_compute_degenerate(void **state)
{
    (void)state;
    dti_chart_ticks t;
    /* all values 0.7: widened by 10% to [0.63, 0.77]; range nice(0.14, 0) = 0.2; step nice(0.05, 1) =
     * 0.05 (f = 5 < 7); floor(12.6) = 12 -> 0.60, ceil(15.4) = 16 -> 0.80; two decimals */
    dti_chart_ticks_compute(0.7, 0.7, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, 0.6, 0.8, 0.05, 2, (double[]){0.6, 0.65, 0.7, 0.75, 0.8}, 5);
    /* no finite bound: [0, 1]; step nice(0.25, 1) = 0.2 */
    dti_chart_ticks_compute(NAN, NAN, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, 0, 1, 0.2, 1, (double[]){0, 0.2, 0.4, 0.6, 0.8, 1}, 6);
    /* one finite bound: as if both were that value (0 widens by 1 to [-1, 1]; step nice(0.5, 1) = 0.5) */
    dti_chart_ticks_compute(0, INFINITY, 5, DTI_CHART_TICKS_LOOSE, &t);
    S_assert_ticks(&t, -1, 1, 0.5, 1, (double[]){-1, -0.5, 0, 0.5, 1}, 5);
    /* one year: [2023.5, 2024.5], one tick */
    dti_chart_ticks_compute(2024, 2024, 6, DTI_CHART_TICKS_TIGHT | DTI_CHART_TICKS_INTEGER, &t);
    S_assert_ticks(&t, 2023.5, 2024.5, 1, 0, (double[]){2024}, 1);
    /* one rank (n = 1): [0.5, 1.5], the tick 1 */
    dti_chart_ticks_compute(1, 1, 5, DTI_CHART_TICKS_RANK, &t);
    S_assert_ticks(&t, 0.5, 1.5, 1, 0, (double[]){1}, 1);
}

static void test_dti_chart_ticks_compute_integer(void **state)
{
    (void)state;
    dti_chart_ticks t;
    /* ranks 1..63, 5 ticks: range nice(62, 0) = 100; step nice(25, 1) = 20: rank 1, then 20 40 60 */
    dti_chart_ticks_compute(1, 63, 5, DTI_CHART_TICKS_RANK, &t);
    S_assert_ticks(&t, 1, 63, 20, 0, (double[]){1, 20, 40, 60}, 4);
    /* 8 ticks: step nice(100 / 7 = 14.3, 1) = 10 (f = 1.43 < 1.5): 1 10 20 .. 60 */
    dti_chart_ticks_compute(1, 63, 8, DTI_CHART_TICKS_RANK, &t);
    S_assert_ticks(&t, 1, 63, 10, 0, (double[]){1, 10, 20, 30, 40, 50, 60}, 7);
    /* ranks 1..8: range nice(7, 0) = 10; step nice(2.5, 1) = 2 < 5, so from 1: 1 3 5 7 */
    dti_chart_ticks_compute(1, 8, 5, DTI_CHART_TICKS_RANK, &t);
    S_assert_ticks(&t, 1, 8, 2, 0, (double[]){1, 3, 5, 7}, 4);
    /* ranks 1..3 with 10 ticks: the step 0.2 becomes 1: 1 2 3, never 1.5 */
    dti_chart_ticks_compute(1, 3, 10, DTI_CHART_TICKS_RANK, &t);
    S_assert_ticks(&t, 1, 3, 1, 0, (double[]){1, 2, 3}, 3);
    /* years 2020..2030, 6 ticks: range nice(10, 0) = 10; step nice(2, 1) = 2 */
    dti_chart_ticks_compute(2020, 2030, 6, DTI_CHART_TICKS_TIGHT | DTI_CHART_TICKS_INTEGER, &t);
    S_assert_ticks(&t, 2020, 2030, 2, 0, (double[]){2020, 2022, 2024, 2026, 2028, 2030}, 6);
    /* tight keeps the bounds: [0.512, 0.863] has the multiples 0.6 0.7 0.8 of 0.1 inside */
    dti_chart_ticks_compute(0.512, 0.863, 5, DTI_CHART_TICKS_TIGHT, &t);
    S_assert_ticks(&t, 0.512, 0.863, 0.1, 1, (double[]){0.6, 0.7, 0.8}, 3);
}

static void test_dti_chart_labels_format(void **state)
{
    (void)state;
    char buf[64];
    dti_chart_tick_label(0.30000000000000004, 1, buf, sizeof buf); /* 3 x 0.1 */
    assert_string_equal(buf, "0.3");
    dti_chart_tick_label(-0.0001, 2, buf, sizeof buf); /* not "-0.00" */
    assert_string_equal(buf, "0.00");
    dti_chart_tick_label(2025, 0, buf, sizeof buf);
    assert_string_equal(buf, "2025");
    dti_chart_num_label(0.6234, 4, buf, sizeof buf);
    assert_string_equal(buf, "0.6234");
    dti_chart_num_label(0.74, 4, buf, sizeof buf);
    assert_string_equal(buf, "0.74");
    dti_chart_num_label(12, 4, buf, sizeof buf);
    assert_string_equal(buf, "12");
    dti_chart_num_label(-0.00001, 4, buf, sizeof buf);
    assert_string_equal(buf, "0");
    dti_chart_num_label(-1.5, 2, buf, sizeof buf);
    assert_string_equal(buf, "-1.5");
    dti_chart_num_label(NAN, 4, buf, sizeof buf);
    assert_string_equal(buf, "");
}

/* ---- scales and bands ----------------------------------------------------------------------------- */

static void test_dti_chart_scale_map_hand(void **state)
{
    (void)state;
    dti_chart_scale s;
    dti_chart_scale_init(&s, 0, 10, 100, 300); /* 20 px per unit */
    assert_close(dti_chart_scale_map(&s, 2.5), 150, HAND_TOL, 0);
    /* a rank axis: rank 1 at the top (y = 50), 63 at the bottom (450): rank 32 at 50 + 31/62 400 = 250 */
    dti_chart_scale_init(&s, 1, 63, 50, 450);
    assert_close(dti_chart_scale_map(&s, 1), 50, HAND_TOL, 0);
    assert_close(dti_chart_scale_map(&s, 63), 450, HAND_TOL, 0);
    assert_close(dti_chart_scale_map(&s, 32), 250, HAND_TOL, 0);
    /* a value axis: 0 at the bottom (400), 1 at the top (100): 0.25 at 400 - 75 = 325 */
    dti_chart_scale_init(&s, 0, 1, 400, 100);
    assert_close(dti_chart_scale_map(&s, 0.25), 325, HAND_TOL, 0);
    /* an empty domain maps to the middle of the range */
    dti_chart_scale_init(&s, 5, 5, 0, 100);
    assert_close(dti_chart_scale_map(&s, 5), 50, HAND_TOL, 0);
    assert_close(dti_chart_scale_map(&s, 7), 50, HAND_TOL, 0);
}

static void test_dti_chart_band_polygon_hand(void **state)
{
    (void)state;
    /* 2024..2026 on x = 0..200 (100 px a year); ranks 1..21 on y = 0..400 (20 px a rank, y = 20 (r - 1)).
     * The 80% band: rank 16 in 2024 (the last observation, no spread), [12, 20] in 2025, [9, 21] in 2026.
     * Upper edge forward along hi: (0, 300) (100, 380) (200, 400); back along lo: (200, 160) (100, 220)
     * (0, 300). */
    dti_chart_scale sx, sy;
    dti_chart_scale_init(&sx, 2024, 2026, 0, 200);
    dti_chart_scale_init(&sy, 1, 21, 0, 400);
    double x[3] = {2024, 2025, 2026}, lo[3] = {16, 12, 9}, hi[3] = {16, 20, 21}, px[6], py[6];
    assert_int_equal(dti_chart_band_polygon(&sx, &sy, x, lo, hi, 3, px, py), 6);
    static const double wx[6] = {0, 100, 200, 200, 100, 0}, wy[6] = {300, 380, 400, 160, 220, 300};
    for (size_t i = 0; i < 6; i++) {
        assert_close(px[i], wx[i], HAND_TOL, HAND_TOL);
        assert_close(py[i], wy[i], HAND_TOL, HAND_TOL);
    }
}

/* ---- label placement ------------------------------------------------------------------------------ */

/* No two placed labels closer than h (centres), all inside [lo, hi] when `fits`. */
static void S_assert_no_overlap(const double *pos, size_t n, double h, double lo, double hi, int fits)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(pos[i]))
            continue;
        if (fits) {
            assert_true(pos[i] - h / 2 >= lo - 1e-9);
            assert_true(pos[i] + h / 2 <= hi + 1e-9);
        }
        for (size_t j = i + 1; j < n; j++)
            if (!isnan(pos[j]))
                assert_true(fabs(pos[i] - pos[j]) >= h - 1e-9);
    }
}

static void test_dti_chart_place_labels_hand(void **state)
{
    (void)state;
    double pos[4];
    /* apart already: unchanged */
    assert_int_equal(dti_chart_place_labels((double[]){100, 300}, 2, 10, 0, 1000, pos), 0);
    assert_close(pos[0], 100, HAND_TOL, 0);
    assert_close(pos[1], 300, HAND_TOL, 0);
    /* 100 and 104 (h = 10) merge: centred on their mean 102 -> 97 and 107; 300 stays */
    assert_int_equal(dti_chart_place_labels((double[]){104, 300, 100}, 3, 10, 0, 1000, pos), 0);
    assert_close(pos[2], 97, HAND_TOL, 0);
    assert_close(pos[0], 107, HAND_TOL, 0);
    assert_close(pos[1], 300, HAND_TOL, 0);
    /* a cascade: 20 and 28 merge to top 19 ([19, 29]), which then overlaps 29: the three stack from
     * top = mean(20, 28, 29) - 10 = 15.667 (the least-squares top: mean of w_j - 10 j = (20 + 18 + 9) / 3) */
    assert_int_equal(dti_chart_place_labels((double[]){20, 28, 29}, 3, 10, 0, 1000, pos), 0);
    assert_close(pos[0], 47.0 / 3, 1e-12, 0);
    assert_close(pos[1], 47.0 / 3 + 10, 1e-12, 0);
    assert_close(pos[2], 47.0 / 3 + 20, 1e-12, 0);
    /* the edges: two labels wanting 0 are pushed down to 5 and 15; two wanting 100 up to 85 and 95 */
    assert_int_equal(dti_chart_place_labels((double[]){0, 0}, 2, 10, 0, 100, pos), 0);
    assert_close(pos[0], 5, HAND_TOL, 0);
    assert_close(pos[1], 15, HAND_TOL, 0);
    assert_int_equal(dti_chart_place_labels((double[]){100, 100}, 2, 10, 0, 100, pos), 0);
    assert_close(pos[0], 85, HAND_TOL, 0);
    assert_close(pos[1], 95, HAND_TOL, 0);
    /* NaN: not placed */
    assert_int_equal(dti_chart_place_labels((double[]){50, NAN, 52}, 3, 10, 0, 100, pos), 0);
    assert_true(isnan(pos[1]));
    assert_close(pos[0], 46, HAND_TOL, 0);
    assert_close(pos[2], 56, HAND_TOL, 0);
}

static void test_dti_chart_place_labels_dense(void **state)
{
    (void)state;
    double want[200], pos[200];
    /* 63 labels with the same value: a stack in the callers' order, 14 px apart, pushed inside */
    for (size_t i = 0; i < 63; i++)
        want[i] = 200;
    assert_int_equal(dti_chart_place_labels(want, 63, 14, 0, 1000, pos), 0);
    S_assert_no_overlap(pos, 63, 14, 0, 1000, 1);
    /* centred on 200 the stack would start at 200 - 31 x 14 = -234: pushed down to start at 7 */
    for (size_t i = 0; i < 63; i++)
        assert_close(pos[i], 7 + 14.0 * (double)i, HAND_TOL, HAND_TOL);
    /* too little room (63 x 14 > 500): -1, stacked from the top, still apart */
    assert_int_equal(dti_chart_place_labels(want, 63, 14, 0, 500, pos), -1);
    S_assert_no_overlap(pos, 63, 14, 0, 500, 0);
    /* 200 labels at pseudo-random places in [0, 300] with room for them in [0, 3000] */
    unsigned long x = 12345;
    for (size_t i = 0; i < 200; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        want[i] = (double)(x >> 40) / (double)(1UL << 24) * 300;
    }
    assert_int_equal(dti_chart_place_labels(want, 200, 12, 0, 3000, pos), 0);
    S_assert_no_overlap(pos, 200, 12, 0, 3000, 1);
}

/* ---- text ----------------------------------------------------------------------------------------- */

static void test_dti_chart_text_width_and_truncate(void **state)
{
    (void)state;
    /* "Thái Nguyên": 11 columns (precomposed letters are one column each) x 0.62 x 11 px = 75.02 */
    assert_close(dti_chart_text_width("Thái Nguyên", 11, 0), 75.02, 1e-12, 0);
    assert_close(dti_chart_text_width("Thái Nguyên", 11, 1), 11 * 0.68 * 11, 1e-12, 0);
    char *t = dti_chart_truncate("Thành phố Hồ Chí Minh", 10); /* 21 columns: 9 and the ellipsis */
    assert_string_equal(t, "Thành phố\xe2\x80\xa6");
    free(t);
    t = dti_chart_truncate("Bắc Ninh", 8); /* fits exactly */
    assert_string_equal(t, "Bắc Ninh");
    free(t);
    /* decomposed (NFD) "Thàn": the grave accent (zero width) stays with its a */
    t = dti_chart_truncate("Tha\xcc\x80nh", 4);
    assert_string_equal(t, "Tha\xcc\x80\xe2\x80\xa6");
    free(t);
    t = dti_chart_truncate("abc", 0);
    assert_string_equal(t, "\xe2\x80\xa6");
    free(t);
}

static void test_dti_chart_buf_escape(void **state)
{
    (void)state;
    dti_chart_buf b;
    dti_chart_buf_init(&b);
    dti_chart_buf_escape(&b, "<&>\"'");
    assert_string_equal(b.data, "&lt;&amp;&gt;&quot;&apos;");
    b.len = 0;
    dti_chart_buf_escape(&b, "Thừa Thiên - Huế"); /* UTF-8 passes through byte for byte */
    assert_string_equal(b.data, "Thừa Thiên - Huế");
    b.len = 0;
    dti_chart_buf_escape(&b, "a\x01" "b\xff" "c\td"); /* a control character and a bad byte: U+FFFD */
    assert_string_equal(b.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\td");
    dti_chart_buf_clear(&b);
    assert_null(b.data);
}

/* ---- whole charts --------------------------------------------------------------------------------- */

static void S_assert_prefix(const char *s, const char *prefix)
{
    assert_int_equal(strncmp(s, prefix, strlen(prefix)), 0);
}

static void test_dti_chart_bars_svg_document_and_fragment(void **state)
{
    (void)state;
    const char *labels[2] = {"a<b & \"c\"", "Hậu Giang"};
    double v[2] = {0.6757, 0.5};
    dti_chart_bars in = {2, labels, v, 1, 4};
    dti_chart_opts o = {.title = "T & t"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    assert_int_equal(dti_chart_bars_svg(&b, &in, &o, &err), DTI_OK);
    S_assert_prefix(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"");
    assert_non_null(strstr(b.data, "<title>T &amp; t</title>"));
    assert_non_null(strstr(b.data, ">a&lt;b &amp; &quot;c&quot;</text>"));
    assert_null(strstr(b.data, "a<b"));
    assert_non_null(strstr(b.data, "font-weight=\"bold\" fill=\"#222222\">Hậu Giang</text>"));
    assert_non_null(strstr(b.data, ">0.6757</text>"));
    assert_non_null(strstr(b.data, ">0.5000</text>")); /* fixed decimals when asked for 4 */
    assert_null(strstr(b.data, "nan"));
    assert_string_equal(b.data + b.len - 7, "</svg>\n");
    /* a fragment for HTML: appended after the document, no XML declaration */
    size_t len = b.len;
    o.fragment = 1;
    assert_int_equal(dti_chart_bars_svg(&b, &in, &o, &err), DTI_OK);
    S_assert_prefix(b.data + len, "<svg xmlns=");
    dti_chart_buf_clear(&b);
}

static void test_dti_chart_refuses_malformed(void **state)
{
    (void)state;
    dti_chart_buf b;
    dti_error err;
    dti_chart_opts o = {0};
    dti_chart_buf_init(&b);
    dti_chart_buf_puts(&b, "kept");
    double years[3] = {2020, 2022, 2021}, r[3] = {1, 2, 3};

    dti_error_init(&err);
    dti_chart_fan fan = {3, years, r, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(dti_chart_fan_svg(&b, &fan, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "fan chart: the rank axis needs at least 1 unit");
    dti_error_init(&err);
    fan.n_units = 63;
    assert_int_equal(dti_chart_fan_svg(&b, &fan, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "fan chart: years must increase (2021 after 2022)");

    dti_error_init(&err);
    const char *names[3] = {"a", "b", "c"};
    dti_chart_bump bump = {1, years, 3, names, r, 0, 5};
    assert_int_equal(dti_chart_bump_svg(&b, &bump, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "bump chart: highlighted series 6 of 3");
    dti_error_init(&err);
    bump = (dti_chart_bump){1, years, 65, names, r, 0, DTI_CHART_NONE};
    assert_int_equal(dti_chart_bump_svg(&b, &bump, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "bump chart: 65 series, at most 64 can be told apart");

    dti_error_init(&err);
    dti_chart_bars bars = {3, names, NULL, DTI_CHART_NONE, -1};
    assert_int_equal(dti_chart_bars_svg(&b, &bars, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "bar chart: values missing (3 expected)");

    dti_error_init(&err);
    dti_chart_tornado tor = {3, names, r, r, NAN, NULL, NULL, NULL, 0, 0, 0};
    assert_int_equal(dti_chart_tornado_svg(&b, &tor, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "tornado chart: the nominal value is not a number");

    dti_error_init(&err);
    dti_chart_grouped gr = {1, 9, names, names, r, NULL, NULL};
    assert_int_equal(dti_chart_grouped_svg(&b, &gr, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "grouped bars: 9 series, at most 8");
    dti_error_init(&err);
    gr = (dti_chart_grouped){1, 2, names, names, r, r, NULL};
    assert_int_equal(dti_chart_grouped_svg(&b, &gr, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "grouped bars: an interval needs both bounds");

    dti_error_init(&err);
    dti_chart_heatmap hm = {2, 2, names, names, NULL, -1};
    assert_int_equal(dti_chart_heatmap_svg(&b, &hm, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "heat map: values missing (4 expected)");

    /* a width that is not finite makes coordinates that are not: refused, and nothing written */
    dti_error_init(&err);
    bars.values = r;
    o.width = INFINITY;
    assert_int_equal(dti_chart_bars_svg(&b, &bars, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "chart: a coordinate is not a finite number");
    assert_string_equal(b.data, "kept");
    dti_chart_buf_clear(&b);
}

static void test_dti_chart_degenerate_inputs(void **state)
{
    (void)state;
    /* nothing to draw, one year, NaN everywhere, n = 1: valid charts with no NaN in them */
    dti_chart_buf b;
    dti_error err;
    dti_chart_opts o = {.title = "t"};
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    double y1 = 2024, nan = NAN, one = 1;
    dti_chart_fan fan = {1, &y1, &nan, &nan, &nan, &nan, &nan, &nan, 1, 1, &one, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(dti_chart_fan_svg(&b, &fan, &o, &err), DTI_OK);
    dti_chart_fan none = {0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 63, 0, NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(dti_chart_fan_svg(&b, &none, &o, &err), DTI_OK);
    const char *nm[1] = {"x"};
    dti_chart_bump bump = {1, &y1, 1, nm, &nan, 0, 0};
    assert_int_equal(dti_chart_bump_svg(&b, &bump, &o, &err), DTI_OK);
    dti_chart_bars bars = {1, nm, &nan, 0, -1};
    assert_int_equal(dti_chart_bars_svg(&b, &bars, &o, &err), DTI_OK);
    dti_chart_tornado tor = {1, nm, &nan, &one, 1, NULL, NULL, NULL, 1, 0, 0};
    assert_int_equal(dti_chart_tornado_svg(&b, &tor, &o, &err), DTI_OK);
    dti_chart_grouped gr = {0, 0, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(dti_chart_grouped_svg(&b, &gr, &o, &err), DTI_OK);
    dti_chart_heatmap hm = {1, 1, nm, nm, &nan, -1};
    assert_int_equal(dti_chart_heatmap_svg(&b, &hm, &o, &err), DTI_OK);
    assert_null(strstr(b.data, "nan"));
    assert_null(strstr(b.data, "inf"));
    assert_int_equal(err.n, 0);
    dti_chart_buf_clear(&b);
}

static void test_dti_chart_histogram_svg_hand(void **state)
{
    (void)state;
    /* 10 bins over [0, 1], 300 x 200 px, no title.  Legend: "count" 5 columns x 0.62 x 11 = 34.1 px + swatch
     * 18 + gap 5 = 57.1; "expected if calibrated" 22 x 6.82 = 150.04 + 23 = 173.04; the second starts at
     * 12 + 57.1 + 16 = 85.1 and ends at 258.14 <= 12 + 276: one row of 17 px.  Plot top 17 + 8 + 8 = 33,
     * bottom 200 - 12 - 22 = 166.  y ticks for 133 px: floor(133 / 40) + 1 = 4 wanted over [0, 8]:
     * range nice(8) = 10, step nice(10 / 3 = 3.33, rounded) = 5: 0, 5, 10.  Left margin 12 + "10"
     * (2 x 6.82 = 13.64) + 8 = 33.64; right end 300 - 12 - 14 = 274; the bins start 10 px in, at 43.64.
     * Bin 0 spans x 43.64 .. 43.64 + 23.036: the column is inset 1 px: x 44.64, width 21.036; count 8 maps
     * to 166 - 8/10 x 133 = 59.6, height 106.4.  The reference 4 maps to 166 - 53.2 = 112.8. */
    double count[10] = {8, 5, 3, 4, 4, 2, 6, 3, 1, 4};
    dti_chart_histogram in = {10, count, 0, 1, 4, NULL, NULL};
    dti_chart_opts o = {.width = 300, .height = 200};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    assert_int_equal(dti_chart_histogram_svg(&b, &in, &o, &err), DTI_OK);
    assert_non_null(strstr(b.data, "<rect x=\"44.64\" y=\"59.6\" width=\"21.04\" height=\"106.4\" fill=\"#56B4E9\"/>"));
    assert_non_null(strstr(b.data, "<line x1=\"43.64\" y1=\"112.8\" x2=\"274\" y2=\"112.8\" stroke=\"#000000\" "
                                   "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"));
    assert_non_null(strstr(b.data, ">expected if calibrated</text>"));
    assert_non_null(strstr(b.data, ">10</text>"));
    /* x ticks for 230.36 px, one per 48: floor(4.8) + 1 = 5 wanted: range nice(1) = 1, step nice(1 / 4 = 0.25,
     * rounded) = 0.2: 0, 0.2, ..., 1 */
    assert_non_null(strstr(b.data, ">0.2</text>"));
    dti_chart_buf_clear(&b);
    /* refusals */
    dti_error_init(&err);
    in.lo = 1;
    assert_int_equal(dti_chart_histogram_svg(&b, &in, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "histogram: the bins' range [1, 1] is empty");
    dti_error_init(&err);
    in = (dti_chart_histogram){3, NULL, 0, 1, NAN, NULL, NULL};
    assert_int_equal(dti_chart_histogram_svg(&b, &in, &o, &err), DTI_ERR_INTERNAL);
    assert_string_equal(err.e[0].message, "histogram: counts missing (3 expected)");
    assert_null(b.data);
}

static void test_dti_chart_decimal_comma(void **state)
{
    (void)state;
    /* numbers drawn with a decimal comma (Vietnamese), text and coordinates untouched */
    const char *labels[2] = {"Hà Nội 1.5", "b"};
    double v[2] = {0.6757, -0.25};
    dti_chart_bars in = {2, labels, v, DTI_CHART_NONE, -1};
    dti_chart_opts o = {.decimal_comma = 1, .width = 400};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    assert_int_equal(dti_chart_bars_svg(&b, &in, &o, &err), DTI_OK);
    assert_non_null(strstr(b.data, ">0,6757</text>"));
    assert_non_null(strstr(b.data, ">-0,25</text>"));
    assert_non_null(strstr(b.data, ">Hà Nội 1.5</text>")); /* a label is text, not a number */
    assert_null(strstr(b.data, ">0.6757<"));
    double lo[1] = {0.25}, hi[1] = {0.75};
    dti_chart_tornado tor = {1, labels, lo, hi, 0.5, NULL, NULL, "nominal", 0, 0, 0};
    assert_int_equal(dti_chart_tornado_svg(&b, &tor, &o, &err), DTI_OK);
    assert_non_null(strstr(b.data, ">nominal (0,5)</text>"));
    assert_non_null(strstr(b.data, ">0,25</text>"));
    double m[1] = {0.5};
    dti_chart_heatmap hm = {1, 1, labels, labels, m, -1};
    assert_int_equal(dti_chart_heatmap_svg(&b, &hm, &o, &err), DTI_OK);
    assert_non_null(strstr(b.data, ">0,50</text>"));  /* the cell */
    assert_non_null(strstr(b.data, ">-0,5</text>"));  /* the colour key */
    /* and a point without the option */
    dti_chart_buf_clear(&b);
    o.decimal_comma = 0;
    assert_int_equal(dti_chart_bars_svg(&b, &in, &o, &err), DTI_OK);
    assert_non_null(strstr(b.data, ">0.6757</text>"));
    assert_null(strstr(b.data, ">0,6757<"));
    dti_chart_buf_clear(&b);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dti_chart_nice_num_hand),
        cmocka_unit_test(test_dti_chart_ticks_compute_loose),
        cmocka_unit_test(test_dti_chart_ticks_compute_degenerate),
        cmocka_unit_test(test_dti_chart_ticks_compute_integer),
        cmocka_unit_test(test_dti_chart_labels_format),
        cmocka_unit_test(test_dti_chart_scale_map_hand),
        cmocka_unit_test(test_dti_chart_band_polygon_hand),
        cmocka_unit_test(test_dti_chart_place_labels_hand),
        cmocka_unit_test(test_dti_chart_place_labels_dense),
        cmocka_unit_test(test_dti_chart_text_width_and_truncate),
        cmocka_unit_test(test_dti_chart_buf_escape),
        cmocka_unit_test(test_dti_chart_bars_svg_document_and_fragment),
        cmocka_unit_test(test_dti_chart_refuses_malformed),
        cmocka_unit_test(test_dti_chart_degenerate_inputs),
        cmocka_unit_test(test_dti_chart_histogram_svg_hand),
        cmocka_unit_test(test_dti_chart_decimal_comma),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
