//! The IPADIC dictionary: built once from Debian's `mecab-ipadic` source into
//! a cache directory, then memory-mapped on every start.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use lindera::dictionary::{DictionaryBuilder, Metadata, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera::token::Token;

use crate::error::{Error, Result};

/// Where Debian's `mecab-ipadic` package installs the dictionary source.
pub const DEFAULT_IPADIC_SOURCE: &str = "/usr/share/mecab/dic/ipadic";
/// lindera's IPADIC metadata, with the encoding of the MeCab source (EUC-JP).
const IPADIC_METADATA: &str = include_str!("../../data/ipadic-metadata.json");
/// The policy-term user dictionary shipped with the project.
pub const BUILTIN_USER_DICT: &str = include_str!("../../data/userdict.csv");
/// Bump when the build recipe changes so stale caches are rebuilt.
const CACHE_VERSION: &str = "ipadic-lindera6.2-v1";

/// Where the dictionary comes from and what user dictionaries to add.
#[derive(Debug, Clone, Default)]
pub struct DictionaryConfig {
    /// IPADIC source directory; `PLANSEARCH_IPADIC_SRC` or the Debian path.
    pub ipadic_source: Option<PathBuf>,
    /// Built dictionary cache; `PLANSEARCH_DICT_DIR` or `~/.cache/plansearch`.
    pub cache_dir: Option<PathBuf>,
    /// Extra user-dictionary CSV files (surface,part_of_speech,reading).
    pub user_dictionaries: Vec<PathBuf>,
    /// Leave out the shipped policy-term dictionary (ablation).
    pub without_builtin_user_dict: bool,
}

impl DictionaryConfig {
    fn source(&self) -> PathBuf {
        self.ipadic_source
            .clone()
            .or_else(|| std::env::var_os("PLANSEARCH_IPADIC_SRC").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_IPADIC_SOURCE))
    }

    fn cache_root(&self) -> PathBuf {
        if let Some(dir) = &self.cache_dir {
            return dir.clone();
        }
        if let Some(dir) = std::env::var_os("PLANSEARCH_DICT_DIR") {
            return PathBuf::from(dir);
        }
        let home = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        home.join("plansearch")
    }
}

fn metadata() -> Metadata {
    serde_json::from_str(IPADIC_METADATA).expect("shipped IPADIC metadata is valid JSON")
}

/// Returns the built dictionary directory, building it on first use.
pub fn ensure_built(config: &DictionaryConfig) -> Result<PathBuf> {
    // One build at a time within the process; other processes are kept
    // apart by the unique temporary directory and the atomic rename.
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let target = config.cache_root().join(CACHE_VERSION);
    if target.join("matrix.mtx").exists() || target.join(".complete").exists() {
        return Ok(target);
    }
    let source = config.source();
    if !is_dictionary_source(&source) {
        return Err(Error::Dictionary(format!(
            "the IPADIC source was not found at {}. Install it with `apt-get install mecab-ipadic` \
             (Debian/Ubuntu) or set PLANSEARCH_IPADIC_SRC to a MeCab IPADIC source directory",
            source.display()
        )));
    }
    std::fs::create_dir_all(config.cache_root()).map_err(|e| {
        Error::Dictionary(format!(
            "cannot create the dictionary cache {}: {e}; set PLANSEARCH_DICT_DIR to a writable directory",
            config.cache_root().display()
        ))
    })?;
    // Build beside the target and rename: concurrent first runs and a crash
    // mid-build never leave a half-written dictionary behind.
    let tmp = config.cache_root().join(format!(
        ".{CACHE_VERSION}.{}.{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    tracing::info!(source = %source.display(), "building the IPADIC dictionary (first run)");
    DictionaryBuilder::new(metadata())
        .build_dictionary(&source, &tmp)
        .map_err(|e| {
            Error::Dictionary(format!("building IPADIC from {}: {e}", source.display()))
        })?;
    std::fs::write(tmp.join(".complete"), CACHE_VERSION)?;
    match std::fs::rename(&tmp, &target) {
        Ok(()) => {}
        Err(_) if target.join(".complete").exists() => {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(target)
}

fn build_user_dictionary(config: &DictionaryConfig) -> Result<Option<UserDictionary>> {
    let mut csv = String::new();
    if !config.without_builtin_user_dict {
        csv.push_str(BUILTIN_USER_DICT);
    }
    for path in &config.user_dictionaries {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Dictionary(format!(
                "cannot read user dictionary {}: {e}",
                path.display()
            ))
        })?;
        if !csv.ends_with('\n') && !csv.is_empty() {
            csv.push('\n');
        }
        csv.push_str(&text);
    }
    let rows: String = csv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| format!("{}\n", super::normalize::normalize_inline(l)))
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    // User dictionary CSV is UTF-8 whatever the system dictionary source was.
    let mut meta = metadata();
    meta.encoding = "UTF-8".to_string();
    let dict = DictionaryBuilder::new(meta)
        .build_user_dict_from_reader(rows.as_bytes())
        .map_err(|e| Error::Dictionary(format!("invalid user dictionary: {e}")))?;
    Ok(Some(dict))
}

/// One analysed word: its index term and where it sits in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub term: String,
    pub surface: String,
    pub byte_start: usize,
    pub byte_end: usize,
    /// Index of the word among kept words; parts of a compound share the
    /// compound's position range.
    pub position: usize,
    /// A second term that makes variant spellings equal (okurigana
    /// skeleton, katakana of a hiragana noun), not the word itself.
    pub variant: bool,
}

