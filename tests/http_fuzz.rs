//! Fuzzing the HTTP API: random and malformed parameters, very long values,
//! odd Unicode, huge numbers, path traversal. No response may be a 5xx, and
//! every API error is the documented JSON. Count and result go in the README.

mod common;
#[path = "support/rng.rs"]
mod rng;

use common::{doc, engine, serve};
use rng::Rng;

const VALUES: &[&str] = &[
    "",
    " ",
    "防災",
    "待機児童 解消",
    "\"公民連携\"",
    "-防災",
    "OR",
    "防災 OR 減災",
    "\"",
    "\"\"",
    "-",
    "ＤＸ",
    "😀🏯",
    "\u{200b}",
    "\u{feff}防災",
    "a\u{0301}",
    "%",
    "%00",
    "%FF%FE",
    "%E3%81",
    "%ZZ",
    "..%2F..%2Fetc%2Fpasswd",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "NaN",
    "-1",
    "0",
    "1",
    "10",
    "100",
    "101",
    "99999999999999999999",
    "1e9",
    "2022",
    "2200",
    "1799",
    "abc",
    "true",
    "false",
    "relevance",
    "year_desc",
    "year_asc",
    "text",
    "架空市",
    "見本市",
    "企画部",
    "*",
    "?",
    "\\",
    "&",
    "=",
    "+",
    "%20",
    "\t",
    "\n",
];
const KEYS: &[&str] = &[
    "q",
    "q",
    "q",
    "city",
    "prefecture",
    "department",
    "doc_type",
    "year",
    "year_from",
    "year_to",
    "sort",
    "limit",
    "offset",
    "include",
    "per_city",
    "prefix",
    "other_cities",
    "unknown",
    "",
];
const PATHS: &[&str] = &[
    "/api/search",
    "/api/search",
    "/api/search.csv",
    "/api/documents",
    "/api/compare",
    "/api/trend",
    "/api/suggest",
    "/api/similar/",
    "/api/documents/",
    "/api/nothing",
    "/healthz",
    "/metrics",
];

fn value(rng: &mut Rng) -> String {
    let v = rng.pick(VALUES);
    match rng.next() % 10 {
        // Very long values.
        0 => v.repeat(1 + (rng.next() % 400) as usize),
        // Random bytes, percent-encoded (often invalid UTF-8).
        1 => (0..(rng.next() % 12))
            .map(|_| format!("%{:02X}", rng.next() as u8))
            .collect(),
        _ => v.to_string(),
    }
}

/// Encodes what must be encoded, keeping deliberate `%` sequences raw.
fn enc_keep_percent(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' | '%' | '=' | '+' | '*' => {
                c.to_string()
            }
            _ => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

#[test]
fn ten_thousand_random_requests_no_5xx() {
    let base = serve(engine(&[
        doc(
            "a/1.txt",
            "架空市",
            2020,
            "企画部",
            &[
                ("防災", "避難所の停電対策と減災。"),
                ("広報", "広報誌の刷新。"),
            ],
        ),
        doc(
            "b/2.txt",
            "見本市",
            2022,
            "総務部",
            &[("待機児童", "待機児童の解消をめざす。<script>x</script>")],
        ),
    ]));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let total = 10_000;
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for i in 0..total {
        let path = rng.pick(PATHS);
        let mut url = format!("{base}{path}");
        if path.ends_with('/') {
            url.push_str(&enc_keep_percent(&value(&mut rng)));
        }
        let n = rng.next() % 6;
        for j in 0..n {
            url.push(if j == 0 { '?' } else { '&' });
            url.push_str(&enc_keep_percent(rng.pick(KEYS)));
            url.push('=');
            url.push_str(&enc_keep_percent(&value(&mut rng)));
        }
        let resp = agent.get(&url).call();
        let mut resp = match resp {
            Ok(r) => r,
            // The client refusing to send a URL is not the server's fault.
            Err(ureq::Error::Http(_)) | Err(ureq::Error::BadUri(_)) => continue,
            Err(e) => panic!("request {i} to {url} failed: {e}"),
        };
        let status = resp.status().as_u16();
        *by_status.entry(status).or_default() += 1;
        assert!(status < 500, "request {i}: {url} → {status}");
        if path.starts_with("/api/") && !path.ends_with(".csv") && (400..500).contains(&status) {
            let body = resp.body_mut().read_to_string().unwrap_or_default();
            let v: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{url} → {status} not JSON: {body}"));
            assert!(
                v["error"]["code"].is_string() && v["error"]["message"].is_string(),
                "{url}: {body}"
            );
        }
    }
    let sent: usize = by_status.values().sum();
    eprintln!("fuzzed {sent} requests: {by_status:?}");
    assert!(sent >= total * 9 / 10);
    // The server is still healthy afterwards.
    assert_eq!(common::get(&format!("{base}/healthz")).0, 200);
}

/// Values at and past every bound a parameter can have: negative, zero,
/// 2^63, 2^64, a huge count that still parses, empty, 2,000 characters,
/// invalid UTF-8 and a NUL (percent-encoded, sent raw).
fn extreme_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "-1",
        "0",
        "1",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999",
        "-99999999999",
        "",
        "%FF%FE%FD",
        "%00",
        "%E3%81",
        "NaN",
        "1e9",
        "0x10",
        "+5",
        " 5 ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("9".repeat(2000));
    v.push("防".repeat(2000));
    v
}

/// Query parameters every route is also tried with, documented or not: an
/// undocumented parameter a handler reads must be bounded too.
const ALL_KEYS: &[&str] = &[
    "q",
    "limit",
    "offset",
    "per_city",
    "prefix",
    "year",
    "year_from",
    "year_to",
    "city",
    "department",
    "doc_type",
    "prefecture",
    "sort",
    "include",
    "other_cities",
];

