//! `GET /users/search` (Version 2021-07-28): the practitioners and staff.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::{QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new().route("/users/search", get(search_users))
}

async fn search_users(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let company_id = check.required("companyId");
    let skip = check.optional_count("skip", 0);
    let limit = check.optional_count("limit", 25);
    check.finish_422()?;
    if let Some(location_id) = check.optional("locationId") {
        caller.ensure_location(location_id)?;
    }
    let world = sandbox.read().await;
    // A sub-account token sees its own company only.
    if world.company_of(&caller.location_id) != Some(company_id) {
        return Err(GhlError::NoLocationAccess);
    }
    let needle = check.optional("query").map(str::to_lowercase);
    let ids: Option<Vec<&str>> = check
        .optional("ids")
        .map(|s| s.split(',').map(str::trim).collect());
    let mut users: Vec<_> = world
        .users
        .values()
        .filter(|u| u.company_id == company_id && !u.deleted)
        .filter(|u| u.location_ids.contains(&caller.location_id))
        .filter(|u| ids.as_ref().is_none_or(|ids| ids.contains(&u.id.as_str())))
        .filter(|u| {
            needle.as_ref().is_none_or(|n| {
                [u.name(), u.email.clone(), u.phone.clone()]
                    .iter()
                    .any(|field| field.to_lowercase().contains(n.as_str()))
            })
        })
        .collect();
    // GHL's default order: first and last name.
    users.sort_by(|a, b| (&a.first_name, &a.last_name).cmp(&(&b.first_name, &b.last_name)));
    let count = users.len();
    let page: Vec<Value> = users
        .into_iter()
        .skip(skip)
        .take(limit)
        .map(wire::user)
        .collect();
    Ok(Json(json!({ "users": page, "count": count })))
}
