//! HTML pages → blocks, parsed with scraper (html5ever).
//!
//! The tree is walked iteratively with parent/sibling links: pages nested
//! thousands of levels deep (broken CMS output) must not overflow the stack.

use scraper::{Html, Node};

use super::Block;
use super::blocks::BlockSink;
use super::inline::{BLOCK_TAGS, Lines};
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
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || extract(&src).0)
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
}
