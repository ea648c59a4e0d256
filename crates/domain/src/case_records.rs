//! The other records the reports need beyond the 903 (issue 15, second
//! slice): the meetings an IRO service chairs besides children's reviews,
//! and what it keeps about each child between reviews.
//!
//! - secure accommodation reviews ([`SecureReview`]): within one month of
//!   the placement, then at most every 3 months (Children (Secure
//!   Accommodation) Regulations 1991, reg. 15);
//! - private fostering reviews ([`PrivateFosteringReview`]): a council
//!   setting (Durham: annual);
//! - private fostering notifications ([`PrivateFosteringNotification`]):
//!   the day the council was told of an arrangement, by whom, its proposed
//!   start, and the statutory visits made under it (The Children (Private
//!   Arrangements for Fostering) Regulations 2005: the first within 7
//!   working days of the notification, then at most every 6 weeks in the
//!   arrangement's first year and every 12 weeks after);
//! - foster carer reviews ([`FosterCarerReview`]): the carer household, no
//!   child data; at least yearly (Fostering Services Regulations 2011,
//!   reg. 28);
//! - disruption meetings ([`DisruptionMeeting`]) after an unplanned ending,
//!   within a local timescale;
//! - child protection plans of children in care ([`ChildProtectionPlan`],
//!   dual plans) and their review conferences ([`ProtectionConference`]):
//!   the first within 3 months of the plan, then at most 6-monthly
//!   (Working Together);
//! - life-story work ([`LifeStoryWork`]), advocacy ([`Advocacy`]), how the
//!   child's views reached a review ([`ChildViews`]) and case alerts
//!   ([`CaseAlert`]: informal concerns short of a formal challenge);
//! - case file audits ([`CaseFileAudit`]): an audit of a child's case file
//!   an IRO or the service manager requested, then completed (with its
//!   grade and findings) or cancelled.
//!
//! Every record carries an `id`, the identity its versions share: the
//! case-management system's own id for an import, or one Footprint gives.
//! The timescales are settings ([`CaseRecordTimescales`]) with the
//! statutory defaults; every chain of meetings is scheduled by one
//! function, [`meeting_chain`], which the measures and screens call through
//! [`secure_review_schedule`], [`private_fostering_schedule`],
//! [`foster_carer_schedule`] and [`conference_schedule`], and (with its
//! intervals in working days and weeks) [`private_fostering_visit_schedule`]
//! through [`chain`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingDayCalendar;
use crate::lists::{ThemeList, ThemeRefusal};

use crate::dates::add_months;
pub use crate::health_education::Due;
use crate::lists::FormList;
use crate::model::{ChildId, QualityGrade};

/// An enum of fixed keys, stored and imported by key.
macro_rules! keyed {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $k:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            pub fn key(self) -> &'static str {
                match self { $($name::$v => $k,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label,)+ }
            }

            /// By key, or by label in any case, spaces or hyphens for
            /// underscores.
            pub fn from_key(key: &str) -> Option<$name> {
                let k = key.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.key() == k || v.label().to_ascii_lowercase().replace([' ', '-'], "_") == k)
            }
        }
    };
}

keyed!(
    /// What a secure accommodation review panel decided.
    SecureDecision {
        /// The criteria for keeping the child in secure accommodation are
        /// still met.
        CriteriaMet => "criteria_met", "Criteria met";
        /// They are not: the child is to leave secure accommodation.
        CriteriaNotMet => "criteria_not_met", "Criteria not met";
    }
);

keyed!(
    /// A foster carer household's first review after approval, or a later
    /// (annual) one.
    CarerReviewKind {
        First => "first", "First review";
        Annual => "annual", "Annual review";
    }
);

keyed!(
    /// Where life-story work stands.
    LifeStoryStatus {
        NotStarted => "not_started", "Not started";
        InProgress => "in_progress", "In progress";
        AdequateForNow => "adequate_for_now", "Adequate for now";
        Complete => "complete", "Complete";
    }
);

keyed!(
    /// The form life-story work takes: the council's list
    /// (`FormList::LifeStoryForms`) when it has set none.
    LifeStoryForm {
        LaterLifeLetter => "later_life_letter", "Later-life letter";
        Book => "book", "Life-story book";
        Timeline => "timeline", "Timeline";
        MemoryBox => "memory_box", "Memory box";
        Digital => "digital", "Digital";
        Other => "other", "Other";
    }
);

keyed!(
    /// What an advocate did.
    AdvocacyKind {
        Referral => "referral", "Referral";
        Contact => "contact", "Contact";
        ReviewAttendance => "review_attendance", "Attended a review";
    }
);

keyed!(
    /// How the child's views reached the review: the council's list
    /// (`FormList::ViewsRoutes`) when it has set none.
    ViewsRoute {
        InPerson => "in_person", "In person";
        MindOfMyOwn => "mind_of_my_own", "Mind of My Own";
        ConsultationBooklet => "consultation_booklet", "Consultation booklet";
        Advocate => "advocate", "Through an advocate";
        IroVisit => "iro_visit", "IRO visit before the review";
        Other => "other", "Another way";
    }
);

keyed!(
    /// Who told the council of a private fostering arrangement. A fixed
    /// list, not a council setting: it is the list of those the 2005
    /// Regulations (reg. 3 and 4) and the statutory guidance name as having
    /// a duty or a reason to notify, the same for every council.
    Notifier {
        Parent => "parent", "A parent";
        Carer => "carer", "The private foster carer";
        Child => "child", "The child";
        School => "school", "A school or college";
        Health => "health", "A health professional";
        OtherProfessional => "other_professional", "Another professional";
        Other => "other", "Someone else";
    }
);

keyed!(
    /// Who asked for a case file audit.
    AuditRequester {
        Iro => "iro", "An IRO";
        ServiceManager => "service_manager", "The IRO service manager";
    }
);

keyed!(
    /// How a case alert ended.
    AlertOutcome {
        Resolved => "resolved", "Resolved";
        Escalated => "escalated", "Escalated to a formal challenge";
        Withdrawn => "withdrawn", "Withdrawn";
    }
);

/// One secure accommodation review: the day the child was placed in
/// secure accommodation (which stay it belongs to), the review's date and
/// the panel's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecureReview {
    pub id: String,
    pub child: ChildId,
    pub placed: NaiveDate,
    pub date: NaiveDate,
    pub decision: SecureDecision,
}

/// One review of a private fostering arrangement (the child is not looked
/// after): the day the arrangement began, the review's date and, once it
/// is known, the day the arrangement ended (recorded on the arrangement's
/// last review, or on any of them: the latest recorded is the end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateFosteringReview {
    pub id: String,
    pub child: ChildId,
    pub arrangement_start: NaiveDate,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrangement_end: Option<NaiveDate>,
}

/// The notification of a private fostering arrangement: the day the
/// council was told, who told it, the arrangement's proposed start (its
/// `arrangement_start`, as its reviews name it), the statutory visits made
/// under it and, when the council learns it, the day the arrangement ended
/// (or that it did not go ahead: the day it learnt so). An arrangement is
/// held from its notification, before its first review. The visits are held
/// on the notification, each added as a new version of it (who, when and
/// why), so that the arrangement's statutory record is one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateFosteringNotification {
    pub id: String,
    pub child: ChildId,
    pub notified: NaiveDate,
    pub notified_by: Notifier,
    pub proposed_start: NaiveDate,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrangement_end: Option<NaiveDate>,
}

/// One review of a foster carer household: the household's reference (no
/// child data), the day it was approved, the review's date, first or
/// annual, and whether it went to the fostering panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FosterCarerReview {
    pub id: String,
    pub household: String,
    pub approved: NaiveDate,
    pub date: NaiveDate,
    pub kind: CarerReviewKind,
    pub to_panel: bool,
}

/// A disruption meeting: its date, the children concerned and the day the
/// placement ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisruptionMeeting {
    pub id: String,
    pub date: NaiveDate,
    pub children: Vec<ChildId>,
    pub placement_ended: NaiveDate,
}

/// A child protection plan: its start and (when it has ended) its end. A
/// plan open on a day the child is looked after is a dual plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildProtectionPlan {
    pub id: String,
    pub child: ChildId,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// A child protection review conference (of the plan open on its date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionConference {
    pub id: String,
    pub child: ChildId,
    pub date: NaiveDate,
}

