#!/usr/bin/env python3
"""Worst-case cost of each endpoint on a running server (#21): every route that
takes a query over the benchmark queries, the synonym members and a few words
known to be expensive (verbs and kana readings whose rows are all highlighted),
and the document routes over the largest documents. Prints one table: per
route, requests, p50, max (wall, client side) and the slowest request.

Usage: bench/worst_case.py BASE_URL [--limit-words N]
Start the server first, e.g. target/release/plansearch serve --index IDX --addr 127.0.0.1:18080"""
import argparse
import json
import pathlib
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXPENSIVE = ["出る", "オモウ", "思う", "する", "子ども", "こども", "予算", "市長", "委員会", "議員",
             "公民館 図書館 学校 道路 予算 福祉 教育 防災 観光 農業 商業 工業 環境 交通 医療 介護"]


def fetch(base, path):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return time.perf_counter() - started, status, body


def words(limit):
    out = []
    for line in (ROOT / "bench/queries.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) > 1 and cols[1].strip():
            out.append(cols[1].strip())
    for line in (ROOT / "data/synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.extend(m.strip() for m in line.split(",") if m.strip())
    seen, uniq = set(), []
    for w in EXPENSIVE + out:
        if w not in seen:
            seen.add(w)
            uniq.append(w)
    return uniq[:limit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--limit-words", type=int, default=400)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    docs = json.loads(fetch(base, "/api/documents?limit=1000")[2])["documents"]
    biggest = sorted(docs, key=lambda d: -int(d.get("sections") or 0))[:3]
    routes = {}

    def run(route, path):
        took, status, _ = fetch(base, path)
        routes.setdefault(route, []).append((took, status, path))

    for w in words(args.limit_words):
        q = urllib.parse.quote(w)
        run("/api/search", f"/api/search?q={q}")
        run("/api/search (bare)", f"/api/search?q={q}&facets=false&snippets=false")
        run("/api/search.csv (10,000 rows)", f"/api/search.csv?q={q}")
        run("/api/trend", f"/api/trend?q={q}")
        run("/api/compare", f"/api/compare?q={q}")
        run("/api/figures?q=", f"/api/figures?q={q}")
        run("/api/suggest", f"/api/suggest?prefix={urllib.parse.quote(w[:2])}")
    for d in biggest:
        doc = urllib.parse.quote(d["doc_id"])
        run("/api/documents/{id}", f"/api/documents/{doc}")
        run("/api/documents/{id}/original", f"/api/documents/{doc}/original")
        run("/api/documents/{id}/marks", f"/api/documents/{doc}/marks?q={urllib.parse.quote('予算')}")
        detail = json.loads(fetch(base, f"/api/documents/{doc}?sections_limit=50")[2])
        secs = detail.get("sections") or []
        for s in secs[:: max(1, len(secs) // 5)][:5]:
            sid = urllib.parse.quote(s["section_id"])
            run("/api/sections/{id}/history", f"/api/sections/{sid}/history")
            run("/api/similar/{id}", f"/api/similar/{sid}")
    run("/api/archive", "/api/archive")
    print("| route | requests | p50 (ms) | max (ms) | 5xx | slowest |")
    print("|---|---:|---:|---:|---:|---|")
    for route, rows in routes.items():
        times = sorted(r[0] for r in rows)
        worst = max(rows, key=lambda r: r[0])
        errors = sum(1 for r in rows if r[1] >= 500)
        print(f"| {route} | {len(rows)} | {statistics.median(times) * 1000:.1f} | {worst[0] * 1000:.0f} | "
              f"{errors} | `{urllib.parse.unquote(worst[2])[:70]}` |")


if __name__ == "__main__":
    main()
