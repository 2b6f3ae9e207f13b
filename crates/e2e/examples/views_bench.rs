//! The month and the list in the real window on ghl-sandbox's large seed
//! (20 calendars, 40 citas a day each over 31 days: 24,800 citas), each
//! from the click to the drawn frame: the month of 20 calendars opened
//! (Mes) and stepped (next month and back); the list opened (Lista), its
//! range widened to every cita of the seed, sorted by patient, and scrolled
//! to its middle. Writes target/bench/calendar_views.json.
//!
//! Needs what the e2e tests need (built binaries, tauri-driver, a display,
//! a Secret Service); scripts/bench.sh runs it:
//! `cargo run -p citadesk-e2e --example views_bench -- [RUNS]`.

use std::time::Duration;

use citadesk_e2e::*;
use serde_json::{json, Value};

/// In the page: runs `act` (a click, a typed value, a scroll), then waits
/// frame by frame until `ready` finds an element whose `data-loads` passed
/// the count before the act (or, without `counter`, until `ready` finds
/// one), then one more frame: that frame is drawn. Answers the milliseconds
/// and the core's own time for the data (`data-core-ms`) when given.
const MEASURE: &str = r#"
const [act, target, value, ready, counter] = arguments;
const done = arguments[arguments.length - 1];
const loadsOf = () => Number(document.querySelector(counter)?.getAttribute("data-loads") ?? 0);
const before = counter ? loadsOf() : 0;
const t0 = performance.now();
const el = document.querySelector(target);
if (!el) { done({ error: "nothing to act on: " + target }); return; }
if (act === "click") el.click();
else if (act === "input") { el.value = value; el.dispatchEvent(new Event("input", { bubbles: true })); }
else if (act === "scroll") el.scrollTop = Number(value);
function check() {
  const found = document.querySelector(ready);
  if (found && (!counter || loadsOf() > before)) {
    requestAnimationFrame(() => done({
      ms: performance.now() - t0,
      core_ms: Number(document.querySelector(counter || ready)?.getAttribute("data-core-ms") || NaN),
      total: Number(document.querySelector("[data-testid='list-page']")?.getAttribute("data-total") ?? NaN),
    }));
    return;
  }
  if (performance.now() - t0 > 60000) { done({ error: "not drawn in 60 s: " + ready }); return; }
  requestAnimationFrame(check);
}
requestAnimationFrame(check);
"#;

async fn measure(
    app: &App,
    act: &str,
    target: &str,
    value: &str,
    ready: &str,
    counter: &str,
) -> Value {
    let ret = app
        .driver
        .execute_async(
            MEASURE,
            vec![
                json!(act),
                json!(target),
                json!(value),
                json!(ready),
                json!(counter),
            ],
        )
        .await
        .unwrap_or_else(|e| panic!("{act} {target}: {e}"));
    let v = ret.json().clone();
    assert!(v.get("error").is_none(), "{act} {target}: {v}");
    v
}

fn summary(runs: &[Value]) -> Value {
    let mut ms: Vec<f64> = runs.iter().filter_map(|r| r["ms"].as_f64()).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let mut core: Vec<f64> = runs.iter().filter_map(|r| r["core_ms"].as_f64()).collect();
    core.sort_by(|a, b| a.total_cmp(b));
    json!({
        "runs": runs,
        "ms_median": ms.get(ms.len() / 2),
        "ms_max": ms.last(),
        "core_ms_median": core.get(core.len() / 2),
    })
}

const MONTH: &str = "[data-testid='month-page']";
const LIST: &str = "[data-testid='list-page']";
const MONTH_DRAWN: &str =
    "[data-testid='month-page'][data-loaded='true'] [data-testid='month-day']";
const LIST_DRAWN: &str =
    "[data-testid='list-page'][data-loaded='true'] [data-testid='list-row']:not([data-id=''])";

