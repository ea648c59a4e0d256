//! The review schedule of a period of care: when each review was due, whether
//! it was in time, and when the next one is due.
//!
//! The statutory rule (regulation 33 of the Care Planning, Placement and Case
//! Review (England) Regulations 2010; `measures.md`, Reviews): within a period
//! of care the reviews are numbered 1, 2, 3… in date order;
//! - review 1 is due by `add_working_days(period start, 20)`;
//! - review 2 by `add_months(review 1, 3)`;
//! - review k ≥ 3 by `add_months(review k−1, 6)`.
//!
//! A review is in time when its date is on or before its due date. Intervals
//! run from the actual date of the previous review.
//!
//! Local policies are data ([`SchedulePolicy`]): monthly reviews while in an
//! unregistered placement, a review after each placement move, the adoption
//! timetable. Each adds its own due date; a review's [`ScheduledReview::due`]
//! is the earliest of them and the statutory one, but its
//! [`ScheduledReview::in_time`] is always judged against the statutory due
//! date (the national measure), and [`ScheduledReview::in_time_local`] against
//! the earliest.
//!
//! Short breaks (regulation 48) have their own timetable and no local rules.

use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize, Serializer};

use crate::calendar::{CalendarError, WorkingDayCalendar};
use crate::codes::PlacementType;
use crate::dates::{checked_add_months, format_uk};
use crate::model::DateChangeReason;

// ---------------------------------------------------------------------------
// Policy

/// A span of time counted from an event: working days (start day excluded,
/// the n-th working day after it is the last in time) or calendar days.
///
/// Serialised as `{"working_days": 20}` or `{"calendar_days": 28}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    WorkingDays(u32),
    CalendarDays(u32),
}

/// How the first review's deadline is counted: `WorkingDays(20)` (the
/// statute, the default) or a local convention such as `CalendarDays(28)`.
pub type FirstReviewRule = Within;

impl Default for Within {
    fn default() -> Self {
        Within::WorkingDays(20)
    }
}

impl Within {
    /// The last date in time after `from`.
    pub fn after(
        self,
        from: NaiveDate,
        calendar: &WorkingDayCalendar,
    ) -> Result<NaiveDate, ScheduleError> {
        match self {
            Within::WorkingDays(n) => Ok(calendar.add_working_days(from, n)?),
            Within::CalendarDays(n) => add_days(from, n),
        }
    }
}

impl fmt::Display for Within {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Within::WorkingDays(1) => write!(f, "1 working day"),
            Within::WorkingDays(n) => write!(f, "{n} working days"),
            Within::CalendarDays(1) => write!(f, "1 day"),
            Within::CalendarDays(n) => write!(f, "{n} days"),
        }
    }
}

/// How the intervals before review 2 and later reviews are counted.
///
/// Serialised as `"calendar_months"` or
/// `{"fixed_days": {"second": 91, "later": 183}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalCounting {
    /// 3 and 6 calendar months by the corresponding date rule (the statute).
    #[default]
    CalendarMonths,
    /// A fixed number of days instead (some councils use 91 and 183).
    FixedDays { second: u32, later: u32 },
}

/// Local policy: while the child is in a placement the council marks
/// unregistered, the next review is due `interval_months` after the previous
/// review (or after the move into that placement, if later), as long as the
/// child is still there on that date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnregisteredRule {
    pub interval_months: u32,
}

impl Default for UnregisteredRule {
    fn default() -> Self {
        Self { interval_months: 1 }
    }
}

/// Local policy: a review is due `within` a span after each placement move
/// (the first review held on or after the move). With `restart`, the review
/// after that one is due within 3 months of it (reviews "at 1, 3 and 9
/// months" after a move); later ones follow the 6-monthly statutory rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMoveRule {
    pub within: Within,
    #[serde(default)]
    pub restart: bool,
}

/// The short-breaks timetable (regulation 48): the first review within
/// `first_within_months` of the start of the first short break, then at
/// intervals of not more than `then_every_months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShortBreaksRule {
    pub first_within_months: u32,
    pub then_every_months: u32,
}

impl Default for ShortBreaksRule {
    fn default() -> Self {
        Self {
            first_within_months: 3,
            then_every_months: 6,
        }
    }
}

/// A council's review-schedule settings. Every field has a default, so a
/// settings file need only name what differs from the statute, e.g.
/// `{"unregistered_monthly": {"interval_months": 1}, "post_move_review":
/// {"within": {"calendar_days": 28}}}`. Unknown fields are rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulePolicy {
    /// How review 1's deadline is counted (default 20 working days).
    pub first_review: FirstReviewRule,
    /// How the 3- and 6-month intervals are counted (default calendar months).
    pub counting: IntervalCounting,
    /// Monthly reviews while in an unregistered placement (default off).
    pub unregistered_monthly: Option<UnregisteredRule>,
    /// The placement types (903 PLACE codes) the council treats as
    /// unregistered settings: for the monthly-review policy and
    /// `placements.end.unregistered` (default none).
    pub unregistered_placements: Vec<PlacementType>,
    /// A review after each placement move (default off).
    pub post_move_review: Option<PostMoveRule>,
    /// The short-breaks timetable.
    pub short_breaks: ShortBreaksRule,
    /// The adoption timetable (domain.md 1.7) as a local due date (default on).
    pub adoption: bool,
}

impl Default for SchedulePolicy {
    fn default() -> Self {
        Self {
            first_review: Within::WorkingDays(20),
            counting: IntervalCounting::CalendarMonths,
            unregistered_monthly: None,
            unregistered_placements: Vec::new(),
            post_move_review: None,
            short_breaks: ShortBreaksRule::default(),
            adoption: true,
        }
    }
}

impl SchedulePolicy {
    /// The statutory schedule with the default settings (same as `Default`).
    pub fn statutory() -> Self {
        Self::default()
    }
}

// ---------------------------------------------------------------------------
// Input and output

/// Whether the period is an ordinary period of care or a series of short
/// breaks (legal status V3/V4, regulation 48).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    #[default]
    LookedAfter,
    ShortBreaks,
}

/// One period of care and what happened in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInput {
    pub kind: PeriodKind,
    /// The day the child became looked after (DECOM of the first episode).
    pub period_start: NaiveDate,
    /// The day the period ended; `None` while it is open.
    #[serde(default)]
    pub period_end: Option<NaiveDate>,
    /// The reviews held in this period, in any order.
    #[serde(default)]
    pub reviews: Vec<NaiveDate>,
    /// The dates a new placement began after the period start.
    #[serde(default)]
    pub placement_moves: Vec<NaiveDate>,
    /// `[from, to)` spans in a placement the council marks unregistered
    /// (`to` = `None`: still there). Clipped to the period.
    #[serde(default)]
    pub unregistered_spans: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// The date authority to place for adoption was obtained.
    #[serde(default)]
    pub adoption_authority: Option<NaiveDate>,
    /// The date the child was placed for adoption (PLACE A3–A6 began).
    #[serde(default)]
    pub placed_for_adoption: Option<NaiveDate>,
    /// "Data held from" W (`measures.md`): if the period began before W,
    /// reviews before W are not known.
    #[serde(default)]
    pub reviews_known_from: Option<NaiveDate>,
    /// Approved changes to a review's date: each moves the council's due
    /// date of the first review after the last one before it was asked for
    /// (the statutory due date and `in_time` never move).
    #[serde(default)]
    pub date_changes: Vec<ApprovedDateChange>,
}

