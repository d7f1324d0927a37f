/* chart_demo.c -- writes one SVG per chart type (and the degenerate cases) into a directory, from
 * SYNTHETIC inputs made here by fixed formulas with real Vietnamese province names: realistic in
 * shape, not real figures.  tests/chart/check_svg.py checks the files; tests/browser/run.sh renders
 * them in Chromium.  Usage: chart_demo OUTDIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static const char *const S_names[63] = {
    "TP. Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu",
    "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ",
    "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "TP. Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định",
    "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên - Huế", "TP. Đà Nẵng",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum",
    "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
    "Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long",
    "Đồng Tháp", "An Giang", "Kiên Giang", "TP. Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau"};

static const char *const S_pillars[8] = {"Chính quyền số", "Kinh tế số", "Xã hội số", "Nhận thức số",
                                         "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng"};

static const char *S_dir;
static int S_fail;

static void S_write(const char *name, int rc, const dti_chart_buf *b, const dti_error *err)
{
    if (rc) {
        fprintf(stderr, "chart_demo: %s: ", name);
        dti_error_print(err, stderr);
        S_fail = 1;
        return;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", S_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "chart_demo: cannot write %s\n", path);
        S_fail = 1;
    }
}

/* A deterministic wiggle in [-1, 1]: the SYNTHETIC noise of these inputs. */
static double S_wiggle(double i, double k)
{
    return sin(12.9898 * i + 78.233 * k) * cos(3.1 * i - 1.7 * k);
}

