//! Shared test helpers.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use plansearch::analysis::normalize::{normalize, normalize_inline};
use plansearch::analysis::synonyms::Synonyms;
use plansearch::analysis::{Analyzer, DictionaryConfig};
use plansearch::index::IndexHandle;
use plansearch::index::document::PassageDoc;
use plansearch::index::writer::{PreparedDoc, doc_id_for, to_tantivy_docs};
use plansearch::meta::{DocMeta, Source, Sourced};
use plansearch::search::Engine;
use plansearch::sections::Section;

pub fn analyzer() -> Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| {
        Analyzer::load(&DictionaryConfig::default())
            .expect("the IPADIC dictionary (apt-get install mecab-ipadic)")
    })
    .clone()
}

/// `../shared`, or `None` (test skipped) when it is missing outside CI.
/// Under `CI=true` a missing `../shared` fails the test.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared is missing, and CI=true requires it");
    }
    eprintln!("skipping: ../shared is not present");
    None
}

fn text(v: &str) -> Option<Sourced<String>> {
    (!v.is_empty()).then(|| Sourced {
        value: v.to_string(),
        source: Source::Manifest,
    })
}

/// A document for hand-built test indexes.
pub fn doc(
    rel: &str,
    city: &str,
    year: i64,
    department: &str,
    sections: &[(&str, &str)],
) -> PreparedDoc {
    PreparedDoc {
        doc_id: doc_id_for(rel),
        rel: rel.to_string(),
        fingerprint: "test".to_string(),
        meta: DocMeta {
            city: text(city),
            prefecture: text("架空県"),
            year: Some(Sourced {
                value: year,
                source: Source::Manifest,
            }),
            department: text(department),
            title: text(&format!("{city} {year}年度 {department} 運営方針")),
            ..Default::default()
        },
        sections: sections
            .iter()
            .map(|(t, x)| Section {
                title: normalize_inline(t),
                text: normalize(x),
                place: None,
                page_breaks: Vec::new(),
                page_labels: Vec::new(),
                speech: None,
            })
            .collect(),
        format: plansearch::archive::Format::Text,
        pages: None,
    }
}

/// An in-memory engine over the given documents.
pub fn engine(docs: &[PreparedDoc]) -> Engine {
    let handle = IndexHandle::in_memory(analyzer()).unwrap();
    let mut writer: tantivy::IndexWriter<PassageDoc> = handle.index.writer(50_000_000).unwrap();
    for d in docs {
        for t in to_tantivy_docs(&handle.fields, d) {
            writer.add_document(t).unwrap();
        }
    }
    writer.commit().unwrap();
    handle.reader.reload().unwrap();
    Engine::new(handle, Synonyms::builtin())
}

/// A real server on 127.0.0.1 (random port) over `engine`; stops with the test process.
pub fn serve(engine: Engine) -> String {
    use plansearch::server::{AppState, ServerConfig};
    serve_state(AppState::new(engine, ServerConfig::default()))
}

/// A real server on 127.0.0.1 (random port) with the given state.
pub fn serve_state(state: plansearch::server::AppState) -> String {
    let addr = spawn_on_loopback(move |listener| async move {
        axum::serve(listener, plansearch::server::router(state))
            .await
            .unwrap();
    });
    format!("http://{addr}")
}

/// Runs `serve` on a listener bound to 127.0.0.1 (random port), on a
/// runtime thread of its own that lives as long as the test process;
/// returns the bound address.
pub fn spawn_on_loopback<F, Fut>(serve: F) -> std::net::SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            serve(listener).await;
        });
    });
    rx.recv().unwrap()
}

/// GET → (status, body text, content-type).
pub fn get(url: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent.get(url).call().expect("request reaches the server");
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, body, ct)
}

/// GET → (status, JSON).
pub fn get_json(url: &str) -> (u16, serde_json::Value) {
    let (status, body, _) = get(url);
    let v = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (status, v)
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `../shared/corpus` indexed into a temporary directory.
pub struct SharedCorpus {
    /// Keeps the index directory alive.
    pub dir: tempfile::TempDir,
    pub engine: Engine,
    /// `../shared`.
    pub shared: PathBuf,
    pub report: plansearch::index::IndexReport,
}

/// Indexes `../shared/corpus`; `None` when `../shared` is missing outside
/// CI (see [`shared_dir`]).
pub fn index_shared_corpus() -> Option<SharedCorpus> {
    let shared = shared_dir()?;
    let dir = tempfile::tempdir().unwrap();
    let analyzer = analyzer();
    let report = plansearch::index::writer::index_archive(
        &shared.join("corpus"),
        dir.path(),
        &analyzer,
        &index_options(),
    )
    .expect("the corpus indexes");
    let handle = IndexHandle::open(dir.path(), analyzer).unwrap();
    Some(SharedCorpus {
        dir,
        engine: Engine::new(handle, Synonyms::builtin()),
        shared,
        report,
    })
}

/// Indexing options for tests: quiet, two threads, a small writer budget.
pub fn index_options() -> plansearch::index::IndexOptions {
    plansearch::index::IndexOptions {
        progress: false,
        threads: 2,
        memory_budget: 64 * 1024 * 1024,
        ..Default::default()
    }
}

/// Indexes `archive` into `index`; panics on failure.
pub fn index_into(
    archive: &std::path::Path,
    index: &std::path::Path,
) -> plansearch::index::IndexReport {
    plansearch::index::writer::index_archive(archive, index, &analyzer(), &index_options())
        .expect("indexing succeeds")
}

/// A child process killed when dropped (also when the test fails).
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` every 50 ms until it holds; fails after `limit`. Returns
/// how long it took.
pub fn wait_until(
    limit: std::time::Duration,
    what: &str,
    mut check: impl FnMut() -> bool,
) -> std::time::Duration {
    let started = std::time::Instant::now();
    loop {
        if check() {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "not within {limit:?}: {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The real `plansearch serve` binary on a free 127.0.0.1 port, with `args`
/// after `serve`: the process and its base URL.
pub fn serve_binary(index: &std::path::Path, args: &[&str]) -> (KillOnDrop, String) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    serve_binary_with(index, &args, &[])
}

/// [`serve_binary`] with arguments that may be paths, and environment
/// variables.
pub fn serve_binary_with(
    index: &std::path::Path,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &str)],
) -> (KillOnDrop, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .arg("serve")
        .args(args)
        .arg("--index")
        .arg(index)
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (KillOnDrop(child), format!("http://127.0.0.1:{port}"))
}
