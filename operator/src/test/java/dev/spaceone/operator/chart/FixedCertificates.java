package dev.spaceone.operator.chart;

/** Fixed test certificates (ECDSA P-256, valid for 100 years; no private keys are kept). */
final class FixedCertificates {
  /** A self-signed CA, "CN=test-ca". */
  static final String CA_PEM = """
      -----BEGIN CERTIFICATE-----
      MIIBezCCASGgAwIBAgIUYWQN+JOZ0867F0k7CWexBu3kyX4wCgYIKoZIzj0EAwIw
      EjEQMA4GA1UEAwwHdGVzdC1jYTAgFw0yNjExMjQyMDQ3MTdaGA8yMTI2MTAzMTIw
      NDcxN1owEjEQMA4GA1UEAwwHdGVzdC1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEH
      A0IABI7pVI6AS7c1BLr+FnRqcPBcl8tero7V0tTBiMChpoYi91MWGgp2uyNyycsu
      JlqwCViB0DXFhGMu0rahIPa0OuCjUzBRMB0GA1UdDgQWBBR65yECmKW9YXrCOAgU
      wifkOAP4iDAfBgNVHSMEGDAWgBR65yECmKW9YXrCOAgUwifkOAP4iDAPBgNVHRMB
      Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIElElR2wegRxUe5fZAnISzXa07di
      ynRSEemLa68pUB0SAiEAiRDppdjqijJbt10gLe77SkXNyTpU5S2Hodq9SAbLi+k=
      -----END CERTIFICATE-----
      """;
  /** A certificate "CN=corp" signed by {@link #CA_PEM}. */
  static final String SERVING_PEM = """
      -----BEGIN CERTIFICATE-----
      MIIBHjCBxAIUSC1QjHfzQQaDKCz2M2FXbxonosUwCgYIKoZIzj0EAwIwEjEQMA4G
      A1UEAwwHdGVzdC1jYTAgFw0yNjExMjQyMDQ3MTdaGA8yMTI2MTAzMTIwNDcxN1ow
      DzENMAsGA1UEAwwEY29ycDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPGDBm8Y
      C9JmZJ7hzUEL4NFCTpyD5HevTtseG7AjCTnYOX9bmybsTTM+r+9LC7NK1wuZ3Hdv
      AsLfxnD9NctBzg8wCgYIKoZIzj0EAwIDSQAwRgIhAPRPSFZMhxOt46fcU0vU/o23
      9JlGfqmzcE3DnzRCee2JAiEAzoynrTUuIFVbUxrVhmkJkbtmBVbd8/V7bEVQmVuO
      IJI=
      -----END CERTIFICATE-----
      """;

  private FixedCertificates() {}
}
