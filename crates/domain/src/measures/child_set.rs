//! The children behind a count: a set of child identifiers in their order,
//! made for being filled in that order.
//!
//! The measures go over the records child by child (the store reads them in
//! the order of their child's key), so nearly every child a count takes comes
//! after the last one it took. A `BTreeSet` pays a descent of its tree and,
//! now and then, a new node for each of them: an England-sized report spent
//! a tenth of its time in `BTreeMap::insert`. [`ChildSet`] keeps the children
//! that came in order in a vector, where each is one push, and only those
//! that came out of order in a `BTreeSet` beside it. It reads as one set in
//! order: the same children, the same iteration, the same equality, the same
//! JSON (a list in order) as the `BTreeSet` it replaces.

use std::collections::{BTreeSet, btree_set};
use std::fmt;
use std::iter::Peekable;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::ChildId;

/// A set of children, in order. See the module's documentation.
#[derive(Clone, Default)]
pub struct ChildSet {
    /// Children in ascending order, each once: those that came in order.
    run: Vec<ChildId>,
    /// The others: none of them is in `run`.
    rest: BTreeSet<ChildId>,
}

impl ChildSet {
    pub fn new() -> Self {
        ChildSet::default()
    }

    /// Adds `child`; false if it was there already.
    pub fn insert(&mut self, child: ChildId) -> bool {
        match self.run.last() {
            Some(last) if child <= *last => {
                if self.run.binary_search(&child).is_ok() {
                    false
                } else {
                    self.rest.insert(child)
                }
            }
            _ => {
                // After every child of the run: it can only be among the
                // others, and only if they reach that far.
                if self.rest.last().is_some_and(|r| child <= *r) && self.rest.contains(&child) {
                    return false;
                }
                self.run.push(child);
                true
            }
        }
    }

    pub fn contains(&self, child: &ChildId) -> bool {
        self.run.binary_search(child).is_ok() || self.rest.contains(child)
    }

    pub fn len(&self) -> usize {
        self.run.len() + self.rest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.run.is_empty() && self.rest.is_empty()
    }

    /// The children in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            run: self.run.iter().peekable(),
            rest: self.rest.iter().peekable(),
        }
    }
}

/// The next of two sorted sequences with no item in common, merged.
fn next_in_order<T: Ord>(
    run: &mut Peekable<impl Iterator<Item = T>>,
    rest: &mut Peekable<impl Iterator<Item = T>>,
) -> Option<T> {
    match (run.peek(), rest.peek()) {
        (Some(a), Some(b)) if b < a => rest.next(),
        (Some(_), _) => run.next(),
        (None, _) => rest.next(),
    }
}

/// The children of a [`ChildSet`] in order: the two sorted parts merged.
#[derive(Clone)]
pub struct Iter<'a> {
    run: Peekable<std::slice::Iter<'a, ChildId>>,
    rest: Peekable<btree_set::Iter<'a, ChildId>>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a ChildId;

    fn next(&mut self) -> Option<&'a ChildId> {
        next_in_order(&mut self.run, &mut self.rest)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.run.len() + self.rest.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The children of a [`ChildSet`] in order, owned.
pub struct IntoIter {
    run: Peekable<std::vec::IntoIter<ChildId>>,
    rest: Peekable<btree_set::IntoIter<ChildId>>,
}

impl Iterator for IntoIter {
    type Item = ChildId;

    fn next(&mut self) -> Option<ChildId> {
        next_in_order(&mut self.run, &mut self.rest)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.run.len() + self.rest.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for ChildSet {
    type Item = ChildId;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            run: self.run.into_iter().peekable(),
            rest: self.rest.into_iter().peekable(),
        }
    }
}

impl<'a> IntoIterator for &'a ChildSet {
    type Item = &'a ChildId;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl FromIterator<ChildId> for ChildSet {
    /// Sorted once, not added one at a time.
    fn from_iter<I: IntoIterator<Item = ChildId>>(children: I) -> Self {
        let mut run: Vec<ChildId> = children.into_iter().collect();
        if !run.is_sorted() {
            run.sort_unstable();
        }
        run.dedup();
        ChildSet {
            run,
            rest: BTreeSet::new(),
        }
    }
}

impl<'a> FromIterator<&'a ChildId> for ChildSet {
    fn from_iter<I: IntoIterator<Item = &'a ChildId>>(children: I) -> Self {
        children.into_iter().cloned().collect()
    }
}

impl Extend<ChildId> for ChildSet {
    fn extend<I: IntoIterator<Item = ChildId>>(&mut self, children: I) {
        for c in children {
            self.insert(c);
        }
    }
}

impl<'a> Extend<&'a ChildId> for ChildSet {
    fn extend<I: IntoIterator<Item = &'a ChildId>>(&mut self, children: I) {
        for c in children {
            self.insert(c.clone());
        }
    }
}

impl PartialEq for ChildSet {
    /// The same children, however each set came by them.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for ChildSet {}

impl fmt::Debug for ChildSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for ChildSet {
    /// A list in order, as a `BTreeSet` was written.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ChildSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<ChildId>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u32) -> ChildId {
        format!("C{n:05}").parse().unwrap()
    }

    #[test]
    fn children_out_of_order_are_kept_once_and_read_in_order() {
        let mut s = ChildSet::new();
        assert!(s.insert(id(5)));
        assert!(s.insert(id(7)));
        assert!(s.insert(id(6)));
        assert!(!s.insert(id(6)));
        assert!(!s.insert(id(7)));
        assert!(s.insert(id(1)));
        // Past the run's end, but already among the others.
        let mut t = ChildSet::new();
        t.insert(id(3));
        t.insert(id(1));
        t.insert(id(2));
        assert!(!t.insert(id(2)) && t.len() == 3);
        assert_eq!(
            s.iter().cloned().collect::<Vec<_>>(),
            vec![id(1), id(5), id(6), id(7)]
        );
        assert!(s.contains(&id(6)) && !s.contains(&id(2)));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"["C00001","C00005","C00006","C00007"]"#
        );
    }

    proptest! {
        /// Whatever the order children come in, the set holds what a
        /// `BTreeSet` would: the same answers to every insert, the same
        /// children in the same order, the same JSON, and sets with the same
        /// children are equal however they were filled.
        #[test]
        fn behaves_as_a_btreeset(ns in proptest::collection::vec(0u32..60, 0..200)) {
            let mut s = ChildSet::new();
            let mut b = BTreeSet::new();
            for &n in &ns {
                prop_assert_eq!(s.insert(id(n)), b.insert(id(n)));
                prop_assert_eq!(s.len(), b.len());
            }
            prop_assert!(s.iter().eq(b.iter()));
            prop_assert!(s.clone().into_iter().eq(b.clone()));
            for n in 0..60 {
                prop_assert_eq!(s.contains(&id(n)), b.contains(&id(n)));
            }
            let sorted: ChildSet = b.iter().cloned().collect();
            prop_assert_eq!(&s, &sorted);
            prop_assert_eq!(
                serde_json::to_string(&s).unwrap(),
                serde_json::to_string(&b).unwrap()
            );
            let back: ChildSet = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            prop_assert_eq!(back, s);
        }
    }
}
