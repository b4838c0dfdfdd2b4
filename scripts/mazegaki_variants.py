#!/usr/bin/env python3
"""Regenerates data/mazegaki_variants.tsv: 交ぜ書き (a word with a kanji outside
the jōyō list written in kana) as a rule over two kept resources, for the
words no notation list holds.

Usage:
  pip install jamdict-data   # KANJIDIC2 inside jamdict.db (EDRDG, CC BY-SA 4.0)
  apt-get install mecab mecab-ipadic-utf8   # to read the forms IPADIC does not list
  scripts/mazegaki_variants.py /usr/share/mecab/dic/ipadic path/to/jamdict.db \
      > data/mazegaki_variants.tsv

The rule, per IPADIC noun written in kanji only (名詞 一般, サ変接続, 形容動詞語幹;
2 to 4 kanji; Debian's mecab-ipadic, the dictionary the analyzer is built
from): split its reading into one reading per kanji, using KANJIDIC2's on and
kun readings with sound changes (rendaku: ホウ → ボウ/ポウ; a small ッ for a
final ツ, チ, ク or キ). When exactly one split fits, every kanji outside the
jōyō list (KANJIDIC2 grades 1-8; the rule runs twice, with the 2010 list
and with the list before it, see ADDED_2010) is written in hiragana:
圃場 ホジョウ → ほ場, 漏洩 ロウエイ → 漏えい, 牽引 ケンイン → けん引.
Kept when at least one kanji stays (a word all in kana is no 交ぜ書き and too
ambiguous: あっせん), the form has three characters or more (動悸 → 動き would
find another word), and IPADIC lists the form with the same reading (けん引,
橋りょう, ため池: confirmed) or, unlisted, MeCab reads it as nouns only
(瓦れき; not 指そう, whose そう is an inflection of 目指そう); dropped when the split is ambiguous, when the reading
is not the kanji's (熟字訓), or when the word's kanji are all jōyō. A form
IPADIC lists with the word's reading is also kept at two characters when its
kana comes first (り患, ほ場, ろ過; see listed_forms).
Output: one word per line, the kanji form then its 交ぜ書き forms (one per
reading IPADIC gives: 漏洩 → 漏えい, 漏せつ), tab-separated.
"""
import os
import sqlite3
import subprocess
import sys
import unicodedata

NOUN_FILES = ["Noun.csv", "Noun.verbal.csv", "Noun.adjv.csv"]
KEPT_POS = {("名詞", "一般"), ("名詞", "サ変接続"), ("名詞", "形容動詞語幹")}

VOICED = dict(zip("カキクケコサシスセソタチツテトハヒフヘホ", "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"))
SEMI = dict(zip("ハヒフヘホ", "パピプペポ"))


# The 196 kanji the 2010 revision added to the jōyō list (改定常用漢字表,
# 文化審議会 2010; 塡 頰 剝 𠮟 also in their common forms): official and
# municipal texts wrote them in kana for decades before (隠ぺい, 処方せん,
# すそ野, がけ崩れ) and many still do, so they count as outside the list.
ADDED_2010 = set(
    "挨曖宛嵐畏萎椅彙茨咽淫唄鬱怨媛艶旺岡臆俺苛牙瓦楷潰諧崖蓋骸柿顎葛釜鎌韓玩伎亀毀畿臼嗅巾僅錦惧串窟熊詣憬稽隙桁拳"
    "鍵舷股虎錮勾梗喉乞傲駒頃痕沙挫采塞埼柵刹拶斬恣摯餌鹿叱嫉腫呪袖羞蹴憧拭尻芯腎須裾凄醒脊戚煎羨腺詮箋膳狙遡曽爽痩踪"
    "捉遜汰唾堆戴誰旦綻緻酎貼嘲捗椎爪鶴諦溺填妬賭藤瞳栃頓貪丼那奈梨謎鍋匂虹捻罵剥箸氾汎阪斑眉膝肘訃阜蔽餅璧蔑哺蜂貌頬"
    "睦勃昧枕蜜冥麺冶弥闇喩湧妖瘍沃拉辣藍璃慄侶瞭瑠呂賂弄籠麓脇塡頰剝𠮟"
)


