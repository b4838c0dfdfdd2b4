//! Word documents (.docx) → blocks: paragraphs in order, heading styles as
//! headings, tables as rows, in document order.
//!
//! The XML is read as a stream (quick-xml), with a nesting cap: a document
//! nested thousands of levels deep is refused, not walked.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::blocks::BlockSink;
use super::title::real_title;
use super::{Block, ExtractError, unzip};

/// Deepest XML nesting accepted; real documents stay under 30.
pub(super) const MAX_XML_DEPTH: usize = 256;

/// What a Word document yields.
pub(super) struct Docx {
    pub blocks: Vec<Block>,
    pub title: Option<String>,
}

pub(super) fn extract(bytes: &[u8]) -> Result<Docx, ExtractError> {
    let mut zip = unzip::open(bytes)?;
    let mut budget = unzip::MAX_UNZIPPED;
    let document =
        unzip::read_text(&mut zip, "word/document.xml", &mut budget)?.ok_or_else(|| {
            ExtractError::Corrupt(
                "not a Word document (no word/document.xml); open and save it as .docx again"
                    .to_owned(),
            )
        })?;
    let headings = match unzip::read_text(&mut zip, "word/styles.xml", &mut budget)? {
        Some(styles) => heading_styles(&styles)?,
        None => HashMap::new(),
    };
    let title = match unzip::read_text(&mut zip, "docProps/core.xml", &mut budget)? {
        Some(core) => core_title(&core)?.as_deref().and_then(real_title),
        None => None,
    };
    let blocks = body_blocks(&document, &headings)?;
    Ok(Docx { blocks, title })
}

fn xml_error(part: &str, e: impl std::fmt::Display) -> ExtractError {
    ExtractError::Corrupt(format!(
        "broken Word document ({part}: {e}); open and save it again"
    ))
}

fn too_deep() -> ExtractError {
    ExtractError::TooLarge(format!(
        "Word document nested deeper than {MAX_XML_DEPTH} levels: refused (damaged or hostile)"
    ))
}

/// Local name of an element (`w:p` → `p`).
fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_owned()
}

/// The `w:val` attribute.
fn val(e: &BytesStart<'_>) -> Option<String> {
    attribute(e, "val")
}

/// An attribute's unescaped value, by local name.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .ok()
            })
            .flatten()
    })
}

