//! The other records the reports need beyond the 903 from the council's
//! case-management system, all or nothing (`footprint import case-records
//! FILE`): secure accommodation, private fostering and foster carer
//! reviews, disruption meetings, child protection plans and their review
//! conferences, life-story work, advocacy, how the child's views reached a
//! review, case alerts and case file audits.
//!
//! The file is CSV with a header row; columns are found by name in any
//! order and case, other columns are ignored:
//!
//! | column | what |
//! |---|---|
//! | `RECORD` | `secure_review`, `private_fostering_review`, `private_fostering_notification`, `foster_carer_review`, `disruption_meeting`, `protection_plan`, `protection_conference`, `life_story`, `advocacy`, `views`, `case_alert` or `case_file_audit` (required) |
//! | `ID` | the case-management system's id of the record (required): the same id brought again with other values is a new version of that record |
//! | `CHILD` | the 903 child identifier; a disruption meeting's children separated by `;`; blank for a foster carer review (no child data) |
//! | `DATE` | the day of the review, meeting or conference; a plan's start; the day life-story work stood as `STATUS`; the advocate's involvement; the review the views reached; the day an alert was raised; the day the council was notified of a private fostering arrangement; the day a case file audit was requested (dd/mm/yyyy or yyyy-mm-dd; required) |
//! | `START` | secure review: the day the child was placed in secure accommodation; private fostering review: the day the arrangement began; private fostering notification: the day it began or is to begin; foster carer review: the day the household was approved; disruption meeting: the day the placement ended (required for those five) |
//! | `END` | protection plan: the day it ended; private fostering review or notification: the day the arrangement ended, once it has, or (a notification) the day the council learnt it would not go ahead (no visit or review is due after it); case alert: the day it was closed (blank while open); case file audit: the day it was completed or cancelled (blank while open) |
//! | `NOTIFIED_BY` | private fostering notification: who notified the council: `parent`, `carer`, `child`, `school`, `health`, `other_professional` or `other` (required) |
//! | `VISITS` | private fostering notification: the days of the statutory visits made, separated by `;` (blank: none yet) |
//! | `HOUSEHOLD` | foster carer review: the carer household's reference (required) |
//! | `KIND` | foster carer review: `first` or `annual`; advocacy: `referral`, `contact` or `review_attendance` (required for those two) |
//! | `PANEL` | foster carer review: `Y` when it went to the fostering panel (blank: no) |
//! | `DECISION` | secure review: `criteria_met` or `criteria_not_met` (required) |
//! | `STATUS` | life story: `not_started`, `in_progress`, `adequate_for_now` or `complete` (required) |
//! | `FORM` | life story: an entry of the council's list of the forms life-story work takes (`life_story_forms`; by default `later_life_letter`, `book`, `timeline`, `memory_box`, `digital` or `other`), by key or by name in any case, on offer or the one the record is held with (optional) |
//! | `ROUTE` | views: an entry of the council's list of how the child's views reached the review (`views_routes`; by default `in_person`, `mind_of_my_own`, `consultation_booklet`, `advocate`, `iro_visit` or `other`), by key or by name in any case, on offer or the one the record is held with (required) |
//! | `CARE_LEAVER` | advocacy: `Y` when the young person was a care leaver then (blank: no) |
//! | `THEME` | case alert: its theme (required); case file audit: its theme (optional); one of the council's challenge themes (its key, or its name in any case), or the theme the alert is held with; stored as the list's own entry (its key) |
//! | `SUB_THEME` | case alert: a sub-theme under that theme (optional; its key or name), or the one the alert is held with |
//! | `OUTCOME` | case alert: `resolved`, `escalated` or `withdrawn` (with `END`); case file audit: `completed` or `cancelled` (required with `END`) |
//! | `REQUESTED_BY` | case file audit: who requested it: `iro` or `service_manager` (required) |
//! | `GRADE` | case file audit: the grade of a completed audit: `outstanding`, `good`, `requires_improvement` or `inadequate` (blank: not graded) |
//! | `FINDINGS` | case file audit: the findings of a completed audit, in words (optional; kept in the record, never logged nor repeated in an error) |
//!
//! Keys may be written as their labels (`Mind of My Own`, `criteria met`).
//! Every problem names the file, line and column, and nothing is written
//! unless every row is good and every child (but a privately fostered one,
//! who is not looked after) is held. Records already held are left as they
//! are; a record changed in the extract gets a new version; nothing held is
//! removed.

