package dev.rapport.crm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The fast reading of instants agrees with {@link Instant#parse} on what it reads, and leaves it everything else. */
class InstantTextTest {
  private static final long MIN = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Property(tries = 5_000)
  void readsEveryInstantAsWrittenBack(@ForAll("instants") Instant instant) throws Exception {
    String text = instant.toString();
    assertThat(InstantText.parse(text)).as(text).isEqualTo(instant);
    assertThat(Json.MAPPER.treeToValue(TextNode.valueOf(text), Instant.class)).isEqualTo(instant);
  }

  @Property(tries = 5_000)
  void agreesWithInstantParseOnNearlyValidText(@ForAll("instants") Instant instant,
                                               @ForAll @IntRange(min = 0, max = 29) int at,
                                               @ForAll("characters") char c) {
    String text = instant.toString();
    String changed = at < text.length() ? text.substring(0, at) + c + text.substring(at + 1) : text + c;
    Instant expected;
    try {
      expected = Instant.parse(changed);
    } catch (DateTimeParseException e) {
      expected = null;
    }
    Instant fast = InstantText.parse(changed);
    if (fast != null) {
      assertThat(fast).as(changed).isEqualTo(expected);
    }
  }

  @Test
  void leavesOtherFormsToJacksonWhichReadsOrRefusesThemAsBefore() throws Exception {
    assertThat(InstantText.parse("+10000-01-01T00:00:00Z")).isNull();
    assertThat(InstantText.parse("2026-12-06T07:31:25+01:00")).isNull();
    assertThat(InstantText.parse("2026-02-30T00:00:00Z")).isNull();
    assertThat(InstantText.parse("2026-12-06T24:00:00Z")).isNull();
    assertThat(InstantText.parse("2026-12-06T07:31:25.Z")).isNull();
    assertThat(Json.MAPPER.treeToValue(TextNode.valueOf("+10000-01-01T00:00:00Z"), Instant.class))
        .isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
    assertThatThrownBy(() -> Json.MAPPER.treeToValue(TextNode.valueOf("2026-02-30T00:00:00Z"), Instant.class))
        .hasMessageContaining("2026-02-30");
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.longs().between(MIN, MAX);
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999)
        .map(ms -> ms * 1_000_000), Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
    return seconds.flatMap(s -> nanos.map(n -> Instant.ofEpochSecond(s, n)));
  }

  @Provide
  Arbitrary<Character> characters() {
    return Arbitraries.of('0', '1', '5', '9', ':', '-', '.', 'T', 'Z', 'z', '+', ' ', 'x', '\u0660');
  }
}