/// Where a child's life-story work stood on a date, and its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeStoryWork {
    pub id: String,
    pub child: ChildId,
    pub date: NaiveDate,
    pub status: LifeStoryStatus,
    /// The key of an entry of the council's list (`life_story_forms`, by
    /// default [`LifeStoryForm`]'s).
    pub form: Option<String>,
}

/// One piece of an advocate's involvement with a child or care leaver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advocacy {
    pub id: String,
    pub child: ChildId,
    pub date: NaiveDate,
    pub kind: AdvocacyKind,
    /// The young person was a care leaver (not looked after) then.
    pub care_leaver: bool,
}

/// One way the child's views reached the review held on `review_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildViews {
    pub id: String,
    pub child: ChildId,
    pub review_date: NaiveDate,
    /// The key of an entry of the council's list (`views_routes`, by
    /// default [`ViewsRoute`]'s).
    pub route: String,
}

/// An informal concern an IRO raised short of a formal challenge: when,
/// its theme (the council's list, as for challenges), and when and how it
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAlert {
    pub id: String,
    pub child: ChildId,
    pub raised: NaiveDate,
    /// A theme of the council's challenge themes (its key; the name for
    /// an alert from before themes had keys).
    pub theme: String,
    /// A sub-theme under `theme` (its key), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_theme: Option<String>,
    pub closed: Option<NaiveDate>,
    pub outcome: Option<AlertOutcome>,
}

/// An audit of a child's case file: the day it was requested, by whom
/// (an IRO or the service manager) and, if it has one, its theme (a theme
/// of the council's challenge themes, its key); then either the day it was
/// completed, with the grade from the quality grades and the findings in
/// words (free text: kept in the record, never logged), or the day it was
/// cancelled. Neither: the audit is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileAudit {
    pub id: String,
    pub child: ChildId,
    pub requested: NaiveDate,
    pub requested_by: AuditRequester,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<QualityGrade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<NaiveDate>,
}

/// Where a case file audit stood on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditStatus {
    /// Requested by then, neither completed nor cancelled by then.
    Open,
    Completed,
    Cancelled,
    /// Not yet requested.
    NotRequested,
}

impl AuditStatus {
    pub fn key(self) -> &'static str {
        match self {
            AuditStatus::Open => "open",
            AuditStatus::Completed => "completed",
            AuditStatus::Cancelled => "cancelled",
            AuditStatus::NotRequested => "not_requested",
        }
    }
}

impl CaseFileAudit {
    /// Where the audit stood at the end of `on`: the one rule the
    /// measures, the child's page and the list of audits read.
    pub fn status_on(&self, on: NaiveDate) -> AuditStatus {
        if self.requested > on {
            AuditStatus::NotRequested
        } else if self.completed.is_some_and(|c| c <= on) {
            AuditStatus::Completed
        } else if self.cancelled.is_some_and(|c| c <= on) {
            AuditStatus::Cancelled
        } else {
            AuditStatus::Open
        }
    }
}

/// Why a record cannot be held.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRecordError {
    #[error("a record needs an id")]
    NoId,
    #[error("the review is dated before the placement in secure accommodation")]
    SecureBeforePlaced,
    #[error("the review is dated before the arrangement began")]
    PrivateFosteringBeforeStart,
    #[error("the arrangement ends before it began")]
    ArrangementEndsBeforeStart,
    #[error("the review is dated after the arrangement ended")]
    PrivateFosteringAfterEnd,
    #[error("a visit is dated before the council was notified")]
    VisitBeforeNotified,
    #[error("a visit is dated after the arrangement ended")]
    VisitAfterEnd,
    #[error("the arrangement ends before it was to begin")]
    NotifiedEndsBeforeStart,
    #[error("a foster carer review needs the household")]
    NoHousehold,
    #[error("the review is dated before the household was approved")]
    CarerBeforeApproval,
    #[error("a disruption meeting needs at least one child")]
    NoChildren,
    #[error("the meeting is dated before the placement ended")]
    MeetingBeforeEnding,
    #[error("the plan ends before it starts")]
    PlanEndsBeforeStart,
    #[error("a case alert needs a theme")]
    NoTheme,
    #[error("the alert is closed before it was raised")]
    ClosedBeforeRaised,
    #[error("an outcome and a closing date go together")]
    OutcomeWithoutClosing,
    #[error("the audit is completed before it was requested")]
    AuditCompletedBeforeRequested,
    #[error("the audit is cancelled before it was requested")]
    AuditCancelledBeforeRequested,
    #[error("an audit is either completed or cancelled, not both")]
    AuditCompletedAndCancelled,
    #[error("a grade and findings are given only when the audit is completed")]
    AuditGradeWithoutCompletion,
}

/// Every record of this slice, each list sorted by child (or household)
/// then date, then id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseRecords {
    pub secure_reviews: Vec<SecureReview>,
    pub private_fostering_reviews: Vec<PrivateFosteringReview>,
    pub foster_carer_reviews: Vec<FosterCarerReview>,
    pub disruption_meetings: Vec<DisruptionMeeting>,
    pub protection_plans: Vec<ChildProtectionPlan>,
    pub protection_conferences: Vec<ProtectionConference>,
    pub life_story: Vec<LifeStoryWork>,
    pub advocacy: Vec<Advocacy>,
    pub views: Vec<ChildViews>,
    pub case_alerts: Vec<CaseAlert>,
    pub private_fostering_notifications: Vec<PrivateFosteringNotification>,
    pub case_file_audits: Vec<CaseFileAudit>,
}

/// One record of any kind: what the store keeps as a version and an import
/// brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum CaseRecord {
    SecureReview(SecureReview),
    PrivateFosteringReview(PrivateFosteringReview),
    FosterCarerReview(FosterCarerReview),
    DisruptionMeeting(DisruptionMeeting),
    ProtectionPlan(ChildProtectionPlan),
    ProtectionConference(ProtectionConference),
    LifeStory(LifeStoryWork),
    Advocacy(Advocacy),
    Views(ChildViews),
    CaseAlert(CaseAlert),
    PrivateFosteringNotification(PrivateFosteringNotification),
    CaseFileAudit(CaseFileAudit),
}

impl CaseRecord {
    /// Every kind's key, as the store's `kind` column holds it.
    pub const KINDS: [&'static str; 12] = [
        "secure_review",
        "private_fostering_review",
        "foster_carer_review",
        "disruption_meeting",
        "protection_plan",
        "protection_conference",
        "life_story",
        "advocacy",
        "views",
        "case_alert",
        "private_fostering_notification",
        "case_file_audit",
    ];

    /// Each kind in words, in the order of [`CaseRecord::KINDS`].
    pub const LABELS: [&'static str; 12] = [
        "Secure accommodation review",
        "Private fostering review",
        "Foster carer review",
        "Disruption meeting",
        "Child protection plan",
        "Child protection review conference",
        "Life-story work",
        "Advocacy",
        "The child's views",
        "Case alert",
        "Private fostering notification",
        "Case file audit",
    ];

