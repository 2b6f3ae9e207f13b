//! The data folder is private on Unix: folders 0700, the replica (with its
//! -wal and -shm), the logs and what an older version left there 0600
//! (issue #14, point 9). One test: `telemetry::init` sets the subscriber.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use citadesk_core::{paths, Desk, DeskOptions};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn open_up(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[test]
fn the_data_folder_and_every_file_in_it_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pe.citadesk.app");
    // What an older version left: an open folder and readable files.
    let exports = paths::exports_dir(&data);
    std::fs::create_dir_all(&exports).unwrap();
    open_up(&data, 0o755);
    open_up(&exports, 0o755);
    let old_export = exports.join("reconciliacion-2026-12-01-1.csv");
    let old_lock = data.join("ghl-oauth-L1.lock");
    for f in [&old_export, &old_lock] {
        std::fs::write(f, b"x").unwrap();
        open_up(f, 0o644);
    }

    let guard = citadesk_core::telemetry::init(&data, "perm");
    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    tracing::info!("a line, so the log file is written");
    drop(guard);

    let replica = paths::replica_path(&data);
    let logs = paths::logs_dir(&data);
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&logs), 0o700, "logs folder");
    assert_eq!(mode(&exports), 0o700, "exports folder");
    let mut files = vec![
        replica.clone(),
        data.join("citadesk.db-wal"),
        data.join("citadesk.db-shm"),
        old_export,
        old_lock,
    ];
    let log_files: Vec<_> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!log_files.is_empty());
    files.extend(log_files);
    for f in &files {
        assert!(f.exists(), "{} exists", f.display());
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    drop(desk);

    // Opened again after someone loosened it: tightened at start.
    open_up(&data, 0o755);
    open_up(&replica, 0o644);
    let _desk = Desk::open(DeskOptions::new(&data)).unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&replica), 0o600);
}
