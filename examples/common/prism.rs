//! Prism, the OpenAPI mock server pinned in `package-lock.json`: installed with `npm ci` when
//! missing, started on a free port, stopped when
//! dropped.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Prism binary, installed with `npm ci` first if it is not there yet (CI installs it
/// before; this is for a run on a fresh clone).
pub fn installed() -> Result<PathBuf, String> {
    let root = repo_root();
    let bin = root.join("node_modules/.bin/prism");
    if !bin.exists() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root)
            .output()
            .map_err(|e| format!("npm does not run (Node.js and npm are needed): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`npm ci` failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    if bin.exists() {
        Ok(bin)
    } else {
        Err("`npm ci` ran but installed no Prism".into())
    }
}

/// A Prism process, killed when dropped (also when the caller panics).
pub struct Prism {
    child: Child,
    pub base_url: String,
}

impl Prism {
    /// `prism mock SPEC` in static mode (answers are the spec's examples), its output
    /// appended to `log`, once its port accepts connections; `Err` when it exits first or is
    /// not listening within `limit`.
    pub fn start(spec: &Path, log: &Path, limit: Duration) -> Result<Prism, String> {
        let bin = installed()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err_file = log_file
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file)
            .spawn()
            .map_err(|e| format!("Prism does not start: {e}"))?;
        let mut prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + limit;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = prism.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening; see {}",
                    log.display()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "Prism did not listen within {} s; see {}",
                    limit.as_secs(),
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(prism)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