#[test]
fn every_route_and_documented_parameter_survives_extreme_values() {
    let base = serve(engine(&[
        doc(
            "a/1.txt",
            "架空市",
            2020,
            "企画部",
            &[("防災", "避難所の停電対策と減災。")],
        ),
        doc(
            "b/2.txt",
            "見本市",
            2022,
            "総務部",
            &[("待機児童", "待機児童の解消をめざす。")],
        ),
    ]));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let (status, spec) = common::get_json(&format!("{base}/api/openapi.json"));
    assert_eq!(status, 200);
    let (_, docs) = common::get_json(&format!("{base}/api/documents"));
    let doc_id = docs["documents"][0]["doc_id"].as_str().unwrap().to_string();
    let (_, detail) = common::get_json(&format!("{base}/api/documents/{doc_id}"));
    let section_id = detail["sections"][0]["section_id"]
        .as_str()
        .unwrap()
        .to_string();

    let paths = spec["paths"]
        .as_object()
        .expect("paths in the OpenAPI document");
    assert!(paths.len() >= 8, "{paths:?}");
    let extremes = extreme_values();
    let mut sent = 0;
    for (template, item) in paths {
        let documented: Vec<String> = item["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect();
        let mut keys: Vec<String> = documented.clone();
        keys.extend(ALL_KEYS.iter().map(|k| k.to_string()));
        keys.dedup();
        // Path parameters: a real id, then every extreme value.
        let mut targets = vec![
            template
                .replace("{doc_id}", &doc_id)
                .replace("{section_id}", &section_id),
        ];
        if template.contains('{') {
            for v in &extremes {
                let v = enc_keep_percent(v);
                targets.push(template.replace("{doc_id}", &v).replace("{section_id}", &v));
            }
        }
        for target in &targets {
            for key in &keys {
                for v in &extremes {
                    let v = enc_keep_percent(v);
                    // A valid query beside the value under test, so the
                    // request gets past "q is required" to the bound.
                    let url = if key == "q" || key == "prefix" {
                        format!("{base}{target}?{key}={v}")
                    } else {
                        format!("{base}{target}?q=%E9%98%B2%E7%81%BD&prefix=a&{key}={v}")
                    };
                    let mut resp = match agent.get(&url).call() {
                        Ok(r) => r,
                        Err(ureq::Error::Http(_)) | Err(ureq::Error::BadUri(_)) => continue,
                        Err(e) => panic!("{url}: the server did not answer: {e}"),
                    };
                    sent += 1;
                    let status = resp.status().as_u16();
                    assert!(status < 500, "{url} → {status}");
                    if status == 400 && target.starts_with("/api/") && !target.ends_with(".csv") {
                        let body = resp.body_mut().read_to_string().unwrap_or_default();
                        let v: serde_json::Value = serde_json::from_str(&body)
                            .unwrap_or_else(|_| panic!("{url} → 400 not JSON: {body}"));
                        assert!(v["error"]["message"].is_string(), "{url}: {body}");
                    }
                }
            }
            // All documented parameters at once at their most extreme.
            let all: Vec<String> = documented
                .iter()
                .map(|k| format!("{k}=99999999999"))
                .collect();
            let url = format!("{base}{target}?{}", all.join("&"));
            if let Ok(resp) = agent.get(&url).call() {
                assert!(resp.status().as_u16() < 500, "{url}");
            }
        }
        // Still alive and answering after each route's batch.
        let (status, body, _) = common::get(&format!("{base}/healthz"));
        assert_eq!(status, 200, "after {template}: {body}");
        let (status, found) = common::get_json(&format!("{base}/api/search?q=%E9%98%B2%E7%81%BD"));
        assert_eq!(status, 200, "after {template}");
        assert_eq!(found["total"], 1, "after {template}");
    }
    eprintln!(
        "sent {sent} extreme-value requests over {} routes",
        paths.len()
    );
    assert!(sent > 1000, "{sent}");
}

/// The request that used to abort the process: offset + limit allocated
/// as a vector of hits before any bound was checked.
#[test]
fn huge_offset_is_a_400_naming_the_parameter_not_an_abort() {
    let base = serve(engine(&[doc(
        "a/1.txt",
        "架空市",
        2020,
        "企画部",
        &[("防災", "避難所の停電対策と減災。")],
    )]));
    for (url, code) in [
        ("/api/documents?offset=99999999999", "window_too_deep"),
        (
            "/api/documents?offset=99999999999&limit=-1",
            "invalid_parameter",
        ),
        (
            "/api/documents?offset=18446744073709551615",
            "window_too_deep",
        ),
        (
            "/api/search?q=%E9%98%B2%E7%81%BD&offset=18446744073709551615",
            "window_too_deep",
        ),
        (
            "/api/search.csv?q=%E9%98%B2%E7%81%BD&offset=99999999999",
            "window_too_deep",
        ),
        (
            "/api/trend?q=%E9%98%B2%E7%81%BD&offset=99999999999",
            "window_too_deep",
        ),
        (
            "/api/compare?q=%E9%98%B2%E7%81%BD&offset=99999999999",
            "window_too_deep",
        ),
    ] {
        let (status, v) = common::get_json(&format!("{base}{url}"));
        assert_eq!(status, 400, "{url}: {v}");
        assert_eq!(v["error"]["code"], code, "{url}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("offset") || message.contains("limit"),
            "{url}: {message}"
        );
    }
    let (status, v) = common::get_json(&format!("{base}/api/documents?limit=-1"));
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("limit"));
    let (status, v) = common::get_json(&format!("{base}/api/documents"));
    assert_eq!((status, v["total"].as_u64()), (200, Some(1)));
}
