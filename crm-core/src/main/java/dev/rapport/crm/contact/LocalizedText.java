package dev.rapport.crm.contact;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.internal.StoredRead;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A text in several languages, such as a customer's name: a default value plus variants keyed by BCP 47 language
 * tags.
 *
 * <pre>{@code
 * LocalizedText name = LocalizedText.of("Huawei Technologies Co., Ltd.")
 *     .with("zh-Hans", "华为技术有限公司")
 *     .with("ja", "ファーウェイ");
 * name.in(Locale.forLanguageTag("zh-Hans-CN"));  // 华为技术有限公司 (falls back from zh-Hans-CN to zh-Hans)
 * name.in(Locale.GERMAN);                         // the default value
 * }</pre>
 *
 * <p>Every value is trimmed, in Unicode NFC, 1 to 300 characters, without control characters. Tags must be
 * well-formed and survive a {@link Locale#forLanguageTag} round trip, with an ISO 639 language and, when present, an
 * ISO 3166 or UN M.49 region; they are stored in canonical case ({@code ZH-hans} becomes {@code zh-Hans}). The
 * variants are an immutable map sorted by tag. JSON: {@code {"default": "...", "variants": {"zh-Hans": "..."}}}.
 *
 * <p>Violations: {@code text.blank}, {@code text.length}, {@code text.control} at {@code default} or
 * {@code variants.<tag>}; {@code text.locale} at {@code variants.<tag>} for a bad or duplicate tag.
 */
public record LocalizedText(
    @JsonProperty("default") String defaultValue,
    @JsonSetter(nulls = Nulls.AS_EMPTY) Map<String, String> variants) {

  public static final int MAX_LENGTH = 300;
  private static final Set<String> ISO_LANGUAGES = Set.copyOf(Arrays.asList(Locale.getISOLanguages()));
  private static final Set<String> ISO_COUNTRIES = Set.copyOf(Arrays.asList(Locale.getISOCountries()));

  public LocalizedText {
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(variants, "variants");
    if (StoredRead.active()) {
      // stored checked and sorted by tag
      variants = variants.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(variants));
    } else {
      Violations v = new Violations();
      defaultValue = value(v, "default", defaultValue);
      Map<String, String> checked = new TreeMap<>();
      for (Map.Entry<String, String> e : variants.entrySet()) {
        String path = "variants." + e.getKey();
        String tag = canonicalTag(e.getKey());
        String text = value(v, path, Objects.requireNonNull(e.getValue(), path));
        if (tag == null) {
          v.add(path, "text.locale",
              "'" + e.getKey() + "' is not a BCP 47 language tag such as en, ja or zh-Hans-CN");
        } else if (checked.put(tag, text) != null) {
          v.add(path, "text.locale", "the language tag " + tag + " is given twice");
        }
      }
      v.throwIfAny();
      variants = Collections.unmodifiableMap(checked);
    }
  }

  /** A text with no variants. */
  public static LocalizedText of(String defaultValue) {
    return new LocalizedText(defaultValue, Map.of());
  }

  /** A copy with the variant for {@code languageTag} set (replacing any earlier one). */
  public LocalizedText with(String languageTag, String value) {
    Objects.requireNonNull(languageTag, "languageTag");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new TreeMap<>(variants);
    String tag = canonicalTag(languageTag);
    copy.put(tag != null ? tag : languageTag, value);
    return new LocalizedText(defaultValue, copy);
  }

  /**
   * The best value for {@code locale}: the variant of its exact tag, else of its language and script, else of its
   * language and region, else of its language alone, else the default value.
   */
  public String in(Locale locale) {
    Objects.requireNonNull(locale, "locale");
    String language = locale.getLanguage();
    String[] candidates = {
        locale.toLanguageTag(),
        locale.getScript().isEmpty() ? null : language + "-" + locale.getScript(),
        locale.getCountry().isEmpty() ? null : language + "-" + locale.getCountry(),
        language};
    for (String tag : candidates) {
      if (tag != null && variants.containsKey(tag)) {
        return variants.get(tag);
      }
    }
    return defaultValue;
  }

  @Override
  public String toString() {
    return defaultValue;
  }

  private static String value(Violations v, String path, String raw) {
    String s = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
    int length = s.codePointCount(0, s.length());
    if (v.require(length > 0, path, "text.blank", "may not be blank")) {
      if (length > MAX_LENGTH) {
        v.add(path, "text.length", "at most " + MAX_LENGTH + " characters, not " + length);
      }
      if (LineText.hasControl(s)) {
        v.add(path, "text.control", "may not contain control characters or line breaks");
      }
    }
    return s;
  }

  /** The canonical form of a well-formed tag with a known language (and region), or null. */
  private static @Nullable String canonicalTag(String tag) {
    Locale locale = Locale.forLanguageTag(tag.strip());
    String canonical = locale.toLanguageTag();
    if (!canonical.equalsIgnoreCase(tag.strip())) {
      return null; // forLanguageTag drops what it cannot parse, so a difference means an ill-formed tag
    }
    String language = locale.getLanguage();
    boolean knownLanguage = ISO_LANGUAGES.contains(language) || (language.length() == 3 && !language.equals("und"));
    String region = locale.getCountry();
    boolean knownRegion = region.isEmpty() || ISO_COUNTRIES.contains(region) || region.matches("\\d{3}");
    return knownLanguage && knownRegion ? canonical : null;
  }

}
