//! The record of a review, written in Footprint: the child's views (and
//! how they were given), the council's template sections (by default the
//! Signs of Safety three columns: what is working well, what we are
//! worried about, what needs to happen), the decisions and recommendations
//! already recorded on the review (with owner and date), who attended, and
//! who the documents go to.
//!
//! The record is a draft until the IRO issues it. Issuing the decisions
//! and issuing the record set the review's own `decisions_issued` and
//! `record_circulated` dates (the fields the measures and the outstanding
//! list read), so the document's status is read from those dates and never
//! held twice. What is still to do for a review ([`outstanding`]) is worked
//! out here for every page that shows it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{AttendeeRole, Review};

/// The longest text a section (or the child's views) may hold.
pub const SECTION_MAX: usize = 20_000;

/// One free-text section of the council's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSection {
    /// A short key kept with the text (`working_well`).
    pub key: String,
    pub heading: String,
    #[serde(default)]
    pub hint: String,
    /// The section the review's decisions and recommendations are listed
    /// under. At most one; with none they follow the sections.
    #[serde(default)]
    pub decisions: bool,
}

/// The council's template for the record (the setting
/// `review_record_template`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordTemplate {
    pub sections: Vec<TemplateSection>,
}

impl Default for RecordTemplate {
    /// Signs of Safety's three columns, as Rotherham's minutes template
    /// sets them out.
    fn default() -> Self {
        let s = |key: &str, heading: &str, hint: &str, decisions: bool| TemplateSection {
            key: key.to_owned(),
            heading: heading.to_owned(),
            hint: hint.to_owned(),
            decisions,
        };
        RecordTemplate {
            sections: vec![
                s(
                    "working_well",
                    "What is working well",
                    "Strengths and safety: what is going well for the child, and who helps.",
                    false,
                ),
                s(
                    "worries",
                    "What are we worried about",
                    "Harm, risks and complicating factors, and what the child is worried about.",
                    false,
                ),
                s(
                    "next_steps",
                    "What needs to happen",
                    "What the review agreed needs to happen next. The decisions recorded on the review are listed under this.",
                    true,
                ),
            ],
        }
    }
}

impl RecordTemplate {
    /// Checks a template: at least one section, keys of lower-case letters,
    /// digits and `_` (1 to 40), each once, a heading (1 to 200
    /// characters), at most one section for the decisions.
    pub fn check(&self) -> Result<(), String> {
        if self.sections.is_empty() {
            return Err("the template needs at least one section".to_owned());
        }
        for (i, s) in self.sections.iter().enumerate() {
            let n = i + 1;
            if s.key.is_empty()
                || s.key.len() > 40
                || !s
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!(
                    "section {n}: the key must be 1 to 40 lower-case letters, digits or _"
                ));
            }
            if self.sections[..i].iter().any(|o| o.key == s.key) {
                return Err(format!("section {n}: the key {:?} is used twice", s.key));
            }
            let h = s.heading.trim().chars().count();
            if h == 0 || h > 200 {
                return Err(format!(
                    "section {n}: the heading must be 1 to 200 characters"
                ));
            }
        }
        if self.sections.iter().filter(|s| s.decisions).count() > 1 {
            return Err("only one section can list the decisions".to_owned());
        }
        Ok(())
    }
}

/// How the child gave their views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewsGiven {
    AtReview,
    MetIroBefore,
    WroteOrDrew,
    Advocate,
    CarerOrWorker,
    PhoneOrVideo,
    DidNotShare,
}

impl ViewsGiven {
    pub const ALL: [ViewsGiven; 7] = [
        ViewsGiven::AtReview,
        ViewsGiven::MetIroBefore,
        ViewsGiven::WroteOrDrew,
        ViewsGiven::Advocate,
        ViewsGiven::CarerOrWorker,
        ViewsGiven::PhoneOrVideo,
        ViewsGiven::DidNotShare,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ViewsGiven::AtReview => "at_review",
            ViewsGiven::MetIroBefore => "met_iro_before",
            ViewsGiven::WroteOrDrew => "wrote_or_drew",
            ViewsGiven::Advocate => "advocate",
            ViewsGiven::CarerOrWorker => "carer_or_worker",
            ViewsGiven::PhoneOrVideo => "phone_or_video",
            ViewsGiven::DidNotShare => "did_not_share",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ViewsGiven::AtReview => "Spoke at the review",
            ViewsGiven::MetIroBefore => "Met the IRO before the review",
            ViewsGiven::WroteOrDrew => "Wrote or drew something, or filled in a form",
            ViewsGiven::Advocate => "Through an advocate",
            ViewsGiven::CarerOrWorker => "Through their carer or social worker",
            ViewsGiven::PhoneOrVideo => "By phone or video call",
            ViewsGiven::DidNotShare => "Did not want to share their views",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == s)
    }
}

