package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostalAddressTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void acceptsAChineseAddressAndNormalises() {
    PostalAddress a = new PostalAddress(" cn ", " 广东省 ", "深圳市", "南山区", List.of("  科技园南区高新南一道 9 号 "), " ");
    assertThat(a.country()).isEqualTo("CN");
    assertThat(a.region()).isEqualTo("广东省");
    assertThat(a.streetLines()).containsExactly("科技园南区高新南一道 9 号");
    assertThat(a.postalCode()).isNull();
    assertThat(a.rules().requires(AddressRules.Component.DISTRICT)).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "US | ca   | San Francisco | 94105-1804 | CA   | 94105-1804",
      "GB |      | London        | sw1a 1aa   |      | SW1A 1AA",
      "DE |      | Berlin        | 10115      |      | 10115",
      "FR |      | Paris         | 75008      |      | 75008",
      "JP | 東京都 | 千代田区       | 〒100-0001  | 東京都 | 100-0001",
      "JP | 大阪府 | 大阪市         | １２３４５６７ | 大阪府 | 1234567",
      "AU | nsw  | Sydney        | 2000       | NSW  | 2000",
      "IN |      | New Delhi     | 110001     |      | 110001",
      "BR | sp   | São Paulo     | 01310-100  | SP   | 01310-100",
      "CA | QC   | Montréal      | h3a 0g4    | QC   | H3A 0G4",
      "EG |      | القاهرة        |            |      | ",
      "RU |      | Москва        | 101000     |      | 101000"})
  void acceptsEachListedCountry(String country, String region, String city, String postal, String wantRegion,
      String wantPostal) {
    PostalAddress a = new PostalAddress(country, region, city, null, List.of("1 Main St"), postal);
    assertThat(a.region()).isEqualTo(wantRegion);
    assertThat(a.postalCode()).isEqualTo(wantPostal);
  }

  @Test
  void reportsEveryViolationWithItsComponentPath() {
    assertViolations(() -> new PostalAddress("CN", null, "深圳市", null,
            List.of("a", " ", "c\nd", "e", "f"), "51805"),
        tuple("region", "address.required"),
        tuple("district", "address.required"),
        tuple("streetLines", "address.streetLines"),
        tuple("streetLines[1]", "address.blank"),
        tuple("streetLines[2]", "address.control"),
        tuple("postalCode", "address.postalCode"));
  }

  @Test
  void checksUsStatesAndZipCodes() {
    assertViolations(() -> new PostalAddress("US", "California", "San Francisco", null, List.of(), "9410"),
        tuple("region", "address.region"),
        tuple("postalCode", "address.postalCode"));
    assertViolations(() -> new PostalAddress("US", null, null, null, List.of(), null),
        tuple("region", "address.required"),
        tuple("city", "address.required"),
        tuple("postalCode", "address.required"));
  }

  @Test
  void rejectsUnknownCountriesButStillChecksTheRest() {
    assertViolations(() -> new PostalAddress("XX", null, "x".repeat(201), null, List.of(), null),
        tuple("country", "address.country"),
        tuple("city", "address.length"));
  }

  @Test
  void defaultRuleNeedsACityOrAStreetLine() {
    assertThat(new PostalAddress("NZ", null, null, null, List.of("1 Queen St"), null).city()).isNull();
    assertViolations(() -> new PostalAddress("NZ", "Auckland", null, null, List.of(), "1010"),
        tuple("city", "address.required"));
  }

  @Test
  void errorsCanBePrefixedForTheCaller() {
    ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
        () -> new PostalAddress("DE", null, "Berlin", null, List.of(), "1011"));
    assertThat(e.prefixed("contactPoints.addresses[0]").violations()).extracting(Violation::path)
        .containsExactly("contactPoints.addresses[0].postalCode");
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    PostalAddress a = new PostalAddress("JP", "東京都", "千代田区", null, List.of("丸の内1-1-1"), "100-0005");
    String text = json.writeValueAsString(a);
    assertThat(json.readTree(text).get("streetLines").get(0).asText()).isEqualTo("丸の内1-1-1");
    assertThat(json.readValue(text, PostalAddress.class)).isEqualTo(a);
    assertThat(json.readValue("{\"country\":\"NZ\",\"city\":\"Wellington\"}", PostalAddress.class).streetLines())
        .isEmpty();
  }

  private static void assertViolations(Executable build, org.assertj.core.groups.Tuple... expected) {
    ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class, build);
    assertThat(e.violations()).extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(expected);
  }
}
