//! `report.json`: the measures as the contract in `docs/report-json.md`.
//!
//! Keys keep the order of the measures and of their code lists, so the file
//! reads like the report.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io;

use footprint_domain::measures::{ChildSet, Count, Measure, Measures, Rate};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::checks::CellRef;

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(u64),
    Num(f64),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
    Raw(serde_json::Value),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Int(i) => s.serialize_u64(*i),
            Node::Num(f) => s.serialize_f64(*f),
            Node::Str(x) => s.serialize_str(x),
            Node::Raw(v) => v.serialize(s),
            Node::Arr(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for x in v {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            Node::Obj(v) => {
                let mut map = s.serialize_map(Some(v.len()))?;
                for (k, x) in v {
                    map.serialize_entry(k, x)?;
                }
                map.end()
            }
        }
    }
}

/// Rounds to one decimal place (how percentages and rates are shown).
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn num(x: Option<f64>) -> Node {
    x.map_or(Node::Null, |v| Node::Num(round1(v)))
}

/// Writes one measure set's counts, with `hidden` cells as `"c"`.
pub struct Writer<'a> {
    pub measures: &'a Measures,
    pub hidden: &'a BTreeSet<CellRef>,
}

impl Writer<'_> {
    fn is_hidden(&self, id: &str, path: &[&str]) -> bool {
        !self.hidden.is_empty() && self.hidden.contains(&CellRef::new(id, path))
    }

    fn count(&self, id: &str, path: &[&str], c: &Count) -> Node {
        if self.is_hidden(id, path) {
            Node::Str("c".into())
        } else {
            Node::Int(c.value)
        }
    }

    /// A derived figure (a percentage, rate, average): hidden if any count
    /// it is computed from is hidden.
    fn derived(&self, id: &str, from: &[&[&str]], x: Option<f64>) -> Node {
        if from.iter().any(|p| self.is_hidden(id, p)) {
            Node::Str("c".into())
        } else {
            num(x)
        }
    }

    /// A rate's fields; `at` is the path to it (`[]`, or `[month]` in a
    /// rate by month), its count at `at` + `count`.
    fn rate(&self, id: &str, at: &[&str], r: &Rate) -> Vec<(String, Node)> {
        let count: Vec<&str> = at.iter().copied().chain(["count"]).collect();
        vec![
            ("count".into(), self.count(id, &count, &r.count)),
            ("population".into(), Node::Int(r.population)),
            (
                "population_year".into(),
                r.population_year
                    .map_or(Node::Null, |y| Node::Str(y.to_string())),
            ),
            ("per_10k".into(), self.derived(id, &[&count], r.per_10k())),
        ]
    }

    pub fn measure(&self, id: &str, m: &Measure) -> Node {
        match m {
            Measure::Count(c) => self.count(id, &[], c),
            Measure::Breakdown(b) => Node::Obj(
                b.entries
                    .iter()
                    .map(|(k, c)| (k.clone(), self.count(id, &[k], c)))
                    .collect(),
            ),
            Measure::Grid(g) => Node::Obj(
                g.rows
                    .iter()
                    .map(|(r, b)| {
                        (
                            r.clone(),
                            Node::Obj(
                                b.entries
                                    .iter()
                                    .map(|(k, c)| (k.clone(), self.count(id, &[r, k], c)))
                                    .collect(),
                            ),
                        )
                    })
                    .collect(),
            ),
            Measure::Months(g) => Node::Arr(
                g.rows
                    .iter()
                    .map(|(r, b)| {
                        let mut o = vec![("month".to_owned(), Node::Str(r.clone()))];
                        o.extend(
                            b.entries
                                .iter()
                                .map(|(k, c)| (k.clone(), self.count(id, &[r, k], c))),
                        );
                        Node::Obj(o)
                    })
                    .collect(),
            ),
            Measure::Percent(p) => Node::Obj(vec![
                (
                    "numerator".into(),
                    self.count(id, &["numerator"], &p.numerator),
                ),
                (
                    "denominator".into(),
                    self.count(id, &["denominator"], &p.denominator),
                ),
                (
                    "percent".into(),
                    self.derived(id, &[&["numerator"], &["denominator"]], p.value()),
                ),
            ]),
            Measure::Rate(r) => Node::Obj(self.rate(id, &[], r)),
            Measure::MonthRates(v) => Node::Arr(
                v.iter()
                    .map(|(month, r)| {
                        let mut o = vec![("month".to_owned(), Node::Str(month.clone()))];
                        o.extend(self.rate(id, &[month], r));
                        Node::Obj(o)
                    })
                    .collect(),
            ),
            Measure::PerFte(p) => Node::Obj(vec![
                (
                    "children".into(),
                    self.count(id, &["children"], &p.children),
                ),
                ("fte".into(), Node::Num(p.fte)),
                (
                    "per_fte".into(),
                    self.derived(id, &[&["children"]], p.value()),
                ),
            ]),
            Measure::Caseload(v) => Node::Arr(
                v.iter()
                    .map(|c| {
                        Node::Obj(vec![
                            ("iro".into(), Node::Str(c.iro.clone())),
                            ("name".into(), Node::Str(c.name.clone())),
                            ("fte".into(), Node::Num(c.fte)),
                            ("children".into(), self.count(id, &[&c.iro], &c.children)),
                            (
                                "per_fte".into(),
                                self.derived(id, &[&[&c.iro]], c.per_fte()),
                            ),
                        ])
                    })
                    .collect(),
            ),
            Measure::Average(a) => Node::Obj(vec![
                ("count".into(), self.count(id, &["count"], &a.count)),
                (
                    "average_days".into(),
                    self.derived(id, &[&["count"]], a.value()),
                ),
            ]),
            Measure::Mean(a) => Node::Obj(vec![
                ("count".into(), self.count(id, &["count"], &a.count)),
                ("mean".into(), self.derived(id, &[&["count"]], a.value())),
            ]),
        }
    }

    /// `{"measure id": value, ...}` in the set's order.
    pub fn measures(&self) -> Node {
        Node::Obj(
            self.measures
                .entries
                .iter()
                .map(|(id, m)| (id.clone(), self.measure(id, m)))
                .collect(),
        )
    }

    /// The children behind every non-zero count: `{"measure id": {"path":
    /// ["child", ...]}}` (path `""` for a plain count, `"row/col"` in a grid).
    pub fn drilldown(&self) -> Node {
        let mut out = Vec::new();
        for (id, m) in &self.measures.entries {
            let mut cells = Vec::new();
            for (name, c) in crate::drilldown::cells(m) {
                if c.children.is_empty() {
                    continue;
                }
                cells.push((
                    name,
                    Node::Arr(
                        c.children
                            .iter()
                            .map(|ch| Node::Str(ch.to_string()))
                            .collect(),
                    ),
                ));
            }
            if !cells.is_empty() {
                out.push((id.clone(), Node::Obj(cells)));
            }
        }
        Node::Obj(out)
    }
}