/// Who the documents are sent to, by role (no names: business support sees
/// the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "role")]
pub enum Recipient {
    Child,
    Role(AttendeeRole),
}

impl Recipient {
    /// Every recipient: the child, then the roles that attend reviews.
    pub fn all() -> Vec<Recipient> {
        std::iter::once(Recipient::Child)
            .chain(AttendeeRole::ALL.into_iter().map(Recipient::Role))
            .collect()
    }

    pub fn key(self) -> &'static str {
        match self {
            Recipient::Child => "child",
            Recipient::Role(r) => r.key(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Recipient::Child => "The child",
            Recipient::Role(r) => r.label(),
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        if s == "child" {
            Some(Recipient::Child)
        } else {
            AttendeeRole::from_key(s).map(Recipient::Role)
        }
    }
}

/// The text of one template section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionText {
    pub key: String,
    /// The heading as the template had it when written (a later change of
    /// template does not rename a record written before).
    pub heading: String,
    pub text: String,
    #[serde(default)]
    pub decisions: bool,
}

/// The record of one review as the IRO writes it. The decisions and
/// recommendations, who attended by role, and the issue dates are the
/// review's own (not copied here).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub child_views: String,
    pub views_given: Vec<ViewsGiven>,
    pub sections: Vec<SectionText>,
    /// Who attended, in words (names and roles, one a line).
    pub attendees: String,
    /// Who the decisions and the record are sent to.
    pub send_to: Vec<Recipient>,
}

impl ReviewRecord {
    /// A blank record with the template's sections, sent by default to the
    /// child, the social worker and the carer.
    pub fn blank(template: &RecordTemplate) -> Self {
        ReviewRecord {
            sections: template
                .sections
                .iter()
                .map(|s| SectionText {
                    key: s.key.clone(),
                    heading: s.heading.clone(),
                    text: String::new(),
                    decisions: s.decisions,
                })
                .collect(),
            send_to: vec![
                Recipient::Child,
                Recipient::Role(AttendeeRole::SocialWorker),
                Recipient::Role(AttendeeRole::Carer),
            ],
            ..ReviewRecord::default()
        }
    }

    /// This record laid out by `template`: the template's sections in its
    /// order (text kept by key), then any section the record holds that the
    /// template no longer has (nothing written is dropped).
    pub fn with_template(&self, template: &RecordTemplate) -> Self {
        let mut out = ReviewRecord {
            sections: Vec::new(),
            ..self.clone()
        };
        for t in &template.sections {
            let held = self.sections.iter().find(|s| s.key == t.key);
            out.sections.push(SectionText {
                key: t.key.clone(),
                heading: held.map_or_else(|| t.heading.clone(), |h| h.heading.clone()),
                text: held.map(|h| h.text.clone()).unwrap_or_default(),
                decisions: t.decisions,
            });
        }
        for s in &self.sections {
            if !template.sections.iter().any(|t| t.key == s.key) && !s.text.trim().is_empty() {
                out.sections.push(s.clone());
            }
        }
        out
    }

    /// The parts that differ from `other`, by name (for a version and the
    /// audit log: never the text).
    pub fn changed_parts(&self, other: &ReviewRecord) -> Vec<String> {
        let mut out = Vec::new();
        if self.child_views != other.child_views {
            out.push("child_views".to_owned());
        }
        if self.views_given != other.views_given {
            out.push("views_given".to_owned());
        }
        let keys = self
            .sections
            .iter()
            .chain(&other.sections)
            .map(|s| s.key.as_str());
        let mut seen: Vec<&str> = Vec::new();
        for k in keys {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
            let text = |r: &ReviewRecord| {
                r.sections
                    .iter()
                    .find(|s| s.key == k)
                    .map_or(String::new(), |s| s.text.clone())
            };
            let (a, b) = (text(self), text(other));
            if a != b {
                out.push(k.to_owned());
            }
        }
        if self.attendees != other.attendees {
            out.push("attendees".to_owned());
        }
        if self.send_to != other.send_to {
            out.push("send_to".to_owned());
        }
        out
    }

