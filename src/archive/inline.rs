//! Inline HTML inside text files.
//!
//! Text and Markdown exports of municipal tables carry HTML fragments in
//! their cells (`<p>…</p> <p>…</p>`, an unclosed `<ul>` followed by run-in
//! "・" items). A full HTML parser is the wrong tool there: it would read the
//! `<A案>` of plain Japanese text as a tag. This small scanner strips only
//! known HTML tags, turns block boundaries into line breaks and decodes
//! character references.

use std::borrow::Cow;

/// Block-level elements: their start and end tags end a line of text.
pub(super) const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Tags that are stripped without a line break.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "img", "ins", "kbd",
    "label", "mark", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "u",
    "var", "wbr",
];

/// Tags whose content is not text (scripts, styles, furigana readings).
const SKIP_CONTENT_TAGS: &[&str] = &["rp", "rt", "script", "style"];

/// Lines of text under construction; empty lines are never emitted.
#[derive(Debug, Default)]
pub(super) struct Lines {
    done: Vec<String>,
    current: String,
}

impl Lines {
    pub(super) fn push(&mut self, text: &str) {
        self.current.push_str(text);
    }

    /// Ends the current line.
    pub(super) fn line_break(&mut self) {
        let line = self.current.trim();
        if !line.is_empty() {
            self.done.push(line.to_owned());
        }
        self.current.clear();
    }

    /// Takes the lines collected so far.
    pub(super) fn take(&mut self) -> Vec<String> {
        self.line_break();
        std::mem::take(&mut self.done)
    }

    /// Adds text that sits directly in a list without `<li>` items, as
    /// exports write it: `<ul> ・first ・second`. Each bulleted item becomes
    /// its own line, without the bullet.
    pub(super) fn push_run_in_list(&mut self, text: &str) {
        let mut start = 0;
        let mut prev_space = true;
        for (i, c) in text.char_indices() {
            let next = text[i + c.len_utf8()..].chars().next();
            let bullet = prev_space
                && match c {
                    '・' | '･' | '•' => true,
                    '*' => next.is_none_or(char::is_whitespace),
                    _ => false,
                };
            if bullet {
                self.push(&text[start..i]);
                self.line_break();
                start = i + c.len_utf8();
            }
            prev_space = c.is_whitespace();
        }
        self.push(&text[start..]);
    }
}

/// Splits a line of a text file (or one table cell) into its text lines:
/// tags stripped, block boundaries as line breaks, references decoded.
pub(super) fn lines(src: &str) -> Vec<String> {
    if !src.contains(['<', '&']) {
        return vec![src.to_owned()];
    }
    let mut out = Lines::default();
    let mut text = String::new();
    let mut list = ListState::default();
    let mut rest = src;
    while let Some(pos) = rest.find(['<', '&']) {
        text.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('&') {
            let (c, len) = char_ref(rest).unwrap_or((Cow::Borrowed("&"), 1));
            text.push_str(&c);
            rest = &rest[len..];
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            text.push('<');
            rest = &rest[1..];
            continue;
        };
        list.flush(&mut text, &mut out);
        rest = &rest[tag.len..];
        if SKIP_CONTENT_TAGS.contains(&tag.name) && !tag.closing {
            rest = skip_past_end_tag(rest, tag.name);
        } else if BLOCK_TAGS.contains(&tag.name) {
            out.line_break();
            list.update(&tag);
        }
    }
    text.push_str(rest);
    list.flush(&mut text, &mut out);
    out.take()
}

/// Where the text stands relative to lists, to spot run-in list items.
#[derive(Debug, Default)]
struct ListState {
    depth: usize,
    in_item: bool,
    in_para: bool,
}

impl ListState {
    fn update(&mut self, tag: &Tag) {
        match (tag.name, tag.closing) {
            ("ul" | "ol", false) => (self.depth, self.in_item) = (self.depth + 1, false),
            ("ul" | "ol", true) => {
                (self.depth, self.in_item) = (self.depth.saturating_sub(1), false);
            }
            ("li", closing) => self.in_item = !closing,
            ("p", closing) => self.in_para = !closing,
            _ => {}
        }
    }

    /// Moves the pending decoded `text` into `out`.
    fn flush(&self, text: &mut String, out: &mut Lines) {
        if self.depth > 0 && !self.in_item && !self.in_para {
            out.push_run_in_list(text);
        } else {
            out.push(text);
        }
        text.clear();
    }
}

/// A known HTML tag at the start of the input.
#[derive(Debug)]
struct Tag {
    /// Lower-case element name.
    name: &'static str,
    closing: bool,
    /// Length of the tag in bytes, `<` to `>`.
    len: usize,
}

