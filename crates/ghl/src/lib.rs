//! GoHighLevel API v2 client. The only code in Citadesk that talks to GHL:
//! the app, the CLI and the tests all go through it. No Tauri, no SQLite.

pub mod auth;
mod client;
mod error;
pub mod metrics;
pub mod models;
pub mod oauth;
pub mod rate_limit;
mod secret;
pub mod token_store;
pub mod writes;

pub use auth::{OAuthSession, OAuthTokens};
pub use client::{ClientConfig, EventsQuery, GhlClient, RetryPolicy, DEFAULT_BASE_URL};
pub use error::GhlError;
pub use oauth::{AuthorizeRequest, Browser, OAuthApp};
pub use secret::Secret;
pub use token_store::{TokenStore, TokenStoreError};
pub use writes::{
    AppointmentChange, ContactChange, ContactPage, FreeSlots, NewAppointment, NewContact,
};
