//! Staff and roles (issue #18), on a real replica synced from ghl-sandbox:
//! every `Desk` write against each role, PIN hashing, the slow-down and the
//! lock-out, the first person made gerencia, and the audit naming the person.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    BookingRequest, CitaAction, CoreError, DemoConnection, Desk, DeskOptions, FixRequest, NewStaff,
    PatientChoice, PatientEdit, Role, TokenKeeping,
};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};

async fn sandbox() -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

async fn desk_on(dir: &Path, sb: &RunningSandbox) -> Arc<Desk> {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.expect("first sync");
    desk
}

fn person(name: &str, role: Role, pin: &str) -> NewStaff {
    NewStaff {
        name: name.into(),
        role,
        pin: pin.into(),
        ghl_user_id: None,
    }
}

/// What the role check made of a call: refused (and why), or let through
/// (whatever the write itself then answered).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Gate {
    SignInRequired,
    RoleRequired,
    Passed,
}

fn gate<T>(r: Result<T, CoreError>) -> Gate {
    match r {
        Err(e) if e.code() == "auth.sign_in_required" => Gate::SignInRequired,
        Err(e) if e.code() == "auth.role_required" => Gate::RoleRequired,
        _ => Gate::Passed,
    }
}

/// Every write of the desk, once, as the person signed in now.
async fn every_write(desk: &Desk, sb: &RunningSandbox, round: usize) -> Vec<(&'static str, Gate)> {
    let week = desk.week_view(None).unwrap();
    let calendar = week.calendars[0].id.clone();
    let cita = week
        .citas
        .iter()
        .find(|c| c.status != "cancelled")
        .expect("the demo week has citas")
        .clone();
    let contact = cita.contact_id.clone().expect("a cita with a patient");
    let tomorrow = (chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1 + round as i64))
    .to_string();
    let settings = desk.location_settings().unwrap();
    let tomorrow_block = tomorrow.clone();
    vec![
        (
            "book",
            gate(
                desk.book(BookingRequest {
                    calendar_id: calendar.clone(),
                    patient: Some(PatientChoice::Existing {
                        contact_id: contact.clone(),
                    }),
                    date: tomorrow,
                    start: "21:00".into(),
                    duration_minutes: 30,
                    title: "Control".into(),
                    notes: None,
                    override_reason: Some("prueba de roles".into()),
                })
                .await,
            ),
        ),
        (
            "change_cita",
            gate(
                desk.change_cita(
                    &cita.id,
                    CitaAction::Status {
                        status: "confirmed".into(),
                    },
                )
                .await,
            ),
        ),
        (
            "block_time",
            gate(
                desk.block_time(citadesk_core::BlockRequest {
                    calendar_id: calendar.clone(),
                    whole_practitioner: false,
                    date: tomorrow_block.clone(),
                    start: "07:00".into(),
                    duration_minutes: 30,
                    reason: "Reunión".into(),
                })
                .await,
            ),
        ),
        (
            "move_block",
            gate(
                desk.move_block(
                    "no-such-block",
                    citadesk_core::BlockMove {
                        date: tomorrow_block.clone(),
                        start: "07:30".into(),
                        duration_minutes: 30,
                        reason: None,
                    },
                )
                .await,
            ),
        ),
        ("unblock", gate(desk.unblock("no-such-block").await)),
        (
            "update_patient",
            gate(
                desk.update_patient(
                    &contact,
                    PatientEdit {
                        first_name: None,
                        last_name: None,
                        phone: None,
                        email: Some(format!("roles{round}@example.com")),
                    },
                )
                .await,
            ),
        ),
        (
            "acknowledge_refusal",
            gate(desk.acknowledge_refusal(987_654)),
        ),
        (
            "mark_answer_handled",
            gate(desk.mark_answer_handled(987_654)),
        ),
        (
            "reschedule_answer",
            gate(desk.reschedule_answer(987_654, "2030-01-07", "09:00").await),
        ),
        (
            "apply_fixes",
            gate(
                desk.apply_fixes(
                    987_654,
                    vec![FixRequest {
                        cita_id: cita.id.clone(),
                        action: citadesk_core::FixAction::TakeGhl,
                    }],
                )
                .await,
            ),
        ),
        (
            "set_location_settings",
            gate(desk.set_location_settings(settings)),
        ),
        (
            "connect_pit",
            gate(
                desk.connect_pit(
                    &sb.base_url(),
                    "no-such-location",
                    Secret::new("pit-wrong"),
                    TokenKeeping::Environment,
                )
                .await,
            ),
        ),
        (
            "set_relay",
            gate(
                desk.set_relay(None, "http://127.0.0.1:9", None, TokenKeeping::Environment)
                    .await,
            ),
        ),
        ("clear_relay", gate(desk.clear_relay(None).await)),
        (
            "disconnect",
            gate(desk.disconnect("no-such-location").await),
        ),
        (
            "add_staff",
            gate(desk.add_staff(person(&format!("Nueva {round}"), Role::Recepcion, "1111"))),
        ),
        (
            "set_staff_role",
            gate(desk.set_staff_role("Rosa", Role::Recepcion)),
        ),
        (
            "reset_staff_pin",
            gate(desk.reset_staff_pin("Rosa", "2468")),
        ),
        (
            "set_lock_after_minutes",
            gate(desk.set_lock_after_minutes(10)),
        ),
    ]
}

