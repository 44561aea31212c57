//! Socket addresses in the C layout the socket calls take and return.

use std::io;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// A `sockaddr_storage` and the length of the address in it.
///
/// INVARIANT: `len` never exceeds the size of `storage`, and the first `len` bytes
/// of `storage` are a `sockaddr` of the family in its `ss_family`.
pub(super) struct RawAddr {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl RawAddr {
    /// Zeroed storage for a call to fill in (`accept`, `getsockname`).
    pub(super) fn storage() -> RawAddr {
        RawAddr {
            // SAFETY: all-zero bytes are a valid sockaddr_storage (integers and
            // arrays of integers).
            storage: unsafe { mem::zeroed() },
            len: mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }

    /// The `(address, length)` out-parameters for a call that writes an address.
    /// The kernel never writes past the length it is given, so the invariant holds.
    pub(super) fn out_params(&mut self) -> (*mut libc::sockaddr, *mut libc::socklen_t) {
        ((&raw mut self.storage).cast(), &raw mut self.len)
    }

    pub(super) fn as_ptr(&self) -> *const libc::sockaddr {
        (&raw const self.storage).cast()
    }

    pub(super) fn len(&self) -> libc::socklen_t {
        self.len
    }

    pub(super) fn from_inet(addr: &SocketAddr) -> RawAddr {
        let mut raw = RawAddr::storage();
        match addr {
            SocketAddr::V4(addr) => {
                // SAFETY: all-zero bytes are a valid sockaddr_in.
                let mut sin: libc::sockaddr_in = unsafe { mem::zeroed() };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = addr.port().to_be();
                sin.sin_addr = libc::in_addr {
                    s_addr: u32::from_ne_bytes(addr.ip().octets()),
                };
                #[cfg(not(any(target_os = "linux", target_os = "android")))]
                {
                    sin.sin_len = mem::size_of::<libc::sockaddr_in>() as u8;
                }
                raw.put(sin);
            }
            SocketAddr::V6(addr) => {
                // SAFETY: all-zero bytes are a valid sockaddr_in6.
                let mut sin6: libc::sockaddr_in6 = unsafe { mem::zeroed() };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = addr.port().to_be();
                sin6.sin6_addr = libc::in6_addr {
                    s6_addr: addr.ip().octets(),
                };
                sin6.sin6_flowinfo = addr.flowinfo();
                sin6.sin6_scope_id = addr.scope_id();
                #[cfg(not(any(target_os = "linux", target_os = "android")))]
                {
                    sin6.sin6_len = mem::size_of::<libc::sockaddr_in6>() as u8;
                }
                raw.put(sin6);
            }
        }
        raw
    }

    /// A Unix socket address: a path, or on Linux an abstract name.
    pub(super) fn from_unix(addr: &std::os::unix::net::SocketAddr) -> io::Result<RawAddr> {
        use std::os::unix::ffi::OsStrExt;

        // `sun_path` holds the name; for a path, std already checked it fits with
        // its terminating NUL. An abstract name starts with a NUL and has none at
        // the end.
        let (name, terminator): (Vec<u8>, usize) = if let Some(path) = addr.as_pathname() {
            (path.as_os_str().as_bytes().to_vec(), 1)
        } else if let Some(name) = abstract_name(addr) {
            let mut bytes = Vec::with_capacity(name.len() + 1);
            bytes.push(0);
            bytes.extend_from_slice(name);
            (bytes, 0)
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an unnamed Unix socket address cannot be bound or connected to",
            ));
        };
        // SAFETY: all-zero bytes are a valid sockaddr_un.
        let mut sun: libc::sockaddr_un = unsafe { mem::zeroed() };
        if name.len() + terminator > sun.sun_path.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "Unix socket path is too long",
            ));
        }
        sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (dst, src) in sun.sun_path.iter_mut().zip(&name) {
            *dst = *src as libc::c_char;
        }
        let path_offset = mem::size_of::<libc::sockaddr_un>() - sun.sun_path.len();
        let len = path_offset + name.len() + terminator;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            sun.sun_len = len as u8;
        }
        let mut raw = RawAddr::storage();
        raw.put(sun);
        raw.len = len as libc::socklen_t;
        Ok(raw)
    }

    /// Copies `sockaddr` into the storage and sets the length to its size.
    fn put<T: Copy>(&mut self, sockaddr: T) {
        const { assert!(mem::size_of::<T>() <= mem::size_of::<libc::sockaddr_storage>()) };
        // SAFETY: sockaddr_storage is, by definition, large enough and aligned for
        // every sockaddr type (checked for size above), and `T` is one of them.
        unsafe { (&raw mut self.storage).cast::<T>().write(sockaddr) };
        self.len = mem::size_of::<T>() as libc::socklen_t;
    }

    /// The address as an IPv4 or IPv6 `SocketAddr`.
    pub(super) fn to_inet(&self) -> io::Result<SocketAddr> {
        let family = libc::c_int::from(self.storage.ss_family);
        if family == libc::AF_INET && self.len as usize >= mem::size_of::<libc::sockaddr_in>() {
            // SAFETY: the family says the storage holds a sockaddr_in (the
            // invariant), it is long enough, and the storage is aligned for it.
            let sin = unsafe { (&raw const self.storage).cast::<libc::sockaddr_in>().read() };
            let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            return Ok(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into());
        }
        if family == libc::AF_INET6 && self.len as usize >= mem::size_of::<libc::sockaddr_in6>() {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe {
                (&raw const self.storage)
                    .cast::<libc::sockaddr_in6>()
                    .read()
            };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let port = u16::from_be(sin6.sin6_port);
            return Ok(SocketAddrV6::new(ip, port, sin6.sin6_flowinfo, sin6.sin6_scope_id).into());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "invalid address family (not IPv4 or IPv6)",
        ))
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn abstract_name(addr: &std::os::unix::net::SocketAddr) -> Option<&[u8]> {
    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;

    addr.as_abstract_name()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn abstract_name(_: &std::os::unix::net::SocketAddr) -> Option<&[u8]> {
    None
}
