//! Faults survived (#12 §2): a full disk during an update, and an update
//! that fails under `serve --archive`. The previous index keeps serving
//! and the next run after the fault is fixed succeeds.

mod common;
#[path = "support/fictional.rs"]
mod fictional;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::IndexHandle;
use plansearch::search::{Engine, SearchRequest};

/// Files of the passages a search for `word` finds.
fn files_with(index: &Path, word: &str) -> BTreeSet<String> {
    let handle = IndexHandle::open(index, common::analyzer()).expect("the index opens");
    let engine = Engine::new(handle, Synonyms::builtin());
    let mut req = SearchRequest::new(word);
    req.limit = 100;
    req.include_text = true;
    let resp = engine.search(&req).unwrap();
    resp.hits
        .into_iter()
        .filter(|h| h.text.as_deref().is_some_and(|t| t.contains(word)))
        .map(|h| h.file)
        .collect()
}

/// Segment files in `index` that its meta.json does not list.
fn uncommitted_files(index: &Path) -> Vec<String> {
    let meta = std::fs::read_to_string(index.join("meta.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let committed: BTreeSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| {
            let stem = name.split('.').next().unwrap();
            stem.len() == 32
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
                && !committed.contains(stem)
        })
        .collect()
}

/// A tmpfs of `size` mounted on `dir` for the life of the value.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_full_disk_fails_clearly_keeps_the_previous_index_and_the_next_run_succeeds() {
    if !is_root() {
        eprintln!("skipping: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let archive = tempfile::tempdir().unwrap();
    let mount_point = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(mount_point.path(), "3m") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("cannot mount a tmpfs under CI");
        }
        eprintln!("skipping: cannot mount a tmpfs here (no CAP_SYS_ADMIN)");
        return;
    };
    let index = mount_point.path().join("index");
    let first = fictional::generate(archive.path(), 0..3, 1);
    let r = common::index_into(archive.path(), &index);
    assert_eq!(r.added, 3);

    // Far more than 3 MB of index: the update cannot fit.
    let more = fictional::generate(archive.path(), 3..400, 40);
    let err = plansearch::index::writer::index_archive(
        archive.path(),
        &index,
        &common::analyzer(),
        &common::index_options(),
    )
    .expect_err("the update cannot fit on the disk");
    let message = err.to_string();
    assert!(message.contains("disk space"), "{message}");
    assert!(message.contains("previous index is unchanged"), "{message}");
    assert_eq!(
        uncommitted_files(&index),
        Vec::<String>::new(),
        "what the failed run wrote is removed"
    );
    // The previous index still opens and answers.
    assert_eq!(
        files_with(&index, &first[1].marker),
        BTreeSet::from([first[1].rel.clone()])
    );
    assert!(files_with(&index, &more[0].marker).is_empty());

    // Space freed: the next run succeeds and has everything.
    disk.resize("400m");
    let r = common::index_into(archive.path(), &index);
    assert_eq!(r.added, 397, "{r:?}");
    assert_eq!(
        files_with(&index, &more[10].marker),
        BTreeSet::from([more[10].rel.clone()])
    );
    drop(disk);
}

#[test]
fn serve_archive_serves_the_existing_index_when_its_update_fails_and_reports_it() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..3, 1);
    common::index_into(archive.path(), index.path());
    // A manifest whose header is not the documented one is fatal for an
    // update.
    std::fs::write(archive.path().join("manifest.csv"), "file,city\na.md,x\n").unwrap();

    let token = "test-token";
    let (_server, base) = common::serve_binary_with(
        index.path(),
        &["--archive".as_ref(), archive.path().as_os_str()],
        &[("PLANSEARCH_ADMIN_TOKEN", token)],
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let health = || -> Option<serde_json::Value> {
        let mut r = agent.get(&format!("{base}/healthz")).call().ok()?;
        serde_json::from_str(&r.body_mut().read_to_string().ok()?).ok()
    };
    common::wait_until(Duration::from_secs(60), "the server is up", || {
        health().is_some()
    });
    let h = health().unwrap();
    assert_eq!(h["update"]["failed"], true, "{h}");
    let error = h["update"]["last_error"].as_str().unwrap();
    assert!(error.contains("manifest"), "{error}");
    let (status, body) = common::get_json(&format!("{base}/api/search?q={}", docs[2].marker));
    assert_eq!(status, 200);
    assert_eq!(body["hits"][0]["file"], docs[2].rel.as_str(), "{body}");

    // Fixed, then retried through the admin endpoint.
    std::fs::remove_file(archive.path().join("manifest.csv")).unwrap();
    let added = fictional::generate(archive.path(), 3..4, 1).remove(0);
    let resp = agent
        .post(&format!("{base}/api/admin/reindex"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_empty()
        .unwrap();
    assert_eq!(resp.status(), 202);
    common::wait_until(
        Duration::from_secs(60),
        "the retried update succeeds",
        || {
            health()
                .is_some_and(|h| h["update"]["failed"] == false && h["update"]["running"] == false)
        },
    );
    common::wait_until(
        Duration::from_secs(10),
        "the new document is served",
        || {
            common::get_json(&format!("{base}/api/search?q={}", added.marker)).1["hits"][0]["file"]
                == added.rel.as_str()
        },
    );
}
