//! Health assessments and personal education plans: the records the 903
//! does not hold (issue 15), their timescales as council settings with the
//! statutory defaults, and the schedule of each, worked out by one function
//! per record type from the child's period of care and the working-day
//! calendar:
//!
//! - [`health_assessment_schedule`]: the initial health assessment within
//!   20 working days of coming into care, then a review health assessment
//!   every 6 months while the child is under 5 and every 12 months from 5;
//! - [`dental_schedule`]: a dental check every 12 months;
//! - [`education_plan_schedule`]: the initial personal education plan (PEP)
//!   within 10 working days, then one PEP each school term.
//!
//! SDQ scores and immunisation status are held (and measured) but have no
//! schedule of their own.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkingDayCalendar};
use crate::dates::{add_months, age_on};
use crate::model::{ChildId, QualityGrade};
use crate::periods::PeriodOfCare;

/// Initial or review health assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentKind {
    /// The initial health assessment (IHA) on coming into care.
    Initial,
    /// A review health assessment (RHA).
    Review,
}

impl AssessmentKind {
    pub fn key(self) -> &'static str {
        match self {
            AssessmentKind::Initial => "initial",
            AssessmentKind::Review => "review",
        }
    }

    pub fn from_key(key: &str) -> Option<AssessmentKind> {
        match key {
            "initial" => Some(AssessmentKind::Initial),
            "review" => Some(AssessmentKind::Review),
            _ => None,
        }
    }
}

/// One health assessment: an initial one (requested, then done) or a review
/// one (done).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthAssessment {
    pub child: ChildId,
    pub kind: AssessmentKind,
    /// When the council asked the health service for it (initial only).
    pub requested: Option<NaiveDate>,
    /// When it was done; `None` while an initial one is requested and not
    /// yet done.
    pub done: Option<NaiveDate>,
}

/// Why a health assessment record cannot be held.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HealthRecordError {
    #[error("a review health assessment needs the date it was done")]
    ReviewNotDone,
    #[error("a review health assessment has no requested date")]
    ReviewRequested,
    #[error("an initial health assessment needs a requested or a done date")]
    InitialEmpty,
    #[error("the assessment was done before it was requested")]
    DoneBeforeRequested,
    #[error("an SDQ total score is 0 to 40")]
    SdqScore,
}

impl HealthAssessment {
    /// Whether the record is one that can be held.
    pub fn check(&self) -> Result<(), HealthRecordError> {
        match (self.kind, self.requested, self.done) {
            (AssessmentKind::Review, Some(_), _) => Err(HealthRecordError::ReviewRequested),
            (AssessmentKind::Review, None, None) => Err(HealthRecordError::ReviewNotDone),
            (AssessmentKind::Initial, None, None) => Err(HealthRecordError::InitialEmpty),
            (_, Some(r), Some(d)) if d < r => Err(HealthRecordError::DoneBeforeRequested),
            _ => Ok(()),
        }
    }
}

/// A dental check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DentalCheck {
    pub child: ChildId,
    pub date: NaiveDate,
}

/// A Strengths and Difficulties Questionnaire total score and its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdqScore {
    pub child: ChildId,
    pub date: NaiveDate,
    /// 0–40.
    pub score: u8,
}

impl SdqScore {
    pub const MAX: u8 = 40;

    pub fn check(&self) -> Result<(), HealthRecordError> {
        if self.score > Self::MAX {
            Err(HealthRecordError::SdqScore)
        } else {
            Ok(())
        }
    }
}

/// Whether the child's immunisations were up to date, as recorded on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImmunisationStatus {
    pub child: ChildId,
    pub date: NaiveDate,
    pub up_to_date: bool,
}

/// Health assessments, dental checks, SDQ scores, immunisation status and
/// PEPs together: what a case-management import brings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthEducationRecords {
    pub health_assessments: Vec<HealthAssessment>,
    pub dental_checks: Vec<DentalCheck>,
    pub sdq_scores: Vec<SdqScore>,
    pub immunisations: Vec<ImmunisationStatus>,
    pub education_plans: Vec<EducationPlan>,
}

impl HealthEducationRecords {
    /// How many records, of every kind.
    pub fn len(&self) -> usize {
        self.health_assessments.len()
            + self.dental_checks.len()
            + self.sdq_scores.len()
            + self.immunisations.len()
            + self.education_plans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The three terms of the school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermName {
    Autumn,
    Spring,
    Summer,
}

impl TermName {
    pub const ALL: [TermName; 3] = [TermName::Autumn, TermName::Spring, TermName::Summer];

    pub fn key(self) -> &'static str {
        match self {
            TermName::Autumn => "autumn",
            TermName::Spring => "spring",
            TermName::Summer => "summer",
        }
    }

    pub fn from_key(key: &str) -> Option<TermName> {
        TermName::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// One school term: the school year (by the year it starts in, 2024 for
/// 2024-25) and which term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SchoolTerm {
    pub school_year: i32,
    pub term: TermName,
}

impl SchoolTerm {
    /// The next term.
    pub fn next(self) -> SchoolTerm {
        match self.term {
            TermName::Autumn => SchoolTerm {
                term: TermName::Spring,
                ..self
            },
            TermName::Spring => SchoolTerm {
                term: TermName::Summer,
                ..self
            },
            TermName::Summer => SchoolTerm {
                school_year: self.school_year + 1,
                term: TermName::Autumn,
            },
        }
    }
}

impl std::fmt::Display for SchoolTerm {
    /// `2024-25 autumn`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{:02} {}",
            self.school_year,
            (self.school_year + 1).rem_euclid(100),
            self.term.key()
        )
    }
}

