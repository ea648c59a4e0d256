//! Children in care, starts, ceased, profile, stability, adoption, missing
//! and short breaks: the measures that need only periods of care.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use super::{
    AGE_BANDS, Breakdown, Count, DataProblem, Grid, Measure, MeasureSettings, Measures, Percent,
    Period, Rate, age_band,
};
use crate::codes::{
    Ethnicity, LegalStatus, MissingKind, PlacementType, ReasonEpisodeCeased, ReasonNewEpisode,
    ReasonPlaceChange, Sex,
};
use crate::dates::{CollectionYear, Quarter, age_on, days_in_month};
use crate::model::{Child, ChildId, Dataset, Episode};
use crate::periods::{PeriodOfCare, assemble_periods};

/// One child's periods, split into looked-after periods and short breaks.
pub(super) struct ChildCare<'a> {
    pub id: ChildId,
    pub child: Option<&'a Child>,
    /// Periods that are not wholly short breaks, in date order.
    pub periods: Vec<PeriodOfCare>,
    /// Periods made only of V3/V4 episodes.
    pub short_breaks: Vec<PeriodOfCare>,
    /// From the first day of the child's first period (short breaks
    /// included) to the last day of the last (`NaiveDate::MAX` while one is
    /// open): no episode of the child is open outside it, so a day outside
    /// it is answered without looking at the periods.
    span: (NaiveDate, NaiveDate),
}

impl ChildCare<'_> {
    pub fn looked_after_on(&self, d: NaiveDate) -> bool {
        self.span.0 <= d && d <= self.span.1 && self.periods.iter().any(|p| p.is_looked_after_on(d))
    }

    /// The non-short-break episode open on `d`, and its period.
    pub fn episode_on(&self, d: NaiveDate) -> Option<(&PeriodOfCare, &Episode)> {
        self.periods.iter().find_map(|p| {
            p.episode_on(d)
                .filter(|e| !e.is_short_break())
                .map(|e| (p, e))
        })
    }

    /// Whether any of the child's episodes (short breaks included) is open
    /// on a day of `from..=to`.
    pub fn touches(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.span.0 <= to
            && from <= self.span.1
            && self
                .periods
                .iter()
                .chain(&self.short_breaks)
                .flat_map(|p| &p.episodes)
                .any(|e| e.overlaps(from, to))
    }

    pub fn age_on(&self, d: NaiveDate) -> Option<u32> {
        self.child.map(|c| age_on(c.date_of_birth, d))
    }
}

/// Every child with episodes, by identifier.
pub(super) struct CareIndex<'a> {
    pub children: BTreeMap<ChildId, ChildCare<'a>>,
}

impl<'a> CareIndex<'a> {
    pub fn build(data: &'a Dataset, problems: &mut Vec<DataProblem>) -> Self {
        let headers: BTreeMap<&ChildId, &Child> =
            data.children.iter().map(|c| (&c.id, c)).collect();
        // Each child's episodes, in the order the dataset holds them: a run
        // of the list itself when it is in child order (as the store gives
        // it), else of a copy put in child order (a stable sort).
        let regrouped: Vec<Episode>;
        let episodes: &[Episode] = if data.episodes.is_sorted_by(|a, b| a.child <= b.child) {
            &data.episodes
        } else {
            let mut copy = data.episodes.clone();
            copy.sort_by(|a, b| a.child.cmp(&b.child));
            regrouped = copy;
            &regrouped
        };
        let runs: Vec<&[Episode]> = episodes.chunk_by(|a, b| a.child == b.child).collect();
        // The periods assembled on the machine's cores, a slice of children
        // each; the results (and the problems found) in child order.
        let size = runs.len().div_ceil(64).max(1);
        let slices: Vec<&[&[Episode]]> = runs.chunks(size).collect();
        let built = crate::parallel::on_cores(&slices, |slice| {
            slice
                .iter()
                .map(|eps| {
                    let id = eps[0].child.clone();
                    let assembly = assemble_periods(eps);
                    let found: Vec<DataProblem> = assembly
                        .problems
                        .iter()
                        .map(|p| DataProblem {
                            child: id.clone(),
                            message: p.message(),
                        })
                        .collect();
                    let (short_breaks, periods): (Vec<PeriodOfCare>, Vec<PeriodOfCare>) = assembly
                        .periods
                        .into_iter()
                        .partition(PeriodOfCare::is_short_breaks);
                    let span = span_of(periods.iter().chain(&short_breaks));
                    let care = ChildCare {
                        child: headers.get(&id).copied(),
                        id,
                        periods,
                        short_breaks,
                        span,
                    };
                    (care, found)
                })
                .collect::<Vec<_>>()
        });
        let mut children = BTreeMap::new();
        for (care, found) in built.into_iter().flatten() {
            problems.extend(found);
            children.insert(care.id.clone(), care);
        }
        CareIndex { children }
    }

