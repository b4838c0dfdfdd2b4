#!/usr/bin/env python3
"""plansearch vs Groonga 13: one-run, same-machine benchmark.

Stdlib only (Python 3.11). See bench/README.md. Usage (normally via bench/run.sh):

    python3 bench/bench.py [--corpus DIR] [--scaling] [--no-build] ...

Phases (each guarded: a failure on one side is reported and the other side still runs):
  1. plansearch: cargo build --release, `plansearch dict-info`, `plansearch index CORPUS --index TMP/ps-index`
  2. groonga: schema + `load --table Docs` streamed through `groonga -n DB` stdin, index columns created
     after load (static index construction)
  3. serve each system in turn (never both at once): start -> first answered query, sequential latency
     (warm-up pass + measured pass, keep-alive http.client), wrk at 2/8/32 connections, serving RSS
  4. one markdown table (+ JSON) in bench/results/latest.{md,json}
  --scaling: index time + MB/s on 1/4, 1/2, 1x and 4x corpora (temp copies in TMP)
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from pathlib import Path

MB = 1_000_000  # all sizes / throughputs in MB = 10^6 bytes
HTTP_TIMEOUT = 30.0  # seconds, every HTTP call
GROONGA_APT = "apt-get install -y groonga-bin groonga-tokenizer-mecab"
# Nx corpora: the real name first, then invented ones (no such municipalities)
FAKE_CITIES = ["桐生市", "北桐市", "渡良瀬市", "赤城野市", "梅田野市", "黒保根原市", "新里丘市", "川内台市",
               "菱ヶ岳市", "広沢野市", "相生原市", "境野台市", "天神丘市", "錦桜市", "松原沢市", "東雲野市"]


# --------------------------------------------------------------------------------------------- utils


CHILDREN: set[subprocess.Popen] = set()  # live children (own process groups), killed in main()'s finally


def kill_children() -> None:
    for proc in list(CHILDREN):
        # each child leads its own process group (start_new_session); /usr/bin/time's child is in it too
        log(f"killing leftover child pid {proc.pid} ({proc.args[0] if proc.args else '?'}) and its group")
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except OSError:
                break
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.2)
        CHILDREN.discard(proc)


def log(msg: str) -> None:
    ts = _dt.datetime.now().strftime("%H:%M:%S")
    print(f"[bench {ts}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> list[float] | None:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return None


def tail(path: Path, n: int = 15) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def disk_usage(path: Path) -> dict:
    """du-like: bytes actually allocated (st_blocks*512) and apparent size; hard links counted once."""
    seen: set[tuple[int, int]] = set()
    used = apparent = 0
    files = 0
    if path.is_file():
        st = path.stat()
        return {"bytes": st.st_blocks * 512, "apparent_bytes": st.st_size, "files": 1}
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            used += st.st_blocks * 512
            apparent += st.st_size
            files += 1
    return {"bytes": used, "apparent_bytes": apparent, "files": files}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024  # kB -> bytes
    except OSError:
        pass
    return out


def proc_cpu_s(pid: int) -> float | None:
    """user+sys CPU seconds of a process (all threads) from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, math.ceil(p / 100.0 * len(v)) - 1))
    return v[k]


def stop_process(proc: subprocess.Popen | None, name: str) -> None:
    if proc is None or proc.poll() is not None:
        return
    log(f"stopping {name} (pid {proc.pid})")
    try:
        proc.terminate()
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log(f"WARNING: {name} pid {proc.pid} did not die")
    except OSError:
        pass


def time_bin() -> str | None:
    """/usr/bin/time (GNU) for peak RSS; install it if missing and root; None -> fall back to wait4."""
    if os.path.exists("/usr/bin/time"):
        return "/usr/bin/time"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("/usr/bin/time missing: apt-get install -y time")
        r = subprocess.run(["apt-get", "install", "-y", "time"], capture_output=True, timeout=300)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True, timeout=300)
            subprocess.run(["apt-get", "install", "-y", "time"], capture_output=True, timeout=300)
        if os.path.exists("/usr/bin/time"):
            return "/usr/bin/time"
    log("WARNING: /usr/bin/time not available (apt-get install -y time); peak RSS via wait4() instead")
    return None


def parse_time_v(path: Path) -> dict:
    out = {}
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return out
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["peak_rss_bytes"] = int(m.group(1)) * 1024
    m = re.search(r"Exit status: (\d+)", text)
    if m:
        out["exit_status"] = int(m.group(1))
    m = re.search(r"User time \(seconds\): ([\d.]+)", text)
    if m:
        out["user_s"] = float(m.group(1))
    m = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if m:
        out["sys_s"] = float(m.group(1))
    m = re.search(r"Command terminated by signal (\d+)", text)
    if m:
        out["signal"] = int(m.group(1))
    return out


class Measured:
    """Run a command under /usr/bin/time -v (or wait4), wall time by perf_counter, bounded by timeout."""

    def __init__(self, tmp: Path, tag: str):
        self.tmp = tmp
        self.tag = tag
        self.timefile = tmp / f"{tag}.time.txt"
        self.logfile = tmp / f"{tag}.log"

    def popen(self, cmd: list[str], stdin=None, stdout=None, cwd=None, env=None) -> subprocess.Popen:
        tb = time_bin()
        full = ([tb, "-v", "-o", str(self.timefile)] if tb else []) + cmd
        self.used_time_bin = tb is not None
        self._log_fh = open(self.logfile, "wb")
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            full, stdin=stdin, stdout=stdout if stdout is not None else self._log_fh,
            stderr=self._log_fh, cwd=cwd, env=env, start_new_session=True)
        CHILDREN.add(self.proc)
        return self.proc

    def wait(self, timeout: float) -> dict:
        proc = self.proc
        rusage = None
        deadline = time.monotonic() + timeout
        timed_out = False
        while True:
            try:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = proc.pid, 0
                break
            if pid != 0:
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    proc.kill()
                pid, status, rusage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - self.t0
        CHILDREN.discard(proc)
        self._log_fh.close()
        res = {"wall_s": wall, "returncode": proc.returncode, "timed_out": timed_out, "log": str(self.logfile)}
        if self.used_time_bin:
            tv = parse_time_v(self.timefile)
            res.update(tv)
            if "exit_status" in tv:
                res["returncode"] = tv["exit_status"]
            if "signal" in tv:
                res["returncode"] = -tv["signal"]
        elif rusage is not None:
            res["peak_rss_bytes"] = rusage.ru_maxrss * 1024
            res["user_s"], res["sys_s"] = rusage.ru_utime, rusage.ru_stime
        if timed_out:
            res["returncode"] = "timeout"
        return res

    def run(self, cmd: list[str], timeout: float, cwd=None) -> dict:
        self.popen(cmd, stdin=subprocess.DEVNULL, cwd=cwd)
        return self.wait(timeout)


# -------------------------------------------------------------------------------------------- corpus