/// An approved request to hold a review on another date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedDateChange {
    /// The day it was asked for.
    pub requested_on: NaiveDate,
    /// The date the review is now due.
    pub date: NaiveDate,
    pub reason: DateChangeReason,
}

impl ScheduleInput {
    /// An open looked-after period starting on `period_start` with the given
    /// reviews and nothing else.
    pub fn looked_after(period_start: NaiveDate, reviews: Vec<NaiveDate>) -> Self {
        Self {
            kind: PeriodKind::LookedAfter,
            period_start,
            period_end: None,
            reviews,
            placement_moves: Vec::new(),
            unregistered_spans: Vec::new(),
            adoption_authority: None,
            placed_for_adoption: None,
            reviews_known_from: None,
            date_changes: Vec::new(),
        }
    }
}

/// An interval after a previous review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Months(u32),
    Days(u32),
}

impl Interval {
    fn after(self, d: NaiveDate) -> Result<NaiveDate, ScheduleError> {
        match self {
            Interval::Months(n) => checked_add_months(d, n).ok_or(ScheduleError::OutOfRange(d)),
            Interval::Days(n) => add_days(d, n),
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Interval::Months(1) => write!(f, "1 month"),
            Interval::Months(n) => write!(f, "{n} months"),
            Interval::Days(1) => write!(f, "1 day"),
            Interval::Days(n) => write!(f, "{n} days"),
        }
    }
}

/// The rule that set a due date. `Display` gives a sentence a person can
/// read, and that sentence is also how it is serialised; [`DueRule::code`]
/// gives a stable machine name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueRule {
    /// Review 1: within 20 working days (or the local counting) of the start.
    FirstReview { start: NaiveDate, within: Within },
    /// Review 2: within 3 months of review 1.
    SecondReview {
        previous: NaiveDate,
        interval: Interval,
    },
    /// Review k ≥ 3: within 6 months of review k−1. `number` is `None` when
    /// the reviews before the data began are unknown.
    LaterReview {
        number: Option<u32>,
        previous: NaiveDate,
        interval: Interval,
    },
    /// The due date cannot be known: the period began before the reviews
    /// held in the data.
    Unknown {
        period_start: NaiveDate,
        known_from: NaiveDate,
    },
    /// Local: while in an unregistered placement, `interval_months` after
    /// `since` (the previous review, or moving in when `moved_in`).
    UnregisteredMonthly {
        since: NaiveDate,
        moved_in: bool,
        interval_months: u32,
    },
    /// Local: a review within a span of a placement move.
    PostMove {
        move_date: NaiveDate,
        within: Within,
    },
    /// Local: the review after the post-move review, within 3 months of it.
    PostMoveSecond {
        previous: NaiveDate,
        move_date: NaiveDate,
    },
    /// Short breaks: the first review within 3 months of the first break.
    ShortBreaksFirst { start: NaiveDate, months: u32 },
    /// Short breaks: later reviews within 6 months of the previous one.
    ShortBreaksLater { previous: NaiveDate, months: u32 },
    /// Adoption: within 3 months of the authority to place.
    AdoptionAfterAuthority { authority: NaiveDate },
    /// Adoption: every 6 months while waiting to be placed.
    AdoptionAwaitingPlacement { previous: NaiveDate },
    /// Adoption: within 4 weeks (28 days) of being placed.
    AdoptionFirstAfterPlacement { placed: NaiveDate },
    /// Adoption: within 3 months of the first review after placement.
    AdoptionSecondAfterPlacement { previous: NaiveDate },
    /// Adoption: every 6 months after that.
    AdoptionLaterAfterPlacement { previous: NaiveDate },
    /// Local: the IRO service manager approved holding the review on
    /// another date (asked for on `requested_on`, for `reason`).
    DateChanged {
        requested_on: NaiveDate,
        reason: DateChangeReason,
    },
}

impl DueRule {
    /// A stable snake_case name for the rule, for data files and filters.
    pub fn code(&self) -> &'static str {
        match self {
            DueRule::FirstReview { .. } => "first_review",
            DueRule::SecondReview { .. } => "second_review",
            DueRule::LaterReview { .. } => "later_review",
            DueRule::Unknown { .. } => "unknown",
            DueRule::UnregisteredMonthly { .. } => "unregistered_monthly",
            DueRule::PostMove { .. } => "post_move",
            DueRule::PostMoveSecond { .. } => "post_move_second",
            DueRule::ShortBreaksFirst { .. } => "short_breaks_first",
            DueRule::ShortBreaksLater { .. } => "short_breaks_later",
            DueRule::AdoptionAfterAuthority { .. } => "adoption_after_authority",
            DueRule::AdoptionAwaitingPlacement { .. } => "adoption_awaiting_placement",
            DueRule::AdoptionFirstAfterPlacement { .. } => "adoption_first_after_placement",
            DueRule::AdoptionSecondAfterPlacement { .. } => "adoption_second_after_placement",
            DueRule::AdoptionLaterAfterPlacement { .. } => "adoption_later_after_placement",
            DueRule::DateChanged { .. } => "date_changed",
        }
    }

    /// Whether this is a local policy rather than the statutory timetable
    /// (regulation 33, or regulation 48 for short breaks).
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            DueRule::UnregisteredMonthly { .. }
                | DueRule::PostMove { .. }
                | DueRule::PostMoveSecond { .. }
                | DueRule::AdoptionAfterAuthority { .. }
                | DueRule::AdoptionAwaitingPlacement { .. }
                | DueRule::AdoptionFirstAfterPlacement { .. }
                | DueRule::AdoptionSecondAfterPlacement { .. }
                | DueRule::AdoptionLaterAfterPlacement { .. }
                | DueRule::DateChanged { .. }
        )
    }
}