/// A personal education plan (PEP) meeting: its date, the term it is the
/// PEP for, and the quality the virtual school graded it (if graded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationPlan {
    pub child: ChildId,
    pub date: NaiveDate,
    pub term: SchoolTerm,
    pub quality: Option<QualityGrade>,
}

/// A day of the year, for the term dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

/// The council's timescales for health assessments, dental checks and
/// PEPs. Every field has the statutory (or national guidance) default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthEducationTimescales {
    /// Working days after coming into care by which the initial health
    /// assessment is due (20: before the first review).
    pub initial_assessment_working_days: u32,
    /// Months between health assessments while the child is under 5 (6).
    pub review_months_under_5: u32,
    /// Months between health assessments from the age of 5 (12).
    pub review_months_from_5: u32,
    /// Months between dental checks (12); the first is due this long after
    /// coming into care.
    pub dental_months: u32,
    /// Working days after coming into care by which the initial PEP is due
    /// (10).
    pub initial_pep_working_days: u32,
    /// The first days of the autumn, spring and summer terms (1 September,
    /// 1 January, 1 April); each term runs to the day before the next, so
    /// the summer holiday belongs to the summer term.
    pub term_starts: [MonthDay; 3],
    /// School age for PEPs, by age on 31 August before the school year:
    /// from 4 (Reception) to 15 (Year 11), both inclusive.
    pub pep_ages: (u32, u32),
}

impl Default for HealthEducationTimescales {
    fn default() -> Self {
        HealthEducationTimescales {
            initial_assessment_working_days: 20,
            review_months_under_5: 6,
            review_months_from_5: 12,
            dental_months: 12,
            initial_pep_working_days: 10,
            term_starts: [
                MonthDay { month: 9, day: 1 },
                MonthDay { month: 1, day: 1 },
                MonthDay { month: 4, day: 1 },
            ],
            pep_ages: (4, 15),
        }
    }
}

impl HealthEducationTimescales {
    /// The months from a health assessment done on `assessed_on` to the
    /// next one: `review_months_under_5` while the child is under 5 on that
    /// day, `review_months_from_5` from 5 (the one home of the rule; the
    /// schedule and the synthetic council both ask it).
    pub fn review_months(&self, date_of_birth: NaiveDate, assessed_on: NaiveDate) -> u32 {
        if age_on(date_of_birth, assessed_on) < 5 {
            self.review_months_under_5
        } else {
            self.review_months_from_5
        }
    }

    /// The first day of a term (`None` for a date that does not exist).
    pub fn term_start(&self, t: SchoolTerm) -> Option<NaiveDate> {
        let (i, year) = match t.term {
            TermName::Autumn => (0, t.school_year),
            TermName::Spring => (1, t.school_year + 1),
            TermName::Summer => (2, t.school_year + 1),
        };
        let md = self.term_starts[i];
        NaiveDate::from_ymd_opt(year, md.month, md.day)
    }

    /// The last day of a term: the day before the next term starts.
    pub fn term_end(&self, t: SchoolTerm) -> Option<NaiveDate> {
        self.term_start(t.next())?.pred_opt()
    }

    /// The term `d` falls in.
    pub fn term_of(&self, d: NaiveDate) -> SchoolTerm {
        // The school year starting in d's year or the one before.
        let mut t = SchoolTerm {
            school_year: d.year() - 1,
            term: TermName::Autumn,
        };
        for _ in 0..6 {
            if self.term_end(t).is_some_and(|end| d <= end) {
                return t;
            }
            t = t.next();
        }
        t
    }

    /// The term a PEP dated `on` is for: the term named, of the school year
    /// of the term `on` falls in; with no name, the term `on` falls in (the
    /// forms and the import both read a PEP's term this way).
    pub fn term_named(&self, on: NaiveDate, name: Option<TermName>) -> SchoolTerm {
        let t = self.term_of(on);
        match name {
            Some(term) => SchoolTerm {
                school_year: t.school_year,
                term,
            },
            None => t,
        }
    }

    /// Whether a child born on `dob` is of school age for PEPs in the
    /// school year starting in `school_year`.
    pub fn school_age(&self, dob: NaiveDate, school_year: i32) -> bool {
        let Some(aug31) = NaiveDate::from_ymd_opt(school_year, 8, 31) else {
            return false;
        };
        let age = age_on(dob, aug31);
        dob <= aug31 && (self.pep_ages.0..=self.pep_ages.1).contains(&age)
    }

    /// Whether the settings make sense (months and days that exist, terms
    /// in order through the school year, ages in order).
    pub fn check(&self) -> Result<(), String> {
        if self.review_months_under_5 == 0 || self.review_months_from_5 == 0 {
            return Err("months between health assessments must be at least 1".into());
        }
        if self.dental_months == 0 {
            return Err("months between dental checks must be at least 1".into());
        }
        for (md, name) in self.term_starts.iter().zip(["autumn", "spring", "summer"]) {
            if NaiveDate::from_ymd_opt(2000, md.month, md.day).is_none() {
                return Err(format!("the {name} term's first day is not a date"));
            }
        }
        let t = SchoolTerm {
            school_year: 2001,
            term: TermName::Autumn,
        };
        let (a, s, u, n) = (
            self.term_start(t),
            self.term_start(t.next()),
            self.term_start(t.next().next()),
            self.term_start(t.next().next().next()),
        );
        if !(a < s && s < u && u < n) {
            return Err("the terms must start in the order autumn, spring, summer".into());
        }
        if self.pep_ages.0 > self.pep_ages.1 {
            return Err("the first school age for PEPs is after the last".into());
        }
        Ok(())
    }
}

/// Something due by a date, and when (if) it was done. Done after its due
/// date is late; not done by a day after its due date is overdue on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
}

impl Due {
    /// Done on or before its due date.
    pub fn in_time(&self) -> bool {
        self.done.is_some_and(|d| d <= self.due)
    }

