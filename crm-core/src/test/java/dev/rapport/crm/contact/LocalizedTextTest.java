package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalizedTextTest {
  private final ObjectMapper json = new ObjectMapper();

  private final LocalizedText name = LocalizedText.of("Huawei Technologies")
      .with("zh-Hans", "华为技术有限公司")
      .with("zh-Hant-TW", "華為技術有限公司")
      .with("ar", "هواوي")
      .with("ja", "ファーウェイ");

  @Test
  void picksTheBestVariant() {
    assertThat(name.in(Locale.forLanguageTag("zh-Hant-TW"))).isEqualTo("華為技術有限公司"); // exact
    assertThat(name.in(Locale.forLanguageTag("zh-Hans-CN"))).isEqualTo("华为技术有限公司"); // language + script
    assertThat(name.in(Locale.forLanguageTag("ja-JP"))).isEqualTo("ファーウェイ");           // language
    assertThat(name.in(Locale.forLanguageTag("ar-EG"))).isEqualTo("هواوي");
    assertThat(name.in(Locale.GERMANY)).isEqualTo("Huawei Technologies");                  // default
  }

  @Test
  void canonicalisesTagsAndKeepsTheMapImmutable() {
    LocalizedText t = new LocalizedText(" Acme ", Map.of("ZH-hans-cn", " 阿克米 "));
    assertThat(t.defaultValue()).isEqualTo("Acme");
    assertThat(t.variants()).containsExactly(Map.entry("zh-Hans-CN", "阿克米"));
    assertThatThrownBy(() -> t.variants().put("en", "x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void reportsEveryViolation() {
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("english", "Acme");
    variants.put("zh_CN", "阿克米");
    variants.put("ja", "ア".repeat(301));
    variants.put("en", "line\nbreak");
    variants.put("EN", "Acme");
    ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
        () -> new LocalizedText("  ", variants));
    assertThat(e.violations()).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
        tuple("default", "text.blank"),
        tuple("variants.english", "text.locale"),
        tuple("variants.zh_CN", "text.locale"),
        tuple("variants.ja", "text.length"),
        tuple("variants.en", "text.control"),
        tuple("variants.EN", "text.locale"));
  }

  @Test
  void serializesWithDefaultAndVariants() throws Exception {
    String text = json.writeValueAsString(name);
    assertThat(json.readTree(text).get("default").asText()).isEqualTo("Huawei Technologies");
    assertThat(json.readTree(text).get("variants").get("zh-Hans").asText()).isEqualTo("华为技术有限公司");
    assertThat(json.readValue(text, LocalizedText.class)).isEqualTo(name);
    assertThat(json.readValue("{\"default\":\"Acme\"}", LocalizedText.class)).isEqualTo(LocalizedText.of("Acme"));
  }
}
