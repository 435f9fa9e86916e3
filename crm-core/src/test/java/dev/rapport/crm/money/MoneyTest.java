package dev.rapport.crm.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import java.math.BigDecimal;
import java.util.Currency;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {
  private final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({
      "250000, CNY, 250000.00",
      "1.500, cny, 1.50",
      "1000, JPY, 1000",
      "1.0, JPY, 1",
      "0.125, BHD, 0.125",
      "-12.3, USD, -12.30",
      "2.5E+3, EUR, 2500.00"})
  void normalisesToTheMinorUnit(String amount, String currency, String expected) {
    assertThat(Money.of(amount, currency).amount()).isEqualTo(new BigDecimal(expected));
  }

  @ParameterizedTest
  @CsvSource({
      "1.5, JPY, amount, money.scale",
      "0.001, CNY, amount, money.scale",
      "0.1234, BHD, amount, money.scale",
      "abc, CNY, amount, money.amount",
      "1, RMB, currency, money.currency",
      "1, XAU, currency, money.currency",
      "1e40, USD, amount, money.range"})
  void rejects(String amount, String currency, String path, String rule) {
    assertThatThrownBy(() -> Money.of(amount, currency)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.violations()).singleElement().satisfies(v -> {
          assertThat(v.path()).isEqualTo(path);
          assertThat(v.rule()).isEqualTo(rule);
        }));
  }

  @Test
  void arithmeticAndOrderWithinOneCurrency() {
    Money a = Money.of("100.10", "CNY");
    Money b = Money.of("0.9", "CNY");
    assertThat(a.plus(b)).isEqualTo(Money.of("101", "CNY"));
    assertThat(b.minus(a)).isEqualTo(Money.of("-99.20", "CNY"));
    assertThat(b.minus(a).isNegative()).isTrue();
    assertThat(a.minus(a).isZero()).isTrue();
    assertThat(a.compareTo(b)).isPositive();
    assertThat(a.isGreaterThan(b)).isTrue();
    assertThat(a.negate().negate()).isEqualTo(a);
    assertThat(Money.zero(Currency.getInstance("JPY"))).hasToString("0 JPY");
  }

  @Test
  void refusesToMixCurrencies() {
    Money cny = Money.of("1", "CNY");
    Money usd = Money.of("1", "USD");
    for (Runnable r : new Runnable[] {() -> cny.plus(usd), () -> cny.minus(usd), () -> cny.compareTo(usd)}) {
      assertThatThrownBy(r::run).isInstanceOfSatisfying(ValidationException.class,
          e -> assertThat(e.violations().get(0).rule()).isEqualTo("money.currency"));
    }
  }

  @Test
  void serializesTheAmountAsAString() throws Exception {
    Money m = Money.of("250000", "CNY");
    assertThat(json.writeValueAsString(m)).isEqualTo("{\"amount\":\"250000.00\",\"currency\":\"CNY\"}");
    assertThat(json.readValue("{\"amount\":\"250000.00\",\"currency\":\"CNY\"}", Money.class)).isEqualTo(m);
    assertThatThrownBy(() -> json.readValue("{\"amount\":\"1.5\",\"currency\":\"JPY\"}", Money.class))
        .hasRootCauseInstanceOf(ValidationException.class);
  }

  @Property
  void roundTripsThroughJsonExactly(@ForAll("money") Money m) throws Exception {
    String text = json.writeValueAsString(m);
    assertThat(json.readValue(text, Money.class)).isEqualTo(m);
    assertThat(json.readTree(text).get("amount").isTextual()).isTrue();
  }

  @Property
  void plusThenMinusIsIdentity(@ForAll("money") Money m) {
    Money other = Money.of("12", m.currency().getCurrencyCode());
    assertThat(m.plus(other).minus(other)).isEqualTo(m);
  }

  @Provide
  Arbitrary<Money> money() {
    Arbitrary<Currency> currency = Arbitraries.of("CNY", "JPY", "BHD", "USD", "EUR", "KWD", "CLP")
        .map(Currency::getInstance);
    Arbitrary<BigDecimal> unscaled = Arbitraries.bigIntegers().between(
        new java.math.BigInteger("-1" + "0".repeat(30)), new java.math.BigInteger("1" + "0".repeat(30)))
        .map(BigDecimal::new);
    return Combinators.combine(unscaled, currency)
        .as((u, c) -> new Money(u.movePointLeft(c.getDefaultFractionDigits()), c));
  }
}
