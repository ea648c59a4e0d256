//! The DfE's 903 validation rules: one registry, one home per rule.
//!
//! Every rule Footprint checks is registered once, in the module of its area
//! (`header`, `episodes`, `legal_status`, `placements`, `postcodes`,
//! `reviews`, `missing`, `oc2_health`, `uasc`, `previous_year`), as a [`Rule`]: its DfE
//! number as the DfE spells it (`"503A"`, `"INT03"`), a message in words a
//! performance analyst understands, the collection years it applies to, its
//! [`Severity`] and how it is checked ([`Check`]).
//!
//! Rules that share a shape are data, not code: a rule about one row (codes
//! that may not go together, a field required when another is filled in, a
//! date before a fixed date) is a list of [`Cond`]itions, all of which hold
//! on a row that breaks it; a minimum age for a placement type and a maximum
//! length of a placement type are one line each. Only rules that compare rows
//! (a child's episodes in order, last year's return) are functions.
//!
//! The rules of the `Reading` kind are checked while rows are read into
//! records (`convert.rs`: codes and dates that do not parse, children missing
//! from the Header); those of the `Records` kind on the records read
//! (`records.rs`: the chain of episodes, reviews against age). The others
//! run on the rows as read, as the DfE's validator does: a row is flagged
//! whether or not it could be made into a record.
//!
//! [`for_year`] picks a collection year's set; [`check_rows`] runs it.

mod adoption;
mod care_leavers;
mod dolo;
mod episodes;
mod header;
mod legal_status;
mod missing;
mod mothers_and_pupils;
mod oc2_health;
mod ofsted;
mod placements;
mod postcodes;
mod previous_year;
pub(crate) mod records;
mod reviews;
mod social_workers;
mod uasc;

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use hashbrown::HashTable;
use serde::Serialize;

use crate::problem::{Problem, Severity};
use crate::providers::Providers;
use crate::raw::{Col, RawRow};
use crate::tables::Table;

pub use records::{review_code_problem, validate};

/// The first and last collection years (by the calendar year they start in)
/// a rule applies to, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Years {
    pub first: i32,
    pub last: i32,
}

impl Years {
    /// The earliest collection year Footprint has rule sets for (2023-24).
    pub const EARLIEST: i32 = 2023;
    /// The latest (2026-27).
    pub const LATEST: i32 = 2026;
    /// Every year Footprint has rule sets for.
    pub const ALL: Years = Years {
        first: Self::EARLIEST,
        last: Self::LATEST,
    };

    pub const fn from(first: i32) -> Years {
        Years {
            first,
            last: Self::LATEST,
        }
    }

    pub const fn until(last: i32) -> Years {
        Years {
            first: Self::EARLIEST,
            last,
        }
    }

    pub fn contains(self, start_year: i32) -> bool {
        (self.first..=self.last).contains(&start_year)
    }
}

impl fmt::Display for Years {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = |s: i32| format!("{s}-{:02}", (s + 1) % 100);
        if self.first == self.last {
            write!(f, "{}", y(self.first))
        } else {
            write!(f, "{} to {}", y(self.first), y(self.last))
        }
    }
}

