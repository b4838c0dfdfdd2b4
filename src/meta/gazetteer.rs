//! The municipalities of Japan (JIS X 0402) and how to find them in text,
//! in file names and in folder names.
//!
//! `data/gazetteer.csv` is derived from the 総務省 code list
//! (`../shared/data/jisx0402.csv`): code, prefecture, city, and the city's
//! reading in hiragana without the し/く/ちょう/まち/むら/そん of its suffix.
//! It is embedded so that the binary needs nothing at run time; the test
//! `shipped_file_matches_source` re-derives it when the source is present
//! (set `PLANSEARCH_REGEN_GAZETTEER=1` to rewrite it).

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::kana::{self, is_han, is_hiragana};

const DATA: &str = include_str!("../../data/gazetteer.csv");

/// One row of the gazetteer: a prefecture (empty `city`) or a municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 6-digit code including the check digit, e.g. "272035".
    pub code: String,
    pub prefecture: String,
    pub city: String,
    /// Hiragana reading without the suffix, e.g. "とよなか".
    pub reading: String,
}

impl Entry {
    pub fn is_prefecture(&self) -> bool {
        self.city.is_empty()
    }

    /// Size class, the tie-break between homonyms when nothing else decides
    /// (the code list carries no population): designated cities and Tokyo's
    /// wards (third code digit 1) > other cities > towns and villages.
    fn size_class(&self) -> u8 {
        if self.city.ends_with('市') || self.city.ends_with('区') {
            if self.code.as_bytes().get(2) == Some(&b'1') {
                3
            } else {
                2
            }
        } else {
            1
        }
    }

    /// The name without 市/区/町/村 when that leaves at least two kanji.
    fn bare_name(&self) -> Option<&str> {
        let stem = self.city.strip_suffix('市')?;
        (stem.chars().count() >= 2 && stem.chars().all(is_han)).then_some(stem)
    }

    fn has_kanji_name(&self) -> bool {
        let stem: Vec<char> = self.city.chars().collect();
        stem.len() >= 2 && stem[..stem.len() - 1].iter().all(|&c| is_han(c))
    }
}

/// Bare names (without 市) that are far more often something else: old
/// provinces and islands, common nouns. A bare name equal to a prefecture
/// name (大阪, 長野 …) is excluded by rule, not listed here.
const BARE_STOPLIST: &[&str] = &[
    "中央", "国立", "東海", "南国", "日向", "中間", "春日", "大和", "土佐", "阿波", "伊予", "安芸",
    "出雲", "美濃", "加賀", "越前", "甲斐", "伊勢", "伊賀", "飛騨", "伊豆", "淡路", "佐渡", "対馬",
    "壱岐", "天草", "阿蘇", "五島", "奄美", "日光", "富士", "北斗", "八幡", "下野", "豊前", "筑後",
    "日高", "高島", "鹿島", "西海", "湖南", "江南", "志摩",
];

/// Honorifics after a surname that happens to be a city name (松本さん).
const HONORIFICS: &[&str] = &["さん", "様", "氏", "君", "議員", "委員"];

/// What a [`Hit`] matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Prefecture,
    /// Full name with its suffix: 豊中市.
    Name,
    /// A city name without 市: 豊中.
    Bare,
    /// The hiragana reading: とよなか.
    Reading,
}

/// A gazetteer name found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: HitKind,
    /// Gazetteer indices the hit may denote (several for homonyms).
    pub candidates: Vec<usize>,
    pub start: usize,
    pub end: usize,
}

/// Lookup tables over the embedded code list.
#[derive(Debug)]
pub struct Gazetteer {
    entries: Vec<Entry>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_bare: HashMap<String, Vec<usize>>,
    by_reading: HashMap<String, Vec<usize>>,
    by_romaji: HashMap<String, Vec<usize>>,
    prefectures: HashMap<String, usize>,
    /// Prefectures, full names and bare names, matched leftmost-longest
    /// (東大和市 over 大和市).
    names: AhoCorasick,
    readings: AhoCorasick,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(DATA));

/// The embedded gazetteer.
pub fn gazetteer() -> &'static Gazetteer {
    &GAZETTEER
}

/// Readings shorter than this are too often ordinary words (なら, つ).
const MIN_READING_CHARS: usize = 3;

/// One automaton over thousands of names: at each position the longest
/// name wins, scanning in linear time. A DFA (8 MB for names and readings)
/// scans every document's whole text about twice as fast as the NFA.
fn matcher(words: Vec<&str>) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words)
        .expect("gazetteer names build an automaton")
}

