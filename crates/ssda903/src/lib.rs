//! Reading, checking and writing the SSDA903 ("903") return.
//!
//! * [`read_paths`] reads CSV files (each recognised by its exact set of
//!   columns, not its name) and the XML form (root `EXPSSDA903`) into a
//!   [`Return903`] of domain records, each with the file and line it came
//!   from, and lists every [`Problem`] found: it never stops at the first bad
//!   row. Rows with a fatal problem are left out of the return; a return with
//!   any fatal problem must not be stored (see [`Parsed::is_fatal`]).
//! * [`validate`] runs the checks across records (chains of episodes, reviews
//!   outside care, participation against age, ...); `read_paths` runs it.
//! * [`write::render_csv`] / [`write::render_xml`] write a collection year's
//!   return from a [`footprint_domain::model::Dataset`]; [`write::write_csv`]
//!   and [`write::write_xml`] put it in files.
//!
//! A return must have its Header and Episodes tables (a fatal problem
//! otherwise). When no collection year is given it is the year of the latest
//! DECOM (no episode in a return starts after its 31 March); a year given
//! in which no episode is open is a fatal problem.
//!
//! The checks, their DfE rule numbers and severities, and the writing rules
//! are described in `docs/ssda903.md`.

mod convert;
mod csv_in;
pub mod problem;
pub mod providers;
pub mod raw;
pub mod ret;
pub mod rules;
pub mod tables;
pub mod write;
mod xlsx_in;
mod xml_in;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use footprint_domain::dates::CollectionYear;

pub use problem::{Problem, Severity, SourceRef};
pub use raw::{RawRow, RawTable};
pub use ret::{Located, Return903, UascRow};
pub use rules::RuleSet;
pub use rules::{review_code_problem, validate};
pub use tables::Table;
pub use write::{render_csv, render_xml, write_csv, write_xml};

/// How the collection year of a return is set, as every help text says it.
pub const YEAR_HELP: &str = "The collection year, e.g. 2021-22; default: the year of the \
    return's latest DECOM. A year in which no episode of the return is open is an error.";

/// The tables every return has.
pub const REQUIRED: [Table; 2] = [Table::Header, Table::Episodes];

/// A return as read, and every problem found in it.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub ret: Return903,
    /// File by file, in the order found (see [`Parsed::sorted_problems`]).
    pub problems: Vec<Problem>,
    /// Whether the collection year was inferred rather than given.
    pub year_inferred: bool,
    /// The DfE rule set the return was checked with (`None` when its
    /// collection year is unknown).
    pub rule_set: Option<rules::RuleSetName>,
}

impl Parsed {
    /// Any fatal problem: the store must refuse the import.
    pub fn is_fatal(&self) -> bool {
        self.problems.iter().any(Problem::is_fatal)
    }

    /// Fatal problems and broken DfE rules (see [`Severity`]).
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }

    /// The problems by file, then line, then column.
    pub fn sorted_problems(&self) -> Vec<&Problem> {
        sorted(&self.problems)
    }

    /// What a report of the problems says of the return beside them.
    pub fn summary(&self) -> ReturnSummary<'_> {
        ReturnSummary {
            year: self.ret.year,
            year_inferred: self.year_inferred,
            rule_set: self.rule_set.as_ref(),
            records: RecordCounts::of(&self.ret),
        }
    }
}

/// Problems by file, then line, then column (those at one place in the
/// order found).
fn sorted(problems: &[Problem]) -> Vec<&Problem> {
    let mut v: Vec<&Problem> = problems.iter().collect();
    v.sort_by(|a, b| (&a.file, a.line, &a.column).cmp(&(&b.file, b.line, &b.column)));
    v
}

/// How many records a return's rows made, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    pub children: usize,
    pub episodes: usize,
    pub reviews: usize,
    pub missing: usize,
    pub uasc: usize,
    pub health_outcomes: usize,
}

impl RecordCounts {
    pub fn of(ret: &Return903) -> Self {
        RecordCounts {
            children: ret.children.len(),
            episodes: ret.episodes.len(),
            reviews: ret.reviews.len(),
            missing: ret.missing.len(),
            uasc: ret.uasc.len(),
            health_outcomes: ret.health_outcomes.len(),
        }
    }