    pub fn looked_after_on(&self, d: NaiveDate) -> impl Iterator<Item = &ChildCare<'a>> {
        self.children.values().filter(move |c| c.looked_after_on(d))
    }

    pub fn get(&self, id: &ChildId) -> Option<&ChildCare<'a>> {
        self.children.get(id)
    }
}

/// The days from the first of `periods`' episodes to the last
/// (`NaiveDate::MAX` for one still open); an empty span (MAX, MIN) when
/// there is none.
fn span_of<'p>(periods: impl Iterator<Item = &'p PeriodOfCare>) -> (NaiveDate, NaiveDate) {
    periods
        .flat_map(|p| &p.episodes)
        .fold((NaiveDate::MAX, NaiveDate::MIN), |(first, last), e| {
            (
                first.min(e.start),
                last.max(e.end.unwrap_or(NaiveDate::MAX)),
            )
        })
}

/// The last day of a calendar month.
pub(super) fn month_end(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, days_in_month(y, m)).unwrap_or(NaiveDate::MAX)
}

pub(super) fn looked_after_count(care: &CareIndex, d: NaiveDate) -> Count {
    looked_after_counts(care, &[d]).pop().unwrap_or_default()
}

/// [`looked_after_count`] on each of `days`, in one pass over the children
/// (a child whose episodes all lie outside the days is passed over at once).
pub(super) fn looked_after_counts(care: &CareIndex, days: &[NaiveDate]) -> Vec<Count> {
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return Vec::new();
    };
    let mut on: Vec<Vec<ChildId>> = vec![Vec::new(); days.len()];
    for c in care.children.values() {
        if c.span.1 < first || last < c.span.0 {
            continue;
        }
        for (children, d) in on.iter_mut().zip(days) {
            if c.looked_after_on(*d) {
                children.push(c.id.clone());
            }
        }
    }
    // In identifier order, so each set is built in one pass.
    on.into_iter().map(Count::of_children).collect()
}

/// The keys of `profile.end.bme`, in order ([`Ethnicity::bme`]); the
/// children whose ethnicity is not recorded are `profile.end.by_ethnic_group`'s
/// `not_known`.
pub const BME_KEYS: [&str; 2] = ["white_british", "bme"];

/// The first non-short-break episode of a period, and the day the child
/// became looked after in it.
fn first_looked_after(p: &PeriodOfCare) -> Option<&Episode> {
    p.episodes.iter().find(|e| !e.is_short_break())
}

fn placement_keys(year: Period) -> Vec<&'static str> {
    PlacementType::all()
        .iter()
        .filter(|p| p.valid_in_collection_year(year.start_year()))
        .map(|p| p.code())
        .collect()
}

fn looked_after_legal_statuses() -> Vec<&'static str> {
    LegalStatus::all()
        .iter()
        .filter(|l| !l.is_short_break())
        .map(|l| l.code())
        .collect()
}

