//! Why a file was not indexed: one typed reason per case the readers tell
//! apart, each with a stable code (`reason_code` in the index report) and
//! the same helpful text as its message.

/// A file that could not be indexed. `Display` is the message a user
/// reads; [`ExtractError::code`] is the stable code a program matches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// A file type that is not read (`.doc`, `.pptx`, no extension …).
    #[error("{0}")]
    UnsupportedFormat(String),
    /// A password-protected PDF.
    #[error("encrypted PDF (needs a password); save an unprotected copy to index it")]
    Encrypted,
    /// Damaged, truncated, misnamed or malformed (broken zip or XML, a
    /// CSV with a broken quote, binary data in a text file).
    #[error("{0}")]
    Corrupt(String),
    /// The file could not be opened or read (permissions, vanished).
    #[error("{0}")]
    Unreadable(String),
    /// Over a size cap: the file, its inflated parts (zip bomb), its XML
    /// nesting, or the text a PDF gives.
    #[error("{0}")]
    TooLarge(String),
    /// A PDF without a text layer (a scan).
    #[error("no text layer: scanned image? (run OCR on it, e.g. ocrmypdf, then index the result)")]
    NoText,
    /// A program the format needs is missing (`pdftotext`).
    #[error("{0}")]
    ToolMissing(String),
    /// Nothing in it: an empty file, a PDF with no pages.
    #[error("{0}")]
    Empty(String),
    /// Not followed: a symbolic link leading outside the archive, a link
    /// loop, a broken link, a device, socket or pipe.
    #[error("{0}")]
    NotFollowed(String),
    /// A non-UTF-8 file name that reads the same as another file's.
    #[error("{0}")]
    NameClash(String),
    /// The reader ran over its time limit.
    #[error("{0}")]
    Timeout(String),
    /// A bug in plansearch (a reader panicked).
    #[error("{0}")]
    Internal(String),
}

impl ExtractError {
    /// Every code, for documentation and tests.
    pub const CODES: &'static [&'static str] = &[
        "unsupported_format",
        "encrypted",
        "corrupt",
        "unreadable",
        "too_large",
        "no_text",
        "tool_missing",
        "empty",
        "not_followed",
        "name_clash",
        "timeout",
        "internal",
    ];

    /// The stable code of this reason (`reason_code` of a skipped file).
    pub fn code(&self) -> &'static str {
        match self {
            ExtractError::UnsupportedFormat(_) => "unsupported_format",
            ExtractError::Encrypted => "encrypted",
            ExtractError::Corrupt(_) => "corrupt",
            ExtractError::Unreadable(_) => "unreadable",
            ExtractError::TooLarge(_) => "too_large",
            ExtractError::NoText => "no_text",
            ExtractError::ToolMissing(_) => "tool_missing",
            ExtractError::Empty(_) => "empty",
            ExtractError::NotFollowed(_) => "not_followed",
            ExtractError::NameClash(_) => "name_clash",
            ExtractError::Timeout(_) => "timeout",
            ExtractError::Internal(_) => "internal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExtractError;

    #[test]
    fn every_reason_has_a_listed_code_and_keeps_its_text() {
        let all = [
            ExtractError::UnsupportedFormat("unsupported file type .doc".into()),
            ExtractError::Encrypted,
            ExtractError::Corrupt("broken".into()),
            ExtractError::Unreadable("cannot open file".into()),
            ExtractError::TooLarge("file is larger than 64 MiB".into()),
            ExtractError::NoText,
            ExtractError::ToolMissing("pdftotext is not installed".into()),
            ExtractError::Empty("empty file".into()),
            ExtractError::NotFollowed("broken symbolic link".into()),
            ExtractError::NameClash("same name".into()),
            ExtractError::Timeout("too slow".into()),
            ExtractError::Internal("bug".into()),
        ];
        let codes: Vec<&str> = all.iter().map(ExtractError::code).collect();
        assert_eq!(codes, ExtractError::CODES);
        assert_eq!(
            ExtractError::TooLarge("file is larger than 64 MiB".into()).to_string(),
            "file is larger than 64 MiB"
        );
        assert!(
            ExtractError::Encrypted
                .to_string()
                .starts_with("encrypted PDF")
        );
        assert!(
            ExtractError::NoText
                .to_string()
                .starts_with("no text layer")
        );
    }
}