    fn add(&mut self, other: RecordCounts) {
        self.children += other.children;
        self.episodes += other.episodes;
        self.reviews += other.reviews;
        self.missing += other.missing;
        self.uasc += other.uasc;
        self.health_outcomes += other.health_outcomes;
    }
}

/// What a report of a return's problems says of the return beside them: its
/// collection year, the rule set it was checked with and what its rows made.
#[derive(Debug, Clone, Copy)]
pub struct ReturnSummary<'a> {
    pub year: Option<CollectionYear>,
    pub year_inferred: bool,
    pub rule_set: Option<&'a rules::RuleSetName>,
    pub records: RecordCounts,
}

/// A return checked without its records being kept ([`check_paths`]): every
/// problem [`read_paths_with`] finds, and how many records the rows made.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The collection year checked against: given, or inferred.
    pub year: Option<CollectionYear>,
    pub year_inferred: bool,
    pub rule_set: Option<rules::RuleSetName>,
    pub records: RecordCounts,
    /// File by file, in the order found (see [`Checked::sorted_problems`]).
    pub problems: Vec<Problem>,
}

impl Checked {
    /// The problems by file, then line, then column.
    pub fn sorted_problems(&self) -> Vec<&Problem> {
        sorted(&self.problems)
    }

    pub fn summary(&self) -> ReturnSummary<'_> {
        ReturnSummary {
            year: self.year,
            year_inferred: self.year_inferred,
            rule_set: self.rule_set.as_ref(),
            records: self.records,
        }
    }
}

/// A failure that stops reading before any file is looked at: a usage error.
/// Problems inside files (unreadable, unrecognised, malformed) are
/// [`Problem`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no files given: name a folder of 903 CSV files or a 903 XML file")]
    NoInput,
    #[error("{0}: no such file or folder")]
    NotFound(PathBuf),
    #[error("{path}: the folder could not be listed: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: the folder holds no .csv or .xlsx files")]
    EmptyFolder(PathBuf),
}

/// The form of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xml,
    /// An Excel workbook (.xlsx), one sheet per table.
    Xlsx,
}

impl Format {
    /// `.xml` (any case) is XML, `.xlsx` a workbook; anything else is read
    /// as CSV.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xml") => Format::Xml,
            Some(e) if e.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
            _ => Format::Csv,
        }
    }
}

/// One file's content, already in memory.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name used in problems (usually the path as given).
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// Reads a 903 return from paths: a folder means every `.csv` and `.xlsx`
/// file in it; a file ending `.xml` is read as the XML form, one ending
/// `.xlsx` as a workbook (one sheet per table), any other file as CSV. Several
/// paths may be given (their rows are put together).
///
/// `year` is the collection year to check against; `None` infers it (see
/// the crate docs).
pub fn read_paths(paths: &[PathBuf], year: Option<CollectionYear>) -> Result<Parsed, ReadError> {
    read_paths_with(paths, year, &CheckOptions::default())
}

/// [`read_paths`] with a rule set's year and last year's return.
pub fn read_paths_with(
    paths: &[PathBuf],
    year: Option<CollectionYear>,
    options: &CheckOptions,
) -> Result<Parsed, ReadError> {
    let (raw, names, mut problems) = read_files(&list_files(paths)?, |_| true);
    let any = !names.is_empty();
    let mut parsed = check_raw(raw, &names.join(", "), any, year, options, None);
    problems.append(&mut parsed.problems);
    parsed.problems = problems;
    Ok(parsed)
}

/// Checks a return read from paths as [`read_paths_with`] does, without
/// keeping its records: what `footprint validate` needs. Last year's return
/// ([`CheckOptions::previous`]) is let go as soon as the rules comparing
/// years have run, and the rows become records a batch of children at a
/// time, each batch checked and let go (with every record held to the end, a
/// 10,000-child validation peaked some 6 MiB higher; with both years' rows
/// held, some 10 MiB).
pub fn check_paths(
    paths: &[PathBuf],
    year: Option<CollectionYear>,
    mut options: CheckOptions,
) -> Result<Checked, ReadError> {
    let previous = options.previous.take();
    let (raw, names, mut problems) = read_files(&list_files(paths)?, |_| true);
    let any = !names.is_empty();
    let mut checked = check_by_child(
        raw,
        &names.join(", "),
        any,
        year,
        &options,
        previous,
        CHILDREN_BATCH_ROWS,
    );
    problems.append(&mut checked.problems);
    checked.problems = problems;
    Ok(checked)
}

