//! How easy a text is to read: the Flesch reading ease and the
//! Flesch–Kincaid grade level, with a reading age from the grade, for the
//! check on a letter to a child. Our own small function (no well-kept
//! crate does it): words, sentences and syllables are counted by the usual
//! rules of thumb, so scores are close to, not always equal to, other
//! tools'.
//!
//! - reading ease = 206.835 − 1.015 × (words ÷ sentences) − 84.6 × (syllables ÷ words)
//! - grade level  = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59
//! - reading age  = grade level + 5 (a US school grade is the year a child
//!   of that grade plus five or six years old is in).

use serde::Serialize;

/// The counts and scores of a text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    /// Flesch reading ease: higher is easier; 60 to 70 is plain English,
    /// 90 and over is easy for an 11-year-old.
    pub reading_ease: f64,
    /// Flesch–Kincaid grade level (a US school grade).
    pub grade: f64,
}

impl Readability {
    /// The reading age in years, to the nearest year: the grade plus five,
    /// never below 5.
    pub fn reading_age(&self) -> u32 {
        let age = (self.grade + 5.0).round();
        if age.is_finite() && age > 5.0 {
            age as u32
        } else {
            5
        }
    }

    /// Plain words for the reading ease, as the Flesch scale names its bands.
    pub fn ease_label(&self) -> &'static str {
        match self.reading_ease {
            x if x >= 90.0 => "very easy",
            x if x >= 80.0 => "easy",
            x if x >= 70.0 => "fairly easy",
            x if x >= 60.0 => "plain English",
            x if x >= 50.0 => "fairly hard",
            x if x >= 30.0 => "hard",
            _ => "very hard",
        }
    }
}

/// The scores of `text`; `None` when it has no words.
pub fn readability(text: &str) -> Option<Readability> {
    let words: Vec<&str> = words(text).collect();
    if words.is_empty() {
        return None;
    }
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let sentences = sentences(text).max(1);
    let w = words.len() as f64;
    let per_sentence = w / sentences as f64;
    let per_word = syllables as f64 / w;
    Some(Readability {
        words: words.len(),
        sentences,
        syllables,
        reading_ease: 206.835 - 1.015 * per_sentence - 84.6 * per_word,
        grade: 0.39 * per_sentence + 11.8 * per_word - 15.59,
    })
}

/// The words of a text: runs of letters, digits and apostrophes (a
/// hyphenated word is its parts).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Sentences: each run of `.`, `!` or `?` ends one, and so does a line
/// with words that ends without one (a greeting, a list item, a heading).
fn sentences(text: &str) -> usize {
    let mut n = 0;
    for line in text.lines() {
        let mut words_since_end = false;
        let mut in_terminator = false;
        for c in line.chars() {
            if matches!(c, '.' | '!' | '?') {
                if words_since_end && !in_terminator {
                    n += 1;
                    words_since_end = false;
                }
                in_terminator = true;
            } else {
                if c.is_alphanumeric() {
                    words_since_end = true;
                }
                if !c.is_whitespace() && !matches!(c, '"' | '\'' | ')' | '’' | '”') {
                    in_terminator = false;
                }
            }
        }
        if words_since_end {
            n += 1;
        }
    }
    n
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The syllables of one word by rules of thumb: groups of vowels (y is a
/// vowel after the first letter), less a silent final e (not "-le" after a
/// consonant), a silent "-ed" (not after t or d) and a silent "-es" (not
/// after s, x, z, c, g, ch or sh), plus one for "-ing" after a vowel
/// ("be-ing"). At least one; a number counts as one.
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return 1;
    }
    if w.len() <= 3 {
        return 1;
    }
    let mut groups = 0;
    let mut previous_vowel = false;
    for (i, &c) in w.iter().enumerate() {
        let vowel = is_vowel(c) && !(c == 'y' && i == 0);
        if vowel && !previous_vowel {
            groups += 1;
        }
        previous_vowel = vowel;
    }
    let n = w.len();
    let ends = |s: &str| {
        let s: Vec<char> = s.chars().collect();
        n >= s.len() && w[n - s.len()..] == s[..]
    };
    let before = |k: usize| if n > k { Some(w[n - 1 - k]) } else { None };
    if ends("e") && !ends("ee") && !ends("ye") {
        let le_after_consonant = ends("le") && before(2).is_some_and(|c| !is_vowel(c));
        if !le_after_consonant && before(1).is_some_and(|c| !is_vowel(c)) {
            groups -= 1;
        }
    } else if ends("ed") {
        if before(2).is_some_and(|c| !matches!(c, 't' | 'd') && !is_vowel(c)) && before(3).is_some()
        {
            groups -= 1;
        }
    } else if ends("es")
        && before(2).is_some_and(|c| !matches!(c, 's' | 'x' | 'z' | 'c' | 'g') && !is_vowel(c))
        && !ends("ches")
        && !ends("shes")
    {
        groups -= 1;
    }
    if ends("ing") && before(3).is_some_and(is_vowel) {
        groups += 1;
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.05
    }

    /// The examples Wikipedia's article "Flesch–Kincaid readability tests"
    /// publishes: "The cat sat on the mat." scores 116 for reading ease;
    /// "This sentence, taken as a reading passage unto itself, is being
    /// used to prove a point." scores 69; "The Australian platypus is
    /// seemingly a hybrid of a mammal and reptilian creature." is grade
    /// 11.3, with 24 syllables and 13 words.
    #[test]
    fn the_published_examples_score_as_published() {
        let cat = readability("The cat sat on the mat.").unwrap();
        assert_eq!((cat.words, cat.sentences, cat.syllables), (6, 1, 6));
        assert_eq!(cat.reading_ease.round(), 116.0);

        let point = readability(
            "This sentence, taken as a reading passage unto itself, is being used to prove a point.",
        )
        .unwrap();
        assert_eq!((point.words, point.syllables), (16, 23));
        assert_eq!(point.reading_ease.round(), 69.0);

        let platypus = readability(
            "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
        )
        .unwrap();
        assert_eq!((platypus.words, platypus.syllables), (13, 24));
        assert!(close(platypus.grade, 11.3), "{}", platypus.grade);
    }

    #[test]
    fn syllables_follow_the_rules_of_thumb() {
        for (word, n) in [
            ("cat", 1),
            ("table", 2),
            ("sentence", 2),
            ("used", 1),
            ("wanted", 2),
            ("makes", 1),
            ("passes", 2),
            ("being", 2),
            ("going", 2),
            ("seemingly", 3),
            ("review", 2),
            ("happen", 2),
            ("free", 1),
            ("Amira's", 3),
            ("7", 1),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn lines_without_a_full_stop_are_sentences() {
        let r = readability(
            "Dear Amira,\nWe met on 3 March. You told me you like school!\n- Go to the dentist\n",
        )
        .unwrap();
        assert_eq!(r.sentences, 4);
        assert_eq!(readability("  \n ... "), None);
    }

    #[test]
    fn easier_text_has_a_lower_reading_age() {
        let easy = readability("We met. You were happy. We will meet again.").unwrap();
        let hard = readability(
            "The independent reviewing officer considered the appropriateness of the arrangements \
             for contact, notwithstanding the recommendations of the multi-agency professionals.",
        )
        .unwrap();
        assert!(easy.reading_age() < hard.reading_age());
        assert!(easy.reading_ease > 90.0, "{}", easy.reading_ease);
        assert_eq!(easy.ease_label(), "very easy");
        assert_eq!(hard.ease_label(), "very hard");
        assert!(hard.reading_age() > 16);
    }
}
