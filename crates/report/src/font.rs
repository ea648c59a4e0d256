//! The report's chart font: Liberation Sans Regular (SIL Open Font License
//! 1.1; the licence is `fonts/LICENSE-LiberationSans.txt` beside the font),
//! shipped in the repository so every chart is drawn and measured with the
//! same letters wherever the report is made.
//!
//! Liberation Sans has the same advance widths as Arial, so a label measured
//! here takes the same room in a browser that draws the SVG with Arial.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The font file.
pub const LIBERATION_SANS: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");

/// The family name the SVG asks for first (then Arial, which has the same
/// widths).
pub const FAMILY: &str = "Liberation Sans";

/// The `font-family` the charts' SVG uses.
pub const FONT_FAMILY: &str = "'Liberation Sans', Arial, Helvetica, sans-serif";

/// The width of `text` set in the chart font at `size` pixels: the sum of
/// its characters' advance widths (a character the font lacks counts as
/// wide as an "M").
pub fn text_width(text: &str, size: f64) -> f64 {
    let Ok(font) = FontRef::new(LIBERATION_SANS) else {
        // Not reached with the shipped font; a generous estimate otherwise.
        return text.chars().count() as f64 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size as f32), LocationRef::default());
    let fallback = charmap
        .map('M')
        .and_then(|g| metrics.advance_width(g))
        .unwrap_or(size as f32 * 0.8);
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(fallback) as f64
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_the_fonts_own() {
        // Arial's (and so Liberation Sans's) advance widths: "i" 0.222 em,
        // "M" 0.833 em, digits 0.556 em.
        assert!((text_width("i", 1000.0) - 222.0).abs() < 1.0);
        assert!((text_width("M", 1000.0) - 833.0).abs() < 1.0);
        assert!((text_width("2024", 10.0) - 22.24).abs() < 0.05);
        assert_eq!(text_width("", 10.0), 0.0);
        assert!(text_width("September", 10.0) > text_width("May", 10.0));
    }
}
