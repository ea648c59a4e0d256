//! The lists a form offers that a council sets itself (issue 17, item 5):
//! each a [`CouncilList`] of entries with a stable key, a label and whether
//! it is retired. What a record holds is the key, so renaming an entry
//! changes what every screen and report calls it without rewriting what
//! was recorded; retiring takes it off the forms for new records while old
//! records keep it, show its label and are still counted by the measures.
//!
//! Which lists are the council's and which are national codes that must
//! not change is set out in docs/web.md ("Lists the forms offer").

use serde::{Deserialize, Serialize};

/// The longest label an entry may have.
pub const LABEL_MAX: usize = 100;

/// One entry of a council list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEntry {
    /// What records hold: lower-case letters, digits and `_`, never
    /// changed once given.
    pub key: String,
    /// What forms, screens and reports show.
    pub label: String,
    /// Off the forms for new records; records that hold it keep it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// A council list, in the order the forms offer it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CouncilList(pub Vec<ListEntry>);

/// What is wrong with a list: the entry (1-based, in list order) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListProblem {
    #[error("entry {0}: the key must be 1 to 40 lower-case letters, digits or _")]
    BadKey(usize),
    #[error("entry {0}: the key {1:?} is used twice")]
    DuplicateKey(usize, String),
    #[error("entry {0}: the name must be 1 to {LABEL_MAX} characters on one line")]
    BadLabel(usize),
    #[error("entry {0}: {1:?} is listed twice")]
    DuplicateLabel(usize, String),
    #[error("the list needs at least one entry that is not retired")]
    NothingOffered,
}

impl ListProblem {
    /// The entry the problem is on (`None`: the whole list).
    pub fn entry(&self) -> Option<usize> {
        match self {
            ListProblem::BadKey(n)
            | ListProblem::DuplicateKey(n, _)
            | ListProblem::BadLabel(n)
            | ListProblem::DuplicateLabel(n, _) => Some(*n),
            ListProblem::NothingOffered => None,
        }
    }
}

/// Whether `key` is the shape of a list key.
pub fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl CouncilList {
    /// A list of `(key, label)` entries, none retired.
    pub fn of(entries: &[(&str, &str)]) -> Self {
        CouncilList(
            entries
                .iter()
                .map(|(key, label)| ListEntry {
                    key: (*key).to_owned(),
                    label: (*label).to_owned(),
                    retired: false,
                })
                .collect(),
        )
    }

    /// The entries a form offers for a new record (not retired).
    pub fn offered(&self) -> impl Iterator<Item = &ListEntry> {
        self.0.iter().filter(|e| !e.retired)
    }

    /// The entry with this key, retired or not.
    pub fn get(&self, key: &str) -> Option<&ListEntry> {
        self.0.iter().find(|e| e.key == key)
    }

    /// What a record holding `key` shows: the entry's label (retired
    /// or not), else the key itself (a key no entry has, from an import or
    /// an older list, is shown rather than hidden).
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).map_or(key, |e| e.label.as_str())
    }

    /// Every key, retired ones too, in list order: the rows of a measure
    /// that breaks down by the list.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.key.as_str())
    }

    /// The entry a file's text names: its key, or its label in any case
    /// (spaces, hyphens and underscores alike), retired or not. What an
    /// import reads a council list's value by.
    pub fn find(&self, text: &str) -> Option<&ListEntry> {
        let norm = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
        let t = norm(text);
        self.get(text.trim())
            .or_else(|| self.0.iter().find(|e| e.key == t || norm(&e.label) == t))
    }

    /// Whether a form may record `key`: an entry on offer, or the value
    /// the record already holds (a correction need not change a retired
    /// value).
    pub fn accepts(&self, key: &str, held: Option<&str>) -> bool {
        self.offered().any(|e| e.key == key) || held == Some(key)
    }

    /// A key for a new entry called `label`, unlike every key the list
    /// has (retired ones too, so a key never comes to mean two things).
    pub fn new_key(&self, label: &str) -> String {
        let mut base: String = label
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        while base.contains("__") {
            base = base.replace("__", "_");
        }
        let mut base: String = base.trim_matches('_').chars().take(32).collect();
        base = base.trim_end_matches('_').to_owned();
        if base.is_empty() {
            base = "entry".to_owned();
        }
        let mut key = base.clone();
        let mut n = 2;
        while self.get(&key).is_some() {
            key = format!("{base}_{n}");
            n += 1;
        }
        key
    }

    /// Checks a list: keys well formed and each once, every label 1 to
    /// [`LABEL_MAX`] characters on one line and each once (in any case),
    /// at least one entry on offer. Every problem, in entry order.
    pub fn check(&self) -> Vec<ListProblem> {
        let mut out = Vec::new();
        for (i, e) in self.0.iter().enumerate() {
            let n = i + 1;
            if !is_key(&e.key) {
                out.push(ListProblem::BadKey(n));
            } else if self.0[..i].iter().any(|o| o.key == e.key) {
                out.push(ListProblem::DuplicateKey(n, e.key.clone()));
            }
            let label = e.label.trim();
            let chars = label.chars().count();
            if chars == 0 || chars > LABEL_MAX || label.chars().any(char::is_control) {
                out.push(ListProblem::BadLabel(n));
            } else if self.0[..i]
                .iter()
                .any(|o| o.label.trim().to_lowercase() == label.to_lowercase())
            {
                out.push(ListProblem::DuplicateLabel(n, label.to_owned()));
            }
        }
        if self.offered().next().is_none() {
            out.push(ListProblem::NothingOffered);
        }
        out
    }
}