/// A dictionary word of a query with its part of speech
/// ([`Analyzer::tagged_words`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedWord {
    pub start: usize,
    pub end: usize,
    pub pos: [String; 3],
}

/// The morphological analyzer shared by the index writer, the query builder
/// and the snippet generator. Cheap to clone.
#[derive(Clone)]
pub struct Analyzer {
    inner: Arc<AnalyzerInner>,
}

struct AnalyzerInner {
    /// Segmenter with the user dictionaries.
    segmenter: Segmenter,
    /// Segmenter without them, to split user-dictionary compounds into the
    /// parts IPADIC knows, so the parts still match.
    base: Segmenter,
}

/// Part-of-speech tags (full 4-level IPADIC tags) that carry no search
/// meaning: particles, auxiliaries, symbols, fillers, non-independent words.
const STOP_TAGS: &[&str] = &[
    "助詞,格助詞,一般,*",
    "助詞,格助詞,引用,*",
    "助詞,格助詞,連語,*",
    "助詞,係助詞,*,*",
    "助詞,副助詞,*,*",
    "助詞,間投助詞,*,*",
    "助詞,並立助詞,*,*",
    "助詞,終助詞,*,*",
    "助詞,副助詞／並立助詞／終助詞,*,*",
    "助詞,連体化,*,*",
    "助詞,副詞化,*,*",
    "助詞,特殊,*,*",
    "助詞,接続助詞,*,*",
    "助動詞,*,*,*",
    "記号,一般,*,*",
    "記号,読点,*,*",
    "記号,句点,*,*",
    "記号,空白,*,*",
    "記号,括弧開,*,*",
    "記号,括弧閉,*,*",
    "記号,アルファベット,*,*",
    "その他,間投,*,*",
    "フィラー,*,*,*",
    "非言語音,*,*,*",
    "感動詞,*,*,*",
    "接続詞,*,*,*",
    "動詞,接尾,*,*",
    "動詞,非自立,*,*",
    "名詞,非自立,一般,*",
    "名詞,非自立,副詞可能,*",
    "名詞,非自立,助動詞語幹,*",
    "名詞,非自立,形容動詞語幹,*",
    "名詞,代名詞,一般,*",
    "名詞,代名詞,縮約,*",
    "名詞,接尾,助動詞語幹,*",
    "名詞,特殊,助動詞語幹,*",
    "連体詞,*,*,*",
];

/// Words that survive the POS filter but match almost every passage.
const STOP_WORDS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "れる",
    "られる",
    "こと",
    "もの",
    "ため",
    "よう",
];

/// The first four detail fields (the POS tag), the base form and the
/// reading, read straight from the dictionary bytes without allocating.
struct Features<'t> {
    pos: [&'t str; 4],
    base: &'t str,
    reading: &'t str,
}

fn features<'t>(token: &Token<'t>) -> Features<'t> {
    let id = token.word_id.id() as usize;
    let mut fields = if token.word_id.is_unknown() {
        token.dictionary.unknown_word_details_iter(id)
    } else if token.word_id.is_system() {
        token.dictionary.word_details_iter(id)
    } else if let Some(user) = token.user_dictionary {
        user.word_details_iter(id)
    } else {
        token.dictionary.unknown_word_details_iter(id)
    };
    let mut pos = ["*"; 4];
    for slot in pos.iter_mut() {
        match fields.next() {
            Some(f) => *slot = f,
            None => break,
        }
    }
    // Fields 4 and 5 are the conjugation; 6 is the base form, 7 the reading.
    let base = fields.nth(2).unwrap_or("*");
    let reading = fields.next().unwrap_or("*");
    Features { pos, base, reading }
}

/// Starts a variant key in the index (⁑申込 for 申し込み), so a text
/// writing 申込 itself, whose term is 申込, ranks above one writing it
/// another way when 申込 is typed.
pub const KEY_MARK: char = '⁑';

/// What one dictionary word contributes to the index.
#[derive(Debug)]
struct Entry {
    /// The index term: base form, variants folded.
    term: Box<str>,
    /// A second term at the same position that makes variant spellings equal
    /// (okurigana skeleton, katakana of a hiragana noun), if it differs.
    key: Option<Box<str>>,
    /// The reading in katakana without voicing marks (the surface for
    /// unknown words).
    reading: Box<str>,
}

