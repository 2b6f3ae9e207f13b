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

    let log = sb.sandbox().requests();
    assert_eq!(log.len(), 6, "one request per call");
    for rec in &log {
        assert_eq!(rec.status, 200, "{rec:?}");
        check(rec);
    }
    sb.shutdown().await;
}
