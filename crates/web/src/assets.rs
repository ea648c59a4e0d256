//! Static assets, embedded in the binary.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes)
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "govuk-frontend.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/govuk/govuk-frontend.min.css"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/govuk/govuk-frontend.min.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/htmx/htmx.min.js"),
    ),
    (
        "footprint.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/footprint.css"),
    ),
    (
        "footprint.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/footprint.js"),
    ),
    (
        "init.mjs",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/init.mjs"),
    ),
];

/// GET /assets/{file}
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
