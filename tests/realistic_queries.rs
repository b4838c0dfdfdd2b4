//! Every word staff are likely to type, on a realistic index: the Kiryu
//! minutes (468 meeting days, 103 MB), built once for this file. Small
//! fixtures never showed that 子ども aborted the server (a synonym group
//! mixing kana and kanji looped between readings and synonyms) or that one
//! history click held a worker for 13 minutes (#21). Here every synonym
//! member, every form of the judged variant groups, the 2,000 most frequent
//! indexed words and the 2,000 most frequent readings go through the engine
//! and through every route that takes `q`, on the real server binary:
//! none may abort, answer 5xx or run past a bound; and heavy requests
//! running side by side never keep searches from answering.
//!
//! Skips when `../shared` is missing outside CI (fails under `CI=true`).

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::IndexHandle;
use plansearch::search::{Engine, SearchRequest};

/// Longest one query may take through the engine, in this debug build on
/// 2 shared cores (measured: p99 well under a second, see the test output).
const ENGINE_BOUND: Duration = Duration::from_secs(2);
/// Longest one request may take through the server (its request budget is
/// 10 s; past that it answers 503 and stops the work).
const ROUTE_BOUND: Duration = Duration::from_secs(12);
/// Longest a search may wait while heavy requests run beside it.
const STARVED_BOUND: Duration = Duration::from_secs(4);

struct Kiryu {
    dir: tempfile::TempDir,
    engine: Engine,
    vocabulary: Vec<String>,
}

fn kiryu() -> Option<&'static Kiryu> {
    static K: OnceLock<Option<Kiryu>> = OnceLock::new();
    K.get_or_init(|| {
        let shared = common::shared_dir()?;
        let archive = shared.join("bench/kiryu");
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        common::index_into(&archive, dir.path());
        eprintln!("Kiryu indexed in {:.1?}", started.elapsed());
        let handle = IndexHandle::open(dir.path(), common::analyzer()).unwrap();
        let engine = Engine::new(handle, Synonyms::builtin());
        let vocabulary = vocabulary(&engine, &shared);
        Some(Kiryu {
            dir,
            engine,
            vocabulary,
        })
    })
    .as_ref()
}

/// The `n` most frequent terms of a field (variant keys left out).
fn frequent_terms(engine: &Engine, field: tantivy::schema::Field, n: usize) -> Vec<String> {
    let searcher = engine.searcher();
    let mut df: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field).unwrap();
        let mut stream = inverted.terms().stream().unwrap();
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key())
                && !term.starts_with('⁑')
            {
                *df.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut terms: Vec<(String, u64)> = df.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.into_iter().take(n).map(|(t, _)| t).collect()
}

