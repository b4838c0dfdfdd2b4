//! The year a file was made, the year of last resort: a PDF's
//! `CreationDate` as `pdfinfo` reports it. Published PDFs are usually made
//! in the year they are about (a data catalogue's explanation sheet, a
//! notice) when their text names no year at all.

/// The year of the `CreationDate:` line of `pdfinfo` output, ISO
/// (`2025-03-11T10:22:33+09`, with `-isodates`) or the default
/// (`Tue Mar 11 10:22:33 2025 JST`).
pub fn creation_year(info: &str) -> Option<i64> {
    let value = info
        .lines()
        .find_map(|l| l.strip_prefix("CreationDate:"))?
        .trim();
    let plausible = |y: i64| (1990..=2100).contains(&y).then_some(y);
    if let Some(y) = value.get(..4).and_then(|y| y.parse().ok()) {
        return plausible(y);
    }
    value
        .split_whitespace()
        .filter(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .find_map(|t| t.parse().ok())
        .and_then(plausible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_dates() {
        let info = "Title:          x\nCreationDate:   2025-03-11T10:22:33+09\nPages: 1\n";
        assert_eq!(creation_year(info), Some(2025));
        assert_eq!(
            creation_year("CreationDate:   Tue Mar 11 10:22:33 2025 JST\n"),
            Some(2025)
        );
        assert_eq!(creation_year("Pages: 1\n"), None);
        assert_eq!(creation_year("CreationDate:   0000-01-01T00:00:00\n"), None);
    }
}
