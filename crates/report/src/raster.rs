//! Charts as PNG images, for the Word report: a small rasteriser of our own
//! chart kinds (grouped bars, lines by month) and a minimal PNG encoder, so
//! the document carries each chart without a general SVG renderer.
//!
//! The picture follows [`crate::svg`]: the same value scale and gridlines
//! ([`crate::svg::nice_scale`]), the same palette, bars side by side in legend
//! order, lines solid then dashed with round then square markers, a missing
//! value left as a gap. So that series can be told apart in greyscale as
//! well, the second series' bars are striped and the fourth's cross-hatched.
//!
//! Images are [`IMAGE_WIDTH`] pixels wide (print resolution: about 240 dpi at
//! 17 cm) and as tall as the labels need; text is the [`crate::font5x7`]
//! bitmap font drawn three pixels to the font pixel, anti-aliased where it is
//! rotated; shapes are anti-aliased by pixel coverage.

use std::io::{self, Write};

use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::font5x7::{self, ADVANCE, CAP, ROWS};
use crate::model::{Chart, ChartKind};
use crate::svg::{COLOURS, fmt_tick, nice_scale, truncate};

/// An 8-bit RGB colour.
pub type Rgb = [u8; 3];

pub const WHITE: Rgb = [0xff, 0xff, 0xff];
/// Text and axis colour, as in the SVG charts.
pub const INK: Rgb = [0x0b, 0x0c, 0x0c];
/// Gridline colour, as in the SVG charts.
pub const GRID: Rgb = [0xb1, 0xb4, 0xb6];

/// Width of every chart image, in pixels.
pub const IMAGE_WIDTH: usize = 1600;
/// Font pixels are drawn as squares of this many image pixels.
pub const TEXT_SCALE: usize = 3;
const PLOT_HEIGHT: f64 = 640.0;
const MARGIN: f64 = 24.0;
const TOP: f64 = 36.0;
const RIGHT: f64 = 40.0;
/// Category labels that do not fit their band are turned by this angle
/// (anticlockwise, ending under their tick), as in the SVG.
const LABEL_ANGLE_DEG: f64 = 40.0;
/// Longest category label drawn turned, in characters (as in the SVG).
const LABEL_MAX_CHARS: usize = 28;
const LINE_WIDTH: f64 = 5.0;
const DASH: (f64, f64) = (15.0, 8.0);
const MARKER: f64 = 8.0;
const SWATCH: f64 = 36.0;
const LEGEND_ROW: f64 = 52.0;

/// The series colour `i` (cycling through the SVG palette).
pub fn series_colour(i: usize) -> Rgb {
    parse_hex(COLOURS[i % COLOURS.len()]).unwrap_or(INK)
}

fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// `c` mixed with white: `t` = 0 gives `c`, 1 gives white.
fn lighten(c: Rgb, t: f64) -> Rgb {
    c.map(|v| (v as f64 + (255.0 - v as f64) * t).round() as u8)
}

/// How a series' bars and legend swatch are filled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Paint {
    Solid(Rgb),
    /// Diagonal light stripes over the colour.
    Stripes(Rgb),
    /// Light cross-hatching over the colour.
    Cross(Rgb),
}

impl Paint {
    fn for_series(i: usize) -> Paint {
        let c = series_colour(i);
        match i % 4 {
            1 => Paint::Stripes(c),
            3 => Paint::Cross(c),
            _ => Paint::Solid(c),
        }
    }

    /// The colour at pixel (`x`, `y`): patterns are fixed to the image, so
    /// neighbouring bars line up.
    fn at(self, x: i64, y: i64) -> Rgb {
        const PERIOD: i64 = 18;
        match self {
            Paint::Solid(c) => c,
            Paint::Stripes(c) => {
                if (x + y).rem_euclid(PERIOD) < 6 {
                    lighten(c, 0.6)
                } else {
                    c
                }
            }
            Paint::Cross(c) => {
                if (x + y).rem_euclid(PERIOD) < 4 || (x - y).rem_euclid(PERIOD) < 4 {
                    lighten(c, 0.6)
                } else {
                    c
                }
            }
        }
    }
}

