#!/usr/bin/env python3
"""Regenerates data/okurigana_variants.tsv: the okurigana a word may be
written with or without (送り仮名の付け方's 許容: 過ごす / 過す, 行う / 行なう,
締まり / 締り, 取り付け / 取付け / 取付), and a kanji of such a word written in
kana (払い込む / 払いこむ, 食い止める / 食いとめる), as IPADIC itself lists them.

Usage:
  apt-get install mecab-ipadic        # Debian's IPADIC source (EUC-JP CSVs)
  scripts/okurigana_variants.py /usr/share/mecab/dic/ipadic > data/okurigana_variants.tsv

The rule: IPADIC entries (verbs and adjectives in every conjugated form it
lists, nouns, adverbs) of the same part of speech, conjugated form and
reading, written with the same kanji in the same order and differing only
in the kana between and after them, where one spelling's kana are a
subsequence of the other's and both begin alike (過し / 過ごし, both スゴシ,
連用形; not 提げ / ひっ提げ: kana before the first kanji are no okurigana).
Different readings stay apart (下る くだる / 下がる さがる); a spelling IPADIC
reads more than one way is left out (上り is あがり and のぼり, so it is not
a spelling of 上がり), and so are spellings of one character (話 / 話し: one
kanji alone is in too many words) or with characters other than kanji and
hiragana.
The second rule: spellings of the same part of speech, conjugated form and
reading where the kanji of one are some of the other's, in order, and the
one with more kanji has kana too (払い込む / 払いこむ; not 結集 / けっ集: a word
of kanji only is left to scripts/mazegaki_variants.py), unless that spelling
stands for words of different kanji (引きあげる: 引き上げる, 引き揚げる).
Output: one word per line, its spellings tab-separated, the longest first
(lines sharing a spelling are one word when loaded).
"""
import os
import sys
import unicodedata

FILES = ["Verb.csv", "Adj.csv", "Noun.csv", "Noun.verbal.csv", "Noun.adjv.csv",
         "Noun.adverbal.csv", "Adverb.csv"]


def is_kanji(c):
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or c == "々"


def is_hiragana(c):
    return "ぁ" <= c <= "ゖ"


def skeleton(word):
    return "".join(c for c in word if is_kanji(c))


def kana(word):
    return "".join(c for c in word if is_hiragana(c))


def subsequence(short, long):
    it = iter(long)
    return all(c in it for c in short)


def lead(word):
    """The kana before the first kanji."""
    out = ""
    for c in word:
        if is_kanji(c):
            break
        out += c
    return out


def main():
    ipadic = sys.argv[1]
    groups = {}
    readings = {}
    for name in FILES:
        with open(os.path.join(ipadic, name), encoding="euc-jp", errors="replace") as f:
            for line in f:
                cols = line.rstrip("\n").split(",")
                if len(cols) < 12:
                    continue
                word = unicodedata.normalize("NFKC", cols[0])
                readings.setdefault(word, set()).add(cols[11])
                if len(word) < 2 or not all(is_kanji(c) or is_hiragana(c) for c in word):
                    continue
                if not skeleton(word):
                    continue
                key = (cols[4], cols[9], cols[11], skeleton(word))
                groups.setdefault(key, set()).add(word)
    words = set()
    for forms in groups.values():
        forms = {w for w in forms if len(readings[w]) == 1}
        if len(forms) < 2:
            continue
        # Spellings whose kana are okurigana of the longest one's.
        longest = max(forms, key=lambda w: (len(kana(w)), w))
        same = sorted((w for w in forms if w != longest and lead(w) == lead(longest)
                       and subsequence(kana(w), kana(longest))),
                      key=lambda w: (-len(w), w))
        if same:
            words.add(tuple([longest] + same))
    # A kanji of a word written with okurigana put in kana (払い込む /
    # 払いこむ, 跳ね返り / はね返り, 当て物 / 当てもの): same part of speech,
    # conjugated form and reading, the kanji of one a part of the other's,
    # in order. Words of kanji only are the 交ぜ書き rule's, which checks the
    # kana against the kanji's readings (IPADIC also lists pieces such as
    # けっ集 for 結集).
    by_reading = {}
    for (pos, form, reading, _), forms in groups.items():
        by_reading.setdefault((pos, form, reading), set()).update(
            w for w in forms if len(readings[w]) == 1)
    for forms in by_reading.values():
        wholes = {}
        for whole in forms:
            if not kana(whole):
                continue
            for part in forms:
                if len(skeleton(part)) < len(skeleton(whole)) and subsequence(skeleton(part), skeleton(whole)):
                    wholes.setdefault(part, set()).add(whole)
        for part, ws in wholes.items():
            # A kana spelling of two words (引きあげる: 引き上げる and
            # 引き揚げる) would make them one: it is left out.
            if len({skeleton(w) for w in ws}) == 1:
                words.update((w, part) for w in ws)
    print("# Okurigana written or left out (送り仮名の許容), as IPADIC (mecab-ipadic) lists the spellings of one word;")
    print("# see data/LICENSE-IPADIC. Regenerate: scripts/okurigana_variants.py IPADIC_DIR > data/okurigana_variants.tsv")
    for w in sorted(words):
        print("\t".join(w))


main()
