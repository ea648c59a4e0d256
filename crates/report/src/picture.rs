//! Charts as PNG pictures, for the Word report: the chart's SVG (the one
//! [`crate::svg::render`] draws for the HTML report and the PDF) rendered by
//! `resvg` with the report's own font ([`crate::font`]), so a chart reads
//! the same in every format and its text is set in real letters.

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg;

use crate::font;
use crate::model::Chart;
use crate::svg;

/// Width of every chart picture, in pixels (print resolution: about
/// 240 dpi across the 17 cm of an A4 page's text).
pub const IMAGE_WIDTH: u32 = 1600;

/// A chart drawn as a PNG.
#[derive(Debug, Clone)]
pub struct ChartImage {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Renders an SVG document to a PNG [`IMAGE_WIDTH`] pixels wide on white,
/// with text set in the chart font (the only font the renderer knows, so
/// no system font can change a chart).
pub fn svg_png(svg: &str) -> Result<ChartImage, String> {
    let mut options = usvg::Options {
        font_family: font::FAMILY.to_owned(),
        ..usvg::Options::default()
    };
    let fonts = options.fontdb_mut();
    fonts.load_font_data(font::LIBERATION_SANS.to_vec());
    fonts.set_sans_serif_family(font::FAMILY);
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = IMAGE_WIDTH as f32 / size.width();
    let height = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = Pixmap::new(IMAGE_WIDTH, height)
        .ok_or_else(|| format!("a picture of {IMAGE_WIDTH}×{height} pixels cannot be made"))?;
    pixmap.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().map_err(|e| e.to_string())?;
    Ok(ChartImage {
        png,
        width: IMAGE_WIDTH,
        height,
    })
}

/// The chart as a PNG.
pub fn chart_png(chart: &Chart) -> Result<ChartImage, String> {
    svg_png(&svg::render(chart))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChartKind, Series};

    fn decode(png: &[u8]) -> Pixmap {
        Pixmap::decode_png(png).expect("a PNG")
    }

    /// Pixels that are neither white nor nearly white.
    fn inked(p: &Pixmap, x0: u32, x1: u32, y0: u32, y1: u32) -> usize {
        let mut n = 0;
        for y in y0..y1.min(p.height()) {
            for x in x0..x1.min(p.width()) {
                let c = p.pixel(x, y).unwrap();
                if c.red() < 200 || c.green() < 200 || c.blue() < 200 {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn text_is_drawn_with_the_shipped_font() {
        // The same text drawn by the renderer: there is ink where it is.
        let with_text = svg_png(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40"><text x="10" y="30" font-size="24" font-family="Liberation Sans">2024-25</text></svg>"#,
        )
        .unwrap();
        let p = decode(&with_text.png);
        assert_eq!(p.width(), IMAGE_WIDTH);
        assert_eq!(with_text.height, 320);
        assert!(inked(&p, 0, IMAGE_WIDTH, 0, with_text.height) > 2000);
        // The charts' font list (Arial and so on, then sans-serif) comes
        // to the chart font, never to nothing.
        let listed = svg_png(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40"><text x="10" y="30" font-size="24" font-family="Nonesuch, {}">2024-25</text></svg>"#,
            font::FONT_FAMILY
        ))
        .unwrap();
        assert!(listed.png == with_text.png, "the same picture");
    }

    #[test]
    fn a_turned_long_label_is_inside_the_picture() {
        let chart = Chart {
            id: "c".into(),
            title: "t".into(),
            description: "d".into(),
            kind: ChartKind::Bar,
            categories: (0..10)
                .map(|i| format!("U{i} – Foster placement with other foster carer"))
                .collect(),
            series: vec![Series {
                name: "2024-25".into(),
                values: (0..10).map(|i| Some(f64::from(i))).collect(),
            }],
            unit: String::new(),
            table_id: "t".into(),
        };
        let img = chart_png(&chart).unwrap();
        let p = decode(&img.png);
        // Nothing is drawn in the outermost columns: no label reaches the edge.
        assert_eq!(inked(&p, 0, 4, 0, img.height), 0);
        // The first label is drawn (ink left of the plot, below the axis).
        let layout = svg::Layout::new(&chart);
        assert!(layout.turned);
        let scale = IMAGE_WIDTH as f64 / layout.width;
        let axis_y = ((16.0 + 220.0) * scale) as u32;
        assert!(inked(&p, 0, (layout.left * scale) as u32, axis_y + 10, img.height) > 500);
    }
}
