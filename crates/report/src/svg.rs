//! Charts drawn as SVG on the server: grouped bar charts and line charts by
//! month. No JavaScript. Each chart has a `<title>` and `<desc>`, and the
//! report puts its data table right after it. A missing value (suppressed or
//! not known) is a gap, never drawn as zero.

use std::fmt::Write;

use crate::font;
use crate::model::{Chart, ChartKind};

/// Colours with enough contrast on white, told apart by shape as well (bars
/// side by side in legend order; lines with different markers).
pub(crate) const COLOURS: [&str; 4] = ["#1d70b8", "#d4351c", "#00703c", "#6f72af"];

const WIDTH: f64 = 640.0;
/// The narrowest left margin (the value axis' labels may need more).
const MIN_LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const PLOT_HEIGHT: f64 = 220.0;
/// Axis and category labels, in pixels.
const LABEL_SIZE: f64 = 10.0;
const LEGEND_SIZE: f64 = 11.0;
/// Category labels too wide for their band are turned by this angle
/// (anticlockwise, ending under their tick).
const LABEL_ANGLE_DEG: f64 = 40.0;
/// Longest category label, in characters (turned or not).
const LABEL_MAX_CHARS: usize = 28;
/// Room kept between a label and the edge of the picture.
const EDGE: f64 = 4.0;

/// Escapes text for XML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A round axis maximum at or above `max`, and the step between gridlines.
pub(crate) fn nice_scale(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let step = if step < 1.0 && max >= 1.0 { 1.0 } else { step };
    ((max / step).ceil() * step, step)
}

pub(crate) fn fmt_tick(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}{unit}", v.round() as i64)
    } else {
        format!("{v:.1}{unit}")
    }
}

/// The value axis: its lowest and highest values and the step between
/// gridlines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub low: f64,
    pub high: f64,
    pub step: f64,
}

/// The value axis for `chart`. Bars always stand on zero. A line whose
/// values all lie in the upper half of the range from zero is drawn on an
/// axis that starts at a round value below its lowest point, so that the
/// change it charts shows (the lowest tick is labelled, so the reader sees
/// where the axis starts).
pub fn axis(chart: &Chart) -> Axis {
    let values = || chart.series.iter().flat_map(|s| s.values.iter().flatten());
    let max = values().fold(0.0f64, |a, &b| a.max(b));
    let min = values().fold(f64::INFINITY, |a, &b| a.min(b));
    let (high, step) = nice_scale(max);
    let zero = Axis {
        low: 0.0,
        high,
        step,
    };
    if chart.kind == ChartKind::Bar || !min.is_finite() || min <= 0.0 || min < max / 2.0 {
        return zero;
    }
    let (_, step) = nice_scale(max - min);
    let low = (min / step).floor() * step;
    let high = ((max / step).ceil() * step).max(low + step);
    if low <= 0.0 {
        return zero;
    }
    Axis { low, high, step }
}

/// Where everything of a chart goes: worked out from the widths of its
/// labels in the chart font, so that no label runs off the picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Left edge of the plot.
    pub left: f64,
    /// Width of each category's band.
    pub band: f64,
    /// Whether the category labels are turned.
    pub turned: bool,
    /// Height below the plot taken by the category labels.
    pub label_space: f64,
    pub axis: Axis,
    /// The category labels as drawn (shortened if very long).
    pub labels: Vec<String>,
}