fn hiragana(katakana: &str) -> String {
    katakana
        .chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// What staff type: synonym members, the judged variant forms, frequent
/// words and frequent readings (in katakana and hiragana), and the words
/// this issue named.
fn vocabulary(engine: &Engine, shared: &std::path::Path) -> Vec<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    words.extend(Synonyms::builtin().members().map(str::to_string));
    let variants = std::fs::read_to_string(shared.join("eval/variants.tsv")).unwrap();
    for line in variants.lines().filter(|l| !l.starts_with('#')) {
        words.extend(line.split('\t').skip(1).map(str::to_string));
    }
    let fields = &engine.handle.fields;
    words.extend(frequent_terms(engine, fields.text, 2_000));
    for reading in frequent_terms(engine, fields.text_rd, 2_000) {
        words.insert(hiragana(&reading));
        words.insert(reading);
    }
    for w in [
        "子ども",
        "子供",
        "こども",
        "ｺﾄﾞﾓ",
        "コドモ",
        "コトモ",
        "\"こども\"",
        "こども 防災",
    ] {
        words.insert(w.to_string());
    }
    words.retain(|w| !w.trim().is_empty());
    words.into_iter().collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[test]
fn every_likely_word_answers_through_the_engine_within_a_bound() {
    let Some(k) = kiryu() else { return };
    let mut times = Vec::with_capacity(k.vocabulary.len());
    let mut slowest = (Duration::ZERO, String::new());
    for q in &k.vocabulary {
        let started = Instant::now();
        match k.engine.search(&SearchRequest::new(q.as_str())) {
            Ok(r) => {
                let strict = r.hits.iter().filter(|h| h.missing.is_none()).count();
                assert!(r.total >= strict, "{q}");
            }
            // A word made only of stop words has nothing to search: a 400.
            Err(plansearch::error::Error::Query(_)) => {}
            Err(e) => panic!("{q}: {e}"),
        }
        let took = started.elapsed();
        assert!(took < ENGINE_BOUND, "{q} took {took:?}");
        if took > slowest.0 {
            slowest = (took, q.clone());
        }
        times.push(took);
    }
    times.sort();
    eprintln!(
        "{} queries through the engine: p50 {:?}, p99 {:?}, slowest {:?} ({})",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        slowest.0,
        slowest.1
    );
    assert!(times.len() > 4_000, "only {} words", times.len());
}

/// Waits until the server binary accepts connections and answers.
fn wait_up(base: &str) {
    let addr = base.trim_start_matches("http://").to_string();
    common::wait_until(Duration::from_secs(60), "the server answers", || {
        std::net::TcpStream::connect(&addr).is_ok()
    });
    assert_eq!(common::get(&format!("{base}/healthz")).0, 200);
}

/// A section of the minutes with the longest series (every meeting day).
fn minutes_section(engine: &Engine) -> String {
    let docs = engine
        .documents(&Default::default(), 1, 0)
        .expect("documents list");
    let doc = &docs.documents[0];
    let detail = engine.document(&doc.doc_id).unwrap();
    detail.section_list[detail.section_list.len() / 2]
        .section_id
        .clone()
}

#[test]
fn every_route_that_takes_a_query_answers_without_a_server_error() {
    let Some(k) = kiryu() else { return };
    let (_server, base) = common::serve_binary(k.dir.path(), &[]);
    wait_up(&base);
    let doc_id = k
        .engine
        .documents(&Default::default(), 1, 0)
        .unwrap()
        .documents[0]
        .doc_id
        .clone();
    // Every synonym member and variant form, and every 20th frequent word
    // or reading (the engine test above takes them all).
    let synonyms: BTreeSet<String> = Synonyms::builtin().members().map(str::to_string).collect();
    let sample: Vec<&String> = k
        .vocabulary
        .iter()
        .enumerate()
        .filter(|(i, w)| synonyms.contains(*w) || i % 20 == 0 || w.contains("こども"))
        .map(|(_, w)| w)
        .collect();
    let mut slowest = (Duration::ZERO, String::new());
    for q in &sample {
        let q = common::enc(q);
        for path in [
            format!("/api/search?q={q}"),
            format!("/api/search.csv?q={q}&limit=200"),
            format!("/api/trend?q={q}"),
            format!("/api/compare?q={q}"),
            format!("/api/figures?q={q}"),
            format!("/api/documents/{doc_id}/marks?q={q}"),
        ] {
            let started = Instant::now();
            let (status, body, _) = common::get(&format!("{base}{path}"));
            let took = started.elapsed();
            assert!(status < 500, "{path}: {status} {body}");
            assert!(took < ROUTE_BOUND, "{path} took {took:?}");
            if took > slowest.0 {
                slowest = (took, path);
            }
        }
    }
    eprintln!(
        "{} words × 6 routes: slowest {:?} ({})",
        sample.len(),
        slowest.0,
        slowest.1
    );
    // The process is still the one started: it never aborted.
    assert_eq!(common::get(&format!("{base}/healthz")).0, 200);
}

#[test]
fn heavy_requests_side_by_side_never_keep_searches_from_answering() {
    let Some(k) = kiryu() else { return };
    let (_server, base) = common::serve_binary(k.dir.path(), &[]);
    wait_up(&base);
    let section = minutes_section(&k.engine);
    let doc_id = section.rsplit_once('-').unwrap().0.to_string();
    let heavy = [
        format!("/api/sections/{section}/history"),
        format!("/api/search.csv?q={}", common::enc("出る")),
        format!("/api/search.csv?q={}", common::enc("オモウ")),
        format!("/api/figures?q={}", common::enc("予算")),
        format!("/api/documents/{doc_id}/original"),
        format!("/api/documents/{doc_id}"),
    ];
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let heavy_done = std::sync::Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for i in 0..8 {
        let path = format!("{base}{}", heavy[i % heavy.len()]);
        let (stop, done) = (stop.clone(), heavy_done.clone());
        clients.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let (status, body, _) = common::get(&path);
                // A heavy request may be refused (503) when its pool is full;
                // it never fails otherwise.
                assert!(status == 200 || status == 503, "{path}: {status} {body}");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut times = Vec::new();
    for q in [
        "予算",
        "除雪",
        "子ども",
        "地域福祉",
        "こうみんかん",
        "公民館 図書館",
    ] {
        for _ in 0..5 {
            let started = Instant::now();
            let (status, body, _) = common::get(&format!("{base}/api/search?q={}", common::enc(q)));
            let took = started.elapsed();
            assert_eq!(status, 200, "{q}: {body}");
            assert!(
                took < STARVED_BOUND,
                "{q} waited {took:?} beside heavy requests"
            );
            times.push(took);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    times.sort();
    eprintln!(
        "searches beside 8 heavy clients ({} heavy requests done): p50 {:?}, max {:?}",
        heavy_done.load(Ordering::Relaxed),
        percentile(&times, 0.5),
        times.last().unwrap()
    );
}

#[test]
fn the_cli_answers_the_words_that_aborted_it() {
    let Some(k) = kiryu() else { return };
    for q in ["子ども", "こども", "ｺﾄﾞﾓ"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_plansearch"))
            .args(["search", "--json", "--index"])
            .arg(k.dir.path())
            .arg(q)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["total"].as_u64().unwrap() > 1_000, "{q}: {}", v["total"]);
    }
}

/// NFKC, no white space, lowercase: how `count_exactness.py` compares.
fn oracle_norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Every strict hit of `q` (section ids), paging as a client would.
fn strict_hits(engine: &Engine, q: &str) -> (usize, BTreeSet<String>) {
    let mut got = BTreeSet::new();
    let mut offset = 0;
    loop {
        let mut req = SearchRequest::new(q);
        req.limit = 100;
        req.offset = offset;
        req.facets = false;
        req.snippets = false;
        req.partial = false;
        let r = engine.search(&req).unwrap();
        got.extend(r.hits.iter().map(|h| h.section_id.clone()));
        offset += 100;
        if offset >= r.total.min(5_000) {
            return (r.total, got);
        }
    }
}

/// `../shared/eval/count_exactness.py` in Rust: for one-word compounds, the
/// strict hits against the passages whose text holds the word or a synonym
/// of it (#22: precision ≥ 0.95, recall ≥ 0.98; it was 0.65).
#[test]
fn counts_hold_the_word_typed() {
    use tantivy::schema::Value;
    let Some(k) = kiryu() else { return };
    let shared = common::shared_dir().unwrap();
    let searcher = k.engine.searcher();
    let f = &k.engine.handle.fields;
    let all = searcher
        .search(
            &tantivy::query::AllQuery,
            &tantivy::collector::DocSetCollector,
        )
        .unwrap();
    let mut passages: Vec<(String, String)> = Vec::with_capacity(all.len());
    for addr in all {
        let doc: tantivy::TantivyDocument = searcher.doc(addr).unwrap();
        let get = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let text = oracle_norm(&format!("{}\n{}", get(f.section_title), get(f.text)));
        passages.push((get(f.section_id), text));
    }
    let groups: Vec<Vec<String>> = plansearch::analysis::synonyms::BUILTIN
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split([',', '\t'])
                .map(oracle_norm)
                .filter(|m| !m.is_empty())
                .collect()
        })
        .collect();
    let compounds = std::fs::read_to_string(shared.join("eval/compounds.txt")).unwrap();
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for q in compounds
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut forms = vec![oracle_norm(q)];
        for g in &groups {
            if g.contains(&forms[0]) {
                forms.extend(g.iter().cloned());
            }
        }
        let relevant: BTreeSet<&str> = passages
            .iter()
            .filter(|(_, t)| forms.iter().any(|f| t.contains(f.as_str())))
            .map(|(id, _)| id.as_str())
            .collect();
        let (total, got) = strict_hits(&k.engine, q);
        let hit = got
            .iter()
            .filter(|id| relevant.contains(String::as_str(id)))
            .count();
        let p = if got.is_empty() {
            f64::from(u8::from(relevant.is_empty()))
        } else {
            hit as f64 / got.len() as f64
        };
        let r = if relevant.is_empty() {
            1.0
        } else {
            hit as f64 / relevant.len() as f64
        };
        eprintln!(
            "{q}\ttotal={total}\trelevant={}\tprecision={p:.2}\trecall={r:.2}",
            relevant.len()
        );
        precisions.push(p);
        recalls.push(r);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (p, r) = (mean(&precisions), mean(&recalls));
    eprintln!(
        "count exactness over {} compounds: precision {p:.3}, recall {r:.3}",
        precisions.len()
    );
    assert!(p >= 0.95, "precision {p:.3}");
    assert!(r >= 0.98, "recall {r:.3}");
}

/// Sentences typed as questions find their passages (#22): each content
/// chunk where it is written, the request ending no requirement.
#[test]
fn sentences_typed_as_questions_find_passages() {
    let Some(k) = kiryu() else { return };
    for q in [
        "小中学校の普通教室にエアコンを設置してほしい",
        "免許を返納した高齢者の移動手段をどう確保するか",
        "耕作放棄地を解消するための市の取り組み",
    ] {
        let r = k.engine.search(&SearchRequest::new(q)).unwrap();
        assert!(r.total >= 3, "{q}: {} hits, {:?}", r.total, r.searched);
        assert_eq!(r.searched.sentences, vec![q.to_string()]);
        let chunks: Vec<&str> = r.searched.chunks.iter().map(|c| c.chunk.as_str()).collect();
        assert!(
            !chunks
                .iter()
                .any(|c| c.contains("ほしい") || c.contains("ため")),
            "{chunks:?}"
        );
    }
}

/// A word with matches of its own is never replaced by a suggestion (#22).
#[test]
fn did_you_mean_never_replaces_a_word_that_has_matches() {
    let Some(k) = kiryu() else { return };
    let r = k
        .engine
        .search(&SearchRequest::new("空き家バンク 移住 補助"))
        .unwrap();
    if let Some(s) = &r.did_you_mean {
        assert!(s.contains("移住") && s.contains("補助"), "{s}");
    }
}
