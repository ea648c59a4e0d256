//! The log of `serve`, `demo` and `import`: what `footprint_web` reports
//! with `tracing` (a request that failed, a template that failed, a refused
//! sign-in or CSRF check), and the stages of an import, written to standard
//! error, one line each. Neither the web crate nor the store logs a child's
//! name, date of birth or free text, so neither does this.
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
    start_with(true);
}

/// Starts the log of `import`: Footprint's own events (the stages of an
/// import and their times at debug level), not sqlx's statements (logged
/// at debug, and a bulk write's long statements warned of, every run).
pub fn start_without_statements() {
    start_with(false);
}

fn start_with(statements: bool) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let level = level(std::env::var("FOOTPRINT_LOG").ok().as_deref()).unwrap_or_else(|why| {
        eprintln!("{why}; logging at info");
        Level::INFO
    });
    let sql = if statements {
        tracing_subscriber::filter::LevelFilter::from_level(level)
    } else {
        tracing_subscriber::filter::LevelFilter::ERROR
    };
    let targets = tracing_subscriber::filter::Targets::new()
        .with_target("sqlx", sql)
        .with_default(level);
    // A second start (a test, say) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .finish()
        .with(targets)
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
