//! Publication mode (`measures.md`, Publication mode): every count from 1 to
//! 5 is shown as `c` (zero stays 0), then secondary suppression hides more
//! cells until no hidden cell can be worked out from a total or from the
//! other cells of its row or column.
//!
//! The rows, columns and totals are the [`Relation::Sum`] relations of
//! [`crate::checks`]: each is a *line* `parts = total`. A line with exactly
//! one hidden member gives that member away (total minus the rest), so the
//! smallest non-zero visible member of that line is hidden as well; this
//! repeats until every line has no hidden member or at least two. A line
//! with one part says two cells are the same figure, so hiding one hides the
//! other.

use std::collections::BTreeSet;

use footprint_domain::measures::Measures;

use crate::checks::{CellRef, Relation, relations};

/// The largest count hidden by primary suppression.
pub const PRIMARY_MAX: u64 = 5;

/// A line: cells that add up (`parts` then the total, as the last member).
pub type Line = Vec<CellRef>;

/// The cells to show as `c` in a published report of `m`.
pub fn suppressed_cells(m: &Measures) -> BTreeSet<CellRef> {
    let mut cells: Vec<(CellRef, u64)> = Vec::new();
    for (id, measure) in &m.entries {
        for (path, count) in measure.cells() {
            cells.push((
                CellRef {
                    measure: id.clone(),
                    path,
                },
                count.value,
            ));
        }
    }
    let lines: Vec<Line> = relations(m)
        .into_iter()
        .filter_map(|r| match r {
            Relation::Sum { parts, total, .. } if !parts.is_empty() => {
                let mut line = parts;
                line.push(total);
                Some(line)
            }
            _ => None,
        })
        .collect();
    suppress(&cells, &lines)
}