/// Where text sits relative to its x coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// An RGB pixel buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: Rgb) -> Self {
        let mut rgb = Vec::with_capacity(width * height * 3);
        for _ in 0..width * height {
            rgb.extend_from_slice(&background);
        }
        Canvas { width, height, rgb }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The pixels, row by row, three bytes each.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// The colour at (`x`, `y`), if on the canvas.
    pub fn pixel(&self, x: usize, y: usize) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * 3;
        Some([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]])
    }

    /// Paints `c` over pixel (`x`, `y`) with opacity `alpha`; off-canvas
    /// pixels are ignored.
    fn blend(&mut self, x: i64, y: i64, c: Rgb, alpha: f64) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return;
        }
        let a = alpha.clamp(0.0, 1.0);
        if a <= 0.0 {
            return;
        }
        let i = (y as usize * self.width + x as usize) * 3;
        for (dst, &src) in self.rgb[i..i + 3].iter_mut().zip(&c) {
            let old = *dst as f64;
            *dst = (old + (src as f64 - old) * a).round() as u8;
        }
    }

    /// The integer pixel range covering [`a`, `b`), clipped to `0..limit`.
    fn span(a: f64, b: f64, limit: usize) -> std::ops::Range<i64> {
        if !(a.is_finite() && b.is_finite()) || b <= a {
            return 0..0;
        }
        let lo = a.floor().max(0.0);
        let hi = b.ceil().min(limit as f64);
        if hi <= lo { 0..0 } else { lo as i64..hi as i64 }
    }

    /// Fills the rectangle [`x0`, `x1`) × [`y0`, `y1`), edge pixels by the
    /// share of them it covers.
    fn fill_rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, paint: Paint) {
        for y in Self::span(y0, y1, self.height) {
            let cy = (y1.min(y as f64 + 1.0) - y0.max(y as f64)).clamp(0.0, 1.0);
            for x in Self::span(x0, x1, self.width) {
                let cx = (x1.min(x as f64 + 1.0) - x0.max(x as f64)).clamp(0.0, 1.0);
                self.blend(x, y, paint.at(x, y), cx * cy);
            }
        }
    }

    /// A filled disc.
    fn fill_circle(&mut self, cx: f64, cy: f64, r: f64, c: Rgb) {
        for y in Self::span(cy - r - 1.0, cy + r + 1.0, self.height) {
            for x in Self::span(cx - r - 1.0, cx + r + 1.0, self.width) {
                let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
                self.blend(x, y, c, r + 0.5 - d);
            }
        }
    }

    /// A polyline `width` pixels thick with round joins, solid or dashed
    /// (`dash` = (drawn, gap) lengths along the line). Each pixel is painted
    /// once, by its greatest coverage, so joins are not darker.
    fn polyline(&mut self, pts: &[(f64, f64)], width: f64, c: Rgb, dash: Option<(f64, f64)>) {
        let pts: Vec<(f64, f64)> = pts
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        if pts.len() < 2 {
            return;
        }
        let segments = match dash {
            None => pts.windows(2).map(|w| (w[0], w[1])).collect(),
            Some(pattern) => dash_segments(&pts, pattern),
        };
        let hw = width / 2.0;
        let pad = hw + 1.0;
        let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in &pts {
            minx = minx.min(x);
            miny = miny.min(y);
            maxx = maxx.max(x);
            maxy = maxy.max(y);
        }
        let xs = Self::span(minx - pad, maxx + pad, self.width);
        let ys = Self::span(miny - pad, maxy + pad, self.height);
        if xs.is_empty() || ys.is_empty() {
            return;
        }
        let mw = (xs.end - xs.start) as usize;
        let mut cover = vec![0f64; mw * (ys.end - ys.start) as usize];
        for (a, b) in segments {
            let sx = Self::span(a.0.min(b.0) - pad, a.0.max(b.0) + pad, self.width);
            let sy = Self::span(a.1.min(b.1) - pad, a.1.max(b.1) + pad, self.height);
            for y in sy {
                for x in sx.clone() {
                    let d = distance_to_segment((x as f64 + 0.5, y as f64 + 0.5), a, b);
                    let cov = (hw + 0.5 - d).clamp(0.0, 1.0);
                    let i = (y - ys.start) as usize * mw + (x - xs.start) as usize;
                    if let Some(slot) = cover.get_mut(i) {
                        *slot = slot.max(cov);
                    }
                }
            }
        }
        for (i, &cov) in cover.iter().enumerate() {
            if cov > 0.0 {
                let x = xs.start + (i % mw) as i64;
                let y = ys.start + (i / mw) as i64;
                self.blend(x, y, c, cov);
            }
        }
    }

    /// Draws `text` (already [`font5x7::normalise`]d) with its baseline at
    /// `y`, placed by `anchor` about `x`.
    fn text(&mut self, x: f64, y: f64, text: &str, scale: usize, c: Rgb, anchor: Anchor) {
        let w = text_width(text, scale) as f64;
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        }
        .round() as i64;
        let top = (y.round() as i64) - (CAP * scale) as i64;
        let s = scale as i64;
        for (i, ch) in text.chars().enumerate() {
            let gx0 = left + (i * ADVANCE * scale) as i64;
            for gy in 0..ROWS {
                for gx in 0..font5x7::WIDTH {
                    if font5x7::inked(ch, gx, gy) {
                        let (px, py) = (gx0 + gx as i64 * s, top + gy as i64 * s);
                        for dy in 0..s {
                            for dx in 0..s {
                                self.blend(px + dx, py + dy, c, 1.0);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Draws `text` turned `angle_deg` anticlockwise about the end of its
    /// baseline, which sits at (`x`, `y`); each pixel is sampled 4×4 times.
    fn text_turned(&mut self, x: f64, y: f64, text: &str, scale: usize, c: Rgb, angle_deg: f64) {
        let w = text_width(text, scale) as f64;
        let s = scale as f64;
        let (sin, cos) = (-angle_deg).to_radians().sin_cos();
        // Along the baseline, and down across it, on the canvas.
        let dir = (cos, sin);
        let nrm = (-sin, cos);
        let above = CAP as f64 * s;
        let below = (ROWS - CAP) as f64 * s;
        let corners = [(-w, -above), (-w, below), (0.0, -above), (0.0, below)]
            .map(|(u, v)| (x + u * dir.0 + v * nrm.0, y + u * dir.1 + v * nrm.1));
        let minx = corners.iter().map(|p| p.0).fold(f64::MAX, f64::min);
        let maxx = corners.iter().map(|p| p.0).fold(f64::MIN, f64::max);
        let miny = corners.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        let maxy = corners.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        let chars: Vec<char> = text.chars().collect();
        let inked = |u: f64, v: f64| -> bool {
            // Text coordinates: from the left end of the baseline.
            let (tx, ty) = (u + w, v + above);
            if tx < 0.0 || ty < 0.0 {
                return false;
            }
            let (fx, fy) = ((tx / s) as usize, (ty / s) as usize);
            let ch = fx / ADVANCE;
            chars
                .get(ch)
                .is_some_and(|&c| font5x7::inked(c, fx % ADVANCE, fy))
        };
        const N: usize = 4;
        for py in Self::span(miny - 1.0, maxy + 1.0, self.height) {
            for px in Self::span(minx - 1.0, maxx + 1.0, self.width) {
                let mut hits = 0;
                for sy in 0..N {
                    for sx in 0..N {
                        let dx = px as f64 + (sx as f64 + 0.5) / N as f64 - x;
                        let dy = py as f64 + (sy as f64 + 0.5) / N as f64 - y;
                        let u = dx * dir.0 + dy * dir.1;
                        let v = dx * nrm.0 + dy * nrm.1;
                        if inked(u, v) {
                            hits += 1;
                        }
                    }
                }
                if hits > 0 {
                    self.blend(px, py, c, hits as f64 / (N * N) as f64);
                }
            }
        }
    }

    /// The canvas as a PNG file.
    pub fn to_png(&self) -> io::Result<Vec<u8>> {
        encode_png(self.width, self.height, &self.rgb)
    }
}

/// Width in image pixels of `text` drawn at `scale` (no trailing space).
pub fn text_width(text: &str, scale: usize) -> usize {
    let n = text.chars().count();
    if n == 0 { 0 } else { (n * ADVANCE - 1) * scale }
}

fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - qx).powi(2) + (p.1 - qy).powi(2)).sqrt()
}

/// The drawn pieces of a dashed polyline; the pattern runs on across
/// corners.
fn dash_segments(pts: &[(f64, f64)], (on, off): (f64, f64)) -> Vec<((f64, f64), (f64, f64))> {
    let mut out = Vec::new();
    if on <= 0.0 || off < 0.0 {
        return pts.windows(2).map(|w| (w[0], w[1])).collect();
    }
    let period = on + off;
    let mut phase = 0.0f64; // distance into the current period
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len <= 0.0 {
            continue;
        }
        let at = |t: f64| (a.0 + (b.0 - a.0) * t / len, a.1 + (b.1 - a.1) * t / len);
        let mut t = 0.0;
        while t < len {
            let (drawing, left_in_part) = if phase < on {
                (true, on - phase)
            } else {
                (false, period - phase)
            };
            let step = left_in_part.min(len - t);
            if drawing && step > 0.0 {
                out.push((at(t), at(t + step)));
            }
            t += step;
            phase = (phase + step) % period;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Charts

/// Where the plot sits in a chart image, for placing things on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// Width of one category's band.
    pub band: f64,
    /// The value at the top of the value axis.
    pub max: f64,
}

impl Plot {
    /// The y coordinate of value `v` (clamped to the axis).
    pub fn y(&self, v: f64) -> f64 {
        let v = if v.is_finite() {
            v.clamp(0.0, self.max)
        } else {
            0.0
        };
        self.bottom - v / self.max * (self.bottom - self.top)
    }

    /// The x coordinate of the middle of category `i`.
    pub fn category_x(&self, i: usize) -> f64 {
        self.left + self.band * (i as f64 + 0.5)
    }

    /// The left and right edges of series `s` of `n` in category `i`'s bar
    /// group (bars fill 80% of the band, side by side in legend order).
    pub fn bar_x(&self, i: usize, s: usize, n: usize) -> (f64, f64) {
        let bar_w = self.band * 0.8 / n.max(1) as f64;
        let x = self.left + self.band * i as f64 + self.band * 0.1 + bar_w * s as f64;
        (x, x + bar_w.max(1.0))
    }
}

/// A chart drawn: its pixels and where its plot is.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub canvas: Canvas,
    pub plot: Plot,
}

/// A chart as a PNG file, with its size in pixels.
#[derive(Debug, Clone)]
pub struct ChartImage {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The chart as a PNG image [`IMAGE_WIDTH`] pixels wide.
pub fn chart_png(chart: &Chart) -> io::Result<ChartImage> {
    let drawn = draw(chart);
    Ok(ChartImage {
        png: drawn.canvas.to_png()?,
        width: drawn.canvas.width() as u32,
        height: drawn.canvas.height() as u32,
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month's name as its first three letters ("Sep"); other labels as given.
fn short_month(label: &str) -> String {
    let words: Vec<&str> = label.split(' ').collect();
    match words.first() {
        Some(first) if MONTHS.iter().any(|m| m.eq_ignore_ascii_case(first)) => {
            let mut s: String = first.chars().take(3).collect();
            for w in &words[1..] {
                s.push(' ');
                s.push_str(w);
            }
            s
        }
        _ => label.to_owned(),
    }
}

/// Draws the chart.
pub fn draw(chart: &Chart) -> Drawn {
    let s = TEXT_SCALE;
    let cap = (CAP * s) as f64;
    let line_h = (ROWS * s) as f64;
    let width = IMAGE_WIDTH as f64;
    let n_cats = chart.categories.len().max(1);
    let n_series = chart.series.len();

    // The value axis: as in the SVG.
    let max = chart
        .series
        .iter()
        .flat_map(|x| x.values.iter().flatten())
        .filter(|v| v.is_finite())
        .fold(0.0f64, |a, &b| a.max(b));
    let (top_value, step) = nice_scale(max);
    let ticks: Vec<(f64, String)> = (0..=200)
        .map(|k| k as f64 * step)
        .take_while(|v| *v <= top_value + step * 1e-9)
        .map(|v| (v, font5x7::normalise(&fmt_tick(v, &chart.unit))))
        .collect();
    let tick_w = ticks
        .iter()
        .map(|(_, t)| text_width(t, s))
        .max()
        .unwrap_or(0) as f64;

    // Category labels: flat if they all fit their band (months shortened
    // first), else turned.
    let right = width - RIGHT;
    let mut left = MARGIN + tick_w + 16.0;
    let band_at = |left: f64| (right - left) / n_cats as f64;
    let fits = |labels: &[String], band: f64| {
        labels
            .iter()
            .all(|l| text_width(l, s) as f64 <= band - 2.0 * s as f64)
    };
    let mut labels: Vec<String> = chart
        .categories
        .iter()
        .map(|c| font5x7::normalise(c))
        .collect();
    if !fits(&labels, band_at(left)) {
        let short: Vec<String> = labels.iter().map(|l| short_month(l)).collect();
        labels = short;
    }
    let turned = !fits(&labels, band_at(left));
    let (sin, cos) = LABEL_ANGLE_DEG.to_radians().sin_cos();
    if turned {
        labels = chart
            .categories
            .iter()
            .map(|c| font5x7::normalise(&truncate(c, LABEL_MAX_CHARS)))
            .collect();
        // Room on the left for the first labels' turned text.
        for _ in 0..8 {
            let band = band_at(left);
            let overhang = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let end_x = left + band * (i as f64 + 0.5);
                    MARGIN - (end_x - text_width(l, s) as f64 * cos - cap * sin)
                })
                .fold(0.0f64, f64::max);
            if overhang <= 0.5 {
                break;
            }
            left = (left + overhang).min(width / 2.0);
        }
    }
    let band = band_at(left);
    let longest = labels.iter().map(|l| text_width(l, s)).max().unwrap_or(0) as f64;
    let label_space = if turned {
        16.0 + cap * cos + longest * sin + line_h + 8.0
    } else {
        16.0 + line_h + 16.0
    };

    // The legend: swatch and name, flowing across, wrapping.
    let swatch_w = if chart.kind == ChartKind::Line {
        SWATCH * 2.0
    } else {
        SWATCH
    };
    let max_name_w = width - 2.0 * MARGIN - swatch_w - 16.0;
    let names: Vec<String> = chart
        .series
        .iter()
        .map(|x| {
            let name = font5x7::normalise(&x.name);
            let fit = (max_name_w as usize / (ADVANCE * s)).max(4);
            if name.chars().count() > fit {
                font5x7::normalise(&truncate(&name, fit - 2))
            } else {
                name
            }
        })
        .collect();
    let mut legend: Vec<(f64, usize)> = Vec::new(); // (x, row) per series
    let (mut lx, mut row) = (left, 0usize);
    for name in &names {
        let item_w = swatch_w + 16.0 + text_width(name, s) as f64;
        if lx > left && lx + item_w > width - MARGIN {
            lx = left;
            row += 1;
        }
        legend.push((lx, row));
        lx += item_w + 48.0;
    }
    let legend_rows = if names.is_empty() { 0 } else { row + 1 };

    let plot = Plot {
        left,
        right,
        top: TOP,
        bottom: TOP + PLOT_HEIGHT,
        band,
        max: top_value,
    };
    let legend_top = plot.bottom + label_space;
    let height = (legend_top + LEGEND_ROW * legend_rows as f64 + 16.0).ceil() as usize;
    let mut cv = Canvas::new(IMAGE_WIDTH, height, WHITE);

    // Gridlines and value labels.
    for (v, label) in &ticks {
        let y = plot.y(*v);
        cv.fill_rect(left, y - 1.0, right, y + 1.0, Paint::Solid(GRID));
        cv.text(left - 12.0, y + cap / 2.0, label, s, INK, Anchor::End);
    }

    match chart.kind {
        ChartKind::Bar => {
            for (si, series) in chart.series.iter().enumerate() {
                let paint = Paint::for_series(si);
                for (ci, value) in series.values.iter().enumerate().take(n_cats) {
                    let Some(v) = value.filter(|v| v.is_finite()) else {
                        continue;
                    };
                    let (x0, x1) = plot.bar_x(ci, si, n_series);
                    // A hairline of white between neighbouring bars.
                    let inset = if x1 - x0 > 8.0 { 1.0 } else { 0.0 };
                    cv.fill_rect(x0 + inset, plot.y(v), x1 - inset, plot.bottom, paint);
                }
            }
        }
        ChartKind::Line => {
            for (si, series) in chart.series.iter().enumerate() {
                let colour = series_colour(si);
                let dash = (si > 0).then_some(DASH);
                let point = |ci: usize, v: &Option<f64>| {
                    v.filter(|v| v.is_finite())
                        .map(|v| (plot.category_x(ci), plot.y(v)))
                };
                // One polyline per run of known values: gaps stay gaps.
                let mut run: Vec<(f64, f64)> = Vec::new();
                for (ci, value) in series.values.iter().enumerate().take(n_cats) {
                    match point(ci, value) {
                        Some(p) => run.push(p),
                        None => {
                            cv.polyline(&run, LINE_WIDTH, colour, dash);
                            run.clear();
                        }
                    }
                }
                cv.polyline(&run, LINE_WIDTH, colour, dash);
                for (ci, value) in series.values.iter().enumerate().take(n_cats) {
                    if let Some((x, y)) = point(ci, value) {
                        marker(&mut cv, si, x, y, colour);
                    }
                }
            }
        }
    }

    // The category axis and its labels.
    cv.fill_rect(
        left,
        plot.bottom - 1.5,
        right,
        plot.bottom + 1.5,
        Paint::Solid(INK),
    );
    for (ci, label) in labels.iter().enumerate() {
        let x = plot.category_x(ci);
        if turned {
            let y = plot.bottom + 16.0 + cap * cos;
            cv.text_turned(x, y, label, s, INK, LABEL_ANGLE_DEG);
        } else {
            cv.text(x, plot.bottom + 16.0 + cap, label, s, INK, Anchor::Middle);
        }
    }

    // The legend.
    for (si, (name, &(x, row))) in names.iter().zip(&legend).enumerate() {
        let y = legend_top + LEGEND_ROW * row as f64;
        let mid = y + SWATCH / 2.0;
        match chart.kind {
            ChartKind::Bar => {
                cv.fill_rect(x, y, x + SWATCH, y + SWATCH, Paint::for_series(si));
            }
            ChartKind::Line => {
                let colour = series_colour(si);
                let dash = (si > 0).then_some(DASH);
                cv.polyline(&[(x, mid), (x + swatch_w, mid)], LINE_WIDTH, colour, dash);
                marker(&mut cv, si, x + swatch_w / 2.0, mid, colour);
            }
        }
        cv.text(
            x + swatch_w + 16.0,
            mid + cap / 2.0,
            name,
            s,
            INK,
            Anchor::Start,
        );
    }

    Drawn { canvas: cv, plot }
}

/// A line chart's point marker: round for the first series, square after
/// (as in the SVG).
fn marker(cv: &mut Canvas, series: usize, x: f64, y: f64, c: Rgb) {
    if series == 0 {
        cv.fill_circle(x, y, MARKER, c);
    } else {
        cv.fill_rect(
            x - MARKER,
            y - MARKER,
            x + MARKER,
            y + MARKER,
            Paint::Solid(c),
        );
    }
}

// ---------------------------------------------------------------------------
// PNG

pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// The CRC-32 (ISO 3309, as PNG uses) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> io::Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "PNG chunk too long"))?;
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}

/// An 8-bit RGB PNG of `width` × `height` pixels from `rgb` (row by row,
/// three bytes a pixel). Each row is filtered with whichever of None, Sub
/// and Up leaves the smallest differences, then deflated (zlib).
pub fn encode_png(width: usize, height: usize, rgb: &[u8]) -> io::Result<Vec<u8>> {
    let invalid = |m: &str| io::Error::new(io::ErrorKind::InvalidInput, m.to_owned());
    if width == 0 || height == 0 {
        return Err(invalid("a PNG needs at least one pixel"));
    }
    let (w32, h32) = (
        u32::try_from(width).map_err(|_| invalid("PNG too wide"))?,
        u32::try_from(height).map_err(|_| invalid("PNG too tall"))?,
    );
    let stride = width * 3;
    if rgb.len() != stride * height {
        return Err(invalid("pixel buffer does not match the PNG size"));
    }
    let mut filtered = Vec::with_capacity((stride + 1) * height);
    let zero = vec![0u8; stride];
    let mut candidates = [vec![0u8; stride], vec![0u8; stride], vec![0u8; stride]];
    for y in 0..height {
        let row = &rgb[y * stride..(y + 1) * stride];
        let prev = if y == 0 {
            &zero[..]
        } else {
            &rgb[(y - 1) * stride..y * stride]
        };
        for i in 0..stride {
            let left = if i >= 3 { row[i - 3] } else { 0 };
            candidates[0][i] = row[i];
            candidates[1][i] = row[i].wrapping_sub(left);
            candidates[2][i] = row[i].wrapping_sub(prev[i]);
        }
        let cost = |c: &Vec<u8>| {
            c.iter()
                .map(|&b| (b as i8).unsigned_abs() as u64)
                .sum::<u64>()
        };
        let best = (0..3).min_by_key(|&f| cost(&candidates[f])).unwrap_or(0);
        filtered.push(best as u8);
        filtered.extend_from_slice(&candidates[best]);
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::new(6));
    z.write_all(&filtered)?;
    let idat = z.finish()?;

    let mut out = Vec::with_capacity(idat.len() + 64);
    out.extend_from_slice(&PNG_SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w32.to_be_bytes());
    ihdr.extend_from_slice(&h32.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no
    // interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr)?;
    chunk(&mut out, b"IDAT", &idat)?;
    chunk(&mut out, b"IEND", &[])?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::model::Series;

    /// CRC-32 from its definition (bit by bit), to check the one used.
    fn crc_by_definition(bytes: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for &b in bytes {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    struct Decoded {
        width: usize,
        height: usize,
        rgb: Vec<u8>,
        chunks: Vec<String>,
    }

    /// A strict decoder for what `encode_png` writes: checks the signature,
    /// every chunk's CRC, the header, and undoes the filters.
    fn decode(png: &[u8]) -> Decoded {
        assert_eq!(png[..8], PNG_SIGNATURE, "signature");
        let mut pos = 8;
        let (mut width, mut height) = (0, 0);
        let mut idat = Vec::new();
        let mut chunks = Vec::new();
        while pos < png.len() {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            let kind = &png[pos + 4..pos + 8];
            let data = &png[pos + 8..pos + 8 + len];
            let crc = u32::from_be_bytes(png[pos + 8 + len..pos + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc_by_definition(&png[pos + 4..pos + 8 + len]), "CRC");
            let name = String::from_utf8(kind.to_vec()).unwrap();
            match name.as_str() {
                "IHDR" => {
                    assert_eq!(len, 13);
                    width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                    height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                    assert_eq!(data[8..], [8, 2, 0, 0, 0], "8-bit RGB");
                }
                "IDAT" => idat.extend_from_slice(data),
                "IEND" => assert_eq!(len, 0),
                other => panic!("unexpected chunk {other}"),
            }
            chunks.push(name);
            pos += 12 + len;
        }
        assert_eq!(pos, png.len());
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&idat[..])
            .read_to_end(&mut raw)
            .expect("a zlib stream");
        let stride = width * 3;
        assert_eq!(raw.len(), (stride + 1) * height);
        let mut rgb: Vec<u8> = Vec::with_capacity(stride * height);
        for y in 0..height {
            let f = raw[y * (stride + 1)];
            let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
            for i in 0..stride {
                let left = if i >= 3 { rgb[y * stride + i - 3] } else { 0 };
                let up = if y > 0 { rgb[(y - 1) * stride + i] } else { 0 };
                let v = match f {
                    0 => line[i],
                    1 => line[i].wrapping_add(left),
                    2 => line[i].wrapping_add(up),
                    other => panic!("filter {other}"),
                };
                rgb.push(v);
            }
        }
        Decoded {
            width,
            height,
            rgb,
            chunks,
        }
    }

    #[test]
    fn crc_matches_the_definition_and_a_known_value() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        assert_eq!(crc32(&data), crc_by_definition(&data));
    }

    #[test]
    fn png_round_trips_pixels_exactly() {
        // Flat areas, a gradient and noise, so every filter gets used.
        let (w, h) = (37, 23);
        let mut rgb = Vec::new();
        let mut seed = 12345u32;
        for y in 0..h {
            for x in 0..w {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let px = match (x / 10, y / 8) {
                    (0, _) => [200, 10, 30],
                    (1, _) => [(x * 7) as u8, (y * 11) as u8, 128],
                    _ => [(seed >> 16) as u8, (seed >> 8) as u8, seed as u8],
                };
                rgb.extend_from_slice(&px);
            }
        }
        let png = encode_png(w, h, &rgb).unwrap();
        let d = decode(&png);
        assert_eq!((d.width, d.height), (w, h));
        assert_eq!(d.chunks, ["IHDR", "IDAT", "IEND"]);
        assert!(d.rgb == rgb, "pixels differ after decoding");
    }

    #[test]
    fn png_refuses_a_wrong_buffer() {
        assert!(encode_png(2, 2, &[0; 11]).is_err());
        assert!(encode_png(0, 5, &[]).is_err());
    }

    fn chart(kind: ChartKind, categories: &[&str], series: &[(&str, &[Option<f64>])]) -> Chart {
        Chart {
            id: "c".into(),
            title: "T".into(),
            description: "D".into(),
            kind,
            categories: categories.iter().map(|s| s.to_string()).collect(),
            series: series
                .iter()
                .map(|(n, v)| Series {
                    name: n.to_string(),
                    values: v.to_vec(),
                })
                .collect(),
            unit: String::new(),
            table_id: "t".into(),
        }
    }

    /// How many pixels up from the axis the column at `x` keeps a colour
    /// that `is_bar` accepts.
    fn column_height(d: &Drawn, x: f64, is_bar: impl Fn(Rgb) -> bool) -> usize {
        let x = x as usize;
        let mut y = d.plot.bottom as usize - 3;
        let mut n = 0;
        while y > 0 && is_bar(d.canvas.pixel(x, y).unwrap()) {
            n += 1;
            y -= 1;
        }
        n
    }

    #[test]
    fn bars_stand_where_the_data_say() {
        let c = chart(
            ChartKind::Bar,
            &["Under 1", "1 to 4", "5 to 9", "10 to 15"],
            &[("2021-22", &[Some(10.0), Some(40.0), None, Some(0.0)])],
        );
        let d = draw(&c);
        let blue = series_colour(0);
        assert_eq!(blue, [0x1d, 0x70, 0xb8]);
        assert_eq!(d.plot.max, 40.0);
        let mid = |i| {
            let (a, b) = d.plot.bar_x(i, 0, 1);
            (a + b) / 2.0
        };
        // Inside the tallest bar, near its top: the bar colour; just above
        // it: background.
        let top = d.plot.y(40.0);
        assert_eq!(
            d.canvas.pixel(mid(1) as usize, top as usize + 4),
            Some(blue)
        );
        assert_eq!(
            d.canvas.pixel(mid(1) as usize, top as usize - 6),
            Some(WHITE)
        );
        // Heights in proportion to the values: 10 is a quarter of 40.
        let h10 = column_height(&d, mid(0), |p| p == blue) as f64;
        let h40 = column_height(&d, mid(1), |p| p == blue) as f64;
        assert!((h40 - (d.plot.bottom - top)).abs() <= 3.0, "{h40}");
        assert!((h10 / h40 - 0.25).abs() < 0.01, "{h10} / {h40}");
        // A gap is not drawn as zero or anything else; zero draws nothing.
        assert_eq!(column_height(&d, mid(2), |p| p == blue), 0);
        assert_eq!(column_height(&d, mid(3), |p| p == blue), 0);
        let half = d.plot.y(15.0) as usize;
        assert_eq!(d.canvas.pixel(mid(2) as usize, half), Some(WHITE));
    }

    #[test]
    fn grouped_bars_sit_side_by_side_and_differ_in_greyscale() {
        let v: &[Option<f64>] = &[Some(30.0), Some(20.0)];
        let c = chart(
            ChartKind::Bar,
            &["A", "B"],
            &[("one", v), ("two", v), ("three", v), ("four", v)],
        );
        let d = draw(&c);
        let y = d.plot.y(10.0);
        for s in 0..4 {
            let colour = series_colour(s);
            let (a, b) = d.plot.bar_x(0, s, 4);
            // Every pixel across the bar is the series colour or its light
            // pattern.
            let across: Vec<Rgb> = ((a + 2.0) as usize..(b - 2.0) as usize)
                .map(|x| d.canvas.pixel(x, y as usize).unwrap())
                .collect();
            assert!(
                across
                    .iter()
                    .all(|&p| p == colour || p == lighten(colour, 0.6)),
                "series {s}"
            );
        }
        // Series told apart in greyscale: by mean grey or by pattern.
        let grey = |p: Rgb| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
        let stats: Vec<(f64, f64)> = (0..4)
            .map(|s| {
                let (a, b) = d.plot.bar_x(0, s, 4);
                let ys = d.plot.y(25.0) as usize..d.plot.y(5.0) as usize;
                let g: Vec<f64> = ys
                    .flat_map(|y| (a as usize + 2..b as usize - 2).map(move |x| (x, y)))
                    .map(|(x, y)| grey(d.canvas.pixel(x, y).unwrap()))
                    .collect();
                let mean = g.iter().sum::<f64>() / g.len() as f64;
                let sd =
                    (g.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / g.len() as f64).sqrt();
                (mean, sd)
            })
            .collect();
        for i in 0..4 {
            for j in i + 1..4 {
                let (a, b) = (stats[i], stats[j]);
                assert!(
                    (a.0 - b.0).abs() > 12.0 || (a.1 - b.1).abs() > 12.0,
                    "series {i} and {j} look alike in grey: {a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn lines_join_known_months_and_leave_gaps() {
        let c = chart(
            ChartKind::Line,
            &["April", "May", "June", "July", "August"],
            &[
                (
                    "2021-22",
                    &[Some(4.0), Some(8.0), None, Some(8.0), Some(4.0)],
                ),
                ("2020-21", &[Some(2.0), Some(2.0), Some(2.0), None, None]),
            ],
        );
        let d = draw(&c);
        let (blue, red) = (series_colour(0), series_colour(1));
        let at = |x: f64, y: f64| d.canvas.pixel(x as usize, y as usize).unwrap();
        // Markers on the data points.
        assert_eq!(at(d.plot.category_x(0), d.plot.y(4.0)), blue);
        assert_eq!(at(d.plot.category_x(1), d.plot.y(8.0)), blue);
        assert_eq!(at(d.plot.category_x(0), d.plot.y(2.0)), red);
        // The line between April and May: at the midpoint.
        let mx = (d.plot.category_x(0) + d.plot.category_x(1)) / 2.0;
        assert_eq!(at(mx, d.plot.y(6.0)), blue);
        // June is unknown for this year: nothing blue in its column.
        let x = d.plot.category_x(2) as usize;
        assert!((0..d.canvas.height()).all(|y| d.canvas.pixel(x, y) != Some(blue)));
        // Last year's line is dashed: along it there are gaps.
        let y2 = d.plot.y(2.0) as usize;
        let from = d.plot.category_x(0) as usize + 12;
        let to = d.plot.category_x(1) as usize - 12;
        let reds = (from..to)
            .filter(|&x| d.canvas.pixel(x, y2) == Some(red))
            .count();
        assert!(reds > (to - from) / 3 && reds < to - from, "{reds}");
    }

    /// Ink in the box, as a count of dark pixels.
    fn ink(d: &Canvas, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| d.pixel(x, y).is_some_and(|p| p[0] < 128 && p[1] < 128))
            .count()
    }

    #[test]
    fn text_is_drawn_in_its_box_and_nowhere_else() {
        let mut c = Canvas::new(200, 60, WHITE);
        c.text(10.0, 40.0, "Ag1", 3, INK, Anchor::Start);
        let w = text_width("Ag1", 3);
        assert_eq!(w, (3 * 6 - 1) * 3);
        let top = 40 - 7 * 3;
        let total = ink(&c, 0, 0, 200, 60);
        assert!(total > 100);
        assert_eq!(ink(&c, 10, top, 10 + w, top + 9 * 3), total);
        // The g's descender reaches below the baseline.
        assert!(ink(&c, 10, 40, 10 + w, 60) > 0);
        // The A's crossbar: row 3 of the glyph is fully inked.
        let row = top + 3 * 3 + 1;
        assert_eq!(ink(&c, 10, row, 10 + 15, row + 1), 15);
    }

    #[test]
    fn labels_axis_and_legend_are_drawn() {
        let c = chart(
            ChartKind::Bar,
            &["Foster placement with a relative or friend", "Other"],
            &[("2021-22", &[Some(3.0), Some(5.0)])],
        );
        let d = draw(&c);
        let cv = &d.canvas;
        // Long labels are turned: their ink runs down and to the left of
        // the first tick, below the plot.
        let x = d.plot.category_x(0) as usize;
        let below = d.plot.bottom as usize + 8;
        assert!(ink(cv, 0, below, x, cv.height()) > 300);
        // Value labels to the left of the plot.
        assert!(ink(cv, 0, 0, d.plot.left as usize - 4, d.plot.bottom as usize) > 100);
        // The legend: the swatch in the series colour near the bottom.
        let legend_y = cv.height() - 16 - (LEGEND_ROW as usize) + (SWATCH as usize) / 2;
        let sx = d.plot.left as usize + 10;
        assert_eq!(cv.pixel(sx, legend_y), Some(series_colour(0)));
        // Nothing is lost off the left edge.
        assert_eq!(ink(cv, 0, 0, 3, cv.height()), 0);
        // Short labels stay flat, months shortened when they must be.
        let months = chart(
            ChartKind::Line,
            &MONTHS,
            &[("Held", &[Some(1.0); 12] as &[Option<f64>])],
        );
        let m = draw(&months);
        assert!(m.canvas.height() < d.canvas.height());
        assert_eq!(short_month("September"), "Sep");
        assert_eq!(short_month("Sept 2021"), "Sept 2021");
        assert_eq!(short_month("April 2021"), "Apr 2021");
    }

    #[test]
    fn odd_input_draws_without_panicking() {
        let long = "x".repeat(500);
        let cases = [
            chart(ChartKind::Bar, &[], &[]),
            chart(ChartKind::Line, &["a"], &[("s", &[])]),
            chart(
                ChartKind::Bar,
                &["–½£漢", &long],
                &[(
                    &long,
                    &[Some(f64::NAN), Some(f64::INFINITY), Some(-3.0), Some(1e300)],
                )],
            ),
            chart(
                ChartKind::Line,
                &["a", "b", "c"],
                &[
                    ("1", &[Some(0.0), Some(0.0), Some(0.0)]),
                    ("2", &[None, None, None]),
                    ("3", &[Some(1.5), None, Some(f64::MAX)]),
                    ("4", &[Some(1.0)]),
                    ("5", &[Some(2.0), Some(3.0)]),
                ],
            ),
        ];
        for c in &cases {
            let img = chart_png(c).expect("encodes");
            let d = decode(&img.png);
            assert_eq!((d.width as u32, d.height as u32), (img.width, img.height));
            assert_eq!(d.width, IMAGE_WIDTH);
        }
    }

    #[test]
    #[ignore = "writes target/chart-sample-*.png to look at"]
    fn write_samples() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
        let by_month = chart(
            ChartKind::Line,
            &MONTHS[3..]
                .iter()
                .chain(&MONTHS[..3])
                .copied()
                .collect::<Vec<_>>(),
            &[
                (
                    "2021-22",
                    &[
                        Some(31.0),
                        Some(28.0),
                        Some(35.0),
                        None,
                        Some(30.0),
                        Some(26.0),
                        Some(33.0),
                        Some(37.0),
                        Some(29.0),
                        Some(34.0),
                        Some(36.0),
                        Some(32.0),
                    ],
                ),
                (
                    "2020-21",
                    &[
                        Some(22.0),
                        Some(25.0),
                        Some(24.0),
                        Some(27.0),
                        Some(23.0),
                        Some(21.0),
                        Some(26.0),
                        Some(28.0),
                        Some(25.0),
                        Some(24.0),
                        Some(27.0),
                        Some(26.0),
                    ],
                ),
            ],
        );
        let mut participation = chart(
            ChartKind::Bar,
            &[
                "PN0 – under 4 at the time of the review",
                "PN1 – attended and spoke for themselves",
                "PN2 – attended, an advocate spoke",
                "PN3 – attended, conveyed views non-verbally",
                "PN4 – attended, did not convey views",
                "PN5 – did not attend, advocate briefed",
                "PN6 – did not attend, conveyed by another method",
                "PN7 – did not attend or convey views",
            ],
            &[
                (
                    "2021-22",
                    &[
                        Some(12.0),
                        Some(45.0),
                        Some(6.0),
                        Some(3.0),
                        None,
                        Some(9.0),
                        Some(17.0),
                        Some(4.0),
                    ],
                ),
                (
                    "2020-21",
                    &[
                        Some(10.0),
                        Some(38.0),
                        Some(8.0),
                        Some(2.0),
                        Some(1.0),
                        Some(7.0),
                        Some(20.0),
                        Some(6.0),
                    ],
                ),
            ],
        );
        participation.unit = String::new();
        for (name, c) in [("line", by_month), ("bar", participation)] {
            let img = chart_png(&c).unwrap();
            std::fs::write(dir.join(format!("chart-sample-{name}.png")), &img.png).unwrap();
        }
    }
}