    /// A kind's key in words; `None` for a key that is not a kind.
    pub fn kind_label(kind: &str) -> Option<&'static str> {
        Self::KINDS
            .iter()
            .position(|k| *k == kind)
            .map(|i| Self::LABELS[i])
    }

    /// Puts a case alert's theme and sub-theme (a case file audit's theme)
    /// as the council's list holds them (their keys, never the spelling a form or file gave), after
    /// [`ThemeList::choose`]: the theme on offer (by key, or by name in any
    /// case) or the one the alert already holds (`held`, which a
    /// correction or a second import may keep though the council has since
    /// retired it); the sub-theme one under that theme. A record of another
    /// kind, or an alert with no theme (refused by [`CaseRecord::check`]):
    /// unchanged. The one rule the form and the import both ask.
    pub fn list_theme(
        &mut self,
        themes: &ThemeList,
        held: Option<&CaseRecord>,
    ) -> Result<(), ThemeRefusal> {
        if let CaseRecord::CaseFileAudit(a) = self {
            // An audit's theme is optional, and a theme only (no
            // sub-theme); blank is none.
            let Some(theme) = a.theme.as_deref().filter(|t| !t.trim().is_empty()) else {
                a.theme = None;
                return Ok(());
            };
            let held = match held {
                Some(CaseRecord::CaseFileAudit(h)) => h.theme.as_deref().map(|t| (t, None)),
                _ => None,
            };
            let (theme, _) = themes.choose(theme, "", held)?;
            a.theme = Some(theme);
            return Ok(());
        }
        let CaseRecord::CaseAlert(a) = self else {
            return Ok(());
        };
        if a.theme.trim().is_empty() {
            return Ok(());
        }
        let held = match held {
            Some(CaseRecord::CaseAlert(h)) => Some((h.theme.as_str(), h.sub_theme.as_deref())),
            _ => None,
        };
        let (theme, sub_theme) =
            themes.choose(&a.theme, a.sub_theme.as_deref().unwrap_or(""), held)?;
        a.theme = theme;
        a.sub_theme = sub_theme;
        Ok(())
    }

    /// The values this record holds from the council's lists: each list,
    /// the field that holds it (as the form names it; a file's column is
    /// the same in capitals) and the value.
    pub fn list_values(&self) -> Vec<(FormList, &'static str, &str)> {
        let mut out: Vec<(FormList, &'static str, &str)> = Vec::new();
        match self {
            CaseRecord::Views(v) => out.push((FormList::ViewsRoutes, "route", &v.route)),
            CaseRecord::LifeStory(w) => {
                if let Some(f) = &w.form {
                    out.push((FormList::LifeStoryForms, "form", f));
                }
            }
            _ => {}
        }
        out
    }

    fn list_values_mut(&mut self) -> Vec<(FormList, &'static str, &mut String)> {
        let mut out: Vec<(FormList, &'static str, &mut String)> = Vec::new();
        match self {
            CaseRecord::Views(v) => out.push((FormList::ViewsRoutes, "route", &mut v.route)),
            CaseRecord::LifeStory(w) => {
                if let Some(f) = &mut w.form {
                    out.push((FormList::LifeStoryForms, "form", f));
                }
            }
            _ => {}
        }
        out
    }

    /// Reads this record's values against the council's lists: the one
    /// rule the form and the import both call. A value naming an entry (its
    /// key, or its label in any case, as a file may give it) is held as
    /// the entry's key; it must be an entry on offer, or the value the
    /// record already holds (`held`: a correction or a second import may
    /// keep an entry the council has since retired). Returns each value
    /// refused: its list, its field and the value.
    pub fn settle_lists(
        &mut self,
        lists: &crate::measures::MeasureSettings,
        held: Option<&CaseRecord>,
    ) -> Vec<(FormList, &'static str, String)> {
        let held: Vec<(FormList, String)> = held
            .map(|h| {
                h.list_values()
                    .into_iter()
                    .map(|(l, _, v)| (l, v.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let mut refused = Vec::new();
        for (list, field, value) in self.list_values_mut() {
            let entries = lists.list(list);
            if let Some(e) = entries.find(value) {
                *value = e.key.clone();
            }
            let kept = held
                .iter()
                .find(|(l, _)| *l == list)
                .map(|(_, v)| v.as_str());
            if !entries.accepts(value, kept) {
                refused.push((list, field, value.clone()));
            }
        }
        refused
    }

    /// The kind's key.
    pub fn kind(&self) -> &'static str {
        let i = match self {
            CaseRecord::SecureReview(_) => 0,
            CaseRecord::PrivateFosteringReview(_) => 1,
            CaseRecord::FosterCarerReview(_) => 2,
            CaseRecord::DisruptionMeeting(_) => 3,
            CaseRecord::ProtectionPlan(_) => 4,
            CaseRecord::ProtectionConference(_) => 5,
            CaseRecord::LifeStory(_) => 6,
            CaseRecord::Advocacy(_) => 7,
            CaseRecord::Views(_) => 8,
            CaseRecord::CaseAlert(_) => 9,
            CaseRecord::PrivateFosteringNotification(_) => 10,
            CaseRecord::CaseFileAudit(_) => 11,
        };
        Self::KINDS[i]
    }

    pub fn id(&self) -> &str {
        match self {
            CaseRecord::SecureReview(r) => &r.id,
            CaseRecord::PrivateFosteringReview(r) => &r.id,
            CaseRecord::FosterCarerReview(r) => &r.id,
            CaseRecord::DisruptionMeeting(r) => &r.id,
            CaseRecord::ProtectionPlan(r) => &r.id,
            CaseRecord::ProtectionConference(r) => &r.id,
            CaseRecord::LifeStory(r) => &r.id,
            CaseRecord::Advocacy(r) => &r.id,
            CaseRecord::Views(r) => &r.id,
            CaseRecord::CaseAlert(r) => &r.id,
            CaseRecord::PrivateFosteringNotification(r) => &r.id,
            CaseRecord::CaseFileAudit(r) => &r.id,
        }
    }

    /// The one child the record is about; `None` for a foster carer
    /// household's review and a disruption meeting (council-wide records).
    pub fn child(&self) -> Option<&ChildId> {
        match self {
            CaseRecord::SecureReview(r) => Some(&r.child),
            CaseRecord::PrivateFosteringReview(r) => Some(&r.child),
            CaseRecord::FosterCarerReview(_) | CaseRecord::DisruptionMeeting(_) => None,
            CaseRecord::ProtectionPlan(r) => Some(&r.child),
            CaseRecord::ProtectionConference(r) => Some(&r.child),
            CaseRecord::LifeStory(r) => Some(&r.child),
            CaseRecord::Advocacy(r) => Some(&r.child),
            CaseRecord::Views(r) => Some(&r.child),
            CaseRecord::CaseAlert(r) => Some(&r.child),
            CaseRecord::PrivateFosteringNotification(r) => Some(&r.child),
            CaseRecord::CaseFileAudit(r) => Some(&r.child),
        }
    }

    /// The days the record spans: its date, or a plan's start to its end
    /// (open: `None`), an alert's raising to its closing. What a period's
    /// records window is matched against.
    pub fn span(&self) -> (NaiveDate, Option<NaiveDate>) {
        match self {
            CaseRecord::SecureReview(r) => (r.date, Some(r.date)),
            CaseRecord::PrivateFosteringReview(r) => (r.date, Some(r.date)),
            CaseRecord::FosterCarerReview(r) => (r.date, Some(r.date)),
            CaseRecord::DisruptionMeeting(r) => (r.date, Some(r.date)),
            CaseRecord::ProtectionPlan(r) => (r.start, r.end),
            CaseRecord::ProtectionConference(r) => (r.date, Some(r.date)),
            CaseRecord::LifeStory(r) => (r.date, Some(r.date)),
            CaseRecord::Advocacy(r) => (r.date, Some(r.date)),
            CaseRecord::Views(r) => (r.review_date, Some(r.review_date)),
            CaseRecord::CaseAlert(r) => (r.raised, r.closed),
            // From the notification to the arrangement's end (open while
            // it has none): its visits fall within.
            CaseRecord::PrivateFosteringNotification(r) => (
                r.notified,
                r.arrangement_end
                    .map(|e| e.max(r.notified))
                    .map(|e| r.visits.iter().copied().fold(e, NaiveDate::max)),
            ),
            // From the request to its completion or cancelling (open
            // while it has neither).
            CaseRecord::CaseFileAudit(r) => (
                r.requested,
                r.completed.or(r.cancelled).map(|e| e.max(r.requested)),
            ),
        }
    }

    /// Whether the record is one that can be held.
    pub fn check(&self) -> Result<(), CaseRecordError> {
        use CaseRecordError as E;
        if self.id().trim().is_empty() {
            return Err(E::NoId);
        }
        match self {
            CaseRecord::SecureReview(r) if r.date < r.placed => Err(E::SecureBeforePlaced),
            CaseRecord::PrivateFosteringReview(r) if r.date < r.arrangement_start => {
                Err(E::PrivateFosteringBeforeStart)
            }
            CaseRecord::PrivateFosteringReview(r)
                if r.arrangement_end.is_some_and(|e| e < r.arrangement_start) =>
            {
                Err(E::ArrangementEndsBeforeStart)
            }
            CaseRecord::PrivateFosteringReview(r)
                if r.arrangement_end.is_some_and(|e| r.date > e) =>
            {
                Err(E::PrivateFosteringAfterEnd)
            }
            CaseRecord::PrivateFosteringNotification(r)
                if r.arrangement_end.is_some_and(|e| e < r.proposed_start) =>
            {
                Err(E::NotifiedEndsBeforeStart)
            }
            CaseRecord::PrivateFosteringNotification(r)
                if r.visits.iter().any(|v| *v < r.notified) =>
            {
                Err(E::VisitBeforeNotified)
            }
            CaseRecord::PrivateFosteringNotification(r)
                if r.arrangement_end
                    .is_some_and(|e| r.visits.iter().any(|v| *v > e)) =>
            {
                Err(E::VisitAfterEnd)
            }
            CaseRecord::FosterCarerReview(r) if r.household.trim().is_empty() => {
                Err(E::NoHousehold)
            }
            CaseRecord::FosterCarerReview(r) if r.date < r.approved => Err(E::CarerBeforeApproval),
            CaseRecord::DisruptionMeeting(r) if r.children.is_empty() => Err(E::NoChildren),
            CaseRecord::DisruptionMeeting(r) if r.date < r.placement_ended => {
                Err(E::MeetingBeforeEnding)
            }
            CaseRecord::ProtectionPlan(r) if r.end.is_some_and(|e| e < r.start) => {
                Err(E::PlanEndsBeforeStart)
            }
            CaseRecord::CaseAlert(r) if r.theme.trim().is_empty() => Err(E::NoTheme),
            CaseRecord::CaseAlert(r) if r.closed.is_some_and(|c| c < r.raised) => {
                Err(E::ClosedBeforeRaised)
            }
            CaseRecord::CaseAlert(r) if r.closed.is_none() && r.outcome.is_some() => {
                Err(E::OutcomeWithoutClosing)
            }
            CaseRecord::CaseFileAudit(r) if r.completed.is_some() && r.cancelled.is_some() => {
                Err(E::AuditCompletedAndCancelled)
            }
            CaseRecord::CaseFileAudit(r) if r.completed.is_some_and(|c| c < r.requested) => {
                Err(E::AuditCompletedBeforeRequested)
            }
            CaseRecord::CaseFileAudit(r) if r.cancelled.is_some_and(|c| c < r.requested) => {
                Err(E::AuditCancelledBeforeRequested)
            }
            CaseRecord::CaseFileAudit(r)
                if r.completed.is_none()
                    && (r.grade.is_some()
                        || r.findings.as_deref().is_some_and(|f| !f.trim().is_empty())) =>
            {
                Err(E::AuditGradeWithoutCompletion)
            }
            _ => Ok(()),
        }
    }

    /// The names of the fields that differ from `other` (of the same
    /// kind; every field when the kinds differ), for a correction.
    pub fn changed_fields(&self, other: &CaseRecord) -> Vec<String> {
        let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
            (serde_json::to_value(self), serde_json::to_value(other))
        else {
            return vec!["record".to_owned()];
        };
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect()
    }
}

impl CaseRecords {
    /// Every record, as one list (kinds in the order of
    /// [`CaseRecord::KINDS`]).
    pub fn all(&self) -> Vec<CaseRecord> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(
            self.secure_reviews
                .iter()
                .cloned()
                .map(CaseRecord::SecureReview),
        );
        out.extend(
            self.private_fostering_reviews
                .iter()
                .cloned()
                .map(CaseRecord::PrivateFosteringReview),
        );
        out.extend(
            self.foster_carer_reviews
                .iter()
                .cloned()
                .map(CaseRecord::FosterCarerReview),
        );
        out.extend(
            self.disruption_meetings
                .iter()
                .cloned()
                .map(CaseRecord::DisruptionMeeting),
        );
        out.extend(
            self.protection_plans
                .iter()
                .cloned()
                .map(CaseRecord::ProtectionPlan),
        );
        out.extend(
            self.protection_conferences
                .iter()
                .cloned()
                .map(CaseRecord::ProtectionConference),
        );
        out.extend(self.life_story.iter().cloned().map(CaseRecord::LifeStory));
        out.extend(self.advocacy.iter().cloned().map(CaseRecord::Advocacy));
        out.extend(self.views.iter().cloned().map(CaseRecord::Views));
        out.extend(self.case_alerts.iter().cloned().map(CaseRecord::CaseAlert));
        out.extend(
            self.private_fostering_notifications
                .iter()
                .cloned()
                .map(CaseRecord::PrivateFosteringNotification),
        );
        out.extend(
            self.case_file_audits
                .iter()
                .cloned()
                .map(CaseRecord::CaseFileAudit),
        );
        out
    }

    /// The records of a list, each in its kind's list, every list sorted.
    pub fn from_records(records: impl IntoIterator<Item = CaseRecord>) -> CaseRecords {
        let mut out = CaseRecords::default();
        for r in records {
            out.push(r);
        }
        out.sort();
        out
    }

    /// Adds one record to its kind's list (unsorted).
    pub fn push(&mut self, r: CaseRecord) {
        match r {
            CaseRecord::SecureReview(x) => self.secure_reviews.push(x),
            CaseRecord::PrivateFosteringReview(x) => self.private_fostering_reviews.push(x),
            CaseRecord::FosterCarerReview(x) => self.foster_carer_reviews.push(x),
            CaseRecord::DisruptionMeeting(x) => self.disruption_meetings.push(x),
            CaseRecord::ProtectionPlan(x) => self.protection_plans.push(x),
            CaseRecord::ProtectionConference(x) => self.protection_conferences.push(x),
            CaseRecord::LifeStory(x) => self.life_story.push(x),
            CaseRecord::Advocacy(x) => self.advocacy.push(x),
            CaseRecord::Views(x) => self.views.push(x),
            CaseRecord::CaseAlert(x) => self.case_alerts.push(x),
            CaseRecord::PrivateFosteringNotification(x) => {
                self.private_fostering_notifications.push(x)
            }
            CaseRecord::CaseFileAudit(x) => self.case_file_audits.push(x),
        }
    }

    /// Sorts every list by child (or household) then date, then id.
    pub fn sort(&mut self) {
        self.secure_reviews
            .sort_by(|a, b| (&a.child, a.date, &a.id).cmp(&(&b.child, b.date, &b.id)));
        self.private_fostering_reviews
            .sort_by(|a, b| (&a.child, a.date, &a.id).cmp(&(&b.child, b.date, &b.id)));
        self.foster_carer_reviews
            .sort_by(|a, b| (&a.household, a.date, &a.id).cmp(&(&b.household, b.date, &b.id)));
        self.disruption_meetings
            .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        self.protection_plans
            .sort_by(|a, b| (&a.child, a.start, &a.id).cmp(&(&b.child, b.start, &b.id)));
        self.protection_conferences
            .sort_by(|a, b| (&a.child, a.date, &a.id).cmp(&(&b.child, b.date, &b.id)));
        self.life_story
            .sort_by(|a, b| (&a.child, a.date, &a.id).cmp(&(&b.child, b.date, &b.id)));
        self.advocacy
            .sort_by(|a, b| (&a.child, a.date, &a.id).cmp(&(&b.child, b.date, &b.id)));
        self.views.sort_by(|a, b| {
            (&a.child, a.review_date, &a.id).cmp(&(&b.child, b.review_date, &b.id))
        });
        self.case_alerts
            .sort_by(|a, b| (&a.child, a.raised, &a.id).cmp(&(&b.child, b.raised, &b.id)));
        self.private_fostering_notifications
            .sort_by(|a, b| (&a.child, a.notified, &a.id).cmp(&(&b.child, b.notified, &b.id)));
        self.case_file_audits
            .sort_by(|a, b| (&a.child, a.requested, &a.id).cmp(&(&b.child, b.requested, &b.id)));
    }

    /// Keeps the records of the children `keep` chooses, and every
    /// council-wide one (foster carer reviews, disruption meetings): what a
    /// read of those children brings.
    pub fn retain_children(&mut self, keep: impl Fn(&ChildId) -> bool) {
        self.secure_reviews.retain(|x| keep(&x.child));
        self.private_fostering_reviews.retain(|x| keep(&x.child));
        self.protection_plans.retain(|x| keep(&x.child));
        self.protection_conferences.retain(|x| keep(&x.child));
        self.life_story.retain(|x| keep(&x.child));
        self.advocacy.retain(|x| keep(&x.child));
        self.views.retain(|x| keep(&x.child));
        self.case_alerts.retain(|x| keep(&x.child));
        self.private_fostering_notifications
            .retain(|x| keep(&x.child));
        self.case_file_audits.retain(|x| keep(&x.child));
    }

    /// How many records, of every kind.
    pub fn len(&self) -> usize {
        self.secure_reviews.len()
            + self.private_fostering_reviews.len()
            + self.foster_carer_reviews.len()
            + self.disruption_meetings.len()
            + self.protection_plans.len()
            + self.protection_conferences.len()
            + self.life_story.len()
            + self.advocacy.len()
            + self.views.len()
            + self.case_alerts.len()
            + self.private_fostering_notifications.len()
            + self.case_file_audits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The council's timescales for these records. Every field has the
/// statutory (or national guidance) default; the local ones have the
/// reference councils' choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseRecordTimescales {
    /// Months from the placement in secure accommodation to its first
    /// review (1: reg. 15).
    pub secure_first_months: u32,
    /// Months between secure accommodation reviews (3: reg. 15).
    pub secure_next_months: u32,
    /// Months from the start of a private fostering arrangement to its
    /// first review, and between reviews (12: Durham's annual reviews).
    pub private_fostering_months: u32,
    /// Months from a foster carer household's approval to its first
    /// review, and between reviews (12: reg. 28).
    pub foster_carer_months: u32,
    /// Working days from an unplanned ending to the disruption meeting
    /// (local; 20).
    pub disruption_working_days: u32,
    /// Months from a child protection plan's start to its first review
    /// conference (3: Working Together).
    pub conference_first_months: u32,
    /// Months between later review conferences (6: Working Together).
    pub conference_next_months: u32,
    /// Working days within which a case alert is to be closed (local; 10).
    pub case_alert_working_days: u32,
    /// Working days from a private fostering notification to the first
    /// visit (7: The Children (Private Arrangements for Fostering)
    /// Regulations 2005, reg. 7).
    pub private_fostering_first_visit_working_days: u32,
    /// Weeks at most between visits in an arrangement's first year (6:
    /// reg. 8).
    pub private_fostering_visit_weeks_first_year: u32,
    /// Weeks at most between visits after its first year (12: reg. 8).
    pub private_fostering_visit_weeks_later: u32,
}

impl Default for CaseRecordTimescales {
    fn default() -> Self {
        CaseRecordTimescales {
            secure_first_months: 1,
            secure_next_months: 3,
            private_fostering_months: 12,
            foster_carer_months: 12,
            disruption_working_days: 20,
            conference_first_months: 3,
            conference_next_months: 6,
            case_alert_working_days: 10,
            private_fostering_first_visit_working_days: 7,
            private_fostering_visit_weeks_first_year: 6,
            private_fostering_visit_weeks_later: 12,
        }
    }
}

/// The unit a timescale of [`CaseRecordTimescales`] counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimescaleUnit {
    Months,
    WorkingDays,
    Weeks,
}

impl TimescaleUnit {
    pub fn label(self) -> &'static str {
        match self {
            TimescaleUnit::Months => "months",
            TimescaleUnit::WorkingDays => "working days",
            TimescaleUnit::Weeks => "weeks",
        }
    }
}

/// One timescale of [`CaseRecordTimescales`]: its field (the settings key
/// under `case_records`), what it is the time for, its unit and the most
/// it may be (the least is 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timescale {
    pub key: &'static str,
    pub what: &'static str,
    pub unit: TimescaleUnit,
    pub max: u32,
}

const fn timescale(key: &'static str, what: &'static str, unit: TimescaleUnit) -> Timescale {
    let max = match unit {
        TimescaleUnit::Months => 24,
        TimescaleUnit::WorkingDays => 100,
        TimescaleUnit::Weeks => 52,
    };
    Timescale {
        key,
        what,
        unit,
        max,
    }
}

impl CaseRecordTimescales {
    /// Every timescale, in the order a settings form shows them: the one
    /// description the form, its errors and [`CaseRecordTimescales::check`]
    /// share.
    pub const FIELDS: [Timescale; 11] = [
        timescale(
            "secure_first_months",
            "the first secure accommodation review after the placement",
            TimescaleUnit::Months,
        ),
        timescale(
            "secure_next_months",
            "later secure accommodation reviews",
            TimescaleUnit::Months,
        ),
        timescale(
            "private_fostering_months",
            "private fostering reviews",
            TimescaleUnit::Months,
        ),
        timescale(
            "private_fostering_first_visit_working_days",
            "the first private fostering visit after the notification",
            TimescaleUnit::WorkingDays,
        ),
        timescale(
            "private_fostering_visit_weeks_first_year",
            "private fostering visits in the arrangement's first year",
            TimescaleUnit::Weeks,
        ),
        timescale(
            "private_fostering_visit_weeks_later",
            "private fostering visits after the first year",
            TimescaleUnit::Weeks,
        ),
        timescale(
            "foster_carer_months",
            "foster carer reviews",
            TimescaleUnit::Months,
        ),
        timescale(
            "disruption_working_days",
            "a disruption meeting after an unplanned ending",
            TimescaleUnit::WorkingDays,
        ),
        timescale(
            "conference_first_months",
            "the first review conference of a child protection plan",
            TimescaleUnit::Months,
        ),
        timescale(
            "conference_next_months",
            "later review conferences",
            TimescaleUnit::Months,
        ),
        timescale(
            "case_alert_working_days",
            "closing a case alert",
            TimescaleUnit::WorkingDays,
        ),
    ];

    fn slot(&mut self, key: &str) -> Option<&mut u32> {
        Some(match key {
            "secure_first_months" => &mut self.secure_first_months,
            "secure_next_months" => &mut self.secure_next_months,
            "private_fostering_months" => &mut self.private_fostering_months,
            "foster_carer_months" => &mut self.foster_carer_months,
            "disruption_working_days" => &mut self.disruption_working_days,
            "conference_first_months" => &mut self.conference_first_months,
            "conference_next_months" => &mut self.conference_next_months,
            "case_alert_working_days" => &mut self.case_alert_working_days,
            "private_fostering_first_visit_working_days" => {
                &mut self.private_fostering_first_visit_working_days
            }
            "private_fostering_visit_weeks_first_year" => {
                &mut self.private_fostering_visit_weeks_first_year
            }
            "private_fostering_visit_weeks_later" => &mut self.private_fostering_visit_weeks_later,
            _ => return None,
        })
    }

    /// The timescale `key` of [`CaseRecordTimescales::FIELDS`].
    pub fn get(&self, key: &str) -> Option<u32> {
        self.clone().slot(key).map(|n| *n)
    }

    /// Sets the timescale `key`; `false` when there is none of that name.
    pub fn set(&mut self, key: &str, n: u32) -> bool {
        self.slot(key).map(|slot| *slot = n).is_some()
    }

    /// What is wrong with timescale `t` at `n`, in words a form shows on
    /// its field: each is a whole number from 1 to its `max`.
    pub fn problem(t: &Timescale, n: u32) -> Option<String> {
        (!(1..=t.max).contains(&n)).then(|| {
            format!(
                "Enter the {} for {} as a whole number from 1 to {}",
                t.unit.label(),
                t.what,
                t.max
            )
        })
    }

    /// Whether the settings make sense: every timescale from 1 to its
    /// most ([`CaseRecordTimescales::problem`]); the error names the first
    /// that is not, by its key.
    pub fn check(&self) -> Result<(), String> {
        for t in &Self::FIELDS {
            let n = self.get(t.key).unwrap_or(0);
            if let Some(p) = Self::problem(t, n) {
                return Err(format!("`case_records.{}` is {n}: {p}", t.key));
            }
        }
        Ok(())
    }
}

/// A chain of meetings: the first due `first_months` after `start`, each
/// next one `next_months` after the one before ([`chain`]).
pub fn meeting_chain(
    start: NaiveDate,
    end: Option<NaiveDate>,
    first_months: u32,
    next_months: u32,
    held: &[NaiveDate],
) -> Vec<Due> {
    chain(
        start,
        end,
        add_months(start, first_months),
        |d| add_months(d, next_months),
        held,
    )
}

/// A chain of meetings (or visits): the first due on `first_due`, each
/// next one `next(the one before)`. `held` are the meetings' dates (any
/// order; those before `start` or after `end` are not this chain's); each
/// closes the meeting due when it was held. The chain stops at the first
/// meeting not held, or, when the chain has ended (`end`), at the first
/// due after it. The one rule behind every schedule of this module.
pub fn chain(
    start: NaiveDate,
    end: Option<NaiveDate>,
    first_due: NaiveDate,
    next: impl Fn(NaiveDate) -> NaiveDate,
    held: &[NaiveDate],
) -> Vec<Due> {
    let mut done: Vec<NaiveDate> = held
        .iter()
        .copied()
        .filter(|d| *d >= start && end.is_none_or(|e| *d <= e))
        .collect();
    done.sort_unstable();
    done.dedup();
    let mut out = Vec::new();
    let mut due = first_due;
    let mut held = done.into_iter().peekable();
    loop {
        if end.is_some_and(|e| due > e) && held.peek().is_none() {
            break;
        }
        let d = held.next();
        out.push(Due { due, done: d });
        match d {
            Some(d) => due = next(d),
            None => break,
        }
    }
    out
}

/// The `n`-th working day after `d` on the council's calendar; outside the
/// calendar's years, the `n`-th weekday (bank holidays unknown there).
fn working_days_after(calendar: &WorkingDayCalendar, d: NaiveDate, n: u32) -> NaiveDate {
    use chrono::{Datelike, Weekday};
    calendar.add_working_days(d, n).unwrap_or_else(|_| {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                left -= 1;
            }
        }
        day
    })
}

