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
        && key.len() <= KEY_MAX
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The key a label makes: lower case, every run of other characters one
/// `_`, at most 32 characters (`"Care planning"` → `care_planning`;
/// `entry` for a label with no letter or digit). How a new entry's key is
/// made, and how a record that holds a label from before the list had
/// keys finds its entry (a flat list of theme names took its keys so).
pub fn slug(label: &str) -> String {
    let mut base: String = label
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while base.contains("__") {
        base = base.replace("__", "_");
    }
    let base: String = base.trim_matches('_').chars().take(32).collect();
    let base = base.trim_end_matches('_');
    if base.is_empty() {
        "entry".to_owned()
    } else {
        base.to_owned()
    }
}

/// The longest key an entry may have.
pub const KEY_MAX: usize = 40;

/// A list key held by value, `Copy`: what a pure, `Copy` type such as the
/// schedule's `ApprovedDateChange` holds for an entry of a council list
/// (the reason a review's date changed), so the schedule needs no list and
/// no allocation. Only a string of the key's shape ([`is_key`]) makes one;
/// it reads and writes as that string, so a key held as text before reads
/// the same.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListKey {
    len: u8,
    bytes: [u8; KEY_MAX],
}

impl ListKey {
    /// The key `key`, if it has a key's shape.
    pub fn new(key: &str) -> Option<ListKey> {
        is_key(key).then(|| ListKey::from_shaped(key))
    }

    /// The key `key`, for a constant; a string not of a key's shape fails
    /// to compile (or panics).
    pub const fn of(key: &str) -> ListKey {
        let b = key.as_bytes();
        assert!(
            !b.is_empty() && b.len() <= KEY_MAX,
            "a key is 1 to 40 characters"
        );
        let mut bytes = [0u8; KEY_MAX];
        let mut i = 0;
        while i < b.len() {
            assert!(
                b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'_',
                "a key is lower-case letters, digits and _"
            );
            bytes[i] = b[i];
            i += 1;
        }
        // At most KEY_MAX (40) bytes: the length fits in a u8.
        ListKey {
            len: b.len() as u8,
            bytes,
        }
    }

    fn from_shaped(key: &str) -> ListKey {
        let mut bytes = [0u8; KEY_MAX];
        bytes[..key.len()].copy_from_slice(key.as_bytes());
        ListKey {
            len: u8::try_from(key.len()).unwrap_or(0),
            bytes,
        }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII of a key's shape is ever put in.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for ListKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for ListKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ListKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ListKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ListKey::new(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a list key (1 to 40 lower-case letters, digits or _)"
            ))
        })
    }
}

impl CouncilList {
    /// Whether the list has no entry at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entry a value stands for, retired or not: the entry with that
    /// key; else the one with that label, in any case (spaces, hyphens and
    /// underscores alike: a form or file giving the name); else the one
    /// whose key the value makes ([`slug`]: a record holding a name from
    /// before the list had keys, which a rename has since changed). What a
    /// form, an import and a count read a council list's value by.
    pub fn find(&self, held: &str) -> Option<&ListEntry> {
        let norm = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
        let name = norm(held);
        self.get(held.trim())
            .or_else(|| self.0.iter().find(|e| norm(&e.label) == name))
            .or_else(|| self.get(&slug(held)))
    }

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

    /// Whether a form may record `key`: an entry on offer, or the value
    /// the record already holds (a correction need not change a retired
    /// value).
    pub fn accepts(&self, key: &str, held: Option<&str>) -> bool {
        self.offered().any(|e| e.key == key) || held == Some(key)
    }

    /// A key for a new entry called `label`, unlike every key the list
    /// has (retired ones too, so a key never comes to mean two things).
    pub fn new_key(&self, label: &str) -> String {
        let base = slug(label);
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

/// One of the council's challenge themes: an entry like a council list's,
/// with the sub-themes a challenge or case alert under it may give (none:
/// the theme has no sub-themes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    /// The theme's sub-themes, a council list of their own (keys unique
    /// within the theme).
    #[serde(default, skip_serializing_if = "CouncilList::is_empty")]
    pub sub_themes: CouncilList,
}

/// How the `challenge_themes` setting may hold a theme: a theme with its
/// key (and sub-themes), or, as before themes had keys, its name alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum HeldTheme {
    Name(String),
    Theme(Theme),
}

