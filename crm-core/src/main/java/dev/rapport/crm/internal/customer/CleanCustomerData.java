package dev.rapport.crm.internal.customer;

import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.ContactPersonInput;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.store.TextRules;
import jakarta.validation.Validator;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.ContainerElementTypeDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Proves, without Hibernate Validator and without a JSON tree, that a {@link CustomerData} breaks none of its Bean
 * Validation constraints and none of the text rules: the common case of a valid command, decided by a plain walk
 * over its values. It answers {@code true} only when it is sure; any doubt (a constraint broken, a character the text
 * rules look at, a custom field value that is not a plain string, number or boolean) answers {@code false}, and the
 * command path then runs Bean Validation and the text rules in full, which name every violation exactly as always.
 *
 * <p>It mirrors the constraints declared on {@link CustomerData}, {@link AddressInput}, {@link ContactPersonInput}
 * and {@link CustomerData.MoneyInput}. It stands in for Bean Validation only while the validator reports exactly the
 * constraints it mirrors ({@link #mirrors}); {@code CleanCustomerDataTest} fails when those declarations change
 * without this class.
 */
final class CleanCustomerData {
  /** The constraints {@link #isClean} mirrors, as {@link #constraints} describes them. */
  static final String MIRRORED = String.join("\n", List.of(
      "CustomerData",
      "  addresses @Size{groups=[], max=10, message={jakarta.validation.constraints.Size.message}, min=0} <0 @Valid @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}>",
      "  consents  <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Pattern{flags=[], groups=[], message=must be a lower-case purpose name, regexp=[a-z0-9][a-z0-9_.-]{0,39}}> <1 @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}>",
      "  contactPersons @Size{groups=[], max=50, message={jakarta.validation.constraints.Size.message}, min=0} <0 @Valid @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}>",
      "  creditLimit @Valid ",
      "  customFields  <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}}> <1 @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}>",
      "  department @Size{groups=[], max=100, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  emails @Size{groups=[], max=20, message={jakarta.validation.constraints.Size.message}, min=0} <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=320, message={jakarta.validation.constraints.Size.message}, min=0}>",
      "  externalRefs  <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Pattern{flags=[], groups=[], message=must be 1-40 letters, digits, '_', '.', '-', regexp=[A-Za-z0-9_.-]{1,40}}> <1 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=200, message={jakarta.validation.constraints.Size.message}, min=0}>",
      "  grade @Size{groups=[], max=20, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  kind @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}",
      "  localizedNames  <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}}> <1 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=255, message={jakarta.validation.constraints.Size.message}, min=0}>",
      "  name @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=255, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  owner @Size{groups=[], max=128, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  phoneRegion @Pattern{flags=[], groups=[], message=must be an ISO 3166 alpha-2 region, regexp=[A-Z]{2}}",
      "  phones @Size{groups=[], max=20, message={jakarta.validation.constraints.Size.message}, min=0} <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=40, message={jakarta.validation.constraints.Size.message}, min=0}>",
      "  region @Size{groups=[], max=100, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  stage @Size{groups=[], max=40, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  tags @Size{groups=[], max=100, message={jakarta.validation.constraints.Size.message}, min=0} <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}}>",
      "  team @Size{groups=[], max=100, message={jakarta.validation.constraints.Size.message}, min=0}",
      "AddressInput",
      "  city @Size{groups=[], max=255, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  country @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=2, message={jakarta.validation.constraints.Size.message}, min=2}",
      "  streetLines @Size{groups=[], max=4, message={jakarta.validation.constraints.Size.message}, min=0} <0 @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}}>",
      "ContactPersonInput",
      "  emails @Size{groups=[], max=10, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  name @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Size{groups=[], max=300, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  phones @Size{groups=[], max=10, message={jakarta.validation.constraints.Size.message}, min=0}",
      "  role @Size{groups=[], max=100, message={jakarta.validation.constraints.Size.message}, min=0}",
      "MoneyInput",
      "  amount @NotNull{groups=[], message={jakarta.validation.constraints.NotNull.message}}",
      "  currency @NotBlank{groups=[], message={jakarta.validation.constraints.NotBlank.message}} @Pattern{flags=[], groups=[], message=must be an ISO 4217 code, regexp=[A-Z]{3}}"));

  private CleanCustomerData() {}

  /**
   * Whether {@link #isClean} may stand in for {@code validator}: only when the constraints it finds on the input
   * types are exactly those this class mirrors (a host's {@code META-INF/validation.xml} may add or remove some).
   */
  static boolean mirrors(Validator validator) {
    return MIRRORED.equals(constraints(validator));
  }

  /** The Bean Validation constraints {@code validator} applies to the create input, one line per property. */
  static String constraints(Validator validator) {
    List<String> lines = new ArrayList<>();
    for (Class<?> type : List.of(CustomerData.class, AddressInput.class, ContactPersonInput.class,
        CustomerData.MoneyInput.class)) {
      BeanDescriptor bean = validator.getConstraintsForClass(type);
      lines.add(type.getSimpleName() + (bean.getConstraintDescriptors().isEmpty() ? ""
          : " " + describe(bean.getConstraintDescriptors())));
      List<PropertyDescriptor> properties = new ArrayList<>(bean.getConstrainedProperties());
      properties.sort(Comparator.comparing(PropertyDescriptor::getPropertyName));
      for (PropertyDescriptor p : properties) {
        StringBuilder line = new StringBuilder("  ").append(p.getPropertyName())
            .append(p.isCascaded() ? " @Valid" : "").append(' ').append(describe(p.getConstraintDescriptors()));
        elements(p.getConstrainedContainerElementTypes(), line);
        lines.add(line.toString());
      }
    }
    return String.join("\n", lines);
  }

  private static void elements(Set<ContainerElementTypeDescriptor> types, StringBuilder line) {
    List<ContainerElementTypeDescriptor> elements = new ArrayList<>(types);
    elements.sort(Comparator.comparing(ContainerElementTypeDescriptor::getTypeArgumentIndex));
    for (ContainerElementTypeDescriptor e : elements) {
      line.append(" <").append(e.getTypeArgumentIndex()).append(e.isCascaded() ? " @Valid" : "").append(' ')
          .append(describe(e.getConstraintDescriptors()));
      elements(e.getConstrainedContainerElementTypes(), line);
      line.append('>');
    }
  }

  private static String describe(Set<ConstraintDescriptor<?>> constraints) {
    List<String> out = new ArrayList<>();
    for (ConstraintDescriptor<?> c : constraints) {
      Map<String, Object> attributes = new TreeMap<>(c.getAttributes());
      attributes.remove("payload");
      attributes.put("groups", Arrays.stream((Class<?>[]) attributes.getOrDefault("groups", new Class<?>[0]))
          .map(Class::getName).sorted().toList());
      attributes.computeIfPresent("flags", (k, v) -> Arrays.toString((Object[]) v));
      out.add("@" + c.getAnnotation().annotationType().getSimpleName() + attributes
          + (c.getComposingConstraints().isEmpty() ? "" : describe(c.getComposingConstraints())));
    }
    out.sort(null);
    return String.join(" ", out);
  }

  static boolean isClean(CustomerData d) {
    return d.kind() != null
        && notBlank(d.name(), 255)
        && localized(d.localizedNames(), 255)
        && d.emails().size() <= 20 && allNotBlank(d.emails(), 320)
        && d.phones().size() <= 20 && allNotBlank(d.phones(), 40)
        && (d.phoneRegion() == null || upper(d.phoneRegion(), 2))
        && d.addresses().size() <= 10 && addresses(d.addresses())
        && d.contactPersons().size() <= 50 && persons(d.contactPersons())
        && d.tags().size() <= 100 && allNotBlank(d.tags(), Integer.MAX_VALUE)
        && optional(d.stage(), 40) && optional(d.grade(), 20) && optional(d.owner(), 128)
        && optional(d.team(), 100) && optional(d.department(), 100) && optional(d.region(), 100)
        && money(d.creditLimit())
        && externalRefs(d.externalRefs())
        && customFields(d.customFields())
        && consents(d.consents());
  }

  private static boolean addresses(List<AddressInput> list) {
    for (AddressInput a : list) {
      if (a == null || !notBlank(a.country(), 2) || a.country().length() != 2
          || !optional(a.region(), Integer.MAX_VALUE) || !optional(a.city(), 255)
          || !optional(a.district(), Integer.MAX_VALUE) || !optional(a.postalCode(), Integer.MAX_VALUE)
          || a.streetLines().size() > 4 || !allNotBlank(a.streetLines(), Integer.MAX_VALUE)) {
        return false;
      }
    }
    return true;
  }

  private static boolean persons(List<ContactPersonInput> list) {
    for (ContactPersonInput p : list) {
      if (p == null || !notBlank(p.name(), 300) || !optional(p.role(), 100)
          || p.emails().size() > 10 || !allText(p.emails()) || p.phones().size() > 10 || !allText(p.phones())) {
        return false;
      }
      for (Map.Entry<String, String> e : p.localizedNames().entrySet()) {
        if (!text(e.getKey()) || !text(e.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean money(CustomerData.@Nullable MoneyInput m) {
    if (m == null) {
      return true;
    }
    BigDecimal amount = m.amount();
    String c = m.currency();
    return amount != null && c != null && upper(c, 3);
  }

  private static boolean localized(Map<String, String> names, int max) {
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (!notBlank(e.getKey(), Integer.MAX_VALUE) || !notBlank(e.getValue(), max)) {
        return false;
      }
    }
    return true;
  }

  private static boolean externalRefs(Map<String, String> refs) {
    for (Map.Entry<String, String> e : refs.entrySet()) {
      String k = e.getKey();
      if (k == null || k.isEmpty() || k.length() > 40 || !notBlank(e.getValue(), 200)) {
        return false;
      }
      for (int i = 0; i < k.length(); i++) {
        char c = k.charAt(i);
        if (!(isLower(c) || isUpper(c) || isDigit(c) || c == '_' || c == '.' || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean customFields(Map<String, Object> fields) {
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      Object v = e.getValue();
      if (!notBlank(e.getKey(), Integer.MAX_VALUE) || v == null) {
        return false;
      }
      // other values (maps, lists, dates, beans) take the full path: their JSON form is Jackson's to decide
      if (v instanceof String s ? !text(s) : !(v instanceof Boolean || v instanceof Integer || v instanceof Long
          || v instanceof BigDecimal || v instanceof Double)) {
        return false;
      }
    }
    return true;
  }

  private static boolean consents(Map<String, Boolean> consents) {
    for (Map.Entry<String, Boolean> e : consents.entrySet()) {
      String k = e.getKey();
      if (k == null || k.isEmpty() || k.length() > 40 || e.getValue() == null) {
        return false;
      }
      for (int i = 0; i < k.length(); i++) {
        char c = k.charAt(i);
        boolean ok = isLower(c) || isDigit(c) || (i > 0 && (c == '_' || c == '.' || c == '-'));
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean allNotBlank(List<String> values, int max) {
    for (String s : values) {
      if (!notBlank(s, max)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allText(List<String> values) {
    for (String s : values) {
      if (!text(s)) {
        return false;
      }
    }
    return true;
  }

  /** {@code @Nullable @Size(max)}, and acceptable text. */
  private static boolean optional(@Nullable String s, int max) {
    return s == null || (s.length() <= max && text(s));
  }

  /** {@code @NotBlank @Size(max)} (Bean Validation's blank: nothing left after {@code trim()}), and acceptable text. */
  private static boolean notBlank(@Nullable String s, int max) {
    if (s == null || s.length() > max || !text(s)) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > ' ') {
        return true;
      }
    }
    return false;
  }

  /** {@code [A-Z]{n}}. */
  private static boolean upper(String s, int n) {
    if (s.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!isUpper(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean text(@Nullable String s) {
    return s != null && TextRules.check("", s).isEmpty();
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
