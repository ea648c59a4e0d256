//! Writing a collection year's 903 return, in the CSV and XML forms.
//!
//! What goes in the return for year Y (1 April to 31 March):
//! * Episodes: every episode open at any time in Y: DECOM <= 31 March and
//!   (DEC blank or DEC >= 1 April). An episode that ends after 31 March is
//!   written open: DEC, REC and REASON_PLACE_CHANGE blank, as the DfE return
//!   for Y knew it.
//! * Reviews: reviews dated in Y.
//! * Missing: missing periods overlapping Y; an end after 31 March is
//!   written blank, like DEC.
//! * OC2: the health outcomes recorded for Y; OC3, AD1 and PrevPerm: their
//!   records of Y.
//! * PlacedAdoption, SWEpisodes (from 2023-24) and DoLo (from 2026-27):
//!   those open at any time in Y of the children with an episode in Y; an
//!   end after 31 March is written blank (with REASON_PLACED_CEASED).
//! * Header: every child in any table of the year.
//! * UASC: the children in the Header with UASC status (in XML, the `UASC`
//!   element only for them).
//!
//! SEX is spelled for the year (1/2 up to 2023-24, M/F/U from 2024-25).
//! Rendering is pure ([`render_csv`], [`render_xml`]); [`write_csv`] and
//! [`write_xml`] only put the text in files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use footprint_domain::dates::{CollectionYear, format_uk};
use footprint_domain::model::{
    Child, ChildId, Dataset, Episode, HealthOutcomes, MissingEpisode, Review,
};
use footprint_domain::return_tables::{
    Adoption, AdoptionDecision, CareLeaverOutcome, DeprivationOfLiberty, PreviousPermanence,
    SocialWorkerEpisode, TableRecord,
};

use crate::tables::Table;

/// The records of one collection year's return, in the order written.
struct YearReturn<'a> {
    year: CollectionYear,
    children: Vec<&'a Child>,
    episodes: Vec<&'a Episode>,
    reviews: Vec<&'a Review>,
    missing: Vec<&'a MissingEpisode>,
    health_outcomes: Vec<&'a HealthOutcomes>,
    care_leavers: Vec<&'a CareLeaverOutcome>,
    adoptions: Vec<&'a Adoption>,
    adoption_decisions: Vec<&'a AdoptionDecision>,
    previous_permanence: Vec<&'a PreviousPermanence>,
    social_workers: Vec<&'a SocialWorkerEpisode>,
    deprivation_of_liberty: Vec<&'a DeprivationOfLiberty>,
    /// The children with an episode in the year.
    in_care: BTreeSet<ChildId>,
}

/// The records of `list` in `year`'s return: those of the year (of a child
/// in `known`), or the spans open at any time in it of a child in `in_care`
/// (with an episode in the year: the DfE asks for no PlacedAdoption,
/// SWEpisodes or DoLo rows of a child not looked after in the year, rule
/// 1012); none before the table's first year.
fn in_year<'a, T: TableRecord>(
    list: &'a [T],
    year: CollectionYear,
    table: Table,
    known: &BTreeSet<&ChildId>,
    in_care: &BTreeSet<&ChildId>,
) -> Vec<&'a T> {
    if table
        .first_year()
        .is_some_and(|first| year.start_year() < first)
    {
        return Vec::new();
    }
    let mut out: Vec<&T> = list
        .iter()
        .filter(|r| match r.year() {
            Some(y) => y == year && known.contains(r.child()),
            None => {
                in_care.contains(r.child())
                    && r.key() <= year.end()
                    && r.end().is_none_or(|end| end >= year.start())
            }
        })
        .collect();
    out.sort_by(|a, b| (a.child(), a.key()).cmp(&(b.child(), b.key())));
    out
}

