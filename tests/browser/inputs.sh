#!/bin/sh
# Writes what the browser tests render (tests/browser/run.sh) besides the chart demo: the report in
# Vietnamese and English (and among the 63 provinces), its charts as standalone SVGs, and each
# command's --format svg -- on the shipped data, the projection on the quick sampler of the golden
# tests (the pictures are the same in kind).  FILE.expect lists what must be in the DOM Chromium
# builds: the sections' headings and the Vietnamese names, with their diacritics.
# Usage: sh tests/browser/inputs.sh path/to/dtirank OUTDIR   (from the repository root)
bin=$1
out=$2
[ -x "$bin" ] && [ -n "$out" ] || { echo "usage: inputs.sh BIN OUTDIR"; exit 2; }
rm -rf "$out" && mkdir -p "$out" || exit 2
quick="--settings tests/golden/projection-quick.yaml --runs 2000 --threads 1"
fail=0
emit() { # emit FILE ARGS...: one output, or a failure said
    f=$1
    shift
    DTIRANK_HOME=. "$bin" "$@" --out "$out/$f" || { echo "browser inputs: dtirank $* failed"; fail=1; }
}
emit report-vi.html report $quick
emit report-en.html report --lang en $quick
emit report-63-vi.html report --units 63 --province "Bac Ninh" $quick
# the weights section drawn: a SYNTHETIC home whose 2023 record has every weighted main indicator
/usr/bin/python3 tests/browser/synthetic_home.py "$out/home" || fail=1
emit report-weights-vi.html report --home "$out/home" $quick
emit report-weights-tornado.svg report --home "$out/home" --format svg --table tornado $quick
emit report-weights-sobol.svg report --home "$out/home" --format svg --table sobol_bars $quick
for c in fan_units bump pit; do
    emit "report-vi-$c.svg" report --format svg --table $c $quick
done
emit project-fan-units.svg project --format svg --compare 0 $quick
emit project-fan-provinces.svg project --format svg --table fan_provinces --compare 0 $quick
emit rank-2024.svg rank --year 2024 --province "Thai Nguyen" --format svg
emit rank-2024-units.svg rank --year 2024 --units 34 --province "Bac Kan" --format svg
emit rank-2021.svg rank --year 2021 --format svg
emit tune-stability.svg tune stability --model models/dti-2022.yaml --year 2022 --province "Da Nang" --format svg
emit tune-sensitivity.svg tune sensitivity --model models/asem.yaml --data data/asem.yaml --runs 500 --sobol 200 \
    --format svg
emit audit-dti.svg audit --model models/dti-2022.yaml --year 2022 --format svg
emit audit-asem.svg audit --model models/asem.yaml --data data/asem.yaml --format svg
# what a reader must find in the report: every section and the names with their diacritics
cat >"$out/report-vi.html.expect" <<'EOF'
Câu trả lời
Dự báo thứ hạng
Lịch sử xếp hạng
Bảng xếp hạng DTI 2024
Dự báo có đáng tin không? Kiểm định ngược
Ảnh hưởng của trọng số
Nguồn dữ liệu và hạn chế
Mục tiêu top 15 năm 2025
Xác suất top 10
Xếp hạng
Hạn chế.
Thái Nguyên = Bắc Kạn + Thái Nguyên
Trung du và miền núi phía Bắc
Đồng bằng sông Cửu Long
TP. Hồ Chí Minh
Điện Biên
EOF
cat >"$out/report-en.html.expect" <<'EOF'
The answer
Where the rank is heading
Rank history
DTI 2024: the table
Can the forecast be trusted? The backtest
How much the weights matter
Sources and limitations
Target top 15 by 2025
Thái Nguyên = Bắc Kạn + Thái Nguyên
TP. Hồ Chí Minh
EOF
cat >"$out/report-weights-vi.html.expect" <<'EOF'
Ảnh hưởng của trọng số
Tỷ trọng trọng số mà thứ hạng của Thái Nguyên
Chỉ số Sobol của thứ hạng Thái Nguyên
Hoạt động chính quyền số
phương pháp tổng hợp
EOF
cat >"$out/report-63-vi.html.expect" <<'EOF'
Câu trả lời
Bảng xếp hạng DTI 2024
Bắc Ninh
Bà Rịa - Vũng Tàu
Thừa Thiên - Huế
EOF
exit $fail
