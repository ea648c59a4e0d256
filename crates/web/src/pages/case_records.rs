//! The other records an IRO service keeps (issue 15): secure accommodation
//! and private fostering reviews, disruption meetings, child protection
//! plans and review conferences, life-story work, advocacy, the child's
//! views, case alerts and case file audits (IROs and the manager, from the
//! child's page; the audits also listed at `/case-file-audits`), and
//! foster carer reviews (the manager; a carer household, no child data),
//! recorded and corrected in forms.
//!
//! A record is checked by the one check the case-management import makes
//! ([`CaseRecord::check`]), each refusal shown on its field; the store keeps
//! every record as versions (`case_records`): a correction needs a reason
//! and adds a version with who, when and why, the earlier ones kept. What
//! is due comes from [`daily::case_records_due`].

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use footprint_domain::case_records::{
    AdvocacyKind, AlertOutcome, AuditRequester, AuditStatus, CarerReviewKind, CaseAlert,
    CaseFileAudit, CaseRecord, CaseRecordError, ChildProtectionPlan, ChildViews, DisruptionMeeting,
    FosterCarerReview, LifeStoryStatus, LifeStoryWork, Notifier, PrivateFosteringNotification,
    PrivateFosteringReview, ProtectionConference, SecureDecision, SecureReview,
};
use footprint_domain::daily;
use footprint_domain::lists::{FormList, ThemeList, ThemeRefusal};
use footprint_domain::measures::MeasureSettings;
use footprint_domain::model::{ChildId, Dataset, QualityGrade};
use footprint_store::{CaseRecordVersion, Correction, StoreError};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{
    Fields, audit, caseload_scope, child_id, child_records, council, ensure_child, field,
    form_date, needs_cover, respond, settings,
};
use crate::AppState;
use crate::access::CurrentUser;
use crate::view::{AppError, FormErrors, Page};

/// The reason for a correction: at most this many characters (as the store
/// keeps it).
const REASON_MAX: usize = 500;

/// The findings of a case file audit: at most this many characters.
const FINDINGS_MAX: usize = 5000;

/// The one kind kept for a carer household, not a child.
const CARER: &str = "foster_carer_review";

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// Paging of the foster carer reviews page's two lists.
#[derive(Debug, Default, Deserialize)]
pub struct CarerQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    due_page: String,
}

/// The child a private fostering form names (its `child` field), when it
/// is an identifier.
fn named_child(pairs: &[(String, String)]) -> Option<ChildId> {
    field(pairs, "child").and_then(|c| c.trim().parse().ok())
}

/// The kinds kept on the private fostering pages: a review, and the
/// notification of an arrangement (with its statutory visits).
const FOSTERING: &str = "private_fostering_review";
const NOTIFICATION: &str = "private_fostering_notification";

/// The private fostering kind a query or form names (`kind`): a review
/// when it names none.
fn fostering_kind(raw: Option<&str>) -> Result<&'static str, AppError> {
    kind_of(raw.unwrap_or(FOSTERING), Whose::Fostered(None))
}

/// Whose record a form is about: a child held (every kind but a foster
/// carer review, from the child's page), a carer household (a foster carer
/// review) or a privately fostered child, who need not be held as a child
/// in care (a private fostering review, from the private fostering pages;
/// `None` while a new arrangement's form has not yet named the child).
#[derive(Clone, Copy)]
enum Whose<'a> {
    Child(&'a ChildId),
    Household,
    Fostered(Option<&'a ChildId>),
}

impl Whose<'_> {
    fn child(&self) -> Option<&ChildId> {
        match self {
            Whose::Child(c) => Some(c),
            Whose::Household => None,
            Whose::Fostered(c) => *c,
        }
    }

    /// Where the record's list is, and where a form goes back to.
    fn back(&self) -> String {
        match self {
            Whose::Child(c) => format!("/children/{c}#case-records"),
            Whose::Household => "/foster-carer-reviews".to_owned(),
            Whose::Fostered(Some(c)) => format!("/private-fostering/{c}"),
            Whose::Fostered(None) => "/private-fostering".to_owned(),
        }
    }

    /// The back link's words.
    fn back_label(&self) -> String {
        match self {
            Whose::Child(c) => format!("Back to child {c}"),
            Whose::Household => "Back to foster carer reviews".to_owned(),
            Whose::Fostered(Some(c)) => format!("Back to child {c}'s private fostering"),
            Whose::Fostered(None) => "Back to private fostering".to_owned(),
        }
    }

    /// Where a new record's form posts.
    fn record_action(&self) -> String {
        match self {
            Whose::Child(c) => format!("/children/{c}/case-records"),
            Whose::Household => "/foster-carer-reviews".to_owned(),
            Whose::Fostered(_) => "/private-fostering".to_owned(),
        }
    }

    /// Where a correction's form posts.
    fn correct_action(&self, kind: &str, id: &str) -> String {
        match self {
            Whose::Child(c) => format!("/children/{c}/case-records/{kind}/{id}"),
            Whose::Household => format!("/foster-carer-reviews/{id}"),
            Whose::Fostered(c) => format!(
                "/private-fostering/{}/{id}",
                c.map(ChildId::as_str).unwrap_or_default()
            ),
        }
    }

    /// Where a record saved goes to: the list it is on (a new arrangement:
    /// the page of the child its form named).
    fn after(&self, r: &CaseRecord) -> String {
        match (self, r.child()) {
            (Whose::Fostered(None), Some(c)) => Whose::Fostered(Some(c)).back(),
            _ => self.back(),
        }
    }

    /// The audit action's prefix.
    fn audit_prefix(&self) -> &'static str {
        match self {
            Whose::Child(_) => "case_record",
            Whose::Household => "foster_carer_review",
            Whose::Fostered(_) => "private_fostering",
        }
    }

    /// Whether `user` must say why they record on the form's child
    /// ([`needs_cover`]). A privately fostered child not held as a child
    /// in care is on no IRO's caseload: any IRO of the service records
    /// their reviews; one held is on a caseload, and covered as on the
    /// child's page.
    fn needs_cover(
        &self,
        ds: &Dataset,
        child: Option<&ChildId>,
        user: &CurrentUser,
        today: NaiveDate,
    ) -> bool {
        match (self, child) {
            (Whose::Household, _) | (_, None) => false,
            (Whose::Child(_), Some(c)) => needs_cover(ds, c, user, today),
            (Whose::Fostered(_), Some(c)) => {
                ds.children.iter().any(|x| x.id == *c) && needs_cover(ds, c, user, today)
            }
        }
    }
}

/// The caseload scope of a change to a privately fostered child's records
/// ([`caseload_scope`] for a child held as a child in care; nothing for
/// one who is not, as [`Whose::needs_cover`] says).
async fn fostering_scope(
    state: &AppState,
    ds: &Dataset,
    id: &ChildId,
    user: &CurrentUser,
    today: NaiveDate,
    pairs: &[(String, String)],
) -> Result<String, AppError> {
    if Whose::Fostered(Some(id)).needs_cover(ds, Some(id), user, today) {
        caseload_scope(state, ds, id, user, today, pairs).await
    } else {
        Ok(String::new())
    }
}

/// A kind's key as the routes and forms send it: a child's kinds on a
/// child's routes, a foster carer review on the household's, a private
/// fostering review on the private fostering pages'.
fn kind_of(raw: &str, whose: Whose<'_>) -> Result<&'static str, AppError> {
    CaseRecord::KINDS
        .iter()
        .copied()
        .find(|k| *k == raw)
        .filter(|k| match whose {
            Whose::Child(_) => *k != CARER,
            Whose::Household => *k == CARER,
            Whose::Fostered(_) => *k == FOSTERING || *k == NOTIFICATION,
        })
        .ok_or(AppError::NotFound("kind of record"))
}

fn label_of(kind: &str) -> &'static str {
    CaseRecord::kind_label(kind).unwrap_or("Record")
}

