//! Cross-site request forgery protection, our own.
//!
//! Each session holds a random token; every form carries it in a hidden
//! `csrf_token` field (htmx sends it as the `X-CSRF-Token` header) and every
//! POST is refused unless the token matches (compared in constant time) and,
//! when the browser sends an `Origin` header, the origin is this site. The
//! session cookie is `SameSite=Lax` as well.

use rand::TryRngCore;
use tower_sessions::Session;

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

/// The session's token, made and kept in the session when it has none yet:
/// the one place every page (and every error page) takes the token its
/// forms carry from. `None` when the session cannot be written.
pub(crate) async fn session_token(session: &Session) -> Option<String> {
    if let Ok(Some(t)) = session.get::<String>(SESSION_KEY).await {
        return Some(t);
    }
    let t = new_token();
    session.insert(SESSION_KEY, &t).await.ok()?;
    Some(t)
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

/// A web origin: scheme, host and port (the default port of the scheme
/// when none is written).
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// `host[:port]` (a bracketed IPv6 address allowed) with the scheme's
/// default port when none is given.
fn host_and_port(authority: &str, scheme: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (format!("[{h}]"), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default_port(scheme)?,
    };
    Some((host.to_ascii_lowercase(), port))
}

fn parse_origin(origin: &str) -> Option<Origin> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    default_port(&scheme)?;
    // An Origin is scheme://host[:port] and nothing more.
    if rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    let (host, port) = host_and_port(rest, &scheme)?;
    Some(Origin { scheme, host, port })
}

/// Whether an `Origin` header value names this site: the same scheme, host
/// and port. `host` is the request's `Host` header and `scheme` the one the
/// site is served over (`https` behind a proxy that terminates HTTPS, as
/// `--secure-cookies` says). A missing Origin is accepted (older browsers,
/// same-origin navigations); "null", another site, another scheme or another
/// port is refused.
pub fn origin_matches(origin: Option<&str>, host: Option<&str>, scheme: &str) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let (Some(host), Some(given)) = (host, parse_origin(origin.trim())) else {
        return false;
    };
    let Some((host, port)) = host_and_port(host.trim(), scheme) else {
        return false;
    };
    given
        == Origin {
            scheme: scheme.to_owned(),
            host,
            port,
        }
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
    fn origins_must_match_scheme_host_and_port() {
        assert!(origin_matches(None, Some("a:1"), "http"));
        assert!(origin_matches(Some("http://a:1"), Some("a:1"), "http"));
        assert!(origin_matches(Some("http://A:1"), Some("a:1"), "http"));
        assert!(!origin_matches(Some("http://evil"), Some("a:1"), "http"));
        assert!(!origin_matches(Some("null"), Some("a:1"), "http"));
        // The scheme counts.
        assert!(!origin_matches(Some("https://a:1"), Some("a:1"), "http"));
        assert!(!origin_matches(Some("http://a"), Some("a"), "https"));
        assert!(origin_matches(Some("https://a"), Some("a"), "https"));
        // The port counts, the scheme's default port written or not.
        assert!(!origin_matches(Some("http://a:8080"), Some("a"), "http"));
        assert!(!origin_matches(Some("http://a"), Some("a:8080"), "http"));
        assert!(origin_matches(Some("http://a:80"), Some("a"), "http"));
        assert!(origin_matches(Some("https://a"), Some("a:443"), "https"));
        assert!(origin_matches(
            Some("http://[::1]:8080"),
            Some("[::1]:8080"),
            "http"
        ));
        assert!(!origin_matches(
            Some("http://[::1]:8081"),
            Some("[::1]:8080"),
            "http"
        ));
        // Not an origin at all.
        for bad in [
            "ftp://a",
            "http://a/path",
            "http://u@a",
            "http://",
            "http://a:x",
            "a",
        ] {
            assert!(!origin_matches(Some(bad), Some("a"), "http"), "{bad}");
        }
    }
}