    /// Due before `on` and not done by `on`.
    pub fn overdue_on(&self, on: NaiveDate) -> bool {
        self.due < on && self.done.is_none_or(|d| d > on)
    }
}

/// A period of care's health assessments: the initial one, then each
/// review one, each due a fixed number of months after the assessment
/// before it (6 while the child is under 5 on that assessment's date, 12
/// from 5). The last review is the one not yet done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentSchedule {
    /// `None` when the period began before the working-day calendar starts
    /// (its due date cannot be worked out, and it is long past).
    pub initial: Option<Due>,
    /// When the initial assessment was requested.
    pub requested: Option<NaiveDate>,
    /// The dates assessments (of either kind) were done in the period, in
    /// order.
    pub assessed: Vec<NaiveDate>,
    /// `reviews[k]` is the assessment due after `assessed[k]` (done on
    /// `assessed[k + 1]`, if there is one). Missing at the end when the
    /// period ended before it was due.
    pub reviews: Vec<Due>,
}

impl AssessmentSchedule {
    /// Up to date on `on`: the assessment due after the latest one done by
    /// `on` is not due before `on`, or, with none done, the initial one is
    /// not due before `on`. (An initial assessment never recorded is passed
    /// over once another is done.)
    pub fn up_to_date_on(&self, on: NaiveDate) -> bool {
        match self.assessed.iter().rposition(|d| *d <= on) {
            Some(k) => self.reviews.get(k).is_none_or(|r| r.due >= on),
            None => self.initial.is_some_and(|i| i.due >= on),
        }
    }
}

/// The health assessments of one period of care. `assessments` are the
/// child's (any order; others' and those outside the period are ignored):
/// the initial one is the earliest initial assessment done (or, failing
/// that, requested) in the period; every assessment done in the period, of
/// either kind, is one of the chain. `None` for a period of short breaks
/// only; an error when a date falls outside the calendar.
pub fn health_assessment_schedule(
    period: &PeriodOfCare,
    date_of_birth: NaiveDate,
    assessments: &[HealthAssessment],
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
) -> Result<Option<AssessmentSchedule>, CalendarError> {
    let Some(start) = period.looked_after_from() else {
        return Ok(None);
    };
    let in_period = |d: NaiveDate| d >= start && period.end().is_none_or(|e| d <= e);
    let mine = assessments.iter().filter(|a| a.child == period.child);
    let initial_due = if calendar.covers(start) {
        Some(calendar.add_working_days(start, t.initial_assessment_working_days)?)
    } else {
        None
    };
    let initial = mine
        .clone()
        .filter(|a| a.kind == AssessmentKind::Initial)
        .filter(|a| a.done.or(a.requested).is_some_and(in_period))
        .min_by_key(|a| (a.done.is_none(), a.done, a.requested));
    let mut done: Vec<NaiveDate> = mine
        .filter_map(|a| a.done)
        .filter(|d| in_period(*d))
        .collect();
    done.sort_unstable();
    done.dedup();
    let mut reviews = Vec::new();
    for (i, d) in done.iter().enumerate() {
        let due = add_months(*d, t.review_months(date_of_birth, *d));
        if period.end().is_some_and(|e| due > e) && done.get(i + 1).is_none() {
            break; // the period ended before the next one was due
        }
        reviews.push(Due {
            due,
            done: done.get(i + 1).copied(),
        });
    }
    Ok(Some(AssessmentSchedule {
        initial: initial_due.map(|due| Due {
            due,
            done: initial.and_then(|a| a.done),
        }),
        requested: initial.and_then(|a| a.requested),
        assessed: done,
        reviews,
    }))
}

/// The dental checks of one period of care: the first due `dental_months`
/// after coming into care, each next one that long after the check before
/// it. Checks outside the period are ignored. `None` for short breaks only.
pub fn dental_schedule(
    period: &PeriodOfCare,
    checks: &[DentalCheck],
    t: &HealthEducationTimescales,
) -> Option<Vec<Due>> {
    let start = period.looked_after_from()?;
    let in_period = |d: NaiveDate| d >= start && period.end().is_none_or(|e| d <= e);
    let mut done: Vec<NaiveDate> = checks
        .iter()
        .filter(|c| c.child == period.child && in_period(c.date))
        .map(|c| c.date)
        .collect();
    done.sort_unstable();
    done.dedup();
    let mut out = Vec::new();
    let mut from = start;
    let mut next = done.iter().copied().peekable();
    loop {
        let due = add_months(from, t.dental_months);
        if period.end().is_some_and(|e| due > e) && next.peek().is_none() {
            break;
        }
        let d = next.next();
        out.push(Due { due, done: d });
        match d {
            Some(d) => from = d,
            None => break,
        }
    }
    Some(out)
}

/// What one PEP of the schedule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PepItem {
    /// The first PEP after coming into care.
    Initial,
    /// The PEP for a term the child began looked after.
    Term(SchoolTerm),
}

/// The PEPs of one period of care, in due-date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PepSchedule {
    pub items: Vec<(PepItem, Due)>,
}

impl PepSchedule {
    /// Up to date on `on`: the PEP last due before `on` (the last term that
    /// ended, or the initial PEP) was done by `on`; with nothing due yet,
    /// up to date. (A term missed long ago does not hold a child out of
    /// date for ever.)
    pub fn up_to_date_on(&self, on: NaiveDate) -> bool {
        self.items
            .iter()
            .rev()
            .find(|(_, d)| d.due < on)
            .is_none_or(|(_, d)| !d.overdue_on(on))
    }
}

