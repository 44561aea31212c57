//! Compiles the C epoll server (`c/epoll_server.c`) with `cc -O2` (or `$CC`) next to
//! the build's other outputs and tells the bench where it is (`EPOLL_SERVER`). Without
//! a C compiler the bench still builds; it then skips that server and says why.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let source = "c/epoll_server.c";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-env-changed=CC");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let binary = out.join("epoll_server");
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let built = Command::new(&compiler)
        .args(["-O2", "-Wall", "-Wextra", "-o"])
        .arg(&binary)
        .arg(source)
        .status();
    match built {
        Ok(status) if status.success() => {
            println!("cargo:rustc-env=EPOLL_SERVER={}", binary.display());
        }
        outcome => {
            println!(
                "cargo:warning=the C epoll server was not built ({compiler}: {outcome:?}); the bench will skip it"
            );
            println!("cargo:rustc-env=EPOLL_SERVER=");
        }
    }
}
