//! Work that takes a while (an upload of a 903 return, a report built in
//! Word or PDF) runs in the background, off the request: the request that
//! starts it gets a job number at once and the job's page shows how far it
//! has got, so no page of anyone else's waits behind it. The jobs are kept
//! in memory (the newest [`KEEP`]; a restart forgets them, never what they
//! wrote), each seen only by the user who started it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use footprint_interchange::RowProblem;
use footprint_store::ImportProblem;
use serde::Serialize;

/// How many jobs are kept (the oldest finished go first).
pub const KEEP: usize = 50;

/// What a job is doing or came to.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Under way: what it is doing, and how far through (`total` 0: no count).
    Running {
        stage: String,
        done: usize,
        total: usize,
    },
    /// Done: what it came to, in words; a file to download, if it made one.
    Done { summary: Vec<String> },
    /// Refused: nothing was written; every problem found.
    Refused {
        problems: Vec<ImportProblem>,
        /// Why, when it is not a problem of a file (a return whose year
        /// cannot be told).
        reasons: Vec<String>,
    },
    /// Failed for a reason that is not the file's (the database, a setting).
    Failed { message: String },
}

/// A file a job made, to download.
#[derive(Debug, Clone)]
pub struct JobFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Arc<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    /// The user who started it: only they see it.
    pub owner: String,
    /// What it is, in words ("Import of 2 files", "Annual report 2024-25 (Word)").
    pub what: String,
    /// "import" or "report".
    pub kind: &'static str,
    pub started: DateTime<Utc>,
    pub state: JobState,
    pub file: Option<JobFile>,
}

/// The jobs of this server process.
#[derive(Debug, Default)]
pub struct Jobs {
    inner: Mutex<(u64, Vec<Job>)>,
}

impl Jobs {
    /// Starts a job (running, at its first stage) and gives its number.
    pub fn start(&self, owner: &str, kind: &'static str, what: String, at: DateTime<Utc>) -> u64 {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        let id = g.0;
        g.1.push(Job {
            id,
            owner: owner.to_owned(),
            what,
            kind,
            started: at,
            state: JobState::Running {
                stage: "Waiting to start".to_owned(),
                done: 0,
                total: 0,
            },
            file: None,
        });
        while g.1.len() > KEEP {
            match g
                .1
                .iter()
                .position(|j| !matches!(j.state, JobState::Running { .. }))
            {
                Some(i) => {
                    g.1.remove(i);
                }
                None => break,
            }
        }
        id
    }

    /// Moves a job on.
    pub fn set(&self, id: u64, state: JobState) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(j) = g.1.iter_mut().find(|j| j.id == id) {
            j.state = state;
        }
    }

    /// Says how far a running job has got.
    pub fn progress(&self, id: u64, stage: impl Into<String>, done: usize, total: usize) {
        self.set(
            id,
            JobState::Running {
                stage: stage.into(),
                done,
                total,
            },
        );
    }

    /// Finishes a job with the file it made.
    pub fn finish_with_file(&self, id: u64, summary: Vec<String>, file: JobFile) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(j) = g.1.iter_mut().find(|j| j.id == id) {
            j.state = JobState::Done { summary };
            j.file = Some(file);
        }
    }

    /// The job, if `owner` started it.
    pub fn get(&self, id: u64, owner: &str) -> Option<Job> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.iter().find(|j| j.id == id && j.owner == owner).cloned()
    }

    /// `owner`'s jobs of `kind`, newest first (without their files).
    pub fn of(&self, owner: &str, kind: &str) -> Vec<Job> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.iter()
            .rev()
            .filter(|j| j.owner == owner && j.kind == kind)
            .map(|j| Job {
                file: None,
                ..j.clone()
            })
            .collect()
    }

    /// The newest import refused, whoever started it (the data quality page
    /// shows its problems: they are of the council's files, not of a user).
    pub fn latest_refused_import(&self) -> Option<Job> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.iter()
            .rev()
            .filter(|j| j.kind == "import")
            .find(|j| !matches!(j.state, JobState::Running { .. }))
            .filter(|j| matches!(j.state, JobState::Refused { .. }))
            .cloned()
    }
}

/// A case-management file's problems as import problems (file, line,
/// column, message; an error each).
pub fn row_problems(file: &str, problems: Vec<RowProblem>) -> Vec<ImportProblem> {
    problems
        .into_iter()
        .map(|p| ImportProblem {
            file: file.to_owned(),
            line: Some(p.line),
            column: (!p.column.is_empty()).then_some(p.column),
            value: None,
            rule: None,
            message: p.message,
            severity: footprint_store::Severity::Error,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_seen_only_by_who_started_it_and_the_oldest_finished_go_first() {
        let jobs = Jobs::default();
        let at = Utc::now();
        let first = jobs.start("a", "import", "x".into(), at);
        assert!(jobs.get(first, "a").is_some());
        assert!(jobs.get(first, "b").is_none());
        jobs.set(first, JobState::Done { summary: vec![] });
        for _ in 0..KEEP {
            jobs.start("a", "report", "y".into(), at);
        }
        assert!(jobs.get(first, "a").is_none(), "the finished one went");
        assert_eq!(jobs.of("a", "report").len(), KEEP);
    }
}
