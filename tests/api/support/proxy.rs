//! A fault-injecting TCP proxy between the app and PostgreSQL: it listens on a free local
//! port and forwards every connection to the database until [`Proxy::cut`], which drops
//! every open connection and holds new ones unanswered (a blackhole, as a lost network
//! looks), until [`Proxy::restore`], from when connections are forwarded again (the held
//! ones too, if their client still waits). [`Proxy::freeze`] is the quieter failure: open
//! connections stay open but carry nothing more, as when a network drops packets and no
//! side learns of it.

use std::net::SocketAddr;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Whether the link is up, and which cut it is in: a connection forwarded in one era ends
/// when a cut starts the next.
#[derive(Debug, Clone, Copy)]
struct Link {
    up: bool,
    era: u64,
    /// The connections the last era ended are kept open, silent, rather than closed.
    frozen: bool,
}

pub struct Proxy {
    pub port: u16,
    link: watch::Sender<Link>,
}

impl Proxy {
    /// Starts forwarding `127.0.0.1:<port>` to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let (link, _) = watch::channel(Link {
            up: true,
            era: 0,
            frozen: false,
        });
        let links = link.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, upstream, links.subscribe()));
            }
        });
        Proxy { port, link }
    }

    /// The database is gone: open connections are closed, new ones get no answer.
    pub fn cut(&self) {
        self.link.send_modify(|link| {
            link.up = false;
            link.era += 1;
            link.frozen = false;
        });
    }

    /// The network goes silent: open connections stay open but carry no more bytes either
    /// way (until the test ends), new ones get no answer. [`Proxy::restore`]
    /// forwards new connections again; the frozen ones stay silent.
    pub fn freeze(&self) {
        self.link.send_modify(|link| {
            link.up = false;
            link.era += 1;
            link.frozen = true;
        });
    }

    /// The database is back: connections are forwarded again.
    pub fn restore(&self) {
        self.link.send_modify(|link| link.up = true);
    }
}

/// `url` (a `postgres://` URL) pointed at `127.0.0.1:<port>` instead of its host.
pub fn through_port(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    format!(
        "{scheme}://{}127.0.0.1:{port}{path}",
        &authority[..host_start]
    )
}

/// The host and port a `postgres://` URL names (port 5432 when it names none).
pub fn upstream_of(url: &str) -> SocketAddr {
    let rest = url.split_once("://").expect("a URL with a scheme").1;
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host_port = &authority[authority.rfind('@').map_or(0, |at| at + 1)..];
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let host_port = host_port.replacen("localhost", "127.0.0.1", 1);
    host_port
        .parse()
        .expect("a numeric host:port in the PostgreSQL URL")
}

/// Waits until the link is up, then pipes bytes both ways until either side closes or a cut
/// or freeze begins; dropping both sockets closes them (after a freeze, only once the test
/// ends).
async fn forward(mut client: TcpStream, upstream: SocketAddr, mut link: watch::Receiver<Link>) {
    let Ok(era) = link.wait_for(|l| l.up).await.map(|l| l.era) else {
        return;
    };
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let frozen = tokio::select! {
        _ = copy_bidirectional(&mut client, &mut server) => false,
        ended = link.wait_for(|l| l.era != era) => ended.is_ok_and(|l| l.frozen),
    };
    if frozen {
        // Both sockets stay open, unread and unwritten, until the test ends.
        while link.changed().await.is_ok() {}
    }
}