impl<'a> YearReturn<'a> {
    fn select(ds: &'a Dataset, year: CollectionYear) -> Self {
        let known: BTreeSet<&ChildId> = ds.children.iter().map(|c| &c.id).collect();
        let mut episodes: Vec<&Episode> = ds
            .episodes
            .iter()
            .filter(|e| {
                known.contains(&e.child)
                    && e.start <= year.end()
                    && e.end.is_none_or(|end| end >= year.start())
            })
            .collect();
        episodes.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
        let mut reviews: Vec<&Review> = ds
            .reviews
            .iter()
            .filter(|r| known.contains(&r.child) && year.contains(r.date))
            .collect();
        reviews.sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
        let mut missing: Vec<&MissingEpisode> = ds
            .missing
            .iter()
            .filter(|m| {
                known.contains(&m.child)
                    && m.start <= year.end()
                    && m.end.is_none_or(|end| end >= year.start())
            })
            .collect();
        missing.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
        let mut health_outcomes: Vec<&HealthOutcomes> = ds
            .health_outcomes
            .iter()
            .filter(|h| h.year == year && known.contains(&h.child))
            .collect();
        health_outcomes.sort_by(|a, b| a.child.cmp(&b.child));
        let t = &ds.return_tables;
        let in_care: BTreeSet<&ChildId> = episodes.iter().map(|e| &e.child).collect();
        let (k, c) = (&known, &in_care);
        let care_leavers = in_year(&t.care_leavers, year, Table::Oc3, k, c);
        let adoptions = in_year(&t.adoptions, year, Table::Ad1, k, c);
        let adoption_decisions = in_year(&t.adoption_decisions, year, Table::PlacedAdoption, k, c);
        let previous_permanence = in_year(&t.previous_permanence, year, Table::PrevPerm, k, c);
        let social_workers = in_year(&t.social_workers, year, Table::SwEpisodes, k, c);
        let deprivation_of_liberty = in_year(&t.deprivation_of_liberty, year, Table::DoLo, k, c);
        // The Header: every child in any table of the year (a care leaver
        // with only an OC2 or OC3 row, a child with a review but no episode).
        let in_return: BTreeSet<&ChildId> = episodes
            .iter()
            .map(|e| &e.child)
            .chain(reviews.iter().map(|r| &r.child))
            .chain(missing.iter().map(|m| &m.child))
            .chain(health_outcomes.iter().map(|h| &h.child))
            .chain(care_leavers.iter().map(|r| &r.child))
            .chain(adoptions.iter().map(|r| &r.child))
            .chain(adoption_decisions.iter().map(|r| &r.child))
            .chain(previous_permanence.iter().map(|r| &r.child))
            .chain(social_workers.iter().map(|r| &r.child))
            .chain(deprivation_of_liberty.iter().map(|r| &r.child))
            .collect();
        let mut children: Vec<&Child> = ds
            .children
            .iter()
            .filter(|c| in_return.contains(&c.id))
            .collect();
        children.sort_by(|a, b| a.id.cmp(&b.id));
        children.dedup_by(|a, b| a.id == b.id);
        YearReturn {
            year,
            children,
            episodes,
            reviews,
            missing,
            health_outcomes,
            care_leavers,
            adoptions,
            adoption_decisions,
            previous_permanence,
            social_workers,
            deprivation_of_liberty,
            in_care: in_care.into_iter().cloned().collect(),
        }
    }

    /// An end date as the return for the year knows it.
    fn known_end(&self, end: Option<NaiveDate>) -> Option<NaiveDate> {
        end.filter(|d| *d <= self.year.end())
    }

    fn sex(&self, c: &Child) -> &'static str {
        c.sex.code_for_collection_year(self.year.start_year())
    }

    /// The child's UASC status as the year's return gives it: only for a
    /// child looked after in the year (DfE rule 1014: no UASC information
    /// for a care leaver who was not), in the UASC table and the XML's
    /// HEADER alike.
    fn uasc(&self, c: &'a Child) -> Option<&'a footprint_domain::model::UascStatus> {
        c.uasc.as_ref().filter(|_| self.in_care.contains(&c.id))
    }

    fn child(&self, id: &ChildId) -> Option<&'a Child> {
        self.children
            .binary_search_by(|c| c.id.cmp(id))
            .ok()
            .map(|i| self.children[i])
    }
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(format_uk).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn mother(m: Option<bool>) -> String {
    flag(m)
}

