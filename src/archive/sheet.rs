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
    if format == Format::Xlsx {
        return extract_xlsx(bytes);
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
            push_row(&mut sink, &name, row, cells);
        }
    }
    Ok(sink.finish_with_places())
}

/// One spreadsheet row into the sink, marked with its sheet and row.
fn push_row(sink: &mut BlockSink, sheet: &str, row: u32, cells: Vec<Vec<String>>) {
    sink.mark(Place::Sheet {
        name: sheet.to_string(),
        row,
    });
    // A row with one filled cell is a line of text, as a line without tabs
    // is in a text file: a title, a heading, a note.
    let mut filled = cells
        .iter()
        .filter(|c| c.iter().any(|l| !l.trim().is_empty()));
    match (filled.next(), filled.next()) {
        (Some(only), None) => only.iter().for_each(|l| sink.para(l)),
        _ => sink.row(cells),
    }
}

/// An .xlsx read cell by cell: calamine's `Range` is dense over a sheet's
/// bounding box, so a sheet of 1,048,576 rows took 766 MB before a single
/// row was used (#21); streamed, memory holds one row and the text.
fn extract_xlsx(bytes: &[u8]) -> Result<(Vec<Block>, Vec<PlaceMark>), ExtractError> {
    let corrupt = |e: calamine::XlsxError| {
        ExtractError::Corrupt(format!(
            "cannot read the workbook ({e}); check that it opens in a spreadsheet program and \
             that its extension matches its type"
        ))
    };
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut sink = BlockSink::default();
    for name in book.sheet_names() {
        let mut cells = book.worksheet_cells_reader(&name).map_err(|e| {
            ExtractError::Corrupt(format!("cannot read sheet {name:?} of the workbook ({e})"))
        })?;
        let mut current: Option<(u32, Vec<Vec<String>>)> = None;
        while let Some(cell) = cells.next_cell().map_err(|e| {
            ExtractError::Corrupt(format!("cannot read sheet {name:?} of the workbook ({e})"))
        })? {
            let (row, col) = cell.get_position();
            let text = cell_text(&Data::from(cell.get_value().clone()));
            if text.is_empty() {
                continue;
            }
            if current.as_ref().is_some_and(|(r, _)| *r != row)
                && let Some((r, row_cells)) = current.take()
            {
                push_row(&mut sink, &name, r + 1, row_cells);
            }
            let (_, row_cells) = current.get_or_insert_with(|| (row, Vec::new()));
            let col = col as usize;
            // Columns past the last filled one are never allocated.
            if row_cells.len() <= col {
                row_cells.resize(col + 1, Vec::new());
            }
            row_cells[col] = text.lines().map(str::to_owned).collect();
        }
        if let Some((r, row_cells)) = current.take() {
            push_row(&mut sink, &name, r + 1, row_cells);
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
