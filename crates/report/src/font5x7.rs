//! A 5×7 bitmap font (with two rows of descenders) for the chart images in
//! the Word report: printable ASCII plus `£`, drawn here as a type sheet.
//! Other characters are mapped to near equivalents ([`normalise`]): dashes to
//! `-`, curly quotes to straight ones, `…` to `...`, `½` to `1/2`, accented
//! letters to their base letter, anything else to `?`.
//!
//! Each glyph is 5 pixels wide and [`ROWS`] high: rows 0–6 stand on the
//! baseline (capitals and digits are 7 rows tall, lower case 5), rows 7–8 hold
//! descenders. Characters advance [`ADVANCE`] pixels (one blank column).

/// Glyph width in font pixels.
pub const WIDTH: usize = 5;
/// Glyph height in font pixels, descenders included.
pub const ROWS: usize = 9;
/// Rows above the baseline (the cap height).
pub const CAP: usize = 7;
/// Horizontal advance per character in font pixels.
pub const ADVANCE: usize = WIDTH + 1;

/// The characters of the sheet, in order: ASCII 32 to 126, then `£`.
const COUNT: usize = 96;
const PER_BAND: usize = 16;

/// The type sheet: six bands of sixteen glyphs, `#` inked, `.` blank.
#[rustfmt::skip]
const SHEET: [&str; ROWS * COUNT / PER_BAND] = [
    //       !     "     #     $     %     &     '     (     )     *     +     ,     -     .     /
    "..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.. ...#. .#... ..... ..... ..... ..... ..... .....",
    "..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..... ..... ....#",
    "..... ..#.. .#.#. ##### #.#.. ...#. #.#.. .#... .#... ...#. #.#.# ..#.. ..... ..... ..... ...#.",
    "..... ..#.. ..... .#.#. .###. ..#.. .#... ..... .#... ...#. .###. ##### ..... ##### ..... ..#..",
    "..... ..#.. ..... ##### ..#.# .#... #.#.# ..... .#... ...#. #.#.# ..#.. ..... ..... ..... .#...",
    "..... ..... ..... .#.#. ####. #..## #..#. ..... ..#.. ..#.. ..#.. ..#.. .##.. ..... .##.. #....",
    "..... ..#.. ..... .#.#. ..#.. ...## .##.# ..... ...#. .#... ..... ..... .##.. ..... .##.. .....",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..#.. ..... ..... .....",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .#... ..... ..... .....",
    // 0     1     2     3     4     5     6     7     8     9     :     ;     <     =     >     ?
    ".###. ..#.. .###. ##### ...#. ##### ..##. ##### .###. .###. ..... ..... ...#. ..... .#... .###.",
    "#...# .##.. #...# ...#. ..##. #.... .#... ....# #...# #...# .##.. .##.. ..#.. ..... ..#.. #...#",
    "#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#. #...# #...# .##.. .##.. .#... ##### ...#. ....#",
    "#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.. .###. .#### ..... ..... #.... ..... ....# ...#.",
    "##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....# .##.. .##.. .#... ##### ...#. ..#..",
    "#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#. .##.. .##.. ..#.. ..... ..#.. .....",
    ".###. .###. ##### .###. ...#. .###. .###. .#... .###. .##.. ..... ..#.. ...#. ..... .#... ..#..",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .#... ..... ..... ..... .....",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
    // @     A     B     C     D     E     F     G     H     I     J     K     L     M     N     O
    ".###. .###. ####. .###. ###.. ##### ##### .###. #...# .###. ..### #...# #.... #...# #...# .###.",
    "#...# #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.## #...# #...#",
    "#.### #...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#",
    "#.#.# ##### ####. #.... #...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#",
    "#.### #...# #...# #.... #...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...# #..## #...#",
    "#.... #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...# #...# #...#",
    ".#### #...# ####. .###. ###.. ##### #.... .#### #...# .###. .##.. #...# ##### #...# #...# .###.",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
    // P     Q     R     S     T     U     V     W     X     Y     Z     [     \     ]     ^     _
    "####. .###. ####. .#### ##### #...# #...# #...# #...# #...# ##### .###. ..... .###. ..#.. .....",
    "#...# #...# #...# #.... ..#.. #...# #...# #...# #...# #...# ....# .#... #.... ...#. .#.#. .....",
    "#...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. .#.#. ...#. .#... .#... ...#. #...# .....",
    "####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. ..#.. ..#.. .#... ..#.. ...#. ..... .....",
    "#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#... .#... ...#. ...#. ..... .....",
    "#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.# #...# ..#.. #.... .#... ....# ...#. ..... .....",
    "#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#. #...# ..#.. ##### .###. ..... .###. ..... .....",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... #####",
    "..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....",
    // `     a     b     c     d     e     f     g     h     i     j     k     l     m     n     o
    ".#... ..... #.... ..... ....# ..... ..##. ..... #.... ..#.. ...#. #.... .##.. ..... ..... .....",
    "..#.. ..... #.... ..... ....# ..... .#..# ..... #.... ..... ..... #.... ..#.. ..... ..... .....",
    "...#. .###. #.##. .###. .##.# .###. .#... .#### #.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###.",
    "..... ....# ##..# #.... #..## #...# ###.. #...# ##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...#",
    "..... .#### #...# #.... #...# ##### .#... #...# #...# ..#.. ...#. ##... ..#.. #.#.# #...# #...#",
    "..... #...# #...# #...# #...# #.... .#... #...# #...# ..#.. ...#. #.#.. ..#.. #.#.# #...# #...#",
    "..... .#### ####. .###. .#### .###. .#... .#### #...# .###. ...#. #..#. .###. #.#.# #...# .###.",
    "..... ..... ..... ..... ..... ..... ..... ....# ..... ..... #..#. ..... ..... ..... ..... .....",
    "..... ..... ..... ..... ..... ..... ..... .###. ..... ..... .##.. ..... ..... ..... ..... .....",
    // p     q     r     s     t     u     v     w     x     y     z     {     |     }     ~     £
    "..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ...## ..#.. ##... ..... ..##.",
    "..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ..#.. ..#.. ..#.. ..... .#..#",
    "####. .#### #.##. .#### ###.. #...# #...# #...# #...# #...# ##### ..#.. ..#.. ..#.. .#... .#...",
    "#...# #...# ##..# #.... .#... #...# #...# #...# .#.#. #...# ...#. .#... ..#.. ...#. #.#.# ###..",
    "#...# #...# #.... .###. .#... #...# #...# #.#.# ..#.. #...# ..#.. ..#.. ..#.. ..#.. ...#. .#...",
    "#...# #...# #.... ....# .#..# #..## .#.#. #.#.# .#.#. #...# .#... ..#.. ..#.. ..#.. ..... .#...",
    "####. .#### #.... ####. ..##. .##.# ..#.. .#.#. #...# .#### ##### ...## ..#.. ##... ..... #####",
    "#.... ....# ..... ..... ..... ..... ..... ..... ..... ....# ..... ..... ..#.. ..... ..... .....",
    "#.... ....# ..... ..... ..... ..... ..... ..... ..... .###. ..... ..... ..... ..... ..... .....",
];

