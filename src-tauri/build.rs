//! tauri.conf.json lives at the workspace root (next to `ui/` and `icons/`), so point
//! tauri-build at it; capabilities stay in `src-tauri/capabilities/`.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("failed to run tauri-build");
}
