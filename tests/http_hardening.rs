//! Requests that cannot starve each other, and refusals that are always
//! the documented JSON error with the security headers (#12 §3).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::doc;
use plansearch::server::{AppState, ServerConfig};

fn state(config: ServerConfig) -> AppState {
    let docs = [
        doc(
            "a.txt",
            "架空市",
            2020,
            "総務部",
            &[("委員会", "委員会の運営を見直します。")],
        ),
        doc(
            "b.txt",
            "見本市",
            2021,
            "総務部",
            &[("委員会", "委員会を設置します。")],
        ),
    ];
    AppState::new(common::engine(&docs), config)
}

/// A raw HTTP/1.1 request → (status, lowercased head, body).
fn raw(base: &str, request: &str) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    (status, head.to_ascii_lowercase(), body.to_string())
}

fn get_req(path: &str, host: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
}

/// The documented error: JSON `{"error": {"code", "message"}}` and the
/// security headers.
fn assert_documented_error(status: u16, head: &str, body: &str, want: u16, code: &str) {
    assert_eq!(status, want, "{head}\n{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    for h in [
        "content-security-policy:",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
    ] {
        assert!(head.contains(h), "{want}: missing {h}\n{head}");
    }
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{want}: not JSON ({e}): {body:?}"));
    assert_eq!(v["error"]["code"], code, "{body}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[test]
fn every_error_status_has_the_json_body_and_the_security_headers() {
    let config = ServerConfig {
        max_concurrent_searches: 1,
        queue_timeout: Duration::from_millis(100),
        ..ServerConfig::default()
    };
    let state = state(config);
    let searches = state.searches.clone();
    let base = common::serve_state(state);
    let h = "localhost";

    let (s, head, body) = raw(&base, &get_req("/api/search?q=%22", h, ""));
    assert_documented_error(s, &head, &body, 400, "query_empty");
    let (s, head, body) = raw(&base, &get_req("/nope/at/all", h, ""));
    assert_documented_error(s, &head, &body, 404, "not_found");
    let (s, head, body) = raw(
        &base,
        &format!("DELETE /api/search?q=x HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"),
    );
    assert_documented_error(s, &head, &body, 405, "method_not_allowed");
    let (s, head, body) = raw(
        &base,
        &format!(
            "POST /api/admin/reindex HTTP/1.1\r\nHost: {h}\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_documented_error(s, &head, &body, 413, "payload_too_large");
    let long = format!("/api/search?q={}", "a".repeat(20_000));
    let (s, head, body) = raw(&base, &get_req(&long, h, ""));
    assert_documented_error(s, &head, &body, 414, "uri_too_long");
    let big = format!("X-Filler: {}\r\n", "b".repeat(40_000));
    let (s, head, body) = raw(&base, &get_req("/api/search?q=x", h, &big));
    assert_documented_error(s, &head, &body, 431, "headers_too_large");

    // Every search slot taken: 503 with Retry-After.
    let held = searches.try_acquire_many(1).unwrap();
    let (s, head, body) = raw(&base, &get_req("/api/search?q=委員会", h, ""));
    assert_documented_error(s, &head, &body, 503, "overloaded");
    assert!(head.contains("retry-after:"), "{head}");
    drop(held);
    let (s, _, body) = raw(
        &base,
        &get_req("/api/search?q=%E5%A7%94%E5%93%A1%E4%BC%9A", h, ""),
    );
    assert_eq!(s, 200, "{body}");
}

#[test]
fn heavy_requests_have_their_own_limit_and_never_take_the_slots_of_searches() {
    let config = ServerConfig {
        max_concurrent_searches: 2,
        max_concurrent_heavy: 1,
        queue_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let state = state(config);
    let heavy = state.heavy.clone();
    let base = common::serve_state(state);
    let q = "%E5%A7%94%E5%93%A1%E4%BC%9A"; // 委員会
    // A burst of heavy requests holds every heavy slot.
    let held = heavy.try_acquire_many(1).unwrap();
    for path in [
        format!("/api/trend?q={q}"),
        format!("/api/compare?q={q}"),
        format!("/api/search.csv?q={q}"),
    ] {
        let (s, head, body) = raw(&base, &get_req(&path, "localhost", ""));
        assert_documented_error(s, &head, &body, 503, "overloaded");
    }
    // Searches are not affected.
    for _ in 0..5 {
        let (s, _, body) = raw(
            &base,
            &get_req(&format!("/api/search?q={q}"), "localhost", ""),
        );
        assert_eq!(s, 200, "{body}");
    }
    drop(held);
    let (s, _, body) = raw(
        &base,
        &get_req(&format!("/api/trend?q={q}"), "localhost", ""),
    );
    assert_eq!(s, 200, "{body}");
    let trend: serde_json::Value = serde_json::from_str(&body).unwrap();
    let points = &trend["series"][0]["points"];
    assert_eq!(points[0]["year"], 2020, "{trend}");
    assert_eq!(points[0]["documents"], 1, "{trend}");
    assert_eq!(points[1]["documents"], 1, "{trend}");
}

#[test]
fn a_loopback_server_refuses_foreign_host_names() {
    let config = ServerConfig {
        loopback_hosts_only: true,
        ..ServerConfig::default()
    };
    let base = common::serve_state(state(config));
    let port = base.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "app.localhost".to_string(),
    ] {
        let (s, _, body) = raw(&base, &get_req("/healthz", &host, ""));
        assert_eq!(s, 200, "{host}: {body}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "127.0.0.1.attacker.example".to_string(),
        "192.168.1.10".to_string(),
    ] {
        let (s, head, body) = raw(&base, &get_req("/healthz", &host, ""));
        assert_documented_error(s, &head, &body, 403, "bad_host");
    }
    // A second Host header is checked too, and several must agree.
    for second in ["attacker.example", "127.0.0.1"] {
        let extra = format!("Host: {second}\r\n");
        let (s, head, body) = raw(&base, &get_req("/healthz", "localhost", &extra));
        assert_documented_error(s, &head, &body, 403, "bad_host");
    }
    let (s, _, body) = raw(
        &base,
        &get_req("/healthz", "localhost", "Host: localhost\r\n"),
    );
    assert_eq!(s, 200, "the same Host twice: {body}");
}

/// A server with the real connection handling (timeouts) of `serve`.
fn serve_timed(config: ServerConfig) -> String {
    let state = state(config);
    let addr = common::spawn_on_loopback(move |listener| async move {
        plansearch::server::serve_on(state, listener, std::future::pending())
            .await
            .unwrap();
    });
    addr.to_string()
}

/// Whether the server closed `s` (reads 0 bytes or fails) within `limit`.
fn closed_within(
    s: &mut TcpStream,
    limit: Duration,
    mut trickle: impl FnMut(&mut TcpStream),
) -> bool {
    let start = std::time::Instant::now();
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 256];
    while start.elapsed() < limit {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
        trickle(s);
    }
    false
}

#[test]
fn slow_requests_and_idle_connections_are_disconnected() {
    let config = ServerConfig {
        request_read_timeout: Duration::from_millis(800),
        idle_timeout: Duration::from_millis(800),
        ..ServerConfig::default()
    };
    let addr = serve_timed(config);

    // A normal request on the same server is answered.
    let (s, _, body) = raw(
        &format!("http://{addr}"),
        &get_req("/healthz", "localhost", ""),
    );
    assert_eq!(s, 200, "{body}");

    // Idle: connects and says nothing.
    let mut idle = TcpStream::connect(&addr).unwrap();
    assert!(
        closed_within(&mut idle, Duration::from_secs(20), |_| {}),
        "an idle connection is closed"
    );

    // Slowloris: a header that never ends, one byte at a time.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let closed = closed_within(&mut slow, Duration::from_secs(20), |s| {
        let _ = s.write_all(b"X");
    });
    assert!(closed, "a request that never finishes arriving is cut off");
}

/// Serves `app` with the application's layers (those of `router`).
fn serve_with_layers(app: axum::Router, config: ServerConfig) -> String {
    let app = plansearch::server::with_service_layers(app, &config);
    let addr = common::spawn_on_loopback(move |listener| async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

#[test]
fn a_panicking_handler_is_a_json_500_and_the_server_goes_on() {
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("injected panic");
                }
                "never"
            }),
        )
        .route("/ok", get(|| async { "ok" }));
    let base = serve_with_layers(app, ServerConfig::default());
    for _ in 0..3 {
        let (s, head, body) = raw(&base, &get_req("/boom", "localhost", ""));
        assert_documented_error(s, &head, &body, 500, "internal");
        let (s, _, body) = raw(&base, &get_req("/ok", "localhost", ""));
        assert_eq!((s, body.as_str()), (200, "ok"));
    }
}

