//! The command line, parsed by hand: `--quick`, `--filter`, `--backend`, `--out`,
//! `--json`, `--list`, `--help`. Every mistake is an [`ArgError`] that names the
//! argument; nothing here panics or exits.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use avx_benches::Contender;

/// What the help prints.
pub const USAGE: &str = "\
avx-bench: the A/B report. Runs every workload on raw tokio, avx over its tokio
backend and avx's native backend, alternating them round by round, and reports
each contender's median and spread and the ratios to raw tokio.

USAGE:
    cargo run --release -p avx-bench -- [OPTIONS]

OPTIONS:
    --quick              a short run (under a minute): fewer rounds, smaller runs
    --filter <TEXT>      run only workloads whose id contains TEXT (repeatable:
                         any match); ids are area/workload/flavor, see --list
    --backend <LIST>     run only these contenders: tokio, avx-tokio, avx-native
                         (repeatable, or comma-separated); ratios need tokio
    --out <DIR>          where report.json, report.md and ratios.svg go
                         (default: target/avx-bench)
    --json               print the JSON report to stdout instead of the table
    --list               print the workload ids and exit
    -h, --help           print this help and exit

Progress goes to stderr. Ratios divide by raw tokio's median; '!' marks one
that is worse than tokio (above 1.00 for times and bytes, below 1.00 for rates).";

/// Where the report goes unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "target/avx-bench";

/// The hidden child mode's flag: `--parked-task-bytes <contender> <tasks>`.
pub const CHILD_FLAG: &str = "--parked-task-bytes";

/// The hidden child mode that measures idle connections:
/// `--idle-conn-bytes <contender> <connections>`.
pub const IDLE_SERVER_FLAG: &str = "--idle-conn-bytes";

/// The hidden child mode that holds the idle connections' client ends:
/// `--idle-conn-clients <addr> <connections>`.
pub const IDLE_CLIENTS_FLAG: &str = "--idle-conn-clients";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Print the help.
    Help,
    /// Print the workload ids.
    List,
    /// Run the report.
    Run(Options),
    /// Child mode: measure one contender's parked-task memory, print the number.
    ParkedTaskBytes {
        /// Whose.
        contender: Contender,
        /// How many tasks.
        tasks: usize,
    },
    /// Child mode: measure one contender's memory per idle connection, print
    /// the number and the connections held.
    IdleConnBytes {
        /// Whose.
        contender: Contender,
        /// How many connections, at most.
        connections: usize,
    },
    /// Grandchild mode: connect to the idle server, hold the connections until
    /// stdin ends.
    IdleConnClients {
        /// The server's address.
        addr: SocketAddr,
        /// How many connections.
        connections: usize,
    },
}

/// The report's options.
#[derive(Debug, PartialEq)]
pub struct Options {
    /// `--quick`.
    pub quick: bool,
    /// `--filter`s; empty runs everything.
    pub filters: Vec<String>,
    /// The contenders, in report order.
    pub contenders: Vec<Contender>,
    /// `--out`.
    pub out: PathBuf,
    /// `--json`.
    pub json: bool,
}

impl Options {
    /// Whether a case with this id is selected.
    pub fn selects(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }
}

/// A command line the tool cannot follow.
#[derive(Debug, PartialEq, Eq)]
pub struct ArgError(String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, ArgError> {
    match args.first().map(String::as_str) {
        Some(CHILD_FLAG) => return parse_child(&args[1..]),
        Some(IDLE_SERVER_FLAG) => return parse_idle_server(&args[1..]),
        Some(IDLE_CLIENTS_FLAG) => return parse_idle_clients(&args[1..]),
        _ => {}
    }
    let mut options = Options {
        quick: false,
        filters: Vec::new(),
        contenders: Vec::new(),
        out: PathBuf::from(DEFAULT_OUT),
        json: false,
    };
    let mut list = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        // `--name=value` and `--name value` both work.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| ArgError(format!("{name} needs a value")))
        };
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "--list" => list = true,
            "--quick" => options.quick = true,
            "--json" => options.json = true,
            "--filter" => {
                let filter = value(name)?;
                if filter.is_empty() {
                    return Err(ArgError("--filter needs a non-empty text".into()));
                }
                options.filters.push(filter);
            }
            "--backend" => {
                for id in value(name)?.split(',').map(str::trim) {
                    let contender = Contender::from_id(id).ok_or_else(|| {
                        ArgError(format!(
                            "--backend: unknown contender {id:?}; expected tokio, avx-tokio or avx-native"
                        ))
                    })?;
                    options.contenders.push(contender);
                }
            }
            "--out" => {
                let out = value(name)?;
                if out.is_empty() {
                    return Err(ArgError("--out needs a directory".into()));
                }
                options.out = PathBuf::from(out);
            }
            _ if name.starts_with('-') => {
                return Err(ArgError(format!("unknown option {name:?} (see --help)")));
            }
            _ => {
                return Err(ArgError(format!(
                    "unexpected argument {arg:?} (see --help)"
                )));
            }
        }
        if inline.is_some() && matches!(name, "--quick" | "--json" | "--list") {
            return Err(ArgError(format!("{name} takes no value")));
        }
    }
    if list {
        return Ok(Command::List);
    }
    // Report order, each once, whatever order and repetition the user gave.
    options.contenders = if options.contenders.is_empty() {
        Contender::ALL.to_vec()
    } else {
        Contender::ALL
            .into_iter()
            .filter(|c| options.contenders.contains(c))
            .collect()
    };
    Ok(Command::Run(options))
}

