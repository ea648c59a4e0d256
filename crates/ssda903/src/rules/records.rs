//! Checks across records: how episodes chain into periods of care, reviews
//! outside care, participation codes against age, missing periods that
//! overlap, UASC status after 18. (Row-level checks run while reading.)

use foldhash::{HashMap, HashMapExt, HashSet};

use chrono::NaiveDate;
use footprint_domain::codes::{ParticipationCode, ReasonNewEpisode};
use footprint_domain::dates::{age_on, format_uk};
use footprint_domain::model::{ChildId, Episode};
use footprint_domain::periods::{ChainProblem, ChainProblemKind, PeriodOfCare, assemble_periods};

use crate::problem::{Problem, Severity, SourceRef};
use crate::ret::Return903;
use crate::tables::Table;

fn at(
    source: &SourceRef,
    column: &str,
    value: Option<String>,
    rule: Option<&str>,
    severity: Severity,
    message: String,
) -> Problem {
    Problem::at(
        source,
        Some(column),
        value.as_deref(),
        rule,
        severity,
        message,
    )
}

/// DfE rules 440 and 441 for one review: a participation code against the
/// child's age on the review date. Returns the rule and what is wrong (no
/// child identifier), or `None` when the code fits. The import's checks
/// ([`validate`]) and the web form that records a review both call it.
pub fn review_code_problem(
    code: ParticipationCode,
    date_of_birth: NaiveDate,
    review_date: NaiveDate,
) -> Option<(&'static str, String)> {
    let age = age_on(date_of_birth, review_date);
    let date = format_uk(review_date);
    if code.is_under_four() && age >= 4 {
        Some((
            "440",
            format!(
                "REVIEW_CODE is PN0 (child under 4) but the child was {age} on the review date {date}"
            ),
        ))
    } else if !code.is_under_four() && age < 4 {
        Some((
            "441",
            format!(
                "REVIEW_CODE is {code} but the child was under 4 on the review date {date}: children under 4 are coded PN0"
            ),
        ))
    } else {
        None
    }
}

