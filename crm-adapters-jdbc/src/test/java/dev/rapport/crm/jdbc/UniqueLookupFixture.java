package dev.rapport.crm.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;

/**
 * A collection shaped like customers for the unique-lookup plan checks: a single-valued unique field, a multi-valued
 * unique one (like {@code externalRefs}, whose values live in the side table) and ordinary indexes, loaded with a few
 * thousand documents and never analysed.
 */
final class UniqueLookupFixture {
  static final TenantId TENANT = TenantId.of("acme");
  static final String COLLECTION = "accounts";
  static final String CODE = "code";
  static final String REFS = "externalRefs";
  static final int ROWS = 3_000;
  static final CollectionSpec SPEC = CollectionSpec.of(COLLECTION,
      IndexSpec.single("name", IndexType.STRING),
      IndexSpec.unique(CODE, IndexType.STRING),
      IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.multiUnique(REFS, IndexType.STRING));

  private UniqueLookupFixture() {}

  static String id(int n) {
    return String.format("a%06d", n);
  }

  static String code(int n) {
    return String.format("CODE-%06d", n);
  }

  static String ref(int n) {
    return "erp:" + n;
  }

  /** Documents {@code from} (inclusive) to {@code to} (exclusive), 500 a batch. */
  static void load(JdbcStore store, int from, int to) {
    for (int start = from; start < to; start += 500) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int n = start; n < Math.min(to, start + 500); n++) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", "Account " + n);
        batch.insert(COLLECTION, new Document(id(n), 1, body, Document.indexValues()
            .put("name", "Account " + n).put(CODE, code(n))
            .putAll("tags", List.of("segment/" + (n % 7), "channel/" + (n % 3)))
            .putAll(REFS, List.of(ref(n), "crm:" + n)).build()));
      }
      store.commit(TENANT, batch.build());
    }
  }
}
