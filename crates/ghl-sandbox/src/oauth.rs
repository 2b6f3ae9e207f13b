//! OAuth 2.0 authorization code flow as GHL runs it (docs/oauth/Authorization.md,
//! apps/oauth.json): a chooselocation page that redirects with `code` (and
//! `state`, when given), and `POST /oauth/token` (form-urlencoded) for
//! `authorization_code` and `refresh_token`.
//!
//! Access tokens last `access_token_lifetime` (GHL: 86399 s); refresh
//! tokens rotate and are single-use: spending one twice, or a revoked or
//! expired one, gets `invalid_grant`.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Query, RawForm, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::auth::{Grant, TokenKind};
use crate::config::OAuthClient;
use crate::ids::SplitMix64;
use crate::routes::Shared;

/// Authorization codes are short-lived and single-use.
const CODE_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// Refresh tokens last a year if unused (Authorization.md FAQ).
const REFRESH_LIFETIME: chrono::Duration = chrono::Duration::days(365);

#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    location_id: String,
    scope: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshState {
    Active,
    Used,
    Revoked,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    location_id: String,
    scope: String,
    expires_at: DateTime<Utc>,
    state: RefreshState,
}

#[derive(Debug, Default)]
struct Inner {
    codes: HashMap<String, CodeGrant>,
    refresh: HashMap<String, RefreshGrant>,
}

/// Clients, codes and refresh tokens (access tokens live in the `TokenStore`).
#[derive(Debug)]
pub struct OAuthStore {
    clients: RwLock<Vec<OAuthClient>>,
    lifetime: RwLock<Duration>,
    inner: Mutex<Inner>,
    rng: Mutex<SplitMix64>,
}

/// A fresh token pair, as `/oauth/token` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub scope: String,
    pub location_id: String,
    pub client_id: String,
}

impl OAuthStore {
    pub fn new(clients: Vec<OAuthClient>, lifetime: Duration) -> Self {
        let seed = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
        Self {
            clients: RwLock::new(clients),
            lifetime: RwLock::new(lifetime),
            inner: Mutex::new(Inner::default()),
            rng: Mutex::new(SplitMix64::new(seed ^ 0x0A07_4000_0000_0001)),
        }
    }

    pub fn add_client(&self, client: OAuthClient) {
        let mut clients = self.clients.write().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.client_id != client.client_id);
        clients.push(client);
    }

    pub fn clients(&self) -> Vec<OAuthClient> {
        self.clients
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn access_token_lifetime(&self) -> Duration {
        *self.lifetime.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        *self.lifetime.write().unwrap_or_else(|e| e.into_inner()) = lifetime;
    }

    fn client(&self, client_id: &str) -> Option<OAuthClient> {
        self.clients()
            .into_iter()
            .find(|c| c.client_id == client_id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn token(&self, prefix: &str) -> String {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let (a, b, c) = (rng.next_u64(), rng.next_u64(), rng.next_u64());
        format!("{prefix}{a:016x}{b:016x}{c:016x}")
    }

    /// Mint an authorization code (what the chooselocation page does).
    pub fn issue_code(
        &self,
        client_id: &str,
        redirect_uri: &str,
        location_id: &str,
        scope: &str,
    ) -> String {
        let code = self.token("");
        self.lock().codes.insert(
            code.clone(),
            CodeGrant {
                client_id: client_id.into(),
                redirect_uri: redirect_uri.into(),
                location_id: location_id.into(),
                scope: scope.into(),
                expires_at: Utc::now() + CODE_LIFETIME,
            },
        );
        code
    }

    /// Revoke a refresh token (as uninstalling the app would); false if unknown.
    pub fn revoke_refresh(&self, token: &str) -> bool {
        match self.lock().refresh.get_mut(token) {
            Some(grant) => {
                grant.state = RefreshState::Revoked;
                true
            }
            None => false,
        }
    }

    fn mint(
        &self,
        tokens: &crate::auth::TokenStore,
        client_id: &str,
        location_id: &str,
        scope: &str,
    ) -> TokenPair {
        let lifetime = self.access_token_lifetime();
        let access_token = self.token("sbx-at-");
        let refresh_token = self.token("sbx-rt-");
        tokens.insert(
            access_token.clone(),
            Grant {
                location_id: location_id.into(),
                kind: TokenKind::OAuthAccess,
                app_id: format!("oauth:{client_id}"),
                expires_at: Some(
                    Utc::now()
                        + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::days(1)),
                ),
            },
        );
        self.lock().refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                client_id: client_id.into(),
                location_id: location_id.into(),
                scope: scope.into(),
                expires_at: Utc::now() + REFRESH_LIFETIME,
                state: RefreshState::Active,
            },
        );
        TokenPair {
            access_token,
            refresh_token,
            expires_in: lifetime.as_secs(),
            scope: scope.into(),
            location_id: location_id.into(),
            client_id: client_id.into(),
        }
    }

    fn redeem_code(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
    ) -> Result<CodeGrant, &'static str> {
        // Single-use: taken out whatever happens next.
        let grant = self
            .lock()
            .codes
            .remove(code)
            .ok_or("Invalid grant: authorization code is invalid")?;
        if grant.client_id != client_id || grant.expires_at <= Utc::now() {
            return Err("Invalid grant: authorization code is invalid");
        }
        if redirect_uri.is_some_and(|r| r != grant.redirect_uri) {
            return Err("Invalid grant: redirect_uri does not match");
        }
        Ok(grant)
    }

    fn spend_refresh(&self, client_id: &str, token: &str) -> Result<RefreshGrant, &'static str> {
        let mut inner = self.lock();
        let grant = inner
            .refresh
            .get_mut(token)
            .ok_or("Invalid grant: refresh token is invalid")?;
        if grant.client_id != client_id
            || grant.state != RefreshState::Active
            || grant.expires_at <= Utc::now()
        {
            return Err("Invalid grant: refresh token is invalid");
        }
        grant.state = RefreshState::Used;
        Ok(grant.clone())
    }
}

