//! The replica is encrypted at rest (SQLCipher) with a key made at first
//! start and kept in the OS keychain; a lost key sets the file aside and a
//! fresh replica starts, nothing deleted (issue #14, point 10).

use std::path::Path;

use citadesk_core::ghl::{Secret, TokenStore};
use citadesk_core::testing::Store;
use citadesk_core::{paths, Desk, DeskOptions};

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

fn header(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()[..16].to_vec()
}

#[test]
fn the_key_is_kept_in_the_keychain_and_a_lost_key_sets_the_replica_aside() {
    if std::env::var_os(Desk::REPLICA_KEY_ENV).is_some() {
        eprintln!("skipped: {} overrides the keychain", Desk::REPLICA_KEY_ENV);
        return;
    }
    if !keychain_expected() {
        eprintln!("skipped: no Secret Service session");
        return;
    }
    let tokens = TokenStore::new();
    assert_eq!(tokens.backend().unwrap(), "secret-service");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let replica = paths::replica_path(&data);

    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    desk.store().set_setting("desk_user", "ana").unwrap();
    drop(desk);
    assert_ne!(header(&replica), b"SQLite format 3\0", "encrypted at rest");
    let account = Desk::replica_key_account(&data);
    let key = tokens.load(&account).expect("the key is in the keychain");
    assert_eq!(key.expose().len(), 64);
    assert!(Store::open(&replica, &Secret::new("ab".repeat(32))).is_err());
    drop(Store::open(&replica, &key).expect("opens with the keychain's key"));

    // Opened again: the same key, the same data, no notice.
    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    assert_eq!(
        desk.store().setting("desk_user").unwrap().as_deref(),
        Some("ana")
    );
    assert!(desk.status().unwrap().notice.is_none());
    drop(desk);

    // The keychain forgets the key: said clearly, the file kept aside.
    let before = std::fs::read(&replica).unwrap();
    tokens.delete(&account).unwrap();
    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    let notice = desk.status().unwrap().notice.expect("a notice");
    assert_eq!(notice.code, "store.key_lost");
    let aside: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("citadesk.damaged-")
                && p.extension().is_some_and(|e| e == "db")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(notice.message.contains(&aside[0].display().to_string()));
    assert_eq!(std::fs::read(&aside[0]).unwrap(), before, "kept as it was");
    assert!(
        Store::open(&aside[0], &key).is_ok(),
        "the old key still opens it"
    );
    assert_eq!(desk.store().setting("desk_user").unwrap(), None, "fresh");
    let new_key = tokens.load(&account).unwrap();
    assert_ne!(new_key, key);
    assert_ne!(header(&replica), b"SQLite format 3\0");
    drop(desk);
    tokens.delete(&account).unwrap();
}
