package dev.rapport.crm.contact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.Violations;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An e-mail address: an RFC 5322 {@code addr-spec} ({@code local-part@domain}), held in canonical form.
 *
 * <p><b>What is accepted.</b> The full RFC 5322 grammar, obsolete forms included: dot-atom or quoted-string local
 * parts ({@code "john doe"@example.com}, {@code "a"."b"@example.com}), dot-atom domains and domain literals
 * ({@code user@[192.0.2.1]}, {@code user@[IPv6:2001:db8::1]}, and any other RFC 5322 {@code dtext}), comments and
 * folding white space. Addresses are ASCII as RFC 5322 defines them: an internationalised domain must be given in
 * its A-label form ({@code java.net.IDN.toASCII}); non-ASCII local parts (RFC 6531/6532) are rejected.
 *
 * <p><b>Stricter than the grammar</b>, because such an address can never be delivered, and so decided on purpose
 * although the isemail suite calls them RFC 5322-valid (see {@code EmailAddressIsemailTest}):
 * <ul>
 *   <li>the local part is at most 64 characters and the whole address at most 254 (RFC 5321 section 4.5.3.1: a path
 *       is at most 256 octets including its angle brackets), measured on the canonical form;</li>
 *   <li>each label of a dot-atom domain is at most 63 characters and neither starts nor ends with '-'
 *       (RFC 1035 section 2.3.4; the hyphen rule is applied by isemail too).</li>
 * </ul>
 *
 * <p><b>Canonical form.</b> Comments and folding white space carry no meaning (RFC 5322 section 3.2.2), so they are
 * removed: {@code new EmailAddress(" (work) john.doe @ Example.COM ").value()} is {@code john.doe@Example.COM}.
 * Quoted strings and domain literals are kept as written. {@link #normalized()} additionally lower-cases the domain
 * (the local part is case-sensitive per RFC 5321) and is the form to index for uniqueness.
 *
 * <p>Violations (path {@code ""}): {@code email.syntax}, {@code email.length}.
 *
 * <p>An address read by someone whose field access masks e-mail is a <em>masked</em> address: {@link #isMasked()}
 * is true and {@link #value()} is the masked text ({@code j***@example.com}), which is not checked as an address.
 * Its JSON form is {@code {"masked": "j***@example.com"}}, so a masked address never reads back as a real one.
 *
 * @param isMasked true for a masked address (see above)
 */
public record EmailAddress(String value, boolean isMasked) {
  /** RFC 5321 section 4.5.3.1.1. */
  public static final int MAX_LOCAL_PART_LENGTH = 64;
  /** RFC 5321 section 4.5.3.1.3 (256-octet path minus the angle brackets). */
  public static final int MAX_LENGTH = 254;
  /** RFC 1035 section 2.3.4. */
  public static final int MAX_LABEL_LENGTH = 63;

  public EmailAddress {
    Objects.requireNonNull(value, "value");
    if (!isMasked) {
      AddrSpecParser.Parsed parsed;
      try {
        parsed = AddrSpecParser.parse(value);
      } catch (AddrSpecParser.SyntaxError e) {
        throw ValidationException.of("", "email.syntax", "not an e-mail address: " + e.getMessage());
      }
      Violations v = new Violations();
      String canonical = parsed.localPart() + "@" + parsed.domain();
      v.require(parsed.localPart().length() <= MAX_LOCAL_PART_LENGTH, "", "email.length",
          "the local part has " + parsed.localPart().length() + " characters, at most " + MAX_LOCAL_PART_LENGTH
              + " are allowed");
      v.require(canonical.length() <= MAX_LENGTH, "", "email.length",
          "the address has " + canonical.length() + " characters, at most " + MAX_LENGTH + " are allowed");
      if (!parsed.domainLiteral()) {
        for (String label : parsed.domain().split("\\.", -1)) {
          v.require(label.length() <= MAX_LABEL_LENGTH, "", "email.length",
              "the domain label '" + label + "' has " + label.length() + " characters, at most " + MAX_LABEL_LENGTH
                  + " are allowed");
        }
      }
      v.throwIfAny();
      value = canonical;
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

  /** The address with its domain lower-cased: the key for uniqueness and lookup. */
  public String normalized() {
    return localPart() + "@" + domain().toLowerCase(Locale.ROOT);
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
}
