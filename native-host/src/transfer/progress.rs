//! The progress line on stderr: redrawn in place at most a few times a
//! second when a person is watching, and left out when stderr is a file or
//! a pipe (a log would fill with carriage returns).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(250);

pub struct Progress {
    total: usize,
    started: Instant,
    last: Option<Instant>,
    terminal: bool,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            started: Instant::now(),
            last: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Redraws the line for `done` documents, unless it was drawn very lately.
    pub fn update(&mut self, done: usize) {
        if !self.terminal || self.last.is_some_and(|last| last.elapsed() < EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{done}/{} documents ({:.0}/s)  ",
            self.total,
            rate(done, self.started.elapsed())
        );
        let _ = err.flush();
    }

    /// Documents per second so far.
    pub fn rate(&self, done: usize) -> f64 {
        rate(done, self.started.elapsed())
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Ends the redrawn line so the summary starts on its own.
    pub fn finish(&self) {
        if self.terminal && self.last.is_some() {
            eprintln!();
        }
    }
}

fn rate(done: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        done as f64 / seconds
    } else {
        0.0
    }
}
