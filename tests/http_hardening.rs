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
