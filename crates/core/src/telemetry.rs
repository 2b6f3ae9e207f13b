//! Logs: JSON lines, rotated daily under the data folder, plus a terse
//! human line on stderr. Tokens never reach them (`Secret` prints `***`).

use std::path::Path;

use tracing_appender::non_blocking::NonBlockingBuilder;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Keep this guard alive for the life of the process: it flushes the file.
pub type LogGuard = tracing_appender::non_blocking::WorkerGuard;

/// Lines waiting for the log file's writer thread. The library's default
/// (128,000) preallocates a 4 MB queue that stays resident all day; a desk
/// logs a few lines a minute, and a burst past this many is dropped, not
/// waited for (the UI thread never blocks on the disk).
const BUFFERED_LOG_LINES: usize = 4_096;

pub fn init(data_dir: &Path, component: &str) -> Option<LogGuard> {
    let dir = crate::paths::logs_dir(data_dir);
    let filter =
        || EnvFilter::try_from_env("CITADESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // The data folder and the logs are private (0700 / 0600).
    let _ = crate::paths::secure_data_dir(data_dir);
    let _ = crate::paths::private_dir(&dir);
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(component)
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)
        .ok();
    match file {
        Some(appender) => {
            let private = PrivateLogs {
                inner: appender,
                dir,
                day: None,
            };
            let (writer, guard) = NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LOG_LINES)
                .finish(private);
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

/// The rolling appender creates each day's file with the umask's mode: the
/// first write of a (UTC) day, when it may have rotated, makes the files 0600.
struct PrivateLogs {
    inner: tracing_appender::rolling::RollingFileAppender,
    dir: std::path::PathBuf,
    day: Option<chrono::NaiveDate>,
}

impl std::io::Write for PrivateLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Read before the write: the appender's own clock, inside, is later.
        let today = chrono::Utc::now().date_naive();
        let n = self.inner.write(buf)?;
        if self.day != Some(today) {
            self.day = Some(today);
            if let Ok(entries) = std::fs::read_dir(&self.dir) {
                for entry in entries.flatten() {
                    if entry.file_type().is_ok_and(|t| t.is_file()) {
                        let _ = crate::paths::private_file(&entry.path());
                    }
                }
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Colour codes only for a person at a terminal, never in a pipe or a file.
fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}
