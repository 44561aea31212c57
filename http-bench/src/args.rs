//! The command line: a bench run with its options, or `serve KIND PORT` (how the
//! bench starts each server as its own process).

use std::path::PathBuf;
use std::time::Duration;

use crate::servers::ServerKind;

/// The text of `--help`.
pub const USAGE: &str = "\
avx-http-bench: avx-http against hyper and a C epoll server.

USAGE:
    cargo run --release -p avx-http-bench -- [OPTIONS]
    avx-http-bench serve KIND PORT      (serve one server kind; used by the bench)

OPTIONS:
    --quick                 1 round of 2 s per run, short parse samples (about 2 min)
    --rounds N              rounds of wrk runs, servers alternated (default 3)
    --duration SECS         length of each wrk run (default 5)
    --connections LIST      wrk connection counts (default 1,64,256)
    --servers LIST          server kinds (default all: avx-native-ct, avx-native-mt,
                            avx-tokio-ct, avx-tokio-mt, hyper-ct, hyper-mt, c-epoll)
    --modes LIST            unpinned, pinned, pipelined (default all); pinned runs
                            the single-threaded servers on CPU 0 and wrk on CPU 1;
                            pipelined does too, wrk sending 16 requests at a time
    --wrk-threads N         wrk threads in unpinned mode (default 1; pinned uses 1)
    --idle-connections N    connections of the idle-memory measure (default 10000)
    --skip LIST             parts to leave out: wrk, parse, idle
    --label NAME            report file name (default `full`, or `quick`)
    --out DIR               report directory (default target/http-bench)
    -h, --help              this text
";

/// How a wrk run places its processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Server and wrk scheduled freely on every CPU.
    Unpinned,
    /// Server on CPU 0 with one thread, wrk on CPU 1 (`taskset`).
    Pinned,
    /// As `Pinned`, wrk writing [`PIPELINE_DEPTH`] requests at a time on each
    /// connection (the load of TechEmpower's plaintext test): wrk's cost per
    /// request falls, so the server's own cost sets the rate.
    Pipelined,
}

/// Requests wrk sends at once per connection in [`Mode::Pipelined`].
pub const PIPELINE_DEPTH: usize = 16;

impl Mode {
    /// The name the command line and the report use.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Unpinned => "unpinned",
            Mode::Pinned => "pinned",
            Mode::Pipelined => "pipelined",
        }
    }

    /// The CPUs of the server and of wrk.
    pub fn cpus(self) -> (Option<usize>, Option<usize>) {
        match self {
            Mode::Unpinned => (None, None),
            Mode::Pinned | Mode::Pipelined => (Some(0), Some(1)),
        }
    }

    /// Requests wrk writes at once on a connection.
    pub fn pipeline(self) -> usize {
        match self {
            Mode::Pipelined => PIPELINE_DEPTH,
            Mode::Unpinned | Mode::Pinned => 1,
        }
    }
}

/// A bench run's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The report's file name, without extension.
    pub label: String,
    /// Rounds of wrk runs.
    pub rounds: usize,
    /// Length of one wrk run.
    pub duration: Duration,
    /// wrk connection counts.
    pub connections: Vec<usize>,
    /// Servers to run.
    pub servers: Vec<ServerKind>,
    /// Modes to run.
    pub modes: Vec<Mode>,
    /// wrk threads in unpinned mode.
    pub wrk_threads: usize,
    /// Connections of the idle-memory measure.
    pub idle_connections: usize,
    /// Samples of each parser per head.
    pub parse_samples: usize,
    /// Length of one parse sample.
    pub parse_slice: Duration,
    /// Whether to run the wrk part.
    pub wrk: bool,
    /// Whether to run the parse part.
    pub parse: bool,
    /// Whether to run the idle-memory part.
    pub idle: bool,
    /// Where the report goes.
    pub out: PathBuf,
}

impl Options {
    /// The full run's settings.
    pub fn full() -> Options {
        Options {
            label: "full".into(),
            rounds: 3,
            duration: Duration::from_secs(5),
            connections: vec![1, 64, 256],
            servers: ServerKind::ALL.to_vec(),
            modes: vec![Mode::Unpinned, Mode::Pinned, Mode::Pipelined],
            wrk_threads: 1,
            idle_connections: 10_000,
            parse_samples: 5,
            parse_slice: Duration::from_millis(300),
            wrk: true,
            parse: true,
            idle: true,
            out: default_out(),
        }
    }