/// A condition on one row: a rule of the [`Check::Row`] shape flags a row
/// on which all its conditions hold. A blank value is in no list.
#[derive(Debug, Clone, Copy)]
pub enum Cond {
    /// The value is one of the codes.
    In(&'static str, &'static [&'static str]),
    /// The value is blank or none of the codes.
    NotIn(&'static str, &'static [&'static str]),
    Blank(&'static str),
    Filled(&'static str),
    /// A valid date before (day, month, year).
    DateBefore(&'static str, (u32, u32, i32)),
    /// A valid date after (day, month, year).
    DateAfter(&'static str, (u32, u32, i32)),
    /// A valid date after the end of the collection year.
    AfterYearEnd(&'static str),
    /// A valid date before the start of the collection year.
    BeforeYearStart(&'static str),
    /// Two valid dates, the first before the second.
    Earlier(&'static str, &'static str),
    /// Two valid dates, the first on or before the second.
    NotAfter(&'static str, &'static str),
    /// At least one of the fields is filled in.
    AnyFilled(&'static [&'static str]),
    /// At least one of the fields is blank.
    AnyBlank(&'static [&'static str]),
    /// Blank or one of the codes.
    BlankOrIn(&'static str, &'static [&'static str]),
    /// The row's own DOB plus so many years compared with the start or end
    /// of the collection year: `Age(4, Le, Start)` is "4th birthday on or
    /// before 1 April".
    Age(u32, Cmp, At),
    /// The child was looked after continuously through the year (for at
    /// least 12 months at 31 March), as the DfE's validator works it out
    /// from the Episodes.
    Continuously,
    /// The child was not looked after continuously through the year.
    NotContinuously,
    /// Filled in but not a valid date.
    BadDate(&'static str),
    /// Two fields filled in with the same value.
    Same(&'static str, &'static str),
    /// One of the two fields filled in, the other blank.
    OnlyOneFilled(&'static str, &'static str),
    /// The child's date of birth in the Header plus so many years compared
    /// with a date of the row (both valid): `HeaderAge(18, Le, "DEC")` is
    /// "18th birthday on or before DEC".
    HeaderAge(u32, Cmp, &'static str),
    /// At least one of the conditions holds.
    Any(&'static [Cond]),
    /// All the conditions hold (inside [`Cond::Any`]).
    All(&'static [Cond]),
}

/// A comparison of dates.
#[derive(Debug, Clone, Copy)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// The start or the end of the collection year.
#[derive(Debug, Clone, Copy)]
pub enum At {
    Start,
    End,
}

/// How a rule is checked.
#[derive(Clone, Copy)]
pub enum Check {
    /// While rows are read into records (`convert.rs`).
    Reading,
    /// On the records read (`records.rs`).
    Records,
    /// On one row of the rule's table: all conditions hold.
    Row(&'static [Cond]),
    /// An episode with one of these placement types (closed, as the DfE's
    /// validator reads the rule) starting before the child is this old.
    YoungerThan {
        place: &'static [&'static str],
        years: u32,
    },
    /// A closed episode with one of these placement types lasting more than
    /// this many days.
    LongerThan {
        place: &'static [&'static str],
        days: i64,
    },
    /// Every row of the rule's table whose child has more than one row in
    /// it.
    Repeated,
    /// Any other rule: the rows it flags.
    Rows(for<'a> fn(&Ctx<'a>) -> Vec<&'a RawRow>),
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Reading => "Reading",
            Check::Records => "Records",
            Check::Row(_) => "Row",
            Check::YoungerThan { .. } => "YoungerThan",
            Check::LongerThan { .. } => "LongerThan",
            Check::Repeated => "Repeated",
            Check::Rows(_) => "Rows",
        })
    }
}

/// One DfE validation rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The DfE's number, as the DfE spells it ("503A", "INT03").
    pub code: &'static str,
    /// What is wrong, in a performance analyst's words.
    pub message: &'static str,
    pub years: Years,
    pub severity: Severity,
    /// The table whose rows it flags (the first, when it flags several).
    pub table: Table,
    /// The field it names on a flagged row.
    pub field: &'static str,
    /// Whether it needs last year's return.
    pub previous: bool,
    /// Whether it needs Ofsted's list of providers (`--providers`).
    pub providers: bool,
    pub check: Check,
}

impl Rule {
    /// A DfE error on a row of `table`, named by `field`.
    pub const fn error(
        code: &'static str,
        table: Table,
        field: &'static str,
        message: &'static str,
        check: Check,
    ) -> Rule {
        Rule {
            code,
            message,
            years: Years::ALL,
            severity: Severity::Error,
            table,
            field,
            previous: false,
            providers: false,
            check,
        }
    }

    pub const fn years(mut self, years: Years) -> Rule {
        self.years = years;
        self
    }

    pub const fn severity(mut self, severity: Severity) -> Rule {
        self.severity = severity;
        self
    }

    pub const fn previous(mut self) -> Rule {
        self.previous = true;
        self
    }

    pub const fn providers(mut self) -> Rule {
        self.providers = true;
        self
    }

    /// What it needs that a return may be checked without, in words (for
    /// the rule set's list of rules not run): `None` when it runs on the
    /// return alone.
    pub fn needs(&self) -> Option<&'static str> {
        if self.previous {
            Some("last year's return (--previous)")
        } else if self.providers {
            Some("Ofsted's list of providers (--providers)")
        } else {
            None
        }
    }

    /// Whether it runs with what was given.
    fn runs_with(&self, last: bool, providers: bool) -> bool {
        (!self.previous || last) && (!self.providers || providers)
    }

    /// How it is checked, in words (for `--rules`).
    pub fn checked(&self) -> &'static str {
        match self.check {
            Check::Reading => "reading",
            Check::Records => "records",
            _ if self.previous => "rows, with last year's return",
            _ if self.providers => "rows, with Ofsted's list of providers",
            _ => "rows",
        }
    }
}

/// Every rule, in the order of the areas.
pub fn all() -> Vec<&'static Rule> {
    [
        header::RULES,
        mothers_and_pupils::RULES,
        episodes::RULES,
        adoption::RULES,
        care_leavers::RULES,
        legal_status::RULES,
        placements::RULES,
        postcodes::RULES,
        ofsted::RULES,
        reviews::RULES,
        missing::RULES,
        oc2_health::RULES,
        uasc::RULES,
        previous_year::RULES,
        social_workers::RULES,
        dolo::RULES,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The rule with this number (its latest version when it changed between
/// years), if Footprint has it.
pub fn find(code: &str) -> Option<&'static Rule> {
    all().into_iter().rfind(|r| r.code == code)
}

/// The version of a rule that applies in the collection year starting in
/// `start_year`.
pub fn find_in(code: &str, start_year: i32) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.code == code && r.years.contains(start_year))
}

/// The rules of one collection year.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub year: CollectionYear,
    pub rules: Vec<&'static Rule>,
}

/// What the JSON report says of the rule set used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSetName {
    /// "903 rules 2025-26".
    pub name: String,
    pub year: String,
    pub rules: usize,
    /// Whether last year's return was given (the rules comparing years ran).
    pub previous_year: bool,
    /// The file of Ofsted's list of providers given (`--providers`): the
    /// rules comparing URNs with it ran.
    pub providers: Option<String>,
    /// The numbers of the rules that ran.
    pub codes: Vec<&'static str>,
    /// The rules of the set that did not run, and what each needs.
    pub not_run: Vec<NotRun>,
}

/// A rule of the set that did not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRun {
    pub rule: &'static str,
    /// What it needs ("last year's return (--previous)").
    pub needs: &'static str,
}

impl RuleSet {
    /// What the report says of the set, run with last year's return or
    /// not, and with Ofsted's list of providers from this file or not.
    pub fn name(&self, previous_year: bool, providers: Option<&str>) -> RuleSetName {
        let (ran, not): (Vec<&Rule>, Vec<&Rule>) = self
            .rules
            .iter()
            .partition(|r| r.runs_with(previous_year, providers.is_some()));
        let mut codes: Vec<&str> = ran.iter().map(|r| r.code).collect();
        codes.dedup();
        let mut not_run: Vec<NotRun> = not
            .iter()
            .filter_map(|r| {
                Some(NotRun {
                    rule: r.code,
                    needs: r.needs()?,
                })
            })
            .collect();
        not_run.dedup_by_key(|n| n.rule);
        RuleSetName {
            name: format!("903 rules {}", self.year),
            year: self.year.to_string(),
            rules: self.rules.len(),
            previous_year,
            providers: providers.map(str::to_owned),
            codes,
            not_run,
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.rules.iter().any(|r| r.code == code)
    }
}

/// The rule set for checking a return of collection year `year`: that
/// year's own, or the nearest Footprint has (2023-24 for earlier returns,
/// 2026-27 for later ones).
pub fn for_year(year: CollectionYear) -> RuleSet {
    let start = year.start_year().clamp(Years::EARLIEST, Years::LATEST);
    let year = CollectionYear::new(start);
    RuleSet {
        year,
        rules: all()
            .into_iter()
            .filter(|r| r.years.contains(start))
            .collect(),
    }
}

/// The rows of one return, by table.
#[derive(Debug, Default)]
pub struct Tables<'a> {
    /// Every row, of every table, each table's together.
    all: &'a [RawRow],
    /// Whether these are last year's rows, of which the rules read only
    /// [`LAST_YEAR_TABLES`].
    last_year: bool,
    /// Where each table's rows are in `all` (by `Table as usize`): ranges
    /// rather than a list of each table's rows (0.9 MB less at 10,000
    /// children).
    rows: [std::ops::Range<usize>; Table::ALL.len()],
    present: BTreeSet<Table>,
    /// The return's children, numbered (made the first time a rule asks).
    children: OnceLock<ChildIndex<'a>>,
    /// Each table's rows by child, made the first time a rule asks and
    /// shared by every rule after it (by `Table as usize`).
    by_child: [OnceLock<ChildRows<'a>>; Table::ALL.len()],
    /// The same, each child's rows by their start date (see
    /// [`Tables::by_child_by_start`]).
    by_start: [OnceLock<ChildRows<'a>>; Table::ALL.len()],
}

/// The children of one year's return, each numbered (0, 1, …) in the order
/// they first come among its rows. A table's rows by child, the children's
/// dates of birth and the sets of children the rules work out are lists by
/// these numbers: one table of a return's children rather than a map by
/// identifier for each table and each set (some 3 MB less at 10,000
/// children).
#[derive(Default)]
pub struct ChildIndex<'a> {
    /// Each child's identifier, by number.
    names: Vec<&'a str>,
    /// The children's numbers, found by their identifiers' hashes.
    numbers: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl fmt::Debug for ChildIndex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChildIndex({} children)", self.names.len())
    }
}

impl<'a> ChildIndex<'a> {
    /// The children of `rows` (by their CHILD), numbered in the order they
    /// first come.
    pub fn of(rows: impl IntoIterator<Item = &'a RawRow>) -> Self {
        let mut index = ChildIndex::default();
        let mut child = Col::new(None, "CHILD");
        for r in rows {
            if !child.is_for(r) {
                child = Col::new(Some(r), "CHILD");
            }
            index.add(r.at(&child));
        }
        index
    }

    /// The child's number, given one if it has none yet.
    fn add(&mut self, child: &'a str) -> u32 {
        let hash = self.hasher.hash_one(child);
        let (names, hasher) = (&self.names, &self.hasher);
        match self.numbers.entry(
            hash,
            |&n| names[n as usize] == child,
            |&n| hasher.hash_one(names[n as usize]),
        ) {
            hashbrown::hash_table::Entry::Occupied(at) => *at.get(),
            hashbrown::hash_table::Entry::Vacant(at) => {
                // Fewer children than rows, whose count fits in memory.
                let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                at.insert(n);
                self.names.push(child);
                n
            }
        }
    }

    /// The child's number; `None` when the child has no row.
    #[inline]
    pub fn number(&self, child: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(child);
        self.numbers
            .find(hash, |&n| self.names[n as usize] == child)
            .copied()
    }

    /// The identifier of the child numbered `n`.
    pub fn name(&self, n: u32) -> &'a str {
        self.names.get(n as usize).copied().unwrap_or("")
    }

    /// How many children.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A table's rows by child (see [`RowsByChild`]): the rows in one list,
/// child after child, and where each child's start in it, by the child's
/// number.
#[derive(Debug, Default)]
pub struct ChildRows<'a> {
    /// Child `n`'s rows are `rows[starts[n]..starts[n + 1]]` (`starts` is
    /// empty when there are no rows).
    starts: Vec<u32>,
    rows: Vec<&'a RawRow>,
    /// How many children have rows.
    children: usize,
}

impl<'a> ChildRows<'a> {
    /// `rows` by their CHILD, each child's in the order given; every child
    /// of the rows is in `index`.
    pub fn new(index: &ChildIndex<'a>, rows: impl IntoIterator<Item = &'a RawRow>) -> Self {
        let mut child = Col::new(None, "CHILD");
        let placed: Vec<(u32, &'a RawRow)> = rows
            .into_iter()
            .filter_map(|r| {
                if !child.is_for(r) {
                    child = Col::new(Some(r), "CHILD");
                }
                Some((index.number(r.at(&child))?, r))
            })
            .collect();
        let Some(&(_, some)) = placed.first() else {
            return ChildRows::default();
        };
        // How many each child has, then where each child's start, then the
        // rows put in place.
        let mut starts = vec![0u32; index.len() + 1];
        for &(n, _) in &placed {
            starts[n as usize + 1] += 1;
        }
        let children = starts.iter().filter(|&&c| c > 0).count();
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut by = vec![some; placed.len()];
        for (n, r) in placed {
            let at = &mut next[n as usize];
            by[*at as usize] = r;
            *at += 1;
        }
        ChildRows {
            starts,
            rows: by,
            children,
        }
    }

    /// Each child's rows put in order by `key` (a stable sort: equal keys
    /// keep their order).
    fn sort_each_by<K: Ord>(mut self, mut key: impl FnMut(&RawRow) -> K) -> Self {
        let mut keyed: Vec<(K, &'a RawRow)> = Vec::new();
        for w in 0..self.starts.len().saturating_sub(1) {
            let (from, to) = (self.starts[w] as usize, self.starts[w + 1] as usize);
            if to - from < 2 {
                continue;
            }
            keyed.clear();
            keyed.extend(self.rows[from..to].iter().map(|&r| (key(r), r)));
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            for (slot, (_, r)) in self.rows[from..to].iter_mut().zip(keyed.drain(..)) {
                *slot = r;
            }
        }
        self
    }

    /// The rows by child, their children found in `index` (the one they
    /// were made with).
    pub fn view<'s>(&'s self, index: &'s ChildIndex<'a>) -> RowsByChild<'s, 'a> {
        RowsByChild { index, by: self }
    }
}

/// A table's rows by child, in file order for each child (or in order of
/// their start date, [`Tables::by_child_by_start`]).
#[derive(Debug, Clone, Copy)]
pub struct RowsByChild<'s, 'a> {
    index: &'s ChildIndex<'a>,
    by: &'s ChildRows<'a>,
}

impl<'s, 'a> RowsByChild<'s, 'a> {
    /// The rows of the child numbered `n` (empty when none).
    fn rows_of(&self, n: u32) -> &'s [&'a RawRow] {
        let n = n as usize;
        match (self.by.starts.get(n), self.by.starts.get(n + 1)) {
            (Some(&from), Some(&to)) => &self.by.rows[from as usize..to as usize],
            _ => &[],
        }
    }

    /// The child's rows; `None` when the child has none.
    pub fn get(&self, child: &str) -> Option<&'s [&'a RawRow]> {
        Some(self.rows_of(self.index.number(child)?)).filter(|rows| !rows.is_empty())
    }

    pub fn contains_key(&self, child: &str) -> bool {
        self.get(child).is_some()
    }

    /// How many children have rows.
    pub fn len(&self) -> usize {
        self.by.children
    }

    pub fn is_empty(&self) -> bool {
        self.by.children == 0
    }

    /// Each child with rows and their rows, in the order of the children's
    /// numbers (the order they first come among the rows the index was
    /// made from).
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'s [&'a RawRow])> + use<'s, 'a> {
        let this = *self;
        let n = u32::try_from(self.by.starts.len().saturating_sub(1)).unwrap_or(u32::MAX);
        (0..n).filter_map(move |i| {
            let rows = this.rows_of(i);
            (!rows.is_empty()).then(|| (this.index.name(i), rows))
        })
    }

    /// Each child's rows, in the order of [`RowsByChild::iter`].
    pub fn values(&self) -> impl Iterator<Item = &'s [&'a RawRow]> + use<'s, 'a> {
        self.iter().map(|(_, rows)| rows)
    }
}

