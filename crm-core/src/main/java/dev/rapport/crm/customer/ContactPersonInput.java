package dev.rapport.crm.customer;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A contact person of an organization as a caller sends it. */
public record ContactPersonInput(@NotBlank @Size(max = 300) String name, Map<String, String> localizedNames,
                                 @Nullable @Size(max = 100) String role, @Size(max = 10) List<String> emails,
                                 @Size(max = 10) List<String> phones) {
  public ContactPersonInput {
    localizedNames = localizedNames == null ? Map.of() : Map.copyOf(localizedNames);
    emails = emails == null ? List.of() : List.copyOf(emails);
    phones = phones == null ? List.of() : List.copyOf(phones);
  }

  public static ContactPersonInput of(String name, @Nullable String role, List<String> emails, List<String> phones) {
    return new ContactPersonInput(name, Map.of(), role, emails, phones);
  }
}
