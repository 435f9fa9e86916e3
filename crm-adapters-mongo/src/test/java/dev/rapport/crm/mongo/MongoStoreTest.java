package dev.rapport.crm.mongo;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.CapabilityUnsupportedException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's behaviour on mongo-java-server: the envelope path every build exercises. */
class MongoStoreTest {
  static final CollectionSpec THINGS = CollectionSpec.of("things",
      IndexSpec.single("name", IndexType.STRING),
      IndexSpec.single("rank", IndexType.LONG),
      IndexSpec.single("amount", IndexType.DECIMAL),
      IndexSpec.single("at", IndexType.INSTANT),
      IndexSpec.single("flag", IndexType.BOOLEAN),
      IndexSpec.multi("tags", IndexType.STRING),
      IndexSpec.unique("code", IndexType.STRING),
      IndexSpec.multiUnique("emails", IndexType.STRING));

  static TestMongo mongo;
  MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  MongoStore store;
  String database;
  TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @BeforeEach
  void createStore() {
    database = TestMongo.freshDatabase();
    store = MongoStore.builder(mongo.client, database).clock(clock).build();
    store.register(THINGS);
  }

  static Document doc(String id, long version, Object... fieldValues) {
    Map<String, List<Object>> ix = new LinkedHashMap<>();
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("id", id);
    for (int i = 0; i < fieldValues.length; i += 2) {
      Object v = fieldValues[i + 1];
      ix.put((String) fieldValues[i], v instanceof List<?> l ? new ArrayList<>(l) : List.of(v));
    }
    return new Document(id, version, body, ix);
  }

  Committed insert(Document d) {
    return store.commit(tenant, WriteBatch.builder().insert("things", d).build());
  }

