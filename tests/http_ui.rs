//! The web UI over HTTP: its files (versioned URLs, ETag and 304,
//! Cache-Control), gzip when the client accepts it (and only for the UI's
//! files and JSON), the strict CSP kept, and what the document page marks
//! (`/api/documents/{id}/marks`, UTF-16 ranges).

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;

use common::{doc, enc, engine, get_json, serve};

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        serve(engine(&[
            doc(
                "a/2020.txt",
                "架空市",
                2020,
                "危機管理室",
                &[
                    (
                        "防災計画の見直し",
                        "2020年度は𠮷田地区の防災計画を見直し、避難所の停電対策を進めます。",
                    ),
                    ("子育て支援", "放課後児童クラブを拡充します。"),
                ],
            ),
            doc(
                "b/2021.txt",
                "見本市",
                2021,
                "企画部",
                &[("停電への備え", "停電対策の訓練を行います。")],
            ),
        ]))
    })
}

struct Resp {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A raw HTTP/1.1 GET (no client-side decompression), `extra` headers added.
fn raw_get(path: &str, extra: &[(&str, &str)]) -> Resp {
    let host = base().trim_start_matches("http://");
    let mut s = TcpStream::connect(host).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(all[..split].to_vec()).unwrap();
    let mut body = all[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t == "chunked")
    {
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let eol = at + body[at..].windows(2).position(|w| w == b"\r\n").unwrap();
            let size_text = std::str::from_utf8(&body[at..eol]).unwrap();
            let size =
                usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
            at = eol + 2 + size + 2;
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body,
    }
}

const GZIP: (&str, &str) = ("Accept-Encoding", "gzip");
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

fn app_js_url() -> String {
    let index = String::from_utf8(raw_get("/", &[]).body).unwrap();
    let end = index.find("/ui/app.js\"").expect("the script link") + "/ui/app.js".len();
    let at = index[..end].rfind("\"/v/").expect("a versioned link") + 1;
    let url = index[at..end].to_string();
    assert!(url.ends_with("/ui/app.js"), "{url}");
    url
}

#[test]
fn index_is_revalidated_with_an_etag_and_keeps_the_csp() {
    let r = raw_get("/", &[]);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert!(body.contains("<script type=\"module\""), "{body}");
    let etag = r.header("etag").expect("an ETag").to_string();

    let again = raw_get("/", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert!(again.header("content-security-policy").is_some());
    // Another tag, or none: the page again.
    assert_eq!(
        raw_get("/", &[("If-None-Match", "W/\"other\"")]).status,
        200
    );
    // The UI routes serve the same page.
    assert_eq!(
        raw_get("/compare?q=x", &[]).header("etag"),
        Some(etag.as_str())
    );
}

#[test]
fn assets_are_gzipped_when_accepted_and_cached_by_version() {
    let url = app_js_url();
    let plain = raw_get(&url, &[]);
    assert_eq!(plain.status, 200);
    assert!(
        plain
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.starts_with(b"/*"), "identity body");
    assert_eq!(
        plain.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = plain.header("etag").unwrap().to_string();

    let gz = raw_get(&url, &[GZIP]);
    assert_eq!(gz.status, 200);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(
        gz.header("vary")
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert!(gz.body.starts_with(GZIP_MAGIC));
    assert_eq!(gz.header("etag"), Some(etag.as_str()));
    assert!(gz.header("content-security-policy").is_some());

    let not_modified = raw_get(&url, &[GZIP, ("If-None-Match", &etag)]);
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());

    // The modules and the style sheet, plain URLs revalidated.
    for (path, ct) in [
        ("/ui/views/search.js", "text/javascript"),
        ("/ui/errors.js", "text/javascript"),
        ("/ui/app.css", "text/css"),
    ] {
        let r = raw_get(path, &[GZIP]);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(ct), "{path}");
        assert_eq!(r.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
    }
    // Another version's URL (a page from before an upgrade): today's file, revalidated.
    let old = raw_get("/v/000000000000/ui/app.js", &[]);
    assert_eq!(old.status, 200);
    assert_eq!(old.header("cache-control"), Some("no-cache"));
    // Not a file of the UI (tests, package.json, paths out of the folder).
    for path in [
        "/ui/nope.js",
        "/ui/tests/text.test.mjs",
        "/ui/package.json",
        "/ui/../ui.rs",
    ] {
        let r = raw_get(path, &[]);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
    }
}

#[test]
fn json_is_gzipped_when_accepted_csv_and_metrics_never() {
    let path = format!("/api/search?q={}", enc("停電対策"));
    let plain = raw_get(&path, &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.starts_with(b"{"));
    let gz = raw_get(&path, &[GZIP]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.body.starts_with(GZIP_MAGIC));

    let csv = raw_get(&format!("/api/search.csv?q={}", enc("停電")), &[GZIP]);
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-encoding"), None);
    assert!(csv.body.starts_with("\u{feff}".as_bytes()));
    let metrics = raw_get("/metrics", &[GZIP]);
    assert_eq!(metrics.status, 200);
    assert_eq!(metrics.header("content-encoding"), None);
    // Errors stay JSON; small bodies are not worth compressing.
    let err = raw_get("/api/search", &[GZIP]);
    assert_eq!(err.status, 400);
    assert_eq!(err.header("content-encoding"), None);
}

/// The UTF-16 slices of `text` at `ranges`.
fn marked(text: &str, ranges: &serde_json::Value) -> Vec<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    ranges
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (s, e) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            String::from_utf16(&units[s..e]).unwrap()
        })
        .collect()
}

