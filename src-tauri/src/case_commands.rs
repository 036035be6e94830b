//! The case file's commands: the user profile, one case in full, and each thing a user does to
//! a case (dispose of a hit, assess the risk, judge a watch-list finding, decide, approve,
//! attach, note, submit, re-screen, export). Each calls one `klaring::case` function; the rules
//! (four eyes, frozen after submission, justification length) are the core's, so the app and
//! the CLI refuse the same things with the same words.

use crate::commands::blocking;
use crate::error::{Code, CommandError};
use crate::state::{lock, LOAD_WAIT};
use klaring::case::assessment::{self, Transaction};
use klaring::case::detail::{self, CaseDetail};
use klaring::case::events::{self, Outcome, Verdict};
use klaring::case::profile::{self, UserProfile};
use klaring::case::{bundle, report, rescreen};
use klaring::risk::goods::GoodsClass;
use klaring::risk::red_flags::Flag;
use klaring::risk::RiskProfile;
use klaring::watch::Relevance;
use serde::Serialize;
use tauri::{AppHandle, Runtime};

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The day list ages are counted to.
fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// The profile recorded as the actor of every case event; `None` before the first start's
/// dialog was answered.
#[tauri::command(rename_all = "snake_case")]
pub async fn user_get<R: Runtime>(app: AppHandle<R>) -> Result<Option<UserProfile>, CommandError> {
    blocking(app, |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let user = profile::load(&lock(&store))?;
        Ok(user)
    })
    .await
}

/// Sets who is at the keyboard: at first start, and when a second person takes over to approve.
#[tauri::command(rename_all = "snake_case")]
pub async fn user_set<R: Runtime>(app: AppHandle<R>, name: String, role: String) -> Result<UserProfile, CommandError> {
    blocking(app, move |_, state| {
        let user = UserProfile::new(&name, &role)?;
        let store = state.store.wait(LOAD_WAIT)?;
        profile::save(&mut lock(&store), &user)?;
        Ok(user)
    })
    .await
}

/// One case: summary, derived state, retention, the chain verified now, the latest risk
/// profile and every event.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_detail<R: Runtime>(app: AppHandle<R>, id: String) -> Result<CaseDetail, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let detail = detail::detail(&lock(&store), &id, today())?;
        Ok(detail)
    })
    .await
}

/// Runs one case action under the store's lock and answers the case as it now stands.
async fn act<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    action: impl FnOnce(&mut klaring::store::Store, &str) -> Result<(), CommandError> + Send + 'static,
) -> Result<CaseDetail, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        action(&mut store, &id)?;
        Ok(detail::detail(&store, &id, today())?)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)] // one argument per field of the disposition
pub async fn case_dispose<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    party: String,
    list: String,
    entry_id: String,
    verdict: Verdict,
    fact: String,
) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::dispose(store, id, now(), Some(&party), &list, &entry_id, verdict, &fact)?;
        Ok(())
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Assessed {
    pub profile: RiskProfile,
    pub case: CaseDetail,
}

/// Assesses the transaction with what the case knows and records the profile on the case.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_assess<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    transaction: Transaction,
) -> Result<Assessed, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let (profile, _) = assessment::assess(&mut store, &id, now(), &transaction)?;
        Ok(Assessed { profile, case: detail::detail(&store, &id, today())? })
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn case_watch_mark<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    party: String,
    item_id: String,
    relevance: Relevance,
    reason: String,
) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::mark_watch(store, id, now(), &party, &item_id, relevance, &reason)?;
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn case_decide<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    outcome: Outcome,
    justification: String,
) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::decide(store, id, now(), outcome, &justification)?;
        Ok(())
    })
    .await
}

/// The current profile approves the latest decision (refused when it is the decider's).
#[tauri::command(rename_all = "snake_case")]
pub async fn case_approve<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    comment: String,
) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::approve(store, id, now(), &comment)?;
        Ok(())
    })
    .await
}

/// Attaches a file that `pick_files("attachment")` returned.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_attach<R: Runtime>(app: AppHandle<R>, id: String, path: String) -> Result<CaseDetail, CommandError> {
    blocking(app, move |_, state| {
        let path = state.picked(&path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes =
            std::fs::read(&path).map_err(|e| CommandError::new(Code::Io, format!("{}: {e}", path.display())))?;
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        events::attach(&mut store, &id, now(), &name, &bytes)?;
        Ok(detail::detail(&store, &id, today())?)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn case_note<R: Runtime>(app: AppHandle<R>, id: String, text: String) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::note(store, id, now(), &text)?;
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn case_submit<R: Runtime>(app: AppHandle<R>, id: String) -> Result<CaseDetail, CommandError> {
    act(app, id, move |store, id| {
        events::submit(store, id, now())?;
        Ok(())
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Rescreened {
    pub rescreen: rescreen::Rescreen,
    pub case: CaseDetail,
}

/// Screens the case's parties against its own list versions and the current ones.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_rescreen<R: Runtime>(app: AppHandle<R>, id: String) -> Result<Rescreened, CommandError> {
    blocking(app, move |_, state| {
        let store = state.store.wait(LOAD_WAIT)?;
        let mut store = lock(&store);
        let rescreen = rescreen::rescreen(&mut store, &id, now())?;
        Ok(Rescreened { rescreen, case: detail::detail(&store, &id, today())? })
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct CaseExported {
    pub path: String,
    pub bytes: usize,
}

/// Writes the case's JSON bundle to a path that `pick_files("case_export")` returned.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_export<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    path: String,
) -> Result<CaseExported, CommandError> {
    blocking(app, move |_, state| {
        let path = state.picked(&path)?;
        let store = state.store.wait(LOAD_WAIT)?;
        let bundle = bundle::export(&lock(&store), &id, now())?;
        let text = serde_json::to_string_pretty(&bundle)
            .map_err(|e| CommandError::new(Code::Internal, format!("the bundle could not be written: {e}")))?;
        std::fs::write(&path, &text).map_err(|e| CommandError::new(Code::Io, format!("{}: {e}", path.display())))?;
        Ok(CaseExported { path: path.display().to_string(), bytes: text.len() })
    })
    .await
}

/// Writes the case's A4 PDF report to a path that `pick_files("case_report")` returned.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_report<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    path: String,
) -> Result<CaseExported, CommandError> {
    blocking(app, move |_, state| {
        let path = state.picked(&path)?;
        let store = state.store.wait(LOAD_WAIT)?;
        let bytes = report::pdf(&lock(&store), &id)?;
        std::fs::write(&path, &bytes).map_err(|e| CommandError::new(Code::Io, format!("{}: {e}", path.display())))?;
        Ok(CaseExported { path: path.display().to_string(), bytes: bytes.len() })
    })
    .await
}

#[derive(Debug, Serialize)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// What the transaction form offers: the goods catalogue, the red-flag questionnaire and the
/// countries, all from the bundled tables.
#[derive(Debug, Serialize)]
pub struct RiskCatalogue {
    pub goods: &'static [GoodsClass],
    pub flags: &'static [Flag],
    pub countries: Vec<Country>,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn risk_catalogue() -> Result<RiskCatalogue, CommandError> {
    Ok(RiskCatalogue {
        goods: klaring::risk::goods::catalogue(),
        flags: klaring::risk::red_flags::flags(),
        countries: klaring::countries::all().into_iter().map(|(code, name)| Country { code, name }).collect(),
    })
}
