//! The report's own arithmetic: the relations between measures that must
//! hold (breakdowns sum to their totals, the same figure agrees wherever it
//! appears, a percentage's counts are the counts shown beside it). The same
//! relations drive secondary suppression in publication mode
//! ([`crate::suppress`]): a relation is a line from which a hidden cell could
//! be worked out.

use std::fmt;

use footprint_domain::measures::{Measure, Measures};

/// One count inside one measure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub measure: String,
    pub path: Vec<String>,
}

impl CellRef {
    pub fn new(measure: &str, path: &[&str]) -> Self {
        CellRef {
            measure: measure.to_owned(),
            path: path.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.measure)?;
        for p in &self.path {
            write!(f, "[{p}]")?;
        }
        Ok(())
    }
}

/// A relation between counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// The parts add up to the total (one part: the two are the same figure).
    Sum {
        name: String,
        parts: Vec<CellRef>,
        total: CellRef,
    },
    /// `smaller` is at most `larger` (a numerator and its denominator, a
    /// subset and its set).
    AtMost {
        name: String,
        smaller: CellRef,
        larger: CellRef,
    },
}

/// A relation that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    /// The figure concerned, e.g. `participation.by_code`.
    pub figure: String,
    pub message: String,
}

/// The report refuses to be written: its arithmetic does not add up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CheckError {
    pub year: String,
    pub failures: Vec<CheckFailure>,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} report failed its own arithmetic checks and was not written:",
            self.year
        )?;
        for x in &self.failures {
            write!(f, "\n  - {}: {}", x.figure, x.message)?;
        }
        Ok(())
    }
}

fn sum(name: &str, parts: Vec<CellRef>, total: CellRef) -> Relation {
    Relation::Sum {
        name: name.to_owned(),
        parts,
        total,
    }
}

fn same(name: &str, a: CellRef, b: CellRef) -> Relation {
    sum(name, vec![a], b)
}

fn at_most(name: &str, smaller: CellRef, larger: CellRef) -> Relation {
    Relation::AtMost {
        name: name.to_owned(),
        smaller,
        larger,
    }
}

fn c(measure: &str) -> CellRef {
    CellRef::new(measure, &[])
}

/// Every cell of `measure` (in order), or nothing if it is absent.
fn cells_of(m: &Measures, measure: &str) -> Vec<CellRef> {
    m.get(measure).map_or_else(Vec::new, |x| {
        x.cells()
            .into_iter()
            .map(|(path, _)| CellRef {
                measure: measure.to_owned(),
                path,
            })
            .collect()
    })
}

/// The cells of a breakdown whose keys are in `keys`.
fn keyed(m: &Measures, measure: &str, keys: &[&str]) -> Vec<CellRef> {
    cells_of(m, measure)
        .into_iter()
        .filter(|r| r.path.len() == 1 && keys.contains(&r.path[0].as_str()))
        .collect()
}

/// The cells of a grid's column `col`.
fn column(m: &Measures, measure: &str, col: &str) -> Vec<CellRef> {
    cells_of(m, measure)
        .into_iter()
        .filter(|r| r.path.len() == 2 && r.path[1] == col)
        .collect()
}

fn pct(measure: &str, part: &str) -> CellRef {
    CellRef::new(measure, &[part])
}

