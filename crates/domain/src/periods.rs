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

use crate::codes::{LegalStatus, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode};
use crate::model::{ChildId, Episode};
use crate::schedule::{PeriodKind, ScheduleInput};

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

    /// The input to [`crate::schedule::schedule`] for this period: `reviews`
    /// are the child's review dates (those outside the period are left out);
    /// `unregistered` are the placement types the council treats as
    /// unregistered settings (a setting, for the monthly-review policy);
    /// `reviews_known_from` is the date the council's review data begins.
    pub fn schedule_input(
        &self,
        reviews: &[NaiveDate],
        unregistered: &[PlacementType],
        reviews_known_from: Option<NaiveDate>,
    ) -> ScheduleInput {
        let short_breaks = self.is_short_breaks();
        let period_start = self.looked_after_from().unwrap_or_else(|| self.start());
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
        ScheduleInput {
            kind: if short_breaks {
                PeriodKind::ShortBreaks
            } else {
                PeriodKind::LookedAfter
            },
            period_start,
            period_end: self.end(),
            reviews: reviews
                .iter()
                .copied()
                .filter(|&r| self.holds_review_on(r))
                .collect(),
            placement_moves: self
                .placement_moves()
                .into_iter()
                .filter(|&m| m > period_start)
                .collect(),
            unregistered_spans,
            adoption_authority: self
                .episodes
                .iter()
                .find(|e| e.legal_status == LegalStatus::E1)
                .map(|e| e.start.max(period_start)),
            placed_for_adoption: self
                .episodes
                .iter()
                .find(|e| e.placement.is_placed_for_adoption())
                .map(|e| e.start.max(period_start)),
            reviews_known_from,
        }
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
/// Leniency, so that imperfect data can still be reported on:
/// an episode that overlaps the one before it, or ends before it starts, is
/// left out; an episode with RNE other than `S` that continues nothing starts a
/// period anyway; an episode ending `X1` with no successor ends its period;
/// an episode with RNE `S` after an `X1` starts a new period.
pub fn assemble_periods(episodes: &[Episode]) -> PeriodAssembly {
    let mut sorted: Vec<&Episode> = episodes.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end.is_none(), e.end));
    let mut out = PeriodAssembly::default();
    let mut current: Vec<Episode> = Vec::new();
    let mut previous: Option<&Episode> = None;
    let mut last_index = 0;

    for (i, ep) in sorted.iter().copied().enumerate() {
        let problem = |kind| ChainProblem {
            child: ep.child.clone(),
            episode: i,
            episode_start: ep.start,
            kind,
        };
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
        if let Some(prev) = previous {
            match prev.end {
                None => {
                    // The earlier episode is the one at fault: it has no DEC.
                    out.problems.push(ChainProblem {
                        child: prev.child.clone(),
                        episode: last_index,
                        episode_start: prev.start,
                        kind: ChainProblemKind::OpenButNotLast,
                    });
                    continue;
                }
                Some(prev_end) if prev_end > ep.start => {
                    out.problems.push(problem(ChainProblemKind::Overlaps {
                        previous_start: prev.start,
                    }));
                    continue;
                }
                Some(_) => {}
            }
        }
        let continues = previous.is_some_and(|p| {
            p.end == Some(ep.start)
                && p.reason_ceased == Some(ReasonEpisodeCeased::X1)
                && !current.is_empty()
        });
        if ep.reason_new == ReasonNewEpisode::S {
            if continues {
                out.problems
                    .push(problem(ChainProblemKind::NewPeriodAfterX1));
            }
            close_period(&mut out, &mut current, last_index, continues);
            current.push(ep.clone());
        } else if continues {
            current.push(ep.clone());
        } else {
            out.problems
                .push(problem(ChainProblemKind::ContinuesNothing {
                    reason_new: ep.reason_new,
                }));
            close_period(&mut out, &mut current, last_index, false);
            current.push(ep.clone());
        }
        previous = Some(ep);
        last_index = i;
    }
    close_period(&mut out, &mut current, last_index, false);
    out
}

/// Ends the period being built. If its last episode (at `last_index`) ended
/// with X1 and nothing continued it, that is a broken chain, unless the next
/// episode was already reported as a new period straight after an X1.
fn close_period(
    out: &mut PeriodAssembly,
    current: &mut Vec<Episode>,
    last_index: usize,
    next_is_s_after_x1: bool,
) {
    let Some(last) = current.last() else {
        return;
    };
    if let (Some(end), Some(ReasonEpisodeCeased::X1)) = (last.end, last.reason_ceased)
        && !next_is_s_after_x1
    {
        out.problems.push(ChainProblem {
            child: last.child.clone(),
            episode: last_index,
            episode_start: last.start,
            kind: ChainProblemKind::X1WithoutNextEpisode { end },
        });
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

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ep(
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
    fn no_episodes_no_periods() {
        assert_eq!(build_periods(&[]).unwrap(), vec![]);
    }
}

#[cfg(test)]
mod schedule_input_tests {
    use super::*;
    use crate::calendar::WorkingDayCalendar;
    use crate::schedule::{SchedulePolicy, UnregisteredRule, schedule};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ep(
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
        let input = period.schedule_input(&reviews, &[PlacementType::Z1], None);
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
            ..SchedulePolicy::statutory()
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