/// A new record's id: Footprint's own, never one a case-management
/// system gives (`FP-` and 12 random hex digits).
fn new_id() -> String {
    format!("FP-{}", crate::csrf::hex(&crate::csrf::random_bytes::<6>()))
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn uk(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The form field a refusal of [`CaseRecord::check`] is shown on.
fn field_of(e: &CaseRecordError) -> &'static str {
    use CaseRecordError as E;
    match e {
        E::NoId => "kind",
        E::SecureBeforePlaced
        | E::PrivateFosteringBeforeStart
        | E::CarerBeforeApproval
        | E::MeetingBeforeEnding => "date",
        E::NoHousehold => "household",
        E::NoChildren => "children",
        E::PlanEndsBeforeStart | E::ArrangementEndsBeforeStart | E::PrivateFosteringAfterEnd => {
            "end"
        }
        E::NoTheme => "theme",
        E::ClosedBeforeRaised => "closed",
        E::OutcomeWithoutClosing => "outcome",
        E::VisitBeforeNotified | E::VisitAfterEnd => "visits",
        E::NotifiedEndsBeforeStart => "end",
        E::AuditCompletedBeforeRequested | E::AuditCancelledBeforeRequested => "end",
        E::AuditCompletedAndCancelled => "audit_outcome",
        E::AuditGradeWithoutCompletion => "grade",
    }
}

/// A list of dates in one field (separated by commas, semicolons or new
/// lines), sorted; a date that is not one an error on the field.
fn dates_field(errors: &mut FormErrors, pairs: &[(String, String)], name: &str) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for raw in field(pairs, name)
        .unwrap_or("")
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match form_date(Some(raw)) {
            Ok(Some(d)) => out.push(d),
            _ => errors.add(
                name,
                format!("`{raw}` is not a date: enter each visit's date, for example 27/3/2025, separated by commas"),
            ),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A date field: blank is `None` (an error when `required`), a date that
/// is not one an error on the field.
fn date_field(
    errors: &mut FormErrors,
    pairs: &[(String, String)],
    name: &str,
    label: &str,
    required: bool,
) -> Option<NaiveDate> {
    match form_date(field(pairs, name)) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            if required {
                errors.add(name, format!("Enter {label}"));
            }
            None
        }
        Err(msg) => {
            errors.add(name, format!("{}: {msg}", capitalise(label)));
            None
        }
    }
}

/// A choice of a keyed list: blank is `None` (an error `missing` says when
/// the field is required), a value not on the list an error.
fn pick<T>(
    errors: &mut FormErrors,
    pairs: &[(String, String)],
    name: &str,
    from_key: impl Fn(&str) -> Option<T>,
    missing: Option<&str>,
) -> Option<T> {
    match field(pairs, name).map(str::trim).unwrap_or("") {
        "" => {
            if let Some(m) = missing {
                errors.add(name, m);
            }
            None
        }
        s => {
            let v = from_key(s);
            if v.is_none() {
                errors.add(name, "Select one from the list");
            }
            v
        }
    }
}

