//! The lists the forms offer that a council sets itself
//! (`footprint_domain::lists`), each edited by an administrator on a page
//! of its own linked from the settings screen: add, rename, retire,
//! reorder. Records hold an entry's key, so a rename changes what screens
//! and reports call it without rewriting what was recorded; nothing is
//! deleted (a retired entry leaves the forms for new records, and records
//! holding it keep and show it).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::lists::{CouncilList, FormList, LABEL_MAX, ListEntry, ListProblem};
use minijinja::context;
use serde::Serialize;

use super::{field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// Empty rows the form offers for new entries.
const SPARE_ROWS: usize = 3;

/// One row of the form as typed (or as held).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The entry's key (blank for a new entry: given on saving).
    pub key: String,
    pub label: String,
    pub retired: bool,
    /// Where it goes in the list (a whole number; blank keeps its place).
    pub position: String,
    /// On the challenge themes' page: how many sub-themes the theme has
    /// (a link to them); `None` elsewhere.
    pub sub_themes: Option<usize>,
}

/// The list the path names, or "not found".
fn list_in_path(raw: &str) -> Result<FormList, AppError> {
    FormList::from_key(raw).ok_or(AppError::NotFound("list"))
}

/// The rows showing `list`, with spare empty rows.
pub fn rows_of(list: &CouncilList) -> Vec<Row> {
    list.0
        .iter()
        .enumerate()
        .map(|(i, e)| Row {
            key: e.key.clone(),
            label: e.label.clone(),
            retired: e.retired,
            position: (i + 1).to_string(),
            sub_themes: None,
        })
        .chain(std::iter::repeat_n(Row::default(), SPARE_ROWS))
        .collect()
}

/// The rows as sent: `key-N`, `label-N`, `retired-N`, `position-N` for N
/// from 1 to `rows`.
pub fn rows_sent(pairs: &[(String, String)]) -> Vec<Row> {
    let n: usize = field(pairs, "rows")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(500);
    (1..=n)
        .map(|i| {
            let text = |name: &str| {
                field(pairs, &format!("{name}-{i}"))
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            };
            Row {
                key: text("key"),
                label: text("label"),
                retired: field(pairs, &format!("retired-{i}")) == Some("yes"),
                position: text("position"),
                sub_themes: None,
            }
        })
        .collect()
}

/// The list the rows say, checked against the list held: an empty new row
/// is skipped; a row holding a key keeps it (a rename changes only the
/// label); a new row gets a key made from its name; an entry held that the
/// rows leave out is kept as it was (nothing held is ever dropped); rows
/// are put in order of their position. Every problem is an error on its
/// row's field, by the list's one check ([`CouncilList::check`]); with
/// `may_offer_none` (a theme's sub-themes: a theme may have none) a list
/// with no entry on offer is not one.
pub fn list_from_rows(
    rows: &[Row],
    held: &CouncilList,
    may_offer_none: bool,
    errors: &mut FormErrors,
) -> Option<CouncilList> {
    let before = errors.0.len();
    // (position, not moved, form row, entry): a row given a position other
    // than its own goes before the row already there.
    let mut placed: Vec<(u32, bool, usize, ListEntry)> = Vec::new();
    let mut so_far = held.clone();
    for (i, r) in rows.iter().enumerate() {
        let row = i + 1;
        if r.key.is_empty() && r.label.is_empty() {
            continue;
        }
        let position = if r.position.is_empty() {
            Some(u32::try_from(row).unwrap_or(u32::MAX))
        } else {
            match r.position.parse::<u32>() {
                Ok(p) if (1..=999).contains(&p) => Some(p),
                _ => {
                    errors.add(
                        &format!("position-{row}"),
                        format!("Row {row}: enter the position as a whole number from 1 to 999"),
                    );
                    None
                }
            }
        };
        let key = if r.key.is_empty() {
            let key = so_far.new_key(&r.label);
            so_far.0.push(ListEntry {
                key: key.clone(),
                label: r.label.clone(),
                retired: r.retired,
            });
            key
        } else if held.get(&r.key).is_none() {
            errors.add(
                &format!("label-{row}"),
                format!(
                    "Row {row}: this entry is not in the list held (the page may be out of date): open the list again"
                ),
            );
            continue;
        } else {
            r.key.clone()
        };
        let moved = !r.position.is_empty() && r.position != row.to_string();
        placed.push((
            position.unwrap_or(0),
            !moved,
            row,
            ListEntry {
                key,
                label: r.label.clone(),
                retired: r.retired,
            },
        ));
    }
    // Held entries the rows left out stay, at the end, as they were.
    for e in &held.0 {
        if !placed.iter().any(|(_, _, _, p)| p.key == e.key) {
            placed.push((u32::MAX, true, 0, e.clone()));
        }
    }
    placed.sort_by_key(|(position, stayed, row, _)| (*position, *stayed, *row));
    let list = CouncilList(placed.iter().map(|(_, _, _, e)| e.clone()).collect());
    for problem in list.check() {
        if may_offer_none && problem == ListProblem::NothingOffered {
            continue;
        }
        let row_of = |n: usize| placed.get(n - 1).map_or(1, |(_, _, row, _)| (*row).max(1));
        let (name, message) = match &problem {
            ListProblem::BadLabel(n) => (
                format!("label-{}", row_of(*n)),
                format!(
                    "Row {}: write the name on one line, in {LABEL_MAX} characters or fewer",
                    row_of(*n)
                ),
            ),
            ListProblem::DuplicateLabel(n, label) => (
                format!("label-{}", row_of(*n)),
                format!("Row {}: {label:?} is listed twice", row_of(*n)),
            ),
            ListProblem::BadKey(n) | ListProblem::DuplicateKey(n, _) => (
                format!("label-{}", row_of(*n)),
                format!(
                    "Row {}: this entry's key is not valid (the page may be out of date): open the list again",
                    row_of(*n)
                ),
            ),
            ListProblem::NothingOffered => (
                "label-1".to_owned(),
                "Keep at least one entry offered on the forms (not retired)".to_owned(),
            ),
        };
        if !errors.0.iter().any(|e| e.field == name) {
            errors.add(&name, message);
        }
    }
    (errors.0.len() == before).then_some(list)
}

