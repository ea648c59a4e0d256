//! A row read as one JSON array of scalars (`json_array(...)` on SQLite,
//! `json_build_array(...)::text` on PostgreSQL): one value for sqlx to copy
//! and decode instead of one per column. `load_dataset` reads its largest
//! tables this way, and on SQLite many rows to a value
//! (`json_group_array(json_array(...))`, [`parse_rows`]).

use std::borrow::Cow;

/// One value of the array: a string (unescaped), `null`, or the text of
/// anything else (a number, `true`, `false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum JsonValue<'a> {
    Null,
    Text(Cow<'a, str>),
    Other(&'a str),
}

impl JsonValue<'_> {
    /// The value as text (`None` for `null`).
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::Null => None,
            JsonValue::Text(s) => Some(s),
            JsonValue::Other(s) => Some(s),
        }
    }
}

/// The values of a JSON array of scalars; `None` if `s` is not one.
pub(super) fn parse_row<'a>(s: &'a str) -> Option<Vec<JsonValue<'a>>> {
    whole(s, |s: &'a str, i| list_at(s, i, value))
}

/// The rows of a JSON array of arrays of scalars (`json_group_array(
/// json_array(...))`: many rows in one value); `None` if `s` is not one.
pub(super) fn parse_rows<'a>(s: &'a str) -> Option<Vec<Vec<JsonValue<'a>>>> {
    whole(s, |s: &'a str, i| {
        list_at(s, i, |s: &'a str, i| list_at(s, i, value))
    })
}

/// What `item` reads from the start of `s` (after any white space), when
/// nothing but white space follows it.
fn whole<'a, T>(s: &'a str, item: impl Fn(&'a str, usize) -> Option<(T, usize)>) -> Option<T> {
    let b = s.as_bytes();
    let (out, next) = item(s, skip_ws(b, 0))?;
    (skip_ws(b, next) == b.len()).then_some(out)
}

/// The JSON array that starts at `i`, each element read by `item`, and
/// where it ends.
fn list_at<'a, T>(
    s: &'a str,
    mut i: usize,
    item: impl Fn(&'a str, usize) -> Option<(T, usize)>,
) -> Option<(Vec<T>, usize)> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::with_capacity(16);
    if b.get(i) == Some(&b']') {
        return Some((out, i + 1));
    }
    loop {
        let (v, next) = item(s, i)?;
        out.push(v);
        i = skip_ws(b, next);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b']' => return Some((out, i + 1)),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// One scalar starting at `i`, and where it ends.
fn value(s: &str, i: usize) -> Option<(JsonValue<'_>, usize)> {
    let b = s.as_bytes();
    if b.get(i)? == &b'"' {
        return string(s, i + 1);
    }
    let end = i + b[i..]
        .iter()
        .position(|c| matches!(c, b',' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(b.len() - i);
    let raw = s.get(i..end)?;
    match raw {
        "" => None,
        "null" => Some((JsonValue::Null, end)),
        _ if raw.bytes().any(|c| matches!(c, b'[' | b'{' | b'"')) => None,
        _ => Some((JsonValue::Other(raw), end)),
    }
}

/// A string whose text starts at `start` (after its opening quote).
fn string(s: &str, start: usize) -> Option<(JsonValue<'_>, usize)> {
    let b = s.as_bytes();
    let mut i = start;
    // Fast path: no escapes.
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Some((JsonValue::Text(Cow::Borrowed(s.get(start..i)?)), i + 1)),
            b'\\' => break,
            _ => i += 1,
        }
    }
    let mut out = String::from(s.get(start..i)?);
    loop {
        match *b.get(i)? {
            b'"' => return Some((JsonValue::Text(Cow::Owned(out)), i + 1)),
            b'\\' => {
                let e = *b.get(i + 1)?;
                i += 2;
                match e {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let hi = hex4(s, i)?;
                        i += 4;
                        let c = if (0xD800..0xDC00).contains(&hi) {
                            if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
                                return None;
                            }
                            let lo = hex4(s, i + 2)?;
                            i += 6;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return None;
                            }
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                        } else {
                            char::from_u32(hi)?
                        };
                        out.push(c);
                    }
                    _ => return None,
                }
            }
            _ => {
                // Copy up to the next quote or backslash in one go.
                let rest = &b[i..];
                let n = rest
                    .iter()
                    .position(|c| matches!(c, b'"' | b'\\'))
                    .unwrap_or(rest.len());
                out.push_str(s.get(i..i + n)?);
                i += n;
            }
        }
    }
}

fn hex4(s: &str, i: usize) -> Option<u32> {
    u32::from_str_radix(s.get(i..i + 4)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Option<Vec<Option<String>>> {
        parse_row(s).map(|v| v.iter().map(|x| x.as_str().map(str::to_owned)).collect())
    }

    /// A value's text as serde_json gives it (a string's own text, null as
    /// nothing): what a row's reader must give.
    fn text_of(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    #[test]
    fn rows_are_read_as_serde_json_reads_them() {
        let odd = "Q\"uote \\ back\tslash\n new\u{1}line é 😀 /";
        for row in [
            serde_json::json!(["A1", "2021-06-01", null, 2021, true, false, 1.5]),
            serde_json::json!([odd, "", null]),
            serde_json::json!([]),
        ] {
            let text = row.to_string();
            let want: Vec<Option<String>> = row.as_array().unwrap().iter().map(text_of).collect();
            assert_eq!(texts(&text), Some(want), "{text}");
        }
        assert_eq!(
            texts(r#"[ "a\u00e9\ud83d\ude00" , null ]"#),
            Some(vec![Some("aé😀".into()), None])
        );
    }

    #[test]
    fn many_rows_are_read_as_serde_json_reads_them() {
        let odd = "Q\"uote \\ back\tslash\n new\u{1}line é 😀 / ] , [";
        let rows =
            serde_json::json!([["A1", "2021-06-01", null, 2021, true], [], [odd, "", null],]);
        let text = rows.to_string();
        let got: Vec<Vec<Option<String>>> = parse_rows(&text)
            .unwrap()
            .iter()
            .map(|r| r.iter().map(|v| v.as_str().map(str::to_owned)).collect())
            .collect();
        let want: Vec<Vec<Option<String>>> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().iter().map(text_of).collect())
            .collect();
        assert_eq!(got, want);
        assert_eq!(parse_rows(" [ ] ").map(|r| r.len()), Some(0));
        assert_eq!(parse_rows("[ [1] , [ ] ]").map(|r| r.len()), Some(2));
        for bad in [
            "",
            "[",
            "[1]",
            "[[1]",
            "[[1],]",
            "[,[1]]",
            "[[1]] x",
            "[[[1]]]",
            "[[1] [2]]",
        ] {
            assert_eq!(parse_rows(bad), None, "{bad}");
        }
    }

    #[test]
    fn anything_else_is_refused_without_panicking() {
        for bad in [
            "",
            "[",
            "]",
            "[1,]",
            "[,1]",
            "[\"a]",
            "[\"\\x\"]",
            "[\"\\u12\"]",
            "[\"\\ud800\"]",
            "[[1]]",
            "[{}]",
            "[1] x",
            "{\"a\":1}",
            "[\"a\" \"b\"]",
            "[nul l]",
        ] {
            assert_eq!(texts(bad), None, "{bad}");
        }
    }
}
