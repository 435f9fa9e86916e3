package dev.rapport.crm.testkit.kernel;

import static dev.rapport.crm.query.Criteria.and;
import static dev.rapport.crm.query.Criteria.eq;
import static dev.rapport.crm.query.Criteria.exists;
import static dev.rapport.crm.query.Criteria.gt;
import static dev.rapport.crm.query.Criteria.gte;
import static dev.rapport.crm.query.Criteria.in;
import static dev.rapport.crm.query.Criteria.lt;
import static dev.rapport.crm.query.Criteria.lte;
import static dev.rapport.crm.query.Criteria.not;
import static dev.rapport.crm.query.Criteria.or;
import static dev.rapport.crm.query.Criteria.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Cursor;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries over hand-picked documents: every operator, two-valued logic on missing fields, any-match on
 * multi-valued fields, code-point string order, literal prefixes, sorting with missing values, keyset pagination,
 * counts, and rejection of unknown fields and tampered cursors.
 */
public abstract class QueryContract extends KernelContract {
  private static final Instant JAN1 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant JAN2 = Instant.parse("2030-01-02T00:00:00Z");
  private static final Instant JAN3_NOON = Instant.parse("2030-01-03T12:00:00Z");
  private static final List<String> ALL = IntStream.rangeClosed(1, 15).mapToObj(i -> String.format("d%02d", i)).toList();

  @BeforeEach
  void insertCorpus() {
    insert(
        thing("d01").with("name", "alpha").with("rank", 1L).with("amount", new BigDecimal("1.0")).with("at", JAN1)
            .with("flag", true).with("tags", "x", "seg/vip").build(),
        thing("d02").with("name", "beta").with("rank", 2L).with("amount", new BigDecimal("1.00")).with("at", JAN2)
            .with("flag", false).with("tags", "y").build(),
        thing("d03").with("name", "Zeta").with("rank", -5L).with("amount", new BigDecimal("2.5")).with("at", JAN3_NOON)
            .with("tags", "x", "y", "seg/vip/gold").build(),
        thing("d04").with("name", "é").with("rank", 10L).with("amount", new BigDecimal("-0.5")).with("flag", true)
            .with("tags", "seg/vipx").build(),
        thing("d05").with("name", "中").with("rank", 3L).with("amount", new BigDecimal("100.25"))
            .with("at", Instant.parse("2030-02-01T00:00:00.987654321Z")).build(),
        thing("d06").with("name", "中文").with("rank", 3L).build(),
        thing("d07").with("name", "ｚ").build(),
        thing("d08").with("name", "𠀀").build(),
        thing("d09").build(),
        thing("d10").with("name", "50%off").build(),
        thing("d11").with("name", "50xoff").build(),
        thing("d12").with("name", "a_b").build(),
        thing("d13").with("name", "axb").build(),
        thing("d14").with("name", "back\\slash").build(),
        thing("d15").with("name", "backslash").build());
  }

  private static List<String> reversed(List<String> ids) {
    List<String> out = new ArrayList<>(ids);
    java.util.Collections.reverse(out);
    return out;
  }

  private static List<String> except(String... ids) {
    List<String> out = new ArrayList<>(ALL);
    out.removeAll(List.of(ids));
    return out;
  }

  @Test
  void eqMatchesEveryValueType() {
    assertThat(ids(eq("name", "beta"))).containsExactly("d02");
    assertThat(ids(eq("rank", 3L))).containsExactly("d05", "d06");
    assertThat(ids(eq("at", JAN2))).containsExactly("d02");
    assertThat(ids(eq("flag", true))).containsExactly("d01", "d04");
    assertThat(ids(eq("flag", false))).containsExactly("d02");
    assertThat(ids(eq("id", "d03"))).containsExactly("d03");
    assertThat(ids(eq("name", "Alpha"))).as("case-sensitive").isEmpty();
  }

  @Test
  void decimalsEqualRegardlessOfScale() {
    assertThat(ids(eq("amount", new BigDecimal("1.00")))).containsExactly("d01", "d02");
    assertThat(ids(eq("amount", new BigDecimal("1")))).containsExactly("d01", "d02");
    assertThat(ids(eq("amount", new BigDecimal("100.250")))).containsExactly("d05");
    assertThat(ids(lte("amount", new BigDecimal("1.000")))).containsExactly("d01", "d02", "d04");
    assertThat(ids(gt("amount", new BigDecimal("1")))).containsExactly("d03", "d05");
  }

