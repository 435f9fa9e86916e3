package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.Document;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Query equivalence: for a seeded random corpus and a few hundred seeded random criteria trees and sorts, the
 * store returns exactly what the reference semantics select and order. The reference is written here, from
 * {@link CriteriaEvaluator} and the ordering documented on {@link Sort}, so it does not depend on any store.
 *
 * <p>Values come from small domains, so matches are frequent, and include what breaks translations: missing
 * fields, multi-valued fields, SQL {@code LIKE} metacharacters, non-ASCII and supplementary characters, decimals of
 * different scales, extreme longs. Every failure message names its seed and case; the seeds are fixed, so a
 * failure reproduces.
 */
public abstract class QueryEquivalenceContract extends KernelContract {
  private static final int DOCUMENTS = 300;
  private static final int CASES_PER_SEED = 100;
  private static final int PAGE_SIZE = 7;

  private static final List<String> NAMES = List.of("alpha", "Alpha", "alpha2", "al", "beta", "b", "a_b", "a%b",
      "a\\b", "ab", "中", "中文", "é", "e", "𠀀", "ｚ", "", "Z");
  private static final List<Long> RANKS = List.of(-3L, -2L, -1L, 0L, 1L, 2L, 3L, Long.MIN_VALUE, Long.MAX_VALUE);
  private static final List<BigDecimal> AMOUNTS = List.of(new BigDecimal("0"), new BigDecimal("0.00"),
      new BigDecimal("1"), new BigDecimal("1.50"), new BigDecimal("1.5"), new BigDecimal("-2.25"),
      new BigDecimal("10"), new BigDecimal("10.0"), new BigDecimal("100.001"), new BigDecimal("0.0000000001"),
      new BigDecimal("-12345678901234567890"));
  private static final Instant BASE = Instant.parse("2030-03-01T00:00:00Z");
  private static final List<String> TAGS = List.of("x", "y", "z", "seg/vip", "seg/vip/gold", "seg/vipx", "中", "x_");
  private static final List<String> CODE_PREFIXES = List.of("A-", "B-", "A_", "A%");
  private static final List<String> FIELDS = List.of("id", "name", "rank", "amount", "at", "flag", "tags", "code", "emails");
  private static final List<String> SORTABLE = List.of("id", "name", "rank", "amount", "at", "flag", "code");

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {17L, 4242L, 20300101L})
  void queriesAgreeWithTheReference(long seed) {
    Random random = new Random(seed);
    List<Document> corpus = corpus(random);
    insert(corpus.toArray(new Document[0]));

    assertThat(indexes(queryAll(tenant, Criteria.all(), Sort.byId(), 1000)))
        .as("seed %d: index values read back (the single-valued ones, Document#asRead)", seed)
        .isEqualTo(indexes(sorted(corpus, Sort.byId()).stream().map(d -> d.asRead(THINGS_SPEC)).toList()));

    for (int i = 0; i < CASES_PER_SEED; i++) {
      Criteria criteria = criteria(random, 3);
      Sort sort = sort(random);
      List<Document> matching = new ArrayList<>();
      for (Document d : corpus) {
        if (CriteriaEvaluator.matches(criteria, d::values)) {
          matching.add(d);
        }
      }
      List<String> expected = sorted(matching, sort).stream().map(Document::id).toList();
      List<String> actual = queryAll(tenant, criteria, sort, PAGE_SIZE).stream().map(Document::id).toList();
      assertThat(actual).as("seed %d, case %d: %s sorted by %s", seed, i, criteria, sort.effectiveKeys())
          .isEqualTo(expected);
      assertThat(store.count(tenant, THINGS, criteria)).as("seed %d, case %d: count of %s", seed, i, criteria)
          .isEqualTo(expected.size());
    }
  }

  private static List<Document> corpus(Random random) {
    List<Document> docs = new ArrayList<>(DOCUMENTS);
    for (int i = 0; i < DOCUMENTS; i++) {
      Thing t = thing(String.format("t%03d", i));
      if (random.nextInt(5) > 0) {
        t.with("name", pick(random, NAMES));
      }
      if (random.nextInt(5) > 0) {
        t.with("rank", pick(random, RANKS));
      }
      if (random.nextInt(5) > 0) {
        t.with("amount", pick(random, AMOUNTS));
      }
      if (random.nextInt(5) > 0) {
        t.with("at", instant(random));
      }
      if (random.nextInt(3) > 0) {
        t.with("flag", random.nextBoolean());
      }
      int tags = random.nextInt(4);
      Set<Object> tagValues = new HashSet<>();
      for (int k = 0; k < tags; k++) {
        tagValues.add(pick(random, TAGS));
      }
      if (!tagValues.isEmpty()) {
        t.with("tags", tagValues.toArray());
      }
      if (random.nextInt(4) > 0) {
        t.with("code", pick(random, CODE_PREFIXES) + i);
      }
      int emails = random.nextInt(3);
      if (emails > 0) {
        Object[] values = new Object[emails];
        for (int k = 0; k < emails; k++) {
          values[k] = "u" + i + "." + k + "@" + (random.nextBoolean() ? "a.example" : "b.example");
        }
        t.with("emails", values);
      }
      docs.add(t.build());
    }
    return docs;
  }

  private static Instant instant(Random random) {
    return BASE.plusSeconds(3600L * random.nextInt(6)).plusMillis(random.nextInt(3));
  }

  /** A value of the field's type from a domain that mostly, not always, occurs in the corpus. */
  private static Object value(Random random, String field) {
    switch (field) {
      case "id":
        return String.format("t%03d", random.nextInt(DOCUMENTS + 5));
      case "name":
        return random.nextInt(6) == 0 ? pick(random, List.of("a", "alpha1", "中间", "zz", "\uFFFD")) : pick(random, NAMES);
      case "rank":
        return random.nextInt(6) == 0 ? (long) random.nextInt(11) - 5 : pick(random, RANKS);
      case "amount":
        return random.nextInt(6) == 0 ? new BigDecimal("1.25") : pick(random, AMOUNTS);
      case "at":
        return instant(random);
      case "flag":
        return random.nextBoolean();
      case "tags":
        return random.nextInt(6) == 0 ? "seg" : pick(random, TAGS);
      case "code":
        return pick(random, CODE_PREFIXES) + random.nextInt(DOCUMENTS);
      case "emails":
        return "u" + random.nextInt(DOCUMENTS) + "." + random.nextInt(2) + "@a.example";
      default:
        throw new IllegalArgumentException(field);
    }
  }

  private static boolean isString(String field) {
    return field.equals("id") || field.equals("name") || field.equals("tags") || field.equals("code")
        || field.equals("emails");
  }

  private static Criteria criteria(Random random, int depth) {
    if (depth > 0 && random.nextInt(5) < 2) {
      int kind = random.nextInt(3);
      if (kind == 2) {
        return Criteria.not(criteria(random, depth - 1));
      }
      List<Criteria> parts = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        parts.add(criteria(random, depth - 1));
      }
      return kind == 0 ? Criteria.and(parts) : Criteria.or(parts);
    }
    String field = pick(random, FIELDS);
    switch (random.nextInt(10)) {
      case 0:
      case 1:
        return Criteria.eq(field, value(random, field));
      case 2:
      case 3:
      case 4:
        if (field.equals("flag")) {
          return Criteria.eq(field, value(random, field));
        }
        Object v = value(random, field);
        return switch (random.nextInt(4)) {
          case 0 -> Criteria.gt(field, v);
          case 1 -> Criteria.gte(field, v);
          case 2 -> Criteria.lt(field, v);
          default -> Criteria.lte(field, v);
        };
      case 5:
      case 6: {
        List<Object> values = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          values.add(value(random, field));
        }
        return Criteria.in(field, values);
      }
      case 7:
      case 8:
        if (!isString(field)) {
          return Criteria.exists(field);
        }
        String s = (String) value(random, field);
        return Criteria.prefix(field, s.substring(0, s.offsetByCodePoints(0, random.nextInt(s.codePointCount(0, s.length()) + 1))));
      default:
        return random.nextInt(20) == 0 ? (random.nextBoolean() ? Criteria.all() : Criteria.none()) : Criteria.exists(field);
    }
  }

  private static Sort sort(Random random) {
    List<String> fields = new ArrayList<>(SORTABLE);
    int n = random.nextInt(3);
    Sort sort = Sort.byId();
    for (int i = 0; i < n; i++) {
      String f = fields.remove(random.nextInt(fields.size()));
      sort = random.nextBoolean() ? sort.thenAsc(f) : sort.thenDesc(f);
    }
    return sort;
  }

  /** The documented order: by each effective key, missing values first ascending and last descending. */
  static List<Document> sorted(List<Document> docs, Sort sort) {
    Comparator<Document> order = (a, b) -> 0;
    for (Sort.Key key : sort.effectiveKeys()) {
      Comparator<Document> byKey = (a, b) -> {
        Object x = first(a, key.field());
        Object y = first(b, key.field());
        if (x == null || y == null) {
          return x == y ? 0 : x == null ? -1 : 1;
        }
        return Values.compare(x, y);
      };
      order = order.thenComparing(key.direction() == Sort.Direction.ASC ? byKey : byKey.reversed());
    }
    List<Document> out = new ArrayList<>(docs);
    out.sort(order);
    return out;
  }

  private static @Nullable Object first(Document d, String field) {
    List<Object> values = d.values(field);
    return values.isEmpty() ? null : values.get(0);
  }

  private static List<Map<String, Set<Object>>> indexes(List<Document> docs) {
    List<Map<String, Set<Object>>> out = new ArrayList<>();
    for (Document d : docs) {
      Map<String, Set<Object>> m = new LinkedHashMap<>();
      m.put("id", Set.of(d.id()));
      d.index().forEach((k, v) -> m.put(k, new HashSet<>(v)));
      out.add(m);
    }
    return out;
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
