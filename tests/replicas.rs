//! Replicas (#12 §4): `plansearch index` is the only writer; any number of
//! `serve --read-only` servers read one index directory, never write it,
//! and each moves to every new commit on its own. `/healthz` says which
//! commit a server is on, so replicas can be seen to agree.

mod common;
#[path = "support/fictional.rs"]
mod fictional;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::KillOnDrop;
use std::time::{Duration, SystemTime};

fn index_binary(archive: &Path, index: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .arg("index")
        .arg(archive)
        .arg("--index")
        .arg(index)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn replica(index: &Path) -> (KillOnDrop, String) {
    common::serve_binary(index, &["--read-only"])
}

fn health(base: &str) -> Option<serde_json::Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(&format!("{base}/healthz")).call().ok()?;
    serde_json::from_str(&r.body_mut().read_to_string().ok()?).ok()
}

/// Every file of the index directory with its size and mtime.
fn snapshot(index: &Path) -> BTreeMap<String, (u64, SystemTime)> {
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                (m.len(), m.modified().unwrap()),
            )
        })
        .collect()
}

#[test]
fn two_read_only_servers_move_to_each_new_commit_and_never_write() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    fictional::generate(archive.path(), 0..4, 1);
    index_binary(archive.path(), index.path());
    let before = snapshot(index.path());

    let (_a, a) = replica(index.path());
    let (_b, b) = replica(index.path());
    for base in [&a, &b] {
        common::wait_until(Duration::from_secs(60), "the replica is up", || {
            health(base).is_some()
        });
    }
    let (ha, hb) = (health(&a).unwrap(), health(&b).unwrap());
    assert_eq!(ha["read_only"], true, "{ha}");
    assert_eq!(ha["commit"]["latest"], true, "{ha}");
    assert!(ha["commit"]["opstamp"].as_u64().is_some(), "{ha}");
    assert!(ha["commit"]["committed_at"].as_u64().is_some(), "{ha}");
    assert_eq!(ha["commit"], hb["commit"], "replicas of one index agree");
    let first_commit = ha["commit"]["id"].clone();

    // Searching writes nothing either.
    let added_before = fictional::Doc::nth(1, 1);
    for base in [&a, &b] {
        let (status, _) = common::get_json(&format!("{base}/api/search?q={}", added_before.marker));
        assert_eq!(status, 200);
    }
    assert_eq!(
        snapshot(index.path()),
        before,
        "read-only servers wrote nothing"
    );

    // The writer commits; both replicas move to the new commit on their own.
    let added = fictional::generate(archive.path(), 4..5, 1).remove(0);
    let report = index_binary(archive.path(), index.path());
    assert_eq!(report["added"], 1, "{report}");
    for base in [&a, &b] {
        common::wait_until(
            Duration::from_secs(15),
            "the replica moves to the new commit",
            || {
                health(base).is_some_and(|h| {
                    h["commit"]["id"] != first_commit && h["commit"]["latest"] == true
                })
            },
        );
        let (_, body) = common::get_json(&format!("{base}/api/search?q={}", added.marker));
        assert_eq!(body["hits"][0]["file"], added.rel.as_str(), "{body}");
    }
    let (ha, hb) = (health(&a).unwrap(), health(&b).unwrap());
    assert_eq!(ha["commit"], hb["commit"]);
    assert!(ha["commit"]["opstamp"].as_u64() > Some(0));
}

#[test]
fn read_only_refuses_to_update_an_archive() {
    let index = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .args(["serve", "--read-only", "--archive", "x", "--index"])
        .arg(index.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--read-only") && err.contains("--archive"),
        "{err}"
    );
}
