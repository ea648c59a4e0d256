//! The letter to the child after their review: drafted from the record in
//! plain words, written to the child ("Dear Amira, at your review on
//! 3 March 2025 we talked about…"), for the IRO to edit. There is a
//! version for younger children: shorter sentences, fewer parts. The
//! reading-age check is [`crate::readability`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Review;
use crate::review_record::{ReviewRecord, ViewsGiven};

/// Who the letter is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Standard,
    /// Younger children: short sentences and only the main parts.
    Younger,
}

impl Audience {
    pub fn key(self) -> &'static str {
        match self {
            Audience::Standard => "standard",
            Audience::Younger => "younger",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Standard => "Letter",
            Audience::Younger => "Letter for a younger child",
        }
    }

    pub fn from_key(s: &str) -> Option<Self> {
        match s {
            "standard" => Some(Audience::Standard),
            "younger" => Some(Audience::Younger),
            _ => None,
        }
    }

    /// The reading age a letter for this audience should not go over, for
    /// a child of `age` (years): the child's own age, and for a younger
    /// child's letter no more than 8.
    pub fn target_reading_age(self, age: u32) -> u32 {
        match self {
            Audience::Standard => age.clamp(7, 14),
            Audience::Younger => age.clamp(5, 8),
        }
    }
}

/// A letter as the IRO last saved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub audience: Audience,
    pub text: String,
}

/// The longest letter.
pub const LETTER_MAX: usize = 20_000;

/// What a letter is drafted from.
#[derive(Debug, Clone, Copy)]
pub struct LetterFacts<'a> {
    /// The child's given name as recorded; `None` leaves a gap to fill.
    pub given_name: Option<&'a str>,
    pub review: &'a Review,
    pub record: &'a ReviewRecord,
    /// The IRO who chaired the review.
    pub iro_name: Option<&'a str>,
    /// When the next review is due, where known.
    pub next_review: Option<NaiveDate>,
}

