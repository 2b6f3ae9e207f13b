//! The yardstick: a Tauri window with one line of HTML that reports its first
//! paint exactly as Citadesk does (`ui_ready`, epoch ms into the file named
//! by CITADESK_BENCH_READY_FILE).

#[tauri::command]
fn ui_ready() {
    if let Ok(path) = std::env::var("CITADESK_BENCH_READY_FILE") {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let _ = std::fs::write(path, now.to_string());
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("hello world runs");
}
