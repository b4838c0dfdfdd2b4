//! A minimal W3C WebDriver client over plain HTTP (`ureq`), driving headless
//! Chromium through `chromedriver`. Only what the end-to-end UI test needs.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a wait-for-condition polls before failing.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
/// The W3C key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where the browser and its driver are: `PLANSEARCH_CHROMIUM` /
/// `PLANSEARCH_CHROMEDRIVER`, else the first of the usual names on `PATH`.
pub struct Browsers {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn from_env_or_path(var: &str, names: &[&str]) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)).filter(|p| p.is_file()),
        _ => on_path(names),
    }
}

/// The browsers, or `None` (test skipped) when one is missing outside CI.
/// Under `CI=true` a missing browser fails the test.
pub fn browsers() -> Option<Browsers> {
    let chromium = from_env_or_path(
        "PLANSEARCH_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = from_env_or_path("PLANSEARCH_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Browsers {
            chromium,
            chromedriver,
        }),
        (chromium, driver) => {
            let missing = [
                chromium.is_none().then_some("chromium"),
                driver.is_none().then_some("chromedriver"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{missing} not found, and CI=true requires them (scripts/setup installs them)"
                );
            }
            eprintln!(
                "skipping the browser tests: {missing} not found (scripts/setup installs them)"
            );
            None
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A WebDriver error: `error` is the W3C error code
/// (`no such element`, `unexpected alert open`, …).
#[derive(Debug)]
pub struct WdError {
    pub status: u16,
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.error, self.status, self.message)
    }
}

