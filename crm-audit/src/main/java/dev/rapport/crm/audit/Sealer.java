package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditTrail#seal}'s work once the lease is held: reads the records after the last block, writes a block per
 * {@code blockSize} records with the history index of its records, and hands each block to the witness.
 */
final class Sealer {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final CheckpointWitness witness;
  private final int blockSize;
  private final Duration leaseTtl;

  Sealer(CheckpointWitness witness, int blockSize, Duration leaseTtl) {
    this.witness = witness;
    this.blockSize = blockSize;
    this.leaseTtl = leaseTtl;
  }

  /** Extends the tenant's chain while {@code lease} is held (renewed between blocks). */
  AuditTrail.Seal seal(ModuleContext c, Store store, TenantId tenant, Lease lease) {
    Chain.Block last = Chain.lastBlock(store, tenant);
    Optional<Checkpoint> witnessed = witness.latest(tenant);
    if (witnessed.isPresent()) {
      Checkpoint w = witnessed.get();
      Chain.Block at = last != null && last.seq() == w.block() ? last
          : store.get(tenant, AuditTrail.BLOCKS, Chain.blockId(w.block())).map(Chain.Block::of).orElse(null);
      if (at == null || !Hashes.hex(at.head()).equals(w.head())) {
        throw new IllegalStateException("the audit chain of tenant " + tenant.value() + " disagrees with the "
            + "witness's checkpoint of block " + w.block() + " (" + (at == null ? "no such block" : "another head")
            + "): not extended; verify() says where");
      }
    }
    long seq = last == null ? 0 : last.seq();
    long total = last == null ? 0 : last.total();
    long after = last == null ? 0 : last.end();
    byte[] head = last == null ? Chain.GENESIS : last.head();
    int blocks = 0;
    long sealed = 0;
    Checkpoint checkpoint = null;
    while (true) {
      if (blocks > 0 && store.tryAcquire(tenant, AuditTrail.LEASE, c.nodeId(), leaseTtl).isEmpty()) {
        return new AuditTrail.Seal(false, blocks, sealed, checkpoint);
      }
      List<StreamRecord> sealing = store.read(tenant, AuditTrail.STREAM, after, blockSize);
      if (sealing.isEmpty()) {
        break;
      }
      List<ObjectNode> contents = new ArrayList<>(sealing.size());
      for (StreamRecord r : sealing) {
        contents.add(StoredForm.view(r.payload()));
        if (!StoredForm.matchesItsHash(r.payload())) {
          LOG.error("audit record {} at position {} of tenant {} does not match its hash (altered before it was "
              + "sealed); sealed with the hash it carries, verify() reports it", r.id(), r.position(), tenant.value());
        }
      }
      byte[] prev = head;
      int m = sealing.size();
      long[] positionsOf = new long[m];
      String[] idsOf = new String[m];
      byte[][] hashesOf = new byte[m][];
      String[] kindsOf = new String[m];
      String[] atsOf = new String[m];
      ArrayNode positions = NODES.arrayNode();
      ArrayNode ids = NODES.arrayNode();
      ArrayNode hashes = NODES.arrayNode();
      ArrayNode kinds = NODES.arrayNode();
      ArrayNode ats = NODES.arrayNode();
      for (int i = 0; i < m; i++) {
        StreamRecord r = sealing.get(i);
        String hex = r.payload().path(StoredForm.HASH).asText();
        byte[] h = Hashes.parseHash(hex);
        if (h == null) {
          hex = Hashes.hex(new byte[Hashes.LENGTH]);
          h = new byte[Hashes.LENGTH];   // no hash at all: sealed as zeros, reported by verify()
        }
        ObjectNode content = contents.get(i);
        positionsOf[i] = r.position();
        idsOf[i] = r.id();
        hashesOf[i] = h;
        kindsOf[i] = content.path("kind").asText();
        atsOf[i] = content.path("at").asText();
        positions.add(positionsOf[i]);
        ids.add(idsOf[i]);
        hashes.add(hex);
        kinds.add(kindsOf[i]);
        ats.add(atsOf[i]);
      }
      head = Chain.blockHead(prev, positionsOf, idsOf, hashesOf, kindsOf, atsOf);
      seq++;
      total += sealing.size();
      after = sealing.get(sealing.size() - 1).position();
      Instant now = c.clock().instant();
      ObjectNode body = NODES.objectNode();
      body.put("seq", seq).put("prev", Hashes.hex(prev)).put("head", Hashes.hex(head)).put("total", total)
          .put("lastPosition", after).put("sealedAt", now.toString());
      body.set("positions", positions);
      body.set("ids", ids);
      body.set("hashes", hashes);
      body.set("kinds", kinds);
      body.set("ats", ats);
      Document doc = new Document(Chain.blockId(seq), 1, body, Map.of("seq", List.of(seq)));
      try {
        WriteBatch.Builder batch = WriteBatch.builder();
        if (store.supports(dev.rapport.crm.store.Capability.MULTI_DOCUMENT_TRANSACTIONS)) {
          // the block and the index of its records in one commit
          for (int i = 0; i < sealing.size(); i++) {
            batch.insert(AuditTrail.INDEX, indexDocument(sealing.get(i), contents.get(i)));
          }
        } else {
          // one document per commit: the index first, so that a block never stands for records the index lacks
          // (a crash between leaves index documents past the chain's end, which history reads from the stream)
          for (int i = 0; i < sealing.size(); i++) {
            try {
              store.commit(tenant, WriteBatch.builder()
                  .insert(AuditTrail.INDEX, indexDocument(sealing.get(i), contents.get(i)))
                  .guardedBy(WriteBatch.LeaseGuard.of(lease)).build());
            } catch (DuplicateKeyException written) {
              // indexed by an earlier run that did not get to its block
            }
          }
        }
        store.commit(tenant, batch.insert(AuditTrail.BLOCKS, doc).guardedBy(WriteBatch.LeaseGuard.of(lease)).build());
      } catch (DuplicateKeyException | VersionConflictException e) {
        // another sealer took over (our lease expired) and wrote this block: the chain stays single
        LOG.info("audit sealer of tenant {} lost its lease at block {}: {}", tenant.value(), seq, e.getMessage());
        return new AuditTrail.Seal(false, blocks, sealed, checkpoint);
      }
      blocks++;
      sealed += sealing.size();
      checkpoint = new Checkpoint(seq, total, after, Hashes.hex(head), now);
      try {
        witness.accept(tenant, checkpoint);
      } catch (RuntimeException e) {
        LOG.error("the checkpoint witness {} refused block {} of tenant {}", witness, seq, tenant.value(), e);
      }
      if (sealing.size() < blockSize) {
        break;
      }
    }
    return new AuditTrail.Seal(true, blocks, sealed, checkpoint);
  }

