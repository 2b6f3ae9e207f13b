//! Tests over real HTTP on loopback: each starts its own sandbox on
//! 127.0.0.1:0 and talks to it with reqwest, as the app's client would.

mod admin;
mod appointments;
mod auth;
mod binary;
mod common;
mod contacts;
mod contract;
mod conversations;
mod events;
mod faults;
mod large;
mod limits;
mod oauth;
mod practice;
mod seed;
mod webhooks;
