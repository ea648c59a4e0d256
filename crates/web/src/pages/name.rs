//! A child's name, recorded or corrected on the child's page. The 903 holds
//! no names; a council imports them (`footprint import names`) or records
//! them here. The audit log says that the name changed, never what it is.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::ChildName;

use super::Fields;
use super::{audit, child_id, child_records, ensure_child, field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// POST /children/{child}/name — fields `given_name` and `family_name`; both
/// blank removes the recorded name.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let given = field(&pairs, "given_name").unwrap_or("").trim();
        let family = field(&pairs, "family_name").unwrap_or("").trim();
        let name = if given.is_empty() && family.is_empty() {
            None
        } else {
            Some(ChildName::new(given, family).map_err(|e| {
                let mut message = e.to_string();
                if let Some(first) = message.get(..1) {
                    message = format!("{}{}.", first.to_uppercase(), &message[1..]);
                }
                AppError::BadRequest(message)
            })?)
        };
        // Changing or removing a name held is a correction: it needs a
        // reason, and the name held is kept as a version.
        let reason = field(&pairs, "name_reason").unwrap_or("").trim();
        let correction = (!reason.is_empty()).then(|| footprint_store::Correction {
            by: user.name.clone(),
            reason: reason.to_owned(),
        });
        let changed = match state
            .store
            .correct_child_name(&id, name.as_ref(), correction.as_ref())
            .await
        {
            Ok(c) => c,
            Err(footprint_store::StoreError::Invalid(_)) => {
                return Err(AppError::BadRequest(
                    "Say why the name is being corrected (at most 500 characters). Go back and try again."
                        .to_owned(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if changed.is_empty() {
            page.flash("Nothing was changed: the name is as recorded").await;
            return Ok(Redirect::to(&format!("/children/{id}")).into_response());
        }
        let what = match (name.is_some(), correction.is_some()) {
            (false, _) => "removed".to_owned(),
            (true, false) => "recorded".to_owned(),
            (true, true) => format!("corrected;changed={}", changed.join(",")),
        };
        audit(&state, &user, "child.name", Some(&id), &what).await?;
        page.flash(&format!(
            "Name {}",
            what.split(';').next().unwrap_or("recorded")
        ))
        .await;
        Ok(Redirect::to(&format!("/children/{id}")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}
