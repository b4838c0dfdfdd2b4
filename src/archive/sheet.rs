//! Workbooks (.xlsx, .xls, .ods) → rows, sheet by sheet, through calamine
//! (exact Japanese from shared strings and old BIFF code pages); a sheet's
//! data tables become records (`grid.rs`).

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::blocks::BlockSink;
use super::grid::{self, GridRow};
use super::{Block, ExtractError, Format, PlaceMark, unzip};

/// Extracts every sheet of the workbook in `bytes`, a sheet's rows read by
/// [`grid`]: a data table's rows as [`Block::Record`]s titled by their name
/// column, other rows as one [`Block::Row`] each, a cell's line breaks kept
/// as separate cell lines (a row with a single filled cell gives paragraphs
/// instead); a place mark per row gives its sheet and 1-based row number.
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
        let rows: Vec<GridRow> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| GridRow {
                row: first_row + i as u32 + 1,
                cells: cells.iter().map(cell_text).collect(),
            })
            .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
            .collect();
        grid::emit_sheet(&mut sink, &name, &rows);
    }
    Ok(sink.finish_with_places())
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
        // One sheet's rows are held (its text, blank cells excepted) to
        // find its header and name column before any row is emitted.
        let mut rows: Vec<GridRow> = Vec::new();
        let mut current: Option<GridRow> = None;
        while let Some(cell) = cells.next_cell().map_err(|e| {
            ExtractError::Corrupt(format!("cannot read sheet {name:?} of the workbook ({e})"))
        })? {
            let (row, col) = cell.get_position();
            let text = cell_text(&Data::from(cell.get_value().clone()));
            if text.is_empty() {
                continue;
            }
            if current.as_ref().is_some_and(|r| r.row != row + 1)
                && let Some(done) = current.take()
            {
                rows.push(done);
            }
            let GridRow {
                cells: row_cells, ..
            } = current.get_or_insert_with(|| GridRow {
                row: row + 1,
                cells: Vec::new(),
            });
            let col = col as usize;
            // Columns past the last filled one are never allocated.
            if row_cells.len() <= col {
                row_cells.resize(col + 1, String::new());
            }
            row_cells[col] = text;
        }
        rows.extend(current.take());
        rows.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
        grid::emit_sheet(&mut sink, &name, &rows);
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