/// The sheet as bit rows: bit 4 is the leftmost pixel. Checked when the
/// crate compiles: a malformed sheet does not build.
const GLYPHS: [[u8; ROWS]; COUNT] = parse_sheet();

const fn parse_sheet() -> [[u8; ROWS]; COUNT] {
    let mut out = [[0u8; ROWS]; COUNT];
    let mut g = 0;
    while g < COUNT {
        let band = g / PER_BAND;
        let col = (g % PER_BAND) * ADVANCE;
        let mut r = 0;
        while r < ROWS {
            let line = SHEET[band * ROWS + r].as_bytes();
            assert!(line.len() == PER_BAND * ADVANCE - 1, "sheet line length");
            let mut bits = 0u8;
            let mut x = 0;
            while x < WIDTH {
                bits <<= 1;
                match line[col + x] {
                    b'#' => bits |= 1,
                    b'.' => {}
                    _ => panic!("sheet: only # and . may draw a glyph"),
                }
                x += 1;
            }
            if col + WIDTH < line.len() {
                assert!(
                    line[col + WIDTH] == b' ',
                    "sheet: glyphs are separated by a space"
                );
            }
            out[g][r] = bits;
            r += 1;
        }
        g += 1;
    }
    out
}

/// The bit rows of `c`, which must be printable ASCII or `£` (see
/// [`normalise`]); anything else draws as `?`.
pub fn glyph(c: char) -> &'static [u8; ROWS] {
    let i = match c {
        ' '..='~' => c as usize - 32,
        '£' => 95,
        _ => '?' as usize - 32,
    };
    &GLYPHS[i]
}

/// Whether the font pixel (`x`, `y`) of `c` is inked.
pub fn inked(c: char, x: usize, y: usize) -> bool {
    x < WIDTH && y < ROWS && glyph(c)[y] & (1 << (WIDTH - 1 - x)) != 0
}