impl Layout {
    pub fn new(chart: &Chart) -> Self {
        let axis = axis(chart);
        let cats = chart.categories.len().max(1) as f64;
        let tick_width = ticks(&axis)
            .map(|v| font::text_width(&fmt_tick(v, &chart.unit), LABEL_SIZE))
            .fold(0.0f64, f64::max);
        let mut left = MIN_LEFT.max(tick_width + 8.0 + EDGE);
        let labels: Vec<String> = chart
            .categories
            .iter()
            .map(|c| truncate(c, LABEL_MAX_CHARS))
            .collect();
        let widths: Vec<f64> = labels
            .iter()
            .map(|l| font::text_width(l, LABEL_SIZE))
            .collect();
        let band = |left: f64| (WIDTH - left - RIGHT) / cats;
        let turned = widths.iter().any(|w| *w > band(left) - 4.0);
        let (cos, sin) = {
            let a = LABEL_ANGLE_DEG.to_radians();
            (a.cos(), a.sin())
        };
        let label_space = if turned {
            // A turned label ends under its tick and runs down and to the
            // left: the plot moves right until the first labels fit.
            for _ in 0..8 {
                let b = band(left);
                let need = widths
                    .iter()
                    .enumerate()
                    .map(|(i, w)| w * cos + LABEL_SIZE * sin + EDGE - b * (i as f64 + 0.5))
                    .fold(0.0f64, f64::max);
                if need <= left + 0.01 {
                    break;
                }
                left = need;
            }
            widths.iter().fold(0.0f64, |a, w| a.max(w * sin)) + LABEL_SIZE * cos + 16.0
        } else {
            28.0
        };
        let legend_rows = chart.series.len() as f64;
        let height = TOP + PLOT_HEIGHT + label_space + 18.0 * legend_rows + 8.0;
        Layout {
            width: WIDTH,
            height,
            left,
            band: band(left),
            turned,
            label_space,
            axis,
            labels,
        }
    }

    /// The y of value `v`.
    pub fn y(&self, v: f64) -> f64 {
        let a = &self.axis;
        TOP + PLOT_HEIGHT - (v - a.low) / (a.high - a.low) * PLOT_HEIGHT
    }

    /// The middle of category `i`'s band.
    pub fn x(&self, i: usize) -> f64 {
        self.left + self.band * i as f64 + self.band / 2.0
    }
}

fn ticks(axis: &Axis) -> impl Iterator<Item = f64> + '_ {
    let n = ((axis.high - axis.low) / axis.step + 1e-9).floor() as usize;
    (0..=n).map(move |i| axis.low + axis.step * i as f64)
}

