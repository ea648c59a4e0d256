//! The 903 checks on the council's records as they stand, whether they
//! came from a return or were entered in Footprint's forms: the year's
//! return is made from the records (`footprint_ssda903::render_csv`, as
//! the export makes it) and read back by the import's own reader and
//! checks (`read_inputs`), so a record entered through a form meets exactly
//! the checks an imported one meets. Each problem names the child whose
//! row it is on.

use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{ChildId, Dataset};
use footprint_ssda903::{Format, Input, Problem};

/// A problem in the council's records: the 903 table (file) and column,
/// the rule, and the child whose record it is (when it is on a row).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordProblem {
    pub child: Option<ChildId>,
    /// `header.csv`, `episodes.csv`, `reviews.csv`, ...
    pub table: String,
    pub column: Option<String>,
    pub rule: Option<String>,
    pub message: String,
    pub error: bool,
}

/// Every problem the 903 checks find in `year`'s records of `ds`, by
/// child. Never the value found.
pub fn check_records(ds: &Dataset, year: CollectionYear) -> Vec<RecordProblem> {
    let csv = footprint_ssda903::render_csv(ds, year);
    let files = csv.files();
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| Input {
            name: (*name).to_owned(),
            format: Format::Csv,
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let parsed = footprint_ssda903::read_inputs(&inputs, Some(year));
    let child_of = |p: &Problem| -> Option<ChildId> {
        let (_, text) = files.iter().find(|(n, _)| *n == p.file)?;
        let mut lines = text.lines();
        let header = lines.next()?;
        let col = header.split(',').position(|h| h == "CHILD")?;
        let line = usize::try_from(p.line?).ok()?;
        let row = text.lines().nth(line.checked_sub(1)?)?;
        row.split(',').nth(col)?.parse().ok()
    };
    let mut out: Vec<RecordProblem> = parsed
        .problems
        .iter()
        .map(|p| RecordProblem {
            child: child_of(p),
            table: p.file.clone(),
            column: p.column.clone(),
            rule: p.rule.clone(),
            message: p.message.clone(),
            error: p.is_fatal(),
        })
        .collect();
    out.sort_by(|a, b| (&a.child, &a.table, &a.rule).cmp(&(&b.child, &b.table, &b.rule)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_council_with_no_records_has_no_problems_by_child() {
        let year: CollectionYear = "2024-25".parse().unwrap();
        assert!(
            check_records(&Dataset::default(), year)
                .iter()
                .all(|p| p.child.is_none())
        );
    }
}
