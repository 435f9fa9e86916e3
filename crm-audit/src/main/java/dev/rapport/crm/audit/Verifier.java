package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link AuditTrail#verify}: the stream and the chain's blocks walked together, then the witness's checkpoints. */
final class Verifier {
  /** Whether a record of a kind written at a time is past its retention at a given instant. */
  @FunctionalInterface
  interface Expiry {
    boolean test(String kind, String at, Instant now);
  }

  private final CheckpointWitness witness;
  private final Expiry expired;

  Verifier(CheckpointWitness witness, Expiry expired) {
    this.witness = witness;
    this.expired = expired;
  }

  /**
   * Walks the tenant's records and the chain's blocks in order and returns the first problem: a record whose content
   * does not match its hash or the hash the chain sealed (altered), a sealed record missing (removed), a record the
   * chain does not hold between sealed ones (inserted), a sealed record at another place (reordered), the newest
   * sealed records missing (truncated), or a block missing, altered or not linking to the one before it; then checks
   * the chain against the witness's newest checkpoint. Records after the last block are checked against their own
   * hashes only (they are not sealed yet).
   */
  Verification verify(Store store, TenantId tenant, Instant now) {
    Records records = new Records(store, tenant);
    byte[] head = Chain.GENESIS;
    long expectedSeq = 1;
    long sealed = 0;
    Map<Long, byte[]> headBySeq = new HashMap<>();
    long previousEnd = 0;
    for (java.util.Iterator<Chain.Block> it = Chain.blocks(store, tenant, 0); it.hasNext(); ) {
      Chain.Block b = it.next();
      if (b.seq() != expectedSeq) {
        return new Verification(records.count(), sealed, records.purged, expectedSeq - 1, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, b.positions().length > 0 ? b.positions()[0] : 0, null,
            "block " + expectedSeq + " is missing (the next block is " + b.seq() + ")"));
      }
      if (!b.wellFormed() || b.positions()[0] <= previousEnd) {
        return broken(records, sealed, b, "block " + b.seq() + " was altered: its header or entries are not what a"
            + " sealer writes");
      }
      if (!MessageDigest.isEqual(b.prev(), head)) {
        return broken(records, sealed, b, "block " + b.seq() + " does not link to the block before it");
      }
      byte[] h = Chain.blockHead(head, b.positions(), b.ids(), b.hashes(), b.kinds(), b.ats());
      if (!MessageDigest.isEqual(h, b.head()) || b.total() != sealed + b.positions().length) {
        return broken(records, sealed, b, "block " + b.seq() + " was altered: its records do not hash to its head");
      }
      for (int i = 0; i < b.positions().length; i++) {
        Verification.Problem p = records.expect(b.positions()[i], b.ids()[i], b.hashes()[i], b.hexes()[i],
            expired.test(b.kinds()[i], b.ats()[i], now), id -> sealedPosition(store, tenant, id));
        if (p != null) {
          return new Verification(records.count(), sealed, records.purged, b.seq() - 1, p);
        }
        sealed++;
      }
      head = b.head();
      headBySeq.put(b.seq(), b.head());
      previousEnd = b.end();
      expectedSeq++;
    }
    long blocks = expectedSeq - 1;
    Map<Long, String> witnessedHeads = new HashMap<>();
    for (Checkpoint w : witness.all(tenant)) {
      String earlier = witnessedHeads.putIfAbsent(w.block(), w.head());
      if (earlier != null && !earlier.equals(w.head())) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, w.lastPosition(), null, "the witness holds two heads for block "
            + w.block() + ": the chain was rewritten and sealed again"));
      }
      byte[] ours = headBySeq.get(w.block());
      if (ours == null) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.TRUNCATED, w.lastPosition(), null, "the witness holds block " + w.block() + " with "
            + w.records() + " records; the chain ends at block " + blocks + " with " + sealed));
      }
      if (!Hashes.hex(ours).equals(w.head())) {
        return new Verification(records.count(), sealed, records.purged, blocks, new Verification.Problem(
            Verification.Kind.CHAIN_BROKEN, w.lastPosition(), null, "block " + w.block()
            + " differs from the witness's checkpoint: the chain was rewritten"));
      }
    }
    Verification.Problem tail = records.rest();
    return new Verification(records.count(), sealed, records.purged, blocks, tail);
  }

  /** Where the chain sealed record {@code id}, if anywhere: a scan of the blocks, made only to name a problem. */
  private static @Nullable Long sealedPosition(Store store, TenantId tenant, String id) {
    for (java.util.Iterator<Chain.Block> it = Chain.blocks(store, tenant, 0); it.hasNext(); ) {
      Chain.Block b = it.next();
      for (int i = 0; i < b.ids().length; i++) {
        if (b.ids()[i].equals(id)) {
          return b.positions()[i];
        }
      }
    }
    return null;
  }


  private static Verification broken(Records records, long sealed, Chain.Block b, String message) {
    return new Verification(records.count(), sealed, records.purged, b.seq() - 1, new Verification.Problem(
        Verification.Kind.CHAIN_BROKEN, b.positions().length > 0 ? b.positions()[0] : 0, null, message));
  }

  /** The tenant's records in position order, read ahead in batches. */
  private static final class Records {
    private final Store store;
    private final TenantId tenant;
    private final ArrayDeque<StreamRecord> buffer = new ArrayDeque<>();
    private long after;
    private boolean done;
    private long seen;
    /** Sealed records found missing that the chain shows were due for purging. */
    long purged;

    Records(Store store, TenantId tenant) {
      this.store = store;
      this.tenant = tenant;
    }

    long count() {
      return seen + buffer.size();
    }

    /** Reads ahead until the buffer holds {@code n} records or the stream ends. */
    private void fill(int n) {
      while (buffer.size() < n && !done) {
        List<StreamRecord> next = store.read(tenant, AuditTrail.STREAM, after, AuditTrail.READ_BATCH);
        buffer.addAll(next);
        if (!next.isEmpty()) {
          after = next.get(next.size() - 1).position();
        }
        done = next.size() < AuditTrail.READ_BATCH;
      }
    }

    private @Nullable StreamRecord peek() {
      fill(1);
      return buffer.peekFirst();
    }

    /** The record after the next one, if any. */
    private @Nullable StreamRecord second() {
      fill(2);
      if (buffer.size() < 2) {
        return null;
      }
      java.util.Iterator<StreamRecord> it = buffer.iterator();
      it.next();
      return it.next();
    }

    private void take() {
      buffer.removeFirst();
      seen++;
    }

    /**
     * Checks that the next record is the sealed one; null when it is.
     *
     * @param purgeable whether the chain shows the record was due for purging (it may then be missing)
     * @param sealedAt where the chain sealed a record id, if it did (asked only once a problem is found, to name it)
     */
    Verification.@Nullable Problem expect(long position, String id, byte[] hash, String hex, boolean purgeable,
                                          java.util.function.Function<String, @Nullable Long> sealedAt) {
      StreamRecord r = peek();
      if (purgeable && (r == null || r.position() > position)) {
        purged++;   // expired and purged by retention, as the chain's kind and time for it show
        return null;
      }
      if (r == null) {
        return new Verification.Problem(Verification.Kind.TRUNCATED, position, id,
            "sealed record " + id + " at position " + position + " and every record after it are missing");
      }
      if (r.position() < position) {
        Long at = sealedAt.apply(r.id());
        if (at != null) {
          return new Verification.Problem(Verification.Kind.REORDERED, r.position(), r.id(),
              "record " + r.id() + " is at position " + r.position() + "; the chain sealed it at " + at);
        }
        return new Verification.Problem(Verification.Kind.INSERTED, r.position(), r.id(),
            "record " + r.id() + " at position " + r.position() + " is not in the chain");
      }
      if (r.position() > position) {
        return new Verification.Problem(Verification.Kind.REMOVED, position, id,
            "sealed record " + id + " at position " + position + " is missing");
      }
      if (!r.id().equals(id)) {
        Long at = sealedAt.apply(r.id());
        if (at != null) {
          return new Verification.Problem(Verification.Kind.REORDERED, position, r.id(), "record " + r.id()
              + " is at position " + position + "; the chain sealed it at " + at);
        }
        StreamRecord next = second();
        if (next != null && next.id().equals(id)) {
          return new Verification.Problem(Verification.Kind.INSERTED, position, r.id(), "record " + r.id()
              + " at position " + position + " is not in the chain; sealed record " + id + " follows it");
        }
        return new Verification.Problem(Verification.Kind.ALTERED, position, r.id(), "record " + r.id()
            + " at position " + position + " replaced sealed record " + id);
      }
      byte[] content = StoredForm.contentDigest(r.payload());
      // the block's hash is well formed (checked), so its text equals the stored one exactly when both match content
      if (content == null || !MessageDigest.isEqual(content, hash)
          || !hex.equals(r.payload().path(StoredForm.HASH).asText())) {
        return new Verification.Problem(Verification.Kind.ALTERED, position, id,
            "record " + id + " at position " + position + " was altered: its content does not hash to the sealed hash");
      }
      take();
      return null;
    }

    /** Checks the records after the chain against their own hashes. */
    Verification.@Nullable Problem rest() {
      for (StreamRecord r; (r = peek()) != null; ) {
        if (!StoredForm.matchesItsHash(r.payload())) {
          return new Verification.Problem(Verification.Kind.ALTERED, r.position(), r.id(), "unsealed record "
              + r.id() + " at position " + r.position() + " does not match its own hash");
        }
        take();
      }
      return null;
    }
  }
}
