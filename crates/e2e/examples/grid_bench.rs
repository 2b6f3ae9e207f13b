//! Frames per second of the real window, with WebKit's hardware
//! acceleration off (the app's default) and on (`CITADESK_WEBKIT_ACCELERATION=1`):
//! scrolling the day of 20 calendars (ghl-sandbox's large seed) sideways and
//! down, and dragging a cita about (dropped back where it was, so nothing is
//! moved). Writes target/bench/webview_fps.json.
//!
//! Needs what the e2e tests need (built binaries, tauri-driver, a display,
//! a Secret Service); scripts/bench.sh runs it:
//! `cargo run -p citadesk-e2e --example grid_bench -- [SECONDS]`.

use std::time::Duration;

use citadesk_e2e::*;
use serde_json::{json, Value};

/// One measurement in the page: `kind` "scroll" or "drag" for `ms`; every
/// animation frame scrolls the grid (or moves the pointer) a step, and the
/// frames' times give the rate. The drag ends where it began (no drop).
const MEASURE: &str = r#"
const [kind, ms] = arguments;
const done = arguments[arguments.length - 1];
const main = document.querySelector(".ec-main");
const pointer = (type, x, y) => new PointerEvent(type, {
  bubbles: true, cancelable: true, isPrimary: true, pointerType: "mouse",
  button: 0, buttons: type === "pointerup" ? 0 : 1, clientX: x, clientY: y,
});
let from = null;
if (kind === "drag") {
  const box = Array.from(document.querySelectorAll(".ec-event.cita:not(.cita-cancelled)"))
    .find((el) => { const r = el.getBoundingClientRect(); return r.top > 150 && r.bottom < innerHeight - 150 && r.left > 80 && r.right < innerWidth - 150; });
  if (!box) { done({ error: "no cita on screen to drag" }); return; }
  const r = box.getBoundingClientRect();
  from = { x: r.left + r.width / 2, y: r.top + Math.min(6, r.height / 2), el: box };
  box.dispatchEvent(pointer("pointerdown", from.x, from.y));
}
const times = [];
let step = 0, dragged = false;
const t0 = performance.now();
function frame(now) {
  times.push(now);
  step += 1;
  if (kind === "scroll") {
    const wide = Math.max(1, main.scrollWidth - main.clientWidth);
    const tall = Math.max(1, main.scrollHeight - main.clientHeight);
    main.scrollLeft = (step * 16) % wide;
    main.scrollTop = (step * 6) % tall;
  } else {
    const x = from.x + 90 * Math.sin(step / 9), y = from.y + 140 * Math.sin(step / 13);
    document.dispatchEvent(pointer("pointermove", x, y));
    dragged = dragged || !!document.querySelector(".ec-dragging, .ec-preview");
  }
  if (now - t0 < ms) { requestAnimationFrame(frame); return; }
  if (kind === "drag") {
    document.dispatchEvent(pointer("pointermove", from.x, from.y));
    document.dispatchEvent(pointer("pointerup", from.x, from.y));
  }
  const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const span = times[times.length - 1] - times[0];
  done({
    frames: gaps.length,
    fps: gaps.length * 1000 / span,
    frame_ms_p50: gaps[Math.floor(gaps.length / 2)],
    frame_ms_p95: gaps[Math.floor(gaps.length * 0.95)],
    frame_ms_max: gaps[gaps.length - 1],
    drag_started: kind === "drag" ? dragged : undefined,
  });
}
requestAnimationFrame(frame);
"#;

async fn measure(app: &App, kind: &str, ms: u64) -> Value {
    let ret = app
        .driver
        .execute_async(MEASURE, vec![json!(kind), json!(ms)])
        .await
        .unwrap_or_else(|e| panic!("{kind} measurement: {e}"));
    let v = ret.json().clone();
    assert!(v.get("error").is_none(), "{kind}: {v}");
    v
}

/// One window with `env`: the day of every calendar, settled, then two
/// scroll and two drag measurements (the better of each: the first may pay
/// for drawing boxes for the first time).
async fn variant(home: &TestHome, env: &[(&str, &str)], ms: u64) -> Value {
    let app = App::launch(home, env).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(90),
    )
    .await;
    app.wait_for(".ec-event.cita", Duration::from_secs(30))
        .await;
    // The view with every calendar (the default for 20 of them), whatever was saved.
    app.click_testid("view-day").await;
    app.wait_for("[data-view='day'] .ec-event.cita", Duration::from_secs(30))
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let columns: Value = app
        .driver
        .execute(
            "return document.querySelectorAll('[data-resource-id]').length;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    let best = |a: Value, b: Value| {
        if a["fps"].as_f64() >= b["fps"].as_f64() {
            a
        } else {
            b
        }
    };
    let scroll = best(
        measure(&app, "scroll", ms).await,
        measure(&app, "scroll", ms).await,
    );
    let drag = best(
        measure(&app, "drag", ms).await,
        measure(&app, "drag", ms).await,
    );
    app.quit().await;
    json!({ "calendars": columns, "scroll": scroll, "drag": drag })
}

#[tokio::main]
async fn main() {
    let ms = std::env::args()
        .nth(1)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(3)
        * 1000;
    let home = TestHome::new();
    let sandbox = Sandbox::start_seeded(free_port(), "large");
    connect(&home, &sandbox);
    // Alternated, twice: a warm-up order effect shows as a spread.
    let mut off = Vec::new();
    let mut on = Vec::new();
    for _ in 0..2 {
        off.push(variant(&home, &[], ms).await);
        on.push(variant(&home, &[("CITADESK_WEBKIT_ACCELERATION", "1")], ms).await);
        eprintln!(
            "acceleration off: {}\nacceleration on: {}",
            off.last().unwrap(),
            on.last().unwrap()
        );
    }
    let report = json!({
        "benchmark": "webview_fps",
        "when": chrono::Utc::now().to_rfc3339(),
        "binaries": bin_dir().display().to_string(),
        "seed": "large",
        "view": "day of every calendar",
        "measure_s": ms / 1000,
        "note": "frames per second of requestAnimationFrame while the grid scrolls (16 px right, 6 px down a frame) or a cita is dragged (pointer events each frame); Xvfb, no GPU",
        "acceleration_off_default": off,
        "acceleration_on_env": { "env": "CITADESK_WEBKIT_ACCELERATION=1", "runs": on },
    });
    let dir = workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("webview_fps.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    eprintln!("wrote {}", path.display());
    sandbox.stop();
}
