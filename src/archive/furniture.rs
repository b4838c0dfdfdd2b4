//! Page furniture: navigation and boilerplate lines of CMS-generated
//! municipal pages, which would otherwise match queries on every page.

/// How a [`FURNITURE`] pattern is matched against a normalized line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The whole line equals the pattern.
    Line,
    /// The line contains the pattern anywhere.
    Contains,
    /// The whole line equals the pattern, and a contact block follows.
    ContactHeading,
    /// Dropped only inside a contact block, matched as a prefix.
    ContactLine,
}

/// Every furniture pattern, in normalized (NFKC) form: ASCII colons and
/// letters. Skip links and "back to top" links are whole lines; the Acrobat
/// Reader download notice comes in many wordings, so it matches by substring.
/// The "page author" box lists phone, fax and postal address: those lines are
/// dropped right after its heading only, since elsewhere a phone number or an
/// address can be content. The department name in that box is kept.
const FURNITURE: &[(Rule, &str)] = &[
    (Rule::Line, "このページの先頭です"),
    (Rule::Line, "本文ここから"),
    (Rule::Line, "本文ここまで"),
    (Rule::Line, "ページの先頭へ戻る"),
    (Rule::Line, "このページの先頭へ戻る"),
    (Rule::Line, "ページの先頭へ"),
    (Rule::Line, "このページの作成担当にメールを送る"),
    (Rule::Contains, "Adobe Acrobat Reader"),
    (Rule::Contains, "Adobe Reader"),
    (Rule::Contains, "PDF形式のファイルを開くには"),
    (Rule::Contains, "お持ちでない方は、Adobe社から"),
    (Rule::ContactHeading, "このページの作成担当"),
    (Rule::ContactHeading, "このページに関するお問い合わせ"),
    (Rule::ContactLine, "電話番号:"),
    (Rule::ContactLine, "電話:"),
    (Rule::ContactLine, "TEL:"),
    (Rule::ContactLine, "ファクス:"),
    (Rule::ContactLine, "ファックス:"),
    (Rule::ContactLine, "FAX:"),
    (Rule::ContactLine, "〒"),
    (Rule::ContactLine, "メールアドレス:"),
];

/// Whether `line` is furniture wherever it appears (a table cell, say).
pub(super) fn is_furniture(line: &str) -> bool {
    FURNITURE.iter().any(|&(rule, pat)| match rule {
        Rule::Line | Rule::ContactHeading => line == pat,
        Rule::Contains => line.contains(pat),
        Rule::ContactLine => false,
    })
}

/// Filters the sequence of headings and paragraphs of one document, which
/// needs state for the contact block.
#[derive(Debug, Default)]
pub(super) struct FurnitureFilter {
    /// Inside a contact block: how many non-contact lines (the department
    /// name) may still come before the block is over.
    contact: Option<u8>,
}

impl FurnitureFilter {
    /// Whether the normalized `line` is to be dropped.
    pub(super) fn drop_line(&mut self, line: &str) -> bool {
        if FURNITURE
            .iter()
            .any(|&(rule, pat)| rule == Rule::ContactHeading && line == pat)
        {
            self.contact = Some(1);
            return true;
        }
        if is_furniture(line) {
            return true;
        }
        let Some(allowed) = self.contact else {
            return false;
        };
        let contact_line = FURNITURE
            .iter()
            .any(|&(rule, pat)| rule == Rule::ContactLine && line.starts_with(pat));
        if !contact_line {
            self.contact = allowed.checked_sub(1);
        }
        contact_line
    }

    /// Ends a contact block: a table row is content again.
    pub(super) fn end_block(&mut self) {
        self.contact = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_block_lines_dropped_only_after_its_heading() {
        let mut f = FurnitureFilter::default();
        assert!(!f.drop_line("〒999-0000 架空市中央1-1"));
        assert!(!f.drop_line("電話番号:0000-00-0000"));
        assert!(f.drop_line("このページの作成担当"));
        assert!(!f.drop_line("架空市 総務部 企画課"));
        assert!(f.drop_line("電話番号:0000-00-0000"));
        assert!(f.drop_line("ファクス:0000-00-0001"));
        assert!(f.drop_line("〒999-0000 架空市中央1-1"));
        assert!(f.drop_line("このページの作成担当にメールを送る"));
        assert!(!f.drop_line("次の計画について"));
        assert!(!f.drop_line("電話番号:0000-00-0000"));
    }

    #[test]
    fn acrobat_notices_match_anywhere_in_the_line() {
        assert!(is_furniture(
            "PDF形式のファイルを開くには、Adobe Acrobat Reader DCが必要です。"
        ));
        assert!(is_furniture("Get Adobe Reader"));
        assert!(!is_furniture("本文ここからの説明"));
    }
}
