//! GoHighLevel API v2 client. The only code in Citadesk that talks to GHL:
//! the app, the CLI and the tests all go through it. No Tauri, no SQLite.
//! Without the default `client` feature only the wire types and webhook
//! signatures remain (what the relay needs).

#[cfg(feature = "client")]
pub mod auth;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
pub mod conversations;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
pub mod metrics;
pub mod models;
#[cfg(feature = "client")]
pub mod oauth;
#[cfg(feature = "client")]
pub mod practice;
#[cfg(feature = "client")]
pub mod rate_limit;
#[cfg(feature = "client")]
mod secret;
#[cfg(feature = "client")]
pub mod token_store;
pub mod webhook;
#[cfg(feature = "client")]
pub mod writes;

#[cfg(feature = "client")]
pub use auth::{OAuthSession, OAuthTokens};
#[cfg(feature = "client")]
pub use client::{ClientConfig, EventsQuery, GhlClient, RetryPolicy, DEFAULT_BASE_URL};
#[cfg(feature = "client")]
pub use conversations::{NewMessage, SentMessage};
#[cfg(feature = "client")]
pub use error::GhlError;
#[cfg(feature = "client")]
pub use oauth::{AuthorizeRequest, Browser, OAuthApp};
#[cfg(feature = "client")]
pub use practice::{
    BlockOwner, BlockedSlot, CalendarGroup, CalendarResource, NewBlockSlot, Schedule,
    ScheduleInterval, ScheduleRule,
};
#[cfg(feature = "client")]
pub use secret::Secret;
#[cfg(feature = "client")]
pub use token_store::{TokenStore, TokenStoreError};
#[cfg(feature = "client")]
pub use writes::{
    AppointmentChange, ContactChange, ContactPage, FreeSlots, NewAppointment, NewContact,
};
