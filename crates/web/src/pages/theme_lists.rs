//! The council's challenge themes (`footprint_domain::lists::ThemeList`,
//! two levels), edited by an administrator on pages of their own linked
//! from the settings screen, as the other lists are
//! ([`super::form_lists`]): the themes (add, rename, retire, reorder), and
//! each theme's sub-themes on a page of the theme's own. A rename keeps
//! the key, so the challenges and case alerts that hold it show the new
//! name and keep their history; nothing is deleted. Each save is audited
//! with the list before and after (`settings.change`).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::lists::{Theme, ThemeList};
use footprint_store::council::CHALLENGE_THEMES;
use minijinja::context;

use super::form_lists::{Row, list_from_rows, rows_again, rows_of, rows_page, rows_sent};
use super::respond;
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

const TITLE: &str = "Challenge themes";
const USED_ON: &str = "Raising and correcting a challenge, case alerts (form and import); the annual report's challenges by theme and sub-theme";

/// The themes as held, or (`true`) the default when what is held cannot be
/// read: the page says so, and saving replaces it (the audit entry keeps
/// what was held).
async fn held_or_default(state: &AppState) -> (ThemeList, bool) {
    match state.store.challenge_themes().await {
        Ok(held) => (held, false),
        Err(_) => (footprint_store::council::default_challenge_themes(), true),
    }
}

/// The themes' rows, each with its number of sub-themes (a link to them).
fn theme_rows(themes: &ThemeList) -> Vec<Row> {
    let mut rows = rows_of(&themes.themes());
    for (row, theme) in rows.iter_mut().zip(&themes.0) {
        row.sub_themes = Some(theme.sub_themes.0.len());
    }
    rows
}

fn themes_what() -> minijinja::Value {
    context! {
        title => TITLE, used_on => USED_ON, caption => "Settings",
        action => "/admin/settings/themes", back => "/admin/settings#lists",
        themes => true,
    }
}

fn sub_themes_what(theme: &Theme) -> minijinja::Value {
    context! {
        title => format!("Sub-themes of {}", theme.label),
        used_on => "Raising and correcting a challenge or a case alert under this theme; the annual report's formal challenges by sub-theme",
        caption => TITLE,
        action => format!("/admin/settings/themes/{}", theme.key),
        back => "/admin/settings/themes",
    }
}

/// Writes the themes (audited before and after) and goes back to `to`.
async fn save_themes(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    new: &ThemeList,
    changed: bool,
    to: &str,
) -> Result<Response, AppError> {
    let value = changed
        .then(|| serde_json::to_value(new))
        .transpose()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    super::save_settings(state, user, vec![(CHALLENGE_THEMES, value)]).await?;
    page.flash(&format!("{TITLE} saved")).await;
    Ok(Redirect::to(to).into_response())
}

/// GET /admin/settings/themes
pub async fn show(State(state): State<AppState>, page: Page, user: CurrentUser) -> Response {
    let result = async {
        let (held, unreadable) = held_or_default(&state).await;
        rows_page(
            &state,
            &page,
            StatusCode::OK,
            themes_what(),
            theme_rows(&held),
            unreadable,
            FormErrors::default(),
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /admin/settings/themes — the themes as the rows say (a rename
/// keeps the theme's key and sub-themes, `ThemeList::with_themes`), saved
/// when every row is right (nothing is saved otherwise).
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let (held, unreadable) = held_or_default(&state).await;
        let rows = rows_sent(&pairs);
        let mut errors = FormErrors::default();
        let Some(entries) = list_from_rows(&rows, &held.themes(), false, &mut errors) else {
            return rows_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                themes_what(),
                rows_again(rows),
                unreadable,
                errors,
            )
            .await;
        };
        let new = held.with_themes(&entries);
        let changed = new != held || unreadable;
        save_themes(
            &state,
            &page,
            &user,
            &new,
            changed,
            "/admin/settings/themes",
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// The theme the path names (retired or not), or "not found".
fn theme_in_path<'a>(themes: &'a ThemeList, key: &str) -> Result<&'a Theme, AppError> {
    themes
        .0
        .iter()
        .find(|t| t.key == key)
        .ok_or(AppError::NotFound("theme"))
}

/// GET /admin/settings/themes/{theme}
pub async fn show_sub_themes(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Response {
    let result = async {
        let (held, unreadable) = held_or_default(&state).await;
        let theme = theme_in_path(&held, &key)?;
        rows_page(
            &state,
            &page,
            StatusCode::OK,
            sub_themes_what(theme),
            rows_of(&theme.sub_themes),
            unreadable,
            FormErrors::default(),
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /admin/settings/themes/{theme} — the theme's sub-themes as the
/// rows say (a theme may have none on offer), saved when every row is
/// right.
pub async fn save_sub_themes(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let (held, unreadable) = held_or_default(&state).await;
        let theme = theme_in_path(&held, &key)?;
        let rows = rows_sent(&pairs);
        let mut errors = FormErrors::default();
        let Some(subs) = list_from_rows(&rows, &theme.sub_themes, true, &mut errors) else {
            return rows_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                sub_themes_what(theme),
                rows_again(rows),
                unreadable,
                errors,
            )
            .await;
        };
        let new = held
            .with_sub_themes(&key, subs)
            .ok_or(AppError::NotFound("theme"))?;
        let changed = new != held || unreadable;
        save_themes(
            &state,
            &page,
            &user,
            &new,
            changed,
            &format!("/admin/settings/themes/{key}"),
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}
