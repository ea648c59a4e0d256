//! PDF: the report's HTML printed by headless Chromium (`--print-to-pdf`).
//! This is the report crate's only I/O besides writing the output.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The message when no Chromium is installed.
pub const NO_CHROMIUM: &str =
    "PDF output needs Chromium: install Debian's `chromium` package (apt-get install chromium)";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{NO_CHROMIUM}")]
    NoChromium,
    #[error("PDF output: could not use a temporary folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("PDF output: Chromium ({program}) failed ({status}): {stderr}")]
    Chromium {
        program: String,
        status: String,
        stderr: String,
    },
    #[error("PDF output: Chromium ({0}) finished but wrote no PDF")]
    NoOutput(String),
}

/// The browsers tried, in order.
pub const CANDIDATES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The first of `names` found on `path` (a `PATH`-style list).
pub fn find_on_path(names: &[&str], path: &std::ffi::OsStr) -> Option<PathBuf> {
    for dir in std::env::split_paths(path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The Chromium to use: `FOOTPRINT_CHROMIUM` if set, else the first of
/// [`CANDIDATES`] on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FOOTPRINT_CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    find_on_path(&CANDIDATES, &std::env::var_os("PATH")?)
}

/// Prints `html` to PDF with the Chromium at `program`.
pub fn html_to_pdf_with(program: &Path, html: &str) -> Result<Vec<u8>, PdfError> {
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("report.html");
    let output = dir.path().join("report.pdf");
    let profile = dir.path().join("profile");
    std::fs::write(&input, html)?;
    let out = Command::new(program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", output.display()))
        .arg(format!("file://{}", input.display()))
        .output()?;
    if !out.status.success() {
        return Err(PdfError::Chromium {
            program: program.display().to_string(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
                .to_owned(),
        });
    }
    match std::fs::read(&output) {
        Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => Err(PdfError::NoOutput(program.display().to_string())),
    }
}

/// Prints `html` to PDF with the installed Chromium.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, PdfError> {
    let program = find_chromium().ok_or(PdfError::NoChromium)?;
    html_to_pdf_with(&program, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_chromium_on_an_empty_path() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_on_path(&CANDIDATES, dir.path().as_os_str()), None);
        assert!(
            PdfError::NoChromium
                .to_string()
                .contains("apt-get install chromium")
        );
    }

    #[test]
    fn finds_a_candidate_on_the_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("chromium-browser"), "").unwrap();
        assert_eq!(
            find_on_path(&CANDIDATES, dir.path().as_os_str()),
            Some(dir.path().join("chromium-browser"))
        );
    }

    #[test]
    #[ignore = "runs Chromium (about 2 s); run with --ignored"]
    fn prints_when_chromium_is_installed() {
        let Some(program) = find_chromium() else {
            eprintln!("skipped: no Chromium installed");
            return;
        };
        let pdf = html_to_pdf_with(&program, "<html><body><h1>Test</h1></body></html>").unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
}