static void S_fan(void)
{
    double years[11], obs[11], med[11], lo50[11], hi50[11], lo80[11], hi80[11];
    static const double seen[5] = {27, 22, 18, 20, 16}; /* 2020-2024 */
    for (int i = 0; i < 11; i++) {
        years[i] = 2020 + i;
        obs[i] = i < 5 ? seen[i] : NAN;
        if (i < 4) {
            med[i] = lo50[i] = hi50[i] = lo80[i] = hi80[i] = NAN;
            continue;
        }
        double h = i - 4; /* years ahead of the last observation: the fan widens as sqrt(h) */
        med[i] = 16 - 0.9 * h;
        lo50[i] = fmax(1, med[i] - 2.2 * sqrt(h));
        hi50[i] = med[i] + 2.4 * sqrt(h);
        lo80[i] = fmax(1, med[i] - 4.3 * sqrt(h));
        hi80[i] = med[i] + 4.8 * sqrt(h);
    }
    double tr[2] = {15, 10};
    const char *tl[2] = {"top 15 (2025)", "top 10 (2030)"};
    dti_chart_fan in = {11, years, obs, med, lo50, hi50, lo80, hi80, 63, 2, tr, tl,
                        "đã công bố", "trung vị dự báo", "khoảng 50%", "khoảng 80%"};
    dti_chart_opts o = {.title = "SYNTHETIC — Thái Nguyên: hạng DTI 2020–2030",
                        .subtitle = "dữ liệu tổng hợp để kiểm thử, không phải số liệu thật",
                        .y_label = "hạng (1 = cao nhất)", .x_label = "năm"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("fan.svg", dti_chart_fan_svg(&b, &in, &o, &err), &b, &err);
    /* one year only, observed, with one target */
    dti_chart_fan one = {1, years + 4, obs + 4, NULL, NULL, NULL, NULL, NULL, 63, 1, tr, NULL, NULL, NULL, NULL, NULL};
    b.len = 0;
    o.title = "SYNTHETIC — one year";
    S_write("fan_one_year.svg", dti_chart_fan_svg(&b, &one, &o, &err), &b, &err);
    /* n = 1 and nothing known */
    double nan1 = NAN;
    dti_chart_fan none = {1, years, &nan1, &nan1, NULL, NULL, NULL, NULL, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL};
    b.len = 0;
    o.title = "SYNTHETIC — nothing known";
    S_write("fan_empty.svg", dti_chart_fan_svg(&b, &none, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

static void S_bump(void)
{
    /* 16 series over 2020-2024: 15 leaders and the highlighted province; ranks move by small
     * SYNTHETIC steps; some years unknown (gaps), two series tied at the end */
    enum { NS = 16, NY = 5 };
    double years[NY] = {2020, 2021, 2022, 2023, 2024}, rank[NS * NY];
    const char *names[NS];
    static const size_t pick[NS] = {0, 49, 31, 13, 17, 46, 19, 47, 58, 24, 36, 20, 16, 25, 14, 11};
    for (size_t k = 0; k < NS; k++) {
        names[k] = S_names[pick[k]];
        for (size_t t = 0; t < NY; t++) {
            double r = (double)k + 1 + round(3 * S_wiggle((double)k, (double)t));
            rank[k * NY + t] = fmax(1, r);
        }
    }
    for (size_t t = 0; t < NY; t++) /* the highlighted province climbs from 27 to 16 */
        rank[15 * NY + t] = (double[]){27, 22, 18, 20, 16}[t];
    rank[3 * NY + 1] = NAN; /* a rank known only as a bound: a gap */
    rank[7 * NY + 4] = NAN; /* last year unknown: labelled at its last known rank */
    rank[9 * NY + 4] = rank[10 * NY + 4]; /* a tie */
    dti_chart_bump in = {NY, years, NS, names, rank, 0, 15};
    dti_chart_opts o = {.title = "SYNTHETIC — hạng DTI 2020–2024: 15 tỉnh dẫn đầu và Thái Nguyên",
                        .y_label = "hạng"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("bump.svg", dti_chart_bump_svg(&b, &in, &o, &err), &b, &err);
    /* dense: 16 series all tied at rank 1 */
    double tied[NS * NY];
    for (size_t i = 0; i < NS * NY; i++)
        tied[i] = 1;
    dti_chart_bump dense = {NY, years, NS, names, tied, 0, DTI_CHART_NONE};
    b.len = 0;
    o.title = "SYNTHETIC — 16 series tied at rank 1";
    S_write("bump_tied.svg", dti_chart_bump_svg(&b, &dense, &o, &err), &b, &err);
    dti_chart_bump empty = {NY, years, 0, NULL, NULL, 0, DTI_CHART_NONE};
    b.len = 0;
    o.title = "SYNTHETIC — no series";
    S_write("bump_empty.svg", dti_chart_bump_svg(&b, &empty, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

static void S_bars(void)
{
    const char *labels[63];
    double v[63];
    for (size_t i = 0; i < 63; i++) {
        labels[i] = S_names[(i * 17) % 63];
        v[i] = 0.8312 - 0.0071 * (double)i + 0.002 * S_wiggle((double)i, 1); /* SYNTHETIC, descending */
    }
    labels[40] = "Tỉnh có tên rất dài để kiểm tra việc cắt ngắn bằng dấu ba chấm";
    dti_chart_bars in = {63, labels, v, 22, 4};
    dti_chart_opts o = {.title = "SYNTHETIC — chỉ số DTI cấp tỉnh, 63 tỉnh, thành phố", .x_label = "điểm DTI"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("bars63.svg", dti_chart_bars_svg(&b, &in, &o, &err), &b, &err);
    /* one bar, a name to escape */
    const char *odd[1] = {"A & B <test> \"q\" 'a'"};
    double one = 0.512;
    dti_chart_bars single = {1, odd, &one, 0, -1};
    b.len = 0;
    o.title = "SYNTHETIC — n = 1 & <escaping>";
    S_write("bars_one.svg", dti_chart_bars_svg(&b, &single, &o, &err), &b, &err);
    /* all equal, negative values, NaN */
    double eq[5] = {0.7, 0.7, 0.7, 0.7, 0.7}, mixed[5] = {0.42, -0.18, NAN, 0.05, -0.31};
    dti_chart_bars equal = {5, labels, eq, DTI_CHART_NONE, 2};
    b.len = 0;
    o.title = "SYNTHETIC — all equal";
    S_write("bars_equal.svg", dti_chart_bars_svg(&b, &equal, &o, &err), &b, &err);
    dti_chart_bars neg = {5, labels, mixed, 1, 2};
    b.len = 0;
    o.title = "SYNTHETIC — negative and missing values";
    S_write("bars_negative.svg", dti_chart_bars_svg(&b, &neg, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

static void S_tornado(void)
{
    double lo[8], hi[8];
    for (size_t i = 0; i < 8; i++) { /* SYNTHETIC: the index at weight -50% and +50% of each pillar */
        double w = 0.004 + 0.011 * fabs(S_wiggle((double)i, 2));
        lo[i] = 0.6123 - w * (i % 3 == 0 ? -0.4 : 1);
        hi[i] = 0.6123 + w * 0.8;
    }
    lo[5] = NAN;
    dti_chart_tornado in = {8, S_pillars, lo, hi, 0.6123, "trọng số −50%", "trọng số +50%", "danh nghĩa", 0, 0, 0};
    dti_chart_opts o = {.title = "SYNTHETIC — độ nhạy của điểm Thái Nguyên theo trọng số trụ cột", .x_label = "điểm DTI"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("tornado.svg", dti_chart_tornado_svg(&b, &in, &o, &err), &b, &err);
    double rlo[8], rhi[8];
    for (size_t i = 0; i < 8; i++) { /* ranks: 1 is best, drawn at the right */
        rlo[i] = 16 + round(6 * S_wiggle((double)i, 3));
        rhi[i] = 16 - round(4 * fabs(S_wiggle((double)i, 4)));
    }
    dti_chart_tornado rk = {8, S_pillars, rlo, rhi, 16, NULL, NULL, "nominal rank", 1, 0, 0};
    b.len = 0;
    o.title = "SYNTHETIC — rank at the ends of each weight's range (reversed axis)";
    o.x_label = "rank";
    S_write("tornado_rank.svg", dti_chart_tornado_svg(&b, &rk, &o, &err), &b, &err);
    dti_chart_tornado none = {0, NULL, NULL, NULL, 3, NULL, NULL, NULL, 0, 0, 0};
    b.len = 0;
    o.title = "SYNTHETIC — no items";
    S_write("tornado_empty.svg", dti_chart_tornado_svg(&b, &none, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

static void S_sobol(void)
{
    double v[16], clo[16], chi[16];
    for (size_t i = 0; i < 8; i++) { /* SYNTHETIC: S_i <= S_Ti, half-widths 0.01-0.04 */
        double s1 = 0.02 + 0.2 * fabs(S_wiggle((double)i, 5)), st = s1 + 0.03 + 0.05 * fabs(S_wiggle((double)i, 6));
        v[2 * i] = s1;
        v[2 * i + 1] = st;
        for (size_t k = 0; k < 2; k++) {
            double hw = 0.01 + 0.03 * fabs(S_wiggle((double)i, 7 + (double)k));
            clo[2 * i + k] = v[2 * i + k] - hw;
            chi[2 * i + k] = v[2 * i + k] + hw;
        }
    }
    const char *series[2] = {"bậc một (S_i)", "toàn phần (S_Ti)"};
    dti_chart_grouped in = {8, 2, S_pillars, series, v, clo, chi};
    dti_chart_opts o = {.title = "SYNTHETIC — chỉ số Sobol theo trụ cột", .x_label = "phần phương sai của hạng"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("sobol.svg", dti_chart_grouped_svg(&b, &in, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

static void S_heatmap(void)
{
    double m[64];
    for (size_t r = 0; r < 8; r++)
        for (size_t c = 0; c < 8; c++) /* SYNTHETIC symmetric matrix with 1 on the diagonal */
            m[r * 8 + c] = r == c ? 1 : 0.9 * S_wiggle((double)(r + c), (double)(r > c ? r - c : c - r));
    m[2 * 8 + 6] = m[6 * 8 + 2] = NAN;
    dti_chart_heatmap in = {8, 8, S_pillars, S_pillars, m, 2};
    dti_chart_opts o = {.title = "SYNTHETIC — tương quan giữa các trụ cột"};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("heatmap.svg", dti_chart_heatmap_svg(&b, &in, &o, &err), &b, &err);
    double one = 1;
    dti_chart_heatmap single = {1, 1, S_pillars, S_pillars, &one, -1};
    b.len = 0;
    o.title = "SYNTHETIC — 1 x 1";
    S_write("heatmap_one.svg", dti_chart_heatmap_svg(&b, &single, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

/* A PIT histogram (SYNTHETIC counts) in Vietnamese with decimal commas, and one with no bins. */
static void S_histogram(void)
{
    double count[10];
    for (int b = 0; b < 10; b++)
        count[b] = round(38 + 9 * S_wiggle(b, 7));
    dti_chart_histogram in = {10, count, 0, 1, 38, "số dự báo", "kỳ vọng nếu dự báo hiệu chuẩn tốt"};
    dti_chart_opts o = {.title = "SYNTHETIC — biểu đồ PIT, 63 tỉnh",
                        .x_label = "vị trí của thứ hạng thực tế trong phân phối dự báo (PIT)", .decimal_comma = 1};
    dti_chart_buf b;
    dti_error err;
    dti_chart_buf_init(&b);
    dti_error_init(&err);
    S_write("histogram.svg", dti_chart_histogram_svg(&b, &in, &o, &err), &b, &err);
    dti_chart_histogram none = {0, NULL, 0, 1, NAN, NULL, NULL};
    b.len = 0;
    o.title = "SYNTHETIC — no bins";
    S_write("histogram_empty.svg", dti_chart_histogram_svg(&b, &none, &o, &err), &b, &err);
    dti_chart_buf_clear(&b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: chart_demo OUTDIR\n");
        return 2;
    }
    S_dir = argv[1];
    S_fan();
    S_bump();
    S_bars();
    S_tornado();
    S_sobol();
    S_heatmap();
    S_histogram();
    return S_fail;
}