impl fmt::Display for DueRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uk = |d: &NaiveDate| format_uk(*d);
        let reg33_2 = |interval: &Interval, standard: u32| match interval {
            Interval::Months(n) if *n == standard => "(regulation 33(2))".to_owned(),
            _ => format!("(regulation 33(2), counted locally as {interval})"),
        };
        match self {
            DueRule::FirstReview { start, within } => {
                let how = if *within == Within::WorkingDays(20) {
                    "(regulation 33(1))".to_owned()
                } else {
                    format!("(regulation 33(1), counted locally as {within})")
                };
                write!(
                    f,
                    "First review: within {within} of becoming looked after on {} {how}",
                    uk(start)
                )
            }
            DueRule::SecondReview { previous, interval } => write!(
                f,
                "Review 2: within {interval} of review 1 on {} {}",
                uk(previous),
                reg33_2(interval, 3)
            ),
            DueRule::LaterReview {
                number: Some(n),
                previous,
                interval,
            } => write!(
                f,
                "Review {n}: within {interval} of review {} on {} {}",
                n.saturating_sub(1),
                uk(previous),
                reg33_2(interval, 6)
            ),
            DueRule::LaterReview {
                number: None,
                previous,
                interval,
            } => write!(
                f,
                "Within {interval} of the previous review on {} {}",
                uk(previous),
                reg33_2(interval, 6)
            ),
            DueRule::Unknown {
                period_start,
                known_from,
            } => write!(
                f,
                "Unknown: the period of care began on {}, before reviews are held in the data \
                 (from {}), so earlier reviews are not known",
                uk(period_start),
                uk(known_from)
            ),
            DueRule::UnregisteredMonthly {
                since,
                moved_in,
                interval_months,
            } => {
                let how_often = if *interval_months == 1 {
                    "monthly review".to_owned()
                } else {
                    format!("review every {interval_months} months")
                };
                let since_what = if *moved_in {
                    "moving in"
                } else {
                    "the previous review"
                };
                write!(
                    f,
                    "Local policy: {how_often} while in an unregistered placement \
                     (within {} of {since_what} on {})",
                    Interval::Months(*interval_months),
                    uk(since)
                )
            }
            DueRule::PostMove { move_date, within } => write!(
                f,
                "Local policy: review within {within} of the placement move on {}",
                uk(move_date)
            ),
            DueRule::PostMoveSecond {
                previous,
                move_date,
            } => write!(
                f,
                "Local policy: review within 3 months of the review on {} after the placement \
                 move on {}",
                uk(previous),
                uk(move_date)
            ),
            DueRule::ShortBreaksFirst { start, months } => write!(
                f,
                "Short breaks: first review within {} of the start of the first short break \
                 on {} (regulation 48)",
                Interval::Months(*months),
                uk(start)
            ),
            DueRule::ShortBreaksLater { previous, months } => write!(
                f,
                "Short breaks: within {} of the previous review on {} (regulation 48)",
                Interval::Months(*months),
                uk(previous)
            ),
            DueRule::AdoptionAfterAuthority { authority } => write!(
                f,
                "Adoption: within 3 months of the authority to place for adoption on {}",
                uk(authority)
            ),
            DueRule::AdoptionAwaitingPlacement { previous } => write!(
                f,
                "Adoption: within 6 months of the previous review on {} while waiting to be \
                 placed for adoption",
                uk(previous)
            ),
            DueRule::AdoptionFirstAfterPlacement { placed } => write!(
                f,
                "Adoption: within 4 weeks (28 days) of being placed for adoption on {}",
                uk(placed)
            ),
            DueRule::AdoptionSecondAfterPlacement { previous } => write!(
                f,
                "Adoption: within 3 months of the first review after placement for adoption, \
                 on {}",
                uk(previous)
            ),
            DueRule::AdoptionLaterAfterPlacement { previous } => write!(
                f,
                "Adoption: within 6 months of the previous review on {} while placed for \
                 adoption",
                uk(previous)
            ),
            DueRule::DateChanged {
                requested_on,
                reason,
            } => {
                // Without the council's list at hand: the label Footprint
                // gives the key by default, else the key ([`DueRule::text`]
                // names it as the council's list does).
                let label = DateChangeReason::DEFAULTS
                    .iter()
                    .find(|(k, _)| *k == reason.key())
                    .map_or(reason.key(), |(_, l)| l);
                f.write_str(&date_changed_text(*requested_on, label))
            }
        }
    }
}

/// The words of a `DueRule::DateChanged`, the reason as `label`.
fn date_changed_text(requested_on: NaiveDate, label: &str) -> String {
    format!(
        "Date changed with the IRO service manager's approval (asked for on {}): {label}",
        format_uk(requested_on)
    )
}

impl DueRule {
    /// What the rule says, a changed date's reason called as the council's
    /// list of reasons (`FormList::DateChangeReasons`) calls it (a renamed
    /// reason by its new name); every other rule as its `Display`.
    pub fn text(&self, date_change_reasons: &crate::lists::CouncilList) -> String {
        match self {
            DueRule::DateChanged {
                requested_on,
                reason,
            } => date_changed_text(*requested_on, reason.label_in(date_change_reasons)),
            other => other.to_string(),
        }
    }
}

impl Serialize for DueRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A due date and the rule that set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DueDate {
    pub date: NaiveDate,
    pub rule: DueRule,
}

/// One review held, with its due dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduledReview {
    /// 1-based, in date order within the period. When the period began
    /// before the reviews are known (`reviews_known_from`), it counts the
    /// reviews in the data, not necessarily the statutory review number.
    pub number: u32,
    pub date: NaiveDate,
    /// The statutory due date (`None`: unknown).
    pub statutory_due: Option<NaiveDate>,
    /// The earliest of the statutory and the local due dates.
    pub due: Option<NaiveDate>,
    /// The rule that set `due` (the statutory one wins ties).
    pub rule: DueRule,
    /// The rule that set `statutory_due`.
    pub statutory_rule: DueRule,
    /// On or before `statutory_due`: the national measure.
    pub in_time: Option<bool>,
    /// On or before `due`: the council's own timeliness.
    pub in_time_local: Option<bool>,
}

/// The schedule of a period of care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub reviews: Vec<ScheduledReview>,
    /// When the next review is due (earliest of statutory and local rules);
    /// `None` if the period has ended, or if it cannot be known (the period
    /// began before the reviews are known and none is in the data).
    pub next_due: Option<DueDate>,
    /// When the next review is due under the statutory rule alone.
    pub next_statutory_due: Option<DueDate>,
}

/// Why a schedule could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the period of care ends on {period_end}, before it starts on {period_start}")]
    EndBeforeStart {
        period_start: NaiveDate,
        period_end: NaiveDate,
    },
    #[error("the review on {date} is before the period of care began on {period_start}")]
    ReviewBeforeStart {
        date: NaiveDate,
        period_start: NaiveDate,
    },
    #[error("the review on {date} is after the period of care ended on {period_end}")]
    ReviewAfterEnd {
        date: NaiveDate,
        period_end: NaiveDate,
    },
    #[error("the placement move on {date} is outside the period of care")]
    MoveOutsidePeriod { date: NaiveDate },
    #[error("the unregistered placement from {from} ends on {to}, before it starts")]
    SpanEndsBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("a due date after {0} is beyond the dates this system can hold")]
    OutOfRange(NaiveDate),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

