package dev.keepsake.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for the local control plane: serving and client certificates.
 */
final class Certificates {
  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and its key, and where they were written as PEM. */
  record Issued(X509Certificate certificate, KeyPair keyPair, Path certFile, Path keyFile) {
    String certificatePem() {
      return pem(certificate);
    }

    String privateKeyPem() {
      return pem(keyPair.getPrivate());
    }
  }

  private final Issued authority;

  private Certificates(Issued authority) {
    this.authority = authority;
  }

  static Certificates newAuthority(Path dir, String commonName) {
    KeyPair keys = rsaKeyPair();
    X500Name subject = name(commonName, null);
    X509Certificate certificate =
        sign(
            subject,
            keys,
            subject,
            keys,
            builder -> {
              builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
              builder.addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });
    return new Certificates(write(dir, "ca", certificate, keys));
  }

  Issued authority() {
    return authority;
  }

  /** A TLS server certificate for loopback and the in-cluster names of the API server. */
  Issued server(Path dir, String fileName, List<String> dnsNames, List<String> ipAddresses) {
    KeyPair keys = rsaKeyPair();
    List<GeneralName> altNames = new ArrayList<>();
    dnsNames.forEach(dns -> altNames.add(new GeneralName(GeneralName.dNSName, dns)));
    ipAddresses.forEach(ip -> altNames.add(new GeneralName(GeneralName.iPAddress, ip)));
    X509Certificate certificate =
        issue(
            name(dnsNames.get(0), null),
            keys,
            builder -> {
              builder.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
              builder.addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(altNames.toArray(GeneralName[]::new)));
            });
    return write(dir, fileName, certificate, keys);
  }

  /** A client certificate: Kubernetes reads the user from CN and the groups from O. */
  Issued client(Path dir, String fileName, String user, String group) {
    KeyPair keys = rsaKeyPair();
    X509Certificate certificate =
        issue(
            name(user, group),
            keys,
            builder ->
                builder.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
    return write(dir, fileName, certificate, keys);
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException, GeneralSecurityException;
  }

  private X509Certificate issue(X500Name subject, KeyPair keys, Extensions extensions) {
    return sign(
        X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded()),
        authority.keyPair(),
        subject,
        keys,
        builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          builder.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensionUtils().createAuthorityKeyIdentifier(authority.certificate()));
          extensions.add(builder);
        });
  }

  private static X509Certificate sign(
      X500Name issuer,
      KeyPair issuerKeys,
      X500Name subject,
      KeyPair subjectKeys,
      Extensions extensions) {
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              subjectKeys.getPublic());
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
      extensions.add(builder);
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign certificate for " + subject, e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name name(String commonName, String organization) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    if (organization != null) {
      builder.addRDN(BCStyle.O, organization);
    }
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static Issued write(
      Path dir, String fileName, X509Certificate certificate, KeyPair keys) {
    Path certFile = dir.resolve(fileName + ".crt");
    Path keyFile = dir.resolve(fileName + ".key");
    try {
      Files.writeString(certFile, pem(certificate));
      Files.writeString(keyFile, pem(keys.getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(certificate, keys, certFile, keyFile);
  }
}
