package dev.rapport.crm.rbac;

import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.IndexType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A condition compiled from CEL's checked AST: evaluated directly on a request ({@link #test}), or partially
 * evaluated with the subject and environment known into the criteria the store runs ({@link #residual}). Both follow
 * the criteria semantics of core ({@link dev.rapport.crm.query.CriteriaEvaluator}): a comparison with a field the
 * record does not have is false, {@code !} inverts, a multi-valued field matches when any value does. A subject
 * attribute the actor does not have makes the whole condition undecidable ({@link Undecidable}): the rule fails
 * closed, identically in both forms.
 */
abstract class Cond {

  /** Evaluates the condition on a request. */
  public abstract boolean test(Req r);

  /** The condition with the subject and environment of {@code r} known (its resource is not read). */
  public abstract Criteria residual(Req r);

  /** Whether the residual form exists (no interpreted parts, no field compared with a field). */
  public boolean pushable() {
    return true;
  }

  /** The resource fields the condition reads. */
  public void fields(List<String> out) {}

  /** The condition's value when it depends on nothing (constants only), else null: for load-time warnings. */
  public @Nullable Boolean fold() {
    return null;
  }

  /** Thrown when a condition reads a subject attribute the actor does not have: the rule fails closed. */
  public static final class Undecidable extends RuntimeException {
    public static final Undecidable INSTANCE = new Undecidable();

    private Undecidable() {
      super("undecidable", null, false, false);
    }
  }

  // ---- simplifying criteria constructors -------------------------------------------------------------------------

  static Criteria and(Criteria a, Criteria b) {
    if (a instanceof Criteria.None || b instanceof Criteria.None) {
      return Criteria.none();
    }
    if (a instanceof Criteria.All) {
      return b;
    }
    if (b instanceof Criteria.All) {
      return a;
    }
    List<Criteria> all = new ArrayList<>();
    flatten(a, all, true);
    flatten(b, all, true);
    return Criteria.and(all);
  }

  static Criteria or(Criteria a, Criteria b) {
    if (a instanceof Criteria.All || b instanceof Criteria.All) {
      return Criteria.all();
    }
    if (a instanceof Criteria.None) {
      return b;
    }
    if (b instanceof Criteria.None) {
      return a;
    }
    List<Criteria> any = new ArrayList<>();
    flatten(a, any, false);
    flatten(b, any, false);
    return Criteria.or(any);
  }

  static Criteria not(Criteria a) {
    if (a instanceof Criteria.All) {
      return Criteria.none();
    }
    if (a instanceof Criteria.None) {
      return Criteria.all();
    }
    if (a instanceof Criteria.Not n) {
      return n.criteria();
    }
    return Criteria.not(a);
  }

  private static void flatten(Criteria c, List<Criteria> out, boolean and) {
    if (and && c instanceof Criteria.And x) {
      out.addAll(x.all());
    } else if (!and && c instanceof Criteria.Or x) {
      out.addAll(x.any());
    } else {
      out.add(c);
    }
  }

  static Criteria constant(boolean b) {
    return b ? Criteria.all() : Criteria.none();
  }

  // ---- values ------------------------------------------------------------------------------------------------------

  /** A value known before the resource is: a constant, a subject attribute, the time. */
  public abstract static class Known {
    public abstract Object value(Req r);

    /** The constant, when this is one (null otherwise). */
    public @Nullable Object constant() {
      return null;
    }
  }

  public static final class Const extends Known {
    final Object value;

    public Const(Object value) {
      this.value = value;
    }

    @Override
    public Object value(Req r) {
      return value;
    }

    @Override
    public Object constant() {
      return value;
    }
  }

  public static final class SubjectAttr extends Known {
    final String name;

    public SubjectAttr(String name) {
      this.name = name;
    }

    @Override
    public Object value(Req r) {
      String v = r.actor.attributes().get(name);
      if (v == null) {
        throw Undecidable.INSTANCE;
      }
      return v;
    }
  }

  public static final class SubjectId extends Known {
    @Override
    public Object value(Req r) {
      return r.actor.userId();
    }
  }

  public static final class SubjectTenant extends Known {
    @Override
    public Object value(Req r) {
      return r.actor.tenant().value();
    }
  }

  public static final class EnvNow extends Known {
    @Override
    public Object value(Req r) {
      return r.now();
    }
  }

  /** {@code value} in the kernel type of a field, or null when it cannot be one (the comparison is then false). */
  static @Nullable Object as(IndexType type, Object value) {
    switch (type) {
      case STRING:
        return value instanceof String ? value : null;
      case LONG:
        if (value instanceof Long) {
          return value;
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
          return d.longValue();
        }
        return value instanceof BigDecimal b ? longOrNull(b) : null;
      case DECIMAL:
        if (value instanceof Long l) {
          return Values.normalize("value", BigDecimal.valueOf(l));
        }
        if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
          return Values.normalize("value", new BigDecimal(Double.toString(d)));
        }
        return value instanceof BigDecimal b ? Values.normalize("value", b) : null;
      case BOOLEAN:
        return value instanceof Boolean ? value : null;
      case INSTANT:
        return value instanceof java.time.Instant i ? Values.normalize("value", i) : null;
      default:
        return null;
    }
  }

  private static @Nullable Long longOrNull(BigDecimal b) {
    try {
      return b.longValueExact();
    } catch (ArithmeticException notALong) {
      return null;
    }
  }

  static boolean same(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return a.equals(b);
  }

  // ---- nodes -------------------------------------------------------------------------------------------------------

  public static final class Lit extends Cond {
    public static final Lit TRUE = new Lit(true);
    public static final Lit FALSE = new Lit(false);
    final boolean value;

    private Lit(boolean value) {
      this.value = value;
    }

    @Override
    public boolean test(Req r) {
      return value;
    }

    @Override
    public Criteria residual(Req r) {
      return constant(value);
    }

    @Override
    public Boolean fold() {
      return value;
    }
  }

  /** {@code &&} and {@code ||}: both sides are always evaluated, so an undecidable side fails the whole alike. */
  abstract static class Binary extends Cond {
    final Cond a;
    final Cond b;

    Binary(Cond a, Cond b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public boolean pushable() {
      return a.pushable() && b.pushable();
    }

    @Override
    public void fields(List<String> out) {
      a.fields(out);
      b.fields(out);
    }

    /** The folded value given the sides' folded values, for the operator whose absorbing value is {@code zero}. */
    static @Nullable Boolean fold(@Nullable Boolean x, @Nullable Boolean y, boolean zero) {
      if (Boolean.valueOf(zero).equals(x) || Boolean.valueOf(zero).equals(y)) {
        return zero;
      }
      return x != null && y != null ? !zero : null;
    }
  }

  public static final class And extends Binary {
    public And(Cond a, Cond b) {
      super(a, b);
    }

    @Override
    public boolean test(Req r) {
      boolean x = a.test(r);
      boolean y = b.test(r);
      return x && y;
    }

    @Override
    public Criteria residual(Req r) {
      return and(a.residual(r), b.residual(r));
    }

    @Override
    public @Nullable Boolean fold() {
      return fold(a.fold(), b.fold(), false);
    }
  }

  public static final class Or extends Binary {
    public Or(Cond a, Cond b) {
      super(a, b);
    }

    @Override
    public boolean test(Req r) {
      boolean x = a.test(r);
      boolean y = b.test(r);
      return x || y;
    }

    @Override
    public Criteria residual(Req r) {
      return or(a.residual(r), b.residual(r));
    }

    @Override
    public @Nullable Boolean fold() {
      return fold(a.fold(), b.fold(), true);
    }
  }

  public static final class Not extends Cond {
    final Cond a;

    public Not(Cond a) {
      this.a = a;
    }

    @Override
    public boolean test(Req r) {
      return !a.test(r);
    }

    @Override
    public Criteria residual(Req r) {
      return not(a.residual(r));
    }

    @Override
    public @Nullable Boolean fold() {
      Boolean x = a.fold();
      return x == null ? null : !x;
    }

    @Override
    public boolean pushable() {
      return a.pushable();
    }

    @Override
    public void fields(List<String> out) {
      a.fields(out);
    }
  }

  /** Comparison operators, as the resource field is on the left. */
  public enum Op {
    EQ, LT, LE, GT, GE;

    Op flipped() {
      return switch (this) {
        case EQ -> EQ;
        case LT -> GT;
        case LE -> GE;
        case GT -> LT;
        case GE -> LE;
      };
    }

    boolean holds(int c) {
      return switch (this) {
        case EQ -> c == 0;
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        case GE -> c >= 0;
      };
    }
  }

  /** Which state of the resource a field is read from. */
  public enum State { RESOURCE, BEFORE }

  abstract static class FieldCond extends Cond {
    final String field;
    final IndexType type;
    final State state;

    FieldCond(String field, IndexType type, State state) {
      this.field = field;
      this.type = type;
      this.state = state;
    }

    final @Nullable List<Object> values(Req r) {
      Map<String, List<Object>> m = state == State.RESOURCE ? r.resource : r.before;
      if (m == null) {
        return null;
      }
      List<Object> vs = m.get(field);
      // the id is not an index value: values derived from a JSON state (Resource.stored(type, id, body), a write's
      // result) do not carry it, the store's read values do; the residual compares the store's id either way
      return vs == null && r.id != null && field.equals("id") ? List.of(r.id) : vs;
    }

    @Override
    public void fields(List<String> out) {
      if (!out.contains(field)) {
        out.add(field);
      }
    }
  }

  /** {@code resource.field <op> known}. */
  public static final class FieldCmp extends FieldCond {
    final Op op;
    final Known known;
    final @Nullable Object constant;

    public FieldCmp(String field, IndexType type, State state, Op op, Known known) {
      super(field, type, state);
      this.op = op;
      this.known = known;
      Object c = known.constant();
      this.constant = c == null ? null : as(type, c);
    }

    private @Nullable Object operand(Req r) {
      return constant != null ? constant : as(type, known.value(r));
    }

    @Override
    public boolean test(Req r) {
      Object k = operand(r);
      List<Object> vs = values(r);
      if (k == null || vs == null) {
        return false;
      }
      for (int i = 0, n = vs.size(); i < n; i++) {
        Object v = vs.get(i);
        if (op == Op.EQ ? same(v, k) : v.getClass() == k.getClass() && op.holds(Values.compare(v, k))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Criteria residual(Req r) {
      Object k = operand(r);
      if (k == null) {
        return Criteria.none();
      }
      return switch (op) {
        case EQ -> Criteria.eq(field, k);
        case LT -> Criteria.lt(field, k);
        case LE -> Criteria.lte(field, k);
        case GT -> Criteria.gt(field, k);
        case GE -> Criteria.gte(field, k);
      };
    }
  }

  /** {@code resource.field in [known, ...]}, or {@code known in resource.multiValuedField} (then one element). */
  public static final class FieldIn extends FieldCond {
    final Known[] knowns;

    public FieldIn(String field, IndexType type, State state, Known[] knowns) {
      super(field, type, state);
      this.knowns = knowns;
    }

    @Override
    public boolean test(Req r) {
      boolean found = false;
      List<Object> vs = values(r);
      for (Known k : knowns) {
        Object x = as(type, k.value(r));
        if (x != null && vs != null && !found) {
          for (int i = 0, n = vs.size(); i < n && !found; i++) {
            found = same(vs.get(i), x);
          }
        }
      }
      return found;
    }

    @Override
    public Criteria residual(Req r) {
      List<Object> xs = new ArrayList<>(knowns.length);
      for (Known k : knowns) {
        Object x = as(type, k.value(r));
        if (x != null) {
          xs.add(x);
        }
      }
      if (xs.isEmpty()) {
        return Criteria.none();
      }
      return xs.size() == 1 ? Criteria.eq(field, xs.get(0)) : Criteria.in(field, xs);
    }
  }

  /** {@code resource.field.startsWith(known)}, or any value of a multi-valued field starting with it. */
  public static final class FieldPrefix extends FieldCond {
    final Known known;

    public FieldPrefix(String field, IndexType type, State state, Known known) {
      super(field, type, state);
      this.known = known;
    }

    @Override
    public boolean test(Req r) {
      Object k = known.value(r);
      List<Object> vs = values(r);
      if (!(k instanceof String p) || vs == null) {
        return false;
      }
      for (int i = 0, n = vs.size(); i < n; i++) {
        if (vs.get(i) instanceof String s && s.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Criteria residual(Req r) {
      Object k = known.value(r);
      return k instanceof String p ? Criteria.prefix(field, p) : Criteria.none();
    }
  }

  /** {@code has(resource.field)}: the record has a value for it (a multi-valued field: at least one). */
  public static final class FieldExists extends FieldCond {
    public FieldExists(String field, IndexType type, State state) {
      super(field, type, state);
    }

    @Override
    public boolean test(Req r) {
      List<Object> vs = values(r);
      return vs != null && !vs.isEmpty();
    }

    @Override
    public Criteria residual(Req r) {
      return Criteria.exists(field);
    }
  }

  /** A condition on the subject and environment only: decided before the resource is read, its residual a constant. */
  abstract static class KnownOnly extends Cond {
    @Override
    public final Criteria residual(Req r) {
      return constant(test(r));
    }
  }

  /** A comparison of known values only (subject, environment, constants): decided before the resource is read. */
  public static final class KnownCmp extends KnownOnly {
    final Known a;
    final Op op;
    final Known b;

    public KnownCmp(Known a, Op op, Known b) {
      this.a = a;
      this.op = op;
      this.b = b;
    }

    @Override
    public boolean test(Req r) {
      Object x = a.value(r);
      Object y = b.value(r);
      if (op == Op.EQ) {
        return same(x, y);
      }
      return x.getClass() == y.getClass() && op.holds(Values.compare(x, y));
    }


    @Override
    public @Nullable Boolean fold() {
      return a.constant() != null && b.constant() != null ? test(null) : null;
    }
  }

  /** {@code known in [known, ...]}. */
  public static final class KnownIn extends KnownOnly {
    final Known a;
    final Known[] list;

    public KnownIn(Known a, Known[] list) {
      this.a = a;
      this.list = list;
    }

    @Override
    public boolean test(Req r) {
      Object x = a.value(r);
      boolean found = false;
      for (Known k : list) {
        found |= same(x, k.value(r));
      }
      return found;
    }

  }

  /** {@code known in subject.roles}: the actor holds the role (directly, as the host says, or by assignment). */
  public static final class HasRole extends KnownOnly {
    final Known role;

    public HasRole(Known role) {
      this.role = role;
    }

    @Override
    public boolean test(Req r) {
      return r.holds(String.valueOf(role.value(r)));
    }

  }

  /** {@code has(subject.attr)}. */
  public static final class HasAttribute extends KnownOnly {
    final String name;

    public HasAttribute(String name) {
      this.name = name;
    }

    @Override
    public boolean test(Req r) {
      return r.actor.attributes().containsKey(name);
    }

  }

  /** What the compiler does not translate: CEL's interpreter decides; there is no residual form. */
  public static final class Interpreted extends Cond {
    final CelConditions.Program program;

    Interpreted(CelConditions.Program program) {
      this.program = program;
    }

    @Override
    public boolean test(Req r) {
      return program.eval(r);
    }

    @Override
    public Criteria residual(Req r) {
      throw new IllegalStateException("an interpreted condition has no residual form");
    }

    @Override
    public boolean pushable() {
      return false;
    }
  }
}
