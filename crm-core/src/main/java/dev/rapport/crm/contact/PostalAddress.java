package dev.rapport.crm.contact;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.contact.AddressRules.Component;
import dev.rapport.crm.internal.StoredRead;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A postal address in any country and script, checked against its country's {@link AddressRules}.
 *
 * <pre>{@code
 * new PostalAddress("CN", "广东省", "深圳市", "南山区", List.of("科技园南区高新南一道 9 号"), "518057");
 * new PostalAddress("US", "CA", "San Francisco", null, List.of("415 Mission St"), "94105");
 * }</pre>
 *
 * <p>Normalisation: every text is trimmed and put in Unicode NFC; a blank optional component counts as absent (it
 * becomes {@code null}); {@code country} and listed region codes are upper-cased; the postal code is NFKC-normalised
 * (full-width digits become ASCII), upper-cased, and loses a leading Japanese postal mark {@code 〒}.
 *
 * <p>Checks, all reported at once with the component as path: {@code country} is an ISO 3166-1 alpha-2 code
 * ({@code address.country}); the country's required components are present ({@code address.required}); the region is
 * one of the country's codes where it has a list ({@code address.region}); the postal code has the country's format
 * ({@code address.postalCode}); at most 4 street lines ({@code address.streetLines}), none blank
 * ({@code address.blank}); texts at most 200 characters ({@code address.length}) and free of control characters
 * ({@code address.control}).
 *
 * @param country ISO 3166-1 alpha-2, e.g. {@code CN}
 * @param region province, state or prefecture
 * @param city city or town
 * @param district district or county (区 / 县 in China)
 * @param streetLines street, number, building, floor: 0 to 4 lines
 * @param postalCode postal or ZIP code
 */
public record PostalAddress(
    String country,
    @Nullable String region,
    @Nullable String city,
    @Nullable String district,
    @JsonSetter(nulls = Nulls.AS_EMPTY) List<String> streetLines,
    @Nullable String postalCode) {

  public static final int MAX_STREET_LINES = 4;
  public static final int MAX_TEXT_LENGTH = 200;
  private static final Set<String> ISO_COUNTRIES = Set.copyOf(Arrays.asList(Locale.getISOCountries()));

  public PostalAddress {
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(streetLines, "streetLines");
    if (StoredRead.active()) {
      streetLines = List.copyOf(streetLines); // stored checked and canonical
    } else {
      Violations v = new Violations();

      country = nfc(country).toUpperCase(Locale.ROOT);
      // messages are built only for a broken rule (a valid address is the common case, and they cost)
      boolean knownCountry = ISO_COUNTRIES.contains(country);
      if (!knownCountry) {
        v.add("country", "address.country", "'" + country + "' is not an ISO 3166-1 alpha-2 country code");
      }
      AddressRules rules = knownCountry ? AddressRules.forCountry(country) : AddressRules.DEFAULT;

      region = text(v, "region", region);
      if (region != null && !rules.regionCodes().isEmpty()) {
        region = region.toUpperCase(Locale.ROOT);
        if (!rules.acceptsRegion(region)) {
          v.add("region", "address.region",
              "'" + region + "' is not a region code of " + country + " (one of " + sorted(rules.regionCodes()) + ")");
        }
      }
      city = text(v, "city", city);
      district = text(v, "district", district);

      if (streetLines.size() > MAX_STREET_LINES) {
        v.add("streetLines", "address.streetLines",
            "at most " + MAX_STREET_LINES + " street lines, not " + streetLines.size());
      }
      List<String> lines = new ArrayList<>(streetLines.size());
      for (int i = 0; i < streetLines.size(); i++) {
        String path = "streetLines[" + i + "]";
        String line = text(v, path, Objects.requireNonNull(streetLines.get(i), path));
        if (v.require(line != null, path, "address.blank", "a street line may not be blank")) {
          lines.add(line);
        }
      }
      streetLines = List.copyOf(lines);

      postalCode = text(v, "postalCode", postalCode);
      if (postalCode != null) {
        postalCode = postalCode(postalCode);
        if (knownCountry) {
          if (!rules.postalCode().matcher(postalCode).matches()) {
            v.add("postalCode", "address.postalCode",
                "'" + postalCode + "' is not a postal code of " + country + " (e.g. " + rules.postalCodeExample()
                    + ")");
          }
        }
      }

      if (knownCountry) {
        for (Set<Component> anyOf : rules.required()) {
          boolean present = false;
          for (Component c : anyOf) {
            present |= isPresent(c, region, city, district, streetLines, postalCode);
          }
          if (!present) {
            List<Component> names = anyOf.stream().sorted().toList();
            v.add(names.get(0).path(), "address.required",
                names.stream().map(Component::path).collect(Collectors.joining(" or "))
                    + " is required for an address in " + country);
          }
        }
      }
      v.throwIfAny();
    }
  }

  /** The rules this address was checked against. */
  public AddressRules rules() {
    return AddressRules.forCountry(country);
  }

  private static boolean isPresent(Component c, @Nullable String region, @Nullable String city,
      @Nullable String district, List<String> streetLines, @Nullable String postalCode) {
    return switch (c) {
      case REGION -> region != null;
      case CITY -> city != null;
      case DISTRICT -> district != null;
      case STREET_LINES -> !streetLines.isEmpty();
      case POSTAL_CODE -> postalCode != null;
    };
  }

  /** Trims and NFC-normalises; blank becomes null; records length and control-character violations. */
  private static @Nullable String text(Violations v, String path, @Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String s = nfc(raw);
    if (s.isEmpty()) {
      return null;
    }
    int length = s.codePointCount(0, s.length());
    if (length > MAX_TEXT_LENGTH) {
      v.add(path, "address.length", "at most " + MAX_TEXT_LENGTH + " characters, not " + length);
    }
    if (LineText.hasControl(s)) {
      v.add(path, "address.control", "may not contain control characters or line breaks");
    }
    return s;
  }

  private static String postalCode(String s) {
    String code = Normalizer.normalize(s, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    if (code.startsWith("〒")) {
      code = code.substring(1).strip();
    }
    return code;
  }

  private static String nfc(String s) {
    return Normalizer.normalize(s.strip(), Normalizer.Form.NFC);
  }

  private static String sorted(Set<String> codes) {
    return codes.stream().sorted().collect(Collectors.joining(", "));
  }
}
