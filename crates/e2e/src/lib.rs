//! Harness for the end-to-end tests. Everything is real: the ghl-sandbox
//! binary on loopback, citadesk-cli storing the token in the Secret Service
//! keychain, the built app in a real window driven through tauri-driver.
//!
//! Run through `scripts/test.sh` (it builds the binaries and starts Xvfb,
//! D-Bus and gnome-keyring); the tests skip themselves when
//! `CITADESK_E2E` is not set, so a plain `cargo test` on a desktop stays quiet.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

pub mod relay;
pub mod week;

pub fn enabled() -> bool {
    std::env::var("CITADESK_E2E").is_ok_and(|v| v == "1")
}

/// A test home connected to a demo sandbox of its own; None (the test is
/// skipped, and says so) unless e2e tests are enabled.
pub fn connected_demo() -> Option<(TestHome, Sandbox)> {
    if !enabled() {
        eprintln!("skipped: set CITADESK_E2E=1 (scripts/test.sh does) to drive the real window");
        return None;
    }
    let home = TestHome::new();
    let sandbox = Sandbox::start(free_port());
    connect(&home, &sandbox);
    Some((home, sandbox))
}

/// The workspace's target/debug folder (or CITADESK_BIN_DIR).
pub fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CITADESK_BIN_DIR") {
        return PathBuf::from(dir);
    }
    workspace_root().join("target").join("debug")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Screenshots land in target/e2e/ for people (and CI artefacts) to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = workspace_root().join("target").join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A test's own HOME and XDG folders, so the app's replica and logs are its own.
pub struct TestHome {
    pub dir: tempfile::TempDir,
}

impl TestHome {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("citadesk-e2e-")
            .tempdir()
            .unwrap();
        for sub in ["share", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Self { dir }
    }

    pub fn envs(&self) -> Vec<(&'static str, PathBuf)> {
        let p = self.dir.path();
        vec![
            ("HOME", p.to_path_buf()),
            ("XDG_DATA_HOME", p.join("share")),
            ("XDG_CONFIG_HOME", p.join("config")),
            ("XDG_CACHE_HOME", p.join("cache")),
        ]
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("share").join("pe.citadesk.app")
    }

    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_remove("CITADESK_DATA_DIR")
            .env_remove("CITADESK_GHL_TOKEN");
        for (k, v) in self.envs() {
            cmd.env(k, v);
        }
        cmd
    }
}

impl Default for TestHome {
    fn default() -> Self {
        Self::new()
    }
}

/// The ghl-sandbox binary, killed on drop.
pub struct Sandbox {
    child: Child,
    pub url: String,
    pub location_id: String,
    pub pit: String,
    pub port: u16,
}

impl Sandbox {
    /// The demo clinic.
    pub fn start(port: u16) -> Self {
        Self::start_seeded(port, "demo")
    }

