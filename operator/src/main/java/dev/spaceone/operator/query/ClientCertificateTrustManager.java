package dev.spaceone.operator.query;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS-level handling of client certificates: the handshake accepts any certificate the client
 * proves it holds the key of, and names the current front-proxy and client CAs as acceptable
 * issuers. Whether a certificate is trusted is decided per request by {@link Authenticator}, so an
 * untrusted certificate is an anonymous request (401), as with kube-apiserver, and a rotated CA
 * applies without restarting the listener. Never used for server certificates.
 */
final class ClientCertificateTrustManager extends X509ExtendedTrustManager {
  private final Supplier<List<X509Certificate>> acceptedIssuers;

  ClientCertificateTrustManager(Supplier<List<X509Certificate>> acceptedIssuers) {
    this.acceptedIssuers = acceptedIssuers;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("empty client certificate chain");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only checks clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.get().toArray(X509Certificate[]::new);
  }
}