pub(super) fn children_in_care(
    care: &CareIndex,
    year: Period,
    settings: &MeasureSettings,
    out: &mut Measures,
) {
    let start_snapshot = year.start().pred_opt().unwrap_or(year.start());
    let end = year.end();
    // The day before, the last day, and each month's last day (or the
    // report date in a month not yet over: a period "to date" ends inside
    // its last month), counted in one pass over the children.
    let month_days: Vec<((i32, u32), NaiveDate)> = year
        .months()
        .into_iter()
        .map(|(y, m)| ((y, m), month_end(y, m).min(end)))
        .collect();
    let mut days = vec![start_snapshot, end];
    days.extend(month_days.iter().map(|(_, d)| *d));
    let mut counts = looked_after_counts(care, &days).into_iter();
    let (Some(cla_start), Some(cla_end)) = (counts.next(), counts.next()) else {
        return;
    };
    // The start's rate uses the population of the day before the period
    // (for a reporting year, the year before's).
    let start_rate = Rate::of(&cla_start, CollectionYear::of(start_snapshot), settings);
    out.push("cla.start", Measure::Count(cla_start));
    out.push("cla.end", Measure::Count(cla_end.clone()));
    let mut months = Grid::default();
    // Each month's rate uses the population of its own last day's
    // collection year; the series is there only when every month has one.
    let mut month_rates = Some(Vec::new());
    for (((y, m), day), count) in month_days.iter().zip(counts) {
        let key = format!("{y}-{m:02}");
        month_rates = month_rates.and_then(|mut v: Vec<(String, Rate)>| {
            v.push((
                key.clone(),
                Rate::of(&count, CollectionYear::of(*day), settings)?,
            ));
            Some(v)
        });
        let mut b = Breakdown::default();
        *b.entry("looked_after") = count;
        months.rows.push((key, b));
    }
    out.push("cla.by_month", Measure::Months(months));
    // Each rate uses the population of its own day's collection year.
    if let Some(r) = Rate::of(&cla_end, year.collection_year(), settings) {
        out.push("cla.rate_per_10k.end", Measure::Rate(r));
    }
    if let Some(r) = start_rate {
        out.push("cla.rate_per_10k.start", Measure::Rate(r));
    }
    if let Some(v) = month_rates.filter(|v| !v.is_empty()) {
        out.push("cla.rate_per_10k.by_month", Measure::MonthRates(v));
    }

    // Starts.
    let mut periods = Count::default();
    let mut children = Count::default();
    let mut by_ls = Breakdown::with_keys(looked_after_legal_statuses());
    let mut by_place = Breakdown::with_keys(placement_keys(year));
    let mut children_by_place = Breakdown::with_keys(placement_keys(year));
    let mut by_age = Breakdown::with_keys(AGE_BANDS[..5].iter().copied());
    let mut by_month = Breakdown::with_keys(month_keys(year));
    let quarter_grid = |keys: &[&str]| Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(keys.iter().copied())))
            .collect(),
    };
    let ls_keys = looked_after_legal_statuses();
    let mut by_quarter_age = quarter_grid(&AGE_BANDS[..5]);
    let mut by_quarter_ls = quarter_grid(&ls_keys);
    for child in care.children.values() {
        for p in &child.periods {
            let Some(first) = first_looked_after(p) else {
                continue;
            };
            if !year.contains(first.start) {
                continue;
            }
            periods.add(&child.id);
            children.add_child(&child.id);
            by_ls.entry(first.legal_status.code()).add(&child.id);
            by_place.entry(first.placement.code()).add(&child.id);
            children_by_place
                .entry(first.placement.code())
                .add_child(&child.id);
            let band = child.age_on(first.start).map_or("unknown", age_band);
            by_age.entry(band).add(&child.id);
            by_month
                .entry(&first.start.format("%Y-%m").to_string())
                .add(&child.id);
            let q = year.quarter_of(first.start).key();
            if let Some(row) = by_quarter_age.row_mut(q) {
                row.entry(band).add(&child.id);
            }
            if let Some(row) = by_quarter_ls.row_mut(q) {
                row.entry(first.legal_status.code()).add(&child.id);
            }
        }
    }
    out.push("starts.periods", Measure::Count(periods));
    let starts_rate = Rate::of(&children, year.collection_year(), settings);
    out.push("starts.children", Measure::Count(children));
    if let Some(r) = starts_rate {
        out.push("starts.rate_per_10k", Measure::Rate(r));
    }
    out.push("starts.by_legal_status", Measure::Breakdown(by_ls));
    out.push("starts.by_placement", Measure::Breakdown(by_place));
    out.push(
        "starts.children_by_placement",
        Measure::Breakdown(children_by_place),
    );
    out.push("starts.by_age_band", Measure::Breakdown(by_age));
    out.push("starts.by_month", Measure::Breakdown(by_month));
    out.push("starts.by_quarter_age_band", Measure::Grid(by_quarter_age));
    out.push(
        "starts.by_quarter_legal_status",
        Measure::Grid(by_quarter_ls),
    );

    // Ceased.
    let mut ceased = Count::default();
    let mut by_reason = Breakdown::with_keys(
        ReasonEpisodeCeased::all()
            .iter()
            .filter(|r| r.ends_period_of_care())
            .map(|r| r.code()),
    );
    let mut ceased_by_month = Breakdown::with_keys(month_keys(year));
    let mut ceased_by_quarter = Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(CEASED_GROUPS)))
            .collect(),
    };
    for child in care.children.values() {
        for p in &child.periods {
            if let (Some(d), Some(rec)) = (p.end(), p.reason_ceased())
                && year.contains(d)
                && rec.ends_period_of_care()
            {
                ceased.add(&child.id);
                by_reason.entry(rec.code()).add(&child.id);
                ceased_by_month
                    .entry(&d.format("%Y-%m").to_string())
                    .add(&child.id);
                let group = ceased_group(rec.code(), child.age_on(d));
                if let Some(row) = ceased_by_quarter.row_mut(year.quarter_of(d).key()) {
                    row.entry(group).add(&child.id);
                }
            }
        }
    }
    out.push("ceased.total", Measure::Count(ceased));
    out.push("ceased.by_reason", Measure::Breakdown(by_reason));
    out.push("ceased.by_month", Measure::Breakdown(ceased_by_month));
    out.push("ceased.by_quarter_group", Measure::Grid(ceased_by_quarter));

    // Profile on 31 March.
    let sexes: Vec<&str> = Sex::all().iter().map(|s| s.code()).collect();
    let mut age_sex = Grid {
        rows: AGE_BANDS
            .iter()
            .map(|b| (b.to_string(), Breakdown::with_keys(sexes.iter().copied())))
            .collect(),
    };
    // The grid's row and column totals, as counts of their own.
    let mut by_band = Breakdown::with_keys(AGE_BANDS);
    let mut by_sex = Breakdown::with_keys(sexes.iter().copied());
    let mut ls = Breakdown::with_keys(looked_after_legal_statuses());
    let mut place = Breakdown::with_keys(placement_keys(year));
    let mut ethnic = Breakdown::with_keys(Ethnicity::all().iter().map(|e| e.code()));
    let mut ethnic_group = Breakdown::with_keys(crate::codes::EthnicGroup::ALL.map(|g| g.key()));
    let mut bme = Breakdown::with_keys(BME_KEYS);
    let mut uasc = Count::default();
    for child in care.children.values() {
        let Some((_, ep)) = child.episode_on(end) else {
            continue;
        };
        let band = child.age_on(end).map_or("unknown", age_band);
        let sex = child.child.map_or("U", |c| c.sex.code());
        if age_sex.get(band).is_none() {
            age_sex
                .rows
                .push((band.to_owned(), Breakdown::with_keys(sexes.iter().copied())));
        }
        if let Some(row) = age_sex.row_mut(band) {
            row.entry(sex).add(&child.id);
        }
        by_band.entry(band).add(&child.id);
        by_sex.entry(sex).add(&child.id);
        ls.entry(ep.legal_status.code()).add(&child.id);
        place.entry(ep.placement.code()).add(&child.id);
        ethnic
            .entry(child.child.map_or("unknown", |c| c.ethnicity.code()))
            .add(&child.id);
        ethnic_group
            .entry(
                child
                    .child
                    .map_or("not_known", |c| c.ethnicity.group().key()),
            )
            .add(&child.id);
        // Not recorded (REFU, NOBT, no child record) is
        // `profile.end.by_ethnic_group`'s `not_known`, kept apart.
        if let Some(b) = child.child.and_then(|c| c.ethnicity.bme()) {
            bme.entry(if b { "bme" } else { "white_british" })
                .add(&child.id);
        }
        if child.child.is_some_and(|c| c.is_uasc_on(end)) {
            uasc.add(&child.id);
        }
    }
    out.push("profile.end.by_age_band_sex", Measure::Grid(age_sex));
    out.push("profile.end.by_age_band", Measure::Breakdown(by_band));
    out.push("profile.end.by_sex", Measure::Breakdown(by_sex));
    out.push("profile.end.by_legal_status", Measure::Breakdown(ls));
    out.push("profile.end.by_placement", Measure::Breakdown(place));
    out.push("profile.end.by_ethnicity", Measure::Breakdown(ethnic));
    out.push(
        "profile.end.by_ethnic_group",
        Measure::Breakdown(ethnic_group),
    );
    out.push("profile.end.bme", Measure::Breakdown(bme));
    out.push("profile.end.uasc", Measure::Count(uasc));
}

