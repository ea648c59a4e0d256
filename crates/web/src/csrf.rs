//! Cross-site request forgery protection, our own.
//!
//! Each session holds a random token; every form carries it in a hidden
//! `csrf_token` field (htmx sends it as the `X-CSRF-Token` header) and every
//! POST is refused unless the token matches (compared in constant time) and,
//! when the browser sends an `Origin` header, the origin is this site. The
//! session cookie is `SameSite=Lax` as well.

use rand::TryRngCore;

/// The session key under which the token is kept.
pub const SESSION_KEY: &str = "csrf_token";
/// The form field carrying the token.
pub const FORM_FIELD: &str = "csrf_token";
/// The header htmx requests carry the token in.
pub const HEADER: &str = "x-csrf-token";

/// `N` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Err(e) = rand::rngs::OsRng.try_fill_bytes(&mut bytes) {
        // Without the operating system's randomness no token or salt is
        // safe: refuse to go on rather than hand out a guessable one.
        panic!("the operating system's random number generator failed: {e}");
    }
    bytes
}

/// A fresh random token: 32 bytes from the operating system, hex-encoded.
pub fn new_token() -> String {
    hex(&random_bytes::<32>())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

/// The value of `field` in an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], field: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == field).map(|(_, v)| v)
}

/// Whether an `Origin` header value names this site. `host` is the request's
/// `Host` header. A missing Origin is accepted (older browsers, same-origin
/// navigations); "null" or another site is refused.
pub fn origin_matches(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(host) = host else {
        return false;
    };
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    rest.is_some_and(|h| h.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn form_fields_are_decoded() {
        let body = b"a=1&csrf_token=ab%2Bc+d";
        assert_eq!(form_field(body, "csrf_token").as_deref(), Some("ab+c d"));
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(form_field(b"x=%41", "x").as_deref(), Some("A"));
    }

    #[test]
    fn origins_must_match_the_host() {
        assert!(origin_matches(None, Some("a:1")));
        assert!(origin_matches(Some("http://a:1"), Some("a:1")));
        assert!(!origin_matches(Some("http://evil"), Some("a:1")));
        assert!(!origin_matches(Some("null"), Some("a:1")));
    }
}
