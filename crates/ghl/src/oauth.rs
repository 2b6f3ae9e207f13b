//! GHL's OAuth 2.0 authorization code flow, with the `oauth2` crate over our
//! own reqwest: the system browser opens GHL's chooselocation page with a
//! random `state`, a one-shot listener on 127.0.0.1 receives the redirect,
//! and the code is exchanged at `/oauth/token` (form body, `user_type`
//! Location, no Version header: apps/oauth.json lists none).

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use oauth2::basic::{BasicErrorResponse, BasicErrorResponseType, BasicTokenType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, ExtraTokenFields,
    HttpRequest, HttpResponse, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::auth::OAuthTokens;
use crate::error::GhlError;
use crate::secret::Secret;

/// GHL's authorize page (the `/v2/` path since 2026-05-27, NOTES.md).
pub const GHL_AUTHORIZE_URL: &str = "https://marketplace.gohighlevel.com/v2/oauth/chooselocation";

/// What Citadesk reads and writes in a location.
pub const SCOPES: &[&str] = &[
    "locations.readonly",
    "users.readonly",
    "calendars.readonly",
    "calendars.write",
    "calendars/events.readonly",
    "calendars/events.write",
    "contacts.readonly",
    "contacts.write",
    "conversations/message.write",
];

/// The path the browser is sent back to on the loopback listener.
const CALLBACK_PATH: &str = "/oauth/callback";

/// An OAuth app (GHL marketplace app) as IT enters it.
#[derive(Clone)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: Secret,
}

impl std::fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Opens a URL the way a person would: the system browser in the app, a
/// plain HTTP client in tests.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> std::io::Result<()>;
}

/// Everything the authorization needs.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub app: OAuthApp,
    /// GHL's chooselocation page, or the sandbox's.
    pub authorize_url: String,
    /// GHL's API base; the token endpoint is `{api_base}/oauth/token`.
    pub api_base: String,
    pub scopes: Vec<String>,
    /// 0: any free port. GHL apps must list their redirect URI, so IT may
    /// need a fixed one.
    pub port: u16,
    /// How long to wait for the person to finish in the browser.
    pub timeout: Duration,
}

impl AuthorizeRequest {
    pub fn new(app: OAuthApp, authorize_url: &str, api_base: &str) -> Self {
        Self {
            app,
            authorize_url: authorize_url.to_string(),
            api_base: api_base.to_string(),
            scopes: SCOPES.iter().map(|s| s.to_string()).collect(),
            port: 0,
            timeout: Duration::from_secs(300),
        }
    }
}

pub(crate) fn token_url(api_base: &str) -> String {
    format!("{}/oauth/token", api_base.trim_end_matches('/'))
}

/// The fields GHL adds to a token answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhlTokenFields {
    #[serde(default)]
    location_id: Option<String>,
    #[serde(default)]
    company_id: Option<String>,
    #[serde(default)]
    user_type: Option<String>,
}
impl ExtraTokenFields for GhlTokenFields {}

type GhlTokenResponse = StandardTokenResponse<GhlTokenFields, BasicTokenType>;
type GhlOAuthClient<HasAuthUrl> = oauth2::Client<
    BasicErrorResponse,
    GhlTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    HasAuthUrl,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(
    app: &OAuthApp,
    token_url: &str,
) -> Result<GhlOAuthClient<oauth2::EndpointNotSet>, GhlError> {
    Ok(oauth2::Client::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose().to_string()))
        // GHL reads the client credentials from the form body.
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(
            TokenUrl::new(token_url.to_string())
                .map_err(|e| GhlError::Config(format!("token URL {token_url:?}: {e}")))?,
        ))
}

/// How a token request failed.
pub(crate) enum TokenFailure {
    /// The grant (code or refresh token) is no longer good, or the location
    /// is not active: connecting again is the only way on.
    Grant(String),
    Other(GhlError),
}

/// Sends one token request through our reqwest client. 5xx answers come
/// back as errors here so they are not mistaken for unreadable OAuth bodies.
async fn send(http: reqwest::Client, request: HttpRequest) -> Result<HttpResponse, GhlError> {
    let request =
        reqwest::Request::try_from(request).map_err(|e| GhlError::Config(e.to_string()))?;
    let response = http
        .execute(request)
        .await
        .map_err(GhlError::from_reqwest)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(GhlError::from_reqwest)?;
    if status.is_server_error() {
        return Err(GhlError::Server {
            status: status.as_u16(),
            message: String::from_utf8_lossy(&body).chars().take(300).collect(),
            trace_id: None,
        });
    }
    let mut out = oauth2::http::Response::builder().status(status.as_u16());
    for (name, value) in &headers {
        out = out.header(name.as_str(), value.as_bytes());
    }
    out.body(body.to_vec())
        .map_err(|e| GhlError::Decode(e.to_string()))
}

