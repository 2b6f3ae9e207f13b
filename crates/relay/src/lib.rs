//! citadesk-relay: receives GoHighLevel webhooks on a public host, verifies
//! and stores them durably, and streams them to each Citadesk app install.
//! See README.md for the wire protocol.

pub mod config;
pub mod envelope;
mod error;
pub mod metrics;
pub mod postgres;
mod reads;
mod revoked;
pub mod server;
pub mod sqlite;
pub mod store;
pub mod tokens;
pub mod updates;
pub mod verify;
mod wake;
mod writer;

pub use config::Config;
pub use error::RelayError;
pub use server::{open_store, start, start_with_store, Relay};
