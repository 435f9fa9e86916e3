package dev.rapport.crm.customer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A partial update: every null component means "leave as is"; a list given replaces the list; the maps are merged
 * (a custom field or consent not mentioned stays). Components named in {@code clear} are removed ({@code grade},
 * {@code team}, {@code department}, {@code region}, or {@code customFields.<name>}).
 *
 * <p>Stage, tags, owner and credit limit have their own commands (they are gated, audited and announced
 * separately), and so are external references (see {@link Customers#upsertByExternalRef}).
 *
 * @param expectedVersion the version the caller read; a newer stored version fails the patch with
 *     {@code VersionConflictException}. Null patches whatever is current.
 */
public record CustomerPatch(
    @Nullable Long expectedVersion,
    @Nullable @Size(min = 1, max = 255) String name,
    @Nullable Map<@NotBlank String, @NotBlank @Size(max = 255) String> localizedNames,
    @Nullable @Size(max = 20) List<@NotBlank @Size(max = 320) String> emails,
    @Nullable @Size(max = 20) List<@NotBlank @Size(max = 40) String> phones,
    @Nullable @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 alpha-2 region") String phoneRegion,
    @Nullable @Size(max = 10) List<@Valid @NotNull AddressInput> addresses,
    @Nullable @Size(max = 50) List<@Valid @NotNull ContactPersonInput> contactPersons,
    @Nullable @Size(max = 20) String grade,
    @Nullable @Size(max = 100) String team,
    @Nullable @Size(max = 100) String department,
    @Nullable @Size(max = 100) String region,
    Map<@NotBlank String, @NotNull Object> customFields,
    Map<@NotBlank String, @NotNull Boolean> consents,
    Set<@NotBlank String> clear) {

  public CustomerPatch {
    customFields = customFields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(customFields));
    consents = consents == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(consents));
    clear = clear == null ? Set.of() : Set.copyOf(clear);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private @Nullable Long expectedVersion;
    private @Nullable String name;
    private @Nullable Map<String, String> localizedNames;
    private @Nullable List<String> emails;
    private @Nullable List<String> phones;
    private @Nullable String phoneRegion;
    private @Nullable List<AddressInput> addresses;
    private @Nullable List<ContactPersonInput> contactPersons;
    private @Nullable String grade;
    private @Nullable String team;
    private @Nullable String department;
    private @Nullable String region;
    private final Map<String, Object> customFields = new LinkedHashMap<>();
    private final Map<String, Boolean> consents = new LinkedHashMap<>();
    private final Set<String> clear = new TreeSet<>();

    public Builder expectedVersion(long version) {
      expectedVersion = version;
      return this;
    }

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder localizedNames(Map<String, String> value) {
      localizedNames = new LinkedHashMap<>(value);
      return this;
    }

    public Builder emails(String... value) {
      emails = new ArrayList<>(List.of(value));
      return this;
    }

    public Builder phones(String... value) {
      phones = new ArrayList<>(List.of(value));
      return this;
    }

    public Builder phoneRegion(String value) {
      phoneRegion = value;
      return this;
    }

    public Builder addresses(AddressInput... value) {
      addresses = new ArrayList<>(List.of(value));
      return this;
    }

    public Builder contactPersons(ContactPersonInput... value) {
      contactPersons = new ArrayList<>(List.of(value));
      return this;
    }

    public Builder grade(String value) {
      grade = value;
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

    public Builder customField(String field, Object value) {
      customFields.put(field, value);
      return this;
    }

    public Builder consent(String purpose, boolean granted) {
      consents.put(purpose, granted);
      return this;
    }

    public Builder clear(String component) {
      clear.add(component);
      return this;
    }

    public CustomerPatch build() {
      return new CustomerPatch(expectedVersion, name, localizedNames, emails, phones, phoneRegion, addresses,
          contactPersons, grade, team, department, region, customFields, consents, clear);
    }
  }
}
