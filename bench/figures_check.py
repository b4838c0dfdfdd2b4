#!/usr/bin/env python3
"""Figures of real PDFs, drawn at random for a check by hand (issue #26).

Indexes the PDFs of a folder (default ../shared/pdf) into a temp index with
the debug or release binary, serves it on 127.0.0.1, reads every document's
figures from /api/figures, and prints a seeded random sample (seed 2026, 50
figures): value, unit, label, page, the sentence, and the lines of that page
as `pdftotext -layout` prints them that hold the number — what a person
compares the figure with. The PDFs are copied into the temp folder only.

Draw: each PDF gets an equal share of the sample; a PDF with fewer figures
gives all it has and the rest goes to the PDFs with more. Within a PDF the
figures whose (seed, page, value, unit) hash lowest are taken, so the
sample stays the same when labels change.

    bench/figures_check.py                      # ../shared/pdf, 50 figures, seed 2026
    bench/figures_check.py --dir ../shared/real # another folder (a held-out look)
    bench/figures_check.py --json               # the sample as JSON lines
"""

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    for profile in ("debug", "release"):
        path = os.path.join(ROOT, "target", profile, "plansearch")
        if os.access(path, os.X_OK):
            return path
    sys.exit("build plansearch first: cargo build")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return json.load(r)


def draw(by_doc, n, seed):
    """An equal share per document; leftover shares to the larger ones.

    Within a document the figures with the lowest keyed hash are taken (key:
    seed, page, value, unit and the how-manieth such figure it is), so a
    change to labels or to other figures leaves the sample as it was."""
    def key(f, seen):
        k = (f["file"], f.get("page"), f["value"], f["unit"])
        seen[k] = seen.get(k, 0) + 1
        return hashlib.sha256(repr((seed,) + k + (seen[k],)).encode()).hexdigest()

    docs = sorted(by_doc, key=lambda d: (len(by_doc[d]), d))
    out = []
    left = n
    for i, d in enumerate(docs):
        share = left // (len(docs) - i)
        seen = {}
        keyed = [(key(f, seen), f) for f in by_doc[d]]
        take = [f for _, f in sorted(keyed, key=lambda x: x[0])[:share]]
        take.sort(key=lambda f: f["n"])
        out.extend(take)
        left -= len(take)
    return out


def layout_page(pdf, page, cache={}):
    key = (pdf, page)
    if key not in cache:
        text = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), pdf, "-"],
            capture_output=True, text=True, check=False,
        ).stdout
        cache[key] = unicodedata.normalize("NFKC", text).splitlines()
    return cache[key]


def printed_forms(value, unit):
    """How the figure's number may be printed on the page."""
    forms = []
    v = abs(value)
    for div in ((1, 1000, 10000) if unit == "円" else (1,)):
        x = v / div
        if x == int(x) and x >= 1:
            forms.append(f"{int(x):,}")
            forms.append(str(int(x)))
    if v != int(v):
        forms.append(str(v))
    return forms


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=os.path.join(ROOT, "..", "shared", "pdf"))
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    exe = binary()
    tmp = tempfile.mkdtemp(prefix="figures-check-")
    server = None
    try:
        archive = os.path.join(tmp, "archive")
        os.mkdir(archive)
        pdfs = {}
        for name in sorted(os.listdir(args.dir)):
            if name.lower().endswith(".pdf"):
                shutil.copy(os.path.join(args.dir, name), archive)
                pdfs[name] = os.path.join(args.dir, name)
        index = os.path.join(tmp, "index")
        subprocess.run([exe, "index", archive, "--index", index], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen([exe, "serve", "--index", index, "--addr", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                get(base, "/healthz")
                break
            except Exception:
                time.sleep(0.1)
        docs = get(base, "/api/documents?limit=100")["documents"]
        by_doc = {}
        for d in sorted(docs, key=lambda d: d["file"]):
            name = d["file"].rsplit("/", 1)[-1]
            figs = get(base, "/api/figures?doc_id=" + urllib.parse.quote(d["doc_id"]))["figures"]
            for i, f in enumerate(figs):
                f["file"] = name
                f["n"] = i
            if figs:
                by_doc[name] = figs
        sample = draw(by_doc, args.n, args.seed)
        counts = {d: sum(1 for f in sample if f["file"] == d) for d in by_doc}
        if not args.json:
            print(f"# {len(sample)} figures, seed {args.seed}: "
                  + ", ".join(f"{d} {c} of {len(by_doc[d])}" for d, c in counts.items()))
        for k, f in enumerate(sample, 1):
            lines = []
            if f.get("page"):
                forms = printed_forms(f["value"], f["unit"])
                lines = [l.rstrip() for l in layout_page(pdfs[f["file"]], f["page"])
                         if any(form in l for form in forms)][:3]
            row = {
                "k": k, "file": f["file"], "page": f.get("page"), "value": f["value"],
                "unit": f["unit"], "label": f["label"], "column": f.get("column"),
                "context": f["context"][:120], "layout": lines,
            }
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
                continue
            col = f" [{row['column']}]" if row["column"] else ""
            print(f"\n{k:2}. {row['file']} p.{row['page']}  {row['value']:,.10g} {row['unit']}"
                  f"  label「{row['label']}」{col}")
            print(f"    context: {row['context']}")
            for l in lines:
                print(f"    layout : {' '.join(l.split())[:160]}")
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
