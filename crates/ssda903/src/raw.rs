//! Rows as read from a file, before they become domain records: every value
//! is a trimmed string with the place it came from.
//!
//! The rows of a CSV file keep their values in one block for the file: one
//! text holding every value one after the other, one offset per value (where
//! it ends) and the column names once. A row is its place, its table and
//! where its values start in the block. Reading an England-sized return
//! makes millions of values: one allocation per value (with a copy of the
//! file name for each) was most of the reader's time and memory, and one
//! text and one list of offsets per row still cost several times the file's
//! size. A row built value by value (XML) has a block of its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct};

use crate::problem::SourceRef;
use crate::tables::Table;

/// One value of a raw row, as listed by [`RawRow::fields`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawField<'a> {
    pub name: &'a str,
    /// Trimmed.
    pub value: &'a str,
    /// Where the value is (for XML, its own element).
    pub source: SourceRef,
}

/// The column names of a file, in order, each with a key that finds it
/// without comparing text: the rules ask for values by name millions of
/// times, and comparing the names (`memcmp`) was a quarter of a
/// validation's time.
#[derive(Debug, Clone, Default)]
pub struct ColumnNames {
    names: Vec<String>,
    /// `key(names[i])`.
    keys: Vec<u128>,
    /// Which list of names this is, for a [`Col`] found in it: the same for
    /// its copies (the blocks of one file), another for every list made by
    /// [`ColumnNames::new`]; 0 (no [`Col`] is found in it) for names added
    /// one by one (a row built value by value).
    id: u64,
    /// Where each name is, by its key: slot `slot(key)` (or the next ones,
    /// round) holds the place of the first name with that key, plus one (0:
    /// an empty slot). Made once for the names of a file, so that a value
    /// asked for by name is one probe, not a search of every name; `None`
    /// for names added one by one and for more than [`MAX_SLOTTED`] names.
    slots: Option<Box<[u8; SLOTS]>>,
}

/// The slots of [`ColumnNames::slots`] (at least twice the names).
const SLOTS: usize = 64;
/// The most names [`ColumnNames::slots`] are made for.
const MAX_SLOTTED: usize = SLOTS / 2;

/// The first slot to look for a key in: the top bits of a multiplicative
/// hash (the keys of a table's names differ in their first bytes).
#[inline]
fn slot(k: u128) -> usize {
    let h = (k as u64) ^ ((k >> 64) as u64).rotate_left(29);
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
}

/// The source of [`ColumnNames::id`]s.
static NAMES: AtomicU64 = AtomicU64::new(1);

/// A name's first 16 bytes, zero-padded (column names hold no zero byte,
/// so two names of 16 bytes or fewer are equal exactly when their keys are).
///
/// Made with a few fixed-size loads (overlapping when the name is short)
/// rather than a copy of its bytes: every value looked up makes one, and
/// the copy (a call to `memcpy`) showed in a validation's profile.
#[inline(always)]
fn key(name: &str) -> u128 {
    let b = name.as_bytes();
    let n = b.len();
    let u64_at = |at: usize| {
        b.get(at..at + 8)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let u32_at = |at: usize| {
        b.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, |a| u64::from(u32::from_le_bytes(a)))
    };
    let (lo, hi) = match n {
        16.. => (u64_at(0), u64_at(8)),
        9..=15 => (u64_at(0), u64_at(n - 8) >> ((16 - n) * 8)),
        8 => (u64_at(0), 0),
        4..=7 => (u32_at(0) | (u32_at(n - 4) << ((n - 4) * 8)), 0),
        _ => (
            b.iter()
                .enumerate()
                .fold(0, |v, (i, &c)| v | (u64::from(c) << (8 * i))),
            0,
        ),
    };
    u128::from(lo) | (u128::from(hi) << 64)
}

