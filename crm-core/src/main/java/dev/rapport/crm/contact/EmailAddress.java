package dev.rapport.crm.contact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.internal.StoredRead;
import dev.rapport.crm.store.TextRules;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An e-mail address: an RFC 5322 {@code addr-spec} ({@code local-part@domain}), held in canonical form, with the
 * internationalised forms of RFC 6531/6532.
 *
 * <p><b>What is accepted.</b> The full RFC 5322 grammar, obsolete forms included: dot-atom or quoted-string local
 * parts ({@code "john doe"@example.com}, {@code "a"."b"@example.com}), dot-atom domains and domain literals
 * ({@code user@[192.0.2.1]}, {@code user@[IPv6:2001:db8::1]}, and any other RFC 5322 {@code dtext}), comments and
 * folding white space. Internationalised addresses too: a local part in any script ({@code 用户@example.com},
 * {@code θσερ@example.com}) and a domain name given in Unicode ({@code user@bücher.ch}, {@code 用户@例子.公司}) or in
 * its ASCII (A-label, punycode) form ({@code user@xn--bcher-kva.ch}). Non-ASCII characters must show: controls,
 * format characters (bidirectional controls, zero-width joiners), separators such as U+3000 and unassigned code
 * points are refused.
 *
 * <p><b>Host names.</b> Each label of a domain name holds letters, digits and hyphens only (RFC 1035 section 2.3.1,
 * RFC 5321 {@code Let-dig}): {@code me@at&t.net}, {@code abc@abc_def.com} and {@code joe@ap/ache.org} are refused
 * ({@code email.domain}), although RFC 5322 alone allows them, because no such host can exist. A Unicode label may
 * hold letters, combining marks and digits of any script, which is what registries allow (IDNA2008); symbols and
 * emoji ({@code ♥.com}) are refused. The labels of a domain are separated by {@code '.'}; the ideographic full stop
 * {@code '。'} is refused with a message saying so.
 *
 * <p><b>Stricter than the grammar</b>, because such an address can never be delivered, and so decided on purpose
 * although the isemail suite calls them RFC 5322-valid (see {@code EmailCorporaTest} and {@code docs/email.md}):
 * <ul>
 *   <li>the local part is at most 64 octets and the whole address at most 254 (RFC 5321 section 4.5.3.1: a path
 *       is at most 256 octets including its angle brackets), measured on the canonical form in UTF-8 (RFC 6532
 *       section 3.4) with the domain in its ASCII form;</li>
 *   <li>each label of a domain name is at most 63 octets in its ASCII form and neither starts nor ends with '-'
 *       (RFC 1035 section 2.3.4; the hyphen rule is applied by isemail too);</li>
 *   <li>host-name labels hold letters, digits and hyphens only (above).</li>
 * </ul>
 *
 * <p><b>Forms.</b> Comments and folding white space carry no meaning (RFC 5322 section 3.2.2), so they are
 * removed: {@code new EmailAddress(" (work) john.doe @ Example.COM ").value()} is {@code john.doe@Example.COM}.
 * Otherwise the address is kept exactly as given, and that is what the JSON form and the stored record hold.
 * <ul>
 *   <li>{@link #value()}: the address as given (canonical). {@code user@Bücher.ch} stays {@code user@Bücher.ch}.</li>
 *   <li>{@link #normalized()}: the form to index and compare, used for uniqueness and search: the domain in its
 *       lower-case ASCII form ({@code java.net.IDN.toASCII}) and the local part in Unicode NFC (RFC 6532 section 3.1
 *       recommends NFC; its case is kept, since a local part is case-sensitive per RFC 5321).
 *       {@code user@Bücher.ch}, {@code user@bücher.ch} and {@code user@XN--BCHER-KVA.ch} all give
 *       {@code user@xn--bcher-kva.ch}.</li>
 *   <li>{@link #unicode()}: the form to show a person: A-labels of the domain shown in Unicode, everything else as
 *       given. {@code user@xn--bcher-kva.ch} shows as {@code user@bücher.ch}.</li>
 * </ul>
 *
 * <p>The domain is converted with the JDK's {@link IDN} (IDNA2003, RFC 3490), not IDNA2008 (ICU4J, a dependency of
 * several megabytes). For the labels accepted here (letters, marks and digits) the two agree except on a few
 * characters that IDNA2003 maps and IDNA2008 keeps: {@code ß} and the final {@code ς} become {@code ss} and
 * {@code σ}, so {@code user@faß.de} is indexed as {@code user@fass.de} and the two compare as one address (today's
 * registries of {@code .de} and {@code .gr} treat them as distinct names). Characters newer than Unicode 3.2 are
 * converted as they are, without IDNA2003's case folding. A label whose ASCII form would be over 63 octets is
 * refused by {@link IDN} itself, with its message ({@code email.domain}).
 *
 * <p>Violations (path {@code ""}; the caller prefixes the field, e.g. {@code emails[0]}): {@code email.syntax},
 * {@code email.domain}, {@code email.length}.
 *
 * <p>An address read by someone whose field access masks e-mail is a <em>masked</em> address: {@link #isMasked()}
 * is true and {@link #value()} is the masked text ({@code j***@example.com}), which is not checked as an address.
 * Its JSON form is {@code {"masked": "j***@example.com"}}, so a masked address never reads back as a real one.
 *
 * @param isMasked true for a masked address (see above)
 */
public record EmailAddress(String value, boolean isMasked) {
  /** RFC 5321 section 4.5.3.1.1, in octets. */
  public static final int MAX_LOCAL_PART_LENGTH = 64;
  /** RFC 5321 section 4.5.3.1.3 (256-octet path minus the angle brackets), in octets. */
  public static final int MAX_LENGTH = 254;
  /** RFC 1035 section 2.3.4, in octets of the ASCII form. */
  public static final int MAX_LABEL_LENGTH = 63;
  // the full stops IDNA (RFC 3490 section 3.1) reads as '.'
  private static final String IDEOGRAPHIC_DOTS = "\u3002\uFF0E\uFF61";

  public EmailAddress {
    Objects.requireNonNull(value, "value");
    if (!isMasked && !StoredRead.active()) {
      AddrSpecParser.Parsed parsed;
      try {
        parsed = AddrSpecParser.parse(value);
      } catch (AddrSpecParser.SyntaxError e) {
        throw ValidationException.of("", "email.syntax", "not an e-mail address: " + e.getMessage());
      }
      Violations v = new Violations();
      String domain = parsed.domainLiteral() ? parsed.domain() : asciiDomain(parsed.domain(), v);
      int localOctets = octets(parsed.localPart());
      int length = localOctets + 1 + domain.length();
      // messages are built only for a broken rule
      if (localOctets > MAX_LOCAL_PART_LENGTH) {
        v.add("", "email.length",
            "the local part has " + localOctets + " octets, at most " + MAX_LOCAL_PART_LENGTH + " are allowed");
      }
      if (length > MAX_LENGTH) {
        v.add("", "email.length", "the address has " + length + " octets, at most " + MAX_LENGTH + " are allowed");
      }
      v.throwIfAny();
      value = parsed.localPart() + "@" + parsed.domain();
    }
  }

  /** Checks and canonicalises an address; see the class notes for the rules. */
  public EmailAddress(String value) {
    this(value, false);
  }

  /** Same as the constructor. */
  public static EmailAddress of(String value) {
    return new EmailAddress(value);
  }

  /** A masked address showing {@code text}; see the class notes. */
  public static EmailAddress masked(String text) {
    return new EmailAddress(text, true);
  }

  /** The JSON creator: an address as a string, or a masked one as {@code {"masked": text}}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static EmailAddress fromJson(JsonNode json) {
    if (json.isObject() && json.has("masked")) {
      return masked(json.get("masked").asText());
    }
    if (!json.isTextual()) {
      throw ValidationException.of("", "email.syntax", "not an e-mail address: " + json);
    }
    return of(json.asText());
  }

  @JsonValue
  Object toJson() {
    return isMasked ? Map.of("masked", value) : value;
  }

  /** The canonical address, or the masked text of a masked one. */
  @Override
  public String value() {
    return value;
  }

  /** The part before the last '@', as written in canonical form (a quoted local part keeps its quotes). */
  public String localPart() {
    return value.substring(0, atIndex());
  }

  /** The part after the '@'; a domain literal keeps its brackets. */
  public String domain() {
    return value.substring(atIndex() + 1);
  }

  /**
   * The form to index and compare, the key for uniqueness and lookup: the local part in Unicode NFC, the domain in
   * its lower-case ASCII form ({@code user@Bücher.ch} gives {@code user@xn--bcher-kva.ch}); a domain literal is
   * lower-cased. Criteria on the customers' e-mail field are compared with this form.
   */
  public String normalized() {
    String domain = domain();
    if (!isMasked && !hasDomainLiteral()) {
      domain = asciiDomain(domain, new Violations());
    }
    return Normalizer.normalize(localPart(), Normalizer.Form.NFC) + "@" + domain.toLowerCase(Locale.ROOT);
  }

  /**
   * The form to show a person: each A-label of the domain ({@code xn--…}) in Unicode, everything else as given
   * ({@code user@xn--bcher-kva.ch} shows as {@code user@bücher.ch}). A masked address is its masked text.
   */
  public String unicode() {
    if (isMasked || hasDomainLiteral()) {
      return value;
    }
    StringBuilder domain = new StringBuilder();
    for (String label : domain().split("\\.", -1)) {
      boolean aLabel = label.regionMatches(true, 0, "xn--", 0, 4);
      domain.append(domain.length() == 0 ? "" : ".")
          .append(aLabel ? IDN.toUnicode(label.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED) : label);
    }
    return localPart() + "@" + domain;
  }

  /** True when the domain is a literal such as {@code [192.0.2.1]} rather than a name. */
  public boolean hasDomainLiteral() {
    return value.endsWith("]");
  }

  // A quoted local part may itself contain '@', and a domain never does (not in atext or dtext unquoted;
  // a quoted-pair "\@" in a domain literal is possible, so search from the domain side carefully).
  private int atIndex() {
    if (!hasDomainLiteral()) {
      return value.lastIndexOf('@');
    }
    return value.lastIndexOf("@[");
  }

  @Override
  public String toString() {
    return value;
  }

  /**
   * The ASCII form of a domain name, label by label, adding to {@code v} what makes it no host name: a character
   * other than a letter, digit or hyphen ({@code email.domain}), a Unicode label IDNA cannot convert
   * ({@code email.domain}) or an ASCII label over 63 octets ({@code email.length}). Case is kept.
   */
  private static String asciiDomain(String domain, Violations v) {
    StringBuilder out = new StringBuilder(domain.length());
    for (String label : domain.split("\\.", -1)) {
      String ascii = label;
      if (isAscii(label)) {
        ldh(label, v);
      } else if (unicodeLabel(label, v)) {
        try {
          ascii = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
          v.add("", "email.domain", "the domain label '" + label + "' is not a valid internationalised name ("
              + e.getMessage() + ")");
        }
      }
      if (ascii.length() > MAX_LABEL_LENGTH) {
        v.add("", "email.length",
            "the domain label '" + label + "' has " + ascii.length() + " octets" + (ascii.equals(label) ? "" :
                " in its ASCII form " + ascii) + ", at most " + MAX_LABEL_LENGTH + " are allowed");
      }
      out.append(out.length() == 0 ? "" : ".").append(ascii);
    }
    return out.toString();
  }

  /** An ASCII label: letters, digits and hyphens (the hyphen's place is checked by the parser). */
  private static void ldh(String label, Violations v) {
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
        v.add("", "email.domain", "the domain label '" + label + "' holds '" + c
            + "': a host name holds only letters, digits and hyphens");
        return;
      }
    }
  }

  /** A Unicode label: letters, marks, digits and hyphens of any script; true when it may be converted. */
  private static boolean unicodeLabel(String label, Violations v) {
    for (int i = 0; i < label.length(); ) {
      int cp = label.codePointAt(i);
      if (IDEOGRAPHIC_DOTS.indexOf(cp) >= 0) {
        v.add("", "email.domain", "the domain '" + label + "' separates its labels with " + TextRules.describe(cp)
            + ": write '.' between the labels of a domain");
        return false;
      }
      if (!(Character.isLetterOrDigit(cp) || isMark(cp) || cp == '-')) {
        v.add("", "email.domain", "the domain label '" + label + "' holds " + TextRules.describe(cp)
            + ": a host name holds only letters, digits and hyphens (of any script)");
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int octets(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
