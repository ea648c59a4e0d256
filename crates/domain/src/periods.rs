//! Periods of care, built from a child's episodes.
//!
//! A period of care (measures.md, Conventions) is a maximal chain of a child's
//! episodes that begins with RNE `S` and continues while each episode ends with
//! REC `X1` and the next starts on that DEC date. It ends on the DEC of its last
//! episode, or is open.
//!
//! [`assemble_periods`] is lenient, for data as councils have it: it builds the
//! best periods it can and lists every problem with a reason. [`build_periods`]
//! is strict: any problem refuses the whole child.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::WorkingDayCalendar;
use crate::codes::{LegalStatus, ReasonEpisodeCeased, ReasonNewEpisode};
use crate::model::{ChildId, DateChangeStatus, Episode, ReviewDateChange};
use crate::schedule::{
    ApprovedDateChange, PeriodKind, Schedule, ScheduleError, ScheduleInput, SchedulePolicy,
    schedule,
};

/// One period of care: episodes chained by REC `X1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodOfCare {
    pub child: ChildId,
    /// In date order; never empty.
    pub episodes: Vec<Episode>,
}

impl PeriodOfCare {
    /// The DECOM of the first episode.
    pub fn start(&self) -> NaiveDate {
        self.episodes[0].start
    }

    /// The DEC of the last episode, or `None` while the period is open.
    pub fn end(&self) -> Option<NaiveDate> {
        self.last_episode().end
    }

    pub fn last_episode(&self) -> &Episode {
        self.episodes.last().expect("a period of care has episodes")
    }

    pub fn first_episode(&self) -> &Episode {
        &self.episodes[0]
    }

    /// Why the period ended, when it has.
    pub fn reason_ceased(&self) -> Option<ReasonEpisodeCeased> {
        self.end().and(self.last_episode().reason_ceased)
    }

    /// Every episode is V3/V4: a series of short breaks, never looked after.
    pub fn is_short_breaks(&self) -> bool {
        self.episodes.iter().all(Episode::is_short_break)
    }

    /// The date the child became looked after in this period: the start of
    /// its first episode that is not a short break.
    pub fn looked_after_from(&self) -> Option<NaiveDate> {
        self.episodes
            .iter()
            .find(|e| !e.is_short_break())
            .map(|e| e.start)
    }

    /// The episode open on `date`, if any.
    pub fn episode_on(&self, date: NaiveDate) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.is_open_on(date))
    }

    /// Open on `date`: start <= date and (open, or end > date). A child whose
    /// period ended on 31 March is not in care on 31 March.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.start() <= date && self.end().is_none_or(|end| end > date)
    }

    /// Looked after on `date`: an episode that is not a short break is open.
    pub fn is_looked_after_on(&self, date: NaiveDate) -> bool {
        self.episode_on(date).is_some_and(|e| !e.is_short_break())
    }

    /// The dates a new placement with a new carer began after the period's
    /// first day (RNE `P` or `B`), ignoring temporary placements (T0–T4).
    pub fn placement_moves(&self) -> Vec<NaiveDate> {
        self.episodes
            .iter()
            .skip(1)
            .filter(|e| {
                matches!(e.reason_new, ReasonNewEpisode::P | ReasonNewEpisode::B)
                    && !e.placement.is_temporary()
            })
            .map(|e| e.start)
            .collect()
    }
}

impl PeriodOfCare {
    /// Whether a review dated `date` belongs to this period: on or after the
    /// day the child became looked after (the first day of a short-breaks
    /// period) and before the period's end.
    pub fn holds_review_on(&self, date: NaiveDate) -> bool {
        let from = self.looked_after_from().unwrap_or_else(|| self.start());
        from <= date && self.end().is_none_or(|end| date < end)
    }

