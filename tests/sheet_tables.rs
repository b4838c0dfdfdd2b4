//! Worksheets read as data tables, through real .xlsx files written here
//! (fictional cities, invented text): records titled by their name column,
//! joined two-row headers, a sheet of survey codes summarised, and a wide
//! sheet read in linear time.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use plansearch::archive::{self, Block, Extracted, Place};
use plansearch::sections;

/// A minimal .xlsx of one sheet: `rows[i]` is sheet row `i + 1`, cells
/// from column A; numbers are written as numbers, other cells as inline
/// strings, empty cells left out. `blank_styled` more rows of styled but
/// empty cells follow (a sheet whose used range is larger than its data).
fn xlsx(sheet: &str, rows: &[Vec<String>], blank_styled: usize, width: usize) -> Vec<u8> {
    let mut data = String::new();
    for (i, row) in rows.iter().enumerate() {
        let _ = write!(data, "<row r=\"{}\">", i + 1);
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let r = format!("{}{}", column(c), i + 1);
            if v.parse::<f64>().is_ok() {
                let _ = write!(data, "<c r=\"{r}\"><v>{v}</v></c>");
            } else {
                let v = v
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                let _ = write!(data, "<c r=\"{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>");
            }
        }
        data.push_str("</row>");
    }
    for i in rows.len()..rows.len() + blank_styled {
        let _ = write!(data, "<row r=\"{}\">", i + 1);
        for c in 0..width {
            let _ = write!(data, "<c r=\"{}{}\" s=\"1\"/>", column(c), i + 1);
        }
        data.push_str("</row>");
    }
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
            ),
        ),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// `A`, `B`, … `Z`, `AA`, …
fn column(mut c: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}

fn rows(table: &[&[&str]]) -> Vec<Vec<String>> {
    table
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn extract(dir: &Path, name: &str, bytes: &[u8]) -> Extracted {
    std::fs::write(dir.join(name), bytes).unwrap();
    let walk = archive::walk(dir).unwrap();
    let file = walk.files.iter().find(|f| f.rel == name).unwrap();
    archive::extract(file).unwrap()
}

#[test]
fn a_budget_sheet_gives_records_titled_by_their_project() {
    let dir = tempfile::tempdir().unwrap();
    let book = xlsx(
        "予算",
        &rows(&[
            &["架空市 主要事業の予算と決算"],
            &["", "", "", "", "単位:千円"],
            &[],
            &["事業名", "令和4年度", "", "令和5年度", ""],
            &["", "予算額", "決算額", "予算額", "決算額"],
            &["見本公園の再整備", "1200", "1100", "1300", "1250"],
            &["架空川の堤防補強", "800", "790", "0", "－"],
            &["図書館の開館時間延長", "45", "44", "50", "49"],
            &["※ 令和5年度は見込み"],
        ]),
        0,
        0,
    );
    let ex = extract(dir.path(), "budget.xlsx", &book);
    assert_eq!(
        ex.blocks[3],
        Block::Record {
            title: "架空川の堤防補強".into(),
            lines: vec![
                "令和4年度 予算額: 800".into(),
                "令和4年度 決算額: 790".into(),
                "令和5年度 予算額: 0".into(),
                "令和5年度 決算額: -".into(),
            ],
        }
    );
    // The record keeps its sheet row.
    assert_eq!(
        ex.place_of(3),
        Some(&Place::Sheet {
            name: "予算".into(),
            row: 7
        })
    );
    let sections = sections::split_extracted(&ex);
    let s = sections
        .iter()
        .find(|s| s.title == "図書館の開館時間延長")
        .unwrap_or_else(|| panic!("{sections:#?}"));
    assert!(s.text.contains("令和5年度 予算額: 50"), "{}", s.text);
}

#[test]
fn a_survey_of_codes_gives_its_questions_not_a_thousand_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut table = rows(&[
        &["", "", "属性", "属性", "暮らし", "暮らし", "安全"],
        &[
            "",
            "回答者ID",
            "性別",
            "年代",
            "架空市での暮らしにどの程度満足していますか。",
            "見本町の公園で心地よく過ごせる",
            "夜道を安心して歩ける",
        ],
    ]);
    for i in 0..1000 {
        table.push(vec![
            String::new(),
            format!("{}", 20001 + i),
            format!("{}", i % 2 + 1),
            format!("{}", i % 7 + 1),
            format!("{}", i % 11),
            format!("{}", i % 5 + 1),
            format!("{}", (i * 7) % 5 + 1),
        ]);
    }
    let ex = extract(dir.path(), "survey.xlsx", &xlsx("回答", &table, 0, 0));
    let sections = sections::split_extracted(&ex);
    assert!(sections.len() <= 5, "{sections:#?}");
    let s = sections.iter().find(|s| s.title == "暮らし").unwrap();
    assert!(
        s.text
            .contains("架空市での暮らしにどの程度満足していますか。")
    );
    assert!(s.text.contains("回答 1000件: 0=91"), "{}", s.text);
}

/// A sheet as wide and as padded as a real budget book (1,826 × 210, 406
/// rows of data): read, sectioned and summarised in linear time. Not timed
/// against a budget (CI machines vary); the time is printed, and a
/// quadratic pass over it would take minutes, not a fraction of a second.
#[test]
fn a_wide_padded_sheet_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let width = 210;
    let mut table = vec![vec!["架空市 事業別予算の推移".to_string()]];
    table.push(
        (0..width)
            .map(|c| match c {
                0 => "番号".to_string(),
                1 => "事業名".to_string(),
                2 => "所管課".to_string(),
                c => format!("令和{}年度 第{}期", c / 12 + 1, c % 12 + 1),
            })
            .collect(),
    );
    for i in 0..406 {
        table.push(
            (0..width)
                .map(|c| match c {
                    0 => format!("{}", i + 1),
                    1 => format!("見本事業{i}の推進"),
                    2 => format!("架空課{}", i % 17),
                    c => format!("{}", (i * 31 + c * 7) % 10_000),
                })
                .collect(),
        );
    }
    let book = xlsx("推移", &table, 1826 - table.len(), width);
    let started = Instant::now();
    let ex = extract(dir.path(), "wide.xlsx", &book);
    let sections = sections::split_extracted(&ex);
    let took = started.elapsed();
    eprintln!(
        "1,826 × {width} sheet, 406 data rows: {} blocks, {} sections in {took:?}",
        ex.blocks.len(),
        sections.len()
    );
    assert_eq!(
        ex.blocks
            .iter()
            .filter(|b| matches!(b, Block::Record { .. }))
            .count(),
        406
    );
    assert!(sections.iter().any(|s| s.title == "見本事業405の推進"));
    assert!(took.as_secs() < 60, "{took:?}");
}
