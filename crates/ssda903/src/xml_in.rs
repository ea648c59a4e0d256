//! Reading the XML form of the 903 (root `EXPSSDA903`, `ssda903.md` §2) into
//! the same raw rows as the CSV form: `CHILDID` becomes `CHILD`, `PL` becomes
//! `PLACE`, an empty element (`<DEC />`) is a blank value, and each child's
//! `CHILD` and `DOB` are copied onto its reviews, episodes and other rows.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::problem::{Problem, Severity, SourceRef};
use crate::raw::RawRow;
use crate::tables::Table;

pub(crate) struct XmlFile {
    pub rows: Vec<RawRow>,
    pub problems: Vec<Problem>,
}

/// Leaf elements directly inside `HEADER`.
const HEADER_LEAVES: &[&str] = &[
    "CHILDID",
    "UPN",
    "SEX",
    "DOB",
    "ETHNIC",
    "UASC",
    "DUC",
    "MOTHER",
    "MC_DOB",
    "DATE_INT",
    "DATE_MATCH",
    "FOSTER_CARE",
    "NB_ADOPTR",
    "SEX_ADOPTR",
    "LS_ADOPTR",
    "IN_TOUCH",
    "ACTIV",
    "ACCOM",
];

const AD1_FIELDS: &[&str] = &[
    "DATE_INT",
    "DATE_MATCH",
    "FOSTER_CARE",
    "NB_ADOPTR",
    "SEX_ADOPTR",
    "LS_ADOPTR",
];
const OC3_FIELDS: &[&str] = &["IN_TOUCH", "ACTIV", "ACCOM"];

/// Record elements inside `HEADER`, and the table each becomes.
fn header_record(name: &str) -> Option<Table> {
    match name {
        "AREVIEW" => Some(Table::Reviews),
        "AMISSING" => Some(Table::Missing),
        "PERMANENCE" => Some(Table::PrevPerm),
        "OC2" => Some(Table::Oc2),
        "AD_PLACED" => Some(Table::PlacedAdoption),
        _ => None,
    }
}

/// Record elements directly inside `CHILD`, and the table each becomes:
/// `EPISODE`, and the two tables the DfE's 2021 schema has no place for,
/// written by Footprint as `SWEPISODE` (SWEpisodes) and `DOLO` (DoLo).
fn child_record(name: &str) -> Option<Table> {
    match name {
        "EPISODE" => Some(Table::Episodes),
        "SWEPISODE" => Some(Table::SwEpisodes),
        "DOLO" => Some(Table::DoLo),
        _ => None,
    }
}

fn rename(name: &str) -> &str {
    match name {
        "CHILDID" => "CHILD",
        "PL" => "PLACE",
        other => other,
    }
}

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn locate(&self, offset: usize) -> (u64, u64) {
        let idx = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        let col = offset - self.starts[idx] + 1;
        (idx as u64 + 1, col as u64)
    }
}

/// Where in the tree the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Child,
    Header,
    Record,
    Leaf,
}

struct Leaf {
    name: String,
    source: SourceRef,
    text: String,
    /// Whether the leaf belongs to the header (else to the current record).
    in_header: bool,
}

#[derive(Default)]
struct ChildState {
    source: Option<SourceRef>,
    header: Option<RawRow>,
    rows: Vec<RawRow>,
    record: Option<RawRow>,
}

