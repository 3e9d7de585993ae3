//! A throwaway certificate authority so fake-plex can serve https on loopback
//! and clients can verify it (instead of switching verification off).

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use std::sync::Arc;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;

pub struct Tls {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub acceptor: tokio_rustls::TlsAcceptor,
}

/// With the key of an earlier run, the CA is the same trust anchor again
/// (same key, same name), so clients that trusted it keep trusting it.
pub fn make(ca_key_pem: Option<&str>, extra_names: &[String]) -> anyhow::Result<Tls> {
    let ca_key = match ca_key_pem {
        Some(pem) => KeyPair::from_pem(pem)?,
        None => KeyPair::generate()?,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "fake-plex test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key)?;

    let leaf_key = KeyPair::generate()?;
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "127.0.0.2", "::1"].map(String::from).to_vec();
    names.extend(extra_names.iter().cloned());
    let mut leaf = CertificateParams::new(names)?;
    leaf.distinguished_name.push(DnType::CommonName, "fake-plex");
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key)?;

    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )?;
    Ok(Tls {
        ca_pem: ca_cert.pem(),
        ca_key_pem: ca_key.serialize_pem(),
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    })
}