    /// The input to [`crate::schedule::schedule`] for this period: the one
    /// way from a period of care to its schedule, used by the caseload, the
    /// child's page, the due lists, the measures and the generator.
    ///
    /// `reviews` are the child's review dates (those the period does not
    /// hold are left out, see [`PeriodOfCare::holds_review_on`]); the
    /// placement types the council treats as unregistered settings come
    /// from `policy` (for the monthly-review policy); `reviews_known_from`
    /// is the date the council's review data begins. Authority to place for
    /// adoption is the start of the first episode with legal status E1 (or
    /// D1, a freeing order under the 1976 Act), placed for adoption the
    /// start of the first A3–A6 placement, each no earlier than the period.
    pub fn schedule_input(
        &self,
        reviews: &[NaiveDate],
        policy: &SchedulePolicy,
        reviews_known_from: Option<NaiveDate>,
    ) -> ScheduleInput {
        let short_breaks = self.is_short_breaks();
        let period_start = self.looked_after_from().unwrap_or_else(|| self.start());
        let unregistered = &policy.unregistered_placements;
        let mut unregistered_spans: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
        for e in self
            .episodes
            .iter()
            .filter(|e| unregistered.contains(&e.placement))
        {
            match unregistered_spans.last_mut() {
                Some((_, to)) if *to == Some(e.start) => *to = e.end,
                _ => unregistered_spans.push((e.start.max(period_start), e.end)),
            }
        }
        let mut reviews: Vec<NaiveDate> = reviews
            .iter()
            .copied()
            .filter(|&r| self.holds_review_on(r))
            .collect();
        reviews.sort_unstable();
        reviews.dedup();
        ScheduleInput {
            kind: if short_breaks {
                PeriodKind::ShortBreaks
            } else {
                PeriodKind::LookedAfter
            },
            period_start,
            period_end: self.end(),
            reviews,
            placement_moves: self
                .placement_moves()
                .into_iter()
                .filter(|&m| m > period_start)
                .collect(),
            unregistered_spans,
            adoption_authority: self.adoption_authority().map(|d| d.max(period_start)),
            placed_for_adoption: self
                .episodes
                .iter()
                .find(|e| e.placement.is_placed_for_adoption())
                .map(|e| e.start.max(period_start)),
            reviews_known_from,
            date_changes: Vec::new(),
        }
    }

    /// The start of the first episode with the court's authority to place
    /// for adoption (legal status E1, or D1).
    pub fn adoption_authority(&self) -> Option<NaiveDate> {
        self.episodes
            .iter()
            .find(|e| matches!(e.legal_status, LegalStatus::E1 | LegalStatus::D1))
            .map(|e| e.start)
    }

    /// The period's review schedule under the council's `policy`: the
    /// schedule of [`PeriodOfCare::schedule_input`]. Each review's `due` and
    /// the next due date follow the council's local policies; `in_time` and
    /// `statutory_due` stay statutory (the national measure).
    ///
    /// `date_changes` are the child's requests to change a review's date:
    /// the approved ones asked for in this period move the council's due
    /// date of the review they were asked for (see
    /// [`ScheduleInput::date_changes`]); the statutory due date stays.
    pub fn schedule(
        &self,
        reviews: &[NaiveDate],
        date_changes: &[ReviewDateChange],
        reviews_known_from: Option<NaiveDate>,
        policy: &SchedulePolicy,
        calendar: &WorkingDayCalendar,
    ) -> Result<Schedule, ScheduleError> {
        let input =
            self.schedule_input_with_changes(reviews, date_changes, policy, reviews_known_from);
        schedule(&input, policy, calendar)
    }

    /// The period's schedule as it stood on `on`: only the reviews held by
    /// then, and the period taken as still open (it may end later). Its
    /// `next_statutory_due` before `on` is a review overdue that day
    /// (`reviews.overdue.end`, and the list of the children behind it).
    pub fn schedule_on(
        &self,
        on: NaiveDate,
        reviews: &[NaiveDate],
        date_changes: &[ReviewDateChange],
        reviews_known_from: Option<NaiveDate>,
        policy: &SchedulePolicy,
        calendar: &WorkingDayCalendar,
    ) -> Result<Schedule, ScheduleError> {
        let mut input =
            self.schedule_input_with_changes(reviews, date_changes, policy, reviews_known_from);
        input.reviews.retain(|&d| d <= on);
        input.period_end = None;
        schedule(&input, policy, calendar)
    }