impl Gazetteer {
    fn parse(data: &str) -> Gazetteer {
        let entries: Vec<Entry> = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(data.as_bytes())
            .records()
            .filter_map(|r| r.ok())
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .map(|r| {
                let field = |i: usize| r.get(i).unwrap_or("").trim().to_string();
                Entry {
                    code: field(0),
                    prefecture: field(1),
                    city: field(2),
                    reading: field(3),
                }
            })
            .collect();
        let mut g = Gazetteer {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            by_bare: HashMap::new(),
            by_reading: HashMap::new(),
            by_romaji: HashMap::new(),
            prefectures: HashMap::new(),
            names: matcher(Vec::new()),
            readings: matcher(Vec::new()),
            entries: Vec::new(),
        };
        let pref_stems: Vec<String> = entries
            .iter()
            .filter(|e| e.is_prefecture())
            .map(|e| pref_stem(&e.prefecture).to_string())
            .collect();
        for (i, e) in entries.iter().enumerate() {
            g.by_code.insert(e.code.clone(), i);
            if e.is_prefecture() {
                g.prefectures.insert(e.prefecture.clone(), i);
                continue;
            }
            g.by_name.entry(e.city.clone()).or_default().push(i);
            if let Some(bare) = e.bare_name()
                && !BARE_STOPLIST.contains(&bare)
                && !pref_stems.iter().any(|p| p == bare)
            {
                g.by_bare.entry(bare.to_string()).or_default().push(i);
            }
            if e.reading.chars().count() >= MIN_READING_CHARS {
                for r in kana::romaji_variants(&e.reading) {
                    g.by_romaji.entry(r).or_default().push(i);
                }
                // Hiragana names (さくら市) are found by name; their reading
                // alone is an ordinary word.
                if e.has_kanji_name() && (e.city.ends_with('市') || e.city.ends_with('区')) {
                    g.by_reading.entry(e.reading.clone()).or_default().push(i);
                }
            }
        }
        // A reading that is also another city's name written in kana
        // (佐倉市 さくら / さくら市) is an ordinary word: the kana name still
        // matches with its suffix, the reading alone does not.
        let kana_names: Vec<&str> = entries
            .iter()
            .filter(|e| !e.is_prefecture() && !e.has_kanji_name())
            .filter_map(|e| {
                e.city
                    .get(..e.city.len() - e.city.chars().last().map_or(0, char::len_utf8))
            })
            .collect();
        g.by_reading
            .retain(|r, _| !kana_names.contains(&r.as_str()));
        let names: Vec<&str> = g
            .prefectures
            .keys()
            .chain(g.by_name.keys())
            .chain(g.by_bare.keys())
            .map(String::as_str)
            .collect();
        g.names = matcher(names);
        g.readings = matcher(g.by_reading.keys().map(String::as_str).collect());
        g.entries = entries;
        g
    }

    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// The municipality with this 6-digit code (prefecture codes excluded).
    pub fn by_code(&self, code: &str) -> Option<usize> {
        self.by_code
            .get(code)
            .copied()
            .filter(|&i| !self.entries[i].is_prefecture())
    }