/// The PEPs of one period of care for a child born on `date_of_birth`:
/// the initial PEP, due `initial_pep_working_days` after coming into care
/// (when the child is of school age that day's school year, and the day is
/// inside the working-day calendar), done by the
/// first PEP dated in the period; then one PEP for each term the child is
/// looked after on the first day of (and of school age), due by the term's
/// last day, done by the first PEP recorded for that term (and dated in
/// the period). Terms are listed up to the one `until` falls in (an open
/// period goes on). `None` for short breaks only; an error when a date
/// falls outside the calendar.
pub fn education_plan_schedule(
    period: &PeriodOfCare,
    date_of_birth: NaiveDate,
    plans: &[EducationPlan],
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
    until: NaiveDate,
) -> Result<Option<PepSchedule>, CalendarError> {
    let Some(start) = period.looked_after_from() else {
        return Ok(None);
    };
    let in_period = |d: NaiveDate| d >= start && period.end().is_none_or(|e| d <= e);
    let mut mine: Vec<&EducationPlan> = plans
        .iter()
        .filter(|p| p.child == period.child && in_period(p.date))
        .collect();
    mine.sort_by_key(|p| p.date);
    let mut items = Vec::new();
    let first_term = t.term_of(start);
    if t.school_age(date_of_birth, first_term.school_year) && calendar.covers(start) {
        items.push((
            PepItem::Initial,
            Due {
                due: calendar.add_working_days(start, t.initial_pep_working_days)?,
                done: mine.first().map(|p| p.date),
            },
        ));
    }
    let mut term = first_term;
    let last = period.end().map_or(until, |e| e.min(until));
    while let (Some(first), Some(end)) = (t.term_start(term), t.term_end(term)) {
        if first > last {
            break;
        }
        if first >= start
            && period.is_looked_after_on(first)
            && t.school_age(date_of_birth, term.school_year)
        {
            items.push((
                PepItem::Term(term),
                Due {
                    due: end,
                    done: mine.iter().find(|p| p.term == term).map(|p| p.date),
                },
            ));
        }
        term = term.next();
    }
    items.sort_by_key(|(_, d)| d.due);
    Ok(Some(PepSchedule { items }))
}

/// The five kinds of record, as forms, corrections and due lists name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    HealthAssessment,
    DentalCheck,
    SdqScore,
    Immunisation,
    EducationPlan,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::HealthAssessment,
        RecordKind::DentalCheck,
        RecordKind::SdqScore,
        RecordKind::Immunisation,
        RecordKind::EducationPlan,
    ];

    /// The key in URLs and in the store's `record_versions.record`.
    pub fn key(self) -> &'static str {
        match self {
            RecordKind::HealthAssessment => "health_assessment",
            RecordKind::DentalCheck => "dental_check",
            RecordKind::SdqScore => "sdq_score",
            RecordKind::Immunisation => "immunisation",
            RecordKind::EducationPlan => "education_plan",
        }
    }

    pub fn from_key(key: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// In words, as the council says it.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::HealthAssessment => "Health assessment",
            RecordKind::DentalCheck => "Dental check",
            RecordKind::SdqScore => "SDQ score",
            RecordKind::Immunisation => "Immunisation status",
            RecordKind::EducationPlan => "Personal education plan (PEP)",
        }
    }
}

/// One health or education record of any kind: what a form records or
/// corrects, and what a correction keeps as the version it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum HealthEducationRecord {
    HealthAssessment(HealthAssessment),
    DentalCheck(DentalCheck),
    SdqScore(SdqScore),
    Immunisation(ImmunisationStatus),
    EducationPlan(EducationPlan),
}

/// A problem with one field of a record: `field` is the record's field
/// (`requested`, `done`, `date`, `score`), which a form shows the message
/// beside and an import names as its column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordProblem {
    pub field: &'static str,
    pub message: String,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl HealthEducationRecord {
    pub fn kind(&self) -> RecordKind {
        match self {
            HealthEducationRecord::HealthAssessment(_) => RecordKind::HealthAssessment,
            HealthEducationRecord::DentalCheck(_) => RecordKind::DentalCheck,
            HealthEducationRecord::SdqScore(_) => RecordKind::SdqScore,
            HealthEducationRecord::Immunisation(_) => RecordKind::Immunisation,
            HealthEducationRecord::EducationPlan(_) => RecordKind::EducationPlan,
        }
    }

    pub fn child(&self) -> &ChildId {
        match self {
            HealthEducationRecord::HealthAssessment(a) => &a.child,
            HealthEducationRecord::DentalCheck(c) => &c.child,
            HealthEducationRecord::SdqScore(s) => &s.child,
            HealthEducationRecord::Immunisation(i) => &i.child,
            HealthEducationRecord::EducationPlan(p) => &p.child,
        }
    }

    /// The record's key among the child's records of its kind, as the store
    /// keeps it unique: the date (`yyyy-mm-dd`); for a health assessment its
    /// kind, requested and done dates (`initial~2025-01-08~2025-02-05`, a
    /// blank for a date not held).
    pub fn key(&self) -> String {
        match self {
            HealthEducationRecord::HealthAssessment(a) => format!(
                "{}~{}~{}",
                a.kind.key(),
                a.requested.map(iso).unwrap_or_default(),
                a.done.map(iso).unwrap_or_default()
            ),
            HealthEducationRecord::DentalCheck(c) => iso(c.date),
            HealthEducationRecord::SdqScore(s) => iso(s.date),
            HealthEducationRecord::Immunisation(i) => iso(i.date),
            HealthEducationRecord::EducationPlan(p) => iso(p.date),
        }
    }

    /// The record's fields by name, as text (blank when not held): what a
    /// correction compares.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let opt = |d: Option<NaiveDate>| d.map(iso).unwrap_or_default();
        match self {
            HealthEducationRecord::HealthAssessment(a) => vec![
                ("kind", a.kind.key().to_owned()),
                ("requested", opt(a.requested)),
                ("done", opt(a.done)),
            ],
            HealthEducationRecord::DentalCheck(c) => vec![("date", iso(c.date))],
            HealthEducationRecord::SdqScore(s) => {
                vec![("date", iso(s.date)), ("score", s.score.to_string())]
            }
            HealthEducationRecord::Immunisation(i) => vec![
                ("date", iso(i.date)),
                ("up_to_date", i.up_to_date.to_string()),
            ],
            HealthEducationRecord::EducationPlan(p) => vec![
                ("date", iso(p.date)),
                ("term", p.term.to_string()),
                (
                    "quality",
                    p.quality.map(|q| q.key().to_owned()).unwrap_or_default(),
                ),
            ],
        }
    }

    /// The fields that differ in `other`, and whether any of them held a
    /// value here (a change to a value held is a correction and needs a
    /// reason; filling a blank, such as the day a requested initial
    /// assessment was done, does not).
    pub fn changed_fields(&self, other: &HealthEducationRecord) -> (Vec<&'static str>, bool) {
        let (a, b) = (self.fields(), other.fields());
        let mut changed = Vec::new();
        let mut correcting = self.kind() != other.kind() || self.child() != other.child();
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            if x != y {
                changed.push(*name);
                correcting |= !x.is_empty();
            }
        }
        (changed, correcting)
    }

    /// The dates of the record, by field.
    fn dates(&self) -> Vec<(&'static str, &'static str, NaiveDate)> {
        match self {
            HealthEducationRecord::HealthAssessment(a) => a
                .requested
                .map(|d| ("requested", "The date it was requested", d))
                .into_iter()
                .chain(a.done.map(|d| ("done", "The date it was done", d)))
                .collect(),
            HealthEducationRecord::DentalCheck(c) => {
                vec![("date", "The date of the dental check", c.date)]
            }
            HealthEducationRecord::SdqScore(s) => vec![("date", "The date of the SDQ", s.date)],
            HealthEducationRecord::Immunisation(i) => {
                vec![("date", "The date the status was recorded", i.date)]
            }
            HealthEducationRecord::EducationPlan(p) => {
                vec![("date", "The date of the PEP meeting", p.date)]
            }
        }
    }
}

