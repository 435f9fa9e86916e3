package dev.rapport.crm.customer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything a caller may say about a customer when creating it or syncing it from an ERP, as plain values. It is
 * validated as a whole (Bean Validation, then the domain rules), and every violation is reported with its field
 * path, e.g. {@code emails[1]} or {@code addresses[0].postalCode}.
 *
 * <pre>{@code
 * CustomerData data = CustomerData.builder(CustomerKind.ORGANIZATION, "Acme Trading")
 *     .localizedName("zh-Hans", "艾克美贸易")
 *     .email("sales@acme.example").phone("+86 21 6123 4567")
 *     .address(new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120"))
 *     .tag("segment/vip/gold").creditLimit("250000", "CNY")
 *     .externalRef("SAP", "0000123456")
 *     .build();
 * }</pre>
 *
 * @param phoneRegion ISO 3166 region used to read phone numbers written in national form (e.g. {@code CN})
 * @param stage the lifecycle stage to start in; the lifecycle's initial stage when null
 */
public record CustomerData(
    @NotNull CustomerKind kind,
    @NotBlank @Size(max = 255) String name,
    Map<@NotBlank String, @NotBlank @Size(max = 255) String> localizedNames,
    @Size(max = 20) List<@NotBlank @Size(max = 320) String> emails,
    @Size(max = 20) List<@NotBlank @Size(max = 40) String> phones,
    @Nullable @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 alpha-2 region") String phoneRegion,
    @Size(max = 10) List<@Valid @NotNull AddressInput> addresses,
    @Size(max = 50) List<@Valid @NotNull ContactPersonInput> contactPersons,
    @Size(max = 100) List<@NotBlank String> tags,
    @Nullable @Size(max = 40) String stage,
    @Nullable @Size(max = 20) String grade,
    @Nullable @Size(max = 128) String owner,
    @Nullable @Size(max = 100) String team,
    @Nullable @Size(max = 100) String department,
    @Nullable @Size(max = 100) String region,
    @Nullable @Valid MoneyInput creditLimit,
    Map<@NotBlank @Pattern(regexp = "[A-Za-z0-9_.-]{1,40}", message = "must be 1-40 letters, digits, '_', '.', '-'") String,
        @NotBlank @Size(max = 200) String> externalRefs,
    Map<@NotBlank String, @NotNull Object> customFields,
    Map<@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,39}", message = "must be a lower-case purpose name") String,
        @NotNull Boolean> consents) {

  public CustomerData {
    localizedNames = copy(localizedNames);
    emails = emails == null ? List.of() : List.copyOf(emails);
    phones = phones == null ? List.of() : List.copyOf(phones);
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    contactPersons = contactPersons == null ? List.of() : List.copyOf(contactPersons);
    tags = tags == null ? List.of() : List.copyOf(tags);
    externalRefs = copy(externalRefs);
    customFields = copy(customFields);
    consents = copy(consents);
  }

  private static <K, V> Map<K, V> copy(@Nullable Map<K, V> m) {
    return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  public static Builder builder(CustomerKind kind, String name) {
    return new Builder(kind, name);
  }

  /** An amount and an ISO 4217 currency code, e.g. {@code ("250000", "CNY")}. */
  public record MoneyInput(@NotNull BigDecimal amount,
                           @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code") String currency) {}

  public static final class Builder {
    private final CustomerKind kind;
    private final String name;
    private final Map<String, String> localizedNames = new LinkedHashMap<>();
    private final List<String> emails = new ArrayList<>();
    private final List<String> phones = new ArrayList<>();
    private @Nullable String phoneRegion;
    private final List<AddressInput> addresses = new ArrayList<>();
    private final List<ContactPersonInput> contactPersons = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private @Nullable String stage;
    private @Nullable String grade;
    private @Nullable String owner;
    private @Nullable String team;
    private @Nullable String department;
    private @Nullable String region;
    private @Nullable MoneyInput creditLimit;
    private final Map<String, String> externalRefs = new LinkedHashMap<>();
    private final Map<String, Object> customFields = new LinkedHashMap<>();
    private final Map<String, Boolean> consents = new LinkedHashMap<>();

    private Builder(CustomerKind kind, String name) {
      this.kind = kind;
      this.name = name;
    }

    public Builder localizedName(String languageTag, String value) {
      localizedNames.put(languageTag, value);
      return this;
    }

    public Builder email(String email) {
      emails.add(email);
      return this;
    }

    public Builder phone(String phone) {
      phones.add(phone);
      return this;
    }

    public Builder phoneRegion(String isoRegion) {
      phoneRegion = isoRegion;
      return this;
    }

    public Builder address(AddressInput address) {
      addresses.add(address);
      return this;
    }

    public Builder contactPerson(ContactPersonInput person) {
      contactPersons.add(person);
      return this;
    }

    public Builder tag(String tag) {
      tags.add(tag);
      return this;
    }

    public Builder stage(String value) {
      stage = value;
      return this;
    }

    public Builder grade(String value) {
      grade = value;
      return this;
    }

    public Builder owner(String value) {
      owner = value;
      return this;
    }

    public Builder team(String value) {
      team = value;
      return this;
    }

    public Builder department(String value) {
      department = value;
      return this;
    }

    public Builder region(String value) {
      region = value;
      return this;
    }

    public Builder creditLimit(String amount, String currency) {
      creditLimit = new MoneyInput(new BigDecimal(amount), currency);
      return this;
    }

    public Builder externalRef(String system, String id) {
      externalRefs.put(system, id);
      return this;
    }

    public Builder customField(String field, Object value) {
      customFields.put(field, value);
      return this;
    }

    public Builder consent(String purpose, boolean granted) {
      consents.put(purpose, granted);
      return this;
    }

    public CustomerData build() {
      return new CustomerData(kind, name, localizedNames, emails, phones, phoneRegion, addresses, contactPersons,
          tags, stage, grade, owner, team, department, region, creditLimit, externalRefs, customFields, consents);
    }
  }
}
