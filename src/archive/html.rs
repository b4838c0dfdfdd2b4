//! HTML pages → blocks, parsed with scraper (html5ever).
//!
//! The tree is walked iteratively with parent/sibling links: pages nested
//! thousands of levels deep (broken CMS output) must not overflow the stack.
//!
//! html5ever itself is quadratic on some broken pages: each start tag scans
//! the stack of open elements (100,000 nested `<div>`s took 30 s), and
//! formatting elements left open across paragraphs are cloned into every
//! following paragraph (`<p><b id=1>…` repeated 10,000 times, a 400 KB
//! file, built 50 million elements: 8 GB). Such pages are recognised by a
//! linear scan of their tags ([`tangled`]) and read flat instead: tags
//! stripped, text kept ([`extract_flat`]).

use scraper::{Html, Node};

use super::Block;
use super::blocks::BlockSink;
use super::inline::{self, BLOCK_TAGS, Lines};
use crate::analysis::normalize::normalize_inline;

/// Elements whose content is not document text: code, navigation and page
/// chrome, embedded media, form widgets and furigana readings (`rt`, `rp`,
/// which would split the words they annotate). `title` is read separately.
const DROP_TAGS: &[&str] = &[
    "button", "canvas", "datalist", "footer", "head", "header", "iframe", "math", "nav",
    "noscript", "object", "rp", "rt", "script", "select", "style", "svg", "template", "textarea",
    "title",
];

/// Extracts the blocks and the `<title>` of an HTML page.
pub(super) fn extract(src: &str) -> (Vec<Block>, Option<String>) {
    if tangled(src) {
        extract_flat(src)
    } else {
        extract_tree(src)
    }
}

/// Extracts a page through its DOM.
fn extract_tree(src: &str) -> (Vec<Block>, Option<String>) {
    let doc = Html::parse_document(src);
    let mut b = Builder::default();
    let mut title = None;
    let mut node = doc.tree.root();
    let mut depth = 0usize;
    'walk: loop {
        let descend = match node.value() {
            Node::Document | Node::Fragment => true,
            Node::Element(el) if DROP_TAGS.contains(&el.name()) => {
                let title_el = match el.name() {
                    "title" => Some(node),
                    "head" => node
                        .children()
                        .find(|c| c.value().as_element().is_some_and(|e| e.name() == "title")),
                    _ => None,
                };
                if let Some(t) = title_el.filter(|_| title.is_none()) {
                    let text: String = t
                        .children()
                        .filter_map(|c| c.value().as_text())
                        .map(|t| &**t)
                        .collect();
                    title = Some(normalize_inline(&text)).filter(|t| !t.is_empty());
                }
                false
            }
            Node::Element(el) => {
                b.open(el.name(), depth);
                true
            }
            Node::Text(text) => {
                let parent = node.parent().and_then(|p| p.value().as_element());
                b.text(
                    text,
                    parent.is_some_and(|e| matches!(e.name(), "ul" | "ol" | "menu")),
                );
                false
            }
            _ => false,
        };
        if descend && let Some(child) = node.first_child() {
            node = child;
            depth += 1;
            continue;
        }
        // No children to visit: close nodes until one has a next sibling.
        loop {
            if let Some(el) = node.value().as_element()
                && !DROP_TAGS.contains(&el.name())
            {
                b.close(el.name(), depth);
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            match node.parent() {
                Some(parent) if depth > 0 => {
                    node = parent;
                    depth -= 1;
                }
                _ => break 'walk,
            }
        }
    }
    (b.finish(), title)
}

/// Elements without content or end tag.
const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
/// Elements closed implicitly by the next of their kind (or never open
/// long): they do not deepen the tree however many are left unclosed.
const AUTO_CLOSED_TAGS: &[&str] = &[
    "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
    "rb", "rp", "rt", "tbody", "td", "tfoot", "th", "thead", "tr",
];
/// Formatting elements: html5ever re-opens them in every block they were
/// left open across.
const FORMATTING_TAGS: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
/// Elements whose content is raw text, not markup.
const RAW_TEXT_TAGS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

