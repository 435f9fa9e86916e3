package dev.rapport.crm.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by creation time and index well.
 * Monotonic within this JVM: ids generated in the same millisecond still increase.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();

  private Ids() {}

  public static String uuidV7(Clock clock) {
    long millis = clock.millis();
    // 12-bit counter in rand_a keeps ids monotonic within one millisecond
    long stamp = LAST.updateAndGet(prev -> {
      long prevMillis = prev >>> 12;
      if (millis > prevMillis) {
        return millis << 12;
      }
      return prev + 1;
    });
    long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0xFFFL);
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
