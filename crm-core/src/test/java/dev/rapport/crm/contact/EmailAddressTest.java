package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void splitsAndNormalizesTheDomainOnly() {
    EmailAddress e = EmailAddress.of("John.Doe@Example.COM");
    assertThat(e.localPart()).isEqualTo("John.Doe");
    assertThat(e.domain()).isEqualTo("Example.COM");
    assertThat(e.normalized()).isEqualTo("John.Doe@example.com");
    assertThat(e.hasDomainLiteral()).isFalse();
  }

  @Test
  void removesCommentsAndFoldingWhiteSpaceButKeepsQuotedStrings() {
    assertThat(EmailAddress.of(" (work) john . doe @ example.com (x)").value()).isEqualTo("john.doe@example.com");
    assertThat(EmailAddress.of("\"john  doe\"@example.com").localPart()).isEqualTo("\"john  doe\"");
    assertThat(EmailAddress.of("\"a@b\"@example.com").domain()).isEqualTo("example.com");
  }

  @Test
  void acceptsDomainLiterals() {
    EmailAddress v4 = EmailAddress.of("ops@[192.0.2.1]");
    assertThat(v4.domain()).isEqualTo("[192.0.2.1]");
    assertThat(v4.hasDomainLiteral()).isTrue();
    assertThat(EmailAddress.of("ops@[IPv6:2001:DB8::1]").normalized()).isEqualTo("ops@[ipv6:2001:db8::1]");
  }

  @Test
  void acceptsPunycodeDomainsForInternationalNames() {
    String ascii = "zhang.san@" + java.net.IDN.toASCII("例子.中国");
    assertThat(EmailAddress.of(ascii).domain()).isEqualTo("xn--fsqu00a.xn--fiqs8s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plainaddress", "@example.com", "john@", "john..doe@example.com", "john.@example.com",
      "john@example..com", "john@-example.com", "john doe@example.com", "张三 李四@example.com",
      "john@example.com\n", "john@[1.2.3.4", "\"unclosed@example.com", "a\u202Eb@example.com", "a\u3000b@example.com",
      "\"a\\©\"@example.com", "john@[例子]"})
  void rejectsMalformedAddresses(String raw) {
    assertThatThrownBy(() -> EmailAddress.of(raw))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.violations()).hasSize(1);
          assertThat(e.violations().get(0).path()).isEmpty();
          assertThat(e.violations().get(0).rule()).isEqualTo("email.syntax");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"me@at&t.net", "abc@abc_def.com", "test@%*.com", "joe@ap/ache.org", "a@♥.com",
      "a@bü_cher.ch", "a@例子。中国"})
  void refusesDomainsThatAreNoHostNames(String raw) {
    assertThatThrownBy(() -> EmailAddress.of(raw))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.violations()).hasSize(1);
          assertThat(e.violations().get(0).path()).isEmpty();
          assertThat(e.violations().get(0).rule()).isEqualTo("email.domain");
          assertThat(e.violations().get(0).message()).containsAnyOf("letters, digits and hyphens", "write '.'");
        });
  }

  @Test
  void namesTheLabelAndTheCharacterThatIsNoHostName() {
    assertThatThrownBy(() -> EmailAddress.of("me@at&t.net"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations().get(0).message())
            .isEqualTo("the domain label 'at&t' holds '&': a host name holds only letters, digits and hyphens"));
    assertThatThrownBy(() -> EmailAddress.of("a@♥.com"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations().get(0).message())
            .contains("'♥'", "U+2665"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"someone@президент.рф", "user@bücher.ch", "θσερ@εχαμπλε.ψομ", "用户@例子.公司",
      "zhang.san@例子.中国", "\"张三 李四\"@example.com", "😀@example.com", "user@xn--bcher-kva.ch"})
  void acceptsInternationalisedAddressesAsGiven(String raw) {
    EmailAddress e = EmailAddress.of(raw);
    assertThat(e.value()).isEqualTo(raw);
    String indexedDomain = e.normalized().substring(e.normalized().lastIndexOf('@') + 1);
    assertThat(indexedDomain).as("the index form's domain").matches("[a-z0-9.-]+");
  }

  @Test
  void indexesTheDomainInItsAsciiFormAndShowsItInUnicode() {
    EmailAddress unicode = EmailAddress.of("user@Bücher.ch");
    EmailAddress ascii = EmailAddress.of("user@XN--BCHER-KVA.CH");
    assertThat(unicode.value()).isEqualTo("user@Bücher.ch");
    assertThat(unicode.domain()).isEqualTo("Bücher.ch");
    assertThat(unicode.normalized()).isEqualTo("user@xn--bcher-kva.ch");
    assertThat(ascii.normalized()).isEqualTo(unicode.normalized());
    assertThat(unicode.unicode()).isEqualTo("user@Bücher.ch");
    assertThat(ascii.unicode()).isEqualTo("user@bücher.CH"); // an ASCII label is shown as given
    assertThat(EmailAddress.of("用户@例子.公司").normalized()).isEqualTo("用户@xn--fsqu00a.xn--55qx5d");
    assertThat(EmailAddress.of("someone@президент.рф").normalized()).isEqualTo("someone@xn--d1abbgf6aiiy.xn--p1ai");
    assertThat(EmailAddress.of("ops@[IPv6:2001:DB8::1]").unicode()).isEqualTo("ops@[IPv6:2001:DB8::1]");
  }

  @Test
  void comparesUnicodeLocalPartsInNfcButKeepsThemAsGiven() {
    EmailAddress composed = EmailAddress.of("jos\u00e9@example.com");
    EmailAddress decomposed = EmailAddress.of("jose\u0301@example.com");
    assertThat(decomposed.value()).isEqualTo("jose\u0301@example.com");
    assertThat(decomposed.normalized()).isEqualTo(composed.normalized()).isEqualTo("jos\u00e9@example.com");
    assertThat(EmailAddress.of("José@example.com").normalized()).isEqualTo("José@example.com");
  }

  @Test
  void measuresLengthsInOctetsWithTheDomainInItsAsciiForm() {
    assertThat(EmailAddress.of("用".repeat(21) + "@example.com").localPart()).hasSize(21); // 63 octets
    assertThatThrownBy(() -> EmailAddress.of("用".repeat(22) + "@example.com"))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.violations()).extracting(ValidationException.Violation::rule).containsExactly("email.length");
          assertThat(e.violations().get(0).message()).contains("66 octets");
        });
    // 60 characters, but over 63 octets in the ASCII form: java.net.IDN refuses to convert it
    assertThatThrownBy(() -> EmailAddress.of("a@" + "bücher".repeat(10) + ".de"))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.violations()).extracting(ValidationException.Violation::rule).containsExactly("email.domain");
          assertThat(e.violations().get(0).message()).contains("too long");
        });
  }

  @Test
  void serializesAnInternationalisedAddressExactlyAsGiven() throws Exception {
    EmailAddress e = EmailAddress.of("用户@例子.公司");
    String text = json.writeValueAsString(e);
    assertThat(text).isEqualTo("\"用户@例子.公司\"");
    assertThat(json.readValue(text, EmailAddress.class)).isEqualTo(e);
  }

  @Test
  void reportsEveryLengthViolationAtOnce() {
    String local = "a".repeat(65);
    String label = "b".repeat(64);
    String domain = String.join(".", label.substring(1), label.substring(1), label.substring(1), label);
    assertThatThrownBy(() -> EmailAddress.of(local + "@" + domain))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::rule)
            .containsExactly("email.length", "email.length", "email.length"));
  }

  @Test
  void prefixesPathsForTheCaller() {
    ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
        () -> EmailAddress.of("nope"));
    assertThat(e.prefixed("contactPoints.emails[2]").violations().get(0).path())
        .isEqualTo("contactPoints.emails[2]");
  }

  @Test
  void serializesAsAJsonString() throws Exception {
    EmailAddress e = EmailAddress.of("\"a b\"@example.com");
    String text = json.writeValueAsString(e);
    assertThat(text).isEqualTo("\"\\\"a b\\\"@example.com\"");
    assertThat(json.readValue(text, EmailAddress.class)).isEqualTo(e);
    assertThatThrownBy(() -> json.readValue("\"nope\"", EmailAddress.class))
        .hasRootCauseInstanceOf(ValidationException.class);
  }

  @Property
  void canonicalFormIsAFixedPoint(@ForAll("addresses") String raw) {
    EmailAddress once = EmailAddress.of(raw);
    assertThat(EmailAddress.of(once.value())).isEqualTo(once);
    assertThat(EmailAddress.of(once.normalized()).normalized()).isEqualTo(once.normalized());
    assertThat(EmailAddress.of(once.unicode()).normalized()).isEqualTo(once.normalized());
  }

  @Provide
  Arbitrary<String> addresses() {
    Arbitrary<String> atom = Arbitraries.strings().withChars("abcXYZ019!#$%&'*+-/=?^_`{|}~用é").ofMinLength(1)
        .ofMaxLength(8);
    Arbitrary<String> quoted = Arbitraries.strings().withChars("ab @.()[]\\,;:").ofMaxLength(6)
        .map(s -> "\"" + s.replace("\\", "\\\\") + "\"");
    Arbitrary<String> word = Arbitraries.oneOf(atom, quoted);
    Arbitrary<String> local = word.list().ofMinSize(1).ofMaxSize(3).map(ws -> String.join(".", ws));
    Arbitrary<String> label = Arbitraries.strings().withChars("abcXYZ019üéБб例子ψ").ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> domain = label.list().ofMinSize(1).ofMaxSize(4).map(ls -> String.join(".", ls));
    Arbitrary<String> cfws = Arbitraries.of("", " ", "(c)", " (x (y)) ", "\r\n ");
    return Combinators.combine(cfws, local, cfws, domain, cfws).as((a, l, b, d, c) -> a + l + b + "@" + d + c);
  }
}