/// A 0/1 field, blank when not known.
fn flag(m: Option<bool>) -> String {
    match m {
        Some(true) => "1".into(),
        Some(false) => "0".into(),
        None => String::new(),
    }
}

/// The values of each table's row, in the order of [`Table::columns`].
/// MOTHER and MC_DOB only for a child looked after in the year: a care
/// leaver in the Header for an OC3 row has them blank (DfE rule 628).
fn header_row(y: &YearReturn, c: &Child) -> Vec<String> {
    let looked_after = y.in_care.contains(&c.id);
    vec![
        c.id.to_string(),
        y.sex(c).into(),
        format_uk(c.date_of_birth),
        c.ethnicity.code().into(),
        c.upn.clone().unwrap_or_default(),
        if looked_after {
            mother(c.mother)
        } else {
            String::new()
        },
        if looked_after {
            date(c.mothers_child_dob)
        } else {
            String::new()
        },
    ]
}

fn episode_row(y: &YearReturn, e: &Episode) -> Vec<String> {
    let end = y.known_end(e.end);
    // The end after 31 March is a later return's; a REC held without a DEC
    // (as a return sent it) is written as held, so that reading the return
    // gives the same record.
    let closed = e.end == end;
    vec![
        e.child.to_string(),
        format_uk(e.start),
        e.reason_new.code().into(),
        e.legal_status.code().into(),
        opt(e.category_of_need),
        e.placement.code().into(),
        opt(e.provider),
        date(end),
        if closed {
            opt(e.reason_ceased)
        } else {
            String::new()
        },
        if closed {
            opt(e.reason_place_change)
        } else {
            String::new()
        },
        e.home_postcode.clone().unwrap_or_default(),
        e.placement_postcode.clone().unwrap_or_default(),
        e.urn.clone().unwrap_or_default(),
    ]
}

/// An OC2 row's values after CHILD and DOB (`SDQ_SCORE` to
/// `INTERVENTION_OFFERED`, in the DfE's order).
fn oc2_values(h: &HealthOutcomes) -> [String; 10] {
    [
        opt(h.sdq_score),
        opt(h.sdq_reason),
        flag(h.convicted),
        flag(h.health_check),
        flag(h.immunisations),
        flag(h.teeth_check),
        flag(h.health_assessment),
        flag(h.substance_misuse),
        flag(h.intervention_received),
        flag(h.intervention_offered),
    ]
}

/// An OC3 row's values after CHILD and DOB.
fn oc3_values(r: &CareLeaverOutcome) -> [String; 3] {
    [opt(r.in_touch), opt(r.activity), opt(r.accommodation)]
}

/// An AD1 row's values after CHILD and DOB.
fn ad1_values(r: &Adoption) -> [String; 6] {
    [
        date(r.decided),
        date(r.matched),
        flag(r.by_foster_carer),
        opt(r.adopters),
        opt(r.adopters_sex),
        opt(r.adopters_legal_status),
    ]
}

/// A PlacedAdoption row's values after CHILD and DOB, as the year knows
/// them (a decision that ceased after 31 March is written open).
fn placed_values(y: &YearReturn, r: &AdoptionDecision) -> [String; 3] {
    let ceased = y.known_end(r.ceased);
    [
        format_uk(r.decided),
        date(ceased),
        if ceased == r.ceased {
            opt(r.reason_ceased)
        } else {
            String::new()
        },
    ]
}

/// A PrevPerm row's values after CHILD and DOB.
fn prev_perm_values(r: &PreviousPermanence) -> [String; 3] {
    [
        opt(r.kind),
        r.local_authority.clone().unwrap_or_default(),
        r.date.clone().unwrap_or_default(),
    ]
}

/// A SWEpisodes row's values after CHILD and DOB.
fn sw_values(y: &YearReturn, r: &SocialWorkerEpisode) -> [String; 4] {
    [
        r.worker.clone().unwrap_or_default(),
        format_uk(r.start),
        date(y.known_end(r.end)),
        opt(r.reason),
    ]
}

/// A DoLo row's values after CHILD and DOB.
fn dolo_values(y: &YearReturn, r: &DeprivationOfLiberty) -> [String; 2] {
    [format_uk(r.start), date(y.known_end(r.end))]
}