/// The statutory visits of a notified private fostering arrangement: the
/// first within `private_fostering_first_visit_working_days` working days
/// of the notification, each next at most
/// `private_fostering_visit_weeks_first_year` weeks after the one before
/// while that one was in the arrangement's first year (from its proposed
/// start), `private_fostering_visit_weeks_later` weeks after. Up to the
/// arrangement's end (`end`: the latest the notification or a review of
/// the arrangement records, [`arrangement_end`]). The one schedule of
/// visits the list, the child's page and the due lists read.
pub fn private_fostering_visit_schedule(
    n: &PrivateFosteringNotification,
    end: Option<NaiveDate>,
    t: &CaseRecordTimescales,
    calendar: &WorkingDayCalendar,
) -> Vec<Due> {
    let first_year_ends = add_months(n.proposed_start, 12);
    let weeks = |w: u32| chrono::Days::new(7 * u64::from(w));
    chain(
        n.notified,
        end,
        working_days_after(
            calendar,
            n.notified,
            t.private_fostering_first_visit_working_days,
        ),
        |v| {
            if v < first_year_ends {
                v + weeks(t.private_fostering_visit_weeks_first_year)
            } else {
                v + weeks(t.private_fostering_visit_weeks_later)
            }
        },
        &n.visits,
    )
}

