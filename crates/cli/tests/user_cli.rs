//! `footprint user`: the password rule the web pages use applies to the
//! command line too, and `set-password` sets a password with it.

use std::io::Write;
use std::process::{Command, Stdio};

fn footprint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_footprint"))
}

/// Runs `footprint user ARGS --db DB` with `password` on standard input.
fn user(db: &str, args: &[&str], password: &str) -> std::process::Output {
    let mut child = footprint()
        .arg("user")
        .args(args)
        .args(["--password-stdin", "--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("footprint runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    child.wait_with_output().expect("footprint ends")
}

#[test]
fn the_command_line_refuses_the_passwords_the_web_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let migrated = footprint().args(["migrate", "--db", &db]).output().unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let add = ["add", "--name", "ops", "--role", "admin"];
    for (bad, says) in [
        ("            ", "at least 12 characters"),
        ("password1234", "not one of the most common passwords"),
    ] {
        let out = user(&db, &add, bad);
        assert!(!out.status.success(), "{bad:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{bad:?}: {err}");
    }
    let out = user(&db, &add, "lighthouse parsnip echo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let set = ["set-password", "--name", "ops"];
    assert!(!user(&db, &set, "password1234").status.success());
    let out = user(&db, &set, "walnut glacier tambourine");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = user(
        &db,
        &["set-password", "--name", "nobody"],
        "walnut glacier tambourine",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no user"));
}
