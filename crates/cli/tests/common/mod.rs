//! The citadesk-cli binary as the tests run it: its own data folder, the
//! token only from the environment, quiet logs, English. (Each test binary
//! uses a part of it.)
#![allow(dead_code)]

use std::process::{Command, Output, Stdio};

pub fn cli_command(data_dir: &std::path::Path, token: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citadesk-cli"));
    cmd.args(args)
        .env("CITADESK_DATA_DIR", data_dir)
        .env_remove("CITADESK_GHL_TOKEN")
        .env_remove("CITADESK_CRASH_AT")
        .env("CITADESK_LOG", "warn")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(t) = token {
        cmd.env("CITADESK_GHL_TOKEN", t);
    }
    cmd
}

pub fn cli(data_dir: &std::path::Path, token: Option<&str>, args: &[&str]) -> Output {
    cli_command(data_dir, token, args)
        .output()
        .expect("run citadesk-cli")
}

/// stdout then stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The next day the demo clinic opens after today in Lima, `YYYY-MM-DD`:
/// tomorrow, or Monday when tomorrow is a Sunday (a morning shift of few
/// citas), so tests that need tomorrow's citas pass on any day they run.
pub fn next_open_day() -> String {
    use chrono::Datelike;
    let mut day = (chrono::Utc::now() + chrono::Duration::days(1))
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive();
    if day.weekday() == chrono::Weekday::Sun {
        day += chrono::Duration::days(1);
    }
    day.format("%Y-%m-%d").to_string()
}