/// The reasons for an inadequate quality and compliance grade when the
/// council has set none: the areas the reference reports give them under
/// (R21-C3: assessment and planning, outcome and impact, the child's
/// views).
pub const INADEQUATE_REASONS: [(&str, &str); 4] = [
    ("assessment_and_planning", "Assessment and planning"),
    ("outcome_and_impact", "Outcome and impact for the child"),
    ("childs_views", "The child's views and participation"),
    ("other", "Other"),
];

/// Why an IRO records on a child allocated to a colleague, when the
/// council has set none (what the forms offered before it was a setting).
pub const COVER_REASONS: [(&str, &str); 4] = [
    ("leave", "Covering a colleague on leave"),
    ("sickness", "Covering a colleague who is unwell"),
    ("vacancy", "Covering a caseload with no IRO"),
    ("urgent", "Urgent: the allocated IRO cannot be reached"),
];

/// The lists a council sets itself, each held as a setting of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormList {
    /// Why a review was held after its statutory due date
    /// (`reviews.late_by_reason`).
    LateReasons,
    /// Why a review was graded inadequate
    /// (`quality.inadequate_by_reason`).
    InadequateReasons,
    /// How the child's views reached the review (`views.by_route`).
    ViewsRoutes,
    /// The forms life-story work takes (no measure counts by them).
    LifeStoryForms,
    /// Why an IRO records on a child allocated to a colleague (kept in
    /// the audit log; no measure counts by them).
    CoverReasons,
}

impl FormList {
    pub const ALL: [FormList; 5] = [
        FormList::LateReasons,
        FormList::InadequateReasons,
        FormList::ViewsRoutes,
        FormList::LifeStoryForms,
        FormList::CoverReasons,
    ];

    /// The settings key holding the list, and the list's address on the
    /// settings screen.
    pub fn key(self) -> &'static str {
        match self {
            FormList::LateReasons => "late_reasons",
            FormList::InadequateReasons => "inadequate_reasons",
            FormList::ViewsRoutes => "views_routes",
            FormList::LifeStoryForms => "life_story_forms",
            FormList::CoverReasons => "cover_reasons",
        }
    }

    /// What the list is, as the settings screen names it.
    pub fn title(self) -> &'static str {
        match self {
            FormList::LateReasons => "Reasons a review was held late",
            FormList::InadequateReasons => "Reasons for an inadequate quality grade",
            FormList::ViewsRoutes => "How the child's views reached the review",
            FormList::LifeStoryForms => "The forms life-story work takes",
            FormList::CoverReasons => "Why an IRO records on a colleague's child",
        }
    }

    /// Where the list is offered.
    pub fn used_on(self) -> &'static str {
        match self {
            FormList::LateReasons => {
                "The review form; the annual report's reasons reviews were held late"
            }
            FormList::InadequateReasons => {
                "The review form, when the grade is inadequate; the annual report's reasons for inadequate grades"
            }
            FormList::ViewsRoutes => {
                "The child's views (case records form and import); the annual report's ways the child's views reached the review"
            }
            FormList::LifeStoryForms => "Life-story work (case records form and import)",
            FormList::CoverReasons => {
                "Every form an IRO uses on a child allocated to a colleague (the reason is kept in the audit log)"
            }
        }
    }

    /// The measure that breaks down by the list, if one does.
    pub fn measure(self) -> Option<&'static str> {
        match self {
            FormList::LateReasons => Some("reviews.late_by_reason"),
            FormList::InadequateReasons => Some("quality.inadequate_by_reason"),
            FormList::ViewsRoutes => Some("views.by_route"),
            FormList::LifeStoryForms | FormList::CoverReasons => None,
        }
    }

    pub fn from_key(key: &str) -> Option<FormList> {
        FormList::ALL.into_iter().find(|l| l.key() == key)
    }

    /// The list when the council has set none: what Footprint offered
    /// before the list was a setting, so nothing changes for a council
    /// that sets nothing.
    pub fn default_list(self) -> CouncilList {
        match self {
            FormList::LateReasons => keyed_list(
                crate::model::LateReason::ALL
                    .iter()
                    .map(|r| (r.key(), r.label())),
            ),
            FormList::InadequateReasons => CouncilList::of(&INADEQUATE_REASONS),
            FormList::ViewsRoutes => keyed_list(
                crate::case_records::ViewsRoute::ALL
                    .iter()
                    .map(|v| (v.key(), v.label())),
            ),
            FormList::LifeStoryForms => keyed_list(
                crate::case_records::LifeStoryForm::ALL
                    .iter()
                    .map(|f| (f.key(), f.label())),
            ),
            FormList::CoverReasons => CouncilList::of(&COVER_REASONS),
        }
    }
}