/// Primary then secondary suppression of `cells` (each with its value)
/// against `lines`. Cells in a line that are not in `cells` are ignored.
pub fn suppress(cells: &[(CellRef, u64)], lines: &[Line]) -> BTreeSet<CellRef> {
    let value = |r: &CellRef| cells.iter().find(|(c, _)| c == r).map(|(_, v)| *v);
    let mut hidden: BTreeSet<CellRef> = cells
        .iter()
        .filter(|(_, v)| (1..=PRIMARY_MAX).contains(v))
        .map(|(c, _)| c.clone())
        .collect();
    // Each pass hides at least one more cell or stops, so this ends.
    loop {
        let mut changed = false;
        for line in lines {
            let mut members: Vec<&CellRef> = line.iter().filter(|r| value(r).is_some()).collect();
            members.sort();
            members.dedup();
            let n_hidden = members.iter().filter(|r| hidden.contains(**r)).count();
            if n_hidden != 1 {
                continue;
            }
            // Hide the smallest non-zero visible member (zeros are shown: a
            // zero gives nothing away that is not already known).
            let pick = members
                .iter()
                .filter(|r| !hidden.contains(**r))
                .filter_map(|r| value(r).filter(|&v| v > 0).map(|v| (v, *r)))
                .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            if let Some((_, r)) = pick {
                hidden.insert(r.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    hidden
}

/// Whether some hidden cell is the only hidden member of a line (so could be
/// worked out). Used by the tests and as a last guard before publishing.
pub fn exposed(
    cells: &[(CellRef, u64)],
    lines: &[Line],
    hidden: &BTreeSet<CellRef>,
) -> Vec<CellRef> {
    let known = |r: &CellRef| cells.iter().any(|(c, _)| c == r);
    let mut out = Vec::new();
    for line in lines {
        let mut members: Vec<&CellRef> = line.iter().filter(|r| known(r)).collect();
        members.sort();
        members.dedup();
        let h: Vec<&&CellRef> = members.iter().filter(|r| hidden.contains(**r)).collect();
        if h.len() == 1 {
            out.push((**h[0]).clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(m: &str, k: &str) -> CellRef {
        CellRef::new(m, &[k])
    }

    /// A table with row and column totals, as lines.
    fn table(values: &[&[u64]]) -> (Vec<(CellRef, u64)>, Vec<Line>) {
        let rows = values.len();
        let cols = values[0].len();
        let cell = |i: usize, j: usize| CellRef::new("t", &[&i.to_string(), &j.to_string()]);
        let mut cells = Vec::new();
        for (i, row) in values.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                cells.push((cell(i, j), v));
            }
        }
        let mut lines = Vec::new();
        for (i, row) in values.iter().enumerate() {
            let total = CellRef::new("row_total", &[&i.to_string()]);
            cells.push((total.clone(), row.iter().sum()));
            let mut line: Line = (0..cols).map(|j| cell(i, j)).collect();
            line.push(total);
            lines.push(line);
        }
        for j in 0..cols {
            let total = CellRef::new("col_total", &[&j.to_string()]);
            cells.push((total.clone(), values.iter().map(|row| row[j]).sum()));
            let mut line: Line = (0..rows).map(|i| cell(i, j)).collect();
            line.push(total);
            lines.push(line);
        }
        (cells, lines)
    }

    fn t(i: usize, j: usize) -> CellRef {
        CellRef::new("t", &[&i.to_string(), &j.to_string()])
    }

    #[test]
    fn a_breakdown_and_its_total() {
        // by_reason: E11 = 3, E4A = 20, E8 = 12, E2 = 0; total 35.
        // Primary: E11 (3). The line then has one hidden cell (35 − 20 − 12
        // = 3 gives it away), so the smallest visible non-zero member, E8
        // (12), is hidden too. E2 = 0 stays 0. Total 35 stays.
        let cells = vec![
            (r("b", "E11"), 3),
            (r("b", "E4A"), 20),
            (r("b", "E8"), 12),
            (r("b", "E2"), 0),
            (CellRef::new("total", &[]), 35),
        ];
        let lines = vec![vec![
            r("b", "E11"),
            r("b", "E4A"),
            r("b", "E8"),
            r("b", "E2"),
            CellRef::new("total", &[]),
        ]];
        let hidden = suppress(&cells, &lines);
        let expected: BTreeSet<CellRef> = [r("b", "E11"), r("b", "E8")].into();
        assert_eq!(hidden, expected);
        assert!(exposed(&cells, &lines, &hidden).is_empty());
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let (cells, lines) = table(&[&[10, 0], &[7, 30]]);
        assert!(suppress(&cells, &lines).is_empty());
    }

    #[test]
    fn a_two_way_table() {
        // Rows × columns with row and column totals:
        //        c0  c1  c2 | total
        //   r0    2  10  12 |  24
        //   r1    8   9  20 |  37
        //   ---------------------
        //        10  19  32 |
        // Primary: (r0,c0) = 2. Row r0 then has one hidden cell: hide its
        // smallest visible non-zero, (r0,c1) = 10. Column c0 has one hidden:
        // hide (r1,c0) = 8 (smaller than its total 10). Column c1 has one
        // hidden ((r0,c1)): hide (r1,c1) = 9. Row r1 now has two hidden
        // ((r1,c0), (r1,c1)): fine. Every line has 0 or 2 hidden cells.
        let (cells, lines) = table(&[&[2, 10, 12], &[8, 9, 20]]);
        let hidden = suppress(&cells, &lines);
        let expected: BTreeSet<CellRef> = [t(0, 0), t(0, 1), t(1, 0), t(1, 1)].into();
        assert_eq!(hidden, expected);
        assert!(exposed(&cells, &lines, &hidden).is_empty());
    }

    #[test]
    fn a_total_is_hidden_when_nothing_else_can_be() {
        // Row r0 = [4, 0] with total 4, row r1 = [6, 7] with total 13;
        // column totals 10 and 7.
        // Primary: (r0,c0) = 4 and r0's total 4. Row r0: two hidden, fine.
        // Column c0 = [4, 6] total 10: one hidden → hide (r1,c0) = 6 (the
        // smallest non-zero visible member). Row r1 = [6, 7] total 13: one
        // hidden → hide (r1,c1) = 7. Column c1 = [0, 7] total 7: one hidden
        // → hide its total 7. The total column (4 and 13) is not a line
        // here, so nothing more.
        let (cells, lines) = table(&[&[4, 0], &[6, 7]]);
        let hidden = suppress(&cells, &lines);
        let expected: BTreeSet<CellRef> = [
            t(0, 0),
            CellRef::new("row_total", &["0"]),
            t(1, 0),
            t(1, 1),
            CellRef::new("col_total", &["1"]),
        ]
        .into();
        assert_eq!(hidden, expected);
        assert!(exposed(&cells, &lines, &hidden).is_empty());
    }

    #[test]
    fn the_same_figure_is_hidden_everywhere() {
        // A one-part line says two cells are the same figure.
        let cells = vec![
            (CellRef::new("participation.spoke_for_self", &[]), 3),
            (r("participation.by_code", "PN1"), 3),
            (CellRef::new("x", &[]), 50),
        ];
        let lines = vec![vec![
            CellRef::new("participation.spoke_for_self", &[]),
            r("participation.by_code", "PN1"),
        ]];
        let hidden = suppress(&cells, &lines);
        assert_eq!(hidden.len(), 2);
        assert!(!hidden.contains(&CellRef::new("x", &[])));
    }
}
