//! A status line on stderr while a long step runs, as cargo shows one: only when stderr is a
//! terminal, only once the step has taken a second, and erased when it ends. Piped output and
//! build scripts never see it.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::{Progress, Stage};

/// Shows `progress` until dropped.
pub struct StatusLine {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// How long a step runs before it gets a status line, and how often the line is redrawn.
const QUIET_FOR: Duration = Duration::from_secs(1);
const REDRAW: Duration = Duration::from_millis(100);

impl StatusLine {
    /// A status line for the work on `what` (a spec's name) that `progress` follows.
    pub fn start(progress: Arc<Progress>, what: String) -> StatusLine {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::io::stderr().is_terminal().then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || draw(&progress, &stop, &what))
        });
        StatusLine { stop, thread }
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn draw(progress: &Progress, stop: &AtomicBool, what: &str) {
    let started = Instant::now();
    let mut shown = false;
    loop {
        std::thread::park_timeout(REDRAW);
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if started.elapsed() < QUIET_FOR {
            continue;
        }
        let (stage, done, total) = progress.now();
        let doing = match stage {
            Stage::Reading => "reading the document".to_string(),
            Stage::Lowering => "lowering it to types and operations".to_string(),
            Stage::Formatting => format!(
                "writing code: {} of {} items",
                thousands(done),
                thousands(total)
            ),
            Stage::Comparing => "comparing the API with the SDK on disk".to_string(),
        };
        let seconds = started.elapsed().as_secs();
        // Cargo's look: a bold green verb, right-aligned; the line erased before each redraw.
        eprint!(
            "\r\x1b[2K\x1b[1;32m{:>12}\x1b[0m {what}: {doing} ({seconds} s)",
            "Generating"
        );
        shown = true;
    }
    if shown {
        eprint!("\r\x1b[2K");
    }
}

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(22361), "22,361");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