    /// What must be written before the record is issued, in words.
    pub fn missing(&self, review: &Review) -> Vec<String> {
        let mut out = Vec::new();
        let shared = !self.views_given.contains(&ViewsGiven::DidNotShare);
        if shared && self.child_views.trim().is_empty() {
            out.push("the child's views".to_owned());
        }
        if self.views_given.is_empty() {
            out.push("how the child gave their views".to_owned());
        }
        for s in &self.sections {
            if s.text.trim().is_empty() {
                out.push(format!("\u{201c}{}\u{201d}", s.heading));
            }
        }
        let roles = review
            .details
            .as_ref()
            .is_some_and(|d| !d.attendance.is_empty());
        if self.attendees.trim().is_empty() && !roles {
            out.push("who attended".to_owned());
        }
        if self.send_to.is_empty() {
            out.push("who the record is sent to".to_owned());
        }
        out
    }

    /// Checks the lengths of what was written; the message names the part.
    pub fn check(&self) -> Result<(), String> {
        let long = |t: &str| t.chars().count() > SECTION_MAX;
        if long(&self.child_views) {
            return Err("The child's views must be 20,000 characters or fewer".to_owned());
        }
        for s in &self.sections {
            if long(&s.text) {
                return Err(format!(
                    "\u{201c}{}\u{201d} must be 20,000 characters or fewer",
                    s.heading
                ));
            }
        }
        if long(&self.attendees) {
            return Err("Who attended must be 20,000 characters or fewer".to_owned());
        }
        Ok(())
    }
}

/// What is issued: the decisions (within 5 working days) or the full record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Decisions,
    Record,
}

impl Part {
    pub fn key(self) -> &'static str {
        match self {
            Part::Decisions => "decisions",
            Part::Record => "record",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        match s {
            "decisions" => Some(Part::Decisions),
            "record" => Some(Part::Record),
            _ => None,
        }
    }

    /// The review's date this part sets when issued.
    pub fn issued(self, review: &Review) -> Option<NaiveDate> {
        review.details.as_ref().and_then(|d| match self {
            Part::Decisions => d.decisions_issued,
            Part::Record => d.record_circulated,
        })
    }
}

/// Where a review's record stands, read from the review's own dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Nothing written in Footprint.
    NotStarted,
    Draft,
    /// The decisions went out on this day; the record is a draft.
    DecisionsIssued(NaiveDate),
    /// The record went out (and the decisions) on these days.
    Issued {
        decisions: Option<NaiveDate>,
        record: NaiveDate,
    },
}

impl RecordStatus {
    /// The status of `review` with or without a record written.
    pub fn of(review: &Review, written: bool) -> Self {
        match (
            Part::Decisions.issued(review),
            Part::Record.issued(review),
            written,
        ) {
            (d, Some(r), _) => RecordStatus::Issued {
                decisions: d,
                record: r,
            },
            (Some(d), None, _) => RecordStatus::DecisionsIssued(d),
            (None, None, true) => RecordStatus::Draft,
            (None, None, false) => RecordStatus::NotStarted,
        }
    }

    pub fn label(&self) -> String {
        let day = |d: &NaiveDate| d.format("%-d %b %Y").to_string();
        match self {
            RecordStatus::NotStarted => "Not started".to_owned(),
            RecordStatus::Draft => "Draft".to_owned(),
            RecordStatus::DecisionsIssued(d) => {
                format!("Decisions issued {}; record in draft", day(d))
            }
            RecordStatus::Issued {
                decisions: Some(d),
                record,
            } => format!("Decisions issued {}; record issued {}", day(d), day(record)),
            RecordStatus::Issued {
                decisions: None,
                record,
            } => format!("Record issued {}", day(record)),
        }
    }
}

/// Why a part cannot be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("the review's details are not recorded in Footprint: record the review first")]
    NoDetails,
    #[error("write the record first")]
    NotWritten,
    #[error("the {0} were already issued on {1}")]
    AlreadyIssued(&'static str, NaiveDate),
    #[error(
        "record the decisions (the recommendations, with who and by when) on the review before issuing them"
    )]
    NoDecisions,
    #[error("issue the decisions before the record")]
    DecisionsFirst,
    #[error("write {} before issuing the record", join_words(.0))]
    Missing(Vec<String>),
    #[error("the {0} cannot be issued before the review")]
    BeforeReview(&'static str),
}

fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Part {
    fn noun(self) -> &'static str {
        match self {
            Part::Decisions => "decisions",
            Part::Record => "record",
        }
    }
}

