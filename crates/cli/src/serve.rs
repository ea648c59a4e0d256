//! `footprint serve`: the web application.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use footprint_store::redact_url;
use footprint_web::WebConfig;

use crate::common::finish;
use crate::db::{DbArgs, open};

/// Serves the web application until stopped with Ctrl-C. Put it behind a
/// reverse proxy that terminates HTTPS (and pass --secure-cookies).
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The port to listen on at 127.0.0.1 (shorthand for --addr 127.0.0.1:PORT).
    #[arg(long, value_name = "PORT", conflicts_with = "addr")]
    pub port: Option<u16>,
    /// The council's name, shown in the header.
    #[arg(long, value_name = "NAME", default_value = "Footprint")]
    pub council_name: String,
    /// Mark the session cookie Secure (when served over HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Pin "today" to this date (yyyy-mm-dd): due dates, overdue lists and
    /// the dashboard are worked out as on that day, and the clock runs on
    /// from it. Default: the system clock.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

pub fn run(args: ServeArgs) -> ExitCode {
    crate::logging::start();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|rt| rt.block_on(serve(args)));
    finish(result)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let clock: std::sync::Arc<dyn footprint_web::Clock> = match &args.as_of {
        Some(day) => std::sync::Arc::new(footprint_web::ShiftedClock::starting_on(
            crate::common::parse_date_arg("--as-of", day)?,
        )),
        None => std::sync::Arc::new(footprint_web::SystemClock),
    };
    let url = args.db.url();
    let store = open(&url).await?;
    let config = WebConfig {
        council_name: args.council_name,
        secure_cookies: args.secure_cookies,
        ..WebConfig::default()
    };
    let addr = match args.port {
        Some(port) => SocketAddr::from(([127, 0, 0, 1], port)),
        None => args.addr,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    println!(
        "Footprint is serving {} on http://{} (Ctrl-C to stop)",
        redact_url(&url),
        listener.local_addr().unwrap_or(addr)
    );
    let state = footprint_web::AppState::for_store_with_clock(store, config, clock).await?;
    footprint_web::serve_on(state, listener).await
}