/// A stay with the same carer (`measures.md`, Placement stability).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Placement {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Whether the placement's latest (non-temporary) episode is A3–A6.
    pub for_adoption: bool,
    /// Why the placement before it ended: the REASON_PLACE_CHANGE recorded
    /// on the episode this placement's first episode follows (or, after a
    /// temporary placement, on the last one before it). `None` for the
    /// period's first placement or where none was recorded.
    pub reason_for_move: Option<ReasonPlaceChange>,
}

/// The placements of one period of care. A placement starts with each
/// episode whose RNE is `S`, `P` or `B`; episodes with RNE `L`, `T` or `U`
/// continue it. Temporary placements (T0–T4) neither start nor end one, and
/// the episode after a temporary one continues the placement before it when
/// it has the same PLACE and placement postcode. Short-break episodes inside
/// a period are ignored the same way.
pub(super) fn placements(p: &PeriodOfCare) -> Vec<Placement> {
    let mut out: Vec<Placement> = Vec::new();
    // The last non-temporary episode, and whether temporary ones followed it.
    let mut last: Option<&Episode> = None;
    let mut after_temporary = false;
    let mut previous: Option<&Episode> = None;
    for e in &p.episodes {
        let before = previous.replace(e);
        if e.placement.is_temporary() || e.is_short_break() {
            after_temporary = last.is_some();
            if let Some(cur) = out.last_mut() {
                cur.end = e.end;
            }
            continue;
        }
        let continues_after_temporary = after_temporary
            && last.is_some_and(|l| {
                l.placement == e.placement && l.placement_postcode == e.placement_postcode
            });
        let starts = match last {
            None => true,
            Some(_) if continues_after_temporary => false,
            Some(_) if after_temporary => true,
            Some(_) => matches!(
                e.reason_new,
                ReasonNewEpisode::S | ReasonNewEpisode::P | ReasonNewEpisode::B
            ),
        };
        if starts {
            out.push(Placement {
                start: e.start,
                end: e.end,
                for_adoption: e.placement.is_placed_for_adoption(),
                reason_for_move: last.and_then(|l| {
                    before
                        .and_then(|b| b.reason_place_change)
                        .or(l.reason_place_change)
                }),
            });
        } else if let Some(cur) = out.last_mut() {
            cur.end = e.end;
            cur.for_adoption = e.placement.is_placed_for_adoption();
        }
        last = Some(e);
        after_temporary = false;
    }
    out
}