#[tokio::main]
async fn main() {
    let runs = std::env::args()
        .nth(1)
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(5);
    let home = TestHome::new();
    let sandbox = Sandbox::start_seeded(free_port(), "large");
    connect(&home, &sandbox);
    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(180),
    )
    .await;
    app.wait_for(".ec-event.cita", Duration::from_secs(60))
        .await;
    let calendars: Value = app
        .driver
        .execute(
            "return document.querySelectorAll('[data-resource-id]').length;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();

    // The month of 20 calendars: Mes from the desk (a new page each time).
    let mut open_month = Vec::new();
    let mut step_month = Vec::new();
    for _ in 0..runs {
        open_month.push(
            measure(
                &app,
                "click",
                "[data-testid='view-month']",
                "",
                MONTH_DRAWN,
                "",
            )
            .await,
        );
        step_month.push(
            measure(
                &app,
                "click",
                "[data-testid='month-next']",
                "",
                MONTH_DRAWN,
                MONTH,
            )
            .await,
        );
        step_month.push(
            measure(
                &app,
                "click",
                "[data-testid='month-prev']",
                "",
                MONTH_DRAWN,
                MONTH,
            )
            .await,
        );
        app.click_testid("view-month").await; // back to the desk
        app.wait_for(
            "[data-testid='app'][data-page='desk']",
            Duration::from_secs(10),
        )
        .await;
    }
    app.screenshot("bench-month").await;

    // The list: Lista (today and 30 days ahead), then every cita of the
    // seed (from yesterday), sorted by patient, scrolled to the middle.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let mut open_list = Vec::new();
    let mut whole_range = Vec::new();
    let mut sort = Vec::new();
    let mut scroll = Vec::new();
    for _ in 0..runs {
        open_list.push(
            measure(
                &app,
                "click",
                "[data-testid='view-list']",
                "",
                LIST_DRAWN,
                "",
            )
            .await,
        );
        whole_range.push(
            measure(
                &app,
                "input",
                "[data-testid='list-from']",
                &yesterday,
                LIST_DRAWN,
                LIST,
            )
            .await,
        );
        sort.push(
            measure(
                &app,
                "click",
                "[data-testid='list-sort-patient']",
                "",
                LIST_DRAWN,
                LIST,
            )
            .await,
        );
        let total = whole_range.last().unwrap()["total"].as_f64().unwrap_or(0.0);
        let middle = (total / 2.0).floor() * 34.0;
        let row = format!(
            "[data-testid='list-row'][aria-rowindex='{}']:not([data-id=''])",
            (total / 2.0).floor() as i64 + 2
        );
        scroll.push(
            measure(
                &app,
                "scroll",
                "[data-testid='list-scroller']",
                &middle.to_string(),
                &row,
                "",
            )
            .await,
        );
        app.click_testid("view-list").await; // back to the desk
        app.wait_for(
            "[data-testid='app'][data-page='desk']",
            Duration::from_secs(10),
        )
        .await;
    }
    let rows = whole_range
        .last()
        .map(|r| r["total"].clone())
        .unwrap_or_default();
    app.screenshot("bench-list").await;
    app.quit().await;

    let report = json!({
        "benchmark": "calendar_views",
        "when": chrono::Utc::now().to_rfc3339(),
        "binaries": bin_dir().display().to_string(),
        "seed": "large",
        "calendars": calendars,
        "list_rows": rows,
        "target_ms": 300,
        "note": "click (or typed value, or scroll) to the next drawn frame in the real window (debug build, Xvfb); core_ms is the core's own time for the data",
        "month_open": summary(&open_month),
        "month_step": summary(&step_month),
        "list_open_30_days": summary(&open_list),
        "list_every_cita": summary(&whole_range),
        "list_sort_by_patient": summary(&sort),
        "list_scroll_to_middle": summary(&scroll),
    });
    let dir = workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("calendar_views.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    eprintln!("wrote {}", path.display());
    sandbox.stop();
}