impl<'s, 'a> IntoIterator for RowsByChild<'s, 'a> {
    type Item = (&'a str, &'s [&'a RawRow]);
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 's>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// The tables of last year's return that the rules comparing years read.
/// Last year's other tables (Reviews, SWEpisodes, OC2, AD1, PrevPerm: about
/// half its rows) are let go as its files are read
/// ([`crate::RawReturn::read_last_year`]); a rule that read one of them would
/// fail its tests (see [`Tables::last_year`]).
pub const LAST_YEAR_TABLES: [Table; 7] = [
    Table::Header,
    Table::Episodes,
    Table::Uasc,
    Table::Missing,
    Table::Oc3,
    Table::PlacedAdoption,
    Table::DoLo,
];

/// Where each table's rows are among `rows`, when each table's are
/// together (`None` when a table's rows are in two places or more).
fn table_ranges(rows: &[RawRow]) -> Option<[std::ops::Range<usize>; Table::ALL.len()]> {
    let mut ranges: [std::ops::Range<usize>; Table::ALL.len()] = Default::default();
    let mut seen = [false; Table::ALL.len()];
    let mut start = 0;
    for run in rows.chunk_by(|a, b| a.table() == b.table()) {
        let t = run.first()?.table() as usize;
        if std::mem::replace(&mut seen[t], true) {
            return None;
        }
        ranges[t] = start..start + run.len();
        start += run.len();
    }
    Some(ranges)
}

/// Puts `rows` in order of table when a table's rows are not all together
/// (each table's keep their order): as read from CSV files (one a table),
/// they are together already; from XML, child by child, they are not.
/// Where each table's rows then are.
fn group_by_table(rows: &mut [RawRow]) -> [std::ops::Range<usize>; Table::ALL.len()] {
    if let Some(ranges) = table_ranges(rows) {
        return ranges;
    }
    rows.sort_by_key(RawRow::table);
    // In the tables' order now: each table's after the tables before it.
    let mut count = [0usize; Table::ALL.len()];
    for r in rows.iter() {
        count[r.table() as usize] += 1;
    }
    let mut start = 0;
    count.map(|n| {
        start += n;
        start - n..start
    })
}

impl<'a> Tables<'a> {
    /// This year's rows, put in order of table first when a table's rows
    /// are not together (from XML).
    pub fn new(rows: &'a mut [RawRow], present: &BTreeSet<Table>) -> Self {
        let ranges = group_by_table(rows);
        Tables::with_ranges(rows, ranges, present)
    }

    /// Rows each table's of which are together; `None` when they are not
    /// (then [`Tables::new`] puts them together).
    pub fn grouped(rows: &'a [RawRow], present: &BTreeSet<Table>) -> Option<Self> {
        Some(Tables::with_ranges(rows, table_ranges(rows)?, present))
    }

    fn with_ranges(
        rows: &'a [RawRow],
        ranges: [std::ops::Range<usize>; Table::ALL.len()],
        present: &BTreeSet<Table>,
    ) -> Self {
        Tables {
            all: rows,
            last_year: false,
            rows: ranges,
            present: present.clone(),
            children: OnceLock::new(),
            by_child: Default::default(),
            by_start: Default::default(),
        }
    }

    /// Last year's rows (put in order of table first, as
    /// [`Tables::new`] does), of which a rule may read only
    /// [`LAST_YEAR_TABLES`] (checked in debug builds, so in the tests).
    pub fn last_year(rows: &'a mut [RawRow], present: &BTreeSet<Table>) -> Self {
        Tables::new(rows, present).of_last_year()
    }

    /// These rows as last year's (see [`Tables::last_year`]).
    pub fn of_last_year(self) -> Self {
        Tables {
            last_year: true,
            ..self
        }
    }

    /// How many rows there are, of every table.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The place of `row` among the rows of every table (from 0 to
    /// [`Tables::len`]), when it is one of them (the row itself, not an
    /// equal one): for lists of what rules work out once per row.
    pub fn place_of(&self, row: &RawRow) -> Option<usize> {
        let size = std::mem::size_of::<RawRow>();
        let from = self.all.as_ptr() as usize;
        let i = (row as *const RawRow as usize).checked_sub(from)? / size;
        self.all.get(i).filter(|r| std::ptr::eq(*r, row)).map(|_| i)
    }

    /// Whether the table was among the files (even empty).
    pub fn has(&self, t: Table) -> bool {
        self.present.contains(&t)
    }

    pub fn rows(&self, t: Table) -> &'a [RawRow] {
        debug_assert!(
            !self.last_year || LAST_YEAR_TABLES.contains(&t),
            "a rule reads last year's {t}, which is not among rules::LAST_YEAR_TABLES"
        );
        self.all.get(self.rows[t as usize].clone()).unwrap_or(&[])
    }

    /// The return's children, numbered (made once, then shared): those of
    /// every table's rows, the Header's first.
    pub fn child_index(&self) -> &ChildIndex<'a> {
        self.children.get_or_init(|| {
            let tables = if self.last_year {
                &LAST_YEAR_TABLES[..]
            } else {
                &Table::ALL[..]
            };
            ChildIndex::of(tables.iter().flat_map(|&t| self.rows(t).iter()))
        })
    }

    /// The rows of table `t` by child (made once, then shared).
    pub fn by_child(&self, t: Table) -> RowsByChild<'_, 'a> {
        let index = self.child_index();
        self.by_child[t as usize]
            .get_or_init(|| ChildRows::new(index, self.rows(t).iter()))
            .view(index)
    }

    /// The rows of table `t` by child, each child's by their start date
    /// (Episodes: DECOM; SWEpisodes: SW_DECOM; other tables: in file order),
    /// those without a valid one last, in file order (made once, then
    /// shared).
    pub fn by_child_by_start(&self, t: Table) -> RowsByChild<'_, 'a> {
        let index = self.child_index();
        self.by_start[t as usize]
            .get_or_init(|| {
                let rows = self.rows(t);
                let by = ChildRows::new(index, rows.iter());
                let start = match t {
                    Table::Episodes => "DECOM",
                    Table::SwEpisodes => "SW_DECOM",
                    _ => return by,
                };
                let start = Col::new(rows.first(), start);
                by.sort_each_by(|r| {
                    let d = parse_dmy(r.at(&start));
                    (d.is_none(), d)
                })
            })
            .view(index)
    }

    /// The children with a row in table `t` (the table's rows by child,
    /// made once: a set of them made for each rule that asks was a
    /// validation's largest item at its peak).
    pub fn children(&self, t: Table) -> Children<'_, 'a> {
        Children(self.by_child(t))
    }

    /// The first Header DOB of each child (valid dates only).
    pub fn dobs(&self) -> Dobs<'_, 'a> {
        let index = self.child_index();
        let mut dates = vec![None; index.len()];
        let rows = self.rows(Table::Header);
        let col = |name| Col::new(rows.first(), name);
        let (dob, child) = (col("DOB"), col("CHILD"));
        for r in rows {
            if let (Some(d), Some(n)) = (parse_dmy(r.at(&dob)), index.number(r.at(&child))) {
                dates[n as usize].get_or_insert(d);
            }
        }
        Dobs { index, dates }
    }

    /// Each child's episodes by DECOM (those without a valid DECOM last, in
    /// file order).
    pub fn episodes_by_child(&self) -> ByChild<'_, 'a> {
        ByChild(self.by_child_by_start(Table::Episodes))
    }

    /// The set of this return's children for which `holds` (no child is in
    /// it until added).
    pub fn child_set(&self) -> ChildSet<'_, 'a> {
        let index = self.child_index();
        ChildSet {
            index,
            bits: vec![0; index.len().div_ceil(64)],
        }
    }
}

/// The children's dates of birth, from the Header ([`Tables::dobs`]).
pub struct Dobs<'s, 'a> {
    index: &'s ChildIndex<'a>,
    dates: Vec<Option<NaiveDate>>,
}

impl Dobs<'_, '_> {
    /// The child's first valid Header DOB.
    #[inline]
    pub fn get(&self, child: &str) -> Option<NaiveDate> {
        *self.dates.get(self.index.number(child)? as usize)?
    }