const RECEPTION_WRITES: &[&str] = &[
    "book",
    "change_cita",
    "block_time",
    "move_block",
    "unblock",
    "update_patient",
    "acknowledge_refusal",
    "mark_answer_handled",
    "reschedule_answer",
];

#[tokio::test]
async fn every_write_is_checked_against_the_person_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox().await;
    let desk = desk_on(dir.path(), &sb).await;

    // No staff yet: the desk works as before (the OS user acts).
    assert!(!desk.desk_session().unwrap().sign_in_required);
    // The first person is gerencia whatever was asked, and is signed in.
    let first = desk
        .add_staff(person("Gabriela Gerente", Role::Recepcion, "9753"))
        .unwrap();
    assert_eq!(first.role, Role::Gerencia);
    let session = desk.desk_session().unwrap();
    assert!(session.sign_in_required);
    assert_eq!(
        session.person.as_ref().map(|p| p.id.as_str()),
        Some(first.id.as_str())
    );
    desk.add_staff(person("Rosa", Role::Recepcion, "2468"))
        .unwrap();

    // Nobody signed in: every write is refused.
    desk.sign_out();
    for (write, g) in every_write(&desk, &sb, 0).await {
        assert_eq!(g, Gate::SignInRequired, "{write} with nobody signed in");
    }

    // Recepción: the front desk's writes pass, the manager's are refused.
    desk.sign_in("rosa", "2468").await.unwrap();
    let matrix = every_write(&desk, &sb, 1).await;
    assert_eq!(matrix.len(), 19, "every write of the desk is in the matrix");
    for (write, g) in &matrix {
        let expected = if RECEPTION_WRITES.contains(write) {
            Gate::Passed
        } else {
            Gate::RoleRequired
        };
        assert_eq!(*g, expected, "{write} as recepción");
    }
    let refused = desk.set_lock_after_minutes(5).unwrap_err();
    assert!(
        refused
            .message(citadesk_core::Locale::EsPe)
            .contains("gerencia"),
        "{refused}"
    );

    // Gerencia: everything passes.
    desk.sign_in("Gabriela Gerente", "9753").await.unwrap();
    for (write, g) in every_write(&desk, &sb, 2).await {
        assert_eq!(g, Gate::Passed, "{write} as gerencia");
    }

    // The audit names the person (and their staff id), not the OS user.
    desk.sign_in("Rosa", "2468").await.unwrap();
    let week = desk.week_view(None).unwrap();
    let cita = week.citas.iter().find(|c| c.status != "cancelled").unwrap();
    desk.change_cita(
        &cita.id,
        CitaAction::Status {
            status: "showed".into(),
        },
    )
    .await
    .unwrap();
    let rosa = desk.desk_session().unwrap().person.unwrap();
    let audit = desk.cita_audit(&cita.id).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.actor, format!("Rosa ({})", rosa.id), "{audit:?}");

    // A role taken away counts at once, without signing out.
    desk.sign_in("Gabriela Gerente", "9753").await.unwrap();
    desk.set_staff_role("Rosa", Role::Gerencia).unwrap();
    assert_eq!(
        desk.set_staff_role("Gabriela Gerente", Role::Recepcion)
            .unwrap()
            .role,
        Role::Recepcion
    );
    let refused = desk.set_staff_role("Rosa", Role::Recepcion).unwrap_err();
    assert_eq!(refused.code(), "auth.role_required");
    // The last manager stays one.
    desk.sign_in("Rosa", "2468").await.unwrap();
    assert_eq!(
        desk.set_staff_role("Rosa", Role::Recepcion)
            .unwrap_err()
            .code(),
        "staff.last_manager"
    );
}