/// The plain-words heading for a section of the default template, else
/// the template's heading.
fn child_heading(key: &str, heading: &str, audience: Audience) -> String {
    match (key, audience) {
        ("working_well", Audience::Standard) => "What is going well".to_owned(),
        ("working_well", Audience::Younger) => "Good things".to_owned(),
        ("worries", Audience::Standard) => "What we are worried about".to_owned(),
        ("worries", Audience::Younger) => "Things we want to make better".to_owned(),
        ("next_steps", Audience::Standard) => "What will happen next".to_owned(),
        ("next_steps", Audience::Younger) => "What will happen next".to_owned(),
        _ => heading.to_owned(),
    }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A first draft of the letter, for the IRO to edit.
pub fn draft(facts: &LetterFacts<'_>, audience: Audience) -> String {
    let name = facts.given_name.unwrap_or("[child's name]");
    let iro = facts.iro_name.unwrap_or("[your IRO's name]");
    let record = facts.record;
    let recs = facts
        .review
        .details
        .as_ref()
        .map(|d| d.recommendations.as_slice())
        .unwrap_or(&[]);
    let mut out = format!("Dear {name},\n\n");
    let did_not_share = record.views_given.contains(&ViewsGiven::DidNotShare);
    let views = record.child_views.trim();
    match audience {
        Audience::Standard => {
            out.push_str(&format!(
                "At your review on {} we talked about how things are going for you and what needs to happen next. This letter tells you what we talked about and what we agreed.\n\n",
                long_date(facts.review.date)
            ));
            out.push_str("What you told us\n");
            if did_not_share || views.is_empty() {
                out.push_str("You did not want to share your views this time. That is fine. You can tell me what you think at any time.\n\n");
            } else {
                out.push_str(&format!("{views}\n\n"));
            }
        }
        Audience::Younger => {
            out.push_str(&format!(
                "I am {iro}. I help check that you are safe and happy.\n\nWe had a meeting about you on {}.\n\n",
                facts.review.date.format("%-d %B")
            ));
            if did_not_share || views.is_empty() {
                out.push_str(
                    "You did not want to tell us what you think this time. That is OK.\n\n",
                );
            } else {
                out.push_str(&format!("You told us: {views}\n\n"));
            }
        }
    }
    let mut listed = false;
    for s in &record.sections {
        let text = s.text.trim();
        let lists_decisions = s.decisions && !recs.is_empty();
        if text.is_empty() && !lists_decisions {
            continue;
        }
        out.push_str(&child_heading(&s.key, &s.heading, audience));
        out.push('\n');
        if !text.is_empty() {
            out.push_str(text);
            out.push('\n');
        }
        if s.decisions {
            decisions(&mut out, recs, audience);
            listed = true;
        }
        out.push('\n');
    }
    if !listed && !recs.is_empty() {
        out.push_str("What will happen next\n");
        decisions(&mut out, recs, audience);
        out.push('\n');
    }
    match (audience, facts.next_review) {
        (Audience::Standard, Some(next)) => out.push_str(&format!(
            "Your next review will be by {}.\n\n",
            long_date(next)
        )),
        (Audience::Younger, Some(next)) => out.push_str(&format!(
            "We will meet again by {}.\n\n",
            next.format("%-d %B")
        )),
        _ => {}
    }
    match audience {
        Audience::Standard => out.push_str(
            "If you want to talk to me about anything in this letter, ask your carer or social worker to help you get in touch with me.\n\n",
        ),
        Audience::Younger => out.push_str("You can ask your carer to help you talk to me.\n\n"),
    }
    out.push_str(&format!("From {iro}\n"));
    if audience == Audience::Standard {
        out.push_str("Your Independent Reviewing Officer\n");
    }
    out
}

fn decisions(out: &mut String, recs: &[crate::model::Recommendation], audience: Audience) {
    for r in recs {
        let text = r.text.trim().trim_end_matches('.');
        match audience {
            Audience::Standard => out.push_str(&format!(
                "- {text}. {} will do this by {}.\n",
                r.owner.trim(),
                long_date(r.due)
            )),
            Audience::Younger => out.push_str(&format!("- {text}.\n")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Recommendation, ReviewDetails};
    use crate::readability::readability;
    use crate::review_record::RecordTemplate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts_parts() -> (Review, ReviewRecord) {
        let review = Review {
            child: "K1".parse().unwrap(),
            date: d("2025-03-03"),
            participation: None,
            details: Some(ReviewDetails {
                recommendations: vec![Recommendation {
                    text: "Book a dentist visit".into(),
                    owner: "Your carer".into(),
                    due: d("2025-04-30"),
                    completed: None,
                }],
                ..ReviewDetails::default()
            }),
        };
        let mut record = ReviewRecord::blank(&RecordTemplate::default());
        record.child_views = "You like your school and you want to see your brother more.".into();
        record.views_given = vec![ViewsGiven::MetIroBefore];
        record.sections[0].text = "You have settled well with your carers.".into();
        (review, record)
    }

    #[test]
    fn the_letter_is_written_to_the_child_from_the_record() {
        let (review, record) = facts_parts();
        let facts = LetterFacts {
            given_name: Some("Amira"),
            review: &review,
            record: &record,
            iro_name: Some("Sam Sample"),
            next_review: Some(d("2025-09-03")),
        };
        let letter = draft(&facts, Audience::Standard);
        assert!(
            letter.starts_with("Dear Amira,\n\nAt your review on 3 March 2025 we talked about"),
            "{letter}"
        );
        assert!(letter.contains("You like your school"));
        assert!(letter.contains("What is going well\nYou have settled well"));
        assert!(
            letter.contains("- Book a dentist visit. Your carer will do this by 30 April 2025.")
        );
        assert!(letter.contains("Your next review will be by 3 September 2025."));
        assert!(
            !letter.contains("What we are worried about"),
            "empty part left out"
        );

        let younger = draft(&facts, Audience::Younger);
        assert!(younger.contains("We had a meeting about you on 3 March."));
        assert!(younger.contains("Good things\n"));
        let (a, b) = (
            readability(&letter).unwrap(),
            readability(&younger).unwrap(),
        );
        assert!(b.reading_age() <= a.reading_age(), "{a:?} {b:?}");
        assert!(b.reading_age() <= Audience::Younger.target_reading_age(6) + 1);
    }

    #[test]
    fn without_a_name_or_views_the_gaps_are_plain() {
        let (review, mut record) = facts_parts();
        record.child_views.clear();
        record.views_given = vec![ViewsGiven::DidNotShare];
        let facts = LetterFacts {
            given_name: None,
            review: &review,
            record: &record,
            iro_name: None,
            next_review: None,
        };
        let letter = draft(&facts, Audience::Standard);
        assert!(letter.starts_with("Dear [child's name],"));
        assert!(letter.contains("You did not want to share your views this time."));
        assert!(letter.contains("From [your IRO's name]"));
    }
}
