//! Admin endpoints (token, off without one), metrics, request ids.

mod common;

use common::{analyzer, enc, get, get_json, serve, serve_state};
use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::Engine;
use plansearch::server::{AppState, ServerConfig};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn admin_reindex_needs_the_token_and_picks_up_changes() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    write(
        archive.path(),
        "a.txt",
        "令和5年度 架空市 企画部の運営方針\n\n公民連携による駅前広場の整備を進めます。\n",
    );
    let opts = IndexOptions {
        progress: false,
        ..Default::default()
    };
    writer::index_archive(archive.path(), index.path(), &analyzer(), &opts).unwrap();
    let engine = Engine::new(
        IndexHandle::open(index.path(), analyzer()).unwrap(),
        Synonyms::builtin(),
    );
    let state = AppState::new(engine, ServerConfig::default())
        .with_admin("s3cret-token".into(), Some(archive.path().to_path_buf()));
    let base = serve_state(state);
    let url = format!("{base}/api/admin/reindex");

    // No token, wrong token: 401; the archive is untouched.
    let r = agent().post(&url).send_empty().unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = agent()
        .post(&url)
        .header("Authorization", "Bearer nope")
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    write(
        archive.path(),
        "b.txt",
        "令和6年度 架空市 総務部の運営方針\n\nドローンを活用した橋梁点検を始めます。\n",
    );
    let r = agent()
        .post(&url)
        .header("Authorization", "Bearer s3cret-token")
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    // The new document becomes searchable without a restart.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, v) = get_json(&format!("{base}/api/search?q={}", enc("橋梁点検")));
        if v["strict_total"].as_u64() == Some(1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "reindexed document never appeared: {v}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let mut r = agent()
        .get(&url)
        .header("Authorization", "Bearer s3cret-token")
        .call()
        .unwrap();
    let status: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(status["running"], false);
    assert_eq!(status["last_report"]["added"], 1);
    assert_eq!(status["last_report"]["unchanged"], 1);
}

#[test]
fn admin_endpoints_are_off_without_a_token_and_metrics_count_requests() {
    let base = serve(common::engine(&[common::doc(
        "a.txt",
        "架空市",
        2022,
        "企画部",
        &[("広報", "広報誌を刷新します。")],
    )]));
    let r = agent()
        .post(&format!("{base}/api/admin/reindex"))
        .header("Authorization", "Bearer x")
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    let resp = agent()
        .get(&format!("{base}/api/search?q={}", enc("広報")))
        .call()
        .unwrap();
    let id = resp
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap()
        .to_string();
    assert!(!id.is_empty());
    get(&format!("{base}/api/search?q=")); // a 400
    let (status, body, ct) = get(&format!("{base}/metrics"));
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    assert!(
        body.contains(r#"plansearch_http_requests_total{route="/api/search",status="200"} 1"#),
        "{body}"
    );
    assert!(
        body.contains(r#"plansearch_http_requests_total{route="/api/search",status="400"} 1"#),
        "{body}"
    );
    // Both searches are in the latency histogram's last bucket.
    assert!(
        body.lines().any(|l| {
            l.starts_with("plansearch_http_request_duration_seconds_bucket{")
                && l.contains(r#"route="/api/search""#)
                && l.contains(r#"le="+Inf""#)
                && l.ends_with(" 2")
        }),
        "{body}"
    );
    assert!(body.contains("plansearch_index_documents 1"));
    assert!(body.contains("plansearch_index_passages 1"));
}