pub fn routes(sandbox: Shared) -> Router {
    Router::new()
        .route("/oauth/chooselocation", get(choose_location).post(approve))
        .route(
            "/v2/oauth/chooselocation",
            get(choose_location).post(approve),
        )
        .route("/oauth/token", post(token))
        .with_state(sandbox)
}

fn page_error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Error</title></head>\
             <body><h1>Something went wrong</h1><p>{}</p></body></html>",
            escape(message)
        )),
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Check the authorize parameters; the redirect URI to use.
fn check_authorize(
    sandbox: &Shared,
    params: &HashMap<String, String>,
) -> Result<(OAuthClient, String), &'static str> {
    if params.get("response_type").map(String::as_str) != Some("code") {
        return Err("response_type must be code");
    }
    let client_id = params.get("client_id").cloned().unwrap_or_default();
    let Some(client) = sandbox.oauth().client(&client_id) else {
        return Err("Invalid client_id");
    };
    let redirect = match params.get("redirect_uri").filter(|r| !r.is_empty()) {
        Some(r) => r.clone(),
        None => match client.redirect_uris.first() {
            Some(r) => r.clone(),
            None => return Err("redirect_uri is required"),
        },
    };
    if !client.redirect_uris.is_empty() && !client.redirect_uris.contains(&redirect) {
        return Err("redirect_uri is not registered for this app");
    }
    if url::Url::parse(&redirect).is_err() {
        return Err("redirect_uri is not a valid URL");
    }
    Ok((client, redirect))
}

/// Redirect to `redirect_uri?code=…[&state=…]`.
fn redirect_with_code(
    sandbox: &Shared,
    client: &OAuthClient,
    redirect: &str,
    location_id: &str,
    params: &HashMap<String, String>,
) -> Response {
    let scope = params.get("scope").cloned().unwrap_or_default();
    let code = sandbox
        .oauth()
        .issue_code(&client.client_id, redirect, location_id, &scope);
    let Ok(mut url) = url::Url::parse(redirect) else {
        return page_error("redirect_uri is not a valid URL");
    };
    url.query_pairs_mut().append_pair("code", &code);
    if let Some(state) = params.get("state") {
        url.query_pairs_mut().append_pair("state", state);
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

/// GHL's chooselocation page. `?auto=1` (sandbox only) approves at once for
/// `locationId` or the first location, for tests without a browser.
async fn choose_location(
    State(sandbox): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let (client, redirect) = match check_authorize(&sandbox, &params) {
        Ok(ok) => ok,
        Err(why) => return page_error(why),
    };
    let world = sandbox.read().await;
    if matches!(params.get("auto").map(String::as_str), Some("1" | "true")) {
        let location = params
            .get("locationId")
            .cloned()
            .unwrap_or_else(|| world.primary_location_id.clone());
        if !world.locations.contains_key(&location) {
            return page_error("Unknown location");
        }
        drop(world);
        return redirect_with_code(&sandbox, &client, &redirect, &location, &params);
    }
    let hidden: String = ["response_type", "client_id", "scope", "state"]
        .iter()
        .filter_map(|k| params.get(*k).map(|v| (k, v)))
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(v)
            )
        })
        .chain(std::iter::once(format!(
            "<input type=\"hidden\" name=\"redirect_uri\" value=\"{}\">",
            escape(&redirect)
        )))
        .collect();
    let choices: String = world
        .locations
        .values()
        .map(|l| {
            format!(
                "<li><form method=\"post\">{hidden}\
                 <input type=\"hidden\" name=\"locationId\" value=\"{id}\">\
                 <button type=\"submit\" id=\"choose-{id}\">{name}</button> \
                 <small>{address}, {city}</small></form></li>",
                id = escape(&l.id),
                name = escape(&l.name),
                address = escape(&l.address),
                city = escape(&l.city),
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Choose a sub-account</title></head>\
         <body><h1>Choose a sub-account</h1>\
         <p>The app <code>{app}</code> asks for: <code>{scope}</code></p>\
         <ul>{choices}</ul></body></html>",
        app = escape(&client.client_id),
        scope = escape(params.get("scope").map(String::as_str).unwrap_or("")),
    ))
    .into_response()
}

