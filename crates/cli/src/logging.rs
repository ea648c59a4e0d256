//! The log of `serve`, `demo` and `import`: what `footprint_web` reports with `tracing` (a
//! request that failed, a template that failed, a refused sign-in or CSRF
//! check) written to standard error, one line each. The web crate never logs
//! a child's name, date of birth or free text, so neither does this.
//!
//! `FOOTPRINT_LOG` sets the level: `error`, `warn`, `info` (the default),
//! `debug` or `trace`.

use tracing::Level;

/// The level `FOOTPRINT_LOG` names, or `info`; a value it does not know is
/// reported and `info` used.
pub fn level(value: Option<&str>) -> Result<Level, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(Level::INFO),
        Some(v) => v.parse().map_err(|_| {
            format!("FOOTPRINT_LOG: `{v}` is not a log level; expected error, warn, info, debug or trace")
        }),
    }
}

/// Starts the log for a command that serves the web application.
pub fn start() {
    let level = level(std::env::var("FOOTPRINT_LOG").ok().as_deref()).unwrap_or_else(|why| {
        eprintln!("{why}; logging at info");
        Level::INFO
    });
    // A second start (a test, say) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_comes_from_footprint_log() {
        assert_eq!(level(None), Ok(Level::INFO));
        assert_eq!(level(Some(" ")), Ok(Level::INFO));
        assert_eq!(level(Some("warn")), Ok(Level::WARN));
        assert_eq!(level(Some("DEBUG")), Ok(Level::DEBUG));
        assert!(
            level(Some("loud"))
                .unwrap_err()
                .contains("`loud` is not a log level")
        );
    }
}
