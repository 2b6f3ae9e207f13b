//! Every request the client sends is held against the official OpenAPI
//! files: the path and method exist, each required query parameter is
//! there, no parameter is unknown, and the Version header is the one the
//! spec lists for that operation. The sandbox logs what it received.

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::{Duration, Utc};
use citadesk_ghl::{ClientConfig, EventsQuery, GhlClient, Secret};
use ghl_sandbox::{RequestRecord, SandboxConfig};
use serde_json::Value;

fn specs_dir() -> PathBuf {
    std::env::var_os("GHL_API_SPECS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ghl-api")
        })
}

/// The operation for `method` on `route` (a path template) in any app spec.
fn operation(route: &str, method: &str) -> Option<Value> {
    for file in std::fs::read_dir(specs_dir().join("apps")).expect("official specs") {
        let spec: Value =
            serde_json::from_slice(&std::fs::read(file.unwrap().path()).unwrap()).unwrap();
        let paths = spec["paths"].as_object().unwrap();
        // Parameter names in templates differ between specs and routers:
        // compare the shapes.
        let shape = |p: &str| {
            p.split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        for (path, ops) in paths {
            if shape(path) == shape(route) {
                if let Some(op) = ops.get(method.to_lowercase()) {
                    return Some(op.clone());
                }
            }
        }
    }
    None
}

fn check(rec: &RequestRecord) {
    let route = rec
        .route
        .as_deref()
        .unwrap_or_else(|| panic!("{} {} matched no route", rec.method, rec.path));
    let op = operation(route, &rec.method)
        .unwrap_or_else(|| panic!("{} {route} is not in the official specs", rec.method));
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let sent: HashSet<String> = rec
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split('=').next().unwrap().to_string())
        .collect();
    for p in &params {
        let (name, place) = (p["name"].as_str().unwrap(), p["in"].as_str().unwrap());
        let required = p["required"].as_bool().unwrap_or(false);
        match place {
            "query" if required => assert!(
                sent.contains(name),
                "{} {route}: required {name} missing",
                rec.method
            ),
            "header" if name == "Version" => {
                let allowed: Vec<&str> = p["schema"]["enum"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let version = rec.version.as_deref().unwrap_or("");
                assert!(
                    allowed.is_empty() || allowed.contains(&version),
                    "{} {route}: Version {version:?} not in {allowed:?}",
                    rec.method
                );
            }
            _ => {}
        }
    }
    let known: HashSet<&str> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in &sent {
        assert!(
            known.contains(name.as_str()),
            "{} {route}: unknown query parameter {name}",
            rec.method
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_matches_the_official_specs() {
    let sb = ghl_sandbox::start(SandboxConfig::default()).await.unwrap();
    let loc = sb.location_id().to_string();
    let c =
        GhlClient::new(ClientConfig::new(sb.base_url(), Secret::new(sb.pit())).for_location(&loc))
            .unwrap();

    let location = c.get_location(&loc).await.unwrap();
    let company = location.company_id.clone().expect("company id");
    c.search_users(&company, &loc).await.unwrap();
    let calendars = c.list_calendars(&loc).await.unwrap();
    let now = Utc::now();
    let events = c
        .list_events(&EventsQuery {
            location_id: &loc,
            calendar_id: &calendars[0].id,
            start: now - Duration::days(7),
            end: now + Duration::days(14),
        })
        .await
        .unwrap();
    let contact = events
        .iter()
        .find_map(|e| e.contact_id.clone())
        .expect("a cita with a patient");
    c.get_contact(&contact).await.unwrap();
    let one = c.get_appointment(&events[0].id).await.unwrap();
    assert_eq!(one.id, events[0].id);
    assert_eq!(one.start_time, events[0].start_time);

    // The practice: specialties, rooms and equipment, schedules, blocks.
    assert_eq!(c.list_groups(&loc).await.unwrap().len(), 1);
    let rooms = c.list_resources(&loc, "rooms").await.unwrap();
    assert_eq!(rooms.len(), 3);
    assert!(rooms.iter().all(|r| r.id.is_some() && r.places() == 1));
    c.list_resources(&loc, "equipments").await.unwrap();
    let practitioner = calendars[0].primary_user_id().unwrap().to_string();
    let schedules = c.search_schedules(&loc, &practitioner).await.unwrap();
    assert_eq!(schedules[0].calendar_ids, [calendars[0].id.clone()]);
    c.list_blocked_slots(
        &loc,
        citadesk_ghl::BlockOwner::Calendar(&calendars[0].id),
        now,
        now + Duration::days(14),
    )
    .await
    .unwrap();
    c.list_blocked_slots(
        &loc,
        citadesk_ghl::BlockOwner::User(&practitioner),
        now,
        now + Duration::days(14),
    )
    .await
    .unwrap();
    let zone = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    let mut body = citadesk_ghl::NewBlockSlot {
        location_id: loc.clone(),
        calendar_id: Some(calendars[0].id.clone()),
        assigned_user_id: None,
        title: "Reunión".into(),
        start_time: zone(now + Duration::days(30)),
        end_time: zone(now + Duration::days(30) + Duration::hours(1)),
    };
    let block = c.create_block_slot(&body).await.unwrap();
    body.title = "Reunión de equipo".into();
    let moved = c.update_block_slot(&block.id, &body).await.unwrap();
    assert_eq!(moved.title.as_deref(), Some("Reunión de equipo"));
    c.delete_event(&block.id).await.unwrap();

    let log = sb.sandbox().requests();
    assert_eq!(log.len(), 15, "one request per call");
    for rec in &log {
        assert!(matches!(rec.status, 200 | 201), "{rec:?}");
        check(rec);
    }
    sb.shutdown().await;
}

/// The body schema of `POST /oauth/token` in apps/oauth.json.
fn token_body_schema() -> Value {
    let spec: Value =
        serde_json::from_slice(&std::fs::read(specs_dir().join("apps/oauth.json")).unwrap())
            .unwrap();
    let reference = spec["paths"]["/oauth/token"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["$ref"]
        .as_str()
        .expect("a form body in the spec")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    spec["components"]["schemas"][reference].clone()
}

/// Plays the browser: the sandbox approves at once and redirects.
struct AutoApprove;

impl citadesk_ghl::Browser for AutoApprove {
    fn open(&self, url: &str) -> std::io::Result<()> {
        let url = format!("{url}&auto=1");
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    }
}

/// Reads one HTTP request (head and body) and answers a token.
async fn capture_token_request(listener: tokio::net::TcpListener) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut s, _) = listener.accept().await.unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).await.unwrap();
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if data.len() >= end + 4 + length || n == 0 {
                let body = text[end + 4..].to_string();
                let answer = r#"{"access_token":"at","token_type":"Bearer","expires_in":86399,"refresh_token":"rt","scope":"","userType":"Location","locationId":"loc1","companyId":"c1"}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                s.write_all(reply.as_bytes()).await.unwrap();
                return (head, body);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_request_matches_the_oauth_spec() {
    use citadesk_ghl::oauth::{authorize, AuthorizeRequest};
    let sb = ghl_sandbox::start(SandboxConfig {
        oauth_clients: vec![ghl_sandbox::OAuthClient::new("contract-app", "s3cret")],
        ..Default::default()
    })
    .await
    .unwrap();
    let app = citadesk_ghl::OAuthApp {
        client_id: "contract-app".into(),
        client_secret: Secret::new("s3cret"),
    };
    let chooselocation = format!("{}/oauth/chooselocation", sb.base_url());

    // Against the sandbox: the route and method exist in the spec, and no
    // Version header is sent (the spec lists none).
    authorize(
        &AuthorizeRequest::new(app.clone(), &chooselocation, &sb.base_url()),
        &AutoApprove,
    )
    .await
    .unwrap();
    let log = sb.sandbox().requests();
    let token: Vec<_> = log.iter().filter(|r| r.path == "/oauth/token").collect();
    assert_eq!(token.len(), 1);
    assert_eq!(token[0].status, 200, "{:?}", token[0]);
    assert_eq!(token[0].version, None);
    check(token[0]);

    // The body itself, captured: form-encoded, every field in the schema,
    // the required ones there, enum values allowed.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api_base = format!("http://{}", listener.local_addr().unwrap());
    let capture = tokio::spawn(capture_token_request(listener));
    authorize(
        &AuthorizeRequest::new(app, &chooselocation, &api_base),
        &AutoApprove,
    )
    .await
    .unwrap();
    let (head, body) = capture.await.unwrap();
    assert!(head.starts_with("post /oauth/token "), "{head}");
    assert!(
        head.contains("content-type: application/x-www-form-urlencoded"),
        "{head}"
    );
    assert!(!head.contains("\nversion:"), "{head}");
    let schema = token_body_schema();
    let sent: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
    for (name, value) in &sent {
        let prop = &schema["properties"][name];
        assert!(!prop.is_null(), "field {name} is not in the spec");
        if let Some(allowed) = prop["enum"].as_array() {
            assert!(
                allowed.iter().any(|a| a == value),
                "{name}={value} not in {allowed:?}"
            );
        }
    }
    for required in schema["required"].as_array().unwrap() {
        assert!(
            sent.contains_key(required.as_str().unwrap()),
            "{required} missing"
        );
    }
    assert_eq!(sent["grant_type"], "authorization_code");
    assert_eq!(sent["user_type"], "Location");
    assert!(sent.contains_key("code") && sent.contains_key("redirect_uri"));
    sb.shutdown().await;
}
