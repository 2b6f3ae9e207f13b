use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use std::sync::Arc;

use crate::auth::{OAuthSession, TokenSource};
use crate::error::GhlError;
use crate::metrics::{operation_name, Metrics, OperationFigures};
use crate::models::*;
use crate::rate_limit::{Permit, RateFigures, RateLimiter};
use crate::secret::Secret;

/// POSTs that only read (a search): safe to repeat after a failure.
const READ_ONLY_POSTS: &[&str] = &["/contacts/search"];

pub const DEFAULT_BASE_URL: &str = "https://services.leadconnectorhq.com";

/// GHL versions its API per endpoint group (NOTES.md, "Version header values").
#[derive(Debug, Clone, Copy)]
pub(crate) enum ApiGroup {
    Calendars,
    Contacts,
    Locations,
    Users,
    Conversations,
}

impl ApiGroup {
    fn version(self) -> &'static str {
        match self {
            ApiGroup::Calendars | ApiGroup::Conversations => "2021-04-15",
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
    pub retry: RetryPolicy,
    /// The location whose quota calls without a location parameter (a
    /// contact by id) count against.
    pub location_id: Option<String>,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, token: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            location_id: None,
        }
    }

    pub fn for_location(mut self, location_id: impl Into<String>) -> Self {
        self.location_id = Some(location_id.into());
        self
    }
}

