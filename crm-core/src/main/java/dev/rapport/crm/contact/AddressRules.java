package dev.rapport.crm.contact;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link PostalAddress} needs in one country: which components are required, the postal-code format, and
 * (where the post uses codes for them) the allowed region codes. Kept as data so a country is added by adding a row.
 *
 * <p>Countries listed: CN, US, GB, DE, FR, JP, AU, IN, BR, CA. Every other country gets {@link #DEFAULT}: a city or
 * at least one street line, and a postal code of at most 16 letters, digits, spaces or hyphens when one is given.
 *
 * @param country ISO 3166-1 alpha-2 code, or {@code ""} for the default rules
 * @param required each set is one requirement: at least one of its components must be present
 * @param postalCode the whole-string format of a postal code (after trimming, NFKC and upper-casing)
 * @param postalCodeExample shown in messages
 * @param regionCodes allowed (upper-case) region codes; empty when any region text is accepted
 */
public record AddressRules(
    String country,
    List<Set<Component>> required,
    Pattern postalCode,
    String postalCodeExample,
    Set<String> regionCodes) {

  /** The parts of a postal address, named as their JSON fields (the violation paths). */
  public enum Component {
    REGION("region"), CITY("city"), DISTRICT("district"), STREET_LINES("streetLines"), POSTAL_CODE("postalCode");

    private final String path;

    Component(String path) {
      this.path = path;
    }

    /** The field name used in violation paths and JSON. */
    public String path() {
      return path;
    }
  }

  public AddressRules {
    Objects.requireNonNull(country, "country");
    required = required.stream().map(Set::copyOf).toList();
    Objects.requireNonNull(postalCode, "postalCode");
    Objects.requireNonNull(postalCodeExample, "postalCodeExample");
    regionCodes = Set.copyOf(regionCodes);
  }

  /** Rules for countries not in the table. */
  public static final AddressRules DEFAULT = new AddressRules("",
      List.of(Set.of(Component.CITY, Component.STREET_LINES)), Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} -]{0,15}"),
      "any 1-16 letters, digits, spaces or hyphens", Set.of());

  private static final Set<String> US_STATES = Set.of(
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
      "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
      "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
      "AS", "GU", "MP", "PR", "VI", "UM", "AA", "AE", "AP"); // territories and military post
  private static final Set<String> CA_PROVINCES = Set.of(
      "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT");
  private static final Set<String> AU_STATES = Set.of("ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA");
  private static final Set<String> BR_STATES = Set.of(
      "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ",
      "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO");

  private static final Map<String, AddressRules> BY_COUNTRY = Map.of(
      // China: province / city / district are how mail is sorted; postal codes are often omitted in practice.
      "CN", row("CN", "100000", "\\d{6}", Set.of(), Component.REGION, Component.CITY, Component.DISTRICT),
      "US", row("US", "94105 or 94105-1804", "\\d{5}(-\\d{4})?", US_STATES,
          Component.REGION, Component.CITY, Component.POSTAL_CODE),
      "GB", row("GB", "SW1A 1AA", "GIR ?0AA|[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}", Set.of(),
          Component.CITY, Component.POSTAL_CODE),
      "DE", row("DE", "10115", "\\d{5}", Set.of(), Component.CITY, Component.POSTAL_CODE),
      "FR", row("FR", "75008", "\\d{5}", Set.of(), Component.CITY, Component.POSTAL_CODE),
      // Japan: region is the prefecture; a leading 〒 is removed before the check.
      "JP", row("JP", "100-0001", "\\d{3}-?\\d{4}", Set.of(), Component.REGION, Component.CITY, Component.POSTAL_CODE),
      "AU", row("AU", "2000", "\\d{4}", AU_STATES, Component.REGION, Component.CITY, Component.POSTAL_CODE),
      "IN", row("IN", "110001", "[1-9]\\d{5}", Set.of(), Component.CITY, Component.POSTAL_CODE),
      "BR", row("BR", "01310-100", "\\d{5}-?\\d{3}", BR_STATES, Component.CITY, Component.POSTAL_CODE),
      "CA", row("CA", "K1A 0B1", "[ABCEGHJ-NPRSTVXY]\\d[ABCEGHJ-NPRSTV-Z] ?\\d[ABCEGHJ-NPRSTV-Z]\\d", CA_PROVINCES,
          Component.REGION, Component.CITY, Component.POSTAL_CODE));

  /** The rules for {@code country} (ISO 3166-1 alpha-2, upper case), or {@link #DEFAULT}. */
  public static AddressRules forCountry(String country) {
    Objects.requireNonNull(country, "country");
    AddressRules rules = BY_COUNTRY.get(country.toUpperCase(Locale.ROOT));
    return rules != null ? rules : DEFAULT;
  }

  /** True when {@code component} alone is required (not merely one of several alternatives). */
  public boolean requires(Component component) {
    return required.contains(Set.of(component));
  }

  /** True when {@code region} is acceptable: any text when no codes are listed, else one of the codes. */
  boolean acceptsRegion(@Nullable String region) {
    return region == null || regionCodes.isEmpty() || regionCodes.contains(region);
  }

  private static AddressRules row(String country, String example, String postalCode, Set<String> regions,
      Component... required) {
    return new AddressRules(country, java.util.Arrays.stream(required).map(Set::of).toList(),
        Pattern.compile(postalCode), example, regions);
  }
}