impl ColumnNames {
    pub fn new(names: Vec<String>) -> Self {
        let keys: Vec<u128> = names.iter().map(|n| key(n)).collect();
        let slots = (keys.len() <= MAX_SLOTTED).then(|| {
            let mut slots = Box::new([0u8; SLOTS]);
            for (i, &k) in keys.iter().enumerate() {
                let mut s = slot(k);
                loop {
                    match slots[s] {
                        // The first name with this key keeps the slot.
                        p if p != 0 && keys[usize::from(p - 1)] == k => break,
                        0 => {
                            // At most 32 names: a place fits in a byte.
                            slots[s] = u8::try_from(i + 1).unwrap_or(0);
                            break;
                        }
                        _ => s = (s + 1) % SLOTS,
                    }
                }
            }
            slots
        });
        ColumnNames {
            names,
            keys,
            id: NAMES.fetch_add(1, Ordering::Relaxed),
            slots,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn push(&mut self, name: &str) {
        self.id = 0;
        self.slots = None;
        self.keys.push(key(name));
        self.names.push(name.to_owned());
    }

    /// The place of `column` among the first `len` names.
    ///
    /// Inlined where it is called: a column named by a literal has its key
    /// worked out when the program is compiled.
    #[inline(always)]
    fn index(&self, column: &str, len: usize) -> Option<usize> {
        let k = key(column);
        if column.len() <= 16
            && let Some(slots) = &self.slots
        {
            let mut s = slot(k);
            // The slots are never all full (twice the names at least).
            for _ in 0..SLOTS {
                let p = usize::from(slots[s]);
                if p == 0 {
                    return None;
                }
                if self.keys.get(p - 1) == Some(&k) {
                    return (p - 1 < len).then_some(p - 1);
                }
                s = (s + 1) % SLOTS;
            }
            return None;
        }
        let keys = self.keys.get(..len).unwrap_or(&self.keys);
        if column.len() <= 16 {
            return keys.iter().position(|&nk| nk == k);
        }
        keys.iter()
            .enumerate()
            .find(|&(i, &nk)| nk == k && self.names[i] == column)
            .map(|(i, _)| i)
    }
}

impl std::ops::Deref for ColumnNames {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.names
    }
}

/// A column of a table's rows with its place among their names, found once
/// (a rule or the reader asks for the same column of thousands of rows: by
/// its place, a value is one load; by its name, a search of the names each
/// time). A row whose names are not the ones the place was found in (a row
/// of another file, or one built value by value) is asked by name.
#[derive(Debug, Clone, Copy)]
pub struct Col<'n> {
    name: &'n str,
    /// The [`ColumnNames::id`] the place was found in (0: none).
    names: u64,
    /// The place among them, `None` when the names do not have it.
    at: Option<u32>,
}

impl<'n> Col<'n> {
    /// `name`, its place found among the names of `row` (the first row of
    /// a table, say; `None`: asked by name).
    pub fn new(row: Option<&RawRow>, name: &'n str) -> Col<'n> {
        match row {
            Some(r) if r.block.names.id != 0 => {
                let names = &r.block.names;
                Col {
                    name,
                    names: names.id,
                    at: names
                        .index(name, names.len())
                        .and_then(|i| u32::try_from(i).ok()),
                }
            }
            _ => Col {
                name,
                names: 0,
                at: None,
            },
        }
    }

    /// Whether the column's place was found among `row`'s names (else it
    /// is asked by name).
    pub fn is_for(&self, row: &RawRow) -> bool {
        self.names != 0 && self.names == row.block.names.id
    }

    /// The column's name.
    pub fn name(&self) -> &'n str {
        self.name
    }
}

/// The values of rows, one after the other, with what the rows share: the
/// rows of a CSV file share one; a row built value by value (XML) has its
/// own.
#[derive(Debug, Clone)]
struct Block {
    table: Table,
    /// The file the rows were read from.
    file: Arc<str>,
    /// The column of the rows' own places (XML: where the row's element
    /// starts; `None` for CSV).
    column: Option<u64>,
    /// The column names of the rows: a row has a value for each.
    names: ColumnNames,
    /// The line of the block's first row (a row's own is counted from it).
    first_line: u64,
    /// Every value, trimmed, one after the other: at most [`BLOCK_TEXT`]
    /// bytes, so that 16 bits say where a row's values start.
    text: String,
    /// Each value's length in bytes (at most [`BLOCK_VALUES`] of them): a
    /// value starts where the one before it ends. [`LONG`] for a value of
    /// 255 bytes or more, whose length is in `long`.
    lens: Vec<u8>,
    /// The lengths of the values of 255 bytes or more, by their place in
    /// `lens` (in order; a 903 value is a few bytes, so this is mostly
    /// empty).
    long: Vec<(u32, u16)>,
    /// The place of a value that is not its row's own (XML rows only), by
    /// column.
    sources: Vec<(usize, SourceRef)>,
}

/// The most text a block holds: a CSV file's rows take one block for every
/// 64 KiB of their values (offsets of 16 bits rather than 32 were 1.8 MB
/// less at 10,000 children). A row whose values alone pass it is not read
/// (a 903 row has some twenty short values).
pub const BLOCK_TEXT: usize = u16::MAX as usize;

/// The most values a block holds, so that 16 bits say where a row's first
/// is (a length of 8 bits each rather than an end of 16 was 0.8 MB less at
/// 10,000 children). A row of more values than this is not read.
pub const BLOCK_VALUES: usize = u16::MAX as usize;

/// The length in [`Block::lens`] of a value of 255 bytes or more.
const LONG: u8 = u8::MAX;

