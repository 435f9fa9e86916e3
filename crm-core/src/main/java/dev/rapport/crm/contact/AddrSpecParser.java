package dev.rapport.crm.contact;

import dev.rapport.crm.store.TextRules;
import org.jspecify.annotations.Nullable;

/**
 * A recursive-descent parser for the RFC 5322 {@code addr-spec} (section 3.4.1), including the obsolete forms of
 * section 4.4 ({@code obs-local-part}, {@code obs-domain}, {@code obs-FWS}, {@code obs-qtext}, {@code obs-qp},
 * {@code obs-ctext}, {@code obs-dtext}), comments and folding white space.
 *
 * <p>It returns the address with every comment and every piece of folding white space outside quoted strings and
 * domain literals removed (they carry no meaning, RFC 5322 section 3.2.2), and with line folds (CRLF) inside them
 * unfolded. Quoted strings, quoted pairs and domain literals are kept as written.
 *
 * <p>RFC 6532 (internationalised e-mail) extends {@code atext}, {@code qtext} and {@code ctext} with any non-ASCII
 * UTF-8 character; we take that extension for the local part, quoted strings, comments and the labels of a domain
 * name, but only for characters that show: letters, marks, digits, punctuation and symbols of any script. Controls,
 * format characters (bidirectional controls, zero-width joiners, the soft hyphen), separators such as U+3000,
 * surrogates, private-use and unassigned code points are refused. Quoted pairs and domain literals stay ASCII: a
 * backslash before a non-ASCII character has no use (isemail refuses it) and a literal is an IP address.
 *
 * <p>One rule is stricter than the bare grammar, because isemail (our reference suite) and every mail system apply it:
 * a label of a dot-atom domain may not start or end with a hyphen (RFC 1035 / RFC 5321 {@code sub-domain}).
 * What else a host name may hold (letters, digits, hyphens), its A-label form and the length limits are checked by
 * {@link EmailAddress} on the result.
 */
final class AddrSpecParser {
  private static final char CR = '\r';
  private static final char LF = '\n';

  private final String s;
  private int pos;

  private AddrSpecParser(String s) {
    this.s = s;
  }

  /** The canonical local part and domain; the domain keeps its brackets when it is a literal. */
  record Parsed(String localPart, String domain, boolean domainLiteral) {}