/// The secure accommodation reviews of one stay (the child's reviews with
/// the same placement day): the first within `secure_first_months` of the
/// placement, then every `secure_next_months`. The stay's end is not held:
/// its last review is the one not yet held.
pub fn secure_review_schedule(
    child: &ChildId,
    placed: NaiveDate,
    reviews: &[SecureReview],
    t: &CaseRecordTimescales,
) -> Vec<Due> {
    let held: Vec<NaiveDate> = reviews
        .iter()
        .filter(|r| r.child == *child && r.placed == placed)
        .map(|r| r.date)
        .collect();
    meeting_chain(
        placed,
        None,
        t.secure_first_months,
        t.secure_next_months,
        &held,
    )
}

/// The day the arrangement of `child` that began on `start` ended: the
/// latest any of its reviews records (`None` while none does).
pub fn arrangement_end(
    child: &ChildId,
    start: NaiveDate,
    reviews: &[PrivateFosteringReview],
) -> Option<NaiveDate> {
    reviews
        .iter()
        .filter(|r| r.child == *child && r.arrangement_start == start)
        .filter_map(|r| r.arrangement_end)
        .max()
}

/// [`arrangement_end`] with the arrangement's notifications too (those
/// whose proposed start is `start`): the latest end any of its records
/// holds. What the visits and the reviews of a notified arrangement stop
/// at.
pub fn notified_arrangement_end(
    child: &ChildId,
    start: NaiveDate,
    reviews: &[PrivateFosteringReview],
    notifications: &[PrivateFosteringNotification],
) -> Option<NaiveDate> {
    notifications
        .iter()
        .filter(|n| n.child == *child && n.proposed_start == start)
        .filter_map(|n| n.arrangement_end)
        .chain(arrangement_end(child, start, reviews))
        .max()
}

