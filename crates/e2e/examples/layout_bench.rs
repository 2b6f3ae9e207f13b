//! Draw time of the candidate week layouts for a clinic of 5 and 10
//! calendars, in the app's own web view (WebKitGTK, Xvfb): EventCalendar
//! mounted with a week shaped like ghl-sandbox's large seed (40 citas a day
//! per calendar) and the app's own cita boxes, from mount to the second
//! frame after. Layouts: calendars outer with their days inside (today's
//! week view, which needs a picker past 3), days outer with the calendars
//! inside, a timeline (a row per calendar), one calendar's week (a quick
//! switch between practitioners), and the app's own team week (a row per
//! calendar, each day's citas as a list: no time grid, no EventCalendar),
//! the view kept for 4 to 12 calendars. Writes target/bench/week_layouts.json.
//!
//! The page is built apart from the app (`cd ui && npx vite build -c
//! vite.bench.config.ts`, into target/layout-bench/) and served here on
//! loopback; scripts/bench.sh does both:
//! `cargo run -p citadesk-e2e --example layout_bench -- [REPEATS [LAYOUT]]`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use citadesk_e2e::*;
use serde_json::{json, Value};

const LAYOUTS: [&str; 5] = [
    "calendars-outer",
    "days-outer",
    "timeline",
    "one-calendar",
    "team",
];

/// A static file server for the built page, on loopback, for the run.
fn serve(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Headers are not needed: read them off.
            let mut h = String::new();
            while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                h.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/");
            let rel = path.split('?').next().unwrap_or("").trim_start_matches('/');
            let file = dir.join(if rel.is_empty() {
                "layout-bench.html"
            } else {
                rel
            });
            let ok = !rel.contains("..") && file.is_file();
            let body = if ok {
                std::fs::read(&file).unwrap_or_default()
            } else {
                Vec::new()
            };
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html",
                Some("js") => "text/javascript",
                Some("css") => "text/css",
                _ => "application/octet-stream",
            };
            let status = if ok { "200 OK" } else { "404 Not Found" };
            let mut s = &stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    port
}

#[tokio::main]
async fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    // A second argument draws that layout only (while working on one).
    let only = std::env::args().nth(2);
    let page = workspace_root().join("target").join("layout-bench");
    assert!(
        page.join("layout-bench.html").is_file(),
        "build the page first: cd ui && npx vite build -c vite.bench.config.ts"
    );
    let port = serve(page);
    // The app's own window; no GHL needed: the page brings its own week.
    let home = TestHome::new();
    let app = App::launch(&home, &[]).await;
    let mut results = Vec::new();
    for calendars in [5, 10] {
        for layout in LAYOUTS
            .into_iter()
            .filter(|l| only.as_deref().is_none_or(|o| o == *l))
        {
            let mut runs: Vec<Value> = Vec::new();
            for _ in 0..repeats {
                // A fresh page each time: no warm JIT or style caches from the last layout.
                app.driver
                    .goto(format!("http://127.0.0.1:{port}/layout-bench.html"))
                    .await
                    .unwrap();
                let r = app
                    .driver
                    .execute_async(
                        "const [l, n] = arguments; const done = arguments[arguments.length - 1];
                         const go = () => window.layoutBench
                           ? window.layoutBench(l, n).then(done, (e) => done({ error: String(e) + ' ' + (e && e.stack) }))
                           : setTimeout(go, 20);
                         go();",
                        vec![json!(layout), json!(calendars)],
                    )
                    .await
                    .unwrap()
                    .json()
                    .clone();
                assert!(r.get("error").is_none(), "{layout} × {calendars}: {r}");
                runs.push(r);
            }
            let mut ms: Vec<f64> = runs.iter().filter_map(|r| r["ms"].as_f64()).collect();
            ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let last = runs.last().cloned().unwrap_or_default();
            eprintln!("{layout} × {calendars}: {ms:?} ms, {last}");
            results.push(json!({
                "layout": layout,
                "calendars": calendars,
                "draw_ms_median": ms[ms.len() / 2],
                "draw_ms_runs": ms,
                "boxes_drawn": last["boxes"],
                "scroll_width_px": last["width"],
            }));
        }
    }
    app.quit().await;
    let report = json!({
        "benchmark": "week_layouts",
        "when": chrono::Utc::now().to_rfc3339(),
        "window": "the app's web view, 1280x800, Xvfb",
        "week": "7 days × 40 citas a day per calendar (the large seed's density), 07:00-21:00, normal rows",
        "repeats": repeats,
        "results": results,
    });
    let dir = workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("week_layouts.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}