/// Checks that `part` of `review`'s record may be issued on `on`: the
/// decisions when the review holds at least one recommendation; the record
/// when the decisions are out and nothing required is blank. Each only
/// once (a later change is a correction of the review, saying why).
pub fn check_issue(
    part: Part,
    review: &Review,
    record: Option<&ReviewRecord>,
    on: NaiveDate,
) -> Result<(), IssueError> {
    let Some(details) = review.details.as_ref() else {
        return Err(IssueError::NoDetails);
    };
    let Some(record) = record else {
        return Err(IssueError::NotWritten);
    };
    if let Some(d) = part.issued(review) {
        return Err(IssueError::AlreadyIssued(
            if part == Part::Decisions {
                "decisions"
            } else {
                "record"
            },
            d,
        ));
    }
    if on < review.date {
        return Err(IssueError::BeforeReview(part.noun()));
    }
    match part {
        Part::Decisions => {
            if details.recommendations.is_empty() {
                return Err(IssueError::NoDecisions);
            }
        }
        Part::Record => {
            if details.decisions_issued.is_none() {
                return Err(IssueError::DecisionsFirst);
            }
            let missing = record.missing(review);
            if !missing.is_empty() {
                return Err(IssueError::Missing(missing));
            }
        }
    }
    Ok(())
}

/// A document the circulation list records as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    Decisions,
    Record,
    Letter,
}

impl Document {
    pub const ALL: [Document; 3] = [Document::Decisions, Document::Record, Document::Letter];