/// The reviews of one private fostering arrangement (the child's reviews
/// with the same start), to the arrangement's end when one of them records
/// it (the latest recorded): no review is due after it.
pub fn private_fostering_schedule(
    child: &ChildId,
    start: NaiveDate,
    reviews: &[PrivateFosteringReview],
    t: &CaseRecordTimescales,
) -> Vec<Due> {
    let held: Vec<NaiveDate> = reviews
        .iter()
        .filter(|r| r.child == *child && r.arrangement_start == start)
        .map(|r| r.date)
        .collect();
    meeting_chain(
        start,
        arrangement_end(child, start, reviews),
        t.private_fostering_months,
        t.private_fostering_months,
        &held,
    )
}

/// The reviews of one foster carer household since its approval.
pub fn foster_carer_schedule(
    household: &str,
    approved: NaiveDate,
    reviews: &[FosterCarerReview],
    t: &CaseRecordTimescales,
) -> Vec<Due> {
    let held: Vec<NaiveDate> = reviews
        .iter()
        .filter(|r| r.household == household && r.approved == approved)
        .map(|r| r.date)
        .collect();
    meeting_chain(
        approved,
        None,
        t.foster_carer_months,
        t.foster_carer_months,
        &held,
    )
}

/// The review conferences of one child protection plan: the first within
/// `conference_first_months` of its start, then every
/// `conference_next_months`, up to its end. Conferences of the child dated
/// after the start and by the end are the plan's.
pub fn conference_schedule(
    plan: &ChildProtectionPlan,
    conferences: &[ProtectionConference],
    t: &CaseRecordTimescales,
) -> Vec<Due> {
    let held: Vec<NaiveDate> = conferences
        .iter()
        .filter(|c| c.child == plan.child && c.date > plan.start)
        .map(|c| c.date)
        .collect();
    meeting_chain(
        plan.start,
        plan.end,
        t.conference_first_months,
        t.conference_next_months,
        &held,
    )
}

