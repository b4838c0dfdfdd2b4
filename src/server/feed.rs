//! The Atom 1.0 feed of a search (`/api/search.atom`): the same query and
//! filters as `/api/search`, one entry per hit, so staff can follow a
//! search in a feed reader or a mail gateway. An entry's `updated` is when
//! its document entered the index: a new document is a new entry (the
//! epoch for a document indexed before that time was recorded).

use std::collections::HashMap;
use std::fmt::Write;

use crate::meta::wareki::era_label;
use crate::search::Hit;
use crate::search::snippets::strip_marks;

/// Seconds since the epoch as RFC 3339 (UTC), e.g. `2025-01-15T09:30:00Z`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days → civil date.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn esc(s: &str) -> String {
    // XML 1.0 forbids most control characters even escaped.
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}'
        })
        .collect();
    html_escape::encode_double_quoted_attribute(&clean)
        .replace('\'', "&#39;")
        .to_string()
}

/// The feed. `base` is `http://host`; `query` the request's raw query
/// string (the same search in the UI and the feed's own address);
/// `indexed` the indexing time of each hit's document.
pub fn atom(
    q: &str,
    hits: &[Hit],
    indexed: &HashMap<String, Option<i64>>,
    base: &str,
    query: &str,
    now: i64,
) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    // A document indexed before the time was recorded dates from the
    // epoch: old, never 新着.
    let updated_of = |h: &Hit| indexed.get(&h.doc_id).copied().flatten().unwrap_or(0);
    let feed_updated = hits
        .iter()
        .map(updated_of)
        .max()
        .filter(|&t| t > 0)
        .unwrap_or(now);
    let mut out = String::with_capacity(1024 + hits.len() * 600);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    let self_url = format!("{base}/api/search.atom?{query}");
    let _ = writeln!(out, "  <id>{}</id>", esc(&self_url));
    let _ = writeln!(
        out,
        "  <title>プランサーチ：「{}」の検索結果</title>",
        esc(q)
    );
    let _ = writeln!(out, "  <updated>{}</updated>", rfc3339(feed_updated));
    out.push_str("  <author><name>プランサーチ</name></author>\n");
    out.push_str("  <generator>plansearch</generator>\n");
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&self_url)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&format!("{base}/?{query}"))
    );
    for h in hits {
        let link = format!(
            "{base}/documents/{}?q={}#{}",
            h.doc_id,
            enc(q),
            h.section_id
        );
        let heading = if h.section_title.trim().is_empty() || h.section_title == h.title {
            h.title.clone()
        } else {
            format!("{} — {}", h.section_title, h.title)
        };
        let place = [
            h.city.clone(),
            h.year.map(|y| match era_label(y) {
                Some(era) => format!("{y}年度（{era}）"),
                None => format!("{y}年度"),
            }),
            h.department.clone(),
            h.page.map(|p| format!("p. {p}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("・");
        let snippet = h.snippet.as_deref().map(strip_marks).unwrap_or_default();
        out.push_str("  <entry>\n");
        let _ = writeln!(
            out,
            "    <id>{}</id>",
            esc(&format!("{base}/documents/{}#{}", h.doc_id, h.section_id))
        );
        let _ = writeln!(out, "    <title>{}</title>", esc(&heading));
        let _ = writeln!(out, "    <updated>{}</updated>", rfc3339(updated_of(h)));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&link)
        );
        if let Some(city) = &h.city {
            let _ = writeln!(
                out,
                "    <category term=\"{}\" label=\"{}\"/>",
                esc(city),
                esc(city)
            );
        }
        if let Some(y) = h.year {
            let _ = writeln!(out, "    <category term=\"{y}\" label=\"{y}年度\"/>");
        }
        let _ = writeln!(
            out,
            "    <summary type=\"text\">{}</summary>",
            esc(&if snippet.is_empty() {
                place
            } else {
                format!("{place}\n{snippet}")
            })
        );
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_736_899_200), "2025-01-15T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
    }
}