/// The sum of `bytes`, eight at a time: where a row's value starts is the
/// sum of the lengths before it, worked out on every read of a value (a
/// byte at a time, a sixth of a validation's CPU).
#[inline]
fn sum_of_bytes(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x00FF_00FF_00FF_00FF;
    let mut sum = 0;
    let mut eights = bytes.chunks_exact(8);
    for eight in &mut eights {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let x = u64::from_le_bytes(word);
        // Four sums of two bytes (each at most 510) in 16 bits each, then
        // the four added into the top 16 bits (at most 2,040).
        let pairs = (x & LOW) + ((x >> 8) & LOW);
        sum += (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize;
    }
    sum + eights
        .remainder()
        .iter()
        .map(|&b| usize::from(b))
        .sum::<usize>()
}

/// [`BLOCK_TEXT`] in KiB, as the problems about it say it.
pub const BLOCK_TEXT_KIB: usize = (BLOCK_TEXT + 1) / 1024;

impl Block {
    fn new(
        table: Table,
        file: Arc<str>,
        column: Option<u64>,
        names: ColumnNames,
        first_line: u64,
    ) -> Self {
        Block {
            table,
            file,
            column,
            names,
            first_line,
            text: String::new(),
            lens: Vec::new(),
            long: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// The length of value `k` of the block.
    #[inline]
    fn len_of(&self, k: usize) -> usize {
        match self.lens.get(k) {
            Some(&LONG) => u32::try_from(k)
                .ok()
                .and_then(|k| self.long.binary_search_by_key(&k, |&(at, _)| at).ok())
                .map_or(0, |at| usize::from(self.long[at].1)),
            Some(&len) => usize::from(len),
            None => 0,
        }
    }

    /// Value `i` of a row whose values start at `first` in `lens` and at
    /// `start` in `text` (`""` past the block's end).
    #[inline]
    fn value(&self, start: usize, first: usize, i: usize) -> &str {
        let k = first + i;
        let (Some(before), Some(&len)) = (self.lens.get(first..k), self.lens.get(k)) else {
            return "";
        };
        let (from, len) = if self.long.is_empty() {
            (start + sum_of_bytes(before), usize::from(len))
        } else {
            (
                start + (first..k).map(|at| self.len_of(at)).sum::<usize>(),
                self.len_of(k),
            )
        };
        self.text.get(from..from + len).unwrap_or("")
    }

    /// Adds a value (trimmed) after the others; `false`, and nothing added,
    /// when the text would pass [`BLOCK_TEXT`] or the values
    /// [`BLOCK_VALUES`].
    fn push(&mut self, value: &str) -> bool {
        let value = value.trim();
        if self.text.len() + value.len() > BLOCK_TEXT || self.lens.len() >= BLOCK_VALUES {
            return false;
        }
        match u8::try_from(value.len()) {
            Ok(len) if len < LONG => self.lens.push(len),
            // Within BLOCK_TEXT and BLOCK_VALUES: 16 bits each.
            _ => {
                let at = u32::try_from(self.lens.len()).unwrap_or(u32::MAX);
                let len = u16::try_from(value.len()).unwrap_or(u16::MAX);
                self.long.push((at, len));
                self.lens.push(LONG);
            }
        }
        self.text.push_str(value);
        true
    }

    /// Takes the values back to the first `values` of them, `text` bytes.
    fn truncate(&mut self, values: usize, text: usize) {
        self.text.truncate(text);
        self.lens.truncate(values);
        let values = u32::try_from(values).unwrap_or(u32::MAX);
        self.long.retain(|&(at, _)| at < values);
    }
}

/// One row of a table, as read: its line, and where its values are in its
/// block (which holds the table, the file and the column names too). A row
/// has a value for each of its block's names. A row is 16 bytes; its values
/// are in the block.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// The block holding the row's values (shared by the rows of a CSV
    /// file, 64 KiB of values at a time).
    block: Arc<Block>,
    /// The row's first value in the block: its place in the block's
    /// lengths.
    first: u16,
    /// Where the row's first value starts in the block's text.
    start: u16,
    /// The row's line in its file, counted from the block's first line
    /// (lines are 1-based; the header is line 1 of a CSV file).
    line: u32,
}

impl RawRow {
    /// A row without values, at `source` (values are added with
    /// [`RawRow::set`]).
    pub fn new(table: Table, source: SourceRef) -> Self {
        RawRow {
            block: Arc::new(Block::new(
                table,
                source.file,
                source.column,
                ColumnNames::default(),
                source.line,
            )),
            first: 0,
            start: 0,
            line: 0,
        }
    }

    /// How many values the row has.
    #[inline(always)]
    fn len(&self) -> usize {
        self.block.names.len()
    }

    /// The table the row belongs to.
    pub fn table(&self) -> Table {
        self.block.table
    }

    /// Where the row is: its file, line and (XML) column.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            file: Arc::clone(&self.block.file),
            line: self.line(),
            column: self.block.column,
        }
    }

    /// The row's line in its file.
    pub fn line(&self) -> u64 {
        self.block.first_line + u64::from(self.line)
    }

    /// Where the row is, to put rows in order: the same order as their
    /// [`RawRow::source`]s, without making them.
    pub fn place(&self) -> (&str, u64, Option<u64>) {
        (&self.block.file, self.line(), self.block.column)
    }

    #[inline(always)]
    fn index(&self, column: &str) -> Option<usize> {
        self.block.names.index(column, self.len())
    }

    #[inline]
    fn value_at(&self, i: usize) -> &str {
        if i >= self.len() {
            return "";
        }
        self.block
            .value(usize::from(self.start), usize::from(self.first), i)
    }

    /// The place of value `i` when it is not the row's own.
    fn own_source_at(&self, i: usize) -> Option<&SourceRef> {
        self.block
            .sources
            .iter()
            .find(|(k, _)| *k == i)
            .map(|(_, s)| s)
    }

    /// The trimmed value of `column`, or `""` when absent.
    #[inline]
    pub fn get(&self, column: &str) -> &str {
        self.index(column).map_or("", |i| self.value_at(i))
    }

    /// Whether the row has `column` (even blank).
    pub fn has(&self, column: &str) -> bool {
        self.index(column).is_some()
    }

    /// The place of `col` among the row's values, when the row has it.
    #[inline]
    fn place_of(&self, col: &Col) -> Option<usize> {
        if col.names != 0 && col.names == self.block.names.id {
            // The first of the names that is `col`'s (as `index` finds it).
            col.at.map(|i| i as usize).filter(|&i| i < self.len())
        } else {
            self.index(col.name)
        }
    }

    /// The trimmed value of `col`, or `""` when absent: [`RawRow::get`] of
    /// its name, by its place when found in the row's names.
    #[inline]
    pub fn at(&self, col: &Col) -> &str {
        self.place_of(col).map_or("", |i| self.value_at(i))
    }

    /// Whether the row has `col` (even blank): [`RawRow::has`] of its name.
    pub fn has_col(&self, col: &Col) -> bool {
        self.place_of(col).is_some()
    }

    /// The row's values, in the order they were set.
    pub fn fields(&self) -> impl Iterator<Item = RawField<'_>> {
        self.block
            .names
            .iter()
            .take(self.len())
            .enumerate()
            .map(|(i, name)| RawField {
                name,
                value: self.value_at(i),
                source: self
                    .own_source_at(i)
                    .cloned()
                    .unwrap_or_else(|| self.source()),
            })
    }

    /// Where `column`'s value is; the row's own place when absent.
    pub fn source_of(&self, column: &str) -> SourceRef {
        self.index(column)
            .and_then(|i| self.own_source_at(i))
            .cloned()
            .unwrap_or_else(|| self.source())
    }

    /// The row's block, made its own first (a copy of its values) when it
    /// shares one with other rows.
    fn own_block(&mut self) -> &mut Block {
        let alone = self.first == 0 && self.len() == self.block.lens.len();
        if !alone {
            let mut own = Block::new(
                self.block.table,
                Arc::clone(&self.block.file),
                self.block.column,
                ColumnNames::default(),
                self.line(),
            );
            for (i, name) in self.block.names.iter().enumerate() {
                own.names.push(name);
                // The row's values were in a block of the same limit.
                own.push(self.value_at(i));
            }
            own.sources = self.block.sources.clone();
            self.block = Arc::new(own);
            self.first = 0;
            self.start = 0;
            self.line = 0;
        }
        Arc::make_mut(&mut self.block)
    }

    /// Sets a value (replacing any earlier one of the same name). A value
    /// that would take the row's values past [`BLOCK_TEXT`] is left out (the
    /// row as it was) and `false` returned.
    #[must_use]
    pub fn set(&mut self, name: &str, value: &str, source: SourceRef) -> bool {
        let i = match self.index(name) {
            Some(i) => {
                // Rebuilt without the old value (a row has a few values).
                let block = self.own_block();
                let mut values: Vec<&str> = (0..block.lens.len())
                    .map(|k| block.value(0, 0, k))
                    .collect();
                let old_len = values.get(i).map_or(0, |v| v.trim().len());
                if block.text.len() - old_len + value.trim().len() > BLOCK_TEXT {
                    return false;
                }
                values[i] = value;
                let mut rebuilt = Block::new(
                    block.table,
                    Arc::clone(&block.file),
                    block.column,
                    ColumnNames::default(),
                    block.first_line,
                );
                for v in values {
                    // Within the limit: checked above.
                    rebuilt.push(v);
                }
                block.text = rebuilt.text;
                block.lens = rebuilt.lens;
                block.long = rebuilt.long;
                i
            }
            None => {
                let block = self.own_block();
                if !block.push(value) {
                    return false;
                }
                block.names.push(name);
                block.names.len() - 1
            }
        };
        let own = self.source();
        let block = self.own_block();
        block.sources.retain(|(k, _)| *k != i);
        if source != own {
            block.sources.push((i, source));
        }
        true
    }
}

