package dev.spaceone.operator.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may call the query API, as kube-apiserver publishes it in
 * {@code kube-system/extension-apiserver-authentication}: the front-proxy (request header) CA, the
 * common names its client certificates may have and the headers it sets, and the client CA.
 */
public record AuthenticationConfig(
    List<X509Certificate> requestHeaderCAs,
    List<String> allowedNames,
    List<String> usernameHeaders,
    List<String> groupHeaders,
    List<String> extraHeaderPrefixes,
    List<X509Certificate> clientCAs) {

  /** Trusts nobody: every request is anonymous. */
  public static final AuthenticationConfig NONE =
      new AuthenticationConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  private static final ObjectMapper JSON = new ObjectMapper();

  public AuthenticationConfig {
    requestHeaderCAs = List.copyOf(requestHeaderCAs);
    allowedNames = List.copyOf(allowedNames);
    usernameHeaders = List.copyOf(usernameHeaders);
    groupHeaders = List.copyOf(groupHeaders);
    extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
    clientCAs = List.copyOf(clientCAs);
  }

  /** Reads the ConfigMap's keys; a missing key means "none". Throws on a malformed certificate. */
  public static AuthenticationConfig fromConfigMap(ConfigMap configMap) {
    Map<String, String> data = configMap == null || configMap.getData() == null ? Map.of() : configMap.getData();
    return new AuthenticationConfig(
        certificates(data.get("requestheader-client-ca-file")),
        stringList(data.get("requestheader-allowed-names")),
        stringList(data.get("requestheader-username-headers")),
        stringList(data.get("requestheader-group-headers")),
        stringList(data.get("requestheader-extra-headers-prefix")),
        certificates(data.get("client-ca-file")));
  }

  /** Every CA whose client certificates the server asks for. */
  public List<X509Certificate> allCAs() {
    List<X509Certificate> all = new ArrayList<>(requestHeaderCAs);
    all.addAll(clientCAs);
    return all;
  }

  /** The certificates of a PEM bundle; empty for null or blank. */
  public static List<X509Certificate> certificates(String pem) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("malformed CA bundle: " + e.getMessage(), e);
    }
  }

  /** kube-apiserver writes these lists as JSON arrays of strings. */
  private static List<String> stringList(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    try {
      List<String> list = JSON.readValue(value, new TypeReference<List<String>>() { });
      return list.stream().filter(s -> s != null && !s.isBlank()).toList();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("malformed list " + value, e);
    }
  }
}