    pub fn contains_key(&self, child: &str) -> bool {
        self.get(child).is_some()
    }
}

/// A set of a return's children ([`Tables::child_set`]): a bit for each.
#[derive(Clone)]
pub struct ChildSet<'s, 'a> {
    index: &'s ChildIndex<'a>,
    bits: Vec<u64>,
}

impl ChildSet<'_, '_> {
    /// Adds the child (nothing when it is not one of the return's).
    pub fn insert(&mut self, child: &str) {
        if let Some(n) = self.index.number(child)
            && let Some(word) = self.bits.get_mut(n as usize / 64)
        {
            *word |= 1 << (n % 64);
        }
    }

    #[inline]
    pub fn contains(&self, child: &str) -> bool {
        self.index.number(child).is_some_and(|n| {
            self.bits
                .get(n as usize / 64)
                .is_some_and(|word| word & (1 << (n % 64)) != 0)
        })
    }
}

/// The children with a row in a table ([`Tables::children`]).
#[derive(Clone, Copy)]
pub struct Children<'s, 'a>(RowsByChild<'s, 'a>);

impl<'s, 'a> Children<'s, 'a> {
    pub fn contains(&self, child: &str) -> bool {
        self.0.contains_key(child)
    }
}

impl<'s, 'a> IntoIterator for Children<'s, 'a> {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 's>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.0.iter().map(|(child, _)| child))
    }
}