  /** A sealed record's entry in {@value #AuditTrail.INDEX}: what {@link HistoryQuery} filters on, and its position. */
  static Document indexDocument(StreamRecord r, ObjectNode p) {
    Map<String, List<Object>> ix = new java.util.LinkedHashMap<>();
    ix.put("pos", List.of(r.position()));
    ix.put("kind", List.of(p.path("kind").asText()));
    ix.put("actor", List.of(p.path("actor").asText()));
    if (p.hasNonNull("action")) {
      ix.put("action", List.of(p.path("action").asText()));
    }
    if (p.path("subject").isTextual()) {
      ix.put("subject", List.of(p.path("subject").textValue()));
    }
    if (p.hasNonNull("resourceType") && p.hasNonNull("resourceId")) {
      ix.put("resource", List.of(HistoryQuery.key(p.path("resourceType").asText(), p.path("resourceId").asText())));
    }
    try {
      ix.put("at", List.of(Instant.parse(p.path("at").asText())));
    } catch (java.time.format.DateTimeParseException e) {
      // not a time (altered before it was sealed): not indexed by time; verify() reports the record
    }
    List<Object> fields = new ArrayList<>();
    for (JsonNode c : p.path("changes")) {
      String f = c.path("field").asText();
      if (f.length() <= IndexSpec.MAX_STRING_LENGTH) {
        fields.add(f);
      }
    }
    if (!fields.isEmpty()) {
      ix.put("fields", fields);
    }
    return new Document("p" + r.position(), 1, NODES.objectNode().put("pos", r.position()), ix);
  }
}