/// The CSV files of a year's return: the six tables of every year, and
/// those the year has of OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes
/// (from 2023-24) and DoLo (from 2026-27).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvReturn {
    pub header: String,
    pub episodes: String,
    pub reviews: String,
    pub uasc: String,
    pub missing: String,
    pub oc2: String,
    /// The other tables the year has, in the DfE's order, each with its
    /// CSV text (written even when empty, so the return is whole).
    pub others: Vec<(Table, String)>,
}

impl CsvReturn {
    /// Each file's conventional name and content.
    pub fn files(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![
            ("header.csv", self.header.as_str()),
            ("episodes.csv", &self.episodes),
            ("reviews.csv", &self.reviews),
            ("uasc.csv", &self.uasc),
            ("missing.csv", &self.missing),
            ("oc2.csv", &self.oc2),
        ];
        out.extend(
            self.others
                .iter()
                .map(|(t, text)| (t.file_name(), text.as_str())),
        );
        out
    }

    /// The CSV text of `table`, when the year has it.
    pub fn table(&self, table: Table) -> Option<&str> {
        self.files()
            .into_iter()
            .find(|(name, _)| *name == table.file_name())
            .map(|(_, text)| text)
    }
}

fn csv_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

fn csv_table(table: Table, rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = table.columns().join(",");
    out.push_str("\r\n");
    for row in rows {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, v);
        }
        out.push_str("\r\n");
    }
    out
}

/// The CSV form of `year`'s return (DfE column names and order, dates
/// dd/mm/yyyy, CRLF line ends).
pub fn render_csv(ds: &Dataset, year: CollectionYear) -> CsvReturn {
    let y = YearReturn::select(ds, year);
    let header = csv_table(Table::Header, y.children.iter().map(|c| header_row(&y, c)));
    let episodes = csv_table(
        Table::Episodes,
        y.episodes.iter().map(|e| episode_row(&y, e)),
    );
    let reviews = csv_table(
        Table::Reviews,
        y.reviews.iter().filter_map(|r| {
            let c = y.child(&r.child)?;
            Some(vec![
                r.child.to_string(),
                format_uk(c.date_of_birth),
                format_uk(r.date),
                opt(r.participation),
            ])
        }),
    );
    let uasc = csv_table(
        Table::Uasc,
        y.children.iter().filter_map(|c| {
            let u = y.uasc(c)?;
            Some(vec![
                c.id.to_string(),
                y.sex(c).into(),
                format_uk(c.date_of_birth),
                date(u.ceased),
            ])
        }),
    );
    let missing = csv_table(
        Table::Missing,
        y.missing.iter().filter_map(|m| {
            let c = y.child(&m.child)?;
            Some(vec![
                m.child.to_string(),
                format_uk(c.date_of_birth),
                m.kind.code().into(),
                format_uk(m.start),
                date(y.known_end(m.end)),
            ])
        }),
    );
    let oc2 = csv_table(
        Table::Oc2,
        y.health_outcomes.iter().filter_map(|h| {
            let c = y.child(&h.child)?;
            let mut row = vec![h.child.to_string(), format_uk(c.date_of_birth)];
            row.extend(oc2_values(h));
            Some(row)
        }),
    );
    // The other tables: CHILD, DOB, then the table's own values.
    fn rows<'r, T: TableRecord + 'r, const N: usize>(
        y: &'r YearReturn,
        list: &'r [&T],
        values: impl Fn(&T) -> [String; N] + 'r,
    ) -> impl Iterator<Item = Vec<String>> + 'r {
        list.iter().filter_map(move |r| {
            let c = y.child(r.child())?;
            let mut row = vec![c.id.to_string(), format_uk(c.date_of_birth)];
            row.extend(values(r));
            Some(row)
        })
    }
    let mut others = vec![
        (
            Table::Oc3,
            csv_table(Table::Oc3, rows(&y, &y.care_leavers, oc3_values)),
        ),
        (
            Table::Ad1,
            csv_table(Table::Ad1, rows(&y, &y.adoptions, ad1_values)),
        ),
        (
            Table::PlacedAdoption,
            csv_table(
                Table::PlacedAdoption,
                rows(&y, &y.adoption_decisions, |r| placed_values(&y, r)),
            ),
        ),
        (
            Table::PrevPerm,
            csv_table(
                Table::PrevPerm,
                rows(&y, &y.previous_permanence, prev_perm_values),
            ),
        ),
    ];
    for (table, text) in [
        (
            Table::SwEpisodes,
            csv_table(
                Table::SwEpisodes,
                rows(&y, &y.social_workers, |r| sw_values(&y, r)),
            ),
        ),
        (
            Table::DoLo,
            csv_table(
                Table::DoLo,
                rows(&y, &y.deprivation_of_liberty, |r| dolo_values(&y, r)),
            ),
        ),
    ] {
        if table
            .first_year()
            .is_none_or(|first| year.start_year() >= first)
        {
            others.push((table, text));
        }
    }
    CsvReturn {
        header,
        episodes,
        reviews,
        uasc,
        missing,
        oc2,
        others,
    }
}