/// Placements that started in the period (`placements.new`: each period's
/// placements as [`placements`] finds them, short breaks excluded), those
/// that were moves from an earlier placement of the same period
/// (`placements.moves`), and the moves by the reason recorded for them
/// (`placements.moves_by_reason`, with "not recorded").
pub(super) fn placement_moves(care: &CareIndex, year: Period, out: &mut Measures) {
    let mut new = Count::default();
    let mut moves = Count::default();
    let mut by_reason = Breakdown::with_keys(
        ReasonPlaceChange::all()
            .iter()
            .map(|r| r.code())
            .chain([super::reviews::NOT_RECORDED]),
    );
    for child in care.children.values() {
        for p in &child.periods {
            for (i, pl) in placements(p).iter().enumerate() {
                if !year.contains(pl.start) {
                    continue;
                }
                new.add(&child.id);
                if i > 0 {
                    moves.add(&child.id);
                    by_reason
                        .entry(
                            pl.reason_for_move
                                .map_or(super::reviews::NOT_RECORDED, |r| r.code()),
                        )
                        .add(&child.id);
                }
            }
        }
    }
    out.push("placements.new", Measure::Count(new));
    out.push("placements.moves", Measure::Count(moves));
    out.push("placements.moves_by_reason", Measure::Breakdown(by_reason));
}

/// The groups of `ceased.by_quarter_group`, in the order a period is put
/// in the first that fits.
pub const CEASED_GROUPS: [&str; 8] = [
    "adopted",
    "special_guardianship",
    "child_arrangements_order",
    "returned_home_planned",
    "returned_home_unplanned",
    "custody",
    "reached_18",
    "other",
];

