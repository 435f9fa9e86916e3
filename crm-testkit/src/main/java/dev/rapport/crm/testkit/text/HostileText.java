package dev.rapport.crm.testkit.text;

import java.util.List;

/**
 * A corpus of text that stores tend to change silently, for tests of anything that takes strings from users: values
 * Rapport refuses (with the rule that refuses them) and values every store must keep and match exactly.
 */
public final class HostileText {
  private HostileText() {}

  /** A value refused, and the rule of the violation that refuses it ({@code text.surrogate} and so on). */
  public record Refused(String value, String rule, String what) {
    @Override
    public String toString() {
      return what;
    }
  }

  /** Every kind of text no store keeps exactly, or that lets a record display as something it is not. */
  public static List<Refused> refused() {
    return List.of(
        new Refused("a\uD800b", "text.surrogate", "lone high surrogate"),
        new Refused("a\uDC00b", "text.surrogate", "lone low surrogate"),
        new Refused("\uDBFF", "text.surrogate", "high surrogate alone at the end"),
        new Refused("\uDC00\uD800", "text.surrogate", "surrogates in the wrong order"),
        new Refused("a\u0000b", "text.control", "NUL"),
        new Refused("bell\u0007", "text.control", "BEL"),
        new Refused("esc\u001B[31mred", "text.control", "ESC (terminal escape)"),
        new Refused("vt\u000B", "text.control", "vertical tab"),
        new Refused("del\u007F", "text.control", "DEL"),
        new Refused("next\u0085line", "text.control", "C1 NEXT LINE"),
        new Refused("csi\u009B", "text.control", "C1 CSI"),
        new Refused("evil\u202Etxt.exe", "text.bidi", "RIGHT-TO-LEFT OVERRIDE"),
        new Refused("\u202Aembed\u202C", "text.bidi", "LEFT-TO-RIGHT EMBEDDING"),
        new Refused("\u2066isolate\u2069", "text.bidi", "LEFT-TO-RIGHT ISOLATE"),
        new Refused("mark\u200F", "text.bidi", "RIGHT-TO-LEFT MARK"),
        new Refused("mark\u200E", "text.bidi", "LEFT-TO-RIGHT MARK"),
        new Refused("mark\u061C", "text.bidi", "ARABIC LETTER MARK"));
  }

  /**
   * Text that must come back exactly as written and match itself in every criteria form: scripts, emoji sequences,
   * combining marks, zero-width characters, noncharacters, the edges of code-point order, whitespace that is not a
   * control, and values that mean something to SQL, to MongoDB or to a LIKE pattern. All at most 255 UTF-16 units,
   * so each fits an index.
   */
  public static List<String> kept() {
    return List.of(
        "王伟", "上海华信贸易有限公司", "佐藤 翔太", "김민준", "Zoë Ω", "Ærøskøbing", "İstanbul ı",
        "עברית", "العربية", "हिन्दी", "ไทย", "Ελληνικά",
        "👩\u200D👩\u200D👧 family", "🇨🇳🇯🇵", "👍🏽", "\uD83D\uDE00",
        "zero\u200Bwidth", "join\u200Cnon", "soft\u00ADhyphen", "bom\uFEFFinside", "nbsp\u00A0space",
        "line\u2028sep", "tab\there", "two\nlines", "cr\r\nlf",
        "edge\uFFFF", "\uFDD0nonchar", "plane16\uDBFF\uDFFF", "plane1\uD800\uDC00", "\uFFFD replacement",
        "O'Brien; DROP TABLE customers; --", "100% _match_ \\ [x]", "{\"$where\": \"1 == 1\"}", "$gt", "a.b.c",
        "  padded  ", "Z", "a", "~", "\u00E9", "e\u0301",
        "x".repeat(255), "😀".repeat(127));
  }

  /** A value of {@code length} UTF-16 units of mixed scripts, for fields that are stored but not indexed. */
  public static String longText(int length) {
    int[] unit = "Rapport 王伟 Ελληνικά 😀 ".codePoints().toArray();
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; sb.length() < length; i++) {
      int cp = unit[i % unit.length];
      sb.appendCodePoint(sb.length() + Character.charCount(cp) > length ? 'x' : cp);
    }
    return sb.toString();
  }
}
