//! OAuth: chooselocation, code exchange, rotating single-use refresh tokens,
//! expiry and revocation.

use std::collections::HashMap;
use std::time::Duration;

use ghl_sandbox::{OAuthClient, SandboxConfig};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

const CLIENT: &str = "citadesk-test-client";
const SECRET: &str = "citadesk-test-secret";
const REDIRECT: &str = "http://127.0.0.1:9/oauth/callback";

async fn start_oauth(lifetime: Duration) -> ghl_sandbox::RunningSandbox {
    start_config(SandboxConfig {
        today: Some(today()),
        oauth_clients: vec![OAuthClient {
            client_id: CLIENT.into(),
            client_secret: SECRET.into(),
            redirect_uris: vec![REDIRECT.into()],
        }],
        access_token_lifetime: lifetime,
        ..Default::default()
    })
    .await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn authorize_query(state: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", CLIENT.into()),
        ("redirect_uri", REDIRECT.into()),
        (
            "scope",
            "calendars.readonly calendars/events.write contacts.write".into(),
        ),
        ("state", state.into()),
    ]
}

/// Query pairs of a `Location` header.
fn redirected(resp: &reqwest::Response) -> HashMap<String, String> {
    assert_eq!(resp.status(), StatusCode::FOUND, "a redirect");
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn exchange(
    sandbox: &ghl_sandbox::RunningSandbox,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `exchange` as the registered client: its id and secret come first.
async fn client_exchange(
    sandbox: &ghl_sandbox::RunningSandbox,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut full = vec![("client_id", CLIENT), ("client_secret", SECRET)];
    full.extend_from_slice(form);
    exchange(sandbox, &full).await
}

/// `GET` the chooselocation page at `path` (no redirects followed).
async fn chooselocation(
    sandbox: &ghl_sandbox::RunningSandbox,
    path: &str,
    query: &[(&str, String)],
) -> reqwest::Response {
    browser()
        .get(format!("{}{path}", sandbox.base_url()))
        .query(query)
        .send()
        .await
        .unwrap()
}

async fn code_for(sandbox: &ghl_sandbox::RunningSandbox) -> String {
    let mut query = authorize_query("s1");
    query.push(("auto", "1".into()));
    let resp = chooselocation(sandbox, "/v2/oauth/chooselocation", &query).await;
    redirected(&resp)["code"].clone()
}

#[tokio::test]
async fn chooselocation_page_redirects_with_code_and_state() {
    let sandbox = start_oauth(Duration::from_secs(86_399)).await;
    for path in ["/oauth/chooselocation", "/v2/oauth/chooselocation"] {
        let page = chooselocation(&sandbox, path, &authorize_query("xyz")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Clínica Demo"), "lists the locations");
        assert!(html.contains(sandbox.location_id()));

        // The page's form, as a browser posts it.
        let mut form = authorize_query("xyz");
        form.push(("locationId", sandbox.location_id().into()));
        let resp = browser()
            .post(format!("{}{path}", sandbox.base_url()))
            .form(&form)
            .send()
            .await
            .unwrap();
        let q = redirected(&resp);
        assert_eq!(q["state"], "xyz");
        assert!(!q["code"].is_empty());
    }
    // Unknown app, unregistered redirect: an error page, no redirect.
    let mut bad = authorize_query("x");
    bad[1].1 = "someone-else".into();
    let resp = chooselocation(&sandbox, "/oauth/chooselocation", &bad).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let mut bad = authorize_query("x");
    bad[2].1 = "https://evil.example/cb".into();
    let resp = chooselocation(&sandbox, "/oauth/chooselocation", &bad).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn code_exchange_and_single_use_rotating_refresh_tokens() {
    let sandbox = start_oauth(Duration::from_secs(86_399)).await;
    let code = code_for(&sandbox).await;
    let (status, tokens) = client_exchange(
        &sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("user_type", "Location"),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_conforms("oauth", "/oauth/token", "post", 200, &tokens);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 86_399);
    assert_eq!(tokens["locationId"], sandbox.location_id());
    assert_eq!(tokens["userType"], "Location");
    assert!(tokens["userId"].is_string());

    // The access token works on GHL's API, with its own rate limits.
    let ghl = Ghl::new(&sandbox).with_token(tokens["access_token"].as_str());
    let a = ghl
        .send(
            Method::GET,
            &format!("/locations/{}", sandbox.location_id()),
            Some(CONTACTS_VERSION),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["x-ratelimit-remaining"], "99");

    // A code is single-use.
    let (status, body) = client_exchange(
        &sandbox,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    // Refresh: a new pair; the old refresh token is spent.
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let refresh = |token: String| {
        let sandbox = &sandbox;
        async move {
            client_exchange(
                sandbox,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("user_type", "Location"),
                ],
            )
            .await
        }
    };
    let (status, second) = refresh(first_refresh.clone()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_conforms("oauth", "/oauth/token", "post", 200, &second);
    assert_ne!(second["refresh_token"], tokens["refresh_token"]);
    assert_ne!(second["access_token"], tokens["access_token"]);
    let (status, reused) = refresh(first_refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reused["error"], "invalid_grant");
    // Thin spec: BadRequestDTO lacks RFC 6749's `error`/`error_description`.
    let mut plain = reused.clone();
    plain.as_object_mut().unwrap().remove("error");
    plain.as_object_mut().unwrap().remove("error_description");
    assert_conforms("oauth", "/oauth/token", "post", 400, &plain);

    // The rotated one works once; a revoked one gets invalid_grant.
    let (status, third) = refresh(second["refresh_token"].as_str().unwrap().into()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = Ghl::new(&sandbox)
        .admin_send(
            Method::POST,
            "/_sandbox/tokens/revoke",
            Some(json!({"token": third["refresh_token"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = refresh(third["refresh_token"].as_str().unwrap().into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn expired_and_revoked_access_tokens_get_401() {
    let sandbox = start_oauth(Duration::from_secs(2)).await;
    let code = code_for(&sandbox).await;
    let (_, tokens) = client_exchange(
        &sandbox,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(tokens["expires_in"], 2);
    let ghl = Ghl::new(&sandbox).with_token(tokens["access_token"].as_str());
    let path = format!("/locations/{}", sandbox.location_id());
    let (status, _) = ghl.get(&path, Some(CONTACTS_VERSION), &[]).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, body) = ghl.get(&path, Some(CONTACTS_VERSION), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"statusCode": 401, "message": "Invalid token: access token is invalid", "error": "Unauthorized"})
    );

    // Refreshing gives a working token again; revoking it ends it.
    let (_, fresh) = client_exchange(
        &sandbox,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    let ghl = ghl.with_token(fresh["access_token"].as_str());
    assert_eq!(
        ghl.get(&path, Some(CONTACTS_VERSION), &[]).await.0,
        StatusCode::OK
    );
    Ghl::new(&sandbox)
        .admin_send(
            Method::POST,
            "/_sandbox/tokens/revoke",
            Some(json!({"token": fresh["access_token"]})),
        )
        .await;
    assert_eq!(
        ghl.get(&path, Some(CONTACTS_VERSION), &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn token_endpoint_errors() {
    let sandbox = start_oauth(Duration::from_secs(60)).await;
    let (status, body) = exchange(&sandbox, &[("grant_type", "refresh_token")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_conforms("oauth", "/oauth/token", "post", 422, &body);
    let (status, body) = exchange(
        &sandbox,
        &[
            ("client_id", CLIENT),
            ("client_secret", "wrong"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    let (status, body) = client_exchange(
        &sandbox,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "never-issued"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // A code for another redirect_uri.
    let code = code_for(&sandbox).await;
    let (status, body) = client_exchange(
        &sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/elsewhere"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    sandbox.shutdown().await;
}
