//! Robustness: the server is killed (SIGKILL) during a burst of review
//! recordings. Every review whose recording the server acknowledged (a 303
//! after the POST) must be in the database afterwards, and the database must
//! pass its integrity check.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use footprint_domain::dates::age_on;
use footprint_domain::periods::assemble_periods;

fn footprint() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_footprint"));
    c.env_remove("FOOTPRINT_DB");
    c
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head:?}")))?;
    Ok(Response {
        status,
        headers: head.to_owned(),
        body: body.to_owned(),
    })
}

fn session_cookie(r: &Response) -> Option<String> {
    r.headers.lines().find_map(|l| {
        let l = l
            .strip_prefix("set-cookie: ")
            .or_else(|| l.strip_prefix("Set-Cookie: "))?;
        Some(l.split(';').next()?.to_owned())
    })
}

fn csrf_token(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\"")
        .expect("a form with a CSRF token");
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..v + rest[v..].find('"').unwrap()].to_owned()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_acknowledged_review_survives_a_killed_server() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("f.db").display());
    let ok = footprint()
        .args([
            "generate",
            "--children-in-care",
            "60",
            "--years",
            "1",
            "--seed",
            "5",
            "--db",
            &db,
        ])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let mut add = footprint()
        .args([
            "user",
            "add",
            "--name",
            "manager",
            "--role",
            "manager",
            "--password-stdin",
            "--db",
            &db,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"kill-test-password\n")
        .unwrap();
    assert!(add.wait().unwrap().success());

    // Children still in care (their periods are open after the generator's
    // "today", 1 June 2025) and the review dates to record for them.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dataset = rt.block_on(async {
        let s = footprint_store::Store::open(&db).await.unwrap();
        let d = s.load_dataset().await.unwrap();
        s.close().await;
        d
    });
    let first_day = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
    let mut jobs: Vec<(String, NaiveDate, &'static str)> = Vec::new();
    for child in &dataset.children {
        let episodes: Vec<_> = dataset
            .episodes
            .iter()
            .filter(|e| e.child == child.id)
            .cloned()
            .collect();
        let open = assemble_periods(&episodes)
            .periods
            .iter()
            .any(|p| p.end().is_none() && !p.is_short_breaks() && p.start() < first_day);
        if !open {
            continue;
        }
        for k in 0..4 {
            let date = first_day + chrono::Duration::days(7 * k);
            let code = if age_on(child.date_of_birth, date) < 4 {
                "PN0"
            } else {
                "PN1"
            };
            jobs.push((child.id.to_string(), date, code));
        }
    }
    assert!(jobs.len() >= 80, "{} reviews to record", jobs.len());

    let port = free_port();
    let server = Server(
        footprint()
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--db", &db])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    let signin = loop {
        match http(port, "GET", "/sign-in", "", "") {
            Ok(r) => break r,
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("the server did not start: {e}"),
        }
    };
    let cookie = session_cookie(&signin).unwrap_or_default();
    let body = format!(
        "csrf_token={}&username=manager&password=kill-test-password",
        encode(&csrf_token(&signin.body))
    );
    let signed_in = http(port, "POST", "/sign-in", &cookie, &body).unwrap();
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let cookie = session_cookie(&signed_in).unwrap_or(cookie);
    let form = http(
        port,
        "GET",
        &format!("/children/{}/reviews/new", jobs[0].0),
        &cookie,
        "",
    )
    .unwrap();
    assert_eq!(form.status, 200);
    let token = encode(&csrf_token(&form.body));

    // Two clients record reviews as fast as they can; the server is killed
    // once a third of them have been acknowledged.
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let kill_after = jobs.len() / 3;
    let chunks: Vec<Vec<_>> = jobs
        .chunks(jobs.len() / 2 + 1)
        .map(|c| c.to_vec())
        .collect();
    let workers: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let (cookie, token, acknowledged) =
                (cookie.clone(), token.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                for (child, date, code) in chunk {
                    // A reason in case the review is late (the form requires
                    // one then; it is not kept for a review in time).
                    let body = format!(
                        "csrf_token={token}&date={date}&participation={code}&late_reason=other"
                    );
                    match http(
                        port,
                        "POST",
                        &format!("/children/{child}/reviews"),
                        &cookie,
                        &body,
                    ) {
                        Ok(r) if r.status == 303 => {
                            acknowledged.lock().unwrap().insert((child, date));
                        }
                        Ok(r) => panic!(
                            "recording a review for {child} on {date}: {} {}",
                            r.status, r.body
                        ),
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    let mut server = server;
    while acknowledged.lock().unwrap().len() < kill_after {
        std::thread::sleep(Duration::from_millis(2));
    }
    server.0.kill().unwrap(); // SIGKILL
    server.0.wait().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= kill_after);
    assert!(
        acknowledged.len() < jobs.len(),
        "the server was killed before the burst ended"
    );

    rt.block_on(async {
        let s = footprint_store::Store::open(&db).await.unwrap();
        let problems = s.integrity_check().await.unwrap();
        assert!(problems.is_empty(), "integrity check: {problems:?}");
        let reviews = s.load_dataset().await.unwrap().reviews;
        let stored: BTreeSet<(String, NaiveDate)> = reviews
            .iter()
            .map(|r| (r.child.to_string(), r.date))
            .collect();
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
        s.close().await;
    });
}
