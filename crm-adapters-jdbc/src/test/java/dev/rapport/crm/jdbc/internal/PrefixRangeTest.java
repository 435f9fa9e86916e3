package dev.rapport.crm.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.sql.SQLException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A prefix is translated as the range {@code [p, successor(p))}: these check that the range holds exactly the
 * strings starting with {@code p}, in the order each dialect's string columns have (code point order; for H2, the
 * UTF-16 order of the encoded form), including the characters at the edges of that order.
 */
class PrefixRangeTest {
  private static final String MAX = new String(Character.toChars(Character.MAX_CODE_POINT));
  private static final String GRIN = "\uD83D\uDE00"; // U+1F600
  /** Characters at the edges: LIKE metacharacters, '/' and '0' (tag paths), both sides of the surrogate block, etc. */
  private static final List<String> EDGES = List.of("a", "b", "/", "0", "%", "_", "\\", "!", "'", " ", "\u0001",
      "\u007F", "\u00E9", "\u4E2D", "\uD7FF", "\uE000", "\uF7FF", "\uF800", "\uFF5A", "\uFFFD", "\uFFFE", "\uFFFF",
      "\uD800\uDC00", GRIN, "\uD83D\uDE01", "\uD840\uDC00", "\uDBFF\uDFFE", MAX);

  @Test
  void successorIncrementsTheLastCodePoint() {
    assertThat(CriteriaSql.successor("segment/vip/")).isEqualTo("segment/vip0");
    assertThat(CriteriaSql.successor("a%")).isEqualTo("a&");
    assertThat(CriteriaSql.successor("a_")).isEqualTo("a`");
    assertThat(CriteriaSql.successor("back\\")).isEqualTo("back]");
    assertThat(CriteriaSql.successor("x" + GRIN)).isEqualTo("x\uD83D\uDE01");
    assertThat(CriteriaSql.successor("\uFFFF")).as("past the BMP").isEqualTo("\uD800\uDC00");
    assertThat(CriteriaSql.successor("\uD7FF")).as("over the surrogate block").isEqualTo("\uE000");
    assertThat(CriteriaSql.successor("\uDBFF\uDFFE")).isEqualTo(MAX);
  }

  @Test
  void successorDropsTrailingMaximalCodePoints() {
    assertThat(CriteriaSql.successor("a" + MAX)).isEqualTo("b");
    assertThat(CriteriaSql.successor("a" + MAX + MAX)).isEqualTo("b");
    assertThat(CriteriaSql.successor(MAX)).as("no string above every one starting with U+10FFFF").isNull();
    assertThat(CriteriaSql.successor(MAX + MAX)).isNull();
    assertThat(CriteriaSql.successor("")).isNull();
  }

