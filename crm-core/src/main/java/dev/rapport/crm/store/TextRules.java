package dev.rapport.crm.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.internal.text.Characters;
import dev.rapport.crm.query.Criteria;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one rule for text, decided in core so that every store holds the same thing: text Rapport accepts is stored
 * and matched exactly on every store, and text no store can hold exactly is refused up front with a violation naming
 * the field and the character (by code point), instead of being changed on the way in (PostgreSQL, MariaDB and H2
 * store an unpaired surrogate as {@code ?}, MongoDB as U+FFFD; PostgreSQL refuses NUL).
 *
 * <p>Refused everywhere (values, map keys, criteria values, ids):
 * <ul>
 *   <li>{@code text.surrogate}: an unpaired UTF-16 surrogate (ill-formed text; it has no UTF-8 form)</li>
 *   <li>{@code text.control}: NUL and the other C0 controls except tab, line feed and carriage return, DEL, and the
 *       C1 controls (U+0080–U+009F)</li>
 *   <li>{@code text.bidi}: the bidirectional formatting controls (U+061C, U+200E, U+200F, U+202A–U+202E,
 *       U+2066–U+2069), which let a name, a tag or an identifier display as something it is not (Unicode UTS #39
 *       and UTS #55 advise against them in identifiers)</li>
 * </ul>
 * Everything else is text, stored and matched exactly on every store: any script, emoji, combining marks,
 * zero-width joiners, and the noncharacters too (U+FFFF, U+10FFFF: every store keeps them, and the kernel's
 * contracts sort and match them at the edges of code-point order).
 */
public final class TextRules {
  private TextRules() {}

  /** The first problem of {@code value} as a violation at {@code path}, or empty when it is acceptable text. */
  public static Optional<Violation> check(String path, String value) {
    return check(path, value, false);
  }

  /**
   * Like {@link #check(String, String)}, except that bidirectional formatting controls are accepted when {@code
   * bidiAllowed} (free text, where right-to-left prose may need them).
   */
  public static Optional<Violation> check(String path, String value, boolean bidiAllowed) {
    return Characters.check(path, value, bidiAllowed);
  }

  /** Throws a {@link ValidationException} naming {@code path} unless {@code value} is acceptable text. */
  public static void require(String path, String value) {
    require(path, value, false);
  }

  /**
   * Like {@link #require(String, String)}, except that bidirectional formatting controls are accepted when {@code
   * bidiAllowed} (free text where the host allows them: {@code ModuleContext.allowsBidiControlsInFreeText()}).
   */
  public static void require(String path, String value, boolean bidiAllowed) {
    check(path, value, bidiAllowed).ifPresent(v -> {
      throw new ValidationException(List.of(v));
    });
  }

  /**
   * An identifier a caller names (a user, a role, a request): given, not blank, at most {@code maxLength}
   * characters, and acceptable text without bidirectional controls, whatever the host allows in free text. Refused
   * with a {@link ValidationException} at {@code path}: rules {@code <scope>.id.required} and {@code
   * <scope>.id.length} (a module names its own scope: {@code approval}, {@code rbac}), or the text rules'.
   *
   * @return {@code value}
   */
  public static String requireId(String path, @org.jspecify.annotations.Nullable String value, int maxLength,
                                 String scope) {
    if (value == null || value.isBlank()) {
      throw ValidationException.of(path, scope + ".id.required", path + " is required, and was "
          + (value == null ? "null" : "blank"));
    }
    if (value.length() > maxLength) {
      throw ValidationException.of(path, scope + ".id.length", path + " has at most " + maxLength
          + " characters, not " + value.length());
    }
    require(path, value);
    return value;
  }

  /**
   * Every problem in a JSON tree's strings and object keys, with paths in the form Bean Validation uses
   * ({@code name.default}, {@code emails[0]}, {@code customFields.note}): one violation per offending value.
   */
  public static List<Violation> check(JsonNode tree) {
    return check(tree, path -> false);
  }

  /**
   * Like {@link #check(JsonNode)}, except that bidirectional formatting controls are accepted in the string values
   * at the paths {@code bidiAllowed} accepts (free text, where right-to-left prose may need them).
   */
  public static List<Violation> check(JsonNode tree, Predicate<String> bidiAllowed) {
    List<Violation> out = new ArrayList<>();
    walk(tree, new Path(), bidiAllowed, out);
    return out;
  }

  /**
   * The path of the node being walked, as a stack of keys and indexes: it becomes a string only for a value or key
   * that holds a character these rules look at, so a clean tree costs no strings.
   */
  private static final class Path {
    private String[] keys = new String[8];
    private int[] indexes = new int[8];
    private int depth;

    void push(@org.jspecify.annotations.Nullable String key, int index) {
      if (depth == keys.length) {
        keys = java.util.Arrays.copyOf(keys, depth * 2);
        indexes = java.util.Arrays.copyOf(indexes, depth * 2);
      }
      keys[depth] = key;
      indexes[depth] = index;
      depth++;
    }

    void pop() {
      depth--;
    }

    /** In the form Bean Validation uses: {@code name.default}, {@code emails[0]}, {@code customFields.note}. */
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < depth; i++) {
        if (keys[i] == null) {
          b.append('[').append(indexes[i]).append(']');
        } else {
          b.append(b.length() == 0 ? "" : ".").append(keys[i]);
        }
      }
      return b.toString();
    }
  }

  private static void walk(JsonNode node, Path path, Predicate<String> bidiAllowed, List<Violation> out) {
    // one look at the node's type (isTextual, isArray and isObject are each a call on it)
    switch (node.getNodeType()) {
      case STRING -> {
        String value = node.textValue();
        if (!isPlain(value)) {
          String at = path.toString();
          check(at, value, bidiAllowed.test(at)).ifPresent(out::add);
        }
      }
      case ARRAY -> {
        for (int i = 0; i < node.size(); i++) {
          path.push(null, i);
          walk(node.get(i), path, bidiAllowed, out);
          path.pop();
        }
      }
      case OBJECT -> {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          path.push(e.getKey(), 0);
          Optional<Violation> key = isPlain(e.getKey()) ? Optional.empty() : check(path.toString(), e.getKey());
          if (key.isPresent()) {
            out.add(key.get());
          } else {
            walk(e.getValue(), path, bidiAllowed, out);
          }
          path.pop();
        }
      }
      default -> {
        // numbers, booleans, null, binary: no text
      }
    }
  }

  /** Whether {@code value} holds no surrogate, control or bidirectional control at all (then every check passes). */
  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        continue; // printable ASCII, most of any text: none of the checks below can refuse it
      }
      if (Character.isSurrogate(c) || isControl(c) || isBidiControl(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every criteria value that is not acceptable text, at {@code criteria.<field>}: a value no stored text can hold
   * would compare differently per store, so the command path's reads refuse it like a command would. (The kernel
   * itself does not apply this: a store keeps and compares what it can.)
   */
  public static List<Violation> check(Criteria criteria) {
    List<Violation> out = new ArrayList<>();
    walk(criteria, out);
    return out;
  }

  private static void walk(Criteria c, List<Violation> out) {
    if (c instanceof Criteria.Eq eq) {
      value(eq.field(), eq.value(), out);
    } else if (c instanceof Criteria.Compare cmp) {
      value(cmp.field(), cmp.value(), out);
    } else if (c instanceof Criteria.In in) {
      in.values().forEach(v -> value(in.field(), v, out));
    } else if (c instanceof Criteria.Prefix p) {
      value(p.field(), p.prefix(), out);
    } else if (c instanceof Criteria.And and) {
      and.all().forEach(x -> walk(x, out));
    } else if (c instanceof Criteria.Or or) {
      or.any().forEach(x -> walk(x, out));
    } else if (c instanceof Criteria.Not not) {
      walk(not.criteria(), out);
    }
  }

  private static void value(String field, Object value, List<Violation> out) {
    if (value instanceof String s) {
      check("criteria." + field, s).ifPresent(out::add);
    }
  }

  /**
   * Text Rapport writes itself from others' words (an error message from a notifier): every character these rules
   * refuse replaced by U+FFFD, cut to at most {@code maxLength} UTF-16 units without splitting a surrogate pair.
   */
  public static String sanitized(String value, int maxLength) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength));
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int n = Character.charCount(cp);
      boolean refused = Character.isSurrogate((char) cp) && n == 1 || isControl(cp) || isBidiControl(cp);
      String piece = refused ? "\uFFFD" : value.substring(i, i + n);
      if (out.length() + piece.length() > maxLength) {
        break;
      }
      out.append(piece);
      i += n;
    }
    return out.toString();
  }

  /** A code point as people read it: {@code U+1F600 '😀'}, or just {@code U+202E} when it does not show. */
  public static String describe(int codePoint) {
    return Characters.describe(codePoint);
  }

  private static boolean isControl(int c) {
    return Characters.isControl(c);
  }

  private static boolean isBidiControl(int c) {
    return Characters.isBidiControl(c);
  }
}