fn parse_child(args: &[String]) -> Result<Command, ArgError> {
    let (contender, tasks) = contender_and_count(CHILD_FLAG, "task", args)?;
    Ok(Command::ParkedTaskBytes { contender, tasks })
}

fn parse_idle_server(args: &[String]) -> Result<Command, ArgError> {
    let (contender, connections) = contender_and_count(IDLE_SERVER_FLAG, "connection", args)?;
    Ok(Command::IdleConnBytes {
        contender,
        connections,
    })
}

fn parse_idle_clients(args: &[String]) -> Result<Command, ArgError> {
    let [addr, connections] = args else {
        return Err(ArgError(format!(
            "{IDLE_CLIENTS_FLAG} takes an address and a connection count"
        )));
    };
    let addr = addr
        .parse()
        .map_err(|_| ArgError(format!("{IDLE_CLIENTS_FLAG}: {addr:?} is no address")))?;
    Ok(Command::IdleConnClients {
        addr,
        connections: count(IDLE_CLIENTS_FLAG, "connection", connections)?,
    })
}

/// A child mode's `<contender> <count>`.
fn contender_and_count(
    flag: &str,
    what: &str,
    args: &[String],
) -> Result<(Contender, usize), ArgError> {
    let [contender, n] = args else {
        return Err(ArgError(format!(
            "{flag} takes a contender and a {what} count"
        )));
    };
    let contender = Contender::from_id(contender)
        .ok_or_else(|| ArgError(format!("{flag}: unknown contender {contender:?}")))?;
    Ok((contender, count(flag, what, n)?))
}

/// A positive count.
fn count(flag: &str, what: &str, n: &str) -> Result<usize, ArgError> {
    n.parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| ArgError(format!("{flag}: {n:?} is no {what} count")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, ArgError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&args)
    }

    fn options(args: &[&str]) -> Options {
        match parse_strs(args) {
            Ok(Command::Run(options)) => options,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn no_arguments_run_everything_on_every_contender() {
        let o = options(&[]);
        assert!(!o.quick && !o.json && o.filters.is_empty());
        assert_eq!(o.contenders, Contender::ALL);
        assert_eq!(o.out, PathBuf::from(DEFAULT_OUT));
        assert!(o.selects("anything"));
    }

    #[test]
    fn every_option_in_both_spellings() {
        let o = options(&[
            "--quick",
            "--json",
            "--filter",
            "mpsc",
            "--filter=oneshot",
            "--out",
            "/tmp/x",
        ]);
        assert!(o.quick && o.json);
        assert_eq!(o.filters, ["mpsc", "oneshot"]);
        assert!(o.selects("sync/oneshot_round_trip/current_thread"));
        assert!(!o.selects("runtime/spawn_many/current_thread"));
        assert_eq!(o.out, PathBuf::from("/tmp/x"));
        assert_eq!(options(&["--out=d"]).out, PathBuf::from("d"));
    }

    #[test]
    fn backends_repeat_or_comma_separate_and_come_out_in_report_order() {
        let o = options(&["--backend", "avx-native, tokio", "--backend=avx-native"]);
        assert_eq!(o.contenders, [Contender::Tokio, Contender::AvxNative]);
    }

    #[test]
    fn help_and_list() {
        assert_eq!(parse_strs(&["--quick", "-h"]), Ok(Command::Help));
        assert_eq!(parse_strs(&["--help"]), Ok(Command::Help));
        assert_eq!(parse_strs(&["--list"]), Ok(Command::List));
    }

    #[test]
    fn mistakes_are_errors_that_name_the_argument() {
        for (args, says) in [
            (&["--backend", "native"][..], "\"native\""),
            (&["--backend"][..], "--backend needs a value"),
            (&["--filter", ""][..], "--filter"),
            (&["--out="][..], "--out"),
            (&["--quik"][..], "\"--quik\""),
            (&["stray"][..], "\"stray\""),
            (&["--json=yes"][..], "--json takes no value"),
        ] {
            let error = parse_strs(args).unwrap_err().to_string();
            assert!(error.contains(says), "{args:?}: {error}");
        }
    }

    #[test]
    fn child_mode() {
        assert_eq!(
            parse_strs(&[CHILD_FLAG, "avx-tokio", "1000"]),
            Ok(Command::ParkedTaskBytes {
                contender: Contender::AvxTokio,
                tasks: 1000
            })
        );
        assert!(parse_strs(&[CHILD_FLAG, "avx-tokio", "0"]).is_err());
        assert!(parse_strs(&[CHILD_FLAG, "x", "10"]).is_err());
        assert!(parse_strs(&[CHILD_FLAG]).is_err());
        assert_eq!(
            parse_strs(&[IDLE_SERVER_FLAG, "tokio", "10000"]),
            Ok(Command::IdleConnBytes {
                contender: Contender::Tokio,
                connections: 10_000
            })
        );
        assert_eq!(
            parse_strs(&[IDLE_CLIENTS_FLAG, "127.0.0.1:4000", "3"]),
            Ok(Command::IdleConnClients {
                addr: "127.0.0.1:4000".parse().unwrap(),
                connections: 3
            })
        );
        for bad in [
            &[IDLE_SERVER_FLAG, "tokio"][..],
            &[IDLE_SERVER_FLAG, "tokio", "-1"][..],
            &[IDLE_CLIENTS_FLAG, "localhost", "3"][..],
            &[IDLE_CLIENTS_FLAG, "127.0.0.1:4000", "0"][..],
        ] {
            assert!(parse_strs(bad).is_err(), "{bad:?}");
        }
    }
}