fn add_days(d: NaiveDate, n: u32) -> Result<NaiveDate, ScheduleError> {
    d.checked_add_days(Days::new(u64::from(n)))
        .ok_or(ScheduleError::OutOfRange(d))
}

// ---------------------------------------------------------------------------
// The computation

/// Works out the schedule of one period of care.
///
/// Errors: a review before the period start or after its end, a period ending
/// before it starts, a placement move outside the period, an unregistered
/// span ending before it starts, and any calendar error (a date outside the
/// years the bank-holiday list covers).
pub fn schedule(
    input: &ScheduleInput,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Result<Schedule, ScheduleError> {
    let ctx = Context::new(input, policy, calendar)?;
    let mut reviews = Vec::with_capacity(ctx.reviews.len());
    for (idx, &date) in ctx.reviews.iter().enumerate() {
        let (statutory, effective) = ctx.dues(idx, Some(date))?;
        let statutory_due = statutory.as_ref().ok().map(|d| d.date);
        let statutory_rule = match statutory {
            Ok(d) => d.rule,
            Err(rule) => rule,
        };
        let (due, rule) = match effective {
            Some(d) => (Some(d.date), d.rule),
            None => (None, statutory_rule),
        };
        reviews.push(ScheduledReview {
            number: idx as u32 + 1,
            date,
            statutory_due,
            due,
            rule,
            statutory_rule,
            in_time: statutory_due.map(|d| date <= d),
            in_time_local: due.map(|d| date <= d),
        });
    }
    let (next_due, next_statutory_due) = if input.period_end.is_some() {
        (None, None)
    } else {
        let (statutory, effective) = ctx.dues(ctx.reviews.len(), None)?;
        (effective, statutory.ok())
    };
    Ok(Schedule {
        reviews,
        next_due,
        next_statutory_due,
    })
}

struct Context<'a> {
    input: &'a ScheduleInput,
    policy: &'a SchedulePolicy,
    calendar: &'a WorkingDayCalendar,
    reviews: Vec<NaiveDate>,
    moves: Vec<NaiveDate>,
    spans: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// `Some(W)` when the period began before the reviews are known.
    unknown_before: Option<NaiveDate>,
}

impl<'a> Context<'a> {
    fn new(
        input: &'a ScheduleInput,
        policy: &'a SchedulePolicy,
        calendar: &'a WorkingDayCalendar,
    ) -> Result<Self, ScheduleError> {
        let start = input.period_start;
        if let Some(end) = input.period_end
            && end < start
        {
            return Err(ScheduleError::EndBeforeStart {
                period_start: start,
                period_end: end,
            });
        }
        let mut reviews = input.reviews.clone();
        reviews.sort_unstable();
        if let Some(&first) = reviews.first()
            && first < start
        {
            return Err(ScheduleError::ReviewBeforeStart {
                date: first,
                period_start: start,
            });
        }
        if let (Some(&last), Some(end)) = (reviews.last(), input.period_end)
            && last > end
        {
            return Err(ScheduleError::ReviewAfterEnd {
                date: last,
                period_end: end,
            });
        }
        let mut moves = Vec::with_capacity(input.placement_moves.len());
        for &m in &input.placement_moves {
            if m < start || input.period_end.is_some_and(|end| m > end) {
                return Err(ScheduleError::MoveOutsidePeriod { date: m });
            }
            if m > start {
                moves.push(m);
            }
        }
        moves.sort_unstable();
        moves.dedup();
        let mut spans = Vec::with_capacity(input.unregistered_spans.len());
        for &(from, to) in &input.unregistered_spans {
            if let Some(to) = to
                && to < from
            {
                return Err(ScheduleError::SpanEndsBeforeStart { from, to });
            }
            // Clip to the period: the child is only in it from the start and
            // not after the end.
            let from = from.max(start);
            let to = match (to, input.period_end) {
                (Some(t), Some(e)) => Some(t.min(e)),
                (Some(t), None) => Some(t),
                (None, e) => e,
            };
            if to.is_none_or(|t| t > from) {
                spans.push((from, to));
            }
        }
        let unknown_before = input.reviews_known_from.filter(|&w| start < w);
        Ok(Self {
            input,
            policy,
            calendar,
            reviews,
            moves,
            spans,
            unknown_before,
        })
    }

    /// The statutory due date of review `idx` (0-based; `idx` = number of
    /// reviews for the next one), or the `Unknown` rule; and the effective
    /// (earliest) due date, `None` when the statutory one is unknown.
    /// `upto` is the review's own date (`None` for the next review): events
    /// after it belong to later reviews.
    fn dues(
        &self,
        idx: usize,
        upto: Option<NaiveDate>,
    ) -> Result<(Result<DueDate, DueRule>, Option<DueDate>), ScheduleError> {
        let statutory = self.statutory_due(idx)?;
        let Ok(statutory) = statutory else {
            return Ok((statutory, None));
        };
        let mut effective = statutory;
        if self.input.kind == PeriodKind::LookedAfter {
            for local in self.local_dues(idx, upto)? {
                // Strictly earlier: the statutory rule (and earlier-listed
                // local rules) win ties.
                if local.date < effective.date {
                    effective = local;
                }
            }
        }
        // An approved change of date replaces the council's due date of the
        // review it was asked for: the first after the last review before
        // the request (a request on a review's own day is for the next one).
        let prev = idx
            .checked_sub(1)
            .map(|i| self.reviews[i])
            .unwrap_or(self.input.period_start);
        if let Some(change) = self
            .input
            .date_changes
            .iter()
            .filter(|c| c.requested_on >= prev && upto.is_none_or(|u| c.requested_on < u))
            .max_by_key(|c| c.requested_on)
        {
            effective = DueDate {
                date: change.date,
                rule: DueRule::DateChanged {
                    requested_on: change.requested_on,
                    reason: change.reason,
                },
            };
        }
        Ok((Ok(statutory), Some(effective)))
    }