/// A default list from a fixed enum's keys and labels, none retired.
fn keyed_list<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> CouncilList {
    CouncilList(
        entries
            .map(|(key, label)| ListEntry {
                key: key.to_owned(),
                label: label.to_owned(),
                retired: false,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_lists_pass_their_own_check() {
        for l in FormList::ALL {
            assert_eq!(l.default_list().check(), vec![], "{l:?}");
            assert_eq!(FormList::from_key(l.key()), Some(l));
        }
    }

    #[test]
    fn a_retired_entry_is_off_the_form_but_keeps_its_label_and_its_row() {
        let mut list = CouncilList::of(&[("court", "Court hearing"), ("other", "Other")]);
        list.0[0].retired = true;
        let offered: Vec<&str> = list.offered().map(|e| e.key.as_str()).collect();
        assert_eq!(offered, ["other"]);
        assert_eq!(list.label("court"), "Court hearing");
        assert_eq!(list.keys().collect::<Vec<_>>(), ["court", "other"]);
        assert!(!list.accepts("court", None));
        assert!(
            list.accepts("court", Some("court")),
            "a correction keeps it"
        );
        assert!(!list.accepts("nonsense", None));
        assert_eq!(list.label("gone"), "gone");
    }

    #[test]
    fn an_import_names_an_entry_by_its_key_or_its_label_in_any_case() {
        let mut list = CouncilList::of(&[("mind_of_my_own", "Mind of My Own"), ("x", "In-person")]);
        list.0[1].retired = true;
        assert_eq!(
            list.find("mind_of_my_own").map(|e| e.key.as_str()),
            Some("mind_of_my_own")
        );
        assert_eq!(
            list.find(" mind of my own ").map(|e| e.key.as_str()),
            Some("mind_of_my_own")
        );
        assert_eq!(
            list.find("IN PERSON").map(|e| e.key.as_str()),
            Some("x"),
            "retired: found"
        );
        assert_eq!(list.find("booklet"), None);
    }

    #[test]
    fn every_problem_is_named_by_entry() {
        let list = CouncilList::of(&[
            ("a", "Court"),
            ("a", "court "),
            ("Bad Key", ""),
            ("c", "Line\nbreak"),
        ]);
        assert_eq!(
            list.check(),
            vec![
                ListProblem::DuplicateKey(2, "a".into()),
                ListProblem::DuplicateLabel(2, "court".into()),
                ListProblem::BadKey(3),
                ListProblem::BadLabel(3),
                ListProblem::BadLabel(4),
            ]
        );
        let mut all_retired = CouncilList::of(&[("a", "A")]);
        all_retired.0[0].retired = true;
        assert_eq!(all_retired.check(), vec![ListProblem::NothingOffered]);
    }

    #[test]
    fn a_new_key_comes_from_the_label_and_never_repeats_one_held() {
        let mut list = CouncilList::of(&[("court_hearing", "Court hearing")]);
        list.0[0].retired = true;
        assert_eq!(list.new_key("Court hearing!"), "court_hearing_2");
        assert_eq!(list.new_key("  Carer's illness "), "carer_s_illness");
        assert_eq!(list.new_key("£££"), "entry");
        assert!(is_key(&list.new_key(&"x".repeat(200))));
    }
}