/// Reads the files one at a time (a file's bytes are let go once its rows
/// are read): the rows, the names of the files read, and a problem for each
/// file that could not be read.
fn read_files(
    files: &[PathBuf],
    keep: fn(Table) -> bool,
) -> (RawReturn, Vec<String>, Vec<Problem>) {
    let mut raw = RawReturn::default();
    let mut names = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read(file) {
            Ok(bytes) => {
                raw.read_input(
                    &Input {
                        name: name.clone(),
                        format: Format::of_path(file),
                        bytes,
                    },
                    keep,
                );
                names.push(name);
            }
            Err(e) => problems.push(Problem::file_level(
                &name,
                Severity::Fatal,
                format!("the file could not be read: {e}"),
            )),
        }
    }
    raw.rows.shrink_to_fit();
    (raw, names, problems)
}

/// The files named by `paths` (see [`read_paths`]).
fn list_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    if paths.is_empty() {
        return Err(ReadError::NoInput);
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| ReadError::Folder {
                path: path.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("xlsx")
                        })
                })
                .collect();
            if found.is_empty() {
                return Err(ReadError::EmptyFolder(path.clone()));
            }
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(ReadError::NotFound(path.clone()));
        }
    }
    Ok(files)
}

/// The rows of a return as read, before they become records: what the
/// rules comparing years read of last year's return.
#[derive(Debug, Clone, Default)]
pub struct RawReturn {
    pub rows: Vec<RawRow>,
    /// The tables found among the files.
    pub tables: BTreeSet<Table>,
    /// Problems reading the files (unreadable, unrecognised, malformed rows).
    pub problems: Vec<Problem>,
}

impl RawReturn {
    /// Reads the files named by `paths` (as [`read_paths`] does) without
    /// making records of them.
    pub fn read_paths(paths: &[PathBuf]) -> Result<RawReturn, ReadError> {
        let (mut raw, _, mut problems) = read_files(&list_files(paths)?, |_| true);
        problems.append(&mut raw.problems);
        raw.problems = problems;
        Ok(raw)
    }

    /// Reads last year's return for the rules comparing years: the rows of
    /// [`rules::LAST_YEAR_TABLES`] only, each file's others let go as it is
    /// read (the tables found are all kept).
    pub fn read_last_year(paths: &[PathBuf]) -> Result<RawReturn, ReadError> {
        let (mut raw, _, mut problems) = read_files(&list_files(paths)?, is_last_year_table);
        problems.append(&mut raw.problems);
        raw.problems = problems;
        Ok(raw)
    }

    /// The latest DECOM of the return's episodes: its collection year, when
    /// none is given, is the year of it (see the crate docs).
    pub fn latest_decom(&self) -> Option<chrono::NaiveDate> {
        convert::inference_date(&self.rows)
    }

    /// The collection year a check infers when none is given.
    pub fn inferred_year(&self) -> Option<CollectionYear> {
        self.latest_decom().map(CollectionYear::of)
    }

    /// Reads files already in memory without making records of them.
    pub fn read_inputs(inputs: &[Input]) -> RawReturn {
        let mut raw = RawReturn::default();
        for input in inputs {
            raw.read_input(input, |_| true);
        }
        raw
    }

    /// [`RawReturn::read_inputs`] for last year's return (see
    /// [`RawReturn::read_last_year`]).
    pub fn read_last_year_inputs(inputs: &[Input]) -> RawReturn {
        let mut raw = RawReturn::default();
        for input in inputs {
            raw.read_input(input, is_last_year_table);
        }
        raw
    }

    /// Adds one file's rows of the tables `keep` keeps, its tables and its
    /// problems.
    fn read_input(&mut self, input: &Input, keep: fn(Table) -> bool) {
        match input.format {
            Format::Csv => {
                let mut f = csv_in::read_csv(&input.name, &input.bytes);
                self.tables.extend(f.table);
                self.add_rows(f.rows, keep);
                self.problems.append(&mut f.problems);
            }
            Format::Xlsx => {
                for mut f in xlsx_in::read_xlsx(&input.name, &input.bytes) {
                    self.tables.extend(f.table);
                    self.add_rows(f.rows, keep);
                    self.problems.append(&mut f.problems);
                }
            }
            Format::Xml => {
                let mut f = xml_in::read_xml(&input.name, &input.bytes);
                // The XML form always carries the Header, Episodes and
                // Reviews, even when a child has none.
                self.tables
                    .extend([Table::Header, Table::Episodes, Table::Reviews]);
                self.tables.extend(f.rows.iter().map(RawRow::table));
                self.add_rows(f.rows, keep);
                self.problems.append(&mut f.problems);
            }
        }
    }