pub(crate) fn read_xml(file: &str, bytes: &[u8]) -> XmlFile {
    let mut out = XmlFile {
        rows: Vec::new(),
        problems: Vec::new(),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let line = valid.matches('\n').count() as u64 + 1;
            out.problems.push(Problem {
                file: file.to_owned(),
                line: Some(line),
                column: None,
                value: None,
                rule: None,
                message: "the file is not UTF-8 text; 903 XML files are read as UTF-8".into(),
                severity: Severity::Fatal,
            });
            return out;
        }
    };
    let lines = Lines::new(text);
    let file_name: std::sync::Arc<str> = std::sync::Arc::from(file);
    let src_at = |offset: usize| {
        // The reader's position may be before whitespace preceding the tag.
        let skip = text
            .get(offset..)
            .map_or(0, |rest| rest.len() - rest.trim_start().len());
        let (line, column) = lines.locate(offset + skip);
        SourceRef {
            file: std::sync::Arc::clone(&file_name),
            line,
            column: Some(column),
        }
    };
    let problem = |source: &SourceRef, severity: Severity, message: String| Problem {
        file: source.file.to_string(),
        line: Some(source.line),
        column: None,
        value: None,
        rule: None,
        message,
        severity,
    };

    let mut reader = Reader::from_str(text);
    let mut stack: Vec<(String, Level, SourceRef)> = Vec::new();
    let mut skip_depth: Option<usize> = None;
    let mut seen_root = false;
    let mut child = ChildState::default();
    let mut leaf: Option<Leaf> = None;

    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, _) = lines.locate(at.min(text.len()));
                out.problems.push(Problem {
                    file: file.to_owned(),
                    line: Some(line),
                    column: None,
                    value: None,
                    rule: None,
                    message: format!(
                        "the XML is not well-formed: {e}; nothing after this point was read"
                    ),
                    severity: Severity::Fatal,
                });
                return out;
            }
        };
        let (start, empty) = match &event {
            Event::Start(s) => (Some(s.name().as_ref().to_owned()), false),
            Event::Empty(s) => (Some(s.name().as_ref().to_owned()), true),
            _ => (None, false),
        };
        if let Some(name) = start {
            let source = src_at(before.min(text.len()));
            let depth = stack.len();
            if skip_depth.is_some() {
                if !empty {
                    stack.push((name, Level::Leaf, source));
                }
                continue;
            }
            let parent = stack.last().map(|(n, l, _)| (n.as_str(), *l));
            let level = match parent {
                None => {
                    if name != "EXPSSDA903" {
                        out.problems.push(problem(
                            &source,
                            Severity::Fatal,
                            format!(
                                "the root element is <{name}>; a 903 XML return has the root <EXPSSDA903>"
                            ),
                        ));
                        return out;
                    }
                    seen_root = true;
                    Some(Level::Root)
                }
                Some((_, Level::Root)) if name == "CHILD" => {
                    child = ChildState {
                        source: Some(source.clone()),
                        ..ChildState::default()
                    };
                    Some(Level::Child)
                }
                Some((_, Level::Child)) if name == "HEADER" => {
                    child.header = Some(RawRow::new(Table::Header, source.clone()));
                    Some(Level::Header)
                }
                Some((_, Level::Child)) if child_record(&name).is_some() => {
                    let table = child_record(&name).unwrap_or(Table::Episodes);
                    child.record = Some(RawRow::new(table, source.clone()));
                    Some(Level::Record)
                }
                Some((_, Level::Header)) => {
                    if let Some(table) = header_record(&name) {
                        child.record = Some(RawRow::new(table, source.clone()));
                        Some(Level::Record)
                    } else if HEADER_LEAVES.contains(&name.as_str()) {
                        leaf = Some(Leaf {
                            name: rename(&name).to_owned(),
                            source: source.clone(),
                            text: String::new(),
                            in_header: true,
                        });
                        Some(Level::Leaf)
                    } else {
                        None
                    }
                }
                Some((_, Level::Record)) => {
                    let field = rename(&name);
                    let known = child
                        .record
                        .as_ref()
                        .is_some_and(|r| r.table().columns().contains(&field));
                    if known {
                        leaf = Some(Leaf {
                            name: field.to_owned(),
                            source: source.clone(),
                            text: String::new(),
                            in_header: false,
                        });
                        Some(Level::Leaf)
                    } else {
                        None
                    }
                }
                _ => None,
            };
            match level {
                Some(level) => {
                    if empty {
                        // <X /> opens and closes at once.
                        stack.push((name, level, source));
                        close(&mut stack, &mut child, &mut leaf, &mut out);
                    } else {
                        stack.push((name, level, source));
                    }
                }
                None => {
                    let inside = parent.map_or("", |(n, _)| n).to_owned();
                    out.problems.push(problem(
                        &source,
                        Severity::Warning,
                        format!("<{name}> is not expected inside <{inside}>; it was ignored"),
                    ));
                    if !empty {
                        skip_depth = Some(depth);
                        stack.push((name, Level::Leaf, source));
                    }
                }
            }
            continue;
        }
        match event {
            Event::End(_) => {
                if let Some(d) = skip_depth {
                    stack.pop();
                    if stack.len() <= d {
                        skip_depth = None;
                    }
                    continue;
                }
                close(&mut stack, &mut child, &mut leaf, &mut out);
            }
            Event::Text(t) => {
                if let Some(l) = leaf.as_mut() {
                    l.text.push_str(&t);
                }
            }
            Event::CData(c) => {
                if let Some(l) = leaf.as_mut() {
                    l.text.push_str(&c);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match (resolved, leaf.as_mut()) {
                    (Some(c), Some(l)) => l.text.push(c),
                    (Some(_), None) => {}
                    (None, _) => {
                        let source = src_at(before.min(text.len()));
                        out.problems.push(problem(
                            &source,
                            Severity::Fatal,
                            format!("&{}; is not a character this reader knows", &*r),
                        ));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((name, _, source)) = stack.last() {
        out.problems.push(problem(
            source,
            Severity::Fatal,
            format!("the file ends before <{name}> (opened here) is closed"),
        ));
    } else if !seen_root {
        out.problems.push(Problem::file_level(
            file,
            Severity::Fatal,
            "the file has no <EXPSSDA903> element: it is not a 903 XML return",
        ));
    }
    out
}

/// Handles the end of the innermost open element.
fn close(
    stack: &mut Vec<(String, Level, SourceRef)>,
    child: &mut ChildState,
    leaf: &mut Option<Leaf>,
    out: &mut XmlFile,
) {
    let Some((_, level, _)) = stack.pop() else {
        return;
    };
    match level {
        Level::Leaf => {
            if let Some(l) = leaf.take() {
                let target = if l.in_header {
                    child.header.as_mut()
                } else {
                    child.record.as_mut()
                };
                if let Some(row) = target
                    && !row.set(&l.name, &l.text, l.source.clone())
                {
                    out.problems.push(Problem::at(
                        &l.source,
                        Some(&l.name),
                        None,
                        None,
                        Severity::Fatal,
                        format!(
                            "<{}> was not read: a row's values are at most {} KiB in all, \
                             and at most {} of them",
                            l.name,
                            crate::raw::BLOCK_TEXT_KIB,
                            crate::raw::BLOCK_VALUES
                        ),
                    ));
                }
            }
        }
        Level::Record => {
            if let Some(r) = child.record.take() {
                child.rows.push(r);
            }
        }
        Level::Header => {}
        Level::Child => finish_child(std::mem::take(child), &mut out.rows),
        Level::Root => {}
    }
}

/// Turns one `<CHILD>` into rows of the CSV tables.
fn finish_child(child: ChildState, rows: &mut Vec<RawRow>) {
    let Some(child_source) = child.source else {
        return;
    };
    let header = child
        .header
        .unwrap_or_else(|| RawRow::new(Table::Header, child_source.clone()));
    let copy = |row: &mut RawRow, name: &str| {
        let source = header.source_of(name);
        // Some of the header's values, which fitted in one row: they fit.
        let _fits = row.set(name, header.get(name), source);
    };
    let mut head = RawRow::new(Table::Header, header.source());
    for &col in Table::Header.columns() {
        copy(&mut head, col);
    }
    if header.has("UASC") {
        copy(&mut head, "UASC");
    }
    rows.push(head);
    let uasc = header.get("UASC");
    if uasc == "1" || !header.get("DUC").is_empty() {
        let mut row = RawRow::new(Table::Uasc, header.source_of("UASC"));
        for &col in Table::Uasc.columns() {
            copy(&mut row, col);
        }
        rows.push(row);
    }
    for (table, fields) in [(Table::Ad1, AD1_FIELDS), (Table::Oc3, OC3_FIELDS)] {
        if fields.iter().any(|f| header.has(f)) {
            let first = fields
                .iter()
                .find(|f| header.has(f))
                .map_or(header.source(), |f| header.source_of(f));
            let mut row = RawRow::new(table, first);
            for &col in table.columns() {
                copy(&mut row, col);
            }
            rows.push(row);
        }
    }
    for mut row in child.rows {
        copy(&mut row, "CHILD");
        if row.table().columns().contains(&"DOB") {
            copy(&mut row, "DOB");
        }
        rows.push(row);
    }
}