impl Tag {
    /// Parses `<name …>` or `</name>` when `name` is a known HTML element;
    /// anything else (`<A案>`, `< 5`, an unclosed `<p`) is text.
    fn parse(s: &str) -> Option<Tag> {
        let body = s.strip_prefix('<')?;
        let (closing, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let name_len = body
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(body.len());
        let (name, after) = body.split_at(name_len);
        if !after.starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace()) {
            return None;
        }
        let name = [BLOCK_TAGS, INLINE_TAGS, SKIP_CONTENT_TAGS]
            .iter()
            .flat_map(|set| set.iter())
            .find(|known| known.eq_ignore_ascii_case(name))?;
        // The tag ends at the first `>`; a `<` first means this was text.
        // Attribute values holding `<` or `>` do not occur in these exports,
        // and stopping at `<` keeps scanning linear on broken input.
        let end = after
            .find(['<', '>'])
            .filter(|&i| after[i..].starts_with('>'))?;
        Some(Tag {
            name,
            closing,
            len: s.len() - after.len() + end + 1,
        })
    }
}

/// The input after `</name>` (ASCII case-insensitive), or nothing if the
/// element is never closed.
pub(super) fn skip_past_end_tag<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(pos) = s[from..].find("</") {
        let after = &s[from + pos + 2..];
        let matches = after
            .as_bytes()
            .get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches {
            return after.find('>').map_or("", |end| &after[end + 1..]);
        }
        from += pos + 2;
    }
    ""
}

/// Decodes a character reference at the start of `s` (`&amp;`, `&#12354;`,
/// `&#x3042;`); returns its text and the reference's length. Named
/// references come from the HTML standard's table (html-escape); unknown
/// names stay as they are, as a browser shows them.
fn char_ref(s: &str) -> Option<(Cow<'static, str>, usize)> {
    // The longest name, `CounterClockwiseContourIntegral`, has 31 letters.
    let end = s.bytes().take(34).position(|b| b == b';')?;
    let name = &s[1..end];
    let text = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => num.parse(),
        }
        .ok()?;
        // Like a browser: NUL, surrogates and out-of-range values are U+FFFD.
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        Cow::Owned(c.to_string())
    } else {
        let table = &html_escape::NAMED_ENTITIES;
        let i = table
            .binary_search_by(|(n, _)| n.cmp(&name.as_bytes()))
            .ok()?;
        Cow::Borrowed(table[i].1)
    };
    Some((text, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_breaks_become_lines() {
        assert_eq!(
            lines("<p>架空市の目標</p> <p>(1) 公園を整備します。</p>"),
            ["架空市の目標", "(1) 公園を整備します。"]
        );
        assert_eq!(
            lines("一行目<br>二行目<BR/>三行目"),
            ["一行目", "二行目", "三行目"]
        );
        assert_eq!(
            lines("<ul><li>緑化</li><li>防災</li></ul>"),
            ["緑化", "防災"]
        );
    }

    #[test]
    fn run_in_list_items_are_split() {
        assert_eq!(
            lines(
                "<p>(1) 計画策定</p> <ul style=\"list-style-type: none\"> ・会議(年3回) ・素案公表(9月) <p>(2) 事業実施</p> <ul> * 第1期 * 第2期"
            ),
            [
                "(1) 計画策定",
                "会議(年3回)",
                "素案公表(9月)",
                "(2) 事業実施",
                "第1期",
                "第2期"
            ]
        );
        // A middle dot inside a word is no bullet.
        assert_eq!(lines("<ul>安全・安心のまち"), ["安全・安心のまち"]);
    }

    #[test]
    fn entities_are_decoded_and_unknown_markup_kept() {
        assert_eq!(
            lines("A&amp;B &lt;注&gt; &#26550;&#x7A7A;市&nbsp;x &bogus; &#0;"),
            ["A&B <注> 架空市\u{a0}x &bogus; \u{fffd}"]
        );
        // The standard's whole table, up to its longest name.
        assert_eq!(
            lines("&CounterClockwiseContourIntegral;&rarr;&hearts;&Auml;"),
            ["\u{2233}→\u{2665}Ä"]
        );
        assert_eq!(lines("<A案>と<B案> 1 < 2"), ["<A案>と<B案> 1 < 2"]);
        assert_eq!(lines("<span class=\"x\">強調</span>文"), ["強調文"]);
        assert_eq!(lines("<p 未完 <b>太字</b>"), ["<p 未完 太字"]);
        assert_eq!(lines("前<script>var a = '<p>';</script>後"), ["前後"]);
        assert_eq!(lines("<ruby>架空<rt>かくう</rt></ruby>市"), ["架空市"]);
        assert_eq!(lines("<!-- メモ -->本文"), ["本文"]);
    }
}
