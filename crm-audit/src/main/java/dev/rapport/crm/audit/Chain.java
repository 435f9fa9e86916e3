package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * The hash chain's stored form: blocks (documents of {@value AuditTrail#BLOCKS}) and how a block's head is computed
 * from the head before it and the block's entries. Written by the sealer, read by it and by {@link Verifier}.
 */
final class Chain {
  /** The head before the first block. */
  static final byte[] GENESIS = new byte[Hashes.LENGTH];

  private Chain() {}

  static String blockId(long seq) {
    return String.format("b%019d", seq);
  }

  /**
   * The chain's head after a block: SHA-256 of the head before it and, for each record the block seals in order, its
   * position, id, content hash, kind and time (the kind and time in the chain itself, so that a record purged by
   * retention still proves it was due). One digest per block, fed in slices of about 8 KB.
   */
  static byte[] blockHead(byte[] prev, long[] positions, String[] ids, byte[][] hashes, String[] kinds,
                          String[] ats) {
    MessageDigest d = Hashes.reusable();
    d.update(prev);
    LinkBuffer b = LINK.get();
    b.n = 0;
    for (int i = 0; i < positions.length; i++) {
      b.room(8);
      for (int k = 7; k >= 0; k--) {
        b.buf[b.n++] = (byte) (positions[i] >>> (8 * k));
      }
      b.text(ids[i]);
      b.put(hashes[i], hashes[i].length);
      b.text(kinds[i]);
      b.text(ats[i]);
      if (b.n >= 8192) {
        d.update(b.buf, 0, b.n);
        b.n = 0;
      }
    }
    d.update(b.buf, 0, b.n);
    return d.digest();
  }

  private static final ThreadLocal<LinkBuffer> LINK = ThreadLocal.withInitial(LinkBuffer::new);

  /** The bytes of a block's entries on their way to the digest, reused by the thread. */
  private static final class LinkBuffer {
    byte[] buf = new byte[8192 + 512];
    int n;

    void room(int more) {
      if (n + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(2 * buf.length, n + more));
      }
    }

    void put(byte[] bytes, int length) {
      room(length);
      System.arraycopy(bytes, 0, buf, n, length);
      n += length;
    }

    /** The text's UTF-8 length as 4 bytes, then its bytes. */
    void text(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      room(4);
      buf[n++] = (byte) (bytes.length >>> 24);
      buf[n++] = (byte) (bytes.length >>> 16);
      buf[n++] = (byte) (bytes.length >>> 8);
      buf[n++] = (byte) bytes.length;
      put(bytes, bytes.length);
    }
  }

  /** A block as stored. */
  record Block(long seq, byte[] prev, byte[] head, long total, long lastPosition, long[] positions,
                       String[] ids, byte[][] hashes, String[] hexes, String[] kinds, String[] ats) {

    /** The position of the last record the block seals (from its hashed entries, not its header). */
    long end() {
      return positions.length == 0 ? 0 : positions[positions.length - 1];
    }

    /** Whether the header agrees with the entries and the entries are well formed. */
    boolean wellFormed() {
      if (positions.length == 0 || lastPosition != end() || prev.length != Hashes.LENGTH
          || head.length != Hashes.LENGTH) {
        return false;
      }
      for (int i = 0; i < positions.length; i++) {
        if (i > 0 && positions[i] <= positions[i - 1] || hashes[i] == null) {
          return false;
        }
      }
      return true;
    }

    static Block of(Document d) {
      JsonNode b = d.body();
      int n = b.path("positions").size();
      long[] positions = new long[n];
      String[] ids = new String[n];
      byte[][] hashes = new byte[n][];   // an entry stays null unless it is a hash as the sealer writes it
      String[] hexes = new String[n];
      String[] kinds = new String[n];
      String[] ats = new String[n];
      JsonNode p = b.path("positions");
      JsonNode is = b.path("ids");
      JsonNode hs = b.path("hashes");
      JsonNode ks = b.path("kinds");
      JsonNode as = b.path("ats");
      for (int i = 0; i < n; i++) {
        positions[i] = p.path(i).asLong();
        ids[i] = is.path(i).asText();
        hexes[i] = hs.path(i).asText();
        hashes[i] = Hashes.parseHash(hexes[i]);
        kinds[i] = ks.path(i).asText();
        ats[i] = as.path(i).asText();
      }
      return new Block(b.path("seq").asLong(), hex(b, "prev"), hex(b, "head"), b.path("total").asLong(),
          b.path("lastPosition").asLong(), positions, ids, hashes, hexes, kinds, ats);
    }

    private static byte[] hex(JsonNode b, String field) {
      byte[] h = Hashes.parseHash(b.path(field).asText());
      return h == null ? new byte[0] : h;   // not well formed: verify() reports the block
    }
  }

  static @Nullable Block lastBlock(Store store, TenantId tenant) {
    Page<Document> page = store.query(tenant, AuditTrail.BLOCKS, Query.of(Criteria.all(), Sort.desc("seq"), 1));
    return page.items().isEmpty() ? null : Block.of(page.items().get(0));
  }

  /** The tenant's blocks after block {@code afterSeq} (0: all) in sequence order, read a page at a time as used. */
  static java.util.Iterator<Block> blocks(Store store, TenantId tenant, long afterSeq) {
    return Page.streamAll(Query.of(Criteria.gt("seq", afterSeq), Sort.asc("seq"), 100),
        q -> store.query(tenant, AuditTrail.BLOCKS, q)).map(Block::of).iterator();
  }
}