    /// The input of [`PeriodOfCare::schedule`]: [`PeriodOfCare::schedule_input`]
    /// with the approved `date_changes` asked for in this period.
    pub fn schedule_input_with_changes(
        &self,
        reviews: &[NaiveDate],
        date_changes: &[ReviewDateChange],
        policy: &SchedulePolicy,
        reviews_known_from: Option<NaiveDate>,
    ) -> ScheduleInput {
        let mut input = self.schedule_input(reviews, policy, reviews_known_from);
        input.date_changes = date_changes
            .iter()
            .filter(|c| {
                c.child == self.child
                    && c.status == DateChangeStatus::Approved
                    && self.holds_review_on(c.requested_on)
            })
            .map(|c| ApprovedDateChange {
                requested_on: c.requested_on,
                date: c.proposed,
                reason: c.reason,
            })
            .collect();
        input
    }
}

/// Something wrong with how a child's episodes chain together. `episode` is
/// the index of the episode concerned in date order (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    pub child: ChildId,
    pub episode: usize,
    pub episode_start: NaiveDate,
    pub kind: ChainProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainProblemKind {
    /// DEC is before DECOM.
    EndsBeforeItStarts { end: NaiveDate },
    /// Two episodes cover the same day.
    Overlaps { previous_start: NaiveDate },
    /// An episode other than the last has no DEC.
    OpenButNotLast,
    /// A closed episode with no REC.
    ClosedWithoutReason,
    /// An open episode with a REC.
    OpenWithReason { reason: ReasonEpisodeCeased },
    /// The episode continues a period (RNE not `S`) but no episode ended with
    /// `X1` on its start date.
    ContinuesNothing { reason_new: ReasonNewEpisode },
    /// The previous episode ended with `X1` but this one starts a new period
    /// (RNE `S`).
    NewPeriodAfterX1,
    /// This episode starts a new period (RNE `S`) on the day another episode
    /// of the child ended with a REC other than `X1`: the child left care and
    /// came back the same day (DfE 388 case 2 / 431). A warning: the data is
    /// plausible but almost always wrong (the child stayed in care, and the
    /// earlier REC should be `X1` and this RNE a change, or the dates are
    /// wrong); counted as it stands, the child has a period ending and a
    /// period starting on the same day.
    NewPeriodSameDay {
        previous_start: NaiveDate,
        reason: ReasonEpisodeCeased,
    },
    /// The episode ended with `X1` but no episode starts on its DEC.
    X1WithoutNextEpisode { end: NaiveDate },
}

impl ChainProblem {
    /// A sentence a performance analyst understands.
    pub fn message(&self) -> String {
        let at = self.episode_start.format("%d/%m/%Y");
        match &self.kind {
            ChainProblemKind::EndsBeforeItStarts { end } => format!(
                "the episode starting {at} ends on {}, before it starts",
                end.format("%d/%m/%Y")
            ),
            ChainProblemKind::Overlaps { previous_start } => format!(
                "the episode starting {at} overlaps the episode starting {}",
                previous_start.format("%d/%m/%Y")
            ),
            ChainProblemKind::OpenButNotLast => format!(
                "the episode starting {at} has no end date (DEC) but a later episode follows it"
            ),
            ChainProblemKind::ClosedWithoutReason => format!(
                "the episode starting {at} has an end date (DEC) but no reason episode ceased (REC)"
            ),
            ChainProblemKind::OpenWithReason { reason } => format!(
                "the episode starting {at} is open (no DEC) but has a reason episode ceased (REC {reason})"
            ),
            ChainProblemKind::ContinuesNothing { reason_new } => format!(
                "the episode starting {at} has RNE {reason_new} (a change within a period of care) but no episode ended with X1 on {at}; a new period of care must start with RNE S"
            ),
            ChainProblemKind::NewPeriodAfterX1 => format!(
                "the episode starting {at} has RNE S (a new period of care) but the episode before it ended with X1 (not leaving care)"
            ),
            ChainProblemKind::NewPeriodSameDay {
                previous_start,
                reason,
            } => format!(
                "the episode starting {at} has RNE S (a new period of care) but the child's episode starting {} ended that same day with REC {reason} (left care); a child cannot leave care and start a new period on the same day: if the child stayed in care, that episode's REC should be X1 and this one's RNE the reason for the change (P, L, T, U or B)",
                previous_start.format("%d/%m/%Y")
            ),
            ChainProblemKind::X1WithoutNextEpisode { end } => format!(
                "the episode starting {at} ended on {} with REC X1 (a new episode begins the same day) but no episode starts that day",
                end.format("%d/%m/%Y")
            ),
        }
    }