    /// Adds a file's rows of the tables `keep` keeps after the others (the
    /// first file's as they are, without a copy).
    fn add_rows(&mut self, mut rows: Vec<RawRow>, keep: fn(Table) -> bool) {
        rows.retain(|r| keep(r.table()));
        if self.rows.is_empty() {
            self.rows = rows;
        } else {
            self.rows.append(&mut rows);
        }
    }
}

/// Whether last year's return is read with table `t` (see
/// [`RawReturn::read_last_year`]).
fn is_last_year_table(t: Table) -> bool {
    rules::LAST_YEAR_TABLES.contains(&t)
}

/// What a return is checked with beyond its collection year.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The year whose rule set is used (`--year-rules`); default: the
    /// return's collection year (see [`rules::for_year`]).
    pub rules_year: Option<CollectionYear>,
    /// Last year's return: the rules comparing years run only with it.
    pub previous: Option<RawReturn>,
    /// The council's own local authority code (upper tier, E06…, E08…,
    /// E09… or E10…; the `local_authority_code` setting): the rules
    /// comparing the placement's local authority with the council's run
    /// only with it.
    pub local_authority: Option<String>,
    /// Ofsted's list of providers (`--providers`): the rules comparing an
    /// episode's URN with it run only with it.
    pub providers: Option<providers::Providers>,
}

/// Reads a 903 return from files already in memory (see [`read_paths`]).
pub fn read_inputs(inputs: &[Input], year: Option<CollectionYear>) -> Parsed {
    read_inputs_with(inputs, year, &CheckOptions::default())
}

/// [`read_inputs`] with a rule set's year and last year's return.
pub fn read_inputs_with(
    inputs: &[Input],
    year: Option<CollectionYear>,
    options: &CheckOptions,
) -> Parsed {
    check_raw(
        RawReturn::read_inputs(inputs),
        &return_name(inputs),
        !inputs.is_empty(),
        year,
        options,
        None,
    )
}

