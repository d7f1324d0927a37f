#!/bin/sh
# Safety of outputs and inputs (issue 13), on a copy of the home (data/ and models/) in a temporary
# directory.  Each hostile case must exit with the stated status and print exactly the stated line on
# stderr, and leave every file of the home as it was: the sha256 of every file, and the list of
# files, are compared before and after each case.  Then: the mode of a replaced file, --force, FIFOs
# and sockets as inputs, a long merger map name, and SIGTERM during a long --out run.
# Usage: sh tests/safety/run.sh path/to/dtirank
bin=$1
[ -x "$bin" ] || { echo "safety: no binary '$bin'"; exit 2; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
H=$tmp/H
mkdir -p "$H/out" && cp -R data models "$H/"
unset DTIRANK_HOME
pass=0; fail=0
wrap= # a command to run the program under (timeout, for the FIFO cases)

sums() { (cd "$H" && find . | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
ok() { pass=$((pass + 1)); }
bad() { echo "safety $1: $2"; fail=$((fail + 1)); }

# expect NAME STATUS 'STDERR LINE' ARGS... : the exact status and first stderr line, no file changed
expect() {
    name=$1 want_status=$2 want=$3; shift 3
    before=$(sums)
    $wrap "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    status=$?
    got=$(sed -n 1p "$tmp/stderr")
    after=$(sums)
    if [ "$status" != "$want_status" ]; then bad "$name" "exit status $status, expected $want_status ($got)"
    elif [ "$got" != "$want" ]; then bad "$name" "stderr
  got:  $got
  want: $want"
    elif [ "$before" != "$after" ]; then bad "$name" "the home changed"; diff -u "$tmp/b" "$tmp/a" 2>/dev/null | head
    else ok; fi
}

refused() { # refused NAME OUT ARGS...: --out OUT must be refused as an input file
    name=$1 out=$2; shift 2
    expect "$name" 1 "$out: error: refusing to overwrite an input file" "$@" --home "$H" --out "$out"
}

# --- D1: every file a command reads, named or not, is refused as its destination ---
refused d1_rank_framework "$H/models/dti-2022.yaml" rank --year 2022
refused d1_rank_registry "$H/data/provinces.yaml" rank --year 2022
refused d1_rank_record "$H/data/dti/2022.yaml" rank --year 2022
refused d1_rank_merger_rule "$H/models/merger.yaml" rank --year 2022 --units 34
refused d1_rank_merger_map "$H/data/merger-2025.yaml" rank --year 2022 --units 34
refused d1_project_record "$H/data/dti/2022.yaml" project --runs 200
refused d1_project_old_framework "$H/models/dti-2020.yaml" project --runs 200
refused d1_project_targets "$H/models/targets.yaml" project --runs 200
refused d1_project_map "$H/data/merger-2025.yaml" project --runs 200
refused d1_score_registry "$H/data/provinces.yaml" score --model "$H/models/dti-2022.yaml" --year 2022
refused d1_score_map "$H/data/merger-2025.yaml" score --model "$H/models/dti-2022.yaml" --year 2022 --units 34
refused d1_audit_data "$H/data/asem.yaml" audit --model "$H/models/asem.yaml" --data "$H/data/asem.yaml"
refused d1_fit_framework "$H/models/dti-2022.yaml" tune fit --year 2022
refused d1_sens_uncertainty "$H/models/uncertainty-asem.yaml" tune sensitivity --model "$H/models/asem.yaml" \
    --data "$H/data/asem.yaml" --runs 100 --sobol 0
refused d1_stability_registry "$H/data/provinces.yaml" tune stability --model "$H/models/dti-2022.yaml" --year 2022 \
    --province "Da Nang"
refused d1_goal_rule "$H/models/merger.yaml" tune goal --model "$H/models/dti-2022.yaml" --year 2022 \
    --province "Hue" --top 1 --units 34
cp tests/fuzz/seeds/costs.yaml "$H/costs.yaml"
refused d1_goal_costs "$H/costs.yaml" tune goal --model "$H/models/dti-2022.yaml" --year 2022 --province "Can Tho" \
    --top 3 --costs "$H/costs.yaml"
# the same file under another name: a hard link or a symbolic link to an input, even with --force
ln "$H/data/provinces.yaml" "$H/hard-link.yaml"
ln -s "$H/data/dti/2022.yaml" "$H/soft-link.yaml"
refused d1_hard_link "$H/hard-link.yaml" rank --year 2022 --force
refused d1_soft_link "$H/soft-link.yaml" rank --year 2022 --force
rm -f "$H/hard-link.yaml" "$H/soft-link.yaml"

# --- D2: devices and other special files are never replaced; /dev/stdout is standard output ---
expect d2_dev_null 1 "/dev/null: error: is not a regular file (a device, FIFO or socket): refusing to replace it" \
    rank --home "$H" --year 2022 --out /dev/null
if [ "$(id -u)" = 0 ] && mknod "$H/out/null" c 1 3 2>/dev/null; then
    expect d2_device_node 1 "$H/out/null: error: is not a regular file (a device, FIFO or socket): refusing to replace it" \
        rank --home "$H" --year 2022 --out "$H/out/null" --force
    [ -c "$H/out/null" ] && ok || bad d2_device_node "the device was replaced"
    rm -f "$H/out/null"
fi
expect d2_dev_stdout 0 "" rank --home "$H" --year 2022 --out /dev/stdout
grep -q "^DTI 2022: ranking by dti" "$tmp/stdout" && ok || bad d2_dev_stdout "no table on standard output"
expect d2_directory 1 "$H/out: error: is a directory" rank --home "$H" --year 2022 --out "$H/out"

# --- D9: the old mode is kept; links are refused unless --force, which then replaces the name only ---
echo old >"$H/out/p.csv"; chmod 600 "$H/out/p.csv"
"$bin" rank --home "$H" --year 2022 --format csv --out "$H/out/p.csv" 2>"$tmp/stderr"
[ "$(stat -c %a "$H/out/p.csv")" = 600 ] && grep -q "^rank," "$H/out/p.csv" && ok || bad d9_mode "mode $(stat -c %a "$H/out/p.csv")"
echo target >"$H/out/target.txt"
ln -s "$H/out/target.txt" "$H/out/link.txt"
ln "$H/out/target.txt" "$H/out/hard.txt"
expect d9_symlink 1 "$H/out/link.txt: error: is a symbolic link: refusing to replace it (--force replaces the link itself)" \
    rank --home "$H" --year 2022 --out "$H/out/link.txt"
expect d9_hard_link 1 "$H/out/hard.txt: error: has 2 hard links: refusing to replace it (--force writes a new file under this name)" \
    rank --home "$H" --year 2022 --out "$H/out/hard.txt"
"$bin" rank --home "$H" --year 2022 --out "$H/out/link.txt" --force 2>"$tmp/stderr" &&
    [ ! -L "$H/out/link.txt" ] && [ "$(cat "$H/out/target.txt")" = target ] && ok || bad d9_force_symlink "$(cat "$tmp/stderr")"
"$bin" rank --home "$H" --year 2022 --out "$H/out/hard.txt" --force 2>"$tmp/stderr" &&
    [ "$(cat "$H/out/target.txt")" = target ] && grep -q "^DTI 2022" "$H/out/hard.txt" && ok || bad d9_force_hard "$(cat "$tmp/stderr")"
rm -f "$H/out/"*

# --- D15: a FIFO or a socket as an input is refused at once, never waited on ---
mkfifo "$H/fifo.yaml"
wrap="timeout 10" # a blocked read would end with status 124
expect d15_fifo_data 1 "$H/fifo.yaml: error: is a FIFO, not a regular file" rank --home "$H" --data "$H/fifo.yaml"
expect d15_fifo_registry 1 "$H/fifo.yaml: error: is a FIFO, not a regular file" score --home "$H" \
    --model "$H/models/asem.yaml" --data "$H/data/asem.yaml" --units 34 --registry "$H/fifo.yaml"
if command -v python3 >/dev/null 2>&1; then
    python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$H/sock.yaml"
    expect d15_socket 1 "$H/sock.yaml: error: is a socket, not a regular file" rank --home "$H" --data "$H/sock.yaml"
    rm -f "$H/sock.yaml"
fi
expect d15_device 1 "/dev/zero: error: is a character device, not a regular file" rank --home "$H" --data /dev/zero
# a framework named by a year record that is a FIFO
cp -R "$H" "$tmp/F"; rm "$tmp/F/models/dti-2022.yaml" "$tmp/F/fifo.yaml"; mkfifo "$tmp/F/models/dti-2022.yaml"
expect d15_fifo_framework 1 "$tmp/F/models/dti-2022.yaml: error: is a FIFO, not a regular file" \
    rank --home "$tmp/F" --year 2022
wrap=
rm -rf "$tmp/F" "$H/fifo.yaml"

# --- D16: a merger map name is refused when too long, never cut into another file's name ---
cp -R "$H" "$tmp/L"
long=$(printf 'm%.0s' $(seq 1 253))
sed "s/^map: .*/map: $long/" models/merger.yaml >"$tmp/L/models/merger.yaml"
expect d16_long_map 1 "$tmp/L/models/merger.yaml:$(grep -n '^map:' models/merger.yaml | cut -d: -f1):6: error: map name is 253 bytes long; at most 200" \
    rank --home "$tmp/L" --year 2022 --units 34
rm -rf "$tmp/L"

# --- D5: threads beyond the documented maximum ---
expect d5_threads 1 "dtirank: error: --threads needs a whole number from 1 to 64" tune sensitivity --home "$H" \
    --model "$H/models/asem.yaml" --data "$H/data/asem.yaml" --threads 65

# --- D7: SIGTERM during a long --out run leaves neither a temporary file nor a partial destination ---
for dest in new old; do
    rm -f "$H/out/"*
    [ $dest = old ] && echo "the old result" >"$H/out/s.txt"
    before=$(sums)
    "$bin" tune sensitivity --home "$H" --model "$H/models/asem.yaml" --data "$H/data/asem.yaml" --runs 100000000 \
        --sobol 0 --threads 1 --out "$H/out/s.txt" 2>/dev/null &
    pid=$!
    sleep 2
    kill -TERM $pid
    wait $pid 2>/dev/null
    status=$?
    if [ $status != 143 ]; then bad "d7_sigterm_$dest" "exit status $status, expected 143 (SIGTERM)"
    elif [ "$before" != "$(sums)" ]; then bad "d7_sigterm_$dest" "files changed: $(ls -A "$H/out")"
    else ok; fi
done
rm -f "$H/out/"*

echo "safety: $pass passed, $fail failed"
[ $fail = 0 ]
