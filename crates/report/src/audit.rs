//! The disclosure audit of publication mode (`measures.md`, Publication
//! mode): for every hidden cell, the smallest and the largest value
//! consistent with everything the publication shows, rounded inward to
//! whole numbers, must differ.
//!
//! A [`Publication`] is what a reader has: every count it prints (with its
//! true value, which the audit hides where the cell is hidden), the counts
//! it never prints but that take part in a relation (a month outside the
//! performance page's window, say: unknown, at least 0), and every relation
//! between them as a linear constraint. For each hidden cell the audit
//! solves two linear programmes, minimise and maximise the cell, with
//!
//! - every shown cell fixed at its value,
//! - every hidden cell at least 1 (zero is shown as 0) and a primary hidden
//!   cell (a count from 1 to 5) at most 5,
//! - every relation of the publication,
//!
//! using `good_lp` with the pure-Rust `microlp` solver. Cells that share no
//! relation through hidden or unprinted cells cannot inform each other, so
//! each connected group of them is solved on its own.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, microlp,
    variable,
};

use crate::checks::{CellRef, Relation};

/// The largest count hidden by primary suppression.
pub const PRIMARY_MAX: u64 = 5;

/// One count of a publication: the block it is printed in (a year's
/// figures, an indicator of the performance page) and the cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Figure {
    pub block: String,
    pub cell: CellRef,
}

impl Figure {
    pub fn new(block: &str, cell: CellRef) -> Self {
        Figure {
            block: block.to_owned(),
            cell,
        }
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.cell, self.block)
    }
}

/// `=` or `≤`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Le,
}

/// `Σ coefficient × figure  op  rhs`, named for the error message.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub name: String,
    pub terms: Vec<(Figure, f64)>,
    pub op: Op,
    pub rhs: f64,
}

/// Everything a reader of one publication has.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    /// Every count printed, with its true value.
    pub values: BTreeMap<Figure, u64>,
    /// Counts that take part in a relation but are never printed.
    pub unprinted: BTreeSet<Figure>,
    pub constraints: Vec<Constraint>,
    /// Counts hidden from the start of secondary suppression (not as
    /// small counts: no bound of 5), where a rule knows a better cell to
    /// hide than the search would find ([`crate::suppress::HIDE_WITH_SMALL`]);
    /// shown again if the audit finds it is not needed.
    pub seeded: BTreeSet<Figure>,
}

/// A hidden cell the publication gives away.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    pub figure: Figure,
    /// The only whole number the cell can be.
    pub value: i64,
    /// The relations through which it can be worked out.
    pub relations: Vec<String>,
    /// The cell is a count from 1 to 5 left showing (not hidden at all).
    pub shown: bool,
}

impl fmt::Display for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shown {
            return write!(
                f,
                "{} is {}, a count from 1 to 5, and is shown",
                self.figure, self.value
            );
        }
        write!(
            f,
            "{} is shown as c but can only be {}, worked out from the figures shown through {}",
            self.figure,
            self.value,
            if self.relations.is_empty() {
                "its bounds alone".to_owned()
            } else {
                self.relations.join(", ")
            }
        )
    }
}

/// A variable of the audit: a hidden or an unprinted count.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bounds {
    /// Hidden, 1 to 5.
    Primary,
    /// Hidden, at least 1.
    Secondary,
    /// Never printed: at least 0.
    Unprinted,
}

/// A connected group of variables and the constraints that tie them.
struct Component {
    vars: Vec<Figure>,
    constraints: Vec<usize>,
}

impl Publication {
    /// Adds the relations of one block (a year's measures). A relation is
    /// used only when every cell it names is printed.
    pub fn add_relations(&mut self, block: &str, relations: &[Relation]) {
        for r in relations {
            match r {
                Relation::Sum { name, parts, total } => {
                    if parts.is_empty() {
                        continue;
                    }
                    let mut terms: Vec<(Figure, f64)> = parts
                        .iter()
                        .map(|p| (Figure::new(block, p.clone()), 1.0))
                        .collect();
                    terms.push((Figure::new(block, total.clone()), -1.0));
                    self.add(name, terms, Op::Eq, 0.0);
                }
                Relation::AtMost {
                    name,
                    smaller,
                    larger,
                } => {
                    let terms = vec![
                        (Figure::new(block, smaller.clone()), 1.0),
                        (Figure::new(block, larger.clone()), -1.0),
                    ];
                    self.add(name, terms, Op::Le, 0.0);
                }
            }
        }
    }