/// Per-thread memo of the entry of each system-dictionary word: its part of
/// speech, base form and reading never change, and looking them up (UTF-8
/// checks, stop-tag comparisons, the skeleton's reading) was a sixth of
/// indexing time. Word ids are those of the IPADIC build, the same for every
/// analyzer in the process.
#[derive(Default)]
struct TermCache {
    /// Per word id: 0 unknown yet, 1 stop word, n ≥ 2 → `entries[n - 2]`.
    slots: Vec<u32>,
    entries: Vec<Rc<Entry>>,
    /// Words IPADIC does not know (numbers, katakana words, names) by
    /// category id and surface; `None` for a stop word. Started afresh when
    /// it holds [`MAX_UNKNOWN`] words.
    unknown: Vec<HashMap<Box<str>, Option<Rc<Entry>>>>,
    unknown_len: usize,
}

/// Unknown words remembered per thread (a few MB at most).
const MAX_UNKNOWN: usize = 50_000;

thread_local! {
    static TERM_CACHE: std::cell::RefCell<TermCache> = std::cell::RefCell::new(TermCache::default());
}

/// The entry of a token, or `None` for a stop word.
fn entry(token: &Token<'_>, base: &Segmenter) -> Option<Rc<Entry>> {
    if token.word_id.is_unknown() {
        return unknown_entry(token, base);
    }
    if !token.word_id.is_system() {
        // User words are few.
        return entry_of(token, base).map(Rc::new);
    }
    let id = token.word_id.id() as usize;
    TERM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if id >= cache.slots.len() {
            cache.slots.resize(id + 1, 0);
        }
        if cache.slots[id] == 0 {
            cache.slots[id] = match entry_of(token, base) {
                None => 1,
                Some(e) => {
                    cache.entries.push(Rc::new(e));
                    cache.entries.len() as u32 + 1
                }
            };
        }
        match cache.slots[id] {
            1 => None,
            n => Some(cache.entries[n as usize - 2].clone()),
        }
    })
}

/// The entry of an unknown word: its category (from the word id) and its
/// surface decide it.
fn unknown_entry(token: &Token<'_>, base: &Segmenter) -> Option<Rc<Entry>> {
    let category = token.word_id.id() as usize;
    TERM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(kept) = cache
            .unknown
            .get(category)
            .and_then(|m| m.get(&*token.surface))
        {
            return kept.clone();
        }
        let e = entry_of(token, base).map(Rc::new);
        if cache.unknown_len >= MAX_UNKNOWN {
            cache.unknown.clear();
            cache.unknown_len = 0;
        }
        if cache.unknown.len() <= category {
            cache.unknown.resize_with(category + 1, HashMap::new);
        }
        cache.unknown[category].insert(token.surface.as_ref().into(), e.clone());
        cache.unknown_len += 1;
        e
    })
}

/// The entry of a token, or `None` for a stop word.
fn entry_of(token: &Token<'_>, base: &Segmenter) -> Option<Entry> {
    let feats = features(token);
    let term = index_term(&token.surface, feats.base);
    if term.trim().is_empty() || is_stop(&feats.pos, &term) {
        return None;
    }
    let reading = super::reading::reading_term(&token.surface, feats.reading);
    let noun = feats.pos[0] == "名詞";
    let key = super::reading::variant_key(&term, &reading, noun, |skeleton| {
        lookup_reading(base, skeleton)
    })
    .filter(|k| k.as_str() != term.as_ref());
    Some(Entry {
        term: term.into_owned().into_boxed_str(),
        key: key.map(|k| format!("{KEY_MARK}{k}").into_boxed_str()),
        reading: super::reading::reading_key(&reading).into_boxed_str(),
    })
}

/// The reading of `text` when IPADIC knows it as one word.
fn lookup_reading(base: &Segmenter, text: &str) -> Option<String> {
    let tokens = base.segment(Cow::Borrowed(text)).ok()?;
    match tokens.as_slice() {
        [one] if one.word_id.is_system() && !one.word_id.is_unknown() => {
            let r = features(one).reading;
            (r != "*" && !r.is_empty()).then(|| r.to_string())
        }
        _ => None,
    }
}

