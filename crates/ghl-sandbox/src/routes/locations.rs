//! `GET /locations/{locationId}` (Version 2021-07-28).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::Shared;
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new().route("/locations/{locationId}", get(get_location))
}

async fn get_location(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(location_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    caller.ensure_location(&location_id)?;
    let world = sandbox.read().await;
    let location = world
        .locations
        .get(&location_id)
        .ok_or_else(|| GhlError::BadRequest("Location not found".into()))?;
    Ok(Json(json!({ "location": wire::location(location) })))
}
