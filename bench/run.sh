#!/usr/bin/env bash
# One-command benchmark: plansearch vs Groonga 13 on the same machine.
#   bench/run.sh [CORPUS_DIR] [bench.py options...]     e.g. bench/run.sh ../shared/bench/kiryu --scaling
# CORPUS_DIR defaults to ../shared/bench/kiryu relative to the repo root. Results: bench/results/latest.{md,json}
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

corpus="$repo/../shared/bench/kiryu"
if [[ $# -gt 0 && "$1" != -* ]]; then
  corpus="$1"
  shift
elif [[ ! -d "$corpus" ]]; then
  # in a git worktree, ../shared sits beside the main checkout
  common="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
  if [[ -n "$common" && -d "$(dirname "$common")/../shared/bench/kiryu" ]]; then
    corpus="$(cd "$(dirname "$common")/../shared/bench/kiryu" && pwd)"
  fi
fi

py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1; then py="$cand"; break; fi
done
if [[ -z "$py" ]]; then
  echo "run.sh: python3 (3.11) not found" >&2
  exit 2
fi
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || echo "run.sh: warning: $("$py" --version 2>&1) found, the script targets Python 3.11" >&2

missing=()
command -v groonga >/dev/null 2>&1 || missing+=(groonga-bin groonga-tokenizer-mecab)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run.sh: missing tools; install with: apt-get install -y ${missing[*]}" >&2
  echo "run.sh: (bench.py installs 'time' itself when run as root; Groonga/wrk parts are skipped if absent)" >&2
fi

exec "$py" "$here/bench.py" --corpus "$corpus" "$@"