    /// Municipalities with exactly this name (several for homonyms).
    pub fn by_name(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Municipalities whose name without 市 is `bare` (≥ 2 kanji).
    pub fn by_bare(&self, bare: &str) -> &[usize] {
        self.by_bare.get(bare).map_or(&[], Vec::as_slice)
    }

    /// Municipalities whose romanized reading is `token` (case-insensitive,
    /// macrons folded).
    pub fn by_romaji(&self, token: &str) -> &[usize] {
        self.by_romaji
            .get(&kana::fold_latin(token))
            .map_or(&[], Vec::as_slice)
    }

    /// Every gazetteer name in `text`, with word-boundary checks for the
    /// forms that are also ordinary words.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        for m in self.names.find_iter(text) {
            let s = &text[m.start()..m.end()];
            let (before, after) = (&text[..m.start()], &text[m.end()..]);
            let (kind, candidates) = if let Some(&p) = self.prefectures.get(s) {
                (HitKind::Prefecture, vec![p])
            } else if let Some(c) = self.by_name.get(s) {
                // 中央市場 is a market, not 中央市.
                if s.ends_with('市') && after.starts_with('場') {
                    continue;
                }
                // A one-kanji name (港区, 堺市) inside a compound (漁港区) is
                // not the municipality, unless a prefecture or 郡 precedes it.
                if s.chars().count() == 2
                    && before.chars().next_back().is_some_and(|c| {
                        is_han(c) && !matches!(c, '都' | '道' | '府' | '県' | '郡')
                    })
                {
                    continue;
                }
                (HitKind::Name, c.clone())
            } else if let Some(c) = self.by_bare.get(s) {
                if !bare_boundary(before, after) {
                    continue;
                }
                (HitKind::Bare, c.clone())
            } else {
                continue;
            };
            hits.push(Hit {
                kind,
                candidates,
                start: m.start(),
                end: m.end(),
            });
        }
        for m in self.readings.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(is_hiragana) || after.is_some_and(is_hiragana) {
                continue;
            }
            hits.push(Hit {
                kind: HitKind::Reading,
                candidates: self.by_reading[&text[m.start()..m.end()]].clone(),
                start: m.start(),
                end: m.end(),
            });
        }
        hits.sort_by_key(|h| h.start);
        hits
    }

    /// Picks one of `candidates` (homonyms): within the hinted prefecture
    /// when one qualifies, the one the text supports most (its own score,
    /// then mentions of its prefecture and of neighbours there), then the
    /// larger kind, then the lower code (deterministic: the code list has no
    /// population). `scores` is asked for only when more than one candidate
    /// is left: scoring a text means scanning all of it.
    pub fn resolve<'s>(
        &self,
        candidates: &[usize],
        scores: impl FnOnce() -> Option<&'s CityScores>,
        prefecture_hint: Option<&str>,
    ) -> Option<usize> {
        let in_hint: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| prefecture_hint.is_some_and(|p| self.entries[c].prefecture == p))
            .collect();
        let pool = if in_hint.is_empty() {
            candidates
        } else {
            &in_hint
        };
        if pool.len() <= 1 {
            return pool.first().copied();
        }
        let scores = scores();
        pool.iter().copied().max_by(|&a, &b| {
            let (ea, eb) = (&self.entries[a], &self.entries[b]);
            let sa = scores.map_or(0.0, |s| s.of(a));
            let sb = scores.map_or(0.0, |s| s.of(b));
            let pa = scores.map_or(0.0, |s| s.prefecture_support(&ea.prefecture));
            let pb = scores.map_or(0.0, |s| s.prefecture_support(&eb.prefecture));
            sa.total_cmp(&sb)
                .then(pa.total_cmp(&pb))
                .then(ea.size_class().cmp(&eb.size_class()))
                .then(eb.code.cmp(&ea.code))
        })
    }
}

/// 大阪府 → 大阪, 北海道 stays.
fn pref_stem(p: &str) -> &str {
    if p == "北海道" {
        return p;
    }
    p.strip_suffix(['都', '府', '県']).unwrap_or(p)
}

/// A bare name must stand alone: no kanji on either side (豊中・吹田, 小樽の),
/// not a surname (市川 信行, 松本さん).
fn bare_boundary(before: &str, after: &str) -> bool {
    let prev = before.chars().next_back();
    let next = after.chars().next();
    if prev.is_some_and(is_han) || next.is_some_and(is_han) {
        return false;
    }
    let mut rest = after.chars();
    if rest.next() == Some(' ') && rest.next().is_some_and(is_han) {
        return false;
    }
    !HONORIFICS.iter().any(|h| after.starts_with(h))
}

/// Base weight of one hit: a reading or a bare name is weaker evidence than
/// the full name; towns are often neighbourhoods of the city in question.
fn base_weight(kind: HitKind, entry: &Entry) -> f64 {
    let town = !(entry.city.ends_with('市') || entry.city.ends_with('区'));
    match kind {
        HitKind::Prefecture => 1.0,
        HitKind::Name if town => 0.6,
        HitKind::Name => 1.0,
        HitKind::Reading => 0.6,
        HitKind::Bare => 0.5,
    }
}

/// A mention inside an enumeration (西宮・尼崎・豊中・吹田) is a city merely
/// listed, not the one the text is about.
const LISTED_FACTOR: f64 = 0.3;
/// Weight of a reading or bare name seen again in the same context.
const REPEAT_FACTOR: f64 = 0.25;
/// 延岡市長: the city's own mayor (not 延岡市長期計画).
const MAYOR_BONUS: f64 = 1.0;
/// Below this the evidence is a passing mention, not the document's city.
pub const MIN_CITY_SCORE: f64 = 1.5;
/// Municipalities of one prefecture a text must name to be the
/// prefecture's as a whole.
const WIDE_MUNICIPALITIES: usize = 5;

