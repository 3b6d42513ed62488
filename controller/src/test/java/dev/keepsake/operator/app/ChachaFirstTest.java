package dev.keepsake.operator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import java.util.HashSet;
import java.util.List;
import okhttp3.CipherSuite;
import okhttp3.ConnectionSpec;
import org.junit.jupiter.api.Test;

class ChachaFirstTest {
  @Test
  void theUsualCiphersAreOfferedWithChaChaFirst() {
    List<ConnectionSpec> specs =
        Operator.chachaFirst(new ApiClient()).getHttpClient().connectionSpecs();
    List<CipherSuite> offered = specs.get(0).cipherSuites();
    List<CipherSuite> usual = ConnectionSpec.MODERN_TLS.cipherSuites();

    assertEquals(new HashSet<>(usual), new HashSet<>(offered), "the same ciphers, reordered");
    assertEquals(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, offered.get(0));
    int lastChaCha = 0;
    int firstOther = offered.size();
    for (int i = 0; i < offered.size(); i++) {
      if (offered.get(i).javaName().contains("CHACHA20")) {
        lastChaCha = i;
      } else {
        firstOther = Math.min(firstOther, i);
      }
    }
    assertTrue(lastChaCha < firstOther, "every ChaCha20 cipher before the others: " + offered);
    assertEquals(ConnectionSpec.MODERN_TLS.tlsVersions(), specs.get(0).tlsVersions());
    assertEquals(ConnectionSpec.CLEARTEXT, specs.get(1), "plain http still works");
  }
}
