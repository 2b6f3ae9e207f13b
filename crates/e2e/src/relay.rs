//! The companion relay for the live-update tests: the citadesk-relay binary
//! on loopback, fed by the sandbox's webhooks, with an install token for the
//! app (which the app is given through `CITADESK_RELAY_URL`/`_TOKEN`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{bin_dir, free_port, wait_for_port, Sandbox};

/// The citadesk-relay binary, killed on drop.
pub struct Relay {
    child: Child,
    pub url: String,
    pub data: tempfile::TempDir,
    /// The base64 SPKI of the key the sandbox signs webhooks with.
    pub webhook_key: String,
}

impl Relay {
    /// Starts the relay with the sandbox's webhook key and points the
    /// sandbox's webhooks at it.
    pub async fn start(sandbox: &Sandbox) -> Self {
        let admin: serde_json::Value = reqwest::get(format!("{}/_sandbox/webhooks", sandbox.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pem = admin["publicKeys"]["ed25519"]
            .as_str()
            .expect("sandbox key");
        let webhook_key: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = relay_command(data.path(), &webhook_key)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start citadesk-relay (built by scripts/test.sh)");
        wait_for_port(port, Duration::from_secs(20));
        let url = format!("http://127.0.0.1:{port}");
        let resp = reqwest::Client::new()
            .put(format!("{}/_sandbox/webhooks/urls", sandbox.url))
            .json(&serde_json::json!({ "urls": [format!("{url}/webhooks/ghl")] }))
            .send()
            .await
            .unwrap();
        assert!(
            resp.status().is_success(),
            "sandbox webhook URL: {}",
            resp.status()
        );
        Self {
            child,
            url,
            data,
            webhook_key,
        }
    }

    /// `citadesk-relay token create` for one location; the printed token.
    pub fn token(&self, location_id: &str) -> String {
        let out = relay_command(self.data.path(), &self.webhook_key)
            .args([
                "token",
                "create",
                "--location",
                location_id,
                "--name",
                "e2e",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("token: "))
            .expect("token line")
            .to_string()
    }

    /// The environment that points the app at this relay.
    pub fn app_env(&self, token: &str) -> Vec<(&'static str, String)> {
        vec![
            ("CITADESK_RELAY_URL", self.url.clone()),
            ("CITADESK_RELAY_TOKEN", token.to_string()),
            ("CITADESK_WEBHOOK_ED25519_KEYS", self.webhook_key.clone()),
            ("CITADESK_RELAY_BACKOFF_MS", "200".to_string()),
        ]
    }
}

fn relay_command(data_dir: &Path, webhook_key: &str) -> Command {
    let mut cmd = Command::new(bin_dir().join("citadesk-relay"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env("CITADESK_RELAY_ED25519_KEYS", webhook_key)
        .env("CITADESK_RELAY_RSA_KEYS", "")
        .env_remove("CITADESK_RELAY_CONFIG");
    cmd
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
