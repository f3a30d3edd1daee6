package dev.spaceone.operator.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Authenticates a request the way kube-apiserver's request-header and x509 authenticators do, in
 * that order:
 * <ol>
 *   <li>a client certificate that chains to the request-header (front-proxy) CA, whose common name is
 *       allowed (any, when the allowed list is empty), makes the {@code X-Remote-User} /
 *       {@code X-Remote-Group} / {@code X-Remote-Extra-*} headers (as configured) the user;</li>
 *   <li>a client certificate that chains to the client CA is the user {@code CN} with groups {@code O}.</li>
 * </ol>
 * Anything else is anonymous ({@link Optional#empty()}): no certificate, an unverified one, and
 * headers without a verified front-proxy certificate. TLS accepts any client certificate (so a bad
 * one is a 401, not a handshake failure); the verification is here.
 */
public final class Authenticator {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EKU = "2.5.29.37.0";

  private final Supplier<AuthenticationConfig> config;

  public Authenticator(Supplier<AuthenticationConfig> config) {
    this.config = config;
  }

  /**
   * @param chain the client's certificate chain, leaf first, or null when it sent none
   * @param headers request headers, names compared case-insensitively
   */
  public Optional<UserInfo> authenticate(X509Certificate[] chain, Map<String, List<String>> headers) {
    if (chain == null || chain.length == 0) {
      return Optional.empty();
    }
    AuthenticationConfig c = config.get();
    X509Certificate leaf = chain[0];
    if (verifies(chain, c.requestHeaderCAs())) {
      String cn = commonName(leaf);
      if (c.allowedNames().isEmpty() || c.allowedNames().contains(cn)) {
        Optional<UserInfo> user = fromHeaders(c, headers);
        if (user.isPresent()) {
          return user;
        }
      }
    }
    if (verifies(chain, c.clientCAs())) {
      String cn = commonName(leaf);
      if (cn != null && !cn.isEmpty()) {
        return Optional.of(user(cn, attribute(leaf, "O"), Map.of()));
      }
    }
    return Optional.empty();
  }

  private static Optional<UserInfo> fromHeaders(AuthenticationConfig c, Map<String, List<String>> headers) {
    Map<String, List<String>> h = lowerCase(headers);
    String name = null;
    for (String header : c.usernameHeaders()) {
      List<String> values = h.get(header.toLowerCase(Locale.ROOT));
      if (values != null && !values.isEmpty() && !values.get(0).isEmpty()) {
        name = values.get(0);
        break;
      }
    }
    if (name == null) {
      return Optional.empty();
    }
    List<String> groups = new ArrayList<>();
    for (String header : c.groupHeaders()) {
      groups.addAll(h.getOrDefault(header.toLowerCase(Locale.ROOT), List.of()));
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String prefix : c.extraHeaderPrefixes()) {
      String p = prefix.toLowerCase(Locale.ROOT);
      h.forEach((header, values) -> {
        if (header.startsWith(p) && header.length() > p.length()) {
          String key = unescape(header.substring(p.length())).toLowerCase(Locale.ROOT);
          extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
        }
      });
    }
    extra.replaceAll((k, v) -> List.copyOf(v));
    return Optional.of(user(name, groups, extra));
  }

  /** As kube-apiserver: a key that is not valid percent-encoding is kept as sent. */
  private static String unescape(String key) {
    try {
      return URLDecoder.decode(key, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return key;
    }
  }

  private static UserInfo user(String name, List<String> groups, Map<String, List<String>> extra) {
    List<String> all = new ArrayList<>(groups);
    if (!all.contains(UserInfo.AUTHENTICATED)) {
      all.add(UserInfo.AUTHENTICATED);
    }
    return new UserInfo(name, all, extra);
  }

  private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      if (k != null) {
        out.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v);
      }
    });
    return out;
  }

  /** True when the chain verifies (PKIX, now, no revocation) against one of the CAs, for client auth. */
  static boolean verifies(X509Certificate[] chain, List<X509Certificate> cas) {
    if (cas.isEmpty()) {
      return false;
    }
    try {
      X509Certificate leaf = chain[0];
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EKU)) {
        return false;
      }
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate ca : cas) {
        anchors.add(new TrustAnchor(ca, null));
      }
      // The path excludes any certificate the client sent that is itself a trust anchor.
      List<X509Certificate> path = new ArrayList<>();
      for (X509Certificate cert : Arrays.asList(chain)) {
        if (!cas.contains(cert)) {
          path.add(cert);
        }
      }
      if (path.isEmpty()) {
        return false;
      }
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static String commonName(X509Certificate cert) {
    List<String> cn = attribute(cert, "CN");
    return cn.isEmpty() ? null : cn.get(0);
  }

  static List<String> attribute(X509Certificate cert, String type) {
    try {
      List<String> out = new ArrayList<>();
      List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
      for (Rdn rdn : rdns) {
        if (rdn.getType().equalsIgnoreCase(type)) {
          out.add(String.valueOf(rdn.getValue()));
        }
      }
      // LdapName lists RDNs last-first; keep the certificate's order.
      Collections.reverse(out);
      return out;
    } catch (InvalidNameException e) {
      return List.of();
    }
  }
}