    fn statutory_due(&self, idx: usize) -> Result<Result<DueDate, DueRule>, ScheduleError> {
        let start = self.input.period_start;
        let prev = idx.checked_sub(1).map(|i| self.reviews[i]);
        let due = |date: NaiveDate, rule: DueRule| Ok(Ok(DueDate { date, rule }));
        let (second, later) = match self.policy.counting {
            IntervalCounting::CalendarMonths => (Interval::Months(3), Interval::Months(6)),
            IntervalCounting::FixedDays { second, later } => {
                (Interval::Days(second), Interval::Days(later))
            }
        };

        if let Some(known_from) = self.unknown_before
            && idx == 0
        {
            return Ok(Err(DueRule::Unknown {
                period_start: start,
                known_from,
            }));
        }

        match (self.input.kind, prev) {
            (PeriodKind::ShortBreaks, None) => {
                let months = self.policy.short_breaks.first_within_months;
                due(
                    Interval::Months(months).after(start)?,
                    DueRule::ShortBreaksFirst { start, months },
                )
            }
            (PeriodKind::ShortBreaks, Some(previous)) => {
                let months = self.policy.short_breaks.then_every_months;
                due(
                    Interval::Months(months).after(previous)?,
                    DueRule::ShortBreaksLater { previous, months },
                )
            }
            (PeriodKind::LookedAfter, None) => {
                let within = self.policy.first_review;
                due(
                    within.after(start, self.calendar)?,
                    DueRule::FirstReview { start, within },
                )
            }
            (PeriodKind::LookedAfter, Some(previous)) => {
                // Is the previous review known to be review number idx?
                let numbered = if self.unknown_before.is_some() {
                    self.first_known_was_review_1()?
                } else {
                    true
                };
                if numbered && idx == 1 {
                    due(
                        second.after(previous)?,
                        DueRule::SecondReview {
                            previous,
                            interval: second,
                        },
                    )
                } else {
                    due(
                        later.after(previous)?,
                        DueRule::LaterReview {
                            number: numbered.then_some(idx as u32 + 1),
                            previous,
                            interval: later,
                        },
                    )
                }
            }
        }
    }

