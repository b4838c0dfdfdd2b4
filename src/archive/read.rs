//! Reading files from disk with a size cap, and I/O errors worded for users.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::ExtractError;

/// Larger files are not plan documents but dumps or mistakes; reading them
/// whole (and building a DOM for HTML) would cost too much memory.
pub(super) const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Reads the whole file, refusing anything over [`MAX_FILE_SIZE`].
pub(super) fn read_capped(path: &Path) -> Result<Vec<u8>, ExtractError> {
    let too_large = || ExtractError::TooLarge("file is larger than 64 MiB".to_owned());
    let file = File::open(path)
        .map_err(|e| ExtractError::Unreadable(format!("cannot open file: {}", describe(&e))))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows between `metadata` and `read`.
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ExtractError::Unreadable(format!("cannot read file: {}", describe(&e))))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A short, actionable description of an I/O error.
pub(super) fn describe(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::PermissionDenied => "permission denied (check its permissions)".to_owned(),
        io::ErrorKind::NotFound => "not found (moved or deleted while indexing?)".to_owned(),
        io::ErrorKind::IsADirectory => "is a folder, not a file".to_owned(),
        _ => err.to_string(),
    }
}
