//! Problems with a place in a case-management CSV file.

/// A problem with one place of a case-management CSV file (children's
/// names, health and education records): its line and column (empty for
/// the whole line). Never the value itself: names are personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// The problems of `file`, one line each, naming the line and column.
pub fn render_row_problems(file: &str, problems: &[RowProblem]) -> String {
    let mut out = String::new();
    for p in problems {
        if p.column.is_empty() {
            out.push_str(&format!("{file} line {}: {}\n", p.line, p.message));
        } else {
            out.push_str(&format!(
                "{file} line {}, column {}: {}\n",
                p.line, p.column, p.message
            ));
        }
    }
    out
}

/// The lines of `rows` naming a child the store does not hold (a
/// case-management file is imported after the 903 return).
pub(crate) async fn unknown_children<'a>(
    store: &footprint_store::Store,
    rows: impl Iterator<Item = (u64, &'a footprint_domain::model::ChildId)>,
) -> Result<Vec<RowProblem>, footprint_store::StoreError> {
    let known: std::collections::HashSet<footprint_domain::model::ChildId> = store
        .list_children()
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(rows
        .filter(|(_, c)| !known.contains(*c))
        .map(|(line, c)| RowProblem {
            line,
            column: "CHILD".into(),
            message: format!("child {c} is not in the database (import the 903 return first)"),
        })
        .collect())
}
