package dev.rapport.crm.access;

import java.util.Objects;

/**
 * How a readable-but-sensitive field is shown. Masks apply to text; a field that cannot hold masked text (an amount,
 * a date, an address, a tag) is hidden by any mask. Every output path applies the same masks: single reads, pages,
 * exports, and audit diffs through {@link Masking}.
 *
 * <pre>{@code
 * Mask.phone().apply("+8613912345678")     // +86 *** **** 5678
 * Mask.email().apply("jane@example.com")   // j***@example.com
 * Mask.keepLast(4).apply("6222021234567890") // ************7890
 * }</pre>
 */
public sealed interface Mask {

  /** The masked form of {@code value}. */
  String apply(String value);

  /** The field is removed (an optional value becomes absent, a list empty); required text reads {@code ***}. */
  static Mask hidden() {
    return Hidden.INSTANCE;
  }

  /** A phone number with every digit hidden but the last four ({@code +86 *** **** 5678}). */
  static Mask phone() {
    return Phone.INSTANCE;
  }

  /** An e-mail address with its local part hidden but the first character ({@code j***@example.com}). */
  static Mask email() {
    return Email.INSTANCE;
  }

  /** Every character hidden but the last {@code visible} ones (at most half of them stay visible). */
  static Mask keepLast(int visible) {
    return new KeepLast(visible);
  }

  /** The value replaced by fixed text, e.g. {@code "[confidential]"}. */
  static Mask replaceWith(String text) {
    return new Replace(text);
  }

  /** See {@link Mask#hidden()}. */
  enum Hidden implements Mask {
    INSTANCE;

    @Override
    public String apply(String value) {
      return "***";
    }
  }

  /** See {@link Mask#phone()}. */
  enum Phone implements Mask {
    INSTANCE;

    @Override
    public String apply(String value) {
      try {
        return dev.rapport.crm.contact.PhoneNumber.of(value).masked();
      } catch (RuntimeException notANumber) {
        return new KeepLast(4).apply(value);
      }
    }
  }

  /** See {@link Mask#email()}. */
  enum Email implements Mask {
    INSTANCE;

    @Override
    public String apply(String value) {
      int at = value.lastIndexOf('@');
      if (at <= 0) {
        return "***";
      }
      return value.codePoints().limit(1).collect(StringBuilder::new, StringBuilder::appendCodePoint,
          StringBuilder::append) + "***" + value.substring(at);
    }
  }

  /** See {@link Mask#keepLast(int)}. */
  record KeepLast(int visible) implements Mask {
    public KeepLast {
      if (visible < 0) {
        throw new IllegalArgumentException("visible must not be negative: " + visible);
      }
    }

    @Override
    public String apply(String value) {
      int[] cps = value.codePoints().toArray();
      int keep = Math.min(visible, cps.length / 2);
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < cps.length; i++) {
        if (i < cps.length - keep) {
          out.append('*');
        } else {
          out.appendCodePoint(cps[i]);
        }
      }
      return out.toString();
    }
  }

  /** See {@link Mask#replaceWith(String)}. */
  record Replace(String text) implements Mask {
    public Replace {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String apply(String value) {
      return text;
    }
  }
}
