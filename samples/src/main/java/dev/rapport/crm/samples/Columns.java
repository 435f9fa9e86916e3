package dev.rapport.crm.samples;

/**
 * Terminal columns for the sample's tables: a CJK ideograph, kana, hangul, a fullwidth form or an emoji takes two
 * columns, a combining mark or a format character none (the East Asian Width rule of UAX #11, by block, which is
 * what terminals do for these scripts). Padding by {@code String.length()} misaligns every Chinese and Japanese
 * name.
 */
final class Columns {
  private Columns() {}

  /** How many terminal columns {@code s} takes. */
  static int width(String s) {
    return s.codePoints().map(Columns::width).sum();
  }

  /** {@code s} cut to at most {@code columns} (ending in … when cut) and padded with spaces to exactly that. */
  static String fit(String s, int columns) {
    StringBuilder out = new StringBuilder();
    int used = 0;
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int w = width(cps[i]);
      boolean last = i == cps.length - 1;
      if (used + w > columns || (!last && used + w == columns && rest(cps, i + 1) > 0)) {
        while (used > columns - 1) { // make room for the ellipsis
          int cp = out.codePointBefore(out.length());
          out.setLength(out.length() - Character.charCount(cp));
          used -= width(cp);
        }
        out.append('…');
        used++;
        break;
      }
      out.appendCodePoint(cps[i]);
      used += w;
    }
    return out + " ".repeat(Math.max(0, columns - used));
  }

  private static int rest(int[] cps, int from) {
    int w = 0;
    for (int i = from; i < cps.length; i++) {
      w += width(cps[i]);
    }
    return w;
  }

  static int width(int cp) {
    int type = Character.getType(cp);
    if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
        || cp == 0x200B) {
      return 0;
    }
    boolean wide = (cp >= 0x1100 && cp <= 0x115F)      // Hangul Jamo initials
        || (cp >= 0x2E80 && cp <= 0x303E)              // CJK radicals, symbols and punctuation
        || (cp >= 0x3041 && cp <= 0x33FF)              // kana, bopomofo, CJK compatibility
        || (cp >= 0x3400 && cp <= 0x4DBF)              // CJK extension A
        || (cp >= 0x4E00 && cp <= 0x9FFF)              // CJK unified ideographs
        || (cp >= 0xA000 && cp <= 0xA4CF)              // Yi
        || (cp >= 0xAC00 && cp <= 0xD7A3)              // Hangul syllables
        || (cp >= 0xF900 && cp <= 0xFAFF)              // CJK compatibility ideographs
        || (cp >= 0xFE30 && cp <= 0xFE4F)              // CJK compatibility forms
        || (cp >= 0xFF00 && cp <= 0xFF60)              // fullwidth forms
        || (cp >= 0xFFE0 && cp <= 0xFFE6)
        || (cp >= 0x1F300 && cp <= 0x1F64F)            // pictographs, emoticons
        || (cp >= 0x1F900 && cp <= 0x1F9FF)
        || (cp >= 0x20000 && cp <= 0x3FFFD);           // CJK extensions B and beyond
    return wide ? 2 : 1;
  }
}
