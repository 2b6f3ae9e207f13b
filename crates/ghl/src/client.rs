use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::GhlError;
use crate::models::*;
use crate::secret::Secret;

pub const DEFAULT_BASE_URL: &str = "https://services.leadconnectorhq.com";

/// GHL versions its API per endpoint group (NOTES.md, "Version header values").
#[derive(Debug, Clone, Copy)]
enum ApiGroup {
    Calendars,
    Contacts,
    Locations,
    Users,
}

impl ApiGroup {
    fn version(self) -> &'static str {
        match self {
            ApiGroup::Calendars => "2021-04-15",
            ApiGroup::Contacts | ApiGroup::Locations | ApiGroup::Users => "2021-07-28",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://services.leadconnectorhq.com`, or ghl-sandbox's URL.
    pub base_url: String,
    /// Bearer token: a Private Integration Token or an OAuth access token.
    pub token: Secret,
    pub timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, token: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            timeout: Duration::from_secs(20),
        }
    }
}

/// Listing query for `GET /calendars/events`: GHL has no location-wide list,
/// so one calendar over a window of at most 31 days.
#[derive(Debug, Clone)]
pub struct EventsQuery<'a> {
    pub location_id: &'a str,
    pub calendar_id: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

pub struct GhlClient {
    http: reqwest::Client,
    base_url: String,
    token: Secret,
    calls: AtomicU64,
}

impl GhlClient {
    pub fn new(config: ClientConfig) -> Result<Self, GhlError> {
        let base = config.base_url.trim_end_matches('/').to_string();
        url::Url::parse(&base).map_err(|e| GhlError::Config(format!("base URL {base:?}: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("citadesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GhlError::Config(e.to_string()))?;
        Ok(Self {
            http,
            base_url: base,
            token: config.token,
            calls: AtomicU64::new(0),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Requests sent so far (for sync summaries and call-count budgets).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub async fn get_location(&self, location_id: &str) -> Result<Location, GhlError> {
        let path = format!("/locations/{}", seg(location_id));
        let env: LocationEnvelope = self
            .send(
                Method::GET,
                &path,
                &[],
                ApiGroup::Locations,
                Some(location_id),
            )
            .await?;
        Ok(env.location)
    }

    pub async fn list_calendars(&self, location_id: &str) -> Result<Vec<Calendar>, GhlError> {
        let env: CalendarsEnvelope = self
            .send(
                Method::GET,
                "/calendars/",
                &[("locationId", location_id.to_string())],
                ApiGroup::Calendars,
                Some(location_id),
            )
            .await?;
        Ok(env.calendars)
    }

    pub async fn list_events(&self, q: &EventsQuery<'_>) -> Result<Vec<Appointment>, GhlError> {
        // GHL wants epoch milliseconds, sent as strings.
        let query = [
            ("locationId", q.location_id.to_string()),
            ("calendarId", q.calendar_id.to_string()),
            ("startTime", q.start.timestamp_millis().to_string()),
            ("endTime", q.end.timestamp_millis().to_string()),
        ];
        let env: EventsEnvelope = self
            .send(
                Method::GET,
                "/calendars/events",
                &query,
                ApiGroup::Calendars,
                Some(q.location_id),
            )
            .await?;
        Ok(env.events)
    }

    pub async fn get_contact(&self, contact_id: &str) -> Result<Contact, GhlError> {
        let path = format!("/contacts/{}", seg(contact_id));
        let env: ContactEnvelope = self
            .send(Method::GET, &path, &[], ApiGroup::Contacts, None)
            .await?;
        Ok(env.contact)
    }

    pub async fn search_users(
        &self,
        company_id: &str,
        location_id: &str,
    ) -> Result<Vec<User>, GhlError> {
        let env: UsersEnvelope = self
            .send(
                Method::GET,
                "/users/search",
                &[
                    ("companyId", company_id.to_string()),
                    ("locationId", location_id.to_string()),
                ],
                ApiGroup::Users,
                Some(location_id),
            )
            .await?;
        Ok(env.users)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        group: ApiGroup,
        location_id: Option<&str>,
    ) -> Result<T, GhlError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}{}", self.base_url, path);
        let started = std::time::Instant::now();
        let resp = self
            .http
            .request(method.clone(), &url)
            .query(query)
            .bearer_auth(self.token.expose())
            .header("Version", group.version())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(GhlError::from_reqwest)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(GhlError::from_reqwest)?;
        tracing::debug!(
            method = %method,
            path,
            status = status.as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "ghl call"
        );
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| GhlError::Decode(format!("{method} {path}: {e}")));
        }
        Err(error_from_response(status, &bytes, location_id))
    }
}

/// Percent-encodes an id used as a path segment.
fn seg(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// Maps GHL's error answers to the taxonomy. GHL's bodies vary by endpoint:
/// `{statusCode, message}`, `{message: [..]}`, `{status, message, traceId}`.
fn error_from_response(status: StatusCode, body: &[u8], location_id: Option<&str>) -> GhlError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let message = json
        .as_ref()
        .and_then(|v| v.get("message"))
        .map(|m| match m {
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        })
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
    let trace_id = json
        .as_ref()
        .and_then(|v| v.get("traceId"))
        .and_then(Value::as_str)
        .map(str::to_string);
    match status.as_u16() {
        401 => GhlError::AuthExpired { message, trace_id },
        403 => GhlError::ForbiddenLocation {
            location_id: location_id.unwrap_or_default().to_string(),
            message,
            trace_id,
        },
        404 => GhlError::NotFound { message, trace_id },
        429 => GhlError::RateLimited {
            retry_after: Duration::from_secs(10),
        },
        s if s >= 500 => GhlError::Server {
            status: s,
            message,
            trace_id,
        },
        s => GhlError::Validation {
            status: s,
            message,
            trace_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_map_to_codes() {
        let e = error_from_response(
            StatusCode::UNAUTHORIZED,
            br#"{"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"}"#,
            None,
        );
        assert_eq!(e.code(), "auth.expired");
        let e = error_from_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            br#"{"statusCode":422,"message":["a","b"],"error":"Unprocessable Entity"}"#,
            None,
        );
        assert_eq!(e.code(), "ghl.validation");
        assert!(e.to_string().contains("a; b"));
        let e = error_from_response(
            StatusCode::BAD_REQUEST,
            br#"{"status":400,"message":"bad","name":"HttpException","traceId":"t-1"}"#,
            None,
        );
        assert_eq!(e.trace_id(), Some("t-1"));
        let e = error_from_response(StatusCode::BAD_GATEWAY, b"<html>", None);
        assert_eq!(e.code(), "ghl.server");
    }

    #[test]
    fn bad_base_url_is_a_config_error() {
        let e = GhlClient::new(ClientConfig::new("not a url", Secret::new("x")))
            .err()
            .unwrap();
        assert_eq!(e.code(), "ghl.config");
    }
}
