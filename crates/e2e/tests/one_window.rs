//! One instance, one remembered window (issue #19): a second launch on the
//! same data folder exits at once and brings the open window forward (no
//! second replica writer); the window's size survives a restart.

use std::time::{Duration, Instant};

use citadesk_e2e::*;

#[tokio::test]
async fn a_second_launch_hands_over_and_the_window_size_is_kept() {
    let Some((home, _sandbox)) = connected_demo() else {
        return;
    };
    let app = App::launch(&home, &[]).await;
    app.driver
        .set_window_rect(40, 30, 1100, 720)
        .await
        .expect("resize the window");
    let before = app.driver.get_window_rect().await.unwrap();
    assert_eq!((before.width, before.height), (1100, 720), "{before:?}");

    // A second launch, as a receptionist double-clicking the icon again.
    let started = Instant::now();
    let mut second = home
        .command(bin_dir().join("citadesk"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = second.kill();
            panic!("the second launch kept running: two instances");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    // The first one was told, and still serves its window.
    let told = Instant::now();
    while !citadesk_core_logs(&home).contains("second launch: the open window was brought forward")
    {
        // The log writer flushes in the background.
        assert!(
            told.elapsed() < Duration::from_secs(10),
            "the running app was not told: {}",
            citadesk_core_logs(&home)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.wait_for(
        "[data-testid='app'][data-ready='true']",
        Duration::from_secs(5),
    )
    .await;

    // The size is saved a second after the last change; then a restart.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    app.quit().await;
    let app = App::launch(&home, &[]).await;
    let after = app.driver.get_window_rect().await.unwrap();
    assert_eq!(
        (after.width, after.height),
        (before.width, before.height),
        "the window comes back as it was left"
    );
    app.quit().await;
}

/// The app's log files of this home, as one text.
fn citadesk_core_logs(home: &TestHome) -> String {
    let dir = home.data_dir().join("logs");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}
