//! Builds the rustls client configuration (ring crypto provider) for one
//! HTTP client from its [`TlsSettings`], the way prometheus/common's
//! `NewTLSConfig` builds Go's `tls.Config`: system roots unless a CA is
//! given (then only that CA), optional client certificate, a server name
//! overriding the URL host for verification, `insecure_skip_verify`, and
//! version bounds. It is built once per client, never per request.
//!
//! Differences forced by rustls: only TLS 1.2 and 1.3 exist (a minimum of
//! TLS 1.0/1.1 behaves as 1.2; a maximum below 1.2 is an error), and
//! `server_name` changes the name the certificate is verified against but
//! not the SNI sent, which stays the URL's host.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::client::HttpClientError;
use super::settings::{Secret, TlsSettings, TlsVersion};

/// The rustls configuration for `tls`, offering HTTP/2 through ALPN when
/// `enable_http2`.
pub(crate) fn client_config(
    tls: &TlsSettings,
    enable_http2: bool,
) -> Result<ClientConfig, HttpClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions = protocol_versions(tls)?;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| HttpClientError::Tls(format!("unsupported TLS versions: {e}")))?;

    let verifier = server_verifier(tls, &provider)?;
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);

    let mut config = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            let (chain, key) = client_identity(cert, key)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                HttpClientError::Tls(format!("unable to use specified client cert & key: {e}"))
            })?
        }
        (Some(_), None) => {
            return Err(HttpClientError::Tls(
                "exactly one of key or key_file must be configured when a client certificate is configured".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(HttpClientError::Tls(
                "exactly one of cert or cert_file must be configured when a client key is configured".into(),
            ));
        }
        (None, None) => builder.with_no_client_auth(),
    };
    config.alpn_protocols = if enable_http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

fn protocol_versions(
    tls: &TlsSettings,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, HttpClientError> {
    if let (Some(min), Some(max)) = (tls.min_version, tls.max_version)
        && max < min
    {
        return Err(HttpClientError::Tls(
            "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified"
                .into(),
        ));
    }
    if let Some(max) = tls.max_version
        && max < TlsVersion::Tls12
    {
        return Err(HttpClientError::Tls(format!(
            "tls_config.max_version {} is not supported: only TLS12 and TLS13 are available",
            max.as_str()
        )));
    }
    let min = tls.min_version.unwrap_or(TlsVersion::Tls12);
    let max = tls.max_version.unwrap_or(TlsVersion::Tls13);
    let mut versions = Vec::with_capacity(2);
    if min <= TlsVersion::Tls12 {
        versions.push(&rustls::version::TLS12);
    }
    if max >= TlsVersion::Tls13 {
        versions.push(&rustls::version::TLS13);
    }
    Ok(versions)
}

fn server_verifier(
    tls: &TlsSettings,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, HttpClientError> {
    if tls.insecure_skip_verify {
        return Ok(Arc::new(AcceptAnyServerCert {
            provider: provider.clone(),
        }));
    }
    let verifier: Arc<dyn ServerCertVerifier> = match &tls.ca {
        Some(ca) => {
            let pem = ca
                .read()
                .map_err(|e| HttpClientError::Tls(format!("unable to read CA cert: {e}")))?;
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()).flatten() {
                // Go's AppendCertsFromPEM skips certificates it cannot parse.
                let _ = roots.add(cert);
            }
            if roots.is_empty() {
                return Err(HttpClientError::Tls(format!(
                    "unable to use specified CA cert {}",
                    describe(ca)
                )));
            }
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| {
                    HttpClientError::Tls(format!("unable to use specified CA cert: {e}"))
                })?
        }
        None => Arc::new(
            rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| {
                HttpClientError::Tls(format!("unable to load system root certificates: {e}"))
            })?,
        ),
    };
    match &tls.server_name {
        Some(name) if !name.is_empty() => {
            let name = ServerName::try_from(name.clone()).map_err(|e| {
                HttpClientError::Tls(format!("invalid tls_config.server_name {name:?}: {e}"))
            })?;
            Ok(Arc::new(FixedServerName {
                inner: verifier,
                name,
            }))
        }
        _ => Ok(verifier),
    }
}

