package dev.rapport.crm.customer;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Raw input (strings, as callers give them) turned into a customer's value objects, collecting every violation
 * with its field path so that one bad e-mail does not hide a bad phone number.
 */
final class CustomerInputs {
  private CustomerInputs() {}

  /** The customer {@code data} describes, keeping {@code existing}'s bookkeeping; all violations at once. */
  static Customer materialize(String id, TenantId tenant, CustomerData data, @Nullable Customer existing,
                              CustomerRules rules, Instant now, String by) {
    Violations v = new Violations();
    LocalizedText name = v.capture("name", () -> new LocalizedText(data.name(), data.localizedNames()));
    List<EmailAddress> emails = emails(data.emails(), "emails", v);
    List<PhoneNumber> phones = phones(data.phones(), data.phoneRegion(), "phones", v);
    List<PostalAddress> addresses = addresses(data.addresses(), "addresses", v);
    List<ContactPerson> persons = persons(data.kind(), data.contactPersons(), data.phoneRegion(), v);
    List<TagPath> tags = tags(data.tags(), v);
    Money credit = null;
    if (data.creditLimit() != null) {
      CustomerData.MoneyInput m = data.creditLimit();
      credit = v.capture("creditLimit", () -> Money.of(m.amount(), m.currency()));
      if (credit != null && credit.amount().signum() < 0) {
        v.add("creditLimit", "creditLimit.negative", "a credit limit cannot be negative");
      }
    }
    Lifecycle lifecycle = rules.lifecycle();
    String stage = existing == null ? lifecycle.initial() : existing.stage();
    Map<String, Instant> entered = existing == null ? Map.of() : existing.stageEnteredAt();
    if (data.stage() != null && !data.stage().equals(stage)) {
      if (!lifecycle.stages().contains(data.stage())) {
        v.add("stage", "stage.unknown", "unknown stage " + data.stage() + "; stages are "
            + new TreeSet<>(lifecycle.stages()));
      } else if (existing != null) {
        try {
          Map<String, List<Object>> values = CustomerFields.indexValues(existing);
          lifecycle.check(existing.stage(), data.stage(), "sync", f -> values.getOrDefault(f, List.of()));
        } catch (ValidationException e) {
          v.addAll("", e);
        }
      }
      stage = data.stage();
    }
    if (existing == null || !stage.equals(existing.stage())) {
      Map<String, Instant> m = new TreeMap<>(entered);
      m.put(stage, now);
      entered = m;
    }
    Map<String, String> custom = rules.customFields()
        .apply(existing == null ? Map.of() : existing.customFields(), data.customFields(), v);
    Map<String, Consent> consents = consents(existing == null ? Map.of() : existing.consents(), data.consents(),
        now, by);
    v.throwIfAny();
    return new Customer(id, tenant, data.kind(), Objects.requireNonNull(name), emails, phones, addresses,
        persons, tags, stage, entered, data.grade(), data.owner(), data.team(), data.department(), data.region(),
        credit, data.externalRefs(), custom, consents,
        existing == null ? 0 : existing.version(),
        existing == null ? now : existing.createdAt(), existing == null ? by : existing.createdBy(),
        existing == null ? now : existing.updatedAt(), existing == null ? by : existing.updatedBy(),
        existing == null ? null : existing.deletedAt(), existing == null ? null : existing.deletedBy());
  }