/// The list as held, or (`true`) the default when what is held cannot be
/// read: the page says so, and saving replaces it (the audit entry keeps
/// what was held).
async fn held_or_default(state: &AppState, list: FormList) -> (CouncilList, bool) {
    match state.store.form_list(list).await {
        Ok(held) => (held, false),
        Err(_) => (list.default_list(), true),
    }
}

async fn list_page(
    state: &AppState,
    page: &Page,
    list: FormList,
    status: StatusCode,
    errors: FormErrors,
    rows: Option<Vec<Row>>,
) -> Result<Response, AppError> {
    let (held, unreadable) = held_or_default(state, list).await;
    let rows = rows.unwrap_or_else(|| rows_of(&held));
    let what = context! {
        key => list.key(), title => list.title(), used_on => list.used_on(),
        caption => "Lists the forms offer",
        action => format!("/admin/settings/lists/{}", list.key()),
        back => "/admin/settings#lists",
    };
    rows_page(state, page, status, what, rows, unreadable, errors).await
}

/// A page of rows editing a council list (`settings_list.html`): `what`
/// says which (`title`, `used_on`, `caption`, the form's `action` and the
/// `back` link).
pub(crate) async fn rows_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    what: minijinja::Value,
    rows: Vec<Row>,
    unreadable: bool,
    errors: FormErrors,
) -> Result<Response, AppError> {
    Ok(page
        .render_status(
            state,
            status,
            "settings_list.html",
            context! { list => what, rows, unreadable, errors => errors.0 },
        )
        .await)
}

/// The rows sent back with the form after a refusal: with one empty row
/// more when every row is filled in.
pub(crate) fn rows_again(mut rows: Vec<Row>) -> Vec<Row> {
    if rows
        .iter()
        .all(|r| !r.label.is_empty() || !r.key.is_empty())
    {
        rows.push(Row::default());
    }
    rows
}

