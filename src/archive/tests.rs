//! End-to-end tests of [`walk`] + [`extract`] on files on disk.

use std::fs;
use std::path::Path;

use encoding_rs::{EUC_JP, SHIFT_JIS};

use super::*;

fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> ArchiveFile {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    let format = match name.rsplit('.').next() {
        Some("html") => Format::Html,
        Some("md") => Format::Markdown,
        _ => Format::Text,
    };
    ArchiveFile {
        rel: name.to_owned(),
        size: bytes.len() as u64,
        path,
        format,
    }
}

#[test]
fn legacy_encodings_are_decoded_and_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "# 架空市 都市計画\n\n部 局\t都市整備部\n市内の公園を、みどりの拠点として整備します。\n";
    for (enc, name) in [(SHIFT_JIS, "Shift_JIS"), (EUC_JP, "EUC-JP")] {
        let bytes = enc.encode(text).0.into_owned();
        let file = file_with(dir.path(), "plan.md", &bytes);
        let ex = extract(&file).unwrap();
        assert_eq!(ex.encoding, name);
        assert_eq!(ex.content_hash, blake3::hash(&bytes).to_hex().to_string());
        assert_eq!(
            ex.blocks,
            [
                Block::Heading("架空市 都市計画".into()),
                Block::Row(vec!["部 局".into(), "都市整備部".into()]),
                Block::Para("市内の公園を、みどりの拠点として整備します。".into()),
            ]
        );
        assert!(ex.doc_title.is_none());
    }
}

#[test]
fn html_file_with_bom_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(
        "<html><head><title>架空村の計画</title></head><body><p>ＡＢＣ　村づくり</p></body></html>"
            .as_bytes(),
    );
    let ex = extract(&file_with(dir.path(), "p.html", &bytes)).unwrap();
    assert_eq!(ex.encoding, "UTF-8");
    assert_eq!(ex.doc_title.as_deref(), Some("架空村の計画"));
    assert_eq!(ex.plain_text(), "ABC 村づくり\n");
}

#[test]
fn binary_and_empty_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png = file_with(dir.path(), "image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(
        extract(&png).unwrap_err().to_string(),
        "binary file (not text)"
    );
    let empty = file_with(dir.path(), "empty.txt", b"");
    assert_eq!(extract(&empty).unwrap_err().to_string(), "empty file");
    let blank = file_with(dir.path(), "blank.md", " \r\n\t\u{3000}\n".as_bytes());
    assert_eq!(extract(&blank).unwrap_err().to_string(), "empty file");
}

#[test]
fn huge_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = file_with(dir.path(), "big.txt", b"");
    // Sparse: takes no disk space.
    fs::File::options()
        .write(true)
        .open(&big.path)
        .unwrap()
        .set_len(read::MAX_FILE_SIZE + 1)
        .unwrap();
    big.size = read::MAX_FILE_SIZE + 1;
    assert_eq!(
        extract(&big).unwrap_err().to_string(),
        "file is larger than 64 MiB"
    );

    let mut gone = file_with(dir.path(), "gone.txt", b"x");
    gone.path = dir.path().join("moved.txt");
    assert!(
        extract(&gone)
            .unwrap_err()
            .to_string()
            .contains("not found")
    );
}

#[test]
fn walk_then_extract() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("2024")).unwrap();
    file_with(dir.path(), "2024/a.txt", "架空町の予算".as_bytes());
    file_with(dir.path(), "2024/b.docx", b"PK\x03\x04");
    file_with(dir.path(), "2024/c.doc", b"\xd0\xcf\x11\xe0");
    let w = walk(dir.path()).unwrap();
    assert_eq!(w.files.len(), 2);
    assert!(w.skipped[0].reason.contains("save it as .docx or PDF"));
    let ex = extract(&w.files[0]).unwrap();
    assert_eq!(ex.plain_text(), "架空町の予算\n");
    // A damaged Word file is its own error, read without a panic.
    let mut docx = w.files[1].clone();
    docx.format = Format::Docx;
    assert!(
        extract(&docx)
            .unwrap_err()
            .to_string()
            .contains("not a valid Office file")
    );
}