  /** {@code cur} with {@code p} applied; all violations at once. */
  static Customer patched(Customer cur, CustomerPatch p, CustomerRules rules, Instant now, String by) {
    Violations v = new Violations();
    Customer.Builder b = cur.edit();
    String region = p.phoneRegion();
    if (p.name() != null || p.localizedNames() != null) {
      String def = p.name() != null ? p.name() : cur.name().defaultValue();
      Map<String, String> variants = p.localizedNames() != null ? p.localizedNames() : cur.name().variants();
      LocalizedText name = v.capture("name", () -> new LocalizedText(def, variants));
      if (name != null) {
        b.name = name;
      }
    }
    if (p.emails() != null) {
      b.emails = emails(p.emails(), "emails", v);
    }
    if (p.phones() != null) {
      b.phones = phones(p.phones(), region, "phones", v);
    }
    if (p.addresses() != null) {
      b.addresses = addresses(p.addresses(), "addresses", v);
    }
    if (p.contactPersons() != null) {
      b.contactPersons = persons(cur.kind(), p.contactPersons(), region, v);
    }
    if (p.grade() != null) {
      b.grade = p.grade();
    }
    if (p.team() != null) {
      b.team = p.team();
    }
    if (p.department() != null) {
      b.department = p.department();
    }
    if (p.region() != null) {
      b.region = p.region();
    }
    Map<String, String> custom = new LinkedHashMap<>(cur.customFields());
    for (String c : p.clear()) {
      switch (c) {
        case "grade" -> b.grade = null;
        case "team" -> b.team = null;
        case "department" -> b.department = null;
        case "region" -> b.region = null;
        default -> {
          if (c.startsWith("customFields.") && custom.remove(c.substring("customFields.".length())) != null) {
            break;
          }
          if (!c.startsWith("customFields.")) {
            v.add("clear", "patch.clear",
                "cannot clear '" + c + "'; clearable: grade, team, department, region, customFields.<name>");
          }
        }
      }
    }
    b.customFields = rules.customFields().apply(custom, p.customFields(), v);
    b.consents = consents(cur.consents(), p.consents(), now, by);
    v.throwIfAny();
    return b.build();
  }

  static List<EmailAddress> emails(List<String> raw, String path, Violations v) {
    List<EmailAddress> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      EmailAddress e = capture(v, path, i, () -> EmailAddress.of(s));
      if (e != null) {
        if (seen.add(e.normalized())) {
          out.add(e);
        } else {
          v.add(path + "[" + i + "]", "email.duplicate", "this email address is listed twice");
        }
      }
    }
    return out;
  }

  static List<PhoneNumber> phones(List<String> raw, @Nullable String region, String path, Violations v) {
    List<PhoneNumber> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      PhoneNumber p = capture(v, path, i, () -> PhoneNumber.parse(s, region));
      if (p != null) {
        if (out.contains(p)) {
          v.add(path + "[" + i + "]", "phone.duplicate", "this phone number is listed twice");
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  static List<PostalAddress> addresses(List<AddressInput> raw, String path, Violations v) {
    List<PostalAddress> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      AddressInput a = raw.get(i);
      PostalAddress p = capture(v, path, i,
          () -> new PostalAddress(a.country(), a.region(), a.city(), a.district(), a.streetLines(), a.postalCode()));
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  static List<ContactPerson> persons(CustomerKind kind, List<ContactPersonInput> raw, @Nullable String region,
                                     Violations v) {
    if (raw.isEmpty()) {
      return List.of();
    }
    if (kind != CustomerKind.ORGANIZATION) {
      v.add("contactPersons", "contactPersons.organizationOnly", "only organizations have contact persons");
      return List.of();
    }
    List<ContactPerson> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      ContactPersonInput in = raw.get(i);
      String path = "contactPersons[" + i + "]";
      LocalizedText name = v.capture(path + ".name", () -> new LocalizedText(in.name(), in.localizedNames()));
      List<EmailAddress> emails = emails(in.emails(), path + ".emails", v);
      List<PhoneNumber> phones = phones(in.phones(), region, path + ".phones", v);
      if (name != null) {
        out.add(new ContactPerson(name, in.role(), emails, phones));
      }
    }
    return out;
  }

  static List<TagPath> tags(List<String> raw, Violations v) {
    List<TagPath> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      TagPath t = capture(v, "tags", i, () -> new TagPath(s));
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * {@link Violations#capture} at {@code path[index]}, that path written only for a value that is refused (a list
   * of valid values is the common case).
   */
  private static <T> @Nullable T capture(Violations v, String path, int index, Supplier<T> build) {
    try {
      return build.get();
    } catch (ValidationException e) {
      v.addAll(path + "[" + index + "]", e);
      return null;
    }
  }

  static Map<String, Consent> consents(Map<String, Consent> existing, Map<String, Boolean> given, Instant now,
                                       String by) {
    Map<String, Consent> out = new TreeMap<>(existing);
    given.forEach((purpose, granted) -> {
      Consent old = out.get(purpose);
      if (old == null || old.granted() != granted) {
        out.put(purpose, new Consent(granted, now, by));
      }
    });
    return out;
  }
}
