//! The one rule for a new password, as the NCSC advises ("Password
//! administration for system owners"): a minimum length, a deny-list of the
//! most common passwords, and no composition rules (no demand for capitals,
//! digits or symbols). The web pages (adding a user, resetting and changing a
//! password) and the `footprint user` commands all call [`check`].
//!
//! - At least [`MIN_LENGTH`] characters, not counting spaces at either end:
//!   long enough for three random words, the NCSC's advice for a password
//!   people can remember, and out of reach of guessing behind the sign-in
//!   throttle. At most [`MAX_LENGTH`], which bounds the hashing work.
//! - Not on the deny-list (`data/common-passwords.txt`, its source and
//!   licence in `data/NOTICE.md`), compared without regard to case, and not
//!   a password on it with digits or symbols added at the end
//!   (`password1234`, `Qwerty123!`).
//! - Not the same few characters over and over (`aaaaaaaaaaaa`, twelve
//!   spaces) or a run (`123456789012`, `abcdefghijkl`), and not containing
//!   the username.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The shortest password accepted (characters, not counting spaces at
/// either end). See the module documentation and docs/web.md for why.
pub const MIN_LENGTH: usize = 12;
/// The longest password accepted.
pub const MAX_LENGTH: usize = 256;

/// Why a password is refused. Its message is shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("Enter a password of at least 12 characters (spaces at the start or end do not count)")]
    TooShort,
    #[error("Enter a password of 256 characters or fewer")]
    TooLong,
    #[error(
        "Enter a password that is not the same few characters repeated or a run like 123456789"
    )]
    Repetitive,
    #[error("Enter a password that is not one of the most common passwords")]
    Common,
    #[error("Enter a password that does not contain the username")]
    ContainsUsername,
}

const DENY_LIST: &str = include_str!("../data/common-passwords.txt");

fn deny_list() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        DENY_LIST
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Whether `password` is on the deny-list, or is one with digits or symbols
/// added at the end.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let list = deny_list();
    if list.contains(lower.as_str()) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    stem.chars().count() >= 4 && list.contains(stem)
}

/// Too few different characters, or every step one up (or one down).
fn is_repetitive(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let distinct: HashSet<char> = chars.iter().copied().collect();
    if distinct.len() < 4 {
        return true;
    }
    let step = |a: char, b: char| -> i64 {
        // "…7890…" runs on through the zero.
        if a == '9' && b == '0' {
            1
        } else if a == '0' && b == '9' {
            -1
        } else {
            i64::from(u32::from(b)) - i64::from(u32::from(a))
        }
    };
    let steps: Vec<i64> = chars.windows(2).map(|w| step(w[0], w[1])).collect();
    steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1)
}

/// Checks a new password for the user `username`: the one rule for every
/// password Footprint accepts (see the module documentation).
pub fn check(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let counted = password.trim_matches(char::is_whitespace);
    let length = counted.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if password.chars().count() > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    if is_repetitive(counted) {
        return Err(PasswordProblem::Repetitive);
    }
    if is_common(counted) {
        return Err(PasswordProblem::Common);
    }
    let name = username.trim().to_lowercase();
    if name.chars().count() >= 3 && counted.to_lowercase().contains(&name) {
        return Err(PasswordProblem::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_spaces_and_password1234_are_refused() {
        assert_eq!(check("            ", "ada"), Err(PasswordProblem::TooShort));
        assert_eq!(check("password1234", "ada"), Err(PasswordProblem::Common));
    }

    #[test]
    fn the_rule_is_length_and_the_deny_list_not_composition() {
        // Lower case words alone are fine: no capitals, digits or symbols asked for.
        assert_eq!(check("correct horse battery staple", "ada"), Ok(()));
        assert_eq!(check("kettlemarigoldtrain", "ada"), Ok(()));
        assert_eq!(check("short", "ada"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check("   elevenchar   ", "ada"),
            Err(PasswordProblem::TooShort),
            "spaces at the ends do not count"
        );
        assert_eq!(
            check(&"x".repeat(257), "ada"),
            Err(PasswordProblem::TooLong)
        );
        for common in [
            "Password1234",
            "PASSWORD1234!",
            "qwertyuiop123",
            "1q2w3e4r5t6y",
            "iloveyou12345",
        ] {
            assert_eq!(
                check(common, "ada"),
                Err(PasswordProblem::Common),
                "{common}"
            );
        }
        for repetitive in [
            "aaaaaaaaaaaa",
            "abababababab",
            "123456789012",
            "abcdefghijkl",
            "lkjihgfedcba",
        ] {
            assert_eq!(
                check(repetitive, "ada"),
                Err(PasswordProblem::Repetitive),
                "{repetitive}"
            );
        }
        assert_eq!(
            check("my name is Manager-7 ok", "manager-7"),
            Err(PasswordProblem::ContainsUsername)
        );
    }

    #[test]
    fn the_deny_list_is_carried_and_lowercase() {
        let list = deny_list();
        assert!(list.len() > 19_000, "{}", list.len());
        assert!(list.contains("password1234"));
        assert!(list.iter().all(|p| p.to_lowercase() == *p));
    }
}
