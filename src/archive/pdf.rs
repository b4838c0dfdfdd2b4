//! PDF → blocks with their physical pages, through poppler's `pdftotext`.
//!
//! Pure-Rust PDF readers panic on predefined CMaps, miss text in Form
//! XObjects or scramble the reading order of Japanese PDFs; poppler reads
//! them right. It runs as a child process with a time limit and an output
//! cap, so a hostile PDF can neither hang nor crash the indexer.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::blocks::BlockSink;
use super::repair;
use super::rows;
use super::title::real_title;
use super::{Block, ExtractError, Place, PlaceMark};
use crate::analysis::normalize::normalize_inline;

/// Longest a PDF may take to extract; poppler needs 2–3 ms a page, so
/// this is only reached by a hostile or pathological file.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Most text taken from one PDF: bounds the memory a huge PDF can hold.
const MAX_TEXT: usize = 64 * 1024 * 1024;
/// `pdfinfo` prints a few lines; more is not metadata.
const MAX_INFO: usize = 1024 * 1024;
/// Most address space a poppler child may map: a hostile PDF's allocations
/// fail in the child instead of swapping the machine (poppler reading a
/// large Japanese PDF maps well under 300 MB).
const MAX_CHILD_MEMORY: u64 = 1024 * 1024 * 1024;
/// Most CPU time a poppler child may use, a backstop to [`TIMEOUT`] (the
/// kernel ends the child even if this process cannot).
const MAX_CHILD_CPU_SECS: u64 = TIMEOUT.as_secs() + 5;

/// What a PDF yields.
pub(super) struct Pdf {
    pub blocks: Vec<Block>,
    pub places: Vec<PlaceMark>,
    pub title: Option<String>,
    pub pages: u32,
    /// `(physical page, printed page number)`, see `Extracted::page_labels`.
    pub page_labels: Vec<(u32, String)>,
    /// The year of the PDF's `CreationDate`.
    pub created_year: Option<i64>,
}