fn doc_and_marks(q: &str) -> (serde_json::Value, serde_json::Value) {
    let (_, found) = get_json(&format!("{}/api/search?q={}", base(), enc("防災計画")));
    let id = found["hits"][0]["doc_id"].as_str().unwrap().to_string();
    let (status, d) = get_json(&format!("{}/api/documents/{id}", base()));
    assert_eq!(status, 200);
    let (status, m) = get_json(&format!("{}/api/documents/{id}/marks?q={}", base(), enc(q)));
    assert_eq!(status, 200, "{m}");
    (d, m)
}

#[test]
fn document_marks_are_utf16_ranges_of_the_forms_found() {
    let (d, m) = doc_and_marks("防災 -訓練");
    assert_eq!(m["terms"], serde_json::json!(["防災"]));
    let sections = d["sections"].as_array().unwrap();
    let marks = m["sections"].as_array().unwrap();
    assert_eq!(sections.len(), marks.len());
    assert_eq!(marks[0]["section_id"], sections[0]["section_id"]);
    // After 𠮷 (two UTF-16 units), the range still cuts 防災 out exactly.
    let text = sections[0]["text"].as_str().unwrap();
    assert_eq!(marked(text, &marks[0]["text"]), ["防災"]);
    let title = sections[0]["title"].as_str().unwrap();
    assert_eq!(marked(title, &marks[0]["title"]), ["防災"]);
    assert_eq!(m["total"], 1);
    assert!(marks[1]["text"].as_array().unwrap().is_empty());
}

#[test]
fn document_marks_find_the_form_written_whatever_was_typed() {
    // An era year marks the Western year the text writes.
    let (d, m) = doc_and_marks("令和2年度");
    let text = d["sections"][0]["text"].as_str().unwrap();
    assert_eq!(marked(text, &m["sections"][0]["text"]), ["2020年度"], "{m}");
    assert!(
        m["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "2020年度"),
        "{m}"
    );
    // A kana query marks the kanji.
    let (d, m) = doc_and_marks("ぼうさい");
    let text = d["sections"][0]["text"].as_str().unwrap();
    assert_eq!(marked(text, &m["sections"][0]["text"]), ["防災"], "{m}");
    // A title's marks are its own (not counted in the text's total).
    let (_, m) = doc_and_marks("子育て");
    assert_eq!(m["total"], 0, "{m}");
    assert_eq!(
        marked("子育て支援", &m["sections"][1]["title"]),
        ["子育て"],
        "{m}"
    );
}

#[test]
fn document_marks_refuse_bad_requests() {
    let (_, found) = get_json(&format!("{}/api/search?q={}", base(), enc("防災計画")));
    let id = found["hits"][0]["doc_id"].as_str().unwrap().to_string();
    let (status, v) = get_json(&format!("{}/api/documents/{id}/marks", base()));
    assert_eq!(status, 400);
    assert_eq!(v["error"]["code"], "missing_query");
    let (status, _) = get_json(&format!(
        "{}/api/documents/0000000000000000/marks?q=x",
        base()
    ));
    assert_eq!(status, 404);
}