/// Runs the cross-record checks on a return already read. (Row-level checks
/// run while reading; [`crate::read_paths`] runs both.)
pub fn validate(ret: &Return903) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dob: HashMap<&ChildId, NaiveDate> = ret
        .children
        .iter()
        .map(|c| (&c.record.id, c.record.date_of_birth))
        .collect();

    // Episodes, child by child: the episodes' places in the return, sorted
    // by child (in file order for each child), one list for all children.
    let mut episodes: Vec<usize> = (0..ret.episodes.len()).collect();
    episodes.sort_by_key(|&i| &ret.episodes[i].record.child);
    let by_child =
        || episodes.chunk_by(|&a, &b| ret.episodes[a].record.child == ret.episodes[b].record.child);
    // The reviews the same way, checked child by child against the child's
    // periods of care as they are made (rather than keeping every child's
    // periods until the reviews are checked: they were the largest thing a
    // 10,000-child validation held after the records).
    let mut reviews: Vec<usize> = (0..ret.reviews.len()).collect();
    reviews.sort_by_key(|&i| &ret.reviews[i].record.child);
    let reviews_of = |child: &ChildId| {
        let from = reviews.partition_point(|&i| ret.reviews[i].record.child < *child);
        let to = reviews.partition_point(|&i| ret.reviews[i].record.child <= *child);
        &reviews[from..to]
    };

    // 399 applies to a child every one of whose episodes is a short break
    // (V3/V4): all the episodes read, not only those the periods were built
    // from (an overlapping episode left out of the periods still counts).
    let short_breaks_only: HashSet<&ChildId> = by_child()
        .filter(|idx| idx.iter().all(|&i| ret.episodes[i].record.is_short_break()))
        .map(|idx| &ret.episodes[idx[0]].record.child)
        .collect();
    let episodes_given = ret.tables.contains(&Table::Episodes);
    // Each review's problems, by its place among the reviews (reported in
    // the reviews' order after the Header's).
    let mut review_problems: Vec<(usize, Problem)> = Vec::new();
    let mut check_reviews = |idx: &[usize], child_periods: &[PeriodOfCare]| {
        for &i in idx {
            for p in review_checks(
                ret,
                i,
                child_periods,
                episodes_given,
                &short_breaks_only,
                &dob,
            ) {
                review_problems.push((i, p));
            }
        }
    };

    for idx in by_child() {
        let child = &ret.episodes[idx[0]].record.child;
        // The chain and the periods turn on dates and codes only: the
        // episodes are copied without their postcodes and URN.
        let eps: Vec<Episode> = idx
            .iter()
            .map(|&i| {
                let e = &ret.episodes[i].record;
                Episode {
                    home_postcode: None,
                    placement_postcode: None,
                    urn: None,
                    child: e.child.clone(),
                    ..*e
                }
            })
            .collect();
        // The order assemble_periods numbers the episodes in (a stable sort).
        let mut order: Vec<usize> = (0..eps.len()).collect();
        order.sort_by_key(|&k| (eps[k].start, eps[k].end.is_none(), eps[k].end));
        let assembly = assemble_periods(&eps);
        for p in &assembly.problems {
            let Some(&local) = order.get(p.episode) else {
                continue;
            };
            let located = &ret.episodes[idx[local]];
            if let Some(problem) = chain_problem(p, &located.source, p.episode == 0, ret) {
                problems.push(problem);
            }
        }
        // 302: the first episode starts before the child was born.
        if let (Some(d), Some(first)) = (dob.get(child), order.first()) {
            let e = &ret.episodes[idx[*first]];
            if e.record.start < *d {
                problems.push(at(
                    &e.source,
                    "DECOM",
                    Some(format_uk(e.record.start)),
                    Some("302"),
                    Severity::Warning,
                    format!(
                        "child {child}: the first episode starts ({}) before the child's date of birth",
                        format_uk(e.record.start)
                    ),
                ));
            }
        }
        check_reviews(reviews_of(child), &assembly.periods);
    }
    // The reviews of children without episodes: in no period of care.
    for idx in reviews.chunk_by(|&a, &b| ret.reviews[a].record.child == ret.reviews[b].record.child)
    {
        let child = &ret.reviews[idx[0]].record.child;
        let has_episodes = episodes
            .binary_search_by(|&i| ret.episodes[i].record.child.cmp(child))
            .is_ok();
        if !has_episodes {
            check_reviews(idx, &[]);
        }
    }

    // Header: 399, MOTHER filled in for a short-breaks-only child.
    for c in &ret.children {
        let child = &c.record;
        if let Some(mother) = child.mother
            && short_breaks_only.contains(&child.id)
        {
            let value = if mother { "1" } else { "0" };
            problems.push(at(
                &c.source,
                "MOTHER",
                Some(value.to_owned()),
                Some("399"),
                Severity::Warning,
                format!(
                    "child {}: MOTHER is filled in ({value}) for a child whose episodes are all short breaks (V3/V4); MOTHER is left blank for such children",
                    child.id
                ),
            ));
        }
    }

    // Reviews: 399, outside any period of care, 440/441, in the reviews'
    // order.
    review_problems.sort_by_key(|(i, _)| *i);
    problems.extend(review_problems.into_iter().map(|(_, p)| p));

    // Missing: 574 overlapping periods.
    let mut missing: HashMap<&ChildId, Vec<usize>> = HashMap::new();
    for (i, m) in ret.missing.iter().enumerate() {
        missing.entry(&m.record.child).or_default().push(i);
    }
    let mut keys: Vec<&ChildId> = missing.keys().copied().collect();
    keys.sort();
    for child in keys {
        let mut idx = missing[child].clone();
        idx.sort_by_key(|&i| (ret.missing[i].record.start, ret.missing[i].record.end));
        for pair in idx.windows(2) {
            let (prev, next) = (&ret.missing[pair[0]], &ret.missing[pair[1]]);
            let overlaps = match prev.record.end {
                None => true,
                Some(end) => next.record.start < end,
            };
            if overlaps {
                let prev_end = prev.record.end.map_or("is still open".to_owned(), |e| {
                    format!("ends {}", format_uk(e))
                });
                problems.push(at(
                    &next.source,
                    "MIS_START",
                    Some(format_uk(next.record.start)),
                    Some("574"),
                    Severity::Warning,
                    format!(
                        "child {child}: the missing period starting {} overlaps the one starting {} (line {}), which {prev_end}",
                        format_uk(next.record.start),
                        format_uk(prev.record.start),
                        prev.source.line
                    ),
                ));
            }
        }
    }

    // UASC: 304, status ceased after the 18th birthday.
    for u in &ret.uasc {
        let (Some(ceased), Some(d)) = (u.record.ceased, dob.get(&u.record.child)) else {
            continue;
        };
        let day_before = ceased.pred_opt().unwrap_or(ceased);
        if age_on(*d, day_before) >= 18 {
            problems.push(at(
                &u.source,
                "DUC",
                Some(format_uk(ceased)),
                Some("304"),
                Severity::Warning,
                format!(
                    "child {}: UASC status ceased (DUC {}) after the child's 18th birthday; it must be on or before it",
                    u.record.child,
                    format_uk(ceased)
                ),
            ));
        }
    }
    problems
}

