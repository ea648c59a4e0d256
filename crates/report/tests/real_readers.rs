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
    let xlsx = dir.path().join("iro-annual-report.xlsx");
    std::fs::write(&docx, r.render(Format::Docx).unwrap()).unwrap();
    std::fs::write(&xlsx, r.render(Format::Xlsx).unwrap()).unwrap();
    // The Word report has tables and pictures: several pages of PDF.
    assert!(libreoffice_converts(&docx, dir.path()) > 20_000);
    assert!(libreoffice_converts(&xlsx, dir.path()) > 5_000);
}