/// Stop tags split into their four levels once.
fn stop_tags() -> &'static [[&'static str; 4]] {
    static TAGS: std::sync::OnceLock<Vec<[&'static str; 4]>> = std::sync::OnceLock::new();
    TAGS.get_or_init(|| {
        STOP_TAGS
            .iter()
            .map(|t| {
                let mut parts = t.split(',');
                std::array::from_fn(|_| parts.next().unwrap_or("*"))
            })
            .collect()
    })
}

fn is_stop(pos: &[&str; 4], term: &str) -> bool {
    stop_tags().iter().any(|t| t == pos) || STOP_WORDS.contains(&term)
}

fn index_term<'t>(surface: &'t str, base: &'t str) -> Cow<'t, str> {
    // Inflected words index their base form (策定し → 策定, 進めます → 進める).
    let raw = if base.is_empty() || base == "*" {
        surface
    } else {
        base
    };
    match super::variants::fold_term(raw) {
        Some(folded) => Cow::Owned(folded),
        None => Cow::Borrowed(raw),
    }
}

impl Analyzer {
    /// Loads (building on first use) the dictionary and the user dictionaries.
    pub fn load(config: &DictionaryConfig) -> Result<Self> {
        let dir = ensure_built(config)?;
        // One copy serves both segmenters (its parts are shared).
        let dictionary = super::hot_dictionary::load(&dir).map_err(|e| {
            Error::Dictionary(format!(
                "cannot load the dictionary at {}: {e}; delete that directory to rebuild it",
                dir.display()
            ))
        })?;
        let user = build_user_dictionary(config)?;
        let segmenter = Segmenter::new(Mode::Normal, dictionary.clone(), user);
        let base = Segmenter::new(Mode::Normal, dictionary, None);
        Ok(Analyzer {
            inner: Arc::new(AnalyzerInner { segmenter, base }),
        })
    }

    /// Content words of `text` with their index terms (stop words removed),
    /// as a query sees them: a year, a Latin word with hyphens or a doubled
    /// word is one word in its normal form (see [`Side::Query`]).
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut words = self.query_words(text);
        words.retain(|w| !w.variant);
        words
    }

    /// [`Analyzer::words`] and the variant keys beside them (申込 of
    /// 申し込み), marked [`Word::variant`]: what a query searches.
    pub fn query_words(&self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        self.scan_side(
            text,
            Side::Query,
            &mut |term: &str, byte_start, byte_end, position, variant| {
                out.push(Word {
                    term: term.to_string(),
                    surface: text[byte_start..byte_end].to_string(),
                    byte_start,
                    byte_end,
                    position,
                    variant,
                });
            },
            None,
        );
        out
    }

    /// Calls `emit(term, byte_start, byte_end, position)` for every index
    /// term of `text`, allocating only for terms that need folding.
    pub fn scan(&self, text: &str, mut emit: impl FnMut(&str, usize, usize, usize)) {
        self.scan_side(
            text,
            Side::Index,
            &mut |t: &str, s, e, p, _| emit(t, s, e, p),
            None,
        );
    }

    /// Like [`Analyzer::scan`], and also the reading of every kept word at
    /// its position: `readings(reading, byte_start, byte_end, position)`.
    pub fn scan_with_readings(
        &self,
        text: &str,
        mut emit: impl FnMut(&str, usize, usize, usize),
        readings: &mut dyn FnMut(&str, usize, usize, usize),
    ) {
        self.scan_side(
            text,
            Side::Index,
            &mut |t: &str, s, e, p, _| emit(t, s, e, p),
            Some(readings),
        );
    }

    /// The analysis shared by the index and queries. Rules that join several
    /// dictionary words (years, Latin words with hyphens or dots, doubled
    /// words) add their normal form at the first word's position in the
    /// index, and replace the words in a query, so 令和元年度 in a query
    /// needs only the term 2019年度.
    fn scan_side(
        &self,
        text: &str,
        side: Side,
        emit: &mut dyn FnMut(&str, usize, usize, usize, bool),
        mut readings: Option<&mut ReadingSink<'_>>,
    ) {
        // Variant folding is one char to one char of equal UTF-8 length, so
        // folding before segmentation keeps offsets valid for `text` and lets
        // the user dictionary list canonical spellings only.
        let folded = super::variants::fold_text(text);
        let Ok(tokens) = self.inner.segmenter.segment(Cow::Borrowed(folded.as_ref())) else {
            return;
        };
        let base = &self.inner.base;
        let years = super::era::years(&folded);
        let mut next_year = 0usize;
        let mut ahead: Option<(usize, Option<Rc<Entry>>)> = None;
        let mut position = 0usize;
        let mut i = 0usize;
        while i < tokens.len() {
            let token = &tokens[i];
            let (start, end) = (token.byte_start, token.byte_end);
            // A year starting here: its normal form.
            while next_year < years.len() && years[next_year].start < start {
                next_year += 1;
            }
            if let Some(y) = years.get(next_year).filter(|y| y.start == start) {
                next_year += 1;
                emit(&y.term, y.start, y.end, position, false);
                if side == Side::Query {
                    position += 1;
                    while i < tokens.len() && tokens[i].byte_end <= y.end {
                        i += 1;
                    }
                    continue;
                }
            }
            // A Latin word with hyphens or dots (Wi-Fi, e-Tax): one term.
            if let Some((joined, last)) = latin_run(&tokens, i) {
                let run_end = tokens[last].byte_end;
                emit(&joined, start, run_end, position, false);
                if side == Side::Query {
                    position += 1;
                    i = last + 1;
                    continue;
                }
            }
            // A number IPADIC cuts into several words (十/三, 二/十/三, 10/万):
            // one term, in the index and in a query alike, so 三人 (三/人) is
            // not found inside 十三人 (十三/人).
            if let Some(last) = number_run(&tokens, i) {
                let run_end = tokens[last].byte_end;
                emit(&folded[start..run_end], start, run_end, position, false);
                if let Some(r) = readings.as_mut() {
                    let reading: String = tokens[i..=last]
                        .iter()
                        .filter_map(|t| entry(t, base))
                        .map(|e| e.reading.to_string())
                        .collect();
                    r(&reading, start, run_end, position);
                }
                position += 1;
                i = last + 1;
                continue;
            }
            // A run of words written twice (一人一人 = 一/人/一/人): the doubled form.
            if let Some(k) = repeated_run(&tokens, i) {
                let unit: String = tokens[i..i + k]
                    .iter()
                    .map(|t| t.surface.as_ref())
                    .collect();
                let twice = format!("{unit}{unit}");
                let twice = super::variants::fold_term(&twice).unwrap_or(twice);
                let twice_end = tokens[i + 2 * k - 1].byte_end;
                emit(&twice, start, twice_end, position, false);
                if side == Side::Query {
                    // 一人ひとり, one word reading ヒトリヒトリ, keys to ⁑一人一人.
                    let marked = format!("{KEY_MARK}{twice}");
                    emit(&marked, start, twice_end, position, true);
                    position += 1;
                    i += 2 * k;
                    continue;
                }
            }
            let e = match ahead.take() {
                Some((at, e)) if at == i => e,
                _ => entry(token, base),
            };
            let Some(e) = e else {
                // つ counting after a number (8つ, ８つ: to IPADIC a number and
                // an auxiliary) is its counter, not a dropped word: 8つ is no
                // bare 8.
                if &*token.surface == "つ"
                    && i > 0
                    && tokens[i - 1].byte_end == start
                    && is_number(&tokens[i - 1])
                {
                    emit("つ", start, end, position, false);
                    if let Some(r) = readings.as_mut() {
                        r("ツ", start, end, position);
                    }
                    position += 1;
                    i += 1;
                    continue;
                }
                // A dropped word (particle, symbol) still takes its place, so
                // a phrase means words standing together: 地域の福祉 is not
                // 地域福祉. Spaces take none (spaced PDF text still matches).
                if !token.surface.chars().all(char::is_whitespace) {
                    position += 1;
                }
                i += 1;
                continue;
            };
            // A word written twice (一人一人 = 一人ひとり, 人人): the doubled form.
            // The next word's entry is kept for the next round.
            let doubled = tokens
                .get(i + 1)
                .filter(|n| n.byte_start == end)
                .and_then(|n| {
                    let next = entry(n, base);
                    ahead = Some((i + 1, next.clone()));
                    next
                })
                .filter(|n| {
                    n.reading == e.reading
                        && e.reading.chars().count() >= 2
                        && e.term
                            .chars()
                            .chain(n.term.chars())
                            .any(super::reading::is_kanji)
                })
                .map(|n| (format!("{}{}", e.term, e.term), tokens[i + 1].byte_end, n));
            if let Some((twice, twice_end, _)) = &doubled {
                emit(twice, start, *twice_end, position, false);
                if side == Side::Query {
                    position += 1;
                    i += 2;
                    continue;
                }
            }
            emit(&e.term, start, end, position, false);
            match side {
                Side::Index => {
                    if let Some(key) = &e.key {
                        emit(key, start, end, position, true);
                    }
                }
                Side::Query => {
                    // The key of every spelling (marked), and the plain
                    // skeleton a text writing it in kanji alone has as its
                    // term (申し込み → ⁑申込 and 申込).
                    let plain = e
                        .key
                        .as_deref()
                        .map(|k| k.trim_start_matches(KEY_MARK).to_string())
                        .or_else(|| super::reading::query_key(&e.term));
                    if let Some(plain) = plain {
                        emit(&format!("{KEY_MARK}{plain}"), start, end, position, true);
                        if plain != *e.term {
                            emit(&plain, start, end, position, true);
                        }
                    }
                }
            }
            if let Some(r) = readings.as_mut() {
                r(&e.reading, start, end, position);
            }
            if is_user_word(token) {
                // A compound from the user dictionary also yields its parts at
                // the same position, so 国土強靱化 still matches 強靱化.
                let mut last = e.term.to_string();
                self.scan_base(&token.surface, |part, s, e| {
                    if part != last {
                        emit(part, start + s, start + e, position, false);
                        last = part.to_string();
                    }
                });
            }
            position += 1;
            i += 1;
        }
    }

    /// Every dictionary word of `text` with its byte range and the first
    /// three levels of its part of speech (名詞,数,* for 三 and 3; 名詞,接尾,
    /// 助数詞 for 人 and 条): what notation rules need to tell a numeral from
    /// a word holding a numeral character (一般, 十分) and a substring from a
    /// word (市議 inside 市議会).
    pub fn tagged_words(&self, text: &str) -> Vec<TaggedWord> {
        let folded = super::variants::fold_text(text);
        let Ok(tokens) = self.inner.segmenter.segment(Cow::Borrowed(folded.as_ref())) else {
            return Vec::new();
        };
        tokens
            .iter()
            .map(|t| {
                let f = features(t);
                TaggedWord {
                    start: t.byte_start,
                    end: t.byte_end,
                    pos: [
                        f.pos[0].to_string(),
                        f.pos[1].to_string(),
                        f.pos[2].to_string(),
                    ],
                }
            })
            .collect()
    }

    /// The parts of speech (first three levels) IPADIC lists for `surface`
    /// as one word, whatever the segmentation of a text picks (十分 is a
    /// 形容動詞語幹 though 十/分 is how it is cut on its own).
    pub fn entries_of(&self, surface: &str) -> Vec<[String; 3]> {
        let dict = &self.inner.base.dictionary;
        dict.prefix_dictionary
            .find_surface(surface)
            .into_iter()
            .map(|entry| {
                let mut fields = dict.word_details_iter(entry.word_id().id() as usize);
                std::array::from_fn(|_| fields.next().unwrap_or("*").to_string())
            })
            .collect()
    }

    /// A query typed as a sentence (「小中学校の普通教室にエアコンを設置して
    /// ほしい」): its content chunks (小中学校, 普通教室, エアコン, 設置), split at
    /// particles, auxiliaries and predicates. `None` when `text` reads as one
    /// word or compound (協働のまちづくり, 子ども食堂): only a case particle, an
    /// auxiliary or a する predicate makes a sentence. Request and question
    /// endings (してほしい, どう…か, ための) carry no chunk; one-character
    /// chunks (市 of 市の取り組み) say too little to be required.
    pub fn sentence_chunks(&self, text: &str) -> Option<Vec<String>> {
        let (sentence, chunks) = self.content_chunks(text)?;
        (sentence && chunks.len() >= 2).then_some(chunks)
    }

    /// The content chunks of a phrase joined by particles or symbols
    /// (防災・減災対策の重要度 → 防災・減災対策, 重要度), sentence or not; empty
    /// when it is one word or compound.
    pub fn phrase_parts(&self, text: &str) -> Vec<String> {
        match self.content_chunks(text) {
            Some((_, chunks)) if chunks.len() >= 2 => chunks,
            _ => Vec::new(),
        }
    }

    /// Content chunks of `text`, and whether it reads as a sentence.
    fn content_chunks(&self, text: &str) -> Option<(bool, Vec<String>)> {
        let folded = super::variants::fold_text(text);
        let tokens = self
            .inner
            .segmenter
            .segment(Cow::Borrowed(folded.as_ref()))
            .ok()?;
        let mut sentence = false;
        let mut chunks: Vec<String> = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        let close = |open: &mut Option<(usize, usize)>, chunks: &mut Vec<String>| {
            if let Some((s, e)) = open.take() {
                chunks.push(text[s..e].to_string());
            }
        };
        for token in &tokens {
            let f = features(token);
            let (s, e) = (token.byte_start, token.byte_end);
            let pos = f.pos;
            let predicate_verb = pos[0] == "動詞"
                && matches!(
                    f.base,
                    "する" | "できる" | "ある" | "いる" | "なる" | "思う" | "考える"
                );
            if pos[0] == "助動詞"
                || (pos[0] == "助詞" && !matches!(pos[1], "連体化" | "並立助詞"))
                || predicate_verb
                || (pos[0] == "形容詞" && matches!(f.base, "ほしい" | "欲しい"))
            {
                sentence = true;
            }
            let noun = (pos[0] == "名詞"
                && !matches!(pos[1], "非自立" | "代名詞" | "特殊" | "副詞可能")
                && !(pos[1] == "接尾" && pos[2] == "助動詞語幹"))
                || pos[0] == "接頭詞";
            if noun {
                match &mut open {
                    Some((_, end)) if *end == s => *end = e,
                    _ => {
                        close(&mut open, &mut chunks);
                        open = Some((s, e));
                    }
                }
                continue;
            }
            close(&mut open, &mut chunks);
            let content_verb = pos[0] == "動詞" && pos[1] == "自立" && !predicate_verb;
            let content_adjective = pos[0] == "形容詞"
                && pos[1] == "自立"
                && !matches!(f.base, "ほしい" | "欲しい" | "ない" | "よい" | "いい");
            if (content_verb || content_adjective) && f.base != "*" {
                chunks.push(f.base.to_string());
            }
        }
        close(&mut open, &mut chunks);
        chunks.retain(|c| c.chars().count() >= 2);
        chunks.dedup();
        Some((sentence, chunks))
    }

    fn scan_base(&self, text: &str, mut emit: impl FnMut(&str, usize, usize)) {
        let Ok(tokens) = self.inner.base.segment(Cow::Borrowed(text)) else {
            return;
        };
        for token in tokens {
            if let Some(e) = entry(&token, &self.inner.base) {
                emit(&e.term, token.byte_start, token.byte_end);
            }
        }
    }
}

