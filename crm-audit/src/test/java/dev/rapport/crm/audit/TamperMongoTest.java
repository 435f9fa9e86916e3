package dev.rapport.crm.audit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.util.Date;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.conversions.Bson;

/** The tamper tests on the documents of the MongoDB test server (or the MongoDB of RAPPORT_TEST_MONGO_URI). */
class TamperMongoTest extends TamperContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mongo("audit_tamper", clock);
  }

  @Override
  Rows rows(TestServers.Opened opened, TenantId tenant) {
    MongoDatabase db = Objects.requireNonNull(opened.mongoDatabase());
    // the adapter's layout: stream records in s_<stream>, documents in c_<collection> (crm-adapters-mongo README)
    MongoCollection<BsonDocument> records = db.getCollection("s_" + AuditTrail.STREAM, BsonDocument.class);
    MongoCollection<BsonDocument> blocks = db.getCollection("c_" + AuditTrail.BLOCKS, BsonDocument.class);
    Bson mine = Filters.eq("tenant", tenant.value());
    return new Rows() {
      private Bson at(long pos) {
        return Filters.and(mine, Filters.eq("pos", pos));
      }

      private Bson blockAt(long seq) {
        return Filters.and(mine, Filters.eq("body.seq", seq));
      }

      @Override
      public String payload(long pos) {
        return Objects.requireNonNull(records.find(at(pos)).first(), "no record at " + pos).getDocument("payload")
            .toJson();
      }

      @Override
      public void setPayload(long pos, String json) {
        records.updateOne(at(pos), Updates.set("payload", BsonDocument.parse(json)));
      }

      @Override
      public void delete(long pos) {
        records.deleteOne(at(pos));
      }

      @Override
      public void deleteFrom(long pos) {
        records.deleteMany(Filters.and(mine, Filters.gte("pos", pos)));
      }

      @Override
      public void move(long from, long to) {
        records.updateOne(at(from), Updates.set("pos", to));
      }

      @Override
      public void insert(long pos, String id, String json) {
        records.insertOne(new BsonDocument("_id", new BsonDocument("t", new BsonString(tenant.value()))
            .append("i", new BsonString(id))).append("tenant", new BsonString(tenant.value()))
            .append("origin", new BsonString("forged")).append("type", new BsonString("audit.change"))
            .append("payload", BsonDocument.parse(json))
            .append("at", new org.bson.BsonDateTime(new Date().getTime())).append("pos", new BsonInt64(pos)));
      }

      @Override
      public void deleteBlocksAfter(long seq) {
        blocks.deleteMany(Filters.and(mine, Filters.gt("body.seq", seq)));
      }

      @Override
      public String block(long seq) {
        return Objects.requireNonNull(blocks.find(blockAt(seq)).first(), "no block " + seq).getDocument("body").toJson();
      }

      @Override
      public void setBlock(long seq, String json) {
        blocks.updateOne(blockAt(seq), Updates.set("body", BsonDocument.parse(json)));
      }
    };
  }
}
