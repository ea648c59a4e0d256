//! Raw rows to domain records, with every row-level problem: dates that do
//! not parse, codes that are not in their list, key fields left blank,
//! children missing from the Header (INT01–INT09), dates of birth that differ
//! from the Header (INT11–INT18), duplicate rows.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::hash::Hash;
use std::str::FromStr;

use chrono::NaiveDate;
use footprint_domain::codes::{
    CareLeaverAccommodation, CareLeaverActivity, CategoryOfNeed, CodeError, Ethnicity, LegalStatus,
    MissingKind, ParticipationCode, PlacementProvider, PlacementType, ReasonEpisodeCeased,
    ReasonNewEpisode, ReasonPlaceChange, SdqReason, Sex,
};
use footprint_domain::dates::{CollectionYear, format_uk, parse_uk_date};
use footprint_domain::model::{
    Child, ChildId, Episode, HealthOutcomes, MissingEpisode, Review, UascStatus,
};
use footprint_domain::return_tables::{
    Adoption, AdoptionDecision, CareLeaverOutcome, DeprivationOfLiberty, PreviousPermanence,
    ReturnTables, SocialWorkerEpisode,
};

use crate::problem::{Problem, Severity, SourceRef};
use crate::raw::{RawRow, RawTable};
use crate::ret::{Located, Return903, UascRow};
use crate::tables::Table;

/// Collects the problems of the row being converted.
struct Conv<'a> {
    problems: &'a mut Vec<Problem>,
    /// Set when a field of the current row had a fatal problem.
    failed: bool,
    /// The current row's child, for messages.
    who: String,
}

impl Conv<'_> {
    fn begin(&mut self, row: &RawRow) {
        self.failed = false;
        let id = row.get("CHILD");
        self.who = if id.is_empty() {
            String::new()
        } else {
            format!("child {id}: ")
        };
    }

    fn report(
        &mut self,
        row: &RawRow,
        col: &str,
        value: Option<&str>,
        rule: Option<&str>,
        severity: Severity,
        message: String,
    ) {
        if severity == Severity::Fatal {
            self.failed = true;
        }
        self.problems.push(Problem::at(
            &row.source_of(col),
            Some(col),
            value,
            rule,
            severity,
            format!("{}{message}", self.who),
        ));
    }

    fn child_id(&mut self, row: &RawRow) -> Option<ChildId> {
        let v = row.get("CHILD");
        if v.is_empty() {
            self.report(
                row,
                "CHILD",
                None,
                None,
                Severity::Fatal,
                "CHILD is blank: every row needs the child's identifier".into(),
            );
            return None;
        }
        match v.parse::<ChildId>() {
            Ok(id) => Some(id),
            Err(e) => {
                self.report(row, "CHILD", Some(v), None, Severity::Fatal, e.to_string());
                None
            }
        }
    }

    /// A code; `needed` says what needs it when a blank is fatal.
    fn code<T: FromStr<Err = CodeError>>(
        &mut self,
        row: &RawRow,
        col: &str,
        rule: Option<&str>,
        needed: Option<&str>,
    ) -> Option<T> {
        let v = row.get(col);
        if v.is_empty() {
            if let Some(needed) = needed {
                self.report(
                    row,
                    col,
                    None,
                    rule,
                    Severity::Fatal,
                    format!("{col} is blank: {needed}"),
                );
            }
            return None;
        }
        match v.parse::<T>() {
            Ok(c) => Some(c),
            Err(e) => {
                let mut msg = e.to_string();
                let upper = v.to_ascii_uppercase();
                if upper != v && upper.parse::<T>().is_ok() {
                    msg.push_str(&format!(
                        " (codes are upper case: {upper} would be valid; Footprint does not change case for you)"
                    ));
                }
                self.report(row, col, Some(v), rule, Severity::Fatal, msg);
                None
            }
        }
    }

    fn date(
        &mut self,
        row: &RawRow,
        col: &str,
        rule: Option<&str>,
        needed: Option<&str>,
    ) -> Option<NaiveDate> {
        let v = row.get(col);
        if v.is_empty() {
            if let Some(needed) = needed {
                self.report(
                    row,
                    col,
                    None,
                    rule,
                    Severity::Fatal,
                    format!("{col} is blank: {needed}"),
                );
            }
            return None;
        }
        match parse_uk_date(v) {
            Ok(d) => Some(d),
            Err(e) => {
                self.report(
                    row,
                    col,
                    Some(v),
                    rule,
                    Severity::Fatal,
                    format!("{col}: {e}"),
                );
                None
            }
        }
    }

    /// An OC2 flag: 1 (yes), 0 (no) or blank (DfE rule 181).
    fn flag(&mut self, row: &RawRow, col: &str) -> Option<bool> {
        match row.get(col) {
            "" => None,
            "1" => Some(true),
            "0" => Some(false),
            other => {
                self.report(
                    row,
                    col,
                    Some(other),
                    Some("181"),
                    Severity::Fatal,
                    format!("{col} is {other:?}: expected 1 (yes), 0 (no) or blank"),
                );
                None
            }
        }
    }

    /// OC2 `SDQ_SCORE`: a whole number from 0 to 40, or blank.
    fn sdq_score(&mut self, row: &RawRow) -> Option<u8> {
        let v = row.get("SDQ_SCORE");
        if v.is_empty() {
            return None;
        }
        match v.parse::<u8>() {
            Ok(n) if n <= HealthOutcomes::SDQ_MAX => Some(n),
            _ => {
                self.report(
                    row,
                    "SDQ_SCORE",
                    Some(v),
                    Some("180"),
                    Severity::Fatal,
                    format!(
                        "SDQ_SCORE is {v:?}: a Strengths and Difficulties Questionnaire score is a whole number from 0 to {}",
                        HealthOutcomes::SDQ_MAX
                    ),
                );
                None
            }
        }
    }

    fn text(row: &RawRow, col: &str) -> Option<String> {
        let v = row.get(col);
        (!v.is_empty()).then(|| v.to_owned())
    }
}

