package dev.rapport.crm.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import dev.rapport.crm.mongo.internal.FilterTranslator;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CompositeIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.bson.conversions.Bson;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.mongo.internal.MongoErrors;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.StoreChecks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's collections in the host's database (module README, "Layout") and the registered specs: a collection
 * {@code c_<name>} per kernel collection, {@code s_<stream>} per stream, and the fixed ones below, with their
 * indexes created idempotently (at start, on {@code register}, on a stream's first append).
 */
final class MongoSchema {
  static final String CHANGES = "rapport_changes";
  static final String LEASES = "rapport_leases";
  static final String ENVELOPES = "rapport_envelopes";
  static final String META = "rapport_meta";
  static final int SCHEMA_VERSION = 1;

  private final MongoDatabase db;
  private final Map<String, CollectionSpec> specs = new ConcurrentHashMap<>();
  private final Set<String> order = Collections.synchronizedSet(new LinkedHashSet<>());
  private final Set<String> streamsReady = ConcurrentHashMap.newKeySet();

  MongoSchema(MongoDatabase db) {
    this.db = db;
  }

  MongoCollection<BsonDocument> col(String name) {
    return db.getCollection(name, BsonDocument.class);
  }

  static String docCollection(String name) {
    return "c_" + name;
  }

  static String streamCollection(String stream) {
    return "s_" + stream;
  }

  /** The {@code _id} of a document or stream record: tenant and id. */
  static BsonDocument key(TenantId tenant, String id) {
    return new BsonDocument("t", new BsonString(tenant.value())).append("i", new BsonString(id));
  }

  /** Checks the stored schema version and creates the fixed collections' indexes. */
  void setUp() {
    MongoCollection<BsonDocument> meta = col(META);
    try {
      meta.updateOne(Filters.eq("_id", "schema"), Updates.setOnInsert("version", SCHEMA_VERSION),
          new UpdateOptions().upsert(true));
    } catch (MongoException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw e;
      }
    }
    BsonDocument schema = meta.find(Filters.eq("_id", "schema")).first();
    if (schema != null && schema.getNumber("version").intValue() > SCHEMA_VERSION) {
      throw new StorageException("database holds schema version " + schema.getNumber("version").intValue()
          + ", newer than this release understands (" + SCHEMA_VERSION + ")", false);
    }
    col(CHANGES).createIndex(Indexes.ascending("tenant", "pos"), new IndexOptions().name("tenant_pos"));
    col(ENVELOPES).createIndex(Indexes.ascending("tenant"), new IndexOptions().name("tenant"));
  }

  void register(CollectionSpec spec) {
    StoreChecks.checkCompatible(specs.get(spec.name()), spec);
    try {
      MongoCollection<BsonDocument> c = col(docCollection(spec.name()));
      // createIndex is a no-op when an identical index exists, so starting twice or on two nodes at once is safe.
      c.createIndex(Indexes.ascending("tenant", "id"), new IndexOptions().name("tenant_id"));
      c.createIndex(Indexes.ascending("tenant", "pending.commit"), new IndexOptions().name("pending").sparse(true));
      Set<String> wanted = new HashSet<>();
      for (IndexSpec i : spec.indexedAlone()) {
        wanted.add("ix_" + i.name());
        c.createIndex(Indexes.ascending("tenant", "ix." + i.name(), "id"), new IndexOptions().name("ix_" + i.name()));
      }
      for (CompositeIndex ci : spec.indexSet().composites()) {
        List<Bson> keys = new ArrayList<>();
        keys.add(Indexes.ascending("tenant"));
        for (Sort.Key k : ci.keys()) {
          String path = FilterTranslator.path(k.field());
          keys.add(k.direction() == Sort.Direction.ASC ? Indexes.ascending(path) : Indexes.descending(path));
        }
        keys.add(Indexes.ascending("id"));
        // the name carries a hash of the keys: redeclared with other keys, it is a new index and the old one goes
        String name = "cx_" + ci.name() + "_" + ci.keysHash();
        wanted.add(name);
        c.createIndex(Indexes.compoundIndex(keys), new IndexOptions().name(name));
      }
      // indexes the set no longer holds (only those named as Rapport names them)
      for (BsonDocument existing : c.listIndexes(BsonDocument.class)) {
        String name = existing.getString("name", new BsonString("")).getValue();
        if ((name.startsWith("ix_") || name.startsWith("cx_")) && !wanted.contains(name)) {
          try {
            c.dropIndex(name);
          } catch (MongoException e) {
            // another node dropped it first
            if (e.getCode() != 27) {
              throw e;
            }
          }
        }
      }
      for (IndexSpec i : spec.indexes()) {
        if (i.unique()) {
          // u.<field> holds {t: tenant, v: value} (an array of them when multi-valued); a sparse unique index on it
          // is tenant-scoped and ignores documents without the field. Partial indexes would do the same on MongoDB
          // but mongo-java-server ignores partialFilterExpression.
          c.createIndex(Indexes.ascending("u." + i.name()), new IndexOptions().name("ux_" + i.name()).unique(true).sparse(true));
        }
      }
      col(META).updateOne(Filters.eq("_id", "collection:" + spec.name()),
          Updates.set("indexes", new BsonArray(spec.indexes().stream().map(i -> (BsonValue) new BsonDocument("name",
              new BsonString(i.name())).append("type", new BsonString(i.type().name()))
              .append("multi", BsonBoolean.valueOf(i.multiValued()))
              .append("unique", BsonBoolean.valueOf(i.unique()))).toList())),
          new UpdateOptions().upsert(true));
    } catch (MongoException e) {
      if (!MongoErrors.isDuplicateKey(e)) {
        throw MongoErrors.translate("create the indexes of collection " + spec.name(), e);
      }
    }
    specs.put(spec.name(), spec);
    order.add(spec.name());
  }

  List<CollectionSpec> collections() {
    synchronized (order) {
      return order.stream().map(specs::get).toList();
    }
  }

  /** The spec of a registered collection ({@code collection.unknown} otherwise). */
  CollectionSpec spec(String collection) {
    return StoreChecks.registered(collection, specOrNull(Objects.requireNonNull(collection, "collection")));
  }

  @Nullable CollectionSpec specOrNull(String collection) {
    return specs.get(collection);
  }

  /** Creates a stream's collection index and records its name, once per stream and instance. */
  void ensureStream(String stream) {
    if (streamsReady.contains(stream)) {
      return;
    }
    col(streamCollection(stream)).createIndex(Indexes.ascending("tenant", "pos"), new IndexOptions().name("tenant_pos"));
    col(META).updateOne(Filters.eq("_id", "streams"), Updates.addToSet("names", stream), new UpdateOptions().upsert(true));
    streamsReady.add(stream);
  }

  /** Every stream any node has appended to. */
  List<String> knownStreams() {
    BsonDocument d = col(META).find(Filters.eq("_id", "streams")).first();
    List<String> out = new ArrayList<>();
    if (d != null && d.isArray("names")) {
      d.getArray("names").forEach(v -> out.add(v.asString().getValue()));
    }
    return out;
  }

  /** The collections of change entries and stream records: {@code rapport_changes} and every known stream's. */
  List<String> recordCollections() {
    List<String> out = new ArrayList<>();
    out.add(CHANGES);
    knownStreams().forEach(s -> out.add(streamCollection(s)));
    return out;
  }

  /** Document collections present in the database, registered by this instance or not (a crashed node's too). */
  List<String> documentCollections() {
    List<String> out = new ArrayList<>();
    for (String name : db.listCollectionNames()) {
      if (name.startsWith("c_")) {
        out.add(name);
      }
    }
    return out;
  }
}
