package dev.rapport.crm.internal.customer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.ContactPersonInput;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.store.TextRules;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * {@link CleanCustomerData} may stand in for Bean Validation and the text rules only if it never calls an input
 * clean that either would refuse; and it must mirror exactly the constraints declared on the input records.
 */
class CleanCustomerDataTest {
  private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
      .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

  @Example
  void mirrorsTheDeclaredConstraints() {
    // when this fails, a constraint on CustomerData or its parts changed: update isClean, then MIRRORED
    assertThat(CleanCustomerData.constraints(VALIDATOR)).isEqualTo(CleanCustomerData.MIRRORED);
    assertThat(CleanCustomerData.mirrors(VALIDATOR)).isTrue();
  }

  @Example
  void aPlainValidInputIsClean() {
    CustomerData d = CustomerData.builder(CustomerKind.ORGANIZATION, "Acme Trading").localizedName("zh-Hans", "艾克美")
        .email("sales@acme.example").phone("+86 21 6123 4567").phoneRegion("CN")
        .address(new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120"))
        .contactPerson(ContactPersonInput.of("Li Wei", "Finance", List.of("li@acme.example"), List.of()))
        .tag("segment/vip").creditLimit("250000", "CNY").externalRef("SAP", "0000123456")
        .customField("note", "x").customField("size", 12).consent("marketing-email", true).build();
    assertThat(CleanCustomerData.isClean(d)).isTrue();
  }

  @Property(tries = 3000)
  void cleanMeansNoViolationFromBeanValidationNorTheTextRules(@ForAll("inputs") CustomerData d) {
    if (CleanCustomerData.isClean(d)) {
      assertThat(VALIDATOR.validate(d)).isEmpty();
      assertThat(TextRules.check(Json.toTree(d))).isEmpty();
    }
  }

  @Property(tries = 300)
  void inputsTheRulesAcceptAreMostlyProvenClean(@ForAll("inputs") CustomerData d) {
    // the reverse need not hold (it may send a valid input the long way), but it must for these plain values
    if (VALIDATOR.validate(d).isEmpty() && TextRules.check(Json.toTree(d)).isEmpty()
        && d.customFields().values().stream().allMatch(v -> v instanceof String)) {
      assertThat(CleanCustomerData.isClean(d)).isTrue();
    }
  }

  private static final int[] LIMITS = {1, 2, 3, 4, 5, 20, 21, 40, 41, 100, 101, 128, 129, 200, 201, 255, 256, 300,
      301, 320, 321};

  /** Short strings of characters the rules look at, strings at every length limit, and nulls. */
  private static Arbitrary<String> text() {
    Arbitrary<String> tricky = Arbitraries.strings()
        .withChars("aZ09 _.-/\t\n\r\u0000\u0001\u007f\u0085\u00a0\u061c\u200e\u202e\u2066\ud800\udc00\u3000é中")
        .ofMinLength(0).ofMaxLength(6);
    Arbitrary<String> plain = Arbitraries.strings().withChars("abcXYZ019-_.").ofMinLength(0).ofMaxLength(4);
    Arbitrary<String> sized = Arbitraries.of(LIMITS.length).flatMap(n -> Arbitraries.integers().between(0,
        LIMITS.length - 1)).flatMap(i -> Arbitraries.of("A", " ", "a", "\u202e").map(c -> c.repeat(LIMITS[i])));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, tricky), net.jqwik.api.Tuple.of(4, plain), net.jqwik.api.Tuple.of(2, sized),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("AB", "ABC", "CN", "cn", "A1", "marketing-email", "a.b", "-a",
            "Ab_.-9")));
  }

  private static Arbitrary<String> nullable() {
    return text().injectNull(0.3);
  }

  private static Arbitrary<List<String>> list(int max) {
    return text().list().ofMinSize(0).ofMaxSize(max);
  }

  private static Arbitrary<Map<String, String>> map() {
    return Arbitraries.maps(text(), text()).ofMaxSize(3).map(LinkedHashMap::new);
  }

  @Provide
  Arbitrary<CustomerData> inputs() {
    Arbitrary<AddressInput> address = Combinators.combine(text(), nullable(), nullable(), nullable(),
        Arbitraries.oneOf(list(2), list(6)), nullable()).as(AddressInput::new);
    Arbitrary<ContactPersonInput> person = Combinators.combine(text(), Arbitraries.maps(text(), text()).ofMaxSize(2),
        nullable(), Arbitraries.oneOf(list(2), list(11)), list(2)).as(ContactPersonInput::new);
    Arbitrary<CustomerData.MoneyInput> money = Combinators.combine(
        Arbitraries.of(BigDecimal.ONE, new BigDecimal("-2.5")).injectNull(0.1), text(),
        Arbitraries.of(true, false)).as((a, c, ok) -> new CustomerData.MoneyInput(a, c)).injectNull(0.3);
    Arbitrary<Map<String, Object>> custom = Arbitraries.maps(text(), Arbitraries.oneOf(text().map(s -> (Object) s),
        Arbitraries.of(1, 2L, true, 1.5, new BigDecimal("3"), List.of("x"), Map.of("k", "\u0000")))).ofMaxSize(2)
        .map(LinkedHashMap::new);
    Arbitrary<Map<String, Boolean>> consents = Arbitraries.maps(text(), Arbitraries.of(true, false)).ofMaxSize(2)
        .map(LinkedHashMap::new);
    Arbitrary<List<Object>> parts = Combinators.combine(List.of(
        Arbitraries.of(CustomerKind.class).injectNull(0.05).map(o -> (Object) o),
        text().map(o -> (Object) o), map().map(o -> (Object) o), list(3).map(o -> (Object) o),
        Arbitraries.oneOf(list(2), list(21)).map(o -> (Object) o), nullable().map(o -> (Object) o),
        address.list().ofMaxSize(2).map(o -> (Object) o), person.list().ofMaxSize(2).map(o -> (Object) o),
        list(3).map(o -> (Object) o), nullable().map(o -> (Object) o), nullable().map(o -> (Object) o),
        nullable().map(o -> (Object) o), money.map(o -> (Object) o), map().map(o -> (Object) o),
        custom.map(o -> (Object) o), consents.map(o -> (Object) o))).as(ArrayList::new);
    return parts.map(CleanCustomerDataTest::data);
  }

  @SuppressWarnings("unchecked")
  private static CustomerData data(List<Object> p) {
    String optional = (String) p.get(9);
    return new CustomerData((CustomerKind) p.get(0), (String) p.get(1), (Map<String, String>) p.get(2),
        (List<String>) p.get(3), (List<String>) p.get(4), (String) p.get(5), (List<AddressInput>) p.get(6),
        (List<ContactPersonInput>) p.get(7), (List<String>) p.get(8), optional, (String) p.get(10),
        (String) p.get(11), optional, (String) p.get(10), (String) p.get(11), (CustomerData.MoneyInput) p.get(12),
        (Map<String, String>) p.get(13), (Map<String, Object>) p.get(14), (Map<String, Boolean>) p.get(15));
  }
}