/// The rows of one table read from one file (CSV), their values put in
/// blocks as they come (see [`RawRow`]).
pub(crate) struct RowsBuilder {
    /// The block being filled.
    block: Block,
    /// The rows made, those of the block being filled last (they point at
    /// `empty` until it is finished).
    rows: Vec<RawRow>,
    /// The first row of the block being filled.
    block_start: usize,
    empty: Arc<Block>,
}

impl RowsBuilder {
    /// For rows of `table` in `file` with these column names; `rows`,
    /// `values` and `bytes` are what the file may hold at most (to reserve
    /// room once).
    pub(crate) fn new(
        table: Table,
        file: Arc<str>,
        names: ColumnNames,
        rows: usize,
        values: usize,
        bytes: usize,
    ) -> Self {
        let empty = Block::new(table, file, None, names, 0);
        let mut block = empty.clone();
        // Room for the file's values at most, up to one block's.
        let text = bytes.min(BLOCK_TEXT);
        block.text.reserve(text);
        block.lens.reserve(values.min(text).min(BLOCK_VALUES));
        RowsBuilder {
            block,
            rows: Vec::with_capacity(rows),
            block_start: 0,
            empty: Arc::new(empty),
        }
    }

    /// The column names of the rows.
    pub(crate) fn names(&self) -> &ColumnNames {
        &self.block.names
    }

