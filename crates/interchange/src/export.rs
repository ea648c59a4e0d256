//! A collection year's 903 return out of Footprint, as the DfE takes it:
//! a zip of the CSV tables, or the XML form.

use std::io::Write;

use footprint_domain::dates::CollectionYear;
use footprint_domain::model::Dataset;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::Error;

/// The forms a return is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnForm {
    /// A zip of the year's CSV tables as the CSV export writes them: Header,
    /// Episodes, Reviews, UASC, Missing, OC2, OC3, AD1, PlacedAdoption,
    /// PrevPerm, and SWEpisodes from 2023-24 and DoLo from 2026-27.
    CsvZip,
    /// ssda903.xml.
    Xml,
}

/// An exported return: its file name, content type and bytes.
#[derive(Debug, Clone)]
pub struct Exported {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The `year` return of `ds` in `form` (the same tables
/// `footprint export ssda903` writes: `footprint_ssda903::render_csv` and
/// `render_xml`).
pub fn export_return(
    ds: &Dataset,
    year: CollectionYear,
    form: ReturnForm,
) -> Result<Exported, Error> {
    match form {
        ReturnForm::Xml => Ok(Exported {
            file_name: format!("ssda903-{year}.xml"),
            content_type: "application/xml",
            bytes: footprint_ssda903::render_xml(ds, year).into_bytes(),
        }),
        ReturnForm::CsvZip => {
            let csv = footprint_ssda903::render_csv(ds, year);
            let zip_err = |e: &dyn std::fmt::Display| Error::Zip(e.to_string());
            let mut w = ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options =
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, text) in csv.files() {
                w.start_file(name, options).map_err(|e| zip_err(&e))?;
                w.write_all(text.as_bytes()).map_err(|e| zip_err(&e))?;
            }
            let bytes = w.finish().map_err(|e| zip_err(&e))?.into_inner();
            Ok(Exported {
                file_name: format!("ssda903-{year}.zip"),
                content_type: "application/zip",
                bytes,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_holds_the_tables_the_csv_export_writes() {
        let year: CollectionYear = "2021-22".parse().unwrap();
        let ds = Dataset::default();
        let z = export_return(&ds, year, ReturnForm::CsvZip).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(z.bytes)).unwrap();
        let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        let csv = footprint_ssda903::render_csv(&ds, year);
        // Every table of a 2021-22 return: no SWEpisodes before 2023-24, no
        // DoLo before 2026-27.
        assert_eq!(names.len(), 10);
        assert_eq!(names.len(), csv.files().len());
        let mut header = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("header.csv").unwrap(), &mut header)
            .unwrap();
        assert_eq!(header, csv.header);
        assert_eq!(z.file_name, "ssda903-2021-22.zip");
    }
}