  /**
   * Indexed decimals keep the full declared range (24 integer and 10 fraction digits, see {@code CollectionSpec}):
   * values differing only in the last of 34 digits stay distinct and ordered (what IEEE decimal128 holds).
   */
  @Test
  void decimalsKeepTheirFullDeclaredRange() {
    BigDecimal big = new BigDecimal("123456789012345678901234.1234567891");
    BigDecimal bigger = new BigDecimal("123456789012345678901234.1234567892");
    insert(thing("big").with("amount", big).build(), thing("bigger").with("amount", bigger).build(),
        thing("tiny").with("amount", new BigDecimal("-0.0000000001")).build());

    assertThat(ids(eq("amount", big))).containsExactly("big");
    assertThat(ids(gt("amount", big))).containsExactly("bigger");
    assertThat(ids(Criteria.between("amount", new BigDecimal("-0.0000000001"), BigDecimal.ZERO))).containsExactly("tiny");
    assertThat(store.get(tenant, THINGS, "bigger").orElseThrow().values("amount")).containsExactly(bigger);
  }

  /** Booleans order false before true (keyset pages on a boolean sort key compare them). */
  @Test
  void booleansCompareFalseBeforeTrue() {
    insert(thing("yes").with("flag", true).build(), thing("no").with("flag", false).build(), thing("none").build());
    Criteria mine = Criteria.in("id", "yes", "no", "none");
    assertThat(ids(Criteria.and(mine, gt("flag", false)))).containsExactly("yes");
    assertThat(ids(Criteria.and(mine, Criteria.lt("flag", true)))).containsExactly("no");
    assertThat(ids(Criteria.and(mine, Criteria.gte("flag", false)))).containsExactlyInAnyOrder("yes", "no");
  }

  @Test
  void comparisonsOnLongs() {
    assertThat(ids(gt("rank", 2L))).containsExactly("d04", "d05", "d06");
    assertThat(ids(gte("rank", 3L))).containsExactly("d04", "d05", "d06");
    assertThat(ids(lt("rank", 1L))).containsExactly("d03");
    assertThat(ids(lte("rank", 1L))).containsExactly("d01", "d03");
  }

  @Test
  void instantRangesAreHalfOpenWithMillisecondPrecision() {
    assertThat(ids(Criteria.between("at", JAN1, JAN3_NOON))).containsExactly("d01", "d02");
    assertThat(ids(gte("at", JAN3_NOON))).containsExactly("d03", "d05");
    assertThat(ids(eq("at", Instant.parse("2030-02-01T00:00:00.987Z")))).containsExactly("d05");
    assertThat(ids(gt("at", Instant.parse("2030-02-01T00:00:00.987Z")))).isEmpty();
  }

  @Test
  void stringsCompareByCodePoint() {
    assertThat(ids(gt("name", "中"))).containsExactly("d06", "d07", "d08");
    assertThat(ids(lt("name", "a"))).containsExactly("d03", "d10", "d11");
    // U+20000 is above U+FF5A by code point (and in UTF-8) although its UTF-16 surrogates sort below.
    assertThat(ids(gt("name", "ｚ"))).containsExactly("d08");
    assertThat(ids(lt("name", "𠀀"))).doesNotContain("d08").contains("d07");
  }

  @Test
  void prefixMatchesLikeMetacharactersLiterally() {
    assertThat(ids(prefix("name", "50%"))).containsExactly("d10");
    assertThat(ids(prefix("name", "a_"))).containsExactly("d12");
    assertThat(ids(prefix("name", "back\\"))).containsExactly("d14");
    assertThat(ids(prefix("name", "%"))).isEmpty();
    assertThat(ids(prefix("name", "_"))).isEmpty();
    assertThat(ids(prefix("name", "中"))).containsExactly("d05", "d06");
    assertThat(ids(prefix("name", "A"))).as("case-sensitive").isEmpty();
    assertThat(ids(prefix("name", ""))).isEqualTo(except("d09"));
  }

  @Test
  void inMatchesAnyListedValueAndEmptyInMatchesNothing() {
    assertThat(ids(in("name", "alpha", "beta", "nothing"))).containsExactly("d01", "d02");
    assertThat(ids(in("rank", 3L, 10L))).containsExactly("d04", "d05", "d06");
    assertThat(ids(in("tags", "y", "seg/vipx"))).containsExactly("d02", "d03", "d04");
    assertThat(ids(in("name", List.of()))).isEmpty();
    assertThat(ids(not(in("name", List.of())))).isEqualTo(ALL);
  }