/// A review's problems (399, outside any period of care, 440/441), against
/// its child's periods of care.
fn review_checks(
    ret: &Return903,
    i: usize,
    child_periods: &[PeriodOfCare],
    episodes_given: bool,
    short_breaks_only: &HashSet<&ChildId>,
    dob: &HashMap<&ChildId, NaiveDate>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let r = &ret.reviews[i];
    let rev = &r.record;
    let date = format_uk(rev.date);
    if episodes_given {
        if short_breaks_only.contains(&rev.child) {
            problems.push(at(
                &r.source,
                "REVIEW",
                Some(date.clone()),
                Some("399"),
                Severity::Warning,
                format!(
                    "child {}: review on {date} for a child whose episodes are all short breaks (V3/V4): such children have no reviews in the return, and the measures exclude it",
                    rev.child
                ),
            ));
        } else if !child_periods.iter().any(|p| p.is_looked_after_on(rev.date)) {
            problems.push(at(
                &r.source,
                "REVIEW",
                Some(date.clone()),
                None,
                Severity::Warning,
                format!(
                    "child {}: review on {date} falls in no period of care in which the child was looked after; it is listed as unmatched and excluded from the measures",
                    rev.child
                ),
            ));
        }
    }
    if let (Some(code), Some(d)) = (rev.participation, dob.get(&rev.child))
        && let Some((rule, message)) = review_code_problem(code, *d, rev.date)
    {
        problems.push(at(
            &r.source,
            "REVIEW_CODE",
            Some(code.code().to_owned()),
            Some(rule),
            Severity::Warning,
            format!("child {}: {message}", rev.child),
        ));
    }
    problems
}

/// The problem to report for a chain problem, or `None` when it is not one:
/// a child's first episode in the return may continue a period of care that
/// began before the collection year (its earlier episodes are in earlier
/// returns).
fn chain_problem(
    p: &ChainProblem,
    source: &SourceRef,
    first_of_child: bool,
    ret: &Return903,
) -> Option<Problem> {
    let child = &p.child;
    let start = format_uk(p.episode_start);
    let (column, rule, severity, message) = match &p.kind {
        ChainProblemKind::EndsBeforeItStarts { .. } => {
            ("DEC", Some("356"), Severity::Fatal, p.message())
        }
        ChainProblemKind::Overlaps { .. } => ("DECOM", Some("501"), Severity::Fatal, p.message()),
        // Reported on the episode with no DEC, the one at fault.
        ChainProblemKind::OpenButNotLast => ("DEC", Some("142"), Severity::Fatal, p.message()),
        ChainProblemKind::ClosedWithoutReason | ChainProblemKind::OpenWithReason { .. } => {
            ("REC", Some("148"), Severity::Warning, p.message())
        }
        ChainProblemKind::ContinuesNothing { reason_new } if first_of_child => {
            if ret.year.is_some_and(|y| p.episode_start < y.start()) {
                return None;
            }
            (
                "RNE",
                Some("357"),
                Severity::Warning,
                format!(
                    "the child's first episode (starting {start}) has RNE {reason_new}; a child's first episode must start a period of care, RNE {}",
                    ReasonNewEpisode::S
                ),
            )
        }
        ChainProblemKind::ContinuesNothing { .. } => {
            ("RNE", Some("433"), Severity::Warning, p.message())
        }
        ChainProblemKind::NewPeriodAfterX1 | ChainProblemKind::NewPeriodSameDay { .. } => {
            ("RNE", Some("431"), Severity::Warning, p.message())
        }
        ChainProblemKind::X1WithoutNextEpisode { .. } => {
            ("REC", Some("388"), Severity::Warning, p.message())
        }
    };
    Some(Problem::at(
        source,
        Some(column),
        None,
        rule,
        severity,
        format!("child {child}: {message}"),
    ))
}
