//! One module per noun of the command line. Each has its options (a clap
//! `…Args` struct, without a doc comment: the command's help text is the
//! doc comment of its variant in `main.rs`) and a function that runs it
//! over the `Desk` and returns the exit status. Printing and exit statuses
//! shared by several commands are in `crate::output`.

pub mod agenda;
pub mod audit;
pub mod booking;
pub mod connect;
pub mod doctor;
pub mod health;
pub mod list;
pub mod patients;
pub mod practice;
pub mod push;
pub mod reconcile;
pub mod refusals;
pub mod reminders;
pub mod staff;
pub mod stats;
pub mod status;
pub mod sync;
