package dev.rapport.crm.audit;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.util.Objects;
import org.bson.BsonDocument;

/** Erasure on the documents of the MongoDB test server (or the MongoDB of RAPPORT_TEST_MONGO_URI). */
class ErasureMongoTest extends ErasureContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mongo("audit_erasure", clock);
  }

  @Override
  String storedTrail(TestServers.Opened opened, TenantId tenant) {
    MongoDatabase db = Objects.requireNonNull(opened.mongoDatabase());
    StringBuilder out = new StringBuilder();
    // the adapter's layout: stream records in s_<stream>, documents in c_<collection> (crm-adapters-mongo README)
    for (String name : db.listCollectionNames()) {
      if (name.equals("s_" + AuditTrail.STREAM) || name.startsWith("c_audit_")) {
        for (BsonDocument d : db.getCollection(name, BsonDocument.class).find(Filters.eq("tenant", tenant.value()))) {
          out.append(name).append(": ").append(d.toJson()).append('\n');
        }
      }
    }
    return out.toString();
  }
}
