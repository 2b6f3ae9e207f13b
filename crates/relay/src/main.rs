//! citadesk-relay: `serve`, and the admin commands for install tokens.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use citadesk_relay::store::Store;
use citadesk_relay::{tokens, Config, RelayError};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "citadesk-relay",
    version,
    about = "Receives GHL webhooks and streams them to Citadesk installs"
)]
struct Cli {
    /// JSON configuration file (see README.md); CITADESK_RELAY_* variables override it.
    #[arg(long, global = true, env = "CITADESK_RELAY_CONFIG")]
    config: Option<PathBuf>,
    /// Overrides `data_dir`.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the webhook endpoint and the app streams.
    Serve {
        /// Overrides `listen`, e.g. 0.0.0.0:8787 (port 0 picks a free one).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Publish an app release in `updates_dir` (served at /updates/): copies
    /// the signed packages and writes latest.json for the app's updater.
    PublishUpdate {
        /// The release's version, as in tauri.conf.json (e.g. 0.2.0).
        #[arg(long)]
        version: String,
        /// Release notes shown in the app's banner.
        #[arg(long, default_value = "")]
        notes: String,
        /// A package (.deb, .rpm) with its .sig beside it; repeat for several.
        #[arg(long = "artifact", required = true)]
        artifacts: Vec<PathBuf>,
        /// Where the folder is reached by the apps, e.g. https://relay.clinica.pe/updates
        #[arg(long)]
        base_url: String,
        #[arg(long, default_value = "linux-x86_64")]
        target: String,
    },
    /// Install tokens: one per app install, scoped to its locations.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create an install and print its token (shown only this once).
    Create {
        /// GHL locationId the install may read; repeat for several.
        #[arg(long = "location", required = true)]
        locations: Vec<String>,
        /// A name for people, e.g. "Recepción 1".
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List installs, their locations, state and acknowledged cursor.
    List,
    /// Revoke an install; its open streams close within seconds.
    Revoke { id: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut cfg = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if let Some(dir) = cli.data_dir {
        cfg.data_dir = dir;
    }
    let result = match cli.command {
        Command::Serve { listen } => {
            if let Some(l) = listen {
                cfg.listen = l;
            }
            serve(cfg)
        }
        Command::Token { action } => token(&cfg, action),
        Command::PublishUpdate {
            version,
            notes,
            artifacts,
            base_url,
            target,
        } => match cfg.updates_dir.as_deref() {
            None => Err(RelayError::Config(
                "set updates_dir (config) or CITADESK_RELAY_UPDATES_DIR first".into(),
            )),
            Some(dir) => citadesk_relay::updates::publish(
                dir,
                &citadesk_relay::updates::Release {
                    version: &version,
                    notes: &notes,
                    artifacts: &artifacts,
                    base_url: &base_url,
                    target: &target,
                },
            )
            .map(|path| println!("published {version}: {}", path.display())),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(e: &RelayError) -> ExitCode {
    eprintln!("citadesk-relay: {} ({})", e, e.code());
    ExitCode::FAILURE
}

fn serve(cfg: Config) -> Result<(), RelayError> {
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log)
        .map_err(|e| RelayError::Config(format!("log filter {:?}: {e}", cfg.log)))?;
    // JSON lines on stderr: journald and docker both collect it.
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| RelayError::Config(format!("tokio runtime: {e}")))?;
    rt.block_on(async move {
        let relay = citadesk_relay::start(cfg).await?;
        tracing::info!(addr = %relay.addr, metrics_addr = %relay.metrics_addr, "listening");
        stop_signal().await;
        tracing::info!("stopping: no new connections, finishing commits");
        relay.shutdown().await
    })
}

/// SIGTERM (systemd, docker stop) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn token(cfg: &Config, action: TokenAction) -> Result<(), RelayError> {
    let store: Arc<dyn Store> = citadesk_relay::open_store(cfg)?;
    let now = chrono::Utc::now().timestamp_millis();
    match action {
        TokenAction::Create { locations, name } => {
            let issued = tokens::issue(store.as_ref(), &name, &locations, now)?;
            println!("install: {}", issued.install_id);
            println!("token: {}", issued.token);
            eprintln!("The token is shown only now; put it in the app's relay settings.");
        }
        TokenAction::List => {
            println!(
                "{:<16}  {:<8}  {:>12}  {:<24}  name",
                "id", "state", "acked", "locations"
            );
            for i in store.installs()? {
                let state = if i.revoked_at_ms.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{:<16}  {:<8}  {:>12}  {:<24}  {}",
                    i.id,
                    state,
                    i.acked_cursor,
                    i.locations.join(","),
                    i.name
                );
            }
        }
        TokenAction::Revoke { id } => {
            if !store.revoke_install(&id, now)? {
                return Err(RelayError::UnknownInstall(id));
            }
            println!("revoked {id}");
        }
    }
    Ok(())
}