use chrono::NaiveDate;
use footprint_domain::case_records::{
    Advocacy, AdvocacyKind, AlertOutcome, AuditRequester, CarerReviewKind, CaseAlert,
    CaseFileAudit, CaseRecord, CaseRecordError, ChildProtectionPlan, ChildViews, DisruptionMeeting,
    FosterCarerReview, LifeStoryStatus, LifeStoryWork, Notifier, PrivateFosteringNotification,
    PrivateFosteringReview, ProtectionConference, SecureDecision, SecureReview,
};
use footprint_domain::dates::{parse_iso_date, parse_uk_date};
use footprint_domain::model::{ChildId, QualityGrade};
use footprint_store::{CaseRecordsAdded, Store};

use crate::rows::{CaseFile, at_header};
use crate::{Error, Outcome, RowProblem};
use footprint_domain::lists::ThemeRefusal;

const COLUMNS: [&str; 22] = [
    "RECORD",
    "ID",
    "CHILD",
    "DATE",
    "START",
    "END",
    "HOUSEHOLD",
    "KIND",
    "PANEL",
    "DECISION",
    "STATUS",
    "FORM",
    "ROUTE",
    "CARE_LEAVER",
    "THEME",
    "OUTCOME",
    "NOTIFIED_BY",
    "VISITS",
    "SUB_THEME",
    "REQUESTED_BY",
    "GRADE",
    "FINDINGS",
];

const RECORD: usize = 0;
const ID: usize = 1;
const CHILD: usize = 2;
const DATE: usize = 3;
const START: usize = 4;
const END: usize = 5;
const HOUSEHOLD: usize = 6;
const KIND: usize = 7;
const PANEL: usize = 8;
const DECISION: usize = 9;
const STATUS: usize = 10;
const FORM: usize = 11;
const ROUTE: usize = 12;
const CARE_LEAVER: usize = 13;
const THEME: usize = 14;
const OUTCOME: usize = 15;
const NOTIFIED_BY: usize = 16;
const VISITS: usize = 17;
const SUB_THEME: usize = 18;
const REQUESTED_BY: usize = 19;
const GRADE: usize = 20;
const FINDINGS: usize = 21;

fn date(s: &str) -> Result<NaiveDate, String> {
    parse_uk_date(s)
        .or_else(|_| parse_iso_date(s))
        .map_err(|_| format!("`{s}` is not a date (dd/mm/yyyy or yyyy-mm-dd)"))
}

fn yes_no(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "" | "n" | "no" | "0" | "false" => Some(false),
        "y" | "yes" | "1" | "true" => Some(true),
        _ => None,
    }
}

/// The column a domain check's refusal is about.
fn column_of(e: &CaseRecordError) -> usize {
    use CaseRecordError as E;
    match e {
        E::NoId => ID,
        E::SecureBeforePlaced
        | E::PrivateFosteringBeforeStart
        | E::CarerBeforeApproval
        | E::MeetingBeforeEnding => DATE,
        E::NoHousehold => HOUSEHOLD,
        E::NoChildren => CHILD,
        E::PlanEndsBeforeStart
        | E::ClosedBeforeRaised
        | E::ArrangementEndsBeforeStart
        | E::PrivateFosteringAfterEnd => END,
        E::NoTheme => THEME,
        E::OutcomeWithoutClosing => OUTCOME,
        E::VisitBeforeNotified | E::VisitAfterEnd => VISITS,
        E::NotifiedEndsBeforeStart => END,
        E::AuditCompletedBeforeRequested | E::AuditCancelledBeforeRequested => END,
        E::AuditCompletedAndCancelled => OUTCOME,
        E::AuditGradeWithoutCompletion => GRADE,
    }
}

/// The records read, and each child a row names with its line (privately
/// fostered children left out: they need not be held).
pub type ReadRecords = (Vec<CaseRecord>, Vec<(u64, ChildId)>);

/// Reads the file. `Err` holds every problem found.
pub fn read_records(file: &str, text: &str) -> Result<ReadRecords, Vec<RowProblem>> {
    read_with_lines(file, text).map(|(records, children, _)| (records, children))
}

/// [`ReadRecords`], and the line each record was read from.
type ReadLines = (Vec<CaseRecord>, Vec<(u64, ChildId)>, Vec<u64>);