    pub fn key(self) -> &'static str {
        match self {
            Document::Decisions => "decisions",
            Document::Record => "record",
            Document::Letter => "letter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Document::Decisions => "Decisions",
            Document::Record => "Record",
            Document::Letter => "Letter to the child",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How a document went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentBy {
    Post,
    SecureEmail,
    ByHand,
}

impl SentBy {
    pub const ALL: [SentBy; 3] = [SentBy::Post, SentBy::SecureEmail, SentBy::ByHand];

    pub fn key(self) -> &'static str {
        match self {
            SentBy::Post => "post",
            SentBy::SecureEmail => "secure_email",
            SentBy::ByHand => "by_hand",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SentBy::Post => "Post",
            SentBy::SecureEmail => "Secure email",
            SentBy::ByHand => "By hand",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }
}

/// One sending of a document to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub document: Document,
    pub recipient: Recipient,
    pub how: SentBy,
    pub on: NaiveDate,
}

/// The documents of one review still to send: each issued part (the
/// decisions, the record) to each recipient on the record's list with no
/// sending recorded. The letter is not on it: the IRO decides when a child
/// gets one.
pub fn to_send(
    review: &Review,
    send_to: &[Recipient],
    sent: &[Sent],
) -> Vec<(Document, Recipient)> {
    let mut out = Vec::new();
    for (part, doc) in [
        (Part::Decisions, Document::Decisions),
        (Part::Record, Document::Record),
    ] {
        if part.issued(review).is_none() {
            continue;
        }
        for &r in send_to {
            if !sent.iter().any(|s| s.document == doc && s.recipient == r) {
                out.push((doc, r));
            }
        }
    }
    out
}

/// What is still to do for a review's record, in words, for the record's
/// page and the outstanding list.
pub fn outstanding(review: &Review, record: Option<&ReviewRecord>, sent: &[Sent]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(details) = review.details.as_ref() else {
        return out;
    };
    let Some(record) = record else {
        if details.decisions_issued.is_none() || details.record_circulated.is_none() {
            out.push("Write the record".to_owned());
        }
        return out;
    };
    if details.decisions_issued.is_none() {
        if details.recommendations.is_empty() {
            out.push("Record the decisions on the review".to_owned());
        }
        out.push("Issue the decisions".to_owned());
    }
    if details.record_circulated.is_none() {
        let missing = record.missing(review);
        if !missing.is_empty() {
            out.push(format!("Write {}", join_words(&missing)));
        }
        out.push("Issue the record".to_owned());
    }
    for (doc, r) in to_send(review, &record.send_to, sent) {
        out.push(format!(
            "Send the {} to {}",
            doc.label().to_lowercase(),
            r.label().to_lowercase()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Recommendation, ReviewDetails};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn review(recs: usize) -> Review {
        Review {
            child: "K1".parse().unwrap(),
            date: d("2025-03-03"),
            participation: None,
            details: Some(ReviewDetails {
                recommendations: (0..recs)
                    .map(|i| Recommendation {
                        text: format!("Action {i}"),
                        owner: "Social worker".into(),
                        due: d("2025-04-01"),
                        completed: None,
                    })
                    .collect(),
                ..ReviewDetails::default()
            }),
        }
    }

    fn written() -> ReviewRecord {
        let mut r = ReviewRecord::blank(&RecordTemplate::default());
        r.child_views = "Likes school".into();
        r.views_given = vec![ViewsGiven::AtReview];
        for s in &mut r.sections {
            s.text = "Something".into();
        }
        r.attendees = "Carer".into();
        r
    }

    #[test]
    fn the_default_template_is_signs_of_safety() {
        let t = RecordTemplate::default();
        let headings: Vec<&str> = t.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "What is working well",
                "What are we worried about",
                "What needs to happen"
            ]
        );
        assert!(t.check().is_ok());
        let mut bad = t.clone();
        bad.sections[1].key = "working_well".into();
        assert!(bad.check().unwrap_err().contains("twice"));
        bad.sections[1].key = "Bad Key".into();
        assert!(bad.check().unwrap_err().contains("section 2"));
        assert!(RecordTemplate { sections: vec![] }.check().is_err());
    }

    #[test]
    fn issuing_goes_decisions_then_record_once_each() {
        let on = d("2025-03-05");
        let mut r = review(1);
        let rec = written();
        assert_eq!(
            check_issue(Part::Decisions, &r, None, on),
            Err(IssueError::NotWritten)
        );
        assert_eq!(
            check_issue(Part::Record, &r, Some(&rec), on),
            Err(IssueError::DecisionsFirst)
        );
        assert_eq!(
            check_issue(Part::Decisions, &review(0), Some(&rec), on),
            Err(IssueError::NoDecisions)
        );
        assert_eq!(
            check_issue(Part::Decisions, &r, Some(&rec), d("2025-03-02")),
            Err(IssueError::BeforeReview("decisions"))
        );
        assert_eq!(check_issue(Part::Decisions, &r, Some(&rec), on), Ok(()));
        r.details.as_mut().unwrap().decisions_issued = Some(on);
        assert_eq!(
            RecordStatus::of(&r, true),
            RecordStatus::DecisionsIssued(on)
        );
        assert_eq!(
            check_issue(Part::Decisions, &r, Some(&rec), on),
            Err(IssueError::AlreadyIssued("decisions", on))
        );
        let mut blank_bits = rec.clone();
        blank_bits.child_views.clear();
        blank_bits.sections[1].text = " ".into();
        let err = check_issue(Part::Record, &r, Some(&blank_bits), on).unwrap_err();
        assert_eq!(
            err.to_string(),
            "write the child's views and \u{201c}What are we worried about\u{201d} before issuing the record"
        );
        assert_eq!(check_issue(Part::Record, &r, Some(&rec), on), Ok(()));
        r.details.as_mut().unwrap().record_circulated = Some(on);
        assert_eq!(
            RecordStatus::of(&r, true).label(),
            "Decisions issued 5 Mar 2025; record issued 5 Mar 2025"
        );
    }

    #[test]
    fn a_child_who_did_not_share_needs_no_views_written() {
        let mut rec = written();
        rec.child_views.clear();
        rec.views_given = vec![ViewsGiven::DidNotShare];
        assert!(rec.missing(&review(1)).is_empty());
    }

    #[test]
    fn outstanding_lists_each_step_then_each_sending() {
        let rec = written();
        let mut r = review(1);
        assert_eq!(outstanding(&r, None, &[]), ["Write the record"]);
        assert_eq!(
            outstanding(&r, Some(&rec), &[]),
            ["Issue the decisions", "Issue the record"]
        );
        r.details.as_mut().unwrap().decisions_issued = Some(d("2025-03-05"));
        let left = outstanding(&r, Some(&rec), &[]);
        assert_eq!(left[0], "Issue the record");
        assert_eq!(left[1], "Send the decisions to the child");
        assert_eq!(left.len(), 4, "{left:?}");
        let sent: Vec<Sent> = rec
            .send_to
            .iter()
            .map(|&recipient| Sent {
                document: Document::Decisions,
                recipient,
                how: SentBy::Post,
                on: d("2025-03-06"),
            })
            .collect();
        assert_eq!(outstanding(&r, Some(&rec), &sent), ["Issue the record"]);
    }

    #[test]
    fn a_changed_template_keeps_what_was_written() {
        let rec = written();
        let mut t = RecordTemplate::default();
        t.sections.remove(0);
        t.sections.push(TemplateSection {
            key: "safety".into(),
            heading: "Safety goals".into(),
            hint: String::new(),
            decisions: false,
        });
        let laid = rec.with_template(&t);
        let keys: Vec<&str> = laid.sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["worries", "next_steps", "safety", "working_well"]);
        assert_eq!(
            laid.changed_parts(&rec),
            Vec::<String>::new(),
            "nothing written changed"
        );
        let mut edited = rec.clone();
        edited.sections[0].text = "More".into();
        edited.send_to.pop();
        assert_eq!(edited.changed_parts(&rec), ["working_well", "send_to"]);
    }
}
