#!/usr/bin/env bash
# Peak memory of indexing one huge text file (issue #12: a 60 MB file in
# ≤ 300 MB). The file is the Kiryu minutes (../shared/bench/kiryu) joined
# and cut at 60 MB, in a temp dir that is removed at the end; nothing is
# copied into the repository. Prints wall time, peak RSS and passages.
#   bench/bigfile.sh [SHARED_DIR] [MB]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
mb="${2:-60}"
corpus="$shared/bench/kiryu"
[ -d "$corpus" ] || { echo "bench/bigfile.sh: $corpus not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/bigfile.sh: apt-get install -y time" >&2; exit 1; }
cargo build --release -q
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/archive"
# Cut at a line end so the file stays valid UTF-8 (`head` closing the pipe
# early is expected, hence no pipefail here).
set +o pipefail
find "$corpus" -name '*.txt' -print0 | sort -z | xargs -0 cat \
  2>/dev/null | head -c "$((mb * 1000 * 1000))" | sed '$d' >"$tmp/archive/big.txt"
set -o pipefail
bytes=$(stat -c %s "$tmp/archive/big.txt")
/usr/bin/time -v target/release/plansearch index "$tmp/archive" --index "$tmp/index" --json \
  >"$tmp/report.json" 2>"$tmp/time"
rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tmp/time")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time")
passages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["passages"])' "$tmp/report.json")
echo "one text file of $((bytes / 1000000)) MB: $passages passages, wall $wall, peak RSS $rss MB"