    /// Adds the row at `line`: one value (trimmed) for each of the names in
    /// order (values beyond the names are left out; a row with fewer values
    /// has the others blank). `false`, and the row not added, when its
    /// values alone would pass [`BLOCK_TEXT`] (or be more than
    /// [`BLOCK_VALUES`]).
    #[must_use]
    pub(crate) fn push<'v>(
        &mut self,
        line: u64,
        values: impl Iterator<Item = &'v str> + Clone,
    ) -> bool {
        let width = self.block.names.len();
        // A block whose lines would pass 32 bits is finished and the row
        // starts the next one.
        let offset = |block: &Block| u32::try_from(line.saturating_sub(block.first_line)).ok();
        if self.rows.len() > self.block_start && offset(&self.block).is_none() {
            self.seal();
        }
        if self.rows.len() == self.block_start {
            self.block.first_line = line;
        }
        let mut at = self.push_values(values.clone(), width);
        if at.is_none() {
            if self.rows.len() == self.block_start {
                // Alone in a block, the row's values do not fit.
                return false;
            }
            // The block is full: the row starts the next one.
            self.seal();
            self.block.first_line = line;
            at = self.push_values(values, width);
        }
        let Some((first, start)) = at else {
            return false;
        };
        self.rows.push(RawRow {
            block: Arc::clone(&self.empty),
            first,
            start,
            line: offset(&self.block).unwrap_or(0),
        });
        true
    }

    /// Adds a row's `width` values to the block being filled: where they
    /// start in its lengths and its text, or nothing (`None`) when they do
    /// not all fit.
    fn push_values<'v>(
        &mut self,
        values: impl Iterator<Item = &'v str>,
        width: usize,
    ) -> Option<(u16, u16)> {
        let (text, lens) = (self.block.text.len(), self.block.lens.len());
        // Both within 16 bits: a block holds at most BLOCK_VALUES values and
        // BLOCK_TEXT bytes, and these are where the next would go.
        let at = (u16::try_from(lens).ok()?, u16::try_from(text).ok()?);
        let mut values = values.take(width);
        for _ in 0..width {
            if !self.block.push(values.next().unwrap_or("")) {
                self.block.truncate(lens, text);
                return None;
            }
        }
        Some(at)
    }

    /// Finishes the block being filled: its rows point at it.
    fn seal(&mut self) {
        // The next block is given room for as much as this one holds (a
        // file's blocks are much alike), not its reserve.
        let mut next = Block::clone(&self.empty);
        next.text.reserve(self.block.text.len());
        next.lens.reserve(self.block.lens.len());
        let mut block = std::mem::replace(&mut self.block, next);
        block.text.shrink_to_fit();
        block.lens.shrink_to_fit();
        block.long.shrink_to_fit();
        let block = Arc::new(block);
        for row in &mut self.rows[self.block_start..] {
            row.block = Arc::clone(&block);
        }
        self.block_start = self.rows.len();
    }

    /// The rows, in the order added.
    pub(crate) fn finish(mut self) -> Vec<RawRow> {
        if self.rows.len() > self.block_start {
            self.seal();
        }
        self.rows.shrink_to_fit();
        self.rows
    }
}

impl PartialEq for RawRow {
    fn eq(&self, other: &Self) -> bool {
        self.table() == other.table()
            && self.source() == other.source()
            && self.fields().eq(other.fields())
    }
}

impl Eq for RawRow {}

