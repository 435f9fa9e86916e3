package dev.rapport.crm.internal.text;

import dev.rapport.crm.error.ValidationException.Violation;
import java.util.Optional;

/**
 * The character rules behind {@code dev.rapport.crm.store.TextRules}, in a package of their own so that types the
 * store depends on (the actor) can apply them too without a package cycle.
 */
public final class Characters {
  private Characters() {}

  /** The first problem of {@code value} as a violation at {@code path}; bidi controls pass when allowed. */
  public static Optional<Violation> check(String path, String value, boolean bidiAllowed) {
    for (int i = 0; i < value.length(); ) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        i++; // printable ASCII
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i += 2;
        continue;
      }
      if (Character.isSurrogate(c)) {
        return Optional.of(new Violation(path, "text.surrogate", "ill-formed text: an unpaired UTF-16 surrogate "
            + String.format("\\u%04X", (int) c) + " at index " + i + " (it has no UTF-8 form; no store can keep it)"));
      }
      if (isControl(c)) {
        return Optional.of(violation(path, "text.control", "control character", c, i));
      }
      if (isBidiControl(c) && !bidiAllowed) {
        return Optional.of(violation(path, "text.bidi", "bidirectional formatting control", c, i));
      }
      i++;
    }
    return Optional.empty();
  }

  /** A code point as people read it: {@code U+1F600 '😀'}, or just {@code U+202E} when it does not show. */
  public static String describe(int codePoint) {
    String hex = String.format("U+%04X", codePoint);
    boolean shows = Character.isDefined(codePoint) && !Character.isISOControl(codePoint)
        && !Character.isWhitespace(codePoint) && !isBidiControl(codePoint) && !isNoncharacter(codePoint)
        && Character.getType(codePoint) != Character.FORMAT && Character.getType(codePoint) != Character.SURROGATE;
    return shows ? hex + " '" + new String(Character.toChars(codePoint)) + "'" : hex;
  }

  private static Violation violation(String path, String rule, String what, int cp, int index) {
    return new Violation(path, rule, what + " " + describe(cp) + " at index " + index + " is not accepted in text");
  }

  public static boolean isControl(int c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
  }

  private static boolean isNoncharacter(int cp) {
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
  }

  public static boolean isBidiControl(int c) {
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
  }
}