/// The page's form: approve for one location.
async fn approve(State(sandbox): State<Shared>, RawForm(form): RawForm) -> Response {
    let params: HashMap<String, String> = url::form_urlencoded::parse(&form).into_owned().collect();
    let (client, redirect) = match check_authorize(&sandbox, &params) {
        Ok(ok) => ok,
        Err(why) => return page_error(why),
    };
    let Some(location) = params.get("locationId").cloned() else {
        return page_error("Choose a location");
    };
    if !sandbox.read().await.locations.contains_key(&location) {
        return page_error("Unknown location");
    }
    redirect_with_code(&sandbox, &client, &redirect, &location, &params)
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({
            "statusCode": status.as_u16(),
            "message": description,
            "error": error,
            "error_description": description,
        })),
    )
        .into_response()
}

/// `POST /oauth/token`, form-urlencoded (`GetAccessCodebodyDto`).
async fn token(State(sandbox): State<Shared>, request: axum::extract::Request) -> Response {
    let form_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = match axum::body::to_bytes(request.into_body(), 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Bad body"),
    };
    let form: HashMap<String, String> = if form_type {
        url::form_urlencoded::parse(&body).into_owned().collect()
    } else {
        HashMap::new()
    };
    let field = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let mut problems = Vec::new();
    for name in ["client_id", "client_secret", "grant_type"] {
        if field(name).is_none() {
            problems.push(format!("{name} should not be empty"));
        }
    }
    const GRANTS: &[&str] = &["authorization_code", "refresh_token", "client_credentials"];
    if let Some(g) = field("grant_type") {
        if !GRANTS.contains(&g) {
            problems.push(format!(
                "grant_type must be one of the following values: {}",
                GRANTS.join(", ")
            ));
        }
    }
    if let Some(t) = field("user_type") {
        if t != "Location" && t != "Company" {
            problems
                .push("user_type must be one of the following values: Company, Location".into());
        }
    }
    if !problems.is_empty() {
        return crate::errors::GhlError::Unprocessable(problems).into_response();
    }
    let client_id = field("client_id").unwrap_or_default();
    let client = sandbox.oauth().client(client_id);
    if client
        .as_ref()
        .is_none_or(|c| Some(c.client_secret.as_str()) != field("client_secret"))
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client credentials",
        );
    }
    let (location_id, scope) = match field("grant_type").unwrap_or_default() {
        "authorization_code" => {
            let Some(code) = field("code") else {
                return crate::errors::GhlError::unprocessable("code should not be empty")
                    .into_response();
            };
            match sandbox
                .oauth()
                .redeem_code(client_id, code, field("redirect_uri"))
            {
                Ok(grant) => (grant.location_id, grant.scope),
                Err(why) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
            }
        }
        "refresh_token" => {
            let Some(refresh) = field("refresh_token") else {
                return crate::errors::GhlError::unprocessable("refresh_token should not be empty")
                    .into_response();
            };
            match sandbox.oauth().spend_refresh(client_id, refresh) {
                Ok(grant) => (grant.location_id, grant.scope),
                Err(why) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "client_credentials is not supported for sub-account tokens",
            )
        }
    };
    let pair = sandbox
        .oauth()
        .mint(sandbox.tokens(), client_id, &location_id, &scope);
    let world = sandbox.read().await;
    let company_id = world
        .company_of(&location_id)
        .unwrap_or_default()
        .to_string();
    // The installer: the location's first admin user (else its company).
    let user_id = world
        .users
        .values()
        .find(|u| u.role == "admin" && u.location_ids.contains(&location_id))
        .map(|u| u.id.clone())
        .unwrap_or_else(|| company_id.clone());
    Json(json!({
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
        "scope": pair.scope,
        "userType": "Location",
        "locationId": pair.location_id,
        "companyId": company_id,
        "userId": user_id,
        "isBulkInstallation": false,
    }))
    .into_response()
}