    /// Whether the periods built despite the problem are still sound enough to
    /// count (overlaps and inverted dates are not).
    pub fn is_structural(&self) -> bool {
        matches!(
            self.kind,
            ChainProblemKind::EndsBeforeItStarts { .. }
                | ChainProblemKind::Overlaps { .. }
                | ChainProblemKind::OpenButNotLast
        )
    }
}

/// The periods built from one child's episodes, and what was wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PeriodAssembly {
    pub periods: Vec<PeriodOfCare>,
    pub problems: Vec<ChainProblem>,
}

/// Builds the periods of care from one child's episodes (in any order), as
/// well as the data allows, and lists every problem found.
///
/// Two passes over the episodes in date order (DECOM, then open episodes
/// after closed ones, then DEC):
///
/// 1. **Structure.** An episode that ends before it starts is left out. An
///    episode that starts before the latest DEC of *all* the child's earlier
///    episodes (kept or left out) overlaps it and is left out (DfE 501). An
///    episode that starts while an earlier episode has no DEC is left out,
///    and that earlier episode is reported once (DfE 142). What is left
///    makes the periods: RNE `S` starts a period, an episode continuing an
///    `X1` on its start date joins it, and (leniently) any other episode
///    starts a period anyway.
/// 2. **Chain.** The RNE/REC checks look at **all** the child's episodes
///    with sound dates, including those left out in pass 1, so that an
///    overlap does not cause knock-on warnings: an episode with RNE other
///    than `S` needs some episode ending `X1` on its start date; an episode
///    ending `X1` needs some episode starting on its DEC; an episode with RNE
///    `S` must not start on the day another episode ended, with `X1`
///    ([`ChainProblemKind::NewPeriodAfterX1`]) or with any other REC
///    ([`ChainProblemKind::NewPeriodSameDay`]).
///
/// Problems are listed in episode order.
pub fn assemble_periods(episodes: &[Episode]) -> PeriodAssembly {
    let mut sorted: Vec<&Episode> = episodes.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end.is_none(), e.end));
    let mut out = PeriodAssembly::default();
    let mut current: Vec<Episode> = Vec::new();
    // The last episode kept in the periods.
    let mut previous: Option<&Episode> = None;
    // Of all the earlier episodes with a DEC (kept or left out), the one
    // that ends latest.
    let mut latest_end: Option<&Episode> = None;
    // An earlier episode with no DEC (kept or left out): its index, and
    // whether it has been reported yet.
    let mut open_earlier: Option<(usize, &Episode, bool)> = None;
    // The episodes with sound dates, for the chain checks.
    let mut sound: Vec<(usize, &Episode)> = Vec::new();

    for (i, ep) in sorted.iter().copied().enumerate() {
        let problem = |kind| ChainProblem {
            child: ep.child.clone(),
            episode: i,
            episode_start: ep.start,
            kind,
        };
        // Any later episode makes an open episode "open but not last".
        if let Some((j, open, reported)) = &mut open_earlier
            && !*reported
        {
            *reported = true;
            out.problems.push(ChainProblem {
                child: open.child.clone(),
                episode: *j,
                episode_start: open.start,
                kind: ChainProblemKind::OpenButNotLast,
            });
        }
        if let Some(end) = ep.end
            && end < ep.start
        {
            out.problems
                .push(problem(ChainProblemKind::EndsBeforeItStarts { end }));
            continue;
        }
        match (ep.end, ep.reason_ceased) {
            (Some(_), None) => out
                .problems
                .push(problem(ChainProblemKind::ClosedWithoutReason)),
            (None, Some(reason)) => out
                .problems
                .push(problem(ChainProblemKind::OpenWithReason { reason })),
            _ => {}
        }
        sound.push((i, ep));
        let overlapped = latest_end.filter(|l| l.end.is_some_and(|end| end > ep.start));
        if let Some(l) = overlapped {
            out.problems.push(problem(ChainProblemKind::Overlaps {
                previous_start: l.start,
            }));
        }
        let set_aside = overlapped.is_some() || open_earlier.is_some();
        if ep.end > latest_end.and_then(|l| l.end) {
            latest_end = Some(ep);
        }
        if ep.end.is_none() && open_earlier.is_none() {
            open_earlier = Some((i, ep, false));
        }
        if set_aside {
            continue;
        }
        let continues = previous.is_some_and(|p| {
            p.end == Some(ep.start) && p.reason_ceased == Some(ReasonEpisodeCeased::X1)
        });
        if ep.reason_new == ReasonNewEpisode::S || !continues {
            close_period(&mut out, &mut current);
        }
        current.push(ep.clone());
        previous = Some(ep);
    }
    close_period(&mut out, &mut current);
    chain_problems(&sound, &mut out.problems);
    // Stable: each episode's problems stay in the order they were found.
    out.problems.sort_by_key(|p| p.episode);
    out
}

