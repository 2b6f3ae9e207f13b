//! The relay as a real process: kill -9 under a steady stream of signed
//! webhooks, restart on the same data directory, and check that every
//! webhook answered 200 reaches a streaming app exactly once, in order.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_loses_nothing_answered_200() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = create_token(dir.path(), "L1");
    let listed = relay_command(dir.path())
        .args(["token", "list"])
        .output()
        .expect("list");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("Recepción 1"));

    let (mut child, base) = spawn_relay(dir.path(), "127.0.0.1:0");
    let stream = SteadyStream::start(vec![base], &token);

    // Two kills, each while the senders are busy, each followed by a restart
    // on the same data directory.
    let mut at_kill = 0;
    for _ in 0..2 {
        stream.until_answered(at_kill + 300).await;
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        at_kill = stream.answered();
        let (restarted, new_base) = spawn_relay(dir.path(), "127.0.0.1:0");
        child = restarted;
        stream.set_base(0, new_base);
    }
    stream.until_answered(at_kill + 300).await;
    let (answered, delivered) = stream.finish().await;
    assert!(at_kill >= 600 && answered >= at_kill + 300);
    eprintln!("answered 200: {answered} ({at_kill} before the last kill); delivered: {delivered}");

    // SIGTERM: the relay stops cleanly (its app stream ends too).
    let pid = child.id().to_string();
    let term = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "relay did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
}