  /** A syntax error with a human message naming the position. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  static Parsed parse(String address) throws SyntaxError {
    return new AddrSpecParser(address).addrSpec();
  }

  private Parsed addrSpec() throws SyntaxError {
    String local = localPart();
    expect('@', "'@' after the local part");
    Parsed domain = domain(local);
    if (pos != s.length()) {
      throw error("unexpected " + describe(s, pos) + " after the domain");
    }
    return domain;
  }

  // local-part = dot-atom / quoted-string / obs-local-part; obs-local-part = word *("." word), which also covers
  // the other two. CFWS may surround every word.
  private String localPart() throws SyntaxError {
    StringBuilder out = new StringBuilder();
    while (true) {
      cfws();
      if (peek() == '"') {
        quotedString(out);
      } else {
        atom(out, "local part");
      }
      cfws();
      if (peek() != '.') {
        return out.toString();
      }
      pos++;
      out.append('.');
    }
  }

  private Parsed domain(String local) throws SyntaxError {
    cfws();
    if (peek() == '[') {
      StringBuilder out = new StringBuilder();
      domainLiteral(out);
      cfws();
      return new Parsed(local, out.toString(), true);
    }
    // dot-atom / obs-domain = atom *("." atom), CFWS allowed around each atom.
    StringBuilder out = new StringBuilder();
    while (true) {
      int labelStart = out.length();
      atom(out, "domain");
      if (out.charAt(labelStart) == '-' || out.charAt(out.length() - 1) == '-') {
        throw error("a domain label may not start or end with '-'");
      }
      cfws();
      if (peek() != '.') {
        return new Parsed(local, out.toString(), false);
      }
      pos++;
      out.append('.');
      cfws();
    }
  }

  private void atom(StringBuilder out, String where) throws SyntaxError {
    int start = pos;
    while (pos < s.length() && (isAtext(s.charAt(pos)) || isUtf8NonAscii(s.codePointAt(pos)))) {
      pos += Character.charCount(s.codePointAt(pos));
    }
    if (pos == start) {
      throw error(pos < s.length()
          ? "unexpected " + describe(s, pos) + " in the " + where
          : "the " + where + " ends where a word was expected");
    }
    out.append(s, start, pos);
  }

  private void quotedString(StringBuilder out) throws SyntaxError {
    out.append('"');
    pos++;
    while (true) {
      if (pos >= s.length()) {
        throw error("unclosed quoted string");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        out.append('"');
        return;
      } else if (c == '\\') {
        quotedPair(out);
      } else if (isWsp(c) || c == CR) {
        fws(out);
      } else if (isQtext(c) || isUtf8NonAscii(s.codePointAt(pos))) {
        int end = pos + Character.charCount(s.codePointAt(pos));
        out.append(s, pos, end);
        pos = end;
      } else {
        throw error("unexpected " + describe(s, pos) + " in a quoted string");
      }
    }
  }

  private void domainLiteral(StringBuilder out) throws SyntaxError {
    out.append('[');
    pos++;
    while (true) {
      if (pos >= s.length()) {
        throw error("unclosed domain literal");
      }
      char c = s.charAt(pos);
      if (c == ']') {
        pos++;
        out.append(']');
        return;
      } else if (c == '\\') {
        quotedPair(out); // obs-dtext
      } else if (isWsp(c) || c == CR) {
        fws(out);
      } else if (isDtext(c)) {
        out.append(c);
        pos++;
      } else {
        throw error("unexpected " + describe(s, pos) + " in a domain literal");
      }
    }
  }

  // quoted-pair = ("\" (VCHAR / WSP)) / obs-qp; obs-qp = "\" (%d0 / obs-NO-WS-CTL / LF / CR)
  private void quotedPair(StringBuilder out) throws SyntaxError {
    if (pos + 1 >= s.length()) {
      throw error("the address ends with a backslash");
    }
    char c = s.charAt(pos + 1);
    if (c > 127) {
      throw error("a backslash may only quote an ASCII character, not " + describe(s, pos + 1));
    }
    out.append('\\').append(c);
    pos += 2;
  }

  // CFWS = (1*([FWS] comment) [FWS]) / FWS
  private void cfws() throws SyntaxError {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (isWsp(c) || c == CR) {
        fws(null);
      } else if (c == '(') {
        comment();
      } else {
        return;
      }
    }
  }

  /**
   * Folding white space, including obs-FWS: a run of WSP in which every CRLF is followed by at least one WSP.
   * Appends the unfolded white space to {@code out} when given (inside quoted strings and domain literals).
   */
  private void fws(@Nullable StringBuilder out) throws SyntaxError {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (isWsp(c)) {
        if (out != null) {
          out.append(c);
        }
        pos++;
      } else if (c == CR) {
        if (pos + 1 >= s.length() || s.charAt(pos + 1) != LF) {
          throw error("a CR must be followed by LF");
        }
        if (pos + 2 >= s.length() || !isWsp(s.charAt(pos + 2))) {
          throw error("a line fold (CRLF) must be followed by a space or tab");
        }
        pos += 2;
      } else {
        return;
      }
    }
  }

  // comment = "(" *([FWS] ccontent) [FWS] ")"; ccontent = ctext / quoted-pair / comment
  private void comment() throws SyntaxError {
    pos++;
    StringBuilder ignored = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unclosed comment");
      }
      char c = s.charAt(pos);
      if (c == ')') {
        pos++;
        return;
      } else if (c == '(') {
        comment();
      } else if (c == '\\') {
        quotedPair(ignored);
      } else if (isWsp(c) || c == CR) {
        fws(null);
      } else if (isCtext(c) || isUtf8NonAscii(s.codePointAt(pos))) {
        pos += Character.charCount(s.codePointAt(pos));
      } else {
        throw error("unexpected " + describe(s, pos) + " in a comment");
      }
    }
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private void expect(char c, String what) throws SyntaxError {
    if (pos >= s.length() || s.charAt(pos) != c) {
      throw error("expected " + what + (pos < s.length() ? ", found " + describe(s, pos) : ""));
    }
    pos++;
  }

  private SyntaxError error(String message) {
    return new SyntaxError(message + " (at position " + pos + ")");
  }

  /** The character at {@code at} by its code point (an emoji is one character, not two surrogate halves). */
  private static String describe(String s, int at) {
    int cp = s.codePointAt(at);
    return cp >= 33 && cp <= 126 ? "'" + (char) cp + "'" : TextRules.describe(cp);
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  // obs-NO-WS-CTL = %d1-8 / %d11 / %d12 / %d14-31 / %d127
  private static boolean isObsNoWsCtl(char c) {
    return (c >= 1 && c <= 8) || c == 11 || c == 12 || (c >= 14 && c <= 31) || c == 127;
  }

  // atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" / "=" / "?" / "^" / "_" / "`"
  //       / "{" / "|" / "}" / "~"
  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }

  // qtext = %d33 / %d35-91 / %d93-126 / obs-qtext
  private static boolean isQtext(char c) {
    return c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126) || isObsNoWsCtl(c);
  }

  // ctext = %d33-39 / %d42-91 / %d93-126 / obs-ctext
  private static boolean isCtext(char c) {
    return (c >= 33 && c <= 39) || (c >= 42 && c <= 91) || (c >= 93 && c <= 126) || isObsNoWsCtl(c);
  }

  /**
   * RFC 6532's {@code UTF8-non-ascii}, limited to characters that show (see the class notes). Java strings are
   * always UTF-16, so "valid UTF-8" here means "not an unpaired surrogate", which {@code SURROGATE} refuses.
   */
  static boolean isUtf8NonAscii(int cp) {
    if (cp < 0x80) {
      return false;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }

  // dtext = %d33-90 / %d94-126 / obs-dtext
  private static boolean isDtext(char c) {
    return (c >= 33 && c <= 90) || (c >= 94 && c <= 126) || isObsNoWsCtl(c);
  }
}
