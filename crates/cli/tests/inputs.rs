//! What citadesk-cli refuses and how it says so (issue #14): bounded
//! numbers and dates, statuses by name, one language per run, the keychain
//! really reached, unknown patients and refusals, and the smaller fixes.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{cli, cli_command, text};
use ghl_sandbox::{RateLimits, RunningSandbox, SandboxConfig, Seed};

async fn connected(d: &std::path::Path, config: SandboxConfig) -> RunningSandbox {
    let sb = ghl_sandbox::start(config).await.unwrap();
    let base = sb.base_url();
    let connect = [
        "connect",
        "--base-url",
        base.as_str(),
        "--location-id",
        sb.location_id(),
    ];
    let o = cli(d, Some(sb.pit()), &connect);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(d, Some(sb.pit()), &["sync"]);
    assert!(o.status.success(), "{}", text(&o));
    sb
}

fn demo() -> SandboxConfig {
    SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    }
}

fn refused_with(o: &Output, code: &str) {
    assert_eq!(o.status.code(), Some(1), "{}", text(o));
    assert!(text(o).contains(code), "{code} expected: {}", text(o));
}

/// The calendar and patient of the first cita on today's agenda.
fn first_cita(d: &std::path::Path, t: Option<&str>) -> (String, String) {
    let day: serde_json::Value =
        serde_json::from_slice(&cli(d, t, &["agenda", "--json"]).stdout).unwrap();
    let cita = &day["citas"][0];
    let field = |k: &str| cita[k].as_str().unwrap().to_string();
    (field("calendarId"), field("contactId"))
}

/// `book` for a known patient, plus `extra`.
fn book(
    d: &std::path::Path,
    t: Option<&str>,
    (calendar, patient): &(String, String),
    date: &str,
    start: &str,
    extra: &[&str],
) -> Output {
    let mut args = vec![
        "book",
        "--calendar",
        calendar,
        "--date",
        date,
        "--start",
        start,
        "--patient",
        patient,
    ];
    args.extend_from_slice(extra);
    cli(d, t, &args)
}

