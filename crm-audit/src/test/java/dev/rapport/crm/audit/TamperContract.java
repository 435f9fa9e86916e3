package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.testservers.TestServers;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tampering done directly on a store's stored records and blocks (SQL rows, MongoDB documents), at random
 * positions: every time, {@link AuditTrail#verify} finds it at the exact position and names what was done. Each case
 * works in a tenant of its own on one store per class.
 */
abstract class TamperContract extends OneStorePerClass {
  static final int RECORDS = 20;
  static final int BLOCK = 6;
  static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger TENANTS = new AtomicInteger();

  @TempDir
  Path dir;

  /** Raw access to the stored records and blocks of one tenant, past the store. */
  abstract Rows rows(TestServers.Opened opened, TenantId tenant);

  /** What a tamper test does to the stored form, bypassing the kernel. */
  interface Rows {
    /** The payload of the record at {@code pos}, as JSON text. */
    String payload(long pos);

    void setPayload(long pos, String json);

    void delete(long pos);

    void deleteFrom(long pos);

    /** Changes the position of the record at {@code from} to {@code to} (a free position). */
    void move(long from, long to);


    void insert(long pos, String id, String json);

    void deleteBlocksAfter(long seq);

    /** The body of block {@code seq}, as JSON text, and its replacement. */
    String block(long seq);

    void setBlock(long seq, String json);
  }

  /** {@value #RECORDS} sealed records in blocks of {@value #BLOCK}, in a tenant of their own. */
  final class Trail {
    final Actor actor = Actor.of("tamper" + TENANTS.incrementAndGet(), "alice");
    final AuditTrail audit;
    final Rows rows;
    /** The records' positions, in order (a store numbers them its own way: per tenant, or across tenants). */
    final long[] positions;

    Trail(CheckpointWitness witness) {
      audit = AuditTrail.builder().blockSize(BLOCK).witness(witness).build();
      Crm crm = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll()).audit(audit).clock(clock)
          .build();
      for (int i = 0; i < RECORDS; i++) {
        crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "Person " + i).build());
      }
      audit.sealPending();
      assertThat(audit.verify(actor.tenant())).satisfies(v -> {
        assertThat(v.intact()).isTrue();
        assertThat(v.sealed()).isEqualTo(RECORDS);
      });
      rows = rows(opened, actor.tenant());
      positions = audit.records(actor.tenant(), 0, RECORDS).stream().mapToLong(r -> r.position()).toArray();
      assertThat(positions).hasSize(RECORDS);
    }

    /** The position of the record at a random index below {@code bound}. */
    long position(long seed, int bound) {
      return positions[new SplittableRandom(seed).nextInt(bound)];
    }

    /** Moves every record from index {@code i} on one place later, leaving its position free. */
    void openGapAt(int i) {
      for (int k = RECORDS - 1; k >= i; k--) {
        rows.move(positions[k], positions[k] + 1);
      }
    }

    /** The stored record at {@code pos} with {@code field} set to {@code value} and its hash computed again. */
    String forged(long pos, String field, String value) throws Exception {
      ObjectNode content = StoredForm.view((ObjectNode) JSON.readTree(rows.payload(pos)));
      content.put(field, value);
      return JSON.writeValueAsString(StoredForm.stored(content));
    }

    /** The stored record at {@code pos} with {@code field} set to {@code value} in its text, the hash kept. */
    String edited(long pos, String field, String value) throws Exception {
      ObjectNode stored = (ObjectNode) JSON.readTree(rows.payload(pos));
      ObjectNode content = StoredForm.view(stored);
      content.put(field, value);
      stored.put(StoredForm.RECORD, Hashes.canonicalText(content, StoredForm.HASH));
      return JSON.writeValueAsString(stored);
    }

    Verification.Problem problem() {
      Verification v = audit.verify(actor.tenant());
      assertThat(v.intact()).as("tampering goes unnoticed: %s", v).isFalse();
      return v.problem();
    }
  }

  private static void expect(Verification.Problem p, Verification.Kind kind, long position) {
    assertThat(p.kind()).as(p.message()).isEqualTo(kind);
    assertThat(p.position()).as(p.message()).isEqualTo(position);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void aRecordEditedInPlaceIsAltered(long seed) throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = t.position(seed, RECORDS);
    t.rows.setPayload(pos, t.edited(pos, "actor", "mallory"));
    expect(t.problem(), Verification.Kind.ALTERED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void aRecordEditedWithItsHashComputedAgainIsAltered(long seed) throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = t.position(seed, RECORDS);
    t.rows.setPayload(pos, t.forged(pos, "actor", "mallory"));
    expect(t.problem(), Verification.Kind.ALTERED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void aDeletedRecordIsRemoved(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = t.position(seed, RECORDS - 1);
    t.rows.delete(pos);
    expect(t.problem(), Verification.Kind.REMOVED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void twoSwappedRecordsAreReordered(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    SplittableRandom random = new SplittableRandom(seed);
    int i = random.nextInt(RECORDS - 1);
    long p = t.positions[i];
    long q = t.positions[i + 1 + random.nextInt(RECORDS - 1 - i)];
    t.rows.move(p, -1);
    t.rows.move(q, p);
    t.rows.move(-1, q);
    expect(t.problem(), Verification.Kind.REORDERED, p);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void aForgedRecordBetweenSealedOnesIsInserted(long seed) throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    int i = new SplittableRandom(seed).nextInt(RECORDS);
    long pos = t.positions[i];
    String forged = t.forged(pos, "resourceId", "forged");
    t.openGapAt(i);
    t.rows.insert(pos, "forged-record", forged);
    expect(t.problem(), Verification.Kind.INSERTED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void theNewestRecordsCutOffAreTruncated(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = t.position(seed, RECORDS);
    t.rows.deleteFrom(pos);
    expect(t.problem(), Verification.Kind.TRUNCATED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void recordsCutOffWithTheirBlocksAreTruncatedByTheWitness(long seed) {
    Trail t = new Trail(CheckpointWitness.file(dir.resolve("witness-" + seed + ".jsonl")));
    // cut at a block boundary (blocks of 6: 1-6, 7-12, 13-18, 19-20) and drop the blocks from there
    int block = 1 + new SplittableRandom(seed).nextInt(3);
    t.rows.deleteFrom(t.positions[block * BLOCK]);
    t.rows.deleteBlocksAfter(block);
    // the first checkpoint the chain no longer reaches: block + 1, named by its last record's position
    expect(t.problem(), Verification.Kind.TRUNCATED, t.positions[Math.min((block + 1) * BLOCK, RECORDS) - 1]);
    // and the sealer does not extend a chain the witness disagrees with (it would reseal a rewritten trail)
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.audit.seal(t.actor.tenant()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("witness");
  }

  @Test
  void aBlockHeaderPushedAheadIsFoundAndDoesNotStopSealing() throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    ObjectNode block = (ObjectNode) JSON.readTree(t.rows.block(4));
    block.put("lastPosition", 1_000_000_000_000_000L);
    t.rows.setBlock(4, JSON.writeValueAsString(block));
    Verification.Problem p = t.problem();
    assertThat(p.kind()).as(p.message()).isEqualTo(Verification.Kind.CHAIN_BROKEN);
    assertThat(p.message()).contains("block 4");
  }

  @Test
  void anAlteredBlockBreaksTheChain() throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    ObjectNode block = (ObjectNode) JSON.readTree(t.rows.block(2));
    block.put("total", 13);
    t.rows.setBlock(2, JSON.writeValueAsString(block));
    Verification.Problem p = t.problem();
    assertThat(p.kind()).as(p.message()).isEqualTo(Verification.Kind.CHAIN_BROKEN);
    assertThat(p.message()).contains("block 2");
  }
}
