#!/bin/sh
# Writes DIR/big.csv, a valid-looking CSV table of exactly 100 MiB (104857600 bytes: a header, then
# rows 'AUS,1'), and prints its path; the CSV reader must refuse it before reading it (64 MiB limit).
# Run by a line of tests/bad/cases.txt: sh tests/bad/gen_big_csv.sh DIR
{ printf 'unit,lpi\n'; yes 'AUS,1'; } 2>/dev/null | head -c 104857600 > "$1/big.csv"
echo "$1/big.csv"
