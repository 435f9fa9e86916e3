package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tampering done directly on the stored rows of an H2 database, at random positions: every time, {@link
 * AuditTrail#verify} finds it at the exact position and names what was done.
 */
class TamperH2Test {
  private static final int RECORDS = 20;
  private static final String TABLE = "rapport_stream_record";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
  private final Actor alice = Actor.of("acme", "alice");

  @TempDir
  Path dir;

  /** A trail of {@value #RECORDS} sealed records in blocks of 6, on a database of its own. */
  private final class Trail {
    final JdbcDataSource ds = new JdbcDataSource();
    final AuditTrail audit;

    Trail(CheckpointWitness witness) {
      ds.setURL("jdbc:h2:mem:tamper-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      audit = AuditTrail.builder().blockSize(6).witness(witness).build();
      Crm crm = Crm.builder().store(JdbcStore.h2(ds)).accessPolicy(AccessPolicy.allowAll()).audit(audit)
          .clock(clock).build();
      for (int i = 0; i < RECORDS; i++) {
        crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Person " + i).build());
      }
      audit.sealPending();
      assertThat(audit.verify(alice.tenant())).satisfies(v -> {
        assertThat(v.intact()).isTrue();
        assertThat(v.sealed()).isEqualTo(RECORDS);
      });
    }

    void sql(String statement, Object... args) {
      try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException(statement, e);
      }
    }

    String payload(long pos) {
      try (Connection c = ds.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT payload FROM " + TABLE + " WHERE pos = ?")) {
        ps.setLong(1, pos);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The payload at {@code pos} with {@code field} set to {@code value} and its hash computed again. */
    String forged(long pos, String field, String value) throws Exception {
      ObjectNode forged = (ObjectNode) JSON.readTree(payload(pos));
      forged.put(field, value);
      forged.put(AuditTrail.HASH, Hashes.content(forged, AuditTrail.HASH));
      return JSON.writeValueAsString(forged);
    }

    /** Moves every record from {@code pos} on one place later, leaving {@code pos} free. */
    void openGapAt(long pos) {
      sql("UPDATE " + TABLE + " SET pos = pos + 1000 WHERE pos >= ?", pos);
      sql("UPDATE " + TABLE + " SET pos = pos - 999 WHERE pos >= 1000");
    }

    Verification.Problem problem() {
      Verification v = audit.verify(alice.tenant());
      assertThat(v.intact()).as("tampering goes unnoticed: %s", v).isFalse();
      return v.problem();
    }
  }

  private static void expect(Verification.Problem p, Verification.Kind kind, long position) {
    assertThat(p.kind()).as(p.message()).isEqualTo(kind);
    assertThat(p.position()).as(p.message()).isEqualTo(position);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aRecordEditedInPlaceIsAltered(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = 1 + new SplittableRandom(seed).nextInt(RECORDS);
    t.sql("UPDATE " + TABLE + " SET payload = REPLACE(payload, '\"actor\":\"alice\"', '\"actor\":\"mallory\"') "
        + "WHERE pos = ?", pos);
    expect(t.problem(), Verification.Kind.ALTERED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aRecordEditedWithItsHashComputedAgainIsAltered(long seed) throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = 1 + new SplittableRandom(seed).nextInt(RECORDS);
    t.sql("UPDATE " + TABLE + " SET payload = ? WHERE pos = ?", t.forged(pos, "actor", "mallory"), pos);
    expect(t.problem(), Verification.Kind.ALTERED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aDeletedRecordIsRemoved(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = 1 + new SplittableRandom(seed).nextInt(RECORDS - 1);
    t.sql("DELETE FROM " + TABLE + " WHERE pos = ?", pos);
    expect(t.problem(), Verification.Kind.REMOVED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void twoSwappedRecordsAreReordered(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    SplittableRandom random = new SplittableRandom(seed);
    long p = 1 + random.nextInt(RECORDS - 1);
    long q = p + 1 + random.nextInt((int) (RECORDS - p));
    t.sql("UPDATE " + TABLE + " SET pos = -1 WHERE pos = ?", p);
    t.sql("UPDATE " + TABLE + " SET pos = ? WHERE pos = ?", p, q);
    t.sql("UPDATE " + TABLE + " SET pos = ? WHERE pos = -1", q);
    expect(t.problem(), Verification.Kind.REORDERED, p);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aForgedRecordBetweenSealedOnesIsInserted(long seed) throws Exception {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = 1 + new SplittableRandom(seed).nextInt(RECORDS);
    String forged = t.forged(pos, "resourceId", "forged");
    t.openGapAt(pos);
    t.sql("INSERT INTO " + TABLE + " (tenant, stream, pos, id, type, payload, recorded_at) VALUES "
        + "('acme', 'audit', ?, 'forged-record', 'audit.change', ?, CURRENT_TIMESTAMP)", pos,
        forged);
    expect(t.problem(), Verification.Kind.INSERTED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void theNewestRecordsCutOffAreTruncated(long seed) {
    Trail t = new Trail(CheckpointWitness.none());
    long pos = 1 + new SplittableRandom(seed).nextInt(RECORDS);
    t.sql("DELETE FROM " + TABLE + " WHERE pos >= ?", pos);
    expect(t.problem(), Verification.Kind.TRUNCATED, pos);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void recordsCutOffWithTheirBlocksAreTruncatedByTheWitness(long seed) {
    Trail t = new Trail(CheckpointWitness.file(dir.resolve("witness-" + seed + ".jsonl")));
    // cut at a block boundary (blocks of 6: 1-6, 7-12, 13-18, 19-20) and drop the blocks from there
    int block = 1 + new SplittableRandom(seed).nextInt(3);
    long from = (long) block * 6 + 1;
    t.sql("DELETE FROM " + TABLE + " WHERE pos >= ?", from);
    t.sql("DELETE FROM rapport_doc_audit_blocks WHERE f_seq > ?", block);
    Verification.Problem p = t.problem();
    assertThat(p.kind()).as(p.message()).isEqualTo(Verification.Kind.TRUNCATED);
    assertThat(p.position()).as(p.message()).isEqualTo(RECORDS);
  }

  @org.junit.jupiter.api.Test
  void anAlteredBlockBreaksTheChain() throws SQLException {
    Trail t = new Trail(CheckpointWitness.none());
    try (Connection c = t.ds.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE rapport_doc_audit_blocks SET body = REPLACE(body, '\"total\":12', '\"total\":13')");
    }
    Verification.Problem p = t.problem();
    assertThat(p.kind()).as(p.message()).isEqualTo(Verification.Kind.CHAIN_BROKEN);
    assertThat(p.message()).contains("block 2");
  }
}