/// The chart as an `<svg>` element.
pub fn render(chart: &Chart) -> String {
    let l = Layout::new(chart);
    let (left, band, height) = (l.left, l.band, l.height);
    let y = |v: f64| l.y(v);
    let title_id = format!("{}-title", chart.id);
    let desc_id = format!("{}-desc", chart.id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.1}" width="{WIDTH}" height="{height:.1}" font-family="{}" aria-labelledby="{title_id} {desc_id}"><title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
        font::FONT_FAMILY,
        escape(&chart.title),
        escape(&chart.description)
    );
    // Gridlines and the value axis.
    for v in ticks(&l.axis) {
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#b1b4b6" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="{LABEL_SIZE}" text-anchor="end" fill="#0b0c0c">{}</text>"##,
            WIDTH - RIGHT,
            left - 4.0,
            yy + 3.0,
            fmt_tick(v, &chart.unit)
        );
    }
    match chart.kind {
        ChartKind::Bar => {
            let n = chart.series.len().max(1) as f64;
            let bar_w = (band * 0.8) / n;
            for (si, series) in chart.series.iter().enumerate() {
                let colour = COLOURS[si % COLOURS.len()];
                for (ci, value) in series.values.iter().enumerate() {
                    let Some(v) = value else { continue };
                    let x = left + band * ci as f64 + band * 0.1 + bar_w * si as f64;
                    let _ = write!(
                        s,
                        r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}: {}, {}</title></rect>"#,
                        y(*v),
                        bar_w.max(1.0),
                        (TOP + PLOT_HEIGHT - y(*v)).max(0.0),
                        escape(&series.name),
                        escape(chart.categories.get(ci).map_or("", String::as_str)),
                        fmt_tick(*v, &chart.unit)
                    );
                }
            }
        }
        ChartKind::Line => {
            for (si, series) in chart.series.iter().enumerate() {
                let colour = COLOURS[si % COLOURS.len()];
                let dash = if si == 0 {
                    ""
                } else {
                    r#" stroke-dasharray="6 3""#
                };
                // One polyline per run of known values: gaps stay gaps.
                let mut run: Vec<(f64, f64)> = Vec::new();
                let flush = |run: &mut Vec<(f64, f64)>, s: &mut String| {
                    if run.len() > 1 {
                        let pts: Vec<String> =
                            run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                        let _ = write!(
                            s,
                            r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
                            pts.join(" ")
                        );
                    }
                    run.clear();
                };
                for (ci, value) in series.values.iter().enumerate() {
                    let x = l.x(ci);
                    match value {
                        Some(v) => {
                            run.push((x, y(*v)));
                            let marker = if si == 0 {
                                format!(
                                    r#"<circle cx="{x:.1}" cy="{:.1}" r="3" fill="{colour}">"#,
                                    y(*v)
                                )
                            } else {
                                format!(
                                    r#"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="{colour}">"#,
                                    x - 3.0,
                                    y(*v) - 3.0
                                )
                            };
                            let tag = if si == 0 { "circle" } else { "rect" };
                            let _ = write!(
                                s,
                                "{marker}<title>{}: {}, {}</title></{tag}>",
                                escape(&series.name),
                                escape(chart.categories.get(ci).map_or("", String::as_str)),
                                fmt_tick(*v, &chart.unit)
                            );
                        }
                        None => flush(&mut run, &mut s),
                    }
                }
                flush(&mut run, &mut s);
            }
        }
    }
    // Category labels.
    for (ci, label) in l.labels.iter().enumerate() {
        let x = l.x(ci);
        let yy = TOP + PLOT_HEIGHT + 12.0;
        if l.turned {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{yy:.1}" font-size="{LABEL_SIZE}" text-anchor="end" fill="#0b0c0c" transform="rotate(-{LABEL_ANGLE_DEG} {x:.1} {yy:.1})">{}</text>"##,
                escape(label)
            );
        } else {
            let _ = write!(
                s,
                r##"<text x="{x:.1}" y="{yy:.1}" font-size="{LABEL_SIZE}" text-anchor="middle" fill="#0b0c0c">{}</text>"##,
                escape(label)
            );
        }
    }
    // Axis and legend.
    let _ = write!(
        s,
        r##"<line x1="{left:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#0b0c0c"/>"##,
        TOP + PLOT_HEIGHT,
        WIDTH - RIGHT,
        TOP + PLOT_HEIGHT
    );
    for (si, series) in chart.series.iter().enumerate() {
        let yy = TOP + PLOT_HEIGHT + l.label_space + 18.0 * si as f64;
        let colour = COLOURS[si % COLOURS.len()];
        let _ = write!(
            s,
            r##"<rect x="{left:.1}" y="{:.1}" width="12" height="12" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="{LEGEND_SIZE}" fill="#0b0c0c">{}</text>"##,
            yy,
            left + 18.0,
            yy + 10.0,
            escape(&series.name)
        );
    }
    s.push_str("</svg>");
    s
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Series;

    fn chart(kind: ChartKind, values: Vec<Option<f64>>) -> Chart {
        Chart {
            id: "c1".into(),
            title: "Reviews <by> month".into(),
            description: "A & B".into(),
            kind,
            categories: (0..values.len()).map(|i| format!("M{i}")).collect(),
            series: vec![Series {
                name: "2021-22".into(),
                values,
            }],
            unit: String::new(),
            table_id: "t1".into(),
        }
    }

    #[test]
    fn bars_have_title_desc_and_one_rect_per_known_value() {
        let svg = render(&chart(ChartKind::Bar, vec![Some(3.0), None, Some(10.0)]));
        assert!(svg.contains("<title id=\"c1-title\">Reviews &lt;by&gt; month</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">A &amp; B</desc>"));
        // Two bars (the gap is not drawn) plus one legend swatch.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn a_gap_splits_the_line() {
        let svg = render(&chart(
            ChartKind::Line,
            vec![Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)],
        ));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
    }

    #[test]
    fn scale_is_round() {
        assert_eq!(nice_scale(37.0), (40.0, 10.0));
        assert_eq!(nice_scale(0.0), (1.0, 0.25));
        assert_eq!(nice_scale(100.0), (100.0, 25.0));
    }
}