/// Separators between items of an enumeration.
fn is_list_gap(gap: &str) -> bool {
    let gap = gap.trim();
    gap.chars().count() <= 2
        && gap
            .chars()
            .all(|c| matches!(c, '・' | '、' | ',' | '/' | 'と' | 'や' | '及' | 'び' | '･'))
}

/// How strongly a text points at each municipality.
#[derive(Debug, Default, Clone)]
pub struct CityScores {
    scores: HashMap<usize, f64>,
    prefecture_mentions: HashMap<String, f64>,
    prefecture_support: HashMap<String, f64>,
}

impl CityScores {
    /// Scores weighted text segments (a title or an early line weighs more
    /// than a line deep in the body). Homonyms are settled by the rest of
    /// the text: the prefecture it names and the other cities it mentions.
    pub fn from_segments<'a>(
        g: &Gazetteer,
        segments: impl IntoIterator<Item = (&'a str, f64)>,
        prefecture_hint: Option<&str>,
    ) -> CityScores {
        let mut out = CityScores::default();
        let mut ambiguous: Vec<(Vec<usize>, f64)> = Vec::new();
        let mut seen_contexts = std::collections::HashSet::new();
        for (text, weight) in segments {
            let hits = g.scan(text);
            let city_hits: Vec<&Hit> = hits
                .iter()
                .filter(|h| h.kind != HitKind::Prefecture)
                .collect();
            let listed = |i: usize| {
                let h = city_hits[i];
                let prev = i.checked_sub(1).is_some_and(|p| {
                    city_hits[p].end <= h.start && is_list_gap(&text[city_hits[p].end..h.start])
                });
                let next = city_hits
                    .get(i + 1)
                    .is_some_and(|n| n.start >= h.end && is_list_gap(&text[h.end..n.start]));
                prev || next
            };
            for h in &hits {
                if h.kind == HitKind::Prefecture {
                    let p = &g.entry(h.candidates[0]).prefecture;
                    *out.prefecture_mentions.entry(p.clone()).or_default() += weight;
                }
            }
            for (i, h) in city_hits.iter().enumerate() {
                let entry = g.entry(h.candidates[0]);
                let mut w = base_weight(h.kind, entry) * weight;
                if listed(i) {
                    w *= LISTED_FACTOR;
                }
                if h.kind != HitKind::Name {
                    // The same short form in the same compound again and
                    // again (庄内さくら学園 ×7) is one proper noun, not seven
                    // pieces of evidence; several compounds
                    // (広報とよなか, とよなか地域創生塾) are.
                    let context = (
                        h.candidates[0],
                        text[..h.start].chars().next_back(),
                        text[h.end..].chars().take(2).collect::<String>(),
                    );
                    if !seen_contexts.insert(context) {
                        w *= REPEAT_FACTOR;
                    }
                }
                let after = &text[h.end..];
                if h.kind == HitKind::Name && after.starts_with('長') && !after.starts_with("長期")
                {
                    w += MAYOR_BONUS;
                }
                let mut cands = h.candidates.clone();
                if let Some(p) = prefecture_hint {
                    let inside: Vec<usize> = cands
                        .iter()
                        .copied()
                        .filter(|&c| g.entry(c).prefecture == p)
                        .collect();
                    if !inside.is_empty() {
                        cands = inside;
                    }
                }
                if let [only] = cands[..] {
                    *out.scores.entry(only).or_default() += w;
                } else {
                    ambiguous.push((cands, w));
                }
            }
        }
        out.prefecture_support = out.prefecture_mentions.clone();
        for (&c, &s) in &out.scores {
            *out.prefecture_support
                .entry(g.entry(c).prefecture.clone())
                .or_default() += s;
        }
        // Settle homonyms against the unambiguous evidence only, so the
        // order of the hits does not matter.
        let settled = out.clone();
        for (cands, w) in ambiguous {
            if let Some(c) = g.resolve(&cands, || Some(&settled), prefecture_hint) {
                *out.scores.entry(c).or_default() += w;
            }
        }
        out
    }

    /// Score of one municipality.
    pub fn of(&self, index: usize) -> f64 {
        self.scores.get(&index).copied().unwrap_or(0.0)
    }