impl Serialize for RawRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Fields<'a>(&'a RawRow);
        impl Serialize for Fields<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for f in self.0.fields() {
                    seq.serialize_element(&f)?;
                }
                seq.end()
            }
        }
        let mut st = s.serialize_struct("RawRow", 3)?;
        st.serialize_field("table", &self.table())?;
        st.serialize_field("source", &self.source())?;
        st.serialize_field("fields", &Fields(self))?;
        st.end()
    }
}

/// The rows of a table Footprint reads but does not turn into records (OC3,
/// AD1, PlacedAdoption, PrevPerm, SWEpisodes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawTable {
    pub table: Table,
    pub file: String,
    pub rows: Vec<RawRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> SourceRef {
        SourceRef {
            file: "f.xml".into(),
            line,
            column: None,
        }
    }

    /// Numbers below the one asked for (0 when asked for 0 or 1), the
    /// same for the same seed: the tests' random values.
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |below| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % below.max(1)
        }
    }

    fn names(n: &[&str]) -> ColumnNames {
        ColumnNames::new(n.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn values_are_trimmed_replaced_and_placed() {
        let mut row = RawRow::new(Table::Header, at(1));
        assert!(row.set("CHILD", " A1 ", at(1)));
        assert!(row.set("SEX", "1", at(2)));
        assert_eq!(row.get("CHILD"), "A1");
        assert_eq!(row.get("DOB"), "");
        assert!(row.has("SEX") && !row.has("DOB"));
        assert_eq!(row.source_of("SEX").line, 2);
        assert_eq!(row.source_of("CHILD").line, 1);
        assert_eq!(row.source_of("DOB").line, 1);
        assert!(row.set("SEX", "2", at(1)));
        assert_eq!(row.get("SEX"), "2");
        assert_eq!(row.get("CHILD"), "A1");
        assert_eq!(row.source_of("SEX").line, 1);
        let names_set: Vec<&str> = row.fields().map(|f| f.name).collect();
        assert_eq!(names_set, ["CHILD", "SEX"]);

        let mut b = RowsBuilder::new(
            Table::Header,
            "f.xml".into(),
            names(&["CHILD", "SEX"]),
            1,
            2,
            8,
        );
        assert!(b.push(1, ["A1", " 2"].into_iter()));
        let csv = b.finish();
        assert_eq!(csv[0], row);
        let json = serde_json::to_value(&csv[0]).unwrap();
        assert_eq!(json["fields"][1]["value"], "2");
        assert_eq!(json["fields"][1]["name"], "SEX");
        assert_eq!(json["source"]["line"], 1);
    }

    #[test]
    fn rows_past_a_blocks_64_kib_start_the_next_block_and_read_as_written() {
        // Values of every length up to a few KiB, lines far apart (past 32
        // bits from the block's first), a row too long for any block in the
        // middle: every row kept reads back its values and its line.
        let mut next = numbers(11);
        let mut b = RowsBuilder::new(
            Table::Reviews,
            "f.csv".into(),
            names(&["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]),
            0,
            0,
            0,
        );
        let mut written: Vec<(u64, Vec<String>)> = Vec::new();
        let mut line = 1u64;
        for i in 0..3000 {
            line += if i == 1500 { 1 << 33 } else { 1 + next(3) };
            let values: Vec<String> = (0..4)
                .map(|k| "x".repeat(next(if k == 1 { 3000 } else { 12 }) as usize))
                .map(|v| format!(" {v}{i} "))
                .collect();
            assert!(b.push(line, values.iter().map(String::as_str)));
            written.push((line, values));
            if i == 2000 {
                let long = "y".repeat(BLOCK_TEXT + 1);
                assert!(!b.push(line + 1, ["1", long.as_str()].into_iter()));
                line += 1;
            }
        }
        let rows = b.finish();
        assert_eq!(rows.len(), written.len());
        let blocks: std::collections::HashSet<*const Block> =
            rows.iter().map(|r| Arc::as_ptr(&r.block)).collect();
        assert!(blocks.len() > 40, "{} blocks", blocks.len());
        for (row, (line, values)) in rows.iter().zip(&written) {
            assert_eq!(row.line(), *line);
            for (name, v) in ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"].iter().zip(values) {
                assert_eq!(row.get(name), v.trim());
            }
        }
        assert_eq!(std::mem::size_of::<RawRow>(), 16);
    }

    #[test]
    fn bytes_summed_eight_at_a_time_are_their_sum() {
        let mut next = numbers(5);
        for n in 0..200 {
            let bytes: Vec<u8> = (0..n)
                .map(|i| if i % 7 == 0 { 255 } else { next(256) as u8 })
                .collect();
            let plain: usize = bytes.iter().map(|&b| usize::from(b)).sum();
            assert_eq!(sum_of_bytes(&bytes), plain, "{bytes:?}");
            assert_eq!(sum_of_bytes(&vec![255; n]), 255 * n);
        }
    }

    #[test]
    fn rows_past_a_blocks_values_start_the_next_block_and_a_row_of_too_many_is_refused() {
        // Rows of 1,000 mostly blank values: 65 rows to a block at most.
        let wide: Vec<String> = (0..1000).map(|i| format!("C{i}")).collect();
        let wide_names = ColumnNames::new(wide.clone());
        let mut b = RowsBuilder::new(Table::Reviews, "f.csv".into(), wide_names, 0, 0, 0);
        for i in 0..300u64 {
            let mut values = vec![String::new(); 1000];
            values[(i % 1000) as usize] = format!("v{i}");
            values[999] = "x".repeat(300 + i as usize);
            assert!(b.push(i + 2, values.iter().map(String::as_str)));
        }
        let rows = b.finish();
        let blocks: std::collections::HashSet<*const Block> =
            rows.iter().map(|r| Arc::as_ptr(&r.block)).collect();
        assert!(blocks.len() >= 5, "{} blocks", blocks.len());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.line(), i as u64 + 2);
            assert_eq!(row.get(&format!("C{i}")), format!("v{i}"));
            assert_eq!(row.get("C999").len(), 300 + i);
            assert_eq!(row.get("C998"), "");
        }

        let too_many = ColumnNames::new((0..=BLOCK_VALUES).map(|i| format!("C{i}")).collect());
        let mut b = RowsBuilder::new(Table::Reviews, "f.csv".into(), too_many, 0, 0, 0);
        assert!(!b.push(2, std::iter::empty()));
        assert!(b.finish().is_empty());
    }

    #[test]
    fn a_value_past_a_rows_64_kib_is_refused_and_the_row_kept_as_it_was() {
        let mut row = RawRow::new(Table::Header, at(3));
        assert!(row.set("CHILD", "A1", at(3)));
        let long = "z".repeat(BLOCK_TEXT);
        assert!(!row.set("UPN", &long, at(4)));
        assert!(!row.set("CHILD", &format!("{long}z"), at(4)));
        assert_eq!(row.get("CHILD"), "A1");
        assert!(!row.has("UPN"));
        assert_eq!(row.line(), 3);
        assert!(row.set("CHILD", &long[..BLOCK_TEXT - 2], at(4)));
        assert_eq!(row.get("CHILD").len(), BLOCK_TEXT - 2);
    }

    #[test]
    fn a_key_is_the_first_16_bytes_zero_padded() {
        let padded = |name: &str| {
            let mut b = [0u8; 16];
            let n = name.len().min(16);
            b[..n].copy_from_slice(&name.as_bytes()[..n]);
            u128::from_le_bytes(b)
        };
        let long = "ABCDEFGHIJKLMNOPQRSTU";
        for n in 0..=long.len() {
            assert_eq!(key(&long[..n]), padded(&long[..n]), "{n} bytes");
            if n < 16 {
                assert_ne!(
                    key(&long[..n]),
                    key(&format!("{}x", &long[..n])),
                    "{n} bytes"
                );
            }
        }
        assert_eq!(key("CHILD"), padded("CHILD"));
        assert_eq!(key("£"), padded("£"));
    }

    #[test]
    fn a_name_is_found_by_its_slot_as_by_a_search_of_the_names() {
        // Every table's columns, shuffled, with duplicates, short rows and
        // more names than the slots are made for: the place found is the
        // first name's among the row's, as a search finds it.
        let mut numbers = numbers(7);
        let mut next = |n: usize| numbers(n as u64) as usize;
        let pool: Vec<String> = Table::ALL
            .iter()
            .flat_map(|t| t.columns().iter().map(|c| c.to_string()))
            .chain(["A", "", "DATE_PLACED_CEASED", "DATE_PLACED_CEASEX"].map(String::from))
            .collect();
        for round in 0..400 {
            let n = 1 + next(if round % 10 == 0 { 60 } else { 20 });
            let names: Vec<String> = (0..n).map(|_| pool[next(pool.len())].clone()).collect();
            let cols = ColumnNames::new(names.clone());
            assert_eq!(cols.slots.is_some(), n <= MAX_SLOTTED);
            for len in [n, next(n + 1)] {
                for q in pool
                    .iter()
                    .chain(["NOPE", "CHILDX"].map(String::from).iter())
                {
                    let want = names[..len].iter().position(|x| x == q);
                    assert_eq!(cols.index(q, len), want, "{q} in {names:?}[..{len}]");
                }
            }
        }
    }

    #[test]
    fn a_column_found_once_reads_as_its_name_does() {
        let mut b = RowsBuilder::new(
            Table::Reviews,
            "f.csv".into(),
            names(&["REVIEW", "CHILD", "DOB", "CHILD"]),
            0,
            0,
            0,
        );
        assert!(b.push(2, ["01/05/2025", "1", "02/02/2020", "9"].into_iter()));
        assert!(b.push(3, ["01/06/2025"].into_iter()));
        let rows = b.finish();
        let mut xml = RawRow::new(Table::Reviews, at(4));
        assert!(xml.set("CHILD", "7", at(4)));
        let other = rows_of(&["CHILD"], &["8"]);
        for name in ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"] {
            let col = Col::new(rows.first(), name);
            for r in rows.iter().chain([&xml, &other[0]]) {
                assert_eq!(r.at(&col), r.get(name), "{name}");
                assert_eq!(r.has_col(&col), r.has(name), "{name}");
            }
            let unplaced = Col::new(None, name);
            assert_eq!(rows[0].at(&unplaced), rows[0].get(name));
        }
        assert_eq!(rows[0].at(&Col::new(rows.first(), "CHILD")), "1");
        assert_eq!(rows[1].at(&Col::new(rows.first(), "CHILD")), "");
        assert_eq!(xml.at(&Col::new(rows.first(), "CHILD")), "7");
    }

    fn rows_of(n: &[&str], values: &[&str]) -> Vec<RawRow> {
        let mut b = RowsBuilder::new(Table::Reviews, "g.csv".into(), names(n), 0, 0, 0);
        assert!(b.push(2, values.iter().copied()));
        b.finish()
    }

    #[test]
    fn names_sharing_their_first_16_bytes_are_told_apart() {
        let long = names(&[
            "DATE_PLACED_CEASED",
            "DATE_PLACED_CEASEX",
            "DATE_PLACED_CEA",
            "DATE_PLACED_CEASE",
        ]);
        let mut b = RowsBuilder::new(Table::PlacedAdoption, "f.xml".into(), long, 1, 4, 4);
        assert!(b.push(2, ["a", "b", "c", "d"].into_iter()));
        let r = &b.finish()[0];
        assert_eq!(r.get("DATE_PLACED_CEASEX"), "b");
        assert_eq!(r.get("DATE_PLACED_CEASED"), "a");
        assert_eq!(r.get("DATE_PLACED_CEA"), "c");
        assert_eq!(r.get("DATE_PLACED_CEASE"), "d");
        assert_eq!(r.get("DATE_PLACED_CEASEY"), "");
        assert_eq!(r.get("DATE_PLACED_CE"), "");
        assert!(!r.has("DATE_PLACED"));
    }

    #[test]
    fn the_rows_of_a_file_share_one_block_and_keep_their_own_values_and_places() {
        let mut b = RowsBuilder::new(
            Table::Reviews,
            "f.xml".into(),
            names(&["CHILD", "DOB", "REVIEW"]),
            0,
            0,
            0,
        );
        assert!(b.push(2, [" 1", "", "01/05/2025 "].into_iter()));
        // Values past the names are left out; a short row has the others
        // blank (the CSV reader refuses short rows before they come here).
        assert!(b.push(4, ["2", "02/02/2020", "", "extra"].into_iter()));
        assert!(b.push(5, ["", ""].into_iter()));
        assert!(b.push(7, ["4", "x", "y"].into_iter()));
        let rows = b.finish();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| Arc::ptr_eq(&r.block, &rows[0].block)));
        assert_eq!(rows[0].block.text, "101/05/2025202/02/20204xy");
        let lines: Vec<u64> = rows.iter().map(|r| r.source().line).collect();
        assert_eq!(lines, [2, 4, 5, 7]);
        let values = |r: &RawRow| r.fields().map(|f| f.value.to_owned()).collect::<Vec<_>>();
        assert_eq!(values(&rows[0]), ["1", "", "01/05/2025"]);
        assert_eq!(values(&rows[1]), ["2", "02/02/2020", ""]);
        assert_eq!(values(&rows[2]), ["", "", ""]);
        assert!(rows[2].has("DOB") && rows[2].has("REVIEW"));
        assert_eq!(rows[2].get("REVIEW"), "");
        assert_eq!(rows[3].get("REVIEW"), "y");
        assert_eq!(rows[3].source_of("REVIEW").line, 7);
        assert_eq!(rows[1].source_of("DOB").line, 4);
        assert_eq!(rows[1].get("CHILD"), "2");

        // Setting a value of a row that shares its block copies the row's
        // values first: the other rows are unchanged.
        let mut changed = rows[1].clone();
        assert!(changed.set("REVIEW", "03/03/2025", at(9)));
        assert!(changed.set("REVIEW_CODE", "PN1", at(4)));
        assert_eq!(changed.get("REVIEW"), "03/03/2025");
        assert_eq!(changed.source_of("REVIEW").line, 9);
        assert_eq!(changed.get("REVIEW_CODE"), "PN1");
        assert_eq!(changed.get("DOB"), "02/02/2020");
        assert_eq!(rows[1].get("REVIEW"), "");
        assert!(!rows[1].has("REVIEW_CODE"));
        assert_eq!(rows[3].get("CHILD"), "4");
    }
}