def kata(s):
    """Hiragana → katakana."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in s)


def hira(s):
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)


def is_kanji(c):
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or c == "々"


def kanjidic(db_path):
    """Jōyō kanji (the 2010 list) and each kanji's readings (katakana,
    okurigana cut off)."""
    db = sqlite3.connect(db_path)
    joyo, readings = set(), {}
    for literal, grade in db.execute("select literal, grade from character"):
        if grade and grade.isdigit() and 1 <= int(grade) <= 8:
            joyo.add(literal)
    rows = db.execute(
        "select c.literal, r.r_type, r.value from character c join rm_group g on g.cid = c.ID "
        "join reading r on r.gid = g.ID where r.r_type in ('ja_on', 'ja_kun')"
    )
    for literal, _, value in rows:
        stem = kata(value.split(".")[0].strip("-"))
        if stem:
            readings.setdefault(literal, set()).add(stem)
    return joyo, readings


def sounds(reading, first, last):
    """A kanji reading as it may sound inside a word."""
    out = {reading}
    if not first and reading[0] in VOICED:
        out.add(VOICED[reading[0]] + reading[1:])
        if reading[0] in SEMI:
            out.add(SEMI[reading[0]] + reading[1:])
    if not last and len(reading) >= 2 and reading[-1] in "ツチクキ":
        out |= {r[:-1] + "ッ" for r in list(out)}
    return out


def splits(word, reading, readings):
    """Every way to read `word` kanji by kanji as `reading`."""
    found = []

    def walk(i, pos, parts):
        if i == len(word):
            if pos == len(reading):
                found.append(tuple(parts))
            return
        for r in readings.get(word[i], ()):
            for s in sounds(r, i == 0, i == len(word) - 1):
                if reading.startswith(s, pos):
                    walk(i + 1, pos + len(s), parts + [s])

    walk(0, 0, [])
    return set(found)


def mazegaki(word, reading, joyo, readings):
    if not all(is_kanji(c) for c in word) or not 2 <= len(word) <= 4:
        return None
    outside = [i for i, c in enumerate(word) if c not in joyo]
    if not outside or len(outside) == len(word):
        return None
    ways = splits(word, reading, readings)
    # The kana written must be the same in every split that fits.
    written = {tuple(w[i] for i in outside) for w in ways}
    if len(written) != 1:
        return None
    parts = dict(zip(outside, next(iter(written))))
    return "".join(hira(parts[i]) if i in parts else c for i, c in enumerate(word))


# Kana that stand as a word alone (particles, する's し, copula だ, endings):
# before a kanji in running text they end the word before it.
FUNCTION_KANA = set("あいうえおかがくけこさしずせそただちつてでとどなにぬねのはばへほまもやよらるれわを")


def listed_forms(word, reading, joyo, readings, listed):
    """Forms of `word` with some of its kanji outside the jōyō list written
    in kana that IPADIC itself lists as a word read `reading`: the
    dictionary's own 交ぜ書き entries (り患, ほ場, ろ過). IPADIC confirms
    each as the same word, so a form of two characters is kept too when its
    kana comes first and is no word of its own (り患; not 上し, whose し
    ends a verb in 向上した, nor し好 in 改善し好評): okurigana and
    inflections follow a kanji, they never precede one. Jōyō kanji are not
    replaced (IPADIC also lists split-off pieces such as いっ定)."""
    if not all(is_kanji(c) for c in word) or not 2 <= len(word) <= 4:
        return set()
    outside = [i for i, c in enumerate(word) if c not in joyo]
    if not outside or len(outside) == len(word):
        return set()
    ways = splits(word, reading, readings)
    out = set()
    for mask in range(1, 1 << len(outside)):
        kana = [i for k, i in enumerate(outside) if mask >> k & 1]
        written = {tuple(w[i] for i in kana) for w in ways}
        if len(written) != 1:
            continue
        parts = dict(zip(kana, next(iter(written))))
        form = "".join(hira(parts[i]) if i in parts else c for i, c in enumerate(word))
        short_ok = form[0] not in FUNCTION_KANA and is_kanji(form[-1]) and not is_kanji(form[0])
        if reading in listed.get(form, ()) and (len(form) >= 3 or short_ok):
            out.add((form, reading))
    return out


def surfaces(ipadic):
    """Every word IPADIC lists, whatever its part of speech, and its readings."""
    out = {}
    for name in os.listdir(ipadic):
        if name.endswith(".csv"):
            with open(os.path.join(ipadic, name), encoding="euc-jp", errors="replace") as f:
                for line in f:
                    cols = line.rstrip("\n").split(",")
                    if len(cols) >= 12:
                        word = unicodedata.normalize("NFKC", cols[0])
                        out.setdefault(word, set()).add(cols[11])
    return out


def reads_as_nouns(forms):
    """Forms MeCab (IPADIC) cuts into nouns only: a form whose kana part
    reads as a particle, an inflection or an adverb would match across
    words in running text (指嗾 → 指そう in 目指そう, 間鴨 → 間がも in
    時間がもう)."""
    text = "".join(f + "\n" for f in forms)
    out = subprocess.run(["mecab"], input=text, capture_output=True, text=True, check=True).stdout
    ok, i, nouns = set(), 0, True
    for line in out.split("\n"):
        if line == "EOS":
            if nouns:
                ok.add(forms[i])
            i, nouns = i + 1, True
        elif line:
            pos = line.split("\t", 1)[1].split(",")
            if pos[0] != "名詞" or pos[1] in ("非自立", "接尾", "数"):
                nouns = False
    return ok


def main():
    ipadic, db = sys.argv[1], sys.argv[2]
    joyo, readings = kanjidic(db)
    # Both lists: 瓦礫 → 瓦れき (礫 is outside both), 隠蔽 → 隠ぺい (蔽 only
    # since 2010).
    lists = [joyo, joyo - ADDED_2010]
    listed = surfaces(ipadic)
    pairs = {}
    for name in NOUN_FILES:
        with open(os.path.join(ipadic, name), encoding="euc-jp", errors="replace") as f:
            for line in f:
                cols = line.rstrip("\n").split(",")
                if len(cols) < 12 or (cols[4], cols[5]) not in KEPT_POS:
                    continue
                word = unicodedata.normalize("NFKC", cols[0])
                for jl in lists:
                    form = mazegaki(word, cols[11], jl, readings)
                    # Two characters are too short to be one word's alone
                    # (動き of 動悸, 上し of 上梓).
                    if form and len(form) >= 3:
                        pairs.setdefault(word, set()).add((form, cols[11]))
                    for found in listed_forms(word, cols[11], jl, readings, listed):
                        pairs.setdefault(word, set()).add(found)
    print("# 交ぜ書き by rule: IPADIC nouns (mecab-ipadic) with a kanji outside the jōyō list, that kanji in kana;")
    print("# readings and the jōyō list from KANJIDIC2, (C) the EDRDG, CC BY-SA 4.0 (data/LICENSE-JMdict).")
    print("# Regenerate: scripts/mazegaki_variants.py IPADIC_DIR jamdict.db > data/mazegaki_variants.tsv")
    # A form IPADIC lists is that word: kept when it reads the same (けん引,
    # ため池), another word otherwise; an unlisted form must read as nouns.
    unlisted = sorted({f for forms in pairs.values() for f, _ in forms if f not in listed})
    nouns = reads_as_nouns(unlisted)
    for word in pairs:
        pairs[word] = {
            f for f, reading in pairs[word]
            if (reading in listed[f] if f in listed else f in nouns)
        }
    for word in sorted(w for w in pairs if pairs[w]):
        # A word IPADIC reads two ways has a 交ぜ書き form per reading
        # (漏洩: 漏えい, 漏せつ).
        print("\t".join([word] + sorted(pairs[word])))


main()
