//! Where Citadesk keeps its files. The app, the CLI and the tests agree on
//! one layout so they share one replica.

use std::path::PathBuf;

/// The app identifier (also Tauri's), used for the data folder.
pub const APP_ID: &str = "pe.citadesk.app";

/// `CITADESK_DATA_DIR` if set, else the platform's data folder
/// (`~/.local/share/pe.citadesk.app` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CITADESK_DATA_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(APP_ID)
}

/// The demo clinic's data lives apart from a real clinic's.
pub fn demo_data_dir(base: &std::path::Path) -> PathBuf {
    base.join("demo")
}

pub fn replica_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("citadesk.db")
}

pub fn logs_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("logs")
}

pub fn exports_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("exports")
}

/// Creates `dir` if needed and makes it private (0700 on Unix).
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Makes an existing file private (0600 on Unix).
pub fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

/// Writes `data` to a file only its owner can read, created 0600 (never
/// world-readable in between) and tightened if it was there before.
pub fn write_private(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    private_file(path)?;
    file.write_all(data)?;
    file.sync_all()
}

/// An exclusive lock on `path` (created 0600) between processes, held
/// until the file is dropped; waits for another holder.
pub(crate) fn lock_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    file.lock()?;
    Ok(file)
}

/// At start: the data folder, its subfolders (0700) and every file in them
/// (0600), made private, whatever an older version or the umask left.
/// Symbolic links are not followed.
pub fn secure_data_dir(data_dir: &std::path::Path) -> std::io::Result<()> {
    private_dir(data_dir)?;
    let mut pending = vec![data_dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            let done = if kind.is_dir() {
                pending.push(path.clone());
                set_mode(&path, 0o700)
            } else if kind.is_file() {
                set_mode(&path, 0o600)
            } else {
                Ok(())
            };
            // Another account's stray file must not stop the app.
            if let Err(e) = done {
                tracing::warn!(path = %path.display(), "could not make private: {e}");
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let now = std::fs::symlink_metadata(path)?.permissions().mode() & 0o7777;
    if now != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &std::path::Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn an_open_data_folder_is_made_private() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let logs = logs_dir(&data);
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
        let files = [
            replica_path(&data),
            data.join("citadesk.db-wal"),
            logs.join("app.2026-12-01.log"),
        ];
        for f in &files {
            std::fs::write(f, b"x").unwrap();
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        secure_data_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&logs), 0o700);
        for f in &files {
            assert_eq!(mode(f), 0o600, "{}", f.display());
        }
    }

    #[test]
    fn private_writes_are_0600_even_over_an_open_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("r.csv");
        write_private(&path, b"a").unwrap();
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"b").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"b");
    }
}