/// Reads a record of `kind` keeping `id` from the form, then checks it with
/// the import's one check ([`CaseRecord::check`]). Every problem on its
/// field; the record only when there is none.
fn parse_record(
    kind: &str,
    id: &str,
    pairs: &[(String, String)],
    whose: Whose<'_>,
) -> Result<CaseRecord, FormErrors> {
    let mut e = FormErrors::default();
    let id = id.to_owned();
    // A new arrangement's form names its child.
    let asks_child = matches!(whose, Whose::Fostered(None));
    let child = if asks_child {
        let named = named_child(pairs);
        if named.is_none() {
            if field(pairs, "child").unwrap_or("").trim().is_empty() {
                e.add("child", "Enter the child's identifier");
            } else {
                e.add(
                    "child",
                    format!(
                        "The child's identifier is letters and digits only, at most {}",
                        ChildId::MAX_LEN
                    ),
                );
            }
        }
        named
    } else {
        whose.child().cloned()
    };
    let record = match (kind, child) {
        ("secure_review", Some(child)) => {
            let placed = date_field(
                &mut e,
                pairs,
                "placed",
                "the day the child was placed in secure accommodation",
                true,
            );
            let date = date_field(&mut e, pairs, "date", "the date of the review", true);
            let decision = pick(
                &mut e,
                pairs,
                "decision",
                SecureDecision::from_key,
                Some("Select the panel's decision"),
            );
            match (placed, date, decision) {
                (Some(placed), Some(date), Some(decision)) => {
                    Some(CaseRecord::SecureReview(SecureReview {
                        id,
                        child,
                        placed,
                        date,
                        decision,
                    }))
                }
                _ => None,
            }
        }
        (NOTIFICATION, child) if child.is_some() || asks_child => {
            let notified = date_field(
                &mut e,
                pairs,
                "date",
                "the day the council was notified",
                true,
            );
            let notified_by = pick(
                &mut e,
                pairs,
                "notified_by",
                Notifier::from_key,
                Some("Select who notified the council"),
            );
            let start = date_field(
                &mut e,
                pairs,
                "start",
                "the day the arrangement began or is to begin",
                true,
            );
            let visits = dates_field(&mut e, pairs, "visits");
            let arrangement_end =
                date_field(&mut e, pairs, "end", "the day the arrangement ended", false);
            match (child, notified, notified_by, start) {
                (Some(child), Some(notified), Some(notified_by), Some(proposed_start)) => Some(
                    CaseRecord::PrivateFosteringNotification(PrivateFosteringNotification {
                        id,
                        child,
                        notified,
                        notified_by,
                        proposed_start,
                        visits,
                        arrangement_end,
                    }),
                ),
                _ => None,
            }
        }
        (FOSTERING, child) if child.is_some() || asks_child => {
            let start = date_field(
                &mut e,
                pairs,
                "start",
                "the day the arrangement began",
                true,
            );
            let date = date_field(&mut e, pairs, "date", "the date of the review", true);
            let arrangement_end =
                date_field(&mut e, pairs, "end", "the day the arrangement ended", false);
            match (child, start, date) {
                (Some(child), Some(arrangement_start), Some(date)) => {
                    Some(CaseRecord::PrivateFosteringReview(PrivateFosteringReview {
                        id,
                        child,
                        arrangement_start,
                        date,
                        arrangement_end,
                    }))
                }
                _ => None,
            }
        }
        ("disruption_meeting", Some(_)) => {
            let date = date_field(&mut e, pairs, "date", "the date of the meeting", true);
            let ended = date_field(
                &mut e,
                pairs,
                "placement_ended",
                "the day the placement ended",
                true,
            );
            let mut children: Vec<ChildId> = Vec::new();
            for raw in field(pairs, "children")
                .unwrap_or("")
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|s| !s.is_empty())
            {
                match raw.parse::<ChildId>() {
                    Ok(c) if !children.contains(&c) => children.push(c),
                    Ok(_) => {}
                    Err(_) => e.add(
                        "children",
                        "Enter the children's identifiers, separated by commas",
                    ),
                }
            }
            match (date, ended) {
                (Some(date), Some(placement_ended)) => {
                    Some(CaseRecord::DisruptionMeeting(DisruptionMeeting {
                        id,
                        date,
                        children,
                        placement_ended,
                    }))
                }
                _ => None,
            }
        }
        ("protection_plan", Some(child)) => {
            let start = date_field(&mut e, pairs, "start", "the day the plan began", true);
            let end = date_field(&mut e, pairs, "end", "the day the plan ended", false);
            start.map(|start| {
                CaseRecord::ProtectionPlan(ChildProtectionPlan {
                    id,
                    child,
                    start,
                    end,
                })
            })
        }
        ("protection_conference", Some(child)) => {
            date_field(&mut e, pairs, "date", "the date of the conference", true).map(|date| {
                CaseRecord::ProtectionConference(ProtectionConference { id, child, date })
            })
        }
        ("life_story", Some(child)) => {
            let date = date_field(&mut e, pairs, "date", "the date it stood so", true);
            let status = pick(
                &mut e,
                pairs,
                "status",
                LifeStoryStatus::from_key,
                Some("Select where the life-story work stands"),
            );
            // From the council's list: checked with the record
            // (`CaseRecord::settle_lists`, in `not_on_lists`).
            let form = field(pairs, "form")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            match (date, status) {
                (Some(date), Some(status)) => Some(CaseRecord::LifeStory(LifeStoryWork {
                    id,
                    child,
                    date,
                    status,
                    form,
                })),
                _ => None,
            }
        }
        ("advocacy", Some(child)) => {
            let date = date_field(&mut e, pairs, "date", "the date", true);
            let kind = pick(
                &mut e,
                pairs,
                "advocacy_kind",
                AdvocacyKind::from_key,
                Some("Select what the advocate did"),
            );
            let care_leaver = field(pairs, "care_leaver") == Some("yes");
            match (date, kind) {
                (Some(date), Some(kind)) => Some(CaseRecord::Advocacy(
                    footprint_domain::case_records::Advocacy {
                        id,
                        child,
                        date,
                        kind,
                        care_leaver,
                    },
                )),
                _ => None,
            }
        }
        ("views", Some(child)) => {
            let date = date_field(&mut e, pairs, "date", "the date of the review", true);
            // From the council's list: checked with the record
            // (`CaseRecord::settle_lists`, in `not_on_lists`).
            let route = match field(pairs, "route").map(str::trim).unwrap_or("") {
                "" => {
                    e.add("route", "Select how the child's views reached the review");
                    None
                }
                s => Some(s.to_owned()),
            };
            match (date, route) {
                (Some(review_date), Some(route)) => Some(CaseRecord::Views(ChildViews {
                    id,
                    child,
                    review_date,
                    route,
                })),
                _ => None,
            }
        }
        ("case_alert", Some(child)) => {
            let raised = date_field(&mut e, pairs, "date", "the day the alert was raised", true);
            let closed = date_field(
                &mut e,
                pairs,
                "closed",
                "the day the alert was closed",
                false,
            );
            let outcome = pick(&mut e, pairs, "outcome", AlertOutcome::from_key, None);
            let theme = field(pairs, "theme").unwrap_or("").trim().to_owned();
            let sub_theme = field(pairs, "sub_theme")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            raised.map(|raised| {
                CaseRecord::CaseAlert(CaseAlert {
                    id,
                    child,
                    raised,
                    theme,
                    sub_theme,
                    closed,
                    outcome,
                })
            })
        }
        ("case_file_audit", Some(child)) => {
            let requested = date_field(
                &mut e,
                pairs,
                "date",
                "the day the audit was requested",
                true,
            );
            let requested_by = pick(
                &mut e,
                pairs,
                "requested_by",
                AuditRequester::from_key,
                Some("Select who requested the audit"),
            );
            // From the council's challenge themes: checked with the record
            // (`CaseRecord::list_theme`, in `list_theme`).
            let theme = field(pairs, "theme")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let outcome = pick(
                &mut e,
                pairs,
                "audit_outcome",
                |k| match k {
                    "completed" => Some(AuditStatus::Completed),
                    "cancelled" => Some(AuditStatus::Cancelled),
                    _ => None,
                },
                None,
            );
            let ended = date_field(
                &mut e,
                pairs,
                "end",
                "the day the audit was completed or cancelled",
                outcome.is_some(),
            );
            if ended.is_some()
                && outcome.is_none()
                && !e.0.iter().any(|x| x.field == "audit_outcome")
            {
                e.add(
                    "audit_outcome",
                    "Select whether the audit was completed or cancelled on that day",
                );
            }
            let grade = pick(&mut e, pairs, "grade", QualityGrade::from_key, None);
            let findings = field(pairs, "findings")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            if findings
                .as_deref()
                .is_some_and(|f| f.chars().count() > FINDINGS_MAX)
            {
                e.add(
                    "findings",
                    format!("The findings must be {FINDINGS_MAX} characters or fewer"),
                );
            }
            match (requested, requested_by) {
                (Some(requested), Some(requested_by)) => {
                    Some(CaseRecord::CaseFileAudit(CaseFileAudit {
                        id,
                        child,
                        requested,
                        requested_by,
                        theme,
                        completed: ended.filter(|_| outcome == Some(AuditStatus::Completed)),
                        grade,
                        findings,
                        cancelled: ended.filter(|_| outcome == Some(AuditStatus::Cancelled)),
                    }))
                }
                _ => None,
            }
        }
        (CARER, None) => {
            let household = field(pairs, "household").unwrap_or("").trim().to_owned();
            let approved = date_field(
                &mut e,
                pairs,
                "approved",
                "the day the household was approved",
                true,
            );
            let date = date_field(&mut e, pairs, "date", "the date of the review", true);
            let kind = pick(
                &mut e,
                pairs,
                "carer_kind",
                CarerReviewKind::from_key,
                Some("Select first or annual review"),
            );
            let to_panel = match field(pairs, "to_panel") {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => {
                    e.add(
                        "to_panel",
                        "Select whether the review went to the fostering panel",
                    );
                    None
                }
            };
            match (approved, date, kind, to_panel) {
                (Some(approved), Some(date), Some(kind), Some(to_panel)) => {
                    Some(CaseRecord::FosterCarerReview(FosterCarerReview {
                        id,
                        household,
                        approved,
                        date,
                        kind,
                        to_panel,
                    }))
                }
                _ => None,
            }
        }
        _ => {
            e.add("kind", "This kind of record cannot be recorded here");
            None
        }
    };
    // A household left blank is the check's to refuse, on its field, with
    // the rest of the record's problems.
    if record.is_none()
        && kind == CARER
        && field(pairs, "household").unwrap_or("").trim().is_empty()
    {
        e.add(
            "household",
            capitalise(&CaseRecordError::NoHousehold.to_string()),
        );
    }
    if let Some(r) = &record
        && let Err(problem) = r.check()
    {
        let f = field_of(&problem);
        if !e.0.iter().any(|x| x.field == f) {
            e.add(f, capitalise(&problem.to_string()));
        }
    }
    match record {
        Some(r) if e.is_empty() => Ok(r),
        _ => Err(e),
    }
}