/// Whether a record can be held: the one check the forms and the
/// case-management import both make. The record's own rules
/// ([`HealthAssessment::check`], the SDQ score's range), then every date:
/// not after `today`, and inside one of the child's periods of care
/// (`periods`, the child's; from its first day to its last, or open). Every
/// problem, by field; empty when it can be held.
pub fn check_record(
    record: &HealthEducationRecord,
    periods: &[PeriodOfCare],
    today: NaiveDate,
) -> Vec<RecordProblem> {
    let mut out = Vec::new();
    match record {
        HealthEducationRecord::HealthAssessment(a) => {
            if let Err(e) = a.check() {
                let field = match e {
                    HealthRecordError::ReviewRequested => "requested",
                    _ => "done",
                };
                out.push(RecordProblem {
                    field,
                    message: capitalise(&e.to_string()),
                });
            }
        }
        HealthEducationRecord::SdqScore(s) => {
            if let Err(e) = s.check() {
                out.push(RecordProblem {
                    field: "score",
                    message: capitalise(&e.to_string()),
                });
            }
        }
        _ => {}
    }
    let mine: Vec<&PeriodOfCare> = periods
        .iter()
        .filter(|p| &p.child == record.child())
        .collect();
    for (field, what, d) in record.dates() {
        if out.iter().any(|p| p.field == field) {
            continue;
        }
        if d > today {
            out.push(RecordProblem {
                field,
                message: format!("{what} must be today or in the past"),
            });
        } else if !mine
            .iter()
            .any(|p| d >= p.start() && p.end().is_none_or(|e| d <= e))
        {
            let spans: Vec<String> = mine
                .iter()
                .map(|p| match p.end() {
                    Some(e) => format!("{} to {}", iso(p.start()), iso(e)),
                    None => format!("from {}", iso(p.start())),
                })
                .collect();
            out.push(RecordProblem {
                field,
                message: if spans.is_empty() {
                    format!("{what} must be while the child is in care: no period of care is held")
                } else {
                    format!(
                        "{what} must be while the child was in care ({})",
                        spans.join("; ")
                    )
                },
            });
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What is due next of one kind in a child's current period of care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueNext {
    pub kind: RecordKind,
    /// In words: "Initial health assessment", "PEP for 2024-25 spring"...
    pub what: String,
    pub due: NaiveDate,
}

/// One child's records that have a schedule, borrowed (records of other
/// children among them are ignored).
#[derive(Debug, Clone, Copy, Default)]
pub struct HealthEducationOf<'a> {
    pub health_assessments: &'a [HealthAssessment],
    pub dental_checks: &'a [DentalCheck],
    pub education_plans: &'a [EducationPlan],
}

/// What is due (not yet done) in one period of care as it stands on
/// `today`, from the one schedule function of each record type: the
/// initial health assessment not done, or the review health assessment due
/// after the latest; the next dental check; the PEP last due before
/// `today` when not done by then (overdue), and the PEP of the term `today`
/// falls in when not done. Sorted by due date. Nothing for short breaks; a
/// schedule that cannot be worked out (a date outside the calendar) is left
/// out.
pub fn due_next(
    period: &PeriodOfCare,
    date_of_birth: NaiveDate,
    records: HealthEducationOf<'_>,
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
    today: NaiveDate,
) -> Vec<DueNext> {
    let mut out = Vec::new();
    if let Ok(Some(s)) = health_assessment_schedule(
        period,
        date_of_birth,
        records.health_assessments,
        t,
        calendar,
    ) {
        if s.assessed.is_empty() {
            if let Some(i) = s.initial {
                out.push(DueNext {
                    kind: RecordKind::HealthAssessment,
                    what: if s.requested.is_some() {
                        "Initial health assessment (requested)".to_owned()
                    } else {
                        "Initial health assessment".to_owned()
                    },
                    due: i.due,
                });
            }
        } else if let Some(r) = s.reviews.last().filter(|r| r.done.is_none()) {
            out.push(DueNext {
                kind: RecordKind::HealthAssessment,
                what: "Review health assessment".to_owned(),
                due: r.due,
            });
        }
    }
    if let Some(items) = dental_schedule(period, records.dental_checks, t)
        && let Some(d) = items.last().filter(|d| d.done.is_none())
    {
        out.push(DueNext {
            kind: RecordKind::DentalCheck,
            what: "Dental check".to_owned(),
            due: d.due,
        });
    }
    if let Ok(Some(s)) = education_plan_schedule(
        period,
        date_of_birth,
        records.education_plans,
        t,
        calendar,
        today,
    ) {
        let name = |i: &PepItem| match i {
            PepItem::Initial => "Initial PEP".to_owned(),
            PepItem::Term(k) => format!("PEP for {k}"),
        };
        if let Some((i, d)) = s.items.iter().rev().find(|(_, d)| d.due < today)
            && d.done.is_none_or(|x| x > today)
        {
            out.push(DueNext {
                kind: RecordKind::EducationPlan,
                what: name(i),
                due: d.due,
            });
        }
        let this_term = PepItem::Term(t.term_of(today));
        for (i, d) in s.items.iter().filter(|(i, d)| {
            d.due >= today
                && (*i == PepItem::Initial || *i == this_term)
                && d.done.is_none_or(|x| x > today)
        }) {
            out.push(DueNext {
                kind: RecordKind::EducationPlan,
                what: name(i),
                due: d.due,
            });
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.kind.cmp(&b.kind)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Episode;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn id() -> ChildId {
        "H1".parse().unwrap()
    }

    fn period(start: NaiveDate, end: Option<NaiveDate>) -> PeriodOfCare {
        PeriodOfCare {
            child: id(),
            episodes: vec![Episode {
                child: id(),
                start,
                end,
                reason_new: "S".parse().unwrap(),
                legal_status: "C2".parse().unwrap(),
                category_of_need: None,
                placement: "U4".parse().unwrap(),
                provider: None,
                reason_ceased: end.map(|_| "E4A".parse().unwrap()),
                reason_place_change: None,
                home_postcode: None,
                placement_postcode: None,
                urn: None,
            }],
        }
    }

    fn done(kind: AssessmentKind, on: NaiveDate) -> HealthAssessment {
        HealthAssessment {
            child: id(),
            kind,
            requested: None,
            done: Some(on),
        }
    }

    fn cal() -> WorkingDayCalendar {
        WorkingDayCalendar::england_and_wales()
    }

    #[test]
    fn health_assessments_by_hand() {
        // In care Monday 6 January 2025; born 1 March 2020 (4 then, 5 on 1
        // March 2025). 20 working days on: 3 February 2025.
        let p = period(d(2025, 1, 6), None);
        let a = [
            HealthAssessment {
                requested: Some(d(2025, 1, 8)),
                ..done(AssessmentKind::Initial, d(2025, 2, 5))
            },
            done(AssessmentKind::Review, d(2025, 8, 1)),
            // Another child's: not this one's.
            HealthAssessment {
                child: "X".parse().unwrap(),
                ..done(AssessmentKind::Review, d(2025, 3, 1))
            },
        ];
        let s = health_assessment_schedule(&p, d(2020, 3, 1), &a, &Default::default(), &cal())
            .unwrap()
            .unwrap();
        assert_eq!(
            s.initial,
            Some(Due {
                due: d(2025, 2, 3),
                done: Some(d(2025, 2, 5))
            })
        );
        assert!(!s.initial.unwrap().in_time());
        assert_eq!(s.requested, Some(d(2025, 1, 8)));
        // Under 5 on 5 February: next due 6 months on; 5 on 1 August:
        // next due 12 months on.
        assert_eq!(
            s.reviews,
            vec![
                Due {
                    due: d(2025, 8, 5),
                    done: Some(d(2025, 8, 1))
                },
                Due {
                    due: d(2026, 8, 1),
                    done: None
                },
            ]
        );
        assert!(s.up_to_date_on(d(2025, 2, 1)), "the initial not yet due");
        assert!(!s.up_to_date_on(d(2025, 2, 4)), "the initial overdue");
        assert!(s.up_to_date_on(d(2026, 8, 1)));
        assert!(!s.up_to_date_on(d(2026, 8, 2)));
    }

    #[test]
    fn dental_checks_and_peps_by_hand() {
        let t = HealthEducationTimescales::default();
        let p = period(d(2024, 10, 15), Some(d(2025, 6, 10)));
        let checks = [DentalCheck {
            child: id(),
            date: d(2024, 11, 1),
        }];
        assert_eq!(
            dental_schedule(&p, &checks, &t).unwrap(),
            vec![Due {
                due: d(2025, 10, 15),
                done: Some(d(2024, 11, 1))
            }],
            "the next check would fall after the period ended"
        );
        // Born 2014: 10 on 31 August 2024, of school age.
        let plan = |date, term| EducationPlan {
            child: id(),
            date,
            term,
            quality: None,
        };
        let spring = SchoolTerm {
            school_year: 2024,
            term: TermName::Spring,
        };
        let summer = spring.next();
        let plans = [
            plan(d(2024, 10, 31), t.term_of(d(2024, 10, 31))),
            plan(d(2025, 2, 3), spring),
        ];
        let s = education_plan_schedule(&p, d(2014, 1, 1), &plans, &t, &cal(), d(2026, 1, 1))
            .unwrap()
            .unwrap();
        // 10 working days after Tuesday 15 October 2024: 29 October.
        assert_eq!(
            s.items,
            vec![
                (
                    PepItem::Initial,
                    Due {
                        due: d(2024, 10, 29),
                        done: Some(d(2024, 10, 31))
                    }
                ),
                (
                    PepItem::Term(spring),
                    Due {
                        due: d(2025, 3, 31),
                        done: Some(d(2025, 2, 3))
                    }
                ),
                (
                    PepItem::Term(summer),
                    Due {
                        due: d(2025, 8, 31),
                        done: None
                    }
                ),
            ]
        );
        assert!(!s.up_to_date_on(d(2024, 10, 30)));
        assert!(s.up_to_date_on(d(2025, 8, 31)));
        assert_eq!(spring.to_string(), "2024-25 spring");
    }

    #[test]
    fn records_that_cannot_be_held_are_refused() {
        let mut a = done(AssessmentKind::Review, d(2025, 1, 1));
        assert_eq!(a.check(), Ok(()));
        a.done = None;
        assert_eq!(a.check(), Err(HealthRecordError::ReviewNotDone));
        a.kind = AssessmentKind::Initial;
        assert_eq!(a.check(), Err(HealthRecordError::InitialEmpty));
        a.requested = Some(d(2025, 1, 2));
        a.done = Some(d(2025, 1, 1));
        assert_eq!(a.check(), Err(HealthRecordError::DoneBeforeRequested));
        let s = SdqScore {
            child: id(),
            date: d(2025, 1, 1),
            score: 41,
        };
        assert_eq!(s.check(), Err(HealthRecordError::SdqScore));
        assert_eq!(HealthEducationTimescales::default().check(), Ok(()));
        let mut t = HealthEducationTimescales::default();
        t.term_starts[2] = MonthDay { month: 12, day: 1 };
        assert!(t.check().is_err());
    }

    #[test]
    fn a_record_is_checked_against_the_period_of_care_and_today() {
        // In care 6 January 2025 to 10 June 2025; today 1 March 2025.
        let p = [period(d(2025, 1, 6), Some(d(2025, 6, 10)))];
        let today = d(2025, 3, 1);
        let dental = |date| HealthEducationRecord::DentalCheck(DentalCheck { child: id(), date });
        assert_eq!(check_record(&dental(d(2025, 1, 6)), &p, today), vec![]);
        assert_eq!(check_record(&dental(today), &p, today), vec![]);
        let future = check_record(&dental(d(2025, 3, 2)), &p, today);
        assert_eq!(future.len(), 1);
        assert_eq!(future[0].field, "date");
        assert!(
            future[0].message.contains("today or in the past"),
            "{}",
            future[0].message
        );
        let before = check_record(&dental(d(2025, 1, 5)), &p, today);
        assert_eq!(before[0].field, "date");
        assert!(
            before[0].message.contains("2025-01-06 to 2025-06-10"),
            "{}",
            before[0].message
        );
        // Another child's periods do not count.
        let other = HealthEducationRecord::DentalCheck(DentalCheck {
            child: "X".parse().unwrap(),
            date: d(2025, 2, 1),
        });
        assert!(
            check_record(&other, &p, today)[0]
                .message
                .contains("no period of care")
        );
        // The record's own rules, on their fields, before its dates.
        let a = HealthEducationRecord::HealthAssessment(HealthAssessment {
            child: id(),
            kind: AssessmentKind::Initial,
            requested: Some(d(2025, 2, 1)),
            done: Some(d(2025, 1, 20)),
        });
        let problems = check_record(&a, &p, today);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "done");
        assert_eq!(
            problems[0].message,
            "The assessment was done before it was requested"
        );
        let sdq = HealthEducationRecord::SdqScore(SdqScore {
            child: id(),
            date: d(2025, 12, 1),
            score: 41,
        });
        let fields: Vec<_> = check_record(&sdq, &p, today)
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["score", "date"]);
    }

    #[test]
    fn what_is_due_next_comes_from_each_schedule() {
        let t = HealthEducationTimescales::default();
        // In care from Monday 6 January 2025; born 2014 (of school age).
        let p = period(d(2025, 1, 6), None);
        let none = HealthEducationOf::default();
        let due = due_next(&p, d(2014, 1, 1), none, &t, &cal(), d(2025, 1, 10));
        let what: Vec<(&str, NaiveDate)> = due.iter().map(|x| (x.what.as_str(), x.due)).collect();
        // The initial PEP 10 working days on (20 January), the initial
        // health assessment 20 (3 February), the dental check 12 months on
        // (no spring PEP: the child came into care after the term began).
        assert_eq!(
            what,
            [
                ("Initial PEP", d(2025, 1, 20)),
                ("Initial health assessment", d(2025, 2, 3)),
                ("Dental check", d(2026, 1, 6)),
            ]
        );
        // The initial assessment done on 5 February: the review is due 12
        // months on (the child is 11); a PEP on 21 January does the
        // initial one (a day late); from 1 April the summer term's is due.
        let a = [done(AssessmentKind::Initial, d(2025, 2, 5))];
        let plans = [EducationPlan {
            child: id(),
            date: d(2025, 1, 21),
            term: t.term_of(d(2025, 1, 21)),
            quality: None,
        }];
        let recs = HealthEducationOf {
            health_assessments: &a,
            education_plans: &plans,
            ..Default::default()
        };
        let due = due_next(&p, d(2014, 1, 1), recs, &t, &cal(), d(2025, 2, 10));
        let what: Vec<&str> = due.iter().map(|x| x.what.as_str()).collect();
        assert_eq!(what, ["Dental check", "Review health assessment"]);
        assert_eq!(due[1].due, d(2026, 2, 5));
        let due = due_next(&p, d(2014, 1, 1), recs, &t, &cal(), d(2025, 4, 1));
        assert_eq!(due[0].what, "PEP for 2024-25 summer");
        assert_eq!(due[0].due, d(2025, 8, 31));
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..3000).prop_map(|n| d(2016, 1, 1) + chrono::Days::new(n as u64))
    }

    proptest! {
        /// The chain: each assessment is due the right number of months
        /// after the one before (6 under 5 on its date, 12 from 5), each is
        /// done on the next one's date, the initial is due exactly 20
        /// working days after coming into care, and the child is up to
        /// date on the day of any assessment.
        #[test]
        fn the_health_assessment_schedule_follows_its_rules(
            start in date(),
            dob_back in 0u64..6000,
            len in proptest::option::of(1u64..2000),
            dates in proptest::collection::vec(0u64..2500, 0..8),
        ) {
            let end = len.map(|l| start + chrono::Days::new(l));
            let p = period(start, end);
            let dob = start - chrono::Days::new(dob_back);
            let a: Vec<HealthAssessment> = dates
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let kind = if i == 0 { AssessmentKind::Initial } else { AssessmentKind::Review };
                    done(kind, start + chrono::Days::new(*n))
                })
                .collect();
            let t = HealthEducationTimescales::default();
            let c = cal();
            let s = health_assessment_schedule(&p, dob, &a, &t, &c).unwrap().unwrap();
            let i = s.initial.unwrap();
            prop_assert_eq!(c.working_days_between(start, i.due).unwrap(), 20);
            prop_assert!(c.is_working_day(i.due).unwrap());
            let in_period = |x: NaiveDate| x >= start && end.is_none_or(|e| x <= e);
            prop_assert!(s.assessed.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(s.assessed.iter().all(|x| in_period(*x)));
            prop_assert!(s.reviews.len() <= s.assessed.len());
            prop_assert!(s.reviews.len() + 1 >= s.assessed.len());
            for (k, r) in s.reviews.iter().enumerate() {
                let before = s.assessed[k];
                let months = if age_on(dob, before) < 5 { 6 } else { 12 };
                prop_assert_eq!(r.due, add_months(before, months));
                prop_assert_eq!(r.done, s.assessed.get(k + 1).copied());
            }
            for x in &s.assessed {
                prop_assert!(s.up_to_date_on(*x));
            }
        }

        /// Dental checks: the first due 12 months after coming into care,
        /// each next 12 months after the check before it; only the last can
        /// be not done.
        #[test]
        fn the_dental_schedule_follows_its_rules(
            start in date(),
            len in proptest::option::of(1u64..2000),
            dates in proptest::collection::vec(0u64..2500, 0..8),
        ) {
            let end = len.map(|l| start + chrono::Days::new(l));
            let p = period(start, end);
            let checks: Vec<DentalCheck> = dates
                .iter()
                .map(|n| DentalCheck { child: id(), date: start + chrono::Days::new(*n) })
                .collect();
            let items = dental_schedule(&p, &checks, &Default::default()).unwrap();
            let mut from = start;
            for (k, item) in items.iter().enumerate() {
                prop_assert_eq!(item.due, add_months(from, 12));
                match item.done {
                    Some(x) => from = x,
                    None => prop_assert_eq!(k, items.len() - 1),
                }
            }
            if end.is_none() {
                prop_assert!(items.last().is_some_and(|i| i.done.is_none()));
            }
        }

        /// PEPs: the initial one 10 working days after coming into care,
        /// then one for each term the child is looked after on the first
        /// day of, in order, due on the term's last day; every date falls
        /// in the term it is placed in.
        #[test]
        fn the_pep_schedule_follows_its_rules(
            start in date(),
            len in proptest::option::of(1u64..2000),
            until_after in 0u64..2000,
            day in 0u64..4000,
        ) {
            let t = HealthEducationTimescales::default();
            let x = d(2016, 1, 1) + chrono::Days::new(day);
            let term = t.term_of(x);
            prop_assert!(t.term_start(term).unwrap() <= x && x <= t.term_end(term).unwrap());
            prop_assert_eq!(t.term_start(term.next()), t.term_end(term).unwrap().succ_opt());

            let end = len.map(|l| start + chrono::Days::new(l));
            let until = start + chrono::Days::new(until_after);
            let p = period(start, end);
            // Always of school age: 8 years old at the start.
            let dob = start - chrono::Days::new(8 * 366);
            let c = cal();
            let s = education_plan_schedule(&p, dob, &[], &t, &c, until).unwrap().unwrap();
            let (first, rest) = s.items.split_first().unwrap();
            prop_assert_eq!(first.0, PepItem::Initial);
            prop_assert_eq!(c.working_days_between(start, first.1.due).unwrap(), 10);
            let last = end.map_or(until, |e| e.min(until));
            let mut want = Vec::new();
            let mut k = t.term_of(start);
            while t.term_start(k).unwrap() <= last {
                let f = t.term_start(k).unwrap();
                if f >= start && p.is_looked_after_on(f) && t.school_age(dob, k.school_year) {
                    want.push(k);
                }
                k = k.next();
            }
            let got: Vec<SchoolTerm> = rest
                .iter()
                .map(|(i, _)| match i {
                    PepItem::Term(k) => *k,
                    PepItem::Initial => panic!("one initial PEP"),
                })
                .collect();
            prop_assert_eq!(&got, &want);
            for (k, (_, due)) in got.iter().zip(rest) {
                prop_assert_eq!(Some(due.due), t.term_end(*k));
                prop_assert!(due.done.is_none());
            }
        }
    }
}
