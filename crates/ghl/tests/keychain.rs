//! The real OS keychain: Secret Service from a headless gnome-keyring
//! (scripts/test.sh starts one). Skipped only where no session bus exists and
//! the run did not ask for the keychain (CITADESK_REQUIRE_KEYCHAIN=1 does).

use citadesk_ghl::{Secret, TokenStore, TokenStoreError};

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

#[test]
fn tokens_round_trip_through_the_real_secret_service() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let store = TokenStore::new();
    // A silent fallback to keyring's in-memory mock would pass a round trip
    // yet lose every token at exit: name the backend.
    assert_eq!(store.backend().unwrap(), "secret-service");

    let account = format!("test-{}", std::process::id());
    let token = Secret::new("pit-3f9a-keychain-roundtrip");
    store.save(&account, &token).expect("save to the keychain");
    assert_eq!(store.load(&account).unwrap(), token);

    store.delete(&account).unwrap();
    match store.load(&account) {
        Err(TokenStoreError::Missing(a)) => assert_eq!(a, account),
        other => panic!("expected Missing after delete, got {other:?}"),
    }
    // Deleting what is not there is fine (disconnecting twice).
    store.delete(&account).unwrap();
}
