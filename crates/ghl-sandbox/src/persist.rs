//! `--state-file`: the world as a JSON snapshot, written shortly after each
//! change and at shutdown (atomically: a temporary file, then a rename),
//! and loaded at start when the file exists.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::state::{Sandbox, Snapshot, World};
use crate::Error;

/// Changes closer together than this are written once.
const COALESCE: Duration = Duration::from_millis(100);

pub fn load(path: &Path) -> Result<World, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("cannot read state file {}: {e}", path.display())))?;
    let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| {
        Error::Config(format!(
            "state file {} is not a snapshot: {e}",
            path.display()
        ))
    })?;
    let mut world = snapshot.world;
    world.ids = snapshot.ids;
    world.reindex();
    Ok(world)
}

pub async fn save(sandbox: &Sandbox) -> std::io::Result<()> {
    let Some(path) = sandbox.state_file() else {
        return Ok(());
    };
    let bytes = {
        let world = sandbox.read().await;
        serde_json::to_vec(&Snapshot {
            world: world.clone(),
            ids: world.ids.clone(),
        })
        .map_err(std::io::Error::other)?
    };
    let tmp = path.with_extension("tmp");
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, path).await
}

/// Write the snapshot after every change until the sandbox stops.
pub async fn run(sandbox: Arc<Sandbox>) {
    loop {
        tokio::select! {
            _ = sandbox.dirtied() => {}
            _ = sandbox.shutting_down() => return,
        }
        tokio::time::sleep(COALESCE).await;
        if let Err(e) = save(&sandbox).await {
            tracing::warn!(error = %e, "could not write the state file");
        }
    }
}
