/* lang.c -- the string table of lang.h: every text a translated document shows, in English and in
 * Vietnamese (UTF-8, precomposed: NFC), and the names of the six socio-economic regions.  Adding a
 * language is adding a column. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lang.h"

static const char *const S_code[DTI_LANG_COUNT] = {"en", "vi"};

static const char *const S_text[DTI_L_COUNT][DTI_LANG_COUNT] = {
    [DTI_L_OBSERVED] = {"observed", "thực tế"},
    [DTI_L_MEDIAN] = {"projected median", "trung vị dự báo"},
    [DTI_L_BAND50] = {"50%% interval", "khoảng 50%%"},
    [DTI_L_BAND80] = {"80%% interval", "khoảng 80%%"},
    [DTI_L_TARGET] = {"top %zu by %d", "top %zu năm %d"},
    [DTI_L_RANK_AXIS] = {"rank (1 = best)", "thứ hạng (1 = cao nhất)"},
    [DTI_L_NO_DATA] = {"no data", "không có dữ liệu"},
    [DTI_L_FAN_UNITS] = {"%s: DTI rank among the %zu provincial units", "%s: thứ hạng DTI trong %zu tỉnh, thành phố"},
    [DTI_L_FAN_PROVINCES] = {"%s: DTI rank among the %zu former provinces (hypothetical)",
                             "%s: thứ hạng DTI trong %zu tỉnh, thành phố cũ (giả định)"},
    [DTI_L_FAN_SUB] = {"observed %d–%d; projected by the model %s (%s simulated runs)",
                       "thực tế %d–%d; dự báo theo mô hình %s (%s lần mô phỏng)"},
    [DTI_L_BUMP_TITLE] = {"Ranks %d–%d: the top %zu of %d and %s", "Thứ hạng %d–%d: top %zu năm %d và %s"},
    [DTI_L_BUMP_SUB] = {"ranks among %zu; a gap where the rank is not known",
                        "thứ hạng trong %zu đơn vị; để trống khi chưa biết thứ hạng"},
    [DTI_L_TORNADO_TITLE] = {"Weight shares over which the rank of %s (%zu of %zu) holds",
                             "Tỷ trọng trọng số mà thứ hạng của %s (%zu/%zu) không đổi"},
    [DTI_L_TORNADO_IN] = {"Weight shares over which %s stays in the top %zu",
                          "Tỷ trọng trọng số mà %s vẫn ở trong top %zu"},
    [DTI_L_TORNADO_OUT] = {"Weight shares over which %s stays out of the top %zu",
                           "Tỷ trọng trọng số mà %s vẫn ở ngoài top %zu"},
    [DTI_L_CHART_SUB] = {"framework %s, data %s", "bộ chỉ số %s, số liệu %s"},
    [DTI_L_TORNADO_X] = {"change of the weight's share (percentage points)",
                         "thay đổi tỷ trọng của trọng số (điểm phần trăm)"},
    [DTI_L_TORNADO_LOW] = {"decrease", "giảm"},
    [DTI_L_TORNADO_HIGH] = {"increase", "tăng"},
    [DTI_L_TORNADO_NOMINAL] = {"official weights", "trọng số chính thức"},
    [DTI_L_SOBOL_TITLE] = {"Sobol indices of the rank of %s", "Chỉ số Sobol của thứ hạng %s"},
    [DTI_L_SOBOL_X] = {"share of the variance of the rank", "tỷ lệ phương sai của thứ hạng"},
    [DTI_L_UNC_WEIGHTS] = {"weights", "trọng số"},
    [DTI_L_UNC_NORM] = {"normalisation", "chuẩn hóa"},
    [DTI_L_UNC_AGG] = {"aggregation", "phương pháp tổng hợp"},
    [DTI_L_UNC_TREAT] = {"outlier treatment", "xử lý giá trị ngoại lai"},
    [DTI_L_UNC_IMPUTE] = {"imputation", "bổ sung giá trị thiếu"},
    [DTI_L_SOBOL_S1] = {"first order (S1)", "bậc nhất (S1)"},
    [DTI_L_SOBOL_ST] = {"total order (ST)", "toàn phần (ST)"},
    [DTI_L_PIT_TITLE] = {"PIT histogram of the model %s, 63 provinces", "Biểu đồ PIT của mô hình %s, 63 tỉnh"},
    [DTI_L_PIT_X] = {"where the observed rank fell in the forecast distribution (PIT)",
                     "vị trí của thứ hạng thực tế trong phân phối dự báo (PIT)"},
    [DTI_L_PIT_COUNT] = {"forecasts", "số dự báo"},
    [DTI_L_PIT_REF] = {"expected if calibrated", "kỳ vọng nếu dự báo hiệu chuẩn tốt"},
    [DTI_L_LIKELY] = {"likely", "nhiều khả năng"},
    [DTI_L_UNLIKELY] = {"unlikely", "ít khả năng"},
    [DTI_L_UNCERTAIN] = {"uncertain", "chưa chắc chắn"},
    [DTI_L_BORDERLINE] = {"borderline: within two standard errors of %s",
                          "sát ngưỡng: cách %s không quá hai sai số chuẩn"},
    [DTI_L_H1] = {"%s: the digital transformation index (DTI), its record and its outlook",
                  "%s: Chỉ số chuyển đổi số (DTI) — kết quả và triển vọng"},
    [DTI_L_FRAME_UNITS] = {"Among the %zu provincial units of the 2025 reorganisation (%s = %s; a unit's DTI is the "
                           "mean of its former provinces' values, the official rule).",
                           "Trong %zu tỉnh, thành phố sau sắp xếp năm 2025 (%s = %s; DTI của một đơn vị là trung bình "
                           "giá trị của các tỉnh cũ hợp thành, theo quy tắc chính thức)."},
    [DTI_L_FRAME_PROVINCES] = {"Among the %zu former provinces, as if they were still ranked (hypothetical: from 2025 "
                               "the official table ranks the 34 units).",
                               "Trong %zu tỉnh, thành phố trước sắp xếp, như thể vẫn được xếp hạng (giả định: từ năm "
                               "2025 bảng xếp hạng chính thức gồm 34 đơn vị)."},
    [DTI_L_H_ANSWER] = {"The answer", "Câu trả lời"},
    [DTI_L_H_FAN] = {"Where the rank is heading", "Dự báo thứ hạng"},
    [DTI_L_H_HISTORY] = {"Rank history", "Lịch sử xếp hạng"},
    [DTI_L_H_TABLE] = {"DTI %d: the table", "Bảng xếp hạng DTI %d"},
    [DTI_L_H_CALIBRATION] = {"Can the forecast be trusted? The backtest", "Dự báo có đáng tin không? Kiểm định ngược"},
    [DTI_L_H_WEIGHTS] = {"How much the weights matter", "Ảnh hưởng của trọng số"},
    [DTI_L_H_SOURCES] = {"Sources and limitations", "Nguồn dữ liệu và hạn chế"},
    [DTI_L_ANSWER_OPEN] = {"Target top %zu by %d: %s ranks %zu of %zu in %d (%s)",
                           "Mục tiêu top %zu năm %d: %s xếp hạng %zu/%zu năm %d (%s)"},
    [DTI_L_ANSWER_NORANK] = {"Target top %zu by %d: %s has no rank on the record",
                             "Mục tiêu top %zu năm %d: %s chưa có thứ hạng trong dữ liệu"},
    [DTI_L_ANSWER_P] = {"; the probability of rank %zu or better in DTI %d is %s (± %s): %s",
                        "; xác suất đạt hạng %zu trở lên trong DTI %d là %s (± %s): %s"},
    [DTI_L_ANSWER_ALL] = {"; in every edition %d–%d it is %s (± %s): %s",
                          "; trong mọi kỳ đánh giá %d–%d là %s (± %s): %s"},
    [DTI_L_ANSWER_DECIDED] = {"Target top %zu by %d: %s ranked %zu of %zu (%s)",
                              "Mục tiêu top %zu năm %d: %s xếp hạng %zu/%zu (%s)"},
    [DTI_L_ANSWER_NONE] = {"No official target of %s is on file (%s); the forecast below gives, year by year, the "
                           "probability of rank 10 or better and of rank 15 or better: %s and %s in DTI %d.",
                           "Chưa có mục tiêu chính thức nào của %s trong dữ liệu (%s); phần dự báo dưới đây cho xác "
                           "suất đạt hạng 10 trở lên và hạng 15 trở lên theo từng năm: %s và %s trong DTI %d."},
    [DTI_L_MET] = {"met", "đã đạt"},
    [DTI_L_MISSED] = {"missed", "không đạt"},
    [DTI_L_WITHIN] = {"within the target now", "hiện đang trong nhóm mục tiêu"},
    [DTI_L_OUTSIDE] = {"outside the target now", "hiện đang ngoài nhóm mục tiêu"},
    [DTI_L_ANSWER_MODEL] = {"Model %s fitted on the DTI record %d–%d (the value of every province in %s; ranks and "
                            "bounds in the other years), %s simulated runs, seed %lu.",
                            "Mô hình %s được ước lượng trên dữ liệu DTI %d–%d (giá trị của mọi tỉnh các năm %s; "
                            "thứ hạng và cận thứ hạng các năm khác), %s lần mô phỏng, seed %lu."},
    [DTI_L_ANSWER_SCALE] = {"± one Monte Carlo standard error.  Likely when the probability is at least %s, unlikely "
                            "when it is at most %s, uncertain between.",
                            "± một sai số chuẩn Monte Carlo.  “Nhiều khả năng” khi xác suất từ %s trở lên, “ít khả "
                            "năng” khi xác suất không quá %s, “chưa chắc chắn” ở giữa."},
    [DTI_L_ANSWER_OTHER_FRAME] = {"Targets written before the reorganisation are read as the same rank among the %zu "
                                  "units.",
                                  "Các mục tiêu đặt ra trước khi sắp xếp được hiểu là cùng thứ hạng trong %zu đơn vị."},
    [DTI_L_YEAR] = {"Year", "Năm"},
    [DTI_L_MEDIAN_COL] = {"Median", "Trung vị"},
    [DTI_L_INT50_COL] = {"50%% interval", "Khoảng 50%%"},
    [DTI_L_INT80_COL] = {"80%% interval", "Khoảng 80%%"},
    [DTI_L_P_TOP] = {"P(top %zu)", "Xác suất top %zu"},
    [DTI_L_FORECAST_NOTE] = {"Ranks among %zu; the 50%% and 80%% intervals are the 25th–75th and 10th–90th percentiles "
                             "of the simulated rank; P(top K): the probability of rank K or better.",
                             "Thứ hạng trong %zu đơn vị; khoảng 50%% và 80%% là các phân vị 25–75 và 10–90 của thứ hạng "
                             "mô phỏng; P(top K): xác suất đạt hạng K trở lên."},
    [DTI_L_HISTORY_UNITS] = {"A unit's rank before 2024 comes from the official rule applied to its former provinces' "
                             "published values; a year without every value has no rank (a gap).",
                             "Thứ hạng của một đơn vị trước năm 2024 được tính theo quy tắc chính thức từ giá trị đã "
                             "công bố của các tỉnh cũ; năm thiếu giá trị thì không có thứ hạng (để trống)."},
    [DTI_L_HISTORY_PROVINCES] = {"Published ranks; a gap where only bounds are known (2020 and 2021 are published in "
                                 "part).",
                                 "Thứ hạng đã công bố; để trống khi chỉ biết cận thứ hạng (năm 2020 và 2021 chỉ công "
                                 "bố một phần)."},
    [DTI_L_RANK_COL] = {"Rank", "Xếp hạng"},
    [DTI_L_UNIT_COL] = {"Unit", "Tỉnh, thành phố"},
    [DTI_L_PROVINCE_COL] = {"Province", "Tỉnh, thành phố"},
    [DTI_L_DTI_COL] = {"DTI", "DTI"},
    [DTI_L_CHANGE_COL] = {"± since %d", "± so với %d"},
    [DTI_L_REGION_COL] = {"Region", "Vùng"},
    [DTI_L_TABLE_UNITS] = {"Ranks and values by the official rule on the %d values of the 63 former provinces (a "
                           "unit's value is the mean of its former provinces'); the main indicators published for "
                           "every province: %s.",
                           "Thứ hạng và giá trị theo quy tắc chính thức từ số liệu %d của 63 tỉnh cũ (giá trị của "
                           "một đơn vị là trung bình của các tỉnh cũ); các chỉ số chính được công bố cho mọi tỉnh: %s."},
    [DTI_L_TABLE_PROVINCES] = {"The ranks and values published for %d; the main indicators published for every "
                               "province: %s.",
                               "Thứ hạng và giá trị đã công bố năm %d; các chỉ số chính được công bố cho mọi tỉnh: %s."},
    [DTI_L_TABLE_PUBLISHED] = {"The published table of the units gives %zu ranks and %zu values (%s); the rule "
                               "reproduces %zu of the ranks and %zu of the values.",
                               "Bảng công bố của các đơn vị có %zu thứ hạng và %zu giá trị (%s); quy tắc tái tạo "
                               "đúng %zu thứ hạng và %zu giá trị."},
    [DTI_L_NO_INDICATORS] = {"none", "không có"},
    [DTI_L_MODEL_COL] = {"Model", "Mô hình"},
    [DTI_L_LOG_COL] = {"Log score", "Điểm log"},
    [DTI_L_IN80_COL] = {"In the 80%% interval", "Trong khoảng 80%%"},
    [DTI_L_IN50_COL] = {"In the 50%% interval", "Trong khoảng 50%%"},
    [DTI_L_CRPS_COL] = {"CRPS", "CRPS"},
    [DTI_L_MAE_COL] = {"Rank error", "Sai số thứ hạng"},
    [DTI_L_NOTE_COL] = {"", ""},
    [DTI_L_CAL_DEFAULT] = {"the model of this report", "mô hình của báo cáo này"},
    [DTI_L_CAL_CHOSEN] = {"chosen by the rule", "được quy tắc chọn"},
    [DTI_L_CAL_MADE] = {"Each model was fitted on the record up to each origin year and its forecasts of the later "
                        "years were scored against the published ranks (%s, made %s by dtirank %s: %zu models, "
                        "origins %s, %s runs, sampler %s).",
                        "Mỗi mô hình được ước lượng trên dữ liệu đến từng năm gốc rồi dự báo các năm sau đó, và các "
                        "dự báo được chấm điểm theo thứ hạng đã công bố (%s, tạo ngày %s bằng dtirank %s: %zu mô "
                        "hình, năm gốc %s, %s lần mô phỏng, bộ lấy mẫu %s)."},
    [DTI_L_CAL_READ] = {"Log score: lower is better (uniform guessing: 4.14), ± one standard error.  A calibrated "
                        "forecast has about 80%% of the observed ranks in its 80%% intervals and 50%% in its 50%% "
                        "intervals; rank error: the mean distance between the median and the observed rank.",
                        "Điểm log: càng thấp càng tốt (đoán ngẫu nhiên: 4,14), ± một sai số chuẩn.  Dự báo hiệu "
                        "chuẩn tốt có khoảng 80%% thứ hạng thực tế nằm trong khoảng 80%% và 50%% nằm trong khoảng 50%%; "
                        "sai số thứ hạng: khoảng cách trung bình giữa trung vị và thứ hạng thực tế."},
    [DTI_L_CAL_STALE] = {"This backtest was made with other settings than the projection now uses (%s): regenerate "
                         "it with `make backtest`.",
                         "Kiểm định ngược này được tạo với thiết lập khác với thiết lập dự báo hiện tại (%s): hãy tạo "
                         "lại bằng `make backtest`."},
    [DTI_L_CAL_MISSING] = {"No backtest to show: %s is missing or unreadable (`make backtest` makes it; it takes "
                           "minutes, so the report does not run it).",
                           "Không có kết quả kiểm định ngược: thiếu hoặc không đọc được %s (`make backtest` tạo tệp "
                           "này; mất vài phút nên báo cáo không tự chạy)."},
    [DTI_L_CAL_PIT_NOTE] = {"A calibrated forecast puts the observed ranks evenly over the ten bins; a U shape means "
                            "intervals too narrow, a hump in the middle intervals too wide.",
                            "Dự báo hiệu chuẩn tốt phân bố thứ hạng thực tế đều trên mười cột; hình chữ U nghĩa là "
                            "khoảng dự báo quá hẹp, hình gò ở giữa nghĩa là khoảng quá rộng."},
    [DTI_L_W_YEAR] = {"The weights of DTI %d are not published; the weights below are those of %s, the framework of "
                      "%d, on that year's data.",
                      "Trọng số của DTI %d chưa được công bố; phần dưới dùng trọng số của %s, bộ chỉ số của năm %d, "
                      "với số liệu năm đó."},
    [DTI_L_W_NONE] = {"Not available: the analysis recomputes the index from its main indicators with the weights of "
                      "%s, and the %d record has every weighted main indicator for %zu of the %zu units.",
                      "Chưa thực hiện được: phân tích tính lại chỉ số từ các chỉ số chính với trọng số của %s, nhưng "
                      "số liệu năm %d có đủ các chỉ số chính có trọng số cho %zu/%zu đơn vị."},
    [DTI_L_W_NO_FRAMEWORK] = {"Not available: no year of the record up to this one has a framework with published "
                              "weights.",
                              "Chưa thực hiện được: không có năm nào trong dữ liệu có bộ chỉ số với trọng số được "
                              "công bố."},
    [DTI_L_W_STABILITY_NOTE] = {"Each bar: how far one weight's share among its siblings can fall (left) or rise "
                                "(right), the others rescaled in proportion, before the rank changes; the Sobol "
                                "indices: the share of the rank's variance due to each uncertain input "
                                "(models/uncertainty-dti.yaml), with 95%% intervals.",
                                "Mỗi thanh: tỷ trọng của một trọng số trong nhóm có thể giảm (trái) hoặc tăng (phải) "
                                "bao nhiêu, các trọng số còn lại điều chỉnh theo tỷ lệ, trước khi thứ hạng thay đổi; "
                                "chỉ số Sobol: phần phương sai của thứ hạng do từng yếu tố bất định "
                                "(models/uncertainty-dti.yaml), kèm khoảng 95%%."},
    [DTI_L_SOURCE_YEAR] = {"DTI %d (%s):", "DTI %d (%s):"},
    [DTI_L_SOURCE_FRAMEWORK] = {"The framework from %d on: %s; source: %s.", "Bộ chỉ số từ năm %d: %s; nguồn: %s."},
    [DTI_L_LIMITS] = {
        "Limitations.  DTI 2025 is not published yet.  From 2025 the official table ranks the 34 units; their ranks "
        "before 2024 are computed here by the official rule from their former provinces' values.  2020 and 2021 are "
        "known only in part (about half of the ranks, and the top-10 list).  The method changed in 2021 and 2024, and "
        "a revision was announced in 2025: ranks are comparable across editions, values are not.  The projection "
        "assumes that the coming years move like the recorded ones, and a target written for the 63 provinces is "
        "read as the same rank among the 34 units.  Details: docs/projection.md and docs/data.md.",
        "Hạn chế.  DTI 2025 chưa được công bố.  Từ năm 2025 bảng xếp hạng chính thức gồm 34 đơn vị; thứ hạng của các "
        "đơn vị này trước năm 2024 được tính ở đây theo quy tắc chính thức từ giá trị của các tỉnh cũ.  Số liệu năm "
        "2020 và 2021 chỉ được biết một phần (khoảng một nửa thứ hạng và danh sách 10 tỉnh dẫn đầu).  Phương pháp đã "
        "thay đổi năm 2021 và 2024, và một lần sửa đổi đã được công bố năm 2025: thứ hạng so sánh được giữa các kỳ, "
        "giá trị thì không.  Dự báo giả định các năm tới biến động như các năm đã qua, và mục tiêu đặt cho 63 tỉnh "
        "được hiểu là cùng thứ hạng trong 34 đơn vị.  Chi tiết: docs/projection.md và docs/data.md."},
    [DTI_L_MADE_BY] = {"Made by dtirank %s from the files named above; every figure can be reproduced with the "
                       "commands of docs/guide.md.",
                       "Được tạo bởi dtirank %s từ các tệp nêu trên; mọi số liệu đều có thể tái tạo bằng các lệnh "
                       "trong docs/guide.md."},
};

/* The six socio-economic regions of the registry, as the General Statistics Office names them. */
static const char *const S_regions[][2] = {
    {"Northern Midlands and Mountains", "Trung du và miền núi phía Bắc"},
    {"Red River Delta", "Đồng bằng sông Hồng"},
    {"North Central and Central Coast", "Bắc Trung Bộ và duyên hải miền Trung"},
    {"Central Highlands", "Tây Nguyên"},
    {"Southeast", "Đông Nam Bộ"},
    {"Mekong River Delta", "Đồng bằng sông Cửu Long"},
};

