package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.generate.DataGenerator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the PostgreSQL benchmarks share: the database ({@code RAPPORT_BENCH_PG_URL}, default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}, with {@code reWriteBatchedInserts=true}), schemas
 * that live for one run, and a generator of customer documents shaped like those the {@link Crm} writes.
 */
final class PgBench {
  static final TenantId TENANT = TenantId.of("bench");
  static final String[] STAGES = {"LEAD", "PROSPECT", "ACTIVE", "AT_RISK", "CHURNED"};
  static final int REGIONS = 30;
  static final String[] TAGS = {"segment/vip", "segment/vip/gold", "segment/vip/silver", "segment/smb",
      "segment/enterprise", "segment/public", "channel/web", "channel/partner", "channel/direct", "channel/retail",
      "industry/retail", "industry/energy", "industry/finance", "industry/health", "industry/logistics",
      "industry/education"};
  /** The page both sides of the page benchmark fetch: stage + tag subtree + region, by name, 50 rows. */
  static final Query PAGE = Query.of(Criteria.and(
      Criteria.eq(CustomerFields.STAGE, "ACTIVE"),
      Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"),
      Criteria.eq(CustomerFields.REGION, "R07")), Sort.asc(CustomerFields.NAME), 50);

  private PgBench() {}

  static PGSimpleDataSource dataSource() {
    String url = System.getenv("RAPPORT_BENCH_PG_URL");
    if (url == null || url.isBlank()) {
      url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    // the advice in the adapter's README: one multi-row INSERT per JDBC batch
    ds.setReWriteBatchedInserts(true);
    return ds;
  }

  static String freshSchemaName(String kind) {
    return "bench_" + kind + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  static void execute(javax.sql.DataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /**
   * Customer documents: real bodies and index values from the domain model (1,000 generated customers created
   * through a {@link Crm} on the in-memory kernel), re-used as templates with a new id, name, stage, region, tags and
   * external reference per row, so row {@code i} is the same document in every run and on both sides.
   */
  static final class Customers {
    private final List<Document> templates;

    Customers() {
      // the documents as the command path hands them to the store, with every index value (a read returns the
      // single-valued ones only, see Document.asRead)
      InMemoryStore memory = InMemoryStore.create();
      List<Document> docs = new ArrayList<>();
      Store capturing = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
          (proxy, method, args) -> {
            if (method.getName().equals("commit") && args[1] instanceof WriteBatch batch) {
              for (WriteBatch.Write w : batch.writes()) {
                if (w instanceof WriteBatch.Insert insert && insert.collection().equals(CustomerFields.COLLECTION)) {
                  docs.add(insert.document());
                }
              }
            }
            try {
              return method.invoke(memory, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      Crm crm = Crm.builder().store(capturing).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
          .build();
      Actor actor = Actor.of(TENANT.value(), "loader");
      DataGenerator.seeded(11).customers(1_000).forEach(d -> crm.customers().create(actor, d));
      docs.sort(Comparator.comparing(Document::id));
      templates = List.copyOf(docs);
    }

    Document get(int i) {
      Document t = templates.get(i % templates.size());
      Random r = new Random(i * 0x9E3779B97F4A7C15L);
      String stage = STAGES[r.nextInt(STAGES.length)];
      String region = String.format("R%02d", r.nextInt(REGIONS));
      List<Object> tags = new ArrayList<>();
      for (int k = 1 + r.nextInt(3); k > 0; k--) {
        String tag = TAGS[r.nextInt(TAGS.length)];
        if (!tags.contains(tag)) {
          tags.add(tag);
        }
      }
      String id = String.format("0190%028x", (long) i);
      String name = t.values(CustomerFields.NAME).get(0) + " " + i;
      ObjectNode body = t.body().deepCopy();
      body.put("id", id).put("stage", stage).put("region", region);
      body.with("name").put("default", name);
      ArrayNode tagArray = body.putArray("tags");
      tags.forEach(tag -> tagArray.add((String) tag));
      body.putObject("externalRefs").put("ERP", "E" + i);
      Map<String, List<Object>> index = new LinkedHashMap<>(t.index());
      index.put(CustomerFields.NAME, List.of(name));
      index.put(CustomerFields.STAGE, List.of(stage));
      index.put(CustomerFields.REGION, List.of(region));
      index.put(CustomerFields.TAGS, tags);
      index.put(CustomerFields.EXTERNAL_REFS, List.of("ERP:E" + i));
      return new Document(id, 1, body, index);
    }
  }
}