fn days_ahead(n: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(n))
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_dates_and_formats_from_outside_are_refused_not_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(d, demo()).await;
    let t = Some(sb.pit());

    // An unknown format is refused (it printed the text report, exit 0).
    let o = cli(d, t, &["reconcile", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("xml"), "{}", text(&o));

    // Day counts: "TimeDelta::days out of bounds" aborted the process.
    for (flag, value) in [
        ("--days-back", "999999999999"),
        ("--days-back", "-5"),
        ("--days-ahead", "9223372036854775807"),
    ] {
        let o = cli(d, t, &["reconcile", flag, value]);
        refused_with(&o, "input.invalid_window");
    }
    // Dates at chrono's edge.
    for date in ["262142-12-31", "+262142-12-31", "1500-01-01"] {
        let o = cli(d, t, &["agenda", "--date", date]);
        refused_with(&o, "input.invalid_date");
        let o = cli(d, t, &["reconcile", "--date", date]);
        refused_with(&o, "input.invalid_date");
    }

    let known = first_cita(d, t);
    let date = days_ahead(3);
    let at_six = |extra: &[&str]| book(d, t, &known, &date, "06:00", extra);
    // A negative duration parses (it said "unexpected argument '-3'"), then is refused.
    for minutes in ["-30", "0", "99999999999999", "-9223372036854775808"] {
        let o = at_six(&["--duration", minutes, "--override", "x"]);
        refused_with(&o, "input.invalid_duration");
    }
    // Warnings name the flag that goes past them, without a doubled period.
    let o = at_six(&["--duration", "30"]);
    refused_with(&o, "booking.override_required");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--override"), "{err}");
    assert!(!err.contains(".."), "{err}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_by_name_moves_keep_their_length_and_unknowns_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(d, demo()).await;
    let t = Some(sb.pit());
    let known = first_cita(d, t);
    let date = days_ahead(4);
    let o = book(
        d,
        t,
        &known,
        &date,
        "06:00",
        &["--duration", "45", "--override", "temprano", "--json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = out["cita"]["id"].as_str().unwrap().to_string();

    // Spanish names, the old form and the new verb.
    let o = cli(d, t, &["status", &id, "confirmada"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("(confirmed)"), "{}", text(&o));
    let o = cli(d, t, &["set-status", &id, "asistió"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("(showed)"), "{}", text(&o));
    let o = cli(d, t, &["set-status", &id, "no-show"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("(noshow)"), "{}", text(&o));
    let o = cli(d, t, &["set-status", &id, "cancelada"]);
    refused_with(&o, "cita.invalid_status");
    assert!(text(&o).contains("cancel "), "{}", text(&o));
    let o = cli(d, t, &["set-status", &id, "tal-vez"]);
    refused_with(&o, "cita.invalid_status");

    // A move without --duration keeps the 45 minutes.
    let o = cli(
        d,
        t,
        &[
            "move",
            &id,
            "--date",
            &date,
            "--start",
            "06:30",
            "--override",
            "igual",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("06:30:00-07:15"), "{}", text(&o));

    // An unknown cita's audit is an error, not silence.
    let o = cli(d, t, &["audit", "no-such-cita"]);
    refused_with(&o, "cita.not_found");
    let o = cli(d, t, &["audit", &id]);
    assert!(o.status.success(), "{}", text(&o));

    // An unknown patient is refused before anything is queued or sent.
    let before = sb.sandbox().requests().len();
    let unknown = (known.0.clone(), "no-such-patient".to_string());
    let o = book(d, t, &unknown, &date, "10:00", &[]);
    refused_with(&o, "patient.not_found");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("GHL"),
        "{}",
        text(&o)
    );
    assert_eq!(sb.sandbox().requests().len(), before, "GHL was called");
    let status: serde_json::Value =
        serde_json::from_slice(&cli(d, t, &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["pendingWrites"], 0);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_listed_and_cleared_and_doctor_points_at_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(d, demo()).await;
    let t = Some(sb.pit());
    let known = first_cita(d, t);
    // Deleted in GHL's UI, still in the replica: GHL refuses the booking.
    sb.edit_in_ghl_ui(
        reqwest::Method::DELETE,
        &format!("/contacts/{}", known.1),
        None,
    )
    .await;
    let o = book(d, t, &known, &days_ahead(5), "06:00", &["--override", "x"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    let o = cli(d, t, &["doctor"]);
    assert!(text(&o).contains("citadesk-cli refusals"), "{}", text(&o));
    let o = cli(d, t, &["refusals", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["outboxId"].as_i64().unwrap().to_string();
    let o = cli(d, t, &["refusals"]);
    assert!(text(&o).contains(&id), "{}", text(&o));

    refused_with(
        &cli(d, t, &["refusals", "ack", "424242"]),
        "outbox.refusal_not_found",
    );
    let o = cli(d, t, &["refusals", "ack", &id]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(d, t, &["refusals", "--json"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_language_per_run_for_output_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(d, demo()).await;
    let t = Some(sb.pit());
    let run = |lang: &[(&str, &str)], args: &[&str]| {
        let mut cmd = cli_command(d, t, args);
        for (k, v) in lang {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };

    // --lang wins over the environment.
    let o = run(&[("LANG", "en_US.UTF-8")], &["--lang", "es", "sync"]);
    assert!(text(&o).contains("sincronizada"), "{}", text(&o));
    let o = run(&[("LANG", "en_US.UTF-8")], &["--lang", "es", "audit", "x"]);
    assert!(text(&o).contains("ya no está"), "{}", text(&o));
    // LANG / LC_ALL: es* is Spanish, output and errors alike.
    let o = run(&[("LANG", "es_PE.UTF-8")], &["sync"]);
    assert!(text(&o).contains("sincronizada"), "{}", text(&o));
    let o = run(
        &[("LC_ALL", "es_PE.UTF-8")],
        &["agenda", "--date", "mañana"],
    );
    assert!(text(&o).contains("Fecha no válida"), "{}", text(&o));
    // English: errors too (they were Spanish while the output was English).
    let o = run(&[("LANG", "en_US.UTF-8")], &["sync"]);
    assert!(text(&o).contains("synced"), "{}", text(&o));
    let o = run(&[("LANG", "en_US.UTF-8")], &["audit", "x"]);
    assert!(
        text(&o).contains("no longer in the local agenda"),
        "{}",
        text(&o)
    );
    // Unset: the app's saved language (Spanish by default).
    let mut cmd = cli_command(d, t, &["sync"]);
    cmd.env_remove("LANG");
    let o = cmd.output().unwrap();
    assert!(text(&o).contains("sincronizada"), "{}", text(&o));
    refused_with(&run(&[], &["--lang", "fr", "sync"]), "fr");

    // Logs on a stderr that is not a terminal carry no colour codes.
    let o = run(&[("CITADESK_LOG", "info")], &["sync"]);
    assert!(!o.stderr.is_empty(), "some log lines expected");
    assert!(!o.stderr.contains(&0x1b), "{}", text(&o));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_refuses_no_token_and_plain_http_to_a_remote_host() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = ghl_sandbox::start(demo()).await.unwrap();
    let base = sb.base_url();
    let piped = |args: &[&str], stdin: &str| {
        let mut child = cli_command(d, None, args)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let pit = |base: &str, stdin: &str| {
        piped(
            &[
                "connect",
                "--base-url",
                base,
                "--location-id",
                sb.location_id(),
            ],
            stdin,
        )
    };
    // Nothing on stdin: no token was given (it said the token expired).
    let o = pit(&base, "");
    refused_with(&o, "input.token_required");
    assert!(text(&o).contains("No token was given"), "{}", text(&o));
    // Plain http to another host: refused before the token leaves.
    refused_with(&pit("http://ghl.invalid", sb.pit()), "input.insecure_url");
    let oauth = [
        "connect",
        "--oauth",
        "--client-id",
        "app",
        "--base-url",
        "http://ghl.invalid",
    ];
    refused_with(&piped(&oauth, "secret"), "input.insecure_url");
    // Loopback http (the sandbox) still connects.
    let o = pit(&base, sb.pit());
    assert!(o.status.success(), "{}", text(&o));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reads_lifted_limits_as_no_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(
        d,
        SandboxConfig {
            seed: Seed::Demo,
            rate_limits: RateLimits::unlimited(),
            ..Default::default()
        },
    )
    .await;
    let o = cli(d, Some(sb.pit()), &["doctor"]);
    let out = text(&o);
    assert!(out.contains("no burst limit"), "{out}");
    assert!(out.contains("no daily limit"), "{out}");
    assert!(!out.contains("4294967"), "{out}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_service_doctor_fails_the_keychain_and_sync_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = connected(d, demo()).await;
    let no_bus = |args: &[&str], lang: &str| {
        cli_command(d, None, args)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/citadesk-bus",
            )
            .env("LANG", lang)
            .output()
            .unwrap()
    };
    let o = no_bus(&["doctor"], "en_US.UTF-8");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    let line = out
        .lines()
        .find(|l| l.contains("keychain"))
        .unwrap_or_default();
    assert!(line.starts_with("FAIL"), "{out}");
    assert!(line.contains("CITADESK_GHL_TOKEN"), "{out}");
    for lang in ["es_PE.UTF-8", "en_US.UTF-8"] {
        let o = no_bus(&["sync"], lang);
        refused_with(&o, "keychain.unavailable");
        assert!(
            text(&o).contains("CITADESK_GHL_TOKEN"),
            "{lang}: {}",
            text(&o)
        );
    }
    sb.shutdown().await;
}