/// The group of a period of care that ended with REC `rec` when the child
/// was `age`.
fn ceased_group(rec: &str, age: Option<u32>) -> &'static str {
    match rec {
        "E11" | "E12" => CEASED_GROUPS[0],
        "E43" | "E44" | "E45" | "E46" | "E47" | "E48" => CEASED_GROUPS[1],
        "E41" => CEASED_GROUPS[2],
        "E4A" => CEASED_GROUPS[3],
        "E4B" => CEASED_GROUPS[4],
        "E9" => CEASED_GROUPS[5],
        _ if age.is_some_and(|a| a >= 18) => CEASED_GROUPS[6],
        _ => CEASED_GROUPS[7],
    }
}

/// `YYYY-MM` of each month the period touches, in order.
pub(super) fn month_keys(period: Period) -> Vec<String> {
    let mut keys = Vec::new();
    let mut d = period.first;
    while d <= period.last {
        keys.push(d.format("%Y-%m").to_string());
        match d.checked_add_months(Months::new(1)) {
            Some(next) => d = next.with_day(1).unwrap_or(next),
            None => break,
        }
    }
    keys
}

pub(super) fn stability(care: &CareIndex, year: Period, out: &mut Measures) {
    let (start, end) = (year.start(), year.end());
    let mut cla_end = Count::default();
    let mut three_plus = Count::default();
    let mut cohort = Count::default();
    let mut stable = Count::default();
    let two_years = end.checked_sub_months(Months::new(24)).unwrap_or(end);
    let cohort_cutoff = end.checked_sub_months(Months::new(30)).unwrap_or(end);
    for child in care.children.values() {
        let Some((period, _)) = child.episode_on(end) else {
            continue;
        };
        cla_end.add_child(&child.id);
        let in_year = child
            .periods
            .iter()
            .flat_map(placements)
            .filter(|pl| pl.start <= end && (pl.start >= start || pl.end.is_none_or(|e| e > start)))
            .count();
        if in_year >= 3 {
            three_plus.add_child(&child.id);
        }
        let young = child.age_on(end).is_some_and(|a| a < 16);
        if young && period.start() <= cohort_cutoff {
            cohort.add_child(&child.id);
            let pls = placements(period);
            let current = pls
                .iter()
                .rposition(|pl| pl.start <= end && pl.end.is_none_or(|e| e > end));
            if let Some(i) = current {
                let cur = &pls[i];
                let ok = cur.start <= two_years
                    || (cur.for_adoption && i > 0 && pls[i - 1].start <= two_years);
                if ok {
                    stable.add_child(&child.id);
                }
            }
        }
    }
    out.push("stability.three_plus", Measure::Count(three_plus.clone()));
    out.push(
        "stability.three_plus_pct",
        Measure::Percent(Percent {
            numerator: three_plus,
            denominator: cla_end,
        }),
    );
    out.push("stability.long_term", Measure::Count(stable.clone()));
    out.push("stability.long_term_cohort", Measure::Count(cohort.clone()));
    out.push(
        "stability.long_term_pct",
        Measure::Percent(Percent {
            numerator: stable,
            denominator: cohort,
        }),
    );
}