fn client_identity(
    cert: &Secret,
    key: &Secret,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), HttpClientError> {
    let cert_pem = cert
        .read()
        .map_err(|e| HttpClientError::Tls(format!("unable to read specified client cert: {e}")))?;
    let key_pem = key
        .read()
        .map_err(|e| HttpClientError::Tls(format!("unable to read specified client key: {e}")))?;
    let unusable = |what: String| {
        HttpClientError::Tls(format!(
            "unable to use specified client cert ({}) & key ({}): {what}",
            describe(cert),
            describe(key)
        ))
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| unusable(e.to_string()))?;
    if chain.is_empty() {
        return Err(unusable("no certificate found in PEM data".into()));
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| unusable(e.to_string()))?;
    Ok((chain, key))
}

/// Upstream's description of where a TLS input came from.
fn describe(source: &Secret) -> String {
    match source {
        Secret::Inline(_) => "inline".to_owned(),
        Secret::File(path) => format!("file {}", path.display()),
    }
}

/// `insecure_skip_verify`: any certificate for any name is accepted; the
/// handshake signatures are still checked against the presented key.
#[derive(Debug)]
struct AcceptAnyServerCert {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `server_name`: verifies the certificate against a fixed name.
#[derive(Debug)]
struct FixedServerName {
    inner: Arc<dyn ServerCertVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for FixedServerName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn version_bounds() {
        let mut tls = TlsSettings::default();
        assert_eq!(protocol_versions(&tls).unwrap().len(), 2);
        tls.min_version = Some(TlsVersion::Tls13);
        assert_eq!(
            protocol_versions(&tls).unwrap(),
            vec![&rustls::version::TLS13]
        );
        tls.min_version = Some(TlsVersion::Tls10);
        tls.max_version = Some(TlsVersion::Tls12);
        assert_eq!(
            protocol_versions(&tls).unwrap(),
            vec![&rustls::version::TLS12]
        );
        tls.max_version = Some(TlsVersion::Tls11);
        assert!(protocol_versions(&tls).is_err());
        tls.min_version = Some(TlsVersion::Tls13);
        tls.max_version = Some(TlsVersion::Tls12);
        let err = protocol_versions(&tls).unwrap_err().to_string();
        assert!(
            err.contains("max_version must be greater than or equal"),
            "{err}"
        );
    }

    #[test]
    fn ca_without_certificates_is_rejected() {
        let tls = TlsSettings {
            ca: Some(Secret::Inline("not a pem".into())),
            ..Default::default()
        };
        let err = client_config(&tls, true).unwrap_err().to_string();
        assert_eq!(err, "unable to use specified CA cert inline");
    }

    #[test]
    fn missing_ca_file_is_reported() {
        let tls = TlsSettings {
            ca: Some(Secret::File(PathBuf::from("/nonexistent/ca.pem"))),
            ..Default::default()
        };
        let err = client_config(&tls, true).unwrap_err().to_string();
        assert!(
            err.starts_with("unable to read CA cert: unable to read file /nonexistent/ca.pem"),
            "{err}"
        );
    }

    #[test]
    fn cert_needs_key() {
        let tls = TlsSettings {
            cert: Some(Secret::Inline("x".into())),
            ..Default::default()
        };
        assert!(
            client_config(&tls, true)
                .unwrap_err()
                .to_string()
                .contains("key or key_file")
        );
    }

    #[test]
    fn alpn_follows_http2_setting() {
        let tls = TlsSettings {
            insecure_skip_verify: true,
            ..Default::default()
        };
        assert_eq!(
            client_config(&tls, true).unwrap().alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert_eq!(
            client_config(&tls, false).unwrap().alpn_protocols,
            vec![b"http/1.1".to_vec()]
        );
    }
}
