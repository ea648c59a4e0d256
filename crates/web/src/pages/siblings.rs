//! Brothers and sisters: recorded on a child's page. The 903 holds no
//! sibling links, so the council records them here; the allocations page
//! uses them to allocate a sibling group to the same IRO.
//!
//! A child is in at most one group: recording B as a sibling of A puts their
//! groups together; removing B takes B out of the group (the others stay
//! together). Every change is audited with the two identifiers only.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use footprint_domain::model::ChildId;

use super::Fields;
use super::{audit, child_id, child_records, ensure_child, field, respond};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, Page};

/// The `sibling` field as a child held in `ds`, or a message saying what
/// is wrong with it.
/// The child named in field `sibling`, who must be held (looked up by
/// identifier, not by reading the council).
async fn sibling_field(state: &AppState, pairs: &[(String, String)]) -> Result<ChildId, AppError> {
    let raw = field(pairs, "sibling").unwrap_or("").trim();
    if raw.is_empty() {
        return Err(AppError::BadRequest(
            "Enter the identifier of the brother or sister.".to_owned(),
        ));
    }
    match raw.parse::<ChildId>() {
        Ok(id) => {
            let held = state
                .store
                .load_scoped(footprint_store::Scope::Children(std::slice::from_ref(&id)))
                .await?;
            if held.children.iter().any(|c| c.id == id) {
                Ok(id)
            } else {
                Err(AppError::BadRequest(format!(
                    "There is no child with the identifier {id}."
                )))
            }
        }
        Err(_) => Err(AppError::BadRequest(
            "A child identifier is 1 to 10 letters or digits.".to_owned(),
        )),
    }
}

/// POST /children/{child}/siblings — records the child in field `sibling`
/// as a brother or sister of this child (their groups become one).
pub async fn link(
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
        let sibling = sibling_field(&state, &pairs).await?;
        if sibling == id {
            return Err(AppError::BadRequest(
                "A child cannot be recorded as their own brother or sister.".to_owned(),
            ));
        }
        if ds.siblings_of(&id).contains(&&sibling) {
            page.flash(&format!(
                "Child {sibling} is already recorded as a brother or sister"
            ))
            .await;
        } else {
            let group = state.store.link_siblings(&id, &sibling).await?;
            audit(
                &state,
                &user,
                "sibling.link",
                Some(&id),
                &format!("sibling={sibling};group_size={}", group.len()),
            )
            .await?;
            page.flash(&format!(
                "Child {sibling} recorded as a brother or sister ({} children in the group)",
                group.len()
            ))
            .await;
        }
        Ok(Redirect::to(&format!("/children/{id}#siblings")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/siblings/remove — takes the child in field
/// `sibling` out of this child's sibling group.
pub async fn unlink(
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
        let sibling = sibling_field(&state, &pairs).await?;
        let in_group = sibling == id || ds.siblings_of(&id).contains(&&sibling);
        if !in_group || ds.sibling_group_of(&id).is_none() {
            return Err(AppError::BadRequest(format!(
                "Child {sibling} is not recorded as a brother or sister of child {id}."
            )));
        }
        state.store.unlink_sibling(&sibling).await?;
        audit(
            &state,
            &user,
            "sibling.unlink",
            Some(&id),
            &format!("sibling={sibling}"),
        )
        .await?;
        page.flash(&format!("Child {sibling} removed from the sibling group"))
            .await;
        Ok(Redirect::to(&format!("/children/{id}#siblings")).into_response())
    }
    .await;
    respond(&state, Some(&user), result)
}
