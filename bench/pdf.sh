#!/usr/bin/env bash
# PDF extraction and indexing speed on real municipal PDFs (../shared/pdf):
# pages per second of extraction, and the wall time and peak memory of
# indexing the 612-page budget book on this machine. Figures go to
# bench/results/pdf.md. Read-only input: the PDFs are linked into a temp
# archive, never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
book="$shared/pdf/fuji_r6-budget.pdf"
[ -f "$book" ] || { echo "bench/pdf.sh: $book not found" >&2; exit 1; }
command -v pdftotext >/dev/null || { echo "apt-get install -y poppler-utils poppler-data" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "apt-get install -y time" >&2; exit 1; }
cargo build --release -q
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/book" "$tmp/all"
cp "$book" "$tmp/book/"
cp "$shared"/pdf/*.pdf "$tmp/all/"
pages=$(pdfinfo "$book" | awk '/^Pages:/ {print $2}')

run() { # name dir → "wall_s peak_rss_mb documents passages"
  local out
  out=$(/usr/bin/time -v target/release/plansearch index "$2" --index "$tmp/idx-$1" --json 2>"$tmp/time-$1")
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$tmp/time-$1")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tmp/time-$1")
  echo "$wall $rss $(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["documents"], r["passages"])')"
}

t0=$(date +%s.%N)
pdftotext -raw -enc UTF-8 "$book" - > /dev/null
t1=$(date +%s.%N)
raw=$(echo "$t1 - $t0" | bc -l)
read -r wall rss docs passages < <(run book "$tmp/book")
read -r wall_all rss_all docs_all passages_all < <(run all "$tmp/all")
{
  echo "# PDF extraction and indexing ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| measure | figure |"
  echo "|---|---:|"
  printf "| pdftotext alone, %s pages (s) | %.2f |\n" "$pages" "$raw"
  printf "| index the %s-page budget book: wall (s) | %.2f |\n" "$pages" "$wall"
  printf "| … pages per second, extraction + repair + analysis + index | %.0f |\n" "$(echo "$pages / $wall" | bc -l)"
  printf "| … peak RSS (MB) | %s |\n" "$rss"
  printf "| … passages | %s |\n" "$passages"
  printf "| index all %s PDFs of ../shared/pdf: wall (s) / peak RSS (MB) | %.2f / %s |\n" "$docs_all" "$wall_all" "$rss_all"
} | tee bench/results/pdf.md