/// `s` in the font's characters: near equivalents for common non-ASCII
/// characters, `?` for the rest; control characters become spaces.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' '..='~' | '£' => out.push(c),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => out.push('"'),
            '\u{2026}' => out.push_str("..."),
            '½' => out.push_str("1/2"),
            '¼' => out.push_str("1/4"),
            '¾' => out.push_str("3/4"),
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            '×' => out.push('x'),
            '÷' => out.push('/'),
            '•' | '·' => out.push('*'),
            '\u{00A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' => out.push(' '),
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(base_letter(c).unwrap_or('?')),
        }
    }
    out
}

/// The unaccented letter for common Latin-1 and Latin Extended-A letters.
fn base_letter(c: char) -> Option<char> {
    const MAP: [(&str, char); 24] = [
        ("ÀÁÂÃÄÅĀĂĄ", 'A'),
        ("àáâãäåāăą", 'a'),
        ("ÇĆĈĊČ", 'C'),
        ("çćĉċč", 'c'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("èéêëēĕėęě", 'e'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("ìíîïĩīĭįı", 'i'),
        ("ÑŃŅŇ", 'N'),
        ("ñńņň", 'n'),
        ("ÒÓÔÕÖØŌŎŐ", 'O'),
        ("òóôõöøōŏő", 'o'),
        ("ÙÚÛÜŨŪŬŮŰŲ", 'U'),
        ("ùúûüũūŭůűų", 'u'),
        ("ÝŸŶ", 'Y'),
        ("ýÿŷ", 'y'),
        ("ŚŜŞŠ", 'S'),
        ("śŝşš", 's'),
        ("ŹŻŽ", 'Z'),
        ("źżž", 'z'),
        ("ĜĞĠĢ", 'G'),
        ("ĝğġģ", 'g'),
        ("ŁĹĻĽ", 'L'),
        ("łĺļľ", 'l'),
    ];
    MAP.iter()
        .find(|(set, _)| set.contains(c))
        .map(|&(_, base)| base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(c: char) -> Vec<bool> {
        (0..ROWS)
            .flat_map(|y| (0..WIDTH).map(move |x| inked(c, x, y)))
            .collect()
    }

    #[test]
    fn every_printable_character_has_its_own_glyph() {
        let chars: Vec<char> = (' '..='~').chain(['£']).collect();
        for (i, &a) in chars.iter().enumerate() {
            let ink = bitmap(a).iter().filter(|&&b| b).count();
            assert_eq!(ink == 0, a == ' ', "{a:?} has {ink} pixels");
            for &b in &chars[i + 1..] {
                assert_ne!(bitmap(a), bitmap(b), "{a:?} and {b:?} look the same");
            }
        }
    }

    #[test]
    fn only_descenders_reach_below_the_baseline() {
        for c in ' '..='~' {
            let below = (CAP..ROWS).any(|y| glyph(c)[y] != 0);
            assert_eq!(below, "gjpqy,;_|".contains(c), "{c:?}");
        }
        // Capitals and digits stand on the baseline and reach the cap height.
        for c in ('A'..='Z').chain('0'..='9') {
            assert_ne!(glyph(c)[0], 0, "{c:?} top");
            assert_ne!(glyph(c)[CAP - 1], 0, "{c:?} bottom");
        }
        // The letter E: a full bar at the top, middle (short) and bottom.
        assert_eq!(glyph('E')[0], 0b11111);
        assert_eq!(glyph('E')[3], 0b11110);
        assert_eq!(glyph('E')[6], 0b11111);
    }

    #[test]
    fn non_ascii_maps_to_near_equivalents() {
        assert_eq!(normalise("April – June"), "April - June");
        assert_eq!(normalise("“c” ‘x’"), "\"c\" 'x'");
        assert_eq!(normalise("£5½ Résumé…"), "£51/2 Resume...");
        assert_eq!(normalise("a\tb\nc"), "a b c");
        assert_eq!(normalise("≥ 18 × 2 ≤ 漢"), ">= 18 x 2 <= ?");
        // Whatever comes in, every character that comes out has a glyph.
        for c in normalise("ŁódźÆ€\u{0}\u{7f}").chars() {
            assert!((' '..='~').contains(&c) || c == '£', "{c:?}");
        }
        // Unknown characters draw as a question mark, not as nothing.
        assert_eq!(glyph('€'), glyph('?'));
    }
}
