package dev.rapport.crm.customer;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A postal address as a caller sends it; becomes a validated {@link dev.rapport.crm.contact.PostalAddress}. */
public record AddressInput(@NotBlank @Size(min = 2, max = 2) String country, @Nullable String region,
                           @Nullable @Size(max = 255) String city, @Nullable String district,
                           @Size(max = 4) List<@NotBlank String> streetLines, @Nullable String postalCode) {
  public AddressInput {
    streetLines = streetLines == null ? List.of() : List.copyOf(streetLines);
  }
}
