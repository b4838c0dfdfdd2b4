//! A file's title property (PDF Title, Word dc:title), kept only when it
//! is a real title. Office fills the property with placeholders: the
//! printer-driver name of the window (「Microsoft Word - 文書1」), a template
//! name, the file name.

use crate::analysis::normalize::normalize_inline;

/// `raw` normalized, or `None` when it is empty or a placeholder.
pub(super) fn real_title(raw: &str) -> Option<String> {
    let mut title = normalize_inline(raw);
    // 「Microsoft Word - 計画.docx」: the window title of the printing app.
    for app in [
        "Microsoft Word - ",
        "Microsoft Excel - ",
        "Microsoft PowerPoint - ",
    ] {
        if let Some(rest) = title.strip_prefix(app) {
            title = rest.trim().to_owned();
        }
    }
    let lower = title.to_lowercase();
    let file_name = [
        ".docx", ".doc", ".xlsx", ".xls", ".xlsm", ".pptx", ".ppt", ".pdf", ".txt", ".rtf", ".jtd",
        ".odt", ".ods", ".xdw",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    let placeholder = [
        "untitled",
        "無題",
        "タイトルなし",
        "powerpoint プレゼンテーション",
        "powerpoint presentation",
        "スライド 1",
        "document",
        "microsoft word",
        "microsoft excel",
    ]
    .contains(&lower.as_str());
    // 「文書1」「Book1」「Sheet1」: new-document default names.
    let default_name = [
        "文書",
        "ドキュメント",
        "book",
        "sheet",
        "document",
        "新しい",
    ]
    .iter()
    .any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| rest.trim().chars().all(|c| c.is_ascii_digit()))
    });
    let meaningful = title.chars().any(|c| c.is_alphanumeric());
    (meaningful && !file_name && !placeholder && !default_name).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_titles() {
        for raw in [
            "",
            "  ",
            "Microsoft Word - 文書1",
            "文書1",
            "Microsoft Word - 令和6年度計画.docx",
            "Book1",
            "untitled",
            "Untitled",
            "PowerPoint プレゼンテーション",
            "予算書.xls",
            "-",
        ] {
            assert_eq!(real_title(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn real_titles_are_normalized() {
        assert_eq!(
            real_title("令和６年度　架空市一般会計予算書").as_deref(),
            Some("令和6年度 架空市一般会計予算書")
        );
        assert_eq!(
            real_title("Microsoft Word - 見本町の運営方針").as_deref(),
            Some("見本町の運営方針")
        );
    }
}