fn failure(e: RequestTokenError<GhlError, BasicErrorResponse>) -> TokenFailure {
    // GHL's refusal to refresh for an inactive location (#249 in NOTES.md).
    let inactive = |text: &str| text.to_lowercase().contains("not active");
    match e {
        RequestTokenError::ServerResponse(r) => {
            let detail = r
                .error_description()
                .cloned()
                .unwrap_or_else(|| r.error().to_string());
            match r.error() {
                BasicErrorResponseType::InvalidGrant => TokenFailure::Grant(detail),
                BasicErrorResponseType::InvalidClient
                | BasicErrorResponseType::UnauthorizedClient => {
                    TokenFailure::Other(GhlError::OAuthClient(detail))
                }
                _ if inactive(&detail) => TokenFailure::Grant(detail),
                _ => TokenFailure::Other(GhlError::Validation {
                    status: 400,
                    message: detail,
                    trace_id: None,
                }),
            }
        }
        RequestTokenError::Request(e) => TokenFailure::Other(e),
        RequestTokenError::Parse(e, body) => {
            let text = String::from_utf8_lossy(&body)
                .chars()
                .take(300)
                .collect::<String>();
            if inactive(&text) {
                TokenFailure::Grant(text)
            } else {
                // Neither the body nor serde's message (it quotes values) may
                // carry a token into a log: the field's path and the size only.
                TokenFailure::Other(GhlError::Decode(format!(
                    "/oauth/token: unreadable answer at {} ({} bytes)",
                    e.path(),
                    body.len()
                )))
            }
        }
        RequestTokenError::Other(e) => TokenFailure::Other(GhlError::Decode(e)),
    }
}

fn tokens_from(r: &GhlTokenResponse, location_hint: Option<&str>) -> Result<OAuthTokens, GhlError> {
    let lifetime = r.expires_in().unwrap_or(Duration::from_secs(86_399));
    let location_id = r
        .extra_fields()
        .location_id
        .clone()
        .or_else(|| location_hint.map(str::to_string))
        .ok_or_else(|| {
            GhlError::Decode("/oauth/token gave no locationId (a Company token?)".into())
        })?;
    Ok(OAuthTokens {
        access_token: r.access_token().secret().clone(),
        refresh_token: r
            .refresh_token()
            .ok_or_else(|| GhlError::Decode("/oauth/token gave no refresh_token".into()))?
            .secret()
            .clone(),
        expires_at: Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or_default(),
        lifetime_secs: lifetime.as_secs(),
        scope: r
            .scopes()
            .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        location_id,
        company_id: r.extra_fields().company_id.clone(),
        reconnect_required: false,
    })
}

/// Spends the stored refresh token for a new pair.
pub(crate) async fn refresh(
    http: &reqwest::Client,
    token_url: &str,
    app: &OAuthApp,
    stored: &OAuthTokens,
) -> Result<OAuthTokens, TokenFailure> {
    let client = client(app, token_url).map_err(TokenFailure::Other)?;
    let call = |request: HttpRequest| send(http.clone(), request);
    let refresh_token = RefreshToken::new(stored.refresh_token.clone());
    let answer = client
        .exchange_refresh_token(&refresh_token)
        .add_extra_param("user_type", "Location")
        .request_async(&call)
        .await
        .map_err(failure)?;
    let mut fresh = tokens_from(&answer, Some(&stored.location_id)).map_err(TokenFailure::Other)?;
    if fresh.company_id.is_none() {
        fresh.company_id = stored.company_id.clone();
    }
    Ok(fresh)
}

