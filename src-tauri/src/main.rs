//! `klaring-app`: the desktop window. Configuration comes from the environment
//! (`KLARING_DATA_DIR`, and the `KLARING_PICK*` test seam; see `state::Config::from_env`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    klaring_app::builder(tauri::Builder::default(), klaring_app::Config::from_env())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Klaring");
}
