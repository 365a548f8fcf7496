//! `sdkgen generate --watch`: a real process, a real file written under it.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// Kills the watcher however the test ends.
struct Watcher {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    seen_out: String,
    seen_err: String,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Watcher {
    fn start(dir: &Path) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
            .args(["generate", "--spec", "api.yaml", "--out", "sdk", "--watch"])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sdkgen starts");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Watcher {
            child,
            stdout,
            stderr,
            seen_out: String::new(),
            seen_err: String::new(),
        }
    }

    /// Takes in what the watcher printed so far, without waiting.
    fn drain(&mut self) {
        while let Ok(line) = self.stdout.try_recv() {
            self.seen_out.push_str(&line);
            self.seen_out.push('\n');
        }
        while let Ok(line) = self.stderr.try_recv() {
            self.seen_err.push_str(&line);
            self.seen_err.push('\n');
        }
    }

    /// Waits until stdout (or stderr) has shown `text` since the last wait.
    fn wait_for(&mut self, text: &str, on_stderr: bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (rx, seen) = if on_stderr {
                (&self.stderr, &mut self.seen_err)
            } else {
                (&self.stdout, &mut self.seen_out)
            };
            if let Some(at) = seen.find(text) {
                seen.drain(..at + text.len());
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    seen.push_str(&line);
                    seen.push('\n');
                }
                Err(_) => panic!(
                    "no `{text}` within 30 s; stdout so far:\n{}\nstderr so far:\n{}",
                    self.seen_out, self.seen_err
                ),
            }
        }
    }
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/changes/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn watch_regenerates_on_each_change_and_survives_a_broken_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    let lib = dir.path().join("sdk/src/client.rs");
    std::fs::write(&spec, fixture("before")).unwrap();

    let mut watcher = Watcher::start(dir.path());
    watcher.wait_for("watching api.yaml", false);
    let first = std::fs::read_to_string(&lib).unwrap();
    assert!(first.contains("pub fn delete_pet<"));

    // An edit: regenerated, with its change report.
    std::fs::write(&spec, fixture("after")).unwrap();
    watcher.wait_for("BREAKING  operation `delete_pet` removed", false);
    let second = std::fs::read_to_string(&lib).unwrap();
    assert!(second.contains("pub fn adopt_pet<"));
    assert!(!second.contains("pub fn delete_pet<"));

    // A broken save: the error with its place; the SDK stays; the watch goes on.
    let broken = format!("{}\nx-broken: [unclosed\n", fixture("after"));
    std::fs::write(&spec, broken).unwrap();
    watcher.wait_for("invalid YAML", true);
    watcher.wait_for("left as it was", true);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), second);
    // One save, one message: reading the broken file for its line numbers must not wake the
    // watcher into reporting it again.
    watcher.seen_err.clear();
    std::thread::sleep(Duration::from_secs(2));
    watcher.drain();
    assert_eq!(
        watcher.seen_err.matches("invalid YAML").count(),
        0,
        "the broken save was reported again:\n{}",
        watcher.seen_err
    );
    assert!(
        !watcher.seen_out.contains("sdkgen: "),
        "{}",
        watcher.seen_out
    );
    assert!(
        watcher.child.try_wait().unwrap().is_none(),
        "the watcher exited"
    );

    // Fixed again: back to generating.
    std::fs::write(&spec, fixture("before")).unwrap();
    watcher.wait_for("BREAKING  operation `adopt_pet` removed", false);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), first);
}

#[test]
fn a_burst_of_writes_is_generated_once_from_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    std::fs::write(&spec, fixture("before")).unwrap();
    let mut watcher = Watcher::start(dir.path());
    watcher.wait_for("watching api.yaml", false);

    // An editor's save in steps: truncated, half written, written, written again.
    let after = fixture("after");
    std::fs::write(&spec, "").unwrap();
    std::fs::write(&spec, &after[..after.len() / 2]).unwrap();
    std::fs::write(&spec, &after).unwrap();
    std::fs::write(&spec, &after).unwrap();
    watcher.wait_for("API changes: 8 breaking", false);
    std::thread::sleep(Duration::from_secs(1));
    watcher.drain();
    assert!(
        !watcher.seen_out.contains("sdkgen: ") && watcher.seen_err.is_empty(),
        "generated more than once:\n{}\n{}",
        watcher.seen_out,
        watcher.seen_err
    );
}

#[test]
fn a_change_to_a_referenced_file_in_another_directory_regenerates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
    let pet = dir.path().join("schemas/pet.yaml");
    std::fs::write(&pet, "type: object\nproperties:\n  name: {type: string}\n").unwrap();
    std::fs::write(
        dir.path().join("api.yaml"),
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      $ref: schemas/pet.yaml\n",
    )
    .unwrap();
    let lib = dir.path().join("sdk/src/types.rs");

    let mut watcher = Watcher::start(dir.path());
    watcher.wait_for("watching api.yaml", false);
    assert!(!std::fs::read_to_string(&lib).unwrap().contains("pub age"));

    std::fs::write(
        &pet,
        "type: object\nproperties:\n  name: {type: string}\n  age: {type: integer}\n",
    )
    .unwrap();
    watcher.wait_for("API changes:", false);
    assert!(std::fs::read_to_string(&lib).unwrap().contains("pub age"));
}
