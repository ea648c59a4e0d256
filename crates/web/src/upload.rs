//! Files sent from a form (`multipart/form-data`): a 903 return's CSV
//! files, an XML file or a workbook, a names or health records file.
//! Read whole (up to [`MAX_UPLOAD_BYTES`]) with multer, the parser axum's
//! own `Multipart` uses; the access middleware reads the CSRF token from
//! the same parts.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};

/// The one route that takes files.
pub const ROUTE: &str = "/returns/upload";

/// The largest upload taken: an England-sized 903 return's files are a few
/// hundred megabytes.
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024 * 1024;

/// One part of a form: a field, or a file with its name.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    /// The file's name as the browser sent it (a file part); any folder is
    /// dropped.
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The form's boundary, when the request is `multipart/form-data`.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(ct).ok()
}

/// Every part of a `multipart/form-data` body.
pub async fn parts(boundary: &str, body: Bytes) -> Result<Vec<Part>, String> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let file_name = field
                    .file_name()
                    .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned());
                let bytes = field.bytes().await.map_err(|e| e.to_string())?;
                out.push(Part {
                    name,
                    file_name,
                    bytes,
                });
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The text of the field `name`.
pub fn field<'a>(parts: &'a [Part], name: &str) -> Option<&'a Part> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
}
