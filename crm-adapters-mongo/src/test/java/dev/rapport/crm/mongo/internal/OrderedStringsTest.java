package dev.rapport.crm.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.query.Values;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The stored form orders like the kernel (code points) under both UTF-16 and UTF-8 comparison, and round-trips. */
class OrderedStringsTest {
  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.strings().withCharRange('\u0000', '\uFFFF').ofMaxLength(6)
        .injectDuplicates(0.1).edgeCases(e -> e.add("\uD83D\uDE00")).filter(s -> true);
  }

  @Property(tries = 2000)
  void encodingPreservesCodePointOrderAndRoundTrips(@ForAll("strings") String a, @ForAll("strings") String b) {
    String ea = OrderedStrings.encode(a);
    String eb = OrderedStrings.encode(b);
    int expected = Integer.signum(Values.compareCodePoints(a, b));
    assertThat(Integer.signum(ea.compareTo(eb))).isEqualTo(expected);
    assertThat(Integer.signum(Arrays.compareUnsigned(ea.getBytes(StandardCharsets.UTF_8), eb.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(expected);
    assertThat(OrderedStrings.decode(ea)).isEqualTo(a);
    assertThat(ea.startsWith(OrderedStrings.encode(a.isEmpty() ? a : a.substring(0, Character.charCount(a.codePointAt(0))))))
        .isTrue();
  }

  @Property(tries = 500)
  void bodyKeysRoundTrip(@ForAll("strings") String key) {
    String escaped = BsonCodec.escape(key);
    assertThat(escaped).isNotEmpty().doesNotContain(".").doesNotStartWith("$").doesNotContain("\u0000");
    assertThat(BsonCodec.unescape(escaped)).isEqualTo(key);
  }
}