/// [`read_records`], with the line of each record read.
#[allow(clippy::too_many_lines)]
fn read_with_lines(file: &str, text: &str) -> Result<ReadLines, Vec<RowProblem>> {
    let mut file_rows = CaseFile::open(text)?;
    let col = file_rows.columns(&COLUMNS);
    if col[RECORD].is_none() || col[ID].is_none() || col[DATE].is_none() {
        return Err(at_header(format!(
            "{file}: the header row needs the columns RECORD, ID and DATE (and CHILD, START, \
             END, HOUSEHOLD, KIND, PANEL, DECISION, STATUS, FORM, ROUTE, CARE_LEAVER, THEME, \
             SUB_THEME, OUTCOME, NOTIFIED_BY, VISITS, REQUESTED_BY, GRADE, FINDINGS as the \
             records need); it has {}",
            file_rows.header_list()
        )));
    }
    let mut out = Vec::new();
    let mut lines = Vec::new();
    let mut children = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in file_rows.rows() {
        let (line, record) = match row {
            Ok(r) => r,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let before = problems.len();
        let mut row_problems: Vec<(usize, String)> = Vec::new();
        let field = |i: usize| col[i].and_then(|c| record.get(c)).unwrap_or("");
        let kind = field(RECORD).to_ascii_lowercase().replace([' ', '-'], "_");
        let id = field(ID).to_owned();
        if id.is_empty() {
            row_problems.push((ID, "the record's id is required".into()));
        }
        let req_date = |i: usize, what: &str, p: &mut Vec<(usize, String)>| match field(i) {
            "" => {
                p.push((i, format!("{what} is required")));
                None
            }
            s => match date(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    p.push((i, e));
                    None
                }
            },
        };
        let on = req_date(DATE, "the date", &mut row_problems);
        let opt_date = |i: usize, p: &mut Vec<(usize, String)>| match field(i) {
            "" => None,
            s => match date(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    p.push((i, e));
                    None
                }
            },
        };
        fn keyed<T>(
            i: usize,
            s: &str,
            from: fn(&str) -> Option<T>,
            what: &str,
            required: bool,
            p: &mut Vec<(usize, String)>,
        ) -> Option<T> {
            if s.is_empty() {
                if required {
                    p.push((i, format!("{what} is required")));
                }
                return None;
            }
            let v = from(s);
            if v.is_none() {
                p.push((i, format!("`{s}` is not {what}")));
            }
            v
        }
        let one_child = |p: &mut Vec<(usize, String)>| match field(CHILD) {
            "" => {
                p.push((CHILD, "the child is required".into()));
                None
            }
            s => match s.parse::<ChildId>() {
                Ok(c) => Some(c),
                Err(e) => {
                    p.push((CHILD, e.to_string()));
                    None
                }
            },
        };
        let flag = |i: usize, p: &mut Vec<(usize, String)>| {
            yes_no(field(i)).unwrap_or_else(|| {
                p.push((i, format!("`{}` is not Y or N", field(i))));
                false
            })
        };
        let p = &mut row_problems;
        let built: Option<CaseRecord> = match kind.as_str() {
            "secure_review" => {
                let child = one_child(p);
                let placed = req_date(START, "the day placed in secure accommodation", p);
                let decision = keyed(
                    DECISION,
                    field(DECISION),
                    SecureDecision::from_key,
                    "a decision (criteria_met, criteria_not_met)",
                    true,
                    p,
                );
                match (child, placed, on, decision) {
                    (Some(child), Some(placed), Some(date), Some(decision)) => {
                        Some(CaseRecord::SecureReview(SecureReview {
                            id: id.clone(),
                            child,
                            placed,
                            date,
                            decision,
                        }))
                    }
                    _ => None,
                }
            }
            "private_fostering_review" => {
                let child = one_child(p);
                let start = req_date(START, "the day the arrangement began", p);
                let arrangement_end = opt_date(END, p);
                match (child, start, on) {
                    (Some(child), Some(arrangement_start), Some(date)) => {
                        Some(CaseRecord::PrivateFosteringReview(PrivateFosteringReview {
                            id: id.clone(),
                            child,
                            arrangement_start,
                            date,
                            arrangement_end,
                        }))
                    }
                    _ => None,
                }
            }
            "private_fostering_notification" => {
                let child = one_child(p);
                let start = req_date(START, "the day the arrangement began or is to begin", p);
                let arrangement_end = opt_date(END, p);
                let notified_by = keyed(
                    NOTIFIED_BY,
                    field(NOTIFIED_BY),
                    Notifier::from_key,
                    "who notified the council (parent, carer, child, school, health, other_professional, other)",
                    true,
                    p,
                );
                let mut visits = Vec::new();
                for v in field(VISITS)
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    match date(v) {
                        Ok(d) => visits.push(d),
                        Err(e) => p.push((VISITS, e)),
                    }
                }
                visits.sort_unstable();
                visits.dedup();
                match (child, on, notified_by, start) {
                    (Some(child), Some(notified), Some(notified_by), Some(proposed_start)) => Some(
                        CaseRecord::PrivateFosteringNotification(PrivateFosteringNotification {
                            id: id.clone(),
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
            "foster_carer_review" => {
                if !field(CHILD).is_empty() {
                    p.push((
                        CHILD,
                        "a foster carer review holds no child data: leave CHILD blank".into(),
                    ));
                }
                let household = field(HOUSEHOLD).to_owned();
                if household.is_empty() {
                    p.push((HOUSEHOLD, "the household is required".into()));
                }
                let approved = req_date(START, "the day the household was approved", p);
                let kind = keyed(
                    KIND,
                    field(KIND),
                    CarerReviewKind::from_key,
                    "a review kind (first, annual)",
                    true,
                    p,
                );
                let to_panel = flag(PANEL, p);
                match (approved, on, kind) {
                    (Some(approved), Some(date), Some(kind)) if !household.is_empty() => {
                        Some(CaseRecord::FosterCarerReview(FosterCarerReview {
                            id: id.clone(),
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
            "disruption_meeting" => {
                let mut kids = Vec::new();
                for s in field(CHILD)
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    match s.parse::<ChildId>() {
                        Ok(c) => kids.push(c),
                        Err(e) => p.push((CHILD, e.to_string())),
                    }
                }
                if field(CHILD).is_empty() {
                    p.push((CHILD, "the children concerned are required".into()));
                }
                let ended = req_date(START, "the day the placement ended", p);
                match (ended, on) {
                    (Some(placement_ended), Some(date)) if !kids.is_empty() => {
                        Some(CaseRecord::DisruptionMeeting(DisruptionMeeting {
                            id: id.clone(),
                            date,
                            children: kids,
                            placement_ended,
                        }))
                    }
                    _ => None,
                }
            }
            "protection_plan" => {
                let child = one_child(p);
                let end = opt_date(END, p);
                match (child, on) {
                    (Some(child), Some(start)) => {
                        Some(CaseRecord::ProtectionPlan(ChildProtectionPlan {
                            id: id.clone(),
                            child,
                            start,
                            end,
                        }))
                    }
                    _ => None,
                }
            }
            "protection_conference" => match (one_child(p), on) {
                (Some(child), Some(date)) => {
                    Some(CaseRecord::ProtectionConference(ProtectionConference {
                        id: id.clone(),
                        child,
                        date,
                    }))
                }
                _ => None,
            },
            "life_story" => {
                let child = one_child(p);
                let status = keyed(
                    STATUS,
                    field(STATUS),
                    LifeStoryStatus::from_key,
                    "a status (not_started, in_progress, adequate_for_now, complete)",
                    true,
                    p,
                );
                // From the council's list, checked by the import
                // (`CaseRecord::settle_lists`).
                let form = Some(field(FORM))
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                match (child, on, status) {
                    (Some(child), Some(date), Some(status)) => {
                        Some(CaseRecord::LifeStory(LifeStoryWork {
                            id: id.clone(),
                            child,
                            date,
                            status,
                            form,
                        }))
                    }
                    _ => None,
                }
            }
            "advocacy" => {
                let child = one_child(p);
                let kind = keyed(
                    KIND,
                    field(KIND),
                    AdvocacyKind::from_key,
                    "an advocacy kind (referral, contact, review_attendance)",
                    true,
                    p,
                );
                let care_leaver = flag(CARE_LEAVER, p);
                match (child, on, kind) {
                    (Some(child), Some(date), Some(kind)) => Some(CaseRecord::Advocacy(Advocacy {
                        id: id.clone(),
                        child,
                        date,
                        kind,
                        care_leaver,
                    })),
                    _ => None,
                }
            }
            "views" => {
                let child = one_child(p);
                // From the council's list, checked by the import
                // (`CaseRecord::settle_lists`).
                let route = match field(ROUTE) {
                    "" => {
                        p.push((ROUTE, "a route is required".into()));
                        None
                    }
                    s => Some(s.to_owned()),
                };
                match (child, on, route) {
                    (Some(child), Some(review_date), Some(route)) => {
                        Some(CaseRecord::Views(ChildViews {
                            id: id.clone(),
                            child,
                            review_date,
                            route,
                        }))
                    }
                    _ => None,
                }
            }
            "case_alert" => {
                let child = one_child(p);
                let closed = opt_date(END, p);
                let outcome = keyed(
                    OUTCOME,
                    field(OUTCOME),
                    AlertOutcome::from_key,
                    "an outcome (resolved, escalated, withdrawn)",
                    false,
                    p,
                );
                let theme = field(THEME).to_owned();
                if theme.is_empty() {
                    p.push((THEME, "the theme is required".into()));
                }
                match (child, on) {
                    (Some(child), Some(raised)) if !theme.is_empty() => {
                        Some(CaseRecord::CaseAlert(CaseAlert {
                            id: id.clone(),
                            child,
                            raised,
                            theme,
                            sub_theme: Some(field(SUB_THEME).to_owned()).filter(|s| !s.is_empty()),
                            closed,
                            outcome,
                        }))
                    }
                    _ => None,
                }
            }
            "case_file_audit" => {
                let child = one_child(p);
                let requested_by = keyed(
                    REQUESTED_BY,
                    field(REQUESTED_BY),
                    AuditRequester::from_key,
                    "who requested the audit (iro, service_manager)",
                    true,
                    p,
                );
                let ended = opt_date(END, p);
                let outcome = match field(OUTCOME).to_ascii_lowercase().as_str() {
                    "" if ended.is_some() => {
                        p.push((
                            OUTCOME,
                            "completed or cancelled is required with END".into(),
                        ));
                        None
                    }
                    "" => None,
                    "completed" => Some(true),
                    "cancelled" | "canceled" => Some(false),
                    other => {
                        p.push((OUTCOME, format!("`{other}` is not completed or cancelled")));
                        None
                    }
                };
                if outcome.is_some() && ended.is_none() && field(END).is_empty() {
                    p.push((
                        END,
                        "the day the audit was completed or cancelled is required with OUTCOME"
                            .into(),
                    ));
                }
                let grade = keyed(
                    GRADE,
                    field(GRADE),
                    |g| {
                        QualityGrade::from_key(
                            &g.trim().to_ascii_lowercase().replace([' ', '-'], "_"),
                        )
                    },
                    "a grade (outstanding, good, requires_improvement, inadequate)",
                    false,
                    p,
                );
                let findings = Some(field(FINDINGS).trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                let theme = Some(field(THEME).trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                match (child, on, requested_by) {
                    (Some(child), Some(requested), Some(requested_by)) => {
                        Some(CaseRecord::CaseFileAudit(CaseFileAudit {
                            id: id.clone(),
                            child,
                            requested,
                            requested_by,
                            theme,
                            completed: ended.filter(|_| outcome == Some(true)),
                            grade,
                            findings,
                            cancelled: ended.filter(|_| outcome == Some(false)),
                        }))
                    }
                    _ => None,
                }
            }
            _ => {
                p.push((
                    RECORD,
                    format!(
                        "`{}` is not a record kind ({})",
                        field(RECORD),
                        CaseRecord::KINDS.join(", ")
                    ),
                ));
                None
            }
        };
        if let Some(r) = &built {
            if let Err(e) = r.check() {
                row_problems.push((column_of(&e), e.to_string()));
            } else if !seen.insert((r.kind(), r.id().to_owned())) {
                row_problems.push((
                    ID,
                    format!("a second {} with id {id} in the file", r.kind()),
                ));
            }
        }
        row_problems.sort_by_key(|(i, _)| *i);
        for (i, message) in row_problems {
            problems.push(RowProblem {
                line,
                column: COLUMNS[i].to_owned(),
                message,
            });
        }
        if problems.len() == before
            && let Some(r) = built
        {
            match &r {
                CaseRecord::PrivateFosteringReview(_)
                | CaseRecord::PrivateFosteringNotification(_)
                | CaseRecord::FosterCarerReview(_) => {}
                CaseRecord::DisruptionMeeting(m) => {
                    children.extend(m.children.iter().map(|c| (line, c.clone())));
                }
                other => children.extend(other.child().map(|c| (line, c.clone()))),
            }
            out.push(r);
            lines.push(line);
        }
    }
    if problems.is_empty() {
        Ok((out, children, lines))
    } else {
        Err(problems)
    }
}

/// Reads, checks and stores the file (all or nothing), audited under
/// `actor`.
pub async fn import_case_records(
    store: &Store,
    actor: &str,
    file: &str,
    text: &str,
) -> Result<Outcome<CaseRecordsAdded>, Error> {
    let (records, children, lines) = match read_with_lines(file, text) {
        Ok(r) => r,
        Err(problems) => return Ok(Outcome::Refused(problems)),
    };
    let mut ids: Vec<ChildId> = children.iter().map(|(_, c)| c.clone()).collect();
    ids.sort();
    ids.dedup();
    let missing = store.children_not_held(&ids).await?;
    let mut refused: Vec<RowProblem> = children
        .iter()
        .filter(|(_, c)| missing.contains(c))
        .map(|(line, c)| RowProblem {
            line: *line,
            column: "CHILD".into(),
            message: format!("child {c} is not in the database (import the 903 return first)"),
        })
        .collect();
    // A value from one of the council's lists, as the form asks
    // (`CaseRecord::settle_lists`: by key or label, held as the key); one
    // held already may keep its value.
    let mut records = records;
    let lists = store.measure_settings().await?;
    for (r, line) in records.iter_mut().zip(&lines) {
        if r.list_values().is_empty() {
            continue;
        }
        let held = store.case_record_versions(r.kind(), r.id()).await?;
        for (list, field, value) in r.settle_lists(&lists, held.last().map(|v| &v.record)) {
            refused.push(RowProblem {
                line: *line,
                column: field.to_uppercase(),
                message: format!(
                    "`{value}` is not on the council's list of {} ({})",
                    list.title().to_lowercase(),
                    lists
                        .list(list)
                        .offered()
                        .map(|e| e.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    // A case alert's theme and sub-theme from the council's list, as the
    // form asks (`CaseRecord::list_theme`), stored as the list's own
    // entries; one held already may keep its theme.
    let themes = &lists.challenge_themes;
    for (r, line) in records.iter_mut().zip(&lines) {
        if r.list_theme(themes, None).is_ok() {
            continue;
        }
        let held = store.case_record_versions(r.kind(), r.id()).await?;
        let Err(refusal) = r.list_theme(themes, held.last().map(|v| &v.record)) else {
            continue;
        };
        let offered: Vec<&str> = themes
            .0
            .iter()
            .filter(|t| !t.retired)
            .map(|t| t.label.as_str())
            .collect();
        let (column, message) = match refusal {
            ThemeRefusal::Theme(theme) => (
                THEME,
                format!(
                    "`{theme}` is not one of the council's challenge themes, which a {}'s theme is chosen from ({})",
                    r.kind().replace('_', " "),
                    offered.join(", ")
                ),
            ),
            sub @ ThemeRefusal::SubTheme { .. } => (SUB_THEME, sub.to_string()),
        };
        refused.push(RowProblem {
            line: *line,
            column: COLUMNS[column].into(),
            message,
        });
    }
    if !refused.is_empty() {
        refused.sort_by_key(|p| p.line);
        return Ok(Outcome::Refused(refused));
    }
    let added = store.add_case_records(&records, actor).await?;
    store
        .audit(
            actor,
            "case_records.import",
            None,
            &format!(
                "{} records added, {} changed (new versions), {} already held",
                added.added, added.changed, added.already_held
            ),
        )
        .await?;
    Ok(Outcome::Imported(added))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ReadRecords, Vec<RowProblem>> {
        read_records("records.csv", text)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_kind_of_record_is_read_by_its_columns() {
        let (r, children) = read(
            "Record,Id,Child,Date,Start,End,Household,Kind,Panel,Decision,Status,Form,Route,Care_leaver,Theme,Outcome,notes,Notified_by,Visits,Requested_by,Grade,Findings\n\
             secure_review,S1,A1,10/02/2025,15/01/2025,,,,,criteria met,,,,,,,x\n\
             private_fostering_review,P1,PF9,2025-03-01,2024-03-05,,,,,,,,,,,,\n\
             foster_carer_review,F1,,01/04/2025,01/04/2024,,HH-12,first,Y,,,,,,,,\n\
             disruption_meeting,D1,A1; A2,20/05/2025,01/05/2025,,,,,,,,,,,,\n\
             protection_plan,CP1,A1,01/01/2025,30/06/2025,,,,,,,,,,,,\n\
             protection_conference,K1,A1,25/03/2025,,,,,,,,,,,,,\n\
             life_story,L1,A1,10/02/2025,,,,,,,Adequate for now,later-life letter,,,,,\n\
             advocacy,V1,A2,12/02/2025,,,,contact,,,,,,Y,,,\n\
             views,W1,A1,10/02/2025,,,,,,,,,Mind of My Own,,,,\n\
             case_alert,E1,A2,01/02/2025,,10/02/2025,,,,,,,,,care planning,resolved,,,\n\
             private_fostering_notification,N1,PF8,02/01/2025,2025-01-06,,,,,,,,,,,,,A school or college,10/01/2025; 2025-02-14\n\
             case_file_audit,CFA1,A1,01/03/2025,,20/03/2025,,,,,,,,,Care Planning,completed,,,,Service manager,Requires improvement,\"Plan, not updated\"\n",
        )
        .unwrap();
        assert_eq!(r.len(), 12);
        let kinds: Vec<&str> = r.iter().map(CaseRecord::kind).collect();
        assert_eq!(kinds, CaseRecord::KINDS);
        assert_eq!(
            r[0],
            CaseRecord::SecureReview(SecureReview {
                id: "S1".into(),
                child: "A1".parse().unwrap(),
                placed: d(2025, 1, 15),
                date: d(2025, 2, 10),
                decision: SecureDecision::CriteriaMet,
            })
        );
        match &r[1] {
            CaseRecord::PrivateFosteringReview(p) => assert_eq!(p.arrangement_end, None),
            other => panic!("{other:?}"),
        }
        match &r[2] {
            CaseRecord::FosterCarerReview(f) => {
                assert!(f.to_panel);
                assert_eq!(f.household, "HH-12");
            }
            other => panic!("{other:?}"),
        }
        match &r[3] {
            CaseRecord::DisruptionMeeting(m) => assert_eq!(m.children.len(), 2),
            other => panic!("{other:?}"),
        }
        // The privately fostered child and the carer household are not
        // checked against the children held; the meeting names two.
        let named: Vec<String> = children.iter().map(|(_, c)| c.to_string()).collect();
        assert!(!named.contains(&"PF9".to_owned()));
        assert!(!named.contains(&"PF8".to_owned()));
        assert_eq!(
            r[10],
            CaseRecord::PrivateFosteringNotification(PrivateFosteringNotification {
                id: "N1".into(),
                child: "PF8".parse().unwrap(),
                notified: d(2025, 1, 2),
                notified_by: Notifier::School,
                proposed_start: d(2025, 1, 6),
                visits: vec![d(2025, 1, 10), d(2025, 2, 14)],
                arrangement_end: None,
            })
        );
        assert_eq!(children.iter().filter(|(l, _)| *l == 5).count(), 2);
        // The theme as the file gave it: the import puts it as the
        // council's list holds it (`CaseRecord::list_theme`).
        assert_eq!(
            r[11],
            CaseRecord::CaseFileAudit(CaseFileAudit {
                id: "CFA1".into(),
                child: "A1".parse().unwrap(),
                requested: d(2025, 3, 1),
                requested_by: AuditRequester::ServiceManager,
                theme: Some("Care Planning".into()),
                completed: Some(d(2025, 3, 20)),
                grade: Some(QualityGrade::RequiresImprovement),
                findings: Some("Plan, not updated".into()),
                cancelled: None,
            })
        );
        assert!(children.iter().any(|(l, c)| *l == 13 && c.as_str() == "A1"));
    }

    #[test]
    fn a_bad_case_file_audit_is_reported_by_line_and_column_without_its_findings() {
        let (r, _) = read(
            "RECORD,ID,CHILD,DATE,END,OUTCOME,REQUESTED_BY,GRADE,FINDINGS\n\
             case_file_audit,A1,C1,01/03/2025,,,iro,,\n\
             case_file_audit,A2,C1,01/03/2025,02/04/2025,cancelled,iro,,\n",
        )
        .unwrap();
        assert!(
            matches!(&r[0], CaseRecord::CaseFileAudit(a) if a.completed.is_none() && a.cancelled.is_none())
        );
        assert!(
            matches!(&r[1], CaseRecord::CaseFileAudit(a) if a.cancelled == Some(d(2025, 4, 2)))
        );
        let problems = read(
            "RECORD,ID,CHILD,DATE,END,OUTCOME,REQUESTED_BY,GRADE,FINDINGS\n\
             case_file_audit,A1,C1,01/03/2025,,,the chief executive,,\n\
             case_file_audit,A2,C1,01/03/2025,20/03/2025,,iro,,\n\
             case_file_audit,A3,C1,01/03/2025,,,iro,good,Secret words\n\
             case_file_audit,A4,C1,01/03/2025,20/02/2025,completed,iro,,\n\
             case_file_audit,A5,C1,01/03/2025,20/03/2025,completed,iro,brilliant,Secret words\n\
             case_file_audit,A6,C1,01/03/2025,,done,iro,,\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (2, "REQUESTED_BY"),
                (3, "OUTCOME"),
                (4, "GRADE"),
                (5, "END"),
                (6, "GRADE"),
                (7, "OUTCOME"),
            ],
            "{problems:?}"
        );
        assert!(problems.iter().all(|p| !p.message.contains("Secret")));
    }

    #[test]
    fn a_bad_notification_is_reported_by_line_and_column() {
        let problems = read(
            "RECORD,ID,CHILD,DATE,START,END,NOTIFIED_BY,VISITS\n\
             private_fostering_notification,N1,PF1,02/01/2025,06/01/2025,,neighbour,10/01/2025\n\
             private_fostering_notification,N2,PF2,02/01/2025,,,parent,31/02/2025;not a day\n\
             private_fostering_notification,N3,PF3,02/01/2025,06/01/2025,,parent,01/01/2025\n\
             private_fostering_notification,N4,PF4,02/01/2025,06/01/2025,05/01/2025,carer,\n\
             private_fostering_notification,N5,PF5,02/01/2025,06/01/2025,,carer,\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (2, "NOTIFIED_BY"),
                (3, "START"),
                (3, "VISITS"),
                (3, "VISITS"),
                (4, "VISITS"),
                (5, "END"),
            ]
        );
        assert!(
            problems[4]
                .message
                .contains("before the council was notified")
        );
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_column() {
        let problems = read(
            "RECORD,ID,CHILD,DATE,START,END,HOUSEHOLD,KIND,PANEL,DECISION,STATUS,ROUTE,THEME,OUTCOME\n\
             secure_review,S1,A1,10/01/2025,15/01/2025,,,,,maybe,,,,\n\
             foster_carer_review,F1,A1,01/04/2025,,,,yearly,perhaps,,,,,\n\
             protection_plan,CP1,A1,01/07/2025,30/06/2025,,,,,,,,,\n\
             case_alert,E1,A1,01/02/2025,,,,,,,,,,resolved\n\
             views,,bad!,31/02/2025,,,,,,,,,,\n\
             blood_test,X1,A1,01/02/2025,,,,,,,,,,\n\
             life_story,L1,A1,01/02/2025,,,,,,,,,,\n\
             life_story,L1,A1,01/03/2025,,,,,,,done,,,\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (2, "DECISION"),
                (3, "CHILD"),
                (3, "START"),
                (3, "HOUSEHOLD"),
                (3, "KIND"),
                (3, "PANEL"),
                (5, "THEME"),
                (6, "ID"),
                (6, "CHILD"),
                (6, "DATE"),
                (6, "ROUTE"),
                (7, "RECORD"),
                (8, "STATUS"),
                (9, "STATUS"),
            ],
            "{problems:?}"
        );
        // Line 4 is good: START is not a plan's column, so the plan is open.
        assert!(problems.iter().all(|p| !p.message.is_empty()));
    }

    #[test]
    fn a_domain_refusal_names_its_column_and_a_file_without_record_is_refused() {
        let problems = read(
            "RECORD,ID,CHILD,DATE,END,THEME,OUTCOME\n\
             protection_plan,CP1,A1,01/07/2025,30/06/2025,,\n\
             case_alert,E1,A1,01/02/2025,,care planning,resolved\n\
             case_alert,E2,A1,01/02/2025,31/01/2025,care planning,\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(at, [(2, "END"), (3, "OUTCOME"), (4, "END")], "{problems:?}");
        // A private fostering review after the arrangement ended, and an
        // arrangement ending before it began: each on END.
        let problems = read(
            "RECORD,ID,CHILD,DATE,START,END\n\
             private_fostering_review,P1,PF1,01/07/2025,01/01/2025,30/06/2025\n\
             private_fostering_review,P2,PF2,01/07/2024,01/01/2024,31/12/2023\n\
             private_fostering_review,P3,PF3,01/07/2024,01/01/2024,01/08/2024\n",
        )
        .unwrap_err();
        let at: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(at, [(2, "END"), (3, "END")], "{problems:?}");
        let problems = read("CHILD,DATE\nA1,01/02/2025\n").unwrap_err();
        assert_eq!((problems.len(), problems[0].line), (1, 1));
        assert!(problems[0].message.contains("RECORD"));
    }
}
