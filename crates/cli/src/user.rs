//! `footprint user`: add and list the web application's users, and set a
//! user's password (for an administrator who cannot sign in). Passwords are
//! checked by the one rule the web pages use (`footprint_web::password`).
//!
//! The password is read from standard input with `--password-stdin`, or
//! asked for at the terminal with echo off; it is never echoed, logged or
//! taken as an argument (arguments show in the process list).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use footprint_domain::model::IroId;
use footprint_web::Role;

use crate::common::finish;
use crate::db::{DbArgs, open, runtime};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add(AddArgs),
    /// List the users and their roles.
    List(ListArgs),
    /// Set a user's password (ends their sessions). For an administrator who
    /// cannot sign in; otherwise use a reset code from the Users page.
    SetPassword(SetPasswordArgs),
}

#[derive(Debug, Args)]
pub struct SetPasswordArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The username.
    #[arg(long)]
    pub name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Who the audit log names for a change made with the command line.
const CLI_ACTOR: &str = "footprint user (command line)";

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The username they sign in with.
    #[arg(long)]
    pub name: String,
    /// iro, manager, business_support, analyst or admin.
    #[arg(long)]
    pub role: Role,
    /// For an IRO: their id in the IROs table.
    #[arg(long, value_name = "ID")]
    pub iro_id: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(cmd: UserCommand) -> ExitCode {
    finish(match cmd {
        UserCommand::Add(args) => add(args),
        UserCommand::List(args) => list(args),
        UserCommand::SetPassword(args) => set_password(args),
    })
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush().ok();
        let echo_off = std::process::Command::new("stty")
            .arg("-echo")
            .status()
            .is_ok_and(|s| s.success());
        if !echo_off {
            bail!("cannot turn terminal echo off to ask for the password: use --password-stdin");
        }
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
        read.context("cannot read the password")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let first = ask("Password: ")?;
    let again = ask("Password again: ")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}

fn add(args: AddArgs) -> anyhow::Result<()> {
    let password = read_password(args.password_stdin)?;
    let iro = args.iro_id.map(IroId);
    runtime()?.block_on(async {
        let store = open(&args.db.url()).await?;
        footprint_web::auth::add_user(&store, &args.name, args.role, iro, &password).await?;
        store
            .audit(
                CLI_ACTOR,
                "user.add",
                None,
                &format!("user={};role={}", args.name.trim(), args.role.key()),
            )
            .await?;
        store.close().await;
        println!("user {} added as {}", args.name.trim(), args.role.label());
        Ok(())
    })
}

fn set_password(args: SetPasswordArgs) -> anyhow::Result<()> {
    let password = read_password(args.password_stdin)?;
    let name = args.name.trim().to_owned();
    runtime()?.block_on(async {
        let store = open(&args.db.url()).await?;
        if store.user_by_name(&name).await?.is_none() {
            bail!("there is no user {name:?} (footprint user list shows them)");
        }
        footprint_web::auth::set_password(&store, &name, &password).await?;
        store
            .audit(
                CLI_ACTOR,
                "user.password_set",
                None,
                &format!("user={name}"),
            )
            .await?;
        store.close().await;
        println!("password of {name} set; their sessions have ended");
        Ok(())
    })
}

fn list(args: ListArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let store = open(&args.db.url()).await?;
        for u in store.users().await? {
            let role = Role::from_store(u.role)
                .map(|r| r.label())
                .unwrap_or("unknown role");
            let status = if u.disabled_at.is_some() {
                "\tdisabled"
            } else {
                ""
            };
            match u.iro {
                Some(iro) => println!("{}\t{role}\tIRO {iro}{status}", u.name),
                None => println!("{}\t{role}{status}", u.name),
            }
        }
        store.close().await;
        Ok(())
    })
}