/// The relations that hold between the measures of `m`. Relations naming a
/// measure that `m` does not have are left out.
pub fn relations(m: &Measures) -> Vec<Relation> {
    let mut r = Vec::new();
    let held = c("reviews.held");
    let cla_end = c("cla.end");
    for b in [
        "starts.by_legal_status",
        "starts.by_placement",
        "starts.by_age_band",
    ] {
        r.push(sum(b, cells_of(m, b), c("starts.periods")));
    }
    r.push(at_most(
        "starts.children",
        c("starts.children"),
        c("starts.periods"),
    ));
    r.push(sum(
        "ceased.by_reason",
        cells_of(m, "ceased.by_reason"),
        c("ceased.total"),
    ));
    for (grid, by) in [
        ("starts.by_quarter_age_band", "starts.by_age_band"),
        ("starts.by_quarter_legal_status", "starts.by_legal_status"),
    ] {
        if let Some(b) = m.breakdown(by) {
            for key in b.keys() {
                r.push(sum(
                    &format!("{grid}[{key}]"),
                    column(m, grid, key),
                    CellRef::new(by, &[key]),
                ));
            }
        }
    }
    r.push(sum(
        "ceased.by_quarter_group",
        cells_of(m, "ceased.by_quarter_group"),
        c("ceased.total"),
    ));
    r.push(sum(
        "starts.by_month",
        cells_of(m, "starts.by_month"),
        c("starts.periods"),
    ));
    r.push(sum(
        "ceased.by_month",
        cells_of(m, "ceased.by_month"),
        c("ceased.total"),
    ));
    r.push(at_most(
        "placements.moves",
        c("placements.moves"),
        c("placements.new"),
    ));
    r.push(sum(
        "reviews.record_outstanding.end.by_lateness",
        cells_of(m, "reviews.record_outstanding.end.by_lateness"),
        c("reviews.record_outstanding.end"),
    ));
    r.push(at_most(
        "reviews.record_outstanding.end",
        c("reviews.record_outstanding.end"),
        c("reviews.held"),
    ));
    r.push(sum(
        "visits.by_kind",
        cells_of(m, "visits.by_kind"),
        c("visits.held"),
    ));
    r.push(at_most(
        "visits.children_not_seen_12_months",
        c("visits.children_not_seen_12_months"),
        c("visits.cohort_12_months"),
    ));
    r.push(at_most(
        "visits.cohort_12_months",
        c("visits.cohort_12_months"),
        c("cla.end"),
    ));
    r.push(sum(
        "placements.moves_by_reason",
        cells_of(m, "placements.moves_by_reason"),
        c("placements.moves"),
    ));
    // Where children are placed: the placement groups add up to the row
    // `all` in each column, whose columns add up to the children in care;
    // in, out of the area and not known add up likewise, and those over 100
    // miles from home are some of each.
    {
        use footprint_domain::measures::{AREA_ROWS, DISTANCE_COLUMNS, PLACEMENT_GROUPS};
        let dist = "placements.end.distance_over_20_miles";
        if m.grid(dist).is_some() {
            for col in DISTANCE_COLUMNS {
                r.push(sum(
                    dist,
                    PLACEMENT_GROUPS
                        .iter()
                        .map(|g| CellRef::new(dist, &[g, col]))
                        .collect(),
                    CellRef::new(dist, &["all", col]),
                ));
            }
            r.push(sum(
                dist,
                DISTANCE_COLUMNS
                    .iter()
                    .map(|col| CellRef::new(dist, &["all", col]))
                    .collect(),
                c("cla.end"),
            ));
        }
        let area = "placements.end.out_of_area";
        if m.grid(area).is_some() {
            let parts = &AREA_ROWS[..AREA_ROWS.len() - 1];
            for col in ["children", "over_100_miles"] {
                r.push(sum(
                    area,
                    parts
                        .iter()
                        .map(|row| CellRef::new(area, &[row, col]))
                        .collect(),
                    CellRef::new(area, &["all", col]),
                ));
            }
            r.push(same(
                area,
                CellRef::new(area, &["all", "children"]),
                c("cla.end"),
            ));
            for row in AREA_ROWS {
                r.push(at_most(
                    area,
                    CellRef::new(area, &[row, "over_100_miles"]),
                    CellRef::new(area, &[row, "children"]),
                ));
            }
        }
    }
    // The age-by-sex grid's rows and columns add up to their totals.
    if let Some(g) = m.grid("profile.end.by_age_band_sex") {
        let grid = "profile.end.by_age_band_sex";
        for (band, row) in &g.rows {
            r.push(sum(
                "profile.end.by_age_band",
                row.keys()
                    .map(|sex| CellRef::new(grid, &[band, sex]))
                    .collect(),
                CellRef::new("profile.end.by_age_band", &[band]),
            ));
        }
        let mut sexes: Vec<&str> = Vec::new();
        for (_, row) in &g.rows {
            for sex in row.keys() {
                if !sexes.contains(&sex) {
                    sexes.push(sex);
                }
            }
        }
        for sex in sexes {
            r.push(sum(
                "profile.end.by_sex",
                g.rows
                    .iter()
                    .filter(|(_, row)| row.get(sex).is_some())
                    .map(|(band, _)| CellRef::new(grid, &[band, sex]))
                    .collect(),
                CellRef::new("profile.end.by_sex", &[sex]),
            ));
        }
    }
    for b in [
        "profile.end.by_age_band",
        "profile.end.by_sex",
        "profile.end.by_age_band_sex",
        "profile.end.by_legal_status",
        "profile.end.by_placement",
        "profile.end.by_ethnicity",
    ] {
        r.push(sum(b, cells_of(m, b), cla_end.clone()));
    }
    // The BME total's rows are sums of the ethnicity codes
    // (`Ethnicity::bme`): White British is WBRI, BME every code but WBRI,
    // REFU and NOBT (not recorded: the census groups' `not_known`). That
    // the two and not recorded add up to the children in care follows from
    // the codes' own relation.
    if m.breakdown("profile.end.bme").is_some()
        && let Some(codes) = m.breakdown("profile.end.by_ethnicity")
    {
        let mut rows: [Vec<CellRef>; 2] = Default::default();
        for code in codes.keys() {
            let row = match code.parse::<footprint_domain::codes::Ethnicity>() {
                Ok(e) => match e.bme() {
                    Some(false) => 0,
                    Some(true) => 1,
                    None => continue,
                },
                Err(_) => continue,
            };
            rows[row].push(CellRef::new("profile.end.by_ethnicity", &[code]));
        }
        for (key, parts) in footprint_domain::measures::BME_KEYS.iter().zip(rows) {
            r.push(sum(
                &format!("profile.end.bme[{key}]"),
                parts,
                CellRef::new("profile.end.bme", &[key]),
            ));
        }
    }
    r.push(at_most(
        "profile.end.uasc",
        c("profile.end.uasc"),
        cla_end.clone(),
    ));
    if let Some(g) = m.grid("cla.by_month")
        && let Some((last, _)) = g.rows.last()
    {
        r.push(same(
            "cla.by_month",
            CellRef::new("cla.by_month", &[last, "looked_after"]),
            cla_end.clone(),
        ));
    }
    if m.get("cla.rate_per_10k.end").is_some() {
        r.push(same(
            "cla.rate_per_10k.end",
            pct("cla.rate_per_10k.end", "count"),
            cla_end.clone(),
        ));
    }
    // Each month's rate counts that month's children in care.
    if let Some(Measure::MonthRates(v)) = m.get("cla.rate_per_10k.by_month") {
        for (month, _) in v {
            r.push(same(
                "cla.rate_per_10k.by_month",
                CellRef::new("cla.rate_per_10k.by_month", &[month, "count"]),
                CellRef::new("cla.by_month", &[month, "looked_after"]),
            ));
        }
    }
    if m.get("cla.rate_per_10k.start").is_some() {
        r.push(same(
            "cla.rate_per_10k.start",
            pct("cla.rate_per_10k.start", "count"),
            c("cla.start"),
        ));
    }
    if m.get("starts.rate_per_10k").is_some() {
        r.push(same(
            "starts.rate_per_10k",
            pct("starts.rate_per_10k", "count"),
            c("starts.children"),
        ));
    }

    // Reviews.
    r.push(at_most(
        "reviews.held_by_changed_date",
        c("reviews.held_by_changed_date"),
        held.clone(),
    ));
    r.push(sum(
        "reviews.in_time + reviews.late + reviews.timeliness_unknown",
        vec![
            c("reviews.in_time"),
            c("reviews.late"),
            c("reviews.timeliness_unknown"),
        ],
        held.clone(),
    ));
    r.push(same(
        "reviews.in_time_pct",
        pct("reviews.in_time_pct", "numerator"),
        c("reviews.in_time"),
    ));
    r.push(sum(
        "reviews.in_time_pct",
        vec![c("reviews.in_time"), c("reviews.late")],
        pct("reviews.in_time_pct", "denominator"),
    ));
    if let Some(g) = m.grid("reviews.by_month") {
        for (month, _) in &g.rows {
            r.push(sum(
                &format!("reviews.by_month[{month}]"),
                ["in_time", "late", "unknown"]
                    .iter()
                    .map(|k| CellRef::new("reviews.by_month", &[month, k]))
                    .collect(),
                CellRef::new("reviews.by_month", &[month, "held"]),
            ));
        }
        for (col, total) in [
            ("held", "reviews.held"),
            ("in_time", "reviews.in_time"),
            ("late", "reviews.late"),
            ("unknown", "reviews.timeliness_unknown"),
        ] {
            r.push(sum(
                &format!("reviews.by_month[{col}]"),
                column(m, "reviews.by_month", col),
                c(total),
            ));
        }
    }
    if m.get("reviews.late_by_reason").is_some() {
        r.push(sum(
            "reviews.late_by_reason",
            cells_of(m, "reviews.late_by_reason"),
            c("reviews.late"),
        ));
    }
    r.push(at_most(
        "reviews.children",
        c("reviews.children"),
        held.clone(),
    ));
    for b in [
        "reviews.by_iro",
        "reviews.sw_report",
        "reviews.decisions_in_time",
        "reviews.record_in_time",
    ] {
        if m.get(b).is_some() {
            r.push(sum(b, cells_of(m, b), held.clone()));
        }
    }
    if m.get("reviews.decisions_in_time_pct").is_some() {
        r.push(same(
            "reviews.decisions_in_time_pct",
            pct("reviews.decisions_in_time_pct", "numerator"),
            CellRef::new("reviews.decisions_in_time", &["in_time"]),
        ));
        r.push(sum(
            "reviews.decisions_in_time_pct",
            keyed(m, "reviews.decisions_in_time", &["in_time", "late"]),
            pct("reviews.decisions_in_time_pct", "denominator"),
        ));
    }
    if m.get("reviews.record_in_time_pct").is_some() {
        r.push(sum(
            "reviews.record_in_time_pct",
            keyed(
                m,
                "reviews.record_in_time",
                &["within_local_target", "within_timescale"],
            ),
            pct("reviews.record_in_time_pct", "numerator"),
        ));
        r.push(sum(
            "reviews.record_in_time_pct",
            keyed(
                m,
                "reviews.record_in_time",
                &["within_local_target", "within_timescale", "late"],
            ),
            pct("reviews.record_in_time_pct", "denominator"),
        ));
    }
    if m.get("reviews.record_in_local_target_pct").is_some() {
        r.push(same(
            "reviews.record_in_local_target_pct",
            pct("reviews.record_in_local_target_pct", "numerator"),
            CellRef::new("reviews.record_in_time", &["within_local_target"]),
        ));
        r.push(same(
            "reviews.record_in_local_target_pct",
            pct("reviews.record_in_local_target_pct", "denominator"),
            pct("reviews.record_in_time_pct", "denominator"),
        ));
    }

    // Participation.
    r.push(sum(
        "participation.by_code",
        cells_of(m, "participation.by_code"),
        held.clone(),
    ));
    if let Some(b) = m.breakdown("participation.by_code") {
        for key in b.keys() {
            r.push(sum(
                &format!("participation.by_quarter[{key}]"),
                column(m, "participation.by_quarter", key),
                CellRef::new("participation.by_code", &[key]),
            ));
        }
    }
    const PN1_6: [&str; 6] = ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6"];
    r.push(sum(
        "participation.rate",
        keyed(m, "participation.by_code", &PN1_6),
        pct("participation.rate", "numerator"),
    ));
    r.push(sum(
        "participation.rate",
        keyed(
            m,
            "participation.by_code",
            &["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"],
        ),
        pct("participation.rate", "denominator"),
    ));
    r.push(sum(
        "participation.attended",
        keyed(m, "participation.by_code", &["PN1", "PN2", "PN3", "PN4"]),
        c("participation.attended"),
    ));
    r.push(same(
        "participation.spoke_for_self",
        c("participation.spoke_for_self"),
        CellRef::new("participation.by_code", &["PN1"]),
    ));

    // Stability.
    r.push(same(
        "stability.three_plus_pct",
        pct("stability.three_plus_pct", "numerator"),
        c("stability.three_plus"),
    ));
    r.push(same(
        "stability.three_plus_pct",
        pct("stability.three_plus_pct", "denominator"),
        cla_end.clone(),
    ));
    r.push(same(
        "stability.long_term_pct",
        pct("stability.long_term_pct", "numerator"),
        c("stability.long_term"),
    ));
    r.push(same(
        "stability.long_term_pct",
        pct("stability.long_term_pct", "denominator"),
        c("stability.long_term_cohort"),
    ));

    // IRO service.
    if m.get("caseload.per_fte").is_some() {
        r.push(same(
            "caseload.per_fte",
            pct("caseload.per_fte", "children"),
            cla_end.clone(),
        ));
    }
    for p in ["midway.done_pct", "visits.before_review_pct"] {
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    r.push(at_most(
        "visits.before_review_pct",
        pct("visits.before_review_pct", "denominator"),
        held.clone(),
    ));
    r.push(at_most(
        "midway.done_pct",
        pct("midway.done_pct", "denominator"),
        held.clone(),
    ));
    r.push(sum(
        "challenges.by_stage",
        cells_of(m, "challenges.by_stage"),
        c("challenges.raised"),
    ));
    r.push(sum(
        "challenges.by_quarter",
        cells_of(m, "challenges.by_quarter"),
        c("challenges.raised"),
    ));
    // Each formal challenge once, under its theme and sub-theme (or "not
    // recorded"), and in the quarter it was raised.
    if m.get("challenges.formal").is_some() {
        r.push(sum(
            "challenges.formal_by_theme",
            cells_of(m, "challenges.formal_by_theme"),
            c("challenges.formal"),
        ));
        r.push(sum(
            "challenges.by_quarter_outcome",
            ["Q1", "Q2", "Q3", "Q4"]
                .iter()
                .map(|q| CellRef::new("challenges.by_quarter_outcome", &[q, "formal"]))
                .collect(),
            c("challenges.formal"),
        ));
    }
    for key in cells_of(m, "challenges.by_theme") {
        // A challenge may have several themes: each is at most the total.
        r.push(at_most("challenges.by_theme", key, c("challenges.raised")));
    }
    for b in ["challenges.open.by_stage", "challenges.open.by_age"] {
        if m.get(b).is_some() {
            r.push(sum(b, cells_of(m, b), c("challenges.open.end")));
        }
    }
    r.push(at_most(
        "challenges.open.overdue",
        c("challenges.open.overdue"),
        c("challenges.open.end"),
    ));
    // Several roles attend one review.
    for key in cells_of(m, "reviews.attendance_by_role") {
        r.push(at_most("reviews.attendance_by_role", key, held.clone()));
    }
    // Each review held has one grade or is `not_graded`.
    r.push(sum(
        "quality.by_grade",
        cells_of(m, "quality.by_grade"),
        held.clone(),
    ));
    // Each review graded inadequate has one reason or `not_recorded`.
    if m.get("quality.inadequate_by_reason").is_some() {
        r.push(sum(
            "quality.inadequate_by_reason",
            cells_of(m, "quality.inadequate_by_reason"),
            CellRef::new("quality.by_grade", &["inadequate"]),
        ));
    }
    r.push(at_most(
        "challenges.resolved",
        c("challenges.resolved"),
        c("challenges.raised"),
    ));
    r.push(at_most(
        "challenges.resolved_in_timescale",
        c("challenges.resolved_in_timescale"),
        c("challenges.resolved"),
    ));

    // Adoption and missing.
    r.push(sum(
        "adoption.adopted",
        keyed(m, "ceased.by_reason", &["E11", "E12"]),
        c("adoption.adopted"),
    ));
    r.push(sum(
        "adoption.placed.end",
        keyed(m, "profile.end.by_placement", &["A3", "A4", "A5", "A6"]),
        c("adoption.placed.end"),
    ));
    r.push(at_most(
        "adoption.days_to_placement",
        pct("adoption.days_to_placement", "count"),
        c("adoption.adopted"),
    ));
    // The adoption scorecard: each average is of children adopted, each
    // share within its threshold of the children that average counts.
    for (avg, within) in [
        ("adoption.a10", "adoption.a10_within_threshold"),
        ("adoption.a2", "adoption.a2_within_threshold"),
    ] {
        r.push(at_most(avg, pct(avg, "count"), c("adoption.adopted")));
        r.push(same(within, pct(within, "denominator"), pct(avg, "count")));
        r.push(at_most(
            within,
            pct(within, "numerator"),
            pct(within, "denominator"),
        ));
    }
    // Its three-year averages (when the report computed the years
    // before): the year's children are some of the three years', each
    // share within its threshold of the children the average counts.
    for (avg, within) in [
        ("adoption.a10", "adoption.a10_within_threshold"),
        ("adoption.a2", "adoption.a2_within_threshold"),
    ] {
        let (avg3, within3) = (
            format!("{avg}_three_year"),
            format!("{avg}_three_year_within_threshold"),
        );
        if m.get(&avg3).is_none() {
            continue;
        }
        r.push(at_most(&avg3, pct(avg, "count"), pct(&avg3, "count")));
        r.push(same(
            &within3,
            pct(&within3, "denominator"),
            pct(&avg3, "count"),
        ));
        r.push(at_most(
            &within3,
            pct(&within3, "numerator"),
            pct(&within3, "denominator"),
        ));
        r.push(at_most(
            &within3,
            pct(within, "numerator"),
            pct(&within3, "numerator"),
        ));
    }
    // Challenges by quarter and outcome: each quarter's are informal,
    // formal or with no stage; those resolved without escalation and those
    // escalated are some of them; the quarter's are `challenges.by_quarter`'s.
    if let Some(g) = m.grid("challenges.by_quarter_outcome") {
        let o = "challenges.by_quarter_outcome";
        for (q, _) in &g.rows {
            let raised = CellRef::new(o, &[q, "raised"]);
            r.push(sum(
                o,
                ["informal", "formal", "no_stage"]
                    .iter()
                    .map(|k| CellRef::new(o, &[q, k]))
                    .collect(),
                raised.clone(),
            ));
            for k in ["resolved_without_escalation", "escalated"] {
                r.push(at_most(o, CellRef::new(o, &[q, k]), raised.clone()));
            }
            if m.cell("challenges.by_quarter", &[q.clone(), "raised".into()])
                .is_some()
            {
                r.push(same(
                    o,
                    raised,
                    CellRef::new("challenges.by_quarter", &[q, "raised"]),
                ));
            }
        }
    }
    // Children in care by census ethnic group: each group is its codes of
    // `profile.end.by_ethnicity`, and the groups add up to the children in
    // care.
    if m.get("profile.end.by_ethnic_group").is_some() {
        use footprint_domain::codes::{EthnicGroup, Ethnicity};
        for g in EthnicGroup::ALL {
            let codes: Vec<&str> = Ethnicity::all()
                .iter()
                .filter(|e| e.group() == g)
                .map(|e| e.code())
                .collect();
            r.push(sum(
                "profile.end.by_ethnic_group",
                keyed(m, "profile.end.by_ethnicity", &codes),
                CellRef::new("profile.end.by_ethnic_group", &[g.key()]),
            ));
        }
        r.push(sum(
            "profile.end.by_ethnic_group",
            cells_of(m, "profile.end.by_ethnic_group"),
            c("cla.end"),
        ));
    }
    // Decisions and records by quarter: each column adds up to the
    // year's count of that kind.
    for (by_quarter, year) in [
        (
            "reviews.decisions_in_time.by_quarter",
            "reviews.decisions_in_time",
        ),
        (
            "reviews.record_in_time.by_quarter",
            "reviews.record_in_time",
        ),
    ] {
        let Some(b) = m.breakdown(year) else {
            continue;
        };
        if m.get(by_quarter).is_none() {
            continue;
        }
        for k in b.keys() {
            r.push(sum(
                by_quarter,
                column(m, by_quarter, k),
                CellRef::new(year, &[k]),
            ));
        }
    }
    // Children who started to be looked after, by placement: each at
    // most the periods started there and the children who started.
    for cell in cells_of(m, "starts.children_by_placement") {
        let k = cell.path[0].clone();
        r.push(at_most(
            "starts.children_by_placement",
            cell.clone(),
            CellRef::new("starts.by_placement", &[&k]),
        ));
        r.push(at_most(
            "starts.children_by_placement",
            cell,
            c("starts.children"),
        ));
    }
    // Reviews with a quality grade are the graded reviews, of those held.
    if m.get("quality.completion_pct").is_some() {
        let graded: Vec<CellRef> = cells_of(m, "quality.by_grade")
            .into_iter()
            .filter(|r| r.path[0] != "not_graded")
            .collect();
        r.push(sum(
            "quality.completion_pct",
            graded,
            pct("quality.completion_pct", "numerator"),
        ));
        r.push(same(
            "quality.completion_pct",
            pct("quality.completion_pct", "denominator"),
            held.clone(),
        ));
    }
    // Children in care on the last day, each once, by how they took part
    // in their last review.
    if m.get("participation.children_last_review").is_some() {
        r.push(sum(
            "participation.children_last_review",
            cells_of(m, "participation.children_last_review"),
            c("cla.end"),
        ));
    }
    // Section 20 and UASC at each month's end: of the children in care
    // then; the last month's is the snapshot on the last day.
    for (measure, key, end) in [
        (
            "profile.section20.by_month",
            "section_20",
            CellRef::new("profile.end.by_legal_status", &["V2"]),
        ),
        ("profile.uasc.by_month", "uasc", c("profile.end.uasc")),
    ] {
        let Some(g) = m.grid(measure) else {
            continue;
        };
        for (ym, _) in &g.rows {
            r.push(at_most(
                measure,
                CellRef::new(measure, &[ym, key]),
                CellRef::new("cla.by_month", &[ym, "looked_after"]),
            ));
        }
        if let Some((ym, _)) = g.rows.last() {
            r.push(same(measure, CellRef::new(measure, &[ym, key]), end));
        }
    }
    // Children in care at each quarter's end by sex: the sexes add up to
    // the quarter's children, who are the children in care at the end of
    // the quarter's last month.
    if let Some(g) = m.grid("profile.by_quarter.sex") {
        let quarter_last_month = |q: &str| -> Option<String> {
            let q = footprint_domain::dates::Quarter::ALL
                .into_iter()
                .find(|x| x.to_string() == q)?;
            let (y, mo) = q.months(m.year)[2];
            Some(format!("{y}-{mo:02}"))
        };
        for (q, row) in &g.rows {
            let all = CellRef::new("profile.by_quarter.sex", &[q, "all"]);
            r.push(sum(
                "profile.by_quarter.sex",
                row.keys()
                    .filter(|k| *k != "all")
                    .map(|k| CellRef::new("profile.by_quarter.sex", &[q, k]))
                    .collect(),
                all.clone(),
            ));
            if let Some(ym) = quarter_last_month(q)
                && m.cell("cla.by_month", &[ym.clone(), "looked_after".into()])
                    .is_some()
            {
                r.push(same(
                    "profile.by_quarter.sex",
                    all,
                    CellRef::new("cla.by_month", &[&ym, "looked_after"]),
                ));
            }
        }
    }
    // Unregistered placements (when the council marks any): of the
    // children in care on the last day, each of whom was in one in the
    // period.
    if m.get("placements.end.unregistered").is_some() {
        r.push(at_most(
            "placements.end.unregistered",
            c("placements.end.unregistered"),
            c("cla.end"),
        ));
        r.push(at_most(
            "placements.end.unregistered",
            c("placements.end.unregistered"),
            c("placements.unregistered.children"),
        ));
    }
    let shobpa = "adoption.within_12_months_of_shobpa";
    r.push(at_most(
        shobpa,
        pct(shobpa, "denominator"),
        c("adoption.adopted"),
    ));
    r.push(at_most(
        shobpa,
        pct(shobpa, "numerator"),
        pct(shobpa, "denominator"),
    ));

    // Children in care on the last day by placement provider; those of
    // them turning 18 in each of the next three years.
    r.push(sum(
        "placements.end.by_provider",
        cells_of(m, "placements.end.by_provider"),
        c("cla.end"),
    ));
    for cell in cells_of(m, "projection.turning_18") {
        r.push(at_most("projection.turning_18", cell, c("cla.end")));
    }

    // Care leavers (OC3): every row once by IN_TOUCH; each share of the
    // rows with something recorded.
    r.push(sum(
        "care_leavers.in_touch",
        cells_of(m, "care_leavers.in_touch"),
        c("care_leavers.count"),
    ));
    for p in [
        "care_leavers.suitable_accommodation_pct",
        "care_leavers.eet_pct",
    ] {
        r.push(at_most(p, pct(p, "denominator"), c("care_leavers.count")));
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    r.push(at_most(
        "care_leavers.former_uasc",
        c("care_leavers.former_uasc"),
        c("care_leavers.count"),
    ));
    r.push(at_most(
        "missing.children",
        c("missing.children"),
        c("missing.episodes"),
    ));
    r.push(at_most(
        "missing.children_three_plus",
        c("missing.children_three_plus"),
        c("missing.children"),
    ));
    r.push(at_most(
        "away.children",
        c("away.children"),
        c("away.episodes"),
    ));

    // Health (OC2): every share is of the cohort's children with a record,
    // who are part of the cohort.
    let returned = pct("health.oc2_returned", "numerator");
    r.push(same(
        "health.oc2_returned",
        pct("health.oc2_returned", "denominator"),
        c("health.oc2_cohort"),
    ));
    r.push(at_most(
        "health.oc2_returned",
        returned.clone(),
        c("health.oc2_cohort"),
    ));
    for p in [
        "health.health_assessment",
        "health.immunisations",
        "health.teeth_check",
        "health.substance_misuse",
    ] {
        r.push(same(p, pct(p, "denominator"), returned.clone()));
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    for p in [
        "health.health_check_under_5",
        "health.sdq_returned",
        "health.convicted_10_plus",
    ] {
        r.push(at_most(p, pct(p, "denominator"), returned.clone()));
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    r.push(same(
        "health.sdq_mean",
        pct("health.sdq_mean", "count"),
        pct("health.sdq_returned", "numerator"),
    ));
    r.push(sum(
        "health.sdq_bands",
        cells_of(m, "health.sdq_bands"),
        pct("health.sdq_returned", "numerator"),
    ));

    // Health assessments and PEPs recorded in Footprint: every share's
    // numerator is part of its denominator; the initial assessments due
    // split into in time, late and not done; the SDQ bands split the
    // children with a score; the PEPs held split by quality; the shares
    // taken on the last day are of children looked after then.
    let initial = "health.assessments.initial_in_time";
    r.push(sum(
        "health.assessments.initial",
        cells_of(m, "health.assessments.initial"),
        pct(initial, "denominator"),
    ));
    r.push(same(
        "health.assessments.initial[in_time]",
        CellRef::new("health.assessments.initial", &["in_time"]),
        pct(initial, "numerator"),
    ));
    for k in ["in_time", "late", "not_done"] {
        r.push(sum(
            &format!("health.assessments.initial.by_month[{k}]"),
            column(m, "health.assessments.initial.by_month", k),
            CellRef::new("health.assessments.initial", &[k]),
        ));
    }
    let reviews = "health.assessments.reviews_in_time";
    r.push(sum(
        "health.assessments.reviews",
        cells_of(m, "health.assessments.reviews"),
        pct(reviews, "denominator"),
    ));
    r.push(same(
        "health.assessments.reviews[in_time]",
        CellRef::new("health.assessments.reviews", &["in_time"]),
        pct(reviews, "numerator"),
    ));
    let dental_start = "health.assessments.dental_up_to_date.start";
    r.push(at_most(
        dental_start,
        pct(dental_start, "denominator"),
        c("cla.start"),
    ));
    for p in [
        initial,
        dental_start,
        "health.assessments.reviews_in_time",
        "health.assessments.up_to_date.end",
        "health.assessments.dental_up_to_date.end",
        "health.assessments.sdq_completed",
        "health.assessments.immunisations_up_to_date.end",
        "education.pep.initial_in_time",
        "education.pep.terms_in_time",
        "education.pep.up_to_date.end",
        "education.pep.this_term.end",
    ] {
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    for p in [
        "health.assessments.up_to_date.end",
        "health.assessments.dental_up_to_date.end",
        "health.assessments.sdq_completed",
        "health.assessments.immunisations_up_to_date.end",
        "education.pep.up_to_date.end",
        "education.pep.this_term.end",
    ] {
        r.push(at_most(p, pct(p, "denominator"), cla_end.clone()));
    }
    r.push(sum(
        "health.assessments.sdq_bands",
        cells_of(m, "health.assessments.sdq_bands"),
        pct("health.assessments.sdq_completed", "numerator"),
    ));
    r.push(sum(
        "education.pep.by_quality",
        cells_of(m, "education.pep.by_quality"),
        c("education.pep.held"),
    ));

    // The other meetings, dual plans, life story, advocacy, views and case
    // alerts: every share's numerator is part of its denominator; the
    // meetings judged are the meetings held; a breakdown sums to its total;
    // the children are at most the meetings; the snapshots on the last day
    // are of children looked after then.
    for p in [
        "meetings.secure.in_time",
        "meetings.private_fostering.in_time",
        "meetings.foster_carer.in_time",
        "meetings.disruption.in_time",
        "dual_plans.conferences_in_time",
        "life_story.tracked.end",
        "life_story.adequate.end",
        "life_story.complete.end",
        "life_story.at_reviews",
        "views.recorded",
        "case_alerts.closed_in_time",
    ] {
        r.push(at_most(p, pct(p, "numerator"), pct(p, "denominator")));
    }
    for (held, judged, children) in [
        (
            "meetings.secure.reviews",
            "meetings.secure.in_time",
            "meetings.secure.children",
        ),
        (
            "meetings.private_fostering.reviews",
            "meetings.private_fostering.in_time",
            "meetings.private_fostering.children",
        ),
        (
            "meetings.foster_carer.reviews",
            "meetings.foster_carer.in_time",
            "meetings.foster_carer.households",
        ),
        (
            "meetings.disruption.meetings",
            "meetings.disruption.in_time",
            "",
        ),
        (
            "dual_plans.conferences",
            "dual_plans.conferences_in_time",
            "",
        ),
    ] {
        r.push(same(held, c(held), pct(judged, "denominator")));
        if !children.is_empty() {
            r.push(at_most(children, c(children), c(held)));
        }
    }
    r.push(sum(
        "meetings.secure.by_decision",
        cells_of(m, "meetings.secure.by_decision"),
        c("meetings.secure.reviews"),
    ));
    r.push(sum(
        "meetings.foster_carer.by_kind",
        cells_of(m, "meetings.foster_carer.by_kind"),
        c("meetings.foster_carer.reviews"),
    ));
    r.push(at_most(
        "meetings.foster_carer.to_panel",
        c("meetings.foster_carer.to_panel"),
        c("meetings.foster_carer.reviews"),
    ));
    r.push(at_most(
        "dual_plans.ended_before_first_conference",
        c("dual_plans.ended_before_first_conference"),
        c("dual_plans.ended"),
    ));
    r.push(at_most(
        "dual_plans.end",
        c("dual_plans.end"),
        cla_end.clone(),
    ));
    for p in [
        "life_story.tracked.end",
        "life_story.adequate.end",
        "life_story.complete.end",
    ] {
        r.push(same(p, pct(p, "denominator"), cla_end.clone()));
    }
    r.push(sum(
        "life_story.status.end",
        cells_of(m, "life_story.status.end"),
        cla_end.clone(),
    ));
    r.push(same(
        "life_story.status.end[complete]",
        CellRef::new("life_story.status.end", &["complete"]),
        pct("life_story.complete.end", "numerator"),
    ));
    r.push(at_most(
        "views.recorded",
        pct("views.recorded", "numerator"),
        c("views.reviews"),
    ));
    r.push(sum(
        "advocacy.by_quarter[contacts]",
        column(m, "advocacy.by_quarter", "contacts"),
        c("advocacy.contacts"),
    ));
    r.push(sum(
        "case_alerts.by_theme",
        cells_of(m, "case_alerts.by_theme"),
        c("case_alerts.raised"),
    ));
    r.push(sum(
        "case_alerts.by_outcome",
        cells_of(m, "case_alerts.by_outcome"),
        c("case_alerts.raised"),
    ));
    // Case file audits: each requested in the period is completed,
    // cancelled or open on its last day, was requested by one of the
    // list, has one theme or `not_recorded`; each completed has one grade
    // or `not_graded`.
    for part in [
        "audits.requested_by_outcome",
        "audits.by_requester",
        "audits.by_theme",
    ] {
        r.push(sum(part, cells_of(m, part), c("audits.requested")));
    }
    r.push(same(
        "audits.completed_pct",
        pct("audits.completed_pct", "denominator"),
        c("audits.requested"),
    ));
    r.push(same(
        "audits.requested_by_outcome[completed]",
        CellRef::new("audits.requested_by_outcome", &["completed"]),
        pct("audits.completed_pct", "numerator"),
    ));
    r.push(sum(
        "audits.by_grade",
        cells_of(m, "audits.by_grade"),
        c("audits.completed"),
    ));
    r
}

/// Relations between the two years' blocks of one report: `(name, this
/// year's cell, last year's cell)`, the same figure in both.
pub fn across_years() -> Vec<(String, CellRef, CellRef)> {
    vec![(
        "cla.start (this year) = cla.end (last year)".to_owned(),
        c("cla.start"),
        c("cla.end"),
    )]
}

/// Balances a reader may assume between counts of one year: `(name, left,
/// right)`, the left cells adding up to the right ones. They hold for clean
/// records (children in care at the start, plus periods started, are those
/// in care at the end plus periods ended), but the self-check does not
/// enforce them, since broken episode chains in imported records can upset
/// them; the audit uses each wherever the figures satisfy it.
pub fn balances() -> Vec<(String, Vec<CellRef>, Vec<CellRef>)> {
    vec![(
        "cla.start + starts.periods = cla.end + ceased.total".to_owned(),
        vec![c("cla.start"), c("starts.periods")],
        vec![c("cla.end"), c("ceased.total")],
    )]
}

/// Measures that have no relation to any other count of the report: each
/// says so here, so that every measure a report publishes is either in a
/// relation of [`relations`] or listed here. A new measure that is in
/// neither is refused by publication mode ([`undeclared`]), so a new table
/// cannot be published without saying how it relates to the others.
pub const STANDS_ALONE: &[(&str, &str)] = &[
    (
        "audits.cancelled",
        "case file audits cancelled in the period, whenever requested: no other count splits it",
    ),
    (
        "audits.open.end",
        "case file audits open on the last day, whenever requested: no other count splits it",
    ),
    (
        "reviews.overdue.end",
        "children whose review is overdue on the last day: no other count splits it",
    ),
    (
        "reviews.unmatched",
        "reviews outside any period of care: excluded from every other count",
    ),
    (
        "health.oc2_outside_cohort",
        "OC2 records of children outside the cohort: in no other health figure",
    ),
    (
        "short_breaks.children",
        "children receiving only short breaks, counted in no other figure",
    ),
    (
        "meetings.disruption.children",
        "children concerned in the disruption meetings: a meeting may concern several children, a child several meetings",
    ),
    (
        "views.by_route",
        "a review counts once under each way its views reached it: the routes sum to no other count",
    ),
    (
        "advocacy.young_people",
        "young people an advocate worked with in the period, in care or care leavers: no other count splits it",
    ),
    (
        "advocacy.referrals",
        "referrals to advocacy: a young person may be referred more than once",
    ),
    (
        "advocacy.review_attendance",
        "reviews an advocate attended, of children in care or not",
    ),
    (
        "dual_plans.quarter_end",
        "children on a dual plan on each quarter's last day: snapshots, summing to nothing",
    ),
    (
        "dual_plans.started",
        "dual plans begun in the period: no other count splits it",
    ),
    (
        "case_alerts.open.end",
        "case alerts open on the last day, raised in any period",
    ),
    (
        "profile.short_breaks.by_quarter",
        "children with a short break in each quarter, looked after too or not: a child may have them in several quarters",
    ),
    (
        "caseload.by_iro",
        "children allocated to each IRO on the last day (an IRO may share a child's allocation)",
    ),
];

/// The measures of `m` that are in no relation (nor balance, nor relation
/// across years) and not in [`STANDS_ALONE`].
pub fn undeclared(m: &Measures) -> Vec<String> {
    let rels = relations(m);
    let elsewhere: Vec<CellRef> = balances()
        .into_iter()
        .flat_map(|(_, l, r)| l.into_iter().chain(r))
        .chain(across_years().into_iter().flat_map(|(_, a, b)| [a, b]))
        .collect();
    let named = |id: &str| {
        elsewhere.iter().any(|c| c.measure == id)
            || rels.iter().any(|r| match r {
                Relation::Sum { parts, total, .. } => {
                    total.measure == id || parts.iter().any(|p| p.measure == id)
                }
                Relation::AtMost {
                    smaller, larger, ..
                } => smaller.measure == id || larger.measure == id,
            })
    };
    m.entries
        .iter()
        .filter(|(_, measure)| !measure.cells().is_empty())
        .map(|(id, _)| id)
        .filter(|id| !STANDS_ALONE.iter().any(|(s, _)| s == id) && !named(id))
        .cloned()
        .collect()
}

fn value(m: &Measures, r: &CellRef) -> Option<u64> {
    m.cell(&r.measure, &r.path).map(|c| c.value)
}

/// Checks every relation; a relation naming a figure the set does not have,
/// while the set has the measure, is a failure too (a figure went missing).
pub fn check(m: &Measures) -> Result<(), CheckError> {
    let mut failures = Vec::new();
    let present = |r: &CellRef| m.get(&r.measure).is_some();
    let get = |r: &CellRef, figure: &str, failures: &mut Vec<CheckFailure>| -> Option<u64> {
        if !present(r) {
            return None;
        }
        let v = value(m, r);
        if v.is_none() {
            failures.push(CheckFailure {
                figure: figure.to_owned(),
                message: format!("{r} is missing"),
            });
        }
        v
    };
    for rel in relations(m) {
        match &rel {
            Relation::Sum { name, parts, total } => {
                if parts.is_empty() || !present(total) || parts.iter().any(|p| !present(p)) {
                    continue;
                }
                let Some(t) = get(total, name, &mut failures) else {
                    continue;
                };
                let mut s = 0u64;
                let mut ok = true;
                for p in parts {
                    match get(p, name, &mut failures) {
                        Some(v) => s += v,
                        None => ok = false,
                    }
                }
                if ok && s != t {
                    let message = if parts.len() == 1 {
                        format!(
                            "{} is {s} but {total} is {t}; the same figure must agree",
                            parts[0]
                        )
                    } else {
                        format!("the parts add up to {s} but {total} is {t}")
                    };
                    failures.push(CheckFailure {
                        figure: name.clone(),
                        message,
                    });
                }
            }
            Relation::AtMost {
                name,
                smaller,
                larger,
            } => {
                if !present(smaller) || !present(larger) {
                    continue;
                }
                if let (Some(a), Some(b)) = (
                    get(smaller, name, &mut failures),
                    get(larger, name, &mut failures),
                ) && a > b
                {
                    failures.push(CheckFailure {
                        figure: name.clone(),
                        message: format!("{smaller} is {a}, more than {larger} ({b})"),
                    });
                }
            }
        }
    }
    // Every month series has one row per month of the period, in order
    // (twelve, April first, for a reporting year).
    for (id, measure) in &m.entries {
        let got: Option<Vec<String>> = match measure {
            Measure::Months(g) => Some(g.rows.iter().map(|(k, _)| k.clone()).collect()),
            Measure::MonthRates(v) => Some(v.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        };
        if let Some(got) = got {
            let expected: Vec<String> = m
                .period
                .months()
                .iter()
                .map(|(y, mo)| format!("{y}-{mo:02}"))
                .collect();
            if got != expected {
                failures.push(CheckFailure {
                    figure: id.clone(),
                    message: format!(
                        "expected the months {}, found {}",
                        expected.join(", "),
                        got.join(", ")
                    ),
                });
            }
        }
        // Each count of children names as many children as it counts.
        for (path, count) in measure.cells() {
            if count.children.len() as u64 > count.value {
                failures.push(CheckFailure {
                    figure: id.clone(),
                    message: format!(
                        "{} names {} children but counts {}",
                        CellRef {
                            measure: id.clone(),
                            path
                        },
                        count.children.len(),
                        count.value
                    ),
                });
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CheckError {
            year: m.year.to_string(),
            failures,
        })
    }
}
