//! A real PostgreSQL server for the relay's tests and benchmark: its own
//! cluster in a temporary directory, on a free loopback port, stopped when
//! dropped. It needs PostgreSQL's server programs (scripts/setup.sh installs
//! them). Where they are missing a test is skipped with a message, unless
//! CITADESK_REQUIRE_POSTGRES=1 (scripts/test.sh sets it): then it fails.
//! As root (CI) the server runs as the `postgres` user, which refuses root.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<&'static str>,
}

/// Superuser made by initdb; trust auth on loopback only.
const SUPERUSER: &str = "citadesk";

fn bin_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("CITADESK_PG_BIN") {
        return Some(PathBuf::from(d));
    }
    // Debian and Ubuntu keep server programs in /usr/lib/postgresql/<major>/bin.
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn required() -> bool {
    std::env::var("CITADESK_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl PgServer {
    /// Starts a fresh cluster, or returns None (test skipped) when PostgreSQL
    /// is not installed and not required.
    pub fn start() -> Option<PgServer> {
        let Some(bin) = bin_dir() else {
            assert!(
                !required(),
                "CITADESK_REQUIRE_POSTGRES=1 but no PostgreSQL server programs were found \
                 (run scripts/setup.sh, or set CITADESK_PG_BIN)"
            );
            eprintln!("skipped: PostgreSQL is not installed (scripts/setup.sh installs it)");
            return None;
        };
        let root = is_root();
        let dir = tempfile::tempdir().expect("tempdir");
        let run_as = root.then_some("postgres");
        if root {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
        let server = PgServer {
            dir,
            bin,
            port: free_port(),
            run_as,
        };
        for sub in ["data", "sock"] {
            let p = server.dir.path().join(sub);
            std::fs::create_dir(&p).expect("mkdir");
            if root {
                let status = Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(&p)
                    .status()
                    .expect("chown");
                assert!(status.success(), "chown postgres {}", p.display());
            }
        }
        server.run(
            "initdb",
            &[
                "-D",
                &server.data().to_string_lossy(),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        server.start_again();
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// (Re)starts the server on the same port and data; waits until it answers.
    pub fn start_again(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300",
            self.port,
            self.dir.path().join("sock").display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &self.data().join("server.log").to_string_lossy(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while postgres::Client::connect(&self.url("postgres"), postgres::NoTls).is_err() {
            assert!(Instant::now() < deadline, "PostgreSQL did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server at once (as a crash would: no checkpoint).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "immediate",
                "stop",
            ],
        );
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgresql://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A new, empty database; returns its URL.
    pub fn database(&self, name: &str) -> String {
        let mut admin =
            postgres::Client::connect(&self.url("postgres"), postgres::NoTls).expect("connect");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        self.url(name)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "immediate",
                "stop",
            ])
            .current_dir(self.dir.path())
            .output();
    }
}

fn is_root() -> bool {
    // `id -u` rather than libc: the tests carry no libc dependency.
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
