//! [`UCred`]: who is at the other end of a Unix stream socket.

use super::{gid_t, pid_t, uid_t};

/// The credentials of the process at the other end of a
/// [`UnixStream`](crate::net::UnixStream), as the OS recorded them when the
/// connection was made.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    pid: Option<pid_t>,
    uid: uid_t,
    gid: gid_t,
}

impl UCred {
    /// The user ID.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The group ID.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The process ID, where the platform reports it (Linux, Android and Apple
    /// platforms); `None` elsewhere.
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// Reads the credentials of `socket`'s peer.
pub(crate) fn peer_cred(socket: std::os::fd::BorrowedFd<'_>) -> std::io::Result<UCred> {
    let cred = avx_native::socket::peer_cred(socket)?;
    Ok(UCred {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}
