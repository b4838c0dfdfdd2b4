//! Office files are zip archives: reading them with caps, so a zip bomb
//! (a few KiB that inflate to gigabytes) or a forged entry size costs a
//! clear error instead of the indexer's memory.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::ExtractError;

/// Most bytes all entries of one office file may inflate to.
pub(super) const MAX_UNZIPPED: u64 = 256 * 1024 * 1024;
/// Most entries in one office file; real ones have a few dozen.
const MAX_ENTRIES: usize = 10_000;

pub(super) type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens the zip in `bytes`, checking the entry count and the declared
/// sizes before anything is inflated.
pub(super) fn open(bytes: &[u8]) -> Result<Zip<'_>, ExtractError> {
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ExtractError::Corrupt(format!(
            "not a valid Office file (broken zip: {e}); open and save it again"
        ))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(ExtractError::TooLarge(format!(
            "Office file has {} parts (more than {MAX_ENTRIES}): not a document, refused",
            zip.len()
        )));
    }
    // `None` when sizes are only given after the data (checked on inflating).
    if zip
        .decompressed_size()
        .is_some_and(|declared| declared > u128::from(MAX_UNZIPPED))
    {
        return Err(bomb());
    }
    Ok(zip)
}

fn bomb() -> ExtractError {
    ExtractError::TooLarge(format!(
        "Office file inflates to more than {} MiB (zip bomb?); refused",
        MAX_UNZIPPED / (1024 * 1024)
    ))
}

/// Inflates every entry without keeping it, failing once the total passes
/// [`MAX_UNZIPPED`]: declared sizes can lie, and a library that reads the
/// file afterwards (calamine) inflates entries whole.
pub(super) fn check_inflated_size(zip: &mut Zip<'_>) -> Result<(), ExtractError> {
    let mut budget = MAX_UNZIPPED;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| {
            ExtractError::Corrupt(format!(
                "not a valid Office file (broken zip: {e}); open and save it again"
            ))
        })?;
        let n = std::io::copy(&mut entry.take(budget + 1), &mut std::io::sink()).map_err(|e| {
            ExtractError::Corrupt(format!(
                "not a valid Office file (cannot inflate: {e}); open and save it again"
            ))
        })?;
        budget = budget.checked_sub(n).ok_or_else(bomb)?;
    }
    Ok(())
}

/// The text of entry `name`, or `None` when there is no such entry; at most
/// `*budget` bytes, which is reduced by what was read.
pub(super) fn read_text(
    zip: &mut Zip<'_>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<String>, ExtractError> {
    let entry = match zip.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(ExtractError::Corrupt(format!(
                "not a valid Office file ({name}: {e}); open and save it again"
            )));
        }
    };
    // Never trust the declared size for the allocation.
    let mut bytes = Vec::with_capacity(entry.size().min(*budget).min(16 * 1024 * 1024) as usize);
    entry
        .take(*budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            ExtractError::Corrupt(format!(
                "not a valid Office file ({name}: {e}); open and save it again"
            ))
        })?;
    *budget = budget.checked_sub(bytes.len() as u64).ok_or_else(bomb)?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        ExtractError::Corrupt(format!(
            "not a valid Office file ({name} is not UTF-8 XML); open and save it again"
        ))
    })
}