    /// `seed`: demo, empty or large (20 calendars, 40 citas a day each).
    pub fn start_seeded(port: u16, seed: &str) -> Self {
        let mut child = Command::new(bin_dir().join("ghl-sandbox"))
            .args(["--port", &port.to_string(), "--seed", seed])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ghl-sandbox (built by scripts/test.sh)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = || lines.next().expect("sandbox output").expect("utf-8");
        let first = next();
        let url = first
            .strip_prefix("ghl-sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .trim()
            .to_string();
        let location_id = next()
            .strip_prefix("location: ")
            .and_then(|s| s.split_whitespace().next().map(str::to_string))
            .expect("location line");
        let pit = next()
            .strip_prefix("pit: ")
            .expect("pit line")
            .trim()
            .to_string();
        Self {
            child,
            url,
            location_id,
            pit,
            port,
        }
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// GHL's answer for one calendar and window, straight from the sandbox.
    pub async fn events(
        &self,
        calendar_id: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Vec<serde_json::Value> {
        let body: serde_json::Value = self
            .get(
                "/calendars/events",
                &[
                    ("locationId", self.location_id.clone()),
                    ("calendarId", calendar_id.to_string()),
                    ("startTime", start_ms.to_string()),
                    ("endTime", end_ms.to_string()),
                ],
                "2021-04-15",
            )
            .await;
        body["events"].as_array().cloned().unwrap_or_default()
    }

    pub async fn calendars(&self) -> Vec<serde_json::Value> {
        let body = self
            .get(
                "/calendars/",
                &[("locationId", self.location_id.clone())],
                "2021-04-15",
            )
            .await;
        body["calendars"].as_array().cloned().unwrap_or_default()
    }

    /// The sandbox's whole state (`GET /_sandbox/state`): GHL's truth.
    pub async fn state(&self) -> serde_json::Value {
        reqwest::get(format!("{}/_sandbox/state", self.url))
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// An edit "in GHL's own UI" (admin API, no webhooks).
    pub async fn edit_in_ghl_ui(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        ghl_sandbox::edit_in_ghl_ui(&self.url, method, path, body).await
    }

    async fn get(&self, path: &str, query: &[(&str, String)], version: &str) -> serde_json::Value {
        reqwest::Client::new()
            .get(format!("{}{}", self.url, path))
            .query(query)
            .bearer_auth(&self.pit)
            .header("Version", version)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Stores the sandbox's PIT in the keychain and the connection in the
/// test's replica, through citadesk-cli (the same path IT uses).
pub fn connect(home: &TestHome, sandbox: &Sandbox) {
    use std::io::Write;
    let mut child = home
        .command(bin_dir().join("citadesk-cli"))
        // The app's own first sync is what these tests watch (and the
        // sandbox's rate limit is shared with the tests' own GHL reads).
        .args([
            "connect",
            "--no-sync",
            "--base-url",
            &sandbox.url,
            "--location-id",
            &sandbox.location_id,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sandbox.pit.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "citadesk-cli connect failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The app in a real window, through tauri-driver. Quits on drop.
pub struct App {
    pub driver: WebDriver,
    tauri_driver: Child,
}

impl App {
    /// The app on a connected home, once its status bar says it is online.
    pub async fn launch_online(home: &TestHome) -> Self {
        let app = Self::launch(home, &[]).await;
        app.wait_for(
            "[data-testid='connection-state'][data-state='online']",
            Duration::from_secs(60),
        )
        .await;
        app
    }

    pub async fn launch(home: &TestHome, extra_env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = home.command(tauri_driver_path());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut tauri_driver = cmd
            .spawn()
            .expect("start tauri-driver (cargo install tauri-driver)");
        wait_for_port(port, Duration::from_secs(20));
        let mut caps = Capabilities::default();
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": bin_dir().join("citadesk").to_string_lossy() }),
        )
        .unwrap();
        // tauri-driver listens before the WebKitWebDriver behind it does: retry briefly.
        let started = Instant::now();
        let driver = loop {
            match WebDriver::new(format!("http://127.0.0.1:{port}"), caps.clone()).await {
                Ok(d) => break d,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    eprintln!("waiting for the WebDriver session: {e}");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => {
                    let _ = tauri_driver.kill();
                    panic!("WebDriver session with the app: {e}");
                }
            }
        };
        let app = Self {
            driver,
            tauri_driver,
        };
        app.wait_for(
            "[data-testid='app'][data-ready='true']",
            Duration::from_secs(30),
        )
        .await;
        app
    }

    pub async fn wait_for(&self, css: &str, timeout: Duration) -> WebElement {
        let started = Instant::now();
        loop {
            if let Ok(el) = self.driver.find(By::Css(css)).await {
                return el;
            }
            if started.elapsed() > timeout {
                self.screenshot("timeout").await;
                panic!("timed out after {timeout:?} waiting for {css}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_gone(&self, css: &str, timeout: Duration) {
        let started = Instant::now();
        while !self
            .driver
            .find_all(By::Css(css))
            .await
            .unwrap_or_default()
            .is_empty()
        {
            if started.elapsed() > timeout {
                self.screenshot("timeout").await;
                panic!("timed out after {timeout:?} waiting for {css} to go");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with `data-testid`, once it is there.
    pub async fn testid(&self, id: &str) -> WebElement {
        self.wait_for(&format!("[data-testid='{id}']"), Duration::from_secs(10))
            .await
    }

    /// Clicks through JavaScript: the element may sit under another (two
    /// citas side by side), which a WebDriver click refuses.
    pub async fn click(&self, el: &WebElement) {
        self.driver
            .execute("arguments[0].click();", vec![el.to_json().unwrap()])
            .await
            .unwrap();
    }

    /// Clicks a control once it is enabled, as a person waits for a greyed
    /// button (a click on a disabled one is silently lost).
    pub async fn click_testid(&self, id: &str) {
        self.click_css(
            &format!("[data-testid='{id}']:not([disabled])"),
            Duration::from_secs(10),
        )
        .await;
    }

    /// Waits for what `css` finds, then clicks it as it is at that moment:
    /// found and clicked in one script, so a redraw in between (a status
    /// event, an alert check) cannot leave a stale element.
    pub async fn click_css(&self, css: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            self.wait_for(css, timeout).await;
            let clicked = self
                .driver
                .execute(
                    "const el = document.querySelector(arguments[0]); if (el) { el.click(); return true; } return false;",
                    vec![serde_json::json!(css)],
                )
                .await
                .unwrap();
            if clicked.json() == &serde_json::json!(true) {
                return;
            }
            assert!(
                started.elapsed() < timeout,
                "{css} went away before the click"
            );
        }
    }

    /// Opens a cita's details panel with a click on its box in the week,
    /// waiting up to `timeout` for the box to show.
    pub async fn open_cita(&self, cita_id: &str, timeout: Duration) -> WebElement {
        self.click_css(&format!("[data-cita-id='{cita_id}']"), timeout)
            .await;
        self.wait_for(
            &format!("[data-testid='cita-details'][data-cita-id='{cita_id}']"),
            Duration::from_secs(10),
        )
        .await
    }

    /// Replaces an input's text, as typed.
    pub async fn fill(&self, id: &str, value: &str) {
        let input = self.testid(id).await;
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }

    /// Picks an option of a `<select>` and tells the page, as a person would.
    pub async fn choose(&self, el: &WebElement, value: &str) {
        self.driver
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![el.to_json().unwrap(), serde_json::json!(value)],
            )
            .await
            .unwrap();
    }

    /// Chooses `action` for a report line, applies it, and waits for the
    /// outcome: one fix applied, none failed.
    pub async fn apply_fix(&self, line: &WebElement, action: &str) {
        let choice = line
            .find(By::Css("[data-testid='fix-action']"))
            .await
            .unwrap();
        self.choose(&choice, action).await;
        let apply = line
            .find(By::Css("[data-testid='fix-apply']"))
            .await
            .unwrap();
        self.click(&apply).await;
        self.wait_for(
            "[data-testid='fix-outcome'][data-applied='1'][data-failed='0']",
            Duration::from_secs(20),
        )
        .await;
    }

    /// Waits until `check` holds for GHL's state (the sandbox), or panics.
    pub async fn until_ghl(
        &self,
        sandbox: &Sandbox,
        what: &str,
        check: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let state = sandbox.state().await;
            if check(&state) {
                return state;
            }
            if started.elapsed() > Duration::from_secs(15) {
                self.screenshot("timeout-ghl").await;
                panic!("GHL never showed: {what}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// "Bloquear horario" filled in and saved (calendar, date, start, an
    /// hour, `reason`); waits for the block in GHL and returns its id.
    pub async fn block_time(
        &self,
        sandbox: &Sandbox,
        calendar: &str,
        date: &str,
        start: &str,
        reason: &str,
    ) -> String {
        self.click_testid("block-time").await;
        self.testid("block-dialog").await;
        let select = self.testid("block-calendar").await;
        self.choose(&select, calendar).await;
        self.fill("block-date", date).await;
        self.fill("block-start", start).await;
        self.fill("block-duration", "60").await;
        self.fill("block-reason", reason).await;
        self.click_testid("block-save").await;
        self.wait_gone("[data-testid='block-dialog']", Duration::from_secs(20))
            .await;
        let named = |b: &serde_json::Value| b["title"] == reason;
        let ghl = self
            .until_ghl(sandbox, "the block in GHL", |s| {
                s["blocks"]
                    .as_object()
                    .is_some_and(|b| b.values().any(named))
            })
            .await;
        ghl["blocks"]
            .as_object()
            .and_then(|b| b.iter().find(|(_, b)| named(b)))
            .map(|(id, _)| id.clone())
            .expect("the block's id")
    }

    /// The element's text as in the DOM (clipped text included).
    pub async fn text_of(&self, el: &WebElement) -> String {
        el.prop("textContent")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = screenshot_dir().join(format!("{name}.png"));
        // Without accelerated compositing (the app's default, webview.rs)
        // WebKit takes a snapshot at the page's next paint, and a still page
        // may not paint for a minute (the status bar's clock): a pixel that
        // changes every 50 ms gives the snapshot its paint at once.
        let _ = self
            .driver
            .execute(
                "let t = document.getElementById('e2e-paint-tick');
                 if (!t) { t = document.createElement('div'); t.id = 'e2e-paint-tick';
                   t.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;z-index:2147483647;pointer-events:none';
                   document.body.appendChild(t);
                   t.dataset.timer = String(setInterval(() => { t.style.background = t.style.background === 'rgb(0, 0, 0)' ? 'rgb(1, 1, 1)' : 'rgb(0, 0, 0)'; }, 50)); }",
                vec![],
            )
            .await;
        let started = Instant::now();
        let _ = self.driver.screenshot(&path).await;
        let took = started.elapsed();
        if took > Duration::from_secs(5) {
            eprintln!("screenshot {name} took {} ms", took.as_millis());
        }
        let _ = self
            .driver
            .execute(
                "const t = document.getElementById('e2e-paint-tick');
                 if (t) { clearInterval(Number(t.dataset.timer)); t.remove(); }",
                vec![],
            )
            .await;
        path
    }

    pub async fn quit(mut self) {
        let driver = self.driver.clone();
        let _ = driver.quit().await;
        let _ = self.tauri_driver.kill();
        let _ = self.tauri_driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.tauri_driver.kill();
    }
}

fn tauri_driver_path() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    let p = home.join("bin").join("tauri-driver");
    if p.exists() {
        p
    } else {
        PathBuf::from("tauri-driver")
    }
}

pub fn wait_for_port(port: u16, timeout: Duration) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < timeout, "port {port} never opened");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Files under `dir` whose bytes contain `needle` (a token must be in none).
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return hits;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            hits.extend(files_containing(&p, needle));
        } else if std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)) {
            hits.push(p);
        }
    }
    hits
}