    /// Adds a constraint if every figure it names is printed or known to be
    /// unprinted; repeated figures are merged.
    pub fn add(&mut self, name: &str, terms: Vec<(Figure, f64)>, op: Op, rhs: f64) {
        if terms
            .iter()
            .any(|(f, _)| !self.values.contains_key(f) && !self.unprinted.contains(f))
        {
            return;
        }
        let mut merged: Vec<(Figure, f64)> = Vec::new();
        for (f, c) in terms {
            match merged.iter_mut().find(|(g, _)| *g == f) {
                Some((_, x)) => *x += c,
                None => merged.push((f, c)),
            }
        }
        merged.retain(|(_, c)| *c != 0.0);
        self.constraints.push(Constraint {
            name: name.to_owned(),
            terms: merged,
            op,
            rhs,
        });
    }

    /// The cells primary suppression hides: every count from 1 to 5.
    pub fn primary(&self) -> BTreeSet<Figure> {
        self.values
            .iter()
            .filter(|(_, v)| (1..=PRIMARY_MAX).contains(*v))
            .map(|(f, _)| f.clone())
            .collect()
    }

    fn bounds(&self, f: &Figure, hidden: &BTreeSet<Figure>) -> Option<Bounds> {
        if hidden.contains(f) {
            match self.values.get(f) {
                Some(v) if *v <= PRIMARY_MAX => Some(Bounds::Primary),
                _ => Some(Bounds::Secondary),
            }
        } else if self.unprinted.contains(f) {
            Some(Bounds::Unprinted)
        } else {
            None
        }
    }

    /// The groups of hidden and unprinted cells joined by constraints.
    fn components(&self, hidden: &BTreeSet<Figure>) -> Vec<Component> {
        let vars: Vec<&Figure> = hidden.iter().chain(&self.unprinted).collect();
        let index: HashMap<&Figure, usize> =
            vars.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let mut parent: Vec<usize> = (0..vars.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut constraint_vars: Vec<Vec<usize>> = Vec::with_capacity(self.constraints.len());
        for c in &self.constraints {
            let vs: Vec<usize> = c
                .terms
                .iter()
                .filter_map(|(f, _)| index.get(f).copied())
                .collect();
            for w in vs.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                if a != b {
                    parent[a] = b;
                }
            }
            constraint_vars.push(vs);
        }
        let mut groups: BTreeMap<usize, Component> = BTreeMap::new();
        for (i, f) in vars.iter().enumerate() {
            let r = root(&mut parent, i);
            groups
                .entry(r)
                .or_insert_with(|| Component {
                    vars: Vec::new(),
                    constraints: Vec::new(),
                })
                .vars
                .push((*f).clone());
        }
        for (ci, vs) in constraint_vars.iter().enumerate() {
            if let Some(&v) = vs.first() {
                let r = root(&mut parent, v);
                if let Some(g) = groups.get_mut(&r) {
                    g.constraints.push(ci);
                }
            }
        }
        groups
            .into_values()
            .filter(|g| g.vars.iter().any(|f| hidden.contains(f)))
            .collect()
    }

