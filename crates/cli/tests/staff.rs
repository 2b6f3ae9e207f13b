//! `--as`, `staff` and roles from the command line (issue #18): the first
//! connect makes a manager, a receptionist on a manager's command and a
//! wrong PIN exit 1 with their codes, and the audit names the person.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{cli_command, text};
use ghl_sandbox::{SandboxConfig, Seed};

fn run(
    d: &std::path::Path,
    token: &str,
    person: Option<(&str, &str)>,
    stdin: Option<&str>,
    args: &[&str],
) -> std::process::Output {
    let mut cmd = cli_command(d, Some(token), args);
    cmd.env_remove("CITADESK_STAFF").env_remove("CITADESK_PIN");
    if let Some((name, pin)) = person {
        cmd.env("CITADESK_STAFF", name).env("CITADESK_PIN", pin);
    }
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("run citadesk-cli");
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_acts_as_a_named_person_with_their_role() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = sb.pit();
    let gabriela = Some(("Gabriela", "9753"));
    let rosa = Some(("Rosa", "2468"));

    // Whoever connects the first location becomes its manager.
    let o = run(
        d,
        t,
        gabriela,
        None,
        &[
            "connect",
            "--base-url",
            &sb.base_url(),
            "--location-id",
            sb.location_id(),
            "--no-sync",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("first person, gerencia: Gabriela"),
        "{}",
        text(&o)
    );
    assert!(run(d, t, None, None, &["sync"]).status.success());

    // The manager adds a receptionist; her PIN comes on standard input.
    let o = run(
        d,
        t,
        gabriela,
        Some("2468\n"),
        &["staff", "add", "Rosa", "--role", "recepcion"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(d, t, None, None, &["staff", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let roles: Vec<(String, String)> = listed["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("Gabriela".into(), "gerencia".into()),
            ("Rosa".into(), "recepcion".into())
        ]
    );
    assert!(!text(&o).contains("$argon2"), "no PIN hash leaves the core");

    let o = run(d, t, None, None, &["agenda", "--json"]);
    let day: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cita = day["citas"][0]["id"].as_str().unwrap().to_string();

    // Nobody named: a write is refused and says how to name someone.
    let o = run(d, t, None, None, &["set-status", &cita, "confirmed"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("auth.sign_in_required"), "{}", text(&o));
    assert!(text(&o).contains("--as"), "{}", text(&o));

    // A wrong PIN.
    let o = run(
        d,
        t,
        Some(("Rosa", "0000")),
        None,
        &["set-status", &cita, "confirmed"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("auth.wrong_pin"), "{}", text(&o));

    // The receptionist on a manager's commands.
    for args in [
        vec!["staff", "add", "Luis"],
        vec!["staff", "reset-pin", "Gabriela"],
        vec!["disconnect", "--location-id", sb.location_id()],
    ] {
        let o = run(d, t, rosa, Some("1111\n"), &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("auth.role_required"),
            "{args:?}: {}",
            text(&o)
        );
        assert!(
            text(&o).contains("gerencia") || text(&o).contains("management"),
            "{}",
            text(&o)
        );
    }

    // Her own work passes, and the audit names her.
    let o = run(d, t, rosa, None, &["set-status", &cita, "confirmed"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(d, t, None, None, &["audit", &cita, "--json"]);
    let trail: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let actor = trail.as_array().unwrap().last().unwrap()["actor"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(actor.starts_with("Rosa (st-"), "{actor}");

    // A manager resets a forgotten PIN.
    let o = run(
        d,
        t,
        gabriela,
        Some("1357\n"),
        &["staff", "reset-pin", "rosa"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        d,
        t,
        Some(("Rosa", "1357")),
        None,
        &["set-status", &cita, "showed"],
    );
    assert!(o.status.success(), "{}", text(&o));
}
