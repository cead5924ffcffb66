//! Which names the preview answers to: its defence against DNS rebinding.
//!
//! A page on any website can point a name it controls (`evil.example`) at
//! 127.0.0.1 and then read the preview as if it were its own origin. The
//! browser cannot tell; the server can, because the request's `Host` names
//! the attacker's domain. So the preview answers only when `Host` names a
//! loopback address (`localhost`, `127.0.0.1`, `[::1]`, any loopback IP
//! literal) or the address given to `--bind`; bound to an unspecified
//! address (`0.0.0.0`, `::`), any IP literal, since those are how the
//! machine's own addresses are written and an IP literal cannot be rebound.
//!
//! Names are compared case-insensitively (RFC 9110 section 4.2.3) and
//! exactly: `localhost.` and `evil.localhost` are refused. The port is
//! checked for syntax only: a rebinding attack controls the name, not the
//! port, and an SSH tunnel (`ssh -L 9000:localhost:8000`) legitimately
//! changes the port the browser names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The addresses the preview accepts in `Host`, from the one it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct Allowed {
    bound: IpAddr,
}

impl Allowed {
    pub fn new(bound: IpAddr) -> Allowed {
        Allowed { bound }
    }

    /// Whether a `Host` value (`localhost:8000`, `[::1]`) may be answered.
    /// `None` when it is not even a host and port.
    pub fn host(&self, value: &str) -> Option<bool> {
        let host = host_of(value.trim())?;
        Some(match host {
            Host::Ip(ip) => ip.is_loopback() || ip == self.bound || self.bound.is_unspecified(),
            Host::Name(name) => name.eq_ignore_ascii_case("localhost"),
        })
    }

    /// Whether an `Origin` value names a page of the preview itself
    /// (`http://` and an allowed host). `null` (a sandboxed frame, a local
    /// file) is not.
    pub fn origin(&self, value: &str) -> bool {
        let value = value.trim();
        let Some((scheme, authority)) = value.split_once("://") else {
            return false;
        };
        scheme.eq_ignore_ascii_case("http") && self.host(authority) == Some(true)
    }
}

/// The host part of a `Host` value.
enum Host<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

/// Splits `host[:port]` (RFC 9110 section 7.2, with RFC 3986's host) and
/// keeps the host; `None` if either part is malformed.
fn host_of(value: &str) -> Option<Host<'_>> {
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => "",
            _ => after.strip_prefix(':')?,
        };
        (Host::Ip(IpAddr::V6(inside.parse::<Ipv6Addr>().ok()?)), port)
    } else {
        let (name, port) = value.split_once(':').unwrap_or((value, ""));
        let host = match name.parse::<Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(name),
        };
        (host, port)
    };
    // An empty port means the scheme's default (RFC 3986 section 3.2.3).
    let port_ok = port.is_empty()
        || (port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok());
    let name_ok = match host {
        Host::Name(name) => {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        }
        Host::Ip(_) => true,
    };
    (port_ok && name_ok).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn loopback() -> Allowed {
        Allowed::new(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    #[rstest]
    #[case("127.0.0.1:8000")]
    #[case("127.0.0.1")]
    #[case("127.0.0.1:")]
    #[case("localhost:8000")]
    #[case("localhost")]
    #[case("LOCALHOST:8000")]
    #[case("LocalHost")]
    #[case("[::1]:8000")]
    #[case("[::1]")]
    #[case("[0:0:0:0:0:0:0:1]:8000")]
    #[case("127.1.2.3:9000")]
    #[case(" localhost:8000 ")]
    fn loopback_names_are_answered(#[case] host: &str) {
        assert_eq!(loopback().host(host), Some(true), "{host}");
    }

    #[rstest]
    #[case("evil.example:8000")]
    #[case("evil.example")]
    #[case("localhost.:8000")]
    #[case("localhost.")]
    #[case("evil.localhost:8000")]
    #[case("localhost.evil.example")]
    #[case("127.0.0.1.nip.io:8000")]
    #[case("192.168.1.5:8000")]
    #[case("[::2]:8000")]
    #[case("0.0.0.0:8000")]
    fn other_names_are_refused(#[case] host: &str) {
        assert_eq!(loopback().host(host), Some(false), "{host}");
    }

    #[rstest]
    #[case("")]
    #[case(":8000")]
    #[case("localhost:80000")]
    #[case("localhost:8a")]
    #[case("localhost:8000:1")]
    #[case("[::1")]
    #[case("[::1]8000")]
    #[case("[evil.example]:8000")]
    #[case("[fe80::1%25eth0]:8000")]
    #[case("user@localhost:8000")]
    #[case("localhost/x")]
    #[case("local host")]
    fn malformed_hosts_are_not_hosts(#[case] host: &str) {
        assert_eq!(loopback().host(host), None, "{host:?}");
    }

    #[test]
    fn the_bound_address_is_answered_too() {
        let lan = Allowed::new("192.168.1.5".parse().unwrap());
        assert_eq!(lan.host("192.168.1.5:8000"), Some(true));
        assert_eq!(lan.host("localhost:8000"), Some(true));
        assert_eq!(lan.host("192.168.1.6:8000"), Some(false));
        assert_eq!(lan.host("mybox.local:8000"), Some(false));
        let any = Allowed::new("0.0.0.0".parse().unwrap());
        assert_eq!(any.host("10.1.2.3:8000"), Some(true));
        assert_eq!(any.host("[fd00::1]:8000"), Some(true));
        assert_eq!(any.host("evil.example:8000"), Some(false));
    }

    #[rstest]
    #[case("http://localhost:8000", true)]
    #[case("HTTP://127.0.0.1:8000", true)]
    #[case("http://[::1]:8000", true)]
    #[case("http://evil.example:8000", false)]
    #[case("https://localhost:8000", false)]
    #[case("null", false)]
    #[case("", false)]
    #[case("http://localhost:8000/path", false)]
    fn origins_must_be_pages_of_the_preview(#[case] origin: &str, #[case] ok: bool) {
        assert_eq!(loopback().origin(origin), ok, "{origin:?}");
    }
}
