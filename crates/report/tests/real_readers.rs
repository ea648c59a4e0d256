//! The report's files opened by real programs, not by our own code:
//! the PDF printed by headless Chromium, and the Word and Excel files
//! converted by LibreOffice (as a council's own office software would open
//! them). `scripts/test` installs Debian's `chromium` and LibreOffice; when
//! one is missing these tests fail and say what to install, unless
//! FOOTPRINT_SKIP_BROWSER=1 / FOOTPRINT_SKIP_OFFICE=1 is set.

mod common;

use std::path::Path;
use std::process::Command;

use footprint_report::Format;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

#[test]
fn the_pdf_is_printed_by_chromium() {
    if skip("FOOTPRINT_SKIP_BROWSER") {
        eprintln!("SKIPPED (FOOTPRINT_SKIP_BROWSER=1): the PDF test");
        return;
    }
    let r = common::report(false);
    let pdf = r
        .render(Format::Pdf)
        .expect("PDF output needs Chromium: install Debian's chromium package (scripts/test does)");
    assert!(pdf.starts_with(b"%PDF"));
    // A real multi-page document, not an error page.
    let marker = b"/Type /Page";
    let pages = pdf
        .windows(marker.len() + 1)
        .filter(|w| w.starts_with(marker) && w[marker.len()] != b's')
        .count();
    assert!(pdf.len() > 20_000, "{} bytes", pdf.len());
    assert!(pages >= 3, "{pages} pages");
    // Every page is numbered ("Page N of M"), as poppler reads the text.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = pdf_pages(&file);
    let n = text.len();
    assert_eq!(n, pages, "pdftotext reads every page");
    for (i, page) in text.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {n}", i + 1)),
            "page {} has no page number: {page}",
            i + 1
        );
    }
    // No year in a table heading is split over two lines.
    let all = text.join("\n");
    assert!(
        !all.lines().any(|l| l.trim_end().ends_with("2021-")),
        "a year split in two"
    );
}

/// The text of each page of the PDF `file`, read by poppler's pdftotext.
fn pdf_pages(file: &Path) -> Vec<String> {
    assert!(
        Command::new("pdftotext").arg("-v").output().is_ok(),
        "pdftotext is not installed: apt-get install poppler-utils (scripts/test does)"
    );
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Converts `file` to PDF with LibreOffice and returns the PDF's size.
fn libreoffice_converts(file: &Path, out: &Path) -> u64 {
    let profile = out.join("profile");
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .env("HOME", out)
        .output()
        .expect("soffice runs");
    assert!(
        o.status.success(),
        "LibreOffice failed on {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let pdf = out.join(file.with_extension("pdf").file_name().unwrap());
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| {
        panic!(
            "LibreOffice wrote no PDF for {} ({e}): {}",
            file.display(),
            String::from_utf8_lossy(&o.stdout)
        )
    });
    assert!(bytes.starts_with(b"%PDF"));
    bytes.len() as u64
}

#[test]
fn libreoffice_opens_the_word_and_excel_reports() {
    if skip("FOOTPRINT_SKIP_OFFICE") {
        eprintln!("SKIPPED (FOOTPRINT_SKIP_OFFICE=1): the LibreOffice test");
        return;
    }
    assert!(
        have("soffice"),
        "LibreOffice is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (scripts/test does), or set FOOTPRINT_SKIP_OFFICE=1"
    );
    let dir = tempfile::tempdir().unwrap();
    let r = common::report(false);
    let docx = dir.path().join("iro-annual-report.docx");
    let xlsx = dir.path().join("iro-annual-workbook.xlsx");
    std::fs::write(&docx, r.render(Format::Docx).unwrap()).unwrap();
    std::fs::write(&xlsx, r.render(Format::Xlsx).unwrap()).unwrap();
    // The Word report has tables and pictures: several pages of PDF.
    assert!(libreoffice_converts(&docx, dir.path()) > 20_000);
    assert!(libreoffice_converts(&xlsx, dir.path()) > 5_000);

    // As LibreOffice lays the Word report out: a contents list on the
    // first page with every section and its page, the page each section
    // really starts on (the heading line; one page either way allowed for
    // a layout engine's differences), and every page numbered in the footer
    // with the council's report and year.
    let pages = pdf_pages(&docx.with_extension("pdf"));
    let n = pages.len();
    assert!(pages[0].contains("Contents"), "{}", pages[0]);
    let entries: Vec<(String, usize)> = pages[0]
        .lines()
        .filter_map(|l| {
            // "Title ........ 7"
            let (title, page) = l.trim().split_once("..")?;
            let page = page.trim_start_matches(['.', ' ']).trim().parse().ok()?;
            Some((title.trim().to_owned(), page))
        })
        .collect();
    let sections = r.model().sections;
    assert_eq!(
        entries.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        sections
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>(),
        "one contents entry per section: {}",
        pages[0]
    );
    for (title, page) in &entries {
        let actual = pages
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, p)| p.lines().any(|l| l.trim() == title))
            .map(|(i, _)| i + 1)
            .unwrap_or_else(|| panic!("no page starts the section {title}"));
        assert!(
            actual.abs_diff(*page) <= 1,
            "{title}: the contents say page {page}, LibreOffice puts it on page {actual}"
        );
    }
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!(
                "IRO annual report 2021-22 · Page {} of {n}",
                i + 1
            )),
            "page {} has no footer: {page}",
            i + 1
        );
        assert!(page.contains("Independent Reviewing Officer annual report 2021-22"));
    }

    // The workbook's native charts, read back from the package: one chart
    // part per chart of the report, each drawn on its table's sheet.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let charts: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/charts/chart") && n.ends_with(".xml"))
        .map(str::to_owned)
        .collect();
    let model = r.model();
    assert_eq!(charts.len(), model.charts().count(), "{charts:?}");
    for name in &charts {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
        let title_ok = model
            .charts()
            .any(|c| xml.contains(&format!("<a:t>{}</a:t>", c.title)));
        assert!(title_ok, "{name} has a chart's title");
        assert!(
            xml.contains("<c:val><c:numRef><c:f>"),
            "{name} reads its sheet's cells"
        );
    }
}
