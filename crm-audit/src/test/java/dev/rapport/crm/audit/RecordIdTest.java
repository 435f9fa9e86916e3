package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Record ids are version 7 UUIDs: unique, and ordered by the millisecond they were made in. */
class RecordIdTest {
  @Test
  void idsAreUniqueVersion7UuidsThatGrowWithTime() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(AuditTrail.recordId())).isTrue();
    }
    long before = System.currentTimeMillis();
    UUID id = UUID.fromString(AuditTrail.recordId());
    long after = System.currentTimeMillis();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);

    String earlier = AuditTrail.recordId();
    Thread.sleep(2);
    String later = AuditTrail.recordId();
    // the text form orders as the time does (fixed-width lower-case hex), so an index on it appends
    assertThat(later).isGreaterThan(earlier);
    assertThat(later).hasSize(36);
  }
}