  @Test
  void multiValuedFieldsMatchWhenAnyValueMatches() {
    assertThat(ids(eq("tags", "x"))).containsExactly("d01", "d03");
    assertThat(ids(and(eq("tags", "x"), eq("tags", "y")))).containsExactly("d03");
    assertThat(ids(not(eq("tags", "x")))).isEqualTo(except("d01", "d03"));
    assertThat(ids(gt("tags", "x"))).containsExactly("d02", "d03");
    assertThat(ids(Criteria.tagSubtree("tags", "seg/vip"))).containsExactly("d01", "d03");
  }

  @Test
  void missingFieldsFailComparisonsAndNotInvertsThem() {
    assertThat(ids(exists("name"))).isEqualTo(except("d09"));
    assertThat(ids(not(exists("name")))).containsExactly("d09");
    assertThat(ids(exists("at"))).containsExactly("d01", "d02", "d03", "d05");
    assertThat(ids(not(eq("flag", true)))).isEqualTo(except("d01", "d04"));
    assertThat(ids(not(gt("rank", 2L)))).isEqualTo(except("d04", "d05", "d06"));
    assertThat(ids(not(not(gt("rank", 2L))))).containsExactly("d04", "d05", "d06");
    assertThat(ids(exists("id"))).isEqualTo(ALL);
  }

  @Test
  void booleanCombinators() {
    assertThat(ids(or(eq("name", "alpha"), gt("rank", 5L)))).containsExactly("d01", "d04");
    assertThat(ids(and(exists("rank"), not(eq("tags", "x"))))).containsExactly("d02", "d04", "d05", "d06");
    assertThat(ids(Criteria.all())).isEqualTo(ALL);
    assertThat(ids(Criteria.none())).isEmpty();
    assertThat(ids(and(List.of()))).as("empty AND is true").isEqualTo(ALL);
    assertThat(ids(or(List.of()))).as("empty OR is false").isEmpty();
    assertThat(ids(not(or(List.of())))).isEqualTo(ALL);
  }

  @Test
  void sortAscendingPutsMissingValuesFirst() {
    assertThat(ids(tenant, Criteria.all(), Sort.asc("name"))).containsExactly(
        "d09", "d10", "d11", "d03", "d12", "d01", "d13", "d14", "d15", "d02", "d04", "d05", "d06", "d07", "d08");
    assertThat(ids(tenant, Criteria.all(), Sort.asc("rank"))).containsExactly(
        "d07", "d08", "d09", "d10", "d11", "d12", "d13", "d14", "d15", "d03", "d01", "d02", "d05", "d06", "d04");
  }

  @Test
  void sortDescendingPutsMissingValuesLast() {
    assertThat(ids(tenant, Criteria.all(), Sort.desc("name"))).containsExactly(
        "d08", "d07", "d06", "d05", "d04", "d02", "d15", "d14", "d13", "d01", "d12", "d03", "d11", "d10", "d09");
    assertThat(ids(tenant, exists("rank"), Sort.desc("rank"))).containsExactly("d04", "d05", "d06", "d02", "d01", "d03");
    assertThat(ids(tenant, Criteria.all(), new Sort(List.of(new Sort.Key("id", Sort.Direction.DESC)))))
        .isEqualTo(reversed(ALL));
  }

  @Test
  void sortOnSeveralKeysAndOnBooleans() {
    assertThat(ids(tenant, exists("amount"), Sort.desc("amount").thenAsc("name")))
        .containsExactly("d05", "d03", "d01", "d02", "d04");
    assertThat(ids(tenant, Criteria.all(), Sort.asc("flag")))
        .containsExactly("d03", "d05", "d06", "d07", "d08", "d09", "d10", "d11", "d12", "d13", "d14", "d15",
            "d02", "d01", "d04");
    assertThat(ids(tenant, Criteria.all(), Sort.desc("flag").thenDesc("rank")).subList(0, 3))
        .containsExactly("d04", "d01", "d02");
  }