fn is_one_of(name: &str, set: &[&str]) -> bool {
    set.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// A start or end tag at the start of `s` (which starts with `<`): its
/// name, whether it is an end tag, and its length up to `>`. `None` when it
/// is no tag (`< 5`, `<A案` without `>`).
fn raw_tag(s: &str) -> Option<(&str, bool, usize)> {
    let body = &s[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    if !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    // The tag ends at the first `>`; a `<` first means this was text, and
    // stopping there keeps scanning linear on text full of `<`.
    let after = &body[name_len..];
    let end = after
        .find(['<', '>'])
        .filter(|&i| after[i..].starts_with('>'))?;
    let len = s.len() - body.len() + name_len + end + 1;
    Some((&body[..name_len], closing, len))
}

/// Whether html5ever would take quadratic time or memory on `src`. Counts,
/// in one pass over the tags, how deep the tree gets (elements that close
/// implicitly aside) and how many formatting elements stay open, summed
/// over every start tag: the stack scans and the element clones the tree
/// builder would do, roughly and from above. Pages as written by people
/// and CMSs stay far below the budgets, which grow with the file.
fn tangled(src: &str) -> bool {
    let time_budget = 16 * src.len() + 2_000_000;
    let clone_budget = src.len() + 500_000;
    let (mut depth, mut formatting) = (0usize, 0usize);
    let (mut depth_work, mut clone_work) = (0usize, 0usize);
    let mut rest = src;
    while let Some(pos) = rest.find('<') {
        rest = &rest[pos..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some((name, closing, len)) = raw_tag(rest) else {
            rest = &rest[1..];
            continue;
        };
        rest = &rest[len..];
        if is_one_of(name, VOID_TAGS) {
            continue;
        }
        let is_formatting = is_one_of(name, FORMATTING_TAGS);
        if !is_formatting && is_one_of(name, AUTO_CLOSED_TAGS) {
            continue;
        }
        let open = if is_formatting {
            &mut formatting
        } else {
            &mut depth
        };
        if closing {
            *open = open.saturating_sub(1);
            continue;
        }
        if is_one_of(name, RAW_TEXT_TAGS) {
            // `<div>` in a script's strings is no element.
            rest = inline::skip_past_end_tag(rest, &name.to_ascii_lowercase());
            continue;
        }
        *open += 1;
        depth_work += depth + formatting;
        clone_work += formatting;
        if depth_work > time_budget || clone_work > clone_budget {
            return true;
        }
    }
    false
}

/// Reads a page without building its tree, in linear time: `<title>` is
/// taken, scripts and styles dropped, every other tag removed (block tags
/// end a line), character references decoded. Headings and tables come out
/// as plain lines.
fn extract_flat(src: &str) -> (Vec<Block>, Option<String>) {
    let mut kept = String::with_capacity(src.len());
    let mut title = None;
    let mut rest = src;
    while let Some(pos) = rest.find('<') {
        kept.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            // `<!DOCTYPE html>`, `<![CDATA[`, `<?xml …?>`: no text.
            if let Some(end) = rest[1..].find(['<', '>'])
                && rest[1 + end..].starts_with('>')
            {
                rest = &rest[end + 2..];
                continue;
            }
        }
        let Some((name, closing, len)) = raw_tag(rest) else {
            kept.push('<');
            rest = &rest[1..];
            continue;
        };
        rest = &rest[len..];
        let lower = name.to_ascii_lowercase();
        if !closing && is_one_of(&lower, RAW_TEXT_TAGS) {
            let after = inline::skip_past_end_tag(rest, &lower);
            if lower == "title" && title.is_none() {
                let content = rest[..rest.len() - after.len()]
                    .rsplit_once("</")
                    .map_or(rest, |(content, _)| content);
                title = Some(normalize_inline(&inline::lines(content).join(" ")))
                    .filter(|t| !t.is_empty());
            }
            rest = after;
        } else if is_block(&lower) || is_heading(&lower) {
            kept.push_str("<br>");
        } else if !is_one_of(&lower, FORMATTING_TAGS) && !is_one_of(&lower, VOID_TAGS) {
            // Not an inline element (`<nav>`, `<option>`…): a space, so
            // that neighbouring texts do not run together. Inline ones go
            // without a trace (`<b>架空</b>市` is one word).
            kept.push(' ');
        }
    }
    kept.push_str(rest);
    let mut sink = BlockSink::default();
    for line in inline::lines(&kept) {
        sink.para(&line);
    }
    (sink.finish(), title)
}

/// Whether an element starts a new block: text on either side of it does
/// not run together.
fn is_block(name: &str) -> bool {
    BLOCK_TAGS.contains(&name)
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Turns the open/close/text events of the walk into blocks. Open
/// structures are remembered by their depth in the tree, which identifies
/// the element on the way back up.
#[derive(Debug, Default)]
struct Builder {
    sink: BlockSink,
    /// Text of the open paragraph, heading or cell.
    buf: Lines,
    heading: Option<usize>,
    /// Depth of the open `<tr>` and its finished cells.
    row: Option<(usize, Vec<Vec<String>>)>,
    cell: Option<usize>,
    /// Number of open `<pre>`: there, line breaks are kept.
    pre: usize,
}

impl Builder {
    /// Inside a heading or a cell, nested structure (a table in a cell, a
    /// paragraph in a heading) is flattened into lines of that block.
    fn flattening(&self) -> bool {
        self.cell.is_some() || self.heading.is_some()
    }

    /// Ends the current line, or the current paragraphs outside headings
    /// and cells.
    fn boundary(&mut self) {
        if self.flattening() {
            self.buf.line_break();
        } else {
            for line in self.buf.take() {
                self.sink.para(&line);
            }
        }
    }

    fn open(&mut self, name: &str, depth: usize) {
        if name == "pre" {
            self.pre += 1;
        }
        if self.flattening() {
            if is_block(name) || is_heading(name) {
                self.buf.line_break();
            }
            return;
        }
        if is_heading(name) {
            self.boundary();
            self.heading = Some(depth);
        } else if name == "tr" && self.row.is_none() {
            self.boundary();
            self.row = Some((depth, Vec::new()));
        } else if matches!(name, "td" | "th") && self.row.is_some() {
            self.boundary();
            self.cell = Some(depth);
        } else if is_block(name) {
            self.boundary();
        }
    }

    fn close(&mut self, name: &str, depth: usize) {
        if name == "pre" {
            self.pre = self.pre.saturating_sub(1);
        }
        if self.cell == Some(depth) {
            let lines = self.buf.take();
            if let Some((_, cells)) = &mut self.row {
                cells.push(lines);
            }
            self.cell = None;
        } else if self.heading == Some(depth) {
            let text = self.buf.take().join(" ");
            self.sink.heading(&text);
            self.heading = None;
        } else if self.row.as_ref().is_some_and(|(d, _)| *d == depth) {
            self.boundary();
            if let Some((_, cells)) = self.row.take() {
                self.sink.row(cells);
            }
        } else if is_block(name) || is_heading(name) {
            self.boundary();
        }
    }

    fn text(&mut self, text: &str, directly_in_list: bool) {
        if self.pre > 0 {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.buf.line_break();
                }
                self.buf.push(line);
            }
        } else if directly_in_list {
            self.buf.push_run_in_list(text);
        } else {
            self.buf.push(text);
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.boundary();
        self.sink.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Para(s.to_owned())
    }

    #[test]
    fn page_chrome_is_dropped_and_title_kept() {
        let (blocks, title) = extract(
            "<!DOCTYPE html><html><head><title> 架空市｜総合計画 </title>\
             <style>p { color: red }</style><script>var x = '<p>偽</p>';</script></head>\
             <body><header>架空市役所ロゴ</header><nav><ul><li>ホーム</li></ul></nav>\
             <p>このページの先頭です</p><noscript>JavaScriptを有効に</noscript>\
             <main><h1>第２次　総合計画</h1><p>みどりの&amp;まち&lt;案&gt;</p>\
             <p>PDF形式のファイルを開くには、Adobe Acrobat Reader DCが必要です。</p>\
             <script>document.write('x')</script></main>\
             <footer>Copyright 架空市</footer></body></html>",
        );
        assert_eq!(title.as_deref(), Some("架空市|総合計画"));
        assert_eq!(
            blocks,
            [
                Block::Heading("第2次 総合計画".to_owned()),
                para("みどりの&まち<案>")
            ]
        );
    }

    #[test]
    fn empty_title_is_none() {
        let (_, title) =
            extract("<html><head><title>\n  </title></head><body><p>本文</p></body></html>");
        assert_eq!(title, None);
    }

    #[test]
    fn table_rows_keep_cell_paragraphs_apart() {
        let (blocks, _) = extract(
            "<table><thead><tr><th>施策</th><th>内容</th><th></th></tr></thead>\
             <tbody><tr><td>防災</td><td><p>避難所の整備</p><p>訓練の実施</p></td><td> </td></tr>\
             <tr><td>子育て<br>支援</td><td><table><tr><td>内側</td></tr></table></td></tr>\
             </tbody></table>",
        );
        assert_eq!(
            blocks,
            [
                Block::Row(vec!["施策".into(), "内容".into()]),
                Block::Row(vec!["防災".into(), "避難所の整備\n訓練の実施".into()]),
                Block::Row(vec!["子育て\n支援".into(), "内側".into()]),
            ]
        );
    }

    #[test]
    fn loose_text_breaks_and_lists_become_paragraphs() {
        let (blocks, _) = extract(
            "<body>前文の文<div>区分<p>一行目<br>二行目</p>後の文</div>\
             <ul><li>項目A</li><li>項目B</li></ul><ul> ・会議 ・公表</ul>\
             <h2>見出し<br>副題</h2><pre>整形\n済み</pre>末尾</body>",
        );
        let expected: Vec<Block> = vec![
            para("前文の文"),
            para("区分"),
            para("一行目"),
            para("二行目"),
            para("後の文"),
            para("項目A"),
            para("項目B"),
            para("会議"),
            para("公表"),
            Block::Heading("見出し 副題".into()),
            para("整形"),
            para("済み"),
            para("末尾"),
        ];
        assert_eq!(blocks, expected);
    }

    #[test]
    fn furigana_and_contact_box_are_dropped() {
        let (blocks, _) = extract(
            "<p><ruby>架空<rt>かくう</rt></ruby>市の計画</p>\
             <div><h2>このページの作成担当</h2><p>架空市 企画課</p>\
             <p>電話番号：0000-00-0000</p><p>〒999-9999 架空市本町1番</p></div>",
        );
        assert_eq!(blocks, [para("架空市の計画"), para("架空市 企画課")]);
    }

    #[test]
    fn deeply_nested_html_does_not_overflow() {
        let depth = 10_000;
        let mut src = String::from("<html><body>");
        for tag in ["div", "span", "table"] {
            src.push_str(&format!("<{tag}>").repeat(depth));
            src.push_str("<p>深い階層の本文</p>");
            src.push_str(&format!("</{tag}>").repeat(depth));
        }
        // Run on a small stack: recursion over the tree would overflow it.
        // (`extract` reads such a page flat; the tree walk must cope too.)
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || extract_tree(&src).0)
            .unwrap();
        let blocks = handle.join().expect("extraction crashed");
        assert_eq!(
            blocks
                .iter()
                .filter(|b| **b == para("深い階層の本文"))
                .count(),
            3
        );
    }

    /// Runs `f` and fails if it takes longer than `secs` seconds.
    fn within<T>(secs: u64, f: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let out = f();
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(secs), "took {took:?}");
        out
    }

    #[test]
    fn pages_that_are_quadratic_for_html5ever_are_read_flat() {
        // 100,000 nested elements: every start tag scanned the whole stack
        // of open elements (30 s).
        let deep = format!(
            "<html><head><title>深い&amp;ページ</title><script>var s = '<div>';</script></head>\
             <body>{}<h2>見出し</h2><p>最深部の本文</p>{}</body></html>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert!(tangled(&deep));
        let (blocks, title) = within(5, || extract(&deep));
        assert_eq!(title.as_deref(), Some("深い&ページ"));
        assert_eq!(blocks, [para("見出し"), para("最深部の本文")]);

        // Formatting elements left open inside paragraphs: html5ever cloned
        // all of them into every following paragraph (10,000 paragraphs,
        // 400 KB: 50 million elements, 8 GB).
        for (n, pattern) in [
            (10_000, "<p><b id={i}>段落{i}"),
            (10_000, "<b id={i}><p>段落{i}"),
        ] {
            let src: String = (0..n)
                .map(|i| pattern.replace("{i}", &i.to_string()))
                .collect();
            assert!(tangled(&src));
            let (blocks, _) = within(5, || extract(&src));
            let expected: Vec<Block> = (0..n).map(|i| para(&format!("段落{i}"))).collect();
            assert_eq!(blocks, expected);
        }
    }

    #[test]
    fn ordinary_pages_are_not_tangled() {
        // Sloppy but ordinary: unclosed <p>, <li>, <td>, <tr>, a few
        // unclosed <font>, a long table, inline scripts full of tags.
        let mut src = String::from(
            "<html><head><title>架空市</title><script>document.write('<div><div><div>'.repeat(99))</script></head>\
             <body><font size=2><font color=red><div id=main><table>",
        );
        for i in 0..5_000 {
            src.push_str(&format!(
                "<tr><td><p>施策{i}<td><span>内容<b>重要</b></span><ul><li>項目<li>項目</ul>"
            ));
        }
        src.push_str("</table></div></body></html>");
        assert!(!tangled(&src));
        assert!(!tangled("<p>段落</p>".repeat(100_000).as_str()));
        assert!(!tangled(&"<div>".repeat(300)));
    }

    #[test]
    fn flat_reading_strips_every_tag_and_keeps_the_text() {
        let (blocks, title) = extract_flat(
            "<!DOCTYPE html><html><head><TITLE>架空村</TITLE><style>p{}</style></head>\
             <body><nav>ホーム</nav><p>一つ目<b>の</b>段落</p><!-- <p>注釈</p> -->\
             <table><tr><td>表の&lt;セル&gt;</td></tr></table><custom-tag>独自</custom-tag>\
             <p>1 < 2 と <A案> と &#26550;空</p><script>var x = '<p>偽</p>'",
        );
        assert_eq!(title.as_deref(), Some("架空村"));
        assert_eq!(
            blocks,
            [
                para("ホーム"),
                para("一つ目の段落"),
                para("表の<セル>"),
                para("独自"),
                para("1 < 2 と と 架空"),
            ]
        );
    }
}
