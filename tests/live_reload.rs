//! A running server picks up new commits without a restart, and keeps
//! answering every search while a reindex commits into its directory.

mod common;
#[path = "support/fictional.rs"]
mod fictional;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexReport};
use plansearch::search::Engine;

fn run(archive: &Path, index: &Path) -> IndexReport {
    common::index_into(archive, index)
}

/// An in-process server over the on-disk index (opened as `serve` does).
fn serve_dir(index: &Path) -> String {
    let handle = IndexHandle::open(index, common::analyzer()).unwrap();
    common::serve(Engine::new(handle, Synonyms::builtin()))
}

/// Files of the hits of `/api/search?q=word` whose text holds `word`.
fn files_with(base: &str, word: &str) -> Vec<String> {
    let url = format!(
        "{base}/api/search?q={}&include=text&limit=100",
        common::enc(word)
    );
    let (status, v) = common::get_json(&url);
    assert_eq!(status, 200, "{v}");
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["text"].as_str().is_some_and(|t| t.contains(word)))
        .map(|h| h["file"].as_str().unwrap().to_string())
        .collect()
}

/// Polls until `check` holds, at most `limit`; returns how long it took.
#[test]
fn a_served_index_shows_a_new_commit_without_restart() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..5, 2);
    run(archive.path(), index.path());
    let base = serve_dir(index.path());
    assert_eq!(files_with(&base, &docs[1].marker), [docs[1].rel.clone()]);

    // While serving: one document added, one deleted, one changed.
    let added = fictional::generate(archive.path(), 5..6, 2).remove(0);
    std::fs::remove_file(archive.path().join(&docs[1].rel)).unwrap();
    let mut changed = docs[3].clone();
    changed.marker = "ヌシンキル".to_string();
    changed.write(archive.path());
    let r = run(archive.path(), index.path());
    assert_eq!((r.added, r.updated, r.deleted), (1, 1, 1), "{r:?}");

    let took = common::wait_until(
        Duration::from_secs(10),
        "the new document is served",
        || files_with(&base, &added.marker) == [added.rel.clone()],
    );
    eprintln!(
        "new commit visible to the server after {} ms",
        took.as_millis()
    );
    // The same commit: all of it is visible together.
    assert!(files_with(&base, &docs[1].marker).is_empty());
    assert_eq!(files_with(&base, "ヌシンキル"), [changed.rel.clone()]);
    assert!(files_with(&base, &docs[3].marker).is_empty());
    let (_, health) = common::get_json(&format!("{base}/healthz"));
    assert_eq!(health["passages"].as_u64(), Some(r.passages));
}

#[test]
fn the_serve_binary_shows_a_commit_of_the_index_binary_without_restart() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_plansearch");
    fictional::generate(archive.path(), 0..3, 1);
    let status = Command::new(bin)
        .arg("index")
        .arg(archive.path())
        .arg("--index")
        .arg(index.path())
        .arg("--json")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    let (_server, base) = common::serve_binary(index.path(), &[]);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    common::wait_until(Duration::from_secs(60), "the server is up", || {
        agent
            .get(&format!("{base}/healthz"))
            .call()
            .is_ok_and(|r| r.status() == 200)
    });

    let added = fictional::generate(archive.path(), 3..4, 1).remove(0);
    assert!(files_with(&base, &added.marker).is_empty());
    let out = Command::new(bin)
        .arg("index")
        .arg(archive.path())
        .arg("--index")
        .arg(index.path())
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 1, "{report}");
    let took = common::wait_until(Duration::from_secs(10), "the served index shows it", || {
        files_with(&base, &added.marker) == [added.rel.clone()]
    });
    eprintln!(
        "`plansearch serve` showed the `plansearch index` commit after {} ms",
        took.as_millis()
    );
}

