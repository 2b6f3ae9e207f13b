//! `GET /contacts/{contactId}` (Version 2021-07-28).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::Shared;
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new().route("/contacts/{contactId}", get(get_contact))
}

async fn get_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let contact = world
        .contacts
        .get(&contact_id)
        .ok_or_else(|| GhlError::BadRequest("Contact not found".into()))?;
    caller.ensure_location(&contact.location_id)?;
    Ok(Json(json!({ "contact": wire::contact(contact) })))
}