/// An archive indexed on disk → (archive dir, index dir, state).
fn indexed_archive(
    files: &[(&std::path::Path, &str)],
    config: ServerConfig,
) -> (tempfile::TempDir, tempfile::TempDir, AppState) {
    use plansearch::analysis::synonyms::Synonyms;
    use plansearch::index::IndexHandle;
    use plansearch::search::Engine;
    let archive = tempfile::tempdir().unwrap();
    for (rel, body) in files {
        let path = archive.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let index = tempfile::tempdir().unwrap();
    common::index_into(archive.path(), index.path());
    let handle = IndexHandle::open(index.path(), common::analyzer()).unwrap();
    let state = AppState::new(Engine::new(handle, Synonyms::builtin()), config);
    (archive, index, state)
}

/// `/api/documents/{id}/original` streams from disk under a limit of its
/// own, never serves a hard link (it may point outside the archive), and
/// serves files whose names are not UTF-8.
#[test]
fn originals_stream_under_their_own_limit_and_refuse_hard_links() {
    use std::os::unix::ffi::OsStrExt;
    let plan = "令和6年度 架空市 企画部 運営方針\n1. 公共交通の再編\n地域交通を見直します。\n";
    let other = "令和5年度 見本市 総務部 運営方針\n1. 委員会\n委員会を設置します。\n";
    let sjis = "令和4年度 架空市 総務部 計画\n1. 防災\n防災訓練を行います。\n";
    // 「計画.txt」 in Shift_JIS: not UTF-8.
    let sjis_name = std::ffi::OsStr::from_bytes(b"\x8cv\x89\xe6.txt");
    let config = ServerConfig {
        max_concurrent_originals: 1,
        queue_timeout: Duration::from_millis(100),
        ..ServerConfig::default()
    };
    let (archive, _index, state) = indexed_archive(
        &[
            (std::path::Path::new("kakuu/plan.txt"), plan),
            (std::path::Path::new("mihon/other.txt"), other),
            (&std::path::Path::new("kakuu").join(sjis_name), sjis),
        ],
        config,
    );
    let originals = state.originals.clone();
    let base = common::serve_state(state);
    let (_, list) = common::get_json(&format!("{base}/api/documents"));
    let id_of = |pred: &dyn Fn(&str) -> bool| {
        list["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| pred(d["file"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("in {list}"))["doc_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let plan_id = id_of(&|f| f == "kakuu/plan.txt");
    let other_id = id_of(&|f| f == "mihon/other.txt");
    let sjis_id = id_of(&|f| f.contains('\u{fffd}'));
    let url = |id: &str| format!("/api/documents/{id}/original");

    let (s, head, body) = raw(&base, &get_req(&url(&plan_id), "localhost", ""));
    assert_eq!((s, body.as_str()), (200, plan), "{head}");
    assert!(
        head.contains(&format!("content-length: {}", plan.len())),
        "{head}"
    );

    // Every download slot taken: 503 with Retry-After, then served again.
    let held = originals.try_acquire_many(1).unwrap();
    let (s, head, body) = raw(&base, &get_req(&url(&plan_id), "localhost", ""));
    assert_documented_error(s, &head, &body, 503, "overloaded");
    assert!(head.contains("retry-after:"), "{head}");
    drop(held);

    // A name that is not UTF-8 is found on disk again.
    let (s, _, body) = raw(&base, &get_req(&url(&sjis_id), "localhost", ""));
    assert_eq!((s, body.as_str()), (200, sjis));

    // The file replaced by a hard link to a file outside the archive.
    let outside = tempfile::tempdir_in(archive.path().parent().unwrap()).unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "秘密").unwrap();
    let other_path = archive.path().join("mihon/other.txt");
    std::fs::remove_file(&other_path).unwrap();
    std::fs::hard_link(&secret, &other_path).unwrap();
    let (s, head, body) = raw(&base, &get_req(&url(&other_id), "localhost", ""));
    assert_documented_error(s, &head, &body, 404, "document_not_found");
    assert!(body.contains("hard link"), "{body}");
}

/// `app` with the application's layers and the real connection handling.
fn serve_router_timed(app: axum::Router, config: ServerConfig) -> String {
    let app = plansearch::server::with_service_layers(app, &config);
    let addr = common::spawn_on_loopback(move |listener| async move {
        plansearch::server::serve_router_on(app, &config, listener, std::future::pending())
            .await
            .unwrap();
    });
    addr.to_string()
}

#[test]
fn open_connections_are_capped() {
    let config = ServerConfig {
        max_connections: 2,
        ..ServerConfig::default()
    };
    let addr = serve_timed(config);
    // Two idle connections take every place.
    let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    // A third one waits in the backlog: not answered …
    let mut third = TcpStream::connect(&addr).unwrap();
    third
        .write_all(get_req("/healthz", "localhost", "").as_bytes())
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        third.read(&mut buf).is_err(),
        "a connection past the cap is not served"
    );
    // … until one of the others closes.
    drop(idle);
    third
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut out = Vec::new();
    let _ = third.read_to_end(&mut out);
    assert!(
        out.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn a_client_that_never_reads_its_response_is_disconnected() {
    use axum::routing::get;
    const BODY: usize = 48 * 1024 * 1024;
    let app = axum::Router::new().route("/big", get(|| async { vec![b'x'; BODY] }));
    let config = ServerConfig {
        write_timeout: Duration::from_millis(500),
        ..ServerConfig::default()
    };
    let addr = serve_router_timed(app, config);
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(get_req("/big", "localhost", "").as_bytes())
        .unwrap();
    // Never reads for a while: the server's write stalls and times out.
    std::thread::sleep(Duration::from_secs(3));
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut got = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    assert!(
        got < BODY,
        "the stalled response was cut off ({got} bytes read of {BODY})"
    );
}

/// `/api/documents/{id}` lists every passage by default (with
/// `sections_total`), or a page of them; it streams under a limit of its
/// own.
#[test]
fn a_document_pages_its_passages_under_its_own_limit() {
    let sections: Vec<(String, String)> = (0..5)
        .map(|i| {
            (
                format!("第{i}節"),
                format!("委員会の取組その{i}を進めます。"),
            )
        })
        .collect();
    let sections: Vec<(&str, &str)> = sections
        .iter()
        .map(|(t, x)| (t.as_str(), x.as_str()))
        .collect();
    let docs = [doc("long.txt", "架空市", 2020, "総務部", &sections)];
    let config = ServerConfig {
        queue_timeout: Duration::from_millis(100),
        ..ServerConfig::default()
    };
    let state = AppState::new(common::engine(&docs), config);
    let documents = state.documents.clone();
    let base = common::serve_state(state);
    let id = plansearch::index::writer::doc_id_for("long.txt");
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v["sections"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_string())
            .collect()
    };

    let (s, whole) = common::get_json(&format!("{base}/api/documents/{id}"));
    assert_eq!(s, 200, "{whole}");
    assert_eq!(whole["sections_total"], 5, "{whole}");
    assert_eq!(
        titles(&whole),
        ["第0節", "第1節", "第2節", "第3節", "第4節"]
    );
    assert_eq!(whole["doc_id"], id.as_str());
    assert_eq!(whole["city"], "架空市");

    let (s, page) = common::get_json(&format!(
        "{base}/api/documents/{id}?sections_offset=1&sections_limit=2"
    ));
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["sections_total"], 5);
    assert_eq!(titles(&page), ["第1節", "第2節"]);
    let (_, past) = common::get_json(&format!("{base}/api/documents/{id}?sections_offset=9"));
    assert_eq!(
        (past["sections_total"].as_u64(), titles(&past).len()),
        (Some(5), 0)
    );
    let (s, v) = common::get_json(&format!("{base}/api/documents/{id}?sections_limit=-1"));
    assert_eq!(
        (s, &v["error"]["code"]),
        (400, &serde_json::json!("invalid_parameter"))
    );
    let (s, v) = common::get_json(&format!("{base}/api/documents/0123456789abcdef"));
    assert_eq!(
        (s, &v["error"]["code"]),
        (404, &serde_json::json!("document_not_found"))
    );

    let held = documents.try_acquire_many(4).unwrap();
    let (s, head, body) = raw(
        &base,
        &get_req(&format!("/api/documents/{id}"), "localhost", ""),
    );
    assert_documented_error(s, &head, &body, 503, "overloaded");
    drop(held);
}

/// `/api/archive` lists the first 100 skipped files and manifest problems
/// with their totals, pages through the rest, and reads a changed report.
#[test]
fn the_archive_overview_summarises_long_reports() {
    let (_archive, index, state) = indexed_archive(
        &[(
            std::path::Path::new("kakuu/plan.txt"),
            "令和6年度 架空市 企画部 運営方針\n1. 公共交通\n地域交通を見直します。\n",
        )],
        ServerConfig::default(),
    );
    let write_report = |skipped: usize, problems: usize| {
        let report = serde_json::json!({
            "finished_at": 1_700_000_000u64,
            "skipped": (0..skipped).map(|i| serde_json::json!({
                "rel": format!("f{i}.pdf"),
                "reason": "broken",
                "reason_code": if i % 5 == 0 { "encrypted" } else { "corrupt" },
            })).collect::<Vec<_>>(),
            "manifest_problems": (0..problems).map(|i| format!("row {i}")).collect::<Vec<_>>(),
        });
        let tmp = index.path().join("last_run.json.tmp");
        std::fs::write(&tmp, report.to_string()).unwrap();
        std::fs::rename(&tmp, index.path().join("last_run.json")).unwrap();
    };
    write_report(250, 150);
    let base = common::serve_state(state);

    let (s, v) = common::get_json(&format!("{base}/api/archive"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["skipped"].as_array().unwrap().len(), 100);
    assert_eq!(v["skipped"][0]["rel"], "f0.pdf");
    assert_eq!(v["skipped"][0]["reason_code"], "encrypted");
    assert_eq!(v["skipped_total"], 250);
    assert_eq!(
        v["skipped_by_reason"],
        serde_json::json!({"corrupt": 200, "encrypted": 50})
    );
    assert_eq!(v["manifest_problems"].as_array().unwrap().len(), 100);
    assert_eq!(v["manifest_problems_total"], 150);
    assert_eq!(v["updated_at"], 1_700_000_000u64);

    let (s, v) = common::get_json(&format!(
        "{base}/api/archive?skipped_offset=200&skipped_limit=100"
    ));
    assert_eq!(s, 200, "{v}");
    let page = v["skipped"].as_array().unwrap();
    assert_eq!(
        (page.len(), &page[0]["rel"]),
        (50, &serde_json::json!("f200.pdf"))
    );
    let (s, v) = common::get_json(&format!("{base}/api/archive?skipped_limit=5000"));
    assert_eq!(
        (s, &v["error"]["code"]),
        (400, &serde_json::json!("invalid_parameter"))
    );

    // A new report is read again.
    write_report(3, 0);
    let (_, v) = common::get_json(&format!("{base}/api/archive"));
    assert_eq!(
        (
            v["skipped_total"].as_u64(),
            v["skipped"].as_array().map(Vec::len)
        ),
        (Some(3), Some(3))
    );
    assert_eq!(v["manifest_problems_total"], 0);
}

/// Requests hyper refuses before any handler (a malformed request line,
/// over 100 headers, a target over 64 KiB) get the documented JSON error
/// too on a server with the real connection handling.
#[test]
fn requests_refused_before_any_handler_get_the_json_error() {
    let addr = serve_timed(ServerConfig::default());
    let base = format!("http://{addr}");
    let (s, head, body) = raw(&base, "GARBAGE\r\n\r\n");
    assert_documented_error(s, &head, &body, 400, "bad_request");
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let (s, head, body) = raw(&base, &get_req("/healthz", "localhost", &many));
    assert_documented_error(s, &head, &body, 431, "headers_too_large");
    let long = format!("/api/search?q={}", "a".repeat(270_000));
    let (s, head, body) = raw(&base, &get_req(&long, "localhost", ""));
    assert_documented_error(s, &head, &body, 414, "uri_too_long");
    // And the server goes on.
    let (s, _, body) = raw(&base, &get_req("/healthz", "localhost", ""));
    assert_eq!(s, 200, "{body}");
}