#[test]
fn no_search_fails_while_a_reindex_commits_under_load() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..200, 3);
    run(archive.path(), index.path());
    let base = serve_dir(index.path());

    const CLIENTS: usize = 4;
    let stop = Arc::new(AtomicBool::new(false));
    let reindexing = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let during_reindex = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let queries: Vec<String> = vec![
        "避難所 停電".into(),
        "待機児童".into(),
        "公共交通".into(),
        "\"市営住宅\"".into(),
        "図書館 -学習".into(),
        docs[7].marker.clone(),
        "ヌカイテイル".into(), // appears with the reindex
    ];
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (base, stop, reindexing, sent, during, failures, queries) = (
                base.clone(),
                stop.clone(),
                reindexing.clone(),
                sent.clone(),
                during_reindex.clone(),
                failures.clone(),
                queries.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut n = c;
                while !stop.load(Ordering::Relaxed) {
                    let q = &queries[n % queries.len()];
                    let city = format!("&city={}", common::enc("架空市"));
                    let extra = ["", city.as_str(), "&sort=year_desc", "&year_from=2020"];
                    let url = format!(
                        "{base}/api/search?q={}{}",
                        common::enc(q),
                        extra[(n / queries.len()) % extra.len()]
                    );
                    n += 1;
                    let in_reindex = reindexing.load(Ordering::Relaxed);
                    let outcome = match agent.get(&url).call() {
                        Err(e) => Err(format!("{url}: transport error {e}")),
                        Ok(mut resp) => {
                            let status = resp.status().as_u16();
                            let body = resp.body_mut().read_to_string().unwrap_or_default();
                            match serde_json::from_str::<serde_json::Value>(&body) {
                                Ok(v) if status == 200 && v["hits"].is_array() => Ok(()),
                                _ => Err(format!("{url}: {status} {body}")),
                            }
                        }
                    };
                    sent.fetch_add(1, Ordering::Relaxed);
                    if in_reindex || reindexing.load(Ordering::Relaxed) {
                        during.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Err(e) = outcome {
                        failures.lock().unwrap().push(e);
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(500));
    // Reindexes that commit while the clients search: changes, additions
    // and deletions each time.
    let started = Instant::now();
    reindexing.store(true, Ordering::Relaxed);
    let mut changed = docs[11].clone();
    changed.marker = "ヌカイテイル".into();
    changed.write(archive.path());
    for d in &docs[20..40] {
        let mut d = d.clone();
        d.paras = 5;
        d.write(archive.path());
    }
    fictional::generate(archive.path(), 200..240, 3);
    for d in &docs[150..160] {
        std::fs::remove_file(archive.path().join(&d.rel)).unwrap();
    }
    let r = run(archive.path(), index.path());
    assert_eq!((r.added, r.updated, r.deleted), (40, 21, 10), "{r:?}");
    // Then smaller commits, enough of them for tantivy to merge segments
    // (and delete the merged ones) under the server's feet.
    let mut last = r;
    let mut commits = 1;
    for k in 0..6 {
        for d in &docs[40 + 10 * k..50 + 10 * k] {
            let mut d = d.clone();
            d.paras = 1 + k % 2; // generated with 3
            d.write(archive.path());
        }
        fictional::generate(archive.path(), 240 + 4 * k..244 + 4 * k, 2);
        for d in &docs[100 + 2 * k..102 + 2 * k] {
            std::fs::remove_file(archive.path().join(&d.rel)).unwrap();
        }
        last = run(archive.path(), index.path());
        assert_eq!(
            (last.added, last.updated, last.deleted),
            (4, 10, 2),
            "{last:?}"
        );
        commits += 1;
    }
    assert_eq!(last.documents, 200 + 40 - 10 + 6 * (4 - 2));
    // Keep searching through the server's reload of the last commit.
    let visible = common::wait_until(Duration::from_secs(10), "the reindex is served", || {
        let (_, h) = common::get_json(&format!("{base}/healthz"));
        h["passages"].as_u64() == Some(last.passages)
    });
    std::thread::sleep(Duration::from_millis(500));
    reindexing.store(false, Ordering::Relaxed);
    let reindex_time = started.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }

    let failures = failures.lock().unwrap();
    let sent = sent.load(Ordering::Relaxed);
    let during = during_reindex.load(Ordering::Relaxed);
    let segments = std::fs::read_to_string(index.path().join("meta.json"))
        .unwrap()
        .matches("segment_id")
        .count();
    eprintln!(
        "{CLIENTS} clients sent {sent} searches, {during} of them during {commits} reindex \
         commits ({} ms, {segments} segment(s) after merges; served {} ms after the last \
         commit); {} failed",
        reindex_time.as_millis(),
        visible.as_millis(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(
        during >= 20,
        "too few searches overlapped the reindex: {during}"
    );
    assert_eq!(files_with(&base, "ヌカイテイル"), [changed.rel.clone()]);
    assert!(files_with(&base, &docs[155].marker).is_empty());
}

/// `plansearch_requests_in_flight` from `/metrics` (the scrape included).
fn in_flight(agent: &ureq::Agent, base: &str) -> Option<u64> {
    let body = agent
        .get(&format!("{base}/metrics"))
        .call()
        .ok()?
        .body_mut()
        .read_to_string()
        .ok()?;
    body.lines()
        .find_map(|l| l.strip_prefix("plansearch_requests_in_flight "))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn sigterm_stops_serve_cleanly_without_breaking_requests_in_flight() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    fictional::generate(archive.path(), 0..60, 3);
    common::index_into(archive.path(), index.path());
    let (mut server, base) = common::serve_binary(index.path(), &[]);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    common::wait_until(Duration::from_secs(60), "the server is up", || {
        agent
            .get(&format!("{base}/healthz"))
            .call()
            .is_ok_and(|r| r.status() == 200)
    });
    let url = format!("{base}/api/search.csv?q={}", common::enc("計画"));
    let expected_rows = {
        let body = agent
            .get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        body.lines().count()
    };
    assert!(expected_rows > 10, "{expected_rows}");
    // Batches of slow requests (full CSV exports), each client sending one,
    // until SIGTERM is sent while all of them are being answered. Every
    // request the server had taken must come back whole. (A request still in
    // the kernel's accept queue, or written to a keep-alive connection the
    // server is closing, may be reset: that is TCP, and the reason the
    // signal waits for all four.)
    const CLIENTS: u64 = 4;
    let mut results = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut signalled = false;
    while !signalled {
        assert!(
            Instant::now() < deadline,
            "never caught a request in flight"
        );
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (agent, url) = (agent.clone(), url.clone());
                std::thread::spawn(move || {
                    let mut r = agent.get(&url).call().map_err(|e| e.to_string())?;
                    let status = r.status().as_u16();
                    let body = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
                    Ok::<_, String>((status, body))
                })
            })
            .collect();
        let batch_started = Instant::now();
        while batch_started.elapsed() < Duration::from_secs(5) {
            // The scrape itself is one; the clients are the rest.
            if in_flight(&agent, &base).is_some_and(|n| n > CLIENTS) {
                let sent = Command::new("kill")
                    .arg("-TERM")
                    .arg(server.0.id().to_string())
                    .status()
                    .unwrap();
                assert!(sent.success());
                signalled = true;
                break;
            }
            if clients.iter().all(|c| c.is_finished()) {
                break;
            }
        }
        results.extend(clients.into_iter().map(|c| c.join().unwrap()));
    }
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "serve did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    for r in &results {
        let (status, body) = r
            .as_ref()
            .expect("a request in flight at SIGTERM was dropped");
        assert_eq!(*status, 200);
        assert!(body.starts_with('\u{feff}'));
        assert_eq!(body.lines().count(), expected_rows, "a complete export");
    }
    assert!(status.success(), "serve exits 0 on SIGTERM: {status:?}");
    // Stopped: nothing answers any more.
    assert!(agent.get(&format!("{base}/healthz")).call().is_err());
}
