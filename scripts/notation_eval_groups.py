#!/usr/bin/env python3
"""Notation-variant groups for scripts outside the project's lists, kept when
every form occurs at least MIN times in a corpus (the Kiryu minutes), in the
format of ../shared/eval/variants_eval.py (category<TAB>form<TAB>form...).

Usage:
  scripts/notation_eval_groups.py CORPUS_DIR sudachi SYNONYMS.txt [--half N]
  scripts/notation_eval_groups.py CORPUS_DIR jmdict JAMDICT.db
  scripts/notation_eval_groups.py CORPUS_DIR jmdict-kanji JAMDICT.db [--half N]
  scripts/notation_eval_groups.py CORPUS_DIR numeral

sudachi: SudachiDict's notation-variant words (scripts/notation_variants.py's
  rows); --half N keeps the half of groups with number parity N (the half
  data/ does not vendor when it is built with --half 1-N).
jmdict: the kanji spellings of one JMdict entry (jamdict-data's SQLite
  database, CC BY-SA; not vendored), and its kana spelling when the entry is
  usually written in kana.
jmdict-kanji: the kanji spellings of one JMdict entry only (the held-out
  check's construction); --half N keeps the entries of one half of
  scripts/jmdict_variants.py's split (data/ built with --half 1-N holds the
  other half, so these groups are held out).
numeral: numbers written with kanji (place value) and with digits before a
  counter or after 第 (十四人 / 14人, 第九条 / 第9条), generated.
"""
import hashlib, os, re, sqlite3, subprocess, sys, tempfile, unicodedata

MIN = 3


def corpus_text(root):
    cache = os.path.join(tempfile.gettempdir(), "notation-corpus-" + hashlib.sha1(os.path.abspath(root).encode()).hexdigest()[:16] + ".txt")
    if not os.path.exists(cache):
        with open(cache + ".tmp", "w", encoding="utf-8") as out:
            for d, _, files in sorted(os.walk(root)):
                for f in sorted(files):
                    if f.endswith(".txt"):
                        t = open(os.path.join(d, f), encoding="utf-8", errors="ignore").read()
                        out.write(re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)) + "\n")
        os.rename(cache + ".tmp", cache)
    return cache


def counts(corpus, forms):
    """Occurrences of each form (grep's leftmost-longest pass, then exact
    counts for the forms another form contains)."""
    forms = sorted(set(forms))
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", delete=False) as f:
        f.write("\n".join(forms) + "\n")
        pat = f.name
    out = subprocess.run(["grep", "-F", "-o", "-f", pat, corpus], capture_output=True, text=True).stdout
    os.unlink(pat)
    c = {}
    for m in out.split("\n"):
        if m:
            c[m] = c.get(m, 0) + 1
    # A form inside a longer one found is hidden by the longer match.
    inside = set()
    for g in c:
        inside.update(g[i:j] for i in range(len(g)) for j in range(i + 2, len(g) + 1))
    hidden = [f for f in forms if c.get(f, 0) < MIN and f in inside]
    if hidden:
        text = open(corpus, encoding="utf-8").read()
        for f in hidden:
            c[f] = text.count(f)
    return c


def sudachi(path, half):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from notation_variants import words
    for (group, _, _, _), forms in words(path).items():
        if len(forms) >= 2 and (half is None or int(group) % 2 == half):
            yield forms


def jmdict(path, with_kana=True, half=None):
    if half is not None:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from jmdict_variants import half_of
    db = sqlite3.connect(path)
    kanji = {}
    for idseq, text in db.execute("select idseq, text from Kanji"):
        kanji.setdefault(idseq, []).append(unicodedata.normalize("NFKC", text))
    usually_kana = {r[0] for r in db.execute(
        "select distinct s.idseq from Sense s join misc m on m.sid = s.ID where m.text like '%kana alone%'")}
    kana = {}
    for idseq, text in db.execute("select idseq, text from Kana"):
        kana.setdefault(idseq, []).append(text)
    for idseq, forms in kanji.items():
        if half is not None and half_of(idseq) != half:
            continue
        forms = list(dict.fromkeys(forms))
        if with_kana and idseq in usually_kana and kana.get(idseq):
            forms.append(kana[idseq][0])
        if len(forms) >= 2:
            yield forms


DIGITS = "〇一二三四五六七八九"


def kanji_number(n):
    if n == 0:
        return "〇"
    out = ""
    for value, name in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 and value < 10000 else kanji_number(q)) + name
    return out + (DIGITS[n] if n else "")


def numeral():
    counters = ["人", "件", "回", "年", "条", "つ", "個", "名", "歳", "号", "日", "月", "万円", "億円", "円",
                "か所", "校", "台", "階", "点", "項", "款", "章", "期", "次", "割", "倍", "本", "枚", "社", "世帯", "週間"]
    for n in list(range(1, 100)) + [100, 120, 150, 179, 200, 300, 500, 1000]:
        for c in counters:
            yield [kanji_number(n) + c, str(n) + c]
        yield ["第" + kanji_number(n), "第" + str(n)]


def main():
    root, source = sys.argv[1], sys.argv[2]
    half = None
    if "--half" in sys.argv:
        half = int(sys.argv[sys.argv.index("--half") + 1])
    if source == "sudachi":
        groups = list(sudachi(sys.argv[3], half))
    elif source == "jmdict":
        groups = list(jmdict(sys.argv[3]))
    elif source == "jmdict-kanji":
        groups = list(jmdict(sys.argv[3], with_kana=False, half=half))
    else:
        groups = list(numeral())
    groups = [[f for f in g if len(f) >= 2] for g in groups]
    groups = [list(dict.fromkeys(g)) for g in groups if len(set(g)) >= 2]
    c = counts(corpus_text(root), [f for g in groups for f in g])
    print(f"# {source} notation groups whose forms each occur >= {MIN} times in {root}; generated by scripts/notation_eval_groups.py")
    seen = set()
    for g in groups:
        g = [f for f in g if c.get(f, 0) >= MIN]
        k = tuple(sorted(g))
        if len(g) >= 2 and k not in seen:
            seen.add(k)
            print(source.split("-")[0] + "\t" + "\t".join(g))


if __name__ == "__main__":
    main()
