//! A 903 return into the store: read (a folder's CSV files, an XML file, a
//! workbook), checked, and stored, all or nothing.
//!
//! Every return given is read and checked before anything is written: any
//! error (with `strict`, any warning too), or a return whose collection
//! year cannot be told, refuses them all. Otherwise each return is stored
//! in one transaction of its own, in collection-year order, and audited
//! (`ssda903.import`).

use footprint_domain::dates::CollectionYear;
use footprint_ssda903::{CheckOptions, Input, Parsed, Problem};
use footprint_store::{ImportBatch, ImportProblem, ImportProgress, ImportSummary, Severity, Store};

use crate::Error;

/// Whether a file (by its name) is a return on its own: an XML file or a
/// workbook. CSV files given together are one return.
pub fn is_whole_return(name: &str) -> bool {
    matches!(
        footprint_ssda903::Format::of_path(std::path::Path::new(name)),
        footprint_ssda903::Format::Xml | footprint_ssda903::Format::Xlsx
    )
}

/// Groups files (by name) into returns: each XML file or workbook is one;
/// the CSV files are one together. Indexes into `names`, in their order.
pub fn group_returns<S: AsRef<str>>(names: &[S]) -> Vec<Vec<usize>> {
    let mut groups = Vec::new();
    let mut loose = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if is_whole_return(n.as_ref()) {
            groups.push(vec![i]);
        } else {
            loose.push(i);
        }
    }
    if !loose.is_empty() {
        groups.push(loose);
    }
    groups
}

/// A reader's problem as the store keeps it with the import run.
pub fn to_import_problem(p: &Problem) -> ImportProblem {
    ImportProblem {
        file: p.file.to_string(),
        line: p.line,
        column: p.column.clone(),
        value: p.value.clone(),
        rule: p.rule.clone(),
        message: p.message.clone(),
        // A broken DfE rule is recorded as an error though the rows are
        // kept (only fatal problems refuse an import).
        severity: if p.is_error() {
            Severity::Error
        } else {
            Severity::Warning
        },
    }
}

/// A return that may not be stored, and why.
#[derive(Debug)]
pub struct Refusal {
    /// The files it came from, as named.
    pub source: String,
    /// The return as read, with every problem found.
    pub parsed: Parsed,
    /// Whether warnings refuse it too.
    pub strict: bool,
}

impl Refusal {
    /// The problems that refuse it (errors; with `strict`, warnings too),
    /// by file, line and column.
    pub fn refusing(&self) -> Vec<&Problem> {
        self.parsed
            .sorted_problems()
            .into_iter()
            .filter(|p| p.is_fatal() || self.strict)
            .collect()
    }

    /// The other problems (warnings, when not `strict`).
    pub fn others(&self) -> Vec<&Problem> {
        self.parsed
            .sorted_problems()
            .into_iter()
            .filter(|p| !(p.is_fatal() || self.strict))
            .collect()
    }

    /// Refused only because no date tells its collection year.
    pub fn no_year(&self) -> bool {
        self.refusing().is_empty() && self.parsed.ret.year.is_none()
    }
}

/// A return read and checked: ready to store, or refused.
#[derive(Debug)]
pub enum Checked {
    Ready(Box<ImportBatch>),
    Refused(Box<Refusal>),
}

/// Reads the files of one return already in memory and checks it with
/// `options` (the web's upload, with the council's local authority code; the
/// command line reads paths with `footprint_ssda903::read_paths_with` and
/// calls [`check`]).
pub fn read_and_check(
    source: String,
    inputs: &[Input],
    year: Option<CollectionYear>,
    strict: bool,
    options: &CheckOptions,
) -> Checked {
    check(
        source,
        footprint_ssda903::read_inputs_with(inputs, year, options),
        strict,
    )
}

/// What a return is checked with from the council's settings: its local
/// authority code (`MeasureSettings::local_authority_code`), for the rules
/// comparing the placement's local authority with the council's (1015,
/// 411). The web's upload and the command line's import and validation
/// take it from here.
pub async fn check_options(store: &Store) -> Result<CheckOptions, Error> {
    Ok(CheckOptions {
        local_authority: store
            .measure_settings()
            .await?
            .local_authority_code
            .filter(|c| !c.trim().is_empty()),
        ..CheckOptions::default()
    })
}

/// Checks a return as read: refused with any error (with `strict`, any
/// warning), or when its collection year cannot be told; otherwise the
/// records to store, moved out of the reader's.
pub fn check(source: String, parsed: Parsed, strict: bool) -> Checked {
    let refused = parsed.problems.iter().any(|p| p.is_fatal() || strict);
    if refused || parsed.ret.year.is_none() {
        return Checked::Refused(Box::new(Refusal {
            source,
            parsed,
            strict,
        }));
    }
    match into_batch(source, parsed) {
        Some(b) => Checked::Ready(Box::new(b)),
        None => unreachable!("a return with a year makes a batch"),
    }
}

