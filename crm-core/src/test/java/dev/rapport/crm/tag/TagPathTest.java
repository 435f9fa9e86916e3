package dev.rapport.crm.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagPathTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void normalisesAndSplits() {
    TagPath t = TagPath.of("  Segment/VIP/Gold ");
    assertThat(t.value()).isEqualTo("segment/vip/gold");
    assertThat(t.segments()).containsExactly("segment", "vip", "gold");
    assertThat(t.depth()).isEqualTo(3);
    assertThat(t.parent()).contains(TagPath.of("segment/vip"));
    assertThat(TagPath.of("segment").parent()).isEmpty();
    assertThat(TagPath.of("segment/vip").child("gold")).isEqualTo(t);
  }

  @ParameterizedTest
  @ValueSource(strings = {"客户/重要", "عملاء/مهم", "клиенты/важные", "ग्राहक/महत्वपूर्ण", "ลูกค้า/สำคัญ", "region_2/north-east"})
  void acceptsAnyScript(String raw) {
    assertThat(TagPath.of(raw).segments()).hasSize(2);
  }

  @Test
  void isWithinRespectsSegmentBoundaries() {
    TagPath gold = TagPath.of("segment/vip/gold");
    assertThat(gold.isWithin(TagPath.of("segment/vip"))).isTrue();
    assertThat(gold.isWithin(TagPath.of("segment"))).isTrue();
    assertThat(gold.isWithin(gold)).isTrue();
    assertThat(gold.isWithin(TagPath.of("segment/vi"))).isFalse();
    assertThat(TagPath.of("segment/vip").isWithin(gold)).isFalse();
    assertThat(TagPath.of("客户/重要").isWithin(TagPath.of("客户"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "/a", "a/", "a//b", "a b", "a.b", "a/b!", "\u0301a"})
  void rejectsMalformedTags(String raw) {
    assertThatThrownBy(() -> TagPath.of(raw)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.violations()).allSatisfy(v -> assertThat(v.path()).isEmpty()));
  }

  @Test
  void reportsEveryViolationAtOnce() {
    String tooDeep = String.join("/", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i"));
    ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
        () -> TagPath.of(tooDeep + "/" + "x".repeat(41) + "/" + "y".repeat(150) + "/bad tag"));
    assertThat(e.violations()).extracting(Violation::rule)
        .containsExactlyInAnyOrder("tag.depth", "tag.length", "tag.segment", "tag.segment", "tag.segment");
  }

  @Test
  void serializesAsAString() throws Exception {
    TagPath t = TagPath.of("客户/重要");
    assertThat(json.writeValueAsString(t)).isEqualTo("\"客户/重要\"");
    assertThat(json.readValue("\"客户/重要\"", TagPath.class)).isEqualTo(t);
  }

  @Property
  void isWithinIsReflexive(@ForAll("tags") TagPath t) {
    assertThat(t.isWithin(t)).isTrue();
  }

  @Property
  void isWithinIsTransitiveAndMatchesSegmentPrefixes(@ForAll("tags") TagPath a, @ForAll("tags") TagPath b,
      @ForAll("tags") TagPath c) {
    if (a.isWithin(b) && b.isWithin(c)) {
      assertThat(a.isWithin(c)).isTrue();
    }
    boolean segmentPrefix = b.depth() <= a.depth() && a.segments().subList(0, b.depth()).equals(b.segments());
    assertThat(a.isWithin(b)).isEqualTo(segmentPrefix);
  }

  @Property
  void everyAncestorContainsItsDescendants(@ForAll("tags") TagPath t) {
    TagPath current = t;
    while (current.parent().isPresent()) {
      TagPath parent = current.parent().get();
      assertThat(t.isWithin(parent)).isTrue();
      assertThat(parent.isWithin(t)).isFalse();
      current = parent;
    }
  }

  @Provide
  Arbitrary<TagPath> tags() {
    // a tiny alphabet so that shared prefixes (and near-misses like "a" vs "ab") are frequent
    Arbitrary<String> segment = Arbitraries.strings().withChars("ab客_").ofMinLength(1).ofMaxLength(3);
    return segment.list().ofMinSize(1).ofMaxSize(4).map(s -> TagPath.of(String.join("/", s)));
  }
}
