package dev.rapport.crm.tag;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.internal.StoredRead;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A hierarchical tag such as {@code segment/vip/gold} or {@code 客户/重要}: 1 to 8 segments separated by '/', each 1
 * to 40 characters of Unicode letters, digits, combining marks (needed by Devanagari, Thai, …), '-' and '_' (not
 * starting with a mark); at most 200 characters in all. Held trimmed, in Unicode NFC and lower case
 * ({@link Locale#ROOT}), so {@code Segment/VIP} and {@code segment/vip} are the same tag.
 *
 * <pre>{@code
 * TagPath gold = TagPath.of("segment/vip/gold");
 * gold.isWithin(TagPath.of("segment/vip"));  // true: a query for segment/vip finds it
 * gold.parent();                             // Optional[segment/vip]
 * }</pre>
 *
 * <p>Violations, path {@code ""}: {@code tag.empty}, {@code tag.depth}, {@code tag.length}, {@code tag.segment}.
 */
public record TagPath(String value) {
  public static final char SEPARATOR = '/';
  public static final int MAX_SEGMENTS = 8;
  public static final int MAX_SEGMENT_LENGTH = 40;
  public static final int MAX_LENGTH = 200;

  public TagPath {
    Objects.requireNonNull(value, "value");
    if (!StoredRead.active()) { // a stored tag is canonical
      value = Normalizer.normalize(value.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
      Violations v = new Violations();
      if (value.isEmpty()) {
        v.add("", "tag.empty", "a tag may not be empty");
      } else {
        String[] segments = value.split(String.valueOf(SEPARATOR), -1);
        if (segments.length > MAX_SEGMENTS) {
          v.add("", "tag.depth", "a tag has at most " + MAX_SEGMENTS + " segments, not " + segments.length);
        }
        int length = value.codePointCount(0, value.length());
        if (length > MAX_LENGTH) {
          v.add("", "tag.length", "a tag has at most " + MAX_LENGTH + " characters, not " + length);
        }
        for (int i = 0; i < segments.length; i++) {
          String problem = segmentProblem(segments[i]);
          if (problem != null) {
            v.add("", "tag.segment", "segment " + (i + 1) + " ('" + segments[i] + "') " + problem);
          }
        }
      }
      v.throwIfAny();
    }
  }

  @JsonCreator
  public static TagPath of(String value) {
    return new TagPath(value);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  /** The segments from the root down, e.g. {@code [segment, vip, gold]}. */
  public List<String> segments() {
    return Arrays.asList(value.split(String.valueOf(SEPARATOR)));
  }

  /** The number of segments. */
  public int depth() {
    return segments().size();
  }

  /** True when this tag is {@code ancestor} itself or lies below it ({@code a/b} is within {@code a}, not {@code ab}). */
  public boolean isWithin(TagPath ancestor) {
    Objects.requireNonNull(ancestor, "ancestor");
    return value.equals(ancestor.value)
        || (value.startsWith(ancestor.value) && value.charAt(ancestor.value.length()) == SEPARATOR);
  }

  /** The tag one level up, or empty for a root tag. */
  public Optional<TagPath> parent() {
    int last = value.lastIndexOf(SEPARATOR);
    return last < 0 ? Optional.empty() : Optional.of(new TagPath(value.substring(0, last)));
  }

  /** The tag one level down, e.g. {@code segment/vip}.child("gold"). */
  public TagPath child(String segment) {
    Objects.requireNonNull(segment, "segment");
    return new TagPath(value + SEPARATOR + segment);
  }

  @Override
  public String toString() {
    return value;
  }

  private static @Nullable String segmentProblem(String segment) {
    int length = segment.codePointCount(0, segment.length());
    if (length == 0) {
      return "is empty";
    }
    if (length > MAX_SEGMENT_LENGTH) {
      return "has " + length + " characters, at most " + MAX_SEGMENT_LENGTH + " are allowed";
    }
    if (isMark(segment.codePointAt(0))) {
      return "may not start with a combining mark";
    }
    for (int i = 0; i < segment.length(); ) {
      int cp = segment.codePointAt(i);
      if (!(Character.isLetterOrDigit(cp) || cp == '-' || cp == '_' || isMark(cp))) {
        return "may hold only letters, digits, '-' and '_'";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }
}