def read_manifest(corpus: Path) -> dict[str, dict]:
    mpath = corpus / "manifest.csv"
    if not mpath.exists():
        return {}
    with open(mpath, newline="", encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.txt") if p.is_file())


def corpus_stats(corpus: Path) -> dict:
    files = corpus_files(corpus)
    return {"path": str(corpus), "files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def warm_page_cache(corpus: Path) -> float:
    t0 = time.perf_counter()
    for p in corpus_files(corpus):
        with open(p, "rb") as fh:
            while fh.read(1 << 20):
                pass
    return time.perf_counter() - t0


def make_scaled_corpora(src: Path, dest: Path) -> list[tuple[str, Path]]:
    """1/4 and 1/2 (every 4th / 2nd file by sorted path), 1x (original dir), 4x (4 copies, 4 city names)."""
    manifest = read_manifest(src)
    fields = ["path", "city", "prefecture", "year", "department", "title", "doc_type", "source_url"]
    rels = sorted(str(p.relative_to(src)) for p in corpus_files(src))
    out = []

    def write_manifest(root: Path, rows: list[dict]):
        with open(root / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)

    for label, step in (("1/4", 4), ("1/2", 2)):
        root = dest / f"scale-{step}"
        rows = []
        for rel in rels[::step]:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, root / rel)
            if rel in manifest:
                rows.append(manifest[rel])
        write_manifest(root, rows)
        out.append((label, root))
    out.append(("1x", src))
    out.append(("4x", make_multiplied_corpus(src, dest / "scale-x4", 4)))
    return out


def city_names(n: int) -> list[str]:
    names = list(FAKE_CITIES[:n])
    while len(names) < n:  # beyond the list: numbered invented names
        names.append(f"架空{len(names) + 1}市")
    return names


def make_multiplied_corpus(src: Path, root: Path, n: int) -> Path:
    """n copies of the corpus in c1/…cN/, each under another city name (c1 keeps the real one).
    Files are hard links when the file system allows (no extra disk), copies otherwise."""
    manifest = read_manifest(src)
    fields = ["path", "city", "prefecture", "year", "department", "title", "doc_type", "source_url"]
    rels = sorted(str(p.relative_to(src)) for p in corpus_files(src))
    rows = []
    for i, city in enumerate(city_names(n)):
        sub = f"c{i + 1}"
        for rel in rels:
            target = root / sub / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src / rel, target)
            except OSError:
                shutil.copyfile(src / rel, target)
            row = dict(manifest.get(rel, {}))
            row["path"] = f"{sub}/{rel}"
            row["city"] = city
            rows.append(row)
    with open(root / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return root


# ----------------------------------------------------------------------------------------- queries


def load_queries(path: Path) -> list[dict]:
    qs = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if i == 0 and parts[0] == "kind":
                continue
            parts += [""] * (4 - len(parts))
            kind, q, yf, yt = (x.strip() for x in parts[:4])
            qs.append({"kind": kind, "q": q, "year_from": int(yf) if yf else None,
                       "year_to": int(yt) if yt else None})
    return qs


def plansearch_path(q: dict, bare: bool = False, endpoint: str = "/api/search") -> str:
    """bare: `facets=false&snippets=false` (top 10 with metadata only, like the Lucene harness)."""
    params = [("q", q["q"])]
    if endpoint == "/api/search":
        params.append(("limit", "10"))
    if q["year_from"] is not None:
        params.append(("year_from", str(q["year_from"])))
    if q["year_to"] is not None:
        params.append(("year_to", str(q["year_to"])))
    if bare:
        params += [("facets", "false"), ("snippets", "false")]
    return endpoint + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def groonga_path(q: dict, opts: argparse.Namespace) -> str:
    enc = urllib.parse.quote
    parts = [
        "table=Docs",
        "match_columns=" + enc(opts.groonga_match_columns, safe=""),
        "query=" + enc(q["q"], safe=""),
        "limit=10",
        "drilldown=city,year",
        "output_columns=" + enc(opts.groonga_output_columns, safe=",()"),
        "command_version=2",
    ]
    if not opts.groonga_plain:
        parts.append("sort_keys=-_score,_key")  # ranked top 10, like a search service
        parts.append("cache=no")  # no query cache: plansearch has none either
    conds = []
    if q["year_from"] is not None:
        conds.append(f"year>={q['year_from']}")
    if q["year_to"] is not None:
        conds.append(f"year<={q['year_to']}")
    if conds:
        parts.append("filter=" + enc(" && ".join(conds), safe=""))
    return "/d/select?" + "&".join(parts)


def plansearch_hits(body: bytes) -> int | None:
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if isinstance(doc, dict):
        for key in ("total", "total_hits", "hits_total", "count", "num_hits"):
            v = doc.get(key)
            if isinstance(v, int):
                return v
            if isinstance(v, dict) and isinstance(v.get("value"), int):
                return v["value"]
    return None


def groonga_check(body: bytes) -> tuple[bool, int | None, str | None]:
    try:
        doc = json.loads(body)
        rc = doc[0][0]
        if rc != 0:
            return False, None, str(doc[0][3:4] or rc)
        return True, int(doc[1][0][0][0]), None
    except (ValueError, IndexError, TypeError, KeyError) as e:
        return False, None, f"unparsable groonga response: {e}"


# ---------------------------------------------------------------------------------------- http client


class Client:
    """Keep-alive HTTP/1.1 client; (re)connects outside the timed region."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _ensure(self):
        if self.conn is None or self.conn.sock is None:
            if self.conn is not None:
                self.conn.close()
                self.reconnects += 1
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
            self.conn.connect()

    def get(self, path: str) -> tuple[int, bytes, float]:
        for attempt in (0, 1):
            self._ensure()
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
                dt = time.perf_counter() - t0
                if resp.will_close:
                    self.conn.close()
                return resp.status, body, dt
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                self.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def wait_ready(proc: subprocess.Popen, port: int, path: str, deadline_s: float) -> float:
    """Poll GET path until 200; returns seconds since call. Raises if process dies or deadline."""
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before becoming ready")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return time.perf_counter() - t0
        except OSError:
            pass
        except http.client.HTTPException:
            pass
        if time.perf_counter() - t0 > deadline_s:
            raise RuntimeError(f"not ready after {deadline_s:.0f} s (GET {path})")
        time.sleep(0.01)


# -------------------------------------------------------------------------------------------- wrk

WRK_LUA = r"""
-- generated by bench/bench.py: rotate through the query URLs; each thread starts at a different offset
local paths = {
%(paths)s
}
local counter = 1
local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end
function init(args)
  counter = ((tid or 0) * 97) %% #paths + 1
end
function request()
  local p = paths[counter]
  counter = counter %% #paths + 1
  return wrk.format("GET", p)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%%.0f,"duration_us":%%.0f,"bytes":%%.0f,' ..
    '"errors":{"connect":%%.0f,"read":%%.0f,"write":%%.0f,"status":%%.0f,"timeout":%%.0f},' ..
    '"latency_us":{"min":%%.1f,"mean":%%.1f,"max":%%.1f,"stdev":%%.1f,"p50":%%.1f,"p90":%%.1f,"p95":%%.1f,"p99":%%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
"""


def write_wrk_lua(path: Path, paths: list[str]) -> None:
    for p in paths:
        assert '"' not in p and "\\" not in p and "\n" not in p, p
    body = ",\n".join(f'  "{p}"' for p in paths)
    path.write_text(WRK_LUA % {"paths": body}, encoding="utf-8")


def run_wrk(port: int, lua: Path, conns: int, duration: int, tmp: Path, tag: str) -> dict:
    threads = max(1, min(conns, os.cpu_count() or 2))
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--timeout", "10s",
           "-s", str(lua), f"http://127.0.0.1:{port}"]
    log(f"  wrk -t{threads} -c{conns} -d{duration}s")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    (tmp / f"wrk-{tag}-c{conns}.out").write_text(r.stdout + "\n--- stderr ---\n" + r.stderr)
    m = re.search(r"^BENCHJSON (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed rc={r.returncode}: {r.stderr.strip()[:300]}")
    d = json.loads(m.group(1))
    d["threads"] = threads
    d["connections"] = conns
    d["rps"] = d["requests"] / (d["duration_us"] / 1e6) if d["duration_us"] else None
    err = d["errors"]
    d["errors_total"] = sum(err.values())
    return d


# -------------------------------------------------------------------------------------- serving bench


def sequential_pass(client: "Client", proc: subprocess.Popen, paths: list[str], queries: list[dict],
                    validate) -> tuple[dict, list[dict]]:
    """Warm-up pass, then each query once (timed on the client); server CPU per query."""
    for p in paths:
        client.get(p)
    per_query, bad = [], []
    cpu0 = proc_cpu_s(proc.pid)
    for q, p in zip(queries, paths):
        status, body, dt = client.get(p)
        ok, hits, err = validate(status, body)
        per_query.append({"kind": q["kind"], "q": q["q"], "year_from": q["year_from"],
                          "year_to": q["year_to"], "ms": dt * 1000, "status": status,
                          "ok": ok, "hits": hits, "bytes": len(body)})
        if not ok:
            bad.append(f"{q['q']!r}: HTTP {status} {err or ''}".strip())
    cpu1 = proc_cpu_s(proc.pid)
    lat = [r["ms"] for r in per_query]
    summary = {
        "n": len(lat), "errors": len(bad), "error_samples": bad[:5],
        "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "p99_ms": percentile(lat, 99),
        "mean_ms": statistics.fmean(lat) if lat else None, "max_ms": max(lat) if lat else None,
        "server_cpu_ms_per_query": (cpu1 - cpu0) * 1000 / len(paths)
        if cpu0 is not None and cpu1 is not None and paths else None,
        "slowest": sorted(({"q": r["q"], "kind": r["kind"], "ms": r["ms"], "hits": r["hits"]}
                           for r in per_query), key=lambda r: -r["ms"])[:10],
    }
    return summary, per_query


def bench_server(name: str, cmd: list[str], ready_path: str, paths: list[str], queries: list[dict],
                 validate, opts, tmp: Path, result: dict, variants: dict | None = None) -> None:
    """variants: extra sequential passes {label: paths} (e.g. plansearch bare, trend), after the main one."""
    """Start server, measure start->first answer, sequential latency, wrk, RSS. Always stops it."""
    port = int(cmd[-1].rsplit(":", 1)[-1]) if name == "plansearch" else int(cmd[cmd.index("-p") + 1])
    logf = open(tmp / f"{name}-serve.log", "wb")
    proc = None
    srv: dict = {}
    result["serve"] = srv
    try:
        log(f"{name}: starting server: {' '.join(cmd)}")
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                start_new_session=True)
        CHILDREN.add(proc)
        srv["pid"] = proc.pid
        srv["ready_s"] = wait_ready(proc, port, ready_path, opts.ready_timeout)
        client = Client(port)
        # first answered query
        while True:
            status, body, _ = client.get(paths[0])
            if status == 200:
                break
            if time.perf_counter() - t0 > opts.ready_timeout:
                raise RuntimeError(f"first query never answered 200 (last status {status})")
            time.sleep(0.01)
        srv["start_to_first_answer_s"] = time.perf_counter() - t0
        st = proc_status(proc.pid)
        srv["rss_idle_bytes"] = st.get("VmRSS")

        # sequential: warm-up pass, then measured pass (each query once)
        log(f"{name}: sequential warm-up and measured pass ({len(paths)} queries)")
        srv["sequential"], per_query = sequential_pass(client, proc, paths, queries, validate)
        bad = srv["sequential"]["error_samples"]
        srv["reconnects"] = client.reconnects
        client.close()
        srv["sequential"]["by_kind"] = {}
        for kind in sorted({r["kind"] for r in per_query}):
            kl = [r["ms"] for r in per_query if r["kind"] == kind]
            srv["sequential"]["by_kind"][kind] = {
                "n": len(kl), "p50_ms": percentile(kl, 50), "p95_ms": percentile(kl, 95),
                "max_ms": max(kl)}
        srv["per_query"] = per_query
        if bad:
            log(f"{name}: {srv['sequential']['errors']} sequential queries failed, e.g. {bad[0]}")
        for label, vpaths in (variants or {}).items():
            log(f"{name}: sequential pass '{label}' ({len(vpaths)} queries)")
            client = Client(port)
            summary, vq = sequential_pass(client, proc, vpaths, queries, validate)
            client.close()
            srv.setdefault("variants", {})[label] = summary
            srv.setdefault("variants_per_query", {})[label] = [
                {"q": r["q"], "kind": r["kind"], "ms": r["ms"], "hits": r["hits"]} for r in vq]
            log(f"  -> p50 {fmt(summary['p50_ms'], 2)} ms, p99 {fmt(summary['p99_ms'], 2)} ms, "
                f"errors {summary['errors']}")

        # concurrency
        srv["wrk"] = {}
        if shutil.which("wrk") and not opts.no_wrk:
            lua = tmp / f"wrk-{name}.lua"
            write_wrk_lua(lua, paths)
            for c in opts.conns:
                try:
                    cpu0 = proc_cpu_s(proc.pid)
                    srv["wrk"][str(c)] = w = run_wrk(port, lua, c, opts.wrk_duration, tmp, name)
                    cpu1 = proc_cpu_s(proc.pid)
                    if cpu0 is not None and cpu1 is not None and w["requests"]:
                        w["server_cpu_ms_per_request"] = (cpu1 - cpu0) * 1000 / w["requests"]
                    log(f"  -> {w['rps']:.1f} req/s, p50 {w['latency_us']['p50'] / 1000:.1f} ms, "
                        f"p99 {w['latency_us']['p99'] / 1000:.1f} ms, errors {w['errors_total']}")
                except Exception as e:  # noqa: BLE001
                    srv["wrk"][str(c)] = {"error": str(e)}
                    log(f"  wrk c={c} failed: {e}")
                if proc.poll() is not None:
                    raise RuntimeError(f"server died during wrk (code {proc.returncode})")
        elif not opts.no_wrk:
            srv["wrk_error"] = "wrk not installed (apt-get install -y wrk)"
        st = proc_status(proc.pid)
        srv["rss_after_load_bytes"] = st.get("VmRSS")
        srv["rss_peak_bytes"] = st.get("VmHWM")
    except Exception as e:  # noqa: BLE001
        srv["error"] = f"{type(e).__name__}: {e}"
        srv["log_tail"] = tail(tmp / f"{name}-serve.log")
        log(f"{name}: serving benchmark failed: {e}")
    finally:
        stop_process(proc, f"{name} server")
        CHILDREN.discard(proc)
        logf.close()


# ----------------------------------------------------------------------------------------- plansearch


def ps_build_binary(opts, tmp: Path, res: dict) -> Path | None:
    binp = Path(opts.plansearch_bin) if opts.plansearch_bin else opts.repo / "target/release/plansearch"
    if not opts.no_build and not opts.plansearch_bin:
        if not shutil.which("cargo"):
            res["errors"].append("cargo not found")
            return None
        log("plansearch: cargo build --release (log: cargo-build.log)")
        t0 = time.perf_counter()
        with open(tmp / "cargo-build.log", "wb") as fh:
            try:
                r = subprocess.run(["cargo", "build", "--release"], cwd=opts.repo, stdout=fh, stderr=fh,
                                   timeout=opts.build_timeout)
                rc = r.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        res["cargo_build_s"] = time.perf_counter() - t0
        if rc != 0:
            res["errors"].append(f"cargo build --release failed (rc={rc}):\n{tail(tmp / 'cargo-build.log', 20)}")
            return None
    if not binp.exists() or not os.access(binp, os.X_OK):
        res["errors"].append(f"binary not found or not executable: {binp}")
        return None
    try:
        v = subprocess.run([str(binp), "--version"], capture_output=True, text=True, timeout=30)
        if v.returncode == 0:
            res["version"] = v.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return binp


def ps_dict_info(binp: Path, res: dict) -> None:
    try:
        r = subprocess.run([str(binp), "dict-info"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        res["dict_load_ms"] = None
        res["dict_info_note"] = f"dict-info failed: {e}"
        return
    info = None
    for cand in [r.stdout] + r.stdout.splitlines()[::-1]:
        try:
            obj = json.loads(cand)
        except ValueError:
            continue
        if isinstance(obj, dict) and "load_ms" in obj:
            info = obj
            break
    if r.returncode == 0 and info is not None:
        res["dict_info"] = info
        res["dict_load_ms"] = info["load_ms"]
    else:
        res["dict_load_ms"] = None
        res["dict_info_note"] = f"n/a (dict-info rc={r.returncode}: {(r.stderr or r.stdout).strip()[:200]})"


def ps_index(binp: Path, corpus: Path, index_dir: Path, tmp: Path, tag: str, timeout: float,
             extra: list[str] | None = None) -> dict:
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    m = Measured(tmp, tag)
    cmd = [str(binp), "index", str(corpus), "--index", str(index_dir)] + (extra or [])
    log(f"plansearch: {' '.join(cmd)}")
    r = m.run(cmd, timeout=timeout)
    r["cmd"] = cmd
    if r["returncode"] != 0:
        r["error"] = f"plansearch index failed (rc={r['returncode']}):\n{tail(m.logfile, 20)}"
    elif not index_dir.exists():
        r["error"] = f"plansearch index exited 0 but {index_dir} does not exist"
    else:
        r["size"] = disk_usage(index_dir)
    return r


# --------------------------------------------------------------------------------------- lucene


LUCENE_PYPI = "pyserini==1.6.0"  # its sdist carries the Anserini fat jar (Lucene 9.9 + kuromoji)
LUCENE_JAR = "anserini-1.7.1-fatjar.jar"
LUCENE_JAR_MEMBER = "pyserini-1.6.0/pyserini/resources/jars/" + LUCENE_JAR
JAVA_HINT = ("Java ≥ 21 not found: install a JDK 21+ (these machines have "
             "/usr/lib/jvm/temurin-25-jdk-amd64; otherwise e.g. apt-get install -y openjdk-21-jdk-headless "
             "or Temurin 21/25), or point JAVA=/path/to/bin/java at one; --skip-lucene skips this column")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plansearch-bench"


def java_major(java: str) -> int | None:
    try:
        r = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', r.stderr + r.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def find_java(opts) -> tuple[str | None, str]:
    cands = []
    if opts.java:
        cands.append(opts.java)
    if os.environ.get("JAVA"):
        cands.append(os.environ["JAVA"])
    cands.append("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    cands += sorted((str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java")), reverse=True) \
        if Path("/usr/lib/jvm").is_dir() else []
    if shutil.which("java"):
        cands.append(shutil.which("java"))
    seen = []
    for c in cands:
        if c in seen or not os.access(c, os.X_OK):
            continue
        seen.append(c)
        v = java_major(c)
        if v is not None and v >= 21:
            return c, f"{c} (Java {v})"
    return None, JAVA_HINT + (f" (found only: {', '.join(seen)})" if seen else "")


def lucene_jar(tmp: Path) -> tuple[Path | None, str | None]:
    """The Anserini fat jar, from the cache or pip-downloaded once (pyserini 1.6.0 sdist) into it."""
    jar = cache_dir() / LUCENE_JAR
    if jar.exists() and jar.stat().st_size > 1_000_000:
        return jar, None
    jar.parent.mkdir(parents=True, exist_ok=True)
    dl = tmp / "pyserini-dl"
    log(f"lucene: {jar} not cached: pip download {LUCENE_PYPI} (165 MB, once)")
    r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python",
                        "-d", str(dl), LUCENE_PYPI], capture_output=True, text=True, timeout=1800)
    sdists = list(dl.glob("pyserini-1.6.0*.tar.gz"))
    if r.returncode != 0 or not sdists:
        return None, f"pip download {LUCENE_PYPI} failed (rc={r.returncode}): {(r.stderr or r.stdout)[-300:]}"
    import tarfile
    with tarfile.open(sdists[0]) as tf:
        member = tf.getmember(LUCENE_JAR_MEMBER)
        src = tf.extractfile(member)
        part = jar.with_suffix(".part")
        with open(part, "wb") as fh:
            shutil.copyfileobj(src, fh)
        part.rename(jar)
    shutil.rmtree(dl, ignore_errors=True)
    return jar, None


def lucene_run(corpus: Path, queries: list[dict], opts, tmp: Path, tag: str = "lucene",
               timeout: float | None = None) -> dict:
    """Build + query with ../shared/bench/lucene/LuceneJa.java (run in place, source-file mode)."""
    res: dict = {"errors": []}
    harness = opts.lucene_harness
    if not harness.exists():
        res["errors"].append(f"harness not found: {harness} (pass --lucene-harness)")
        return res
    java, note = find_java(opts)
    if not java:
        res["errors"].append(note)
        return res
    res["java"] = note
    jar, err = lucene_jar(tmp)
    if err:
        res["errors"].append(err)
        return res
    res["jar"] = str(jar)
    qfile = tmp / "lucene-queries.txt"
    qfile.write_text("\n".join(q["q"] for q in queries) + "\n", encoding="utf-8")
    idx = tmp / f"{tag}-index"
    shutil.rmtree(idx, ignore_errors=True)
    m = Measured(tmp, tag)
    cmd = [java, f"-Xmx{opts.lucene_heap}", "-cp", str(jar), str(harness), str(corpus), str(idx), str(qfile),
           str(opts.lucene_threads)]
    log(f"lucene: {' '.join(cmd)}")
    r = m.run(cmd, timeout=timeout or opts.index_timeout)
    r["cmd"] = cmd
    out = m.logfile.read_text(errors="replace")
    mi = re.search(r"lucene_kuromoji index_s=([\d.]+) files=(\d+)", out)
    mq = re.search(r"lucene_kuromoji p50_ms=([\d.]+) p99_ms=([\d.]+) n=(\d+)", out)
    if r["returncode"] != 0 or not mi or not mq:
        res["errors"].append(f"LuceneJa failed (rc={r['returncode']}):\n{tail(m.logfile, 15)}")
    if mi:
        r["index_s"], r["files"] = float(mi.group(1)), int(mi.group(2))
    if mq:
        r["p50_ms"], r["p99_ms"], r["n"] = float(mq.group(1)), float(mq.group(2)), int(mq.group(3))
    if idx.exists():
        r["size"] = disk_usage(idx)
    shutil.rmtree(idx, ignore_errors=True)
    res["run"] = r
    res["threads"] = opts.lucene_threads
    return res

def ps_validate(status, body):
    if status != 200:
        return False, None, body[:200].decode("utf-8", "replace")
    try:
        json.loads(body)
    except ValueError:
        return False, None, "response is not JSON"
    return True, plansearch_hits(body), None


def scale_run(binp: Path, src: Path, n: int, queries: list[dict], opts, tmp: Path) -> dict:
    """--scale N: the corpus N times under N city names; build, unchanged rerun, search + trend latency."""
    root = make_multiplied_corpus(src, tmp / f"scale-{n}x", n)
    st = corpus_stats(root)
    row: dict = {"n": n, "files": st["files"], "bytes": st["bytes"], "cities": city_names(n)}
    idx = tmp / f"ps-index-scale-{n}x"
    try:
        warm_page_cache(root)
        b = ps_index(binp, root, idx, tmp, f"ps-index-scale-{n}x", opts.index_timeout * max(1, n))
        row["build"] = b
        if b.get("error"):
            return row
        b["mb_per_s"] = st["bytes"] / MB / b["wall_s"]
        log(f"scale {n}x: built in {b['wall_s']:.1f} s, peak RSS {b.get('peak_rss_bytes', 0) / MB:.0f} MB, "
            f"size {b['size']['bytes'] / MB:.0f} MB")
        m = Measured(tmp, f"ps-rerun-scale-{n}x")  # nothing changed: the rerun should only compare hashes
        rr = m.run([str(binp), "index", str(root), "--index", str(idx)], timeout=opts.index_timeout)
        if rr["returncode"] != 0:
            rr["error"] = f"rerun failed (rc={rr['returncode']}): {tail(m.logfile, 5)}"
        row["rerun"] = rr
        log(f"scale {n}x: unchanged rerun {rr['wall_s']:.2f} s")
        port = free_port()
        cmd = [str(binp), "serve", "--index", str(idx), "--addr", f"127.0.0.1:{port}"]
        o = argparse.Namespace(**vars(opts))
        o.no_wrk = True
        res: dict = {}
        bench_server("plansearch", cmd, "/healthz", [plansearch_path(q) for q in queries], queries,
                     ps_validate, o, tmp, res,
                     variants={"bare": [plansearch_path(q, bare=True) for q in queries],
                               "trend": [plansearch_path(q, endpoint="/api/trend") for q in queries]})
        srv = res.get("serve") or {}
        row["serve"] = {k: v for k, v in srv.items() if k not in ("per_query", "variants_per_query")}
        if not opts.skip_lucene:
            # The same N copies through Lucene + kuromoji, side by side.
            row["lucene"] = lucene_run(root, queries, opts, tmp, tag=f"lucene-scale-{n}x",
                                       timeout=opts.index_timeout * max(1, n))
            lr = row["lucene"].get("run") or {}
            log(f"scale {n}x: lucene CPU {lr.get('user_s', 0) + lr.get('sys_s', 0):.0f} s, "
                f"size {(lr.get('size') or {}).get('bytes', 0) / MB:.0f} MB, p50 {lr.get('p50_ms')} ms")
    finally:
        shutil.rmtree(idx, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
    return row


# -------------------------------------------------------------------------------------------- groonga


def groonga_available(res: dict) -> bool:
    if not shutil.which("groonga"):
        res["errors"].append(f"groonga not installed: {GROONGA_APT}")
        return False
    try:
        v = subprocess.run(["groonga", "--version"], capture_output=True, text=True, timeout=30)
        res["version"] = v.stdout.splitlines()[0].strip() if v.stdout else "?"
    except (OSError, subprocess.TimeoutExpired) as e:
        res["errors"].append(f"groonga --version failed: {e}")
        return False
    if not res["version"].startswith("Groonga 13"):
        log(f"WARNING: expected Groonga 13, found {res['version']!r}")
    if "mecab" not in res["version"]:
        log(f"WARNING: groonga built without mecab? {res['version']}")
    plugin_ok = any(Path(p).exists() for p in (
        "/usr/lib/x86_64-linux-gnu/groonga/plugins/tokenizers/mecab.so",
        "/usr/lib/aarch64-linux-gnu/groonga/plugins/tokenizers/mecab.so",
        "/usr/lib/groonga/plugins/tokenizers/mecab.so"))
    if not plugin_ok:
        r = subprocess.run(["dpkg", "-s", "groonga-tokenizer-mecab"], capture_output=True, text=True)
        if r.returncode != 0:
            res["errors"].append(f"groonga-tokenizer-mecab not installed: {GROONGA_APT}")
            return False
    return True


GROONGA_SCHEMA = [
    "table_create Docs TABLE_HASH_KEY ShortText",
    "column_create Docs city COLUMN_SCALAR ShortText",
    "column_create Docs year COLUMN_SCALAR Int32",
    "column_create Docs body COLUMN_SCALAR LongText",
    "table_create TermsMecab TABLE_PAT_KEY ShortText --default_tokenizer TokenMecab --normalizer NormalizerNFKC150",
    "table_create TermsBigram TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerNFKC150",
]
GROONGA_INDEXES = [
    "column_create TermsMecab body_index COLUMN_INDEX|WITH_POSITION Docs body",
    "column_create TermsBigram body_index COLUMN_INDEX|WITH_POSITION Docs body",
]


def groonga_build(corpus: Path, db_dir: Path, tmp: Path, tag: str, timeout: float,
                  batch_bytes: int = 8 * MB) -> dict:
    """Schema, load in batches through stdin, then index columns (static construction). One process."""
    if db_dir.exists():
        shutil.rmtree(db_dir)
    db_dir.mkdir(parents=True)
    db = db_dir / "db"
    manifest = read_manifest(corpus)
    files = corpus_files(corpus)
    m = Measured(tmp, tag)
    cmd = ["groonga", "--log-path", str(tmp / f"{tag}.groonga.log"),
           "--query-log-path", str(tmp / f"{tag}.groonga-query.log"), "-n", str(db)]
    log(f"groonga: building {db} from {len(files)} files")
    proc = m.popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def watchdog():  # bounds the streaming phase too (a blocked stdin write would never time out)
        log(f"groonga build exceeded {timeout:.0f} s: killing")
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass

    dog = threading.Timer(timeout, watchdog)
    dog.daemon = True
    dog.start()
    responses: list[str] = []

    def reader():
        for line in proc.stdout:
            responses.append(line.decode("utf-8", "replace").strip())

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    commands: list[str] = []  # label per expected response
    missing_meta = 0
    write_error = None
    try:
        w = proc.stdin
        for c in GROONGA_SCHEMA:
            w.write((c + "\n").encode())
            commands.append(c)
        batch: list[bytes] = []
        size = 0

        def flush():
            nonlocal batch, size
            if not batch:
                return
            w.write(b"load --table Docs\n[\n" + b",\n".join(batch) + b"\n]\n")
            commands.append(f"load ({len(batch)} docs)")
            batch, size = [], 0

        for p in files:
            rel = str(p.relative_to(corpus))
            meta = manifest.get(rel)
            if meta is None:
                missing_meta += 1
                meta = {}
            try:
                year = int(meta.get("year") or 0)
            except ValueError:
                year = 0
            rec = json.dumps({"_key": rel, "city": meta.get("city", ""), "year": year,
                              "body": p.read_text(encoding="utf-8", errors="replace")},
                             ensure_ascii=False).encode("utf-8")
            batch.append(rec)
            size += len(rec)
            if size >= batch_bytes:
                flush()
        flush()
        for c in GROONGA_INDEXES:
            w.write((c + "\n").encode())
            commands.append(c)
        w.close()
    except (BrokenPipeError, OSError) as e:
        write_error = f"writing to groonga stdin failed: {e}"
    try:
        r = m.wait(timeout)
    finally:
        dog.cancel()
    th.join(timeout=10)
    r["cmd"] = cmd
    r["docs"] = len(files)
    r["docs_without_manifest_row"] = missing_meta
    phase = {"schema_s": 0.0, "load_s": 0.0, "index_s": {}}
    errors = []
    loaded = 0
    for label, line in zip(commands, responses):
        try:
            resp = json.loads(line)
            head, body = resp[0], resp[1] if len(resp) > 1 else None
        except (ValueError, IndexError, TypeError):
            errors.append(f"{label}: unparsable response {line[:200]!r}")
            continue
        if head[0] != 0:
            errors.append(f"{label}: rc={head[0]} {head[3:4]}")
        if label.startswith("load"):
            phase["load_s"] += head[2]
            if isinstance(body, int):
                loaded += body
        elif label.startswith("column_create Terms"):
            phase["index_s"][label.split()[1]] = head[2]
        else:
            phase["schema_s"] += head[2]
    if len(responses) < len(commands):
        errors.append(f"only {len(responses)}/{len(commands)} command responses received")
    r["phases"] = phase
    r["loaded"] = loaded
    if write_error:
        errors.append(write_error)
    if r["returncode"] != 0:
        errors.append(f"groonga exited rc={r['returncode']}: {tail(m.logfile, 10)}")
    if loaded != len(files):
        errors.append(f"loaded {loaded} of {len(files)} documents")
    if errors:
        r["error"] = "; ".join(errors)
    r["size"] = disk_usage(db_dir)
    r["db"] = str(db)
    return r


# ------------------------------------------------------------------------------------------- report


def fmt(v, digits=1, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        s = f"{v:,.0f}"
    else:
        s = f"{v:.{digits}f}"
    return s + unit


def cpu_s(d: dict):
    """User + system CPU seconds of a measured run, or None."""
    return d["user_s"] + d.get("sys_s", 0.0) if d.get("user_s") is not None else None


def p50_p99(d: dict | None) -> str:
    """「p50 / p99」 of a latency record (ms), or n/a."""
    return f"{fmt(d.get('p50_ms'), 2)} / {fmt(d.get('p99_ms'), 2)}" if d else "n/a"


def ratio(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str) or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


def g(d: dict, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def metric_rows(R: dict, conns: list[int]) -> list[tuple[str, object, object]]:
    ps, gr = R["plansearch"], R["groonga"]
    cb = R["corpus"]["bytes"]

    def build(s, key):
        b = s.get("build") or {}
        if b.get("error") and key != "log":
            return "error"
        return b.get(key)

    def mbps(s):
        b = s.get("build") or {}
        if b.get("error") or not b.get("wall_s"):
            return None if not b.get("error") else "error"
        return cb / MB / b["wall_s"]

    def cpu(s):
        b = s.get("build") or {}
        if b.get("error"):
            return "error"
        if b.get("user_s") is None:
            return None
        return b["user_s"] + b.get("sys_s", 0.0)

    def mb(v):
        return v / MB if isinstance(v, (int, float)) else v

    def serve(s, *keys, scale=1.0):
        v = g(s, "serve", *keys)
        if v is None and g(s, "serve", "error"):
            return "error"
        return v * scale if isinstance(v, (int, float)) else v

    rows = [
        ("index build wall time (s)", build(ps, "wall_s"), build(gr, "wall_s")),
        ("indexing throughput (MB/s, corpus bytes / wall)", mbps(ps), mbps(gr)),
        ("index build CPU time (user+sys, s)", cpu(ps), cpu(gr)),
        ("peak RSS while indexing (MB)", mb(build(ps, "peak_rss_bytes")), mb(build(gr, "peak_rss_bytes"))),
        ("index size on disk (MB, du)", mb(g(ps, "build", "size", "bytes")), mb(g(gr, "build", "size", "bytes"))),
        ("sequential latency p50 (ms)", serve(ps, "sequential", "p50_ms"), serve(gr, "sequential", "p50_ms")),
        ("sequential latency p95 (ms)", serve(ps, "sequential", "p95_ms"), serve(gr, "sequential", "p95_ms")),
        ("sequential latency p99 (ms)", serve(ps, "sequential", "p99_ms"), serve(gr, "sequential", "p99_ms")),
        ("server CPU per query, sequential pass (ms, /proc/PID/stat)",
         serve(ps, "sequential", "server_cpu_ms_per_query"), serve(gr, "sequential", "server_cpu_ms_per_query")),
    ]
    for c in conns:
        rows.append((f"wrk {c} conns: requests/s", serve(ps, "wrk", str(c), "rps"), serve(gr, "wrk", str(c), "rps")))
        rows.append((f"wrk {c} conns: latency p50 / p99 (ms)",
                     (serve(ps, "wrk", str(c), "latency_us", "p50", scale=1e-3),
                      serve(ps, "wrk", str(c), "latency_us", "p99", scale=1e-3)),
                     (serve(gr, "wrk", str(c), "latency_us", "p50", scale=1e-3),
                      serve(gr, "wrk", str(c), "latency_us", "p99", scale=1e-3))))
    rows += [
        ("serving RSS after load (MB, VmRSS)", mb(serve(ps, "rss_after_load_bytes")), mb(serve(gr, "rss_after_load_bytes"))),
        ("process start → first answered query (ms)", serve(ps, "start_to_first_answer_s", scale=1000),
         serve(gr, "start_to_first_answer_s", scale=1000)),
        ("dictionary load (ms, `plansearch dict-info`)", ps.get("dict_load_ms"), "n/a (MeCab, not measured)"),
    ]
    return rows


def _pair(a, b):
    if a is None and b is None:
        return "n/a"
    if a == "error" or b == "error":
        return "error"
    return f"{fmt(a)} / {fmt(b)}"

def render_lucene(R: dict) -> list[str]:
    out: list[str] = []
    lu = R.get("lucene") or {}
    ps = R["plansearch"]
    lr = lu.get("run") or {}
    bare = g(ps, "serve", "variants", "bare") or {}
    full = g(ps, "serve", "sequential") or {}
    pb = ps.get("build") or {}
    if not lr and not bare:
        if lu.get("errors"):
            out += ["", "### Lucene + kuromoji", ""] + [f"- **lucene**: {e.splitlines()[0]}" for e in lu["errors"]]
        return out
    mb = lambda v: v / MB if isinstance(v, (int, float)) else None  # noqa: E731
    out += ["", "### Top 10 without facets and snippets: plansearch vs Lucene + kuromoji", "",
            "| metric | plansearch bare (`facets=false&snippets=false`) | plansearch full response "
            "| Lucene 9.9 + kuromoji | ratio plansearch bare/Lucene |", "|---|---:|---:|---:|---:|"]
    rows = [
        ("index build wall time (s)", pb.get("wall_s"), pb.get("wall_s"), lr.get("index_s")),
        ("build process wall incl. JVM start + compile + queries (s)", None, None, lr.get("wall_s")),
        ("build CPU time (user+sys, s; Lucene: whole process)", cpu_s(pb) if pb else None, None, cpu_s(lr) if lr else None),
        ("peak RSS (MB; Lucene: whole JVM process, -Xmx" + str(R["options"].get("lucene_heap", "?")) + ")",
         mb(pb.get("peak_rss_bytes")), None, mb(lr.get("peak_rss_bytes"))),
        ("index size on disk (MB, du)", mb(g(pb, "size", "bytes")), None, mb(g(lr, "size", "bytes"))),
        ("sequential top-10 latency p50 (ms)", bare.get("p50_ms"), full.get("p50_ms"), lr.get("p50_ms")),
        ("sequential top-10 latency p99 (ms)", bare.get("p99_ms"), full.get("p99_ms"), lr.get("p99_ms")),
        ("server CPU per query (ms)", bare.get("server_cpu_ms_per_query"), full.get("server_cpu_ms_per_query"), None),
    ]
    for name, a, f, b in rows:
        out.append(f"| {name} | {fmt(a, 2)} | {fmt(f, 2)} | {fmt(b, 2)} | {ratio(a, b)} |")
    out += ["", "Lucene: `LuceneJa.java` from the shared bench dir run in place (source-file mode) on the Anserini "
            f"fat jar of pyserini 1.6.0, {lu.get('threads', '?')} indexing threads, one document per file, "
            "`JapaneseAnalyzer` (search mode), AND of the analysed words, BM25 top 10, no stored-field fetch, "
            "in-process timing (no HTTP), nearest-rank-ish percentiles as the harness prints them, second of two "
            "passes. Year ranges of the `filtered` queries are not applied on the Lucene side. plansearch: HTTP "
            "round trip from the Python client (keep-alive), passages, year filters applied; `bare` still "
            "reads each hit's stored metadata and still computes partial matches and did-you-mean."]
    if lu.get("java"):
        out.append(f"Java: {lu['java']}.")
    for e in lu.get("errors", []):
        out.append(f"- **lucene**: {e.splitlines()[0]}")
    return out


def render_extras(R: dict) -> list[str]:
    out: list[str] = []
    sl = g(R, "plansearch", "serve", "sequential", "slowest")
    if sl:
        out += ["", "Slowest plansearch queries (full response, measured pass): " + "; ".join(
            f"{r['q']} ({r['kind']}, {r['hits']} hits) {r['ms']:.1f} ms" for r in sl[:8]) + "."]
    if R.get("writer_mb"):
        out += ["", "### Writer memory budget (`plansearch index --writer-mb MB`, per thread)", "",
                "| MB per thread | wall (s) | CPU (s) | peak RSS (MB) | index size (MB) |", "|---:|---:|---:|---:|---:|"]
        main = g(R, "plansearch", "build") or {}
        rows = ([dict(main, writer_mb="default (64), main build")] if main and not main.get("error") else [])
        for r in rows + R["writer_mb"]:
            if r.get("error"):
                out.append(f"| {r['writer_mb']} | error | | | |")
                continue
            c = cpu_s(r)
            out.append(f"| {r['writer_mb']} | {fmt(r['wall_s'])} | {fmt(c)} | "
                       f"{fmt((r.get('peak_rss_bytes') or 0) / MB)} | {fmt(g(r, 'size', 'bytes') and r['size']['bytes'] / MB)} |")
    if R.get("scale"):
        out += ["", "### plansearch at N× the corpus (`--scale`)", "",
                "| N | files | MB | build (s) | MB/s | build CPU (s) | peak RSS (MB) | index (MB) | unchanged rerun (s) "
                "| search p50 / p99 (ms) | bare p50 / p99 (ms) | trend p50 / p99 (ms) | serving RSS (MB) |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in R["scale"]:
            b = r.get("build") or {}
            if r.get("error") or b.get("error"):
                out.append(f"| {r['n']} | error: {(r.get('error') or b.get('error')).splitlines()[0][:80]} |")
                continue
            sv = r.get("serve") or {}
            seq = sv.get("sequential") or {}
            v = sv.get("variants") or {}
            c = cpu_s(b)
            out.append(f"| {r['n']} | {r['files']} | {r['bytes'] / MB:.0f} | {fmt(b['wall_s'])} | {fmt(b.get('mb_per_s'))} "
                       f"| {fmt(c)} | {fmt((b.get('peak_rss_bytes') or 0) / MB)} | {fmt(b['size']['bytes'] / MB)} "
                       f"| {fmt(g(r, 'rerun', 'wall_s'), 2)} | {p50_p99(seq)} | {p50_p99(v.get('bare'))} | {p50_p99(v.get('trend'))} "
                       f"| {fmt((sv.get('rss_after_load_bytes') or 0) / MB)} |")
        out.append("")
        out.append("Copies are hard links of the corpus files under c1/…cN/ with one city name each (c1 = 桐生市, "
                   "the others invented); search = the 275 queries with facets and snippets, trend = `/api/trend` "
                   "with the same queries; sequential, one warm-up pass; no wrk.")
        if any(r.get("lucene") for r in R["scale"]):
            out += ["", "#### The same N copies: plansearch beside Lucene + kuromoji", "",
                    "| N | search p50 / p99 (ms) | bare p50 / p99 (ms) | Lucene p50 / p99 (ms, in-process) "
                    "| trend p50 / p99 (ms) | index (MB) | Lucene index (MB) | size ratio | build CPU (s) "
                    "| Lucene build CPU (s, whole JVM) | CPU ratio |",
                    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
            for r in R["scale"]:
                b = r.get("build") or {}
                lu = (r.get("lucene") or {}).get("run") or {}
                sv = r.get("serve") or {}
                seq = sv.get("sequential") or {}
                v = sv.get("variants") or {}
                c = cpu_s(b)
                lc = cpu_s(lu)
                size = g(b, "size", "bytes")
                lsize = g(lu, "size", "bytes")
                out.append(f"| {r['n']} | {p50_p99(seq)} | {p50_p99(v.get('bare'))} | {p50_p99(lu)} | {p50_p99(v.get('trend'))} "
                           f"| {fmt(size and size / MB)} | {fmt(lsize and lsize / MB)} | {ratio(size, lsize)} "
                           f"| {fmt(c)} | {fmt(lc)} | {ratio(c, lc)} |")
            errs = [e for r in R["scale"] for e in (r.get("lucene") or {}).get("errors", [])]
            out += [f"- **lucene**: {e.splitlines()[0]}" for e in errs]
            out += ["", "Lucene: the harness of the main table on the same N copies (one document per file, "
                    "no facets, snippets or stored-field reads, in-process timing); its build CPU includes the "
                    "JVM start, compilation of the harness and its query passes."]
    return out


def render_markdown(R: dict, conns: list[int]) -> str:
    out = []
    c = R["corpus"]
    out.append(f"## plansearch vs Groonga — {c['files']} files, {c['bytes'] / MB:.1f} MB "
               f"({Path(c['path']).name}), {R['machine']['started']}")
    out.append("")
    out.append("| metric | plansearch | Groonga 13 | ratio plansearch/groonga |")
    out.append("|---|---:|---:|---:|")
    for name, a, b in metric_rows(R, conns):
        if isinstance(a, tuple) or isinstance(b, tuple):
            a2, b2 = (a if isinstance(a, tuple) else (a, a)), (b if isinstance(b, tuple) else (b, b))
            out.append(f"| {name} | {_pair(*a2)} | {_pair(*b2)} | "
                       f"{ratio(a2[0], b2[0])} / {ratio(a2[1], b2[1])} |")
        else:
            out.append(f"| {name} | {fmt(a)} | {fmt(b)} | {ratio(a, b)} |")
    out.append("")
    out.append("Ratios are plansearch ÷ groonga: below 1 is better for plansearch on times, sizes and RSS; "
               "above 1 is better for plansearch on MB/s and requests/s.")
    out.append("")
    m = R["machine"]
    out.append(f"Machine: {m['cpu']} × {m['nproc']} cores, {m['mem_gb']:.1f} GB RAM, kernel {m['kernel']}, "
               f"load avg at start {m['loadavg_start']}. plansearch {R['plansearch'].get('version', '?')} "
               f"(git {R['git_commit']}); {R['groonga'].get('version', 'groonga ?')}.")
    out.append("")
    busy = [(k, v) for k, v in m.items() if k.startswith("loadavg") and v and v[0] > 0.5 * (m["nproc"] or 1)]
    if busy:
        out.append(f"**Warning: the machine was busy (1-min load average {', '.join(f'{k[8:] or k}={v[0]}' for k, v in busy)}"
                   f" on {m['nproc']} cores): other processes competed for the CPU; rerun on an idle machine.**")
        out.append("")
    out.append("Notes:")
    out.append("- Granularity differs: plansearch indexes **passages (sections)**, Groonga one record per "
               "**document** (meeting-day file); both return the top 10 with facets (city, year) and snippets.")
    gq = "as given (unranked, query cache on)" if R["options"]["groonga_plain"] else \
        "plus `sort_keys=-_score,_key` (ranked) and `cache=no` (query cache off)"
    out.append(f"- Groonga request: `/d/select` with `match_columns={R['options']['groonga_match_columns']}`, "
               f"`drilldown=city,year`, `output_columns={R['options']['groonga_output_columns']}`, {gq}. Its build creates two indexes "
               "(TokenMecab and TokenBigram, NFKC150); `match_columns=body` resolves to the bigram index.")
    out.append(f"- Sequential: {R['queries']['n']} queries ({R['queries']['by_kind']}), one warm-up pass then "
               "each once, keep-alive client. wrk: "
               f"{R['options']['wrk_duration']} s per level, threads = min(conns, nproc), URLs rotated.")
    gb = R["groonga"].get("build") or {}
    if gb.get("phases"):
        ph = gb["phases"]
        out.append(f"- Groonga build phases (server-side elapsed): load {ph['load_s']:.1f} s, index columns "
                   + ", ".join(f"{k} {v:.1f} s" for k, v in ph["index_s"].items())
                   + "; wall time also includes starting the process and streaming the JSON. Groonga's HTTP "
                   "server answers `Connection: close`: the sequential client reconnects outside the timed "
                   "region, wrk reconnects for every request.")
    out.append("- Same machine for servers and load generator (wrk competes for the cores); warm page cache "
               "(corpus read once before the builds). MB = 10^6 bytes.")
    for side in ("plansearch", "groonga"):
        errs = list(R[side].get("errors", []))
        b = R[side].get("build") or {}
        if b.get("error"):
            errs.append(b["error"])
        s = R[side].get("serve") or {}
        if s.get("error"):
            errs.append("serve: " + s["error"] + ("\n" + s["log_tail"] if s.get("log_tail") else ""))
        if g(s, "sequential", "errors"):
            errs.append(f"{s['sequential']['errors']} sequential queries failed: {s['sequential']['error_samples']}")
        for cc, w in (s.get("wrk") or {}).items():
            if w.get("error"):
                errs.append(f"wrk c={cc}: {w['error']}")
            elif w.get("errors_total"):
                errs.append(f"wrk c={cc}: socket/status errors {w['errors']}")
        if R[side].get("dict_info_note"):
            errs.append(R[side]["dict_info_note"])
        for e in errs:
            first, _, rest = e.partition("\n")
            out.append(f"- **{side}**: {first}")
            if rest.strip():
                out.append("  ```")
                out.extend("  " + ln for ln in rest.strip().splitlines())
                out.append("  ```")
    # per-kind sequential p50
    kinds = sorted(set((g(R, "plansearch", "serve", "sequential", "by_kind") or {}).keys())
                   | set((g(R, "groonga", "serve", "sequential", "by_kind") or {}).keys()))
    if kinds:
        out.append("")
        out.append("Sequential latency by query kind, p50 / p95 ms (plansearch | groonga): " + "; ".join(
            f"{k} {fmt(g(R, 'plansearch', 'serve', 'sequential', 'by_kind', k, 'p50_ms'))}/"
            f"{fmt(g(R, 'plansearch', 'serve', 'sequential', 'by_kind', k, 'p95_ms'))} | "
            f"{fmt(g(R, 'groonga', 'serve', 'sequential', 'by_kind', k, 'p50_ms'))}/"
            f"{fmt(g(R, 'groonga', 'serve', 'sequential', 'by_kind', k, 'p95_ms'))}" for k in kinds) + ".")
    out += render_lucene(R)
    out += render_extras(R)
    if R.get("scaling"):
        out.append("")
        out.append("### Indexing scaling by corpus size")
        out.append("")
        out.append("| corpus | files | MB | plansearch wall (s) | plansearch MB/s | plansearch CPU (s) "
                   "| plansearch peak RSS (MB) | groonga wall (s) | groonga MB/s | groonga CPU (s) "
                   "| groonga peak RSS (MB) |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in R["scaling"]:
            p, q = row.get("plansearch") or {}, row.get("groonga") or {}

            def cell(d, k, scale=1.0):
                if d.get("error"):
                    return "error"
                v = d.get(k)
                return fmt(v * scale) if isinstance(v, (int, float)) else "n/a"

            def cpu(d):
                if d.get("error"):
                    return "error"
                return fmt(d["user_s"] + d.get("sys_s", 0.0)) if d.get("user_s") is not None else "n/a"

            out.append(f"| {row['label']} | {row['files']} | {row['bytes'] / MB:.1f} | {cell(p, 'wall_s')} "
                       f"| {cell(p, 'mb_per_s')} | {cpu(p)} | {cell(p, 'peak_rss_bytes', 1 / MB)} "
                       f"| {cell(q, 'wall_s')} | {cell(q, 'mb_per_s')} | {cpu(q)} "
                       f"| {cell(q, 'peak_rss_bytes', 1 / MB)} |")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------- main


def machine_info() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return {"cpu": cpu, "nproc": os.cpu_count(), "mem_gb": mem, "kernel": platform.release(),
            "python": platform.python_version(), "loadavg_start": loadavg(),
            "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}


def parse_args(argv):
    here = Path(__file__).resolve().parent
    repo = here.parent
    ap = argparse.ArgumentParser(description="plansearch vs Groonga 13 benchmark")
    ap.add_argument("--corpus", type=Path, default=repo / "../shared/bench/kiryu")
    ap.add_argument("--repo", type=Path, default=repo)
    ap.add_argument("--queries", type=Path, default=here / "queries.tsv")
    ap.add_argument("--out", type=Path, default=here / "results")
    ap.add_argument("--tmp", type=Path, default=None, help="parent dir for the temp dir (default: system tmp)")
    ap.add_argument("--keep-tmp", action="store_true", help="keep indexes, logs, wrk scripts")
    ap.add_argument("--scaling", action="store_true", help="also index 1/4, 1/2, 1x, 4x corpora")
    ap.add_argument("--scaling-groonga", action=argparse.BooleanOptionalAction, default=True,
                    help="with --scaling, also build Groonga at each size (default on)")
    ap.add_argument("--no-build", action="store_true", help="skip cargo build --release")
    ap.add_argument("--plansearch-bin", default=None, help="use this binary (implies no cargo build)")
    ap.add_argument("--skip-plansearch", action="store_true")
    ap.add_argument("--skip-groonga", action="store_true")
    ap.add_argument("--skip-lucene", action="store_true", help="no Lucene + kuromoji column")
    ap.add_argument("--lucene-harness", type=Path, default=None,
                    help="LuceneJa.java (default: ../lucene/LuceneJa.java beside the corpus, run in place)")
    ap.add_argument("--lucene-threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--lucene-heap", default="4g", help="JVM -Xmx for the Lucene harness")
    ap.add_argument("--java", default=None, help="java binary (≥ 21); default $JAVA, temurin-25, any JDK ≥ 21")
    ap.add_argument("--scale", default="", metavar="N[,N…]",
                    help="also index the corpus N times under N city names (e.g. 1,2,4,10): build, rerun, "
                         "search and trend latency per N (plansearch only)")
    ap.add_argument("--writer-mb", default="", metavar="MB[,MB…]",
                    help="also time `plansearch index --writer-mb MB` on the corpus for each value "
                         "(writer memory per thread: build time vs peak RSS)")
    ap.add_argument("--no-wrk", action="store_true")
    ap.add_argument("--conns", default="2,8,32")
    ap.add_argument("--wrk-duration", type=int, default=10)
    ap.add_argument("--groonga-plain", action="store_true",
                    help="Groonga URL exactly as in the brief: no sort_keys=-_score, query cache left on")
    ap.add_argument("--groonga-match-columns", default="body",
                    help="e.g. TermsMecab.body_index to force the MeCab index")
    ap.add_argument("--groonga-output-columns", default="_key,city,year,_score,snippet_html(body)",
                    help="e.g. _key,city,year,_score to see the cost of snippet_html over whole documents")
    ap.add_argument("--wait-idle", type=float, nargs="?", default=0, const=300, metavar="SECONDS",
                    help="first wait up to SECONDS (300 when given alone) for the 1-min load average "
                         "to drop below nproc/2")
    ap.add_argument("--render", type=Path, default=None, metavar="JSON",
                    help="only re-render the markdown table of an earlier latest.json to stdout")
    ap.add_argument("--index-timeout", type=float, default=3600)
    ap.add_argument("--build-timeout", type=float, default=3600)
    ap.add_argument("--ready-timeout", type=float, default=180)
    opts = ap.parse_args(argv)
    opts.conns = [int(x) for x in opts.conns.split(",") if x.strip()]
    opts.scale = [int(x) for x in opts.scale.split(",") if x.strip()]
    opts.writer_mb = [int(x) for x in opts.writer_mb.split(",") if x.strip()]
    opts.corpus = opts.corpus.resolve()
    opts.repo = opts.repo.resolve()
    if opts.lucene_harness is None:
        opts.lucene_harness = opts.corpus.parent / "lucene" / "LuceneJa.java"
        if not opts.lucene_harness.exists():
            opts.lucene_harness = repo / "../shared/bench/lucene/LuceneJa.java"
    opts.lucene_harness = opts.lucene_harness.resolve()
    return opts


def main(argv=None) -> int:
    opts = parse_args(argv)
    if opts.render:
        R = json.loads(opts.render.read_text(encoding="utf-8"))
        print(render_markdown(R, R["options"]["conns"]))
        return 0

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored

    if not (opts.corpus / "manifest.csv").exists():
        log(f"ERROR: {opts.corpus}/manifest.csv not found (pass the corpus dir as first argument)")
        return 2
    queries = load_queries(opts.queries)
    if not queries:
        log("ERROR: no queries")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="plansearch-bench-", dir=opts.tmp))
    log(f"temp dir: {tmp}")
    by_kind: dict[str, int] = {}
    for q in queries:
        by_kind[q["kind"]] = by_kind.get(q["kind"], 0) + 1
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=opts.repo, capture_output=True,
                                text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        commit = "?"
    R: dict = {
        "machine": machine_info(), "git_commit": commit,
        "options": {"groonga_plain": opts.groonga_plain, "groonga_match_columns": opts.groonga_match_columns,
                    "groonga_output_columns": opts.groonga_output_columns,
                    "wrk_duration": opts.wrk_duration, "conns": opts.conns, "scaling": opts.scaling,
                    "scale": opts.scale, "writer_mb": opts.writer_mb, "lucene_heap": opts.lucene_heap,
                    "lucene_threads": opts.lucene_threads},
        "queries": {"n": len(queries), "by_kind": by_kind, "file": str(opts.queries)},
        "plansearch": {"errors": [], "granularity": "passage (section)"},
        "groonga": {"errors": [], "granularity": "document"},
        "lucene": {"errors": [], "granularity": "document"},
    }
    if opts.wait_idle > 0:
        limit = 0.5 * (os.cpu_count() or 1)
        t_end = time.monotonic() + opts.wait_idle
        while (la := loadavg()) and la[0] > limit and time.monotonic() < t_end:
            log(f"waiting for an idle machine: load avg {la[0]} > {limit}")
            time.sleep(15)
        R["machine"]["loadavg_start"] = loadavg()
        R["machine"]["started"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    la = R["machine"]["loadavg_start"]
    if la and la[0] > 0.5 * (os.cpu_count() or 1):
        log(f"WARNING: machine busy (load avg {la}); numbers will be skewed")
    try:
        R["corpus"] = corpus_stats(opts.corpus)
        log(f"corpus: {R['corpus']['files']} files, {R['corpus']['bytes'] / MB:.1f} MB; warming page cache")
        R["corpus"]["warm_read_s"] = warm_page_cache(opts.corpus)

        # ---- builds
        ps, gr = R["plansearch"], R["groonga"]
        binp = None
        if opts.skip_plansearch:
            ps["errors"].append("skipped (--skip-plansearch)")
        else:
            try:
                binp = ps_build_binary(opts, tmp, ps)
                if binp:
                    ps_dict_info(binp, ps)
                    ps["build"] = ps_index(binp, opts.corpus, tmp / "ps-index", tmp, "ps-index",
                                           opts.index_timeout)
                    if ps["build"].get("error"):
                        log(ps["build"]["error"])
            except Exception as e:  # noqa: BLE001
                ps["errors"].append(f"{type(e).__name__}: {e}")
                log(traceback.format_exc())
            for e in ps["errors"]:
                log(f"plansearch: {e}")
        gr_ok = False
        if opts.skip_groonga:
            gr["errors"].append("skipped (--skip-groonga)")
        elif groonga_available(gr):
            try:
                gr["build"] = groonga_build(opts.corpus, tmp / "groonga", tmp, "groonga-build",
                                            opts.index_timeout)
                b = gr["build"]
                log(f"groonga: built in {b['wall_s']:.1f} s, peak RSS {b.get('peak_rss_bytes', 0) / MB:.0f} MB, "
                    f"size {b['size']['bytes'] / MB:.0f} MB, phases {b['phases']}")
                gr_ok = not b.get("error")
                if b.get("error"):
                    log(f"groonga build error: {b['error']}")
            except Exception as e:  # noqa: BLE001
                gr["errors"].append(f"{type(e).__name__}: {e}")
                log(traceback.format_exc())
        else:
            log(f"groonga unavailable: {gr['errors']}")

        # ---- serving (one system at a time)
        ps_paths = [plansearch_path(q) for q in queries]
        gr_paths = [groonga_path(q, opts) for q in queries]
        if binp and ps.get("build") and not ps["build"].get("error"):
            port = free_port()
            cmd = [str(binp), "serve", "--index", str(tmp / "ps-index"), "--addr", f"127.0.0.1:{port}"]
            R["machine"]["loadavg_before_plansearch_serve"] = loadavg()
            bench_server("plansearch", cmd, "/healthz", ps_paths, queries, ps_validate, opts, tmp, ps,
                         variants={"bare": [plansearch_path(q, bare=True) for q in queries]})
        if gr_ok:
            port = free_port()
            cmd = ["groonga", "--log-path", str(tmp / "groonga-serve.groonga.log"),
                   "--query-log-path", str(tmp / "groonga-serve.query.log"),
                   "-s", "--protocol", "http", "--bind-address", "127.0.0.1", "-p", str(port),
                   gr["build"]["db"]]

            def gr_validate(status, body):
                ok, hits, err = groonga_check(body)
                return status == 200 and ok, hits, err

            R["machine"]["loadavg_before_groonga_serve"] = loadavg()
            bench_server("groonga", cmd, "/d/status", gr_paths, queries, gr_validate, opts, tmp, gr)

        # ---- lucene + kuromoji (its own process: build, then the query list sequentially)
        if opts.skip_lucene:
            R["lucene"]["errors"].append("skipped (--skip-lucene)")
        else:
            try:
                R["machine"]["loadavg_before_lucene"] = loadavg()
                R["lucene"] = lucene_run(opts.corpus, queries, opts, tmp)
                lr = R["lucene"].get("run") or {}
                log(f"lucene: index {lr.get('index_s')} s (process {lr.get('wall_s', 0):.1f} s), "
                    f"p50 {lr.get('p50_ms')} ms, p99 {lr.get('p99_ms')} ms, errors {R['lucene']['errors']}")
            except Exception as e:  # noqa: BLE001
                R["lucene"].setdefault("errors", []).append(f"{type(e).__name__}: {e}")
                log(traceback.format_exc())

        # ---- writer memory budget sweep
        if opts.writer_mb and binp:
            R["writer_mb"] = []
            for mb in opts.writer_mb:
                d = tmp / f"ps-index-w{mb}"
                r = ps_index(binp, opts.corpus, d, tmp, f"ps-index-w{mb}", opts.index_timeout,
                             extra=["--writer-mb", str(mb)])
                r["writer_mb"] = mb
                R["writer_mb"].append(r)
                shutil.rmtree(d, ignore_errors=True)
                log(f"writer {mb} MB/thread: {r.get('wall_s', 0):.1f} s, "
                    f"peak RSS {(r.get('peak_rss_bytes') or 0) / MB:.0f} MB {r.get('error', '')}")

        # ---- --scale N
        if opts.scale and binp:
            R["scale"] = []
            for n in opts.scale:
                try:
                    R["scale"].append(scale_run(binp, opts.corpus, n, queries, opts, tmp))
                except Exception as e:  # noqa: BLE001
                    R["scale"].append({"n": n, "error": f"{type(e).__name__}: {e}"})
                    log(traceback.format_exc())

        # ---- scaling
        if opts.scaling:
            log("scaling: preparing 1/4, 1/2, 4x corpora in temp dir")
            R["scaling"] = []
            for label, root in make_scaled_corpora(opts.corpus, tmp / "scaling"):
                st = corpus_stats(root)
                row = {"label": label, "files": st["files"], "bytes": st["bytes"], "path": str(root)}
                warm_page_cache(root)
                slug = label.replace("/", "_")
                if binp:
                    r = ps_index(binp, root, tmp / f"ps-index-{slug}", tmp, f"ps-index-{slug}",
                                 opts.index_timeout * (4 if label == "4x" else 1))
                    if not r.get("error"):
                        r["mb_per_s"] = st["bytes"] / MB / r["wall_s"]
                    row["plansearch"] = r
                    shutil.rmtree(tmp / f"ps-index-{slug}", ignore_errors=True)
                    log(f"scaling {label}: plansearch {r.get('wall_s', 0):.1f} s {r.get('error', '')}")
                if gr_ok and opts.scaling_groonga:
                    r = groonga_build(root, tmp / f"groonga-{slug}", tmp, f"groonga-build-{slug}",
                                      opts.index_timeout * (4 if label == "4x" else 1))
                    if not r.get("error"):
                        r["mb_per_s"] = st["bytes"] / MB / r["wall_s"]
                    row["groonga"] = r
                    shutil.rmtree(tmp / f"groonga-{slug}", ignore_errors=True)
                    log(f"scaling {label}: groonga {r['wall_s']:.1f} s {r.get('error', '')}")
                R["scaling"].append(row)
                if root != opts.corpus:
                    shutil.rmtree(root, ignore_errors=True)
    finally:
        kill_children()
        R["machine"]["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
        R["tmp"] = str(tmp)
        if "corpus" in R:
            md = render_markdown(R, opts.conns)
            opts.out.mkdir(parents=True, exist_ok=True)
            (opts.out / "latest.md").write_text(md, encoding="utf-8")
            (opts.out / "latest.json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str),
                                                  encoding="utf-8")
            print(md)
            log(f"wrote {opts.out / 'latest.md'} and {opts.out / 'latest.json'}")
        if opts.keep_tmp:
            log(f"kept temp dir {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    ps_ok = not R["plansearch"]["errors"] and not (R["plansearch"].get("build") or {}).get("error") \
        and not (R["plansearch"].get("serve") or {}).get("error")
    gr_ok2 = not R["groonga"]["errors"] and not (R["groonga"].get("build") or {}).get("error") \
        and not (R["groonga"].get("serve") or {}).get("error")
    return 0 if (ps_ok and gr_ok2) else 1


if __name__ == "__main__":
    sys.exit(main())
