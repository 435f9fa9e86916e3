package dev.rapport.crm.customer;

import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A person to talk to at an organization customer. */
public record ContactPerson(LocalizedText name, @Nullable String role, List<EmailAddress> emails,
                            List<PhoneNumber> phones) {
  public ContactPerson {
    Objects.requireNonNull(name, "name");
    emails = List.copyOf(emails);
    phones = List.copyOf(phones);
  }
}