/// The date a return's collection year is inferred from: the latest DECOM
/// (an episode in a return starts on or before its 31 March); `None`
/// without an episode with a valid DECOM.
pub(crate) fn inference_date(rows: &[RawRow]) -> Option<NaiveDate> {
    rows.iter()
        .filter(|r| r.table() == Table::Episodes)
        .filter_map(|r| parse_uk_date(r.get("DECOM")).ok())
        .max()
}

/// The collection year whose list of placement codes applies to an episode:
/// the given year if the episode was open at any time in it, otherwise the
/// year in which the episode ended.
fn placement_year(
    year: CollectionYear,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> CollectionYear {
    match end {
        Some(end) if end < year.start() => CollectionYear::of(end),
        _ if start > year.end() => CollectionYear::of(start),
        _ => year,
    }
}

/// DfE rule 178: a placement type that takes no placement provider in the
/// list of collection year `year`, with that list in words; `None` when the
/// placement has a provider. Up to 2024-25 the list is T0–T4 and Z1; from
/// 2025-26 (when Z1 was split) it is T0–T3 and Z11–Z14.
fn placement_without_provider(place: PlacementType, year: CollectionYear) -> Option<&'static str> {
    use PlacementType::*;
    if year.start_year() >= 2025 {
        matches!(place, T0 | T1 | T2 | T3 | Z11 | Z12 | Z13 | Z14).then_some("T0–T3 and Z11–Z14")
    } else {
        matches!(place, T0 | T1 | T2 | T3 | T4 | Z1).then_some("T0–T4 and Z1")
    }
}