  @Test
  void unpairedSurrogatesAreNotWellFormed() {
    assertThat(CriteriaSql.wellFormed("a" + GRIN + "b")).isTrue();
    assertThat(CriteriaSql.wellFormed("")).isTrue();
    assertThat(CriteriaSql.wellFormed("a\uD83D")).isFalse();
    assertThat(CriteriaSql.wellFormed("\uDE00a")).isFalse();
    assertThat(CriteriaSql.wellFormed("\uDE00\uD83D")).isFalse();
  }

  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.of(EDGES).list().ofMaxSize(4).map(l -> String.join("", l));
  }

  /** The range of PostgreSQL ({@code COLLATE "C"}) and MariaDB (binary): code point order on the stored value. */
  @Property(tries = 3000)
  void rangeIsStartsWithInCodePointOrder(@ForAll("strings") String head, @ForAll("strings") String tail,
      @ForAll("strings") String other) {
    String prefix = head.isEmpty() ? "a" : head;
    for (String s : List.of(prefix + tail, other, head, tail + prefix)) {
      String end = CriteriaSql.successor(prefix);
      boolean inRange = Values.compareCodePoints(s, prefix) >= 0
          && (end == null || Values.compareCodePoints(s, end) < 0);
      assertThat(inRange).as("%s in [%s, %s)", codePoints(s), codePoints(prefix), end == null ? "-" : codePoints(end))
          .isEqualTo(s.startsWith(prefix));
    }
  }

  /** H2 compares the encoded form by UTF-16 unit; both bounds are encoded as every bound value is. */
  @Property(tries = 3000)
  void rangeIsStartsWithInH2sOrderOfEncodedStrings(@ForAll("strings") String head, @ForAll("strings") String tail,
      @ForAll("strings") String other) {
    Dialect h2 = Dialect.h2();
    String prefix = head.isEmpty() ? "a" : head;
    for (String s : List.of(prefix + tail, other, head, tail + prefix)) {
      String end = CriteriaSql.successor(prefix);
      String stored = h2.encodeKey(s);
      boolean inRange = stored.compareTo(h2.encodeKey(prefix)) >= 0
          && (end == null || stored.compareTo(h2.encodeKey(end)) < 0);
      assertThat(inRange).as("%s from %s", codePoints(s), codePoints(prefix)).isEqualTo(s.startsWith(prefix));
    }
  }

  @Test
  void aTagSubtreeIsOneIndexableConditionOnTheSideTable() throws SQLException {
    Sql sql = where(Criteria.tagSubtree("tags", "segment/vip"), Dialect.mariadb());
    assertThat(sql.text()).isEqualTo("(EXISTS (SELECT 1 FROM s.rapport_mv_customers m WHERE m.tenant = d.tenant"
        + " AND m.id = d.id AND m.field = 'tags' AND (m.v_string = ? OR (m.v_string >= ? AND m.v_string < ?))))");
    assertThat(BoundValues.of(sql)).containsExactly("segment/vip", "segment/vip/", "segment/vip0");
  }

  @Test
  void onPostgresqlATagSubtreeReadsTheArrayOnTheRowAndAPrefixOnAColumnIsARange() throws SQLException {
    Sql sql = where(Criteria.and(Criteria.tagSubtree("tags", "a_b"), Criteria.prefix("region", "E")),
        Dialect.postgres());
    assertThat(sql.text()).isEqualTo("((EXISTS (SELECT 1 FROM unnest(d.a_tags) AS u(v) WHERE (u.v COLLATE \"C\" = ?"
        + " OR u.v COLLATE \"C\" LIKE ? ESCAPE '!'))) AND ((d.f_region >= ? AND d.f_region < ?)))");
    assertThat(BoundValues.of(sql)).containsExactly("a_b", "a!_b/%", "E", "F");
  }

  @Test
  void aPrefixOnAColumnIsARangeAndItsNegationKeepsMissingValues() throws SQLException {
    Sql sql = where(Criteria.not(Criteria.prefix("region", "a%" + MAX)), Dialect.mariadb());
    assertThat(sql.text()).isEqualTo("(d.f_region IS NULL OR NOT ((d.f_region >= ? AND d.f_region < ?)))");
    assertThat(BoundValues.of(sql)).containsExactly("a%" + MAX, "a&");
    Sql top = where(Criteria.prefix("region", MAX), Dialect.postgres());
    assertThat(top.text()).as("nothing is above U+10FFFF: no upper bound").isEqualTo("((d.f_region >= ?))");
  }

  @Test
  void h2BindsBothBoundsEncoded() throws SQLException {
    Sql sql = where(Criteria.prefix("region", "\uD7FF"), Dialect.h2());
    assertThat(BoundValues.of(sql)).containsExactly("\uD7FF", Dialect.h2().encodeKey("\uE000"));
  }

  @Test
  void aPrefixWithAnUnpairedSurrogateKeepsAnEscapedLike() throws SQLException {
    Sql sql = where(Criteria.prefix("region", "50%\uD83D"), Dialect.postgres());
    assertThat(sql.text()).isEqualTo("(d.f_region LIKE ? ESCAPE '!')");
    assertThat(BoundValues.of(sql)).containsExactly("50!%\uD83D%");
  }

  private static Sql where(Criteria c, Dialect dialect) {
    CollectionSpec spec = CollectionSpec.of("customers", IndexSpec.single("region", IndexType.STRING),
        IndexSpec.multi("tags", IndexType.STRING));
    Sql out = new Sql(dialect);
    new CriteriaSql(new Layout(spec, "s.", "rapport_", dialect)).where(c, out);
    return out;
  }

  private static String codePoints(String s) {
    StringBuilder b = new StringBuilder("[");
    s.codePoints().forEach(cp -> b.append(b.length() > 1 ? " " : "").append(Integer.toHexString(cp)));
    return b.append("]").toString();
  }
}