    /// `--quick`'s settings.
    pub fn quick() -> Options {
        Options {
            label: "quick".into(),
            rounds: 1,
            duration: Duration::from_secs(2),
            parse_samples: 3,
            parse_slice: Duration::from_millis(100),
            ..Options::full()
        }
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Print [`USAGE`].
    Help,
    /// Serve one server kind (the bench's child processes).
    Serve {
        /// Which server.
        kind: ServerKind,
        /// The port, 0 for a free one.
        port: u16,
    },
    /// Run the bench.
    Run(Options),
}

/// Parses the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Command, String> {
    if argv.first().map(String::as_str) == Some("serve") {
        let [_, kind, port] = argv else {
            return Err("usage: serve KIND PORT".into());
        };
        let kind = ServerKind::from_name(kind).ok_or_else(|| format!("no server kind {kind:?}"))?;
        let port = port.parse().map_err(|_| format!("bad port {port:?}"))?;
        return Ok(Command::Serve { kind, port });
    }
    let mut options = if argv.iter().any(|a| a == "--quick") {
        Options::quick()
    } else {
        Options::full()
    };
    let mut args = argv.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .map(String::as_str)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--quick" => {}
            "--rounds" => options.rounds = number(flag, value()?)?.max(1),
            "--duration" => {
                options.duration = Duration::from_secs(number(flag, value()?)?.max(1) as u64)
            }
            "--connections" => {
                options.connections = list(value()?, |c| number(flag, c).ok().filter(|&n| n > 0))?;
            }
            "--servers" => options.servers = list(value()?, ServerKind::from_name)?,
            "--modes" => {
                options.modes = list(value()?, |m| match m {
                    "unpinned" => Some(Mode::Unpinned),
                    "pinned" => Some(Mode::Pinned),
                    "pipelined" => Some(Mode::Pipelined),
                    _ => None,
                })?;
            }
            "--wrk-threads" => options.wrk_threads = number(flag, value()?)?.max(1),
            "--idle-connections" => options.idle_connections = number(flag, value()?)?,
            "--skip" => {
                for part in value()?.split(',') {
                    match part {
                        "wrk" => options.wrk = false,
                        "parse" => options.parse = false,
                        "idle" => options.idle = false,
                        _ => return Err(format!("--skip: no part {part:?} (wrk, parse, idle)")),
                    }
                }
            }
            "--label" => options.label = value()?.to_owned(),
            "--out" => options.out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    if options.idle_connections == 0 {
        options.idle = false;
    }
    Ok(Command::Run(options))
}

fn number(flag: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("{flag}: {text:?} is not a number"))
}

fn list<T>(text: &str, item: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    text.split(',')
        .map(|part| item(part.trim()).ok_or_else(|| format!("unknown item {part:?}")))
        .collect()
}

/// `target/http-bench` of this workspace (or of `CARGO_TARGET_DIR`).
fn default_out() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("http-bench")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn quick_and_overrides() {
        let Ok(Command::Run(options)) = parse(&args(
            "--quick --rounds 2 --servers hyper-ct,c-epoll --modes pinned,pipelined",
        )) else {
            panic!("not a run");
        };
        assert_eq!(options.label, "quick");
        assert_eq!(options.rounds, 2);
        assert_eq!(options.duration, Duration::from_secs(2));
        assert_eq!(
            options.servers,
            [ServerKind::HyperCurrent, ServerKind::CEpoll]
        );
        assert_eq!(options.modes, [Mode::Pinned, Mode::Pipelined]);
    }

    #[test]
    fn serve_subcommand() {
        assert_eq!(
            parse(&args("serve avx-native-mt 0")),
            Ok(Command::Serve {
                kind: ServerKind::AvxNativeMulti,
                port: 0
            })
        );
        assert!(parse(&args("serve nginx 0")).is_err());
        assert!(parse(&args("serve avx-native-mt")).is_err());
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&args("--rounds many")).is_err());
        assert!(parse(&args("--connections 1,0")).is_err());
        assert!(parse(&args("--skip everything")).is_err());
        assert!(parse(&args("--frobnicate")).is_err());
        assert!(parse(&args("--duration")).is_err());
    }
}
