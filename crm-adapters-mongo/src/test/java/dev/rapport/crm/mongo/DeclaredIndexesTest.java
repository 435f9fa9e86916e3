package dev.rapport.crm.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.IndexSet;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Declared index sets on MongoDB (the test server, which creates indexes but plans nothing with them): the
 * collection's indexes are the set's, in their declared key order and directions, and a changed set is applied on
 * the next start.
 */
class DeclaredIndexesTest {
  private static final Actor ALICE = Actor.of("acme", "alice");
  static TestMongo mongo;

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  private static Crm crm(String db, IndexSet customers) {
    Crm.Builder b = Crm.builder().store(MongoStore.builder(mongo.client, db).build())
        .accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).publishAfterCommit(false);
    return (customers == null ? b : b.indexes(CustomerFields.COLLECTION, customers)).build();
  }

  /** The managed indexes of the customers collection: name to key document. */
  private static Map<String, String> managed(String db) {
    Map<String, String> out = new TreeMap<>();
    for (BsonDocument i : mongo.client.getDatabase(db).getCollection("c_customers").listIndexes(BsonDocument.class)) {
      String name = i.getString("name").getValue();
      if (name.startsWith("ix_") || name.startsWith("cx_")) {
        out.put(name.startsWith("cx_") ? name.substring(0, name.lastIndexOf('_')) : name,
            i.getDocument("key").toJson());
      }
    }
    return out;
  }

  @Test
  void theCollectionHasTheSetsIndexesAndAChangedSetIsAppliedOnTheNextStart() {
    String db = TestMongo.freshDatabase();
    Crm first = crm(db, null);
    assertThat(managed(db)).containsOnlyKeys("ix_deleted", "ix_emails", "ix_externalRefs", "ix_name", "ix_owner",
        "ix_phones", "ix_stage", "ix_tags", "ix_updatedAt");
    for (int i = 0; i < 10; i++) {
      first.customers().create(ALICE, CustomerData.builder(CustomerKind.PERSON, "P" + i).region("EMEA").build());
    }

    Crm second = crm(db, IndexSet.of(CustomerFields.NAME).with(CompositeIndex.of("byRegionRecent",
        Sort.asc(CustomerFields.REGION).thenDesc(CustomerFields.UPDATED_AT))));
    assertThat(managed(db)).containsOnlyKeys("cx_byRegionRecent", "ix_deleted", "ix_externalRefs", "ix_name");
    assertThat(managed(db).get("cx_byRegionRecent"))
        .isEqualTo("{\"tenant\": 1, \"ix.region\": 1, \"ix.updatedAt\": -1, \"id\": 1}");
    assertThat(second.customers().find(ALICE, Query.of(Criteria.eq(CustomerFields.REGION, "EMEA"),
        Sort.desc(CustomerFields.UPDATED_AT), 50)).items()).hasSize(10);
  }
}