/// GET /admin/settings/lists/{list}
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let list = list_in_path(&raw)?;
        list_page(
            &state,
            &page,
            list,
            StatusCode::OK,
            FormErrors::default(),
            None,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /admin/settings/lists/{list} — saves the list when every row is
/// right (nothing is saved otherwise), audited with the list before and
/// after.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let list = list_in_path(&raw)?;
        let (held, unreadable) = held_or_default(&state, list).await;
        let rows = rows_sent(&pairs);
        let mut errors = FormErrors::default();
        let Some(new) = list_from_rows(&rows, &held, false, &mut errors) else {
            let rows = rows_again(rows);
            return list_page(
                &state,
                &page,
                list,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Some(rows),
            )
            .await;
        };
        let value = (new != held || unreadable)
            .then(|| serde_json::to_value(&new))
            .transpose()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        super::save_settings(&state, &user, vec![(list.key(), value)]).await?;
        page.flash(&format!("{} saved", list.title())).await;
        Ok(Redirect::to(&format!("/admin/settings/lists/{}", list.key())).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, label: &str, retired: bool, position: &str) -> Row {
        Row {
            key: key.into(),
            label: label.into(),
            retired,
            position: position.into(),
            sub_themes: None,
        }
    }

    fn held() -> CouncilList {
        CouncilList::of(&[("court", "Court hearing"), ("ill", "Illness")])
    }

    #[test]
    fn rename_retire_add_and_reorder_keep_every_key() {
        let rows = [
            row("court", "Clashed with court", true, "3"),
            row("ill", "Illness", false, "2"),
            row("", "Heavy snow", false, "1"),
            row("", "", false, ""),
        ];
        let mut errors = FormErrors::default();
        let list = list_from_rows(&rows, &held(), false, &mut errors).expect("saved");
        assert!(errors.is_empty());
        let shown: Vec<(&str, &str, bool)> = list
            .0
            .iter()
            .map(|e| (e.key.as_str(), e.label.as_str(), e.retired))
            .collect();
        assert_eq!(
            shown,
            [
                ("heavy_snow", "Heavy snow", false),
                ("ill", "Illness", false),
                ("court", "Clashed with court", true),
            ]
        );
    }

    #[test]
    fn a_row_moved_to_a_place_goes_before_the_entry_there() {
        // As the page sends it: the held rows with their own positions,
        // and a new row given position 1.
        let rows = [
            row("court", "Court hearing", false, "1"),
            row("ill", "Illness", false, "2"),
            row("", "Heavy snow", false, "1"),
        ];
        let mut errors = FormErrors::default();
        let list = list_from_rows(&rows, &held(), false, &mut errors).expect("saved");
        assert_eq!(
            list.keys().collect::<Vec<_>>(),
            ["heavy_snow", "court", "ill"]
        );
        // Moving the second to 1 swaps them.
        let rows = [
            row("court", "Court hearing", false, "1"),
            row("ill", "Illness", false, "1"),
        ];
        let list = list_from_rows(&rows, &held(), false, &mut errors).expect("saved");
        assert_eq!(list.keys().collect::<Vec<_>>(), ["ill", "court"]);
    }

    #[test]
    fn an_entry_left_off_the_form_is_kept_not_dropped() {
        let rows = [row("ill", "Illness", false, "1")];
        let mut errors = FormErrors::default();
        let list = list_from_rows(&rows, &held(), false, &mut errors).expect("saved");
        assert_eq!(list.keys().collect::<Vec<_>>(), ["ill", "court"]);
    }

    #[test]
    fn each_problem_is_on_its_rows_field() {
        let rows = [
            row("court", "", false, "1"),
            row("ill", "illness", false, "x"),
            row("", "Illness", false, ""),
            row("ghost", "Ghost", false, ""),
        ];
        let mut errors = FormErrors::default();
        assert_eq!(list_from_rows(&rows, &held(), false, &mut errors), None);
        let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for f in ["label-1", "position-2", "label-3", "label-4"] {
            assert!(named.contains(&f), "{f} in {named:?}");
        }
        let mut errors = FormErrors::default();
        let all_retired = [
            row("court", "Court hearing", true, ""),
            row("ill", "Illness", true, ""),
        ];
        assert_eq!(
            list_from_rows(&all_retired, &held(), false, &mut errors),
            None
        );
        assert_eq!(errors.0[0].field, "label-1");
    }

    #[test]
    fn the_rows_sent_are_read_by_number() {
        let pairs: Vec<(String, String)> = [
            ("rows", "2"),
            ("key-1", "court"),
            ("label-1", " Court "),
            ("retired-1", "yes"),
            ("position-1", "2"),
            ("label-2", "New"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            rows_sent(&pairs),
            [row("court", "Court", true, "2"), row("", "New", false, "")]
        );
        assert_eq!(rows_of(&held()).len(), 2 + SPARE_ROWS);
    }
}
