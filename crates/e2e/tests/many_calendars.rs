//! A clinic with many calendars: the day of 20 calendars scrolls sideways,
//! and only the citas of the calendars on screen (and one each side) are
//! drawn. Scrolling to a far calendar draws its citas, each under its own
//! column.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use citadesk_e2e::week::{assert_citas_shown, todays_citas, Expected, GRID_CITA};
use citadesk_e2e::*;

#[tokio::test]
async fn the_day_of_twenty_calendars_draws_a_far_calendar_when_scrolled_to() {
    if !enabled() {
        eprintln!("skipped: set CITADESK_E2E=1 (scripts/test.sh does) to drive the real window");
        return;
    }
    let home = TestHome::new();
    let sandbox = Sandbox::start_seeded(free_port(), "large");
    connect(&home, &sandbox);
    let today = todays_citas(&sandbox).await;

    let app = App::launch_online(&home).await;
    app.wait_for("[data-resource-id]", Duration::from_secs(30))
        .await;
    // The columns in the order they are drawn.
    let columns: Vec<String> = serde_json::from_value(
        app.driver
            .execute(
                r#"return Array.from(document.querySelectorAll("[data-resource-id]"))
                          .map((e) => e.dataset.resourceId);"#,
                vec![],
            )
            .await
            .unwrap()
            .json()
            .clone(),
    )
    .expect("column ids");
    assert_eq!(columns.len(), 20, "one column per calendar: {columns:?}");
    let of = |calendar: &str| -> BTreeMap<String, Expected> {
        today
            .iter()
            .filter(|(_, e)| e.calendar_id == calendar)
            .map(|(id, e)| (id.clone(), e.clone()))
            .collect()
    };
    let (first, last) = (&columns[0], &columns[19]);
    let (near, far) = (of(first), of(last));
    assert!(
        !near.is_empty() && !far.is_empty(),
        "the large seed books every calendar every day"
    );

    // On screen at start: the first calendar's citas, drawn in its column.
    assert_citas_shown(&app, &near).await;
    // The first screen may be painted with the patients' names alone; every
    // box is drawn whole right after, and none stays half drawn.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let boxes: (u64, u64) = serde_json::from_value(
            app.driver
                .execute(
                    r#"return [document.querySelectorAll(".cita-content[data-name-only]").length,
                               document.querySelectorAll(".cita-content[data-cita-id]").length];"#,
                    vec![],
                )
                .await
                .unwrap()
                .json()
                .clone(),
        )
        .expect("box counts");
        if boxes.0 == 0 && boxes.1 > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "boxes drawn with the name alone (name-only, whole): {boxes:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("many-01-first-calendars").await;
    // The far calendar's citas are not drawn until it is scrolled to.
    let far_drawn = || async {
        app.driver
            .find_all(thirtyfour::By::Css(format!(
                "{GRID_CITA}[data-calendar-id='{last}']"
            )))
            .await
            .unwrap()
            .len()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while far_drawn().await > 0 {
        assert!(
            Instant::now() < deadline,
            "the citas of a calendar far off screen are drawn"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Scrolled sideways to the last calendar, as a person would.
    app.driver
        .execute(
            r#"document.querySelector(`[data-resource-id="${arguments[0]}"]`)
                 .scrollIntoView({ block: "nearest", inline: "center" });"#,
            vec![serde_json::json!(last)],
        )
        .await
        .unwrap();
    assert_citas_shown(&app, &far).await;
    app.screenshot("many-02-scrolled-to-last").await;
    app.quit().await;
}