int dti_lang_parse(const char *s, int *lang, dti_error *err)
{
    for (int l = 0; l < DTI_LANG_COUNT; l++)
        if (!strcmp(s, S_code[l])) {
            *lang = l;
            return DTI_OK;
        }
    return dti_error_set(err, DTI_ERR_USAGE, NULL, 0, 0, "unknown language '%s' (use en or vi)", s);
}

const char *dti_lang_code(int lang) { return S_code[lang >= 0 && lang < DTI_LANG_COUNT ? lang : 0]; }

const char *dti_lang_text(int lang, int key)
{
    if (key < 0 || key >= DTI_L_COUNT)
        return "";
    const char *s = S_text[key][lang >= 0 && lang < DTI_LANG_COUNT ? lang : 0];
    return s ? s : S_text[key][DTI_LANG_EN] ? S_text[key][DTI_LANG_EN] : "";
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the table's formats: test_lang.c checks them */
#endif
void dti_lang_format(char *buf, size_t size, int lang, int key, ...)
{
    va_list ap;
    va_start(ap, key);
    vsnprintf(buf, size, dti_lang_text(lang, key), ap);
    va_end(ap);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

void dti_lang_region(int lang, const char *region, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (const char *p = region; *p && o < size;) {
        size_t n = strcspn(p, "/");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        const char *vi = NULL;
        for (size_t k = 0; lang == DTI_LANG_VI && k < sizeof S_regions / sizeof *S_regions && !vi; k++)
            if (strlen(S_regions[k][0]) == n && !strncmp(S_regions[k][0], p, n))
                vi = S_regions[k][1];
        o += (size_t)snprintf(buf + o, size - o, "%s%.*s", o ? " / " : "", vi ? (int)strlen(vi) : (int)n, vi ? vi : p);
        p += strcspn(p, "/");
        while (*p == '/' || *p == ' ')
            p++;
    }
}
