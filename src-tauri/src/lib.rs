//! Klaring's desktop shell: the only crate that knows Tauri. It holds one [`AppState`], loads
//! the lists on a background thread once the window is up, and exposes the commands in
//! [`commands`], each a thin conversion around one core function. Errors cross IPC as
//! [`CommandError`] (`{code, message}`).
//!
//! [`builder`] is shared by `main` (the real WebKit runtime) and the tests (Tauri's mock
//! runtime), so both run the same commands over the same state.

pub mod case_commands;
pub mod commands;
pub mod error;
pub mod state;
pub mod update_commands;

pub use error::{Code, CommandError};
pub use state::{AppState, Config, Picks};

use serde::Serialize;
use tauri::{Emitter, Manager, Runtime};

/// Emitted once the list index is built (or could not be): `{ ready, message? }`.
pub const READY_EVENT: &str = "index-ready";

#[derive(Debug, Clone, Serialize)]
pub struct ReadyEvent {
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The app: the dialog plugin, the state, every command, and the background load.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, config: Config) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new(config))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::screen_preview,
            commands::screen_and_save,
            commands::entry,
            commands::lists,
            commands::pick_files,
            commands::import_lists,
            commands::batch_open,
            commands::batch_screen,
            commands::batch_export,
            commands::cases_list,
            commands::watch_list,
            commands::watch_item,
            commands::watch_add,
            commands::watch_edit,
            commands::watch_mark,
            commands::watch_match,
            commands::watch_import_files,
            commands::watch_refresh,
            commands::watch_feeds,
            commands::watch_feed_add,
            commands::watch_feed_remove,
            commands::watch_export,
            case_commands::user_get,
            case_commands::user_set,
            case_commands::case_detail,
            case_commands::case_dispose,
            case_commands::case_assess,
            case_commands::case_watch_mark,
            case_commands::case_decide,
            case_commands::case_approve,
            case_commands::case_attach,
            case_commands::case_note,
            case_commands::case_submit,
            case_commands::case_rescreen,
            case_commands::case_export,
            case_commands::case_report,
            case_commands::risk_catalogue,
            update_commands::update_run,
            update_commands::list_delta,
            update_commands::alerts,
            update_commands::alert_ack,
            update_commands::update_sources,
            update_commands::update_source_set,
            update_commands::update_policy,
            update_commands::update_policy_set,
        ])
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::Builder::new().name("klaring-load".into()).spawn(move || {
                let state = handle.state::<AppState>();
                state.load();
                let message = state.screener.now().err().map(|e| e.message);
                let _ = handle.emit(READY_EVENT, ReadyEvent { ready: message.is_none(), message });
            })?;
            Ok(())
        })
}