  @Test
  void keysetPagesEqualOneBigPage() {
    List<Sort> sorts = List.of(Sort.byId(), Sort.asc("name"), Sort.desc("name"), Sort.asc("rank").thenDesc("amount"),
        Sort.desc("flag").thenAsc("at"), Sort.desc("at"), new Sort(List.of(new Sort.Key("id", Sort.Direction.DESC))));
    List<Criteria> filters = List.of(Criteria.all(), not(eq("tags", "x")), or(exists("rank"), prefix("name", "5")));
    for (Sort sort : sorts) {
      for (Criteria filter : filters) {
        List<String> all = ids(tenant, filter, sort);
        for (int size : new int[] {1, 2, 3, 4, 7}) {
          assertThat(queryAll(tenant, filter, sort, size).stream().map(Document::id).toList())
              .as("sort %s, filter %s, page size %d", sort, filter, size)
              .isEqualTo(all);
        }
      }
    }
  }

  @Test
  void pagesRespectTheLimit() {
    Query q = Query.of(Criteria.all(), Sort.asc("name"), 4);
    Page<Document> first = store.query(tenant, THINGS, q);
    assertThat(first.items()).hasSize(4);
    assertThat(first.hasNext()).isTrue();
    Page<Document> page = first;
    int pages = 1;
    while (page.hasNext()) {
      page = store.query(tenant, THINGS, q.after(page.nextCursor()));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(4);
      pages++;
    }
    assertThat(pages).isBetween(4, 5);
  }

  @Test
  void emptyResultHasNoCursor() {
    Page<Document> page = store.query(tenant, THINGS, Query.of(eq("name", "nobody"), Sort.asc("name"), 10));
    assertThat(page.items()).isEmpty();
    assertThat(page.hasNext()).isFalse();
  }

  @Test
  void countsMatchQueries() {
    assertThat(store.count(tenant, THINGS, Criteria.all())).isEqualTo(15);
    assertThat(store.count(tenant, THINGS, eq("tags", "x"))).isEqualTo(2);
    assertThat(store.count(tenant, THINGS, not(exists("rank")))).isEqualTo(9);
    assertThat(store.count(tenant, THINGS, in("name", List.of()))).isZero();
    assertThat(store.count(freshTenant(), THINGS, Criteria.all())).isZero();
  }

  @Test
  void unknownFieldsAndWrongTypesAreRejectedBeforeAnythingRuns() {
    List<Criteria> bad = List.of(
        eq("nosuchfield", "x"),
        or(Criteria.all(), eq("nosuchfield", "x")),
        eq("rank", "not a long"),
        eq("flag", "yes"),
        prefix("rank", "1"),
        not(exists("name; DROP TABLE things")));
    for (Criteria c : bad) {
      assertThatThrownBy(() -> store.query(tenant, THINGS, Query.of(c, Sort.byId(), 10)))
          .as("query %s", c).isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> store.count(tenant, THINGS, c)).as("count %s", c).isInstanceOf(ValidationException.class);
    }
    assertThatThrownBy(() -> store.query(tenant, THINGS, Query.of(Criteria.all(), Sort.asc("nosuchfield"), 10)))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.query(tenant, THINGS, Query.of(Criteria.all(), Sort.asc("tags"), 10)))
        .as("multi-valued sort").isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.query(tenant, "nosuchcollection", Query.of(Criteria.all(), Sort.byId(), 10)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void tamperedOrForeignCursorsAreRejected() {
    Page<Document> byName = store.query(tenant, THINGS, Query.of(Criteria.all(), Sort.asc("name"), 2));
    String nameCursor = byName.nextCursor();
    assertThat(nameCursor).isNotNull();
    List<String> bad = List.of(
        "not a cursor!",
        Base64.getUrlEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
        Base64.getUrlEncoder().encodeToString("[[\"x\",1]]".getBytes(StandardCharsets.UTF_8)),
        nameCursor.substring(0, nameCursor.length() / 2),
        new Cursor(List.of(5L, "d01")).encode());
    for (String cursor : bad) {
      assertThatThrownBy(() -> store.query(tenant, THINGS, new Query(Criteria.all(), Sort.asc("name"), 2, cursor)))
          .as("cursor %s", cursor).isInstanceOf(ValidationException.class);
    }
    assertThatThrownBy(() -> store.query(tenant, THINGS, new Query(Criteria.all(), Sort.byId(), 2, nameCursor)))
        .as("cursor of another sort").isInstanceOf(ValidationException.class);
  }
}
