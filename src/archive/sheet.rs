//! Workbooks (.xlsx, .xls, .ods) → table rows, sheet by sheet, through
//! calamine (exact Japanese from shared strings and old BIFF code pages).

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::blocks::BlockSink;
use super::{Block, ExtractError, Format, Place, PlaceMark, unzip};

/// Extracts every sheet of the workbook in `bytes`: one [`Block::Row`] per
/// spreadsheet row, a cell's line breaks kept as separate cell lines (a row
/// with a single filled cell gives paragraphs instead), and a place mark per
/// row giving its sheet and 1-based row number.
pub(super) fn extract(
    bytes: &[u8],
    format: Format,
) -> Result<(Vec<Block>, Vec<PlaceMark>), ExtractError> {
    if matches!(format, Format::Xlsx | Format::Ods) {
        // calamine inflates parts whole: the sizes are checked first.
        let mut zip = unzip::open(bytes)?;
        unzip::check_inflated_size(&mut zip)?;
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        ExtractError::Corrupt(format!(
            "cannot read the workbook ({e}); check that it opens in a spreadsheet program and \
             that its extension matches its type"
        ))
    })?;
    let mut sink = BlockSink::default();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            ExtractError::Corrupt(format!("cannot read sheet {name:?} of the workbook ({e})"))
        })?;
        let first_row = range.start().map_or(0, |(row, _)| row);
        for (i, cells) in range.rows().enumerate() {
            let cells: Vec<Vec<String>> = cells
                .iter()
                .map(|c| cell_text(c).lines().map(str::to_owned).collect())
                .collect();
            let row = first_row + i as u32 + 1;
            sink.mark(Place::Sheet {
                name: name.clone(),
                row,
            });
            // A row with one filled cell is a line of text, as a line
            // without tabs is in a text file: a title, a heading, a note.
            let mut filled = cells
                .iter()
                .filter(|c| c.iter().any(|l| !l.trim().is_empty()));
            match (filled.next(), filled.next()) {
                (Some(only), None) => only.iter().for_each(|l| sink.para(l)),
                _ => sink.row(cells),
            }
        }
    }
    Ok(sink.finish_with_places())
}

/// A cell as the sheet shows it; error values (`#N/A`) are not text.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}