fn escape_xml(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for ch in v.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn element(out: &mut String, indent: usize, name: &str, value: &str) {
    out.push_str(&"  ".repeat(indent));
    if value.is_empty() {
        out.push_str(&format!("<{name} />\n"));
    } else {
        out.push_str(&format!("<{name}>{}</{name}>\n", escape_xml(value)));
    }
}

fn open(out: &mut String, indent: usize, name: &str) {
    out.push_str(&format!("{}<{name}>\n", "  ".repeat(indent)));
}

fn close(out: &mut String, indent: usize, name: &str) {
    out.push_str(&format!("{}</{name}>\n", "  ".repeat(indent)));
}

/// The XML form (`EXPSSDA903`) of `year`'s return: one `CHILD` per child in
/// the Header, with its reviews and missing periods inside `HEADER` and its
/// episodes after it. One element per line.
pub fn render_xml(ds: &Dataset, year: CollectionYear) -> String {
    let y = YearReturn::select(ds, year);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EXPSSDA903>\n");
    for c in &y.children {
        open(&mut out, 1, "CHILD");
        open(&mut out, 2, "HEADER");
        let h = header_row(&y, c);
        element(&mut out, 3, "CHILDID", &h[0]);
        element(&mut out, 3, "UPN", &h[4]);
        element(&mut out, 3, "SEX", &h[1]);
        element(&mut out, 3, "DOB", &h[2]);
        element(&mut out, 3, "ETHNIC", &h[3]);
        // UASC only where the child is UASC.
        if y.uasc(c).is_some() {
            element(&mut out, 3, "UASC", "1");
        }
        if let Some(ceased) = y.uasc(c).and_then(|u| u.ceased) {
            element(&mut out, 3, "DUC", &format_uk(ceased));
        }
        // AD1 and OC3 as items of the HEADER (every item, blanks empty, so
        // that reading it back finds the row).
        if let Some(a) = y.adoptions.iter().find(|a| a.child == c.id) {
            for (name, v) in Table::Ad1.columns()[2..].iter().zip(ad1_values(a)) {
                element(&mut out, 3, name, &v);
            }
        }
        if let Some(o) = y.care_leavers.iter().find(|o| o.child == c.id) {
            for (name, v) in Table::Oc3.columns()[2..].iter().zip(oc3_values(o)) {
                element(&mut out, 3, name, &v);
            }
        }
        for m in y.missing.iter().filter(|m| m.child == c.id) {
            open(&mut out, 3, "AMISSING");
            element(&mut out, 4, "MISSING", m.kind.code());
            element(&mut out, 4, "MIS_START", &format_uk(m.start));
            element(&mut out, 4, "MIS_END", &date(y.known_end(m.end)));
            close(&mut out, 3, "AMISSING");
        }
        for r in y.reviews.iter().filter(|r| r.child == c.id) {
            open(&mut out, 3, "AREVIEW");
            element(&mut out, 4, "REVIEW", &format_uk(r.date));
            element(&mut out, 4, "REVIEW_CODE", &opt(r.participation));
            close(&mut out, 3, "AREVIEW");
        }
        element(&mut out, 3, "MOTHER", &h[5]);
        element(&mut out, 3, "MC_DOB", &h[6]);
        if let Some(oc2) = y.health_outcomes.iter().find(|o| o.child == c.id) {
            // The XSD's order: SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK
            // IMMUNISATIONS TEETH_CHECK HEALTH_ASSESSMENT SUBSTANCE_MISUSE
            // INTERVENTION_RECEIVED INTERVENTION_OFFERED (blanks left out).
            open(&mut out, 3, "OC2");
            for (name, v) in Table::Oc2.columns()[2..].iter().zip(oc2_values(oc2)) {
                if !v.is_empty() {
                    element(&mut out, 4, name, &v);
                }
            }
            close(&mut out, 3, "OC2");
        }
        for p in y.previous_permanence.iter().filter(|p| p.child == c.id) {
            open(&mut out, 3, "PERMANENCE");
            for (name, v) in Table::PrevPerm.columns()[2..]
                .iter()
                .zip(prev_perm_values(p))
            {
                element(&mut out, 4, name, &v);
            }
            close(&mut out, 3, "PERMANENCE");
        }
        for a in y.adoption_decisions.iter().filter(|a| a.child == c.id) {
            open(&mut out, 3, "AD_PLACED");
            for (name, v) in Table::PlacedAdoption.columns()[2..]
                .iter()
                .zip(placed_values(&y, a))
            {
                element(&mut out, 4, name, &v);
            }
            close(&mut out, 3, "AD_PLACED");
        }
        close(&mut out, 2, "HEADER");
        for e in y.episodes.iter().filter(|e| e.child == c.id) {
            let v = episode_row(&y, e);
            open(&mut out, 2, "EPISODE");
            // The XSD's order: DECOM RNE LS CIN PL PL_POST HOME_POST URN
            // PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE.
            for (name, i) in [
                ("DECOM", 1),
                ("RNE", 2),
                ("LS", 3),
                ("CIN", 4),
                ("PL", 5),
                ("PL_POST", 11),
                ("HOME_POST", 10),
                ("URN", 12),
                ("PLACE_PROVIDER", 6),
                ("DEC", 7),
                ("REC", 8),
                ("REASON_PLACE_CHANGE", 9),
            ] {
                element(&mut out, 3, name, &v[i]);
            }
            close(&mut out, 2, "EPISODE");
        }
        // SWEpisodes and DoLo have no place in the DfE's 2021 schema:
        // Footprint writes them after the episodes, as SWEPISODE and DOLO.
        for r in y.social_workers.iter().filter(|r| r.child == c.id) {
            open(&mut out, 2, "SWEPISODE");
            for (name, v) in Table::SwEpisodes.columns()[2..]
                .iter()
                .zip(sw_values(&y, r))
            {
                element(&mut out, 3, name, &v);
            }
            close(&mut out, 2, "SWEPISODE");
        }
        for r in y.deprivation_of_liberty.iter().filter(|r| r.child == c.id) {
            open(&mut out, 2, "DOLO");
            for (name, v) in Table::DoLo.columns()[2..].iter().zip(dolo_values(&y, r)) {
                element(&mut out, 3, name, &v);
            }
            close(&mut out, 2, "DOLO");
        }
        close(&mut out, 1, "CHILD");
    }
    out.push_str("</EXPSSDA903>\n");
    out
}

/// Writes the CSV files of `year`'s return into `dir` (created if needed):
/// `header.csv`, `episodes.csv`, `reviews.csv`, `uasc.csv`, `missing.csv`,
/// `oc2.csv`, `oc3.csv`, `ad1.csv`, `placed_for_adoption.csv`,
/// `previous_permanence.csv`, and from 2023-24 `sw_episodes.csv`, from 2026-27
/// `dolo.csv`; returns the paths.
pub fn write_csv(ds: &Dataset, year: CollectionYear, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let files = render_csv(ds, year);
    let mut paths = Vec::new();
    for (name, content) in files.files() {
        let path = dir.join(name);
        std::fs::write(&path, content)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Writes the XML form of `year`'s return to `path`.
pub fn write_xml(ds: &Dataset, year: CollectionYear, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, render_xml(ds, year))
}