/// The RNE/REC checks of how episodes chain, over all the child's episodes
/// with sound dates (`(index, episode)` in date order).
fn chain_problems(sound: &[(usize, &Episode)], problems: &mut Vec<ChainProblem>) {
    for &(i, ep) in sound {
        let others = || sound.iter().filter(move |(j, _)| *j != i).map(|(_, e)| *e);
        let problem = |kind| ChainProblem {
            child: ep.child.clone(),
            episode: i,
            episode_start: ep.start,
            kind,
        };
        let x1_ends_here = others()
            .any(|o| o.end == Some(ep.start) && o.reason_ceased == Some(ReasonEpisodeCeased::X1));
        if ep.reason_new != ReasonNewEpisode::S {
            if !x1_ends_here {
                problems.push(problem(ChainProblemKind::ContinuesNothing {
                    reason_new: ep.reason_new,
                }));
            }
        } else if x1_ends_here {
            problems.push(problem(ChainProblemKind::NewPeriodAfterX1));
        } else if let Some((previous_start, reason)) =
            others().find_map(|o| match o.reason_ceased {
                Some(reason) if o.end == Some(ep.start) => Some((o.start, reason)),
                _ => None,
            })
        {
            problems.push(problem(ChainProblemKind::NewPeriodSameDay {
                previous_start,
                reason,
            }));
        }
        if let (Some(end), Some(ReasonEpisodeCeased::X1)) = (ep.end, ep.reason_ceased)
            && !others().any(|o| o.start == end)
        {
            problems.push(problem(ChainProblemKind::X1WithoutNextEpisode { end }));
        }
    }
}

/// Ends the period being built, if any.
fn close_period(out: &mut PeriodAssembly, current: &mut Vec<Episode>) {
    if current.is_empty() {
        return;
    }
    let episodes = std::mem::take(current);
    out.periods.push(PeriodOfCare {
        child: episodes[0].child.clone(),
        episodes,
    });
}