/// The length `k` (in tokens, 1 to 3) of a unit with a kanji written twice
/// from token `i` on, the two copies touching.
fn repeated_run(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    (1..=3).rev().find(|&k| {
        // Surfaces first: they differ at once for almost every token.
        i + 2 * k <= tokens.len()
            && (0..k).all(|j| tokens[i + j].surface == tokens[i + k + j].surface)
            && (i..i + 2 * k - 1).all(|j| tokens[j].byte_end == tokens[j + 1].byte_start)
            && tokens[i..i + k]
                .iter()
                .any(|t| t.surface.chars().any(super::reading::is_kanji))
    })
}

/// Receives `(reading, byte_start, byte_end, position)` of every kept word.
type ReadingSink<'a> = dyn FnMut(&str, usize, usize, usize) + 'a;

/// Whether words are analysed for the index or for a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Every dictionary word, and normal forms added beside them.
    Index,
    /// Normal forms instead of the words they join.
    Query,
}

/// A Latin word split by hyphens or dots (Wi-Fi, Ｗｉ－Ｆｉ after NFKC):
/// the joined, lowercased term and the index of its last token.
/// Whether a token is a number: IPADIC's 名詞,数 written in digits or
/// numeral kanji (not 数 of 十数人, not 何).
fn is_number(token: &Token<'_>) -> bool {
    let numeral = |c: char| c.is_ascii_digit() || c == '〇' || super::bigram::is_kanji_numeral(c);
    // The surface first: most words are no numeral and need no lookup.
    !token.surface.is_empty() && token.surface.chars().all(numeral) && {
        let f = features(token);
        f.pos[0] == "名詞" && f.pos[1] == "数"
    }
}