/// The council's challenge themes, two levels (theme, sub-theme), as the
/// reference reports table formal challenges. A challenge and a case alert
/// hold a theme's key and, optionally, the key of a sub-theme under it; a
/// rename changes only the label, a theme or sub-theme is retired, never
/// deleted. A flat list of names (the setting before it had keys) still
/// reads: each name becomes a theme keyed by its [`slug`], which is also
/// how a record holding the name finds it ([`ThemeList::find`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Vec<HeldTheme>")]
pub struct ThemeList(pub Vec<Theme>);

impl From<Vec<HeldTheme>> for ThemeList {
    fn from(held: Vec<HeldTheme>) -> Self {
        let mut out = ThemeList(Vec::new());
        for h in held {
            let theme = match h {
                HeldTheme::Theme(t) => t,
                HeldTheme::Name(label) => Theme {
                    key: out.themes().new_key(&label),
                    label,
                    retired: false,
                    sub_themes: CouncilList::default(),
                },
            };
            out.0.push(theme);
        }
        out
    }
}

/// Which field of a form or file a theme is refused on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeRefusal {
    #[error("`{0}` is not one of the council's challenge themes")]
    Theme(String),
    #[error("`{sub_theme}` is not a sub-theme of {theme}")]
    SubTheme { theme: String, sub_theme: String },
}

/// What is wrong with a theme list: the theme (1-based) and, for a
/// problem in its sub-themes, which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeProblem {
    #[error("{0}")]
    Theme(ListProblem),
    #[error("theme {0}, sub-theme {1}")]
    SubTheme(usize, ListProblem),
}

impl ThemeList {
    /// The themes as a council list (their keys, labels and retirement).
    pub fn themes(&self) -> CouncilList {
        CouncilList(
            self.0
                .iter()
                .map(|t| ListEntry {
                    key: t.key.clone(),
                    label: t.label.clone(),
                    retired: t.retired,
                })
                .collect(),
        )
    }

    /// The theme a record's value stands for (by key, or a held name by
    /// its [`slug`]), retired or not.
    pub fn find(&self, held: &str) -> Option<&Theme> {
        let key = self.themes().find(held)?.key.clone();
        self.0.iter().find(|t| t.key == key)
    }

    /// The row a record holding theme `held` is counted on: its theme's
    /// key (so a name from before keys, in any spelling, counts with the
    /// key), else the value as held.
    pub fn key_of(&self, held: &str) -> String {
        self.find(held)
            .map_or_else(|| held.trim().to_owned(), |t| t.key.clone())
    }

    /// The column a record holding sub-theme `sub` under theme `theme` is
    /// counted in: the sub-theme's key, else the value as held.
    pub fn sub_key_of(&self, theme: &str, sub: &str) -> String {
        self.find(theme)
            .and_then(|t| t.sub_themes.find(sub))
            .map_or_else(|| sub.trim().to_owned(), |e| e.key.clone())
    }

    /// What a record holding theme `held` shows: the theme's label, else
    /// the value itself (a theme no entry has is shown, not hidden).
    pub fn label<'a>(&'a self, held: &'a str) -> &'a str {
        self.find(held).map_or(held, |t| t.label.as_str())
    }

    /// What a record holding sub-theme `sub` under theme `theme` shows.
    pub fn sub_label<'a>(&'a self, theme: &str, sub: &'a str) -> &'a str {
        self.find(theme)
            .and_then(|t| t.sub_themes.find(sub))
            .map_or(sub, |e| e.label.as_str())
    }