/// How `report.json` is laid out: serde_json's pretty layout (two spaces a
/// level), except that a list begun while `one_line` is set is written on
/// one line, as compact JSON. The drilldown's lists of children are: one
/// child a line, indented, was most of an England-sized report's 185 MB.
pub struct Layout<'a> {
    pretty: PrettyFormatter<'static>,
    one_line: &'a Cell<bool>,
    /// How deep inside a one-line list the writer is (0: not in one).
    inside: usize,
}

impl<'a> Layout<'a> {
    pub fn new(one_line: &'a Cell<bool>) -> Self {
        Layout {
            pretty: PrettyFormatter::new(),
            one_line,
            inside: 0,
        }
    }
}

/// Each method: compact (the trait's own) inside a one-line list, pretty
/// otherwise.
impl Formatter for Layout<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 || self.one_line.get() {
            self.inside += 1;
            w.write_all(b"[")
        } else {
            self.pretty.begin_array(w)
        }
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            self.inside -= 1;
            w.write_all(b"]")
        } else {
            self.pretty.end_array(w)
        }
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.inside > 0 {
            if first { Ok(()) } else { w.write_all(b",") }
        } else {
            self.pretty.begin_array_value(w, first)
        }
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            Ok(())
        } else {
            self.pretty.end_array_value(w)
        }
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            w.write_all(b"{")
        } else {
            self.pretty.begin_object(w)
        }
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            w.write_all(b"}")
        } else {
            self.pretty.end_object(w)
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.inside > 0 {
            if first { Ok(()) } else { w.write_all(b",") }
        } else {
            self.pretty.begin_object_key(w, first)
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            w.write_all(b":")
        } else {
            self.pretty.begin_object_value(w)
        }
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.inside > 0 {
            Ok(())
        } else {
            self.pretty.end_object_value(w)
        }
    }
}

/// [`Writer::drilldown`] written as it is read from the measures, with no
/// copy of the children: the same value, each list of children on one line
/// (when written with a [`Layout`] sharing `one_line`).
pub struct Drilldown<'a> {
    pub measures: &'a Measures,
    pub one_line: &'a Cell<bool>,
}

impl Serialize for Drilldown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (id, m) in &self.measures.entries {
            let cells: Vec<(String, &Count)> = crate::drilldown::cells(m)
                .into_iter()
                .filter(|(_, c)| !c.children.is_empty())
                .collect();
            if !cells.is_empty() {
                map.serialize_entry(
                    id,
                    &Cells {
                        cells,
                        one_line: self.one_line,
                    },
                )?;
            }
        }
        map.end()
    }
}

/// One measure's cells in the drilldown: cell name → its children.
struct Cells<'a> {
    cells: Vec<(String, &'a Count)>,
    one_line: &'a Cell<bool>,
}

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (name, c) in &self.cells {
            map.serialize_entry(
                name,
                &Children {
                    set: &c.children,
                    one_line: self.one_line,
                },
            )?;
        }
        map.end()
    }
}

/// A list of children, asking the layout for one line.
struct Children<'a> {
    set: &'a ChildSet,
    one_line: &'a Cell<bool>,
}

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.one_line.set(true);
        let done = s.collect_seq(self.set.iter().map(|c| c.as_str()));
        self.one_line.set(false);
        done
    }
}