/// The meeting each held meeting of a chain answered: `(held on, due by)`.
pub fn held_against_due(chain: &[Due]) -> impl Iterator<Item = (NaiveDate, NaiveDate)> + '_ {
    chain.iter().filter_map(|d| d.done.map(|x| (x, d.due)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn kid() -> ChildId {
        "C1".parse().unwrap()
    }

    #[test]
    fn secure_reviews_by_hand() {
        // Placed 15 January 2025: first review due 15 February; held 10
        // February, next due 10 May; held 20 May (late), next due 20
        // August, not yet held.
        let r = |id: &str, date| SecureReview {
            id: id.into(),
            child: kid(),
            placed: d(2025, 1, 15),
            date,
            decision: SecureDecision::CriteriaMet,
        };
        let other_stay = SecureReview {
            placed: d(2024, 3, 1),
            ..r("x", d(2024, 3, 20))
        };
        let s = secure_review_schedule(
            &kid(),
            d(2025, 1, 15),
            &[r("b", d(2025, 5, 20)), r("a", d(2025, 2, 10)), other_stay],
            &Default::default(),
        );
        assert_eq!(
            s,
            vec![
                Due {
                    due: d(2025, 2, 15),
                    done: Some(d(2025, 2, 10))
                },
                Due {
                    due: d(2025, 5, 10),
                    done: Some(d(2025, 5, 20))
                },
                Due {
                    due: d(2025, 8, 20),
                    done: None
                },
            ]
        );
        assert!(s[0].in_time() && !s[1].in_time());
        assert!(s[2].overdue_on(d(2025, 8, 21)));
    }

    #[test]
    fn conferences_stop_with_the_plan() {
        let plan = ChildProtectionPlan {
            id: "p".into(),
            child: kid(),
            start: d(2024, 6, 1),
            end: Some(d(2024, 8, 15)),
        };
        // Ended before the first conference was due: nothing due.
        assert_eq!(conference_schedule(&plan, &[], &Default::default()), vec![]);
        let open = ChildProtectionPlan { end: None, ..plan };
        let c = ProtectionConference {
            id: "c".into(),
            child: kid(),
            date: d(2024, 8, 30),
        };
        assert_eq!(
            conference_schedule(&open, &[c], &Default::default()),
            vec![
                Due {
                    due: d(2024, 9, 1),
                    done: Some(d(2024, 8, 30))
                },
                Due {
                    due: d(2025, 2, 28),
                    done: None
                },
            ]
        );
    }

    #[test]
    fn records_that_cannot_be_held_are_refused() {
        let alert = CaseAlert {
            id: "a1".into(),
            child: kid(),
            raised: d(2025, 1, 10),
            theme: "care planning".into(),
            sub_theme: None,
            closed: None,
            outcome: Some(AlertOutcome::Resolved),
        };
        assert_eq!(
            CaseRecord::CaseAlert(alert.clone()).check(),
            Err(CaseRecordError::OutcomeWithoutClosing)
        );
        let closed = CaseAlert {
            closed: Some(d(2025, 1, 9)),
            ..alert.clone()
        };
        assert_eq!(
            CaseRecord::CaseAlert(closed).check(),
            Err(CaseRecordError::ClosedBeforeRaised)
        );
        let meeting = DisruptionMeeting {
            id: "m".into(),
            date: d(2025, 1, 1),
            children: vec![],
            placement_ended: d(2024, 12, 1),
        };
        assert_eq!(
            CaseRecord::DisruptionMeeting(meeting).check(),
            Err(CaseRecordError::NoChildren)
        );
        assert_eq!(
            SecureDecision::from_key("Criteria met"),
            Some(SecureDecision::CriteriaMet)
        );
        assert_eq!(
            ViewsRoute::from_key("mind of my own"),
            Some(ViewsRoute::MindOfMyOwn)
        );
        let a = CaseRecord::CaseAlert(CaseAlert {
            outcome: None,
            ..alert.clone()
        });
        let b = CaseRecord::CaseAlert(CaseAlert {
            outcome: Some(AlertOutcome::Resolved),
            closed: Some(d(2025, 1, 12)),
            ..alert
        });
        assert_eq!(a.changed_fields(&b), vec!["closed", "outcome"]);
        assert_eq!(CaseRecordTimescales::default().check(), Ok(()));
        // Kept as JSON: every kind reads back as it was written (a field
        // named `kind` does not clash with the tag).
        let carer = CaseRecord::FosterCarerReview(FosterCarerReview {
            id: "f".into(),
            household: "H".into(),
            approved: d(2024, 1, 1),
            date: d(2025, 1, 1),
            kind: CarerReviewKind::First,
            to_panel: true,
        });
        let json = serde_json::to_string(&carer).unwrap();
        assert_eq!(serde_json::from_str::<CaseRecord>(&json).unwrap(), carer);
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..4000).prop_map(|n| d(2015, 1, 1) + chrono::Days::new(n as u64))
    }

    proptest! {
        /// Every chain: the first due `first` months after the start, each
        /// next `next` months after the meeting before; each meeting
        /// closes one due date, in order; only the last can be not held;
        /// an open chain always ends with one not held, an ended one has
        /// nothing due after its end unless it was held.
        #[test]
        fn a_meeting_chain_follows_its_rules(
            start in date(),
            len in proptest::option::of(0u64..1500),
            first in 1u32..13,
            next in 1u32..13,
            held in proptest::collection::vec(-200i64..2500, 0..10),
        ) {
            let end = len.map(|l| start + chrono::Days::new(l));
            let held: Vec<NaiveDate> = held
                .iter()
                .map(|n| start.checked_add_signed(chrono::Duration::days(*n)).unwrap())
                .collect();
            let chain = meeting_chain(start, end, first, next, &held);
            let mut kept: Vec<NaiveDate> = held
                .iter()
                .copied()
                .filter(|x| *x >= start && end.is_none_or(|e| *x <= e))
                .collect();
            kept.sort_unstable();
            kept.dedup();
            let done: Vec<NaiveDate> = chain.iter().filter_map(|c| c.done).collect();
            prop_assert_eq!(&done, &kept);
            let mut from = None;
            for (k, c) in chain.iter().enumerate() {
                let want = match from {
                    None => add_months(start, first),
                    Some(x) => add_months(x, next),
                };
                prop_assert_eq!(c.due, want);
                match c.done {
                    Some(x) => from = Some(x),
                    None => {
                        prop_assert_eq!(k, chain.len() - 1);
                        if let Some(e) = end {
                            prop_assert!(c.due <= e);
                        }
                    }
                }
            }
            if end.is_none() {
                prop_assert!(chain.last().is_some_and(|c| c.done.is_none()));
            }
        }
    }

    fn notification(visits: &[NaiveDate]) -> PrivateFosteringNotification {
        PrivateFosteringNotification {
            id: "N1".into(),
            child: kid(),
            notified: d(2025, 1, 2),
            notified_by: Notifier::School,
            proposed_start: d(2025, 1, 6),
            visits: visits.to_vec(),
            arrangement_end: None,
        }
    }

    #[test]
    fn private_fostering_visits_by_hand() {
        let cal = WorkingDayCalendar::england_and_wales();
        let t = CaseRecordTimescales::default();
        // Notified Thursday 2 January 2025: 7 working days on is Monday 13
        // January. Visited 10 January, then at most 6 weeks apart in the
        // arrangement's first year (to 6 January 2026): 21 February, visited
        // 3 March (late); the visit of 5 January 2026 is in the first year,
        // so the next is due 6 weeks on (16 February 2026); the visit of
        // 10 February 2026 is not, so 12 weeks on (5 May 2026).
        let n = notification(&[d(2025, 3, 3), d(2025, 1, 10), d(2026, 1, 5), d(2026, 2, 10)]);
        let s = private_fostering_visit_schedule(&n, None, &t, &cal);
        let dues: Vec<(NaiveDate, Option<NaiveDate>)> = s.iter().map(|x| (x.due, x.done)).collect();
        assert_eq!(
            dues,
            vec![
                (d(2025, 1, 13), Some(d(2025, 1, 10))),
                (d(2025, 2, 21), Some(d(2025, 3, 3))),
                (d(2025, 4, 14), Some(d(2026, 1, 5))),
                (d(2026, 2, 16), Some(d(2026, 2, 10))),
                (d(2026, 5, 5), None),
            ]
        );
        assert!(s[0].in_time() && !s[1].in_time());
        // An Easter notification: Thursday 17 April 2025; Good Friday and
        // Easter Monday are not working days, so the first visit is due
        // Wednesday 30 April.
        let easter = PrivateFosteringNotification {
            notified: d(2025, 4, 17),
            proposed_start: d(2025, 4, 20),
            ..notification(&[])
        };
        assert_eq!(
            private_fostering_visit_schedule(&easter, None, &t, &cal),
            vec![Due {
                due: d(2025, 4, 30),
                done: None
            }]
        );
        // Each timescale is the council's setting.
        let local = CaseRecordTimescales {
            private_fostering_first_visit_working_days: 5,
            private_fostering_visit_weeks_first_year: 4,
            ..t.clone()
        };
        let s =
            private_fostering_visit_schedule(&notification(&[d(2025, 1, 8)]), None, &local, &cal);
        assert_eq!(s[0].due, d(2025, 1, 9));
        assert_eq!(s[1].due, d(2025, 2, 5));
        // Ended: nothing due after the end.
        let ended = notification(&[d(2025, 1, 10)]);
        assert_eq!(
            private_fostering_visit_schedule(&ended, Some(d(2025, 2, 1)), &t, &cal).len(),
            1
        );
        // The checks.
        let before = CaseRecord::PrivateFosteringNotification(notification(&[d(2025, 1, 1)]));
        assert_eq!(before.check(), Err(CaseRecordError::VisitBeforeNotified));
        let after = CaseRecord::PrivateFosteringNotification(PrivateFosteringNotification {
            arrangement_end: Some(d(2025, 1, 9)),
            ..notification(&[d(2025, 1, 10)])
        });
        assert_eq!(after.check(), Err(CaseRecordError::VisitAfterEnd));
        let ends_first = CaseRecord::PrivateFosteringNotification(PrivateFosteringNotification {
            arrangement_end: Some(d(2025, 1, 5)),
            ..notification(&[])
        });
        assert_eq!(
            ends_first.check(),
            Err(CaseRecordError::NotifiedEndsBeforeStart)
        );
        assert_eq!(
            Notifier::from_key("Another professional"),
            Some(Notifier::OtherProfessional)
        );
        let zero = CaseRecordTimescales {
            private_fostering_visit_weeks_later: 0,
            ..t
        };
        assert!(zero.check().is_err());
    }

    #[test]
    fn every_timescale_is_named_read_set_and_checked_by_its_key() {
        let mut t = CaseRecordTimescales::default();
        // Every field is in FIELDS once, and reads back what is set.
        let keys: std::collections::BTreeSet<&str> =
            CaseRecordTimescales::FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), CaseRecordTimescales::FIELDS.len());
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json.as_object().map(|o| o.len()), Some(keys.len()));
        for (i, f) in CaseRecordTimescales::FIELDS.iter().enumerate() {
            assert_eq!(t.get(f.key), json[f.key].as_u64().map(|n| n as u32));
            let n = u32::try_from(i).unwrap() + 2;
            assert!(t.set(f.key, n));
            assert_eq!(t.get(f.key), Some(n));
        }
        assert!(!t.set("nonsense", 1));
        assert_eq!(t.get("nonsense"), None);
        assert_eq!(t.check(), Ok(()));
        // Out of range: the error names the key and the unit.
        assert!(t.set("disruption_working_days", 0));
        let err = t.check().unwrap_err();
        assert!(
            err.contains("case_records.disruption_working_days"),
            "{err}"
        );
        assert!(err.contains("working days"), "{err}");
        assert!(t.set("disruption_working_days", 20));
        assert!(t.set("conference_next_months", 25));
        assert!(t.check().unwrap_err().contains("from 1 to 24"));
    }

    proptest! {
        /// Every visit schedule: the first visit due on the 7th working day
        /// after the notification (a weekday, 9 to 17 days on), each next 6
        /// weeks after a visit in the first year and 12 after one later;
        /// each visit closes one due date in order; only the last can be
        /// not made, and it is not made.
        #[test]
        fn private_fostering_visits_follow_the_regulations(
            notified in date(),
            lead in -30i64..60,
            visits in proptest::collection::vec(0i64..900, 0..12),
        ) {
            use chrono::Datelike;
            let cal = WorkingDayCalendar::england_and_wales();
            let t = CaseRecordTimescales::default();
            let n = PrivateFosteringNotification {
                notified,
                proposed_start: notified
                    .checked_add_signed(chrono::Duration::days(lead))
                    .unwrap(),
                visits: visits
                    .iter()
                    .map(|x| notified + chrono::Days::new(*x as u64))
                    .collect(),
                ..notification(&[])
            };
            let s = private_fostering_visit_schedule(&n, None, &t, &cal);
            let first = s[0].due;
            let gap = (first - notified).num_days();
            prop_assert!((9..=17).contains(&gap), "{} days", gap);
            prop_assert!(!matches!(first.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun));
            let year_ends = add_months(n.proposed_start, 12);
            for w in s.windows(2) {
                let made = w[0].done.expect("only the last is not made");
                let weeks = if made < year_ends { 6 } else { 12 };
                prop_assert_eq!(w[1].due, made + chrono::Days::new(7 * weeks));
            }
            prop_assert!(s.last().is_some_and(|x| x.done.is_none()));
            let mut made: Vec<NaiveDate> = n.visits.clone();
            made.sort_unstable();
            made.dedup();
            let done: Vec<NaiveDate> = s.iter().filter_map(|x| x.done).collect();
            prop_assert_eq!(done, made);
        }
    }

    #[test]
    fn a_case_alerts_theme_is_from_the_list_or_the_one_it_holds() {
        let alert = |theme: &str, sub: Option<&str>| {
            CaseRecord::CaseAlert(CaseAlert {
                id: "E1".into(),
                child: "A1".parse().unwrap(),
                raised: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
                theme: theme.into(),
                sub_theme: sub.map(str::to_owned),
                closed: None,
                outcome: None,
            })
        };
        let themes = ThemeList::default_list();
        let listed = |mut r: CaseRecord, held: Option<&CaseRecord>| {
            r.list_theme(&themes, held).map(|()| match r {
                CaseRecord::CaseAlert(a) => (a.theme, a.sub_theme),
                _ => unreachable!(),
            })
        };
        let ok = |t: &str, s: Option<&str>| Ok((t.to_owned(), s.map(str::to_owned)));
        // The list's own entry is stored, however the file spells it.
        assert_eq!(
            listed(alert("Care planning", None), None),
            ok("care_planning", None)
        );
        assert_eq!(
            listed(alert(" care PLANNING ", None), None),
            ok("care_planning", None)
        );
        assert_eq!(
            listed(alert("care planning", Some("Drift and delay")), None),
            ok("care_planning", Some("drift_and_delay"))
        );
        assert_eq!(
            listed(alert("weather", None), None),
            Err(ThemeRefusal::Theme("weather".into()))
        );
        // A sub-theme from another theme is refused on the sub-theme.
        assert_eq!(
            listed(alert("placement", Some("drift_and_delay")), None),
            Err(ThemeRefusal::SubTheme {
                theme: "Placement".into(),
                sub_theme: "drift_and_delay".into()
            })
        );
        // A theme the council has since taken off its list stays on the
        // alert that holds it, and on no other.
        assert_eq!(
            listed(alert("weather", None), Some(&alert("weather", None))),
            ok("weather", None)
        );
        assert!(listed(alert("weather", None), Some(&alert("placement", None))).is_err());
    }

    #[test]
    fn a_list_value_is_an_entry_on_offer_named_by_key_or_label_or_the_one_held() {
        let views = |route: &str| {
            CaseRecord::Views(ChildViews {
                id: "V1".into(),
                child: "A1".parse().unwrap(),
                review_date: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
                route: route.into(),
            })
        };
        let mut lists = crate::measures::MeasureSettings::default();
        lists.views_routes = crate::lists::CouncilList::of(&[
            ("in_person", "In person"),
            ("postcard", "A postcard"),
        ]);
        lists.views_routes.0[0].retired = true;
        // By label, in any case: held as the key.
        let mut r = views(" a POSTCARD ");
        assert_eq!(r.settle_lists(&lists, None), vec![]);
        assert_eq!(
            r.list_values(),
            vec![(FormList::ViewsRoutes, "route", "postcard")]
        );
        // Retired: refused for a new record, kept by the one that holds it.
        let mut r = views("in_person");
        assert_eq!(
            r.settle_lists(&lists, None),
            vec![(FormList::ViewsRoutes, "route", "in_person".to_owned())]
        );
        assert_eq!(r.settle_lists(&lists, Some(&views("in_person"))), vec![]);
        assert_eq!(
            views("carrier pigeon").settle_lists(&lists, Some(&views("in_person"))),
            vec![(FormList::ViewsRoutes, "route", "carrier pigeon".to_owned())]
        );

        // Life-story work: its form is the council's list's too; none
        // recorded is not checked.
        let story = |form: Option<&str>| {
            CaseRecord::LifeStory(LifeStoryWork {
                id: "L1".into(),
                child: "A1".parse().unwrap(),
                date: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
                status: LifeStoryStatus::InProgress,
                form: form.map(str::to_owned),
            })
        };
        lists.life_story_forms = crate::lists::CouncilList::of(&[("book", "Life-story book")]);
        let mut r = story(Some("LIFE-STORY book"));
        assert_eq!(r.settle_lists(&lists, None), vec![]);
        assert_eq!(
            r.list_values(),
            vec![(FormList::LifeStoryForms, "form", "book")]
        );
        assert_eq!(story(None).settle_lists(&lists, None), vec![]);
        assert_eq!(
            story(Some("memory_box")).settle_lists(&lists, None),
            vec![(FormList::LifeStoryForms, "form", "memory_box".to_owned())]
        );
        assert_eq!(
            story(Some("memory_box")).settle_lists(&lists, Some(&story(Some("memory_box")))),
            vec![]
        );
    }
}