    /// What a record's themes say, in words: each theme's label, the first
    /// with its sub-theme after a colon (`Care planning: Drift and delay,
    /// Health`).
    pub fn describe(&self, themes: &[String], sub_theme: Option<&str>) -> String {
        themes
            .iter()
            .enumerate()
            .map(|(i, t)| match sub_theme.filter(|_| i == 0) {
                Some(sub) => format!("{}: {}", self.label(t), self.sub_label(t, sub)),
                None => self.label(t).to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The one rule for the theme (and sub-theme, `""` for none) a form or
    /// file gives a challenge or case alert, against what the record held
    /// before (`held`: a correction or a second import may keep a value
    /// the council has since retired or renamed). The theme must be one on
    /// offer (by key, or by name in any case) or the held one; the
    /// sub-theme, one on offer under that theme, or the held one under the
    /// held theme. Gives the keys to store — the list's own entry, never
    /// the spelling given — or the field refused.
    pub fn choose(
        &self,
        theme: &str,
        sub_theme: &str,
        held: Option<(&str, Option<&str>)>,
    ) -> Result<(String, Option<String>), ThemeRefusal> {
        let (theme, sub_theme) = (theme.trim(), sub_theme.trim());
        let held_theme = held.map(|(t, _)| t);
        let found = self.find(theme);
        let key = match found {
            Some(t) if !t.retired || held_theme.and_then(|h| self.find(h)) == Some(t) => {
                t.key.clone()
            }
            _ if held_theme == Some(theme) => theme.to_owned(),
            _ => return Err(ThemeRefusal::Theme(theme.to_owned())),
        };
        if sub_theme.is_empty() {
            return Ok((key, None));
        }
        let same_theme =
            held_theme.is_some_and(|h| h == key || self.find(h).is_some_and(|t| t.key == key));
        let held_sub = held.and_then(|(_, s)| s).filter(|_| same_theme);
        let refused = || ThemeRefusal::SubTheme {
            theme: self.label(&key).to_owned(),
            sub_theme: sub_theme.to_owned(),
        };
        let subs = found.map(|t| &t.sub_themes);
        let sub = match subs.and_then(|s| s.find(sub_theme)) {
            Some(e) if !e.retired || held_sub.and_then(|h| subs?.find(h)) == Some(e) => {
                e.key.clone()
            }
            _ if held_sub == Some(sub_theme) => sub_theme.to_owned(),
            _ => return Err(refused()),
        };
        Ok((key, Some(sub)))
    }

    /// Checks the list: the themes as a council list's entries, and each
    /// theme's sub-themes likewise (a theme may have none, or only retired
    /// ones). Every problem, in order.
    pub fn check(&self) -> Vec<ThemeProblem> {
        let mut out: Vec<ThemeProblem> = self
            .themes()
            .check()
            .into_iter()
            .map(ThemeProblem::Theme)
            .collect();
        for (i, t) in self.0.iter().enumerate() {
            out.extend(
                t.sub_themes
                    .check()
                    .into_iter()
                    .filter(|p| *p != ListProblem::NothingOffered)
                    .map(|p| ThemeProblem::SubTheme(i + 1, p)),
            );
        }
        out
    }

    /// The list after the settings screen's themes page: `themes` is the
    /// themes as a council list (their keys, labels, retirement and order,
    /// [`ThemeList::themes`] as edited). A theme keeps its key and its
    /// sub-themes whatever its label becomes, so a rename is a rename (the
    /// records holding the key show the new label), never a retire plus an
    /// add; a new key is a new theme with no sub-themes yet.
    pub fn with_themes(&self, themes: &CouncilList) -> ThemeList {
        ThemeList(
            themes
                .0
                .iter()
                .map(|e| Theme {
                    key: e.key.clone(),
                    label: e.label.clone(),
                    retired: e.retired,
                    sub_themes: self
                        .0
                        .iter()
                        .find(|t| t.key == e.key)
                        .map(|t| t.sub_themes.clone())
                        .unwrap_or_default(),
                })
                .collect(),
        )
    }

    /// The list with theme `key`'s sub-themes set to `sub_themes` (the
    /// settings screen's page of the theme's sub-themes); `None` when no
    /// theme has the key.
    pub fn with_sub_themes(&self, key: &str, sub_themes: CouncilList) -> Option<ThemeList> {
        let mut out = self.clone();
        out.0.iter_mut().find(|t| t.key == key)?.sub_themes = sub_themes;
        Some(out)
    }

    /// The themes when the council has set none: those Footprint offered
    /// before (so a council that set nothing keeps its records' themes),
    /// with sub-themes after the reference reports' formal challenges.
    pub fn default_list() -> ThemeList {
        let theme = |key: &str, label: &str, subs: &[(&str, &str)]| Theme {
            key: key.to_owned(),
            label: label.to_owned(),
            retired: false,
            sub_themes: CouncilList::of(subs),
        };
        ThemeList(vec![
            theme(
                "care_planning",
                "Care planning",
                &[
                    ("drift_and_delay", "Drift and delay"),
                    ("plan_quality", "Quality of the care plan"),
                    ("assessment", "Assessment"),
                ],
            ),
            theme(
                "placement",
                "Placement",
                &[
                    ("suitability", "Suitability of the placement"),
                    ("stability", "Placement stability"),
                ],
            ),
            theme(
                "contact_with_family",
                "Contact with family",
                &[
                    ("arrangements", "Contact arrangements"),
                    ("siblings", "Contact with siblings"),
                ],
            ),
            theme(
                "health",
                "Health",
                &[
                    ("health_assessment", "Health assessment"),
                    ("emotional_wellbeing", "Emotional wellbeing"),
                ],
            ),
            theme(
                "education",
                "Education",
                &[
                    ("pep", "Personal education plan"),
                    ("school_place", "School place"),
                ],
            ),
            theme(
                "permanence",
                "Permanence",
                &[
                    ("permanence_plan", "No permanence plan by the second review"),
                    ("delay", "Delay in achieving permanence"),
                ],
            ),
            theme(
                "social_worker_visits",
                "Social worker visits",
                &[
                    ("visits_out_of_time", "Visits out of timescale"),
                    ("change_of_worker", "Change of social worker"),
                ],
            ),
            theme(
                "pathway_planning",
                "Pathway planning",
                &[
                    ("pathway_plan", "Pathway plan not in place"),
                    ("accommodation", "Accommodation after 18"),
                ],
            ),
            theme(
                "delay_in_actions_from_reviews",
                "Delay in actions from reviews",
                &[
                    ("record_keeping", "Record keeping"),
                    ("actions_not_completed", "Actions not completed"),
                ],
            ),
        ])
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
    /// Why a review's date is asked to move (the request on the child's
    /// page; the due date's rule names it; no measure counts by them).
    DateChangeReasons,
}

impl FormList {
    pub const ALL: [FormList; 6] = [
        FormList::LateReasons,
        FormList::InadequateReasons,
        FormList::ViewsRoutes,
        FormList::LifeStoryForms,
        FormList::CoverReasons,
        FormList::DateChangeReasons,
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
            FormList::DateChangeReasons => "date_change_reasons",
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
            FormList::DateChangeReasons => "Reasons a review's date is changed",
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
            FormList::DateChangeReasons => {
                "The request to change a review's date (the child's page), the requests the IRO service manager decides, and the rule of a due date a request moved"
            }
        }
    }

    /// The measure that breaks down by the list, if one does.
    pub fn measure(self) -> Option<&'static str> {
        match self {
            FormList::LateReasons => Some("reviews.late_by_reason"),
            FormList::InadequateReasons => Some("quality.inadequate_by_reason"),
            FormList::ViewsRoutes => Some("views.by_route"),
            FormList::LifeStoryForms | FormList::CoverReasons | FormList::DateChangeReasons => None,
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
            FormList::DateChangeReasons => {
                CouncilList::of(&crate::model::DateChangeReason::DEFAULTS)
            }
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
    fn challenge_themes_are_two_levels_with_stable_keys() {
        let mut list = ThemeList::default_list();
        assert_eq!(list.check(), vec![]);
        // A flat list of names, as the setting was, still reads: each name
        // a theme keyed by the key its name makes.
        let flat: ThemeList =
            serde_json::from_value(serde_json::json!(["Drift", "Contact", "drift!"])).unwrap();
        let keys: Vec<&str> = flat.0.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["drift", "contact", "drift_2"]);
        // A rename changes the label, not what records hold: a record with
        // the old name still finds its theme, by the key the name makes.
        list.0[0].label = "Care plans".into();
        assert_eq!(list.label("Care planning"), "Care plans");
        assert_eq!(list.key_of("care PLANNING"), "care_planning");
        assert_eq!(
            list.choose("Care Plans", "drift and delay", None),
            Ok(("care_planning".into(), Some("drift_and_delay".into())))
        );
        // The sub-theme must be under the chosen theme.
        assert_eq!(
            list.choose("placement", "drift_and_delay", None),
            Err(ThemeRefusal::SubTheme {
                theme: "Placement".into(),
                sub_theme: "drift_and_delay".into()
            })
        );
        // Retired: off the forms, but a record that holds it keeps it.
        list.0[1].retired = true;
        list.0[0].sub_themes.0[0].retired = true;
        assert_eq!(
            list.choose("placement", "", None),
            Err(ThemeRefusal::Theme("placement".into()))
        );
        assert!(
            list.choose("placement", "", Some(("Placement", None)))
                .is_ok()
        );
        assert!(
            list.choose("care_planning", "drift_and_delay", None)
                .is_err()
        );
        assert_eq!(
            list.choose(
                "care_planning",
                "drift_and_delay",
                Some(("care_planning", Some("drift_and_delay")))
            ),
            Ok(("care_planning".into(), Some("drift_and_delay".into())))
        );
        // A sub-theme held under another theme is not kept under this one.
        assert!(
            list.choose(
                "health",
                "drift_and_delay",
                Some(("care_planning", Some("drift_and_delay")))
            )
            .is_err()
        );
        // The settings screen's themes page: a rename keeps the key and
        // the sub-themes; a new entry is a theme with none; the order is
        // the page's.
        let mut entries = list.themes();
        entries.0[3].label = "Health and wellbeing".into();
        entries.0.swap(0, 3);
        entries.0.push(ListEntry {
            key: "advocacy".into(),
            label: "Advocacy".into(),
            retired: false,
        });
        let renamed = list.with_themes(&entries);
        assert_eq!(renamed.0[0].key, "health");
        assert_eq!(renamed.0[0].label, "Health and wellbeing");
        assert_eq!(renamed.0[0].sub_themes, list.0[3].sub_themes);
        assert_eq!(renamed.0[3].sub_themes, list.0[0].sub_themes);
        assert!(renamed.0.last().is_some_and(|t| t.sub_themes.is_empty()));
        assert_eq!(renamed.check(), vec![]);
        // A record holding the key (or the name from before keys) shows
        // the new label.
        assert_eq!(renamed.label("health"), "Health and wellbeing");
        assert_eq!(renamed.key_of("Health"), "health");
        // A theme's sub-themes are set on their own.
        let subs = CouncilList::of(&[("dental", "Dental health")]);
        let with = renamed.with_sub_themes("health", subs.clone()).unwrap();
        assert_eq!(with.0[0].sub_themes, subs);
        assert_eq!(with.0[1..], renamed.0[1..]);
        assert_eq!(renamed.with_sub_themes("nothing", subs), None);
        // Problems are named by theme and sub-theme.
        list.0[2].sub_themes.0[1].label = "Contact arrangements".into();
        assert_eq!(
            list.check(),
            vec![ThemeProblem::SubTheme(
                3,
                ListProblem::DuplicateLabel(2, "Contact arrangements".into())
            )]
        );
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
    fn a_list_key_is_copy_and_reads_and_writes_as_its_text() {
        const COURT: ListKey = ListKey::of("court");
        let k = ListKey::new("heavy_snow").expect("a key");
        let copied = k;
        assert_eq!((k.as_str(), copied.as_str()), ("heavy_snow", "heavy_snow"));
        assert_eq!(COURT.as_str(), "court");
        assert_eq!(ListKey::new("court"), Some(COURT));
        let longest = "a".repeat(KEY_MAX);
        assert_eq!(
            ListKey::new(&longest).map(|k| k.as_str().len()),
            Some(KEY_MAX)
        );
        for bad in ["", "Heavy snow", "snow!", &"a".repeat(KEY_MAX + 1)] {
            assert_eq!(ListKey::new(bad), None, "{bad:?}");
        }
        assert_eq!(serde_json::to_string(&k).unwrap(), r#""heavy_snow""#);
        assert_eq!(
            serde_json::from_str::<ListKey>(r#""heavy_snow""#).unwrap(),
            k
        );
        assert!(serde_json::from_str::<ListKey>(r#""Heavy Snow""#).is_err());
        assert_eq!(format!("{k} {k:?}"), r#"heavy_snow "heavy_snow""#);
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