pub(super) fn adoption_missing_short_breaks(
    data: &Dataset,
    care: &CareIndex,
    year: Period,
    out: &mut Measures,
) {
    let end = year.end();
    // Adoption: periods ending E11/E12 in the year; days from becoming looked
    // after to the first A3–A6 placement of that period (A1, unadjusted).
    let mut adopted = Count::default();
    let mut days = super::Average::default();
    let mut placed_end = Count::default();
    for child in care.children.values() {
        for p in &child.periods {
            if let (Some(d), Some(rec)) = (p.end(), p.reason_ceased())
                && year.contains(d)
                && rec.is_adoption()
            {
                adopted.add(&child.id);
                if let Some(placed) = p
                    .episodes
                    .iter()
                    .find(|e| e.placement.is_placed_for_adoption())
                {
                    let from = p.looked_after_from().unwrap_or(p.start());
                    let n = (placed.start - from).num_days().max(0) as u64;
                    days.count.add(&child.id);
                    days.total_days += n;
                }
            }
        }
        if child
            .episode_on(end)
            .is_some_and(|(_, e)| e.placement.is_placed_for_adoption())
        {
            placed_end.add_child(&child.id);
        }
    }
    out.push("adoption.adopted", Measure::Count(adopted));
    out.push("adoption.placed.end", Measure::Count(placed_end));
    out.push("adoption.days_to_placement", Measure::Average(days));

    // Missing and away: episodes that began in the year.
    let mut missing = Count::default();
    let mut missing_children = Count::default();
    let mut away = Count::default();
    let mut away_children = Count::default();
    let mut per_child: BTreeMap<&ChildId, u32> = BTreeMap::new();
    for m in &data.missing {
        if !year.contains(m.start) {
            continue;
        }
        match m.kind {
            MissingKind::Missing => {
                missing.add(&m.child);
                missing_children.add_child(&m.child);
                *per_child.entry(&m.child).or_default() += 1;
            }
            MissingKind::Away => {
                away.add(&m.child);
                away_children.add_child(&m.child);
            }
        }
    }
    let mut three_plus = Count::default();
    for (child, n) in per_child {
        if n >= 3 {
            three_plus.add_child(child);
        }
    }
    out.push("missing.episodes", Measure::Count(missing));
    out.push("missing.children", Measure::Count(missing_children));
    out.push("missing.children_three_plus", Measure::Count(three_plus));
    out.push("away.episodes", Measure::Count(away));
    out.push("away.children", Measure::Count(away_children));

    // Short breaks: children whose only care in the year was short breaks.
    let mut sb = Count::default();
    for child in care.children.values() {
        let had_breaks = child
            .short_breaks
            .iter()
            .flat_map(|p| &p.episodes)
            .any(|e| e.overlaps(year.start(), end));
        let looked_after = child
            .periods
            .iter()
            .flat_map(|p| &p.episodes)
            .any(|e| !e.is_short_break() && e.overlaps(year.start(), end));
        if had_breaks && !looked_after {
            sb.add_child(&child.id);
        }
    }
    out.push("short_breaks.children", Measure::Count(sb));
}

/// `placements.end.by_provider`: children looked after on the period's last
/// day by the PLACE_PROVIDER of their open episode (every code, then
/// `not_recorded`); and `projection.turning_18`: of them, those who turn 18
/// in each of the next three years to 31 March (keyed by that year,
/// `YYYY-YY`), a child with no date of birth held in none.
pub(super) fn provider_and_projection(care: &CareIndex, period: Period, out: &mut Measures) {
    use crate::codes::{NationalCode, PlacementProvider};
    let end = period.end();
    let mut by_provider = Breakdown::with_keys(
        PlacementProvider::ALL
            .iter()
            .map(|p| p.code())
            .chain(["not_recorded"]),
    );
    // The three years to 31 March after the period's last day.
    let first = crate::dates::CollectionYear::of(end).next();
    let years = [first, first.next(), first.next().next()];
    let mut turning = Breakdown::with_keys(years.iter().map(|y| y.to_string()));
    for c in care.children.values() {
        let Some((_, e)) = c.episode_on(end) else {
            continue;
        };
        by_provider
            .entry(e.provider.map_or("not_recorded", |p| p.code()))
            .add(&c.id);
        if let Some(child) = c.child
            && let Some(eighteen) = child.date_of_birth.checked_add_months(Months::new(18 * 12))
            && let Some(y) = years
                .iter()
                .find(|y| y.start() <= eighteen && eighteen <= y.end())
        {
            turning.entry(&y.to_string()).add(&c.id);
        }
    }
    out.push(
        "placements.end.by_provider",
        Measure::Breakdown(by_provider),
    );
    out.push("projection.turning_18", Measure::Breakdown(turning));
}

/// The reporting-year quarters whose days meet the period, each cut to the
/// period: (key, first day, last day), keyed `Q1`…`Q4` (`2024-25 Q1`… when
/// the period spans years, as `dual_plans.quarter_end`).
fn quarter_spans(period: Period) -> Vec<(String, NaiveDate, NaiveDate)> {
    use crate::dates::CollectionYear;
    let (first, last) = (
        CollectionYear::of(period.first),
        CollectionYear::of(period.last),
    );
    let mut out = Vec::new();
    let mut y = first;
    loop {
        for q in Quarter::ALL {
            let months = q.months(y);
            let (fy, fm) = months[0];
            let (ly, lm) = months[2];
            let from = NaiveDate::from_ymd_opt(fy, fm, 1)
                .unwrap_or(period.first)
                .max(period.first);
            let to = month_end(ly, lm).min(period.last);
            if from <= to {
                let key = if first == last {
                    q.to_string()
                } else {
                    format!("{y} {q}")
                };
                out.push((key, from, to));
            }
        }
        if y >= last {
            break;
        }
        y = y.next();
    }
    out
}