/// Each child's rows in order ([`Tables::episodes_by_child`]): iterated,
/// the rows of one child after another.
#[derive(Clone, Copy)]
pub struct ByChild<'s, 'a>(RowsByChild<'s, 'a>);

impl<'s, 'a> ByChild<'s, 'a> {
    /// Each child's rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'s [&'a RawRow]> + use<'s, 'a> {
        self.0.values()
    }

    /// The child's rows; `None` when the child has none.
    pub fn get(&self, child: &str) -> Option<&'s [&'a RawRow]> {
        self.0.get(child)
    }
}

impl<'s, 'a> IntoIterator for ByChild<'s, 'a> {
    type Item = &'s [&'a RawRow];
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 's>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// What a rule sees: this year's rows, last year's when given, the
/// collection year.
pub struct Ctx<'a> {
    pub year: CollectionYear,
    /// The start year of the rule set in use (rules whose logic changed
    /// between years look at it).
    pub rules_year: i32,
    pub this: &'a Tables<'a>,
    pub last: Option<&'a Tables<'a>>,
    pub dobs: Dobs<'a, 'a>,
    /// The children looked after continuously through the year.
    pub continuously: ChildSet<'a, 'a>,
    /// This year's episodes by child, in order (worked out once).
    by_child: ByChild<'a, 'a>,
    /// The council's own local authority code and the episodes' PL_LA,
    /// PL_LOCATION and PL_DISTANCE (worked out once, when a rule asks).
    placements: postcodes::Placements<'a>,
    /// Ofsted's list of providers, when given.
    pub providers: Option<&'a Providers>,
}

impl<'a> Ctx<'a> {
    pub fn start(&self) -> NaiveDate {
        self.year.start()
    }

    pub fn end(&self) -> NaiveDate {
        self.year.end()
    }

    pub fn dob(&self, row: &RawRow) -> Option<NaiveDate> {
        self.dobs.get(row.get("CHILD"))
    }

    /// [`Ctx::dob`] with the row's CHILD column found once.
    pub fn dob_at(&self, row: &RawRow, child: &Col) -> Option<NaiveDate> {
        self.dobs.get(row.at(child))
    }

    /// The children with an episode during the collection year (an open
    /// episode runs on), short breaks (V3/V4) counted or not.
    pub fn looked_after_in_year(&self, short_breaks: bool) -> ChildSet<'a, 'a> {
        let rows = self.this.rows(Table::Episodes);
        let col = |name| Col::new(rows.first(), name);
        let (ls, decom, dec, child) = (col("LS"), col("DECOM"), col("DEC"), col("CHILD"));
        let mut set = self.this.child_set();
        for e in rows
            .iter()
            .filter(|e| short_breaks || !matches!(e.at(&ls), "V3" | "V4"))
            .filter(|e| {
                parse_dmy(e.at(&decom)).is_some_and(|s| s <= self.end())
                    && (e.at(&dec).is_empty()
                        || parse_dmy(e.at(&dec)).is_some_and(|d| d >= self.start()))
            })
        {
            set.insert(e.at(&child));
        }
        set
    }

    /// This year's episodes by child, in order (see
    /// [`Tables::episodes_by_child`]).
    pub fn episodes_by_child(&self) -> ByChild<'a, 'a> {
        self.by_child
    }

    /// This year's episodes of one child, by DECOM (see
    /// [`Tables::episodes_by_child`]); `None` when the child has none.
    pub fn episodes_of(&self, child: &str) -> Option<&'a [&'a RawRow]> {
        self.by_child.get(child)
    }
}

/// The children looked after continuously through collection year `year`,
/// as the DfE's validator works it out (its
/// `add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER`, after the DfE's
/// definition): a child with an episode during the year and none that
/// starts a period of care in it (RNE S after 1 April), ends one in it (a
/// REC other than X1, 31 March included, as the DfE's definition reads;
/// the DfE's validator leaves 31 March out) or is a short break (V3/V4).
pub fn continuously_looked_after<'s, 'a>(
    t: &'s Tables<'a>,
    year: CollectionYear,
) -> ChildSet<'s, 'a> {
    let (start, end) = (year.start(), year.end());
    let mut during = t.child_set();
    let mut broken = t.child_set();
    let rows = t.rows(Table::Episodes);
    let col = |name| Col::new(rows.first(), name);
    let (c_decom, c_dec, c_rne, c_rec, c_ls, c_child) = (
        col("DECOM"),
        col("DEC"),
        col("RNE"),
        col("REC"),
        col("LS"),
        col("CHILD"),
    );
    for e in rows {
        let (decom, dec) = (parse_dmy(e.at(&c_decom)), parse_dmy(e.at(&c_dec)));
        let in_year = decom.is_some_and(|d| d <= end) && dec.is_none_or(|d| d >= start);
        let enters = e.at(&c_rne) == "S" && decom.is_some_and(|d| d > start && d <= end);
        // The DfE's definition: an episode that "ends after the start of
        // the year" with a REC other than X1. The DfE's validator tests
        // DEC < 31 March, so it counts a child who left care on 31 March as
        // looked after continuously (and asks for their OC2 row, 191).
        let leaves = e.at(&c_rec) != "X1" && dec.is_some_and(|d| d >= start && d <= end);
        let short = matches!(e.at(&c_ls), "V3" | "V4") && in_year;
        let child = e.at(&c_child);
        if in_year {
            during.insert(child);
        }
        if enters || leaves || short {
            broken.insert(child);
        }
    }
    for (d, b) in during.bits.iter_mut().zip(&broken.bits) {
        *d &= !b;
    }
    during
}

/// A date as the DfE's validator reads one (`dd/mm/yyyy`); `None` when blank
/// or not a date.
pub fn date(row: &RawRow, col: &str) -> Option<NaiveDate> {
    parse_dmy(row.get(col))
}

/// `d/m/yyyy` with one or two digits for the day and month, as
/// `%d/%m/%Y` reads them; `None` for anything else.
///
/// Read byte by byte: the rules read dates millions of times, and splitting
/// the text at its slashes (a string search each) was a tenth of a
/// validation's CPU.
pub(super) fn parse_dmy(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    let slash = |from: usize| {
        b.get(from..)?
            .iter()
            .position(|&c| c == b'/')
            .map(|i| from + i)
    };
    let first = slash(0)?;
    let second = slash(first + 1)?;
    let (d, m, y) = (&b[..first], &b[first + 1..second], &b[second + 1..]);
    if !(1..=2).contains(&d.len()) || !(1..=2).contains(&m.len()) || y.len() != 4 {
        return None;
    }
    // Digits only (a third slash, a sign or a space is not a date).
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(y)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(m)?, number(d)?)
}

/// `d` plus `years` years (29 February to 28 February, as pandas does).
pub fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(years * 12))
        .unwrap_or(NaiveDate::MAX)
}