#[tokio::test]
async fn wrong_pins_slow_down_then_lock_the_person_out_for_longer_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox().await;
    let desk = desk_on(dir.path(), &sb).await;
    desk.add_staff(person("Gabriela", Role::Gerencia, "9753"))
        .unwrap();
    desk.add_staff(person("Rosa", Role::Recepcion, "2468"))
        .unwrap();
    desk.sign_out();

    // Kept only as an Argon2id hash.
    let row = desk.store().staff_member("Rosa").unwrap().unwrap();
    assert!(row.pin_hash.starts_with("$argon2id$"), "{}", row.pin_hash);
    assert!(!row.pin_hash.contains("2468"));

    // Bad PINs are refused before they are tried.
    assert_eq!(
        desk.add_staff(person("X", Role::Recepcion, "12"))
            .unwrap_err()
            .code(),
        "auth.sign_in_required"
    );
    assert_eq!(
        desk.sign_in("Nadie", "1234").await.unwrap_err().code(),
        "staff.not_found"
    );

    let mut waits = Vec::new();
    for left in (1..=4).rev() {
        let t = Instant::now();
        let e = desk.sign_in("Rosa", "0000").await.unwrap_err();
        waits.push(t.elapsed());
        assert_eq!(e.code(), "auth.wrong_pin");
        assert!(
            e.message(citadesk_core::Locale::En)
                .contains(&format!("{left} tries left")),
            "{e}"
        );
    }
    assert!(
        waits[3] >= std::time::Duration::from_millis(1000),
        "{waits:?}"
    );
    assert!(
        waits[3] > waits[0],
        "each wrong try answers more slowly: {waits:?}"
    );
    let locked = desk.sign_in("Rosa", "0000").await.unwrap_err();
    assert_eq!(locked.code(), "auth.locked");
    assert!(
        locked.message(citadesk_core::Locale::En).contains("1 min"),
        "{locked}"
    );
    // Locked: even the right PIN waits, and nobody is signed in.
    assert_eq!(
        desk.sign_in("Rosa", "2468").await.unwrap_err().code(),
        "auth.locked"
    );
    assert!(desk.desk_session().unwrap().person.is_none());
    // Restarting does not lift it: the tries are in the replica.
    let listed = desk.desk_session().unwrap().staff;
    assert!(listed
        .iter()
        .any(|p| p.name == "Rosa" && p.locked_until.is_some()));

    // The lock-out ends; five more wrong tries lock for twice as long.
    let row = desk.store().staff_member("Rosa").unwrap().unwrap();
    desk.store()
        .set_staff_tries(&row.id, 0, row.lockouts, Some(0))
        .unwrap();
    for _ in 0..4 {
        desk.sign_in("Rosa", "1111").await.unwrap_err();
    }
    let again = desk.sign_in("Rosa", "1111").await.unwrap_err();
    assert!(
        again.message(citadesk_core::Locale::En).contains("2 min"),
        "{again}"
    );

    // A manager resets the PIN: the lock is lifted at once.
    desk.sign_in("Gabriela", "9753").await.unwrap();
    desk.reset_staff_pin("Rosa", "1357").unwrap();
    let rosa = desk.sign_in("Rosa", "1357").await.unwrap();
    assert_eq!(rosa.role, Role::Recepcion);
    assert!(rosa.locked_until.is_none());
    // The old PIN no longer works.
    desk.sign_out();
    assert_eq!(
        desk.sign_in("Rosa", "2468").await.unwrap_err().code(),
        "auth.wrong_pin"
    );
}

#[tokio::test]
async fn staff_are_kept_across_restarts_and_names_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox().await;
    {
        let desk = desk_on(dir.path(), &sb).await;
        desk.add_staff(person("Gabriela", Role::Gerencia, "9753"))
            .unwrap();
        assert_eq!(
            desk.add_staff(person("  gabriela ", Role::Recepcion, "1234"))
                .unwrap_err()
                .code(),
            "staff.duplicate"
        );
        assert_eq!(
            desk.add_staff(person("Luis", Role::Recepcion, "12a4"))
                .unwrap_err()
                .code(),
            "staff.invalid"
        );
        assert_eq!(
            desk.add_staff(NewStaff {
                ghl_user_id: Some("not-a-user".into()),
                ..person("Luis", Role::Recepcion, "1234")
            })
            .unwrap_err()
            .code(),
            "staff.invalid"
        );
    }
    // A new process: the staff are there, nobody is signed in.
    let desk = desk_on(dir.path(), &sb).await;
    let session = desk.desk_session().unwrap();
    assert!(session.sign_in_required);
    assert!(session.person.is_none());
    assert_eq!(session.staff.len(), 1);
    assert!(
        !session.ghl_users.is_empty(),
        "the location's GHL users can be linked"
    );
    let user = session.ghl_users[0].id.clone();
    desk.sign_in("Gabriela", "9753").await.unwrap();
    let luis = desk
        .add_staff(NewStaff {
            ghl_user_id: Some(user.clone()),
            ..person("Luis", Role::Recepcion, "1234")
        })
        .unwrap();
    assert_eq!(luis.ghl_user_id, Some(user));
    assert_eq!("Recepción".parse::<Role>().unwrap(), Role::Recepcion,);
    assert_eq!("jefe".parse::<Role>().unwrap_err().code(), "staff.invalid");
}
