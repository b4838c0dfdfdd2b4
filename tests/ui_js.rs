//! The web UI's pure JavaScript (text and highlight helpers, error codes →
//! messages, URL state, 和暦, chart scales) under `node --test`, so that
//! `cargo test` covers it. Without `node` the test is skipped, except under
//! `CI=true`, where it fails.

use std::path::Path;
use std::process::Command;

#[test]
fn ui_modules_pass_node_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/ui/tests");
    let out = match Command::new("node").arg("--test").arg(&dir).output() {
        Ok(out) => out,
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "`node` (Node.js 20 or later) is needed to test the web UI: {e}"
            );
            eprintln!("skipped: `node` not found ({e}); install Node.js 20+ to test the UI");
            return;
        }
    };
    assert!(
        out.status.success(),
        "node --test {} failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