/// The last word of a number of several words starting at `i` (十/三,
/// 二/十/三, 10/万), or `None`.
fn number_run(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    if !is_number(&tokens[i]) {
        return None;
    }
    let mut last = i;
    while let Some(next) = tokens.get(last + 1) {
        if next.byte_start != tokens[last].byte_end || !is_number(next) {
            break;
        }
        last += 1;
    }
    (last > i).then_some(last)
}

fn latin_run(tokens: &[Token<'_>], i: usize) -> Option<(String, usize)> {
    let alnum = |t: &Token<'_>| {
        !t.surface.is_empty() && t.surface.chars().all(|c| c.is_ascii_alphanumeric())
    };
    if !alnum(&tokens[i]) {
        return None;
    }
    let mut last = i;
    let mut joined = tokens[i].surface.to_ascii_lowercase();
    while let (Some(sep), Some(next)) = (tokens.get(last + 1), tokens.get(last + 2)) {
        let contiguous = sep.byte_start == tokens[last].byte_end && next.byte_start == sep.byte_end;
        if !contiguous || !is_latin_joiner(&sep.surface) || !alnum(next) {
            break;
        }
        joined.push_str(&next.surface.to_ascii_lowercase());
        last += 2;
    }
    (last > i && joined.chars().any(|c| c.is_ascii_alphabetic())).then_some((joined, last))
}

