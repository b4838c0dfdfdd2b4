//! The CSV export of a search: what staff paste into a report, so headers
//! are Japanese, years carry their 和暦, and no cell can run as a formula.

use crate::meta::wareki::era_label;
use crate::search::Hit;
use crate::search::snippets::strip_marks;

/// Column headers, in order.
const HEADERS: [&str; 15] = [
    "市区町村",
    "都道府県",
    "年度",
    "和暦年度",
    "部局",
    "文書種別",
    "文書名",
    "見出し",
    "発言者",
    "役職",
    "議題",
    "抜粋",
    "ファイル",
    "ページ",
    "リンク",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR first) gets a leading `'`, so it is shown as text.
pub fn neutralize(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The CSV file (UTF-8 with BOM, for Excel): a header row, a row per hit,
/// and a closing notice row when `total` passed the cap.
pub fn csv(hits: Vec<Hit>, total: usize, q: &str, base_url: &str) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let shown = hits.len();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record(HEADERS);
        for h in hits {
            let link = format!(
                "{base_url}/documents/{}?q={}#{}",
                h.doc_id,
                form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>(),
                h.section_id
            );
            let speech = h.speech.unwrap_or_default();
            let row = [
                h.city.unwrap_or_default(),
                h.prefecture.unwrap_or_default(),
                h.year.map(|y| y.to_string()).unwrap_or_default(),
                h.year.and_then(era_label).unwrap_or_default(),
                h.department.unwrap_or_default(),
                h.doc_type.unwrap_or_default(),
                h.title,
                h.section_title,
                speech.speaker,
                speech.speaker_role,
                speech.agenda.unwrap_or_default(),
                strip_marks(h.snippet.as_deref().unwrap_or_default()),
                h.file,
                h.page.map(|p| p.to_string()).unwrap_or_default(),
                link,
            ];
            let _ = w.write_record(row.map(neutralize));
        }
        if total > shown {
            let _ = w.write_record([format!(
                "※ {total}件のうち先頭の{shown}件を出力しました。絞り込んでから出力してください。"
            )]);
        }
        let _ = w.flush();
    }
    out
}

/// `plansearch_<query>_<YYYYMMDD>.csv`, the query cut to 40 characters.
pub fn file_name(q: &str, now: std::time::SystemTime) -> String {
    let q: String = q
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|')
        })
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .take(40)
        .collect();
    let days = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("plansearch_{q}_{y:04}{m:02}{d:02}.csv")
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        for cell in ["=1+1", "+81", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralize(cell.to_string()), format!("'{cell}"));
        }
        assert_eq!(neutralize("架空市".to_string()), "架空市");
        assert_eq!(neutralize(String::new()), "");
    }

    #[test]
    fn file_names_carry_the_query_and_the_date() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
        assert_eq!(
            file_name("待機児童 解消", t),
            "plansearch_待機児童_解消_20261118.csv"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }
}
