//! Demo mode: a seeded clinic served by ghl-sandbox in this process on a free
//! loopback port. No GHL account, and its data folder is apart from a real one.

use citadesk_core::ghl::Secret;
use citadesk_core::DemoConnection;

pub async fn start(
) -> Result<(DemoConnection, ghl_sandbox::RunningSandbox), Box<dyn std::error::Error>> {
    let sandbox = ghl_sandbox::start(ghl_sandbox::SandboxConfig {
        seed: ghl_sandbox::Seed::Demo,
        ..Default::default()
    })
    .await?;
    let connection = DemoConnection {
        base_url: sandbox.base_url(),
        location_id: sandbox.location_id().to_string(),
        token: Secret::new(sandbox.pit()),
    };
    tracing::info!(url = %connection.base_url, "demo clinic served by ghl-sandbox");
    Ok((connection, sandbox))
}
