//! Which installs are revoked, read once for every open stream. A revoke is
//! made with the CLI (another process, or another instance on PostgreSQL),
//! so open streams learn of it from the store. Each stream used to re-read
//! its own install every few seconds: 10,000 streams made 2,000 reads a
//! second, which on PostgreSQL cost more than the webhooks themselves.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

/// The ids of revoked installs, as last read.
pub type Revoked = Arc<HashSet<String>>;

/// Reads the revoked installs every `every` until `stop`, and publishes the
/// set when it changed. A failed read keeps the last set (a store that is
/// down must not close every stream).
pub async fn follow(
    store: Arc<dyn Store>,
    revoked: watch::Sender<Revoked>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let read = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.revoked_installs()).await
        };
        match read {
            Ok(Ok(ids)) => {
                let ids: HashSet<String> = ids.into_iter().collect();
                revoked.send_if_modified(|known| {
                    let changed = **known != ids;
                    if changed {
                        *known = Arc::new(ids);
                    }
                    changed
                });
            }
            Ok(Err(e)) => {
                tracing::warn!(code = e.code(), reason = %e, "revoked installs: unreadable; keeping the last list")
            }
            Err(e) => {
                tracing::warn!(reason = %e, "revoked installs: unreadable; keeping the last list")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
