package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import dev.rapport.crm.SharedData;
import dev.rapport.crm.error.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example number of libphonenumber's metadata ({@code shared/data/libphonenumber/example_numbers.csv})
 * normalises to its E.164 form from the ways people write it.
 */
class PhoneNumberExamplesTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /** Non-geographic numbers (+800, +870, …; region {@code 001}) have no national form: no region implies the code. */
  private static final String NON_GEOGRAPHIC = "001";

  /**
   * Example numbers from the (older) metadata snapshot of the CSV whose ranges libphonenumber 9.0.43, the version we
   * ship, no longer holds valid. Rejecting them is right for us: they can no longer be dialled. The test fails if one
   * becomes valid again, so a metadata upgrade is noticed.
   */
  private static final Map<String, String> WITHDRAWN = Map.of(
      "+22985751234", "Benin moved to 10-digit numbers (2024); 8-digit VoIP range withdrawn",
      "+22981123456", "Benin moved to 10-digit numbers (2024); 8-digit UAN range withdrawn",
      "+2631312345", "Zimbabwe fixed-line renumbering; 7-digit 13 range withdrawn");

  record Row(String region, String countryCode, String nationalPrefix, String type, String nationalNumber,
      String e164) {
    String name() {
      return region + " " + type + " " + e164;
    }
  }

  static List<Row> rows() throws IOException {
    List<String> lines = Files.readAllLines(SharedData.resolve("libphonenumber/example_numbers.csv"),
        StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo(
        "region,country_code,national_prefix,international_prefix,type,national_number,e164");
    return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",", -1))
        .map(f -> new Row(f[0], f[1], f[2], f[4], f[5], f[6])).toList();
  }

  @Test
  void readsEveryRow() throws IOException {
    assertThat(rows()).hasSize(1144);
  }

  @TestFactory
  Stream<DynamicNode> everyExampleNormalisesToItsE164() throws IOException {
    return rows().stream().map(row -> DynamicContainer.dynamicContainer(row.name(), forms(row)));
  }

  private static Stream<DynamicNode> forms(Row row) {
    String withdrawn = WITHDRAWN.get(row.e164());
    if (withdrawn != null) {
      return Stream.of(dynamicTest("rejected: " + withdrawn, () -> assertRejected(row)));
    }
    Stream<DynamicNode> international = Stream.of(
        dynamicTest("+cc national", () -> assertParses("+" + row.countryCode() + row.nationalNumber(), null, row)),
        dynamicTest("INTERNATIONAL", () -> assertParses(format(row, PhoneNumberFormat.INTERNATIONAL), null, row)));
    if (row.region().equals(NON_GEOGRAPHIC)) {
      return international;
    }
    Stream<DynamicNode> national = Stream.of(
        dynamicTest("national prefix + national number in " + row.region(),
            () -> assertParses(dialledNationally(row), row.region(), row)),
        dynamicTest("national number in " + row.region(),
            () -> assertParses(row.nationalNumber(), row.region(), row)),
        dynamicTest("NATIONAL in " + row.region(),
            () -> assertParses(format(row, PhoneNumberFormat.NATIONAL), row.region(), row)),
        dynamicTest("region shares +" + row.countryCode(), () -> assertThat(
            UTIL.getRegionCodesForCountryCode(Integer.parseInt(row.countryCode())))
            .contains(PhoneNumber.of(row.e164()).regionCode(), row.region())));
    return Stream.concat(international, national);
  }

  /**
   * The digits as dialled inside the country: with the national (trunk) prefix when the numbering plan uses it for
   * this range. Some ranges are dialled without it although the region has one (Colombian mobiles, Israeli 1-800 and
   * other 1-xxx services, where "01x" would even be an international prefix); libphonenumber's NATIONAL formatting
   * rules say which, so we ask them rather than keep a list.
   */
  private static String dialledNationally(Row row) throws Exception {
    String nationalDigits = PhoneNumberUtil.normalizeDigitsOnly(format(row, PhoneNumberFormat.NATIONAL));
    String prefixed = row.nationalPrefix() + row.nationalNumber();
    return nationalDigits.equals(prefixed) ? prefixed : row.nationalNumber();
  }

  private static void assertRejected(Row row) {
    assertThatThrownBy(() -> PhoneNumber.of(row.e164())).isInstanceOf(ValidationException.class);
  }

  private static String format(Row row, PhoneNumberFormat format) throws Exception {
    return UTIL.format(UTIL.parse(row.e164(), null), format);
  }

  private static void assertParses(String text, String region, Row row) {
    PhoneNumber parsed = PhoneNumber.parse(text, region);
    assertThat(parsed.e164()).as("%s parsed from '%s'", row.name(), text).isEqualTo(row.e164());
    assertThat(parsed).isEqualTo(PhoneNumber.of(row.e164()));
  }
}
