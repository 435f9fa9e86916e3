package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumberTest {
  private final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({
      "'139 1234 5678', CN, +8613912345678",
      "'+86 139-1234-5678', , +8613912345678",
      "'(010) 1234 5678', cn, +861012345678",
      "'020 7946 0018', GB, +442079460018",
      "'(202) 555-0142', US, +12025550142",
      "'03-1234-5678', JP, +81312345678",
      "'+49 30 123456', DE, +4930123456",
      "'+800 1234 5678', , +80012345678"})
  void parsesWhatPeopleType(String text, String region, String e164) {
    assertThat(PhoneNumber.parse(text, region).e164()).isEqualTo(e164);
  }

  @Test
  void formatsAndMasks() {
    PhoneNumber p = PhoneNumber.of("+8613912345678");
    assertThat(p.regionCode()).isEqualTo("CN");
    assertThat(p.countryCode()).isEqualTo(86);
    assertThat(p.international()).isEqualTo("+86 139 1234 5678");
    assertThat(p.national()).isEqualTo("139 1234 5678");
    assertThat(p.masked()).isEqualTo("+86 *** **** 5678");
    assertThat(PhoneNumber.of("+442079460018").masked()).isEqualTo("+44 ** **** 0018");
    assertThat(PhoneNumber.of("+80012345678").regionCode()).isEqualTo("001");
  }

  @Test
  void masksShortNumbersToAtMostHalfTheirDigits() {
    // Ascension Island: 5-digit national numbers
    assertThat(PhoneNumber.of("+24762889").masked()).isEqualTo("+247 ***89");
  }

  @ParameterizedTest
  @CsvSource({
      "'not a number', CN",
      "'12345', CN",
      "'139 1234 5678', ",
      "'139 1234 5678', XX",
      "'+86 139 1234 5678 ext. 12', ",
      "'+1 200 555 0142', "})
  void rejectsInvalidNumbers(String text, String region) {
    assertThatThrownBy(() -> PhoneNumber.parse(text, region))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEmpty();
            assertThat(v.rule()).isEqualTo("phone.invalid");
          });
        });
  }

  @Test
  void theConstructorTakesOnlyCanonicalE164() {
    assertThatThrownBy(() -> PhoneNumber.of("+86 139 1234 5678"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("+8613912345678");
    assertThatThrownBy(() -> PhoneNumber.of("13912345678")).isInstanceOf(ValidationException.class);
  }

  @Test
  void serializesAsTheE164String() throws Exception {
    PhoneNumber p = PhoneNumber.of("+8613912345678");
    assertThat(json.writeValueAsString(p)).isEqualTo("\"+8613912345678\"");
    assertThat(json.readValue("\"+8613912345678\"", PhoneNumber.class)).isEqualTo(p);
  }
}