fn ymd((d, m, y): (u32, u32, i32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Cond {
    fn holds(&self, row: &RawRow, ctx: &Ctx, cols: &Cols) -> bool {
        let get = |c: &'static str| cols.get(row, c);
        let date = |_: &RawRow, c: &'static str| parse_dmy(cols.get(row, c));
        match *self {
            Cond::In(c, codes) => {
                let v = get(c);
                !v.is_empty() && one_of(v, codes)
            }
            Cond::NotIn(c, codes) => !one_of(get(c), codes),
            Cond::Blank(c) => get(c).is_empty(),
            Cond::Filled(c) => !get(c).is_empty(),
            Cond::DateBefore(c, d) => date(row, c).is_some_and(|v| v < ymd(d)),
            Cond::DateAfter(c, d) => date(row, c).is_some_and(|v| v > ymd(d)),
            Cond::AfterYearEnd(c) => date(row, c).is_some_and(|v| v > ctx.end()),
            Cond::BeforeYearStart(c) => date(row, c).is_some_and(|v| v < ctx.start()),
            Cond::Earlier(a, b) => {
                matches!((date(row, a), date(row, b)), (Some(x), Some(y)) if x < y)
            }
            Cond::NotAfter(a, b) => {
                matches!((date(row, a), date(row, b)), (Some(x), Some(y)) if x <= y)
            }
            Cond::AnyFilled(cols) => cols.iter().any(|c| !get(c).is_empty()),
            Cond::AnyBlank(cols) => cols.iter().any(|c| get(c).is_empty()),
            Cond::BlankOrIn(c, codes) => {
                let v = get(c);
                v.is_empty() || one_of(v, codes)
            }
            Cond::Age(years, cmp, at) => {
                let Some(dob) = date(row, "DOB") else {
                    return false;
                };
                let birthday = plus_years(dob, years);
                let d = match at {
                    At::Start => ctx.start(),
                    At::End => ctx.end(),
                };
                match cmp {
                    Cmp::Lt => birthday < d,
                    Cmp::Le => birthday <= d,
                    Cmp::Gt => birthday > d,
                    Cmp::Ge => birthday >= d,
                }
            }
            Cond::BadDate(c) => !get(c).is_empty() && date(row, c).is_none(),
            Cond::Same(a, b) => !get(a).is_empty() && get(a) == get(b),
            Cond::OnlyOneFilled(a, b) => get(a).is_empty() != get(b).is_empty(),
            Cond::HeaderAge(years, cmp, c) => {
                let (Some(dob), Some(d)) = (ctx.dobs.get(get("CHILD")), date(row, c)) else {
                    return false;
                };
                let birthday = plus_years(dob, years);
                match cmp {
                    Cmp::Lt => birthday < d,
                    Cmp::Le => birthday <= d,
                    Cmp::Gt => birthday > d,
                    Cmp::Ge => birthday >= d,
                }
            }
            Cond::Any(conds) => conds.iter().any(|c| c.holds(row, ctx, cols)),
            Cond::All(conds) => conds.iter().all(|c| c.holds(row, ctx, cols)),
            Cond::Continuously => ctx.continuously.contains(get("CHILD")),
            Cond::NotContinuously => !ctx.continuously.contains(get("CHILD")),
        }
    }
}

/// Whether `v` is one of `codes`: `codes.contains(&v)` without a call to
/// `memcmp` for each code (the rules' codes are a few bytes, compared
/// millions of times in a validation).
#[inline]
pub(crate) fn one_of(v: &str, codes: &[&str]) -> bool {
    let b = v.as_bytes();
    if b.len() > 8 {
        return codes.contains(&v);
    }
    // Of texts of the same length up to 8 bytes, equal exactly when their
    // bytes packed into a number are.
    let packed = |s: &[u8]| s.iter().fold(0u64, |a, &c| (a << 8) | u64::from(c));
    let v = packed(b);
    codes
        .iter()
        .any(|c| c.len() == b.len() && packed(c.as_bytes()) == v)
}

/// The columns a rule's conditions name, each with its place among the
/// names of the rows they are checked on, found once per rule rather than
/// by name for every row.
pub(crate) struct Cols {
    cols: Vec<Col<'static>>,
}

impl Cols {
    /// The columns `conds` name, found among the names of `row`.
    fn of(conds: &'static [Cond], row: Option<&RawRow>) -> Cols {
        let mut cols = Cols { cols: Vec::new() };
        cols.add_all(conds, row);
        cols
    }

    fn add_all(&mut self, conds: &'static [Cond], row: Option<&RawRow>) {
        for c in conds {
            let names: &[&'static str] = match c {
                Cond::In(a, _)
                | Cond::NotIn(a, _)
                | Cond::Blank(a)
                | Cond::Filled(a)
                | Cond::DateBefore(a, _)
                | Cond::DateAfter(a, _)
                | Cond::AfterYearEnd(a)
                | Cond::BeforeYearStart(a)
                | Cond::BlankOrIn(a, _)
                | Cond::BadDate(a) => &[*a],
                Cond::Earlier(a, b)
                | Cond::NotAfter(a, b)
                | Cond::Same(a, b)
                | Cond::OnlyOneFilled(a, b) => &[*a, *b],
                Cond::AnyFilled(cols) | Cond::AnyBlank(cols) => cols,
                Cond::Age(..) => &["DOB"],
                Cond::HeaderAge(_, _, a) => {
                    self.add("CHILD", row);
                    &[*a]
                }
                Cond::Continuously | Cond::NotContinuously => &["CHILD"],
                Cond::Any(inner) | Cond::All(inner) => {
                    self.add_all(inner, row);
                    &[]
                }
            };
            for n in names {
                self.add(n, row);
            }
        }
    }

    fn add(&mut self, name: &'static str, row: Option<&RawRow>) {
        if !self.cols.iter().any(|c| c.name() == name) {
            self.cols.push(Col::new(row, name));
        }
    }

    /// `row.get(name)`, by the column's place when it is one of these.
    #[inline]
    fn get<'r>(&self, row: &'r RawRow, name: &str) -> &'r str {
        for c in &self.cols {
            let n = c.name();
            if n.len() == name.len() && (std::ptr::eq(n, name) || n == name) {
                return row.at(c);
            }
        }
        row.get(name)
    }
}

/// The rows a rule flags.
fn flagged<'a>(rule: &Rule, ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    match rule.check {
        Check::Reading | Check::Records => Vec::new(),
        Check::Row(conds) => {
            let rows = ctx.this.rows(rule.table);
            let cols = Cols::of(conds, rows.first());
            rows.iter()
                .filter(|r| conds.iter().all(|c| c.holds(r, ctx, &cols)))
                .collect()
        }
        Check::YoungerThan { place, years } => {
            let rows = ctx.this.rows(Table::Episodes);
            let col = |name| Col::new(rows.first(), name);
            let (p, dec, decom, child) = (col("PLACE"), col("DEC"), col("DECOM"), col("CHILD"));
            rows.iter()
                .filter(|r| one_of(r.at(&p), place) && parse_dmy(r.at(&dec)).is_some())
                .filter(|r| {
                    let dob = ctx.dobs.get(r.at(&child));
                    matches!((parse_dmy(r.at(&decom)), dob), (Some(s), Some(b)) if s < plus_years(b, years))
                })
                .collect()
        }
        Check::LongerThan { place, days } => {
            let rows = ctx.this.rows(Table::Episodes);
            let col = |name| Col::new(rows.first(), name);
            let (p, dec, decom, child) = (col("PLACE"), col("DEC"), col("DECOM"), col("CHILD"));
            rows.iter()
                .filter(|r| one_of(r.at(&p), place) && ctx.dobs.contains_key(r.at(&child)))
                .filter(|r| {
                    matches!((parse_dmy(r.at(&decom)), parse_dmy(r.at(&dec))), (Some(s), Some(e)) if (e - s).num_days() > days)
                })
                .collect()
        }
        Check::Repeated => {
            let rows = ctx.this.rows(rule.table);
            let child = Col::new(rows.first(), "CHILD");
            let mut count: HashMap<&str, usize> = HashMap::new();
            for r in rows {
                *count.entry(r.at(&child)).or_default() += 1;
            }
            rows.iter()
                .filter(|r| count.get(r.at(&child)).is_some_and(|n| *n > 1))
                .collect()
        }
        Check::Rows(f) => f(ctx),
    }
}

