package dev.rapport.crm.contact;

/** What the one-line text of names and addresses may not hold, checked once for both. */
final class LineText {
  private LineText() {}

  /** Whether {@code s} holds a control character or a line or paragraph separator. */
  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isControl(cp)) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }

  private static boolean isControl(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