/// The form's fields for a record held (what a correction form shows).
fn form_of(r: &CaseRecord) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| out.push((k.to_owned(), v));
    let opt = |d: Option<NaiveDate>| d.map(iso).unwrap_or_default();
    match r {
        CaseRecord::SecureReview(x) => {
            put("placed", iso(x.placed));
            put("date", iso(x.date));
            put("decision", x.decision.key().to_owned());
        }
        CaseRecord::PrivateFosteringReview(x) => {
            put("start", iso(x.arrangement_start));
            put("date", iso(x.date));
            put("end", opt(x.arrangement_end));
        }
        CaseRecord::FosterCarerReview(x) => {
            put("household", x.household.clone());
            put("approved", iso(x.approved));
            put("date", iso(x.date));
            put("carer_kind", x.kind.key().to_owned());
            put("to_panel", if x.to_panel { "yes" } else { "no" }.to_owned());
        }
        CaseRecord::DisruptionMeeting(x) => {
            put("date", iso(x.date));
            put("placement_ended", iso(x.placement_ended));
            put(
                "children",
                x.children
                    .iter()
                    .map(ChildId::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        CaseRecord::ProtectionPlan(x) => {
            put("start", iso(x.start));
            put("end", opt(x.end));
        }
        CaseRecord::ProtectionConference(x) => put("date", iso(x.date)),
        CaseRecord::LifeStory(x) => {
            put("date", iso(x.date));
            put("status", x.status.key().to_owned());
            put("form", x.form.clone().unwrap_or_default());
        }
        CaseRecord::Advocacy(x) => {
            put("date", iso(x.date));
            put("advocacy_kind", x.kind.key().to_owned());
            put(
                "care_leaver",
                if x.care_leaver { "yes" } else { "" }.to_owned(),
            );
        }
        CaseRecord::Views(x) => {
            put("date", iso(x.review_date));
            put("route", x.route.clone());
        }
        CaseRecord::PrivateFosteringNotification(x) => {
            put("date", iso(x.notified));
            put("notified_by", x.notified_by.key().to_owned());
            put("start", iso(x.proposed_start));
            put(
                "visits",
                x.visits
                    .iter()
                    .map(|d| iso(*d))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            put("end", opt(x.arrangement_end));
        }
        CaseRecord::CaseAlert(x) => {
            put("date", iso(x.raised));
            put("theme", x.theme.clone());
            put(
                "sub_theme",
                x.sub_theme
                    .as_ref()
                    .map(|s| format!("{}.{s}", x.theme))
                    .unwrap_or_default(),
            );
            put("closed", opt(x.closed));
            put(
                "outcome",
                x.outcome.map(|o| o.key().to_owned()).unwrap_or_default(),
            );
        }
        CaseRecord::CaseFileAudit(x) => {
            put("date", iso(x.requested));
            put("requested_by", x.requested_by.key().to_owned());
            put("theme", x.theme.clone().unwrap_or_default());
            let (outcome, end) = match (x.completed, x.cancelled) {
                (Some(c), _) => ("completed", iso(c)),
                (None, Some(c)) => ("cancelled", iso(c)),
                (None, None) => ("", String::new()),
            };
            put("audit_outcome", outcome.to_owned());
            put("end", end);
            put(
                "grade",
                x.grade.map(|g| g.key().to_owned()).unwrap_or_default(),
            );
            put("findings", x.findings.clone().unwrap_or_default());
        }
    }
    out
}

/// A case file audit in words (never its findings): who requested it, its
/// theme, and where it stands.
fn audit_summary(x: &CaseFileAudit, lists: &MeasureSettings) -> String {
    let theme = x
        .theme
        .as_deref()
        .map(|t| format!("; {}", lists.challenge_themes.label(t)))
        .unwrap_or_default();
    let stands = match (x.completed, x.cancelled) {
        (Some(c), _) => format!(
            "completed {}: {}",
            uk(c),
            x.grade.map_or("not graded", QualityGrade::label)
        ),
        (None, Some(c)) => format!("cancelled {}", uk(c)),
        (None, None) => "open".to_owned(),
    };
    format!(
        "Requested by {}{theme}; {stands}",
        x.requested_by.label().to_lowercase().replace("iro", "IRO"),
    )
}

/// A record in words: its date (the day it is listed under) and what it
/// holds beyond its kind.
fn summary(r: &CaseRecord, lists: &MeasureSettings) -> (NaiveDate, String) {
    match r {
        CaseRecord::SecureReview(x) => (
            x.date,
            format!("Placed {}; {}", uk(x.placed), x.decision.label()),
        ),
        CaseRecord::PrivateFosteringReview(x) => (
            x.date,
            match x.arrangement_end {
                Some(end) => format!(
                    "Arrangement began {}, ended {}",
                    uk(x.arrangement_start),
                    uk(end)
                ),
                None => format!("Arrangement began {}", uk(x.arrangement_start)),
            },
        ),
        CaseRecord::FosterCarerReview(x) => (
            x.date,
            format!(
                "Household {}; approved {}; {}{}",
                x.household,
                uk(x.approved),
                x.kind.label(),
                if x.to_panel { "; to panel" } else { "" }
            ),
        ),
        CaseRecord::DisruptionMeeting(x) => (
            x.date,
            format!(
                "Placement ended {}; children {}",
                uk(x.placement_ended),
                x.children
                    .iter()
                    .map(ChildId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        CaseRecord::ProtectionPlan(x) => (
            x.start,
            match x.end {
                Some(e) => format!("Began {}; ended {}", uk(x.start), uk(e)),
                None => format!("Began {}; open", uk(x.start)),
            },
        ),
        CaseRecord::ProtectionConference(x) => (x.date, String::new()),
        CaseRecord::LifeStory(x) => (
            x.date,
            format!(
                "{}{}",
                x.status.label(),
                x.form
                    .as_deref()
                    .map(|f| format!("; {}", lists.life_story_forms.label(f)))
                    .unwrap_or_default()
            ),
        ),
        CaseRecord::Advocacy(x) => (
            x.date,
            format!(
                "{}{}",
                x.kind.label(),
                if x.care_leaver { "; a care leaver" } else { "" }
            ),
        ),
        CaseRecord::Views(x) => (x.review_date, lists.views_routes.label(&x.route).to_owned()),
        CaseRecord::PrivateFosteringNotification(x) => (
            x.notified,
            format!(
                "Notified by {}; arrangement to begin {}; {} visit{}{}{}",
                x.notified_by.label().to_lowercase(),
                uk(x.proposed_start),
                x.visits.len(),
                if x.visits.len() == 1 { "" } else { "s" },
                x.visits
                    .iter()
                    .max()
                    .map(|d| format!(", the latest {}", uk(*d)))
                    .unwrap_or_default(),
                x.arrangement_end
                    .map(|e| format!("; ended {}", uk(e)))
                    .unwrap_or_default(),
            ),
        ),
        CaseRecord::CaseFileAudit(x) => (x.requested, audit_summary(x, lists)),
        CaseRecord::CaseAlert(x) => (
            x.raised,
            format!(
                "{}{}",
                x.theme,
                match (x.closed, x.outcome) {
                    (Some(c), Some(o)) => format!("; closed {}: {}", uk(c), o.label()),
                    (Some(c), None) => format!("; closed {}", uk(c)),
                    _ => "; open".to_owned(),
                }
            ),
        ),
    }
}

/// Whether a record is the child's: about them, or a disruption meeting
/// that names them.
fn concerns(r: &CaseRecord, child: &ChildId) -> bool {
    match r {
        CaseRecord::DisruptionMeeting(m) => m.children.contains(child),
        _ => r.child() == Some(child),
    }
}

/// The record of `kind` with `id` held for `whose`, as it stands.
fn held(ds: &Dataset, whose: Whose<'_>, kind: &str, id: &str) -> Result<CaseRecord, AppError> {
    ds.case_records
        .all()
        .into_iter()
        .find(|r| {
            r.kind() == kind
                && r.id() == id
                && match whose {
                    Whose::Child(c) | Whose::Fostered(Some(c)) => concerns(r, c),
                    Whose::Household => kind == CARER,
                    Whose::Fostered(None) => false,
                }
        })
        .ok_or(AppError::NotFound("record"))
}

fn keyed<T: Copy>(
    all: &[T],
    key: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Value> {
    all.iter()
        .map(|v| context! { key => key(*v), label => label(*v) })
        .collect()
}

/// What every form needs: the kind and the lists to choose from (the
/// council's lists with the value `held` holds, though retired).
fn options(
    kind: &str,
    themes: &[Value],
    lists: Option<&MeasureSettings>,
    held: Option<&CaseRecord>,
) -> Value {
    let held_value = |list: FormList| {
        held.and_then(|h| {
            h.list_values()
                .into_iter()
                .find(|(l, _, _)| *l == list)
                .map(|(_, _, v)| v)
        })
    };
    context! {
        kind,
        kind_label => label_of(kind),
        decisions => keyed(SecureDecision::ALL, SecureDecision::key, SecureDecision::label),
        statuses => keyed(LifeStoryStatus::ALL, LifeStoryStatus::key, LifeStoryStatus::label),
        life_story_forms => lists.map(|l| super::list_options(&l.life_story_forms, held_value(FormList::LifeStoryForms))),
        advocacy_kinds => keyed(AdvocacyKind::ALL, AdvocacyKind::key, AdvocacyKind::label),
        routes => lists.map(|l| super::list_options(&l.views_routes, held_value(FormList::ViewsRoutes))),
        outcomes => keyed(AlertOutcome::ALL, AlertOutcome::key, AlertOutcome::label),
        carer_kinds => keyed(CarerReviewKind::ALL, CarerReviewKind::key, CarerReviewKind::label),
        notifiers => keyed(Notifier::ALL, Notifier::key, Notifier::label),
        requesters => keyed(AuditRequester::ALL, AuditRequester::key, AuditRequester::label),
        grades => keyed(&QualityGrade::ALL, QualityGrade::key, QualityGrade::label),
        audit_outcomes => [("completed", "Completed"), ("cancelled", "Cancelled")].map(|(key, label)| context! { key, label }),
        audit_themes => lists.map(|l| super::list_options(&l.challenge_themes.themes(), match held {
            Some(CaseRecord::CaseFileAudit(a)) => a.theme.as_deref(),
            _ => None,
        })),
        themes,
    }
}

fn form_map(pairs: &[(String, String)]) -> std::collections::BTreeMap<&str, &str> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn version_rows(versions: &[CaseRecordVersion], lists: &MeasureSettings) -> Vec<Value> {
    versions
        .iter()
        .rev()
        .map(|v| {
            let (date, detail) = summary(&v.record, lists);
            context! {
                version => v.version,
                event => match v.event.as_str() {
                    "import" => "Imported",
                    "entry" => "Recorded",
                    _ => "Corrected",
                },
                written_at => v.written_at.format("%-d %b %Y %H:%M").to_string(),
                written_by => v.written_by.clone(),
                reason => v.reason.clone(),
                changed => v.changed.join(", "),
                record => format!("{}{}{detail}", uk(date), if detail.is_empty() { "" } else { ": " }),
            }
        })
        .collect()
}

/// Everything a form page shows, and the page.
struct FormPage<'a> {
    whose: Whose<'a>,
    kind: &'static str,
    form: &'a [(String, String)],
    errors: Vec<crate::view::FieldError>,
    correcting: Option<&'a str>,
    versions: Vec<Value>,
    covering_needed: bool,
    themes: &'a [Value],
    /// The council's lists the form offers (none on a household's or a
    /// private fostering review's form, which offers none).
    lists: Option<&'a MeasureSettings>,
    /// The record corrected, whose values the form offers though retired.
    held: Option<&'a CaseRecord>,
}

impl FormPage<'_> {
    async fn render(self, state: &AppState, page: &Page, status: StatusCode) -> Response {
        let action = match self.correcting {
            Some(id) => self.whose.correct_action(self.kind, id),
            None => self.whose.record_action(),
        };
        let ctx = context! {
            child => self.whose.child().map(ToString::to_string),
            asks_child => matches!(self.whose, Whose::Fostered(None)),
            back => self.whose.back(),
            back_label => self.whose.back_label(),
            action,
            form => form_map(self.form),
            errors => self.errors,
            correcting => self.correcting,
            versions => self.versions,
            covering_needed => self.covering_needed,
            ..options(self.kind, self.themes, self.lists, self.held)
        };
        page.render_status(state, status, "case_record_form.html", ctx)
            .await
    }
}

// -- a child's records -------------------------------------------------------

/// GET /children/{child}/case-records/new?kind=KIND — the form for a new
/// record.
pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Query(q): Query<KindQuery>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let whose = Whose::Child(&id);
        let kind = kind_of(q.kind.as_deref().unwrap_or("secure_review"), whose)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        // A disruption meeting names this child to begin with.
        let form = if kind == "disruption_meeting" {
            vec![("children".to_owned(), id.to_string())]
        } else {
            Vec::new()
        };
        let lists = super::settings(&state).await?;
        let themes = themes_for(&lists.challenge_themes, None);
        Ok(FormPage {
            whose,
            kind,
            form: &form,
            errors: Vec::new(),
            correcting: None,
            versions: Vec::new(),
            covering_needed: whose.needs_cover(&ds, Some(&id), &user, state.clock.today()),
            themes: &themes,
            lists: Some(&lists),
            held: None,
        }
        .render(&state, &page, StatusCode::OK)
        .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /children/{child}/case-records — records a new record.
pub async fn record(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let whose = Whose::Child(&id);
        let kind = kind_of(field(&pairs, "kind").unwrap_or(""), whose)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        save_new(&state, &page, &user, whose, &ds, kind, &pairs, &cover).await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// Records a new record of `kind` from the form, or shows the form again
/// with every problem (nothing written).
#[allow(clippy::too_many_arguments)]
async fn save_new(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    whose: Whose<'_>,
    ds: &Dataset,
    kind: &'static str,
    pairs: &[(String, String)],
    cover: &str,
) -> Result<Response, AppError> {
    let rid = new_id();
    let lists = super::settings(state).await?;
    let mut errors = match parse_record(kind, &rid, pairs, whose) {
        Ok(mut r) => match not_on_lists(&lists, &mut r, None)
            .or(list_theme(&lists.challenge_themes, &mut r, None))
            .or(not_held(state, &r).await?)
        {
            Some(e) => e,
            None => match state.store.record_case_record(&r, &user.name).await {
                Ok(()) => {
                    audit(
                        state,
                        user,
                        &format!("{}.record", whose.audit_prefix()),
                        whose.child().or(r.child()),
                        &format!("{kind} {rid}{cover}"),
                    )
                    .await?;
                    page.flash(&format!("{} recorded", label_of(kind))).await;
                    return Ok(Redirect::to(&whose.after(&r)).into_response());
                }
                Err(StoreError::Invalid(msg)) => {
                    let mut e = FormErrors::default();
                    e.add("kind", msg);
                    e
                }
                Err(e) => return Err(e.into()),
            },
        },
        Err(e) => e,
    };
    errors
        .0
        .dedup_by(|a, b| a.field == b.field && a.message == b.message);
    let themes = themes_for(&lists.challenge_themes, None);
    let named: Option<ChildId> = match whose {
        Whose::Fostered(None) => named_child(pairs),
        _ => whose.child().cloned(),
    };
    Ok(FormPage {
        whose,
        kind,
        form: pairs,
        errors: errors.0,
        correcting: None,
        versions: Vec::new(),
        covering_needed: whose.needs_cover(ds, named.as_ref(), user, state.clock.today()),
        themes: &themes,
        lists: Some(&lists),
        held: None,
    }
    .render(state, page, StatusCode::UNPROCESSABLE_ENTITY)
    .await)
}

/// A value not on the council's list its field offers, as an error on its
/// field: the one rule the import asks too ([`CaseRecord::settle_lists`],
/// which holds a value named by its label as the entry's key). A
/// correction may keep the value the record holds (`held`).
fn not_on_lists(
    lists: &MeasureSettings,
    r: &mut CaseRecord,
    held: Option<&CaseRecord>,
) -> Option<FormErrors> {
    let refused = r.settle_lists(lists, held);
    if refused.is_empty() {
        return None;
    }
    let mut e = FormErrors::default();
    for (_, field, _) in refused {
        e.add(field, "Select one from the list");
    }
    Some(e)
}

/// The themes a case alert's form offers, each with its sub-themes: the
/// council's list, and the theme the alert being corrected holds, though
/// retired or taken off the list.
fn themes_for(list: &ThemeList, held: Option<&CaseRecord>) -> Vec<Value> {
    let held = match held {
        Some(CaseRecord::CaseAlert(a)) if !a.theme.is_empty() => {
            Some((vec![a.theme.clone()], a.sub_theme.clone()))
        }
        _ => None,
    };
    super::challenges::theme_choices(
        list,
        held.as_ref().map(|(t, s)| (t.as_slice(), s.as_deref())),
    )
}

/// Puts a case alert's theme and sub-theme as the council's list holds them
/// (`CaseRecord::list_theme`, the rule the import asks too), or gives the
/// refusal on its field: a theme not on the list, a sub-theme not under the
/// theme chosen. A correction may keep the theme the alert holds, though
/// the council has since taken it off the list.
fn list_theme(
    list: &ThemeList,
    r: &mut CaseRecord,
    held: Option<&CaseRecord>,
) -> Option<FormErrors> {
    if let CaseRecord::CaseFileAudit(_) = r {
        return r.list_theme(list, held).err().map(|_| {
            let mut e = FormErrors::default();
            e.add("theme", "Select a theme from the list");
            e
        });
    }
    let CaseRecord::CaseAlert(a) = r else {
        return None;
    };
    let mut e = FormErrors::default();
    // The form's sub-theme names the theme it is under (`theme.sub`).
    if let Some((under, sub)) = a
        .sub_theme
        .clone()
        .as_deref()
        .and_then(|s| s.split_once('.'))
    {
        if list.key_of(under) != list.key_of(&a.theme) {
            e.add("sub_theme", "Select a sub-theme under the theme chosen");
            return Some(e);
        }
        a.sub_theme = Some(sub.to_owned());
    }
    match r.list_theme(list, held) {
        Ok(()) => None,
        Err(ThemeRefusal::Theme(_)) => {
            e.add("theme", "Select a theme from the list");
            Some(e)
        }
        Err(refusal @ ThemeRefusal::SubTheme { .. }) => {
            e.add(
                "sub_theme",
                format!("Select a sub-theme under the theme chosen: {refusal}"),
            );
            Some(e)
        }
    }
}

/// The children a disruption meeting names that are not held, as an error
/// on its field.
async fn not_held(state: &AppState, r: &CaseRecord) -> Result<Option<FormErrors>, AppError> {
    let CaseRecord::DisruptionMeeting(m) = r else {
        return Ok(None);
    };
    let missing = state.store.children_not_held(&m.children).await?;
    if missing.is_empty() {
        return Ok(None);
    }
    let mut e = FormErrors::default();
    e.add(
        "children",
        format!(
            "No child is held with the identifier {}",
            missing
                .iter()
                .map(ChildId::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    Ok(Some(e))
}

/// GET /children/{child}/case-records/{kind}/{id}/edit — the correction
/// form, with every version held.
pub async fn correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_kind, rid)): Path<(String, String, String)>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let whose = Whose::Child(&id);
        let kind = kind_of(&raw_kind, whose)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let covering_needed = whose.needs_cover(&ds, Some(&id), &user, state.clock.today());
        show_correction(
            &state,
            &page,
            &user,
            whose,
            &ds,
            kind,
            &rid,
            covering_needed,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

#[allow(clippy::too_many_arguments)]
async fn show_correction(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    whose: Whose<'_>,
    ds: &Dataset,
    kind: &'static str,
    rid: &str,
    covering_needed: bool,
) -> Result<Response, AppError> {
    let r = held(ds, whose, kind, rid)?;
    let versions = state.store.case_record_versions(kind, rid).await?;
    audit(
        state,
        user,
        &format!("{}.view_versions", whose.audit_prefix()),
        whose.child(),
        &format!("{kind} {rid}"),
    )
    .await?;
    let form = form_of(&r);
    let lists = super::settings(state).await?;
    let themes = themes_for(&lists.challenge_themes, Some(&r));
    Ok(FormPage {
        whose,
        kind,
        form: &form,
        errors: Vec::new(),
        correcting: Some(rid),
        versions: version_rows(&versions, &lists),
        covering_needed,
        themes: &themes,
        lists: Some(&lists),
        held: Some(&r),
    }
    .render(state, page, StatusCode::OK)
    .await)
}

/// POST /children/{child}/case-records/{kind}/{id} — corrects a record: a
/// new version with who, when and why; the earlier ones kept.
pub async fn correct(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, raw_kind, rid)): Path<(String, String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let whose = Whose::Child(&id);
        let kind = kind_of(&raw_kind, whose)?;
        let ds = child_records(&state, &id).await?;
        ensure_child(&ds, &id)?;
        let today = state.clock.today();
        let cover = caseload_scope(&state, &ds, &id, &user, today, &pairs).await?;
        save_correction(&state, &page, &user, whose, &ds, kind, &rid, &pairs, &cover).await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// Corrects the record of `kind` with `rid` from the form, or shows the
/// form again with every problem (nothing written).
#[allow(clippy::too_many_arguments)]
async fn save_correction(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    whose: Whose<'_>,
    ds: &Dataset,
    kind: &'static str,
    rid: &str,
    pairs: &[(String, String)],
    cover: &str,
) -> Result<Response, AppError> {
    let held_record = held(ds, whose, kind, rid)?;
    let reason = field(pairs, "correction_reason")
        .unwrap_or("")
        .trim()
        .to_owned();
    let lists = super::settings(state).await?;
    let mut parsed = parse_record(kind, rid, pairs, whose);
    let mut errors = match &mut parsed {
        Ok(r) => match not_on_lists(&lists, r, Some(&held_record)) {
            Some(e) => e,
            None => list_theme(&lists.challenge_themes, r, Some(&held_record))
                .or(not_held(state, r).await?)
                .unwrap_or_default(),
        },
        Err(e) => e.clone(),
    };
    if reason.is_empty() {
        errors.add(
            "correction_reason",
            "Enter why the record is being corrected",
        );
    } else if reason.chars().count() > REASON_MAX {
        errors.add(
            "correction_reason",
            "The reason must be 500 characters or fewer",
        );
    }
    if let Ok(now) = &parsed
        && errors.is_empty()
    {
        let correction = Correction {
            by: user.name.clone(),
            reason,
        };
        match state.store.correct_case_record(now, &correction).await {
            Ok(changed) if changed.is_empty() => {
                page.flash("Nothing was changed: the record already held these details")
                    .await;
                return Ok(Redirect::to(&whose.back()).into_response());
            }
            Ok(changed) => {
                audit(
                    state,
                    user,
                    &format!("{}.correct", whose.audit_prefix()),
                    whose.child(),
                    &format!("{kind} {rid};changed={}{cover}", changed.join(",")),
                )
                .await?;
                page.flash(&format!("{} corrected", label_of(kind))).await;
                return Ok(Redirect::to(&whose.back()).into_response());
            }
            Err(StoreError::Invalid(msg)) => errors.add("kind", msg),
            Err(e) => return Err(e.into()),
        }
    }
    let versions = state.store.case_record_versions(kind, rid).await?;
    let themes = themes_for(&lists.challenge_themes, Some(&held_record));
    Ok(FormPage {
        whose,
        kind,
        form: pairs,
        errors: errors.0,
        correcting: Some(rid),
        versions: version_rows(&versions, &lists),
        covering_needed: whose.needs_cover(ds, whose.child(), user, state.clock.today()),
        themes: &themes,
        lists: Some(&lists),
        held: Some(&held_record),
    }
    .render(state, page, StatusCode::UNPROCESSABLE_ENTITY)
    .await)
}

/// The child's records for the child's page, newest first, each in words.
pub(crate) fn record_rows(ds: &Dataset, id: &ChildId, lists: &MeasureSettings) -> Vec<Value> {
    let mut rows: Vec<(NaiveDate, Value)> = ds
        .case_records
        .all()
        .into_iter()
        .filter(|r| concerns(r, id))
        .map(|r| {
            let (date, detail) = summary(&r, lists);
            (
                date,
                context! {
                    kind => r.kind(),
                    kind_label => label_of(r.kind()),
                    id => r.id(),
                    date => uk(date),
                    detail,
                },
            )
        })
        .collect();
    rows.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    rows.into_iter().map(|(_, v)| v).collect()
}

/// The kinds a child's form records, for the child's page's links.
pub(crate) fn kinds() -> Vec<Value> {
    CaseRecord::KINDS
        .iter()
        .filter(|k| **k != CARER)
        .map(|k| context! { key => k, label => label_of(k) })
        .collect()
}

/// What is due of the child's records with a timescale.
pub(crate) async fn due_for(
    state: &AppState,
    ds: &Dataset,
    id: &ChildId,
) -> Result<Vec<daily::CaseRecordDue>, AppError> {
    let t = settings(state).await?.case_records;
    Ok(
        daily::case_records_due(ds, state.clock.today(), &t, &state.calendar)
            .into_iter()
            .filter(|d| d.child == id.as_str())
            .collect(),
    )
}

// -- case file audits (IROs and the manager) ----------------------------------

/// GET /case-file-audits — every case file audit held: those open first
/// (the longest requested first), then the rest, the latest requested
/// first. Each is recorded and corrected from its child's page. The
/// findings are not shown here.
pub async fn audit_list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<crate::paging::PageQuery>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        audit(&state, &user, "case_file_audit.list", None, "").await?;
        let lists = settings(&state).await?;
        let today = state.clock.today();
        let mut audits: Vec<&CaseFileAudit> = ds.case_records.case_file_audits.iter().collect();
        let open_on = |a: &CaseFileAudit| a.status_on(today) == AuditStatus::Open;
        audits.sort_by(|a, b| {
            open_on(b).cmp(&open_on(a)).then_with(|| {
                if open_on(a) {
                    (a.requested, &a.child, &a.id).cmp(&(b.requested, &b.child, &b.id))
                } else {
                    (b.requested, &b.child, &b.id).cmp(&(a.requested, &a.child, &a.id))
                }
            })
        });
        let open = audits.iter().filter(|a| open_on(a)).count();
        let rows: Vec<Value> = audits
            .iter()
            .map(|a| {
                let stands = match (a.completed, a.cancelled) {
                    (Some(c), _) => format!(
                        "Completed {}: {}",
                        uk(c),
                        a.grade.map_or("not graded", QualityGrade::label)
                    ),
                    (None, Some(c)) => format!("Cancelled {}", uk(c)),
                    (None, None) => "Open".to_owned(),
                };
                context! {
                    child => a.child.to_string(),
                    id => a.id.clone(),
                    requested => uk(a.requested),
                    requested_iso => iso(a.requested),
                    requested_by => a.requested_by.label(),
                    theme => a.theme.as_deref().map(|t| lists.challenge_themes.label(t).to_owned()),
                    status => a.status_on(today).key(),
                    stands,
                }
            })
            .collect();
        let (rows, pager) = crate::paging::page(rows, &q.page, "/case-file-audits", &[]);
        Ok(page
            .render(
                &state,
                "case_file_audits.html",
                context! { rows, pager, open },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

// -- foster carer reviews (the manager) --------------------------------------

/// GET /foster-carer-reviews — every foster carer review held, newest
/// first, and what is due of each household.
pub async fn carer_reviews(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<CarerQuery>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        audit(&state, &user, "foster_carer_review.list", None, "").await?;
        let t = settings(&state).await?.case_records;
        let due: Vec<daily::CaseRecordDue> =
            daily::case_records_due(&ds, state.clock.today(), &t, &state.calendar)
                .into_iter()
                .filter(|d| d.kind == CARER)
                .collect();
        let overdue = due.iter().filter(|d| d.status == "overdue").count();
        let (due, due_pager) = crate::paging::page_as(
            due,
            &q.due_page,
            "due_page",
            "/foster-carer-reviews",
            &[("page", q.page.as_str())],
        );
        let mut reviews: Vec<&FosterCarerReview> =
            ds.case_records.foster_carer_reviews.iter().collect();
        reviews.sort_by(|a, b| (b.date, &b.household, &b.id).cmp(&(a.date, &a.household, &a.id)));
        let rows: Vec<Value> = reviews
            .into_iter()
            .map(|r| {
                context! {
                    id => r.id.clone(), household => r.household.clone(),
                    approved => uk(r.approved), date => uk(r.date),
                    kind => r.kind.label(), to_panel => r.to_panel,
                }
            })
            .collect();
        let (rows, pager) = crate::paging::page(
            rows,
            &q.page,
            "/foster-carer-reviews",
            &[("due_page", q.due_page.as_str())],
        );
        Ok(page
            .render(
                &state,
                "foster_carer_reviews.html",
                context! { rows, pager, due, due_pager, overdue },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /foster-carer-reviews/new — the form for a new foster carer review.
pub async fn carer_new_form(
    State(state): State<AppState>,
    page: Page,
    _user: CurrentUser,
) -> Response {
    let form: Vec<(String, String)> = Vec::new();
    FormPage {
        whose: Whose::Household,
        kind: CARER,
        form: &form,
        errors: Vec::new(),
        correcting: None,
        versions: Vec::new(),
        covering_needed: false,
        themes: &[],
        lists: None,
        held: None,
    }
    .render(&state, &page, StatusCode::OK)
    .await
}

/// POST /foster-carer-reviews — records a foster carer review.
pub async fn carer_record(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let ds = Dataset::default();
        save_new(
            &state,
            &page,
            &user,
            Whose::Household,
            &ds,
            CARER,
            &pairs,
            "",
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /foster-carer-reviews/{id}/edit — the correction form.
pub async fn carer_correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(rid): Path<String>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        show_correction(
            &state,
            &page,
            &user,
            Whose::Household,
            &ds,
            CARER,
            &rid,
            false,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /foster-carer-reviews/{id} — corrects a foster carer review.
pub async fn carer_correct(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(rid): Path<String>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        save_correction(
            &state,
            &page,
            &user,
            Whose::Household,
            &ds,
            CARER,
            &rid,
            &pairs,
            "",
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

// -- private fostering (IROs and the manager) --------------------------------

fn arrangement_row(a: &daily::PrivateFosteringArrangement) -> Value {
    context! {
        child => a.child.to_string(),
        start => uk(a.start),
        start_iso => iso(a.start),
        end => a.end.map(uk),
        notified => a.notified.map(uk),
        notified_by => a.notified_by.map(Notifier::label),
        reviews => a.reviews,
        last_review => a.last_review.map(uk),
        next_due => a.next_due.map(iso),
        visits => a.visits,
        last_visit => a.last_visit.map(uk),
        next_visit => a.next_visit.map(iso),
        due_next => a.due_next.map(iso),
        status => a.status,
    }
}

/// The arrangements of `records` as the private fostering pages list them:
/// those with a visit or review due first, earliest due first; then the
/// rest, the latest begun first.
fn arrangements(
    records: &footprint_domain::case_records::CaseRecords,
    today: NaiveDate,
    t: &footprint_domain::case_records::CaseRecordTimescales,
    calendar: &footprint_domain::calendar::WorkingDayCalendar,
) -> Vec<daily::PrivateFosteringArrangement> {
    let mut all = daily::private_fostering_arrangements(records, today, t, calendar);
    all.sort_by(|a, b| match (a.due_next, b.due_next) {
        (Some(x), Some(y)) => (x, &a.child).cmp(&(y, &b.child)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (b.start, &a.child).cmp(&(a.start, &b.child)),
    });
    all
}

/// GET /private-fostering — every private fostering arrangement held
/// (notified or reviewed), with its start, end, notification, last visit
/// and review, and the next visit and review due.
pub async fn fostering_list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<crate::paging::PageQuery>,
) -> Response {
    let result = async {
        let ds = council(&state).await?;
        audit(&state, &user, "private_fostering.list", None, "").await?;
        let t = settings(&state).await?.case_records;
        let all = arrangements(&ds.case_records, state.clock.today(), &t, &state.calendar);
        let open = all.iter().filter(|a| a.due_next.is_some()).count();
        let overdue = all.iter().filter(|a| a.status == "overdue").count();
        let rows: Vec<Value> = all.iter().map(arrangement_row).collect();
        let (rows, pager) = crate::paging::page(rows, &q.page, "/private-fostering", &[]);
        Ok(page
            .render(
                &state,
                "private_fostering.html",
                context! {
                    rows, pager, open, overdue,
                    months => t.private_fostering_months,
                    first_visit_days => t.private_fostering_first_visit_working_days,
                    weeks_first_year => t.private_fostering_visit_weeks_first_year,
                    weeks_later => t.private_fostering_visit_weeks_later,
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// Whether the child has a private fostering arrangement held (a review or
/// a notification): what the child's page links to their private
/// fostering page for.
pub(crate) fn privately_fostered(ds: &Dataset, id: &ChildId) -> bool {
    ds.case_records
        .private_fostering_reviews
        .iter()
        .any(|r| r.child == *id)
        || ds
            .case_records
            .private_fostering_notifications
            .iter()
            .any(|n| n.child == *id)
}

/// GET /private-fostering/{child} — a privately fostered child's
/// arrangements, their notifications and the reviews held of each, whether
/// or not the child is held as a child in care.
pub async fn fostering_child(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let ds = child_records(&state, &id).await?;
        if !privately_fostered(&ds, &id) {
            return Err(AppError::NotFound("private fostering arrangement"));
        }
        let mut records = ds.case_records.clone();
        records.retain_children(|c| *c == id);
        audit(&state, &user, "private_fostering.view", Some(&id), "").await?;
        let t = settings(&state).await?.case_records;
        let today = state.clock.today();
        let all = arrangements(&records, today, &t, &state.calendar);
        // The arrangement a new review most likely belongs to.
        let current = all
            .iter()
            .find(|a| a.due_next.is_some())
            .map(|a| iso(a.start));
        let mut reviews: Vec<&PrivateFosteringReview> =
            records.private_fostering_reviews.iter().collect();
        reviews.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
        let held: Vec<Value> = reviews
            .into_iter()
            .map(|r| {
                context! {
                    id => r.id.clone(),
                    date => uk(r.date),
                    start => uk(r.arrangement_start),
                    end => r.arrangement_end.map(uk),
                }
            })
            .collect();
        let mut notices: Vec<&PrivateFosteringNotification> =
            records.private_fostering_notifications.iter().collect();
        notices.sort_by(|a, b| (b.notified, &b.id).cmp(&(a.notified, &a.id)));
        let notifications: Vec<Value> = notices
            .into_iter()
            .map(|n| {
                context! {
                    id => n.id.clone(),
                    notified => uk(n.notified),
                    notified_by => n.notified_by.label(),
                    start => uk(n.proposed_start),
                    visits => n.visits.iter().rev().map(|d| uk(*d)).collect::<Vec<_>>(),
                    end => n.arrangement_end.map(uk),
                }
            })
            .collect();
        let looked_after = ds.children.iter().any(|c| c.id == id);
        Ok(page
            .render(
                &state,
                "private_fostering_child.html",
                context! {
                    child => id.to_string(),
                    arrangements => all.iter().map(arrangement_row).collect::<Vec<_>>(),
                    held,
                    notifications,
                    current,
                    looked_after,
                    can_see_child => looked_after && user.may_use("GET", "/children/{child}"),
                },
            )
            .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /private-fostering/new — the form for a private fostering review (a
/// new arrangement's first, or with `?child=` and `&start=` a child's
/// next) or, with `?kind=private_fostering_notification`, for the
/// notification of an arrangement.
pub async fn fostering_new_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let kind = fostering_kind(field(&q, "kind"));
    let form: Vec<(String, String)> = q
        .into_iter()
        .filter(|(k, _)| k == "child" || k == "start")
        .collect();
    let named = named_child(&form);
    let result = async {
        let kind = kind?;
        let covering_needed = match &named {
            Some(id) => {
                let ds = child_records(&state, id).await?;
                Whose::Fostered(None).needs_cover(&ds, Some(id), &user, state.clock.today())
            }
            None => false,
        };
        Ok(FormPage {
            whose: Whose::Fostered(None),
            kind,
            form: &form,
            errors: Vec::new(),
            correcting: None,
            versions: Vec::new(),
            covering_needed,
            themes: &[],
            lists: None,
            held: None,
        }
        .render(&state, &page, StatusCode::OK)
        .await)
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /private-fostering — records a private fostering review or
/// notification (the form's `kind`) of the child the form names; the child
/// need not be held as a child in care.
pub async fn fostering_record(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let kind = fostering_kind(field(&pairs, "kind"))?;
        let named = named_child(&pairs);
        let (ds, cover) = match &named {
            Some(id) => {
                let ds = child_records(&state, id).await?;
                let cover =
                    fostering_scope(&state, &ds, id, &user, state.clock.today(), &pairs).await?;
                (ds, cover)
            }
            None => (Dataset::default(), String::new()),
        };
        save_new(
            &state,
            &page,
            &user,
            Whose::Fostered(None),
            &ds,
            kind,
            &pairs,
            &cover,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// GET /private-fostering/{child}/{id}/edit — the correction form of a
/// private fostering review (or, with `?kind=private_fostering_notification`,
/// of a notification: how a visit is added), with every version held.
pub async fn fostering_correction_form(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, rid)): Path<(String, String)>,
    Query(q): Query<KindQuery>,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let kind = fostering_kind(q.kind.as_deref())?;
        let whose = Whose::Fostered(Some(&id));
        let ds = child_records(&state, &id).await?;
        let covering_needed = whose.needs_cover(&ds, Some(&id), &user, state.clock.today());
        show_correction(
            &state,
            &page,
            &user,
            whose,
            &ds,
            kind,
            &rid,
            covering_needed,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}

/// POST /private-fostering/{child}/{id} — corrects a private fostering
/// review or notification (the form's `kind`): a new version with who,
/// when and why; the earlier ones kept.
pub async fn fostering_correct(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path((raw, rid)): Path<(String, String)>,
    Fields(pairs): Fields,
) -> Response {
    let result = async {
        let id = child_id(&raw)?;
        let kind = fostering_kind(field(&pairs, "kind"))?;
        let ds = child_records(&state, &id).await?;
        let cover = fostering_scope(&state, &ds, &id, &user, state.clock.today(), &pairs).await?;
        save_correction(
            &state,
            &page,
            &user,
            Whose::Fostered(Some(&id)),
            &ds,
            kind,
            &rid,
            &pairs,
            &cover,
        )
        .await
    }
    .await;
    respond(&state, Some(&user), result)
}
