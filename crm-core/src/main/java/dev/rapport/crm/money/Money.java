package dev.rapport.crm.money;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.rapport.crm.error.ValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of money in one ISO 4217 currency.
 *
 * <pre>{@code
 * Money limit = Money.of("250000", "CNY");   // 250000.00 CNY
 * limit.plus(Money.of("0.5", "CNY"));         // 250000.50 CNY
 * Money.of("1.5", "JPY");                     // ValidationException money.scale: yen has no minor unit
 * }</pre>
 *
 * <p>The amount is held at exactly the currency's number of minor-unit digits (JPY 0, CNY 2, BHD 3), so equal amounts
 * are {@code equals}. An amount with more significant decimals than that is rejected ({@code money.scale}) rather than
 * rounded; trailing zeros are not significant ({@code 1.500} CNY is fine). At most 34 significant digits
 * ({@code money.range}), which every store holds exactly (IEEE 754 decimal128, SQL NUMERIC). Currencies without a
 * minor unit definition (gold {@code XAU}, test {@code XTS}, …) are rejected ({@code money.currency}). Money may be
 * negative. Arithmetic and comparison work only within one currency (else {@code money.currency}).
 *
 * <p>JSON: {@code {"amount": "250000.00", "currency": "CNY"}}, the amount as a string so no reader turns it into a
 * binary float. All violations have path {@code ""} except where noted.
 */
public record Money(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount, Currency currency)
    implements Comparable<Money> {

  /** Significant digits of IEEE 754 decimal128. */
  public static final int MAX_PRECISION = 34;

  public Money {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    int digits = currency.getDefaultFractionDigits();
    if (digits < 0) {
      throw ValidationException.of("currency", "money.currency",
          currency.getCurrencyCode() + " is not a currency with a minor unit");
    }
    if (Math.max(amount.stripTrailingZeros().scale(), 0) > digits) {
      throw ValidationException.of("amount", "money.scale", amount.toPlainString() + " has more than " + digits
          + " decimal places, the most " + currency.getCurrencyCode() + " allows");
    }
    amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
    if (amount.precision() > MAX_PRECISION) {
      throw ValidationException.of("amount", "money.range",
          amount.toPlainString() + " has more than " + MAX_PRECISION + " significant digits");
    }
  }

  /** Parses {@code amount} (plain or scientific decimal notation) in the currency with ISO 4217 code {@code code}. */
  public static Money of(String amount, String currencyCode) {
    Objects.requireNonNull(amount, "amount");
    BigDecimal parsed;
    try {
      parsed = new BigDecimal(amount.strip());
    } catch (NumberFormatException e) {
      throw ValidationException.of("amount", "money.amount", "'" + amount + "' is not a decimal number");
    }
    return of(parsed, currencyCode);
  }

  public static Money of(BigDecimal amount, String currencyCode) {
    return new Money(amount, currency(currencyCode));
  }

  /** Zero in {@code currency}. */
  public static Money zero(Currency currency) {
    return new Money(BigDecimal.ZERO, currency);
  }

  public Money plus(Money other) {
    return new Money(amount.add(sameCurrency(other).amount), currency);
  }

  public Money minus(Money other) {
    return new Money(amount.subtract(sameCurrency(other).amount), currency);
  }

  public Money negate() {
    return new Money(amount.negate(), currency);
  }

  @JsonIgnore
  public boolean isNegative() {
    return amount.signum() < 0;
  }

  @JsonIgnore
  public boolean isZero() {
    return amount.signum() == 0;
  }

  /** Orders amounts of the same currency; throws {@code money.currency} for two currencies, which have no order. */
  @Override
  public int compareTo(Money other) {
    return amount.compareTo(sameCurrency(other).amount);
  }

  public boolean isGreaterThan(Money other) {
    return compareTo(other) > 0;
  }

  /** E.g. {@code 250000.00 CNY}. */
  @Override
  public String toString() {
    return amount.toPlainString() + " " + currency.getCurrencyCode();
  }

  private Money sameCurrency(Money other) {
    Objects.requireNonNull(other, "other");
    if (!currency.equals(other.currency)) {
      throw ValidationException.of("currency", "money.currency", "cannot combine " + currency.getCurrencyCode()
          + " with " + other.currency.getCurrencyCode());
    }
    return other;
  }

  private static Currency currency(String code) {
    Objects.requireNonNull(code, "currencyCode");
    try {
      return Currency.getInstance(code.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("currency", "money.currency", "'" + code + "' is not an ISO 4217 currency code");
    }
  }
}