/// One chromedriver process with one browser session; both end on drop.
pub struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    shots: PathBuf,
    _profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver on a free port and opens a headless session.
    pub fn start(b: &Browsers, screenshots: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(&b.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", b.chromedriver.display()));
        let profile = tempfile::tempdir().unwrap();
        let mut d = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent: agent(),
            shots: screenshots.to_path_buf(),
            _profile: profile,
        };
        // Ready when /status says so.
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = d
                .agent
                .get(format!("{}/status", d.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            if let Ok(Some(status)) = d.child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            std::thread::sleep(POLL);
        }
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-quic",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1366,900",
            "--lang=ja",
            &format!("--user-data-dir={}", d._profile.path().display()),
        ];
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    // A pending alert fails the next command instead of being
                    // silently accepted: an injected alert() cannot go unseen.
                    "unhandledPromptBehavior": "ignore",
                    "timeouts": {"script": 10_000, "pageLoad": 20_000, "implicit": 0},
                    "goog:chromeOptions": {
                        "binary": b.chromium.to_string_lossy(),
                        "args": args,
                    }
                }
            }
        });
        let v = d
            .raw("POST", &format!("{}/session", d.base), Some(caps))
            .unwrap_or_else(|e| panic!("cannot open a browser session: {e}"));
        d.session = v["sessionId"].as_str().expect("a session id").to_string();
        std::fs::create_dir_all(&d.shots).unwrap();
        d
    }

    /// `…/session/{id}` (for deleting the session from another thread).
    pub fn session_url(&self) -> String {
        format!("{}/session/{}", self.base, self.session)
    }

    /// The chromedriver process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn raw(&self, method: &str, url: &str, body: Option<Value>) -> Result<Value, WdError> {
        let resp = match method {
            "GET" => self.agent.get(url).call(),
            "DELETE" => self.agent.delete(url).call(),
            _ => self
                .agent
                .post(url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let mut resp = resp.map_err(|e| WdError {
            status: 0,
            error: "transport".into(),
            message: e.to_string(),
        })?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 || value.get("error").is_some_and(|e| e.is_string()) {
            return Err(WdError {
                status,
                error: value["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_string(),
                message: value["message"].as_str().unwrap_or(&text).to_string(),
            });
        }
        Ok(value)
    }

    /// A session command, e.g. `cmd("POST", "/url", json!({"url": …}))`.
    pub fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        self.raw(method, &url, body)
    }

    pub fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn back(&self) {
        self.cmd("POST", "/back", None);
    }

    /// Runs `body` as a function body with `arguments`; returns its value.
    pub fn js(&self, body: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": body, "args": args })),
        )
    }

    pub fn find_all(&self, css: &str) -> Vec<El<'_>> {
        self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e[ELEMENT_KEY].as_str())
                .map(|id| El {
                    d: self,
                    id: id.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// Polls `f` until it returns `Some`, at most [`WAIT`].
    pub fn wait_for<T>(&self, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(v) = f() {
                return v;
            }
            if Instant::now() >= deadline {
                let shot = self.screenshot("FAILED-wait");
                panic!(
                    "timed out after {WAIT:?} waiting for {what} (url {}, screenshot {})",
                    self.url(),
                    shot.display()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// The first element matching `css` that is displayed, waiting for it.
    pub fn wait_el(&self, css: &str) -> El<'_> {
        self.wait_for(&format!("a visible {css}"), || {
            self.find_all(css).into_iter().find(|e| e.displayed())
        })
    }

    /// Waits until the JS expression (a function body returning a value) is truthy.
    pub fn wait_js(&self, what: &str, body: &str, args: Value) -> Value {
        self.wait_for(what, || {
            let v = self.js(body, args.clone());
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            truthy.then_some(v)
        })
    }

    /// Waits until the page's URL satisfies `pred`.
    pub fn wait_url(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for(what, || {
            let u = self.url();
            pred(&u).then_some(u)
        })
    }

    /// The text of an open alert/confirm/prompt, if one is open.
    pub fn alert_text(&self) -> Option<String> {
        match self.try_cmd("GET", "/alert/text", None) {
            Ok(v) => Some(v.as_str().unwrap_or("").to_string()),
            Err(e) if e.error == "no such alert" => None,
            Err(e) => panic!("GET /alert/text: {e}"),
        }
    }

    /// Saves a PNG of the viewport as `<screenshots>/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let path = self.shots.join(format!("{name}.png"));
        match self.try_cmd("GET", "/screenshot", None) {
            Ok(v) => {
                let png = base64_decode(v.as_str().unwrap_or(""));
                std::fs::write(&path, png).unwrap();
            }
            Err(e) => eprintln!("screenshot {name} failed: {e}"),
        }
        path
    }

    /// Saves a PNG of the whole page (beyond the viewport, at most 4000 px
    /// tall) through the DevTools protocol; falls back to the viewport.
    pub fn screenshot_full(&self, name: &str) -> PathBuf {
        let path = self.shots.join(format!("{name}.png"));
        let size = self.js(
            "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];",
            json!([]),
        );
        let (w, h) = (
            size[0].as_f64().unwrap_or(1366.0),
            size[1].as_f64().unwrap_or(900.0).min(4000.0),
        );
        let r = self.try_cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Page.captureScreenshot",
                        "params": {"format": "png", "captureBeyondViewport": true,
                                   "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}})),
        );
        match r {
            Ok(v) if v["data"].is_string() => {
                std::fs::write(&path, base64_decode(v["data"].as_str().unwrap())).unwrap();
                path
            }
            other => {
                eprintln!("full-page screenshot {name}: {other:?}; the viewport instead");
                self.screenshot(name)
            }
        }
    }

    fn quit(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = self.raw("DELETE", &url, None);
            self.session.clear();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.quit();
    }
}

/// An element of the current page.
pub struct El<'a> {
    d: &'a Driver,
    pub id: String,
}

impl El<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{}", self.id, rest)
    }

    pub fn click(&self) {
        self.d.cmd("POST", &self.path("/click"), None);
    }

    /// Types `text` (WebDriver key codes such as [`ENTER`] allowed).
    pub fn send_keys(&self, text: &str) {
        self.d
            .cmd("POST", &self.path("/value"), Some(json!({ "text": text })));
    }

    pub fn clear(&self) {
        self.d.cmd("POST", &self.path("/clear"), None);
    }

    /// Rendered text (as the user sees it).
    pub fn text(&self) -> String {
        self.d
            .cmd("GET", &self.path("/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn attr(&self, name: &str) -> Option<String> {
        self.d
            .cmd("GET", &self.path(&format!("/attribute/{name}")), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn prop(&self, name: &str) -> Value {
        self.d
            .cmd("GET", &self.path(&format!("/property/{name}")), None)
    }

    pub fn displayed(&self) -> bool {
        match self.d.try_cmd("GET", &self.path("/displayed"), None) {
            Ok(v) => v == Value::Bool(true),
            Err(e) if e.error == "stale element reference" => false,
            Err(e) => panic!("displayed: {e}"),
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<El<'_>> {
        self.d
            .cmd(
                "POST",
                &self.path("/elements"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str())
                    .map(|id| El {
                        d: self.d,
                        id: id.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// This element as a script argument.
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}

/// The WebDriver key code of Enter.
pub const ENTER: &str = "\u{E007}";

/// Standard base64 (the screenshots), ignoring padding and white space.
pub fn base64_decode(s: &str) -> Vec<u8> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn base64_round_trip() {
    assert_eq!(base64_decode("aGVsbG8gd29ybGQ="), b"hello world");
    assert_eq!(base64_decode("iVBORw0KGgo="), b"\x89PNG\r\n\x1a\n");
}