    /// When reviews before the data began are unknown: whether the first
    /// review in the data was within the first-review deadline of the start
    /// (so it was review 1).
    fn first_known_was_review_1(&self) -> Result<bool, ScheduleError> {
        let start = self.input.period_start;
        let first = self.reviews[0];
        let gap = (first - start).num_days();
        match self.policy.first_review {
            Within::CalendarDays(n) => Ok(gap <= i64::from(n)),
            Within::WorkingDays(n) => {
                if n == 0 {
                    return Ok(gap == 0);
                }
                // n working days always take at least this many calendar
                // days (each 7 days hold at most 5 working days) ...
                let at_least = i64::from(7 * ((n - 1) / 5) + (n - 1) % 5 + 1);
                if gap <= at_least {
                    return Ok(true);
                }
                // ... and, in England and Wales, far fewer than this many
                // (there are never n + 10 bank holidays in 3n + 10 days).
                let at_most = i64::from(3 * n + 10);
                if gap > at_most {
                    return Ok(false);
                }
                match self.calendar.add_working_days(start, n) {
                    Ok(deadline) => Ok(first <= deadline),
                    // The deadline is past the calendar's end but the review
                    // is inside it: the review came first.
                    Err(CalendarError::OutsideCoverage { .. })
                        if self.calendar.covers(start) && self.calendar.covers(first) =>
                    {
                        Ok(true)
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// The local due dates for review `idx` (see [`Context::dues`]), in rule
    /// order: unregistered, post move, adoption.
    fn local_dues(
        &self,
        idx: usize,
        upto: Option<NaiveDate>,
    ) -> Result<Vec<DueDate>, ScheduleError> {
        let start = self.input.period_start;
        let prev = idx.checked_sub(1).map(|i| self.reviews[i]);
        let base = prev.unwrap_or(start);
        let before_upto = |d: NaiveDate| upto.is_none_or(|r| d <= r);
        let mut out = Vec::new();

        if let Some(rule) = self.policy.unregistered_monthly {
            let mut best: Option<DueDate> = None;
            for &(from, to) in &self.spans {
                // Moved in on or after this review: that is for the next one.
                if upto.is_some_and(|r| from >= r) || to.is_some_and(|t| t <= base) {
                    continue;
                }
                let since = from.max(base);
                let moved_in = prev.is_none() || from > base;
                let date = Interval::Months(rule.interval_months).after(since)?;
                // Only while still there on the due date.
                if to.is_some_and(|t| t <= date) {
                    continue;
                }
                if best.is_none_or(|b| date < b.date) {
                    best = Some(DueDate {
                        date,
                        rule: DueRule::UnregisteredMonthly {
                            since,
                            moved_in,
                            interval_months: rule.interval_months,
                        },
                    });
                }
            }
            out.extend(best);
        }

        if let Some(rule) = self.policy.post_move_review {
            if let Some(&move_date) = self.moves.iter().find(|&&m| m > base && before_upto(m)) {
                out.push(DueDate {
                    date: rule.within.after(move_date, self.calendar)?,
                    rule: DueRule::PostMove {
                        move_date,
                        within: rule.within,
                    },
                });
            }
            // With `restart`: was the previous review the first after a move?
            if rule.restart
                && let Some(previous) = prev
                && !(idx == 1 && self.unknown_before.is_some())
            {
                let before_previous = idx.checked_sub(2).map_or(start, |i| self.reviews[i]);
                if let Some(&move_date) = self
                    .moves
                    .iter()
                    .rev()
                    .find(|&&m| m > before_previous && m <= previous)
                {
                    out.push(DueDate {
                        date: Interval::Months(3).after(previous)?,
                        rule: DueRule::PostMoveSecond {
                            previous,
                            move_date,
                        },
                    });
                }
            }
        }

        if self.policy.adoption {
            let placed = self.input.placed_for_adoption.filter(|&p| before_upto(p));
            let authority = self.input.adoption_authority.filter(|&a| before_upto(a));
            if let Some(placed) = placed {
                match prev {
                    Some(previous) if previous >= placed => {
                        let since_placed =
                            self.reviews[..idx].iter().filter(|&&r| r >= placed).count();
                        out.push(if since_placed == 1 {
                            DueDate {
                                date: Interval::Months(3).after(previous)?,
                                rule: DueRule::AdoptionSecondAfterPlacement { previous },
                            }
                        } else {
                            DueDate {
                                date: Interval::Months(6).after(previous)?,
                                rule: DueRule::AdoptionLaterAfterPlacement { previous },
                            }
                        });
                    }
                    _ => out.push(DueDate {
                        date: add_days(placed, 28)?,
                        rule: DueRule::AdoptionFirstAfterPlacement { placed },
                    }),
                }
            } else if let Some(authority) = authority {
                match prev {
                    Some(previous) if previous >= authority => out.push(DueDate {
                        date: Interval::Months(6).after(previous)?,
                        rule: DueRule::AdoptionAwaitingPlacement { previous },
                    }),
                    _ => out.push(DueDate {
                        date: Interval::Months(3).after(authority)?,
                        rule: DueRule::AdoptionAfterAuthority { authority },
                    }),
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> WorkingDayCalendar {
        WorkingDayCalendar::england_and_wales()
    }

    fn run(input: &ScheduleInput, policy: &SchedulePolicy) -> Schedule {
        schedule(input, policy, &cal()).unwrap()
    }

    #[test]
    fn statutory_example() {
        let input =
            ScheduleInput::looked_after(d(2022, 12, 16), vec![d(2023, 4, 5), d(2023, 1, 10)]);
        let s = run(&input, &SchedulePolicy::statutory());
        let r = &s.reviews;
        assert_eq!(r[0].number, 1);
        assert_eq!(r[0].date, d(2023, 1, 10));
        assert_eq!(r[0].statutory_due, Some(d(2023, 1, 18)));
        assert_eq!(r[0].due, Some(d(2023, 1, 18)));
        assert_eq!(r[0].in_time, Some(true));
        assert_eq!(
            r[0].rule.to_string(),
            "First review: within 20 working days of becoming looked after on 16/12/2022 \
             (regulation 33(1))"
        );
        assert_eq!(r[1].statutory_due, Some(d(2023, 4, 10)));
        assert_eq!(
            r[1].rule.to_string(),
            "Review 2: within 3 months of review 1 on 10/01/2023 (regulation 33(2))"
        );
        let next = s.next_due.unwrap();
        assert_eq!(next.date, d(2023, 10, 5));
        assert_eq!(
            next.rule.to_string(),
            "Review 3: within 6 months of review 2 on 05/04/2023 (regulation 33(2))"
        );
        assert_eq!(s.next_statutory_due, Some(next));
        let json = serde_json::to_value(&r[1]).unwrap();
        assert_eq!(json["rule"], r[1].rule.to_string());
        assert_eq!(json["due"], "2023-04-10");
    }

    #[test]
    fn late_reviews_reset_the_clock_and_ended_periods_have_no_next_due() {
        let mut input = ScheduleInput::looked_after(
            d(2021, 3, 1),
            vec![d(2021, 4, 6), d(2021, 7, 1), d(2022, 2, 1)],
        );
        input.period_end = Some(d(2022, 3, 31));
        let s = run(&input, &SchedulePolicy::statutory());
        // 20 working days after 1 Mar 2021 (Good Friday 2 Apr): 29 Mar 2021.
        assert_eq!(s.reviews[0].statutory_due, Some(d(2021, 3, 29)));
        assert_eq!(s.reviews[0].in_time, Some(false));
        assert_eq!(s.reviews[1].statutory_due, Some(d(2021, 7, 6)));
        assert_eq!(s.reviews[1].in_time, Some(true));
        assert_eq!(s.reviews[2].statutory_due, Some(d(2022, 1, 1)));
        assert_eq!(s.reviews[2].in_time, Some(false));
        assert_eq!(s.next_due, None);
    }

    #[test]
    fn errors_name_the_date() {
        let policy = SchedulePolicy::statutory();
        let input = ScheduleInput::looked_after(d(2022, 12, 16), vec![d(2022, 12, 1)]);
        let e = schedule(&input, &policy, &cal()).unwrap_err();
        assert_eq!(
            e,
            ScheduleError::ReviewBeforeStart {
                date: d(2022, 12, 1),
                period_start: d(2022, 12, 16)
            }
        );
        assert!(e.to_string().contains("2022-12-01"));
        let mut input = ScheduleInput::looked_after(d(2022, 12, 16), vec![d(2023, 3, 1)]);
        input.period_end = Some(d(2023, 2, 1));
        let e = schedule(&input, &policy, &cal()).unwrap_err();
        assert!(matches!(e, ScheduleError::ReviewAfterEnd { date, .. } if date == d(2023, 3, 1)));
        // A review on the last day is allowed.
        input.period_end = Some(d(2023, 3, 1));
        assert!(schedule(&input, &policy, &cal()).is_ok());
        // Calendar errors propagate.
        let input = ScheduleInput::looked_after(d(2014, 12, 1), vec![]);
        let e = schedule(&input, &policy, &cal()).unwrap_err();
        assert!(matches!(
            e,
            ScheduleError::Calendar(CalendarError::OutsideCoverage { .. })
        ));
        let input = ScheduleInput::looked_after(d(2027, 12, 10), vec![]);
        assert!(schedule(&input, &policy, &cal()).is_err());
    }

    #[test]
    fn first_review_in_calendar_days() {
        let policy = SchedulePolicy {
            first_review: Within::CalendarDays(28),
            ..SchedulePolicy::default()
        };
        let input = ScheduleInput::looked_after(d(2022, 12, 16), vec![d(2023, 1, 13)]);
        let s = run(&input, &policy);
        assert_eq!(s.reviews[0].statutory_due, Some(d(2023, 1, 13)));
        assert_eq!(s.reviews[0].in_time, Some(true));
        assert!(s.reviews[0].rule.to_string().contains("within 28 days"));
        assert!(s.reviews[0].rule.to_string().contains("counted locally"));
    }

    #[test]
    fn fixed_days_counting() {
        let policy = SchedulePolicy {
            counting: IntervalCounting::FixedDays {
                second: 91,
                later: 183,
            },
            ..SchedulePolicy::default()
        };
        let input =
            ScheduleInput::looked_after(d(2021, 11, 1), vec![d(2021, 11, 30), d(2021, 12, 1)]);
        let s = run(&input, &policy);
        // 30 Nov 2021 + 91 days = 1 Mar 2022 (statute: 28 Feb 2022).
        assert_eq!(s.reviews[1].statutory_due, Some(d(2022, 3, 1)));
        assert_eq!(
            s.reviews[1].rule.to_string(),
            "Review 2: within 91 days of review 1 on 30/11/2021 \
             (regulation 33(2), counted locally as 91 days)"
        );
        // 1 Dec 2021 + 183 days = 2 Jun 2022.
        assert_eq!(s.next_due.unwrap().date, d(2022, 6, 2));
    }

    #[test]
    fn unregistered_monthly() {
        let policy = SchedulePolicy {
            unregistered_monthly: Some(UnregisteredRule { interval_months: 1 }),
            ..SchedulePolicy::default()
        };
        // Looked after 9 Jan 2023 (Mon); review 1 on 1 Feb 2023 (due 6 Feb).
        // Moved into an unregistered placement on 15 Feb 2023: the next
        // review is due 15 Mar 2023 (1 month after moving in, later than
        // review 1), not 1 May 2023 (statute).
        let mut input = ScheduleInput::looked_after(
            d(2023, 1, 9),
            vec![d(2023, 2, 1), d(2023, 3, 20), d(2023, 4, 18), d(2023, 6, 1)],
        );
        input.unregistered_spans = vec![(d(2023, 2, 15), Some(d(2023, 5, 10)))];
        let s = run(&input, &policy);
        let r = &s.reviews;
        assert_eq!(r[0].statutory_due, Some(d(2023, 2, 6)));
        assert_eq!(r[0].due, Some(d(2023, 2, 6)));
        // Review 2 on 20 Mar: statutorily due 1 May (in time), locally due
        // 15 Mar (late).
        assert_eq!(r[1].statutory_due, Some(d(2023, 5, 1)));
        assert_eq!(r[1].due, Some(d(2023, 3, 15)));
        assert_eq!(r[1].in_time, Some(true));
        assert_eq!(r[1].in_time_local, Some(false));
        assert_eq!(
            r[1].rule,
            DueRule::UnregisteredMonthly {
                since: d(2023, 2, 15),
                moved_in: true,
                interval_months: 1
            }
        );
        assert_eq!(
            r[1].rule.to_string(),
            "Local policy: monthly review while in an unregistered placement \
             (within 1 month of moving in on 15/02/2023)"
        );
        assert!(r[1].rule.is_local());
        // Review 3 on 18 Apr: 1 month after review 2 = 20 Apr, still there.
        assert_eq!(r[2].due, Some(d(2023, 4, 20)));
        assert_eq!(r[2].in_time_local, Some(true));
        // Review 4 on 1 Jun: 1 month after 18 Apr = 18 May, but the child
        // left on 10 May, so only the statute applies (18 Oct 2023).
        assert_eq!(r[3].due, Some(d(2023, 10, 18)));
        assert_eq!(r[3].rule.code(), "later_review");
        assert_eq!(s.next_due.unwrap().date, d(2023, 12, 1));

        // Still there: the next review is due a month after the last.
        input.unregistered_spans = vec![(d(2023, 2, 15), None)];
        let s = run(&input, &policy);
        assert_eq!(s.next_due.unwrap().date, d(2023, 7, 1));
        assert_eq!(s.next_statutory_due.unwrap().date, d(2023, 12, 1));
    }

    #[test]
    fn post_move_review() {
        let policy = SchedulePolicy {
            post_move_review: Some(PostMoveRule {
                within: Within::CalendarDays(28),
                restart: false,
            }),
            ..SchedulePolicy::default()
        };
        // Looked after Mon 3 Apr 2023, review 1 on 25 Apr 2023.
        let mut input = ScheduleInput::looked_after(
            d(2023, 4, 3),
            vec![d(2023, 4, 25), d(2023, 6, 20), d(2023, 12, 1)],
        );
        input.placement_moves = vec![d(2023, 6, 1)];
        let s = run(&input, &policy);
        let r = &s.reviews;
        // 20 working days after Mon 3 Apr 2023, skipping Good Friday 7 Apr,
        // Easter Monday 10 Apr and 1 May: Thu 4 May 2023.
        assert_eq!(r[0].statutory_due, Some(d(2023, 5, 4)));
        // Moved 1 Jun: review due by 29 Jun (statute: 25 Jul).
        assert_eq!(r[1].statutory_due, Some(d(2023, 7, 25)));
        assert_eq!(r[1].due, Some(d(2023, 6, 29)));
        assert_eq!(
            r[1].rule.to_string(),
            "Local policy: review within 28 days of the placement move on 01/06/2023"
        );
        assert_eq!(r[1].in_time_local, Some(true));
        // No move since review 2: statute only.
        assert_eq!(r[2].due, Some(d(2023, 12, 20)));
        assert_eq!(r[2].rule.code(), "later_review");

        // A move after the last review sets the next due date; with working
        // days: 20 working days after Fri 1 Dec 2023 (25, 26 Dec and 1 Jan
        // are bank holidays) is Tue 2 Jan 2024.
        input.placement_moves.push(d(2023, 12, 15));
        let policy = SchedulePolicy {
            post_move_review: Some(PostMoveRule {
                within: Within::WorkingDays(20),
                restart: false,
            }),
            ..SchedulePolicy::default()
        };
        let s = run(&input, &policy);
        let next = s.next_due.unwrap();
        // 20 working days after Fri 15 Dec 2023: 18–22 (5), 27–29 (8),
        // 2–5 Jan (12), 8–12 (17), 15–17 Jan (20) = Wed 17 Jan 2024.
        assert_eq!(next.date, d(2024, 1, 17));
        assert_eq!(next.rule.code(), "post_move");
        // 20 working days after Thu 1 Jun 2023 is Thu 29 Jun 2023.
        assert_eq!(s.reviews[1].due, Some(d(2023, 6, 29)));
        // The move on 15 Dec is after review 3 (1 Dec): not its concern.
        assert_eq!(s.reviews[2].due, Some(d(2023, 12, 20)));

        // The move restarts the cycle: the review after the post-move review
        // is due within 3 months of it.
        let policy = SchedulePolicy {
            post_move_review: Some(PostMoveRule {
                within: Within::CalendarDays(28),
                restart: true,
            }),
            ..SchedulePolicy::default()
        };
        input.placement_moves = vec![d(2023, 6, 1)];
        let s = run(&input, &policy);
        assert_eq!(s.reviews[2].statutory_due, Some(d(2023, 12, 20)));
        assert_eq!(s.reviews[2].due, Some(d(2023, 9, 20)));
        assert_eq!(s.reviews[2].in_time, Some(true));
        assert_eq!(s.reviews[2].in_time_local, Some(false));
        assert_eq!(s.reviews[2].rule.code(), "post_move_second");
    }

    #[test]
    fn a_move_on_the_day_of_a_review_is_covered_by_it() {
        let policy = SchedulePolicy {
            post_move_review: Some(PostMoveRule {
                within: Within::CalendarDays(28),
                restart: false,
            }),
            ..SchedulePolicy::default()
        };
        let mut input = ScheduleInput::looked_after(d(2023, 4, 3), vec![d(2023, 4, 25)]);
        input.placement_moves = vec![d(2023, 4, 25)];
        let s = run(&input, &policy);
        assert_eq!(s.next_due.unwrap().date, d(2023, 7, 25));
    }

    #[test]
    fn short_breaks() {
        let mut input =
            ScheduleInput::looked_after(d(2022, 11, 30), vec![d(2023, 2, 28), d(2023, 9, 1)]);
        input.kind = PeriodKind::ShortBreaks;
        // Local rules never apply to short breaks.
        input.placement_moves = vec![d(2023, 1, 5)];
        let policy = SchedulePolicy {
            post_move_review: Some(PostMoveRule {
                within: Within::CalendarDays(28),
                restart: false,
            }),
            ..SchedulePolicy::default()
        };
        let s = run(&input, &policy);
        let r = &s.reviews;
        // 30 Nov 2022 + 3 months = 28 Feb 2023.
        assert_eq!(r[0].due, Some(d(2023, 2, 28)));
        assert_eq!(r[0].in_time, Some(true));
        assert_eq!(
            r[0].rule.to_string(),
            "Short breaks: first review within 3 months of the start of the first short \
             break on 30/11/2022 (regulation 48)"
        );
        // 28 Feb 2023 + 6 months = 28 Aug 2023.
        assert_eq!(r[1].due, Some(d(2023, 8, 28)));
        assert_eq!(r[1].in_time, Some(false));
        assert_eq!(r[1].rule.code(), "short_breaks_later");
        assert_eq!(s.next_due.unwrap().date, d(2024, 3, 1));
    }

    #[test]
    fn adoption_timetable() {
        // Authority (placement order) 10 Jan 2023, review 1 long before.
        let mut input = ScheduleInput::looked_after(
            d(2022, 6, 1),
            vec![
                d(2022, 6, 20), // review 1 (due 1 Jul 2022)
                d(2022, 9, 1),  // review 2 (due 20 Sep 2022)
                d(2023, 2, 1),  // authority 10 Jan: due 10 Apr (statute 1 Mar)
                d(2023, 7, 1),  // awaiting placement: due 1 Aug (statute too)
                d(2023, 9, 20), // placed 1 Sep: due 29 Sep (statute 1 Jan 2024)
                d(2023, 12, 1), // 3 months after 20 Sep: 20 Dec (statute 20 Mar)
            ],
        );
        input.adoption_authority = Some(d(2023, 1, 10));
        input.placed_for_adoption = Some(d(2023, 9, 1));
        let s = run(&input, &SchedulePolicy::statutory());
        let r = &s.reviews;
        assert_eq!(r[2].statutory_due, Some(d(2023, 3, 1)));
        assert_eq!(r[2].due, Some(d(2023, 3, 1)));
        assert_eq!(r[2].rule.code(), "later_review");
        assert_eq!(r[3].statutory_due, Some(d(2023, 8, 1)));
        // A tie: the statute wins.
        assert_eq!(r[3].rule.code(), "later_review");
        assert_eq!(r[4].statutory_due, Some(d(2024, 1, 1)));
        assert_eq!(r[4].due, Some(d(2023, 9, 29)));
        assert_eq!(
            r[4].rule.to_string(),
            "Adoption: within 4 weeks (28 days) of being placed for adoption on 01/09/2023"
        );
        assert_eq!(r[4].in_time_local, Some(true));
        assert_eq!(r[5].statutory_due, Some(d(2024, 3, 20)));
        assert_eq!(r[5].due, Some(d(2023, 12, 20)));
        assert_eq!(r[5].rule.code(), "adoption_second_after_placement");
        // Then 6 months: the same as the statute, which wins the tie.
        let next = s.next_due.unwrap();
        assert_eq!(next.date, d(2024, 6, 1));
        assert_eq!(next.rule.code(), "later_review");

        // Authority obtained just after a review: the next is due 3 months
        // after the authority, earlier than the statute's 6 months.
        let mut input = ScheduleInput::looked_after(
            d(2022, 6, 1),
            vec![d(2022, 6, 20), d(2022, 9, 1), d(2023, 2, 1)],
        );
        input.adoption_authority = Some(d(2023, 2, 10));
        let s = run(&input, &SchedulePolicy::statutory());
        let next = s.next_due.unwrap();
        assert_eq!(next.date, d(2023, 5, 10));
        assert_eq!(
            next.rule.to_string(),
            "Adoption: within 3 months of the authority to place for adoption on 10/02/2023"
        );
        assert_eq!(s.next_statutory_due.unwrap().date, d(2023, 8, 1));

        // With the adoption timetable switched off, only the statute.
        let policy = SchedulePolicy {
            adoption: false,
            ..SchedulePolicy::default()
        };
        let s = run(&input, &policy);
        assert_eq!(s.next_due.unwrap().date, d(2023, 8, 1));
    }

    #[test]
    fn reviews_known_from() {
        let w = d(2021, 4, 1);
        // Began 1 Mar 2021 (before W); first review in the data 25 Mar 2021
        // is within 20 working days (due 29 Mar): it was review 1.
        let mut input =
            ScheduleInput::looked_after(d(2021, 3, 1), vec![d(2021, 3, 25), d(2021, 6, 30)]);
        input.reviews_known_from = Some(w);
        let s = run(&input, &SchedulePolicy::statutory());
        assert_eq!(s.reviews[0].statutory_due, None);
        assert_eq!(s.reviews[0].in_time, None);
        assert_eq!(s.reviews[0].in_time_local, None);
        assert_eq!(s.reviews[0].rule.code(), "unknown");
        assert_eq!(s.reviews[1].statutory_due, Some(d(2021, 6, 25)));
        assert_eq!(s.reviews[1].rule.code(), "second_review");
        assert_eq!(s.reviews[1].in_time, Some(false));

        // Began long before, outside the calendar: 6 months, no calendar
        // needed.
        let mut input =
            ScheduleInput::looked_after(d(2012, 5, 1), vec![d(2021, 5, 1), d(2021, 10, 1)]);
        input.reviews_known_from = Some(w);
        let s = run(&input, &SchedulePolicy::statutory());
        assert_eq!(s.reviews[1].statutory_due, Some(d(2021, 11, 1)));
        assert_eq!(
            s.reviews[1].rule.to_string(),
            "Within 6 months of the previous review on 01/05/2021 (regulation 33(2))"
        );
        assert_eq!(s.next_due.unwrap().date, d(2022, 4, 1));

        // No review in the data: the next due date cannot be known.
        let mut input = ScheduleInput::looked_after(d(2012, 5, 1), vec![]);
        input.reviews_known_from = Some(w);
        let s = run(&input, &SchedulePolicy::statutory());
        assert_eq!(s.next_due, None);

        // A period starting on or after W is unaffected.
        let mut input = ScheduleInput::looked_after(d(2021, 4, 1), vec![d(2021, 4, 20)]);
        input.reviews_known_from = Some(w);
        let s = run(&input, &SchedulePolicy::statutory());
        assert_eq!(s.reviews[0].rule.code(), "first_review");
    }

    #[test]
    fn policy_settings_file() {
        let policy: SchedulePolicy = serde_json::from_str(
            r#"{"counting": {"fixed_days": {"second": 91, "later": 183}},
                "first_review": {"calendar_days": 28},
                "unregistered_monthly": {"interval_months": 1},
                "post_move_review": {"within": {"working_days": 20}},
                "adoption": false}"#,
        )
        .unwrap();
        assert_eq!(policy.first_review, Within::CalendarDays(28));
        assert_eq!(
            policy.counting,
            IntervalCounting::FixedDays {
                second: 91,
                later: 183
            }
        );
        assert_eq!(policy.short_breaks, ShortBreaksRule::default());
        assert!(!policy.adoption);
        assert_eq!(
            serde_json::from_str::<SchedulePolicy>("{}").unwrap(),
            SchedulePolicy::statutory()
        );
        assert!(serde_json::from_str::<SchedulePolicy>(r#"{"adopton": false}"#).is_err());
        let round = serde_json::to_string(&policy).unwrap();
        assert_eq!(
            serde_json::from_str::<SchedulePolicy>(&round).unwrap(),
            policy
        );
    }
}
