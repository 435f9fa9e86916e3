package dev.rapport.crm.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The one filter model for every collection: what queries, access-policy residual filters and lifecycle guards all
 * compile to, and what every store adapter translates (to SQL, to MongoDB filters, or evaluates in memory).
 *
 * <p>Fields are names of a collection's declared indexes (plus {@code id}); values are typed: {@link String},
 * {@link Long}, {@link BigDecimal}, {@link Instant} or {@link Boolean} ({@link Values#normalize} converts
 * {@code Integer} etc.). Semantics, identical on every adapter (the TCK checks it):
 * <ul>
 *   <li>Two-valued logic: a comparison on a field the document does not have is {@code false}; {@link Not} inverts
 *       the result, so {@code not(eq("region", "EU"))} matches documents with no region.</li>
 *   <li>On a multi-valued field a comparison matches when <em>any</em> value matches.</li>
 *   <li>Strings compare by Unicode code point (binary UTF-8 order), case-sensitively.</li>
 * </ul>
 *
 * <pre>{@code
 * Criteria c = Criteria.and(
 *     Criteria.eq("stage", "ACTIVE"),
 *     Criteria.tagSubtree("tags", "segment/vip"),
 *     Criteria.gte("creditLimit", new BigDecimal("100000")));
 * }</pre>
 */
public sealed interface Criteria {

  /** Matches every document. */
  record All() implements Criteria {}

  /** Matches no document. */
  record None() implements Criteria {}

  /** {@code field == value} (any value, for a multi-valued field). */
  record Eq(String field, Object value) implements Criteria {
    public Eq {
      Objects.requireNonNull(field, "field");
      value = Values.normalize(field, value);
    }
  }

  /** {@code field <op> value} for ordered types. */
  record Compare(String field, Op op, Object value) implements Criteria {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      value = Values.normalize(field, value);
    }
  }

  /** {@code field IN (values)}; an empty list matches nothing. */
  record In(String field, List<Object> values) implements Criteria {
    public In {
      Objects.requireNonNull(field, "field");
      List<Object> copy = new ArrayList<>(values.size());
      for (Object v : values) {
        copy.add(Values.normalize(field, v));
      }
      values = List.copyOf(copy);
    }
  }

  /** String field starts with {@code prefix} (case-sensitive; the empty prefix matches any present value). */
  record Prefix(String field, String prefix) implements Criteria {
    public Prefix {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** The document has at least one value for the field. */
  record Exists(String field) implements Criteria {
    public Exists {
      Objects.requireNonNull(field, "field");
    }
  }

  record And(List<Criteria> all) implements Criteria {
    public And {
      all = List.copyOf(all);
    }
  }

  record Or(List<Criteria> any) implements Criteria {
    public Or {
      any = List.copyOf(any);
    }
  }

  record Not(Criteria criteria) implements Criteria {
    public Not {
      Objects.requireNonNull(criteria, "criteria");
    }
  }

  enum Op {
    GT, GTE, LT, LTE
  }

  /** Whether this criteria names {@code field} anywhere. */
  default boolean mentions(String field) {
    if (this instanceof Eq x) {
      return x.field().equals(field);
    } else if (this instanceof Compare x) {
      return x.field().equals(field);
    } else if (this instanceof In x) {
      return x.field().equals(field);
    } else if (this instanceof Prefix x) {
      return x.field().equals(field);
    } else if (this instanceof Exists x) {
      return x.field().equals(field);
    } else if (this instanceof And x) {
      return x.all().stream().anyMatch(y -> y.mentions(field));
    } else if (this instanceof Or x) {
      return x.any().stream().anyMatch(y -> y.mentions(field));
    } else if (this instanceof Not x) {
      return x.criteria().mentions(field);
    }
    return false;
  }

  /** The fields this criteria names, in the order it names them. */
  default java.util.Set<String> fields() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    collectFields(this, out);
    return out;
  }

  private static void collectFields(Criteria c, java.util.Set<String> out) {
    if (c instanceof And x) {
      x.all().forEach(y -> collectFields(y, out));
    } else if (c instanceof Or x) {
      x.any().forEach(y -> collectFields(y, out));
    } else if (c instanceof Not x) {
      collectFields(x.criteria(), out);
    } else if (c instanceof Eq x) {
      out.add(x.field());
    } else if (c instanceof Compare x) {
      out.add(x.field());
    } else if (c instanceof In x) {
      out.add(x.field());
    } else if (c instanceof Prefix x) {
      out.add(x.field());
    } else if (c instanceof Exists x) {
      out.add(x.field());
    }
  }

  static Criteria all() {
    return new All();
  }

  static Criteria none() {
    return new None();
  }

  static Criteria eq(String field, Object value) {
    return new Eq(field, value);
  }

  static Criteria gt(String field, Object value) {
    return new Compare(field, Op.GT, value);
  }

  static Criteria gte(String field, Object value) {
    return new Compare(field, Op.GTE, value);
  }

  static Criteria lt(String field, Object value) {
    return new Compare(field, Op.LT, value);
  }

  static Criteria lte(String field, Object value) {
    return new Compare(field, Op.LTE, value);
  }

  /** Half-open range {@code from <= field < to}, the usual shape of a time window. */
  static Criteria between(String field, Object fromInclusive, Object toExclusive) {
    return and(gte(field, fromInclusive), lt(field, toExclusive));
  }

  static Criteria in(String field, List<?> values) {
    return new In(field, List.copyOf(values));
  }

  static Criteria in(String field, Object... values) {
    return new In(field, Arrays.asList(values));
  }

  static Criteria prefix(String field, String prefix) {
    return new Prefix(field, prefix);
  }

  static Criteria exists(String field) {
    return new Exists(field);
  }

  static Criteria and(Criteria... all) {
    return new And(List.of(all));
  }

  static Criteria and(List<Criteria> all) {
    return new And(all);
  }

  static Criteria or(Criteria... any) {
    return new Or(List.of(any));
  }

  static Criteria or(List<Criteria> any) {
    return new Or(any);
  }

  static Criteria not(Criteria criteria) {
    return new Not(criteria);
  }

  /**
   * A hierarchical tag or any tag below it: {@code tagSubtree("tags", "segment/vip")} matches {@code segment/vip}
   * and {@code segment/vip/gold}, but not {@code segment/vipx}.
   */
  static Criteria tagSubtree(String field, String tagPath) {
    return or(eq(field, tagPath), prefix(field, tagPath + "/"));
  }
}