/// Extracts the PDF at `path`, whose first bytes are `head`.
pub(super) fn extract(path: &Path, head: &[u8]) -> Result<Pdf, ExtractError> {
    check_signature(head)?;
    let info = run(
        Command::new("pdfinfo").args(["-enc", "UTF-8"]).arg(path),
        MAX_INFO,
    )?;
    if !info.ok {
        return Err(poppler_reason(&info.stderr));
    }
    let info_text = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info_text
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    let pages: u32 = field("Pages").and_then(|p| p.parse().ok()).unwrap_or(0);
    if pages == 0 {
        return Err(ExtractError::Empty("PDF has no pages".to_owned()));
    }
    let title = field("Title").and_then(real_title);
    let created_year = crate::meta::created::creation_year(&info_text);

    let out = run(
        Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(path)
            .arg("-"),
        MAX_TEXT,
    )?;
    if !out.ok {
        return Err(poppler_reason(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // pdftotext ends every page with a form feed.
    let page_texts: Vec<String> = text
        .strip_suffix('\u{c}')
        .unwrap_or(&text)
        .split('\u{c}')
        .map(str::to_owned)
        .collect();
    if page_texts.iter().all(|p| p.trim().is_empty()) {
        return Err(ExtractError::NoText);
    }

    // Word keeps the title property of the template a document was made
    // from (「議案委員会審査付託表」 on a council's decision results): a title
    // the first page does not bear out is not this document's.
    let title = title.filter(|t| borne_out(t, &page_texts[0]));
    let page_texts = label_rows(path, page_texts);

    let mut sink = BlockSink::default();
    let mut page = 0;
    let repaired = repair::repair(&page_texts);
    for para in repaired.paras {
        if para.page != page {
            page = para.page;
            sink.mark(Place::Page(page));
        }
        sink.para(&para.text);
    }
    let (blocks, places) = sink.finish_with_places();
    Ok(Pdf {
        blocks,
        places,
        title,
        pages,
        page_labels: repaired.page_labels,
        created_year,
    })
}

/// Bare table rows (numbers whose heading raw order printed elsewhere) take
/// their heading from the page as `pdftotext -layout` prints it — a second
/// pass, run only for a PDF that has such rows (see `rows`). Pages stay as
/// they were when the layout cannot be read or does not line up.
fn label_rows(path: &Path, pages: Vec<String>) -> Vec<String> {
    if !rows::has_bare_rows(&pages) {
        return pages;
    }
    let out = run(
        Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(path)
            .arg("-"),
        MAX_TEXT,
    );
    let out = match out {
        Ok(o) if o.ok => o,
        _ => return pages,
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let layout: Vec<&str> = text
        .strip_suffix('\u{c}')
        .unwrap_or(&text)
        .split('\u{c}')
        .collect();
    if layout.len() != pages.len() {
        return pages;
    }
    pages
        .iter()
        .zip(layout)
        .map(|(raw, layout)| rows::label_rows(raw, layout))
        .collect()
}

/// Whether most character pairs of `title` occur in `page` (spaces and
/// NFKC differences aside).
fn borne_out(title: &str, page: &str) -> bool {
    let squeeze = |s: &str| -> Vec<char> {
        normalize_inline(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let (title, page) = (squeeze(title), squeeze(page));
    let page: std::collections::HashSet<(char, char)> =
        page.windows(2).map(|w| (w[0], w[1])).collect();
    let pairs: Vec<(char, char)> = title.windows(2).map(|w| (w[0], w[1])).collect();
    let found = pairs.iter().filter(|p| page.contains(p)).count();
    !pairs.is_empty() && found * 2 >= pairs.len()
}

/// PDF files start with `%PDF-` (readers accept it within the first KiB).
fn check_signature(head: &[u8]) -> Result<(), ExtractError> {
    let window = &head[..head.len().min(1024)];
    if window.windows(5).any(|w| w == b"%PDF-") {
        return Ok(());
    }
    let what = if head.starts_with(b"\x89PNG") {
        "a PNG image"
    } else if head.starts_with(b"\xff\xd8\xff") {
        "a JPEG image"
    } else if head.starts_with(b"PK\x03\x04") {
        "a zip archive (an Office file?)"
    } else if head.starts_with(b"<") {
        "an HTML or XML page"
    } else {
        "something else"
    };
    Err(ExtractError::Corrupt(format!(
        "not a PDF: the file is {what} named .pdf; rename it or replace it with the real PDF"
    )))
}

/// poppler's complaint → a reason a user can act on.
fn poppler_reason(stderr: &[u8]) -> ExtractError {
    let msg = String::from_utf8_lossy(stderr);
    if msg.contains("Incorrect password") {
        ExtractError::Encrypted
    } else if msg.contains("page count 0") || msg.contains("Wrong page range") {
        ExtractError::Empty("PDF has no pages".to_owned())
    } else if msg.contains("xref") || msg.contains("trailer") || msg.contains("May not be a PDF") {
        ExtractError::Corrupt(
            "broken or truncated PDF (cannot read its structure); download it again".to_owned(),
        )
    } else {
        let first = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        ExtractError::Corrupt(format!(
            "cannot read the PDF: {}",
            first.chars().take(200).collect::<String>()
        ))
    }
}

struct Output {
    ok: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Sets the child's resource limits ([`MAX_CHILD_MEMORY`] of address
/// space, [`MAX_CHILD_CPU_SECS`] of CPU time), applied between fork and exec.
fn limit_resources(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    type Resource = libc::__rlimit_resource_t;
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    type Resource = libc::c_int;
    fn set(resource: Resource, value: u64) -> std::io::Result<()> {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads `limit`; it is async-signal-safe,
        // as code between fork and exec must be.
        if unsafe { libc::setrlimit(resource, &limit) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    // SAFETY: the closure only calls setrlimit (no allocation, no locks).
    unsafe {
        cmd.pre_exec(|| {
            set(libc::RLIMIT_AS, MAX_CHILD_MEMORY)?;
            set(libc::RLIMIT_CPU, MAX_CHILD_CPU_SECS)
        })
    }
}

/// Runs `cmd` within [`limit_resources`], killing it after [`TIMEOUT`] or
/// once it writes more than `cap` bytes.
fn run(cmd: &mut Command, cap: usize) -> Result<Output, ExtractError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = limit_resources(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ExtractError::ToolMissing(format!(
                "cannot read PDFs: {program} is not installed (install poppler-utils and \
                 poppler-data, e.g. scripts/setup)"
            )),
            _ => ExtractError::ToolMissing(format!("cannot run {program}: {e}")),
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return Err(ExtractError::ToolMissing(format!(
            "cannot run {program}: no output pipe"
        )));
    };
    // Readers on their own threads: a full pipe must never block the child
    // while we wait for it. A reader over its cap stops and closes the pipe,
    // so the child dies of SIGPIPE on its next write.
    let out_reader = std::thread::spawn(move || read_capped(stdout, cap));
    let err_reader = std::thread::spawn(move || read_capped(stderr, 64 * 1024));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ExtractError::ToolMissing(format!(
                    "cannot run {program}: {e}"
                )));
            }
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if stdout.len() > cap {
        return Err(ExtractError::TooLarge(format!(
            "PDF text is larger than {} MiB; split the PDF into smaller files",
            cap / (1024 * 1024)
        )));
    }
    match status {
        Some(status) => Ok(Output {
            ok: status.success(),
            stdout,
            stderr,
        }),
        None => Err(ExtractError::Timeout(format!(
            "PDF took longer than {} s to read (damaged or hostile?); check it in a PDF viewer",
            TIMEOUT.as_secs()
        ))),
    }
}

/// Reads up to `cap + 1` bytes: one more than allowed shows the cap was hit.
fn read_capped(pipe: impl Read, cap: usize) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = pipe.take(cap as u64 + 1).read_to_end(&mut buf);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_run_with_memory_and_cpu_limits() {
        let out = limit_resources(Command::new("sh").args(["-c", "ulimit -v; ulimit -t"]))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let want = format!("{}\n{}\n", MAX_CHILD_MEMORY / 1024, MAX_CHILD_CPU_SECS);
        assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    }

    #[test]
    fn signature_names_what_the_file_really_is() {
        assert!(check_signature(b"%PDF-1.7\n").is_ok());
        assert!(check_signature(b"\r\n%PDF-1.4").is_ok());
        let png = check_signature(b"\x89PNG\r\n\x1a\n").unwrap_err();
        assert_eq!(png.code(), "corrupt");
        assert!(png.to_string().contains("PNG image"), "{png}");
    }

    #[test]
    fn a_title_property_needs_the_first_page_to_bear_it_out() {
        let page = "第12回架空市議会(定例会)での議案審議等結果\n会期:令和6年6月14日~7月8日";
        assert!(!borne_out("議案委員会審査付託表", page));
        assert!(borne_out("架空市議会 議案審議等結果", page));
        assert!(borne_out("第１２回 架空市議会（定例会）", page));
    }

    #[test]
    fn poppler_errors_become_advice() {
        let encrypted = poppler_reason(b"Command Line Error: Incorrect password");
        assert_eq!(encrypted, ExtractError::Encrypted);
        assert!(encrypted.to_string().contains("encrypted"));
        let truncated = poppler_reason(b"Syntax Error: Couldn't read xref table");
        assert_eq!(truncated.code(), "corrupt");
        assert!(truncated.to_string().contains("truncated"));
        let empty = poppler_reason(b"Syntax Error: Invalid page count 0");
        assert_eq!(empty.code(), "empty");
        assert_eq!(empty.to_string(), "PDF has no pages");
    }
}
