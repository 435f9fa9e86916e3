package dev.rapport.crm.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** AES-GCM with a random 96-bit nonce stored before the ciphertext, and the context bound as associated data. */
final class Aead {
  static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Aead() {}

  static byte[] encrypt(SecretKey key, String context, byte[] plain) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE + c.getOutputSize(plain.length));
      c.doFinal(plain, 0, plain.length, out, NONCE);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /** The plain bytes; {@link GeneralSecurityException} when the key, the context or the bytes are not the ones sealed. */
  static byte[] decrypt(SecretKey key, String context, byte[] sealed) throws GeneralSecurityException {
    if (sealed.length < NONCE + TAG_BITS / 8) {
      throw new javax.crypto.AEADBadTagException("too short");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
    c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(sealed, NONCE, sealed.length - NONCE);
  }
}