pub(crate) fn convert(
    rows: Vec<RawRow>,
    year: Option<CollectionYear>,
    tables: std::collections::BTreeSet<Table>,
    problems: &mut Vec<Problem>,
) -> Return903 {
    let mut ret = Return903 {
        year,
        tables,
        ..Return903::default()
    };
    let mut conv = Conv {
        problems,
        failed: false,
        who: String::new(),
    };
    // The rows of the tables made into records stay in the buffer they
    // were read into (no second copy of it); each is dropped once converted.
    let mut used = rows;
    let raw_other: Vec<RawRow> = used.extract_if(.., |r| !r.table().is_used()).collect();
    // Room for a record per row, reserved once (a list grown by doubling
    // holds up to twice what it needs).
    let count = |t: Table| used.iter().filter(|r| r.table() == t).count();
    ret.children.reserve_exact(count(Table::Header));
    ret.episodes.reserve_exact(count(Table::Episodes));
    ret.reviews.reserve_exact(count(Table::Reviews));
    ret.missing.reserve_exact(count(Table::Missing));
    ret.uasc.reserve_exact(count(Table::Uasc));
    ret.health_outcomes.reserve_exact(count(Table::Oc2));
    let mut other = OtherRecords::default();
    for row in raw_other {
        let file = row.place().0.to_owned();
        match ret
            .other_tables
            .iter_mut()
            .find(|t| t.table == row.table() && t.file == file)
        {
            Some(t) => t.rows.push(row),
            None => ret.other_tables.push(RawTable {
                table: row.table(),
                file,
                rows: vec![row],
            }),
        }
    }

    // Header first: the other tables are checked against it.
    let mut header_uasc: HashSet<ChildId> = HashSet::default();
    for row in used.iter().filter(|r| r.table() == Table::Header) {
        conv.begin(row);
        let id = conv.child_id(row);
        let sex_raw = row.get("SEX");
        let sex: Option<Sex> = conv.code(
            row,
            "SEX",
            Some("101"),
            Some("every child needs a sex (SEX)"),
        );
        let dob = conv.date(
            row,
            "DOB",
            Some("102"),
            Some("every child needs a date of birth (DOB)"),
        );
        let ethnicity: Option<Ethnicity> = conv.code(
            row,
            "ETHNIC",
            Some("103"),
            Some("every child needs an ethnicity code (ETHNIC)"),
        );
        let mother = match row.get("MOTHER") {
            "" => None,
            "1" => Some(true),
            "0" => Some(false),
            other => {
                conv.report(
                    row,
                    "MOTHER",
                    Some(other),
                    None,
                    Severity::Fatal,
                    format!("MOTHER is {other:?}: expected 1 (the child is a mother), 0 (is not) or blank"),
                );
                None
            }
        };
        let mc_dob = conv.date(row, "MC_DOB", Some("171"), None);
        let uasc_flag = match row.get("UASC") {
            "" | "0" => false,
            "1" => true,
            other => {
                conv.report(
                    row,
                    "UASC",
                    Some(other),
                    None,
                    Severity::Fatal,
                    format!("UASC is {other:?}: expected 1 (unaccompanied asylum-seeking child), 0 or blank"),
                );
                false
            }
        };
        if let (Some(y), Some(s)) = (year, sex) {
            let spelling = s.code_for_collection_year(y.start_year());
            if spelling != sex_raw {
                let msg = if y.start_year() >= 2024 {
                    format!(
                        "SEX is {sex_raw} but from 2024-25 the return records sex as M, F or U ({spelling} here)"
                    )
                } else {
                    format!(
                        "SEX is {sex_raw} but up to 2023-24 the return records sex as 1 (male) or 2 (female)"
                    )
                };
                conv.report(
                    row,
                    "SEX",
                    Some(sex_raw),
                    Some("101"),
                    Severity::Warning,
                    msg,
                );
            }
        }
        if let (Some(y), Some(d)) = (year, dob)
            && d > y.end()
        {
            conv.report(
                row,
                "DOB",
                None,
                Some("301"),
                Severity::Warning,
                format!("the date of birth is after the end of the {y} collection year"),
            );
        }
        if let (false, Some(id), Some(sex), Some(dob), Some(ethnicity)) =
            (conv.failed, id, sex, dob, ethnicity)
        {
            if uasc_flag {
                header_uasc.insert(id.clone());
            }
            ret.children.push(Located {
                record: Child {
                    id,
                    sex,
                    date_of_birth: dob,
                    ethnicity,
                    upn: Conv::text(row, "UPN"),
                    mother,
                    mothers_child_dob: mc_dob,
                    uasc: None,
                    name: None,
                },
                source: row.source(),
            });
        }
    }
    dedupe(
        &mut ret.children,
        |c| c.id.clone(),
        "the Header",
        conv.problems,
    );
    let dobs: HashMap<ChildId, NaiveDate> = ret
        .children
        .iter()
        .map(|c| (c.record.id.clone(), c.record.date_of_birth))
        .collect();
    let has_header = ret.tables.contains(&Table::Header);
    // Every CHILD of the Header, including rows refused for another problem
    // (their children are not reported again as missing from the Header).
    // Only a valid CHILD is ever looked up, so only those are kept (as
    // identifiers, not a string each).
    let header_ids: foldhash::HashSet<ChildId> = used
        .iter()
        .filter(|r| r.table() == Table::Header)
        .filter_map(|r| r.get("CHILD").parse().ok())
        .collect();

    // Checks shared by the tables keyed on CHILD: not in the Header
    // (INT01–INT09) and a DOB differing from it (INT11–INT18), numbered per
    // table as the DfE validator does.
    let against_header = |conv: &mut Conv, row: &RawRow, id: &ChildId| {
        if !has_header {
            return;
        }
        match dobs.get(id) {
            None if header_ids.contains(id) => {}
            None => conv.report(
                row,
                "CHILD",
                Some(id.as_str()),
                row.table().not_in_header_rule(),
                Severity::Fatal,
                format!(
                    "the child is in the {} table but not in the Header",
                    row.table()
                ),
            ),
            Some(dob) => {
                if row.table().columns().contains(&"DOB")
                    && let Ok(d) = parse_uk_date(row.get("DOB"))
                    && d != *dob
                {
                    conv.report(
                        row,
                        "DOB",
                        None,
                        row.table().dob_differs_rule(),
                        Severity::Warning,
                        format!(
                            "DOB in the {} table differs from the child's date of birth in the Header (the Header's is used)",
                            row.table()
                        ),
                    );
                }
            }
        }
    };

    // The tables kept as rows are checked against the Header too.
    for row in ret.other_tables.iter().flat_map(|t| &t.rows) {
        if let Ok(id) = row.get("CHILD").parse::<ChildId>() {
            conv.begin(row);
            against_header(&mut conv, row, &id);
        }
    }

    for row in used {
        let row = &row;
        conv.begin(row);
        match row.table() {
            Table::Header => {}
            Table::Episodes => {
                let id = conv.child_id(row);
                if let Some(id) = &id {
                    against_header(&mut conv, row, id);
                }
                let start = conv.date(
                    row,
                    "DECOM",
                    Some("141"),
                    Some("every episode needs the date it began (DECOM)"),
                );
                let rne: Option<ReasonNewEpisode> = conv.code(
                    row,
                    "RNE",
                    Some("143"),
                    Some("every episode needs a reason for new episode (RNE)"),
                );
                let ls: Option<LegalStatus> = conv.code(
                    row,
                    "LS",
                    Some("144"),
                    Some("every episode needs a legal status (LS)"),
                );
                let cin: Option<CategoryOfNeed> = conv.code(row, "CIN", Some("145"), None);
                if row.get("CIN").is_empty() {
                    conv.report(
                        row,
                        "CIN",
                        None,
                        Some("145"),
                        Severity::Warning,
                        "CIN is blank: every episode should have a category of need N1–N8".into(),
                    );
                }
                let place: Option<PlacementType> = conv.code(
                    row,
                    "PLACE",
                    Some("146"),
                    Some("every episode needs a placement type (PLACE)"),
                );
                let provider: Option<PlacementProvider> =
                    conv.code(row, "PLACE_PROVIDER", Some("178"), None);
                let end = conv.date(row, "DEC", Some("147"), None);
                let rec: Option<ReasonEpisodeCeased> = conv.code(row, "REC", Some("149"), None);
                let rpc: Option<ReasonPlaceChange> =
                    conv.code(row, "REASON_PLACE_CHANGE", Some("1009"), None);
                if let (Some(y), Some(p), Some(s)) = (year, place, start) {
                    let py = placement_year(y, s, end);
                    if !p.valid_in_collection_year(py.start_year()) {
                        conv.report(
                            row,
                            "PLACE",
                            Some(p.code()),
                            Some("146"),
                            Severity::Fatal,
                            format!(
                                "placement type {p} is not in the {py} list of placement types"
                            ),
                        );
                    }
                }
                if let (Some(provider), Some(p), Some(s)) = (provider, place, start) {
                    let py =
                        year.map_or_else(|| CollectionYear::of(s), |y| placement_year(y, s, end));
                    if let Some(list) = placement_without_provider(p, py) {
                        conv.report(
                            row,
                            "PLACE_PROVIDER",
                            Some(provider.code()),
                            Some("178"),
                            Severity::Warning,
                            format!(
                                "PLACE_PROVIDER is {provider} but placement type {p} has no placement provider ({list} in the {py} list): leave PLACE_PROVIDER blank"
                            ),
                        );
                    }
                }
                // A DECOM after the end of the year: DfE rule 354, in
                // `rules::episodes`.
                if let (
                    false,
                    Some(child),
                    Some(start),
                    Some(reason_new),
                    Some(legal_status),
                    Some(placement),
                ) = (conv.failed, id, start, rne, ls, place)
                {
                    ret.episodes.push(Located {
                        record: Episode {
                            child,
                            start,
                            end,
                            reason_new,
                            legal_status,
                            category_of_need: cin,
                            placement,
                            provider,
                            reason_ceased: rec,
                            reason_place_change: rpc,
                            home_postcode: Conv::text(row, "HOME_POST"),
                            placement_postcode: Conv::text(row, "PL_POST"),
                            urn: Conv::text(row, "URN"),
                        },
                        source: row.source(),
                    });
                }
            }
            Table::Reviews => {
                let id = conv.child_id(row);
                if let Some(id) = &id {
                    against_header(&mut conv, row, id);
                }
                conv.date(row, "DOB", None, None);
                let date_raw = row.get("REVIEW");
                let code_raw = row.get("REVIEW_CODE");
                if date_raw.is_empty() && code_raw.is_empty() {
                    conv.report(
                        row,
                        "REVIEW",
                        None,
                        Some("166"),
                        Severity::Warning,
                        "the row has neither a review date (REVIEW) nor a participation code (REVIEW_CODE); it was ignored".into(),
                    );
                    continue;
                }
                let date = conv.date(row, "REVIEW", Some("166"), None);
                let code: Option<ParticipationCode> =
                    conv.code(row, "REVIEW_CODE", Some("167"), None);
                if date_raw.is_empty() {
                    conv.report(
                        row,
                        "REVIEW",
                        Some(code_raw),
                        Some("167"),
                        Severity::Fatal,
                        format!("REVIEW_CODE is {code_raw} but REVIEW is blank: a participation code needs the date of the review"),
                    );
                } else if code_raw.is_empty() {
                    conv.report(
                        row,
                        "REVIEW_CODE",
                        None,
                        Some("167"),
                        Severity::Warning,
                        format!("REVIEW_CODE is blank but REVIEW is {date_raw}: every review needs a participation code PN0–PN7"),
                    );
                }
                if let (Some(y), Some(d)) = (year, date)
                    && d > y.end()
                {
                    conv.report(
                        row,
                        "REVIEW",
                        Some(date_raw),
                        None,
                        Severity::Warning,
                        format!("REVIEW {date_raw} is after the end of the {y} collection year"),
                    );
                }
                if let (false, Some(child), Some(date)) = (conv.failed, id, date) {
                    ret.reviews.push(Located {
                        record: Review {
                            child,
                            date,
                            participation: code,
                            details: None,
                        },
                        source: row.source(),
                    });
                }
            }
            Table::Uasc => {
                let id = conv.child_id(row);
                if let Some(id) = &id {
                    against_header(&mut conv, row, id);
                }
                let sex: Option<Sex> = conv.code(row, "SEX", Some("101"), None);
                let dob = conv.date(row, "DOB", None, None);
                let ceased = conv.date(row, "DUC", Some("104"), None);
                if let (false, Some(child)) = (conv.failed, id) {
                    ret.uasc.push(Located {
                        record: UascRow {
                            child,
                            sex,
                            date_of_birth: dob,
                            ceased,
                        },
                        source: row.source(),
                    });
                }
            }
            Table::Missing => {
                let id = conv.child_id(row);
                if let Some(id) = &id {
                    against_header(&mut conv, row, id);
                }
                conv.date(row, "DOB", None, None);
                let kind: Option<MissingKind> = conv.code(
                    row,
                    "MISSING",
                    Some("1006"),
                    Some("every missing row needs its type, M (missing) or A (away without authorisation)"),
                );
                let start = conv.date(
                    row,
                    "MIS_START",
                    Some("1004"),
                    Some("every missing row needs the date it started (MIS_START)"),
                );
                let end = conv.date(row, "MIS_END", Some("1005"), None);
                if let (Some(s), Some(e)) = (start, end)
                    && e < s
                {
                    conv.report(
                        row,
                        "MIS_END",
                        Some(row.get("MIS_END")),
                        Some("567"),
                        Severity::Fatal,
                        format!(
                            "MIS_END {} is before MIS_START {}: the missing period ends before it starts",
                            format_uk(e),
                            format_uk(s)
                        ),
                    );
                }
                if let (false, Some(child), Some(kind), Some(start)) =
                    (conv.failed, id, kind, start)
                {
                    ret.missing.push(Located {
                        record: MissingEpisode {
                            child,
                            kind,
                            start,
                            end,
                        },
                        source: row.source(),
                    });
                }
            }
            Table::Oc2 => {
                let id = conv.child_id(row);
                if let Some(id) = &id {
                    against_header(&mut conv, row, id);
                }
                conv.date(row, "DOB", None, None);
                let sdq_score = conv.sdq_score(row);
                let sdq_reason: Option<SdqReason> = conv.code(row, "SDQ_REASON", Some("196"), None);
                let flags = [
                    "CONVICTED",
                    "HEALTH_CHECK",
                    "IMMUNISATIONS",
                    "TEETH_CHECK",
                    "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE",
                    "INTERVENTION_RECEIVED",
                    "INTERVENTION_OFFERED",
                ]
                .map(|col| conv.flag(row, col));
                let score_raw = row.get("SDQ_SCORE");
                let reason_raw = row.get("SDQ_REASON");
                if !score_raw.is_empty() && !reason_raw.is_empty() {
                    conv.report(
                        row,
                        "SDQ_REASON",
                        Some(reason_raw),
                        Some("197a"),
                        Severity::Warning,
                        format!("SDQ_SCORE is {score_raw} and SDQ_REASON is {reason_raw}: a reason for no SDQ score is not needed when there is a score (the score is used)"),
                    );
                }
                // A blank score and reason: DfE rules 186 (aged 4 to 16
                // through the year) and 197B (turning 4 or 17 in it), in
                // `rules::oc2_health`.
                if let (false, Some(child)) = (conv.failed, id) {
                    match year {
                        Some(year) => {
                            let [
                                convicted,
                                health_check,
                                immunisations,
                                teeth_check,
                                health_assessment,
                                substance_misuse,
                                intervention_received,
                                intervention_offered,
                            ] = flags;
                            ret.health_outcomes.push(Located {
                                record: HealthOutcomes {
                                    child,
                                    year,
                                    sdq_score,
                                    sdq_reason: if sdq_score.is_some() {
                                        None
                                    } else {
                                        sdq_reason
                                    },
                                    convicted,
                                    health_check,
                                    immunisations,
                                    teeth_check,
                                    health_assessment,
                                    substance_misuse,
                                    intervention_received,
                                    intervention_offered,
                                },
                                source: row.source(),
                            });
                        }
                        None => conv.report(
                            row,
                            "CHILD",
                            None,
                            None,
                            Severity::Fatal,
                            "the collection year of this OC2 row is not known (the return has no dates to infer it from): give the year".into(),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    let others = std::mem::take(&mut ret.other_tables);
    for row in others.iter().flat_map(|t| &t.rows) {
        conv.begin(row);
        other_row(&mut conv, row, year, &mut other);
    }
    ret.other_tables = others;
    let problems = conv.problems;
    dedupe(
        &mut ret.episodes,
        |e| (e.child.clone(), e.start),
        "Episodes (same CHILD and DECOM)",
        problems,
    );
    dedupe(
        &mut ret.reviews,
        |r| (r.child.clone(), r.date),
        "Reviews (same CHILD and REVIEW)",
        problems,
    );
    dedupe(
        &mut ret.missing,
        |m| (m.child.clone(), m.start),
        "Missing (same CHILD and MIS_START)",
        problems,
    );
    dedupe(
        &mut ret.health_outcomes,
        |h| (h.child.clone(), h.year),
        "OC2 (same CHILD)",
        problems,
    );
    dedupe(
        &mut ret.uasc,
        |u| u.child.clone(),
        "UASC (same CHILD)",
        problems,
    );

    other.finish(&mut ret.return_tables, problems);

    // Fold UASC into the children.
    let uasc: HashMap<ChildId, Option<NaiveDate>> = ret
        .uasc
        .iter()
        .map(|u| (u.record.child.clone(), u.record.ceased))
        .collect();
    for c in &mut ret.children {
        if let Some(ceased) = uasc.get(&c.record.id) {
            c.record.uasc = Some(UascStatus { ceased: *ceased });
        } else if header_uasc.contains(&c.record.id) {
            c.record.uasc = Some(UascStatus { ceased: None });
        }
    }
    ret
}

/// Rows with the same key: an exact repeat is dropped with a warning; two
/// different rows with the same key cannot both be stored (fatal).
fn dedupe<T: PartialEq, K: Hash + Eq>(
    items: &mut Vec<Located<T>>,
    key: impl Fn(&T) -> K,
    what: &str,
    problems: &mut Vec<Problem>,
) {
    let mut first: HashMap<K, usize> = HashMap::new();
    let mut keep = vec![true; items.len()];
    for (i, item) in items.iter().enumerate() {
        let k = key(&item.record);
        if let Some(&j) = first.get(&k) {
            let earlier: &SourceRef = &items[j].source;
            if items[j].record == item.record {
                keep[i] = false;
                problems.push(Problem::at(
                    &item.source,
                    None,
                    None,
                    None,
                    Severity::Warning,
                    if what.starts_with("Episodes") {
                        format!("this row repeats the row at {earlier} exactly; it was read once (the DfE's validation reports a repeated episode as an overlap, rule 501: remove it before the return is submitted)")
                    } else {
                        format!("this row repeats the row at {earlier} exactly; it was read once")
                    },
                ));
            } else {
                problems.push(Problem::at(
                    &item.source,
                    None,
                    None,
                    None,
                    Severity::Fatal,
                    format!("duplicate row in {what}: the row at {earlier} has the same key but different values"),
                ));
            }
        } else {
            first.insert(k, i);
        }
    }
    let mut it = keep.into_iter();
    items.retain(|_| it.next().unwrap_or(true));
}

/// The records of the other tables as read, before repeats are looked for.
#[derive(Default)]
struct OtherRecords {
    care_leavers: Vec<Located<CareLeaverOutcome>>,
    adoptions: Vec<Located<Adoption>>,
    adoption_decisions: Vec<Located<AdoptionDecision>>,
    previous_permanence: Vec<Located<PreviousPermanence>>,
    social_workers: Vec<Located<SocialWorkerEpisode>>,
    deprivation_of_liberty: Vec<Located<DeprivationOfLiberty>>,
}

impl OtherRecords {
    /// Drops exact repeats (warning), reports different rows of the same
    /// key (fatal), and moves the records into `out`, sorted.
    fn finish(mut self, out: &mut ReturnTables, problems: &mut Vec<Problem>) {
        dedupe(
            &mut self.care_leavers,
            |r| r.child.clone(),
            "OC3 (same CHILD)",
            problems,
        );
        dedupe(
            &mut self.adoptions,
            |r| r.child.clone(),
            "AD1 (same CHILD)",
            problems,
        );
        dedupe(
            &mut self.adoption_decisions,
            |r| (r.child.clone(), r.decided),
            "PlacedAdoption (same CHILD and DATE_PLACED)",
            problems,
        );
        dedupe(
            &mut self.previous_permanence,
            |r| r.child.clone(),
            "PrevPerm (same CHILD)",
            problems,
        );
        dedupe(
            &mut self.social_workers,
            |r| (r.child.clone(), r.start),
            "SWEpisodes (same CHILD and SW_DECOM)",
            problems,
        );
        dedupe(
            &mut self.deprivation_of_liberty,
            |r| (r.child.clone(), r.start),
            "DoLo (same CHILD and DOLO_START)",
            problems,
        );
        fn records<T>(v: Vec<Located<T>>) -> Vec<T> {
            v.into_iter().map(|l| l.record).collect()
        }
        let mut t = ReturnTables {
            care_leavers: records(self.care_leavers),
            adoptions: records(self.adoptions),
            adoption_decisions: records(self.adoption_decisions),
            previous_permanence: records(self.previous_permanence),
            social_workers: records(self.social_workers),
            deprivation_of_liberty: records(self.deprivation_of_liberty),
        };
        out.append(&mut t);
    }
}

impl Conv<'_> {
    /// A 0/1 value, blank when not known; `what` says what 1 means.
    fn yes_no(&mut self, row: &RawRow, col: &str, what: &str) -> Option<bool> {
        match row.get(col) {
            "" => None,
            "1" => Some(true),
            "0" => Some(false),
            other => {
                self.report(
                    row,
                    col,
                    Some(other),
                    None,
                    Severity::Fatal,
                    format!("{col} is {other:?}: expected 1 ({what}), 0 or blank"),
                );
                None
            }
        }
    }
}

/// Whether `v` is a DATE_PERM: dd/mm/yyyy with unknown parts written zz
/// (zz/mm/yyyy, zz/zz/yyyy or zz/zz/zzzz).
fn is_partial_date(v: &str) -> bool {
    if parse_uk_date(v).is_ok() {
        return true;
    }
    let parts: Vec<&str> = v.split('/').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let zs = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b == b'z' || b == b'Z');
    match parts.as_slice() {
        [d, m, y] => {
            (zs(d, 2) && digits(m, 2) && digits(y, 4) && (1..=12).contains(&m.parse().unwrap_or(0)))
                || (zs(d, 2) && zs(m, 2) && digits(y, 4))
                || (zs(d, 2) && zs(m, 2) && zs(y, 4))
        }
        _ => false,
    }
}

/// One row of OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes or DoLo as a
/// record: dates that do not parse, codes not in their list and blank keys
/// are fatal for the row (as in the other tables); the rows of a year (OC3,
/// AD1, PrevPerm) need the collection year.
fn other_row(conv: &mut Conv, row: &RawRow, year: Option<CollectionYear>, out: &mut OtherRecords) {
    let id = conv.child_id(row);
    conv.date(row, "DOB", None, None);
    let of_year = matches!(row.table(), Table::Oc3 | Table::Ad1 | Table::PrevPerm);
    if of_year && year.is_none() && id.is_some() {
        conv.report(
            row,
            "CHILD",
            None,
            None,
            Severity::Fatal,
            format!(
                "the collection year of this {} row is not known (the return has no dates to infer it from): give the year",
                row.table()
            ),
        );
    }
    let source = row.source();
    match row.table() {
        Table::Oc3 => {
            let in_touch = conv.code(row, "IN_TOUCH", Some("131"), None);
            let activity: Option<CareLeaverActivity> = conv.code(row, "ACTIV", Some("132"), None);
            let accommodation: Option<CareLeaverAccommodation> =
                conv.code(row, "ACCOM", Some("133"), None);
            if let Some(y) = year {
                // F3, P3 and S1 are read from older returns only.
                let start = y.start_year();
                let mut superseded = Vec::new();
                if let Some(a) = activity.filter(|a| !a.valid_in_collection_year(start)) {
                    superseded.push(("ACTIV", a.code(), "132"));
                }
                if let Some(a) = accommodation.filter(|a| !a.valid_in_collection_year(start)) {
                    superseded.push(("ACCOM", a.code(), "133"));
                }
                for (field, code, rule) in superseded {
                    conv.report(
                        row,
                        field,
                        Some(code),
                        Some(rule),
                        Severity::Fatal,
                        format!("{field} {code} is not in the {y} list of codes"),
                    );
                }
            }
            if let (false, Some(child), Some(year)) = (conv.failed, id, year) {
                out.care_leavers.push(Located {
                    record: CareLeaverOutcome {
                        child,
                        year,
                        in_touch,
                        activity,
                        accommodation,
                    },
                    source,
                });
            }
        }
        Table::Ad1 => {
            let decided = conv.date(row, "DATE_INT", None, None);
            let matched = conv.date(row, "DATE_MATCH", None, None);
            let by_foster_carer = conv.yes_no(row, "FOSTER_CARE", "adopted by their foster carer");
            let adopters = match row.get("NB_ADOPTR") {
                "" => None,
                "1" => Some(1),
                "2" => Some(2),
                other => {
                    conv.report(
                        row,
                        "NB_ADOPTR",
                        Some(other),
                        Some("175"),
                        Severity::Fatal,
                        format!("NB_ADOPTR is {other:?}: the number of adopters is 1 or 2"),
                    );
                    None
                }
            };
            let adopters_sex = conv.code(row, "SEX_ADOPTR", Some("176"), None);
            let adopters_legal_status = conv.code(row, "LS_ADOPTR", Some("177"), None);
            if let (false, Some(child), Some(year)) = (conv.failed, id, year) {
                out.adoptions.push(Located {
                    record: Adoption {
                        child,
                        year,
                        decided,
                        matched,
                        by_foster_carer,
                        adopters,
                        adopters_sex,
                        adopters_legal_status,
                    },
                    source,
                });
            }
        }
        Table::PlacedAdoption => {
            let decided = conv.date(
                row,
                "DATE_PLACED",
                None,
                Some("every PlacedAdoption row needs the date of the decision (DATE_PLACED)"),
            );
            let ceased = conv.date(row, "DATE_PLACED_CEASED", None, None);
            let reason_ceased = conv.code(row, "REASON_PLACED_CEASED", Some("120"), None);
            if let (Some(s), Some(e)) = (decided, ceased)
                && e < s
            {
                conv.report(
                    row,
                    "DATE_PLACED_CEASED",
                    Some(row.get("DATE_PLACED_CEASED")),
                    None,
                    Severity::Fatal,
                    format!(
                        "DATE_PLACED_CEASED {} is before DATE_PLACED {}",
                        format_uk(e),
                        format_uk(s)
                    ),
                );
            }
            if let (false, Some(child), Some(decided)) = (conv.failed, id, decided) {
                out.adoption_decisions.push(Located {
                    record: AdoptionDecision {
                        child,
                        decided,
                        ceased,
                        reason_ceased,
                    },
                    source,
                });
            }
        }
        Table::PrevPerm => {
            let kind = conv.code(row, "PREV_PERM", Some("631"), None);
            let date = Conv::text(row, "DATE_PERM");
            if let Some(v) = &date
                && !is_partial_date(v)
            {
                conv.report(
                    row,
                    "DATE_PERM",
                    Some(v),
                    None,
                    Severity::Fatal,
                    format!("DATE_PERM is {v:?}: expected dd/mm/yyyy, with unknown parts as zz (zz/mm/yyyy, zz/zz/yyyy or zz/zz/zzzz)"),
                );
            }
            if let (false, Some(child), Some(year)) = (conv.failed, id, year) {
                out.previous_permanence.push(Located {
                    record: PreviousPermanence {
                        child,
                        year,
                        kind,
                        local_authority: Conv::text(row, "LA_PERM"),
                        date,
                    },
                    source,
                });
            }
        }
        Table::SwEpisodes => {
            let start = conv.date(
                row,
                "SW_DECOM",
                None,
                Some("every SWEpisodes row needs the date the social worker episode started (SW_DECOM)"),
            );
            let end = conv.date(row, "SW_DEC", None, None);
            let reason = conv.code(row, "SW_REASON", None, None);
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                conv.report(
                    row,
                    "SW_DEC",
                    Some(row.get("SW_DEC")),
                    None,
                    Severity::Fatal,
                    format!(
                        "SW_DEC {} is before SW_DECOM {}",
                        format_uk(e),
                        format_uk(s)
                    ),
                );
            }
            if let (false, Some(child), Some(start)) = (conv.failed, id, start) {
                out.social_workers.push(Located {
                    record: SocialWorkerEpisode {
                        child,
                        start,
                        end,
                        worker: Conv::text(row, "SW_ID"),
                        reason,
                    },
                    source,
                });
            }
        }
        Table::DoLo => {
            let start = conv.date(
                row,
                "DOLO_START",
                None,
                Some("every DoLo row needs the date the order started (DOLO_START)"),
            );
            let end = conv.date(row, "DOLO_END", None, None);
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                conv.report(
                    row,
                    "DOLO_END",
                    Some(row.get("DOLO_END")),
                    None,
                    Severity::Fatal,
                    format!(
                        "DOLO_END {} is before DOLO_START {}",
                        format_uk(e),
                        format_uk(s)
                    ),
                );
            }
            if let (false, Some(child), Some(start)) = (conv.failed, id, start) {
                out.deprivation_of_liberty.push(Located {
                    record: DeprivationOfLiberty { child, start, end },
                    source,
                });
            }
        }
        _ => {}
    }
}
