//! Fuzzing the HTTP API: random and malformed parameters, very long values,
//! odd Unicode, huge numbers, path traversal. No response may be a 5xx, and
//! every API error is the documented JSON. Count and result go in the README.

mod common;

use common::{doc, engine, serve};

/// xorshift64*: deterministic, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

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