/// Style id → whether paragraphs of that style are headings: named
/// `heading N`, `見出し N`, `Title`/`表題`, or with an outline level.
fn heading_styles(xml: &str) -> Result<HashMap<String, bool>, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut out = HashMap::new();
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error("styles.xml", e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if depth > MAX_XML_DEPTH {
                        return Err(too_deep());
                    }
                }
                match local(e).as_str() {
                    "style" => {
                        current = attribute(e, "styleId");
                    }
                    "name" => {
                        if let (Some(id), Some(name)) = (&current, val(e)) {
                            let n = name.to_lowercase();
                            let numbered = |p: &str| {
                                n.strip_prefix(p).is_some_and(|r| {
                                    let r = r.trim();
                                    !r.is_empty() && r.chars().all(|c| c.is_ascii_digit())
                                })
                            };
                            if numbered("heading")
                                || numbered("見出し")
                                || n == "title"
                                || n == "表題"
                            {
                                out.insert(id.clone(), true);
                            }
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(id), Some(level)) = (&current, val(e))
                            && level.parse::<u8>().is_ok_and(|l| l < 9)
                        {
                            out.insert(id.clone(), true);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// `dc:title` of docProps/core.xml.
fn core_title(xml: &str) -> Result<Option<String>, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event().map_err(|e| xml_error("core.xml", e))? {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(too_deep());
                }
                in_title = e.local_name().as_ref() == "title";
            }
            Event::Text(t) if in_title => title.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_title => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    title.push(c);
                } else if let Some(c) = predefined_entity(&r) {
                    title.push(c);
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_title = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((!title.trim().is_empty()).then_some(title))
}

fn predefined_entity(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    match r.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// The paragraph being read and where it goes.
#[derive(Default)]
struct Para {
    text: String,
    heading: bool,
}

/// Reads word/document.xml into blocks.
fn body_blocks(xml: &str, headings: &HashMap<String, bool>) -> Result<Vec<Block>, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut sink = BlockSink::default();
    let mut depth = 0usize;
    // Depth of the element whose text is skipped (mc:Fallback repeats
    // mc:Choice; deleted text is not text).
    let mut skip_from: Option<usize> = None;
    let mut para: Option<Para> = None;
    let mut in_text = false;
    // Nesting of w:tbl; only the outermost table's rows and cells count,
    // a nested table's text goes into the outer cell.
    let mut table_depth = 0usize;
    let mut row: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<Vec<String>> = None;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error("document.xml", e))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(too_deep());
                }
                if skip_from.is_some() {
                    continue;
                }
                match local(&e).as_str() {
                    "Fallback" | "del" | "instrText" | "delText" => skip_from = Some(depth),
                    "p" => para = Some(Para::default()),
                    "t" => in_text = true,
                    "tbl" => table_depth += 1,
                    "tr" if table_depth == 1 => row.clear(),
                    "tc" if table_depth == 1 => cell = Some(Vec::new()),
                    "pStyle" => mark_heading(&e, headings, &mut para),
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_from.is_some() {
                    continue;
                }
                match local(&e).as_str() {
                    "pStyle" => mark_heading(&e, headings, &mut para),
                    "outlineLvl" => {
                        if let (Some(p), Some(level)) = (para.as_mut(), val(&e)) {
                            p.heading |= level.parse::<u8>().is_ok_and(|l| l < 9);
                        }
                    }
                    "tab" | "noBreakHyphen" | "softHyphen" => {
                        if let Some(p) = para.as_mut() {
                            p.text.push(if local(&e) == "tab" { '\t' } else { '-' });
                        }
                    }
                    "br" | "cr" => {
                        if let Some(p) = para.as_mut() {
                            p.text.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_from.is_none() => {
                if let Some(p) = para.as_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && skip_from.is_none() => {
                if let Some(p) = para.as_mut() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        p.text.push(c);
                    } else if let Some(c) = predefined_entity(&r) {
                        p.text.push(c);
                    }
                }
            }
            Event::End(e) => {
                let closing = depth;
                depth = depth.saturating_sub(1);
                if let Some(from) = skip_from {
                    if closing == from {
                        skip_from = None;
                    }
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        if let Some(p) = para.take() {
                            let lines = p.text.split('\n').map(|l| l.replace('\t', " "));
                            match cell.as_mut() {
                                Some(cell) => cell.extend(lines),
                                None if p.heading => {
                                    sink.heading(&lines.collect::<Vec<_>>().join(" "))
                                }
                                None => lines.for_each(|l| sink.para(&l)),
                            }
                        }
                    }
                    "tc" if table_depth == 1 => row.extend(cell.take()),
                    "tr" if table_depth == 1 => sink.row(std::mem::take(&mut row)),
                    "tbl" => table_depth = table_depth.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sink.finish())
}

/// A paragraph whose style is a heading style is a heading.
fn mark_heading(e: &BytesStart<'_>, headings: &HashMap<String, bool>, para: &mut Option<Para>) {
    if let (Some(p), Some(style)) = (para.as_mut(), val(e)) {
        p.heading |= headings.get(&style).copied().unwrap_or(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn paragraphs_headings_and_tables_in_order() {
        let styles = format!(
            r#"<w:styles {W}><w:style w:styleId="1"><w:name w:val="heading 1"/></w:style>
            <w:style w:styleId="a"><w:name w:val="Normal"/></w:style>
            <w:style w:styleId="Midashi"><w:name w:val="見出し 2"/></w:style>
            <w:style w:styleId="Own"><w:name w:val="章"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>"#
        );
        let doc = format!(
            r#"<w:document {W}><w:body>
            <w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>架空市の計画</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">市民の </w:t></w:r><w:r><w:t>声&amp;意見</w:t></w:r><w:r><w:br/><w:t>二行目</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>事業</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内容一</w:t></w:r></w:p><w:p><w:r><w:t>内容二</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>入れ子</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:pStyle w:val="Midashi"/></w:pPr><w:r><w:t>第2章</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="Own"/></w:pPr><w:r><w:t>独自の章</w:t></w:r></w:p>
            <w:p><w:r><w:delText>消した</w:delText><w:t>残る</w:t></w:r></w:p>
            </w:body></w:document>"#
        );
        let headings = heading_styles(&styles).unwrap();
        let blocks = body_blocks(&doc, &headings).unwrap();
        let row = |c: &[&str]| Block::Row(c.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            blocks,
            [
                Block::Heading("架空市の計画".into()),
                Block::Para("市民の 声&意見".into()),
                Block::Para("二行目".into()),
                row(&["事業", "内容一\n内容二"]),
                row(&["入れ子"]),
                Block::Heading("第2章".into()),
                Block::Heading("独自の章".into()),
                Block::Para("残る".into()),
            ]
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!(
            "<w:document {W}>{}{}</w:document>",
            "<w:x>".repeat(10_000),
            "</w:x>".repeat(10_000)
        );
        assert!(
            body_blocks(&doc, &HashMap::new())
                .unwrap_err()
                .to_string()
                .contains("deeper")
        );
    }

    #[test]
    fn core_title_is_read() {
        let core = r#"<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:title>見本町 &amp; 計画</dc:title><dc:creator>a</dc:creator></cp:coreProperties>"#;
        assert_eq!(core_title(core).unwrap().as_deref(), Some("見本町 & 計画"));
    }
}
