package dev.rapport.crm.mongo.internal;

/**
 * Encodes indexed strings so that MongoDB orders them by Unicode code point on every server.
 *
 * <p>MongoDB compares strings by their UTF-8 bytes, which is code point order. mongo-java-server (the test server)
 * compares Java strings by UTF-16 unit, which puts supplementary characters (stored as surrogates, U+D800-DFFF)
 * before U+E000-FFFF. To make one layout behave identically on both, every code point at or above U+D800 is
 * written as two units in U+E000-F0FF ({@code E000 + (cp >> 8)}, {@code E000 + (cp & 0xFF)}); the output contains
 * no surrogates, so its UTF-16, UTF-8 and code point orders all agree with the code point order of the input, and
 * a code point prefix stays a prefix. Text below U+D800 (ASCII, Latin, Cyrillic, CJK ideographs, ...) is unchanged,
 * so the stored values stay readable for most data.
 */
public final class OrderedStrings {
  private static final int BASE = 0xE000;

  private OrderedStrings() {}

  public static String encode(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) < 0xD800) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (cp < 0xD800) {
        b.append((char) cp);
      } else {
        b.append((char) (BASE + (cp >> 8))).append((char) (BASE + (cp & 0xFF)));
      }
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  public static String decode(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) < 0xD800) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length()).append(s, 0, i);
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c < 0xD800 || i + 1 >= s.length()) {
        b.append(c);
        i++;
      } else {
        b.appendCodePoint(((c - BASE) << 8) | (s.charAt(i + 1) - BASE));
        i += 2;
      }
    }
    return b.toString();
  }
}