/// What joins the parts of a Latin word (Wi-Fi, e-Tax, Wi―Fi in minutes):
/// a dot, a middle dot, or any dash or bar (U+2010–2015, minus, the long
/// vowel mark).
pub fn is_latin_joiner(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some('-' | '.' | '・' | '\u{2010}'..='\u{2015}' | '\u{2212}' | 'ー'),
            None
        )
    )
}

fn is_user_word(token: &Token<'_>) -> bool {
    !token.word_id.is_system() && !token.word_id.is_unknown()
}

/// Whether `path` holds a MeCab IPADIC source to build from.
pub fn is_dictionary_source(path: &Path) -> bool {
    path.join("matrix.def").exists() && path.join("char.def").exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::load(&DictionaryConfig::default()).expect("IPADIC (apt-get install mecab-ipadic)")
    }

    fn terms(a: &Analyzer, text: &str) -> Vec<String> {
        a.words(text).into_iter().map(|w| w.term).collect()
    }

    #[test]
    fn base_forms_and_stop_tags() {
        let a = analyzer();
        // Particles (の, を), auxiliaries and symbols go; verbs index their base form.
        assert_eq!(
            terms(&a, "避難所の停電対策を進めます。"),
            vec!["避難", "所", "停電", "対策", "進める"]
        );
    }

    #[test]
    fn latin_is_lowercased() {
        let a = analyzer();
        assert!(terms(&a, "ＤＸとRPAの推進").contains(&"rpa".to_string()));
    }

    #[test]
    fn user_dictionary_compound_keeps_its_parts() {
        let a = analyzer();
        let words = a.words("公民学連携を推進");
        let terms: Vec<&str> = words.iter().map(|w| w.term.as_str()).collect();
        assert!(terms.contains(&"公民学連携"), "{terms:?}");
        assert!(terms.contains(&"連携"), "{terms:?}");
        // Parts share the compound's position, so phrases still line up.
        let pos = |t: &str| words.iter().find(|w| w.term == t).unwrap().position;
        assert_eq!(pos("公民学連携"), pos("連携"));
    }

    #[test]
    fn variants_fold_before_segmentation() {
        let a = analyzer();
        assert_eq!(terms(&a, "国土強靱化"), terms(&a, "国土強靭化"));
        // Offsets still point into the original text.
        let text = "国土強靱化地域計画";
        for w in a.words(text) {
            assert!(text.is_char_boundary(w.byte_start) && text.is_char_boundary(w.byte_end));
        }
    }

    fn query_terms(a: &Analyzer, text: &str) -> Vec<String> {
        a.query_words(text).into_iter().map(|w| w.term).collect()
    }

    fn index_terms(a: &Analyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        a.scan(text, |t, _, _, _| out.push(t.to_string()));
        out
    }

    /// Whether every query term of `query` is indexed for `text`.
    fn finds(a: &Analyzer, query: &str, text: &str) -> bool {
        let indexed = index_terms(a, text);
        let words = a.query_words(query);
        let mut by_pos: std::collections::BTreeMap<usize, Vec<&Word>> = Default::default();
        for w in &words {
            by_pos.entry(w.position).or_default().push(w);
        }
        by_pos
            .values()
            .all(|g| g.iter().any(|w| indexed.contains(&w.term)))
    }

    #[test]
    fn okurigana_variants_share_a_key() {
        let a = analyzer();
        for group in [
            // (申込み is cut 申/込み by IPADIC: the query builder's skeleton
            // of the whole atom covers it.)
            &["申込", "申し込み"][..],
            &["手続", "手続き"],
            &["引上げ", "引き上げ"],
            &["取扱い", "取り扱い"],
            &["見積り", "見積もり"],
            &["問合せ", "問い合わせ"],
        ] {
            for q in group {
                for t in group {
                    assert!(finds(&a, q, &format!("{t}について")), "{q} should find {t}");
                }
            }
        }
        // The skeleton of 生き物 is another word (生物).
        assert!(!finds(&a, "生物", "生き物"));
    }

    #[test]
    fn hiragana_nouns_match_katakana() {
        let a = analyzer();
        assert!(finds(&a, "ごみ", "ゴミの分別"));
        assert!(finds(&a, "ゴミ", "ごみの分別"));
    }

    #[test]
    fn katakana_spellings_and_counters_match() {
        let a = analyzer();
        assert!(finds(&a, "ウィルス", "ウイルス対策"));
        assert!(finds(&a, "ウイルス", "ウィルス対策"));
        for q in ["1か月", "1ヶ月", "1カ月", "1箇月"] {
            for t in ["1か月", "1ヶ月", "1カ月", "1箇月"] {
                assert!(finds(&a, q, t), "{q} should find {t}");
            }
        }
        for q in ["3か所", "3箇所", "3カ所"] {
            assert!(finds(&a, q, "3ヶ所で実施"), "{q}");
        }
    }

    #[test]
    fn iteration_forms_match_and_stay_specific() {
        let a = analyzer();
        for q in ["一人一人", "一人ひとり"] {
            for t in ["一人一人", "一人ひとり"] {
                assert!(finds(&a, q, &format!("{t}の意見")), "{q} should find {t}");
            }
            // Not every passage with 一人.
            assert!(!finds(&a, q, "一人の意見"), "{q} found 一人");
        }
        assert!(finds(&a, "人々", "人人の暮らし"));
        assert!(finds(&a, "人人", "人々の暮らし"));
    }

    #[test]
    fn latin_words_join_across_hyphens_and_width() {
        let a = analyzer();
        for q in ["Wi-Fi", "WiFi", "wifi", "Ｗｉ－Ｆｉ"] {
            let q = crate::analysis::normalize::normalize_inline(q);
            assert_eq!(query_terms(&a, &q)[0], "wifi", "{q}");
            assert!(finds(&a, &q, "公共Wi-Fiの整備"), "{q}");
            assert!(finds(&a, &q, "WiFi環境"), "{q}");
        }
    }

    #[test]
    fn era_years_are_one_term() {
        let a = analyzer();
        for q in ["令和元年度", "2019年度", "平成31年度", "R1年度"] {
            assert_eq!(query_terms(&a, q), vec!["2019年度"], "{q}");
            for t in ["令和元年度", "2019年度", "平成31年度"] {
                assert!(finds(&a, q, &format!("{t}予算")), "{q} should find {t}");
            }
        }
        // The words of the year are still indexed on their own.
        assert!(index_terms(&a, "2019年度予算").contains(&"年度".to_string()));
    }

    #[test]
    fn readings_come_from_ipadic_or_the_surface() {
        let a = analyzer();
        let mut readings = Vec::new();
        a.scan_with_readings(
            "待機児童とプラスチック",
            |_, _, _, _| {},
            &mut |r, _, _, _| readings.push(r.to_string()),
        );
        assert_eq!(
            readings.concat(),
            "タイキシトウフラスチック",
            "{readings:?}"
        );
    }

    #[test]
    fn missing_source_gives_an_actionable_error() {
        let config = DictionaryConfig {
            ipadic_source: Some(PathBuf::from("/nonexistent/ipadic")),
            cache_dir: Some(
                std::env::temp_dir().join(format!("ps-dict-missing-{}", std::process::id())),
            ),
            ..Default::default()
        };
        let err = ensure_built(&config).unwrap_err().to_string();
        assert!(err.contains("apt-get install mecab-ipadic"), "{err}");
    }
}
