//! The IPADIC dictionary: built once from Debian's `mecab-ipadic` source into
//! a cache directory, then memory-mapped on every start.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lindera::dictionary::{DictionaryBuilder, Metadata, UserDictionary, load_fs_dictionary};
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

/// The first four detail fields (the POS tag) and the base form, read
/// straight from the dictionary bytes without allocating.
struct Features<'t> {
    pos: [&'t str; 4],
    base: &'t str,
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
    // Fields 4 and 5 are the conjugation; 6 is the base form.
    let base = fields.nth(2).unwrap_or("*");
    Features { pos, base }
}

/// Per-thread memo of the index term of each system-dictionary word: its
/// part of speech and base form never change, and looking them up (UTF-8
/// checks, stop-tag comparisons) was a sixth of indexing time. Word ids are
/// those of the IPADIC build, the same for every analyzer in the process.
#[derive(Default)]
struct TermCache {
    /// Per word id: 0 unknown yet, 1 stop word, n ≥ 2 → `terms[n - 2]`.
    slots: Vec<u32>,
    terms: Vec<Box<str>>,
}

thread_local! {
    static TERM_CACHE: std::cell::RefCell<TermCache> = std::cell::RefCell::new(TermCache::default());
}

/// The index term of a token, or `None` for a stop word; `f` runs with a
/// term borrowed from the cache or computed for this token.
fn with_term<R>(token: &Token<'_>, f: impl FnOnce(Option<&str>) -> R) -> R {
    if !token.word_id.is_system() || token.word_id.is_unknown() {
        // Unknown words take their term from the text; user words are few.
        return f(term_of(token).as_deref());
    }
    let id = token.word_id.id() as usize;
    TERM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if id >= cache.slots.len() {
            cache.slots.resize(id + 1, 0);
        }
        if cache.slots[id] == 0 {
            cache.slots[id] = match term_of(token) {
                None => 1,
                Some(term) => {
                    cache.terms.push(term.into_owned().into_boxed_str());
                    cache.terms.len() as u32 + 1
                }
            };
        }
        match cache.slots[id] {
            1 => f(None),
            n => f(Some(&cache.terms[n as usize - 2])),
        }
    })
}

/// The index term of a token, or `None` for a stop word.
fn term_of<'a>(token: &'a Token<'_>) -> Option<Cow<'a, str>> {
    let feats = features(token);
    let term = index_term(&token.surface, feats.base);
    (!term.trim().is_empty() && !is_stop(&feats.pos, &term)).then_some(term)
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
        let load = || {
            load_fs_dictionary(&dir).map_err(|e| {
                Error::Dictionary(format!(
                    "cannot load the dictionary at {}: {e}; delete that directory to rebuild it",
                    dir.display()
                ))
            })
        };
        let user = build_user_dictionary(config)?;
        let segmenter = Segmenter::new(Mode::Normal, load()?, user);
        let base = Segmenter::new(Mode::Normal, load()?, None);
        Ok(Analyzer {
            inner: Arc::new(AnalyzerInner { segmenter, base }),
        })
    }

    /// Content words of `text` with their index terms (stop words removed).
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        self.scan(text, |term, byte_start, byte_end, position| {
            out.push(Word {
                term: term.to_string(),
                surface: text[byte_start..byte_end].to_string(),
                byte_start,
                byte_end,
                position,
            });
        });
        out
    }

    /// Calls `emit(term, byte_start, byte_end, position)` for every content
    /// word of `text`, allocating only for terms that need folding.
    pub fn scan(&self, text: &str, mut emit: impl FnMut(&str, usize, usize, usize)) {
        // Variant folding is one char to one char of equal UTF-8 length, so
        // folding before segmentation keeps offsets valid for `text` and lets
        // the user dictionary list canonical spellings only.
        let folded = super::variants::fold_text(text);
        let Ok(tokens) = self.inner.segmenter.segment(Cow::Borrowed(folded.as_ref())) else {
            return;
        };
        let mut position = 0usize;
        for token in tokens {
            let (start, end) = (token.byte_start, token.byte_end);
            let term = with_term(&token, |term| {
                term.map(|t| {
                    emit(t, start, end, position);
                    // Only compounds need the term again, below.
                    if is_user_word(&token) {
                        t.to_string()
                    } else {
                        String::new()
                    }
                })
            });
            let Some(term) = term else { continue };
            if is_user_word(&token) {
                // A compound from the user dictionary also yields its parts at
                // the same position, so 国土強靱化 still matches 強靱化.
                let mut last = term;
                self.scan_base(&token.surface, |part, s, e| {
                    if part != last {
                        emit(part, start + s, start + e, position);
                        last = part.to_string();
                    }
                });
            }
            position += 1;
        }
    }

    fn scan_base(&self, text: &str, mut emit: impl FnMut(&str, usize, usize)) {
        let Ok(tokens) = self.inner.base.segment(Cow::Borrowed(text)) else {
            return;
        };
        for token in tokens {
            with_term(&token, |term| {
                if let Some(t) = term {
                    emit(t, token.byte_start, token.byte_end);
                }
            });
        }
    }
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