/// A checked return as the records to import (`None` without a collection
/// year).
fn into_batch(source: String, parsed: Parsed) -> Option<ImportBatch> {
    fn records<T>(located: Vec<footprint_ssda903::Located<T>>) -> Vec<T> {
        // Not collected in place: that would keep the larger allocation.
        let mut out = Vec::with_capacity(located.len());
        out.extend(located.into_iter().map(|l| l.record));
        out
    }
    let problems = parsed.problems.iter().map(to_import_problem).collect();
    let ret = parsed.ret;
    Some(ImportBatch {
        year: ret.year?,
        source,
        children: records(ret.children),
        episodes: records(ret.episodes),
        reviews: records(ret.reviews),
        missing: records(ret.missing),
        health_outcomes: records(ret.health_outcomes),
        tables: ret.return_tables,
        problems,
    })
}

/// Stores returns that passed [`check`] together, in one transaction (all
/// or nothing; the council's records derived once from them all, with
/// [`Store::import_returns`]), and audits each (`ssda903.import`: year, run,
/// counts). The summaries come in collection-year order. `progress` hears
/// how far the transaction has got.
pub async fn import_checked(
    store: &Store,
    actor: &str,
    batches: Vec<ImportBatch>,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<Vec<(String, ImportSummary)>, ImportError> {
    let mut given: Vec<(CollectionYear, String, [usize; 3])> = batches
        .iter()
        .map(|b| {
            (
                b.year,
                b.source.clone(),
                [b.children.len(), b.episodes.len(), b.reviews.len()],
            )
        })
        .collect();
    given.sort_by_key(|(year, _, _)| *year);
    let sources = given
        .iter()
        .map(|(year, source, _)| format!("{source} ({year})"))
        .collect::<Vec<_>>()
        .join(", ");
    let failed = |e: Error| ImportError {
        sources: sources.clone(),
        error: e,
    };
    let summaries = store
        .import_returns_with_progress(batches, progress)
        .await
        .map_err(|e| failed(e.into()))?;
    let mut out = Vec::with_capacity(summaries.len());
    for ((year, source, [children, episodes, reviews]), summary) in given.into_iter().zip(summaries)
    {
        store
            .audit(
                actor,
                "ssda903.import",
                None,
                &format!(
                    "{year} return, import run {}: {children} children, {episodes} episodes, {reviews} reviews",
                    summary.run
                ),
            )
            .await
            .map_err(|e| failed(e.into()))?;
        out.push((source, summary));
    }
    Ok(out)
}

/// Returns the store could not take: nothing of them was written.
#[derive(Debug, thiserror::Error)]
#[error("importing {sources}; nothing of it was written: {error}")]
pub struct ImportError {
    /// The returns given, each as named with its year.
    pub sources: String,
    pub error: Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_xml_file_or_workbook_is_a_return_and_the_csv_files_one_together() {
        let names = ["a.csv", "b.XML", "c.csv", "d.xlsx"];
        assert_eq!(group_returns(&names), vec![vec![1], vec![3], vec![0, 2]]);
        assert!(group_returns::<&str>(&[]).is_empty());
    }
}

/// The problems of one rule (or of none: `(no rule number)`), for the data
/// quality page and a refused upload's page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleProblems {
    pub rule: String,
    /// The first problem's message.
    pub message: String,
    pub errors: usize,
    pub warnings: usize,
    /// Where each was (file, line and column), at most the number asked for.
    pub places: Vec<String>,
}

/// Where a problem is, in words: `episodes.csv line 4, DECOM`.
pub fn place(p: &ImportProblem) -> String {
    match (p.line, &p.column) {
        (Some(l), Some(c)) => format!("{} line {l}, {c}", p.file),
        (Some(l), None) => format!("{} line {l}", p.file),
        (None, Some(c)) => format!("{}, {c}", p.file),
        _ => p.file.clone(),
    }
}

/// Problems by rule, in rule order, each with at most `places` places
/// (`None`: every one). Never the value found (it may be personal data).
pub fn by_rule(problems: &[ImportProblem], places: Option<usize>) -> Vec<RuleProblems> {
    let mut map: std::collections::BTreeMap<String, RuleProblems> = Default::default();
    for p in problems {
        let rule = p
            .rule
            .clone()
            .unwrap_or_else(|| "(no rule number)".to_owned());
        let e = map.entry(rule.clone()).or_insert_with(|| RuleProblems {
            rule,
            message: p.message.clone(),
            errors: 0,
            warnings: 0,
            places: Vec::new(),
        });
        match p.severity {
            Severity::Error => e.errors += 1,
            Severity::Warning => e.warnings += 1,
        }
        if places.is_none_or(|n| e.places.len() < n) {
            e.places.push(place(p));
        }
    }
    map.into_values().collect()
}
