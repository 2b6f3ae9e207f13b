//! Signed updates, end to end (issue #19): the app (a debug build, version
//! 0.1.0) asks a feed served by the citadesk-relay binary; a newer version
//! signed with this test's own minisign key (made now, trusted through
//! `CITADESK_UPDATER_TEST_PUBKEY`, which only debug builds read) is
//! downloaded, verified and offered in the banner. A tampered package,
//! another key's signature, an older version and an unsigned one are each
//! refused with their code, and the desk keeps working. The test fails if
//! any of them reaches the banner. "Instalar" is never clicked.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use citadesk_e2e::*;
use minisign::KeyPair;

/// The citadesk-relay binary serving `updates` at /updates/; killed on drop.
struct Feed {
    child: Child,
    data: tempfile::TempDir,
    updates: PathBuf,
    base: String,
}

impl Feed {
    fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        let updates = data.path().join("updates");
        std::fs::create_dir_all(&updates).unwrap();
        let port = free_port();
        let child = Self::relay(data.path(), &updates)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start citadesk-relay (built by scripts/test.sh)");
        wait_for_port(port, Duration::from_secs(20));
        Self {
            child,
            data,
            updates,
            base: format!("http://127.0.0.1:{port}/updates"),
        }
    }

    fn relay(data: &Path, updates: &Path) -> Command {
        let mut cmd = Command::new(bin_dir().join("citadesk-relay"));
        cmd.env("CITADESK_RELAY_DATA_DIR", data.join("relay"))
            .env("CITADESK_RELAY_UPDATES_DIR", updates)
            .env("CITADESK_RELAY_METRICS_LISTEN", "127.0.0.1:0");
        cmd
    }

    /// A package of `version` signed by `key` (None: unsigned), published
    /// with `citadesk-relay publish-update`; answers its path in the feed.
    fn publish(&self, version: &str, key: Option<&KeyPair>) -> PathBuf {
        let build = self.data.path().join(format!("build-{version}"));
        std::fs::create_dir_all(&build).unwrap();
        let package = build.join(format!("citadesk_{version}_amd64.deb"));
        let bytes = format!("citadesk {version} package").repeat(2000);
        std::fs::write(&package, &bytes).unwrap();
        let signature = key.map(|k| sign(k, bytes.as_bytes(), version));
        std::fs::write(
            format!("{}.sig", package.display()),
            signature.unwrap_or_default(),
        )
        .unwrap();
        let out = Self::relay(self.data.path(), &self.updates)
            .args([
                "publish-update",
                "--version",
                version,
                "--notes",
                &format!("Novedades de la {version}"),
                "--artifact",
                &package.to_string_lossy(),
                "--base-url",
                &self.base,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "publish-update: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.updates.join(package.file_name().unwrap())
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The updater's public key form: base64 of minisign's public key file.
fn public_key(k: &KeyPair) -> String {
    STANDARD.encode(k.pk.to_box().unwrap().to_string())
}

/// The updater's signature form (base64 of the .minisig text), with the
/// version in the trusted comment as Tauri's signer writes it.
fn sign(k: &KeyPair, data: &[u8], version: &str) -> String {
    let trusted = format!("timestamp:0\tfile:citadesk_{version}_amd64.deb\tversion:{version}");
    let sig = minisign::sign(Some(&k.pk), &k.sk, data, Some(&trusted), None).unwrap();
    STANDARD.encode(sig.to_string())
}

#[tokio::test]
async fn a_signed_newer_version_is_offered_and_every_bad_one_refused() {
    let Some((home, _sandbox)) = connected_demo() else {
        return;
    };
    let ours = KeyPair::generate_unencrypted_keypair().unwrap();
    let theirs = KeyPair::generate_unencrypted_keypair().unwrap();
    let feed = Feed::start();
    feed.publish("9.0.0", Some(&ours));

    let pubkey = public_key(&ours);
    let app = App::launch(&home, &[("CITADESK_UPDATER_TEST_PUBKEY", &pubkey)]).await;
    app.click_testid("about-button").await;
    app.fill("update-feed-url", &format!("{}/latest.json", feed.base))
        .await;
    app.click_testid("update-settings-save").await;
    let version = app.testid("about-version").await;
    assert_eq!(app.text_of(&version).await, "0.1.0");

    // A newer version, signed with our key: downloaded, verified, offered.
    app.click_testid("update-check").await;
    app.wait_for(
        "[data-testid='update-state'][data-phase='ready'][data-version='9.0.0']",
        Duration::from_secs(30),
    )
    .await;
    let banner = app
        .wait_for(
            "[data-testid='update-banner'][data-version='9.0.0']",
            Duration::from_secs(5),
        )
        .await;
    let text = app.text_of(&banner).await;
    assert!(
        text.contains("Nueva versión 9.0.0")
            && text.contains("Novedades de la 9.0.0")
            && text.contains("Instalar y reiniciar"),
        "banner: {text:?}"
    );
    app.screenshot("update-01-offered").await;

    // Each bad offer: refused with its code, no banner, the desk goes on.
    let tampered = feed.publish("9.0.1", Some(&ours));
    let mut bytes = std::fs::read(&tampered).unwrap();
    bytes[100] ^= 0x20;
    std::fs::write(&tampered, bytes).unwrap();
    // (what, the release to publish first (the tampered one is there), code)
    let cases = [
        ("tampered package", None, "update.bad_signature"),
        (
            "another key's signature",
            Some(("9.0.2", Some(&theirs))),
            "update.bad_signature",
        ),
        (
            "older version",
            Some(("0.0.9", Some(&ours))),
            "update.older",
        ),
        ("unsigned", Some(("9.0.3", None)), "update.unsigned"),
    ];
    for (what, release, code) in cases {
        if let Some((version, key)) = release {
            feed.publish(version, key);
        }
        let before = app
            .testid("update-state")
            .await
            .attr("data-checked-at")
            .await
            .unwrap()
            .unwrap_or_default();
        app.click_testid("update-check").await;
        // This check's outcome: a newer check time, and done.
        let state = app
            .wait_for(
                &format!(
                    "[data-testid='update-state']:not([data-checked-at='{before}']):not([data-phase='checking'])"
                ),
                Duration::from_secs(30),
            )
            .await;
        let phase = state.attr("data-phase").await.unwrap().unwrap_or_default();
        let got = state.attr("data-code").await.unwrap().unwrap_or_default();
        assert_eq!(
            (phase.as_str(), got.as_str()),
            ("refused", code),
            "{what}: {}",
            app.text_of(&state).await
        );
        assert!(
            app.driver
                .find_all(thirtyfour::By::Css("[data-testid='update-banner']"))
                .await
                .unwrap()
                .is_empty(),
            "{what}: the banner must not offer it"
        );
        let message = app.text_of(&state).await;
        assert!(message.contains("rechaz"), "{what}: {message:?}");
    }
    app.screenshot("update-02-refused").await;

    // Diagnostics: versions and state, no token.
    app.click_testid("copy-diagnostics").await;
    let diag = app
        .testid("diagnostics-text")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        diag.contains("program: citadesk 0.1.0") && diag.contains("update.unsigned"),
        "{diag}"
    );
    assert!(!diag.contains(&_sandbox.pit), "the token leaked: {diag}");

    // The desk still works: the refusal notice shows over a live week.
    app.driver
        .execute(
            "document.querySelector('[data-testid=about-dialog] .close-x')?.click()",
            vec![],
        )
        .await
        .unwrap();
    app.wait_for("[data-testid='update-refused']", Duration::from_secs(5))
        .await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    app.quit().await;
}