/// Children in care through the period, beyond the snapshot on its last
/// day: `profile.section20.by_month` and `profile.uasc.by_month` (children
/// looked after on each month's last day, or the report date in a month not
/// yet over, whose open episode has LS V2; who are UASC that day),
/// `profile.by_quarter.sex` (children looked after on the last day of each
/// quarter ending in the period, by sex, with `all`), and
/// `profile.short_breaks.by_quarter` (distinct children with a short-break
/// episode, V3 or V4, open on a day of each quarter the period meets).
pub(super) fn profile_through_the_year(care: &CareIndex, period: Period, out: &mut Measures) {
    let end = period.end();
    let months: Vec<(String, NaiveDate)> = period
        .months()
        .into_iter()
        .map(|(y, m)| (format!("{y}-{m:02}"), month_end(y, m).min(end)))
        .collect();
    let quarter_ends = super::case_records::quarter_ends(period);
    let spans = quarter_spans(period);
    let sexes: Vec<&str> = Sex::all().iter().map(|s| s.code()).collect();
    let mut section20 = vec![Count::default(); months.len()];
    let mut uasc = vec![Count::default(); months.len()];
    let mut by_sex: Vec<Breakdown> = quarter_ends
        .iter()
        .map(|_| Breakdown::with_keys(sexes.iter().copied().chain(["all"])))
        .collect();
    let mut short_breaks = vec![Count::default(); spans.len()];
    // One pass over the children (in identifier order, so each count
    // grows at its end), each looked at only on the days its own episodes
    // reach: sixteen passes over the whole council, one per month and
    // quarter end, were a twentieth of an England-sized report's time.
    let days = months.iter().chain(&quarter_ends).map(|(_, d)| *d);
    let first = days
        .clone()
        .chain(spans.iter().map(|(_, from, _)| *from))
        .min();
    let last = days.chain(spans.iter().map(|(_, _, to)| *to)).max();
    let (first, last) = (first.unwrap_or(period.first), last.unwrap_or(period.last));
    for c in care.children.values() {
        if c.span.1 < first || last < c.span.0 {
            continue;
        }
        for (i, (_, day)) in months.iter().enumerate() {
            if !c.looked_after_on(*day) {
                continue;
            }
            if c.episode_on(*day)
                .is_some_and(|(_, e)| e.legal_status.code() == "V2")
            {
                section20[i].add_child(&c.id);
            }
            if c.child.is_some_and(|x| x.is_uasc_on(*day)) {
                uasc[i].add_child(&c.id);
            }
        }
        for ((_, day), b) in quarter_ends.iter().zip(&mut by_sex) {
            if c.looked_after_on(*day) {
                b.entry(c.child.map_or("U", |x| x.sex.code())).add(&c.id);
                b.entry("all").add(&c.id);
            }
        }
        for ((_, from, to), count) in spans.iter().zip(&mut short_breaks) {
            if c.periods
                .iter()
                .chain(&c.short_breaks)
                .flat_map(|p| &p.episodes)
                .any(|e| e.is_short_break() && e.overlaps(*from, *to))
            {
                count.add_child(&c.id);
            }
        }
    }
    let by_month = |key: &str, counts: Vec<Count>| Grid {
        rows: months
            .iter()
            .zip(counts)
            .map(|((month, _), count)| {
                let mut b = Breakdown::default();
                *b.entry(key) = count;
                (month.clone(), b)
            })
            .collect(),
    };
    out.push(
        "profile.section20.by_month",
        Measure::Months(by_month("section_20", section20)),
    );
    out.push(
        "profile.uasc.by_month",
        Measure::Months(by_month("uasc", uasc)),
    );
    out.push(
        "profile.by_quarter.sex",
        Measure::Grid(Grid {
            rows: quarter_ends
                .into_iter()
                .map(|(key, _)| key)
                .zip(by_sex)
                .collect(),
        }),
    );
    out.push(
        "profile.short_breaks.by_quarter",
        Measure::Breakdown(Breakdown {
            entries: spans
                .into_iter()
                .map(|(key, _, _)| key)
                .zip(short_breaks)
                .collect(),
        }),
    );
}