    /// A solution minimising or maximising `target`: every variable's
    /// value (`None`: `target` has no upper limit).
    fn optimum(
        &self,
        comp: &Component,
        hidden: &BTreeSet<Figure>,
        target: &Figure,
        maximise: bool,
    ) -> Result<Option<Vec<f64>>, String> {
        let mut problem = ProblemVariables::new();
        let mut vars: HashMap<&Figure, Variable> = HashMap::new();
        let mut order: Vec<Variable> = Vec::with_capacity(comp.vars.len());
        for f in &comp.vars {
            let def = match self.bounds(f, hidden) {
                Some(Bounds::Primary) => variable().min(1.0).max(PRIMARY_MAX as f64),
                Some(Bounds::Secondary) => variable().min(1.0),
                _ => variable().min(0.0),
            };
            let v = problem.add(def);
            vars.insert(f, v);
            order.push(v);
        }
        let objective: Expression = vars[target].into();
        let unsolved = if maximise {
            problem.maximise(objective)
        } else {
            problem.minimise(objective)
        };
        let mut model = unsolved.using(microlp);
        for &ci in &comp.constraints {
            let c = &self.constraints[ci];
            let mut lhs = Expression::from(0.0);
            let mut rhs = c.rhs;
            for (f, coef) in &c.terms {
                match vars.get(f) {
                    Some(v) => lhs.add_mul(*coef, *v),
                    None => rhs -= coef * self.values.get(f).copied().unwrap_or(0) as f64,
                }
            }
            model.add_constraint(match c.op {
                Op::Eq => lhs.eq(rhs),
                Op::Le => lhs.leq(rhs),
            });
        }
        match model.solve() {
            Ok(s) => Ok(Some(order.iter().map(|v| s.value(*v)).collect())),
            Err(ResolutionError::Unbounded) => Ok(None),
            Err(e) => Err(format!(
                "the figures around {target} are inconsistent ({e}); the report was not written"
            )),
        }
    }

