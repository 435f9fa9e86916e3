package dev.rapport.crm.contact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.internal.StoredRead;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A telephone number, held in E.164 form ({@code +8613912345678}) and valid by Google libphonenumber's metadata
 * ({@code isValidNumber}: right length and number range for its region, not merely possible).
 *
 * <pre>{@code
 * PhoneNumber.parse("139 1234 5678", "CN").e164();          // +8613912345678
 * PhoneNumber.parse("+44 20 7946 0018", null).regionCode();  // GB
 * PhoneNumber.of("+8613912345678").masked();                 // +86 *** **** 5678
 * }</pre>
 *
 * <p>E.164 has no extensions, so a number with one ({@code ext. 12}) is rejected rather than silently shortened.
 * Violations (path {@code ""}): {@code phone.invalid}.
 *
 * <p>A number read by someone whose field access masks phones is a <em>masked</em> number: its text is the masked
 * form ({@code +86 *** **** 5678}), {@link #isMasked()} is true, and it formats as that text. No E.164 number
 * contains {@code *}, so the two can never be confused, in memory or in JSON.
 */
public record PhoneNumber(String e164) {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  /**
   * E.164 strings already proven canonical and valid. Every customer read rebuilds its numbers through the
   * constructor, and a parse proves its result once more there; libphonenumber's parse and validity check cost tens
   * of microseconds, its metadata never changes in a running JVM, so a proof is kept (bounded).
   */
  private static final Cache<String, Boolean> PROVEN = CacheBuilder.newBuilder().maximumSize(16_384).build();
  /** The E.164 string {@link #parse} has just proven on this thread (compared by identity), for the constructor. */
  private static final ThreadLocal<String> JUST_PARSED = new ThreadLocal<>();
  private static final int VISIBLE_DIGITS = 4;

  /** Accepts only the canonical E.164 form (or a masked form); use {@link #parse} for anything a person typed. */
  public PhoneNumber {
    Objects.requireNonNull(e164, "e164");
    // a stored number was canonical when it was written (StoredRead)
    if (JUST_PARSED.get() != e164 && !StoredRead.active() && !isMaskedForm(e164)
        && PROVEN.getIfPresent(e164) == null) {
      Phonenumber.PhoneNumber parsed = parseValid(e164, null);
      String canonical = UTIL.format(parsed, PhoneNumberFormat.E164);
      if (!canonical.equals(e164)) {
        throw invalid("'" + e164 + "' is not in E.164 form; did you mean " + canonical + "?");
      }
      PROVEN.put(e164, Boolean.TRUE);
    }
  }

  /** The JSON creator: an E.164 string. */
  @JsonCreator
  public static PhoneNumber of(String e164) {
    return new PhoneNumber(e164);
  }

  /**
   * Parses a number as people write it: international ({@code +86 139-1234-5678}, {@code 0086...} needs a region)
   * or national with {@code defaultRegion} ({@code 0139 1234 5678}, region {@code CN}).
   *
   * @param defaultRegion ISO 3166-1 alpha-2 region for numbers written without a country code; may be null when the
   *     text starts with '+'
   * @throws ValidationException rule {@code phone.invalid}, path {@code ""}
   */
  public static PhoneNumber parse(String text, @Nullable String defaultRegion) {
    Objects.requireNonNull(text, "text");
    String region = defaultRegion == null ? null : defaultRegion.trim().toUpperCase(Locale.ROOT);
    if (region != null && !UTIL.getSupportedRegions().contains(region)) {
      throw invalid("'" + defaultRegion + "' is not a region libphonenumber knows (ISO 3166-1 alpha-2 expected)");
    }
    PhoneNumber compact = parseCompact(text, region);
    if (compact != null) {
      return compact;
    }
    String e164 = UTIL.format(parseValid(text, region), PhoneNumberFormat.E164);
    return proven(e164);
  }

  /**
   * The international form people write most ({@code +34 612 34 53 80}, {@code +1-202-555-0143}) read through
   * libphonenumber as its digits alone ({@code +34612345380}), or null when it is not that form or is refused (then
   * the text is parsed as given, which names the reason). libphonenumber reads nothing but the digits of such a text
   * (there is no room in it for an extension, a second number, letters or a national prefix in parentheses), and
   * without its spaces its regular expressions (extension, viability) cost a fifth less.
   */
  private static @Nullable PhoneNumber parseCompact(String text, @Nullable String region) {
    int n = text.length();
    if (n < 2 || text.charAt(0) != '+' || !isDigit(text.charAt(1)) || !isDigit(text.charAt(n - 1))) {
      return null;
    }
    StringBuilder digits = new StringBuilder(n).append('+');
    for (int i = 1; i < n; i++) {
      char c = text.charAt(i);
      if (isDigit(c)) {
        digits.append(c);
      } else if ((c != ' ' && c != '-') || !isDigit(text.charAt(i - 1))) {
        return null; // only single spaces or hyphens between digits
      }
    }
    Phonenumber.PhoneNumber number;
    try {
      number = UTIL.parse(digits, region);
    } catch (NumberParseException e) {
      return null;
    }
    if (number.hasExtension() || !UTIL.isValidNumber(number)) {
      return null;
    }
    return proven(UTIL.format(number, PhoneNumberFormat.E164));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A number whose E.164 form {@code e164} was just proven by a parse on this thread. */
  private static PhoneNumber proven(String e164) {
    // a valid number's E.164 form is canonical: the constructor need not parse it again (without this, only a
    // number seen before, in the proof cache, would skip that second parse)
    JUST_PARSED.set(e164);
    try {
      return new PhoneNumber(e164);
    } finally {
      JUST_PARSED.remove();
    }
  }

  @JsonValue
  @Override
  public String e164() {
    return e164;
  }

  /** Whether this is a masked number (see the class notes): its digits are partly hidden and cannot be dialled. */
  public boolean isMasked() {
    return isMaskedForm(e164);
  }

  /**
   * Whether {@code text} is the masked form of a number: {@code +}, digits, spaces and {@code -}, with at least one
   * {@code *} (which no E.164 number contains).
   */
  public static boolean isMaskedForm(String text) {
    if (text.indexOf('*') < 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c == '*' || c == '+' || c == ' ' || c == '-' || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /** The ISO 3166-1 alpha-2 region the number belongs to, or {@code 001} for non-geographic numbers (+800 …). */
  public String regionCode() {
    if (isMasked()) {
      int cc = countryCode();
      return cc == 0 ? "ZZ" : UTIL.getRegionCodeForCountryCode(cc);
    }
    String region = UTIL.getRegionCodeForNumber(number());
    return region == null ? "ZZ" : region;
  }

  /** The country calling code, e.g. 86. */
  public int countryCode() {
    if (isMasked()) {
      // the masked form keeps the country code: "+86 *** ..."
      int end = 1;
      while (end < e164.length() && Character.isDigit(e164.charAt(end))) {
        end++;
      }
      return e164.startsWith("+") && end > 1 ? Integer.parseInt(e164.substring(1, end)) : 0;
    }
    return number().getCountryCode();
  }

  /** Formatted for display across borders, e.g. {@code +86 139 1234 5678}. */
  public String international() {
    if (isMasked()) {
      return e164;
    }
    return UTIL.format(number(), PhoneNumberFormat.INTERNATIONAL);
  }

  /** Formatted as dialled within its own country, e.g. {@code 139 1234 5678} or {@code 020 7946 0018}. */
  public String national() {
    if (isMasked()) {
      return e164;
    }
    return UTIL.format(number(), PhoneNumberFormat.NATIONAL);
  }

  /**
   * The international form with every digit of the national number hidden except the last four, e.g.
   * {@code +86 *** **** 5678}. For short numbers at most half of the national digits stay visible, so a masked
   * number never gives most of it away.
   */
  public String masked() {
    if (isMasked()) {
      return e164;
    }
    String formatted = international();
    String prefix = "+" + countryCode();
    String rest = formatted.substring(prefix.length());
    long digits = rest.chars().filter(Character::isDigit).count();
    long visible = Math.min(VISIBLE_DIGITS, digits / 2);
    StringBuilder out = new StringBuilder(prefix);
    long seen = 0;
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (Character.isDigit(c)) {
        out.append(seen < digits - visible ? '*' : c);
        seen++;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return e164;
  }

  private Phonenumber.PhoneNumber number() {
    try {
      return UTIL.parse(e164, null);
    } catch (NumberParseException e) {
      throw new IllegalStateException("a validated E.164 number no longer parses: " + e164, e);
    }
  }

  private static Phonenumber.PhoneNumber parseValid(String text, @Nullable String region) {
    Phonenumber.PhoneNumber number;
    try {
      number = UTIL.parse(text, region);
    } catch (NumberParseException e) {
      throw invalid("'" + text + "' is not a phone number: " + e.getMessage());
    }
    if (number.hasExtension()) {
      throw invalid("'" + text + "' has an extension, which E.164 cannot hold");
    }
    if (!UTIL.isValidNumber(number)) {
      throw invalid("'" + text + "' is not a valid number"
          + (region == null ? "" : " for region " + region));
    }
    return number;
  }

  private static ValidationException invalid(String message) {
    return ValidationException.of("", "phone.invalid", message);
  }
}