  @Test
  void standaloneServerGetsTheEnvelopeModeAndDeclaresNoMultiDocumentTransactions() {
    assertThat(store.transactionMode()).isEqualTo(TransactionMode.ENVELOPE);
    assertThat(store.capabilities()).containsExactly(Capability.DURABLE);
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder()
        .insert("things", doc("a", 1)).insert("things", doc("b", 1)).build()))
        .isInstanceOf(CapabilityUnsupportedException.class);
    assertThat(store.get(tenant, "things", "a")).isEmpty();
  }

  @Test
  void documentsRoundTripWithTypedIndexValuesAndOddBodies() throws Exception {
    ObjectNode body = (ObjectNode) new ObjectMapper().readTree(
        "{\"a.b\": 1, \"$set\": {\"$gt\": \"\"}, \"\": [true, null, 2.5], \"%2E\": \"x\", \"big\": 12345678901234}");
    body.put("dec", new BigDecimal("12345678901234567890123456789012345678.5"));
    Document d = new Document("id-\uD83D\uDE00", 1, body, Map.of("name", List.of("\uFFFF\uD83D\uDE00"),
        "rank", List.of(7L), "amount", List.of(new BigDecimal("1E+2")), "at", List.of(Instant.parse("2020-01-01T00:00:00.123Z")),
        "flag", List.of(true), "tags", List.of("x", "y")));
    insert(d);
    Document back = store.get(tenant, "things", d.id()).orElseThrow();
    assertThat(back).isEqualTo(d.asRead(THINGS));
    assertThat(back.body()).isEqualTo(body);
  }

  @Test
  void staleUpdatesAndDeletesChangeNothing() {
    insert(doc("a", 1, "name", "one"));
    store.commit(tenant, WriteBatch.builder().update("things", doc("a", 2, "name", "two")).build());
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().update("things", doc("a", 2, "name", "x"))
        .append("events", "e1", "t", JsonNodeFactory.instance.objectNode()).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().delete("things", "a", 1).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().update("things", doc("zz", 2)).build()))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, "things", "a").orElseThrow().values("name")).containsExactly("two");
    assertThat(store.read(tenant, "events", 0, 10)).isEmpty();
    assertThat(store.changes(tenant, 0, 10)).extracting(Change::kind).containsExactly(Change.Kind.INSERT, Change.Kind.UPDATE);
  }

  @Test
  void deleteThenReinsertTheSameId() {
    insert(doc("a", 1, "code", "C"));
    store.commit(tenant, WriteBatch.builder().delete("things", "a", 1).build());
    assertThat(store.get(tenant, "things", "a")).isEmpty();
    assertThat(store.count(tenant, "things", Criteria.all())).isZero();
    insert(doc("b", 1, "code", "C"));
    insert(doc("a", 1, "code", "D"));
    assertThat(store.changes(tenant, 0, 10)).extracting(Change::kind, Change::version).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Change.Kind.INSERT, 1L), org.assertj.core.groups.Tuple.tuple(Change.Kind.DELETE, 1L),
        org.assertj.core.groups.Tuple.tuple(Change.Kind.INSERT, 1L), org.assertj.core.groups.Tuple.tuple(Change.Kind.INSERT, 1L));
  }

  @Test
  void uniqueIndexesNameTheFieldAndAreTenantScoped() {
    insert(doc("a", 1, "code", "C", "emails", List.of("x@a", "y@a")));
    insert(doc("b", 1));
    insert(doc("c", 1)); // two documents without code or emails do not collide
    assertThatThrownBy(() -> insert(doc("a", 1))).isInstanceOfSatisfying(DuplicateKeyException.class,
        e -> assertThat(e.field()).isEqualTo("id"));
    assertThatThrownBy(() -> insert(doc("d", 1, "code", "C"))).isInstanceOfSatisfying(DuplicateKeyException.class,
        e -> assertThat(e.field()).isEqualTo("code"));
    assertThatThrownBy(() -> insert(doc("d", 1, "emails", List.of("z@a", "y@a"))))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("emails"));
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().update("things", doc("b", 2, "code", "C")).build()))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("code"));
    assertThat(store.get(tenant, "things", "b").orElseThrow().version()).isEqualTo(1);
    // the same value in another tenant is fine, and the value moves once released
    store.commit(TenantId.of("other"), WriteBatch.builder().insert("things", doc("a", 1, "code", "C")).build());
    store.commit(tenant, WriteBatch.builder().update("things", doc("a", 2)).build());
    store.commit(tenant, WriteBatch.builder().update("things", doc("b", 2, "code", "C")).build());
    assertThat(store.findUnique(tenant, "things", "code", "C")).map(Document::id).contains("b");
    assertThat(store.findUnique(TenantId.of("other"), "things", "code", "C")).map(Document::id).contains("a");
  }

  @Test
  void duplicateAppendIdsAreRejectedBeforeAnythingIsWritten() {
    store.commit(tenant, WriteBatch.builder().append("events", "e1", "t", JsonNodeFactory.instance.objectNode()).build());
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().insert("things", doc("a", 1))
        .append("events", "e1", "t", JsonNodeFactory.instance.objectNode()).build()))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("id"));
    assertThat(store.get(tenant, "things", "a")).isEmpty();
    assertThat(store.read(tenant, "events", 0, 10)).hasSize(1);
  }

  @Test
  void commitsReturnWhatTheFeedAndStreamsThenHold() {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("n", 1);
    Committed c1 = store.commit(tenant, WriteBatch.builder().insert("things", doc("a", 1))
        .append("events", "e1", "created", payload).append("audit", "a1", "x", payload).build());
    Committed c2 = store.commit(tenant, WriteBatch.builder().append("events", "e2", "ping", payload).build());
    assertThat(store.changes(tenant, 0, 100)).isEqualTo(c1.changes());
    List<StreamRecord> events = store.read(tenant, "events", 0, 100);
    assertThat(events).containsExactly(c1.records().get(0), c2.records().get(0));
    assertThat(events.get(0).recordedAt()).isEqualTo(clock.instant());
    assertThat(store.read(tenant, "audit", 0, 100)).containsExactly(c1.records().get(1));
    assertThat(store.read(tenant, "events", events.get(0).position(), 100)).containsExactly(events.get(1));
    assertThat(store.read(tenant, "nosuchstream", 0, 100)).isEmpty();
    assertThat(store.changes(TenantId.of("other"), 0, 100)).isEmpty();
    assertThatThrownBy(() -> store.changes(tenant, 0, 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.changes(tenant, -1, 1)).isInstanceOf(ValidationException.class);
  }

  @Test
  void leasesAreExclusiveRenewableAndTakenOverWithAGreaterToken() {
    Lease a = store.tryAcquire(tenant, "relay", "node-a", Duration.ofSeconds(30)).orElseThrow();
    assertThat(store.tryAcquire(tenant, "relay", "node-b", Duration.ofSeconds(30))).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    Lease renewed = store.tryAcquire(tenant, "relay", "node-a", Duration.ofSeconds(30)).orElseThrow();
    assertThat(renewed.token()).isEqualTo(a.token());
    assertThat(renewed.expiresAt()).isAfter(a.expiresAt());
    clock.advance(Duration.ofSeconds(30));
    Lease b = store.tryAcquire(tenant, "relay", "node-b", Duration.ofSeconds(30)).orElseThrow();
    assertThat(b.token()).isGreaterThan(a.token());
    assertThatThrownBy(() -> store.commit(tenant, WriteBatch.builder().insert("things", doc("x", 1))
        .guardedBy(WriteBatch.LeaseGuard.of(a)).build())).isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, "things", "x")).isEmpty();
    store.commit(tenant, WriteBatch.builder().insert("things", doc("x", 1)).guardedBy(WriteBatch.LeaseGuard.of(b)).build());
    assertThat(store.release(tenant, a)).isFalse();
    assertThat(store.release(tenant, b)).isTrue();
    Lease again = store.tryAcquire(tenant, "relay", "node-b", Duration.ofSeconds(30)).orElseThrow();
    assertThat(again.token()).isGreaterThan(b.token());
    assertThat(store.tryAcquire(TenantId.of("other"), "relay", "node-a", Duration.ofSeconds(30))).isPresent();
  }

  @Test
  void registeringTwiceOrFromTwoStoresIsANoOp() {
    MongoStore second = MongoStore.builder(mongo.client, "rapport_test_shared_" + tenant.value()).clock(clock).build();
    MongoStore first = MongoStore.builder(mongo.client, "rapport_test_shared_" + tenant.value()).clock(clock).build();
    first.register(THINGS);
    second.register(THINGS);
    first.register(THINGS);
    CollectionSpec more = new CollectionSpec("things", new ArrayList<>(THINGS.indexes()) {{
        add(IndexSpec.unique("extra", IndexType.LONG)); }});
    second.register(more);
    assertThat(second.collections()).containsExactly(more);
    assertThatThrownBy(() -> second.register(THINGS)).isInstanceOf(ValidationException.class);
  }

  // --- queries against the reference evaluator -----------------------------------------------------------------

  static final String[] STRINGS = {"", "a", "A", "ab", "b", "a/b", "a/bc", "\uFFFF", "\uE000", "\uD83D\uDE00",
      "\uD83D\uDE00x", "z", "é", "\u0000", ".*", "{\"$ne\": null}"};

  @Test
  void randomizedCriteriaSortsAndPagesMatchTheReferenceEvaluator() {
    Random r = new Random(42);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Map<String, List<Object>> ix = new LinkedHashMap<>();
      if (r.nextInt(4) > 0) {
        ix.put("name", List.of(STRINGS[r.nextInt(STRINGS.length)]));
      }
      if (r.nextInt(4) > 0) {
        ix.put("rank", List.of((long) r.nextInt(7) - 3));
      }
      if (r.nextInt(4) > 0) {
        ix.put("amount", List.of(new BigDecimal(r.nextInt(2000) - 1000).movePointLeft(r.nextInt(3))));
      }
      if (r.nextInt(4) > 0) {
        ix.put("at", List.of(Instant.parse("2030-01-01T00:00:00Z").plusMillis(r.nextInt(5))));
      }
      if (r.nextInt(3) > 0) {
        ix.put("flag", List.of(r.nextBoolean()));
      }
      List<Object> tags = new ArrayList<>();
      for (int t = r.nextInt(4); t > 0; t--) {
        tags.add(STRINGS[r.nextInt(STRINGS.length)]);
      }
      ix.put("tags", tags);
      Document d = new Document(String.format("d%02d", i) + (i % 7 == 0 ? "\uD83D\uDE00" : i % 5 == 0 ? "\uFF01" : ""),
          1, JsonNodeFactory.instance.objectNode(), ix);
      docs.add(d);
      insert(d);
    }
    List<Sort> sorts = List.of(Sort.byId(), Sort.asc("name"), Sort.desc("name"), Sort.desc("amount").thenAsc("rank"),
        Sort.asc("at").thenDesc("flag"), Sort.desc("rank"));
    for (int i = 0; i < 300; i++) {
      Criteria c = randomCriteria(r, 3);
      List<Document> expected = docs.stream().filter(d -> CriteriaEvaluator.matches(c, d::values)).toList();
      assertThat(store.count(tenant, "things", c)).as("count %s", c).isEqualTo(expected.size());
      Sort sort = sorts.get(i % sorts.size());
      List<String> want = expected.stream().sorted(comparator(sort)).map(Document::id).toList();
      assertThat(pageAll(c, sort, 1 + r.nextInt(7))).as("%s sorted by %s", c, sort).isEqualTo(want);
    }
  }

  List<String> pageAll(Criteria c, Sort sort, int size) {
    List<String> out = new ArrayList<>();
    Query q = Query.of(c, sort, size);
    while (true) {
      Page<Document> p = store.query(tenant, "things", q);
      p.items().forEach(d -> out.add(d.id()));
      if (!p.hasNext()) {
        return out;
      }
      q = q.after(p.nextCursor());
    }
  }

  static Comparator<Document> comparator(Sort sort) {
    Comparator<Document> cmp = (a, b) -> 0;
    for (Sort.Key k : sort.effectiveKeys()) {
      Comparator<Document> one = (a, b) -> {
        List<Object> x = a.values(k.field());
        List<Object> y = b.values(k.field());
        if (x.isEmpty() || y.isEmpty()) {
          return Boolean.compare(!x.isEmpty(), !y.isEmpty());
        }
        return Values.compare(x.get(0), y.get(0));
      };
      cmp = cmp.thenComparing(k.direction() == Sort.Direction.ASC ? one : one.reversed());
    }
    return cmp;
  }

  static Criteria randomCriteria(Random r, int depth) {
    int pick = r.nextInt(depth > 0 ? 12 : 8);
    String[] fields = {"name", "rank", "amount", "at", "tags", "id"};
    String f = fields[r.nextInt(fields.length)];
    Object v = switch (f) {
      case "rank" -> (long) r.nextInt(7) - 3;
      case "amount" -> new BigDecimal(r.nextInt(2000) - 1000).movePointLeft(r.nextInt(3));
      case "at" -> Instant.parse("2030-01-01T00:00:00Z").plusMillis(r.nextInt(5));
      case "id" -> String.format("d%02d", r.nextInt(60));
      default -> STRINGS[r.nextInt(STRINGS.length)];
    };
    return switch (pick) {
      case 0 -> Criteria.eq(f, v);
      case 1 -> Criteria.gt(f, v);
      case 2 -> Criteria.lte(f, v);
      case 3 -> inOf(f, v);
      case 4 -> v instanceof String s ? Criteria.prefix(f, s) : Criteria.gte(f, v);
      case 5 -> Criteria.exists(f);
      case 6 -> r.nextBoolean() ? Criteria.eq("flag", r.nextBoolean()) : Criteria.lt(f, v);
      case 7 -> r.nextBoolean() ? Criteria.all() : Criteria.tagSubtree("tags", STRINGS[r.nextInt(STRINGS.length)]);
      case 8, 9 -> Criteria.not(randomCriteria(r, depth - 1));
      case 10 -> Criteria.and(randomCriteria(r, depth - 1), randomCriteria(r, depth - 1));
      default -> Criteria.or(randomCriteria(r, depth - 1), randomCriteria(r, depth - 1));
    };
  }

  private static Criteria inOf(String f, Object v) {
    return Criteria.in(f, List.of(v));
  }

  @Test
  void thirtyFourDigitDecimalsRoundTripExactlyAndCompareAsNumbers() {
    BigDecimal big = new BigDecimal("123456789012345678901234.1234567891");
    BigDecimal bigger = new BigDecimal("123456789012345678901234.1234567892");
    BigDecimal smallest = new BigDecimal("-999999999999999999999999.9999999999");
    insert(doc("a", 1, "amount", new BigDecimal("1.5")));
    insert(doc("big", 1, "amount", big));
    insert(doc("bigger", 1, "amount", bigger));
    insert(doc("smallest", 1, "amount", smallest));
    assertThat(store.get(tenant, "things", "big").orElseThrow().values("amount")).containsExactly(big);
    assertThat(store.get(tenant, "things", "smallest").orElseThrow().values("amount")).containsExactly(smallest);
    assertThat(pageAll(Criteria.eq("amount", big), Sort.asc("id"), 10)).containsExactly("big");
    assertThat(pageAll(Criteria.in("amount", List.of(bigger, new BigDecimal("1.50"))), Sort.asc("id"), 10))
        .containsExactly("a", "bigger");
    assertThat(pageAll(Criteria.not(Criteria.eq("amount", big)), Sort.asc("id"), 10))
        .containsExactly("a", "bigger", "smallest");
    assertThat(pageAll(Criteria.gte("amount", big), Sort.desc("amount"), 1)).containsExactly("bigger", "big");
    assertThat(pageAll(Criteria.lte("amount", big), Sort.asc("amount"), 1)).containsExactly("smallest", "a", "big");
    // Criteria values no stored decimal can equal: more digits than a stored value has, or beyond its range.
    BigDecimal wide = new BigDecimal("123456789012345678901234.12345678915");
    assertThat(store.count(tenant, "things", Criteria.eq("amount", wide))).isZero();
    assertThat(pageAll(Criteria.gt("amount", wide), Sort.asc("id"), 10)).containsExactly("bigger");
    assertThat(pageAll(Criteria.lt("amount", wide), Sort.asc("id"), 10)).containsExactly("a", "big", "smallest");
    assertThat(store.count(tenant, "things", Criteria.gt("amount", new BigDecimal("1E+30")))).isZero();
    assertThat(store.count(tenant, "things", Criteria.lt("amount", new BigDecimal("1E+30")))).isEqualTo(4);
    assertThat(store.count(tenant, "things", Criteria.gt("amount", new BigDecimal("-1E+9999")))).isEqualTo(4);
    assertThat(store.count(tenant, "things", Criteria.gte("amount", new BigDecimal("1.5E-99999")))).isEqualTo(3);
    assertThat(store.count(tenant, "things", Criteria.lte("amount", new BigDecimal("-1E-99999")))).isOne();
    assertThatThrownBy(() -> insert(doc("wide", 1, "amount", wide))).isInstanceOf(ValidationException.class);
  }

  static final CollectionSpec PRICES = CollectionSpec.of("prices",
      IndexSpec.single("amount", IndexType.DECIMAL), IndexSpec.multi("amounts", IndexType.DECIMAL));

  /**
   * Decimal equality is numeric, as in the reference evaluator: the kernel normalises values, and the server itself
   * treats differently written Decimal128s of one number as equal (checked on stored values that are not in
   * canonical form, as another writer might leave them).
   */
  @Test
  void decimalsCompareNumericallyLikeTheReferenceEvenWhenStoredWithTrailingZeros() {
    store.register(PRICES);
    List<Document> docs = List.of(
        new Document("p1", 1, JsonNodeFactory.instance.objectNode(), Map.of("amount", List.of(new BigDecimal("1.0")),
            "amounts", List.of(new BigDecimal("1.0"), new BigDecimal("2.50")))),
        new Document("p2", 1, JsonNodeFactory.instance.objectNode(), Map.of("amount", List.of(new BigDecimal("1.00")),
            "amounts", List.of(new BigDecimal("3")))),
        new Document("p3", 1, JsonNodeFactory.instance.objectNode(), Map.of("amount", List.of(new BigDecimal("1.5")),
            "amounts", List.of(new BigDecimal("0.5"), new BigDecimal("1.5")))));
    for (Document d : docs) {
      store.commit(tenant, WriteBatch.builder().insert("prices", d).build());
    }
    var prices = mongo.client.getDatabase(database).getCollection("c_prices", org.bson.BsonDocument.class);
    rewriteIndex(prices, "p2", new org.bson.BsonDocument("amount", decimal128("1.000"))
        .append("amounts", new org.bson.BsonArray(List.of(decimal128("3.0000")))));
    rewriteIndex(prices, "p1", new org.bson.BsonDocument("amount", decimal128("1.0"))
        .append("amounts", new org.bson.BsonArray(List.of(decimal128("1.0"), decimal128("2.50")))));

    List<Criteria> criteria = new ArrayList<>();
    for (String f : List.of("amount", "amounts")) {
      for (String v : List.of("1", "1.0", "1.00000", "2.5", "3.000", "1.5", "0.50")) {
        BigDecimal d = new BigDecimal(v);
        criteria.addAll(List.of(Criteria.eq(f, d), Criteria.not(Criteria.eq(f, d)), Criteria.in(f, List.of(d, BigDecimal.TEN)),
            Criteria.gt(f, d), Criteria.gte(f, d), Criteria.lt(f, d), Criteria.lte(f, d)));
      }
    }
    for (Criteria c : criteria) {
      List<String> want = docs.stream().filter(d -> CriteriaEvaluator.matches(c, d::values)).map(Document::id).toList();
      List<String> got = store.query(tenant, "prices", Query.of(c, Sort.asc("id"), 10)).items().stream()
          .map(Document::id).toList();
      assertThat(got).as("%s", c).isEqualTo(want);
    }
    assertThat(store.query(tenant, "prices", Query.of(Criteria.all(), Sort.asc("amount"), 10)).items())
        .extracting(Document::id).containsExactly("p1", "p2", "p3");
    Document p2 = store.get(tenant, "prices", "p2").orElseThrow();
    assertThat(p2.values("amount")).containsExactly(BigDecimal.ONE);
    assertThat(store.count(tenant, "prices", Criteria.eq("amounts", new BigDecimal("3.000")))).isEqualTo(1);
  }

  private static org.bson.BsonDecimal128 decimal128(String text) {
    return new org.bson.BsonDecimal128(org.bson.types.Decimal128.parse(text));
  }

  /** Replaces a stored document's index values by {@code ix} as given (not normalised), and checks they stuck. */
  private static void rewriteIndex(com.mongodb.client.MongoCollection<org.bson.BsonDocument> c, String id,
      org.bson.BsonDocument ix) {
    org.bson.BsonDocument d = c.find(new org.bson.BsonDocument("id", new org.bson.BsonString(id))).first();
    assertThat(d).isNotNull();
    d.put("ix", ix);
    c.replaceOne(new org.bson.BsonDocument("_id", d.get("_id")), d);
    org.bson.BsonDocument back = c.find(new org.bson.BsonDocument("_id", d.get("_id"))).first();
    assertThat(back.getDocument("ix").toJson()).isEqualTo(ix.toJson());
  }
}
