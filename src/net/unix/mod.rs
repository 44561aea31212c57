//! Unix domain sockets: the halves a [`UnixStream`](super::UnixStream) splits
//! into, addresses, and peer credentials.

pub(crate) mod datagram;
pub(crate) mod listener;
pub(crate) mod socket;
mod socketaddr;
mod split;
pub(crate) mod stream;
mod ucred;

pub use socketaddr::SocketAddr;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use ucred::UCred;

/// A user ID.
#[allow(non_camel_case_types, reason = "tokio's name, after C's")]
pub type uid_t = u32;

/// A group ID.
#[allow(non_camel_case_types, reason = "tokio's name, after C's")]
pub type gid_t = u32;

/// A process or process group ID.
#[allow(non_camel_case_types, reason = "tokio's name, after C's")]
pub type pid_t = i32;

/// The std address for `path`; on Linux a path starting with a NUL byte names
/// the rest as an abstract address, as tokio reads it.
fn std_addr(path: &std::path::Path) -> std::io::Result<std::os::unix::net::SocketAddr> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::ffi::OsStrExt;

        if let Some(name) = path.as_os_str().as_bytes().strip_prefix(b"\0") {
            return std::os::unix::net::SocketAddr::from_abstract_name(name);
        }
    }
    std::os::unix::net::SocketAddr::from_pathname(path)
}
