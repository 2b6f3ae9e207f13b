//! `CITADESK_REPLICA_KEY` (headless use) gives the replica's key; a key of
//! the wrong form, or one that does not open the replica, is refused and the
//! replica left in place (issue #14, point 10). One test: it sets the
//! process's environment.

use citadesk_core::ghl::Secret;
use citadesk_core::testing::Store;
use citadesk_core::{paths, Desk, DeskOptions};

#[test]
fn the_environment_key_opens_its_replica_and_a_wrong_one_moves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let replica = paths::replica_path(&data);
    let a = "a1".repeat(32);

    std::env::set_var(Desk::REPLICA_KEY_ENV, &a);
    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    desk.store().set_setting("desk_user", "ana").unwrap();
    drop(desk);
    assert_ne!(
        &std::fs::read(&replica).unwrap()[..16],
        b"SQLite format 3\0"
    );
    drop(Store::open(&replica, &Secret::new(a.clone())).expect("the env key opens it"));
    let before = std::fs::read(&replica).unwrap();
    let files = || {
        let mut v: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let listed = files();

    for wrong in ["not-a-key".to_string(), "b2".repeat(32)] {
        std::env::set_var(Desk::REPLICA_KEY_ENV, &wrong);
        let err = Desk::open(DeskOptions::new(&data)).err().expect("refused");
        assert_eq!(err.code(), "store.open_failed");
        assert!(err.to_string().contains(Desk::REPLICA_KEY_ENV), "{err}");
        assert_eq!(files(), listed, "nothing set aside");
        assert_eq!(std::fs::read(&replica).unwrap(), before);
    }

    std::env::set_var(Desk::REPLICA_KEY_ENV, &a);
    let desk = Desk::open(DeskOptions::new(&data)).unwrap();
    assert_eq!(
        desk.store().setting("desk_user").unwrap().as_deref(),
        Some("ana")
    );
    std::env::remove_var(Desk::REPLICA_KEY_ENV);
}
