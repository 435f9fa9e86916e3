package dev.rapport.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.rapport.crm.error.ValidationException;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link PhoneNumber#parse} reads "+", digits and single spaces or hyphens through libphonenumber as the digits
 * alone: it must accept exactly what libphonenumber accepts for the text as written, with the same E.164 form, and
 * refuse the rest with the message of the text as written.
 */
class PhoneNumberCompactFormTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /** What libphonenumber makes of the text as written: its E.164 form, or null when it is refused. */
  private static @Nullable String asWritten(String text, @Nullable String region) {
    try {
      Phonenumber.PhoneNumber n = UTIL.parse(text, region);
      return n.hasExtension() || !UTIL.isValidNumber(n) ? null : UTIL.format(n, PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return null;
    }
  }

  private static void assertSameAsWritten(String text, @Nullable String region) {
    String expected = asWritten(text, region);
    if (expected == null) {
      Throwable t = catchThrowable(() -> PhoneNumber.parse(text, region));
      assertThat(t).as(text).isInstanceOf(ValidationException.class);
      assertThat(((ValidationException) t).violations().get(0).message()).as(text).contains("'" + text + "'");
    } else {
      assertThat(PhoneNumber.parse(text, region).e164()).as(text).isEqualTo(expected);
    }
  }

  @Test
  void everyExampleInEveryCompactSpacing() throws IOException {
    Random random = new Random(15);
    for (PhoneNumberExamplesTest.Row row : PhoneNumberExamplesTest.rows()) {
      String digits = row.e164().substring(1);
      for (int k = 0; k < 6; k++) {
        StringBuilder text = new StringBuilder("+");
        for (int i = 0; i < digits.length(); i++) {
          if (i > 0 && random.nextInt(3) == 0) {
            text.append(random.nextBoolean() ? ' ' : '-');
          }
          text.append(digits.charAt(i));
        }
        assertSameAsWritten(text.toString(), null);
        assertSameAsWritten(text.toString(), row.region().equals("001") ? "US" : row.region());
      }
      // with the national prefix after the country code, as some write it
      assertSameAsWritten("+" + row.countryCode() + " " + row.nationalPrefix() + row.nationalNumber(), null);
    }
  }

  @Test
  void randomDigitsShortAndLongValidAndNot() {
    Random random = new Random(7);
    String[] separators = {" ", "-", "", "", "  ", " - ", "."};
    for (int k = 0; k < 20_000; k++) {
      StringBuilder text = new StringBuilder(random.nextInt(20) == 0 ? "" : "+");
      int length = 1 + random.nextInt(18);
      for (int i = 0; i < length; i++) {
        if (i > 0 && random.nextInt(4) == 0) {
          text.append(separators[random.nextInt(separators.length)]);
        }
        text.append((char) ('0' + random.nextInt(10)));
      }
      if (random.nextInt(30) == 0) {
        text.append(random.nextBoolean() ? " " : "-");
      }
      String region = random.nextInt(4) == 0 ? List.of("CN", "US", "GB", "DE", "IT").get(random.nextInt(5)) : null;
      assertSameAsWritten(text.toString(), region);
    }
  }
}
