//! A small HTTPS front for a fixture server: a certificate chain made at test
//! time with rcgen (a private CA and a leaf for the names asked), and a
//! tokio-rustls listener on `127.0.0.1:0` that terminates TLS and forwards the
//! bytes to the plain fixture server. A connection that does not start with a
//! TLS handshake is forwarded as it is, so `http://` and `https://` URLs of the
//! same name (mapped to this port) both reach the site.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A running TLS front. Stops when dropped.
pub struct TlsFront {
    addr: SocketAddr,
    ca_pem: PathBuf,
    handshakes: Arc<AtomicUsize>,
    plain: Arc<AtomicUsize>,
    task: JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl TlsFront {
    /// Serves `backend` over TLS with a certificate for `names`, signed by a
    /// fresh CA whose PEM is written to [`TlsFront::ca_pem`].
    pub async fn start(backend: SocketAddr, names: &[&str]) -> TlsFront {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "zwgk-audit test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let ca_pem = dir.path().join("test-ca.pem");
        std::fs::write(&ca_pem, ca.pem()).unwrap();

        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf_params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("test"));
        let leaf = leaf_params.signed_by(&leaf_key, &*ca).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let plain = Arc::new(AtomicUsize::new(0));
        let (hs, pl) = (handshakes.clone(), plain.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, hs, pl) = (acceptor.clone(), hs.clone(), pl.clone());
                tokio::spawn(async move {
                    let _ = forward(tcp, backend, acceptor, hs, pl).await;
                });
            }
        });
        TlsFront {
            addr,
            ca_pem,
            handshakes,
            plain,
            task,
            _dir: dir,
        }
    }

    /// The loopback address to map the names to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The PEM file of the CA that signed the certificate (for `--ca-cert`).
    pub fn ca_pem(&self) -> PathBuf {
        self.ca_pem.clone()
    }

    /// TLS handshakes completed.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }

    /// Plain (non-TLS) connections forwarded.
    pub fn plain_connections(&self) -> usize {
        self.plain.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    mut tcp: TcpStream,
    backend: SocketAddr,
    acceptor: TlsAcceptor,
    handshakes: Arc<AtomicUsize>,
    plain: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut first = [0u8; 1];
    if tcp.peek(&mut first).await? == 0 {
        return Ok(());
    }
    let mut upstream = TcpStream::connect(backend).await?;
    if first[0] == 0x16 {
        let mut tls = acceptor.accept(tcp).await?;
        handshakes.fetch_add(1, Ordering::SeqCst);
        tokio::io::copy_bidirectional(&mut tls, &mut upstream).await?;
    } else {
        plain.fetch_add(1, Ordering::SeqCst);
        tokio::io::copy_bidirectional(&mut tcp, &mut upstream).await?;
    }
    Ok(())
}