    /// Mentions of the prefecture and of its municipalities.
    pub fn prefecture_support(&self, prefecture: &str) -> f64 {
        self.prefecture_support
            .get(prefecture)
            .copied()
            .unwrap_or(0.0)
    }

    /// The prefecture a text covers as a whole: it names many of its
    /// municipalities, none holding half their weight (a table of the
    /// respondents' towns in a 県民アンケート), and the prefecture itself at
    /// least as strongly as the first of them. Such a text is the
    /// prefecture's, not its largest city's.
    pub fn prefecture_wide<'g>(&self, g: &'g Gazetteer) -> Option<&'g str> {
        let (&best, &top) = self.scores.iter().max_by(|(_, a), (_, b)| a.total_cmp(b))?;
        let prefecture = g.entry(best).prefecture.as_str();
        let (named_towns, weight) = self
            .scores
            .iter()
            .filter(|&(&c, _)| g.entry(c).prefecture == prefecture)
            .fold((0, 0.0), |(n, w), (_, &s)| (n + 1, w + s));
        let named = self
            .prefecture_mentions
            .get(prefecture)
            .copied()
            .unwrap_or(0.0);
        (named_towns >= WIDE_MUNICIPALITIES && top * 2.0 < weight && named >= top)
            .then_some(prefecture)
    }

    /// The municipality the text is about, if the evidence is strong enough.
    pub fn best(&self, g: &Gazetteer) -> Option<usize> {
        let (&best, &score) = self.scores.iter().max_by(|(a, sa), (b, sb)| {
            sa.total_cmp(sb)
                .then_with(|| g.entry(**b).code.cmp(&g.entry(**a).code))
        })?;
        (score >= MIN_CITY_SCORE).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        gazetteer()
    }

    fn city(i: usize) -> (&'static str, &'static str) {
        let e = g().entry(i);
        (e.city.as_str(), e.prefecture.as_str())
    }

    fn about(text: &str) -> Option<(&'static str, &'static str)> {
        let lines: Vec<(&str, f64)> = text.lines().map(|l| (l, 1.0)).collect();
        CityScores::from_segments(g(), lines, None)
            .best(g())
            .map(city)
    }

    #[test]
    fn codes_include_the_check_digit() {
        assert_eq!(city(g().by_code("272035").unwrap()), ("豊中市", "大阪府"));
        assert_eq!(city(g().by_code("012033").unwrap()), ("小樽市", "北海道"));
        assert_eq!(g().by_code("27203"), None);
        // Prefecture rows are not municipalities.
        assert_eq!(g().by_code("270008"), None);
    }

    #[test]
    fn readings_drop_the_suffix() {
        let e = g().entry(g().by_name("豊中市")[0]);
        assert_eq!(e.reading, "とよなか");
        let e = g().entry(g().by_name("桐生市")[0]);
        assert_eq!(e.reading, "きりゅう");
    }

    #[test]
    fn finds_names_readings_and_bare_names() {
        assert_eq!(
            about("延岡市では新しい公園を整備します。\n延岡市長が挨拶しました。"),
            Some(("延岡市", "宮崎県"))
        );
        assert_eq!(
            about(
                "「広報とよなか」で特集します。\nとよなか地域創生塾を開きます。\nスマートとよなか推進"
            ),
            Some(("豊中市", "大阪府"))
        );
        assert_eq!(
            about("小樽の港は美しい。\n小樽の未来を語る会\n小樽の夜景"),
            Some(("小樽市", "北海道"))
        );
        assert_eq!(about("なにもない文章です。"), None);
    }

    #[test]
    fn word_boundaries_guard_short_forms() {
        // A reading inside a longer hiragana word, a bare name inside a
        // kanji compound, a surname: no hits.
        let hits = g().scan("ほとよなかに 豊中央通り 市川 信行 松本さん");
        assert!(hits.is_empty(), "{hits:?}");
        // 東大和市 is not 大和市.
        let hits = g().scan("東大和市");
        assert_eq!(hits.len(), 1);
        assert_eq!(city(hits[0].candidates[0]).0, "東大和市");
        // A market is not a city; a one-kanji name inside a compound is not
        // one either, unless it follows its prefecture.
        assert!(g().scan("中央市場").is_empty());
        assert!(g().scan("高島漁港区").is_empty());
        assert_eq!(g().scan("大阪府堺市").len(), 2);
    }

    #[test]
    fn homonyms_follow_the_prefecture_mentioned() {
        assert_eq!(
            about("広島県府中市の取り組み。\n府中市では新しい図書館を建てます。"),
            Some(("府中市", "広島県"))
        );
        assert_eq!(
            about("東京都府中市の取り組み。\n府中市では新しい図書館を建てます。"),
            Some(("府中市", "東京都"))
        );
        // Neighbouring cities settle it too.
        assert_eq!(
            about("伊達市と室蘭市の連携。\n伊達市の観光振興を進めます。\n伊達市の農業。"),
            Some(("伊達市", "北海道"))
        );
        assert_eq!(
            about("伊達市と福島市の連携。\n伊達市の観光振興を進めます。\n伊達市の農業。"),
            Some(("伊達市", "福島県"))
        );
    }

    #[test]
    fn the_city_written_about_beats_cities_listed() {
        let text = "近隣の西宮市・尼崎市・吹田市と協議しました。\n\
                    柏原市は子育て支援を進めます。\n柏原市長が表明しました。";
        assert_eq!(about(text), Some(("柏原市", "大阪府")));
    }

    #[test]
    fn a_table_of_every_town_makes_a_prefecture_document() {
        let text = "架空県民意識調査 結果\n福井県が実施しました。\n福井県の将来像。\n\
                    居住地 回答数\n福井市 562\n敦賀市 97\n小浜市 54\n大野市 60\n勝山市 47\n\
                    福井県全体 1,575";
        let scores = CityScores::from_segments(g(), text.lines().map(|l| (l, 1.0)), None);
        assert_eq!(scores.prefecture_wide(g()), Some("福井県"));
        // A city's own text that names its prefecture and a few neighbours
        // stays the city's.
        let own = "福井市の施政方針\n福井市長の所信。\n福井県と連携し、福井市の中心市街地を再生します。\n\
                    福井市は敦賀市・小浜市と協議しました。";
        let scores = CityScores::from_segments(g(), own.lines().map(|l| (l, 1.0)), None);
        assert_eq!(scores.prefecture_wide(g()), None);
        assert_eq!(scores.best(g()).map(|i| city(i).0), Some("福井市"));
    }

    #[test]
    fn romaji_matches_whole_readings() {
        let otaru = g().by_romaji("Otaru");
        assert_eq!(otaru.len(), 1);
        assert_eq!(city(otaru[0]).0, "小樽市");
        assert_eq!(city(g().by_romaji("nobeoka")[0]).0, "延岡市");
        assert_eq!(city(g().by_romaji("kiryu")[0]).0, "桐生市");
        assert!(g().by_romaji("minutes").is_empty());
        // Two-kana readings (だて, いせ) are too short to trust.
        assert!(g().by_romaji("date").is_empty());
    }

    /// Re-derives `data/gazetteer.csv` from the code list in `../shared`.
    #[test]
    fn shipped_file_matches_source() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        // `../shared` beside the project, or beside a worktree's parent.
        let Some(raw) = ["../shared", "../../shared"]
            .iter()
            .find_map(|d| std::fs::read_to_string(root.join(d).join("data/jisx0402.csv")).ok())
        else {
            eprintln!("skipped: ../shared/data/jisx0402.csv not found");
            return;
        };
        let derived = derive(&raw);
        if std::env::var_os("PLANSEARCH_REGEN_GAZETTEER").is_some() {
            let dst = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/gazetteer.csv");
            std::fs::write(dst, &derived).expect("write gazetteer");
        } else {
            assert!(
                derived == DATA,
                "data/gazetteer.csv is stale; rerun with PLANSEARCH_REGEN_GAZETTEER=1"
            );
        }
    }

    /// code,prefecture,city,prefecture_kana,city_kana (half-width kana) →
    /// code,prefecture,city,reading.
    fn derive(raw: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::from("code,prefecture,city,reading\n");
        for line in raw.trim_start_matches('\u{feff}').lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (code, pref, city, kana) = (f[0], f[1], f[2], f.get(4).copied().unwrap_or(""));
            let hira = kana::to_hiragana(&kana.nfkc().collect::<String>());
            let suffixes: &[&str] = match city.chars().last() {
                Some('市') => &["し"],
                Some('区') => &["く"],
                Some('町') => &["ちょう", "まち"],
                Some('村') => &["むら", "そん"],
                _ => &[],
            };
            let reading = suffixes
                .iter()
                .find_map(|s| hira.strip_suffix(s))
                .unwrap_or(if city.is_empty() { "" } else { &hira });
            out.push_str(&format!("{code},{pref},{city},{reading}\n"));
        }
        out
    }
}