/// Runs the authorization code flow: opens the browser, waits for the
/// redirect on 127.0.0.1, checks `state`, exchanges the code. The tokens
/// are returned, not stored: the caller stores them with the connection.
pub async fn authorize(
    request: &AuthorizeRequest,
    browser: &dyn Browser,
) -> Result<OAuthTokens, GhlError> {
    let listener = TcpListener::bind(("127.0.0.1", request.port))
        .await
        .map_err(|e| GhlError::Config(format!("could not listen on 127.0.0.1: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| GhlError::Config(e.to_string()))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
    let client = client(&request.app, &token_url(&request.api_base))?
        .set_auth_uri(AuthUrl::new(request.authorize_url.clone()).map_err(|e| {
            GhlError::Config(format!("authorize URL {:?}: {e}", request.authorize_url))
        })?)
        .set_redirect_uri(
            RedirectUrl::new(redirect.clone()).map_err(|e| GhlError::Config(e.to_string()))?,
        );
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(request.scopes.iter().cloned().map(Scope::new))
        .url();
    tracing::info!(%port, "waiting for GHL's redirect");
    browser
        .open(url.as_str())
        .map_err(|e| GhlError::Config(format!("could not open the browser: {e}")))?;

    let (mut stream, params) = tokio::time::timeout(request.timeout, next_callback(&listener))
        .await
        .map_err(|_| GhlError::OAuthTimeout)?
        .map_err(|e| GhlError::Unreachable(format!("loopback listener: {e}")))?;
    let outcome = check_and_exchange(&client, &params, state.secret()).await;
    let page = match &outcome {
        Ok(_) => page(
            "Conexión con GHL lista",
            "Ya puede cerrar esta pestaña y volver a Citadesk.",
            "Connected to GHL",
            "You can close this tab and go back to Citadesk.",
        ),
        Err(e) => page(
            "No se pudo conectar con GHL",
            "Vuelva a Citadesk para ver el motivo e intentar de nuevo.",
            "Could not connect to GHL",
            &format!(
                "Go back to Citadesk to see why and try again. ({})",
                e.code()
            ),
        ),
    };
    let status = if outcome.is_ok() {
        "200 OK"
    } else {
        "400 Bad Request"
    };
    let _ = respond(&mut stream, status, &page).await;
    outcome
}

async fn check_and_exchange(
    client: &GhlOAuthClient<oauth2::EndpointSet>,
    params: &HashMap<String, String>,
    expected_state: &str,
) -> Result<OAuthTokens, GhlError> {
    // The state is checked first: an answer to someone else's request is
    // refused whatever it carries.
    if params.get("state").map(String::as_str) != Some(expected_state) {
        return Err(GhlError::OAuthState);
    }
    if let Some(error) = params.get("error") {
        let detail = params.get("error_description").unwrap_or(error);
        return Err(GhlError::OAuthDenied(detail.clone()));
    }
    let code = params
        .get("code")
        .ok_or_else(|| GhlError::OAuthDenied("no code in GHL's answer".into()))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("citadesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GhlError::Config(e.to_string()))?;
    let call = |request: HttpRequest| send(http.clone(), request);
    let answer = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .add_extra_param("user_type", "Location")
        .request_async(&call)
        .await
        .map_err(|e| match failure(e) {
            TokenFailure::Grant(m) => GhlError::OAuthDenied(m),
            TokenFailure::Other(e) => e,
        })?;
    tokens_from(&answer, None)
}

/// Waits for the browser to come back to the callback path; anything else
/// (a favicon request) gets a 404 and the wait goes on.
async fn next_callback(
    listener: &TcpListener,
) -> std::io::Result<(TcpStream, HashMap<String, String>)> {
    loop {
        let (mut stream, _) = listener.accept().await?;
        let Ok(Ok(target)) =
            tokio::time::timeout(Duration::from_secs(10), request_target(&mut stream)).await
        else {
            continue;
        };
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        if path != CALLBACK_PATH {
            let _ = respond(&mut stream, "404 Not Found", "").await;
            continue;
        }
        let params = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        return Ok((stream, params));
    }
}

/// The request target of an HTTP/1.1 request (`/oauth/callback?code=…`).
async fn request_target(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or_default();
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Ok(target.to_string()),
        _ => Err(std::io::Error::other("not a GET request")),
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// The small bilingual page the browser shows after the redirect.
fn page(title_es: &str, text_es: &str, title_en: &str, text_en: &str) -> String {
    format!(
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>Citadesk</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:4rem auto\">\
         <h1>{title_es}</h1><p>{text_es}</p><hr><h2 lang=\"en\">{title_en}</h2><p lang=\"en\">{text_en}</p>\
         </body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::StandardErrorResponse;

    fn server(kind: BasicErrorResponseType, description: &str) -> TokenFailure {
        failure(RequestTokenError::ServerResponse(
            StandardErrorResponse::new(kind, Some(description.to_string()), None),
        ))
    }

    #[test]
    fn token_errors_map_to_what_to_do() {
        // A spent, revoked or expired grant: connect again.
        assert!(matches!(
            server(
                BasicErrorResponseType::InvalidGrant,
                "refresh token is invalid"
            ),
            TokenFailure::Grant(_)
        ));
        // GHL's inactive location comes with other error names: same outcome.
        assert!(matches!(
            server(
                BasicErrorResponseType::Extension("Bad Request".into()),
                "Location is not active"
            ),
            TokenFailure::Grant(_)
        ));
        assert!(matches!(
            server(BasicErrorResponseType::InvalidClient, "bad secret"),
            TokenFailure::Other(GhlError::OAuthClient(_))
        ));
        assert!(matches!(
            server(
                BasicErrorResponseType::InvalidRequest,
                "code should not be empty"
            ),
            TokenFailure::Other(GhlError::Validation { .. })
        ));
        // Transport trouble stays what it was (offline, retried later).
        assert!(matches!(
            failure(RequestTokenError::Request(GhlError::Timeout)),
            TokenFailure::Other(GhlError::Timeout)
        ));
    }

    #[test]
    fn the_page_speaks_both_languages() {
        let p = page("Hola", "texto", "Hello", "text");
        assert!(p.contains("Hola") && p.contains("Hello") && p.contains("lang=\"en\""));
    }
}
