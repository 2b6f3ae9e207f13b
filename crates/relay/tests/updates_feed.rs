//! The app's update feed on the relay (issue #19): `publish-update` puts a
//! signed package and the manifest in `updates_dir`, served at /updates/;
//! nothing outside the folder is reachable, and without `updates_dir`
//! there is no feed.

mod common;

use citadesk_relay::updates::{publish, Release, MANIFEST};
use common::test_config;

#[tokio::test]
async fn published_release_is_served_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let build = tempfile::tempdir().unwrap();
    let deb = build.path().join("Citadesk_0.2.0_amd64.deb");
    std::fs::write(&deb, b"package bytes").unwrap();
    let unsigned = publish(
        &dir.path().join("updates"),
        &Release {
            version: "0.2.0",
            notes: "Mejoras",
            artifacts: std::slice::from_ref(&deb),
            base_url: "http://127.0.0.1:1/updates",
            target: "linux-x86_64",
        },
    );
    assert!(unsigned.is_err(), "a package without its .sig is refused");
    std::fs::write(
        build.path().join("Citadesk_0.2.0_amd64.deb.sig"),
        "c2lnbmF0dXJl\n",
    )
    .unwrap();

    let updates = dir.path().join("updates");
    std::fs::write(dir.path().join("secret.txt"), "not served").unwrap();
    let relay = citadesk_relay::start(citadesk_relay::Config {
        updates_dir: Some(updates.clone()),
        ..test_config(&dir.path().join("data"))
    })
    .await
    .unwrap();
    let base = format!("http://{}/updates", relay.addr);
    let manifest_path = publish(
        &updates,
        &Release {
            version: "0.2.0",
            notes: "Mejoras",
            artifacts: std::slice::from_ref(&deb),
            base_url: &base,
            target: "linux-x86_64",
        },
    )
    .unwrap();
    assert_eq!(manifest_path, updates.join(MANIFEST));

    let http = reqwest::Client::new();
    let manifest: serde_json::Value = serde_json::from_slice(
        &http
            .get(format!("{base}/latest.json"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["version"], "0.2.0");
    assert_eq!(manifest["notes"], "Mejoras");
    for key in ["linux-x86_64", "linux-x86_64-deb"] {
        let entry = &manifest["platforms"][key];
        assert_eq!(entry["signature"], "c2lnbmF0dXJl", "{manifest}");
        assert_eq!(entry["url"], format!("{base}/Citadesk_0.2.0_amd64.deb"));
    }
    let package = http
        .get(format!("{base}/Citadesk_0.2.0_amd64.deb"))
        .send()
        .await
        .unwrap();
    assert_eq!(package.status(), 200);
    assert_eq!(&package.bytes().await.unwrap()[..], b"package bytes");
    for outside in ["..%2Fsecret.txt", "%2E%2E", ".latest.json.tmp", "nope.deb"] {
        let r = http.get(format!("{base}/{outside}")).send().await.unwrap();
        assert_eq!(r.status(), 404, "{outside}");
    }
    relay.shutdown().await.unwrap();

    // Without updates_dir: no feed at all.
    let relay = citadesk_relay::start(test_config(&dir.path().join("data2")))
        .await
        .unwrap();
    let r = http
        .get(format!("http://{}/updates/latest.json", relay.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    relay.shutdown().await.unwrap();
}
