//! Logs: JSON lines, rotated daily under the data folder, plus a terse
//! human line on stderr. Tokens never reach them (`Secret` prints `***`).

use std::path::Path;

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Keep this guard alive for the life of the process: it flushes the file.
pub type LogGuard = tracing_appender::non_blocking::WorkerGuard;

pub fn init(data_dir: &Path, component: &str) -> Option<LogGuard> {
    let dir = crate::paths::logs_dir(data_dir);
    let filter =
        || EnvFilter::try_from_env("CITADESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = std::fs::create_dir_all(&dir);
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(component)
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)
        .ok();
    match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let _ = tracing_subscriber::registry()
                .with(
                    fmt::layer()
                        .json()
                        .with_writer(writer)
                        .with_filter(filter()),
                )
                .with(
                    fmt::layer()
                        .with_writer(std::io::stderr)
                        .with_ansi(stderr_is_terminal())
                        .with_target(false)
                        .with_filter(filter()),
                )
                .try_init();
            Some(guard)
        }
        None => {
            let _ = tracing_subscriber::registry()
                .with(
                    fmt::layer()
                        .with_writer(std::io::stderr)
                        .with_ansi(stderr_is_terminal())
                        .with_filter(filter()),
                )
                .try_init();
            None
        }
    }
}

/// Colour codes only for a person at a terminal, never in a pipe or a file.
fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}