/// The name of a return made of these files, for problems about all of it.
fn return_name(inputs: &[Input]) -> String {
    inputs
        .iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A return's rows once the DfE rules on rows have run on them (see
/// [`run_rules`]), before they become records.
struct Ruled {
    rows: Vec<RawRow>,
    tables: BTreeSet<Table>,
    problems: Vec<Problem>,
    year: Option<CollectionYear>,
    year_inferred: bool,
    /// The latest DECOM of the rows, for the message of a year in which no
    /// episode is open.
    latest_decom: Option<chrono::NaiveDate>,
    rule_set: Option<rules::RuleSetName>,
}

/// Runs the checks on a return's rows: a return without its Header or
/// Episodes, and the DfE rules on rows. `return_name` names it, `any_input`
/// says whether there were files at all. Last year's return is `previous`
/// when given (let go once the rules have run), else `options.previous`.
fn run_rules(
    raw: RawReturn,
    return_name: &str,
    any_input: bool,
    year: Option<CollectionYear>,
    options: &CheckOptions,
    mut previous: Option<RawReturn>,
) -> Ruled {
    let latest_decom = raw.latest_decom();
    let (year, year_inferred) = match year {
        Some(y) => (Some(y), false),
        None => (latest_decom.map(CollectionYear::of), true),
    };
    let RawReturn {
        mut rows,
        tables,
        mut problems,
    } = raw;
    // What is not a return is refused whole: a return has its Header and
    // its Episodes.
    if any_input {
        for t in REQUIRED {
            if !tables.contains(&t) {
                problems.push(Problem::file_level(
                    return_name,
                    Severity::Fatal,
                    format!(
                        "no {t} table among the files: a 903 return has a Header and an Episodes table (a CSV file with the columns {})",
                        t.columns().join(", ")
                    ),
                ));
            }
        }
    }
    // The DfE rules that look at rows run on the rows as read.
    let mut rule_set = None;
    if let Some(y) = year {
        let set = rules::for_year(options.rules_year.unwrap_or(y));
        let this = rules::Tables::new(&mut rows, &tables);
        // Last year's rows from CSV files are each table's together
        // already; others (XML) are put so: in place when they are this
        // function's own, in a copy when they are the options' (shared).
        let mut regrouped: Vec<RawRow>;
        let last = match (previous.as_mut(), options.previous.as_ref()) {
            (Some(p), _) => Some(rules::Tables::last_year(&mut p.rows, &p.tables)),
            (None, Some(p)) => Some(
                match rules::Tables::grouped(&p.rows, &p.tables) {
                    Some(t) => t,
                    None => {
                        regrouped = p.rows.clone();
                        rules::Tables::new(&mut regrouped, &p.tables)
                    }
                }
                .of_last_year(),
            ),
            (None, None) => None,
        };
        problems.extend(rules::check_rows_with(
            &set,
            y,
            &this,
            last.as_ref(),
            options.local_authority.as_deref(),
            options.providers.as_ref(),
        ));
        rule_set = Some(set.name(
            last.is_some(),
            options.providers.as_ref().map(|p| p.file.as_str()),
        ));
    }
    drop(previous);
    Ruled {
        rows,
        tables,
        problems,
        year,
        year_inferred,
        latest_decom,
        rule_set,
    }
}

impl Ruled {
    /// The fatal problem of a collection year given (not inferred) in which
    /// no episode of the return is open; `any_open` is whether one is.
    fn no_episode_open(&self, return_name: &str, any_open: bool) -> Option<Problem> {
        let (Some(y), false) = (self.year, self.year_inferred) else {
            return None;
        };
        if any_open || !self.tables.contains(&Table::Episodes) {
            return None;
        }
        let latest = match self.latest_decom {
            Some(d) => format!(
                "; the latest DECOM, {}, is in {}: is this the {} return?",
                d.format("%d/%m/%Y"),
                CollectionYear::of(d),
                CollectionYear::of(d)
            ),
            None => String::new(),
        };
        Some(Problem::file_level(
            return_name,
            Severity::Fatal,
            format!("no episode is open at any time in {y}, the year given{latest}"),
        ))
    }
}

/// Whether any of the return's episodes is open at some time in `year`.
fn any_episode_open(ret: &Return903, year: Option<CollectionYear>) -> bool {
    year.is_some_and(|y| {
        ret.episodes
            .iter()
            .any(|e| e.record.start <= y.end() && e.record.end.is_none_or(|end| end >= y.start()))
    })
}

/// Checks a return's rows and makes its records (see [`run_rules`] for the
/// arguments).
fn check_raw(
    raw: RawReturn,
    return_name: &str,
    any_input: bool,
    year: Option<CollectionYear>,
    options: &CheckOptions,
    previous: Option<RawReturn>,
) -> Parsed {
    let mut ruled = run_rules(raw, return_name, any_input, year, options, previous);
    let rows = std::mem::take(&mut ruled.rows);
    let mut problems = std::mem::take(&mut ruled.problems);
    let ret = convert::convert(rows, ruled.year, ruled.tables.clone(), &mut problems);
    problems.extend(ruled.no_episode_open(return_name, any_episode_open(&ret, ruled.year)));
    problems.extend(validate(&ret));
    Parsed {
        ret,
        problems,
        year_inferred: ruled.year_inferred,
        rule_set: ruled.rule_set,
    }
}

/// How many rows a batch of children holds at least before its records
/// are made and checked (see [`check_by_child`]).
const CHILDREN_BATCH_ROWS: usize = 4096;

/// Checks a return's rows and its records without keeping the records: the
/// rows become records and are checked a batch of children at a time (every
/// check across records looks at one child's records, so a batch of whole
/// children finds what the whole return would), and only the counts are
/// kept. The problems are those [`check_raw`] finds.
fn check_by_child(
    raw: RawReturn,
    return_name: &str,
    any_input: bool,
    year: Option<CollectionYear>,
    options: &CheckOptions,
    previous: Option<RawReturn>,
    batch_rows: usize,
) -> Checked {
    let mut ruled = run_rules(raw, return_name, any_input, year, options, previous);
    let rows = std::mem::take(&mut ruled.rows);
    let mut problems = std::mem::take(&mut ruled.problems);
    let mut records = RecordCounts::default();
    let mut any_open = false;
    {
        let index = rules::ChildIndex::of(&rows);
        let by_child = rules::ChildRows::new(&index, &rows);
        // The children in the order they first come.
        let mut children = by_child.view(&index).values().peekable();
        while children.peek().is_some() {
            let mut batch: Vec<RawRow> = Vec::with_capacity(batch_rows * 2);
            while batch.len() < batch_rows
                && let Some(child) = children.next()
            {
                batch.extend(child.iter().map(|&r| r.clone()));
            }
            let ret = convert::convert(batch, ruled.year, ruled.tables.clone(), &mut problems);
            records.add(RecordCounts::of(&ret));
            any_open |= any_episode_open(&ret, ruled.year);
            problems.extend(validate(&ret));
        }
    }
    drop(rows);
    problems.extend(ruled.no_episode_open(return_name, any_open));
    Checked {
        year: ruled.year,
        year_inferred: ruled.year_inferred,
        rule_set: ruled.rule_set,
        records,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pick(values: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop::sample::select(values)
    }

    const CHILD: &[&str] = &["1", "2", "3", "4", "5", "6", "", "X!"];
    const DATE: &[&str] = &[
        "01/04/2023",
        "15/06/2010",
        "01/05/2024",
        "01/09/2024",
        "01/01/2025",
        "31/03/2025",
        "31/02/2024",
        "",
    ];

    /// Rows of a table as CSV lines: `n` rows of values picked for each
    /// column.
    fn lines(
        columns: Vec<&'static [&'static str]>,
        n: std::ops::Range<usize>,
    ) -> impl Strategy<Value = Vec<String>> {
        let row = columns.into_iter().map(pick).collect::<Vec<_>>();
        prop::collection::vec(row.prop_map(|v| v.join(",")), n)
    }

    fn file(table: Table, lines: Vec<String>) -> Input {
        let mut text = table.columns().join(",");
        for l in lines {
            text.push('\n');
            text.push_str(&l);
        }
        Input {
            name: table.file_name().to_owned(),
            format: Format::Csv,
            bytes: text.into_bytes(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Made and checked a batch of children at a time, in batches of
        /// any size, a return's records have the problems and the counts
        /// the whole return's have: duplicate and clashing rows, children
        /// missing from the Header, episodes that do not chain, reviews
        /// outside care, in any order.
        #[test]
        fn a_batch_of_children_at_a_time_finds_what_the_whole_return_finds(
            header in lines(vec![CHILD, &["M", "F", "1", "U", "Q", ""], DATE, &["WBRI", "ZZZZ", ""], &["A1", ""], &["", "1", "0", "x"], &["", "01/01/2024"]], 0..9),
            episodes in lines(vec![CHILD, DATE, &["S", "P", "L", "T", "U", "B", "Q"], &["C2", "C1", "V2", "V3", "E1", "zz"], &["N1", "N4", ""], &["U4", "U1", "T0", "Z1", "P1", "zz"], &["PR1", "PR4", ""], DATE, &["E11", "E4A", "X1", ""], &["CARPL", ""], &["TW1 1AA", ""], &["TW1 2AF", ""], &["SC000001", ""]], 0..15),
            reviews in lines(vec![CHILD, DATE, DATE, &["PN0", "PN1", "PN9", ""]], 0..9),
            missing in lines(vec![CHILD, DATE, &["M", "A", "Z"], DATE, DATE], 0..5),
            uasc in lines(vec![CHILD, &["M", "F", ""], DATE, DATE], 0..4),
            batch in 1usize..7,
            with_uasc in any::<bool>(),
        ) {
            let mut inputs = vec![
                file(Table::Header, header),
                file(Table::Episodes, episodes),
                file(Table::Reviews, reviews),
                file(Table::Missing, missing),
            ];
            if with_uasc {
                inputs.push(file(Table::Uasc, uasc));
            }
            let year = "2024-25".parse::<CollectionYear>().ok();
            let options = CheckOptions::default();
            let name = return_name(&inputs);
            let whole = check_raw(RawReturn::read_inputs(&inputs), &name, true, year, &options, None);
            let checked = check_by_child(RawReturn::read_inputs(&inputs), &name, true, year, &options, None, batch);
            prop_assert_eq!(whole.sorted_problems(), checked.sorted_problems());
            prop_assert_eq!(RecordCounts::of(&whole.ret), checked.records);
        }
    }
}