    /// The hidden cells of `comp` that are determined: their smallest and
    /// largest values, rounded inward, are one whole number (their true
    /// value). Stops at the first if `first` is set.
    ///
    /// Each solution is a witness for every cell: a cell whose value in a
    /// solution is 1 or more away from its true value has at least two
    /// whole numbers in its range, so it needs no programme of its own.
    fn determined(
        &self,
        comp: &Component,
        hidden: &BTreeSet<Figure>,
        first: bool,
    ) -> Result<Vec<(Figure, i64)>, String> {
        let truth: Vec<Option<f64>> = comp
            .vars
            .iter()
            .map(|f| {
                hidden
                    .contains(f)
                    .then(|| self.values.get(f).map(|v| *v as f64))
                    .flatten()
            })
            .collect();
        let mut free = vec![false; comp.vars.len()];
        let mark = |free: &mut [bool], sol: &[f64]| {
            for (i, x) in sol.iter().enumerate() {
                if truth[i].is_some_and(|t| (x - t).abs() >= 1.0 - 1e-6) {
                    free[i] = true;
                }
            }
        };
        let mut out = Vec::new();
        // Seeded cells last: a cell hidden only to protect a neighbour is
        // looked at once the cells it protects are safe, so the search
        // hides what protects those first.
        let mut order: Vec<usize> = (0..comp.vars.len()).collect();
        order.sort_by_key(|&i| self.seeded.contains(&comp.vars[i]));
        for i in order {
            let f = &comp.vars[i];
            let Some(t) = truth[i] else { continue };
            if free[i] {
                continue;
            }
            if let Some(sol) = self.optimum(comp, hidden, f, false)? {
                mark(&mut free, &sol);
            }
            if free[i] {
                continue;
            }
            match self.optimum(comp, hidden, f, true)? {
                None => free[i] = true,
                Some(sol) => mark(&mut free, &sol),
            }
            if !free[i] {
                out.push((f.clone(), t.round() as i64));
                if first {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn disclosure(&self, comp: &Component, target: &Figure, value: i64) -> Disclosure {
        let mut relations: Vec<String> = comp
            .constraints
            .iter()
            .map(|&ci| &self.constraints[ci])
            .filter(|c| c.terms.iter().any(|(f, _)| f == target))
            .map(|c| c.name.clone())
            .collect();
        relations.dedup();
        Disclosure {
            figure: target.clone(),
            value,
            relations,
            shown: false,
        }
    }

    /// Every hidden cell that the publication gives away (empty: the
    /// publication passes). `Err` if the figures contradict one another.
    pub fn audit(&self, hidden: &BTreeSet<Figure>) -> Result<Vec<Disclosure>, String> {
        let mut out = Vec::new();
        for comp in self.components(hidden) {
            for (f, v) in self.determined(&comp, hidden, false)? {
                out.push(self.disclosure(&comp, &f, v));
            }
        }
        Ok(out)
    }

    fn first_disclosure(
        &self,
        hidden: &BTreeSet<Figure>,
        safe: &mut BTreeSet<Vec<Figure>>,
    ) -> Result<Option<Disclosure>, String> {
        for comp in self.components(hidden) {
            // The programme of a group depends only on which of its cells
            // are hidden: a group found safe stays safe.
            if safe.contains(&comp.vars) {
                continue;
            }
            if let Some((f, v)) = self.determined(&comp, hidden, true)?.into_iter().next() {
                return Ok(Some(self.disclosure(&comp, &f, v)));
            }
            safe.insert(comp.vars);
        }
        Ok(None)
    }

    /// The shown cell to hide next so that `figure` is no longer given
    /// away: the smallest non-zero shown count in a relation with it, else
    /// in a relation with the hidden or unprinted cells it is tied to,
    /// nearest first.
    fn next_to_hide(&self, figure: &Figure, hidden: &BTreeSet<Figure>) -> Option<Figure> {
        let mut seen: BTreeSet<Figure> = [figure.clone()].into();
        let mut frontier: Vec<Figure> = vec![figure.clone()];
        let mut used = vec![false; self.constraints.len()];
        while !frontier.is_empty() {
            let mut best: Option<(u64, &Figure)> = None;
            let mut next = Vec::new();
            for (ci, c) in self.constraints.iter().enumerate() {
                if used[ci] || !c.terms.iter().any(|(f, _)| frontier.contains(f)) {
                    continue;
                }
                used[ci] = true;
                for (f, _) in &c.terms {
                    if hidden.contains(f) || self.unprinted.contains(f) {
                        if seen.insert(f.clone()) {
                            next.push(f.clone());
                        }
                    } else if let Some(&v) = self.values.get(f)
                        && v > 0
                        && best.is_none_or(|(bv, bf)| (v, f) < (bv, bf))
                    {
                        best = Some((v, f));
                    }
                }
            }
            if let Some((_, f)) = best {
                return Some(f.clone());
            }
            frontier = next;
        }
        None
    }

    /// Primary suppression, then secondary suppression driven by the audit:
    /// while a hidden cell is given away, hide the smallest shown count in a
    /// relation that determines it. `Err` names a cell that no further
    /// suppression can protect.
    pub fn suppress(&self) -> Result<BTreeSet<Figure>, SuppressionError> {
        let mut hidden = self.primary();
        hidden.extend(self.seeded.iter().cloned());
        let mut safe = BTreeSet::new();
        loop {
            match self.first_disclosure(&hidden, &mut safe) {
                Err(message) => return Err(SuppressionError::Inconsistent(message)),
                Ok(None) => break,
                Ok(Some(d)) => match self.next_to_hide(&d.figure, &hidden) {
                    Some(f) => {
                        hidden.insert(f);
                    }
                    None => return Err(SuppressionError::Disclosed(d)),
                },
            }
        }
        // Greedy choices can hide more than needed: show again each
        // secondary cell, largest first, that the audit finds is not
        // needed.
        let primary = self.primary();
        let mut secondary: Vec<(u64, Figure)> = hidden
            .iter()
            .filter(|f| !primary.contains(*f))
            .map(|f| (self.values.get(f).copied().unwrap_or(0), f.clone()))
            .collect();
        secondary.sort_by(|a, b| b.cmp(a));
        for (_, f) in secondary {
            hidden.remove(&f);
            if !matches!(self.first_disclosure(&hidden, &mut safe), Ok(None)) {
                hidden.insert(f);
            }
        }
        Ok(hidden)
    }
}

/// Why suppression could not make a publication safe.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SuppressionError {
    #[error("{0}, and no other cell can be hidden to protect it")]
    Disclosed(Disclosure),
    #[error("{0}")]
    Inconsistent(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(block: &str, k: &str) -> Figure {
        Figure::new(block, CellRef::new("t", &[k]))
    }

    /// A breakdown `parts` with its total, in block "y".
    fn breakdown(parts: &[(&str, u64)]) -> Publication {
        let mut p = Publication::default();
        let total = Figure::new("y", CellRef::new("total", &[]));
        for (k, v) in parts {
            p.values.insert(fig("y", k), *v);
        }
        p.values
            .insert(total.clone(), parts.iter().map(|(_, v)| v).sum());
        let mut terms: Vec<(Figure, f64)> = parts.iter().map(|(k, _)| (fig("y", k), 1.0)).collect();
        terms.push((total, -1.0));
        p.add("t", terms, Op::Eq, 0.0);
        p
    }

    #[test]
    fn two_ones_in_a_line_are_given_away() {
        // The case: C1 114, C2 407, E1 18, V2 85, L2 1, J1 1,
        // total 626. Hiding L2 and J1 leaves L2 + J1 = 2 with each at least
        // 1: both are 1.
        let p = breakdown(&[
            ("C1", 114),
            ("C2", 407),
            ("E1", 18),
            ("V2", 85),
            ("L2", 1),
            ("J1", 1),
        ]);
        let hidden = p.primary();
        assert_eq!(hidden.len(), 2);
        let found = p.audit(&hidden).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].value, 1);
        assert!(
            found[0].to_string().contains("can only be 1"),
            "{}",
            found[0]
        );
        // Secondary suppression hides the smallest other cell, E1 (18).
        let hidden = p.suppress().unwrap();
        assert!(hidden.contains(&fig("y", "E1")), "{hidden:?}");
        assert_eq!(hidden.len(), 3);
        assert!(p.audit(&hidden).unwrap().is_empty());
    }

    #[test]
    fn one_hidden_cell_in_a_line_is_given_away() {
        let p = breakdown(&[("a", 3), ("b", 20), ("c", 12), ("d", 0)]);
        let found = p.audit(&p.primary()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, 3);
        let hidden = p.suppress().unwrap();
        assert_eq!(hidden, [fig("y", "a"), fig("y", "c")].into());
    }

    #[test]
    fn two_small_cells_with_room_between_them_are_safe() {
        // a + b = 7 with both from 1 to 5: each is 2 to 5.
        let p = breakdown(&[("a", 3), ("b", 4), ("c", 40)]);
        let hidden: BTreeSet<Figure> = [fig("y", "a"), fig("y", "b")].into();
        assert!(p.audit(&hidden).unwrap().is_empty());
    }

    #[test]
    fn an_unprinted_count_is_unknown() {
        // year to date 9 = April (unprinted) + May 3 (hidden) + June 6.
        let mut p = Publication::default();
        let ytd = fig("x", "ytd");
        p.values.insert(ytd.clone(), 9);
        p.values.insert(fig("x", "may"), 3);
        p.values.insert(fig("x", "jun"), 6);
        p.unprinted.insert(fig("x", "apr"));
        p.add(
            "ytd",
            vec![
                (fig("x", "apr"), 1.0),
                (fig("x", "may"), 1.0),
                (fig("x", "jun"), 1.0),
                (ytd, -1.0),
            ],
            Op::Eq,
            0.0,
        );
        assert!(p.audit(&p.primary()).unwrap().is_empty());
    }

    #[test]
    fn a_year_to_date_of_shown_months_needs_a_second_hidden_month() {
        // June's page: April 8, May 3 (hidden), June 9, year to date 20.
        // 20 - 8 - 9 gives May away, so the smallest other count, April,
        // is hidden too: then May is anything from 1 to 5.
        let mut p = Publication::default();
        let ytd = fig("x", "ytd");
        for (k, v) in [("apr", 8), ("may", 3), ("jun", 9)] {
            p.values.insert(fig("x", k), v);
        }
        p.values.insert(ytd.clone(), 20);
        p.add(
            "ytd",
            vec![
                (fig("x", "apr"), 1.0),
                (fig("x", "may"), 1.0),
                (fig("x", "jun"), 1.0),
                (ytd, -1.0),
            ],
            Op::Eq,
            0.0,
        );
        assert_eq!(p.audit(&p.primary()).unwrap()[0].value, 3);
        let hidden = p.suppress().unwrap();
        assert_eq!(hidden, [fig("x", "apr"), fig("x", "may")].into());
        assert!(p.audit(&hidden).unwrap().is_empty());
    }

    #[test]
    fn a_hidden_total_of_five_ones_cannot_be_protected() {
        // Five parts of 1 and their total 5: all hidden, and still each
        // part is 1 (five parts of at least 1 under a total of at most 5).
        let p = breakdown(&[("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1)]);
        let err = p.suppress().unwrap_err();
        assert!(err.to_string().contains("can only be 1"), "{err}");
    }
}
