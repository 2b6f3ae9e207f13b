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