/// How hard to try before giving up on a call.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts for a GET, PUT or DELETE that met a network error or a 5xx.
    pub max_attempts: u32,
    /// First backoff; doubles each attempt, with full jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// 429s (burst limit) waited out before giving up with `ghl.rate_limited`.
    pub max_rate_limit_waits: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_rate_limit_waits: 8,
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
    token: TokenSource,
    retry: RetryPolicy,
    default_location: Option<String>,
    calls: AtomicU64,
    /// Response body bytes read, for what idle polling costs.
    received_bytes: AtomicU64,
    limiter: Arc<RateLimiter>,
    metrics: Metrics,
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
            token: TokenSource::Static(config.token),
            retry: config.retry,
            default_location: config.location_id,
            calls: AtomicU64::new(0),
            received_bytes: AtomicU64::new(0),
            limiter: Arc::new(RateLimiter::new()),
            metrics: Metrics::default(),
        })
    }

    /// Shares one limiter between clients that spend the same quota (the
    /// same app and location), e.g. a client rebuilt after a token change.
    pub fn with_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = limiter;
        self
    }

    /// Takes the bearer from an OAuth session (refreshed as needed) instead
    /// of the static token of the config.
    pub fn with_oauth(mut self, session: Arc<OAuthSession>) -> Self {
        self.token = TokenSource::OAuth(session);
        self
    }

    /// When the OAuth access token in use expires (None for a PIT).
    pub fn token_expires_at(&self) -> Option<DateTime<Utc>> {
        match &self.token {
            TokenSource::OAuth(s) => Some(s.expires_at()),
            TokenSource::Static(_) => None,
        }
    }

    pub fn metrics(&self) -> Vec<OperationFigures> {
        self.metrics.snapshot()
    }

    /// The last rate-limit figures GHL reported for a location.
    pub fn rate_figures(&self, location_id: &str) -> Option<RateFigures> {
        self.limiter.figures(location_id)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Requests sent so far, retries included (for sync summaries and
    /// call-count budgets).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Response body bytes read so far (retries included).
    pub fn received_bytes(&self) -> u64 {
        self.received_bytes.load(Ordering::Relaxed)
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

    /// One cita by id (`GET /calendars/events/appointments/{eventId}`): what
    /// the app fetches when a webhook carries only part of it.
    pub async fn get_appointment(&self, event_id: &str) -> Result<Appointment, GhlError> {
        let path = format!("/calendars/events/appointments/{}", seg(event_id));
        let env: EventEnvelope = self
            .send(Method::GET, &path, &[], ApiGroup::Calendars, None)
            .await?;
        Ok(env.event)
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
        self.send_with(method, path, query, None, group, location_id)
            .await
    }

    /// One GHL call with an optional JSON body: rate limited, retried when
    /// that is safe, measured.
    pub(crate) async fn send_with<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        group: ApiGroup,
        location_id: Option<&str>,
    ) -> Result<T, GhlError> {
        let operation = operation_name(method.as_str(), path);
        let key = location_id
            .or(self.default_location.as_deref())
            .unwrap_or("_");
        // A create is never repeated blindly: after an ambiguous failure the
        // caller looks first (duplicate search, events in the slot).
        let idempotent = method != Method::POST || READ_ONLY_POSTS.contains(&path);
        let mut attempt = 0u32;
        let mut rate_waits = 0u32;
        let mut refreshed = false;
        loop {
            attempt += 1;
            if self.limiter.acquire(key).await == Permit::DailyExhausted {
                return Err(GhlError::RateLimitedDaily);
            }
            // Taken after the rate-limit wait, which can outlast a token.
            let bearer = match self.token.bearer().await {
                Ok(b) => b,
                Err(e) => {
                    self.limiter.release(key);
                    return Err(e);
                }
            };
            self.calls.fetch_add(1, Ordering::Relaxed);
            let started = std::time::Instant::now();
            let outcome = self
                .send_once(&method, path, query, body, group, &bearer)
                .await;
            let elapsed = started.elapsed();
            let (status, headers, bytes) = match outcome {
                Ok(parts) => parts,
                Err(e) => {
                    self.limiter.release(key);
                    self.metrics.record(&operation, false, elapsed);
                    if idempotent && attempt < self.retry.max_attempts {
                        self.metrics.record_retry(&operation);
                        tracing::info!(%operation, attempt, code = e.code(), "retrying after a network failure");
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(e);
                }
            };
            self.received_bytes
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            let figures = RateFigures::from_headers(&headers);
            tracing::debug!(%operation, status = status.as_u16(), ms = elapsed.as_millis() as u64, "ghl call");
            if status == StatusCode::TOO_MANY_REQUESTS {
                self.metrics.record(&operation, false, elapsed);
                // A 429 was not processed, so even a create may be sent again.
                if self.limiter.on_too_many(key, figures) == Permit::DailyExhausted {
                    return Err(GhlError::RateLimitedDaily);
                }
                rate_waits += 1;
                if rate_waits > self.retry.max_rate_limit_waits {
                    return Err(GhlError::RateLimited {
                        retry_after: self.limiter.interval(key),
                    });
                }
                self.metrics.record_retry(&operation);
                attempt -= 1;
                continue;
            }
            self.limiter.observe(key, figures);
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                if let TokenSource::OAuth(session) = &self.token {
                    // Refresh once and send again; a second 401 is reported.
                    self.metrics.record(&operation, false, elapsed);
                    session.after_rejection(&bearer).await?;
                    refreshed = true;
                    attempt -= 1;
                    continue;
                }
            }
            if status.is_success() {
                self.metrics.record(&operation, true, elapsed);
                return serde_json::from_slice(&bytes)
                    .map_err(|e| GhlError::Decode(format!("{method} {path}: {e}")));
            }
            self.metrics.record(&operation, false, elapsed);
            let err = error_from_response(status, &bytes, location_id);
            if status.is_server_error() && idempotent && attempt < self.retry.max_attempts {
                self.metrics.record_retry(&operation);
                tracing::info!(%operation, attempt, status = status.as_u16(), "retrying after a GHL server error");
                tokio::time::sleep(self.backoff(attempt)).await;
                continue;
            }
            return Err(err);
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        group: ApiGroup,
        bearer: &Secret,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, bytes::Bytes), GhlError> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{}", self.base_url, path))
            .query(query)
            .bearer_auth(bearer.expose())
            .header("Version", group.version())
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let resp = request.send().await.map_err(GhlError::from_reqwest)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(GhlError::from_reqwest)?;
        Ok((status, headers, bytes))
    }

    /// Exponential backoff with full jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .retry
            .base_backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.retry.max_backoff);
        ceiling.mul_f64(jitter())
    }
}

/// A number in [0.5, 1): jitter for backoffs, no RNG crate needed. Keeping
/// half the ceiling as a floor avoids near-zero waits hammering a failing GHL.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut z = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    0.5 + (z >> 11) as f64 / (1u64 << 53) as f64 / 2.0
}

/// Percent-encodes an id used as a path segment.
pub(crate) fn seg(id: &str) -> String {
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