/// Runs the rules of `set` that look at rows (not those checked while
/// reading or on records) on `this` year's rows, with `last` year's when
/// given (the rules comparing years are skipped without it). `year` is the
/// collection year of the return.
pub fn check_rows<'a>(
    set: &RuleSet,
    year: CollectionYear,
    this: &'a Tables<'a>,
    last: Option<&'a Tables<'a>>,
) -> Vec<Problem> {
    check_rows_for(set, year, this, last, None)
}

/// [`check_rows`] for a council whose own local authority code (upper tier:
/// E06…, E08…, E09…, E10…) is `council`: the rules comparing the placement's
/// local authority with the council's (1015, 411) run only with it.
pub fn check_rows_for<'a>(
    set: &RuleSet,
    year: CollectionYear,
    this: &'a Tables<'a>,
    last: Option<&'a Tables<'a>>,
    council: Option<&'a str>,
) -> Vec<Problem> {
    check_rows_with(set, year, this, last, council, None)
}

/// [`check_rows_for`] with Ofsted's list of providers, when given: the rules
/// comparing URNs with it run only with it.
pub fn check_rows_with<'a>(
    set: &RuleSet,
    year: CollectionYear,
    this: &'a Tables<'a>,
    last: Option<&'a Tables<'a>>,
    council: Option<&'a str>,
    providers: Option<&'a Providers>,
) -> Vec<Problem> {
    let ctx = Ctx {
        year,
        rules_year: set.year.start_year(),
        this,
        last,
        dobs: this.dobs(),
        continuously: continuously_looked_after(this, year),
        by_child: this.episodes_by_child(),
        placements: postcodes::Placements::new(council),
        providers,
    };
    let running: Vec<&Rule> = set
        .rules
        .iter()
        .copied()
        .filter(|r| r.runs_with(last.is_some(), providers.is_some()))
        .collect();
    // The rules only read the rows (and the maps `ctx` makes once, behind
    // `OnceLock`s), so they run side by side on the machine's cores; their
    // problems come back in the rules' order.
    footprint_domain::parallel::on_cores(&running, |rule| {
        let mut rows = flagged(rule, &ctx);
        rows.sort_by(|a, b| (a.place(), a.table()).cmp(&(b.place(), b.table())));
        rows.dedup_by(|a, b| std::ptr::eq(*a, *b));
        rows.into_iter()
            .map(|row| problem(rule, row))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The problem for a row a rule flags: the rule's field when the row has it,
/// its value unless it is a date of birth.
pub fn problem(rule: &Rule, row: &RawRow) -> Problem {
    let field = if row.has(rule.field) {
        rule.field
    } else {
        "CHILD"
    };
    let value = match field {
        "DOB" | "MC_DOB" => None,
        f => Some(row.get(f)),
    };
    let child = row.get("CHILD");
    let who = if child.is_empty() {
        String::new()
    } else {
        format!("child {child}: ")
    };
    Problem::at(
        &row.source_of(field),
        Some(field),
        value,
        Some(rule.code),
        rule.severity,
        format!("{who}{}", rule.message),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn each_table_has_its_own_place_among_the_rows_by_child() {
        // `Tables::by_child` keeps a table's map at `Table as usize`.
        for (i, t) in Table::ALL.into_iter().enumerate() {
            assert_eq!(t as usize, i, "{t:?}");
        }
    }

    #[test]
    fn rows_by_child_are_made_once_and_hold_every_row() {
        let mut rows = rows(Table::Missing, "CHILD,MISSING\n1,M\n2,M\n1,A\n");
        let present = BTreeSet::from([Table::Missing]);
        let t = Tables::new(&mut rows, &present);
        let a = t.by_child(Table::Missing);
        assert_eq!(a.get("1").unwrap().len(), 2);
        assert_eq!(a.get("2").unwrap().len(), 1);
        assert_eq!(a.get("1").unwrap()[0].get("MISSING"), "M");
        assert_eq!(a.get("1").unwrap()[1].get("MISSING"), "A");
        assert_eq!(a.get("1").unwrap()[1].line(), 4);
        assert!(a.get("3").is_none() && !a.contains_key("3"));
        assert_eq!((a.len(), a.values().map(<[_]>::len).sum::<usize>()), (2, 3));
        // Made once: the same rows, not a second list of them.
        assert!(std::ptr::eq(
            a.get("1").unwrap(),
            t.by_child(Table::Missing).get("1").unwrap()
        ));
        assert!(t.by_child(Table::Header).is_empty());
    }

    #[test]
    fn each_tables_rows_are_put_together_in_their_order() {
        // Child by child, as XML gives them: each table's rows in two
        // places or more.
        let header = rows(Table::Header, "CHILD,SEX\n1,1\n2,2\n3,1\n");
        let missing = rows(Table::Missing, "CHILD,MISSING\n1,M\n2,A\n2,M\n");
        let mut mixed = vec![
            header[0].clone(),
            missing[0].clone(),
            header[1].clone(),
            missing[1].clone(),
            missing[2].clone(),
            header[2].clone(),
        ];
        let present = BTreeSet::from([Table::Header, Table::Missing]);
        assert!(Tables::grouped(&mixed, &present).is_none());
        let t = Tables::new(&mut mixed, &present);
        let lines = |table| t.rows(table).iter().map(RawRow::line).collect::<Vec<_>>();
        assert_eq!(lines(Table::Header), [2, 3, 4]);
        assert_eq!(lines(Table::Missing), [2, 3, 4]);
        assert_eq!(t.rows(Table::Missing)[1].get("MISSING"), "A");
        assert!(t.rows(Table::Episodes).is_empty());
        assert_eq!(t.by_child(Table::Missing).get("2").map(<[_]>::len), Some(2));
        // Together already, they are left as they are.
        let mut together = [missing.clone(), header.clone()].concat();
        let t = Tables::grouped(&together, &present).expect("together");
        assert_eq!(t.rows(Table::Header).len(), 3);
        let t = Tables::new(&mut together, &present);
        assert_eq!(t.rows(Table::Missing).len(), 3);
        assert_eq!(together[0].table(), Table::Missing);
    }

    proptest::proptest! {
        /// Rows of three tables in any order: each table's rows are those
        /// of the table, in the order given, whether they came together or
        /// not.
        #[test]
        fn each_tables_rows_are_its_own_in_their_order_whatever_the_order_given(
            order in proptest::collection::vec(0usize..3, 0..40)
        ) {
            let tables = [Table::Header, Table::Missing, Table::Uasc];
            let mut given: Vec<RawRow> = Vec::new();
            for (i, &t) in order.iter().enumerate() {
                let csv = format!("CHILD,N\n{},{i}\n", i % 5);
                given.extend(rows(tables[t], &csv));
            }
            let present: BTreeSet<Table> = tables.into_iter().collect();
            let expected: Vec<Vec<String>> = tables
                .iter()
                .map(|&t| {
                    given.iter().filter(|r| r.table() == t).map(|r| r.get("N").to_owned()).collect()
                })
                .collect();
            let mut rows_given = given.clone();
            let t = Tables::new(&mut rows_given, &present);
            for (table, want) in tables.iter().zip(&expected) {
                let got: Vec<String> = t.rows(*table).iter().map(|r| r.get("N").to_owned()).collect();
                proptest::prop_assert_eq!(&got, want);
            }
            proptest::prop_assert_eq!(t.len(), given.len());
        }
    }

    /// Rows of one table from CSV text (first line the columns).
    pub fn rows(table: Table, csv: &str) -> Vec<RawRow> {
        let mut lines = csv.lines();
        let names = crate::raw::ColumnNames::new(
            lines
                .next()
                .unwrap_or_default()
                .split(',')
                .map(str::to_owned)
                .collect(),
        );
        let file = format!("{}.csv", table.name()).into();
        let mut rows = crate::raw::RowsBuilder::new(table, file, names, 0, 0, 0);
        for (i, l) in lines.enumerate() {
            assert!(rows.push(i as u64 + 2, l.split(',')), "a row within 64 KiB");
        }
        rows.finish()
    }

    /// The lines of `table` that `code` flags, on this year's rows and,
    /// when given, last year's (collection year `year`).
    pub fn lines_flagged(
        code: &str,
        year: &str,
        this: &[RawRow],
        last: Option<&[RawRow]>,
        table: Table,
    ) -> Vec<u64> {
        lines_flagged_with(code, year, this, last, table, None, None)
    }

    /// [`lines_flagged`] for a council whose code is `council`, with
    /// Ofsted's list of providers when given.
    pub fn lines_flagged_with(
        code: &str,
        year: &str,
        this: &[RawRow],
        last: Option<&[RawRow]>,
        table: Table,
        council: Option<&str>,
        providers: Option<&Providers>,
    ) -> Vec<u64> {
        let y: CollectionYear = year.parse().unwrap();
        let present = |rows: &[RawRow]| rows.iter().map(|r| r.table()).collect::<BTreeSet<_>>();
        let (this_present, last_present) = (present(this), last.map(present));
        let (mut this, mut last) = (this.to_vec(), last.map(<[RawRow]>::to_vec));
        let t = Tables::new(&mut this, &this_present);
        let l = last
            .as_mut()
            .zip(last_present.as_ref())
            .map(|(l, p)| Tables::last_year(l, p));
        let rule = find_in(code, y.start_year().clamp(Years::EARLIEST, Years::LATEST))
            .unwrap_or_else(|| panic!("no rule {code} in {y}"));
        let set = RuleSet {
            year: y,
            rules: vec![rule],
        };
        let mut lines: Vec<u64> = check_rows_with(&set, y, &t, l.as_ref(), council, providers)
            .into_iter()
            .filter(|p| p.file == format!("{}.csv", table.name()))
            .filter_map(|p| p.line)
            .collect();
        lines.sort();
        lines.dedup();
        lines
    }

    #[test]
    fn every_rule_is_registered_once_with_a_message_and_years() {
        let all = all();
        let mut seen = BTreeSet::new();
        for r in &all {
            for y in r.years.first..=r.years.last {
                assert!(
                    seen.insert((r.code, y)),
                    "rule {} registered twice for {y}",
                    r.code
                );
            }
            assert!(!r.message.is_empty(), "{}", r.code);
            assert!(r.years.first <= r.years.last, "{}", r.code);
        }
    }

    #[test]
    fn every_rule_number_the_reader_prints_is_registered_as_checked_while_reading() {
        let src = include_str!("../convert.rs");
        let mut found = BTreeSet::new();
        for part in src.split("Some(\"").skip(1) {
            let code: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if part[code.len()..].starts_with("\")") && !code.is_empty() {
                found.insert(code);
            }
        }
        for t in Table::ALL {
            found.extend(t.not_in_header_rule().map(str::to_owned));
            found.extend(t.dob_differs_rule().map(str::to_owned));
        }
        assert!(found.len() > 20);
        let wrong: Vec<String> = found
            .iter()
            .filter_map(|code| match find(code) {
                None => Some(format!("{code} is not registered")),
                Some(rule) if !matches!(rule.check, Check::Reading) => Some(format!(
                    "{code} is printed by the reader but registered as {:?}",
                    rule.check
                )),
                Some(_) => None,
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn dates_are_read_as_the_dfe_validator_reads_them() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_dmy("01/04/2024"), d(2024, 4, 1));
        assert_eq!(parse_dmy("1/4/2024"), d(2024, 4, 1));
        assert_eq!(parse_dmy("29/2/2024"), d(2024, 2, 29));
        assert_eq!(parse_dmy("31/12/0999"), d(999, 12, 31));
        assert_eq!(parse_dmy("29/02/2023"), None);
        for bad in [
            "",
            "31/02/2024",
            "2024-04-01",
            "01/04/24",
            "1/4/2024/1",
            "a1/04/2024",
            "001/04/2024",
            "1//2024",
            "/4/2024",
            "01/04/2024/",
            "01/04/",
            "+1/04/2024",
            "01/04/+024",
            "01/4 /2024",
            "01/04/２０２4",
            "0/04/2024",
            "01/13/2024",
        ] {
            assert_eq!(parse_dmy(bad), None, "{bad}");
        }
    }

    #[test]
    fn one_of_is_contains() {
        let codes = [
            "V3",
            "V4",
            "",
            "Z11",
            "XXXXXXX",
            "ABCDEFGH",
            "ABCDEFGHI",
            "\0",
        ];
        for v in [
            "V3",
            "V4",
            "V",
            "V34",
            "",
            "Z1",
            "Z11",
            "Z111",
            "XXXXXXX",
            "XXXXXXXX",
            "ABCDEFGH",
            "ABCDEFGHI",
            "ABCDEFGHJ",
            "\0",
            "\0\0",
            "3V",
        ] {
            assert_eq!(one_of(v, &codes), codes.contains(&v), "{v:?}");
            assert_eq!(one_of(v, &codes[..2]), codes[..2].contains(&v), "{v:?}");
            assert!(!one_of(v, &[]));
        }
    }

    #[test]
    fn each_year_has_its_own_set() {
        let y = |s: &str| for_year(s.parse().unwrap());
        assert_eq!(y("2017-18").year.to_string(), "2023-24");
        assert_eq!(y("2030-31").year.to_string(), "2026-27");
        // 445 and 451 (freeing orders) were dropped from 2024-25.
        assert!(y("2023-24").contains("445") && !y("2024-25").contains("445"));
        assert!(y("2025-26").contains("233") && !y("2024-25").contains("233"));
        assert!(y("2025-26").name(false, None).rules == y("2025-26").rules.len());
    }
}
