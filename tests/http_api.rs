//! The HTTP API over a real server on 127.0.0.1: status codes, JSON shape,
//! errors, headers.

mod common;

use common::{doc, enc, engine, get, get_json, serve};
use std::sync::OnceLock;

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
                        "避難所の環境整備",
                        "指定避難所における停電対策として非常用発電機を配備します。",
                    ),
                    (
                        "表示の確認",
                        "<img src=x onerror=alert(1)> と <script>alert(1)</script> を含む本文。",
                    ),
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

#[test]
fn search_returns_the_documented_shape() {
    let (status, v) = get_json(&format!("{}/api/search?q={}", base(), enc("停電対策")));
    assert_eq!(status, 200);
    assert_eq!(v["strict_total"], 2);
    assert!(v["took_ms"].is_number());
    assert!(v["escalated"].is_null() || v["escalated"].is_string());
    let hit = &v["hits"][0];
    for key in [
        "doc_id",
        "file",
        "section_id",
        "section_title",
        "title",
        "city",
        "prefecture",
        "city_code",
        "year",
        "department",
        "doc_type",
        "score",
        "snippet",
    ] {
        assert!(hit.get(key).is_some(), "hit lacks {key}: {hit}");
    }
    assert!(hit.get("text").is_none(), "text only with include=text");
    for facet in ["city", "year", "department"] {
        assert!(v["facets"][facet].is_array(), "facets.{facet}");
    }
    assert_eq!(v["facets"]["city"].as_array().unwrap().len(), 2);
    let (_, v) = get_json(&format!(
        "{}/api/search?q={}",
        base(),
        enc("存在しない語句です")
    ));
    assert_eq!(
        (v["total"].as_u64(), v["hits"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );
}

#[test]
fn filters_include_text_and_repeatable_city() {
    let url = format!(
        "{}/api/search?q={}&city={}&city={}&include=text&year_from=2021",
        base(),
        enc("停電"),
        enc("架空市"),
        enc("見本市")
    );
    let (status, v) = get_json(&url);
    assert_eq!(status, 200);
    assert_eq!(v["strict_total"], 1);
    assert_eq!(v["hits"][0]["city"], "見本市");
    assert!(v["hits"][0]["text"].as_str().unwrap().contains("訓練"));
}

#[test]
fn bad_parameters_are_400_with_code_and_message() {
    let q = enc("停電");
    for (query, code) in [
        (format!("q={q}&sort=newest"), "invalid_parameter"),
        (format!("q={q}&limit=0"), "invalid_parameter"),
        (format!("q={q}&limit=101"), "invalid_parameter"),
        (format!("q={q}&year=abc"), "invalid_parameter"),
        (
            format!("q={q}&year_from=2022&year_to=2020"),
            "invalid_parameter",
        ),
        (format!("q={q}&offset=-1"), "invalid_parameter"),
        (format!("q={q}&include=everything"), "invalid_parameter"),
        ("q=".to_string(), "missing_query"),
        ("".to_string(), "missing_query"),
        (format!("q={}", enc("-停電")), "query_only_excludes"),
        (format!("q={}", "%E3%81%82".repeat(600)), "value_too_long"),
        ("q=%22".to_string(), "query_empty"),
    ] {
        let (status, v) = get_json(&format!("{}/api/search?{query}", base()));
        let shown: String = query.chars().take(60).collect();
        assert_eq!(status, 400, "{shown}: {v}");
        assert_eq!(v["error"]["code"], code, "{shown}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().len() > 5);
    }
}

/// Each case a user interface words differently has its own code, and the
/// numbers it needs in `params` (absent when there are none).
#[test]
fn errors_carry_their_specific_code_and_params() {
    let terms: Vec<String> = (0..33).map(|i| format!("w{i}")).collect();
    let long = "a".repeat(1001);
    let cities: String = (0..21).map(|i| format!("&city=c{i}")).collect();
    let q = enc("停電");
    let cases: Vec<(String, u16, &str, serde_json::Value)> = vec![
        (
            format!("/api/search?q={}", enc("-防災")),
            400,
            "query_only_excludes",
            serde_json::Value::Null,
        ),
        (
            format!("/api/search?q={}", enc(&terms.join(" "))),
            400,
            "too_many_terms",
            serde_json::json!({"terms": 33, "max": 32}),
        ),
        (
            format!("/api/search?q={q}&city={}", enc(&long)),
            400,
            "value_too_long",
            serde_json::json!({"parameter": "city", "max_chars": 1000}),
        ),
        (
            format!("/api/search?q={}", enc(&"あ".repeat(501))),
            400,
            "value_too_long",
            serde_json::json!({"parameter": "q", "max_chars": 500}),
        ),
        (
            format!("/api/search?q={q}&offset=9995"),
            400,
            "window_too_deep",
            serde_json::json!({"max": 10000}),
        ),
        (
            format!("/api/search?q={q}&limit=0"),
            400,
            "invalid_parameter",
            serde_json::json!({"parameter": "limit"}),
        ),
        (
            format!("/api/search?q={q}&sort=newest"),
            400,
            "invalid_parameter",
            serde_json::json!({"parameter": "sort"}),
        ),
        (
            format!("/api/compare?q={q}{cities}"),
            400,
            "too_many_cities",
            serde_json::json!({"max": 20}),
        ),
        (
            "/api/diff/sections?from=x".to_string(),
            400,
            "missing_parameter",
            serde_json::json!({"parameter": "to"}),
        ),
        (
            format!("/api/suggest?prefix={}", enc(&"あ".repeat(51))),
            400,
            "value_too_long",
            serde_json::json!({"parameter": "prefix", "max_chars": 50}),
        ),
        (
            "/api/search".to_string(),
            400,
            "missing_query",
            serde_json::Value::Null,
        ),
        (
            "/api/documents/0123456789abcdef".to_string(),
            404,
            "document_not_found",
            serde_json::Value::Null,
        ),
        (
            "/api/similar/0123456789abcdef-1".to_string(),
            404,
            "section_not_found",
            serde_json::Value::Null,
        ),
        (
            "/api/no/such/endpoint".to_string(),
            404,
            "not_found",
            serde_json::Value::Null,
        ),
    ];
    for (path, want_status, code, params) in cases {
        let (status, v) = get_json(&format!("{}{path}", base()));
        let shown: String = path.chars().take(80).collect();
        assert_eq!(status, want_status, "{shown}: {v}");
        assert_eq!(v["error"]["code"], code, "{shown}: {v}");
        assert!(
            v["error"]["message"].as_str().is_some_and(|m| m.len() > 5),
            "{shown}: {v}"
        );
        assert_eq!(v["error"]["params"], params, "{shown}: {v}");
        if params.is_null() {
            assert!(v["error"].get("params").is_none(), "{shown}: {v}");
        }
    }
}

#[test]
fn documents_list_and_detail() {
    let (status, v) = get_json(&format!("{}/api/documents?city={}", base(), enc("架空市")));
    assert_eq!(status, 200);
    assert_eq!(v["total"], 1);
    let d = &v["documents"][0];
    assert_eq!(d["sources"]["city"], "manifest");
    assert_eq!(d["sections"], 2);
    let id = d["doc_id"].as_str().unwrap();
    let (status, body, _) = get(&format!("{}/api/documents/{id}", base()));
    assert_eq!(status, 200);
    assert_eq!(
        body.matches("\"sections\"").count(),
        1,
        "one sections key: {body}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["sections"].as_array().unwrap().len(), 2);
    assert_eq!(v["sections"][0]["title"], "避難所の環境整備");
    for bad in ["0000000000000000", "..%2F..%2Fetc%2Fpasswd", "%00", "x"] {
        let (status, v) = get_json(&format!("{}/api/documents/{bad}", base()));
        assert_eq!(status, 404, "{bad}");
        assert_eq!(v["error"]["code"], "document_not_found");
    }
}

#[test]
fn untrusted_text_is_escaped_in_snippets() {
    let (_, v) = get_json(&format!("{}/api/search?q={}", base(), enc("本文")));
    let snippet = v["hits"][0]["snippet"].as_str().unwrap();
    let bare = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!bare.contains('<') && !bare.contains('>'), "{snippet}");
    assert!(snippet.contains("&lt;"), "{snippet}");
}

#[test]
fn health_ui_and_security_headers() {
    let (status, v) = get_json(&format!("{}/healthz", base()));
    assert_eq!(status, 200);
    assert_eq!(v["status"], "ok");
    let (status, body, ct) = get(&format!("{}/", base()));
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"));
    assert!(body.contains("/ui/app.js"));
    let (status, _, ct) = get(&format!("{}/ui/app.js", base()));
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/javascript"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let resp = agent.get(&format!("{}/", base())).call().unwrap();
    let csp = resp
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(
        resp.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let (status, _, _) = get(&format!("{}/no/such/page", base()));
    assert_eq!(status, 404);
}

#[test]
fn csv_export_openapi_and_issue4_endpoints() {
    let (status, body, ct) = get(&format!("{}/api/search.csv?q={}", base(), enc("停電")));
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"));
    assert!(body.starts_with('\u{feff}'), "BOM for Excel");
    let mut lines = body.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "市区町村,都道府県,年度,和暦年度,部局,文書種別,文書名,見出し,発言者,役職,議題,抜粋,ファイル,ページ,リンク"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 2, "{rows:?}");
    assert!(
        rows.iter().all(|r| !r.contains("<mark>")),
        "snippets are plain text in CSV"
    );

    let (status, v) = get_json(&format!("{}/api/openapi.json", base()));
    assert_eq!(status, 200);
    for path in [
        "/api/search",
        "/api/search.csv",
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/compare",
        "/api/trend",
        "/api/similar/{section_id}",
        "/api/suggest",
    ] {
        assert!(v["paths"][path].is_object(), "openapi lacks {path}");
    }
    assert!(v["components"]["schemas"]["SearchResponse"].is_object());

    let (status, v) = get_json(&format!(
        "{}/api/compare?q={}&per_city=1",
        base(),
        enc("停電")
    ));
    assert_eq!(status, 200);
    assert_eq!(v["cities"].as_array().unwrap().len(), 2);
    let (status, v) = get_json(&format!(
        "{}/api/compare?q={}&per_city=0",
        base(),
        enc("停電")
    ));
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (400, Some("invalid_parameter"))
    );
    let (status, v) = get_json(&format!("{}/api/trend?q={}", base(), enc("停電")));
    assert_eq!(status, 200);
    assert!(v["series"][0]["city"].is_null());
    let (status, v) = get_json(&format!("{}/api/suggest?prefix={}", base(), enc("停")));
    assert_eq!(status, 200);
    assert!(
        v["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["text"] == "停電"),
        "{v}"
    );
    let (_, v) = get_json(&format!("{}/api/search?q={}", base(), enc("停電対策")));
    let section = v["hits"][0]["section_id"].as_str().unwrap().to_string();
    let (status, v) = get_json(&format!("{}/api/similar/{section}", base()));
    assert_eq!(status, 200);
    assert!(v["hits"].is_array());
    let (status, _) = get_json(&format!("{}/api/similar/..%2F..%2Fetc", base()));
    assert_eq!(status, 404);
}

/// `/api/documents/{id}/original`: the file's bytes with its type and
/// Japanese name; a JSON 404 once it is gone; never a file outside the
/// archive, even through a link inside it.
#[cfg(unix)]
#[test]
fn original_files_are_served_only_from_inside_the_archive() {
    use plansearch::analysis::synonyms::Synonyms;
    use plansearch::index::IndexHandle;
    use plansearch::search::Engine;

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.txt"),
        "架空市の秘密の計画書です。",
    )
    .unwrap();
    let archive = tempfile::tempdir().unwrap();
    let dir = archive.path().join("kakuu/2024");
    std::fs::create_dir_all(&dir).unwrap();
    let body = "令和6年度 架空市 企画部 運営方針\n1. 公共交通の再編\n地域交通を見直します。\n";
    std::fs::write(dir.join("運営方針.txt"), body).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        archive.path().join("link.txt"),
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    common::index_into(archive.path(), index.path());
    let handle = IndexHandle::open(index.path(), common::analyzer()).unwrap();
    let base = serve(Engine::new(handle, Synonyms::builtin()));

    let (_, list) = get_json(&format!("{base}/api/documents"));
    let id_of = |file: &str| {
        list["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file)
            .unwrap_or_else(|| panic!("{file} in {list}"))["doc_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let plan = id_of("kakuu/2024/運営方針.txt");
    assert_eq!(
        list["documents"][0]["format"], "txt",
        "documents carry their format: {list}"
    );

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .get(&format!("{base}/api/documents/{plan}/original"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let header = |r: &ureq::http::Response<ureq::Body>, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header(&resp, "content-type"), "text/plain");
    let disposition = header(&resp, "content-disposition");
    assert!(
        disposition.starts_with("inline;")
            && disposition.contains("filename*=UTF-8''%E9%81%8B%E5%96%B6%E6%96%B9%E9%87%9D.txt"),
        "{disposition}"
    );
    assert_eq!(resp.body_mut().read_to_string().unwrap(), body);

    // A link inside the archive to a file outside it is not followed
    // (#12): neither indexed nor served.
    let documents = list["documents"].as_array().unwrap();
    assert!(documents.iter().all(|d| d["file"] != "link.txt"), "{list}");
    let link = plansearch::index::writer::doc_id_for("link.txt");
    let (status, v) = get_json(&format!("{base}/api/documents/{link}/original"));
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["error"]["code"], "document_not_found");

    // A file deleted since indexing: JSON 404 that says so.
    std::fs::remove_file(dir.join("運営方針.txt")).unwrap();
    let (status, v) = get_json(&format!("{base}/api/documents/{plan}/original"));
    assert_eq!(status, 404);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no longer in the archive"),
        "{v}"
    );
    let (status, _) = get_json(&format!("{base}/api/documents/0123456789abcdef/original"));
    assert_eq!(status, 404);
}

#[test]
fn facets_and_snippets_can_be_turned_off() {
    let url = |extra: &str| format!("{}/api/search?q={}{extra}", base(), enc("停電対策"));
    let (_, full) = get_json(&url(""));
    let (status, bare) = get_json(&url("&facets=false&snippets=false"));
    assert_eq!(status, 200);
    assert!(full.get("facets").is_some());
    assert!(bare.get("facets").is_none(), "{bare}");
    assert_eq!(bare["total"], full["total"]);
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["section_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&bare), ids(&full));
    for hit in bare["hits"].as_array().unwrap() {
        assert!(hit.get("snippet").is_none(), "{hit}");
        assert!(hit["city"].is_string() && hit["year"].is_number(), "{hit}");
    }
    // Each alone.
    let (_, v) = get_json(&url("&facets=false"));
    assert!(v.get("facets").is_none() && v["hits"][0]["snippet"].is_string());
    let (_, v) = get_json(&url("&snippets=0"));
    assert!(v["facets"]["city"].is_array() && v["hits"][0].get("snippet").is_none());
    let (status, _) = get_json(&url("&facets=maybe"));
    assert_eq!(status, 400);
}