/// Builds the periods of care from one child's episodes, refusing the child
/// if any episode overlaps another or the chain is broken.
pub fn build_periods(episodes: &[Episode]) -> Result<Vec<PeriodOfCare>, Vec<ChainProblem>> {
    let assembly = assemble_periods(episodes);
    if assembly.problems.is_empty() {
        Ok(assembly.periods)
    } else {
        Err(assembly.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{LegalStatus, PlacementType};

    pub(super) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(super) fn ep(
        start: &str,
        end: Option<&str>,
        rne: &str,
        ls: &str,
        place: &str,
        rec: Option<&str>,
    ) -> Episode {
        Episode {
            child: "C1".parse().unwrap(),
            start: d(start),
            end: end.map(d),
            reason_new: rne.parse().unwrap(),
            legal_status: ls.parse().unwrap(),
            category_of_need: None,
            placement: place.parse().unwrap(),
            provider: None,
            reason_ceased: rec.map(|r| r.parse().unwrap()),
            reason_place_change: None,
            home_postcode: None,
            placement_postcode: None,
            urn: None,
        }
    }

    #[test]
    fn episodes_chained_by_x1_make_one_period() {
        let eps = vec![
            ep(
                "2021-06-01",
                Some("2021-09-01"),
                "P",
                "C1",
                "U4",
                Some("X1"),
            ),
            ep(
                "2021-05-01",
                Some("2021-06-01"),
                "S",
                "V2",
                "U6",
                Some("X1"),
            ),
            ep(
                "2021-09-01",
                Some("2022-03-31"),
                "L",
                "C2",
                "U4",
                Some("E4A"),
            ),
            ep("2022-07-01", None, "S", "C1", "K2", None),
        ];
        let periods = build_periods(&eps).unwrap();
        assert_eq!(periods.len(), 2);
        assert_eq!(periods[0].start(), d("2021-05-01"));
        assert_eq!(periods[0].end(), Some(d("2022-03-31")));
        assert_eq!(periods[0].episodes.len(), 3);
        assert_eq!(periods[0].reason_ceased(), Some(ReasonEpisodeCeased::E4A));
        assert_eq!(periods[0].placement_moves(), vec![d("2021-06-01")]);
        // Left care on 31 March: not looked after on 31 March.
        assert!(periods[0].is_looked_after_on(d("2022-03-30")));
        assert!(!periods[0].is_looked_after_on(d("2022-03-31")));
        assert_eq!(periods[1].end(), None);
        assert!(periods[1].is_open_on(d("2030-01-01")));
        assert_eq!(periods[1].first_episode().placement, PlacementType::K2);
    }

    #[test]
    fn overlapping_episodes_are_refused_with_a_reason() {
        let eps = vec![
            ep(
                "2021-05-01",
                Some("2021-07-01"),
                "S",
                "C1",
                "U6",
                Some("X1"),
            ),
            ep("2021-06-01", None, "P", "C1", "U4", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| matches!(p.kind, ChainProblemKind::Overlaps { .. }))
        );
        let msg = problems
            .iter()
            .find(|p| matches!(p.kind, ChainProblemKind::Overlaps { .. }))
            .unwrap()
            .message();
        assert_eq!(
            msg,
            "the episode starting 01/06/2021 overlaps the episode starting 01/05/2021"
        );
    }

    #[test]
    fn a_broken_chain_is_refused_and_assembled_leniently() {
        // X1 on 1 June, but the next episode starts on 2 June.
        let eps = vec![
            ep(
                "2021-05-01",
                Some("2021-06-01"),
                "S",
                "C1",
                "U6",
                Some("X1"),
            ),
            ep("2021-06-02", None, "P", "C1", "U4", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        let kinds: Vec<_> = problems.iter().map(|p| p.kind.clone()).collect();
        assert!(kinds.contains(&ChainProblemKind::ContinuesNothing {
            reason_new: ReasonNewEpisode::P
        }));
        assert!(kinds.contains(&ChainProblemKind::X1WithoutNextEpisode {
            end: d("2021-06-01")
        }));
        let assembly = assemble_periods(&eps);
        assert_eq!(assembly.periods.len(), 2);
    }

    #[test]
    fn a_new_period_straight_after_x1_is_one_problem() {
        let eps = vec![
            ep(
                "2021-05-01",
                Some("2021-06-01"),
                "S",
                "C1",
                "U6",
                Some("X1"),
            ),
            ep("2021-06-01", None, "S", "C1", "U4", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ChainProblemKind::NewPeriodAfterX1);
        assert_eq!(problems[0].episode, 1);
    }

    #[test]
    fn first_episode_must_start_a_period() {
        let eps = vec![ep("2021-05-01", None, "L", "C2", "U6", None)];
        let problems = build_periods(&eps).unwrap_err();
        assert_eq!(
            problems[0].message(),
            "the episode starting 01/05/2021 has RNE L (a change within a period of care) but no episode ended with X1 on 01/05/2021; a new period of care must start with RNE S"
        );
    }

    #[test]
    fn open_episode_followed_by_another_and_missing_rec() {
        let eps = vec![
            ep("2021-05-01", None, "S", "C1", "U6", None),
            ep("2021-08-01", Some("2021-09-01"), "S", "C1", "U6", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        let kinds: Vec<_> = problems.iter().map(|p| p.kind.clone()).collect();
        assert!(kinds.contains(&ChainProblemKind::ClosedWithoutReason));
        let open = problems
            .iter()
            .find(|p| p.kind == ChainProblemKind::OpenButNotLast)
            .unwrap();
        // Reported against the earlier episode, the one with no DEC.
        assert_eq!(open.episode, 0);
        assert_eq!(
            open.message(),
            "the episode starting 01/05/2021 has no end date (DEC) but a later episode follows it"
        );
    }

    #[test]
    fn short_breaks_periods_are_not_looked_after() {
        let eps = vec![ep(
            "2021-05-01",
            Some("2021-05-03"),
            "S",
            "V3",
            "U6",
            Some("E13"),
        )];
        let periods = build_periods(&eps).unwrap();
        assert!(periods[0].is_short_breaks());
        assert!(!periods[0].is_looked_after_on(d("2021-05-01")));
        assert!(periods[0].is_open_on(d("2021-05-01")));
        assert_eq!(periods[0].looked_after_from(), None);
        assert_eq!(periods[0].first_episode().legal_status, LegalStatus::V3);
    }

    #[test]
    fn an_episode_overlapping_only_one_already_left_out_is_an_overlap_too() {
        // B overlaps A and is left out; C starts after A ended but inside B.
        let eps = vec![
            ep(
                "2021-01-01",
                Some("2021-04-01"),
                "S",
                "C1",
                "U6",
                Some("E4A"),
            ),
            ep(
                "2021-03-01",
                Some("2021-12-01"),
                "S",
                "C1",
                "U6",
                Some("E4A"),
            ),
            ep(
                "2021-07-01",
                Some("2021-08-01"),
                "S",
                "C1",
                "U6",
                Some("E4A"),
            ),
        ];
        let overlaps: Vec<_> = assemble_periods(&eps)
            .problems
            .into_iter()
            .filter(|p| matches!(p.kind, ChainProblemKind::Overlaps { .. }))
            .map(|p| (p.episode, p.kind))
            .collect();
        assert_eq!(
            overlaps,
            vec![
                (
                    1,
                    ChainProblemKind::Overlaps {
                        previous_start: d("2021-01-01")
                    }
                ),
                (
                    2,
                    ChainProblemKind::Overlaps {
                        previous_start: d("2021-03-01")
                    }
                ),
            ]
        );
    }

    #[test]
    fn an_open_episode_that_is_not_last_is_reported_once() {
        let eps = vec![
            ep("2021-01-01", None, "S", "C1", "U6", None),
            ep(
                "2021-03-01",
                Some("2021-04-01"),
                "S",
                "C1",
                "U6",
                Some("E4A"),
            ),
            ep("2021-05-01", None, "S", "C1", "U6", None),
        ];
        let assembly = assemble_periods(&eps);
        let open: Vec<_> = assembly
            .problems
            .iter()
            .filter(|p| p.kind == ChainProblemKind::OpenButNotLast)
            .map(|p| p.episode)
            .collect();
        assert_eq!(open, vec![0]);
        assert!(
            assembly
                .problems
                .iter()
                .all(|p| !matches!(p.kind, ChainProblemKind::Overlaps { .. })),
            "{:?}",
            assembly.problems
        );
        assert_eq!(assembly.periods.len(), 1);
    }

    #[test]
    fn the_chain_checks_see_episodes_left_out_as_overlapping() {
        // B overlaps A and is left out, but it really ended X1 on the day C
        // began: C continues B, and B's X1 has its next episode. Only the
        // overlap is a problem.
        let eps = vec![
            ep(
                "2021-01-01",
                Some("2021-04-01"),
                "S",
                "C1",
                "U6",
                Some("E4A"),
            ),
            ep(
                "2021-03-01",
                Some("2021-05-01"),
                "S",
                "C1",
                "U6",
                Some("X1"),
            ),
            ep("2021-05-01", None, "P", "C1", "U4", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| &p.kind).collect::<Vec<_>>(),
            vec![&ChainProblemKind::Overlaps {
                previous_start: d("2021-01-01")
            }]
        );
    }

    #[test]
    fn leaving_care_and_starting_again_the_same_day_is_a_problem() {
        let eps = vec![
            ep(
                "2017-05-01",
                Some("2017-09-21"),
                "S",
                "C1",
                "U6",
                Some("E16"),
            ),
            ep("2017-09-21", None, "S", "C1", "U4", None),
        ];
        let problems = build_periods(&eps).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!(p.episode, 1);
        assert_eq!(
            p.kind,
            ChainProblemKind::NewPeriodSameDay {
                previous_start: d("2017-05-01"),
                reason: ReasonEpisodeCeased::E16
            }
        );
        assert!(!p.is_structural());
        assert!(
            p.message().starts_with(
                "the episode starting 21/09/2017 has RNE S (a new period of care) but the child's episode starting 01/05/2017 ended that same day with REC E16"
            ),
            "{}",
            p.message()
        );
        // Counted as it stands: two periods, one ending the day the next starts.
        let periods = assemble_periods(&eps).periods;
        assert_eq!(periods.len(), 2);
        assert_eq!(periods[0].end(), Some(periods[1].start()));
        // A day later is a normal return to care.
        let mut later = eps.clone();
        later[1].start = d("2017-09-22");
        assert!(build_periods(&later).is_ok());
    }

    #[test]
    fn no_episodes_no_periods() {
        assert_eq!(build_periods(&[]).unwrap(), vec![]);
    }
}

#[cfg(test)]
mod schedule_input_tests {
    use super::tests::{d, ep};
    use super::*;
    use crate::codes::PlacementType;
    use crate::schedule::UnregisteredRule;

    #[test]
    fn a_period_becomes_a_schedule_input() {
        let eps = vec![
            ep(
                "2022-12-16",
                Some("2023-02-01"),
                "S",
                "C1",
                "U6",
                Some("X1"),
            ),
            ep(
                "2023-02-01",
                Some("2023-05-01"),
                "P",
                "C1",
                "Z1",
                Some("X1"),
            ),
            ep("2023-05-01", None, "P", "C2", "U4", None),
        ];
        let period = &build_periods(&eps).unwrap()[0];
        let reviews = [
            d("2022-01-01"),
            d("2023-01-10"),
            d("2023-02-20"),
            d("2023-04-05"),
        ];
        let with_z1 = SchedulePolicy {
            unregistered_placements: vec![PlacementType::Z1],
            ..SchedulePolicy::statutory()
        };
        let input = period.schedule_input(&reviews, &with_z1, None);
        assert_eq!(input.period_start, d("2022-12-16"));
        assert_eq!(
            input.reviews.len(),
            3,
            "the 2022 review is outside the period"
        );
        assert_eq!(
            input.placement_moves,
            vec![d("2023-02-01"), d("2023-05-01")]
        );
        assert_eq!(
            input.unregistered_spans,
            vec![(d("2023-02-01"), Some(d("2023-05-01")))]
        );

        let calendar = WorkingDayCalendar::england_and_wales();
        let statutory = schedule(&input, &SchedulePolicy::statutory(), &calendar).unwrap();
        assert_eq!(statutory.reviews[0].due, Some(d("2023-01-18")));
        let policy = SchedulePolicy {
            unregistered_monthly: Some(UnregisteredRule { interval_months: 1 }),
            ..with_z1
        };
        let local = schedule(&input, &policy, &calendar).unwrap();
        // In the unregistered placement from 1 Feb: review 2 (20 Feb) is due a
        // month after review 1 (10 Jan) or after moving in, whichever is later.
        assert!(local.reviews[1].due.unwrap() <= d("2023-03-01"));
        assert_eq!(local.reviews[1].statutory_due, Some(d("2023-04-10")));
    }

    #[test]
    fn a_review_on_the_day_care_ends_is_outside_the_period() {
        let eps = vec![ep(
            "2022-04-01",
            Some("2022-09-01"),
            "S",
            "V2",
            "U6",
            Some("E4A"),
        )];
        let period = &build_periods(&eps).unwrap()[0];
        assert!(period.holds_review_on(d("2022-04-01")));
        assert!(period.holds_review_on(d("2022-08-31")));
        assert!(!period.holds_review_on(d("2022-09-01")));
    }
}
